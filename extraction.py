"""Extraction: article text and metadata from one HTML page (pure; no I/O).

Order of trust: the page's structured data (ld+json ``NewsArticle``) and ``article:`` /
``og:`` meta first, then trafilatura (precision mode, comments off), then what the feed or
sitemap said. The text never keeps page chrome lines (skip links, share bars, size
pickers, "read more" promos).
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import trafilatura
from lxml import etree
from trafilatura.meta import reset_caches as _reset_trafilatura_caches
from trafilatura.utils import load_html

from discovery import parse_date
from records import Candidate, Extraction
from urls import BadURL, canonicalize

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
DATE_META = (
    "article:published_time",
    "og:article:published_time",
    "datepublished",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "pubdate",
    "publishdate",
    "publish-date",
    "date",
)
# Whole lines that are page furniture, never article text (case-insensitive, full match).
CHROME_LINES = re.compile(
    r"""^(?:
        accessibility\ links | skip\ to\ (?:main\ )?(?:content|navigation|main\ menu|more\ \S+\ sites)
      | (?:xs|sm|md|lg|xl) | breaking\ news | related\ content | related\ (?:articles|stories)
      | advertisement | share(?:\ this(?:\ article|\ story)?)? | print | email | comments?
      | (?:read|see)\ (?:more|also) | most\ (?:read|popular|viewed) | follow\ us(?:\ on\ .{1,30})?
      | click\ here\ to\ read\ more\ from\ .{1,60} | sign\ up\ (?:for|to)\ .{1,80}
      | (?:facebook|twitter|x|telegram|whatsapp|linkedin|reddit|copy\ link)
      | \d+x\d+\ image | to\ find\ out\ more,\ click\ here\.?
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
_FUTURE_TOLERANCE = timedelta(days=1)


@dataclass(frozen=True, slots=True)
class PageMeta:
    """Metadata read from the page's markup before trafilatura touches it."""

    headline: str | None = None
    published: datetime | None = None
    published_source: str | None = None
    modified: datetime | None = None
    authors: tuple[str, ...] = ()
    body: str | None = None  # ld+json articleBody, a fallback only
    language: str | None = None
    canonical: str | None = None
    description: str | None = None


def _types(obj: dict[str, Any]) -> set[str]:
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


def _jsonld_objects(tree: Any) -> list[dict[str, Any]]:
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


def _names(value: Any) -> list[str]:
    """Person names from a schema.org author value (string, Person, list of either)."""
    items = value if isinstance(value, list) else [value]
    names: list[str] = []
    for item in items:
        if isinstance(item, str):
            names.extend(n for n in re.split(r"\s*(?:,|;|\band\b|&)\s*", item) if n)
        elif isinstance(item, dict) and "organization" not in _types(item):
            name = item.get("name")
            if isinstance(name, str):
                names.append(name)
    return [clean_author(n) for n in names if clean_author(n)]


def clean_author(name: str) -> str:
    name = " ".join(name.split())
    name = re.sub(r"^(?:by|von|от|автор:?)\s+", "", name, flags=re.IGNORECASE)
    return name.strip(" ,;|")


def _meta(tree: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for node in tree.xpath("//meta[@content]"):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").lower()
        if key and key not in out:
            out[key] = node.get("content", "").strip()
    return out


def _sane(value: datetime | None, now: datetime) -> datetime | None:
    """Drop dates in the future (beyond a day of clock skew) and before 1990."""
    if value is None or value > now + _FUTURE_TOLERANCE or value.year < 1990:
        return None
    return value


def _language(tree: Any, meta: dict[str, str]) -> str | None:
    raw = (
        tree.get("lang")
        or tree.xpath("string(//html/@lang)")
        or meta.get("og:locale")
        or (meta.get("content-language") or meta.get("language") or "")
    )
    match = re.match(r"^\s*([A-Za-z]{2,3})\b", raw)
    return match.group(1).lower() if match else None


def page_meta(tree: Any, url: str | None = None, now: datetime | None = None) -> PageMeta:
    """Structured data and meta tags of a parsed page."""
    now = now or datetime.now(UTC)
    meta = _meta(tree)
    article = next((o for o in _jsonld_objects(tree) if _types(o) & ARTICLE_TYPES), {})
    published, source = _sane(parse_date(article.get("datePublished")), now), "ld+json"
    if published is None:
        source = "meta"
        published = next((d for d in (_sane(parse_date(meta.get(k)), now) for k in DATE_META) if d), None)
    if published is None:
        time_el = tree.xpath("string((//article//time[@datetime] | //time[@pubdate])[1]/@datetime)")
        published, source = _sane(parse_date(time_el), now), "page"
    headline = article.get("headline") or article.get("name")
    authors = _names(article.get("author")) if article else []
    if not authors and meta.get("author") and not meta["author"].startswith("http"):
        authors = _names(meta["author"])
    canonical = tree.xpath("string(//link[@rel='canonical']/@href)") or meta.get("og:url")
    try:
        canonical = canonicalize(canonical, url) if canonical else None
    except BadURL:
        canonical = None
    body = article.get("articleBody")
    return PageMeta(
        headline=" ".join(headline.split()) if isinstance(headline, str) else None,
        published=published,
        published_source=source if published else None,
        modified=_sane(parse_date(article.get("dateModified") or meta.get("article:modified_time")), now),
        authors=tuple(dict.fromkeys(authors)),
        body=body.strip() if isinstance(body, str) and body.strip() else None,
        language=_language(tree, meta),
        canonical=canonical,
        description=meta.get("og:description") or meta.get("description") or None,
    )


# Agency credit lines closing wire-based stories: "ac/sms (Reuters, AFP)", "dpa/afp".
_CREDIT_LINE = re.compile(r"^\w{1,5}(?:/\w{1,5})+(?:\s*\([^)]{1,60}\))?$")


def strip_chrome(text: str) -> str:
    """Drop whole lines that are page furniture (and a closing agency credit line)."""
    kept = [line for line in text.splitlines() if not CHROME_LINES.match(line.strip(" \t•·|-–"))]
    while kept and (not kept[-1].strip() or _CREDIT_LINE.match(kept[-1].strip())):
        kept.pop()
    return re.sub(r"\n{3,}", "\n\n", "\n".join(kept)).strip()


def _norm(text: str) -> str:
    return " ".join(text.split())


def standfirst(tree: Any) -> str | None:
    """The lead paragraph an article keeps in its own header (a standfirst or teaser),
    which boilerplate removal drops with the header."""
    for node in tree.xpath(
        "//article//header//p | //header[.//h1]//p[contains(@class,'summary') or "
        "contains(@class,'standfirst') or contains(@class,'teaser') or "
        "contains(@class,'lead')]"
    ):
        text = _norm(node.text_content())
        if len(text) >= 60 and text[-1] in '.!?"”’»':
            return text
    return None


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
) -> Extraction:
    """Text and metadata of one article page; ``hint`` (what the feed said) fills gaps."""
    tree = parse_html(html)
    if tree is None:
        return Extraction(text="")
    meta = page_meta(tree, url, now)
    lead = standfirst(tree)
    doc: Any = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=True,
        include_comments=False,
        favor_precision=True,
        include_tables=False,
        deduplicate=False,
        # no guessing from free text: a rejected future date otherwise comes back as Jan 1st
        date_extraction_params={"extensive_search": False, "original_date": True},
    )
    text = strip_chrome(getattr(doc, "text", None) or "") if doc is not None else ""
    if not text and meta.body:
        text = strip_chrome(meta.body)
    if text and lead and lead not in _norm(text[: len(lead) * 3]):
        text = f"{lead}\n{text}"
    title = meta.headline or (getattr(doc, "title", None) if doc is not None else None)
    if not title and hint is not None:
        title = hint.title
    if title and text:
        first, _, rest = text.partition("\n")
        if _norm(first).casefold() == _norm(title).casefold():
            text = rest.lstrip()  # the headline is the title, not the body
    authors = meta.authors
    doc_author = getattr(doc, "author", None)
    if not authors and doc_author:
        authors = tuple(dict.fromkeys(_names(doc_author.split(";"))))
    published, published_source = meta.published, meta.published_source
    doc_date = getattr(doc, "date", None)
    if published is None and doc_date:
        published, published_source = _sane(parse_date(doc_date), now or datetime.now(UTC)), "page"
    if published is None and hint is not None and hint.date is not None:
        published, published_source = hint.date, "feed"
    return Extraction(
        text=text,
        title=" ".join(title.split()) if title else None,
        authors=authors,
        published=published,
        published_source=published_source if published else None,
        language=meta.language or (hint.language if hint else None) or language,
        description=meta.description or (hint.summary if hint else None),
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
