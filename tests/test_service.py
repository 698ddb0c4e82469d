"""The service: the crawl launcher (timeout and crash recorded), the single-instance lock,
`run --once`, and the real `newswatch run` against loopback outlets and Slack, stopped by SIGTERM."""

from __future__ import annotations

import logging
import re
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fakeslack import FakeSlack
from fakeweb import FakeWeb
from helpers import NEWSWATCH, ROOT, crawl_env, outlet_table, rows, run_newswatch, wait_for, write_outlets
from outlet_sites import Story, pangea_page, paragraphs, rss

from newswatch.service.launcher import KILL_NOW_AFTER, NOT_STARTED, STOP_DEADLINE, CrawlOutcome, Launcher

TOPIC = (
    "Chinese companies have supplied drone engines to Russia's military, three EU diplomats said on Tuesday."
)


def outlet_toml(web: FakeWeb, interval: str = "5s") -> str:
    return f"""
[outlets.rferl]
name = "RFE/RL"
homepage = "{web.url("/rferl/")}"
language = "en"
feeds = ["{web.url("/rferl/api/feed.xml")}"]
allow = ['/a/[^/]+/\\d+\\.html$']
interval = "{interval}"
"""


def publish(web: FakeWeb, n: int, flagged: bool) -> str:
    story = Story(
        f"/rferl/a/story-{n}/3300{n:04d}.html",
        f"Story {n}",
        [
            TOPIC if flagged else "Officials met in Brussels on Tuesday to discuss the budget.",
            *paragraphs(f"story {n}")[1:],
        ],
        datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5),
        ["Ana Petrova"],
    )
    url = web.add(story.path, pangea_page(story, web.url(story.path)))
    items = [
        (f"Story {k}", web.url(f"/rferl/a/story-{k}/3300{k:04d}.html"), story.published)
        for k in range(1, n + 1)
    ]
    web.add("/rferl/api/feed.xml", rss(items), content_type="application/rss+xml")
    return url


def service_env(tmp_path: Path, web: FakeWeb, slack: FakeSlack | None = None, **extra: str) -> dict[str, str]:
    outlets = tmp_path / "outlets.toml"
    outlets.write_text(outlet_toml(web), encoding="utf-8")
    values: dict[str, str] = {"NEWSWATCH_HTTPCACHE": "0", "NEWSWATCH_DIGEST_AT": "03:00 UTC"}
    if slack:
        values |= {
            "SLACK_BOT_TOKEN": "xoxb-test",
            "NEWSWATCH_SLACK_API_URL": slack.api_url,
            "NEWSWATCH_SLACK_CHANNEL": "#alerts",
            "NEWSWATCH_SLACK_MIN_INTERVAL": "0.05",
        }
    return crawl_env(tmp_path, outlets, **{**values, **extra})


def first_run_recorded(db: Path) -> bool:
    """True once a crawl run is in the archive (which may still be being created)."""
    try:
        return db.exists() and bool(rows(db, "SELECT 1 FROM crawl_runs"))
    except sqlite3.OperationalError:  # no such table yet: the migrations are running
        return False


def test_a_crawl_past_its_timeout_is_stopped_and_recorded(
    tmp_path: Path, web: FakeWeb, caplog: pytest.LogCaptureFixture
) -> None:
    web.add("/slow/feed.xml", rss([]), delay=20.0, content_type="application/rss+xml")
    outlets = tmp_path / "outlets.toml"
    write_outlets(
        outlets, outlet_table("slow", web.url("/slow/"), name="Slow", feeds=[web.url("/slow/feed.xml")])
    )
    env = crawl_env(tmp_path, outlets, NEWSWATCH_DOWNLOAD_TIMEOUT="60")
    db = tmp_path / "data" / "newswatch.db"
    launcher = Launcher(db, timeout=4, cwd=ROOT, env=env, kill_after=10)  # the real `newswatch crawl`
    started = time.monotonic()
    with caplog.at_level(logging.INFO, logger="newswatch.service"):
        outcome = launcher.run("slow")
    elapsed = time.monotonic() - started
    assert outcome.status == "timeout" and elapsed < 16
    (line,) = [r.getMessage() for r in caplog.records if "[slow]" in r.getMessage()]  # one line
    assert " timeout in " in line and "stopped after 4 s" in line
    (row,) = rows(db, "SELECT status, last_error FROM crawl_runs WHERE outlet = 'slow'")
    assert row["status"] == "timeout" and "stopped after 4 s" in str(row["last_error"])


