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
  forms in most languages ("Krievij*" finds Krievijai, "Ukrajin*" Ukrajini); when that prefix
  ends in an accented Latin vowel, also without the accent (Catalan "xinè*" and "xine*":
  xinès, xinesos);
* four letters, written with a capital and ending in a vowel: a prefix of itself, and its
  first three letters followed by each other vowel of the language (the vowels its own
  country names are written with), which count only where the text writes them with a
  capital (``Alias.case_form``): "Kina*" and "Kini*", "Kinu*", "Kine*" find Croatian "iz
  Kine", "u Kini", "s Kinom", "Kinezi" (the Chinese), Latvian "Ķīnā"; a cinema, "u kinu", or
  "kinematografija" is none of them, nor is Malay "cinta" (love) "Cina"; another four-letter
  name is a prefix of itself;
* a name holding a zero-width joiner after three letters or more: a prefix up to it
  (written with and without);
* a country's name CLDR writes with its article (Maltese "iċ-Ċina", Irish "an Rúis"): also
  without it, which finds it after a preposition that has taken the article ("miċ-Ċina",
  "don Rúis");
* three letters: a prefix of itself in a script where endings attach to the name and a
  letter is a syllable or part of one (the Indic scripts, Ethiopic: Bengali "চীন*" finds
  চীনের, Nepali "चीन*" चीनले), as written in others (Vietnamese "Nga" is also part of other
  words, Persian "چین" of چینش);
* in a language that writes short prepositions and the article onto the next word
  (``PROCLITICS``: Hebrew "לרוסיה", to Russia; "באוקראינה", in Ukraine; Amharic "የቻይና", of
  China), each alias also with those letters before it;
* in a script written without spaces between words (Thai, Lao, Khmer, Burmese, Tibetan),
  the name as written, which the matcher finds inside a run of letters as it finds Chinese,
  but not where a vowel sign or a subscript joins its last letter to the next syllable
  (``rules/engine.py``).

Multi-word names are matched as written.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from typing import TYPE_CHECKING, NamedTuple

from newswatch.rules.text import has_unspaced, is_mark

if TYPE_CHECKING:
    from babel import Locale

#: CLDR territory → the rule group it names, and the CLDR language named after it (whose
#: name is often the country's adjective: Hungarian "orosz", Estonian "vene").
COUNTRIES = {"CN": ("CHINA", "zh"), "RU": ("RUSSIA", "ru"), "UA": ("WAR", "uk")}
#: Names this long or longer are matched by all but their last letter.
PREFIX_FROM = 5
#: Names this long are a prefix of themselves, and with a capital and a final vowel, case forms.
FOUR = 4
MIN_NAME = 3
#: The vowels of the cased scripts, accents taken off: a capitalised four-letter name ending
#: in one has its cases change that letter (Kina → Kini, Kine).
_VOWELS = frozenset("aeiouyаеиоуыэюяіїєαεηιουω")
#: An article CLDR writes before a name: a lower-case word of three letters or fewer, then a
#: space or hyphen ("an Rúis", "iċ-Ċina").
_ARTICLE = re.compile(r"[^\W\d_]{1,3}[ -](?=\w)")
#: A vowel in this many of a language's country names is one of its own letters.
_OWN_LETTER = 5
#: Where endings attach to a three-letter name: the Indic scripts and Ethiopic.
_ATTACHING = ((0x0900, 0x0DFF), (0x1200, 0x139F))
#: The tsheg, which ends each Tibetan syllable inside a name (རྒྱ་ནག, China).
_SYLLABLE_MARKS = "\u0f0b"
#: Joiners a name may hold (Malayalam, Persian write a zero-width non-joiner inside words, or
#: leave it out).
_JOINERS = "\u200c\u200d"
#: What a language writes onto the next word: prepositions, conjunctions, the article.
#: Hebrew: ו and, ה the, ב in, כ as, ל to, מ from, ש that, and the runs of them met before a
#: name ("ומרוסיה", and from Russia; "שבאוקראינה", that is in Ukraine).
PROCLITICS = {
    "he": (
        "ו", "ה", "ב", "כ", "ל", "מ", "ש",
        "וה", "וב", "וכ", "ול", "ומ", "וש", "שה", "שב", "של", "שמ", "מה", "כש", "לכ",
        "וכש", "ושב", "ושל", "ושמ", "ומה", "שמה",
    ),
    # Amharic: የ of, ለ to, በ in, ከ from, and the longer ones written on: ወደ towards, እንደ as, ስለ about
    "am": ("የ", "ለ", "በ", "ከ", "ወደ", "እንደ", "ስለ"),
}  # fmt: skip


