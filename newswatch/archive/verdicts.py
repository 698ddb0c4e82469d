"""An article's verdict: its columns in ``articles``, its ``matches`` rows, and the alert,
story flag and story claim status a change of verdict brings."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import asdict
from typing import TYPE_CHECKING, Any

from newswatch.archive.connection import ArchiveError, Db
from newswatch.archive.outbox import STATUS, Outbox
from newswatch.archive.stories import StoryWrites
from newswatch.rules import Verdict
from newswatch.rules.engine import SEVERITY_RANK, merge_spans
from newswatch.text import repeats_headline

if TYPE_CHECKING:
    from newswatch.claims import Claim


def verdict_columns(
    verdict: Verdict | None, classified_with: str | None, claim: Claim | None = None
) -> dict[str, Any]:
    """The ``articles`` columns that hold a verdict (for Datasette facets and listings) and a
    flagged article's claim status with the cue that decided it."""
    claimed = claim is not None and verdict is not None and verdict.flagged
    cue = claim.cue if claim is not None and claimed else None
    held = {
        "claim_status": claim.status if claim is not None and claimed else None,
        "claim_cue": json.dumps(asdict(cue), ensure_ascii=False) if cue is not None else None,
    }
    if verdict is None:
        return {
            "flagged": 0,
            "review": 0,
            "score": 0.0,
            "severity": None,
            "rules": "[]",
            "evidence": None,
            "classified_with": None,
            "match_note": None,
            **held,
        }
    return {
        "flagged": int(verdict.flagged),
        "review": int(verdict.review and not verdict.flagged),
        "score": verdict.score,
        "severity": verdict.severity,
        "rules": json.dumps(list(verdict.rules)),
        "evidence": "\n".join(e.sentence for e in verdict.evidence) or None,
        "classified_with": classified_with,
        "match_note": verdict.match_note,
        **held,
    }


def _match_rows(article_id: int, verdict: Verdict) -> list[dict[str, Any]]:
    return [
        {
            "article_id": article_id,
            "rule": m.rule,
            "score": m.weight,
            "severity": m.severity,
            "terms": json.dumps([asdict(t) for t in m.terms], ensure_ascii=False),
            "evidence": json.dumps([asdict(e) for e in m.evidence], ensure_ascii=False),
        }
        for m in verdict.matches
    ]


#: An article not read for entities with the gazetteer ``:g`` (written so that SQLite answers
#: it from ``idx_articles_entities_with``, which ``IS NOT`` cannot use).
_STALE = "(entities_with IS NULL OR entities_with < :g OR entities_with > :g)"


