"""One entity per company, whichever lists name it (pure, no I/O).

The US, EU and UK lists and the hand-kept gazetteer each write a company their own way. Two
entries are one entity when they share a match name (``names.match_name``) and agree on
whether it is Chinese or Hong Kong; a gazetteer entity takes the list entries that share one
of its names, keeping its id, group, sources and what it supplied. A list-only entity's id is
the first id its entries were ever given (``entity_listings.entity_id``), so articles keep
pointing at it when a new list names it too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import replace

from newswatch.rules.gazetteer import Designation, Entity
from newswatch.sanctions.model import Listing
from newswatch.sanctions.names import STRONG, fold_key, name_key, reported_forms

#: The rule group a list-only entity's strong names join (when the rule files define it).
GROUP_CN, GROUP_OTHER = "DESIGNATED_CN", "DESIGNATED_RU"
#: Lists in the order their names are preferred for display (mixed case before upper case).
_NAME_ORDER = ("eu-fsf", "uk-sanctions", "us-csl", "us-sdn")
_ID_ORDER = ("us-sdn", "us-csl", "eu-fsf", "uk-sanctions")
_BODY = {
    "us-sdn": "US",
    "us-csl": "US",
    "eu-fsf": "EU",
    "uk-sanctions": "UK",
    "opensanctions": "OpenSanctions",
}
#: CSL source-list codes: what each is called in an alert, and whether it is an export control.
_CSL = {
    "EL": ("Entity List", "export controls"),
    "MEU": ("Military End-User List", "export controls"),
    "UVL": ("Unverified List", "export controls"),
    "DPL": ("Denied Persons List", "export controls"),
    "SDN": ("OFAC SDN", "sanctions"),
    "NS-MBS": ("OFAC NS-MBS", "sanctions"),
    "SSI": ("OFAC SSI", "sanctions"),
    "CMIC": ("OFAC CMIC", "sanctions"),
}


def name_keys(listing: Listing) -> set[str]:
    """The folded match names of an entry: what two entries of one company share (a weak name
    too: two lists writing the same legal name of a company in the same country mean one)."""
    return {fold_key(name) for name, _kind in listing.names}


def designation(listing: Listing) -> Designation:
    """What the entry says as a designation: ``US · OFAC SDN (RUSSIA-EO14024) · 2024-10-17``."""
    kind = "sanctions"
    if listing.list_key == "us-csl":
        code = listing.ref.split(":", 1)[0]
        action, kind = _CSL.get(code, (listing.extra.get("source") or code, "sanctions"))
    elif listing.list_key == "us-sdn":
        action = "OFAC SDN"
    elif listing.list_key == "opensanctions":  # the source lists it read the entry from
        titles = [t for t in (listing.extra.get("dataset") or "").split("; ") if t]
        action = ", ".join(titles[:2]) + (f" and {len(titles) - 2} more" if len(titles) > 2 else "")
        action = action or "sanctions list"
    else:
        action = "sanctions list"
    programmes = ", ".join(listing.programmes[:3])  # OFAC's short codes (RUSSIA-EO14024); the
    if listing.list_key == "us-sdn" and programmes:  # others' are long names or their list's own
        action = f"{action} ({programmes})"
    by = _BODY.get(listing.list_key, listing.list_key.split("-")[0].upper())
    return Designation(by, action, kind, listing.listed_on, listing.ref, source=listing.list_key)


def assign_ids(listings: Sequence[Listing]) -> dict[tuple[str, str], str]:
    """(list, ref) → entity id for every listing: entries sharing a match name (and whether
    they are Chinese or Hong Kong) are one entity, which keeps the id its entries had (the
    one most of them had), else takes one from its first entry (``us-sdn-36125``)."""
    parent = list(range(len(listings)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    owner: dict[tuple[str, bool], int] = {}
    for i, listing in enumerate(listings):
        for key in name_keys(listing):
            j = owner.setdefault((key, listing.watched), i)
            if j != i:
                parent[root(i)] = root(j)
    members: dict[int, list[int]] = {}
    for i in range(len(listings)):
        members.setdefault(root(i), []).append(i)
    used: set[str] = set()
    out: dict[tuple[str, str], str] = {}
    # components with the most entries choose their old id first
    for group in sorted(members.values(), key=lambda g: (-len(g), _order(listings[g[0]]))):
        entries = sorted((listings[i] for i in group), key=_order)
        counts: dict[str, int] = {}
        for entry in entries:
            if entry.entity_id and entry.entity_id not in used:
                counts[entry.entity_id] = counts.get(entry.entity_id, 0) + 1
        chosen = min(counts, key=lambda k: (-counts[k], k)) if counts else None  # most, then first
        if chosen is None:
            chosen = new_id(entries[0])
            while chosen in used:
                chosen += "-x"
        used.add(chosen)
        for entry in entries:
            out[(entry.list_key, entry.ref)] = chosen
    return out


def new_id(listing: Listing) -> str:
    """A list-only entity's id from its first entry: the list and its reference as a slug."""
    slug = "-".join(re.findall(r"[a-z0-9]+", listing.ref.lower())) or "entry"
    return f"{listing.list_key}-{slug}"


