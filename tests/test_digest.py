"""The e-mail digest against a real SMTP server (aiosmtpd on loopback)."""

from __future__ import annotations

import asyncio
import contextlib
import email
import html
import json
import os
import re
import resource
import socket
import sqlite3
import subprocess
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from email.message import Message
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from crash_harness import World
from helpers import CHROMIUM, ROOT, crawl_env, query, rows, run_newswatch, screenshot
from outlet_sites import Sites, paragraphs

from alerts.outbox import rule_wording

OUTLETS = ROOT / "config" / "outlets.toml"


class Inbox:
    """aiosmtpd handler: keeps every message; refuses recipients at refused.example."""

    def __init__(self) -> None:
        self.messages: list[Message] = []
        self.envelopes: list[tuple[str, list[str]]] = []

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if address.endswith("@refused.example"):
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(email.message_from_bytes(envelope.content, policy=default))
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        return "250 Message accepted"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def smtp() -> Iterator[tuple[Controller, Inbox]]:
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    yield controller, inbox
    controller.stop()


def smtp_env(tmp_path: Path, db: Path, port: int, **extra: str) -> dict[str, str]:
    values = {
        "NEWSWATCH_DB": str(db),
        "NEWSWATCH_SMTP_HOST": "127.0.0.1",
        "NEWSWATCH_SMTP_PORT": str(port),
        "NEWSWATCH_SMTP_SECURITY": "none",
        "NEWSWATCH_DIGEST_FROM": "newswatch@example.org",
        "NEWSWATCH_DIGEST_TO": "analyst@example.org, lead@example.org",
        "NEWSWATCH_TIMEZONE": "Europe/Brussels",
    }
    return crawl_env(tmp_path, OUTLETS, **{**values, **extra})


def flagged_titles(sites: Sites) -> set[str]:
    return {s.title for s in sites.archived.values() if s.flagged}


def test_digest_arrives_as_multipart_text_and_html_with_every_flagged_item(
    archive_copy: tuple[Path, Sites], smtp: tuple[Controller, Inbox], tmp_path: Path
) -> None:
    db, sites = archive_copy
    controller, inbox = smtp
    result = run_newswatch(["digest", "--send"], smtp_env(tmp_path, db, controller.port))
    assert result.returncode == 0, result.stderr
    (message,) = inbox.messages
    assert message.get_content_type() == "multipart/alternative"
    parts = {p.get_content_type(): p.get_content() for p in message.iter_parts()}
    assert set(parts) == {"text/plain", "text/html"}
    for title in flagged_titles(sites):
        assert title in parts["text/plain"]
        assert title in html.unescape(parts["text/html"])
    assert "style=" in parts["text/html"]  # CSS inlined for mail clients
    assert message["Message-ID"] and message["Date"] and "flagged" in message["Subject"]
    assert inbox.envelopes[0] == ("newswatch@example.org", ["analyst@example.org", "lead@example.org"])
    assert rows(db, "SELECT status, transport, items FROM digests") == [
        {"status": "sent", "transport": "smtp", "items": len(flagged_titles(sites))}
    ]
    again = run_newswatch(["digest", "--send"], smtp_env(tmp_path, db, controller.port))
    assert again.returncode == 0 and "nothing to send" in again.stdout
    assert len(inbox.messages) == 1  # nothing appears twice


