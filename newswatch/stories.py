"""Stories: which archived article a new one repeats or follows (pure, no I/O).

Two tests, in order:

* **copy** — a syndicated, mirrored, re-posted or cut-down text: the share of the shorter
  text's word 3-shingles that the longer one holds (estimated from MinHash
  signatures, newswatch/minhash.py, and the shingle counts) reaches ``copy_threshold``, within ``copy_window``
  of each other;
* **related** — another report of the same event: the title-and-lead similarity (cosine of
  IDF-weighted word stems, title words counted twice) reaches ``event_threshold``, they
  share at least ``min_shared_entities`` names or numbers, their headlines do not cite
  different numbers (the 14th and the 15th sanctions package are two events), their
  opening sentences do not name different days of the week ("on Monday" / "on Wednesday":
  two events that share every name), and they were published within ``event_window``
  of each other;
* **related** by retelling — two outlets' reports in one language that the words do not
  join, sharing rare pieces of one source's wording (``by_phrases``, newswatch/phrases.py);
* **related** across languages — when the two are in different languages (or scripts) and
  the words do not join them: they share rare *anchors* (``newswatch/anchors.py``: a
  gazetteer entity when both date the event alike, two anchors one of which is a date,
  number or entity, or three names of people or cities in any alphabet) and no headline
  number or date contradicts the other's (``by_anchors``).

The new article joins the story of its best match; with no match it starts a story.
Term weights come from the index's own window, so words every recent article uses
("China", "Russia", "war") weigh little.
"""

from __future__ import annotations

import itertools
import json
import math
import re
import sys
import unicodedata
from array import array
from collections import Counter, deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache
from typing import Any, Literal, Protocol

import numpy as np

from newswatch import anchors as anchoring
from newswatch import phrases as phrasing
from newswatch.language import code
from newswatch.minhash import signature
from newswatch.text import CJK, ascii_digits

NUM_PERM = 128
SHINGLE = 3  # words per shingle (fingerprint() builds the triples)
LEAD_WORDS = 60
FIRST_WORDS = 35  # the opening sentences, where a report says when its event happened
MIN_SHINGLES = 30  # fewer distinct shingles than this: too short to call a copy
STEM = 6  # words are cut to their first six letters: a crude stemmer that works across languages
MAX_WORD_CHARS = 40  # a lead is at most this many characters a word

#: Rarity of the anchors two reports in different languages must share, in units of the
#: rarest possible anchor's weight (the IDF of a word only they use): 1.0 is one anchor
#: only they share, or two that a few others use too.
ANCHOR_THRESHOLD = 1.0
#: A gazetteer entity counts this many times a date, number or name: its aliases were
#: chosen by hand to name one company, where a name key can meet another name by chance.
ENTITY_WEIGHT = 2.0
#: Names (``p:`` anchors) that must be shared when nothing else is: as many as the names and
#: numbers two leads in one language must share (``NEWSWATCH_STORY_MIN_SHARED``'s default).
NAMES_ALONE = 3
#: The IDF of a term a fifth of the window uses: such a word finds no candidates on its own,
#: and such an anchor does not count as shared.
COMMON_IDF = math.log(5)

Relation = Literal["first", "copy", "related"]

_TOKEN = re.compile(rf"[{CJK}]+|[^\W\d_]+(?:['’][^\W\d_]+)*|\d+(?:[.,]\d+)*(?:st|nd|rd|th)?", re.UNICODE)
_CJK_RUN = re.compile(rf"[{CJK}]+")
# Weekday names (English, German, French, Russian and Ukrainian stems): reports of one event
# name the same day in their leads ("said on Tuesday"); two events days apart do not.
_WEEKDAYS = {
    day: re.compile(pattern, re.IGNORECASE)
    for day, pattern in {
        "mon": r"\b(?:monday|montag|lundi|понедельник\w*|понеділ\w*)\b",
        "tue": r"\b(?:tuesday|dienstag|mardi|вторник\w*|вівтор\w*)\b",
        "wed": r"\b(?:wednesday|mittwoch|mercredi|сред[аеуы]|серед[аиуі])\b",
        "thu": r"\b(?:thursday|donnerstag|jeudi|четверг\w*|четвер\w*)\b",
        "fri": r"\b(?:friday|freitag|vendredi|пятниц\w*|п.ятниц\w*)\b",
        "sat": r"\b(?:saturday|samstag|samedi|суббот\w*|субот\w*)\b",
        "sun": r"\b(?:sunday|sonntag|dimanche|воскресень\w*|неділ\w*)\b",
    }.items()
}
_NUMBER = re.compile(r"\d+(?:[./,:-]\d+)*(?:st|nd|rd|th)?")
_YEAR = re.compile(r"(?:19|20)\d\d")
_SENTENCE_END = re.compile(r"[.!?:;»\"“”]\s*$")
_STOPLISTS = ("English", "German", "Russian", "Ukrainian", "French", "Spanish", "Italian", "Romanian")
#: Lists read for an article in that language only, beside the ones above: in the other
#: languages' articles their words are names and content ("Korea", "India", "video").
#: Indonesian's, Czech's, Polish's, Slovak's and Lithuanian's jusText lists hold topic words
#: ("perang", "senjata", "zbraně", "broń": war, weapons) and are not read.
_OWN_STOPLIST = {"nl": "Dutch", "pt": "Portuguese", "sv": "Swedish", "da": "Danish", "no": "Norwegian_Bokmal"}


@lru_cache(maxsize=16)
def stopwords(language: str = "") -> frozenset[str]:
    """Function words of the outlets' languages (jusText's lists, as trafilatura uses them),
    with those of ``language`` when it has a list of its own (``_OWN_STOPLIST``)."""
    import justext

    words: set[str] = set()
    for name in (*_STOPLISTS, *([_OWN_STOPLIST[language]] if language in _OWN_STOPLIST else [])):
        words |= {w.lower() for w in justext.get_stoplist(name)}
    return frozenset(words)


class StoryConfig:
    """Thresholds and windows (settings ``NEWSWATCH_STORY_*``)."""

    def __init__(
        self,
        event_threshold: float = 0.25,
        copy_threshold: float = 0.7,
        min_shared_entities: int = 3,
        event_window: timedelta = timedelta(hours=72),
        copy_window: timedelta = timedelta(days=7),
        anchor_threshold: float = ANCHOR_THRESHOLD,
    ):
        self.event_threshold = event_threshold
        self.copy_threshold = copy_threshold
        self.min_shared_entities = min_shared_entities
        self.event_window = event_window
        self.copy_window = copy_window
        self.anchor_threshold = anchor_threshold


# --- fingerprints ----------------------------------------------------------------------------


