"""Datasette plugin: the archive's search semantics (search.py) as SQL functions, so canned
queries read a user's words exactly as `newswatch search` does — `J-16`, an unbalanced quote
or a bare AND are words, never an FTS syntax error; and ``newswatch_xml`` for text the Atom
feed can carry."""

from datasette import hookimpl

from newswatch.search import fts_match, trigram_match


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
