"""Archive insert rate and full-text search latency through Datasette's JSON API.

    python bench/search.py --articles 200000 [--queries 60]

Builds (or reuses) an archive of N synthetic articles in bench/results/ (``--dir``) — sentences
drawn from the extraction corpus's real article bodies when ../shared is there, else from a
fixed vocabulary, published over the last year, each its own story, with a rule match and an
alert per flagged article and a month of crawl runs — through the project's own migrations and
FTS triggers, then times the pages a person opens, configured as `newswatch serve` configures
Datasette, with Datasette's own client (in-process ASGI: Datasette's work, not the network's):
the home page, the articles table with its count and facets (as it opens, and searching common
words), the flagged and story views searching, one article's page, the charts, the canned
searches. Reports insert rate, p50 / p95 / min / max and the machine's load; writes
search-N.json beside the archive. Target: every page p95 < 500 ms at 1M.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newswatch.archive import Archive  # noqa: E402
from newswatch.cli import DATASETTE_DIR, datasette_metadata  # noqa: E402
from newswatch.clock import sql_time  # noqa: E402

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


ENTITIES = [
    ("CHINA", "China"),
    ("CHINA", "Beijing"),
    ("CN_SUPPLIERS", "Xiamen Limbach"),
    ("DRONES", "drones"),
    ("SANCTIONS", "sanctions"),
    ("DUAL_USE", "machine tools"),
]
OUTLETS = ["rferl", "dw", "bbc", "guardian", "tass", "scmp", "apnews", "kyivpost"]
#: how far back the synthetic articles go (the home page and charts look at 7 and 90 days)
SPAN_DAYS = 365


def build(path: Path, n: int, rng: random.Random) -> float:
    """Insert n articles (published over the last SPAN_DAYS), then one story per article, a
    rule match and an alert per flagged article, and a month of crawl runs; articles per
    second (FTS triggers included)."""
    pool = sentences(rng)
    archive = Archive(path)
    now = datetime.now(UTC).replace(microsecond=0)
    started = time.perf_counter()
    batch = 5000
    for first in range(0, n, batch):
        rows = []
        for i in range(first, min(n, first + batch)):
            text = "\n".join(" ".join(rng.choice(pool) for _ in range(3)) for _ in range(rng.randint(4, 8)))
            flagged = rng.random() < 0.03
            review = not flagged and rng.random() < 0.01
            # ids grow with time, as in a real archive
            published = now - timedelta(seconds=int((n - i) / n * SPAN_DAYS * 86400) + rng.randint(0, 3600))
            rows.append(
                (
                    f"https://example.org/a/{i}",
                    f"h{i:012d}",
                    rng.choice(OUTLETS),
                    rng.choice(pool)[:120],
                    sql_time(published),
                    sql_time(published + timedelta(minutes=20)),
                    "en",
                    text,
                    len(text.split()),
                    int(flagged),
                    int(review),
                    rng.choice(["high", "medium", "low"]) if flagged else ("review" if review else None),
                    '["supply-to-russia"]' if flagged else "[]",
                    rng.choice(pool) if flagged or review else None,
                )
            )
        with archive.write() as conn:
            conn.executemany(
                "INSERT INTO articles (url, url_hash, outlet, title, published, fetched_at, language, text, "
                "word_count, flagged, review, severity, rules, evidence) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
        print(f"\r  {min(n, first + batch):>9,} articles", end="", file=sys.stderr, flush=True)
    rate = n / (time.perf_counter() - started)
    with archive.write() as conn:
        conn.execute(
            "INSERT INTO stories (id, title, first_article_id, first_outlet, created_at, updated_at, "
            "first_published, last_published, outlet_list, flagged, severity) "
            "SELECT id, title, id, outlet, fetched_at, fetched_at, published, published, json_array(outlet), "
            "flagged, CASE WHEN flagged = 1 THEN severity END FROM articles"
        )
        conn.execute("UPDATE articles SET story_id = id, story_relation = 'first'")
        flagged_rows = conn.execute(
            "SELECT id, severity, fetched_at FROM articles WHERE flagged = 1"
        ).fetchall()
        matches, alerts = [], []
        for article_id, severity, fetched_at in flagged_rows:
            group, term = rng.choice(ENTITIES)
            terms = json.dumps(
                [{"term": term, "group": group, "field": "text", "start": 0, "end": len(term)}]
            )
            matches.append((article_id, "supply-to-russia", 5.0, severity, terms, "[]"))
            status = rng.choices(["sent", "pending", "failed"], [0.95, 0.03, 0.02])[0]
            alerts.append((article_id, "new", severity, fetched_at, status, fetched_at))
        conn.executemany(
            "INSERT INTO matches (article_id, rule, score, severity, terms, evidence) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            matches,
        )
        conn.executemany(
            "INSERT INTO alerts (article_id, kind, severity, created_at, status, next_attempt_at) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            alerts,
        )
        runs = []
        for outlet in OUTLETS:
            for k in range(30 * 96):  # every 15 minutes for 30 days
                at = now - timedelta(minutes=15 * k)
                status = rng.choices(["ok", "partial", "failed"], [0.9, 0.05, 0.05])[0]
                runs.append(
                    (f"r{k}", outlet, sql_time(at), sql_time(at + timedelta(seconds=40)), 40.0, status)
                )
        conn.executemany(
            "INSERT INTO crawl_runs (run_id, outlet, started_at, finished_at, duration_s, status) "
            "VALUES (?, ?, ?, ?, ?, ?)",
            runs,
        )
    archive.checkpoint()
    archive.close()
    print(file=sys.stderr)
    return rate


#: Words in most articles of the synthetic archive: the slow case of a search page.
COMMON = ["said", "china", "russia", "war", "the government", "military"]


def page_urls(db: str, queries: list[str], article_ids: list[int]) -> dict[str, list[str]]:
    """The pages a person opens (HTML, with the count and facets Datasette shows), and the
    JSON searches, each a list of URLs to time."""
    common = [COMMON[i % len(COMMON)] for i in range(len(queries))]
    return {
        "home": [f"/{db}"] * len(queries),
        "table_default": [f"/{db}/articles"] * len(queries),
        "table_search_common": [f"/{db}/articles?_search={q}" for q in common],
        "table_search_mixed": [f"/{db}/articles?_search={q}" for q in queries],
        "flagged_search_common": [f"/{db}/flagged_articles?_search={q}" for q in common],
        "stories_search_common": [f"/{db}/flagged_stories?_search={q}" for q in common],
        "table_facet_selected": [
            f"/{db}/articles?outlet={OUTLETS[i % len(OUTLETS)]}" for i in range(len(queries))
        ],
        "flagged_articles": [f"/{db}/flagged_articles"] * len(queries),
        "review_articles": [f"/{db}/review_articles"] * len(queries),
        "stories": [f"/{db}/stories"] * len(queries),
        "article_page": [f"/{db}/articles/{i}" for i in article_ids],
        "entity": [f"/{db}/entity?entity={ENTITIES[i % len(ENTITIES)][1]}" for i in range(len(queries))],
        "alert_delivery": [f"/{db}/alert_delivery"] * len(queries),
        "outlet_health": [f"/{db}/outlet_health_7d"] * len(queries),
        "atom_feed": [f"/{db}/flagged_feed.atom"] * len(queries),
        "charts": [f"/{db}/charts"] * len(queries),
        "flagged_today": [f"/{db}/flagged_today"] * len(queries),
        "search_articles": [f"/{db}/search_articles?q={q}" for q in queries],
        "search_flagged": [f"/{db}/search_flagged?q={q}" for q in queries],
        "json_search": [f"/{db}/articles.json?_search={q}&_size=50&_shape=array" for q in queries],
    }


async def latencies(path: Path, urls: dict[str, list[str]]) -> dict[str, list[float]]:
    """Milliseconds per request, by kind, through Datasette's own client (in-process ASGI),
    configured as `newswatch serve` configures it."""
    from datasette.app import Datasette

    from newswatch.cli import datasette_args

    args = datasette_args(path, path, "127.0.0.1", 1, False)
    settings = {args[i + 1]: args[i + 2] for i, a in enumerate(args) if a == "--setting"}
    templates = DATASETTE_DIR / "templates"
    ds = Datasette(
        [str(path)],
        metadata=datasette_metadata(path),
        plugins_dir=str(DATASETTE_DIR / "plugins"),
        template_dir=str(templates) if templates.is_dir() else None,
        settings={
            k: (v == "on" if v in ("on", "off") else int(v) if v.isdigit() else v)
            for k, v in settings.items()
        },
    )
    await ds.invoke_startup()
    out: dict[str, list[float]] = {kind: [] for kind in urls}
    missing: set[str] = set()  # pages an earlier release does not have (404)
    for i in range(max(len(u) for u in urls.values())):
        for kind, kind_urls in urls.items():  # interleaved, so load changes hit every kind alike
            if i >= len(kind_urls) or kind in missing:
                continue
            started = time.perf_counter()
            response = await ds.client.get(kind_urls[i])
            elapsed = (time.perf_counter() - started) * 1000
            if response.status_code == 404 and i == 0:
                missing.add(kind)
                continue
            if response.status_code != 200:
                raise SystemExit(f"{kind_urls[i]}: HTTP {response.status_code}: {response.text[:200]}")
            out[kind].append(elapsed)
    return {kind: values for kind, values in out.items() if values}


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 1),
        "max_ms": round(ordered[-1], 1),
        "min_ms": round(ordered[0], 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=200_000)
    parser.add_argument("--queries", type=int, default=60, help="requests per kind (the 20 terms, repeated)")
    parser.add_argument("--seed", type=int, default=3)
    parser.add_argument(
        "--dir", type=Path, default=ROOT / "bench" / "results", help="where the archive is built or reused"
    )
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    path = args.dir / f"search-{args.articles}.db"
    path.parent.mkdir(parents=True, exist_ok=True)
    rate = None
    if not path.exists():
        rate = build(path, args.articles, rng)
    Archive(path).close()  # an archive built by an earlier release is migrated first, as serve does
    queries = [QUERIES[i % len(QUERIES)] for i in range(args.queries)]
    pick = random.Random(args.seed + 1)
    article_ids = [pick.randint(1, args.articles) for _ in range(args.queries)]
    asyncio.run(latencies(path, page_urls(path.stem, QUERIES[:3], article_ids[:3])))  # warm the page cache
    load_before = os.getloadavg()
    timings = asyncio.run(latencies(path, page_urls(path.stem, queries, article_ids)))
    load_after = os.getloadavg()
    result: dict[str, object] = {
        "articles": args.articles,
        "insert_per_second": round(rate) if rate else None,
        "size_mb": round(path.stat().st_size / 2**20),
        "cpus": os.cpu_count(),
        "load_1m_before_after": [round(load_before[0], 2), round(load_after[0], 2)],
    }
    for kind, values in timings.items():
        result[kind] = summary(values)
    print(
        f"{args.articles:,} articles ({result['size_mb']} MB)"
        + (f", inserted at {result['insert_per_second']:,}/s with FTS" if rate else " (reused)")
        + f"; load {load_before[0]:.2f} → {load_after[0]:.2f} on {os.cpu_count()} CPUs"
    )
    for kind, values in timings.items():
        s = summary(values)
        print(
            f"  {kind:24s} p50 {s['p50_ms']:7.1f} ms   p95 {s['p95_ms']:7.1f} ms   "
            f"min {s['min_ms']:7.1f}   max {s['max_ms']:7.1f}   (n={len(values)})"
        )
    (path.with_suffix(".json")).write_text(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
