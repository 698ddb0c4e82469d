"""The hub's ingest endpoint: where crawls on workers ask which URLs are new and hand in
what they found, for the one archive writer (``newswatch run`` with ``NEWSWATCH_INGEST_TOKEN``).

    POST /v1/new      {"outlet", "urls": [[url, earlier_url, updated]], "cutoff", "revisit_since"}
                      → {"answers": [[skip_reason, revisit_due], ...]}  (one per URL, in order)
    POST /v1/records  {"records": [article | seen | run, ...]}  (newswatch.workers.wire)
                      → {"outcomes": ["new" | "duplicate" | "revised" | "unchanged" | "seen" | "run"]}

Every request carries ``Authorization: Bearer <token>`` (compared in constant time): none is
401, a wrong one 403, and neither reads the body. A body must state its length (411) and be
at most ``NEWSWATCH_INGEST_MAX_BYTES`` (413, unread). A body that is not JSON, or a batch with
one record that is not one the hub takes, is 400 with the reason, and nothing of it is
written: the worker keeps it. The writer classifies and stores each article as a local
crawl does (``pipelines.classify.judge``, ``pipelines.store.archive_article``: the article,
its verdict, story and alert in one transaction) and stores a canonical URL once, so a batch
delivered twice adds nothing. The archive cannot be written: 503 (the worker retries, then
spools).
"""

from __future__ import annotations

import hmac
import json
import logging
import sqlite3
import threading
from collections import Counter
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from newswatch.archive import Archive, ArchiveError, Stored
from newswatch.clock import Clock, utcnow
from newswatch.outlets import Outlet, load_outlets
from newswatch.rules.engine import MAX_MATCH_CHARS
from newswatch.stories import StoryIndex
from newswatch.workers.client import NEW_PATH, RECORDS_PATH
from newswatch.workers.wire import (
    ArticleRecord,
    BadBatch,
    Batch,
    NewQuestion,
    RunRecord,
    SeenRecord,
    article_of,
    parse_batch,
    parse_question,
)
from pipelines.classify import judge, rules_and_cues
from pipelines.store import archive_article, story_config
from spiders.runs import NETWORK_STATE

log = logging.getLogger("newswatch.workers")
#: Counters the hub's writer decides (the worker cannot know them), added to the run's row.
HUB_COUNTERS = ("skipped_seen", "revised", "grouped")
KEEP_TALLIES = 1000  # runs whose articles' outcomes are kept for their row


