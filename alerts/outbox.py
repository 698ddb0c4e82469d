"""The alerts outbox as delivery sees it: which alerts are due, and what each one shows.
The rows and every state change are the archive's (``archive.outbox``,
newswatch/archive/outbox.py); the policy below is delivery's (alerts/dispatch.py).

Kinds: ``new`` (a story's first flagged article: a message of its own), ``also`` (a further
outlet's report of the story: a reply in its thread), ``update`` (the severity rose: a
reply), ``status`` (the article raised the story's claim status: a reply announcing it,
"Now DESIGNATED: …"), ``review`` (a story's first article marked for review: a message of
its own in NEWSWATCH_REVIEW_CHANNEL). Replies wait until the story's first message is sent; if that one
failed for good, or Slack confirmed it without a ``ts`` to reply to, they go out as messages
of their own.

    pending ──claim (attempts + 1)──▶ sending ──confirmed──▶ sent
       ▲                                 │
       └── retry later ◀─────────────────┤ (next_attempt_at, last_error)
                                         └── message refused / attempts used up ──▶ failed

An attempt is spent when the alert is claimed, before anything is posted, so no post goes
out uncounted: a crash or an unexpected error leaves the row ``sending`` with its attempt
spent, and the next pass returns it to ``pending`` (at most one duplicate per crash) without
giving the attempt back. ``max_attempts`` claims are all an alert ever gets. Only failures
that provably posted nothing (a 429, a refused connection, a bad configuration) give the
attempt back.

One queue per channel, oldest first: an alert waiting for its retry time holds back every
newer one of its channel, so a Slack that fails and recovers never reorders them. The review
channel's alerts are a lane of their own: they never hold back the alert channel's.
"""

from __future__ import annotations

import json
import logging
import re
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any, TypeVar

from newswatch.archive import AlertRow, Archive, Stalled
from newswatch.archive.outbox import STATUS
from newswatch.claims import cue_glosses, cues_beside
from newswatch.config.environment import read_environment
from newswatch.errors import NewswatchError
from newswatch.rules.engine import REVIEW
from newswatch.rules.gazetteer import Entity, Gazetteer
from newswatch.rules.loader import Wording, load_gazetteer, load_wording, rule_files

log = logging.getLogger("newswatch.alerts")

#: Matched words a non-English alert glosses at most.
MAX_GLOSSED = 8

#: Kinds posted as replies in the thread of their story's first message.
REPLIES = ("also", "update", STATUS)
#: An alert pending this long without a single attempt is reported as stalled.
STALLED_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class AlertView:
    """One due alert with what rendering needs."""

    id: int
    article_id: int
    kind: str  # new, also, update, status, review
    severity: str
    attempts: int
    url: str
    title: str
    outlet: str
    published: str | None  # UTC, SQLite format
    rules: tuple[str, ...]
    evidence: dict[str, Any] | None  # {field, sentence, highlights}
    parent_ts: str | None = None  # for a reply: the story's first message
    parent_channel: str | None = None
    parent_status: str | None = None  # status of the story's first alert (None: there is none)
    story_id: int | None = None
    story_outlets: tuple[str, ...] = ()  # outlet keys of the story, in order of arrival
    slack_ts: str | None = None  # this alert's own message, once sent
    channel: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)
    created_at: str | None = None  # UTC, SQLite format
    parent_title: str | None = None  # the story's first alerted article (for a reply)
    parent_url: str | None = None
    parent_outlet: str | None = None
    claim_status: str | None = None  # how sure the report is: alleged, official, designated, …
    claim_words: tuple[str, ...] = ()  # the words of the cue that decided it, as written
    entities: tuple[Entity, ...] = ()  # the gazetteer's entities it names, with their facts
    rule_labels: tuple[str, ...] = ()  # the rules' plain-language names (the ruleset's, now)
    language: str | None = None  # the article's (ISO 639-1)
    gloss: tuple[tuple[str, str], ...] = ()  # a non-English article's matched words, in English
    announced: str | None = None  # a ``status`` alert: the story's claim status it announces

    @property
    def follows(self) -> bool:
        """A reply that cannot go into its story's thread (the first message failed, or
        Slack confirmed it without a ``ts``): it is posted on its own, saying which story."""
        return self.kind in REPLIES and self.parent_status in ("failed", "sent") and self.parent_ts is None

    @property
    def review(self) -> bool:
        """Marked for review, for the review channel: a message of its own, never a reply."""
        return self.kind == REVIEW


