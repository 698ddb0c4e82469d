"""The ``NEWSWATCH_*`` settings as a model, read from the environment.

Each field is one environment variable and one Scrapy setting of the same name (a few go by
Scrapy's own name, :data:`SCRAPY_NAMES`); its description is the README's table row
(``python3 dev.py readme`` writes the table from here). Numbers carry their :class:`Bounds`:
every one has a maximum, so no value overflows date arithmetic, timers or SQLite integers.
An invalid value is a :class:`SettingError` in one line naming the variable.
"""

from __future__ import annotations

import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Annotated, Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

from newswatch.config.problems import SettingLayout, config_error
from newswatch.errors import SettingError
from newswatch.sanctions.lists import DEFAULT_LISTS, ENTITY_LISTS

PROJECT_DIR = Path(__file__).resolve().parents[2]
LOG_LEVELS = ("DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL")
#: Time spans are bounded: beyond these, date arithmetic overflows and a wait never ends.
CENTURY_DAYS = 36_500  # a hundred years
HOUR_S, DAY_S = 3_600, 86_400
#: A number without a maximum of its own gets this one (SQLite integers, timers, thread pools).
_LARGEST: dict[type, float] = {int: 2**31 - 1, float: 1e9}
_TRUE, _FALSE = {"1", "true", "yes", "on"}, {"0", "false", "no", "off"}
SMTP_SECURITY = ("none", "starttls", "ssl")
CRAWL_STARTS = ("fork", "process")
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_DIGEST_AT = re.compile(r"^(\d{1,2}):(\d{2})(?:\s+(\S+))?$")


@dataclass(frozen=True)
class Bounds:
    """What a number setting may hold: ``low``/``high`` a range ("use 0 to 1"), ``above``:
    more than ``low``, ``most`` a maximum said in ``unit`` ("at most 36500 days")."""

    kind: type
    low: float | None = None
    high: float | None = None
    above: bool = False
    most: float | None = None
    unit: str = ""

    def check(self, raw: str) -> Any:
        """``raw`` as an int or a finite float within the bounds; ValueError says what is wrong."""
        low, high = self.low, self.high
        try:
            value = int(raw) if self.kind is int else float(raw)
        except ValueError:
            raise ValueError("is not a whole number" if self.kind is int else "is not a number") from None
        if not math.isfinite(value):
            raise ValueError("is not a finite number")
        if low is not None and high is not None and not low <= value <= high:
            raise ValueError(f"is out of range (use {low:g} to {high:g})")
        if low is not None and self.above and value <= low:
            raise ValueError(f"must be more than {low:g}")
        if low is not None and value < low:
            raise ValueError(f"must be at least {low:g}")
        most = self.most if self.most is not None else high
        if most is None:
            most = _LARGEST[self.kind]
        if value > most:
            shown = f"{most:g}" if most % 1 else str(int(most))
            raise ValueError(f"is too large (at most {shown}{' ' + self.unit if self.unit else ''})")
        return value


def days(above: bool = False) -> Bounds:
    """A span in days: 0 (or more, with ``above``) to a hundred years."""
    return Bounds(float, 0, above=above, most=CENTURY_DAYS, unit="days")


def seconds(most: float, above: bool = False) -> Bounds:
    return Bounds(float, 0, above=above, most=most, unit="seconds")


@dataclass(frozen=True)
class Shown:
    """How the README shows a default that is not a plain value."""

    text: str


def _doc(default: Any, meaning: str) -> Any:
    return Field(default, description=meaning)


def _zone(name: str) -> str:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError("is not a time zone (an IANA name, e.g. Europe/Brussels)") from None
    return name


def _digest_at(text: str) -> str:
    found = _DIGEST_AT.match(text)
    if not found or int(found.group(1)) > 23 or int(found.group(2)) > 59:
        raise ValueError("is not a time of day (use HH:MM or 'HH:MM Area/City', e.g. 07:30 Europe/Brussels)")
    if found.group(3):
        try:
            ZoneInfo(found.group(3))
        except (ZoneInfoNotFoundError, ValueError):
            zone = found.group(3)
            raise ValueError(f"names an unknown time zone {zone!r} (e.g. Europe/Brussels)") from None
    return text


