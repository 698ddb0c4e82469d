"""Cost of storing an article as the story window grows (#24).

    python bench/story_store.py                          # windows of 1k, 20k, 100k; 3 runs each
    python bench/story_store.py --sizes 20000 --runs 5   # one window
    python bench/story_store.py --against /tmp/old-tree  # interleaved with another copy of the code
    python bench/story_store.py --unpacked               # the window as archived before the packed form

For each window size a real archive (a SQLite file under /tmp, cached between runs) holds that
many articles fetched in the last seven days, with their fingerprints and stories: prose drawn
word by word from the corpus' own vocabulary per language (``../shared/corpus/relevance``), names
and numbers of its own, plus the first report of every labelled event of
``bench/data/story_events.json`` and of ``dev2.jsonl``. Then a few hundred new articles are stored
with ``archive.articles.store`` (the crawl's call: row, verdict, story grouping, seen URLs, one
transaction): every corpus record not in the window (the other reports of those events among
them), and syndicated copies of window articles, each with the ruleset's verdict.

Each run is its own process on a fresh copy of the archive, as a crawl is: it prints the CPU
milliseconds of its first store (which loads the window) and of every store after it (median,
p95), the peak RSS once the window is loaded, with the load average before and after.
``--against ROOT`` runs another copy of the project (its ``newswatch`` package) in alternate
runs, A/B/A/B, and checks that both filed every article under the same story with the same
relation. Results also go to ``bench/results/story_store.json``.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import pickle
import random
import re
import resource
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from collections import Counter
from dataclasses import asdict, fields
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT.parent / "shared" / "corpus" / "relevance"
LABELS = ROOT / "bench" / "data" / "story_events.json"
RULES = ROOT / "config" / "rules"
RESULTS = ROOT / "bench" / "results" / "story_store.json"
WORK = Path("/tmp/newswatch-bench-story-store")
NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
LAYOUT = 6  # bump when the generated window changes, so cached archives are rebuilt (4: packed, 5: phrases,
# 6: claims kept as plain data, so that two versions of the code read the same articles)
COPIES = 60  # syndicated copies of window articles among the new ones
_WORD = re.compile(r"[^\W\d_]+(?:['’][^\W\d_]+)*|\d+", re.UNICODE)
_CJK = re.compile(r"[\u3400-\u9fff]+")
_SYLLABLES = {  # syllables of made-up names, per script
    "latin": "ka lo vi ren tas mor bel dun sha ter gil nov pra zek hul min dor fa set ruv",
    "cyrillic": "ка ло ви рен тас мор бел дун ша тер гил нов пра зек хул мин дор фа сет рув",
    "cjk": "王 李 张 刘 陈 杨 黄 赵 周 吴 徐 孙 马 朱 胡 郭 何 林 罗 高 梁 宋 郑 谢 韩 唐 冯 于 董 萧",
}


def sql_time(value: datetime) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


# --- the articles ------------------------------------------------------------------------------


def corpus_records() -> list[dict[str, Any]]:
    """Every corpus record with a text (none when the corpus is absent)."""
    records: list[dict[str, Any]] = []
    for name in ("dev.jsonl", "dev-en.jsonl", "dev2.jsonl"):
        path = CORPUS / name
        if path.exists():
            records += [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    seen: set[str] = set()
    out = []
    for record in records:
        if record["id"] not in seen and len(record.get("text") or "") >= 200:
            seen.add(record["id"])
            out.append(record)
    return out


def first_reports(records: list[dict[str, Any]]) -> set[str]:
    """The earliest record of every labelled event (the rest of each event stays new)."""
    groups: list[list[str]] = []
    if LABELS.exists():
        data = json.loads(LABELS.read_text(encoding="utf-8"))
        groups += [[x for x in g["members"] if not x.startswith("seed:")] for g in data["events"].values()]
    by_event: dict[str, list[str]] = {}
    for record in records:
        if record.get("event"):
            by_event.setdefault(record["event"], []).append(record["id"])
    groups += list(by_event.values())
    date = {r["id"]: r.get("date") or "" for r in records}
    return {
        min(g, key=lambda x: (date.get(x, ""), x)) for g in groups if len(g) > 1 and all(x in date for x in g)
    }


class Prose:
    """Sentences drawn word by word from the corpus' vocabulary of one language, with names
    and numbers of their own (so most window articles report different events)."""

    def __init__(self, texts: list[str], script: str, rng: random.Random):
        self.rng, self.script = rng, script
        counts: Counter[str] = Counter()
        for text in texts:
            if script == "cjk":
                for run in _CJK.findall(text):
                    counts.update(run[i : i + 2] for i in range(0, len(run) - 1, 2))
            else:
                counts.update(w for w in _WORD.findall(text) if not w.isdigit())
        common = counts.most_common(20000) or [("news", 1)]
        self.words = [w for w, _ in common]
        self.cumulative = list(itertools.accumulate(c for _, c in common))
        syllables = _SYLLABLES.get(script, _SYLLABLES["latin"]).split()
        self.names = [
            "".join(rng.choice(syllables) for _ in range(rng.randint(2, 3))).capitalize()
            for _ in range(30000)
        ]
        self.name_cumulative = list(
            itertools.accumulate(1 / (rank + 1) ** 0.8 for rank in range(len(self.names)))
        )

    def sentence(self, length: int) -> str:
        words = self.rng.choices(self.words, cum_weights=self.cumulative, k=length)
        for _ in range(self.rng.randint(1, 2)):
            words[self.rng.randrange(1, length)] = self.rng.choices(
                self.names, cum_weights=self.name_cumulative
            )[0]
        if self.rng.random() < 0.4:
            words[self.rng.randrange(1, length)] = str(self.rng.randint(2, 900))
        if self.script == "cjk":
            return "".join(words) + "。"
        sentence = " ".join(words)
        return sentence[:1].upper() + sentence[1:] + "."

    def article(self) -> tuple[str, str]:
        title = self.sentence(self.rng.randint(7, 11)).rstrip(".。")
        paragraphs = [" ".join(self.sentence(self.rng.randint(12, 24)) for _ in range(3)) for _ in range(3)]
        return title, "\n\n".join(paragraphs)


def script_of(language: str) -> str:
    return {"zh": "cjk", "ja": "cjk", "ru": "cyrillic", "uk": "cyrillic", "bg": "cyrillic"}.get(
        language, "latin"
    )


def syndicated(text: str) -> str:
    """A wire copy: a byline added, the last paragraph dropped, a credit line appended."""
    paragraphs = [p for p in text.split("\n\n") if p.strip()]
    kept = paragraphs[:-1] if len(paragraphs) > 2 else paragraphs
    return "\n\n".join(["MOSCOW (Wire) —", *kept, "(Reporting by the wire desk; editing by staff)"])


def build_window(path: Path, size: int, records: list[dict[str, Any]], seed: int) -> list[dict[str, Any]]:
    """Fill an archive with ``size`` articles fetched in the last seven days (their stories and
    fingerprints too); returns the window articles that new ones copy."""
    sys.path.insert(0, str(ROOT))
    from newswatch.archive import Archive
    from newswatch.rules import load_ruleset
    from newswatch.stories import fingerprint

    rng = random.Random(seed)
    gazetteer = load_ruleset(RULES).gazetteer
    path.unlink(missing_ok=True)
    Archive(path).close()
    firsts = first_reports(records)
    by_language: dict[str, list[str]] = {}
    for record in records:
        by_language.setdefault(record.get("lang") or "en", []).append(record.get("text") or "")
    languages = [lang for lang, texts in by_language.items() if len(texts) >= 8] or ["en"]
    prose = {lang: Prose(by_language.get(lang, []), script_of(lang), rng) for lang in languages}
    share = [len(by_language.get(lang, [1])) for lang in languages]
    seeded = [r for r in records if r["id"] in firsts][:size]
    conn = sqlite3.connect(path)
    conn.execute("PRAGMA journal_mode=WAL")
    copied: list[dict[str, Any]] = []
    started = time.perf_counter()
    with conn:
        for n in range(size):
            if n < len(seeded):
                record = seeded[n]
                title, text, lang = record.get("title") or "", record["text"], record.get("lang") or "en"
                age = timedelta(hours=rng.uniform(2, 24))  # the events' first reports: recent
            else:
                lang = rng.choices(languages, share)[0]
                title, text = prose[lang].article()
                age = timedelta(seconds=rng.uniform(60, 7 * 86400))
            fetched = NOW - age
            published = fetched - timedelta(minutes=rng.uniform(0, 180))
            # made-up prose names no gazetteer entity: only the corpus reports are read for them
            entities = gazetteer.named_in(title, text) if gazetteer and n < len(seeded) else ()
            fp = fingerprint(title, text, entities=entities, language=lang)
            outlet = f"outlet{rng.randrange(60)}"
            url = f"https://{outlet}.example.org/news/{n}-window"
            story = conn.execute(
                "INSERT INTO stories (title, first_article_id, first_outlet, created_at, updated_at, "
                "first_published, last_published, outlet_list) VALUES (?, ?, ?, ?, ?, ?, ?, json_array(?))",
                (
                    title,
                    n + 1,
                    outlet,
                    sql_time(fetched),
                    sql_time(fetched),
                    sql_time(published),
                    sql_time(published),
                    outlet,
                ),
            ).lastrowid
            conn.execute(
                "INSERT INTO articles (id, url, url_hash, outlet, title, published, fetched_at, "
                "language, text, word_count, story_id, story_relation) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'first')",
                (
                    n + 1,
                    url,
                    f"h{n}",
                    outlet,
                    title,
                    sql_time(published),
                    sql_time(fetched),
                    lang,
                    text,
                    len(text.split()),
                    story,
                ),
            )
            conn.execute(
                "INSERT INTO article_fingerprints (article_id, minhash, terms, packed) VALUES (?, ?, ?, ?)",
                (n + 1, fp.minhash, fp.terms_json(), fp.packed()),
            )
            if len(copied) < COPIES and (n < len(seeded) or rng.random() < COPIES / size * 2):
                copied.append({"title": title, "text": text, "lang": lang, "published": published})
    conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    conn.close()
    print(f"  built a window of {size:,} in {time.perf_counter() - started:.0f} s", flush=True)
    return copied


def new_articles(
    records: list[dict[str, Any]], copied: list[dict[str, Any]], seed: int
) -> list[dict[str, Any]]:
    """The articles to store: the corpus records not in the window, then copies of window
    articles, shuffled; each with its verdict and entities, as the classify stage gives them."""
    sys.path.insert(0, str(ROOT))
    from newswatch.claims import ClaimCues, classify_claim, cues_for
    from newswatch.rules import load_ruleset

    rng = random.Random(seed)
    firsts = first_reports(records)
    items = [
        {
            "title": r.get("title") or "",
            "text": r["text"],
            "lang": r.get("lang") or "en",
            "outlet": r.get("outlet") or "corpus",
        }
        for r in records
        if r["id"] not in firsts
    ]
    items += [
        {"title": c["title"], "text": syndicated(c["text"]), "lang": c["lang"], "outlet": "wire"}
        for c in copied
    ]
    rng.shuffle(items)
    ruleset = load_ruleset(RULES)
    cues: ClaimCues | None = None
    for n, item in enumerate(items):
        item["url"] = f"https://{item['outlet'].lower().replace(' ', '-')}.example.com/story/{n}-new"
        item["fetched_at"] = NOW + timedelta(seconds=n * 30)
        item["published"] = NOW - timedelta(minutes=rng.uniform(0, 600))
        verdict = ruleset.classify(item["title"], item["text"], item["lang"])
        item["verdict"], item["classified_with"] = verdict, ruleset.fingerprint
        gazetteer = ruleset.gazetteer
        item["entities"] = gazetteer.named_in(item["title"], item["text"]) if gazetteer else ()
        item["entities_with"] = gazetteer.fingerprint if gazetteer else None
        item["claim"] = None
        if verdict.flagged:
            cues = cues or cues_for(RULES, ruleset.gazetteer)
            evidence = [e.sentence for e in verdict.evidence]
            claim = classify_claim(cues, item["title"], item["text"], item["lang"], evidence)
            # plain data: the code compared against may have another ClaimCue
            item["claim"] = (claim.status, asdict(claim.cue) if claim.cue is not None else None)
    return items


def _claim(stored: tuple[str, dict[str, Any] | None] | None) -> Any:
    """A claim of :func:`new_articles` as this process's code writes it (its ClaimCue's own
    fields: a field the other version has and this one lacks is left out)."""
    from newswatch.claims import Claim, ClaimCue

    if stored is None:
        return None
    status, cue = stored
    known = {f.name for f in fields(ClaimCue)}
    return Claim(status, ClaimCue(**{k: v for k, v in cue.items() if k in known}) if cue else None)  # type: ignore[arg-type]


# --- one run (its own process) -------------------------------------------------------------------


def worker(code: Path, db: Path, articles: Path) -> dict[str, Any]:
    """Store every article in ``articles`` into ``db`` with the ``newswatch`` package of ``code``."""
    sys.path.insert(0, str(code))
    from newswatch.archive import Archive
    from newswatch.clock import fixed_clock
    from newswatch.records import Article, Candidate, Extraction
    from newswatch.stories import StoryIndex, fingerprint

    items = pickle.loads(articles.read_bytes())
    prints = [fingerprint(i["title"], i["text"], entities=i["entities"], language=i["lang"]) for i in items]
    archive = Archive(db, clock=fixed_clock(NOW + timedelta(hours=1)))
    stories = StoryIndex()
    load_before = os.getloadavg()
    cpu: list[float] = []
    filed: list[tuple[int | None, str | None, int | None]] = []
    wall_first = rss_first = 0.0
    for n, (item, fp) in enumerate(zip(items, prints, strict=True)):
        url = item["url"]
        candidate = Candidate(url=url, outlet=item["outlet"], source=f"{url}/rss", source_kind="feed")
        article = Article(
            url=url,
            final_url=url,
            outlet=item["outlet"],
            fetched_at=item["fetched_at"],
            html="",
            candidate=candidate,
            verdict=item["verdict"],
            classified_with=item["classified_with"],
            claim=_claim(item["claim"]),
            entities=item["entities"],
            entities_with=item["entities_with"],
        )
        extraction = Extraction(
            text=item["text"], title=item["title"], published=item["published"], language=item["lang"]
        )
        wall = time.perf_counter()
        started = time.process_time()
        stored = archive.articles.store(article, extraction, url, "bench", fp, stories)
        cpu.append((time.process_time() - started) * 1000)
        if n == 0:
            wall_first = (time.perf_counter() - wall) * 1000
            rss_first = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # (KiB on Linux)
        filed.append((stored.story_id, stored.relation, stored.article_id))
    archive.close()
    return {
        "window": len(stories.entries) - len(items),
        "first_ms": cpu[0],
        "first_wall_ms": wall_first,
        "first_peak_rss_mb": rss_first,
        "ms": cpu[1:],
        "relations": dict(Counter(r for _, r, _ in filed)),
        "filed": [[story, relation] for story, relation, _ in filed],  # same ids: same decisions
        "load_before": load_before,
        "load_after": os.getloadavg(),
    }


# --- the driver ----------------------------------------------------------------------------------


def summary(values: list[float]) -> dict[str, float]:
    ordered = sorted(values)
    return {
        "median": round(statistics.median(ordered), 3),
        "p95": round(ordered[min(len(ordered) - 1, int(0.95 * len(ordered)))], 3),
        "mean": round(statistics.fmean(ordered), 3),
    }


def run_once(code: Path, source: Path, articles: Path, unpacked: bool = False) -> dict[str, Any]:
    db = WORK / "run.db"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{db}{suffix}").unlink(missing_ok=True)
    shutil.copyfile(source, db)
    if unpacked:  # fingerprints as the release before the packed form wrote them: JSON only
        with sqlite3.connect(db) as conn:
            conn.execute("UPDATE article_fingerprints SET packed = NULL")
    out = subprocess.run(
        [sys.executable, __file__, "--worker", str(code), str(db), str(articles)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", default="1000,20000,100000", help="window sizes, comma-separated")
    parser.add_argument("--runs", type=int, default=3, help="runs per size (per side with --against)")
    parser.add_argument("--against", type=Path, help="another copy of the project, run interleaved")
    parser.add_argument("--rebuild", action="store_true", help="build the window archives again")
    parser.add_argument(
        "--unpacked",
        action="store_true",
        help="the window's fingerprints in JSON only, as archived before the packed form (#24)",
    )
    parser.add_argument("--worker", nargs=3, metavar=("CODE", "DB", "ARTICLES"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(*(Path(x) for x in args.worker))))
        return 0
    WORK.mkdir(parents=True, exist_ok=True)
    records = corpus_records()
    sides = {"this": ROOT, **({"against": args.against.resolve()} if args.against else {})}
    report: dict[str, Any] = {
        "date": f"{datetime.now(UTC):%Y-%m-%d}",
        "load_average_before": os.getloadavg(),
        "unpacked": args.unpacked,
        "sizes": {},
    }
    print(f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}; {len(records)} corpus records")
    for size in (int(x) for x in args.sizes.split(",")):
        source = WORK / f"window-{size}-v{LAYOUT}.db"
        copies = WORK / f"window-{size}-v{LAYOUT}.copies.pickle"
        if args.rebuild or not source.exists() or not copies.exists():
            copies.write_bytes(pickle.dumps(build_window(source, size, records, seed=size)))
        articles = WORK / f"new-{size}-v{LAYOUT}.pickle"
        if args.rebuild or not articles.exists():
            articles.write_bytes(
                pickle.dumps(new_articles(records, pickle.loads(copies.read_bytes()), seed=1))
            )
        runs: dict[str, list[dict[str, Any]]] = {side: [] for side in sides}
        for _ in range(args.runs):
            for side, code in sides.items():  # A/B/A/B
                runs[side].append(run_once(code, source, articles, args.unpacked))
        figures: dict[str, Any] = {}
        for side, done in runs.items():
            medians = [statistics.median(r["ms"]) for r in done]
            every = [x for r in done for x in r["ms"]]
            figures[side] = {
                "window": done[0]["window"],
                "articles": len(done[0]["ms"]) + 1,
                "relations": done[0]["relations"],
                "ms_per_article": summary(every),
                "median_per_run": [round(m, 3) for m in medians],
                "first_store_ms": [round(r["first_ms"], 1) for r in done],
                "first_store_wall_ms": [round(r["first_wall_ms"], 1) for r in done],
                "first_store_peak_rss_mb": [round(r["first_peak_rss_mb"], 1) for r in done],
                "load_before_after": [[r["load_before"][0], r["load_after"][0]] for r in done],
            }
            f = figures[side]
            print(
                f"{size:>7,} window, {side}: {f['articles']} stored ({f['relations']}); "
                f"CPU ms per article median {f['ms_per_article']['median']:.2f}, "
                f"p95 {f['ms_per_article']['p95']:.2f} "
                f"(run medians {min(medians):.2f}-{max(medians):.2f}); first store (window load) "
                f"{min(f['first_store_ms']):.0f}-{max(f['first_store_ms']):.0f} ms, peak RSS "
                f"{min(f['first_store_peak_rss_mb']):.0f}-{max(f['first_store_peak_rss_mb']):.0f} MB; "
                f"load {' '.join(f'{a:.2f}→{b:.2f}' for a, b in f['load_before_after'])}",
                flush=True,
            )
        if args.against:
            same = all(r["filed"] == runs["this"][0]["filed"] for side in runs for r in runs[side])
            figures["same_stories"] = same
            print(f"{size:>7,} window: both filed every article alike: {same}")
        report["sizes"][str(size)] = figures
    report["load_average_after"] = os.getloadavg()
    print(
        f"load average after {' '.join(f'{x:.2f}' for x in os.getloadavg())}; "
        "target ≤ 4 ms at 20k, ≤ 5 ms at 100k"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
