"""Crawls forked by the crawl forkserver (NEWSWATCH_CRAWL_START=fork): real crawls of loopback
outlets, a real forkserver process, and everything the launcher promises of a crawl process."""

from __future__ import annotations

import logging
import os
import signal
import threading
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fakeweb import FakeWeb
from helpers import ROOT, crawl_env, outlet_table, rows, wait_for, write_outlets
from outlet_sites import Story, pangea_page, paragraphs, rss

from newswatch.archive import Archive
from newswatch.service.launcher import CrawlOutcome, Launcher

SECRETS = {
    "SLACK_BOT_TOKEN": "xoxb-secret",
    "SLACK_APP_TOKEN": "xapp-secret",
    "NEWSWATCH_SMTP_PASSWORD": "hunter2",
    "NEWSWATCH_SMTP_USER": "digest@example.org",
    "AWS_SECRET_ACCESS_KEY": "aws",
}
TOPIC = "Chinese companies have supplied drone engines to Russia's military, three EU diplomats said."
RULES = """
[settings]
threshold = 1.0

[groups.CHINA]
aliases = ["china", "chinese"]

[groups.RUSSIA]
aliases = ["russia", "russian"]

[groups.SUPPORT]
aliases = [{support}]

[groups.SUPPLY]
aliases = ["supplied", "shipped"]

[[rules]]
id = "supply"
description = "China supplies Russia"
severity = "high"
scope = "sentence"
query = "CHINA AND RUSSIA AND SUPPORT AND SUPPLY"
"""


def write_rules(folder: Path, *support: str) -> Path:
    folder.mkdir(exist_ok=True)
    text = RULES.replace("{support}", ", ".join(f'"{alias}"' for alias in support))
    (folder / "topic.toml").write_text(text, encoding="utf-8")
    return folder


def publish(web: FakeWeb, n: int) -> str:
    """Article ``n`` (it names China supplying Russia with drone engines) on the news feed."""
    now = datetime.now(UTC).replace(microsecond=0)
    for k in range(1, n + 1):
        story = Story(
            f"/news/a/story-{k}/44{k:04d}.html",
            f"Story {k}",
            [TOPIC, *paragraphs(f"story {k}")[1:]],
            now - timedelta(minutes=10 - k),
        )
        web.add(story.path, pangea_page(story, web.url(story.path)))
    items = [
        (f"Story {k}", web.url(f"/news/a/story-{k}/44{k:04d}.html"), now - timedelta(minutes=10 - k))
        for k in range(1, n + 1)
    ]
    web.add("/news/feed.xml", rss(items), content_type="application/rss+xml")
    return web.url(f"/news/a/story-{n}/44{n:04d}.html")


@pytest.fixture
def site(tmp_path: Path, web: FakeWeb) -> dict[str, str]:
    """Two outlets: ``news`` (articles, see :func:`publish`) and ``slow`` (a feed that hangs),
    and the crawl environment, secrets included (the launcher must filter them)."""
    web.add("/slow/feed.xml", rss([]), delay=60.0, content_type="application/rss+xml")
    outlets = write_outlets(
        tmp_path / "outlets.toml",
        outlet_table("news", web.url("/news/"), name="News", feeds=[web.url("/news/feed.xml")]),
        outlet_table("slow", web.url("/slow/"), name="Slow", feeds=[web.url("/slow/feed.xml")]),
    )
    rules = write_rules(tmp_path / "rules", "chips")
    return crawl_env(
        tmp_path,
        outlets,
        NEWSWATCH_RULES=str(rules),
        NEWSWATCH_HTTPCACHE="0",
        NEWSWATCH_DOWNLOAD_TIMEOUT="120",
        no_proxy="127.0.0.1",
        **SECRETS,
    )


@pytest.fixture
def launcher(tmp_path: Path, site: dict[str, str]) -> Iterator[Launcher]:
    db = tmp_path / "data" / "newswatch.db"
    launcher = Launcher(db, timeout=600, cwd=ROOT, env=site, start="fork", kill_after=2, kill_now_after=2)
    launcher.open()
    yield launcher
    launcher.stop_all(now=True)
    launcher.close()


