"""A story's claim status: the strongest of its flagged reports so far, its history in
``story_claims``, and the one thread reply ("Now DESIGNATED: …") a raise posts in an alerted
story's thread — through the real rules and cues, a real archive and a loopback Slack."""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import urllib.request
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fakeslack import Call, FakeSlack
from helpers import ROOT, crawl_env, datasette_server
from outlet_sites import paragraphs

from alerts import dispatch, make_transport
from alerts.config import AlertConfig
from newswatch.archive import Archive, Stored
from newswatch.claims import ClaimCues, classify_claim, load_cues
from newswatch.records import Article, Candidate, Extraction
from newswatch.rules import load_ruleset
from newswatch.rules.engine import Matcher
from newswatch.stories import StoryIndex, fingerprint

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
#: One event's text: every report below is a copy of it (syndicated), so all are one story;
#: the headline decides each report's claim status.
BODY = "\n".join(
    ["Chinese companies shipped drone engines to Russia's army, the report said.", *paragraphs("engines", 8)]
)
ALLEGED = "Chinese engines power Russian attack drones, report says"
OFFICIAL = "NATO says China is a decisive enabler of Russia's war"
DESIGNATED = "US Treasury imposes sanctions on Chinese drone-engine makers"
DENIED = "Beijing denies supplying drone engines to Russia"
HOSTILE = "<!channel> Treasury imposes sanctions on Chinese firms <https://evil.example|click> & more"
NAMES = {"rferl": "RFE/RL", "reuters": "Reuters", "dw": "DW"}


class Clock:
    """The archive's clock, moved by the test."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def tick(self, seconds: float = 60) -> None:
        self.now += timedelta(seconds=seconds)


_RULES: dict[str, tuple[Matcher, ClaimCues]] = {}


def rules() -> tuple[Matcher, ClaimCues]:
    """The project's rules and claim cues, compiled once."""
    if not _RULES:
        _RULES["default"] = (load_ruleset(ROOT / "config" / "rules"), load_cues())
    return _RULES["default"]


def store(
    archive: Archive,
    stories: StoryIndex,
    outlet: str,
    slug: str,
    title: str,
    when: datetime,
    body: str = BODY,
    revisit: bool = False,
    judged: str | None = None,
) -> Stored:
    """Classify a report as the crawl does (verdict, then the claim of a flagged one) and store
    it; ``judged``: the text the verdict was given on instead (as older rules saw it)."""
    matcher, cues = rules()
    url = f"https://{outlet}.example.org/world/{slug}"
    candidate = Candidate(
        url=url, outlet=outlet, source=f"https://{outlet}.example.org/rss", source_kind="feed"
    )
    item = Article(url, url, outlet, when, "", candidate, revisit=revisit)
    item.extraction = Extraction(text=body, title=title, language="en", published=when)
    item.verdict = matcher.classify(
        title if judged is None else judged, body if judged is None else judged, "en"
    )
    item.classified_with = matcher.fingerprint
    if matcher.gazetteer is not None:  # the entities it names, as the crawl finds them
        item.entities = matcher.gazetteer.named_in(title, body)
        item.entities_with = matcher.gazetteer.fingerprint
    if item.verdict.flagged:
        item.claim = classify_claim(cues, title, body, "en", [e.sentence for e in item.verdict.evidence])
    return archive.articles.store(
        item, item.extraction, url, "run", fingerprint(title, body), stories, revisit=revisit
    )


def config(data_dir: Path, slack: FakeSlack) -> AlertConfig:
    return AlertConfig(
        "xoxb-test", "#c", slack.api_url, 0.0, ZoneInfo("Europe/Brussels"), 5, 30.0, data_dir, None
    )


def deliver(archive: Archive, slack: FakeSlack, data_dir: Path) -> int:
    settings = config(data_dir, slack)
    return dispatch(archive, make_transport(settings), settings, outlet_names=NAMES).sent


def kinds(archive: Archive, article_id: int | None) -> list[str]:
    return [r[0] for r in archive.conn.execute("SELECT kind FROM alerts WHERE article_id = ?", (article_id,))]


def history(archive: Archive, story_id: int | None) -> list[tuple[str, int]]:
    return [
        (row[0], row[1])
        for row in archive.conn.execute(
            "SELECT status, article_id FROM story_claims WHERE story_id = ? ORDER BY id", (story_id,)
        )
    ]


