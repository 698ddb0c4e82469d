"""``entity_listings`` and ``entity_lists``: the entries of the official lists that concern
China, Hong Kong or Russia's war, and each list's download state (docs/entities.md)."""

from __future__ import annotations

import json
import os
from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from newswatch.archive.connection import Db
from newswatch.archive.migrations import LISTINGS_VERSION
from newswatch.sanctions.model import ListedEntity, Listing

if TYPE_CHECKING:
    from newswatch.rules.gazetteer import Entity


@dataclass(frozen=True, slots=True)
class Replaced:
    """What an update changed in one list's rows."""

    added: tuple[str, ...]  # names of the entries the list did not have before
    removed: tuple[str, ...]  # names of the entries it no longer has
    kept: int  # rows the list has now


class Organisations(tuple[Listing, ...]):
    """The official lists' organisations as read: a tuple whose hash is computed once."""

    _hash: int | None = None

    def __hash__(self) -> int:
        if self._hash is None:
            self._hash = super().__hash__()
        return self._hash


#: archive path → (stamp, organisations): the last read, per process (``Listings.organisations``)
_read: dict[str, tuple[tuple[int, int, str], Organisations]] = {}


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
        from newswatch.sanctions.names import match_names  # the rules' text folding, for updates only

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
                        listed_on, source_url, remarks, extra, match_names, first_seen, last_seen)
                    VALUES (:list_key, :ref, :name, :kind, :aliases, :countries, :programmes, :listed_on,
                        :source_url, :remarks, :extra, :match_names, :now, :now)
                    ON CONFLICT (list_key, ref) DO UPDATE SET name = excluded.name, kind = excluded.kind,
                        aliases = excluded.aliases, countries = excluded.countries,
                        programmes = excluded.programmes, listed_on = excluded.listed_on,
                        source_url = excluded.source_url, remarks = excluded.remarks, extra = excluded.extra,
                        match_names = excluded.match_names, last_seen = excluded.last_seen, removed_at = NULL
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
                        "match_names": json.dumps(
                            match_names((entity.name, *entity.aliases)) if entity.kind == "entity" else [],
                            ensure_ascii=False,
                        ),
                        "now": now,
                    },
                )
            if not known:  # a list's first import is the baseline: nothing in it is news
                conn.execute(
                    "UPDATE entity_listings SET announced_at = ? WHERE list_key = ? AND announced_at IS NULL",
                    (now, list_key),
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

    def version(self) -> tuple[Any, ...]:
        """What changes whenever the matched entries or their entities do (cheap: two index
        reads): readers keep what they built from the lists until it changes."""
        row = self.db.row(
            "SELECT (SELECT max(updated_at) FROM entities) AS merged, "
            "(SELECT max(id) FROM entity_listings) AS newest"
        )
        return (row["merged"], row["newest"]) if row else (None, None)

    def organisations(self) -> Organisations:
        """The current entries that are organisations, with the names they are matched by
        (people, vessels and aircraft are kept in ``entity_listings`` but not matched).

        Read once per process and archive file while ``entity_listings`` is unchanged (its
        version counter, m023): the same object again, so the ruleset compiled with them is
        found again without hashing every entry (a forked crawl finds the forkserver's)."""
        stamp = self._stamp()
        known = _read.get(str(self.db.path))
        if known is not None and stamp is not None and known[0] == stamp:
            return known[1]
        found = Organisations(self._organisations())
        if stamp is not None:
            _read[str(self.db.path)] = (stamp, found)
        return found

    def _stamp(self) -> tuple[int, int, str] | None:
        """The archive file (device, inode: a restored copy is another) and the listings'
        version; None when the file cannot be stat-ed (never kept then)."""
        try:
            info = os.stat(self.db.path)
        except OSError:
            return None
        version = self.db.value("SELECT value FROM service_state WHERE key = ?", (LISTINGS_VERSION,))
        return info.st_dev, info.st_ino, str(version or "0")

    def _organisations(self) -> list[Listing]:
        return [
            Listing(
                list_key=row["list_key"],
                ref=row["ref"],
                name=row["name"],
                countries=tuple(json.loads(row["countries"])),
                programmes=tuple(json.loads(row["programmes"])),
                listed_on=row["listed_on"],
                source_url=row["source_url"],
                names=tuple((str(n), str(k)) for n, k in json.loads(row["match_names"])),
                entity_id=row["entity_id"],
                extra=json.loads(row["extra"]),
            )
            for row in self.db.rows(
                """SELECT list_key, ref, name, countries, programmes, listed_on, source_url, match_names,
                       entity_id, extra
                   FROM entity_listings WHERE kind = 'entity' AND removed_at IS NULL AND match_names != '[]'
                   ORDER BY id"""
            )
        ]

    def assign(self, ids: dict[tuple[str, str], str]) -> int:
        """Each entry's entity id (``merge.assign_ids``); the number of entries whose id changed."""
        changed = 0
        with self.db.write() as conn:
            for (list_key, ref), entity_id in ids.items():
                changed += conn.execute(
                    """UPDATE entity_listings SET entity_id = ?
                       WHERE list_key = ? AND ref = ? AND entity_id IS NOT ?""",
                    (entity_id, list_key, ref, entity_id),
                ).rowcount
        return changed

    def unannounced(self) -> list[dict[str, Any]]:
        """Current Chinese and Hong Kong organisations the ops channel has not been told of,
        oldest first."""
        return self.db.rows(
            """SELECT id, list_key, ref, name, countries, programmes, listed_on, entity_id
               FROM entity_listings
               WHERE announced_at IS NULL AND removed_at IS NULL AND kind = 'entity'
               ORDER BY id"""
        )

    def mark_announced(self, row_ids: Iterable[int]) -> None:
        now = self.db.now()
        with self.db.write() as conn:
            conn.executemany(
                "UPDATE entity_listings SET announced_at = ? WHERE id = ?", [(now, i) for i in row_ids]
            )

    def write_entities(self, entities: Iterable[Entity]) -> int:
        """The ``entities`` table as ``entities`` (the merged gazetteer and lists), replaced in
        one transaction; the number of rows."""
        now = self.db.now()
        rows = [_entity_row(entity, now) for entity in entities]
        with self.db.write() as conn:
            conn.execute("DELETE FROM entities")
            conn.executemany(
                """INSERT INTO entities (id, name, origin, designated, countries, lists, first_listed,
                       supplied, designations, names, weak_names, updated_at)
                   VALUES (:id, :name, :origin, :designated, :countries, :lists, :first_listed, :supplied,
                       :designations, :names, :weak_names, :updated_at)""",
                rows,
            )
        return len(rows)


def _entity_row(entity: Entity, now: str) -> dict[str, Any]:
    listed = [d for d in entity.designations if d.source]
    dates = sorted(d.date for d in listed if d.date)
    return {
        "id": entity.id,
        "name": entity.name,
        "origin": "lists" if entity.from_lists else "gazetteer",
        "designated": int(bool(listed)),
        "countries": json.dumps(list(entity.countries)),
        "lists": json.dumps(list(dict.fromkeys(str(d.source) for d in listed))),
        "first_listed": dates[0] if dates else None,
        "supplied": entity.supplied or None,
        "designations": json.dumps(
            [
                {
                    "by": d.by,
                    "action": d.action,
                    "kind": d.kind,
                    "date": d.date,
                    "ref": d.note,
                    "list": d.source,
                }
                for d in entity.designations
            ],
            ensure_ascii=False,
        ),
        "names": json.dumps(list(entity.aliases), ensure_ascii=False),
        "weak_names": json.dumps(list(entity.weak), ensure_ascii=False),
        "updated_at": now,
    }


_FETCHED = ("etag", "last_modified", "entries", "kept")
