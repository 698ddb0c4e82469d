"""The team's judgements from the terminal and what they drive: `newswatch label`, the corpus
export (and bench/rules.py reading it), `newswatch rules report`, `rules backtest --labels`,
the week's ledger in Slack, and the review items' archive id and label line in the digest.
Archives are real SQLite files built through the archive's API with the default rules."""

from __future__ import annotations

import json
import logging
import re
import shutil
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from click.testing import CliRunner, Result
from fakeslack import FakeSlack
from helpers import ROOT, SHARED, crawl_env, load_bench, rows, run_newswatch

import settings as project
from newswatch.archive import Archive
from newswatch.cli import main
from newswatch.clock import fixed_clock
from newswatch.feedback import ledger
from newswatch.feedback.export import KEYS, corpus_record
from newswatch.feedback.report import build
from newswatch.records import Article, Candidate, Extraction
from newswatch.rules import load_ruleset
from newswatch.stories import StoryIndex, fingerprint

RULES = ROOT / "config" / "rules"
MATCHER = load_ruleset(RULES)
MONDAY = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)  # a Monday, after the 07:30 digest time
CORPUS = SHARED / "corpus" / "relevance" / "dev.jsonl"

# title, text: what the default rules make of them is asserted in the fixture
NEWS = {
    "engines": (
        "Chinese firm shipped drone engines to Russia",
        "Xiamen Limbach Aircraft Engine built the L550E engines of Russia's Garpiya drones, used against "
        "Ukraine.",
    ),
    "drills": (
        "China and Russia hold joint naval drills",
        "Chinese companies supplied drone parts to the Russian army fighting in Ukraine, a think tank said "
        "of the joint naval drills.",
    ),
    "review": (
        "Beijing counts the cost of the sanctions",
        "Beijing said sanctions over the war in Ukraine hurt trade with Moscow.\n\n"
        "Exporters in Mudanjiang said orders had fallen since the spring.",
    ),
    "sights": (
        "Mudanjiang trader sends thermal sights north",
        # Mudanjiang: a Chinese city the rules do not name, so they miss the article
        "A trader in Mudanjiang sold thermal imaging sights to buyers in Moscow last month, customs records "
        "show.",
    ),
    "metro": ("Warsaw opens new metro line", "The new line opened ahead of schedule, the city said."),
}


@dataclass
class News:
    db: Path
    ids: dict[str, int] = field(default_factory=dict)
    urls: dict[str, str] = field(default_factory=dict)


def store(archive: Archive, news: News, key: str, when: datetime, outlet: str = "dw") -> None:
    title, text = NEWS[key]
    url = f"https://www.{outlet}.example.org/news/{key}"
    candidate = Candidate(
        url=url, outlet=outlet, source=f"https://{outlet}.example.org/rss", source_kind="feed"
    )
    article = Article(url=url, final_url=url, outlet=outlet, fetched_at=when, html="", candidate=candidate)
    article.verdict = MATCHER.classify(title, text, "en")
    article.classified_with = MATCHER.fingerprint
    extraction = Extraction(text=text, title=title, published=when, language="en")
    stored = archive.articles.store(article, extraction, url, "run", fingerprint(title, text), StoryIndex())
    assert stored.article_id is not None
    news.ids[key], news.urls[key] = stored.article_id, url


@pytest.fixture
def news(tmp_path: Path) -> News:
    """Five articles archived over the week before MONDAY: two flagged, one marked for review,
    two neither."""
    db = tmp_path / "data" / "newswatch.db"
    db.parent.mkdir()
    found = News(db)
    for n, key in enumerate(NEWS):
        when = MONDAY - timedelta(days=5 - n)
        archive = Archive(db, clock=fixed_clock(when))
        store(archive, found, key, when)
        archive.close()
    verdicts = {
        r["id"]: (r["flagged"], r["review"]) for r in rows(db, "SELECT id, flagged, review FROM articles")
    }
    assert {k: verdicts[i] for k, i in found.ids.items()} == {
        "engines": (1, 0), "drills": (1, 0), "review": (0, 1), "sights": (0, 0), "metro": (0, 0)
    }  # fmt: skip
    return found