def test_a_crashed_crawl_is_recorded_with_its_last_words(tmp_path: Path) -> None:
    db = tmp_path / "data" / "newswatch.db"
    crash = [
        sys.executable,
        "-c",
        "import sys; sys.stderr.write('Traceback...\\nMemoryError: boom\\n'); sys.exit(3)",
    ]
    outcome = Launcher(db, timeout=30, command=lambda outlet, run_id: crash).run("dw")
    assert outcome.status == "crashed" and outcome.returncode == 3
    (row,) = rows(db, "SELECT outlet, status, last_error FROM crawl_runs")
    assert row == {"outlet": "dw", "status": "crashed", "last_error": "exit code 3: MemoryError: boom"}


def run_in_thread(launcher: Launcher, outlet: str) -> tuple[threading.Thread, list[CrawlOutcome]]:
    """``launcher.run(outlet)`` on a thread of its own (as the service's crawl executor does)."""
    outcomes: list[CrawlOutcome] = []
    thread = threading.Thread(target=lambda: outcomes.append(launcher.run(outlet)))
    thread.start()
    return thread, outcomes


def test_one_stop_with_a_slow_source_in_flight_stops_the_crawl_itself_at_its_deadline(
    tmp_path: Path, web: FakeWeb
) -> None:
    web.add("/slow/feed.xml", rss([]), delay=300.0, content_type="application/rss+xml")
    outlets = tmp_path / "outlets.toml"
    write_outlets(outlets, outlet_table("slow", web.url("/slow/"), feeds=[web.url("/slow/feed.xml")]))
    env = crawl_env(tmp_path, outlets, NEWSWATCH_DOWNLOAD_TIMEOUT="120", NEWSWATCH_HTTPCACHE="0")
    db = tmp_path / "data" / "newswatch.db"
    launcher = Launcher(db, timeout=600, cwd=ROOT, env=env, stop_deadline=3)  # the real `newswatch crawl`
    thread, outcomes = run_in_thread(launcher, "slow")
    try:
        assert wait_for(lambda: web.hits("/slow/feed.xml"), 60)
        stopped = time.monotonic()
        launcher.stop_all()  # systemd's one SIGTERM: no second one comes
        thread.join(timeout=60)
        took = time.monotonic() - stopped
    finally:
        launcher.stop_all(now=True)
        thread.join()
    assert took < 20, took  # the deadline, not the download timeout (120 s)
    (outcome,) = outcomes
    assert outcome.status == "partial"
    (run,) = rows(db, "SELECT status, first_error, last_error FROM crawl_runs")
    feed = web.url("/slow/feed.xml")
    assert run["status"] == "partial" and run["first_error"] == (
        f"stopped by SIGTERM with 1 request(s) in flight: {feed}"
    )
    assert run["last_error"] == f"stopped at once by a second SIGTERM with 1 request(s) in flight: {feed}"


def test_a_hung_crawl_is_killed_at_the_stop_deadline_and_recorded_as_stopped_not_timeout(
    tmp_path: Path,
) -> None:
    ready = tmp_path / "ready"
    hung = [
        sys.executable,
        "-c",
        "import pathlib, signal, sys, time; signal.signal(signal.SIGTERM, signal.SIG_IGN); "
        "pathlib.Path(sys.argv[1]).touch(); time.sleep(600)",
        str(ready),
    ]
    db = tmp_path / "data" / "newswatch.db"
    launcher = Launcher(
        db, timeout=600, command=lambda outlet, run_id: hung, kill_after=60, stop_deadline=1, kill_now_after=1
    )
    thread, outcomes = run_in_thread(launcher, "hung")
    assert wait_for(ready.exists, 30)
    stopped = time.monotonic()
    launcher.stop_all()
    thread.join(timeout=60)
    assert time.monotonic() - stopped < 10
    (outcome,) = outcomes
    assert outcome.status == "partial" and "stop deadline (1 s) passed" in outcome.detail
    (run,) = rows(db, "SELECT status, last_error FROM crawl_runs")
    assert run == {
        "status": "partial",
        "last_error": "stopped at once: the service's stop deadline (1 s) passed",
    }


