"""Text as the rules see it: the original characters, lower-cased, with unit boundaries.

Matching runs on the lower-cased text itself (``ё`` read as ``е``, typographic apostrophes
and hyphens folded to ASCII, Romanian cedilla letters as comma letters, Arabic alef and taa
marbuta spellings as one, traditional Chinese as simplified; every fold keeps the length, so
offsets are the original's).
A word match must start and end at a word boundary; CJK characters need none, so Chinese
matches as a substring, and so does a name in Thai, Lao, Tibetan, Burmese or Khmer. The vowel
signs and other marks of the Indic scripts (Devanagari to Sinhala), which Python's regular
expressions and ``isalnum`` do not take for letters, are read as letters of their own, so a
Hindi word such as "नहीं" is one word, not three. A sentence ends at ``.!?`` before a space
(not after an initial such as the ``U.`` of ``U.S.``, nor after Mr/Dr/Gen/St or a month such
as Nov), at ``。！？``, at the danda ``।`` and at a line break; a paragraph ends at a line
break. The title is a paragraph and sentence of its own.
"""

from __future__ import annotations

import re
import unicodedata
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from functools import lru_cache

from newswatch.text import CJK, CJK_CHAR, simplified

_WORD = re.compile(rf"[{CJK}]|[^\W_{CJK}]+")
_WORD_KIND = re.compile(rf"([{CJK}])|[^\W_{CJK}]+")  # group 1: a CJK character
# The punctuation comes first so the regex engine only stops at candidates; the
# lookbehinds then reject initials ("U.S.") and common abbreviations.
# A run of punctuation is tried once, from its first character, and read possessively: a
# long run ("!!!!…") costs its length, not its length squared. A run of two or more always
# ends a sentence (when a space follows); a lone mark only after the lookbehinds pass.
_SENTENCE_END = re.compile(
    r"[.!?](?<![.!?]{2})(?:[.!?]++|"
    r"(?<!\b\w[.!?])(?<!\bmr\.)(?<!\bmrs\.)(?<!\bms\.)(?<!\bdr\.)(?<!\bgen\.)(?<!\bst\.)"
    r"(?<!\blt\.)(?<!\bcol\.)(?<!\bno\.)(?<!\bjan\.)(?<!\bfeb\.)(?<!\bapr\.)(?<!\baug\.)(?<!\bsep\.)"
    r"(?<!\bsept\.)(?<!\boct\.)(?<!\bnov\.)(?<!\bdec\.)(?<!\bvs\.))"
    r"[\"'”’»)\]]*+(?=\s|$)|[。！？]+|[।॥]+|\n"
)
_FOLDS = (
    ("ё", "е"),
    ("’", "'"),
    ("‘", "'"),
    ("‐", "-"),
    ("‑", "-"),
    ("\u00a0", " "),
    ("\t", " "),
    ("\u3000", " "),  # the ideographic space
    ("\u200b", " "),  # a zero-width space between words
    # Romanian s and t with a cedilla, as older pages write them, are the comma letters
    ("ş", "ș"),
    ("ţ", "ț"),
    # Arabic alef with hamza or madda, alef maqsura, taa marbuta: the spellings vary by writer
    ("أ", "ا"),
    ("إ", "ا"),
    ("آ", "ا"),
    ("ى", "ي"),
    ("ة", "ه"),
)
#: Where a sentence can end: every match of ``_SENTENCE_END`` starts at one of these. Searching
#: for them first and trying the full pattern only there is three times quicker than letting
#: the regex engine try its lookbehinds at every position.
_SENTENCE_MARK = re.compile(r"[.!?。！？।॥\n]")
FIELD_SEPARATOR = "\x00"
#: The marks of the Indic scripts (vowel signs, virama, nukta, anusvara: U+0900–U+0DFF), each
#: read as a letter of a script no outlet writes (Yi syllables, from U+A000), one character
#: for one: matching sees a Hindi word whole, the text's offsets stay the original's.
_INDIC = range(0x0900, 0x0E00)
INDIC_FOLD = {
    mark: 0xA000 + i
    for i, mark in enumerate(c for c in _INDIC if unicodedata.category(chr(c)).startswith("M"))
}
#: The marks back, for a stemmer that reads the script itself.
INDIC_UNFOLD = {letter: mark for mark, letter in INDIC_FOLD.items()}
_INDIC_CHARS = f"{chr(_INDIC.start)}-{chr(_INDIC.stop - 1)}"
_HAS_INDIC = re.compile(f"[{_INDIC_CHARS}]")
#: Either an Indic or a Chinese or Japanese character: one scan tells most texts (Latin,
#: Cyrillic) that neither fold applies.
_INDIC_OR_CJK = re.compile(f"[{_INDIC_CHARS}{CJK}]")
_NEWLINE = re.compile(r"\n")
#: Thai, Lao, Tibetan, Burmese and Khmer: scripts written without spaces between words, where
#: a name is found inside a run of letters, as Chinese is (no rule file is in them; only the
#: country names of ``rules/fallback.py`` are).
_UNSPACED = re.compile("[\u0e00-\u0fff\u1000-\u109f\u1780-\u17ff]")


