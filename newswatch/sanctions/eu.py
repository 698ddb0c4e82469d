"""The EU's consolidated list of persons, groups and entities subject to financial sanctions
(the Financial Sanctions Files, "FSF"), XML version 1.1: an ``export`` root in the namespace
``http://eu.europa.ec/fpi/fsd/export`` holding one ``sanctionEntity`` per listing, its facts
in attributes of child elements (``regulation``, ``subjectType``, ``nameAlias``, ``address``,
``citizenship``…).

The file (25-40 MB) is read as a stream, one record at a time (``newswatch/sanctions/records.py``)."""

from __future__ import annotations

from typing import Any

from lxml import etree

from newswatch.sanctions.model import ListedEntity, country_code, iso_date, unique
from newswatch.sanctions.records import parse_records, read_records

LIST_KEY = "eu-fsf"
NAMESPACE = "http://eu.europa.ec/fpi/fsd/export"
WHAT = "the EU consolidated list XML"

#: The FSF's programme codes that concern Russia's war, with a name ``model.concerns`` reads.
PROGRAMME_NAMES = {
    "RUS": "RUS (Russia)",
    "UKR": "UKR (Ukraine)",
}

_SUBJECT_KINDS = {"P": "individual", "E": "entity", "person": "individual", "enterprise": "entity"}
_UNKNOWN_COUNTRY = frozenset({"", "00"})  # the FSF writes "00" (UNKNOWN) for a country not known


def _children(element: etree._Element, name: str) -> list[Any]:
    return element.findall(f"{{{NAMESPACE}}}{name}")


def _name(alias: etree._Element) -> str:
    whole = alias.get("wholeName") or ""
    if whole.strip():
        return whole
    parts = (alias.get(part) or "" for part in ("firstName", "middleName", "lastName"))
    return " ".join(p for p in parts if p.strip())


def _countries(element: etree._Element) -> tuple[str, ...]:
    codes: list[str] = []
    for place in (*_children(element, "address"), *_children(element, "citizenship")):
        code = (place.get("countryIso2Code") or "").strip().upper()
        description = (place.get("countryDescription") or "").strip()
        if code not in _UNKNOWN_COUNTRY:
            codes.append(code)
        elif description and description.upper() != "UNKNOWN":
            codes.append(country_code(description) or description)
    return unique(codes)


def _entity(element: etree._Element, url: str) -> ListedEntity | None:
    ref = (element.get("logicalId") or "").strip()
    aliases = _children(element, "nameAlias")
    names = unique(_name(a) for a in aliases)
    strong = unique(_name(a) for a in aliases if (a.get("strong") or "").lower() == "true")
    if not ref or not names:
        return None
    name = (strong or names)[0]
    subject = _children(element, "subjectType")
    kind = "other"
    if subject:
        code = subject[0].get("classificationCode") or subject[0].get("code") or ""
        kind = _SUBJECT_KINDS.get(code.strip(), "other")
    regulations = _children(element, "regulation")
    codes = unique((r.get("programme") or "").upper() for r in regulations)
    published = sorted(d for r in regulations if (d := iso_date(r.get("publicationDate"))))
    remarks = unique((r.text or "") for r in _children(element, "remark"))
    extra = {
        "eu_reference_number": (element.get("euReferenceNumber") or "").strip(),
        "un_id": (element.get("unitedNationId") or "").strip(),
        "regulations": "; ".join(unique((r.get("numberTitle") or "") for r in regulations)),
    }
    return ListedEntity(
        list_key=LIST_KEY,
        ref=ref,
        name=name,
        kind=kind,
        aliases=unique(names, drop=[name]),
        countries=_countries(element),
        programmes=tuple(PROGRAMME_NAMES.get(c, c) for c in codes),
        listed_on=iso_date(element.get("designationDate")) or (published[0] if published else None),
        source_url=url,
        remarks="; ".join(remarks) or None,
        extra={k: v for k, v in extra.items() if v},
    )


def parse(data: bytes, url: str) -> list[ListedEntity]:
    """Every entry of the FSF XML in ``data`` (downloaded from ``url``): ``ref`` is the
    logical id, the name the first strong name alias (else the first), aliases every other
    whole name in any script, countries the ISO codes of addresses and citizenships,
    programmes the regulation programme codes (Russia's and Ukraine's named), ``listed_on``
    the designation date or else the earliest regulation's publication date. An entry
    without an id or a name is skipped; anything not in the FSF format raises
    ``ListFormatError``."""
    records = read_records(data, LIST_KEY, WHAT, "export", "sanctionEntity", NAMESPACE)
    return parse_records(records, lambda e: _entity(e, url), LIST_KEY, WHAT, "sanctionEntity")
