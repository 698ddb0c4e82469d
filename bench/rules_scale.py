"""Rules cost by text length and shape: ordinary prose and pathological pages, 5 KB to 500 KB.

    python bench/rules_scale.py                      # table + bench/results/rules_scale.json
    python bench/rules_scale.py --repeats 5          # more passes per case (min / median / max)
    python bench/rules_scale.py --compare OLD_TREE   # the same cases with OLD_TREE/rules, side by side
    python bench/rules_scale.py --sizes 200000,400000 --shapes "one sentence"

Each case times ``Matcher.classify(title, text)`` with the default ruleset (wall clock, one
core), ``--repeats`` times, and reports min / median / max seconds, the matcher's note when
the article was too long to match fully, and the machine's load average before and after
(os.getloadavg: a busy machine slows every figure). Shapes: news prose (bodies of the
extraction corpus when ../shared is there, else a fixed paragraph), topic prose (the seed
articles, dense with China and Russia), and pages a crawler meets by accident or malice —
one sentence with no full stop, no whitespace at all, Chinese without punctuation, every
word a rule term, runs of punctuation. ``--compare`` runs each case against an older copy
of the ``rules`` package in a subprocess with a time limit (``--timeout``), so before and
after come from the same run on the same machine.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
RESULTS = ROOT / "bench" / "results" / "rules_scale.json"
SIZES = (5_000, 50_000, 500_000)
PROSE = (
    "The city council met on Tuesday to discuss the budget for schools and roads. Members "
    "argued over the cost of repairs, and the mayor promised a decision before the summer.\n"
)
FLAGGING = "The US Treasury sanctioned 12 Chinese companies for supplying drone components to Russia's army,"
COMMAS = "China,supplied,drones,to,Russia's,army"
CLAIM = "China supplies drones to Russia "
CHINESE = "中国向俄罗斯提供无人机零部件和机床支持其对乌克兰的战争"


def _repeat(unit: str, size: int, sep: str = " ") -> str:
    return (sep.join([unit] * (size // (len(unit) + len(sep)) + 2)))[:size]


def _corpus_prose(folder: Path, pattern: str, key: str | None) -> str:
    """The texts of a corpus folder joined as paragraphs (empty when it is absent)."""
    parts = []
    for path in sorted(folder.glob(pattern)) if folder.exists() else []:
        parts.append(json.loads(path.read_text(encoding="utf-8")).get(key, "") if key else path.read_text())
    return "\n".join(p for p in parts if p)


def shapes() -> dict[str, Callable[[int], str]]:
    """Name → a function giving a text of that shape and (about) that many characters."""
    news = _corpus_prose(SHARED / "corpus" / "extraction", "*/truth.json", "body") or PROSE
    topic = _corpus_prose(SHARED / "seeds", "*.txt", None) or PROSE
    return {
        "news prose": lambda n: _repeat(news, n, "\n"),
        "topic prose": lambda n: _repeat(topic, n, "\n"),
        "one sentence, no full stop": lambda n: _repeat("Chinese drone engines supplied to Russia", n),
        "one sentence that flags, repeated": lambda n: _repeat(FLAGGING, n),
        "no whitespace, commas between words": lambda n: _repeat(COMMAS, n, ","),
        "no whitespace at all": lambda n: _repeat("ChinadronesRussiaweapons", n, ""),
        "Chinese without punctuation": lambda n: _repeat(CHINESE, n, ""),
        "every word a term": lambda n: _repeat("China Russia drone supply weapons sanctions", n),
        "excluded phrases everywhere": lambda n: _repeat("South China Sea drones supplied to Russia", n),
        "a run of exclamation marks": lambda n: CLAIM + "!" * n + "x",
        "a run of full stops and brackets": lambda n: CLAIM + "." * (n // 2) + ")" * (n // 2) + "x",
    }


def measure(rules_tree: Path, shape: str, size: int, repeats: int) -> dict[str, Any]:
    """Seconds per classify of one case with the ``rules`` package under ``rules_tree``."""
    if str(rules_tree) not in sys.path:
        sys.path.insert(0, str(rules_tree))
    from newswatch.rules import load_ruleset

    matcher = load_ruleset(ROOT / "config" / "rules")
    text = shapes()[shape](size)
    times, note = [], None
    for _ in range(repeats):
        started = time.perf_counter()
        verdict = matcher.classify("Title", text)
        times.append(time.perf_counter() - started)
        note = getattr(verdict, "match_note", None)
    return {
        "shape": shape,
        "chars": len(text),
        "min": round(min(times), 4),
        "median": round(statistics.median(times), 4),
        "max": round(max(times), 4),
        "flagged": verdict.flagged,
        "note": note,
    }


def measure_elsewhere(
    rules_tree: Path, shape: str, size: int, repeats: int, timeout: float
) -> dict[str, Any]:
    """:func:`measure` in a subprocess (another copy of the package), given up after ``timeout``."""
    args = [sys.executable, __file__, "--worker", str(rules_tree), "--shapes", f"={shape}"]
    args += ["--sizes", str(size), "--repeats", str(repeats)]
    try:
        done = subprocess.run(args, capture_output=True, text=True, timeout=timeout, check=True)
    except subprocess.TimeoutExpired:
        return {"shape": shape, "chars": size, "timeout": timeout}
    except subprocess.CalledProcessError as exc:
        return {"shape": shape, "chars": size, "error": exc.stderr.strip().splitlines()[-1:]}
    result: dict[str, Any] = json.loads(done.stdout)
    return result


def _cell(result: dict[str, Any] | None) -> str:
    if result is None:
        return ""
    if "timeout" in result:
        return f"> {result['timeout']:g} s (stopped)"
    if "error" in result:
        return f"error: {result['error']}"
    return f"{result['min']:.3f} / {result['median']:.3f} / {result['max']:.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="characters, comma-separated")
    parser.add_argument(
        "--shapes", default="", help="only shapes whose name holds one of these (a,b,…), or =NAME"
    )
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--compare", metavar="OLD_TREE", help="a folder holding an older rules/ package")
    parser.add_argument("--timeout", type=float, default=120.0, help="seconds per case for --compare")
    parser.add_argument("--worker", metavar="TREE", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    if args.shapes.startswith("="):  # one shape, by its exact name
        names = [args.shapes[1:]]
    else:
        wanted = [w.strip() for w in args.shapes.split(",") if w.strip()]
        names = [n for n in shapes() if not wanted or any(w in n for w in wanted)]
    if args.worker:  # one case, for --compare
        print(json.dumps(measure(Path(args.worker), names[0], sizes[0], args.repeats)))
        return 0
    load_before = os.getloadavg()
    print(f"load average before: {' '.join(f'{x:.2f}' for x in load_before)} ({os.cpu_count()} cores)")
    print("seconds per classify: min / median / max" + (" (now | before)" if args.compare else ""))
    rows = []
    for name in names:
        for size in sizes:
            now = measure(ROOT, name, size, args.repeats)
            before = (
                measure_elsewhere(Path(args.compare), name, size, args.repeats, args.timeout)
                if args.compare
                else None
            )
            rows.append({"now": now, "before": before})
            note = f"  [{now['note']}]" if now["note"] else ""
            extra = f" | {_cell(before)}" if before else ""
            print(f"{name:38} {now['chars']:>8,} chars  {_cell(now)}{extra}{note}", flush=True)
    load_after = os.getloadavg()
    print(f"load average after: {' '.join(f'{x:.2f}' for x in load_after)}")
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(
        json.dumps({"load_before": load_before, "load_after": load_after, "cases": rows}, indent=1),
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