def test_server_down_keeps_the_digest_pending_and_sends_it_once_when_back(
    archive_copy: tuple[Path, Sites], tmp_path: Path
) -> None:
    db, sites = archive_copy
    port = free_port()
    down = run_newswatch(["digest", "--send"], smtp_env(tmp_path, db, port))
    assert down.returncode == 1 and "stays pending" in down.stderr
    assert rows(db, "SELECT status, attempts FROM digests") == [{"status": "pending", "attempts": 1}]
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        up = run_newswatch(["digest", "--send"], smtp_env(tmp_path, db, port))
        assert up.returncode == 0, up.stderr
        again = run_newswatch(["digest", "--send"], smtp_env(tmp_path, db, port))
        assert "nothing to send" in again.stdout
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    text = inbox.messages[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert all(title in text for title in flagged_titles(sites))
    assert rows(db, "SELECT status, attempts FROM digests") == [{"status": "sent", "attempts": 2}]


def test_a_refused_recipient_is_reported_and_the_others_get_it_once(
    archive_copy: tuple[Path, Sites], smtp: tuple[Controller, Inbox], tmp_path: Path
) -> None:
    db, _ = archive_copy
    controller, inbox = smtp
    env = smtp_env(
        tmp_path, db, controller.port, NEWSWATCH_DIGEST_TO="analyst@example.org, ghost@refused.example"
    )
    result = run_newswatch(["digest", "--send"], env)
    assert result.returncode == 0
    assert "refused recipients: ghost@refused.example" in result.stderr
    assert inbox.envelopes == [("newswatch@example.org", ["analyst@example.org"])]
    assert rows(db, "SELECT status FROM digests") == [{"status": "sent"}]
    everyone_refused = smtp_env(tmp_path, db, controller.port, NEWSWATCH_DIGEST_TO="ghost@refused.example")
    conn = sqlite3.connect(db)
    conn.execute("DELETE FROM digests")  # as if it had never gone out
    conn.commit()
    conn.close()
    refused = run_newswatch(["digest", "--send"], everyone_refused)
    assert refused.returncode == 1 and "refused every recipient" in refused.stderr
    assert rows(db, "SELECT status FROM digests") == [{"status": "pending"}]


def test_a_refused_login_keeps_the_digest_pending(archive_copy: tuple[Path, Sites], tmp_path: Path) -> None:
    db, _ = archive_copy

    def authenticator(server: Any, session: Any, envelope: Any, mechanism: str, auth_data: Any) -> AuthResult:
        return AuthResult(success=False, handled=False)

    inbox = Inbox()
    controller = Controller(
        inbox, hostname="127.0.0.1", port=free_port(), authenticator=authenticator, auth_require_tls=False
    )
    controller.start()
    try:
        env = smtp_env(
            tmp_path, db, controller.port, NEWSWATCH_SMTP_USER="bot", NEWSWATCH_SMTP_PASSWORD="wrong"
        )
        result = run_newswatch(["digest", "--send"], env)
    finally:
        controller.stop()
    assert result.returncode == 1 and "SMTP login refused" in result.stderr
    assert inbox.messages == [] and rows(db, "SELECT status FROM digests") == [{"status": "pending"}]


def test_without_smtp_the_digest_is_written_to_files_once(
    archive_copy: tuple[Path, Sites], tmp_path: Path
) -> None:
    db, sites = archive_copy
    env = crawl_env(tmp_path, OUTLETS, NEWSWATCH_DB=str(db))
    result = run_newswatch(["digest", "--send"], env)
    assert result.returncode == 0, result.stderr
    (eml,) = (db.parent / "digests").glob("*.eml")
    (page,) = (db.parent / "digests").glob("*.html")
    message = email.message_from_bytes(eml.read_bytes(), policy=default)
    assert message.get_content_type() == "multipart/alternative"
    assert all(title in html.unescape(page.read_text()) for title in flagged_titles(sites))
    assert "nothing to send" in run_newswatch(["digest", "--send"], env).stdout


def test_preview_writes_html_and_changes_nothing(archive_copy: tuple[Path, Sites], tmp_path: Path) -> None:
    db, sites = archive_copy
    preview = tmp_path / "preview.html"
    result = run_newswatch(
        ["digest", "--preview", str(preview)], crawl_env(tmp_path, OUTLETS, NEWSWATCH_DB=str(db))
    )
    assert result.returncode == 0, result.stderr
    shown = html.unescape(preview.read_text())
    assert all(title in shown for title in flagged_titles(sites))
    assert rows(db, "SELECT count(*) AS n FROM digests") == [{"n": 0}]
    # the rules by their plain-language names, as the digest sent says them
    labels = rule_wording().labels
    fired = {
        rule
        for (rules,) in sqlite3.connect(db).execute("SELECT rules FROM articles WHERE flagged")
        for rule in json.loads(rules)
    }
    assert fired and all(labels[rule] in shown for rule in fired)
    assert not any(rule in shown for rule in fired)


def test_an_empty_period_sends_nothing(tmp_path: Path, smtp: tuple[Controller, Inbox]) -> None:
    controller, inbox = smtp
    db = tmp_path / "data" / "newswatch.db"
    result = run_newswatch(["digest", "--send"], smtp_env(tmp_path, db, controller.port))
    assert result.returncode == 0 and "nothing to send" in result.stdout and inbox.messages == []


def test_hostile_titles_are_escaped_in_the_html_digest(tmp_path: Path) -> None:
    from zoneinfo import ZoneInfo

    from alerts.digest import DigestItem, render

    item = DigestItem(
        1,
        '<script>alert("x")</script> & <b>bold</b>',
        "https://example.org/a?x=1&y=2",
        "rferl",
        "2026-11-22 10:00:00",
        "high",
        ("supply-to-russia",),
        "Китай поставляет <img src=x> дроны",
    )
    content = render([item], ZoneInfo("Europe/Brussels"), {"rferl": "RFE/RL"})
    assert "<script>" not in content.html and "&lt;script&gt;" in content.html
    assert "<img src=x>" not in content.html and "Китай поставляет" in content.html
    assert 'href="https://example.org/a?x=1&amp;y=2"' in content.html
    assert '<script>alert("x")</script>' in content.text  # plain text is plain
    from alerts.mail import build_message

    message = build_message(content, "newswatch@example.org", ["a@example.org"])
    parsed = email.message_from_bytes(bytes(message), policy=default)
    assert parsed["Subject"] == content.subject


def test_an_arabic_report_is_set_right_to_left_and_its_words_stay_in_order_in_english_lines() -> None:
    import re
    from zoneinfo import ZoneInfo

    from alerts.digest import DigestItem, render

    # written for this test: an Arabic report of a designation, its cue words two Arabic words
    evidence = "فرضت وزارة الخزانة الأمريكية عقوبات على شركة صينية زودت روسيا بمحركات مسيرات."
    item = DigestItem(
        1,
        "واشنطن تعاقب شركة صينية \u202eزودت روسيا بمحركات",
        "https://example.org/ar/1",
        "aljazeera",
        "2026-11-22 10:00:00",
        "high",
        ("supply-to-russia",),
        evidence,
        ((0, 4),),
        story_id=1,
        language="ar",
        claim_status="designated",
        claim_words=("فرضت", "عقوبات"),
    )
    content = render([item], ZoneInfo("UTC"), {"aljazeera": "الجزيرة"})
    page = content.html
    title = re.search(r'<a href="https://example.org/ar/1"[^>]*>', page)
    assert title and 'dir="auto"' in title.group(0) and 'lang="ar"' in title.group(0)
    paragraph = re.search(r'<p class="evidence"[^>]*>', page)
    assert paragraph and 'dir="auto"' in paragraph.group(0) and 'lang="ar"' in paragraph.group(0)
    # each cue word and the outlet's name isolated: an English line keeps them in their order
    assert re.search(r"“<bdi lang=\"ar\">فرضت</bdi>”, “<bdi lang=\"ar\">عقوبات</bdi>”", page)
    assert "<bdi>الجزيرة</bdi>" in page
    assert "\u202e" not in page  # a hostile direction override is dropped, not obeyed
    # the plain text has no markup: the same words are set apart with Unicode's isolates
    assert "“\u2068فرضت\u2069”, “\u2068عقوبات\u2069”" in content.text
    assert "\u2068الجزيرة\u2069 · " in content.text and "\u202e" not in content.text


def test_the_evidence_of_a_report_outside_the_digest_carries_that_report_s_language() -> None:
    import re
    from zoneinfo import ZoneInfo

    from alerts.digest import ClaimSource, DigestItem, render

    # the story's status was raised by an Arabic report a delivered digest held already
    raised = ClaimSource(
        7, "aljazeera", "واشنطن تعاقب شركة صينية", "https://example.org/ar/7", ("فرضت",),
        "فرضت وزارة الخزانة الأمريكية عقوبات على شركة صينية.", ((0, 4),), "ar",
    )  # fmt: skip
    item = DigestItem(
        8, "Treasury names a Chinese drone-engine maker", "https://example.org/en/8", "reuters",
        "2026-11-22 10:00:00", "high", ("supply-to-russia",), "The Treasury named the firm.",
        story_id=1, language="en", claim_status="alleged", story_claim="designated", claim_by=raised,
    )  # fmt: skip
    page = render([item], ZoneInfo("UTC")).html
    paragraph = re.search(r'<p class="evidence"[^>]*>', page)
    assert paragraph and 'lang="ar"' in paragraph.group(0) and "فرضت" in page


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_html_digest_renders_in_headless_chromium(
    archive_copy: tuple[Path, Sites], tmp_path: Path, shots: Path
) -> None:
    db, _ = archive_copy
    preview = tmp_path / "digest.html"
    assert (
        run_newswatch(
            ["digest", "--preview", str(preview)], crawl_env(tmp_path, OUTLETS, NEWSWATCH_DB=str(db))
        ).returncode
        == 0
    )
    shot = shots / "digest.png"
    screenshot(preview.as_uri(), shot, tmp_path / "chrome", "760,1100")
    assert shot.stat().st_size > 10_000  # a rendered page, not a blank one


# --- a server that drops the connection after DATA (it may have taken the message) ---------


class DropsAfterData(Inbox):
    """Takes the whole message, then drops the connection without the final answer:
    ``close`` (FIN), ``reset`` (RST) or ``silent`` (no answer until the client gives up)."""

    def __init__(self, how: str = "close") -> None:
        super().__init__()
        self.how = how
        self.raw: list[bytes] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.raw.append(bytes(envelope.original_content))
        self.messages.append(email.message_from_bytes(envelope.content, policy=default))
        if self.how == "silent":
            await asyncio.sleep(5)
        elif self.how == "reset":
            server.transport.abort()
        else:
            server.transport.close()
        return "250 never seen by the client"


def serve_smtp(handler: Any, port: int | None = None) -> Controller:
    controller = Controller(handler, hostname="127.0.0.1", port=port or free_port())
    controller.start()
    return controller


def message_ids(inbox: Inbox) -> list[str]:
    return [str(m["Message-ID"]) for m in inbox.messages]


def test_a_digest_dropped_after_data_is_resent_as_the_same_message_then_no_more(
    archive_copy: tuple[Path, Sites], tmp_path: Path
) -> None:
    db, sites = archive_copy
    dropper = DropsAfterData("close")
    controller = serve_smtp(dropper)
    env = smtp_env(tmp_path, db, controller.port, NEWSWATCH_DIGEST_AMBIGUOUS_RETRIES="2")
    try:
        passes = [run_newswatch(["digest", "--send"], env) for _ in range(5)]
    finally:
        controller.stop()
    assert [p.returncode for p in passes] == [1, 1, 1, 0, 0], [p.stderr for p in passes]
    assert all("Traceback" not in p.stderr for p in passes)
    assert "the recipients may have it" in passes[0].stderr and "stays pending" in passes[0].stderr
    assert "may already have reached the recipients" in passes[2].stderr
    assert "not retried again" in passes[2].stderr
    assert all("nothing to send" in p.stdout for p in passes[3:])  # its items count as delivered
    # the first try and two retries: three copies of one message, byte for byte, then none
    assert len(dropper.raw) == 3 and len(set(dropper.raw)) == 1
    assert len(set(message_ids(dropper))) == 1
    text = dropper.messages[0].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert all(title in text for title in flagged_titles(sites))
    assert rows(db, "SELECT status, attempts, ambiguous, message_id FROM digests") == [
        {"status": "unconfirmed", "attempts": 3, "ambiguous": 3, "message_id": message_ids(dropper)[0]}
    ]
    status = run_newswatch(["digest"], env)
    assert status.returncode == 0 and "may already have reached the recipients" in status.stderr
    assert "newswatch digest --resend 1" in status.stderr
    inbox = Inbox()  # the operator finds it never arrived: queued again, the same message goes out
    controller = serve_smtp(inbox, controller.port)
    try:
        resent = run_newswatch(["digest", "--resend", "1", "--send"], env)
    finally:
        controller.stop()
    assert resent.returncode == 0 and "the same message as before" in resent.stdout, resent.stderr
    assert bytes(inbox.messages[0]) == bytes(dropper.messages[0])
    assert rows(db, "SELECT status FROM digests") == [{"status": "sent"}]
    assert run_newswatch(["digest", "--resend", "1"], env).returncode == 2  # only an unconfirmed one


def service_for(db: Path, port: int, **extra: str) -> Any:
    """The monitor service on this archive (in process, clock fixed), its digest by SMTP."""
    from datetime import UTC, datetime

    from scrapy.settings import Settings

    import settings as project
    from newswatch.clock import fixed_clock
    from scheduler import Service

    values = Settings()
    values.setmodule(project, priority="project")
    values.update(
        {
            "NEWSWATCH_DB": str(db),
            "NEWSWATCH_SMTP_HOST": "127.0.0.1",
            "NEWSWATCH_SMTP_PORT": port,
            "NEWSWATCH_SMTP_SECURITY": "none",
            "NEWSWATCH_DIGEST_FROM": "newswatch@example.org",
            "NEWSWATCH_DIGEST_TO": "analyst@example.org",
            **extra,
        },
        priority="cmdline",
    )
    return Service(values, outlets=[], clock=fixed_clock(datetime(2026, 11, 23, 7, 30, tzinfo=UTC)))


def test_the_services_15_minute_retry_stops_after_the_ambiguous_retries(
    archive_copy: tuple[Path, Sites],
) -> None:
    db, _ = archive_copy
    dropper = DropsAfterData("reset")
    controller = serve_smtp(dropper)
    try:
        service = service_for(db, controller.port, NEWSWATCH_DIGEST_AMBIGUOUS_RETRIES="1")
        service.digest()  # the daily job
        for _ in range(6):  # the retry job, every 15 minutes
            service.digest(only_pending=True)
    finally:
        controller.stop()
    assert len(dropper.raw) == 2 and len(set(dropper.raw)) == 1  # first try + one retry, same bytes
    assert rows(db, "SELECT status, attempts, ambiguous, built_at FROM digests") == [
        {"status": "unconfirmed", "attempts": 2, "ambiguous": 2, "built_at": "2026-11-23 07:30:00"}
    ]
    assert dropper.messages[0]["Date"] == "Mon, 23 Nov 2026 07:30:00 +0000"  # the service's clock


def test_no_final_answer_after_data_counts_as_may_have_it_and_a_refusal_does_not(tmp_path: Path) -> None:
    from alerts.config import SmtpConfig
    from alerts.mail import DigestDeliveryError, send_smtp

    message = b"Subject: t\r\nMessage-ID: <t@example.org>\r\n\r\nbody\r\n"

    def attempt(port: int, timeout: float = 10.0) -> DigestDeliveryError:
        smtp = SmtpConfig("127.0.0.1", port, "", "", "none", "nw@example.org", ("a@example.org",))
        with pytest.raises(DigestDeliveryError) as caught:
            send_smtp(message, smtp, timeout=timeout)
        return caught.value

    class Refuses(Inbox):
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            return "554 5.6.0 message refused"

    silent, refuses = serve_smtp(DropsAfterData("silent")), serve_smtp(Refuses())
    try:
        assert attempt(silent.port, timeout=1.0).ambiguous  # sent, then no answer in time
        refused = attempt(refuses.port)
        assert not refused.ambiguous and "554" in str(refused)  # an answer: it did not take it
    finally:
        silent.stop()
        refuses.stop()
    assert not attempt(free_port()).ambiguous  # nobody listening: nobody has it


def test_items_flagged_after_a_digest_was_built_wait_for_the_next_digest(
    archive_copy: tuple[Path, Sites], tmp_path: Path
) -> None:
    db, _ = archive_copy
    port = free_port()
    dropper = DropsAfterData("close")
    controller = serve_smtp(dropper, port)
    env = smtp_env(tmp_path, db, port)
    try:
        assert run_newswatch(["digest", "--send"], env).returncode == 1
    finally:
        controller.stop()
    conn = sqlite3.connect(db)
    late = conn.execute("SELECT id, title FROM articles WHERE flagged = 0 LIMIT 1").fetchone()
    conn.execute("UPDATE articles SET flagged = 1, severity = 'high' WHERE id = ?", (late[0],))
    conn.commit()
    conn.close()
    inbox = Inbox()
    controller = serve_smtp(inbox, port)
    try:
        retried = run_newswatch(["digest", "--send"], env)
        assert retried.returncode == 0 and "the same message as before" in retried.stdout
        following = run_newswatch(["digest", "--send"], env)
        assert following.returncode == 0, following.stderr
    finally:
        controller.stop()
    first, second = inbox.messages
    assert first["Message-ID"] == dropper.messages[0]["Message-ID"]
    assert bytes(first) == bytes(dropper.messages[0])
    assert late[1] not in first.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert late[1] in second.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert first["Message-ID"] != second["Message-ID"]
    assert [r["items"] for r in rows(db, "SELECT items FROM digests ORDER BY id")][1] == 1


# --- an archive that is full or not an archive at all ------------------------------------------


@pytest.fixture
def world() -> Iterator[World]:
    w = World(outlets=1, per_outlet=6, slack_interval=0.01)
    yield w
    w.close()


def newswatch(world: World, *args: str, limit: int | None = None) -> subprocess.CompletedProcess[str]:
    """The real command; ``limit``: no file it writes may grow past that many bytes (a full disk)."""

    def small_disk() -> None:
        assert limit is not None
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    return world.command(*args, preexec_fn=small_disk if limit else None)


#: Room for SQLite's 32 KB -shm index and a few pages of -wal: the first writes fail.
FULL = 40_000


def one_line_error(result: subprocess.CompletedProcess[str]) -> str:
    assert result.returncode == 2, result.stderr[-3000:]
    assert "Traceback" not in result.stderr, result.stderr[-3000:]
    errors = [line for line in result.stderr.splitlines() if line.startswith("newswatch:")]
    assert len(errors) == 1, result.stderr[-3000:]
    return errors[0]


@pytest.mark.parametrize("command", [["dispatch"], ["digest", "--send"], ["run", "--once"]])
def test_a_full_disk_is_one_line_and_exit_2_and_loses_nothing(world: World, command: list[str]) -> None:
    assert newswatch(world, "crawl").returncode == 0
    flagged = sum(world.urls.values())
    full = newswatch(world, *command, limit=FULL)
    line = one_line_error(full)
    assert str(world.db) in line and "is the disk full" in line
    assert query(world.db, "PRAGMA integrity_check") == [("ok",)]
    posted_while_full = len(world.slack.delivered())
    # what went out before the disk filled is marked sent (or left mid-send), the rest waits
    assert query(world.db, "SELECT count(*) FROM alerts WHERE status = 'failed'") == [(0,)]
    assert query(world.db, "SELECT count(*) FROM alerts WHERE status = 'sent'")[0][0] <= posted_while_full
    assert query(world.db, "SELECT count(*) FROM digests WHERE status != 'pending'") == [(0,)]
    assert newswatch(world, "dispatch").returncode == 0  # space again: every alert goes out
    assert newswatch(world, "digest", "--send").returncode == 0
    assert query(world.db, "SELECT count(*) FROM alerts WHERE status = 'sent'") == [(flagged,)]
    assert len(world.slack.delivered()) <= flagged + 1  # at most the one alert caught mid-send
    assert query(world.db, "SELECT status, items FROM digests") == [("sent", flagged)]


@pytest.mark.parametrize(
    ("kind", "command", "says"),
    [
        ("/dev/null", ["run", "--once"], "it is a character device, not a regular file"),
        ("directory", ["dispatch"], "it is a directory, not a regular file"),
        ("fifo", ["digest", "--send"], "it is a named pipe (FIFO), not a regular file"),
        ("text file", ["alerts"], "file is not a database (it is not an SQLite database"),
    ],
)
def test_an_archive_path_that_is_not_an_archive_is_one_line_and_exit_2(
    world: World, tmp_path: Path, kind: str, command: list[str], says: str
) -> None:
    path = Path(kind) if kind.startswith("/") else tmp_path / "archive.db"
    if kind == "directory":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)
    elif kind == "text file":
        path.write_text("outlet,title\nrferl,not a database\n", encoding="utf-8")
    world.env["NEWSWATCH_DB"] = str(path)
    started = time.monotonic()
    line = one_line_error(newswatch(world, *command))
    assert time.monotonic() - started < 60  # no hang on a FIFO
    assert f"cannot open archive {path}: {says}" in line
    if kind == "text file":
        assert path.read_text(encoding="utf-8") == "outlet,title\nrferl,not a database\n"
    assert world.slack.delivered() == []


