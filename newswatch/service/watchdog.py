"""Source health: notice when an outlet fails, goes quiet, is blocked, or extracts badly —
and when alerts stall (pending without a single delivery attempt for over ten minutes).
:class:`NetworkWatch` says early (not after three failed runs) when the machine has no
network: every outlet crawled since the failures began failed name resolution.

Decisions are pure functions of an outlet's ``crawl_runs`` history (newest last) and the
clock. The ``health`` table remembers what is open, so each problem is announced once,
repeated at most daily while it lasts, and followed by a "recovered" message.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from itertools import pairwise
from statistics import quantiles
from typing import Any

from alerts.outbox import STALLED_AFTER, Outbox
from newswatch.archive import Archive
from newswatch.clock import from_sql_time

log = logging.getLogger("newswatch.watchdog")

FAILING_AFTER = 3  # consecutive failed runs
QUIET_MINIMUM = timedelta(hours=6)
QUIET_FACTOR = 3.0  # times the outlet's 90th-percentile gap between new articles
QUIET_HISTORY = 5  # gaps needed before "normal" is known
REPEAT_EVERY = timedelta(days=1)
BLOCKED_SHARE = 0.5  # of a run's requests refused (403/429/robots)
EMPTY_JUMP = 0.5  # share of empty extractions in recent runs...
EMPTY_BASELINE = 0.2  # ...when it used to be at most this
FAILED_STATUSES = frozenset({"failed", "timeout", "crashed"})


@dataclass(frozen=True)
class Issue:
    outlet: str
    kind: str  # failing, quiet, blocked, extraction
    detail: str


OUTLET_ISSUES = ("failing", "quiet", "blocked", "extraction")
#: The alert queue's own issue, kept under this name in ``health.outlet``.
ALERTS = "alerts"
STALLED = "stalled"
WATCHED_ISSUES = (*OUTLET_ISSUES, STALLED)


def assess(outlet: str, runs: Sequence[dict[str, Any]], now: datetime) -> list[Issue]:
    """The open problems of one outlet, from its runs (oldest first)."""
    if not runs:
        return []
    issues = []
    streak = 0
    for run in reversed(runs):
        if run["status"] not in FAILED_STATUSES:
            break
        streak += 1
    if streak >= FAILING_AFTER:
        issues.append(
            Issue(
                outlet,
                "failing",
                f"{streak} failed runs in a row; last error: {runs[-1].get('last_error') or 'none recorded'}",
            )
        )
    last = runs[-1]
    requests = (last.get("fetched") or 0) + (last.get("blocked") or 0)
    if last.get("blocked") and last["blocked"] / max(requests, 1) >= BLOCKED_SHARE:
        issues.append(
            Issue(
                outlet,
                "blocked",
                f"{last['blocked']} of {requests} requests refused (403/429/robots.txt) in the last run",
            )
        )
    new_times = [
        t for t in (from_sql_time(r.get("finished_at")) for r in runs if (r.get("new") or 0) > 0) if t
    ]
    gaps = [(b - a).total_seconds() for a, b in pairwise(new_times)]
    if len(gaps) >= QUIET_HISTORY and new_times:
        p90 = quantiles(gaps, n=10)[-1] if len(gaps) > 1 else gaps[0]
        limit = max(QUIET_MINIMUM, timedelta(seconds=QUIET_FACTOR * p90))
        silent = now - new_times[-1]
        if silent > limit:
            issues.append(
                Issue(
                    outlet,
                    "quiet",
                    f"no new article for {_span(silent)} (normal gap up to {_span(timedelta(seconds=p90))})",
                )
            )
    recent, before = runs[-3:], runs[-23:-3]

    def empty_share(rows: Sequence[dict[str, Any]]) -> float | None:
        fetched = sum(r.get("fetched") or 0 for r in rows)
        return sum(r.get("empty") or 0 for r in rows) / fetched if fetched else None

    now_share, base_share = empty_share(recent), empty_share(before)
    if (
        now_share is not None
        and base_share is not None
        and len(before) >= 5
        and now_share >= EMPTY_JUMP
        and base_share <= EMPTY_BASELINE
    ):
        issues.append(
            Issue(
                outlet,
                "extraction",
                f"{now_share:.0%} of fetched pages extract empty in the last "
                f"runs (usually {base_share:.0%}): the page layout may have changed",
            )
        )
    return issues


def stalled_alerts(archive: Archive, now: datetime) -> list[Issue]:
    """The alert queue's issue: alerts pending without one attempt for over STALLED_AFTER."""
    stalled = Outbox(archive).stalled(now)
    if not stalled.count:
        return []
    minutes = int(STALLED_AFTER.total_seconds() // 60)
    return [
        Issue(
            ALERTS,
            STALLED,
            f"{stalled.count} alert(s) pending with no delivery attempt for over {minutes} minutes "
            f"(oldest queued {stalled.oldest_created_at} UTC); see `newswatch alerts`",
        )
    ]


def _span(delta: timedelta) -> str:
    hours = delta.total_seconds() / 3600
    return f"{hours / 24:.1f} days" if hours >= 48 else f"{hours:.1f} h"


@dataclass(frozen=True)
class Notice:
    outlet: str
    kind: str
    text: str
    recovered: bool


def plan_notices(
    open_issues: list[Issue], known: dict[tuple[str, str], dict[str, Any]], now: datetime
) -> list[Notice]:
    """What to announce: new problems, problems unannounced for a day, and recoveries."""
    notices = []
    current = {(i.outlet, i.kind): i for i in open_issues}
    for key, issue in current.items():
        state = known.get(key)
        last = from_sql_time(state.get("last_notified_at")) if state else None
        if last is None or now - last >= REPEAT_EVERY:
            notices.append(
                Notice(
                    issue.outlet,
                    issue.kind,
                    f":warning: {issue.outlet}: {issue.kind} — {issue.detail}",
                    recovered=False,
                )
            )
    for key, state in known.items():
        if key not in current and not state.get("resolved_at"):
            notices.append(
                Notice(key[0], key[1], f":white_check_mark: {key[0]}: {key[1]} — recovered", recovered=True)
            )
    return notices


class Watchdog:
    """Reads crawl_runs, keeps the health table, sends notices through ``send``."""

    def __init__(self, archive: Archive, send: Callable[[str], None], history: int = 200):
        self.archive, self.send, self.history = archive, send, history

    def open_issues(self, now: datetime | None = None) -> list[Issue]:
        now = now or self.archive.clock()
        issues: list[Issue] = []
        for outlet in self.archive.runs.outlets():
            issues += assess(outlet, self.archive.runs.history(outlet, self.history), now)
        return issues + stalled_alerts(self.archive, now)

    def known(self) -> dict[tuple[str, str], dict[str, Any]]:
        """Open outlet issues and stalled alerts (Slack refusing the configuration, kept by
        the dispatcher, is not the watchdog's)."""
        return self.archive.health.open_issues(WATCHED_ISSUES)

    def run(self, now: datetime | None = None) -> list[Notice]:
        """One pass: assess, announce, remember. A notice that cannot be sent is retried next pass."""
        now = now or self.archive.clock()
        issues = self.open_issues(now)
        details = {(i.outlet, i.kind): i.detail for i in issues}
        known = self.known()
        sent = []
        for notice in plan_notices(issues, known, now):
            try:
                self.send(notice.text)
            except Exception as exc:  # a transport of any kind; retried on the next pass
                log.warning("health notice for %s (%s) not sent: %s", notice.outlet, notice.kind, exc)
                continue
            sent.append(notice)
            if notice.recovered:
                self.archive.health.resolve(notice.outlet, notice.kind, now)
            else:
                self.archive.health.notified(
                    notice.outlet, notice.kind, details[(notice.outlet, notice.kind)], now
                )
        return sent


class NetworkWatch:
    """Tells "no network" from outlets failing. Fed each crawl's network verdict as it ends
    (from the crawls' threads): ``resolved`` (a source read or an HTTP response), ``dns`` (only
    failed name lookups) or ``unknown`` (a timeout, a crash, a stop: says nothing either way).

    "No network" is said once, early: when every outlet crawled since the last crawl that
    resolved failed DNS, and at least two distinct outlets (or every outlet, when there are
    fewer) began failing DNS since then (an outlet whose name stopped resolving while others
    resolved is that outlet's problem, not the network's). It is not said again until a
    crawl resolves ("network back": only a crawl that resolved a name ends it)."""

    def __init__(self, outlets: Collection[str]):
        self.outlets = frozenset(outlets)
        self.offline = False
        self._seq = 0  # crawls seen, in the order they ended
        self._resolved = 0  # the sequence number of the latest crawl that resolved
        self._latest: dict[str, tuple[int, str]] = {}  # outlet → (sequence, verdict) of its latest crawl
        self._dns_since: dict[str, int] = {}  # outlet → first crawl of its current run of DNS failures
        self._lock = threading.Lock()

    def saw(self, outlet: str, network: str) -> str | None:
        """The message to log after this crawl, if the network's state changed."""
        with self._lock:
            self._seq += 1
            self._latest[outlet] = (self._seq, network)
            if network == "resolved":
                self._resolved = self._seq
                self._dns_since.pop(outlet, None)
                if self.offline:
                    self.offline = False
                    return f"network back: {outlet}'s host names resolve again"
                return None
            if network == "dns":
                self._dns_since.setdefault(outlet, self._seq)
            if self.offline:
                return None
            since = {o: v for o, (seq, v) in self._latest.items() if seq > self._resolved}
            began = {o for o, v in since.items() if v == "dns" and self._dns_since.get(o, 0) > self._resolved}
            if not began or any(v != "dns" for v in since.values()):
                return None
            if len(began) < min(2, len(self.outlets) or 1):
                return None
            self.offline = True
            return (
                f"no network: every outlet failed DNS ({len(since)} outlets crawled since the failures "
                f"began, of {len(self.outlets)}); check this machine's network and DNS"
            )