class Writer:
    """The archive writer behind the endpoint: one archive connection, one write at a time."""

    def __init__(self, archive: Archive, outlets: Callable[[], dict[str, Outlet]], settings: Any):
        self.archive = archive
        self.outlets = outlets
        self.rules = settings.get("NEWSWATCH_RULES")
        self.max_chars = settings.getint("NEWSWATCH_MAX_MATCH_CHARS", MAX_MATCH_CHARS)
        self.stories = StoryIndex(story_config(settings))
        self.lock = threading.Lock()
        self.tally: dict[tuple[str, str], dict[str, str]] = {}  # (run, outlet) → URL → counter

    def answer(self, question: NewQuestion) -> list[tuple[str | None, bool]]:
        """For each URL: why it is not fetched (``seen``, ``stale``) or None, and whether it is
        due for a revisit (as ``NewsSpider.consider`` asks a local archive)."""
        seen = self.archive.seen
        answers: list[tuple[str | None, bool]] = []
        with self.lock:
            for url, earlier, updated in question.urls:
                revisit = seen.revisit_due(url, updated, question.revisit_since)
                answers.append(
                    (None if revisit else seen.skip_reason(url, question.cutoff, earlier), revisit)
                )
        return answers

    def check(self, batch: Batch) -> None:
        """Every record names an outlet of the hub's outlets file (articles: archived under it)."""
        outlets = self.outlets()
        for i, record in enumerate(batch.records):
            outlet = record.row.outlet if isinstance(record, RunRecord) else record.outlet
            if outlet not in outlets and not (isinstance(record, SeenRecord) and record.status == "touch"):
                raise BadBatch(f"records.{i}: unknown outlet {outlet!r}")
            if isinstance(record, ArticleRecord) and not outlets[outlet].in_scope(record.url):
                raise BadBatch(f"records.{i}: {record.url} is not on outlet {outlet!r}'s site")

    def write(self, batch: Batch) -> list[str]:
        """Write a checked batch, record by record, in order; the outcome of each."""
        self.check(batch)
        outcomes = []
        with self.lock:
            outlets = self.outlets()
            # the ruleset is compiled once while its files and the official lists are unchanged
            listed = self.archive.listings.organisations()
            matcher, cues = rules_and_cues(self.rules, self.max_chars, listed)
            for record in batch.records:
                if isinstance(record, ArticleRecord):
                    item = judge(article_of(record), matcher, cues)
                    url, stored = archive_article(
                        self.archive, item, outlets[record.outlet], record.run_id, self.stories
                    )
                    self._count(record, stored)
                    if stored.outcome == "new" and item.verdict is not None and item.verdict.flagged:
                        rules = ", ".join(item.verdict.rules)
                        log.info(
                            "[%s] flagged (%s, %s): %s", record.outlet, item.verdict.severity, rules, url
                        )
                    outcomes.append(stored.outcome)
                elif isinstance(record, SeenRecord):
                    if record.status == "touch":
                        self.archive.seen.touch(record.urls)
                    else:
                        self.archive.seen.mark(
                            record.urls, record.outlet, record.status, record.published, record.detail
                        )
                    outcomes.append("seen")
                else:
                    self._record_run(record)
                    outcomes.append("run")
        return outcomes

    def _count(self, record: ArticleRecord, stored: Stored) -> None:
        """Note what came of an article for its run's row: each URL once, as it first came
        (a batch delivered again finds its own run's articles: they count as before)."""
        if stored.outcome == "new":
            counter = "grouped" if stored.relation in ("copy", "related") else "new"
        elif stored.outcome == "revised":
            counter = "revised"
        else:
            held = self.archive.conn.execute(
                "SELECT run_id FROM articles WHERE id = ?", (stored.article_id,)
            ).fetchone()
            counter = "new" if held and held[0] == record.run_id else "skipped_seen"
        self.tally.setdefault((record.run_id, record.outlet), {}).setdefault(record.url, counter)
        while len(self.tally) > KEEP_TALLIES:  # the oldest runs go
            del self.tally[next(iter(self.tally))]

    def _record_run(self, record: RunRecord) -> None:
        """The run's row: the worker's counters, ``new`` and ``flagged`` as the archive holds
        them (so a run record delivered twice, or after its articles were spooled, is right),
        and the counters only the writer knows."""
        row = record.row
        run_id, outlet = row.run_id, row.outlet
        tally = Counter(self.tally.get((run_id, outlet), {}).values())
        counts = dict(row.counts)
        counts["new"], counts["flagged"] = held_by_run(self.archive, run_id, outlet, row.started_at)
        for name in HUB_COUNTERS:
            counts[name] = counts.get(name, 0) + tally[name]
        fields = row.model_dump(exclude={"counts"})
        with self.archive.write():
            self.archive.runs.record({**fields, **counts})
            self.archive.state.set(NETWORK_STATE + outlet, f"{run_id} {record.network}")
        log.debug("[%s] run %s recorded from worker %s", outlet, run_id, record.worker or "?")


def held_by_run(archive: Archive, run_id: str, outlet: str, started_at: str) -> tuple[int, int]:
    """Articles the archive holds from one outlet's run, and how many are flagged: those
    fetched since it started (the ``fetched_at`` index, not a scan of the archive)."""
    found = archive.conn.execute(
        "SELECT count(*), coalesce(sum(flagged), 0) FROM articles INDEXED BY idx_articles_fetched_at "
        "WHERE fetched_at >= ? AND run_id = ? AND outlet = ?",
        (started_at, run_id, outlet),
    ).fetchone()
    return int(found[0]), int(found[1])


class IngestServer:
    """The endpoint on ``address`` (``HOST:PORT``; port 0: any free one), in threads of its
    own; it binds, and opens its writer's archive, when it starts."""

    def __init__(self, writer: Callable[[], Writer], token: str, address: str, max_bytes: int):
        if not token:
            raise ValueError("the ingest endpoint needs a token")
        self.make_writer = writer
        self.token = token.encode("utf-8")
        self.address = address
        self.max_bytes = max_bytes
        self.writer: Writer | None = None
        self.httpd: ThreadingHTTPServer | None = None
        self.thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        assert self.httpd is not None, "the ingest endpoint is not started"
        host, port = self.httpd.socket.getsockname()[:2]
        return f"http://{host}:{port}"

    def start(self) -> IngestServer:
        host, _, port = self.address.rpartition(":")
        self.writer = self.make_writer()
        try:
            self.httpd = ThreadingHTTPServer((host.strip("[]"), int(port)), _handler(self, self.writer))
        except OSError:
            self.writer.archive.close()
            self.writer = None
            raise
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(target=self.httpd.serve_forever, name="newswatch-ingest", daemon=True)
        self.thread.start()
        log.info("ingest endpoint for workers at %s", self.url)
        return self

    def stop(self) -> None:
        """Stop taking requests; a batch being written finishes first (its transactions hold)."""
        if self.httpd is not None:
            self.httpd.shutdown()
            self.httpd.server_close()
        if self.thread is not None:
            self.thread.join()
            self.thread = None
        if self.writer is not None:
            with self.writer.lock:
                self.writer.archive.close()

    def authorised(self, header: str | None) -> int:
        """200, or 401 (no token given) or 403 (a wrong one)."""
        scheme, _, given = (header or "").partition(" ")
        if scheme.lower() != "bearer" or not given.strip():
            return 401
        return 200 if hmac.compare_digest(given.strip().encode("utf-8"), self.token) else 403