def test_a_digest_nobody_took_is_given_up_after_the_cap_and_its_items_go_into_the_next(
    archive_copy: tuple[Path, Sites],
) -> None:
    from alerts.digest import MAX_ATTEMPTS

    db, sites = archive_copy
    port = free_port()  # nobody listening: every attempt is refused before anything is sent
    service = service_for(db, port)
    service.digest()
    for _ in range(MAX_ATTEMPTS + 5):
        service.digest(only_pending=True)
    assert rows(db, "SELECT status, attempts, ambiguous FROM digests") == [
        {"status": "failed", "attempts": MAX_ATTEMPTS, "ambiguous": 0}
    ]
    inbox = Inbox()
    controller = serve_smtp(inbox, port)
    try:
        service.digest()  # the next daily digest: nobody had the failed one, so it holds its items
    finally:
        controller.stop()
    (message,) = inbox.messages
    text = message.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert all(title in text for title in flagged_titles(sites))
    assert [r["status"] for r in rows(db, "SELECT status FROM digests ORDER BY id")] == ["failed", "sent"]


@pytest.mark.parametrize(
    ("attempts", "ambiguous", "retries", "status"),
    [
        (1, 1, 2, "pending"),
        (3, 3, 2, "unconfirmed"),  # the first try and two retries may all have arrived
        (1, 1, 0, "unconfirmed"),  # no retry after the server may have it
        (96, 0, 2, "failed"),  # the cap, nobody can have it
        (96, 1, 2, "unconfirmed"),  # the cap, but one try may have arrived
        (95, 2, 2, "pending"),
    ],
)
def test_the_status_after_a_failed_attempt(attempts: int, ambiguous: int, retries: int, status: str) -> None:
    from alerts.digest import MAX_ATTEMPTS, after_failure

    assert MAX_ATTEMPTS == 96
    assert after_failure(attempts, ambiguous, retries) == status


