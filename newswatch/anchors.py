"""Anchors: what reports of one event share across languages and scripts (pure, no I/O).

Reports of one event in English, Russian and Chinese share no words, but they name the same
things. An anchor is one of them, written so that every language spells it alike:

* ``e:<id>`` — a gazetteer entity the article names (its aliases in every language and
  script are one id: ``newswatch/rules/gazetteer.py``);
* ``d:MM-DD`` — a calendar date ("January 26", "26 января", "26. Januar", "1月26日",
  "2023-01-26" are all ``d:01-26``), month names from dateparser's locale data (CLDR);
* ``n:<number>`` — a number of two digits or more that is not a year alone, its thousands
  separators dropped ("1,000", "1 000", "1.000" are ``n:1000``) and a decimal comma read as a
  point ("1,5" is ``n:1.5``); a scale word after it multiplies it out ("63 million", "63 млн",
  "6300万", "63 Mio." are all ``n:63000000``), the words from CLDR's compact number formats in
  the article's language (Babel);
* ``g:<id>`` — a city, by its GeoNames id, when a proper name (below) is one of its names
  in any alphabet (``newswatch/places.py``: Beijing, Peking, Пекин and Пекине are one city,
  and so are Kyiv, Kiew, Киев and Києві);
* ``p:<key>`` — any other proper name (a capitalised word that does not start a sentence) in a
  Latin, Cyrillic or Greek script, a Russian or Ukrainian one reduced to its lemma
  (pymorphy3), transliterated to Latin (anyascii) and reduced to a loose consonant key, so
  Зеленский, Зеленського and Zelensky, Путиным and Putin, or Гарпия and Garpiya, meet; a
  Chinese name in Cyrillic (Palladius: Цзиньпин) meets its pinyin (Jinping).

Chinese names have no phonetic key and are not looked up as places: there the gazetteer's
aliases, digits and dates link.
"""

from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext
from functools import lru_cache

from newswatch import names as names_lexicon
from newswatch.text import CJK, ascii_digits

#: Languages whose month names are read (the monitored languages and their neighbours).
MONTH_LANGUAGES = (
    "en", "ru", "uk", "zh", "de", "fr", "es", "it", "pl", "ro", "tr", "ar", "bg", "ja",
    "ko", "hu", "nl", "sk", "cs", "pt", "hi", "be", "kk", "sr", "hr", "fa",
)  # fmt: skip
#: Consonants of a name key kept at most: inflected endings (Зеленского) fall away.
KEY_CONSONANTS = 4
#: Fewer consonants than this: too short a name to tell apart (Li, Xi, Wang).
MIN_CONSONANTS = 3
MIN_NUMBER = 10  # smaller numbers ("3 drones") are everywhere
MAX_DIGITS = 30  # a longer run of digits is scaled by nothing (no figure in the news is longer)

_SENTENCE_END = re.compile(r"[.!?:;»\"“”]\s*$")
_NAME = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
CAPITAL_SCRIPTS = ("LATIN", "CYRILLIC", "GREEK")
_NUMBER = re.compile(
    r"(?<![\d.,])\d{1,3}(?:([,. ])\d{3})(?:\1\d{3})*(?![\d])|(?<![\d.,])\d+(?:[.,]\d+)?(?![\d])"
)
_YEAR = re.compile(r"(?:19|20)\d\d")
_ISO_DATE = re.compile(r"(?<!\d)(?:19|20)\d\d-(\d\d)-(\d\d)(?!\d)")
_DOTTED_DATE = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(?:19|20)\d\d(?!\d)")
# CLDR's Chinese, Japanese and Korean date pattern (y年M月d日, y년 M월 d일)
_CJK_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*[月월]\s*(\d{1,2})\s*[日일号號]")
_CJK_RUN = re.compile(rf"[{CJK}]")
# a loose phonetic key: spellings that transliterations of one name vary between
# (pinyin's final ng is a Cyrillic н: Jinping, Цзиньпин)
_SOUNDS = (
    ("ng", "n"), ("kh", "h"), ("ck", "k"), ("ph", "f"),
    ("w", "v"), ("q", "k"), ("c", "k"), ("x", "ks"), ("j", "y"),
)  # fmt: skip
_VOWELS = re.compile(r"[aeiouy]")
_CYRILLIC = re.compile(r"[\u0400-\u04ff]")
#: Languages whose names are reduced to their lemma before the key (pymorphy3 dictionaries).
LEMMA_LANGUAGES = ("ru", "uk")
_NAME_TAGS = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn"})
_NOUN_TAGS = frozenset({"NOUN", "ADJF"})
_REPEAT = re.compile(r"(.)\1+")
_POSSESSIVE = re.compile(r"['’]s$")


