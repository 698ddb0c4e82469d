"""``alerts``: the outbox of flagged articles, its whole lifecycle in one place.

Kinds: ``new`` (a story's first flagged article: a message of its own), ``also`` (a further
outlet's report of the story: a reply in its thread), ``update`` (the severity rose: a
reply), ``status`` (the article raised an alerted story's claim status: a reply announcing
it, ``alerts.claim_status``), ``review`` (a story's first article marked for review, while
no article of it is alerted: a message of its own in the review channel). At most one
``new``, one ``also`` and one ``review`` per article, one ``update`` per severity level and
one ``status`` per claim status (unique indexes). One article queues one alert: ``new``
before ``status`` before ``also`` before ``update`` (a status reply names the outlet and
carries the severity, so it stands for the other two).

Two lanes, each delivered oldest first: the alert channel's (every kind but ``review``) and
the review channel's (``review``); neither holds the other back.

    queue ──▶ pending ──claim (attempts + 1)──▶ sending ──confirmed──▶ sent
                 ▲                                 │
                 └── retry later ◀─────────────────┤ (next_attempt_at, last_error)
                                                   └── refused / attempts used up ──▶ failed
    pending ──a reply of a muted story──▶ muted (never posted; the archive and the digest keep the article)
    recover: sending ──▶ pending (after a crash)     requeue: failed ──▶ pending

An attempt is spent when the alert is claimed, before anything is posted; ``retry_later``
with ``refund`` gives it back (nothing was posted). Delivery's policy (when to refund,
back-off, replies) is in ``alerts/``; this module only moves rows.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, NamedTuple

from newswatch.archive.connection import Db
from newswatch.archive.labels import Labels
from newswatch.claims import claim_rank
from newswatch.clock import sql_time
from newswatch.rules.engine import REVIEW, SEVERITY_RANK

#: The kind of a reply announcing that an alerted story's claim status rose.
STATUS = "status"
#: Kinds that bring an outlet's report into a story's thread (a further report of that outlet
#: is an ``also`` no more).
FIRST_REPORTS = ("new", "also", STATUS)


@dataclass(frozen=True)
class AlertRow:
    """One alert with its article, its story and the story's first alert (``parent``)."""

    id: int
    article_id: int
    kind: str  # new, also, update, status, review
    severity: str
    attempts: int
    url: str
    title: str | None
    outlet: str
    published: str | None  # UTC, SQLite format
    rules: tuple[str, ...]
    parent_ts: str | None  # the story's first alert: its message ts, channel and status
    parent_channel: str | None
    parent_status: str | None  # None: the story has no first alert
    story_id: int | None
    story_outlets: tuple[str, ...]  # outlet keys of the story, in order of arrival
    slack_ts: str | None  # this alert's own message, once sent
    channel: str | None
    created_at: str | None
    parent_title: str | None  # the article of the story's first alert
    parent_url: str | None
    parent_outlet: str | None
    claim_status: str | None = None  # the article's claim (alleged, official, designated, …)
    claim_cue: str | None = None  # JSON: the cue that decided it (newswatch.claims.ClaimCue)
    entities: tuple[str, ...] = ()  # gazetteer ids the article names, first named first
    announced: str | None = None  # a ``status`` alert: the story's claim status it announces


@dataclass(frozen=True)
class Stalled:
    """Alerts pending without a single attempt since some time."""

    count: int
    oldest_created_at: str | None


class StaleParent(NamedTuple):
    """A story whose first message (sent) shows an outdated outlet count."""

    story_id: int
    alert_id: int  # the story's first alert
    mark: int  # the story's change mark (``stories.slack_refresh``)


