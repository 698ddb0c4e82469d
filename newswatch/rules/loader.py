"""Rule files: ``config/rules/*.toml`` (or ``NEWSWATCH_RULES``), loaded and validated.

A file may hold ``[groups.NAME]`` tables, ``[[rules]]`` entries and one ``[settings]``
table; groups and rules from every file form one ruleset. Every problem is one line naming
the file, the rule or group, the key and, in a query, the column.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import stat
import tomllib
from pathlib import Path
from typing import Any

from newswatch.errors import ConfigError
from newswatch.outlets import config_stat, file_kind, read_config_file
from newswatch.rules.engine import MAX_MATCH_CHARS, MAX_MATCHES, SEVERITY_RANK, Matcher, Rule
from newswatch.rules.syntax import MAX_DEPTH, QuerySyntaxError, groups_in, parse_query, terms_in
from newswatch.rules.text import tokenize

GROUP_KEYS = frozenset({"description", "aliases", "include", "exclude"})
RULE_KEYS = frozenset(
    {"id", "description", "severity", "weight", "scope", "query", "examples", "counterexamples", "enabled"}
)
SETTINGS_KEYS = frozenset({"threshold"})
SCOPES = ("sentence", "paragraph", "document")
_GROUP_NAME = re.compile(r"^[A-Z][A-Z0-9_]*$")
_RULE_ID = re.compile(r"^[a-z0-9][a-z0-9_-]*$")
MIN_WILDCARD_PREFIX = 3
#: The rule files of one folder together (each one at most outlets.MAX_CONFIG_BYTES).
MAX_RULES_BYTES = 20 * 1024 * 1024


class RuleConfigError(ConfigError):
    """A rule file is invalid; the message is one line naming file, entry, key and position."""


class _Where:
    def __init__(self, path: Path, kind: str, name: str):
        self.path, self.kind, self.name = path, kind, name

    def fail(self, key: str | None, problem: str) -> RuleConfigError:
        where = f"{self.path}: {self.kind} '{self.name}'"
        return RuleConfigError(f"{where}: key '{key}': {problem}" if key else f"{where}: {problem}")


def _unknown_keys(where: _Where, table: dict[str, Any], known: frozenset[str]) -> None:
    for key in sorted(set(table) - known):
        hint = difflib.get_close_matches(key, known, n=1)
        raise where.fail(key, "unknown key" + (f" (did you mean '{hint[0]}'?)" if hint else ""))


def _strings(where: _Where, table: dict[str, Any], key: str, required: bool = False) -> list[str]:
    value = table.get(key, [] if not required else None)
    if value is None:
        raise where.fail(key, "is required")
    if not isinstance(value, list):
        raise where.fail(key, f"must be a list of strings, got {type(value).__name__}")
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise where.fail(f"{key}[{i}]", f"must be a non-empty string, got {item!r}")
    return [v.strip() for v in value]


def check_pattern(text: str) -> str | None:
    """Why an alias or query term cannot be matched, or None."""
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


def _group(path: Path, name: str, table: Any) -> tuple[list[str], list[str], list[str]]:
    where = _Where(path, "group", name)
    if not _GROUP_NAME.match(name):
        raise where.fail(None, "group names are upper-case letters, digits and '_' (e.g. CHINA)")
    if not isinstance(table, dict):
        raise where.fail(None, "must be a table")
    _unknown_keys(where, table, GROUP_KEYS)
    aliases = _strings(where, table, "aliases")
    include = _strings(where, table, "include")
    exclude = _strings(where, table, "exclude")
    if not aliases and not include:
        raise where.fail("aliases", "is required (or include other groups)")
    for key, values in (("aliases", aliases), ("exclude", exclude)):
        for i, alias in enumerate(values):
            if problem := check_pattern(alias):
                raise where.fail(f"{key}[{i}]", problem)
    if "description" in table and not isinstance(table["description"], str):
        raise where.fail("description", "must be a string")
    return aliases, include, exclude


def _position(query: str, offset: int) -> str:
    """``column C`` (or ``line L, column C`` in a multi-line query) of a 0-based offset."""
    line = query.count("\n", 0, offset) + 1
    column = offset - (query.rfind("\n", 0, offset) + 1) + 1
    return f"line {line}, column {column}" if "\n" in query else f"column {column}"


def _position_of(query: str, word: str) -> str:
    m = re.search(rf"(?<![\w*]){re.escape(word)}(?![\w*])", query)
    return _position(query, m.start() if m else 0)


def _rule(path: Path, index: int, table: Any, groups: set[str]) -> tuple[Rule, bool]:
    raw_id = table.get("id") if isinstance(table, dict) else None
    name: str = raw_id if isinstance(raw_id, str) else f"#{index + 1}"
    where = _Where(path, "rule", name)
    if not isinstance(table, dict):
        raise where.fail(None, "must be a table")
    _unknown_keys(where, table, RULE_KEYS)
    if "id" not in table:
        raise where.fail("id", "is required")
    if not _RULE_ID.match(name):
        raise where.fail("id", "rule ids are lower-case letters, digits, '-' and '_'")
    description = table.get("description", "")
    if not isinstance(description, str) or not description.strip():
        raise where.fail("description", "is required (say what the rule catches)")
    severity = table.get("severity")
    if severity not in SEVERITY_RANK:
        raise where.fail("severity", f"must be one of high, medium, low; got {severity!r}")
    weight = table.get("weight", 1.0)
    if isinstance(weight, bool) or not isinstance(weight, (int, float)) or weight <= 0:
        raise where.fail("weight", f"must be a positive number, got {weight!r}")
    scope = table.get("scope", "document")
    if scope not in SCOPES:
        raise where.fail("scope", f"must be one of {', '.join(SCOPES)}; got {scope!r}")
    query = table.get("query")
    if not isinstance(query, str):
        raise where.fail("query", "is required (a string)")
    try:
        tree = parse_query(query)
    except QuerySyntaxError as exc:
        raise where.fail("query", f"{_position(query, exc.offset)}: {exc}") from None
    for group in sorted(groups_in(tree)):
        if group not in groups:
            hint = difflib.get_close_matches(group, groups, n=1)
            suffix = f" (did you mean {hint[0]}?)" if hint else " (write terms in lower case or quote them)"
            raise where.fail("query", f"{_position_of(query, group)}: unknown group '{group}'{suffix}")
    for term in sorted(terms_in(tree)):
        if problem := check_pattern(term):
            raise where.fail("query", f"{_position_of(query, term)}: {problem}")
    enabled = table.get("enabled", True)
    if not isinstance(enabled, bool):
        raise where.fail("enabled", "must be true or false")
    rule = Rule(
        id=name,
        description=description.strip(),
        severity=severity,
        weight=float(weight),
        scope=scope,
        query=query,
        tree=tree,
        examples=tuple(_strings(where, table, "examples")),
        counterexamples=tuple(_strings(where, table, "counterexamples")),
    )
    return rule, enabled


def _entry_at_line(text: str, lineno: int) -> str | None:
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


def _read(path: Path) -> tuple[dict[str, Any], bytes]:
    """A rule file's tables, and its bytes (for the ruleset's fingerprint)."""
    raw = read_config_file(path, "rule file", RuleConfigError)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        entry = _entry_at_line(raw.decode("utf-8", "replace"), line)
        raise RuleConfigError(
            f"{path}: {entry + ': ' if entry else ''}line {line}: not UTF-8 (byte 0x{raw[exc.start]:02x}); "
            "save the file as UTF-8"
        ) from None
    try:
        return tomllib.loads(text), raw
    except RecursionError:  # tomllib reads nested arrays and tables recursively
        raise RuleConfigError(f"{path}: invalid TOML: arrays or tables nested too deeply") from None
    except tomllib.TOMLDecodeError as exc:
        m = re.search(r"line (\d+)", str(exc))
        entry = _entry_at_line(text, int(m.group(1))) if m else None
        raise RuleConfigError(f"{path}: {entry + ': ' if entry else ''}invalid TOML: {exc}") from None


def rule_files(location: str | Path) -> list[Path]:
    """The rule files at ``location``: a folder's ``*.toml``, or one regular file."""
    path = Path(location)
    mode = config_stat(path, "rules folder", RuleConfigError, " (set NEWSWATCH_RULES)").st_mode
    if stat.S_ISREG(mode):
        return [path]
    if not stat.S_ISDIR(mode):
        raise RuleConfigError(
            f"{path}: cannot read rules folder: not a folder or a regular file ({file_kind(mode)})"
        )
    files = sorted(path.glob("*.toml"))
    if not files:
        raise RuleConfigError(f"{path}: no rule files (*.toml)")
    total = sum(config_stat(file, "rule file", RuleConfigError).st_size for file in files)
    if total > MAX_RULES_BYTES:
        raise RuleConfigError(
            f"{path}: cannot read rules folder: its rule files hold more than "
            f"{MAX_RULES_BYTES // 2**20} MB together ({total} bytes)"
        )
    return files


