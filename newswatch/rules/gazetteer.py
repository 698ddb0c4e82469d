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

from newswatch.rules.engine import MAX_MATCH_CHARS, MAX_MATCHES, Hit, Matcher, TermMatch
from newswatch.rules.text import FIELD_SEPARATOR, Doc, normalise
from newswatch.sanctions.model import WATCHED_COUNTRIES

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
    note: str | None = None  # for an official list's entry: its reference there
    source: str | None = None  # the official list it is read from (us-sdn, eu-fsf, …); None: the gazetteer


@dataclass(frozen=True, slots=True)
class Entity:
    id: str  # stable slug, never reused
    name: str  # legal name as reported
    group: str  # the rule group its aliases join
    supplied: str  # what it supplied, a short English phrase
    aliases: tuple[str, ...]  # matched wherever they stand
    designations: tuple[Designation, ...] = ()
    sources: tuple[str, ...] = ()
    weak: tuple[str, ...] = ()  # generic or short names: matched only beside the name of its country
    countries: tuple[str, ...] = ()  # ISO codes, as the official lists give them
    listed: tuple[str, ...] = ()  # the official-list entities (entity_listings.entity_id) it is

    @property
    def designated(self) -> bool:
        """Named by a current official list entry (not only by the gazetteer's sources)."""
        return any(d.source for d in self.designations)

    @property
    def from_lists(self) -> bool:
        """An official-list entity the gazetteer does not keep (its names are the lists')."""
        return self.listed == (self.id,)

    @property
    def chinese(self) -> bool:
        """Chinese or Hong Kong: by the lists' countries, or a gazetteer entity (all are)."""
        return not self.countries or bool(WATCHED_COUNTRIES & set(self.countries))


#: Weak names count beside the name of their entity's country: China (Hong Kong included)
#: for Chinese and Hong Kong entities, else Russia (whose war the listing concerns); the rule
#: group that names each place (its exclusions too: "South China Sea" is not China).
PLACE_CN, PLACE_OTHER = "CN", "RU"
PLACE_GROUPS = {PLACE_CN: "CHINA", PLACE_OTHER: "RUSSIA"}
#: How far from a weak name its country may stand: the same sentence or the next one.
NEAR_SENTENCES = 1


