"""The alerts outbox: which alerts are due, and their state changes.

    pending ──claim──▶ sending ──confirmed──▶ sent
       ▲                  │
       └── retry later ◀──┤ (attempts, next_attempt_at, last_error)
                          └── too many attempts ──▶ failed  (visible; `newswatch alerts --requeue`)

Alerts are claimed one at a time, so after a crash at most one row is ``sending``: it is
returned to ``pending`` on the next start and re-sent (at most one duplicate per crash).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from archive import Archive
from records import sql_time, utcnow


@dataclass(frozen=True)
class AlertView:
    """One due alert with what rendering needs."""

    id: int
    article_id: int
    kind: str  # new, update
    severity: str
    attempts: int
    url: str
    title: str
    outlet: str
    published: str | None  # UTC, SQLite format
    rules: tuple[str, ...]
    evidence: dict[str, Any] | None  # {field, sentence, highlights}
    parent_ts: str | None = None  # for an update: the first alert's message
    parent_channel: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


class Outbox:
    def __init__(self, archive: Archive):
        self.archive = archive

    def recover(self) -> int:
        """Return alerts left ``sending`` by a crash to ``pending``; how many there were."""
        with self.archive.write() as conn:
            return conn.execute("UPDATE alerts SET status = 'pending' WHERE status = 'sending'").rowcount

    def due(self, now: datetime | None = None, limit: int | None = None) -> list[AlertView]:
        """Pending alerts whose time has come, oldest first."""
        rows = self.archive.conn.execute(
            """
            SELECT al.id, al.article_id, al.kind, al.severity, al.attempts, a.url, a.title, a.outlet,
                   a.published, a.rules,
                   (SELECT p.slack_ts FROM alerts p WHERE p.article_id = al.article_id AND p.kind = 'new'
                      AND p.status = 'sent') AS parent_ts,
                   (SELECT p.channel FROM alerts p WHERE p.article_id = al.article_id AND p.kind = 'new'
                      AND p.status = 'sent') AS parent_channel
            FROM alerts al JOIN articles a ON a.id = al.article_id
            WHERE al.status = 'pending' AND al.next_attempt_at <= ?
            ORDER BY al.created_at, al.id
            LIMIT ?
            """,
            (sql_time(now or utcnow()), -1 if limit is None else limit),
        ).fetchall()
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
                parent_ts=r[10],
                parent_channel=r[11],
            )
            for r in rows
        ]

    def claim(self, alert_id: int) -> bool:
        """Mark an alert as being sent; False when another process took it first."""
        with self.archive.write() as conn:
            return (
                conn.execute(
                    "UPDATE alerts SET status = 'sending' WHERE id = ? AND status = 'pending'", (alert_id,)
                ).rowcount
                == 1
            )

    def mark_sent(
        self, alert_id: int, transport: str, channel: str | None, ts: str | None, thread_ts: str | None
    ) -> None:
        with self.archive.write() as conn:
            conn.execute(
                "UPDATE alerts SET status = 'sent', sent_at = ?, attempts = attempts + 1, transport = ?, "
                "channel = ?, slack_ts = ?, thread_ts = ?, last_error = NULL WHERE id = ?",
                (sql_time(utcnow()), transport, channel, ts, thread_ts, alert_id),
            )

    def retry_later(self, alert_id: int, error: str, delay: timedelta, count_attempt: bool = True) -> None:
        with self.archive.write() as conn:
            conn.execute(
                "UPDATE alerts SET status = 'pending', attempts = attempts + ?, next_attempt_at = ?, "
                "last_error = ? WHERE id = ?",
                (1 if count_attempt else 0, sql_time(utcnow() + delay), error[:500], alert_id),
            )

    def fail(self, alert_id: int, error: str) -> None:
        with self.archive.write() as conn:
            conn.execute(
                "UPDATE alerts SET status = 'failed', attempts = attempts + 1, last_error = ? WHERE id = ?",
                (error[:500], alert_id),
            )

    def requeue(self, alert_ids: list[int] | None = None) -> int:
        """Failed alerts (all, or the given ones) back to pending, attempts reset."""
        now = sql_time(utcnow())
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
