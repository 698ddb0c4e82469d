"""The SQLite archive: schema, migrations and every read and write the crawler makes.

One file in WAL mode (readers such as Datasette never block the writer) with a busy
timeout. Table and column names are a public contract — Datasette users save queries
against them — so migrations only ever add.

Times are stored in SQLite's own format, UTC: ``YYYY-MM-DD HH:MM:SS``.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import stat
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils import Migrations

from newswatch.clock import Clock, from_sql_time, sql_time, utcnow
from newswatch.errors import NewswatchError
from newswatch.records import Article, Extraction
from newswatch.rules import Verdict
from newswatch.rules.engine import SEVERITY_RANK
from newswatch.stories import Entry, Fingerprint, StoryConfig, StoryIndex, copy_similarity
from newswatch.text import CJK
from newswatch.urls import url_hash, url_key

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
#: Seen-URL outcomes that mean "do not fetch again".
FINAL_STATUSES = frozenset({"archived", "empty", "not_html", "gone", "offsite"})
#: Articles one store may move back to their own pages (a chain of borrowed canonical links).
MAX_MOVES = 64
FTS_TOKENIZE = "porter unicode61 remove_diacritics 2"

migrations = Migrations("newswatch")


class ArchiveError(NewswatchError, RuntimeError):
    """The archive cannot be opened or written (path, permissions, disk, corruption)."""


@migrations()
def m001_foundation(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE articles (
            id INTEGER PRIMARY KEY,
            url TEXT NOT NULL UNIQUE,          -- canonical URL
            url_hash TEXT NOT NULL UNIQUE,     -- sha1 of the URL key (see urls.url_key)
            outlet TEXT NOT NULL,
            title TEXT,
            authors TEXT NOT NULL DEFAULT '[]', -- JSON array of names
            published TEXT,                    -- UTC, YYYY-MM-DD HH:MM:SS
            published_source TEXT,             -- ld+json, meta, page or feed
            fetched_at TEXT NOT NULL,
            language TEXT,
            text TEXT NOT NULL,
            summary TEXT,
            word_count INTEGER NOT NULL DEFAULT 0,
            source_url TEXT,                   -- the feed, sitemap or listing page
            source_kind TEXT,
            final_url TEXT,                    -- where the request ended after redirects
            run_id TEXT
        )
        """
    )
    db.execute("CREATE INDEX idx_articles_outlet_published ON articles (outlet, published)")
    db.execute("CREATE INDEX idx_articles_published ON articles (published)")
    db.execute("CREATE INDEX idx_articles_fetched_at ON articles (fetched_at)")
    db.table("articles").enable_fts(["title", "text"], create_triggers=True, tokenize=FTS_TOKENIZE)
    db.execute(
        """
        CREATE TABLE seen_urls (
            url_hash TEXT PRIMARY KEY,
            url TEXT NOT NULL,
            outlet TEXT NOT NULL,
            status TEXT NOT NULL,   -- archived, empty, not_html, gone, offsite, stale
            published TEXT,
            first_seen TEXT NOT NULL,
            last_seen TEXT NOT NULL,
            detail TEXT
        )
        """
    )
    db.execute("CREATE INDEX idx_seen_urls_outlet ON seen_urls (outlet, status)")
    # the counters as they were when this migration was written (migrations never change)
    first_counters = (
        "discovered",
        "skipped_seen",
        "skipped_stale",
        "filtered",
        "deferred",
        "fetched",
        "new",
        "empty",
        "not_html",
        "offsite",
        "blocked",
        "errors",
        "source_errors",
    )
    counters = ",\n".join(f"{name} INTEGER NOT NULL DEFAULT 0" for name in first_counters)
    db.execute(
        f"""
        CREATE TABLE crawl_runs (
            id INTEGER PRIMARY KEY,
            run_id TEXT NOT NULL,
            outlet TEXT NOT NULL,
            started_at TEXT NOT NULL,
            finished_at TEXT,
            duration_s REAL,
            status TEXT NOT NULL,    -- ok, partial, failed
            {counters},
            last_error TEXT,
            UNIQUE (run_id, outlet)
        )
        """
    )
    db.execute("CREATE INDEX idx_crawl_runs_outlet ON crawl_runs (outlet, started_at)")


@migrations()
def m002_verdicts(db: sqlite_utils.Database) -> None:
    for column, kind in (
        ("flagged", "INTEGER NOT NULL DEFAULT 0"),
        ("score", "REAL NOT NULL DEFAULT 0"),
        ("severity", "TEXT"),
        ("rules", "TEXT NOT NULL DEFAULT '[]'"),
        ("evidence", "TEXT"),
        ("classified_with", "TEXT"),
    ):
        db.execute(f"ALTER TABLE articles ADD COLUMN {column} {kind}")
    db.execute("CREATE INDEX idx_articles_flagged ON articles (flagged, published)")
    db.execute(
        """
        CREATE TABLE matches (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            rule TEXT NOT NULL,
            score REAL NOT NULL,       -- the rule's weight in the article's score
            severity TEXT NOT NULL,    -- high, medium, low
            terms TEXT NOT NULL,       -- JSON: [{term, group, field, start, end}]
            evidence TEXT NOT NULL,    -- JSON: [{field, sentence, highlights}]
            UNIQUE (article_id, rule)
        )
        """
    )
    db.execute("CREATE INDEX idx_matches_rule ON matches (rule)")
    db.execute("ALTER TABLE crawl_runs ADD COLUMN flagged INTEGER NOT NULL DEFAULT 0")