def is_mark(char: str) -> bool:
    """A vowel sign, virama or other mark joined to the letter before it."""
    return unicodedata.category(char).startswith("M")


def has_unspaced(text: str) -> bool:
    """True when ``text`` holds a letter of a script written without spaces between words."""
    return _UNSPACED.search(text) is not None


def normalise(text: str) -> str:
    """Lower-case and fold (traditional Chinese to simplified too), one character in and one
    out."""
    if text.isascii():  # most aliases and English texts: of the folds only the tab applies
        lowered = text.lower()
        return lowered.replace("\t", " ") if "\t" in lowered else lowered
    if "İ" in text:  # Turkish dotted capital I: "İ".lower() is two characters
        text = text.replace("İ", "I")
    lowered = text.lower()
    if len(lowered) != len(text):  # a character whose lower case is longer (e.g. 'İ')
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    for old, new in _FOLDS:  # str.replace is a C scan; translate() with a dict is not
        if old in lowered:
            lowered = lowered.replace(old, new)
    first = _INDIC_OR_CJK.search(lowered)
    if first is None:
        return lowered
    if _HAS_INDIC.search(lowered, first.start()) is not None:  # only Indic texts pay for the translation
        lowered = lowered.translate(INDIC_FOLD)
    return simplified(lowered)


def tokenize(text: str) -> list[str]:
    """Words of an alias or term (CJK: one per character)."""
    return list(_words(text))


#: Aliases and terms whose words are remembered: a ruleset's are read by its validation, its
#: automaton keys, its inflections and the claim cues (the gazetteer's names join both).
_KEPT_WORDS = 1 << 16


@lru_cache(maxsize=_KEPT_WORDS)
def _words(text: str) -> tuple[str, ...]:
    return tuple(_WORD.findall(normalised(text)))


@lru_cache(maxsize=_KEPT_WORDS)
def normalised(alias: str) -> str:
    """:func:`normalise` of an alias or term, remembered (see ``_KEPT_WORDS``)."""
    return normalise(alias)


def sentence_ends(text: str) -> list[int]:
    """Where each sentence of ``text`` ends (as ``_SENTENCE_END.finditer`` finds them, left to
    right and without overlap), trying the pattern only where a mark stands."""
    ends: list[int] = []
    match = _SENTENCE_END.match
    at = 0
    for mark in [m.start() for m in _SENTENCE_MARK.finditer(text)]:
        if mark < at:  # inside the run of marks a sentence end took
            continue
        found = match(text, mark)
        if found is not None:
            at = found.end()
            ends.append(at)
    return ends


def words_between(text: str, start: int, end: int, limit: int | None = None) -> int:
    """Words in ``text[start:end]``; two CJK characters count as one word (the average
    length of a Chinese word), so NEAR/n means about the same in every language. With
    ``limit``, a gap too long to hold only ``limit`` words (over 40 characters a word) is
    reported as ``limit + 1`` without counting."""
    if end <= start:
        return 0
    if limit is not None and end - start > 40 * (limit + 1):
        return limit + 1
    cjk = len(CJK_CHAR.findall(text, start, end))
    return len(_WORD.findall(text, start, end)) - cjk + (cjk + 1) // 2


def within_words(text: str, start: int, end: int, limit: int) -> bool:
    """``words_between(text, start, end) <= limit``, reading only as far as the word past the
    limit (the count only grows as the span is read)."""
    if end - start <= limit:  # no more words than characters (a Chinese gap, "and", a comma)
        return True
    if end - start > 40 * (limit + 1):
        return False
    plain = cjk = 0
    for word in _WORD_KIND.finditer(text, start, end):
        if word.lastindex:
            cjk += 1
        else:
            plain += 1
        if plain + (cjk + 1) // 2 > limit:
            return False
    return True


