"""The US Consolidated Screening List (trade.gov) in its published JSON, ``{"results":
[...]}``: one record per party and source list (Commerce's Entity List and Military
End-User List, State's lists, and Treasury's SDN and non-SDN lists), with ``source``,
``programs``, ``start_date``, ``alt_names`` and ``addresses[].country`` (ISO codes)."""

from __future__ import annotations

import json
import re
from typing import Any

from newswatch.sanctions.model import ListedEntity, ListFormatError, country_code, iso_date, unique

LIST_KEY = "us-csl"

_KINDS = {"individual": "individual", "entity": "entity", "vessel": "vessel", "aircraft": "aircraft"}

#: Fields kept as they are in ``ListedEntity.extra`` when the record gives them.
_EXTRA = (
    "source",
    "entity_number",
    "federal_register_notice",
    "end_date",
    "license_requirement",
    "license_policy",
    "source_list_url",
    "source_information_url",
)


def _refuse(what: str) -> ListFormatError:
    return ListFormatError(f"{LIST_KEY}: not CSL JSON: {' '.join(what.split())}")


def _string(value: object) -> str:
    """A text or number field, whitespace folded ("" for anything else)."""
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return " ".join(value.split()) if isinstance(value, str) else ""


def _strings(value: object) -> list[str]:
    """A field the list gives as a list of strings or as one string."""
    values = value if isinstance(value, list) else [value]
    return [s for s in (_string(v) for v in values) if s]


def _countries(record: dict[str, Any]) -> tuple[str, ...]:
    addresses = record.get("addresses")
    found = [
        _string(a.get("country"))
        for a in (addresses if isinstance(addresses, list) else [])
        if isinstance(a, dict)
    ]
    found += _strings(record.get("country"))
    found += _strings(record.get("nationalities")) + _strings(record.get("citizenships"))
    return unique(country_code(c) or c for c in found)


_SOURCE_CODE = re.compile(r"\(([A-Z][A-Z0-9-]*)\)")


def _entity(record: object, url: str) -> ListedEntity | None:
    """One record; None when it is not an object or lacks its id or name."""
    if not isinstance(record, dict):
        return None
    ref = _string(record.get("id"))
    name = _string(record.get("name"))
    if not ref or not name:
        return None
    source = _string(record.get("source"))
    # one party is on several source lists under one id (an OFAC entity number for Treasury's):
    # the source list's code makes the reference unique ("EL:…", "SDN:…")
    code = _SOURCE_CODE.search(source)
    if source:
        ref = f"{code.group(1) if code else source}:{ref}"
    # Older files join a record's aliases with "; " in one string.
    aliases = (part.strip() for alias in _strings(record.get("alt_names")) for part in alias.split("; "))
    programmes = unique(_strings(record.get("programs"))) or unique([source])
    extra = {key: _string(record.get(key)) for key in _EXTRA}
    kind = _string(record.get("type")).lower()
    return ListedEntity(
        list_key=LIST_KEY,
        ref=ref,
        name=name,
        kind=_KINDS.get(kind, "other") if kind else "entity",  # BIS lists leave it empty
        aliases=unique(aliases, (name,)),
        countries=_countries(record),
        programmes=programmes,
        listed_on=iso_date(_string(record.get("start_date"))),
        source_url=url,
        remarks=_string(record.get("remarks")) or None,
        extra={k: v for k, v in extra.items() if v},
    )


def parse(data: bytes, url: str) -> list[ListedEntity]:
    """Every record of a ``consolidated.json`` downloaded from ``url`` that has an id and a
    name. Raises ``ListFormatError`` for anything else than a JSON object whose
    ``results`` is a non-empty list."""
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise _refuse(f"{type(exc).__name__}: {exc}") from None
    except RecursionError:
        raise _refuse("nested too deep") from None
    if not isinstance(document, dict) or not isinstance(document.get("results"), list):
        raise _refuse('no "results" list at the top')
    if not document["results"]:
        raise _refuse('"results" is empty')
    return [e for e in (_entity(r, url) for r in document["results"]) if e is not None]
