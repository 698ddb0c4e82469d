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
