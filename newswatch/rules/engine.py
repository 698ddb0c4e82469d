"""Matching and evaluation: one automaton pass over the text, then each rule's tree.

Every alias of every group and every term written in a query is compiled into an
Aho-Corasick automaton (ahocorasick_rs) over the lower-cased text, so a text is scanned once
whatever the number of rules. A key is the alias's words (exact, or the last one a prefix);
plain Latin words also match their plural (-s, -es, -ies). There is one automaton per
language, built on first use: it holds the words of that language's rule file too, as the
stem prefixes their forms share, each confirmed by the key of the word it stands in
(``inflection.py``).

The cost grows with the length of the text, never with the square of a sentence's: NEAR
compares each hit with its nearest partners only (sorted positions), exclusions are found
by position, long gaps are counted with a word index. Work is capped per article: past
``max_chars`` characters, ``max_matches`` term matches examined, or ``MAX_NEW_WORDS``
words keyed afresh, the rest is not read and the verdict's ``match_note`` says "too long to
match fully".
"""

from __future__ import annotations

import re
import threading
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import lru_cache
from itertools import accumulate, product
from operator import attrgetter, itemgetter
from typing import TYPE_CHECKING, Literal, TypeVar

from ahocorasick_rs import AhoCorasick, MatchKind

from newswatch.config.rules import LANGUAGES
from newswatch.language import code, guesses
from newswatch.rules import fallback, inflection
from newswatch.rules.inflection import Inflected
from newswatch.rules.syntax import (
    MAX_DEPTH,
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
    node_depth,
)
from newswatch.rules.text import FIELD_SEPARATOR, Doc, build_doc, has_unspaced, is_mark, normalised, tokenize
from newswatch.text import has_cjk, has_hangul

if TYPE_CHECKING:
    from newswatch.rules.gazetteer import Gazetteer

#: Where a rule's query must hold: a sentence, a window of sentences, a paragraph, anywhere.
RuleScope = Literal["sentence", "window", "paragraph", "document"]
SEVERITY_RANK = {"low": 1, "medium": 2, "high": 3}
#: Characters of title and text matched per article at most (NEWSWATCH_MAX_MATCH_CHARS).
MAX_MATCH_CHARS = 4_000_000
#: Term matches examined per pass over an article at most (each spelling of a term found,
#: whether or not it stands at a word boundary): the article is matched up to where the
#: count runs over. An ordinary article has tens; the rules' work grows with their number.
MAX_MATCHES = 100_000
#: Words keyed afresh per pass over an article at most (a word its language's dictionary does
#: not know is guessed at: a quarter of a millisecond): past it, the article is judged on
#: its start like one with too many matches. An ordinary article keys tens.
MAX_NEW_WORDS = 2_000
#: An evidence sentence longer than this is shown as a window of it around the matched words.
EVIDENCE_CHARS = 1_000
#: Matched terms listed per rule at most (an ordinary article has tens).
MAX_TERMS = 500
_LATIN_WORD = re.compile(r"^[a-z]+$")
_WORD_REST = re.compile(r"[^\W_]*")
_WORD_STARTS = (" ", "\n", FIELD_SEPARATOR)
#: What stands before a word in running text (inflection candidates are keyed with each).
_BEFORE_WORDS = (*_WORD_STARTS, *"(\"'«“„‚‹»”[{-—–/¿¡:;,.*#…•·|)]}>+=~_")
_CONSONANT_Y = re.compile(r"[^aeiou]y$")


@dataclass(frozen=True, slots=True)
class _Automata:
    """The automata of a matcher for one language (see ``Matcher.automata``)."""

    automaton: _Keys  # every alias, term and candidate
    candidates: tuple[tuple[Inflected, ...], ...]  # what ``~n`` / ``^n`` reports stand for
    # per ``~n``: per language, its members by the key of their first word
    by_first: tuple[tuple[tuple[str, dict[str, list[Inflected]]], ...], ...]


#: A detected language this sure alone chooses the words looked for; below it, the two
#: likeliest do (Bulgarian reads as Russian at 0.5 in a short sentence), each at least
#: MIN_GUESS likely.
SURE_LANGUAGE = 0.9
MIN_GUESS = 0.05
#: The languages rule files may be written in (config.rules.LANGUAGES).
_LANGUAGE_FILES = frozenset(LANGUAGES)
_T = TypeVar("_T")


def _codes(languages: str | tuple[str, ...] | None) -> tuple[str, ...]:
    """The languages given, as the rule files name them (``nb`` is ``no``)."""
    given = (languages,) if isinstance(languages, str) else languages or ()
    return tuple(code(language) for language in given)


#: Languages whose texts are read with each other's inflections too.
_FAMILIES = {
    "ru": ("ru", "uk"),
    "uk": ("uk", "ru"),
    "bg": ("bg", "ru"),
    # the language model takes a short Slovak text for Czech (and back) as often as not
    "cs": ("cs", "sk"),
    "sk": ("sk", "cs"),
    "da": ("da", "no"),
    "no": ("no", "da"),
}


@dataclass(slots=True, eq=False)  # identity equality: hits are made by the hundred, never compared
class Hit:
    """One match of a term or group alias."""

    term: str  # "@GROUP" or "=term"
    field: int  # 0 title, 1 text
    start: int  # character span in the document's normalised text
    end: int
    sentence: int
    paragraph: int


@dataclass(frozen=True, slots=True)
class Evidence:
    field: str  # "title" or "text"
    sentence: str
    highlights: tuple[tuple[int, int], ...]  # character spans of matched terms in `sentence`


@dataclass(frozen=True, slots=True)
class TermMatch:
    term: str  # the words as they stand in the article
    group: str | None  # the entity group it belongs to, or None for a query term
    field: str  # "title" or "text"
    start: int  # character span within that field
    end: int


@dataclass(frozen=True, slots=True)
class RuleMatch:
    rule: str
    severity: str
    weight: float
    terms: tuple[TermMatch, ...]
    evidence: tuple[Evidence, ...]


@dataclass(frozen=True, slots=True)
class Verdict:
    """What the rules make of one article."""

    flagged: bool
    score: float
    severity: str | None
    rules: tuple[str, ...]
    terms: tuple[TermMatch, ...]
    evidence: tuple[Evidence, ...]
    matches: tuple[RuleMatch, ...] = field(default=())
    # "too long to match fully: …" when only the start of the article was matched
    match_note: str | None = None
    # no rule flags it, but the review query matches (China, Russia's war and support meet):
    # worth an analyst's look; its severity is "review"
    review: bool = False

    @property
    def truncated(self) -> bool:
        return self.match_note is not None


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    description: str
    severity: str
    weight: float
    scope: RuleScope
    query: str
    tree: Node
    examples: tuple[str, ...] = ()
    counterexamples: tuple[str, ...] = ()
    window: int = 0  # scope "window": this many consecutive sentences of one paragraph


