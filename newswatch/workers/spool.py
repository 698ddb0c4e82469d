"""A worker's spool: records the hub could not take, kept on disk until it takes them.

One file of JSON lines per crawl (``<run id>.<pid>.jsonl``), each write flushed and fsynced, so a
record acknowledged to the spool survives a crash of the crawl or the machine. A crawl sends
the spool first (its own file included when it ends): it claims each file by renaming it
(``*.sending-<pid>``), sends it in batches in order, and deletes it once the hub took it all;
a file whose claimer died is claimed again. Crawls of one worker share the folder safely.

A batch the hub refuses as wrong (400, 413) is never retried: its lines move to
``rejected/`` beside the spool for a person to look at, and the log says so.
"""

from __future__ import annotations

import contextlib
import json
import logging
import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

log = logging.getLogger("newswatch.workers")
PENDING = ".jsonl"
SENDING = ".sending-"


class Spool:
    def __init__(self, folder: str | Path, name: str):
        self.folder = Path(folder)
        self.path = self.folder / f"{name}.{os.getpid()}{PENDING}"  # this crawl's own file

    def append(self, records: list[dict[str, Any]]) -> None:
        """Write records to this crawl's file, durably (fsync) before returning."""
        if not records:
            return
        self.folder.mkdir(parents=True, exist_ok=True)
        new = not self.path.exists()
        lines = "".join(json.dumps(r, ensure_ascii=False, separators=(",", ":")) + "\n" for r in records)
        with self.path.open("a", encoding="utf-8") as out:
            out.write(lines)
            out.flush()
            os.fsync(out.fileno())
        if new:  # the file's name is durable too
            _fsync_dir(self.folder)

    def claim(self, own: bool = False) -> list[Path]:
        """Pending files of other crawls (and this one's with ``own``), oldest first, renamed
        to this process's claim; a claim left by a process that has died is taken over."""
        if not self.folder.is_dir():
            return []
        claimed = []
        for path in sorted(self.folder.iterdir(), key=_age):
            name = path.name
            if name.endswith(PENDING):
                if path == self.path and not own:
                    continue
                writer = name.removesuffix(PENDING).rpartition(".")[2]
                if path != self.path and writer.isdigit() and _alive(int(writer)):
                    continue  # a crawl running now is still writing it
            elif SENDING in name:
                pid = name.rpartition(SENDING)[2]
                if not pid.isdigit() or _alive(int(pid)):
                    continue
                name = name.rpartition(SENDING)[0]
            else:
                continue
            target = self.folder / f"{name}{SENDING}{os.getpid()}"
            try:
                path.rename(target)
            except OSError:  # another crawl claimed it first
                continue
            claimed.append(target)
        return claimed

    def release(self, path: Path) -> None:
        """Give a claimed file back (the hub is still down): the next crawl sends it."""
        name = path.name.rpartition(SENDING)[0]
        original = self.folder / name
        if original.exists():  # this crawl spooled more meanwhile: keep both, in order
            original = self.folder / f"{name.removesuffix(PENDING)}-{os.getpid()}{PENDING}"
        path.rename(original)

    def reject(self, path: Path, records: list[dict[str, Any]], why: str) -> None:
        """Keep records the hub refused as wrong in ``rejected/``, for a person."""
        folder = self.folder / "rejected"
        folder.mkdir(parents=True, exist_ok=True)
        target = folder / path.name.rpartition(SENDING)[0]
        with target.open("a", encoding="utf-8") as out:
            for record in records:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
            out.flush()
            os.fsync(out.fileno())
        log.error("hub refused %d spooled record(s) (%s): kept in %s", len(records), why, target)


def read_records(path: Path) -> Iterator[dict[str, Any]]:
    """The records of a spool file in order; a line cut short by a crash is skipped."""
    with path.open(encoding="utf-8") as lines:
        for number, line in enumerate(lines, 1):
            if not line.endswith("\n"):
                log.warning("%s: line %d cut short (the crawl stopped mid-write): skipped", path, number)
                continue
            try:
                yield json.loads(line)
            except json.JSONDecodeError:
                log.warning("%s: line %d is not JSON: skipped", path, number)


def batches(
    records: Iterator[dict[str, Any]], size: int, max_bytes: int, weigh: Callable[[dict[str, Any]], int]
) -> Iterator[list[dict[str, Any]]]:
    """Records in batches of at most ``size`` records and about ``max_bytes`` (one larger
    record is a batch of its own)."""
    batch: list[dict[str, Any]] = []
    weight = 0
    for record in records:
        w = weigh(record)
        if batch and (len(batch) >= size or weight + w > max_bytes):
            yield batch
            batch, weight = [], 0
        batch.append(record)
        weight += w
    if batch:
        yield batch


def _age(path: Path) -> float:
    with contextlib.suppress(OSError):
        return path.stat().st_mtime
    return 0.0


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _fsync_dir(folder: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
