"""Discovery: article candidates from feeds, sitemaps and listing pages (pure functions).

Each parser takes the raw response body and its URL and returns what it found; none of
them fetches anything. Broken input raises ``SourceError`` (nothing usable) or comes back
with ``malformed=True`` when part of it could still be read.
"""

from __future__ import annotations

import codecs
import re
import zlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import feedparser
from charset_normalizer import from_bytes
from lxml import etree
from lxml import html as lxml_html

from records import Candidate, SourceKind
from urls import BadURL, canonicalize

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit for an uncompressed sitemap


class SourceError(ValueError):
    """A feed, sitemap or listing page yielded nothing usable."""


@dataclass
class Found:
    """What one source yielded."""

    candidates: list[Candidate] = field(default_factory=list)
    # child sitemaps of a sitemap index, with their <lastmod> when given
    sitemaps: list[tuple[str, datetime | None]] = field(default_factory=list)
    malformed: bool = False  # read only in part
    problem: str | None = None


def parse_date(value: Any) -> datetime | None:
    """ISO 8601 / W3C datetime, RFC 822, or a UTC ``time.struct_time`` → aware datetime
    (naive values are taken as UTC); None when unreadable."""
    if value is None or value == "":
        return None
    if hasattr(value, "tm_year"):
        year, month, day, hour, minute, second = value[:6]
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    text = str(value).strip()
    if not text:
        return None
    iso = text.replace("Z", "+00:00").replace("z", "+00:00")
    iso = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", iso)  # +0100 → +01:00
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed  # aware, in the offset the source gave (its local day is kept)


def _clean(text: Any) -> str | None:
    if not isinstance(text, str):
        return None
    text = " ".join(text.split())
    return text or None


def _candidate(
    url: str, base: str, outlet: str, source: str, kind: SourceKind, **hints: Any
) -> Candidate | None:
    try:
        canonical = canonicalize(url, base)
    except BadURL:
        return None
    return Candidate(url=canonical, outlet=outlet, source=source, source_kind=kind, **hints)


# --- feeds ---------------------------------------------------------------------------------

# feedparser's complaints that say nothing about the document itself
_BENIGN_FEED_PROBLEMS = (feedparser.NonXMLContentType, feedparser.CharacterEncodingOverride)


_BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._:-]+)["']""")
_XML_ENCODING_TEXT = re.compile(r"""^(\s*<\?xml[^>]*?encoding\s*=\s*["'])[A-Za-z0-9._:-]+(["'])""")
_CHARSET = re.compile(r"charset\s*=\s*[\"']?([A-Za-z0-9._:-]+)", re.IGNORECASE)


def _redeclared_utf8(body: bytes, content_type: str | None) -> tuple[bytes, str | None]:
    """A feed whose bytes are not in the encoding it declares (windows-1251 bytes under
    ``encoding="utf-8"``) comes back as UTF-8, decoded by detection (UTF-8 with a stray
    invalid byte stays UTF-8); feedparser alone would read it as windows-1252, and every
    title would be mojibake."""
    if body.startswith(_BOMS):
        return body, content_type
    xml = _XML_ENCODING.match(body[:512])
    header = _CHARSET.search(content_type or "")
    declared = [xml.group(1).decode("ascii")] if xml else []
    if header:
        declared.append(header.group(1))
    for encoding in declared or ["utf-8"]:
        try:
            body.decode(encoding)
        except LookupError:
            return body, content_type  # a name Python does not know: feedparser decides
        except UnicodeDecodeError:
            continue
        return body, content_type
    text = body.decode("utf-8", "replace")
    damaged = text.count("\ufffd")
    if damaged * 10 > sum(ch > "\x7f" for ch in text) - damaged:  # not UTF-8 with a stray byte or two
        match = from_bytes(body).best()
        if match is None:
            return body, content_type
        text = str(match)
    text = _XML_ENCODING_TEXT.sub(r"\g<1>utf-8\g<2>", text, count=1)
    plain_type = _CHARSET.sub("charset=utf-8", content_type) if content_type else None
    return text.encode("utf-8"), plain_type


def parse_feed(body: bytes, url: str, outlet: str, content_type: str | None = None) -> Found:
    """RSS 2.0, RSS 1.0/RDF or Atom → candidates (link, title, dates, summary)."""
    body, content_type = _redeclared_utf8(body, content_type)
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    parsed = feedparser.parse(
        body, response_headers=headers, sanitize_html=False, resolve_relative_uris=False
    )
    entries = parsed.get("entries") or []
    problem = None
    bozo = parsed.get("bozo_exception")
    if parsed.get("bozo") and not isinstance(bozo, _BENIGN_FEED_PROBLEMS):
        problem = f"{type(bozo).__name__}: {bozo}"
    if not parsed.get("version") and not entries:
        raise SourceError(f"not a feed ({problem or 'no RSS/Atom root element'})")
    found = Found(malformed=problem is not None, problem=problem)
    seen: set[str] = set()
    for entry in entries:
        link = entry.get("link") or (entry.get("id") if entry.get("guidislink") else None)
        if not link:
            continue
        summary = entry.get("summary")
        if summary:
            summary = (
                _clean(lxml_html.fromstring(summary).text_content()) if "<" in summary else (_clean(summary))
            )
        candidate = _candidate(
            link,
            url,
            outlet,
            url,
            "feed",
            title=_clean(entry.get("title")),
            published=parse_date(dict.get(entry, "published_parsed") or dict.get(entry, "published")),
            updated=parse_date(dict.get(entry, "updated_parsed") or dict.get(entry, "updated")),
            summary=summary,
        )
        if candidate and candidate.url not in seen:
            seen.add(candidate.url)
            found.candidates.append(candidate)
    if not found.candidates and problem:
        raise SourceError(f"broken feed: {problem}")
    return found


