"""A rule file as a model: ``[groups.NAME]`` tables, ``[[rules]]`` entries and one
``[settings]`` table, their keys, types and checks (aliases and query terms that can be
matched, queries that parse, with the column of a syntax error). What spans files (group
references, ids used twice, include chains) is checked by :mod:`newswatch.rules.loader`;
``config/schemas/rules.schema.json`` is exported from here."""

from __future__ import annotations

import re
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any, Literal, Self, get_args

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    StringConstraints,
    model_validator,
)

from newswatch.config.problems import SLUG_ID, At, matching

if TYPE_CHECKING:
    from newswatch.rules.syntax import Node

MIN_WILDCARD_PREFIX = 3
_LETTER_OR_DIGIT = re.compile(r"[^\W_]")
SCOPES = ("sentence", "window", "paragraph", "document")
#: The languages a rule file's ``[aliases]`` may be written in (ISO 639-1): their words are
#: found in every inflected form (newswatch/rules/inflection.py).
Language = Literal[
    "en", "ru", "uk", "zh", "de", "fr", "es", "it", "pl", "ro", "bg", "ja", "ko", "ar", "tr",
    "nl", "pt", "sv", "cs", "lt", "da", "no", "sk", "id", "hi", "fi", "et", "hu", "el",
]  # fmt: skip
LANGUAGES: tuple[str, ...] = get_args(Language)
DEFAULT_WINDOW = 2


def check_pattern(text: str) -> str | None:
    """Why an alias or query term cannot be matched, or None."""
    from newswatch.rules.text import tokenize  # the rules package loads this module: imported late

    core = text.rstrip("*")
    if "*" in core:
        return f"{text!r}: '*' is allowed only at the end"
    if _LETTER_OR_DIGIT.search(core) is None:  # punctuation or marks alone (stricter than a token)
        return f"{text!r} has no letters or digits"
    if not text.endswith("*"):
        return None  # most aliases: a word, checked without tokenizing it
    if len(tokenize(core)[-1]) < MIN_WILDCARD_PREFIX and not re.search(r"[\u3400-\u9fff]", core):
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
RuleId = Annotated[str, SLUG_ID]
Severity = Literal["high", "medium", "low"]
#: What a reader sees: a rule's label, a group's English gloss (one line, kept short).
MAX_LABEL = 80
MAX_GLOSS = 40
_ONE_LINE = matching(r"^[^\n]*$", "a label or gloss is one line")
Label = Annotated[Text, StringConstraints(max_length=MAX_LABEL), _ONE_LINE]
Gloss = Annotated[Text, StringConstraints(max_length=MAX_GLOSS), _ONE_LINE]


class GroupTable(BaseModel):
    """``[groups.NAME]``: a named list of aliases, which queries refer to by NAME."""

    model_config = ConfigDict(extra="forbid", strict=True)

    description: str = Field("", description="What the group stands for.")
    gloss: Gloss | None = Field(
        None,
        description='A short English name of what its words mean (e.g. "sanctions"): a non-English '
        "alert glosses its matched words with it; words of a group without one are not glossed.",
    )
    aliases: list[Alias] = Field(
        [],
        description="Names as they appear in text (case-insensitive, whole words; a trailing * is a prefix).",
    )
    include: list[Text] = Field([], description="Other groups whose aliases (and exclusions) this one takes.")
    exclude: list[Alias] = Field([], description="Names that contain an alias without meaning the group.")


#: Groups the official lists fill (newswatch entities update): they may be defined empty.
LIST_GROUPS = frozenset({"DESIGNATED_CN", "DESIGNATED_RU"})

#: A designating body: ``US``, ``EU``, ``UK``, ``UN``, ``JP``, …
Body = Annotated[str, matching(r"^[A-Z]{2,5}$", "a designating body is upper-case letters (US, EU, UK)")]
EntityId = Annotated[
    str,
    matching(
        r"^[a-z0-9]+(-[a-z0-9]+)*$", "entity ids are lower-case letters and digits joined by '-' (a slug)"
    ),
]
WebUrl = Annotated[Text, matching(r"^https?://\S+$", "a source is an http(s) URL")]


def _day(text: str) -> str:
    """A date as precise as its source: ``2024-10-17``, ``2024-10`` or ``2024``."""
    parts = text.split("-")
    try:
        if len(parts) == 3:
            date.fromisoformat(text)
        elif len(parts) == 2:
            date.fromisoformat(text + "-01")
    except ValueError:
        raise ValueError(f"{text!r} is not a date") from None
    return text


Day = Annotated[
    str,
    matching(
        r"^\d{4}(-\d{2}(-\d{2})?)?$", "a date is YYYY-MM-DD (or YYYY-MM, YYYY when the source gives no more)"
    ),
    AfterValidator(_day),
]


