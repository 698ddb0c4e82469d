"""Text as the rules see it: the original characters, lower-cased, with unit boundaries.

Matching runs on the lower-cased text itself (``ё`` read as ``е``, typographic apostrophes
and hyphens folded to ASCII; every fold keeps the length, so offsets are the original's).
A word match must start and end at a word boundary; CJK characters need none, so Chinese
matches as a substring. A sentence ends at ``.!?`` before a space (not after an initial such
as the ``U.`` of ``U.S.``, nor after Mr/Dr/Gen/St or a month such as Nov), at ``。！？`` and at a
line break; a
paragraph ends at a line break. The title is a paragraph and sentence of its own.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass

CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_HAS_CJK = re.compile(f"[{CJK}]")
_WORD = re.compile(rf"[{CJK}]|[^\W_{CJK}]+")
# The punctuation comes first so the regex engine only stops at candidates; the
# lookbehinds then reject initials ("U.S.") and common abbreviations.
_SENTENCE_END = re.compile(
    r"[.!?](?<!\b\w[.!?])(?<!\bmr\.)(?<!\bmrs\.)(?<!\bms\.)(?<!\bdr\.)(?<!\bgen\.)(?<!\bst\.)"
    r"(?<!\blt\.)(?<!\bcol\.)(?<!\bno\.)(?<!\bjan\.)(?<!\bfeb\.)(?<!\bapr\.)(?<!\baug\.)(?<!\bsep\.)"
    r"(?<!\bsept\.)(?<!\boct\.)(?<!\bnov\.)(?<!\bdec\.)(?<!\bvs\.)"
    r"[.!?]*[\"'”’»)\]]*(?=\s|$)|[。！？]+|\n"
)
_FOLDS = (("ё", "е"), ("’", "'"), ("‘", "'"), ("‐", "-"), ("‑", "-"), ("\u00a0", " "))
FIELD_SEPARATOR = "\x00"
_NEWLINE = re.compile(r"\n")


def normalise(text: str) -> str:
    """Lower-case and fold, one character in and one out."""
    lowered = text.lower()
    if len(lowered) != len(text):  # a character whose lower case is longer (e.g. 'İ')
        lowered = "".join(c.lower() if len(c.lower()) == 1 else c for c in text)
    for old, new in _FOLDS:  # str.replace is a C scan; translate() with a dict is not
        if old in lowered:
            lowered = lowered.replace(old, new)
    return lowered


def tokenize(text: str) -> list[str]:
    """Words of an alias or term (CJK: one per character)."""
    return _WORD.findall(normalise(text))


def has_cjk(text: str) -> bool:
    return bool(_HAS_CJK.search(text))


_CJK_CHAR = re.compile(f"[{CJK}]")


def words_between(text: str, start: int, end: int, limit: int | None = None) -> int:
    """Words in ``text[start:end]``; two CJK characters count as one word (the average
    length of a Chinese word), so NEAR/n means about the same in every language. With
    ``limit``, a gap too long to hold only ``limit`` words (over 40 characters a word) is
    reported as ``limit + 1`` without counting."""
    if end <= start:
        return 0
    if limit is not None and end - start > 40 * (limit + 1):
        return limit + 1
    cjk = len(_CJK_CHAR.findall(text, start, end))
    return len(_WORD.findall(text, start, end)) - cjk + (cjk + 1) // 2


@dataclass(slots=True)
class Doc:
    """A space, the title, a separator and the text, normalised; units found on demand."""

    title: str
    text: str
    norm: str  # normalise(" " + title + separator + text)
    text_start: int
    _sentences: list[int] | None = None
    _paragraphs: list[int] | None = None

    @property
    def sentence_starts(self) -> list[int]:
        """Offsets in ``norm`` where a new sentence starts (the text starts one too)."""
        if self._sentences is None:
            found = [m.end() for m in _SENTENCE_END.finditer(self.norm)]
            self._sentences = sorted({*found, self.text_start})
        return self._sentences

    @property
    def paragraph_starts(self) -> list[int]:
        if self._paragraphs is None:
            self._paragraphs = sorted({*(m.end() for m in _NEWLINE.finditer(self.norm)), self.text_start})
        return self._paragraphs

    def field_of(self, offset: int) -> int:
        return 0 if offset < self.text_start else 1

    def sentence_of(self, offset: int) -> int:
        return bisect_right(self.sentence_starts, offset)

    def paragraph_of(self, offset: int) -> int:
        return bisect_right(self.paragraph_starts, offset)

    def original(self, start: int, end: int) -> str:
        """The original characters at a span of ``norm``."""
        return (" " + self.title + FIELD_SEPARATOR + self.text)[start:end]

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
    # the leading space lets a short word at the very start match (see engine.alias_keys)
    return Doc(title, text, normalise(" " + title + FIELD_SEPARATOR + text), len(title) + 2)
