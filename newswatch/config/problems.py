"""The one formatter: a pydantic ValidationError becomes the one line a person reads, raised
as the caller's ConfigError subclass.

A line names where the problem is, then the problem: ``FILE: outlet 'dw': key 'allow[0]':
bad regex ...`` for a configuration file (:class:`FileLayout`), ``settings: environment
variable NAME='value' is not a number`` for a setting (:class:`SettingLayout`). The first
problem pydantic found is the one reported (entries in file order, keys in model order).
"""

from __future__ import annotations

import difflib
import re
import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Annotated, Any, Protocol, TypeVar, Union, get_args, get_origin

from pydantic import BaseModel, StringConstraints, ValidationError
from pydantic_core import ErrorDetails

from newswatch.errors import ConfigError

Loc = tuple[int | str, ...]
E = TypeVar("E", bound=ConfigError)
M = TypeVar("M", bound=BaseModel)

#: What a ``pattern`` constraint means, said to a person (see :func:`matching`).
_MEANINGS: dict[str, str] = {}


class At(ValueError):
    """A validator's problem with one part of what it checks: ``At(("allow",), ...)`` from a
    table's validator is reported at the table's key ``allow``; ``At((2,), ...)`` from a
    list's, at item 2."""

    def __init__(self, loc: Loc, problem: str):
        super().__init__(problem)
        self.loc = loc


def matching(pattern: str, meaning: str) -> StringConstraints:
    """A string constraint (shown in the JSON Schema, so an editor checks it too) whose
    mismatch is reported as ``meaning``. A mismatch is known by its pattern alone, so one
    pattern has one meaning: a second, different one is a programming error."""
    if _MEANINGS.setdefault(pattern, meaning) != meaning:
        raise ValueError(f"pattern {pattern!r} already means {_MEANINGS[pattern]!r}, not {meaning!r}")
    return StringConstraints(pattern=pattern)


#: An id a person writes in a config file (a rule's, a claim cue's): lower-case, stable.
SLUG_ID = matching(r"^[a-z0-9][a-z0-9_-]*$", "ids are lower-case letters, digits, '-' and '_'")


def suggest(word: str, known: Any) -> str:
    """`` (did you mean 'x'?)`` for the closest known word, or nothing."""
    hint = difflib.get_close_matches(word, list(known), n=1)
    return f" (did you mean '{hint[0]}'?)" if hint else ""


class Layout(Protocol):
    """How a location reads in a message: the one-line text of ``problem`` at ``loc``."""

    def line(self, loc: Loc, problem: str, value: Any) -> str: ...


def config_error(exc: ValidationError, root: type[BaseModel], layout: Layout, error: type[E]) -> E:
    """The first problem in ``exc`` (validating ``root``) as ``error`` with one line. An
    unknown key of the same entry comes first: "nmae" is the problem, not a missing "name"."""
    errors = exc.errors()
    details = errors[0]
    first = tuple(details["loc"])
    for other in errors:
        parent = tuple(other["loc"])[:-1]
        if other["type"] == "extra_forbidden" and first[: len(parent)] == parent:
            details = other
            break
    loc, value = tuple(details["loc"]), details.get("input")
    cause = (details.get("ctx") or {}).get("error")
    if isinstance(cause, At):
        loc += cause.loc
        value = _part(value, cause.loc)
    return error(layout.line(loc, _problem(details, root, loc), value))


def validate(model: type[M], data: Any, layout: Layout, error: type[E], context: Any = None) -> M:
    """``model`` from ``data``, or ``error`` with the first problem in one line."""
    try:
        return model.model_validate(data, context=context)
    except ValidationError as exc:
        raise config_error(exc, model, layout, error) from None


def _part(value: Any, loc: Loc) -> Any:
    for step in loc:
        try:
            value = value[step]
        except (KeyError, IndexError, TypeError):
            return None
    return value


