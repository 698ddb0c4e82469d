"""Hostile XML: the cost of one crawl of an outlet whose source is built to exhaust the crawler.

    python bench/hostile_xml.py [--scale 1.0] [--only entities,depth,sitemap]

Three documents, each the only hostile source of a loopback outlet that also has one good
feed with one article:

* ``entities``: an RSS feed declaring one 200 KB internal entity referenced 3M times;
* ``depth``: an RSS feed whose item title holds 1M nested tags;
* ``sitemap``: a gzipped news sitemap (``.xml.gz``, 1.7 MB) of 188k URLs, 48 MB uncompressed,
  one a minute going back 130 days.

Each runs one real `newswatch crawl` under a wrapper process whose only child is the crawl,
so the wrapper's getrusage(RUSAGE_CHILDREN).ru_maxrss is the crawl's peak RSS. Reported:
wall seconds, peak RSS, the run's status and counters, and whether the good article was
archived. Target: peak RSS < 300 MB on each. ``--scale`` shrinks every document
(tests/test_hostile_xml.py crawls all three in one run, the sitemap at a smaller scale).

Writes bench/results/hostile_xml.json.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))  # the loopback outlet the tests use
# bench/memory.py, also when the tests load this file; appended, so bench/rules.py cannot hide
# the rules package
sys.path.append(str(ROOT / "bench"))

from fakeweb import FakeWeb  # noqa: E402
from memory import base_env  # noqa: E402  (bench/memory.py: the crawl's environment)
from outlet_sites import Story, pangea_page, paragraphs, rss  # noqa: E402

RSS_TYPE = "application/rss+xml; charset=utf-8"
TARGET_MB = 300

# Runs the crawl as its only child and prints its exit code and the children's peak RSS (KB).
WRAPPER = """
import resource, subprocess, sys
with open(sys.argv[1], "w") as log:
    code = subprocess.run(sys.argv[2:], stdout=log, stderr=subprocess.STDOUT).returncode
