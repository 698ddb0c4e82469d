"""Searching the archive: one meaning for `newswatch search` and Datasette's canned queries.

A query is words and "quoted phrases", all of which must occur (case and diacritics
ignored; English words also match their stems). A trailing ``*`` makes a prefix, for Russian
and Ukrainian word forms (``беспилотник*``). Chinese or Japanese terms match as substrings,
through the trigram index. Nothing a user types is FTS syntax: ``J-16``, an unbalanced quote
or a bare ``AND`` are just words, never an error.
"""

from __future__ import annotations

import re
import sqlite3
from dataclasses import dataclass
from typing import Any

from newswatch.text import CJK_CHAR as _CJK

_TOKEN = re.compile(r'"([^"]*)"?|(\S+)')
_WORDLIKE = re.compile(r"[^\W_]", re.UNICODE)


@dataclass(frozen=True)
class ParsedQuery:
    fts: str  # for articles_fts (unicode61 + porter); "" when none
    trigram: str  # for articles_trigram, CJK terms of three or more characters; "" when none
    short_cjk: tuple[str, ...]  # one- or two-character CJK terms (matched with LIKE)


def _quote(term: str) -> str:
    return '"' + term.replace('"', '""') + '"'


def parse(query: str) -> ParsedQuery:
    """Split a user's query into the part each index can answer."""
    fts: list[str] = []
    trigram: list[str] = []
    short: list[str] = []
    query = "".join(ch for ch in (query or "") if ch >= " " or ch in "\t\n")  # no NUL or controls
    for match in _TOKEN.finditer(query):
        phrase, word = match.group(1), match.group(2)
        term = (phrase if phrase is not None else word).strip()
        if not term or not _WORDLIKE.search(term):
            continue
        if _CJK.search(term):
            compact = "".join(term.split())
            (trigram if len(compact) >= 3 else short).append(compact)
            continue
        if word is not None and term.endswith("*") and len(term.rstrip("*")) >= 2:
            fts.append(_quote(term.rstrip("*")) + " *")  # "беспилотник" * : a prefix query
        else:
            fts.append(_quote(term.rstrip("*") if word is not None else term))
    return ParsedQuery(" ".join(fts), " ".join(_quote(t) for t in trigram), tuple(short))


def fts_match(query: str) -> str:
    """The articles_fts MATCH expression of a user's query ('' when it has none)."""
    return parse(query).fts


def trigram_match(query: str) -> str:
    """The articles_trigram MATCH expression of a user's query ('' when it has none)."""
    return parse(query).trigram


def search(
    conn: sqlite3.Connection, query: str, flagged: bool = False, since: str | None = None, limit: int = 50
) -> list[dict[str, Any]]:
    """Articles matching ``query``, best first (relevance, then newest). ``since``: a UTC
    time in the archive's format (``YYYY-MM-DD[ HH:MM:SS]``)."""
    parsed = parse(query)
    if not (parsed.fts or parsed.trigram or parsed.short_cjk):
        return []
    where, params = [], []
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
    if since:
        where.append("coalesce(a.published, a.fetched_at) >= ?")
        params.append(since)
    sql = (
        "SELECT a.id, a.published, a.outlet, a.title, a.url, a.language, a.flagged, a.severity, a.rules, "
        "a.evidence "
        f"FROM articles a {joins} {'WHERE ' + ' AND '.join(where) if where else ''} ORDER BY {order} LIMIT ?"
    )
    cursor = conn.execute(sql, (*params, limit))
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row, strict=True)) for row in cursor]