#: The severity of an article marked for review (not flagged).
REVIEW = "review"


def term_id(node: Term | GroupRef) -> str:
    return f"@{node.name}" if isinstance(node, GroupRef) else f"={node.text.casefold()}"


def alias_keys(alias: str) -> list[tuple[str, bool, bool, int, int]]:
    """Automaton keys of an alias or term: (key, prefix wildcard, CJK substring, pad left,
    pad right). One- and two-letter words carry the space before them in the key (and a
    one-letter word the space after it too): the automaton then reports them only where a
    word starts, not inside every word that contains the letters ("и", "or"). A Korean
    alias is a prefix of its word (particles attach)."""
    return list(_alias_keys(alias))


@lru_cache(maxsize=1 << 16)  # a ruleset's aliases, and the gazetteer's names the claim cues share
def _alias_keys(alias: str) -> tuple[tuple[str, bool, bool, int, int], ...]:
    wildcard = alias.endswith("*")
    base = " ".join(normalised(alias.rstrip("*")).split())
    words = tokenize(base)
    if not words:
        return ()
    if has_hangul(base):  # Korean particles attach to the word: 러시아 finds 러시아에, 러시아의
        wildcard = True
    if has_cjk(base) or has_unspaced(base):  # a substring: no spaces between these words
        return ((base.replace(" ", ""), False, True, 0, 0),)
    # a word starts after a space, a line break or the title/text separator
    if len(base) == 1 and not wildcard:
        return tuple((f"{start}{base} ", False, False, 1, 1) for start in _WORD_STARTS)
    if len(base) == 2:
        return tuple((f"{start}{base}", wildcard, False, 1, 0) for start in _WORD_STARTS)
    parts = re.split(r"([ -])", base)
    seps = len(parts) // 2
    if seps == 0:
        spellings = [base]
    elif seps <= 3:  # "dual-use goods", "dual use goods", "dual-use-goods", ...
        spellings = ["".join(_join(parts, combo)) for combo in product(" -", repeat=seps)]
    else:
        spellings = [base.replace("-", " "), base.replace(" ", "-")]
    keys = [(k, wildcard, False, 0, 0) for k in dict.fromkeys(spellings)]
    last = words[-1]
    if not wildcard and _LATIN_WORD.match(last) and len(last) > 2:
        forms = [last + "s", last + "es"] + ([last[:-1] + "ies"] if _CONSONANT_Y.search(last) else [])
        keys += [(k[: -len(last)] + form, False, False, 0, 0) for k, *_ in list(keys) for form in forms]
    return tuple(keys)


def _join(parts: list[str], seps: tuple[str, ...]) -> list[str]:
    out = list(parts)
    for i, sep in enumerate(seps):
        out[2 * i + 1] = sep
    return out


class _Filter:
    """Which hits count in the unit being evaluated."""

    __slots__ = ("everything", "field", "paragraph", "sentence")

    def __init__(self, field: int | None = None, sentence: int | None = None, paragraph: int | None = None):
        self.field, self.sentence, self.paragraph = field, sentence, paragraph
        self.everything = field is None and sentence is None and paragraph is None

    def accepts(self, hit: Hit) -> bool:
        return self.everything or (
            (self.field is None or hit.field == self.field)
            and (self.sentence is None or hit.sentence == self.sentence)
            and (self.paragraph is None or hit.paragraph == self.paragraph)
        )

    def narrowed(self, **kw: int) -> _Filter:
        values = {"field": self.field, "sentence": self.sentence, "paragraph": self.paragraph, **kw}
        return _Filter(**values)


#: A query node compiled: (evaluation, the unit's hits, filter) → the hits that make it true,
#: [] when true without any (NOT), None when false.
_Compiled = Callable[["_Evaluation", dict[str, list["Hit"]], "_Filter"], "list[Hit] | None"]


def _compile(node: Node, tid: dict[int, str]) -> _Compiled:
    """``node`` as nested closures: evaluated per unit many times an article, a tree walked
    once here instead of dispatched on its node types at every visit."""
    if isinstance(node, (Term, GroupRef)):
        key = tid[id(node)]

        def leaf(ev: _Evaluation, hits: dict[str, list[Hit]], flt: _Filter) -> list[Hit] | None:
            found = hits.get(key)
            if not found:
                return None
            if flt.everything:
                return list(found)
            return [h for h in found if flt.accepts(h)] or None

        return leaf
    if isinstance(node, And):
        parts = tuple(_compile(item, tid) for item in node.items)

        def every(ev: _Evaluation, hits: dict[str, list[Hit]], flt: _Filter) -> list[Hit] | None:
            collected: list[Hit] = []
            for part in parts:
                got = part(ev, hits, flt)
                if got is None:
                    return None
                collected += got
            return collected

        return every
    if isinstance(node, Or):
        parts = tuple(_compile(item, tid) for item in node.items)

        def either(ev: _Evaluation, hits: dict[str, list[Hit]], flt: _Filter) -> list[Hit] | None:
            out: list[Hit] | None = None
            for part in parts:
                got = part(ev, hits, flt)
                if got is not None:
                    out = got if out is None else out + got
            return out

        return either
    if isinstance(node, Not):
        inner = _compile(node.item, tid)
        return lambda ev, hits, flt: [] if inner(ev, hits, flt) is None else None
    if isinstance(node, Near):
        left, right, distance = _compile(node.left, tid), _compile(node.right, tid), node.distance
        pair = _before if node.ordered else _near

        def near(ev: _Evaluation, hits: dict[str, list[Hit]], flt: _Filter) -> list[Hit] | None:
            mine = left(ev, hits, flt)
            if not mine:
                return None
            theirs = right(ev, hits, flt)
            return pair(ev.doc, mine, theirs, distance) if theirs else None

        return near
    if isinstance(node, InField):
        inner, field_number = _compile(node.item, tid), 0 if node.field == "title" else 1
        return lambda ev, hits, flt: inner(ev, hits, flt.narrowed(field=field_number))
    if isinstance(node, InScope):
        scope, item = node.scope, node.item
        return lambda ev, hits, flt: ev._in_units(scope, item, hits, flt)
    raise TypeError(f"unknown node {node!r}")


#: A query node's units compiled: (the units each term occurs in) → the units where the node
#: can possibly be true, None for any unit.
_UnitsOf = Callable[[Callable[[str], set[int]]], "set[int] | None"]


