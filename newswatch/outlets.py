"""Outlets as data: load and validate ``config/outlets.toml``.

Every problem is reported as one line naming the file, the outlet and the key, e.g.::

    config/outlets.toml: outlet 'dw': key 'allow[0]': bad regex '(': missing ), ...
"""

from __future__ import annotations

import difflib
import errno
import os
import re
import stat
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import urlsplit

import re2
from cssselect import HTMLTranslator, SelectorError

from newswatch.clock import parse_interval
from newswatch.errors import ConfigError
from newswatch.records import SOURCE_KINDS, SourceKind
from newswatch.urls import BadURL, bare_domain, canonicalize, host_matches, host_of, origin

SOURCE_KEYS: dict[str, SourceKind] = {
    "feeds": "feed",
    "news_sitemaps": "news_sitemap",
    "sitemaps": "sitemap",
    "listing_pages": "listing",
}
KNOWN_KEYS = frozenset(
    {"name", "homepage", "language", "allow", "deny", "domains", "interval", "enabled", "notes"}
    | {"body_selector", "drop_selectors"}
    | set(SOURCE_KEYS)
)
_KEY_RE = re.compile(r"^[a-z0-9_]+$")
_LANG_RE = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2,4})?$")
_HOST_RE = re.compile(r"^(?=.{1,253}$)([a-z0-9]([a-z0-9-]*[a-z0-9])?\.)*[a-z0-9]([a-z0-9-]*[a-z0-9])?$")
_CSS = HTMLTranslator()
MIN_INTERVAL = timedelta(seconds=5)
MAX_INTERVAL = timedelta(days=365)
DEFAULT_INTERVAL = "15m"


class OutletConfigError(ConfigError):
    """The outlets file is invalid; the message is one line naming file, outlet and key."""


class Matcher(Protocol):
    """A compiled ``allow``/``deny`` pattern (RE2: linear time, whatever the URL)."""

    pattern: str

    def search(self, text: str) -> object: ...


def _re2_options() -> Any:
    options = re2.Options()
    options.log_errors = False  # the config error says it, in one line
    return options


_RE2_OPTIONS = _re2_options()
#: (host, port): the port None for the scheme's default, as ``urls.origin`` gives it
Origin = tuple[str, int | None]


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


class _Checker:
    """Validates one outlet table; every error names file, outlet and key."""

    def __init__(self, path: Path, key: str, table: dict[str, Any]):
        self.path, self.key, self.table = path, key, table

    def fail(self, key: str | None, problem: str) -> OutletConfigError:
        where = f"{self.path}: outlet '{self.key}'"
        if key is not None:
            where += f": key '{key}'"
        return OutletConfigError(f"{where}: {problem}")

    def text(self, key: str, required: bool = False, default: str = "") -> str:
        value = self.table.get(key)
        if value is None:
            if required:
                raise self.fail(key, "is required")
            return default
        if not isinstance(value, str) or not value.strip():
            raise self.fail(key, f"must be a non-empty string, got {value!r}")
        return value.strip()

    def url(self, key: str, value: Any) -> str:
        if not isinstance(value, str):
            raise self.fail(key, f"must be a URL string, got {value!r}")
        try:
            url = canonicalize(value)
        except BadURL as exc:
            raise self.fail(key, str(exc)) from None
        if urlsplit(url).netloc.startswith("["):
            raise self.fail(key, f"an IPv6 address is not supported as a host, use a host name: {value}")
        return url

    def strings(self, key: str) -> list[str]:
        value = self.table.get(key, [])
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list):
            raise self.fail(key, f"must be a list of strings, got {type(value).__name__}")
        for i, item in enumerate(value):
            if not isinstance(item, str) or not item.strip():
                raise self.fail(f"{key}[{i}]", f"must be a non-empty string, got {item!r}")
        return [item.strip() for item in value]

    def urls(self, key: str) -> tuple[str, ...]:
        seen: dict[str, int] = {}
        for i, item in enumerate(self.strings(key)):
            url = self.url(f"{key}[{i}]", item)
            if url in seen:
                raise self.fail(f"{key}[{i}]", f"duplicate of {key}[{seen[url]}]: {item}")
            seen[url] = i
        return tuple(seen)

    def selector(self, key: str, value: str) -> str:
        try:
            _CSS.css_to_xpath(value)
        except SelectorError as exc:
            raise self.fail(key, f"bad CSS selector {value!r}: {exc}") from None
        return value

    def selectors(self, key: str) -> tuple[str, ...]:
        return tuple(self.selector(f"{key}[{i}]", item) for i, item in enumerate(self.strings(key)))

    def patterns(self, key: str) -> tuple[Matcher, ...]:
        """RE2 patterns: matched in linear time, so no URL can stall a crawl (no
        backreferences or lookaround: such a pattern is refused here)."""
        compiled = []
        for i, item in enumerate(self.strings(key)):
            try:
                compiled.append(re2.compile(item, _RE2_OPTIONS))
            except re2.error as exc:
                reason = exc.args[0] if exc.args else "invalid"
                if isinstance(reason, bytes):
                    reason = reason.decode("utf-8", "replace")
                raise self.fail(
                    f"{key}[{i}]",
                    f"bad regex {item!r}: {reason} (RE2 syntax: no backreferences or lookaround)",
                ) from None
        return tuple(compiled)

    def domain(self, key: str, item: str) -> Origin:
        """A ``domains`` entry: ``host`` (default ports) or ``host:port``."""
        host, colon, port_text = bare_domain(item).partition(":")
        if not _HOST_RE.match(host) or "." not in host:
            raise self.fail(key, f"not a host name: {item!r}")
        if not colon:
            return host, None
        if not port_text.isdigit() or not 0 < int(port_text) < 65536:
            raise self.fail(key, f"not a port (1-65535): {item!r}")
        port = int(port_text)
        return host, None if port in (80, 443) else port


