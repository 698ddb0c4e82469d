"""Rules quality and speed: the default ruleset on the labelled relevance corpus.

    python bench/rules.py                      # table + bench/results/rules.json
    python bench/rules.py --show fp,fn         # each false positive / negative with its evidence
    python bench/rules.py --check              # exit 1 when a figure falls below bench/baselines/rules.json
    python bench/rules.py --raise-baseline     # write today's figures as the new floors (only upward)
    python bench/rules.py --against OLD_RULES  # speed A/B, interleaved in one run, with the spread
    python bench/rules.py --extra labels.jsonl # also score the team's labels (newswatch labels export)

Corpus: ``../shared/corpus/relevance/{dev,dev-en,dev2}.jsonl`` (labels relevant /
borderline / irrelevant; hard negatives are irrelevant items whose reason starts "Hard
negative"; dev2 is ordinary news in 15 languages) and the five seed articles in
``../shared/seeds`` (all relevant). Precision, recall and F1 are on relevant vs irrelevant,
overall and per language; borderline items are reported apart (share flagged). The review
tier (articles no rule flags but worth a look) is scored as flagged-or-review recall and
as the share of general news (the extraction corpus's bodies) and of hard negatives it
marks. Every miss and false alarm can be listed with the rules that fired or the groups a
rule lacked (``--show``). Speed is articles per second on one core, on texts cut or
repeated to 5 KB. ``--extra FILE`` (repeatable) reads more records in the corpus's format, such
as the team's judgements (``newswatch labels export``), and scores them beside the corpus,
apart from it: the corpus's figures and floors do not change.
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

from bench.floors import settle  # noqa: E402
from newswatch.rules import Matcher, load_ruleset  # noqa: E402
from newswatch.rules.syntax import groups_in  # noqa: E402
from newswatch.rules.text import build_doc  # noqa: E402

SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus" / "relevance"
SEEDS = SHARED / "seeds"
BASELINE = ROOT / "bench" / "baselines" / "rules.json"
RESULTS = ROOT / "bench" / "results" / "rules.json"
# Figures that must not fall; all are "higher is better".
FLOORS = ("precision", "recall", "f1", "hard_negative_pass_rate", "seeds_flagged", "review_recall")


def load_items(corpus: Path = CORPUS, seeds: Path = SEEDS) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    for name in ("dev.jsonl", "dev-en.jsonl", "dev2.jsonl"):
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


def load_extra(paths: list[Path]) -> list[dict[str, Any]]:
    """Records in the corpus's format from other JSON Lines files (``newswatch labels export``);
    each id is prefixed with its file's name, so it never clashes with the corpus's."""
    items: list[dict[str, Any]] = []
    for path in paths:
        for line in path.open(encoding="utf-8"):
            if line.strip():
                item = json.loads(line)
                items.append({**item, "id": f"{path.stem}:{item['id']}"})
    return items


def missing_groups(matcher: Matcher, title: str, text: str) -> str:
    """For a miss: the rule whose query lacks the fewest groups in the article, and those groups."""
    present = {term[1:] for term, _ in matcher.scan(build_doc(title, text)) if term.startswith("@")}
    best: tuple[int, str, list[str]] | None = None
    for rule in matcher.rules:
        lacking = sorted(groups_in(rule.tree) - present)
        if best is None or len(lacking) < best[0]:
            best = (len(lacking), rule.id, lacking)
    if best is None:
        return ""
    return f"{best[1]} lacks {', '.join(best[2]) or 'nothing (the groups are there, not together)'}"


def score(matcher: Matcher, items: list[dict[str, Any]]) -> dict[str, Any]:
    per_item = []
    for item in items:
        # the crawl passes the page's (or the detected) language; the corpus's is langdetect's
        verdict = matcher.classify(item.get("title", ""), item.get("text", ""), item.get("lang"))
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
                "review": verdict.review,
                "lacking": ""
                if verdict.flagged or item["label"] != "relevant"
                else missing_groups(matcher, item.get("title", ""), item.get("text", "")),
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
    for r in rel + irr:
        counts = by_lang.setdefault(r["lang"], {"relevant": 0, "flagged": 0, "irrelevant": 0, "fp": 0})
        if r["label"] == "relevant":
            counts["relevant"] += 1
            counts["flagged"] += r["flagged"]
        else:
            counts["irrelevant"] += 1
            counts["fp"] += r["flagged"]
    caught = sum(r["flagged"] or r["review"] for r in rel)
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
        "recall_by_language": {
            k: round(v["flagged"] / v["relevant"], 4) for k, v in sorted(by_lang.items()) if v["relevant"]
        },
        "by_language": by_lang,
        "review_recall": round(caught / len(rel), 4) if rel else 1.0,
        "review_marks_relevant": sum(r["review"] for r in rel),
        "review_marks_hard_negatives": round(sum(r["review"] for r in hard) / len(hard), 4) if hard else 0.0,
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
            out.append({"title": data.get("title", ""), "text": data["body"], "lang": data.get("language")})
    return out


def speed(matcher: Matcher, items: list[dict[str, Any]], size: int = 5000, rounds: int = 5) -> float:
    """Articles per CPU-second on one core: the best of ``rounds`` passes (as timeit does;
    the machine's noise only ever slows a pass down)."""
    texts = []
    for item in items:
        text = item.get("text") or "x"
        while len(text) < size:
            text = text + "\n" + text
        texts.append((item.get("title", ""), text[:size], item.get("lang")))
    best = float("inf")
    for _ in range(rounds):
        started = time.process_time()
        for title, text, language in texts:
            matcher.classify(title, text, language)
        best = min(best, time.process_time() - started)
    return round(len(texts) / best, 1)


def against(new: Matcher, old: Matcher, items: list[dict[str, Any]], rounds: int = 5) -> None:
    """Speed of two rulesets on the same texts, passes interleaved (old, new, old, …), with
    the machine's load and each side's spread."""
    import os
    import statistics

    times: dict[str, list[float]] = {"old": [], "new": []}
    for matcher in (old, new):  # automata are built and word keys learned on first use
        speed(matcher, items, rounds=1)
    for _ in range(rounds):
        for name, matcher in (("old", old), ("new", new)):
            times[name].append(speed(matcher, items, rounds=1))
    print(f"load average: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    for name, got in times.items():
        print(
            f"{name}: median {statistics.median(got):.0f} articles/s "
            f"(spread {min(got):.0f}-{max(got):.0f}, {rounds} passes)"
        )


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
            if r["flagged"] or r["review"]:
                print(f"      {'rules: ' + ', '.join(r['rules']) if r['flagged'] else 'marked for review'}")
                for sentence in r["evidence"]:
                    print(f"      > {sentence[:220]}")
            elif r["lacking"]:
                print(f"      nearest: {r['lacking']}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rules", default=str(ROOT / "config" / "rules"))
    parser.add_argument("--show", default="", help="comma-separated: fp, fn, tp, bf (borderline flagged)")
    parser.add_argument("--against", metavar="RULES", help="another ruleset: a speed A/B, interleaved")
    parser.add_argument("--check", action="store_true", help="fail when a figure is below its floor")
    parser.add_argument(
        "--extra",
        action="append",
        default=[],
        type=Path,
        metavar="FILE",
        help="more records in the corpus's format (newswatch labels export), scored apart; repeatable",
    )
    parser.add_argument(
        "--raise-baseline", action="store_true", help="store today's figures as floors (upward only)"
    )
    parser.add_argument(
        "--lower-baseline", action="store_true", help="with --raise-baseline: allow floors to go down"
    )
    args = parser.parse_args(argv)
    extra = load_extra(args.extra)
    if not CORPUS.exists() and not extra:
        print(f"relevance corpus not found at {CORPUS}; nothing to score")
        return 0
    matcher = load_ruleset(args.rules)
    scored: dict[str, Any] | None = None
    if extra:
        scored = score(matcher, extra)
        print(
            f"extra ({', '.join(str(p) for p in args.extra)}): {scored['items']} items, relevant "
            f"{scored['relevant']}, irrelevant {scored['irrelevant']}, borderline {scored['borderline']}: "
            f"precision {scored['precision']:.3f}  recall {scored['recall']:.3f}  F1 {scored['f1']:.3f}  "
            f"(TP {scored['tp']}, FP {scored['fp']}, FN {scored['fn']})"
        )
        show(scored, {k.strip() for k in args.show.split(",") if k.strip()})
        if not CORPUS.exists():
            return 0
    items = load_items()
    if args.against:
        against(matcher, load_ruleset(args.against), items)
        return 0
    result = score(matcher, items)
    result["articles_per_second_5kb"] = speed(matcher, items)
    news = news_bodies()
    result["articles_per_second_5kb_general_news"] = speed(matcher, news) if news else None
    if news:
        marked = sum(matcher.classify(n["title"], n["text"], n.get("lang")).review for n in news)
        result["review_marks_general_news"] = round(marked / len(news), 4)
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
    print("by language (relevant flagged / relevant, false alarms / irrelevant):")
    for lang, c in sorted(
        result["by_language"].items(), key=lambda kv: -kv[1]["relevant"] - kv[1]["irrelevant"]
    ):
        recall = f"{c['flagged'] / c['relevant']:.2f}" if c["relevant"] else "  - "
        alarms = f"false alarms {c['fp']}/{c['irrelevant']}"
        print(f"  {lang}: recall {recall} ({c['flagged']}/{c['relevant']}), {alarms}")
    general = result.get("review_marks_general_news")
    print(
        f"review tier: flagged or review recall {result['review_recall']:.3f}; marks "
        f"{result['review_marks_relevant']} relevant, {result['review_marks_hard_negatives']:.3f} of hard "
        f"negatives, {general if general is not None else '-'} of general news"
    )
    print("rules fired on flagged items: " + ", ".join(f"{k} {v}" for k, v in result["rules_fired"].items()))
    dense, news = result["articles_per_second_5kb"], result["articles_per_second_5kb_general_news"] or 0
    print(
        f"speed on one core, 5 KB texts: {dense:.0f} articles/s on the topic corpus (dense with China and "
        f"Russia), {news:.0f} articles/s on general news (extraction corpus bodies)"
    )
    show(result, {k.strip() for k in args.show.split(",") if k.strip()})
    if scored is not None:  # the extra files' figures, apart from the corpus's (no floor reads them)
        result["extra"] = {k: v for k, v in scored.items() if k != "per_item"}
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    return settle(
        {k: result[k] for k in FLOORS},
        BASELINE,
        check=args.check,
        raise_=args.raise_baseline,
        lower=args.lower_baseline,
    )


if __name__ == "__main__":
    sys.exit(main())
