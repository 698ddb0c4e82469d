"""Outlets as data: load and validate ``config/outlets.toml``.

Every problem is reported as one line naming the file, the outlet and the key, e.g.::

    config/outlets.toml: outlet 'dw': key 'allow[0]': bad regex '(': missing ), ...
"""

from __future__ import annotations

import difflib
import hashlib
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Protocol
from urllib.parse import urlsplit

from newswatch.config.files import MAX_CONFIG_BYTES, config_stat, file_kind, read_config_file, read_toml
from newswatch.config.outlets import (
    DEFAULT_INTERVAL,
    KNOWN_KEYS,
    MAX_INTERVAL,
    MIN_INTERVAL,
    SOURCE_KEYS,
    Origin,
    OutletsFile,
    OutletTable,
    compile_pattern,
    entry_name,
    interval_of,
    outlet_at_line,
    parse_domain,
)
from newswatch.config.problems import FileLayout, validate
from newswatch.errors import ConfigError
from newswatch.records import SOURCE_KINDS, SourceKind
from newswatch.urls import BadURL, bare_domain, host_matches, host_of, origin


class OutletConfigError(ConfigError):
    """The outlets file is invalid; the message is one line naming file, outlet and key."""


class Matcher(Protocol):
    """A compiled ``allow``/``deny`` pattern (RE2: linear time, whatever the URL)."""

    pattern: str

    def search(self, text: str) -> object: ...


@dataclass(frozen=True)
class Outlet:
    key: str
    name: str
    homepage: str
    language: str | None = None
    feeds: tuple[str, ...] = ()
    news_sitemaps: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()
    listing_pages: tuple[str, ...] = ()
    allow: tuple[Matcher, ...] = ()
    deny: tuple[Matcher, ...] = ()
    domains: frozenset[str] = field(default_factory=frozenset)
    # where requests may go: the homepage's and sources' host and port, each `domains` entry
    origins: frozenset[Origin] = field(default_factory=frozenset)
    interval: timedelta = timedelta(minutes=15)
    enabled: bool = True
    notes: str = ""
    body_selector: str | None = None  # CSS: the article body's container (extraction override)
    drop_selectors: tuple[str, ...] = ()  # CSS: chrome removed before extraction

    def sources(self) -> list[tuple[SourceKind, str]]:
        """Every (kind, URL) this outlet is discovered from, in config order."""
        out: list[tuple[SourceKind, str]] = []
        for key, kind in SOURCE_KEYS.items():
            out.extend((kind, url) for url in getattr(self, key))
        return out

    def source_urls(self) -> frozenset[str]:
        """The URLs of every configured source (canonical)."""
        return frozenset(url for _, url in self.sources())

    def on_hosts(self, url: str) -> bool:
        """True when the URL's host name is one of this outlet's (any port)."""
        try:
            return host_matches(host_of(url), self.domains)
        except BadURL:
            return False

    def in_scope(self, url: str) -> bool:
        """True when the URL is on one of this outlet's origins: a host name of the outlet
        (or a subdomain of one) on the port the outlet uses there, default ports counting
        as one (http and https)."""
        try:
            host, port = origin(url)
        except BadURL:
            return False
        return host_matches(host, {domain for domain, p in self.origins if p == port})

    def refusal(self, url: str) -> str | None:
        """Why a URL on one of the outlet's host names is still refused (another port:
        another service on that machine), None when it is in scope or on another host."""
        if not self.on_hosts(url) or self.in_scope(url):
            return None
        try:
            port = origin(url)[1]
        except BadURL as exc:
            return str(exc)
        shown = "the default port" if port is None else f"port {port}"
        return f"{shown} of {host_of(url)} is not the outlet's"

    def rejects(self, url: str) -> str | None:
        """Why an article URL is not taken (``"offsite"``, ``"denied"``, ``"not_allowed"``)."""
        if not self.in_scope(url):
            return "offsite"
        if any(p.search(url) for p in self.deny):
            return "denied"
        if self.allow and not any(p.search(url) for p in self.allow):
            return "not_allowed"
        return None


#: Outlets files a process keeps read (a crawl reads one; tests and tools a few).
KEEP_OUTLETS = 4
_loaded: dict[tuple[str, str], dict[str, Outlet]] = {}  # path and a digest of its bytes → its outlets
_HINT = " (set NEWSWATCH_OUTLETS)"


