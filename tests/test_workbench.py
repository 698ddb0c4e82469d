"""The analyst's workbench: the Datasette pages people read (`newswatch serve`, a real server on
loopback) over an archive built through the archive API with the default rules. The articles
table, one article's own page, the search boxes, the home page, the charts, times in the team's
zone, and the canned queries that promise counts and entities."""

from __future__ import annotations

import contextlib
import html
import importlib.util
import json
import re
import sqlite3
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import ModuleType
from typing import Any
from urllib.parse import quote, urlparse
from zoneinfo import ZoneInfo

import markupsafe
import pytest
from helpers import CHROMIUM, ROOT, crawl_env, datasette_server, rows, run_newswatch, screenshot
from test_stories import (
    FACTORY,
    FACTORY_TITLE,
    RELATED,
    RELATED_TITLE,
    SANCTIONS,
    SANCTIONS_TITLE,
    UNRELATED,
    UNRELATED_TITLE,
    wire_copy,
)

from newswatch.archive import Archive
from newswatch.claims import classify_claim, cues_beside, load_cues
from newswatch.records import Article, Candidate, Extraction
from newswatch.rules import load_ruleset
from newswatch.rules.gazetteer import Designation, Entity
from newswatch.stories import StoryIndex, fingerprint

OUTLETS = ROOT / "config" / "outlets.toml"
PLUGINS = ROOT / "config" / "datasette" / "plugins"
MATCHER = load_ruleset(ROOT / "config" / "rules")
CUES = load_cues(cues_beside(ROOT / "config" / "rules"))

RU_TITLE = "Китай и поставки беспилотников"
RU_TEXT = (
    "Китайские компании поставляют детали беспилотников для российской армии, воюющей на Украине.\n\n"
    "Об этом сообщили источники в министерстве обороны."
)
ZH_TITLE = "中国公司向俄罗斯出口无人机零部件"
ZH_TEXT = "中国公司向俄罗斯出口无人机零部件，用于乌克兰战争。\n\n消息人士称，这些零部件通过第三国转运。"
REVIEW_TITLE = "Beijing counts the cost of the sanctions"
REVIEW_TEXT = (
    "Beijing said sanctions over the war in Ukraine hurt trade with Moscow.\n\n"
    "Exporters in Harbin said orders had fallen since the spring."
)

NAMED_ENTITIES = (
    Entity(
        "xiamen-limbach", "Xiamen Limbach Aircraft Engine Co.", "CN_SUPPLIERS", "engines", ("Xiamen Limbach",)
    ),
    Entity(
        "us-sdn-36125",
        'Shenzhen <b>Hostile</b> & "Parts" Ltd',
        "DESIGNATED_CN",
        "",
        ("Shenzhen Hostile Parts",),
        designations=(Designation("US", "OFAC SDN", date="2024-10-17", note="36125", source="us-sdn"),),
        listed=("us-sdn-36125",),
    ),
)
UNMERGED_ID = "uk-sanctions-cn0001"


def plugin(name: str) -> ModuleType:
    spec = importlib.util.spec_from_file_location(f"workbench_{name}", PLUGINS / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def team_zone(now: datetime) -> ZoneInfo:
    """A fixed-offset zone where it is about noon (or evening) now, at least three hours from
    UTC: the team's midnight is then well in the past and far from UTC's."""
    offset = (12 - now.hour + 12) % 24 - 12  # local hour about 12
    if abs(offset) < 3:
        offset += 6
    offset = max(-12, min(12, offset))
    return ZoneInfo(f"Etc/GMT{-offset:+d}")  # POSIX sign: Etc/GMT-5 is UTC+5


@dataclass
class Workbench:
    base: str
    db: Path
    zone: ZoneInfo
    now: datetime
    midnight: datetime
    ids: dict[str, int] = field(default_factory=dict)
    flagged: dict[str, bool] = field(default_factory=dict)
    published: dict[str, datetime] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)
    rules: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def get(self, path: str) -> str:
        url = path if path.startswith("http") else self.base + path
        with urllib.request.urlopen(url, timeout=30) as answer:
            return str(answer.read().decode("utf-8"))

    def json(self, path: str) -> Any:
        return json.loads(self.get(path))

    def rows(self, path: str) -> list[dict[str, Any]]:
        sep = "&" if "?" in path else "?"
        return list(self.json(f"{path}{sep}_shape=objects")["rows"])


