"""Incremental poll: the real crawl over N outlets whose feeds have nothing new.

    python bench/poll.py [--outlets 500] [--items 10]
    python bench/poll.py --outlets 2000 --sizes 1000,2000 --repeat 3
    python bench/poll.py --outlets 1000 --sizes 500,1000 --baseline /tmp/old-tree   # A/B, interleaved

Serves --outlets RSS feeds (each with --items fresh articles), every feed with an ETag, each
outlet from its own loopback address (127.0.x.y) as in production each outlet is its own
host with its own download slot. A first `newswatch crawl` warms up: it fetches and archives
every article and caches every feed. Then each measured poll is a `newswatch crawl` of the
first S outlets (S from --sizes): it must make one conditional request per feed (answered
304), fetch no article, and write one crawl_runs row per outlet with new = 0.

Each poll is measured by its wall time and by the crawl process's CPU time (user + system,
from ``getrusage(RUSAGE_CHILDREN)``), with the load average before and after it. Polls are
repeated --repeat times, sizes and code trees interleaved (A B A B …), and the spread (min,
median, max) is printed. The cost per extra outlet is the difference of the median CPU of the
largest and smallest size over the difference of their outlets. --baseline DIR runs every
other poll with the code of another checkout (the same files; e.g. the tree before a change)
against the same archive and cache.

Targets (#24): 1,000 outlets ≤ 8 s, 2,000 ≤ 16 s wall on 2 cores, ≤ 6 CPU-ms per extra
outlet. Writes bench/results/poll.json; exits 1 when a poll fetched any article or failed.

The crawl runs with the production concurrency (16 requests in flight, 2 per host) and no
download delay (a poll makes one request per host, so the delay never applies; it would
only slow the warm-up).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the loopback outlet the tests use

from fakeweb import FakeWeb  # noqa: E402
from outlet_sites import Story, pangea_page, paragraphs, rss  # noqa: E402

RSS_TYPE = "application/rss+xml; charset=utf-8"
TARGETS_S = {1000: 8.0, 2000: 16.0}  # wall seconds per poll size (#24)
TARGET_MS_PER_OUTLET = 6.0  # CPU per extra outlet (#24)


def loopback_host(i: int) -> str:
    """A distinct loopback address per outlet (all of 127.0.0.0/8 reaches this machine)."""
    return f"127.0.{1 + i // 250}.{1 + i % 250}"


def start_web(host: str) -> FakeWeb:
    """A loopback server; it looks for shutdown every 2 s rather than 0.5 s, so thousands of
    idle servers do not wake the bench's own process thousands of times a second."""
    web = FakeWeb(host)
    web.thread = threading.Thread(target=web.server.serve_forever, kwargs={"poll_interval": 2.0}, daemon=True)
    return web.start()


def stop_webs(webs: list[FakeWeb]) -> None:
    stoppers = [threading.Thread(target=web.stop) for web in webs]
    for thread in stoppers:
        thread.start()
    for thread in stoppers:
        thread.join()


def build_outlets(webs: list[FakeWeb], outlets: int, items: int) -> list[str]:
    """Serve every outlet's feed and articles; return one outlets.toml table per outlet."""
    now = datetime.now(UTC).replace(microsecond=0)
    for web in webs:
        web.add("/robots.txt", "User-agent: *\nDisallow: /private/\n", content_type="text/plain")
    toml: list[str] = []
    for i in range(outlets):
        web = webs[i % len(webs)]
        entries: list[tuple[str, str, datetime]] = []
        for j in range(items):
            path = f"/o{i}/a/{j}"
            when = now - timedelta(hours=1, minutes=7 * j)
            story = Story(
                path,
                f"Outlet {i} story {j}",
                paragraphs(f"the shipments reported by outlet {i} in story {j}"),
                when,
                [f"Reporter {i}"],
            )
            web.add(path, pangea_page(story, web.url(path)))
            entries.append((story.title, web.url(path), when))
        web.add(f"/o{i}/feed.xml", rss(entries), content_type=RSS_TYPE, headers={"ETag": f'"o{i}-1"'})
        toml.append(
            f'[outlets.o{i}]\nname = "Outlet {i}"\nhomepage = "{web.url(f"/o{i}/")}"\n'
            f'feeds = ["{web.url(f"/o{i}/feed.xml")}"]\nallow = [\'/a/\\d+$\']\ninterval = "15m"\n'
        )
    return toml


