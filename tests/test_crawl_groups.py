"""Outlets due about the same time share one crawl (NEWSWATCH_CRAWL_GROUP): which outlets go
along, each one's run recorded against it, no outlet polled twice, and the real service
grouping its crawls while every outlet keeps its interval."""

from __future__ import annotations

import subprocess
import time
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path

from fakeweb import FakeWeb
from helpers import NEWSWATCH, ROOT, crawl_env, outlet_table, rows, wait_for, write_outlets
from outlet_sites import Story, pangea_page, paragraphs, rss

from newswatch.service.launcher import CrawlOutcome, Launcher, crawl_args
from newswatch.service.schedule import jitter, rider_next, riders

NOW = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
TEN_MIN = timedelta(minutes=10)


def test_outlets_due_within_their_jitter_go_along_soonest_first_up_to_the_room() -> None:
    intervals = {key: TEN_MIN for key in "abcdef"} | {"h": timedelta(hours=4)}
    due = {
        "a": NOW,
        "b": NOW + timedelta(seconds=50),
        "c": NOW + timedelta(seconds=10),
        "d": NOW + timedelta(minutes=5),  # not due for a while
        "e": NOW - timedelta(seconds=30),  # overdue
        "f": None,  # paused
        "h": NOW + timedelta(minutes=3),  # past its jitter: a minute, even for a 4-hour interval
    }
    assert jitter(TEN_MIN) == timedelta(seconds=60) and jitter(timedelta(minutes=5)) == timedelta(seconds=30)
    assert riders("a", due, intervals, NOW, room=9) == ["e", "c", "b"]
    assert riders("a", due, intervals, NOW, room=2) == ["e", "c"]
    assert riders("a", due, intervals, NOW, room=9, busy={"e"}) == ["c", "b"]
    assert riders("a", due, intervals, NOW, room=0) == []


def test_a_rider_is_due_again_just_after_its_leaders_next_crawl() -> None:
    intervals = {"a": TEN_MIN, "b": TEN_MIN, "h": timedelta(hours=1)}
    leader_next = NOW + TEN_MIN + timedelta(seconds=20)
    assert rider_next("b", leader_next, intervals, "a", NOW) == leader_next + timedelta(seconds=30)
    assert rider_next("h", leader_next, intervals, "a", NOW) == NOW + timedelta(hours=1)  # its own
    assert rider_next("b", None, intervals, "a", NOW) == NOW + TEN_MIN


def test_the_crawl_arguments_name_every_outlet_of_a_group() -> None:
    assert crawl_args(["a", "b"], "r1") == [
        "crawl",
        "--outlet",
        "a",
        "--outlet",
        "b",
        "-s",
        "NEWSWATCH_RUN_ID=r1",
    ]
    assert crawl_args("a", "r1") == ["crawl", "--outlet", "a", "-s", "NEWSWATCH_RUN_ID=r1"]


def serve_outlet(web: FakeWeb, key: str, articles: int, interval: str = "10m") -> str:
    """An outlet with ``articles`` fresh articles behind its feed; its outlets-file table."""
    now = datetime.now(UTC).replace(microsecond=0)
    items = []
    for n in range(articles):
        story = Story(f"/{key}/a/{n}", f"{key} story {n}", paragraphs(f"{key} {n}"), now - timedelta(hours=1))
        web.add(story.path, pangea_page(story, web.url(story.path)))
        items.append((story.title, web.url(story.path), story.published))
    web.add(f"/{key}/feed.xml", rss(items), content_type="application/rss+xml")
    return outlet_table(
        key, web.url(f"/{key}/"), feeds=[web.url(f"/{key}/feed.xml")], allow=["/a/\\d+$"], interval=interval
    )


def test_one_crawl_of_several_outlets_records_each_outlets_run_against_that_outlet(
    tmp_path: Path, web: FakeWeb
) -> None:
    tables = [serve_outlet(web, "one", 2), serve_outlet(web, "two", 3)]
    tables.append(outlet_table("gone", web.url("/gone/"), feeds=[web.url("/gone/feed.xml")]))  # 404
    outlets = write_outlets(tmp_path / "outlets.toml", *tables)
    env = crawl_env(tmp_path, outlets)
    db = tmp_path / "data" / "newswatch.db"
    launcher = Launcher(db, timeout=120, cwd=ROOT, env=env, start="fork")
    launcher.open()
    try:
        outcomes = launcher.run_group(["one", "gone", "two"])
    finally:
        launcher.close()
    assert [o.outlet for o in outcomes] == ["one", "gone", "two"]
    assert len({o.run_id for o in outcomes}) == 1  # one crawl
    by_outlet = {o.outlet: o for o in outcomes}
    assert by_outlet["one"].status == "ok" and by_outlet["two"].status == "ok"
    assert by_outlet["gone"].status not in ("ok", "timeout", "crashed")  # its own failure, not theirs
    runs = rows(db, "SELECT outlet, status, new FROM crawl_runs ORDER BY outlet")
    assert {r["outlet"]: (r["status"], r["new"]) for r in runs if r["outlet"] != "gone"} == {
        "one": ("ok", 2),
        "two": ("ok", 3),
    }
    assert launcher.running() == {}


