"""A rule file as a model: ``[groups.NAME]`` tables, ``[[rules]]`` entries and one
``[settings]`` table, their keys, types and checks (aliases and query terms that can be
matched, queries that parse, with the column of a syntax error). What spans files (group
references, ids used twice, include chains) is checked by :mod:`newswatch.rules.loader`;
``config/schemas/rules.schema.json`` is exported from here."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Annotated, Any, Literal, Self

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    model_validator,
)

from newswatch.config.problems import At, matching

if TYPE_CHECKING:
    from newswatch.rules.syntax import Node

MIN_WILDCARD_PREFIX = 3
SCOPES = ("sentence", "window", "paragraph", "document")
#: The languages a rule file's ``[aliases]`` may be written in (ISO 639-1): their words are
#: found in every inflected form (newswatch/rules/inflection.py).
LANGUAGES = ("en", "ru", "uk", "zh", "de", "fr", "es", "it", "pl", "ro", "bg", "ja", "ko", "ar", "tr")
Language = Literal["en", "ru", "uk", "zh", "de", "fr", "es", "it", "pl", "ro", "bg", "ja", "ko", "ar", "tr"]
DEFAULT_WINDOW = 2


def check_pattern(text: str) -> str | None:
    """Why an alias or query term cannot be matched, or None."""
    from newswatch.rules.text import tokenize  # the rules package loads this module: imported late

    core = text.rstrip("*")
    if "*" in core:
        return f"{text!r}: '*' is allowed only at the end"
    if not tokenize(core):
        return f"{text!r} has no letters or digits"
    if (
        text.endswith("*")
        and len(tokenize(core)[-1]) < MIN_WILDCARD_PREFIX
        and not re.search(r"[\u3400-\u9fff]", core)
    ):
        return f"{text!r}: a wildcard needs at least {MIN_WILDCARD_PREFIX} letters before '*'"
    return None


def position(query: str, offset: int) -> str:
    """``column C`` (or ``line L, column C`` in a multi-line query) of a 0-based offset."""
    line = query.count("\n", 0, offset) + 1
    column = offset - (query.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}" if "\n" in query else f"column {column}"


def position_of(query: str, word: str) -> str:
    """Where a word first stands in a query."""
    m = re.search(rf"(?<![\w*]){re.escape(word)}(?![\w*])", query)
    return position(query, m.start() if m else 0)


def parsed_query(key: str, query: str) -> Node:
    """A query's tree; a syntax error or a term that cannot be matched is a problem of
    ``key``, with the column."""
    from newswatch.rules.syntax import QuerySyntaxError, parse_query, terms_in

    try:
        tree = parse_query(query)
    except QuerySyntaxError as exc:
        raise At((key,), f"{position(query, exc.offset)}: {exc}") from None
    for term in sorted(terms_in(tree)):
        if problem := check_pattern(term):
            raise At((key,), f"{position_of(query, term)}: {problem}")
    return tree


def _alias(text: str) -> str:
    if problem := check_pattern(text):
        raise ValueError(problem)
    return text


Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
Alias = Annotated[Text, AfterValidator(_alias)]
GroupName = Annotated[
    str, matching(r"^[A-Z][A-Z0-9_]*$", "group names are upper-case letters, digits and '_' (e.g. CHINA)")
]
RuleId = Annotated[
    str, matching(r"^[a-z0-9][a-z0-9_-]*$", "rule ids are lower-case letters, digits, '-' and '_'")
]
Severity = Literal["high", "medium", "low"]


class GroupTable(BaseModel):
    """``[groups.NAME]``: a named list of aliases, which queries refer to by NAME."""

    model_config = ConfigDict(extra="forbid", strict=True)

    description: str = Field("", description="What the group stands for.")
    aliases: list[Alias] = Field(
        [],
        description="Names as they appear in text (case-insensitive, whole words; a trailing * is a prefix).",
    )
    include: list[Text] = Field([], description="Other groups whose aliases (and exclusions) this one takes.")
    exclude: list[Alias] = Field([], description="Names that contain an alias without meaning the group.")

    @model_validator(mode="after")
    def _has_aliases(self) -> Self:
        if not self.aliases and not self.include:
            raise At(("aliases",), "is required (or include other groups)")
        return self


class RuleTable(BaseModel):
    """``[[rules]]``: one rule, a query over groups and terms."""

    model_config = ConfigDict(extra="forbid", strict=True)

    id: RuleId = Field(description="Lower-case letters, digits, '-' and '_'; unique across files.")
    description: Text = Field(description="What the rule catches.")
    severity: Severity = Field(description="high, medium or low.")
    weight: float = Field(1.0, gt=0, description="Added to the article's score when the rule matches.")
    scope: Literal["sentence", "window", "paragraph", "document"] = Field(
        "document",
        description="Where the query's words must meet: one sentence, a window of `window` consecutive "
        "sentences of one paragraph, one paragraph, or anywhere.",
    )
    window: int | None = Field(
        None, ge=2, le=10, description=f"With scope window: sentences in a window (default {DEFAULT_WINDOW})."
    )
    query: str = Field(
        description='GROUP names and lower-case terms or "phrases", with AND, OR, NOT, NEAR/n, '
        "parentheses, SENTENCE(...), PARAGRAPH(...), title: and text:."
    )
    examples: list[Text] = Field([], description="Texts the rule must match (`newswatch rules check`).")
    counterexamples: list[Text] = Field([], description="Texts the rule must not match.")
    enabled: bool = Field(True, description="false keeps the rule but does not apply it.")
    _tree: Any = PrivateAttr(None)  # the parsed query

    @property
    def tree(self) -> Node:
        assert self._tree is not None
        return self._tree

    @model_validator(mode="after")
    def _parse(self) -> Self:

        if self.window is not None and self.scope != "window":
            raise At(("window",), 'is only for scope = "window"')
        self._tree = parsed_query("query", self.query)
        return self


class RuleSettings(BaseModel):
    """``[settings]``: for the whole ruleset (given in one file at most)."""

    model_config = ConfigDict(extra="forbid", strict=True)

    threshold: float = Field(1.0, gt=0, description="Score from which an article is flagged.")
    review: str | None = Field(
        None,
        description="A query (as in a rule): an article no rule flags where it holds is marked for "
        "review (severity review; never a Slack alert by default).",
    )
    review_scope: Literal["sentence", "window", "paragraph", "document"] = Field(
        "paragraph", description="Where the review query's words must meet."
    )
    _review_tree: Any = PrivateAttr(None)

    @property
    def review_tree(self) -> Node | None:
        return self._review_tree

    @model_validator(mode="after")
    def _parse_review(self) -> Self:
        if self.review is not None:
            self._review_tree = parsed_query("review", self.review)
        return self


class RulesFile(BaseModel):
    """A rule file: groups, rules and settings; the files of a folder form one ruleset."""

    model_config = ConfigDict(
        extra="forbid",
        strict=True,
        title="newswatch rules",
        json_schema_extra={"description": "A newswatch rule file (config/rules/*.toml)."},
    )

    language: Language | None = Field(
        None, description="ISO 639-1 code of the words in [aliases]: they are found in every inflected form."
    )
    aliases: dict[GroupName, list[Alias]] = Field(
        {},
        description="More aliases, in this file's language, of groups defined in any rule file "
        "(one file per language: config/rules/lang/xx.toml).",
    )
    groups: dict[GroupName, GroupTable] = Field({}, description="Named alias lists.")
    rules: list[RuleTable] = Field([], description="The rules.")
    settings: RuleSettings | None = Field(None, description="Settings of the whole ruleset.")

    @model_validator(mode="after")
    def _aliases_have_a_language(self) -> Self:
        if self.aliases and self.language is None:
            raise At(("language",), "is required with [aliases] (the language the aliases are written in)")
        return self


TABLES = {
    "groups": "tables [groups.NAME]",
    "rules": "an array of tables [[rules]]",
    "settings": "a table",
    "aliases": "a table of GROUP = [aliases]",
    "language": "a language code",
}


def entry_name(top: str, key: int | str, data: Any) -> str:
    """How a group, rule or the settings are named in a message."""
    if top == "groups":
        return f"group '{key}'"
    if top == "aliases":
        return f"aliases of '{key}'"
    if top == "rules":
        entry = data["rules"][key] if isinstance(key, int) else None
        given = entry.get("id") if isinstance(entry, dict) else None
        return f"rule '{given if isinstance(given, str) else f'#{int(key) + 1}'}'"
    return top


def entry_at_line(text: str, lineno: int) -> str | None:
    """The group or rule a line falls in, for TOML syntax errors."""
    current = None
    for i, line in enumerate(text.splitlines(), start=1):
        if i > lineno:
            break
        if m := re.match(r"\s*\[\s*groups\.([^\]\s]+)\s*\]", line):
            current = f"group '{m.group(1)}'"
        elif re.match(r"\s*\[\[\s*rules\s*\]\]", line):
            current = "rule at line " + str(i)
        elif (m := re.match(r"\s*id\s*=\s*[\"']([^\"']+)", line)) and current and current.startswith("rule"):
            current = f"rule '{m.group(1)}'"
    return current
