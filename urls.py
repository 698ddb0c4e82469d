"""URL canonicalisation: one spelling per article, so an article is fetched and stored once.

``canonicalize`` gives the URL we fetch and store; ``url_key`` folds the remaining
spelling differences that never change the article (http/https, ``www.``, a trailing
slash) and ``url_hash`` hashes that key for the seen-URL table.
"""

from __future__ import annotations

import hashlib
import re
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

# Query parameters that only say where a click came from.
TRACKING_PARAMS = frozenset(
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
TRACKING_PREFIXES = ("utm_", "at_", "pk_", "hsa_", "mtm_", "ga_", "oly_", "__hs")
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


class BadURL(ValueError):
    """A string that is not an absolute http(s) URL."""


def _is_tracking(name: str) -> bool:
    lowered = name.lower()
    return lowered in TRACKING_PARAMS or lowered.startswith(TRACKING_PREFIXES)


def _unwrap_amp_cache(scheme: str, host: str, path: str) -> tuple[str, str, str]:
    """``https://x-com.cdn.ampproject.org/c/s/x.com/a`` → ``https``, ``x.com``, ``/a``."""
    if not _AMP_CACHE.match(host):
        return scheme, host, path
    parts = path.split("/")
    # /c/s/host/path (https) or /c/host/path (http); /v/ for viewer URLs
    if len(parts) > 3 and parts[1] in {"c", "v", "i"}:
        if parts[2] == "s" and len(parts) > 4:
            return "https", parts[3].lower(), "/" + "/".join(parts[4:])
        return "http", parts[2].lower(), "/" + "/".join(parts[3:])
    return scheme, host, path


def canonicalize(url: str, base: str | None = None) -> str:
    """The canonical spelling of an article URL.

    Lower-cases scheme and host, drops default ports, fragments, tracking parameters
    (``utm_*``, ``fbclid``, ``gclid``, …) and AMP spellings (``/amp`` suffix or prefix,
    ``amp=1``, ``outputType=amp``, ``amp.`` hosts, the Google AMP cache), sorts the
    remaining query parameters and normalises percent-encoding.
    """
    url = _WS.sub("", url or "")
    if base:
        from urllib.parse import urljoin

        url = urljoin(base, url)
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        raise BadURL(f"not a URL: {url!r} ({exc})") from None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not parts.hostname:
        raise BadURL(f"not an absolute http(s) URL: {url!r}")
    host = parts.hostname.lower().rstrip(".")
    path = parts.path or "/"
    scheme, host, path = _unwrap_amp_cache(scheme, host, path)
    if host.startswith("amp."):
        host = host[4:]
    for pattern, replacement in _AMP_PATH:
        path = pattern.sub(replacement, path) or "/"
    query = [
        (k, v)
        for k, v in parse_qsl(parts.query, keep_blank_values=True)
        if not _is_tracking(k) and not (k.lower() == "outputtype" and v.lower() == "amp")
    ]
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    if parts.username:
        netloc = f"{quote(unquote(parts.username))}@{netloc}"
    rebuilt = urlunsplit((scheme, netloc, path, urlencode(query), ""))
    return canonicalize_url(rebuilt, keep_fragments=False)


def url_key(canonical: str) -> str:
    """Identity of an article across spellings that never change it."""
    parts = urlsplit(canonical)
    host = parts.netloc
    if host.startswith("www."):
        host = host[4:]
    path = parts.path.rstrip("/") or "/"
    return f"{host}{path}" + (f"?{parts.query}" if parts.query else "")


def url_hash(canonical: str) -> str:
    """Hex SHA-1 of ``url_key``: the primary key of the seen-URL table."""
    return hashlib.sha1(url_key(canonical).encode("utf-8")).hexdigest()


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower()


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


def bare_domain(host: str) -> str:
    host = host.lower().rstrip(".")
    return host[4:] if host.startswith("www.") else host
