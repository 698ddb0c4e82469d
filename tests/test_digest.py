"""The e-mail digest against a real SMTP server (aiosmtpd on loopback)."""

from __future__ import annotations

import email
import html
import socket
import sqlite3
from collections.abc import Iterator
from email.message import Message
from email.policy import default
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult
from conftest import CHROMIUM, ROOT, crawl_env, rows, run_newswatch, screenshot
from outlet_sites import Sites

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
    assert all(title in html.unescape(preview.read_text()) for title in flagged_titles(sites))
    assert rows(db, "SELECT count(*) AS n FROM digests") == [{"n": 0}]


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


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
def test_html_digest_renders_in_headless_chromium(archive_copy: tuple[Path, Sites], tmp_path: Path) -> None:
    db, _ = archive_copy
    preview = tmp_path / "digest.html"
    assert (
        run_newswatch(
            ["digest", "--preview", str(preview)], crawl_env(tmp_path, OUTLETS, NEWSWATCH_DB=str(db))
        ).returncode
        == 0
    )
    shot = ROOT / "data" / "screenshots" / "digest.png"
    screenshot(preview.as_uri(), shot, tmp_path / "chrome", "760,1100")
    assert shot.stat().st_size > 10_000  # a rendered page, not a blank one
