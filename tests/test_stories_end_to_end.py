"""One story, one alert, end to end: the real `newswatch crawl` over three loopback outlets
reporting one event (an original, a wire copy, another outlet's report), then an update
of the original and an AMP spelling of the copy; `newswatch dispatch` to a loopback Slack
gives one message, replies in its thread, and the first message's outlet count. The same
for one event reported in English, Russian and Chinese by three language services."""

from __future__ import annotations

import re
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from fakeslack import FakeSlack
from fakeweb import FakeWeb
from helpers import ROOT, crawl_env, outlet_table, rows, run_newswatch, write_outlets
from outlet_sites import Story, atom, ghost_page, pangea_page, rss, wordpress_page
from test_stories import (
    ENGINES_EN,
    ENGINES_EN_TITLE,
    ENGINES_RU,
    ENGINES_RU_TITLE,
    ENGINES_ZH,
    ENGINES_ZH_TITLE,
    FACTORY,
    RELATED,
    RELATED_TITLE,
    UNRELATED,
    UNRELATED_TITLE,
    wire_copy,
)

from newswatch.archive import Archive
from newswatch.rules import load_ruleset

MATCHER = load_ruleset(ROOT / "config" / "rules")
TITLE = "EU ministers to discuss China's stance on Russia's war"
FIRST = [  # the first version: a denial only (medium)
    "BRUSSELS -- European Union foreign ministers will discuss on Monday China's position on the war in "
    "Ukraine, three EU diplomats said.",
    "China denies that its companies make drones for Russia's army, the foreign ministry said on Monday.",
    "Diplomats said the ministers would ask the European Commission for an assessment before any decision "
    "on new measures.",
    "Officials in Kyiv have urged the bloc to act faster and to share what its intelligence services know.",
]
SECOND = [*FIRST[:2], *FACTORY[1:3], *FIRST[2:]]  # the update names the factory and its supplier (high)


def slack_env(tmp_path: Path, outlets: Path, slack: FakeSlack) -> dict[str, str]:
    """A crawl's environment with alerts going to the loopback Slack."""
    return crawl_env(
        tmp_path,
        outlets,
        NEWSWATCH_HTTPCACHE="0",
        SLACK_BOT_TOKEN="xoxb-test-token",
        NEWSWATCH_SLACK_API_URL=slack.api_url,
        NEWSWATCH_SLACK_CHANNEL="#china-russia",
        NEWSWATCH_SLACK_MIN_INTERVAL="0.05",
    )


