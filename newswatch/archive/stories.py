"""``stories``, ``story_claims`` and ``article_fingerprints``: filing an archived article under
a story, the story's claim status (the strongest so far) with its history, and the story
index's view of what every process has archived. Grouping itself is pure
(``newswatch/stories.py``)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from newswatch.archive.connection import ArchiveError, Db
from newswatch.archive.outbox import Outbox
from newswatch.claims import PRECEDENCE
from newswatch.claims import claim_rank as claim_rank  # the one order, re-exported
from newswatch.clock import from_sql_time, sql_time
from newswatch.rules.engine import SEVERITY_RANK
from newswatch.stories import PACKED_READ, Entry, Fingerprint, StoryIndex

#: Claim statuses, strongest first: the order of ``newswatch.claims.PRECEDENCE`` (an action
#: naming the entity, documented evidence or an admission, a denial, an official finding, an
#: allegation), the one place it is written. A story's status is the strongest of its flagged
#: articles' so far; the digest's groups follow it too.
CLAIM_ORDER: tuple[str, ...] = PRECEDENCE


def strongest(statuses: Iterable[str | None]) -> str | None:
    """The strongest of several claim statuses; None when none has one."""
    best = max(statuses, key=claim_rank, default=None)
    return best if claim_rank(best) > 0 else None


@dataclass(frozen=True, slots=True)
class ClaimChange:
    """A story's claim status rose (``before`` None: the story had none)."""

    story_id: int
    before: str | None
    after: str

    @property
    def announced(self) -> str | None:
        """The status a thread reply announces: ``after`` when it is stronger than ``before``
        and than an allegation. A story without a status counts as alleged (a report is at
        least an allegation): an allegation is never news."""
        floor = max(claim_rank(self.before), claim_rank("alleged"))
        return self.after if claim_rank(self.after) > floor else None


def higher(a: str | None, b: str | None) -> str | None:
    """The more severe of two severities (None: not flagged)."""
    return a if SEVERITY_RANK.get(a or "", 0) >= SEVERITY_RANK.get(b or "", 0) else b


#: A packed fingerprint of a form this release reads (``Fingerprint.packed``): the form's
#: character and the field separator.
_PREFIXES = frozenset(f"{form}\x1e" for form in PACKED_READ)
_FORMS = ", ".join(f"'{form}' || char(30)" for form in PACKED_READ)
_PACKED_HERE = f"substr(f.packed, 1, 2) IN ({_FORMS})"
#: What the story window holds of each article, and where a crawl's first load of it starts
#: (which must stay on the fetched_at index). The fingerprint comes packed (its UTF-8 bytes), or
#: as JSON in rows written before the packed form (or in a form of a later release).
WINDOW_COLUMNS = (
    "SELECT a.id, a.story_id, a.outlet, coalesce(a.published, a.fetched_at) AS at, f.minhash, "
    f"CASE WHEN {_PACKED_HERE} THEN CAST(f.packed AS BLOB) END AS packed, "
    f"CASE WHEN {_PACKED_HERE} THEN NULL ELSE f.terms END AS terms "
    "FROM articles a JOIN article_fingerprints f ON f.article_id = a.id "
)
WINDOW_START = "WHERE a.fetched_at >= ?"


def _window_entry(row: tuple[Any, ...]) -> Entry:
    """A window entry of a ``WINDOW_COLUMNS`` row: packed, or read from its JSON."""
    article_id, story_id, outlet, at, minhash, packed, terms = row
    if packed is not None:
        return Entry.packed(article_id, story_id, outlet, from_sql_time(at), minhash, packed)
    return Entry(article_id, story_id, outlet, from_sql_time(at), Fingerprint.from_stored(minhash, terms))


@dataclass(frozen=True, slots=True)
class Moved:
    """An article taken out of its story into one of its own ("Wrong story" in Slack)."""

    article_id: int
    from_story: int
    to_story: int
    queued_for: int | None  # the article whose ``new`` alert was queued (a new top-level message)