def test_a_group_past_its_timeout_is_recorded_for_every_outlet_and_each_then_crawls_alone(
    tmp_path: Path, web: FakeWeb
) -> None:
    from scrapy.settings import Settings

    import settings as project
    from newswatch.outlets import load_outlets
    from scheduler import Service

    web.add("/slow/feed.xml", rss([]), delay=30.0, content_type="application/rss+xml")
    tables = [serve_outlet(web, "fast", 1)]
    tables.append(outlet_table("slow", web.url("/slow/"), feeds=[web.url("/slow/feed.xml")], interval="10m"))
    tables += [
        outlet_table(k, web.url(f"/{k}/"), feeds=[web.url(f"/{k}/feed.xml")], interval="10m") for k in "xyz"
    ]
    outlets = write_outlets(tmp_path / "outlets.toml", *tables)
    env = crawl_env(tmp_path, outlets, NEWSWATCH_DOWNLOAD_TIMEOUT="60")
    db = tmp_path / "data" / "newswatch.db"
    outcomes = Launcher(db, timeout=4, cwd=ROOT, env=env, kill_after=2).run_group(["fast", "slow"])
    assert [(o.outlet, o.status) for o in outcomes] == [("fast", "timeout"), ("slow", "timeout")]
    assert {r["outlet"]: r["status"] for r in rows(db, "SELECT outlet, status FROM crawl_runs")} == {
        "fast": "timeout",
        "slow": "timeout",
    }

    values = Settings()
    values.setmodule(project, priority="project")
    values.update({"NEWSWATCH_DB": str(db), "NEWSWATCH_CRAWL_GROUP": "3"}, priority="cmdline")
    service = Service(values, outlets=list(load_outlets(outlets).values()))
    service.scheduler = scheduler = service.build()
    now = datetime.now(UTC)
    # x's crawl is starting (the scheduler has moved its next run on by its interval)
    for key, seconds in {"x": 600, "fast": 5, "slow": 8, "y": 20, "z": 40}.items():
        scheduler.modify_job(f"crawl:{key}", next_run_time=now + timedelta(seconds=seconds))
    for outcome in outcomes:
        service.crawled(outcome)
    assert service._group("x") == ["x", "y", "z"]  # the two that timed out are left out
    assert service._group("slow") == ["slow"]  # and crawl alone
    service._rode["y"] = time.monotonic() - 3600  # x's crawl runs long: y's own trigger fires
    assert service._group("y") == []  # y is in x's crawl: not polled twice at once
    service._claimed.difference_update(["x", "y", "z", "slow"])  # the crawls have ended (Service.crawl)
    service._rode["y"] = time.monotonic()
    leader_next = scheduler.get_job("crawl:x").next_run_time
    assert scheduler.get_job("crawl:y").next_run_time == leader_next + timedelta(seconds=30)
    assert service._group("y") == []  # its own trigger, moments after it went with x: not polled again
    service.crawled(CrawlOutcome("fast", "r2", "ok", 0, 1.0))
    scheduler.modify_job("crawl:fast", next_run_time=now)
    assert service._group("x") == ["x", "fast"]  # a good run: it goes along again
    service._claimed.clear()
    service.crawled(CrawlOutcome("fast", "r3", "ok", 0, 900.0 / 3 + 1))  # ok, but slow for a group
    scheduler.modify_job("crawl:fast", next_run_time=now)
    assert service._group("x") == ["x"]

    values.set("NEWSWATCH_CRAWL_GROUP", "1", priority="cmdline")
    alone = Service(values, outlets=list(load_outlets(outlets).values()))
    alone.scheduler = alone.build()
    assert alone._group("x") == ["x"]


def test_the_service_groups_outlets_due_together_and_polls_each_once_per_interval(
    tmp_path: Path, web: FakeWeb
) -> None:
    keys = [f"o{n}" for n in range(6)]
    outlets = write_outlets(tmp_path / "outlets.toml", *(serve_outlet(web, k, 1, "10s") for k in keys))
    env = crawl_env(
        tmp_path, outlets, NEWSWATCH_CRAWL_GROUP="3", NEWSWATCH_HTTPCACHE="0", NEWSWATCH_DIGEST_AT="03:00 UTC"
    )
    db = tmp_path / "data" / "newswatch.db"
    log = (tmp_path / "service.log").open("w")
    service = subprocess.Popen([*NEWSWATCH, "run"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    started = time.monotonic()

    def runs() -> list[dict[str, object]]:
        try:
            return rows(db, "SELECT run_id, outlet, started_at FROM crawl_runs ORDER BY id")
        except Exception:  # the archive is still being created
            return []

    def grouped_twice() -> bool:
        groups = defaultdict(set)
        for run in runs():
            groups[run["run_id"]].add(run["outlet"])
        return sum(len(g) > 1 for g in groups.values()) >= 2

    try:
        assert wait_for(grouped_twice, 60)
    finally:
        service.terminate()
        service.wait(timeout=60)
        log.close()
    elapsed = time.monotonic() - started
    groups: dict[object, set[object]] = defaultdict(set)
    polls: dict[object, list[datetime]] = defaultdict(list)
    for run in runs():
        groups[run["run_id"]].add(run["outlet"])
        polls[run["outlet"]].append(datetime.fromisoformat(str(run["started_at"])))
    assert max(len(g) for g in groups.values()) <= 3
    assert len(groups) < sum(len(p) for p in polls.values())  # fewer crawls than polls
    for key in keys:
        times = sorted(polls[key])
        gaps = [(b - a).total_seconds() for a, b in pairwise(times)]
        assert len(times) >= 2 and all(gap >= 4 for gap in gaps), (key, gaps)  # never twice at once
        assert len(times) <= elapsed / 10 + 2
    assert rows(db, "SELECT count(*) AS n, count(DISTINCT url) AS d FROM articles") == [{"n": 6, "d": 6}]
    assert "Traceback" not in (tmp_path / "service.log").read_text()
