"""Claim status: how sure a flagged report is, read from how it states its claim.

A flagged article's claim is ``alleged`` (others report or accuse: media, researchers,
unnamed officials), ``official`` (a government or international body, or an office holder
on record, states it as its own finding), ``designated`` (a sanctions or export-control
action names the entity), ``denied`` (Beijing or the company denies it or gives
assurances) or ``confirmed`` (the supplier or Beijing acknowledges it, or physical evidence
is documented: components in downed drones, captured fighters, customs records).

The cues are data, ``config/rules/claims/``: word groups (``cues.toml`` with English words,
``lang/xx.toml`` with each language's, written once as dictionary forms) and *cues*, each a
query of the rule language with a status, that must hold within one sentence. They are
compiled by the rules' own engine (:class:`newswatch.rules.engine.Matcher`), so a cue word
finds its inflected forms and negation is written as in the rules.

Which cue decides (see docs/claims.md): the headline first, then the lead (the body up to
its ``LEAD_SENTENCES``-th sentence start), then the rules' evidence sentences; the first of
these that holds any cue decides, and within it the status first in ``PRECEDENCE``. The rest
of the body is not read (background further down does not make the story), but by the cues
marked ``body`` (evidence described after the lead: records that show shipments), in the
``BODY_CHARS`` after the lead, when nothing stronger than ``alleged`` held before. No cue:
``alleged``, with no cue. A call reads a bounded amount whatever the article's length.
"""

from __future__ import annotations

import difflib
import gc
import hashlib
import re
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Annotated, Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, model_validator

from newswatch.config.files import read_toml, toml_folder
from newswatch.config.problems import SLUG_ID, At, FileLayout, validate
from newswatch.config.rules import Alias, GroupName, GroupTable, Language, Text, parsed_query
from newswatch.errors import ConfigError
from newswatch.language import guesses
from newswatch.rules.engine import Matcher, Rule, TermMatch, Verdict
from newswatch.rules.gazetteer import Gazetteer
from newswatch.rules.loader import contents_key, current_key
from newswatch.rules.syntax import MAX_DEPTH, Node, groups_in
from newswatch.rules.text import build_doc
from newswatch.text import cross_reference, repeats_headline

Status = Literal["alleged", "official", "designated", "denied", "confirmed"]
STATUSES: tuple[Status, ...] = ("alleged", "official", "designated", "denied", "confirmed")
#: Which status wins when cues of several hold in the same part of an article: an action
#: naming the entity, then documented evidence or an admission, then a denial (a denial is
#: itself a ministry's statement, so an ``official`` cue holds in it too), then an official
#: finding, then an allegation.
PRECEDENCE: tuple[Status, ...] = ("designated", "confirmed", "denied", "official", "alleged")


def claim_rank(status: str | None) -> int:
    """How strong a claim status is: ``designated`` highest, ``alleged`` 1, none (or unknown) 0."""
    return len(PRECEDENCE) - PRECEDENCE.index(status) if status in PRECEDENCE else 0


#: Sentence starts of the body read as the lead (after the headline); the splitter counts a
#: line break as a start too, so a lead of one-line paragraphs is two or three sentences
#: (docs/claims.md: counting each sentence once read more background, 0.882 → 0.753). A start
#: on a line that does not end as a sentence does (a repeated headline, a date line, a photo
#: caption, a byline left by the page) does not count.
LEAD_SENTENCES = 5
#: Sentence starts of any line, the lead's bound however few of them are prose.
LEAD_STARTS = 3 * LEAD_SENTENCES
#: Characters of the headline, and of the lead, read at most (a sentence-less wall of text is
#: read this far).
MAX_LEAD_CHARS = 5_000
#: Term matches examined per pass at most (the engine's budget, smaller: cues are few).
MAX_CLAIM_MATCHES = 20_000
#: Evidence sentences of the rules read at most, and characters of each.
MAX_EVIDENCE = 10
EVIDENCE_CHARS = 2_000
#: The cue files of one folder together.
MAX_CUES_BYTES = 5 * 1024 * 1024
#: The default cues.
DEFAULT_CUES = Path(__file__).resolve().parent.parent / "config" / "rules" / "claims"

