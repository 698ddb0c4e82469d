"""Store pipeline: one transaction per article (row, full-text index, story, alert, seen URLs).

Each article is fingerprinted and matched against the window of recent articles (kept in
memory, topped up from the archive inside the transaction, so parallel crawls see each
other): a copy or another report of the same event joins that story.

A write failure (disk full, read-only file) stops the crawl rather than losing every
article after it; the run is then recorded as cut short.
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlsplit

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.settings import BaseSettings
from scrapy.utils.defer import deferred_from_coro

from archive import ArchiveError
from outlets import Outlet
from pipelines.runs import bump, note_error
from records import Article
from spiders.news import news_spider
from stories import StoryConfig, StoryIndex, fingerprint


def story_config(settings: BaseSettings) -> StoryConfig:
    """Thresholds and windows from the ``NEWSWATCH_STORY_*`` / ``NEWSWATCH_COPY_*`` settings."""
    get = settings.getfloat
    return StoryConfig(
        event_threshold=get("NEWSWATCH_STORY_THRESHOLD"),
        copy_threshold=get("NEWSWATCH_COPY_THRESHOLD"),
        min_shared_entities=settings.getint("NEWSWATCH_STORY_MIN_SHARED"),
        event_window=timedelta(hours=get("NEWSWATCH_STORY_WINDOW_HOURS")),
        copy_window=timedelta(days=get("NEWSWATCH_COPY_WINDOW_DAYS")),
    )


def article_url(item: Article, outlet: Outlet) -> str:
    """The URL to archive: the page's own canonical link when it stays on the outlet and is
    not the homepage (some sites point every page there), else the requested URL."""
    canonical = item.extraction.canonical_url if item.extraction else None
    if canonical and urlsplit(canonical).path not in ("", "/") and outlet.in_scope(canonical):
        return canonical
    return item.url


class StorePipeline:
    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self.stories = StoryIndex(story_config(crawler.settings))

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        return cls(crawler)

    def process_item(self, item: Article, spider: object = None) -> Article:
        news = news_spider(self.crawler)
        assert item.extraction is not None
        url = article_url(item, news.outlets[item.outlet])
        item.fingerprint = fingerprint(item.extraction.title, item.extraction.text)
        try:
            stored = news.archive.store_article(
                item, item.extraction, url, news.run_id, item.fingerprint, self.stories, item.revisit
            )
        except ArchiveError as exc:
            bump(self.crawler.stats, item.outlet, "errors")
            note_error(self.crawler.stats, item.outlet, str(exc))
            news.logger.error("[%s] %s", item.outlet, exc)
            assert self.crawler.engine is not None
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="archive_error"))
            raise DropItem(f"not archived: {item.url}") from exc
        if stored.outcome == "revised":
            bump(self.crawler.stats, item.outlet, "revised")
            news.logger.info("[%s] revised (alert: %s): %s", item.outlet, stored.alert or "none", url)
            return item
        if stored.outcome != "new":
            bump(self.crawler.stats, item.outlet, "skipped_seen")
            raise DropItem(f"[{item.outlet}] already archived ({stored.outcome}): {url}")
        bump(self.crawler.stats, item.outlet, "new")
        if stored.relation in ("copy", "related"):
            bump(self.crawler.stats, item.outlet, "grouped")
            news.logger.info(
                "[%s] joins story %s (%s): %s", item.outlet, stored.story_id, stored.relation, url
            )
        if item.verdict is not None and item.verdict.flagged:
            bump(self.crawler.stats, item.outlet, "flagged")
            news.logger.info(
                "[%s] flagged (%s, %s): %s",
                item.outlet,
                item.verdict.severity,
                ", ".join(item.verdict.rules),
                url,
            )
        return item
