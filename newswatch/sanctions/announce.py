"""The ops message when the official lists add Chinese or Hong Kong organisations: one message
per batch, naming them, sent by the service's watchdog pass until it goes out (a failed send
is tried again at the next pass; nothing is announced twice). A list's first import is the
baseline and is not announced."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from typing import Any

from newswatch.archive import Archive
from newswatch.sanctions.model import WATCHED_COUNTRIES

#: Entries named in one message; the rest are counted.
MAX_NAMED = 25
_LISTS = {
    "us-sdn": "US SDN",
    "us-csl": "US CSL",
    "eu-fsf": "EU",
    "uk-sanctions": "UK",
    "opensanctions": "OpenSanctions",
}


def message(rows: Sequence[dict[str, Any]]) -> str:
    """``Official lists: 2 new Chinese or Hong Kong entities`` and a line per entry (name, list,
    programme, listing date), pure."""
    noun = "entity" if len(rows) == 1 else "entities"
    lines = [f"Official lists: {len(rows)} new Chinese or Hong Kong {noun}"]
    for row in rows[:MAX_NAMED]:
        programmes = ", ".join(json.loads(row["programmes"])[:2])
        listed = f" {row['listed_on']}" if row["listed_on"] else ""
        what = f"{_LISTS.get(row['list_key'], row['list_key'])}{listed}"
        what += f" ({programmes})" if programmes else ""
        lines.append(f"• {' '.join(str(row['name']).split())[:200]} — {what}")
    if len(rows) > MAX_NAMED:
        lines.append(f"and {len(rows) - MAX_NAMED} more")
    lines.append("Reports that named them before: newswatch entities backtest")
    return "\n".join(lines)


def announce(archive: Archive, send: Callable[[str], None]) -> int:
    """Send one message naming the new Chinese and Hong Kong organisations, if any, and mark
    them (the others are marked without a message); the number announced. ``send`` raising
    leaves them to the next call."""
    rows = archive.listings.unannounced()
    watched = [r for r in rows if WATCHED_COUNTRIES & set(json.loads(r["countries"]))]
    announced = {r["id"] for r in watched}
    quiet = [r["id"] for r in rows if r["id"] not in announced]
    if quiet:
        archive.listings.mark_announced(quiet)
    if not watched:
        return 0
    send(message(watched))
    archive.listings.mark_announced(announced)
    return len(watched)