#: Gaps longer than this are counted with the document's word index, not by reading them.
_INDEXED_GAP = 320


class WordIndex:
    """Where every word and every CJK character of a text starts, so that the words in any
    span are counted in logarithmic time, exactly as :func:`words_between` counts them."""

    __slots__ = ("cjk", "ends", "starts")

    def __init__(self, text: str):
        spans = [m.span() for m in _WORD.finditer(text)]
        self.starts = [a for a, _ in spans]
        self.ends = [b for _, b in spans]
        self.cjk = [m.start() for m in CJK_CHAR.finditer(text)]

    def count(self, start: int, end: int) -> int:
        """``words_between(text, start, end)`` without reading the span."""
        if end <= start:
            return 0
        first = bisect_left(self.starts, start)
        words = bisect_left(self.starts, end) - first
        if first and self.ends[first - 1] > start:  # a word cut by the span's start counts too
            words += 1
        cjk = bisect_left(self.cjk, end) - bisect_left(self.cjk, start)
        return words - cjk + (cjk + 1) // 2


@dataclass(slots=True)
class Doc:
    """A space, the title, a separator and the text, normalised; units found on demand."""

    title: str
    text: str
    norm: str  # normalise(" " + title + separator + text)
    text_start: int
    raw: str = ""  # " " + title + separator + text, as written
    _sentences: list[int] | None = None
    _paragraphs: list[int] | None = None
    _words: WordIndex | None = None

    @property
    def sentence_starts(self) -> list[int]:
        """Offsets in ``norm`` where a new sentence starts (the text starts one too)."""
        if self._sentences is None:
            self._sentences = sorted({*sentence_ends(self.norm), self.text_start})
        return self._sentences

    @property
    def paragraph_starts(self) -> list[int]:
        if self._paragraphs is None:
            self._paragraphs = sorted({*(m.end() for m in _NEWLINE.finditer(self.norm)), self.text_start})
        return self._paragraphs

    def words_between(self, start: int, end: int, limit: int) -> int:
        """:func:`words_between` on ``norm``; a long gap is counted with the word index."""
        if end - start <= _INDEXED_GAP or end - start > 40 * (limit + 1):
            return words_between(self.norm, start, end, limit)
        if self._words is None:
            self._words = WordIndex(self.norm)
        return self._words.count(start, end)

    def within(self, start: int, end: int, limit: int) -> bool:
        """Whether at most ``limit`` words lie between ``start`` and ``end`` of ``norm``."""
        if end - start <= _INDEXED_GAP or end - start > 40 * (limit + 1):
            return within_words(self.norm, start, end, limit)
        return self.words_between(start, end, limit) <= limit

    def first_sentence_of_paragraph(self, paragraph: int) -> int:
        """The number (as ``sentence_of`` counts) of a paragraph's first sentence."""
        if paragraph <= 0:
            return 0
        return bisect_right(self.sentence_starts, self.paragraph_starts[paragraph - 1])

    def field_of(self, offset: int) -> int:
        return 0 if offset < self.text_start else 1

    def sentence_of(self, offset: int) -> int:
        return bisect_right(self.sentence_starts, offset)

    def paragraph_of(self, offset: int) -> int:
        return bisect_right(self.paragraph_starts, offset)

    def original(self, start: int, end: int) -> str:
        """The original characters at a span of ``norm``."""
        return self.raw[start:end]

    def sentence_span(self, offset: int) -> tuple[int, int]:
        starts = self.sentence_starts
        k = bisect_right(starts, offset)
        start = starts[k - 1] if k else 0
        end = starts[k] if k < len(starts) else len(self.norm)
        if start < self.text_start <= end:  # a title sentence ends before the separator
            end = self.text_start - 1
        return start, end


def build_doc(title: str, text: str) -> Doc:
    title, text = (title or "").replace(FIELD_SEPARATOR, " "), (text or "").replace(FIELD_SEPARATOR, " ")
    raw = " " + title + FIELD_SEPARATOR + text
    # the leading space lets a short word at the very start match (see engine.alias_keys)
    return Doc(title, text, normalise(raw), len(title) + 2, raw)