class StoryWrites:
    def __init__(self, db: Db, outbox: Outbox):
        self.db, self.outbox = db, outbox

    def fingerprint(self, article_id: int) -> Fingerprint | None:
        found = self.db.row(
            "SELECT minhash, packed, terms FROM article_fingerprints WHERE article_id = ?", (article_id,)
        )
        if found is None:
            return None
        if found["packed"] is not None and found["packed"][:2] in _PREFIXES:
            return Fingerprint.from_packed(found["minhash"], found["packed"])
        return Fingerprint.from_stored(found["minhash"], found["terms"])

    def save_fingerprint(self, article_id: int, fp: Fingerprint) -> None:
        with self.db.write() as conn:
            conn.execute(
                "INSERT INTO article_fingerprints (article_id, minhash, terms, packed) VALUES (?, ?, ?, ?) "
                "ON CONFLICT (article_id) DO UPDATE SET minhash = excluded.minhash, terms = excluded.terms, "
                "packed = excluded.packed",
                (article_id, fp.minhash, fp.terms_json(), fp.packed()),
            )

    def assign(
        self,
        article_id: int,
        row: dict[str, Any],
        fp: Fingerprint | None,
        stories: StoryIndex | None,
        when: datetime,
    ) -> tuple[int, str]:
        """Join the story of the best match in the window, or start one; (story id, relation)."""
        with self.db.write() as conn:
            match = None
            if fp is not None and stories is not None:
                self.refresh_index(stories, self.db.clock())
                match = stories.match(fp, when, outlet=row["outlet"])
            flagged, severity = int(row["flagged"]), row["severity"] if row["flagged"] else None
            now = self.db.now()
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
                self._join(story_id, row["outlet"], row["published"], flagged, severity)
            conn.execute(
                "UPDATE articles SET story_id = ?, story_relation = ?, story_score = ? WHERE id = ?",
                (story_id, relation, score, article_id),
            )
            return int(story_id), relation

    def _join(
        self, story_id: int, outlet: str, published: str | None, flagged: int, severity: str | None
    ) -> None:
        with self.db.write() as conn:
            found = self.db.row("SELECT outlet_list, severity FROM stories WHERE id = ?", (story_id,))
            if found is None:
                raise ArchiveError(f"no story {story_id}")
            outlets: list[str] = json.loads(found["outlet_list"] or "[]")
            new_outlet = outlet not in outlets
            if new_outlet:
                outlets.append(outlet)
            alerted = self.outbox.story_alerted(story_id)
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
                    self.db.now(),
                    published,
                    published,
                    published,
                    published,
                    flagged,
                    higher(found["severity"], severity),
                    int(bool(new_outlet and alerted)),
                    story_id,
                ),
            )

    def raise_flag(self, story_id: int, severity: str) -> None:
        """A flagged article of the story: the story is flagged, at the higher severity."""
        with self.db.write() as conn:
            current = self.db.value("SELECT severity FROM stories WHERE id = ?", (story_id,))
            conn.execute(
                "UPDATE stories SET flagged = 1, severity = ? WHERE id = ?",
                (higher(current, severity), story_id),
            )

    def raise_claim(
        self, story_id: int, article_id: int, status: str | None, cue: str | None
    ) -> ClaimChange | None:
        """A flagged article's claim status, inside the write that stores or re-judges it: when
        it is stronger than the story's, it becomes the story's and a ``story_claims`` row
        records the change (the article and its cue). Returns the change, if any."""
        if claim_rank(status) == 0:
            return None
        assert status is not None
        with self.db.write() as conn:
            before = self.db.value("SELECT claim_status FROM stories WHERE id = ?", (story_id,))
            if claim_rank(status) <= claim_rank(before):
                return None
            conn.execute("UPDATE stories SET claim_status = ? WHERE id = ?", (status, story_id))
            conn.execute(
                "INSERT INTO story_claims (story_id, status, article_id, cue, changed_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (story_id, status, article_id, cue, self.db.now()),
            )
            return ClaimChange(story_id, before, status)

    def claim_history(self, story_id: int) -> list[dict[str, Any]]:
        """The story's claim statuses in the order they were reached: status, article_id, cue,
        changed_at."""
        return self.db.rows(
            "SELECT status, article_id, cue, changed_at FROM story_claims WHERE story_id = ? ORDER BY id",
            (story_id,),
        )

    def refresh_index(self, stories: StoryIndex, now: datetime) -> None:
        """Bring the in-memory window up to date with what every process has archived since.
        The first load reads the packed fingerprints (parsed only when a match reads them) and
        hands the whole window to the index at once."""
        horizon = sql_time(now - stories.horizon())
        select = WINDOW_COLUMNS
        if stories.last_id is None:
            # on idx_articles_fetched_at, then put in archive order here: ORDER BY a.id in SQL
            # makes SQLite scan the whole table instead (0.3-0.6 s at 200,000 articles); each row
            # is read into its entry as it comes, not all rows held at once
            known = stories.ids()
            rows = self.db.conn.execute(select + WINDOW_START, (horizon,))
            entries = sorted(map(_window_entry, rows), key=lambda e: e.article_id)
        else:
            rows = self.db.conn.execute(select + "WHERE a.id > ? ORDER BY a.id", (stories.last_id,))
            entries = list(map(_window_entry, rows))
            known = stories.added_since(stories.last_id) if entries else set()
        stories.extend([entry for entry in entries if entry.article_id not in known])
        last = self.db.value("SELECT max(id) FROM articles")
        stories.last_id = max(int(last or 0), stories.last_id or 0)
        stories.prune(now)

    # --- "Wrong story": an article out of its story -------------------------------------------

    def move_out(self, article_id: int, who: str) -> Moved | None:
        """Take an article out of its story into a new story of its own, in one write: both
        stories' counts, outlets, dates, flag, severity and claim status are recomputed from
        their articles, the move is kept in ``story_moves``, and a new top-level message is
        queued: the article's own ``new`` alert when it was alerted as a reply (or not at all),
        else, since its message already stands on its own, the first message of the story it
        left (its earliest flagged article's ``new`` alert), when that story has none. None
        when the article is in no story or alone in its story (nothing to move)."""
        with self.db.write() as conn:
            found = self.db.row(
                "SELECT a.story_id, a.title, a.outlet, a.published, a.flagged, a.severity, a.claim_status, "
                "(SELECT count(*) FROM articles x WHERE x.story_id = a.story_id) AS size "
                "FROM articles a WHERE a.id = ?",
                (article_id,),
            )
            if found is None or found["story_id"] is None or found["size"] < 2:
                return None
            old = int(found["story_id"])
            now = self.db.now()
            new = conn.execute(
                "INSERT INTO stories (title, first_article_id, first_outlet, created_at, updated_at, "
                "first_published, last_published, outlet_list) VALUES (?, ?, ?, ?, ?, ?, ?, json_array(?))",
                (
                    found["title"],
                    article_id,
                    found["outlet"],
                    now,
                    now,
                    found["published"],
                    found["published"],
                    found["outlet"],
                ),
            ).lastrowid
            assert new is not None
            conn.execute(
                "UPDATE articles SET story_id = ?, story_relation = 'first', story_score = NULL WHERE id = ?",
                (new, article_id),
            )
            for story_id in (old, int(new)):
                self.recount(story_id)
            conn.execute(
                "INSERT INTO story_moves (article_id, from_story, to_story, who, moved_at) "
                "VALUES (?, ?, ?, ?, ?)",
                (article_id, old, new, who, now),
            )
            queued_for = self._first_message_after_move(article_id, old, found)
            return Moved(article_id, old, int(new), queued_for)

    def _first_message_after_move(self, article_id: int, old: int, moved: dict[str, Any]) -> int | None:
        """Queue the new top-level message a move calls for (see :meth:`move_out`); the article
        it is for, if any."""
        has_new = self.db.value("SELECT 1 FROM alerts WHERE article_id = ? AND kind = 'new'", (article_id,))
        if not has_new:
            if moved["flagged"] and self.outbox.queue(article_id, "new", moved["severity"] or "low"):
                return article_id
            return None
        if self.outbox.story_alerted(old):
            return None
        first = self.db.row(
            "SELECT id, severity FROM articles WHERE story_id = ? AND flagged = 1 ORDER BY id LIMIT 1", (old,)
        )
        if first is not None and self.outbox.queue(int(first["id"]), "new", first["severity"] or "low"):
            return int(first["id"])
        return None

    def recount(self, story_id: int) -> None:
        """Set a story's first article, title, counts, outlets (in order of arrival), dates,
        flag, severity and claim status from the articles it holds now; its first message is
        marked for a refresh when it was sent (the outlet count it shows may be outdated)."""
        with self.db.write() as conn:
            members = self.db.rows(
                "SELECT id, title, outlet, published, flagged, severity, claim_status FROM articles "
                "WHERE story_id = ? ORDER BY id",
                (story_id,),
            )
            if not members:
                return
            outlets = list(dict.fromkeys(m["outlet"] for m in members))
            dates = [m["published"] for m in members if m["published"]]
            flagged = [m for m in members if m["flagged"]]
            severity = None
            for member in flagged:
                severity = higher(severity, member["severity"])
            conn.execute(
                """
                UPDATE stories SET title = ?, first_article_id = ?, first_outlet = ?, articles = ?,
                    outlets = ?, outlet_list = ?, first_published = ?, last_published = ?, flagged = ?,
                    severity = ?, claim_status = ?, updated_at = ?,
                    slack_refresh = slack_refresh + ?
                WHERE id = ?
                """,
                (
                    members[0]["title"],
                    members[0]["id"],
                    members[0]["outlet"],
                    len(members),
                    len(outlets),
                    json.dumps(outlets, ensure_ascii=False),
                    min(dates, default=None),
                    max(dates, default=None),
                    int(bool(flagged)),
                    severity,
                    strongest(m["claim_status"] for m in flagged),
                    self.db.now(),
                    int(self.outbox.story_alerted(story_id)),
                    story_id,
                ),
            )

    def moves(self, article_id: int) -> list[dict[str, Any]]:
        """The article's moves out of a story, oldest first: from_story, to_story, who, moved_at."""
        return self.db.rows(
            "SELECT from_story, to_story, who, moved_at FROM story_moves WHERE article_id = ? ORDER BY id",
            (article_id,),
        )
