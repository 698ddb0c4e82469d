"""The README's table of settings, written from the settings model: one row per setting,
its default and what it means. ``python3 dev.py readme`` rewrites the table between the
markers; a test keeps the README equal to it."""

from __future__ import annotations

import sys
from typing import Any

from newswatch.config.environment import PROJECT_DIR, NewswatchSettings, Shown

README = PROJECT_DIR / "README.md"
BEGIN = "<!-- settings table: written by `python3 dev.py readme` from newswatch/config/environment.py -->"
END = "<!-- end of settings table -->"


def _default(value: Any, metadata: list[Any]) -> str:
    shown = next((m.text for m in metadata if isinstance(m, Shown)), None)
    if shown is not None:
        return shown
    if isinstance(value, bool):
        return f"`{int(value)}`"
    if value == "":
        return "*(empty)*"
    return f"`{value:g}`" if isinstance(value, float) else f"`{value}`"


def settings_table() -> str:
    """The table, in the model's order."""
    rows = ["| variable | default | meaning |", "| --- | --- | --- |"]
    for name, info in NewswatchSettings.model_fields.items():
        rows.append(f"| `{name}` | {_default(info.default, info.metadata)} | {info.description} |")
    return "\n".join(rows)


def with_table(readme: str) -> str:
    """The README's text with the table between the markers written anew."""
    head, begin, rest = readme.partition(BEGIN)
    _, end, tail = rest.partition(END)
    if not begin or not end:
        raise ValueError(f"README.md: the settings table's markers are missing ({BEGIN} ... {END})")
    return f"{head}{BEGIN}\n\n{settings_table()}\n\n{END}{tail}"


if __name__ == "__main__":
    text = README.read_text(encoding="utf-8")
    new = with_table(text)
    if new != text:
        README.write_text(new, encoding="utf-8")
        print("wrote README.md (settings table)")
    sys.exit(0)
