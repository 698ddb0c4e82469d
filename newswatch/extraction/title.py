"""Title: the headline, chosen between the structured titles (ld+json, og:, twitter:,
``<title>``) and the visible ``<h1>``, without site names, section labels or invisible
characters."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

from newswatch.extraction.structured import is_site, site_tokens
from newswatch.extraction.words import norm, plain_text, tokens, valid

MAX_TITLE_CHARS = 500  # longer is not a headline (a page's whole text in its <title>): clipped
#: in a title: control characters (an ld+json escape can hold ESC or NUL), bidi embeddings,
#: overrides and isolates, zero-width space, word joiner, BOM (they hide or reorder text)
_TITLE_JUNK = re.compile("[\x00-\x1f\x7f-\x9f\u200b\u2060\ufeff\u202a-\u202e\u2066-\u2069]")

def clean_title(title: str) -> str:
    """A headline on one line, without control or invisible characters, at most
    ``MAX_TITLE_CHARS`` long."""
    title = norm(valid(_TITLE_JUNK.sub(lambda m: " " if m.group() < "\x80" else "", title)))
    return title if len(title) <= MAX_TITLE_CHARS else title[: MAX_TITLE_CHARS - 1].rstrip() + "…"


# Separators between a headline and a site name or section: " | ", " - ", " – ", " » ", " :: ".
_TITLE_SEP = re.compile(r"\s+(?:[|»–—~·•]|-{1,2}|::)\s+|\s*\|\s*")
_SEP_START = re.compile(r"^\s*(?:[|»–—~·•:]|-{1,2})")
_SECTION_LABEL = re.compile(r"^([^|:]{1,25})\s+\|\s+(?=\S)")


def strip_site_name(title: str, site_names: Sequence[str]) -> str:
    """A title without leading or trailing separator segments that name the site
    ("Headline | Reuters", "Headline - BBC News", "PolitiFact | Headline")."""
    sites = site_tokens(site_names)
    parts = _TITLE_SEP.split(title)
    if len(parts) < 2 or not sites:
        return title
    start, end = 0, len(parts)
    while end - start > 1 and is_site(parts[end - 1], sites):
        end -= 1
    while end - start > 1 and is_site(parts[start], sites):
        start += 1
    if (start, end) == (0, len(parts)) or not parts[start] or not parts[end - 1]:
        return title
    begin = title.find(parts[start])
    return title[begin : title.rfind(parts[end - 1]) + len(parts[end - 1])].strip()


def strip_label(title: str) -> str:
    """ "Opinion | Headline" → "Headline": a one- or two-word section label before a bar."""
    match = _SECTION_LABEL.match(title)
    if match and len(tokens(match.group(1))) <= 2 and len(tokens(title[match.end() :])) >= 4:
        return title[match.end() :]
    return title


def _headings(tree: Any, site_names: Sequence[str]) -> list[str]:
    """Visible ``<h1>`` texts, those inside the article first; logos and site names left out."""
    sites = site_tokens(site_names)
    found: list[str] = []
    for node in tree.xpath("//article//h1 | //main//h1") + tree.xpath("//h1"):
        text = plain_text(node.text_content())
        if not text or text in found or len(text) < 8 or "logo" in text.casefold():
            continue
        if tuple(tokens(text)) not in sites:
            found.append(text)
    return found


def _structured_titles(
    tree: Any, meta: dict[str, str], article: dict[str, Any], site_names: Sequence[str]
) -> list[str]:
    """ld+json headline, og:title, twitter:title and ``<title>``, without site names or
    section labels; cut-off social titles ("…") left out."""
    raw = (article.get("headline"), meta.get("og:title"), meta.get("twitter:title"))
    out: list[str] = []
    for value in (*raw, tree.findtext(".//title")):
        text = plain_text(value)
        if text and not text.endswith(("...", "…")):
            text = strip_label(strip_site_name(text, site_names))
            if text not in out:
                out.append(text)
    return out


_TYPOGRAPHY = str.maketrans("‘’‚′“”„″–—‐‑−", "''''\"\"\"\"-----")  # curly quotes, primes, dashes


def _plain_quotes(text: str) -> str:
    return text.translate(_TYPOGRAPHY)


def choose_title(structured: Sequence[str], headings: Sequence[str]) -> str | None:
    """The headline: the first structured title (ld+json, og:, twitter:, ``<title>``) that
    the visible ``<h1>`` agrees with (the same words, or one of them with a kicker or
    section label in front; the ``<h1>`` itself when the structured title only adds a
    separator and a site or section name, or differs from it only in quotes and dashes),
    else the first structured title, else the ``<h1>``."""
    for heading in headings:
        h = tokens(heading)
        for title in structured:
            t = tokens(title)
            if heading != title and _plain_quotes(heading) == _plain_quotes(title):
                return heading  # the page's own typography: tags often flatten ’ and — to ' and -
            if h == t or (len(t) >= 3 and h[-len(t) :] == t) or (len(h) >= 3 and t[-len(h) :] == h):
                return title
            if title.startswith(heading) and _SEP_START.match(title[len(heading) :]):
                return heading  # the structured title adds a site or section after a separator
            if len(h) >= 3 and any(tokens(part)[-len(h) :] == h for part in _TITLE_SEP.split(title)[:-1]):
                return heading  # "LIVE: Heading | Section – Site": a segment of it is the heading
    if structured:
        return structured[0]
    return headings[0] if headings else None



def page_title(
    tree: Any, meta: dict[str, str], article: dict[str, Any], site_names: Sequence[str]
) -> str | None:
    """The headline of a parsed page (see ``choose_title``)."""
    return choose_title(_structured_titles(tree, meta, article, site_names), _headings(tree, site_names))
