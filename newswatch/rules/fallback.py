"""Country names for texts in a language no rule file covers (pure, no I/O beyond Babel's data).

The rule files hold 29 languages. A report in Latvian, Croatian, Persian or Georgian matches
none of their words, so it would be neither flagged nor marked for review: silently lost.
CLDR (Babel's locale data) names China, Russia and Ukraine in every language it knows
("Ķīna", "Krievija", "Ukraina"; "Kina", "Rusija", "ruski"; "چین", "روسیه"): those names join
the groups of the same countries for texts in that language only, so that the ruleset's
``review_other_languages`` query can mark such a report for an analyst's look.

A language is read in every script CLDR writes it in (Serbian in Cyrillic and Latin), and a
code CLDR has retired is read as the one replacing it ("sh", Serbo-Croatian, as Serbian in
Latin letters; "iw" as Hebrew). How a name becomes an alias:

* five letters or more: a prefix of all but its last letter, which finds its inflected
  forms in most languages ("Krievij*" finds Krievijai, "Ukrajin*" Ukrajini);
* four letters: the same when it ends in a vowel of a cased script ("Kin*" finds Croatian
  Kini, Kinu, Kineski; Latvian "Ķīn*" finds Ķīnā), else a prefix of itself;
* three letters: a prefix of itself in a script without capitals, where endings attach to
  the name (Bengali "চীন*" finds চীনের, Nepali "चीन*" चीनले), as written in others
  (Vietnamese "Nga" is also a word of its own);
* in a language that writes one-letter prepositions and the article onto the next word
  (``PROCLITICS``: Hebrew "לרוסיה", to Russia; "באוקראינה", in Ukraine), each alias also
  with those letters before it;
* in a script written without spaces between words (Thai, Lao, Khmer, Burmese, Tibetan),
  the name as written, which the matcher finds inside a run of letters as it finds Chinese
  (``rules/text.py``).

Multi-word names are matched as written.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING

from newswatch.rules.text import has_unspaced

if TYPE_CHECKING:
    from babel import Locale

#: CLDR territory → the rule group it names, and the CLDR language named after it (whose
#: name is often the country's adjective: Hungarian "orosz", Estonian "vene").
COUNTRIES = {"CN": ("CHINA", "zh"), "RU": ("RUSSIA", "ru"), "UA": ("WAR", "uk")}
#: Names this long or longer are matched by all but their last letter.
PREFIX_FROM = 5
#: Names this long are matched by all but a final vowel, or by themselves as a prefix.
FOUR = 4
MIN_NAME = 3
#: The vowels that end a four-letter name whose last letter its cases change (Kina → Kini),
#: after accents are taken off.
_VOWELS = frozenset("aeiouyаеиоуыэюяіїєαεηιουω")
#: Letters that a language writes onto the next word: prepositions, conjunctions, the article.
#: Hebrew: ו and, ה the, ב in, כ as, ל to, מ from, ש that, and the runs of them met before a
#: name ("ומרוסיה", and from Russia; "שבאוקראינה", that is in Ukraine).
PROCLITICS = {
    "he": (
        "ו", "ה", "ב", "כ", "ל", "מ", "ש",
        "וה", "וב", "וכ", "ול", "ומ", "וש", "שה", "שב", "של", "שמ", "מה", "כש", "לכ",
        "וכש", "ושב", "ושל", "ושמ", "ומה", "שמה",
    ),
}  # fmt: skip


def _written(name: str) -> str | None:
    """The alias of one CLDR name (see the module's docstring); None for one too short, or not
    made of letters and spaces."""
    name = " ".join(name.split())
    if len(name) < MIN_NAME or not all(_letter(ch) or ch in " -'’" for ch in name):
        return None
    if " " in name or "-" in name or has_unspaced(name):
        return name
    if len(name) >= PREFIX_FROM or (len(name) == FOUR and _cased(name) and _base(name[-1]) in _VOWELS):
        return name[:-1] + "*"
    if len(name) == FOUR or not _cased(name):
        return name + "*"
    return name


def _letter(char: str) -> bool:
    """A letter, or a mark joined to one (the vowel signs of Bengali or Hindi)."""
    return char.isalpha() or unicodedata.category(char).startswith("M")


def _cased(name: str) -> bool:
    """Written in a script with capitals (Latin, Cyrillic, Greek, Armenian, Georgian Mtavruli)."""
    return name.lower() != name.upper()


def _base(char: str) -> str:
    """A letter without its accents, lower-cased ("ā" → "a")."""
    return unicodedata.normalize("NFD", char.lower())[0]


def _current(language: str) -> str:
    """The code CLDR has given a retired one ("sh" → "sr_Latn", "iw" → "he"), or itself."""
    from babel.core import get_global

    return str(get_global("language_aliases").get(language, language))


def _locales(chosen: str) -> list[Locale]:
    """The CLDR locales of a language (as :func:`_current` gives it) and of the same language
    in each other script CLDR writes it in."""
    from babel import Locale, UnknownLocaleError, localedata

    base = chosen.split("_")[0]
    names = [chosen, base] + [
        i for i in localedata.locale_identifiers() if i.startswith(f"{base}_") and len(i.split("_")[1]) == 4
    ]
    out: list[Locale] = []
    for name in dict.fromkeys(names):
        try:
            out.append(Locale.parse(name))
        except (UnknownLocaleError, ValueError):
            continue
    return out


@lru_cache(maxsize=128)
def country_aliases(language: str) -> dict[str, tuple[str, ...]]:
    """Group → aliases naming its country in ``language`` (ISO 639-1 or -3, as Babel knows
    it, in any of its scripts); empty for a language Babel does not know."""
    if not language.isalpha():
        return {}
    chosen = _current(language)
    locales = _locales(chosen)
    before = PROCLITICS.get(chosen.split("_")[0], ())
    out: dict[str, tuple[str, ...]] = {}
    for territory, (group, spoken) in COUNTRIES.items():
        names = [
            name
            for locale in locales
            for name in (locale.territories.get(territory), locale.languages.get(spoken))
            if name
        ]
        written = [w for w in map(_written, names) if w]
        written += [letters + w for w in written if " " not in w for letters in before]
        if written:
            out[group] = tuple(dict.fromkeys(written))
    return out
