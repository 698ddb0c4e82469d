"""URL canonicalisation: one spelling per article, so an article is fetched and stored once.

``canonicalize`` gives the URL we fetch and store; ``url_key`` folds the remaining
spelling differences that never change the article (http/https, ``www.``, a trailing
slash) and ``url_hash`` hashes that key for the seen-URL table.
"""

from __future__ import annotations

import functools
import hashlib
import ipaddress
import re
import socket
from collections.abc import Callable
from typing import ParamSpec, TypeVar
from urllib.parse import SplitResult, parse_qsl, urlencode, urljoin, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

from newswatch.errors import NewswatchError

# Query parameters that only say where a click came from: the first list, with which the
# keys of every archive written before more were added were made (``first_rule_canonical``).
FIRST_TRACKING_PARAMS = frozenset(
    {
        "fbclid",
        "gclid",
        "dclid",
        "gbraid",
        "wbraid",
        "msclkid",
        "yclid",
        "twclid",
        "igshid",
        "mc_cid",
        "mc_eid",
        "_ga",
        "_gl",
        "ocid",
        "cmpid",
        "cmp",
        "ito",
        "maca",
        "s_cid",
        "ref_src",
        "ref_url",
        "taid",
        "mbid",
        "smid",
        "sr_share",
        "guccounter",
        "guce_referrer",
        "guce_referrer_sig",
        "spm",
        "share",
        "rss",
        "feature",
        "at_medium",
        "at_campaign",
        "__twitter_impression",
        "xtor",
        "ns_mchannel",
        "ns_source",
        "ns_campaign",
        "ns_linkname",
        "ns_fee",
        "amp",
        "mkt_tok",
        "vero_id",
        "oly_anon_id",
        "oly_enc_id",
        "rb_clickid",
        "soc_src",
        "soc_trk",
    }
)
FIRST_TRACKING_PREFIXES = ("utm_", "at_", "pk_", "hsa_", "mtm_", "ga_", "oly_", "__hs")
# Added from courlan's maintained list (``courlan.clean.TRACKERS_RE``, itself from AdGuard's,
# ClearURLs' and Firefox's query-stripping lists; tests/test_urls.py checks the two agree) and
# what outlets were seen to append (Al Jazeera's ``traffic_source=rss``). Not taken from it,
# on purpose: ``cid``, ``eid``, ``uid``, ``session``, ``keyword``, ``kwd``, ``ga``, ``gl``,
# short or common names some sites use for the content itself (an id, a search, a country):
# stripping one would make two articles one URL.
TRACKING_PARAMS = FIRST_TRACKING_PARAMS | frozenset(
    {
        "traffic_source",
        "source",
        "medium",
        "campaign",
        "ref",
        "referer",
        "referrer",
        "aff",
        "affi",
        "affiliate",
        "clid",
        "clickid",
        "partnerid",
        "ysclid",
        "yclid",
    }
)
TRACKING_PREFIXES = (
    *FIRST_TRACKING_PREFIXES,
    *("ad_", "ads_", "gs_", "itm_", "mc_", "mkt_", "ml_", "vero_"),
)
#: ``traffic_source``, ``share_medium``, ``x_campaign``: a tracking word after an underscore.
TRACKING_SUFFIXES = (
    *("_source", "_medium", "_campaign", "_ref", "_referer", "_referrer"),
    *("_clid", "_aff", "_affi", "_affiliate", "_xtor"),
)
DEFAULT_PORTS = {"http": 80, "https": 443}
_AMP_CACHE = re.compile(r"^[a-z0-9-]+\.cdn\.ampproject\.org$")
_AMP_PATH = (
    (re.compile(r"^/amp(?=/)"), ""),  # /amp/world/story → /world/story
    (re.compile(r"/amp/$"), "/"),  # /story/amp/ → /story/
    (re.compile(r"/amp$"), ""),  # /story/amp → /story
    (re.compile(r"\.amp(\.html?)$"), r"\1"),  # /story.amp.html → /story.html
    (re.compile(r"\.amp$"), ""),  # /story.amp → /story
)
_WS = re.compile(r"\s+")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_LABEL = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?$")
_NUMBER = re.compile(r"^(?:0x[0-9a-f]*|[0-9]+)$")
#: Scrapy's URLLENGTH_LIMIT: a longer URL would be dropped unseen by its middleware.
MAX_URL_CHARS = 2083
MAX_HOST_CHARS = 253


class BadURL(NewswatchError, ValueError):
    """A string that is not an absolute http(s) URL (the only error the URL functions raise)."""


P = ParamSpec("P")
R = TypeVar("R")


