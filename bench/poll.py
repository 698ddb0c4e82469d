"""Incremental poll: the real crawl over N outlets whose feeds have nothing new.

    python bench/poll.py [--outlets 500] [--items 10]

Serves --outlets RSS feeds (each with --items fresh articles), every feed with an ETag, each
outlet from its own loopback address (127.0.x.y) as in production each outlet is its own
host with its own download slot. A first `newswatch crawl` warms up: it fetches and archives every article
and caches every feed. The second crawl is the measured incremental poll: it must make one
conditional request per feed (answered 304), fetch no article, and write one crawl_runs row
per outlet with new = 0. Target: ≤ 10 s wall time on 2 cores. Writes bench/results/poll.json;
exits 1 when the poll fetched any article.

The crawl runs with the production concurrency (16 requests in flight, 2 per host) and no
download delay (a poll makes one request per host, so the delay never applies; it would
only slow the warm-up).
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the loopback outlet the tests use

from fakeweb import FakeWeb  # noqa: E402
from outlet_sites import Story, pangea_page, paragraphs, rss  # noqa: E402

RSS_TYPE = "application/rss+xml; charset=utf-8"


def loopback_host(i: int) -> str:
    """A distinct loopback address per outlet (all of 127.0.0.0/8 reaches this machine)."""
    return f"127.0.{1 + i // 250}.{1 + i % 250}"


def build_outlets(webs: list[FakeWeb], outlets: int, items: int) -> str:
    """Serve every outlet's feed and articles; return the outlets.toml text."""
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
    return "\n".join(toml)


def crawl(env: dict[str, str], log: Path, overrides: list[str]) -> tuple[float, int]:
    """One `newswatch crawl` as a subprocess: (wall seconds, exit code)."""
    command = [sys.executable, "-m", "newswatch", "crawl", *(a for o in overrides for a in ("-s", o))]
    start = time.monotonic()
    with log.open("w") as err:
        code = subprocess.run(command, cwd=ROOT, env=env, stdout=err, stderr=subprocess.STDOUT).returncode
    return time.monotonic() - start, code


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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--outlets", type=int, default=500)
    parser.add_argument("--items", type=int, default=10, help="articles per feed")
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
        help="a setting for the measured poll only",
    )
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder (archive, logs)")
    args = parser.parse_args(argv)
    args.hosts = min(args.hosts or args.outlets, args.outlets)
    webs = [FakeWeb(loopback_host(i)).start() for i in range(args.hosts)]
    work = Path(tempfile.mkdtemp(prefix="newswatch-poll-"))
    (work / "outlets.toml").write_text(build_outlets(webs, args.outlets, args.items), encoding="utf-8")
    db = work / "data" / "newswatch.db"
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    env.update(
        NEWSWATCH_OUTLETS=str(work / "outlets.toml"),
        NEWSWATCH_DB=str(db),
        NEWSWATCH_DOWNLOAD_DELAY="0",
        NEWSWATCH_CONCURRENT_PER_DOMAIN=str(args.per_domain),
        NEWSWATCH_CONCURRENT_REQUESTS=str(args.concurrent),
        NEWSWATCH_LOG_LEVEL="INFO",
        NEWSWATCH_CONTACT_URL="https://example.org/newswatch-bench",
    )
    print(
        f"{args.outlets} outlets × {args.items} items on {args.hosts} loopback hosts; "
        f"{args.concurrent} requests in flight, {args.per_domain} per host"
    )
    try:
        warm_s, warm_code = crawl(env, work / "warmup.log", [])
        warm_requests = sum(len(web.log) for web in webs)
        print(f"warm-up crawl: {warm_s:.1f} s, {warm_requests} requests, exit {warm_code}")
        for web in webs:
            with web._lock:
                web.log.clear()
                web.not_modified.clear()
        poll_s, poll_code = crawl(env, work / "poll.log", args.set)
        log = [path for web in webs for _, path in web.log]
        not_modified = sum(len(web.not_modified) for web in webs)
    finally:
        for web in webs:
            web.stop()
    feeds = sum(1 for p in log if p.endswith("/feed.xml"))
    articles = sum(1 for p in log if "/a/" in p)
    robots = sum(1 for p in log if p == "/robots.txt")
    rows = run_rows(db)
    result = {
        "outlets": args.outlets,
        "items_per_feed": args.items,
        "concurrent_requests": args.concurrent,
        "concurrent_per_domain": args.per_domain,
        "hosts": args.hosts,
        "warmup_s": round(warm_s, 2),
        "warmup_exit": warm_code,
        "warmup_requests": warm_requests,
        "poll_s": round(poll_s, 2),
        "poll_exit": poll_code,
        "requests": len(log),
        "not_modified": not_modified,
        "feed_requests": feeds,
        "article_requests": articles,
        "robots_requests": robots,
        "other_requests": len(log) - feeds - articles - robots,
        "crawl_runs_rows": len(rows),
        "crawl_runs_new_0": sum(1 for r in rows if r["new"] == 0),
        "crawl_runs_ok": sum(1 for r in rows if r["status"] == "ok"),
        # spider opened → last outlet's last event; the rest of the wall time is start-up and shutdown
        "spider_s": max((float(r["duration_s"] or 0) for r in rows), default=0.0),
        "poll_settings": args.set,
        "target_s": 10.0,
        "work_dir": str(work) if args.keep else None,
    }
    print(
        f"incremental poll of {args.outlets} unchanged feeds: {poll_s:.1f} s (target ≤ 10 s); "
        f"{len(log)} requests: {feeds} feeds ({not_modified} answered 304), {articles} articles, "
        f"{robots} robots.txt; crawl_runs: {result['crawl_runs_new_0']} of {len(rows)} rows with new = 0 "
        f"({result['crawl_runs_ok']} ok); spider open → last {result['spider_s']:.1f} s; exit {poll_code}"
    )
    out = ROOT / "bench" / "results" / "poll.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    if not args.keep:
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    return 1 if articles or poll_code else 0


if __name__ == "__main__":
    sys.exit(main())