def judge(db: Path, when: datetime, *judgements: tuple[int, str, str, str | None]) -> None:
    """Store judgements (article id, label, who, note) at ``when``, as Slack or the CLI would."""
    archive = Archive(db, clock=fixed_clock(when))
    try:
        for article_id, label, who, note in judgements:
            archive.labels.add(article_id, label, who, "slack", note)
    finally:
        archive.close()


@pytest.fixture
def cli(news: News, monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunner]:
    """The `newswatch` command in this process, on the news archive (NEWSWATCH_DB as the
    settings module read it from the environment)."""
    monkeypatch.setattr(project, "NEWSWATCH_DB", str(news.db))
    yield CliRunner()


def invoke(runner: CliRunner, *args: str) -> Result:
    return runner.invoke(main, list(args), catch_exceptions=False)


# --- newswatch label -------------------------------------------------------------------------


def test_label_finds_an_article_by_id_or_by_any_spelling_of_its_url_alerted_or_not(
    news: News, cli: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("LOGNAME", "analyst7")  # the terminal's login name (getpass reads it first)
    miss = news.urls["sights"].replace("https://www.", "http://") + "/?utm_source=twitter#top"
    done = invoke(cli, "label", miss, "relevant", "--note", "thermal sights: dual-use, Mudanjiang to Moscow")
    assert done.exit_code == 0, done.output
    assert f"article {news.ids['sights']} labelled relevant by analyst7" in done.output
    assert NEWS["sights"][0] in done.output and "note: thermal sights" in done.output
    by_id = invoke(cli, "label", str(news.ids["drills"]), "irrelevant", "--who", "Dana")
    assert by_id.exit_code == 0, by_id.output
    assert rows(news.db, "SELECT article_id, label, who, source, note FROM labels ORDER BY id") == [
        {
            "article_id": news.ids["sights"],
            "label": "relevant",
            "who": "analyst7",
            "source": "cli",
            "note": "thermal sights: dual-use, Mudanjiang to Moscow",
        },
        {
            "article_id": news.ids["drills"],
            "label": "irrelevant",
            "who": "Dana",
            "source": "cli",
            "note": None,
        },
    ]


@pytest.mark.parametrize(
    ("args", "says"),
    [
        (
            ["https://www.dw.example.org/news/never-archived", "relevant"],
            "no archived article has that id or URL",
        ),
        (["999999", "relevant"], "no archived article has that id or URL"),
        (["99999999999999999999999", "relevant"], "no archived article has that id or URL"),
        (["not a url", "relevant"], "no archived article has that id or URL"),
        (["1", "important"], "'important' is not one of 'relevant', 'irrelevant', 'borderline'"),
    ],
)
def test_label_refuses_an_unknown_article_or_label_in_one_line_and_stores_nothing(
    news: News, cli: CliRunner, args: list[str], says: str
) -> None:
    done = cli.invoke(main, ["label", *args])
    assert done.exit_code == 2 and says in done.output and "Traceback" not in done.output
    assert rows(news.db, "SELECT count(*) AS n FROM labels") == [{"n": 0}]


# --- newswatch labels export -----------------------------------------------------------------


def expected_record(news: News, key: str, label: str, reason: str) -> dict[str, str]:
    import hashlib

    title, text = NEWS[key]
    return {
        "id": hashlib.sha1(news.urls[key].encode()).hexdigest()[:12],
        "url": news.urls[key],
        "outlet": "DW",  # the outlets file's name for dw
        "date": (MONDAY - timedelta(days=5 - list(NEWS).index(key))).strftime("%Y-%m-%d"),
        "lang": "en",
        "title": title,
        "text": text,
        "label": label,
        "reason": reason,
        "source_repo": "",
        "source_path": "",
    }


def test_export_writes_each_standing_label_as_a_relevance_corpus_record(
    news: News, cli: CliRunner, tmp_path: Path
) -> None:
    judge(news.db, MONDAY - timedelta(days=3), (news.ids["drills"], "relevant", "ana", None))
    judge(
        news.db,
        MONDAY - timedelta(days=1),
        (news.ids["drills"], "irrelevant", "ben", "drills, not supply"),  # the latest stands
        (news.ids["sights"], "relevant", "ana", "missed: thermal sights"),
    )
    out = tmp_path / "labels.jsonl"
    done = invoke(cli, "labels", "export", "--output", str(out))
    assert done.exit_code == 0, done.output
    lines = out.read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [
        expected_record(news, "drills", "irrelevant", "drills, not supply"),
        expected_record(news, "sights", "relevant", "missed: thermal sights"),
    ]
    assert all(list(json.loads(line)) == list(KEYS) for line in lines)
    # --since: standing labels made since then only
    recent = invoke(cli, "labels", "export", "--since", (MONDAY - timedelta(hours=36)).isoformat())
    assert [json.loads(line)["title"] for line in recent.output.splitlines()] == [
        NEWS["drills"][0],
        NEWS["sights"][0],
    ]
    none = invoke(cli, "labels", "export", "--since", MONDAY.isoformat())
    assert none.exit_code == 0 and none.output == ""
    # bench/rules.py reads the export beside the shared corpus
    bench = load_bench("rules")
    extra = bench.load_extra([out])
    assert [(i["label"], i["title"]) for i in extra] == [
        ("irrelevant", NEWS["drills"][0]),
        ("relevant", NEWS["sights"][0]),
    ]
    scored = bench.score(MATCHER, extra)
    assert (scored["tp"], scored["fp"], scored["fn"]) == (0, 1, 1)  # flagged the drills, missed the sights


@pytest.mark.skipif(not CORPUS.exists(), reason="the shared relevance corpus is not here")
def test_an_exported_record_has_the_shared_corpus_keys_and_value_types() -> None:
    corpus = [json.loads(line) for line in CORPUS.open(encoding="utf-8") if line.strip()]
    shapes = {tuple((k, type(v).__name__) for k, v in r.items()) for r in corpus}
    row = {
        "url": "https://www.dw.com/en/x/a-1",
        "outlet": "dw",
        "published": "2026-11-20 08:00:00",
        "language": "en",
        "title": "T",
        "text": "X",
        "label": "borderline",
        "note": None,
    }
    record = corpus_record(row, {"dw": "DW"})
    assert tuple((k, type(v).__name__) for k, v in record.items()) in shapes
    assert {r["label"] for r in corpus} >= {record["label"]}
    assert all(len(r["id"]) == len(record["id"]) == 12 for r in corpus)
    assert all(len(r["date"]) in (0, 10) for r in corpus) and record["date"] == "2026-11-20"


# --- newswatch rules report ------------------------------------------------------------------


def test_rules_report_counts_alerts_judgements_precision_and_the_misses(news: News, cli: CliRunner) -> None:
    judge(
        news.db,
        MONDAY - timedelta(days=1),
        (news.ids["engines"], "relevant", "ana", None),
        (news.ids["drills"], "irrelevant", "ben", "drills"),
        (news.ids["review"], "relevant", "ana", "sanctions hurt trade: worth an alert"),
        (news.ids["sights"], "borderline", "ana", None),
    )
    judge(news.db, MONDAY, (news.ids["sights"], "relevant", "ben", "thermal sights"))  # the latest stands
    archive = Archive(news.db)
    since = MONDAY - timedelta(days=7)
    report = build("", archive.labels.flagged_since(since), archive.labels.missed_since(since))
    archive.close()
    by_rule = {r.rule: (r.alerts, r.judged, r.relevant, r.irrelevant, r.precision) for r in report.rules}
    assert by_rule["supply-to-russia"] == (2, 2, 1, 1, 0.5)  # fired on both flagged articles
    assert by_rule["named-chinese-supplier"] == (1, 1, 1, 0, 1.0)
    assert by_rule["support-for-russian-war-machine"] == (1, 1, 0, 1, 0.0)
    assert (report.total.alerts, report.total.judged, report.total.precision) == (2, 2, 0.5)
    assert [(m.article_id, m.review, m.who) for m in report.misses] == [
        (news.ids["sights"], False, "ben"),  # newest judgement first
        (news.ids["review"], True, "ana"),  # the review tier had it
    ]
    # the terminal table: every current rule, the total, then the misses with the review verdict
    done = invoke(cli, "rules", "report", "--since", since.isoformat())
    assert done.exit_code == 0, done.output
    table = done.output.splitlines()
    assert table[1].split() == [
        "rule",
        "alerts",
        "judged",
        "relevant",
        "irrelevant",
        "borderline",
        "precision",
    ]
    assert next(line for line in table if line.startswith("supply-to-russia")).split() == [
        "supply-to-russia", "2", "2", "1", "1", "0", "50%"
    ]  # fmt: skip
    assert next(line for line in table if line.startswith("denial-of-support")).split()[1:] == [
        "0", "0", "0", "0", "0", "-"
    ]  # fmt: skip
    assert "missed: 2 judged relevant that no rule flagged (1 marked for review)" in done.output
    assert f"#{news.ids['review']} [dw] {NEWS['review'][0]} (review: yes; ana)" in done.output
    as_json = json.loads(invoke(cli, "rules", "report", "--since", since.isoformat(), "--json").output)
    assert as_json["total"]["precision"] == 0.5 and as_json["misses_marked_for_review"] == 1
    # a period after every alert: nothing fired, the misses judged in it remain
    later = json.loads(invoke(cli, "rules", "report", "--since", MONDAY.isoformat(), "--json").output)
    assert later["total"]["alerts"] == 0 and [m["article_id"] for m in later["misses"]] == [
        news.ids["sights"]
    ]


# --- newswatch rules backtest --labels -------------------------------------------------------

CANDIDATE_RULE = """
[[rules]]
id = "optics-from-mudanjiang"
description = "Thermal sights sold from Mudanjiang to Moscow"
label = "Optics from Mudanjiang"
severity = "low"
scope = "sentence"
query = '"thermal imaging" AND mudanjiang AND moscow'
"""


def test_backtest_scores_the_current_or_a_candidate_ruleset_against_every_label(
    news: News, cli: CliRunner, tmp_path: Path
) -> None:
    judge(
        news.db,
        MONDAY - timedelta(days=30),  # long ago: every label counts, whenever made
        (news.ids["engines"], "relevant", "ana", None),
        (news.ids["drills"], "irrelevant", "ben", "drills"),
        (news.ids["sights"], "relevant", "ana", "thermal sights"),
        (news.ids["review"], "borderline", "ana", None),
        (news.ids["metro"], "irrelevant", "ana", None),
    )
    current = json.loads(invoke(cli, "rules", "backtest", "--labels", "--json").output)
    assert current["classes"] == {
        "relevant": {"labelled": 2, "flagged": 1, "flagged_stored": 1},
        "irrelevant": {"labelled": 2, "flagged": 1, "flagged_stored": 1},
        "borderline": {"labelled": 1, "flagged": 0, "flagged_stored": 0},
    }
    assert (current["precision"], current["recall"]) == (0.5, 0.5)
    assert {(d["article_id"], d["label"], d["flagged"]) for d in current["disagreements"]} == {
        (news.ids["drills"], "irrelevant", True),
        (news.ids["sights"], "relevant", False),
    }
    candidate = tmp_path / "rules"
    shutil.copytree(RULES, candidate)
    with (candidate / "topic.toml").open("a", encoding="utf-8") as rules_file:
        rules_file.write(CANDIDATE_RULE)
    trial = invoke(cli, "rules", "backtest", "--labels", "--rules", str(candidate))
    assert trial.exit_code == 0, trial.output
    assert trial.output.startswith("5 labelled articles: precision 67%, recall 100%")
    assert "disagreements: 1" in trial.output
    assert f"#{news.ids['drills']} irrelevant, flagged (supply-to-russia" in trial.output


# --- the week's ledger in Slack --------------------------------------------------------------


def test_the_ledger_is_owed_from_the_report_days_time_once_per_week() -> None:
    zone = ZoneInfo("Europe/Brussels")
    at = datetime(2026, 1, 1, 7, 30).time()
    assert ledger.weekday("mon") == 0 and ledger.weekday("sun") == 6 and ledger.weekday("off") is None
    assert ledger.owed(datetime(2026, 11, 23, 6, 0, tzinfo=UTC), 0, at, zone, None) is None  # 07:00 there
    assert ledger.owed(MONDAY, 0, at, zone, None) == "2026-11-23"
    assert ledger.owed(MONDAY, 0, at, zone, "2026-11-23") is None  # sent
    assert ledger.owed(MONDAY, 0, at, zone, "2026-11-16") == "2026-11-23"  # last week's was sent
    tuesday = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)  # stopped over Monday, back the next morning
    assert ledger.owed(tuesday, 0, at, zone, "2026-11-16") == "2026-11-23"
    assert ledger.owed(tuesday + timedelta(hours=1), 0, at, zone, "2026-11-16") is None  # a day late
    assert ledger.owed(datetime(2026, 11, 26, 12, 0, tzinfo=UTC), 3, at, zone, None) == "2026-11-26"


