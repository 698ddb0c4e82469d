"""Extract pipeline: article text and metadata from the fetched page, with the outlet's
extraction overrides (``body_selector``, ``drop_selectors``) from the outlets file.

Empty or too-short extractions are counted per outlet, recorded in ``seen_urls`` (status
``empty``) and dropped; pages that turn out older than the freshness window are recorded
as ``stale``. A revisit (an archived article fetched again because its source said it
changed) is never dropped as stale, and an empty revisit leaves the archived text alone.
"""

from __future__ import annotations

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem

from newswatch.extraction import extract, reset_caches
from newswatch.records import Article
from pipelines.runs import bump
from spiders.news import news_spider


class ExtractPipeline:
    def __init__(self, crawler: Crawler, min_chars: int):
        self.crawler = crawler
        self.min_chars = min_chars

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        return cls(crawler, crawler.settings.getint("NEWSWATCH_MIN_TEXT_CHARS"))

    def open_spider(self, spider: object = None) -> None:
        reset_caches()

    def close_spider(self, spider: object = None) -> None:
        reset_caches()

    def process_item(self, item: Article, spider: object = None) -> Article:
        news = news_spider(self.crawler)
        archive = news.archive
        outlet = news.outlets.get(item.outlet)
        extraction = extract(
            item.html,
            item.final_url,
            hint=item.candidate,
            language=item.outlet_language,
            body_selector=outlet.body_selector if outlet else None,
            drop_selectors=outlet.drop_selectors if outlet else (),
        )
        item.html = ""  # the page is not kept; free it before the store
        urls = [item.url, item.final_url]
        if item.revisit and len(extraction.text) < self.min_chars:
            # the archived text stays; the page may be back next time the source says it changed
            archive.touch_seen(urls)
            raise DropItem(f"[{item.outlet}] revisit extracted nothing; archived text kept: {item.final_url}")
        if len(extraction.text) < self.min_chars:
            bump(self.crawler.stats, item.outlet, "empty")
            archive.mark_seen(
                urls, item.outlet, "empty", detail=f"{len(extraction.text)} characters extracted"
            )
            raise DropItem(
                f"[{item.outlet}] empty extraction ({len(extraction.text)} chars): {item.final_url}"
            )
        cutoff = news.cutoff
        if not item.revisit and extraction.published is not None and extraction.published < cutoff:
            bump(self.crawler.stats, item.outlet, "skipped_stale")
            archive.mark_seen(urls, item.outlet, "stale", published=extraction.published)
            raise DropItem(
                f"[{item.outlet}] published {extraction.published:%Y-%m-%d}, before "
                f"the window: {item.final_url}"
            )
        item.extraction = extraction
        return item
