"""Extract pipeline: article text and metadata from the fetched page, with the outlet's
extraction overrides (``body_selector``, ``drop_selectors``) from the outlets file.

The language recorded is the page's (else the outlet's), or the one detected from the text
when none is given or the text is surely in another language (``newswatch.language``); the
rules read the article in it.

Empty or too-short extractions (``text_size`` under ``NEWSWATCH_MIN_TEXT_CHARS``, a
Chinese or Japanese character counting as three, a Korean syllable as two, so a brief is
measured the same in every script) are counted per outlet, recorded in ``seen_urls`` (status
``empty``) and dropped; pages that turn out older than the freshness window are recorded
as ``stale``. A revisit (an archived article fetched again because its source said it
changed) is never dropped as stale, and an empty revisit leaves the archived text alone.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.statscollectors import StatsCollector

from newswatch.archive import Archive
from newswatch.extraction import extract, reset_caches
from newswatch.extraction.authors import publisher_names, without_publishers
from newswatch.language import article_language
from newswatch.outlets import Outlet
from newswatch.records import Article
from newswatch.text import CJK_CHAR, HANGUL
from spiders.news import news_spider
from spiders.runs import bump, crawl_archive

#: What one character of these scripts counts for against NEWSWATCH_MIN_TEXT_CHARS: the same
#: report is about three times as long in characters in English (or Russian, German…) as in
#: Chinese or Japanese, where a character is a word or most of one and no spaces are written,
#: and about twice as long as in Korean, whose syllable blocks hold two or three letters.
CJK_WEIGHT = 3
HANGUL_WEIGHT = 2


def text_size(text: str) -> int:
    """The length of ``text`` in characters of an alphabetic script: a Chinese or Japanese
    character counts ``CJK_WEIGHT``, a Hangul syllable ``HANGUL_WEIGHT``, others one."""
    cjk = len(CJK_CHAR.findall(text))
    hangul = len(HANGUL.findall(text))
    return len(text) + (CJK_WEIGHT - 1) * cjk + (HANGUL_WEIGHT - 1) * hangul


class ExtractPipeline:
    def __init__(
        self,
        archive: Archive,
        outlets: dict[str, Outlet],
        cutoff: datetime,
        min_chars: int,
        stats: StatsCollector | None = None,
    ):
        self.archive = archive
        self.outlets = outlets
        self.cutoff = cutoff
        self.min_chars = min_chars
        self.stats = stats

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ExtractPipeline:
        news = news_spider(crawler)
        min_chars = crawler.settings.getint("NEWSWATCH_MIN_TEXT_CHARS")
        return cls(crawl_archive(crawler), news.outlets, news.cutoff, min_chars, crawler.stats)

    def close_spider(self, spider: object = None) -> None:
        reset_caches()

    def process_item(self, item: Article, spider: object = None) -> Article:
        archive = self.archive
        outlet = self.outlets.get(item.outlet)
        extraction = extract(
            item.html,
            item.final_url,
            hint=item.candidate,
            language=item.outlet_language,
            body_selector=outlet.body_selector if outlet else None,
            drop_selectors=outlet.drop_selectors if outlet else (),
        )
        item.html = ""  # the page is not kept; free it before the store
        if outlet is not None and extraction.authors:  # the outlet is no author, whatever the page calls it
            publishers = publisher_names(outlet.name, outlet.key, outlet.domains)
            extraction = replace(extraction, authors=without_publishers(extraction.authors, publishers))
        language, _ = article_language(extraction.language, extraction.title or "", extraction.text)
        if language != extraction.language:  # none declared, or the text is surely in another
            extraction = replace(extraction, language=language)
        urls = [item.url, item.final_url]
        size = text_size(extraction.text)
        if item.revisit and size < self.min_chars:
            # the archived text stays; the page may be back next time the source says it changed
            archive.seen.touch(urls)
            raise DropItem(f"[{item.outlet}] revisit extracted nothing; archived text kept: {item.final_url}")
        if size < self.min_chars:
            bump(self.stats, item.outlet, "empty")
            measured = f"{len(extraction.text)} characters" + (
                f" (counted as {size})" if size != len(extraction.text) else ""
            )
            archive.seen.mark(urls, item.outlet, "empty", detail=f"{measured} extracted")
            raise DropItem(f"[{item.outlet}] empty extraction ({measured}): {item.final_url}")
        cutoff = self.cutoff
        if not item.revisit and extraction.published is not None and extraction.published < cutoff:
            bump(self.stats, item.outlet, "skipped_stale")
            archive.seen.mark(urls, item.outlet, "stale", published=extraction.published)
            raise DropItem(
                f"[{item.outlet}] published {extraction.published:%Y-%m-%d}, before "
                f"the window: {item.final_url}"
            )
        item.extraction = extraction
        return item
