"""Hostile XML: feeds built to make feedparser spend seconds and hundreds of megabytes (entity
expansion, deep nesting, floods of tags or references) are refused before it reads them, with
the reason; sitemaps are read as a stream, never held decompressed or as a tree, and URLs too
old to fetch are only counted. A real crawl of all three hostile documents of the red team
stays under 300 MB (bench/hostile_xml.py measures each at full size).
"""

from __future__ import annotations

import gzip
import time
from datetime import UTC, datetime, timedelta

import pytest
from helpers import load_bench
from outlet_sites import atom, news_sitemap, rss

from newswatch.discovery import (
    MAX_FEED_DEPTH,
    MAX_FIELD_TAGS,
    MAX_SITEMAP_BYTES,
    SourceError,
    parse_feed,
    parse_sitemap,
)

BENCH = load_bench("hostile_xml")
FEED = "https://x.org/feed"
HEAD = b'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title><link>https://x.org/</link>'
ITEM = b"<item><title>Fine</title><link>https://x.org/a/1</link></item>"


def feed(item_body: bytes, doctype: bytes = b"") -> bytes:
    """An RSS feed with one good item and one item holding ``item_body``."""
    prolog = b'<?xml version="1.0"?>' + doctype
    return (
        prolog
        + HEAD[21:]
        + ITEM
        + b"<item>"
        + item_body
        + b"<link>https://x.org/a/2</link></item></channel></rss>"
    )


LAUGHS = b"".join(b'<!ENTITY l%d "%s">' % (n, b"&l%d;" % (n - 1) * 10 if n else b"lol") for n in range(10))
HOSTILE_FEEDS: dict[str, tuple[bytes, str]] = {
    "one 200 KB entity referenced 3M times": (BENCH.entity_feed(1.0), "entities expand to more than"),
    "a title nested 1M tags deep": (BENCH.deep_feed(1.0), f"nested deeper than {MAX_FEED_DEPTH}"),
    "billion laughs": (feed(b"<title>&l9;</title>", b"<!DOCTYPE rss [" + LAUGHS + b"]>"), "expand to more"),
    "a small entity referenced 400k times": (
        feed(
            b"<description>" + b"&e;" * 400_000 + b"</description>", b'<!DOCTYPE rss [<!ENTITY e "xxxxx">]>'
        ),
        "entities expand to more than",
    ),
    "3M references to an undeclared entity": (
        feed(b"<description>" + b"&e;" * 3_000_000 + b"</description>"),
        "entity references",
    ),
    "parameter entities": (
        feed(b"<title>t</title>", b"<!DOCTYPE rss [<!ENTITY % p \"<!ENTITY e 'x'>\"> %p;]>"),
        "parameter entities",
    ),
    "an entity that refers to itself": (
        feed(b"<title>&a;</title>", b'<!DOCTYPE rss [<!ENTITY a "x&b;"><!ENTITY b "&a;">]>'),
        "refers to itself",
    ),
    "1M sibling tags in a title": (feed(b"<title>" + b"<b/>" * 1_000_000 + b"</title>"), "tags in one field"),
    "20k escaped tags in a description": (
        feed(b"<description>" + b"&lt;b&gt;" * 20_000 + b"x</description>"),
        "tags in one field",
    ),
    "1M tags nested in a broken feed": (
        feed(b"<title>x</titel><description>" + b"<i>" * 1_000_000 + b"</description>"),
        f"nested deeper than {MAX_FEED_DEPTH}",
    ),
    "1M elements outside any item": (
        b'<?xml version="1.0"?><html><body>' + b"<p/>" * 1_000_000 + b"</body></html>",
        "more than 250000 elements",
    ),
    "tags spread over many fields": (
        feed(b"".join(b"<d%d>" % n + b"<b/>" * (MAX_FIELD_TAGS - 1) + b"</d%d>" % n for n in range(25))),
        "tags in its fields",
    ),
}


