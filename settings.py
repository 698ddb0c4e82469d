"""Settings for newswatch: Scrapy's own and the monitor's.

This is the Scrapy settings module (``scrapy.cfg`` → ``default = settings``), so every
upper-case name here is a Scrapy setting too and ``-s NAME=VALUE`` overrides it for one run.
Settings named ``NEWSWATCH_*`` are read from the environment variable of the same name
when it is set; docs/configuration.md lists each one with its default (a test keeps the
two in step). Relative paths are taken from the current working directory.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent
VERSION = "0.1.0"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class SettingError(SystemExit):
    """A setting holds an invalid value: one line naming the variable and the problem.

    ``newswatch`` commands print it with exit code 2; being a SystemExit, it still stops any
    other entry point (``scrapy crawl``) with that line rather than a traceback."""


#: Every number read below: (int or float, minimum, maximum, minimum excluded), so values
#: given with ``-s NAME=VALUE`` get the same checks (:func:`check`).
_NUMBERS: dict[str, tuple[type, float | None, float | None, bool]] = {}


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


def _number(raw: str, kind: type, low: float | None, high: float | None, above: bool) -> Any:
    """``raw`` as an int or a finite float within the bounds; ValueError says what is wrong."""
    try:
        value = int(raw) if kind is int else float(raw)
    except ValueError:
        raise ValueError("is not a whole number" if kind is int else "is not a number") from None
    if not math.isfinite(value):
        raise ValueError("is not a finite number")
    if low is not None and high is not None and not low <= value <= high:
        raise ValueError(f"is out of range (use {low:g} to {high:g})")
    if low is not None and above and value <= low:
        raise ValueError(f"must be more than {low:g}")
    if low is not None and value < low:
        raise ValueError(f"must be at least {low:g}")
    return value


def _env_number(
    name: str, default: float, kind: type, low: float | None, high: float | None, above: bool
) -> Any:
    _NUMBERS[name] = (kind, low, high, above)
    raw = _env(name, str(default))
    try:
        return _number(raw, kind, low, high, above)
    except ValueError as exc:
        raise SettingError(f"settings: environment variable {name}={raw!r} {exc}") from None


def _env_int(name: str, default: int, low: int | None = None, high: int | None = None) -> int:
    return int(_env_number(name, default, int, low, high, False))


def _env_float(
    name: str, default: float, low: float | None = None, high: float | None = None, above: bool = False
) -> float:
    """A number; ``above``: it must be more than ``low``, not equal to it."""
    return float(_env_number(name, default, float, low, high, above))


def _env_bool(name: str, default: bool) -> bool:
    raw = _env(name, "1" if default else "0").lower()
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off"}:
        return False
    raise SettingError(f"settings: environment variable {name}={raw!r} is not a boolean (use 1/0)")


def _env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    raw = _env(name, default)
    if raw.upper() not in choices:
        raise SettingError(
            f"settings: environment variable {name}={raw!r} is not one of {', '.join(choices)}"
        )
    return raw.upper()


def check(settings: Any) -> None:
    """The same checks for the newswatch numbers in a Scrapy settings object, i.e. for values
    given with ``-s NAME=VALUE`` (the environment's were checked when this module loaded)."""
    for name, (kind, low, high, above) in _NUMBERS.items():
        value = settings.get(name)
        if isinstance(value, str):  # -s gives strings; read from the environment, it is a number
            try:
                _number(value.strip(), kind, low, high, above)
            except ValueError as exc:
                raise SettingError(f"settings: -s {name}={value!r} {exc}") from None


# --- newswatch ---------------------------------------------------------------------------

#: SQLite archive (articles, seen URLs, crawl runs).
NEWSWATCH_DB = _env("NEWSWATCH_DB", "data/newswatch.db")
#: Outlets file (TOML, one table per outlet).
NEWSWATCH_OUTLETS = _env("NEWSWATCH_OUTLETS", str(PROJECT_DIR / "config" / "outlets.toml"))
#: Rules folder (every *.toml in it) or one rule file.
NEWSWATCH_RULES = _env("NEWSWATCH_RULES", str(PROJECT_DIR / "config" / "rules"))
#: Items dated older than this many days are not fetched (``newswatch crawl --since`` overrides).
NEWSWATCH_FRESHNESS_DAYS = _env_float("NEWSWATCH_FRESHNESS_DAYS", 3.0, 0, above=True)
#: Extractions with fewer characters of text are counted as empty and not archived.
NEWSWATCH_MIN_TEXT_CHARS = _env_int("NEWSWATCH_MIN_TEXT_CHARS", 200, 0)
#: A URL where outlets' webmasters can learn who is crawling and how to reach the operator.
NEWSWATCH_CONTACT_URL = _env("NEWSWATCH_CONTACT_URL", "")
#: Milliseconds a writer or reader waits for a lock on the archive before failing.
NEWSWATCH_BUSY_TIMEOUT_MS = _env_int("NEWSWATCH_BUSY_TIMEOUT_MS", 10_000, 0)
#: Sitemap indexes are followed this many levels deep at most.
NEWSWATCH_SITEMAP_DEPTH = _env_int("NEWSWATCH_SITEMAP_DEPTH", 2, 0)
#: At most this many new article URLs are fetched per outlet in one run (0: no limit).
NEWSWATCH_MAX_ARTICLES_PER_RUN = _env_int("NEWSWATCH_MAX_ARTICLES_PER_RUN", 300, 0)
#: Feeds and sitemaps are cached and revalidated (ETag / Last-Modified); articles never are.
NEWSWATCH_HTTPCACHE = _env_bool("NEWSWATCH_HTTPCACHE", True)
#: Seconds a fetched robots.txt is reused without asking again (with the HTTP cache on).
NEWSWATCH_ROBOTS_MAX_AGE = _env_float("NEWSWATCH_ROBOTS_MAX_AGE", 3600.0, 0)
#: An archived article whose feed or sitemap says it changed is fetched again when it was
#: published within this many days; a changed text is kept in ``article_versions``.
NEWSWATCH_REVISIT_DAYS = _env_float("NEWSWATCH_REVISIT_DAYS", 7.0, 0)

# --- stories (one story, one alert) -------------------------------------------------------

#: Reports of the same event are grouped when published within this many hours of each other.
NEWSWATCH_STORY_WINDOW_HOURS = _env_float("NEWSWATCH_STORY_WINDOW_HOURS", 72.0, 0, above=True)
#: Title-and-lead similarity (0–1) from which two reports count as the same event.
NEWSWATCH_STORY_THRESHOLD = _env_float("NEWSWATCH_STORY_THRESHOLD", 0.25, 0, 1)
#: Names and numbers two leads must share (as far as both have that many) to be one event.
NEWSWATCH_STORY_MIN_SHARED = _env_int("NEWSWATCH_STORY_MIN_SHARED", 3, 0)
#: Share of the shorter text the longer one holds (0–1, estimated) from which one is a copy.
NEWSWATCH_COPY_THRESHOLD = _env_float("NEWSWATCH_COPY_THRESHOLD", 0.7, 0, 1)
#: Copies (syndicated, mirrored, re-posted texts) are joined within this many days.
NEWSWATCH_COPY_WINDOW_DAYS = _env_float("NEWSWATCH_COPY_WINDOW_DAYS", 7.0, 0, above=True)

# --- alerts and digest --------------------------------------------------------------------

#: Slack bot token (chat:write). Without one, alerts go to the console and data/alerts.jsonl.
SLACK_BOT_TOKEN = _env("SLACK_BOT_TOKEN", "")
#: Channel (name or id) the bot posts alerts to.
NEWSWATCH_SLACK_CHANNEL = _env("NEWSWATCH_SLACK_CHANNEL", "#newswatch")
#: Slack Web API base URL (tests point it at a loopback server).
NEWSWATCH_SLACK_API_URL = _env("NEWSWATCH_SLACK_API_URL", "https://slack.com/api/")
#: Seconds between two messages to one channel (Slack allows about one per second).
NEWSWATCH_SLACK_MIN_INTERVAL = _env_float("NEWSWATCH_SLACK_MIN_INTERVAL", 1.0, 0)
#: The team's time zone, for times shown in alerts and the digest (IANA name).
NEWSWATCH_TIMEZONE = _env("NEWSWATCH_TIMEZONE", "UTC")
#: Delivery attempts of one alert before it is marked failed.
NEWSWATCH_ALERT_MAX_ATTEMPTS = _env_int("NEWSWATCH_ALERT_MAX_ATTEMPTS", 8, 1)
#: Seconds before the first retry; each further retry waits twice as long (with jitter), at most an hour.
NEWSWATCH_ALERT_RETRY_SECONDS = _env_float("NEWSWATCH_ALERT_RETRY_SECONDS", 30.0, 0)
#: SMTP server for the digest; without one, `digest --send` writes .eml and .html files to data/digests/.
NEWSWATCH_SMTP_HOST = _env("NEWSWATCH_SMTP_HOST", "")
NEWSWATCH_SMTP_PORT = _env_int("NEWSWATCH_SMTP_PORT", 0, 0, 65535)  # 0: 25, 587 with starttls, 465 with ssl
NEWSWATCH_SMTP_USER = _env("NEWSWATCH_SMTP_USER", "")
NEWSWATCH_SMTP_PASSWORD = _env("NEWSWATCH_SMTP_PASSWORD", "")
#: none, starttls or ssl.
NEWSWATCH_SMTP_SECURITY = _env("NEWSWATCH_SMTP_SECURITY", "starttls")
#: Sender and recipients (comma-separated) of the digest.
NEWSWATCH_DIGEST_FROM = _env("NEWSWATCH_DIGEST_FROM", "newswatch@localhost")
NEWSWATCH_DIGEST_TO = _env("NEWSWATCH_DIGEST_TO", "")

# --- the service (newswatch run) ----------------------------------------------------------

#: When the daily digest goes out: "HH:MM" in NEWSWATCH_TIMEZONE, or "HH:MM Area/City".
NEWSWATCH_DIGEST_AT = _env("NEWSWATCH_DIGEST_AT", "07:30")
#: Crawls running at the same time (each outlet's runs never overlap).
NEWSWATCH_MAX_PARALLEL_CRAWLS = _env_int("NEWSWATCH_MAX_PARALLEL_CRAWLS", 4, 1)
#: Seconds after which a crawl is stopped (SIGTERM, then SIGKILL 30 s later).
NEWSWATCH_CRAWL_TIMEOUT = _env_float("NEWSWATCH_CRAWL_TIMEOUT", 900.0, 0, above=True)
#: Channel for source-health messages (default: NEWSWATCH_SLACK_CHANNEL).
NEWSWATCH_SLACK_OPS_CHANNEL = _env("NEWSWATCH_SLACK_OPS_CHANNEL", "")

# --- Datasette (newswatch serve) ------------------------------------------------------------

#: Let visitors run arbitrary read-only SQL (canned queries, search and facets work without it).
NEWSWATCH_DATASETTE_SQL = _env_bool("NEWSWATCH_DATASETTE_SQL", False)

# --- Scrapy --------------------------------------------------------------------------------

BOT_NAME = "newswatch"
SPIDER_MODULES = ["spiders"]
NEWSPIDER_MODULE = "spiders"

_contact = NEWSWATCH_CONTACT_URL or "news monitor; operator contact not configured"
USER_AGENT = f"newswatch/{VERSION} (+{_contact})"

ROBOTSTXT_OBEY = True
CONCURRENT_REQUESTS = _env_int("NEWSWATCH_CONCURRENT_REQUESTS", 16, 1)
CONCURRENT_REQUESTS_PER_DOMAIN = _env_int("NEWSWATCH_CONCURRENT_PER_DOMAIN", 2, 1)
DOWNLOAD_DELAY = _env_float("NEWSWATCH_DOWNLOAD_DELAY", 0.5, 0)
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = DOWNLOAD_DELAY
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = _env_int("NEWSWATCH_DOWNLOAD_TIMEOUT", 30, 1)
DOWNLOAD_MAXSIZE = _env_int("NEWSWATCH_MAX_RESPONSE_BYTES", 10 * 1024 * 1024, 0)
DOWNLOAD_WARNSIZE = DOWNLOAD_MAXSIZE // 2
RETRY_ENABLED = True
RETRY_TIMES = 2
# 429 and 503 mean "come back later" (often with Retry-After): not retried within the run,
# the outlet's next run is the retry. Transient server and network errors are retried.
RETRY_HTTP_CODES = [500, 502, 504, 522, 524, 408]
REDIRECT_MAX_TIMES = 5
COOKIES_ENABLED = False
TELNETCONSOLE_ENABLED = False
DNS_TIMEOUT = 20
LOG_LEVEL = _env_choice("NEWSWATCH_LOG_LEVEL", "INFO", LOG_LEVELS)
STATS_DUMP = False  # the per-outlet figures go to crawl_runs and the summary table instead
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
FEED_EXPORT_ENCODING = "utf-8"

# Feeds and sitemaps only: revalidated with If-None-Match / If-Modified-Since (RFC 2616 policy).
HTTPCACHE_ENABLED = NEWSWATCH_HTTPCACHE
HTTPCACHE_POLICY = "spiders.cache.SourcesOnlyPolicy"
HTTPCACHE_STORAGE = "scrapy.extensions.httpcache.FilesystemCacheStorage"
HTTPCACHE_DIR = str(Path(NEWSWATCH_DB).resolve().parent / "httpcache")
HTTPCACHE_IGNORE_HTTP_CODES = [500, 502, 503, 504, 403, 404, 408, 429]

DOWNLOADER_MIDDLEWARES = {
    "spiders.middlewares.OutletScopeMiddleware": 90,
    # robots.txt answering 5xx: stay out (RFC 9309), not "no rules" as Scrapy reads it
    "scrapy.downloadermiddlewares.robotstxt.RobotsTxtMiddleware": None,
    "spiders.middlewares.RFC9309RobotsTxtMiddleware": 100,
}

ITEM_PIPELINES = {
    "pipelines.extract.ExtractPipeline": 300,
    "pipelines.classify.ClassifyPipeline": 500,
    "pipelines.store.StorePipeline": 800,
}

EXTENSIONS = {
    "pipelines.runs.CrawlRunRecorder": 500,
}