class RawSmtp:
    """A bare SMTP server on a loopback socket that answers the end of DATA as told:
    ``garbage`` (no reply code), ``long`` (a line past what a client reads), ``451``, or
    ``trickle`` (the greeting one byte at a time, for ever)."""

    def __init__(self, mode: str):
        self.mode, self.messages = mode, 0
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(5)
        self.port = self.sock.getsockname()[1]
        self.stop = threading.Event()
        threading.Thread(target=self._serve, daemon=True).start()

    def _serve(self) -> None:
        with contextlib.suppress(OSError):
            conn, _ = self.sock.accept()
            with conn:
                if self.mode == "trickle":
                    while not self.stop.wait(0.5):
                        conn.sendall(b"2")
                    return
                self._session(conn)

    def _session(self, conn: socket.socket) -> None:
        lines = conn.makefile("rb")
        conn.sendall(b"220 raw\r\n")
        in_data = False
        for line in lines:
            if in_data:
                if line == b".\r\n":
                    self.messages += 1
                    conn.sendall(
                        {"garbage": b"xyz accepted\r\n", "long": b"250 " + b"a" * 9000 + b"\r\n"}.get(
                            self.mode, b"451 try later\r\n"
                        )
                    )
                    in_data = False
                continue
            verb = line[:4].upper()
            if verb == b"DATA":
                conn.sendall(b"354 go on\r\n")
                in_data = True
            elif verb == b"QUIT":
                conn.sendall(b"221 bye\r\n")
                return
            else:
                conn.sendall(b"250 ok\r\n")

    def close(self) -> None:
        self.stop.set()
        self.sock.close()


