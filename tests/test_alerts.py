"""Alerts: the outbox, rendering and escaping, Slack delivery through a loopback Slack, the
console fallback, retries, failures, threading and the crash bound."""

from __future__ import annotations

import json
import sqlite3
from datetime import timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from conftest import ROOT, crawl_env, rows, run_newswatch
from fakeslack import FakeSlack
from outlet_sites import Sites

from alerts import alert_config, dispatch
from alerts.dispatch import backoff
from alerts.outbox import AlertView
from alerts.render import evidence_mrkdwn, render_alert, slack_escape
from alerts.transports import DeliveryError, Pacer, SlackTransport
from archive import Archive
from rules import load_ruleset

OUTLETS = ROOT / "config" / "outlets.toml"


def slack_env(tmp_path: Path, db: Path, slack: FakeSlack, **extra: str) -> dict[str, str]:
    values = {
        "NEWSWATCH_DB": str(db),
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "NEWSWATCH_SLACK_API_URL": slack.api_url,
        "NEWSWATCH_SLACK_CHANNEL": "#china-russia",
        "NEWSWATCH_SLACK_MIN_INTERVAL": "0.05",
        "NEWSWATCH_TIMEZONE": "Europe/Brussels",
    }
    return crawl_env(tmp_path, OUTLETS, **{**values, **extra})


class Settings(dict[str, Any]):
    """The few settings alert_config reads, for in-process tests."""

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key, default)

    def getint(self, key: str) -> int:
        return int(self[key])

    def getfloat(self, key: str) -> float:
        return float(self[key])


def config_for(db: Path, slack: FakeSlack | None, **extra: Any) -> Any:
    values = Settings(
        NEWSWATCH_DB=str(db),
        SLACK_BOT_TOKEN="xoxb-test" if slack else "",
        NEWSWATCH_SLACK_CHANNEL="#c",
        NEWSWATCH_SLACK_API_URL=slack.api_url if slack else "https://slack.com/api/",
        NEWSWATCH_SLACK_MIN_INTERVAL=0.0,
        NEWSWATCH_TIMEZONE="UTC",
        NEWSWATCH_ALERT_MAX_ATTEMPTS=3,
        NEWSWATCH_ALERT_RETRY_SECONDS=30.0,
    )
    values.update(extra)
    return alert_config(values)


# --- rendering -----------------------------------------------------------------------------------

HOSTILE = AlertView(
    id=1,
    article_id=1,
    kind="new",
    severity="high",
    attempts=0,
    url="https://example.org/a?x=1&y=<2>|z",
    title="<!channel> Click <https://evil.example|here> & win",
    outlet="rferl",
    published="2026-11-22 13:05:00",
    rules=("supply-to-russia",),
    evidence={
        "field": "text",
        "sentence": "China sent <b>drones</b> & parts to Russia.",
        "highlights": [[0, 5], [14, 20], [36, 42]],
    },
)


def test_article_text_can_neither_ping_nor_link() -> None:
    message = render_alert(HOSTILE, ZoneInfo("Europe/Brussels"), "RFE/RL")
    everything = json.dumps(message.blocks) + message.text
    assert "<!channel>" not in everything and "<https://evil" not in everything
    assert "&lt;!channel&gt;" in message.text
    headline = message.blocks[0]["text"]["text"]
    assert headline.startswith("*<https://example.org/a?x=1&amp;y=%3C2%3E%7Cz|")
    assert headline.count("<") == 1 and headline.count(">") == 1  # the one link we made


def test_alert_blocks_carry_outlet_local_time_severity_rules_and_bold_evidence() -> None:
    message = render_alert(HOSTILE, ZoneInfo("Europe/Brussels"), "RFE/RL")
    context = " ".join(e["text"] for e in message.blocks[1]["elements"])
    assert "HIGH" in context and "RFE/RL" in context and "rules: supply-to-russia" in context
    assert "22 Nov 2026 14:05 CET" in context  # 13:05 UTC in Brussels
    assert (
        message.blocks[2]["text"]["text"]
        == ">*China* sent &lt;b&gt;*drones*&lt;/b&gt; &amp; parts to *Russia*."
    )
    assert message.text.startswith("[HIGH] &lt;!channel&gt; Click")


def test_evidence_with_overlapping_or_bad_highlights_is_still_safe() -> None:
    text = evidence_mrkdwn({"sentence": "a <b> c", "highlights": [[0, 1], [0, 3], [5, 99]]})
    assert text == "*a* &lt;b&gt; c"
    assert slack_escape("&<>") == "&amp;&lt;&gt;"


