"""Extraction: article text and metadata from one HTML page (pure; no I/O).

Order of trust: the page's structured data (ld+json ``NewsArticle``) and ``article:`` /
``og:`` meta first, then the visible page (its ``<h1>``, ``<time>``, byline), then
trafilatura and htmldate, then what the feed or sitemap said. Page chrome (navigation,
share bars, "most read" boxes, promos, embedded posts, author bios) is removed twice: as
markup before the text is taken, and as whole lines after. An outlet may name its article
body (``body_selector``) and more chrome (``drop_selectors``) in the outlets file; they are
passed in as arguments, so this module reads no file.
"""

from __future__ import annotations

import html as htmllib
import itertools
import json
import logging
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any
from urllib.parse import urlsplit

import trafilatura
from cssselect import HTMLTranslator, SelectorError
from htmldate import find_date
from lxml import etree
from trafilatura.meta import reset_caches as _reset_trafilatura_caches
from trafilatura.metadata import extract_author
from trafilatura.utils import load_html

from newswatch.clock import parse_date
from newswatch.records import Candidate, Extraction
from newswatch.urls import BadURL, canonicalize

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
    "article:publicationdate",
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
MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "lastmod")
AUTHOR_META = ("author", "article:author", "parsely-author", "sailthru.author", "dc.creator", "byl")
_FUTURE_TOLERANCE = timedelta(days=1)

# --- chrome in the text: whole lines ---------------------------------------------------------

# Lines that are page furniture, never article text (case-insensitive, full match).
CHROME_LINES = re.compile(
    r"""^(?:
        accessibility\ links | skip\ to\ (?:main\ )?(?:content|navigation|main\ menu|more\ \S+\ sites)
      | (?:xs|sm|md|lg|xl) | breaking\ news | related\ content | related\ (?:articles|stories|coverage|topics)
      | advertisement | share(?:\ this(?:\ article|\ story)?)? | print | email | comments?
      | (?:read|see)\ (?:more|also)\ *:? | most\ (?:read|popular|viewed)(?:\ in\ .{1,30})?
      | follow\ us(?:\ on\ .{1,30})?
      | recommended(?:\ for\ you)? | popular | trending(?:\ now)? | you\ may\ also\ like
      | (?:more|latest)\ (?:from|on)\ .{1,40} | more\ must-reads\ from\ .{1,30}
      | click\ here\ to\ read\ more\ from\ .{1,60} | sign\ up\ (?:for|to)\ .{1,80}
      | (?:facebook|twitter|x|telegram|whatsapp|linkedin|reddit|copy\ link|link\ copied)
      | \d+x\d+\ image | to\ find\ out\ more,\ click\ here\.?
      | (?:photo|image|foto|фото|picture|credit)s?\ *:\ *.{1,80}
      | (?:senior\ |chief\ |staff\ )?(?:reporter|correspondent|writer|editor|columnist|contributor)
      | (?:\d{1,2}:)?\d{1,2}:\d{2} | \|?\ *updated:? | [_=*~]{3,}
      | listen(?:\ to\ (?:this\ )?article)?(?:\ \d+\ min)?
      | this\ (?:is\ a\ (?:breaking|developing)\ (?:news?\ )?story|story\ is\ (?:breaking|developing))
        \b.{0,80}
      | 分享(?:到|让更多人看到)?[:：]? | 评论 | 关注 | 打印 | 收藏 | 点赞 | 纠错
      | この(?:ニュース|記事)をシェア
      | \(end\) | [\w.+-]+@[\w-]+(?:\.[\w-]+)+ | loading\b.{0,30}(?:\.\.\.|…)
    )$""",
    re.IGNORECASE | re.VERBOSE,
)
# Lines that open with a promo label ("ALSO READ: …", "Read more: …", "WATCH | …") or ask
# the reader to do something (subscribe, install, join, follow).
PROMO_LINES = re.compile(
    r"""^(?:
        (?:also\ read|read\ (?:more|next|also)|see\ also|related|watch|listen|more\ on\ this(?:\ story)?
          |czytaj\ (?:więcej|też|także)|lesen\ sie\ (?:auch|mehr)|lire\ aussi|leer\ más
          |читайте\ (?:также|також)|дивіться\ також|смотрите\ также)\s*[:|–—]
      | (?:subscribe|sign\ up|join\ our|install\ the|download\ the|get\ the\ .{1,40}\ app|be\ the\ first\ to
          |want\ to\ bookmark|follow\ (?:us|the\ .{1,40})\ on|click\ here\ to|to\ continue\ reading
          |get\ (?:alerts|notified|breaking\ news\ alerts)
          |never\ miss|we\ want\ to\ hear\ (?:from\ you|what\ you\ think)
          |for\ more\ .{1,80},?\ visit\ \S+\.\w)\b
    )""",
    re.IGNORECASE | re.VERBOSE,
)
# A label line whose following lines are the headlines it promotes.
LABEL_LINE = re.compile(
    r"""^(?:read\ (?:more|next|also)|related(?:\ (?:articles|stories|coverage|content))?|see\ also|also\ read
      |more\ on\ this(?:\ story)?|czytaj\ (?:więcej|też|także)|lesen\ sie\ (?:auch|mehr)|lire\ aussi
      |читайте\ (?:также|також)|相关(?:新闻|阅读|报道|文章)|延伸阅读|関連(?:記事|ニュース)|관련\ ?기사
      |เรื่องที่เกี่ยวข้อง)\s*[:：]?$""",
    re.IGNORECASE | re.VERBOSE,
)
# Calls to support, subscribe or donate, and paywall notes (short lines only).
APPEAL_LINE = re.compile(
    r"""^(?:please\ )?(?:support\ (?:us|our\ (?:journalism|work|newsroom|reporting)|independent\ journalism)
        |donate\ (?:now|today|to\ us))\b
      | \bbecome\ (?:a|our)\ (?:member|patron|subscriber|supporter)\b
      | \bin\ your\ inbox\b | \bdelivered\ (?:to\ your\ inbox|every\ \w+day)\b
      | \b(?:for|to)\ subscribers\ only\b | réservée?\ aux\ abonnés | 会員限定""",
    re.IGNORECASE | re.VERBOSE,
)
# Headings of recirculation boxes ("More from …", "Popular", "Recommended").
RECIRCULATION_LINE = re.compile(
    r"""^(?:(?:more|latest)\ (?:from|on)\ .{1,40} | more\ must-reads\ from\ .{1,30} | popular(?:\ now)?
      | most\ (?:read|popular|viewed|shared) | recommended(?:\ for\ you)? | trending(?:\ now)?
      | you\ (?:may|might)\ also\ like | related\ (?:content|articles|stories|coverage|topics)
      | other\ news | more\ stories)\s*:?$""",
    re.IGNORECASE | re.VERBOSE,
)
# A line that is only a date, maybe with a weekday, a time and a zone ("Sunday 17 December
# 2023 17:23, UK", "Updated 12:40 PM EDT, October 21, 2026").
DATE_LINE = re.compile(
    r"""^(?:(?:updated|published|posted|last\ updated)\s*:?\s*)?
      (?:\d{1,2}[:.]\d{2}\s*(?:[ap]\.?m\.?)?\s*(?:[A-Z]{2,5})?,?\s+)?
      (?:(?:mon|tue|wed|thu|fri|sat|sun)[a-z]*\.?,?\s+)?
      (?:\d{1,2}\s+[a-z]{3,9}\.?|[a-z]{3,9}\.?\s+\d{1,2}(?:st|nd|rd|th)?,?)\s+\d{4}
      (?:,?\s+(?:at\s+)?\d{1,2}[:.]\d{2}(?:\s*[ap]\.?m\.?)?)?(?:,?\s+[A-Z]{2,5}(?:[+-]\d{1,2})?)?$""",
    re.IGNORECASE | re.VERBOSE,
)
# Copyright and rights notices (short lines only).
RIGHTS_LINE = re.compile(r"©|\(c\)\s*\d{4}|copyright\s+(?:©\s*)?\d{4}|all rights reserved", re.IGNORECASE)
# Embedded social-media attribution ("— Name (@handle) July 18, 2026") and post links.
EMBED_LINE = re.compile(r"^[—–-]\s*.{1,80}\(@\w{1,30}\)\s+\w+\.?\s+\d{1,2},\s+\d{4}$|pic\.twitter\.com/")
# A short line pointing to the outlet's social or payment accounts ("Facebook
# https://fb.me/outlet", "PayPal: paypal.me/outlet", "LINE ID = @outlet").
SOCIAL_LINE = re.compile(
    r"(?:https?://)?(?:www\.)?(?:facebook\.com|fb\.me|twitter\.com|x\.com|instagram\.com|t\.me|youtube\.com"
    r"|youtu\.be|tiktok\.com|paypal\.me|line\.me|vk\.com|threads\.net)/\S*\s*(?:\([^)]{0,60}\))?$"
    r"|^line\s+\S{0,10}\s*=?\s*@\w+$",
    re.IGNORECASE,
)
# Closing credits: "ac/sms (Reuters, AFP)", "dpa/afp", "Reporting by …; Editing by …",
# "Reuters contributed to this report.", "Contributing: …", print-edition notes.
CREDIT_LINE = re.compile(
    r"""^(?:\w{1,5}(?:/\w{1,5})+(?:\s*\([^)]{1,60}\))?
      | \(?(?:with\ )?(?:additional\ )?(?:reporting|writing|editing|compiled)\ by\ [^.]{1,200}\)?\.?
      | .{1,80}\ contributed\ to\ this\ (?:report|story|article)\b.{0,80}
      | contributing:\ .{1,300} | with\ (?:files|reports?)\ from\ .{1,120}
      | includes\ (?:information|reporting)\ from\ .{1,80} | our\ standards:\ .{1,80}
      | (?:redaktion|faktencheck|recherche|mitarbeit|edited\ by|editor|fact[-\ ]check(?:ed\ by)?)\s*:?
        \ (?:[A-ZÀ-Ý][\w.'’-]+\s?){1,4}(?:(?:,\ |\ (?:and|und|&)\ )(?:[A-ZÀ-Ý][\w.'’-]+\s?){1,4})*
      | [A-Z][\w'’-]+(?:(?:,\ |\ and\ )[A-Z][\w'’-]+)*\ reported\ from\ [A-Z].{1,300}
      | this\ article\ appeared\ in\ the\ .{1,80}\ print\ edition.*
      | (?:this\ (?:piece|article|story)\ (?:was\ )?)?(?:originally|first)\ (?:appeared|published)
        \ (?:(?:in|on|by)\ )?.{1,80})$""",
    re.IGNORECASE | re.VERBOSE,
)
_BYLINE_LINE = re.compile(r"^[Bb]y\s+(?:[A-Z][\w.'’-]*\s*){1,4}(?:(?:and|&)\s+(?:[A-Z][\w.'’-]*\s*){1,4})?$")
_EMAIL = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")