def raised_by_another_outlet(
    world: tuple[Archive, StoryIndex, Clock], slack: FakeSlack, tmp_path: Path, slug: str, title: str
) -> Call:
    """An alleged report alerted, then Reuters' report ``title`` raising the story: its reply."""
    archive, stories, clock = world
    store(archive, stories, "rferl", "engines", ALLEGED, NOW)
    clock.tick()
    assert store(archive, stories, "reuters", slug, title, NOW + timedelta(hours=1)).alert == "status"
    assert deliver(archive, slack, tmp_path) == 2
    (reply,) = status_replies(slack)
    return reply


def story_status(archive: Archive, story_id: int | None) -> str | None:
    found = archive.conn.execute("SELECT claim_status FROM stories WHERE id = ?", (story_id,)).fetchone()
    return found[0] if found else None


def first_ts(archive: Archive, article_id: int | None) -> str:
    """The Slack ts of the article's ``new`` alert: the story's thread."""
    found = archive.conn.execute(
        "SELECT slack_ts FROM alerts WHERE article_id = ? AND kind = 'new'", (article_id,)
    ).fetchone()
    assert found and found[0]
    return str(found[0])


def status_replies(slack: FakeSlack) -> list[Call]:
    return [c for c in slack.delivered() if str(c.payload.get("text", "")).startswith(("Now ", "Beijing "))]


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    fake = FakeSlack().start()
    yield fake
    fake.stop()


@pytest.fixture
def world(tmp_path: Path) -> Iterator[tuple[Archive, StoryIndex, Clock]]:
    clock = Clock()
    archive = Archive(tmp_path / "newswatch.db", clock=clock)
    yield archive, StoryIndex(), clock
    archive.close()


def test_a_designation_posts_one_reply_in_the_thread_of_the_storys_first_alert(
    world: tuple[Archive, StoryIndex, Clock], slack: FakeSlack, tmp_path: Path
) -> None:
    archive, stories, clock = world
    first = store(archive, stories, "rferl", "engines", ALLEGED, NOW)
    assert first.alert == "new"
    assert deliver(archive, slack, tmp_path) == 1
    root = slack.delivered()[0]
    clock.tick()
    named = "The sanctions name Xiamen Limbach Aircraft Engine, which made engines for Russian attack drones."
    designated = store(
        archive, stories, "reuters", "sanctions", DESIGNATED, NOW + timedelta(hours=2), f"{named}\n{BODY}"
    )
    assert designated.story_id == first.story_id and designated.alert == "status"
    assert kinds(archive, designated.article_id) == ["status"]  # not also an `also` for Reuters
    assert deliver(archive, slack, tmp_path) == 1
    assert deliver(archive, slack, tmp_path) == 0  # once
    posts = slack.delivered()
    assert len(posts) == 2 and status_replies(slack) == [posts[1]]
    reply = posts[1].payload
    assert "thread_ts" not in root.payload
    assert reply["thread_ts"] == first_ts(archive, first.article_id)  # in the story's thread
    assert reply["text"].startswith(f"Now DESIGNATED: {DESIGNATED} — Reuters, 22 Nov 2026 12:00 CET")
    assert "“imposes”, “sanctions”" in reply["text"]  # the cue's words
    blocks = json.dumps(reply["blocks"], ensure_ascii=False)
    assert "*Now DESIGNATED*" in blocks and DESIGNATED in blocks
    # the facts of the entity it names, after the status line and before the evidence
    texts = [b["text"]["text"] for b in reply["blocks"] if b["type"] == "section"]
    assert texts[1].startswith("*Xiamen Limbach Aircraft Engine* — drone engines; US-sanctioned 2024-10-17")
    assert texts[2].startswith(">")
    assert story_status(archive, first.story_id) == "designated"


def test_an_earlier_but_weaker_report_leaves_the_first_message_to_the_stronger_claim(
    world: tuple[Archive, StoryIndex, Clock],
) -> None:
    archive, stories, _ = world
    first = store(archive, stories, "reuters", "sanctions", DESIGNATED, NOW + timedelta(hours=5))
    earlier = store(archive, stories, "rferl", "engines", ALLEGED, NOW)
    assert (first.alert, earlier.alert) == ("new", "also") and earlier.story_id == first.story_id
    assert (kinds(archive, first.article_id), kinds(archive, earlier.article_id)) == (["new"], ["also"])


