"""The review tier end to end: an article no rule flags, but where the ruleset's review query
holds, is archived with ``review`` 1 and severity ``review``; it never reaches the alert
channel, goes to NEWSWATCH_REVIEW_CHANNEL (once per story) only when that is set, closes the
digest under "Worth a look", has its Datasette view and its `newswatch search --review`.
The real `newswatch crawl` over loopback outlets, a rules folder of the test's own, the
loopback Slack, aiosmtpd and the real Datasette."""

from __future__ import annotations

import json
import re
import sqlite3
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.message import EmailMessage
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from aiosmtpd.controller import Controller
from fakeslack import FakeSlack
from fakeweb import FakeWeb
from helpers import crawl_env, datasette_server, outlet_table, rows, run_newswatch, write_outlets
from outlet_sites import Story, atom, pangea_page, paragraphs, wordpress_page
from test_digest import Inbox, free_port

from alerts.outbox import AlertView
from alerts.render import render_alert
from newswatch.archive import Archive
from newswatch.rules import load_ruleset

RULES = """
[settings]
threshold = 1.0
review = "CHINA AND RUSSIA AND SUPPORT"

[groups.CHINA]
aliases = ["china", "chinese", "beijing"]

[groups.RUSSIA]
aliases = ["russia", "russian", "kremlin"]

[groups.SUPPORT]
aliases = ["chips", "machine tools", "components"]

[groups.SUPPLY]
aliases = ["supplies", "supplied", "shipped"]

[[rules]]
id = "supply"
description = "China supplies Russia"
severity = "high"
scope = "sentence"
query = "CHINA AND RUSSIA AND SUPPORT AND SUPPLY"
"""
FLAGGED_TITLE = "Chinese firms shipped chips to Russia's army"
FLAGGED_SENTENCE = "Chinese firms shipped chips to Russia's army, customs records show."
REVIEW_TITLE = "Customs data show a surge in trade at the border"
REVIEW_SENTENCE = "Russia is buying chips and machine tools from Chinese traders, the records show."
QUIET_TITLE = "City council approves new tram line"
ALERT_CHANNEL, REVIEW_CHANNEL = "#china-russia", "#worth-a-look"


def rules_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "rules"
    folder.mkdir(exist_ok=True)
    (folder / "topic.toml").write_text(RULES, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[FakeWeb, Path, Path]]:
    """Two loopback outlets: alpha has a flagged article, a review article and a quiet one;
    beta carries a wire copy of the review article (the same story). (web, outlets, rules)"""
    tmp_path = tmp_path_factory.mktemp("review-site")
    web = FakeWeb().start()
    now = datetime.now(UTC).replace(microsecond=0)  # the crawl keeps what is recent
    u = web.url
    stories = {
        "flagged": Story(
            "/alpha/a/chips-shipped/2001.html",
            FLAGGED_TITLE,
            [*paragraphs("the port", 2), FLAGGED_SENTENCE, *paragraphs("the port", 4)[2:]],
            now - timedelta(hours=3),
        ),
        "review": Story(
            "/alpha/a/border-trade/2002.html",
            REVIEW_TITLE,
            [*paragraphs("the border", 2), REVIEW_SENTENCE, *paragraphs("the border", 4)[2:]],
            now - timedelta(hours=2),
        ),
        "quiet": Story("/alpha/a/tram-line/2003.html", QUIET_TITLE, paragraphs("the tram", 5), now),
    }
    for story in stories.values():
        web.add(story.path, pangea_page(story, u(story.path)))
    copy = Story("/beta/news/border-trade-surge", REVIEW_TITLE, stories["review"].paragraphs, now)
    web.add(copy.path, wordpress_page(copy, u(copy.path)))
    entries = [(s.title, u(s.path), s.published) for s in stories.values()]
    web.add("/alpha/feed.atom", atom(entries), content_type="application/atom+xml")
    web.add(
        "/beta/feed.atom",
        atom([(copy.title, u(copy.path), copy.published)]),
        content_type="application/atom+xml",
    )
    outlets = write_outlets(
        tmp_path / "outlets.toml",
        outlet_table("alpha", u("/alpha/"), name="Alpha News", feeds=[u("/alpha/feed.atom")]),
        outlet_table("beta", u("/beta/"), name="Beta Daily", feeds=[u("/beta/feed.atom")]),
    )
    yield web, outlets, rules_folder(tmp_path)
    web.stop()


def crawled_archive(tmp_path: Path, site: tuple[FakeWeb, Path, Path], **extra: str) -> Path:
    _, outlets, rules = site
    env = crawl_env(tmp_path, outlets, NEWSWATCH_RULES=str(rules), NEWSWATCH_HTTPCACHE="0", **extra)
    result = run_newswatch(["crawl"], env)
    assert result.returncode == 0, result.stderr[-3000:]
    return tmp_path / "data" / "newswatch.db"


