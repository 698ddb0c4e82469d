"""The SQLite archive: the one owner of its schema and of every read and write.

    archive = Archive(path)                # opens, creates and migrates
    archive.articles.store(...)            # an article with its verdict, story and alert
    archive.seen / .outbox / .digests / .runs / .health / .state / .search

``migrations`` is the schema, ``connection`` opening the file and its transactions, and one
module per concern. Table and column names are a public contract (Datasette users save
queries against them), so migrations only ever add.
"""

from newswatch.archive.articles import Stored
from newswatch.archive.canonical import MAX_MOVES
from newswatch.archive.connection import ArchiveError, connect, storage_hint, unusable_path
from newswatch.archive.core import Archive
from newswatch.archive.digests import StoredDigest
from newswatch.archive.migrations import migrations
from newswatch.archive.outbox import AlertRow, Stalled
from newswatch.archive.runs import RUN_COUNTERS
from newswatch.archive.seen import FINAL_STATUSES, Seen

__all__ = [
    "FINAL_STATUSES",
    "MAX_MOVES",
    "RUN_COUNTERS",
    "AlertRow",
    "Archive",
    "ArchiveError",
    "Seen",
    "Stalled",
    "Stored",
    "StoredDigest",
    "connect",
    "migrations",
    "storage_hint",
    "unusable_path",
]
