"""Faults of the things around the monitor: Slack refusing the configuration mid-run, a full
disk, a read-only archive. Each gives one clear line, loses nothing, and recovers."""

from __future__ import annotations

import os
import resource
import sqlite3
import subprocess
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from crash_harness import World
from helpers import query

from newswatch.archive import Archive


@pytest.fixture
def world() -> Iterator[World]:
    w = World(outlets=2, per_outlet=6, slack_interval=0.05)
    yield w
    w.close()


def command(world: World, *args: str, **popen: object) -> subprocess.CompletedProcess[str]:
    return world.command(*args, **popen)


@pytest.mark.parametrize("error", ["token_revoked", "channel_not_found", "invalid_auth"])
def test_slack_refusing_the_configuration_mid_run_is_one_log_line_and_one_health_entry(
    world: World, error: str
) -> None:
    assert command(world, "crawl").returncode == 0
    world.slack.script("ok", "ok", error)  # two alerts go out, then the token is revoked
    first = command(world, "dispatch")
    assert first.returncode == 1
    assert first.stderr.count("fix the configuration") == 1 and error in first.stderr
    assert "Traceback" not in first.stderr
    assert query(world.db, "SELECT outlet, issue, resolved_at FROM health") == [("slack", "delivery", None)]
    pending = query(world.db, "SELECT count(*) FROM alerts WHERE status = 'pending' AND attempts = 0")[0][0]
    assert pending == sum(world.urls.values()) - 2

    def retry_now() -> None:
        conn = sqlite3.connect(world.db)
        conn.execute("UPDATE alerts SET next_attempt_at = '2000-01-01 00:00:00' WHERE status = 'pending'")
        conn.commit()
        conn.close()

    retry_now()
    world.slack.script(error)  # still broken: no second error line, still one open entry
    second = command(world, "dispatch")
    assert second.returncode == 1 and "fix the configuration" not in second.stderr
    assert query(world.db, "SELECT count(*) FROM health WHERE resolved_at IS NULL") == [(1,)]
    retry_now()
    third = command(world, "dispatch")  # fixed: everything goes, in order, and the entry closes
    assert third.returncode == 0, third.stderr[-2000:]
    assert "delivered again" in third.stderr
    assert query(world.db, "SELECT count(*) FROM health WHERE resolved_at IS NULL") == [(0,)]
    assert query(world.db, "SELECT DISTINCT status FROM alerts") == [("sent",)]
    posted = [c.payload["blocks"][0]["text"]["text"] for c in world.slack.delivered()]
    order = [
        u
        for (u,) in query(
            world.db,
            "SELECT a.url FROM alerts al JOIN articles a ON a.id = al.article_id ORDER BY al.created_at, al.id",
        )
    ]
    assert [next(u for u in order if f"<{u}|" in text) for text in posted] == order


def test_a_full_disk_stops_the_crawl_with_one_clear_line_and_no_corruption(world: World) -> None:
    Archive(world.db).close()  # a created, migrated archive (read-only commands create none)
    size = world.db.stat().st_size + sum(p.stat().st_size for p in world.db.parent.glob("*-wal"))
    limit = size + 40_000  # room for a few articles, not for all twelve

    def small_disk() -> None:
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))

    full = command(world, "crawl", preexec_fn=small_disk)
    assert full.returncode == 1
    assert "Traceback" not in full.stderr
    assert "write failed" in full.stderr and "is the disk full" in full.stderr
    assert query(world.db, "PRAGMA integrity_check") == [("ok",)]
    partial = query(world.db, "SELECT count(*) FROM articles")[0][0]
    assert partial < len(world.urls)
    again = command(world, "crawl")  # space again: the rest is fetched, nothing twice
    assert again.returncode == 0, again.stderr[-2000:]
    assert query(world.db, "SELECT count(*), count(DISTINCT url) FROM articles") == [
        (len(world.urls), len(world.urls))
    ]
    assert query(world.db, "PRAGMA integrity_check") == [("ok",)]


def test_a_read_only_archive_is_refused_with_one_clear_line(world: World, tmp_path: Path) -> None:
    assert command(world, "crawl").returncode == 0
    before = query(world.db, "SELECT count(*) FROM articles")[0][0]
    folder = world.db.parent
    if os.geteuid() != 0:
        for path in [folder, *folder.iterdir()]:
            path.chmod(0o555 if path.is_dir() else 0o444)
        undo = lambda: [p.chmod(0o755 if p.is_dir() else 0o644) for p in [folder, *folder.iterdir()]]  # noqa: E731
    else:  # root ignores permissions: a read-only mount of a copy instead
        mount = tmp_path / "ro"
        mount.mkdir()
        if subprocess.run(
            ["mount", "-t", "tmpfs", "-o", "size=20m", "tmpfs", str(mount)], check=False
        ).returncode:
            pytest.skip("cannot make a read-only file system here (root without mount)")
        for path in folder.iterdir():
            (mount / path.name).write_bytes(path.read_bytes())
        subprocess.run(["mount", "-o", "remount,ro", str(mount)], check=True)
        world.env["NEWSWATCH_DB"] = str(mount / world.db.name)
        undo = lambda: subprocess.run(["umount", str(mount)], check=False)  # noqa: E731
    try:
        result = command(world, "crawl")
        assert result.returncode in (1, 2)
        assert "Traceback" not in result.stderr
        last = result.stderr.strip().splitlines()[-1]
        assert "archive" in last and ("read-only" in last or "readonly" in last), last
    finally:
        undo()
    assert query(world.db, "SELECT count(*) FROM articles")[0][0] == before
    assert query(world.db, "PRAGMA integrity_check") == [("ok",)]


def test_a_slack_timeout_is_retried_and_costs_at_most_one_duplicate(tmp_path: Path) -> None:
    """Slack took the message but answered too late: the retry may post it again. That is
    the documented bound (chat.postMessage has no idempotency key); nothing is lost."""
    from zoneinfo import ZoneInfo

    from fakeslack import FakeSlack
    from test_stories import FACTORY, FACTORY_TITLE, store

    from alerts.config import AlertConfig
    from alerts.dispatch import dispatch
    from alerts.transports import SlackTransport
    from newswatch.archive import Archive
    from newswatch.stories import StoryIndex

    archive = Archive(tmp_path / "newswatch.db")
    slack = FakeSlack().start()
    try:
        store(archive, StoryIndex(), "rferl", "/a/1", FACTORY_TITLE, "\n\n".join(FACTORY), datetime.now(UTC))
        config = AlertConfig("xoxb-test", "#c", slack.api_url, 0.0, ZoneInfo("UTC"), 5, 1.0, tmp_path, None)
        slack.script("slow")  # answers after 3 s
        transport = SlackTransport("xoxb-test", "#c", slack.api_url, 0.0, timeout=1)
        report = dispatch(archive, transport, config)
        if report.sent == 0:  # the timeout was not retried at once: the next pass sends it
            archive.conn.execute("UPDATE alerts SET next_attempt_at = '2000-01-01 00:00:00'")
            report = dispatch(archive, transport, config)
        assert report.sent == 1
        assert archive.conn.execute("SELECT status FROM alerts").fetchall() == [("sent",)]
        assert 1 <= len(slack.delivered()) <= 2
    finally:
        slack.stop()
        archive.close()