def test_a_weaker_or_equal_status_posts_no_status_reply(
    world: tuple[Archive, StoryIndex, Clock], slack: FakeSlack, tmp_path: Path
) -> None:
    archive, stories, clock = world
    first = store(archive, stories, "rferl", "sanctions", DESIGNATED, NOW)
    assert deliver(archive, slack, tmp_path) == 1
    clock.tick()
    # a copy at the same outlet, equal or weaker: nothing at all
    assert store(archive, stories, "rferl", "sanctions-2", DESIGNATED, NOW + timedelta(hours=1)).alert is None
    assert store(archive, stories, "rferl", "engines", ALLEGED, NOW + timedelta(hours=2)).alert is None
    # a denial is weaker than a designation: another outlet's report is an `also`, not "Beijing DENIES"
    denied = store(archive, stories, "reuters", "denial", DENIED, NOW + timedelta(hours=3))
    assert denied.story_id == first.story_id and denied.alert == "also"
    assert deliver(archive, slack, tmp_path) == 1
    assert status_replies(slack) == []
    assert slack.delivered()[1].payload["text"].startswith("Also reported by Reuters")
    assert history(archive, first.story_id) == [("designated", first.article_id)]
    assert story_status(archive, first.story_id) == "designated"


def test_a_status_change_on_a_story_never_alerted_posts_nothing_extra(
    world: tuple[Archive, StoryIndex, Clock], slack: FakeSlack, tmp_path: Path
) -> None:
    archive, stories, clock = world
    # the story's first report was not flagged (older rules), so nothing was alerted
    unflagged = store(
        archive, stories, "rferl", "engines", ALLEGED, NOW, judged="Sunny all week in Brussels."
    )
    assert unflagged.alert is None
    assert not archive.outbox.queue_status(unflagged.article_id or 0, "high", "designated")  # no thread
    clock.tick()
    # its first flagged report (designated at once) is the story's first message, nothing more
    first = store(archive, stories, "reuters", "sanctions", DESIGNATED, NOW + timedelta(hours=1))
    assert first.story_id == unflagged.story_id
    assert first.alert == "new" and kinds(archive, first.article_id) == ["new"]
    assert deliver(archive, slack, tmp_path) == 1 and deliver(archive, slack, tmp_path) == 0
    (post,) = slack.delivered()
    assert "thread_ts" not in post.payload and status_replies(slack) == []
    assert "DESIGNATED" in post.payload["text"]  # the first message says the status itself
    assert history(archive, first.story_id) == [("designated", first.article_id)]


def test_the_history_holds_every_change_in_order_and_each_raise_posts_once(
    world: tuple[Archive, StoryIndex, Clock], slack: FakeSlack, tmp_path: Path
) -> None:
    archive, stories, clock = world
    reports = [
        ("rferl", "engines", ALLEGED, "new"),
        ("reuters", "nato", OFFICIAL, "status"),  # a raise from a new outlet: the reply stands for `also`
        ("rferl", "engines-2", ALLEGED, None),
        ("dw", "sanctions", DESIGNATED, "status"),
        ("reuters", "denial", DENIED, None),  # weaker, and Reuters is already in the thread
    ]
    stored = []
    for n, (outlet, slug, title, kind) in enumerate(reports):
        clock.tick()
        result = store(archive, stories, outlet, slug, title, NOW + timedelta(hours=n))
        assert result.alert == kind, title
        stored.append(result)
        deliver(archive, slack, tmp_path)
    story = stored[0].story_id
    assert {r.story_id for r in stored} == {story}
    assert history(archive, story) == [
        ("alleged", stored[0].article_id),
        ("official", stored[1].article_id),
        ("designated", stored[3].article_id),
    ]
    changed = [r[0] for r in archive.conn.execute("SELECT changed_at FROM story_claims ORDER BY id")]
    assert changed == ["2026-11-22 09:01:00", "2026-11-22 09:02:00", "2026-11-22 09:04:00"]
    cue = json.loads(
        archive.conn.execute("SELECT cue FROM story_claims WHERE status = 'designated'").fetchone()[0]
    )
    assert cue["words"] == ["imposes", "sanctions", "Chinese"]
    replies = [c.payload["text"].split(":")[0] for c in status_replies(slack)]
    assert replies == ["Now OFFICIAL", "Now DESIGNATED"]
    assert len(slack.delivered()) == 3  # the first message and the two replies, nothing else


def test_a_denial_reply_says_beijing_denies(
    world: tuple[Archive, StoryIndex, Clock], slack: FakeSlack, tmp_path: Path
) -> None:
    reply = raised_by_another_outlet(world, slack, tmp_path, "denial", DENIED)
    assert reply.payload["text"].startswith(f"Beijing DENIES: {DENIED} — Reuters")
    assert "“Beijing”, “denies”" in reply.payload["text"]