class Alias(NamedTuple):
    """A country's name as an alias. ``case_form``: a form of a capitalised four-letter name
    that CLDR does not spell ("Kini", "Kinu", "Kinezi" of "Kina"), which counts only where the
    text writes it with its capital: Croatian "kinu" is a cinema's case, "kinematografija" a
    word of its own."""

    text: str
    case_form: bool = False


def _written(name: str, vowels: str = "", territory: bool = False) -> tuple[Alias, ...]:
    """The aliases of one CLDR name (see the module's docstring): ``vowels`` those of its
    language, ``territory`` whether it names the country (not its language); none for one
    too short, or not made of letters and spaces."""
    name = " ".join(name.split()).rstrip(_SYLLABLE_MARKS)  # "ཨུ་རུ་སུ་" also ends a phrase as "ཨུ་རུ་སུ།"
    if len(name) < MIN_NAME or not all(
        _letter(ch) or ch in f" -'’{_JOINERS}{_SYLLABLE_MARKS}" for ch in name
    ):
        return ()
    joined = min((name.find(j) for j in _JOINERS if j in name), default=-1)
    if joined >= MIN_NAME:  # written with and without the joiner: the name up to it
        return (Alias(name[:joined] + "*"),)
    article = _ARTICLE.match(name) if territory else None
    if article and article.group(0)[:-1].islower():  # written with its article: without it too
        return (Alias(name), *_written(name[article.end() :], vowels))
    if " " in name or "-" in name or has_unspaced(name):
        return (Alias(name),)
    if len(name) >= PREFIX_FROM:
        prefix = name[:-1]
        # a stressed last vowel loses its accent in the other forms (Catalan xinès, xinesos)
        last = prefix[-1]
        accented = unicodedata.name(last, "").startswith("LATIN") and _base(last) in _VOWELS
        plain = prefix[:-1] + _base(last) if accented else prefix
        return tuple(Alias(p + "*") for p in dict.fromkeys((prefix, plain)))
    if len(name) == FOUR and name[0].isupper() and _base(name[-1]) in _VOWELS:
        others = [name[:-1] + v + "*" for v in vowels if v != name[-1].lower()]
        return (Alias(name + "*"), *(Alias(v, case_form=True) for v in others))
    if len(name) == FOUR or any(low <= ord(name[0]) <= high for low, high in _ATTACHING):
        return (Alias(name + "*"),)
    return (Alias(name),)


def _letter(char: str) -> bool:
    """A letter, or a mark joined to one (the vowel signs of Bengali or Hindi)."""
    return char.isalpha() or is_mark(char)


def _base(char: str) -> str:
    """A letter without its accents, lower-cased ("ā" → "a")."""
    return unicodedata.normalize("NFD", char.lower())[0]


def _vowels(locale: Locale) -> str:
    """The vowels a language writes, read off its names of the world's countries (Latvian
    "ā", "ī"; Albanian "ë"): those in ``_OWN_LETTER`` names or more."""
    seen: dict[str, int] = {}
    for name in locale.territories.values():
        for ch in set(name.lower()):
            if ch.isalpha() and _base(ch) in _VOWELS:
                seen[ch] = seen.get(ch, 0) + 1
    # a letter of a few foreign names only ("Åland", "Curaçao") is not the language's
    return "".join(ch for ch, names in seen.items() if names >= _OWN_LETTER)


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
def country_names(language: str) -> dict[str, tuple[Alias, ...]]:
    """Group → aliases naming its country in ``language`` (ISO 639-1 or -3, as Babel knows
    it, in any of its scripts); empty for a language Babel does not know."""
    if not language.isalpha():
        return {}
    chosen = _current(language)
    locales = _locales(chosen)
    before = PROCLITICS.get(chosen.split("_")[0], ())
    vowels = {locale: _vowels(locale) for locale in locales}
    out: dict[str, tuple[Alias, ...]] = {}
    for territory, (group, spoken) in COUNTRIES.items():
        written = [
            alias
            for locale in locales
            for name, country in (
                (locale.territories.get(territory), True),
                (locale.languages.get(spoken), False),
            )
            if name
            for alias in _written(name, vowels[locale], territory=country)
        ]
        written += [
            Alias(letters + w.text, w.case_form) for w in written if " " not in w.text for letters in before
        ]
        if written:
            out[group] = tuple(dict.fromkeys(written))
    return out


def country_aliases(language: str) -> dict[str, tuple[str, ...]]:
    """Group → the aliases of :func:`country_names` as written."""
    return {group: tuple(a.text for a in aliases) for group, aliases in country_names(language).items()}
