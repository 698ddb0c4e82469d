"""The alerts outbox: which alerts are due, and their state changes.

Kinds: ``new`` (a story's first flagged article: a message of its own), ``also`` (a further
outlet's report of the story: a reply in its thread), ``update`` (the severity rose: a
reply). Replies wait until the story's first message is sent; if that one failed for good,
or Slack confirmed it without a ``ts`` to reply to, they go out as messages of their own.

    pending ──claim (attempts + 1)──▶ sending ──confirmed──▶ sent
       ▲                                 │
       └── retry later ◀─────────────────┤ (next_attempt_at, last_error)
                                         └── message refused / attempts used up ──▶ failed

An attempt is spent when the alert is claimed, before anything is posted, so no post goes
out uncounted: a crash or an unexpected error leaves the row ``sending`` with its attempt
spent, and the next pass returns it to ``pending`` (at most one duplicate per crash) without
giving the attempt back. ``max_attempts`` claims are all an alert ever gets. Only failures
that provably posted nothing (a 429, a refused connection, a bad configuration) give the
attempt back.

One queue, oldest first: an alert waiting for its retry time holds back every newer one
(all alerts go to one channel), so a Slack that fails and recovers never reorders them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from newswatch.archive import Archive
from newswatch.clock import sql_time

#: An alert pending this long without a single attempt is reported as stalled.
STALLED_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class AlertView:
    """One due alert with what rendering needs."""

    id: int
    article_id: int
    kind: str  # new, also, update
    severity: str
    attempts: int
    url: str
    title: str
    outlet: str
    published: str | None  # UTC, SQLite format
    rules: tuple[str, ...]
    evidence: dict[str, Any] | None  # {field, sentence, highlights}
    parent_ts: str | None = None  # for a reply: the story's first message
    parent_channel: str | None = None
    parent_status: str | None = None  # status of the story's first alert (None: there is none)
    story_id: int | None = None
    story_outlets: tuple[str, ...] = ()  # outlet keys of the story, in order of arrival
    slack_ts: str | None = None  # this alert's own message, once sent
    channel: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    created_at: str | None = None  # UTC, SQLite format
    parent_title: str | None = None  # the story's first alerted article (for a reply)
    parent_url: str | None = None
    parent_outlet: str | None = None

    @property
    def follows(self) -> bool:
        """A reply that cannot go into its story's thread (the first message failed, or
        Slack confirmed it without a ``ts``): it is posted on its own, saying which story."""
        return self.kind != "new" and self.parent_status in ("failed", "sent") and self.parent_ts is None


@dataclass(frozen=True)
class Stalled:
    """Alerts pending without a single attempt for longer than STALLED_AFTER."""

    count: int
    oldest_created_at: str | None


class Outbox:
    def __init__(self, archive: Archive):
        self.archive = archive

    def recover(self) -> int:
        """Return alerts left ``sending`` by a crash to ``pending``; how many there were.
        Their attempt stays spent (it was counted when they were claimed)."""
        with self.archive.write() as conn:
            return conn.execute("UPDATE alerts SET status = 'pending' WHERE status = 'sending'").rowcount

    _SELECT = """
        SELECT al.id, al.article_id, al.kind, al.severity, al.attempts, a.url, a.title, a.outlet,
               a.published, a.rules, p.slack_ts, p.channel, p.status, a.story_id,
               coalesce(s.outlet_list, json_array(a.outlet)), al.slack_ts, al.channel, al.created_at,
               pa.title, pa.url, pa.outlet
        FROM alerts al
        JOIN articles a ON a.id = al.article_id
        LEFT JOIN stories s ON s.id = a.story_id
        LEFT JOIN alerts p ON p.id = (
            SELECT r.id FROM alerts r
            WHERE r.kind = 'new' AND r.article_id IN (
                SELECT x.id FROM articles x WHERE x.story_id = a.story_id UNION ALL SELECT a.id)
            ORDER BY r.id LIMIT 1)
        LEFT JOIN articles pa ON pa.id = p.article_id
    """

    def _views(self, where: str, params: tuple[Any, ...] | dict[str, Any]) -> list[AlertView]:
        rows = self.archive.conn.execute(self._SELECT + where, params).fetchall()
        return [
            AlertView(
                id=r[0],
                article_id=r[1],
                kind=r[2],
                severity=r[3],
                attempts=r[4],
                url=r[5],
                title=r[6] or r[5],
                outlet=r[7],
                published=r[8],
                rules=tuple(json.loads(r[9] or "[]")),
                evidence=self.archive.best_evidence(r[1]),
                parent_ts=r[10] if r[12] == "sent" else None,
                parent_channel=r[11] if r[12] == "sent" else None,
                parent_status=r[12],
                story_id=r[13],
                story_outlets=tuple(json.loads(r[14] or "[]")),
                slack_ts=r[15],
                channel=r[16],
                created_at=r[17],
                parent_title=r[18] or r[19],
                parent_url=r[19],
                parent_outlet=r[20],
            )
            for r in rows
        ]

    def due(self, now: datetime | None = None, limit: int | None = None) -> list[AlertView]:
        """Pending alerts whose time has come, oldest first, up to the oldest pending alert
        whose time has not come: nothing overtakes an alert waiting for its retry."""
        return self._views(
            """
            WHERE al.status = 'pending' AND al.next_attempt_at <= :now
              AND NOT EXISTS (
                SELECT 1 FROM alerts b
                WHERE b.status = 'pending' AND b.next_attempt_at > :now
                  AND (b.created_at, b.id) < (al.created_at, al.id))
            ORDER BY al.created_at, al.id LIMIT :limit
            """,
            {"now": sql_time(now or self.archive.clock()), "limit": -1 if limit is None else limit},
        )

    def view(self, alert_id: int) -> AlertView | None:
        views = self._views("WHERE al.id = ?", (alert_id,))
        return views[0] if views else None

    def stale_parents(self) -> list[tuple[int, int, int]]:
        """Stories whose first message (sent) shows an outdated outlet count:
        (story id, first alert id, the story's change mark)."""
        rows = self.archive.conn.execute(
            """
            SELECT s.id, (
                SELECT r.id FROM articles ra JOIN alerts r ON r.article_id = ra.id
                WHERE ra.story_id = s.id AND r.kind = 'new' AND r.status = 'sent'
                  AND r.slack_ts IS NOT NULL
                ORDER BY r.id LIMIT 1), s.slack_refresh
            FROM stories s WHERE s.slack_refresh > 0
            ORDER BY s.id
            """
        ).fetchall()
        return [(r[0], r[1], r[2]) for r in rows if r[1] is not None]

    def parent_refreshed(self, story_id: int, mark: int) -> None:
        """The story's first message now shows what the story held at ``mark``."""
        with self.archive.write() as conn:
            conn.execute(
                "UPDATE stories SET slack_refresh = 0 WHERE id = ? AND slack_refresh = ?", (story_id, mark)
            )

    def claim(self, alert_id: int, max_attempts: int) -> bool:
        """Mark an alert as being sent and spend one attempt on it, in one write, before
        anything is posted. False when another process took it first or it has no attempt left."""
        with self.archive.write() as conn:
            return (
                conn.execute(
                    "UPDATE alerts SET status = 'sending', attempts = attempts + 1 "
                    "WHERE id = ? AND status = 'pending' AND attempts < ?",
                    (alert_id, max_attempts),
                ).rowcount
                == 1
            )

    def mark_sent(
        self, alert_id: int, transport: str, channel: str | None, ts: str | None, thread_ts: str | None
    ) -> None:
        """Confirmed (the attempt was counted by :meth:`claim`)."""
        with self.archive.write() as conn:
            conn.execute(
                "UPDATE alerts SET status = 'sent', sent_at = ?, transport = ?, "
                "channel = ?, slack_ts = ?, thread_ts = ?, last_error = NULL WHERE id = ?",
                (sql_time(self.archive.clock()), transport, channel, ts, thread_ts, alert_id),
            )

    def retry_later(self, alert_id: int, error: str, delay: timedelta, refund: bool = False) -> None:
        """Back to ``pending`` until now + ``delay``; ``refund`` gives back the attempt
        :meth:`claim` spent (nothing was posted)."""
        with self.archive.write() as conn:
            conn.execute(
                "UPDATE alerts SET status = 'pending', attempts = max(0, attempts - ?), next_attempt_at = ?, "
                "last_error = ? WHERE id = ?",
                (1 if refund else 0, sql_time(self.archive.clock() + delay), error[:500], alert_id),
            )

    def fail(self, alert_id: int, error: str) -> None:
        """Failed for good (visible in `newswatch alerts`, `--requeue` sends it again)."""
        with self.archive.write() as conn:
            conn.execute(
                "UPDATE alerts SET status = 'failed', last_error = ? WHERE id = ? AND status != 'sent'",
                (error[:500], alert_id),
            )

    def stalled(self, now: datetime | None = None, after: timedelta = STALLED_AFTER) -> Stalled:
        """Alerts pending without one attempt for longer than ``after``: delivery is stuck
        (Slack down or refusing the configuration, or an alert the dispatcher never picks)."""
        row = self.archive.conn.execute(
            "SELECT count(*), min(created_at) FROM alerts "
            "WHERE status = 'pending' AND attempts = 0 AND created_at <= ?",
            (sql_time((now or self.archive.clock()) - after),),
        ).fetchone()
        return Stalled(row[0], row[1])

    def requeue(self, alert_ids: list[int] | None = None) -> int:
        """Failed alerts (all, or the given ones) back to pending, attempts reset."""
        now = sql_time(self.archive.clock())
        with self.archive.write() as conn:
            if alert_ids is None:
                cursor = conn.execute(
                    "UPDATE alerts SET status = 'pending', attempts = 0, next_attempt_at = ? "
                    "WHERE status = 'failed'",
                    (now,),
                )
            else:
                marks = ",".join("?" * len(alert_ids))
                cursor = conn.execute(
                    f"UPDATE alerts SET status = 'pending', attempts = 0, next_attempt_at = ? "
                    f"WHERE status = 'failed' AND id IN ({marks})",
                    (now, *alert_ids),
                )
            return cursor.rowcount

    def counts(self) -> dict[str, int]:
        return dict(
            self.archive.conn.execute("SELECT status, count(*) FROM alerts GROUP BY status").fetchall()
        )

    def listing(self, status: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        cursor = self.archive.conn.execute(
            """
            SELECT al.id, al.kind, al.severity, al.status, al.attempts, al.created_at, al.next_attempt_at,
                   al.sent_at, al.last_error, a.outlet, a.title, a.url
            FROM alerts al JOIN articles a ON a.id = al.article_id
            WHERE ? IS NULL OR al.status = ?
            ORDER BY al.id DESC LIMIT ?
            """,
            (status, status, limit),
        )
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]
