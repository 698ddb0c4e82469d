"""Rules speed against the number of rules: the default ruleset plus synthetic rules, 10 to
500 in all, on topic-dense texts (issue #24, item 5).

    python bench/rules_count.py              # table + bench/results/rules_count.json
    python bench/rules_count.py --rounds 9   # more interleaved passes

Teams add rules about their own topics, each with its own words, most of which a given
article does not contain. The synthetic rules (fixed seed) are written that way: each has a
group of its own (``TOPIC_<k>``, four words or phrases, two in ten of them words that news
does use: "tanker", "satellite", "port" …) combined with the default groups the way the
default rules combine them (``TOPIC_k AND (RUSSIA OR RUSSIA_MILITARY)``, ``CHINA NEAR/5
TOPIC_k``, ``SENTENCE(...)`` scopes, a NOT). Each count is measured twice, interleaved
(A/B/A/B): **all rules tried** (every rule's tree checked against the terms present, as
before the rules index) and **indexed** (only the rules one of whose required terms is
present are tried), on the texts bench/rules.py uses (relevance corpus and seeds, each cut or
repeated to 5 KB), articles per CPU-second on one core; best, median and spread, with the
machine's load average. Targets: 2,000/s at 100 rules and 1,000/s at 500 rules. Also: the
wall time of ``newswatch classify --jsonl`` start-up (one short record) with the default
rules.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from rules import load_items  # noqa: E402  (bench/rules.py: the corpus)

from newswatch.rules import Matcher, load_ruleset  # noqa: E402

RULES = ROOT / "config" / "rules"
RESULTS = ROOT / "bench" / "results" / "rules_count.json"
COUNTS = (10, 100, 250, 500)
SEED = 24
#: Words news does use, for the synthetic topics that sometimes match.
_COMMON = """
    tanker satellite port bank drone engine chip lathe radar fighter shipyard missile rocket
    turbine bearing sensor camera optics laser battery cable fuel uniform helmet armour truck
"""
COMMON = _COMMON.split()
SHAPES = (
    "TOPIC_{k} AND (RUSSIA OR RUSSIA_MILITARY)",
    "(CHINA NEAR/5 TOPIC_{k}) AND WAR",
    "TOPIC_{k} AND (CHINA OR CN_ENTITIES) AND NOT (NEGATION NEAR/2 TOPIC_{k})",
    '(TOPIC_{k} OR "{word} deal") AND SANCTIONS AND CHINA',
)


class AllRulesTried(Matcher):
    """The matcher as it was before the rules index: every rule's tree checked."""

    def _candidates(self, present: set[str]) -> list[Any]:
        return list(self.rules)


def _invented(rng: random.Random) -> str:
    consonants, vowels = "bdfgklmnprstvz", "aeiou"
    return "".join(rng.choice(consonants) + rng.choice(vowels) for _ in range(rng.randint(3, 4)))


def ruleset_with(total: int, target: Path) -> Path:
    """A copy of the default rules with ``total - 12`` synthetic rules (fixed seed)."""
    shutil.copytree(RULES, target)
    rng = random.Random(SEED)
    base = len(load_ruleset(RULES).rules)
    lines: list[str] = []
    for k in range(max(0, total - base)):
        common = rng.random() < 0.2
        words = [rng.choice(COMMON) if common and i == 0 else _invented(rng) for i in range(4)]
        lines += [f"[groups.TOPIC_{k}]", f'description = "synthetic topic {k}"']
        lines.append("aliases = [" + ", ".join(json.dumps(w) for w in words) + "]")
        lines.append("")
    for k in range(max(0, total - base)):
        shape = SHAPES[k % len(SHAPES)].format(k=k, word=_invented(rng))
        lines += [
            "[[rules]]",
            f'id = "synthetic-{k}"',
            f'description = "synthetic rule {k}"',
            'severity = "low"',
            f'scope = "{"sentence" if k % 3 else "paragraph"}"',
            f"query = {json.dumps(shape)}",
            "",
        ]
    (target / "synthetic.toml").write_text("\n".join(lines), encoding="utf-8")
    return target


def texts(size: int = 5000) -> list[tuple[str, str, str | None]]:
    out = []
    for item in load_items():
        text = item.get("text") or "x"
        while len(text) < size:
            text = text + "\n" + text
        out.append((item.get("title", ""), text[:size], item.get("lang")))
    return out


def one_pass(matcher: Matcher, docs: list[tuple[str, str, str | None]]) -> float:
    started = time.process_time()
    for title, text, language in docs:
        matcher.classify(title, text, language)
    return len(docs) / (time.process_time() - started)


def startup() -> float:
    """Wall seconds of ``newswatch classify --jsonl`` on one short record."""
    record = json.dumps({"id": "x", "title": "t", "text": "China ships drones to Russia."}) + "\n"
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as f:
        f.write(record)
    started = time.perf_counter()
    subprocess.run(
        [str(ROOT / ".venv" / "bin" / "newswatch"), "classify", "--jsonl", f.name],
        check=True,
        capture_output=True,
        cwd=ROOT,
    )
    took = time.perf_counter() - started
    os.unlink(f.name)
    return took


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "best": round(max(values)),
        "median": round(statistics.median(values)),
        "worst": round(min(values)),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved passes per side")
    args = parser.parse_args(argv)
    docs = texts()
    if len(docs) < 50:
        print("the relevance corpus is not there (../shared); nothing to measure")
        return 0
    report: dict[str, Any] = {"texts": len(docs), "load_average_before": os.getloadavg(), "counts": {}}
    print(f"{len(docs)} texts of 5 KB; load average {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        for total in COUNTS:
            folder = ruleset_with(total, Path(tmp) / str(total))
            sides = {
                "all rules tried": AllRulesTried.__new__(AllRulesTried),
                "indexed": load_ruleset(folder),
            }
            sides["all rules tried"].__dict__.update(sides["indexed"].__dict__)
            got: dict[str, list[float]] = {name: [] for name in sides}
            for matcher in sides.values():  # automata built and words keyed before timing
                one_pass(matcher, docs[:20])
            for _ in range(args.rounds):
                for name, matcher in sides.items():
                    got[name].append(one_pass(matcher, docs))
            rules = len(sides["indexed"].rules)
            report["counts"][rules] = {name: _summary(values) for name, values in got.items()}
            line = "; ".join(
                f"{name}: best {s['best']}, median {s['median']} (spread {s['worst']}-{s['best']})"
                for name, s in report["counts"][rules].items()
            )
            print(f"  {rules} rules: {line} articles/s")
    report["classify_jsonl_startup_s"] = sorted(round(startup(), 3) for _ in range(3))
    report["load_average_after"] = os.getloadavg()
    print(f"classify --jsonl start-up (wall, 3 runs): {report['classify_jsonl_startup_s']} s")
    print(f"load average after {os.getloadavg()}; targets: 2,000/s at 100 rules, 1,000/s at 500")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(f"written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
