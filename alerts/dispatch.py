"""Deliver due alerts: claim (an attempt is spent here), render, send, record. Never runs
inside the crawl.

Order is kept: a failure that may be cured later stops the pass, and no newer alert goes
before that one (``Outbox.due``). Bounds on posts (``chat.postMessage`` is not idempotent):
one call is at most one post and every claim spends an attempt first, so an alert is posted
at most ``max_attempts`` times, and more than once only after an attempt whose outcome was
unknown (a lost answer, a 5xx, a timeout, a crash) — one extra post per such attempt at most.

What ends the attempt:

- confirmed: ``sent``;
- the answer was lost (reset, cut-off body, timeout, 5xx) or anything unexpected: the
  attempt stays spent, retried after a backoff, ``failed`` once the attempts are used up;
- provably not posted — 429 (retried at ``Retry-After``, logged once), connection refused,
  unknown host: the attempt is given back while the alert is younger than
  ``FREE_DEFERRAL_AGE``, after that it counts, so a Slack that only answers 429 cannot keep
  an alert forever;
- the configuration (bad token, unknown channel): nothing spent, retried in 5 min, logged
  once and kept open in the ``health`` table (``slack``/``delivery``) until an alert goes
  through again;
- Slack will never take this message: ``failed`` at once and the pass goes on.

A ``stop`` event ends the pass between two alerts and cuts every wait short.

Review alerts (articles marked for review) are a lane of their own, delivered after the
alert channel's once that lane went through, to ``NEWSWATCH_REVIEW_CHANNEL``, with the same
claims, attempts and order; a failure there never holds back the alert channel, and its
configuration errors open a ``health`` row of their own (``slack``/``review_delivery``).
Without the setting they are failed (visible in `newswatch alerts`; `--requeue` once it is
set), never posted to the alert channel.

With ``SLACK_APP_TOKEN`` set, every message carries the feedback buttons and the line of who
judged what (alerts/actions.py). A reply of a story muted from Slack is not posted while the
mute lasts: it becomes ``muted`` (no attempt spent; the archive and the digest keep its article).
"""

from __future__ import annotations

import fcntl
import logging
import random
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from alerts.actions import feedback_line, feedback_of, with_buttons
from alerts.config import AlertConfig
from alerts.outbox import REPLIES, AlertView, Outbox
from alerts.render import SlackMessage, render_alert
from alerts.transports import ConsoleTransport, DeliveryError, Sent, SlackTransport, Transport, classify
from newswatch.archive import Archive
from newswatch.clock import from_sql_time, sql_time
from newswatch.config.environment import read_environment

log = logging.getLogger("newswatch.alerts")
MAX_DELAY = timedelta(hours=1)
CONFIG_RETRY = timedelta(minutes=5)
#: A 429 or an unreachable Slack gives the attempt back while the alert is this young.
FREE_DEFERRAL_AGE = timedelta(days=1)
#: The ``health`` row a configuration error opens (shown by `newswatch outlets` and Datasette).
DELIVERY_HEALTH = ("slack", "delivery")
#: The ``health`` row a configuration error of the review channel opens.
REVIEW_HEALTH = ("slack", "review_delivery")
NO_REVIEW_CHANNEL = "NEWSWATCH_REVIEW_CHANNEL is not set: review alerts are not posted"


class DispatcherBusy(RuntimeError):
    """Another dispatcher holds the lock on this archive."""


@dataclass
class DispatchReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    recovered: int = 0  # alerts left mid-send by a crash, sent again
    refreshed: int = 0  # stories' first messages updated with their outlet count
    muted: int = 0  # replies of muted stories, not posted
    stopped: str | None = None  # why the pass ended early
    config_error: bool = False  # it ended on a configuration error (token, channel)
    errors: list[str] = field(default_factory=list)


def backoff(attempts: int, base: float, rng: Callable[[], float] = random.random) -> timedelta:
    """Exponential backoff with jitter: base·2^(attempts-1), at most an hour, drawn from
    the upper half of that span."""
    span = min(MAX_DELAY.total_seconds(), base * 2 ** max(0, attempts - 1))
    return timedelta(seconds=span / 2 + rng() * span / 2)


