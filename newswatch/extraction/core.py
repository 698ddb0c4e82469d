"""The extractor: parse a page, read its metadata, prune its markup, take the body text and
drop the chrome lines; ``extract`` composes the other modules of the package."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from lxml import etree
from trafilatura.meta import reset_caches as _reset_trafilatura_caches
from trafilatura.utils import load_html

from newswatch.extraction.body import container_text, fuller_body, generic_text, standfirst, trafilatura_text
from newswatch.extraction.chrome import strip_chrome
from newswatch.extraction.fallback import needs_check, restore, story_units
from newswatch.extraction.markup import drop_selected, prune_chrome
from newswatch.extraction.metadata import page_meta
from newswatch.extraction.title import clean_title
from newswatch.extraction.words import mostly_new, triples, valid
from newswatch.records import Candidate, Extraction


def looks_binary(body: bytes | str) -> bool:
    """True for bodies that are not text whatever their Content-Type says."""
    head = body[:4096]
    if isinstance(head, str):
        return "\x00" in head
    return b"\x00" in head or head.startswith((b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04"))


def parse_html(html: str | bytes) -> Any:
    """An lxml tree (parsed as trafilatura parses it), or None when the input is not HTML."""
    if not html or not html.strip() or looks_binary(html):
        return None
    try:
        tree = load_html(html)
    except (etree.ParserError, ValueError):
        return None
    return tree if tree is not None and len(tree) else None


def extract(
    html: str | bytes,
    url: str | None = None,
    hint: Candidate | None = None,
    language: str | None = None,
    now: datetime | None = None,
    body_selector: str | None = None,
    drop_selectors: Sequence[str] = (),
) -> Extraction:
    """Text and metadata of one article page; ``hint`` (what the feed said) fills gaps.

    ``body_selector`` and ``drop_selectors`` are the outlet's overrides (CSS, see
    docs/extraction.md): chrome to remove first, and the article body's container, whose
    text is taken when it matches; otherwise the generic path runs. A bad selector raises
    BadSelector (the outlets file is checked when it loads, so the crawl never sees one).
    """
    tree = parse_html(html)
    if tree is None:
        return Extraction(text="")
    meta = page_meta(tree, url, now, language)
    lead = standfirst(tree, meta.description)
    drop_selected(tree, drop_selectors)
    units = story_units(tree)
    prune_chrome(tree)
    text = container_text(tree, body_selector) if body_selector else ""
    if not text:
        text = fuller_body(generic_text(tree, url), meta.body)
    title = meta.headline or (hint.title if hint is not None else None)
    text = strip_chrome(text, meta.authors, title)
    lead = strip_chrome(lead, meta.authors, title) if lead else None  # not a subscription pitch
    if text and lead and mostly_new(lead, triples(text), 0.9):  # not a sentence the story repeats
        text = f"{lead}\n{text}"
    if needs_check(units, text):  # story paragraphs lost: what does trafilatura alone keep?
        untouched = parse_html(html)
        if untouched is not None:
            plain = trafilatura_text(drop_selected(untouched, drop_selectors), url)
            text = restore(text, strip_chrome(plain, meta.authors, title))
    published, published_source = meta.published, meta.published_source
    if published is None and hint is not None and hint.date is not None:
        published, published_source = hint.date, "feed"
    if published is None:  # an update date, when it is all there is
        published, published_source = meta.modified, meta.modified_source
    description = meta.description or (hint.summary if hint else None)
    return Extraction(
        text=valid(text),
        title=(clean_title(title) or None) if title else None,
        authors=tuple(valid(a) for a in meta.authors),
        published=published,
        published_source=published_source if published else None,
        language=meta.language or (hint.language if hint else None) or language,
        description=valid(description) if description else None,
        canonical_url=meta.canonical,
    )


def reset_caches() -> None:
    """Release trafilatura's in-process caches (call between crawl runs).

    htmldate logs an ERROR for one cache it cannot clear in this version pairing; that
    says nothing about our run, so its logger is held to CRITICAL for the call.
    """
    noisy = logging.getLogger("htmldate.meta")
    level = noisy.level
    noisy.setLevel(logging.CRITICAL)
    try:
        _reset_trafilatura_caches()
    finally:
        noisy.setLevel(level)