class Outbox:
    """The outbox as delivery sees it: due alerts with what rendering needs. The state
    changes (claim, sent, retry, failed, requeue) are the archive's: ``archive.outbox``."""

    def __init__(self, archive: Archive, rules: str | Path | None = None):
        """``rules``: where the gazetteer is (the entities' facts); NEWSWATCH_RULES when None."""
        self.archive = archive
        self._rules = rules
        self._gazetteer: Gazetteer | None = None
        self._read = False
        self._wording: Wording | None = None
        self._cue_glosses: dict[str, str] | None = None

    def gazetteer(self) -> Gazetteer | None:
        """The entities whose facts alerts show, read once per outbox (a dispatcher pass) from
        the rule files as they are now; None when they cannot be read (the alerts still go
        out, without facts: it is logged once)."""
        if not self._read:
            self._read = True
            try:
                rules = self._rules if self._rules is not None else read_environment().NEWSWATCH_RULES
                listings = self.archive.listings
                self._gazetteer = read_rules(
                    GAZETTEER,
                    rules,
                    lambda where: load_gazetteer(where, listed=listings.organisations()),
                    also=listings.version(),  # read again once the lists have changed
                )
            except (NewswatchError, OSError) as exc:
                log_once(GAZETTEER, f"alerts go out without entity facts: {exc}")
        return self._gazetteer

    def wording(self) -> Wording:
        """The rules' labels and the groups' English glosses, read once per outbox (a
        dispatcher pass) from the rule files as they are now (a relabelled rule shows at the
        next pass); none when they cannot be read (the alerts then show rule ids and no
        gloss: it is logged once)."""
        if self._wording is None:
            self._wording = rule_wording(self._rules)
        return self._wording

    def cue_glosses(self) -> dict[str, str]:
        """The claim cue groups' English glosses ("negó" is DENY's: "deny, reject as false"),
        read once per outbox from the cue files beside the rules; none when they cannot be
        read (it is logged once)."""
        if self._cue_glosses is None:
            self._cue_glosses = cue_wording(self._rules)
        return self._cue_glosses

    def gloss(
        self, article_id: int, evidence: dict[str, Any] | None
    ) -> tuple[str | None, tuple[tuple[str, str], ...]]:
        """The article's language and, when it is not English, the words the alert shows in
        bold, each with the English gloss of the group whose alias its matched part is (a
        named entity's words: its name)."""
        from alerts.render import entity_name  # render imports this module

        language, terms = self.archive.verdicts.matched_words(article_id)
        if language in (None, "en"):
            return language, ()
        # the claim cue's words too: the status rests on them ("negó", "infundadas")
        claimed = [(word, CUE_GROUP + group) for word, group in self.archive.verdicts.claim_words(article_id)]
        cue_glosses = self.cue_glosses() if claimed else {}
        wording = self.wording()
        gazetteer = self.gazetteer()
        named = {entity.group for entity in gazetteer.entities} if gazetteer is not None else set()
        pairs = []
        for shown in gloss_words(evidence, terms + claimed):
            meanings: list[str] = []
            for term, groups in shown.terms:
                # a word of the rules is glossed by its rule group; else by its cue group
                ruled = [g for g in groups if not g.startswith(CUE_GROUP)]
                group = wording.group_of(term, ruled, language) if ruled else None
                english = wording.glosses.get(group or "", "")
                if not ruled:  # each meaning of its cue groups ("оружие": supplies and weapons)
                    said_by = dict.fromkeys(cue_glosses.get(g.removeprefix(CUE_GROUP), "") for g in groups)
                    english = " + ".join(x for x in said_by if x)
                if gazetteer is not None and group in named:
                    found = [e for e in map(gazetteer.get, gazetteer.named_in("", term)) if e is not None]
                    english = entity_name(found[0].name) if found else english
                if english and english not in meanings:
                    meanings.append(english)
            english = " + ".join(meanings)  # a compound of two words: both meanings
            # a word that is already English says nothing more glossed ("China — China, Chinese")
            said = {part.strip().casefold() for part in re.split(r"[,;+]", english)}
            if english and shown.word.casefold() != english.casefold() and shown.word.casefold() not in said:
                pairs.append((shown.word, english))
        return language, tuple(pairs[:MAX_GLOSSED])

    def entities(self, ids: tuple[str, ...]) -> tuple[Entity, ...]:
        """The entities of ``ids`` the gazetteer still has (an id it lost is left out)."""
        gazetteer = self.gazetteer() if ids else None
        if gazetteer is None:
            return ()
        return tuple(entity for entity in map(gazetteer.get, ids) if entity is not None)

    def _view(self, row: AlertRow) -> AlertView:
        if row.kind == REVIEW:  # a message of its own in the review channel: no parent
            row = replace(row, parent_ts=None, parent_channel=None, parent_status=None)
        # a reply goes into the thread of the story's first message once that one is sent
        parent_sent = row.parent_status == "sent"
        verdicts = self.archive.verdicts
        evidence = (
            verdicts.review_evidence(row.article_id)
            if row.kind == REVIEW
            else verdicts.best_evidence(row.article_id)
        )
        language, gloss = self.gloss(row.article_id, evidence)
        return AlertView(
            id=row.id,
            article_id=row.article_id,
            kind=row.kind,
            severity=row.severity,
            attempts=row.attempts,
            url=row.url,
            title=row.title or row.url,
            outlet=row.outlet,
            published=row.published,
            rules=row.rules,
            evidence=evidence,
            parent_ts=row.parent_ts if parent_sent else None,
            parent_channel=row.parent_channel if parent_sent else None,
            parent_status=row.parent_status,
            story_id=row.story_id,
            story_outlets=row.story_outlets,
            slack_ts=row.slack_ts,
            channel=row.channel,
            created_at=row.created_at,
            parent_title=row.parent_title or row.parent_url,
            parent_url=row.parent_url,
            parent_outlet=row.parent_outlet,
            claim_status=row.claim_status,
            claim_words=cue_words(row.claim_cue),
            entities=self.entities(row.entities),
            rule_labels=tuple(self.wording().label(rule) for rule in row.rules),
            language=language,
            gloss=gloss,
            announced=row.announced,
        )

    def due(
        self, now: datetime | None = None, limit: int | None = None, review: bool = False
    ) -> list[AlertView]:
        """Pending alerts of one lane (with ``review``: the review channel's) whose time has
        come, oldest first, up to the oldest pending alert of the lane whose time has not
        come: nothing overtakes an alert waiting for its retry."""
        return [self._view(row) for row in self.archive.outbox.due(now, limit, review)]

    def view(self, alert_id: int) -> AlertView | None:
        row = self.archive.outbox.get(alert_id)
        return self._view(row) if row else None

    def stalled(self, now: datetime | None = None, after: timedelta = STALLED_AFTER) -> Stalled:
        """Alerts pending without one attempt for longer than ``after``: delivery is stuck
        (Slack down or refusing the configuration, or an alert the dispatcher never picks)."""
        return self.archive.outbox.stalled((now or self.archive.clock()) - after)


