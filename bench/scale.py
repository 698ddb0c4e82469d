"""Crawls on Scrapyd workers against crawls on the hub's machine (#25).

    python bench/scale.py [--articles 300] [--outlets 10] [--rounds 2]
    python bench/scale.py --poll-outlets 2000 --group 100      # the poll part only: --articles 0

Part 1, the pipeline bench's pages (bench/pipeline.py: about 80 KB each, one in ten flagged)
behind --outlets RSS feeds on loopback, crawled by the real hub, ``newswatch run --once``, in
interleaved rounds: local crawls (the forkserver's children, as in production), then the
same through two Scrapyd daemons on this machine (the project deployed to both with
scrapyd-deploy; the hub's ingest endpoint classifies and stores), each on a fresh archive.
Figures: wall seconds, CPU seconds of the hub with its children and of the two daemons with
theirs (/proc: utime, stime, cutime, cstime), per article; the overhead of the ingest path
per article is the difference. On a 2-core machine this shows correctness and cost, not a
speed-up: both workers share the hub's two cores.

Part 2, --poll-outlets feeds (one item each, every outlet on its own loopback address)
polled through the workers by the hub's Scrapyd launcher in jobs of --group outlets
(``run_group``: one Scrapy start-up per job), after a first round that archives every item:
wall and CPU of the poll, runs recorded, articles fetched again (must be 0).

Part 0, the wire: CPU per article of the worker's JSON encoding of an article record and of
the hub's decoding and checking (pydantic) of it, in this process: what the ingest path adds
to the same classify and store a local crawl runs.

Prints the load average before each measurement; writes bench/results/scale.json.
Needs the ``workers`` extra (scrapyd, scrapyd-client).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import platform
import resource
import shutil
import signal
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from fakeweb import FakeWeb  # noqa: E402

TOKEN = "bench-token"


def load_bench(name: str) -> Any:
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def proc_cpu(pid: int) -> float:
    """CPU seconds of a process and its reaped children (/proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = sum(int(fields[i]) for i in (11, 12, 13, 14))  # utime stime cutime cstime
    return ticks / os.sysconf("SC_CLK_TCK")


class Daemon:
    """A Scrapyd daemon on a free loopback port."""

    def __init__(self, folder: Path):
        folder.mkdir(parents=True)
        self.folder = folder
        port = free_port()
        (folder / "scrapyd.conf").write_text(
            f"[scrapyd]\nbind_address = 127.0.0.1\nhttp_port = {port}\npoll_interval = 0.2\nmax_proc = 4\n"
            "eggs_dir = eggs\nlogs_dir = logs\ndbs_dir = dbs\njobs_to_keep = 2\n",
            encoding="utf-8",
        )
        env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSWATCH_", "SLACK_", "SCRAPY"))}
        env.update(
            NEWSWATCH_DB=str(folder / "data" / "newswatch.db"),
            NEWSWATCH_INGEST_TOKEN=TOKEN,
            NEWSWATCH_DOWNLOAD_DELAY="0",
            NEWSWATCH_HTTPCACHE="1",
            NEWSWATCH_CONCURRENT_PER_DOMAIN="16",
            NEWSWATCH_CONCURRENT_REQUESTS="32",
            NEWSWATCH_LOG_LEVEL="WARNING",
        )
        self.process = subprocess.Popen(
            [sys.executable, "-m", "scrapyd"],
            cwd=folder,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        self.url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/daemonstatus.json", timeout=2):
                    return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError(f"scrapyd in {folder} did not start")

    def cpu(self) -> float:
        return proc_cpu(self.process.pid)

    def stop(self) -> None:
        os.killpg(self.process.pid, signal.SIGTERM)
        self.process.wait(timeout=30)


def hub_env(work: Path, outlets: Path, workers: list[Daemon] | None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSWATCH_", "SLACK_"))}
    env.update(
        NEWSWATCH_OUTLETS=str(outlets),
        NEWSWATCH_DB=str(work / "data" / "newswatch.db"),
        NEWSWATCH_DOWNLOAD_DELAY="0",
        NEWSWATCH_MAX_ARTICLES_PER_RUN="0",
        NEWSWATCH_HTTPCACHE="0",
        NEWSWATCH_CONCURRENT_PER_DOMAIN="16",
        NEWSWATCH_CONCURRENT_REQUESTS="32",
        NEWSWATCH_MAX_PARALLEL_CRAWLS="4",
        NEWSWATCH_LOG_LEVEL="WARNING",
    )
    if workers:
        env.update(
            NEWSWATCH_SCRAPYD_URLS=",".join(w.url for w in workers),
            NEWSWATCH_INGEST_TOKEN=TOKEN,
            NEWSWATCH_INGEST_ADDRESS=f"127.0.0.1:{free_port()}",
        )
    return env


def hub_round(work: Path, outlets: Path, workers: list[Daemon] | None) -> dict[str, Any]:
    """One `newswatch run --once` on a fresh archive: wall, CPU of the hub (with its children)
    and of the daemons (with theirs), what was archived."""
    shutil.rmtree(work / "data", ignore_errors=True)
    load = os.getloadavg()[0]
    daemons = [w.cpu() for w in workers or []]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "newswatch", "run", "--once"],
        cwd=ROOT,
        env=hub_env(work, outlets, workers),
        capture_output=True,
        text=True,
        check=False,
    )
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    time.sleep(0.5)  # the daemons reap their last crawl
    workers_cpu = sum(w.cpu() - b for w, b in zip(workers or [], daemons, strict=True))
    if done.returncode != 0:
        print(done.stderr[-3000:], file=sys.stderr)
    conn = sqlite3.connect(work / "data" / "newswatch.db")
    archived, flagged = conn.execute("SELECT count(*), coalesce(sum(flagged), 0) FROM articles").fetchone()
    alerts = conn.execute("SELECT count(*) FROM alerts").fetchone()[0]
    runs = conn.execute("SELECT count(*) FROM crawl_runs").fetchone()[0]
    conn.close()
    hub_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {
        "mode": "workers" if workers else "local",
        "load": round(load, 2),
        "exit": done.returncode,
        "wall_s": round(wall, 2),
        "hub_cpu_s": round(hub_cpu, 2),
        "workers_cpu_s": round(workers_cpu, 2),
        "cpu_s": round(hub_cpu + workers_cpu, 2),
        "archived": archived,
        "flagged": flagged,
        "alerts": alerts,
        "runs": runs,
    }


def spread(values: list[float]) -> dict[str, float]:
    return {
        "min": round(min(values), 3),
        "median": round(statistics.median(values), 3),
        "max": round(max(values), 3),
    }


def pipeline_part(args: argparse.Namespace, work: Path, workers: list[Daemon]) -> dict[str, Any]:
    pipeline = load_bench("pipeline")
    web = FakeWeb().start()
    try:
        pipeline.serve(web, args.articles, args.outlets, work)
        rounds: list[dict[str, Any]] = []
        for i in range(args.rounds):
            order = [None, workers] if i % 2 == 0 else [workers, None]
            for chosen in order:
                figures = hub_round(work / "hub", work / "outlets.toml", chosen)
                figures["cpu_ms_per_article"] = round(
                    1000 * figures["cpu_s"] / max(1, figures["archived"]), 2
                )
                print(json.dumps(figures), flush=True)
                rounds.append(figures)
    finally:
        web.stop()
    local = [r for r in rounds if r["mode"] == "local"]
    remote = [r for r in rounds if r["mode"] == "workers"]
    pairs = list(zip(local, remote, strict=True))
    return {
        "articles": args.articles,
        "outlets": args.outlets,
        "rounds": rounds,
        "local_cpu_ms_per_article": spread([r["cpu_ms_per_article"] for r in local]),
        "workers_cpu_ms_per_article": spread([r["cpu_ms_per_article"] for r in remote]),
        "overhead_cpu_ms_per_article": spread(
            [w["cpu_ms_per_article"] - loc["cpu_ms_per_article"] for loc, w in pairs]
        ),
        "local_wall_s": spread([r["wall_s"] for r in local]),
        "workers_wall_s": spread([r["wall_s"] for r in remote]),
        # the same articles, flagged the same (the alerts can differ: which report of a story
        # arrives first decides its first alert and the replies)
        "same_archive": all(
            (loc["archived"], loc["flagged"]) == (w["archived"], w["flagged"]) for loc, w in pairs
        ),
    }


def serve_hub(db: str, outlets: str, port: int) -> int:
    """The hub's ingest endpoint alone, in a process of its own (its CPU measured apart from the
    loopback outlets this bench serves); runs until its stdin closes."""
    from scrapy.settings import Settings

    import settings as project
    from newswatch.workers.ingest import ingest_server

    names = {name: getattr(project, name) for name in dir(project) if name.isupper()}
    values = {
        **names,
        "NEWSWATCH_DB": db,
        "NEWSWATCH_OUTLETS": outlets,
        "NEWSWATCH_INGEST_TOKEN": TOKEN,
        "NEWSWATCH_INGEST_ADDRESS": f"127.0.0.1:{port}",
    }
    hub = ingest_server(Settings(values))
    assert hub is not None
    hub.start()
    print("ready", flush=True)
    sys.stdin.read()
    hub.stop()
    return 0


def poll_part(args: argparse.Namespace, work: Path, workers: list[Daemon]) -> dict[str, Any]:
    """--poll-outlets feeds polled through the workers, in jobs of --group outlets."""
    from newswatch.workers.scrapyd import ScrapydLauncher

    poll = load_bench("poll")
    hosts = max(1, min(args.poll_outlets, 250))  # one loopback address per host, outlets spread over them
    webs = [poll.start_web(poll.loopback_host(i)) for i in range(hosts)]
    try:
        tables = poll.build_outlets(webs, args.poll_outlets, 1)
        outlets = work / "poll-outlets.toml"
        outlets.write_text("\n".join(tables), encoding="utf-8")
        db = work / "poll" / "newswatch.db"
        port = free_port()
        hub = subprocess.Popen(
            [sys.executable, __file__, "--hub", str(db), str(outlets), str(port)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            text=True,
        )
        assert hub.stdout is not None and hub.stdout.readline().strip() == "ready"
        launcher = ScrapydLauncher(
            [w.url for w in workers],
            db,
            timeout=1800,
            outlets_file=outlets,
            hub_url=lambda: f"http://127.0.0.1:{port}",
            job_settings={"NEWSWATCH_MAX_ARTICLES_PER_RUN": "0"},
            poll=0.5,
        )
        keys = [f"o{i}" for i in range(args.poll_outlets)]
        groups = [keys[i : i + args.group] for i in range(0, len(keys), args.group)]
        phases = {}
        try:
            for phase in ("first", "poll"):
                load = os.getloadavg()[0]
                daemons = [w.cpu() for w in workers]
                hub_before = proc_cpu(hub.pid)
                started = time.perf_counter()
                with ThreadPoolExecutor(len(workers) * 2) as pool:
                    outcomes = [o for found in pool.map(launcher.run_group, groups) for o in found]
                wall = time.perf_counter() - started
                time.sleep(0.5)
                runs = sorted({o.run_id for o in outcomes})
                conn = sqlite3.connect(db)
                fetched, new = conn.execute(
                    "SELECT coalesce(sum(fetched), 0), coalesce(sum(new), 0) FROM crawl_runs "
                    f"WHERE run_id IN ({','.join('?' * len(runs))})",
                    runs,
                ).fetchone()
                archived = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
                conn.close()
                phases[phase] = {
                    "load": round(load, 2),
                    "wall_s": round(wall, 2),
                    "hub_cpu_s": round(proc_cpu(hub.pid) - hub_before, 2),
                    "workers_cpu_s": round(
                        sum(w.cpu() - b for w, b in zip(workers, daemons, strict=True)), 2
                    ),
                    "jobs": len(groups),
                    "runs_ok": sum(o.status in ("ok", "partial") for o in outcomes),
                    "fetched": fetched,
                    "new": new,
                    "archived": archived,
                }
                print(json.dumps({phase: phases[phase]}), flush=True)
        finally:
            hub.communicate(timeout=60)
    finally:
        poll.stop_webs(webs)
    return {"outlets": args.poll_outlets, "group": args.group, **phases}


def wire_part(articles: int = 300, rounds: int = 5) -> dict[str, Any]:
    """CPU per article of what the ingest path adds to a local crawl's: the worker's JSON
    encoding of its records and the hub's decoding, checking and rebuilding of them."""
    from datetime import UTC, datetime

    from outlet_sites import paragraphs

    from newswatch.records import Article, Candidate, Extraction
    from newswatch.workers.wire import article_of, article_record, parse_batch

    now = datetime.now(UTC)
    records = []
    for i in range(articles):
        text = "\n\n".join(paragraphs(f"topic {i}", 16) + paragraphs(f"more on topic {i}", 16))  # ~5 KB
        url = f"http://outlet.test/p/{i}"
        item = Article(
            url,
            url,
            "o1",
            now,
            "",
            Candidate(url, "o1", "http://outlet.test/feed", "feed", title=f"Story {i}"),
            "en",
            Extraction(text, f"Story {i}", ("Reporter",), now, "ld+json", "en"),
        )
        records.append(article_record(item, "run"))
    encode, decode = [], []
    for _ in range(rounds):
        cpu = time.process_time()
        body = json.dumps({"records": records}, ensure_ascii=False, separators=(",", ":")).encode()
        encode.append(1000 * (time.process_time() - cpu) / articles)
        cpu = time.process_time()
        for record in parse_batch(json.loads(body)).records:
            article_of(record)  # type: ignore[arg-type]
        decode.append(1000 * (time.process_time() - cpu) / articles)
    return {
        "articles": articles,
        "bytes_per_article": round(len(body) / articles),
        "worker_encode_cpu_ms_per_article": spread(encode),
        "hub_decode_check_cpu_ms_per_article": spread(decode),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--articles", type=int, default=300, help="pipeline pages (0: skip part 1)")
    parser.add_argument("--outlets", type=int, default=10, help="feeds the pages are spread over")
    parser.add_argument("--rounds", type=int, default=2, help="interleaved rounds (local, workers)")
    parser.add_argument("--poll-outlets", type=int, default=2000, help="outlets polled (0: skip part 2)")
    parser.add_argument("--group", type=int, default=100, help="outlets per Scrapyd job in the poll")
    parser.add_argument("--hub", nargs=3, metavar=("DB", "OUTLETS", "PORT"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.hub:
        return serve_hub(args.hub[0], args.hub[1], int(args.hub[2]))
    try:
        import scrapyd  # noqa: F401
        import scrapyd_client  # noqa: F401
    except ImportError:
        print("bench/scale.py needs the workers extra: pip install -e '.[workers]'", file=sys.stderr)
        return 2
    from newswatch.workers.deploy import deploy

    work = Path(tempfile.mkdtemp(prefix="newswatch-scale-"))
    results: dict[str, Any] = {
        "when": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores",
        "load_at_start": [round(x, 2) for x in os.getloadavg()],
    }
    print(f"load average at start: {results['load_at_start']}", flush=True)
    results["wire"] = wire_part()
    print(json.dumps({"wire": results["wire"]}), flush=True)
    workers = [Daemon(work / f"w{i}") for i in (1, 2)]
    try:
        deploy([w.url for w in workers], "newswatch", "1")
        if args.articles:
            results["pipeline"] = pipeline_part(args, work, workers)
        if args.poll_outlets:
            results["poll"] = poll_part(args, work, workers)
    finally:
        stoppers = [threading.Thread(target=w.stop) for w in workers]
        for t in stoppers:
            t.start()
        for t in stoppers:
            t.join()
        shutil.rmtree(work, ignore_errors=True)
    out = ROOT / "bench" / "results" / "scale.json"
    out.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    print(
        json.dumps(
            {k: v for k, v in results.items() if k != "pipeline"}
            | {"pipeline": {k: v for k, v in results.get("pipeline", {}).items() if k != "rounds"}},
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
