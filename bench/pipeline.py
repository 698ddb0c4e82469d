"""Pipeline throughput: the real crawl (fetch → extract → classify → store) against
trafilatura alone on the same pages.

    python bench/pipeline.py [--articles 1000] [--outlets 10]

Serves N article pages of about 80 KB (about 5 KB of text in heavy chrome: menus, related
links, scripts) behind RSS feeds on loopback, runs `newswatch crawl` once over them, and
reports articles per second (wall) and CPU seconds per article (the crawl process, start-up
included), next to trafilatura alone extracting the same pages in this process. Target:
end-to-end ≥ 0.8 × the extraction-alone throughput. Writes bench/results/pipeline.json.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

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


def extraction_alone(pages: list[tuple[str, str]]) -> tuple[float, float]:
    """(wall seconds, CPU seconds) of trafilatura alone over the pages, in this process."""
    import trafilatura

    wall, cpu = time.perf_counter(), time.process_time()
    for url, html in pages:
        trafilatura.bare_extraction(
            html, url=url, with_metadata=True, include_comments=False, favor_precision=True
        )
    return time.perf_counter() - wall, time.process_time() - cpu


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=1000)
    parser.add_argument("--outlets", type=int, default=10)
    args = parser.parse_args(argv)
    web = FakeWeb().start()
    work = Path(tempfile.mkdtemp(prefix="newswatch-pipeline-"))
    when = datetime.now(UTC) - timedelta(hours=2)
    pages: list[tuple[str, str]] = []
    per_outlet: dict[int, list[tuple[str, str, datetime]]] = {}
    for i in range(args.articles):
        url = web.url(f"/p/{i}")
        html = page(i, url, when)
        web.add(f"/p/{i}", html)
        pages.append((url, html))
        per_outlet.setdefault(i % args.outlets, []).append((f"Story {i}", url, when))
    toml = []
    for k, items in per_outlet.items():
        web.add(f"/feed/{k}.xml", rss(items), content_type="application/rss+xml")
        toml.append(
            f'[outlets.o{k}]\nname = "Outlet {k}"\nhomepage = "{web.url("/")}"\n'
            f'feeds = ["{web.url(f"/feed/{k}.xml")}"]\n'
        )
    (work / "outlets.toml").write_text("\n".join(toml), encoding="utf-8")
    size = sum(len(h) for _, h in pages) / len(pages)
    print(
        f"{args.articles} pages, {size / 1024:.0f} KB each on average, {args.outlets} outlets",
        file=sys.stderr,
    )

    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    env.update(
        NEWSWATCH_OUTLETS=str(work / "outlets.toml"),
        NEWSWATCH_DB=str(work / "data" / "newswatch.db"),
        NEWSWATCH_DOWNLOAD_DELAY="0",
        NEWSWATCH_MAX_ARTICLES_PER_RUN="0",
        NEWSWATCH_HTTPCACHE="0",
        NEWSWATCH_CONCURRENT_PER_DOMAIN="16",
        NEWSWATCH_CONCURRENT_REQUESTS="32",
        NEWSWATCH_LOG_LEVEL="WARNING",
    )
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    result = subprocess.run(
        [sys.executable, "-m", "newswatch", "crawl", "-s", "AUTOTHROTTLE_ENABLED=False"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    crawl_wall = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    web.stop()
    crawl_cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    if result.returncode != 0:
        print(result.stderr[-2000:], file=sys.stderr)
        return 1
    import sqlite3

    conn = sqlite3.connect(work / "data" / "newswatch.db")
    archived, flagged = conn.execute("SELECT count(*), sum(flagged) FROM articles").fetchone()
    conn.close()
    shutil.rmtree(work, ignore_errors=True)
    alone_wall, alone_cpu = extraction_alone(pages)
    out = {
        "articles": args.articles,
        "page_kb": round(size / 1024),
        "archived": archived,
        "flagged": flagged,
        "crawl_articles_per_s": round(archived / crawl_wall, 1),
        "crawl_cpu_s_per_article": round(crawl_cpu / max(archived, 1), 4),
        "extraction_alone_articles_per_s": round(len(pages) / alone_wall, 1),
        "extraction_alone_cpu_s_per_article": round(alone_cpu / len(pages), 4),
    }
    out["ratio"] = round(out["crawl_articles_per_s"] / out["extraction_alone_articles_per_s"], 2)
    out["cpu_ratio"] = round(
        out["extraction_alone_cpu_s_per_article"] / max(out["crawl_cpu_s_per_article"], 1e-9), 2
    )
    out.update(
        machine=f"{platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}",
        generated_at=datetime.now(UTC).isoformat(timespec="seconds"),
        commit=_commit(),
    )
    crawl_ms = out["crawl_cpu_s_per_article"] * 1000
    alone_ms = out["extraction_alone_cpu_s_per_article"] * 1000
    print(
        f"end-to-end crawl: {out['crawl_articles_per_s']} articles/s, {crawl_ms:.1f} CPU-ms/article "
        f"({archived} archived, {flagged} flagged, start-up included); trafilatura alone: "
        f"{out['extraction_alone_articles_per_s']} articles/s, {alone_ms:.1f} CPU-ms/article; "
        f"ratio {out['ratio']} (target ≥ 0.8), by CPU {out['cpu_ratio']}"
    )
    path = ROOT / "bench" / "results" / "pipeline.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(out, indent=2))
    return 0 if archived == args.articles else 1


if __name__ == "__main__":
    sys.exit(main())
