"""Store pipeline: one transaction per article (row, full-text index, story, alert, seen URLs).

Each article is fingerprinted and matched against the window of recent articles (kept in
memory, topped up from the archive inside the transaction, so parallel crawls see each
other): a copy or another report of the same event joins that story.

A write failure (disk full, read-only file) stops the crawl rather than losing every
article after it; the run is then recorded as cut short.
"""

from __future__ import annotations

import logging
import re
from datetime import timedelta
from urllib.parse import unquote, urlsplit

from scrapy.crawler import Crawler
from scrapy.exceptions import DropItem
from scrapy.settings import BaseSettings
from scrapy.utils.defer import deferred_from_coro

from newswatch.archive import Archive, ArchiveError, Stored
from newswatch.outlets import Outlet
from newswatch.records import Article
from newswatch.stories import StoryConfig, StoryIndex, fingerprint
from newswatch.urls import bare_domain, host_of, url_key
from spiders.news import news_spider
from spiders.runs import bump, crawl_archive, note_error


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


#: the last path segment of an index page, whatever its extension
_INDEX_NAMES = frozenset({"", "index", "default", "home", "main", "start", "latest", "all"})
_EXTENSION = re.compile(r"\.(?:s?html?|php\d?|aspx?|jsp|cms)$")
_ID = re.compile(r"\d{5,}")  # an article id (4 digits or fewer: a year, month or day)
_WORDS = re.compile(r"[-_+.]+")
SLUG_WORDS = 3  # a last segment of this many words is a headline slug ("china-russia-arms")
LONG_NAME = 30  # characters: a segment this long names one page
LONG_CJK = 6  # Chinese, Japanese or Korean characters: a headline (a section name has 2-4)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


def article_shaped(url: str) -> bool:
    """True when the URL's path reads as one article's: its last segment carries an id of
    five digits or more, or is a slug of several words, or is long. The homepage, a bare
    section (``/world/``, ``/news``), a date archive (``/2026/11/``) or an index page are not."""
    segments = [unquote(s) for s in urlsplit(url).path.lower().split("/") if s]
    if not segments:
        return False
    last = _EXTENSION.sub("", segments[-1])
    if last in _INDEX_NAMES:
        return False
    words = [w for w in _WORDS.split(last) if w]
    long = len(last) >= LONG_NAME or len(_CJK.findall(last)) >= LONG_CJK
    return bool(_ID.search(last)) or len(words) >= SLUG_WORDS or long


def _site(url: str, outlet: Outlet) -> str | None:
    """The outlet domain a URL belongs to (the broadest that matches), or None."""
    host = bare_domain(host_of(url))
    matches = [d for d in outlet.domains if host == d or host.endswith("." + d)]
    return min(matches, key=len) if matches else None


_REFUSALS = {
    "offsite": "off the outlet's site",
    "denied": "denied by the outlet's rules",
    "not_allowed": "not allowed by the outlet's rules",
}


def canonical_problem(canonical: str, item: Article, outlet: Outlet) -> str | None:
    """Why a page's canonical link cannot be where it is archived, or None when it is
    plausible for this page: on the same site as the fetched URL, taken by the outlet's
    allow/deny rules, not the homepage or one of the outlet's sources, and article-shaped.
    (Whether another text already holds it is the archive's to say, in the transaction.)"""
    if url_key(canonical) == url_key(item.url):
        return None  # the requested URL (where a redirect led is checked like any link)
    site = _site(canonical, outlet)
    if site is None or site != _site(item.url, outlet):
        return "another site"
    refused = outlet.rejects(canonical)
    if refused:
        return _REFUSALS.get(refused, refused)
    if url_key(canonical) in {url_key(outlet.homepage), *(url_key(u) for _, u in outlet.sources())}:
        return "the outlet's homepage or a source"
    if not article_shaped(canonical):
        return "not an article's URL"
    return None


def article_url(item: Article, outlet: Outlet) -> str:
    """The URL to archive: the page's canonical link when it is plausible for this page
    (``canonical_problem``), else the requested URL."""
    canonical = item.extraction.canonical_url if item.extraction else None
    if canonical and canonical_problem(canonical, item, outlet) is None:
        return canonical
    return item.url


def archive_article(
    archive: Archive, item: Article, outlet: Outlet, run_id: str, stories: StoryIndex
) -> tuple[str, Stored]:
    """Store one classified article under the URL it is archived at (:func:`article_url`),
    fingerprinted for its story, in one transaction (the article, its verdict, story and
    alert, its seen URLs): the one write path of a local crawl and of the hub's ingest."""
    assert item.extraction is not None
    url = article_url(item, outlet)
    item.fingerprint = fingerprint(
        item.extraction.title,
        item.extraction.text,
        entities=item.entities,
        language=item.extraction.language or item.outlet_language,
    )
    extraction, fp = item.extraction, item.fingerprint
    stored = archive.articles.store(item, extraction, url, run_id, fp, stories, item.revisit)
    return url, stored


class StorePipeline:
    """Archives each article under the crawl's run id; stops the crawl when the archive
    cannot be written (``crawler`` is kept for its stats and engine only)."""

    def __init__(
        self,
        crawler: Crawler,
        archive: Archive,
        outlets: dict[str, Outlet],
        run_id: str,
        stories: StoryIndex,
        logger: logging.Logger | logging.LoggerAdapter[logging.Logger] | None = None,
    ):
        self.crawler = crawler
        self.archive = archive
        self.outlets = outlets
        self.run_id = run_id
        self.stories = stories
        self.logger = logger or logging.getLogger(__name__)

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> StorePipeline:
        news = news_spider(crawler)
        stories = StoryIndex(story_config(crawler.settings))
        # logged as the spider, like every other line of the crawl
        return cls(crawler, crawl_archive(crawler), news.outlets, news.run_id, stories, news.logger)

    def process_item(self, item: Article, spider: object = None) -> Article:
        try:
            outlet = self.outlets[item.outlet]
            url, stored = archive_article(self.archive, item, outlet, self.run_id, self.stories)
        except ArchiveError as exc:
            bump(self.crawler.stats, item.outlet, "errors")
            note_error(self.crawler.stats, item.outlet, str(exc))
            self.logger.error("[%s] %s", item.outlet, exc)
            assert self.crawler.engine is not None
            deferred_from_coro(self.crawler.engine.close_spider_async(reason="archive_error"))
            raise DropItem(f"not archived: {item.url}") from exc
        if stored.outcome == "revised":
            bump(self.crawler.stats, item.outlet, "revised")
            self.logger.info("[%s] revised (alert: %s): %s", item.outlet, stored.alert or "none", url)
            return item
        if stored.outcome != "new":
            bump(self.crawler.stats, item.outlet, "skipped_seen")
            raise DropItem(f"[{item.outlet}] already archived ({stored.outcome}): {url}")
        bump(self.crawler.stats, item.outlet, "new")
        if stored.relation in ("copy", "related"):
            bump(self.crawler.stats, item.outlet, "grouped")
            self.logger.info(
                "[%s] joins story %s (%s): %s", item.outlet, stored.story_id, stored.relation, url
            )
        if item.verdict is not None and item.verdict.flagged:
            bump(self.crawler.stats, item.outlet, "flagged")
            self.logger.info(
                "[%s] flagged (%s, %s): %s",
                item.outlet,
                item.verdict.severity,
                ", ".join(item.verdict.rules),
                url,
            )
        return item
