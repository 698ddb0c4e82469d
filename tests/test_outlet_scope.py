"""An outlet's scope and patterns, as the outlets file declares them: allow/deny match in
linear time, scope is host and port, and hosts the scope cannot hold are refused on load."""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

import pytest
from fakeweb import FakeWeb
from helpers import crawl_env, outlet_table, rows, run_newswatch, write_outlets
from outlet_sites import Story, pangea_page
from scrapy import Request
from scrapy.utils.test import get_crawler

from newswatch.outlets import OutletConfigError, load_outlets
from spiders.middlewares import OffsiteRequest, OutletScopeMiddleware, outlets_for

REDOS_ALLOW = r"/(live/\d+|news/([a-z0-9]+-?)+/)$"  # exponential under a backtracking engine
BASE = """
[outlets.lab]
name = "Lab"
homepage = "http://127.0.0.1:8000/lab/"
feeds = ["http://127.0.0.1:8000/lab/feed.xml", "https://feeds.example.invalid/lab.xml"]
"""


def write(tmp_path: Path, extra: str = "", base: str = BASE) -> Path:
    path = tmp_path / "outlets.toml"
    path.write_text(base + extra, encoding="utf-8")
    return path


@pytest.mark.parametrize("slug", ["a" * 40 + "!", "a" * 2000 + "!", "a-" * 1000 + "!"])
def test_allow_and_deny_match_in_linear_time(tmp_path: Path, slug: str) -> None:
    outlet = load_outlets(write(tmp_path, f"allow = ['{REDOS_ALLOW}']\ndeny = ['{REDOS_ALLOW}x']\n"))["lab"]
    started = time.thread_time()
    assert outlet.rejects(f"http://127.0.0.1:8000/lab/news/{slug}") == "not_allowed"
    assert outlet.rejects("http://127.0.0.1:8000/lab/news/china-russia-drones/") is None
    assert time.thread_time() - started < 1.0  # a backtracking engine takes hours on the first


@pytest.mark.parametrize(
    ("pattern", "why"),
    [
        (r"/(a)\1", "invalid escape"),
        ("/a(?=b)", "invalid perl operator"),
        ("/a(?<!b)c", "invalid perl operator"),
    ],
)
def test_patterns_a_linear_engine_cannot_run_are_refused_on_load(
    tmp_path: Path, pattern: str, why: str
) -> None:
    path = write(tmp_path, f"allow = ['{pattern}']\n")
    with pytest.raises(OutletConfigError) as caught:
        load_outlets(path)
    message = str(caught.value)
    assert message.startswith(f"{path}: outlet 'lab': key 'allow[0]': bad regex ")
    assert why in message and "\n" not in message


@pytest.mark.parametrize(
    ("url", "in_scope"),
    [
        ("http://127.0.0.1:8000/lab/news/a", True),
        ("https://127.0.0.1:8000/lab/news/a", True),
        ("http://127.0.0.1:8001/lab/news/a", False),  # another service on the outlet's host
        ("http://127.0.0.1/lab/news/a", False),
        ("https://feeds.example.invalid/a", True),
        ("http://www.feeds.example.invalid/a", True),  # the feed's host, default ports, http or https
        ("http://example.invalid/a", False),
        ("https://news.feeds.example.invalid/a", True),
        ("https://feeds.example.invalid:8443/a", False),
        ("http://example.invalid.evil.net/a", False),
        ("http://[::1]:8000/lab/news/a", False),
        ("http://desk@127.0.0.1:8000/lab/news/a", False),
        ("file:///etc/passwd", False),
        ("http://[::1/a", False),
    ],
)
def test_scope_is_the_outlets_hosts_on_their_own_ports(tmp_path: Path, url: str, in_scope: bool) -> None:
    outlet = load_outlets(write(tmp_path))["lab"]
    assert outlet.in_scope(url) is in_scope


def test_refusal_names_the_other_port_on_the_outlets_host(tmp_path: Path) -> None:
    outlet = load_outlets(write(tmp_path))["lab"]
    assert outlet.refusal("http://127.0.0.1:8001/admin") == "port 8001 of 127.0.0.1 is not the outlet's"
    assert outlet.refusal("http://other.net/a") is None  # another site: filtered, not refused
    assert outlet.refusal("http://127.0.0.1:8000/lab/a") is None


def test_declared_hosts_may_carry_a_port(tmp_path: Path) -> None:
    outlet = load_outlets(write(tmp_path, 'domains = ["127.0.0.1:9000", "cdn.example.net"]\n'))["lab"]
    assert outlet.in_scope("http://127.0.0.1:9000/x")
    assert outlet.in_scope("https://img.cdn.example.net/x")
    assert not outlet.in_scope("http://cdn.example.net:9000/x")


