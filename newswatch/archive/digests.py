"""``digests`` and ``digest_items``: which flagged (and review) articles went into which digest, and each
digest's frozen message and delivery state (pending, sent, unconfirmed, failed). When a
failed attempt leaves a digest pending or gives it up is the caller's policy
(``alerts/digest.py``)."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from newswatch.archive.connection import Db


@dataclass(frozen=True)
class StoredDigest:
    """A digest row: once built, its message is frozen and every retry sends these bytes."""

    id: int
    message: bytes | None  # None: recorded before digests kept their message
    items: int
    attempts: int
    ambiguous: int
    subject: str | None
    message_id: str | None
    built_at: str | None
    last_error: str | None
    status: str = "pending"


_STORED = (
    "SELECT id, message, items, attempts, ambiguous, subject, message_id, built_at, last_error, status "
    "FROM digests"
)


#: A delivered digest (sent, or unconfirmed: the server may have it) held the article.
_DELIVERED = (
    "SELECT 1 FROM digest_items di JOIN digests d ON d.id = di.digest_id "
    "AND d.status IN ('sent', 'unconfirmed') WHERE di.article_id = {article}"
)
#: The ``story_claims`` row ``n`` was shown: a delivered digest that read the archive after
#: the change (its ``claims_read``, the newest history row when it read its items, holds it;
#: a digest from before that column: built at or after the change) held the story (a flagged
#: article of it), so it showed the story with that status or a stronger one.
_SHOWN = (
    "EXISTS (SELECT 1 FROM articles o JOIN digest_items di ON di.article_id = o.id "
    "JOIN digests d ON d.id = di.digest_id AND d.status IN ('sent', 'unconfirmed') "
    "WHERE o.story_id = n.story_id AND o.flagged = 1 AND (d.claims_read >= n.id OR "
    "(d.claims_read IS NULL AND coalesce(d.built_at, d.created_at) >= n.changed_at)))"
)


def _stored(row: dict[str, Any]) -> StoredDigest:
    message = bytes(row["message"]) if row["message"] is not None else None
    return StoredDigest(**{**row, "message": message})


class Digests:
    def __init__(self, db: Db):
        self.db = db

    def undelivered(self) -> list[dict[str, Any]]:
        """Flagged articles, then articles marked for review (``review`` 1), that no delivered
        digest has held yet, most severe and newest first. A story whose claim status rose
        since a delivered digest last showed it brings the report that raised it along again
        (``again`` 1), even when nothing else of the story is new (a change stamped later than
        this process's clock, another process's clock being ahead, waits for it: else every
        digest would bring it again). Each row carries its
        story's claim status (``story_claim``) and the report that raised it, from the
        story's history: ``claim_article``, ``claim_cue`` of then (``claim_article_cue``),
        ``claim_title``, ``claim_url``, ``claim_outlet``, ``claim_evidence``,
        ``claim_language``; and the ids of the entities the article names (``entities``, a
        JSON list, first named first)."""
        return self.db.rows(
            f"""
            WITH latest AS (
                SELECT c.id, c.story_id, c.article_id, c.cue, c.changed_at FROM story_claims c
                WHERE c.id = (SELECT max(l.id) FROM story_claims l WHERE l.story_id = c.story_id)
            ), raised AS (
                SELECT n.article_id FROM latest n
                WHERE n.article_id IS NOT NULL AND n.changed_at <= :now AND NOT ({_SHOWN})
            )
            SELECT a.id, a.title, a.url, a.outlet, a.published, a.severity, a.rules, a.evidence, a.story_id,
                   a.review, a.language, a.claim_status, a.claim_cue, s.claim_status AS story_claim,
                   n.article_id AS claim_article, n.cue AS claim_article_cue, r.title AS claim_title,
                   r.url AS claim_url, r.outlet AS claim_outlet, r.evidence AS claim_evidence,
                   r.language AS claim_language,
                   EXISTS ({_DELIVERED.format(article="a.id")}) AS again,
                   (SELECT json_group_array(entity_id) FROM (
                       SELECT e.entity_id FROM article_entities e WHERE e.article_id = a.id ORDER BY e.rowid)
                   ) AS entities
            FROM articles a LEFT JOIN stories s ON s.id = a.story_id
                LEFT JOIN latest n ON n.story_id = a.story_id LEFT JOIN articles r ON r.id = n.article_id
            WHERE (a.flagged = 1 OR a.review = 1) AND (
                NOT EXISTS ({_DELIVERED.format(article="a.id")})
                OR (a.flagged = 1 AND a.id IN (SELECT article_id FROM raised)))
            ORDER BY a.flagged DESC, CASE a.severity WHEN 'high' THEN 0 WHEN 'medium' THEN 1 ELSE 2 END,
                     coalesce(a.published, a.fetched_at) DESC, a.id
            """,
            {"now": self.db.now()},
        )

    def claims_mark(self) -> int:
        """The newest row of the stories' status history (0 when there is none)."""
        return int(self.db.value("SELECT coalesce(max(id), 0) FROM story_claims"))

    def delivered_claims(self, story_ids: Iterable[int]) -> dict[int, list[str | None]]:
        """The claim statuses each story had reached by the delivered digests that showed them
        (a story absent: none of its flagged articles was in a delivered digest; an empty list:
        they were, with no status). Read from the story's history (``story_claims``): a status
        counts as shown once a delivered digest built after the change held the story (any of
        its flagged articles), so a status a report reached after its digest went out (a
        revised text) is news once, in the next digest, and then no more."""
        wanted = sorted(set(story_ids))
        out: dict[int, list[str | None]] = {}
        for start in range(0, len(wanted), 500):  # bounded IN lists
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            for row in self.db.rows(
                f"""
                SELECT DISTINCT a.story_id FROM articles a
                WHERE a.flagged = 1 AND a.story_id IN ({marks})
                  AND EXISTS ({_DELIVERED.format(article="a.id")})
                """,
                chunk,
            ):
                out[int(row["story_id"])] = []
            for row in self.db.rows(
                f"SELECT n.story_id, n.status FROM story_claims n WHERE n.story_id IN ({marks}) AND {_SHOWN} "
                "ORDER BY n.id",
                chunk,
            ):
                out.setdefault(int(row["story_id"]), []).append(row["status"])
        return out

    def pending(self) -> StoredDigest | None:
        """The digest waiting to be delivered (there is at most one), oldest first."""
        row = self.db.row(f"{_STORED} WHERE status = 'pending' ORDER BY id LIMIT 1")
        return _stored(row) if row else None

    def unconfirmed(self) -> list[StoredDigest]:
        """Digests given up after the server may have taken them, since the last one sent."""
        rows = self.db.rows(
            f"{_STORED} WHERE status = 'unconfirmed' AND id > "
            "coalesce((SELECT max(id) FROM digests WHERE status = 'sent'), 0) ORDER BY id"
        )
        return [_stored(r) for r in rows]

    def prepare(
        self,
        article_ids: Sequence[int],
        message: bytes,
        subject: str,
        message_id: str,
        recipients: str,
        claims_read: int | None = None,
    ) -> StoredDigest:
        """Record a digest as built: its items and its message, frozen from now on (items flagged
        later go into the next digest). ``claims_read``: :meth:`claims_mark` taken before its
        items were read, so that a story's status raised while it was being rendered is news
        in the next one. A pending row without a message (recorded before digests kept theirs)
        is reused; a digest another process built meanwhile is returned instead of building a
        second one."""
        now = self.db.now()
        with self.db.write() as conn:
            built = self.db.row(f"{_STORED} WHERE status = 'pending' AND message IS NOT NULL")
            if built:
                return _stored(built)
            digest_id = self.db.value("SELECT id FROM digests WHERE status = 'pending' ORDER BY id LIMIT 1")
            if digest_id is None:
                digest_id = conn.execute("INSERT INTO digests (created_at) VALUES (?)", (now,)).lastrowid
            conn.execute("DELETE FROM digest_items WHERE digest_id = ?", (digest_id,))
            conn.executemany(
                "INSERT INTO digest_items (digest_id, article_id) VALUES (?, ?)",
                [(digest_id, article_id) for article_id in article_ids],
            )
            conn.execute(
                "UPDATE digests SET items = ?, message = ?, built_at = ?, subject = ?, message_id = ?, "
                "recipients = ?, claims_read = ? WHERE id = ?",
                (len(article_ids), message, now, subject, message_id, recipients, claims_read, digest_id),
            )
            stored = self.db.row(f"{_STORED} WHERE id = ?", (digest_id,))
        assert stored is not None
        return _stored(stored)

    def mark_sent(
        self, digest_id: int, transport: str, location: str | None = None, note: str | None = None
    ) -> None:
        """Delivered: ``note`` keeps what went wrong on the way (refused recipients)."""
        with self.db.write() as conn:
            conn.execute(
                "UPDATE digests SET status = 'sent', sent_at = ?, attempts = attempts + 1, transport = ?, "
                "location = ?, last_error = ? WHERE id = ?",
                (self.db.now(), transport, location, note, digest_id),
            )

    def mark_failed(
        self, digest_id: int, error: str, ambiguous: bool, status_after: Callable[[int, int], str]
    ) -> str:
        """Count a failed attempt (and whether the server may have the message); the digest's
        status afterwards is ``status_after(attempts, ambiguous failures)``, returned."""
        with self.db.write() as conn:
            row = self.db.row(
                "SELECT attempts + 1 AS attempts, ambiguous + ? AS ambiguous FROM digests WHERE id = ?",
                (int(ambiguous), digest_id),
            )
            assert row is not None, f"no digest {digest_id}"
            status = status_after(row["attempts"], row["ambiguous"])
            conn.execute(
                "UPDATE digests SET attempts = ?, ambiguous = ?, status = ?, last_error = ? WHERE id = ?",
                (row["attempts"], row["ambiguous"], status, error[:500], digest_id),
            )
        return status

    def resend(self, digest_id: int) -> bool:
        """Queue an ``unconfirmed`` digest again (the operator found it did not arrive): the next
        delivery sends the same message, its ambiguous failures counted afresh (its attempts
        are kept: one given up at the limit gets one more). False when there is no such digest."""
        with self.db.write() as conn:
            cursor = conn.execute(
                "UPDATE digests SET status = 'pending', ambiguous = 0 "
                "WHERE id = ? AND status = 'unconfirmed' AND message IS NOT NULL",
                (digest_id,),
            )
            return cursor.rowcount == 1

    def has_pending(self) -> bool:
        return self.db.value("SELECT 1 FROM digests WHERE status = 'pending'") is not None
