"""Canonicalisation: one spelling per article."""

from __future__ import annotations

import pytest

from urls import BadURL, canonicalize, host_matches, url_hash, url_key


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("HTTPS://WWW.DW.COM:443/en/story/a-1", "https://www.dw.com/en/story/a-1"),
        ("http://example.org:80/a", "http://example.org/a"),
        ("http://example.org:8080/a", "http://example.org:8080/a"),
        ("https://x.org/a#comments", "https://x.org/a"),
        ("https://x.org/a?utm_source=rss&utm_medium=feed&id=7", "https://x.org/a?id=7"),
        ("https://x.org/a?fbclid=abc&gclid=def&msclkid=1", "https://x.org/a"),
        (
            "https://www.dw.com/en/x/a-68117411?maca=en-rss-en-all-1573-rdf",
            "https://www.dw.com/en/x/a-68117411",
        ),
        ("https://x.org/a?b=2&a=1", "https://x.org/a?a=1&b=2"),
        ("https://x.org/a%7eb", "https://x.org/a~b"),
        ("https://x.org/story/amp/", "https://x.org/story/"),
        ("https://x.org/story/amp", "https://x.org/story"),
        ("https://x.org/amp/world/story", "https://x.org/world/story"),
        ("https://x.org/story.amp.html", "https://x.org/story.html"),
        ("https://x.org/story?amp=1", "https://x.org/story"),
        ("https://x.org/story?outputType=amp", "https://x.org/story"),
        ("https://amp.example.com/world/story", "https://example.com/world/story"),
        (
            "https://example-com.cdn.ampproject.org/c/s/example.com/world/story",
            "https://example.com/world/story",
        ),
        ("  https://x.org/a b  ", "https://x.org/ab"),
    ],
)
def test_canonicalize_folds_spellings_of_one_article(raw: str, expected: str) -> None:
    assert canonicalize(raw) == expected


def test_canonicalize_keeps_paths_that_only_contain_amp_letters() -> None:
    assert canonicalize("https://x.org/camp/amplifier") == "https://x.org/camp/amplifier"
    assert canonicalize("https://x.org/a/amp-story") == "https://x.org/a/amp-story"


def test_relative_links_resolve_against_their_page() -> None:
    assert canonicalize("../b/c?utm_term=x", "https://x.org/a/page.html") == "https://x.org/b/c"


@pytest.mark.parametrize(
    "bad", ["", "mailto:a@b.c", "/relative/only", "ftp://x.org/a", "http://", "http://[::1"]
)
def test_non_http_urls_are_refused(bad: str) -> None:
    with pytest.raises(BadURL):
        canonicalize(bad)


def test_url_key_ignores_scheme_www_and_trailing_slash() -> None:
    variants = ["http://www.x.org/a/", "https://x.org/a", "https://www.x.org/a?utm_source=y"]
    assert len({url_key(canonicalize(v)) for v in variants}) == 1
    assert len({url_hash(canonicalize(v)) for v in variants}) == 1
    assert url_hash(canonicalize("https://x.org/a?id=1")) != url_hash(canonicalize("https://x.org/a?id=2"))


def test_host_matches_subdomains_but_not_lookalikes() -> None:
    domains = {"dw.com", "bbc.co.uk"}
    assert host_matches("www.dw.com", domains)
    assert host_matches("rss.dw.com", domains)
    assert host_matches("news.bbc.co.uk", domains)
    assert not host_matches("evildw.com", domains)
    assert not host_matches("dw.com.evil.org", domains)