class Gazetteer:
    """The entities of a ruleset (the gazetteer's and, once merged, the official lists'), and
    the entities an article names."""

    def __init__(
        self,
        entities: Sequence[Entity],
        excludes: dict[str, list[str]] | None = None,
        max_chars: int = MAX_MATCH_CHARS,
        max_matches: int = MAX_MATCHES,
        places: dict[str, list[str]] | None = None,
    ):
        """``excludes``: each group's exclusions (an entity's names are masked by its group's);
        ``places``: the words naming China (``CN``) and Russia (``RU``) in any language, which
        weak names need nearby."""
        self.entities = tuple(entities)
        self.by_id = {entity.id: entity for entity in self.entities}
        for entity in self.entities:  # an official-list id finds the entity it was merged into
            for listed in entity.listed:
                self.by_id.setdefault(listed, entity)
        self._excludes, self._limits = excludes or {}, (max_chars, max_matches)
        self._places = places or {}
        self._built: Matcher | None = None
        self._fingerprint: str | None = None

    @property
    def _matcher(self) -> Matcher:
        """One group of strong names (``S<i>``) and one of weak names (``W<i>``) per entity and
        the places (``P<code>``), scanned without rules (built on first use: the alerts only
        read the facts)."""
        if self._built is None:
            groups: dict[str, list[str]] = {}
            excludes: dict[str, list[str]] = {}
            for i, entity in enumerate(self.entities):
                mask = self._excludes.get(entity.group, [])
                for kind, names in (("S", entity.aliases), ("W", entity.weak)):
                    if names:
                        groups[f"{kind}{i}"] = list(names)
                        if mask:
                            excludes[f"{kind}{i}"] = list(mask)
            places = self._places if any(e.weak for e in self.entities) else {}
            for code, words in places.items():
                groups[f"P{code}"] = list(words)
                mask = self._excludes.get(PLACE_GROUPS.get(code, ""), [])
                if mask:
                    excludes[f"P{code}"] = list(mask)
            self._built = Matcher(groups, [], 1.0, excludes, *self._limits)
        return self._built

    @property
    def fingerprint(self) -> str:
        """What entity matching depends on (ids, names, their groups' exclusions, the places
        weak names need, how much of a text is read), hashed: an article indexed under another
        fingerprint may name entities it was not found to."""
        if self._fingerprint is None:
            data = [
                [
                    e.id,
                    sorted(e.aliases),
                    sorted(e.weak),
                    e.countries,
                    sorted(self._excludes.get(e.group, [])),
                ]
                for e in self.entities
            ]
            weak = any(e.weak for e in self.entities)
            places = sorted(self._places.items()) if weak else []
            digest = hashlib.sha1(
                json.dumps([sorted(data), self._limits, places], ensure_ascii=False).encode()
            )
            self._fingerprint = digest.hexdigest()[:12]
        return self._fingerprint

    def __len__(self) -> int:
        return len(self.entities)

    def get(self, entity_id: str) -> Entity | None:
        """The entity of an id: its own, or an official-list entity's that was merged into it."""
        return self.by_id.get(entity_id)

    def find(self, name: str) -> tuple[Entity, ...]:
        """The entities a person means by ``name``: the one whose id it is, else those whose
        legal name or a name holds it (case, width and spacing ignored)."""
        if name.strip().lower() in self.by_id:
            return (self.by_id[name.strip().lower()],)
        wanted = _folded(name)
        if not wanted:
            return ()
        return tuple(
            entity
            for entity in self.entities
            if any(wanted in _folded(n) for n in (entity.id, entity.name, *entity.aliases, *entity.weak))
        )

    def named_in(self, title: str, text: str) -> tuple[str, ...]:
        """The ids of the entities an article names, in order of first mention (the title
        first), as far as the rules read it (``max_chars``): a strong name anywhere, a weak
        one only in the sentence of its country's name or next to it."""
        if not self.entities:
            return ()
        doc, hits = self._matcher.group_hits(title or "", text or "", _ANY_LANGUAGE)
        first: dict[str, tuple[int, int]] = {}
        for term, found in hits.items():
            kind, index = term[1], term[2:]
            if kind not in "SW":
                continue
            entity = self.entities[int(index)]
            if kind == "W":
                places = hits.get(f"@P{PLACE_CN if entity.chinese else PLACE_OTHER}", [])
                # a shorter name inside a longer one of the same entity is read as the longer
                # ("Hat Trading" of "Hong Kong Hat Trading" is not vouched for by "Hong Kong")
                longer = [*hits.get(f"@S{index}", []), *found]
                found = [
                    hit
                    for hit in _beside(found, places)
                    if not _inside(hit, longer) and _credible(doc, hit, entity, places)
                ]
            elif entity.from_lists:  # a list's name in an article is a name: "Blue Wall", not "blue wall"
                found = [hit for hit in found if _capitalised(doc.raw[hit.start : hit.end])]
            for hit in found:
                at = (hit.field, hit.start)
                if entity.id not in first or at < first[entity.id]:
                    first[entity.id] = at
        return tuple(sorted(first, key=lambda entity_id: (first[entity_id], entity_id)))

    def named_by(self, terms: Iterable[TermMatch]) -> tuple[str, ...]:
        """The ids of the entities whose names ``terms`` (a verdict's matched words) are, in
        the order of the terms: each term of an entity group is read as a name, so a
        traditional-script or plural spelling finds its entity too."""
        groups = {entity.group for entity in self.entities}
        found: dict[str, None] = {}
        for term in terms:
            if term.group in groups:
                found.update(dict.fromkeys(self.named_in("", term.term)))
        return tuple(found)