def queue_alert(
    conn: sqlite3.Connection, article_id: int, kind: str, severity: str, now: datetime | None = None
) -> bool:
    """Add an outbox row (at most one ``new`` per article and one ``update`` per severity
    level); True when a row was added."""
    now_sql = sql_time(now or utcnow())
    cursor = conn.execute(
        "INSERT INTO alerts (article_id, kind, severity, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        (article_id, kind, severity, now_sql, now_sql),
    )
    return cursor.rowcount == 1


def verdict_columns(verdict: Verdict | None, classified_with: str | None) -> dict[str, Any]:
    """The ``articles`` columns that hold a verdict (for Datasette facets and listings)."""
    if verdict is None:
        return {
            "flagged": 0,
            "score": 0.0,
            "severity": None,
            "rules": "[]",
            "evidence": None,
            "classified_with": None,
            "match_note": None,
        }
    return {
        "flagged": int(verdict.flagged),
        "score": verdict.score,
        "severity": verdict.severity,
        "rules": json.dumps(list(verdict.rules)),
        "evidence": "\n".join(e.sentence for e in verdict.evidence) or None,
        "classified_with": classified_with,
        "match_note": verdict.match_note,
    }


def match_rows(article_id: int, verdict: Verdict) -> list[tuple[Any, ...]]:
    return [
        (
            article_id,
            m.rule,
            m.weight,
            m.severity,
            json.dumps([asdict(t) for t in m.terms], ensure_ascii=False),
            json.dumps([asdict(e) for e in m.evidence], ensure_ascii=False),
        )
        for m in verdict.matches
    ]


@migrations()
def m003_alerts(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE alerts (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            kind TEXT NOT NULL,                    -- new: first alert; update: severity raised
            severity TEXT NOT NULL,
            created_at TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending', -- pending, sending, sent, failed
            attempts INTEGER NOT NULL DEFAULT 0,
            next_attempt_at TEXT NOT NULL,
            last_error TEXT,
            sent_at TEXT,
            transport TEXT,                        -- slack, console
            channel TEXT,
            slack_ts TEXT,                         -- the message's ts: follow-ups reply in its thread
            thread_ts TEXT                         -- set when this alert was a reply
        )
        """
    )
    db.execute("CREATE UNIQUE INDEX idx_alerts_one_new_per_article ON alerts (article_id) WHERE kind = 'new'")
    db.execute(
        "CREATE UNIQUE INDEX idx_alerts_one_update_per_level ON alerts (article_id, severity) "
        "WHERE kind = 'update'"
    )
    db.execute("CREATE INDEX idx_alerts_due ON alerts (status, next_attempt_at)")
    db.execute(
        """
        CREATE TABLE digests (
            id INTEGER PRIMARY KEY,
            created_at TEXT NOT NULL,
            status TEXT NOT NULL DEFAULT 'pending', -- pending, sent
            attempts INTEGER NOT NULL DEFAULT 0,
            last_error TEXT,
            sent_at TEXT,
            transport TEXT,                        -- smtp, file
            recipients TEXT,
            subject TEXT,
            message_id TEXT,
            items INTEGER NOT NULL DEFAULT 0,
            location TEXT                          -- where a file delivery was written
        )
        """
    )
    db.execute(
        """
        CREATE TABLE digest_items (
            digest_id INTEGER NOT NULL REFERENCES digests (id) ON DELETE CASCADE,
            article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            PRIMARY KEY (digest_id, article_id)
        )
        """
    )
    db.execute("CREATE INDEX idx_digest_items_article ON digest_items (article_id)")


@migrations()
def m004_service(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE health (
            outlet TEXT NOT NULL,
            issue TEXT NOT NULL,           -- failing, quiet, blocked, extraction
            since TEXT NOT NULL,
            last_notified_at TEXT,
            resolved_at TEXT,
            detail TEXT
        )
        """
    )
    db.execute("CREATE UNIQUE INDEX idx_health_open ON health (outlet, issue) WHERE resolved_at IS NULL")
    db.execute(
        """
        CREATE TABLE service_state (
            key TEXT PRIMARY KEY,          -- e.g. digest_last_run
            value TEXT,
            updated_at TEXT NOT NULL
        )
        """
    )


#: Text with Chinese or Japanese characters: the trigram index holds those articles only
#: (unicode61 keeps a run of CJK characters as one token, so substrings need trigrams).
CJK_GLOB = f"*[{CJK}]*"


def _html(expr: str) -> str:
    """SQL escaping an expression for HTML (& < > ")."""
    inner = f"replace(replace({expr}, '&', '&amp;'), '<', '&lt;')"
    return f"replace(replace({inner}, '>', '&gt;'), '\"', '&quot;')"


@migrations()
def m005_search(db: sqlite_utils.Database) -> None:
    cjk = lambda row: f"(coalesce({row}.title, '') || ' ' || {row}.text) GLOB '{CJK_GLOB}'"  # noqa: E731
    db.execute(
        "CREATE VIRTUAL TABLE articles_trigram USING fts5("
        "title, text, content='articles', content_rowid='id', tokenize='trigram')"
    )
    db.execute(
        f"CREATE TRIGGER articles_trigram_ai AFTER INSERT ON articles WHEN {cjk('new')} BEGIN "
        "INSERT INTO articles_trigram (rowid, title, text) VALUES (new.id, new.title, new.text); END"
    )
    db.execute(
        f"CREATE TRIGGER articles_trigram_ad AFTER DELETE ON articles WHEN {cjk('old')} BEGIN "
        "INSERT INTO articles_trigram (articles_trigram, rowid, title, text) "
        "VALUES ('delete', old.id, old.title, old.text); END"
    )
    db.execute(
        "CREATE TRIGGER articles_trigram_au AFTER UPDATE OF title, text ON articles BEGIN "
        "INSERT INTO articles_trigram (articles_trigram, rowid, title, text) "
        f"SELECT 'delete', old.id, old.title, old.text WHERE {cjk('old')}; "
        "INSERT INTO articles_trigram (rowid, title, text) "
        f"SELECT new.id, new.title, new.text WHERE {cjk('new')}; "
        "END"
    )
    db.execute(
        "INSERT INTO articles_trigram (rowid, title, text) "
        f"SELECT id, title, text FROM articles a WHERE {cjk('a')}"
    )
    db.execute(
        f"""
        CREATE VIEW flagged_articles AS
        SELECT a.id, a.published, a.outlet,
               '<a href="' || {_html("a.url")} || '">'
                 || {_html("coalesce(a.title, a.url)")} || '</a>' AS title,
               a.severity,
               (SELECT group_concat(r.value, ', ') FROM json_each(a.rules) r) AS rules,
               a.evidence, a.language
        FROM articles a WHERE a.flagged = 1
        """
    )