def environ(pid: int) -> dict[str, str]:
    raw = Path(f"/proc/{pid}/environ").read_bytes()
    return dict(item.decode().partition("=")[::2] for item in raw.split(b"\0") if item)


def forked(forkserver_pid: int) -> list[int]:
    """The forkserver's running children (its crawls)."""
    children = Path(f"/proc/{forkserver_pid}/task/{forkserver_pid}/children").read_text()
    return [int(pid) for pid in children.split()]


def run_in_thread(launcher: Launcher, outlet: str) -> tuple[threading.Thread, list[CrawlOutcome]]:
    outcomes: list[CrawlOutcome] = []
    thread = threading.Thread(target=lambda: outcomes.append(launcher.run(outlet)))
    thread.start()
    return thread, outcomes


def test_a_forked_crawl_archives_articles_and_sees_an_edited_rules_file(
    tmp_path: Path, web: FakeWeb, site: dict[str, str], launcher: Launcher
) -> None:
    publish(web, 1)
    first = launcher.run("news")
    assert first.status == "ok", first
    assert launcher.forkserver is not None and launcher.forkserver.pid is not None
    server = launcher.forkserver.pid
    write_rules(tmp_path / "rules", "chips", "drone engines")  # the team adds an alias
    second_url = publish(web, 2)
    second = launcher.run("news")
    assert second.status == "ok", second
    assert launcher.forkserver.pid == server  # both crawls forked by the same forkserver
    db = tmp_path / "data" / "newswatch.db"
    assert rows(db, "SELECT url, flagged FROM articles ORDER BY id") == [
        {"url": web.url("/news/a/story-1/440001.html"), "flagged": 0},
        {"url": second_url, "flagged": 1},  # read by the second crawl: the edited rules
    ]
    runs = rows(db, "SELECT status FROM crawl_runs ORDER BY started_at")
    assert [r["status"] for r in runs] == ["ok", "ok"]


def test_the_forkserver_and_its_crawls_hold_no_secret_and_the_forkserver_no_thread_nor_archive(
    tmp_path: Path, web: FakeWeb, site: dict[str, str], launcher: Launcher
) -> None:
    thread, _ = run_in_thread(launcher, "slow")
    try:
        assert wait_for(lambda: web.hits("/slow/feed.xml"), 60)
        assert launcher.forkserver is not None and launcher.forkserver.pid is not None
        server = launcher.forkserver.pid
        (crawl,) = forked(server)
        for pid in (server, crawl):
            seen = environ(pid)
            assert not set(SECRETS) & set(seen) and not set(SECRETS.values()) & set(seen.values())
            for needed in ("PATH", "NEWSWATCH_DB", "NEWSWATCH_OUTLETS", "NEWSWATCH_RULES", "no_proxy"):
                assert seen[needed] == site[needed], needed
        assert os.getsid(crawl) == crawl and os.getpgid(crawl) == crawl  # a session of its own
        assert len(os.listdir(f"/proc/{server}/task")) == 1  # the forkserver forks from one thread
        opened = [os.readlink(f"/proc/{server}/fd/{fd}") for fd in os.listdir(f"/proc/{server}/fd")]
        assert not [path for path in opened if "newswatch.db" in path]  # nor holds the archive open
    finally:
        launcher.stop_all()
        launcher.stop_all(now=True)  # a second SIGTERM, a second later: Scrapy's handlers in the child
        thread.join(timeout=60)
    (run,) = rows(tmp_path / "data" / "newswatch.db", "SELECT status, last_error FROM crawl_runs")
    assert run["status"] == "partial"
    assert str(run["last_error"]).startswith("stopped at once by a second SIGTERM")  # written by the crawl