def _beside(names: list[Hit], places: list[Hit]) -> list[Hit]:
    """The hits of ``names`` with a place in the same field within NEAR_SENTENCES sentences,
    outside the name itself ("Hong Kong Alpha Trading" does not vouch for itself)."""
    return [
        hit
        for hit in names
        if any(
            place.field == hit.field
            and abs(place.sentence - hit.sentence) <= NEAR_SENTENCES
            and (place.end <= hit.start or place.start >= hit.end)
            for place in places
        )
    ]


#: A one-word weak name ("Vega", "Progress") needs its country within this many words in
#: its sentence ("Hong Kong's Vega", "Vega, a Chinese firm"; not "Las Vegas … China" nor
#: "in Paris. … Xi Jinping"), and not in a list with it ("China and Africa", "Singapore,
#: Hong Kong"), or a company word or legal form within this many words plus one.
CLOSE_WORDS = 2
#: Words that say a name is a company's (beside its legal forms: "Vega LLC"), in the
#: languages the lists and the reports write.
_COMPANY_WORDS = """
    company companies firm firms manufacturer maker makers supplier suppliers producer exporter
    exporters importer distributor distributors trader traders contractor subsidiary vendor
    corporation enterprise conglomerate unternehmen firma hersteller lieferant konzern
    entreprise société fabricant fournisseur empresa fabricante proveedor azienda produttore
    fornitore компания компании компанией фирма фирмы производитель поставщик предприятие
    предприятия концерн завод корпорация холдинг компанія виробник постачальник підприємство
"""
COMPANY_WORDS = frozenset(_COMPANY_WORDS.split())
#: What joins the items of a list ("China, Singapore and Vega"), in the lists' languages.
_LISTING = frozenset(["and", "or", "und", "oder", "et", "ou", "y", "o", "e", "и", "или", "та", "і", "або"])
_NAME_OPENERS = frozenset('.!?:;"“”«»„()[]—–\n')


def _inside(hit: Hit, others: list[Hit]) -> bool:
    """Whether ``hit`` lies within a longer one of ``others``."""
    return any(
        o.start <= hit.start and hit.end <= o.end and o.end - o.start > hit.end - hit.start for o in others
    )


def _capitalised(raw: str) -> bool:
    """Written as a name: the first letter a capital, in a script with case (a Chinese name
    always is)."""
    letter = next((c for c in raw if c.isalpha()), "")
    return letter.lower() == letter.upper() or letter.isupper()


def _credible(doc: Doc, hit: Hit, entity: Entity, places: list[Hit]) -> bool:
    """Whether a weak name's hit reads as that company's name, not as a word, a place or a
    person (the official lists hold "VEGA", "ASIA LLC", "CHEN LLC", "EXPERT"): in Latin or
    Cyrillic script it is written as the list writes it (not its plural: "Vegas", "Experts"),
    with a capital, and not inside a longer proper name ("Las Vegas Sands", "Chen Jinping",
    "Asia-Pacific"); a one-word name also needs its country or a company word within
    CLOSE_WORDS words (or its legal form beside it)."""
    raw = doc.raw[hit.start : hit.end]
    if not any(c.isalpha() and c.lower() != c.upper() for c in raw):
        return True  # Chinese: no case, no plural; the country nearby is the guard
    if _folded(raw) not in {_folded(name) for name in entity.weak} or not _capitalised(raw):
        return False
    if _compound(doc.raw, hit.start, hit.end):
        return False
    before, after = _word_before(doc.raw, hit.start), _word_after(doc.raw, hit.end)
    if _proper(before, places, doc, hit) or _proper(after, places, doc, hit):
        return False
    if len(_folded(raw).split()) > 1:
        return True
    return _company_word_near(doc, hit) or _close_place(doc, hit, places)


def _compound(raw: str, start: int, end: int) -> bool:
    """Whether the name is part of a longer word: joined by a hyphen ("Rostov-on-Don",
    "Asia-Pacific") or a contraction ("Don't")."""
    joined_before = start >= 2 and raw[start - 1] == "-" and raw[start - 2].isalnum()
    joined_after = end + 1 < len(raw) and raw[end] == "-" and raw[end + 1].isalnum()
    contraction = (
        end + 1 < len(raw) and raw[end] in "'’" and raw[end + 1].isalpha() and raw[end + 1] not in "sS"
    )
    return joined_before or joined_after or contraction