# --- chrome in the markup ---------------------------------------------------------------------

# Never article text, whatever the outlet: code, media players, embedded social posts.
_ALWAYS_DROP = (
    "//script | //style | //noscript | //template | //iframe | //svg | //button | //video | //audio"
    " | //object | //embed | //amp-lightbox"
    " | //blockquote[contains(@class, 'twitter-tweet') or contains(@class, 'instagram-media')"
    " or contains(@class, 'tiktok-embed') or contains(@class, 'reddit-embed')]"
)
# Not text inside a named article body (body_selector).
_CONTAINER_DROP = ".//nav | .//aside | .//figure | .//figcaption | .//header | .//footer | .//h1"
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
_BLOCK_TAGS = frozenset(
    {"p", "h2", "h3", "h4", "h5", "h6", "li", "blockquote", "pre", "dd", "dt", "div", "td"}
)
_CHROME_SHARE = 0.3  # a chrome-named block holding more of the page's paragraphs is kept
_WORD = re.compile(r"\w+")
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


@dataclass(frozen=True, slots=True)
class PageMeta:
    """Metadata read from the page's markup before anything is removed from it."""

    headline: str | None = None
    published: datetime | None = None
    published_source: str | None = None
    modified: datetime | None = None
    modified_source: str | None = None
    authors: tuple[str, ...] = ()
    body: str | None = None  # ld+json articleBody
    language: str | None = None
    canonical: str | None = None
    description: str | None = None
    site_names: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------------
# Structured data and meta tags


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


def _meta(tree: Any) -> dict[str, str]:
    out: dict[str, str] = {}
    for node in tree.xpath("//meta[@content]"):
        key = (node.get("property") or node.get("name") or node.get("itemprop") or "").lower()
        if key and key not in out:
            out[key] = node.get("content", "").strip()
    return out


def _text(value: Any) -> str | None:
    """One line of plain text: entities decoded, runs of whitespace collapsed (anything
    that looks like markup stays text)."""
    if not isinstance(value, str):
        return None
    return " ".join(htmllib.unescape(value).split()) or None


def _tokens(text: str) -> list[str]:
    return _WORD.findall(text.casefold())


def _norm(text: str) -> str:
    return " ".join(text.split())


MAX_TITLE_CHARS = 500  # longer is not a headline (a page's whole text in its <title>): clipped
#: in a title: control characters (an ld+json escape can hold ESC or NUL), bidi embeddings,
#: overrides and isolates, zero-width space, word joiner, BOM (they hide or reorder text)
_TITLE_JUNK = re.compile("[\x00-\x1f\x7f-\x9f\u200b\u2060\ufeff\u202a-\u202e\u2066-\u2069]")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def _valid(text: str) -> str:
    """Text that UTF-8, the archive and XML (the Atom feed) can all hold: a lone surrogate (an
    ld+json ``"\\ud800"`` escape) becomes U+FFFD, control characters other than tab and line
    breaks (an escaped NUL or ESC) are dropped."""
    if _SURROGATE.search(text):
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return _NOT_XML.sub("", text)


def clean_title(title: str) -> str:
    """A headline on one line, without control or invisible characters, at most
    ``MAX_TITLE_CHARS`` long."""
    title = _norm(_valid(_TITLE_JUNK.sub(lambda m: " " if m.group() < "\x80" else "", title)))
    return title if len(title) <= MAX_TITLE_CHARS else title[: MAX_TITLE_CHARS - 1].rstrip() + "…"


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


