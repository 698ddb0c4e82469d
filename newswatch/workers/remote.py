"""A crawl on a worker (``NEWSWATCH_HUB_URL`` set): the hub's archive, seen from afar.

The crawl never opens an archive. :class:`HubRunRecorder` takes the run recorder's place and
gives the spider and the extract pipeline a :class:`RemoteArchive` with the same few methods
they use: ``seen.skip_reason`` and ``seen.revisit_due`` answer from the hub's reply to one
batched question per source read (:meth:`RemoteSeen.ask`); ``seen.mark``/``touch``, the
articles (:class:`ShipPipeline`, instead of classify and store: the hub does both) and the
run rows are records for the hub, sent by a :class:`Shipper` thread in batches, with retries
and backoff, and spooled to disk when the hub cannot take them (:mod:`newswatch.workers.spool`).
``source_reads`` are not kept on a worker (a source is parsed every run).

When the hub cannot be asked, nothing is known: every candidate in the window is fetched,
and the hub, which stores each canonical URL once, keeps what it has already.
"""

from __future__ import annotations

import contextlib
import logging
import queue
import socket
import threading
import time
from collections.abc import Iterable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.exceptions import NotConfigured
from scrapy.settings import BaseSettings

from newswatch.archive import Archive
from newswatch.records import Article, Candidate
from newswatch.workers.client import HubClient, HubDown, HubRefused
from newswatch.workers.spool import Spool, batches, read_records
from newswatch.workers.wire import article_record, run_record, seen_record
from spiders.runs import NETWORK_STATE, CrawlRunRecorder

log = logging.getLogger("newswatch.workers")
BATCH = 25  # records per request
BATCH_BYTES = 4 * 1024 * 1024  # about this much JSON per request
FLUSH_EVERY = 2.0  # seconds a record waits for its batch to fill
DOWN_FOR = 30.0  # seconds the spider stops asking a hub that did not answer
AUTH = (401, 403)


def hub_settings(settings: BaseSettings) -> dict[str, Any]:
    """What a crawl with ``NEWSWATCH_HUB_URL`` changes: the hub's run recorder instead of the
    local one, and the articles shipped to the hub instead of classified and stored here."""
    extensions = dict(settings.getdict("EXTENSIONS"))
    extensions.update({"spiders.runs.CrawlRunRecorder": None, f"{__name__}.HubRunRecorder": 500})
    pipelines = dict(settings.getdict("ITEM_PIPELINES"))
    pipelines.update(
        {
            "pipelines.classify.ClassifyPipeline": None,
            "pipelines.store.StorePipeline": None,
            f"{__name__}.ShipPipeline": 800,
        }
    )
    return {"EXTENSIONS": extensions, "ITEM_PIPELINES": pipelines}


def spool_dir(settings: BaseSettings) -> Path:
    chosen = settings.get("NEWSWATCH_SPOOL_DIR")
    return Path(chosen) if chosen else Path(settings.get("NEWSWATCH_DB")).resolve().parent / "spool"


def _weight(record: dict[str, Any]) -> int:
    extraction = record.get("extraction") or {}
    return 2048 + 3 * len(extraction.get("text") or "")


