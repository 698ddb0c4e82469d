"""The crawl's archive and its accounting.

``CrawlRunRecorder`` is the one component that owns the archive for a crawl: it opens it when
the crawler is built (``NEWSWATCH_DB``), the spider and the pipelines receive it from
``crawl_archive(crawler)``, and when the spider closes the recorder writes one ``crawl_runs`` row
per selected outlet and closes it.

Components count with ``bump(stats, outlet, counter)``: the values live in Scrapy's stats
collector under ``newswatch/<outlet>/<counter>`` until the recorder writes them.

Stopping: the first SIGINT/SIGTERM lets Scrapy finish the requests in flight, and the recorder
says which ones it waits for; a second one stops the crawl at once, and the recorder writes the
run first, so no run goes unrecorded. A run cut short by a signal is ``partial`` (even when no
source was read yet), its reason in ``first_error``/``last_error``.

Errors are kept with their reason whole: a URL in one is cut to ``URL_SHOWN`` characters, and
its query values and user name are replaced by ``…`` (a feed's ``?api_key=…`` never reaches the
archive or a log line: :func:`error_text`, :func:`redact`).

Whether the crawl reached the network (for "no network"): :func:`network_verdict` from all the
run's outcomes (a source read or any HTTP response: ``resolved``; only DNS failures: ``dns``),
kept in ``service_state`` under ``crawl_network:<outlet>`` for the service (:func:`run_network`).
"""

from __future__ import annotations

import logging
import re
import signal
from collections.abc import Callable
from types import FrameType
from typing import Any, Literal
from urllib.parse import urlsplit, urlunsplit

from scrapy import Request, signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.statscollectors import StatsCollector

from newswatch.archive import RUN_COUNTERS, Archive, ArchiveError
from newswatch.clock import sql_time, utcnow

PREFIX = "newswatch"
#: How a crawl says a host name did not resolve (Twisted's and Scrapy's errors).
DNS_FAILURE = re.compile(r"DNS lookup failed|DNSLookupError|CannotResolveHostError")
#: A URL in a message (trailing punctuation is the sentence's, not the URL's).
URL_IN_TEXT = re.compile(r"https?://[^\s<>\"'`]*[^\s<>\"'`.,;:!?)\]}]", re.I)
URL_SHOWN = 200  # characters of a URL kept in an error message
ERROR_CHARS = 500  # characters of an error message kept
Network = Literal["resolved", "dns", "unknown"]
NETWORK_STATE = "crawl_network:"  # service_state key prefix: "<run id> <verdict>" per outlet


def redact_url(url: str) -> str:
    """``url`` with its query and fragment values and its user information replaced by ``…``
    (parameter names kept): ``https://x.org/feed?api_key=…&page=…``."""
    try:
        parts = urlsplit(url)
    except ValueError:  # not parseable: keep what cannot hold a query
        return url.split("?", 1)[0].split("#", 1)[0] + ("?…" if "?" in url or "#" in url else "")
    netloc = parts.netloc
    if "@" in netloc:
        netloc = "…@" + netloc.rpartition("@")[2]

    def names(query: str) -> str:
        return "&".join(
            f"{name}=…" if sep else "…" for name, sep, _ in (p.partition("=") for p in query.split("&") if p)
        )

    return urlunsplit((parts.scheme, netloc, parts.path, names(parts.query), names(parts.fragment)))


def redact(text: str) -> str:
    """Every URL of ``text`` redacted (:func:`redact_url`)."""
    return URL_IN_TEXT.sub(lambda m: redact_url(m.group()), text)


def error_text(message: str, limit: int = ERROR_CHARS) -> str:
    """An error message as kept and shown: URLs redacted and cut to ``URL_SHOWN`` characters,
    so a long URL never pushes the reason out of the ``limit``."""

    def short(match: re.Match[str]) -> str:
        url = redact_url(match.group())
        return url if len(url) <= URL_SHOWN else url[: URL_SHOWN - 1] + "…"

    text = URL_IN_TEXT.sub(short, message)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def bump(stats: StatsCollector | None, outlet: str, counter: str, count: int = 1) -> None:
    """Count one outcome for an outlet (and note when the outlet was last busy)."""
    if stats is not None:
        stats.inc_value(f"{PREFIX}/{outlet}/{counter}", count)
        stats.set_value(f"{PREFIX}/{outlet}/last_at", utcnow())


WHERE_THEN_WHY = re.compile(r"^(?P<where>[\w-]+ https?://\S+): (?P<why>.+)$", re.S)


def reason_first(message: str) -> str:
    """``feed https://x.org/feed.xml: DNS lookup failed`` as ``DNS lookup failed (feed
    https://x.org/feed.xml)``: what went wrong before where, for a narrow column."""
    found = WHERE_THEN_WHY.match(message)
    return f"{found['why']} ({found['where']})" if found else message


