"""Story grouping quality: pairwise precision and recall on hand-labelled article pairs.

    python bench/story_grouping.py                   # figures + bench/results/story_grouping.json
    python bench/story_grouping.py --show            # every false merge and every missed pair
    python bench/story_grouping.py --check           # exit 1 below bench/baselines/story_grouping.json
    python bench/story_grouping.py --raise-baseline  # today's figures as the new floors (only upward)

Two label sets:

* ``bench/data/story_events.json`` names the groups of records in
  ``../shared/corpus/relevance/{dev,dev-en}.jsonl`` (and the seeds) that report one event,
  the pairs among them that are copies, and hard negatives (different events sharing
  entities). Every record pair outside a group counts as "different event".
* the ``event`` labels of ``../shared/corpus/relevance/dev2.jsonl`` (127 records, 39
  events, 4 in more than one language): records with the same label are one event, every
  other pair (records without a label included) is "different event". A month-only (or
  year-only) date is read as that month (year): two records are as far apart as the
  nearest days of their months; an absent date is unknown (taken as close). Precision is
  also given among labelled records only (``precision_labelled_records_only``): several
  unlabelled records report one event all the same.

Every record is fingerprinted with its gazetteer entities (the rules in ``config/rules``)
and its language, as the crawler does.

Three measurements:

* **pairs** — the pairwise decision (``stories.compare``) on every pair of records, with
  the 72-hour window applied where both records are dated;
* **stories** — the grouping as the crawler does it: records fed to a ``StoryIndex`` in
  date order (a month-only date at the start of its month), each joining its best match,
  compared with the earlier records at the same gaps as the pairwise test (the crawler gives
  every article a time, its fetch time when it has no date, so a record dated to the month
  only meets its month's reports, not every record of every year); pairs in one resulting
  story count as grouped. ``stories_inexact_dates_close_to_all`` keeps the earlier
  measurement, where such records had no time;
* **copies** — every record of 120+ words against a syndicated copy of itself (wire byline
  added, last paragraph dropped, credit line appended) and a truncated copy (first 60 % of
  its paragraphs): the share recognised as copies, and the share of distinct records taken
  for copies of each other.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.floors import settle  # noqa: E402
from newswatch.rules import load_ruleset  # noqa: E402
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
DEV2 = CORPUS / "dev2.jsonl"
RULES = ROOT / "config" / "rules"
RESULTS = ROOT / "bench" / "results" / "story_grouping.json"
BASELINE = ROOT / "bench" / "baselines" / "story_grouping.json"
#: The figures pinned as floors: (name, path in the result). Precision among labelled records
#: and recall per kind of pair, on dev2 pairwise and in date order; precision and recall on
#: today's labels.
FLOORS = {
    "dev2_pairs_precision_labelled": ("dev2_events", "pairs", "precision_labelled_records_only"),
    "dev2_pairs_same_language_recall": ("dev2_events", "pairs", "same_language", "recall"),
    "dev2_pairs_cross_language_recall": ("dev2_events", "pairs", "cross_language", "recall"),
    "dev2_stories_precision_labelled": ("dev2_events", "stories", "precision_labelled_records_only"),
    "dev2_stories_same_language_recall": ("dev2_events", "stories", "same_language", "recall"),
    "dev2_stories_cross_language_recall": ("dev2_events", "stories", "cross_language", "recall"),
    "story_events_pairs_precision": ("story_events", "pairs", "precision"),
    "story_events_pairs_recall": ("story_events", "pairs", "recall"),
}


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
    """The record's publication day; None when it gives no day (month only, or nothing)."""
    try:
        return datetime.fromisoformat(record["date"]).replace(tzinfo=UTC) if record.get("date") else None
    except ValueError:
        return None