# --- dates ------------------------------------------------------------------------------------


_MONTHS = (
    "january", "february", "march", "april", "may", "june",
    "july", "august", "september", "october", "november", "december",
)  # fmt: skip


def _month_name(name: str) -> str | None:
    """A month name as looked up: NFKC, lower case, one space between words, no final
    point; None when it is under three letters or holds a digit ("11月", "thg 11")."""
    name = " ".join(unicodedata.normalize("NFKC", name).lower().split()).rstrip(".")
    return name if len(name) >= 3 and not any(ch.isdigit() for ch in name) else None


@lru_cache(maxsize=64)
def _locale_months(language: str, regional: bool = False) -> dict[str, frozenset[int]]:
    """Month names, their inflected forms and abbreviations in ``language`` (dateparser's
    locale data, from CLDR); ``regional`` adds the names of each of its regional locales in
    CLDR (Babel): Levantine Arabic "تشرين الثاني" and Maghrebi "نونبر" are November as
    "نوفمبر" is. Empty for a language neither knows."""
    from babel import Locale, UnknownLocaleError, localedata
    from dateparser.languages.loader import default_loader

    spelled: list[tuple[int, str]] = []
    try:
        info = default_loader.get_locale(language).info
        spelled += [(n, name) for n, month in enumerate(_MONTHS, start=1) for name in info.get(month, ())]
    except (ValueError, KeyError):
        pass
    if regional:
        for identifier in localedata.locale_identifiers():
            if identifier.split("_")[0] != language:
                continue
            try:
                months = Locale.parse(identifier).months
            except (UnknownLocaleError, ValueError):
                continue
            for context in ("format", "stand-alone"):
                for width in ("wide", "abbreviated"):
                    spelled += list(months.get(context, {}).get(width, {}).items())
    names: dict[str, set[int]] = {}
    for number, spelling in spelled:
        if name := _month_name(str(spelling)):
            names.setdefault(name, set()).add(int(number))
    return {name: frozenset(months) for name, months in names.items()}


@lru_cache(maxsize=64)
def month_names(language: str = "") -> dict[str, int]:
    """Month names of ``MONTH_LANGUAGES``, a name two languages give to different months left
    out (Polish and Czech "listopad" is November, Croatian October); with the article's
    ``language``, its own names, in every region's spelling, are added over them, each
    meaning its month there."""
    if language:
        own = _locale_months(language, regional=True)
        return month_names() | {name: next(iter(months)) for name, months in own.items() if len(months) == 1}
    names: dict[str, set[int]] = {}
    for other in MONTH_LANGUAGES:
        for name, months in _locale_months(other).items():
            names.setdefault(name, set()).update(months)
    return {name: next(iter(months)) for name, months in names.items() if len(months) == 1}


# a day of the month, and the word (or two: تشرين الثاني) after it (26 января, 26. Januar,
# 26 de enero) or the word before it (January 26, január 26.): a month name when
# month_names() knows it
_DAY = re.compile(r"(?<![\d.,])(\d{1,2})(?:st|nd|rd|th|-?(?:го|е|ого))?(?![\d])")
_WORD = r"[^\s\d.,;:!?()\[\]«»\"“”'’/-]+"  # "/" pairs two names of a month (نوفمبر/تشرين الثاني)
_MONTH_AFTER = re.compile(rf"\.?\s+(?:(?:de|of)\s+)?({_WORD})(?:\s+({_WORD}))?")
_MONTH_BEFORE = re.compile(rf"({_WORD})\.?\s+$")


def _month_day(month: int, day: int) -> str | None:
    return f"{month:02d}-{day:02d}" if 1 <= month <= 12 and 1 <= day <= 31 else None


#: Languages that add a case ending to a month's name, and the endings of the names that
#: the case ending replaces: Turkish "Kasım'da", "Ekimde", Finnish "tammikuussa" and
#: Hungarian "novemberben" keep the whole name; Estonian drops the "er" of "november"
#: ("novembril"), Latvian the "is" of "novembris" ("novembrī"). A word is a month of the
#: article's own language when it starts with such a stem (``MIN_STEM`` letters at least) and
#: runs at most ``MAX_ENDING`` letters on (Turkish "mayın", a mine, is not "mayıs", May).
CASE_ENDINGS: dict[str, tuple[str, ...]] = {
    "tr": (), "fi": (), "hu": (), "lt": (), "et": ("er",), "lv": ("is", "s"),
}  # fmt: skip
MIN_STEM = 4
MAX_ENDING = 4