def _security(value: str) -> str:
    if value.lower() not in SMTP_SECURITY:
        raise ValueError(f"is not one of {', '.join(SMTP_SECURITY)}")
    return value.lower()


def _crawl_start(value: str) -> str:
    if value.lower() not in CRAWL_STARTS:
        raise ValueError(f"is not one of {', '.join(CRAWL_STARTS)}")
    return value.lower()


def _http_url(url: str) -> str:
    if not url.lower().startswith(("http://", "https://")):
        raise ValueError("is not an http(s) URL")
    return url


def _http_urls(value: str) -> str:
    """Comma-separated http(s) URLs (blanks between commas ignored)."""
    urls = [u.strip() for u in value.split(",") if u.strip()]
    for url in urls:
        _http_url(url)
    return ",".join(urls)


def _host_port(value: str) -> str:
    """``HOST:PORT`` (an IPv6 host in brackets: ``[::1]:8790``; port 0: any free port)."""
    host, sep, port = value.rpartition(":")
    if not sep or not host or not port.isdigit() or not 0 <= int(port) < 65536:
        raise ValueError("is not HOST:PORT (e.g. 127.0.0.1:8790)")
    return value


def _weekday(value: str) -> str:
    """``mon`` … ``sun`` (a full English day name too), or ``off``."""
    day = value.strip().lower()
    if day == "off":
        return day
    for short in WEEKDAYS:
        if day == short or (day.startswith(short) and day.endswith("day") and len(day) > 5):
            return short
    raise ValueError(f"is not a day of the week (use {', '.join(WEEKDAYS)}, or off)")


def _app_token(value: str) -> str:
    if not value.startswith("xapp-"):
        raise ValueError("is not a Slack app-level token (it starts with xapp-)")
    return value


def _entity_lists(value: str) -> str:
    keys = [k.strip() for k in value.split(",") if k.strip()]
    unknown = [k for k in keys if k not in ENTITY_LISTS]
    if unknown:
        raise ValueError(f"unknown list {unknown[0]!r} (use some of {', '.join(ENTITY_LISTS)})")
    return ",".join(keys)


#: Text settings with a form of their own, checked once when the settings are read, so every
#: command refuses the same value the same way (not only the command that uses it).
TEXT_CHECKS: dict[str, Callable[[str], str]] = {
    "NEWSWATCH_TIMEZONE": _zone,
    "NEWSWATCH_DIGEST_AT": _digest_at,
    "NEWSWATCH_SMTP_SECURITY": _security,
    "NEWSWATCH_CRAWL_START": _crawl_start,
    "NEWSWATCH_HUB_URL": _http_url,
    "NEWSWATCH_INGEST_URL": _http_url,
    "NEWSWATCH_INGEST_ADDRESS": _host_port,
    "NEWSWATCH_SCRAPYD_URLS": _http_urls,
    "NEWSWATCH_SLACK_API_URL": _http_url,
    "SLACK_APP_TOKEN": _app_token,
    "NEWSWATCH_ENTITY_LISTS": _entity_lists,
    "NEWSWATCH_RULES_REPORT_DAY": _weekday,
    "NEWSWATCH_DATASETTE_URL": _http_url,
    "NEWSWATCH_LIST_URL_US_SDN": _http_url,
    "NEWSWATCH_LIST_URL_US_CSL": _http_url,
    "NEWSWATCH_LIST_URL_EU_FSF": _http_url,
    "NEWSWATCH_LIST_URL_UK": _http_url,
    "NEWSWATCH_LIST_URL_OPENSANCTIONS": _http_url,
}