@pytest.mark.parametrize("name", HOSTILE_FEEDS)
def test_a_hostile_feed_is_refused_at_once_with_its_reason(name: str) -> None:
    body, reason = HOSTILE_FEEDS[name]
    start = time.thread_time()
    with pytest.raises(SourceError, match=reason) as refused:
        parse_feed(body, FEED, "x", "application/rss+xml")
    assert time.thread_time() - start < 2.0, name  # feedparser took 5-40 s on these
    assert str(refused.value).startswith("hostile feed: ") and "\n" not in str(refused.value)


BOMB_ITEMS = "".join(
    f"<item><title>t{n} " + "&e;" * 20 + f"</title><link>https://x.org/a/{n}</link></item>" for n in range(10)
)
BOMB_DOCTYPE = '\n<!DOCTYPE rss [\n<!ENTITY e "' + "A" * 20_000 + '">\n]>'
BOMB_RSS = '<rss version="2.0"><channel><title>F</title>' + BOMB_ITEMS + "</channel></rss>"
UTF16_DECLARATION = '<?xml version="1.0" encoding="utf-16"?>'
DISGUISED_BOMBS: dict[str, tuple[bytes, str | None]] = {
    "UTF-16 with a BOM": ((UTF16_DECLARATION + BOMB_DOCTYPE + BOMB_RSS).encode("utf-16"), None),
    "UTF-16 without a BOM": ((UTF16_DECLARATION + BOMB_DOCTYPE + BOMB_RSS).encode("utf-16-le"), None),
    "UTF-16 named only by the HTTP charset": (
        (BOMB_DOCTYPE.lstrip() + BOMB_RSS).encode("utf-16-be"),
        "application/rss+xml; charset=utf-16be",
    ),
    "a 70 KB comment before the DOCTYPE": (
        ('<?xml version="1.0"?><!--' + "c" * 70_000 + "-->" + BOMB_DOCTYPE + BOMB_RSS).encode(),
        None,
    ),
    "a 70 KB processing instruction before the DOCTYPE": (
        ('<?xml version="1.0"?><?pi ' + "p" * 70_000 + "?>" + BOMB_DOCTYPE + BOMB_RSS).encode(),
        None,
    ),
    "70 KB of text before the DOCTYPE": (
        ('<?xml version="1.0"?>' + "junk " * 14_000 + BOMB_DOCTYPE + BOMB_RSS).encode(),
        None,
    ),
}


@pytest.mark.parametrize("name", DISGUISED_BOMBS)
def test_an_entity_bomb_behind_an_encoding_or_a_long_prolog_is_refused(name: str) -> None:
    """20 references to a 20 KB entity: 400,000 characters per title, 4M in all."""
    body, content_type = DISGUISED_BOMBS[name]
    start = time.thread_time()
    with pytest.raises(SourceError, match="entities expand to more than"):
        parse_feed(body, FEED, "x", content_type)
    assert time.thread_time() - start < 2.0, name


HIDDEN_DECLARATIONS = {
    "in a comment before the DOCTYPE": '<!--\n<!ENTITY e "' + "A" * 20_000 + '">\n-->\n<!DOCTYPE rss>',
    "in a processing instruction": '<?pi \n<!ENTITY e "' + "A" * 20_000 + '">\n?>\n<!DOCTYPE rss>',
    "in a second DOCTYPE after text": 'junk <!DOCTYPE rss>\n<!DOCTYPE rss [\n<!ENTITY e "'
    + "A" * 20_000
    + '">\n]>',
}


@pytest.mark.parametrize("name", HIDDEN_DECLARATIONS)
def test_an_entity_declared_outside_a_dtd_is_never_expanded(name: str) -> None:
    body = ('<?xml version="1.0"?>' + HIDDEN_DECLARATIONS[name] + BOMB_RSS).encode()
    start = time.thread_time()
    try:
        titles = [c.title or "" for c in parse_feed(body, FEED, "x").candidates]
    except SourceError as refused:
        assert "hostile feed: " in str(refused)
    else:
        assert titles and max(map(len, titles)) < 1000, name
    assert time.thread_time() - start < 2.0, name