def crawl(
    env: dict[str, str], log: Path, overrides: list[str], cwd: Path = ROOT, profile: Path | None = None
) -> dict[str, Any]:
    """One `newswatch crawl` as a subprocess of ``cwd``'s code: wall and CPU seconds, exit
    code, load average before and after."""
    python = [sys.executable] + (["-m", "cProfile", "-o", str(profile)] if profile else [])
    command = [*python, "-m", "newswatch", "crawl", *(a for o in overrides for a in ("-s", o))]
    load_before = os.getloadavg()[0]
    cpu_before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.monotonic()
    with log.open("w") as err:
        code = subprocess.run(command, cwd=cwd, env=env, stdout=err, stderr=subprocess.STDOUT).returncode
    wall = time.monotonic() - start
    cpu_after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (cpu_after.ru_utime - cpu_before.ru_utime) + (cpu_after.ru_stime - cpu_before.ru_stime)
    return {
        "wall_s": round(wall, 3),
        "cpu_s": round(cpu, 3),
        "exit": code,
        "load_before": round(load_before, 2),
        "load_after": round(os.getloadavg()[0], 2),
    }


def run_rows(db: Path) -> list[dict[str, object]]:
    """The crawl_runs rows of the latest run."""
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        last = conn.execute("SELECT run_id FROM crawl_runs ORDER BY id DESC LIMIT 1").fetchone()
        rows = conn.execute("SELECT * FROM crawl_runs WHERE run_id = ?", (last["run_id"],)).fetchall()
        return [dict(r) for r in rows]
    finally:
        conn.close()


def clear_logs(webs: list[FakeWeb]) -> None:
    for web in webs:
        with web._lock:
            web.log.clear()
            web.not_modified.clear()


