"""``newswatch entities update``: download each official list that is on (a conditional GET,
so an unchanged list costs a 304), parse it, keep the entries that concern China, Hong Kong or
Russia's war, and store them (``entity_listings``). A list that cannot be read keeps its last
good copy and rows and opens a source-health entry (``list:<key>``, ``failing``), closed by
its next good download."""

from __future__ import annotations

import urllib.error
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from newswatch.archive import Archive
from newswatch.errors import NewswatchError
from newswatch.sanctions.lists import LISTS, OfficialList
from newswatch.sanctions.model import ListFormatError, concerns

#: The largest list accepted (the real ones are 10-40 MB).
MAX_LIST_BYTES = 200 * 1024 * 1024
TIMEOUT = 120.0  # seconds without an answer before a download fails
HEALTH_ISSUE = "failing"


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
        with urllib.request.urlopen(request, timeout=TIMEOUT) as answer:
            data = answer.read(MAX_LIST_BYTES + 1)
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


def update(
    archive: Archive, urls: dict[str, str], copies: Path, keys: Iterable[str] | None = None
) -> list[ListOutcome]:
    """Update every list of ``urls`` (key → URL; or only ``keys``); the last good copy of each
    is kept in ``copies`` (``<key>.data``) and parsed again when its rows must be rebuilt."""
    copies.mkdir(parents=True, exist_ok=True)
    return [_one(archive, LISTS[key], urls[key], copies) for key in (keys or urls)]


def _one(archive: Archive, official: OfficialList, url: str, copies: Path) -> ListOutcome:
    key = official.key
    state = archive.listings.state(key) or {}
    copy = copies / f"{key}.data"
    same_url = state.get("url") == url and copy.exists()
    try:
        data, validators = download(
            url, state.get("etag") if same_url else None, state.get("last_modified") if same_url else None
        )
        if data is None:  # unchanged: the rows stand
            archive.listings.record_attempt(key, url, "unchanged")
            archive.health.resolve(f"list:{key}", HEALTH_ISSUE)
            return ListOutcome(key, "unchanged", int(state.get("entries") or 0), int(state.get("kept") or 0))
        entries = official.parser()(data, url)
    except (DownloadError, ListFormatError) as exc:
        error = str(exc)
        archive.listings.record_attempt(key, url, "failed", error)
        archive.health.open(
            f"list:{key}", HEALTH_ISSUE, f"{official.name}: {error}; the last good copy is kept"
        )
        return ListOutcome(key, "failed", error=error)
    kept = [entity for entity in entries if concerns(entity)]
    replaced = archive.listings.replace(key, kept)
    partial = copy.with_suffix(".partial")
    partial.write_bytes(data)
    partial.replace(copy)  # the last good copy, whole or not at all
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
