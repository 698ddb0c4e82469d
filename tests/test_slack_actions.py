"""The buttons on alert messages, end to end in one process: the real service (scheduler.py)
posts alerts with buttons to a loopback Slack (tests/fakeslack.py), its Socket Mode client
(slack-sdk's built-in one) connects to a loopback WebSocket server (tests/fakesocket.py) that
sends ``block_actions`` envelopes the way Slack does, and the archive, the acknowledgements and
the Slack calls show what each click did."""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fakeslack import Call, FakeSlack
from fakesocket import FakeSocket, envelope
from helpers import rows, wait_for
from test_review_tier import RULES as REVIEW_RULES
from test_stories import FACTORY, FACTORY_TITLE, RELATED, RELATED_TITLE, store, wire_copy

from alerts.actions import buttons_block, read_clicks
from newswatch.archive import Archive
from newswatch.errors import SettingError
from newswatch.stories import StoryConfig, StoryIndex

T0 = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
WAIT = 10.0  # seconds a condition may take at most (they take well under one)


class Clock:
    """The service's and the archive's "now", moved by the test."""

    def __init__(self, now: datetime):
        self.now = now

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Wired:
    service: Any
    slack: FakeSlack
    sock: FakeSocket
    db: Path
    clock: Clock
    index: StoryIndex
    mark: int = 0  # chat.update calls before the last click

    def archive(self) -> Archive:
        return Archive(self.db, clock=self.clock)

    def store(self, outlet: str, path: str, title: str, text: str, when: datetime) -> int:
        archive = self.archive()
        try:
            article_id, *_ = store(archive, self.index, outlet, path, title, text, when)
        finally:
            archive.close()
        assert article_id is not None
        return article_id

    def alert(self, article_id: int, kind: str) -> dict[str, Any]:
        (row,) = rows(self.db, "SELECT * FROM alerts WHERE article_id = ? AND kind = ?", article_id, kind)
        return row

    def posted(self, alert: dict[str, Any]) -> Call:
        """The chat.postMessage call that posted the alert (its buttons name it)."""
        value = f"{alert['id']}:{alert['article_id']}"
        (call,) = [
            c
            for c in self.slack.delivered()
            if any(
                e.get("value") == value
                for b in _blocks(c.payload)
                if b["type"] == "actions"
                for e in b["elements"]
            )
        ]
        return call

    def click(
        self, alert: dict[str, Any], action: str, user: str, envelope_id: str, **override: Any
    ) -> dict[str, Any]:
        """Press a button of the alert's message, as Slack sends it, and wait for the ack."""
        payload = self.payload(alert, action, user, **override)
        self.mark = len(self.updates())
        self.sock.send(envelope(payload, envelope_id))
        assert wait_for(lambda: envelope_id in self.sock.acks, WAIT), "not acknowledged"
        return payload

    def payload(self, alert: dict[str, Any], action: str, user: str, **override: Any) -> dict[str, Any]:
        """The ``block_actions`` payload of a press on a button of the alert's message (the
        value is the one the message carries, unless ``value`` says otherwise)."""
        blocks = self.posted(alert).payload["blocks"]
        blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
        (buttons,) = [b for b in blocks if b["type"] == "actions"]
        (button,) = [e for e in buttons["elements"] if e["action_id"] == action]
        payload = {
            "type": "block_actions",
            "user": {"id": f"U{user.upper()}", "username": user, "name": user, "team_id": "T1"},
            "container": {
                "type": "message",
                "message_ts": alert["slack_ts"],
                "channel_id": alert["channel"],
                "is_ephemeral": False,
            },
            "channel": {"id": alert["channel"], "name": "c"},
            "message": {"ts": alert["slack_ts"], "blocks": blocks},
            "actions": [
                {
                    "type": "button",
                    "action_id": action,
                    "block_id": buttons["block_id"],
                    "value": override.get("value", button["value"]),
                    "action_ts": "1.2",
                }
            ],
        }
        if "message_ts" in override:
            payload["container"]["message_ts"] = payload["message"]["ts"] = override["message_ts"]
        return payload

    def updates(self) -> list[dict[str, Any]]:
        return [c.payload for c in self.slack.calls if c.method == "chat.update"]

    def shown(self) -> dict[str, Any]:
        """The chat.update the last click made."""
        assert wait_for(lambda: len(self.updates()) > self.mark, WAIT), "the message was not updated"
        return self.updates()[self.mark]


