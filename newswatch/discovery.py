"""Discovery: article candidates from feeds, sitemaps and listing pages (pure functions).

Each parser takes the raw response body and its URL and returns what it found; none of
them fetches anything. Broken input raises ``SourceError`` (nothing usable) or comes back
with ``malformed=True`` when part of it could still be read.
"""

from __future__ import annotations

import codecs
import heapq
import html.entities
import re
import zlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import feedparser
from charset_normalizer import from_bytes
from feedparser.encodings import convert_to_utf8
from lxml import etree
from lxml import html as lxml_html

from newswatch.clock import parse_date
from newswatch.errors import NewswatchError
from newswatch.records import Candidate, SourceKind
from newswatch.urls import BadURL, canonicalize, first_rule_canonical
from newswatch.xmlsafe import pull_parser

MAX_SITEMAP_BYTES = 50 * 1024 * 1024  # the sitemaps.org limit for an uncompressed sitemap
MAX_SITEMAP_URLS = 50_000  # the sitemaps.org limit of entries in one sitemap
MAX_ENTRY_ELEMENTS = 10_000  # elements in one sitemap entry (an image sitemap's may list 1,000 images)
CHUNK_BYTES = 1 << 18  # a sitemap is decompressed and parsed this many bytes at a time


class SourceError(NewswatchError, ValueError):
    """A feed, sitemap or listing page yielded nothing usable."""


@dataclass
class Found:
    """What one source yielded."""

    candidates: list[Candidate] = field(default_factory=list)
    # child sitemaps of a sitemap index, with their <lastmod> when given
    sitemaps: list[tuple[str, datetime | None]] = field(default_factory=list)
    malformed: bool = False  # read only in part
    problem: str | None = None
    bad_links: list[str] = field(default_factory=list)  # links that are no usable URL, with why
    older: int = 0  # sitemap URLs dated before the ``since`` asked for, left out


def _clean(text: Any) -> str | None:
    if not isinstance(text, str):
        return None
    text = " ".join(text.split())
    return text or None


def _candidate(
    url: str, base: str, outlet: str, source: str, kind: SourceKind, bad: list[str], **hints: Any
) -> Candidate | None:
    """The candidate for a link, or None with the reason noted in ``bad``."""
    try:
        canonical = canonicalize(url, base)
    except BadURL as exc:
        bad.append(str(exc))
        return None
    earlier = first_rule_canonical(url, base)
    if earlier != canonical:
        hints["earlier_url"] = earlier
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


MAX_FEED_DEPTH = 64  # elements nested in a feed (real ones nest fewer than 20)
MAX_FIELD_TAGS = 10_000  # tags (elements, or escaped as text) in one field of a feed
MAX_FEED_TAGS = 200_000  # tags in all the fields of a feed together
MAX_FEED_ELEMENTS = 250_000  # elements in a feed (10,000 items have about 100,000)
MAX_ENTITY_CHARS = 1_000_000  # characters the feed's own entity declarations may expand to
MAX_ENTITIES = 64  # entities a feed may declare
MAX_FEED_REFERENCES = 500_000  # entity and character references (&amp; &#160; …) in a feed
_CONTAINERS = frozenset({"channel", "item", "entry", "feed", "RDF", "source"})


class _FeedGuard:
    """An lxml parser target that only measures a feed: it refuses one nested deeper than
    ``MAX_FEED_DEPTH``, with more than ``MAX_FEED_ELEMENTS`` elements, or with more markup
    in its fields (title, description, content…) than ``MAX_FIELD_TAGS`` in one or
    ``MAX_FEED_TAGS`` in all; feedparser spends tens of microseconds on each such tag."""

    def __init__(self) -> None:
        self.elements = 0
        self.depth = 0
        self.containers: list[int] = []  # depths of the open channel / item / entry elements
        self.field = 0  # depth of the open field, 0 outside one
        self.field_tags = 0
        self.tags = 0

    def start(self, tag: str, attrib: object, nsmap: object = None) -> None:
        self.depth += 1
        self.elements += 1
        if self.depth > MAX_FEED_DEPTH:
            raise SourceError(f"hostile feed: elements nested deeper than {MAX_FEED_DEPTH}")
        if self.elements > MAX_FEED_ELEMENTS:
            raise SourceError(f"hostile feed: more than {MAX_FEED_ELEMENTS} elements")
        if self.field:
            self._count(1)
        elif _local(tag) in _CONTAINERS:
            self.containers.append(self.depth)
        elif self.containers and self.containers[-1] == self.depth - 1:
            self.field, self.field_tags = self.depth, 0

    def end(self, tag: str) -> None:
        if self.field == self.depth:
            self.field = 0
        elif self.containers and self.containers[-1] == self.depth:
            self.containers.pop()
        self.depth -= 1

    def data(self, text: str) -> None:
        if self.field:
            self._count(text.count("<"))

    def _count(self, tags: int) -> None:
        self.field_tags += tags
        self.tags += tags
        if self.field_tags > MAX_FIELD_TAGS:
            raise SourceError(f"hostile feed: more than {MAX_FIELD_TAGS} tags in one field")
        if self.tags > MAX_FEED_TAGS:
            raise SourceError(f"hostile feed: more than {MAX_FEED_TAGS} tags in its fields")

    def close(self) -> None:
        return None


