"""The rules index: an article tries only the rules one of whose required terms it holds,
with the same verdicts as trying every rule."""

from __future__ import annotations

from typing import Any

from helpers import ROOT

from newswatch.rules import Matcher, load_ruleset
from newswatch.rules.engine import Rule
from newswatch.rules.syntax import parse_query


class EveryRuleTried(Matcher):
    """Every rule's tree checked against the terms present, as before the index."""

    def _candidates(self, present: set[str]) -> list[Any]:
        return list(self.rules)


def rule(rule_id: str, query: str) -> Rule:
    return Rule(rule_id, rule_id, "low", 1.0, "sentence", query, parse_query(query))


def test_a_rule_is_tried_only_when_a_term_it_requires_is_present() -> None:
    groups = {"A": ["alpha"], "B": ["bravo"], "C": ["charlie"], "D": ["delta"]}
    rules = [
        rule("and", "A AND B"),
        rule("or", "(A OR C) AND D"),
        rule("not-only", "charlie OR NOT B"),  # true without any term: always tried
        rule("near", "B NEAR/3 C"),
    ]
    matcher = Matcher(groups, rules, 1.0)
    tried = lambda *present: [r.id for r in matcher._candidates(set(present))]  # noqa: E731
    assert tried() == ["not-only"]
    assert tried("@D") == ["or", "not-only"]
    assert tried("@C") == ["not-only"]  # "near" needs B too: not tried
    assert tried("@B") == ["not-only", "near"]
    assert tried("@A", "@B", "@C", "@D") == ["and", "or", "not-only", "near"]
    assert matcher.classify("", "delta and charlie met.", "en").rules == ("or", "not-only")


def test_the_default_rules_give_the_same_verdicts_indexed_as_when_every_rule_is_tried() -> None:
    indexed = load_ruleset(ROOT / "config" / "rules")
    every = EveryRuleTried.__new__(EveryRuleTried)
    every.__dict__.update(indexed.__dict__)
    texts = [t for r in indexed.rules for t in (*r.examples, *r.counterexamples)]
    texts += ["Nothing about the topic at all.", "China. Russia. Drones. Sanctions."]
    assert len(texts) > 100
    for text in texts:
        assert indexed.classify("", text) == every.classify("", text), text
