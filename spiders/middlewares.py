"""Downloader middleware that keeps each outlet's requests on the outlet's own hosts."""

from __future__ import annotations

from typing import Any

from scrapy import Request
from scrapy.crawler import Crawler
from scrapy.exceptions import IgnoreRequest


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