@migrations()
def m006_stories(db: sqlite_utils.Database) -> None:
    db.execute(
        """
        CREATE TABLE stories (
            id INTEGER PRIMARY KEY,
            title TEXT,                         -- headline of its first article
            first_article_id INTEGER,
            first_outlet TEXT,
            created_at TEXT NOT NULL,           -- when its first article was archived (UTC)
            updated_at TEXT NOT NULL,           -- when its latest article joined
            first_published TEXT,
            last_published TEXT,
            articles INTEGER NOT NULL DEFAULT 1,
            outlets INTEGER NOT NULL DEFAULT 1,
            outlet_list TEXT NOT NULL DEFAULT '[]', -- JSON array of outlet keys, in order of arrival
            flagged INTEGER NOT NULL DEFAULT 0,  -- 1 when any of its articles is flagged
            severity TEXT,                      -- highest severity among its flagged articles
            slack_refresh INTEGER NOT NULL DEFAULT 0 -- > 0: its first message awaits the new outlet count
        )
        """
    )
    db.execute("CREATE INDEX idx_stories_updated ON stories (flagged, updated_at)")
    db.execute("CREATE INDEX idx_stories_refresh ON stories (id) WHERE slack_refresh > 0")
    for column, kind in (
        ("story_id", "INTEGER REFERENCES stories (id)"),
        ("story_relation", "TEXT"),  # first, copy (near-duplicate text), related (same event)
        ("story_score", "REAL"),  # similarity to the article it was matched with
        ("version", "INTEGER NOT NULL DEFAULT 1"),
        ("revised_at", "TEXT"),  # when a changed text last replaced the archived one
    ):
        db.execute(f"ALTER TABLE articles ADD COLUMN {column} {kind}")
    # every article archived so far is a story of its own
    db.execute(
        """
        INSERT INTO stories (id, title, first_article_id, first_outlet, created_at, updated_at,
                             first_published, last_published, outlet_list, flagged, severity)
        SELECT id, title, id, outlet, fetched_at, fetched_at, published, published, json_array(outlet),
               flagged, CASE WHEN flagged = 1 THEN severity END
        FROM articles
        """
    )
    db.execute("UPDATE articles SET story_id = id, story_relation = 'first'")
    db.execute("CREATE INDEX idx_articles_story ON articles (story_id)")
    db.execute(
        """
        CREATE TABLE article_fingerprints (
            article_id INTEGER PRIMARY KEY REFERENCES articles (id) ON DELETE CASCADE,
            minhash BLOB NOT NULL,   -- 128 MinHash values (uint32) of the text's word 3-shingles
            terms TEXT NOT NULL      -- JSON: title and lead word stems, names, headline numbers
        )
        """
    )
    db.execute(
        """
        CREATE TABLE article_versions (
            id INTEGER PRIMARY KEY,
            article_id INTEGER NOT NULL REFERENCES articles (id) ON DELETE CASCADE,
            version INTEGER NOT NULL,          -- 1 is the text first archived
            title TEXT,
            text TEXT NOT NULL,
            published TEXT,
            fetched_at TEXT NOT NULL,          -- when this version was fetched
            replaced_at TEXT NOT NULL,         -- when a newer text replaced it
            flagged INTEGER NOT NULL DEFAULT 0,
            severity TEXT,
            UNIQUE (article_id, version)
        )
        """
    )
    db.execute(
        "CREATE UNIQUE INDEX idx_alerts_one_also_per_article ON alerts (article_id) WHERE kind = 'also'"
    )
    db.execute("CREATE INDEX idx_alerts_article ON alerts (article_id)")
    for counter in ("revised", "grouped"):
        db.execute(f"ALTER TABLE crawl_runs ADD COLUMN {counter} INTEGER NOT NULL DEFAULT 0")
    db.execute(
        f"""
        CREATE VIEW flagged_stories AS
        SELECT s.id, s.updated_at, s.first_published, s.last_published,
               '<a href="' || {_html("a.url")} || '">'
                 || {_html("coalesce(s.title, a.title, a.url)")} || '</a>' AS title,
               s.severity, s.outlets, s.articles,
               (SELECT group_concat(o.value, ', ') FROM json_each(s.outlet_list) o) AS outlet_list,
               (SELECT count(*) FROM articles f WHERE f.story_id = s.id AND f.flagged = 1) AS flagged_articles
        FROM stories s JOIN articles a ON a.id = s.first_article_id
        WHERE s.flagged = 1
        """
    )


@migrations()
def m007_digest_message(db: sqlite_utils.Database) -> None:
    # a digest is built once: every retry sends these bytes again, same Message-ID
    db.execute("ALTER TABLE digests ADD COLUMN message BLOB")  # the .eml as first built
    db.execute("ALTER TABLE digests ADD COLUMN built_at TEXT")
    # failures after the message was sent (the server may have it); status 'unconfirmed'
    # when no more retries are made because of them, 'failed' when nobody can have it
    db.execute("ALTER TABLE digests ADD COLUMN ambiguous INTEGER NOT NULL DEFAULT 0")


