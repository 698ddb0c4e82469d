"""Rule files: ``config/rules/*.toml`` (or ``NEWSWATCH_RULES``), loaded and validated.

A file may hold ``[groups.NAME]`` tables, ``[[rules]]`` entries and one ``[settings]``
table; groups and rules from every file form one ruleset. A file with a ``language`` may
add ``[aliases]`` to groups defined in any file (``config/rules/lang/xx.toml``: one file per
language); their words are found in every inflected form. Every problem is one line naming
the file, the rule or group, the key and, in a query, the column.

A process compiles a ruleset once: :func:`load_ruleset` keeps the last few it compiled, each
under its arguments and the paths and bytes of the rule files it read, so the crawl's check,
its classify pipeline and a service's crawls share one, and a file edited, added or removed
since is read again.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

from newswatch.config.files import read_config_file, read_toml, toml_folder
from newswatch.config.problems import FileLayout, validate
from newswatch.config.rules import (
    DEFAULT_WINDOW,
    MIN_WILDCARD_PREFIX,
    SCOPES,
    TABLES,
    EntityTable,
    RuleSettings,
    RulesFile,
    RuleTable,
    check_pattern,
    entry_at_line,
    entry_name,
    position_of,
)
from newswatch.errors import ConfigError
from newswatch.rules.engine import MAX_MATCH_CHARS, MAX_MATCHES, Matcher, Rule
from newswatch.rules.gazetteer import PLACE_GROUPS, Designation, Entity, Gazetteer
from newswatch.rules.syntax import MAX_DEPTH, groups_in
from newswatch.rules.text import build_doc, tokenize
from newswatch.sanctions.model import Listing

#: The rule files of one folder together (each one at most config.files.MAX_CONFIG_BYTES).
MAX_RULES_BYTES = 20 * 1024 * 1024
#: Compiled rulesets a process keeps (a crawl needs one; rules check, backtest a second).
KEEP_RULESETS = 4


class RuleConfigError(ConfigError):
    """A rule file is invalid; the message is one line naming file, entry, key and position."""


def _read(path: Path) -> tuple[RulesFile, bytes]:
    """A rule file, validated on its own, and its bytes (for the ruleset's fingerprint)."""
    data, raw = read_toml(path, "rule file", RuleConfigError, entry_at_line)
    layout = FileLayout(path, data, entry_name, TABLES, single=frozenset({"settings"}))
    return validate(RulesFile, data, layout, RuleConfigError), raw


def _rule(path: Path, table: RuleTable, groups: dict[str, list[str]]) -> Rule:
    """The runtime rule of a validated entry whose groups are all defined."""
    for group in sorted(groups_in(table.tree)):
        if group not in groups:
            hint = difflib.get_close_matches(group, groups, n=1)
            suffix = f" (did you mean {hint[0]}?)" if hint else " (write terms in lower case or quote them)"
            raise RuleConfigError(
                f"{path}: rule '{table.id}': key 'query': {position_of(table.query, group)}: "
                f"unknown group '{group}'{suffix}"
            )
    return Rule(
        id=table.id,
        description=table.description,
        severity=table.severity,
        weight=table.weight,
        scope=table.scope,
        query=table.query,
        tree=table.tree,
        examples=tuple(table.examples),
        counterexamples=tuple(table.counterexamples),
        window=(table.window or DEFAULT_WINDOW) if table.scope == "window" else 0,
    )


def _unknown_group(path: Path, where: str, group: str, groups: Mapping[str, object]) -> RuleConfigError:
    hint = difflib.get_close_matches(group, groups, n=1)
    return RuleConfigError(
        f"{path}: {where}: unknown group '{group}'" + (f" (did you mean {hint[0]}?)" if hint else "")
    )


def rule_files(location: str | Path) -> list[Path]:
    """The rule files at ``location``: a folder's ``*.toml`` (its ``lang/`` folder's too), or
    one regular file."""
    return toml_folder(
        location, "rules folder", "rule files", RuleConfigError, MAX_RULES_BYTES, " (set NEWSWATCH_RULES)"
    )


def contents_key(files: Iterable[tuple[Path, bytes]]) -> str:
    """What tells files as read from others: a digest of each one's path and bytes."""
    digest = hashlib.sha256()
    for path, raw in files:
        digest.update(os.fsencode(path) + b"\0" + hashlib.sha256(raw).digest())
    return digest.hexdigest()


def current_key(paths: Iterable[Path], what: str, error: type[ConfigError]) -> str | None:
    """The :func:`contents_key` of files as they are now; None when one cannot be read (the
    load then reads them in its own order and says why)."""
    try:
        return contents_key((path, read_config_file(path, what, error)) for path in paths)
    except error:
        return None


_rulesets: dict[tuple[object, ...], Matcher] = {}  # arguments and files' contents → compiled ruleset


def load_ruleset(
    location: str | Path,
    max_chars: int = MAX_MATCH_CHARS,
    max_matches: int = MAX_MATCHES,
    listed: Sequence[Listing] = (),
) -> Matcher:
    """Every rule file in a folder (or one file) as one compiled, validated ruleset, which
    matches at most ``max_chars`` characters and ``max_matches`` term matches of an article;
    with the official lists' entries (``listed``) merged into its entities (docs/entities.md).

    The same arguments and unchanged files give the ruleset compiled before in this process
    (the same object); an invalid file raises every time, as it did the first."""
    files = rule_files(location)
    # the archive's organisations come as one tuple that keeps its hash (Listings.organisations)
    entries = listed if isinstance(listed, tuple) else tuple(listed)
    arguments = (str(location), max_chars, max_matches, entries)
    now = current_key(files, "rule file", RuleConfigError)
    matcher = _rulesets.get((*arguments, now)) if now is not None else None
    if matcher is None:
        matcher, read = _compile(location, files, max_chars, max_matches, listed)
        _rulesets[(*arguments, read)] = matcher  # under the bytes it was compiled from
        while len(_rulesets) > KEEP_RULESETS:  # the oldest goes
            del _rulesets[next(iter(_rulesets))]
    return matcher


def _compile(
    location: str | Path, files: list[Path], max_chars: int, max_matches: int, listed: Sequence[Listing]
) -> tuple[Matcher, str]:
    """The ruleset of ``files`` (the rule files at ``location``), read, checked and compiled,
    and the :func:`contents_key` of what it read."""
    raw_groups: dict[str, tuple[Path, list[str], list[str]]] = {}
    excludes: dict[str, list[str]] = {}
    digest = hashlib.sha256()
    entries: list[tuple[Path, RuleTable]] = []
    lexicon: list[tuple[Path, str, str, list[str]]] = []  # (file, language, group, aliases)
    threshold, threshold_from = 1.0, None
    review: Rule | None = None
    review_other: Rule | None = None
    tables: list[tuple[Path, EntityTable]] = []
    read: list[tuple[Path, bytes]] = []
    for path in files:
        file, raw = _read(path)
        read.append((path, raw))
        digest.update(path.name.encode() + b"\0" + raw)
        for name, group in file.groups.items():
            if name in raw_groups:
                raise RuleConfigError(f"{path}: group '{name}': already defined in {raw_groups[name][0]}")
            raw_groups[name] = (path, list(group.aliases), group.include)
            excludes[name] = group.exclude
        tables.extend((path, table) for table in file.entities)
        entries.extend((path, table) for table in file.rules)
        if file.language is not None:
            lexicon.extend((path, file.language, name, aliases) for name, aliases in file.aliases.items())
        if file.settings is not None:
            if threshold_from is not None:
                raise RuleConfigError(f"{path}: settings already given in {threshold_from}")
            threshold, threshold_from = file.settings.threshold, path
            review = _review(path, file.settings)
            review_other = _review(path, file.settings, other_languages=True)
    entities = _with_lists(_entities(tables, raw_groups), listed, raw_groups)
    languages: dict[str, list[tuple[str, str]]] = {}  # group → (language, alias), its own
    for path, language, name, aliases in lexicon:
        if name not in raw_groups:
            raise _unknown_group(path, f"aliases: key '{name}'", name, {k: [] for k in raw_groups})
        languages.setdefault(name, []).extend((language, alias) for alias in aliases)
    groups = _resolve_groups(raw_groups)  # the aliases of groups.toml & co., for every language
    rules: list[Rule] = []
    ids: dict[str, Path] = {}
    for path, table in entries:
        if table.id in ids:
            raise RuleConfigError(f"{path}: rule '{table.id}': id already used in {ids[table.id]}")
        ids[table.id] = path
        rule = _rule(path, table, groups)
        if table.enabled:
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
    for key, query in (("review", review), ("review_other_languages", review_other)):
        if query is not None:
            for missing in sorted(groups_in(query.tree) - groups.keys()):
                where = threshold_from or Path(location)
                raise _unknown_group(where, f"settings: key '{key}'", missing, groups)
    inflected = {
        name: list(
            dict.fromkeys(
                pair for member in (name, *_included(name, raw_groups)) for pair in languages.get(member, [])
            )
        )
        for name in groups
    }
    matcher = Matcher(
        groups,
        rules,
        threshold,
        excluded,
        max_chars,
        max_matches,
        review=review,
        inflected={k: v for k, v in inflected.items() if v},
        review_other=review_other,
    )
    matcher.fingerprint = digest.hexdigest()[:12]
    matcher.gazetteer = Gazetteer(entities, excludes, max_chars, max_matches, _places(groups, inflected))
    return matcher, contents_key(read)


def load_gazetteer(
    location: str | Path, max_chars: int = MAX_MATCH_CHARS, listed: Sequence[Listing] = ()
) -> Gazetteer:
    """The entities of the rule files at ``location`` (every file validated, the entities
    checked as :func:`load_ruleset` checks them), with the official lists' entries
    (``listed``) merged in, without compiling the rules."""
    raw_groups: dict[str, tuple[Path, list[str], list[str]]] = {}
    excludes: dict[str, list[str]] = {}
    tables: list[tuple[Path, EntityTable]] = []
    inflected: dict[str, list[tuple[str, str]]] = {}
    for path in rule_files(location):
        file, _ = _read(path)
        for name, group in file.groups.items():
            raw_groups.setdefault(name, (path, list(group.aliases), group.include))
            excludes.setdefault(name, group.exclude)
        tables.extend((path, table) for table in file.entities)
        if file.language is not None:
            for name, words in file.aliases.items():
                inflected.setdefault(name, []).extend((file.language, word) for word in words)
    entities = _with_lists(_entities(tables, raw_groups), listed, raw_groups)
    included = {
        name: [p for m in (name, *_included(name, raw_groups)) for p in inflected.get(m, [])]
        for name in PLACE_GROUPS.values()
        if name in raw_groups
    }
    return Gazetteer(
        entities, excludes, max_chars, MAX_MATCHES, _places(_resolve_groups(raw_groups), included)
    )


def _places(
    groups: Mapping[str, list[str]], inflected: Mapping[str, list[tuple[str, str]]]
) -> dict[str, list[str]]:
    """The words naming China and Russia (rules/gazetteer.py): their groups' aliases (included
    groups' too) and their language files' words as written, not in every language's
    inflections (read without a language, Turkish forms of "Putin" would make English "put"
    Russia); a Cyrillic word of five letters or more stands for its forms by its stem
    ("Китай" → "Кита*")."""
    return {
        code: list(dict.fromkeys([*groups[group], *(_stem(w) for _, w in inflected.get(group, []))]))
        for code, group in PLACE_GROUPS.items()
        if group in groups
    }


def _stem(word: str) -> str:
    if len(word) >= 5 and not word.endswith("*") and re.fullmatch(r"[\u0400-\u04ff]+", word):
        return word[:-1] + "*"
    return word


def _with_lists(
    entities: list[Entity],
    listed: Sequence[Listing],
    raw_groups: dict[str, tuple[Path, list[str], list[str]]],
) -> list[Entity]:
    """The gazetteer's entities with the official lists' merged in (merge.merged), each one's
    strong names joined to its group: a list-only entity's to DESIGNATED_CN or DESIGNATED_RU
    when the rule files define it, a designated Chinese or Hong Kong gazetteer entity's to
    DESIGNATED_CN too."""
    from newswatch.sanctions.merge import GROUP_CN, merged  # the lists' module reads the rules'

    if listed:
        entities = list(merged(entities, listed))
    for entity in entities:  # an entity's aliases join its group, after the group's own
        if entity.group in raw_groups:
            raw_groups[entity.group][1].extend(entity.aliases)
        if entity.designated and entity.chinese and entity.group != GROUP_CN and GROUP_CN in raw_groups:
            raw_groups[GROUP_CN][1].extend(entity.aliases)
    return entities


@dataclass(frozen=True)
class Wording:
    """What readers of alerts and digests see instead of the rule files' names, and which
    group's word a matched word is (for its gloss)."""

    labels: dict[str, str]  # rule id → its label, else its description
    glosses: dict[str, str]  # group → a short English name of what its words mean
    # group → its own aliases (an entity's join its group), in the order the groups are defined
    aliases: dict[str, list[str]] = field(default_factory=dict)
    # group → its own aliases of the language files: (language, alias)
    inflected: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    includes: dict[str, list[str]] = field(default_factory=dict)  # group → the groups it includes

    def label(self, rule_id: str) -> str:
        """A rule's plain-language name; the id itself when the rule files no longer have it."""
        return self.labels.get(rule_id, rule_id)

    @cached_property
    def _lexicon(self) -> Matcher:
        """The groups' own aliases, each group apart (no ``include``), as the engine finds them."""
        return Matcher(self.aliases, [], inflected=self.inflected)

    def _within(self, group: str) -> list[str]:
        """Every group ``group`` includes, directly or not."""
        out: list[str] = []
        stack = list(self.includes.get(group, ()))
        while stack:
            other = stack.pop()
            if other not in out and other != group:
                out.append(other)
                stack.extend(self.includes.get(other, ()))
        return out

    def own_groups(self, word: str, language: str | None) -> list[str]:
        """The groups of which ``word`` (a matched word, as written) is, as a whole, an alias
        of their own, as the engine matches it (inflected forms, scripts, case)."""
        doc = build_doc("", word)
        end = len(doc.norm.rstrip())
        found = self._lexicon.scan(doc, language)
        return [term[1:] for (term, start), stop in found.items() if start == doc.text_start and stop >= end]

    def group_of(self, word: str, reported: list[str], language: str | None) -> str | None:
        """The group whose word ``word`` is, of the groups it was ``reported`` under (a rule's
        group reports the words of the groups it includes as its own) and those they include:
        the most specific group that has it as an alias of its own (a group before those that
        include it: "Гонконга" is HONG_KONG's, not CHINA's); of unrelated ones, the one defined
        first in the rule files. When no group has it as its own alias, the most specific of
        ``reported`` (the first reported for a group the rule files no longer have)."""
        order = {name: i for i, name in enumerate(self.aliases)}
        candidates = list(dict.fromkeys([*reported, *(g for r in reported for g in self._within(r))]))
        own = set(self.own_groups(word, language)) if any(g in order for g in candidates) else set()
        pool = [g for g in candidates if g in own] or [g for g in reported if g in order]
        specific = [g for g in pool if not any(other in self._within(g) for other in pool)]
        if not specific:
            return reported[0] if reported else None
        return min(specific, key=order.__getitem__)


def load_wording(location: str | Path) -> Wording:
    """The rules' labels, the groups' glosses and their own aliases at ``location`` (every
    file validated, as :func:`load_ruleset` validates it on its own), without compiling the
    rules."""
    labels: dict[str, str] = {}
    glosses: dict[str, str] = {}
    aliases: dict[str, list[str]] = {}
    includes: dict[str, list[str]] = {}
    inflected: dict[str, list[tuple[str, str]]] = {}
    tables: list[EntityTable] = []
    for path in rule_files(location):
        file, _ = _read(path)
        for table in file.rules:
            labels.setdefault(table.id, table.label or table.description)
        for name, group in file.groups.items():
            if group.gloss:
                glosses.setdefault(name, group.gloss)
            aliases.setdefault(name, list(group.aliases))
            includes.setdefault(name, list(group.include))
        tables.extend(file.entities)
        if file.language is not None:
            for name, words in file.aliases.items():
                inflected.setdefault(name, []).extend((file.language, word) for word in words)
    for entity in tables:  # an entity's aliases join its group
        aliases.get(entity.group, []).extend(entity.aliases)
    known = {name: pairs for name, pairs in inflected.items() if name in aliases}
    return Wording(labels, glosses, aliases, known, includes)


def _alias_key(alias: str) -> tuple[str, ...]:
    """An alias as the engine reads it: words normalised (case, script, punctuation)."""
    return (*tokenize(alias.rstrip("*")), "*" if alias.endswith("*") else "")


def _entities(
    tables: list[tuple[Path, EntityTable]], groups: dict[str, tuple[Path, list[str], list[str]]]
) -> list[Entity]:
    """The validated entity tables as entities: each id used once, each alias (as the engine
    reads it) one entity's, each group defined."""
    ids: dict[str, Path] = {}
    owners: dict[tuple[str, ...], tuple[str, str, Path]] = {}  # alias key → (entity, alias, file)
    out = []
    for path, table in tables:
        where = f"{path}: entity '{table.id}'"
        if table.id in ids:
            raise RuleConfigError(f"{where}: key 'id': already used in {ids[table.id]}")
        ids[table.id] = path
        if table.group not in groups:
            raise _unknown_group(path, f"entity '{table.id}': key 'group'", table.group, groups)
        for i, alias in enumerate(table.aliases):
            key = _alias_key(alias)
            owner = owners.setdefault(key, (table.id, alias, path))
            if owner[0] != table.id:
                raise RuleConfigError(
                    f"{where}: key 'aliases[{i}]': {alias!r} is already an alias of entity "
                    f"'{owner[0]}' ({owner[1]!r} in {owner[2]})"
                )
        designations = tuple(Designation(d.by, d.action, d.kind, d.date, d.note) for d in table.designations)
        out.append(
            Entity(
                table.id,
                table.name,
                table.group,
                table.supplied,
                tuple(table.aliases),
                designations,
                tuple(table.sources),
            )
        )
    return out


def _review(path: Path, settings: RuleSettings, other_languages: bool = False) -> Rule | None:
    """The review query of ``[settings]`` as a rule, or with ``other_languages`` the query for
    languages no rule file covers (its groups are checked once all are known)."""
    tree, query, rule_id = settings.review_tree, settings.review, "review"
    description = "marked for review: no rule flags it, but China, Russia's war and support meet"
    if other_languages:
        tree, query = settings.review_other_tree, settings.review_other_languages
        rule_id = "review-other-languages"
        description = "marked for review: in a language without a rule file, China, Russia and Ukraine meet"
    if tree is None or query is None:
        return None
    return Rule(
        id=rule_id,
        description=description,
        severity="low",
        weight=0.0,
        scope=settings.review_scope,
        query=query,
        tree=tree,
        window=DEFAULT_WINDOW if settings.review_scope == "window" else 0,
    )


def _included(name: str, raw: dict[str, tuple[Path, list[str], list[str]]]) -> list[str]:
    """Every group ``name`` includes, directly or not (the chains are checked already)."""
    out: list[str] = []
    stack = list(raw[name][2])
    while stack:
        other = stack.pop()
        if other not in out and other in raw:
            out.append(other)
            stack.extend(raw[other][2])
    return out


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


__all__ = [
    "MAX_RULES_BYTES",
    "MIN_WILDCARD_PREFIX",
    "SCOPES",
    "RuleConfigError",
    "Wording",
    "check_examples",
    "check_pattern",
    "contents_key",
    "current_key",
    "load_gazetteer",
    "load_ruleset",
    "load_wording",
    "rule_files",
]
