"""``service_state``: small named values the service keeps between runs (e.g. when the
digest last ran)."""

from __future__ import annotations

from newswatch.archive.connection import Db


class ServiceState:
    def __init__(self, db: Db):
        self.db = db

    def get(self, key: str) -> str | None:
        value = self.db.value("SELECT value FROM service_state WHERE key = ?", (key,))
        return None if value is None else str(value)

    def set(self, key: str, value: str) -> None:
        with self.db.write() as conn:
            conn.execute(
                "INSERT INTO service_state (key, value, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                (key, value, self.db.now()),
            )
