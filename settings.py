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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

PROJECT_DIR = Path(__file__).resolve().parent
VERSION = "0.1.0"
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")


class SettingError(SystemExit):
    """A setting holds an invalid value: one line naming the variable and the problem.

    ``newswatch`` commands print it with exit code 2; being a SystemExit, it still stops any
    other entry point (``scrapy crawl``) with that line rather than a traceback."""


#: Time spans are bounded: beyond these, date arithmetic overflows and a wait never ends.
_CENTURY_DAYS = 36_500  # a hundred years
_HOUR_S, _DAY_S = 3_600, 86_400
#: A number without a maximum of its own gets this one (SQLite integers, timers, thread pools).
_LARGEST: dict[type, float] = {int: 2**31 - 1, float: 1e9}


@dataclass(frozen=True)
class _Bounds:
    """What a number setting may hold: ``low``/``high`` a range ("use 0 to 1"), ``above``:
    more than ``low``, ``most`` a maximum said in ``unit`` ("at most 36500 days")."""

    kind: type
    low: float | None = None
    high: float | None = None
    above: bool = False
    most: float | None = None
    unit: str = ""


#: Every number read below, by environment variable (and Scrapy setting) name, so values
#: given with ``-s NAME=VALUE`` get the same checks (:func:`check`).
_NUMBERS: dict[str, _Bounds] = {}


def _env(name: str, default: str) -> str:
    value = os.environ.get(name, "").strip()
    return value or default


def _number(raw: str, bounds: _Bounds) -> Any:
    """``raw`` as an int or a finite float within the bounds; ValueError says what is wrong."""
    low, high = bounds.low, bounds.high
    try:
        value = int(raw) if bounds.kind is int else float(raw)
    except ValueError:
        raise ValueError("is not a whole number" if bounds.kind is int else "is not a number") from None
    if not math.isfinite(value):
        raise ValueError("is not a finite number")
    if low is not None and high is not None and not low <= value <= high:
        raise ValueError(f"is out of range (use {low:g} to {high:g})")
    if low is not None and bounds.above and value <= low:
        raise ValueError(f"must be more than {low:g}")
    if low is not None and value < low:
        raise ValueError(f"must be at least {low:g}")
    most = bounds.most if bounds.most is not None else high
    if most is None:
        most = _LARGEST[bounds.kind]
    if value > most:
        shown = f"{most:g}" if most % 1 else str(int(most))
        raise ValueError(f"is too large (at most {shown}{' ' + bounds.unit if bounds.unit else ''})")
    return value


def _env_number(name: str, default: float, bounds: _Bounds) -> Any:
    _NUMBERS[name] = bounds
    raw = _env(name, str(default))
    try:
        return _number(raw, bounds)
    except ValueError as exc:
        raise SettingError(f"settings: environment variable {name}={raw!r} {exc}") from None


def _env_int(
    name: str,
    default: int,
    low: int | None = None,
    high: int | None = None,
    *,
    most: int | None = None,
    unit: str = "",
) -> int:
    """A whole number: at least ``low``; within ``low``..``high``, or at most ``most`` ``unit``
    (without either, at most 2**31-1)."""
    return int(_env_number(name, default, _Bounds(int, low, high, False, most, unit)))


def _env_float(
    name: str,
    default: float,
    low: float | None = None,
    high: float | None = None,
    above: bool = False,
    *,
    most: float | None = None,
    unit: str = "",
) -> float:
    """A finite number, as :func:`_env_int` (at most 1e9 by default); ``above``: it must be
    more than ``low``."""
    return float(_env_number(name, default, _Bounds(float, low, high, above, most, unit)))


def _env_days(name: str, default: float, above: bool = False) -> float:
    """A span in days: 0 (or more, with ``above``) to a hundred years."""
    return _env_float(name, default, 0, above=above, most=_CENTURY_DAYS, unit="days")


def _env_hours(name: str, default: float, above: bool = False) -> float:
    return _env_float(name, default, 0, above=above, most=_CENTURY_DAYS * 24, unit="hours")


def _env_seconds(name: str, default: float, most: float, above: bool = False) -> float:
    return _env_float(name, default, 0, above=above, most=most, unit="seconds")


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
    for name, bounds in _NUMBERS.items():
        value = settings.get(name)
        if isinstance(value, str):  # -s gives strings; read from the environment, it is a number
            try:
                _number(value.strip(), bounds)
            except ValueError as exc:
                raise SettingError(f"settings: -s {name}={value!r} {exc}") from None


# --- newswatch ---------------------------------------------------------------------------