def cue_words(stored: str | None) -> tuple[str, ...]:
    """The matched words of a stored claim cue (``articles.claim_cue``); none when absent or
    unreadable (an alert is never held up by it)."""
    try:
        words = json.loads(stored).get("words", ()) if stored else ()
    except (ValueError, AttributeError):
        return ()
    return tuple(str(w) for w in words if isinstance(w, str))[:5]


#: How a claim cue group is told apart from the rules' groups among an article's words.
CUE_GROUP = "cue:"


def cue_wording(rules: str | Path | None = None) -> dict[str, str]:
    """The English glosses of the claim cue groups beside the rule files at ``rules``
    (NEWSWATCH_RULES when None); none when they cannot be read, which is logged once."""
    try:
        location = rules if rules is not None else read_environment().NEWSWATCH_RULES
        return read_rules(CUE_GLOSSES, cues_beside(location), cue_glosses)
    except (NewswatchError, OSError) as exc:
        log_once(CUE_GLOSSES, f"alerts gloss no claim cue words: {exc}")
        return {}


def rule_wording(rules: str | Path | None = None) -> Wording:
    """The labels and glosses of the rule files at ``rules`` (NEWSWATCH_RULES when None);
    empty when they cannot be read, which is logged once (nothing is held up by it)."""
    try:
        location = rules if rules is not None else read_environment().NEWSWATCH_RULES
        return read_rules(WORDING, location, load_wording)
    except (NewswatchError, OSError) as exc:
        log_once(WORDING, f"alerts and digests show rule ids, no labels or glosses: {exc}")
        return Wording({}, {})


