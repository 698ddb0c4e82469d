"""Words found in every inflected form: an alias written once, in a language's file
(``config/rules/lang/xx.toml``), finds "Китая", "Китаю" and "Китаем" for "Китай",
"Drohnen" and "Kampfdrohnen" for "Drohne", "dronów" for "dron".

Each word has a key per language: the dictionary form (lemma) for Russian and Ukrainian
(pymorphy3 and its OpenCorpora / VESUM dictionaries; a reflexive verb is its plain verb), the
Snowball stem (PyStemmer) for English, German, French, Spanish, Italian, Polish, Romanian,
Turkish, Dutch, Portuguese, Swedish, Czech, Lithuanian, Danish, Norwegian, Indonesian, Hindi,
Finnish, Estonian, Hungarian and Greek, the lemma (simplemma) for Bulgarian and Slovak, which
Snowball lacks, and Larkey's light10 stem for Arabic (Snowball's Arabic stemmer keeps "والص"
of "والصين"). Two words are the same word when their keys are equal.

Matching stays one automaton pass: every alias word contributes the part all its forms share
(its stem prefix) as a *candidate* key; a candidate found in a text is confirmed by comparing
the key of the word it stands in with the alias's. Only candidates are looked up, so the cost
follows the few words that start like an alias, not every word of the text; keys are cached
per language. German, Dutch, Scandinavian, Finnish, Estonian and Hungarian compounds: an alias
word of five letters or more is also found as the last part of a compound, which names what
the compound is ("Kampfdrohnen" are drones; "Motorräder" are not motors, so a compound's
first part is not looked at). Arabic attaches "and", "the", "to" to the word ("والصين"): an
Arabic alias is found inside a word whose key is its key. Chinese, Japanese and Korean have no
such layer (see ``alias_keys``).
"""

from __future__ import annotations

import re
import threading
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from newswatch.rules.text import INDIC_FOLD, INDIC_UNFOLD, normalise, tokenize
from newswatch.text import has_cjk

#: Languages whose words are keyed; a word key function per language, loaded on first use.
SNOWBALL = {
    "en": "english",
    "de": "german",
    "fr": "french",
    "es": "spanish",
    "it": "italian",
    "pl": "polish",
    "ro": "romanian",
    "tr": "turkish",
    "nl": "dutch",
    "pt": "portuguese",
    "sv": "swedish",
    "cs": "czech",
    "lt": "lithuanian",
    "da": "danish",
    "no": "norwegian",
    "id": "indonesian",
    "hi": "hindi",
    "fi": "finnish",
    "et": "estonian",
    "hu": "hungarian",
    "el": "greek",
}
MORPHOLOGY = ("ru", "uk")
LEMMAS = ("bg", "sk")
#: A lemma's last letters that its forms may change (Slovak Čína / Číny, súčiastka / súčiastok):
#: the candidate prefix of a lemma-keyed word leaves them out (the lemma still decides).
LEMMA_ENDING = 2
LIGHT_STEMS = ("ar",)
KEYED = (*SNOWBALL, *MORPHOLOGY, *LEMMAS, *LIGHT_STEMS)
#: Languages whose aliases are also found inside a word (prefixes such as "و", "ال" attach).
INSIDE_WORDS = ("ar",)
#: Languages that write compounds as one word, whose last part names what the compound is.
COMPOUNDING = ("de", "nl", "sv", "da", "no", "fi", "et", "hu")
#: In those languages, an alias word this long is also found as a compound's last part
#: ("Kampfdrohnen", "gevechtsdrones", "stridsdrönare").
COMPOUND_PART = 5
#: The part before it has at least this many letters ("Kampf|drohnen").
COMPOUND_REST = 4
#: Candidate prefixes are at least this long (shorter words are matched as written).
MIN_PREFIX = 3
#: Words keyed and remembered at most, every language together (a news vocabulary is far
#: smaller; about 200 bytes a word).
CACHE_WORDS = 250_000

_WORD_REST = re.compile(r"[^\W_]*")
_TURKISH = str.maketrans({"ș": "ş", "ț": "ţ"})  # normalise() reads ş as the Romanian ș
#: A "word" longer than this holds no alias form (a run of letters with no space).
MAX_WORD = 64
_lock = threading.Lock()


@cache
def _analyzer(language: str) -> Any:
    import logging

    import pymorphy3

    # it announces each dictionary it loads at INFO; a command's output is its own
    logging.getLogger("pymorphy3").setLevel(logging.WARNING)
    return pymorphy3.MorphAnalyzer(lang=language)