print(code, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)
"""


def entity_feed(scale: float = 1.0) -> bytes:
    """One 200 KB internal entity referenced 3M times (~9 MB on the wire)."""
    refs = int(3_000_000 * scale)
    value = "x" * int(200_000 * scale)
    return (
        (
            f'<?xml version="1.0"?><!DOCTYPE rss [<!ENTITY e "{value}">]>'
            '<rss version="2.0"><channel><title>Feed</title><link>http://example/</link>'
            "<item><title>Bomb</title><link>http://example/bomb</link><description>"
        ).encode()
        + b"&e;" * refs
        + b"</description></item></channel></rss>"
    )


def deep_feed(scale: float = 1.0) -> bytes:
    """An item title nested 1M tags deep (~7 MB)."""
    depth = int(1_000_000 * scale)
    return (
        b'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed</title><link>http://example/</link>'
        b"<item><title>" + b"<b>" * depth + b"deep" + b"</b>" * depth + b"</title>"
        b"<link>http://example/deep</link></item></channel></rss>"
    )


def big_sitemap(base: str, now: datetime, scale: float = 1.0) -> bytes:
    """A gzipped news sitemap of 188k URLs (~50 MB uncompressed), newest last."""
    count = int(188_000 * scale)
    head = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
        'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
    )
    chunks = [head]
    for n in range(count):
        when = (now - timedelta(minutes=count - n)).isoformat()
        chunks.append(
            f"<url><loc>{base}/hostile/news/story-{n:06d}-on-supply-routes-through-third-countries</loc>"
            "<news:news>"
            f"<news:publication_date>{when}</news:publication_date>"
            f"<news:title>Supply routes, story {n}</news:title></news:news></url>"
        )
    chunks.append("</urlset>")
    return gzip.compress("".join(chunks).encode(), compresslevel=6)


def serve(web: FakeWeb, case: str, scale: float, now: datetime) -> tuple[str, str, str]:
    """Serve one outlet (key ``case``): a good feed with one article, and the hostile
    document; (its outlets.toml table, the good article's URL, the hostile source's URL)."""
    good = Story(f"/{case}/news/good-story-1", "A good story", paragraphs(f"a good story {case}"), now)
    web.add("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    web.add(good.path, pangea_page(good, web.url(good.path)))
    good_feed = web.add(
        f"/{case}/good.xml", rss([(good.title, web.url(good.path), now)]), content_type=RSS_TYPE
    )
    feeds, sitemaps = [good_feed], []
    if case == "entities":
        hostile = web.add("/entities/feed.xml", entity_feed(scale), content_type=RSS_TYPE)
        feeds.append(hostile)
    elif case == "depth":
        hostile = web.add("/depth/feed.xml", deep_feed(scale), content_type=RSS_TYPE)
        feeds.append(hostile)
    else:
        body = big_sitemap(web.url("/sitemap"), now, scale)
        hostile = web.add("/sitemap/sitemap-news.xml.gz", body, content_type="application/x-gzip")
        sitemaps.append(hostile)
    table = (
        f'[outlets.{case}]\nname = "{case}"\nhomepage = "{web.url(f"/{case}/")}"\n'
        f"feeds = {json.dumps(feeds)}\nnews_sitemaps = {json.dumps(sitemaps)}\n"
    )
    return table, web.url(good.path), hostile


def run_crawl(work: Path, env: dict[str, str]) -> tuple[int, float, float]:
    """One real crawl under the wrapper: (exit code, wall seconds, peak RSS in MB)."""
    start = time.monotonic()
    result = subprocess.run(
        [sys.executable, "-c", WRAPPER, str(work / "crawl.log"), sys.executable, "-m", "newswatch", "crawl"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    wall = time.monotonic() - start
    code, maxrss_kb = (int(v) for v in result.stdout.split())
    return code, wall, maxrss_kb / 1024


def crawl_env(work: Path, **extra: str) -> dict[str, str]:
    return {**base_env(work), **extra}


def measure(cases: dict[str, float], work: Path | None = None, **env: str) -> dict[str, Any]:
    """One crawl of one outlet per case (with the scale of its document): figures, and per
    outlet its run row, whether its good article was archived and the hostile source's URL."""
    work = work or Path(tempfile.mkdtemp(prefix="newswatch-hostile-"))
    web = FakeWeb().start()
    served = {}
    try:
        now = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=1)
        for case, scale in cases.items():
            served[case] = serve(web, case, scale, now)
        (work / "outlets.toml").write_text("\n".join(t for t, _, _ in served.values()), encoding="utf-8")
        code, wall, peak = run_crawl(work, crawl_env(work, **env))
    finally:
        web.stop()
    conn = sqlite3.connect(work / "data" / "newswatch.db")
    conn.row_factory = sqlite3.Row
    try:
        runs = {r["outlet"]: dict(r) for r in conn.execute("SELECT * FROM crawl_runs")}
        urls = {r[0] for r in conn.execute("SELECT url FROM articles")}
    finally:
        conn.close()
    outlets = {
        case: {"run": runs[case], "good_archived": good in urls, "hostile_url": hostile}
        for case, (_, good, hostile) in served.items()
    }
    return {
        "exit": code,
        "wall_s": round(wall, 1),
        "peak_rss_mb": round(peak, 1),
        "outlets": outlets,
        "log": str(work / "crawl.log"),
    }


CASES: dict[str, Callable[..., Any]] = {"entities": entity_feed, "depth": deep_feed, "sitemap": big_sitemap}


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--scale", type=float, default=1.0)
    parser.add_argument("--only", default=",".join(CASES))
    args = parser.parse_args()
    results = []
    for case in args.only.split(","):
        result = measure({case: args.scale})
        outlet = result["outlets"][case]
        run = outlet["run"]
        results.append({"case": case, **result})
        print(
            f"{case}: {result['wall_s']} s, peak RSS {result['peak_rss_mb']} MB (target < {TARGET_MB}); "
            f"status {run['status']}, source errors {run['source_errors']}, "
            f"good article archived: {outlet['good_archived']}; {run['last_error'] or ''}"[:400]
        )
    out = ROOT / "bench" / "results" / "hostile_xml.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps(results, indent=2, default=str) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
