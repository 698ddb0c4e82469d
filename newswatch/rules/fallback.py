"""Country names for texts in a language no rule file covers (pure, no I/O beyond Babel's data).

The rule files hold 29 languages. A report in Latvian, Croatian, Persian or Georgian matches
none of their words, so it would be neither flagged nor marked for review: silently lost.
CLDR (Babel's locale data) names China, Russia and Ukraine in every language it knows
("Ķīna", "Krievija", "Ukraina"; "Kina", "Rusija", "ruski"; "چین", "روسیه"): those names join
the groups of the same countries for texts in that language only, so that the ruleset's
``review_other_languages`` query can mark such a report for an analyst's look.

A name of five letters or more is written as a prefix of all but its last letter, which
finds its inflected forms in most languages ("Krievij*" finds Krievijai); one of four
letters as a prefix of itself, which finds its forms that add an ending (Latvian "Ķīnas",
not "Ķīnā"); a shorter one as written. Multi-word names are matched as written;
languages written without spaces between words (Thai, Lao, Khmer, Burmese) are left out: a
name inside a run of letters cannot be told from part of another word.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

#: CLDR territory → the rule group it names, and the CLDR language named after it (whose
#: name is often the country's adjective: Hungarian "orosz", Estonian "vene").
COUNTRIES = {"CN": ("CHINA", "zh"), "RU": ("RUSSIA", "ru"), "UA": ("WAR", "uk")}
#: Languages written without spaces between words.
NO_SPACES = frozenset({"th", "lo", "km", "my", "bo", "dz", "zh", "ja", "yue", "ii"})
#: Names this long or longer are matched by all but their last letter.
PREFIX_FROM = 5
#: Names this long are matched by themselves as a prefix (an ending added).
WHOLE_PREFIX = 4
MIN_NAME = 3


def _written(name: str) -> str | None:
    """The alias of one CLDR name: a prefix for a single word of ``PREFIX_FROM`` letters or more,
    else the name as written; None for one too short, or not made of letters and spaces."""
    name = " ".join(name.split())
    if len(name) < MIN_NAME or not all(_letter(ch) or ch in " -'’" for ch in name):
        return None
    if " " not in name and "-" not in name and len(name) >= PREFIX_FROM:
        return name[:-1] + "*"
    if " " not in name and "-" not in name and len(name) == WHOLE_PREFIX:
        return name + "*"
    return name


def _letter(char: str) -> bool:
    """A letter, or a mark joined to one (the vowel signs of Bengali or Hindi)."""
    return char.isalpha() or unicodedata.category(char).startswith("M")


@lru_cache(maxsize=128)
def country_aliases(language: str) -> dict[str, tuple[str, ...]]:
    """Group → aliases naming its country in ``language`` (ISO 639-1 or -3, as Babel knows
    it); empty for a language Babel does not know or that is written without spaces."""
    from babel import Locale, UnknownLocaleError

    if not language.isalpha() or language in NO_SPACES:
        return {}
    try:
        locale = Locale.parse(language)
    except (UnknownLocaleError, ValueError):
        return {}
    out: dict[str, tuple[str, ...]] = {}
    for territory, (group, spoken) in COUNTRIES.items():
        names = [locale.territories.get(territory) or "", locale.languages.get(spoken) or ""]
        written = [w for w in map(_written, names) if w]
        if written:
            out[group] = tuple(dict.fromkeys(written))
    return out
