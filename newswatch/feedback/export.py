"""``newswatch labels export``: each labelled article's standing judgement as a record of the
relevance corpus (``../shared/corpus/relevance``), so the team's labels are a test set
``bench/rules.py`` reads beside the shared corpus."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping
from typing import Any, TextIO

#: The corpus's keys, in its order (``source_repo``/``source_path`` are empty, as in its
#: ``dev2.jsonl``: the record's ``url`` names the page).
KEYS = (
    "id",
    "url",
    "outlet",
    "date",
    "lang",
    "title",
    "text",
    "label",
    "reason",
    "source_repo",
    "source_path",
)


def record_id(url: str) -> str:
    """A stable id in the corpus's shape (12 hex characters): the SHA-1 of the article's URL,
    so the same article exported from two archives has one id."""
    return hashlib.sha1(url.encode("utf-8")).hexdigest()[:12]


def corpus_record(row: Mapping[str, Any], outlet_names: Mapping[str, str] | None = None) -> dict[str, str]:
    """One standing judgement (a row of ``Labels.standing``) as a corpus record: every value a
    string, ``date`` the publication day ``YYYY-MM-DD`` or empty, ``outlet`` the outlet's name
    (its key when the outlets file does not name it), ``reason`` the judgement's note."""
    names = outlet_names or {}
    outlet = str(row["outlet"] or "")
    return {
        "id": record_id(str(row["url"])),
        "url": str(row["url"] or ""),
        "outlet": names.get(outlet, outlet),
        "date": str(row["published"] or "")[:10],
        "lang": str(row["language"] or ""),
        "title": str(row["title"] or ""),
        "text": str(row["text"] or ""),
        "label": str(row["label"]),
        "reason": str(row["note"] or ""),
        "source_repo": "",
        "source_path": "",
    }


def write_jsonl(
    rows: Iterable[Mapping[str, Any]], out: TextIO, outlet_names: Mapping[str, str] | None = None
) -> int:
    """Write one corpus record per row as JSON Lines (UTF-8, not ASCII-escaped, as the corpus
    is); the number written."""
    count = 0
    for row in rows:
        out.write(json.dumps(corpus_record(row, outlet_names), ensure_ascii=False) + "\n")
        count += 1
    return count
