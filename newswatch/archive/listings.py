"""``entity_listings`` and ``entity_lists``: the entries of the official lists that concern
China, Hong Kong or Russia's war, and each list's download state (docs/entities.md)."""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from newswatch.archive.connection import Db
from newswatch.sanctions.model import ListedEntity


@dataclass(frozen=True, slots=True)
class Replaced:
    """What an update changed in one list's rows."""

    added: tuple[str, ...]  # names of the entries the list did not have before
    removed: tuple[str, ...]  # names of the entries it no longer has
    kept: int  # rows the list has now


class Listings:
    def __init__(self, db: Db):
        self.db = db

    def state(self, list_key: str) -> dict[str, Any] | None:
        """The list's download state (``entity_lists``), None before its first update."""
        return self.db.row("SELECT * FROM entity_lists WHERE list_key = ?", (list_key,))

    def record_attempt(
        self, list_key: str, url: str, status: str, error: str | None = None, **fetched: Any
    ) -> None:
        """One download attempt: ``status`` updated, unchanged or failed; a good one (updated,
        unchanged) also brings ``etag``, ``last_modified``, ``entries`` and ``kept``."""
        now = self.db.now()
        good = status != "failed"
        with self.db.write() as conn:
            conn.execute(
                "INSERT INTO entity_lists (list_key, url) VALUES (?, ?) ON CONFLICT (list_key) DO NOTHING",
                (list_key, url),
            )
            conn.execute(
                "UPDATE entity_lists SET checked_at = ?, status = ?, last_error = ? WHERE list_key = ?",
                (now, status, error, list_key),
            )
            if good:  # the URL is the last good copy's, and its validators go with it
                sets = {"url": url, "fetched_at": now, **{k: v for k, v in fetched.items() if k in _FETCHED}}
                assignments = ", ".join(f"{k} = :{k}" for k in sets)
                conn.execute(
                    f"UPDATE entity_lists SET {assignments} WHERE list_key = :key", {**sets, "key": list_key}
                )

    def replace(self, list_key: str, entities: Iterable[ListedEntity]) -> Replaced:
        """The list's rows as its latest good copy has them: new entries added, known ones
        brought up to date (``last_seen``), those it dropped marked ``removed_at`` (kept as
        history); an entry that comes back is current again."""
        now = self.db.now()
        added: list[str] = []
        seen: set[str] = set()
        with self.db.write() as conn:
            known = {
                row["ref"]: row["removed_at"]
                for row in self.db.rows(
                    "SELECT ref, removed_at FROM entity_listings WHERE list_key = ?", (list_key,)
                )
            }
            for entity in entities:
                if entity.ref in seen:
                    continue
                seen.add(entity.ref)
                if entity.ref not in known or known[entity.ref] is not None:
                    added.append(entity.name)
                conn.execute(
                    """
                    INSERT INTO entity_listings (list_key, ref, name, kind, aliases, countries, programmes,
                        listed_on, source_url, remarks, extra, first_seen, last_seen)
                    VALUES (:list_key, :ref, :name, :kind, :aliases, :countries, :programmes, :listed_on,
                        :source_url, :remarks, :extra, :now, :now)
                    ON CONFLICT (list_key, ref) DO UPDATE SET name = excluded.name, kind = excluded.kind,
                        aliases = excluded.aliases, countries = excluded.countries,
                        programmes = excluded.programmes, listed_on = excluded.listed_on,
                        source_url = excluded.source_url, remarks = excluded.remarks, extra = excluded.extra,
                        last_seen = excluded.last_seen, removed_at = NULL
                    """,
                    {
                        "list_key": list_key,
                        "ref": entity.ref,
                        "name": entity.name,
                        "kind": entity.kind,
                        "aliases": json.dumps(list(entity.aliases), ensure_ascii=False),
                        "countries": json.dumps(list(entity.countries), ensure_ascii=False),
                        "programmes": json.dumps(list(entity.programmes), ensure_ascii=False),
                        "listed_on": entity.listed_on,
                        "source_url": entity.source_url,
                        "remarks": entity.remarks,
                        "extra": json.dumps(entity.extra, ensure_ascii=False, sort_keys=True),
                        "now": now,
                    },
                )
            gone = [ref for ref, removed in known.items() if ref not in seen and removed is None]
            removed = [
                str(row["name"])
                for ref in gone
                for row in self.db.rows(
                    "SELECT name FROM entity_listings WHERE list_key = ? AND ref = ?", (list_key, ref)
                )
            ]
            conn.executemany(
                "UPDATE entity_listings SET removed_at = ? WHERE list_key = ? AND ref = ?",
                [(now, list_key, ref) for ref in gone],
            )
        return Replaced(tuple(added), tuple(removed), len(seen))


_FETCHED = ("etag", "last_modified", "entries", "kept")