class NewswatchSettings(BaseModel):
    """Every newswatch setting, with its default and what it means."""

    model_config = ConfigDict(extra="ignore", validate_default=False)

    NEWSWATCH_DB: str = _doc(
        "data/newswatch.db", "the SQLite archive (relative paths are taken from the working directory)"
    )
    NEWSWATCH_OUTLETS: Annotated[str, Shown("`config/outlets.toml` in the project")] = _doc(
        str(PROJECT_DIR / "config" / "outlets.toml"), "the outlets file"
    )
    NEWSWATCH_RULES: Annotated[str, Shown("`config/rules` in the project")] = _doc(
        str(PROJECT_DIR / "config" / "rules"), "the rules: a folder of `*.toml` files, or one file"
    )
    NEWSWATCH_FRESHNESS_DAYS: Annotated[float, days(above=True)] = _doc(
        3.0, "items dated older than this are not fetched (unless `--since`)"
    )
    NEWSWATCH_MIN_TEXT_CHARS: Annotated[int, Bounds(int, 0)] = _doc(
        200,
        "shorter extractions count as empty and are not archived; a Chinese or Japanese character counts "
        "as 3, a Korean syllable as 2 (the same report takes that many fewer characters in those scripts)",
    )
    NEWSWATCH_MAX_MATCH_CHARS: Annotated[int, Bounds(int, 10_000, 10_000_000)] = _doc(
        4_000_000,
        "characters of an article (title and text) the rules read at most (10,000 to 10,000,000); a longer "
        'article, or one with over 100,000 term matches, is judged on its start and its verdict says "too '
        'long to match fully" (`articles.match_note`, `match_note` in `newswatch classify --jsonl`, a '
        "`note:` line in `rules explain`)",
    )
    NEWSWATCH_CONTACT_URL: str = _doc(
        "",
        "a URL where webmasters can reach the operator; goes into the User-Agent. Set it in production",
    )
    NEWSWATCH_BUSY_TIMEOUT_MS: Annotated[int, Bounds(int, 0, most=3_600_000, unit="ms")] = _doc(
        10_000, "how long a writer or reader waits for the archive's lock"
    )
    NEWSWATCH_SITEMAP_DEPTH: Annotated[int, Bounds(int, 0, most=100)] = _doc(
        2, "how deep sitemap indexes are followed"
    )
    NEWSWATCH_MAX_ARTICLES_PER_RUN: Annotated[int, Bounds(int, 0)] = _doc(
        300,
        "new articles fetched per outlet per run at most, newest first (0: no limit); the rest wait for "
        "the next run",
    )
    NEWSWATCH_HTTPCACHE: bool = _doc(
        True,
        "cache feeds and sitemaps and revalidate them (ETag / Last-Modified); articles are never cached",
    )
    NEWSWATCH_ROBOTS_MAX_AGE: Annotated[float, seconds(365 * DAY_S)] = _doc(
        3600.0,
        "seconds a fetched robots.txt is reused before it is asked for again (with the cache on)",
    )
    NEWSWATCH_REVISIT_DAYS: Annotated[float, days()] = _doc(
        7.0,
        "an archived article whose feed or sitemap says it changed is fetched again if published within "
        "this many days; a changed text is kept in `article_versions`",
    )
    NEWSWATCH_STORY_WINDOW_HOURS: Annotated[
        float, Bounds(float, 0, above=True, most=CENTURY_DAYS * 24, unit="hours")
    ] = _doc(
        72.0,
        "reports of the same event are grouped into one story when published within this many hours of "
        "each other",
    )
    NEWSWATCH_STORY_THRESHOLD: Annotated[float, Bounds(float, 0, 1)] = _doc(
        0.25, "title-and-lead similarity (0–1) from which two reports count as the same event"
    )
    NEWSWATCH_STORY_MIN_SHARED: Annotated[int, Bounds(int, 0)] = _doc(
        3, "names and numbers two leads must share (as far as both have that many) to be one event"
    )
    NEWSWATCH_COPY_THRESHOLD: Annotated[float, Bounds(float, 0, 1)] = _doc(
        0.7,
        "share of the shorter text's word 3-shingles the longer one holds (0–1, estimated from MinHash) "
        "from which one is a copy of the other (syndicated, mirrored, cut down)",
    )
    NEWSWATCH_COPY_WINDOW_DAYS: Annotated[float, days(above=True)] = _doc(
        7.0, "copies are joined to the same story within this many days"
    )
    NEWSWATCH_CONCURRENT_REQUESTS: Annotated[int, Bounds(int, 1, most=1000)] = _doc(
        16, "requests in flight in one crawl"
    )
    NEWSWATCH_CONCURRENT_PER_DOMAIN: Annotated[int, Bounds(int, 1, most=1000)] = _doc(
        2, "requests in flight per outlet domain"
    )
    NEWSWATCH_DOWNLOAD_DELAY: Annotated[float, seconds(HOUR_S)] = _doc(
        0.5, "seconds between requests to one domain (AutoThrottle raises it when an outlet slows down)"
    )
    NEWSWATCH_DOWNLOAD_TIMEOUT: Annotated[int, Bounds(int, 1, most=HOUR_S, unit="seconds")] = _doc(
        30, "seconds before a request is abandoned"
    )
    NEWSWATCH_MAX_RESPONSE_BYTES: Annotated[int, Bounds(int, 0)] = _doc(
        10 * 1024 * 1024, "responses larger than this are abandoned"
    )
    NEWSWATCH_LOG_LEVEL: str = _doc(
        "INFO",
        "log level of the crawls (`scrapy crawl`, the service's); `newswatch crawl` shows warnings only "
        "unless this is set or `-v` is given",
    )
    SLACK_BOT_TOKEN: str = _doc(
        "",
        "Slack bot token (`chat:write`); without one, alerts go to the console and `data/alerts.jsonl`",
    )
    NEWSWATCH_SLACK_CHANNEL: str = _doc(
        "#newswatch", "channel (name or id) for alerts; the bot must be a member"
    )
    SLACK_APP_TOKEN: str = _doc(
        "",
        "Slack app-level token (`xapp-…`, scope `connections:write`; needs `SLACK_BOT_TOKEN`): alert "
        "messages carry the buttons Relevant, Not relevant, Mute story and Wrong story, and `newswatch "
        "run` receives the clicks through Socket Mode (no public URL; docs/feedback.md); without one, no "
        "buttons",
    )
    NEWSWATCH_MUTE_DAYS: Annotated[float, days(above=True)] = _doc(
        7.0, "days a story muted with the Mute story button gets no further thread replies"
    )
    NEWSWATCH_REVIEW_CHANNEL: str = _doc(
        "",
        "second channel for articles marked for review (no rule flags them, but China, Russia's war and a "
        "support concept meet in one paragraph): one message per story; without it they are never posted, "
        "only listed under \"Worth a look\" in the digest and in Datasette's `review_articles`",
    )
    NEWSWATCH_SLACK_API_URL: str = _doc("https://slack.com/api/", "Slack Web API base URL")
    NEWSWATCH_SLACK_MIN_INTERVAL: Annotated[float, seconds(HOUR_S)] = _doc(
        1.0, "seconds between two messages to the channel"
    )
    NEWSWATCH_TIMEZONE: str = _doc(
        "UTC",
        "the team's time zone (IANA name, e.g. `Europe/Brussels`) for times in alerts, the digest and "
        "Datasette's pages (where \"Flagged today\" starts at its midnight)",
    )
    NEWSWATCH_ALERT_MAX_ATTEMPTS: Annotated[int, Bounds(int, 1, most=100)] = _doc(
        8, "delivery attempts before an alert is marked failed"
    )
    NEWSWATCH_ALERT_RETRY_SECONDS: Annotated[float, seconds(HOUR_S)] = _doc(
        30.0, "first retry delay; doubles each attempt (with jitter), at most an hour"
    )
    NEWSWATCH_SMTP_HOST: str = _doc(
        "", "SMTP server for the digest; without one the digest is written to `data/digests/`"
    )
    NEWSWATCH_SMTP_PORT: Annotated[int, Bounds(int, 0, 65535)] = _doc(
        0, "SMTP port; 0 means 25, 587 with `starttls`, 465 with `ssl`"
    )
    NEWSWATCH_SMTP_USER: str = _doc("", "SMTP login name, if the server wants one")
    NEWSWATCH_SMTP_PASSWORD: str = _doc("", "SMTP password")
    NEWSWATCH_SMTP_SECURITY: str = _doc("starttls", "`none`, `starttls` or `ssl`")
    NEWSWATCH_DIGEST_FROM: str = _doc("newswatch@localhost", "sender of the digest")
    NEWSWATCH_DIGEST_TO: str = _doc("", "recipients, comma-separated (required with an SMTP host)")
    NEWSWATCH_DIGEST_AT: str = _doc(
        "07:30",
        "when the daily digest goes out: `HH:MM` in `NEWSWATCH_TIMEZONE`, or `HH:MM Area/City`",
    )
    NEWSWATCH_DIGEST_AMBIGUOUS_RETRIES: Annotated[int, Bounds(int, 0, 10)] = _doc(
        2,
        "retries of a digest after the SMTP server dropped the connection once the whole message was sent "
        "(it may have it; each retry is the same message); then it is `unconfirmed` and not sent again "
        "(0–10)",
    )
    NEWSWATCH_MAX_PARALLEL_CRAWLS: Annotated[int, Bounds(int, 1, most=64)] = _doc(
        4, "crawls running at once (one outlet's runs never overlap)"
    )
    NEWSWATCH_CRAWL_TIMEOUT: Annotated[float, seconds(DAY_S, above=True)] = _doc(
        900.0,
        "seconds after which a crawl is stopped (SIGTERM, then SIGKILL 30 s later) and recorded as `timeout`",
    )
    NEWSWATCH_CRAWL_GROUP: Annotated[int, Bounds(int, 1, most=100)] = _doc(
        10,
        "outlets one crawl may poll together: when an outlet's crawl starts, outlets due within their "
        "schedule's jitter (a tenth of the interval, at most a minute) go with it, up to this many; "
        "`1`: a crawl per outlet (docs/service.md)",
    )
    NEWSWATCH_CRAWL_START: Annotated[str, Shown("`fork` (`process` without `fork()`)")] = _doc(
        "fork" if os.name == "posix" else "process",
        "how the service starts a crawl: `fork`, a child of a forkserver that imported Scrapy and the rest "
        "once (no Python start-up per crawl; docs/service.md); `process`, a new Python process per crawl",
    )
    NEWSWATCH_SCRAPYD_URLS: str = _doc(
        "",
        "Scrapyd workers, comma-separated base URLs (`http://crawler-1:6800`): each crawl is scheduled on "
        "the least busy one, followed and cancelled past `NEWSWATCH_CRAWL_TIMEOUT`; empty: crawls run on "
        "this machine (docs/scaling.md)",
    )
    NEWSWATCH_SCRAPYD_PROJECT: str = _doc(
        "newswatch", "the Scrapyd project the workers have this repository deployed as"
    )
    NEWSWATCH_INGEST_TOKEN: str = _doc(
        "",
        "the workers' shared secret: with one, `newswatch run` serves the ingest endpoint at "
        "`NEWSWATCH_INGEST_ADDRESS`, where workers ask which URLs are new and send articles and run records "
        "(a worker needs the same value); never passed to local crawls",
    )
    NEWSWATCH_INGEST_ADDRESS: str = _doc(
        "127.0.0.1:8790",
        "`HOST:PORT` the ingest endpoint listens on (`0.0.0.0:8790` for workers on other machines, behind a "
        "private network or TLS proxy)",
    )
    NEWSWATCH_INGEST_URL: Annotated[str, Shown("`http://` + `NEWSWATCH_INGEST_ADDRESS`")] = _doc(
        "",
        "the ingest endpoint's URL as the workers reach it (`http://hub:8790`), given to each Scrapyd job "
        "as its `NEWSWATCH_HUB_URL`",
    )
    NEWSWATCH_INGEST_MAX_BYTES: Annotated[int, Bounds(int, 1024, most=1 << 30, unit="bytes")] = _doc(
        32 * 1024 * 1024, "largest request body the ingest endpoint reads; a larger one is refused (413)"
    )
    NEWSWATCH_HUB_URL: str = _doc(
        "",
        "a crawl's hub (`http://hub:8790`): set, the crawl is a worker's; it never opens an archive but asks "
        "the hub which URLs are new and sends it what it extracted (the hub gives it to every Scrapyd job "
        "it schedules: `NEWSWATCH_INGEST_URL`)",
    )
    NEWSWATCH_HUB_RETRIES: Annotated[int, Bounds(int, 0, most=20)] = _doc(
        4,
        "on a worker: times a batch the hub does not take (no answer, 429, 5xx) is sent again, after "
        "0.5, 1, 2, 4 s… (or its Retry-After), before it is spooled",
    )
    NEWSWATCH_SPOOL_DIR: Annotated[str, Shown("`spool/` beside `NEWSWATCH_DB`")] = _doc(
        "",
        "on a worker: where records the hub could not take wait (JSON lines, fsynced), sent first by the "
        "next crawl",
    )
    NEWSWATCH_SLACK_OPS_CHANNEL: Annotated[str, Shown("*(the alert channel)*")] = _doc(
        "", "channel for source-health messages"
    )
    NEWSWATCH_RULES_REPORT_DAY: str = _doc(
        "mon",
        "the day (`mon` … `sun`) the week's rules ledger (`newswatch rules report` of the last 7 days: "
        "alerts, judgements, precision per rule, misses) goes to the ops channel as one Slack message, "
        "once, from the digest's time of day; `off`: never",
    )
    NEWSWATCH_ENTITY_LISTS: str = _doc(
        ",".join(DEFAULT_LISTS),
        "the official lists `newswatch entities update` reads, comma-separated: "
        + ", ".join(f"`{key}`" for key in ENTITY_LISTS)
        + "; `opensanctions` is off unless named here (its data licence, CC BY-NC 4.0, is non-commercial: "
        "docs/entities.md)",
    )
    NEWSWATCH_ENTITY_UPDATE_HOURS: Annotated[float, Bounds(float, 0, 24 * 30)] = _doc(
        24.0, "hours between two runs of `newswatch entities update` in the service (0: never)"
    )
    NEWSWATCH_LIST_URL_US_SDN: str = _doc(
        "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN.XML",
        "the US Treasury OFAC SDN list (XML)",
    )
    NEWSWATCH_LIST_URL_US_CSL: str = _doc(
        "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.json",
        "the US Consolidated Screening List (JSON: the Commerce Entity List, the Military End-User list, …)",
    )
    NEWSWATCH_LIST_URL_EU_FSF: str = _doc(
        "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=dG9rZW4tMjAxNw",
        "the EU consolidated financial sanctions list (XML)",
    )
    NEWSWATCH_LIST_URL_UK: str = _doc(
        "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml",
        "the UK sanctions list",
    )
    NEWSWATCH_LIST_URL_OPENSANCTIONS: str = _doc(
        "https://data.opensanctions.org/datasets/latest/sanctions/targets.simple.csv",
        "OpenSanctions' sanctions targets (CSV); read only with `opensanctions` in `NEWSWATCH_ENTITY_LISTS`",
    )
    NEWSWATCH_DATASETTE_SQL: bool = _doc(
        False,
        "`1` lets Datasette visitors run arbitrary read-only SQL (canned queries, search and facets work "
        "without it)",
    )
    NEWSWATCH_DATASETTE_URL: str = _doc(
        "http://127.0.0.1:8001",
        "where the team opens `newswatch serve` (the address behind `deploy/Caddyfile` in production): the "
        "digest links each review item to its page there",
    )

    @model_validator(mode="before")
    @classmethod
    def _blank_is_unset(cls, values: Any) -> Any:
        """Values are stripped; an empty one means the default."""
        if not isinstance(values, Mapping):
            return values
        stripped = {k: v.strip() if isinstance(v, str) else v for k, v in values.items()}
        return {k: v for k, v in stripped.items() if v != ""}

    @field_validator("*", mode="before")
    @classmethod
    def _checked(cls, value: Any, info: ValidationInfo) -> Any:
        name = info.field_name or ""
        if not isinstance(value, str):
            return value
        if name in BOUNDS:
            return BOUNDS[name].check(value)
        if name in TEXT_CHECKS:
            return TEXT_CHECKS[name](value)
        if cls.model_fields[name].annotation is bool:
            if value.lower() in _TRUE | _FALSE:
                return value.lower() in _TRUE
            raise ValueError("is not a boolean (use 1/0)")
        if name == "NEWSWATCH_LOG_LEVEL":
            if value.upper() not in LOG_LEVELS:
                raise ValueError(f"is not one of {', '.join(LOG_LEVELS)}")
            return value.upper()
        return value