@migrations()
def m008_match_limits(db: sqlite_utils.Database) -> None:
    # "too long to match fully: matched the first N of M characters" (NEWSWATCH_MAX_MATCH_CHARS)
    db.execute("ALTER TABLE articles ADD COLUMN match_note TEXT")


def _higher(a: str | None, b: str | None) -> str | None:
    """The more severe of two severities (None: not flagged)."""
    return a if SEVERITY_RANK.get(a or "", 0) >= SEVERITY_RANK.get(b or "", 0) else b


def queue_story_alert(
    conn: sqlite3.Connection, article_id: int, severity: str, now: datetime | None = None
) -> str | None:
    """Queue the alert a newly flagged article deserves within its story: ``new`` for the
    story's first flagged article, ``also`` for the first flagged article of each further
    outlet (a reply in the story's thread), ``update`` when it raises the story's severity,
    else nothing. Returns the kind queued."""
    found = conn.execute("SELECT story_id, outlet FROM articles WHERE id = ?", (article_id,)).fetchone()
    story_id, outlet = (found[0], found[1]) if found else (None, None)
    alerted = (
        conn.execute(
            "SELECT a.outlet, al.kind, al.severity FROM alerts al JOIN articles a ON a.id = al.article_id "
            "WHERE a.story_id = ?",
            (story_id,),
        ).fetchall()
        if story_id is not None
        else []
    )
    if not any(kind == "new" for _, kind, _ in alerted):
        return "new" if queue_alert(conn, article_id, "new", severity, now) else None
    if outlet not in {o for o, kind, _ in alerted if kind in ("new", "also")}:
        return "also" if queue_alert(conn, article_id, "also", severity, now) else None
    top = max(SEVERITY_RANK.get(s, 0) for _, _, s in alerted)
    if SEVERITY_RANK.get(severity, 0) > top:
        return "update" if queue_alert(conn, article_id, "update", severity, now) else None
    return None


def apply_verdict(
    conn: sqlite3.Connection,
    article_id: int,
    columns: dict[str, Any],
    matches: list[tuple[Any, ...]],
    now: datetime | None = None,
) -> str | None:
    """Replace an archived article's verdict and matches; queue the alert the change
    deserves (see ``Archive.update_verdict``) and keep its story's flag and severity."""
    row = conn.execute(
        "SELECT flagged, severity, story_id FROM articles WHERE id = ?", (article_id,)
    ).fetchone()
    before = SEVERITY_RANK.get(row[1] or "", 0) if row[0] else 0
    sets = ", ".join(f"{k} = :{k}" for k in columns)
    conn.execute(f"UPDATE articles SET {sets} WHERE id = :id", {**columns, "id": article_id})
    conn.execute("DELETE FROM matches WHERE article_id = ?", (article_id,))
    conn.executemany(
        "INSERT INTO matches (article_id, rule, score, severity, terms, evidence) VALUES (?, ?, ?, ?, ?, ?)",
        matches,
    )
    if not columns["flagged"]:
        return None
    severity = columns["severity"] or "low"
    if row[2] is not None:
        current = conn.execute("SELECT severity FROM stories WHERE id = ?", (row[2],)).fetchone()
        conn.execute(
            "UPDATE stories SET flagged = 1, severity = ? WHERE id = ?",
            (_higher(current[0] if current else None, severity), row[2]),
        )
    alerted = conn.execute(
        "SELECT 1 FROM alerts WHERE article_id = ? AND kind IN ('new', 'also')", (article_id,)
    ).fetchone()
    if not alerted:
        return queue_story_alert(conn, article_id, severity, now)
    if SEVERITY_RANK[severity] > before:
        return "update" if queue_alert(conn, article_id, "update", severity, now) else None
    return None


@dataclass(frozen=True, slots=True)
class Seen:
    status: str
    published: str | None
    last_seen: str | None = None


@dataclass(frozen=True, slots=True)
class Stored:
    """What storing one fetched article did."""

    article_id: int | None
    outcome: str  # new, revised (a changed text replaced the archived one), unchanged, duplicate
    story_id: int | None = None
    relation: str | None = None  # first, copy, related (new articles only)
    alert: str | None = None  # the kind of alert queued: new, also, update


