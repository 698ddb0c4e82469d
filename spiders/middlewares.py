"""Downloader middlewares: each outlet's requests stay on the outlet's own origins, and
robots.txt is read as RFC 9309 says."""

from __future__ import annotations

from typing import Any, cast
from urllib.parse import urljoin, urlsplit

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response
from scrapy.utils.defer import maybe_deferred_to_future
from w3lib.url import safe_url_string

from outlets import Outlet
from urls import BadURL, canonicalize, host_of, ip_address, is_internal

REDIRECT_STATUSES = frozenset({301, 302, 303, 307, 308})


class OffsiteRequest(IgnoreRequest):
    """A request (usually a redirect) left the outlet's scope; ``reason`` says how."""

    def __init__(self, reason: str, url: str):
        super().__init__(f"{reason}: {url}")
        self.reason, self.url = reason, url


class OutletScopeMiddleware:
    """Refuses, before they are sent, an outlet's requests (redirects included) that leave
    its origins (host and port), go to an internal address (loopback, private, link-local)
    while the outlet's homepage is not on one, or are not plain http(s) without a user
    name. robots.txt requests carry no outlet and pass."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler
        self._internal_ok: dict[str, bool] = {}  # outlet key → its homepage is internal

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OutletScopeMiddleware:
        return cls(crawler)

    def _outlet(self, request: Request) -> Outlet | None:
        key = request.meta.get("nw_outlet")
        outlets = getattr(self.crawler.spider, "outlets", None)
        if key is None or not outlets or key not in outlets:
            return None
        outlet: Outlet = outlets[key]
        return outlet

    async def process_request(self, request: Request, spider: Any = None) -> None:
        outlet = self._outlet(request)
        if outlet is None:
            return
        reason = scope_refusal(outlet, request.url)
        if reason is not None:
            raise OffsiteRequest(reason, request.url)
        if canonicalize(request.url) in outlet.source_urls():
            return  # a source the operator configured goes wherever it is
        host = host_of(request.url)
        if await self._internal(host) and not await self._homepage_internal(outlet):
            reason = f"{host} is an internal address and the outlet's homepage is not"
            raise OffsiteRequest(reason, request.url)

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
    """Refuses an outlet's redirect whose target is not an http(s) URL (``file:``,
    ``data:``, ``javascript:``, or no URL at all) before Scrapy's RedirectMiddleware sees
    it, so it is recorded once as refused rather than as an error retried every run.
    http(s) targets go on to RedirectMiddleware, and their request through
    OutletScopeMiddleware."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> RedirectTargetMiddleware:
        return cls(crawler)

    def process_response(self, request: Request, response: Response, spider: Any = None) -> Response:
        location = response.headers.get("Location")
        if response.status not in REDIRECT_STATUSES or not location or "nw_outlet" not in request.meta:
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
    crawl the site), and a 4xx one means "no rules" whatever its body says."""

    async def _parse_robots(self, response: Response, netloc: str, request: Request) -> None:
        if response.status >= 500:
            response = response.replace(body=DISALLOW_ALL)
        elif response.status >= 400:
            response = response.replace(body=b"")
        await super()._parse_robots(response, netloc, request)
