"""What the language tests of the default ruleset share (tests/test_rules_languages_*.py): the
shipped rules and claim cues, loaded once, and the words a group matches in a text."""

from __future__ import annotations

from helpers import ROOT

from newswatch.claims import load_cues
from newswatch.rules import load_ruleset
from newswatch.rules.text import build_doc

MATCHER = load_ruleset(ROOT / "config" / "rules")
CUES = load_cues()


def found(group: str, text: str, language: str) -> list[str]:
    """The words of ``text``, read as ``language``, matched as ``group`` (a China term opens the
    paragraph, as the rules read only paragraphs that name China, a Chinese supplier or
    sanctions)."""
    doc = build_doc("", "China: " + text)
    hits = MATCHER.hits(doc, language=language)
    return [doc.original(h.start, h.end).lower() for h in hits.get(f"@{group}", [])]