def _only_bad_url(fn: Callable[P, R]) -> Callable[P, R]:
    """Whatever the standard library or w3lib raises on malformed input leaves as BadURL."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        try:
            return fn(*args, **kwargs)
        except BadURL:
            raise
        except (ValueError, TypeError, UnicodeError) as exc:
            shown = repr(args[0])[:200] if args else "?"
            raise BadURL(f"not a URL: {shown} ({type(exc).__name__}: {exc})"[:400]) from None

    return wrapper


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return (
        lowered in TRACKING_PARAMS
        or lowered.startswith(TRACKING_PREFIXES)
        or lowered.endswith(TRACKING_SUFFIXES)
    )


def _was_tracking(name: str) -> bool:
    """The first rule (``FIRST_TRACKING_*``), which made the keys of older archives."""
    lowered = name.lower()
    return lowered in FIRST_TRACKING_PARAMS or lowered.startswith(FIRST_TRACKING_PREFIXES)


def _amp_cache_target(host: str, path: str) -> str | None:
    """``x-com.cdn.ampproject.org`` + ``/c/s/x.com/a`` → ``https://x.com/a`` (the page the
    Google AMP cache serves, to be canonicalised in turn); None for any other URL."""
    if not _AMP_CACHE.match(host):
        return None
    parts = path.split("/")
    # /c/s/host/path (https) or /c/host/path (http); /v/ for viewer URLs
    if len(parts) > 3 and parts[1] in {"c", "v", "i"}:
        if parts[2] == "s":
            return "https://" + "/".join(parts[3:])
        return "http://" + "/".join(parts[2:])
    return None


def _checked_text(url: object) -> str:
    """The URL string without whitespace; refused when it cannot be one."""
    if not isinstance(url, str):
        raise BadURL(f"not a URL string: {type(url).__name__}")
    url = _WS.sub("", url)
    if len(url) > MAX_URL_CHARS:
        raise BadURL(f"longer than {MAX_URL_CHARS} characters: {url[:80]!r}…")
    if _CONTROL.search(url):
        raise BadURL(f"control character in URL: {url[:200]!r}")
    url.encode("utf-8")  # a lone surrogate raises UnicodeEncodeError → BadURL
    return url


def _ipv4(host: str) -> str:
    """A host that ends in a number is an IPv4 address in any of its spellings
    (``2130706433``, ``0x7f.1``, ``0177.0.0.1``): one dotted-quad spelling, or BadURL."""
    if not all(_NUMBER.match(part) for part in host.split(".")):
        raise BadURL(f"not a host name or IPv4 address: {host!r}")
    try:
        return socket.inet_ntoa(socket.inet_aton(host))
    except OSError:
        raise BadURL(f"not an IPv4 address: {host!r}") from None


def _host(parts: SplitResult) -> str:
    """The checked, lower-case host for the netloc: IPv6 in brackets, IPv4 dotted, names
    in IDNA (ASCII) with valid labels."""
    raw = parts.hostname
    if not raw:
        raise BadURL(f"no host in {parts.geturl()[:200]!r}")
    if "[" in parts.netloc:
        if not parts.netloc.startswith("[") or parts.netloc.partition("]")[2][:1] not in ("", ":"):
            raise BadURL(f"not a bracketed IPv6 host: {parts.netloc[:100]!r}")
        if "%" in raw:
            raise BadURL(f"IPv6 zone identifiers are not allowed: {raw!r}")
        return f"[{ipaddress.IPv6Address(raw).compressed}]"
    host = raw.rstrip(".")
    if not host.isascii():
        host = host.encode("idna").decode("ascii").lower()
    labels = host.split(".")
    if _NUMBER.match(labels[-1]):
        return _ipv4(host)
    if len(host) > MAX_HOST_CHARS or not all(_LABEL.match(label) for label in labels):
        raise BadURL(f"not a host name: {raw[:100]!r}")
    return host


def _strip_amp(path: str) -> str:
    """The path without AMP spellings, however many are stacked (``/amp/amp/``)."""
    while True:
        stripped = path
        for pattern, replacement in _AMP_PATH:
            stripped = pattern.sub(replacement, stripped) or "/"
        if stripped == path:
            return path
        path = stripped


@_only_bad_url
def canonicalize(url: str, base: str | None = None) -> str:
    """The canonical spelling of an article URL.

    Lower-cases scheme and host, drops default ports, fragments, tracking parameters
    (``utm_*``, ``fbclid``, ``gclid``, …) and AMP spellings (``/amp`` suffix or prefix,
    ``amp=1``, ``outputType=amp``, ``amp.`` hosts, the Google AMP cache), sorts the
    remaining query parameters and normalises percent-encoding. IPv6 hosts keep their
    brackets, IPv4 hosts get their dotted spelling. Anything that is not an absolute
    http(s) URL, or carries a user name or password, raises BadURL (and nothing else).
    """
    return _canonical(url, base, _is_tracking)


@_only_bad_url
def first_rule_canonical(url: str, base: str | None = None) -> str:
    """``url``'s canonical spelling under the first list of tracking parameters: the one
    the keys of older archives were made with (``canonical_keys``)."""
    return _canonical(url, base, _was_tracking)


def canonical_keys(url: str, base: str | None = None) -> tuple[str, ...]:
    """The ``url_hash`` of ``url`` (as found: a link, a feed item) under the current rule,
    then, when it differs, under the first rule: an archive keeps the keys it was written
    with, and a lookup by either finds an article archived before a tracking parameter was
    added to the list. BadURL when it is not a URL."""
    return tuple(
        dict.fromkeys(url_hash(c) for c in (canonicalize(url, base), first_rule_canonical(url, base)))
    )


def _canonical(url: str, base: str | None, tracking: Callable[[str], bool]) -> str:
    url = _checked_text(url)
    if base:
        url = _checked_text(urljoin(_checked_text(base), url))
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.netloc:
        raise BadURL(f"not an absolute http(s) URL: {url[:200]!r}")
    if "@" in parts.netloc:
        raise BadURL(f"a user name or password in the URL is refused (user@host): {url[:200]!r}")
    port = parts.port
    if port == 0:
        raise BadURL(f"port 0 is not a port: {url[:200]!r}")
    host = _host(parts)
    path = parts.path.replace("\\", "/") or "/"  # browsers read a backslash as a slash
    target = _amp_cache_target(host, path)
    if target is not None:  # checked like any other URL: host, port, user name
        return _canonical(target + (f"?{parts.query}" if parts.query else ""), None, tracking)
    if host.startswith("amp."):
        host = host[4:]
    path = _strip_amp(path)
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not tracking(k) and not (k.lower() == "outputtype" and v.lower() == "amp")
    ]
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    rebuilt = urlunsplit((scheme, netloc, path, urlencode(query), ""))
    canonical = canonicalize_url(rebuilt, keep_fragments=False)
    final = urlsplit(canonical)
    if _strip_amp(final.path) != final.path:  # an AMP spelling that ``..`` or %2e hid
        canonical = canonicalize_url(final._replace(path=_strip_amp(final.path)).geturl())
    if len(canonical) > MAX_URL_CHARS:
        raise BadURL(f"longer than {MAX_URL_CHARS} characters once encoded: {canonical[:80]!r}…")
    return canonical


@_only_bad_url
def url_key(canonical: str) -> str:
    """Identity of an article across spellings that never change it."""
    parts = urlsplit(_checked_text(canonical))
    host = parts.netloc
    if host.startswith("www."):
        host = host[4:]
    path = parts.path.rstrip("/") or "/"
    return f"{host}{path}" + (f"?{parts.query}" if parts.query else "")


@_only_bad_url
def url_hash(canonical: str) -> str:
    """Hex SHA-1 of ``url_key``: the primary key of the seen-URL table."""
    return hashlib.sha1(url_key(canonical).encode("utf-8")).hexdigest()


@_only_bad_url
def host_of(url: str) -> str:
    """The URL's lower-case host (without IPv6 brackets); "" when it has none."""
    return (urlsplit(_checked_text(url)).hostname or "").lower()


