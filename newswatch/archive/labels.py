"""``labels`` and ``story_mutes``: what the team judged an article (relevant, irrelevant,
borderline; every judgement kept, whoever made it and wherever) and the stories muted for a
while."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from newswatch.archive.connection import ArchiveError, Db
from newswatch.clock import from_sql_time, sql_time
from newswatch.urls import BadURL, canonical_keys, canonicalize

#: The judgements, as ``newswatch label`` spells them (and the relevance corpus's labels).
LABELS = ("relevant", "irrelevant", "borderline")
#: Where a judgement was made.
SOURCES = ("slack", "review", "cli")
#: What the readers of judgements need of each article beside its standing label.
_ARTICLE = (
    "a.id AS article_id, a.url, a.outlet, a.published, a.fetched_at, a.language, a.title, a.text, "
    "a.flagged, a.review, a.rules"
)
#: Each labelled article's standing judgement: its latest row.
_STANDING = "SELECT article_id, max(id) AS last FROM labels GROUP BY article_id"


class Labels:
    def __init__(self, db: Db):
        self.db = db

    def add(self, article_id: int, label: str, who: str, source: str, note: str | None = None) -> int:
        """Store one judgement and return its row id. A second judgement of the same article,
        by the same person or another, is a new row: the latest one per person counts."""
        if label not in LABELS:
            raise ArchiveError(f"unknown label {label!r}: expected one of {', '.join(LABELS)}")
        if source not in SOURCES:
            raise ArchiveError(f"unknown label source {source!r}: expected one of {', '.join(SOURCES)}")
        with self.db.write() as conn:
            if conn.execute("SELECT 1 FROM articles WHERE id = ?", (article_id,)).fetchone() is None:
                raise ArchiveError(f"no archived article with id {article_id}")
            cursor = conn.execute(
                "INSERT INTO labels (article_id, label, who, labelled_at, source, note) "
                "VALUES (?, ?, ?, ?, ?, ?)",
                (article_id, label, who, self.db.now(), source, note),
            )
            return int(cursor.lastrowid or 0)

    def for_article(self, article_id: int) -> list[dict[str, Any]]:
        """Every judgement of an article, oldest first."""
        return self.db.rows(
            "SELECT * FROM labels WHERE article_id = ? ORDER BY labelled_at, id", (article_id,)
        )

    def current(self, since: datetime | None = None) -> list[dict[str, Any]]:
        """Each labelled article's standing judgement (its latest label, judgements made at or
        after ``since`` only when given), oldest article first."""
        where, params = ("WHERE labelled_at >= ?", (sql_time(since),)) if since else ("", ())
        return self.db.rows(
            "SELECT l.* FROM labels l JOIN ("
            f"  SELECT article_id, max(id) AS last FROM labels {where} GROUP BY article_id"
            ") latest ON latest.last = l.id ORDER BY l.article_id",
            params,
        )

    def mute(self, story_id: int, until: datetime, who: str) -> None:
        """Mute a story until ``until`` (a later mute replaces an earlier one)."""
        with self.db.write() as conn:
            conn.execute(
                "INSERT INTO story_mutes (story_id, until, who, muted_at) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (story_id) DO UPDATE SET until = excluded.until, who = excluded.who, "
                "muted_at = excluded.muted_at",
                (story_id, sql_time(until), who, self.db.now()),
            )

    def muted_until(self, story_id: int, now: datetime) -> datetime | None:
        """When the story's mute ends, or None when it is not muted at ``now``."""
        until = self.db.value("SELECT until FROM story_mutes WHERE story_id = ?", (story_id,))
        if until is None:
            return None
        end = from_sql_time(until)
        return end if end is not None and end > now else None

    # --- reading judgements with their articles (export, report, backtest) ----------------

    def article(self, ref: str) -> dict[str, Any] | None:
        """The archived article ``ref`` names: an archive id, or a URL in any spelling that
        canonicalises to the one it is archived under (tracking parameters, AMP, ``www.``,
        ``http``, a trailing slash; the keys of older archives too), or the page it was
        fetched from. None when no article is archived under it."""
        text = ref.strip()
        if text.isdigit():
            if len(text) > 18:  # past SQLite's integers: no article has it
                return None
            return self.db.row("SELECT id, url, title, outlet FROM articles WHERE id = ?", (int(text),))
        try:
            keys = canonical_keys(text)
            canonical = canonicalize(text)
        except BadURL:
            return None
        marks = ", ".join("?" for _ in keys)
        found = self.db.row(
            f"SELECT id, url, title, outlet FROM articles WHERE url_hash IN ({marks}) ORDER BY id LIMIT 1",
            keys,
        )
        fetched = "SELECT id, url, title, outlet FROM articles WHERE final_url = ? ORDER BY id LIMIT 1"
        return found or self.db.row(fetched, (canonical,))

    def count(self) -> int:
        """Judgements stored, every one."""
        return int(self.db.value("SELECT count(*) FROM labels") or 0)

    def standing(self, since: datetime | None = None) -> list[dict[str, Any]]:
        """Each labelled article with its standing judgement (its latest row: ``label``, ``who``,
        ``labelled_at``, ``source``, ``note``) and the article's fields; with ``since``, only
        those whose standing judgement was made at or after it. Oldest judgement first."""
        where, params = ("WHERE l.labelled_at >= ?", (sql_time(since),)) if since else ("", ())
        return self.db.rows(
            f"SELECT l.label, l.who, l.labelled_at, l.source, l.note, {_ARTICLE} "
            f"FROM labels l JOIN ({_STANDING}) latest ON latest.last = l.id "
            f"JOIN articles a ON a.id = l.article_id {where} ORDER BY l.labelled_at, l.id",
            params,
        )

    def flagged_since(self, since: datetime) -> list[dict[str, Any]]:
        """The articles flagged that were archived (so alerted) at or after ``since``, each
        with its matched rules (``rules``, JSON) and its standing label (``label``, or None)."""
        return self.db.rows(
            f"SELECT {_ARTICLE}, l.label FROM articles a "
            f"LEFT JOIN ({_STANDING}) latest ON latest.article_id = a.id "
            "LEFT JOIN labels l ON l.id = latest.last "
            "WHERE a.flagged = 1 AND a.fetched_at >= ? ORDER BY a.fetched_at, a.id",
            (sql_time(since),),
        )

    def missed_since(self, since: datetime) -> list[dict[str, Any]]:
        """Articles whose standing label is ``relevant`` that no rule flagged, archived or
        judged at or after ``since``, with who judged them and the note. Newest judgement first."""
        when = sql_time(since)
        return self.db.rows(
            f"SELECT l.label, l.who, l.labelled_at, l.source, l.note, {_ARTICLE} "
            f"FROM labels l JOIN ({_STANDING}) latest ON latest.last = l.id "
            "JOIN articles a ON a.id = l.article_id "
            "WHERE l.label = 'relevant' AND a.flagged = 0 AND (l.labelled_at >= ? OR a.fetched_at >= ?) "
            "ORDER BY l.labelled_at DESC, l.id DESC",
            (when, when),
        )

    def mute_of(self, story_id: int) -> dict[str, Any] | None:
        """The story's mute (``until``, ``who``, ``muted_at``), ended or not; None when never muted."""
        return self.db.row("SELECT until, who, muted_at FROM story_mutes WHERE story_id = ?", (story_id,))
