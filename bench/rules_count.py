"""Rules speed against the number of rules: the default ruleset plus synthetic rules, 10 to
500 in all, on topic-dense texts (issue #24, item 5).

    python bench/rules_count.py                    # table + bench/results/rules_count.json
    python bench/rules_count.py --rounds 9         # more interleaved passes
    python bench/rules_count.py --baseline OLD     # and the code before, interleaved (OLD/newswatch)
    python bench/rules_count.py --counts 100 --startup 12

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
machine's load average. Targets: 2,000/s at 100 rules and 1,000/s at 500 rules.

``--baseline OLD`` (a folder holding an older ``newswatch`` package, e.g. a copy of it made
before a change) adds a third side, the code before: a worker process that imports it and
builds the same ruleset, and runs its passes between this code's (A/B/A/B), so a change is
measured against the machine's noise of the same minutes.

Also: ``newswatch classify --jsonl`` start-up on one short record (no language, so the
language model loads; flagged, so the claim cues load too) with the default rules, wall and
CPU of the process, ``--startup`` runs, interleaved with the code before under
``--baseline``. Each side runs once first to write its bytecode (into a temporary
``PYTHONPYCACHEPREFIX``), as an installed release has it.
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


def startup(records: Path, env: dict[str, str]) -> tuple[float, float]:
    """Wall and CPU seconds of ``newswatch classify --jsonl`` on ``records``."""
    started = time.perf_counter()
    before = os.times()
    done = subprocess.run(
        [str(ROOT / ".venv" / "bin" / "newswatch"), "classify", "--jsonl", str(records)],
        check=True,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
    )
    took = time.perf_counter() - started
    after = os.times()
    if '"flagged": true' not in done.stdout:
        raise SystemExit(f"classify did not flag the start-up record: {done.stdout!r}")
    cpu = after.children_user - before.children_user + after.children_system - before.children_system
    return took, cpu


def _startup_env(baseline: Path | None, cache: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    env["PYTHONPYCACHEPREFIX"] = str(cache)
    env["NEWSWATCH_RULES"] = str(RULES)
    if baseline is not None:
        env["PYTHONPATH"] = str(baseline)
    return env


def startups(runs: int, baseline: Path | None) -> dict[str, dict[str, list[float]]]:
    """``runs`` start-ups of this code (and of the baseline's, interleaved), after one each."""
    record = {"id": "x", "title": "t", "text": "China ships drones to Russia."}
    got: dict[str, dict[str, list[float]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        records = Path(tmp) / "one.jsonl"
        records.write_text(json.dumps(record) + "\n", encoding="utf-8")
        sides = {"this code": _startup_env(None, Path(tmp) / "pyc")}
        if baseline is not None:
            sides["code before"] = _startup_env(baseline, Path(tmp) / "pyc-before")
        for env in sides.values():
            startup(records, env)  # bytecode written
        for _ in range(runs):
            for name, env in sides.items():
                wall, cpu = startup(records, env)
                got.setdefault(name, {"wall": [], "cpu": []})
                got[name]["wall"].append(round(wall, 3))
                got[name]["cpu"].append(round(cpu, 3))
    return got


class Baseline:
    """The code before in a worker process: the same ruleset built with ``OLD/newswatch``,
    one pass over the texts per request."""

    def __init__(self, tree: Path, folder: Path):
        args = [sys.executable, __file__, "--worker", str(tree), "--rules-folder", str(folder)]
        self.process = subprocess.Popen(args, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.rules = int(self._read())

    def _read(self) -> str:
        assert self.process.stdout is not None
        line = self.process.stdout.readline()
        if not line:
            raise SystemExit(f"the baseline worker stopped (exit {self.process.wait()})")
        return line

    def one_pass(self, count: int | None = None) -> float:
        assert self.process.stdin is not None
        self.process.stdin.write(f"{count or 0}\n")
        self.process.stdin.flush()
        return float(self._read())

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait()


def worker(tree: Path, folder: Path) -> int:
    """The baseline's side (see :class:`Baseline`): the older package's ruleset, then a pass
    over the texts (the first ``n`` when a line says ``n``) for each line read."""
    for name in [m for m in sys.modules if m == "newswatch" or m.startswith("newswatch.")]:
        del sys.modules[name]
    sys.path.insert(0, str(tree))
    from newswatch.rules import load_ruleset as load_older

    matcher = load_older(folder)
    if not str(sys.modules["newswatch"].__file__).startswith(str(tree)):
        raise SystemExit(f"{tree} holds no newswatch package")
    docs = texts()
    print(len(matcher.rules), flush=True)
    for line in sys.stdin:
        count = int(line) or len(docs)
        print(one_pass(matcher, docs[:count]), flush=True)  # type: ignore[arg-type]
    return 0


def _pass(
    matcher: Matcher | Baseline, docs: list[tuple[str, str, str | None]], count: int | None = None
) -> float:
    """Articles per CPU-second of one pass over the first ``count`` texts (all by default)."""
    if isinstance(matcher, Baseline):
        return matcher.one_pass(count)
    return one_pass(matcher, docs[:count])


def _summary(values: list[float]) -> dict[str, float]:
    return {
        "best": round(max(values)),
        "median": round(statistics.median(values)),
        "worst": round(min(values)),
    }


def _spread(values: list[float]) -> str:
    return f"{statistics.median(values):.3f} [{min(values):.3f}-{max(values):.3f}]"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved passes per side")
    parser.add_argument("--counts", default=",".join(map(str, COUNTS)), help="rules in all, comma-separated")
    parser.add_argument("--baseline", metavar="OLD", type=Path, help="a folder holding the code before")
    parser.add_argument("--startup", type=int, default=3, help="classify --jsonl start-ups per side")
    parser.add_argument("--no-all-rules", action="store_true", help="leave out the all-rules-tried side")
    parser.add_argument("--worker", metavar="OLD", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--rules-folder", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.worker, args.rules_folder)
    docs = texts()
    if len(docs) < 50:
        print("the relevance corpus is not there (../shared); nothing to measure")
        return 0
    report: dict[str, Any] = {"texts": len(docs), "load_average_before": os.getloadavg(), "counts": {}}
    print(f"{len(docs)} texts of 5 KB; load average {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp:
        for total in [int(c) for c in args.counts.split(",") if c.strip()]:
            folder = ruleset_with(total, Path(tmp) / str(total))
            indexed = load_ruleset(folder)
            sides: dict[str, Any] = {"indexed": indexed}
            if not args.no_all_rules:
                every = AllRulesTried.__new__(AllRulesTried)
                every.__dict__.update(indexed.__dict__)
                sides["all rules tried"] = every
            if args.baseline:
                sides["code before"] = Baseline(args.baseline, folder)
            got: dict[str, list[float]] = {name: [] for name in sides}
            for matcher in sides.values():  # every language's automaton built, words keyed
                _pass(matcher, docs)
            for _ in range(args.rounds):
                for name, matcher in sides.items():
                    got[name].append(_pass(matcher, docs))
            for matcher in sides.values():
                if isinstance(matcher, Baseline):
                    matcher.close()
            rules = len(indexed.rules)
            report["counts"][rules] = {name: _summary(values) for name, values in got.items()}
            if args.baseline:
                ratios = [a / b for a, b in zip(got["indexed"], got["code before"], strict=True)]
                report["counts"][rules]["ratio to the code before"] = [round(r, 3) for r in ratios]
            line = "; ".join(
                f"{name}: best {s['best']}, median {s['median']} (spread {s['worst']}-{s['best']})"
                for name, s in report["counts"][rules].items()
                if isinstance(s, dict)
            )
            ratio = ""
            if args.baseline:
                r = report["counts"][rules]["ratio to the code before"]
                ratio = f"; ratio per round {statistics.median(r):.2f} [{min(r):.2f}-{max(r):.2f}]"
            print(f"  {rules} rules: {line} articles/s{ratio}", flush=True)
    if args.startup:
        runs = startups(args.startup, args.baseline)
        report["classify_jsonl_startup_s"] = runs
        for name, values in runs.items():
            print(
                f"classify --jsonl start-up, {name} ({len(values['wall'])} runs): "
                f"wall {_spread(values['wall'])} s, CPU {_spread(values['cpu'])} s"
            )
    report["load_average_after"] = os.getloadavg()
    print(f"load average after {os.getloadavg()}")
    print("targets: 2,000/s at 100 rules, 1,000/s at 500, classify --jsonl start-up under 0.5 s")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, indent=1), encoding="utf-8")
    print(f"written to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
