"""``crawl_runs``: one row per outlet per crawl run, with its counters."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from newswatch.archive.connection import Db
from newswatch.clock import sql_time

#: Per-outlet counters of one crawl run, in the order the summary table shows them.
RUN_COUNTERS = (
    "discovered",
    "skipped_seen",
    "skipped_stale",
    "filtered",
    "deferred",
    "fetched",
    "new",
    "flagged",
    "empty",
    "not_html",
    "offsite",
    "blocked",
    "errors",
    "source_errors",
    "revised",
    "grouped",
)


class Runs:
    def __init__(self, db: Db):
        self.db = db

    def record(self, run: dict[str, Any]) -> None:
        """Insert or replace the row of one outlet in one run."""
        columns = ", ".join(run)
        marks = ", ".join(f":{k}" for k in run)
        updates = ", ".join(f"{k} = excluded.{k}" for k in run if k not in {"run_id", "outlet"})
        with self.db.write() as conn:
            conn.execute(
                f"INSERT INTO crawl_runs ({columns}) VALUES ({marks}) "
                f"ON CONFLICT (run_id, outlet) DO UPDATE SET {updates}",
                run,
            )

    def set_worker(self, run_id: str, outlet: str, worker: str) -> None:
        """Note the Scrapyd worker an outlet's run was crawled on."""
        with self.db.write() as conn:
            conn.execute(
                "UPDATE crawl_runs SET worker = ? WHERE run_id = ? AND outlet = ?", (worker, run_id, outlet)
            )

    def of_run(self, run_id: str) -> list[dict[str, Any]]:
        """The rows of one run, by outlet."""
        return self.db.rows("SELECT * FROM crawl_runs WHERE run_id = ? ORDER BY outlet", (run_id,))

    def latest(self) -> dict[str, dict[str, Any]]:
        """The most recent row of every outlet."""
        rows = self.db.rows(
            "SELECT * FROM crawl_runs WHERE id IN (SELECT max(id) FROM crawl_runs GROUP BY outlet)"
        )
        return {row["outlet"]: row for row in rows}

    def outlets(self) -> list[str]:
        """Every outlet that has run."""
        return [row["outlet"] for row in self.db.rows("SELECT DISTINCT outlet FROM crawl_runs")]

    def history(self, outlet: str, limit: int) -> list[dict[str, Any]]:
        """The outlet's last ``limit`` runs, oldest first."""
        return self.db.rows(
            "SELECT * FROM (SELECT * FROM crawl_runs WHERE outlet = ? ORDER BY id DESC LIMIT ?) ORDER BY id",
            (outlet, limit),
        )

    def finished_since(self, since: datetime) -> dict[str, int]:
        """Runs finished since ``since``: ``runs``, ``ok`` (ok or partial), ``new``, ``flagged``."""
        row = self.db.row(
            "SELECT count(*) AS runs, sum(status IN ('ok', 'partial')) AS ok, sum(new) AS new, "
            "sum(flagged) AS flagged FROM crawl_runs WHERE finished_at >= ?",
            (sql_time(since),),
        )
        return {key: int(value or 0) for key, value in (row or {}).items()}
