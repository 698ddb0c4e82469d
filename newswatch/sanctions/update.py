"""``newswatch entities update``: download each official list that is on (a conditional GET,
so an unchanged list costs a 304), parse it, keep the entries that concern China, Hong Kong or
Russia's war, and store them (``entity_listings``). A list that cannot be read, or that comes
back with far fewer entries than its last good copy (an error page in the right format), keeps
its last good copy and rows and opens a source-health entry (``list:<key>``, issue
``list_failing``), closed by its next good download. One list's failure never stops the
others; two updates at once take turns (a file lock).
"""

from __future__ import annotations

import contextlib
import fcntl
import sqlite3
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from newswatch.archive import Archive
from newswatch.errors import NewswatchError
from newswatch.rules.gazetteer import Entity
from newswatch.sanctions.lists import LISTS, OfficialList
from newswatch.sanctions.merge import assign_ids, merged
from newswatch.sanctions.model import ListFormatError, concerns

#: The largest list accepted (the real ones are 10-40 MB).
MAX_LIST_BYTES = 200 * 1024 * 1024
TIMEOUT = 120.0  # seconds without an answer before a download fails
DEADLINE = 900.0  # seconds a whole download may take
#: A list whose new copy has fewer than this share of the entries of its last good copy (of at
#: least SHRINK_FLOOR entries) is not taken: lists grow by designations, they do not halve.
SHRINK = 0.5
SHRINK_FLOOR = 20
#: The source-health issue of a list (not an outlet's ``failing``, which the watchdog judges
#: from crawl runs: a list has none).
HEALTH_ISSUE = "list_failing"


@dataclass(frozen=True, slots=True)
class ListOutcome:
    key: str
    status: str  # updated, unchanged, failed
    entries: int = 0  # in the list
    kept: int = 0  # concerning China, Hong Kong or Russia
    added: tuple[str, ...] = ()
    removed: tuple[str, ...] = ()
    error: str | None = None


class DownloadError(NewswatchError):
    """A list could not be downloaded: one line saying why."""


def download(url: str, etag: str | None, last_modified: str | None) -> tuple[bytes | None, dict[str, str]]:
    """The list's bytes (None: unchanged since ``etag``/``last_modified``, a 304) and the
    validators of the answer."""
    request = urllib.request.Request(url, headers={"User-Agent": "newswatch entities update"})
    if etag:
        request.add_header("If-None-Match", etag)
    if last_modified:
        request.add_header("If-Modified-Since", last_modified)
    try:
        with _OPENER.open(request, timeout=TIMEOUT) as answer:
            data = _read_within(answer, time.monotonic() + DEADLINE, url)
            headers = {
                k: v
                for k, v in (
                    ("etag", answer.headers.get("ETag")),
                    ("last_modified", answer.headers.get("Last-Modified")),
                )
                if v
            }
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return None, {}
        raise DownloadError(f"HTTP {exc.code} from {url}") from None
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise DownloadError(f"{url}: {reason}") from None
    if len(data) > MAX_LIST_BYTES:
        raise DownloadError(f"{url}: larger than {MAX_LIST_BYTES // 2**20} MB")
    return data, headers


class _HttpOnly(urllib.request.HTTPRedirectHandler):
    """Redirects to http(s) only: never ftp:, file: or anything else."""

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if not newurl.lower().startswith(("http://", "https://")):
            raise DownloadError(f"{req.full_url}: redirected to {newurl.split(':', 1)[0]}:, not http(s)")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


_OPENER = urllib.request.build_opener(_HttpOnly)


def _read_within(answer: Any, deadline: float, url: str) -> bytes:
    """The body, at most MAX_LIST_BYTES + 1 bytes, read before ``deadline`` (a server that
    trickles it out does not hold the update for hours)."""
    chunks: list[bytes] = []
    size = 0
    while size <= MAX_LIST_BYTES:
        chunk = answer.read(1 << 20)
        if not chunk:
            break
        chunks.append(chunk)
        size += len(chunk)
        if time.monotonic() > deadline:
            raise DownloadError(f"{url}: not read within {DEADLINE:.0f} s")
    return b"".join(chunks)