# --- sitemaps ------------------------------------------------------------------------------


def _xml_parser(recover: bool) -> etree.XMLParser:
    """No entity expansion, no network, no huge trees: sitemaps come from outside."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
        recover=recover,
    )


_XML_PARSER = _xml_parser(recover=False)
_XML_RECOVER = _xml_parser(recover=True)


def maybe_gunzip(body: bytes, limit: int = MAX_SITEMAP_BYTES) -> bytes:
    """Decompress a gzip body (``.xml.gz`` served as a file), refusing oversized output."""
    if body[:2] != b"\x1f\x8b":
        return body
    decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = decomp.decompress(body, limit + 1)
    except zlib.error as exc:
        raise SourceError(f"bad gzip data: {exc}") from None
    if len(out) > limit:
        raise SourceError(f"gzip body expands beyond {limit} bytes")
    # A truncated gzip stream (not decomp.eof) keeps what decompressed; the XML parser
    # then reports the document as malformed.
    return out


def _local(tag: Any) -> str:
    return etree.QName(tag).localname if isinstance(tag, str) else ""


def _child_text(element: Any, *path: str) -> str | None:
    node = element
    for name in path:
        node = next((c for c in node if _local(c.tag) == name), None)
        if node is None:
            return None
    return _clean(node.text)


def parse_sitemap(body: bytes, url: str, outlet: str, kind: SourceKind = "sitemap") -> Found:
    """A sitemap (``urlset``, with Google-News tags kept) or a sitemap index."""
    body = maybe_gunzip(body)
    if not body.strip():
        raise SourceError("empty sitemap")
    found = Found()
    try:
        root = etree.fromstring(body, parser=_XML_PARSER)
    except etree.XMLSyntaxError as exc:
        found.malformed, found.problem = True, f"XMLSyntaxError: {exc}"
        try:
            root = etree.fromstring(body, parser=_XML_RECOVER)
        except etree.XMLSyntaxError:
            root = None
        if root is None:
            raise SourceError(f"not XML: {exc}") from None
    root_name = _local(root.tag)
    if root_name == "sitemapindex":
        for child in root:
            loc = _child_text(child, "loc") if _local(child.tag) == "sitemap" else None
            if loc:
                try:
                    child_url = canonicalize(loc, url)
                except BadURL:
                    continue
                found.sitemaps.append((child_url, parse_date(_child_text(child, "lastmod"))))
        return found
    if root_name in {"rss", "feed", "RDF"}:  # a feed listed as a sitemap
        return parse_feed(body, url, outlet)
    if root_name != "urlset":
        raise SourceError(f"not a sitemap (root element <{root_name or root.tag}>)")
    seen: set[str] = set()
    for child in root:
        if _local(child.tag) != "url":
            continue
        loc = _child_text(child, "loc")
        if not loc:
            continue
        candidate = _candidate(
            loc,
            url,
            outlet,
            url,
            kind,
            title=_child_text(child, "news", "title"),
            published=parse_date(_child_text(child, "news", "publication_date")),
            updated=parse_date(_child_text(child, "lastmod")),
            language=_child_text(child, "news", "publication", "language"),
        )
        if candidate and candidate.url not in seen:
            seen.add(candidate.url)
            found.candidates.append(candidate)
    if found.malformed and found.candidates and _last_entry_cut(body):
        found.candidates.pop()  # cut off mid-entry: its <loc> may be a fragment
    return found


def _last_entry_cut(body: bytes) -> bool:
    """True when a malformed sitemap's last ``<url>`` entry is not closed (cut off with the
    stream); a body cut after a whole entry keeps that entry."""
    if b"</urlset>" in body[-512:]:
        return False
    closed = body.rfind(b"</url>")
    opened = max(body.rfind(b"<url>"), body.rfind(b"<url "))
    return closed < 0 or opened > closed


# --- listing pages -------------------------------------------------------------------------


def parse_listing(body: bytes | str, url: str, outlet: str) -> Found:
    """Every link on an HTML page, made absolute; the outlet's allow/deny rules pick articles."""
    try:
        doc = lxml_html.document_fromstring(body, base_url=url)
    except (etree.ParserError, ValueError) as exc:
        raise SourceError(f"not HTML: {exc}") from None
    base = doc.xpath("string(//base/@href)") or url
    found = Found()
    seen: set[str] = set()
    for anchor in doc.iter("a"):
        href = anchor.get("href")
        if not href or href.startswith(("#", "javascript:", "mailto:", "tel:")):
            continue
        candidate = _candidate(href, base, outlet, url, "listing", title=_clean(anchor.text_content()))
        if candidate and candidate.url not in seen:
            seen.add(candidate.url)
            found.candidates.append(candidate)
    return found


def parse_source(
    kind: SourceKind, body: bytes, url: str, outlet: str, content_type: str | None = None
) -> Found:
    """Dispatch on the source kind (a sitemap URL that serves a feed is read as a feed)."""
    if kind == "feed":
        return parse_feed(body, url, outlet, content_type)
    if kind == "listing":
        return parse_listing(body, url, outlet)
    return parse_sitemap(body, url, outlet, kind)
