"""Outlets as data: the shipped file loads, and every invalid input gets one clear line."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from helpers import ROOT, crawl_env, run_newswatch

from newswatch.clock import parse_interval
from newswatch.outlets import OutletConfigError, load_outlets, select

SEEDS = {"rferl", "kyivindependent", "washingtonexaminer", "epochtimes", "dw"}
VALID = """
[outlets.dw]
name = "DW"
homepage = "https://www.dw.com/en/"
language = "en"
feeds = ["https://rss.dw.com/rdf/rss-en-all"]
allow = ['/a-\\d+$']
interval = "10m"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "outlets.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_outlets_file_loads_with_the_seeds_and_at_least_twenty_outlets() -> None:
    outlets = load_outlets(ROOT / "config" / "outlets.toml")
    assert len(outlets) >= 20
    assert set(outlets) >= SEEDS
    enabled = [o for o in outlets.values() if o.enabled]
    assert len(enabled) >= 20
    for outlet in enabled:
        assert outlet.sources(), outlet.key
        assert outlet.in_scope(outlet.homepage), outlet.key


def test_shipped_outlets_accept_their_documented_article_urls() -> None:
    outlets = load_outlets(ROOT / "config" / "outlets.toml")
    examples = {
        "dw": "https://www.dw.com/en/china-fills-russias-war-gaps/a-68812345",
        "rferl": "https://www.rferl.org/a/eu-china-russia-weapons/33612345.html",
        "kyivpost": "https://www.kyivpost.com/post/41234",
        "bbc": "https://www.bbc.com/news/articles/c4g1234567o",
    }
    for key, url in examples.items():
        assert outlets[key].rejects(url) is None, (key, url)
    assert outlets["dw"].rejects("https://www.dw.com/en/live-updates/live-68812345") is not None


def test_a_valid_outlet_is_read_with_defaults(tmp_path: Path) -> None:
    outlet = load_outlets(write(tmp_path, VALID))["dw"]
    assert outlet.interval == timedelta(minutes=10)
    assert outlet.feeds == ("https://rss.dw.com/rdf/rss-en-all",)
    assert outlet.enabled and outlet.domains == {"dw.com", "rss.dw.com"}


BAD_CASES = [
    ("unknown key", VALID + 'feeeds = ["https://x.org/f"]\n', "dw", "feeeds", "did you mean 'feeds'"),
    (
        "bad URL",
        VALID.replace("https://rss.dw.com/rdf/rss-en-all", "rss.dw.com/feed"),
        "dw",
        "feeds[0]",
        "not an absolute",
    ),
    (
        "bad scheme",
        VALID.replace("https://rss.dw.com/rdf/rss-en-all", "ftp://x.org/f"),
        "dw",
        "feeds[0]",
        "not an absolute",
    ),
    ("bad regex", VALID.replace("'/a-\\d+$'", "'/a-(\\d+$'"), "dw", "allow[0]", "bad regex"),
    (
        "no source",
        VALID.replace('feeds = ["https://rss.dw.com/rdf/rss-en-all"]', ""),
        "dw",
        None,
        "has no source",
    ),
    ("no name", VALID.replace('name = "DW"', ""), "dw", "name", "is required"),
    (
        "no homepage",
        VALID.replace('homepage = "https://www.dw.com/en/"', ""),
        "dw",
        "homepage",
        "is required",
    ),
    ("bad interval", VALID.replace('"10m"', '"10 minutes"'), "dw", "interval", "bad interval"),
    ("interval too short", VALID.replace('"10m"', '"1s"'), "dw", "interval", "shorter than"),
    ("interval not a string", VALID.replace('"10m"', "10"), "dw", "interval", "must be a string"),
    ("bad language", VALID.replace('"en"', '"English"'), "dw", "language", "ISO 639-1"),
    (
        "feeds not a list",
        VALID.replace('["https://rss.dw.com/rdf/rss-en-all"]', "42"),
        "dw",
        "feeds",
        "list of strings",
    ),
    (
        "empty string in list",
        VALID.replace('["https://rss.dw.com/rdf/rss-en-all"]', '["https://a.org/f", ""]'),
        "dw",
        "feeds[1]",
        "non-empty",
    ),
    (
        "duplicate URL",
        VALID.replace('["https://rss.dw.com/rdf/rss-en-all"]', '["https://a.org/f", "https://a.org/f#x"]'),
        "dw",
        "feeds[1]",
        "duplicate",
    ),
    ("enabled not bool", VALID + 'enabled = "yes"\n', "dw", "enabled", "true or false"),
    (
        "listing without allow",
        VALID.replace("allow = ['/a-\\d+$']", 'listing_pages = ["https://www.dw.com/en/"]'),
        "dw",
        "allow",
        "required with listing_pages",
    ),
    ("bad domain", VALID + 'domains = ["not a host"]\n', "dw", "domains[0]", "not a host name"),
    (
        "bad outlet key",
        VALID.replace("[outlets.dw]", "[outlets.DW-English]"),
        "DW-English",
        None,
        "lower-case",
    ),
    ("duplicate table", VALID + VALID, "dw", None, "invalid TOML"),
    (
        "duplicate key",
        VALID.replace('language = "en"', 'language = "en"\nlanguage = "de"'),
        "dw",
        None,
        "invalid TOML",
    ),
    ("outlet not a table", 'outlets.dw = "x"\n', "dw", None, "must be a table"),
    (
        "source shared by two outlets",
        VALID + VALID.replace("[outlets.dw]", "[outlets.dw2]"),
        "dw2",
        "feeds",
        "also a source of outlet 'dw'",
    ),
]


@pytest.mark.parametrize(
    ("case", "text", "outlet", "key", "problem"), BAD_CASES, ids=[c[0] for c in BAD_CASES]
)
def test_invalid_outlets_give_one_line_naming_file_outlet_and_key(
    tmp_path: Path, case: str, text: str, outlet: str, key: str | None, problem: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(OutletConfigError) as info:
        load_outlets(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: outlet '{outlet}'"), message
    if key is not None:
        assert f"key '{key}'" in message, message
    assert problem in message, message


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "no outlets defined"),
        ("title = 'x'\n" + VALID, "unknown top-level key 'title'"),
        ("[outlets]\n", "no outlets defined"),
    ],
)
def test_invalid_files_name_the_file(tmp_path: Path, text: str, problem: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(OutletConfigError, match=problem) as info:
        load_outlets(path)
    assert str(info.value).startswith(str(path))


def test_missing_file_says_which_setting_to_fix(tmp_path: Path) -> None:
    with pytest.raises(OutletConfigError, match="NEWSWATCH_OUTLETS"):
        load_outlets(tmp_path / "nope.toml")


def test_select_refuses_unknown_outlets_with_a_suggestion(tmp_path: Path) -> None:
    outlets = load_outlets(write(tmp_path, VALID))
    assert [o.key for o in select(outlets, [])] == ["dw"]
    with pytest.raises(OutletConfigError, match="did you mean dw"):
        select(outlets, ["dww"])


@pytest.mark.parametrize(("text", "seconds"), [("30s", 30), ("10m", 600), ("1h30m", 5400), ("1d", 86400)])
def test_parse_interval(text: str, seconds: int) -> None:
    assert parse_interval(text).total_seconds() == seconds


def test_crawl_with_a_broken_outlets_file_fails_before_anything_runs(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("'/a-\\d+$'", "'('"))
    result = run_newswatch(["crawl"], crawl_env(tmp_path, path), timeout=60)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "outlet 'dw': key 'allow[0]': bad regex" in lines[0]
    assert not (tmp_path / "data").exists()