def _handler(server: IngestServer, writer: Writer) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "newswatch-ingest"
        sys_version = ""
        timeout = 60  # seconds a client may take to send its request
        disable_nagle_algorithm = True  # headers and body go out at once, not 40 ms apart (delayed ACK)

        def log_message(self, format: str, *args: Any) -> None:
            log.debug("ingest %s: " + format, self.client_address[0], *args)

        def do_GET(self) -> None:
            self._answer(405, {"error": "use POST"})

        def do_POST(self) -> None:
            path = self.path.split("?", 1)[0]
            if path not in (NEW_PATH, RECORDS_PATH):
                return self._answer(404, {"error": f"no such endpoint: {path}"}, close=True)
            status = server.authorised(self.headers.get("Authorization"))
            if status != 200:
                log.warning("ingest: %s from %s refused (%s)", path, self.client_address[0], status)
                return self._answer(status, {"error": "a valid token is needed"}, close=True)
            length = self.headers.get("Content-Length")
            if length is None or not (length.isascii() and length.isdigit()):
                return self._answer(411, {"error": "Content-Length is needed"}, close=True)
            if int(length) > server.max_bytes:
                return self._answer(
                    413, {"error": f"body of {length} bytes, over {server.max_bytes}"}, close=True
                )
            body = self.rfile.read(int(length))
            try:
                data = json.loads(body)
            except (json.JSONDecodeError, UnicodeDecodeError) as exc:
                return self._answer(400, {"error": f"not JSON: {exc}"})
            try:
                if path == NEW_PATH:
                    answers = writer.answer(parse_question(data))
                    return self._answer(200, {"answers": answers})
                outcomes = writer.write(parse_batch(data))
            except BadBatch as exc:
                log.warning("ingest: batch from %s refused: %s", self.client_address[0], exc)
                return self._answer(400, {"error": str(exc)})
            except (ArchiveError, sqlite3.Error) as exc:
                log.error("ingest: cannot write the archive: %s", exc)
                return self._answer(503, {"error": "the archive cannot be written now"})
            except Exception as exc:  # never a dropped connection: the worker keeps the batch and retries
                log.exception("ingest: %s from %s failed", path, self.client_address[0])
                return self._answer(500, {"error": f"the hub failed on this batch: {type(exc).__name__}"})
            return self._answer(200, {"outcomes": outcomes})

        def _answer(self, status: int, payload: dict[str, Any], close: bool = False) -> None:
            body = json.dumps(payload).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            if status == 401:
                self.send_header("WWW-Authenticate", 'Bearer realm="newswatch-ingest"')
            if close:  # the body was not read: the connection cannot carry another request
                self.send_header("Connection", "close")
                self.close_connection = True
            self.end_headers()
            self.wfile.write(body)

    return Handler


def ingest_server(settings: Any, clock: Clock = utcnow) -> IngestServer | None:
    """The endpoint the settings ask for (``NEWSWATCH_INGEST_TOKEN``), not started; None without one."""
    token = str(settings.get("NEWSWATCH_INGEST_TOKEN") or "")
    if not token:
        return None
    outlets_file = Path(settings.get("NEWSWATCH_OUTLETS"))

    def writer() -> Writer:
        archive = Archive(
            settings.get("NEWSWATCH_DB"),
            settings.getint("NEWSWATCH_BUSY_TIMEOUT_MS"),
            clock=clock,
            review_alerts=bool(settings.get("NEWSWATCH_REVIEW_CHANNEL")),
        )
        return Writer(archive, lambda: load_outlets(outlets_file), settings)

    return IngestServer(
        writer,
        token,
        settings.get("NEWSWATCH_INGEST_ADDRESS") or "127.0.0.1:8790",
        settings.getint("NEWSWATCH_INGEST_MAX_BYTES"),
    )
