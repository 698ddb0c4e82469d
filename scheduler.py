"""The monitor as one long-lived service: `newswatch run` (or `python scheduler.py`).

APScheduler 3 (BlockingScheduler) runs:

- each enabled outlet's crawl on its own interval (with jitter) as a process of its own with a
  hard timeout (forked by the crawl forkserver, or a new Python process: NEWSWATCH_CRAWL_START)
  — runs of one outlet never overlap, at most NEWSWATCH_MAX_PARALLEL_CRAWLS at once;
- alert delivery right after each crawl and every minute, on an executor of its own: a slow,
  hanging or rate-limiting Slack never holds up a crawl, and every Slack call is bounded;
- the digest daily at NEWSWATCH_DIGEST_AT (a restart after that time still sends it, once),
  and a retry of an undelivered digest every 15 minutes;
- the source-health watchdog every 15 minutes, and a heartbeat log line every hour;
- the week's rules ledger to the ops channel once a week (NEWSWATCH_RULES_REPORT_DAY, from
  the digest's time of day; a restart within a day after it still sends it, once);
- with SLACK_APP_TOKEN, the clicks on the alerts' buttons through Slack's Socket Mode
  (newswatch/service/socket.py; what a click does: alerts/actions.py).

`newswatch run --once` runs every job once and exits (for cron): exit 1 when every crawl
failed, timed out or crashed, or when it was stopped. One service per archive (a lock file);
SIGTERM/SIGINT stop it cleanly, with or without ``--once``: running crawls are asked to finish
(the log says which, and for how long), no row is half-written, and a Slack call in flight gets
a few seconds (``STOP_GRACE``), whatever Slack does. A second SIGINT/SIGTERM stops the running
crawls at once (their runs recorded ``partial``), and so does the first stop's own deadline
(``STOP_DEADLINE``, 60 s: under systemd's and compose's 90 s). The service never exits (nor
releases its lock) before its crawls have ended.

The log: one line per crawl (with its first error when it had any), "no network" once, early,
when every outlet crawled since the failures began failed DNS; APScheduler's own lines only
from warnings up.
"""

from __future__ import annotations

import contextlib
import fcntl
import functools
import gc
import logging
import os
import signal
import sqlite3
import sys
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor as Pool
from datetime import UTC, datetime, timedelta
from pathlib import Path
from types import FrameType
from typing import Any, TextIO

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.jobstores.base import JobLookupError
from apscheduler.schedulers.blocking import BlockingScheduler
from apscheduler.triggers.interval import IntervalTrigger

from alerts import (
    AlertConfig,
    DigestOutcome,
    DispatcherBusy,
    alert_config,
    dispatch,
    dispatcher_lock,
    make_transport,
)
from alerts import send_digest as deliver_digest
from alerts.actions import apply, forged, read_clicks
from alerts.dispatch import update_message
from alerts.render import SlackMessage, slack_escape
from alerts.transports import SlackTransport
from newswatch.archive import Archive, ArchiveError, storage_hint, unusable_path
from newswatch.clock import Clock, from_sql_time, sql_time, utcnow
from newswatch.errors import NewswatchError, SettingError
from newswatch.feedback import ledger
from newswatch.feedback.report import build as build_report
from newswatch.outlets import Outlet, load_outlets, select
from newswatch.rules.loader import load_gazetteer
from newswatch.sanctions.announce import announce
from newswatch.service.launcher import NOT_STARTED, CrawlOutcome, Launcher
from newswatch.service.schedule import (
    DigestTime,
    digest_owed,
    digest_trigger,
    outlet_trigger,
    parse_digest_at,
    rider_next,
    riders,
)
from newswatch.service.socket import PING_INTERVAL, FeedbackSocket
from newswatch.service.watchdog import FAILED_STATUSES, NetworkWatch, Watchdog
from newswatch.workers.ingest import IngestServer, ingest_server
from newswatch.workers.scrapyd import ScrapydLauncher, scrapyd_launcher

log = logging.getLogger("newswatch.service")