def _measure_feed(body: bytes) -> None:
    """Raise ``SourceError`` for a feed too costly to parse: more than ``MAX_FEED_REFERENCES``
    references, entity declarations that expand beyond ``MAX_ENTITY_CHARS``, or nesting
    and markup ``_FeedGuard`` refuses. lxml reads it without expanding entities, in
    recovery mode (a broken feed is measured all the same)."""
    _check_entities(body)
    if body.count(b"&") > MAX_FEED_REFERENCES:
        raise SourceError(f"hostile feed: more than {MAX_FEED_REFERENCES} entity references")
    for encoding in (None, "latin-1"):  # latin-1: any byte reads (an encoding lxml lacks)
        parser = etree.XMLParser(
            target=_FeedGuard(),
            encoding=encoding,
            resolve_entities=False,
            no_network=True,
            huge_tree=False,
            recover=True,
        )
        try:
            etree.fromstring(body, parser)
        except (etree.XMLSyntaxError, LookupError, UnicodeError):
            continue
        return


_DOCTYPE = re.compile(rb"<!DOCTYPE\b")
_SUBSET_TOKEN = re.compile(
    rb"""\"[^\"]*\"|'[^']*'|<!--.*?(?:-->|\Z)|<\?.*?(?:\?>|\Z)|[\[\]>]|[^\"'\[\]<>]+|<""", re.S
)
_ENTITY_DECL = re.compile(
    rb"""<!ENTITY\s+(%\s+)?([^\s%;&"'<>]+)\s+(?:\"([^\"]*)\"|'([^']*)'|(SYSTEM|PUBLIC)\b)"""
)
_ENTITY_REF = re.compile(rb"&([^\s%;&#\"'<>]+);")
_PROLOG_TOKEN = re.compile(rb"\s+|<\?.*?(?:\?>|\Z)|<!--.*?(?:-->|\Z)", re.S)
_XML_DECLARATION = re.compile(rb"<\?xml[^>]*\?>")
_FEEDPARSER_HEAD_END = re.compile(rb"<\w")  # feedparser looks for DOCTYPE and ENTITY before it
_DECLARATION_START = re.compile(rb"<!(?=ENTITY|DOCTYPE)")
_DOCTYPE_KEPT = re.compile(
    rb"""<!DOCTYPE\s+([^\s\[\]<>"'&%]+)(\s+(?:SYSTEM\s+"[^"<>]*"|SYSTEM\s+'[^'<>]*'|"""
    rb"""PUBLIC\s+"[^"<>]*"\s+"[^"<>]*"|PUBLIC\s+'[^'<>]*'\s+'[^'<>]*'))?"""
)
_ONE_CHARACTER = re.compile(rb"&#(?:[0-9]{1,7}|x[0-9A-Fa-f]{1,6});")
_TEXT_REFERENCE = re.compile(rb"<!\[CDATA\[.*?(?:\]\]>|\Z)|<!--.*?(?:-->|\Z)|&([^\s%;&#\"'<>]+);", re.S)
_XML_ENTITIES = frozenset({b"lt", b"gt", b"amp", b"quot", b"apos"})