def _stem(name: str, language: str) -> str:
    """A month's name without the ending a case ending replaces in ``language``."""
    for ending in CASE_ENDINGS[language]:
        if name.endswith(ending) and len(name) - len(ending) >= MIN_STEM:
            return name[: -len(ending)]
    return name


def _month_after(text: str, at: int, names: dict[str, int], language: str = "") -> tuple[int, int] | None:
    """The month named right after position ``at`` (two words before one; "20th of November")
    and where its name ends."""
    after = _MONTH_AFTER.match(text, at)
    if after is None:
        return None
    if after.group(2) and (month := names.get(f"{after.group(1)} {after.group(2)}".lower())):
        return month, after.end()
    word = after.group(1).lower()
    month = names.get(word) or (_with_ending(word, language) if language in CASE_ENDINGS else None)
    return (month, after.end(1)) if month else None


@lru_cache(maxsize=16)
def _stems(language: str) -> tuple[tuple[str, int], ...]:
    """The stems of ``language``'s own month names of one month each, longest first."""
    stems = {
        _stem(name, language): next(iter(months))
        for name, months in _locale_months(language, regional=True).items()
        if len(months) == 1 and len(name) >= MIN_STEM and " " not in name
    }
    return tuple(sorted(stems.items(), key=lambda item: -len(item[0])))


def _with_ending(word: str, language: str) -> int | None:
    """The month of a word that is one of ``language``'s own month names with a case ending
    (one month only: a stem two months share says nothing)."""
    found = {
        month
        for stem, month in _stems(language)
        if word.startswith(stem) and len(word) - len(stem) <= MAX_ENDING + 2
    }
    return found.pop() if len(found) == 1 else None


def dates(text: str, language: str = "") -> tuple[set[str], list[tuple[int, int]]]:
    """The calendar dates ``text`` names, as ``MM-DD``, and where they are (so their digits
    are not read as numbers too); ``language``, when known, settles a month name that other
    languages give to another month (:func:`month_names`)."""
    text = ascii_digits(unicodedata.normalize("NFKC", text))
    found: set[str] = set()
    spans: list[tuple[int, int]] = []
    names = month_names(language)
    for match in _DAY.finditer(text):
        start, end = match.span()
        month: int | None = None
        if named := _month_after(text, match.end(), names, language):
            month, end = named
        else:
            before = _MONTH_BEFORE.search(text, max(0, match.start() - 24), match.start())
            month = names.get(before.group(1).lower()) if before else None
            start = before.start() if before and month else start
        if month is not None and (key := _month_day(month, int(match.group(1)))):
            found.add(key)
            spans.append((start, end))
    for pattern, month_group, day_group in ((_ISO_DATE, 1, 2), (_DOTTED_DATE, 2, 1), (_CJK_DATE, 1, 2)):
        for match in pattern.finditer(text):
            if key := _month_day(int(match.group(month_group)), int(match.group(day_group))):
                found.add(key)
                spans.append(match.span())
    return found, spans


# --- numbers ----------------------------------------------------------------------------------


def _scale_word(pattern: str, magnitude: int) -> tuple[str, int] | None:
    """The scale word of one CLDR compact pattern ("00 million" at 10⁷, "0万" at 10⁴) and what
    it multiplies by (10⁶, 10⁴); None for a pattern without a word, or whose word is one letter
    (K, M, B, Kazakh м: a letter after a number is too often something else)."""
    digits = re.search(r"0+", pattern)
    if digits is None:
        return None
    word = (pattern[: digits.start()] + " " + pattern[digits.end() :]).replace("'", "")
    word = " ".join(unicodedata.normalize("NFKC", word).split()).lower().rstrip(".")
    if not word or any(ch.isdigit() for ch in word) or (len(word) == 1 and not _ideographic(word)):
        return None
    multiplier = magnitude // 10 ** (len(digits.group(0)) - 1)
    return (word, multiplier) if multiplier > 1 else None