#: Settings Scrapy knows by its own name: they are set under that name only.
SCRAPY_NAMES = {
    "NEWSWATCH_CONCURRENT_REQUESTS": "CONCURRENT_REQUESTS",
    "NEWSWATCH_CONCURRENT_PER_DOMAIN": "CONCURRENT_REQUESTS_PER_DOMAIN",
    "NEWSWATCH_DOWNLOAD_DELAY": "DOWNLOAD_DELAY",
    "NEWSWATCH_DOWNLOAD_TIMEOUT": "DOWNLOAD_TIMEOUT",
    "NEWSWATCH_MAX_RESPONSE_BYTES": "DOWNLOAD_MAXSIZE",
    "NEWSWATCH_LOG_LEVEL": "LOG_LEVEL",
}
#: Every number setting's bounds, by variable name.
BOUNDS: dict[str, Bounds] = {
    name: next(m for m in info.metadata if isinstance(m, Bounds))
    for name, info in NewswatchSettings.model_fields.items()
    if any(isinstance(m, Bounds) for m in info.metadata)
}


_NOT_A_NUMBER = {int: "is not a whole number", float: "is not a number"}


def read_environment() -> NewswatchSettings:
    """The settings from the environment (each the variable of its name, case as written);
    SettingError names the first invalid one. Every setting is one flat variable, so they are
    read as pydantic-settings reads them without importing it (and asyncio: 0.04 s a command)."""
    values = {name: os.environ[name] for name in NewswatchSettings.model_fields if name in os.environ}
    try:
        return NewswatchSettings.model_validate(values)
    except ValidationError as exc:
        layout = SettingLayout("environment variable")
        raise config_error(exc, NewswatchSettings, layout, SettingError) from None


def scrapy_settings(values: NewswatchSettings) -> dict[str, Any]:
    """The settings under the names Scrapy reads them by."""
    return {SCRAPY_NAMES.get(name, name): value for name, value in values.model_dump().items()}


def check(settings: Any) -> None:
    """The same checks for values in a Scrapy settings object given with ``-s NAME=VALUE``
    (strings; those from the environment were checked, and converted, on import)."""
    for name, info in NewswatchSettings.model_fields.items():
        if info.annotation is str and name not in TEXT_CHECKS:
            continue
        for given in dict.fromkeys((SCRAPY_NAMES.get(name, name), name)):
            value = settings.get(given)
            if not isinstance(value, str):
                continue
            if name in BOUNDS and not value.strip():  # a blank -s value is no number (no default)
                raise SettingError(f"settings: -s {given}={value!r} {_NOT_A_NUMBER[BOUNDS[name].kind]}")
            try:
                NewswatchSettings.model_validate({name: value})
            except ValidationError as exc:
                layout = SettingLayout("-s", {name: given})
                raise config_error(exc, NewswatchSettings, layout, SettingError) from None
