"""Extraction on the monitored outlets: a fixture page per outlet, written for these tests
in the shape of the outlet's real markup (docs: ../shared/outlets-facts.md), run with the
outlet's overrides from config/outlets.toml; and the overrides themselves (validation,
choice of outlet by URL, use by the CLI and the pipeline).

A fixture is ``tests/fixtures/outlets/<key>.html`` with ``<key>.json`` beside it: the URL,
title, publication time, authors, how the text begins and ends, and chrome that must not
survive. Article texts are invented.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, crawl_env, news_crawler, run_newswatch
from scrapy.utils.misc import build_from_crawler

from newswatch.extraction import BadSelector, container_text, extract, parse_html
from newswatch.outlets import OutletConfigError, load_outlets, outlet_for_url
from newswatch.records import Article, Candidate
from pipelines.extract import ExtractPipeline

FIXTURES = Path(__file__).parent / "fixtures" / "outlets"
OUTLETS = load_outlets(ROOT / "config" / "outlets.toml")
NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)

# Monitored outlets that have no fixture yet. This list keeps the gap visible: each entry is
# skipped with its reason, and an enabled outlet missing from both the fixtures and this list
# fails. To close a gap, write tests/fixtures/outlets/<key>.html and <key>.json from the
# outlet's markup facts, then remove the key here (a listed outlet with a fixture fails).
WITHOUT_FIXTURE = {
    "dw_de": "same markup as dw; needs a German fixture",
    "politico_us": "body in inline window.__NUXT__ state (unverified, S10)",
    "scmp": "Next.js: body in __NEXT_DATA__ JSON, not in the markup",
    "nikkei_asia": "paywalled; only the body container is known (S6)",
    "meduza": "read through a JSON API; page markup not established",
    "defensenews": "Arc XP markup not in the facts",
    "breakingdefense": "WordPress markup not in the facts",
    "thediplomat": "WordPress markup not in the facts",
    "aljazeera": "React + Apollo markup not in the facts",
    "tass": "markup not in the facts",
    "globaltimes": "markup not in the facts",
    "united24": "markup not in the facts",
    "militarnyi": "markup not in the facts",
    "jamestown": "markup not in the facts",
    "isw": "markup not in the facts",
    "xinhua": "markup not in the facts",
    "svoboda": "Pangea as rferl and voa; needs a Russian fixture",
    "radiosvoboda": "Pangea as rferl and svoboda; needs a Ukrainian fixture",
    "currenttime": "Pangea as rferl and svoboda; needs a Russian fixture",
    "meduza_ru": "read through a JSON API as meduza; page markup not established",
    "mediazona": "added for its language (#19); page markup not in the facts yet, read by the generic path",
    "theinsider": "added for its language (#19); page markup not in the facts yet, read by the generic path",
    "kommersant": "added for its language (#19); page markup not in the facts yet, read by the generic path",
    "pravda_uk": "added for its language (#19); page markup not in the facts yet, read by the generic path",
    "suspilne": "added for its language (#19); page markup not in the facts yet, read by the generic path",
    "espreso": "added for its language (#19); page markup not in the facts yet, read by the generic path",
    "armyinform": "added for its language (#19); page markup not in the facts yet, read by the generic path",
    "people_cn": "added for its language (#19); page markup not in the facts yet, read by the generic path",
    "yomiuri": "added for its language (#19); page markup not in the facts yet, read by the generic path",
    "asahi": "added for its language (#19); page markup not in the facts yet, read by the generic path",
    "mainichi": "added for its language (#19); page markup not in the facts yet, read by the generic path",
    "sankei": "added for its language (#19); page markup not in the facts yet, read by the generic path",
    "hankookilbo": "added for its language (#19); page markup not in the facts yet, read by the generic path",
    "mk": "added for its language (#19); page markup not in the facts yet, read by the generic path",
    "spiegel": "added for its language (#19); page markup not in the facts yet, read by the generic path",
    "faz": "added for its language (#19); page markup not in the facts yet, read by the generic path",
    "tagesschau": "added for its language (#19); page markup not in the facts yet, read by the generic path",
    "lemonde": "added for its language (#19); page markup not in the facts yet, read by the generic path",
    "lefigaro": "added for its language (#19); page markup not in the facts yet, read by the generic path",
    "euronews_fr": "added for its language (#19); page markup not in the facts yet, read by the generic path",
    "rzeczpospolita": "added for its language (#19); page markup not in the facts yet, read by the generic path",
}


def fixture(key: str) -> tuple[str, dict[str, Any]]:
    html = (FIXTURES / f"{key}.html").read_text(encoding="utf-8")
    expected = json.loads((FIXTURES / f"{key}.json").read_text(encoding="utf-8"))
    return html, expected


def with_overrides(html: str, url: str, key: str) -> Any:
    outlet = OUTLETS[key]
    return extract(
        html, url, now=NOW, body_selector=outlet.body_selector, drop_selectors=outlet.drop_selectors
    )


@pytest.mark.parametrize("key", list(OUTLETS))
def test_outlet_fixture_gives_exact_metadata_and_clean_text(key: str) -> None:
    outlet = OUTLETS[key]
    if not (FIXTURES / f"{key}.html").exists():
        if not outlet.enabled:
            pytest.skip(f"{key} is not monitored (disabled) and has no fixture")
        if key in WITHOUT_FIXTURE:
            pytest.skip(f"{key} has no fixture yet: {WITHOUT_FIXTURE[key]}")
        pytest.fail(
            f"monitored outlet {key!r} has no tests/fixtures/outlets/{key}.html (or allow-list entry)"
        )
    assert key not in WITHOUT_FIXTURE, f"{key} has a fixture now: remove it from WITHOUT_FIXTURE"
    html, expected = fixture(key)
    assert outlet_for_url(OUTLETS, expected["url"]) is outlet
    if outlet.body_selector:  # the fixture exercises the override, not only the fallback
        assert container_text(parse_html(html), outlet.body_selector)

    result = with_overrides(html, expected["url"], key)

    assert result.title == expected["title"]
    assert result.published == datetime.fromisoformat(expected["published"])
    assert result.published.utcoffset() == datetime.fromisoformat(expected["published"]).utcoffset()
    assert list(result.authors) == expected["authors"]
    assert result.text.startswith(expected["first"]), result.text[:300]
    assert result.text.endswith(expected["last"]), result.text[-300:]
    assert [chrome for chrome in expected["chrome"] if chrome in result.text] == []


def test_allow_list_names_only_monitored_outlets() -> None:
    assert set(WITHOUT_FIXTURE) <= {k for k, o in OUTLETS.items() if o.enabled}


def test_seed_outlets_all_have_fixtures() -> None:
    seeds = {"rferl", "kyivindependent", "washingtonexaminer", "epochtimes", "dw"}
    assert {p.stem for p in FIXTURES.glob("*.html")} >= seeds


def test_a_body_selector_that_matches_nothing_falls_back_to_the_generic_path() -> None:
    html, expected = fixture("rferl")
    fallback = extract(html, expected["url"], now=NOW, body_selector="#no-such-container")
    generic = extract(html, expected["url"], now=NOW)
    assert fallback.text == generic.text
    assert fallback.text.endswith(expected["last"])


def test_the_body_selector_takes_its_container_only() -> None:
    html, expected = fixture("politico_eu")
    generic = extract(html, expected["url"], now=NOW)
    chosen = with_overrides(html, expected["url"], "politico_eu")
    # the paragraphs in the second column are the article's end, which the generic path misses
    assert not generic.text.endswith(expected["last"])
    assert chosen.text.endswith(expected["last"])


def test_drop_selectors_remove_their_elements_before_extraction() -> None:
    html, expected = fixture("dw")
    kept = extract(html, expected["url"], now=NOW, body_selector="div.rich-text")
    dropped = extract(
        html, expected["url"], now=NOW, body_selector="div.rich-text", drop_selectors=["div.rich-text h2"]
    )
    assert "Rail freight at its limit" in kept.text
    assert "Rail freight at its limit" not in dropped.text
    assert dropped.text.endswith(expected["last"])


def test_extract_refuses_a_bad_selector_with_a_named_error() -> None:
    with pytest.raises(BadSelector, match="bad CSS selector"):
        extract("<html><body><p>x</p></body></html>", body_selector="div[")


# --- the outlets file: new keys --------------------------------------------------------------

BASE = """
[outlets.x]
name = "X"
homepage = "https://x.example.org/"
feeds = ["https://x.example.org/feed"]
"""


def write(tmp_path: Path, extra: str) -> Path:
    path = tmp_path / "outlets.toml"
    path.write_text(BASE + extra, encoding="utf-8")
    return path


def test_override_keys_are_read(tmp_path: Path) -> None:
    outlet = load_outlets(write(tmp_path, 'body_selector = " div.body "\ndrop_selectors = [".a", "#b p"]\n'))[
        "x"
    ]
    assert outlet.body_selector == "div.body"
    assert outlet.drop_selectors == (".a", "#b p")
    plain = load_outlets(write(tmp_path, ""))["x"]
    assert plain.body_selector is None and plain.drop_selectors == ()


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        ('body_selector = "div["\n', "outlet 'x': key 'body_selector': bad CSS selector 'div['"),
        ('drop_selectors = [".ok", "p >"]\n', "outlet 'x': key 'drop_selectors[1]': bad CSS selector 'p >'"),
        ("body_selector = 3\n", "outlet 'x': key 'body_selector': must be a string, got 3"),
        ('drop_selectors = [""]\n', "outlet 'x': key 'drop_selectors[0]': must be a non-empty string"),
        ('body_selectors = "div"\n', "key 'body_selectors': unknown key (did you mean 'body_selector'?)"),
    ],
)
def test_bad_override_keys_stop_loading_with_one_line(tmp_path: Path, extra: str, message: str) -> None:
    path = write(tmp_path, extra)
    with pytest.raises(OutletConfigError) as info:
        load_outlets(path)
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)
    assert "\n" not in str(info.value)


def test_shipped_overrides_are_on_monitored_outlets_only() -> None:
    with_overrides = [o for o in OUTLETS.values() if o.body_selector or o.drop_selectors]
    assert with_overrides
    assert all(o.enabled for o in with_overrides)


# --- outlet_for_url --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "key"),
    [
        ("https://www.rferl.org/a/x/1.html", "rferl"),
        ("https://rferl.org/a/x/1.html", "rferl"),
        ("https://www.dw.com/en/some-story/a-1", "dw"),
        ("https://www.dw.com/de/eine-meldung/a-1", "dw_de"),
        ("https://www.bbc.co.uk/news/articles/c1", "bbc"),
        ("https://www.pravda.com.ua/eng/news/2026/10/25/1/", "pravda_ua"),
        ("https://example.org/a/1", None),
        (None, None),
        ("", None),
    ],
)
def test_outlet_for_url_picks_the_outlet_by_host_then_homepage_path(url: str | None, key: str | None) -> None:
    found = outlet_for_url(OUTLETS, url)
    assert (found.key if found else None) == key


def test_outlet_for_url_prefers_the_longest_matching_domain(tmp_path: Path) -> None:
    path = tmp_path / "outlets.toml"
    path.write_text(
        BASE
        + """
