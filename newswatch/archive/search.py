"""Full-text search of ``articles`` (``articles_fts``, and ``articles_trigram`` for Chinese and
Japanese). What a user's words mean is ``newswatch/search.py``'s; this runs its query."""

from __future__ import annotations

from typing import Any

from newswatch.archive.connection import Db
from newswatch.search import ParsedQuery


class ArticleSearch:
    def __init__(self, db: Db):
        self.db = db

    def find(
        self,
        parsed: ParsedQuery,
        flagged: bool = False,
        since: str | None = None,
        limit: int = 50,
        review: bool = False,
    ) -> list[dict[str, Any]]:
        """Articles matching a parsed query, best first (relevance, then newest); ``flagged``
        and ``review`` keep only flagged, or only review, articles. ``since``: a UTC time in
        the archive's format (``YYYY-MM-DD[ HH:MM:SS]``)."""
        if not (parsed.fts or parsed.trigram or parsed.short_cjk):
            return []
        where: list[str] = []
        params: list[Any] = []
        joins = ""
        order = "coalesce(a.published, a.fetched_at) DESC"
        if parsed.fts:
            joins = (
                "JOIN (SELECT rowid, bm25(articles_fts, 5.0, 1.0) AS rank FROM articles_fts "
                "WHERE articles_fts MATCH ?) f ON f.rowid = a.id"
            )
            params.append(parsed.fts)
            order = "f.rank, " + order
        if parsed.trigram:
            where.append("a.id IN (SELECT rowid FROM articles_trigram WHERE articles_trigram MATCH ?)")
            params.append(parsed.trigram)
        for term in parsed.short_cjk:
            where.append("(a.title LIKE ? OR a.text LIKE ?)")
            params += [f"%{term}%", f"%{term}%"]
        if flagged:
            where.append("a.flagged = 1")
        if review:
            where.append("a.review = 1")
        if since:
            where.append("coalesce(a.published, a.fetched_at) >= ?")
            params.append(since)
        conditions = f"WHERE {' AND '.join(where)}" if where else ""
        sql = (
            "SELECT a.id, a.published, a.outlet, a.title, a.url, a.language, a.flagged, a.review, "
            f"a.severity, a.rules, a.evidence FROM articles a {joins} {conditions} ORDER BY {order} LIMIT ?"
        )
        return self.db.rows(sql, (*params, limit))