def span(record: dict[str, Any]) -> tuple[datetime, datetime] | None:
    """The days a record's date allows: its day, month (``2025-04``) or year; None without one."""
    date = (record.get("date") or "").strip()
    try:
        if len(date) >= 10:
            day = datetime.fromisoformat(date[:10]).replace(tzinfo=UTC)
            return day, day
        if len(date) == 7:
            first = datetime(int(date[:4]), int(date[5:7]), 1, tzinfo=UTC)
            following = datetime(first.year + first.month // 12, first.month % 12 + 1, 1, tzinfo=UTC)
            return first, following - timedelta(days=1)
        if len(date) == 4:
            return datetime(int(date), 1, 1, tzinfo=UTC), datetime(int(date), 12, 31, tzinfo=UTC)
    except ValueError:
        return None
    return None


def gap_between(a: dict[str, Any], b: dict[str, Any]) -> timedelta | None:
    """The least time between two records' dates as far as they are known; None: unknown."""
    sa, sb = span(a), span(b)
    if sa is None or sb is None:
        return None
    return max(timedelta(0), sa[0] - sb[1], sb[0] - sa[1])


def order_key(record: dict[str, Any]) -> tuple[datetime, str]:
    known = span(record)
    return (known[0] if known else datetime(1970, 1, 1, tzinfo=UTC), record["id"])


def lang(record: dict[str, Any]) -> str:
    return str(record.get("lang") or "en")


def language_pair(a: dict[str, Any], b: dict[str, Any]) -> str:
    return "-".join(sorted((lang(a), lang(b))))


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


def fingerprints(records: list[dict[str, Any]]) -> tuple[dict[str, Fingerprint], float]:
    """Each record's fingerprint with its gazetteer entities and language, as the crawler
    makes it, and the milliseconds per record (the entity matching not counted)."""
    gazetteer = load_ruleset(RULES).gazetteer
    named = {
        r["id"]: gazetteer.named_in(r.get("title") or "", r.get("text") or "") if gazetteer else ()
        for r in records
    }
    started = time.perf_counter()
    fps = {
        r["id"]: fingerprint(
            r.get("title"), r.get("text") or "", entities=named[r["id"]], language=r.get("lang")
        )
        for r in records
    }
    return fps, (time.perf_counter() - started) * 1000 / len(records)


def score(
    records: list[dict[str, Any]],
    fps: dict[str, Fingerprint],
    event_of: dict[str, str],
    config: StoryConfig,
    hard: set[frozenset[str]] = frozenset(),  # type: ignore[assignment]
    uncertain: set[frozenset[str]] = frozenset(),  # type: ignore[assignment]
    show: bool = False,
    gap_of: Any = None,
    labelled: set[str] | None = None,
    unknown_is_close: bool = False,
) -> dict[str, Any]:
    """Pairwise decisions and date-ordered grouping against the labels, overall, same- and
    cross-language, and per language pair."""
    gap_of = gap_of or (lambda a, b: abs(when(a) - when(b)) if when(a) and when(b) else None)  # type: ignore[operator]
    # the window: every record, as the index would hold them (IDF from the whole corpus)
    index = StoryIndex(config)
    for n, r in enumerate(records):
        index.add(Entry(n, n, r.get("outlet") or "", when(r), fps[r["id"]]))
    idf, default_idf = index.idf()

    def same_event(a: dict[str, Any], b: dict[str, Any]) -> bool:
        return event_of.get(a["id"]) is not None and event_of.get(a["id"]) == event_of.get(b["id"])

    # --- pairwise decisions
    among_labelled = {"pairs": [0, 0], "stories": [0, 0]}  # [tp, fp] where both records are labelled
    pair_counts: dict[str, list[int]] = {}  # language pair → [tp, fp, fn]
    hard_merged, shown = 0, []
    decided: dict[frozenset[str], bool] = {}
    for a, b in itertools.combinations(records, 2):
        pair = frozenset((a["id"], b["id"]))
        if pair in uncertain:
            continue
        retold = index.phrase_counts if a.get("outlet") != b.get("outlet") else None  # (as StoryIndex.match)
        verdict = compare(fps[a["id"]], fps[b["id"]], gap_of(a, b), config, idf, default_idf, phrases=retold)
        grouped = decided[pair] = verdict.relation is not None
        same = same_event(a, b)
        counts = pair_counts.setdefault(language_pair(a, b), [0, 0, 0])
        counts[0] += grouped and same
        counts[1] += grouped and not same
        if labelled is not None and a["id"] in labelled and b["id"] in labelled:
            among_labelled["pairs"][0] += grouped and same
            among_labelled["pairs"][1] += grouped and not same
        counts[2] += same and not grouped
        if grouped and not same:
            hard_merged += pair in hard
            shown.append(("false merge", verdict.relation, verdict.score, a, b))
        elif same and not grouped:
            shown.append(("missed", None, verdict.score, a, b))
    pairs = summarise(pair_counts)
    if labelled is not None:
        tp, fp = among_labelled["pairs"]
        pairs["precision_labelled_records_only"] = prf(tp, fp, 0)["precision"]
    pairs["hard_negatives_merged"] = hard_merged
    pairs["hard_negatives"] = len(hard)

    # --- grouping in date order, as the crawler does
    story_of, match_ms = group_in_order(records, fps, config, gap_of, unknown_is_close)
    story_counts: dict[str, list[int]] = {}
    for a, b in itertools.combinations(records, 2):
        if frozenset((a["id"], b["id"])) in uncertain:
            continue
        same, together = same_event(a, b), story_of[a["id"]] == story_of[b["id"]]
        counts = story_counts.setdefault(language_pair(a, b), [0, 0, 0])
        counts[0] += same and together
        counts[1] += together and not same
        if labelled is not None and a["id"] in labelled and b["id"] in labelled:
            among_labelled["stories"][0] += together and same
            among_labelled["stories"][1] += together and not same
        counts[2] += same and not together
        if together and not same and show:
            print(f"grouped, different events: {a['id']} {a.get('title')!r} | {b['id']} {b.get('title')!r}")
    stories = summarise(story_counts)
    if labelled is not None:
        tp, fp = among_labelled["stories"]
        stories["precision_labelled_records_only"] = prf(tp, fp, 0)["precision"]
    stories["stories"] = len(set(story_of.values()))
    if show:
        for what, relation, value, a, b in shown:
            print(f"\n{what} ({relation}, {value:.2f}): {a['id']} | {b['id']}")
            print(f"  {a.get('date')} {a.get('outlet')} [{lang(a)}]: {a.get('title')}")
            print(f"  {b.get('date')} {b.get('outlet')} [{lang(b)}]: {b.get('title')}")
    return {"pairs": pairs, "stories": stories, "ms_per_match": round(match_ms, 2)}


def group_in_order(
    records: list[dict[str, Any]],
    fps: dict[str, Fingerprint],
    config: StoryConfig,
    gap_of: Any,
    unknown_is_close: bool = False,
) -> tuple[dict[str, int], float]:
    """Records fed to a ``StoryIndex`` in date order, each joining the story of its best
    match: record id → story, and the milliseconds per ``match``.

    Each record is compared with the earlier ones at the gaps ``gap_of`` gives (the same as
    the pairwise test's): the crawler gives every article a time (its publication, else its
    fetch), so a record dated to the month only is near its month's reports, not near every
    record of the corpus (a record with no date at all is still close to every other).
    ``unknown_is_close``: the earlier measurement instead, where a record dated to the month
    only has no time and meets every record of every year as if close."""
    order = sorted(records, key=order_key)
    index = StoryIndex(config)  # term weights grow with the window, as in the crawler
    story_of: dict[str, int] = {}
    reference = datetime(2000, 1, 1, tzinfo=UTC)
    elapsed = 0.0
    for n, r in enumerate(order):
        at: datetime | None
        if unknown_is_close:
            at = when(r)
            for k, entry in enumerate(index.entries):
                entry.when = when(order[k])
        else:  # place the earlier entries at their gap from this record
            at = reference
            for k, entry in enumerate(index.entries):
                gap = gap_of(r, order[k])
                entry.when = None if gap is None else reference - gap
        started = time.perf_counter()
        match = index.match(fps[r["id"]], at, outlet=r.get("outlet") or "")
        elapsed += time.perf_counter() - started
        story = match.story_id if match else n
        story_of[r["id"]] = story
        index.add(Entry(n, story, r.get("outlet") or "", at, fps[r["id"]]))
    return story_of, elapsed * 1000 / len(order)


def summarise(by_pair: dict[str, list[int]]) -> dict[str, Any]:
    """Precision and recall overall, for same- and cross-language pairs, and per language
    pair (only the pairs that hold a same-event pair or a false merge are listed)."""

    def total(keys: list[str]) -> tuple[int, int, int]:
        return (
            sum(by_pair[k][0] for k in keys),
            sum(by_pair[k][1] for k in keys),
            sum(by_pair[k][2] for k in keys),
        )

    same = [k for k in by_pair if k.split("-")[0] == k.split("-")[1]]
    cross = [k for k in by_pair if k not in same]
    tp, fp, fn = total(list(by_pair))
    out: dict[str, Any] = {"tp": tp, "fp": fp, "fn": fn, **prf(tp, fp, fn)}
    for name, keys in (("same_language", same), ("cross_language", cross)):
        tp, fp, fn = total(keys)
        out[name] = {"tp": tp, "fp": fp, "fn": fn, **prf(tp, fp, fn), "same_event_pairs": tp + fn}
    out["by_language_pair"] = {
        key: {"tp": tp, "fp": fp, "fn": fn, **prf(tp, fp, fn)}
        for key, (tp, fp, fn) in sorted(by_pair.items())
        if tp + fp + fn
    }
    return out


def copies_check(
    records: list[dict[str, Any]], fps: dict[str, Fingerprint], labels: dict[str, Any], config: StoryConfig
) -> dict[str, Any]:
    """Every record of 120+ words against a syndicated and a truncated copy of itself, the
    labelled copy pairs, and distinct records taken for copies."""
    event_of = {m: key for key, event in labels["events"].items() for m in event["members"]}
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
    return {
        "records": len(long_enough),
        "syndicated_found": round(found["syndicated"] / len(long_enough), 3),
        "truncated_found": round(found["truncated"] / len(long_enough), 3),
        "labelled_copy_pairs": len(copy_pairs),
        "labelled_copy_pairs_found": labelled_copies,
        "distinct_pairs": len(long_enough) * (len(long_enough) - 1) // 2,
        "distinct_pairs_taken_for_copies": false_copies,
    }


def floors(result: dict[str, Any]) -> dict[str, float]:
    """The pinned figures of a result (``FLOORS``)."""
    out = {}
    for name, path in FLOORS.items():
        value: Any = result
        for step in path:
            value = value[step]
        out[name] = float(value)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", action="store_true", help="print false merges and missed pairs")
    parser.add_argument("--check", action="store_true", help="fail when a figure is below its floor")
    parser.add_argument(
        "--raise-baseline", action="store_true", help="store today's figures as floors (upward only)"
    )
    args = parser.parse_args()
    if not CORPUS.exists() or not LABELS.exists() or not DEV2.exists():
        print(f"skipped: {CORPUS}, {DEV2} or {LABELS} missing")
        return 0
    result = measure(args.show)
    print(json.dumps(result, indent=2, ensure_ascii=False))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2, ensure_ascii=False), encoding="utf-8")
    return settle(floors(result), BASELINE, check=args.check, raise_=args.raise_baseline)