def _as_feedparser_reads(body: bytes, headers: dict[str, str]) -> tuple[bytes, dict[str, str]]:
    """The feed transcoded to UTF-8 as feedparser transcodes it (BOM, XML declaration, HTTP
    charset; UTF-16 without a BOM too), with headers under which feedparser reads it as UTF-8:
    the checks below measure the very document feedparser parses."""
    result: dict[str, Any] = {}
    text = convert_to_utf8(dict(headers), body, result)
    if not result.get("encoding"):  # nothing decoded it: feedparser would read it as UTF-8
        text = body.decode("utf-8", "replace").encode("utf-8")
    if "content-type" in headers:
        headers = {**headers, "content-type": _CHARSET.sub("charset=utf-8", headers["content-type"])}
    return text, headers


def _prolog(body: bytes) -> tuple[int, bytes | None]:
    """Where the prolog (XML declaration, comments, PIs, DOCTYPE) ends, and its DOCTYPE."""
    at, doctype = 0, None
    while at < len(body):
        token = _PROLOG_TOKEN.match(body, at)
        if token:
            at = token.end()
        elif body.startswith(b"<!DOCTYPE", at):
            end = _doctype_end(body, at)
            doctype = doctype or body[at:end]
            at = end
        else:
            break
    return at, doctype


def _head_end(body: bytes, prolog_end: int) -> int:
    """The end of what feedparser takes for the prolog (up to the first ``<`` and letter,
    wherever it is) or of the real one, whichever is later."""
    head = _FEEDPARSER_HEAD_END.search(body)
    return max(prolog_end, head.start() + 1 if head else 0)


def _doctype_end(body: bytes, start: int) -> int:
    """The end of the DOCTYPE declaration at ``start`` (quotes, comments and PIs skipped)."""
    depth = 0
    for token in _SUBSET_TOKEN.finditer(body, start + 2):
        text = token.group()
        if text == b"[":
            depth += 1
        elif text == b"]":
            depth = max(depth - 1, 0)
        elif text == b">" and depth == 0:
            return token.end()
    return len(body)


def _internal_subset(body: bytes) -> bytes:
    """The DTD internal subsets (``<!DOCTYPE x [ … ]>``) of every DOCTYPE before the first
    element, however long the prolog; b"" when there is none."""
    head = body[: _head_end(body, _prolog(body)[0])]
    subsets, at = [], 0
    while found := _DOCTYPE.search(head, at):
        at = _doctype_end(head, found.start())
        opening = head.find(b"[", found.end(), at)
        if opening >= 0:
            subsets.append(head[opening + 1 : at])
    return b"".join(subsets)


def _without_internal_subset(body: bytes) -> bytes:
    """The feed with its prolog reduced to the XML declaration and the DOCTYPE's name and
    external id, and any ``<!ENTITY``/``<!DOCTYPE`` before the first element defused, so
    neither of feedparser's parsers can expand a declared entity (feedparser re-declares
    those it finds even in a comment). A reference to an entity declared as one character
    (``&#160;``), or named like an HTML entity (``&nbsp;``), becomes a character reference;
    any other stays undefined, as feedparser reads it without a DTD."""
    prolog_end, doctype = _prolog(body)
    head_end = _head_end(body, prolog_end)
    if b"<!" not in body[:head_end]:
        return body
    declaration = _XML_DECLARATION.match(body, 0, prolog_end)
    kept = _DOCTYPE_KEPT.match(doctype) if doctype else None
    prolog = (declaration.group() if declaration else b"") + b"\n"
    if kept:
        prolog += b"<!DOCTYPE " + kept.group(1) + (kept.group(2) or b"") + b">\n"
    junk = _DECLARATION_START.sub(b"&lt;!", body[prolog_end:head_end])
    return prolog + _as_characters(junk + body[head_end:], _declared_characters(body[:head_end]))


def _declared_characters(head: bytes) -> dict[bytes, bytes]:
    """The character reference each general entity declared in ``head`` stands for, if it
    stands for one character (or is named like an HTML entity)."""
    characters: dict[bytes, bytes] = {}
    for decl in _ENTITY_DECL.finditer(head):
        name, value = decl.group(2), decl.group(3) or decl.group(4) or b""
        if decl.group(1) or name in _XML_ENTITIES:
            continue
        codepoint = html.entities.name2codepoint.get(name.decode("utf-8", "replace"))
        text = value.decode("utf-8", "replace")
        if _ONE_CHARACTER.fullmatch(value):
            characters[name] = value
        elif len(text) == 1:
            characters[name] = b"&#%d;" % ord(text)
        elif codepoint is not None:
            characters[name] = b"&#%d;" % codepoint
    return characters