def test_a_revision_that_raises_the_status_posts_a_status_reply_and_no_update(
    world: tuple[Archive, StoryIndex, Clock], slack: FakeSlack, tmp_path: Path
) -> None:
    archive, stories, clock = world
    first = store(archive, stories, "rferl", "engines", ALLEGED, NOW)
    assert deliver(archive, slack, tmp_path) == 1
    clock.tick()
    revised = store(
        archive,
        stories,
        "rferl",
        "engines",
        DESIGNATED,
        NOW,
        BODY + "\nThe Treasury acted today.",
        revisit=True,
    )
    assert (revised.outcome, revised.alert) == ("revised", "status")
    assert kinds(archive, first.article_id) == ["new", "status"]
    assert deliver(archive, slack, tmp_path) == 1
    (reply,) = status_replies(slack)
    assert reply.payload["text"].startswith(f"Now DESIGNATED: {DESIGNATED} — RFE/RL")
    assert reply.payload["thread_ts"] == first_ts(archive, first.article_id)
    assert history(archive, first.story_id) == [
        ("alleged", first.article_id),
        ("designated", first.article_id),
    ]


def test_a_hostile_title_is_escaped_in_the_status_reply(
    world: tuple[Archive, StoryIndex, Clock], slack: FakeSlack, tmp_path: Path
) -> None:
    reply = raised_by_another_outlet(world, slack, tmp_path, "hostile", HOSTILE)
    everything = reply.payload["text"] + json.dumps(reply.payload["blocks"], ensure_ascii=False)
    assert "<!channel>" not in everything and "<https://evil" not in everything
    assert reply.payload["text"].startswith("Now DESIGNATED: &lt;!channel&gt; Treasury imposes sanctions")
    assert "&lt;https://evil.example|click&gt; &amp; more" in reply.payload["text"]
    headline = reply.payload["blocks"][0]["text"]["text"]
    assert headline.count("<") == 1 and headline.count(">") == 1  # the one link we made


#: Run in a child process: store the designated report, then die before anything else runs.
CRASH_AFTER_STORE = """
import os, signal, sys
from datetime import datetime
sys.path[:0] = [{tests!r}, {root!r}]
import test_story_status as t
from newswatch.archive import Archive
from newswatch.stories import StoryIndex
clock = t.Clock(datetime.fromisoformat({now!r}))
archive = Archive({db!r}, clock=clock)
stored = t.store(archive, StoryIndex(), "reuters", "sanctions", t.DESIGNATED, clock.now)
print(stored.alert, flush=True)
os.kill(os.getpid(), signal.SIGKILL)
"""


def test_a_status_reply_is_sent_once_across_a_crash_after_storing_and_a_failed_send(
    world: tuple[Archive, StoryIndex, Clock], slack: FakeSlack, tmp_path: Path
) -> None:
    archive, stories, clock = world
    first = store(archive, stories, "rferl", "engines", ALLEGED, NOW)
    assert deliver(archive, slack, tmp_path) == 1
    clock.tick()
    script = CRASH_AFTER_STORE.format(
        tests=str(ROOT / "tests"), root=str(ROOT), now=clock.now.isoformat(), db=str(archive.path)
    )
    child = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120, env=os.environ
    )
    assert child.returncode == -signal.SIGKILL, child.stderr
    assert child.stdout.split() == ["status"]  # stored with its reply, then killed before any send
    # the crawl fetches the page again after the crash: nothing more is queued
    again = store(archive, StoryIndex(), "reuters", "sanctions", DESIGNATED, clock.now)
    assert again.outcome in ("duplicate", "unchanged") and again.alert is None
    slack.script("server_error")  # the first send fails: Slack never shows it
    assert deliver(archive, slack, tmp_path) == 0
    clock.tick(3600)  # past the retry's backoff
    assert deliver(archive, slack, tmp_path) == 1
    assert deliver(archive, slack, tmp_path) == 0
    (reply,) = status_replies(slack)
    assert reply.payload["text"].startswith(f"Now DESIGNATED: {DESIGNATED}")
    assert archive.conn.execute(
        "SELECT kind, status, attempts FROM alerts WHERE kind = 'status'"
    ).fetchall() == [("status", "sent", 2)]
    assert history(archive, first.story_id)[-1][0] == "designated"


def test_datasette_shows_the_story_status_and_its_history(
    world: tuple[Archive, StoryIndex, Clock], tmp_path: Path
) -> None:
    archive, stories, clock = world
    first = store(archive, stories, "rferl", "engines", ALLEGED, NOW)
    clock.tick()
    store(archive, stories, "reuters", "sanctions", DESIGNATED, NOW + timedelta(hours=1))
    env = crawl_env(tmp_path, ROOT / "config" / "outlets.toml", NEWSWATCH_DB=str(archive.path))
    with datasette_server(env) as base:
        with urllib.request.urlopen(f"{base}/newswatch/articles/{first.article_id}", timeout=10) as answer:
            page = answer.read().decode("utf-8")
        link = f"/newswatch/story_claims?story_id={first.story_id}&amp;_sort=id"
        with urllib.request.urlopen(
            f"{base}/newswatch/story_claims.json?story_id={first.story_id}&_sort=id&_shape=array", timeout=10
        ) as answer:
            listed = json.loads(answer.read())
        with urllib.request.urlopen(f"{base}/newswatch/story_claims", timeout=10) as answer:
            table = answer.read().decode("utf-8")
    assert "Story status: <strong>DESIGNATED</strong>" in page and link in page
    assert [(r["status"], r["changed_at"]) for r in listed] == [
        ("alleged", "2026-11-22 09:00:00"),
        ("designated", "2026-11-22 09:01:00"),
    ]
    assert "Story status history" in table


