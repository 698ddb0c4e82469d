"""Datasette plugin: the archive's search semantics (newswatch/search.py) everywhere a visitor
searches. Canned queries get them as SQL functions (`J-16`, an unbalanced quote or a bare AND
are words, never an FTS syntax error), and ``newswatch_xml`` gives text the Atom feed can carry.

The search box of the articles table and of the flagged, review and story views reads a
query as `newswatch search` does (``word*`` prefixes, Chinese substrings, "phrases"): this
plugin takes ``?_search=`` away from Datasette's own FTS filter (which quotes ``word*`` into a
literal and knows nothing of the trigram index) and answers it with the same condition
`newswatch search` uses (newswatch/archive/search.py). ``&_searchmode=raw`` still gives the
articles table Datasette's raw FTS5 syntax."""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlencode

from datasette import hookimpl
from datasette.filters import FilterArguments

from newswatch.archive.search import match_condition, newest_matches_sql
from newswatch.search import fts_match, parse, trigram_match

#: The parameter the table pages answer a search under (Datasette's own ``_search`` is taken
#: away before it sees it, so its filter never runs on our tables).
PARAM = "_nwsearch"
#: Searchable tables and views: how a row names the articles it is about.
ARTICLE_ROWS = ("articles", "flagged_articles", "review_articles")
STORY_ROWS = ("stories", "flagged_stories")
#: A search box looks at the newest this many articles that match (a word found in half of a
#: million articles would otherwise cost its page seconds: count, facets and rows each read
#: every match); the page says so when there are more.
NEWEST = 10_000
_TABLE_PATH = re.compile(r"^/[^/]+/(?P<table>[^/.]+)(?:\.\w+)?$")


@hookimpl
def prepare_connection(conn):  # type: ignore[no-untyped-def]
    conn.create_function("newswatch_fts", 1, lambda q: fts_match(q or ""), deterministic=True)
    conn.create_function("newswatch_trigram", 1, lambda q: trigram_match(q or ""), deterministic=True)
    conn.create_function("newswatch_xml", 1, xml_text, deterministic=True)


def xml_text(value):  # type: ignore[no-untyped-def]
    """Text an XML document can hold (the Atom feed): characters XML 1.0 forbids are dropped."""
    if not isinstance(value, str):
        return value
    return "".join(
        ch
        for ch in value
        if ch in "\t\n\r" or " " <= ch <= "\ud7ff" or "\ue000" <= ch <= "\ufffd" or ch >= "\U00010000"
    )


def rewrite_search(path: str, query_string: bytes) -> bytes:
    """The query string with ``_search`` renamed to ``_nwsearch`` on a searchable table's
    page (``_search`` wins over an ``_nwsearch`` the page's form carried along)."""
    found = _TABLE_PATH.match(path)
    if not found or found["table"] not in ARTICLE_ROWS + STORY_ROWS:
        return query_string
    params = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    if not any(k == "_search" for k, _ in params) or ("_searchmode", "raw") in params:
        return query_string
    kept = [(PARAM if k == "_search" else k, v) for k, v in params if k != PARAM]
    return urlencode(kept).encode("ascii")


@hookimpl
def asgi_wrapper(datasette):  # type: ignore[no-untyped-def]
    def wrap(app):  # type: ignore[no-untyped-def]
        async def searching(scope, receive, send):  # type: ignore[no-untyped-def]
            if scope.get("type") == "http" and scope.get("query_string"):
                rewritten = rewrite_search(scope.get("path") or "", scope["query_string"])
                if rewritten != scope["query_string"]:
                    scope = {**scope, "query_string": rewritten}
            await app(scope, receive, send)

        return searching

    return wrap


@hookimpl(trylast=True)  # after Datasette's own filter: its supports_search=False must not win
def filters_from_request(request, database, table, datasette):  # type: ignore[no-untyped-def]
    if table not in ARTICLE_ROWS + STORY_ROWS:
        return None

    async def inner() -> FilterArguments:
        query = request.args.get(PARAM)
        context = {"supports_search": True}
        if query is None or not query.strip():
            return FilterArguments([], extra_context=context)
        parsed = parse(query)
        condition, params = match_condition(parsed, "id", prefix="nw", newest=NEWEST)
        if table in STORY_ROWS:
            condition = f"id IN (SELECT story_id FROM articles WHERE {condition})"
        described = f'search matches "{query}"'
        probe = newest_matches_sql(parsed, NEWEST)
        if probe is not None:
            found = (await datasette.get_database(database).execute(*probe)).single_value()
            if found > NEWEST:
                described += f" (in the newest {NEWEST:,} articles that match: add a word to narrow it)"
        return FilterArguments([condition], params, [described], extra_context={**context, "search": query})

    return inner
