"""Rules quality and speed: the default ruleset on the labelled relevance corpus.

    python bench/rules.py                      # table + bench/results/rules.json
    python bench/rules.py --show fp,fn         # each false positive / negative with its evidence
    python bench/rules.py --check              # exit 1 when a figure falls below bench/baselines/rules.json
    python bench/rules.py --raise-baseline     # write today's figures as the new floors (only upward)

Corpus: ``../shared/corpus/relevance/{dev,dev-en}.jsonl`` (labels relevant / borderline /
irrelevant; hard negatives are irrelevant items whose reason starts "Hard negative") and
the five seed articles in ``../shared/seeds`` (all relevant). Precision, recall and F1 are
on relevant vs irrelevant; borderline items are reported apart (share flagged). Speed is
articles per second on one core, on texts cut or repeated to 5 KB.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from newswatch.rules import Matcher, load_ruleset  # noqa: E402

SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "relevance"
SEEDS = SHARED / "seeds"
BASELINE = ROOT / "bench" / "baselines" / "rules.json"
RESULTS = ROOT / "bench" / "results" / "rules.json"
# Figures that must not fall; all are "higher is better".
FLOORS = ("precision", "recall", "f1", "hard_negative_pass_rate", "seeds_flagged")


def load_items(corpus: Path = CORPUS, seeds: Path = SEEDS) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for name in ("dev.jsonl", "dev-en.jsonl"):
        path = corpus / name
        if path.exists():
            items.extend(json.loads(line) for line in path.open(encoding="utf-8") if line.strip())
    for path in sorted(seeds.glob("*.txt")) if seeds.exists() else []:
        lines = path.read_text(encoding="utf-8").splitlines()
        items.append(
            {
                "id": f"seed:{path.stem}",
                "title": "",
                "text": "\n".join(lines),
                "label": "relevant",
                "lang": "en",
                "reason": "seed article",
                "seed": True,
            }
        )
    return items


def score(matcher: Matcher, items: list[dict[str, Any]]) -> dict[str, Any]:
    per_item = []
    for item in items:
        verdict = matcher.classify(item.get("title", ""), item.get("text", ""))
        per_item.append(
            {
                "id": item["id"],
                "label": item["label"],
                "lang": item.get("lang", "?"),
                "hard": item.get("reason", "").startswith("Hard negative"),
                "seed": item.get("seed", False),
                "title": item.get("title", ""),
                "reason": item.get("reason", ""),
                "flagged": verdict.flagged,
                "rules": list(verdict.rules),
                "severity": verdict.severity,
                "evidence": [e.sentence for e in verdict.evidence],
            }
        )
    rel = [r for r in per_item if r["label"] == "relevant"]
    irr = [r for r in per_item if r["label"] == "irrelevant"]
    border = [r for r in per_item if r["label"] == "borderline"]
    hard = [r for r in irr if r["hard"]]
    seeds = [r for r in per_item if r["seed"]]
    tp = sum(r["flagged"] for r in rel)
    fp = sum(r["flagged"] for r in irr)
    fn = len(rel) - tp
    precision = tp / (tp + fp) if tp + fp else 0.0
    recall = tp / len(rel) if rel else 0.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    by_lang: dict[str, dict[str, int]] = {}
    for r in rel:
        counts = by_lang.setdefault(r["lang"], {"relevant": 0, "flagged": 0})
        counts["relevant"] += 1
        counts["flagged"] += r["flagged"]
    return {
        "items": len(per_item),
        "relevant": len(rel),
        "irrelevant": len(irr),
        "borderline": len(border),
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "precision": round(precision, 4),
        "recall": round(recall, 4),
        "f1": round(f1, 4),
        "hard_negatives": len(hard),
        "hard_negative_fp": sum(r["flagged"] for r in hard),
        "hard_negative_pass_rate": round(1 - sum(r["flagged"] for r in hard) / len(hard), 4) if hard else 1.0,
        "borderline_flagged": round(sum(r["flagged"] for r in border) / len(border), 4) if border else 0.0,
        "seeds": len(seeds),
        "seeds_flagged": round(sum(r["flagged"] for r in seeds) / len(seeds), 4) if seeds else 1.0,
        "recall_by_language": {k: round(v["flagged"] / v["relevant"], 4) for k, v in sorted(by_lang.items())},
        "rules_fired": dict(
            Counter(rule for r in per_item if r["flagged"] for rule in r["rules"]).most_common()
        ),
        "per_item": per_item,
    }


def news_bodies(corpus: Path = SHARED / "corpus" / "extraction") -> list[dict[str, Any]]:
    """General news: the article bodies of the extraction corpus (ground truth text)."""
    out = []
    for truth in sorted(corpus.glob("*/truth.json")):
        data = json.loads(truth.read_text(encoding="utf-8"))
        if data.get("body"):
            out.append({"title": data.get("title", ""), "text": data["body"]})
    return out


def speed(matcher: Matcher, items: list[dict[str, Any]], size: int = 5000, rounds: int = 5) -> float:
    """Articles per CPU-second on one core: the best of ``rounds`` passes (as timeit does;
    the machine's noise only ever slows a pass down)."""
    texts = []
    for item in items:
        text = item.get("text") or "x"
        while len(text) < size:
            text = text + "\n" + text
        texts.append((item.get("title", ""), text[:size]))
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        for title, text in texts:
            matcher.classify(title, text)
        best = min(best, time.process_time() - started)
    return round(len(texts) / best, 1)


def show(result: dict[str, Any], kinds: set[str]) -> None:
    for r in result["per_item"]:
        kind = (
            ("fp" if r["label"] == "irrelevant" else "tp" if r["label"] == "relevant" else "bf")
            if r["flagged"]
            else ("fn" if r["label"] == "relevant" else "")
        )
        if kind in kinds:
            print(f"[{kind}] {r['id']} {r['lang']} {r['label']}: {r['title'][:90]}")
            print(f"      reason: {r['reason'][:140]}")
            if r["flagged"]:
                print(f"      rules: {', '.join(r['rules'])}")
                for sentence in r["evidence"]:
                    print(f"      > {sentence[:220]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", default=str(ROOT / "config" / "rules"))
    parser.add_argument("--show", default="", help="comma-separated: fp, fn, tp, bf (borderline flagged)")
    parser.add_argument("--check", action="store_true", help="fail when a figure is below its floor")
    parser.add_argument(
        "--raise-baseline", action="store_true", help="store today's figures as floors (upward only)"
    )
    parser.add_argument(
        "--lower-baseline", action="store_true", help="with --raise-baseline: allow floors to go down"
    )
    args = parser.parse_args(argv)
    if not CORPUS.exists():
        print(f"relevance corpus not found at {CORPUS}; nothing to score")
        return 0
    matcher = load_ruleset(args.rules)
    items = load_items()
    result = score(matcher, items)
    result["articles_per_second_5kb"] = speed(matcher, items)
    news = news_bodies()
    result["articles_per_second_5kb_general_news"] = speed(matcher, news) if news else None
    print(
        f"items {result['items']}: relevant {result['relevant']}, irrelevant {result['irrelevant']} "
        f"({result['hard_negatives']} hard), borderline {result['borderline']}, seeds {result['seeds']}"
    )
    print(
        f"precision {result['precision']:.3f}  recall {result['recall']:.3f}  F1 {result['f1']:.3f}  "
        f"(TP {result['tp']}, FP {result['fp']}, FN {result['fn']})"
    )
    hard, border = result["hard_negative_pass_rate"], result["borderline_flagged"]
    print(
        f"hard negatives flagged {result['hard_negative_fp']}/{result['hard_negatives']} "
        f"(pass rate {hard:.3f}); borderline flagged {border:.3f}; "
        f"seeds flagged {result['seeds_flagged']:.3f}"
    )
    print("recall by language: " + ", ".join(f"{k} {v:.2f}" for k, v in result["recall_by_language"].items()))
    print("rules fired on flagged items: " + ", ".join(f"{k} {v}" for k, v in result["rules_fired"].items()))
    dense, news = result["articles_per_second_5kb"], result["articles_per_second_5kb_general_news"] or 0
    print(
        f"speed on one core, 5 KB texts: {dense:.0f} articles/s on the topic corpus (dense with China and "
        f"Russia), {news:.0f} articles/s on general news (extraction corpus bodies)"
    )
    show(result, {k.strip() for k in args.show.split(",") if k.strip()})
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    baseline = json.loads(BASELINE.read_text()) if BASELINE.exists() else {}
    if args.raise_baseline:
        floors = {
            k: result[k] if args.lower_baseline else max(result[k], baseline.get(k, 0.0)) for k in FLOORS
        }
        BASELINE.parent.mkdir(parents=True, exist_ok=True)
        BASELINE.write_text(json.dumps(floors, indent=2) + "\n", encoding="utf-8")
        print(f"floors written to {BASELINE}")
    if args.check:
        low = {k: (result[k], v) for k, v in baseline.items() if result.get(k, 0.0) < v}
        for k, (got, floor) in low.items():
            print(f"BELOW FLOOR: {k} {got} < {floor}")
        return 1 if low else 0
    return 0


if __name__ == "__main__":
    sys.exit(main())
