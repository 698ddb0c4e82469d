"""The EU's consolidated list of persons, groups and entities subject to financial sanctions
(the Financial Sanctions Files, "FSF"), XML version 1.1: an ``export`` root in the namespace
``http://eu.europa.ec/fpi/fsd/export`` holding one ``sanctionEntity`` per listing, its facts
in attributes of child elements (``regulation``, ``subjectType``, ``nameAlias``, ``address``,
``citizenship``…).

The file (25-40 MB) is read as a stream, one record at a time; ``read_records`` does that for
any list published as flat XML records (the UK list uses it too)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable, Iterator
from datetime import date
from typing import Any

from lxml import etree

from newswatch.sanctions.model import ListedEntity, ListFormatError, country_code
from newswatch.xmlsafe import pull_parser

log = logging.getLogger(__name__)

LIST_KEY = "eu-fsf"
NAMESPACE = "http://eu.europa.ec/fpi/fsd/export"
WHAT = "the EU consolidated list XML"

CHUNK_BYTES = 1 << 18  # fed to the parser this many bytes at a time
MAX_DEPTH = 32  # elements nested in a list (the FSF nests 4 deep, the UK list 7)
MAX_RECORD_ELEMENTS = 20_000  # elements in one record (real ones hold a few hundred at most)

#: The FSF's programme codes that concern Russia's war, with a name ``model.concerns`` reads.
PROGRAMME_NAMES = {
    "RUS": "RUS (Russia)",
    "UKR": "UKR (Ukraine)",
}

_SUBJECT_KINDS = {"P": "individual", "E": "entity", "person": "individual", "enterprise": "entity"}
_UNKNOWN_COUNTRY = frozenset({"", "00"})  # the FSF writes "00" (UNKNOWN) for a country not known
_PROLOG_SKIP = re.compile(rb"\s+|<\?.*?\?>|<!--.*?-->", re.S)
_ENCODING = re.compile(rb"""^<\?xml[^>]*?\bencoding\s*=\s*["']([^"']*)["']""")
_UTF8 = frozenset({"utf-8", "utf8", "us-ascii", "ascii"})


def _refuse(list_key: str, what: str, problem: str) -> ListFormatError:
    line = " ".join(problem.split())  # one line, whatever the parser wrote
    return ListFormatError(f"{list_key}: not {what}: {line}")


def check_prolog(data: bytes, list_key: str, what: str) -> bytes:
    """The document without its UTF-8 byte-order mark, refused unless it is UTF-8 and its
    prolog (up to the root element) holds only an XML declaration, comments, processing
    instructions and white space: the lists declare no DTD, so no entity can be declared
    and none expanded (a billion-laughs file is refused before it is parsed)."""
    body = data[3:] if data.startswith(b"\xef\xbb\xbf") else data
    if not body.strip():
        raise _refuse(list_key, what, "the file is empty")
    declared = _ENCODING.match(body)
    if declared and declared.group(1).decode("ascii", "replace").lower() not in _UTF8:
        raise _refuse(list_key, what, f"encoded as {declared.group(1).decode('ascii', 'replace')}, not UTF-8")
    at = 0
    while token := _PROLOG_SKIP.match(body, at):
        at = token.end()
    if body[at : at + 9].upper() == b"<!DOCTYPE":
        raise _refuse(list_key, what, "it declares a DOCTYPE (the list has none, so no entity is read)")
    if not re.match(rb"<[A-Za-z_]", body[at : at + 2]):
        start = body[at : at + 20].decode("utf-8", "replace")
        raise _refuse(list_key, what, f"no XML element where the document starts ({start!r})")
    return body


def _local(tag: object) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def read_records(
    data: bytes,
    list_key: str,
    what: str,
    root: str,
    record: str,
    namespace: str | None = None,
) -> Iterator[etree._Element]:
    """Each ``record`` element under the ``root`` element, whole, as the stream reaches its
    end tag; it is freed once the caller moves on. Raises ``ListFormatError`` (one line) for
    anything else: another root or namespace, malformed or cut-off XML, a DTD, nesting
    deeper than ``MAX_DEPTH`` or a record of more than ``MAX_RECORD_ELEMENTS`` elements."""
    body = check_prolog(data, list_key, what)
    parser = pull_parser(encoding="utf-8")
    wanted_root = f"{{{namespace}}}{root}" if namespace else root
    wanted_record = f"{{{namespace}}}{record}" if namespace else record
    depth = elements = 0
    try:
        for start in range(0, len(body), CHUNK_BYTES):
            parser.feed(body[start : start + CHUNK_BYTES])
            for event, element in parser.read_events():
                if event == "start":
                    depth += 1
                    elements += 1
                    if depth == 1 and element.tag != wanted_root:
                        raise _refuse(list_key, what, _wrong_root(element.tag, root, namespace))
                    if depth > MAX_DEPTH:
                        raise _refuse(list_key, what, f"elements nested deeper than {MAX_DEPTH}")
                    if depth == 2:
                        elements = 1
                    elif elements > MAX_RECORD_ELEMENTS:
                        raise _refuse(list_key, what, f"a record of more than {MAX_RECORD_ELEMENTS} elements")
                    continue
                depth -= 1
                if depth == 1:
                    if element.tag == wanted_record:
                        yield element
                    element.clear()
                    parent = element.getparent()
                    if parent is not None:
                        parent.remove(element)
        parser.close()
    except etree.XMLSyntaxError as exc:
        raise _refuse(list_key, what, f"malformed or cut off XML: {exc}") from None


def _wrong_root(tag: object, root: str, namespace: str | None) -> str:
    if _local(tag) == root:
        found = tag.split("}", 1)[0].lstrip("{") if isinstance(tag, str) and "}" in tag else "none"
        return f"<{root}> in namespace {found}, not {namespace or 'none'}"
    return f"root element <{_local(tag) or '?'}>, not <{root}>"


def iso_date(value: str | None) -> str | None:
    """``YYYY-MM-DD`` from an ISO date (a time after it is dropped), or None."""
    text = (value or "").strip()[:10]
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


def parse_records(
    records: Iterator[etree._Element],
    entry: Callable[[etree._Element], ListedEntity | None],
    list_key: str,
    what: str,
    record: str,
) -> list[ListedEntity]:
    """The entries read from ``records``: one without an id or a name is skipped (and
    counted in the log); a list with no record at all is refused."""
    entities: list[ListedEntity] = []
    seen = skipped = 0
    for element in records:
        seen += 1
        listed = entry(element)
        if listed is None:
            skipped += 1
        else:
            entities.append(listed)
    if not seen:
        raise _refuse(list_key, what, f"no <{record}> records")
    if skipped:
        log.warning("%s: %d of %d records skipped: no id or no name", list_key, skipped, seen)
    return entities


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
