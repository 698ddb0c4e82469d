"""Downloader middlewares: each outlet's requests stay on the outlet's own hosts, and
robots.txt is read as RFC 9309 says."""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.downloadermiddlewares.robotstxt import RobotsTxtMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.http import Response


class OffsiteRequest(IgnoreRequest):
    """A request (usually a redirect) left the outlet's hosts."""


class OutletScopeMiddleware:
    """Refuses requests outside the outlet's domains, redirects included, before they are
    sent (robots.txt requests carry no outlet and pass)."""

    def __init__(self, crawler: Crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> OutletScopeMiddleware:
        return cls(crawler)

    def process_request(self, request: Request, spider: Any = None) -> None:
        key = request.meta.get("nw_outlet")
        outlets = getattr(self.crawler.spider, "outlets", None)
        if key is None or not outlets or key not in outlets:
            return
        if not outlets[key].in_scope(request.url):
            raise OffsiteRequest(f"off-site for outlet {key}: {request.url}")


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
