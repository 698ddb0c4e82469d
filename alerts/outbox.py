"""The alerts outbox as delivery sees it: which alerts are due, and what each one shows.
The rows and every state change are the archive's (``archive.outbox``,
newswatch/archive/outbox.py); the policy below is delivery's (alerts/dispatch.py).

Kinds: ``new`` (a story's first flagged article: a message of its own), ``also`` (a further
outlet's report of the story: a reply in its thread), ``update`` (the severity rose: a
reply), ``review`` (a story's first article marked for review: a message of its own in
NEWSWATCH_REVIEW_CHANNEL). Replies wait until the story's first message is sent; if that one
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
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from newswatch.archive import AlertRow, Archive, Stalled
from newswatch.config.environment import read_environment
from newswatch.errors import NewswatchError
from newswatch.rules.engine import REVIEW
from newswatch.rules.gazetteer import Entity, Gazetteer
from newswatch.rules.loader import load_gazetteer

log = logging.getLogger("newswatch.alerts")

#: An alert pending this long without a single attempt is reported as stalled.
STALLED_AFTER = timedelta(minutes=10)


@dataclass(frozen=True)
class AlertView:
    """One due alert with what rendering needs."""

    id: int
    article_id: int
    kind: str  # new, also, update, review
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

    @property
    def follows(self) -> bool:
        """A reply that cannot go into its story's thread (the first message failed, or
        Slack confirmed it without a ``ts``): it is posted on its own, saying which story."""
        return (
            self.kind in ("also", "update")
            and self.parent_status in ("failed", "sent")
            and self.parent_ts is None
        )

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

    def gazetteer(self) -> Gazetteer | None:
        """The entities whose facts alerts show, read once; None when the rule files cannot be
        read (the alerts still go out, without facts: it is logged once)."""
        if not self._read:
            self._read = True
            try:
                rules = self._rules if self._rules is not None else read_environment().NEWSWATCH_RULES
                self._gazetteer = load_gazetteer(rules)
            except (NewswatchError, OSError) as exc:
                log.warning("alerts go out without entity facts: %s", exc)
        return self._gazetteer

    def _entities(self, ids: tuple[str, ...]) -> tuple[Entity, ...]:
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
            evidence=(
                verdicts.review_evidence(row.article_id)
                if row.kind == REVIEW
                else verdicts.best_evidence(row.article_id)
            ),
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
            entities=self._entities(row.entities),
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