[outlets.sub]
name = "Sub"
homepage = "https://news.x.example.org/"
feeds = ["https://news.x.example.org/feed"]
""",
        encoding="utf-8",
    )
    outlets = load_outlets(path)
    assert outlet_for_url(outlets, "https://news.x.example.org/a/1").key == "sub"
    assert outlet_for_url(outlets, "https://x.example.org/a/1").key == "x"


# --- the overrides reach extraction from the CLI and the pipeline ----------------------------

PAGE = """<html lang="en"><head><title>Harbour cranes</title></head><body><main><div id="story">
<p>The harbour authority bought four electric cranes that will replace the diesel cranes on the
eastern quay over the next two years, officials said on Monday.</p>
<p>The cranes were built in Finland and will be delivered by sea, one at a time, starting in
March, once the quay has been strengthened to carry their weight.</p>
<p class="note">The town council also said on Monday that the ferry timetable for the winter
will be published at the end of the month, with fewer crossings on Sundays than last year.</p>
</div></main></body></html>"""
OVERRIDES = 'body_selector = "#story"\ndrop_selectors = ["p.note"]\n'


def test_cli_extract_uses_the_overrides_of_the_outlet_the_url_belongs_to(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(PAGE, encoding="utf-8")
    outlets = tmp_path / "outlets.toml"
    outlets.write_text(BASE + OVERRIDES, encoding="utf-8")
    env = crawl_env(tmp_path, outlets)
    own = run_newswatch(["extract", str(page), "--url", "https://x.example.org/a/1"], env)
    other = run_newswatch(["extract", str(page), "--url", "https://elsewhere.example.net/a/1"], env)
    assert own.returncode == 0 and other.returncode == 0, own.stderr + other.stderr
    assert json.loads(own.stdout)["text"].startswith("The harbour authority bought four electric cranes")
    assert "ferry timetable" not in json.loads(own.stdout)["text"]
    assert "ferry timetable" in json.loads(other.stdout)["text"]


def test_pipeline_extracts_with_the_overrides_of_the_item_outlet(tmp_path: Path) -> None:
    settings = {"NEWSWATCH_OUTLETS": str(write(tmp_path, OVERRIDES)), "NEWSWATCH_DB": str(tmp_path / "nw.db")}
    with news_crawler(settings, since="2000-01-01") as crawler:
        pipeline = build_from_crawler(ExtractPipeline, crawler)
        url = "https://x.example.org/a/1"
        candidate = Candidate(url=url, outlet="x", source="https://x.example.org/feed", source_kind="feed")
        item = Article(url=url, final_url=url, outlet="x", fetched_at=NOW, html=PAGE, candidate=candidate)
        done = pipeline.process_item(item)
        assert done.extraction is not None
        assert done.extraction.text.startswith("The harbour authority bought four electric cranes")
        assert "ferry timetable" not in done.extraction.text