def test_an_entity_the_check_allows_is_still_never_expanded_by_feedparser() -> None:
    """A declared entity reads as a character only when it stands for one character;
    any other (here 50 characters, under every limit) is left unexpanded."""
    doctype = b'<!DOCTYPE rss [<!ENTITY dash "&#8212;"><!ENTITY long "' + b"L" * 50 + b'">]>'
    body = feed(b"<title>A&dash;B&long;</title>", doctype)
    titles = [c.title for c in parse_feed(body, FEED, "x").candidates]
    assert titles[0] == "Fine" and titles[1] is not None
    assert titles[1].startswith("A\u2014B") and "L" * 50 not in titles[1]


def test_feeds_with_ordinary_entities_nesting_and_markup_are_read() -> None:
    entity = feed(b"<title>A&nbsp;B &amp; C</title>", b'<!DOCTYPE rss [<!ENTITY nbsp "&#160;">]>')
    read = parse_feed(entity, FEED, "x")
    assert [c.title for c in read.candidates] == ["Fine", "A B & C"] and not read.malformed
    when = datetime(2026, 11, 20, tzinfo=UTC)
    xhtml = atom([(f"Story {n}", f"https://x.org/a/{n}", when) for n in range(50)]).replace(
        "</entry>",
        '<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">'
        + "<div><p><b><i><a href='https://x.org/'>deep</a></i></b></p></div>" * 100
        + "</div></content></entry>",
    )
    assert len(parse_feed(xhtml.encode(), FEED, "x").candidates) == 50
    escaped = rss([(f"Story {n}", f"https://x.org/a/{n}", when) for n in range(1000)]).replace(
        "summary</description>",
        "summary" + "&lt;p&gt;&lt;a href='x'&gt;link&lt;/a&gt;&lt;/p&gt;" * 40 + "</description>",
    )
    assert len(parse_feed(escaped.encode(), FEED, "x").candidates) == 1000


# --- sitemaps ----------------------------------------------------------------------------------

WHEN = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)


def test_a_sitemap_beyond_its_limit_keeps_the_newest_urls_and_says_so() -> None:
    order = [7, 2, 9, 0, 5, 8, 1, 6, 3, 4]  # hours ago, in document order
    items = [(f"S{h}", f"https://x.org/a/{h}", WHEN - timedelta(hours=h)) for h in order]
    found = parse_sitemap(news_sitemap(items).encode(), "https://x.org/news.xml", "x", "news_sitemap", keep=4)
    assert [c.url for c in found.candidates] == [
        f"https://x.org/a/{h}" for h in (2, 0, 1, 3)
    ]  # document order
    assert found.malformed and found.problem == (
        "lists 10 URLs, more than the 4 a sitemap may hold: the newest 4 read"
    )


def test_sitemap_urls_dated_before_since_are_counted_not_returned() -> None:
    items = [(f"S{d}", f"https://x.org/a/{d}", WHEN - timedelta(days=d)) for d in range(10)]
    plain = (
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://x.org/undated</loc></url>'
        b"<url><loc>https://x.org/revised</loc><lastmod>2026-11-20</lastmod></url></urlset>"
    )
    found = parse_sitemap(
        news_sitemap(items).encode(), "u", "x", "news_sitemap", since=WHEN - timedelta(days=3)
    )
    assert [c.url for c in found.candidates] == [f"https://x.org/a/{d}" for d in range(4)]
    assert found.older == 6 and not found.malformed
    found = parse_sitemap(plain, "u", "x", since=WHEN - timedelta(days=3))
    assert [c.url for c in found.candidates] == ["https://x.org/undated", "https://x.org/revised"]


URLSET = b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
LAUGHS_SITEMAP = b'<?xml version="1.0"?><!DOCTYPE urlset [' + LAUGHS + b"]>" + URLSET[21:]


