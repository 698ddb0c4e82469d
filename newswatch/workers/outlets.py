"""An outlet's definition as the hub passes it to a worker: its ``[outlets.KEY]`` table as
TOML text (a spider argument), so a worker crawls what the hub's outlets file says today,
with no configuration of its own and no redeploy when an outlet changes."""

from __future__ import annotations

import json
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from newswatch.config.files import read_toml
from newswatch.config.outlets import outlet_at_line
from newswatch.outlets import Outlet, OutletConfigError, load_outlets

_read: dict[str, tuple[tuple[int, int], dict[str, Any]]] = {}  # path → (mtime, size), its tables
_lock = threading.Lock()


def _tables(outlets_file: str | Path) -> dict[str, Any]:
    """The outlets file's tables, read again only when the file changed (a poll of thousands
    of outlets asks for them once per job)."""
    path = Path(outlets_file)
    stat = path.stat()
    key = (stat.st_mtime_ns, stat.st_size)
    with _lock:
        found = _read.get(str(path))
        if found is None or found[0] != key:
            data, _ = read_toml(path, "outlets file", OutletConfigError, outlet_at_line)
            found = (key, data.get("outlets", {}))
            _read[str(path)] = found
        return found[1]


def outlet_toml(outlets_file: str | Path, key: str) -> str:
    """The table of outlet ``key`` in ``outlets_file``, as TOML text of its own."""
    table: dict[str, Any] = _tables(outlets_file)[key]
    # a JSON string, number, boolean or array of them is the same TOML value
    lines = [f"[outlets.{json.dumps(key)}]"]
    for name, value in table.items():
        lines.append(f"{json.dumps(name)} = {json.dumps(value, ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


def outlets_toml(outlets_file: str | Path, keys: Sequence[str]) -> str:
    """The tables of several outlets, as one TOML text."""
    return "".join(outlet_toml(outlets_file, key) for key in keys)


def outlets_from_toml(text: str) -> dict[str, Outlet]:
    """The outlets of a TOML text given by the hub, checked as the outlets file is."""
    with tempfile.TemporaryDirectory(prefix="newswatch-outlet-") as folder:
        path = Path(folder) / "outlets.toml"
        path.write_text(text, encoding="utf-8")
        return load_outlets(path)
