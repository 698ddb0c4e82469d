"""HTTP cache policy: feeds, sitemaps and robots.txt only.

Feeds and sitemaps are revalidated per RFC 2616: one that has not changed costs a 304 and
no parsing. robots.txt is reused for NEWSWATCH_ROBOTS_MAX_AGE seconds without asking (as
search engines do), so a quiet poll is one request per feed. Article pages are never
cached: each is fetched once and archived.

A revalidation does not steer AutoThrottle. Its latency (a 304 without a body) says
nothing about how fast the outlet serves pages, and Scrapy lets a non-200 answer only
raise a slot's delay, never lower it, so a quiet poll would ratchet the delay up until an
outlet's feeds went out one at a time.
"""

from __future__ import annotations

import time
from email.utils import parsedate_to_datetime

from scrapy import Request
from scrapy.extensions.httpcache import RFC2616Policy
from scrapy.http import Response
from scrapy.settings import BaseSettings
from scrapy.utils.httpobj import urlparse_cached

_VALIDATORS = (b"If-None-Match", b"If-Modified-Since")


def _is_robots(request: Request) -> bool:
    return urlparse_cached(request).path == "/robots.txt"


def _age(response: Response, now: float) -> float | None:
    """Seconds since the server sent ``response`` (its Date header), or None."""
    date = response.headers.get(b"Date")
    try:
        return now - parsedate_to_datetime(date.decode("latin-1")).timestamp() if date else None
    except (TypeError, ValueError):
        return None


class SourcesOnlyPolicy(RFC2616Policy):
    def __init__(self, settings: BaseSettings):
        super().__init__(settings)
        self.robots_max_age = settings.getfloat("NEWSWATCH_ROBOTS_MAX_AGE", 3600.0)

    def should_cache_request(self, request: Request) -> bool:
        wanted = _is_robots(request) or request.meta.get("nw_kind", "article") != "article"
        return wanted and super().should_cache_request(request)

    def should_cache_response(self, response: Response, request: Request) -> bool:
        if _is_robots(request) and response.status == 200:
            return b"no-store" not in self._parse_cachecontrol(response)
        return super().should_cache_response(response, request)

    def is_cached_response_fresh(self, cachedresponse: Response, request: Request) -> bool:
        if _is_robots(request):
            age = _age(cachedresponse, time.time())
            if age is not None:  # fetched anew when stale, so the next hour starts from its Date
                return 0 <= age < self.robots_max_age
        fresh = super().is_cached_response_fresh(cachedresponse, request)
        if not fresh and any(request.headers.get(h) for h in _VALIDATORS):
            request.meta["autothrottle_dont_adjust_delay"] = True
        return fresh
