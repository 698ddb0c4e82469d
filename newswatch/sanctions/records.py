"""Official lists published as flat XML records (the EU's FSF, the UK's FCDO list): read as a
stream, one record at a time, refusing anything that is not the list (pure, no I/O)."""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator

from lxml import etree

from newswatch.sanctions.model import ListedEntity, ListFormatError
from newswatch.xmlsafe import local_name, pull_parser

log = logging.getLogger(__name__)

CHUNK_BYTES = 1 << 18  # fed to the parser this many bytes at a time
MAX_DEPTH = 32  # elements nested in a list (the FSF nests 4 deep, the UK list 7)
MAX_RECORD_ELEMENTS = 20_000  # elements in one record (real ones hold a few hundred at most)

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
    if local_name(tag) == root:
        found = tag.split("}", 1)[0].lstrip("{") if isinstance(tag, str) and "}" in tag else "none"
        return f"<{root}> in namespace {found}, not {namespace or 'none'}"
    return f"root element <{local_name(tag) or '?'}>, not <{root}>"


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