# --- the rule files as delivery reads them: each pass, without reading them again unchanged ---

WORDING, GAZETTEER, CUE_GLOSSES = "wording", "gazetteer", "cue glosses"
#: A rule file changed less than this long ago may change again within its time stamp's
#: resolution unnoticed: it is read again rather than trusted to the cache.
SETTLED_NS = 2_000_000_000
T = TypeVar("T")
_Stamp = tuple[tuple[str, int, int], ...]  # (file, mtime_ns, size) of each rule file
#: What was read from the rule files: (what, location) → (their stamp, what was read).
_read: dict[tuple[str, str], tuple[_Stamp, Any, object]] = {}
#: Problems logged so far, by what could not be read (each once, until it is read again).
_logged: dict[str, set[str]] = {}


def read_rules(what: str, location: str | Path, load: Callable[[str | Path], T], also: object = None) -> T:
    """``load(location)``, kept while the rule files are unchanged (same files, sizes and
    modification times, none of them changed in the last two seconds) and ``also`` (what
    else it reads, e.g. the official lists' version) is the same: every pass sees the files
    as they are now without reading and validating them again (and the gloss's lexicon,
    built on first use, is kept with them). Its errors are raised, never kept."""
    key = (what, str(location))
    stamp = _stamp(location)
    kept = _read.get(key)
    if stamp is not None and kept is not None and kept[0] == stamp and kept[2] == also and _settled(stamp):
        value: T = kept[1]
    else:
        value = load(location)
        if stamp is not None:
            _read[key] = (stamp, value, also)
    _logged.pop(what, None)  # read: a problem that comes back is logged again
    return value


def _stamp(location: str | Path) -> _Stamp | None:
    """The rule files at ``location`` with their modification times and sizes; None when
    they cannot be listed (then they are read, which says why)."""
    try:
        out = []
        for path in rule_files(location):
            info = path.stat()
            out.append((str(path), info.st_mtime_ns, info.st_size))
        return tuple(out)
    except (NewswatchError, OSError):
        return None


def _settled(stamp: _Stamp) -> bool:
    now = time.time_ns()
    return all(now - mtime >= SETTLED_NS for _, mtime, _ in stamp)


def log_once(what: str, message: str) -> None:
    """Log a warning about the rule files once per process (each pass would repeat it), until
    they are read again."""
    seen = _logged.setdefault(what, set())
    if message not in seen:
        seen.add(message)
        log.warning("%s", message)


@dataclass(frozen=True)
class Shown:
    """A word an alert shows in bold, and the matched terms in it with the groups each was
    reported under (a rule's group reports the words of the groups it includes as its own)."""

    word: str  # the whole word as bolded: "Kampfdrohnen"
    terms: tuple[tuple[str, tuple[str, ...]], ...]  # ("drohnen", ("MILITARY_GOODS",))


def gloss_words(evidence: dict[str, Any] | None, terms: list[tuple[str, str]]) -> list[Shown]:
    """The words an alert shows in bold (the evidence sentence's, each the whole word as
    :func:`alerts.render.evidence_mrkdwn` bolds it), in their order, each once, with the matched
    terms in them; the stored matched words when the evidence marks none."""
    from alerts.render import bold_spans, shown_evidence  # render imports this module

    groups_of: dict[str, list[str]] = {}
    for term, group in terms:
        found = groups_of.setdefault(term.casefold(), [])
        if group not in found:
            found.append(group)
    words: dict[str, tuple[str, dict[str, str]]] = {}  # folded word → (word, folded term → term)

    def add(word: str, term: str) -> None:
        words.setdefault(word.casefold(), (word, {}))[1].setdefault(term.casefold(), term)

    sentence, highlights = shown_evidence(evidence)
    for start, end in highlights:
        span = sentence[start:end]
        if span.casefold() in groups_of:
            inside = [(0, span)]
        elif len(folded := span.casefold()) == len(span):  # overlapping matches shown as one
            inside = sorted((i, span[i : i + len(t)]) for t in groups_of if (i := folded.find(t)) >= 0)
        else:
            inside = []
        for i, term in inside:
            ((left, right),) = bold_spans(sentence, [(start + i, start + i + len(term))])
            add(sentence[left:right], term)
    if not words:
        for term, _ in terms:
            add(term, term)
    return [
        Shown(word, tuple((term, tuple(groups_of[folded])) for folded, term in inner.items()))
        for word, inner in words.values()
    ]