def _site_names(meta: dict[str, str], article: dict[str, Any], url: str | None) -> tuple[str, ...]:
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


def _site_tokens(site_names: Sequence[str]) -> list[tuple[str, ...]]:
    return [t for t in (tuple(_tokens(n)) for n in site_names) if t]


def _is_site(text: str, sites: Sequence[tuple[str, ...]]) -> bool:
    """True when ``text`` names the site: the same words, the site's name with a word or
    two more ("BBC News" for "bbc"), or two or more words of the site's name."""
    words = tuple(_tokens(text))
    if not words:
        return False
    return any(
        words == site
        or (set(site) <= set(words) and len(words) <= len(site) + 2)
        or (len(words) >= 2 and set(words) <= set(site))
        for site in sites
    )


# --------------------------------------------------------------------------------------------
# Title

# Separators between a headline and a site name or section: " | ", " - ", " – ", " » ", " :: ".
_TITLE_SEP = re.compile(r"\s+(?:[|»–—~·•]|-{1,2}|::)\s+|\s*\|\s*")
_SEP_START = re.compile(r"^\s*(?:[|»–—~·•:]|-{1,2})")
_SECTION_LABEL = re.compile(r"^([^|:]{1,25})\s+\|\s+(?=\S)")


def strip_site_name(title: str, site_names: Sequence[str]) -> str:
    """A title without leading or trailing separator segments that name the site
    ("Headline | Reuters", "Headline - BBC News", "PolitiFact | Headline")."""
    sites = _site_tokens(site_names)
    parts = _TITLE_SEP.split(title)
    if len(parts) < 2 or not sites:
        return title
    start, end = 0, len(parts)
    while end - start > 1 and _is_site(parts[end - 1], sites):
        end -= 1
    while end - start > 1 and _is_site(parts[start], sites):
        start += 1
    if (start, end) == (0, len(parts)) or not parts[start] or not parts[end - 1]:
        return title
    begin = title.find(parts[start])
    return title[begin : title.rfind(parts[end - 1]) + len(parts[end - 1])].strip()


def strip_label(title: str) -> str:
    """ "Opinion | Headline" → "Headline": a one- or two-word section label before a bar."""
    match = _SECTION_LABEL.match(title)
    if match and len(_tokens(match.group(1))) <= 2 and len(_tokens(title[match.end() :])) >= 4:
        return title[match.end() :]
    return title


def _headings(tree: Any, site_names: Sequence[str]) -> list[str]:
    """Visible ``<h1>`` texts, those inside the article first; logos and site names left out."""
    sites = _site_tokens(site_names)
    found: list[str] = []
    for node in tree.xpath("//article//h1 | //main//h1") + tree.xpath("//h1"):
        text = _text(node.text_content())
        if not text or text in found or len(text) < 8 or "logo" in text.casefold():
            continue
        if tuple(_tokens(text)) not in sites:
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
        text = _text(value)
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
        h = _tokens(heading)
        for title in structured:
            t = _tokens(title)
            if heading != title and _plain_quotes(heading) == _plain_quotes(title):
                return heading  # the page's own typography: tags often flatten ’ and — to ' and -
            if h == t or (len(t) >= 3 and h[-len(t) :] == t) or (len(h) >= 3 and t[-len(h) :] == h):
                return title
            if title.startswith(heading) and _SEP_START.match(title[len(heading) :]):
                return heading  # the structured title adds a site or section after a separator
            if len(h) >= 3 and any(_tokens(part)[-len(h) :] == h for part in _TITLE_SEP.split(title)[:-1]):
                return heading  # "LIVE: Heading | Section – Site": a segment of it is the heading
    if structured:
        return structured[0]
    return headings[0] if headings else None


# --------------------------------------------------------------------------------------------
# Dates


