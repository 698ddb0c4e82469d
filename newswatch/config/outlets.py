"""The outlets file as a model: ``[outlets.KEY]`` tables, their keys, types and checks (URLs,
RE2 patterns, CSS selectors, hosts, the interval). :mod:`newswatch.outlets` builds the
runtime outlets from it; ``config/schemas/outlets.schema.json`` is exported from it."""

from __future__ import annotations

import re
from datetime import timedelta
from functools import lru_cache
from typing import Annotated, Any, Self
from urllib.parse import urlsplit

import re2
from cssselect import HTMLTranslator, SelectorError
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StringConstraints,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    field_validator,
    model_validator,
)

from newswatch.clock import parse_interval
from newswatch.config.problems import At, matching
from newswatch.records import SourceKind
from newswatch.urls import BadURL, bare_domain, canonicalize

SOURCE_KEYS: dict[str, SourceKind] = {
    "feeds": "feed",
    "news_sitemaps": "news_sitemap",
    "sitemaps": "sitemap",
    "listing_pages": "listing",
}
MIN_INTERVAL = timedelta(seconds=5)
MAX_INTERVAL = timedelta(days=365)
DEFAULT_INTERVAL = "15m"
_HOST_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?$")
_CSS = HTMLTranslator()
#: (host, port): the port None for the scheme's default, as ``urls.origin`` gives it
Origin = tuple[str, int | None]


def _re2_options() -> Any:
    options = re2.Options()
    options.log_errors = False  # the config error says it, in one line
    return options


_RE2_OPTIONS = _re2_options()


@lru_cache(maxsize=4096)
def compile_pattern(pattern: str) -> Any:
    """An ``allow``/``deny`` pattern on RE2: matched in linear time, so no URL can stall a
    crawl (no backreferences or lookaround: such a pattern is refused)."""
    try:
        return re2.compile(pattern, _RE2_OPTIONS)
    except re2.error as exc:
        reason = exc.args[0] if exc.args else "invalid"
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise ValueError(
            f"bad regex {pattern!r}: {reason} (RE2 syntax: no backreferences or lookaround)"
        ) from None


def parse_domain(item: str) -> Origin:
    """A ``domains`` entry: ``host`` (default ports) or ``host:port``."""
    host, colon, port_text = bare_domain(item).partition(":")
    if not _HOST_RE.match(host) or "." not in host:
        raise ValueError(f"not a host name: {item!r}")
    if not colon:
        return host, None
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ValueError(f"not a port (1-65535): {item!r}")
    port = int(port_text)
    return host, None if port in (80, 443) else port


def interval_of(text: str) -> timedelta:
    """An outlet's polling interval: ``30s``, ``10m``, ``1h30m``, ``1d``; 5 s to 365 days."""
    interval = parse_interval(text, MAX_INTERVAL)
    if interval < MIN_INTERVAL:
        raise ValueError(f"{text!r} is shorter than {MIN_INTERVAL.seconds}s")
    return interval


def _url(value: str) -> str:
    try:
        url = canonicalize(value)
    except BadURL as exc:
        raise ValueError(str(exc)) from None
    if urlsplit(url).netloc.startswith("["):
        raise ValueError(f"an IPv6 address is not supported as a host, use a host name: {value}")
    return url


def _selector(value: str) -> str:
    try:
        _CSS.css_to_xpath(value)
    except SelectorError as exc:
        raise ValueError(f"bad CSS selector {value!r}: {exc}") from None
    return value


def _pattern(value: str) -> str:
    compile_pattern(value)
    return value


def _domain(value: str) -> str:
    parse_domain(value)
    return value


def _interval_text(value: Any) -> Any:
    if not isinstance(value, str):
        raise ValueError(f"must be a string such as '10m', got {value!r}")
    return value


def _interval(value: str) -> str:
    interval_of(value)
    return value


