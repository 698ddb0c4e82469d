"""One entry of an official list, as every list's parser gives it (pure, no I/O)."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from newswatch.errors import NewswatchError


class ListFormatError(NewswatchError, ValueError):
    """A downloaded list is not in its publisher's format: one line saying where and why."""


#: Country codes the team watches by address or nationality (ISO 3166-1 alpha-2).
WATCHED_COUNTRIES = frozenset({"CN", "HK"})

#: Country names and spellings the lists use for them, folded (lower case, no punctuation).
_COUNTRY_NAMES = {
    "china": "CN",
    "people s republic of china": "CN",
    "peoples republic of china": "CN",
    "china mainland": "CN",
    "prc": "CN",
    "hong kong": "HK",
    "hong kong sar": "HK",
    "hong kong china": "HK",
    "china hong kong": "HK",
    "hong kong special administrative region": "HK",
}

#: A programme or regime concerns Russia's war when its name says Russia or Ukraine (OFAC's
#: RUSSIA-EO14024, UKRAINE-EO13662; the EU's and UK's "Russia" regimes).
_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_RUSSIA_PROGRAMME = re.compile(r"russia|ukrain|росси", re.IGNORECASE)


def country_code(name: str) -> str | None:
    """The ISO code of a country as a list writes it ("China", "Hong Kong SAR, China",
    "P.R. China", "CN"), for the watched countries; None for any other (Taiwan, "Republic of
    China", Macau, Indochina)."""
    words = re.findall(r"[a-z]+", unicodedata.normalize("NFKC", name).lower())
    folded = " ".join(words)
    if folded.upper() in WATCHED_COUNTRIES:
        return folded.upper()
    if "hongkong" in words or ("hong" in words and "kong" in words):
        return "HK"
    if "china" in words or "prc" in words:
        taiwan = "taiwan" in words or ("republic" in words and not {"people", "peoples"} & set(words))
        return None if taiwan or {"macau", "macao"} & set(words) else "CN"
    return _COUNTRY_NAMES.get(folded)


@dataclass(frozen=True, slots=True)
class ListedEntity:
    """An entry of one official list.

    ``ref`` is the list's own reference id (OFAC uid, EU logical id, UK group id, CSL id);
    ``countries`` are ISO codes where the list gives them (addresses, nationality,
    registration), else the list's own spelling; ``listed_on`` is ``YYYY-MM-DD`` when the
    list gives a date."""

    list_key: str  # "us-sdn", "us-csl", "eu-fsf", "uk-sanctions"
    ref: str
    name: str
    kind: str = "entity"  # entity, individual, vessel, aircraft, other
    aliases: tuple[str, ...] = ()
    countries: tuple[str, ...] = ()
    programmes: tuple[str, ...] = ()
    listed_on: str | None = None
    source_url: str = ""
    remarks: str | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True, slots=True)
class Listing:
    """An organisation's entry on one list, with the names the matcher reads."""

    list_key: str
    ref: str
    name: str
    countries: tuple[str, ...] = ()
    programmes: tuple[str, ...] = ()
    listed_on: str | None = None
    source_url: str = ""
    names: tuple[tuple[str, str], ...] = ()  # (match name, strong|weak)
    entity_id: str | None = None
    extra: dict[str, str] = field(default_factory=dict, compare=False, hash=False)

    @property
    def watched(self) -> bool:
        return any(code in WATCHED_COUNTRIES for code in self.countries)


def concerns(entity: ListedEntity) -> bool:
    """Kept: an address or nationality in China or Hong Kong, or a programme or regime that
    concerns Russia's war."""
    if any(code in WATCHED_COUNTRIES for code in entity.countries):
        return True
    return any(_RUSSIA_PROGRAMME.search(p) for p in entity.programmes)


def iso_date(value: str | None) -> str | None:
    """``YYYY-MM-DD`` from an ISO date (a time after it is dropped), or None."""
    text = (value or "").strip()[:10]
    if not _ISO_DATE.fullmatch(text):
        return None
    try:
        return date.fromisoformat(text).isoformat()
    except ValueError:
        return None


def unique(values: Iterable[str], drop: Iterable[str] = ()) -> tuple[str, ...]:
    """The non-empty values, stripped, in their first order, each once, without ``drop``."""
    seen = {v.strip() for v in drop}
    kept: list[str] = []
    for value in values:
        text = " ".join(value.split())
        if text and text not in seen:
            seen.add(text)
            kept.append(text)
    return tuple(kept)