def _order(listing: Listing) -> tuple[int, str]:
    rank = _ID_ORDER.index(listing.list_key) if listing.list_key in _ID_ORDER else len(_ID_ORDER)
    return rank, listing.ref


def merged(gazetteer: Iterable[Entity], listings: Iterable[Listing]) -> tuple[Entity, ...]:
    """The gazetteer's entities, each with the designations of the list entries that share
    one of its names (their strong names added to its aliases), then one entity per
    remaining ``entity_id`` of ``listings``, in id order."""
    by_id: dict[str, list[Listing]] = {}
    for listing in listings:
        by_id.setdefault(listing.entity_id or new_id(listing), []).append(listing)
    keyed: dict[str, str] = {}  # match name key → list entity id
    for entity_id, entries in by_id.items():
        for entry in entries:
            for key in name_keys(entry):
                keyed.setdefault(key, entity_id)
    out: list[Entity] = []
    taken: set[str] = set()
    for entity in gazetteer:
        keys = [name_key(name) for name in (entity.name, *entity.aliases)]
        found = dict.fromkeys(keyed[k] for k in keys if k in keyed and keyed[k] not in taken)
        entries = [entry for entity_id in found for entry in by_id[entity_id]]
        taken.update(found)
        if not entries:
            out.append(entity)
            continue
        known = {fold_key(a) for a in entity.aliases}
        extra = [n for e in entries for n, kind in e.names if kind == STRONG and fold_key(n) not in known]
        out.append(
            replace(
                entity,
                aliases=(*entity.aliases, *dict.fromkeys(extra)),
                designations=(*entity.designations, *map(designation, entries)),
                countries=_countries(entries),
                listed=tuple(found),
            )
        )
    for entity_id in sorted(by_id.keys() - taken):
        out.append(_entity(entity_id, by_id[entity_id]))
    return tuple(out)


def _countries(entries: Sequence[Listing]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(c for e in entries for c in e.countries))


def _entity(entity_id: str, entries: list[Listing]) -> Entity:
    entries = sorted(entries, key=_order)
    shown = sorted(
        entries,
        key=lambda e: (e.name.isupper(), _NAME_ORDER.index(e.list_key) if e.list_key in _NAME_ORDER else 9),
    )
    names: dict[str, tuple[str, str]] = {}
    for entry in entries:
        for name, kind in entry.names:
            key = fold_key(name)
            if key not in names or (kind == STRONG and names[key][1] != STRONG):
                names[key] = (name, kind)
    for name, kind in list(names.values()):  # "Head Aerospace", "Vektor" and "Wektor" too
        for other, other_kind in reported_forms(name, kind):
            names.setdefault(fold_key(other), (other, other_kind))
    watched = any(e.watched for e in entries)
    return Entity(
        id=entity_id,
        name=shown[0].name,
        group=GROUP_CN if watched else GROUP_OTHER,
        supplied="",
        aliases=tuple(n for n, kind in names.values() if kind == STRONG),
        designations=tuple(map(designation, entries)),
        weak=tuple(n for n, kind in names.values() if kind != STRONG),
        countries=_countries(entries),
        listed=(entity_id,),
    )