def measure(show: bool = False) -> dict[str, Any]:
    """Every figure, on both label sets (``show``: print false merges and missed pairs)."""
    config = StoryConfig()
    words_only = StoryConfig(anchor_threshold=math.inf)  # as before the anchors: same-language words alone
    result: dict[str, Any] = {
        "date": datetime.now(UTC).strftime("%Y-%m-%d"),
        "config": {
            "event_threshold": config.event_threshold,
            "copy_threshold": config.copy_threshold,
            "min_shared_entities": config.min_shared_entities,
            "anchor_threshold": config.anchor_threshold,
            "event_window_h": config.event_window / timedelta(hours=1),
        },
    }

    # --- today's labels (story_events.json)
    labels = json.loads(LABELS.read_text(encoding="utf-8"))
    records = load_records()
    event_of = {m: key for key, event in labels["events"].items() for m in event["members"]}
    hard = {frozenset((p["a"], p["b"])) for p in labels["different"]}
    uncertain = {frozenset(pair) for u in labels["uncertain"] for pair in itertools.combinations(u["ids"], 2)}
    fps, fp_ms = fingerprints(records)
    if show:
        print("=== story_events.json")
    scored = score(records, fps, event_of, config, hard, uncertain, show)
    before = score(records, fps, event_of, words_only, hard, uncertain)
    result["story_events"] = {
        "records": len(records),
        "events": len(labels["events"]),
        "records_in_events": len(event_of),
        "same_event_pairs": sum(
            len(e["members"]) * (len(e["members"]) - 1) // 2 for e in labels["events"].values()
        ),
        "pairs": scored["pairs"],
        "stories": scored["stories"],
        "words_only": {"pairs": before["pairs"], "stories": before["stories"]},
        "copies": copies_check(records, fps, labels, config),
        "ms_per_fingerprint": round(fp_ms, 2),
        f"ms_per_match_{len(records)}_window": scored["ms_per_match"],
    }

    # --- the event labels of dev2.jsonl
    if DEV2.exists():
        dev2 = [json.loads(line) for line in DEV2.open(encoding="utf-8") if line.strip()]
        events = {r["id"]: r["event"] for r in dev2 if r.get("event")}
        fps2, _ = fingerprints(dev2)
        if show:
            print("\n=== dev2.jsonl events")
        scored = score(dev2, fps2, events, config, show=show, gap_of=gap_between, labelled=set(events))
        before = score(dev2, fps2, events, words_only, gap_of=gap_between, labelled=set(events))
        unbounded = score(
            dev2, fps2, events, config, gap_of=gap_between, labelled=set(events), unknown_is_close=True
        )
        members = Counter(events.values())
        result["dev2_events"] = {
            "records": len(dev2),
            "events": len(members),
            "events_in_several_languages": len(
                {e for e in members if len({lang(r) for r in dev2 if r.get("event") == e}) > 1}
            ),
            "same_event_pairs": sum(n * (n - 1) // 2 for n in members.values()),
            "dates": "month-only and year-only dates read as that month or year (least gap); none: unknown",
            "pairs": scored["pairs"],
            "stories": scored["stories"],
            "words_only": {"pairs": before["pairs"], "stories": before["stories"]},
            # the earlier date-ordered measurement: a record dated to the month only (or not
            # at all) had no time and met every record of every year as if close
            "stories_inexact_dates_close_to_all": unbounded["stories"],
        }
    return result


if __name__ == "__main__":
    raise SystemExit(main())