@cache
def _backend(language: str) -> Callable[[str], str]:
    """The word → key function of a language (its library loaded once)."""
    if language in MORPHOLOGY:
        analyzer = _analyzer(language)

        def lemma(word: str) -> str:
            parses = analyzer.parse(word)
            found = str(parses[0].normal_form).replace("ё", "е") if parses else word
            # a reflexive verb is its plain verb: поставляться → поставлять
            return found[:-2] if found.endswith(("ться", "тись", "тися", "чься")) else found

        return lemma
    if language in LIGHT_STEMS:
        return arabic_light_stem
    if language in LEMMAS:
        import simplemma

        return lambda word: str(simplemma.lemmatize(word, lang=language)).lower()
    import Stemmer

    stemmer = Stemmer.Stemmer(SNOWBALL[language])
    if language == "tr":  # the text's Romanian comma letters are Turkish cedilla letters here
        return lambda word: str(stemmer.stemWord(word.translate(_TURKISH)))
    if language == "hi":  # the stemmer reads the vowel signs the matching folds (rules/text.py)
        return lambda word: str(stemmer.stemWord(word.translate(INDIC_UNFOLD))).translate(INDIC_FOLD)
    if language == "fr":
        return lambda word: french_key(str(stemmer.stemWord(word)), stemmer.stemWord)
    return lambda word: str(stemmer.stemWord(word))


#: The shortest key ``french_key`` cuts a stem in "-ent" down to.
FRENCH_MIN_KEY = 4


def french_key(stem: str, stem_word: Callable[[str], str]) -> str:
    """Snowball's French stem, with the ending "-ent" it keeps read as a verb's: its stemmer
    leaves the third person plural whole ("livrent", "sanctionnent", "présentent"), so the stem
    of the same word ending in "-e" is taken ("livre" → "livr", as "livrer" and "livré"), again
    while one is left ("présentent" → "présent" → "pres", as "présenter"), but never down to
    fewer than ``FRENCH_MIN_KEY`` letters: "dément" stays (not "dem", the key of "démis"), as do
    "agent", "client" and "moment"."""
    while len(stem) >= 5 and stem.endswith("ent"):
        shorter = str(stem_word(stem[:-3] + "e"))
        if len(shorter) < FRENCH_MIN_KEY:
            break
        stem = shorter
    return stem


class WordKeys:
    """Keys of words per language, remembered (``key`` is called for candidates only).
    ``computed`` counts the words keyed afresh, which the matcher budgets per article: a
    word a dictionary does not know is guessed at, which takes a quarter of a millisecond."""

    def __init__(self) -> None:
        self._cache: dict[str, dict[str, str]] = {}
        self._size = 0
        self.computed = 0

    def key(self, language: str, word: str) -> str:
        known = self._cache.get(language)
        if known is None:
            with _lock:
                known = self._cache.setdefault(language, {})
        found = known.get(word)
        if found is None:
            found = _backend(language)(word) if word else ""
            self.computed += 1
            if self._size >= CACHE_WORDS:  # one bound for every language together
                for words in self._cache.values():
                    words.clear()
                self._size = 0
            known[word] = found
            self._size += 1
        return found


KEYS = WordKeys()


@dataclass(frozen=True, slots=True)
class Inflected:
    """An alias of a group, in a language, found in its inflected forms."""

    term: str  # "@GROUP"
    language: str
    keys: tuple[str, ...]  # the key of each of its words
    prefix: str  # what every form of its first word starts with (the automaton's candidate)

    def confirm(self, norm: str, start: int, end: int, inside: bool) -> tuple[int, int] | None:
        """The span of the whole alias when the candidate found at ``start``-``end`` of the
        normalised text is one of its forms, else None. ``inside``: the candidate was found
        anywhere in a word (German, Dutch and Scandinavian compound heads, Arabic)."""
        # a word-start candidate runs to its word's end already
        bounds = _word_at(norm, start) if inside else (start, end)
        if bounds is None or bounds[1] - bounds[0] > MAX_WORD:
            return None
        word_start, word_end = bounds
        first = self.keys[0]
        if inside:
            if word_start == start and self.language != "ar":
                return None  # the word-start candidate handles it
            if self.language == "ar":
                word = norm[word_start:word_end]
                if KEYS.key("ar", word) != first:
                    return None
                span_start = word_start
            else:  # a compound's last part: "kampf|drohnen"
                if (
                    start - word_start < COMPOUND_REST
                    or KEYS.key(self.language, norm[start:word_end]) != first
                ):
                    return None
                span_start = start
        else:
            word = norm[word_start:word_end]
            if KEYS.key(self.language, word) != first:
                return None
            span_start = word_start
        position = word_end
        for key in self.keys[1:]:  # each next word a form of the alias's next word
            following = next_word(norm, position)
            if following is None or KEYS.key(self.language, norm[following[0] : following[1]]) != key:
                return None
            position = following[1]
        return span_start, position


_ARABIC_BASE = {"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي"}
_ARABIC_FOLDS = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ة": "ه", "ى": "ي", "\u0640": ""})
_ARABIC_DIACRITICS = re.compile("[\u064b-\u0652]")
#: light10 (Larkey, Ballesteros and Connell 2007): the article with what attaches before it,
#: "and", and the suffixes; plus the one-letter prepositions ب, ل, ك before a long word.
_ARABIC_ARTICLES = ("وال", "بال", "كال", "فال", "لل", "ال")
_ARABIC_SUFFIXES = ("ها", "ان", "ات", "ون", "ين", "يه", "ه", "ي")


