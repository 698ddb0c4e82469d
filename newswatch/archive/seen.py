"""``seen_urls``: every URL spelling ever met, with what came of it, so a crawl fetches each
page once (and again only when its source says it changed)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from newswatch.archive.connection import Db
from newswatch.clock import sql_time
from newswatch.urls import url_hash

#: Seen-URL outcomes that mean "do not fetch again".
FINAL_STATUSES = frozenset({"archived", "empty", "not_html", "gone", "offsite"})


@dataclass(frozen=True, slots=True)
class Seen:
    status: str
    published: str | None
    last_seen: str | None = None


class SeenUrls:
    def __init__(self, db: Db):
        self.db = db

    def get(self, canonical_url: str, earlier_url: str | None = None) -> Seen | None:
        """What is known of a URL; ``earlier_url``, its spelling under an older release's
        canonical rule (see ``Candidate.earlier_url``), is looked up when it is not known."""
        for url in (canonical_url, earlier_url) if earlier_url else (canonical_url,):
            row = self.db.row(
                "SELECT status, published, last_seen FROM seen_urls WHERE url_hash = ?", (url_hash(url),)
            )
            if row:
                return Seen(row["status"], row["published"], row["last_seen"])
        return None

    def status(self, url: str) -> str | None:
        found = self.db.value("SELECT status FROM seen_urls WHERE url_hash = ?", (url_hash(url),))
        return None if found is None else str(found)

    def revisit_due(self, canonical_url: str, updated: datetime | None, since: datetime) -> bool:
        """An archived article whose source says it changed after we last fetched it (and
        not in the future: a wrong time zone must not cause a fetch every run), published
        after ``since``."""
        if updated is None:
            return False
        seen = self.get(canonical_url)
        if seen is None or seen.status != "archived" or not seen.last_seen:
            return False
        changed = sql_time(updated) or ""
        if not (seen.last_seen < changed <= (sql_time(self.db.clock() + timedelta(minutes=15)) or "")):
            return False
        return seen.published is None or seen.published >= (sql_time(since) or "")

    def skip_reason(
        self, canonical_url: str, cutoff: datetime | None, earlier_url: str | None = None
    ) -> str | None:
        """``"seen"`` when fetched before with a final outcome, ``"stale"`` when known to be
        older than ``cutoff``, else None (fetch it). A URL an older release marked under its
        ``earlier_url`` spelling counts as seen too (it is not fetched, or archived, again)."""
        seen = self.get(canonical_url, earlier_url)
        if seen is None:
            return None
        if seen.status in FINAL_STATUSES:
            return "seen"
        if seen.status == "stale" and (cutoff is None or (seen.published or "") < (sql_time(cutoff) or "")):
            return "stale"
        return None

    def mark(
        self,
        urls: Iterable[str],
        outlet: str,
        status: str,
        published: datetime | None = None,
        detail: str | None = None,
    ) -> None:
        now = self.db.now()
        rows = [
            (url_hash(u), u, outlet, status, sql_time(published), now, now, detail)
            for u in dict.fromkeys(urls)
        ]
        with self.db.write() as conn:
            conn.executemany(
                """
                INSERT INTO seen_urls (url_hash, url, outlet, status, published, first_seen,
                                       last_seen, detail)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (url_hash) DO UPDATE SET
                    status = excluded.status, published = excluded.published,
                    last_seen = excluded.last_seen, detail = excluded.detail
                """,
                rows,
            )

    def touch(self, urls: Iterable[str]) -> None:
        """Note that these URLs were just fetched, changing nothing else."""
        now = self.db.now()
        with self.db.write() as conn:
            conn.executemany(
                "UPDATE seen_urls SET last_seen = ? WHERE url_hash = ?", [(now, url_hash(u)) for u in urls]
            )
