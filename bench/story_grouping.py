"""Story grouping quality: pairwise precision and recall on hand-labelled article pairs.

    python bench/story_grouping.py               # table + bench/results/stories.json
    python bench/story_grouping.py --show        # every false merge and every missed pair

Labels: ``bench/data/story_events.json`` names the groups of records in
``../shared/corpus/relevance/{dev,dev-en}.jsonl`` (and the seeds) that report one event,
the pairs among them that are copies, and hard negatives (different events sharing
entities). Every record pair outside a group counts as "different event".

Three measurements:

* **pairs** — the pairwise decision (``stories.compare``) on every pair of records, with
  the 72-hour window applied where both records are dated;
* **stories** — the grouping as the crawler does it: records fed to a ``StoryIndex`` in
  date order, each joining its best match; pairs in one resulting story count as grouped;
* **copies** — every record of 120+ words against a syndicated copy of itself (wire byline
  added, last paragraph dropped, credit line appended) and a truncated copy (first 60 % of
  its paragraphs): the share recognised as copies, and the share of distinct records taken
  for copies of each other.
"""

from __future__ import annotations

import argparse
import itertools
import json
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newswatch.stories import (  # noqa: E402
    Entry,
    Fingerprint,
    StoryConfig,
    StoryIndex,
    compare,
    copy_similarity,
    fingerprint,
)

SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "relevance"
SEEDS = SHARED / "seeds"
LABELS = ROOT / "bench" / "data" / "story_events.json"
RESULTS = ROOT / "bench" / "results" / "story_grouping.json"


def seed_title(lines: list[str]) -> str:
    """The first line of a seed page that reads like a headline (5+ words, no full stop)."""
    for line in lines[:20]:
        words = line.split()
        if 5 <= len(words) <= 25 and not line.rstrip().endswith("."):
            return line.strip()
    return ""


def load_records() -> list[dict[str, Any]]:
    records: dict[str, dict[str, Any]] = {}
    for name in ("dev.jsonl", "dev-en.jsonl"):
        for line in (CORPUS / name).open(encoding="utf-8"):
            if line.strip():
                item = json.loads(line)
                records.setdefault(item["id"], item)
    for path in sorted(SEEDS.glob("*.txt")):
        lines = [x for x in path.read_text(encoding="utf-8").splitlines() if x.strip()]
        records[f"seed:{path.stem}"] = {
            "id": f"seed:{path.stem}",
            "title": seed_title(lines),
            "text": "\n".join(lines),
            "date": "",
            "outlet": "seed",
        }
    return list(records.values())


def when(record: dict[str, Any]) -> datetime | None:
    try:
        return datetime.fromisoformat(record["date"]).replace(tzinfo=UTC) if record.get("date") else None
    except ValueError:
        return None


def prf(tp: int, fp: int, fn: int) -> dict[str, float]:
    precision = tp / (tp + fp) if tp + fp else 1.0
    recall = tp / (tp + fn) if tp + fn else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"precision": round(precision, 3), "recall": round(recall, 3), "f1": round(f1, 3)}


def syndicated(text: str) -> str:
    paragraphs = [p for p in text.split("\n") if p.strip()]
    body = paragraphs[:-1] if len(paragraphs) > 3 else paragraphs
    return "\n\n".join(
        ["By Staff Writer (Wire Service)", *body, "Reporting by a correspondent; editing by a desk."]
    )