def _ideographic(word: str) -> bool:
    """A word ending in a Chinese or Japanese character or a Hangul syllable (万, 億, 억): a
    word of its own however short, and it ends where it ends (6300万美元, 6300만달러)."""
    return bool(_CJK_RUN.match(word[-1])) or "\uac00" <= word[-1] <= "\ud7a3"


#: Languages whose CLDR names are tried for an article's language code (Babel knows
#: Norwegian Bokmål as nb).
_CLDR_CODE = {"no": "nb"}


@dataclass(frozen=True)
class Scale:
    """The scale words of one language and how it writes a decimal point."""

    words: dict[str, int]  # scale word → its multiplier ("млн" → 10⁶, "万" → 10⁴)
    decimal: str  # the decimal separator ("." in English, "," in German and Russian); "" unknown
    after: re.Pattern[str]  # a scale word right after a number


def _table(language: str, kinds: Sequence[str]) -> dict[str, set[int]]:
    """Scale word → multipliers from ``language``'s CLDR compact formats; a short form of two
    letters or fewer is left out (Greek "εκ." is also centimetres, French "Md" is rare)."""
    from babel import Locale, UnknownLocaleError

    try:
        formats = Locale.parse(_CLDR_CODE.get(language, language)).compact_decimal_formats
    except (UnknownLocaleError, ValueError, TypeError):
        return {}
    words: dict[str, set[int]] = {}
    for kind in kinds:
        for by_magnitude in (formats.get(kind) or {}).values():
            for magnitude, pattern in by_magnitude.items():
                scaled = _scale_word(str(pattern.pattern), int(magnitude))
                if scaled and (kind == "long" or len(scaled[0]) > 2 or _ideographic(scaled[0])):
                    words.setdefault(scaled[0], set()).add(scaled[1])
    return words


def _after(words: Iterable[str]) -> re.Pattern[str]:
    """A scale word of ``words`` right after a number (longest first: 万亿 before 万)."""
    spelled = sorted(words, key=len, reverse=True)

    def either(chosen: list[str]) -> str:
        return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in chosen) or "(?!)"

    # a CJK word ends where it ends (万美元); another must not run on (63 millionaires, 10 bi-weekly)
    cjk = either([w for w in spelled if _ideographic(w)])
    other = either([w for w in spelled if not _ideographic(w)])
    return re.compile(rf"\s?(?:{cjk}|(?:{other})\.?(?![^\W\d_]|-[^\W\d_]))", re.IGNORECASE)


@lru_cache(maxsize=256)
def scale(language: str) -> Scale:
    """The scale words of ``language`` from CLDR's compact decimal formats (Babel's locale
    data), long and short ("миллион", "млн"; "万", "亿"), a word two languages' patterns give
    different multipliers dropped, and its decimal separator. For ``""`` (the language not
    known) or a language CLDR has no words for: the long words of ``MONTH_LANGUAGES`` that
    every language having them agrees on ("billion" is 10⁹ in English and 10¹² in French, so it
    is not there; nor are abbreviations such as "bn" and "mi", which are units elsewhere), with
    no decimal separator (a single group of three digits is then read as thousands)."""
    from babel import Locale, UnknownLocaleError

    words = _table(language, ("long", "short")) if language else {}
    if language == "zh":  # traditional Chinese writes 萬 and 億
        for word, multipliers in _table("zh_Hant", ("long", "short")).items():
            words.setdefault(word, set()).update(multipliers)
    if not words:
        anywhere: dict[str, set[int]] = {}
        for other in MONTH_LANGUAGES:
            for word, multipliers in _table(other, ("long",)).items():
                if len(word) >= 3 or _ideographic(word):
                    anywhere.setdefault(word, set()).update(multipliers)
        chosen = {w: next(iter(m)) for w, m in anywhere.items() if len(m) == 1}
        return Scale(chosen, "", _after(chosen))
    chosen = {w: next(iter(m)) for w, m in words.items() if len(m) == 1}
    try:
        symbols = Locale.parse(_CLDR_CODE.get(language, language)).number_symbols
        decimal = str(symbols.get("latn", symbols).get("decimal", ""))
    except (UnknownLocaleError, ValueError, TypeError, AttributeError):
        decimal = ""
    return Scale(chosen, decimal, _after(chosen))


def scale_words() -> dict[str, dict[str, int]]:
    """Language → scale word → multiplier for ``MONTH_LANGUAGES`` and ``""`` (see :func:`scale`)."""
    return {language: scale(language).words for language in ("", *MONTH_LANGUAGES)}


