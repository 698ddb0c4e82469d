"""Backtest: the current (or a candidate) ruleset over archived articles, against the
verdicts stored with them, so a rule change can be judged before it goes live."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from newswatch.rules.engine import Matcher


@dataclass
class Change:
    article_id: int
    outlet: str
    day: str
    title: str
    url: str
    rules_before: list[str]
    rules_after: list[str]


@dataclass
class Backtest:
    articles: int = 0
    flagged_before: int = 0
    flagged_after: int = 0
    newly_flagged: list[Change] = field(default_factory=list)
    no_longer_flagged: list[Change] = field(default_factory=list)

    @staticmethod
    def counts(changes: list[Change]) -> dict[str, dict[str, int]]:
        return {
            "by_day": dict(sorted(Counter(c.day for c in changes).items())),
            "by_outlet": dict(Counter(c.outlet for c in changes).most_common()),
        }

    def as_dict(self, samples: int = 10) -> dict[str, Any]:
        def part(changes: list[Change]) -> dict[str, Any]:
            return {
                "count": len(changes),
                **self.counts(changes),
                "samples": [c.__dict__ for c in changes[:samples]],
            }

        return {
            "articles": self.articles,
            "flagged_before": self.flagged_before,
            "flagged_after": self.flagged_after,
            "newly_flagged": part(self.newly_flagged),
            "no_longer_flagged": part(self.no_longer_flagged),
        }


def run(matcher: Matcher, rows: Iterable[dict[str, Any]]) -> Backtest:
    """``rows``: archived articles with id, outlet, published/fetched_at, title, url, text, language,
    flagged and rules (JSON list) as stored."""
    import json

    result = Backtest()
    for row in rows:
        result.articles += 1
        verdict = matcher.classify(row["title"] or "", row["text"] or "", row.get("language"))
        before = bool(row["flagged"])
        result.flagged_before += before
        result.flagged_after += verdict.flagged
        if before == verdict.flagged:
            continue
        change = Change(
            article_id=row["id"],
            outlet=row["outlet"],
            day=(row["published"] or row["fetched_at"] or "")[:10],
            title=row["title"] or "",
            url=row["url"],
            rules_before=json.loads(row["rules"] or "[]"),
            rules_after=list(verdict.rules),
        )
        (result.newly_flagged if verdict.flagged else result.no_longer_flagged).append(change)
    return result


# --- against the team's labels (``newswatch rules backtest --labels``) -------------------------

#: The label classes, as ``newswatch label`` spells them.
LABEL_CLASSES = ("relevant", "irrelevant", "borderline")


@dataclass
class Disagreement:
    article_id: int
    label: str
    flagged: bool  # by the ruleset under test
    rules: list[str]
    outlet: str
    title: str
    url: str
    who: str
    note: str | None


@dataclass
class LabelScore:
    """The ruleset's flagging against each labelled article's standing label: precision and
    recall of flagging for ``relevant`` (borderline left out, as the relevance corpus is
    scored), per class how many it flags (and how many were flagged when archived), and every
    disagreement: a relevant article it does not flag, an irrelevant one it flags."""

    classes: dict[str, dict[str, int]] = field(
        default_factory=lambda: {c: {"labelled": 0, "flagged": 0, "flagged_stored": 0} for c in LABEL_CLASSES}
    )
    disagreements: list[Disagreement] = field(default_factory=list)

    @property
    def tp(self) -> int:
        return self.classes["relevant"]["flagged"]

    @property
    def fp(self) -> int:
        return self.classes["irrelevant"]["flagged"]

    @property
    def fn(self) -> int:
        return self.classes["relevant"]["labelled"] - self.tp

    @property
    def precision(self) -> float | None:
        return round(self.tp / (self.tp + self.fp), 4) if self.tp + self.fp else None

    @property
    def recall(self) -> float | None:
        relevant = self.classes["relevant"]["labelled"]
        return round(self.tp / relevant, 4) if relevant else None

    def as_dict(self) -> dict[str, Any]:
        return {
            "classes": self.classes,
            "tp": self.tp,
            "fp": self.fp,
            "fn": self.fn,
            "precision": self.precision,
            "recall": self.recall,
            "disagreements": [d.__dict__ for d in self.disagreements],
        }


def score_labels(matcher: Matcher, rows: Iterable[dict[str, Any]]) -> LabelScore:
    """``rows``: labelled articles with their standing ``label`` (``Labels.standing``): title,
    text, language, flagged (as stored), article_id, outlet, url, who, note."""
    score = LabelScore()
    for row in rows:
        label = str(row["label"])
        if label not in score.classes:
            continue
        verdict = matcher.classify(row["title"] or "", row["text"] or "", row.get("language"))
        counts = score.classes[label]
        counts["labelled"] += 1
        counts["flagged"] += verdict.flagged
        counts["flagged_stored"] += bool(row.get("flagged"))
        if (label == "relevant") != verdict.flagged and label != "borderline":
            score.disagreements.append(
                Disagreement(
                    article_id=int(row["article_id"]),
                    label=label,
                    flagged=verdict.flagged,
                    rules=list(verdict.rules),
                    outlet=str(row.get("outlet") or ""),
                    title=str(row.get("title") or ""),
                    url=str(row.get("url") or ""),
                    who=str(row.get("who") or ""),
                    note=row.get("note"),
                )
            )
    return score