def test_one_event_at_three_outlets_is_one_story_one_message_and_thread_replies(
    web: FakeWeb, tmp_path: Path
) -> None:
    assert MATCHER.classify(TITLE, "\n\n".join(FIRST)).severity == "medium"
    assert MATCHER.classify(TITLE, "\n\n".join(SECOND)).severity == "high"
    now = datetime.now(UTC).replace(microsecond=0)
    u = web.url
    original = Story("/alpha/a/eu-china-stance/1001.html", TITLE, FIRST, now - timedelta(hours=3))
    warsaw = Story("/alpha/a/warsaw-metro/1002.html", UNRELATED_TITLE, UNRELATED, now - timedelta(hours=2))
    copy = Story(
        "/beta/news/eu-china-drones",
        TITLE,
        wire_copy(FIRST + FACTORY[3:5]).split("\n\n"),
        now - timedelta(hours=2),
    )
    related = Story(
        "/gamma/2026/eu-weighs-drone-intelligence", RELATED_TITLE, RELATED, now - timedelta(hours=1)
    )
    web.add(original.path, pangea_page(original, u(original.path)))
    web.add(warsaw.path, pangea_page(warsaw, u(warsaw.path)))
    web.add(copy.path, wordpress_page(copy, u(copy.path)))
    web.add(related.path, ghost_page(related, u(related.path)))

    def alpha_feed(updated: dict[str, datetime] | None = None) -> None:
        entries = [
            (TITLE, u(original.path), original.published),
            (UNRELATED_TITLE, u(warsaw.path), warsaw.published),
        ]
        web.add("/alpha/feed.atom", atom(entries, updated), content_type="application/atom+xml")

    alpha_feed()
    web.add("/beta/rss.xml", rss([(TITLE, u(copy.path), copy.published)]), content_type="application/rss+xml")
    web.add("/gamma/rss.xml", rss([(RELATED_TITLE, u(related.path), related.published)]))
    outlets = tmp_path / "outlets.toml"
    write_outlets(
        outlets,
        *(
            outlet_table(key, u(f"/{key}/"), name=name, feeds=[u(feed)])
            for key, name, feed in (
                ("alpha", "Alpha News", "/alpha/feed.atom"),
                ("beta", "Beta Daily", "/beta/rss.xml"),
                ("gamma", "Gamma Post", "/gamma/rss.xml"),
            )
        ),
    )
    slack = FakeSlack().start()
    try:
        db = tmp_path / "data" / "newswatch.db"
        env = slack_env(tmp_path, outlets, slack)
        first = run_newswatch(["crawl"], env)
        assert first.returncode == 0, first.stderr[-3000:]

        articles = rows(db, "SELECT id, outlet, story_id, story_relation, flagged FROM articles ORDER BY id")
        assert len(articles) == 4 and sum(a["flagged"] for a in articles) == 3
        story_ids = {a["story_id"] for a in articles if a["flagged"]}
        assert len(story_ids) == 1  # the original, the copy and the other report: one story
        (story_id,) = story_ids
        assert sorted(a["story_relation"] for a in articles if a["story_id"] == story_id) in (
            ["copy", "first", "related"],
            ["first", "related", "related"],
        )
        story = rows(db, "SELECT articles, outlets, outlet_list FROM stories WHERE id = ?", story_id)[0]
        assert story["articles"] == 3 and story["outlets"] == 3
        kinds = sorted(r["kind"] for r in rows(db, "SELECT kind FROM alerts"))
        assert kinds == ["also", "also", "new"]
        assert sum(r["grouped"] for r in rows(db, "SELECT grouped FROM crawl_runs")) == 2

        sent = run_newswatch(["dispatch"], env)
        assert sent.returncode == 0, sent.stderr[-2000:]
        posts = slack.delivered()
        assert len(posts) == 3
        roots = [p for p in posts if not p.payload.get("thread_ts")]
        assert len(roots) == 1
        root_ts = rows(db, "SELECT slack_ts FROM alerts WHERE kind = 'new'")[0]["slack_ts"]
        replies = [p for p in posts if p.payload.get("thread_ts")]
        assert {p.payload["thread_ts"] for p in replies} == {root_ts}
        assert all("Also reported by" in p.payload["text"] for p in replies)
        updates = [c for c in slack.calls if c.method == "chat.update"]
        assert updates and updates[-1].payload["ts"] == root_ts
        assert "Reported by 3 outlets" in str(updates[-1].payload["blocks"])
        assert rows(db, "SELECT slack_refresh FROM stories WHERE id = ?", story_id)[0]["slack_refresh"] == 0

        # the original is updated (the feed says so) and beta's feed lists its copy's AMP URL
        time.sleep(1.1)  # archive times have one-second resolution
        changed = datetime.now(UTC).replace(microsecond=0)
        original.paragraphs = SECOND
        web.add(original.path, pangea_page(original, u(original.path)))
        alpha_feed(updated={u(original.path): changed})
        amp = "/beta/news/eu-china-drones/amp"
        web.add(amp, wordpress_page(copy, u(copy.path)))
        web.add("/beta/rss.xml", rss([(TITLE, u(amp), copy.published)]), content_type="application/rss+xml")
        second = run_newswatch(["crawl"], env)
        assert second.returncode == 0, second.stderr[-3000:]
        assert web.hits(amp) == 0 and web.hits(warsaw.path) == 1
        runs = {r["outlet"]: r for r in rows(db, "SELECT * FROM crawl_runs ORDER BY id")}
        assert runs["alpha"]["revised"] == 1 and runs["alpha"]["new"] == 0
        assert runs["beta"]["skipped_seen"] == 1 and runs["beta"]["fetched"] == 0
        alpha_id = rows(db, "SELECT id FROM articles WHERE url = ?", u(original.path))[0]["id"]
        versions = rows(db, "SELECT version, severity FROM article_versions WHERE article_id = ?", alpha_id)
        assert versions == [{"version": 1, "severity": "medium"}]
        assert rows(db, "SELECT version, severity FROM articles WHERE id = ?", alpha_id) == [
            {"version": 2, "severity": "high"}
        ]
        again = run_newswatch(["dispatch"], env)
        assert again.returncode == 0, again.stderr[-2000:]
        posts = slack.delivered()
        assert len(posts) == 4 and posts[-1].payload["thread_ts"] == root_ts
        assert "Updated, now HIGH" in posts[-1].payload["blocks"][0]["text"]["text"]

        # a third crawl: nothing changed, nothing fetched again, nothing sent
        assert run_newswatch(["crawl"], env).returncode == 0
        assert web.hits(original.path) == 2
        assert run_newswatch(["dispatch"], env).returncode == 0
        assert len(slack.delivered()) == 4
    finally:
        slack.stop()

    # the digest lists the story once, with its other outlets
    from alerts.digest import render, undelivered

    archive = Archive(db)
    try:
        content = render(
            undelivered(archive),
            ZoneInfo("Europe/Brussels"),
            {"alpha": "Alpha News", "beta": "Beta Daily", "gamma": "Gamma Post"},
        )
    finally:
        archive.close()
    assert content.subject.endswith(": 1 flagged story, 1 high")
    also = re.findall(r"also reported by (.+?)(?: \(English\))?:", content.text)  # outlet (language)
    names = {"Alpha News", "Beta Daily", "Gamma Post"}
    assert len(also) == 2 and set(also) < names  # the story once: the lead, then its other outlets
    assert content.html.count("Also reported by") == 1
    assert all(f"><bdi>{name}</bdi></a>" in content.html for name in also)