#: SQLite archive (articles, seen URLs, crawl runs).
NEWSWATCH_DB = _env("NEWSWATCH_DB", "data/newswatch.db")
#: Outlets file (TOML, one table per outlet).
NEWSWATCH_OUTLETS = _env("NEWSWATCH_OUTLETS", str(PROJECT_DIR / "config" / "outlets.toml"))
#: Rules folder (every *.toml in it) or one rule file.
NEWSWATCH_RULES = _env("NEWSWATCH_RULES", str(PROJECT_DIR / "config" / "rules"))
#: Characters of an article (title and text) the rules read at most; a longer article is
#: judged on its start, and its verdict says "too long to match fully".
NEWSWATCH_MAX_MATCH_CHARS = _env_int("NEWSWATCH_MAX_MATCH_CHARS", 4_000_000, 10_000, 10_000_000)
#: Items dated older than this many days are not fetched (``newswatch crawl --since`` overrides).
NEWSWATCH_FRESHNESS_DAYS = _env_days("NEWSWATCH_FRESHNESS_DAYS", 3.0, above=True)
#: Extractions with fewer characters of text are counted as empty and not archived.
NEWSWATCH_MIN_TEXT_CHARS = _env_int("NEWSWATCH_MIN_TEXT_CHARS", 200, 0)
#: A URL where outlets' webmasters can learn who is crawling and how to reach the operator.
NEWSWATCH_CONTACT_URL = _env("NEWSWATCH_CONTACT_URL", "")
#: Milliseconds a writer or reader waits for a lock on the archive before failing.
NEWSWATCH_BUSY_TIMEOUT_MS = _env_int("NEWSWATCH_BUSY_TIMEOUT_MS", 10_000, 0, most=3_600_000, unit="ms")
#: Sitemap indexes are followed this many levels deep at most.
NEWSWATCH_SITEMAP_DEPTH = _env_int("NEWSWATCH_SITEMAP_DEPTH", 2, 0, most=100)
#: At most this many new article URLs are fetched per outlet in one run (0: no limit).
NEWSWATCH_MAX_ARTICLES_PER_RUN = _env_int("NEWSWATCH_MAX_ARTICLES_PER_RUN", 300, 0)
#: Feeds and sitemaps are cached and revalidated (ETag / Last-Modified); articles never are.
NEWSWATCH_HTTPCACHE = _env_bool("NEWSWATCH_HTTPCACHE", True)
#: Seconds a fetched robots.txt is reused without asking again (with the HTTP cache on).
NEWSWATCH_ROBOTS_MAX_AGE = _env_seconds("NEWSWATCH_ROBOTS_MAX_AGE", 3600.0, 365 * _DAY_S)
#: An archived article whose feed or sitemap says it changed is fetched again when it was
#: published within this many days; a changed text is kept in ``article_versions``.
NEWSWATCH_REVISIT_DAYS = _env_days("NEWSWATCH_REVISIT_DAYS", 7.0)

# --- stories (one story, one alert) -------------------------------------------------------

#: Reports of the same event are grouped when published within this many hours of each other.
NEWSWATCH_STORY_WINDOW_HOURS = _env_hours("NEWSWATCH_STORY_WINDOW_HOURS", 72.0, above=True)
#: Title-and-lead similarity (0–1) from which two reports count as the same event.
NEWSWATCH_STORY_THRESHOLD = _env_float("NEWSWATCH_STORY_THRESHOLD", 0.25, 0, 1)
#: Names and numbers two leads must share (as far as both have that many) to be one event.
NEWSWATCH_STORY_MIN_SHARED = _env_int("NEWSWATCH_STORY_MIN_SHARED", 3, 0)
#: Share of the shorter text the longer one holds (0–1, estimated) from which one is a copy.
NEWSWATCH_COPY_THRESHOLD = _env_float("NEWSWATCH_COPY_THRESHOLD", 0.7, 0, 1)
#: Copies (syndicated, mirrored, re-posted texts) are joined within this many days.
NEWSWATCH_COPY_WINDOW_DAYS = _env_days("NEWSWATCH_COPY_WINDOW_DAYS", 7.0, above=True)

# --- alerts and digest --------------------------------------------------------------------

