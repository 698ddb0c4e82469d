"""Crash recovery: kill -9 the crawl, the dispatcher or the whole service mid-work.

    python bench/crash.py [--trials 60] [--seed 1]

Each trial builds a fresh loopback world (3 outlets × 8 articles, every other one flagged, a
loopback Slack), kills one process at a random point of its work (after a random number of
articles archived or posts confirmed; the whole service with its crawl children for
``service``: a power cut as far as the archive can tell), restarts with `newswatch run
--once`, and checks: every article archived once, every flagged article alerted once and
sent, at most one duplicate post per kill of a delivering process, and
``PRAGMA integrity_check``. See tests/crash_harness.py. Writes bench/results/crash.json.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import Counter
from dataclasses import asdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from crash_harness import KINDS, run_trial  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args(argv)
    rng = random.Random(args.seed)
    trials = []
    for n in range(args.trials):
        kind = KINDS[n % len(KINDS)]
        trial = run_trial(kind, rng)
        trials.append(trial)
        mark = "ok" if trial.ok else "FAIL " + "; ".join(trial.problems)
        print(
            f"{n + 1:3d} {kind:8s} kill after {trial.kill_after:4.1f} s "
            f"({'killed' if trial.killed else 'had finished'}; {trial.archived_at_kill} archived, "
            f"{trial.posts_at_kill} posted by then) → {trial.archived}/{trial.articles} archived, "
            f"{trial.posts} posts for {trial.flagged} flagged, {trial.duplicates} duplicate(s): {mark}",
            flush=True,
        )
    summary: dict[str, object] = {"trials": len(trials), "failed": sum(not t.ok for t in trials)}
    for kind in KINDS:
        mine = [t for t in trials if t.kind == kind]
        summary[kind] = {
            "trials": len(mine),
            "killed_mid_work": sum(t.killed for t in mine),
            "failed": sum(not t.ok for t in mine),
            "duplicates": sum(t.duplicates for t in mine),
            "integrity_ok": sum(t.integrity == "ok" for t in mine),
        }
    summary["problems"] = Counter(p.split(",")[0] for t in trials for p in t.problems)
    print(json.dumps(summary, indent=2))
    out = ROOT / "bench" / "results" / "crash.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({**summary, "runs": [asdict(t) for t in trials]}, indent=2), encoding="utf-8")
    return 0 if summary["failed"] == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