def arabic_light_stem(word: str) -> str:
    """An Arabic word without its attached conjunction, preposition, article and suffixes."""
    word = _ARABIC_DIACRITICS.sub("", word.translate(_ARABIC_FOLDS))
    if word.startswith("و") and len(word) >= 4:
        word = word[1:]
    for article in _ARABIC_ARTICLES:
        if word.startswith(article) and len(word) - len(article) >= 2:
            word = word[len(article) :]
            break
    else:
        if word[:1] in ("ب", "ل", "ك", "ف") and len(word) >= 5:
            word = word[1:]
    for suffix in _ARABIC_SUFFIXES:
        # a one-letter suffix only off a longer word: "اسره" (family) is not "اسر" (capture)
        if word.endswith(suffix) and len(word) - len(suffix) >= (2 if len(suffix) == 2 else 4):
            word = word[: -len(suffix)]
    return word


def _word_at(norm: str, offset: int) -> tuple[int, int] | None:
    """The word holding the character at ``offset``, or None when it is longer than
    MAX_WORD (looking no further, so a text of one endless word costs its length)."""
    start, end, size = offset, offset, len(norm)
    floor, ceiling = max(0, offset - MAX_WORD), min(size, offset + MAX_WORD)
    while start > floor and norm[start - 1].isalnum():
        start -= 1
    while end < ceiling and norm[end].isalnum():
        end += 1
    if (start == floor and start > 0 and norm[start - 1].isalnum()) or (
        end == ceiling and end < size and norm[end].isalnum()
    ):
        return None
    return start, end


def next_word(norm: str, position: int) -> tuple[int, int] | None:
    """The span of the word after ``position`` when only one to three spaces or hyphens
    come before it, else None."""
    size = len(norm)
    gap = position
    while gap < size and norm[gap] in " -":
        gap += 1
    if gap == position or gap - position > 3 or gap >= size or not norm[gap].isalnum():
        return None
    match = _WORD_REST.match(norm, gap)
    assert match is not None
    return gap, min(match.end(), gap + MAX_WORD)


def _common_prefix(*words: str) -> str:
    first = min(words, key=len)
    for i, char in enumerate(first):
        if any(w[i] != char for w in words):
            return first[:i]
    return first


def _forms(language: str, word: str) -> list[str]:
    """Every inflected form of a Russian or Ukrainian word its dictionary knows (else just
    the word); not the comparatives and superlatives ("повоеннее", "наиглавнейший"), which
    are words of their own and would leave the forms no common start."""
    if language not in MORPHOLOGY:
        return [word]
    parses = _analyzer(language).parse(word)
    if not parses:
        return [word]
    forms = [
        normalise(str(form.word))
        for form in parses[0].lexeme
        if not ({"COMP", "Supr", "Cmp2"} & set(str(form.tag).replace(" ", ",").split(",")))
    ]
    return [f for f in forms if f[:MIN_PREFIX] == word[:MIN_PREFIX]] or [word]


def _folded(char: str) -> str:
    """A letter without its accent, umlaut or hamza, as stemmers write it."""
    base = unicodedata.normalize("NFD", char)[:1]
    return _ARABIC_BASE.get(base, base)


def _surface_prefix(word: str, key: str) -> str:
    """The start of ``word`` its key (a stem) keeps, read through the letters stemmers fold
    ("rüstungsindustrie" / "rustungsindustri" → "rüstungsindustri")."""
    size = 0
    for a, b in zip(word, key, strict=False):
        if a != b and _folded(a) != _folded(b):
            break
        size += 1
    return word[:size]


def inflected(term: str, language: str, alias: str) -> Inflected | None:
    """The inflection matcher of an alias, or None when it has no inflections to find (a
    wildcard, Chinese/Japanese/Korean, a language without keys, or a word too short)."""
    if language not in KEYED or alias.endswith("*") or has_cjk(alias):
        return None
    words = tokenize(alias)
    if not words or any(not w.isalpha() for w in words):
        return None
    keys = tuple(KEYS.key(language, w) for w in words)
    if language in INSIDE_WORDS and keys[0] in words[0]:
        prefix = keys[0]  # "الصين" → "صين": found inside "والصين", "بالصين"
    else:
        # where the stem keeps the word's own letters, those ("broń"/"bron": "bro", as in
        # "broni"); where it folds them from the start on, the word's ("rüstungsindustri")
        exact = _common_prefix(words[0], keys[0])
        start = exact if len(exact) >= MIN_PREFIX else _surface_prefix(words[0], keys[0])
        prefix = _common_prefix(start, *_forms(language, words[0]))
        if language in LEMMAS and len(prefix) == len(keys[0]):  # the whole lemma: forms change its end
            prefix = prefix[: max(MIN_PREFIX, len(prefix) - LEMMA_ENDING)]
    if len(prefix) < MIN_PREFIX:
        return None
    return Inflected(term, language, keys, prefix)
