"""Searching the archive: one meaning for `newswatch search` and Datasette's canned queries.

A query is words and "quoted phrases", all of which must occur (case and diacritics
ignored; English words also match their stems). A trailing ``*`` makes a prefix, for Russian
and Ukrainian word forms (``беспилотник*``). Chinese or Japanese terms match as substrings,
through the trigram index. Nothing a user types is FTS syntax: ``J-16``, an unbalanced quote
or a bare ``AND`` are just words, never an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newswatch.text import CJK_CHAR as _CJK

if TYPE_CHECKING:
    from newswatch.archive import Archive

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
    archive: Archive,
    query: str,
    flagged: bool = False,
    since: str | None = None,
    limit: int = 50,
    review: bool = False,
    entities: tuple[str, ...] = (),
) -> list[dict[str, Any]]:
    """Articles matching ``query``, best first (relevance, then newest); ``flagged`` or
    ``review``: only flagged articles, or only those marked for review. ``since``: a UTC
    time in the archive's format (``YYYY-MM-DD[ HH:MM:SS]``). ``entities``: only articles
    naming all of these gazetteer entity ids (the query may then be empty)."""
    return archive.search.find(
        parse(query), flagged=flagged, since=since, limit=limit, review=review, entities=entities
    )
