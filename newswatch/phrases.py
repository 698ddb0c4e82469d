"""Phrases: the wording two retellings of one source keep (pure, no I/O).

Two outlets retelling one newspaper's investigation in one language may share few words of
their headlines and leads, but they keep pieces of the source's wording ("строила масштабную
логистическую инфраструктуру"). A *phrase* is three content words in a row among the first
``PHRASE_WORDS`` words of a text, hashed (CRC-32 of their stems); a text keeps its phrases in
text order with the word each starts at. Two reports are retellings when they share at least
``MIN_SHARED`` phrases that are rare in the window (in at most ``RARE`` of its articles:
"full-scale invasion" is the beat's wording, not a source's) and those phrases lie in at least
``MIN_PASSAGES`` *passages*. Shared phrases as far apart in one text as in the other are one
passage (the words between them are the same, or as many); pieces of a source that each outlet
rewrote the text around are several. One block of text copied whole — a quoted ministry
statement, a briefing's stock opening ("Official spokesperson of the Chinese Foreign Ministry
Mao Ning said"), an outlet's boilerplate — is one passage however long, so reports of two
events that quote the same statement are not one story.

The window's phrase counts (:class:`PhraseCounts`) are kept without postings: a table of
``2**BITS`` one-byte counters indexed by the hash, so that they take 4 MiB whatever the
window's size. Two phrases sharing a counter make each look more common than it is, which
can only keep two reports apart. A window of fewer than ``MIN_WINDOW`` articles cannot tell
rare wording from common wording, and joins nothing by phrases.
"""

from __future__ import annotations

import zlib
from collections.abc import Iterable, Mapping, Sequence, Set

import numpy as np

#: Words of a text's start whose phrases are kept (a start must fit in a byte).
PHRASE_WORDS = 120
#: Rare phrases two retellings must share.
MIN_SHARED = 4
#: Passages those phrases must lie in.
MIN_PASSAGES = 2
#: Articles of the window a phrase may be in and still count as a source's wording.
RARE = 5
#: Articles a window must hold before "in at most ``RARE`` of them" says a phrase is rare.
MIN_WINDOW = 100
#: Bits of the counts table's index.
BITS = 22
_MASK = np.uint32((1 << BITS) - 1)
_SATURATED = 255


def extract(stems: Sequence[str]) -> tuple[bytes, bytes]:
    """The phrases of a text's words as stems, ``""`` for a word that is not a content word:
    each run of three content words' hash (uint32), in text order, first occurrence only, and
    the word each starts at (uint8)."""
    found: dict[int, int] = {}
    for at in range(min(len(stems), PHRASE_WORDS) - 2):
        a, b, c = stems[at], stems[at + 1], stems[at + 2]
        if a and b and c:
            found.setdefault(zlib.crc32(f"{a} {b} {c}".encode()), at)
    return (
        np.fromiter(found, np.uint32, len(found)).tobytes(),
        np.fromiter(found.values(), np.uint8, len(found)).tobytes(),
    )


def starts(phrases: bytes, at: bytes) -> dict[int, int]:
    """An :func:`extract` result as the word each phrase starts at, by the phrase's hash."""
    return dict(zip(np.frombuffer(phrases, np.uint32).tolist(), at, strict=True))


def passages(mine: Mapping[int, int], theirs: Mapping[int, int], rare: Set[int]) -> int:
    """The passages of two texts' shared phrases (each text's :func:`starts`) that hold a
    ``rare`` phrase. In the first text's order, a phrase starts a new passage when it is not as
    far from the shared phrase before it in the second text as in the first."""
    count, offset, counted = 0, None, False
    for at, there, phrase in sorted((at, theirs[p], p) for p, at in mine.items() if p in theirs):
        if there - at != offset:
            offset, counted = there - at, False
        if not counted and phrase in rare:
            count, counted = count + 1, True
    return count


class PhraseCounts:
    """How many articles of a window hold each phrase (at most 255), by the phrase's hash."""

    def __init__(self) -> None:
        self._counts = np.zeros(1 << BITS, np.uint8)
        self.articles = 0

    def add(self, phrases: bytes) -> None:
        """Count one article's phrases (the hashes of an :func:`extract` result)."""
        slots, times = np.unique(np.frombuffer(phrases, np.uint32) & _MASK, return_counts=True)
        self._counts[slots] = np.minimum(self._counts[slots] + times, _SATURATED)
        self.articles += 1

    def reset(self, texts: Sequence[bytes]) -> None:
        """Count ``texts``' phrases (one :func:`extract` result's hashes each) alone."""
        self._counts[:] = 0
        found, times = np.unique(np.frombuffer(b"".join(texts), np.uint32) & _MASK, return_counts=True)
        self._counts[found] = np.minimum(times, _SATURATED)
        self.articles = len(texts)

    def rare(self, phrases: Iterable[int]) -> set[int]:
        """Those of ``phrases`` that at most ``RARE`` articles hold (none in a window of fewer
        than ``MIN_WINDOW``)."""
        found = list(phrases)
        if self.articles < MIN_WINDOW or not found:
            return set()
        counts = self._counts[np.array(found, np.uint32) & _MASK].tolist()
        return {phrase for phrase, n in zip(found, counts, strict=True) if n <= RARE}


def retold(mine: Mapping[int, int], theirs: Mapping[int, int], counts: PhraseCounts) -> bool:
    """Whether two texts (each one's :func:`starts`) share ``MIN_SHARED`` phrases rare in the
    window, lying in ``MIN_PASSAGES`` passages."""
    shared = mine.keys() & theirs.keys()
    if len(shared) < MIN_SHARED:
        return False
    rare = counts.rare(shared)
    return len(rare) >= MIN_SHARED and passages(mine, theirs, rare) >= MIN_PASSAGES
