"""An outlet's scope and patterns, as the outlets file declares them: allow/deny match in
linear time, scope is host and port, and hosts the scope cannot hold are refused on load."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from conftest import crawl_env, run_newswatch

from outlets import OutletConfigError, load_outlets

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
    started = time.perf_counter()
    assert outlet.rejects(f"http://127.0.0.1:8000/lab/news/{slug}") == "not_allowed"
    assert outlet.rejects("http://127.0.0.1:8000/lab/news/china-russia-drones/") is None
    assert time.perf_counter() - started < 1.0  # a backtracking engine takes hours on the first


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