def _compile_units(node: Node, tid: dict[int, str]) -> _UnitsOf:
    """Where ``node`` can be true, as a closure: an AND (or NEAR) needs every positive child,
    the intersection of theirs; an OR any; NOT and nested scopes restrict nothing."""
    if isinstance(node, (Term, GroupRef)):
        key = tid[id(node)]
        return lambda units_of: units_of(key)
    if isinstance(node, Or):
        parts = tuple(_compile_units(item, tid) for item in node.items)

        def any_of(units_of: Callable[[str], set[int]]) -> set[int] | None:
            out: set[int] = set()
            for part in parts:
                got = part(units_of)
                if got is None:
                    return None
                out |= got
            return out

        return any_of
    if isinstance(node, (And, Near)):
        items = node.items if isinstance(node, And) else (node.left, node.right)
        parts = tuple(_compile_units(item, tid) for item in items)

        def all_of(units_of: Callable[[str], set[int]]) -> set[int] | None:
            out: set[int] | None = None
            for part in parts:
                got = part(units_of)
                if got is not None:
                    out = got if out is None else out & got
            return out

        return all_of
    if isinstance(node, InField):
        return _compile_units(node.item, tid)
    return lambda units_of: None


def _leaves(node: Node) -> set[str]:
    if isinstance(node, (Term, GroupRef)):
        return {term_id(node)}
    if isinstance(node, (And, Or)):
        return set().union(*(_leaves(i) for i in node.items))
    if isinstance(node, Near):
        return _leaves(node.left) | _leaves(node.right)
    return _leaves(node.item)


