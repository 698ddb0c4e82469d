"""HTTP cache policy: feeds and sitemaps only, revalidated per RFC 2616.

A feed that has not changed costs a 304 and no parsing; article pages are never cached
(each is fetched once and archived).
"""

from __future__ import annotations

from scrapy import Request
from scrapy.extensions.httpcache import RFC2616Policy


class SourcesOnlyPolicy(RFC2616Policy):
    def should_cache_request(self, request: Request) -> bool:
        return request.meta.get("nw_kind", "article") != "article" and super().should_cache_request(request)