# --- outbox --------------------------------------------------------------------------------------


def test_flagging_writes_one_pending_alert_per_article_in_the_same_transaction(
    crawled: tuple[Path, Sites, str, str],
) -> None:
    db, sites, _, _ = crawled
    flagged = {r["id"] for r in rows(db, "SELECT id FROM articles WHERE flagged = 1")}
    assert len(flagged) == sum(s.flagged for s in sites.archived.values())
    alerts = rows(db, "SELECT article_id, kind, status, attempts FROM alerts")
    assert flagged and {a["article_id"] for a in alerts} == flagged
    assert all(a["kind"] == "new" and a["status"] == "pending" and a["attempts"] == 0 for a in alerts)
    assert len(alerts) == len(flagged)


def test_an_article_gets_one_new_alert_and_one_update_per_severity_level(
    archive_copy: tuple[Path, Sites],
) -> None:
    from archive import queue_alert

    db, _ = archive_copy
    archive = Archive(db)
    (article_id,) = archive.conn.execute("SELECT id FROM articles WHERE flagged = 1 LIMIT 1").fetchone()
    with archive.write() as conn:
        assert not queue_alert(conn, article_id, "new", "high")
        assert queue_alert(conn, article_id, "update", "medium")
        assert not queue_alert(conn, article_id, "update", "medium")
    archive.close()


def test_backoff_is_exponential_capped_and_jittered() -> None:
    assert backoff(1, 30, lambda: 0.0) == timedelta(seconds=15)
    assert backoff(1, 30, lambda: 1.0) == timedelta(seconds=30)
    assert backoff(3, 30, lambda: 1.0) == timedelta(seconds=120)
    assert backoff(30, 30, lambda: 1.0) == timedelta(hours=1)


def test_pacer_keeps_one_message_per_interval() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = Pacer(1.0, clock=lambda: now[0], sleep=sleep)
    pacer.wait()
    now[0] += 0.25
    pacer.wait()
    now[0] += 3.0
    pacer.wait()
    assert slept == [0.75]


# --- delivery ------------------------------------------------------------------------------------


def test_dispatch_posts_each_flagged_article_once_in_order(
    archive_copy: tuple[Path, Sites], slack: FakeSlack, tmp_path: Path
) -> None:
    db, sites = archive_copy
    env = slack_env(tmp_path, db, slack)
    first = run_newswatch(["dispatch"], env)
    assert first.returncode == 0, first.stderr
    posts = slack.delivered()
    flagged = rows(
        db,
        "SELECT a.url FROM alerts al JOIN articles a ON a.id = al.article_id ORDER BY al.created_at, al.id",
    )
    assert len(posts) == len(flagged) == sum(s.flagged for s in sites.archived.values())
    for post, row in zip(posts, flagged, strict=True):
        assert post.token == "xoxb-test-token"
        assert post.payload["channel"] == "#china-russia"
        assert post.payload["unfurl_links"] is False and post.payload["unfurl_media"] is False
        assert row["url"].replace("&", "&amp;") in post.payload["blocks"][0]["text"]["text"]
        assert "*" in post.payload["blocks"][2]["text"]["text"]  # evidence with bold terms
    sent = rows(db, "SELECT status, slack_ts, channel, transport FROM alerts")
    assert all(r["status"] == "sent" and r["slack_ts"] and r["transport"] == "slack" for r in sent)
    assert run_newswatch(["dispatch"], env).returncode == 0
    assert len(slack.delivered()) == len(posts)  # nothing sent twice
    assert "sent 0" in run_newswatch(["dispatch"], env).stdout


def test_posts_to_one_channel_are_at_least_the_interval_apart(
    archive_copy: tuple[Path, Sites], slack: FakeSlack, tmp_path: Path
) -> None:
    db, _ = archive_copy
    assert (
        run_newswatch(
            ["dispatch"], slack_env(tmp_path, db, slack, NEWSWATCH_SLACK_MIN_INTERVAL="0.4")
        ).returncode
        == 0
    )
    times = [c.at for c in slack.delivered()]
    assert len(times) >= 2 and all(b - a >= 0.39 for a, b in pairwise(times))