class Matcher:
    """The compiled ruleset: automaton over every alias and term, and the rules."""

    def __init__(
        self,
        groups: dict[str, list[str]],
        rules: list[Rule],
        threshold: float = 1.0,
        excludes: dict[str, list[str]] | None = None,
        max_chars: int = MAX_MATCH_CHARS,
        max_matches: int = MAX_MATCHES,
        review: Rule | None = None,
        inflected: dict[str, list[tuple[str, str]]] | None = None,
        review_other: Rule | None = None,
    ):
        every = [*rules, *([review] if review else []), *([review_other] if review_other else [])]
        for rule in every:  # evaluation recurses through the tree: its depth is bounded
            if node_depth(rule.tree) > MAX_DEPTH:
                raise ValueError(f"rule '{rule.id}': query nested too deeply (more than {MAX_DEPTH} levels)")
        if max_chars < 1 or max_matches < 1:
            raise ValueError(f"max_chars and max_matches must be at least 1, got {max_chars}, {max_matches}")
        self.max_chars, self.max_matches = max_chars, max_matches
        # every alias of every group, its own and its language files' (for listings)
        self.groups = {
            name: list(
                dict.fromkeys([*groups.get(name, []), *(a for _, a in (inflected or {}).get(name, []))])
            )
            for name in dict.fromkeys([*groups, *(inflected or {})])
        }
        self.excludes = excludes or {}
        self.fingerprint = ""  # set by the loader: which rule files made this matcher
        self.gazetteer: Gazetteer | None = None  # set by the loader: the named entities
        self.rules = rules
        self.review = review
        # the review query for texts in a language no rule file covers (country names only)
        self.review_other = review_other
        self.threshold = threshold
        # each rule under the terms of one clause it requires (one of them must be present
        # for the rule to match): an article's present terms find the rules worth trying
        # (the clause whose terms the fewest rules share: a rule's own group before CHINA)
        self._by_term: dict[str, list[int]] = {}
        self._unindexed: list[int] = []
        required = [_required(rule.tree) for rule in rules]
        shared: dict[str, int] = {}
        for clauses in required:
            for term in set().union(*clauses):
                shared[term] = shared.get(term, 0) + 1
        for index, clauses in enumerate(required):
            if not clauses:
                self._unindexed.append(index)
                continue
            for term in min(clauses, key=lambda clause: (sum(shared[t] for t in clause), len(clause))):
                self._by_term.setdefault(term, []).append(index)
        # a group's own aliases, exclusions and query terms are looked for in every text; the
        # aliases of a language file in texts of that language (or of an unknown one)
        languages_of: dict[tuple[str, str], set[str]] = {}
        for name, pairs in (inflected or {}).items():
            for language, alias in pairs:
                if alias not in groups.get(name, ()):
                    languages_of.setdefault((name, alias), set()).add(language)
        sources = [(f"@{name}", alias) for name, aliases in groups.items() for alias in aliases]
        sources += [(f"!{name}", x) for name, phrases in self.excludes.items() for x in phrases]
        sources += [(term_id(leaf), leaf.text) for rule in every for leaf in _iter_terms(rule.tree)]
        self._entries = [(term, key) for term, text in sources for key in _alias_keys(text)]
        # a language file's words as written, keyed when an automaton for its language is built
        # (a start-up reads one language's, not all twenty-nine)
        self._written = [(f"@{name}", alias, frozenset(only)) for (name, alias), only in languages_of.items()]
        # words of the language files, by language: keyed when a text of theirs first comes
        # (a crawl's start-up, or a ruleset only validated, does not analyse every language)
        self._words: dict[str, list[tuple[str, str]]] = {}
        for name, pairs in (inflected or {}).items():
            for language, alias in pairs:
                self._words.setdefault(language, []).append((f"@{name}", alias))
        self._inflected: dict[str, list[Inflected]] = {}
        self._tid = {id(leaf): term_id(leaf) for rule in every for leaf in leaves(rule.tree)}
        self._automata: dict[frozenset[str] | None, _Automata] = {}
        # per language without a rule file: automata of its names of China, Russia, Ukraine
        # (the names as CLDR spells them; the case forms it does not, which need their capital)
        self._country_automata: dict[str, tuple[_Keys | None, _Keys | None]] = {}
        self._building = threading.Lock()
        self._leaves = {rule.id: _leaves(rule.tree) for rule in every}
        self._leaf_cache: dict[int, set[str]] = {}
        self._compiled = {id(rule.tree): _compile(rule.tree, self._tid) for rule in every}
        self._can_match = {id(rule.tree): _compile_possible(rule.tree, self._tid) for rule in every}
        self._units: dict[int, _UnitsOf] = {}

    # --- scanning ----------------------------------------------------------------------

    def automata(self, languages: str | tuple[str, ...] | None) -> _Automata:
        """The automata for texts in ``languages`` (one, or the likeliest few): every alias as
        written, and the words of those languages' files (of their neighbours' too: ru and
        uk are often confused and quote each other, bg reads as ru); ``None``, an unknown
        language or one without a file: every language's."""
        given = _codes(languages)
        family: frozenset[str] | None = frozenset(
            code for language in given for code in _FAMILIES.get(language, (language,))
        )
        if not family or not family <= _LANGUAGE_FILES:
            family = None  # a language without a file (or a wrong guess): every language's words
        if family not in self._automata:
            with self._building:
                if family not in self._automata:
                    self._automata[family] = self._build(family)
        return self._automata[family]

    def country_names(self, language: str) -> tuple[_Keys | None, _Keys | None]:
        """For a language without a rule file, automata of its names of China, Russia and
        Ukraine (``rules/fallback.py``) as aliases of this ruleset's groups of those countries:
        the names as CLDR spells them, and the case forms it does not spell, which count only
        where the text writes them with a capital (``fallback.Alias``: Croatian "Kinu" and
        "Kinezi", not "kinu", a cinema, nor "kinematografija"); None for a kind it has none
        of (a pair per language, kept: a few hundred at most)."""
        if language not in self._country_automata:
            kinds: tuple[list[tuple[str, tuple[str, bool, bool, int, int]]], ...] = ([], [])
            for group, aliases in fallback.country_names(language).items():
                if group not in self.groups:
                    continue
                for alias in aliases:
                    kinds[alias.case_form].extend((f"@{group}", key) for key in _alias_keys(alias.text))
            self._country_automata[language] = (
                _automaton(kinds[0]) if kinds[0] else None,
                _automaton(kinds[1]) if kinds[1] else None,
            )
        return self._country_automata[language]

    def _build(self, family: frozenset[str] | None) -> _Automata:
        chosen = [f for language in sorted(family or self._words) for f in self._inflections(language)]
        # candidates sharing a key are tried together: one automaton report, not one per language
        by_key: dict[tuple[str, str], list[Inflected]] = {}
        for found in chosen:
            by_key.setdefault(("~", found.prefix), []).append(found)
            if found.language in inflection.INSIDE_WORDS or (
                found.language in inflection.COMPOUNDING and len(found.keys[0]) >= inflection.COMPOUND_PART
            ):
                by_key.setdefault(("^", found.prefix), []).append(found)
        entries = list(self._entries)
        entries += [
            (term, key)
            for term, alias, only in self._written
            if family is None or only & family
            for key in _alias_keys(alias)
        ]
        candidates: list[tuple[Inflected, ...]] = []
        for (mode, key), members in by_key.items():
            name = f"{mode}{len(candidates)}"
            candidates.append(tuple(members))
            if mode == "~":  # at a word's start only: no "rus" inside "prussia"
                entries += [(name, (left + key, True, False, 1, 0)) for left in _BEFORE_WORDS]
            else:
                entries.append((name, (key, False, True, 0, 0)))

        by_first = []
        for group in candidates:
            languages: dict[str, dict[str, list[Inflected]]] = {}
            for found in group:
                languages.setdefault(found.language, {}).setdefault(found.keys[0], []).append(found)
            by_first.append(tuple(languages.items()))
        return _Automata(
            _automaton(entries),
            tuple(candidates),
            tuple(by_first),
        )

    def _inflections(self, language: str) -> list[Inflected]:
        """A language file's words as candidates: the stem prefix all their forms share."""
        if language not in self._inflected:
            found = (
                inflection.inflected(term, language, alias) for term, alias in self._words.get(language, ())
            )
            self._inflected[language] = [f for f in found if f is not None]
        return self._inflected[language]

    def scan(self, doc: Doc, language: str | tuple[str, ...] | None = None) -> dict[tuple[str, int], int]:
        """Every term's matches at word boundaries: (term, start) → end of the longest, in
        one pass of the language's automaton. Raises TooManyMatches past ``max_matches``
        matches examined."""
        automata = self.automata(language)
        found = _scan(automata.automaton, doc.norm, self.max_matches)
        given = _codes(language)
        for other in (given_code for given_code in given if given_code not in _LANGUAGE_FILES):
            for names, case_form in zip(self.country_names(other), (False, True), strict=True):
                for key, end in (_scan(names, doc.norm, self.max_matches) if names else {}).items():
                    if case_form and not doc.raw[key[1]].isupper():
                        continue
                    if found.get(key, -1) < end:
                        found[key] = end
        return self._confirmed(doc, automata, found)

    def _confirmed(
        self, doc: Doc, automata: _Automata, scanned: dict[tuple[str, int], int]
    ) -> dict[tuple[str, int], int]:
        """The scan with each inflection candidate (``~n`` at a word's start, ``^n`` inside a
        word) replaced by its group's match when the word it stands in is a form of the
        alias, or dropped."""
        if not automata.candidates:
            return scanned
        out = scanned  # the candidates leave it; what they confirm joins it
        candidates = [(term, start, out.pop((term, start))) for term, start in list(out) if term[0] in "~^"]
        norm = doc.norm
        key = inflection.KEYS.key
        budget = inflection.KEYS.computed + MAX_NEW_WORDS
        for term, start, end in candidates:
            if inflection.KEYS.computed > budget:  # words no dictionary knows, by the thousand
                raise TooManyMatches(start)
            members = automata.candidates[int(term[1:])]
            if term[0] == "~":  # at a word's start, running to its end: by the word's key
                word = norm[start:end]
                following: tuple[int, int] | None = None
                for language, by_first in automata.by_first[int(term[1:])]:
                    for found in by_first.get(key(language, word), ()):
                        if len(found.keys) == 1:
                            if out.get((found.term, start), -1) < end:
                                out[(found.term, start)] = end
                            continue
                        if following is None:  # the next word, read once for every phrase
                            following = inflection.next_word(norm, end) or (end, end)
                        if following[0] == following[1]:  # punctuation or the end: no phrase here
                            continue
                        if key(language, norm[following[0] : following[1]]) != found.keys[1]:
                            continue
                        span = found.confirm(norm, start, end, inside=False)
                        if span is not None and out.get((found.term, span[0]), -1) < span[1]:
                            out[(found.term, span[0])] = span[1]
                continue
            at_word_start = start == 0 or not norm[start - 1].isalnum()
            for found in members:
                if found.language in inflection.COMPOUNDING and at_word_start:
                    continue  # a whole word: the word-start candidate has it
                span = found.confirm(norm, start, end, inside=True)
                if span is not None and out.get((found.term, span[0]), -1) < span[1]:
                    out[(found.term, span[0])] = span[1]
        return out

    def hits(
        self,
        doc: Doc,
        terms: set[str] | None = None,
        scanned: dict[tuple[str, int], int] | None = None,
        language: str | None = None,
    ) -> dict[str, list[Hit]]:
        """Positioned hits of every term (or of ``terms`` only), exclusions applied."""
        found: dict[str, list[Hit]] = {}
        wanted = [
            (start, term, end)
            for (term, start), end in (scanned or self.scan(doc, language)).items()
            if terms is None or term in terms or term[0] == "!"
        ]
        wanted.sort(key=_FIRST)  # by start only: stable, as the scan found them
        # one sweep over the sorted starts: the sentence and paragraph of each without a search
        sentences, paragraphs, text_start = doc.sentence_starts, doc.paragraph_starts, doc.text_start
        s_count, p_count = len(sentences), len(paragraphs)
        sentence = paragraph = 0
        for start, term, end in wanted:
            while sentence < s_count and sentences[sentence] <= start:
                sentence += 1
            while paragraph < p_count and paragraphs[paragraph] <= start:
                paragraph += 1
            hit = Hit(term, 0 if start < text_start else 1, start, end, sentence, paragraph)
            found.setdefault(term, []).append(hit)
        for name in self.excludes:
            masks = found.pop(f"!{name}", None)
            if masks and f"@{name}" in found:  # "South China Sea" is not China
                kept = _uncovered(found[f"@{name}"], masks)
                if kept:
                    found[f"@{name}"] = kept
                else:
                    del found[f"@{name}"]
        return found

    def group_hits(
        self, title: str, text: str, language: str | None = None
    ) -> tuple[Doc, dict[str, list[Hit]]]:
        """Every alias's hits in an article by group (``@NAME``), exclusions applied and no
        rule evaluated; an article longer than ``max_chars``, or with more than
        ``max_matches`` matches, is read on its start, as :meth:`classify` reads it."""

        def read(title: str, text: str) -> tuple[Doc, dict[str, list[Hit]]]:
            doc = build_doc(title, text)
            return doc, self.hits(doc, language=language)

        return self._bounded(_composed(title or ""), _composed(text or ""), read)[0]

    def _bounded(self, title: str, text: str, read: Callable[[str, str], _T]) -> tuple[_T, str, str]:
        """``read(title, text)`` on at most ``max_chars`` characters, cut again before the match
        over ``max_matches`` until it fits; with the title and text it read."""
        title, text = within_budget(title, text, self.max_chars)
        while True:
            try:
                return read(title, text), title, text
            except TooManyMatches as stop:  # cut where the matches ran over, and again
                title, text = _cut_at(title, text, stop.offset)

    def classify(self, title: str, text: str, language: str | None = None) -> Verdict:
        """The verdict on an article in ``language`` (ISO 639-1; detected when not given).
        One longer than ``max_chars``, or with more than ``max_matches`` term matches, is
        judged on its start and its ``match_note`` says so."""
        title, text = _composed(title or ""), _composed(text or "")
        languages: tuple[str, ...] | None
        if language is not None:
            languages = _codes(language)
        else:  # a sure guess, else the two likeliest; no guess: every language's words
            found = guesses(title, text, 2)
            sure = found[:1] if found and found[0][1] >= SURE_LANGUAGE else found
            languages = _codes(tuple(code for code, score in sure if score >= MIN_GUESS)) or None
        total = len(title) + len(text)
        verdict, title, text = self._bounded(title, text, lambda t, x: self._classify(t, x, languages))
        matched = len(title) + len(text)
        if matched == total:
            return verdict
        note = f"too long to match fully: matched the first {matched:,} of {total:,} characters"
        return replace(verdict, match_note=note)

    def _classify(self, title: str, text: str, languages: tuple[str, ...] | None) -> Verdict:
        doc = build_doc(title, text)
        scanned = self.scan(doc, languages)
        present = set(map(_FIRST, scanned))
        can = self._can_match
        possible = [rule for rule in self._candidates(present) if can[id(rule.tree)](present)]
        reviews = [self.review]
        if languages and languages[0] not in _LANGUAGE_FILES:
            # likeliest in a language without a rule file: its country names are the net
            reviews.append(self.review_other)
        reviewable = [r for r in reviews if r is not None and can[id(r.tree)](present)]
        if not possible and not reviewable:  # most articles: some term a rule needs is absent
            return Verdict(False, 0.0, None, (), (), ())
        needed = set().union(*(self._leaves[rule.id] for rule in [*possible, *reviewable]))
        hits = self.hits(doc, needed, scanned)
        evaluation = _Evaluation(self, doc, hits)
        matches = []
        made: dict[Hit, TermMatch] = {}  # term matches, shared by the rules that read the same hit
        for rule in possible:
            got = evaluation.rule_hits(rule, hits)
            if got is None:
                continue
            matches.append(
                RuleMatch(rule.id, rule.severity, rule.weight, _terms(doc, got, made), _evidence(doc, got))
            )
        score = round(sum(m.weight for m in matches), 3)
        flagged = bool(matches) and score >= self.threshold
        severity = max((m.severity for m in matches), key=SEVERITY_RANK.__getitem__) if flagged else None
        for rule in reviewable if not flagged else ():
            got = evaluation.rule_hits(rule, hits)
            if got is not None:
                terms = _terms(doc, got, made)
                evidence = _evidence(doc, got)
                return Verdict(False, score, REVIEW, (), terms, evidence, tuple(matches), review=True)
        best = sorted(matches, key=lambda m: (-SEVERITY_RANK[m.severity], -m.weight))
        by_sentence: dict[str, Evidence] = {}
        from_text = any(e.field == "text" for m in best for e in m.evidence)
        # one sentence once, in the order of the most severe rule's, with every rule's matched words
        for e in (e for m in best for e in m.evidence):
            if e.field != "text" and from_text:  # the headline only when the text has none
                continue
            seen = by_sentence.get(e.sentence)
            if seen is None:
                by_sentence[e.sentence] = e
            elif not set(e.highlights) <= set(seen.highlights):
                spans = merge_spans(sorted({*seen.highlights, *e.highlights}))
                by_sentence[e.sentence] = Evidence(seen.field, seen.sentence, spans)
        evidence = tuple(by_sentence.values())[:2]
        terms = tuple(dict.fromkeys(t for m in matches for t in m.terms))
        return Verdict(
            flagged, score, severity, tuple(m.rule for m in matches), terms, evidence, tuple(matches)
        )

    def _candidates(self, present: set[str]) -> list[Rule]:
        """The rules that may match given the terms present, in their order: those with a
        required term present, and those that require none."""
        chosen = set(self._unindexed)
        for term in present:
            chosen.update(self._by_term.get(term, ()))
        return [self.rules[index] for index in sorted(chosen)]


