"""The archive: one connection to the file and the stores that read and write it, one per
concern (``archive.seen``, ``archive.articles``, ``archive.outbox``…)."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import sqlite_utils

from newswatch.archive.articles import Articles
from newswatch.archive.connection import Db
from newswatch.archive.digests import Digests
from newswatch.archive.health import Health
from newswatch.archive.labels import Labels
from newswatch.archive.listings import Listings
from newswatch.archive.outbox import Outbox
from newswatch.archive.runs import Runs
from newswatch.archive.search import ArticleSearch
from newswatch.archive.seen import SeenUrls
from newswatch.archive.state import ServiceState
from newswatch.archive.stories import StoryWrites
from newswatch.archive.verdicts import Verdicts
from newswatch.clock import Clock, utcnow


class Archive:
    """The open archive (created and migrated if needed); one instance per process or job."""

    def __init__(
        self,
        path: str | Path,
        busy_timeout_ms: int = 10_000,
        clock: Clock = utcnow,
        review_alerts: bool = False,
    ):
        """``review_alerts``: articles marked for review queue an alert for the review
        channel (the crawl sets it when NEWSWATCH_REVIEW_CHANNEL is set)."""
        self.path = Path(path)
        self.clock = clock  # every "now" this archive writes or compares against
        self._db = Db(self.path, busy_timeout_ms, clock)
        self.seen = SeenUrls(self._db)
        self.outbox = Outbox(self._db)
        self.stories = StoryWrites(self._db, self.outbox)
        self.verdicts = Verdicts(self._db, self.outbox, self.stories, review_alerts)
        self.articles = Articles(self._db, self.seen, self.verdicts, self.stories, self.outbox)
        self.runs = Runs(self._db)
        self.state = ServiceState(self._db)
        self.health = Health(self._db)
        self.digests = Digests(self._db)
        self.search = ArticleSearch(self._db)
        self.listings = Listings(self._db)
        self.labels = Labels(self._db)

    @property
    def conn(self) -> sqlite3.Connection:
        """The connection (for tests and benches that look at the file as Datasette does)."""
        return self._db.conn

    @property
    def db(self) -> sqlite_utils.Database:
        return self._db.sqlite

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One atomic write; the stores' writes made inside it are part of it."""
        with self._db.write() as conn:
            yield conn

    def checkpoint(self) -> None:
        """Fold the WAL back into the database file so it does not grow under readers."""
        self._db.checkpoint()

    def close(self) -> None:
        self._db.close()