def truncated(text: str) -> str:
    paragraphs = [p for p in text.split("\n") if p.strip()]
    return "\n".join(paragraphs[: max(2, int(len(paragraphs) * 0.6))])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print false merges and missed pairs")
    args = parser.parse_args()
    if not CORPUS.exists() or not LABELS.exists():
        print(f"skipped: {CORPUS} or {LABELS} missing")
        return 0
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    records = load_records()
    event_of = {m: key for key, event in labels["events"].items() for m in event["members"]}
    hard = {frozenset((p["a"], p["b"])) for p in labels["different"]}
    uncertain = {frozenset(pair) for u in labels["uncertain"] for pair in itertools.combinations(u["ids"], 2)}
    config = StoryConfig()

    started = time.perf_counter()
    fps: dict[str, Fingerprint] = {r["id"]: fingerprint(r.get("title"), r.get("text") or "") for r in records}
    fp_ms = (time.perf_counter() - started) * 1000 / len(records)

    # the window: every record, as the index would hold them (IDF from the whole corpus)
    index = StoryIndex(config)
    for n, r in enumerate(records):
        index.add(Entry(n, n, r.get("outlet") or "", when(r), fps[r["id"]]))
    idf, default_idf = index.idf()

    # --- pairwise decisions
    counts = {"tp": 0, "fp": 0, "fn": 0}
    by_language = {"same_language": [0, 0], "cross_language": [0, 0]}  # [found, pairs]
    hard_merged, shown = 0, []
    for a, b in itertools.combinations(records, 2):
        pair = frozenset((a["id"], b["id"]))
        if pair in uncertain:
            continue
        same = event_of.get(a["id"]) is not None and event_of.get(a["id"]) == event_of.get(b["id"])
        wa, wb = when(a), when(b)
        gap = abs(wa - wb) if wa and wb else None
        verdict = compare(fps[a["id"]], fps[b["id"]], gap, config, idf, default_idf)
        grouped = verdict.relation is not None
        if same:
            kind = "same_language" if a.get("lang", "en") == b.get("lang", "en") else "cross_language"
            by_language[kind][0] += grouped
            by_language[kind][1] += 1
        if grouped and same:
            counts["tp"] += 1
        elif grouped:
            counts["fp"] += 1
            hard_merged += pair in hard
            shown.append(("false merge", verdict.relation, verdict.score, a, b))
        elif same:
            counts["fn"] += 1
            shown.append(("missed", None, verdict.score, a, b))
    pairs = {**counts, **prf(counts["tp"], counts["fp"], counts["fn"])}
    pairs["hard_negatives_merged"] = hard_merged
    pairs["hard_negatives"] = len(hard)
    for kind, (found_pairs, total) in by_language.items():
        pairs[f"recall_{kind}"] = round(found_pairs / total, 3) if total else None
        pairs[f"{kind}_pairs"] = total

    # --- grouping in date order, as the crawler does
    order = sorted(records, key=lambda r: (when(r) or datetime(1970, 1, 1, tzinfo=UTC), r["id"]))
    index = StoryIndex(config)  # term weights grow with the window, as in the crawler
    story_of: dict[str, int] = {}
    started = time.perf_counter()
    for n, r in enumerate(order):
        match = index.match(fps[r["id"]], when(r))
        story = match.story_id if match else n
        story_of[r["id"]] = story
        index.add(Entry(n, story, r.get("outlet") or "", when(r), fps[r["id"]]))
    match_ms = (time.perf_counter() - started) * 1000 / len(order)
    tp = fp = fn = 0
    for a, b in itertools.combinations(records, 2):
        if frozenset((a["id"], b["id"])) in uncertain:
            continue
        same = event_of.get(a["id"]) is not None and event_of.get(a["id"]) == event_of.get(b["id"])
        together = story_of[a["id"]] == story_of[b["id"]]
        tp += same and together
        fp += together and not same
        fn += same and not together
        if together and not same and args.show:
            print(f"grouped, different events: {a['id']} {a.get('title')!r} | {b['id']} {b.get('title')!r}")
    stories = {"tp": tp, "fp": fp, "fn": fn, **prf(tp, fp, fn), "stories": len(set(story_of.values()))}

    # --- copies
    long_enough = [r for r in records if len((r.get("text") or "").split()) >= 120]
    found = {"syndicated": 0, "truncated": 0}
    for r in long_enough:
        for kind, make in (("syndicated", syndicated), ("truncated", truncated)):
            copy = fingerprint(r.get("title"), make(r["text"]))
            found[kind] += copy_similarity(fps[r["id"]], copy) >= config.copy_threshold
    copy_pairs = {frozenset(p) for e in labels["events"].values() for p in e.get("copies", [])}
    false_copies = sum(
        copy_similarity(fps[a["id"]], fps[b["id"]]) >= config.copy_threshold
        for a, b in itertools.combinations(long_enough, 2)
        if frozenset((a["id"], b["id"])) not in copy_pairs
        and not (event_of.get(a["id"]) and event_of.get(a["id"]) == event_of.get(b["id"]))
    )
    labelled_copies = sum(
        copy_similarity(fps[a], fps[b]) >= config.copy_threshold for a, b in map(tuple, copy_pairs)
    )
    n_pairs = len(long_enough) * (len(long_enough) - 1) // 2
    copies = {
        "records": len(long_enough),
        "syndicated_found": round(found["syndicated"] / len(long_enough), 3),
        "truncated_found": round(found["truncated"] / len(long_enough), 3),
        "labelled_copy_pairs": len(copy_pairs),
        "labelled_copy_pairs_found": labelled_copies,
        "distinct_pairs": n_pairs,
        "distinct_pairs_taken_for_copies": false_copies,
    }

    result = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "records": len(records),
        "events": len(labels["events"]),
        "records_in_events": len(event_of),
        "same_event_pairs": sum(
            len(e["members"]) * (len(e["members"]) - 1) // 2 for e in labels["events"].values()
        ),
        "config": {
            "event_threshold": config.event_threshold,
            "copy_threshold": config.copy_threshold,
            "min_shared_entities": config.min_shared_entities,
            "event_window_h": config.event_window / timedelta(hours=1),
        },
        "pairs": pairs,
        "stories": stories,
        "copies": copies,
        "ms_per_fingerprint": round(fp_ms, 2),
        "ms_per_match_253_window": round(match_ms, 2),
    }
    print(json.dumps(result, indent=2))
    if args.show:
        for what, relation, score, a, b in shown:
            print(f"\n{what} ({relation}, {score:.2f}): {a['id']} | {b['id']}")
            print(f"  {a.get('date')} {a.get('outlet')}: {a.get('title')}")
            print(f"  {b.get('date')} {b.get('outlet')}: {b.get('title')}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