def _build(path: Path, key: str, table: Any) -> Outlet:
    check = _Checker(path, key, table if isinstance(table, dict) else {})
    if not _KEY_RE.match(key):
        raise check.fail(None, "outlet keys use lower-case letters, digits and '_' only")
    if not isinstance(table, dict):
        raise check.fail(None, f"must be a table, got {type(table).__name__}")
    for unknown in sorted(set(table) - KNOWN_KEYS):
        hint = difflib.get_close_matches(unknown, KNOWN_KEYS, n=1)
        suffix = f" (did you mean '{hint[0]}'?)" if hint else ""
        raise check.fail(unknown, f"unknown key{suffix}")

    name = check.text("name", required=True)
    homepage = check.url("homepage", table.get("homepage")) if "homepage" in table else None
    if homepage is None:
        raise check.fail("homepage", "is required")
    language = check.text("language") or None
    if language and not _LANG_RE.match(language):
        raise check.fail("language", f"must be an ISO 639-1 code such as 'en', got {language!r}")
    sources = {k: check.urls(k) for k in SOURCE_KEYS}
    if not any(sources.values()):
        raise check.fail(None, "has no source: give at least one of " + ", ".join(SOURCE_KEYS))
    allow, deny = check.patterns("allow"), check.patterns("deny")
    if sources["listing_pages"] and not allow:
        raise check.fail("allow", "is required with listing_pages (which links are articles?)")
    extra = {check.domain(f"domains[{i}]", item) for i, item in enumerate(check.strings("domains"))}
    all_urls = [homepage, *(u for urls in sources.values() for u in urls)]
    origins = frozenset(extra | {origin(u) for u in all_urls})
    domains = frozenset(host for host, _ in origins)
    interval_text = table.get("interval", DEFAULT_INTERVAL)
    if not isinstance(interval_text, str):
        raise check.fail("interval", f"must be a string such as '10m', got {interval_text!r}")
    try:
        interval = parse_interval(interval_text, MAX_INTERVAL)
    except ValueError as exc:
        raise check.fail("interval", str(exc)) from None
    if interval < MIN_INTERVAL:
        raise check.fail("interval", f"{interval_text!r} is shorter than {MIN_INTERVAL.seconds}s")
    enabled = table.get("enabled", True)
    if not isinstance(enabled, bool):
        raise check.fail("enabled", f"must be true or false, got {enabled!r}")
    body_selector = check.text("body_selector") or None
    return Outlet(
        key=key,
        name=name,
        homepage=homepage,
        language=language,
        feeds=sources["feeds"],
        news_sitemaps=sources["news_sitemaps"],
        sitemaps=sources["sitemaps"],
        listing_pages=sources["listing_pages"],
        allow=allow,
        deny=deny,
        domains=domains,
        origins=origins,
        interval=interval,
        enabled=enabled,
        notes=check.text("notes"),
        body_selector=check.selector("body_selector", body_selector) if body_selector else None,
        drop_selectors=check.selectors("drop_selectors"),
    )


def _outlet_at_line(text: str, lineno: int) -> str | None:
    """The ``[outlets.KEY]`` table a line number falls in, for TOML syntax errors."""
    current = None
    for i, line in enumerate(text.splitlines(), start=1):
        if i > lineno:
            break
        m = re.match(r"\s*\[\s*outlets\.([^\]\s]+)\s*\]", line)
        if m:
            current = m.group(1).strip("\"'")
    return current