def _scaled(value: str, multiplier: int) -> str | None:
    """``value`` times ``multiplier``, written out; None when it is not a number Decimal can
    hold exactly (a run of digits longer than a figure in the news)."""
    if len(value) > MAX_DIGITS:
        return None
    try:
        with localcontext() as context:
            context.prec = MAX_DIGITS + 20
            product = Decimal(value) * multiplier
            if product == product.to_integral_value():
                return str(product.quantize(Decimal(1)))
            return str(product.normalize())
    except (InvalidOperation, ValueError):
        return None


def numbers(text: str, skip: Sequence[tuple[int, int]] = (), language: str = "") -> set[str]:
    """Numbers of two digits or more that are not years alone, normalised: thousands
    separators (a comma, point or space before each group of three digits) dropped, a
    decimal comma read as a point, and a scale word after the number in ``language``
    (:func:`scale`) multiplied out, so "$63 million", "63 млн" and "6300万" are one number
    ("1.125 billion" in English and "1,125 млрд" in Russian are 1.125 × 10⁹: before a scale
    word, one group after the language's decimal separator is decimals). Digits inside ``skip``
    spans (dates) are left out; a number right after a letter of an alphabet ("F16", "1e5") is
    not scaled. Digits of any script count (``ascii_digits``: ٤٥٠٠ is 4500)."""
    text = ascii_digits(unicodedata.normalize("NFKC", text))
    table = scale(language)
    out: set[str] = set()
    for match in _NUMBER.finditer(text):
        if any(start <= match.start() < end for start, end in skip):
            continue
        raw = match.group(0)
        value = re.sub(r"[,. ]", "", raw) if match.group(1) else raw.replace(",", ".")
        after = table.after.match(text, match.end())
        before = text[match.start() - 1 : match.start()]
        # a number inside a word ("F16", "1e5") is no amount; Chinese writes digits after a
        # character with no space (价值6300万)
        glued = before.isalpha() and not _ideographic(before)
        if after is not None and not (glued or (before and before in "._")):
            word = " ".join(after.group(0).split()).lower().rstrip(".")
            separator = match.group(1)
            if separator and separator == table.decimal and raw.count(separator) == 1:
                value = raw.replace(separator, ".")  # "1,125 млрд": decimals, not thousands
            if word in table.words and (scaled := _scaled(value, table.words[word])) is not None:
                out.add(scaled)
                continue
        if _YEAR.fullmatch(value):
            continue
        try:
            if float(value) < MIN_NUMBER:
                continue
        except ValueError:
            continue
        out.add(value.rstrip("0").rstrip(".") if "." in value else value)
    return out


# --- names ------------------------------------------------------------------------------------


def _capitalised_script(word: str) -> bool:
    return word[:1].isupper() and unicodedata.name(word[0], "").split(" ")[0] in CAPITAL_SCRIPTS


def _lemma(word: str, language: str) -> str:
    """A Russian or Ukrainian name in its dictionary form: Путиным, Байденом → путин, байден,
    whose endings add a consonant the key would keep."""
    if language not in LEMMA_LANGUAGES or not _CYRILLIC.match(word):
        return word
    return _name_lemma(language, word.lower())


@lru_cache(maxsize=20_000)
def _name_lemma(language: str, word: str) -> str:
    """The lemma of the word read as a name (pymorphy3, whose dictionaries the rules' matcher
    uses): the first reading tagged as a name, surname or place, else the first noun or
    adjective (Зеленского); the word itself when none (Фидан is a name, not a form of a verb)."""
    from newswatch.rules.inflection import _analyzer

    parses = _analyzer(language).parse(word)
    for wanted in (_NAME_TAGS, _NOUN_TAGS):
        for parse in parses:
            if wanted & set(str(parse.tag).replace(" ", ",").split(",")):
                return str(parse.normal_form)
    return word


