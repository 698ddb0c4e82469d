"""Searching the archive: `newswatch search`, and Datasette (its own test client) with the
project's metadata, plugins and canned queries, on an archive built by the real pipeline."""

from __future__ import annotations

import asyncio
import html
import json
import sqlite3
import threading
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from datasette.app import Datasette
from fakeweb import FakeWeb
from helpers import (
    CHROMIUM,
    ROOT,
    crawl,
    crawl_env,
    datasette_server,
    rows,
    run_newswatch,
    screenshot,
)
from outlet_sites import Sites, build_sites

from newswatch.cli import DATASETTE_DIR, datasette_args, datasette_metadata
from newswatch.search import parse

OUTLETS = ROOT / "config" / "outlets.toml"


def test_user_input_never_becomes_fts_syntax() -> None:
    assert parse("J-16 fighters").fts == '"J-16" "fighters"'
    assert parse('"dual use" AND').fts == '"dual use" "AND"'
    assert parse('"unbalanced quote').fts == '"unbalanced quote"'
    assert parse("беспилотник*").fts == '"беспилотник" *'
    assert parse('say "x""y"').fts == '"say" "x" "y"'
    assert parse("无人机 drones").trigram == '"无人机"' and parse("无人机 drones").fts == '"drones"'
    assert parse("中国").short_cjk == ("中国",)
    assert parse("* - ()") == parse("")


def urls_for(sites: Sites, *titles: str) -> set[str]:
    return {u for u, s in sites.archived.items() if s.title in titles}


def test_newswatch_search_finds_russian_word_forms_and_chinese_substrings(
    crawled: tuple[Path, Sites, str, str], tmp_path: Path
) -> None:
    db, sites, _, _ = crawled
    env = crawl_env(tmp_path, OUTLETS, NEWSWATCH_DB=str(db))

    def found(*args: str) -> set[str]:
        result = run_newswatch(["search", *args, "--json"], env)
        assert result.returncode == 0, result.stderr
        return {json.loads(line)["url"] for line in result.stdout.splitlines()}

    assert found("беспилотник*") == urls_for(sites, "Китай и поставки дронов")  # беспилотников
    assert found("беспилотник") == set()  # without the prefix, the exact form only
    assert found("无人机") == urls_for(sites, "中国公司向俄罗斯出口无人机零部件")
    assert found("中国") == urls_for(sites, "中国公司向俄罗斯出口无人机零部件")  # two characters: LIKE
    assert found("drone engines", "--flagged") == urls_for(sites, "EU weighs drone-engine evidence")
    for odd in ("J-16", '"unbalanced', "AND", "NOT OR", "*"):
        result = run_newswatch(["search", odd], env)
        assert result.returncode == 0 and "Traceback" not in result.stderr, odd
    table = run_newswatch(["search", "microelectronics"], env)
    assert "published" in table.stdout and "US says China fills Russia's war gaps" in table.stdout


def datasette(db: Path, allow_sql: bool = False) -> Datasette:
    return Datasette(
        [str(db)],
        metadata=datasette_metadata(db),
        plugins_dir=str(DATASETTE_DIR / "plugins"),
        template_dir=str(DATASETTE_DIR / "templates"),
        settings={"suggest_facets": False, "default_allow_sql": allow_sql, "sql_time_limit_ms": 3000},
    )


def get(ds: Datasette, path: str) -> Any:
    async def fetch() -> Any:
        await ds.invoke_startup()
        return await ds.client.get(path)

    return asyncio.run(fetch())


def test_articles_table_has_facets_newest_first_and_full_text_search(
    crawled: tuple[Path, Sites, str, str],
) -> None:
    db, sites, _, _ = crawled
    ds = datasette(db)
    response = get(ds, "/newswatch/articles.json?_shape=objects&_extra=facet_results")
    assert response.status_code == 200
    data = response.json()
    facets = (
        set(data["facet_results"]["results"])
        if "results" in data["facet_results"]
        else set(data["facet_results"])
    )
    assert {"outlet", "language", "severity"} <= facets  # severity: high/medium/low (flagged) or review
    ids = [r["id"] for r in data["rows"]]
    assert ids == sorted(ids, reverse=True)  # newest archived first
    hits = get(ds, "/newswatch/articles.json?_search=microelectronics&_shape=objects").json()["rows"]
    assert {r["url"] for r in hits} == urls_for(sites, "US says China fills Russia's war gaps")
    raw = get(
        ds,
        "/newswatch/articles.json?_search=%D0%B1%D0%B5%D1%81%D0%BF%D0%B8%D0%BB%D0%BE%D1%82%D0%BD%D0%B8%D0%BA*"
        "&_searchmode=raw&_shape=objects",
    ).json()["rows"]
    assert {r["url"] for r in raw} == urls_for(sites, "Китай и поставки дронов")