#: Older articles read for entities per turn of the service's ``entities`` job (every ten
#: minutes; about 0.75 ms each, so a few seconds a turn and 720,000 articles a day).
ENTITY_BATCH = 5_000
DIGEST_STATE = "digest_last_run"


class AlreadyRunning(RuntimeError):
    """Another service holds this archive's lock."""


class ServiceLock:
    """One `newswatch run` per archive: an OS file lock (released if the process dies)."""

    def __init__(self, data_dir: Path):
        self.path = data_dir / "service.lock"
        self.handle: TextIO | None = None

    def acquire(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        handle = self.path.open("a+")
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            handle.seek(0)
            holder = handle.read().strip() or "unknown"
            handle.close()
            raise AlreadyRunning(
                f"another newswatch run is already running on this archive (pid {holder}); "
                f"lock file {self.path}"
            ) from None
        handle.seek(0)
        handle.truncate()
        handle.write(str(os.getpid()))
        handle.flush()
        self.handle = handle

    def release(self) -> None:
        if self.handle is not None:
            fcntl.flock(self.handle, fcntl.LOCK_UN)
            self.handle.close()
            self.handle = None


class Service:
    def __init__(self, settings: Any, outlets: list[Outlet] | None = None, clock: Clock = utcnow):
        self.settings = settings
        self.clock = clock
        self.db_path = settings.get("NEWSWATCH_DB")
        self.config: AlertConfig = alert_config(settings)
        self.outlets = (
            outlets if outlets is not None else select(load_outlets(settings.get("NEWSWATCH_OUTLETS")), [])
        )
        self.outlet_names = {o.key: o.name for o in self.outlets}
        self.digest_at: DigestTime = parse_digest_at(
            settings.get("NEWSWATCH_DIGEST_AT"), self.config.timezone
        )
        # crawls on Scrapyd workers hand their finds to the ingest endpoint (docs/scaling.md)
        self.ingest: IngestServer | None = ingest_server(settings, clock)
        ingest_url = settings.get("NEWSWATCH_INGEST_URL") or ""
        self.launcher: Launcher | ScrapydLauncher = scrapyd_launcher(
            settings, lambda: ingest_url or (self.ingest.url if self.ingest else "")
        ) or Launcher(
            self.db_path,
            settings.getfloat("NEWSWATCH_CRAWL_TIMEOUT"),
            cwd=Path.cwd(),
            start=settings.get("NEWSWATCH_CRAWL_START") or "process",
        )
        self.parallel = max(1, settings.getint("NEWSWATCH_MAX_PARALLEL_CRAWLS"))
        # outlets due about the same time share a crawl (one start-up for several polls)
        self.group = max(1, settings.getint("NEWSWATCH_CRAWL_GROUP", 1))
        self.intervals = {o.key: o.interval for o in self.outlets}
        self._group_lock = threading.Lock()
        self._rode: dict[str, float] = {}  # outlet → when (monotonic) it last went with another's crawl
        self._alone: set[str] = set()  # their last crawl timed out, crashed or was slow: crawled alone
        self._claimed: set[str] = set()  # in a crawl now (their own, or another outlet's)
        self.lock = ServiceLock(self.config.data_dir)
        self._dispatch_lock = threading.Lock()
        self._dispatch_wanted = threading.Event()
        self._stop = threading.Event()  # set by stop(): every Slack wait ends
        self.scheduler: BlockingScheduler | None = None
        self.stopping = False
        self.network = NetworkWatch([o.key for o in self.outlets])
        self.app_token = str(settings.get("SLACK_APP_TOKEN") or "")
        self.mute_days = settings.getfloat("NEWSWATCH_MUTE_DAYS", 7.0)
        if self.app_token and not self.config.slack:
            raise SettingError(
                "settings: SLACK_APP_TOKEN needs SLACK_BOT_TOKEN "
                "(the bot posts the messages the buttons are on)"
            )
        self.feedback: FeedbackSocket | None = None

    def _guarded(self, job: Callable[..., None]) -> Callable[..., None]:
        return storage_errors_logged(job, Path(self.db_path))

    def _archive(self) -> Archive:
        return Archive(self.db_path, clock=self.clock)

    # --- jobs ----------------------------------------------------------------------------

    def crawl(self, outlet: str) -> None:
        if self.stopping:
            return
        group = self._group(outlet)
        if not group:
            return
        try:
            outcomes = self.launcher.run_group(group)
        finally:
            with self._group_lock:
                self._claimed.difference_update(group)
        for outcome in outcomes:
            self.crawled(outcome)
        self.request_delivery()  # alerts within a minute: right after the crawl that found them

    def _group(self, outlet: str) -> list[str]:
        """The outlets of ``outlet``'s crawl: itself and those due within their jitter
        (:func:`riders`), up to ``NEWSWATCH_CRAWL_GROUP``, their next polls moved to just after
        this one's next; none when ``outlet`` went with another outlet's crawl within half its
        interval (its own trigger fired meanwhile) or is in a crawl now (a long one it went
        with). An outlet whose last crawl timed out, crashed or took more than its share of the
        crawl timeout is crawled alone, so one that hangs or has much to fetch does not hold up
        others twice. The outlets returned are claimed until :meth:`crawl` has run them."""
        with self._group_lock:
            if outlet in self._claimed:
                log.debug("[%s] not polled again: it is in a crawl now", outlet)
                return []
            group = self._choose(outlet)
            self._claimed.update(group)
            return group

    def _choose(self, outlet: str) -> list[str]:
        """``outlet`` and its riders (under the group lock)."""
        went = self._rode.pop(outlet, None)
        if went is not None and time.monotonic() - went < self.intervals[outlet].total_seconds() / 2:
            log.debug("[%s] polled with another outlet's crawl moments ago", outlet)
            return []
        scheduler = self.scheduler
        room = self.group - 1
        if (
            room < 1
            or scheduler is None
            or outlet in self._alone
            or not self.launcher.groups
        ):
            return [outlet]
        jobs = {
            job.id.removeprefix("crawl:"): job
            for job in scheduler.get_jobs()
            if job.id.startswith("crawl:")
        }
        due = {key: job.next_run_time for key, job in jobs.items() if key in self.intervals}
        now = datetime.now(UTC)
        busy = self._alone | self._claimed | set(self.launcher.running())
        chosen = riders(outlet, due, self.intervals, now, room, busy)
        leader = jobs.get(outlet)
        leader_next = leader.next_run_time if leader is not None else None
        for key in chosen:
            self._rode[key] = time.monotonic()
            with contextlib.suppress(JobLookupError):
                scheduler.modify_job(
                    f"crawl:{key}",
                    next_run_time=rider_next(key, leader_next, self.intervals, outlet, now),
                )
        return [outlet, *chosen]

    def crawled(self, outcome: CrawlOutcome) -> CrawlOutcome:
        """Note a crawl's outcome: "no network" is said once, early, when every outlet crawled
        since the failures began failed DNS; "network back" when a crawl resolves again."""
        if outcome.status == NOT_STARTED:
            return outcome
        share = self.launcher.timeout / self.group  # a group of slower ones could reach the timeout
        with self._group_lock:
            if outcome.status in ("timeout", "crashed") or outcome.seconds > share:
                self._alone.add(outcome.outlet)
            else:
                self._alone.discard(outcome.outlet)
        message = self.network.saw(outcome.outlet, outcome.name_lookup)
        if message:
            log.log(logging.WARNING if self.network.offline else logging.INFO, message)
        return outcome

    def request_delivery(self) -> None:
        """Ask the delivery executor for a pass now; never delivers on the caller's thread."""
        self._dispatch_wanted.set()
        if self._dispatch_lock.locked() or self.scheduler is None or self.stopping:
            return  # a running pass goes round again (it sees the flag)
        try:
            self.scheduler.modify_job("dispatch", next_run_time=datetime.now(UTC))
        except Exception as exc:  # the scheduler is shutting down: nothing to ask
            log.debug("alerts: delivery not requested: %s", exc)

    def deliver(self) -> None:
        """Deliver due alerts; a request while a pass runs makes it go round again."""
        self._dispatch_wanted.set()
        while self._dispatch_wanted.is_set() and not self._stop.is_set():
            if not self._dispatch_lock.acquire(blocking=False):
                return
            try:
                while self._dispatch_wanted.is_set() and not self._stop.is_set():
                    self._dispatch_wanted.clear()
                    self._deliver_once()
            finally:
                self._dispatch_lock.release()

    def _deliver_once(self) -> None:
        archive = self._archive()
        try:
            with dispatcher_lock(self.config.data_dir):
                report = dispatch(
                    archive,
                    make_transport(self.config, log.info, stop=self._stop),
                    self.config,
                    outlet_names=self.outlet_names,
                    stop=self._stop,
                    buttons=bool(self.app_token),
                )
            if report.sent or report.retried or report.failed or report.muted:
                log.info(
                    "alerts: sent %d, retry later %d, failed %d%s",
                    report.sent,
                    report.retried,
                    report.failed,
                    f", muted {report.muted}" if report.muted else "",
                )
        except DispatcherBusy:
            log.info("alerts: another dispatcher is delivering; skipping")
        finally:
            archive.close()

    # --- the buttons on alert messages (Socket Mode) -------------------------------------------

    def start_feedback(self, ping_interval: float = PING_INTERVAL, retry: float = 30.0) -> None:
        """With SLACK_APP_TOKEN: connect to Slack's Socket Mode in the background and handle
        the clicks on the alerts' buttons (:meth:`judged`)."""
        if not self.app_token or self.feedback is not None:
            return
        from slack_sdk import WebClient

        web = WebClient(
            token=self.config.slack_token, base_url=self.config.api_url, timeout=10, retry_handlers=[]
        )
        self.feedback = FeedbackSocket(self.app_token, web, self._guarded(self.judged), ping_interval, retry)
        self.feedback.start()

    def stop_feedback(self) -> None:
        if self.feedback is not None:
            self.feedback.close()
            self.feedback = None

    def judged(self, payload: dict[str, Any]) -> None:
        """A ``block_actions`` payload (acknowledged already): each click that matches an alert
        as archived is stored and its message shown again with who judged what; a click that
        does not (an unknown action, a forged or stale id) is logged and left alone. A "Wrong
        story" that queued a new first message asks for a delivery pass."""
        clicks, ignored = read_clicks(payload)
        for why in ignored:
            log.warning("Slack click ignored: %s", why)
        if not clicks:
            return
        transport = SlackTransport(
            self.config.slack_token,
            self.config.channel,
            self.config.api_url,
            self.config.min_interval,
            stop=self._stop,
        )
        archive = self._archive()
        try:
            for click in clicks:
                alert = archive.outbox.get(click.alert_id)
                problem = forged(click, alert)
                if problem is not None or alert is None:
                    log.warning("Slack click ignored (%s by %s): %s", click.action, click.who, problem)
                    continue
                done = apply(archive, click, alert, self.mute_days)
                log.info(
                    "Slack: %s by %s on alert %d%s",
                    done.what,
                    click.who,
                    click.alert_id,
                    f" ({done.note})" if done.note else "",
                )
                try:
                    update_message(archive, click.alert_id, transport, self.config, self.outlet_names)
                except NewswatchError as exc:  # stored; the message shows it at its next update
                    log.warning("alert %d: message not updated after the click: %s", click.alert_id, exc)
                if done.queued_for is not None:
                    self.request_delivery()
        finally:
            archive.close()

    def digest(self, only_pending: bool = False) -> None:
        archive = self._archive()
        try:
            if only_pending and not archive.digests.has_pending():
                return
            if not only_pending:
                archive.state.set(DIGEST_STATE, sql_time(self.clock()) or "")
            outcome = deliver_digest(archive, self.config, self.outlet_names)
        finally:
            archive.close()
        if outcome.error:
            log.error(
                "digest %s not delivered (%s): %s", outcome.digest_id, _digest_fate(outcome), outcome.error
            )
        elif outcome.items:
            log.info(
                "digest %s delivered (%s): %d items", outcome.digest_id, outcome.transport, outcome.items
            )
        else:
            log.info("digest: nothing flagged since the last one")

    def digest_owed(self, now: datetime | None = None) -> bool:
        archive = self._archive()
        try:
            last = archive.state.get(DIGEST_STATE)
        finally:
            archive.close()
        last_run = from_sql_time(last)
        return digest_owed(now or self.clock(), self.digest_at, last_run)

    def watchdog(self) -> None:
        send = self._ops_sender("source health: %s")
        archive = self._archive()
        try:
            try:  # new Chinese and Hong Kong entries on the lists; a failed send is tried next pass
                announced = announce(archive, send)
            except (NewswatchError, OSError) as exc:
                log.warning("the ops message on new list entities was not sent: %s; tried again", exc)
                announced = 0
            if announced:
                log.info("ops message sent: %d new Chinese or Hong Kong entities on the lists", announced)
            for notice in Watchdog(archive, send).run(self.clock()):
                log.info(
                    "source health notice sent: %s %s%s",
                    notice.outlet,
                    notice.kind,
                    " recovered" if notice.recovered else "",
                )
        finally:
            archive.close()

    def _ops_sender(self, unsent: str) -> Callable[[str], None]:
        """Messages to the ops channel (``NEWSWATCH_SLACK_OPS_CHANNEL``, else the alert
        channel), through one Slack transport (its pacing holds across them; DeliveryError when
        Slack did not take one); without a Slack token, each is a warning in the log, written
        with ``unsent``."""
        if not self.config.slack:
            return lambda text: log.warning(unsent, text)
        channel = self.settings.get("NEWSWATCH_SLACK_OPS_CHANNEL") or self.config.channel
        slack = SlackTransport(
            self.config.slack_token, channel, self.config.api_url, self.config.min_interval, stop=self._stop
        )

        def send(text: str) -> None:
            safe = slack_escape(text)
            slack.send(SlackMessage(safe, [{"type": "section", "text": {"type": "mrkdwn", "text": safe}}]))

        return send

    def rules_report(self) -> None:
        """The week's rules ledger (``newswatch rules report`` of the last 7 days) as one ops
        message, once a week: on NEWSWATCH_RULES_REPORT_DAY from the digest's time of day, or
        at the first turn after it (a service stopped over it, back within a day);
        ``service_state`` remembers the week sent, so a restart never sends it twice. A message
        Slack did not take is tried again at the next turn. Nothing is sent before the team's
        first judgement (an archive without labels has no ledger to keep)."""
        day = ledger.weekday(self.settings.get("NEWSWATCH_RULES_REPORT_DAY") or "off")
        if day is None:
            return
        now = self.clock()
        archive = self._archive()
        try:
            week = ledger.owed(
                now, day, self.digest_at.at, self.digest_at.zone, archive.state.get(ledger.STATE_KEY)
            )
            if week is None or not archive.labels.count():
                return
            since = now - ledger.WEEK
            report = build_report(
                sql_time(since) or "", archive.labels.flagged_since(since), archive.labels.missed_since(since)
            )
            try:
                self._ops_sender("the week's rules ledger (no Slack token): %s")(
                    ledger.message(report, now, self.config.timezone)
                )
            except (NewswatchError, OSError) as exc:
                log.warning("the week's rules ledger was not sent: %s; tried again at the next turn", exc)
                return
            archive.state.set(ledger.STATE_KEY, week)
        finally:
            archive.close()
        log.info(
            "rules ledger for the week of %s sent: %d alerts, %d judged, %d missed",
            week,
            report.total.alerts,
            report.total.judged,
            len(report.misses),
        )

    def index_entities(self) -> None:
        """Read the articles archived before entity tracking, or under an earlier gazetteer,
        for the entities they name (``article_entities``): ``ENTITY_BATCH`` per turn, so a
        large archive is caught up in the background without holding up crawls."""
        archive = self._archive()
        try:
            gazetteer = load_gazetteer(
                self.settings.get("NEWSWATCH_RULES"),
                self.settings.getint("NEWSWATCH_MAX_MATCH_CHARS"),
                listed=archive.listings.organisations(),
            )
            done = archive.verdicts.index_entities(
                gazetteer.fingerprint, gazetteer.named_in, limit=ENTITY_BATCH
            )
        finally:
            archive.close()
        if done:
            log.info("read %d older articles for the entities they name", done)

    def update_lists(self) -> None:
        """`newswatch entities update` as a job: each list that is on, downloaded again (a 304
        when unchanged); a list that fails keeps its last good copy and opens a source-health
        entry (``list:<key>``)."""
        from newswatch.sanctions.lists import LISTS
        from newswatch.sanctions.update import merge_entities, update

        keys = [k for k in self.settings.get("NEWSWATCH_ENTITY_LISTS").split(",") if k]
        urls = {key: self.settings.get(LISTS[key].setting) for key in keys}
        archive = self._archive()
        try:
            outcomes = update(archive, urls, Path(self.db_path).parent / "lists")
            if any(o.status == "updated" for o in outcomes):  # one entity per company, again
                merge_entities(archive, load_gazetteer(self.settings.get("NEWSWATCH_RULES")).entities)
        finally:
            archive.close()
        for outcome in outcomes:
            if outcome.status == "failed":
                log.warning("list %s failed: %s; the last good copy is kept", outcome.key, outcome.error)
            else:
                log.info(
                    "list %s %s: %d entries, %d kept, %d new, %d removed",
                    outcome.key,
                    outcome.status,
                    outcome.entries,
                    outcome.kept,
                    len(outcome.added),
                    len(outcome.removed),
                )

    def heartbeat(self) -> None:
        archive = self._archive()
        try:
            runs = archive.runs.finished_since(self.clock() - timedelta(hours=1))
            alerts = archive.outbox.counts()
            issues = archive.health.open_count()
        finally:
            archive.close()
        log.info(
            "heartbeat: last hour %d crawls (%d ok or partial), %d new articles, %d flagged; "
            "alerts pending %d, failed %d, sent %d; open source-health issues %d",
            runs["runs"],
            runs["ok"],
            runs["new"],
            runs["flagged"],
            alerts.get("pending", 0),
            alerts.get("failed", 0),
            alerts.get("sent", 0),
            issues,
        )

    # --- running ---------------------------------------------------------------------------

    def build(self) -> BlockingScheduler:
        scheduler = BlockingScheduler(
            executors={
                "default": ThreadPoolExecutor(4),
                "crawls": ThreadPoolExecutor(self.parallel),
                "delivery": ThreadPoolExecutor(1),  # Slack never holds up a crawl
            },
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": 300},
            timezone=UTC,
        )
        now = datetime.now(UTC)
        for outlet in self.outlets:
            scheduler.add_job(
                self._guarded(self.crawl),
                outlet_trigger(outlet.interval),
                args=[outlet.key],
                id=f"crawl:{outlet.key}",
                name=f"crawl {outlet.key}",
                executor="crawls",
                next_run_time=now,
                misfire_grace_time=int(outlet.interval.total_seconds()),
            )
        scheduler.add_job(
            self._guarded(self.deliver),
            IntervalTrigger(minutes=1),
            id="dispatch",
            name="deliver alerts",
            executor="delivery",
        )
        scheduler.add_job(
            self._guarded(self.digest),
            digest_trigger(self.digest_at),
            id="digest",
            name=f"digest at {self.digest_at}",
            misfire_grace_time=int(timedelta(hours=12).total_seconds()),
        )
        scheduler.add_job(
            self._guarded(self.digest),
            IntervalTrigger(minutes=15),
            kwargs={"only_pending": True},
            id="digest-retry",
            name="retry an undelivered digest",
        )
        scheduler.add_job(
            self._guarded(self.watchdog),
            IntervalTrigger(minutes=15),
            id="watchdog",
            name="source health",
            next_run_time=now + timedelta(minutes=1),
        )
        scheduler.add_job(
            self._guarded(self.heartbeat), IntervalTrigger(hours=1), id="heartbeat", name="heartbeat"
        )
        if ledger.weekday(self.settings.get("NEWSWATCH_RULES_REPORT_DAY") or "off") is not None:
            scheduler.add_job(
                self._guarded(self.rules_report),
                IntervalTrigger(minutes=15),
                id="rules-report",
                name="the week's rules ledger",
                next_run_time=now + timedelta(minutes=3),
            )
        every = self.settings.getfloat("NEWSWATCH_ENTITY_UPDATE_HOURS")
        if every > 0:
            scheduler.add_job(
                self._guarded(self.update_lists),
                IntervalTrigger(hours=every),
                id="lists",
                name="update the official lists",
                next_run_time=now + timedelta(minutes=5),
            )
        scheduler.add_job(
            self._guarded(self.index_entities),
            IntervalTrigger(minutes=10),
            id="entities",
            name="read older articles for entities",
            next_run_time=now + timedelta(minutes=2),
        )
        return scheduler

    def stop(self, signum: int, frame: FrameType | None = None) -> None:
        name = signal.Signals(signum).name
        if self.stopping:
            if not self.launcher.stopping_now:
                crawls = ", ".join(f"{o}'s crawl" for o in sorted(self.launcher.running()))
                log.warning("second %s: stopping %snow", name, f"{crawls} " if crawls else "")
                self.launcher.stop_all(now=True)
            return
        running = self.launcher.running()
        if running:
            log.warning(
                "%s received: stopping; waiting for %d running crawl(s) to finish the requests in "
                "flight (each up to DOWNLOAD_TIMEOUT %.0f s, at most %.0f s before they are stopped "
                "at once): %s. Press Ctrl-C again (or send %s again) to stop now: their runs are "
                "recorded as partial",
                name,
                len(running),
                self.settings.getfloat("DOWNLOAD_TIMEOUT"),
                self.launcher.stop_deadline,
                ", ".join(f"{o} (running {s:.0f} s)" for o, s in sorted(running.items())),
                name,
            )
        else:
            log.info("%s received: stopping", name)
        self.stopping = True
        self._stop.set()
        self.launcher.stop_all()
        if self.scheduler is not None:
            self.scheduler.shutdown(wait=False)

    def run_forever(self) -> int:
        self.lock.acquire()
        try:
            log.info(
                "newswatch service: %d outlets, digest at %s, alerts via %s",
                len(self.outlets),
                self.digest_at,
                "Slack" if self.config.slack else "console and alerts.jsonl",
            )
            self.scheduler = self.build()
            signal.signal(signal.SIGTERM, self.stop)
            signal.signal(signal.SIGINT, self.stop)
            if self.ingest is not None:
                self.ingest.start()
            self.launcher.open()  # the crawl forkserver imports while the service starts
            self.start_feedback()
            if self.digest_owed():
                self.scheduler.add_job(
                    self._guarded(self.digest),
                    id="digest-catch-up",
                    name="digest missed while stopped",
                )
            self.scheduler.start()  # blocks until stop()
            self.stop_feedback()
            for executor in ("crawls", "delivery", "default"):  # let running jobs finish their transactions
                self.scheduler._lookup_executor(executor).shutdown(wait=True)
            log.info("newswatch service stopped")
            return 0
        finally:
            self.stop_feedback()
            self.launcher.close()  # the crawls have ended
            if self.ingest is not None:
                self.ingest.stop()
            self.lock.release()

    def _catch_stop_signals(self) -> dict[int, Any]:
        """SIGTERM and SIGINT call :meth:`stop` (from the main thread only); the handlers they
        replace, to put back."""
        if threading.current_thread() is not threading.main_thread():
            return {}
        return {signum: signal.signal(signum, self.stop) for signum in (signal.SIGTERM, signal.SIGINT)}

    def run_once(self) -> int:
        """Every job once: crawl every outlet (in parallel, up to the limit), deliver alerts,
        check source health, send the digest if its time has come and it has not gone out.
        Exit code 1 when every crawl failed, timed out or crashed (some failing is the
        watchdog's to report), or when a stop signal cut the pass short: as with ``run``, the
        log says which crawls it waits for, a second signal (or ``STOP_DEADLINE``) stops them
        at once, and it returns only once they have ended."""
        self.lock.acquire()
        previous = self._catch_stop_signals()
        try:
            self._archive().close()  # created and migrated once, before crawls start in parallel
            if self.ingest is not None:
                self.ingest.start()
            self.launcher.open()
            with Pool(self.parallel) as pool:  # leaves once every crawl has ended
                outcomes = [
                    self.crawled(o) for o in pool.map(self.launcher.run, [o.key for o in self.outlets])
                ]
            if self.stopping:
                started = [o for o in outcomes if o.status != NOT_STARTED]
                log.warning(
                    "stopped: %d crawl(s) ended, %d not started; alerts, source health and the "
                    "digest wait for the next run",
                    len(started),
                    len(outcomes) - len(started),
                )
                return 1
            self.deliver()
            self.watchdog()
            self._guarded(self.rules_report)()
            if self.digest_owed():
                self.digest()
            self.digest(only_pending=True)
            self.heartbeat()
            if outcomes and all(o.status in FAILED_STATUSES for o in outcomes):
                log.error("every crawl failed (%d outlets)", len(outcomes))
                return 1
            return 0
        finally:
            self.launcher.close()
            if self.ingest is not None:
                self.ingest.stop()
            for signum, handler in previous.items():
                signal.signal(signum, handler)
            self.lock.release()


def _digest_fate(outcome: DigestOutcome) -> str:
    """What happens next to a digest that was not delivered, for the log line."""
    if outcome.status == "unconfirmed":
        return "the server dropped the connection after taking it, so the recipients may have it; not retried"
    if outcome.status == "failed":
        return f"given up after {outcome.attempts} attempts; its items go into the next digest"
    return "stays pending, the same message retried every 15 min"


def storage_errors_logged(job: Callable[..., None], db: Path) -> Callable[..., None]:
    """A job of the long-running service: a storage error (a full disk, a damaged archive) is
    one log line, not a traceback; what the job did not record it does again next time."""

    @functools.wraps(job)
    def guarded(*args: Any, **kwargs: Any) -> None:
        try:
            job(*args, **kwargs)
        except (ArchiveError, OSError) as exc:
            log.error("%s: %s; it runs again at its next turn", job.__name__, exc)
        except sqlite3.Error as exc:  # a read of a damaged archive (writes raise ArchiveError)
            log.error(
                "%s: archive %s: read failed: %s%s; it runs again at its next turn",
                job.__name__,
                db,
                exc,
                storage_hint(exc, db),
            )

    return guarded


def check_archive(db: Path) -> None:
    """Refuse an archive path that cannot be one (a device, a folder, a FIFO: before a lock
    file is put beside it), and open an existing archive once (not SQLite, damaged,
    read-only): ArchiveError with one line, before the service starts."""
    unusable = unusable_path(db)
    if unusable:
        raise ArchiveError(f"cannot open archive {db}: {unusable}")
    if db.exists():
        Archive(db).close()


def main(once: bool = False, argv: list[str] | None = None) -> int:
    """Entry point of `newswatch run` and `python scheduler.py [--once]`."""
    from scrapy.utils.project import get_project_settings

    from newswatch.errors import ConfigError
    from newswatch.rules import load_ruleset

    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "settings")
    if argv is not None:
        once = once or "--once" in argv
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("apscheduler").setLevel(logging.WARNING)  # newswatch says one line per crawl
    settings = get_project_settings()
    try:
        load_ruleset(settings.get("NEWSWATCH_RULES"))  # stop at a broken rule file before anything runs
        check_archive(Path(settings.get("NEWSWATCH_DB")))
        service = Service(settings)
        gc.freeze()  # what start-up built lives as long as the service: the collector skips it
        return service.run_once() if once else service.run_forever()
    except ConfigError as exc:  # outlets, rules, alert and schedule settings
        print(f"newswatch: {exc}", file=sys.stderr)
        return 2
    except AlreadyRunning as exc:
        print(f"newswatch: {exc}", file=sys.stderr)
        return 1
    except (ArchiveError, OSError) as exc:  # unusable or full: what was not recorded is done next run
        print(f"newswatch: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main(argv=sys.argv[1:]))