def test_rate_limit_is_waited_out_and_the_alert_delivered(
    archive_copy: tuple[Path, Sites], slack: FakeSlack, tmp_path: Path
) -> None:
    db, _ = archive_copy
    slack.script("ratelimited", "server_error")
    result = run_newswatch(["dispatch"], slack_env(tmp_path, db, slack))
    assert result.returncode == 0, result.stderr
    assert [c.answer for c in slack.posts()][:3] == ["ratelimited", "server_error", "ok"]
    assert slack.posts()[1].at - slack.posts()[0].at >= 0.9  # Retry-After: 1 honoured
    assert {r["status"] for r in rows(db, "SELECT status FROM alerts")} == {"sent"}


def test_a_429_storm_leaves_alerts_pending_with_a_retry_time(
    archive_copy: tuple[Path, Sites], slack: FakeSlack, tmp_path: Path
) -> None:
    db, _ = archive_copy
    slack.retry_after = 0
    slack.script(*["ratelimited"] * 10)
    result = run_newswatch(["dispatch"], slack_env(tmp_path, db, slack))
    assert result.returncode == 1
    alerts = rows(
        db, "SELECT status, attempts, last_error, next_attempt_at, created_at FROM alerts ORDER BY id"
    )
    assert alerts[0]["status"] == "pending" and alerts[0]["attempts"] == 1
    assert "ratelimited" in alerts[0]["last_error"] and alerts[0]["next_attempt_at"] > alerts[0]["created_at"]
    assert all(a["status"] == "pending" and a["attempts"] == 0 for a in alerts[1:])  # order kept: they wait


def test_invalid_auth_keeps_everything_pending_then_delivery_resumes_in_order(
    archive_copy: tuple[Path, Sites], slack: FakeSlack, tmp_path: Path
) -> None:
    db, _ = archive_copy
    slack.script("invalid_auth")
    env = slack_env(tmp_path, db, slack)
    result = run_newswatch(["dispatch"], env)
    assert result.returncode == 1
    assert result.stderr.count("fix the configuration: Slack refused the configuration: invalid_auth") == 1
    assert {(r["status"], r["attempts"]) for r in rows(db, "SELECT status, attempts FROM alerts")} == {
        ("pending", 0)
    }
    conn = sqlite3.connect(db)
    conn.execute("UPDATE alerts SET next_attempt_at = '2000-01-01 00:00:00'")  # the wait is over
    conn.commit()
    conn.close()
    assert run_newswatch(["dispatch"], env).returncode == 0
    order = [
        r["url"]
        for r in rows(
            db,
            "SELECT a.url FROM alerts al JOIN articles a ON a.id = al.article_id "
            "ORDER BY al.created_at, al.id",
        )
    ]
    assert [c.payload["blocks"][0]["text"]["text"] for c in slack.delivered()] == [
        next(
            c.payload["blocks"][0]["text"]["text"]
            for c in slack.delivered()
            if u.replace("&", "&amp;") in c.payload["blocks"][0]["text"]["text"]
        )
        for u in order
    ]


def test_a_message_slack_will_never_take_is_failed_and_visible(
    archive_copy: tuple[Path, Sites], slack: FakeSlack, tmp_path: Path
) -> None:
    db, _ = archive_copy
    slack.script("invalid_blocks")
    env = slack_env(tmp_path, db, slack)
    assert run_newswatch(["dispatch"], env).returncode == 0
    failed = rows(db, "SELECT id, status, last_error FROM alerts WHERE status = 'failed'")
    assert len(failed) == 1 and "invalid_blocks" in failed[0]["last_error"]
    listing = run_newswatch(["alerts", "--status", "failed"], env)
    assert "failed" in listing.stdout and "invalid_blocks" in listing.stdout
    assert (
        "1 failed alert(s) queued again"
        in run_newswatch(["alerts", "--requeue", str(failed[0]["id"])], env).stdout
    )
    run_newswatch(["dispatch"], env)
    assert rows(db, "SELECT status FROM alerts WHERE id = ?", failed[0]["id"])[0]["status"] == "sent"


def test_a_crash_between_slack_confirming_and_marking_sent_resends_at_most_that_one(
    archive_copy: tuple[Path, Sites], slack: FakeSlack
) -> None:
    db, _ = archive_copy
    config = config_for(db, slack)
    real = SlackTransport(config.slack_token, config.channel, config.api_url, 0.0)

    class CrashAfterConfirm:
        name = "slack"

        def send(self, message, thread_ts=None, meta=None):  # type: ignore[no-untyped-def]
            real.send(message, thread_ts, meta)  # Slack has it now...
            raise KeyboardInterrupt("power cut")  # ...and the process dies before recording it

    archive = Archive(db)
    with pytest.raises(KeyboardInterrupt):
        dispatch(archive, CrashAfterConfirm(), config)
    archive.close()
    assert rows(db, "SELECT count(*) AS n FROM alerts WHERE status = 'sending'")[0]["n"] == 1
    archive = Archive(db)  # the restart
    report = dispatch(archive, real, config)
    archive.close()
    total = rows(db, "SELECT count(*) AS n FROM alerts")[0]["n"]
    assert report.recovered == 1 and report.sent == total
    assert len(slack.delivered()) == total + 1  # exactly one duplicate: the message in flight
    assert rows(db, "SELECT count(*) AS n FROM alerts WHERE status = 'sent'")[0]["n"] == total


