"""kill -9 at a random moment, restart: nothing lost, nothing sent twice beyond one duplicate
per kill of a delivering process, and the archive intact (tests/crash_harness.py; the bench
bench/crash.py runs many more trials)."""

from __future__ import annotations

import random

import pytest
from crash_harness import run_trial


@pytest.mark.parametrize("kind", ["crawl", "dispatch", "service"])
def test_a_kill_at_a_random_moment_loses_nothing_and_sends_nothing_twice(kind: str) -> None:
    trial = run_trial(kind, random.Random(f"ci-{kind}"))
    assert trial.ok, trial
    assert trial.archived == trial.articles and trial.alerts_sent == trial.flagged
    assert trial.posts - trial.duplicates == trial.flagged and trial.integrity == "ok"