@pytest.mark.parametrize("query", ["J-16", "%22unbalanced", "AND", "NOT", "a+OR", "((("])
def test_odd_search_input_gives_results_or_a_message_never_a_server_error(
    crawled: tuple[Path, Sites, str, str], query: str
) -> None:
    db, _, _, _ = crawled
    ds = datasette(db)
    assert get(ds, f"/newswatch/articles.json?_search={query}").status_code == 200
    assert get(ds, f"/newswatch/search_flagged.json?q={query}").status_code == 200
    assert get(ds, f"/newswatch/articles.json?_search={query}&_searchmode=raw").status_code in (200, 400)


def test_canned_queries_answer(crawled: tuple[Path, Sites, str, str]) -> None:
    db, sites, _, _ = crawled
    ds = datasette(db)
    zh = urls_for(sites, "中国公司向俄罗斯出口无人机零部件")

    def query(name: str, params: str = "") -> list[dict[str, Any]]:
        response = get(ds, f"/newswatch/{name}.json?_shape=objects{params}")
        assert response.status_code == 200, (name, response.text[:300])
        return list(response.json()["rows"])

    flagged_titles = {s.title for s in sites.archived.values() if s.flagged}
    # "today" starts at the last midnight in the team's zone: the crawl's flagged articles were
    # published hours ago, so shortly after midnight some were published "yesterday"
    zone = ZoneInfo((ds.plugin_config("newswatch") or {}).get("timezone") or "UTC")
    midnight = datetime.now(zone).replace(hour=0, minute=0, second=0, microsecond=0)
    today = {s.title for s in sites.archived.values() if s.flagged and s.published >= midnight}
    assert {r["title"] for r in query("flagged_today")} == today
    stories = query("stories_this_week")
    assert sum(r["flagged_articles"] for r in stories) == len(flagged_titles)
    assert all(r["url"].startswith("http://127.0.0.1:") and r["outlets"] >= 1 for r in stories)
    assert sum(r["flagged"] for r in query("flagged_this_week_by_outlet")) == len(flagged_titles)
    assert len(query("search_flagged", "&q=%E6%97%A0%E4%BA%BA%E6%9C%BA")) == 1  # 无人机
    assert {html.unescape(r["title"]) for r in query("search_flagged", "&q=drone+engines")} and zh
    assert len(query("entity", "&entity=CN_SUPPLIERS")) == 0
    assert len(query("entity", "&entity=china")) == len(flagged_titles)
    assert query("alert_delivery") and all(r["status"] == "pending" for r in query("alert_delivery"))
    assert {r["outlet"] for r in query("outlet_health_7d")} >= {"rferl", "dw", "broken"}


HOSTILE_TITLE = '<script>alert(1)</script> "x" & <!channel>'


def test_hostile_titles_are_escaped_on_every_page_and_only_the_views_render_links(
    crawled: tuple[Path, Sites, str, str], tmp_path: Path
) -> None:
    db, _, _, _ = crawled
    copy = tmp_path / "newswatch.db"
    source, target = sqlite3.connect(db), sqlite3.connect(copy)
    source.backup(target)
    target.execute(
        "UPDATE articles SET title = ? WHERE id = (SELECT id FROM articles WHERE flagged = 1 LIMIT 1)",
        (HOSTILE_TITLE,),
    )
    target.execute(
        "UPDATE stories SET title = ? WHERE first_article_id = (SELECT id FROM articles WHERE title = ?)",
        (HOSTILE_TITLE, HOSTILE_TITLE),
    )
    target.execute(  # one marked for review, for the review view
        "UPDATE articles SET title = ?, review = 1, severity = 'review' "
        "WHERE id = (SELECT id FROM articles WHERE flagged = 0 LIMIT 1)",
        (HOSTILE_TITLE,),
    )
    target.commit()
    source.close()
    target.close()
    ds = datasette(copy)
    pages = [
        "/newswatch/articles",
        "/newswatch/articles?_search=drone",
        "/newswatch/stories",
        "/newswatch/alerts",
        "/newswatch/flagged_articles",
        "/newswatch/flagged_stories",
        "/newswatch/review_articles",
        "/newswatch/flagged_today",
        "/newswatch/stories_this_week",
        "/newswatch/search_articles?q=drone",
        "/newswatch/search_flagged?q=drone",
        "/newswatch/entity?entity=china",
        "/newswatch/alert_delivery",
        "/newswatch/alerts_not_sent",
        "/newswatch",
        "/newswatch/charts",
        "/newswatch/flagged_articles?_search=drone",
        *(
            f"/newswatch/articles/{r['id']}"
            for r in rows(copy, "SELECT id FROM articles WHERE title = ?", HOSTILE_TITLE)
        ),
    ]
    for path in pages:
        page = get(ds, path)
        assert page.status_code == 200, path
        assert "<script>alert(1)</script>" not in page.text, path
    for path in ["/newswatch", *(p for p in pages if p.startswith("/newswatch/articles/"))]:
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in get(ds, path).text, path  # shown as text
    flagged = get(ds, "/newswatch/flagged_articles").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in flagged
    assert '<a href="http://127.0.0.1:' in flagged  # the linked title, rendered as HTML
    assert '<a href="http://127.0.0.1:' in get(ds, "/newswatch/flagged_stories").text
    review = get(ds, "/newswatch/review_articles").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in review and '<a href="http://127.0.0.1:' in review