def spread(values: list[float]) -> dict[str, float]:
    return {
        "min": round(min(values), 3),
        "median": round(statistics.median(values), 3),
        "max": round(max(values), 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--outlets", type=int, default=500, help="outlets served and warmed up")
    parser.add_argument("--items", type=int, default=10, help="articles per feed")
    parser.add_argument(
        "--sizes", default="", help="outlets per measured poll, comma-separated (default: --outlets)"
    )
    parser.add_argument("--repeat", type=int, default=1, help="measured polls per size (and per tree)")
    parser.add_argument("--baseline", type=Path, help="another checkout: every other poll runs its code")
    parser.add_argument("--profile", type=Path, help="one more poll of the largest size under cProfile")
    parser.add_argument(
        "--hosts", type=int, default=0, help="loopback hosts to spread outlets over (0: one each)"
    )
    parser.add_argument("--per-domain", type=int, default=2, help="NEWSWATCH_CONCURRENT_PER_DOMAIN")
    parser.add_argument("--concurrent", type=int, default=16, help="NEWSWATCH_CONCURRENT_REQUESTS")
    parser.add_argument(
        "--set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting for the measured polls only",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (archive, logs)")
    args = parser.parse_args(argv)
    sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()} or {args.outlets})
    if sizes[-1] > args.outlets:
        parser.error("--sizes cannot exceed --outlets")
    trees = {"new": ROOT} | ({"old": args.baseline.resolve()} if args.baseline else {})
    args.hosts = min(args.hosts or args.outlets, args.outlets)
    webs = [start_web(loopback_host(i)) for i in range(args.hosts)]
    work = Path(tempfile.mkdtemp(prefix="newswatch-poll-"))
    tables = build_outlets(webs, args.outlets, args.items)
    outlet_files = {}
    for size in {*sizes, args.outlets}:
        outlet_files[size] = work / f"outlets-{size}.toml"
        outlet_files[size].write_text("\n".join(tables[:size]), encoding="utf-8")
    db = work / "data" / "newswatch.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    env.update(
        NEWSWATCH_DB=str(db),
        NEWSWATCH_DOWNLOAD_DELAY="0",
        NEWSWATCH_CONCURRENT_PER_DOMAIN=str(args.per_domain),
        NEWSWATCH_CONCURRENT_REQUESTS=str(args.concurrent),
        NEWSWATCH_LOG_LEVEL="INFO",
        NEWSWATCH_CONTACT_URL="https://example.org/newswatch-bench",
    )
    print(
        f"{args.outlets} outlets × {args.items} items on {args.hosts} loopback hosts; "
        f"{args.concurrent} requests in flight, {args.per_domain} per host; polls of {sizes} outlets, "
        f"{args.repeat}× each, code: {', '.join(f'{k} {v}' for k, v in trees.items())}; "
        f"load at start {os.getloadavg()[0]:.2f}"
    )
    polls: list[dict[str, Any]] = []
    failed = False
    try:
        warm = crawl(env | {"NEWSWATCH_OUTLETS": str(outlet_files[args.outlets])}, work / "warmup.log", [])
        warm_requests = sum(len(web.log) for web in webs)
        print(f"warm-up crawl: {warm['wall_s']:.1f} s, {warm_requests} requests, exit {warm['exit']}")
        for round_ in range(args.repeat):
            for size in sizes:
                order = list(trees.items())
                for tree, cwd in order if round_ % 2 == 0 else order[::-1]:  # A B, then B A
                    clear_logs(webs)
                    poll_env = env | {"NEWSWATCH_OUTLETS": str(outlet_files[size])}
                    log_file = work / f"poll-{tree}-{size}-{round_}.log"
                    result = crawl(poll_env, log_file, args.set, cwd)
                    log = [path for web in webs for _, path in web.log]
                    rows = run_rows(db)
                    result |= {
                        "tree": tree,
                        "outlets": size,
                        "round": round_,
                        "requests": len(log),
                        "not_modified": sum(len(web.not_modified) for web in webs),
                        "article_requests": sum(1 for p in log if "/a/" in p),
                        "robots_requests": sum(1 for p in log if p == "/robots.txt"),
                        "crawl_runs_rows": len(rows),
                        "crawl_runs_new_0": sum(1 for r in rows if r["new"] == 0),
                        "crawl_runs_ok": sum(1 for r in rows if r["status"] == "ok"),
                        "spider_s": max((float(r["duration_s"] or 0) for r in rows), default=0.0),
                    }
                    failed = failed or bool(result["exit"] or result["article_requests"])
                    polls.append(result)
                    print(
                        f"  {tree} {size:>5} outlets: {result['wall_s']:6.2f} s wall, {result['cpu_s']:6.2f} "
                        f"CPU-s; {result['requests']} requests ({result['not_modified']} 304), "
                        f"{result['article_requests']} articles; crawl_runs {result['crawl_runs_ok']} ok of "
                        f"{result['crawl_runs_rows']}; load {result['load_before']:.2f} → "
                        f"{result['load_after']:.2f}; exit {result['exit']}"
                    )
        if args.profile:
            profile_env = env | {"NEWSWATCH_OUTLETS": str(outlet_files[sizes[-1]])}
            crawl(profile_env, work / "profile.log", args.set, ROOT, args.profile)
            print(f"profile of a {sizes[-1]}-outlet poll: {args.profile}")
    finally:
        stop_webs(webs)
    summary: dict[str, Any] = {}
    for tree in trees:
        per_size: dict[str, Any] = {}
        for size in sizes:
            mine = [p for p in polls if p["tree"] == tree and p["outlets"] == size]
            per_size[str(size)] = {
                "wall_s": spread([p["wall_s"] for p in mine]),
                "cpu_s": spread([p["cpu_s"] for p in mine]),
                "target_s": TARGETS_S.get(size),
            }
        marginal = None
        if len(sizes) > 1:
            low, high = per_size[str(sizes[0])], per_size[str(sizes[-1])]
            marginal = round(
                1000 * (high["cpu_s"]["median"] - low["cpu_s"]["median"]) / (sizes[-1] - sizes[0]), 2
            )
        summary[tree] = {"sizes": per_size, "cpu_ms_per_extra_outlet": marginal}
        print(f"{tree} ({trees[tree]}):")
        for size, figures in per_size.items():
            wall, cpu = figures["wall_s"], figures["cpu_s"]
            target = f" (target ≤ {figures['target_s']:.0f} s)" if figures["target_s"] else ""
            print(
                f"  {size:>5} outlets: wall median {wall['median']:.2f} s "
                f"[{wall['min']:.2f}–{wall['max']:.2f}]{target}, "
                f"CPU median {cpu['median']:.2f} s [{cpu['min']:.2f}–{cpu['max']:.2f}]"
            )
        if marginal is not None:
            print(f"  CPU per extra outlet: {marginal:.2f} ms (target ≤ {TARGET_MS_PER_OUTLET:.0f} ms)")
    result = {
        "outlets": args.outlets,
        "items_per_feed": args.items,
        "concurrent_requests": args.concurrent,
        "concurrent_per_domain": args.per_domain,
        "hosts": args.hosts,
        "sizes": sizes,
        "repeat": args.repeat,
        "trees": {k: str(v) for k, v in trees.items()},
        "warmup": warm | {"requests": warm_requests},
        "polls": polls,
        "summary": summary,
        "poll_settings": args.set,
        "targets": {"wall_s": TARGETS_S, "cpu_ms_per_extra_outlet": TARGET_MS_PER_OUTLET},
        "work_dir": str(work) if args.keep else None,
    }
    out = ROOT / "bench" / "results" / "poll.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    if not args.keep:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