def make_transport(
    config: AlertConfig, echo: Callable[[str], None] = print, stop: threading.Event | None = None
) -> Transport:
    if config.slack:
        return SlackTransport(
            config.slack_token, config.channel, config.api_url, config.min_interval, stop=stop
        )
    return ConsoleTransport(config.data_dir / "alerts.jsonl", echo)


@contextmanager
def dispatcher_lock(data_dir: Path) -> Iterator[None]:
    """One dispatcher per archive at a time (an OS lock: released if the process dies)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / "dispatch.lock").open("a") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise DispatcherBusy("another dispatcher is delivering alerts from this archive") from None
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _meta(alert: AlertView) -> dict[str, Any]:
    return {
        "alert_id": alert.id,
        "article_id": alert.article_id,
        "kind": alert.kind,
        "severity": alert.severity,
        "url": alert.url,
        "outlet": alert.outlet,
    }


def _health(alert: AlertView) -> tuple[str, str]:
    return REVIEW_HEALTH if alert.review else DELIVERY_HEALTH


def _thread_of(alert: AlertView) -> str | None:
    """The thread a settled alert replies in (None: a message of its own)."""
    return None if alert.kind == "new" or alert.review else alert.parent_ts


def _send(
    transport: Transport, message: Any, thread_ts: str | None, alert: AlertView, config: AlertConfig
) -> Sent:
    """One post: a review alert to the review channel, any other to the transport's channel."""
    if alert.review:
        return transport.send(message, thread_ts=thread_ts, meta=_meta(alert), channel=config.review_channel)
    return transport.send(message, thread_ts=thread_ts, meta=_meta(alert))


def render_message(
    alert: AlertView, config: AlertConfig, names: dict[str, str], archive: Archive, buttons: bool
) -> SlackMessage:
    """An alert's message; with ``buttons``, the feedback line and buttons after its content."""
    message = render_alert(alert, config.timezone, names.get(alert.outlet), names)
    if not buttons:
        return message
    line = feedback_line(feedback_of(archive, alert.article_id, alert.story_id), config.timezone)
    return with_buttons(message, alert.id, alert.article_id, line)


def buttons_wanted(transport: Transport) -> bool:
    """Buttons go on Slack's messages when SLACK_APP_TOKEN is set (read from the environment,
    for `newswatch dispatch`; the service says it itself)."""
    return transport.name != "console" and bool(read_environment().SLACK_APP_TOKEN)


def update_message(
    archive: Archive, alert_id: int, transport: Transport, config: AlertConfig, names: dict[str, str]
) -> bool:
    """Show an alert's message again as the archive has it now (its judgements, mute and
    moves), with its buttons (chat.update); False when it was never posted to Slack."""
    view = Outbox(archive).view(alert_id)
    if view is None or view.slack_ts is None:
        return False
    transport.update(view.channel, view.slack_ts, render_message(view, config, names, archive, True))
    return True


def _young(alert: AlertView, now: datetime) -> bool:
    created = from_sql_time(alert.created_at)
    return created is None or now - created < FREE_DEFERRAL_AGE


