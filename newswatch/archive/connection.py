"""Opening the archive file, and the one way every store reads and writes it.

One file in WAL mode (readers such as Datasette never block the writer) with a busy timeout.
A write is one ``BEGIN IMMEDIATE`` transaction; a write begun inside another joins it, so
the stores compose into one atomic store of an article. Reads return rows as dicts.

Times are stored in SQLite's own format, UTC: ``YYYY-MM-DD HH:MM:SS``.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import stat
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import sqlite_utils

from newswatch.archive.migrations import migrations
from newswatch.clock import Clock, sql_time, utcnow
from newswatch.errors import NewswatchError

Params = Sequence[Any] | Mapping[str, Any]


class ArchiveError(NewswatchError, RuntimeError):
    """The archive cannot be opened or written (path, permissions, disk, corruption)."""


def require_archive(path: str | Path) -> Path:
    """``path`` when an archive file is there; ArchiveError saying it does not exist otherwise.
    A command that only reads the archive checks this first, so a mistyped NEWSWATCH_DB
    creates no folder and no empty archive."""
    path = Path(path)
    if not path.exists():
        raise ArchiveError(
            f"archive {path} does not exist (check NEWSWATCH_DB; `newswatch crawl` or `newswatch run` "
            "creates it)"
        )
    return path


def connect(path: str | Path, busy_timeout_ms: int = 10_000, create: bool = True) -> sqlite_utils.Database:
    """Open the archive in WAL mode and apply pending migrations; it is created (with its
    folder) when missing, unless ``create`` is false (then ArchiveError: it does not exist)."""
    path = Path(path) if create else require_archive(path)
    unusable = unusable_path(path)
    if unusable:
        raise ArchiveError(f"cannot open archive {path}: {unusable}")
    conn: sqlite3.Connection | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(
            path, timeout=busy_timeout_ms / 1000, isolation_level=None, check_same_thread=False
        )
        conn.execute(f"PRAGMA busy_timeout = {int(busy_timeout_ms)}")
        if conn.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("PRAGMA foreign_keys = ON")
        db = sqlite_utils.Database(conn)
        if migrations.pending(db):
            with immediate(conn):
                pass  # take the write lock first so two processes do not migrate at once
            migrations.apply(db)
    except (sqlite3.Error, OSError) as exc:
        if conn is not None:
            conn.close()
        hint = storage_hint(exc, path) if isinstance(exc, sqlite3.Error) else ""
        raise ArchiveError(f"cannot open archive {path}: {exc}{hint}") from exc
    return db


#: File types that cannot hold an archive, by how ``stat`` reports them.
_NOT_FILES = (
    (stat.S_ISDIR, "a directory"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISFIFO, "a named pipe (FIFO)"),
    (stat.S_ISSOCK, "a socket"),
)


def unusable_path(path: Path) -> str | None:
    """Why ``path`` cannot be an archive (it exists and is not a regular file), or None.
    Checked before SQLite opens it: a device reads as "disk I/O error", a FIFO can block."""
    try:
        mode = path.stat().st_mode
    except OSError:
        return None  # absent (it will be created) or unreadable (SQLite says why)
    if stat.S_ISREG(mode):
        return None
    kind = next((name for test, name in _NOT_FILES if test(mode)), "a special file")
    return f"it is {kind}, not a regular file (NEWSWATCH_DB must name an SQLite database file)"


def storage_hint(exc: sqlite3.Error, path: Path) -> str:
    """What a storage error most likely means, for the one line the operator reads."""
    name = getattr(exc, "sqlite_errorname", "") or ""
    if name.startswith(("SQLITE_READONLY", "SQLITE_CANTOPEN")) and not os.access(path.parent, os.W_OK):
        return f" (its folder {path.parent} is read-only; SQLite writes its -wal and -shm files there)"
    if name.startswith("SQLITE_READONLY"):
        return " (the archive or its folder is read-only)"
    if name == "SQLITE_NOTADB":
        return " (it is not an SQLite database: NEWSWATCH_DB names some other file)"
    if name.startswith("SQLITE_CORRUPT"):
        return " (the archive is damaged: restore it from a backup, or check it with PRAGMA integrity_check)"
    if name == "SQLITE_FULL" or name.startswith(
        ("SQLITE_IOERR_WRITE", "SQLITE_IOERR_FSYNC", "SQLITE_IOERR_TRUNCATE")
    ):
        try:
            free = shutil.disk_usage(path.parent).free // 2**20
        except OSError:
            return " (is the disk full?)"
        return f" (is the disk full, or a file size limit reached? {free} MB free on that disk)"
    return ""


@contextmanager
def immediate(conn: sqlite3.Connection) -> Iterator[None]:
    """A write transaction that takes the lock up front (no deadlock on lock upgrade)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


def _as_dict(cursor: sqlite3.Cursor, row: tuple[Any, ...]) -> dict[str, Any]:
    return {column[0]: value for column, value in zip(cursor.description, row, strict=True)}


class Db:
    """The open archive file: its connection, the clock of every time it writes or compares
    against, and its reads and writes. Every store of the archive holds the same one."""

    def __init__(
        self, path: str | Path, busy_timeout_ms: int = 10_000, clock: Clock = utcnow, create: bool = True
    ):
        self.path = Path(path)
        self.clock = clock
        self.sqlite = connect(self.path, busy_timeout_ms, create)
        self.conn: sqlite3.Connection = self.sqlite.conn

    def now(self) -> str:
        """The clock's time in the archive's format."""
        return sql_time(self.clock()) or ""

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One atomic write; an OS or SQLite failure becomes ArchiveError. Inside another
        write it is part of that one (committed or rolled back with it)."""
        if self.conn.in_transaction:
            yield self.conn
            return
        try:
            with immediate(self.conn):
                yield self.conn
        except sqlite3.Error as exc:
            raise ArchiveError(
                f"archive {self.path}: write failed: {exc}{storage_hint(exc, self.path)}"
            ) from exc

    def rows(self, sql: str, params: Params = ()) -> list[dict[str, Any]]:
        cursor = self.conn.cursor()
        cursor.row_factory = _as_dict
        return list(cursor.execute(sql, params).fetchall())

    def iter_rows(self, sql: str, params: Params = ()) -> Iterator[dict[str, Any]]:
        """Rows one at a time (a large read)."""
        cursor = self.conn.cursor()
        cursor.row_factory = _as_dict
        yield from cursor.execute(sql, params)

    def row(self, sql: str, params: Params = ()) -> dict[str, Any] | None:
        cursor = self.conn.cursor()
        cursor.row_factory = _as_dict
        found: dict[str, Any] | None = cursor.execute(sql, params).fetchone()
        return found

    def value(self, sql: str, params: Params = ()) -> Any:
        """The first column of the first row (None when there is no row)."""
        found = self.conn.execute(sql, params).fetchone()
        return found[0] if found else None

    def checkpoint(self) -> None:
        """Fold the WAL back into the database file so it does not grow under readers."""
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")

    def close(self) -> None:
        self.conn.close()
