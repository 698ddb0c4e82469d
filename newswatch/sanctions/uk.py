"""The UK Sanctions List of the Foreign, Commonwealth and Development Office (FCDO), XML:
a ``Designations`` root (no namespace) holding one ``Designation`` per listed person, entity
or ship, its facts in child elements' text (``UniqueID``, ``OFSIGroupID``, ``Names/Name``
with ``Name1``-``Name6`` and ``NameType``, ``NonLatinNames``, ``RegimeName``,
``IndividualEntityShip``, ``DateDesignated`` as dd/mm/yyyy, ``Addresses/Address``…).

It has been the only UK list since OFSI closed its Consolidated List (ConList) on 28 January
2026; OFSI's group id is kept in ``extra``. Read as a stream, like the EU list."""

from __future__ import annotations

import re
from datetime import date

from lxml import etree

from newswatch.sanctions.model import ListedEntity, country_code, iso_date, unique
from newswatch.sanctions.records import parse_records, read_records

LIST_KEY = "uk-sanctions"
WHAT = "the UK Sanctions List XML"

_KINDS = {"individual": "individual", "entity": "entity", "ship": "vessel"}
_UK_DATE = re.compile(r"(\d{1,2})/(\d{1,2})/(\d{4})")
_NAME_PARTS = tuple(f"Name{n}" for n in range(1, 7))  # Name1 first name … Name6 surname or whole name


def uk_date(value: str | None) -> str | None:
    """``YYYY-MM-DD`` from the list's dd/mm/yyyy (or an ISO date), or None."""
    text = (value or "").strip()
    found = _UK_DATE.fullmatch(text)
    if not found:
        return iso_date(text)
    day, month, year = (int(part) for part in found.groups())
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def _text(element: etree._Element, path: str) -> str:
    return " ".join((element.findtext(path) or "").split())


def _texts(element: etree._Element, path: str) -> list[str]:
    return [" ".join((found.text or "").split()) for found in element.iterfind(path)]


def _full_name(name: etree._Element) -> str:
    return " ".join(part for tag in _NAME_PARTS if (part := _text(name, tag)))


def _entity(element: etree._Element, url: str) -> ListedEntity | None:
    ref = _text(element, "UniqueID")
    names = element.findall("Names/Name")
    primary = [n for n in names if _text(n, "NameType").lower() == "primary name"]
    every = unique(_full_name(n) for n in (*primary, *names))
    if not ref or not every:
        return None
    name = every[0]
    non_latin = _texts(element, "NonLatinNames/NonLatinName/NameNonLatinScript")
    places = [*_texts(element, "Addresses/Address/AddressCountry"), *_texts(element, ".//Nationality")]
    extra = {
        "ofsi_group_id": _text(element, "OFSIGroupID"),
        "un_reference": _text(element, "UNReferenceNumber"),
        "designation_source": _text(element, "DesignationSource"),
        "sanctions_imposed": _text(element, "SanctionsImposed"),
        "statement_of_reasons": _text(element, "UKStatementofReasons"),
    }
    return ListedEntity(
        list_key=LIST_KEY,
        ref=ref,
        name=name,
        kind=_KINDS.get(_text(element, "IndividualEntityShip").lower(), "other"),
        aliases=unique((*every, *non_latin), drop=[name]),
        countries=unique(country_code(p) or p for p in places),
        programmes=unique([_text(element, "RegimeName")]),
        listed_on=uk_date(_text(element, "DateDesignated")),
        source_url=url,
        remarks=_text(element, "OtherInformation") or None,
        extra={k: v for k, v in extra.items() if v},
    )


def parse(data: bytes, url: str) -> list[ListedEntity]:
    """Every designation of the UK Sanctions List XML in ``data`` (downloaded from ``url``):
    ``ref`` is the unique id (e.g. ``RUS1234``), the name the primary name (Name1-Name6
    joined), aliases the primary-name variations, aliases and non-Latin-script names,
    countries those of addresses and nationalities (ISO codes for China and Hong Kong, else
    as the list writes them), the regime as programme, ``listed_on`` the date designated. A
    designation without an id or a name is skipped; anything not in the list's format raises
    ``ListFormatError``."""
    records = read_records(data, LIST_KEY, WHAT, "Designations", "Designation")
    return parse_records(records, lambda e: _entity(e, url), LIST_KEY, WHAT, "Designation")
