"""Downloader middlewares: every request of the crawl (robots.txt and redirects included)
stays on the origins of the outlet it is for, and robots.txt is read as RFC 9309 says."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any, cast
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.httpcache import HttpCacheMiddleware
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.robotstxt import RobotParser
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.httpobj import urlparse_cached
from scrapy.utils.misc import build_from_crawler
from twisted.internet.defer import Deferred
from w3lib.url import safe_url_string

from newswatch.outlets import Outlet
from newswatch.urls import BadURL, canonicalize, host_of, ip_address, is_internal, origin

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})
ROBOTS_PATH = "/robots.txt"
logger = logging.getLogger(__name__)


class OffsiteRequest(IgnoreRequest):
    """A request (usually a redirect) left the outlet's scope; ``reason`` says how."""

    def __init__(self, reason: str, url: str):
        super().__init__(f"{reason}: {url}")
        self.reason, self.url = reason, url


class OutletScopeMiddleware:
    """Refuses, before it is sent, every request of the crawl that leaves the scope of the
    outlet it is for: off its origins (host and port), to an internal address (loopback,
    private, link-local) while the outlet's homepage is not on one, or not plain http(s)
    without a user name. Requests Scrapy makes on its own (robots.txt, and the redirects
    and retries of any request) are checked for the outlet they serve (:func:`outlets_for`);
    a request that serves no outlet of the run is refused."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self._internal_ok: dict[str, bool] = {}  # outlet key → its homepage is internal
        self._index = ScopeIndex({})

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OutletScopeMiddleware:
        return cls(crawler)

    async def process_request(self, request: Request, spider: Any = None) -> None:
        known = getattr(self.crawler.spider, "outlets", None) or {}
        if self._index.outlets is not known:
            self._index = ScopeIndex(known)
        outlets = outlets_for(known, request, self._index)
        if not outlets:
            raise OffsiteRequest("no outlet of this crawl asked for it", request.url)
        reasons = []
        for outlet in outlets:  # robots.txt on an origin outlets share: any of them may ask
            reason = await self._refusal(outlet, request)
            if reason is None:
                return
            reasons.append(reason)
        raise OffsiteRequest(reasons[0], request.url)

    async def _refusal(self, outlet: Outlet, request: Request) -> str | None:
        """Why the request is refused for this outlet, None when it may go."""
        reason = scope_refusal(outlet, request.url)
        if reason is not None:
            return reason
        if configured(outlet, request, self._index):
            return None  # what the operator configured goes wherever it is
        host = host_of(request.url)
        if await self._internal(host) and not await self._homepage_internal(outlet):
            return f"{host} is an internal address and the outlet's homepage is not"
        return None

    async def _internal(self, host: str) -> bool:
        """True when the host is, or resolves to, an internal address. The lookup goes
        through Scrapy's caching resolver, so the address checked is the one connected to;
        a name that does not resolve is left to fail in the download."""
        if ip_address(host) is not None:
            return is_internal(host)
        from twisted.internet import reactor

        try:
            address = await maybe_deferred_to_future(cast(Any, reactor).resolve(host))
        except Exception:
            return False
        return is_internal(str(address))

    async def _homepage_internal(self, outlet: Outlet) -> bool:
        if outlet.key not in self._internal_ok:
            self._internal_ok[outlet.key] = await self._internal(host_of(outlet.homepage))
        return self._internal_ok[outlet.key]


class RedirectTargetMiddleware:
    """Refuses any redirect of the crawl (robots.txt's too) whose target is not an http(s)
    URL (``file:``, ``data:``, ``javascript:``, or no URL at all) before Scrapy's
    RedirectMiddleware sees it, so it is recorded once as refused rather than as an error
    retried every run. http(s) targets go on to RedirectMiddleware, and their request
    through OutletScopeMiddleware."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectTargetMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        location = response.headers.get("Location")
        if response.status not in REDIRECT_STATUSES or not location:
            return response
        refused = redirect_refusal(request.url, location)
        if refused is not None:
            raise OffsiteRequest(*refused)
        return response


def redirect_refusal(url: str, location: bytes) -> tuple[str, str] | None:
    """``(why, target)`` when a redirect from ``url`` to ``location`` is refused outright;
    None when its target is an http(s) URL (whose scope is checked when it is requested)."""
    try:
        target = urljoin(url, safe_url_string(location))
        scheme = urlsplit(target).scheme.lower()
    except ValueError as exc:
        return f"redirect to an unreadable URL refused ({exc})", location.decode("latin-1")[:300]
    if scheme not in ("http", "https"):
        return f"redirect to a {scheme or 'scheme-less'}: URL refused (not http/https)", target[:300]
    try:
        canonicalize(target)
    except BadURL as exc:
        return f"redirect refused: {exc}", target[:300]
    return None


def first_url(request: Request) -> str:
    """The URL the request's redirect chain started from (its own URL when not redirected)."""
    redirected = request.meta.get("redirect_urls") or ()
    return str(redirected[0]) if redirected else request.url


def is_robots_request(request: Request) -> bool:
    """True for a robots.txt request of the robots middleware (or a redirect of one)."""
    if not request.meta.get("dont_obey_robotstxt"):
        return False
    parts = urlsplit(first_url(request))
    return parts.path == ROBOTS_PATH and not parts.query


class ScopeIndex:
    """The outlets of a crawl by origin and by configured source, so the outlets of a
    request are looked up rather than each outlet tried: with one robots.txt request per
    host, trying every outlet made a crawl's cost grow with the square of its outlets."""

    def __init__(self, outlets: Mapping[str, Outlet]):
        self.outlets = outlets
        self._by_origin: dict[tuple[str, int | None], list[Outlet]] = {}
        self._by_source: dict[str, list[Outlet]] = {}
        self._rank = {key: rank for rank, key in enumerate(outlets)}
        self._source_origins: dict[str, frozenset[tuple[str, int | None]]] = {}
        for outlet in outlets.values():  # lists in the mapping's order
            for where in outlet.origins:
                self._by_origin.setdefault(where, []).append(outlet)
            for url in outlet.source_urls():
                self._by_source.setdefault(url, []).append(outlet)

    def in_scope(self, url: str) -> list[Outlet]:
        """The outlets whose scope holds ``url`` (``Outlet.in_scope``), in the mapping's order."""
        try:
            host, port = origin(url)
        except BadURL:
            return []
        found: dict[str, Outlet] = {}
        while host:  # the host, then each domain it is a subdomain of (as host_matches)
            for outlet in self._by_origin.get((host, port), ()):
                found[outlet.key] = outlet
            _, _, host = host.partition(".")
        return sorted(found.values(), key=lambda outlet: self._rank[outlet.key])

    def configured(self, source: str) -> list[Outlet]:
        """The outlets one of whose configured sources is ``source`` (canonical)."""
        return list(self._by_source.get(source, ()))

    def source_origins(self, outlet: Outlet) -> frozenset[tuple[str, int | None]]:
        """The origins of the outlet's configured sources (worked out once)."""
        if outlet.key not in self._source_origins:
            self._source_origins[outlet.key] = frozenset(origin(url) for url in outlet.source_urls())
        return self._source_origins[outlet.key]


def outlets_for(
    outlets: Mapping[str, Outlet], request: Request, index: ScopeIndex | None = None
) -> list[Outlet]:
    """The outlets whose scope a request is checked against: the one its ``nw_outlet``
    names; for robots.txt (and its redirects), every outlet whose scope holds the origin
    the first robots.txt URL was on; for any other request, the outlets one of whose
    configured sources it started from. Empty (refused) otherwise. ``index``: the
    outlets' :class:`ScopeIndex`, built once per crawl (made here when not given)."""
    key = request.meta.get("nw_outlet")
    if key is not None:
        return [outlets[key]] if key in outlets else []
    if index is None or index.outlets is not outlets:
        index = ScopeIndex(outlets)
    first = first_url(request)
    if is_robots_request(request):
        return index.in_scope(first)
    try:
        source = canonicalize(first)
    except BadURL:
        return []
    return index.configured(source)


def configured(outlet: Outlet, request: Request, index: ScopeIndex | None = None) -> bool:
    """True for one of the outlet's configured sources, and for the robots.txt of a
    source's origin (not redirected): the operator named them, so they go wherever they
    are, internal addresses included. Their redirects get every check. ``index``: the
    crawl's :class:`ScopeIndex`, which knows each outlet's source origins."""
    try:
        if canonicalize(request.url) in outlet.source_urls():
            return True
        if not is_robots_request(request) or request.meta.get("redirect_urls"):
            return False
        if index is not None and outlet.key in index.outlets:
            return origin(request.url) in index.source_origins(outlet)
        return origin(request.url) in {origin(url) for url in outlet.source_urls()}
    except BadURL:
        return False


def scope_refusal(outlet: Outlet, url: str) -> str | None:
    """Why a request URL is refused for an outlet without a lookup, None when it may go."""
    try:
        canonicalize(url)
    except BadURL as exc:
        return str(exc)
    if outlet.in_scope(url):
        return None
    return outlet.refusal(url) or f"off-site for outlet {outlet.key}"


#: What a robots.txt that cannot be read right now means (RFC 9309 §2.3.1.4): stay out.
DISALLOW_ALL = b"User-agent: *\nDisallow: /\n"


class RFC9309RobotsTxtMiddleware(RobotsTxtMiddleware):
    """Scrapy's robots.txt handling, except for error answers: a 5xx robots.txt means
    "disallow everything" for this run (Scrapy would read the error page as no rules and
    crawl the site), and a 4xx one means "no rules" whatever its body says. A robots.txt
    whose redirect is refused (off the outlet's scope, to an internal address, to
    ``file:``/``data:``) is not followed and counts as unreachable, like a 5xx: the crawl
    stays off that origin for the run, and each request it refuses says why."""

    def __init__(self, crawler: Crawler):
        super().__init__(crawler)
        self._unreadable: dict[str, str] = {}  # netloc → why its robots.txt was not read
        self._cache: HttpCacheMiddleware | bool | None = False  # False: not looked up yet

    async def robot_parser(self, request: Request) -> RobotParser | None:
        netloc = urlparse_cached(request).netloc
        if netloc not in self._parsers:
            cached = self._fresh_cached_robots(request)
            if cached is not None:
                self._parsers[netloc] = Deferred()
                self._stats.inc_value("robotstxt/request_count")
                await self._parse_robots(cached, netloc, request)
        return await super().robot_parser(request)

    def _fresh_cached_robots(self, request: Request) -> Response | None:
        """The robots.txt of the request's origin as the HTTP cache holds it, when the cache
        would serve it without asking (a 200 younger than NEWSWATCH_ROBOTS_MAX_AGE): read
        straight from the cache rather than by a request through the whole downloader, which
        cost a quiet poll as much as its feed. None when it is not there, or stale."""
        if self._cache is False:
            engine = self.crawler.engine
            found = [
                mw
                for mw in (engine.downloader.middleware.middlewares if engine is not None else ())
                if isinstance(mw, HttpCacheMiddleware)
            ]
            self._cache = found[0] if found else None
        cache = self._cache
        if not isinstance(cache, HttpCacheMiddleware) or self.crawler.spider is None:
            return None
        url = urlparse_cached(request)
        robots = Request(f"{url.scheme}://{url.netloc}{ROBOTS_PATH}", meta={"dont_obey_robotstxt": True})
        try:
            if not cache.policy.should_cache_request(robots):
                return None
            cached = cache.storage.retrieve_response(self.crawler.spider, robots)
        except Exception:  # unreadable entry: the download path says why
            return None
        if (
            cached is None
            or cached.status != 200
            or not cache.policy.is_cached_response_fresh(cached, robots)
        ):
            return None
        cached.flags.append("cached")
        self._stats.inc_value("httpcache/hit")
        return cached

    def _robots_error(self, exc: Exception, netloc: str) -> None:
        if not isinstance(exc, OffsiteRequest):
            super()._robots_error(exc, netloc)
            return
        target = urlsplit(exc.url)
        how = "refused" if (target.netloc, target.path) == (netloc, ROBOTS_PATH) else "redirected off-site"
        why = f"robots.txt {how} ({exc.reason}): {exc.url}"[:300]
        self._unreadable[netloc] = why
        logger.warning("%s (for %s): read as disallowing everything this run", why, netloc)
        waiting = self._parsers[netloc]
        parser = build_from_crawler(self._parserimpl, self.crawler, DISALLOW_ALL)
        self._parsers[netloc] = parser
        if isinstance(waiting, Deferred):
            waiting.callback(parser)

    def process_request_2(self, rp: RobotParser | None, request: Request) -> None:
        try:
            super().process_request_2(rp, request)
        except IgnoreRequest:
            why = self._unreadable.get(urlparse_cached(request).netloc)
            if why is None:
                raise
            raise IgnoreRequest(f"Forbidden by robots.txt, unreadable: {why}") from None

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status >= 500:
            response = response.replace(body=DISALLOW_ALL)
        elif response.status >= 400:
            response = response.replace(body=b"")
        await super()._parse_robots(response, netloc, request)
