"""``articles`` and ``article_versions``: storing a fetched article (with its verdict, story,
alert and seen URLs, in one transaction), keeping replaced texts as versions, and the reads
of archived articles."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

from newswatch.archive.canonical import UrlClaims, same_words
from newswatch.archive.connection import ArchiveError, Db
from newswatch.archive.outbox import Outbox
from newswatch.archive.seen import SeenUrls
from newswatch.archive.stories import StoryWrites
from newswatch.archive.verdicts import Verdicts, verdict_columns
from newswatch.clock import sql_time
from newswatch.records import Article, Extraction
from newswatch.rules import Verdict
from newswatch.stories import Entry, Fingerprint, StoryIndex
from newswatch.urls import url_hash

if TYPE_CHECKING:
    from newswatch.claims import Claim


@dataclass(frozen=True, slots=True)
class Stored:
    """What storing one fetched article did."""

    article_id: int | None
    outcome: str  # new, revised (a changed text replaced the archived one), unchanged, duplicate
    story_id: int | None = None
    relation: str | None = None  # first, copy, related (new articles only)
    alert: str | None = None  # the kind of alert queued: new, also, update, status, review


class Articles:
    def __init__(
        self,
        db: Db,
        seen: SeenUrls,
        verdicts: Verdicts,
        stories: StoryWrites,
        outbox: Outbox,
    ):
        self.db, self.seen, self.verdicts, self.stories, self.outbox = db, seen, verdicts, stories, outbox
        self.claims = UrlClaims(db, seen, stories)

    def store(
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
        URL or shared it (``UrlClaims``). A URL already archived with this text (or a copy of
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
            **verdict_columns(article.verdict, article.classified_with, article.claim),
        }
        columns = ", ".join(row)
        marks = ", ".join(f":{k}" for k in row)
        entry: Entry | None = None
        with self.db.write() as conn:
            self.claims.free_own_pages(article, extraction.text, fp, stories)
            row["url"] = self.claims.claim(url, article, extraction.text, fp, stories)
            row["url_hash"] = url_hash(row["url"])
            cursor = conn.execute(
                f"INSERT INTO articles ({columns}) VALUES ({marks}) ON CONFLICT (url_hash) DO NOTHING",
                row,
            )
            if cursor.rowcount == 1 and cursor.lastrowid is not None:
                new_id = int(cursor.lastrowid)
                if article.verdict is not None:
                    self.verdicts.add_matches(new_id, article.verdict)
                self.verdicts.set_entities(new_id, article.entities, article.entities_with)
                when = extraction.published or article.fetched_at
                story_id, relation = self.stories.assign(new_id, row, fp, stories, when)
                # the outbox row, here
                alert = self.verdicts.queue_alert(new_id, article.verdict) if article.verdict else None
                if fp is not None:
                    self.stories.save_fingerprint(new_id, fp)
                    entry = Entry(new_id, story_id, article.outlet, when, fp)
                result = Stored(new_id, "new", story_id, relation, alert)
            elif revisit or not self.claims.holds_text(row["url_hash"], extraction.text, fp, stories):
                result = self._revise(
                    row,
                    fp,
                    article.verdict,
                    article.classified_with,
                    article.claim,
                    article.entities,
                    article.entities_with,
                )
            else:
                found = self.db.row(
                    "SELECT id, story_id FROM articles WHERE url_hash = ?", (row["url_hash"],)
                )
                result = Stored(
                    found["id"] if found else None, "duplicate", found["story_id"] if found else None
                )
            self.seen.mark(keys, article.outlet, "archived", extraction.published)
        if entry is not None and stories is not None:
            stories.add(entry)  # only once the transaction holds
        return result

    def _revise(
        self,
        row: dict[str, Any],
        fp: Fingerprint | None,
        verdict: Verdict | None,
        classified_with: str | None,
        claim: Claim | None = None,
        entities: tuple[str, ...] = (),
        entities_with: str | None = None,
    ) -> Stored:
        """A re-fetched article: keep the archived text as a version when the new one differs."""
        with self.db.write() as conn:
            old = self.db.row(
                "SELECT id, story_id, title, text, published, "
                "coalesce(revised_at, fetched_at) AS fetched_at, flagged, severity, version "
                "FROM articles WHERE url_hash = ?",
                (row["url_hash"],),
            )
            if old is None:
                raise ArchiveError(f"no archived article for {row['url']}")
            article_id, story_id = old["id"], old["story_id"]
            if same_words(old["text"], row["text"]) and (old["title"] or "") == (row["title"] or ""):
                return Stored(article_id, "unchanged", story_id)
            conn.execute(
                "INSERT INTO article_versions (article_id, version, title, text, published, fetched_at, "
                "replaced_at, flagged, severity) VALUES (:id, :version, :title, :text, :published, "
                ":fetched_at, :replaced_at, :flagged, :severity)",
                {**old, "replaced_at": row["fetched_at"]},
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
                self.stories.save_fingerprint(article_id, fp)
            alert = (
                self.verdicts.update(article_id, verdict, classified_with, claim, entities, entities_with)
                if verdict is not None
                else None
            )
            return Stored(article_id, "revised", story_id, None, alert)

    # --- reads ---------------------------------------------------------------------------

    def count(self, outlet: str | None = None) -> int:
        if outlet is None:
            return int(self.db.value("SELECT count(*) FROM articles"))
        return int(self.db.value("SELECT count(*) FROM articles WHERE outlet = ?", (outlet,)))

    def counts_by_outlet(self) -> dict[str, int]:
        rows = self.db.rows("SELECT outlet, count(*) AS n FROM articles GROUP BY outlet")
        return {row["outlet"]: int(row["n"]) for row in rows}

    def text_of(self, key: str) -> dict[str, Any] | None:
        """``title`` and ``text`` of the article archived under a URL hash."""
        return self.db.row("SELECT title, text FROM articles WHERE url_hash = ?", (key,))

    def fetched_since(self, since: datetime) -> Iterator[dict[str, Any]]:
        """Articles fetched since ``since``, oldest first, with what re-judging them needs."""
        return self.db.iter_rows(
            "SELECT id, outlet, published, fetched_at, title, url, text, language, flagged, rules "
            "FROM articles WHERE fetched_at >= ? ORDER BY fetched_at",
            (sql_time(since),),
        )
