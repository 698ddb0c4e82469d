"""Settings for newswatch: Scrapy's own and the monitor's.

This is the Scrapy settings module (``scrapy.cfg`` → ``default = settings``), so every
upper-case name here is a Scrapy setting too and ``-s NAME=VALUE`` overrides it for one run.
Settings named ``NEWSWATCH_*`` are read from the environment variable of the same name
when it is set, and checked: they are the model ``newswatch.config.environment.NewswatchSettings``,
from which the README's table of settings is written (``python3 dev.py readme``). Relative
paths are taken from the current working directory.
"""

from __future__ import annotations

from pathlib import Path

from newswatch.config.environment import (
    LOG_LEVELS,
    PROJECT_DIR,
    check,
    read_environment,
    scrapy_settings,
)
from newswatch.errors import SettingError, report_uncaught_in_one_line

__all__ = ["LOG_LEVELS", "PROJECT_DIR", "VERSION", "SettingError", "check"]

VERSION = "0.1.0"

try:
    _environment = read_environment()
except SettingError:
    # a command catches it and says so in one line; so does any other entry point (scrapy crawl)
    report_uncaught_in_one_line()
    raise
globals().update(scrapy_settings(_environment))  # NEWSWATCH_* (and a few Scrapy names) as Scrapy settings

# --- Scrapy --------------------------------------------------------------------------------

BOT_NAME = "newswatch"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

_contact = _environment.NEWSWATCH_CONTACT_URL or "news monitor; operator contact not configured"
USER_AGENT = f"newswatch/{VERSION} (+{_contact})"

ROBOTSTXT_OBEY = True
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = _environment.NEWSWATCH_DOWNLOAD_DELAY
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_WARNSIZE = _environment.NEWSWATCH_MAX_RESPONSE_BYTES // 2
RETRY_ENABLED = True
RETRY_TIMES = 2
# 429 and 503 mean "come back later" (often with Retry-After): not retried within the run,
# the outlet's next run is the retry. Transient server and network errors are retried.
RETRY_HTTP_CODES = [500, 502, 504, 522, 524, 408]
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
# Scrapy 2.19's remote control, off: an HTTP endpoint on localhost that runs any Python it is
# sent, its token in a job file that a killed crawl leaves behind; a crawl parses hostile pages
# and needs neither (a setting, not an EXTENSIONS entry: Scrapy before 2.19 has no such module)
REMOTE_CONTROL_ENABLED = False
DNS_TIMEOUT = 20
STATS_DUMP = False  # the per-outlet figures go to crawl_runs and the summary table instead
LOG_FORMATTER = "spiders.logs.NewsLogFormatter"  # a dropped item: one line (outlet, URL, reason)
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"

# Feeds and sitemaps only: revalidated with If-None-Match / If-Modified-Since (RFC 2616 policy).
HTTPCACHE_ENABLED = _environment.NEWSWATCH_HTTPCACHE
HTTPCACHE_POLICY = "spiders.cache.SourcesOnlyPolicy"
HTTPCACHE_STORAGE = "spiders.cache.SourceCacheStorage"  # Scrapy's files; a 304 rewrites headers only
HTTPCACHE_DIR = str(Path(_environment.NEWSWATCH_DB).resolve().parent / "httpcache")
HTTPCACHE_IGNORE_HTTP_CODES = [500, 502, 503, 504, 403, 404, 408, 429]

DOWNLOADER_MIDDLEWARES = {
    "spiders.middlewares.OutletScopeMiddleware": 90,
    # robots.txt answering 5xx: stay out (RFC 9309), not "no rules" as Scrapy reads it
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "spiders.middlewares.RFC9309RobotsTxtMiddleware": 100,
    # sees a redirect before Scrapy's RedirectMiddleware (600): file:, data:, unreadable → refused
    "spiders.middlewares.RedirectTargetMiddleware": 650,
}

# Scrapy starts this many tasks for the output of every response (100 by default: 0.34 ms of
# CPU for an article page's one item). The pipelines are synchronous, so items gain nothing
# from more; a feed's requests are only scheduled (#24).
CONCURRENT_ITEMS = 4
# Scrapy reads and parses the source of every generator callback of each new spider to warn
# about a `return value` in it: 10-16 ms of a quiet crawl's CPU. The spider's callbacks are
# the project's own and tested; the check is for code that is not (#24).
WARN_ON_GENERATOR_RETURN_VALUE = False

ITEM_PIPELINES = {
    "pipelines.extract.ExtractPipeline": 300,
    "pipelines.classify.ClassifyPipeline": 500,
    "pipelines.store.StorePipeline": 800,
}

EXTENSIONS = {
    "spiders.runs.CrawlRunRecorder": 500,  # owns the crawl's archive
}