#: Configuration files (outlets, rules) larger than this are refused unread.
MAX_CONFIG_BYTES = 5 * 1024 * 1024
_FILE_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)
MakeError = Callable[[str], ValueError]


def file_kind(mode: int) -> str:
    """What a non-regular file is, for messages: ``a FIFO``, ``a character device``..."""
    return next((name for test, name in _FILE_KINDS if test(mode)), "a special file")


def config_stat(path: Path, what: str, error: MakeError, hint: str = "") -> os.stat_result:
    """``os.stat`` of a configuration file or folder; ``error`` (one line naming it) when it
    is missing (``hint`` says which setting names it) or cannot be reached (a symlink loop)."""
    try:
        return path.stat()
    except FileNotFoundError:
        raise error(f"{path}: {what} not found{hint}") from None
    except OSError as exc:
        problem = "symlink loop" if exc.errno == errno.ELOOP else exc.strerror or str(exc)
        raise error(f"{path}: cannot read {what}: {problem}") from None


def _refuse(path: Path, what: str, info: os.stat_result, error: MakeError, limit: int) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise error(f"{path}: cannot read {what}: Is a directory")
    if not stat.S_ISREG(info.st_mode):
        raise error(f"{path}: cannot read {what}: not a regular file ({file_kind(info.st_mode)})")
    if info.st_size > limit:
        raise error(f"{path}: cannot read {what}: larger than {limit // 2**20} MB ({info.st_size} bytes)")


def read_config_file(
    path: Path, what: str, error: MakeError, hint: str = "", limit: int = MAX_CONFIG_BYTES
) -> bytes:
    """The bytes of a configuration file: a regular file of at most ``limit`` bytes. A FIFO,
    a device, a socket or a folder is refused before it is opened (nothing blocks, nothing
    endless is read); a file swapped in between is caught on the open descriptor."""
    _refuse(path, what, config_stat(path, what, error, hint), error, limit)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        problem = "symlink loop" if exc.errno == errno.ELOOP else exc.strerror or str(exc)
        raise error(f"{path}: cannot read {what}: {problem}") from None
    try:
        _refuse(path, what, os.fstat(fd), error, limit)
        with os.fdopen(fd, "rb", closefd=False) as stream:
            data = stream.read(limit + 1)
    except OSError as exc:
        raise error(f"{path}: cannot read {what}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(data) > limit:  # it grew after the check
        raise error(f"{path}: cannot read {what}: larger than {limit // 2**20} MB")
    return data


def load_outlets(path: str | Path) -> dict[str, Outlet]:
    """All outlets in the file (enabled or not), keyed by outlet key, in file order."""
    path = Path(path)
    raw = read_config_file(path, "outlets file", OutletConfigError, " (set NEWSWATCH_OUTLETS)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        outlet = _outlet_at_line(raw.decode("utf-8", "replace"), line)
        where = f"{path}: outlet '{outlet}'" if outlet else str(path)
        raise OutletConfigError(
            f"{where}: line {line}: not UTF-8 (byte 0x{raw[exc.start]:02x}); save the file as UTF-8"
        ) from None
    try:
        data = tomllib.loads(text)
    except RecursionError:  # tomllib reads nested arrays and tables recursively
        raise OutletConfigError(f"{path}: invalid TOML: arrays or tables nested too deeply") from None
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        outlet = _outlet_at_line(text, int(m.group(1))) if m else None
        where = f"{path}: outlet '{outlet}'" if outlet else str(path)
        raise OutletConfigError(f"{where}: invalid TOML: {exc}") from None
    for top in data:
        if top != "outlets":
            raise OutletConfigError(f"{path}: unknown top-level key '{top}' (expected [outlets.KEY])")
    tables = data.get("outlets")
    if not isinstance(tables, dict) or not tables:
        raise OutletConfigError(f"{path}: no outlets defined (expected [outlets.KEY] tables)")
    outlets = {key: _build(path, key, table) for key, table in tables.items()}
    _check_names_unique(path, outlets)
    return outlets


def _check_names_unique(path: Path, outlets: dict[str, Outlet]) -> None:
    seen: dict[str, str] = {}
    for outlet in outlets.values():
        for key in SOURCE_KEYS:
            for url in getattr(outlet, key):
                if url in seen and seen[url] != outlet.key:
                    raise OutletConfigError(
                        f"{path}: outlet '{outlet.key}': key '{key}': {url} is also a source "
                        f"of outlet '{seen[url]}'"
                    )
                seen[url] = outlet.key


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
    "SOURCE_KINDS",
    "Outlet",
    "OutletConfigError",
    "config_stat",
    "file_kind",
    "load_outlets",
    "outlet_for_url",
    "read_config_file",
    "select",
]