class Shipper:
    """Sends records to the hub in order, in batches, from a thread of its own; once the hub
    fails in a crawl, the rest of the crawl's records go to the spool (order kept). It sends
    the spool of earlier crawls first, and tries the spool once more when it closes."""

    def __init__(self, client: HubClient, spool: Spool):
        self.client = client
        self.spool = spool
        self.queue: queue.Queue[dict[str, Any] | None] = queue.Queue()
        self.spooling = False
        self.sent = 0
        self.spooled = 0
        self.rejected = 0
        self.thread = threading.Thread(target=self._run, name="newswatch-shipper", daemon=True)

    def start(self) -> None:
        self.thread.start()

    def put(self, record: dict[str, Any]) -> None:
        self.queue.put(record)

    def close(self) -> None:
        """Send (or spool) everything queued; then, when the crawl spooled, try the spool again."""
        if not self.thread.is_alive():
            return
        self.queue.put(None)
        self.thread.join()
        if self.spooling and self.deliver_spool(own=True):
            log.info("hub back: the spool is delivered")
        if self.spooled:
            folder = self.spool.folder
            log.warning("%d record(s) spooled in %s: the next crawl sends them", self.spooled, folder)

    def _run(self) -> None:
        self.deliver_spool(own=False)
        buffer: list[dict[str, Any]] = []
        weight = 0
        while True:
            try:
                record = self.queue.get(timeout=FLUSH_EVERY)
            except queue.Empty:
                self._flush(buffer)
                buffer, weight = [], 0
                continue
            if record is None:
                self._flush(buffer)
                return
            buffer.append(record)
            weight += _weight(record)
            if len(buffer) >= BATCH or weight >= BATCH_BYTES:
                self._flush(buffer)
                buffer, weight = [], 0

    def _flush(self, records: list[dict[str, Any]]) -> None:
        if not records:
            return
        if not self.spooling:
            try:
                self._send(records)
                return
            except HubDown as exc:
                log.warning("%s; spooling to %s", exc, self.spool.folder)
            except HubRefused as exc:  # a wrong token: nothing is lost, an operator fixes it
                log.error("hub refused the worker: %s; spooling to %s", exc, self.spool.folder)
            self.spooling = True
        self.spool.append(records)
        self.spooled += len(records)

    def _send(self, records: list[dict[str, Any]], path: Path | None = None) -> None:
        """Send records; a batch refused as too large or wrong is halved until the one record
        at fault is found, which is kept in ``rejected/`` (never retried, never lost)."""
        try:
            self.client.send(records)
            self.sent += len(records)
        except HubRefused as exc:
            if exc.status in AUTH:
                raise
            if len(records) > 1:
                half = len(records) // 2
                self._send(records[:half], path)
                self._send(records[half:], path)
                return
            self.spool.reject(path or self.spool.path, records, str(exc))
            self.rejected += 1

    def deliver_spool(self, own: bool) -> bool:
        """Send the spooled files (this crawl's too with ``own``); True when all went."""
        for path in self.spool.claim(own):
            try:
                for batch in batches(read_records(path), BATCH, BATCH_BYTES, _weight):
                    self._send(batch, path)
            except (HubDown, HubRefused) as exc:
                log.warning("spool %s not delivered yet: %s", path.name, exc)
                self.spool.release(path)
                self.spooling = True
                return False
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
            log.info("spool %s delivered to the hub", path.name)
        return True


class RemoteSeen:
    """What the hub knows of a source's candidates, asked once per source read."""

    def __init__(self, client: HubClient, shipper: Shipper):
        self.client = client
        self.shipper = shipper
        self.answers: dict[str, tuple[str | None, bool]] = {}  # URL → (skip reason, revisit due)
        self.outlet_of: dict[str, str] = {}
        self.down_until = 0.0
        self.asked = 0

    def ask(
        self, outlet: str, candidates: Iterable[Candidate], cutoff: datetime | None, revisit_since: datetime
    ) -> None:
        """One call for a source's candidates; when the hub does not answer, nothing is known."""
        urls = [(c.url, c.earlier_url, _iso(c.updated)) for c in candidates if c.url not in self.answers]
        for url, _, _ in urls:
            self.outlet_of[url] = outlet
        if not urls or time.monotonic() < self.down_until:
            return
        since = _iso(revisit_since)
        question = {"outlet": outlet, "urls": urls, "cutoff": _iso(cutoff), "revisit_since": since}
        try:
            answer = self.client.new(question)
        except (HubDown, HubRefused) as exc:
            self.down_until = time.monotonic() + DOWN_FOR
            log.warning("[%s] cannot ask the hub which URLs are new (%s): fetching them all", outlet, exc)
            return
        self.asked += 1
        for (url, _, _), (skip, revisit) in zip(urls, answer.get("answers", []), strict=False):
            self.answers[url] = (skip, bool(revisit))

    def skip_reason(self, url: str, cutoff: datetime | None, earlier_url: str | None = None) -> str | None:
        return self.answers.get(url, (None, False))[0]

    def revisit_due(self, url: str, updated: datetime | None, since: datetime) -> bool:
        return self.answers.get(url, (None, False))[1]

    def mark(
        self,
        urls: Iterable[str],
        outlet: str,
        status: str,
        published: datetime | None = None,
        detail: str | None = None,
    ) -> None:
        self.shipper.put(seen_record(list(urls), outlet, status, published, detail))

    def touch(self, urls: Iterable[str]) -> None:
        listed = list(urls)
        outlet = next((self.outlet_of[u] for u in listed if u in self.outlet_of), "-")
        self.shipper.put(seen_record(listed, outlet, "touch"))


