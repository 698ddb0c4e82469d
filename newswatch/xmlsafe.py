"""XML from outside (feeds, sitemaps, the official lists), read as a stream and safely."""

from __future__ import annotations

from typing import Any

from lxml import etree


def pull_parser(**options: Any) -> etree.XMLPullParser:
    """A streaming parser that never resolves an entity, never reaches the network, never
    loads a DTD, refuses lxml's huge trees and drops comments and processing instructions;
    ``options`` add to these (``tag``, ``recover``, ``encoding``; ``events`` defaults to start
    and end)."""
    options.setdefault("events", ("start", "end"))
    return etree.XMLPullParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        **options,
    )


def local_name(tag: object) -> str:
    """An element's tag without its namespace (``{ns}sdnEntry`` → ``sdnEntry``; a comment's or
    processing instruction's: empty)."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""