class _Evaluation:
    """The rules' trees evaluated over one document's hits (one per classify call, so a
    Matcher can be shared)."""

    def __init__(self, matcher: Matcher, doc: Doc, hits: dict[str, list[Hit]]):
        self.m, self.doc, self.hits = matcher, doc, hits
        self.memo: dict[tuple[str, str], set[int]] = {}
        self.placed: dict[tuple[str, str], list[int]] = {}  # see _placed

    def eval(self, node: Node, hits: dict[str, list[Hit]], flt: _Filter) -> list[Hit] | None:
        """The hits that make ``node`` true in the unit, [] when true without any (NOT),
        None when false."""
        return self._compiled(node)(self, hits, flt)

    def _units(self, node: Node) -> _UnitsOf:
        compiled = self.m._units.get(id(node))
        if compiled is None:
            compiled = self.m._units[id(node)] = _compile_units(node, self.m._tid)
        return compiled

    def _compiled(self, node: Node) -> _Compiled:
        compiled = self.m._compiled.get(id(node))
        if compiled is None:  # a scope's inner query, compiled on first use
            compiled = self.m._compiled[id(node)] = _compile(node, self.m._tid)
        return compiled

    def _runs(self, window: int) -> Callable[[Hit], range]:
        """Scope ``window``: the runs of ``window`` consecutive sentences of a hit's paragraph
        that hold its sentence, each numbered by its first sentence."""
        first_of = self.doc.first_sentence_of_paragraph
        return lambda h: range(max(h.sentence - window + 1, first_of(h.paragraph)), h.sentence + 1)

    def _in_units(
        self, scope: str, node: Node, hits: dict[str, list[Hit]], flt: _Filter, window: int = 0
    ) -> list[Hit] | None:
        if scope == "document":
            return self.eval(node, hits, flt)
        runs = self._runs(window) if scope == "window" else None
        number_of = attrgetter(scope)

        def of(found: Iterable[Hit]) -> set[int]:
            if runs is None:  # a sentence or paragraph: one unit per hit
                return set(map(number_of, found))
            return {u for h in found for u in runs(h)}

        def units_of(term: str) -> set[int]:
            found = hits.get(term, ())
            if flt.everything and hits is self.hits:  # the same for every rule: memoised
                key = (f"{scope}/{window}", term)
                if key not in self.memo:
                    self.memo[key] = of(found) if runs is not None else set(self._placed(scope, term))
                return self.memo[key]
            return of(h for h in found if flt.accepts(h))

        units = self._units(node)(units_of)
        if units is None:  # only NOTs: look in every unit that holds any leaf
            units = of(h for leaf in self._leaf_ids(node) for h in hits.get(leaf, ()) if flt.accepts(h))
        if not units:
            return None
        by_unit: dict[int, dict[str, list[Hit]]] = {u: {} for u in units}
        unit_of, everything = _UNIT_OF.get(scope), flt.everything
        if unit_of is not None and everything and hits is self.hits:  # the same for every rule
            for leaf in self._leaf_ids(node):
                found = hits.get(leaf)
                if not found:
                    continue
                placed = self._placed(scope, leaf)  # in text order: a unit's hits are one run
                for number, in_unit in by_unit.items():
                    first = bisect_left(placed, number)
                    if first < len(placed) and placed[first] == number:
                        in_unit[leaf] = found[first : bisect_right(placed, number, first)]
            return self._each_unit(node, units, by_unit, flt)
        for leaf in self._leaf_ids(node):
            for h in hits.get(leaf, ()):
                if not everything and not flt.accepts(h):
                    continue
                if unit_of is not None:  # a sentence or paragraph: the common case, inline
                    bucket = by_unit.get(unit_of(h))
                    if bucket is not None:
                        bucket.setdefault(leaf, []).append(h)
                    continue
                for unit in runs(h) if runs is not None else ():
                    if unit in by_unit:
                        by_unit[unit].setdefault(leaf, []).append(h)
        collected = self._each_unit(node, units, by_unit, flt)
        if runs is not None and collected:  # overlapping runs of sentences find a hit more than once
            collected = list(dict.fromkeys(collected))
        return collected

    def _each_unit(
        self, node: Node, units: set[int], by_unit: dict[int, dict[str, list[Hit]]], flt: _Filter
    ) -> list[Hit] | None:
        """The hits that make ``node`` true in each unit that holds any, None in none."""
        collected: list[Hit] = []
        matched = False
        evaluate = self._compiled(node)
        for unit in sorted(units):
            got = evaluate(self, by_unit[unit], flt)
            if got is not None:
                matched = True
                collected.extend(got)
        return collected if matched else None

    def _placed(self, scope: str, term: str) -> list[int]:
        """The sentence (or paragraph: ``scope``) of each of a term's hits, read once an
        article for every rule that reads the term."""
        placed = self.placed.get((scope, term))
        if placed is None:
            placed = self.placed[(scope, term)] = list(map(_UNIT_OF[scope], self.hits.get(term, ())))
        return placed

    def _leaf_ids(self, node: Node) -> set[str]:
        key = id(node)
        if key not in self.m._leaf_cache:
            self.m._leaf_cache[key] = _leaves(node)
        return self.m._leaf_cache[key]

    def rule_hits(self, rule: Rule, hits: dict[str, list[Hit]]) -> list[Hit] | None:
        """The hits that make a rule match, or None. A rule needs positive evidence: one
        true only through NOT never matches."""
        if not self.m._leaves[rule.id] & hits.keys():
            return None
        return self._in_units(rule.scope, rule.tree, hits, _Filter(), rule.window) or None