def load_ruleset(
    location: str | Path, max_chars: int = MAX_MATCH_CHARS, max_matches: int = MAX_MATCHES
) -> Matcher:
    """Every rule file in a folder (or one file) as one compiled, validated ruleset, which
    matches at most ``max_chars`` characters and ``max_matches`` term matches of an article."""
    raw_groups: dict[str, tuple[Path, list[str], list[str]]] = {}
    excludes: dict[str, list[str]] = {}
    digest = hashlib.sha256()
    raw_rules: list[tuple[Path, int, Any]] = []
    threshold, threshold_from = 1.0, None
    for path in rule_files(location):
        data, raw = _read(path)
        digest.update(path.name.encode() + b"\0" + raw)
        for top in data:
            if top not in {"groups", "rules", "settings"}:
                raise RuleConfigError(
                    f"{path}: unknown top-level key '{top}' (expected groups, rules, settings)"
                )
        groups = data.get("groups", {})
        if not isinstance(groups, dict):
            raise RuleConfigError(f"{path}: 'groups' must be tables [groups.NAME]")
        for name, table in groups.items():
            if name in raw_groups:
                raise RuleConfigError(f"{path}: group '{name}': already defined in {raw_groups[name][0]}")
            aliases, include, exclude = _group(path, name, table)
            raw_groups[name] = (path, aliases, include)
            excludes[name] = exclude
        entries = data.get("rules", [])
        if not isinstance(entries, list):
            raise RuleConfigError(f"{path}: 'rules' must be an array of tables [[rules]]")
        raw_rules.extend((path, i, table) for i, table in enumerate(entries))
        if "settings" in data:
            settings = data["settings"]
            where = _Where(path, "settings", "settings")
            if not isinstance(settings, dict):
                raise RuleConfigError(f"{path}: 'settings' must be a table")
            if threshold_from is not None:
                raise RuleConfigError(f"{path}: settings already given in {threshold_from}")
            _unknown_keys(where, settings, SETTINGS_KEYS)
            value = settings.get("threshold", 1.0)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or value <= 0:
                raise RuleConfigError(f"{path}: settings: key 'threshold': must be a positive number")
            threshold, threshold_from = float(value), path
    groups = _resolve_groups(raw_groups)
    rules: list[Rule] = []
    ids: dict[str, Path] = {}
    for path, index, table in raw_rules:
        rule, enabled = _rule(path, index, table, set(groups))
        if rule.id in ids:
            raise RuleConfigError(f"{path}: rule '{rule.id}': id already used in {ids[rule.id]}")
        ids[rule.id] = path
        if enabled:
            rules.append(rule)
    if not rules:
        raise RuleConfigError(f"{location}: no enabled rules")
    # a group inherits the exclusions of the groups it includes
    resolved_excludes = {
        name: list(
            dict.fromkeys(
                excludes[name] + [x for other in raw_groups[name][2] for x in excludes.get(other, [])]
            )
        )
        for name in groups
    }
    excluded = {k: v for k, v in resolved_excludes.items() if v}
    matcher = Matcher(groups, rules, threshold, excluded, max_chars, max_matches)
    matcher.fingerprint = digest.hexdigest()[:12]
    return matcher