Zone = Literal["title", "lead", "evidence", "body", "text"]
#: Characters of the body after the lead that the cues marked ``body`` read at most.
BODY_CHARS = 3_000
#: How a sentence ends: its punctuation, then closing quotes and brackets (German “, French »
#: after a space, Chinese and Japanese 」 and 』 among them).
_PROSE_END = re.compile(r"[.!?…。！？](?:\s*[\"'»”’“›)\]」』）])*\s*$")


def cues_beside(rules: str | Path | None) -> Path:
    """The cues that go with a ruleset: its folder's ``claims/`` when it has one (a candidate
    ruleset can bring its own), else the project's."""
    if rules is not None and (Path(rules) / "claims").is_dir():
        return Path(rules) / "claims"
    return DEFAULT_CUES


class ClaimConfigError(ConfigError):
    """A cue file is invalid; the message is one line naming file, entry, key and position."""


CueId = Annotated[str, SLUG_ID]


class CueTable(BaseModel):
    """``[[cues]]``: a query that, holding within one sentence, says how the claim is put."""

    model_config = ConfigDict(extra="forbid", strict=True)

    id: CueId = Field(description="Lower-case letters, digits, '-' and '_'; unique across files.")
    status: Status = Field(description="alleged, official, designated, denied or confirmed.")
    description: Text = Field(description="How this kind of claim is phrased.")
    query: str = Field(description="Groups and terms as in a rule's query; must hold within one sentence.")
    examples: list[Text] = Field([], description="Sentences the cue must match.")
    counterexamples: list[Text] = Field([], description="Sentences the cue must not match.")
    enabled: bool = Field(True, description="false keeps the cue but does not apply it.")
    body: bool = Field(
        False,
        description="Also read in the body after the lead (its first BODY_CHARS characters) when "
        "the headline, the lead and the evidence hold no stronger status than alleged: evidence a "
        "report describes further down (customs records).",
    )
    _tree: Any = PrivateAttr(None)

    @property
    def tree(self) -> Node:
        assert self._tree is not None
        return self._tree

    @model_validator(mode="after")
    def _parse(self) -> Self:
        self._tree = parsed_query("query", self.query)
        return self


class CuesFile(BaseModel):
    """A cue file: word groups, cues, or one language's words for groups defined elsewhere."""

    model_config = ConfigDict(extra="forbid", strict=True, title="newswatch claim cues")

    language: Language | None = Field(None, description="ISO 639-1 code of the words in [aliases].")
    aliases: dict[GroupName, list[Alias]] = Field(
        {}, description="Words, in this file's language, of groups defined in any cue file."
    )
    groups: dict[GroupName, GroupTable] = Field({}, description="Named word lists.")
    cues: list[CueTable] = Field([], description="The cues.")

    @model_validator(mode="after")
    def _aliases_have_a_language(self) -> Self:
        if self.aliases and self.language is None:
            raise At(("language",), "is required with [aliases] (the language the words are written in)")
        return self


_TABLES = {
    "groups": "tables [groups.NAME]",
    "cues": "an array of tables [[cues]]",
    "aliases": "a table of GROUP = [words]",
    "language": "a language code",
}


def _entry_name(top: str, key: int | str, data: Any) -> str:
    if top == "groups":
        return f"group '{key}'"
    if top == "aliases":
        return f"aliases of '{key}'"
    if top == "cues":
        entry = data["cues"][key] if isinstance(key, int) else None
        given = entry.get("id") if isinstance(entry, dict) else None
        return f"cue '{given if isinstance(given, str) else f'#{int(key) + 1}'}'"
    return top