@pytest.fixture(scope="module")
def without_channel(site: tuple[FakeWeb, Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The archive of a crawl without NEWSWATCH_REVIEW_CHANNEL."""
    return crawled_archive(tmp_path_factory.mktemp("without"), site)


@pytest.fixture(scope="module")
def with_channel(site: tuple[FakeWeb, Path, Path], tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The archive of a crawl with NEWSWATCH_REVIEW_CHANNEL set."""
    return crawled_archive(tmp_path_factory.mktemp("with"), site, NEWSWATCH_REVIEW_CHANNEL=REVIEW_CHANNEL)


def copy_of(db: Path, tmp_path: Path) -> Path:
    target = tmp_path / "data" / "newswatch.db"
    target.parent.mkdir(parents=True, exist_ok=True)
    source, copy = sqlite3.connect(db), sqlite3.connect(target)
    source.backup(copy)
    source.close()
    copy.close()
    return target


def slack_env(tmp_path: Path, db: Path, slack: FakeSlack, **extra: str) -> dict[str, str]:
    return crawl_env(
        tmp_path,
        tmp_path / "unused-outlets.toml",
        NEWSWATCH_DB=str(db),
        SLACK_BOT_TOKEN="xoxb-test-token",
        NEWSWATCH_SLACK_API_URL=slack.api_url,
        NEWSWATCH_SLACK_CHANNEL=ALERT_CHANNEL,
        NEWSWATCH_SLACK_MIN_INTERVAL="0.01",
        **extra,
    )


# --- the archive ---------------------------------------------------------------------------------


def test_a_review_article_is_archived_with_review_1_and_severity_review_and_not_counted_flagged(
    without_channel: Path,
) -> None:
    articles = {
        r["title"]: r
        for r in rows(
            without_channel, "SELECT title, outlet, flagged, review, severity, evidence FROM articles"
        )
    }
    assert len(articles) == 3  # the copy at beta is archived under the same title
    flagged, review, quiet = articles[FLAGGED_TITLE], articles[REVIEW_TITLE], articles[QUIET_TITLE]
    assert (flagged["flagged"], flagged["review"], flagged["severity"]) == (1, 0, "high")
    assert (review["flagged"], review["review"], review["severity"]) == (0, 1, "review")
    assert review["evidence"] == REVIEW_SENTENCE
    assert (quiet["flagged"], quiet["review"], quiet["severity"]) == (0, 0, None)
    both = rows(without_channel, "SELECT outlet FROM articles WHERE review = 1 ORDER BY outlet")
    assert [r["outlet"] for r in both] == ["alpha", "beta"]
    assert rows(without_channel, "SELECT sum(flagged) AS n FROM crawl_runs") == [{"n": 1}]
    assert rows(without_channel, "SELECT count(*) AS n FROM stories WHERE flagged = 1") == [{"n": 1}]


def test_re_judging_keeps_the_review_mark_current(without_channel: Path, tmp_path: Path) -> None:
    db = copy_of(without_channel, tmp_path)
    matcher = load_ruleset(rules_folder(tmp_path))
    archive = Archive(db)
    try:
        (article_id,) = archive.conn.execute(
            "SELECT id FROM articles WHERE title = ? AND outlet = 'alpha'", (REVIEW_TITLE,)
        ).fetchone()

        def state() -> tuple[int, int, str | None]:
            found = archive.conn.execute(
                "SELECT flagged, review, severity FROM articles WHERE id = ?", (article_id,)
            ).fetchone()
            return found[0], found[1], found[2]

        assert archive.verdicts.update(article_id, matcher.classify("", FLAGGED_SENTENCE), "t") == "new"
        assert state() == (1, 0, "high")
        assert archive.verdicts.update(article_id, matcher.classify("", REVIEW_SENTENCE), "t") is None
        assert state() == (0, 1, "review")  # no review alert: the crawl had no review channel
        assert archive.verdicts.update(article_id, matcher.classify("", "Nothing to see."), "t") is None
        assert state() == (0, 0, None)
    finally:
        archive.close()


# --- Slack ---------------------------------------------------------------------------------------


def test_without_a_review_channel_a_review_article_is_never_queued_nor_posted(
    without_channel: Path, tmp_path: Path
) -> None:
    db = copy_of(without_channel, tmp_path)
    assert rows(db, "SELECT count(*) AS n FROM articles WHERE review = 1") == [{"n": 2}]  # there to post
    alerted = rows(db, "SELECT a.title, al.kind FROM alerts al JOIN articles a ON a.id = al.article_id")
    assert alerted == [{"title": FLAGGED_TITLE, "kind": "new"}]
    slack = FakeSlack().start()
    try:
        result = run_newswatch(["dispatch"], slack_env(tmp_path, db, slack))
        assert result.returncode == 0, result.stderr
        posts = slack.delivered()
    finally:
        slack.stop()
    assert len(posts) == 1 and posts[0].payload["channel"] == ALERT_CHANNEL
    assert FLAGGED_TITLE in posts[0].payload["text"]
    assert not any(REVIEW_TITLE in json.dumps(p.payload) for p in posts)


def test_with_a_review_channel_each_review_story_is_posted_there_once(
    with_channel: Path, tmp_path: Path
) -> None:
    db = copy_of(with_channel, tmp_path)
    alerted = rows(
        db,
        "SELECT a.title, a.outlet, al.kind, al.severity FROM alerts al JOIN articles a ON a.id = al.article_id",
    )
    review_alerts = [a for a in alerted if a["kind"] == "review"]
    assert [(a["title"], a["severity"]) for a in review_alerts] == [(REVIEW_TITLE, "review")]  # one per story
    slack = FakeSlack().start()
    env = slack_env(tmp_path, db, slack, NEWSWATCH_REVIEW_CHANNEL=REVIEW_CHANNEL)
    try:
        result = run_newswatch(["dispatch"], env)
        assert result.returncode == 0, result.stderr
        again = run_newswatch(["dispatch"], env)
        assert again.returncode == 0, again.stderr
        posts = slack.delivered()
    finally:
        slack.stop()
    by_channel = {p.payload["channel"]: p.payload for p in posts}
    assert len(posts) == 2 and set(by_channel) == {ALERT_CHANNEL, REVIEW_CHANNEL}  # nothing twice
    assert REVIEW_TITLE not in json.dumps(by_channel[ALERT_CHANNEL])
    review = by_channel[REVIEW_CHANNEL]
    assert review["text"].startswith("Worth a look — no rule flagged it: " + REVIEW_TITLE)
    assert review.get("thread_ts") in (None, "")
    shown = json.dumps(review["blocks"], ensure_ascii=False)
    assert REVIEW_SENTENCE in shown and "Reported by 2 outlets: " in shown
    sent = rows(db, "SELECT status, transport FROM alerts WHERE kind = 'review'")
    assert sent == [{"status": "sent", "transport": "slack"}]


def test_a_refused_review_channel_never_holds_back_the_alert_channel(
    with_channel: Path, tmp_path: Path
) -> None:
    db = copy_of(with_channel, tmp_path)
    slack = FakeSlack().start()
    slack.script("ok", "channel_not_found")  # the flagged alert goes first, then the review one
    try:
        env = slack_env(tmp_path, db, slack, NEWSWATCH_REVIEW_CHANNEL="#no-such-channel")
        result = run_newswatch(["dispatch"], env)
    finally:
        slack.stop()
    assert result.returncode == 1  # the configuration is wrong: said to cron
    state = {r["kind"]: r for r in rows(db, "SELECT kind, status, attempts FROM alerts")}
    assert state["new"]["status"] == "sent"
    assert (state["review"]["status"], state["review"]["attempts"]) == ("pending", 0)  # kept, nothing spent
    issues = rows(db, "SELECT outlet, issue FROM health WHERE resolved_at IS NULL")
    assert issues == [{"outlet": "slack", "issue": "review_delivery"}]


def test_a_review_message_says_no_rule_flagged_it_and_escapes_the_article() -> None:
    view = AlertView(
        id=1,
        article_id=1,
        kind="review",
        severity="review",
        attempts=0,
        url="https://example.org/a",
        title="<!channel> trade",
        outlet="alpha",
        published="2026-11-22 13:05:00",
        rules=(),
        evidence={"field": "text", "sentence": "Russia buys <chips> from China.", "highlights": []},
    )
    message = render_alert(view, ZoneInfo("Europe/Brussels"), "Alpha News")
    everything = json.dumps(message.blocks) + message.text
    assert "<!channel>" not in everything and "&lt;chips&gt;" in everything
    assert message.blocks[0]["text"]["text"].startswith(":mag: Worth a look — no rule flagged it: *<https://")
    assert "22 Nov 2026 14:05 CET" in message.blocks[1]["elements"][0]["text"]


# --- the digest, Datasette, search, classify ------------------------------------------------------


def test_the_digest_ends_with_worth_a_look_in_text_and_html(without_channel: Path, tmp_path: Path) -> None:
    db = copy_of(without_channel, tmp_path)
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        env = crawl_env(
            tmp_path,
            tmp_path / "unused-outlets.toml",
            NEWSWATCH_DB=str(db),
            NEWSWATCH_SMTP_HOST="127.0.0.1",
            NEWSWATCH_SMTP_PORT=str(controller.port),
            NEWSWATCH_SMTP_SECURITY="none",
            NEWSWATCH_DIGEST_TO="analyst@example.org",
        )
        result = run_newswatch(["digest", "--send"], env)
        assert result.returncode == 0, result.stderr
    finally:
        controller.stop()
    (message,) = inbox.messages
    assert message["Subject"].endswith(": 1 flagged story, 1 high, 1 worth a look")
    assert isinstance(message, EmailMessage)
    text_part, html_part = message.get_body(("plain",)), message.get_body(("html",))
    assert text_part is not None and html_part is not None
    text, html = text_part.get_content(), html_part.get_content()
    assert re.search(r"== [A-Z ]+ \(1\) ==\r?\n\r?\n\* \[HIGH[^]]*\] " + re.escape(FLAGGED_TITLE), text)
    assert text.index(FLAGGED_TITLE) < text.index("== WORTH A LOOK (1) ==")
    worth = text[text.index("== WORTH A LOOK (1) ==") :]
    assert worth.count(REVIEW_TITLE) == 1 and f"> {REVIEW_SENTENCE}" in worth
    # the story once: its earliest report leads, the other outlet's copy is "also reported by"
    assert "/alpha/a/border-trade/2002.html" in worth and "/beta/news/border-trade-surge" in worth
    assert worth.count("also reported by ") == 1
    assert html.index(FLAGGED_TITLE) < html.index("Worth a look (1)") < html.index(REVIEW_TITLE)
    assert REVIEW_SENTENCE in html
    held = rows(db, "SELECT count(*) AS n FROM digest_items")
    assert held == [{"n": 3}]  # the flagged article and both review articles: never listed again


def test_the_datasette_review_view_lists_review_articles_only(without_channel: Path, tmp_path: Path) -> None:
    env = crawl_env(tmp_path, tmp_path / "unused-outlets.toml", NEWSWATCH_DB=str(without_channel))
    with datasette_server(env) as base:
        with urllib.request.urlopen(
            f"{base}/newswatch/review_articles.json?_shape=array", timeout=10
        ) as answer:
            listed = json.loads(answer.read())
        with urllib.request.urlopen(f"{base}/newswatch/review_articles", timeout=10) as answer:
            page = answer.read().decode("utf-8")
    assert sorted(r["outlet"] for r in listed) == ["alpha", "beta"]
    assert all(REVIEW_TITLE in r["title"] and r["evidence"] == REVIEW_SENTENCE for r in listed)
    assert "Worth a look" in page and '<a href="http://127.0.0.1:' in page  # the linked title
    assert FLAGGED_TITLE not in page


def test_search_review_finds_review_articles_only(without_channel: Path, tmp_path: Path) -> None:
    env = crawl_env(tmp_path, tmp_path / "unused-outlets.toml", NEWSWATCH_DB=str(without_channel))

    def titles(*args: str) -> list[str]:
        result = run_newswatch(["search", "chips", *args, "--json"], env)
        assert result.returncode == 0, result.stderr
        return sorted(json.loads(line)["title"] for line in result.stdout.splitlines())

    assert titles("--review") == [REVIEW_TITLE, REVIEW_TITLE]
    assert titles("--flagged") == [FLAGGED_TITLE]
    assert titles() == sorted([FLAGGED_TITLE, REVIEW_TITLE, REVIEW_TITLE])
    both = run_newswatch(["search", "chips", "--review", "--flagged"], env)
    assert both.returncode == 2 and "exclude each other" in both.stderr


def test_classify_jsonl_prints_review_beside_flagged(tmp_path: Path) -> None:
    lines = [
        {"id": "flag", "title": "", "text": FLAGGED_SENTENCE},
        {"id": "look", "title": "", "text": REVIEW_SENTENCE},
        {"id": "none", "title": "", "text": "The tram line opens in May."},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(line) for line in lines), encoding="utf-8")
    env = crawl_env(tmp_path, tmp_path / "unused-outlets.toml")
    result = run_newswatch(["classify", "--jsonl", str(source), "--rules", str(rules_folder(tmp_path))], env)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert list(out[0])[:3] == ["id", "flagged", "review"]
    assert [(o["flagged"], o["review"], o["severity"]) for o in out] == [
        (True, False, "high"),
        (False, True, "review"),
        (False, False, None),
    ]
    assert out[1]["evidence"] == [REVIEW_SENTENCE]