#: How languages written in Latin letters spell the sounds English writes sh, ch, kh and zh,
#: in the names they transliterate from Russian, Ukrainian or Belarusian: Schoigu (de),
#: Szojgu (pl), Choïgou (fr), Šojgu (cs), Sjojgoe (nl) are all Shoigu; Tschernyschow,
#: Czernyszow and Černyšov are Chernyshov.
_LATIN_SOUNDS: dict[str, dict[str, str]] = {
    "de": {"tsch": "ch", "sch": "sh", "ch": "kh"},
    "pl": {"szcz": "shch", "sz": "sh", "cz": "ch", "ch": "kh", "rz": "zh", "ż": "zh", "ź": "zh"},
    "fr": {"tch": "ch", "ch": "sh", "dj": "j"},
    "nl": {"tsj": "ch", "sj": "sh", "ch": "kh"},
    "sv": {"tj": "ch", "sj": "sh"},
    "no": {"tsj": "ch", "sj": "sh"},
    "da": {"tj": "ch", "sj": "sh"},
    "hu": {"cs": "ch", "zs": "zh", "sz": "s"},
    "tr": {"ş": "sh", "ç": "ch"},
    "ro": {"ș": "sh", "ş": "sh", "ț": "ts", "ţ": "ts"},
    **{
        language: {"š": "sh", "č": "ch", "ž": "zh", "ch": "kh"}
        for language in ("cs", "sk", "hr", "sl", "sr", "bs", "lt", "lv")
    },
}
_LATIN_SPELLING = {
    language: re.compile("|".join(sorted(map(re.escape, sounds), key=len, reverse=True)))
    for language, sounds in _LATIN_SOUNDS.items()
}


def _as_english_spells(word: str, language: str) -> str:
    """A name in Latin letters as English spells its sounds (:data:`_LATIN_SOUNDS`, in one
    pass: what one rule writes no other reads); a word in another script, or of a language
    not listed, as it is."""
    pattern = _LATIN_SPELLING.get(language)
    if pattern is None or _CYRILLIC.match(word):
        return word
    sounds = _LATIN_SOUNDS[language]
    return pattern.sub(lambda m: sounds[m.group(0)], word.lower())


def _key(word: str) -> str | None:
    """The first ``KEY_CONSONANTS`` consonants of ``word``'s :func:`skeleton`, z read as s
    (German writes Selenskyj for Zelensky); None for a name too short to tell apart."""
    bones = skeleton(word).replace("z", "s")  # a z next to an s stays two (Suzuki: s-s-k)
    return bones[:KEY_CONSONANTS] if len(bones) >= MIN_CONSONANTS else None


def name_key(word: str, language: str = "") -> str | None:
    """A loose phonetic key of a name in any Latin, Cyrillic or Greek spelling: a Russian or
    Ukrainian name (``language``) reduced to its lemma, then its :func:`skeleton`, the first
    ``KEY_CONSONANTS`` consonants kept (so inflected endings fall away). None for names too
    short to tell apart."""
    return _key(_lemma(word, language))


#: Languages whose Latin spelling of a name :func:`respelt_key` reads as English would.
RESPELLING = frozenset(_LATIN_SOUNDS)


def respelt_key(word: str, language: str = "") -> str | None:
    """In a language that spells English's sh, ch, kh or zh otherwise (:data:`RESPELLING`),
    the key of a name as English would spell it, when that differs from its key as written
    (:func:`name_key`): a German report's Schoigu is Shoigu. None otherwise."""
    if language not in RESPELLING:
        return None
    lemma = _lemma(word, language)
    respelt = _key(_as_english_spells(lemma, language))
    return respelt if respelt != _key(lemma) else None


def skeleton(word: str) -> str:
    """A word's consonants: transliterated to Latin, similar spellings made one, vowels and
    repeated letters dropped (Kyiv, Kiew, Киев and Київ are all "kv"). A Chinese name in
    Cyrillic is written in the Palladius system, whose цз and чж are pinyin's j/z and zh
    (Цзиньпин is Jinping), and whose final н is pinyin's ng."""
    from anyascii import anyascii

    cyrillic = bool(_CYRILLIC.match(word))
    latin = re.sub(r"[^a-z]", "", anyascii(word).lower())
    if cyrillic:  # Palladius цз: pinyin j before i, else z; чж: zh
        latin = re.sub(r"tsz(?=i)", "j", latin).replace("tsz", "z").replace("chzh", "zh")
    for spelling, sound in _SOUNDS:
        latin = latin.replace(spelling, sound)
    return _REPEAT.sub(r"\1", _VOWELS.sub("", latin))


def names(text: str, stopwords: frozenset[str], title: bool = False, language: str = "") -> set[str]:
    """Keys of the proper names in ``text`` that are not cities (:func:`name_anchors` says
    which runs of words are names, and which of them are cities)."""
    return {x[2:] for x in name_anchors(text, stopwords, title, language) if x.startswith("p:")}