def _normal(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


def tokens(text: str) -> list[str]:
    """Words, numbers and CJK characters (each CJK character is a token), lower-cased."""
    out: list[str] = []
    for word in _TOKEN.findall(_normal(text).lower().replace("’", "'")):
        if "\u3040" <= word[0] <= "\ufaff" and _CJK_RUN.match(word):
            out.extend(word)
        else:
            out.append(word)
    return out


def stem(word: str) -> str:
    word = word.split("'", 1)[0] if "'" in word else word
    return word if word[:1].isdigit() else word[:STEM]


def _terms(words: list[str], stop: frozenset[str]) -> set[str]:
    """Stems of the content words (not in ``stop``); CJK text gives character bigrams."""
    out: set[str] = set()
    cjk: list[str] = []
    for word in words:
        if len(word) == 1 and _CJK_RUN.fullmatch(word):
            cjk.append(word)
            continue
        if cjk:
            out.update(a + b for a, b in itertools.pairwise(cjk))
            cjk = []
        if word in stop or (len(word) < 3 and not word[:1].isdigit()):
            continue
        out.add(stem(word))
    if cjk:
        out.update(a + b for a, b in itertools.pairwise(cjk))
    return out


def _entities(lead: str, stop: frozenset[str]) -> set[str]:
    """Names and numbers of the lead: capitalised words that do not start a sentence (and
    are not function words, ``stop``), and numbers that are not years alone."""
    out: set[str] = set()
    lead = ascii_digits(_normal(lead))  # Arabic ٢٠ is 20
    for match in _TOKEN.finditer(lead):
        word = match.group(0)
        before = lead[max(0, match.start() - 3) : match.start()]
        starts_sentence = match.start() == 0 or bool(_SENTENCE_END.search(before)) or "\n" in before
        if word[:1].isdigit():
            if not _YEAR.fullmatch(word):
                out.add(word.lower())
        elif word[:1].isupper() and not starts_sentence and word.lower() not in stop:
            out.add(stem(word.lower()))
    return out


def weekdays(text: str) -> set[str]:
    return {day for day, pattern in _WEEKDAYS.items() if pattern.search(text)}


def _numbers(title: str) -> set[str]:
    """Numbers in a headline; a date such as 3/1 or 24.02 is one number."""
    return {m.group(0).lower() for m in _NUMBER.finditer(ascii_digits(_normal(title)))}


#: The packed form of a fingerprint (``Fingerprint.packed``): its version, and the separators of
#: its fields and of a field's items (control characters no term holds; one that did is not packed).
PACKED_FORMAT = "2"
#: The forms this release reads (one character each): "1" has no phrases.
PACKED_READ = ("1", PACKED_FORMAT)
#: Fields after the window terms in form "1" (form "2" adds the phrases and their starts).
_FIELDS_FORM1 = 10
_FIELD, _ITEM = "\x1e", "\x1f"
_FIELD_BYTES, _ITEM_BYTES = _FIELD.encode(), _ITEM.encode()


def _items(field: str) -> tuple[str, ...]:
    """A packed field's items."""
    return tuple(field.split(_ITEM)) if field else ()


@dataclass(frozen=True, slots=True)
class Fingerprint:
    """What grouping needs of one article."""

    minhash: bytes  # NUM_PERM uint32 values (newswatch.minhash.signature)
    shingles: int  # distinct shingles hashed (0: text too short to compare as a copy)
    # sorted tuples, not sets: a window holds thousands of fingerprints, and tuples take a
    # sixth of the memory
    title_terms: tuple[str, ...]
    lead_terms: tuple[str, ...]
    entities: tuple[str, ...]
    numbers: tuple[str, ...]  # numbers in the headline
    weekdays: tuple[str, ...] = ()  # days of the week the first sentences name
    # what survives translation (newswatch/anchors.py): entities, dates, numbers, names
    anchors: tuple[str, ...] = ()
    headline: tuple[str, ...] = ()  # the headline's normalised numbers and dates
    language: str = ""  # the article's language ("en", "zh"), when known
    script: str = ""  # the main script of its title and lead ("latin", "cyrillic", "cjk")
    # its opening's phrases (newswatch/phrases.py): uint32 hashes in text order, and the word
    # each starts at (uint8)
    phrases: bytes = b""
    phrase_at: bytes = b""

    def terms_json(self) -> str:
        return json.dumps(
            {
                "t": self.title_terms,
                "l": self.lead_terms,
                "e": self.entities,
                "n": self.numbers,
                "w": self.weekdays,
                "s": self.shingles,
                "a": {"k": self.anchors, "h": self.headline, "g": self.language, "c": self.script},
                "p": [self.phrases.hex(), self.phrase_at.hex()],
            },
            ensure_ascii=False,
        )

    def window_terms(self) -> tuple[str, ...]:
        """The terms the story index counts and finds candidates by: title and lead words, anchors."""
        return tuple(sorted({*self.title_terms, *self.lead_terms, *self.anchors}))

    def packed(self) -> str | None:
        """The compact stored form (``article_fingerprints.packed``), read without JSON: fields
        joined by one control character, a field's items by another, the window terms first so
        that a window loads without reading the rest. None when an item is empty or holds a
        separator (the JSON form alone is stored then)."""
        lists = [self.title_terms, self.lead_terms, self.entities, self.numbers, self.weekdays]
        lists += [self.anchors, self.headline]
        fields = [_ITEM.join(x) for x in lists]
        head = [PACKED_FORMAT, _ITEM.join(self.window_terms()), str(self.shingles)]
        head += [self.language, self.script]
        for items, joined in zip(lists, fields, strict=True):
            if not all(items) or joined.count(_ITEM) != max(0, len(items) - 1):
                return None  # an empty item, or one holding the item separator
        if any(_FIELD in f for f in (*head, *fields)):
            return None
        return _FIELD.join((*head, *fields, self.phrases.hex(), self.phrase_at.hex()))

    @classmethod
    def from_packed(cls, minhash: bytes, packed: str) -> Fingerprint:
        """The fingerprint of its compact stored form (:meth:`packed`)."""
        form, _, rest = packed.split(_FIELD, 2)
        if form not in PACKED_READ:
            raise ValueError(f"unknown packed fingerprint form {form!r}")
        return cls._unpack(minhash, rest)

    @classmethod
    def _unpack(cls, minhash: bytes, rest: str) -> Fingerprint:
        """From the fields of the packed form after the window terms."""
        shingles, language, script, *lists = rest.split(_FIELD)
        title, lead, entities, numbers, days, anchors, headline = map(_items, lists[:7])
        return cls(
            minhash,
            int(shingles),
            title,
            lead,
            entities,
            numbers,
            days,
            anchors,
            headline,
            language,
            script,
            *_phrase_fields(lists[7:]),
        )

    @classmethod
    def from_stored(cls, minhash: bytes, terms_json: str) -> Fingerprint:
        data = json.loads(terms_json)

        def terms(key: str, source: dict[str, Any] = data) -> tuple[str, ...]:
            # interned: a window repeats the same words
            return tuple(sorted(map(sys.intern, source.get(key, ()))))

        anchored = data.get("a") or {}  # rows written before anchors existed have none
        return cls(
            minhash,
            int(data.get("s", 0)),
            terms("t"),
            terms("l"),
            terms("e"),
            terms("n"),
            terms("w"),
            terms("k", anchored),
            terms("h", anchored),
            str(anchored.get("g") or ""),
            str(anchored.get("c") or ""),
            *_phrase_fields(data.get("p") or []),  # (none in rows written before phrases)
        )


def _phrase_fields(tail: list[str]) -> tuple[bytes, bytes]:
    """The phrases and their starts of a packed form's fields after the headline's (none in
    form "1"), or of the JSON form's ``"p"``."""
    return (bytes.fromhex(tail[0]), bytes.fromhex(tail[1])) if tail else (b"", b"")


def lead_of(text: str, words: int = LEAD_WORDS) -> str:
    """The first ``words`` words of the text (whole paragraphs' worth, for names in the lead)."""
    out: list[str] = []
    count = 0
    for paragraph in text.split("\n"):
        if not paragraph.strip():
            continue
        out.append(paragraph.strip())
        count += len(paragraph.split()) or len(paragraph) // 2  # CJK: no spaces
        if count >= words:
            break
    joined = " ".join(out)
    parts = joined.split()
    if len(parts) > words * 2:
        joined = " ".join(parts[: words * 2])
    if _CJK_RUN.search(joined) and len(joined) > words * 4:
        joined = joined[: words * 4]
    # a "word" thousands of characters long (a paragraph without spaces) is cut all the same
    return joined[: words * MAX_WORD_CHARS]


def fingerprint(
    title: str | None, text: str, *, entities: Iterable[str] = (), language: str | None = None
) -> Fingerprint:
    """What grouping needs of an article: ``entities`` are the gazetteer ids it names (an
    anchor across languages), ``language`` its language code when known."""
    words = tokens(text)
    shingles = {f"{a} {b} {c}".encode() for a, b, c in zip(words, words[1:], words[2:], strict=False)}
    values = signature(shingles, NUM_PERM)  # datasketch's MinHash values (newswatch/minhash.py)
    lead = lead_of(text)
    title = title or ""
    language = code(language)
    stop = stopwords(language)
    kept, at = phrasing.extract(
        [stem(w) if _content(w, stop) else "" for w in words[: phrasing.PHRASE_WORDS]]
    )
    return Fingerprint(
        minhash=values.tobytes(),
        shingles=len(shingles) if len(shingles) >= MIN_SHINGLES else 0,
        title_terms=tuple(sorted(_terms(tokens(title), stop))),
        lead_terms=tuple(sorted(_terms(tokens(lead), stop))),
        entities=tuple(sorted(_entities(lead, stop))),
        numbers=tuple(sorted(_numbers(title))),
        weekdays=tuple(sorted(weekdays(lead_of(text, FIRST_WORDS)))),
        anchors=anchoring.anchors(title, lead, entities, stop, language),
        headline=anchoring.headline_numbers(title, language),
        language=language,
        script=anchoring.script(f"{title} {lead}"),
        phrases=kept,
        phrase_at=at,
    )


def _content(word: str, stop: frozenset[str]) -> bool:
    """A word a phrase is made of: three letters or more (so no Chinese or Japanese character,
    each a word of its own; Korean words count), not a number, not a function word."""
    return len(word) >= 3 and not word[:1].isdigit() and word not in stop


# --- similarity ------------------------------------------------------------------------------


def copy_similarity(a: Fingerprint, b: Fingerprint) -> float:
    """How much of the shorter text's shingles the longer text holds (estimated containment,
    0–1; 0 when either text is too short). A wire copy cut to half its length, or padded
    with a byline and a credit line, still scores near 1.

    From the MinHash estimate of the Jaccard similarity J and the two shingle counts:
    |A ∩ B| = J · (|A| + |B|) / (1 + J)."""
    if not a.shingles or not b.shingles:
        return 0.0
    va = np.frombuffer(a.minhash, dtype=np.uint32)
    vb = np.frombuffer(b.minhash, dtype=np.uint32)
    jaccard = float(np.count_nonzero(va == vb)) / NUM_PERM
    return containment(jaccard, a.shingles, b.shingles)


def containment(jaccard: float, size_a: int, size_b: int) -> float:
    if jaccard <= 0:
        return 0.0
    shared = jaccard * (size_a + size_b) / (1 + jaccard)
    return min(1.0, shared / min(size_a, size_b))


class IdfTable(Protocol):
    def get(self, term: str, default: float, /) -> float: ...


class WindowIdf:
    """Inverse document frequency over the window, computed per word when asked."""

    def __init__(self, df: Counter[str], documents: int):
        self.df, self.documents = df, documents

    def get(self, term: str, default: float = 0.0) -> float:
        return math.log(self.documents / (self.df.get(term, 0) + 1))


def _weights(fp: Fingerprint, idf: IdfTable, default_idf: float) -> dict[str, float]:
    weights = {t: idf.get(t, default_idf) for t in fp.lead_terms}
    for t in fp.title_terms:
        weights[t] = weights.get(t, 0.0) + 2 * idf.get(t, default_idf)
    return weights


def _weighted(fp: Fingerprint, idf: IdfTable, default_idf: float) -> tuple[dict[str, float], float]:
    """The weights of a fingerprint's terms and their norm (kept for the match when ``idf`` is
    a match's memo: the new article is weighed once, not once per candidate)."""
    if isinstance(idf, _Memo):
        return idf.weighted(fp, default_idf)
    weights = _weights(fp, idf, default_idf)
    return weights, math.sqrt(sum(w * w for w in weights.values()))


def event_similarity(a: Fingerprint, b: Fingerprint, idf: IdfTable, default_idf: float) -> float:
    """Cosine of the IDF-weighted title-and-lead terms (title words counted twice)."""
    (wa, na), (wb, nb) = _weighted(a, idf, default_idf), _weighted(b, idf, default_idf)
    dot = sum(w * wb[t] for t, w in wa.items() if t in wb)
    if dot == 0:
        return 0.0
    return dot / (na * nb)


def numbers_conflict(a: Fingerprint, b: Fingerprint) -> bool:
    """Both headlines cite numbers and none of them agree."""
    return bool(a.numbers and b.numbers and not set(a.numbers) & set(b.numbers))


def days_conflict(a: Fingerprint, b: Fingerprint) -> bool:
    """Both openings name days of the week and none of them agree."""
    return bool(a.weekdays and b.weekdays and not set(a.weekdays) & set(b.weekdays))


@dataclass(frozen=True, slots=True)
class Decision:
    """Whether two articles are one story, and how."""

    relation: Literal["copy", "related"] | None
    score: float


def compare(
    a: Fingerprint,
    b: Fingerprint,
    gap: timedelta | None,
    config: StoryConfig,
    idf: IdfTable,
    default_idf: float,
    copies: bool = True,
    phrases: phrasing.PhraseCounts | None = None,
) -> Decision:
    """Pairwise decision: ``gap`` is the time between the two (None: unknown, taken as close).
    ``copies=False`` skips the copy test (the index has made it for the whole window);
    ``phrases``, the window's phrase counts, makes the retelling test (none without them:
    pass them for reports of two different outlets only)."""
    gap = abs(gap) if gap is not None else timedelta(0)
    if copies and gap <= config.copy_window:
        jaccard = copy_similarity(a, b)
        if jaccard >= config.copy_threshold:
            return Decision("copy", jaccard)
    if gap > config.event_window or days_conflict(a, b):
        return Decision(None, 0.0)
    words = _by_words(a, b, config, idf, default_idf)
    if words.relation is None and cross_language(a, b):
        return by_anchors(a, b, config, idf, default_idf)
    if (
        words.relation is None
        and phrases is not None
        and by_phrases(a, b, phrases, config.event_window, idf if isinstance(idf, _Memo) else None)
    ):
        return Decision("related", max(words.score, config.event_threshold))
    return words


def _by_words(
    a: Fingerprint, b: Fingerprint, config: StoryConfig, idf: IdfTable, default_idf: float
) -> Decision:
    """The same-language test: shared names and numbers, then title-and-lead similarity."""
    if not _agree(a, b, config, idf):
        return Decision(None, 0.0)
    score = event_similarity(a, b, idf, default_idf)
    return Decision("related" if score >= config.event_threshold else None, score)


def by_phrases(
    a: Fingerprint,
    b: Fingerprint,
    counts: phrasing.PhraseCounts,
    window: timedelta,
    memo: _Memo | None = None,
) -> bool:
    """Retellings of one source in one language (newswatch/phrases.py): rare phrases of their
    openings in common, in separate passages, and no headline numbers or dates that conflict
    (``anchors_conflict``: two events a background paragraph describes alike are not one)."""
    if not a.phrases or not b.phrases or numbers_conflict(a, b) or anchors_conflict(a, b, window):
        return False
    mine = memo.phrases(a) if memo is not None else phrasing.starts(a.phrases, a.phrase_at)
    return phrasing.retold(mine, phrasing.starts(b.phrases, b.phrase_at), counts)


def _agree(a: Fingerprint, b: Fingerprint, config: StoryConfig, idf: IdfTable) -> bool:
    """The same-language test's gates: the headlines' numbers do not conflict, and the leads'
    names and numbers agree as far as both have any (CJK leads have no capitals)."""
    if numbers_conflict(a, b):
        return False
    names_a, names_b = (idf.names(a), _names(b)) if isinstance(idf, _Memo) else (_names(a), _names(b))
    needed = min(config.min_shared_entities, len(names_a), len(names_b))
    return len(names_a & names_b) >= needed


def _names(fp: Fingerprint) -> set[str]:
    """The names and numbers of a lead, for the shared-names gate; a lead without capitals
    (Chinese, Japanese) shows its names only through the gazetteer entities it names."""
    if fp.script != "cjk":
        return set(fp.entities)
    return set(fp.entities) | {x for x in fp.anchors if x.startswith("e:")}


def cross_language(a: Fingerprint, b: Fingerprint) -> bool:
    """The two are in different languages (or, a language unknown, different scripts)."""
    if a.language and b.language:
        return a.language != b.language
    return bool(a.script and b.script and a.script != b.script)


def anchors_conflict(a: Fingerprint, b: Fingerprint, window: timedelta) -> bool:
    """Both headlines cite numbers or dates and none agree, or both title-and-leads name
    calendar dates and none lies within ``window`` of one of the other's (a designation on
    the 3rd, a denial on the 10th; an event "on January 26" reported on the 27th agrees)."""
    if a.headline and b.headline and not set(a.headline) & set(b.headline):
        return True
    days_a, days_b = _days(a.anchors), _days(b.anchors)
    if not days_a or not days_b:
        return False
    reach = max(1, round(window / timedelta(days=1)))
    return all(min(abs(x - y), 366 - abs(x - y)) > reach for x in days_a for y in days_b)


def _days(found: Iterable[str]) -> list[int]:
    """The day of the year (in a leap year) of each ``d:MM-DD`` anchor."""
    out = []
    for anchor in found:
        if anchor.startswith("d:"):
            try:
                out.append(datetime.strptime(f"2000-{anchor[2:]}", "%Y-%m-%d").timetuple().tm_yday)
            except ValueError:
                continue
    return out


def met_anchors(a: Fingerprint, b: Fingerprint) -> set[str]:
    """``a``'s anchors as a report in ``b``'s language meets them. A name ``a`` spells as its
    language does (German Schoigu) also has its key as English spells it (``s:``, Shoigu):
    that key stands for the name against a language that writes names as English does
    (English, Russian, Chinese…); against another language that respells (Polish Szojgu),
    each would have two keys for one name, so only the names as written meet there."""
    if b.language in anchoring.RESPELLING:
        return {x for x in a.anchors if not x.startswith("s:")}
    return {f"p:{x[2:]}" if x.startswith("s:") else x for x in a.anchors}


def enough_anchors(shared: Iterable[str], a: Fingerprint, b: Fingerprint) -> bool:
    """Whether the shared (rare enough) anchors can tie two reports to one event. A person or
    place recurs across many events, and a company is named for days (sanctioned, denying,
    launching), so: names alone (people's ``p:``, cities' ``g:``) need ``NAMES_ALONE``; a
    gazetteer entity alone holds only when both reports date the event (the contradiction
    test has found the dates agree); otherwise two anchors, one of them a date, number or
    entity."""
    found = list(shared)
    names = sum(x.startswith(("p:", "g:")) for x in found)
    entities = sum(x.startswith("e:") for x in found)
    if len(found) == 1 and entities == 1:
        return bool(_days(a.anchors) and _days(b.anchors))
    return len(found) >= (NAMES_ALONE if names == len(found) else 2)


def by_anchors(
    a: Fingerprint, b: Fingerprint, config: StoryConfig, idf: IdfTable, default_idf: float
) -> Decision:
    """The cross-language test: no contradicting numbers or dates, at least one shared
    gazetteer entity or two shared dates, numbers or names, and the shared anchors rare
    enough: each weighs its IDF in the window as a share of the rarest weight (a gazetteer
    entity, a name chosen by hand, twice that), and together they reach ``anchor_threshold``."""
    if anchors_conflict(a, b, config.event_window):
        return Decision(None, 0.0)
    # an anchor more than a fifth of the window shares (Ukraine, Putin, China) counts for nothing
    weights = {x: idf.get(x, default_idf) for x in met_anchors(a, b) & met_anchors(b, a)}
    shared = {x: w for x, w in weights.items() if w >= COMMON_IDF}
    if default_idf <= 0 or not enough_anchors(shared, a, b):
        return Decision(None, 0.0)
    score = sum(w * (ENTITY_WEIGHT if x.startswith("e:") else 1.0) for x, w in shared.items())
    score /= default_idf
    return Decision("related" if score >= config.anchor_threshold else None, score)


# --- the window of recent articles -------------------------------------------------------------


class Entry:
    """An article of the window. One read from the archive keeps its fingerprint in the packed
    form (UTF-8) and parses it when a match reads it (most entries of a window never are); the
    ``PARSED_KEPT`` last parsed are kept parsed."""

    __slots__ = ("_fp", "_minhash", "_rest", "_terms", "article_id", "outlet", "story_id", "when")

    def __init__(
        self,
        article_id: int,
        story_id: int,
        outlet: str,
        when: datetime | None,
        fp: Fingerprint | None = None,
    ):
        self.article_id, self.story_id, self.outlet, self.when = article_id, story_id, outlet, when
        self._fp, self._minhash, self._rest, self._terms = fp, b"", b"", b""

    @classmethod
    def packed(
        cls, article_id: int, story_id: int, outlet: str, when: datetime | None, minhash: bytes, packed: bytes
    ) -> Entry:
        """An entry of a fingerprint's packed form (``Fingerprint.packed``, UTF-8), parsed when
        first read."""
        form, terms, rest = packed.split(_FIELD_BYTES, 2)
        if form.decode() not in PACKED_READ:
            raise ValueError(f"unknown packed fingerprint form {form!r}")
        entry = cls(article_id, story_id, outlet, when)
        entry._minhash, entry._rest, entry._terms = minhash, rest, terms
        return entry

    @property
    def fp(self) -> Fingerprint:
        if self._fp is None:
            self._fp = Fingerprint._unpack(self._minhash, self._rest.decode())
            _parsed.append(self)
            if len(_parsed) > PARSED_KEPT:
                _parsed.popleft()._fp = None  # parsed again when read again
        return self._fp

    @property
    def parsed(self) -> bool:
        """Whether its fingerprint is held parsed."""
        return self._fp is not None

    def gates(self) -> Fingerprint:
        """Its fingerprint as far as the tests before the words' similarity read it (names,
        numbers, days, anchors, headline, language, script; no terms): the parsed one when
        kept, else those fields alone, so that a candidate those tests reject is not parsed."""
        if self._fp is not None:
            return self._fp
        _, language, script, _, _, names, numbers, days, anchors, headline, *kept = self._rest.split(
            _FIELD_BYTES
        )
        return Fingerprint(
            b"",
            0,
            (),
            (),
            _items(names.decode()),
            _items(numbers.decode()),
            _items(days.decode()),
            _items(anchors.decode()),
            _items(headline.decode()),
            language.decode(),
            script.decode(),
            *_phrase_fields([field.decode() for field in kept]),
        )

    @property
    def phrases(self) -> bytes:
        """Its phrases' hashes (``Fingerprint.phrases``), read without parsing the rest."""
        if self._fp is not None:
            return self._fp.phrases
        if self._rest.count(_FIELD_BYTES) < _FIELDS_FORM1:  # form "1": none
            return b""
        return bytes.fromhex(self._rest.rsplit(_FIELD_BYTES, 2)[1].decode())

    @property
    def minhash(self) -> bytes:
        return self._fp.minhash if self._fp is not None else self._minhash

    @property
    def shingles(self) -> int:
        if self._fp is not None:
            return self._fp.shingles
        return int(self._rest[: self._rest.index(_FIELD_BYTES)])

    def window_words(self) -> Iterable[str]:
        """Its window terms (``Fingerprint.window_terms``, in no order)."""
        if self._fp is not None:
            fp = self._fp
            return {*fp.title_terms, *fp.lead_terms, *fp.anchors}
        joined = self.joined_terms()
        return joined.decode().split(_ITEM) if joined else []

    def joined_terms(self) -> bytes:
        """Its window terms (``Fingerprint.window_terms``) joined as the packed form holds them,
        in UTF-8; an entry read from the archive gives them once, without parsing the rest."""
        if self._terms:
            terms, self._terms = self._terms, b""
            return terms
        fp = self._fp if self._fp is not None else Fingerprint._unpack(self._minhash, self._rest.decode())
        return _ITEM.join(fp.window_terms()).encode()


#: Entries read from the archive whose parsed fingerprint is kept, the most recently parsed (a
#: parsed one takes about 5 KB; a match parses only the candidates whose names and numbers agree).
PARSED_KEPT = 4096
_parsed: deque[Entry] = deque()


@dataclass(frozen=True, slots=True)
class Match:
    article_id: int
    story_id: int
    relation: Literal["copy", "related"]
    score: float


class _Memo:
    """An IDF table that computes each word's weight once (one match compares up to
    ``MAX_COMPARED`` pairs), and, for the fingerprints compared in one match, their weighed
    terms, names and phrases (the new article's are then computed once, not once per candidate)."""

    def __init__(self, idf: IdfTable):
        self.idf, self.known = idf, dict[str, float]()
        # by the fingerprint's identity, the fingerprint held so that its id is not reused
        self._weighted: dict[int, tuple[Fingerprint, dict[str, float], float]] = {}
        self._names: dict[int, tuple[Fingerprint, set[str]]] = {}
        self._phrases: dict[int, tuple[Fingerprint, dict[int, int]]] = {}

    def get(self, term: str, default: float, /) -> float:
        found = self.known.get(term)
        if found is None:
            found = self.known[term] = self.idf.get(term, default)
        return found

    def weighted(self, fp: Fingerprint, default_idf: float) -> tuple[dict[str, float], float]:
        found = self._weighted.get(id(fp))
        if found is None:
            weights = _weights(fp, self, default_idf)
            found = self._weighted[id(fp)] = (fp, weights, math.sqrt(sum(w * w for w in weights.values())))
        return found[1], found[2]

    def names(self, fp: Fingerprint) -> set[str]:
        found = self._names.get(id(fp))
        if found is None:
            found = self._names[id(fp)] = (fp, _names(fp))
        return found[1]

    def phrases(self, fp: Fingerprint) -> dict[int, int]:
        found = self._phrases.get(id(fp))
        if found is None:
            found = self._phrases[id(fp)] = (fp, phrasing.starts(fp.phrases, fp.phrase_at))
        return found[1]


_CHUNK = 4096  # entries whose words a bulk load splits at once
#: A copy key (``_copy_keys``): the permutation's number, the MinHash value, the entry's position.
_VALUE_SHIFT = 25  # bits of the position: a window holds fewer than 2**25 entries
_PERMUTATIONS = np.arange(NUM_PERM, dtype=np.uint64) << np.uint64(32 + _VALUE_SHIFT)
_POSITION_MASK = np.uint64((1 << _VALUE_SHIFT) - 1)
_FENCE = 64  # copy keys per block of the fences
_FENCED_FROM = 1 << 20  # copy keys (8 MB) from which they are looked up through the fences


@dataclass
class StoryIndex:
    """The recent articles a new one is compared with, with the document frequency of their
    terms (for IDF). Entries older than the longer window are dropped as time goes on.

    What a match reads of every entry is held in arrays, so that Python code runs per
    candidate, not per entry of the window: shingle counts, one per entry; each MinHash value's
    entries (the copy test counts the values an entry shares by looking its own 128 up, so its
    cost does not grow with the window); and each word's entries as positions. A window loaded
    at once (:meth:`extend`) holds those of its words in one array grouped by the word's hash,
    built by sorting, not word by word; the entries added after it, in a packed array per word."""

    config: StoryConfig = field(default_factory=StoryConfig)
    entries: list[Entry] = field(default_factory=list)
    df: Counter[str] = field(default_factory=Counter)
    # how many entries hold each phrase (newswatch/phrases.py), kept without postings
    phrase_counts: phrasing.PhraseCounts = field(default_factory=phrasing.PhraseCounts)
    last_id: int | None = None  # the newest archive id looked at (None: not loaded yet)
    _pruned_at: datetime | None = None
    # the words of the entries loaded at once: their keys (sorted, distinct), where each word's
    # entries start in _positions (and one past the last), the positions grouped by word
    _keys: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int64))
    _starts: np.ndarray = field(default_factory=lambda: np.zeros(1, dtype=np.int64))
    _positions: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.int32))
    _added: dict[str, array[int]] = field(default_factory=dict)  # word → positions added since
    _base_known: dict[str, np.ndarray | None] = field(default_factory=dict)  # words looked up
    # shingle counts, one per entry; capacity doubles
    _size: np.ndarray = field(default_factory=lambda: np.empty(64, dtype=np.float64))
    # the MinHash values of the entries before _folded (those with shingles), as sorted copy
    # keys: permutation, value, position (an exact inverted index of the values: every
    # permutation is a band of one row)
    _copy_keys: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.uint64))
    _fences: np.ndarray = field(default_factory=lambda: np.empty(0, dtype=np.uint64))  # every _FENCE-th
    _folded: int = 0
    # the values of the entries from _folded on, one row each: compared in full, then folded in
    _tail: np.ndarray = field(default_factory=lambda: np.empty((0, NUM_PERM), dtype=np.uint32))

    #: Related-report candidates compared in full, those sharing the most rare words first
    #: (among equal ones, the earliest archived).
    MAX_COMPARED = 50
    #: Documents assumed besides the window, so that a young archive does not weigh every
    #: word as rare.
    PSEUDO_DOCS = 20
    #: Entries from which :meth:`extend` builds the word tables at once (fewer are added one by one).
    BULK = 64
    #: Entries added one by one whose MinHash values are compared in full before they are
    #: folded into the copy keys (a merge of the whole key array, so not after every article).
    TAIL = 1024

    def add(self, entry: Entry) -> None:
        position = len(self.entries)
        self.entries.append(entry)
        terms = entry.window_words()
        self.df.update(terms)
        self.phrase_counts.add(entry.phrases)
        added = self._added
        for term in terms:
            postings = added.get(term)
            if postings is None:
                added[term] = array("q", (position,))
            else:
                postings.append(position)
        if position == len(self._size):
            self._size = np.concatenate([self._size, np.empty_like(self._size)])
        self._size[position] = entry.shingles
        if position - self._folded == len(self._tail):
            if len(self._tail) < self.TAIL:
                self._tail = np.concatenate(
                    [self._tail, np.empty((max(16, len(self._tail)), NUM_PERM), np.uint32)]
                )
            else:
                self._fold(position)
        self._tail[position - self._folded] = np.frombuffer(entry.minhash, dtype=np.uint32)

    def _fold(self, end: int) -> None:
        """Merge the copy keys of the entries from ``_folded`` to ``end`` into the sorted ones."""
        held = np.flatnonzero(self._size[self._folded : end] > 0)
        keys = _copy_keys(self._tail[held], held + self._folded)
        keys.sort()
        self._copy_keys = np.insert(self._copy_keys, np.searchsorted(self._copy_keys, keys), keys)
        self._fences = self._copy_keys[::_FENCE].copy()
        self._folded = end

    def extend(self, entries: list[Entry]) -> None:
        """Add entries in archive order: into an empty window, many at once (a crawl's first
        load of the window), their word tables built by sorting the hashes of all their words."""
        if self.entries or len(entries) < self.BULK:
            for entry in entries:
                self.add(entry)
        else:
            self._rebuild(entries)

    def _rebuild(self, entries: list[Entry]) -> None:
        """Hold ``entries`` alone, every table built at once. Words are grouped by a 64-bit key
        (this process's hash of the word's UTF-8 bytes); two words sharing one would share their
        entries and count: a chance of about 3 in 10⁸ at a million distinct words."""
        count = len(entries)
        lengths = np.zeros(count, dtype=np.int64)  # words per entry
        hashes: list[np.ndarray] = []
        chunks: list[tuple[bytes, np.ndarray]] = []  # words joined, where each one ends
        for at in range(0, count, _CHUNK):  # a chunk's words at a time: they take 50 bytes each
            joined = [entry.joined_terms() for entry in entries[at : at + _CHUNK]]
            counted = (x.count(_ITEM_BYTES) + 1 if x else 0 for x in joined)
            lengths[at : at + len(joined)] = np.fromiter(counted, np.int64, len(joined))
            buffer = _ITEM_BYTES.join(x for x in joined if x)
            if buffer:
                words = buffer.split(_ITEM_BYTES)
                hashes.append(np.fromiter(map(hash, words), np.int64, len(words)))
                ends = np.flatnonzero(np.frombuffer(buffer, dtype=np.uint8) == _ITEM_BYTES[0])
                chunks.append((buffer, np.append(ends, len(buffer))))
        keys = np.concatenate(hashes) if hashes else np.empty(0, dtype=np.int64)
        del hashes
        keys, order = _sorted_with_order(keys)  # (a word's positions need no order: each entry holds it once)
        first = np.ones(len(keys), dtype=np.bool_)
        np.not_equal(keys[1:], keys[:-1], out=first[1:])
        starts = np.flatnonzero(first)
        del first
        self.entries = list(entries)
        self._keys = keys[starts]
        self._starts = np.append(starts, len(keys))
        del keys
        # each word spelled from its first occurrence, read in memory order (below)
        firsts = np.minimum.reduceat(order, starts) if len(starts) else starts
        self._positions = np.repeat(np.arange(count, dtype=np.int32), lengths)[order]
        del order
        self._added, self._base_known = {}, {}
        self.df = Counter()
        self.phrase_counts.reset([entry.phrases for entry in entries])
        ascending = np.argsort(firsts)
        dict.update(
            self.df,
            zip(_spelled(chunks, firsts[ascending]), np.diff(self._starts)[ascending].tolist(), strict=True),
        )
        capacity = max(64, 1 << count.bit_length())
        self._size = np.empty(capacity, dtype=np.float64)
        self._size[:count] = np.fromiter((entry.shingles for entry in entries), np.int64, count)
        held = np.flatnonzero(self._size[:count] > 0)  # (too short to be a copy: none)
        keys = np.empty((len(held), NUM_PERM), dtype=np.uint64)
        for at in range(0, len(held), _CHUNK):  # (not every value at once besides the keys)
            rows = held[at : at + _CHUNK]
            values = b"".join(entries[row].minhash for row in rows.tolist())
            _fill_copy_keys(
                keys[at : at + len(rows)], np.frombuffer(values, np.uint32).reshape(-1, NUM_PERM), rows
            )
        self._copy_keys = keys.ravel()
        self._copy_keys.sort()
        self._fences = self._copy_keys[::_FENCE].copy()
        self._folded, self._tail = count, np.empty((0, NUM_PERM), dtype=np.uint32)

    def horizon(self) -> timedelta:
        """How far back entries can still match (the longer window, and a day of slack for
        publication times that run ahead of archive times)."""
        return max(self.config.copy_window, self.config.event_window) + timedelta(days=1)

    def ids(self) -> set[int]:
        return {e.article_id for e in self.entries}

    def added_since(self, last_id: int) -> set[int]:
        """Ids of the entries added after the window was brought up to ``last_id``: this
        process's own articles since then, which are the last entries (they are kept in the
        order added), so the whole window is not walked for them."""
        out: set[int] = set()
        for entry in reversed(self.entries):
            if entry.article_id <= last_id:
                break
            out.add(entry.article_id)
        return out

    def idf(self) -> tuple[WindowIdf, float]:
        n = len(self.entries) + self.PSEUDO_DOCS
        return WindowIdf(self.df, n), math.log(n)

    def positions(self, term: str) -> list[int]:
        """The positions in ``entries`` of the entries holding ``term``, ascending."""
        found = self._postings([term])[1]
        return sorted(np.concatenate(found).tolist()) if found else []

    def prune(self, now: datetime) -> None:
        """Forget entries older than both windows. Looked at once an hour (not on every
        article); the term tables are rebuilt, so only once a quarter of the window (at least
        100 entries) is out of date."""
        if self._pruned_at is not None and now - self._pruned_at < timedelta(hours=1):
            return
        self._pruned_at = now
        horizon = now - self.horizon()
        keep = [e for e in self.entries if e.when is None or e.when >= horizon]
        if len(self.entries) - len(keep) < max(100, len(self.entries) // 4):
            return
        self._rebuild(keep)

    def match(
        self, fp: Fingerprint, when: datetime | None, exclude: int | None = None, outlet: str | None = None
    ) -> Match | None:
        """The article this one repeats (best copy) or follows (best related report). With its
        ``outlet`` known, a report of another outlet may also be a retelling (``by_phrases``;
        an outlet's own template text is not a source's wording)."""
        if not self.entries:
            return None
        cfg = self.config
        copy = self._match_copy(fp, when, exclude) if fp.shingles else None
        if copy is not None:
            return copy
        table, default_idf = self.idf()
        idf = _Memo(table)
        common = max(5, len(self.entries) // 5)  # (COMMON_IDF)
        # words a fifth of the window uses find no one
        terms = [t for t in {*fp.title_terms, *fp.lead_terms} if self.df.get(t, 0) <= common]
        overlap, touched = self._overlap(terms, [idf.get(t, default_idf) for t in terms])
        best: Match | None = None
        checked = 0
        for position in _heaviest_first(overlap, np.flatnonzero(touched)):
            entry = self.entries[position]
            gap = _gap_or_none(when, entry.when)
            if entry.article_id == exclude or (gap is not None and gap > cfg.event_window):
                continue
            checked += 1
            gates = entry.gates()  # (what compare() reads before the words, without parsing them)
            retold = self.phrase_counts if outlet is not None and entry.outlet != outlet else None
            if not entry.parsed and (
                days_conflict(fp, gates)
                or not (
                    cross_language(fp, gates)
                    or _agree(fp, gates, cfg, idf)
                    or (retold is not None and by_phrases(fp, gates, retold, cfg.event_window, idf))
                )
            ):
                if checked >= self.MAX_COMPARED:
                    break
                continue
            decision = compare(fp, entry.fp, gap, cfg, idf, default_idf, copies=False, phrases=retold)
            if decision.relation == "related" and (best is None or decision.score > best.score):
                best = Match(entry.article_id, entry.story_id, "related", decision.score)
            if checked >= self.MAX_COMPARED:
                break
        if fp.anchors:  # reports in other languages share no words, but anchors
            best = self._match_anchors(fp, when, exclude, touched, best, common, idf, default_idf)
        return best

    def _match_copy(self, fp: Fingerprint, when: datetime | None, exclude: int | None) -> Match | None:
        """The best copy within the copy window (the earliest archived of equals): the share of
        shingles held is estimated from the MinHash values shared, counted for every entry
        sharing one by looking the new article's values up in the copy keys (and comparing
        them with the few entries added since they were last folded)."""
        cfg, count = self.config, len(self.entries)
        mine = np.frombuffer(fp.minhash, dtype=np.uint32)
        rows, shared = _shared_values(self._copy_keys, self._fences, mine)
        tail = np.count_nonzero(self._tail[: count - self._folded] == mine, axis=1)
        held = np.flatnonzero(tail)
        rows = np.concatenate([rows, held + self._folded])
        shared = np.concatenate([shared, tail[held]])
        if cfg.copy_threshold <= 0:  # every entry is a copy then, those sharing no value too
            every = np.zeros(count, dtype=np.int64)
            every[rows] = shared
            rows, shared = np.arange(count), every
        if not len(rows):
            return None
        scores = _containment(shared, self._size[rows], fp.shingles)
        order = np.argsort(-scores, kind="stable")
        for row, score in zip(rows[order].tolist(), scores[order].tolist(), strict=True):
            if score < cfg.copy_threshold:
                break
            entry = self.entries[row]
            if entry.article_id != exclude and _gap(when, entry.when) <= cfg.copy_window:
                return Match(entry.article_id, entry.story_id, "copy", score)
        return None

    def _postings(self, terms: list[str]) -> tuple[list[int], list[np.ndarray]]:
        """Which of ``terms`` any entry holds, and the positions of the entries holding each (the
        bulk-loaded ones, then those added since: an entry is one or the other)."""
        found = [(n, p) for n, p in enumerate(self._base_postings(terms)) if p is not None]
        found += [(n, np.asarray(p)) for n, p in enumerate(map(self._added.get, terms)) if p is not None]
        return [n for n, _ in found], [p for _, p in found]

    def _base_postings(self, terms: list[str]) -> list[np.ndarray | None]:
        """Each term's positions among the entries loaded at once (None: it is in none),
        looked up by key for the terms not asked for before."""
        known = self._base_known
        missing = [t for t in dict.fromkeys(terms) if t not in known]
        if missing and len(self._keys):
            keys, wanted = self._keys, _word_keys(missing)
            at = np.minimum(np.searchsorted(keys, wanted), len(keys) - 1)
            held = (keys[at] == wanted).tolist()
            spans = zip(missing, held, self._starts[at].tolist(), self._starts[at + 1].tolist(), strict=True)
            known.update((t, self._positions[lo:hi] if h else None) for t, h, lo, hi in spans)
        elif missing:
            known.update(dict.fromkeys(missing))
        return [known[t] for t in terms]

    def _overlap(self, terms: list[str], weights: list[float]) -> tuple[np.ndarray, np.ndarray]:
        """Per entry, the summed weight of the ``terms`` it has (added in the order of ``terms``),
        and whether it has any."""
        count = len(self.entries)
        which, found = self._postings(terms)
        if not found:
            return np.zeros(count), np.zeros(count, dtype=np.bool_)
        positions = np.concatenate(found)
        held = [weights[n] for n in which]
        overlap = np.bincount(positions, np.repeat(held, [len(p) for p in found]), minlength=count)
        if min(held) > 0:  # (IDF weights are: a word a fifth of the window uses has none here)
            return overlap, overlap > 0
        return overlap, np.bincount(positions, minlength=count) > 0

    def _match_anchors(
        self,
        fp: Fingerprint,
        when: datetime | None,
        exclude: int | None,
        seen: np.ndarray,
        best: Match | None,
        common: int,
        idf: IdfTable,
        default_idf: float,
    ) -> Match | None:
        """The best related report in another language among the entries the word test
        did not see: those whose shared anchors (each rarer than a fifth of the window) weigh
        enough to pass ``by_anchors``, heaviest first."""
        cfg = self.config
        # a name's key as English spells it (``s:``) finds the entries writing it so, and they
        # find it (``met_anchors`` decides what counts)
        looked = sorted(
            {*fp.anchors, *(_SPELLINGS[a[:2]] + a[2:] for a in fp.anchors if a[:2] in _SPELLINGS)}
        )
        anchors = [a for a in looked if self.df.get(a, 0) <= common]
        weights = [idf.get(a, default_idf) * (ENTITY_WEIGHT if a.startswith("e:") else 1.0) for a in anchors]
        overlap, touched = self._overlap(anchors, weights)
        enough = cfg.anchor_threshold * default_idf
        candidates = np.flatnonzero(touched & (overlap >= enough) & ~seen)
        checked = 0
        for position in _heaviest_first(overlap, candidates):
            entry = self.entries[position]
            gap = _gap_or_none(when, entry.when)
            if entry.article_id == exclude or (gap is not None and gap > cfg.event_window):
                continue
            gates = entry.gates()  # (all that by_anchors reads: anchors, headline, language, script)
            if not cross_language(fp, gates) or days_conflict(fp, gates):
                continue
            decision = by_anchors(fp, gates, cfg, idf, default_idf)
            if decision.relation == "related" and (best is None or decision.score > best.score):
                best = Match(entry.article_id, entry.story_id, "related", decision.score)
            checked += 1
            if checked >= self.MAX_COMPARED:
                break
        return best


_SPELLINGS = {"p:": "s:", "s:": "p:"}  # a name as written, and as English spells it


def _sorted_with_order(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``keys`` (int64, consumed) sorted, and the index each came from (equal keys in any
    order): what ``np.argsort`` and a gather give, by two sorts of 64-bit numbers (vectorised,
    several times faster than ``argsort`` and the gather at millions of keys): the keys, and
    each key's high bits with its index; the indexes of keys that share their high bits but
    differ are then put in the keys' order (rare)."""
    total = len(keys)
    bits = max(1, (total - 1).bit_length())
    if bits > 40:
        order = np.argsort(keys)
        return keys[order], order
    flipped = keys.view(np.uint64)
    flipped ^= np.uint64(1 << 63)  # (in place: unsigned, in the same order)
    packed = flipped >> np.uint64(bits)
    packed <<= np.uint64(bits)
    for at in range(0, total, 1 << 20):
        packed[at : at + (1 << 20)] |= np.arange(at, min(total, at + (1 << 20)), dtype=np.uint64)
    packed.sort()
    mask = np.uint64((1 << bits) - 1)
    packed &= mask
    order = packed.view(np.int64)
    ordered = np.sort(flipped)
    changes = np.flatnonzero(ordered[1:] != ordered[:-1])
    high = ordered[changes] >> np.uint64(bits)
    for value in np.unique(high[high == ordered[changes + 1] >> np.uint64(bits)]).tolist():
        low = np.uint64(value << bits)  # (the group: the keys from low to low with every low bit set)
        lo, hi = np.searchsorted(ordered, low), np.searchsorted(ordered, low | mask, side="right")
        mine = order[lo:hi]
        order[lo:hi] = mine[np.argsort(flipped[mine], kind="stable")]
    del flipped, keys
    ordered ^= np.uint64(1 << 63)
    return ordered.view(np.int64), order


def _spelled(chunks: list[tuple[bytes, np.ndarray]], occurrences: np.ndarray) -> Iterator[str]:
    """The words at ``occurrences`` (ascending indexes into all the chunks' words, one after the
    other) of chunks of words joined by ``_ITEM`` (UTF-8), given where each word ends."""
    offset = 0
    for buffer, ends in chunks:
        mine = occurrences[(occurrences >= offset) & (occurrences < offset + len(ends))] - offset
        offset += len(ends)
        begins = np.where(mine > 0, ends[mine - 1] + 1, 0)
        yield from map(
            bytes.decode, map(buffer.__getitem__, map(slice, begins.tolist(), ends[mine].tolist()))
        )


def _word_keys(words: list[str]) -> np.ndarray:
    """A 64-bit key per word: the hash of its UTF-8 bytes. (Not the hash of the string: CPython
    hashes a string's bytes as stored, one, two or four per character, so "整灵" and "teup"
    share one.)"""
    return np.fromiter(map(hash, map(str.encode, words)), np.int64, len(words))


def _heaviest_first(weights: np.ndarray, positions: np.ndarray, batch: int = 256) -> Iterator[int]:
    """``positions`` (ascending) by descending weight, the earliest first among equal ones; a
    batch of the heaviest at a time, since a match mostly stops after a few dozen."""
    keys = -weights[positions]
    while len(positions):
        if len(positions) > batch:
            cut = np.partition(keys, batch - 1)[batch - 1]
            taken = keys <= cut  # every tie of the last one too
        else:
            taken = np.ones(len(positions), dtype=np.bool_)
        chosen, chosen_keys = positions[taken], keys[taken]
        yield from chosen[np.argsort(chosen_keys, kind="stable")].tolist()
        positions, keys = positions[~taken], keys[~taken]


def _copy_keys(values: np.ndarray, positions: np.ndarray) -> np.ndarray:
    """The copy keys (unsorted) of the entries at ``positions``, one row of MinHash values each."""
    keys = np.empty((len(positions), NUM_PERM), dtype=np.uint64)
    _fill_copy_keys(keys, values, positions)
    return keys.ravel()


def _fill_copy_keys(keys: np.ndarray, values: np.ndarray, positions: np.ndarray) -> None:
    """Write into ``keys`` (a row per entry) the copy keys of the entries at ``positions``."""
    if len(positions) and int(positions.max()) >= 1 << _VALUE_SHIFT:
        raise ValueError(f"a story window holds fewer than {1 << _VALUE_SHIFT} entries")
    keys[...] = values
    keys <<= np.uint64(_VALUE_SHIFT)
    keys |= _PERMUTATIONS[None, :]
    keys |= positions.astype(np.uint64)[:, None]


def _shared_values(keys: np.ndarray, fences: np.ndarray, mine: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The positions (ascending) of the entries in the sorted copy ``keys`` sharing any of the
    MinHash values ``mine``, and how many each shares. Each value is looked up among the
    ``fences`` (every ``_FENCE``-th key: a small array) and then in the one block of keys after
    its fence, not by a binary search through the whole array (a cache miss a step)."""
    count = len(keys)
    if not count:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    wanted = _PERMUTATIONS | (mine.astype(np.uint64) << np.uint64(_VALUE_SHIFT))
    last = wanted | _POSITION_MASK  # (the greatest key of the value: its entries are in between)
    if count < _FENCED_FROM:  # (a binary search stays in the cache)
        starts, ends = np.searchsorted(keys, wanted), np.searchsorted(keys, last, side="right")
    else:
        base = np.maximum(np.searchsorted(fences, wanted) - 1, 0) * _FENCE
        block = keys[np.minimum(base[:, None] + np.arange(_FENCE), count - 1)]
        starts = np.minimum(base + np.count_nonzero(block < wanted[:, None], axis=1), count)
        ends = np.minimum(base + np.count_nonzero(block <= last[:, None], axis=1), count)
        beyond = np.flatnonzero((ends == base + _FENCE) & (ends < count))  # the value's run goes on
        if len(beyond):
            ends[beyond] = np.searchsorted(keys, last[beyond], side="right")
    lengths = ends - starts
    total = int(lengths.sum())
    if not total:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    # the index of every key found: each run's start, then one more per key in the run
    steps = np.ones(total, dtype=np.int64)
    nonempty = lengths > 0
    runs, begins = lengths[nonempty], starts[nonempty]
    steps[0] = begins[0]
    steps[np.cumsum(runs)[:-1]] = begins[1:] - (begins[:-1] + runs[:-1]) + 1
    found = keys[np.cumsum(steps)] & _POSITION_MASK
    positions, shared = np.unique(found, return_counts=True)
    return positions.astype(np.int64), shared


def _containment(shared: np.ndarray, sizes: np.ndarray, size: int) -> np.ndarray:
    """``containment`` for many pairs: ``shared`` MinHash values of ``NUM_PERM``, shingle counts."""
    jaccard = shared / NUM_PERM
    with np.errstate(divide="ignore", invalid="ignore"):
        estimate = jaccard * (sizes + size) / (1 + jaccard)
        return np.where(sizes > 0, np.minimum(1.0, estimate / np.minimum(sizes, size)), 0.0)


def _gap_or_none(a: datetime | None, b: datetime | None) -> timedelta | None:
    return abs(a - b) if a is not None and b is not None else None


def _gap(a: datetime | None, b: datetime | None) -> timedelta:
    return _gap_or_none(a, b) or timedelta(0)
