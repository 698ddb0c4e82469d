"""Plain text, tokens and word triples: the string helpers every room of extraction uses."""

from __future__ import annotations

import html as htmllib
import re
import unicodedata
from typing import Any

WORD = re.compile(r"\w+")


def plain_text(value: Any) -> str | None:
    """One line of plain text: entities decoded, runs of whitespace collapsed (anything
    that looks like markup stays text)."""
    if not isinstance(value, str):
        return None
    return " ".join(htmllib.unescape(value).split()) or None


def tokens(text: str) -> list[str]:
    return WORD.findall(text.casefold())


def norm(text: str) -> str:
    return " ".join(text.split())


_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_SURROGATE = re.compile("[\ud800-\udfff]")


def valid(text: str) -> str:
    """Text that UTF-8, the archive and XML (the Atom feed) can all hold: a lone surrogate (an
    ld+json ``"\\ud800"`` escape) becomes U+FFFD, control characters other than tab and line
    breaks (an escaped NUL or ESC) are dropped, and letters are composed (NFC: "й", not "и"
    and a combining breve), as the rules' aliases are written."""
    if _SURROGATE.search(text):
        text = text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    text = _NOT_XML.sub("", text)
    return text if unicodedata.is_normalized("NFC", text) else unicodedata.normalize("NFC", text)


def word_triples(text: str) -> list[tuple[str, ...]]:
    words = tokens(text)
    return list(zip(words, words[1:], words[2:], strict=False))


def triples(text: str) -> set[tuple[str, ...]]:
    return set(word_triples(text))


def mostly_new(line: str, seen: set[tuple[str, ...]], share: float = 0.5) -> bool:
    """Whether under ``share`` of a line's word triples are in ``seen``: the line is not
    already in the text, even spelt a little differently."""
    mine = word_triples(line)
    return sum(t in seen for t in mine) < share * len(mine)



def with_inserts(text: str, lines: list[str], inserts: dict[int, list[str]]) -> str:
    """``text`` (made of ``lines``) with the lines of ``inserts`` put back after the line
    numbered by their key; ``text`` itself when there is nothing to put back."""
    if not inserts:
        return text
    out: list[str] = []
    for i, line in enumerate(lines):
        out.append(line)
        out.extend(inserts.get(i, ()))
    return "\n".join(out)