def _word_before(raw: str, start: int) -> tuple[str, int] | None:
    """The word just before ``start`` with its offset ("Kong" of "Hong Kong's Vega"); None
    when punctuation stands between."""
    at = start
    while at > 0 and raw[at - 1] in " \t":
        at -= 1
    if at >= 2 and raw[at - 1] in "sS" and raw[at - 2] in "'’":  # a possessive: "China's"
        at -= 2
    end = at
    while at > 0 and raw[at - 1].isalnum():
        at -= 1
    return (raw[at:end], at) if at < end else None


def _word_after(raw: str, end: int) -> tuple[str, int] | None:
    """The word just after ``end`` ("Pacific" of "Asia-Pacific"); None when punctuation
    other than a hyphen stands between."""
    at = end
    while at < len(raw) and raw[at] in " \t-":
        at += 1
    start = at
    while at < len(raw) and raw[at].isalnum():
        at += 1
    return (raw[start:at], start) if at > start else None


def _proper(word: tuple[str, int] | None, places: list[Hit], doc: Doc, hit: Hit) -> bool:
    """Whether ``word`` (beside a name) is a capitalised word of a longer proper name: not its
    country ("Chinese Vega"), not a company word or legal form ("Vega LLC"), not the first
    word of a sentence ("Yesterday Vega said")."""
    if word is None:
        return False
    text, start = word
    if not text[:1].isupper() or _legal_or_company(word):
        return False
    if any(p.start <= start < p.end for p in places):
        return False
    return not (start < hit.start and _opens_sentence(doc.raw, start))


def _opens_sentence(raw: str, start: int) -> bool:
    at = start
    while at > 0 and raw[at - 1] in " \t":
        at -= 1
    return at <= 1 or raw[at - 1] in _NAME_OPENERS or raw[at - 1] == FIELD_SEPARATOR


def _legal_or_company(word: tuple[str, int] | None) -> bool:
    if word is None:
        return False
    from newswatch.sanctions.names import legal_form_word  # the rules package loads first

    folded = _folded(word[0])
    return folded in COMPANY_WORDS or legal_form_word(folded)


def _company_word_near(doc: Doc, hit: Hit) -> bool:
    """A company word or legal form within CLOSE_WORDS + 1 words of the name, in its sentence
    ("Vega LLC", "the Hong Kong firm Vega", "Vega, a trading company")."""
    start, end = doc.sentence_span(hit.start)
    before = _WORDS.findall(doc.raw[start : hit.start])[-(CLOSE_WORDS + 1) :]
    after = _WORDS.findall(doc.raw[hit.end : end])[: CLOSE_WORDS + 1]
    from newswatch.sanctions.names import legal_form_word  # the rules package loads first

    return any((folded := w.lower()) in COMPANY_WORDS or legal_form_word(folded) for w in (*before, *after))


def _close_place(doc: Doc, hit: Hit, places: list[Hit]) -> bool:
    """The country within CLOSE_WORDS words of the name in its sentence, and not as another
    item of a list with it."""
    for place in places:
        if place.field != hit.field or place.sentence != hit.sentence:
            continue
        start, end = (place.end, hit.start) if place.end <= hit.start else (hit.end, place.start)
        if start > end or not doc.within(start, end, CLOSE_WORDS):
            continue
        gap = doc.raw[start:end]
        words = _WORDS.findall(gap.lower())
        if ("," in gap or ";" in gap or words) and all(w in _LISTING for w in words):
            continue  # "China and Vega", "Singapore, Hong Kong": items of a list
        return True
    return False


def _folded(name: str) -> str:
    """A name as a person may type it: case, width, script (traditional Chinese read as
    simplified) and punctuation ignored."""
    return " ".join(_WORDS.findall(normalise(unicodedata.normalize("NFKC", name))))


def _group(index: int) -> str:
    return f"E{index}"
