"""Relevance and claim status on reports written for this check, in 23 languages.

    python bench/fresh_reports.py            # per set and language; every miss and false alarm
    python bench/fresh_reports.py --quiet    # the tables only

``bench/data/fresh_reports.jsonl``: 444 short news reports (headline and 3–6 sentences) written
for this bench, not taken from any outlet, each labelled ``relevant`` (with the claim status it
puts) or ``irrelevant`` (hard negatives: China, Russia, drones or sanctions without the topic).
Half of them use the obvious words of the topic and half avoid them ("a Shenzhen trader shipped
navigation modules to a Russian missile plant"), as real reports do. They were written by people
who had not read the rule files. ``set`` says how they were used: ``tuning`` (en de fr es it zh
ja ko ar tr) were read to find the everyday words the groups lacked; ``held-out`` (ru uk pl cs ro
bg pt nl sv hu fi lt el id hi) were only measured, before and after, so their figures say how
far the word lists generalise. Each report is classified with its language given, as the crawler
passes it; ``detected`` is the recall with the language left to detection.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newswatch.claims import classify_claim, cues_for  # noqa: E402
from newswatch.rules import load_ruleset  # noqa: E402

DATA = ROOT / "bench" / "data" / "fresh_reports.jsonl"
RESULTS = ROOT / "bench" / "results" / "fresh_reports.json"
RULES = ROOT / "config" / "rules"
SETS = ("tuning", "held-out")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", default=str(RULES))
    parser.add_argument("--quiet", action="store_true", help="the tables only")
    args = parser.parse_args(argv)
    counts, shown = measure(args.rules)
    result: dict[str, dict[str, float | int]] = {}
    for name in SETS:
        total: Counter[str] = Counter()
        print(f"\n{name}: lang relevant flagged review detected | irrelevant alarms marked | claims right")
        for (kind, language), c in sorted(counts.items()):
            if kind == name:
                total.update(c)
                print(_row(language, c))
        print(_row("all", total))
        result[name] = figures(total)
        got = result[name]
        print(
            f"  recall {got['recall']:.3f}, flagged or review {got['flagged_or_review']:.3f}, "
            f"false alarms {got['false_alarm_rate']:.3f}, claim status {got['claim_accuracy']:.3f}"
        )
    if not args.quiet:
        print("\n" + "\n".join(shown))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return 0


def measure(
    rules: str | Path = RULES, detect: bool = True
) -> tuple[dict[tuple[str, str], Counter[str]], list[str]]:
    """Per (set, language), the counts of relevant, flagged, marked, detected (with ``detect``:
    the language left to detection), false alarms and right claim statuses; and a line per
    miss and false alarm."""
    matcher = load_ruleset(rules)
    cues = cues_for(rules, matcher.gazetteer)
    counts: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    shown: list[str] = []
    for line in DATA.open(encoding="utf-8"):
        if not line.strip():
            continue
        item = json.loads(line)
        title, text, language = item["title"], item["text"], item["lang"]
        verdict = matcher.classify(title, text, language)
        c = counts[(item["set"], language)]
        if item["label"] == "relevant":
            c["relevant"] += 1
            c["flagged"] += verdict.flagged
            c["review"] += verdict.review and not verdict.flagged
            c["detected"] += detect and matcher.classify(title, text, None).flagged
            if verdict.flagged:
                claim = classify_claim(cues, title, text, language, [e.sentence for e in verdict.evidence])
                c["claim_right"] += claim.status == item["status"]
            else:
                mark = "review" if verdict.review else "missed"
                shown.append(f"{mark:7} {item['id']} [{language}] {title[:90]}")
        else:
            c["irrelevant"] += 1
            c["false_alarm"] += verdict.flagged
            c["marked"] += verdict.review and not verdict.flagged
            if verdict.flagged:
                shown.append(f"alarm   {item['id']} [{language}] {title[:90]} ({', '.join(verdict.rules)})")
    return counts, shown


def figures(total: Counter[str]) -> dict[str, float | int]:
    """A set's counts and its shares: recall, flagged or review, false alarms, claim status."""
    return {
        **dict(total),
        "recall": _share(total["flagged"], total["relevant"]),
        "flagged_or_review": _share(total["flagged"] + total["review"], total["relevant"]),
        "false_alarm_rate": _share(total["false_alarm"], total["irrelevant"]),
        "claim_accuracy": _share(total["claim_right"], total["flagged"]),
    }


def _share(part: int, whole: int) -> float:
    return round(part / whole, 3) if whole else 0.0


def _row(language: str, c: Counter[str]) -> str:
    return (
        f"  {language:4} {c['relevant']:4} {c['flagged']:4} {c['review']:4} {c['detected']:4} | "
        f"{c['irrelevant']:4} {c['false_alarm']:3} {c['marked']:3} | {c['claim_right']:3}/{c['flagged']}"
    )


if __name__ == "__main__":
    raise SystemExit(main())