def test_a_hung_forked_crawl_is_stopped_at_its_timeout_and_recorded_against_its_outlet_only(
    tmp_path: Path, web: FakeWeb, site: dict[str, str]
) -> None:
    publish(web, 1)
    db = tmp_path / "data" / "newswatch.db"
    Archive(db).close()  # created before crawls start in parallel (as the service does)
    launcher = Launcher(db, timeout=2, cwd=ROOT, env=site, start="fork", kill_after=1)
    launcher.open()
    try:
        started = time.monotonic()
        thread, outcomes = run_in_thread(launcher, "slow")
        news = launcher.run("news")  # alongside, from the same forkserver
        thread.join(timeout=60)
        took = time.monotonic() - started
    finally:
        launcher.close()
    assert took < 15, took  # the timeout, not the feed's 60 s
    (slow,) = outcomes
    assert (slow.status, news.status) == ("timeout", "ok")
    recorded = rows(db, "SELECT outlet, status, last_error FROM crawl_runs ORDER BY outlet")
    assert [(r["outlet"], r["status"]) for r in recorded] == [("news", "ok"), ("slow", "timeout")]
    assert "stopped after 2 s" in str(recorded[1]["last_error"])


def test_a_forked_crawl_that_dies_is_recorded_as_crashed(
    tmp_path: Path, web: FakeWeb, launcher: Launcher
) -> None:
    thread, outcomes = run_in_thread(launcher, "slow")
    assert wait_for(lambda: web.hits("/slow/feed.xml"), 60)
    assert launcher.forkserver is not None and launcher.forkserver.pid is not None
    (crawl,) = forked(launcher.forkserver.pid)
    os.kill(crawl, signal.SIGKILL)  # as the kernel's OOM killer would
    thread.join(timeout=60)
    (outcome,) = outcomes
    assert (outcome.status, outcome.returncode) == ("crashed", -signal.SIGKILL)
    (run,) = rows(tmp_path / "data" / "newswatch.db", "SELECT outlet, status, last_error FROM crawl_runs")
    assert run["outlet"] == "slow" and run["status"] == "crashed" and "exit code -9" in str(run["last_error"])


def test_a_killed_forkserver_loses_no_crawl_and_the_next_crawl_runs(
    tmp_path: Path, web: FakeWeb, launcher: Launcher, caplog: pytest.LogCaptureFixture
) -> None:
    publish(web, 1)
    thread, outcomes = run_in_thread(launcher, "slow")
    assert wait_for(lambda: web.hits("/slow/feed.xml"), 60)
    assert launcher.forkserver is not None
    killed = launcher.forkserver.pid
    assert killed is not None
    os.kill(killed, signal.SIGKILL)  # while the slow crawl it forked is running
    with caplog.at_level(logging.WARNING, logger="newswatch.service"):
        news = launcher.run("news")
    assert news.status == "ok", news
    assert launcher.forkserver.pid not in (None, killed)  # restarted
    assert any("restarting it" in r.getMessage() for r in caplog.records)
    launcher.stop_all()  # the orphaned crawl is still the launcher's to stop and record
    launcher.stop_all(now=True)
    thread.join(timeout=60)
    (slow,) = outcomes
    assert slow.status == "partial" and slow.returncode is None  # its exit status died with the forkserver
    runs = rows(tmp_path / "data" / "newswatch.db", "SELECT outlet, status FROM crawl_runs ORDER BY outlet")
    assert runs == [{"outlet": "news", "status": "ok"}, {"outlet": "slow", "status": "partial"}]


def test_a_crawl_starts_as_a_process_when_the_forkserver_cannot_start(
    web: FakeWeb, launcher: Launcher, caplog: pytest.LogCaptureFixture
) -> None:
    publish(web, 1)
    assert launcher.forkserver is not None
    launcher.forkserver.forget()
    launcher.forkserver.ready_timeout = 0.0  # never ready in time: both starts fail
    with caplog.at_level(logging.WARNING, logger="newswatch.service"):
        outcome = launcher.run("news")
    assert outcome.status == "ok", outcome
    said = [r.getMessage() for r in caplog.records]
    assert any("restarting it" in m for m in said) and any("crawls start as processes" in m for m in said)