def _entry_at_line(text: str, lineno: int) -> str | None:
    current = None
    for i, line in enumerate(text.splitlines(), start=1):
        if i > lineno:
            break
        stripped = line.strip()
        if stripped.startswith("[groups."):
            current = f"group '{stripped[8:].rstrip(']').strip()}'"
        elif stripped.startswith("[[cues]]"):
            current = f"cue at line {i}"
        elif stripped.startswith("id") and current and current.startswith("cue") and '"' in stripped:
            given = stripped.split('"')[1]
            current = f"cue '{given}'"
    return current


@dataclass(frozen=True, slots=True)
class Cue:
    id: str
    status: Status
    description: str
    query: str
    examples: tuple[str, ...] = ()
    counterexamples: tuple[str, ...] = ()
    body: bool = False  # also read in the body after the lead (CueTable.body)


@dataclass(frozen=True, slots=True)
class ClaimCue:
    """What decided a status: the cue, the words it matched and the sentence they stand in."""

    cue: str  # the cue's id
    words: tuple[str, ...]  # the matched words as written in the article
    sentence: str
    field: str  # "title" or "text"
    zone: Zone  # the part of the article that decided
    # decided by the headline: the first sentence of the lead or evidence where a cue of the
    # same status holds too, and its words (the alert quotes it: not the headline again)
    support: str = ""
    support_words: tuple[str, ...] = ()
    # the matched words with the cue group each is a word of, as written, in the sentence and
    # the support (an alert glosses them in English: "negó" — deny, reject)
    groups: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class Claim:
    status: Status
    cue: ClaimCue | None  # None: no cue held anywhere (the status is then "alleged")


@dataclass(frozen=True)
class ClaimCues:
    """The compiled cues: the rules' engine over the cue groups, one rule per cue."""

    matcher: Matcher
    cues: dict[str, Cue]
    fingerprint: str
    glosses: dict[str, str] = field(default_factory=dict)  # cue group → its English gloss


def cue_files(location: str | Path) -> list[Path]:
    """The cue files at ``location``: a folder's ``*.toml`` and ``lang/*.toml``, or one file."""
    return toml_folder(location, "claim cues folder", "cue files", ClaimConfigError, MAX_CUES_BYTES)


#: The cue group that says who is Chinese; the names of the gazetteer's entities join it.
NAMED_GROUP = "CHINA"


def cue_glosses(location: str | Path = DEFAULT_CUES) -> dict[str, str]:
    """The English gloss of each cue group that has one, from the cue files at ``location``
    (read and validated, not compiled: what an alert needs to gloss a cue's words)."""
    glosses: dict[str, str] = {}
    for path in cue_files(location):
        file, _ = _read_cue_file(path)
        glosses.update({name: group.gloss for name, group in file.groups.items() if group.gloss})
    return glosses


def _read_cue_file(path: Path) -> tuple[CuesFile, bytes]:
    """One cue file, read and validated (a problem names the file, the entry and the key),
    and its bytes."""
    data, raw = read_toml(path, "cue file", ClaimConfigError, _entry_at_line)
    return validate(CuesFile, data, FileLayout(path, data, _entry_name, _TABLES), ClaimConfigError), raw


def cues_for(rules: str | Path | None, gazetteer: Gazetteer | None) -> ClaimCues:
    """The cues that go with a ruleset (:func:`cues_beside`), knowing its gazetteer's named
    Chinese and Hong Kong entities as Chinese: "the US sanctioned Xiamen Limbach" designates."""
    named = [alias for entity in gazetteer.entities for alias in entity.aliases] if gazetteer else []
    return load_cues(cues_beside(rules), named)


#: Compiled cue sets a process keeps: arguments and the cue files' contents → the cues.
_loaded: dict[tuple[object, ...], ClaimCues] = {}
KEEP_CUES = 4


