"""Memory: peak RSS of a large crawl, and the service's RSS over many scheduled runs.

    python bench/memory.py [--articles 2000] [--runs 1000] [--minutes 15] [--skip-crawl] [--skip-service]

(a) Crawl: one loopback outlet whose news sitemap lists --articles fresh article pages (~80 KB
of HTML each: Pangea markup, ~5 KB of text, heavy chrome), no per-run cap. One real
`newswatch crawl` runs under a small wrapper process whose only child is the crawl, so the
wrapper's getrusage(RUSAGE_CHILDREN).ru_maxrss is the crawl's peak RSS; VmHWM polled from
/proc/<pid>/status while it runs is a cross-check. Target: < 300 MB.

(b) Service: the real `newswatch run` with --service-outlets outlets at interval 5 s, feeds
with a few items (nothing new after each outlet's first run), 4 crawls in parallel. The
scheduler's own VmRSS (crawls are subprocesses, not counted) is sampled every few seconds
until --runs crawl_runs rows exist or --minutes have passed. Reported: RSS after the first
50 runs, at the end, the maximum, and the growth per 100 runs (least-squares fit over the
samples after the first 50 runs). Target: no growth.

Writes bench/results/memory.json.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the loopback outlet the tests use

from fakeweb import FakeWeb  # noqa: E402
from outlet_sites import Story, news_sitemap, pangea_page, paragraphs, rss  # noqa: E402

XML_TYPE = "application/xml; charset=utf-8"
RSS_TYPE = "application/rss+xml; charset=utf-8"

# Runs the crawl as its only child and prints the children's peak RSS (KB) last.
WRAPPER = """
import resource, subprocess, sys
with open(sys.argv[1], "w") as log:
    code = subprocess.run(sys.argv[2:], stdout=log, stderr=subprocess.STDOUT).returncode
print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""

SECTIONS = ["World", "Europe", "Asia", "Americas", "Business", "Economy", "Defense", "Science", "Culture"]


def chrome() -> tuple[str, str, str]:
    """Page chrome of a large news site: (head additions, top navigation, footer), ~75 KB."""
    style = "".join(
        f".c{i}{{margin:{i % 7}px {i % 5}px;padding:{i % 3}px;color:#{i * 2731 % 0xFFFFFF:06x};"
        f"font:{12 + i % 6}px/1.4 Georgia,serif}}\n"
        for i in range(250)
    )
    config = json.dumps(
        {
            "ads": [
                {"slot": f"slot-{i}", "sizes": [[300, 250], [728, 90]], "targeting": {"s": SECTIONS[i % 9]}}
                for i in range(120)
            ],
            "analytics": {"id": "UA-000000-1", "dimensions": {f"d{i}": f"value {i}" for i in range(80)}},
        }
    )
    head = f"<style>{style}</style><script>window.__CONFIG__ = {config};</script>"
    menu = "".join(
        f'<li class="menu-item c{k % 250}"><a href="/section/{s.lower()}/topic-{k}">{s} topic {k}</a></li>'
        for k in range(300)
        for s in [SECTIONS[k % 9]]
    )
    nav = f'<div class="mega-menu"><ul>{menu}</ul></div>'
    links = "".join(f'<li><a href="/about/page-{k}">About us page {k}</a></li>' for k in range(200))
    footer = f'<div class="footer-links"><ul>{links}</ul></div>'
    return head, nav, footer


def article_page(story: Story, url: str, parts: tuple[str, str, str]) -> str:
    head, nav, footer = parts
    page = pangea_page(story, url)
    return (
        page.replace("</head>", head + "</head>", 1)
        .replace("<body>", "<body>" + nav, 1)
        .replace("</footer>", footer + "</footer>", 1)
    )


