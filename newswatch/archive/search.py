"""Full-text search of ``articles`` (``articles_fts``, and ``articles_trigram`` for Chinese and
Japanese). What a user's words mean is ``newswatch/search.py``'s; this runs its query, and
gives Datasette's pages the same condition (``match_condition``)."""

from __future__ import annotations

from typing import Any

from newswatch.archive.connection import Db
from newswatch.search import ParsedQuery


def match_condition(
    parsed: ParsedQuery,
    id_expr: str = "a.id",
    prefix: str = "q",
    ranked: bool = False,
    newest: int | None = None,
) -> tuple[str, dict[str, str]]:
    """A SQL condition true for the articles (``id_expr``: their id) that match a parsed query,
    with its named parameters (``:{prefix}_fts``…); ``"0"`` when the query has no terms.
    ``ranked``: the full-text part is left to a join that ranks (see ``find``). ``newest``: only
    the newest (highest id) ``newest`` matches of each index count, so that a word in half the
    archive costs a page no more than a rare one (see ``newest_matches``)."""
    if not (parsed.fts or parsed.trigram or parsed.short_cjk):
        return "0", {}
    where: list[str] = []
    params: dict[str, str] = {}
    cap = f" ORDER BY rowid DESC LIMIT {int(newest)}" if newest else ""
    if parsed.fts and not ranked:
        where.append(
            f"{id_expr} IN (SELECT rowid FROM articles_fts WHERE articles_fts MATCH :{prefix}_fts{cap})"
        )
        params[f"{prefix}_fts"] = parsed.fts
    if parsed.trigram:
        where.append(
            f"{id_expr} IN (SELECT rowid FROM articles_trigram "
            f"WHERE articles_trigram MATCH :{prefix}_tri{cap})"
        )
        params[f"{prefix}_tri"] = parsed.trigram
    for i, term in enumerate(parsed.short_cjk):
        # one or two characters: too short for trigrams, a scan of the articles holding them
        where.append(
            f"{id_expr} IN (SELECT id FROM articles WHERE title LIKE :{prefix}_like{i} "
            f"OR text LIKE :{prefix}_like{i})"
        )
        params[f"{prefix}_like{i}"] = f"%{term}%"
    return " AND ".join(where) or "1", params


def newest_matches_sql(parsed: ParsedQuery, newest: int) -> tuple[str, dict[str, str]] | None:
    """A query counting the full-text matches of ``parsed`` up to ``newest + 1`` (cheap: it
    stops there), to tell whether ``match_condition(..., newest=newest)`` left some out; None
    when the query has no full-text part."""
    if parsed.fts:
        table, expression = "articles_fts", parsed.fts
    elif parsed.trigram:
        table, expression = "articles_trigram", parsed.trigram
    else:
        return None
    sql = (
        f"SELECT count(*) FROM (SELECT rowid FROM {table} WHERE {table} MATCH :q "
        f"ORDER BY rowid DESC LIMIT {int(newest) + 1})"
    )
    return sql, {"q": expression}


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
        entities: tuple[str, ...] = (),
    ) -> list[dict[str, Any]]:
        """Articles matching a parsed query, best first (relevance, then newest); ``flagged``
        and ``review`` keep only flagged, or only review, articles. ``since``: a UTC time in
        the archive's format (``YYYY-MM-DD[ HH:MM:SS]``). ``entities``: only articles naming
        every one of these gazetteer ids (``article_entities``); with no query words, those
        articles newest first."""
        words = bool(parsed.fts or parsed.trigram or parsed.short_cjk)
        if not words and not entities:
            return []
        condition, params = match_condition(parsed, "a.id", ranked=True) if words else ("1", {})
        where: list[str] = [condition]
        for i, entity in enumerate(entities):
            where.append(
                f"EXISTS (SELECT 1 FROM article_entities e WHERE e.article_id = a.id "
                f"AND e.entity_id = :entity{i})"
            )
            params[f"entity{i}"] = entity
        joins = ""
        order = "coalesce(a.published, a.fetched_at) DESC"
        if parsed.fts:
            joins = (
                "JOIN (SELECT rowid, bm25(articles_fts, 5.0, 1.0) AS rank FROM articles_fts "
                "WHERE articles_fts MATCH :q_fts) f ON f.rowid = a.id"
            )
            params["q_fts"] = parsed.fts
            order = "f.rank, " + order
        if flagged:
            where.append("a.flagged = 1")
        if review:
            where.append("a.review = 1")
        if since:
            where.append("coalesce(a.published, a.fetched_at) >= :since")
            params["since"] = since
        sql = (
            "SELECT a.id, a.published, a.outlet, a.title, a.url, a.language, a.flagged, a.review, "
            "a.severity, a.rules, a.evidence, a.claim_status "
            f"FROM articles a {joins} WHERE {' AND '.join(where)} "
            f"ORDER BY {order} LIMIT :limit"
        )
        rows = self.db.rows(sql, {**params, "limit": limit})
        named = self.entities_of([int(row["id"]) for row in rows])
        for row in rows:
            row["entities"] = named.get(int(row["id"]), [])
        return rows

    def entities_of(self, article_ids: list[int]) -> dict[int, list[str]]:
        """The gazetteer ids each article names (after sorting and cutting: a page's worth)."""
        out: dict[int, list[str]] = {}
        for start in range(0, len(article_ids), 500):
            chunk = article_ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            for row in self.db.rows(
                f"SELECT article_id, entity_id FROM article_entities WHERE article_id IN ({marks}) "
                "ORDER BY article_id, rowid",
                chunk,
            ):
                out.setdefault(int(row["article_id"]), []).append(row["entity_id"])
        return out