def test_the_home_page_and_charts_show_a_storys_strongest_status_not_its_first_reports(
    world: tuple[Archive, StoryIndex, Clock],
) -> None:
    import asyncio
    import importlib.util

    from datasette.app import Datasette

    archive, stories, clock = world
    first = store(archive, stories, "rferl", "engines", ALLEGED, NOW)
    clock.tick()
    store(archive, stories, "reuters", "sanctions", DESIGNATED, NOW + timedelta(hours=1))
    location = ROOT / "config" / "datasette" / "plugins" / "newswatch_pages.py"
    spec = importlib.util.spec_from_file_location("story_status_pages", location)
    assert spec and spec.loader
    pages = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(pages)

    async def read() -> tuple[dict[str, object], dict[str, object]]:
        db = Datasette([str(archive.path)]).get_database()
        later = NOW + timedelta(hours=2)
        return await pages.home_data(db, UTC, later), await pages.chart_data(db, UTC, later)

    home, charts = asyncio.run(read())
    (story,) = home["week_stories"]  # type: ignore[misc]
    assert story["id"] == first.story_id and story["claim_status"] == "designated"
    assert "designated" in json.dumps(charts, default=str) and "alleged" not in json.dumps(
        charts, default=str
    )


def test_without_a_token_the_status_reply_goes_to_the_console_and_alerts_jsonl(
    world: tuple[Archive, StoryIndex, Clock], tmp_path: Path
) -> None:
    archive, stories, clock = world
    store(archive, stories, "rferl", "engines", ALLEGED, NOW)
    clock.tick()
    store(archive, stories, "reuters", "sanctions", DESIGNATED, NOW + timedelta(hours=1))
    settings = AlertConfig("", "#c", "http://127.0.0.1:9/api/", 0.0, ZoneInfo("UTC"), 5, 30.0, tmp_path, None)
    printed: list[str] = []
    assert dispatch(archive, make_transport(settings, printed.append), settings, outlet_names=NAMES).sent == 2
    lines = [json.loads(line) for line in (tmp_path / "alerts.jsonl").read_text().splitlines()]
    records = [r for r in lines if "kind" in r]
    assert [r["kind"] for r in records] == ["new", "status"]
    # Reuters is a further outlet: the first message is still edited to count it
    (edit,) = [r for r in lines if "replaces" in r]
    assert edit["replaces"] == f"console-{records[0]['alert_id']}" and "Reported by 2 outlets" in json.dumps(
        edit
    )
    assert records[0]["thread_of"] is None and records[1]["thread_of"] == f"console-{records[0]['alert_id']}"
    assert records[1]["text"].startswith(f"Now DESIGNATED: {DESIGNATED} — Reuters, 22 Nov 2026 10:00 UTC")
    assert printed[1].startswith("ALERT Now DESIGNATED:")


def test_a_raise_before_the_articles_own_message_went_out_is_said_by_that_message_alone(
    world: tuple[Archive, StoryIndex, Clock], slack: FakeSlack, tmp_path: Path
) -> None:
    archive, stories, clock = world
    first = store(archive, stories, "rferl", "engines", ALLEGED, NOW)
    clock.tick()  # revised to a designation before anything was delivered
    revised = store(
        archive, stories, "rferl", "engines", DESIGNATED, NOW, BODY + "\nThe Treasury acted.", revisit=True
    )
    assert revised.alert is None and kinds(archive, first.article_id) == ["new"]
    assert deliver(archive, slack, tmp_path) == 1
    (message,) = slack.delivered()
    assert "DESIGNATED" in message.payload["text"] and status_replies(slack) == []
    assert history(archive, first.story_id)[-1] == ("designated", first.article_id)


# --- the digest: a status a report reached is announced once, by the report that raised it ---