def base_env(work: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    env.update(
        NEWSWATCH_OUTLETS=str(work / "outlets.toml"),
        NEWSWATCH_DB=str(work / "data" / "newswatch.db"),
        NEWSWATCH_DOWNLOAD_DELAY="0",
        NEWSWATCH_LOG_LEVEL="INFO",
        NEWSWATCH_CONTACT_URL="https://example.org/newswatch-bench",
    )
    return env


def vm_status(pid: int, field: str) -> int | None:
    """A VmXXX field of /proc/<pid>/status, in KB (None once the process is gone)."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except (FileNotFoundError, ProcessLookupError):
        return None
    return None


def crawl_memory(articles: int, per_domain: int) -> dict[str, Any]:
    """(a) peak RSS of one crawl of ``articles`` new articles."""
    web = FakeWeb().start()
    work = Path(tempfile.mkdtemp(prefix="newswatch-mem-crawl-"))
    now = datetime.now(UTC).replace(microsecond=0)
    parts = chrome()
    entries: list[tuple[str, str, datetime]] = []
    sizes: list[int] = []
    for n in range(articles):
        path = f"/big/news/{n}"
        when = now - timedelta(minutes=1 + n % 2000)
        text = [p for k in range(6) for p in paragraphs(f"the supply route {n}-{k}")]
        story = Story(path, f"Supply routes, part {n}", text, when, [f"Reporter {n % 40}"])
        page = article_page(story, web.url(path), parts)
        sizes.append(len(page.encode()))
        web.add(path, page)
        entries.append((story.title, web.url(path), when))
    web.add("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    web.add("/big/news-sitemap.xml", news_sitemap(entries), content_type=XML_TYPE)
    (work / "outlets.toml").write_text(
        f'[outlets.big]\nname = "Big"\nhomepage = "{web.url("/big/")}"\n'
        f"news_sitemaps = [\"{web.url('/big/news-sitemap.xml')}\"]\nallow = ['/news/\\d+$']\n",
        encoding="utf-8",
    )
    env = base_env(work)
    env.update(
        NEWSWATCH_MAX_ARTICLES_PER_RUN="0",
        NEWSWATCH_CONCURRENT_PER_DOMAIN=str(per_domain),
        NEWSWATCH_CONCURRENT_REQUESTS="16",
    )
    print(
        f"(a) crawl of {articles} pages, mean {sum(sizes) / len(sizes) / 1024:.0f} KB of HTML each, "
        f"one loopback outlet, {per_domain} requests in flight"
    )
    start = time.monotonic()
    wrapper = subprocess.Popen(
        [sys.executable, "-c", WRAPPER, str(work / "crawl.log"), sys.executable, "-m", "newswatch", "crawl"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    hwm_kb = 0
    crawl_pid: int | None = None
    while wrapper.poll() is None:
        if crawl_pid is None:
            try:
                children = Path(f"/proc/{wrapper.pid}/task/{wrapper.pid}/children").read_text().split()
                crawl_pid = int(children[0]) if children else None
            except FileNotFoundError:
                pass
        if crawl_pid is not None:
            hwm_kb = max(hwm_kb, vm_status(crawl_pid, "VmHWM") or 0)
        time.sleep(0.2)
    wall = time.monotonic() - start
    out = (wrapper.stdout.read() if wrapper.stdout else "").split()
    web.stop()
    code, maxrss_kb = int(out[0]), int(out[1])
    conn = sqlite3.connect(work / "data" / "newswatch.db")
    try:
        archived = conn.execute("SELECT count(*) FROM articles").fetchone()[0]
        run = conn.execute("SELECT fetched, new, empty, errors FROM crawl_runs").fetchone()
    finally:
        conn.close()
    result = {
        "articles_served": articles,
        "mean_page_kb": round(sum(sizes) / len(sizes) / 1024, 1),
        "exit": code,
        "wall_s": round(wall, 1),
        "articles_archived": archived,
        "fetched": run[0],
        "new": run[1],
        "empty": run[2],
        "errors": run[3],
        "peak_rss_mb": round(maxrss_kb / 1024, 1),
        "peak_rss_mb_vmhwm_polled": round(hwm_kb / 1024, 1),
        "target_mb": 300,
    }
    print(
        f"(a) peak RSS {result['peak_rss_mb']} MB (target < 300 MB; polled VmHWM "
        f"{result['peak_rss_mb_vmhwm_polled']} MB); {wall:.1f} s; {archived} of {articles} archived "
        f"(fetched {run[0]}, empty {run[2]}, errors {run[3]}); exit {code}"
    )
    shutil.rmtree(work, ignore_errors=True)
    return result


def count_runs(db: Path) -> int:
    if not db.exists():
        return 0
    try:
        conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
        try:
            return int(conn.execute("SELECT count(*) FROM crawl_runs").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.OperationalError:
        return -1  # not created yet, or busy: try again at the next sample


def slope(points: list[tuple[int, int]]) -> float:
    """Least-squares slope of KB against runs."""
    n = len(points)
    mx = sum(x for x, _ in points) / n
    my = sum(y for _, y in points) / n
    den = sum((x - mx) ** 2 for x, _ in points)
    return sum((x - mx) * (y - my) for x, y in points) / den if den else 0.0


def quiet_outlets(web: FakeWeb, outlets: int, interval: str, key: str) -> str:
    """Serve ``outlets`` loopback outlets (``{key}0``, ``{key}1``…), each a feed with an ETag and
    three fresh articles; the outlets file that monitors them every ``interval``."""
    now = datetime.now(UTC).replace(microsecond=0)
    web.add("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    toml = []
    for i in range(outlets):
        items = []
        for j in range(3):
            path = f"/{key}{i}/a/{j}"
            when = now - timedelta(hours=1 + j)
            story = Story(path, f"Outlet {key}{i} story {j}", paragraphs(f"freight route {i}-{j}"), when)
            web.add(path, pangea_page(story, web.url(path)))
            items.append((story.title, web.url(path), when))
        web.add(f"/{key}{i}/feed.xml", rss(items), content_type=RSS_TYPE, headers={"ETag": f'"{key}{i}-1"'})
        toml.append(
            f'[outlets.{key}{i}]\nname = "Outlet {key}{i}"\nhomepage = "{web.url(f"/{key}{i}/")}"\n'
            f'feeds = ["{web.url(f"/{key}{i}/feed.xml")}"]\nallow = [\'/a/\\d+$\']\ninterval = "{interval}"\n'
        )
    return "\n".join(toml)


def service_memory(outlets: int, runs: int, minutes: float, every: float) -> dict[str, Any]:
    """(b) the scheduler's RSS over ``runs`` scheduled crawls."""
    web = FakeWeb().start()
    work = Path(tempfile.mkdtemp(prefix="newswatch-mem-service-"))
    (work / "outlets.toml").write_text(quiet_outlets(web, outlets, "5s", "s"), encoding="utf-8")
    db = work / "data" / "newswatch.db"
    env = base_env(work)
    env.update(NEWSWATCH_MAX_PARALLEL_CRAWLS="4", NEWSWATCH_LOG_LEVEL="WARNING")
    print(f"(b) service: {outlets} outlets every 5 s, 4 crawls at once, until {runs} runs or {minutes} min")
    service = subprocess.Popen(
        [sys.executable, "-m", "newswatch", "run"],
        cwd=ROOT,
        env=env,
        stdout=(work / "service.out").open("w"),
        stderr=(work / "service.log").open("w"),
    )
    samples: list[tuple[float, int, int]] = []  # (seconds, runs, VmRSS KB)
    start = time.monotonic()
    deadline = start + minutes * 60
    done = 0
    try:
        while time.monotonic() < deadline and service.poll() is None:
            time.sleep(every)
            rss_kb = vm_status(service.pid, "VmRSS")
            counted = count_runs(db)
            if counted >= 0:
                done = counted
            if rss_kb is not None:
                samples.append((time.monotonic() - start, done, rss_kb))
            if len(samples) % 20 == 0 and samples:
                print(f"    {samples[-1][0]:.0f} s: {done} runs, RSS {rss_kb / 1024 if rss_kb else 0:.1f} MB")
            if done >= runs:
                break
    finally:
        alive = service.poll() is None
        service.send_signal(signal.SIGTERM)
        try:
            code = service.wait(timeout=120)
        except subprocess.TimeoutExpired:
            service.kill()
            code = service.wait()
        web.stop()
    done = max(done, count_runs(db))
    elapsed = time.monotonic() - start
    steady = [(r, kb) for _, r, kb in samples if r >= 50]
    start_kb = steady[0][1] if steady else None
    per_100_kb = slope(steady) * 100 if len(steady) >= 2 else None
    conn = sqlite3.connect(db)
    try:
        statuses = dict(conn.execute("SELECT status, count(*) FROM crawl_runs GROUP BY status").fetchall())
        new_total = conn.execute("SELECT coalesce(sum(new), 0) FROM crawl_runs").fetchone()[0]
    finally:
        conn.close()
    result = {
        "outlets": outlets,
        "runs_target": runs,
        "runs_reached": done,
        "minutes": round(elapsed / 60, 1),
        "runs_per_s": round(done / elapsed, 2),
        "run_statuses": statuses,
        "articles_new_total": new_total,
        "service_alive_at_end": alive,
        "service_exit_after_sigterm": code,
        "rss_mb_after_50_runs": round(start_kb / 1024, 1) if start_kb else None,
        "rss_mb_end": round(samples[-1][2] / 1024, 1) if samples else None,
        "rss_mb_max": round(max(kb for _, _, kb in samples) / 1024, 1) if samples else None,
        "growth_mb_per_100_runs": round(per_100_kb / 1024, 3) if per_100_kb is not None else None,
        "samples": [(round(t, 1), r, kb) for t, r, kb in samples],
    }
    print(
        f"(b) service over {done} runs ({result['minutes']} min, {result['runs_per_s']} runs/s): RSS after "
        f"50 runs {result['rss_mb_after_50_runs']} MB, end {result['rss_mb_end']} MB, max "
        f"{result['rss_mb_max']} MB, growth {result['growth_mb_per_100_runs']} MB per 100 runs "
        f"(target: no growth); statuses {statuses}; exit after SIGTERM {code}"
    )
    shutil.rmtree(work, ignore_errors=True)
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=2000)
    parser.add_argument("--per-domain", type=int, default=8, help="(a): requests in flight")
    parser.add_argument("--runs", type=int, default=1000)
    parser.add_argument("--minutes", type=float, default=15.0)
    parser.add_argument("--service-outlets", type=int, default=10)
    parser.add_argument("--every", type=float, default=3.0, help="seconds between RSS samples")
    parser.add_argument("--skip-crawl", action="store_true")
    parser.add_argument("--skip-service", action="store_true")
    args = parser.parse_args(argv)
    result: dict[str, Any] = {}
    if not args.skip_crawl:
        result["crawl"] = crawl_memory(args.articles, args.per_domain)
    if not args.skip_service:
        result["service"] = service_memory(args.service_outlets, args.runs, args.minutes, args.every)
    out = ROOT / "bench" / "results" / "memory.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
