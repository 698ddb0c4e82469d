"""Feed, sitemap and listing parsing (pure functions, no crawler)."""

from __future__ import annotations

import gzip
from datetime import UTC, datetime, timedelta, timezone

import pytest
from outlet_sites import atom, news_sitemap, rdf, rss, sitemap_index

from newswatch.clock import parse_date
from newswatch.discovery import SourceError, parse_feed, parse_listing, parse_sitemap, parse_source

WHEN = datetime(2026, 11, 20, 9, 30, tzinfo=UTC)
ITEMS = [
    ("First story", "https://x.org/a/1?utm_source=rss", WHEN),
    ("Second story", "https://x.org/a/2", WHEN - timedelta(hours=2)),
]


@pytest.mark.parametrize("render", [rss, rdf, atom], ids=["rss2", "rdf", "atom"])
def test_every_feed_format_gives_canonical_links_titles_and_dates(render) -> None:  # type: ignore[no-untyped-def]
    found = parse_feed(render(ITEMS).encode(), "https://x.org/feed", "x")
    assert [c.url for c in found.candidates] == ["https://x.org/a/1", "https://x.org/a/2"]
    assert [c.title for c in found.candidates] == ["First story", "Second story"]
    assert found.candidates[0].date == WHEN
    assert all(c.source_kind == "feed" and c.outlet == "x" for c in found.candidates)
    assert not found.malformed


def test_a_truncated_feed_keeps_its_whole_items_and_says_it_is_malformed() -> None:
    text = rss(ITEMS)
    found = parse_feed(text[: text.index("<title>Second")].encode(), "https://x.org/feed", "x")
    assert [c.url for c in found.candidates] == ["https://x.org/a/1"]
    assert found.malformed and found.problem


@pytest.mark.parametrize(
    "body",
    [
        b"<html><body><p>Moved</p></body></html>",
        b"",
        b"\x00\x01\x02binary",
        b"<?xml version='1.0'?><rss><channel><item><title>x",
    ],
)
def test_things_that_are_not_feeds_raise_source_error(body: bytes) -> None:
    with pytest.raises(SourceError):
        parse_feed(body, "https://x.org/feed", "x")


def test_news_sitemap_keeps_news_title_and_publication_date() -> None:
    found = parse_sitemap(news_sitemap(ITEMS).encode(), "https://x.org/news.xml", "x", "news_sitemap")
    first = found.candidates[0]
    assert (first.url, first.title, first.published, first.language) == (
        "https://x.org/a/1",
        "First story",
        WHEN,
        "en",
    )
    assert first.source_kind == "news_sitemap"


def test_sitemap_index_lists_children_with_lastmod() -> None:
    body = sitemap_index([("https://x.org/s1.xml", WHEN), ("https://x.org/s2.xml#x", WHEN)])
    found = parse_sitemap(body.encode(), "https://x.org/index.xml", "x")
    assert found.sitemaps == [("https://x.org/s1.xml", WHEN), ("https://x.org/s2.xml", WHEN)]
    assert found.candidates == []


def test_gzipped_sitemap_is_read() -> None:
    body = gzip.compress(news_sitemap(ITEMS).encode())
    assert len(parse_sitemap(body, "https://x.org/news.xml.gz", "x").candidates) == 2


def test_plain_sitemap_lastmod_is_the_candidate_date() -> None:
    body = (
        b'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
        b"<url><loc>https://x.org/a/9</loc><lastmod>2026-11-20</lastmod></url></urlset>"
    )
    (candidate,) = parse_sitemap(body, "https://x.org/sitemap.xml", "x").candidates
    assert candidate.updated == datetime(2026, 11, 20, tzinfo=UTC) and candidate.published is None


def test_sitemap_with_external_entity_is_not_expanded() -> None:
    body = (
        b'<?xml version="1.0"?><!DOCTYPE u [<!ENTITY e SYSTEM "file:///etc/passwd">]>'
        b'<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc>https://x.org/&e;</loc>'
        b"</url></urlset>"
    )
    found = parse_sitemap(body, "https://x.org/s.xml", "x")
    assert all("root:" not in c.url for c in found.candidates)


def test_truncated_sitemap_yields_what_it_can_and_is_malformed() -> None:
    text = news_sitemap(ITEMS)
    found = parse_sitemap(text[: text.index("<url>", 200)].encode() + b"<url><loc>https://x", "u", "x")
    assert found.malformed
    assert [c.url for c in found.candidates] == ["https://x.org/a/1"]


@pytest.mark.parametrize("body", [b"", b"not xml at all", b"<html><body>hi</body></html>"])
def test_not_a_sitemap_raises_source_error(body: bytes) -> None:
    with pytest.raises(SourceError):
        parse_sitemap(body, "https://x.org/s.xml", "x")


def test_a_feed_configured_as_a_sitemap_is_read_as_a_feed() -> None:
    found = parse_source("sitemap", rss(ITEMS).encode(), "https://x.org/feed", "x")
    assert len(found.candidates) == 2


def test_listing_page_gives_absolute_canonical_links_once() -> None:
    html = b"""<html><head><base href="https://x.org/news/"></head><body>
    <a href="a/1">One</a><a href="a/1?utm_source=home">One again</a><a href="#top">Top</a>
    <a href="javascript:void(0)">JS</a><a href="mailto:x@x.org">Mail</a><a href="https://y.org/b">Other</a></body></html>"""
    found = parse_listing(html, "https://x.org/news/index.html", "x")
    assert [(c.url, c.title) for c in found.candidates] == [
        ("https://x.org/news/a/1", "One"),
        ("https://y.org/b", "Other"),
    ]


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2026-11-20T09:30:00Z", WHEN),
        ("2026-11-20T10:30:00+01:00", WHEN),
        ("2026-11-20T10:30+0100", WHEN),
        ("Fri, 20 Nov 2026 09:30:00 GMT", WHEN),
        ("2026-11-20", datetime(2026, 11, 20, tzinfo=UTC)),
        ("yesterday", None),
        ("", None),
    ],
)
def test_parse_date_reads_the_formats_sources_use(raw: str, expected: datetime | None) -> None:
    assert parse_date(raw) == expected


def test_parse_date_keeps_the_sources_own_offset() -> None:
    parsed = parse_date("2026-11-20T00:30:00+02:00")
    assert parsed is not None and parsed.utcoffset() == timezone(timedelta(hours=2)).utcoffset(None)
    assert parsed.date().isoformat() == "2026-11-20"