@_only_bad_url
def origin(url: str) -> tuple[str, int | None]:
    """``(host, port)`` of an http(s) URL, the host as ``bare_domain`` gives it and the port
    None when it is the scheme's default (so http://x and https://x share an origin)."""
    canonical = canonicalize(url)
    parts = urlsplit(canonical)
    port = parts.port
    host = bare_domain(parts.hostname or "")
    return host, None if port in (None, DEFAULT_PORTS[parts.scheme]) else port


@_only_bad_url
def host_matches(host: str, domains: frozenset[str] | set[str]) -> bool:
    """True when ``host`` is one of ``domains`` or a subdomain of one (``www.`` ignored)."""
    host = host.lower()
    if host.startswith("www."):
        host = host[4:]
    while host:
        if host in domains:
            return True
        _, _, host = host.partition(".")
    return False


@_only_bad_url
def bare_domain(host: str) -> str:
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host


def ip_address(host: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """The address a host literally is (IPv4-mapped IPv6 unwrapped), None for a name."""
    if not isinstance(host, str):
        return None
    try:
        address = ipaddress.ip_address(host.strip("[]"))
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return address.ipv4_mapped
    return address


#: NAT64's well-known prefix (RFC 6052): the last 32 bits are an IPv4 address.
_NAT64 = ipaddress.IPv6Network("64:ff9b::/96")


def is_internal(address: str) -> bool:
    """True for an address that is not on the public internet: loopback, private,
    link-local, unspecified, shared, reserved (anything not globally routable), including
    an IPv4 address carried inside an IPv6 one (mapped, compatible, NAT64, 6to4, Teredo)."""
    parsed = ip_address(address)
    if parsed is None:
        return False
    if not parsed.is_global:
        return True
    if isinstance(parsed, ipaddress.IPv6Address):
        for inner in _embedded_ipv4(parsed):
            if not inner.is_global:
                return True
    return False


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    """The IPv4 addresses an IPv6 address may carry to a gateway."""
    found = [a for a in (address.ipv4_mapped, address.sixtofour) if a is not None]
    if address.teredo is not None:
        found.append(address.teredo[1])
    low = ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    # NAT64, IPv4-compatible (::a.b.c.d), IPv4-translated (::ffff:0:a.b.c.d)
    if address in _NAT64 or int(address) >> 32 in (0, 0xFFFF0000):
        found.append(low)
    return found
