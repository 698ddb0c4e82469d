"""``health``: problems of outlets and of delivery, open until resolved (at most one open
row per outlet and issue)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime
from typing import Any

from newswatch.archive.connection import Db
from newswatch.clock import sql_time


class Health:
    def __init__(self, db: Db):
        self.db = db

    def open(self, outlet: str, issue: str, detail: str) -> bool:
        """Record a problem (e.g. outlet ``slack``, issue ``delivery``); True when it is new,
        False when it was already open (its detail is brought up to date)."""
        now = self.db.now()
        with self.db.write() as conn:
            cursor = conn.execute(
                "UPDATE health SET detail = ? WHERE outlet = ? AND issue = ? AND resolved_at IS NULL",
                (detail, outlet, issue),
            )
            if cursor.rowcount:
                return False
            conn.execute(
                "INSERT INTO health (outlet, issue, since, last_notified_at, detail) VALUES (?, ?, ?, ?, ?)",
                (outlet, issue, now, now, detail),
            )
            return True

    def notified(self, outlet: str, issue: str, detail: str, at: datetime) -> None:
        """A notice of an open problem went out at ``at`` (the problem is opened if new)."""
        with self.db.write() as conn:
            conn.execute(
                "INSERT INTO health (outlet, issue, since, last_notified_at, detail) "
                "VALUES (?, ?, ?, ?, ?) "
                "ON CONFLICT (outlet, issue) WHERE resolved_at IS NULL DO UPDATE SET "
                "last_notified_at = excluded.last_notified_at, detail = excluded.detail",
                (outlet, issue, sql_time(at), sql_time(at), detail),
            )

    def resolve(self, outlet: str, issue: str, at: datetime | None = None) -> bool:
        """Close an open problem (at ``at``, default now); True when one was open."""
        when = sql_time(at) if at is not None else self.db.now()
        with self.db.write() as conn:
            return (
                conn.execute(
                    "UPDATE health SET resolved_at = ? "
                    "WHERE outlet = ? AND issue = ? AND resolved_at IS NULL",
                    (when, outlet, issue),
                ).rowcount
                > 0
            )

    def open_issues(self, issues: Iterable[str] | None = None) -> dict[tuple[str, str], dict[str, Any]]:
        """Open problems (of the given kinds, or all), by (outlet, issue)."""
        kinds = list(issues) if issues is not None else None
        where = "" if kinds is None else f" AND issue IN ({', '.join('?' * len(kinds))})"
        rows = self.db.rows(f"SELECT * FROM health WHERE resolved_at IS NULL{where}", kinds or ())
        return {(row["outlet"], row["issue"]): row for row in rows}

    def open_count(self) -> int:
        return int(self.db.value("SELECT count(*) FROM health WHERE resolved_at IS NULL"))

    def open_by_outlet(self) -> dict[str, list[dict[str, Any]]]:
        """Open problems of every outlet: ``issue`` and ``detail``, by issue."""
        out: dict[str, list[dict[str, Any]]] = {}
        for row in self.db.rows(
            "SELECT outlet, issue, detail FROM health WHERE resolved_at IS NULL ORDER BY outlet, issue"
        ):
            out.setdefault(row["outlet"], []).append(row)
        return out