class Verdicts:
    """``review_alerts``: an article marked for review queues a ``review`` alert (for
    NEWSWATCH_REVIEW_CHANNEL); without it, review articles queue nothing."""

    def __init__(self, db: Db, outbox: Outbox, stories: StoryWrites, review_alerts: bool = False):
        self.db, self.outbox, self.stories = db, outbox, stories
        self.review_alerts = review_alerts

    def queue_alert(self, article_id: int, verdict: Verdict) -> str | None:
        """The alert a newly archived article's verdict deserves (inside the write that stores
        it): a flagged one's within its story, a review one's when review alerts are on.
        Returns the kind queued, if any."""
        if verdict.flagged:
            return self.outbox.queue_for_story(
                article_id, verdict.severity or "low", self.raise_story_claim(article_id)
            )
        if verdict.review and self.review_alerts:
            return self.outbox.queue_for_review(article_id)
        return None

    def raise_story_claim(self, article_id: int) -> str | None:
        """The flagged article's claim status raises its story's, when stronger (with a
        ``story_claims`` row; inside the write that stores or re-judges it). Returns the status
        a thread reply should announce (:attr:`ClaimChange.announced`), if any."""
        row = self.db.row(
            "SELECT story_id, claim_status, claim_cue FROM articles WHERE id = ?", (article_id,)
        )
        if row is None or row["story_id"] is None:
            return None
        change = self.stories.raise_claim(row["story_id"], article_id, row["claim_status"], row["claim_cue"])
        return change.announced if change is not None else None

    def add_matches(self, article_id: int, verdict: Verdict) -> None:
        """The ``matches`` rows of a newly archived article."""
        with self.db.write() as conn:
            conn.executemany(
                "INSERT INTO matches (article_id, rule, score, severity, terms, evidence) "
                "VALUES (:article_id, :rule, :score, :severity, :terms, :evidence)",
                _match_rows(article_id, verdict),
            )

    def set_entities(self, article_id: int, entities: Sequence[str], found_with: str | None = None) -> None:
        """The ``article_entities`` rows of an article: the gazetteer ids it names, replacing
        any it had (inside the write that stores or re-judges it); ``found_with``: the
        gazetteer's fingerprint (``articles.entities_with``)."""
        with self.db.write() as conn:
            conn.execute("DELETE FROM article_entities WHERE article_id = ?", (article_id,))
            conn.executemany(
                "INSERT OR IGNORE INTO article_entities (article_id, entity_id) VALUES (?, ?)",
                [(article_id, entity_id) for entity_id in entities],
            )
            conn.execute("UPDATE articles SET entities_with = ? WHERE id = ?", (found_with, article_id))

    def mentions(self) -> dict[str, tuple[int, str | None]]:
        """Entity id → (articles naming it, when the first of them was published or fetched)."""
        return {
            str(row["entity_id"]): (int(row["articles"]), row["first_seen"])
            for row in self.db.rows(
                """SELECT e.entity_id, count(*) AS articles,
                       min(coalesce(a.published, a.fetched_at)) AS first_seen
                   FROM article_entities e JOIN articles a ON a.id = e.article_id GROUP BY e.entity_id"""
            )
        }

    def named_before(self, entity_id: str, before: str) -> tuple[int, dict[str, Any] | None]:
        """How many articles named ``entity_id`` before ``before`` (a date: published, else
        fetched), and the first of them (id, when, outlet, title, url)."""
        when = "coalesce(a.published, a.fetched_at)"
        where = (
            "FROM article_entities e JOIN articles a ON a.id = e.article_id "
            f"WHERE e.entity_id = ? AND {when} < ?"
        )
        count = int(self.db.value(f"SELECT count(*) {where}", (entity_id, before)))
        first = self.db.row(
            f"SELECT a.id, {when} AS seen, a.outlet, a.title, a.url {where} ORDER BY {when}, a.id LIMIT 1",
            (entity_id, before),
        )
        return count, first

    def entities_stale(self, gazetteer: str) -> int:
        """How many articles were not read for entities with the gazetteer ``gazetteer``
        (a fingerprint): archived before entity tracking, or under another gazetteer."""
        return int(self.db.value(f"SELECT count(*) FROM articles WHERE {_STALE}", {"g": gazetteer}))

    def index_entities(
        self,
        gazetteer: str,
        named_in: Callable[[str, str], Sequence[str]],
        batch: int = 500,
        limit: int | None = None,
    ) -> int:
        """Read the stale articles (:meth:`entities_stale`) for entities again, ``batch`` per
        write and at most ``limit`` in all (found on ``idx_articles_entities_with``: nothing
        stale costs nothing); returns how many were read."""
        done, tried = 0, set[int]()
        while limit is None or done < limit:
            size = batch if limit is None else min(batch, limit - done)
            found_ids = self.db.rows(
                f"SELECT id FROM articles WHERE {_STALE} LIMIT :n", {"g": gazetteer, "n": size + len(tried)}
            )
            ids = [int(r["id"]) for r in found_ids if int(r["id"]) not in tried][:size]
            if not ids:
                break
            marks = ", ".join("?" * len(ids))
            rows = self.db.rows(f"SELECT id, title, text, version FROM articles WHERE id IN ({marks})", ids)
            read = [(r, named_in(r["title"] or "", r["text"] or "")) for r in rows]
            with self.db.write():
                for row, entities in read:
                    # a crawl may have revised or re-judged it meanwhile: its rows are newer
                    now = self.db.row(
                        "SELECT version, entities_with FROM articles WHERE id = ?", (row["id"],)
                    )
                    if (
                        now is not None
                        and now["version"] == row["version"]
                        and now["entities_with"] != gazetteer
                    ):
                        self.set_entities(int(row["id"]), entities, gazetteer)
            tried.update(ids)
            done += len(ids)
        return done

    def update(
        self,
        article_id: int,
        verdict: Verdict,
        classified_with: str | None,
        claim: Claim | None = None,
        entities: Sequence[str] | None = None,
        entities_with: str | None = None,
    ) -> str | None:
        """Store a new verdict for an archived article (an update was fetched, or the rules
        changed), keeping its story's flag, severity and claim status. A flag that appears
        queues an alert (``new``, or ``also`` in a story that was already alerted); a claim
        status that raises an alerted story's queues a ``status`` reply (and nothing else); a
        severity that rises on an already-alerted article queues an ``update`` (a reply in the
        story's thread); a review mark that appears queues a ``review`` alert when review
        alerts are on.
        Returns the kind of alert queued, if any. ``entities`` (when given) replace the
        article's ``article_entities`` rows."""
        columns = verdict_columns(verdict, classified_with, claim)
        with self.db.write() as conn:
            row = self.db.row("SELECT flagged, severity, story_id FROM articles WHERE id = ?", (article_id,))
            if row is None:
                raise ArchiveError(f"no article {article_id}")
            before = SEVERITY_RANK.get(row["severity"] or "", 0) if row["flagged"] else 0
            sets = ", ".join(f"{k} = :{k}" for k in columns)
            conn.execute(f"UPDATE articles SET {sets} WHERE id = :id", {**columns, "id": article_id})
            conn.execute("DELETE FROM matches WHERE article_id = ?", (article_id,))
            self.add_matches(article_id, verdict)
            if entities is not None:
                self.set_entities(article_id, entities, entities_with)
            if not columns["flagged"]:
                if columns["review"] and self.review_alerts:
                    return self.outbox.queue_for_review(article_id)
                return None
            severity = columns["severity"] or "low"
            if row["story_id"] is not None:
                self.stories.raise_flag(row["story_id"], severity)
            announce = self.raise_story_claim(article_id)
            if not self.outbox.has_first_alert(article_id):
                return self.outbox.queue_for_story(article_id, severity, announce)
            if announce is not None and self.outbox.queue_status(article_id, severity, announce):
                return STATUS
            if SEVERITY_RANK[severity] > before:
                return "update" if self.outbox.queue(article_id, "update", severity) else None
            return None

    def best_evidence(self, article_id: int) -> dict[str, Any] | None:
        """The first evidence of the article's most severe match that is not its headline
        again: {field, sentence, highlights}, with the words every other match found in that
        sentence marked too (a sanctions rule's "sanctions" beside a supply rule's "made").
        When every match quotes only the headline, the sentence of the body that decided the
        claim status, its cue words marked; None when there is none either (the alert shows
        the headline already)."""
        found = self.db.row("SELECT title, claim_cue FROM articles WHERE id = ?", (article_id,))
        title = str(found["title"] or "") if found else ""
        rows = self.db.rows(
            "SELECT evidence FROM matches WHERE article_id = ? "
            "ORDER BY CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, score DESC, id",
            (article_id,),
        )
        items = [item for row in rows for item in _evidence_items(row["evidence"])]
        best = next((item for item in items if not _headline_again(item, title)), None)
        if best is None:
            return _cue_evidence(found["claim_cue"] if found else None, title)
        spans: set[tuple[int, int]] = set()
        for item in items:
            if item.get("sentence") == best.get("sentence") and item.get("field") == best.get("field"):
                spans |= _spans(item.get("highlights"), len(str(best.get("sentence") or "")))
        best["highlights"] = [list(span) for span in merge_spans(sorted(spans))]
        return best

    def matched_words(self, article_id: int) -> tuple[str | None, list[tuple[str, str]]]:
        """The article's language and its stored matched words with their groups, the most
        severe match's first (as :meth:`best_evidence` orders them)."""
        language = self.db.value("SELECT language FROM articles WHERE id = ?", (article_id,))
        rows = self.db.rows(
            "SELECT terms FROM matches WHERE article_id = ? "
            "ORDER BY CASE severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END, score DESC, id",
            (article_id,),
        )
        terms: list[tuple[str, str]] = []
        for row in rows:
            try:
                items = json.loads(row["terms"] or "[]")
            except ValueError:
                continue
            terms += [
                (str(t["term"]), str(t["group"]))
                for t in items
                if isinstance(t, dict) and t.get("group") and t.get("term")
            ]
        return language, terms

    def claim_words(self, article_id: int) -> list[tuple[str, str]]:
        """The words of the article's claim cue with the cue group each is a word of (stored
        in ``claim_cue`` since the cue groups were glossed; none for an older row)."""
        stored = self.db.value("SELECT claim_cue FROM articles WHERE id = ?", (article_id,))
        try:
            pairs = json.loads(stored).get("groups") or [] if stored else []
        except (ValueError, AttributeError):
            return []
        return [
            (str(pair[0]), str(pair[1]))
            for pair in pairs
            if isinstance(pair, list) and len(pair) == 2 and all(isinstance(x, str) and x for x in pair)
        ]

    def review_evidence(self, article_id: int) -> dict[str, Any] | None:
        """The first evidence sentence of an article marked for review: {field, sentence,
        highlights} (its review match is kept as sentences only, so nothing is highlighted)."""
        found = self.db.value("SELECT evidence FROM articles WHERE id = ?", (article_id,))
        sentence = str(found or "").split("\n")[0]
        return {"field": "text", "sentence": sentence, "highlights": []} if sentence else None