@pytest.mark.parametrize(
    ("change", "key", "problem"),
    [
        (
            ('http://127.0.0.1:8000/lab/"', 'http://[::1]:8000/lab/"'),
            "homepage",
            "IPv6 address is not supported",
        ),
        (
            ("http://127.0.0.1:8000/lab/feed.xml", "http://[::1]:8000/lab/feed.xml"),
            "feeds[0]",
            "IPv6 address",
        ),
        (
            ('http://127.0.0.1:8000/lab/"', 'http://desk@127.0.0.1:8000/lab/"'),
            "homepage",
            "user name or password",
        ),
        (('http://127.0.0.1:8000/lab/"', 'http://[::1/lab/"'), "homepage", "not a URL"),
    ],
)
def test_hosts_the_scope_cannot_hold_are_one_line_config_errors(
    tmp_path: Path, change: tuple[str, str], key: str, problem: str
) -> None:
    path = write(tmp_path, base=BASE.replace(*change))
    result = run_newswatch(["crawl"], crawl_env(tmp_path, path), timeout=60)
    assert result.returncode == 2, result.stderr[-2000:]
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, lines
    assert f"{path}: outlet 'lab': key '{key}': " in lines[0] and problem in lines[0]


@pytest.mark.parametrize("entry", ["127.0.0.1:0", "a.org:99999", "a.org:x", "[::1]:80", "::1"])
def test_bad_declared_hosts_are_refused_on_load(tmp_path: Path, entry: str) -> None:
    with pytest.raises(OutletConfigError, match=r"key 'domains\[0\]': not a (port|host name)"):
        load_outlets(write(tmp_path, f'domains = ["{entry}"]\n'))


# --- robots.txt requests and their redirects -------------------------------------------------

#: a host name that never resolves (RFC 6761): the homepage of an outlet that is not on loopback
PUBLIC_HOMEPAGE = "http://newswatch-outlet.invalid/"
ARTICLE_TEXT = [
    "The harbour authority reopened the northern pier after a month of repairs to its timber deck.",
    "Fishing crews said the work came just in time for the start of the autumn herring season.",
    "Engineers replaced more than two hundred planks and fitted new lighting along the whole pier.",
    "The town council thanked residents for their patience while the southern quay carried the traffic.",
]


@dataclass
class RobotsRun:
    stderr: str
    runs: dict[str, dict[str, Any]]
    webs: dict[str, FakeWeb]  # name → server: "feeds", "other" (another service), one per outlet


def _article(web: FakeWeb, key: str, name: str, when: datetime) -> str:
    story = Story(f"/{key}/news/{name}", f"Pier {key} {name} reopens", ARTICLE_TEXT, when)
    url = web.url(story.path)
    web.add(story.path, pangea_page(story, url))
    return url


def _feed(web: FakeWeb, key: str, links: list[str], when: datetime) -> str:
    items = "".join(
        f"<item><title>Item {i}</title><link>{link}</link><pubDate>{format_datetime(when)}</pubDate></item>"
        for i, link in enumerate(links)
    )
    body = f'<?xml version="1.0"?><rss version="2.0"><channel><title>F</title>{items}</channel></rss>'
    return web.add(f"/{key}/feed.xml", body, content_type="application/rss+xml")


def _netloc(web: FakeWeb) -> str:
    return web.base.removeprefix("http://")


