"""Logging for the crawl: one line per network failure, per dropped item, per bad start.

An outlet outage is routine for a monitor. Scrapy's robots.txt and retry middlewares log
each failure as an error with a full traceback; the spider's own errback says it once, with
the outlet, as a warning (and counts it), so their records are kept as single lines at INFO
(``newswatch crawl -v`` shows them). A dropped
item is one line (outlet, URL, reason: :class:`NewsLogFormatter`), never the item's repr. A
spider that cannot start for a reason newswatch explains (an unknown outlet) says so once,
without asyncio's traceback (:func:`reported_once`). On a terminal, ``newswatch crawl`` shows
a progress line per outlet (:class:`CrawlProgress`). The spider's, Scrapy's request-level and
newswatch's records show URLs with their query values redacted (:class:`Redacted`): a feed's
``?api_key=`` never reaches the log.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import Any, TextIO

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.logformatter import LogFormatter, LogFormatterResult

from spiders.runs import PREFIX, redact

ONE_LINE_LOGGERS = ("scrapy.downloadermiddlewares.robotstxt", "scrapy.downloadermiddlewares.retry")
#: Loggers whose records may name a request's URL (a logger's filter sees only its own records).
URL_LOGGERS = (
    *ONE_LINE_LOGGERS,
    "news",
    "newswatch.crawl",
    "newswatch.service",
    "scrapy.core.engine",
    "scrapy.core.scraper",
    "scrapy.downloadermiddlewares.redirect",
    "scrapy.downloadermiddlewares.offsite",
    "scrapy.spidermiddlewares.offsite",
    "scrapy.spidermiddlewares.httperror",
)


class Redacted(logging.Filter):
    """A record's message with every URL's query values and user name replaced by ``…``."""

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        shown = redact(message)
        if shown != message:
            record.msg, record.args = shown, None
        return True


def redact_urls_in_logs() -> None:
    """Install :class:`Redacted` on the loggers that name URLs (once)."""
    for name in URL_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, Redacted) for f in logger.filters):
            logger.addFilter(Redacted())


class OneLine(logging.Filter):
    """Drops the traceback of a record, keeping its message, at INFO at most (the spider's
    errback reports the failure itself)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.exc_info = None
        record.exc_text = None
        if record.levelno > logging.INFO:
            record.levelno, record.levelname = logging.INFO, logging.getLevelName(logging.INFO)
        return True


def quiet_network_tracebacks() -> None:
    """Network failures in one line each (and URLs redacted in every record naming one)."""
    redact_urls_in_logs()
    for name in ONE_LINE_LOGGERS:
        logger = logging.getLogger(name)
        if not any(isinstance(f, OneLine) for f in logger.filters):
            logger.addFilter(OneLine())


def crawl_log_level(verbose: int, chosen: bool) -> str | None:
    """The log level of ``newswatch crawl``: warnings and errors only (no start-up lines),
    ``-v`` info, ``-vv`` debug; None leaves a level the operator chose (NEWSWATCH_LOG_LEVEL,
    ``-s LOG_LEVEL=…``) as it is."""
    if verbose:
        return "DEBUG" if verbose > 1 else "INFO"
    return None if chosen else "WARNING"


class NewsLogFormatter(LogFormatter):
    """Scrapy's log formatter, with a dropped item as one short line at INFO (a drop is
    routine and counted: ``empty``, ``stale``, ``seen``): ``[outlet] dropped URL: reason``."""

    def dropped(self, item: Any, exception: BaseException, response: Any, spider: Any) -> LogFormatterResult:
        outlet = getattr(item, "outlet", None)
        url = getattr(item, "final_url", None) or getattr(item, "url", None)
        if outlet is None or url is None:  # not an article: Scrapy's own line
            return super().dropped(item, exception, response, spider)
        return {
            "level": logging.INFO,
            "msg": "[%(outlet)s] dropped %(url)s: %(reason)s",
            "args": {"outlet": outlet, "url": url, "reason": drop_reason(str(exception), outlet, url)},
        }


def drop_reason(message: str, outlet: str, url: str) -> str:
    """The reason of a DropItem message without the outlet prefix and URL it may repeat."""
    reason = message.removeprefix(f"[{outlet}] ").strip()
    for tail in (f": {url}", url):
        if reason.endswith(tail) and reason != tail:
            reason = reason[: -len(tail)].rstrip(" :")
            break
    return reason[:300] or "dropped"


class _Reported(logging.Filter):
    """Drops asyncio's "exception was never retrieved" record of one error already reported."""

    def __init__(self, error: BaseException):
        super().__init__()
        self.error = error

    def filter(self, record: logging.LogRecord) -> bool:
        return not (record.exc_info and record.exc_info[1] is self.error)


def reported_once(error: BaseException) -> None:
    """The error ending a crawl's start-up was logged in one line; asyncio, which logs the
    failed start task with its traceback, stays quiet about this one error."""
    logging.getLogger("asyncio").addFilter(_Reported(error))


class CrawlProgress:
    """A progress line per outlet, on a terminal: every ``EVERY`` seconds each outlet whose
    figures changed prints one line (found, fetched, new, flagged, errors). ``newswatch crawl``
    enables it when its output is a terminal."""

    EVERY = 2.0
    SHOWN = ("discovered", "fetched", "new", "flagged", "errors")

    def __init__(self, crawler: Crawler, out: TextIO):
        self.crawler = crawler
        self.out = out
        self.started = time.monotonic()
        self.shown: dict[str, tuple[int, ...]] = {}
        self.loop: Any = None

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlProgress:
        if not sys.stdout.isatty():
            raise NotConfigured("progress lines are for a terminal")
        progress = cls(crawler, sys.stdout)
        crawler.signals.connect(progress.start, signal=signals.spider_opened)
        crawler.signals.connect(progress.stop, signal=signals.spider_closed)
        return progress

    def start(self, spider: Any) -> None:
        from twisted.internet import task

        self.loop = task.LoopingCall(self.tick)
        self.loop.start(self.EVERY, now=False)

    def stop(self, spider: Any, reason: str) -> None:
        if self.loop is not None and self.loop.running:
            self.loop.stop()

    def tick(self) -> None:
        stats, spider = self.crawler.stats, self.crawler.spider
        if stats is None or spider is None:
            return
        seconds = time.monotonic() - self.started
        for outlet in getattr(spider, "selected", []):
            figures = tuple(int(stats.get_value(f"{PREFIX}/{outlet.key}/{n}", 0)) for n in self.SHOWN)
            if figures == self.shown.get(outlet.key, (0,) * len(self.SHOWN)):
                continue
            self.shown[outlet.key] = figures
            found, fetched, new, flagged, errors = figures
            self.out.write(
                f"[{outlet.key}] {seconds:.0f} s: {found} found, {fetched} fetched, {new} new, "
                f"{flagged} flagged, {errors} errors\n"
            )
        self.out.flush()