_MONTHS = {
    m: i
    for i, names in enumerate(
        (
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for m in names
}
_MONTH = r"(?P<month>[A-Za-z]{3,9})\.?"
_SHOWN_DAY = (
    re.compile(_MONTH + r"\s+(?P<day>\d{1,2}),?\s+(?P<year>\d{4})"),  # December 26, 2023
    re.compile(r"(?P<day>\d{1,2})\.?\s+" + _MONTH + r",?\s+(?P<year>\d{4})"),  # 26 December 2023
    re.compile(r"(?P<day>\d{1,2})\.(?P<mon>\d{1,2})\.(?P<year>\d{4})"),  # 26.12.2023
    re.compile(r"(?P<year>\d{4})-(?P<mon>\d{2})-(?P<day>\d{2})"),  # 2023-12-26
)
_SHOWN_TIME = re.compile(r"(?<!\d)(?P<hour>\d{1,2})[:.](?P<minute>\d\d)(?!\d)\s*(?P<ampm>[ap]\.?m\.?)?", re.I)
_DATE_BOXES = (
    "//*[contains(@class, 'date') or contains(@id, 'date') or contains(@class, 'publish')"
    " or contains(@id, 'publish') or contains(@class, 'byline') or contains(@class, 'timestamp')]"
)


def shown_datetime(text: str) -> datetime | None:
    """A day and a clock time as a page shows them to readers ("December 26, 2023 -
    9:03AM", "26.12.2023 09:03"), naive; None without both."""
    for pattern in _SHOWN_DAY:
        found = pattern.search(text)
        if found is None:
            continue
        parts = found.groupdict()
        month = int(parts["mon"]) if parts.get("mon") else _MONTHS.get(parts["month"].casefold())
        clock = _SHOWN_TIME.search(text[found.end() :]) or _SHOWN_TIME.search(text[: found.start()])
        if month is None or clock is None:
            return None
        hour, minute = int(clock["hour"]), int(clock["minute"])
        if clock["ampm"]:
            if hour > 12:
                return None
            hour = hour % 12 + (12 if clock["ampm"][0].casefold() == "p" else 0)
        try:
            return datetime(int(parts["year"]), month, int(parts["day"]), hour, minute)
        except ValueError:
            return None
    return None


def _zone(delta: timedelta) -> timezone | None:
    """The zone ``delta`` ahead of UTC when it is a real, non-zero one (at most 14 hours,
    in quarter hours)."""
    if delta and abs(delta) <= timedelta(hours=14) and delta % timedelta(minutes=15) == timedelta(0):
        return timezone(delta)
    return None


def _local_time(chosen: datetime, tree: Any, scope: Any) -> datetime:
    """The same instant in the page's own time zone when the page shows it: a ``<time>``
    element with an offset or as naive local time, or the visible text of a date box in the
    article (``scope``): "December 26, 2023 - 9:03AM". Its local day is the day a reader sees."""
    base = chosen.astimezone(UTC).replace(tzinfo=None)
    for raw in tree.xpath("//time/@datetime")[:20]:
        other = parse_date(raw)
        if other is None:
            continue
        if not re.search(r"\d:\d\d", raw):
            continue  # a day alone says nothing about the zone
        if not re.search(r"(?:[+-]\d\d:?\d\d|Z)\s*$", raw.strip(), re.IGNORECASE):
            if (zone := _zone(other.replace(tzinfo=None) - base)) is not None:
                return chosen.astimezone(zone)
        elif other == chosen and other.utcoffset() != chosen.utcoffset():
            return other
    if chosen.utcoffset():
        return chosen  # the structured date already carries the page's zone
    for node in scope.xpath("." + _DATE_BOXES)[:30]:
        text = node.text_content()
        if len(text) > 120 or (shown := shown_datetime(text)) is None:
            continue
        if (zone := _zone(shown - base.replace(second=0, microsecond=0))) is not None:
            return chosen.astimezone(zone)
    return chosen


_TITLE_DATE = re.compile(r"(?:^|[|–—-]\s*)(?:(\d{1,2})\.(\d{1,2})\.(\d{4})|(\d{4})-(\d{2})-(\d{2}))\s*$")


def _title_date(tree: Any, meta: dict[str, str], now: datetime) -> datetime | None:
    """A date the page's title ends with after a separator ("… | DW | 28.04.2023")."""
    for value in (meta.get("og:title"), tree.findtext(".//title")):
        found = _TITLE_DATE.search(value or "")
        if found is None:
            continue
        day, month, year = found.group(1, 2, 3) if found.group(1) else reversed(found.group(4, 5, 6))
        try:
            return _sane(datetime(int(year), int(month), int(day), tzinfo=UTC), now)
        except ValueError:
            continue
    return None


def _page_date(tree: Any, now: datetime) -> datetime | None:
    """An itemprop datePublished, else the article's ``<time>``, else the page's first."""
    values = tree.xpath(
        "(//*[@itemprop='datePublished']/@content | //*[@itemprop='datePublished']/@datetime"
        " | //article//time[@datetime]/@datetime | //time[@pubdate]/@datetime)[1]"
    ) or tree.xpath("(//time[@datetime]/@datetime)[1]")
    return _sane(parse_date(values[0]), now) if values else None


def _guessed_date(tree: Any, url: str | None, now: datetime) -> datetime | None:
    """htmldate's reading of the markup and the URL, never of free text (a rejected
    future date would otherwise come back as January 1st)."""
    try:
        found = find_date(
            tree,
            extensive_search=False,
            original_date=True,
            outputformat="%Y-%m-%dT%H:%M:%S%z",
            url=url,
            max_date=(now + _FUTURE_TOLERANCE).strftime("%Y-%m-%d"),
        )
    except (ValueError, TypeError):
        return None
    return _sane(parse_date(found), now) if found else None


def _dates(
    tree: Any, scope: Any, meta: dict[str, str], article: dict[str, Any], url: str | None, now: datetime
) -> tuple[tuple[datetime | None, str | None], tuple[datetime | None, str | None]]:
    """((published, source), (modified, source)). A modification date never stands in
    for the publication date here; ``extract`` uses it only when nothing else is known."""
    modified: tuple[datetime | None, str | None] = (None, None)
    in_meta = next((d for k in MODIFIED_META if (d := _sane(parse_date(meta.get(k)), now))), None)
    if (found := _sane(parse_date(article.get("dateModified")), now)) is not None:
        modified = (found, "ld+json")
    elif in_meta is not None:
        modified = (in_meta, "meta")

    def guessed() -> datetime | None:  # htmldate falls back on update dates: not those
        found = _guessed_date(tree, url, now)
        return None if found and modified[0] and found.date() == modified[0].date() else found

    candidates: list[tuple[Callable[[], datetime | None], str]] = [
        (lambda: _sane(parse_date(article.get("datePublished")), now), "ld+json"),
        (lambda: next((d for k in DATE_META if (d := _sane(parse_date(meta.get(k)), now))), None), "meta"),
        (lambda: _page_date(tree, now), "page"),
        (lambda: _title_date(tree, meta, now), "page"),
        (guessed, "page"),
    ]
    published: tuple[datetime | None, str | None] = (None, None)
    for find, source in candidates:
        if (found := find()) is not None:
            published = (_local_time(found, tree, scope), source)
            break
    return published, modified


# --------------------------------------------------------------------------------------------
# Authors

_AUTHOR_SPLIT = re.compile(r"\s*(?:,|;|\||/|\s&\s|\band\b|\bund\b|\bet\b|\bи\b|\bі\b|\by\b)\s*")
_BY = re.compile(r"^(?:(?:written|posted|reported|words|text)\s+)?(?:by|von|par|por|от|автор:?|від)\s+", re.I)
_DEGREE = re.compile(r"(?:ph\.?\s?d|m\.?d|mba|jr|sr)\.?", re.I)
_ORG_WORDS = frozenset(
    {
        "news",
        "press",
        "agency",
        "agencies",
        "agence",
        "staff",
        "desk",
        "team",
        "editors",
        "editorial",
        "media",
        "times",
        "post",
        "journal",
        "tribune",
        "herald",
        "gazette",
        "telegraph",
        "network",
        "radio",
        "tv",
        "television",
        "channel",
        "service",
        "bureau",
        "wire",
        "online",
        "today",
        "daily",
        "newsroom",
        "foundation",
        "institute",
        "university",
        "reuters",
        "afp",
        "dpa",
        "ap",
        "bbc",
        "cnn",
    }
)
_JOB_WORDS = frozenset(
    {
        "reporter",
        "reporters",
        "correspondent",
        "editor",
        "writer",
        "columnist",
        "contributor",
        "contributors",
        "producer",
        "professor",
        "analyst",
        "journalist",
        "photographer",
        "author",
        "senior",
        "chief",
        "deputy",
    }
)
_CREDIT_WORDS = frozenset({"red", "redaktion", "agenturen", "agencies", "wires"})
_UI_WORDS = frozenset(
    {"link", "copied", "share", "follow", "email", "twitter", "facebook", "profile", "view", "more", "posts"}
)


def clean_author(name: str) -> str:
    """One byline piece without "By", e-mail, handle, URL, bracketed note, a title after a
    dash ("Jane Doe - Senior Editor"), a place ("Jane Doe in Kyiv") or UI labels."""
    name = _EMAIL.sub(" ", name)
    name = re.sub(r"https?://\S+|@\w+|\([^)]*\)", " ", name)
    name = re.sub(r"\s+[-–—]\s+.*$", "", name)
    name = re.sub(r"\s+in\s+[A-Z][\w'’-]+(?:\s+[A-Z][\w'’-]+)?$", "", _BY.sub("", _norm(name)))
    words = name.split()
    while words and words[-1].casefold() in _UI_WORDS:
        words.pop()
    while words and words[0].casefold() in _UI_WORDS:
        words.pop(0)
    return " ".join(words).strip(" ,;:|.-")


def _kind(name: str, sites: Sequence[tuple[str, ...]]) -> str:
    """``person``, ``org`` (the outlet or another organisation) or ``junk``."""
    words = _tokens(name)
    if words and _is_site(name, sites):
        return "org"  # the outlet, perhaps by its domain ("ORF.at")
    if not words or not re.search(r"[^\W\d_]", name) or re.search(r"\w\.[a-z]{2,4}\b", name.casefold()):
        return "junk"  # no letters, or a domain name
    if len(words) == 1 and words[0] in _CREDIT_WORDS:
        return "junk"  # "red" (the newsroom), "Agenturen": a credit that names no one
    if set(words) & _JOB_WORDS or len(words) > 5 or _DEGREE.fullmatch(name):
        return "junk"  # a job title or description, a degree
    if set(words) & _ORG_WORDS:
        return "org"
    return "person"


_SITE_NOTE = re.compile(r"\((?:https?://)?(?:www\.)?[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}/?\)", re.I)


def split_authors(raw: Iterable[str], site_names: Sequence[str] = ()) -> tuple[list[str], list[str]]:
    """(people, organisations) named by byline strings, each once, in order: "A, B and C"
    split, "By" and the rest of ``clean_author``'s debris removed."""
    sites = _site_tokens(site_names)
    people: dict[str, str] = {}
    orgs: dict[str, str] = {}
    for value in raw:
        text = _text(value)
        for piece in _AUTHOR_SPLIT.split(_BY.sub("", text)) if text else ():
            name = clean_author(piece)
            kind = _kind(name, sites)
            if kind == "person" and _SITE_NOTE.search(piece):
                kind = "org"  # "Deutsche Welle (www.dw.com)": a publisher naming its site
            if kind != "junk":
                (people if kind == "person" else orgs).setdefault(name.casefold(), name)
    return list(people.values()), list(orgs.values())


def clean_authors(raw: Iterable[str], site_names: Sequence[str] = ()) -> tuple[str, ...]:
    """The authors named by byline strings: the people, or without any, the organisations
    (the outlet, a wire agency)."""
    people, orgs = split_authors(raw, site_names)
    return tuple(people or orgs)


def _jsonld_authors(value: Any) -> tuple[list[str], list[str]]:
    """(names, organisation names) of a schema.org author value: a string, a Person or an
    Organization (whose name may itself be a list), or a list of them."""
    names: list[str] = []
    orgs: list[str] = []
    for item in value if isinstance(value, list) else [value]:
        if isinstance(item, str):
            names.append(item)
        elif isinstance(item, dict):
            raw = item.get("name")
            found = [raw] if isinstance(raw, str) else raw if isinstance(raw, list) else []
            target = orgs if "organization" in _types(item) else names
            target.extend(n for n in found if isinstance(n, str))
    return names, orgs


def _article_scope(tree: Any) -> Any:
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


def _byline(scope: Any) -> list[str]:
    """The visible byline, as trafilatura finds it."""
    try:
        found = extract_author(scope)
    except (ValueError, TypeError, etree.XPathError):
        return []
    return [found] if found else []


def _microdata_authors(scope: Any) -> list[str]:
    """Every schema.org microdata author of the article (``itemprop="author"``): its
    ``itemprop="name"``, else its ``content``, else its text."""
    out: list[str] = []
    for node in scope.xpath(".//*[@itemprop='author']")[:10]:
        names = node.xpath(".//*[@itemprop='name']")
        value = (names[0].get("content") or names[0].text_content()) if names else None
        value = value or node.get("content") or node.text_content()
        if value and len(value) <= 200:
            out.append(value)
    return out


_LABEL = (
    r"(?:by|von|par|por|от|від|written by|authors?|autor(?:in|en|innen)?(?:/autor)?|autorin/autor"
    r"|auteurs?|автор[иы]?)"
)
_LABEL_NODE = re.compile(rf"^\s*{_LABEL}\s*(?::|—|–)?\s*(?:$|(?<=:)\s*\S|(?<=\s)\S)", re.I)
_LABEL_TEXT = re.compile(rf"^\s*{_LABEL}\s*(?::|—|–)?\s*", re.I)
_REGEX_NS = {"re": "http://exslt.org/regular-expressions"}


def _labelled_byline(scope: Any) -> list[str]:
    """A byline the page labels ("Von: Bill McCarthy, Marisha Goldhamer", "<strong>Autorin/
    Autor</strong> Roman Goncharenko", "By — <a>…</a>"): the text after the label in the
    label's element (or, for a label alone, in its parent), names only (capitalised, two to
    four words)."""
    nodes = scope.xpath(
        f".//text()[re:test(., '{_LABEL_NODE.pattern}', 'i')][string-length(normalize-space(..)) <= 200]/..",
        namespaces=_REGEX_NS,
    )
    for node in nodes[:20]:
        if node.tag in ("script", "style", "a") or not _LABEL_NODE.match(node.text or ""):
            continue
        if next(node.iterancestors("a"), None) is not None:
            continue  # a teaser for another story ("Von Ines Zöttl" under its headline)
        text = _norm(node.text_content())
        if not _LABEL_TEXT.sub("", text):  # the label alone: the names follow it in the parent
            parent = node.getparent()
            text = _norm(parent.text_content()) if parent is not None else ""
            if len(text) > 200:
                continue
            text = text[text.find(_norm(node.text or "")) :]
        names = [n for n in _AUTHOR_SPLIT.split(_LABEL_TEXT.sub("", text)) if _name_like(clean_author(n))]
        if names:
            return names
    return []


_PARTICLES = frozenset(
    {"van", "von", "der", "de", "da", "del", "di", "la", "le", "bin", "al", "el", "du", "ten"}
)


# Words of a Title Case subhead ("What Comes Next", "The Road Ahead"), never of a name.
_NOT_NAME_WORDS = frozenset(
    _WORD.findall(
        "the a an of in on at for to with what why how who when where is are was next new more read about"
        " after before from our your this that these those update updates live watch video photos key points"
        " background analysis explainer timeline road ahead comes"
    )
)


def _name_like(name: str) -> bool:
    """Two to four words, each capitalised (in scripts with case) or a name particle, none
    a word of a subhead."""
    words = name.split()
    if not 2 <= len(words) <= 4 or any(not w[0].isalpha() for w in words):
        return False
    if any(w.casefold() in _NOT_NAME_WORDS for w in words):
        return False
    return all(not w[0].islower() or w in _PARTICLES for w in words) and not words[0][0].islower()


def _bold_byline(scope: Any) -> list[str]:
    """A byline set as a bold paragraph of its own among the first three or the last two
    paragraphs of the article ("<p><strong>Jane Doe/John Roe</strong></p>")."""
    parents = Counter(p.getparent() for p in scope.iter("p") if len(p.text_content()) > 80)
    if not parents:
        return []
    body = parents.most_common(1)[0][0]
    paragraphs = [p for p in body if p.tag == "p" and p.text_content().strip()]
    for p in paragraphs[:3] + paragraphs[-2:]:
        text = _norm(p.text_content())
        bold = _norm(" ".join(b.text_content() for b in p.iter("strong", "b")))
        if not text or bold != text or len(text) > 80:
            continue
        names = [clean_author(n) for n in _AUTHOR_SPLIT.split(text)]
        if names and all(_name_like(n) for n in names):
            return names
    return []


def _authors(
    scope: Any, meta: dict[str, str], article: dict[str, Any], site_names: Sequence[str]
) -> tuple[str, ...]:
    """People named by the structured data, else by meta tags, else by the visible byline;
    without any person, the organisation credited (the outlet, a wire agency)."""
    structured, credited = _jsonld_authors(article.get("author"))
    sources: tuple[Callable[[], list[str]], ...] = (
        lambda: structured,
        lambda: [meta[k] for k in AUTHOR_META if meta.get(k) and not meta[k].startswith("http")],
        lambda: _microdata_authors(scope),
        lambda: _byline(scope),
        lambda: _labelled_byline(scope),
        lambda: _bold_byline(scope),
    )
    fallback = [name for group in split_authors(credited, site_names) for name in group]
    for source in sources:
        people, orgs = split_authors(source(), site_names)
        if people:
            return tuple(people)
        fallback = fallback or orgs
    return tuple(fallback)


# --------------------------------------------------------------------------------------------
# Page metadata


def page_meta(tree: Any, url: str | None = None, now: datetime | None = None) -> PageMeta:
    """Structured data, meta tags and the visible headline, date and byline of a parsed page."""
    now = now or datetime.now(UTC)
    meta = _meta(tree)
    article = next((o for o in _jsonld_objects(tree) if _types(o) & ARTICLE_TYPES), {})
    site_names = _site_names(meta, article, url)
    scope = _article_scope(tree)
    (published, source), (modified, modified_source) = _dates(tree, scope, meta, article, url, now)
    canonical = tree.xpath("string(//link[@rel='canonical']/@href)") or meta.get("og:url")
    try:
        canonical = canonicalize(canonical, url) if canonical else None
    except BadURL:
        canonical = None
    body = article.get("articleBody")
    headline = choose_title(_structured_titles(tree, meta, article, site_names), _headings(tree, site_names))
    return PageMeta(
        headline=headline,
        published=published,
        published_source=source,
        modified=modified,
        modified_source=modified_source,
        authors=_authors(scope, meta, article, site_names),
        body=body.strip() if isinstance(body, str) and body.strip() else None,
        language=_language(tree, meta),
        canonical=canonical,
        description=_text(meta.get("og:description") or meta.get("description")),
        site_names=site_names,
    )


# --------------------------------------------------------------------------------------------
# Chrome in the markup


def _remove(node: Any) -> None:
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
    """True when the element's class or id names chrome ("share-bar", "mostRead", "author-bio")."""
    names = f"{node.get('class') or ''} {node.get('id') or ''}"
    if names == " ":
        return False
    words = [w.lower() for w in _CLASS_WORD.findall(names)]
    return any(w in _CHROME_WORDS for w in words) or any(
        pair in _CHROME_PAIRS for pair in itertools.pairwise(words)
    )


def _link_share(node: Any) -> float:
    """The share of a block's text that is link text."""
    text = "".join(node.itertext()).strip()
    links = sum(len("".join(a.itertext()).strip()) for a in node.iter("a"))
    return links / len(text) if text else 0.0


def _link_only(node: Any) -> bool:
    """A block whose text is (almost) all links."""
    return _link_share(node) >= 0.9


def _link_promo(node: Any) -> bool:
    """A paragraph that is nothing but a link in capitals: a headline promoting another story."""
    text = "".join(node.itertext()).strip()
    return sum(c.isalpha() for c in text) >= 12 and text.upper() == text and _link_only(node)


def paragraph_mass(node: Any) -> int:
    """Characters in the long, link-poor paragraphs under ``node``: how much article-like
    text it holds."""
    mass = 0
    for p in node.iter("p"):
        text = "".join(p.itertext()).strip()
        if len(text) >= 80 and not _link_only(p):
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
    for heading in [
        h for h in tree.iter("h2", "h3", "h4") if _SOURCES_HEADING.match(_norm(h.text_content()))
    ]:
        box, inner = heading.getparent(), heading
        while box is not None and _norm(box.text_content()) == _norm(inner.text_content()):
            box, inner = box.getparent(), box
        if box is None or box.getparent() is None:
            continue
        if box.tag not in ("body", "article", "main"):
            _remove(box)
            continue
        for node in [inner, *inner.itersiblings()]:
            _remove(node)


def _drop_labelled_boxes(tree: Any, limit: float) -> None:
    """Remove recirculation boxes known by their heading ("You might also like", "Related
    stories", "Mehr zum Thema"): the heading's block, or when the heading sits in the
    article body itself, the heading and the link list after it."""
    for heading in [
        h for h in tree.iter("h1", "h2", "h3", "h4") if _recirculation_heading(_norm(h.text_content()))
    ]:
        box = heading.getparent()
        if box is None or box.getparent() is None:
            continue
        if box.tag not in ("body", "article", "main") and (
            paragraph_mass(box) <= limit or _link_share(box) >= 0.6
        ):
            _remove(box)
            continue
        following = heading.getnext()
        if following is not None and following.tag in ("ul", "ol", "div") and _link_only(following):
            _remove(following)
        _remove(heading)


_EMPTY_INLINE = " | ".join(
    f"//{tag}[string-length(string()) = 0 and not(.//br)]"
    for tag in ("strong", "em", "b", "i", "u", "q", "span", "small", "font", "mark", "sup", "sub")
)


def _drop_empty_inline(tree: Any) -> None:
    """Remove inline elements without text (``<strong></strong>``, ``<span><img></span>``),
    keeping the text after them: trafilatura's precision mode drops the rest of a paragraph
    after one."""
    for node in tree.xpath(_EMPTY_INLINE):
        _remove(node)


def prune_chrome(tree: Any, drop_selectors: Sequence[str] = ()) -> Any:
    """Remove page chrome from the markup: the outlet's ``drop_selectors``; code, media
    players and embedded social posts; headline links in capitals; and blocks whose class
    or id names chrome (share, related, promo, newsletter, most read, author bio…) unless
    they hold much of the page's paragraph text. Returns the same (changed) tree."""
    for selector in drop_selectors:
        for node in tree.xpath(css_xpath(selector)):
            _remove(node)
    for node in tree.xpath(_ALWAYS_DROP):
        _remove(node)
    for node in [n for n in tree.iter("p", "h2", "h3", "h4") if _link_promo(n)]:
        _remove(node)
    limit = _CHROME_SHARE * paragraph_mass(tree)
    _drop_labelled_boxes(tree, limit)
    _drop_source_lists(tree)
    _drop_empty_inline(tree)
    stack = [tree]
    while stack:
        for child in list(stack.pop()):
            if not isinstance(child.tag, str):
                continue
            named = child.tag in _CHROME_TAGS and _names_chrome(child)
            if (named or child.get("role") in _CHROME_ROLES) and paragraph_mass(child) <= limit:
                _remove(child)
            else:
                stack.append(child)
    return tree


# --------------------------------------------------------------------------------------------
# Text of the article body


def block_lines(node: Any) -> list[str]:
    """The text of an element as lines: one per block element (paragraph, heading, list
    item…) and per ``<br>``; runs of whitespace collapsed, empty lines left out."""
    lines: list[str] = []
    run: list[str] = [node.text or ""]

    def flush() -> None:
        text = _norm("".join(run))
        if text:
            lines.append(text)
        run.clear()

    def walk(el: Any) -> None:
        tag = el.tag if isinstance(el.tag, str) else ""
        block = tag in _BLOCK_TAGS
        if block or tag == "br":
            flush()
        if tag:  # comments and processing instructions hold no text
            run.append(el.text or "")
            for child in el:
                walk(child)
        if block:
            flush()
        run.append(el.tail or "")

    for child in node:
        walk(child)
    flush()
    return lines


def container_text(tree: Any, selector: str) -> str:
    """Text of the elements matching ``selector`` (the article body, or its paragraphs), in
    page order and each once, without navigation, asides, figures, captions and headline;
    "" when nothing matches."""
    nodes = tree.xpath(css_xpath(selector))
    chosen = set(nodes)
    lines: list[str] = []
    for node in nodes:
        if any(a in chosen for a in node.iterancestors()):
            continue  # inside another match: its text is taken there
        for inner in node.xpath(_CONTAINER_DROP):
            _remove(inner)
        lines.extend(block_lines(node))
    return "\n".join(lines)


def _trafilatura(tree: Any, url: str | None, precision: bool) -> str:
    doc: Any = trafilatura.bare_extraction(
        tree,
        url=url,
        with_metadata=False,
        include_comments=False,
        favor_precision=precision,
        include_tables=False,
        deduplicate=False,
    )
    return (getattr(doc, "text", None) or "") if doc is not None else ""


def generic_text(tree: Any, url: str | None) -> str:
    """trafilatura in precision mode, or in balanced mode when precision kept under a
    fifth of the page's paragraph text (it cuts live blogs and sectioned stories short);
    then the paragraphs it skipped between two it kept are put back."""
    text = _trafilatura(tree, url, precision=True)
    mass = paragraph_mass(tree)
    if mass >= 1000 and len(text) < 0.2 * mass:
        wider = _trafilatura(tree, url, precision=False)
        if len(wider) > len(text):
            text = wider
    return fill_gaps(text, tree)


def _prose(node: Any, text: str) -> bool:
    """A paragraph that reads as a sentence of the story: long enough, closed by
    punctuation, and with words of its own outside any link."""
    if len(text) < 60 or text[-1] not in '.!?"”’»)':
        return False
    outside = (node.text or "") + "".join(
        (child.tail or "") + ("" if child.tag == "a" else "".join(child.itertext())) for child in node
    )
    return bool(_WORD.search(outside)) and text.upper() != text


def _shape(node: Any) -> tuple[tuple[str, str], ...]:
    """Tag and class of a paragraph and its three nearest ancestors."""
    chain = [node, *itertools.islice(node.iterancestors(), 3)]
    return tuple((str(n.tag), n.get("class", "")) for n in chain)


def _word_triples(text: str) -> list[tuple[str, ...]]:
    words = _tokens(text)
    return list(zip(words, words[1:], words[2:], strict=False))


def _triples(text: str) -> set[tuple[str, ...]]:
    return set(_word_triples(text))


def _mostly_new(line: str, seen: set[tuple[str, ...]], share: float = 0.5) -> bool:
    """Whether under ``share`` of a line's word triples are in ``seen``: the line is not
    already in the text, even spelt a little differently."""
    triples = _word_triples(line)
    return sum(t in seen for t in triples) < share * len(triples)


_SUBHEADS = ("h2", "h3", "h4")


def fill_gaps(text: str, tree: Any) -> str:
    """``text`` with the page's prose paragraphs that lie between two paragraphs it kept,
    and are shaped like one of them (same tags and classes around them), put back in page
    order. trafilatura drops a paragraph whose words are mostly link text ("It also
    <a>co-ordinates military plans</a>.") even in the middle of a story.

    Subheads between two kept paragraphs of the same block go back too, but only when the
    text has none of the page's subheads: trafilatura then fell back to gathering loose
    paragraphs, which never keeps a heading; when it kept some, the others it dropped on
    purpose."""
    lines = text.split("\n")
    kept = {tuple(_tokens(line)): i for i, line in enumerate(lines)}
    seen = _triples(text)
    heads = not any(tuple(_tokens(_norm(h.text_content()))) in kept for h in tree.iter(*_SUBHEADS))
    inserts: dict[int, list[str]] = {}
    last: tuple[int, tuple[tuple[str, str], ...], Any] | None = None
    pending: list[tuple[str, tuple[tuple[str, str], ...] | None, Any]] = []
    for node in tree.iter("p", *_SUBHEADS):
        norm = _norm(node.text_content())
        if node.tag != "p":
            if heads and last is not None and norm and len(norm) <= 150 and _link_share(node) < 0.5:
                pending.append((norm, None, node.getparent()))
            continue
        at = kept.get(tuple(_tokens(norm))) if norm else None
        if at is not None:
            shape, parent = _shape(node), node.getparent()
            if last is not None and at > last[0]:
                fill = [
                    line
                    for line, form, home in pending
                    if form in (shape, last[1]) or (form is None and home is parent is last[2])
                ]
                if fill:
                    inserts.setdefault(last[0], []).extend(fill)
            last, pending = (at, shape, parent), []
        elif last is not None and norm and _prose(node, norm) and _mostly_new(norm, seen):
            pending.append((norm, _shape(node), None))
    if not inserts:
        return text
    out: list[str] = []
    for i, line in enumerate(lines):
        out.append(line)
        out.extend(inserts.get(i, ()))
    return "\n".join(out)


def _body_lines(value: str) -> list[str]:
    """Lines of an ld+json articleBody, which may hold markup or entities."""
    if "<" in value:
        value = re.sub(r"<(?:br|/p|/h\d|/li)\b[^>]*>", "\n", value, flags=re.I)
        value = re.sub(r"<[^>]{1,300}>", "", value)
    return [_norm(line) for line in htmllib.unescape(value).splitlines() if line.strip()]


def fuller_body(text: str, structured: str | None) -> str:
    """The ld+json articleBody instead of the extracted text when it holds clearly more of
    the same article (a fifth more words, and nearly all the extracted ones), or when the
    markup gave next to nothing (a fifth of its words or less: a caption, a teaser)."""
    if not structured:
        return text
    body = "\n".join(_body_lines(structured))
    mine, theirs = Counter(_tokens(text)), Counter(_tokens(body))
    n_mine, n_theirs = mine.total(), theirs.total()
    if n_theirs >= 1.2 * max(n_mine, 1) and (mine & theirs).total() >= 0.9 * n_mine:
        return body
    if n_theirs >= 150 and n_theirs >= 5 * n_mine:  # the page shows a caption or a teaser only
        return body
    return text


# --------------------------------------------------------------------------------------------
# Chrome in the text


_QUOTES = re.compile(r"[\"“”«»„]")
_LIST_MARK = re.compile(r"^\s*(?:\d{1,2}[.)]\s+|[•·*|\-–]\s*)")


def _is_chrome_line(line: str, title: str, names: set[str]) -> bool:
    bare = _LIST_MARK.sub("", line).strip(" \t•·|-–")
    return bool(
        (line.strip() and not _WORD.search(line))  # marks only: "***", "––––", "“„"
        or CHROME_LINES.match(bare)
        or PROMO_LINES.match(bare)
        or EMBED_LINE.search(bare)
        or _social_line(bare)
        or (len(bare) <= 200 and RIGHTS_LINE.search(bare))
        or (len(bare.split()) <= 15 and not _QUOTES.search(bare) and APPEAL_LINE.search(bare))
        or bare.casefold() in names  # a byline left behind
        or _BYLINE_LINE.match(bare)
        or (title and _norm(bare).casefold() == title)  # the headline again (a caption, alt text)
        or DATE_LINE.match(bare)
        or _doubled(bare)  # a teaser card's headline, twice
    )


def _social_line(line: str) -> bool:
    """A label of at most four words and a link to a social or payment account (not a
    sentence that cites one)."""
    found = SOCIAL_LINE.search(line)
    return found is not None and len(line[: found.start()].split()) <= 4


def _doubled(line: str) -> bool:
    words = line.split()
    half = len(words) // 2
    return len(words) >= 4 and len(words) % 2 == 0 and words[:half] == words[half:]


def _cut_recirculation(lines: list[str]) -> list[str]:
    """Lines before a closing recirculation box: a "More from …" / "Popular" heading
    followed to the end by at most 16 teaser lines (headlines and one-sentence blurbs)."""
    for i, line in enumerate(lines):
        rest = [r for r in lines[i + 1 :] if r.strip()]
        if (
            RECIRCULATION_LINE.match(line.strip(" \t•·|-–"))
            and len(rest) <= 16
            and all(len(r.split()) <= 25 for r in rest)
            and (not rest or any(_headline_like(r) for r in rest))
        ):
            return lines[:i]
    return lines


def _headline_like(line: str) -> bool:
    return 0 < len(line.split()) <= 20 and not line.rstrip().endswith((".", ":", ";", ",", "”", '"'))


def _drop_promo_lists(lines: Sequence[str]) -> list[str]:
    """A "Read more:" label line and the headlines listed under it."""
    kept: list[str] = []
    in_list = False
    for line in lines:
        bare = line.strip()
        if LABEL_LINE.match(bare):
            in_list = True
        elif not (in_list and (not bare or _headline_like(bare))):
            in_list = False
            kept.append(line)
    return kept


# "Jane Doe is a news writer who…": a closing line introducing someone by their job.
_BIO_LINE = re.compile(
    r"^((?:[A-Z][\w'’.-]+\s+){1,3})is\s+(?:a|an|the)\s+(?:[\w/-]+\s+){0,8}?"
    r"(?:writer|reporter|correspondent|editor|journalist|columnist|contributor|producer|fellow)\b"
)


def _introduces_author(line: str, names: Sequence[str]) -> bool:
    """ "Jane Doe is a Brussels correspondent…", "Jane Doe can be reached at…"."""
    line = line.strip()
    for name in names:
        rest = line[len(name) :] if line.startswith(name) else ""
        if re.match(r"\s*(?:is|was|has|covers|writes|reports|joined|can\s+be\s+reached)\b", rest):
            return True
    return False


def _is_bio(line: str, before: str) -> bool:
    """ "Sam Roe is a news writer who…" about someone the text before never named, or
    "Contact Sam Roe at sroe@…"."""
    line = line.strip()
    if (match := _BIO_LINE.match(line)) and match.group(1).split()[-1] not in before:
        return True
    contact = re.search(r"reached|e-?mail|contact", line, re.IGNORECASE)
    return len(line) <= 300 and bool(_EMAIL.search(line)) and bool(contact)


def _cut_bio(lines: list[str], names: Sequence[str]) -> list[str]:
    """Lines before a closing author bio: a line introducing one of the authors among the
    last fifteen, or any closing line introducing a writer by their job among the last four."""
    content = [i for i, line in enumerate(lines) if line.strip()]
    for rank, i in enumerate(content):
        left = len(content) - rank
        by_name = left <= 15 and _introduces_author(lines[i], names)
        if rank and (by_name or (left <= 4 and _is_bio(lines[i], "\n".join(lines[:i])))):
            return lines[:i]
    return lines


def strip_chrome(text: str, authors: Sequence[str] = (), title: str | None = None) -> str:
    """Drop whole lines that are page chrome (with the headlines listed under a "Read
    more:" label), leftover bylines, the headline repeated, a closing author bio and
    closing credits."""
    names = [a for a in authors if len(a) >= 4]
    lowered = {n.casefold() for n in names}
    heading = _norm(title).casefold() if title else ""
    lines = _drop_promo_lists(_cut_recirculation(text.splitlines()))
    lines = [ln for ln in lines if not _is_chrome_line(ln, heading, lowered)]
    lines = _drop_echoes(_drop_closing_credits(_cut_bio(lines, names)))
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def _drop_echoes(lines: list[str]) -> list[str]:
    """The lines without those (of a dozen words or more) that a line longer by a few words
    repeats almost word for word: a pull quote, or a teaser the first paragraph repeats
    after its dateline (a quote given twice in the same words stays twice)."""
    triples = [set(_word_triples(line)) for line in lines]
    where: dict[tuple[str, ...], list[int]] = {}
    for i, found in enumerate(triples):
        for triple in found:
            where.setdefault(triple, []).append(i)
    out = []
    for i, line in enumerate(lines):
        mine = triples[i]
        if len(mine) >= 10:
            others = (where[t] for t in mine if len(where[t]) <= 50)  # a bound on hostile pages
            shared = Counter(j for js in others for j in js if len(triples[j]) >= len(mine) + 2)
            if shared and max(shared.values()) >= 0.9 * len(mine):
                continue
        out.append(line)
    return out


def _drop_closing_credits(lines: list[str]) -> list[str]:
    """The text without the credit lines (and blank lines) it ends with."""
    kept = list(lines)
    while kept and (not kept[-1].strip() or CREDIT_LINE.match(kept[-1].strip())):
        kept.pop()
    return kept


def standfirst(tree: Any, description: str | None = None) -> str | None:
    """The lead paragraph an article keeps in its own header (a standfirst or teaser),
    which boilerplate removal drops with the header: a header paragraph, or a visible
    element that repeats the page's description."""
    for node in tree.xpath(
        "//article//header//p | //header[.//h1]//p[contains(@class,'summary') or "
        "contains(@class,'standfirst') or contains(@class,'teaser') or "
        "contains(@class,'lead')]"
    ):
        text = _norm(node.text_content())
        if len(text) >= 60 and text[-1] in '.!?"”’»':
            return text
    if description and len(description) >= 60:
        for node in tree.xpath("//body//p | //body//*[self::h2 or self::div][not(*)]"):
            if _norm(node.text_content()) == description:
                return description
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
    meta = page_meta(tree, url, now)
    lead = standfirst(tree, meta.description)
    prune_chrome(tree, drop_selectors)
    text = container_text(tree, body_selector) if body_selector else ""
    if not text:
        text = fuller_body(generic_text(tree, url), meta.body)
    title = meta.headline or (hint.title if hint is not None else None)
    text = strip_chrome(text, meta.authors, title)
    lead = strip_chrome(lead, meta.authors, title) if lead else None  # not a subscription pitch
    if text and lead and _mostly_new(lead, _triples(text), 0.9):  # not a sentence the story repeats
        text = f"{lead}\n{text}"
    published, published_source = meta.published, meta.published_source
    if published is None and hint is not None and hint.date is not None:
        published, published_source = hint.date, "feed"
    if published is None:  # an update date, when it is all there is
        published, published_source = meta.modified, meta.modified_source
    description = meta.description or (hint.summary if hint else None)
    return Extraction(
        text=_valid(text),
        title=(clean_title(title) or None) if title else None,
        authors=tuple(_valid(a) for a in meta.authors),
        published=published,
        published_source=published_source if published else None,
        language=meta.language or (hint.language if hint else None) or language,
        description=_valid(description) if description else None,
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