class RemoteState:
    """Service state on a worker: nothing is read; a run's network verdict is kept for its record."""

    def __init__(self) -> None:
        self.network: dict[str, str] = {}

    def get(self, key: str) -> str | None:
        return None

    def set(self, key: str, value: str) -> None:
        if key.startswith(NETWORK_STATE):
            self.network[key.removeprefix(NETWORK_STATE)] = value.partition(" ")[2] or "unknown"


class RemoteRuns:
    def __init__(self) -> None:
        self.rows: dict[str, dict[str, Any]] = {}

    def record(self, row: dict[str, Any]) -> None:
        self.rows[row["outlet"]] = dict(row)


class RemoteArchive:
    """The archive as a crawl on a worker sees it (see the module's docstring)."""

    def __init__(self, base: str, token: str, spool: Spool, worker: str, retries: int = 4):
        self.shipper = Shipper(HubClient(base, token, retries=retries), spool)
        self.seen = RemoteSeen(HubClient(base, token, retries=1), self.shipper)
        self.state = RemoteState()
        self.runs = RemoteRuns()
        self.worker = worker

    def open(self) -> None:
        self.shipper.start()

    def ship(self, record: dict[str, Any]) -> None:
        self.shipper.put(record)

    @contextlib.contextmanager
    def write(self) -> Iterator[None]:
        """The run rows written in it go to the hub as one record each, with their network verdict."""
        yield
        for outlet, row in self.runs.rows.items():
            self.shipper.put(run_record(row, self.state.network.get(outlet, "unknown"), self.worker))
        self.runs.rows.clear()

    def checkpoint(self) -> None:
        pass

    def close(self) -> None:
        self.shipper.close()
        self.shipper.client.close()
        self.seen.client.close()


class HubRunRecorder(CrawlRunRecorder):
    """The run recorder of a crawl on a worker: its archive is the hub (:class:`RemoteArchive`)."""

    remote: RemoteArchive

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> HubRunRecorder:
        from spiders.news import NewsSpider

        if crawler.spider is not None and not isinstance(crawler.spider, NewsSpider):
            raise NotConfigured("the run recorder serves the news spider")
        settings = crawler.settings
        base, token = settings.get("NEWSWATCH_HUB_URL"), settings.get("NEWSWATCH_INGEST_TOKEN")
        if not base:
            raise NotConfigured("no NEWSWATCH_HUB_URL")
        if not token:
            log.error("NEWSWATCH_INGEST_TOKEN is not set: the hub refuses this worker; records are spooled")
        run_id = settings.get("NEWSWATCH_RUN_ID") or f"run-{int(time.time())}"
        spool = Spool(spool_dir(settings), run_id)
        retries = settings.getint("NEWSWATCH_HUB_RETRIES", 4)
        remote = RemoteArchive(base, token or "", spool, socket.gethostname(), retries)
        recorder = cls(crawler, cast(Archive, remote))  # the few methods a crawl uses, remotely
        recorder.remote = remote
        remote.open()
        crawler.signals.connect(recorder.spider_closed, signal=signals.spider_closed)
        crawler.signals.connect(recorder.engine_started, signal=signals.engine_started)
        crawler.signals.connect(recorder.response_received, signal=signals.response_received)
        return recorder

    def interrupted(self, signame: str, in_flight: list[Any]) -> None:
        """Stopped at once: the run is recorded, and what is queued is sent or spooled now."""
        super().interrupted(signame, in_flight)
        self.remote.close()


class ShipPipeline:
    """The articles of a crawl on a worker go to the hub, which classifies and stores them."""

    def __init__(self, remote: RemoteArchive, run_id: str):
        self.remote = remote
        self.run_id = run_id

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ShipPipeline:
        from spiders.news import news_spider

        recorder = crawler.get_extension(HubRunRecorder)
        if recorder is None:
            raise NotConfigured("no hub run recorder (NEWSWATCH_HUB_URL)")
        return cls(recorder.remote, news_spider(crawler).run_id)

    def process_item(self, item: Article, spider: object = None) -> Article:
        self.remote.ship(article_record(item, self.run_id))
        return item


def _iso(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None