def _one_or_many(value: Any) -> Any:
    """A single string stands for a list of one."""
    return [value] if isinstance(value, str) else value


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Url = Annotated[Text, AfterValidator(_url)]
Pattern = Annotated[Text, AfterValidator(_pattern)]
Selector = Annotated[Text, AfterValidator(_selector)]
Domain = Annotated[Text, AfterValidator(_domain)]
_LIST = BeforeValidator(_one_or_many, json_schema_input_type=str | list[str])
Urls = Annotated[list[Url], _LIST]
OutletKey = Annotated[
    str, matching(r"^[a-z0-9_]+$", "outlet keys use lower-case letters, digits and '_' only")
]
Language = Annotated[
    Text, matching(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$", "must be an ISO 639-1 code such as 'en'")
]
Interval = Annotated[str, BeforeValidator(_interval_text), AfterValidator(_interval)]


class OutletTable(BaseModel):
    """One ``[outlets.KEY]`` table."""

    model_config = ConfigDict(extra="forbid", strict=True)

    name: Text = Field(description="Display name.")
    homepage: Url = Field(description="The outlet's home page (absolute http/https URL).")
    language: Language | None = Field(None, description="ISO 639-1 code; used when a page does not say.")
    feeds: Urls = Field([], description="RSS 2.0, RSS 1.0/RDF or Atom feeds.")
    news_sitemaps: Urls = Field([], description="Google-News sitemaps or indexes of them.")
    sitemaps: Urls = Field([], description="Plain sitemaps with <lastmod>.")
    listing_pages: Urls = Field([], description="HTML pages whose links matching `allow` are articles.")
    allow: Annotated[list[Pattern], _LIST] = Field(
        [], description="RE2 patterns (searched) an article URL must match, if given."
    )
    deny: Annotated[list[Pattern], _LIST] = Field(
        [], description="RE2 patterns of URLs that are never articles."
    )
    domains: Annotated[list[Domain], _LIST] = Field(
        [], description="Extra hosts (and subdomains) where articles may live; 'host:port' for another port."
    )
    interval: Interval = Field(
        DEFAULT_INTERVAL, description="Polling interval: 30s, 10m, 1h30m, 1d (5 s to 365 days)."
    )
    enabled: bool = Field(True, description="false keeps the entry but does not crawl it.")
    notes: Text | None = Field(None, description="Free text (access caveats, licences).")
    body_selector: Selector | None = Field(
        None, description="CSS: the article body's container (extraction override)."
    )
    drop_selectors: Annotated[list[Selector], _LIST] = Field(
        [], description="CSS: page chrome removed before extraction (extraction override)."
    )

    @field_validator(*SOURCE_KEYS, mode="wrap")
    @classmethod
    def _no_duplicates(cls, value: Any, handler: ValidatorFunctionWrapHandler, info: ValidationInfo) -> Any:
        urls = handler(value)
        given, seen = _one_or_many(value), dict[str, int]()
        for i, url in enumerate(urls):
            if url in seen:
                raise At((i,), f"duplicate of {info.field_name}[{seen[url]}]: {given[i].strip()}")
            seen[url] = i
        return urls

    @model_validator(mode="after")
    def _sources(self) -> Self:
        if not any(getattr(self, key) for key in SOURCE_KEYS):
            raise At((), "has no source: give at least one of " + ", ".join(SOURCE_KEYS))
        if self.listing_pages and not self.allow:
            raise At(("allow",), "is required with listing_pages (which links are articles?)")
        return self


class OutletsFile(BaseModel):
    """The outlets file: one ``[outlets.KEY]`` table per outlet."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        title="newswatch outlets",
        json_schema_extra={"description": "The news outlets newswatch polls (config/outlets.toml)."},
    )

    outlets: dict[OutletKey, OutletTable] = Field(min_length=1, description="One table per outlet.")

    @model_validator(mode="after")
    def _sources_unique(self) -> Self:
        owner: dict[str, str] = {}
        for key, table in self.outlets.items():
            for field in SOURCE_KEYS:
                for url in getattr(table, field):
                    if owner.get(url, key) != key:
                        raise At(("outlets", key, field), f"{url} is also a source of outlet '{owner[url]}'")
                    owner[url] = key
        return self


KNOWN_KEYS = frozenset(OutletTable.model_fields)


def entry_name(top: str, key: int | str, data: Any) -> str:
    """How an outlet is named in a message."""
    return f"outlet '{key}'"


def outlet_at_line(text: str, lineno: int) -> str | None:
    """The ``[outlets.KEY]`` table a line number falls in, for TOML syntax errors."""
    current = None
    for i, line in enumerate(text.splitlines(), start=1):
        if i > lineno:
            break
        m = re.match(r"\s*\[\s*outlets\.([^\]\s]+)\s*\]", line)
        if m:
            current = f"outlet '{m.group(1).strip(chr(34) + chr(39))}'"
    return current