@pytest.mark.parametrize(("mode", "ambiguous"), [("garbage", True), ("long", True), ("451", False)])
def test_a_malformed_answer_to_the_message_counts_as_may_have_it(mode: str, ambiguous: bool) -> None:
    """A reply after the message that is no reply at all says nothing about delivery: the
    recipients may have it, so retries are bounded; a proper 4xx/5xx means nobody has it."""
    from alerts.config import SmtpConfig
    from alerts.mail import DigestDeliveryError, send_smtp

    server = RawSmtp(mode)
    try:
        smtp = SmtpConfig("127.0.0.1", server.port, "", "", "none", "nw@example.org", ("a@example.org",))
        with pytest.raises(DigestDeliveryError) as caught:
            send_smtp(b"Subject: t\r\nMessage-ID: <t@example.org>\r\n\r\nbody\r\n", smtp, timeout=5)
    finally:
        server.close()
    assert server.messages == 1 and caught.value.ambiguous is ambiguous


def test_a_server_that_trickles_cannot_hold_the_digest_past_its_deadline() -> None:
    from alerts.config import SmtpConfig
    from alerts.mail import DigestDeliveryError, send_smtp

    server = RawSmtp("trickle")
    started = time.monotonic()
    try:
        smtp = SmtpConfig("127.0.0.1", server.port, "", "", "none", "nw@example.org", ("a@example.org",))
        with pytest.raises(DigestDeliveryError) as caught:
            send_smtp(b"Subject: t\r\n\r\nbody\r\n", smtp, timeout=2, deadline=3)
    finally:
        server.close()
    assert time.monotonic() - started < 15  # 3 s here; a per-read timeout alone never ends
    assert "cut off" in str(caught.value) and not caught.value.ambiguous