def note_error(stats: StatsCollector | None, outlet: str, message: str) -> None:
    """Remember the latest error of an outlet (``crawl_runs.last_error``) and its first
    (``crawl_runs.first_error``), as :func:`error_text`; count it as a DNS failure or not."""
    if stats is not None:
        text = error_text(message)
        stats.set_value(f"{PREFIX}/{outlet}/last_error", text)
        if stats.get_value(f"{PREFIX}/{outlet}/first_error") is None:
            stats.set_value(f"{PREFIX}/{outlet}/first_error", text)
        kind = "dns_errors" if DNS_FAILURE.search(message) else "other_errors"
        stats.inc_value(f"{PREFIX}/{outlet}/{kind}")


def network_verdict(stats: StatsCollector, outlet: str) -> Network:
    """Did this outlet's crawl reach the network? ``resolved``: it read a source or got any
    HTTP response (an error status too); ``dns``: every error it had was a failed name
    lookup; else ``unknown`` (a timeout, a refused connection, a stop)."""
    value = stats.get_value
    if value(f"{PREFIX}/{outlet}/sources_ok", 0) or value(f"{PREFIX}/{outlet}/responses", 0):
        return "resolved"
    if value(f"{PREFIX}/{outlet}/dns_errors", 0) and not value(f"{PREFIX}/{outlet}/other_errors", 0):
        return "dns"
    return "unknown"


def run_network(archive: Archive, run_id: str, outlet: str) -> Network:
    """The network verdict the crawl ``run_id`` recorded for ``outlet`` (``unknown`` when it
    recorded none: killed, crashed, never started)."""
    run, _, verdict = (archive.state.get(NETWORK_STATE + outlet) or "").partition(" ")
    if run == run_id and verdict in ("resolved", "dns"):
        return "resolved" if verdict == "resolved" else "dns"
    return "unknown"


def outlet_counts(stats: StatsCollector, outlet: str) -> dict[str, int]:
    return {name: int(stats.get_value(f"{PREFIX}/{outlet}/{name}", 0)) for name in RUN_COUNTERS}


#: Finish reasons of a crawl cut short by a stop signal (Scrapy's, and the second signal's).
STOPPED_REASONS = frozenset({"shutdown", "interrupted"})


def run_status(counts: dict[str, int], sources_ok: int, reason: str) -> str:
    """``partial`` when the run was cut short by a stop signal (whatever it had read) or
    something went wrong, ``failed`` when no source could be read, else ``ok``."""
    if reason in STOPPED_REASONS:
        return "partial"
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
        self.closed = False

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
        crawler.signals.connect(recorder.engine_started, signal=signals.engine_started)
        crawler.signals.connect(recorder.response_received, signal=signals.response_received)
        return recorder

    def engine_started(self) -> None:
        """Watch the stop signals once the reactor runs (after Scrapy installs its handlers)."""
        from twisted.internet import reactor

        watch = StopWatch(self.crawler, self.stopping, self.interrupted)
        reactor.callWhenRunning(reactor.callLater, 0, watch.install)

    def response_received(self, response: Any, request: Request, spider: Any) -> None:
        """Any HTTP response (an error status too) means the outlet's host name resolved."""
        stats = self.crawler.stats
        outlets = getattr(spider, "selected", [])
        outlet = request.meta.get("nw_outlet") or (outlets[0].key if len(outlets) == 1 else None)
        if stats is not None and outlet:  # robots.txt requests carry no outlet
            stats.inc_value(f"{PREFIX}/{outlet}/responses")

    def stopping(self, signame: str, in_flight: list[Request]) -> None:
        """A first stop signal: every outlet's run is cut short; say so in its errors."""
        stats, spider = self.crawler.stats, self.crawler.spider
        if stats is None or spider is None or self.closed:
            return
        urls = _by_outlet(in_flight)
        for outlet in getattr(spider, "selected", []):
            waiting = urls.get(outlet.key)
            note_error(
                stats,
                outlet.key,
                f"stopped by {signame} with {len(waiting)} request(s) in flight: {waiting[0]}"
                if waiting
                else f"stopped by {signame}",
            )

    def interrupted(self, signame: str, in_flight: list[Request]) -> None:
        """A second stop signal: the crawl ends now, so its run is written first."""
        stats, spider = self.crawler.stats, self.crawler.spider
        if stats is None or spider is None or self.closed:  # closed: the run is written
            return
        stats.set_value("finish_reason", "interrupted")
        for outlet, urls in _by_outlet(in_flight).items():
            note_error(
                stats,
                outlet,
                f"stopped at once by a second {signame} with {len(urls)} request(s) in flight: {urls[0]}",
            )
        self.record(spider, "interrupted")

    def spider_closed(self, spider: Any, reason: str) -> None:
        try:
            self.record(spider, reason)
        finally:
            self.closed = True
            self.archive.close()

    def record(self, spider: Any, reason: str) -> None:
        """One ``crawl_runs`` row and network verdict per outlet, and (a finished run) what
        each source read came to (``NewsSpider.source_reads``), in one transaction; when that
        fails, each outlet's row on its own, so one that cannot be written loses only itself."""
        archive, stats = self.archive, self.crawler.stats
        if stats is None:
            return
        closed = utcnow()
        rows: list[tuple[dict[str, Any], Network]] = []
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
                "first_error": stats.get_value(f"{PREFIX}/{outlet.key}/first_error"),
            }
            rows.append((row, network_verdict(stats, outlet.key)))
        reads = self._source_reads(spider, reason)
        try:
            with archive.write():
                for row, verdict in rows:
                    archive.runs.record(row)
                    archive.state.set(NETWORK_STATE + row["outlet"], f"{spider.run_id} {verdict}")
                for key, value in reads.items():
                    archive.state.set(key, value)
        except ArchiveError:
            for row, verdict in rows:
                try:
                    archive.runs.record(row)
                    archive.state.set(NETWORK_STATE + row["outlet"], f"{spider.run_id} {verdict}")
                except ArchiveError as exc:
                    spider.logger.error("[%s] cannot record crawl run: %s", row["outlet"], exc)
        try:
            archive.checkpoint()
        except Exception as exc:  # a reader holding the WAL is not an error
            spider.logger.debug("WAL checkpoint skipped: %s", exc)

    def _source_reads(self, spider: Any, reason: str) -> dict[str, str]:
        """What the sources read in a finished run came to; nothing for a run cut short."""
        reads = getattr(spider, "source_reads", None)
        if reason != "finished" or reads is None:
            return {}
        try:
            return dict(reads())
        except ArchiveError as exc:  # they are read again next run; nothing is lost
            spider.logger.warning("cannot tell which sources settled: %s", exc)
            return {}