class _Keys:
    """One Aho-Corasick automaton (ahocorasick_rs) over every automaton key, with what each
    key stands for: (term, key length, wildcard, cjk, pad_left, pad_right) per term using it."""

    __slots__ = ("automaton", "longest", "payloads", "widest")

    def __init__(self, keys: dict[str, list[tuple[str, int, bool, bool, int, int]]]):
        self.payloads = [tuple(dict.fromkeys(payload)) for payload in keys.values()]
        self.longest = max((len(key) for key in keys), default=0)
        self.widest = max((len(payload) for payload in self.payloads), default=0)  # terms of one key
        self.automaton = AhoCorasick(list(keys), matchkind=MatchKind.Standard) if keys else None

    def __len__(self) -> int:
        return len(self.payloads)


def _automaton(entries: list[tuple[str, tuple[str, bool, bool, int, int]]]) -> _Keys:
    """One automaton over (term, automaton key) entries (see ``alias_keys``)."""
    keys: dict[str, list[tuple[str, int, bool, bool, int, int]]] = {}
    for term, (key, wildcard, cjk, pad_left, pad_right) in entries:
        keys.setdefault(key, []).append((term, len(key), wildcard, cjk, pad_left, pad_right))
    return _Keys(keys)


#: The text is searched this many characters at a time, so a hostile text's matches are
#: never all held at once and the budget stops the search early.
_SCAN_CHUNK = 1 << 16