def test_the_atom_feed_lists_flagged_articles(crawled: tuple[Path, Sites, str, str]) -> None:
    db, sites, _, _ = crawled
    response = get(datasette(db), "/newswatch/flagged_feed.atom")
    assert response.status_code == 200 and '<feed xmlns="http://www.w3.org/2005/Atom">' in response.text
    assert response.text.count("<entry>") == sum(s.flagged for s in sites.archived.values())


def test_visitors_cannot_run_arbitrary_sql_unless_configured(crawled: tuple[Path, Sites, str, str]) -> None:
    db, _, _, _ = crawled
    assert get(datasette(db), "/newswatch.json?sql=select+count(*)+from+articles").status_code == 403
    assert (
        get(datasette(db, allow_sql=True), "/newswatch.json?sql=select+count(*)+from+articles").status_code
        == 200
    )


def test_serve_runs_datasette_with_the_projects_settings(tmp_path: Path) -> None:
    args = datasette_args(tmp_path / "a.db", tmp_path / "m.json", "127.0.0.1", 9000, allow_sql=False)
    settings = {args[i + 1]: args[i + 2] for i, a in enumerate(args) if a == "--setting"}
    assert settings["suggest_facets"] == "off" and settings["default_allow_sql"] == "off"
    metadata = datasette_metadata(tmp_path / "archive.db")
    assert list(metadata["databases"]) == ["archive"] and "/archive/" in metadata["description_html"]


def test_datasette_reads_while_a_crawl_writes_without_lock_errors(tmp_path: Path, web: FakeWeb) -> None:
    sites = build_sites(web)
    db = tmp_path / "data" / "newswatch.db"
    crawl(tmp_path, sites)  # the first crawl creates and fills the archive
    ds = datasette(db)
    errors: list[str] = []
    reads = 0
    done = threading.Event()

    def read() -> None:
        nonlocal reads
        while not done.is_set():
            for path in (
                "/newswatch/articles.json?_search=china",
                "/newswatch/crawl_runs.json",
                "/newswatch/flagged_articles.json",
            ):
                response = get(ds, path)
                reads += 1
                if response.status_code != 200 or "database is locked" in response.text:
                    errors.append(f"{path}: {response.status_code} {response.text[:200]}")
            done.wait(0.02)  # a visitor's pace, many reads a second: the crawls keep their CPU

    reader = threading.Thread(target=read)
    reader.start()
    try:
        conn = sqlite3.connect(db, timeout=10)  # a write-heavy second writer next to the crawl
        for _ in range(2):
            crawl(tmp_path, sites, "--since", "30d")
            conn.execute("UPDATE articles SET score = score + 0 WHERE 1")
            conn.commit()
        conn.close()
    finally:
        done.set()
        reader.join(timeout=60)
    assert reads > 10 and errors == []


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_flagged_articles_page_renders_in_headless_chromium(
    crawled: tuple[Path, Sites, str, str], tmp_path: Path, shots: Path
) -> None:
    db, _, _, _ = crawled
    env = crawl_env(tmp_path, OUTLETS, NEWSWATCH_DB=str(db))
    with datasette_server(env) as base:
        shot = shots / "flagged-articles.png"
        screenshot(f"{base}/newswatch/flagged_articles", shot, tmp_path / "chrome")
        assert shot.stat().st_size > 20_000
    assert rows(db, "SELECT count(*) AS n FROM articles WHERE flagged = 1")[0]["n"] >= 3