def _blocks(payload: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = payload["blocks"]
    return json.loads(blocks) if isinstance(blocks, str) else blocks


def _context(payload: dict[str, Any]) -> list[str]:
    return [e["text"] for b in _blocks(payload) if b["type"] == "context" for e in b["elements"]]


def service_for(db: Path, slack: FakeSlack, clock: Clock, **extra: str) -> Any:
    from scrapy.settings import Settings

    import settings as project
    from scheduler import Service

    values = Settings()
    values.setmodule(project, priority="project")
    values.update(
        {
            "NEWSWATCH_DB": str(db),
            "NEWSWATCH_DIGEST_AT": "03:00 UTC",
            "SLACK_BOT_TOKEN": "xoxb-test",
            "SLACK_APP_TOKEN": "xapp-1-test",
            "NEWSWATCH_SLACK_API_URL": slack.api_url,
            "NEWSWATCH_SLACK_CHANNEL": "#china-russia",
            "NEWSWATCH_SLACK_MIN_INTERVAL": "0",
            "NEWSWATCH_TIMEZONE": "Europe/Brussels",
            **extra,
        },
        priority="cmdline",
    )
    return Service(values, outlets=[], clock=clock)


@pytest.fixture
def wired(tmp_path: Path, slack: FakeSlack) -> Iterator[Wired]:
    """A story of two outlets' reports (rferl first, then politico: a reply), delivered with
    buttons, and the service's Socket Mode client connected to the loopback server."""
    sock = FakeSocket().start()
    slack.socket_url = sock.url
    clock = Clock(T0 + timedelta(hours=3))
    db = tmp_path / "data" / "newswatch.db"
    db.parent.mkdir()
    index = StoryIndex(StoryConfig(copy_window=timedelta(days=30)))
    service = service_for(db, slack, clock)
    wired = Wired(service, slack, sock, db, clock, index)
    wired.store("rferl", "/a/1", FACTORY_TITLE, "\n\n".join(FACTORY), T0)
    wired.store("politico", "/p/2", RELATED_TITLE, "\n\n".join(RELATED), T0 + timedelta(hours=1))
    service.deliver()
    assert len(slack.posts()) == 2
    service.start_feedback(ping_interval=0.2, retry=0.2)
    try:
        assert wait_for(lambda: sock.connected() == 1, WAIT), "the Socket Mode client did not connect"
        yield wired
    finally:
        service.stop_feedback()
        sock.stop()


# --- the buttons ---------------------------------------------------------------------------------


def test_every_alert_message_carries_the_four_buttons_naming_its_alert_and_article(wired: Wired) -> None:
    for article_id, kind in ((1, "new"), (2, "also")):
        alert = wired.alert(article_id, kind)
        blocks = _blocks(wired.posted(alert).payload)
        assert blocks[-1] == buttons_block(alert["id"], article_id)
        assert [e["text"]["text"] for e in blocks[-1]["elements"]] == [
            "Relevant",
            "Not relevant",
            "Mute story",
            "Wrong story",
        ]
        assert {e["value"] for e in blocks[-1]["elements"]} == {f"{alert['id']}:{article_id}"}


def test_without_an_app_token_messages_carry_no_buttons_and_no_socket_is_opened(
    tmp_path: Path, slack: FakeSlack
) -> None:
    db = tmp_path / "data" / "newswatch.db"
    db.parent.mkdir()
    clock = Clock(T0 + timedelta(hours=3))
    wired = Wired(
        service_for(db, slack, clock, SLACK_APP_TOKEN=""), slack, FakeSocket(), db, clock, StoryIndex()
    )
    wired.store("rferl", "/a/1", FACTORY_TITLE, "\n\n".join(FACTORY), T0)
    wired.service.deliver()
    wired.service.start_feedback()
    assert wired.service.feedback is None
    (post,) = slack.posts()
    assert "actions" not in {b["type"] for b in _blocks(post.payload)}
    assert [c.method for c in slack.calls] == ["chat.postMessage"]


def test_an_app_token_must_be_one_and_needs_the_bot_token(tmp_path: Path, slack: FakeSlack) -> None:
    from newswatch.config.environment import NewswatchSettings

    with pytest.raises(ValueError, match="xapp-"):
        NewswatchSettings.model_validate({"SLACK_APP_TOKEN": "xoxb-not-an-app-token"})
    with pytest.raises(SettingError, match="SLACK_APP_TOKEN needs SLACK_BOT_TOKEN"):
        service_for(tmp_path / "newswatch.db", slack, Clock(T0), SLACK_BOT_TOKEN="")


# --- clicks --------------------------------------------------------------------------------------


def test_each_judgement_is_acknowledged_stored_and_shown_on_the_message_beside_the_others(
    wired: Wired,
) -> None:
    first = wired.alert(1, "new")
    posted = _blocks(wired.posted(first).payload)
    wired.click(first, "newswatch_irrelevant", "ana", "env-1")
    wired.shown()
    wired.click(first, "newswatch_relevant", "ben", "env-2")
    update = wired.shown()
    assert wired.sock.acks == ["env-1", "env-2"]
    labels = rows(wired.db, "SELECT article_id, label, who, source FROM labels ORDER BY id")
    assert labels == [
        {"article_id": 1, "label": "irrelevant", "who": "@ana", "source": "slack"},
        {"article_id": 1, "label": "relevant", "who": "@ben", "source": "slack"},
    ]
    assert (update["channel"], update["ts"]) == (first["channel"], first["slack_ts"])
    blocks = _blocks(update)
    assert blocks[: len(posted) - 1] == posted[:-1]  # the message's content, as posted
    assert blocks[-2]["elements"][0]["text"] == "Not relevant — marked by @ana · Relevant — marked by @ben"
    assert blocks[-1] == posted[-1]  # the buttons stay
    # the service stops: the client lets go of the connection and its threads end
    feedback = wired.service.feedback
    wired.service.stop_feedback()
    assert wait_for(lambda: wired.sock.connected() == 0, WAIT)
    client = feedback.client
    runners = (client.current_session_runner, client.current_app_monitor, client.message_processor)
    assert all(runner.thread is None for runner in runners)
    assert not [t for t in threading.enumerate() if t.name.startswith(("slack-clicks", "slack-socket"))]


def test_a_click_is_acknowledged_before_slack_answers_the_message_update(
    wired: Wired, caplog: pytest.LogCaptureFixture
) -> None:
    """The acknowledgement goes out first: a chat.update that hangs (for the transport's 10 s)
    does not hold it up, and the judgement is stored even when the update fails."""
    caplog.set_level(logging.WARNING, logger="newswatch.service")
    wired.slack.script("hang")
    first = wired.alert(1, "new")
    wired.mark = len(wired.updates())
    for n, user in enumerate(("ana", "ben", "cem", "dan")):  # more clicks than the client has workers
        wired.sock.send(envelope(wired.payload(first, "newswatch_relevant", user), f"env-{n}"))
    assert wait_for(lambda: len(wired.sock.acks) == 4, 5)
    assert wait_for(lambda: len(wired.updates()) == wired.mark + 1, 5)  # the first one's update hangs…
    assert rows(wired.db, "SELECT label, who FROM labels") == [{"label": "relevant", "who": "@ana"}]
    wired.slack.release()  # …its answer is lost; the other clicks are handled in turn
    assert wait_for(lambda: any("message not updated" in r.getMessage() for r in caplog.records), WAIT)
    assert wait_for(lambda: len(rows(wired.db, "SELECT id FROM labels")) == 4, WAIT)
    assert wait_for(lambda: len(wired.updates()) == wired.mark + 4, WAIT)


def test_mute_story_drops_the_storys_replies_until_the_mute_ends(wired: Wired) -> None:
    first = wired.alert(1, "new")
    wired.click(first, "newswatch_mute", "ana", "env-mute")
    shown = wired.shown()
    mute = rows(wired.db, "SELECT story_id, until, who FROM story_mutes")
    assert mute == [{"story_id": 1, "until": "2026-11-27 12:00:00", "who": "@ana"}]  # 7 days from the click
    assert "Story muted until 27 Nov 2026 13:00 CET by @ana" in _context(shown)
    # a further outlet's copy during the mute: archived, its reply not posted
    posts = len(wired.slack.posts())
    during = wired.store("kyiv", "/k/3", FACTORY_TITLE, wire_copy(FACTORY), T0 + timedelta(hours=2))
    wired.service.deliver()
    assert len(wired.slack.posts()) == posts
    muted = wired.alert(during, "also")
    assert muted["status"] == "muted" and muted["attempts"] == 0
    assert muted["last_error"] == "story muted until 2026-11-27 12:00:00 UTC"
    assert rows(wired.db, "SELECT story_id FROM articles WHERE id = ?", during) == [{"story_id": 1}]
    # eight days later the mute has ended: the next outlet's reply goes into the thread again
    wired.clock.now = T0 + timedelta(days=8)
    after = wired.store("dw", "/d/4", FACTORY_TITLE, wire_copy(FACTORY), T0 + timedelta(days=8))
    wired.service.deliver()
    reply = wired.alert(after, "also")
    assert reply["status"] == "sent" and reply["thread_ts"] == first["slack_ts"]
    assert wired.alert(during, "also")["status"] == "muted"  # dropped for good, never posted late


def test_wrong_story_moves_the_report_into_a_story_of_its_own_posted_as_a_new_message(wired: Wired) -> None:
    first, reply = wired.alert(1, "new"), wired.alert(2, "also")
    assert reply["thread_ts"] == first["slack_ts"]
    wired.click(reply, "newswatch_wrong_story", "ben", "env-wrong")
    shown = wired.shown()
    assert shown["ts"] == reply["slack_ts"]
    assert "Wrong story — moved to a story of its own by @ben" in _context(shown)
    stories = rows(
        wired.db,
        "SELECT id, first_article_id, articles, outlets, outlet_list, flagged, slack_refresh FROM stories ORDER BY id",
    )
    assert [{k: v for k, v in s.items() if k != "slack_refresh"} for s in stories] == [
        {
            "id": 1,
            "first_article_id": 1,
            "articles": 1,
            "outlets": 1,
            "outlet_list": '["rferl"]',
            "flagged": 1,
        },
        {
            "id": 2,
            "first_article_id": 2,
            "articles": 1,
            "outlets": 1,
            "outlet_list": '["politico"]',
            "flagged": 1,
        },
    ]
    assert rows(wired.db, "SELECT article_id, from_story, to_story, who FROM story_moves") == [
        {"article_id": 2, "from_story": 1, "to_story": 2, "who": "@ben"}
    ]
    wired.service.deliver()  # what the click asked for (request_delivery) in a running service
    moved = wired.alert(2, "new")
    assert moved["status"] == "sent" and moved["thread_ts"] is None  # a message of its own
    post = wired.posted(moved)
    assert "thread_ts" not in post.payload or post.payload["thread_ts"] in (None, "None", "")
    # the story it left is shown again with its one outlet
    refreshed = [u for u in wired.updates()[wired.mark + 1 :] if u["ts"] == first["slack_ts"]]
    assert refreshed and not any("Reported by" in t for t in _context(refreshed[-1]))


def test_the_client_reconnects_after_the_socket_drops_and_the_next_click_works(wired: Wired) -> None:
    # Slack asks for a new connection (it does every few hours)
    wired.sock.send({"type": "disconnect", "reason": "refresh_requested"})
    assert wait_for(lambda: wired.sock.handshakes == 2, WAIT)
    wired.sock.drop()  # no close frame: the connection just dies
    assert wait_for(lambda: wired.sock.handshakes == 3 and wired.sock.connected() == 1, WAIT)
    opened = [c for c in wired.slack.calls if c.method == "apps.connections.open"]
    assert len(opened) == 3 and {c.token for c in opened} == {"xapp-1-test"}
    wired.click(wired.alert(1, "new"), "newswatch_relevant", "ana", "env-after")
    assert wait_for(lambda: rows(wired.db, "SELECT label, who FROM labels"), WAIT)
    assert rows(wired.db, "SELECT label, who FROM labels") == [{"label": "relevant", "who": "@ana"}]


def test_an_unknown_action_and_forged_ids_are_acknowledged_ignored_and_logged(
    wired: Wired, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="newswatch.service")
    first, reply = wired.alert(1, "new"), wired.alert(2, "also")
    wired.click(first, "newswatch_relevant", "eve", "env-genuine")  # the one click that counts
    payload = {
        "type": "block_actions",
        "user": {"id": "UEVE", "username": "eve"},
        "container": {"message_ts": first["slack_ts"], "channel_id": first["channel"]},
        "actions": [{"action_id": "delete_everything", "value": f"{first['id']}:1"}],
    }
    wired.sock.send(envelope(payload, "env-unknown-action"))
    # the alert of one article with another's id, a real pair on another message, no such alert
    wired.click(first, "newswatch_irrelevant", "eve", "env-forged", value=f"{first['id']}:2")
    wired.click(first, "newswatch_irrelevant", "eve", "env-moved", message_ts=reply["slack_ts"])
    wired.click(first, "newswatch_irrelevant", "eve", "env-missing", value="999:1")
    assert wait_for(lambda: "env-unknown-action" in wired.sock.acks, WAIT)
    assert wait_for(lambda: len([r for r in caplog.records if "ignored" in r.getMessage()]) == 4, WAIT)
    labels = rows(wired.db, "SELECT article_id, label, who FROM labels")
    assert labels == [{"article_id": 1, "label": "relevant", "who": "@eve"}]  # only the genuine click
    ignored = sorted(r.getMessage() for r in caplog.records if "ignored" in r.getMessage())
    assert ignored == sorted(
        [
            "Slack click ignored: unknown action 'delete_everything'",
            f"Slack click ignored (irrelevant by @eve): alert {first['id']} is not of article 2",
            f"Slack click ignored (irrelevant by @eve): alert {first['id']} is not the message {reply['slack_ts']}",
            "Slack click ignored (irrelevant by @eve): no alert 999",
        ]
    )
    assert rows(wired.db, "SELECT count(*) AS n FROM story_mutes") == [{"n": 0}]


def test_a_click_is_read_with_who_made_it_and_unreadable_values_are_left_out() -> None:
    payload = {
        "user": {"id": "U1", "username": "ana", "name": "Ana"},
        "channel": {"id": "C1"},
        "container": {"message_ts": "1.2"},
        "actions": [
            {"action_id": "newswatch_mute", "value": "5:7"},
            {"action_id": "newswatch_relevant", "value": "five:7"},
        ],
    }
    clicks, ignored = read_clicks(payload)
    assert [(c.action, c.alert_id, c.article_id, c.who, c.channel, c.message_ts) for c in clicks] == [
        ("mute", 5, 7, "@ana", "C1", "1.2")
    ]
    assert ignored == ["newswatch_relevant: unreadable value 'five:7'"]


def test_wrong_story_on_a_storys_first_message_gives_the_story_it_left_a_first_message_of_its_own(
    wired: Wired,
) -> None:
    first, reply = wired.alert(1, "new"), wired.alert(2, "also")
    wired.click(first, "newswatch_wrong_story", "ben", "env-wrong-first")
    assert "Wrong story — moved to a story of its own by @ben" in _context(wired.shown())
    assert rows(wired.db, "SELECT id, story_id FROM articles ORDER BY id") == [
        {"id": 1, "story_id": 2},
        {"id": 2, "story_id": 1},
    ]
    assert rows(wired.db, "SELECT id, first_article_id, articles, outlet_list FROM stories ORDER BY id") == [
        {"id": 1, "first_article_id": 2, "articles": 1, "outlet_list": '["politico"]'},
        {"id": 2, "first_article_id": 1, "articles": 1, "outlet_list": '["rferl"]'},
    ]
    wired.service.deliver()
    left = wired.alert(2, "new")  # politico's report now leads the story rferl's left
    assert left["status"] == "sent" and left["thread_ts"] is None
    assert wired.alert(1, "new")["status"] == "sent" and reply["status"] == "sent"  # nothing re-posted
    assert len(wired.slack.posts()) == 3


def test_a_judgement_on_a_review_channel_message_is_stored_as_made_in_review(
    tmp_path: Path, slack: FakeSlack
) -> None:
    from newswatch.records import Article, Candidate, Extraction
    from newswatch.rules import load_ruleset
    from newswatch.stories import fingerprint

    (tmp_path / "rules").mkdir()
    (tmp_path / "rules" / "topic.toml").write_text(REVIEW_RULES, encoding="utf-8")
    title = "Customs data show a surge in trade at the border"
    text = "Russia is buying chips and machine tools from Chinese traders, the records show. " * 4
    url = "https://alpha.example.org/a/1"
    candidate = Candidate(
        url=url, outlet="alpha", source="https://alpha.example.org/feed", source_kind="feed"
    )
    article = Article(url=url, final_url=url, outlet="alpha", fetched_at=T0, html="", candidate=candidate)
    article.verdict = load_ruleset(tmp_path / "rules").classify(title, text)
    assert article.verdict.review and not article.verdict.flagged
    db = tmp_path / "data" / "newswatch.db"
    db.parent.mkdir()
    clock = Clock(T0 + timedelta(hours=1))
    archive = Archive(db, clock=clock, review_alerts=True)
    archive.articles.store(
        article,
        Extraction(text=text, title=title, published=T0),
        url,
        "run",
        fingerprint(title, text),
        StoryIndex(),
    )
    archive.close()
    sock = FakeSocket().start()
    slack.socket_url = sock.url
    service = service_for(
        db, slack, clock, NEWSWATCH_REVIEW_CHANNEL="#worth-a-look", NEWSWATCH_RULES=str(tmp_path / "rules")
    )
    wired = Wired(service, slack, sock, db, clock, StoryIndex())
    try:
        service.deliver()
        review = wired.alert(1, "review")
        assert review["status"] == "sent" and wired.posted(review).payload["channel"] == "#worth-a-look"
        service.start_feedback(ping_interval=0.2, retry=0.2)
        assert wait_for(lambda: sock.connected() == 1, WAIT)
        wired.click(review, "newswatch_relevant", "dana", "env-review")
        assert "Relevant — marked by @dana" in _context(wired.shown())
        assert rows(db, "SELECT article_id, label, who, source FROM labels") == [
            {"article_id": 1, "label": "relevant", "who": "@dana", "source": "review"}
        ]
    finally:
        service.stop_feedback()
        sock.stop()