def _problem(details: ErrorDetails, root: type[BaseModel], loc: Loc) -> str:
    kind, value, ctx = details["type"], details.get("input"), details.get("ctx") or {}
    if kind in {"value_error", "assertion_error"}:
        return str(ctx.get("error", details["msg"]))
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "unknown key" + suggest(str(loc[-1]), _fields_at(root, loc[:-1]))
    if kind == "string_pattern_mismatch":
        meaning = _MEANINGS.get(str(ctx.get("pattern")), f"must match {ctx.get('pattern')}")
        return meaning if loc and loc[-1] == "[key]" else f"{meaning}, got {value!r}"
    if kind == "literal_error":
        choices = ", ".join(re.findall(r"'([^']*)'", str(ctx.get("expected", ""))))
        return f"must be one of {choices}; got {value!r}"
    if kind == "greater_than":
        bound = ctx.get("gt")
        return f"must be {'a positive number' if bound == 0 else f'more than {bound}'}, got {value!r}"
    if kind == "greater_than_equal":
        return f"must be at least {ctx.get('ge')}"
    if kind == "less_than_equal":
        return f"must be at most {ctx.get('le')}"
    messages: dict[str, str] = {
        "string_type": f"must be a string, got {value!r}",
        "string_too_short": f"must be a non-empty string, got {value!r}",
        "list_type": f"must be a list of strings, got {type(value).__name__}",
        "bool_type": f"must be true or false, got {value!r}",
        "bool_parsing": f"must be true or false, got {value!r}",
        "float_type": f"must be a number, got {value!r}",
        "float_parsing": f"must be a number, got {value!r}",
        "int_type": f"must be a whole number, got {value!r}",
        "int_parsing": f"must be a whole number, got {value!r}",
        "model_type": f"must be a table, got {type(value).__name__}",
        "dict_type": f"must be a table, got {type(value).__name__}",
        "too_short": "must not be empty",
    }
    return messages.get(kind, details["msg"][:1].lower() + details["msg"][1:])


def _fields_at(root: type[BaseModel], loc: Loc) -> list[str]:
    """The keys the model at ``loc`` knows (for ``did you mean``)."""
    kind: Any = root
    for step in loc:
        kind = _unwrap(kind)
        if isinstance(kind, type) and issubclass(kind, BaseModel):
            info = kind.model_fields.get(str(step))
            kind = info.annotation if info else None
        elif get_origin(kind) is dict:
            kind = get_args(kind)[1]
        elif get_origin(kind) is list:
            kind = get_args(kind)[0]
        else:
            return []
    kind = _unwrap(kind)
    return list(kind.model_fields) if isinstance(kind, type) and issubclass(kind, BaseModel) else []


def _unwrap(kind: Any) -> Any:
    """``X`` for ``Annotated[X, ...]`` and ``X | None``."""
    while True:
        if get_origin(kind) is Annotated:
            kind = get_args(kind)[0]
        elif get_origin(kind) in (Union, types.UnionType):
            kind = next(arg for arg in get_args(kind) if arg is not type(None))
        else:
            return kind


def _key(loc: Loc) -> str:
    """``("allow", 0)`` → ``allow[0]``."""
    out = ""
    for step in loc:
        if step == "[key]":
            continue
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


@dataclass(frozen=True)
class FileLayout:
    """A TOML configuration file: ``FILE: ENTRY: key 'KEY': problem``. ``entries`` names an
    entry from its top-level table, its key (or index) and the file's data; ``tables`` says
    how each top-level table is written, for problems with the tables themselves."""

    path: Path
    data: Any
    entries: Callable[[str, int | str, Any], str]
    tables: Mapping[str, str] = field(default_factory=dict)
    #: what the top level should hold, for an unknown top-level key
    expected: str = ""
    #: top-level tables that are one entry (``[settings]``), not a table of entries
    single: frozenset[str] = frozenset()

    def line(self, loc: Loc, problem: str, value: Any) -> str:
        where = str(self.path)
        if len(loc) == 1:  # a top-level table itself
            top = str(loc[0])
            expected = self.expected or ", ".join(self.tables)
            if problem.startswith("unknown key"):
                return f"{where}: unknown top-level key '{top}' (expected {expected})"
            if problem.startswith("is required with"):  # a key another one needs
                return f"{where}: {top}: {problem}"
            if problem in {"is required", "must not be empty"}:
                return f"{where}: no {top} defined (expected {self.tables.get(top, top)})"
            return f"{where}: '{top}' must be {self.tables.get(top, 'a table')}"
        if loc and str(loc[0]) in self.single:  # the table is the entry: its keys follow
            where += f": {self.entries(str(loc[0]), '', self.data)}"
            key = _key(loc[1:])
            return f"{where}: key '{key}': {problem}" if key else f"{where}: {problem}"
        if loc:
            where += f": {self.entries(str(loc[0]), loc[1], self.data)}"
        key = _key(loc[2:])
        return f"{where}: key '{key}': {problem}" if key else f"{where}: {problem}"


@dataclass(frozen=True)
class SettingLayout:
    """Settings: ``settings: environment variable NAME='value' problem`` (``source`` says
    where the value came from), or ``NAME='value': problem`` without one."""

    source: str = ""
    #: the names the settings go by where the value was given (a Scrapy name for ``-s``)
    names: Mapping[str, str] = field(default_factory=dict)

    def line(self, loc: Loc, problem: str, value: Any) -> str:
        name = self.names.get(str(loc[0]), str(loc[0])) if loc else "settings"
        if self.source:
            return f"settings: {self.source} {name}={value!r} {problem}"
        shown = value is not None and not isinstance(value, dict) and str(value).strip() != ""
        return f"{name}={value!r}: {problem}" if shown else f"{name}: {problem}"
