"""The crawl's archive and its accounting.

``CrawlRunRecorder`` is the one component that owns the archive for a crawl: it opens it when
the crawler is built (``NEWSWATCH_DB``), the spider and the pipelines receive it from
``crawl_archive(crawler)``, and when the spider closes the recorder writes one ``crawl_runs`` row
per selected outlet and closes it.

Components count with ``bump(stats, outlet, counter)``: the values live in Scrapy's stats
collector under ``newswatch/<outlet>/<counter>`` until the recorder writes them.
"""

from __future__ import annotations

from typing import Any

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import StatsCollector

from newswatch.archive import RUN_COUNTERS, Archive, ArchiveError
from newswatch.clock import sql_time, utcnow

PREFIX = "newswatch"


def bump(stats: StatsCollector | None, outlet: str, counter: str, count: int = 1) -> None:
    """Count one outcome for an outlet (and note when the outlet was last busy)."""
    if stats is not None:
        stats.inc_value(f"{PREFIX}/{outlet}/{counter}", count)
        stats.set_value(f"{PREFIX}/{outlet}/last_at", utcnow())


def note_error(stats: StatsCollector | None, outlet: str, message: str) -> None:
    """Remember the latest error of an outlet (shown in ``crawl_runs.last_error``)."""
    if stats is not None:
        stats.set_value(f"{PREFIX}/{outlet}/last_error", message[:500])


def outlet_counts(stats: StatsCollector, outlet: str) -> dict[str, int]:
    return {name: int(stats.get_value(f"{PREFIX}/{outlet}/{name}", 0)) for name in RUN_COUNTERS}


def run_status(counts: dict[str, int], sources_ok: int, reason: str) -> str:
    """``failed`` when no source could be read, ``partial`` when something went wrong or
    the run was cut short, else ``ok``."""
    if sources_ok == 0:
        return "failed"
    if reason != "finished" or counts["errors"] or counts["source_errors"]:
        return "partial"
    return "ok"


class CrawlRunRecorder:
    """Opens the archive for the crawl; writes the run rows and closes it when the spider closes."""

    def __init__(self, crawler: Crawler, archive: Archive):
        self.crawler = crawler
        self.archive = archive

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> CrawlRunRecorder:
        from spiders.news import NewsSpider  # the spider module imports this one

        if crawler.spider is not None and not isinstance(crawler.spider, NewsSpider):
            # scrapy fetch, shell, parse: no crawl run, no archive to open or create
            raise NotConfigured("the run recorder serves the news spider")
        settings = crawler.settings
        archive = Archive(
            settings.get("NEWSWATCH_DB"),
            settings.getint("NEWSWATCH_BUSY_TIMEOUT_MS"),
            review_alerts=bool(settings.get("NEWSWATCH_REVIEW_CHANNEL")),
        )
        recorder = cls(crawler, archive)
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        return recorder

    def spider_closed(self, spider: Any, reason: str) -> None:
        try:
            self.record(spider, reason)
        finally:
            self.archive.close()

    def record(self, spider: Any, reason: str) -> None:
        archive, stats = self.archive, self.crawler.stats
        if stats is None:
            return
        closed = utcnow()
        for outlet in getattr(spider, "selected", []):
            counts = outlet_counts(stats, outlet.key)
            finished = stats.get_value(f"{PREFIX}/{outlet.key}/last_at") or closed
            sources_ok = int(stats.get_value(f"{PREFIX}/{outlet.key}/sources_ok", 0))
            row: dict[str, Any] = {
                "run_id": spider.run_id,
                "outlet": outlet.key,
                "started_at": sql_time(spider.started_at),
                "finished_at": sql_time(finished),
                "duration_s": round((finished - spider.started_at).total_seconds(), 3),
                "status": run_status(counts, sources_ok, reason),
                **counts,
                "last_error": stats.get_value(f"{PREFIX}/{outlet.key}/last_error"),
            }
            try:
                archive.runs.record(row)
            except ArchiveError as exc:
                spider.logger.error("[%s] cannot record crawl run: %s", outlet.key, exc)
        try:
            archive.checkpoint()
        except Exception as exc:  # a reader holding the WAL is not an error
            spider.logger.debug("WAL checkpoint skipped: %s", exc)


def crawl_archive(crawler: Crawler) -> Archive:
    """The archive of this crawl, owned by the ``CrawlRunRecorder`` extension."""
    recorder = crawler.get_extension(CrawlRunRecorder)
    if recorder is None:
        raise RuntimeError("the spiders.runs.CrawlRunRecorder extension is not enabled (EXTENSIONS)")
    return recorder.archive
