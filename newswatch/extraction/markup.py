"""Markup pruning: page chrome removed from the parsed page before its text is taken (the
outlet's ``drop_selectors``, code and media, blocks whose class or id names chrome, boxes
known by their heading, reference lists, empty inline elements)."""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Sequence
from functools import lru_cache
from typing import Any

from cssselect import HTMLTranslator, SelectorError
from lxml import etree

from newswatch.extraction.patterns import LABEL_LINE, RECIRCULATION_LINE
from newswatch.extraction.words import norm

# Never article text, whatever the outlet: code, media players, embedded social posts.
_ALWAYS_DROP = (
    "//script | //style | //noscript | //template | //iframe | //svg | //button | //video | //audio"
    " | //object | //embed | //amp-lightbox"
    " | //blockquote[contains(@class, 'twitter-tweet') or contains(@class, 'instagram-media')"
    " or contains(@class, 'tiktok-embed') or contains(@class, 'reddit-embed')]"
)
# Words of a class or id that name chrome; pairs must be adjacent ("most-read", "authorCard").
_CHROME_WORDS = frozenset(
    {
        "share",
        "sharing",
        "sharebar",
        "social",
        "related",
        "recirc",
        "recirculation",
        "promo",
        "promos",
        "newsletter",
        "subscribe",
        "subscription",
        "popular",
        "trending",
        "outbrain",
        "taboola",
        "advert",
        "advertisement",
        "sponsored",
        "breadcrumb",
        "breadcrumbs",
        "bio",
        "skip",
        "toolbar",
        "contribute",
        "donate",
        "donation",
        "caption",
        "captions",
    }
)
_CHROME_PAIRS = frozenset(
    {
        ("most", "read"),
        ("most", "popular"),
        ("most", "viewed"),
        ("more", "from"),
        ("read", "more"),
        ("read", "next"),
        ("also", "read"),
        ("author", "card"),
        ("about", "author"),
        ("author", "info"),
        ("further", "reading"),
        ("may", "like"),
        ("font", "size"),
        ("text", "size"),
        ("comment", "form"),
        ("comments", "form"),
        ("comment", "policy"),
        ("comments", "section"),
    }
)
# ARIA landmarks that are never the story: asides, navigation, the site's header and footer.
_CHROME_ROLES = frozenset({"complementary", "navigation", "banner", "contentinfo", "search"})
_CHROME_TAGS = ("div", "section", "aside", "ul", "ol", "p", "span", "li", "nav", "footer")
_CHROME_SHARE = 0.3  # a chrome-named block holding more of the page's paragraphs is kept
_CLASS_WORD = re.compile(r"[A-Z]?[a-z]+|[A-Z]+(?![a-z])|\d+")
_CSS = HTMLTranslator()


class BadSelector(ValueError):
    """A CSS selector that cssselect cannot translate."""


@lru_cache(maxsize=512)
def css_xpath(selector: str) -> str:
    """The XPath of a CSS selector; BadSelector when it is not valid CSS."""
    try:
        return _CSS.css_to_xpath(selector)
    except SelectorError as exc:
        raise BadSelector(f"bad CSS selector {selector!r}: {exc}") from None


def remove(node: Any) -> None:
    """Remove an element, keeping the text that follows it."""
    parent = node.getparent()
    if parent is None:
        return
    if node.tail and node.tail.strip():
        prev = node.getprevious()
        if prev is not None:
            prev.tail = (prev.tail or "") + node.tail
        else:
            parent.text = (parent.text or "") + node.tail
    parent.remove(node)


def _names_chrome(node: Any) -> bool:
    """True when the element's class or id names chrome ("share-bar", "mostRead", "author-bio");
    WordPress style classes ("has-normal-font-size") name a look, not a widget."""
    names = " ".join(
        name
        for name in f"{node.get('class') or ''} {node.get('id') or ''}".split()
        if not name.startswith("has-")  # a style ("has-drop-cap has-normal-font-size"), not a widget
    )
    if not names:
        return False
    words = [w.lower() for w in _CLASS_WORD.findall(names)]
    return any(w in _CHROME_WORDS for w in words) or any(
        pair in _CHROME_PAIRS for pair in itertools.pairwise(words)
    )


#: An element's text (all text inside it, its own tail left out: what ``itertext()`` joins
#: and ``text_content()`` gives), read by libxml2 in one call.
text_of: Callable[[Any], str] = etree.XPath("string()", smart_strings=False)


def link_share(node: Any, text: str | None = None) -> float:
    """The share of a block's text that is link text; ``text``, when given, is the block's
    text stripped (``text_of(node).strip()``, read once by the caller)."""
    if text is None:
        text = text_of(node).strip()
    if not text:
        return 0.0
    links = sum(len(text_of(a).strip()) for a in node.iter("a"))
    return links / len(text)


def _link_only(node: Any, text: str | None = None) -> bool:
    """A block whose text is (almost) all links."""
    return link_share(node, text) >= 0.9


def _link_promo(node: Any) -> bool:
    """A paragraph that is nothing but a link in capitals: a headline promoting another story."""
    text = text_of(node).strip()
    return text.upper() == text and sum(c.isalpha() for c in text) >= 12 and _link_only(node, text)


def paragraph_mass(node: Any) -> int:
    """Characters in the long, link-poor paragraphs under ``node``: how much article-like
    text it holds."""
    mass = 0
    for p in node.iter("p"):
        text = text_of(p).strip()
        if len(text) >= 80 and not _link_only(p, text):
            mass += len(text)
    return mass


