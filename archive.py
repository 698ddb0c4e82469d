"""The SQLite archive: schema, migrations and every read and write the crawler makes.

One file in WAL mode (readers such as Datasette never block the writer) with a busy
timeout. Table and column names are a public contract — Datasette users save queries
against them — so migrations only ever add.

Times are stored in SQLite's own format, UTC: ``YYYY-MM-DD HH:MM:SS``.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import sqlite_utils
from sqlite_utils import Migrations

from records import Article, Extraction, sql_time, utcnow
from rules import Verdict
from rules.engine import SEVERITY_RANK
from urls import url_hash

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
)
#: Seen-URL outcomes that mean "do not fetch again".
FINAL_STATUSES = frozenset({"archived", "empty", "not_html", "gone", "offsite"})
FTS_TOKENIZE = "porter unicode61 remove_diacritics 2"

migrations = Migrations("newswatch")


class ArchiveError(RuntimeError):
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


def queue_alert(conn: sqlite3.Connection, article_id: int, kind: str, severity: str) -> bool:
    """Add an outbox row (at most one ``new`` per article and one ``update`` per severity
    level); True when a row was added."""
    now = sql_time(utcnow())
    cursor = conn.execute(
        "INSERT INTO alerts (article_id, kind, severity, created_at, next_attempt_at) VALUES (?, ?, ?, ?, ?) "
        "ON CONFLICT DO NOTHING",
        (article_id, kind, severity, now, now),
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
        }
    return {
        "flagged": int(verdict.flagged),
        "score": verdict.score,
        "severity": verdict.severity,
        "rules": json.dumps(list(verdict.rules)),
        "evidence": "\n".join(e.sentence for e in verdict.evidence) or None,
        "classified_with": classified_with,
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
CJK_GLOB = "*[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]*"


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


@dataclass(frozen=True, slots=True)
class Seen:
    status: str
    published: str | None


def connect(path: str | Path, busy_timeout_ms: int = 10_000) -> sqlite_utils.Database:
    """Open (creating if needed) the archive in WAL mode and apply pending migrations."""
    path = Path(path)
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
        raise ArchiveError(f"cannot open archive {path}: {exc}") from exc
    return db


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

    def __init__(self, path: str | Path, busy_timeout_ms: int = 10_000):
        self.path = Path(path)
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
            raise ArchiveError(f"archive {self.path}: write failed: {exc}") from exc

    # --- seen URLs ---------------------------------------------------------------------

    def seen(self, canonical_url: str) -> Seen | None:
        row = self.conn.execute(
            "SELECT status, published FROM seen_urls WHERE url_hash = ?", (url_hash(canonical_url),)
        ).fetchone()
        return Seen(row[0], row[1]) if row else None

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
        now = sql_time(utcnow())
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

    # --- articles ------------------------------------------------------------------------

    def store_article(
        self, article: Article, extraction: Extraction, url: str, run_id: str | None
    ) -> int | None:
        """Archive one article with its verdict and rule matches, and mark all its URLs
        seen, in one transaction.

        Returns the new row id, or None when an article with that URL key already exists.
        """
        keys = [url, article.url, article.final_url]
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
        with self.write() as conn:
            cursor = conn.execute(
                f"INSERT INTO articles ({columns}) VALUES ({marks}) ON CONFLICT (url_hash) DO NOTHING",
                row,
            )
            new_id = cursor.lastrowid if cursor.rowcount == 1 else None
            if new_id is not None and article.verdict is not None:
                conn.executemany(
                    "INSERT INTO matches (article_id, rule, score, severity, terms, evidence) "
                    "VALUES (?, ?, ?, ?, ?, ?)",
                    match_rows(new_id, article.verdict),
                )
                if article.verdict.flagged:  # the outbox row, in the article's own transaction
                    queue_alert(conn, new_id, "new", article.verdict.severity or "low")
            self.mark_seen(keys, article.outlet, "archived", extraction.published, conn=conn)
        return new_id

    def update_verdict(self, article_id: int, verdict: Verdict, classified_with: str | None) -> str | None:
        """Store a new verdict for an archived article (an update was fetched, or the rules
        changed). A flag that appears queues a ``new`` alert; a severity that rises on an
        already-alerted article queues an ``update`` (a reply in the first alert's thread).
        Returns the kind of alert queued, if any."""
        columns = verdict_columns(verdict, classified_with)
        with self.write() as conn:
            row = conn.execute(
                "SELECT flagged, severity FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
            if row is None:
                raise ArchiveError(f"no article {article_id}")
            before = SEVERITY_RANK.get(row[1] or "", 0) if row[0] else 0
            sets = ", ".join(f"{k} = :{k}" for k in columns)
            conn.execute(f"UPDATE articles SET {sets} WHERE id = :id", {**columns, "id": article_id})
            conn.execute("DELETE FROM matches WHERE article_id = ?", (article_id,))
            conn.executemany(
                "INSERT INTO matches (article_id, rule, score, severity, terms, evidence) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                match_rows(article_id, verdict),
            )
            if not verdict.flagged:
                return None
            after = SEVERITY_RANK[verdict.severity or "low"]
            alerted = conn.execute(
                "SELECT 1 FROM alerts WHERE article_id = ? AND kind = 'new'", (article_id,)
            ).fetchone()
            if not alerted:
                return "new" if queue_alert(conn, article_id, "new", verdict.severity or "low") else None
            if after > before:
                return (
                    "update" if queue_alert(conn, article_id, "update", verdict.severity or "low") else None
                )
        return None

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
                (key, value, sql_time(utcnow())),
            )

    def checkpoint(self) -> None:
        """Fold the WAL back into the database file so it does not grow under readers."""
        self.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