def name_anchors(text: str, stopwords: frozenset[str], title: bool = False, language: str = "") -> set[str]:
    """The proper names of ``text`` as anchors: runs of capitalised words (Latin, Cyrillic or
    Greek) that do not start a sentence and are not function words; a possessive ("Beijing's
    Zhongnanhai") ends a run. A run that names a city the place lexicon knows (as written or
    in its dictionary forms, with up to ``LEAD_IN`` words before it that make one name with
    it: "Los Angeles", "Rio de Janeiro") is ``g:<id>`` (:mod:`newswatch.places`: Beijing and
    Пекин are one); any other run is a person or thing, ``p:<key>`` by its last word
    (:func:`name_key`: Antony Blinken and Энтони Блинкен are one name, Blinken). A city's own
    name that is also in a stop-word list (Москва, Київ, Berlin) is read as the city.
    ``title``: a headline, read only when most of its words are not capitalised (Title Case
    capitalises every word)."""
    text = unicodedata.normalize("NFKC", text).replace("\u02bc", "'")
    words = list(_NAME.finditer(text))
    if title and sum(w.group(0)[:1].isupper() for w in words) * 2 > len(words):
        return set()
    out: set[str] = set()
    run: list[int] = []  # the positions in ``words`` of the run being read
    capital_stop = -1  # the position of the last capitalised particle (NAME_PARTICLES) in a name

    def close() -> None:
        # a capitalised particle right before the run ("Los Angeles", "New Petersburg") is part
        # of the name: the run is then a city only with it, never alone ("Petersburg")
        bound = capital_stop == run[0] - 1
        place = _place(text, words, run[0], run[-1], language, bound=bound)
        last = _POSSESSIVE.sub("", words[run[-1]].group(0))
        if place is not None:
            out.add(f"g:{place}")
        else:
            # as written, and (``s:``) as English spells it: which one a report in another
            # language meets is the stories' choice (stories.met_anchors)
            if (key := name_key(last, language)) is not None:
                out.add(f"p:{key}")
            if (respelt := respelt_key(last, language)) is not None:
                out.add(f"s:{respelt}")
        run.clear()

    previous_end = -1
    for at, match in enumerate(words):
        word = match.group(0)
        before = text[max(0, match.start() - 3) : match.start()]
        starts_sentence = match.start() == 0 or _SENTENCE_END.search(before) or "\n" in before
        is_name = not starts_sentence and _capitalised_script(word)
        if is_name and word.lower() in stopwords:  # a function word, or a big city's name
            is_name = _big_city(word, language) is not None
            if not is_name and word.lower() in NAME_PARTICLES:
                capital_stop = at
        adjacent = text[previous_end : match.start()].strip() == "" if previous_end >= 0 else False
        if run and not (is_name and adjacent):
            close()
        if is_name:
            run.append(at)
            if _POSSESSIVE.search(word):  # "Beijing's Zhongnanhai": two names
                close()
        previous_end = match.end()
    if run:
        close()
    return out


#: Words before a run of names read with it as one city's name ("New York", "Rio de Janeiro").
LEAD_IN = 2
#: Words of the longest run looked up as a city (with its lead-in): a longer run is no city.
PLACE_WORDS = 5
#: Capitalised stop words that begin a place's name ("New", "Los", "San"): a run right after
#: one is a city only with it.
NAME_PARTICLES = frozenset(
    {"new", "los", "las", "san", "santa", "santo", "são", "saint", "sainte", "st", "fort", "el", "la", "le",
     "les", "nueva", "nuevo", "nova", "novo", "nowy", "nowa", "port", "mount"}
)  # fmt: skip
_JOINED = re.compile(r"[\s-]*")  # what may stand between the words of one name


def _place(
    text: str,
    words: list[re.Match[str]],
    first: int,
    last: int,
    language: str,
    bound: bool = False,
) -> str | None:
    """The city that the run ``words[first..last]`` names: the run with up to ``LEAD_IN``
    words before it ("Los Angeles", where "Los" is a stop word), else the whole run, else its
    last word ("Hauptstadt Kiew"); each as written, else in its words' dictionary forms
    ("Нижнем Новгороде" is Нижний Новгород, not Великий Новгород). ``bound``: the word before
    the run belongs to the name, so the run without it is no city."""
    from newswatch.places import place_of

    def joined(a: int, b: int) -> bool:
        return all(_JOINED.fullmatch(text[words[n].end() : words[n + 1].start()]) for n in range(a, b))

    starts = [s for s in range(max(0, first - LEAD_IN), first) if joined(s, first)]
    for start in dict.fromkeys((*starts, *(() if bound else (first, last)))):
        if last - start >= PLACE_WORDS:  # longer than any city's name (and a hostile title's run)
            continue
        span = tuple(_POSSESSIVE.sub("", words[n].group(0)) for n in range(start, last + 1))
        if len(span) > 1 or start == last:
            found = place_of(" ".join(span), *_run_lemmas(span, language))
            if found is not None:
                return found
    return None


