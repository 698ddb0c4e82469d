"""A crawl on a worker (NEWSWATCH_HUB_URL): it never opens an archive, asks the hub which
URLs are new, sends what it extracted, and spools it when the hub is down. The real
`scrapy crawl news` (what Scrapyd runs) against the loopback outlet sites and a real hub."""

from __future__ import annotations

import json
import socket
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakeweb import FakeWeb
from helpers import ROOT, crawl_env, rows
from outlet_sites import Sites, build_sites
from scrapy.settings import Settings

from newswatch.workers.ingest import IngestServer, ingest_server

pytest.importorskip("requests")

TOKEN = "worker-test-token"
OUTLETS = ("rferl", "dw", "kyivindependent", "epochtimes", "washingtonexaminer")
PREFIXES = ("/rferl/", "/dw/", "/ki/", "/et/", "/we/")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def hub_for(tmp_path: Path, outlets: Path, port: int) -> IngestServer:
    import settings as project

    names = {name: getattr(project, name) for name in dir(project) if name.isupper()}
    values = {
        **names,
        "NEWSWATCH_DB": str(tmp_path / "hub" / "newswatch.db"),
        "NEWSWATCH_OUTLETS": str(outlets),
        "NEWSWATCH_INGEST_TOKEN": TOKEN,
        "NEWSWATCH_INGEST_ADDRESS": f"127.0.0.1:{port}",
    }
    server = ingest_server(Settings(values))
    assert server is not None
    return server


def worker_crawl(
    tmp_path: Path, outlets: Path, hub_url: str, token: str = TOKEN
) -> subprocess.CompletedProcess[str]:
    """`scrapy crawl news` as a Scrapyd worker runs it, with the hub's URL and the token."""
    env = crawl_env(
        tmp_path / "worker",
        outlets,
        NEWSWATCH_HUB_URL=hub_url,
        NEWSWATCH_INGEST_TOKEN=token,
        NEWSWATCH_MAX_ARTICLES_PER_RUN="0",
        NEWSWATCH_HUB_RETRIES="1",  # one retry, then the spool: the down hub costs a second, not 7.5
    )
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "scrapy",
            "crawl",
            "news",
            "-a",
            "outlets=" + ",".join(OUTLETS),
            "-s",
            "RETRY_TIMES=0",
            "-s",
            "DOWNLOAD_MAXSIZE=200000",
        ],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def sites() -> Iterator[Sites]:
    web = FakeWeb().start()
    try:
        yield build_sites(web)
    finally:
        web.stop()


def expected(sites: Sites) -> dict[str, bool]:
    """URL → flagged, of every article of the crawled outlets."""
    return {
        url: story.flagged
        for url, story in sites.archived.items()
        if any(story.path.startswith(p) for p in PREFIXES)
    }


def spooled(tmp_path: Path) -> list[dict[str, object]]:
    folder = tmp_path / "worker" / "data" / "spool"
    files = sorted(folder.glob("*.jsonl")) if folder.is_dir() else []
    return [json.loads(line) for f in files for line in f.read_text().splitlines()]


def test_hub_down_for_a_while_spooled_then_delivered_nothing_lost_nothing_doubled(
    sites: Sites, tmp_path: Path
) -> None:
    outlets = tmp_path / "outlets.toml"
    outlets.write_text(sites.outlets_toml, encoding="utf-8")
    port = free_port()
    hub_url = f"http://127.0.0.1:{port}"
    want = expected(sites)

    # the hub is down: the crawl fetches every candidate and keeps what it found on disk
    first = worker_crawl(tmp_path, outlets, hub_url)
    assert first.returncode == 0, first.stderr[-3000:]
    assert "spooling to" in first.stderr
    records = spooled(tmp_path)
    assert sorted(r["url"] for r in records if r["kind"] == "article") == sorted(want)
    assert sorted(r["row"]["outlet"] for r in records if r["kind"] == "run") == sorted(OUTLETS)  # type: ignore[index]
    assert not (tmp_path / "worker" / "data" / "newswatch.db").exists()  # a worker never opens an archive

    # the hub is back: the next crawl sends the spool first, then its own finds
    hub = hub_for(tmp_path, outlets, port).start()
    try:
        second = worker_crawl(tmp_path, outlets, hub_url)
    finally:
        hub.stop()
    assert second.returncode == 0, second.stderr[-3000:]
    assert spooled(tmp_path) == []
    db = tmp_path / "hub" / "newswatch.db"
    archived = rows(db, "SELECT url, flagged FROM articles")
    assert sorted(r["url"] for r in archived) == sorted(want)  # every article, once
    assert {r["url"]: bool(r["flagged"]) for r in archived} == want
    alerted = rows(
        db, "SELECT ar.url FROM alerts a JOIN articles ar ON ar.id = a.article_id WHERE a.kind = 'new'"
    )
    assert sorted(r["url"] for r in alerted) == sorted(u for u, flagged in want.items() if flagged)
    runs = rows(db, "SELECT run_id, outlet, status, new FROM crawl_runs")
    assert len({r["run_id"] for r in runs}) == 2  # both runs recorded, the spooled one too
    assert sorted(r["outlet"] for r in runs) == sorted(OUTLETS * 2)
    assert sum(int(r["new"]) for r in runs) == len(want)  # each article counted new once
    seen = rows(
        db, "SELECT status FROM seen_urls WHERE url LIKE '%photo-gallery%' OR url LIKE '%report-pdf%'"
    )
    assert sorted(r["status"] for r in seen) == ["empty", "not_html"]
    assert not (tmp_path / "worker" / "data" / "newswatch.db").exists()


def test_a_worker_with_a_wrong_token_is_refused_and_loses_nothing(sites: Sites, tmp_path: Path) -> None:
    outlets = tmp_path / "outlets.toml"
    outlets.write_text(sites.outlets_toml, encoding="utf-8")
    port = free_port()
    hub = hub_for(tmp_path, outlets, port).start()
    try:
        crawl = worker_crawl(tmp_path, outlets, f"http://127.0.0.1:{port}", token="not-the-token")
    finally:
        hub.stop()
    assert crawl.returncode == 0, crawl.stderr[-3000:]
    assert "hub refused the worker: HTTP 403" in crawl.stderr
    assert rows(tmp_path / "hub" / "newswatch.db", "SELECT count(*) AS n FROM articles") == [{"n": 0}]
    assert sorted(r["url"] for r in spooled(tmp_path) if r["kind"] == "article") == sorted(expected(sites))
