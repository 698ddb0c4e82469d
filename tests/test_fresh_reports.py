"""The fresh reports of bench/fresh_reports.py: a well-formed set, and the recall and false-alarm
figures docs/rules.md reports, held as floors (they need no ../shared)."""

from __future__ import annotations

import json
from collections import Counter

from helpers import ROOT, load_bench

from newswatch.claims import STATUSES
from newswatch.config.rules import LANGUAGES

DATA = ROOT / "bench" / "data" / "fresh_reports.jsonl"


def test_every_fresh_report_is_labelled_in_a_rule_language_and_in_one_set() -> None:
    records = [json.loads(line) for line in DATA.open(encoding="utf-8") if line.strip()]
    assert len(records) == 444 and len({r["id"] for r in records}) == 444
    assert Counter(r["set"] for r in records) == {"tuning": 210, "held-out": 234}
    assert {r["lang"] for r in records} <= set(LANGUAGES)
    for record in records:
        assert record["title"].strip() and record["text"].strip()
        assert record["label"] in ("relevant", "irrelevant")
        assert (record["status"] in STATUSES) == (record["label"] == "relevant")
    # a set's languages are its own: the held-out ones were never read to write the word lists
    languages = {name: {r["lang"] for r in records if r["set"] == name} for name in ("tuning", "held-out")}
    assert not languages["tuning"] & languages["held-out"]


def test_the_rules_find_the_fresh_reports_as_docs_rules_md_reports() -> None:
    bench = load_bench("fresh_reports")
    counts, _ = bench.measure(detect=False)
    sets = {name: Counter[str]() for name in bench.SETS}
    for (name, _language), count in counts.items():
        sets[name].update(count)
    tuning, held_out = (bench.figures(sets[name]) for name in bench.SETS)
    assert tuning["recall"] >= 0.74 and tuning["false_alarm"] == 0
    assert held_out["recall"] >= 0.70 and held_out["false_alarm"] <= 1
