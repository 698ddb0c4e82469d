"""The one generic news spider: outlets from config → candidates → article responses.

    scrapy crawl news                      # every enabled outlet
    scrapy crawl news -a outlet=dw         # one outlet (or -a outlets=dw,bbc)
    scrapy crawl news -a since=2026-01-01  # backfill: ignore the freshness window

Feeds, news sitemaps, sitemaps and listing pages are read by ``discovery``; candidates are
canonicalised, checked against the outlet's allow/deny rules, the freshness window and
the seen-URL table, and only then fetched. A source body that a finished run read and
whose items all settled is not parsed again; its items are counted as before
(``spiders.cache.SourceRead``). Every outcome is counted per outlet
(``spiders.runs``); nothing here raises out of a callback. The archive is the crawl's
(``spiders.runs.crawl_archive``), opened and closed by the run recorder. On a worker
(``NEWSWATCH_HUB_URL``) it is the hub's, seen from afar (``newswatch.workers.remote``): one
question per source read says which candidates are new, and ``-a outlet_config=`` gives the
outlets' tables as the hub passed them.
"""

from __future__ import annotations

import secrets
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

import scrapy
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest, NotConfigured
from scrapy.http import HtmlResponse, Response
from scrapy.settings import BaseSettings
from scrapy.spidermiddlewares.httperror import HttpError
from twisted.python.failure import Failure

from newswatch.archive import Archive
from newswatch.clock import parse_since, utcnow
from newswatch.discovery import SourceError, parse_source
from newswatch.extraction import looks_binary
from newswatch.outlets import Outlet, OutletConfigError, load_outlets, select
from newswatch.records import Article, Candidate, SourceKind
from newswatch.urls import BadURL, canonicalize
from newswatch.workers.outlets import outlets_from_toml
from newswatch.workers.remote import RemoteSeen, hub_settings
from spiders.cache import STALE_BY_DATE, SourceRead, body_digest, scope_fingerprint, source_key
from spiders.logs import quiet_network_tracebacks, reported_once
from spiders.middlewares import OffsiteRequest
from spiders.runs import bump, crawl_archive, note_error

BLOCKED_STATUSES = frozenset({401, 403, 429, 451})
GONE_STATUSES = frozenset({404, 410})
#: Outcomes of a candidate that no later run changes while its source's body stays the same.
SETTLED = frozenset({"filtered", "skipped_seen", "skipped_stale", STALE_BY_DATE})


def new_run_id(now: datetime) -> str:
    return now.strftime("%Y%m%dT%H%M%SZ-") + secrets.token_hex(3)


def header(response: Response, name: str) -> str:
    value = response.headers.get(name)
    return value.decode("latin-1") if value else ""


@dataclass
class ParsedSource:
    """One source body parsed this run: what it listed, for its :class:`SourceRead`."""

    digest: str
    candidates: list[Candidate] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)  # counters owed to no candidate
    leaf: bool = True  # read whole, and lists no sitemap: its items are all it leads to