def test_two_senders_at_once_deliver_the_digest_once(archive_copy: tuple[Path, Sites]) -> None:
    """The service's daily job and its retry job (or `newswatch digest --send` beside the
    service) running together: one sends, the other then finds nothing to send."""

    class SlowInbox(Inbox):
        async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
            await asyncio.sleep(1.0)  # long enough for the other sender to arrive meanwhile
            return await super().handle_DATA(server, session, envelope)

    db, _ = archive_copy
    inbox = SlowInbox()
    controller = serve_smtp(inbox)
    try:
        services = [service_for(db, controller.port) for _ in range(2)]
        senders = [threading.Thread(target=service.digest) for service in services]
        for sender in senders:
            sender.start()
        for sender in senders:
            sender.join(timeout=60)
    finally:
        controller.stop()
    assert len(inbox.messages) == 1
    assert rows(db, "SELECT status, attempts FROM digests") == [{"status": "sent", "attempts": 1}]


# --- stories grouped by what changed ---------------------------------------------------------


def _item(article_id: int, story_id: int, published: str, **fields: Any) -> Any:
    from alerts.digest import DigestItem

    values: dict[str, Any] = {
        "title": f"Report {article_id}",
        "url": f"https://example.org/a/{article_id}",
        "outlet": "rferl",
        "severity": "medium",
        "rules": ("supply-to-russia",),
        "evidence": "Chinese firms shipped drone engines to Russia's army.",
    }
    values.update(fields)
    return DigestItem(
        article_id,
        values["title"],
        values["url"],
        values["outlet"],
        published,
        values["severity"],
        values["rules"],
        values["evidence"],
        story_id=story_id,
        language=values.get("language"),
        claim_status=values.get("claim_status"),
        claim_words=values.get("claim_words", ()),
    )