def load_cues(location: str | Path = DEFAULT_CUES, named: Sequence[str] = ()) -> ClaimCues:
    """Every cue file at ``location`` as one compiled, validated set of cues; a problem is a
    ClaimConfigError of one line naming the file, the entry, the key and the position.
    ``named``: names of Chinese and Hong Kong entities (a gazetteer's aliases), which the
    ``CHINA`` cue group then knows too. A process compiles the same files with the same
    names once (a file edited since is read again; an invalid one raises every time)."""
    files = cue_files(location)
    arguments = (str(location), tuple(named))
    now = current_key(files, "cue file", ClaimConfigError)
    cues = _loaded.get((*arguments, now)) if now is not None else None
    if cues is None:
        with _collector_held():
            cues, read = _compile(location, files, named)
        _loaded[(*arguments, read)] = cues  # under the bytes it was compiled from
        while len(_loaded) > KEEP_CUES:  # the oldest goes
            del _loaded[next(iter(_loaded))]
    return cues


@contextmanager
def _collector_held() -> Iterator[None]:
    """No garbage collection meanwhile: compiling makes tens of thousands of objects that
    live as long as the process and no cycles to free, so the collections it would set off
    find nothing (a full one at start-up scans every object of the process: 0.02-0.03 s).
    A collector that was off stays off."""
    was_on = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_on:
            gc.enable()


def _compile(location: str | Path, files: list[Path], named: Sequence[str]) -> tuple[ClaimCues, str]:
    """The cues of ``files`` (the cue files at ``location``), read, checked and compiled, and
    the :func:`contents_key` of what it read."""
    groups: dict[str, tuple[Path, GroupTable]] = {}
    lexicon: list[tuple[Path, str, str, list[str]]] = []
    tables: list[tuple[Path, CueTable]] = []
    digest = hashlib.sha256()
    read: list[tuple[Path, bytes]] = []
    for path in files:
        file, raw = _read_cue_file(path)
        read.append((path, raw))
        digest.update(path.name.encode() + b"\0" + raw)
        for name, group in file.groups.items():
            if name in groups:
                raise ClaimConfigError(f"{path}: group '{name}': already defined in {groups[name][0]}")
            if group.include:
                raise ClaimConfigError(
                    f"{path}: group '{name}': key 'include': cue groups do not include others"
                )
            groups[name] = (path, group)
        if file.language is not None:
            lexicon.extend((path, file.language, name, words) for name, words in file.aliases.items())
        tables.extend((path, table) for table in file.cues)
    inflected: dict[str, list[tuple[str, str]]] = {}
    for path, language, name, words in lexicon:
        if name not in groups:
            raise ClaimConfigError(
                f"{path}: aliases: key '{name}': unknown group '{name}'{_hint(name, groups)}"
            )
        inflected.setdefault(name, []).extend((language, word) for word in words)
    cues: dict[str, Cue] = {}
    rules: list[Rule] = []
    where: dict[str, Path] = {}
    for path, table in tables:
        if table.id in where:
            raise ClaimConfigError(f"{path}: cue '{table.id}': id already used in {where[table.id]}")
        where[table.id] = path
        for ref in sorted(groups_in(table.tree)):
            if ref not in groups:
                raise ClaimConfigError(
                    f"{path}: cue '{table.id}': key 'query': unknown group '{ref}'{_hint(ref, groups)}"
                )
        if not table.enabled:
            continue
        cues[table.id] = Cue(
            table.id,
            table.status,
            table.description,
            table.query,
            tuple(table.examples),
            tuple(table.counterexamples),
            table.body,
        )
        rules.append(Rule(table.id, table.description, "low", 1.0, "sentence", table.query, table.tree))
    if not rules:
        raise ClaimConfigError(f"{location}: no enabled cues")
    try:
        extra = {NAMED_GROUP: list(named)}
        matcher = Matcher(
            {name: [*group.aliases, *extra.get(name, ())] for name, (_, group) in groups.items()},
            rules,
            excludes={name: group.exclude for name, (_, group) in groups.items() if group.exclude},
            max_chars=4 * MAX_LEAD_CHARS,
            max_matches=MAX_CLAIM_MATCHES,
            inflected=inflected,
        )
    except ValueError as exc:  # a query nested deeper than the engine evaluates
        raise ClaimConfigError(f"{location}: {exc} (at most {MAX_DEPTH} levels)") from None
    digest.update("\0".join(named).encode())
    glosses = {name: group.gloss for name, (_, group) in groups.items() if group.gloss}
    return ClaimCues(matcher, cues, digest.hexdigest()[:12], glosses), contents_key(read)


