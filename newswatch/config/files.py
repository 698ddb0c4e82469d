"""Reading configuration files safely: a regular file of bounded size (nothing blocks,
nothing endless is read), decoded as UTF-8 and parsed as TOML, every failure one line naming
the file and, where the line tells, the entry."""

from __future__ import annotations

import errno
import os
import re
import stat
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

#: Configuration files (outlets, rules) larger than this are refused unread.
MAX_CONFIG_BYTES = 5 * 1024 * 1024
_FILE_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISCHR, "a character device"),
    (stat.S_ISBLK, "a block device"),
    (stat.S_ISSOCK, "a socket"),
)
MakeError = Callable[[str], ValueError]
#: The entry (``outlet 'dw'``, ``rule 'x'``) a line of the file's text falls in, or None.
EntryAtLine = Callable[[str, int], str | None]


def file_kind(mode: int) -> str:
    """What a non-regular file is, for messages: ``a FIFO``, ``a character device``..."""
    return next((name for test, name in _FILE_KINDS if test(mode)), "a special file")


def config_stat(path: Path, what: str, error: MakeError, hint: str = "") -> os.stat_result:
    """``os.stat`` of a configuration file or folder; ``error`` (one line naming it) when it
    is missing (``hint`` says which setting names it) or cannot be reached (a symlink loop)."""
    try:
        return path.stat()
    except FileNotFoundError:
        raise error(f"{path}: {what} not found{hint}") from None
    except OSError as exc:
        problem = "symlink loop" if exc.errno == errno.ELOOP else exc.strerror or str(exc)
        raise error(f"{path}: cannot read {what}: {problem}") from None


def toml_folder(
    location: str | Path, folder: str, files: str, error: MakeError, limit: int, hint: str = ""
) -> list[Path]:
    """The TOML files at ``location``: a folder's ``*.toml`` and its ``lang/*.toml``, or one
    regular file. ``folder`` and ``files`` name them in messages ("rules folder", "rule
    files"); more than ``limit`` bytes together is refused unread."""
    path = Path(location)
    mode = config_stat(path, folder, error, hint).st_mode
    if stat.S_ISREG(mode):
        return [path]
    if not stat.S_ISDIR(mode):
        raise error(f"{path}: cannot read {folder}: not a folder or a regular file ({file_kind(mode)})")
    found = sorted(path.glob("*.toml")) + sorted((path / "lang").glob("*.toml"))
    if not found:
        raise error(f"{path}: no {files} (*.toml)")
    one = files[:-1] if files.endswith("s") else files
    total = sum(config_stat(file, one, error).st_size for file in found)
    if total > limit:
        raise error(
            f"{path}: cannot read {folder}: its {files} hold more than {limit // 2**20} MB "
            f"together ({total} bytes)"
        )
    return found


def _refuse(path: Path, what: str, info: os.stat_result, error: MakeError, limit: int) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise error(f"{path}: cannot read {what}: Is a directory")
    if not stat.S_ISREG(info.st_mode):
        raise error(f"{path}: cannot read {what}: not a regular file ({file_kind(info.st_mode)})")
    if info.st_size > limit:
        raise error(f"{path}: cannot read {what}: larger than {limit // 2**20} MB ({info.st_size} bytes)")


def read_config_file(
    path: Path, what: str, error: MakeError, hint: str = "", limit: int = MAX_CONFIG_BYTES
) -> bytes:
    """The bytes of a configuration file: a regular file of at most ``limit`` bytes. A FIFO,
    a device, a socket or a folder is refused before it is opened (nothing blocks, nothing
    endless is read); a file swapped in between is caught on the open descriptor."""
    _refuse(path, what, config_stat(path, what, error, hint), error, limit)
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError as exc:
        problem = "symlink loop" if exc.errno == errno.ELOOP else exc.strerror or str(exc)
        raise error(f"{path}: cannot read {what}: {problem}") from None
    try:
        _refuse(path, what, os.fstat(fd), error, limit)
        with os.fdopen(fd, "rb", closefd=False) as stream:
            data = stream.read(limit + 1)
    except OSError as exc:
        raise error(f"{path}: cannot read {what}: {exc.strerror or exc}") from None
    finally:
        os.close(fd)
    if len(data) > limit:  # it grew after the check
        raise error(f"{path}: cannot read {what}: larger than {limit // 2**20} MB")
    return data


def read_toml(
    path: Path, what: str, error: MakeError, entry_at: EntryAtLine, hint: str = ""
) -> tuple[dict[str, Any], bytes]:
    """A TOML configuration file's tables and its bytes. Not UTF-8 and syntax errors name
    the entry the line falls in (``FILE: outlet 'dw': invalid TOML: ...``)."""
    raw = read_config_file(path, what, error, hint)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        entry = entry_at(raw.decode("utf-8", "replace"), line)
        raise error(
            f"{path}: {entry + ': ' if entry else ''}line {line}: not UTF-8 (byte 0x{raw[exc.start]:02x}); "
            "save the file as UTF-8"
        ) from None
    try:
        return tomllib.loads(text), raw
    except RecursionError:  # tomllib reads nested arrays and tables recursively
        raise error(f"{path}: invalid TOML: arrays or tables nested too deeply") from None
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        entry = entry_at(text, int(m.group(1))) if m else None
        raise error(f"{path}: {entry + ': ' if entry else ''}invalid TOML: {exc}") from None
