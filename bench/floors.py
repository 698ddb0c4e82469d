"""Floors of a benchmark's figures (``bench/baselines/NAME.json``): raised and checked alike by
the benchmarks whose figures are one flat table (claims, rules, story grouping)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from pathlib import Path


def settle(
    figures: Mapping[str, float], path: Path, *, check: bool, raise_: bool, lower: bool = False
) -> int:
    """``raise_``: write ``figures`` as the floors, never below the old ones unless ``lower``;
    ``check``: report every figure below its (old) floor. The exit code: 1 when one is."""
    baseline = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    if raise_:
        floors = {k: v if lower else max(v, baseline.get(k, 0.0)) for k, v in figures.items()}
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(floors, indent=2) + "\n", encoding="utf-8")
        print(f"floors written to {path}")
    if not check:
        return 0
    low = {k: (figures.get(k, 0.0), floor) for k, floor in baseline.items() if figures.get(k, 0.0) < floor}
    for name, (got, floor) in low.items():
        print(f"below its floor: {name} {got} < {floor}")
    if low:
        return 1
    print("every figure at or above its floor")
    return 0