def _hint(name: str, known: Iterable[str]) -> str:
    close = difflib.get_close_matches(name, list(known), n=1)
    return f" (did you mean {close[0]}?)" if close else ""


def check_cues(cues: ClaimCues) -> list[str]:
    """Cues whose own examples do not match, or whose counterexamples do (one line each). An
    example counts as matched when it matches as a body sentence or as a headline."""
    problems = []
    for cue in cues.cues.values():
        for example in cue.examples:
            if not _holds(cues, cue.id, example):
                problems.append(f"cue '{cue.id}': example does not match: {example[:120]!r}")
        for example in cue.counterexamples:
            if _holds(cues, cue.id, example):
                problems.append(f"cue '{cue.id}': counterexample matches: {example[:120]!r}")
    return problems


def _holds(cues: ClaimCues, cue: str, sentence: str) -> bool:
    classify = cues.matcher.classify
    return cue in classify("", sentence).rules or cue in classify(sentence, "").rules


def classify_claim(
    cues: ClaimCues,
    title: str,
    text: str,
    language: str | None = None,
    evidence: Sequence[str] = (),
) -> Claim:
    """The claim status of a flagged article and the cue that decided it. ``language`` is the
    article's (ISO 639-1; detected when not given); ``evidence`` the sentences the rules
    quoted (``Verdict.evidence``), read after the lead."""
    title, text = (title or "")[:MAX_LEAD_CHARS], text or ""
    if language is None:
        found = guesses(title, text[:MAX_LEAD_CHARS], 1)
        language = found[0][0] if found else None
    lead, after = _parts(text)
    zones: list[tuple[Zone, str, str]] = [("title", title, ""), ("lead", "", lead)]
    quoted = " \n".join(
        e[:EVIDENCE_CHARS] for e in list(evidence)[:MAX_EVIDENCE] if e and not cross_reference(e)
    )
    if quoted:
        zones.append(("evidence", "", quoted))
    decided: Claim | None = None
    for at, (zone, zone_title, zone_text) in enumerate(zones):
        if not zone_title.strip() and not zone_text.strip():
            continue
        decided = _decide(cues, cues.matcher.classify(zone_title, zone_text, language), zone)
        if decided is not None:
            if decided.cue is not None and zone == "title":
                decided = _supported(cues, decided, decided.cue, zones[at + 1 :], language)
            break
    if decided is None or decided.status == "alleged":
        deeper = _from_body(cues, after, language)
        if deeper is not None:
            return deeper
    return decided or Claim("alleged", None)


def _supported(
    cues: ClaimCues, decided: Claim, cue: ClaimCue, rest: list[tuple[Zone, str, str]], language: str | None
) -> Claim:
    """A status decided by the headline, with the first sentence of the parts after it where
    a cue of the same status holds and that is not the headline again (``ClaimCue.support``);
    as it was when there is none."""
    for _zone, zone_title, zone_text in rest:
        if not zone_text.strip():
            continue
        verdict = cues.matcher.classify(zone_title, zone_text, language)
        for match in verdict.matches:
            if match.rule not in cues.cues or cues.cues[match.rule].status != decided.status:
                continue
            for said in match.evidence:
                if said.field == "text" and not repeats_headline(said.sentence, cue.sentence):
                    words = tuple(dict.fromkeys(said.sentence[a:b] for a, b in said.highlights))
                    groups = tuple(dict.fromkeys((*cue.groups, *_grouped(match.terms, words))))
                    return replace(
                        decided, cue=replace(cue, support=said.sentence, support_words=words, groups=groups)
                    )
    return decided


