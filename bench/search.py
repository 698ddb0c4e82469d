"""Archive insert rate and full-text search latency through Datasette's JSON API.

    python bench/search.py --articles 200000 [--queries 60]

Builds (or reuses) an archive of N synthetic articles in bench/results/ — sentences drawn
from the extraction corpus's real article bodies when ../shared is there, else from a fixed
vocabulary — through the project's own migrations and FTS triggers, then times searches on
`/newswatch/articles.json?_search=…` and the `search_flagged` canned query with Datasette's
own client (in-process ASGI: Datasette's work, not the network's). Reports insert rate and
median / p95 latency; writes bench/results/search-N.json. Target: p50 < 50 ms at 1M.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newswatch.archive import Archive  # noqa: E402
from newswatch.cli import DATASETTE_DIR, datasette_metadata  # noqa: E402

CORPUS = ROOT.parent / "shared" / "corpus" / "extraction"
QUERIES = [
    "russia",
    "china",
    "drone engines",
    "sanctions",
    '"machine tools"',
    "microelectronics",
    "beijing",
    "military aid",
    "ukraine war",
    "gunpowder",
    "satellite",
    "hong kong",
    "kremlin",
    "export controls",
    "J-16",
    "nitrocellulose",
    "ammunition",
    "missile",
    "trade",
    "europe",
]
VOCAB = [
    "the",
    "of",
    "and",
    "to",
    "in",
    "a",
    "is",
    "that",
    "for",
    "on",
    "with",
    "as",
    "by",
    "at",
    "from",
    "China",
    "Russia",
    "Ukraine",
    "war",
    "drones",
    "engines",
    "sanctions",
    "military",
    "exports",
    "officials",
    "said",
    "minister",
    "Beijing",
    "Moscow",
    "Kyiv",
    "European",
    "Union",
    "report",
    "components",
]


def sentences(rng: random.Random) -> list[str]:
    out: list[str] = []
    for truth in sorted(CORPUS.glob("*/truth.json"))[:200]:
        body = json.loads(truth.read_text(encoding="utf-8")).get("body") or ""
        out += [s.strip() + "." for s in body.replace("\n", " ").split(". ") if 40 < len(s) < 300]
    if not out:
        out = [
            " ".join(rng.choice(VOCAB) for _ in range(rng.randint(8, 25))).capitalize() + "."
            for _ in range(5000)
        ]
    return out


def build(path: Path, n: int, rng: random.Random) -> float:
    """Insert n articles; articles per second (FTS triggers included)."""
    pool = sentences(rng)
    archive = Archive(path)
    outlets = ["rferl", "dw", "bbc", "guardian", "tass", "scmp", "apnews", "kyivpost"]
    started = time.perf_counter()
    batch = 5000
    for first in range(0, n, batch):
        rows = []
        for i in range(first, min(n, first + batch)):
            text = "\n".join(" ".join(rng.choice(pool) for _ in range(3)) for _ in range(rng.randint(4, 8)))
            flagged = rng.random() < 0.03
            rows.append(
                (
                    f"https://example.org/a/{i}",
                    f"h{i:012d}",
                    rng.choice(outlets),
                    rng.choice(pool)[:120],
                    f"2026-{rng.randint(1, 11):02d}-{rng.randint(1, 28):02d} 12:00:00",
                    "2026-11-22 12:00:00",
                    "en",
                    text,
                    len(text.split()),
                    int(flagged),
                    "high" if flagged else None,
                    '["supply-to-russia"]' if flagged else "[]",
                )
            )
        with archive.write() as conn:
            conn.executemany(
                "INSERT INTO articles (url, url_hash, outlet, title, published, fetched_at, language, text, "
                "word_count, "
                "flagged, severity, rules) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        print(f"\r  {min(n, first + batch):>9,} articles", end="", file=sys.stderr, flush=True)
    rate = n / (time.perf_counter() - started)
    archive.checkpoint()
    archive.close()
    print(file=sys.stderr)
    return rate


async def latencies(path: Path, queries: list[str]) -> dict[str, list[float]]:
    from datasette.app import Datasette

    ds = Datasette(
        [str(path)],
        metadata=datasette_metadata(path),
        plugins_dir=str(DATASETTE_DIR / "plugins"),
        settings={"suggest_facets": False, "sql_time_limit_ms": 10_000, "facet_time_limit_ms": 1000},
    )
    await ds.invoke_startup()
    db = path.stem
    out: dict[str, list[float]] = {
        "json_array": [],
        "table_search": [],
        "table_search_with_facets": [],
        "search_articles": [],
        "search_flagged": [],
    }
    for q in queries:
        for kind, url in (
            ("json_array", f"/{db}/articles.json?_search={q}&_size=50&_shape=array"),
            ("table_search", f"/{db}/articles.json?_search={q}&_size=50&_nofacet=1"),
            ("table_search_with_facets", f"/{db}/articles.json?_search={q}&_size=50"),
            ("search_articles", f"/{db}/search_articles.json?q={q}"),
            ("search_flagged", f"/{db}/search_flagged.json?q={q}"),
        ):
            started = time.perf_counter()
            response = await ds.client.get(url)
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code != 200:
                raise SystemExit(f"{url}: HTTP {response.status_code}: {response.text[:200]}")
            out[kind].append(elapsed)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=60, help="searches per kind (the 20 terms, repeated)")
    parser.add_argument("--seed", type=int, default=3)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    path = ROOT / "bench" / "results" / f"search-{args.articles}.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    rate = None
    if not path.exists():
        rate = build(path, args.articles, rng)
    queries = [QUERIES[i % len(QUERIES)] for i in range(args.queries)]
    asyncio.run(latencies(path, QUERIES[:3]))  # warm the page cache
    timings = asyncio.run(latencies(path, queries))
    result = {
        "articles": args.articles,
        "insert_per_second": round(rate) if rate else None,
        "size_mb": round(path.stat().st_size / 2**20),
    }
    for kind, values in timings.items():
        ordered = sorted(values)
        result[kind] = {
            "p50_ms": round(statistics.median(ordered), 1),
            "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
        }
    print(
        f"{args.articles:,} articles ({result['size_mb']} MB)"
        + (f", inserted at {result['insert_per_second']:,}/s with FTS" if rate else " (reused)")
    )
    for kind in timings:
        print(f"  {kind:26s} p50 {result[kind]['p50_ms']:7.1f} ms   p95 {result[kind]['p95_ms']:7.1f} ms")
    (path.with_suffix(".json")).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