class NewsSpider(scrapy.Spider):
    name = "news"

    outlets: dict[str, Outlet]
    selected: list[Outlet]
    cutoff: datetime
    run_id: str

    def __init__(
        self,
        outlets: str | None = None,
        outlet: str | None = None,
        since: str | None = None,
        run_id: str | None = None,
        outlet_config: str | None = None,
        **kwargs: Any,
    ):
        super().__init__(**kwargs)
        self.outlet_config = outlet_config  # on a worker: the outlets' tables as the hub passed them
        keys = [k.strip() for k in (outlets or "").split(",") + (outlet or "").split(",")]
        self.outlet_keys = [k for k in keys if k]
        self.since = since
        self.run_id_arg = run_id
        self._taken: dict[str, int] = {}
        self._candidates: set[str] = set()
        self._sources: set[tuple[str, str]] = set()  # (outlet, URL) of every source requested
        self._outcome: dict[str, str] = {}  # candidate URL → what came of it this run
        self._parsed: dict[tuple[str, str], ParsedSource] = {}  # (outlet, URL) → the body parsed
        self._scopes: dict[str, str] = {}  # outlet key → scope_fingerprint
        self._unchanged: list[str] = []  # the sources not parsed again, for the log
        # One bound method per callback for the whole crawl: Scrapy reads and parses a
        # generator callback's source once per callable object it still holds, so a bound
        # method made anew for each request had it do so for every response.
        self._on_source = self.parse_source
        self._on_article = self.parse_article
        self._on_error = self.on_error

    @classmethod
    def update_settings(cls, settings: BaseSettings) -> None:
        super().update_settings(settings)
        if settings.get("NEWSWATCH_HUB_URL"):  # a worker: the hub is the archive (docs/scaling.md)
            settings.setdict(hub_settings(settings), priority="spider")

    @classmethod
    def from_crawler(cls, crawler: Crawler, *args: Any, **kwargs: Any) -> NewsSpider:
        spider: NewsSpider = super().from_crawler(crawler, *args, **kwargs)
        try:
            spider.configure()
        except OutletConfigError as exc:  # scrapy crawl news -a outlet=nope: one line, no traceback
            if hasattr(spider, "outlets"):  # the file loaded: the key is unknown
                known = ", ".join(sorted(spider.outlets)) or "none"
                spider.logger.error("%s (known outlets: %s; `newswatch outlets` lists them)", exc, known)
            else:
                spider.logger.error("%s", exc)
            reported_once(exc)
            raise
        return spider

    def configure(self) -> None:
        quiet_network_tracebacks()
        settings = self.crawler.settings
        self.outlets = (
            outlets_from_toml(self.outlet_config)
            if self.outlet_config
            else load_outlets(settings.get("NEWSWATCH_OUTLETS"))
        )
        self.selected = select(self.outlets, self.outlet_keys)
        now = utcnow()
        self.started_at = now
        self.backfill = bool(self.since)
        self.cutoff = (
            parse_since(self.since, now)
            if self.since
            else now - timedelta(days=settings.getfloat("NEWSWATCH_FRESHNESS_DAYS"))
        )
        self.run_id = self.run_id_arg or settings.get("NEWSWATCH_RUN_ID") or new_run_id(now)
        self.revisit_days = settings.getfloat("NEWSWATCH_REVISIT_DAYS")
        self.revisit_since = now - timedelta(days=self.revisit_days)
        self.max_per_run = settings.getint("NEWSWATCH_MAX_ARTICLES_PER_RUN")
        self.sitemap_depth = settings.getint("NEWSWATCH_SITEMAP_DEPTH")
        if not settings.get("NEWSWATCH_CONTACT_URL"):
            self.logger.warning(
                "NEWSWATCH_CONTACT_URL is not set: outlets cannot tell who crawls them (User-Agent: %s)",
                settings.get("USER_AGENT"),
            )

    @property
    def archive(self) -> Archive:
        """The crawl's archive (the run recorder's; there from the moment the crawl starts)."""
        return crawl_archive(self.crawler)

    # --- discovery -----------------------------------------------------------------------

    async def start(self) -> AsyncIterator[scrapy.Request]:
        for outlet in self.selected:
            for kind, url in outlet.sources():
                yield self._source_request(outlet, kind, url, depth=0)

    def _source_request(
        self, outlet: Outlet, kind: SourceKind, url: str, depth: int, chain: tuple[str, ...] = ()
    ) -> scrapy.Request:
        self._sources.add((outlet.key, url))
        return scrapy.Request(
            url,
            callback=self._on_source,
            errback=self._on_error,
            dont_filter=True,
            priority=10,
            # nw_chain: the sitemap indexes that led here, so an index listing one of them is a loop
            meta={"nw_outlet": outlet.key, "nw_kind": kind, "nw_depth": depth, "nw_chain": (*chain, url)},
        )

    def parse_source(self, response: Response) -> Iterator[scrapy.Request]:
        outlet = self.outlets[response.meta["nw_outlet"]]
        kind: SourceKind = response.meta["nw_kind"]
        stats = self.crawler.stats
        digest = body_digest(response.body)
        if self._replay(outlet, kind, response.url, digest):
            return
        content_type = header(response, "Content-Type") or None
        try:
            # sitemap URLs too old to be fetched or revisited are only counted, never held
            since = min(self.cutoff, self.revisit_since)
            found = parse_source(kind, response.body, response.url, outlet.key, content_type, since)
        except SourceError as exc:
            bump(stats, outlet.key, "source_errors")
            bump(stats, outlet.key, "errors")
            note_error(stats, outlet.key, f"{kind} {response.url}: {exc}")
            self.logger.warning("[%s] %s %s unusable: %s", outlet.key, kind, response.url, exc)
            return
        bump(stats, outlet.key, "sources_ok")
        parsed = ParsedSource(digest, leaf=not found.malformed and not found.sitemaps)
        if found.older:
            bump(stats, outlet.key, "discovered", found.older)
            bump(stats, outlet.key, "skipped_stale", found.older)
            parsed.counts.update(discovered=found.older, skipped_stale=found.older)
        if found.malformed:
            bump(stats, outlet.key, "source_errors")
            note_error(stats, outlet.key, f"{kind} {response.url}: read in part: {found.problem}")
            self.logger.warning("[%s] %s %s read in part: %s", outlet.key, kind, response.url, found.problem)
        self._count_bad_links(outlet, kind, response.url, found.bad_links)
        parsed.counts.update(discovered=len(found.bad_links), filtered=len(found.bad_links))
        if isinstance(self.archive.seen, RemoteSeen):  # a worker: which are new, one question to the hub
            backfill_cutoff = self.cutoff if self.backfill else None
            self.archive.seen.ask(outlet.key, found.candidates, backfill_cutoff, self.revisit_since)
        depth = response.meta.get("nw_depth", 0)
        for child, lastmod in found.sitemaps:
            if depth >= self.sitemap_depth:
                self.logger.warning(
                    "[%s] sitemap nesting deeper than %d at %s", outlet.key, self.sitemap_depth, child
                )
                break
            if lastmod is not None and lastmod < self.cutoff:
                continue  # an index child untouched since before the window holds nothing new
            if child in response.meta.get("nw_chain", ()):
                bump(stats, outlet.key, "source_errors")
                note_error(stats, outlet.key, f"{kind} {response.url}: sitemap index loop: lists {child}")
                self.logger.warning("[%s] sitemap index loop: %s lists %s", outlet.key, response.url, child)
                continue
            if (outlet.key, child) in self._sources:
                continue  # listed by a second index: read once
            yield self._source_request(outlet, kind, child, depth + 1, response.meta.get("nw_chain", ()))
        for candidate in found.candidates:
            parsed.candidates.append(candidate)
            request = self.consider(outlet, candidate)
            if request is not None:
                yield request
        self._parsed[(outlet.key, response.url)] = parsed  # every item considered

    # --- unchanged sources ---------------------------------------------------------------

    def _scope(self, outlet: Outlet) -> str:
        """What decides an item's outcome besides the archive: the outlet's scope, its
        allow/deny patterns and the revisit window."""
        if outlet.key not in self._scopes:
            self._scopes[outlet.key] = scope_fingerprint(
                [
                    outlet.key,
                    *sorted(f"{host}:{port}" for host, port in outlet.origins),
                    *sorted(outlet.domains),
                    "allow",
                    *(m.pattern for m in outlet.allow),
                    "deny",
                    *(m.pattern for m in outlet.deny),
                    f"revisit {self.revisit_days}",
                ]
            )
        return self._scopes[outlet.key]

    def _replay(self, outlet: Outlet, kind: SourceKind, url: str, digest: str) -> bool:
        """Count a source body a finished run read, all of whose items settled, as a parse
        would, without parsing it; False (parse it) when there is no such record."""
        if self.backfill:
            return False
        read = SourceRead.decode(self.archive.state.get(source_key(outlet.key, url)))
        if read is None or read.digest != digest or read.scope != self._scope(outlet):
            return False
        items = read.replay(self.cutoff)
        if items is None:
            return False
        counts = Counter(read.counts)
        for item, counter in items:
            if item in self._candidates:
                continue  # listed by a source read before this one in this run
            self._candidates.add(item)
            self._outcome[item] = counter
            counts["discovered"] += 1
            counts[counter] += 1
        stats = self.crawler.stats
        bump(stats, outlet.key, "sources_ok")
        for counter, count in counts.items():
            if count:
                bump(stats, outlet.key, counter, count)
        self._unchanged.append(f"[{outlet.key}] {kind} {url} ({len(items)} items)")
        return True

    def closed(self, reason: str) -> None:
        """Say, once, which sources were not parsed again (no line per source: a quiet
        poll of a thousand outlets would log a thousand)."""
        if self._unchanged:
            shown = ", ".join(self._unchanged[:3]) + (" …" if len(self._unchanged) > 3 else "")
            self.logger.info(
                "%d source(s) unchanged since a run read them, none with new items; not parsed again: %s",
                len(self._unchanged),
                shown,
            )

    def source_reads(self) -> dict[str, str]:
        """The ``service_state`` values to write when the run has finished: the
        :class:`SourceRead` of each source body parsed whose items all settled; an empty
        value for each one a backfill parsed (its items were judged by another window)."""
        found: dict[str, str] = {}
        now = utcnow()
        for (key, url), parsed in self._parsed.items():
            if self.backfill:
                found[source_key(key, url)] = ""
                continue
            items = self._settled(parsed, now) if parsed.leaf else None
            if items is not None:
                read = SourceRead(parsed.digest, self._scope(self.outlets[key]), items, dict(parsed.counts))
                found[source_key(key, url)] = read.encode()
        return found

    def _settled(
        self, parsed: ParsedSource, now: datetime
    ) -> tuple[tuple[str, str, datetime | None], ...] | None:
        """Each candidate's URL, settled outcome and date; None when one is not settled:
        deferred, refused, failed or not fetched yet, due for a revisit, or dated in the
        future (it may be due later)."""
        seen = self.archive.seen
        items = []
        for candidate in parsed.candidates:
            outcome = self._outcome.get(candidate.url)
            if candidate.updated is not None and candidate.updated > now:
                return None
            if outcome == "requested":
                reason = seen.skip_reason(candidate.url, None, candidate.earlier_url)
                if reason is None or seen.revisit_due(candidate.url, candidate.updated, self.revisit_since):
                    return None
                outcome = f"skipped_{reason}"
            if outcome not in SETTLED:
                return None
            items.append((candidate.url, outcome, candidate.date))
        return tuple(items)

    def _count_bad_links(self, outlet: Outlet, kind: SourceKind, url: str, bad: list[str]) -> None:
        """Links that are no usable URL are skipped, each counted ``discovered`` and
        ``filtered``; the source itself is fine."""
        if not bad:
            return
        bump(self.crawler.stats, outlet.key, "discovered", len(bad))
        bump(self.crawler.stats, outlet.key, "filtered", len(bad))
        self.logger.info(
            "[%s] %s %s: %d unusable link(s) skipped, e.g. %s", outlet.key, kind, url, len(bad), bad[0]
        )

    def consider(self, outlet: Outlet, candidate: Candidate) -> scrapy.Request | None:
        """The article request for a candidate, or None (counted) when it is skipped."""
        if candidate.url in self._candidates:
            return None  # the same article from a second source of this run
        self._candidates.add(candidate.url)
        stats = self.crawler.stats
        bump(stats, outlet.key, "discovered")
        refusal = outlet.refusal(candidate.url)
        if refusal is not None:  # on the outlet's host, but another port: another service
            self._outcome[candidate.url] = "refused"
            self._refused(outlet.key, "article", candidate, refusal, candidate.url, redirected=False)
            return None
        if outlet.rejects(candidate.url):
            self._outcome[candidate.url] = "filtered"
            bump(stats, outlet.key, "filtered")
            return None
        # an archived article the source says changed since we fetched it: fetch it again
        revisit = self.archive.seen.revisit_due(candidate.url, candidate.updated, self.revisit_since)
        if not revisit and candidate.date is not None and candidate.date < self.cutoff:
            self._outcome[candidate.url] = STALE_BY_DATE
            bump(stats, outlet.key, "skipped_stale")
            return None
        backfill_cutoff = self.cutoff if self.backfill else None
        reason = (
            None
            if revisit
            else self.archive.seen.skip_reason(candidate.url, backfill_cutoff, candidate.earlier_url)
        )
        if reason is not None:
            self._outcome[candidate.url] = f"skipped_{reason}"
            bump(stats, outlet.key, f"skipped_{reason}")
            return None
        if self.max_per_run and self._taken.get(outlet.key, 0) >= self.max_per_run:
            self._outcome[candidate.url] = "deferred"
            bump(stats, outlet.key, "deferred")
            return None
        self._taken[outlet.key] = self._taken.get(outlet.key, 0) + 1
        self._outcome[candidate.url] = "requested"
        # Newest first, so a per-run cap or a timeout loses the oldest items.
        age_hours = (utcnow() - candidate.date).total_seconds() / 3600 if candidate.date else 0
        return scrapy.Request(
            candidate.url,
            callback=self._on_article,
            errback=self._on_error,
            # candidates are deduplicated above; Scrapy's duplicate filter would silently drop a
            # redirect back to a URL already requested (a loop A → B → A) instead of failing it
            dont_filter=True,
            priority=-min(int(age_hours), 1000),
            meta={
                "nw_outlet": outlet.key,
                "nw_kind": "article",
                "nw_candidate": candidate,
                "nw_revisit": revisit,
            },
        )

    # --- articles ------------------------------------------------------------------------

    def parse_article(self, response: Response) -> Iterator[Article]:
        outlet = self.outlets[response.meta["nw_outlet"]]
        candidate: Candidate = response.meta["nw_candidate"]
        stats = self.crawler.stats
        bump(stats, outlet.key, "fetched")
        try:
            final_url = canonicalize(response.url)
        except BadURL:
            final_url = candidate.url
        if not isinstance(response, HtmlResponse) or looks_binary(response.body):
            bump(stats, outlet.key, "not_html")
            content_type = header(response, "Content-Type")
            self.logger.info("[%s] not HTML (%s): %s", outlet.key, content_type or "?", response.url)
            self.archive.seen.mark(
                [candidate.url, final_url], outlet.key, "not_html", detail=content_type or None
            )
            return
        yield Article(
            url=candidate.url,
            final_url=final_url,
            outlet=outlet.key,
            fetched_at=utcnow(),
            html=response.text,
            candidate=candidate,
            outlet_language=outlet.language,
            revisit=bool(response.meta.get("nw_revisit")),
        )

    # --- failures ------------------------------------------------------------------------

    def on_error(self, failure: Failure) -> None:
        request = failure.request  # type: ignore[attr-defined]
        key = request.meta.get("nw_outlet")
        if key is None:
            return
        kind = request.meta.get("nw_kind", "article")
        stats = self.crawler.stats
        candidate: Candidate | None = request.meta.get("nw_candidate")
        if isinstance(failure.value, OffsiteRequest):
            offsite = failure.value
            redirected = bool(request.meta.get("redirect_urls")) or offsite.url != request.url
            self._refused(key, kind, candidate, offsite.reason, offsite.url, redirected)
            return
        if failure.check(HttpError):
            status = failure.value.response.status  # type: ignore[union-attr]
            detail = f"HTTP {status}"
            if status in BLOCKED_STATUSES:
                bump(stats, key, "blocked")
            if status in GONE_STATUSES and candidate is not None:
                self.archive.seen.mark([candidate.url], key, "gone", detail=detail)
        elif failure.check(IgnoreRequest):
            detail = str(failure.value) or "ignored"
            if "robots.txt" in detail:
                bump(stats, key, "blocked")
        else:
            name = type(failure.value).__name__
            message = failure.getErrorMessage() or self._silent_error(name, request)
            detail = f"{name}: {message}"[:300]
        bump(stats, key, "errors")
        if kind != "article":
            bump(stats, key, "source_errors")
        note_error(stats, key, f"{kind} {request.url}: {detail}")
        self.logger.warning("[%s] %s %s failed: %s", key, kind, request.url, detail)

    def _refused(
        self, key: str, kind: str, candidate: Candidate | None, reason: str, target: str, redirected: bool
    ) -> None:
        """A request refused for leaving the outlet's scope: counted ``offsite``, said in
        ``last_error``, and (for an article) recorded once as final so no run asks again."""
        how = "redirected off-site" if redirected else "refused"
        message = f"{kind} {how} ({reason}): {target}"[:500]
        bump(self.crawler.stats, key, "offsite")
        if candidate is not None:
            self.archive.seen.mark([candidate.url], key, "offsite", detail=message[:300])
        note_error(self.crawler.stats, key, message)
        self.logger.info("[%s] %s", key, message)

    def _silent_error(self, name: str, request: scrapy.Request) -> str:
        """What a download failure Scrapy raises without a message means."""
        if name in {"DownloadCancelledError", "CancelledError"}:
            limit = request.meta.get("download_maxsize", self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
            return f"download cancelled: the body grew past the size cap (DOWNLOAD_MAXSIZE {limit} bytes)"
        if name == "ResponseDataLossError":
            return "the connection closed before the whole body arrived"
        return "no detail given"


def news_spider(crawler: Crawler) -> NewsSpider:
    """The running news spider, typed, for the pipelines' ``from_crawler``. Another spider
    (``scrapy fetch``, ``scrapy shell``) leaves them unconfigured: Scrapy then runs without them."""
    spider = crawler.spider
    if not isinstance(spider, NewsSpider):
        raise NotConfigured(f"newswatch pipelines run with the news spider, not {spider!r}")
    return spider