def mail_digest(archive: Archive, data_dir: Path, port: int) -> tuple[str, str] | None:
    """Send the digest by SMTP (aiosmtpd on loopback at ``port``, when one listens) as the
    service does: (text, html) of the message that arrived, None when none did."""
    from test_digest import Inbox

    from alerts import send_digest
    from alerts.config import SmtpConfig

    smtp = SmtpConfig("127.0.0.1", port, "", "", "none", "newswatch@example.org", ("analyst@example.org",))
    settings = AlertConfig("", "", "", 0.0, ZoneInfo("UTC"), 5, 30.0, data_dir, smtp)
    inbox = Inbox()
    from aiosmtpd.controller import Controller

    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        send_digest(archive, settings, NAMES)
    finally:
        controller.stop()
    if not inbox.messages:
        return None
    (message,) = inbox.messages
    text, html = message.get_body(("plain",)), message.get_body(("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()  # type: ignore[attr-defined]


def sections(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.startswith("== ")]


def test_a_status_a_revised_report_reached_is_new_in_one_digest_then_an_update(
    world: tuple[Archive, StoryIndex, Clock], tmp_path: Path
) -> None:
    """A report revised to a designation after its digest went out: the next digest lists the
    story under "New designations", every later one under "Updates"."""
    from test_digest import free_port

    archive, stories, clock = world
    port = free_port()
    first = store(archive, stories, "rferl", "engines", ALLEGED, NOW)
    sent = mail_digest(archive, tmp_path, port)
    assert sent is not None and sections(sent[0]) == ["== NEW ALLEGATIONS (1) =="]
    clock.tick(3600)
    store(archive, stories, "rferl", "engines", DESIGNATED, NOW, BODY + "\nThe Treasury acted.", revisit=True)
    digests = []
    for hour, outlet in enumerate(["dw", "bbc", "ft"], start=2):  # a copy, then a digest, each hour
        clock.tick(3600)
        store(archive, stories, outlet, "engines", ALLEGED, NOW + timedelta(hours=hour))
        sent = mail_digest(archive, tmp_path, port)
        assert sent is not None
        digests.append(sent[0])
    assert [sections(text) for text in digests] == [
        ["== NEW DESIGNATIONS (1) =="],
        ["== UPDATES (1) =="],
        ["== UPDATES (1) =="],
    ]
    # an update still says why the story is designated: the revised report, named
    said = f"DESIGNATED — “imposes”, “sanctions”, “Chinese” (RFE/RL: {DESIGNATED} <https://rferl."
    assert all(said in text for text in digests[1:])
    assert archive.digests.delivered_claims([first.story_id or 0]) == {
        first.story_id: ["alleged", "designated"]
    }


def test_a_revision_between_building_and_sending_a_digest_is_news_in_the_next_one(
    world: tuple[Archive, StoryIndex, Clock], tmp_path: Path
) -> None:
    """The digest was built while the report said "alleged" and sent (the same message) after
    it was revised to a designation: the designation is in the next digest, once."""
    from test_digest import free_port

    from alerts import send_digest
    from alerts.config import SmtpConfig

    archive, stories, clock = world
    port = free_port()  # nobody listening yet: the digest is built and stays pending
    store(archive, stories, "rferl", "engines", ALLEGED, NOW)
    smtp = SmtpConfig("127.0.0.1", port, "", "", "none", "newswatch@example.org", ("analyst@example.org",))
    settings = AlertConfig("", "", "", 0.0, ZoneInfo("UTC"), 5, 30.0, tmp_path, smtp)
    assert send_digest(archive, settings, NAMES).status == "pending"
    clock.tick(3600)
    store(archive, stories, "rferl", "engines", DESIGNATED, NOW, BODY + "\nThe Treasury acted.", revisit=True)
    clock.tick(3600)
    retried = mail_digest(archive, tmp_path, port)  # the message built before the revision
    assert retried is not None and "[HIGH · ALLEGED]" in retried[0] and "DESIGNATED" not in retried[0]
    clock.tick(3600)
    following = mail_digest(archive, tmp_path, port)
    assert following is not None and sections(following[0]) == ["== NEW DESIGNATIONS (1) =="]
    assert f"[HIGH · DESIGNATED] {DESIGNATED}" in following[0]
    clock.tick(3600)
    assert mail_digest(archive, tmp_path, port) is None  # said once: nothing new since


def test_a_revision_alone_reaches_the_next_digest_with_the_words_that_raised_it(
    world: tuple[Archive, StoryIndex, Clock], tmp_path: Path
) -> None:
    """A report revised to a designation, no other report new: the next digest has the story
    under "New designations", its status line quoting the revised report's cue."""
    from test_digest import free_port

    archive, stories, clock = world
    port = free_port()
    store(archive, stories, "rferl", "engines", ALLEGED, NOW)
    assert mail_digest(archive, tmp_path, port) is not None
    clock.tick(3600)
    store(archive, stories, "rferl", "engines", DESIGNATED, NOW, BODY + "\nThe Treasury acted.", revisit=True)
    clock.tick(3600)
    sent = mail_digest(archive, tmp_path, port)
    assert sent is not None, "the revision reached no digest"
    text, html = sent
    assert sections(text) == ["== NEW DESIGNATIONS (1) =="]
    assert f"* [HIGH · DESIGNATED] {DESIGNATED}\n" in text.replace("\r\n", "\n")
    assert "  DESIGNATED — “imposes”, “sanctions”" in text
    assert "updated since an earlier digest" in text and "updated since an earlier digest" in html
    assert "<strong>DESIGNATED</strong> — “imposes”, “sanctions”" in re.sub(r"</?bdi[^>]*>", "", html)


def test_a_raised_status_is_said_by_the_report_that_raised_it_not_by_a_weaker_copy(
    world: tuple[Archive, StoryIndex, Clock], tmp_path: Path
) -> None:
    """The story's status, the cue words and the evidence in a digest entry come from the
    report that raised the status (named, with its link), not from the weaker copy; the
    story's earliest report leads and the others are "also reported by", in text and HTML."""
    from test_digest import free_port

    archive, stories, clock = world
    port = free_port()
    store(archive, stories, "rferl", "engines", ALLEGED, NOW)
    assert mail_digest(archive, tmp_path, port) is not None
    clock.tick(3600)
    # a designation, and an allegation published before it: both new in the next digest
    treasury = "Chinese companies shipped drone engines to Russia's army, Treasury documents show."
    designated = store(
        archive,
        stories,
        "reuters",
        "sanctions",
        DESIGNATED,
        NOW + timedelta(hours=3),
        BODY.replace(BODY.split("\n")[0], treasury),
    )
    copy = store(archive, stories, "dw", "engines", ALLEGED, NOW + timedelta(hours=2))
    assert designated.story_id == copy.story_id and designated.alert == "status"
    clock.tick(3600)
    sent = mail_digest(archive, tmp_path, port)
    assert sent is not None
    text, html = (part.replace("\r\n", "\n") for part in sent)
    assert sections(text) == ["== NEW DESIGNATIONS (1) =="] and text.count("* [") == 1
    entry = text[text.index("* [") :]
    assert entry.startswith(f"* [HIGH · DESIGNATED] {ALLEGED}\n  DW ·")  # the earliest in the digest leads
    status = f"  DESIGNATED — “imposes”, “sanctions”, “Chinese” (Reuters: {DESIGNATED} <https://reuters."
    assert status in entry and "“report”" not in entry
    assert f"> {treasury}" in entry  # the designation's evidence, not the copy's
    assert "also reported by Reuters (English): https://reuters.example.org/world/sanctions" in entry
    shown = re.sub(r"</?bdi[^>]*>", "", html)  # the words isolated in their own direction
    assert "<strong>DESIGNATED</strong> — “imposes”, “sanctions”, “Chinese” (Reuters: " in shown
    assert re.search(r'<a href="https://reuters\.example\.org/world/sanctions"[^>]* style="', html)
    assert html.index("Treasury documents show") < html.index("Also reported by")


MARKUP_ALLEGED = "Chinese *engines* power _Russian_ attack drones, report says"
MARKUP_DESIGNATED = "US Treasury imposes *sanctions* on Chinese _drone_ ~engine~ `makers`"


def test_markup_in_titles_formats_nothing_in_the_status_reply_or_its_follows_line(
    world: tuple[Archive, StoryIndex, Clock], slack: FakeSlack, tmp_path: Path
) -> None:
    archive, stories, clock = world
    store(archive, stories, "rferl", "engines", MARKUP_ALLEGED, NOW)
    slack.script("msg_too_long")  # the first message fails: the reply goes out on its own
    assert deliver(archive, slack, tmp_path) == 0
    clock.tick()
    assert (
        store(archive, stories, "reuters", "m", MARKUP_DESIGNATED, NOW + timedelta(hours=1)).alert == "status"
    )
    assert deliver(archive, slack, tmp_path) == 1
    (reply,) = status_replies(slack)
    payload = reply.payload
    everything = payload["text"] + json.dumps(payload["blocks"], ensure_ascii=False)
    for markup in ("*sanctions*", "_drone_", "~engine~", "`makers`", "_Russian_"):
        assert markup not in everything  # (the evidence's *engines* is the alert's own bold)
    shown = "US Treasury imposes ∗sanctions∗ on Chinese ˍdroneˍ ∼engine∼ ˋmakersˋ"
    parent = "Chinese ∗engines∗ power ˍRussianˍ attack drones, report says"
    assert payload["text"].startswith(f"Now DESIGNATED: {shown} — Reuters, 22 Nov 2026 11:00 CET")
    assert payload["text"].endswith(f"(follows: {parent})")
    assert f"|{shown}>*" in payload["blocks"][0]["text"]["text"]
    follows = payload["blocks"][-1]["elements"][0]["text"]
    assert follows.startswith("Follows the story first reported by RFE/RL: <https://rferl.example.org/")
    assert follows.endswith(f"|{parent}>")


def store_in(
    archive: Archive, stories: StoryIndex, outlet: str, title: str, language: str, when: datetime, body: str
) -> Stored:
    """``store`` for a report in ``language``."""
    matcher, cues = rules()
    url = f"https://{outlet}.example.org/world/{language}"
    candidate = Candidate(
        url=url, outlet=outlet, source=f"https://{outlet}.example.org/rss", source_kind="feed"
    )
    item = Article(url, url, outlet, when, "", candidate)
    item.extraction = Extraction(text=body, title=title, language=language, published=when)
    item.verdict = matcher.classify(title, body, language)
    item.classified_with = matcher.fingerprint
    assert item.verdict.flagged, title
    item.claim = classify_claim(cues, title, body, language, [e.sentence for e in item.verdict.evidence])
    return archive.articles.store(item, item.extraction, url, "run", fingerprint(title, body), stories)


def test_a_russian_status_reply_says_its_language_and_its_bold_words_in_english(
    world: tuple[Archive, StoryIndex, Clock], slack: FakeSlack, tmp_path: Path
) -> None:
    archive, stories, clock = world
    body = "\n".join(
        [
            "Китайские компании поставляли двигатели для беспилотников российской армии, говорится в докладе.",
            *paragraphs("engines", 8),
        ]
    )
    alleged = "Китайские двигатели для российских беспилотников, сообщают источники"
    store_in(archive, stories, "rferl", alleged, "ru", NOW, body)
    assert deliver(archive, slack, tmp_path) == 1
    clock.tick()
    designated = "Минфин США ввёл санкции против китайских производителей двигателей"
    assert (
        store_in(archive, stories, "reuters", designated, "ru", NOW + timedelta(hours=1), body).alert
        == "status"
    )
    assert deliver(archive, slack, tmp_path) == 1
    (reply,) = status_replies(slack)
    payload = reply.payload
    assert payload["text"].startswith(
        f"Now DESIGNATED: {designated} — Reuters, 22 Nov 2026 11:00 CET, Russian ("
    )
    assert payload["blocks"][0]["text"]["text"].endswith("— Reuters, 22 Nov 2026 11:00 CET, Russian")
    (gloss,) = [
        b["elements"][0]["text"]
        for b in payload["blocks"]
        if b["type"] == "context" and b["elements"][0]["text"].startswith("In English: ")
    ]
    assert "*поставляли* — supply, sale or help" in gloss
    assert "*двигатели*, *беспилотников* — weapons or dual-use goods" in gloss
    # the same line as the story's first message
    first = slack.delivered()[0].payload
    assert gloss in json.dumps(first["blocks"], ensure_ascii=False)


def test_a_status_raised_while_a_digest_is_being_rendered_is_news_in_the_next_one(
    world: tuple[Archive, StoryIndex, Clock], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another process revises the report to a designation after the digest read its items
    and before it was recorded: that digest says ALLEGED, so the next one says DESIGNATED."""
    from test_digest import free_port

    import alerts.mail

    archive, stories, clock = world
    port = free_port()
    store(archive, stories, "rferl", "engines", ALLEGED, NOW)
    clock.tick(3600)
    render = alerts.mail.render

    def render_then_revise(*args: Any, **kwargs: Any) -> Any:
        content = render(*args, **kwargs)
        monkeypatch.setattr(alerts.mail, "render", render)  # once
        clock.tick(5)  # a crawl revises the report while the message is being made
        crawl = Archive(archive.path, clock=clock)
        store(
            crawl,
            StoryIndex(),
            "rferl",
            "engines",
            DESIGNATED,
            NOW,
            BODY + "\nThe Treasury acted.",
            revisit=True,
        )
        crawl.close()
        clock.tick(5)
        return content

    monkeypatch.setattr(alerts.mail, "render", render_then_revise)
    first = mail_digest(archive, tmp_path, port)
    assert first is not None and "[HIGH · ALLEGED]" in first[0] and "DESIGNATED" not in first[0]
    clock.tick(3600)
    following = mail_digest(archive, tmp_path, port)
    assert following is not None and sections(following[0]) == ["== NEW DESIGNATIONS (1) =="]
