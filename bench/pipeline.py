"""Pipeline throughput: the real crawl (fetch → extract → classify → store) against
trafilatura alone on the same pages.

    python bench/pipeline.py [--articles 1000] [--outlets 10] [--rounds 3]
    python bench/pipeline.py --baseline /tmp/old-tree      # A/B against another checkout
    python bench/pipeline.py --profile /tmp/crawl.prof     # one more crawl under cProfile

Serves N article pages of about 80 KB (about 5 KB of text in heavy chrome: menus, related
links, scripts) behind RSS feeds on loopback, then runs ``--rounds`` rounds, interleaved:
`newswatch crawl` over them (a fresh archive each time), trafilatura alone extracting the
same pages in this process, the next crawl, trafilatura alone again… (with ``--baseline``,
a crawl of the other checkout's code joins each round, the order of the two crawls swapped
every other round). Each crawl's figures are articles per second (wall) and CPU seconds per
article (the crawl process, start-up included); its ratios are taken against the
trafilatura runs next to it. "trafilatura alone" is the call a user makes,
``trafilatura.extract(html, url=url, with_metadata=True)``; the ratios against trafilatura
with the settings the crawl gives it (``bare_extraction``, precision, no comments, metadata
on: the reference of the figures before 2026-12-03, which on these pages skips the
recall pass that ``extract``'s defaults run) are printed beside them. Prints the load
average at start, every round, and the median and spread (min–max) of the ratios.
Target: end-to-end ≥ 0.9 × trafilatura alone by CPU (#24). Writes
bench/results/pipeline.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))

from fakeweb import FakeWeb  # noqa: E402
from outlet_sites import Story, pangea_page, paragraphs, rss  # noqa: E402

TOPICS = [
    "the drone engines",
    "machine tools",
    "sanctions on Hong Kong firms",
    "satellite imagery",
    "the budget",
    "grain exports",
    "a football final",
    "energy prices",
    "gunpowder shipments",
    "an election",
]


def chrome(i: int) -> str:
    """About 70 KB of the markup real pages carry around an article."""
    menu = "".join(f'<li><a href="/section/{k}">Section {k} news and analysis</a></li>' for k in range(450))
    related = "".join(
        f'<li><a href="/related/{i}/{k}">Related story number {k} about the region and its politics</a></li>'
        for k in range(250)
    )
    data = json.dumps({"page": i, "tracking": ["x" * 40 for _ in range(500)]})
    return (
        f'<nav class="mega-menu"><ul>{menu}</ul></nav><aside class="related"><ul>{related}</ul></aside>'
        f'<script type="application/json" id="page-data">{data}</script>'
    )


def page(i: int, url: str, when: datetime) -> str:
    topic = TOPICS[i % len(TOPICS)]
    text = (
        paragraphs(topic, 6) + paragraphs(f"{topic} (follow-up {i})", 6) + paragraphs(f"{topic} context", 4)
    )
    if i % 10 == 0:  # one page in ten is what the monitor exists to catch
        text.insert(
            0,
            "Chinese companies have supplied drone engines to Russia's military, three EU diplomats "
            f"said on Tuesday (report {i}).",
        )
    story = Story(f"/p/{i}", f"Story {i} on {topic}", text, when, ["Bench Reporter"])
    html = pangea_page(story, url)
    return html.replace("</body>", chrome(i) + "</body>")


def _commit() -> str:
    found = subprocess.run(
        ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    return found.stdout.strip() or "unknown"


def trafilatura_user(html: str, url: str) -> Any:
    """trafilatura alone as a user calls it: ``extract`` on the page, metadata on, its
    defaults otherwise (the reference of the target)."""
    import trafilatura

    return trafilatura.extract(html, url=url, with_metadata=True)


def trafilatura_precision(html: str, url: str) -> Any:
    """trafilatura alone with the settings the crawl gives it (precision, no comments),
    metadata on: the reference of the figures before 2026-12-03, a stricter one."""
    import trafilatura

    return trafilatura.bare_extraction(
        html, url=url, with_metadata=True, include_comments=False, favor_precision=True
    )


#: The trafilatura-alone references, each timed next to every crawl: (key, call).
REFERENCES: tuple[tuple[str, Callable[[str, str], Any]], ...] = (
    ("alone", trafilatura_user),
    ("precision", trafilatura_precision),
)


def extraction_alone(
    pages: list[tuple[str, str]], call: Callable[[str, str], Any] = trafilatura_user
) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of trafilatura alone (``call``) over the pages, in this
    process."""
    wall, cpu = time.perf_counter(), time.process_time()
    for url, html in pages:
        call(html, url)
    return time.perf_counter() - wall, time.process_time() - cpu