#: Slack bot token (chat:write). Without one, alerts go to the console and data/alerts.jsonl.
SLACK_BOT_TOKEN = _env("SLACK_BOT_TOKEN", "")
#: Channel (name or id) the bot posts alerts to.
NEWSWATCH_SLACK_CHANNEL = _env("NEWSWATCH_SLACK_CHANNEL", "#newswatch")
#: Slack Web API base URL (tests point it at a loopback server).
NEWSWATCH_SLACK_API_URL = _env("NEWSWATCH_SLACK_API_URL", "https://slack.com/api/")
#: Seconds between two messages to one channel (Slack allows about one per second).
NEWSWATCH_SLACK_MIN_INTERVAL = _env_seconds("NEWSWATCH_SLACK_MIN_INTERVAL", 1.0, _HOUR_S)
#: The team's time zone, for times shown in alerts and the digest (IANA name).
NEWSWATCH_TIMEZONE = _env("NEWSWATCH_TIMEZONE", "UTC")
#: Delivery attempts of one alert before it is marked failed.
NEWSWATCH_ALERT_MAX_ATTEMPTS = _env_int("NEWSWATCH_ALERT_MAX_ATTEMPTS", 8, 1, most=100)
#: Seconds before the first retry; each further retry waits twice as long (with jitter), at most an hour.
NEWSWATCH_ALERT_RETRY_SECONDS = _env_seconds("NEWSWATCH_ALERT_RETRY_SECONDS", 30.0, _HOUR_S)
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
#: Retries of a digest after the SMTP server dropped the connection once the message was sent
#: (it may have it; each retry is the same message, same Message-ID); then it is not retried.
NEWSWATCH_DIGEST_AMBIGUOUS_RETRIES = _env_int("NEWSWATCH_DIGEST_AMBIGUOUS_RETRIES", 2, 0, 10)

# --- the service (newswatch run) ----------------------------------------------------------

#: When the daily digest goes out: "HH:MM" in NEWSWATCH_TIMEZONE, or "HH:MM Area/City".
NEWSWATCH_DIGEST_AT = _env("NEWSWATCH_DIGEST_AT", "07:30")
#: Crawls running at the same time (each outlet's runs never overlap).
NEWSWATCH_MAX_PARALLEL_CRAWLS = _env_int("NEWSWATCH_MAX_PARALLEL_CRAWLS", 4, 1, most=64)
#: Seconds after which a crawl is stopped (SIGTERM, then SIGKILL 30 s later).
NEWSWATCH_CRAWL_TIMEOUT = _env_seconds("NEWSWATCH_CRAWL_TIMEOUT", 900.0, _DAY_S, above=True)
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
CONCURRENT_REQUESTS = _env_int("NEWSWATCH_CONCURRENT_REQUESTS", 16, 1, most=1000)
CONCURRENT_REQUESTS_PER_DOMAIN = _env_int("NEWSWATCH_CONCURRENT_PER_DOMAIN", 2, 1, most=1000)
DOWNLOAD_DELAY = _env_seconds("NEWSWATCH_DOWNLOAD_DELAY", 0.5, _HOUR_S)
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = DOWNLOAD_DELAY
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 1.0
DOWNLOAD_TIMEOUT = _env_int("NEWSWATCH_DOWNLOAD_TIMEOUT", 30, 1, most=_HOUR_S, unit="seconds")
DOWNLOAD_MAXSIZE = _env_int("NEWSWATCH_MAX_RESPONSE_BYTES", 10 * 1024 * 1024, 0)
DOWNLOAD_WARNSIZE = DOWNLOAD_MAXSIZE // 2
# ``-s`` with the Scrapy names of the settings above gets the same checks as the variables
for _scrapy, _variable in (
    ("CONCURRENT_REQUESTS", "NEWSWATCH_CONCURRENT_REQUESTS"),
    ("CONCURRENT_REQUESTS_PER_DOMAIN", "NEWSWATCH_CONCURRENT_PER_DOMAIN"),
    ("DOWNLOAD_DELAY", "NEWSWATCH_DOWNLOAD_DELAY"),
    ("DOWNLOAD_TIMEOUT", "NEWSWATCH_DOWNLOAD_TIMEOUT"),
    ("DOWNLOAD_MAXSIZE", "NEWSWATCH_MAX_RESPONSE_BYTES"),
):
    _NUMBERS[_scrapy] = _NUMBERS[_variable]
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
    # sees a redirect before Scrapy's RedirectMiddleware (600): file:, data:, unreadable → refused
    "spiders.middlewares.RedirectTargetMiddleware": 650,
}

ITEM_PIPELINES = {
    "pipelines.extract.ExtractPipeline": 300,
    "pipelines.classify.ClassifyPipeline": 500,
    "pipelines.store.StorePipeline": 800,
}

EXTENSIONS = {
    "pipelines.runs.CrawlRunRecorder": 500,
}