def _robots_outlets(webs: dict[str, FakeWeb], when: datetime) -> dict[str, dict[str, Any]]:
    """Each outlet's table; each outlet's articles on a server of its own, whose robots.txt
    redirects as the outlet's name says."""
    feeds, other = webs["feeds"], webs["other"]
    secret = other.add("/admin/secret", "<html><body>admin</body></html>")
    tables: dict[str, dict[str, Any]] = {}
    # the reviewer's case: homepage, feed, article and robots.txt on one origin
    own = webs["robots_other_port"]
    own.add("/robots.txt", b"", status=302, headers={"Location": secret + "?from=robots"})
    link = _article(own, "robots_other_port", "a", when)
    tables["robots_other_port"] = {
        "homepage": own.url("/"),
        "feeds": [_feed(own, "robots_other_port", [link], when)],
    }
    # a public homepage; the feed is on loopback (configured), its robots.txt redirects to a
    # loopback origin the outlet declares: internal, and the homepage is not
    own, internal = webs["robots_internal"], webs["internal"]
    internal.add("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    own.add("/robots.txt", b"", status=302, headers={"Location": internal.url("/robots.txt")})
    link = _article(own, "robots_internal", "a", when)
    tables["robots_internal"] = {
        "homepage": PUBLIC_HOMEPAGE,
        "feeds": [_feed(own, "robots_internal", [link], when)],
        "domains": [_netloc(own), _netloc(internal)],
    }
    # robots.txt as an HTML page whose <meta refresh> points at the other service
    own, key = webs["robots_meta_refresh"], "robots_meta_refresh"
    refresh = f'<html><head><meta http-equiv="refresh" content="0;url={secret}?from=refresh"></head></html>'
    own.add("/robots.txt", refresh)
    feed = _feed(feeds, key, [_article(own, key, "a", when)], when)
    tables[key] = {"homepage": feeds.url(f"/{key}/"), "feeds": [feed], "domains": [_netloc(own)]}
    for key, target in (
        ("robots_file", "file:///etc/passwd"),
        ("robots_data", "data:text/plain,User-agent:%20*%0AAllow:%20/"),
    ):
        own = webs[key]
        own.add("/robots.txt", b"", status=302, headers={"Location": target})
        feed = _feed(feeds, key, [_article(own, key, "a", when)], when)
        tables[key] = {"homepage": feeds.url(f"/{key}/"), "feeds": [feed], "domains": [_netloc(own)]}
    # the control: robots.txt moved within its own origin is followed and obeyed
    own, key = webs["robots_moved_in_site"], "robots_moved_in_site"
    own.add("/robots.txt", b"", status=301, headers={"Location": own.url("/site/robots.txt")})
    own.add("/site/robots.txt", f"User-agent: *\nDisallow: /{key}/news/private\n", content_type="text/plain")
    links = [_article(own, key, "a", when), _article(own, key, "private", when)]
    tables[key] = {
        "homepage": feeds.url(f"/{key}/"),
        "feeds": [_feed(feeds, key, links, when)],
        "domains": [_netloc(own)],
    }
    return tables


ROBOTS_CASES = (
    "robots_other_port",
    "robots_meta_refresh",
    "robots_internal",
    "robots_file",
    "robots_data",
    "robots_moved_in_site",
)


@pytest.fixture(scope="module")
def robots_run(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RobotsRun]:
    tmp_path = tmp_path_factory.mktemp("robots")
    names = ("feeds", "other", "internal", *ROBOTS_CASES)
    webs = {name: FakeWeb().start() for name in names}
    try:
        webs["feeds"].add("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
        tables = _robots_outlets(webs, datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1))
        outlets = write_outlets(
            tmp_path / "outlets.toml", *(outlet_table(key, **table) for key, table in tables.items())
        )
        result = run_newswatch(["crawl", "-s", "RETRY_TIMES=0"], crawl_env(tmp_path, outlets), timeout=90)
        assert result.returncode == 0, result.stderr[-3000:]
        db = tmp_path / "data" / "newswatch.db"
        runs = {str(r["outlet"]): r for r in rows(db, "SELECT * FROM crawl_runs")}
        yield RobotsRun(result.stderr, runs, webs)
    finally:
        for web in webs.values():
            web.stop()


def test_a_robots_txt_redirect_to_another_port_of_the_outlets_host_is_not_followed(
    robots_run: RobotsRun,
) -> None:
    assert robots_run.webs["other"].log == []
    assert [p for _, p in robots_run.webs["robots_other_port"].log] == ["/robots.txt"]
    row = robots_run.runs["robots_other_port"]
    assert (row["status"], row["blocked"], row["fetched"]) == ("failed", 1, 0)
    assert re.search(
        r"feed .*robots\.txt redirected off-site \(port \d+ of 127\.0\.0\.1 is not the outlet's\)",
        str(row["last_error"]),
    )


def test_a_robots_txt_redirect_to_an_internal_address_is_refused_when_the_homepage_is_not_internal(
    robots_run: RobotsRun,
) -> None:
    assert robots_run.webs["internal"].log == []
    assert [p for _, p in robots_run.webs["robots_internal"].log] == ["/robots.txt"]
    row = robots_run.runs["robots_internal"]
    assert (row["status"], row["blocked"], row["fetched"]) == ("failed", 1, 0)
    assert "127.0.0.1 is an internal address and the outlet's homepage is not" in str(row["last_error"])


def test_a_robots_txt_meta_refresh_to_another_port_is_not_followed(robots_run: RobotsRun) -> None:
    assert robots_run.webs["other"].log == []
    assert [p for _, p in robots_run.webs["robots_meta_refresh"].log] == ["/robots.txt"]
    row = robots_run.runs["robots_meta_refresh"]
    assert (row["status"], row["discovered"], row["blocked"], row["fetched"]) == ("partial", 1, 1, 0)
    assert re.search(r"article .*robots\.txt redirected off-site \(port \d+ of", str(row["last_error"]))


@pytest.mark.parametrize(("key", "scheme"), [("robots_file", "file"), ("robots_data", "data")])
def test_a_robots_txt_redirect_to_another_scheme_keeps_the_crawl_off_that_host(
    robots_run: RobotsRun, key: str, scheme: str
) -> None:
    assert [p for _, p in robots_run.webs[key].log] == ["/robots.txt"]  # the article is not fetched
    row = robots_run.runs[key]
    assert (row["status"], row["discovered"], row["blocked"], row["fetched"]) == ("partial", 1, 1, 0)
    assert f"robots.txt redirected off-site (redirect to a {scheme}: URL refused" in str(row["last_error"])


def test_a_robots_txt_moved_within_its_origin_is_followed_and_obeyed(robots_run: RobotsRun) -> None:
    log = [p for _, p in robots_run.webs["robots_moved_in_site"].log]
    assert log[:2] == ["/robots.txt", "/site/robots.txt"]
    assert "/robots_moved_in_site/news/private" not in log and "/robots_moved_in_site/news/a" in log
    row = robots_run.runs["robots_moved_in_site"]
    assert (row["status"], row["new"], row["blocked"]) == ("partial", 1, 1)


def test_no_refused_robots_txt_prints_a_traceback(robots_run: RobotsRun) -> None:
    assert "Traceback" not in robots_run.stderr, robots_run.stderr[-3000:]


ANY_OUTLETS = """
[outlets.lab]
name = "Lab"
homepage = "http://127.0.0.1:8000/lab/"
feeds = ["http://127.0.0.1:8000/lab/feed.xml"]

[outlets.cdn]
name = "Cdn"
homepage = "https://cdn.example.org/"
feeds = ["https://feeds.example.net/cdn.xml"]
"""


@pytest.mark.parametrize(
    ("url", "meta", "expected"),
    [
        ("http://127.0.0.1:8000/robots.txt", {"dont_obey_robotstxt": True}, ["lab"]),
        ("https://www.cdn.example.org/robots.txt", {"dont_obey_robotstxt": True}, ["cdn"]),
        ("http://127.0.0.1:8001/robots.txt", {"dont_obey_robotstxt": True}, []),
        # a redirect of robots.txt is the outlet's whose origin the first robots.txt was on
        (
            "http://169.254.169.254/x",
            {"dont_obey_robotstxt": True, "redirect_urls": ["https://cdn.example.org/robots.txt"]},
            ["cdn"],
        ),
        ("http://127.0.0.1:8000/lab/a", {}, []),  # no outlet and not robots.txt: refused
        ("http://127.0.0.1:8000/robots.txt", {}, []),  # robots.txt, not asked by the robots middleware
        ("https://feeds.example.net/cdn.xml", {}, ["cdn"]),  # a configured source
        ("http://127.0.0.1:8000/lab/a", {"nw_outlet": "gone"}, []),  # an outlet not in this run
        ("http://127.0.0.1:8000/lab/a", {"nw_outlet": "cdn"}, ["cdn"]),  # its checks then refuse it
    ],
)
def test_every_request_is_checked_against_an_outlet_or_refused(
    tmp_path: Path, url: str, meta: dict[str, Any], expected: list[str]
) -> None:
    outlets = load_outlets(write(tmp_path, base=ANY_OUTLETS))
    assert [o.key for o in outlets_for(outlets, Request(url, meta=meta))] == expected


@pytest.mark.parametrize(
    ("url", "meta"),
    [
        ("http://127.0.0.1:8000/lab/a", {}),  # an outlet's origin, but no outlet asked
        ("http://169.254.169.254/latest/meta-data/", {"redirect_urls": ["http://127.0.0.1:8000/lab/a"]}),
        ("http://127.0.0.1:8000/lab/a", {"nw_outlet": "gone"}),
        ("http://127.0.0.1:9/robots.txt", {"dont_obey_robotstxt": True}),  # no outlet's origin
    ],
)
def test_a_request_that_serves_no_outlet_is_refused_before_it_is_sent(
    tmp_path: Path, url: str, meta: dict[str, Any]
) -> None:
    crawler = get_crawler()
    crawler.spider = type("Spider", (), {"outlets": load_outlets(write(tmp_path, base=ANY_OUTLETS))})()
    middleware = OutletScopeMiddleware.from_crawler(crawler)
    with pytest.raises(OffsiteRequest, match="no outlet of this crawl asked for it"):
        asyncio.run(middleware.process_request(Request(url, meta=meta)))
