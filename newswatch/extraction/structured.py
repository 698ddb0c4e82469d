"""Structured data: the page's ld+json objects and meta tags, its language, the names the
site calls itself, and the part of the page that holds the article."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator, Sequence
from typing import Any
from urllib.parse import urlsplit

from newswatch.extraction.words import tokens

ARTICLE_TYPES = frozenset(
    {
        "article",
        "newsarticle",
        "reportagenewsarticle",
        "analysisnewsarticle",
        "opinionnewsarticle",
        "backgroundnewsarticle",
        "reviewnewsarticle",
        "blogposting",
        "socialmediaposting",
        "liveblogposting",
        "scholarlyarticle",
        "techarticle",
        "report",
    }
)



def jsonld_types(obj: dict[str, Any]) -> set[str]:
    value = obj.get("@type", ())
    values = value if isinstance(value, list) else [value]
    return {str(v).lower() for v in values}


def _walk_jsonld(value: Any) -> Iterator[dict[str, Any]]:
    if isinstance(value, list):
        for item in value:
            yield from _walk_jsonld(item)
    elif isinstance(value, dict):
        yield value
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
            if key in value and isinstance(value[key], (list, dict)):
                yield from _walk_jsonld(value[key])


def jsonld_objects(tree: Any) -> list[dict[str, Any]]:
    objects: list[dict[str, Any]] = []
    for script in tree.xpath('//script[@type="application/ld+json"]'):
        raw = (script.text or "").strip()
        if not raw:
            continue
        try:
            data = json.loads(raw)
        except ValueError:
            try:  # common breakage: raw newlines or trailing commas
                data = json.loads(re.sub(r",\s*([}\]])", r"\1", raw.replace("\n", " ")))
            except ValueError:
                continue
        objects.extend(_walk_jsonld(data))
    return objects


def meta_tags(tree: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for node in tree.xpath("//meta[@content]"):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").lower()
        if key and key not in out:
            out[key] = node.get("content", "").strip()
    return out


def page_language(tree: Any, meta: dict[str, str]) -> str | None:
    raw = (
        tree.get("lang")
        or tree.xpath("string(//html/@lang)")
        or meta.get("og:locale")
        or (meta.get("content-language") or meta.get("language") or "")
    )
    match = re.match(r"^\s*([A-Za-z]{2,3})\b", raw)
    return match.group(1).lower() if match else None


def site_names_of(meta: dict[str, str], article: dict[str, Any], url: str | None) -> tuple[str, ...]:
    """What the site calls itself: og:site_name, application name, publisher, host name."""
    names: list[Any] = [meta.get("og:site_name"), meta.get("application-name")]
    names.append(meta.get("twitter:site", "").lstrip("@"))
    publisher = article.get("publisher")
    if isinstance(publisher, dict):
        names.append(publisher.get("name"))
    host = ((urlsplit(url).hostname or "") if url else "").removeprefix("www.")
    if host:
        names += [host, host.split(".")[0]]
    return tuple(dict.fromkeys(n.strip() for n in names if isinstance(n, str) and n.strip()))


def site_tokens(site_names: Sequence[str]) -> list[tuple[str, ...]]:
    return [t for t in (tuple(tokens(n)) for n in site_names) if t]


def is_site(text: str, sites: Sequence[tuple[str, ...]]) -> bool:
    """True when ``text`` names the site: the same words, the site's name with a word or
    two more ("BBC News" for "bbc"), or two or more words of the site's name."""
    words = tuple(tokens(text))
    if not words:
        return False
    return any(
        words == site
        or (set(site) <= set(words) and len(words) <= len(site) + 2)
        or (len(words) >= 2 and set(words) <= set(site))
        for site in sites
    )


def article_scope(tree: Any) -> Any:
    """Where the article's byline and date box can be: the ``<article>`` or ``<main>``
    holding the headline (or the page's only ``<article>``), else the whole page. Searching
    that alone keeps menus and recirculation out and is several times cheaper on
    chrome-heavy pages."""
    for h1 in tree.iter("h1"):
        for ancestor in h1.iterancestors("article", "main"):
            return ancestor
        break
    articles = tree.xpath("//article")
    return articles[0] if len(articles) == 1 else tree

