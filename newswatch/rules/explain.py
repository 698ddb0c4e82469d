"""A verdict as text for a terminal: each matched rule, why, and the evidence with the
matched words marked. Pure: the caller decides how to mark (bold on a terminal)."""

from __future__ import annotations

from collections.abc import Callable

from newswatch.rules.engine import Evidence, Matcher, Verdict


def mark_sentence(evidence: Evidence, mark: Callable[[str], str]) -> str:
    out, pos = [], 0
    for start, end in evidence.highlights:
        if start < pos or start < 0 or end > len(evidence.sentence):
            continue
        out.append(evidence.sentence[pos:start])
        out.append(mark(evidence.sentence[start:end]))
        pos = end
    out.append(evidence.sentence[pos:])
    return "".join(out)


def render(verdict: Verdict, matcher: Matcher, mark: Callable[[str], str] = lambda w: f"[{w}]") -> str:
    descriptions = {rule.id: rule for rule in matcher.rules}
    if verdict.flagged:
        lines = [
            f"FLAGGED  severity {verdict.severity}  score {verdict.score:g}  rules {', '.join(verdict.rules)}"
        ]
    elif verdict.rules:
        lines = [f"not flagged: score {verdict.score:g} is under the threshold {matcher.threshold:g}"]
    else:
        lines = ["not flagged: no rule matched"]
    if verdict.match_note:  # "too long to match fully: matched the first N of M characters"
        lines.append(f"note: {verdict.match_note}")
    for match in verdict.matches:
        rule = descriptions[match.rule]
        lines.append("")
        lines.append(
            f"{match.rule} ({match.severity}, weight {match.weight:g}, {rule.scope}): {rule.description}"
        )
        lines.append(f"  query: {' '.join(rule.query.split())}")
        terms = ", ".join(f"{t.term} ({t.group or 'term'}, {t.field} {t.start})" for t in match.terms)
        lines.append(f"  terms: {terms}")
        for evidence in match.evidence:
            lines.append(f"  {evidence.field}: {mark_sentence(evidence, mark)}")
    return "\n".join(lines)