class DesignationTable(BaseModel):
    """One government action naming an entity: ``{ by = "US", action = "OFAC SDN", date = "2024-10-17" }``."""

    model_config = ConfigDict(extra="forbid", strict=True)

    by: Body = Field(description="Who designated it: US, EU, UK, …")
    action: Text = Field(description='The action as reported, e.g. "OFAC SDN (E.O. 14024)", "15th package".')
    kind: Literal["sanctions", "export controls"] = Field(
        "sanctions", description="sanctions (asset freeze, SDN) or export controls (e.g. the US Entity List)."
    )
    date: Day | None = Field(
        None,
        description="YYYY-MM-DD, or YYYY-MM / YYYY when the source gives no more; left out when unknown.",
    )
    note: Text | None = Field(None, description='How precise the date is, e.g. "approx.; page undated".')


class EntityTable(BaseModel):
    """``[[entities]]``: one named supplier, with a stable id. Its aliases join its group, so
    rules match it by the group's name; alerts show its facts."""

    model_config = ConfigDict(extra="forbid", strict=True)

    id: EntityId = Field(description="Stable id (a lower-case slug); never changed, never reused.")
    name: Text = Field(description="The legal name as reported.")
    group: GroupName = Field(description="The group its aliases join (e.g. CN_SUPPLIERS).")
    supplied: Text = Field(description='What it supplied, a short English phrase (e.g. "drone engines").')
    aliases: list[Alias] = Field(
        min_length=1,
        description="Names as they appear in text (as a group's aliases); each alias is one entity's.",
    )
    designations: list[DesignationTable] = Field(
        [], description="Government actions naming it, as its sources state them; empty when none."
    )
    sources: list[WebUrl] = Field(min_length=1, description="The pages that show what is stated here.")


class RuleTable(BaseModel):
    """``[[rules]]``: one rule, a query over groups and terms."""

    model_config = ConfigDict(extra="forbid", strict=True)

    id: RuleId = Field(description="Lower-case letters, digits, '-' and '_'; unique across files.")
    description: Text = Field(description="What the rule catches.")
    label: Label | None = Field(
        None,
        description='A short plain-language name (e.g. "Sanctions on Chinese suppliers"), shown to '
        "readers of the alerts and the digest instead of the id; the description when absent.",
    )
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
        "BEFORE/n, parentheses, SENTENCE(...), PARAGRAPH(...), title: and text:."
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
    review_other_languages: str | None = Field(
        None,
        description="The review query for an article in a language no rule file covers, whose "
        "country names (China, Russia, Ukraine in CLDR) join the groups CHINA, RUSSIA and WAR; "
        "read within review_scope.",
    )
    _review_tree: Any = PrivateAttr(None)
    _review_other_tree: Any = PrivateAttr(None)

    @property
    def review_tree(self) -> Node | None:
        return self._review_tree

    @property
    def review_other_tree(self) -> Node | None:
        return self._review_other_tree

    @model_validator(mode="after")
    def _parse_review(self) -> Self:
        if self.review is not None:
            self._review_tree = parsed_query("review", self.review)
        if self.review_other_languages is not None:
            self._review_other_tree = parsed_query("review_other_languages", self.review_other_languages)
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
    entities: list[EntityTable] = Field(
        [], description="Named entities (the gazetteer): each one's aliases join its group."
    )
    rules: list[RuleTable] = Field([], description="The rules.")
    settings: RuleSettings | None = Field(None, description="Settings of the whole ruleset.")

    @model_validator(mode="after")
    def _aliases_have_a_language(self) -> Self:
        if self.aliases and self.language is None:
            raise At(("language",), "is required with [aliases] (the language the aliases are written in)")
        named = {entity.group for entity in self.entities}
        for name, group in self.groups.items():  # a gazetteer's group takes its entities' aliases
            if not group.aliases and not group.include and name not in named and name not in LIST_GROUPS:
                problem = "is required (or include other groups, or name it in entities)"
                raise At(("groups", name, "aliases"), problem)
        return self


TABLES = {
    "groups": "tables [groups.NAME]",
    "entities": "an array of tables [[entities]]",
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
    if top == "entities":
        found = data["entities"][key] if isinstance(key, int) else None
        given = found.get("id") if isinstance(found, dict) else None
        if isinstance(given, str):
            return f"entity '{given}'"
        name = found.get("name") if isinstance(found, dict) else None
        return f"entity #{int(key) + 1}" + (f" ({name!r})" if isinstance(name, str) else "")
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
        elif re.match(r"\s*\[\[\s*entities\s*\]\]", line):
            current = "entity at line " + str(i)
        elif (m := re.match(r"\s*id\s*=\s*[\"']([^\"']+)", line)) and current and current.startswith("rule"):
            current = f"rule '{m.group(1)}'"
        elif (m := re.match(r"\s*id\s*=\s*[\"']([^\"']+)", line)) and current and current[:6] == "entity":
            current = f"entity '{m.group(1)}'"
    return current