@pytest.mark.parametrize(
    ("body", "kept"),
    [
        (LAUGHS_SITEMAP + b"<url><loc>https://x.org/&l9;</loc></url></urlset>", []),
        (URLSET + b"<url><loc>https://x.org/a</loc></url><url>" + b"<x>" * 1_000_000, ["https://x.org/a"]),
    ],
    ids=["billion laughs", "1M tags nested"],
)
def test_a_sitemap_is_never_expanded_or_nested_without_limit(body: bytes, kept: list[str]) -> None:
    start = time.thread_time()
    found = parse_sitemap(body, "https://x.org/s.xml", "x")
    assert time.thread_time() - start < 2.0
    assert [c.url for c in found.candidates] == kept and found.malformed


@pytest.mark.parametrize(
    "body",
    [
        URLSET + b"<url><loc>https://x.org/a</loc>" + b"<x/>" * 2_000_000 + b"</url></urlset>",
        URLSET + b"<url><loc>https://x.org/a</loc></url>" + b"<x/>" * 2_000_000 + b"</urlset>",
    ],
    ids=["in an entry", "between entries"],
)
def test_a_sitemap_piling_up_elements_is_refused(body: bytes) -> None:
    start = time.thread_time()
    with pytest.raises(SourceError, match="hostile sitemap: more than 10000 elements before an entry ends"):
        parse_sitemap(gzip.compress(body, compresslevel=1), "https://x.org/s.xml.gz", "x")
    assert time.thread_time() - start < 2.0  # (the tree of 2M elements took 300 MB before)


def test_a_large_feed_listed_as_a_sitemap_is_read_as_a_feed() -> None:
    items = [(f"S{n}", f"https://x.org/a/{n}", WHEN) for n in range(3000)]  # 18,000 elements
    assert len(parse_sitemap(rss(items).encode(), "https://x.org/feed", "x").candidates) == 3000


def test_a_gzip_bomb_sitemap_is_still_refused() -> None:
    bomb = gzip.compress(b"<urlset>" + b" " * (MAX_SITEMAP_BYTES + 1), compresslevel=1)
    with pytest.raises(SourceError, match="expands beyond"):
        parse_sitemap(bomb, "https://x.org/s.xml.gz", "x")


def test_a_large_gzipped_sitemap_is_read_in_seconds() -> None:
    body = BENCH.big_sitemap("https://x.org", WHEN, 0.25)  # 47k URLs, 12 MB decompressed
    start = time.thread_time()
    found = parse_sitemap(body, "https://x.org/s.xml.gz", "x", "news_sitemap", since=WHEN - timedelta(days=7))
    assert time.thread_time() - start < 10
    assert len(found.candidates) == 7 * 24 * 60 and found.older == 47_000 - 7 * 24 * 60
    assert found.candidates[-1].url.endswith("story-046999-on-supply-routes-through-third-countries")


# --- the crawl ---------------------------------------------------------------------------------


def test_a_crawl_of_the_hostile_documents_stays_under_300_mb() -> None:
    """entities and depth at full size, the sitemap at 0.3 (56k URLs, 15 MB decompressed);
    each hostile feed is a source error with its reason, the outlet's good feed still works."""
    result = BENCH.measure(
        {"entities": 1.0, "depth": 1.0, "sitemap": 0.3}, NEWSWATCH_MAX_ARTICLES_PER_RUN="3"
    )
    assert result["exit"] == 0
    assert result["peak_rss_mb"] < 300, result  # before: 397 MB (entities), 502 MB (depth)
    assert result["wall_s"] < 90, result
    outlets = result["outlets"]
    for case, reason in (("entities", "entities expand to more than"), ("depth", "nested deeper than")):
        run = outlets[case]["run"]
        assert outlets[case]["good_archived"], case
        assert (run["status"], run["source_errors"], run["new"]) == ("partial", 1, 1), case
        assert f"feed {outlets[case]['hostile_url']}: hostile feed: " in run["last_error"]
        assert reason in run["last_error"]
    sitemap = outlets["sitemap"]["run"]
    assert sitemap["discovered"] == 56_400 + 1  # every URL counted, the old ones without being held
    assert sitemap["skipped_stale"] >= 56_400 - 7 * 24 * 60