def _from_body(cues: ClaimCues, body: str, language: str | None) -> Claim | None:
    """The status of the cues marked ``body`` in ``body`` (the characters after the lead), or
    None."""
    if not body.strip() or not any(cue.body for cue in cues.cues.values()):
        return None
    # prose only: a line that does not end as a sentence does is a headline, a caption or a
    # link to another article ("Customs records show Chinese firm shipped drones")
    body = "\n".join(line for line in body.split("\n") if _PROSE_END.search(line))
    if not body.strip():
        return None
    verdict = cues.matcher.classify("", body, language)
    held = [m for m in verdict.matches if m.rule in cues.cues and cues.cues[m.rule].body]
    if not held:
        return None
    return _decide(cues, replace(verdict, matches=tuple(held)), "body")


def _parts(text: str) -> tuple[str, str]:
    """The lead (the body up to its ``LEAD_SENTENCES``-th sentence start, starts on lines of
    page chrome not counted) and the ``BODY_CHARS`` characters after it, lines that point to
    another article ("Read also: …", left by an extractor or in text from elsewhere) left out
    of both."""
    kept = text[: 2 * MAX_LEAD_CHARS + BODY_CHARS].split("\n")
    text = "\n".join(line for line in kept if not cross_reference(line))
    head = text[:MAX_LEAD_CHARS]
    doc = build_doc("", head)
    starts = [s - doc.text_start for s in doc.sentence_starts if s > doc.text_start]
    prose = [s for s in starts if _on_prose_line(head, s)]
    cuts = [MAX_LEAD_CHARS]
    if len(prose) >= LEAD_SENTENCES:
        cuts.append(prose[LEAD_SENTENCES - 1])
    if len(starts) >= LEAD_STARTS:  # a page of chrome lines is not read to its end
        cuts.append(starts[LEAD_STARTS - 1])
    cut = min(cuts)
    return text[:cut], text[cut : cut + BODY_CHARS]


def _on_prose_line(text: str, at: int) -> bool:
    """Whether the line of ``text`` that holds offset ``at`` ends as a sentence does."""
    end = text.find("\n", at)
    return bool(_PROSE_END.search(text[text.rfind("\n", 0, at) + 1 : end if end >= 0 else len(text)]))


def _grouped(terms: Iterable[TermMatch], words: Sequence[str]) -> tuple[tuple[str, str], ...]:
    """The matched words among ``words`` (a sentence's bold words, each of which may hold
    several matched ones) with the cue group each is a word of, in order, each pair once."""
    return tuple(
        dict.fromkeys((t.term, t.group) for t in terms if t.group and any(t.term in w for w in words))
    )


def _decide(cues: ClaimCues, verdict: Verdict, zone: Zone) -> Claim | None:
    """The status first in PRECEDENCE among the cues that hold, with its cue; None when none."""
    held = [m for m in verdict.matches if m.rule in cues.cues]
    if not held:
        return None
    rank = {status: i for i, status in enumerate(PRECEDENCE)}
    order = {cue_id: i for i, cue_id in enumerate(cues.cues)}
    best = min(held, key=lambda m: (rank[cues.cues[m.rule].status], order[m.rule]))
    if best.evidence:
        first = best.evidence[0]
        words = tuple(dict.fromkeys(first.sentence[a:b] for a, b in first.highlights))
        cue = ClaimCue(
            best.rule, words, first.sentence, first.field, zone, groups=_grouped(best.terms, words)
        )
    else:  # the engine always quotes a sentence for a match; kept total for safety
        cue = ClaimCue(best.rule, tuple(t.term for t in best.terms), "", "text", zone)
    return Claim(cues.cues[best.rule].status, cue)


__all__ = [
    "DEFAULT_CUES",
    "LEAD_SENTENCES",
    "PRECEDENCE",
    "STATUSES",
    "Claim",
    "ClaimConfigError",
    "ClaimCue",
    "ClaimCues",
    "Cue",
    "Status",
    "check_cues",
    "claim_rank",
    "classify_claim",
    "cue_files",
    "load_cues",
]