def connect(path: str | Path, busy_timeout_ms: int = 10_000) -> sqlite_utils.Database:
    """Open (creating if needed) the archive in WAL mode and apply pending migrations."""
    path = Path(path)
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
            with _immediate(conn):
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
def _immediate(conn: sqlite3.Connection) -> Iterator[None]:
    """A write transaction that takes the lock up front (no deadlock on lock upgrade)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")


class Archive:
    """Reads and writes of the crawl; one instance per process."""

    def __init__(self, path: str | Path, busy_timeout_ms: int = 10_000, clock: Clock = utcnow):
        self.path = Path(path)
        self.clock = clock  # every "now" this archive writes or compares against
        self.db = connect(self.path, busy_timeout_ms)
        self.conn: sqlite3.Connection = self.db.conn

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One atomic write; an OS or SQLite failure becomes ArchiveError."""
        try:
            with _immediate(self.conn):
                yield self.conn
        except sqlite3.Error as exc:
            raise ArchiveError(
                f"archive {self.path}: write failed: {exc}{storage_hint(exc, self.path)}"
            ) from exc

    # --- seen URLs ---------------------------------------------------------------------

    def seen(self, canonical_url: str) -> Seen | None:
        row = self.conn.execute(
            "SELECT status, published, last_seen FROM seen_urls WHERE url_hash = ?",
            (url_hash(canonical_url),),
        ).fetchone()
        return Seen(row[0], row[1], row[2]) if row else None

    def revisit_due(self, canonical_url: str, updated: datetime | None, since: datetime) -> bool:
        """An archived article whose source says it changed after we last fetched it (and
        not in the future: a wrong time zone must not cause a fetch every run), published
        after ``since``."""
        if updated is None:
            return False
        seen = self.seen(canonical_url)
        if seen is None or seen.status != "archived" or not seen.last_seen:
            return False
        changed = sql_time(updated) or ""
        if not (seen.last_seen < changed <= (sql_time(self.clock() + timedelta(minutes=15)) or "")):
            return False
        return seen.published is None or seen.published >= (sql_time(since) or "")

    def skip_reason(self, canonical_url: str, cutoff: datetime | None) -> str | None:
        """``"seen"`` when fetched before with a final outcome, ``"stale"`` when known to be
        older than ``cutoff``, else None (fetch it)."""
        seen = self.seen(canonical_url)
        if seen is None:
            return None
        if seen.status in FINAL_STATUSES:
            return "seen"
        if seen.status == "stale" and (cutoff is None or (seen.published or "") < (sql_time(cutoff) or "")):
            return "stale"
        return None

    def mark_seen(
        self,
        urls: Iterable[str],
        outlet: str,
        status: str,
        published: datetime | None = None,
        detail: str | None = None,
        conn: sqlite3.Connection | None = None,
    ) -> None:
        now = sql_time(self.clock())
        rows = [
            (url_hash(u), u, outlet, status, sql_time(published), now, now, detail)
            for u in dict.fromkeys(urls)
        ]
        sql = """
            INSERT INTO seen_urls (url_hash, url, outlet, status, published, first_seen,
                                   last_seen, detail)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (url_hash) DO UPDATE SET
                status = excluded.status, published = excluded.published,
                last_seen = excluded.last_seen, detail = excluded.detail
        """
        if conn is not None:
            conn.executemany(sql, rows)
            return
        with self.write() as c:
            c.executemany(sql, rows)

    def touch_seen(self, urls: Iterable[str]) -> None:
        """Note that these URLs were just fetched, changing nothing else."""
        now = sql_time(self.clock())
        with self.write() as conn:
            conn.executemany(
                "UPDATE seen_urls SET last_seen = ? WHERE url_hash = ?", [(now, url_hash(u)) for u in urls]
            )

    # --- articles ------------------------------------------------------------------------

    def store_article(
        self,
        article: Article,
        extraction: Extraction,
        url: str,
        run_id: str | None,
        fp: Fingerprint | None = None,
        stories: StoryIndex | None = None,
        revisit: bool = False,
    ) -> Stored:
        """Archive one article with its verdict, rule matches, story and alert, and mark the
        URLs it was fetched from seen, in one transaction.

        It is archived under ``url`` (its canonical link) unless a different text holds that
        URL or shared it (``_claim_url``). A URL already archived with this text (or a copy of
        it) is a ``duplicate`` (another spelling of a known page); a ``revisit`` (its source
        said it changed) or the same page with a different text keeps the new text as a new
        version (``revised``) and re-applies the verdict: a duplicate never hides a text.
        """
        keys = [article.url, article.final_url]  # a canonical link: once its own page is fetched
        row = {
            "url": url,
            "url_hash": url_hash(url),
            "outlet": article.outlet,
            "title": extraction.title,
            "authors": json.dumps(list(extraction.authors), ensure_ascii=False),
            "published": sql_time(extraction.published),
            "published_source": extraction.published_source,
            "fetched_at": sql_time(article.fetched_at),
            "language": extraction.language,
            "text": extraction.text,
            "summary": extraction.description,
            "word_count": len(extraction.text.split()),
            "source_url": article.candidate.source,
            "source_kind": article.candidate.source_kind,
            "final_url": article.final_url,
            "run_id": run_id,
            **verdict_columns(article.verdict, article.classified_with),
        }
        columns = ", ".join(row)
        marks = ", ".join(f":{k}" for k in row)
        entry: Entry | None = None
        with self.write() as conn:
            self._free_own_pages(conn, article, extraction.text, fp, stories)
            row["url"] = self._claim_url(conn, url, article, extraction.text, fp, stories)
            row["url_hash"] = url_hash(row["url"])
            cursor = conn.execute(
                f"INSERT INTO articles ({columns}) VALUES ({marks}) ON CONFLICT (url_hash) DO NOTHING",
                row,
            )
            if cursor.rowcount == 1 and cursor.lastrowid is not None:
                new_id = int(cursor.lastrowid)
                if article.verdict is not None:
                    conn.executemany(
                        "INSERT INTO matches (article_id, rule, score, severity, terms, evidence) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                        match_rows(new_id, article.verdict),
                    )
                when = extraction.published or article.fetched_at
                story_id, relation = self._assign_story(conn, new_id, row, fp, stories, when)
                alert = None
                if article.verdict is not None and article.verdict.flagged:  # the outbox row, here
                    alert = queue_story_alert(conn, new_id, article.verdict.severity or "low", self.clock())
                if fp is not None:
                    conn.execute(
                        "INSERT INTO article_fingerprints (article_id, minhash, terms) VALUES (?, ?, ?)",
                        (new_id, fp.minhash, fp.terms_json()),
                    )
                    entry = Entry(new_id, story_id, article.outlet, when, fp)
                result = Stored(new_id, "new", story_id, relation, alert)
            elif revisit or not self._holds_text(conn, row["url_hash"], extraction.text, fp, stories):
                result = self._revise(conn, row, fp, article.verdict, article.classified_with)
            else:
                result = self._existing(conn, row["url_hash"])
            self.mark_seen(keys, article.outlet, "archived", extraction.published, conn=conn)
        if entry is not None and stories is not None:
            stories.add(entry)  # only once the transaction holds
        return result

    def _claim_url(
        self,
        conn: sqlite3.Connection,
        url: str,
        article: Article,
        text: str,
        fp: Fingerprint | None,
        stories: StoryIndex | None,
    ) -> str:
        """The URL an article is archived under: ``url`` (its canonical link, or the URL it
        was fetched from), unless that canonical is held by, shared with, or the fetched page
        of a different text; then the URL it was fetched from. A different text holding this
        page's own URL (another page's canonical link pointed here) moves back to its own
        page. The URL returned is free, or holds this page or this text (a copy)."""
        own = {url_key(article.url), url_key(article.final_url)}
        alias = url_key(url) not in own
        held = conn.execute(
            "SELECT id, final_url, text FROM articles WHERE url_hash = ?", (url_hash(url),)
        ).fetchone()
        if held is None:
            if not alias:
                return url
            if self._shared_canonical(conn, url):
                return self._claim_url(conn, article.url, article, text, fp, stories)
            return self._page_fetched_before(conn, url, text, fp, stories) or self._claim_url(
                conn, article.url, article, text, fp, stories
            )
        holder, page, held_text = held
        if (page and url_key(page) in own) or self._same_text(conn, holder, held_text, text, fp, stories):
            return url  # this page again, or a copy of its text: a duplicate or a revision
        if not alias:
            self._move_to_own_page(conn, holder, page)
            return url
        if not page or url_key(page) != url_key(url):  # two texts claim one canonical: it is neither's
            self._move_to_own_page(conn, holder, page)
            detail = "the canonical link of different texts: none is archived under it"
            self.mark_seen([url], article.outlet, "shared_canonical", detail=detail, conn=conn)
        return self._claim_url(conn, article.url, article, text, fp, stories)

    def _free_own_pages(
        self,
        conn: sqlite3.Connection,
        article: Article,
        text: str,
        fp: Fingerprint | None,
        stories: StoryIndex | None,
    ) -> None:
        """A different text archived under a URL this article was fetched from (it took it as
        its canonical link before this page was fetched) moves back to its own page."""
        own = {url_key(article.url), url_key(article.final_url)}
        for page in dict.fromkeys([article.url, article.final_url]):
            held = conn.execute(
                "SELECT id, final_url, text FROM articles WHERE url_hash = ?", (url_hash(page),)
            ).fetchone()
            if held is None or (held[1] and url_key(held[1]) in own):
                continue
            if not self._same_text(conn, held[0], held[2], text, fp, stories):
                self._move_to_own_page(conn, held[0], held[1])

    def _holds_text(
        self,
        conn: sqlite3.Connection,
        key: str,
        text: str,
        fp: Fingerprint | None,
        stories: StoryIndex | None,
    ) -> bool:
        """True when the article archived under ``key`` has ``text`` or a copy of it."""
        found = conn.execute("SELECT id, text FROM articles WHERE url_hash = ?", (key,)).fetchone()
        return found is not None and self._same_text(conn, found[0], found[1], text, fp, stories)

    def _shared_canonical(self, conn: sqlite3.Connection, url: str) -> bool:
        found = conn.execute("SELECT status FROM seen_urls WHERE url_hash = ?", (url_hash(url),)).fetchone()
        return found is not None and found[0] == "shared_canonical"

    def _page_fetched_before(
        self,
        conn: sqlite3.Connection,
        url: str,
        text: str,
        fp: Fingerprint | None,
        stories: StoryIndex | None,
    ) -> str | None:
        """For a canonical no article is archived under: ``url`` when its own page was never
        archived (the canonical may be trusted); where that page's text is archived when
        ``text`` is a copy of it; None when the page holds a different text (then the
        canonical names another article's page and is not this one's)."""
        found = conn.execute("SELECT status FROM seen_urls WHERE url_hash = ?", (url_hash(url),)).fetchone()
        if found is None or found[0] != "archived":
            return url
        for held_id, held_url, held_text in conn.execute(
            "SELECT id, url, text FROM articles WHERE final_url = ?", (url,)
        ).fetchall():
            if self._same_text(conn, held_id, held_text, text, fp, stories):
                return str(held_url)
        return None

    def _same_text(
        self,
        conn: sqlite3.Connection,
        article_id: int,
        held_text: str,
        text: str,
        fp: Fingerprint | None,
        stories: StoryIndex | None,
    ) -> bool:
        """True when ``text`` is the archived article's text, or a copy of it (an AMP or
        mobile rendering of the same article)."""
        if " ".join(held_text.split()) == " ".join(text.split()):
            return True
        found = conn.execute(
            "SELECT minhash, terms FROM article_fingerprints WHERE article_id = ?", (article_id,)
        ).fetchone()
        if fp is None or found is None:
            return False
        threshold = (stories.config if stories is not None else StoryConfig()).copy_threshold
        return copy_similarity(fp, Fingerprint.from_stored(found[0], found[1])) >= threshold

    def _move_to_own_page(
        self, conn: sqlite3.Connection, article_id: int, page: str | None, moves: int = MAX_MOVES
    ) -> None:
        """Archive an article under the URL it was fetched from, freeing the URL it holds. A
        different text holding that page only as a borrowed canonical moves to its own page in
        turn (a chain of at most ``moves``); a cycle ends because each row lets go of its URL
        before the next one moves. A page held by its own text (or past the bound) leaves the
        article under its page's URL marked with its id (``_spare_url``)."""
        held = conn.execute("SELECT url FROM articles WHERE id = ?", (article_id,)).fetchone()
        if held is None or (page and url_key(page) == url_key(held[0])):
            return
        parked = f"moving:{article_id}"
        conn.execute("UPDATE articles SET url = ?, url_hash = ? WHERE id = ?", (parked, parked, article_id))
        target = page or held[0]
        blocker = conn.execute(
            "SELECT id, final_url FROM articles WHERE url_hash = ?", (url_hash(target),)
        ).fetchone()
        if page and blocker is not None and moves > 0 and blocker[1] and url_key(blocker[1]) != url_key(page):
            self._move_to_own_page(conn, blocker[0], blocker[1], moves - 1)
            blocker = None
        if not page or blocker is not None:
            target = self._spare_url(target, article_id)
        conn.execute(
            "UPDATE articles SET url = ?, url_hash = ? WHERE id = ?", (target, url_hash(target), article_id)
        )

    @staticmethod
    def _spare_url(url: str, article_id: int) -> str:
        """``url`` marked with an article's id: where a text goes when its own page is held by
        another text fetched from the same page (it changed its canonical link between fetches)."""
        return f"{url}{'&' if '?' in url else '?'}newswatch-article={article_id}"

    def _existing(self, conn: sqlite3.Connection, key: str) -> Stored:
        found = conn.execute("SELECT id, story_id FROM articles WHERE url_hash = ?", (key,)).fetchone()
        return Stored(found[0] if found else None, "duplicate", found[1] if found else None)

    def _assign_story(
        self,
        conn: sqlite3.Connection,
        article_id: int,
        row: dict[str, Any],
        fp: Fingerprint | None,
        stories: StoryIndex | None,
        when: datetime,
    ) -> tuple[int, str]:
        """Join the story of the best match in the window, or start one."""
        match = None
        if fp is not None and stories is not None:
            self._refresh_index(conn, stories, self.clock())
            match = stories.match(fp, when)
        flagged, severity = int(row["flagged"]), row["severity"] if row["flagged"] else None
        now = sql_time(self.clock())
        if match is None:
            story_id = conn.execute(
                "INSERT INTO stories (title, first_article_id, first_outlet, created_at, updated_at, "
                "first_published, last_published, outlet_list, flagged, severity) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, json_array(?), ?, ?)",
                (
                    row["title"],
                    article_id,
                    row["outlet"],
                    now,
                    now,
                    row["published"],
                    row["published"],
                    row["outlet"],
                    flagged,
                    severity,
                ),
            ).lastrowid
            assert story_id is not None
            relation, score = "first", None
        else:
            story_id, relation, score = match.story_id, match.relation, match.score
            self._join_story(conn, story_id, row["outlet"], row["published"], flagged, severity)
        conn.execute(
            "UPDATE articles SET story_id = ?, story_relation = ?, story_score = ? WHERE id = ?",
            (story_id, relation, score, article_id),
        )
        return int(story_id), relation

    def _join_story(
        self,
        conn: sqlite3.Connection,
        story_id: int,
        outlet: str,
        published: str | None,
        flagged: int,
        severity: str | None,
    ) -> None:
        found = conn.execute("SELECT outlet_list, severity FROM stories WHERE id = ?", (story_id,)).fetchone()
        if found is None:
            raise ArchiveError(f"no story {story_id}")
        outlets: list[str] = json.loads(found[0] or "[]")
        new_outlet = outlet not in outlets
        if new_outlet:
            outlets.append(outlet)
        alerted = conn.execute(
            "SELECT 1 FROM alerts al JOIN articles a ON a.id = al.article_id "
            "WHERE a.story_id = ? AND al.kind = 'new'",
            (story_id,),
        ).fetchone()
        conn.execute(
            """
            UPDATE stories SET articles = articles + 1, outlets = ?, outlet_list = ?, updated_at = ?,
                first_published = CASE WHEN ? < coalesce(first_published, '9') THEN ?
                                       ELSE first_published END,
                last_published = CASE WHEN ? > coalesce(last_published, '') THEN ?
                                      ELSE last_published END,
                flagged = max(flagged, ?), severity = ?, slack_refresh = slack_refresh + ?
            WHERE id = ?
            """,
            (
                len(outlets),
                json.dumps(outlets, ensure_ascii=False),
                sql_time(self.clock()),
                published,
                published,
                published,
                published,
                flagged,
                _higher(found[1], severity),
                int(bool(new_outlet and alerted)),
                story_id,
            ),
        )

    def _refresh_index(self, conn: sqlite3.Connection, stories: StoryIndex, now: datetime) -> None:
        """Bring the in-memory window up to date with what every process has archived since."""
        horizon = sql_time(now - stories.horizon())
        select = (
            "SELECT a.id, a.story_id, a.outlet, coalesce(a.published, a.fetched_at), f.minhash, f.terms "
            "FROM articles a JOIN article_fingerprints f ON f.article_id = a.id "
        )
        if stories.last_id is None:
            rows = conn.execute(select + "WHERE a.fetched_at >= ? ORDER BY a.id", (horizon,)).fetchall()
        else:
            rows = conn.execute(select + "WHERE a.id > ? ORDER BY a.id", (stories.last_id,)).fetchall()
        known = stories.ids()
        for article_id, story_id, outlet, when, minhash, terms in rows:
            if article_id not in known:
                stories.add(
                    Entry(
                        article_id,
                        story_id,
                        outlet,
                        from_sql_time(when),
                        Fingerprint.from_stored(minhash, terms),
                    )
                )
        last = conn.execute("SELECT max(id) FROM articles").fetchone()[0]
        stories.last_id = max(int(last or 0), stories.last_id or 0)
        stories.prune(now)

    def _revise(
        self,
        conn: sqlite3.Connection,
        row: dict[str, Any],
        fp: Fingerprint | None,
        verdict: Verdict | None,
        classified_with: str | None,
    ) -> Stored:
        """A re-fetched article: keep the archived text as a version when the new one differs."""
        old = conn.execute(
            "SELECT id, story_id, title, text, published, coalesce(revised_at, fetched_at), flagged, "
            "severity, version FROM articles WHERE url_hash = ?",
            (row["url_hash"],),
        ).fetchone()
        if old is None:
            raise ArchiveError(f"no archived article for {row['url']}")
        article_id, story_id = old[0], old[1]
        if " ".join(old[3].split()) == " ".join(row["text"].split()) and (old[2] or "") == (
            row["title"] or ""
        ):
            return Stored(article_id, "unchanged", story_id)
        conn.execute(
            "INSERT INTO article_versions (article_id, version, title, text, published, fetched_at, "
            "replaced_at, flagged, severity) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (article_id, old[8], old[2], old[3], old[4], old[5], row["fetched_at"], old[6], old[7]),
        )
        conn.execute(
            "UPDATE articles SET title = ?, text = ?, summary = ?, authors = ?, word_count = ?, "
            "published = coalesce(published, ?), revised_at = ?, version = version + 1 WHERE id = ?",
            (
                row["title"],
                row["text"],
                row["summary"],
                row["authors"],
                row["word_count"],
                row["published"],
                row["fetched_at"],
                article_id,
            ),
        )
        if fp is not None:
            conn.execute(
                "INSERT INTO article_fingerprints (article_id, minhash, terms) VALUES (?, ?, ?) "
                "ON CONFLICT (article_id) DO UPDATE SET minhash = excluded.minhash, terms = excluded.terms",
                (article_id, fp.minhash, fp.terms_json()),
            )
        alert = None
        if verdict is not None:
            alert = apply_verdict(
                conn,
                article_id,
                verdict_columns(verdict, classified_with),
                match_rows(article_id, verdict),
                self.clock(),
            )
        return Stored(article_id, "revised", story_id, None, alert)

    def update_verdict(self, article_id: int, verdict: Verdict, classified_with: str | None) -> str | None:
        """Store a new verdict for an archived article (an update was fetched, or the rules
        changed). A flag that appears queues an alert (``new``, or ``also`` in a story that
        was already alerted); a severity that rises on an already-alerted article queues an
        ``update`` (a reply in the story's thread). Returns the kind of alert queued, if any."""
        with self.write() as conn:
            if conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is None:
                raise ArchiveError(f"no article {article_id}")
            return apply_verdict(
                conn,
                article_id,
                verdict_columns(verdict, classified_with),
                match_rows(article_id, verdict),
                self.clock(),
            )

    def best_evidence(self, article_id: int) -> dict[str, Any] | None:
        """The first evidence of the article's most severe match: {field, sentence, highlights}."""
        rows = self.conn.execute(
            "SELECT evidence FROM matches WHERE article_id = ? "
            "ORDER BY CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, score DESC, id",
            (article_id,),
        ).fetchall()
        for (raw,) in rows:
            items = json.loads(raw or "[]")
            if items:
                return dict(items[0])
        return None

    def article_count(self, outlet: str | None = None) -> int:
        if outlet is None:
            return int(self.conn.execute("SELECT count(*) FROM articles").fetchone()[0])
        return int(
            self.conn.execute("SELECT count(*) FROM articles WHERE outlet = ?", (outlet,)).fetchone()[0]
        )

    # --- crawl runs ----------------------------------------------------------------------

    def record_run(self, run: dict[str, Any]) -> None:
        """Insert or replace the row of one outlet in one run."""
        columns = ", ".join(run)
        marks = ", ".join(f":{k}" for k in run)
        updates = ", ".join(f"{k} = excluded.{k}" for k in run if k not in {"run_id", "outlet"})
        with self.write() as conn:
            conn.execute(
                f"INSERT INTO crawl_runs ({columns}) VALUES ({marks}) "
                f"ON CONFLICT (run_id, outlet) DO UPDATE SET {updates}",
                run,
            )

    def runs(self, run_id: str) -> list[dict[str, Any]]:
        cursor = self.conn.execute("SELECT * FROM crawl_runs WHERE run_id = ? ORDER BY outlet", (run_id,))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    def latest_runs(self) -> dict[str, dict[str, Any]]:
        """The most recent crawl_runs row of every outlet."""
        cursor = self.conn.execute(
            """
            SELECT * FROM crawl_runs WHERE id IN (
                SELECT max(id) FROM crawl_runs GROUP BY outlet
            )
            """
        )
        names = [d[0] for d in cursor.description]
        return {row[names.index("outlet")]: dict(zip(names, row, strict=True)) for row in cursor}

    def state(self, key: str) -> str | None:
        row = self.conn.execute("SELECT value FROM service_state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def set_state(self, key: str, value: str) -> None:
        with self.write() as conn:
            conn.execute(
                "INSERT INTO service_state (key, value, updated_at) VALUES (?, ?, ?) "
                "ON CONFLICT (key) DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                (key, value, sql_time(self.clock())),
            )

    # --- health -------------------------------------------------------------------------

    def open_health(self, outlet: str, issue: str, detail: str) -> bool:
        """Record a problem (e.g. outlet ``slack``, issue ``delivery``); True when it is new,
        False when it was already open (its detail is brought up to date)."""
        now = sql_time(self.clock())
        with self.write() as conn:
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

    def resolve_health(self, outlet: str, issue: str) -> bool:
        """Close an open problem; True when one was open."""
        with self.write() as conn:
            return (
                conn.execute(
                    "UPDATE health SET resolved_at = ? "
                    "WHERE outlet = ? AND issue = ? AND resolved_at IS NULL",
                    (sql_time(self.clock()), outlet, issue),
                ).rowcount
                > 0
            )

    def checkpoint(self) -> None:
        """Fold the WAL back into the database file so it does not grow under readers."""
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