def _as_characters(body: bytes, characters: dict[bytes, bytes]) -> bytes:
    """``body`` with each reference to an entity of ``characters`` replaced by its character
    reference (not in CDATA sections or comments): the text never grows beyond that."""
    if not characters:
        return body
    return _TEXT_REFERENCE.sub(lambda ref: characters.get(ref.group(1) or b"", ref.group()), body)


def _check_entities(body: bytes) -> None:
    """Refuse entity declarations whose references would expand the feed beyond
    ``MAX_ENTITY_CHARS`` (the sizes are computed, nothing is expanded)."""
    subset = _internal_subset(body)
    if b"<!ENTITY" not in subset:
        return
    values: dict[bytes, bytes] = {}
    for decl in _ENTITY_DECL.finditer(subset):
        if decl.group(1):
            raise SourceError("hostile feed: declares parameter entities")
        values[decl.group(2)] = decl.group(3) or decl.group(4) or b""
    if len(values) > MAX_ENTITIES:
        raise SourceError(f"hostile feed: declares more than {MAX_ENTITIES} entities")
    sizes: dict[bytes, int] = {}
    total = sum(body.count(b"&" + name + b";") * _entity_size(name, values, sizes, ()) for name in values)
    if total > MAX_ENTITY_CHARS:
        raise SourceError(f"hostile feed: its entities expand to more than {MAX_ENTITY_CHARS} characters")


def _entity_size(
    name: bytes, values: dict[bytes, bytes], sizes: dict[bytes, int], path: tuple[bytes, ...]
) -> int:
    """Characters one reference to an entity expands to (its references expanded in turn)."""
    if name in sizes:
        return sizes[name]
    if name in path:
        raise SourceError("hostile feed: an entity refers to itself")
    value = values[name]
    size = len(value)
    for ref in _ENTITY_REF.finditer(value):
        if ref.group(1) in values:
            size += _entity_size(ref.group(1), values, sizes, (*path, name)) - len(ref.group())
        if size > MAX_ENTITY_CHARS:
            raise SourceError(f"hostile feed: its entities expand to more than {MAX_ENTITY_CHARS} characters")
    sizes[name] = size
    return size