# Box headings the line patterns (RECIRCULATION_LINE, LABEL_LINE) do not already know.
_RECIRC_HEADING = re.compile(
    r"^(?:you (?:might|may) (?:also )?enjoy|(?:other|related|recommended|top|popular)"
    r" (?:stories|articles|news|reads|reading)|related(?: links)?|editors?'?s? picks|don'?t miss"
    r"|mehr zum thema|das könnte sie auch interessieren|sur le même sujet|по теме|більше новин)\W*$",
    re.IGNORECASE,
)


def _recirculation_heading(text: str) -> bool:
    return bool(RECIRCULATION_LINE.match(text) or LABEL_LINE.match(text) or _RECIRC_HEADING.match(text))


# Headings of a reference list after the article (a fact-check's sources, a report's endnotes).
_SOURCES_HEADING = re.compile(
    r"^(?:our )?(?:sources|references|endnotes|footnotes|bibliography|quellen|źródła|источники|джерела)\W*$",
    re.IGNORECASE,
)


def _drop_source_lists(tree: Any) -> None:
    """Remove reference lists known by their heading ("Our Sources", "Endnotes"): the
    smallest block holding the heading and more, or when the heading sits in the article
    body itself, the heading and everything after it there. Their lines cite other
    stories' titles, which would otherwise count as the article's words."""
    for heading in [h for h in tree.iter("h2", "h3", "h4") if _SOURCES_HEADING.match(norm(h.text_content()))]:
        box, inner = heading.getparent(), heading
        while box is not None and norm(box.text_content()) == norm(inner.text_content()):
            box, inner = box.getparent(), box
        if box is None or box.getparent() is None:
            continue
        if box.tag not in ("body", "article", "main"):
            remove(box)
            continue
        for node in [inner, *inner.itersiblings()]:
            remove(node)


def _drop_labelled_boxes(tree: Any, limit: float) -> None:
    """Remove recirculation boxes known by their heading ("You might also like", "Related
    stories", "Mehr zum Thema"): the heading's block, or when the heading sits in the
    article body itself, the heading and the link list after it."""
    for heading in [
        h for h in tree.iter("h1", "h2", "h3", "h4") if _recirculation_heading(norm(h.text_content()))
    ]:
        box = heading.getparent()
        if box is None or box.getparent() is None:
            continue
        if box.tag not in ("body", "article", "main") and (
            paragraph_mass(box) <= limit or link_share(box) >= 0.6
        ):
            remove(box)
            continue
        following = heading.getnext()
        if following is not None and following.tag in ("ul", "ol", "div") and _link_only(following):
            remove(following)
        remove(heading)


_INLINE_TAGS = ("strong", "em", "b", "i", "u", "q", "span", "small", "font", "mark", "sup", "sub")


def _drop_empty_inline(tree: Any) -> None:
    """Remove inline elements without text (``<strong></strong>``, ``<span><img></span>``),
    keeping the text after them: trafilatura's precision mode drops the rest of a paragraph
    after one. (One walk over the page for all the tags: an XPath union reads it once per tag.)"""
    empty = [node for node in tree.iter(*_INLINE_TAGS) if not text_of(node) and node.find(".//br") is None]
    for node in empty:
        remove(node)


def drop_selected(tree: Any, selectors: Sequence[str]) -> Any:
    """Remove the elements the outlet's ``drop_selectors`` match. Returns the same tree."""
    for selector in selectors:
        for node in tree.xpath(css_xpath(selector)):
            remove(node)
    return tree


def prune_chrome(tree: Any, drop_selectors: Sequence[str] = ()) -> Any:
    """Remove page chrome from the markup: the outlet's ``drop_selectors``; code, media
    players and embedded social posts; headline links in capitals; and blocks whose class
    or id names chrome (share, related, promo, newsletter, most read, author bio…), whose
    ARIA role is a chrome landmark, or that are a ``<nav>``, unless they hold much of the
    page's paragraph text. Returns the same (changed) tree."""
    drop_selected(tree, drop_selectors)
    for node in tree.xpath(_ALWAYS_DROP):
        remove(node)
    for node in [n for n in tree.iter("p", "h2", "h3", "h4") if _link_promo(n)]:
        remove(node)
    limit = _CHROME_SHARE * paragraph_mass(tree)
    _drop_labelled_boxes(tree, limit)
    _drop_source_lists(tree)
    _drop_empty_inline(tree)
    _drop_named_chrome(tree, limit)
    return tree


# Only an element with a class, an id or a role, or a <nav>, can be chrome: libxml2 finds
# them in one pass.
_NAMED = "./descendant::*[@class or @id or @role or self::nav]"


def _drop_named_chrome(tree: Any, limit: float) -> None:
    """Remove the blocks whose class or id names chrome, or whose ARIA role is a chrome
    landmark (a ``<nav>`` without a role of its own is ``navigation``), unless they hold
    more than ``limit`` of paragraph text; the outermost such block goes, with all it holds.
    trafilatura drops every ``<nav>`` too, but only after several passes over the whole page
    and its copies have read the menu: dropping it first halves its work on a page with a
    large menu.

    Whether a block goes depends on its own subtree alone (removing another block moves
    only text outside it), so the candidates are judged in page order, and one inside a
    block already removed is left alone (removing it from the detached block would change
    nothing on the page)."""
    removed: set[Any] = set()
    for node in tree.xpath(_NAMED):
        named = node.tag in _CHROME_TAGS and _names_chrome(node)
        role = node.get("role")
        if not (named or role in _CHROME_ROLES or (role is None and node.tag == "nav")):
            continue
        if removed and any(a in removed for a in node.iterancestors()):
            continue
        if paragraph_mass(node) <= limit:
            remove(node)
            removed.add(node)