def update(
    archive: Archive, urls: dict[str, str], copies: Path, keys: Iterable[str] | None = None
) -> list[ListOutcome]:
    """Update every list of ``urls`` (key → URL; or only ``keys``); the last good copy of each
    is kept in ``copies`` (``<key>.data``)."""
    copies.mkdir(parents=True, exist_ok=True)
    with (copies / "update.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)  # another update (the service's, a person's) goes first
        return [_guarded(archive, LISTS[key], urls[key], copies) for key in (keys or urls)]


def _guarded(archive: Archive, official: OfficialList, url: str, copies: Path) -> ListOutcome:
    """One list's update; an error of the archive or the disk fails that list only."""
    try:
        return _one(archive, official, url, copies)
    except (NewswatchError, sqlite3.Error, OSError) as exc:
        error = str(exc) if isinstance(exc, NewswatchError) else f"{type(exc).__name__}: {exc}"
        with contextlib.suppress(NewswatchError, sqlite3.Error, OSError):  # the archive is what failed
            _failed(archive, official, url, error)
        return ListOutcome(official.key, "failed", error=error)


def _failed(archive: Archive, official: OfficialList, url: str, error: str) -> None:
    archive.listings.record_attempt(official.key, url, "failed", error)
    archive.health.open(
        f"list:{official.key}", HEALTH_ISSUE, f"{official.name}: {error}; the last good copy is kept"
    )


def _one(archive: Archive, official: OfficialList, url: str, copies: Path) -> ListOutcome:
    key = official.key
    state = archive.listings.state(key) or {}
    copy = copies / f"{key}.data"
    same_url = state.get("url") == url and copy.exists()  # the validators are that URL's
    try:
        data, validators = download(
            url, state.get("etag") if same_url else None, state.get("last_modified") if same_url else None
        )
        if data is None:  # unchanged: the rows stand
            archive.listings.record_attempt(key, url, "unchanged")
            archive.health.resolve(f"list:{key}", HEALTH_ISSUE)
            return ListOutcome(key, "unchanged", int(state.get("entries") or 0), int(state.get("kept") or 0))
        entries = official.parser()(data, url)
        before = int(state.get("entries") or 0)
        if not entries:
            raise ListFormatError(f"{key}: no entry with an id and a name")
        if before >= SHRINK_FLOOR and len(entries) < before * SHRINK:
            raise ListFormatError(
                f"{key}: {len(entries)} entries where the last good copy had {before}; not taken"
            )
    except (DownloadError, ListFormatError) as exc:
        _failed(archive, official, url, str(exc))
        return ListOutcome(key, "failed", error=str(exc))
    kept = [entity for entity in entries if concerns(entity)]
    with tempfile.NamedTemporaryFile(dir=copies, prefix=f"{key}.", suffix=".partial", delete=False) as part:
        part.write(data)
    Path(part.name).replace(copy)  # the last good copy, whole or not at all
    replaced = archive.listings.replace(key, kept)
    archive.listings.record_attempt(
        key,
        url,
        "updated",
        etag=validators.get("etag"),
        last_modified=validators.get("last_modified"),
        entries=len(entries),
        kept=replaced.kept,
    )
    archive.health.resolve(f"list:{key}", HEALTH_ISSUE)
    return ListOutcome(key, "updated", len(entries), replaced.kept, replaced.added, replaced.removed)


def merge_entities(archive: Archive, gazetteer: Iterable[Entity]) -> tuple[Entity, ...]:
    """One entity per company (``merge``): each current list entry's entity id settled in
    ``entity_listings``, and the ``entities`` table rewritten from the gazetteer's entities
    and the lists'."""
    listings = archive.listings.organisations()
    ids = assign_ids(listings)
    archive.listings.assign(ids)
    entities = merged(
        gazetteer, [replace(entry, entity_id=ids[(entry.list_key, entry.ref)]) for entry in listings]
    )
    archive.listings.write_entities(entities)
    return entities
