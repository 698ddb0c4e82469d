"""The real `newswatch crawl`, in a subprocess, against loopback outlet sites."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from fakeweb import FakeWeb
from helpers import ROOT, crawl, crawl_env, rows
from outlet_sites import Sites, build_sites

from newswatch.urls import url_hash


def test_every_article_of_the_test_outlets_is_archived_once(crawled: tuple[Path, Sites, str, str]) -> None:
    db, sites, _, _ = crawled
    archived = {r["url"]: r for r in rows(db, "SELECT * FROM articles")}
    assert set(archived) == set(sites.archived)
    for url, story in sites.archived.items():
        row = archived[url]
        assert row["title"] == story.title
        assert row["published"] == story.published.strftime("%Y-%m-%d %H:%M:%S")
        assert json.loads(str(row["authors"])) == story.authors
        text = str(row["text"])
        assert text.startswith(story.first_sentence), url
        assert text.rstrip().endswith(story.last_sentence), url
        assert row["language"] == story.lang


def test_page_chrome_never_reaches_the_archived_text(crawled: tuple[Path, Sites, str, str]) -> None:
    db, _, _, _ = crawled
    whole_lines = {
        "share",
        "facebook",
        "twitter",
        "xs",
        "sm",
        "md",
        "lg",
        "email",
        "breaking news",
        "most read",
        "related content",
    }
    phrases = [
        "accessibility links",
        "skip to main content",
        "skip to content",
        "sign up for our newsletter",
        "click here to read more",
        "undesirable organization",
        "naval drills",
        "(reuters, afp)",
        "covers the eu and nato",
        "16x9 image",
    ]
    for row in rows(db, "SELECT url, text FROM articles"):
        lines = [line.strip().lower() for line in str(row["text"]).splitlines()]
        assert not whole_lines & set(lines), (row["url"], whole_lines & set(lines))
        for phrase in phrases:
            assert not any(phrase in line for line in lines), (row["url"], phrase)


def test_broken_and_unwanted_responses_never_become_articles(crawled: tuple[Path, Sites, str, str]) -> None:
    db, sites, _, _ = crawled
    urls = {r["url"] for r in rows(db, "SELECT url FROM articles")}
    assert not urls & set(sites.not_archived)
    seen = {r["url"]: r["status"] for r in rows(db, "SELECT url, status FROM seen_urls")}
    for url, why in sites.not_archived.items():
        if why in {"not_html", "empty", "offsite"}:
            assert seen.get(url) == why, (url, why, seen.get(url))
        if why in {"stale", "denied", "robots", "timeout"}:
            assert url not in seen or seen[url] != "archived"


def test_crawl_runs_counts_each_outcome_per_outlet(crawled: tuple[Path, Sites, str, str]) -> None:
    db, _, stdout, _ = crawled
    runs = {r["outlet"]: r for r in rows(db, "SELECT * FROM crawl_runs")}
    assert set(runs) == {"rferl", "dw", "kyivindependent", "epochtimes", "washingtonexaminer", "broken"}
    rferl = runs["rferl"]
    assert (
        rferl["discovered"],
        rferl["new"],
        rferl["skipped_stale"],
        rferl["not_html"],
        rferl["empty"],
        rferl["status"],
    ) == (5, 2, 1, 1, 1, "ok")
    dw = runs["dw"]
    assert (dw["new"], dw["filtered"], dw["errors"], dw["status"]) == (1, 1, 1, "partial")
    assert "HTTP 500" in str(dw["last_error"])
    ki = runs["kyivindependent"]
    assert (ki["new"], ki["offsite"]) == (2, 1)
    et = runs["epochtimes"]
    assert (et["discovered"], et["new"]) == (2, 2)  # the Atom item and the sitemap item are one
    we = runs["washingtonexaminer"]
    assert (we["new"], we["blocked"]) == (2, 1)
    assert we["filtered"] >= 5  # navigation and newsletter links
    broken = runs["broken"]
    assert broken["new"] == 3 and broken["status"] == "partial"  # truncated feed's item, cp1251 and zh pages
    assert broken["source_errors"] == 3  # 404 feed, HTML served as a feed, truncated feed
    assert broken["not_html"] == 1  # binary labelled text/html
    assert broken["errors"] == 4  # 404 feed, HTML feed, the timeout, the page over the size cap
    for outlet in runs:
        assert outlet in stdout
    assert "TOTAL" in stdout


def test_second_run_fetches_no_article_again(tmp_path: Path, web: FakeWeb) -> None:
    sites = build_sites(web)
    crawl(tmp_path, sites)
    first = list(web.log)
    crawl(tmp_path, sites)
    second = web.log[len(first) :]
    article_paths = {u.split(str(web.server.server_address[1]), 1)[1] for u in sites.archived}
    final_paths = {
        u.split(str(web.server.server_address[1]), 1)[1]
        for u, why in sites.not_archived.items()
        if why in {"not_html", "empty"}
    }
    refetched = {p for _, p in second if p.split("?")[0] in article_paths | final_paths}
    assert refetched == set()
    assert "/rferl/api/feed.xml" in web.not_modified  # the unchanged feed answered 304
    assert [p for _, p in second if p == "/robots.txt"] == []  # reused from the first run
    db = tmp_path / "data" / "newswatch.db"
    runs = rows(
        db,
        "SELECT run_id, sum(new) AS new, sum(skipped_seen) AS seen FROM crawl_runs "
        "GROUP BY run_id ORDER BY min(id)",
    )
    assert [r["new"] for r in runs] == [len(sites.archived), 0]
    assert runs[1]["seen"] >= len(sites.archived)
    # transient failures are tried again on the next run
    for path in sites.transient:
        assert any(p.split("?")[0] == path for _, p in second), path


def test_backfill_since_fetches_items_older_than_the_window(tmp_path: Path, web: FakeWeb) -> None:
    sites = build_sites(web)
    crawl(tmp_path, sites, "--outlet", "rferl", "--since", "30d")
    db = tmp_path / "data" / "newswatch.db"
    urls = {r["url"] for r in rows(db, "SELECT url FROM articles")}
    stale = [u for u, why in sites.not_archived.items() if why == "stale"]
    assert stale and set(stale) <= urls
    assert {r["outlet"] for r in rows(db, "SELECT outlet FROM crawl_runs")} == {"rferl"}


def test_seen_table_is_keyed_by_the_canonical_url_hash(crawled: tuple[Path, Sites, str, str]) -> None:
    db, sites, _, _ = crawled
    hashes = {r["url_hash"] for r in rows(db, "SELECT url_hash FROM seen_urls WHERE status = 'archived'")}
    assert {url_hash(u) for u in sites.archived} <= hashes


def test_failures_are_logged_as_one_line_each_with_their_outlet(
    crawled: tuple[Path, Sites, str, str],
) -> None:
    _, _, _, stderr = crawled
    assert "Traceback" not in stderr
    assert "[dw] article" in stderr and "HTTP 500" in stderr
    assert "[broken] feed" in stderr and "unusable" in stderr


def test_scrapy_crawl_news_with_an_outlet_argument_archives_that_outlet(tmp_path: Path, web: FakeWeb) -> None:
    sites = build_sites(web)
    outlets = tmp_path / "outlets.toml"
    outlets.write_text(sites.outlets_toml, encoding="utf-8")
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "crawl", "news", "-a", "outlet=dw", "-s", "RETRY_TIMES=0"],
        cwd=ROOT,
        env=crawl_env(tmp_path, outlets),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    db = tmp_path / "data" / "newswatch.db"
    assert {r["outlet"] for r in rows(db, "SELECT outlet FROM articles")} == {"dw"}
    assert [r["outlet"] for r in rows(db, "SELECT outlet FROM crawl_runs")] == ["dw"]


def test_flagged_articles_land_in_matches_with_their_evidence(crawled: tuple[Path, Sites, str, str]) -> None:
    db, sites, stdout, _ = crawled
    articles = {
        r["url"]: r for r in rows(db, "SELECT id, url, flagged, severity, rules, evidence FROM articles")
    }
    expected = {url for url, story in sites.archived.items() if story.flagged}
    assert expected and {url for url, r in articles.items() if r["flagged"]} == expected
    for url in expected:
        row = articles[url]
        assert row["severity"] == "high" and json.loads(str(row["rules"]))
        matches = rows(
            db, "SELECT rule, severity, terms, evidence FROM matches WHERE article_id = ?", row["id"]
        )
        assert {m["rule"] for m in matches} == set(json.loads(str(row["rules"])))
        story = sites.archived[url]
        quoted = {e["sentence"] for m in matches for e in json.loads(str(m["evidence"]))}
        assert story.title in quoted or any(story.paragraphs[0].startswith(q) for q in quoted), quoted
        assert all(t["group"] or t["term"] for t in json.loads(str(matches[0]["terms"])))
    runs = {r["outlet"]: r["flagged"] for r in rows(db, "SELECT outlet, flagged FROM crawl_runs")}
    assert (
        runs["rferl"] == 1 and runs["dw"] == 1 and runs["broken"] == 1 and sum(runs.values()) == len(expected)
    )
    assert "flagged" in stdout


def test_every_flagged_article_is_archived_with_how_sure_its_claim_is(
    crawled: tuple[Path, Sites, str, str],
) -> None:
    """A flagged article's claim status and the cue that decided it are stored with it, as
    the claim classifier reads the archived text; other articles have none."""
    from newswatch.claims import STATUSES, classify_claim, load_cues

    db, _, _, _ = crawled
    cues = load_cues()
    flagged = 0
    for row in rows(db, "SELECT * FROM articles"):
        if not row["flagged"]:
            assert row["claim_status"] is None and row["claim_cue"] is None
            continue
        flagged += 1
        evidence = str(row["evidence"] or "").split("\n")
        claim = classify_claim(cues, str(row["title"]), str(row["text"]), str(row["language"]), evidence)
        assert row["claim_status"] == claim.status and claim.status in STATUSES
        if claim.cue is None:
            assert row["claim_cue"] is None
        else:
            stored = json.loads(str(row["claim_cue"]))
            assert stored["cue"] == claim.cue.cue and stored["words"] and stored["sentence"]
    assert flagged >= 2
