"""OpenSanctions' ``targets.simple.csv`` (an opt-in source: its data licence, CC BY-NC 4.0,
allows non-commercial use only, so the operator turns it on; docs/entities.md).

One row per target with the header ``id, schema, name, aliases, birth_date, countries,
addresses, identifiers, sanctions, phones, emails, dataset, first_seen, last_seen,
last_change`` (OpenSanctions' exporter writes it with Python's ``csv.unix_dialect``). A cell
of several values joins them with ``;`` (quoted as CSV where needed); ``countries`` are
lower-case ISO codes; each ``sanctions`` value is "programme - reason - status - start date -
end date", the parts it has; ``dataset`` names the source lists (their titles)."""

from __future__ import annotations

import csv
import io
import re

from newswatch.sanctions.model import ListedEntity, ListFormatError, country_code, iso_date, unique

LIST_KEY = "opensanctions"

#: FollowTheMoney schemata as the other lists' kinds.
_KINDS = {
    "Person": "individual",
    "Company": "entity",
    "Organization": "entity",
    "LegalEntity": "entity",
    "PublicBody": "entity",
    "Vessel": "vessel",
    "Airplane": "aircraft",
}
_REQUIRED = ("id", "schema", "name")
_DATE = re.compile(r"\b(\d{4}-\d{2}-\d{2})\b")
#: The biggest cell the csv module is allowed to read (its default, 128 KB, is less than some
#: targets' address lists; a cell past this is a broken file).
_FIELD_LIMIT = 16 * 1024 * 1024


def _values(cell: str | None) -> list[str]:
    """The values of a multi-valued cell (";"-joined, CSV-quoted where a value holds ";")."""
    if not cell:
        return []
    return [" ".join(v.split()) for v in next(csv.reader([cell], delimiter=";")) if v.strip()]


def _entity(row: dict[str, str | None], url: str) -> ListedEntity | None:
    ref, name = (row.get("id") or "").strip(), " ".join((row.get("name") or "").split())
    if not ref or not name:
        return None
    schema = (row.get("schema") or "").strip()
    sanctions = _values(row.get("sanctions"))
    dates = sorted(d for text in sanctions for d in _DATE.findall(text) if iso_date(d))
    countries = unique(country_code(c) or c.upper() for c in _values(row.get("countries")))
    extra = {
        "dataset": "; ".join(_values(row.get("dataset"))),
        "identifiers": "; ".join(_values(row.get("identifiers"))[:10]),
        "first_seen": (row.get("first_seen") or "").strip(),
    }
    return ListedEntity(
        list_key=LIST_KEY,
        ref=ref,
        name=name,
        kind=_KINDS.get(schema, "other"),
        aliases=unique(_values(row.get("aliases")), (name,)),
        countries=countries,
        programmes=unique(sanctions),
        listed_on=dates[0] if dates else None,
        source_url=url,
        extra={k: v for k, v in extra.items() if v},
    )


def parse(data: bytes, url: str) -> list[ListedEntity]:
    """Every row of a ``targets.simple.csv`` downloaded from ``url`` that has an id and a name.
    Raises ``ListFormatError`` when the file is not UTF-8 CSV with the columns it needs."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ListFormatError(f"{LIST_KEY}: not UTF-8 text: {exc}") from None
    limit = csv.field_size_limit()
    csv.field_size_limit(_FIELD_LIMIT)
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""), strict=True)
        missing = [column for column in _REQUIRED if column not in (reader.fieldnames or ())]
        if missing:
            raise ListFormatError(
                f"{LIST_KEY}: not OpenSanctions targets.simple.csv: no {', '.join(missing)} column"
            )
        return [e for e in (_entity(row, url) for row in reader) if e is not None]
    except csv.Error as exc:
        raise ListFormatError(f"{LIST_KEY}: broken CSV: {exc}") from None
    finally:
        csv.field_size_limit(limit)
