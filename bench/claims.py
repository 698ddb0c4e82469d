"""Claim status quality: the default cues on hand-labelled relevant articles.

    python bench/claims.py                   # per-status accuracy, confusion table, every miss
    python bench/claims.py --check           # exit 1 when a figure falls below bench/baselines/claims.json
    python bench/claims.py --raise-baseline  # write today's figures as the new floors (only upward)

Labels: ``bench/data/claims.jsonl``, one line ``{"id", "status", "why"}`` per relevant article
of ``../shared/corpus/relevance/{dev,dev-en,dev2}.jsonl`` and ``../shared/seeds`` (ids as the
rules bench gives them: ``seed:NAME`` for a seed). Each article is classified as the
monitor would: its language as the corpus gives it, the default rules' evidence sentences
passed along. Accuracy per status is the share of the articles labelled with it that get
it (recall); overall is the share of all labels matched.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import sys
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.floors import settle  # noqa: E402
from newswatch.claims import PRECEDENCE, STATUSES, ClaimCues, classify_claim, cues_for  # noqa: E402
from newswatch.rules import Matcher, load_ruleset  # noqa: E402

LABELS = ROOT / "bench" / "data" / "claims.jsonl"
BASELINE = ROOT / "bench" / "baselines" / "claims.json"
RESULTS = ROOT / "bench" / "results" / "claims.json"
RULES = ROOT / "config" / "rules"
# Figures that must not fall; all are "higher is better".
FLOORS = ("accuracy", *(f"accuracy_{status}" for status in STATUSES))


def _rules_bench() -> Any:
    spec = importlib.util.spec_from_file_location("bench_rules", ROOT / "bench" / "rules.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def load_labels(path: Path = LABELS) -> list[dict[str, str]]:
    rows = [json.loads(line) for line in path.open(encoding="utf-8") if line.strip()]
    for row in rows:
        if row.get("status") not in STATUSES:
            raise SystemExit(f"{path}: {row.get('id')}: unknown status {row.get('status')!r}")
    return rows


def labelled_items(labels: list[dict[str, str]]) -> list[dict[str, Any]]:
    """The corpus articles the labels name, with their label (every label must find one)."""
    by_id = {item["id"]: item for item in _rules_bench().load_items()}
    missing = [row["id"] for row in labels if row["id"] not in by_id]
    if missing:
        raise SystemExit(f"labels without an article in ../shared: {', '.join(missing[:10])}")
    return [{**by_id[row["id"]], "status": row["status"], "why": row["why"]} for row in labels]


def score(cues: ClaimCues, rules: Matcher, items: list[dict[str, Any]]) -> dict[str, Any]:
    per_item = []
    for item in items:
        title, text, language = item.get("title", ""), item.get("text", ""), item.get("lang")
        verdict = rules.classify(title, text, language)
        claim = classify_claim(cues, title, text, language, [e.sentence for e in verdict.evidence])
        per_item.append(
            {
                "id": item["id"],
                "lang": language or "?",
                "title": title,
                "label": item["status"],
                "why": item["why"],
                "status": claim.status,
                "cue": claim.cue.cue if claim.cue else None,
                "zone": claim.cue.zone if claim.cue else None,
                "words": list(claim.cue.words) if claim.cue else [],
                "sentence": claim.cue.sentence if claim.cue else "",
            }
        )
    total = len(per_item)
    right = sum(r["status"] == r["label"] for r in per_item)
    result: dict[str, Any] = {"items": total, "accuracy": round(right / total, 4) if total else 0.0}
    for status in STATUSES:
        mine = [r for r in per_item if r["label"] == status]
        result[f"labelled_{status}"] = len(mine)
        result[f"accuracy_{status}"] = (
            round(sum(r["status"] == status for r in mine) / len(mine), 4) if mine else 1.0
        )
    result["confusion"] = {
        label: dict(Counter(r["status"] for r in per_item if r["label"] == label)) for label in STATUSES
    }
    by_language: dict[str, list[dict[str, Any]]] = {}
    for r in per_item:
        by_language.setdefault(r["lang"], []).append(r)
    result["by_language"] = {
        lang: f"{sum(r['status'] == r['label'] for r in rows)}/{len(rows)}"
        for lang, rows in sorted(by_language.items())
    }
    result["per_item"] = per_item
    return result


def report(result: dict[str, Any]) -> None:
    print(f"claim status on {result['items']} labelled articles: accuracy {result['accuracy']:.3f}")
    print()
    print(f"{'status':<11} {'labelled':>8} {'accuracy':>9}")
    for status in PRECEDENCE:
        print(f"{status:<11} {result[f'labelled_{status}']:>8} {result[f'accuracy_{status}']:>9.3f}")
    print()
    print("confusion (rows: label, columns: classified)")
    head = "".join(f"{s[:10]:>11}" for s in PRECEDENCE)
    print(f"{'':<11}{head}")
    for label in PRECEDENCE:
        row = result["confusion"][label]
        print(f"{label:<11}" + "".join(f"{row.get(s, 0):>11}" for s in PRECEDENCE))
    print()
    print("by language: " + ", ".join(f"{k} {v}" for k, v in result["by_language"].items()))
    misses = [r for r in result["per_item"] if r["status"] != r["label"]]
    if misses:
        print()
        print(f"misses ({len(misses)}):")
    for r in misses:
        print(f"- {r['id']} [{r['lang']}] labelled {r['label']}, got {r['status']}: {r['title'][:90]!r}")
        print(f"    label: {r['why']}")
        if r["cue"]:
            words = ", ".join(r["words"])
            print(f"    cue {r['cue']} in the {r['zone']} ({words}): {r['sentence'][:200]!r}")
        else:
            print("    cue: none")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--check", action="store_true", help="fail when a figure is below its floor")
    parser.add_argument(
        "--raise-baseline", action="store_true", help="store today's figures as floors (upward only)"
    )
    parser.add_argument("--quiet", action="store_true", help="figures only, no misses")
    args = parser.parse_args(argv)
    matcher = load_ruleset(RULES)
    result = score(cues_for(RULES, matcher.gazetteer), matcher, labelled_items(load_labels()))
    if args.quiet:
        result_shown = {**result, "per_item": [r for r in result["per_item"] if r["status"] == r["label"]]}
        report(result_shown)
    else:
        report(result)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    return settle({k: result[k] for k in FLOORS}, BASELINE, check=args.check, raise_=args.raise_baseline)


if __name__ == "__main__":
    raise SystemExit(main())
