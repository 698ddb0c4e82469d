"""Deliver due alerts: claim, render, send, record. Never runs inside the crawl.

Order is kept: a transient failure (Slack down, rate limited past the retries) stops the
pass and the same alert goes first next time. A configuration error (bad token, unknown
channel) stops the pass without spending attempts, so delivery resumes in order once it is
fixed; it is logged once and kept open in the ``health`` table (``slack``/``delivery``) until
an alert goes through again. A message Slack will never accept is marked failed at once and
the pass goes on.
"""

from __future__ import annotations

import fcntl
import logging
import random
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

from alerts.config import AlertConfig
from alerts.outbox import Outbox
from alerts.render import render_alert
from alerts.transports import ConsoleTransport, DeliveryError, SlackTransport, Transport
from archive import Archive

log = logging.getLogger("newswatch.alerts")
MAX_DELAY = timedelta(hours=1)
CONFIG_RETRY = timedelta(minutes=5)
#: The ``health`` row a configuration error opens (shown by `newswatch outlets` and Datasette).
DELIVERY_HEALTH = ("slack", "delivery")


class DispatcherBusy(RuntimeError):
    """Another dispatcher holds the lock on this archive."""


@dataclass
class DispatchReport:
    sent: int = 0
    retried: int = 0
    failed: int = 0
    recovered: int = 0  # alerts left mid-send by a crash, sent again
    refreshed: int = 0  # stories' first messages updated with their outlet count
    stopped: str | None = None  # why the pass ended early
    config_error: bool = False  # it ended on a configuration error (token, channel)
    errors: list[str] = field(default_factory=list)


def backoff(attempts: int, base: float, rng: Callable[[], float] = random.random) -> timedelta:
    """Exponential backoff with jitter: base·2^(attempts-1), at most an hour, drawn from
    the upper half of that span."""
    span = min(MAX_DELAY.total_seconds(), base * 2 ** max(0, attempts - 1))
    return timedelta(seconds=span / 2 + rng() * span / 2)


def make_transport(config: AlertConfig, echo: Callable[[str], None] = print) -> Transport:
    if config.slack:
        return SlackTransport(config.slack_token, config.channel, config.api_url, config.min_interval)
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


def dispatch(
    archive: Archive,
    transport: Transport,
    config: AlertConfig,
    limit: int | None = None,
    dry_run: bool = False,
    outlet_names: dict[str, str] | None = None,
    rng: Callable[[], float] = random.random,
) -> DispatchReport:
    outbox = Outbox(archive)
    report = DispatchReport()
    if not dry_run:
        report.recovered = outbox.recover()
    names = outlet_names or {}
    roots: dict[int | None, str | None] = {}  # story → ts of its first message, sent in this pass
    for alert in outbox.due(limit=limit):
        message = render_alert(alert, config.timezone, names.get(alert.outlet), names)
        meta: dict[str, Any] = {
            "alert_id": alert.id,
            "article_id": alert.article_id,
            "kind": alert.kind,
            "severity": alert.severity,
            "url": alert.url,
            "outlet": alert.outlet,
        }
        thread_ts = (alert.parent_ts or roots.get(alert.story_id)) if alert.kind != "new" else None
        if alert.kind != "new" and thread_ts is None and alert.parent_status not in (None, "failed"):
            continue  # the story's first alert is not delivered yet; the reply waits for its thread
        if dry_run:
            transport.send(message, thread_ts=thread_ts, meta=meta)
            report.sent += 1
            continue
        if not outbox.claim(alert.id):
            continue  # taken by someone else
        try:
            sent = transport.send(message, thread_ts=thread_ts, meta=meta)
        except DeliveryError as exc:
            error = str(exc)
            report.errors.append(f"alert {alert.id}: {error}")
            if exc.config:
                outbox.retry_later(alert.id, error, CONFIG_RETRY, count_attempt=False)
                if archive.open_health(DELIVERY_HEALTH[0], DELIVERY_HEALTH[1], error):
                    log.error("alerts not delivered, fix the configuration: %s", error)  # once
                else:
                    log.debug("alerts still not delivered: %s", error)
                report.stopped, report.config_error = error, True
                break
            attempts = alert.attempts + 1
            if not exc.retryable or attempts >= config.max_attempts:
                outbox.fail(alert.id, error)
                report.failed += 1
                log.error("alert %d failed after %d attempts: %s", alert.id, attempts, error)
                continue
            outbox.retry_later(alert.id, error, backoff(attempts, config.retry_seconds, rng))
            report.retried += 1
            log.warning("alert %d not delivered (attempt %d), retrying later: %s", alert.id, attempts, error)
            report.stopped = error  # keep the order: later alerts wait for this one
            break
        outbox.mark_sent(alert.id, sent.transport, sent.channel, sent.ts, thread_ts)
        if report.sent == 0 and archive.resolve_health(*DELIVERY_HEALTH):
            log.warning("alerts delivered again (%s)", sent.transport)
        if alert.kind == "new":
            roots[alert.story_id] = sent.ts
        report.sent += 1
    if not dry_run and report.stopped is None:
        refresh_parents(outbox, transport, config, names, report)
    return report


def refresh_parents(
    outbox: Outbox, transport: Transport, config: AlertConfig, names: dict[str, str], report: DispatchReport
) -> None:
    """Bring each story's first message up to date with its outlet count (chat.update).
    A failure leaves the story marked; the next pass tries again."""
    for story_id, alert_id, mark in outbox.stale_parents():
        view = outbox.view(alert_id)
        if view is None or view.slack_ts is None:
            continue
        message = render_alert(view, config.timezone, names.get(view.outlet), names)
        try:
            transport.update(view.channel, view.slack_ts, message)
        except DeliveryError as exc:
            report.errors.append(f"story {story_id}: {exc}")
            log.warning("story %d: first message not updated, retrying later: %s", story_id, exc)
            return
        outbox.parent_refreshed(story_id, mark)
        report.refreshed += 1
