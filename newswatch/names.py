"""Names in scripts the phonetic key cannot read: weapon systems and their makers as Chinese,
Japanese and Korean news write them (``newswatch/data/names.tsv``, kept by hand).

Grouping ties reports across languages by the names they share (:mod:`newswatch.anchors`):
Гарпия and Garpiya have one phonetic key, but 加尔皮亚 has none, its script having no
letters to key. The lexicon gives such a spelling the key of its Latin name, so a Chinese
report of Garpiya drones shares the name with the English and Russian ones. It is read as
substrings (those scripts put no spaces between words), so it lists only transliterations and
set names, never a name translated into an everyday word.
"""

from __future__ import annotations

import unicodedata
from functools import cache
from importlib import resources

from newswatch.errors import ConfigError

NAMES_FILE = "data/names.tsv"


class NamesError(ConfigError):
    """The names lexicon is invalid; the message names the file and the line."""


def parse(text: str, where: str = NAMES_FILE) -> tuple[tuple[str, str], ...]:
    """The (spelling, Latin name) pairs of a lexicon's text, longest spelling first: one pair
    per line, tab-separated; ``#`` starts a comment line. A spelling in a script the phonetic
    key reads (Latin, Cyrillic, Greek), a name without a key, or a spelling given twice is an
    error naming the line."""
    from newswatch.anchors import CAPITAL_SCRIPTS, name_key  # anchors reads the lexicon

    pairs: dict[str, str] = {}
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) != 2 or not all(p.strip() for p in parts):
            raise NamesError(f"{where}:{number}: expected a spelling, a tab and a Latin name")
        spelling, latin = (p.strip() for p in parts)
        if any(unicodedata.name(char, "").startswith(CAPITAL_SCRIPTS) for char in spelling):
            raise NamesError(f"{where}:{number}: '{spelling}' is in a script names are read in already")
        if name_key(latin.split()[-1]) is None:
            raise NamesError(f"{where}:{number}: '{latin}' has no phonetic key")
        if spelling in pairs:
            raise NamesError(f"{where}:{number}: '{spelling}' is listed twice")
        pairs[spelling] = latin
    return tuple(sorted(pairs.items(), key=lambda pair: (-len(pair[0]), pair[0])))


@cache
def lexicon() -> tuple[tuple[str, str], ...]:
    """The shipped lexicon (package data: read from an installed package or a zipped egg)."""
    return parse(resources.files("newswatch").joinpath(NAMES_FILE).read_text(encoding="utf-8"))


#: Characters of a text looked at (a headline and lead are far shorter; a hostile one is cut).
MAX_CHARS = 4_000


def keys_in(text: str, pairs: tuple[tuple[str, str], ...] | None = None) -> set[str]:
    """The phonetic keys of the lexicon's spellings (``pairs``: the shipped lexicon) that
    ``text`` holds, in traditional or simplified Chinese characters, full- or half-width kana;
    a spelling inside a longer one found there does not count again."""
    from newswatch.anchors import name_key
    from newswatch.text import simplified

    text = simplified(unicodedata.normalize("NFKC", text[:MAX_CHARS]))
    covered = bytearray(len(text))
    found: set[str] = set()
    for spelling, latin in pairs if pairs is not None else lexicon():  # longest first
        start, seen = text.find(spelling), False
        while start >= 0:
            end = start + len(spelling)
            if not any(covered[start:end]):
                covered[start:end] = b"\x01" * len(spelling)
                seen = True
            start = text.find(spelling, end)
        key = name_key(latin.split()[-1]) if seen else None
        if key is not None:
            found.add(key)
    return found
