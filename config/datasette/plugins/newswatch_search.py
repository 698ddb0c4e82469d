"""Datasette plugin: the archive's search semantics (search.py) as SQL functions, so canned
queries read a user's words exactly as `newswatch search` does — `J-16`, an unbalanced quote
or a bare AND are words, never an FTS syntax error."""

from datasette import hookimpl

from search import fts_match, trigram_match


@hookimpl
def prepare_connection(conn):  # type: ignore[no-untyped-def]
    conn.create_function("newswatch_fts", 1, lambda q: fts_match(q or ""), deterministic=True)
    conn.create_function("newswatch_trigram", 1, lambda q: trigram_match(q or ""), deterministic=True)