class _Pass:
    """One dispatch pass: the state shared by its steps."""

    def __init__(
        self,
        archive: Archive,
        transport: Transport,
        config: AlertConfig,
        names: dict[str, str],
        rng: Callable[[], float],
        buttons: bool = False,
    ):
        self.buttons = buttons
        self.archive = archive
        self.transport = transport
        self.config = config
        self.names = names
        self.rng = rng
        self.outbox = Outbox(archive)
        self.report = DispatchReport()
        self.roots: dict[int | None, str | None] = {}  # story → ts of its first message, sent in this pass
        self.resolved: set[tuple[str, str]] = set()  # health rows looked at after a send went through

    def lane(self, alerts: list[AlertView], stop: threading.Event | None) -> int:
        """Deliver one lane's due alerts in order until one must wait; how many were taken up."""
        taken = 0
        for alert in alerts:
            if stop is not None and stop.is_set():
                self.report.stopped = "stopping"
                break
            taken += 1
            if not self.deliver(alert):
                break
        return taken

    def review_lane(self, limit: int | None, stop: threading.Event | None) -> None:
        """The review channel's alerts; without a review channel they are failed, never posted."""
        alerts = self.outbox.due(limit=limit, review=True)
        if self.config.review_channel:
            self.lane(alerts, stop)
            return
        for alert in alerts:
            self.archive.outbox.fail(alert.id, NO_REVIEW_CHANNEL)
            self.report.failed += 1
        if alerts:
            log.warning("%d review alert(s) failed: %s", len(alerts), NO_REVIEW_CHANNEL)

    def settle(self, alert: AlertView) -> AlertView | None:
        """The alert with its story's first message as known now, or None while a reply
        must wait for it (it is not delivered yet)."""
        if alert.kind == "new" or alert.review or alert.parent_ts:
            return alert
        if alert.story_id in self.roots:  # the first message went out in this pass
            return replace(alert, parent_ts=self.roots[alert.story_id], parent_status="sent")
        return alert if alert.parent_status in (None, "failed", "sent") else None

    def deliver(self, alert: AlertView) -> bool:
        """Send one alert; False when the pass must stop."""
        if self.muted(alert):
            return True
        settled = self.settle(alert)
        if settled is None:
            return True  # the reply waits for its thread
        if alert.attempts >= self.config.max_attempts:  # left `sending` by a crash with none left
            self.give_up(alert, alert.attempts, "no attempt left after an interrupted send")
            return True
        message = render_message(settled, self.config, self.names, self.archive, self.buttons)
        thread_ts = _thread_of(settled)
        if not self.archive.outbox.claim(alert.id, self.config.max_attempts):
            return True  # taken by someone else
        try:
            sent = _send(self.transport, message, thread_ts, alert, self.config)
        except Exception as exc:  # any failure of a send is an attempt, counted, retried later
            return self.failed(alert, classify(exc))
        self.confirmed(alert, sent, thread_ts)
        return True

    def muted_until(self, alert: AlertView) -> datetime | None:
        """When the mute of a reply's story ends (None: not a reply, or not muted now)."""
        if alert.kind not in REPLIES or alert.story_id is None:
            return None
        return self.archive.labels.muted_until(alert.story_id, self.archive.clock())

    def muted(self, alert: AlertView) -> bool:
        """A reply of a story muted now is marked ``muted`` instead of posted."""
        until = self.muted_until(alert)
        if until is None:
            return False
        if self.archive.outbox.mute(alert.id, f"story muted until {sql_time(until)} UTC"):
            self.report.muted += 1
            log.info(
                "alert %d not posted: story %d muted until %s UTC", alert.id, alert.story_id, sql_time(until)
            )
        return True

    def confirmed(self, alert: AlertView, sent: Sent, thread_ts: str | None) -> None:
        self.archive.outbox.mark_sent(alert.id, sent.transport, sent.channel, sent.ts, thread_ts)
        health = _health(alert)
        if health not in self.resolved:
            self.resolved.add(health)
            if self.archive.health.resolve(*health):
                what = "review alerts" if alert.review else "alerts"
                log.warning("%s delivered again (%s)", what, sent.transport)
        if alert.kind == "new":
            self.roots[alert.story_id] = sent.ts
        if sent.ts is None and sent.transport == "slack":
            log.warning(
                "alert %d: Slack confirmed it without a message ts; its replies go on their own", alert.id
            )
        self.report.sent += 1

    def failed(self, alert: AlertView, exc: DeliveryError) -> bool:
        """Record a failed send; False when the pass must stop (order is kept)."""
        error = str(exc)
        self.report.errors.append(f"alert {alert.id}: {error}")
        attempts = alert.attempts + 1
        if exc.config:
            self.archive.outbox.retry_later(alert.id, error, CONFIG_RETRY, refund=True)
            if self.archive.health.open(*_health(alert), error):
                log.error("alerts not delivered, fix the configuration: %s", error)  # once
            else:
                log.debug("alerts still not delivered: %s", error)
            self.report.stopped, self.report.config_error = error, True
            return False
        if not exc.retryable:
            self.give_up(alert, attempts, error)
            return True
        if exc.unsent:
            return self.deferred(alert, exc)
        if attempts >= self.config.max_attempts:
            self.give_up(alert, attempts, error)
            return True
        self.archive.outbox.retry_later(
            alert.id, error, backoff(attempts, self.config.retry_seconds, self.rng)
        )
        self.report.retried += 1
        log.warning("alert %d not delivered (attempt %d), retrying later: %s", alert.id, attempts, error)
        self.report.stopped = error  # keep the order: later alerts wait for this one
        return False

    def deferred(self, alert: AlertView, exc: DeliveryError) -> bool:
        """Nothing was posted (429, Slack unreachable): wait as asked, attempt given back
        while the alert is young. Always stops the pass."""
        error = str(exc)
        refund = _young(alert, self.archive.clock())
        attempts = alert.attempts + (0 if refund else 1)
        if attempts >= self.config.max_attempts:
            self.give_up(alert, attempts, error)
            return False
        if exc.retry_after is not None:
            delay = min(timedelta(seconds=exc.retry_after), MAX_DELAY)
        else:
            delay = backoff(max(1, attempts), self.config.retry_seconds, self.rng)
        self.archive.outbox.retry_later(alert.id, error, delay, refund=refund)
        self.report.retried += 1
        log.warning(
            "alerts wait %d s (until %s UTC): %s",
            delay.total_seconds(),
            (self.archive.clock() + delay).strftime("%H:%M:%S"),
            error,
        )
        self.report.stopped = error
        return False

    def give_up(self, alert: AlertView, attempts: int, error: str) -> None:
        self.archive.outbox.fail(alert.id, error)
        self.report.failed += 1
        log.error("alert %d failed after %d attempts: %s", alert.id, attempts, error)


