"""The gazetteer: named entities (``[[entities]]`` in the rule files) with stable ids, and
which of them an article names.

An entity's aliases join its group (``CN_SUPPLIERS``), so rules match it by the group's
name; the engine reports a match by group, so :class:`Gazetteer` maps matched words back to
the entity whose alias they are, with the engine's own matching (normalisation, traditional
and simplified Chinese as one, hyphen and plural spellings, wildcards, exclusions):

    gazetteer.named_in(title, text)          # ("xiamen-limbach", …), in order of first mention
    gazetteer.named_by(verdict.terms)        # the same, from a verdict's matched words
"""

from __future__ import annotations

import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from newswatch.rules.engine import MAX_MATCH_CHARS, MAX_MATCHES, Matcher, Rule, TermMatch
from newswatch.rules.syntax import parse_query
from newswatch.rules.text import normalise

#: The language the entity matcher is told a text is in: none of the language files' words
#: (an entity's aliases are looked for in every text), and no language detection.
_ANY_LANGUAGE = "und"
_WORDS = re.compile(r"[^\W_]+")


@dataclass(frozen=True, slots=True)
class Designation:
    """A government action naming an entity, as its sources state it."""

    by: str  # US, EU, UK, …
    action: str  # "OFAC SDN (E.O. 14024)", "15th package", "Entity List"
    kind: str = "sanctions"  # sanctions or export controls
    date: str | None = None  # YYYY-MM-DD, YYYY-MM or YYYY; None when the source gives none
    note: str | None = None


@dataclass(frozen=True, slots=True)
class Entity:
    id: str  # stable slug, never reused
    name: str  # legal name as reported
    group: str  # the rule group its aliases join
    supplied: str  # what it supplied, a short English phrase
    aliases: tuple[str, ...]
    designations: tuple[Designation, ...] = ()
    sources: tuple[str, ...] = ()


class Gazetteer:
    """The entities of a ruleset, and the entities an article names."""

    def __init__(
        self,
        entities: Sequence[Entity],
        excludes: dict[str, list[str]] | None = None,
        max_chars: int = MAX_MATCH_CHARS,
        max_matches: int = MAX_MATCHES,
    ):
        self.entities = tuple(entities)
        self.by_id = {entity.id: entity for entity in self.entities}
        self._excludes, self._limits = excludes or {}, (max_chars, max_matches)
        self._built: Matcher | None = None
        self._fingerprint: str | None = None

    @property
    def _matcher(self) -> Matcher | None:
        """One group and one rule per entity, so the engine's verdict names the entity itself
        (built on first use: the alerts only read the facts)."""
        if self._built is None and self.entities:
            groups = {_group(i): list(entity.aliases) for i, entity in enumerate(self.entities)}
            rules = [
                Rule(entity.id, entity.name, "low", 1.0, "document", _group(i), parse_query(_group(i)))
                for i, entity in enumerate(self.entities)
            ]
            masks = {_group(i): self._excludes.get(e.group, []) for i, e in enumerate(self.entities)}
            excludes = {k: v for k, v in masks.items() if v}
            self._built = Matcher(groups, rules, 1.0, excludes, *self._limits)
        return self._built

    @property
    def fingerprint(self) -> str:
        """What entity matching depends on (ids, aliases, their groups' exclusions, how much of
        a text is read), hashed: an article indexed under another fingerprint may name
        entities it was not found to."""
        if self._fingerprint is None:
            data = [
                [e.id, sorted(e.aliases), sorted(self._excludes.get(e.group, []))] for e in self.entities
            ]
            digest = hashlib.sha1(json.dumps([sorted(data), self._limits], ensure_ascii=False).encode())
            self._fingerprint = digest.hexdigest()[:12]
        return self._fingerprint

    def __len__(self) -> int:
        return len(self.entities)

    def get(self, entity_id: str) -> Entity | None:
        return self.by_id.get(entity_id)

    def find(self, name: str) -> tuple[Entity, ...]:
        """The entities a person means by ``name``: the one whose id it is, else those whose
        legal name or an alias holds it (case, width and spacing ignored)."""
        if name.strip().lower() in self.by_id:
            return (self.by_id[name.strip().lower()],)
        wanted = _folded(name)
        if not wanted:
            return ()
        return tuple(
            entity
            for entity in self.entities
            if any(wanted in _folded(n) for n in (entity.id, entity.name, *entity.aliases))
        )

    def named_in(self, title: str, text: str) -> tuple[str, ...]:
        """The ids of the entities an article names, in order of first mention (the title
        first), as far as the rules read it (``max_chars``)."""
        matcher = self._matcher
        if matcher is None:
            return ()
        verdict = matcher.classify(title or "", text or "", _ANY_LANGUAGE)
        first = {
            match.rule: min((0 if t.field == "title" else 1, t.start) for t in match.terms)
            for match in verdict.matches
            if match.terms
        }
        return tuple(sorted(first, key=lambda entity_id: (first[entity_id], entity_id)))

    def named_by(self, terms: Iterable[TermMatch]) -> tuple[str, ...]:
        """The ids of the entities whose aliases ``terms`` (a verdict's matched words) are, in
        the order of the terms: each term of an entity group is read as an alias, so a
        traditional-script or plural spelling finds its entity too."""
        groups = {entity.group for entity in self.entities}
        found: dict[str, None] = {}
        for term in terms:
            if term.group in groups:
                found.update(dict.fromkeys(self.named_in("", term.term)))
        return tuple(found)


def _folded(name: str) -> str:
    """A name as a person may type it: case, width, script (traditional Chinese read as
    simplified) and punctuation ignored."""
    return " ".join(_WORDS.findall(normalise(unicodedata.normalize("NFKC", name))))


def _group(index: int) -> str:
    return f"E{index}"
