"""OFAC's Specially Designated Nationals list in its classic XML (``SDN.XML``, root
``<sdnList>``), read as a stream: each ``<sdnEntry>`` is taken as its end tag arrives and
then freed, so the 20-30 MB file is never held as a tree.

The classic XML gives no listing date per entry (only the publication date of the whole
list), so ``listed_on`` stays None; the "advanced" XML (``SDN_ADVANCED.XML``) is not read.
Entities are never expanded and a DOCTYPE is refused: the list declares none."""

from __future__ import annotations

from collections.abc import Iterator

from lxml import etree

from newswatch.sanctions.model import ListedEntity, ListFormatError, country_code, unique
from newswatch.xmlsafe import local_name, pull_parser

LIST_KEY = "us-sdn"
_ROOT = "sdnList"
_CHUNK = 1 << 20

_KINDS = {"individual": "individual", "entity": "entity", "vessel": "vessel", "aircraft": "aircraft"}

#: (list element, item element) pairs whose ``<country>`` says where an entry is or is from.
_COUNTRY_LISTS = (
    ("addressList", "address"),
    ("nationalityList", "nationality"),
    ("citizenshipList", "citizenship"),
)


def _refuse(what: str) -> ListFormatError:
    return ListFormatError(f"{LIST_KEY}: not SDN XML: {' '.join(what.split())}")


def _fields(element: etree._Element) -> dict[str, list[etree._Element]]:
    """``element``'s children by local name."""
    fields: dict[str, list[etree._Element]] = {}
    for child in element:
        fields.setdefault(local_name(child.tag), []).append(child)
    return fields


def _own(element: etree._Element) -> str:
    """``element``'s text, whitespace folded."""
    return " ".join("".join(element.itertext()).split())


def _text(fields: dict[str, list[etree._Element]], name: str) -> str:
    """The text of the first field called ``name`` ("" if none)."""
    found = fields.get(name)
    return _own(found[0]) if found else ""


def _items(
    fields: dict[str, list[etree._Element]], list_name: str, item_name: str
) -> Iterator[etree._Element]:
    for items in fields.get(list_name, ()):
        for item in items:
            if local_name(item.tag) == item_name:
                yield item


def _full_name(fields: dict[str, list[etree._Element]]) -> str:
    return " ".join(part for part in (_text(fields, "firstName"), _text(fields, "lastName")) if part)


def _entity(entry: etree._Element, url: str) -> ListedEntity | None:
    """One ``<sdnEntry>``; None when it lacks its uid or its (last) name."""
    fields = _fields(entry)
    uid, last = _text(fields, "uid"), _text(fields, "lastName")
    if not uid or not last:
        return None
    name = _full_name(fields)
    strong: list[str] = []
    weak: list[str] = []
    for aka in _items(fields, "akaList", "aka"):
        aka_fields = _fields(aka)
        (weak if _text(aka_fields, "category").lower() == "weak" else strong).append(_full_name(aka_fields))
    countries = (
        _text(_fields(item), "country") for lst, tag in _COUNTRY_LISTS for item in _items(fields, lst, tag)
    )
    sdn_type = _text(fields, "sdnType")
    extra = {
        "sdn_type": sdn_type,
        "title": _text(fields, "title"),
        "weak_aliases": "; ".join(unique(weak, (name,))),
    }
    return ListedEntity(
        list_key=LIST_KEY,
        ref=uid,
        name=name,
        kind=_KINDS.get(sdn_type.lower(), "other"),
        aliases=unique([*strong, *weak], (name,)),
        countries=unique(country_code(c) or c for c in countries),
        programmes=unique(_own(p) for p in _items(fields, "programList", "program")),
        listed_on=None,
        source_url=url,
        remarks=_text(fields, "remarks") or None,
        extra={k: v for k, v in extra.items() if v},
    )


class _Read:
    """What one pass has read so far."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.root: etree._Element | None = None
        self.entries = 0
        self.record_count: str = ""
        self.entities: list[ListedEntity] = []


def _take(read: _Read, parser: etree.XMLPullParser) -> None:
    for event, element in parser.read_events():
        if event == "start":
            if read.root is None and element.getparent() is None:
                _check_root(element)
                read.root = element
            continue
        if read.root is None or element.getparent() is not read.root:
            continue
        if local_name(element.tag) == "sdnEntry":
            read.entries += 1
            entity = _entity(element, read.url)
            if entity is not None:
                read.entities.append(entity)
        else:  # publshInformation (sic: OFAC's spelling)
            read.record_count = _text(_fields(element), "Record_Count")
        element.clear()
        while element.getprevious() is not None:
            del read.root[0]


def _check_root(element: etree._Element) -> None:
    docinfo = element.getroottree().docinfo
    if docinfo.internalDTD is not None or docinfo.doctype:
        raise _refuse("it declares a DOCTYPE (the SDN list has none; entities are refused)")
    if local_name(element.tag) != _ROOT:
        raise _refuse(f"root element <{local_name(element.tag) or element.tag}>, not <{_ROOT}>")


def parse(data: bytes, url: str) -> list[ListedEntity]:
    """Every named entry of an ``SDN.XML`` file downloaded from ``url``. Raises
    ``ListFormatError`` for anything else: not XML, another root, a DOCTYPE, a file cut
    short, or fewer entries than its ``Record_Count`` says."""
    if not data.strip():
        raise _refuse("empty file")
    parser = pull_parser(tag=(f"{{*}}{_ROOT}", "{*}sdnEntry", "{*}publshInformation"))
    read = _Read(url)
    try:
        for start in range(0, len(data), _CHUNK):
            parser.feed(data[start : start + _CHUNK])
            _take(read, parser)
        root = parser.close()
        _take(read, parser)
        if read.root is None and root is not None:
            _check_root(root)  # a document of another kind, read to its end
    except etree.XMLSyntaxError as exc:
        raise _refuse(str(exc)) from None
    if read.root is None:
        raise _refuse("no root element")
    if read.record_count and read.record_count != str(read.entries):
        raise _refuse(f"{read.entries} entries, but Record_Count says {read.record_count}")
    if not read.entries:
        raise _refuse("no <sdnEntry>")
    return read.entities
