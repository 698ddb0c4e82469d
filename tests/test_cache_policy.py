"""The feed cache: what it stores, and that revalidations leave AutoThrottle alone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

from scrapy import Request
from scrapy.http import Response
from scrapy.settings import Settings

from spiders.cache import SourcesOnlyPolicy

FEED = "https://www.example.org/feed.xml"


def _policy() -> SourcesOnlyPolicy:
    return SourcesOnlyPolicy(Settings())


def _cached(**headers: str) -> Response:
    return Response(FEED, status=200, headers={"Date": "Sun, 22 Nov 2026 10:00:00 GMT", **headers})


def test_feeds_are_cached_and_articles_are_not() -> None:
    policy = _policy()
    assert policy.should_cache_request(Request(FEED, meta={"nw_kind": "feed"}))
    assert not policy.should_cache_request(Request("https://www.example.org/a/1.html"))


def test_revalidating_a_feed_sends_its_etag_and_does_not_adjust_the_throttle() -> None:
    request = Request(FEED, meta={"nw_kind": "feed"})
    assert not _policy().is_cached_response_fresh(
        _cached(ETag='"v1"', **{"Cache-Control": "max-age=0"}), request
    )
    assert request.headers.get("If-None-Match") == b'"v1"'
    assert request.meta["autothrottle_dont_adjust_delay"] is True


def test_a_feed_without_validators_is_fetched_in_full_and_steers_the_throttle() -> None:
    request = Request(FEED, meta={"nw_kind": "feed"})
    assert not _policy().is_cached_response_fresh(_cached(**{"Cache-Control": "max-age=0"}), request)
    assert request.headers.get("If-None-Match") is None
    assert "autothrottle_dont_adjust_delay" not in request.meta


def test_robots_txt_is_reused_for_its_max_age_then_asked_for_again() -> None:
    policy = SourcesOnlyPolicy(Settings({"NEWSWATCH_ROBOTS_MAX_AGE": 3600}))
    robots = Request("https://www.example.org/robots.txt")
    assert policy.should_cache_request(robots)
    assert policy.should_cache_response(Response(robots.url, status=200), robots)  # even without validators
    now = datetime.now(UTC)
    recent = Response(robots.url, headers={"Date": format_datetime(now - timedelta(minutes=50), usegmt=True)})
    old = Response(
        robots.url,
        headers={
            "Date": format_datetime(now - timedelta(minutes=70), usegmt=True),
            "Last-Modified": format_datetime(now - timedelta(days=9), usegmt=True),
        },
    )
    assert policy.is_cached_response_fresh(recent, Request(robots.url))
    again = Request(robots.url)
    assert not policy.is_cached_response_fresh(old, again)
    assert again.headers.get("If-Modified-Since") is None  # a full fetch, which restarts the hour