def test_one_event_in_three_languages_is_one_slack_message_and_two_thread_replies(
    web: FakeWeb, tmp_path: Path
) -> None:
    now = datetime.now(UTC).replace(microsecond=0)
    u = web.url
    services = (  # one outlet's English, Russian and Chinese services
        ("en", "Alpha English", ENGINES_EN_TITLE, ENGINES_EN, 5),
        ("ru", "Alpha Russian", ENGINES_RU_TITLE, ENGINES_RU, 4),
        ("zh", "Alpha Chinese", ENGINES_ZH_TITLE, ENGINES_ZH, 3),
    )
    tables = []
    for lang, name, title, text, hours in services:
        story = Story(
            f"/{lang}/a/engines/20{hours}1.html", title, text, now - timedelta(hours=hours), lang=lang
        )
        web.add(story.path, pangea_page(story, u(story.path)))
        web.add(
            f"/{lang}/rss.xml",
            rss([(title, u(story.path), story.published)]),
            content_type="application/rss+xml",
        )
        tables.append(outlet_table(f"alpha_{lang}", u(f"/{lang}/"), name=name, feeds=[u(f"/{lang}/rss.xml")]))
    outlets = write_outlets(tmp_path / "outlets.toml", *tables)
    slack = FakeSlack().start()
    try:
        db = tmp_path / "data" / "newswatch.db"
        env = slack_env(tmp_path, outlets, slack)
        crawled = run_newswatch(["crawl"], env)
        assert crawled.returncode == 0, crawled.stderr[-3000:]
        articles = rows(db, "SELECT outlet, language, story_id, story_relation, flagged FROM articles")
        assert len(articles) == 3 and all(a["flagged"] for a in articles)
        assert {a["story_id"] for a in articles} == {articles[0]["story_id"]}  # one story
        assert sorted(a["story_relation"] for a in articles) == ["first", "related", "related"]
        assert sorted(r["kind"] for r in rows(db, "SELECT kind FROM alerts")) == ["also", "also", "new"]

        sent = run_newswatch(["dispatch"], env)
        assert sent.returncode == 0, sent.stderr[-2000:]
        posts = slack.delivered()
        roots = [p for p in posts if not p.payload.get("thread_ts")]
        replies = [p for p in posts if p.payload.get("thread_ts")]
        assert len(roots) == 1 and len(replies) == 2  # not three top-level alerts
        root_ts = rows(db, "SELECT slack_ts FROM alerts WHERE kind = 'new'")[0]["slack_ts"]
        assert {p.payload["thread_ts"] for p in replies} == {root_ts}
        assert all("Also reported by" in p.payload["text"] for p in replies)
    finally:
        slack.stop()
