"""What the rules cost beyond their own matches: each alias is read once however many
structures use it, a term's hits are placed in their sentences once an article however many
rules read them, and whether a rule can match at all is decided as its tree reads."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from collections import Counter
from operator import attrgetter
from typing import Any

import pytest
from helpers import ROOT

from newswatch.rules import Matcher, engine
from newswatch.rules.engine import Rule, _compile_possible, term_id
from newswatch.rules.syntax import (
    And,
    GroupRef,
    InField,
    InScope,
    Near,
    Node,
    Not,
    Or,
    Term,
    leaves,
    parse_query,
)


def test_a_ruleset_and_its_claim_cues_normalise_each_alias_and_term_once() -> None:
    """Validation, automaton keys, inflections, the gazetteer's names and the claim cues read
    the same aliases: each distinct one is lower-cased and folded once (a fresh process, so
    nothing is remembered from elsewhere)."""
    probe = (
        "import json, collections\n"
        "import newswatch.rules.text as text\n"
        "seen, normalise = collections.Counter(), text.normalise\n"
        "def counted(value):\n"
        "    seen[value] += 1\n"
        "    return normalise(value)\n"
        "text.normalise = counted\n"
        "from newswatch.rules import load_ruleset\n"
        "from newswatch.claims import cues_for\n"
        "matcher = load_ruleset('config/rules')\n"
        "cues_for('config/rules', matcher.gazetteer)\n"
        "print(json.dumps([len(seen), seen.most_common(3)]))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120
    )
    assert done.returncode == 0, done.stderr
    distinct, most = json.loads(done.stdout)
    # the groups' own aliases, the rules' terms and the gazetteer's names (a language file's
    # words are normalised when a text of that language first comes)
    assert distinct > 2_000
    assert most[0][1] == 1, most


def _rule(rule_id: str, query: str, scope: str = "sentence") -> Rule:
    return Rule(rule_id, rule_id, "low", 1.0, scope, query, parse_query(query))  # type: ignore[arg-type]


@pytest.mark.parametrize("scope", ["sentence", "paragraph"])
def test_a_terms_hits_are_placed_in_their_units_once_an_article(
    monkeypatch: pytest.MonkeyPatch, scope: str
) -> None:
    """Forty rules read CHINA and RUSSIA: their twenty hits are placed in sentences (or
    paragraphs) once, not once per rule."""
    topics = [f"topic{k}" for k in range(40)]
    matcher = Matcher(
        {"CHINA": ["China"], "RUSSIA": ["Russia"]},
        [_rule(f"r{k}", f"CHINA AND RUSSIA AND {word}", scope) for k, word in enumerate(topics)],
    )
    text = "\n".join(f"China and Russia discussed {word}." for word in topics[:10])
    text += "\n" + " ".join(topics[10:]) + "."
    reads: Counter[str] = Counter()

    def counted(name: str) -> Any:
        get = attrgetter(name)

        def read(hit: engine.Hit) -> int:
            reads[name] += 1
            return int(get(hit))

        return read

    monkeypatch.setattr(engine, "_UNIT_OF", {name: counted(name) for name in ("sentence", "paragraph")})
    verdict = matcher.classify("", text, "en")
    assert verdict.rules == tuple(f"r{k}" for k in range(10))
    assert reads[scope] <= 10 + 10 + 40  # each hit of CHINA, RUSSIA and the topics once


def _possible(node: Node, present: set[str]) -> bool:
    """Whether ``node`` can be true with only ``present`` terms anywhere, read off the tree."""
    if isinstance(node, (Term, GroupRef)):
        return term_id(node) in present
    if isinstance(node, Or):
        return any(_possible(item, present) for item in node.items)
    if isinstance(node, And):
        return all(_possible(item, present) for item in node.items)
    if isinstance(node, Near):
        return _possible(node.left, present) and _possible(node.right, present)
    if isinstance(node, Not):
        return True
    assert isinstance(node, (InScope, InField))
    return _possible(node.item, present)


def _random_tree(rng: random.Random, depth: int) -> Node:
    if depth == 0 or rng.random() < 0.3:
        return GroupRef(rng.choice("ABCD")) if rng.random() < 0.5 else Term(rng.choice(["x", "y"]))
    kind = rng.choice(["and", "or", "not", "near", "scope", "field"])
    if kind in ("and", "or"):
        items = tuple(_random_tree(rng, depth - 1) for _ in range(rng.randint(2, 3)))
        return And(items) if kind == "and" else Or(items)
    if kind == "near":
        return Near(_random_tree(rng, depth - 1), _random_tree(rng, depth - 1), 3)
    if kind == "not":
        return Not(_random_tree(rng, depth - 1))
    if kind == "scope":
        return InScope("sentence", _random_tree(rng, depth - 1))
    return InField("title", _random_tree(rng, depth - 1))


def test_whether_a_rule_can_match_is_decided_as_its_tree_reads() -> None:
    rng = random.Random(24)
    every = ["@A", "@B", "@C", "@D", "=x", "=y"]
    for _ in range(400):
        tree = _random_tree(rng, 4)
        tid = {id(leaf): term_id(leaf) for leaf in leaves(tree)}
        can = _compile_possible(tree, tid)
        for _ in range(8):
            present = {term for term in every if rng.random() < 0.5}
            assert can(present) == _possible(tree, present), (tree, present)