def test_a_severity_rise_replies_in_the_first_alerts_thread(
    archive_copy: tuple[Path, Sites], slack: FakeSlack
) -> None:
    db, _ = archive_copy
    config = config_for(db, slack)
    transport = SlackTransport(config.slack_token, config.channel, config.api_url, 0.0)
    archive = Archive(db)
    dispatch(archive, transport, config)
    article_id, ts = archive.conn.execute(
        "SELECT article_id, slack_ts FROM alerts WHERE kind = 'new' ORDER BY id LIMIT 1"
    ).fetchone()
    archive.conn.execute("UPDATE articles SET severity = 'medium' WHERE id = ?", (article_id,))
    verdict = load_ruleset(ROOT / "config" / "rules").classify(
        "", "China is supplying drones and missiles to Russia's military, officials said."
    )
    assert verdict.severity == "high"
    assert archive.update_verdict(article_id, verdict, "test") == "update"
    assert archive.update_verdict(article_id, verdict, "test") is None  # the same level again: nothing
    before = len(slack.delivered())
    report = dispatch(archive, transport, config)
    archive.close()
    assert report.sent == 1
    reply = slack.delivered()[before]
    assert reply.payload["thread_ts"] == ts
    assert reply.payload["blocks"][0]["text"]["text"].startswith("Updated, now HIGH:")


def test_without_a_token_alerts_go_to_the_console_and_alerts_jsonl(
    archive_copy: tuple[Path, Sites], tmp_path: Path
) -> None:
    db, sites = archive_copy
    result = run_newswatch(["dispatch"], crawl_env(tmp_path, OUTLETS, NEWSWATCH_DB=str(db)))
    assert result.returncode == 0, result.stderr
    flagged = sum(s.flagged for s in sites.archived.values())
    assert result.stdout.count("ALERT [HIGH]") == flagged
    lines = [json.loads(x) for x in (db.parent / "alerts.jsonl").read_text().splitlines()]
    assert len(lines) == flagged and {x["severity"] for x in lines} == {"high"}
    assert {x["url"] for x in lines} == {u for u, s in sites.archived.items() if s.flagged}
    assert {r["transport"] for r in rows(db, "SELECT transport FROM alerts")} == {"console"}


def test_dry_run_prints_what_would_be_sent_and_marks_nothing(
    archive_copy: tuple[Path, Sites], slack: FakeSlack, tmp_path: Path
) -> None:
    db, _ = archive_copy
    result = run_newswatch(["dispatch", "--dry-run"], slack_env(tmp_path, db, slack))
    assert result.returncode == 0 and "would send 3" in result.stdout
    assert slack.posts() == []
    assert {r["status"] for r in rows(db, "SELECT status FROM alerts")} == {"pending"}


def test_slack_errors_are_classified_for_the_dispatcher(slack: FakeSlack, tmp_path: Path) -> None:
    config = config_for(tmp_path / "x.db", slack)
    transport = SlackTransport(config.slack_token, config.channel, config.api_url, 0.0)
    from alerts.render import SlackMessage

    message = SlackMessage("t", [])
    for answer, config_error, retryable in (
        ("channel_not_found", True, False),
        ("msg_too_long", False, False),
        ("fatal_error", False, True),
    ):
        slack.script(answer)
        with pytest.raises(DeliveryError) as info:
            transport.send(message)
        assert (info.value.config, info.value.retryable) == (config_error, retryable), answer


def test_bad_alert_settings_fail_with_one_line(tmp_path: Path) -> None:
    result = run_newswatch(["dispatch"], crawl_env(tmp_path, OUTLETS, NEWSWATCH_TIMEZONE="Mars/Olympus"))
    assert result.returncode == 2
    assert (
        result.stderr.strip()
        == "newswatch: NEWSWATCH_TIMEZONE='Mars/Olympus': not a time zone (e.g. Europe/Brussels)"
    )