@pytest.mark.parametrize(
    ("now", "before", "section"),
    [
        ("designated", None, "designated"),  # a new story
        ("alleged", None, "alleged"),
        (None, None, "reported"),  # reports archived before claim statuses
        ("designated", ["alleged", None], "designated"),  # stronger than what was delivered
        ("denied", ["alleged"], "denied"),
        ("alleged", ["designated"], "update"),  # a later report, no stronger
        ("designated", ["designated"], "update"),
        (None, ["alleged"], "update"),
    ],
)
def test_a_story_is_listed_under_what_changed(
    now: str | None, before: list[str | None] | None, section: str
) -> None:
    from alerts.digest import section_of

    assert section_of(now, before) == section


def test_the_earliest_report_leads_its_story_and_the_others_follow_with_their_language() -> None:
    from zoneinfo import ZoneInfo

    from alerts.digest import render

    items = [  # as the archive gives them: most severe, newest first
        _item(
            3,
            7,
            "2026-11-22 12:00:00",
            severity="high",
            outlet="tass",
            language="ru",
            claim_status="designated",
        ),
        _item(2, 7, "2026-11-22 09:00:00", outlet="xinhua", language="zh", claim_status="alleged"),
        _item(
            1,
            7,
            "2026-11-22 08:00:00",
            title="The first report",
            outlet="rferl",
            language="en",
            claim_status="alleged",
            claim_words=("according to",),
        ),
    ]
    content = render(items, ZoneInfo("UTC"), {"rferl": "RFE/RL", "tass": "TASS", "xinhua": "Xinhua"})
    assert content.text.count("* [") == 1  # one story
    entry = content.text[content.text.index("* [") :]
    assert entry.startswith("* [HIGH · DESIGNATED] The first report")  # the story's strongest
    assert "also reported by Xinhua (Chinese)" in entry and "also reported by TASS (Russian)" in entry
    assert entry.index("also reported by Xinhua") < entry.index("also reported by TASS")  # in time order
    # the status is said by the report that has it, named: not by the lead's weaker cue
    assert "  DESIGNATED (TASS: Report 3 <https://example.org/a/3>)\n" in entry
    assert "according to" not in entry
    assert "== NEW DESIGNATIONS (1) ==" in content.text


def test_groups_come_in_order_designations_denials_allegations_then_updates() -> None:
    from zoneinfo import ZoneInfo

    from alerts.digest import render

    items = [
        _item(1, 1, "2026-11-22 08:00:00", title="Old story, new copy", claim_status="alleged"),
        _item(2, 2, "2026-11-22 08:00:00", title="Beijing denies", claim_status="denied"),
        _item(3, 3, "2026-11-22 08:00:00", title="New accusation", claim_status="alleged"),
        _item(4, 4, "2026-11-22 08:00:00", title="Treasury acts", claim_status="designated", severity="low"),
    ]
    content = render(items, ZoneInfo("UTC"), earlier={1: ["alleged"]})
    text = content.text
    heads = [
        "== NEW DESIGNATIONS (1) ==",
        "== DENIALS (1) ==",
        "== NEW ALLEGATIONS (1) ==",
        "== UPDATES (1) ==",
    ]
    assert [text.index(h) for h in heads] == sorted(text.index(h) for h in heads)
    assert text.index("Treasury acts") < text.index("Beijing denies") < text.index("New accusation")
    assert text.index("== UPDATES (1) ==") < text.index("Old story, new copy")
    assert re.search(r'<h2 class="designated"[^>]*>New designations \(1\)</h2>', content.html)