def _big_city(word: str, language: str) -> str | None:
    """The big city a word from a stop-word list names: one that the Russian or Ukrainian
    dictionary reads as a place (Париже, Москве), else a spelling of the city's own name
    (Київ, Berlin), as :func:`newswatch.places.place_of` says."""
    from newswatch.places import place_of

    word = _POSSESSIVE.sub("", word)
    places = _lemmas(word, language, places_only=True)
    if places:
        return place_of(word, *places, big=True)
    return place_of(word, *_lemmas(word, language), own=True)


@lru_cache(maxsize=20_000)
def _run_lemmas(span: tuple[str, ...], language: str) -> tuple[str, ...]:
    """The dictionary forms of a run of words, word by word (each word's first two readings
    that are no person's name and not plural), for the place lexicon."""
    choices = [(word, *_lemmas(word, language)[:2]) for word in span]
    combos = (" ".join(combo) for combo in itertools.islice(itertools.product(*choices), 27))
    return tuple(c for c in dict.fromkeys(combos) if c != " ".join(span))


@lru_cache(maxsize=20_000)
def _lemmas(word: str, language: str, places_only: bool = False) -> tuple[str, ...]:
    """The dictionary forms a Russian or Ukrainian word may be a case of, as a place: its
    readings that are places first, then (unless ``places_only``) the others that are no
    person's name and not plural (Києві: Київ, not the name Кий; Орлов: not орёл, eagles);
    none for other words."""
    if language not in LEMMA_LANGUAGES or not _CYRILLIC.match(word):
        return ()
    from newswatch.rules.inflection import _analyzer

    places, others = [], []
    for parse in _analyzer(language).parse(word.lower()):
        tags = set(str(parse.tag).replace(" ", ",").split(","))
        if "Geox" in tags:
            places.append(str(parse.normal_form))
        elif not tags & {"Name", "Surn", "Patr", "plur"}:
            others.append(str(parse.normal_form))
    return tuple(dict.fromkeys(places if places_only else [*places, *others]))


# --- all of them ------------------------------------------------------------------------------


def anchors(
    title: str, lead: str, entities: Iterable[str], stopwords: frozenset[str], language: str = ""
) -> tuple[str, ...]:
    """The anchors of an article: its gazetteer entities, and the dates, numbers and names
    of its title and lead (names in Chinese, Japanese or Korean script as the names lexicon,
    :mod:`newswatch.names`, spells them), sorted."""
    out = {f"e:{entity}" for entity in entities}
    # names in scripts without capitals (加尔皮亚 is Garpiya): the names lexicon's
    out |= {f"p:{key}" for key in names_lexicon.keys_in(f"{title}\n{lead}")}
    for part, is_title in ((title, True), (lead, False)):
        found, spans = dates(part, language)
        out |= {f"d:{d}" for d in found}
        out |= {f"n:{n}" for n in numbers(unicodedata.normalize("NFKC", part), spans, language)}
        out |= name_anchors(part, stopwords, title=is_title, language=language)
    return tuple(sorted(out))


def headline_numbers(title: str, language: str = "") -> tuple[str, ...]:
    """The normalised numbers and dates of a headline (two headlines citing different ones
    report different events: the 14th and the 15th sanctions package)."""
    found, spans = dates(title, language)
    nums = numbers(unicodedata.normalize("NFKC", title), spans, language)
    return tuple(sorted({f"d:{d}" for d in found} | {f"n:{n}" for n in nums}))


def script(text: str) -> str:
    """The main script of a text: ``cjk``, or the first word of the Unicode name of its most
    common letter's script (``latin``, ``cyrillic``, ``arabic``, …); empty without letters."""
    counts: dict[str, int] = {}
    for char in text[:2000]:
        if char.isalpha():
            kind = "cjk" if _CJK_RUN.match(char) else unicodedata.name(char, "?").split(" ")[0].lower()
            counts[kind] = counts.get(kind, 0) + 1
    return max(counts, key=counts.__getitem__) if counts else ""