_SELECT = """
    SELECT al.id, al.article_id, al.kind, al.severity, al.attempts, a.url, a.title, a.outlet,
           a.published, a.rules, p.slack_ts AS parent_ts, p.channel AS parent_channel,
           p.status AS parent_status, a.story_id,
           coalesce(s.outlet_list, json_array(a.outlet)) AS story_outlets, al.slack_ts, al.channel,
           al.created_at, pa.title AS parent_title, pa.url AS parent_url, pa.outlet AS parent_outlet,
           a.claim_status, a.claim_cue, al.claim_status AS announced,
           (SELECT json_group_array(entity_id) FROM (
               SELECT e.entity_id FROM article_entities e WHERE e.article_id = a.id ORDER BY e.rowid)
           ) AS entities
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


def _alert(row: dict[str, Any]) -> AlertRow:
    return AlertRow(
        **{
            **row,
            "rules": tuple(json.loads(row["rules"] or "[]")),
            "story_outlets": tuple(json.loads(row["story_outlets"] or "[]")),
            "entities": tuple(json.loads(row["entities"] or "[]")),
        }
    )


class Outbox:
    def __init__(self, db: Db):
        self.db = db

    # --- queueing (inside the write that stores or re-judges an article) ------------------

    def queue(
        self,
        article_id: int,
        kind: str,
        severity: str,
        now: datetime | None = None,
        claim_status: str | None = None,
    ) -> bool:
        """Add an outbox row (at most one ``new`` per article, one ``update`` per severity
        level, one ``status`` per ``claim_status``); True when a row was added."""
        at = sql_time(now) if now is not None else self.db.now()
        with self.db.write() as conn:
            cursor = conn.execute(
                "INSERT INTO alerts (article_id, kind, severity, created_at, next_attempt_at, claim_status) "
                "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
                (article_id, kind, severity, at, at, claim_status),
            )
            return cursor.rowcount == 1

    def queue_status(self, article_id: int, severity: str, status: str) -> bool:
        """Queue the ``status`` reply of an article that raised its story's claim status to
        ``status``, when the story is alerted (its ``new`` alert exists) and the article's own
        first message (``new`` or ``also``) is not still waiting to go: that one is written when
        it is sent, and says the status itself. True when queued."""
        with self.db.write():
            story_id = self.db.value("SELECT story_id FROM articles WHERE id = ?", (article_id,))
            if story_id is None or not self.story_alerted(story_id):
                return False
            if self.db.value(
                "SELECT 1 FROM alerts WHERE article_id = ? AND kind IN ('new', 'also') "
                "AND status = 'pending'",
                (article_id,),
            ):
                return False
            return self.queue(article_id, STATUS, severity, claim_status=status)

    def queue_for_story(self, article_id: int, severity: str, announce: str | None = None) -> str | None:
        """Queue the alert a newly flagged article deserves within its story: ``new`` for the
        story's first flagged article, ``status`` when it raised the story's claim status to
        ``announce`` (a reply in the story's thread), ``also`` for the first flagged article
        of each further outlet (a reply), ``update`` when it raises the story's severity, else
        nothing; one of them at most. Returns the kind queued."""
        with self.db.write():
            found = self.db.row("SELECT story_id, outlet FROM articles WHERE id = ?", (article_id,))
            story_id, outlet = (found["story_id"], found["outlet"]) if found else (None, None)
            alerted = (
                self.db.rows(
                    "SELECT a.outlet, al.kind, al.severity FROM alerts al "
                    "JOIN articles a ON a.id = al.article_id WHERE a.story_id = ?",
                    (story_id,),
                )
                if story_id is not None
                else []
            )
            if not any(a["kind"] == "new" for a in alerted):
                return "new" if self.queue(article_id, "new", severity) else None
            if announce is not None:
                return STATUS if self.queue(article_id, STATUS, severity, claim_status=announce) else None
            if outlet not in {a["outlet"] for a in alerted if a["kind"] in FIRST_REPORTS}:
                if not self.queue(article_id, "also", severity):
                    return None
                if story_id is not None:
                    self._lead_with_earliest(story_id, article_id)
                return "also"
            top = max(SEVERITY_RANK.get(a["severity"], 0) for a in alerted)
            if SEVERITY_RANK.get(severity, 0) > top:
                return "update" if self.queue(article_id, "update", severity) else None
            return None

    def _lead_with_earliest(self, story_id: int, article_id: int) -> None:
        """A further outlet's report published before the report of the story's first message
        takes its place: the two alerts exchange their articles, so the first message shows the
        earliest report (at the higher of the two severities) and the reply the one it replaced
        (at its own). Not when the report it would replace has the stronger claim status, nor
        in a muted story; a first message
        already posted is edited (the story's ``slack_refresh``). A first message failed for
        good, or one without a published time on the newcomer's side, is left as it is.
        Called within the write that queued the reply."""
        first = self.db.row(
            "SELECT al.id, al.article_id, al.severity, al.status, a.published, a.claim_status FROM alerts al "
            "JOIN articles a ON a.id = al.article_id WHERE a.story_id = ? AND al.kind = 'new' "
            "ORDER BY al.id LIMIT 1",
            (story_id,),
        )
        mine = self.db.row(
            "SELECT al.id, al.severity, a.published, a.claim_status FROM alerts al "
            "JOIN articles a ON a.id = al.article_id WHERE al.article_id = ? AND al.kind = 'also'",
            (article_id,),
        )
        if first is None or mine is None or first["status"] not in ("pending", "sending", "sent"):
            return
        if mine["published"] is None or (first["published"] or "9") <= mine["published"]:
            return
        # the first message says how sure the story is: a stronger claim is not replaced by a
        # weaker one; and a muted story's messages are left as they are
        if claim_rank(first["claim_status"]) > claim_rank(mine["claim_status"]):
            return
        if Labels(self.db).muted_until(story_id, self.db.clock()) is not None:
            return
        # the first message at the higher severity of the two: it never reads lower
        top = max(first["severity"], mine["severity"], key=lambda s: SEVERITY_RANK.get(s, 0))
        with self.db.write() as conn:
            conn.execute(
                "UPDATE alerts SET article_id = ?, severity = ? WHERE id = ?",
                (article_id, top, first["id"]),
            )
            conn.execute(
                "UPDATE alerts SET article_id = ?, severity = ? WHERE id = ?",
                (first["article_id"], first["severity"], mine["id"]),
            )
            # edited once posted (a dispatcher may be posting it as it was right now)
            conn.execute("UPDATE stories SET slack_refresh = slack_refresh + 1 WHERE id = ?", (story_id,))

    def queue_for_review(self, article_id: int) -> str | None:
        """Queue the ``review`` alert of an article marked for review, unless its story already
        has one or has a flagged article's alert (one message per story). Returns the kind
        queued."""
        with self.db.write():
            story_id = self.db.value("SELECT story_id FROM articles WHERE id = ?", (article_id,))
            if story_id is not None:
                taken = self.db.value(
                    "SELECT 1 FROM alerts al JOIN articles a ON a.id = al.article_id "
                    "WHERE a.story_id = ? AND al.kind IN ('new', 'review')",
                    (story_id,),
                )
                if taken is not None:
                    return None
            return REVIEW if self.queue(article_id, REVIEW, REVIEW) else None

    def has_first_alert(self, article_id: int) -> bool:
        """The article was alerted as a story's first report or a further outlet's (an
        ``also`` reply, or a ``status`` reply that stood for one)."""
        found = self.db.value(
            "SELECT 1 FROM alerts WHERE article_id = ? AND kind IN ('new', 'also', 'status')", (article_id,)
        )
        return found is not None

    def story_alerted(self, story_id: int) -> bool:
        """The story has its first message queued (or sent)."""
        found = self.db.value(
            "SELECT 1 FROM alerts al JOIN articles a ON a.id = al.article_id "
            "WHERE a.story_id = ? AND al.kind = 'new'",
            (story_id,),
        )
        return found is not None

    # --- delivery ------------------------------------------------------------------------

    def recover(self) -> int:
        """Return alerts left ``sending`` by a crash to ``pending``; how many there were.
        Their attempt stays spent (it was counted when they were claimed)."""
        with self.db.write() as conn:
            return conn.execute("UPDATE alerts SET status = 'pending' WHERE status = 'sending'").rowcount

    def due(
        self, now: datetime | None = None, limit: int | None = None, review: bool = False
    ) -> list[AlertRow]:
        """Pending alerts of one lane (the alert channel's, or with ``review`` the review
        channel's) whose time has come, oldest first, up to the oldest pending alert of that
        lane whose time has not come: nothing overtakes an alert waiting for its retry."""
        rows = self.db.rows(
            _SELECT
            + """
            WHERE al.status = 'pending' AND al.next_attempt_at <= :now AND (al.kind = 'review') = :review
              AND NOT EXISTS (
                SELECT 1 FROM alerts b
                WHERE b.status = 'pending' AND b.next_attempt_at > :now AND (b.kind = 'review') = :review
                  AND (b.created_at, b.id) < (al.created_at, al.id))
            ORDER BY al.created_at, al.id LIMIT :limit
            """,
            {
                "now": sql_time(now) if now is not None else self.db.now(),
                "limit": -1 if limit is None else limit,
                "review": int(review),
            },
        )
        return [_alert(row) for row in rows]

    def get(self, alert_id: int) -> AlertRow | None:
        found = self.db.row(_SELECT + "WHERE al.id = ?", (alert_id,))
        return _alert(found) if found else None

    def claim(self, alert_id: int, max_attempts: int) -> bool:
        """Mark an alert as being sent and spend one attempt on it, in one write, before
        anything is posted. False when another process took it first or it has no attempt left."""
        with self.db.write() as conn:
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
        with self.db.write() as conn:
            conn.execute(
                "UPDATE alerts SET status = 'sent', sent_at = ?, transport = ?, "
                "channel = ?, slack_ts = ?, thread_ts = ?, last_error = NULL WHERE id = ?",
                (self.db.now(), transport, channel, ts, thread_ts, alert_id),
            )

    def retry_later(self, alert_id: int, error: str, delay: timedelta, refund: bool = False) -> None:
        """Back to ``pending`` until now + ``delay``; ``refund`` gives back the attempt
        :meth:`claim` spent (nothing was posted)."""
        with self.db.write() as conn:
            conn.execute(
                "UPDATE alerts SET status = 'pending', attempts = max(0, attempts - ?), next_attempt_at = ?, "
                "last_error = ? WHERE id = ?",
                (1 if refund else 0, sql_time(self.db.clock() + delay), error[:500], alert_id),
            )

    def fail(self, alert_id: int, error: str) -> None:
        """Failed for good (visible in `newswatch alerts`, `--requeue` sends it again)."""
        with self.db.write() as conn:
            conn.execute(
                "UPDATE alerts SET status = 'failed', last_error = ? WHERE id = ? AND status != 'sent'",
                (error[:500], alert_id),
            )

    def mute(self, alert_id: int, note: str) -> bool:
        """A pending reply of a muted story is not posted: ``muted``, with ``note`` (why, until
        when) in ``last_error``; no attempt spent. True when the row was pending."""
        with self.db.write() as conn:
            return (
                conn.execute(
                    "UPDATE alerts SET status = 'muted', last_error = ? WHERE id = ? AND status = 'pending'",
                    (note[:500], alert_id),
                ).rowcount
                == 1
            )

    def requeue(self, alert_ids: list[int] | None = None) -> int:
        """Failed alerts (all, or the given ones) back to pending, attempts reset."""
        now = self.db.now()
        with self.db.write() as conn:
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

    # --- a story's first message, kept up to date -------------------------------------------

    def stale_parents(self) -> list[StaleParent]:
        """Stories whose first message (sent) shows an outdated outlet count."""
        rows = self.db.rows(
            """
            SELECT s.id AS story_id, (
                SELECT r.id FROM articles ra JOIN alerts r ON r.article_id = ra.id
                WHERE ra.story_id = s.id AND r.kind = 'new' AND r.status = 'sent'
                  AND r.slack_ts IS NOT NULL
                ORDER BY r.id LIMIT 1) AS alert_id, s.slack_refresh AS mark
            FROM stories s WHERE s.slack_refresh > 0
            ORDER BY s.id
            """
        )
        return [StaleParent(**row) for row in rows if row["alert_id"] is not None]

    def parent_refreshed(self, story_id: int, mark: int) -> None:
        """The story's first message now shows what the story held at ``mark``."""
        with self.db.write() as conn:
            conn.execute(
                "UPDATE stories SET slack_refresh = 0 WHERE id = ? AND slack_refresh = ?", (story_id, mark)
            )

    # --- what the operator and the watchdog see ---------------------------------------------

    def stalled(self, before: datetime) -> Stalled:
        """Alerts pending without one attempt, queued at or before ``before``."""
        row = self.db.row(
            "SELECT count(*) AS count, min(created_at) AS oldest_created_at FROM alerts "
            "WHERE status = 'pending' AND attempts = 0 AND created_at <= ?",
            (sql_time(before),),
        )
        return Stalled(**row) if row else Stalled(0, None)

    def counts(self) -> dict[str, int]:
        """Alerts by status."""
        rows = self.db.rows("SELECT status, count(*) AS n FROM alerts GROUP BY status")
        return {row["status"]: int(row["n"]) for row in rows}

    def listing(self, status: str | None = None, limit: int = 50) -> list[dict[str, Any]]:
        """The newest alerts (of one status, or all) with their article's outlet, title and URL."""
        return self.db.rows(
            """
            SELECT al.id, al.kind, al.severity, al.status, al.attempts, al.created_at, al.next_attempt_at,
                   al.sent_at, al.last_error, a.outlet, a.title, a.url
            FROM alerts al JOIN articles a ON a.id = al.article_id
            WHERE ? IS NULL OR al.status = ?
            ORDER BY al.id DESC LIMIT ?
            """,
            (status, status, limit),
        )