def _scan(keys: _Keys, norm: str, limit: int) -> dict[tuple[str, int], int]:
    """Matches that start and end at word boundaries (CJK: anywhere); a wildcard match runs
    to the end of its word. Raises TooManyMatches at the match examined beyond ``limit``
    (matches come in the order they end, a chunk of the text at a time)."""
    longest: dict[tuple[str, int], int] = {}
    if keys.automaton is None:
        return longest
    size, examined = len(norm), 0
    get, word_rest, payloads = longest.get, _WORD_REST.match, keys.payloads
    find = keys.automaton.find_matches_as_indexes
    for chunk in range(0, size, _SCAN_CHUNK):
        # a match starting in this chunk may run past it: read on by the longest key
        stop = chunk + _SCAN_CHUNK
        found = find(norm[chunk : stop + keys.longest - 1], overlapping=True)
        # the last chunk (most texts' only one), within the budget however many terms each
        # match stands for: nothing to count, and no match belongs to a next chunk
        counted = stop < size or examined + len(found) * keys.widest > limit
        for index, first, last in found:
            payload = payloads[index]
            if counted:
                if first + chunk >= stop:  # the next chunk's, found again there
                    continue
                examined += len(payload)
                if examined > limit:  # the first match over the budget is where the cut goes
                    over = payload[len(payload) - (examined - limit)]
                    raise TooManyMatches(chunk + first + over[4])
            for term, _, wildcard, cjk, pad_left, pad_right in payload:  # mostly one
                end = chunk + last - pad_right
                start = chunk + first + pad_left
                if cjk:
                    # Thai, Khmer: a vowel sign or subscript after the name joins its last
                    # letter to the next syllable, so the name is part of another word
                    if end < size and "\u0e00" <= norm[end] <= "\u17ff" and is_mark(norm[end]):
                        continue
                    # Tibetan: a letter before the name is of the same syllable (བརྒྱ, hundred)
                    if (
                        start > 0
                        and "\u0f40" <= norm[start - 1] <= "\u0fbc"
                        and "\u0f40" <= norm[start] <= "\u0fbc"
                    ):
                        continue
                else:
                    # a key that carries the character before the word needs no look back
                    if not pad_left and start > 0 and norm[start - 1].isalnum():
                        continue
                    if wildcard:
                        end = word_rest(norm, end).end()  # type: ignore[union-attr]
                    elif end < size and norm[end].isalnum():
                        continue
                # one match per term and start: the longest ("中共国" over "中共", "drones" over "drone")
                key = (term, start)
                if get(key, -1) < end:
                    longest[key] = end
    return longest


_UNIT_OF = {"sentence": attrgetter("sentence"), "paragraph": attrgetter("paragraph")}


def _composed(text: str) -> str:
    """``text`` in composed form (NFC): "й" written as "и" and a combining breve is the one
    letter the aliases are written with. Extraction stores text this way too."""
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


_FIRST = itemgetter(0)


def _required(node: Node) -> list[frozenset[str]]:
    """Clauses ``node`` requires: it can be true only when each clause has a term present
    (what :func:`_compile_possible` checks, as sets). None for a NOT (true without any term), so an
    OR with one has none either."""
    if isinstance(node, (Term, GroupRef)):
        return [frozenset([term_id(node)])]
    if isinstance(node, Or):
        each = [_required(item) for item in node.items]
        if not all(each):
            return []
        return [frozenset().union(*(min(clauses, key=len) for clauses in each))]
    if isinstance(node, And):
        return [clause for item in node.items for clause in _required(item)]
    if isinstance(node, Near):
        return [*_required(node.left), *_required(node.right)]
    if isinstance(node, Not):
        return []
    return _required(node.item)


#: Whether a query can be true given the terms present anywhere in a document.
_Possible = Callable[[set[str]], bool]


def _always(present: set[str]) -> bool:
    return True


def _compile_possible(node: Node, tid: dict[int, str]) -> _Possible:
    """Whether ``node`` can be true given the terms present anywhere in the document, as a
    closure made once per rule: a NOT can be true without any term, an OR when one of its
    items can, an AND (or NEAR) when all can; the terms of an AND or OR are one set test."""
    check = _possible_of(node, tid)
    return _always if check is None else check


def _possible_of(node: Node, tid: dict[int, str]) -> _Possible | None:
    """:func:`_compile_possible`, None for a node that can be true whatever is present."""
    if isinstance(node, (Term, GroupRef)):
        key = tid[id(node)]
        return lambda present: key in present
    if isinstance(node, (And, Or, Near)):
        items = node.items if isinstance(node, (And, Or)) else (node.left, node.right)
        terms = frozenset(tid[id(item)] for item in items if isinstance(item, (Term, GroupRef)))
        parts = [_possible_of(item, tid) for item in items if not isinstance(item, (Term, GroupRef))]
        if isinstance(node, Or):
            if None in parts:
                return None
            subs = tuple(p for p in parts if p is not None)
            if not subs:
                return lambda present: not terms.isdisjoint(present)
            return lambda present: not terms.isdisjoint(present) or any(sub(present) for sub in subs)
        needed = tuple(p for p in parts if p is not None)
        if not needed:
            return (lambda present: terms <= present) if terms else None
        return lambda present: terms <= present and all(sub(present) for sub in needed)
    if isinstance(node, Not):
        return None
    return _possible_of(node.item, tid)


def _terms(doc: Doc, got: Iterable[Hit], made: dict[Hit, TermMatch] | None = None) -> tuple[TermMatch, ...]:
    """The matched terms in text order, the first MAX_TERMS of them; ``made`` keeps those
    already made for another rule of the same article (a hit is one term match)."""
    made = {} if made is None else made
    out = []
    for h in sorted(set(got), key=_hit_order)[:MAX_TERMS]:
        term = made.get(h)
        if term is None:
            group = h.term[1:] if h.term.startswith("@") else None
            base = 0 if h.field == 0 else doc.text_start
            field_name = "title" if h.field == 0 else "text"
            term = made[h] = TermMatch(
                doc.original(h.start, h.end), group, field_name, h.start - base, h.end - base
            )
        out.append(term)
    return tuple(out)


_hit_order = attrgetter("start", "end", "term")


class TooManyMatches(Exception):
    """More term matches than the budget; ``offset`` (in the document's ``norm``) is where
    the first one over it starts."""

    def __init__(self, offset: int):
        super().__init__(offset)
        self.offset = offset