def dispatch(
    archive: Archive,
    transport: Transport,
    config: AlertConfig,
    limit: int | None = None,
    dry_run: bool = False,
    outlet_names: dict[str, str] | None = None,
    rng: Callable[[], float] = random.random,
    stop: threading.Event | None = None,
    buttons: bool | None = None,
) -> DispatchReport:
    """One pass over the due alerts, oldest first (see the module's docstring). ``buttons``:
    the feedback buttons on every message (None: when SLACK_APP_TOKEN is set)."""
    wanted = buttons_wanted(transport) if buttons is None else buttons
    run = _Pass(archive, transport, config, outlet_names or {}, rng, wanted)
    if dry_run:
        return _dry_run(run, limit)
    run.report.recovered = archive.outbox.recover()
    taken = run.lane(run.outbox.due(limit=limit), stop)
    if run.report.stopped is None:
        refresh_parents(run.outbox, transport, config, run.names, run.report, run.buttons)
    left = None if limit is None else limit - taken
    if run.report.stopped is None and (left is None or left > 0):
        run.review_lane(left, stop)
    return run.report


def _dry_run(run: _Pass, limit: int | None) -> DispatchReport:
    alerts = run.outbox.due(limit=limit)
    if run.config.review_channel:
        alerts += run.outbox.due(limit=limit, review=True)
    for alert in alerts[:limit]:
        settled = None if run.muted_until(alert) else run.settle(alert)
        if settled is not None:
            message = render_message(settled, run.config, run.names, run.archive, run.buttons)
            _send(run.transport, message, _thread_of(settled), alert, run.config)
            run.report.sent += 1
    return run.report


def refresh_parents(
    outbox: Outbox,
    transport: Transport,
    config: AlertConfig,
    names: dict[str, str],
    report: DispatchReport,
    buttons: bool = False,
) -> None:
    """Bring each story's first message up to date with its outlet count (chat.update).
    A failure leaves the story marked; the next pass tries again."""
    for story_id, alert_id, mark in outbox.archive.outbox.stale_parents():
        view = outbox.view(alert_id)
        if view is None or view.slack_ts is None:
            continue
        message = render_message(view, config, names, outbox.archive, buttons)
        try:
            transport.update(view.channel, view.slack_ts, message)
        except Exception as exc:  # a DeliveryError, or anything else: the story stays marked
            report.errors.append(f"story {story_id}: {exc}")
            log.warning("story %d: first message not updated, retrying later: %s", story_id, exc)
            return
        outbox.archive.outbox.parent_refreshed(story_id, mark)
        report.refreshed += 1