def parse_feed(body: bytes, url: str, outlet: str, content_type: str | None = None) -> Found:
    """RSS 2.0, RSS 1.0/RDF or Atom → candidates (link, title, dates, summary). The feed is
    transcoded to UTF-8 first; one too costly to parse (``_measure_feed``) raises
    ``SourceError``, and feedparser reads it without its DTD (``_without_internal_subset``)."""
    body, content_type = _redeclared_utf8(body, content_type)
    headers = {"content-location": url}
    if content_type:
        headers["content-type"] = content_type
    body, headers = _as_feedparser_reads(body, headers)
    _measure_feed(body)
    parsed = feedparser.parse(
        _without_internal_subset(body),
        response_headers=headers,
        sanitize_html=False,
        resolve_relative_uris=False,
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
            found.bad_links,
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


def _name(tag: Any) -> str:
    """An element's local name (the fast way, for the elements of a large sitemap)."""
    return tag.rpartition("}")[2] if isinstance(tag, str) else ""


def _children(element: Any) -> dict[str, Any]:
    """An element's children by local name (the first of each)."""
    out: dict[str, Any] = {}
    for child in element:
        out.setdefault(_name(child.tag), child)
    return out


def _text(element: Any) -> str | None:
    return _clean(element.text) if element is not None else None


def _xml_chunks(body: bytes, limit: int = MAX_SITEMAP_BYTES) -> Iterator[bytes]:
    """The body in chunks, gunzipped on the fly when it is gzip data (refusing more than
    ``limit`` bytes of output), so a large sitemap is never held decompressed."""
    view = memoryview(body)
    if body[:2] != b"\x1f\x8b":
        for start in range(0, len(body), CHUNK_BYTES):
            yield bytes(view[start : start + CHUNK_BYTES])
        return
    decomp = zlib.decompressobj(16 + zlib.MAX_WBITS)
    produced = 0
    for start in range(0, len(body), CHUNK_BYTES):
        data: bytes = bytes(view[start : start + CHUNK_BYTES])
        while not decomp.eof:  # until this input is used up and no output is pending
            try:
                out = decomp.decompress(data, CHUNK_BYTES)
            except zlib.error as exc:
                raise SourceError(f"bad gzip data: {exc}") from None
            produced += len(out)
            if produced > limit:
                raise SourceError(f"gzip body expands beyond {limit} bytes")
            if out:
                yield out
            data = decomp.unconsumed_tail
            if not data and not out:
                break
        if decomp.eof:
            return
    # A truncated gzip stream (not decomp.eof) keeps what decompressed; the XML parser
    # then reports the document as malformed.


@dataclass
class _Entries:
    """The newest ``keep`` entries of a sitemap (by date; undated ones in document order),
    the rest counted; entries whose every date is before ``since`` are only counted."""

    keep: int
    since: datetime | None = None
    heap: list[tuple[float, int, tuple[str | None, ...]]] = field(default_factory=list)
    seen: int = 0
    older: int = 0

    def add(self, dates: tuple[datetime | None, datetime | None], fields: tuple[str | None, ...]) -> None:
        """One entry with its (publication, modification) dates."""
        known = [d for d in dates if d is not None]
        if self.since is not None and known and max(known) < self.since:
            self.older += 1
            return
        self.seen += 1
        when = known[0] if known else None
        item = (when.timestamp() if when else float("-inf"), -self.seen, fields)
        if len(self.heap) < self.keep:
            heapq.heappush(self.heap, item)
        else:
            heapq.heappushpop(self.heap, item)

    def in_order(self) -> list[tuple[str | None, ...]]:
        return [fields for _, _, fields in sorted(self.heap, key=lambda item: -item[1])]

    @property
    def dropped(self) -> int:
        return self.seen - len(self.heap)


@dataclass
class _SitemapRead:
    """What one pass over a sitemap's stream found."""

    since: datetime | None = None
    keep: int = MAX_SITEMAP_URLS
    root: str = ""
    urls: _Entries = field(init=False)
    children: _Entries = field(init=False)
    content: bool = False  # anything but white space
    pending: int = 0  # elements begun since the last entry ended

    def __post_init__(self) -> None:
        self.urls = _Entries(self.keep, self.since)
        self.children = _Entries(self.keep)


def _url_entry(element: Any) -> tuple[tuple[datetime | None, datetime | None], tuple[str | None, ...]]:
    """((published, modified), (loc, title, publication date, lastmod, language)) of a ``<url>``."""
    parts = _children(element)
    news = _children(parts["news"]) if "news" in parts else {}
    publication = _children(news["publication"]) if "publication" in news else {}
    published, lastmod = _text(news.get("publication_date")), _text(parts.get("lastmod"))
    language = _text(publication.get("language"))
    fields = (_text(parts.get("loc")), _text(news.get("title")), published, lastmod, language)
    return (parse_date(published), parse_date(lastmod)), fields


def _sitemap_entry(element: Any) -> tuple[tuple[datetime | None, datetime | None], tuple[str | None, ...]]:
    """((None, modified), (loc, lastmod)) of a sitemap index's ``<sitemap>``."""
    parts = _children(element)
    lastmod = _text(parts.get("lastmod"))
    return (None, parse_date(lastmod)), (_text(parts.get("loc")), lastmod)


def _take(read: _SitemapRead, element: Any) -> None:
    """Note one ``<url>`` or ``<sitemap>`` entry, then free it (and what came before it)."""
    parent = element.getparent()
    container = _name(parent.tag) if parent is not None else ""
    name = _name(element.tag)
    if container == "urlset" and name == "url":
        read.urls.add(*_url_entry(element))
    elif container == "sitemapindex" and name == "sitemap":
        read.children.add(*_sitemap_entry(element))
    element.clear()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


_SITEMAP_ROOTS = frozenset({"urlset", "sitemapindex"})


def _read_events(read: _SitemapRead, parser: etree.XMLPullParser) -> None:
    """Take the entries parsed so far; refuse a sitemap that piles up elements in one entry
    (or between two), which would all be held until the entry ends."""
    for event, element in parser.read_events():
        name = _name(element.tag)
        if event == "start":
            read.root = read.root or name
            if read.root not in _SITEMAP_ROOTS:
                return  # a feed, or no sitemap at all: nothing more to read here
            read.pending += 1
            if read.pending > MAX_ENTRY_ELEMENTS:
                limit = MAX_ENTRY_ELEMENTS
                raise SourceError(f"hostile sitemap: more than {limit} elements before an entry ends")
        elif name in ("url", "sitemap"):
            _take(read, element)
            read.pending = 0


def _read_sitemap(body: bytes, recover: bool, since: datetime | None, keep: int) -> _SitemapRead:
    """One streaming pass: entries as their end tags arrive, each freed once read. In
    recovery mode, entries only closed when the stream ends (cut off) are left out."""
    parser = pull_parser(recover=recover)
    read = _SitemapRead(since, keep)
    for chunk in _xml_chunks(body):
        read.content = read.content or bool(chunk.strip())
        parser.feed(chunk)
        _read_events(read, parser)
        if read.root and read.root not in _SITEMAP_ROOTS:
            return read
    root = parser.close()
    if not recover:
        _read_events(read, parser)
    read.root = _name(root.tag) if root is not None else read.root
    return read


def parse_sitemap(
    body: bytes,
    url: str,
    outlet: str,
    kind: SourceKind = "sitemap",
    since: datetime | None = None,
    keep: int = MAX_SITEMAP_URLS,
) -> Found:
    """A sitemap (``urlset``, with Google-News tags kept) or a sitemap index, read as a
    stream (a 50 MB sitemap is never held as a tree). URLs whose every date is before
    ``since`` are only counted (``Found.older``). Beyond ``keep`` entries (by default the
    sitemaps.org limit) the newest are kept, and the sitemap counts as read in part."""
    found = Found()
    try:
        read = _read_sitemap(body, False, since, keep)
    except etree.XMLSyntaxError as exc:
        found.malformed, found.problem = True, f"XMLSyntaxError: {exc}"
        try:
            read = _read_sitemap(body, True, since, keep)
        except etree.XMLSyntaxError:
            read = _SitemapRead(since, keep, content=bool(body.strip()))
        if not read.root:
            raise SourceError(f"not XML: {exc}" if read.content else "empty sitemap") from None
    if not read.content:
        raise SourceError("empty sitemap")
    if read.root == "sitemapindex":
        _add_children(found, read.children, url)
        return found
    if read.root in {"rss", "feed", "RDF"}:  # a feed listed as a sitemap
        return parse_feed(maybe_gunzip(body), url, outlet)
    if read.root != "urlset":
        raise SourceError(f"not a sitemap (root element <{read.root or '?'}>)")
    _add_candidates(found, read.urls, url, outlet, kind)
    found.older = read.urls.older
    return found


def _too_many(found: Found, entries: _Entries, what: str) -> None:
    if entries.dropped:
        found.malformed = True
        found.problem = (
            f"lists {entries.seen} {what}, more than the {entries.keep} a sitemap may hold: "
            f"the newest {entries.keep} read"
        )


def _add_children(found: Found, entries: _Entries, url: str) -> None:
    for loc, lastmod in entries.in_order():
        if loc:
            try:
                child_url = canonicalize(loc, url)
            except BadURL as exc:
                found.bad_links.append(str(exc))
                continue
            found.sitemaps.append((child_url, parse_date(lastmod)))
    _too_many(found, entries, "sitemaps")


def _add_candidates(found: Found, entries: _Entries, url: str, outlet: str, kind: SourceKind) -> None:
    seen: set[str] = set()
    for loc, title, published, lastmod, language in entries.in_order():
        if not loc:
            continue
        candidate = _candidate(
            loc,
            url,
            outlet,
            url,
            kind,
            found.bad_links,
            title=title,
            published=parse_date(published),
            updated=parse_date(lastmod),
            language=language,
        )
        if candidate and candidate.url not in seen:
            seen.add(candidate.url)
            found.candidates.append(candidate)
    _too_many(found, entries, "URLs")


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
        candidate = _candidate(
            href, base, outlet, url, "listing", found.bad_links, title=_clean(anchor.text_content())
        )
        if candidate and candidate.url not in seen:
            seen.add(candidate.url)
            found.candidates.append(candidate)
    return found


def parse_source(
    kind: SourceKind,
    body: bytes,
    url: str,
    outlet: str,
    content_type: str | None = None,
    since: datetime | None = None,
) -> Found:
    """Dispatch on the source kind (a sitemap URL that serves a feed is read as a feed);
    ``since``: sitemap URLs dated only before it are counted, not returned."""
    if kind == "feed":
        return parse_feed(body, url, outlet, content_type)
    if kind == "listing":
        return parse_listing(body, url, outlet)
    return parse_sitemap(body, url, outlet, kind, since)
