"""One story, one alert: copies, updates and other outlets' reports of one event are grouped
(stories.py, the archive's story and alert bookkeeping), and different events that share
names stay apart."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from newswatch.archive import Archive
from newswatch.clock import fixed_clock
from newswatch.records import Article, Candidate, Extraction
from newswatch.rules import load_ruleset
from newswatch.stories import Entry, StoryConfig, StoryIndex, compare, copy_similarity, fingerprint

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
#: The archive's "now" in these tests: the articles' dates are fixed, so the story window
#: (measured back from the clock) must not depend on the day the suite runs.
CLOCK = fixed_clock(NOW + timedelta(days=3))

# Event 1: EU ministers discuss a drone factory in China (three outlets; one wire copy).
FACTORY_TITLE = "EU ministers to discuss evidence of Chinese drone factory working for Russia"
FACTORY = [
    "BRUSSELS -- European Union foreign ministers will discuss on Monday intelligence that a factory "
    "in Xiamen has been producing Garpiya-3 attack drones for Russia's army, three EU diplomats said.",
    "The material, shared by Kaja Kallas with member states, says the plant belongs to a subsidiary of "
    "Kupol, the Russian arms maker, and that engines are supplied by Xiamen Limbach.",
    "Diplomats said the evidence was the most detailed yet that Chinese companies are making complete "
    "weapons for Moscow rather than components, and that sanctions against the firms could follow.",
    "Beijing's foreign ministry said it had never provided lethal weapons to any party in the conflict "
    "and that it strictly controls exports of dual-use goods, including drones.",
    "Ukraine's military intelligence said last month that more than 2,500 Garpiya drones had been "
    "assembled with Chinese parts this year, and that production was still rising.",
    "Officials expect the ministers to ask the European Commission to prepare listings of the companies "
    "involved before the next sanctions package is put to member states.",
]
RELATED_TITLE = "Brussels weighs intelligence on Garpiya drone production in China"
RELATED = [
    "Foreign ministers of the European Union meet on Monday to weigh intelligence that Garpiya-3 "
    "drones for Russia are built at a plant in Xiamen, according to EU officials briefed by Kaja Kallas.",
    "The officials said the factory is linked to Kupol and uses engines from Xiamen Limbach, a company "
    "already named in earlier reporting on drone supplies.",
    "A senior diplomat said the findings, if confirmed, would mark a shift from parts to whole weapons "
    "and could lead to new listings of Chinese companies.",
    "China denies sending weapons to Russia and says it applies strict export controls.",
]
# Event 2: same names, different event (US sanctions two days later).
SANCTIONS_TITLE = "US Treasury sanctions Xiamen Limbach and 11 other firms over Garpiya drone engines"
SANCTIONS = [
    "WASHINGTON -- The US Treasury on Wednesday imposed sanctions on Xiamen Limbach and eleven other "
    "companies in China and Hong Kong that it said supplied engines and parts for Kupol's Garpiya drones.",
    "The Office of Foreign Assets Control said the firms had shipped more than 400 engines since March, "
    "and that payments were routed through banks in Hong Kong.",
    "Treasury Secretary Scott Bessent said Washington would keep targeting third-country suppliers that "
    "sustain Russia's war machine.",
    "China's commerce ministry said it firmly opposed the unilateral sanctions and would protect the "
    "rights of Chinese companies.",
]
UNRELATED_TITLE = "Warsaw opens new metro line ahead of schedule"
UNRELATED = [
    "WARSAW -- The Polish capital opened the eastern section of its second metro line on Saturday, "
    "three months ahead of schedule, the city's transport authority said.",
    "The five new stations connect the Bródno district with the city centre and are expected to carry "
    "about 60,000 passengers a day.",
    "Mayor Rafał Trzaskowski said the line would reduce car traffic on the main bridges over the Vistula.",
]


def wire_copy(paragraphs: list[str]) -> str:
    """A syndicated version: agency byline, last paragraph cut, credit line added."""
    return "\n\n".join(["By a Staff Reporter (Agency)", *paragraphs[:-1], "Reporting by agency staff."])


def test_a_syndicated_copy_is_recognised_as_a_copy() -> None:
    original = fingerprint(FACTORY_TITLE, "\n\n".join(FACTORY))
    copy = fingerprint("Chinese drone factory for Russia on EU agenda", wire_copy(FACTORY))
    assert copy_similarity(original, copy) >= 0.9
    verdict = compare(original, copy, timedelta(hours=5), StoryConfig(), {}, 1.0)
    assert verdict.relation == "copy"


def test_other_reports_of_the_same_event_are_related_and_different_events_are_not() -> None:
    index = StoryIndex()
    for n, (title, text) in enumerate(
        [(FACTORY_TITLE, FACTORY), (SANCTIONS_TITLE, SANCTIONS), (UNRELATED_TITLE, UNRELATED)]
    ):
        index.add(Entry(n, n, "x", NOW + timedelta(days=2 * (n == 1)), fingerprint(title, "\n\n".join(text))))
    related = index.match(fingerprint(RELATED_TITLE, "\n\n".join(RELATED)), NOW + timedelta(hours=6))
    assert related is not None and related.article_id == 0 and related.relation == "related"
    # the sanctions story shares Xiamen Limbach, Garpiya and Kupol with the factory story
    alone = StoryIndex()
    alone.add(Entry(0, 0, "x", NOW, fingerprint(FACTORY_TITLE, "\n\n".join(FACTORY))))
    for title, text in ((UNRELATED_TITLE, UNRELATED),):
        alone.add(Entry(9, 9, "x", NOW, fingerprint(title, "\n\n".join(text))))
    sanctions = fingerprint(SANCTIONS_TITLE, "\n\n".join(SANCTIONS))
    assert alone.match(sanctions, NOW + timedelta(days=2)) is None


def test_reports_further_apart_than_the_window_are_separate_stories() -> None:
    index = StoryIndex(StoryConfig(event_window=timedelta(hours=72), copy_window=timedelta(days=7)))
    index.add(Entry(1, 1, "x", NOW, fingerprint(FACTORY_TITLE, "\n\n".join(FACTORY))))
    related = fingerprint(RELATED_TITLE, "\n\n".join(RELATED))
    assert index.match(related, NOW + timedelta(hours=71)) is not None
    assert index.match(related, NOW + timedelta(hours=73)) is None
    copy = fingerprint(FACTORY_TITLE, wire_copy(FACTORY))
    assert index.match(copy, NOW + timedelta(days=6)) is not None
    assert index.match(copy, NOW + timedelta(days=8)) is None


def test_headlines_citing_different_numbers_are_different_events() -> None:
    a = fingerprint("EU adopts 14th sanctions package", "\n\n".join(FACTORY[2:]))
    b = fingerprint("EU adopts 15th sanctions package", "\n\n".join(FACTORY[2:5] + FACTORY[1:2]))
    verdict = compare(a, b, timedelta(hours=1), StoryConfig(copy_threshold=1.1), {}, 1.0)
    assert verdict.relation is None


# --- the archive: stories, alerts, revisions -----------------------------------------------


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return Archive(tmp_path / "newswatch.db", clock=CLOCK)


MATCHER = load_ruleset(ROOT / "config" / "rules")


def store(
    archive: Archive,
    index: StoryIndex,
    outlet: str,
    path: str,
    title: str,
    text: str,
    when: datetime,
    revisit: bool = False,
) -> tuple[int | None, str, str | None, str | None]:
    url = f"https://{outlet}.example.org{path}"
    candidate = Candidate(
        url=url, outlet=outlet, source=f"https://{outlet}.example.org/feed", source_kind="feed"
    )
    extraction = Extraction(text=text, title=title, published=when)
    article = Article(url=url, final_url=url, outlet=outlet, fetched_at=when, html="", candidate=candidate)
    article.verdict = MATCHER.classify(title, text)
    article.classified_with = MATCHER.fingerprint
    stored = archive.articles.store(
        article, extraction, url, "run", fingerprint(title, text), index, revisit=revisit
    )
    return stored.article_id, stored.outcome, stored.relation, stored.alert


def test_a_story_gets_one_alert_and_one_reply_per_further_outlet(archive: Archive) -> None:
    index = StoryIndex()
    first = store(archive, index, "rferl", "/a/1", FACTORY_TITLE, "\n\n".join(FACTORY), NOW)
    assert first[1:] == ("new", "first", "new")
    copy = store(
        archive, index, "kyiv", "/news/2", FACTORY_TITLE, wire_copy(FACTORY), NOW + timedelta(hours=1)
    )
    assert copy[1:] == ("new", "copy", "also")
    related = store(
        archive, index, "politico", "/p/3", RELATED_TITLE, "\n\n".join(RELATED), NOW + timedelta(hours=2)
    )
    assert related[1:] == ("new", "related", "also")
    # the same outlet again, at a second address: grouped, no alert
    again = store(
        archive, index, "kyiv", "/amp-news/2", FACTORY_TITLE, wire_copy(FACTORY), NOW + timedelta(hours=3)
    )
    assert again[1:] == ("new", "copy", None)
    other = store(
        archive, index, "rferl", "/a/4", SANCTIONS_TITLE, "\n\n".join(SANCTIONS), NOW + timedelta(days=2)
    )
    assert other[1:] == ("new", "first", "new")
    story = archive.conn.execute(
        "SELECT articles, outlets, outlet_list, flagged, severity, slack_refresh FROM stories "
        "WHERE id = (SELECT story_id FROM articles WHERE id = ?)",
        (first[0],),
    ).fetchone()
    assert story[:4] == (4, 3, '["rferl", "kyiv", "politico"]', 1)
    kinds = archive.conn.execute("SELECT kind, count(*) FROM alerts GROUP BY kind ORDER BY kind").fetchall()
    assert kinds == [("also", 2), ("new", 2)]


def test_a_revisit_with_changed_text_keeps_the_old_version_and_alerts_only_when_more_severe(
    archive: Archive,
) -> None:
    index = StoryIndex()
    vague = [
        "Officials in Brussels are discussing China's relations with Russia and the war in Ukraine.",
        "Ministers will meet on Monday to review trade and diplomatic contacts with Beijing.",
        "No decisions are expected at the meeting, diplomats said, and the agenda remains open.",
    ]
    title = "EU ministers to discuss China"
    article_id, outcome, _, alert = store(archive, index, "rferl", "/a/9", title, "\n\n".join(vague), NOW)
    assert outcome == "new" and alert is None  # not about military support: not flagged
    unchanged = store(
        archive, index, "rferl", "/a/9", title, "\n\n".join(vague), NOW + timedelta(hours=1), True
    )
    assert unchanged[1] == "unchanged"
    revised = store(
        archive, index, "rferl", "/a/9", FACTORY_TITLE, "\n\n".join(FACTORY), NOW + timedelta(hours=2), True
    )
    assert revised[0] == article_id and revised[1] == "revised" and revised[3] == "new"
    versions = archive.conn.execute(
        "SELECT version, title, flagged FROM article_versions WHERE article_id = ?", (article_id,)
    ).fetchall()
    assert versions == [(1, title, 0)]
    row = archive.conn.execute(
        "SELECT version, title, flagged FROM articles WHERE id = ?", (article_id,)
    ).fetchone()
    assert row == (2, FACTORY_TITLE, 1)
    # a further small edit at the same severity: a version, no alert
    edited = [*FACTORY[:-1], "Officials expect a decision on listings at the next meeting of ministers."]
    again = store(
        archive, index, "rferl", "/a/9", FACTORY_TITLE, "\n\n".join(edited), NOW + timedelta(hours=3), True
    )
    assert again[1] == "revised" and again[3] is None
    assert archive.conn.execute("SELECT count(*) FROM alerts").fetchone()[0] == 1


def test_parallel_crawls_see_each_others_articles(tmp_path: Path) -> None:
    first = Archive(tmp_path / "newswatch.db", clock=CLOCK)
    second = Archive(tmp_path / "newswatch.db", clock=CLOCK)
    try:
        one, two = StoryIndex(), StoryIndex()
        store(first, one, "rferl", "/a/1", FACTORY_TITLE, "\n\n".join(FACTORY), NOW)
        store(second, two, "kyiv", "/n/2", FACTORY_TITLE, wire_copy(FACTORY), NOW + timedelta(minutes=5))
        # the second process's index had never seen the first article: it was read in the write
        (count,) = second.conn.execute("SELECT count(DISTINCT story_id) FROM articles").fetchone()
        assert count == 1
        kinds = [k for (k,) in second.conn.execute("SELECT kind FROM alerts ORDER BY id")]
        assert kinds == ["new", "also"]
    finally:
        first.close()
        second.close()


def test_a_failed_outlet_count_update_is_retried_and_never_holds_back_alerts(
    archive: Archive, tmp_path: Path
) -> None:
    from zoneinfo import ZoneInfo

    from fakeslack import FakeSlack

    from alerts.config import AlertConfig
    from alerts.dispatch import dispatch
    from alerts.transports import SlackTransport

    index = StoryIndex()
    store(archive, index, "rferl", "/a/1", FACTORY_TITLE, "\n\n".join(FACTORY), NOW)
    store(archive, index, "kyiv", "/n/2", FACTORY_TITLE, wire_copy(FACTORY), NOW + timedelta(hours=1))
    slack = FakeSlack().start()
    try:
        config = AlertConfig("xoxb-test", "#c", slack.api_url, 0.0, ZoneInfo("UTC"), 5, 30.0, tmp_path, None)
        transport = SlackTransport("xoxb-test", "#c", slack.api_url, 0.0)
        slack.script("ok", "ok", "message_not_found")  # the post, the reply, then chat.update fails
        report = dispatch(archive, transport, config)
        assert report.sent == 2 and report.refreshed == 0 and report.errors
        assert archive.conn.execute("SELECT max(slack_refresh) FROM stories").fetchone()[0] > 0
        again = dispatch(archive, transport, config)
        assert again.sent == 0 and again.refreshed == 1
        assert archive.conn.execute("SELECT max(slack_refresh) FROM stories").fetchone()[0] == 0
        updates = [c for c in slack.calls if c.method == "chat.update"]
        assert len(updates) == 2 and "Reported by 2 outlets" in str(updates[-1].payload["blocks"])
        assert len(slack.delivered()) == 2
    finally:
        slack.stop()