@pytest.mark.parametrize(
    ("value", "read"), [("Monday", "mon"), ("FRI", "fri"), ("off", "off"), ("", "mon"), ("someday", None)]
)
def test_the_report_day_setting_is_a_weekday_or_off_and_anything_else_is_one_line(
    monkeypatch: pytest.MonkeyPatch, value: str, read: str | None
) -> None:
    from newswatch.config.environment import read_environment
    from newswatch.errors import SettingError

    monkeypatch.setenv("NEWSWATCH_RULES_REPORT_DAY", value)
    if read is not None:
        assert read == read_environment().NEWSWATCH_RULES_REPORT_DAY
        return
    with pytest.raises(SettingError) as refused:
        read_environment()
    assert str(refused.value) == (
        "settings: environment variable NEWSWATCH_RULES_REPORT_DAY='someday' is not a day of the week "
        "(use mon, tue, wed, thu, fri, sat, sun, or off)"
    )


def test_the_weeks_ledger_goes_to_the_ops_channel_once_a_week_even_across_restarts(
    news: News, slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    from scrapy.settings import Settings

    from scheduler import Service

    values = Settings()
    values.setmodule(project, priority="project")
    values.update(
        {
            "NEWSWATCH_DB": str(news.db),
            "NEWSWATCH_DIGEST_AT": "07:30 UTC",
            "SLACK_BOT_TOKEN": "xoxb-test",
            "NEWSWATCH_SLACK_API_URL": slack.api_url,
            "NEWSWATCH_SLACK_MIN_INTERVAL": "0",
            "NEWSWATCH_SLACK_CHANNEL": "#alerts",
            "NEWSWATCH_SLACK_OPS_CHANNEL": "#ops",
        },
        priority="cmdline",
    )
    moment = [MONDAY - timedelta(hours=2)]  # 07:00: before the report time

    def service() -> Service:  # a (re)started service
        return Service(values, outlets=[], clock=lambda: moment[0])

    running = service()
    assert "rules-report" in {job.id for job in running.build().get_jobs()}
    running.rules_report()
    moment[0] = MONDAY
    running.rules_report()
    assert slack.posts() == []  # before the report time; then no judgement yet: no ledger to keep
    judge(
        news.db,
        MONDAY - timedelta(days=1),
        (news.ids["engines"], "relevant", "ana", None),
        (news.ids["drills"], "irrelevant", "ben", None),
        (news.ids["review"], "relevant", "ana", None),
    )
    caplog.set_level(logging.INFO, logger="newswatch.service")
    running.rules_report()
    running.rules_report()
    (week,) = slack.posts()
    assert week.payload["channel"] == "#ops"
    text = week.payload["text"]
    assert text.startswith(
        "Rules ledger, 16 Nov – 23 Nov 2026: 2 alerts, 2 judged (1 relevant, 1 not relevant"
    )
    assert "precision 50%; 1 missed (1 of them marked for review)" in text
    assert "• supply-to-russia: 2 alerts, 2 judged, 1 relevant / 1 not, precision 50%" in text
    assert f"• #{news.ids['review']} dw: {NEWS['review'][0]} (marked for review; ana)" in text
    assert "rules ledger for the week of 2026-11-23 sent: 2 alerts, 2 judged, 1 missed" in caplog.text
    for when in (MONDAY + timedelta(hours=1), MONDAY + timedelta(days=3)):
        moment[0] = when
        service().rules_report()  # restarted: the week's went out already
    assert len(slack.posts()) == 1
    moment[0] = MONDAY + timedelta(days=8, hours=-3)  # stopped over the next Monday, back on Tuesday 06:00
    slack.script("ratelimited")  # Slack refuses it once: the next turn sends it
    service().rules_report()
    service().rules_report()
    service().rules_report()
    assert [c.answer for c in slack.posts()[1:]] == ["ratelimited", "ok"]
    assert slack.posts()[2].payload["text"].startswith("Rules ledger, 24 Nov – 1 Dec 2026: 0 alerts")
    values.set("NEWSWATCH_RULES_REPORT_DAY", "off", priority="cmdline")
    off = service()
    assert "rules-report" not in {job.id for job in off.build().get_jobs()}
    moment[0] = MONDAY + timedelta(days=14)
    off.rules_report()
    assert len(slack.posts()) == 3


# --- the digest's review items ---------------------------------------------------------------


def test_a_review_item_in_the_digest_shows_its_id_the_label_line_and_its_datasette_page(news: News) -> None:
    from alerts.digest import render, undelivered

    archive = Archive(news.db, clock=fixed_clock(MONDAY))
    try:
        items = undelivered(archive, "https://archive.example.org/newswatch")
        default = undelivered(archive)
    finally:
        archive.close()
    (review,) = [i for i in items if i.review]
    review_id = news.ids["review"]
    assert review.page == f"https://archive.example.org/newswatch/articles/{review_id}"
    (by_default,) = [i for i in default if i.review]
    assert by_default.page == f"http://127.0.0.1:8001/newswatch/articles/{review_id}"  # newswatch serve's
    assert all(i.page is None for i in items if not i.review)
    content = render(items, ZoneInfo("UTC"), now=MONDAY)
    worth = content.text[content.text.index("== WORTH A LOOK") :]
    assert f"#{review_id}" in worth and f"relevant? newswatch label {review_id} relevant" in worth
    assert f"in the archive: https://archive.example.org/newswatch/articles/{review_id}" in worth
    html = content.html[content.html.index("Worth a look") :]
    assert (
        f'<a href="https://archive.example.org/newswatch/articles/{review_id}">#{review_id} in the archive</a>'
        in html
    )
    assert re.search(rf"<code[^>]*>newswatch label {review_id} relevant</code>", html)  # styles inlined
    assert "newswatch label" not in content.text[: content.text.index("== WORTH A LOOK")]


# --- end to end ------------------------------------------------------------------------------


def test_label_then_export_then_report_from_the_real_command_line(news: News, tmp_path: Path) -> None:
    env = crawl_env(tmp_path, ROOT / "config" / "outlets.toml", NEWSWATCH_DB=str(news.db), LOGNAME="kim")
    done = run_newswatch(
        ["label", news.urls["review"] + "?utm_medium=email", "relevant", "--note", "miss"], env
    )
    assert done.returncode == 0, done.stderr
    assert f"article {news.ids['review']} labelled relevant by kim" in done.stdout
    export = run_newswatch(["labels", "export"], env)
    assert export.returncode == 0, export.stderr
    (record,) = [json.loads(line) for line in export.stdout.splitlines()]
    assert (record["url"], record["label"], record["reason"], record["outlet"]) == (
        news.urls["review"], "relevant", "miss", "DW"
    )  # fmt: skip
    report = run_newswatch(["rules", "report", "--since", "2026-01-01", "--json"], env)
    assert report.returncode == 0, report.stderr
    assert [m["article_id"] for m in json.loads(report.stdout)["misses"]] == [news.ids["review"]]


# --- newswatch rules suggest -----------------------------------------------------------------


def test_suggest_proposes_terms_frequent_in_misses_rare_in_irrelevant_and_new_to_the_rules() -> None:
    from newswatch.feedback.suggest import Text, suggest, terms

    assert terms("Thermal sights", "無人機零件") >= {
        "thermal",
        "sights",
        "thermal sights",
        "无人机",
        "人机零件",
    }
    texts = [
        Text(
            1, "en", True, "Harbin trader ships thermal sights", "Thermal sights went from Harbin to Moscow."
        ),
        Text(2, "en", True, "More thermal sights", "A Harbin firm sold thermal sights to the Russian army."),
        Text(3, "en", True, "Rifle scopes", "Optics reached the front, the report said."),
        Text(4, "en", False, "Metro opens", "The new metro line opened, the city said."),
        Text(5, "en", False, "Weather", "Harbin had snow, the forecast said."),
        Text(6, "zh", True, "熱成像瞄準鏡", "哈爾濱商人向莫斯科出售熱成像瞄準鏡。"),
        Text(7, "zh", True, "瞄准镜", "热成像瞄准镜运往俄罗斯。"),
        Text(8, "zh", False, "地铁", "新地铁线开通。"),
    ]
    asked: list[tuple[str, str]] = []

    def known(term: str, language: str) -> bool:  # the rules know Moscow and Russia already
        asked.append((term, language))
        return term in ("moscow", "俄罗斯")

    found = {s.language: s for s in suggest(texts, known, top=3)}
    english, chinese = found["en"], found["zh"]
    assert (english.misses, english.irrelevant) == (3, 2)
    # in two misses and no irrelevant article; a word before the phrase holding it, one each;
    # "harbin" and "said" are in irrelevant articles too, "moscow" the rules know
    assert [(c.term, c.missed, c.irrelevant, c.examples) for c in english.candidates] == [
        ("sights", 2, 0, [1, 2]),
        ("thermal", 2, 0, [1, 2]),
    ]
    assert ("moscow", "en") not in asked  # in one miss only: never a candidate
    # Chinese: the longest run both misses hold (traditional read as simplified), not its pieces
    assert [(c.term, c.missed, c.irrelevant) for c in chinese.candidates] == [("热成像瞄准镜", 2, 0)]
    assert list(found) == ["en", "zh"]  # most misses first


def test_rules_suggest_prints_candidates_per_language_and_changes_nothing(news: News, cli: CliRunner) -> None:
    judge(
        news.db,
        MONDAY - timedelta(days=1),
        (news.ids["sights"], "relevant", "ana", None),
        (news.ids["review"], "relevant", "ana", None),
        (news.ids["metro"], "irrelevant", "ana", None),
    )
    rules_before = {p: p.read_bytes() for p in RULES.rglob("*.toml")}
    done = invoke(cli, "rules", "suggest", "--json")
    assert done.exit_code == 0, done.output
    (english,) = json.loads(done.output)
    assert (english["language"], english["misses"], english["irrelevant"]) == ("en", 2, 1)
    terms = [c["term"] for c in english["candidates"]]
    assert "mudanjiang" in terms and "the" not in terms and "said" not in terms  # in the irrelevant one too
    assert all(
        c["examples"] == sorted([news.ids["sights"], news.ids["review"]]) for c in english["candidates"]
    )
    text = invoke(cli, "rules", "suggest").output
    assert "en: 2 missed relevant, 1 irrelevant judged" in text and "mudanjiang" in text
    assert {p: p.read_bytes() for p in RULES.rglob("*.toml")} == rules_before