def _resolve_groups(raw: dict[str, tuple[Path, list[str], list[str]]]) -> dict[str, list[str]]:
    resolved: dict[str, list[str]] = {}
    levels: dict[str, int] = {}  # 1 + the deepest chain of includes below a group

    def resolve(name: str, stack: tuple[str, ...]) -> list[str]:
        if name in resolved:
            return resolved[name]
        path, aliases, include = raw[name]
        out, level = list(aliases), 1
        for i, other in enumerate(include):
            if other not in raw:
                raise RuleConfigError(f"{path}: group '{name}': key 'include[{i}]': unknown group '{other}'")
            if other in stack:
                cycle = " → ".join((*stack, other))
                raise RuleConfigError(
                    f"{path}: group '{name}': key 'include[{i}]': groups include each other ({cycle})"
                )
            if len(stack) >= MAX_DEPTH or levels.get(other, 0) >= MAX_DEPTH:  # bounds the recursion
                raise RuleConfigError(
                    f"{path}: group '{name}': key 'include[{i}]': includes nested too deeply "
                    f"(more than {MAX_DEPTH} levels)"
                )
            out.extend(resolve(other, (*stack, other)))
            level = max(level, levels[other] + 1)
        resolved[name], levels[name] = list(dict.fromkeys(out)), level
        return resolved[name]

    for name in raw:
        resolve(name, (name,))
    return resolved


def check_examples(matcher: Matcher) -> list[str]:
    """Rules whose own examples do not match, or whose counterexamples do (one line each)."""
    problems = []
    for rule in matcher.rules:
        for example in rule.examples:
            if rule.id not in matcher.classify("", example).rules:
                problems.append(f"rule '{rule.id}': example does not match: {example[:120]!r}")
        for example in rule.counterexamples:
            if rule.id in matcher.classify("", example).rules:
                problems.append(f"rule '{rule.id}': counterexample matches: {example[:120]!r}")
    return problems
