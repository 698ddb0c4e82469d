"""A quiet poll: a feed that has not changed since a run read it, and whose every item was
settled then, is not parsed again; its run is still counted as a parse would count it, and
work left over (items deferred by the per-run cap, articles that failed) is still done."""

from __future__ import annotations

import gc
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fakeweb import FakeWeb
from helpers import crawl_env, news_crawler, outlet_table, rows, run_newswatch, write_outlets
from outlet_sites import Story, pangea_page, paragraphs, rss
from scrapy import Request
from scrapy.http import HtmlResponse
from scrapy.settings import Settings
from scrapy.utils.misc import _generator_callbacks_cache, is_generator_with_return_value
from scrapy.utils.test import get_crawler

from spiders.cache import STALE_BY_DATE, SourceCacheStorage, SourceRead
from spiders.news import NewsSpider

RSS_TYPE = "application/rss+xml; charset=utf-8"
UNCHANGED = "unchanged since a run read them"


@dataclass
class Poll:
    stderr: str
    requests: list[str]  # paths asked for in this run
    not_modified: list[str]
    run: dict[str, object]  # this run's crawl_runs row


@dataclass
class Polls:
    first: Poll  # a/2 fails, a/4 is deferred by the cap
    second: Poll  # the feed is unchanged: a/2 and a/4 are fetched
    third: Poll  # unchanged, everything settled: not parsed
    fourth: Poll  # the feed changed: a/5 is new
    archived: set[str]


def _feed(web: FakeWeb, now: datetime, paths: list[str], etag: str) -> None:
    items = [(f"Story {p}", web.url(p), now - timedelta(hours=1 + i)) for i, p in enumerate(paths)]
    web.add("/feed.xml", rss(items), content_type=RSS_TYPE, headers={"ETag": etag})


def _page(web: FakeWeb, path: str, now: datetime, status: int = 200) -> None:
    story = Story(path, f"Story {path}", paragraphs(f"the quiet poll story {path}"), now - timedelta(hours=1))
    web.add(path, pangea_page(story, web.url(path)), status=status)