def test_a_stop_while_a_crawl_is_being_started_reaches_it(tmp_path: Path) -> None:
    built, stop_sent = threading.Event(), threading.Event()

    def command(outlet: str, run_id: str) -> list[str]:
        built.set()
        stop_sent.wait()  # the stop lands between the service's check and the process start
        return [sys.executable, "-c", "import time; time.sleep(60)"]

    launcher = Launcher(tmp_path / "data" / "newswatch.db", timeout=600, command=command)
    thread, outcomes = run_in_thread(launcher, "late")
    assert built.wait(30)
    stopped = time.monotonic()
    launcher.stop_all()
    stop_sent.set()
    thread.join(timeout=90)
    assert time.monotonic() - stopped < 10  # not the crawl's 60 s
    (outcome,) = outcomes
    assert outcome.status == NOT_STARTED and outcome.returncode is None


def test_run_once_crawls_delivers_and_exits(tmp_path: Path, web: FakeWeb) -> None:
    url = publish(web, 1, flagged=True)
    result = run_newswatch(["run", "--once"], service_env(tmp_path, web), timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    db = tmp_path / "data" / "newswatch.db"
    assert rows(db, "SELECT url, flagged FROM articles") == [{"url": url, "flagged": 1}]
    assert rows(db, "SELECT status, transport FROM alerts") == [{"status": "sent", "transport": "console"}]
    assert "heartbeat:" in result.stderr


def test_run_once_sends_a_digest_whose_time_has_passed_and_only_once(tmp_path: Path, web: FakeWeb) -> None:
    publish(web, 1, flagged=True)
    just_passed = (datetime.now(UTC) - timedelta(minutes=5)).strftime("%H:%M UTC")
    env = service_env(tmp_path, web, NEWSWATCH_DIGEST_AT=just_passed)
    assert run_newswatch(["run", "--once"], env, timeout=120).returncode == 0
    assert run_newswatch(["run", "--once"], env, timeout=120).returncode == 0
    db = tmp_path / "data" / "newswatch.db"
    assert rows(db, "SELECT status, items FROM digests") == [{"status": "sent", "items": 1}]
    assert len(list((db.parent / "digests").glob("*.eml"))) == 1


def test_the_real_service_alerts_within_its_interval_and_stops_cleanly_on_sigterm(
    tmp_path: Path, web: FakeWeb, slack: FakeSlack
) -> None:
    publish(web, 1, flagged=False)
    env = service_env(tmp_path, web, slack)
    log = (tmp_path / "service.log").open("w")
    service = subprocess.Popen(
        [*NEWSWATCH, "run"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True
    )
    try:
        db = tmp_path / "data" / "newswatch.db"
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline and not first_run_recorded(db):
            time.sleep(0.2)  # the first crawl runs at start-up
        assert slack.delivered() == []
        published = time.monotonic()
        url = publish(web, 2, flagged=True)  # a flagged story appears
        while time.monotonic() < deadline and not slack.delivered():
            time.sleep(0.2)
        (post,) = slack.delivered()
        assert url.replace("&", "&amp;") in post.payload["blocks"][0]["text"]["text"]
        assert post.at - published < 5 + 2 + 15  # interval, jitter, one crawl
        second = run_newswatch(["run", "--once"], env, timeout=60)
        assert second.returncode == 1 and "already running" in second.stderr
        service.send_signal(signal.SIGTERM)
        assert service.wait(timeout=45) == 0
    finally:
        if service.poll() is None:
            service.kill()
        log.close()
    output = (tmp_path / "service.log").read_text()
    assert "SIGTERM received" in output and "newswatch service stopped" in output
    assert "Traceback" not in output
    assert rows(db, "SELECT count(*) AS n FROM alerts WHERE status != 'sent'") == [{"n": 0}]
    assert rows(db, "PRAGMA integrity_check") == [{"integrity_check": "ok"}]


def crawl_runs(db: Path) -> int:
    try:
        return int(rows(db, "SELECT count(*) AS n FROM crawl_runs")[0]["n"])  # type: ignore[call-overload]
    except sqlite3.OperationalError:  # the archive is still being created
        return 0


@pytest.mark.parametrize("answer", ["ratelimited:600", "hang"])
def test_a_rate_limiting_or_hanging_slack_holds_up_neither_crawls_nor_shutdown(
    tmp_path: Path, web: FakeWeb, slack: FakeSlack, answer: str
) -> None:
    publish(web, 1, flagged=True)
    slack.default, slack.hang_for = answer, 300.0  # every post: 429 Retry-After 600, or no answer at all
    env = service_env(tmp_path, web, slack, NEWSWATCH_ALERT_RETRY_SECONDS="1")
    db = tmp_path / "data" / "newswatch.db"
    log = (tmp_path / "service.log").open("w")
    service = subprocess.Popen(
        [*NEWSWATCH, "run"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True
    )
    try:
        assert wait_for(lambda: slack.posts(), 60), "the alert was never tried"
        runs = crawl_runs(db)
        # The outlet (every 5 s) is crawled again while Slack holds the delivery.
        assert wait_for(lambda: crawl_runs(db) > runs, 30), "Slack held up the outlet's crawls"
        posts = len(slack.posts())
        if answer == "hang":  # stop while a post hangs in flight
            assert wait_for(lambda: len(slack.posts()) > posts, 30)
        started = time.monotonic()
        service.send_signal(signal.SIGTERM)
        assert service.wait(timeout=60) == 0
        stopped_in = time.monotonic() - started
    finally:
        if service.poll() is None:
            service.kill()
        log.close()
    assert stopped_in < 15, f"SIGTERM took {stopped_in:.1f} s"
    output = (tmp_path / "service.log").read_text()
    assert "newswatch service stopped" in output and "Traceback" not in output
    ((status, attempts, next_attempt_at, now),) = [
        tuple(r.values())
        for r in rows(db, "SELECT status, attempts, next_attempt_at, datetime('now') AS now FROM alerts")
    ]
    assert status == "pending"  # kept for the next start, nothing lost
    if answer == "hang":
        assert attempts == len(slack.posts())  # every post that may have landed was counted
    else:
        assert len(slack.posts()) == 1 and attempts == 0  # Slack took nothing; asked once, waited
        assert str(next_attempt_at) > str(now)
        assert output.count("alerts wait 600 s") == 1


def test_python_scheduler_py_is_the_same_service(tmp_path: Path, web: FakeWeb) -> None:
    publish(web, 1, flagged=False)
    result = subprocess.run(
        [sys.executable, "scheduler.py", "--once"],
        cwd=ROOT,
        env=service_env(tmp_path, web),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert rows(tmp_path / "data" / "newswatch.db", "SELECT count(*) AS n FROM articles") == [{"n": 1}]


def test_invalid_service_settings_stop_it_with_one_line(tmp_path: Path, web: FakeWeb) -> None:
    result = run_newswatch(["run", "--once"], service_env(tmp_path, web, NEWSWATCH_DIGEST_AT="7 o'clock"))
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith("newswatch: ") and "NEWSWATCH_DIGEST_AT=" in line and "7 o'clock" in line


def damage(db: Path) -> None:
    """An archive whose tables' and indexes' first pages are overwritten: it opens (the
    schema is intact), reads fail."""
    from newswatch.archive import Archive

    archive = Archive(db)
    archive.checkpoint()
    roots = [
        r
        for (r,) in archive.conn.execute(
            "SELECT rootpage FROM sqlite_master WHERE rootpage > 1 AND tbl_name != '_sqlite_migrations'"
        )
    ]
    page = archive.conn.execute("PRAGMA page_size").fetchone()[0]
    archive.close()
    with db.open("r+b") as file:
        for root in roots:
            file.seek((root - 1) * page)
            file.write(b"\xff" * 64)


@pytest.mark.parametrize("fault", ["not an archive", "damaged"])
def test_a_storage_error_in_a_running_service_job_is_one_log_line_and_the_job_runs_again(
    tmp_path: Path, caplog: pytest.LogCaptureFixture, fault: str
) -> None:
    """On a full or damaged disk the long-running service's jobs fail one line at a time
    (no traceback from the scheduler) and are tried again at their next turn."""
    import logging

    from scrapy.settings import Settings

    import settings as project
    from scheduler import Service

    db = tmp_path / "data" / "newswatch.db"
    db.parent.mkdir()
    if fault == "damaged":
        damage(db)
    else:
        db.write_bytes(b"not an archive, or a damaged one " * 100)
    values = Settings()
    values.setmodule(project, priority="project")
    values.update({"NEWSWATCH_DB": str(db), "NEWSWATCH_DIGEST_AT": "03:00 UTC"}, priority="cmdline")
    service = Service(values, outlets=[])
    scheduler = service.build()
    caplog.set_level(logging.INFO, logger="newswatch.service")
    for job in scheduler.get_jobs():
        job.func(*job.args, **job.kwargs)  # what the scheduler calls: nothing escapes
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert "deliver" in {e.split(":")[0] for e in errors}
    assert all(str(db) in e and e.endswith("it runs again at its next turn") for e in errors)
    assert all(r.exc_info is None for r in caplog.records)


@pytest.mark.parametrize("command", [["dispatch"], ["alerts"], ["digest", "--send"], ["outlets"]])
def test_a_damaged_archive_is_one_line_and_exit_2_for_every_command(
    tmp_path: Path, command: list[str]
) -> None:
    db = tmp_path / "data" / "newswatch.db"
    db.parent.mkdir()
    damage(db)
    outlets = tmp_path / "outlets.toml"
    write_outlets(
        outlets, outlet_table("dw", "https://www.dw.com/", name="DW", feeds=["https://rss.dw.com/x"])
    )
    result = run_newswatch(command, crawl_env(tmp_path, outlets, NEWSWATCH_DB=str(db)))
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr[-1500:]
    (line,) = result.stderr.strip().splitlines()
    assert line.startswith(f"newswatch: archive {db}") and "damaged" in line


def test_the_stop_deadline_ends_before_systemd_and_compose_kill_the_service() -> None:
    unit = (ROOT / "deploy" / "newswatch.service").read_text()
    compose = (ROOT / "deploy" / "compose.yml").read_text()
    (systemd,) = re.findall(r"^TimeoutStopSec=(\d+)$", unit, re.M)
    (grace,) = re.findall(r"^\s+stop_grace_period: (\d+)s\b", compose, re.M)
    assert int(systemd) == int(grace) > STOP_DEADLINE + KILL_NOW_AFTER


def test_the_service_reads_older_articles_for_entities_a_batch_per_turn(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    """Articles archived before entity tracking (or under another gazetteer) are read for the
    entities they name in the background, a batch per turn, and then left alone."""
    from scrapy.settings import Settings

    import scheduler
    import settings as project
    from newswatch.archive import Archive
    from newswatch.records import Article, Candidate, Extraction
    from newswatch.stories import StoryIndex, fingerprint

    db = tmp_path / "data" / "newswatch.db"
    db.parent.mkdir()
    archive, stories = Archive(db), StoryIndex()
    for n in range(5):  # stored as an older release stored them: no entities read
        url = f"https://news.example.org/world/{n}"
        text = f"Report {n}: Xiamen Limbach Aircraft Engine shipped engines." if n % 2 else f"Weather {n}."
        candidate = Candidate(
            url=url, outlet="news", source="https://news.example.org/rss", source_kind="feed"
        )
        item = Article(
            url=url, final_url=url, outlet="news", fetched_at=datetime.now(UTC), html="", candidate=candidate
        )
        extraction = Extraction(text=text, title=f"Story {n}", language="en")
        archive.articles.store(item, extraction, url, "run", fingerprint(item.url, text), stories)
    archive.close()
    values = Settings()
    values.setmodule(project, priority="project")
    values.update({"NEWSWATCH_DB": str(db), "NEWSWATCH_DIGEST_AT": "03:00 UTC"}, priority="cmdline")
    service = scheduler.Service(values, outlets=[])
    assert "entities" in {job.id for job in service.build().get_jobs()}
    monkeypatch.setattr(scheduler, "ENTITY_BATCH", 3)
    caplog.set_level(logging.INFO, logger="newswatch.service")
    for _ in range(3):
        service.index_entities()
    read = [r.getMessage() for r in caplog.records if "older articles" in r.getMessage()]
    assert read == [
        "read 3 older articles for the entities they name",
        "read 2 older articles for the entities they name",
    ]
    assert rows(db, "SELECT article_id, entity_id FROM article_entities ORDER BY article_id") == [
        {"article_id": 2, "entity_id": "xiamen-limbach"},
        {"article_id": 4, "entity_id": "xiamen-limbach"},
    ]
