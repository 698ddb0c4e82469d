"""``newswatch rules report``: per rule, the alerts it fired in a period, how many the team
judged and the precision on those; then the misses (articles judged relevant that no rule
flagged) with the review tier's verdict on each. Pure: rows in, a report out."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

#: Every flagged article, under whichever rules matched it.
ALL_RULES = "(all flagged)"


@dataclass
class RuleLine:
    rule: str
    alerts: int = 0  # flagged articles it matched in the period
    judged: int = 0
    relevant: int = 0
    irrelevant: int = 0
    borderline: int = 0

    @property
    def precision(self) -> float | None:
        """Relevant among the alerts judged relevant or irrelevant (borderline left out, as the
        relevance corpus is scored); None when none is."""
        decided = self.relevant + self.irrelevant
        return round(self.relevant / decided, 4) if decided else None

    def count(self, label: str | None) -> None:
        self.alerts += 1
        if label in ("relevant", "irrelevant", "borderline"):
            self.judged += 1
            setattr(self, label, getattr(self, label) + 1)


@dataclass
class Miss:
    article_id: int
    title: str
    url: str
    outlet: str
    published: str | None
    review: bool  # the review tier marked it (worth a look), though no rule flagged it
    who: str
    labelled_at: str
    note: str | None


@dataclass
class Report:
    since: str
    rules: list[RuleLine] = field(default_factory=list)
    total: RuleLine = field(default_factory=lambda: RuleLine(ALL_RULES))
    misses: list[Miss] = field(default_factory=list)

    @property
    def misses_reviewed(self) -> int:
        return sum(m.review for m in self.misses)

    def as_dict(self) -> dict[str, Any]:
        def line(r: RuleLine) -> dict[str, Any]:
            return {**asdict(r), "precision": r.precision}

        return {
            "since": self.since,
            "rules": [line(r) for r in self.rules],
            "total": line(self.total),
            "misses": [asdict(m) for m in self.misses],
            "misses_marked_for_review": self.misses_reviewed,
        }


def rules_of(value: Any) -> list[str]:
    """An article's matched rule ids (``articles.rules``, a JSON list), each once."""
    try:
        parsed = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return []
    return list(dict.fromkeys(str(r) for r in parsed)) if isinstance(parsed, list) else []


def build(
    since: str,
    flagged: Iterable[Mapping[str, Any]],
    missed: Iterable[Mapping[str, Any]],
    rule_ids: Sequence[str] = (),
) -> Report:
    """The report from the flagged articles of the period (``Labels.flagged_since``: ``rules``
    and the standing ``label``) and the misses (``Labels.missed_since``). ``rule_ids``: the
    current rules, listed even when they fired nothing. Rules by alerts fired, most first."""
    lines = {rule: RuleLine(rule) for rule in rule_ids}
    report = Report(since)
    for row in flagged:
        label = row.get("label")
        report.total.count(label)
        for rule in rules_of(row.get("rules")):
            lines.setdefault(rule, RuleLine(rule)).count(label)
    report.rules = sorted(lines.values(), key=lambda r: (-r.alerts, r.rule))
    report.misses = [
        Miss(
            article_id=int(row["article_id"]),
            title=str(row.get("title") or ""),
            url=str(row.get("url") or ""),
            outlet=str(row.get("outlet") or ""),
            published=row.get("published"),
            review=bool(row.get("review")),
            who=str(row.get("who") or ""),
            labelled_at=str(row.get("labelled_at") or ""),
            note=row.get("note"),
        )
        for row in missed
    ]
    return report


def percent(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def table_rows(report: Report) -> list[list[Any]]:
    """The per-rule table's rows (the total last), for ``render_table``."""
    return [
        [r.rule, r.alerts, r.judged, r.relevant, r.irrelevant, r.borderline, percent(r.precision)]
        for r in (*report.rules, report.total)
    ]


TABLE_HEADERS = ("rule", "alerts", "judged", "relevant", "irrelevant", "borderline", "precision")