@pytest.fixture(scope="module")
def polls(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Polls]:
    tmp = tmp_path_factory.mktemp("quiet")
    web = FakeWeb().start()
    now = datetime.now(UTC).replace(microsecond=0)
    try:
        web.add("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
        for path in ("/a/1", "/a/3", "/a/4"):
            _page(web, path, now)
        _page(web, "/a/2", now, status=500)  # fails in the first run
        _feed(web, now, ["/a/1", "/a/2", "/a/3", "/a/4"], '"v1"')
        outlets = write_outlets(
            tmp / "outlets.toml",
            outlet_table("quiet", web.url("/"), feeds=[web.url("/feed.xml")], allow=["/a/\\d+$"]),
        )
        env = crawl_env(tmp, outlets)
        db = tmp / "data" / "newswatch.db"

        def poll() -> Poll:
            start, quiet = len(web.log), len(web.not_modified)
            args = ["crawl", "-vv", "-s", "RETRY_TIMES=0", "-s", "NEWSWATCH_MAX_ARTICLES_PER_RUN=3"]
            result = run_newswatch(args, env)
            assert result.returncode == 0, result.stderr[-3000:]
            run = rows(db, "SELECT * FROM crawl_runs ORDER BY id DESC LIMIT 1")[0]
            return Poll(result.stderr, [p for _, p in web.log[start:]], web.not_modified[quiet:], run)

        first = poll()
        _page(web, "/a/2", now)  # back up
        second = poll()
        third = poll()
        _page(web, "/a/5", now)
        _feed(web, now, ["/a/5", "/a/1", "/a/2", "/a/3", "/a/4"], '"v2"')
        fourth = poll()
        port = str(web.server.server_address[1])
        archived = {str(r["url"]).split(port)[1] for r in rows(db, "SELECT url FROM articles")}
        yield Polls(first, second, third, fourth, archived)
    finally:
        web.stop()


def test_items_deferred_or_failed_are_fetched_although_their_feed_is_unchanged(polls: Polls) -> None:
    assert (polls.first.run["deferred"], polls.first.run["errors"]) == (1, 1)
    assert "/feed.xml" in polls.second.not_modified  # the feed answered 304 …
    assert UNCHANGED not in polls.second.stderr  # … and was read, for the work left over
    assert {"/a/2", "/a/4"} <= set(polls.second.requests)
    assert {"/a/1", "/a/2", "/a/3", "/a/4"} <= polls.archived


def test_an_unchanged_settled_feed_is_not_parsed_again_and_its_run_counts_every_item(polls: Polls) -> None:
    third = polls.third
    assert third.not_modified == ["/feed.xml"]
    assert [p for p in third.requests if p.startswith("/a/")] == []
    assert f"1 source(s) {UNCHANGED}" in third.stderr and "/feed.xml (4 items)" in third.stderr
    run = third.run
    assert (run["status"], run["discovered"], run["skipped_seen"], run["new"], run["fetched"]) == (
        "ok",
        4,
        4,
        0,
        0,
    )


def test_a_feed_that_changed_after_a_quiet_poll_is_parsed_and_its_new_item_archived(polls: Polls) -> None:
    fourth = polls.fourth
    assert "/feed.xml" not in fourth.not_modified and UNCHANGED not in fourth.stderr
    assert "/a/5" in polls.archived
    run = fourth.run
    assert (run["status"], run["discovered"], run["skipped_seen"], run["new"]) == ("ok", 5, 4, 1)


def test_a_source_read_is_read_again_when_an_item_once_too_old_is_inside_the_window() -> None:
    cutoff = datetime(2026, 3, 10, tzinfo=UTC)
    read = SourceRead(
        "d",
        "s",
        (
            ("https://x.org/a/1", "skipped_seen", cutoff + timedelta(days=1)),
            ("https://x.org/a/2", STALE_BY_DATE, cutoff - timedelta(days=1)),
        ),
        {},
    )
    assert SourceRead.decode(read.encode()) == read
    assert read.replay(cutoff) == [
        ("https://x.org/a/1", "skipped_seen"),
        ("https://x.org/a/2", "skipped_stale"),
    ]
    assert read.replay(cutoff - timedelta(days=2)) is None  # a longer window: a/2 would be fetched now
    # an item that has since grown older than the window counts as a parse would count it
    assert read.replay(cutoff + timedelta(days=2))[0] == ("https://x.org/a/1", "skipped_stale")


def test_scrapy_reads_each_callback_source_once_per_crawl_not_per_response(tmp_path: Path) -> None:
    outlets = write_outlets(
        tmp_path / "outlets.toml",
        outlet_table("one", "https://one.example/", feeds=["https://one.example/feed.xml"]),
    )
    settings = {"NEWSWATCH_OUTLETS": str(outlets), "NEWSWATCH_DB": str(tmp_path / "nw.db")}
    with news_crawler(settings) as crawler:
        spider = crawler.spider
        assert isinstance(spider, NewsSpider)
        outlet = spider.outlets["one"]
        first = spider._source_request(outlet, "feed", "https://one.example/feed.xml", 0)
        assert first.callback is not None
        is_generator_with_return_value(first.callback)  # Scrapy's check, made for the first response
        del first
        gc.collect()
        second = spider._source_request(outlet, "feed", "https://one.example/feed.xml", 0)
        assert second.callback in _generator_callbacks_cache  # the next response finds it made


def test_a_revalidated_cache_entry_takes_the_new_headers_without_rewriting_its_body(tmp_path: Path) -> None:
    crawler = get_crawler(settings_dict={"HTTPCACHE_DIR": str(tmp_path / "cache")})
    storage = SourceCacheStorage(Settings({"HTTPCACHE_DIR": str(tmp_path / "cache")}))
    spider = type("S", (), {"name": "news", "crawler": crawler})()
    storage.open_spider(spider)  # type: ignore[arg-type]
    request = Request("https://one.example/feed.xml", meta={"nw_kind": "feed"})
    body = b"<rss><channel><item><link>https://one.example/a/1</link></item></channel></rss>"
    storage.store_response(spider, request, HtmlResponse(request.url, body=body, headers={"ETag": '"v1"'}))  # type: ignore[arg-type]
    body_file = Path(storage._get_request_path(spider, request)) / "response_body"  # type: ignore[arg-type]
    os.utime(body_file, ns=(1_000_000_000, 1_000_000_000))
    cached = storage.retrieve_response(spider, request)  # type: ignore[arg-type]
    assert cached is not None
    cached.flags.append("cached")  # as HttpCacheMiddleware marks what it read from the cache
    cached.headers["ETag"] = '"v2"'  # a 304's headers, as the middleware freshens them
    storage.store_response(spider, request, cached)  # type: ignore[arg-type]
    assert body_file.stat().st_mtime_ns == 1_000_000_000  # the body was not written again
    again = storage.retrieve_response(spider, request)  # type: ignore[arg-type]
    assert again is not None and again.body == body and again.headers["ETag"] == b'"v2"'


def test_a_fresh_robots_txt_is_read_from_the_cache_without_a_request(polls: Polls) -> None:
    third = polls.third
    assert "/robots.txt" not in third.requests
    # no request for it went through the downloader (Scrapy logs every response it crawls)
    assert "/robots.txt> (referer: None) ['cached']" not in third.stderr
    assert "/robots.txt>" in polls.first.stderr  # the first run fetched it