def serve(web: FakeWeb, articles: int, outlets: int, work: Path) -> list[tuple[str, str]]:
    """The article pages and their feeds on ``web``; the outlets file in ``work``."""
    when = datetime.now(UTC) - timedelta(hours=2)
    pages: list[tuple[str, str]] = []
    per_outlet: dict[int, list[tuple[str, str, datetime]]] = {}
    for i in range(articles):
        url = web.url(f"/p/{i}")
        html = page(i, url, when)
        web.add(f"/p/{i}", html)
        pages.append((url, html))
        per_outlet.setdefault(i % outlets, []).append((f"Story {i}", url, when))
    toml = []
    for k, items in per_outlet.items():
        web.add(f"/feed/{k}.xml", rss(items), content_type="application/rss+xml")
        toml.append(
            f'[outlets.o{k}]\nname = "Outlet {k}"\nhomepage = "{web.url("/")}"\n'
            f'feeds = ["{web.url(f"/feed/{k}.xml")}"]\n'
        )
    (work / "outlets.toml").write_text("\n".join(toml), encoding="utf-8")
    return pages


def crawl(work: Path, tree: Path, overrides: list[str], profile: Path | None = None) -> dict[str, Any] | None:
    """One `newswatch crawl` of ``tree``'s code into a fresh archive: wall and CPU seconds of
    the process, articles archived and flagged; None (its stderr printed) when it failed."""
    db = work / "data" / "newswatch.db"
    shutil.rmtree(db.parent, ignore_errors=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    env.update(
        NEWSWATCH_OUTLETS=str(work / "outlets.toml"),
        NEWSWATCH_DB=str(db),
        NEWSWATCH_DOWNLOAD_DELAY="0",
        NEWSWATCH_MAX_ARTICLES_PER_RUN="0",
        NEWSWATCH_HTTPCACHE="0",
        NEWSWATCH_CONCURRENT_PER_DOMAIN="16",
        NEWSWATCH_CONCURRENT_REQUESTS="32",
        NEWSWATCH_LOG_LEVEL="WARNING",
    )
    python = [sys.executable] + (["-m", "cProfile", "-o", str(profile)] if profile else [])
    sets = ["AUTOTHROTTLE_ENABLED=False", *overrides]
    command = [*python, "-m", "newswatch", "crawl", *(a for s in sets for a in ("-s", s))]
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(command, cwd=tree, env=env, capture_output=True, text=True, check=False)
    wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if result.returncode != 0:
        print(result.stderr[-2000:], file=sys.stderr)
        return None
    import sqlite3

    conn = sqlite3.connect(db)
    archived, flagged = conn.execute("SELECT count(*), sum(flagged) FROM articles").fetchone()
    conn.close()
    return {"wall_s": round(wall, 3), "cpu_s": round(cpu, 3), "archived": archived, "flagged": flagged}


def reference_figures(
    key: str, timed: tuple[float, float], pages: int, crawl: dict[str, Any]
) -> dict[str, float]:
    """One trafilatura-alone run's figures (``timed``: wall and CPU seconds over ``pages``)
    and the crawl's ratios against it, named after ``key`` (``alone``: ``ratio`` and
    ``cpu_ratio``; others: ``{key}_ratio``, ``{key}_cpu_ratio``)."""
    wall, cpu = timed
    per_s, cpu_ms = pages / wall, 1000 * cpu / pages
    prefix = "" if key == "alone" else f"{key}_"
    return {
        f"{key}_wall_s": round(wall, 3),
        f"{key}_cpu_s": round(cpu, 3),
        f"{key}_articles_per_s": round(per_s, 1),
        f"{key}_cpu_ms_per_article": round(cpu_ms, 2),
        f"{prefix}ratio": round(crawl["crawl_articles_per_s"] / per_s, 3),
        f"{prefix}cpu_ratio": round(cpu_ms / crawl["crawl_cpu_ms_per_article"], 3),
    }


def spread(values: list[float]) -> dict[str, float]:
    """Median, smallest and largest of repeated runs."""
    return {
        "median": round(statistics.median(values), 3),
        "min": round(min(values), 3),
        "max": round(max(values), 3),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--outlets", type=int, default=10)
    parser.add_argument("--rounds", type=int, default=3, help="interleaved rounds (crawl, trafilatura, …)")
    parser.add_argument("--baseline", type=Path, help="another checkout: its crawl joins every round")
    parser.add_argument(
        "--set", action="append", default=[], metavar="NAME=VALUE", help="a setting for every crawl"
    )
    parser.add_argument(
        "--baseline-set",
        action="append",
        default=[],
        metavar="NAME=VALUE",
        help="a setting for the baseline's crawls only (--baseline . compares settings)",
    )
    parser.add_argument("--profile", type=Path, help="one more crawl of this tree under cProfile")
    args = parser.parse_args(argv)
    trees = {"new": ROOT} | ({"old": args.baseline.resolve()} if args.baseline else {})
    overrides = {"new": args.set, "old": [*args.set, *args.baseline_set]}
    web = FakeWeb().start()
    work = Path(tempfile.mkdtemp(prefix="newswatch-pipeline-"))
    rounds: list[dict[str, Any]] = []
    try:
        pages = serve(web, args.articles, args.outlets, work)
        size = sum(len(h) for _, h in pages) / len(pages)
        print(
            f"{args.articles} pages, {size / 1024:.0f} KB each on average, {args.outlets} outlets; "
            f"{args.rounds} rounds; code: {', '.join(f'{k} {v}' for k, v in trees.items())}; "
            f"load at start {os.getloadavg()[0]:.2f}"
        )
        for round_ in range(args.rounds):
            order = list(trees)
            for tree in order if round_ % 2 == 0 else order[::-1]:  # A B, then B A
                load = os.getloadavg()[0]
                figures = crawl(work, trees[tree], overrides[tree])
                if figures is None:
                    return 1
                row = figures | {
                    "tree": tree,
                    "round": round_,
                    "load": round(load, 2),
                    "crawl_articles_per_s": round(figures["archived"] / figures["wall_s"], 1),
                    "crawl_cpu_ms_per_article": round(
                        1000 * figures["cpu_s"] / max(figures["archived"], 1), 2
                    ),
                }
                for key, call in REFERENCES:
                    row |= reference_figures(key, extraction_alone(pages, call), len(pages), row)
                rounds.append(row)
                print(
                    f"  round {round_ + 1} {tree}: crawl {row['crawl_articles_per_s']} articles/s, "
                    f"{row['crawl_cpu_ms_per_article']:.1f} CPU-ms/article ({row['archived']} archived, "
                    f"{row['flagged']} flagged); trafilatura alone {row['alone_articles_per_s']} "
                    f"articles/s, {row['alone_cpu_ms_per_article']:.1f} CPU-ms/article: ratio "
                    f"{row['ratio']:.2f}, by CPU {row['cpu_ratio']:.2f}; with the crawl's settings "
                    f"{row['precision_cpu_ms_per_article']:.1f} CPU-ms/article: by CPU "
                    f"{row['precision_cpu_ratio']:.2f}; load {row['load']:.2f}"
                )
        if args.profile:
            crawl(work, ROOT, args.set, args.profile)
            print(f"profile of one crawl: {args.profile}")
    finally:
        web.stop()
        shutil.rmtree(work, ignore_errors=True)
    out: dict[str, Any] = {
        "articles": args.articles,
        "page_kb": round(size / 1024),
        "rounds": rounds,
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "commit": _commit(),
    }
    complete = True
    for tree in trees:
        mine = [r for r in rounds if r["tree"] == tree]
        complete = complete and all(r["archived"] == args.articles for r in mine)
        summary = {
            key: spread([r[key] for r in mine])
            for key in (
                "cpu_ratio",
                "ratio",
                "crawl_cpu_ms_per_article",
                "alone_cpu_ms_per_article",
                "precision_cpu_ratio",
                "precision_cpu_ms_per_article",
            )
        }
        out[tree] = summary
        cpu, wall = summary["cpu_ratio"], summary["ratio"]
        crawl_ms, alone_ms = summary["crawl_cpu_ms_per_article"], summary["alone_cpu_ms_per_article"]
        strict, strict_ms = summary["precision_cpu_ratio"], summary["precision_cpu_ms_per_article"]
        print(
            f"{tree}: by CPU {cpu['median']:.2f}× trafilatura alone [{cpu['min']:.2f}–{cpu['max']:.2f}] "
            f"(target ≥ 0.9), by wall {wall['median']:.2f}× [{wall['min']:.2f}–{wall['max']:.2f}]; "
            f"crawl {crawl_ms['median']:.1f} CPU-ms/article [{crawl_ms['min']:.1f}–{crawl_ms['max']:.1f}], "
            f"trafilatura {alone_ms['median']:.1f} [{alone_ms['min']:.1f}–{alone_ms['max']:.1f}]; "
            f"against trafilatura with the crawl's settings ({strict_ms['median']:.1f} "
            f"[{strict_ms['min']:.1f}–{strict_ms['max']:.1f}]) {strict['median']:.2f}× "
            f"[{strict['min']:.2f}–{strict['max']:.2f}]"
        )
    path = ROOT / "bench" / "results" / "pipeline.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2))
    return 0 if complete else 1


if __name__ == "__main__":
    sys.exit(main())