def test_the_statuses_a_delivered_digest_held_are_found_per_story(tmp_path: Path) -> None:
    from newswatch.archive import Archive
    from newswatch.claims import Claim
    from newswatch.records import Article, Candidate, Extraction
    from newswatch.rules import load_ruleset
    from newswatch.stories import StoryIndex, fingerprint

    matcher, stories = load_ruleset(ROOT / "config" / "rules"), StoryIndex()
    archive = Archive(tmp_path / "newswatch.db")
    text = "\n".join(
        [
            "Chinese companies shipped drone engines to Russia's army, the report said.",
            *paragraphs("engines", 8),
        ]
    )
    stored = []
    for n, status in enumerate(["alleged", "designated", None]):
        url = f"https://example.org/world/drone-engines-{n}"
        candidate = Candidate(url=url, outlet="rferl", source="https://example.org/rss", source_kind="feed")
        item = Article(url, url, "rferl", datetime(2026, 11, 22, 8, tzinfo=UTC), "", candidate)
        body = text if n < 2 else "An unrelated report on the weather in Brussels, sunny all week. " * 5
        item.extraction = Extraction(text=body, title=f"Report {n}", language="en")
        item.verdict = matcher.classify(f"Report {n}", body, "en")
        item.claim = Claim(status, None) if status else None  # type: ignore[arg-type]
        result = archive.articles.store(
            item, item.extraction, url, "run", fingerprint(f"Report {n}", body), stories
        )
        stored.append(result)
    first, second, third = stored
    # flagged; a copy at the same outlet that raises the story's status is a status reply
    assert [r.alert for r in stored] == ["new", "status", None]
    assert first.story_id == second.story_id != third.story_id  # a copy joins the story
    digest = archive.digests.prepare(
        [first.article_id, second.article_id], b"m", "s", "<id@x>", "a@example.org"
    )
    assert archive.digests.delivered_claims([first.story_id]) == {}  # prepared, not delivered
    archive.digests.mark_sent(digest.id, "smtp")
    found = archive.digests.delivered_claims([first.story_id, third.story_id])
    assert {k: sorted(v, key=str) for k, v in found.items()} == {first.story_id: ["alleged", "designated"]}
    archive.close()


def test_a_status_an_article_reached_after_its_digest_went_out_is_still_news(tmp_path: Path) -> None:
    """The story's history, not its articles' current statuses, says what a digest showed: a
    report revised to a designation after its digest was sent comes again and leads the next
    digest under "New designations", a weaker copy of it following as "also reported by"."""
    from datetime import timedelta
    from zoneinfo import ZoneInfo

    from alerts.digest import earlier_claims, render, undelivered
    from newswatch.archive import Archive
    from newswatch.claims import Claim
    from newswatch.records import Article, Candidate, Extraction
    from newswatch.rules import load_ruleset
    from newswatch.stories import StoryIndex, fingerprint

    moment = [datetime(2026, 11, 22, 8, tzinfo=UTC)]
    matcher, stories = load_ruleset(ROOT / "config" / "rules"), StoryIndex()
    archive = Archive(tmp_path / "newswatch.db", clock=lambda: moment[0])
    text = "\n".join(
        [
            "Chinese companies shipped drone engines to Russia's army, the report said.",
            *paragraphs("engines", 8),
        ]
    )

    def store(n: int, status: str) -> int:
        url = f"https://example.org/world/drone-engines-{n}"
        candidate = Candidate(url=url, outlet="rferl", source="https://example.org/rss", source_kind="feed")
        item = Article(url, url, "rferl", moment[0], "", candidate)
        item.extraction = Extraction(text=text, title=f"Report {n}", language="en")
        item.verdict = matcher.classify(f"Report {n}", text, "en")
        item.claim = Claim(status, None)  # type: ignore[arg-type]
        stored = archive.articles.store(
            item, item.extraction, url, "run", fingerprint(f"Report {n}", text), stories
        )
        assert stored.article_id is not None
        return stored.article_id

    first = store(0, "alleged")
    digest = archive.digests.prepare([first], b"m", "s", "<id@x>", "a@example.org")
    archive.digests.mark_sent(digest.id, "smtp")
    moment[0] += timedelta(hours=1)
    verdict = matcher.classify("Report 0", text, "en")
    archive.verdicts.update(first, verdict, "t", Claim("designated", None))
    story = archive.conn.execute("SELECT story_id FROM articles WHERE id = ?", (first,)).fetchone()[0]
    assert [c["status"] for c in archive.stories.claim_history(story)] == ["alleged", "designated"]
    moment[0] += timedelta(hours=1)
    store(1, "alleged")  # a copy: the only new item of the next digest
    items = undelivered(archive)
    # the copy, and the revised report again: it raised the story since its digest
    assert [(i.title, i.claim_status, i.again) for i in items] == [
        ("Report 1", "alleged", False),
        ("Report 0", "designated", True),
    ]
    assert {i.story_claim for i in items} == {"designated"}
    content = render(items, ZoneInfo("UTC"), earlier=earlier_claims(archive, items))
    assert "== NEW DESIGNATIONS (1) ==" in content.text and "UPDATES" not in content.text
    entry = content.text[content.text.index("* [") :]
    assert entry.startswith("* [HIGH · DESIGNATED] Report 0")  # the earliest report leads
    assert "(this report, updated since an earlier digest)" in entry
    assert "also reported by rferl (English): https://example.org/world/drone-engines-1" in entry
    archive.close()