def _headline_again(item: dict[str, Any], title: str) -> bool:
    return item.get("field") == "title" or repeats_headline(str(item.get("sentence") or ""), title)


def _cue_evidence(stored: Any, title: str) -> dict[str, Any] | None:
    """The body sentence of a stored claim cue (``articles.claim_cue``: the sentence that
    decided, or for a headline's cue its ``support``), its words marked; None when there is
    none, it repeats the headline, or the cue cannot be read."""
    try:
        cue = json.loads(stored) if stored else None
    except (TypeError, ValueError):
        return None
    if not isinstance(cue, dict):
        return None
    # a headline's cue: the body sentence where a cue of the same status holds too
    sentence, words = (
        (cue.get("sentence"), cue.get("words"))
        if cue.get("field") == "text"
        else (cue.get("support"), cue.get("support_words"))
    )
    if not isinstance(sentence, str) or not sentence.strip() or repeats_headline(sentence, title):
        return None
    spans: set[tuple[int, int]] = set()
    for word in words if isinstance(words, list) else ():
        if isinstance(word, str) and word and (found := re.search(re.escape(word), sentence, re.I)):
            spans.add(found.span())
    return {
        "field": "text",
        "sentence": sentence,
        "highlights": [list(x) for x in merge_spans(sorted(spans))],
    }


def _evidence_items(stored: Any) -> list[dict[str, Any]]:
    """The evidence items of a stored ``matches.evidence`` (a JSON list of objects); whatever
    else a row holds (an older or damaged archive) gives none, so it never holds up an alert."""
    try:
        items = json.loads(stored or "[]")
    except (TypeError, ValueError):
        return []
    return [dict(item) for item in items if isinstance(item, dict)] if isinstance(items, list) else []


def _spans(highlights: Any, size: int) -> set[tuple[int, int]]:
    """The well-formed spans of stored highlights: two integers within a sentence of ``size``."""
    out: set[tuple[int, int]] = set()
    for span in highlights if isinstance(highlights, list) else ():
        if isinstance(span, list | tuple) and len(span) == 2 and all(type(x) is int for x in span):
            start, end = span
            if 0 <= start < end <= size:
                out.add((start, end))
    return out