def store(
    archive: Archive,
    bench: Workbench,
    key: str,
    outlet: str,
    title: str,
    text: str,
    when: datetime,
    language: str,
) -> None:
    url = f"https://{outlet}.example.org/news/{key}"
    candidate = Candidate(
        url=url, outlet=outlet, source=f"https://{outlet}.example.org/feed", source_kind="feed"
    )
    extraction = Extraction(text=text, title=title, published=when, language=language)
    article = Article(url=url, final_url=url, outlet=outlet, fetched_at=when, html="", candidate=candidate)
    article.verdict = MATCHER.classify(title, text)
    article.classified_with = MATCHER.fingerprint
    if article.verdict.flagged:  # as the classify pipeline does
        evidence = [e.sentence for e in article.verdict.evidence]
        article.claim = classify_claim(CUES, title, text, language, evidence)
    stored = archive.articles.store(article, extraction, url, "run", fingerprint(title, text), STORIES)
    assert stored.article_id is not None
    bench.ids[key], bench.flagged[key], bench.published[key] = (
        stored.article_id,
        article.verdict.flagged,
        when,
    )
    bench.urls[key], bench.rules[key] = url, tuple(article.verdict.rules)


STORIES = StoryIndex()


@pytest.fixture(scope="module")
def bench(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Workbench]:
    """An archive of a week's news built through Archive.articles.store (real verdicts,
    stories and alerts), its crawl runs and an open health issue, served by `newswatch serve`."""
    tmp_path = tmp_path_factory.mktemp("workbench")
    db = tmp_path / "data" / "newswatch.db"
    db.parent.mkdir()
    now = datetime.now(UTC).replace(microsecond=0)
    zone = team_zone(now)
    local = now.astimezone(zone)
    midnight = datetime(local.year, local.month, local.day, tzinfo=zone).astimezone(UTC)
    moment = [now]  # the archive's clock: each article is archived when it was published
    archive = Archive(db, clock=lambda: moment[0])
    bench = Workbench("", db, zone, now, midnight)
    try:
        for key, outlet, title, text, when, language in (
            ("factory", "rferl", FACTORY_TITLE, "\n\n".join(FACTORY), midnight + timedelta(minutes=30), "en"),
            ("copy", "kyiv", FACTORY_TITLE, wire_copy(FACTORY), midnight + timedelta(hours=1), "en"),
            ("related", "politico", RELATED_TITLE, "\n\n".join(RELATED), midnight + timedelta(hours=2), "en"),
            (
                "sanctions",
                "rferl",
                SANCTIONS_TITLE,
                "\n\n".join(SANCTIONS),
                midnight - timedelta(minutes=30),
                "en",
            ),
            ("ru", "dw", RU_TITLE, RU_TEXT, now - timedelta(days=20), "ru"),
            ("zh", "dw", ZH_TITLE, ZH_TEXT, midnight + timedelta(hours=3), "zh"),
            ("review", "dw", REVIEW_TITLE, REVIEW_TEXT, now - timedelta(hours=1), "en"),
            ("unrelated", "dw", UNRELATED_TITLE, "\n\n".join(UNRELATED), now - timedelta(hours=2), "en"),
        ):
            moment[0] = when
            store(archive, bench, key, outlet, title, text, when, language)
        moment[0] = now
        for outlet, status in (("rferl", "ok"), ("dw", "failed")):
            archive.runs.record(
                {
                    "run_id": "r1",
                    "outlet": outlet,
                    "started_at": (now - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M:%S"),
                    "finished_at": (now - timedelta(minutes=59)).strftime("%Y-%m-%d %H:%M:%S"),
                    "status": status,
                    "new": 3,
                }
            )
        archive.health.open("dw", "failing", "3 crawls failed: DNS lookup failed")
        # the factory report names a gazetteer entity, a listed one (its name hostile HTML) and
        # one the lists have no row for yet
        archive.listings.write_entities(NAMED_ENTITIES)
        archive.verdicts.set_entities(bench.ids["factory"], [*(e.id for e in NAMED_ENTITIES), UNMERGED_ID])
    finally:
        archive.close()
    assert bench.flagged == {
        "factory": True, "copy": True, "related": True, "sanctions": True,
        "ru": True, "zh": True, "review": False, "unrelated": False,
    }  # fmt: skip
    env = crawl_env(tmp_path, OUTLETS, NEWSWATCH_DB=str(db), NEWSWATCH_TIMEZONE=str(zone))
    with datasette_server(env) as base:
        bench.base = base
        yield bench


def in_zone(moment: datetime, zone: ZoneInfo) -> str:
    local = moment.astimezone(zone)
    return local.strftime("%Y-%m-%d %H:%M ") + (local.tzname() or "")


def test_articles_table_shows_reading_columns_an_excerpt_and_the_glossary_behind_a_link(
    bench: Workbench,
) -> None:
    page = bench.get("/newswatch/articles")
    headers = re.findall(r'<th class="col-([\w-]+)', page)
    assert {"published", "outlet", "title", "text"} <= set(headers)
    assert not {"url_hash", "classified_with", "run_id", "final_url", "source_url"} & set(headers)
    assert '<details class="nw-glossary">' in page and "<summary>What the columns mean</summary>" in page
    assert page.index("nw-glossary") < page.index('id="_search"') < page.index('class="rows-and-columns')
    # the text as a one-line excerpt, never the whole article
    assert UNRELATED[0][:60] in page and UNRELATED[1] not in page and UNRELATED[2] not in page
    # the title opens the article's own page
    assert f'<a href="/newswatch/articles/{bench.ids["unrelated"]}" dir="auto">{UNRELATED_TITLE}</a>' in page
    every = bench.get("/newswatch/articles?_allcols=1")
    assert 'class="col-url_hash' in every and 'class="col-classified_with' in every


QUERIES = ("беспилотник*", "беспилотник", "无人机", "中国", '"Xiamen Limbach"', "Garpiya drones", "J-16")


@pytest.mark.parametrize("query", QUERIES)
def test_the_articles_search_box_finds_what_newswatch_search_finds(bench: Workbench, query: str) -> None:
    env = crawl_env(bench.db.parent, OUTLETS, NEWSWATCH_DB=str(bench.db))
    cli = run_newswatch(["search", query, "--json", "--limit", "100"], env)
    assert cli.returncode == 0, cli.stderr
    expected = {json.loads(line)["url"] for line in cli.stdout.splitlines()}
    found = {r["url"] for r in bench.rows(f"/newswatch/articles.json?_search={quote(query)}")}
    assert found == expected
    page = bench.get(f"/newswatch/articles?_search={quote(query)}")
    assert f'value="{markupsafe.escape(query)}"' in page  # the box still holds the query
    assert page.count('<td class="col-title') == len(expected)


def test_search_box_semantics_prefixes_substrings_and_phrases(bench: Workbench) -> None:
    def found(query: str, table: str = "articles") -> set[int]:
        return {r["id"] for r in bench.rows(f"/newswatch/{table}.json?_search={quote(query)}")}

    ids = bench.ids
    assert found("беспилотник*") == {ids["ru"]}  # беспилотников, as the home page promises
    assert found("беспилотник") == set()  # without *, the word as typed
    assert found("无人机") == {ids["zh"]} and found("中国") == {ids["zh"]}  # Chinese substrings
    assert found('"Xiamen Limbach" Garpiya') == {
        ids["factory"],
        ids["copy"],
        ids["related"],
        ids["sanctions"],
    }
    assert found('"Limbach Xiamen"') == set()  # a phrase keeps its order
    page = bench.get("/newswatch/articles?_search=" + quote("беспилотник*"))
    assert RU_TITLE in page and UNRELATED_TITLE not in page and 'value="беспилотник*"' in page


def test_flagged_review_and_story_views_answer_the_search_box(bench: Workbench) -> None:
    ids = bench.ids

    def found(table: str, query: str) -> set[int]:
        return {r["id"] for r in bench.rows(f"/newswatch/{table}.json?_search={quote(query)}")}

    assert found("flagged_articles", "Limbach") == {
        ids["factory"],
        ids["copy"],
        ids["related"],
        ids["sanctions"],
    }
    assert found("flagged_articles", "Harbin") == set()  # only in the review article
    assert found("review_articles", "Harbin") == {ids["review"]}
    assert found("review_articles", "Limbach") == set()
    story_of = {r["id"]: r["story_id"] for r in rows(bench.db, "SELECT id, story_id FROM articles")}
    assert found("flagged_stories", "беспилотник*") == {story_of[ids["ru"]]}
    assert found("stories", "Warsaw metro") == {story_of[ids["unrelated"]]}
    assert found("flagged_stories", "Warsaw metro") == set()
    # the box is on the views' pages, holding the query; the title says what was searched
    page = bench.get("/newswatch/flagged_articles?_search=Limbach")
    assert 'id="_search"' in page and 'value="Limbach"' in page and "search matches" in page
    assert SANCTIONS_TITLE in page and RU_TITLE not in page
    # following a facet keeps the search
    facet = re.search(r'href="([^"]*outlet=rferl[^"]*)"', page)
    assert facet is not None
    kept = bench.get(facet.group(1).replace("&amp;", "&"))
    assert "Limbach" in kept and SANCTIONS_TITLE in kept and RELATED_TITLE not in kept


def test_an_article_has_a_page_of_its_own(bench: Workbench) -> None:
    page = bench.get(f"/newswatch/articles/{bench.ids['factory']}")
    url = bench.urls["factory"]
    assert re.search(rf'<h1 dir="auto"[^>]*><a href="{re.escape(url)}"[^>]*>{re.escape(FACTORY_TITLE)}</a></h1>', page)
    assert "<strong>rferl</strong>" in page
    assert in_zone(bench.published["factory"], bench.zone) in page  # local time, team's zone
    assert 'title="language">en<' in page
    for rule in bench.rules["factory"]:
        assert f'<span class="nw-chip">{rule}</span>' in page  # labels
    assert "Xiamen Limbach" in page and "<strong>CN_SUPPLIERS</strong>" in page  # entities
    assert "<mark>" in page  # evidence with the matched words marked
    (claim,) = rows(
        bench.db, "SELECT claim_status, claim_cue FROM articles WHERE id = ?", bench.ids["factory"]
    )
    assert claim["claim_status"] and f'<strong class="nw-claim">{claim["claim_status"]}</strong>' in page
    if claim["claim_cue"]:
        assert markupsafe.escape(json.loads(str(claim["claim_cue"]))["sentence"]) in page
    # the story and its other reports, linked to their own pages
    assert f'<a href="/newswatch/articles/{bench.ids["copy"]}" dir="auto">' in page
    assert f'<a href="/newswatch/articles/{bench.ids["related"]}" dir="auto">{RELATED_TITLE}</a>' in page
    assert "kyiv" in page and "politico" in page
    # then the text, one paragraph a <p>, in a readable measure
    text_at = page.index('<section class="nw-body" lang="en">')  # its language, for the reader
    # each paragraph in its own direction (an Arabic one right to left)
    assert all(page.index(f'<p dir="auto">{p}</p>'.replace("'", "&#39;")) > text_at for p in FACTORY[1:3])
    assert page.index("Evidence") < text_at and page.index("Story") < text_at
    assert "max-width: 46em" in page
    # the review article says so; an unknown id is a 404
    review = bench.get(f"/newswatch/articles/{bench.ids['review']}")
    assert "worth a look" in review and "Beijing said sanctions" in review
    with pytest.raises(urllib.error.HTTPError) as missing:
        bench.get("/newswatch/articles/999999")
    assert missing.value.code == 404
    # the JSON of the row is Datasette's, unchanged
    data = bench.json(f"/newswatch/articles/{bench.ids['factory']}.json?_shape=objects")
    assert data["rows"][0]["url"] == url


def test_an_article_links_the_entities_it_names_to_their_rows(bench: Workbench) -> None:
    page = bench.get(f"/newswatch/articles/{bench.ids['factory']}")
    assert "<dt>Named entities</dt>" in page
    named = page[page.index("<dt>Named entities</dt>") :]
    named = named[: named.index("</dd>")]
    gazetteer, listed = NAMED_ENTITIES
    assert (
        f'<a href="/newswatch/entities/{gazetteer.id}">{gazetteer.name}</a> — named in reporting, not designated'
        in named
    )
    hostile = str(markupsafe.escape(listed.name))
    assert f'<a href="/newswatch/entities/{listed.id}">{hostile}</a> — designated' in named
    assert "<b>Hostile</b>" not in page  # escaped, never markup
    assert "<code" in named and f">{UNMERGED_ID}</code>" in named and f"/entities/{UNMERGED_ID}" not in page
    assert "<strong>CN_SUPPLIERS</strong>" in page  # the matched words by group stay
    row = bench.get(f"/newswatch/entities/{listed.id}")  # the link opens the entity's row
    assert hostile in row and listed.name not in row
    table = bench.get("/newswatch/entities")  # the table, titled and explained
    assert "<h1>Entities" in table and "What the columns mean" in table and "merged" in table
    assert "Named entities" not in bench.get(f"/newswatch/articles/{bench.ids['review']}")


def test_home_page_leads_with_this_weeks_flagged_stories_the_review_tier_and_outlet_health(
    bench: Workbench,
) -> None:
    with urllib.request.urlopen(bench.base + "/", timeout=30) as answer:
        assert answer.url.endswith("/newswatch")  # the archive is the home page
        page = answer.read().decode("utf-8")
    order = [
        page.index("<h2>Flagged stories this week</h2>"),
        page.index("<h2>Worth a look</h2>"),
        page.index("<h2>Outlet health, last 7 days</h2>"),
        page.index('id="queries"'),
        page.index('id="internal"'),
    ]
    assert order == sorted(order)
    week = page[order[0] : order[1]]
    assert FACTORY_TITLE in week and SANCTIONS_TITLE in week
    assert RU_TITLE not in week  # twenty days old
    assert "rferl, kyiv, politico" in week and "3 outlets" in week and "alert pending" in week
    shown = dict(re.findall(r'>([^<>]+)</a><br>\s*<span class="meta"><strong>(\w+)</strong> · ', week))
    strongest = {
        str(r["title"]): r["claim_status"]
        for r in rows(bench.db, "SELECT title, claim_status FROM stories WHERE flagged = 1")
    }
    # each story's status: the strongest of its reports so far (stories.claim_status)
    assert shown and all(strongest[html.unescape(title)] == status for title, status in shown.items())
    assert REVIEW_TITLE in page[order[1] : order[2]]
    health = page[order[2] : order[3]]
    assert "failing" in health and "dw" in health and "rferl" in health
    internal = page[order[4] :]
    assert "Crawl runs" in internal and "Seen URLs" in internal and "Flagged articles" not in internal
    assert f"Times are shown in {bench.zone}" in page


def external_references(page: str, base: str) -> list[str]:
    """Every URL the page loads or names, other than a link a person may follow (``<a href>``),
    that is not on the server itself."""
    host = urlparse(base).netloc
    found = re.findall(r"""(?:https?:)?//[^\s"'<>)]+""", re.sub(r"<a\s[^>]*>", "", page))
    return [u for u in found if urlparse(u if u.startswith("http") else "http:" + u).netloc != host]


def test_charts_of_the_last_90_days_load_nothing_from_another_host(bench: Workbench) -> None:
    page = bench.get("/newswatch/charts")
    assert external_references(page, bench.base) == []
    assert page.count("<svg") == 4  # by severity, by claim status, per outlet, per entity
    stories = {r["story_id"] for r in rows(bench.db, "SELECT story_id FROM articles WHERE flagged = 1")}
    assert f"{len(stories)} flagged stories first reported" in page
    per_day = re.findall(r"<title>(\d{4}-\d\d-\d\d): (\d+) (high|medium|low)</title>", page)
    assert sum(int(n) for _, n, _ in per_day) == len(stories)
    per_claim = re.findall(
        r"<title>(\d{4}-\d\d-\d\d): (\d+) (confirmed|official|designated|alleged|denied)</title>", page
    )
    assert sum(int(n) for _, n, _ in per_claim) == len(stories)  # every flagged story has a claim status
    twenty_days_ago = (bench.now - timedelta(days=20)).astimezone(bench.zone).date().isoformat()
    assert twenty_days_ago in {day for day, _, _ in per_day}
    outlets = dict(re.findall(r"<title>([\w ]+): (\d+)</title></rect>", page))
    assert outlets["rferl"] == "2" and outlets["kyiv"] == "1" and outlets["dw"] == "2"
    assert outlets["CN_SUPPLIERS"] == "2"  # two stories name Xiamen Limbach
    # the other pages load their styles and scripts from the server itself
    for path in ("/newswatch", "/newswatch/articles", f"/newswatch/articles/{bench.ids['factory']}"):
        assets = re.findall(r"""<(?:script|link|img)[^>]+(?:src|href)="([^"]+)""", bench.get(path))
        host = urlparse(bench.base).netloc
        assert assets and all(a.startswith("/") or urlparse(a).netloc == host for a in assets), path


def test_times_are_the_teams_and_flagged_today_starts_at_its_midnight(bench: Workbench) -> None:
    cells = plugin("newswatch_cells")
    spring_forward = datetime(2026, 3, 29, 12, 0, tzinfo=UTC)
    assert cells.local_midnight_utc(spring_forward, ZoneInfo("Europe/Brussels")) == "2026-03-28 23:00:00"
    assert cells.local_midnight_utc(spring_forward, ZoneInfo("America/New_York")) == "2026-03-29 04:00:00"
    assert cells.local_midnight_utc(
        datetime(2026, 3, 29, 3, 0, tzinfo=UTC), ZoneInfo("America/New_York")
    ) == ("2026-03-28 04:00:00")
    today = {r["id"] for r in bench.rows("/newswatch/flagged_today.json")}
    expected = {i for k, i in bench.ids.items() if bench.flagged[k] and bench.published[k] >= bench.midnight}
    assert today == expected and bench.ids["sanctions"] not in today  # 30 minutes before the team's midnight
    page = bench.get("/newswatch/flagged_today")
    published = bench.published["factory"].strftime("%Y-%m-%d %H:%M:%S")
    shown = in_zone(bench.published["factory"], bench.zone).replace(" ", "\u00a0")  # on one line
    assert f'<time datetime="{published.replace(" ", "T")}Z" title="{published} UTC">{shown}</time>' in page
    assert f"since midnight in {bench.zone}" in bench.get("/newswatch")


def test_alert_delivery_shows_counts_and_entity_rows_show_the_matched_entity(bench: Workbench) -> None:
    counts = bench.rows("/newswatch/alert_delivery.json")
    alerts = rows(bench.db, "SELECT status, kind FROM alerts")
    assert {r["status"]: r["alerts"] for r in counts} == {"pending": len(alerts)}
    assert counts[0]["new"] == sum(a["kind"] == "new" for a in alerts) > 0
    assert counts[0]["thread_replies"] == sum(a["kind"] == "also" for a in alerts) > 0
    listed = bench.rows("/newswatch/alerts_not_sent.json")
    assert len(listed) == len(alerts) and all(r["last_error"] is None for r in listed)
    matched = bench.rows("/newswatch/entity.json?entity=" + quote("Xiamen Limbach"))
    assert {r["id"] for r in matched} == {bench.ids[k] for k in ("factory", "copy", "related", "sanctions")}
    assert all(r["matched"].lower() == "xiamen limbach" and r["entity"] == "CN_SUPPLIERS" for r in matched)
    by_group = bench.rows("/newswatch/entity.json?entity=CN_SUPPLIERS")
    assert by_group and all("CN_SUPPLIERS" in r["entity"].split(",") for r in by_group)


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_every_page_renders_in_headless_chromium(bench: Workbench, tmp_path: Path, shots: Path) -> None:
    pages = {
        "home": "/newswatch",
        "articles": "/newswatch/articles",
        "search": "/newswatch/articles?_search=" + quote("беспилотник*"),
        "article": f"/newswatch/articles/{bench.ids['factory']}",
        "charts": "/newswatch/charts",
        "flagged": "/newswatch/flagged_articles?_search=Limbach",
        "stories": "/newswatch/flagged_stories",
    }
    for name, path in pages.items():
        shot = shots / f"workbench-{name}.png"
        screenshot(bench.base + path, shot, tmp_path / "chrome", size="1400,1000")
        assert shot.stat().st_size > 20_000, name


def test_a_capped_search_keeps_the_newest_matches_and_says_when_it_left_some_out(bench: Workbench) -> None:
    from newswatch.archive.search import match_condition, newest_matches_sql
    from newswatch.search import parse

    def ids(condition: str, params: dict[str, str]) -> set[int]:
        with contextlib.closing(sqlite3.connect(bench.db)) as conn:
            return {r[0] for r in conn.execute(f"SELECT id FROM articles WHERE {condition}", params)}

    limbach = sorted(bench.ids[k] for k in ("factory", "copy", "related", "sanctions"))
    assert ids(*match_condition(parse("Limbach"), "id", prefix="nw", newest=2)) == set(limbach[-2:])
    assert ids(*match_condition(parse("Limbach"), "id", prefix="nw")) == set(limbach)
    probe = newest_matches_sql(parse("Limbach"), 2)
    assert probe is not None
    with contextlib.closing(sqlite3.connect(bench.db)) as conn:
        assert conn.execute(*probe).fetchone()[0] == 3  # more than 2: some were left out
    assert newest_matches_sql(parse("中国"), 2) is None  # a scan, no index to count in


def test_judgements_show_in_datasette_labels_table_this_weeks_query_and_each_review_item(
    bench: Workbench,
) -> None:
    archive = Archive(bench.db, clock=lambda: bench.now - timedelta(minutes=5))
    try:
        archive.labels.add(bench.ids["factory"], "relevant", "ana", "slack")
        archive.labels.add(bench.ids["unrelated"], "irrelevant", "ben", "cli", "metro <b>news</b>")
    finally:
        archive.close()
    review = bench.ids["review"]
    # the review item on the home page: its id and the line that judges it; its title opens its page
    home = bench.get("/newswatch")
    worth = home[home.index("<h2>Worth a look</h2>") : home.index("<h2>Outlet health")]
    assert f'<a href="/newswatch/articles/{review}" dir="auto">{REVIEW_TITLE}</a>' in worth
    assert f'#{review} · relevant? <code class="nw-judge">newswatch label {review} relevant</code>' in worth
    assert "/newswatch/labelled_this_week" in worth and "/newswatch/review_to_judge" in worth
    # every review article not judged yet, with the line to copy
    (unjudged,) = bench.rows("/newswatch/review_to_judge.json")
    assert (unjudged["id"], unjudged["judge"]) == (review, f"newswatch label {review} relevant")
    # the review view links each id to the article's page, which has the line and its judgements
    view = bench.get("/newswatch/review_articles")
    assert f'<a href="/newswatch/articles/{review}">{review}</a>' in view
    assert "newswatch label ID relevant" in view
    page = bench.get(f"/newswatch/articles/{review}")
    assert f'<code class="nw-judge">newswatch label {review} relevant</code>' in page
    assert "<dt>Judged</dt>" not in page
    judged = bench.get(f"/newswatch/articles/{bench.ids['unrelated']}")
    assert "<dt>Judged</dt>" in judged and "<strong>irrelevant</strong> by ben (cli, " in judged
    assert "metro &lt;b&gt;news&lt;/b&gt;" in judged  # a note is text, never markup
    # the labels table is visible and explained; this week's judgements, newest first, with the article
    table = bench.get("/newswatch/labels")
    assert "<h1>Labels" in table and "standing label is its latest row" in table
    assert "Labels" in home[home.index('id="internal"') :]
    week = bench.rows("/newswatch/labelled_this_week.json")
    assert [(r["id"], r["label"], r["who"], r["outlet"]) for r in week] == [
        (bench.ids["unrelated"], "irrelevant", "ben", "dw"),
        (bench.ids["factory"], "relevant", "ana", "rferl"),
    ]
    assert week[1]["title"] == FACTORY_TITLE and week[1]["url"] == bench.urls["factory"]
    listed = bench.get("/newswatch/labelled_this_week")
    assert f'<a href="/newswatch/articles/{bench.ids["factory"]}" dir="auto">{FACTORY_TITLE}</a>' in listed
