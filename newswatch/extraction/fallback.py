"""The safety net: the page's story paragraphs that the cleaned text lost, found against
trafilatura's own output on the untouched page and put back.

Markup pruning, an outlet's body container and line-level chrome removal each drop text on
evidence (a class name, a selector, a line pattern); on a page the evidence misreads they
drop paragraphs of the story. Before pruning, the page's paragraphs, list items and table
rows are noted (cheap). When the finished text lacks more than a twentieth of those lying
between the first and the last it holds (or holds none of them), trafilatura runs alone on
a fresh parse of the page (the outlet's ``drop_selectors`` still applied), and what it kept
that the text lost is put back: the sentences and table rows lost between two lines both
kept, in place, or its whole text when the cleaned text holds under a quarter of its
words. Lost lines outside the story's span (sign-up boxes, teasers after the story) and
lines that are not sentences (captions, buttons) stay out."""

from __future__ import annotations

from typing import Any

from lxml import etree

from newswatch.extraction.markup import link_share, text_of
from newswatch.extraction.words import mostly_new, norm, tokens, triples, with_inserts

_UNIT_CHARS = 40  # a paragraph, list item or table row this long is story-like
_LOST_SHARE = 0.05  # more of them lost than this: ask trafilatura alone
_FULL_SHARE = 0.25  # the text holds under this share of trafilatura's words: take its text
# The candidate units in page order, found by libxml2 in one pass: paragraphs and list items
# whose text is at least _UNIT_CHARS long with only XML whitespace collapsed (``norm``, which
# collapses every Unicode space, can only shorten it) and is not one link and nothing else
# (a related-stories item: all link text), and every table row (its cells are joined with
# spaces, which can lengthen it).
_LONG_AND_NOT_ONE_LINK = (
    f"[string-length(normalize-space()) >= {_UNIT_CHARS}]"
    "[not(count(.//a) = 1 and normalize-space() = normalize-space(.//a))]"
)
_UNIT_NODES = etree.XPath(
    f"descendant-or-self::p{_LONG_AND_NOT_ONE_LINK} | descendant-or-self::li{_LONG_AND_NOT_ONE_LINK}"
    " | descendant-or-self::tr"
)


def story_units(tree: Any) -> list[str]:
    """The untouched page's paragraphs, list items and table rows of at least 40
    characters that are mostly not link text: what a story's text is made of."""
    units: list[str] = []
    for node in _UNIT_NODES(tree):
        if node.tag == "tr":
            text = norm(" ".join(cell.text_content() for cell in node))
            if len(text) >= _UNIT_CHARS and link_share(node) < 0.5:
                units.append(text)
            continue
        raw = text_of(node)  # read once for both tests
        text = norm(raw)
        if len(text) >= _UNIT_CHARS and link_share(node, raw.strip()) < 0.5:
            units.append(text)
    return units


def lost_share(units: list[str], text: str) -> float:
    """The share (in characters) of the story units lying between the first and the last
    that ``text`` holds which ``text`` lost; 1.0 when it holds none of several."""
    seen = triples(text)
    held = [not mostly_new(unit, seen) for unit in units]
    if not any(held):
        return 1.0 if sum(len(unit) for unit in units) >= 400 else 0.0
    first, last = held.index(True), len(held) - 1 - held[::-1].index(True)
    span = units[first : last + 1]
    lost = sum(len(unit) for unit, kept in zip(span, held[first : last + 1], strict=True) if not kept)
    return lost / sum(len(unit) for unit in span)


def needs_check(units: list[str], text: str) -> bool:
    """Whether the text lost enough of the story units around the ones it holds to ask
    trafilatura alone."""
    return lost_share(units, text) > _LOST_SHARE


def _story_line(line: str) -> bool:
    """A sentence (it ends as one) or a table row: what a lost paragraph of the story looks
    like, unlike a caption credit, a sign-up button or a promo label."""
    bare = line.rstrip()
    return bare.endswith((".", "!", "?", '"', "”", "’", "»", ")", ":")) or " | " in bare


def restore(text: str, plain: str) -> str:
    """``text`` with what ``plain`` (trafilatura alone, chrome lines removed) kept and it
    lost: ``plain`` itself when ``text`` holds under a quarter of its words, else the
    sentences and table rows of ``plain`` lying between two lines both kept, put back after
    the first of them."""
    seen = triples(text)
    mine, theirs = len(tokens(text)), len(tokens(plain))
    if mine < _FULL_SHARE * theirs:  # a fragment: a caption, a table's heading
        return plain
    lines = text.split("\n")
    where: dict[tuple[str, ...], int] = {}
    for i, line in enumerate(lines):
        for triple in triples(line):
            where.setdefault(triple, i)
    inserts: dict[int, list[str]] = {}
    last: int | None = None
    pending: list[str] = []
    for line in plain.split("\n"):
        if not line.strip():
            continue
        if mostly_new(line, seen):
            if last is not None and _story_line(line):
                pending.append(line)
            continue
        at = max((where[t] for t in triples(line) if t in where), default=None)
        if at is None:
            continue
        if last is not None and at >= last and pending:
            inserts.setdefault(last, []).extend(pending)
        last, pending = max(at, last or 0), []
    return with_inserts(text, lines, inserts)