def within_budget(title: str, text: str, budget: int) -> tuple[str, str]:
    """Title and text cut to ``budget`` characters in all (the title to half of it at most),
    at a word boundary when one is near."""
    if len(title) + len(text) <= budget:
        return title, text
    title = _cut(title, budget // 2)
    return title, _cut(text, budget - len(title))


def _cut_at(title: str, text: str, offset: int) -> tuple[str, str]:
    """Title and text cut before ``offset`` of their document (see ``build_doc``)."""
    text_start = len(title) + 2
    if offset >= text_start:
        return title, _cut(text, offset - text_start)
    return _cut(title, max(0, offset - 1)), ""


def _cut(text: str, size: int) -> str:
    """The first ``size`` characters at most; the cut moves back to the start of the word it
    falls in (within 200 characters), so no word is matched by a piece of itself."""
    if len(text) <= size:
        return text
    cut, floor = size, max(0, size - 200)
    while cut > floor and text[cut - 1].isalnum() and text[cut].isalnum():
        cut -= 1
    if text[cut - 1 : cut].isalnum() and text[cut].isalnum():  # one long word: cut it
        cut = size
    return text[:cut]


#: Up to this many pairs of hits, NEAR (and exclusion) compares every pair.
_PAIRWISE = 64


def _uncovered(hits: list[Hit], masks: list[Hit]) -> list[Hit]:
    """The hits no mask covers ("China" outside "South China Sea")."""
    if len(hits) * len(masks) <= _PAIRWISE:
        return [h for h in hits if not any(m.start <= h.start and h.end <= m.end for m in masks)]
    inside = _Cover(masks)
    return [h for h in hits if not inside.covers(h)]


def _close(doc: Doc, a: Hit, b: Hit, limit: int) -> bool:
    """Whether at most ``limit`` words lie strictly between two hits (none when adjacent or
    overlapping)."""
    return doc.within(a.end, b.start, limit) if a.start <= b.start else doc.within(b.end, a.start, limit)


class _Cover:
    """Spans (hits) sorted by start, with the furthest end reached so far: which ones cover
    a given span is answered in logarithmic time."""

    __slots__ = ("ends", "hits", "starts")

    def __init__(self, hits: Iterable[Hit]):
        self.hits = sorted(set(hits), key=lambda h: h.start)
        self.starts = [h.start for h in self.hits]
        self.ends = list(accumulate((h.end for h in self.hits), max))

    def covers(self, hit: Hit) -> bool:
        """Whether a span starting at or before ``hit`` ends at or after it."""
        k = bisect_right(self.starts, hit.start)
        return k > 0 and self.ends[k - 1] >= hit.end

    def near(self, doc: Doc, hit: Hit, distance: int) -> bool:
        """Whether a span is at most ``distance`` words from ``hit`` (0 when they touch or
        overlap). The words between two hits only grow as the later one starts later or the
        earlier one ends sooner, so only two spans need counting: the first one starting at
        or after ``hit``, and the furthest-reaching one starting before it."""
        k = bisect_left(self.starts, hit.start)
        if k < len(self.starts) and doc.within(hit.end, self.starts[k], distance):
            return True
        return k > 0 and doc.within(self.ends[k - 1], hit.start, distance)


def _near(doc: Doc, left: list[Hit], right: list[Hit], distance: int) -> list[Hit] | None:
    """The hits of either side with a hit of the other side in the same field at most
    ``distance`` words away, by position; n log n, not the product of the sides (which
    is cheaper only for a few hits, as in most sentences)."""
    close: set[Hit] = set()
    if len(left) * len(right) <= _PAIRWISE:
        for a in left:
            for b in right:
                if a.field == b.field and ((a in close and b in close) or _close(doc, a, b, distance)):
                    close.add(a)
                    close.add(b)
        return sorted(close, key=_hit_start) or None
    for f in {h.field for h in left} & {h.field for h in right}:
        mine = _Cover(h for h in left if h.field == f)
        theirs = _Cover(h for h in right if h.field == f)
        close.update(h for h in mine.hits if theirs.near(doc, h, distance))
        close.update(h for h in theirs.hits if mine.near(doc, h, distance))
    return sorted(close, key=_hit_start) or None


def _before(doc: Doc, left: list[Hit], right: list[Hit], distance: int) -> list[Hit] | None:
    """The hits of ``left`` ending before a hit of ``right`` starts, in the same field, at
    most ``distance`` words before it, and those hits of ``right``. The words between only
    grow as the gap does, so each hit is counted against one other: a left hit against the
    first right hit starting at or after its end, a right hit against the left hit ending
    last at or before its start (n log n, like ``_near``)."""
    close: set[Hit] = set()
    for f in {h.field for h in left} & {h.field for h in right}:
        after = sorted((h for h in right if h.field == f), key=_hit_start)
        starts = [h.start for h in after]
        before = sorted((h for h in left if h.field == f), key=attrgetter("end"))
        ends = [h.end for h in before]
        for a in before:
            k = bisect_left(starts, a.end)
            if k < len(after) and doc.within(a.end, after[k].start, distance):
                close.add(a)
        for b in after:
            k = bisect_right(ends, b.start) - 1
            if k >= 0 and doc.within(before[k].end, b.start, distance):
                close.add(b)
    return sorted(close, key=_hit_start) or None


_hit_start = attrgetter("start")


def _evidence(doc: Doc, got: list[Hit]) -> tuple[Evidence, ...]:
    """Up to two sentences holding the most distinct matched terms, in text order, with
    the matched words' spans. The headline is evidence only when no sentence of the text
    holds a matched term: an alert shows the headline anyway."""
    by_sentence: dict[int, list[Hit]] = {}
    in_text = any(h.field == 1 for h in got)
    for h in got:
        if h.field == 1 or not in_text:
            by_sentence.setdefault(h.sentence, []).append(h)
    ranked = sorted(by_sentence.items(), key=lambda kv: (-len({h.term for h in kv[1]}), kv[0]))
    out = []
    for _, group in sorted(ranked[:2], key=lambda kv: kv[0]):
        start, end = doc.sentence_span(group[0].start)
        raw = doc.original(start, end)
        lead = len(raw) - len(raw.lstrip())
        sentence = raw.strip()
        spans = merge_spans(sorted({(h.start - start - lead, h.end - start - lead) for h in group}))
        out.append(Evidence("title" if group[0].field == 0 else "text", *_clip(sentence, spans)))
    return tuple(out)


def _clip(
    sentence: str, spans: tuple[tuple[int, int], ...], size: int = EVIDENCE_CHARS
) -> tuple[str, tuple[tuple[int, int], ...]]:
    """A sentence longer than ``size`` as the window of it that holds the most matched
    words, marked "…" where cut, with the spans inside that window."""
    if len(sentence) <= size:
        return sentence, spans
    width, best, first, j = size - 2, 0, 0, 0
    for i, (start, _) in enumerate(spans):  # spans are sorted: a sliding window over them
        while j < len(spans) and spans[j][1] - start <= width:
            j += 1
        if j - i > best:
            best, first = j - i, start
    low = max(0, min(first - width // 4, len(sentence) - width))
    space = sentence.find(" ", low, low + 40)  # start at a word when one starts near
    if low and 0 <= space < first:
        low = space + 1
    high = min(len(sentence), low + width)
    prefix, suffix = ("…" if low else ""), ("…" if high < len(sentence) else "")
    shift = len(prefix) - low
    kept = tuple((a + shift, b + shift) for a, b in spans if low <= a and b <= high)
    return prefix + sentence[low:high] + suffix, kept


def merge_spans(spans: list[tuple[int, int]]) -> tuple[tuple[int, int], ...]:
    """Overlapping spans as their union ("Russia" inside "Russia's military")."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return tuple(merged)


def _iter_terms(node: Node) -> Iterable[Term]:
    return (leaf for leaf in leaves(node) if isinstance(leaf, Term))