def load_outlets(path: str | Path) -> dict[str, Outlet]:
    """All outlets in the file (enabled or not), keyed by outlet key, in file order.

    A process checks a file once: while its bytes are unchanged, the outlets read before are
    given again (in a dict of their own); an edited file is read again, an invalid one raises
    every time."""
    path = Path(path)
    try:
        now: str | None = _digest(read_config_file(path, "outlets file", OutletConfigError, _HINT))
    except OutletConfigError:
        now = None  # reading it again says why
    outlets = _loaded.get((str(path), now)) if now is not None else None
    if outlets is None:
        outlets, raw = _read_outlets(path)
        _loaded[(str(path), _digest(raw))] = outlets  # under the bytes it was read from
        while len(_loaded) > KEEP_OUTLETS:  # the oldest goes
            del _loaded[next(iter(_loaded))]
    return dict(outlets)


def _digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()


def _read_outlets(path: Path) -> tuple[dict[str, Outlet], bytes]:
    """The outlets file read and checked: every outlet, keyed, in file order; its bytes."""
    data, raw = read_toml(path, "outlets file", OutletConfigError, outlet_at_line, _HINT)
    tables = {"outlets": "[outlets.KEY] tables"}
    layout = FileLayout(path, data, entry_name, tables, expected="[outlets.KEY]")
    model = validate(OutletsFile, data, layout, OutletConfigError)
    return {key: _outlet(key, table) for key, table in model.outlets.items()}, raw


def _outlet(key: str, table: OutletTable) -> Outlet:
    """The runtime outlet of a validated table: patterns compiled, where requests may go."""
    sources = {name: tuple(getattr(table, name)) for name in SOURCE_KEYS}
    all_urls = [table.homepage, *(url for urls in sources.values() for url in urls)]
    origins = frozenset({parse_domain(item) for item in table.domains} | {origin(u) for u in all_urls})
    return Outlet(
        key=key,
        name=table.name,
        homepage=table.homepage,
        language=table.language,
        **sources,
        allow=tuple(compile_pattern(p) for p in table.allow),
        deny=tuple(compile_pattern(p) for p in table.deny),
        domains=frozenset(host for host, _ in origins),
        origins=origins,
        interval=interval_of(table.interval),
        enabled=table.enabled,
        notes=table.notes or "",
        body_selector=table.body_selector,
        drop_selectors=tuple(table.drop_selectors),
    )


def select(outlets: dict[str, Outlet], keys: list[str] | None) -> list[Outlet]:
    """The chosen outlets (default: all enabled); unknown keys raise OutletConfigError."""
    if not keys:
        return [o for o in outlets.values() if o.enabled]
    unknown = [k for k in keys if k not in outlets]
    if unknown:
        hints = {k: difflib.get_close_matches(k, outlets, n=1) for k in unknown}
        parts = [f"{k}" + (f" (did you mean {h[0]}?)" if h else "") for k, h in hints.items()]
        raise OutletConfigError("unknown outlet: " + ", ".join(parts))
    return [outlets[k] for k in keys]


def outlet_for_url(outlets: dict[str, Outlet], url: str | None) -> Outlet | None:
    """The outlet an article URL belongs to: its host is one of the outlet's domains (the
    longest match wins), then the homepage's path prefixes the URL's path (``/de/`` picks
    DW German over DW English), then enabled outlets first; None for any other host."""
    if not isinstance(url, str) or not url:
        return None
    try:
        host = bare_domain(host_of(url))
        path = urlsplit(url).path or "/"
    except (BadURL, ValueError):
        return None

    def rank(outlet: Outlet) -> tuple[int, int, bool]:
        domain = max((len(d) for d in outlet.domains if host == d or host.endswith("." + d)), default=0)
        home = urlsplit(outlet.homepage).path or "/"
        return domain, len(home) if path.startswith(home) else 0, outlet.enabled

    best = max(outlets.values(), key=rank, default=None)
    return best if best is not None and rank(best)[0] else None


__all__ = [
    "DEFAULT_INTERVAL",
    "KNOWN_KEYS",
    "MAX_CONFIG_BYTES",
    "MAX_INTERVAL",
    "MIN_INTERVAL",
    "SOURCE_KEYS",
    "SOURCE_KINDS",
    "Origin",
    "Outlet",
    "OutletConfigError",
    "config_stat",
    "file_kind",
    "load_outlets",
    "outlet_for_url",
    "read_config_file",
    "select",
]