def crawl_archive(crawler: Crawler) -> Archive:
    """The archive of this crawl, owned by the ``CrawlRunRecorder`` extension."""
    recorder = crawler.get_extension(CrawlRunRecorder)
    if recorder is None:
        raise RuntimeError("the spiders.runs.CrawlRunRecorder extension is not enabled (EXTENSIONS)")
    return recorder.archive


def _by_outlet(requests: list[Request]) -> dict[str, list[str]]:
    """The URLs of requests, by the outlet they serve."""
    found: dict[str, list[str]] = {}
    for request in requests:
        found.setdefault(request.meta.get("nw_outlet") or "?", []).append(request.url)
    return found


class StopWatch:
    """Says what a stopping crawl waits for, and records the run when a second signal stops it
    at once. Wraps Scrapy's own SIGINT/SIGTERM handlers (the first: a graceful stop; the
    second: the reactor stops); nothing is logged from inside a signal handler."""

    SIGNALS = (signal.SIGINT, signal.SIGTERM)

    def __init__(
        self,
        crawler: Crawler,
        stopping: Callable[[str, list[Request]], None],
        interrupted: Callable[[str, list[Request]], None],
    ):
        self.crawler = crawler
        self.stopping = stopping
        self.interrupted = interrupted
        self.logger = logging.getLogger("newswatch.crawl")
        self._scrapy: dict[int, Any] = {}

    def install(self) -> None:
        self._wrap(self._first)

    def _wrap(self, handler: Callable[[int, FrameType | None], None]) -> None:
        for signum in self.SIGNALS:
            current = signal.getsignal(signum)
            if not callable(current) or current in (self._first, self._second):
                return  # not Scrapy's process (a test's crawler): leave the handlers alone
            self._scrapy[signum] = current
        for signum in self.SIGNALS:
            signal.signal(signum, handler)

    def in_flight(self) -> list[Request]:
        engine = self.crawler.engine
        return list(engine.downloader.active) if engine is not None else []

    def _first(self, signum: int, frame: FrameType | None) -> None:
        from twisted.internet import reactor

        reactor.callFromThread(self._say_waiting, signal.Signals(signum).name)
        self._scrapy[signum](signum, frame)  # Scrapy: stop gracefully; its next handler kills
        self._wrap(self._second)

    def _second(self, signum: int, frame: FrameType | None) -> None:
        from twisted.internet import reactor

        reactor.callFromThread(self._stop_now, signal.Signals(signum).name)
        self._scrapy[signum](signum, frame)  # Scrapy: stop the reactor now

    def _stop_now(self, signame: str) -> None:
        self.interrupted(signame, self.in_flight())

    def _say_waiting(self, signame: str) -> None:
        in_flight = self.in_flight()
        self.stopping(signame, in_flight)
        if not in_flight:
            self.logger.warning("%s received: stopping after the items in hand", signame)
            return
        timeout = self.crawler.settings.getfloat("DOWNLOAD_TIMEOUT")
        shown = ", ".join(error_text(r.url) for r in in_flight[:3]) + (" …" if len(in_flight) > 3 else "")
        self.logger.warning(
            "%s received: stopping; waiting for %d request(s) in flight to finish or time out "
            "(DOWNLOAD_TIMEOUT %.0f s): %s. Send %s again (Ctrl-C) to stop now: the run is then "
            "recorded as partial",
            signame,
            len(in_flight),
            timeout,
            shown,
            signame,
        )
