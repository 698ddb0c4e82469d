"""Crawls on Scrapyd workers (newswatch/workers/scrapyd.py): two real Scrapyd daemons on
loopback ports with this repository deployed to both by scrapyd-deploy, the real hub
(`newswatch run --once`, or its launcher and ingest endpoint) and the loopback outlet sites."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
import urllib.request
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest.importorskip("scrapyd")
pytest.importorskip("scrapyd_client")

from fakeweb import FakeWeb
from helpers import crawl_env, rows, run_newswatch, wait_for
from outlet_sites import Sites, Story, build_sites, pangea_page, paragraphs, rss
from test_workers_spool import expected, free_port, hub_for

from newswatch.workers.deploy import build_egg, deploy
from newswatch.workers.scrapyd import ScrapydLauncher

TOKEN = "worker-test-token"  # the one test_workers_spool's hub takes
TESTS = Path(__file__).resolve().parent


@dataclass
class Worker:
    url: str
    folder: Path
    process: subprocess.Popen[bytes]

    def kill(self) -> None:
        """The daemon and the crawls it runs, at once (a machine gone)."""
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=20)

    def logs(self) -> str:
        return "\n".join(
            p.read_text(errors="replace")[-3000:] for p in sorted(self.folder.glob("logs/**/*.log"))
        )


def start_worker(folder: Path, **env: str) -> Worker:
    """A Scrapyd daemon on a free loopback port, its crawls run by test_workers_runner."""
    folder.mkdir(parents=True)
    port = free_port()
    (folder / "scrapyd.conf").write_text(
        "[scrapyd]\nbind_address = 127.0.0.1\n"
        f"http_port = {port}\npoll_interval = 0.2\nmax_proc = 4\n"
        "eggs_dir = eggs\nlogs_dir = logs\ndbs_dir = dbs\nrunner = test_workers_runner\n",
        encoding="utf-8",
    )
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSWATCH_", "SLACK_", "SCRAPY"))}
    environ.update(
        PYTHONPATH=str(TESTS),
        NEWSWATCH_DB=str(folder / "data" / "newswatch.db"),
        NEWSWATCH_INGEST_TOKEN=TOKEN,
        NEWSWATCH_DOWNLOAD_DELAY="0",
        NEWSWATCH_DOWNLOAD_TIMEOUT="2",
        NEWSWATCH_LOG_LEVEL="INFO",
        **env,
    )
    process = subprocess.Popen(
        [sys.executable, "-m", "scrapyd"],
        cwd=folder,
        env=environ,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"

    def answers() -> bool:
        try:
            with urllib.request.urlopen(url + "/daemonstatus.json", timeout=2) as answer:
                return bool(json.load(answer)["status"] == "ok")
        except OSError:
            return False

    assert wait_for(lambda: answers() or process.poll() is not None, 60) and process.poll() is None
    return Worker(url, folder, process)


@pytest.fixture(scope="module")
def workers(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[Worker]]:
    """Two daemons with the project deployed to both (one egg, built by scrapyd-deploy)."""
    base = tmp_path_factory.mktemp("scrapyd")
    started: list[Worker] = []
    try:
        for name in ("w1", "w2"):
            started.append(start_worker(base / name))
        deploy([w.url for w in started], "newswatch", "1")
        yield started
    finally:
        for worker in started:
            if worker.process.poll() is None:
                worker.kill()


@pytest.fixture(scope="module")
def sites() -> Iterator[Sites]:
    web = FakeWeb().start()
    try:
        yield build_sites(web)
    finally:
        web.stop()


def hub_env(tmp_path: Path, outlets: Path, workers: list[Worker]) -> dict[str, str]:
    return crawl_env(
        tmp_path,
        outlets,
        NEWSWATCH_SCRAPYD_URLS=",".join(w.url for w in workers),
        NEWSWATCH_INGEST_TOKEN=TOKEN,
        NEWSWATCH_INGEST_ADDRESS=f"127.0.0.1:{free_port()}",
        NEWSWATCH_CRAWL_TIMEOUT="120",
        NEWSWATCH_MAX_PARALLEL_CRAWLS="4",
    )


def test_the_egg_holds_the_settings_module_every_package_a_crawl_imports_and_their_data(
    tmp_path: Path,
) -> None:
    egg = build_egg(tmp_path / "newswatch.egg", version="1")
    names = set(zipfile.ZipFile(egg).namelist())
    assert {"settings.py", "spiders/news.py", "pipelines/extract.py", "newswatch/workers/remote.py"} <= names
    # read by the story fingerprints a crawl makes
    assert {"newswatch/data/places.tsv", "newswatch/data/names.tsv"} <= names
    assert zipfile.ZipFile(egg).read("EGG-INFO/entry_points.txt").decode().split() == [
        "[scrapy]",
        "settings",
        "=",
        "settings",
    ]
    assert not any(name.startswith(("config/", "tests/")) or "__pycache__" in name for name in names)


def test_the_hub_schedules_the_outlets_across_two_workers_every_article_archived_and_alerted_once(
    workers: list[Worker], sites: Sites, tmp_path: Path
) -> None:
    outlets = tmp_path / "outlets.toml"
    outlets.write_text(sites.outlets_toml.split("[outlets.broken]")[0], encoding="utf-8")
    hub = run_newswatch(["run", "--once"], hub_env(tmp_path, outlets, workers), timeout=170)
    assert hub.returncode == 0, hub.stderr[-6000:]
    db = tmp_path / "data" / "newswatch.db"
    want = expected(sites)
    archived = rows(db, "SELECT url, flagged FROM articles")
    assert sorted(r["url"] for r in archived) == sorted(want)  # every article, once
    assert {r["url"]: bool(r["flagged"]) for r in archived} == want
    alerted = rows(
        db, "SELECT ar.url, a.status, a.attempts FROM alerts a JOIN articles ar ON ar.id = a.article_id"
    )
    assert sorted(r["url"] for r in alerted) == sorted(u for u, f in want.items() if f)  # one alert each
    assert {(r["status"], r["attempts"]) for r in alerted} == {("sent", 1)}  # delivered once each
    runs = rows(db, "SELECT outlet, status FROM crawl_runs")
    assert sorted(r["outlet"] for r in runs) == sorted(expected_outlets())  # every run recorded
    assert {r["status"] for r in runs} <= {"ok", "partial"}
    on = {r["outlet"]: r["worker"] for r in rows(db, "SELECT outlet, worker FROM crawl_runs")}
    assert sorted(on) == sorted(expected_outlets())  # each run's worker
    assert set(on.values()) == {w.url for w in workers}  # the outlets went to both
    assert f"on {workers[0].url}" in hub.stderr and f"on {workers[1].url}" in hub.stderr
    assert not any((w.folder / "data" / "newswatch.db").exists() for w in workers)  # no archive on a worker


def expected_outlets() -> list[str]:
    return ["rferl", "dw", "kyivindependent", "epochtimes", "washingtonexaminer"]


def slow_outlet(web: FakeWeb) -> tuple[str, list[str]]:
    """An outlet of six articles: two answer at once, four only after 3 s (past the crawl's timeout)."""
    now = time.time()
    from datetime import UTC, datetime, timedelta

    fresh = datetime.fromtimestamp(now, UTC).replace(microsecond=0) - timedelta(hours=1)
    items, urls = [], []
    for i in range(6):
        story = Story(
            f"/slow/a/story-{i}/4400000{i}.html", f"Slow story {i}", paragraphs(f"slow topic {i}"), fresh
        )
        url = web.add(story.path, pangea_page(story, web.url(story.path)), delay=0 if i < 2 else 3.0)
        items.append((story.title, url, fresh))
        urls.append(url)
    web.add("/slow/feed.xml", rss(items), content_type="application/rss+xml")
    web.add("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    toml = f'[outlets.slow]\nname = "Slow"\nhomepage = "{web.url("/slow/")}"\nfeeds = ["{web.url("/slow/feed.xml")}"]\n'
    return toml, urls


def test_a_worker_killed_mid_crawl_the_next_run_picks_up_what_it_missed_nothing_doubled(
    workers: list[Worker], tmp_path: Path
) -> None:
    doomed = start_worker(tmp_path / "doomed")
    web = FakeWeb().start()
    try:
        deploy([doomed.url], "newswatch", "1")
        toml, urls = slow_outlet(web)
        outlets = tmp_path / "outlets.toml"
        outlets.write_text(toml, encoding="utf-8")
        port = free_port()
        hub = hub_for(tmp_path, outlets, port).start()
        db = tmp_path / "hub" / "newswatch.db"
        launcher = ScrapydLauncher(
            [doomed.url, workers[0].url],  # both idle: the first named goes first
            db,
            timeout=120,
            outlets_file=outlets,
            hub_url=lambda: hub.url,
            poll=0.2,
            lost_after=2.0,
        )
        try:
            outcomes = []
            crawl = threading.Thread(target=lambda: outcomes.append(launcher.run("slow")))
            crawl.start()
            # the two quick articles reach the hub; the worker dies while the others are in flight
            assert wait_for(lambda: db.exists() and len(rows(db, "SELECT id FROM articles")) == 2, 60), (
                doomed.logs()
            )
            doomed.kill()
            for url in urls:  # the slow pages answer now
                web.routes[url.removeprefix(web.base)].delay = 0
            crawl.join(timeout=60)
            assert outcomes[0].status == "crashed" and "worker unreachable" in outcomes[0].detail
            assert doomed.url in outcomes[0].detail
            again = launcher.run("slow")  # the dead worker does not answer: the other one crawls
            assert again.status == "ok", workers[0].logs()
            assert workers[0].url in again.detail
        finally:
            hub.stop()
    finally:
        web.stop()
        if doomed.process.poll() is None:
            doomed.kill()
    archived = rows(db, "SELECT url FROM articles")
    assert sorted(r["url"] for r in archived) == sorted(urls)  # every article once
    runs = rows(db, "SELECT status, new, last_error FROM crawl_runs ORDER BY id")
    # the lost run is recorded with what reached the hub; the next one fetched the rest
    assert [(r["status"], r["new"]) for r in runs] == [("crashed", 2), ("ok", 4)]


def test_a_job_with_a_wrong_token_is_refused_by_the_hub_and_nothing_archived(
    workers: list[Worker], sites: Sites, tmp_path: Path
) -> None:
    outlets = tmp_path / "outlets.toml"
    outlets.write_text(sites.outlets_toml.split("[outlets.broken]")[0], encoding="utf-8")
    port = free_port()
    hub = hub_for(tmp_path, outlets, port).start()
    db = tmp_path / "hub" / "newswatch.db"
    launcher = ScrapydLauncher(
        [workers[1].url],
        db,
        60,
        outlets,
        lambda: hub.url,
        job_settings={"NEWSWATCH_INGEST_TOKEN": "wrong"},
        poll=0.2,
    )
    try:
        outcome = launcher.run("epochtimes")
    finally:
        hub.stop()
    assert outcome.status == "crashed"
    assert "the crawl sent no run record to the hub" in outcome.detail
    assert rows(db, "SELECT count(*) AS n FROM articles") == [{"n": 0}]
    assert "hub refused the worker: HTTP 403" in workers[1].logs()


def test_a_job_past_the_crawl_timeout_is_cancelled_and_recorded_timeout(
    workers: list[Worker], tmp_path: Path
) -> None:
    web = FakeWeb().start()
    try:
        web.add("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
        web.add("/hang/feed.xml", rss([]), content_type="application/rss+xml", delay=30.0)  # never in time
        outlets = tmp_path / "outlets.toml"
        outlets.write_text(
            f'[outlets.hang]\nname = "Hang"\nhomepage = "{web.url("/hang/")}"\nfeeds = ["{web.url("/hang/feed.xml")}"]\n',
            encoding="utf-8",
        )
        hub = hub_for(tmp_path, outlets, free_port()).start()
        db = tmp_path / "hub" / "newswatch.db"
        launcher = ScrapydLauncher(
            [workers[1].url],
            db,
            timeout=4,
            outlets_file=outlets,
            hub_url=lambda: hub.url,
            job_settings={"NEWSWATCH_DOWNLOAD_TIMEOUT": "60"},
            poll=0.2,
            kill_after=5,
        )
        try:
            outcome = launcher.run("hang")
        finally:
            hub.stop()
    finally:
        web.stop()
    assert (outcome.status, outcome.detail) == ("timeout", f"stopped after 4 s on {workers[1].url}")
    assert launcher.workers[0].state("newswatch", outcome.run_id) == "finished"  # cancelled on the worker
    assert [(r["status"], r["outlet"]) for r in rows(db, "SELECT status, outlet FROM crawl_runs")] == [
        ("timeout", "hang")
    ]
