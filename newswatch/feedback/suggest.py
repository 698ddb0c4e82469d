"""``newswatch rules suggest``: words and phrases a person may add to the rules, from the
team's judgements. Per language: the terms found in many articles judged relevant that the
rules miss, and in few judged irrelevant, that the rules do not know yet (no group matches
them). Printed for a person to judge; never written into a rule file.

Pure: texts in, ranked candidates out. Words (one or two) in scripts with spaces; runs of
two to four characters in Chinese and Japanese, which put no spaces between words."""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from itertools import pairwise

from newswatch.text import CJK, has_cjk, simplified

_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_CJK_RUN = re.compile(f"[{CJK}]+")
#: Shortest word kept (shorter ones are function words in most languages).
MIN_WORD = 3
CJK_GRAMS = (2, 3, 4)
#: Longest Chinese or Japanese run a suggestion grows to.
MAX_RUN = 8


@dataclass
class Text:
    """One judged article: its id, language, label (``relevant`` missed by the rules, or
    ``irrelevant``), title and text."""

    article_id: int
    language: str
    missed: bool
    title: str
    text: str


@dataclass
class Candidate:
    term: str
    missed: int  # missed relevant articles holding it
    irrelevant: int  # irrelevant articles (same language) holding it
    examples: list[int] = field(default_factory=list)  # article ids of misses holding it

    def score(self, misses: int, irrelevant: int) -> float:
        """Share of the misses holding it, less its share of the irrelevant articles."""
        return self.missed / misses - (self.irrelevant / irrelevant if irrelevant else 0.0)


@dataclass
class LanguageSuggestions:
    language: str
    misses: int
    irrelevant: int
    candidates: list[Candidate]


def terms(title: str, text: str) -> set[str]:
    """The distinct candidate terms of an article: lower-case words of at least ``MIN_WORD``
    letters and pairs of adjacent words; in Chinese and Japanese runs (read as simplified
    Chinese), every run of 2 to 4 characters."""
    found: set[str] = set()
    for part in (title, text):
        for line in part.lower().split("\n"):
            words = [w for w in _WORD.findall(line) if not has_cjk(w)]
            found.update(w for w in words if len(w) >= MIN_WORD)
            found.update(f"{a} {b}" for a, b in pairwise(words) if min(len(a), len(b)) >= 2)
            for run in _CJK_RUN.findall(simplified(line)):
                for n in CJK_GRAMS:
                    found.update(run[i : i + n] for i in range(len(run) - n + 1))
    return found


def _cjk_runs(item: Text) -> list[str]:
    """An article's Chinese and Japanese runs, read as simplified Chinese."""
    return [run for part in (item.title, item.text) for run in _CJK_RUN.findall(simplified(part))]


def _grown(term: str, runs: list[list[str]], longest: int = MAX_RUN) -> str:
    """``term`` grown a character at a time while every article (its runs) still holds it, up
    to ``longest`` characters: ``成像瞄准`` → ``热成像瞄准镜``."""
    while len(term) < longest:
        options = set()
        for run in runs[0]:
            at = run.find(term)
            while at != -1:
                if at + len(term) < len(run):
                    options.add(run[at : at + len(term) + 1])
                if at > 0:
                    options.add(run[at - 1 : at + len(term)])
                at = run.find(term, at + 1)
        shared = sorted(o for o in options if all(any(o in run for run in item) for item in runs))
        if not shared:
            return term
        term = shared[0]
    return term


def _tie(term: str) -> int:
    """Among terms as good: a word before the phrases holding it (``thermal`` before ``thermal
    sights``), but the longest Chinese or Japanese run (``瞄准镜``, not its pieces ``瞄准``)."""
    return -len(term) if has_cjk(term) else len(term)


def _overlapping(term: str, kept: list[Candidate]) -> bool:
    """True when a better-ranked term kept already contains ``term`` or is part of it
    (``无人`` after ``无人机``; ``thermal sights`` after ``thermal``): one suggestion each."""
    return any(term in c.term or c.term in term for c in kept)


def suggest(
    texts: Iterable[Text],
    known: Callable[[str, str], bool],
    top: int = 15,
    min_docs: int = 2,
    max_irrelevant_share: float = 0.1,
) -> list[LanguageSuggestions]:
    """Per language (most misses first): the ``top`` terms held by at least ``min_docs`` of its
    missed relevant articles and by at most ``max_irrelevant_share`` of its irrelevant ones,
    that ``known(term, language)`` says no rule group matches yet; best first (the share of
    misses holding it, less its share of irrelevant articles; then the term)."""
    by_language: dict[str, list[Text]] = defaultdict(list)
    for item in texts:
        by_language[item.language or "?"].append(item)
    out = []
    for language, items in by_language.items():
        missed = [t for t in items if t.missed]
        if not missed:
            continue
        irrelevant = [t for t in items if not t.missed]
        held: dict[str, set[int]] = defaultdict(set)
        for item in missed:
            for term in terms(item.title, item.text):
                held[term].add(item.article_id)
        frequent = {t: ids for t, ids in held.items() if len(ids) >= min_docs}
        in_irrelevant: Counter[str] = Counter()
        for item in irrelevant:
            in_irrelevant.update(terms(item.title, item.text) & frequent.keys())
        limit = max_irrelevant_share * len(irrelevant)
        ranked = sorted(
            (
                Candidate(t, len(ids), in_irrelevant[t], sorted(ids)[:5])
                for t, ids in frequent.items()
                if in_irrelevant[t] <= limit
            ),
            key=lambda c: (-c.score(len(missed), len(irrelevant)), _tie(c.term), c.term),
        )
        runs = {t.article_id: _cjk_runs(t) for t in missed}
        chosen: list[Candidate] = []
        for candidate in ranked:
            if len(chosen) >= top:
                break
            if has_cjk(candidate.term):  # a piece of a longer run all its misses share: the run
                whole = _grown(candidate.term, [runs[i] for i in sorted(held[candidate.term])])
                if whole != candidate.term:
                    holding = sum(whole in "\n".join(_cjk_runs(t)) for t in irrelevant)
                    candidate = Candidate(whole, candidate.missed, holding, candidate.examples)
            if not _overlapping(candidate.term, chosen) and not known(candidate.term, language):
                chosen.append(candidate)
        out.append(LanguageSuggestions(language, len(missed), len(irrelevant), chosen))
    return sorted(out, key=lambda s: (-s.misses, s.language))
