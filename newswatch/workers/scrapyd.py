"""The hub's launcher for Scrapyd workers (``NEWSWATCH_SCRAPYD_URLS``): the same interface
as :class:`newswatch.service.launcher.Launcher` (``open``, ``close``, ``run(outlet)``,
``running``, ``stop_all``), so the service schedules, stops and reports crawls the same way.

A crawl goes to the least busy worker that answers (``daemonstatus.json``: fewest running
and pending jobs), as a ``news`` job (``schedule.json``) with the outlet's table from the
hub's outlets file, the run id as job id, and the hub's ingest URL; the launcher follows it
(``listjobs.json``) and past ``NEWSWATCH_CRAWL_TIMEOUT`` cancels it (``cancel.json``: TERM,
Scrapy's graceful stop, then KILL ``kill_after`` seconds later). The crawl sends its own run
record to the hub; when none has arrived by the time the job ends (killed, crashed, the
worker gone), the launcher records the run (``timeout``, ``crashed`` or ``partial``), so
every run shows in ``crawl_runs``. The worker is said in the crawl's log line and kept in
the run's row (``crawl_runs.worker``, its URL).

A worker that stops answering while it runs a crawl is given ``lost_after`` seconds; then
the run is recorded ``crashed`` ("worker unreachable") and its next run goes elsewhere: the
articles it had not delivered are still new to the hub, so that run fetches them.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path
from typing import Any

from newswatch.archive import Archive, ArchiveError
from newswatch.clock import sql_time, utcnow
from newswatch.errors import NewswatchError, SettingError
from newswatch.service.launcher import NOT_STARTED, CrawlOutcome, crawl_line
from newswatch.workers.ingest import held_by_run
from newswatch.workers.outlets import outlets_toml
from spiders.news import new_run_id
from spiders.runs import error_text, run_network

log = logging.getLogger("newswatch.service")
KILL_AFTER = 30.0  # seconds between the TERM cancel and the KILL cancel
STOP_DEADLINE = 60.0  # as the local launcher's: under systemd's and compose's 90 s
LOST_AFTER = 60.0  # seconds a worker running a crawl may not answer before the run is lost
#: The hub's settings every job gets, so a crawl keeps the hub's window and limits.
JOB_SETTINGS = (
    "NEWSWATCH_FRESHNESS_DAYS",
    "NEWSWATCH_REVISIT_DAYS",
    "NEWSWATCH_MIN_TEXT_CHARS",
    "NEWSWATCH_MAX_ARTICLES_PER_RUN",
    "NEWSWATCH_SITEMAP_DEPTH",
    "NEWSWATCH_CONTACT_URL",
)


class ScrapydError(NewswatchError):
    """A Scrapyd worker did not answer, or refused what it was asked."""


class Scrapyd:
    """The few calls of Scrapyd's JSON API the launcher makes, each with a timeout."""

    def __init__(self, url: str, timeout: float = 10.0):
        self.url = url.rstrip("/")
        self.timeout = timeout
        self._local = threading.local()  # a session per thread: crawls run in parallel threads

    @property
    def session(self) -> Any:
        import requests

        if not hasattr(self._local, "session"):
            self._local.session = requests.Session()
        return self._local.session

    def _call(self, method: str, name: str, **params: Any) -> dict[str, Any]:
        import requests

        try:
            if method == "GET":
                answer = self.session.get(f"{self.url}/{name}.json", params=params, timeout=self.timeout)
            else:
                answer = self.session.post(f"{self.url}/{name}.json", data=params, timeout=self.timeout)
            data = answer.json()
        except (requests.RequestException, ValueError) as exc:
            raise ScrapydError(f"{self.url}: {name}.json: {exc}") from None
        if not isinstance(data, dict) or data.get("status") != "ok":
            message = data.get("message") if isinstance(data, dict) else data
            raise ScrapydError(f"{self.url}: {name}.json: {message}")
        return data

    def load(self) -> int:
        """Jobs running or waiting on this worker."""
        status = self._call("GET", "daemonstatus")
        return int(status.get("running", 0)) + int(status.get("pending", 0))

    def schedule(self, project: str, job: str, args: Mapping[str, str], settings: Mapping[str, str]) -> str:
        params: dict[str, Any] = {"project": project, "spider": "news", "jobid": job, **args}
        params["setting"] = [f"{name}={value}" for name, value in settings.items()]
        return str(self._call("POST", "schedule", **params)["jobid"])

    def state(self, project: str, job: str) -> str | None:
        """``pending``, ``running``, ``finished``, or None (no such job: the worker restarted)."""
        jobs = self._call("GET", "listjobs", project=project)
        for state in ("pending", "running", "finished"):
            if any(entry.get("id") == job for entry in jobs.get(state, [])):
                return state
        return None

    def cancel(self, project: str, job: str, signal: str = "TERM") -> None:
        self._call("POST", "cancel", project=project, job=job, signal=signal)


@dataclass
class Job:
    worker: Scrapyd
    job: str
    started: float
    cancelled: str | None = None  # the last signal sent


class ScrapydLauncher:
    """Runs each crawl on a Scrapyd worker; remembers the running ones for a clean stop."""

    def __init__(
        self,
        urls: list[str],
        db_path: str | Path,
        timeout: float,
        outlets_file: str | Path,
        hub_url: Callable[[], str],
        project: str = "newswatch",
        job_settings: Mapping[str, str] | None = None,
        poll: float = 1.0,
        kill_after: float = KILL_AFTER,
        lost_after: float = LOST_AFTER,
        stop_deadline: float | None = None,
    ):
        self.workers = [Scrapyd(url) for url in urls]
        self.db_path = Path(db_path)
        self.timeout = timeout
        self.outlets_file = outlets_file
        self.hub_url = hub_url
        self.project = project
        self.job_settings = dict(job_settings or {})
        self.poll = poll
        self.kill_after = kill_after
        self.lost_after = lost_after
        self.stop_deadline = STOP_DEADLINE if stop_deadline is None else stop_deadline
        self.stopping = False
        self.stopping_now = False
        self.stop_reason = "a second stop signal to the service"
        self._running: dict[str, Job] = {}
        self.groups = True  # several outlets can share one job (run_group)
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._placing = threading.Lock()

    def open(self) -> None:
        """Say which workers answer (a crawl goes only to one that does)."""
        for worker in self.workers:
            try:
                log.info("Scrapyd worker %s: %d job(s) running or pending", worker.url, worker.load())
            except ScrapydError as exc:
                log.warning("Scrapyd worker not answering: %s", exc)

    def close(self) -> None:
        pass

    def pick(self) -> list[Scrapyd]:
        """The workers that answer, least busy first (in configured order on a tie)."""
        loads = []
        for i, worker in enumerate(self.workers):
            try:
                loads.append((worker.load(), i, worker))
            except ScrapydError as exc:
                log.debug("%s", exc)
        return [worker for _, _, worker in sorted(loads, key=lambda x: x[:2])]

    def run(self, outlet: str) -> CrawlOutcome:
        """One outlet's crawl; its outcome once it has ended."""
        return self.run_group([outlet])[0]

    def run_group(self, outlets: Sequence[str]) -> list[CrawlOutcome]:
        """One job crawling several outlets (one Scrapy start-up on the worker; each outlet's
        run recorded against it); their outcomes, in order, once it has ended."""
        run_id = new_run_id(utcnow())
        started = time.monotonic()

        def not_started() -> list[CrawlOutcome]:
            why = "the service was stopping"
            return [CrawlOutcome(key, run_id, NOT_STARTED, None, 0.0, why) for key in outlets]

        with self._lock:
            if self.stopping:
                return not_started()
        tables = outlets_toml(self.outlets_file, outlets)
        args = {"outlets": ",".join(outlets), "outlet_config": tables}
        settings = {**self.job_settings, "NEWSWATCH_RUN_ID": run_id, "NEWSWATCH_HUB_URL": self.hub_url()}
        job: Job | None = None
        problems = []
        with self._placing:  # one placement at a time: each sees the jobs placed before it
            for worker in self.pick():
                with self._lock:  # a stop either comes first (nothing starts) or finds the job registered
                    if self.stopping:
                        return not_started()
                    try:
                        job = Job(worker, worker.schedule(self.project, run_id, args, settings), started)
                    except ScrapydError as exc:
                        problems.append(str(exc))
                        continue
                    for key in outlets:
                        self._running[key] = job
                    break
        if job is None:
            why = f"not scheduled: {'; '.join(problems) or 'no Scrapyd worker answered'}"
            seconds = time.monotonic() - started
            return self._record(outlets, run_id, None, "failed", why, seconds)
        log.debug("[%s] crawl %s scheduled on %s", ", ".join(outlets), run_id, job.worker.url)
        try:
            status, detail = self._follow(job)
        finally:
            with self._lock:
                for key in outlets:
                    self._running.pop(key, None)
        seconds = time.monotonic() - started
        return self._record(outlets, run_id, job.worker.url, status, detail, seconds)

    def _follow(self, job: Job) -> tuple[str | None, str]:
        """Wait for the job to end, cancelling it past the timeout; (status to record when
        the crawl recorded none, why)."""
        unanswered_since: float | None = None
        timed_out = False
        while True:
            elapsed = time.monotonic() - job.started
            try:
                state = job.worker.state(self.project, job.job)
                unanswered_since = None
            except ScrapydError as exc:
                unanswered_since = unanswered_since or time.monotonic()
                if time.monotonic() - unanswered_since >= self.lost_after:
                    return "crashed", f"worker unreachable: {error_text(str(exc), 300)}"
                state = "unknown"
            if state == "finished":
                break
            if state is None:
                return "crashed", "the job is gone from the worker (Scrapyd restarted?)"
            if elapsed > self.timeout and job.cancelled is None:
                timed_out = not self.stopping
                self._cancel(job, "TERM")
            elif job.cancelled == "TERM" and elapsed > self.timeout + self.kill_after:
                self._cancel(job, "KILL")
            self._wake.wait(self.poll)
        if timed_out:
            return "timeout", f"stopped after {self.timeout:.0f} s"
        if self.stopping_now:
            return "partial", f"stopped at once: {self.stop_reason}"
        if self.stopping and job.cancelled:
            return "partial", "stopped: the service was shutting down"
        return None, "the crawl sent no run record to the hub"

    def _cancel(self, job: Job, signal: str) -> None:
        try:
            job.worker.cancel(self.project, job.job, signal)
            job.cancelled = signal
        except ScrapydError as exc:
            log.warning("cannot cancel %s: %s", job.job, exc)

    def _record(
        self,
        outlets: Sequence[str],
        run_id: str,
        worker: str | None,
        status: str | None,
        detail: str,
        seconds: float,
    ) -> list[CrawlOutcome]:
        """Each outlet's outcome from the run record the crawl sent; when it sent none (or was
        stopped past its timeout), the run recorded here with ``status`` (``crashed`` by
        default) and what reached the hub of it. One archive connection for the job."""
        on = f" on {worker}" if worker else ""
        try:
            archive = Archive(self.db_path)
        except ArchiveError as exc:
            log.error("[%s] crawl %s: cannot record the run: %s", ", ".join(outlets), run_id, exc)
            return [CrawlOutcome(key, run_id, "crashed", None, seconds, str(exc)) for key in outlets]
        try:
            rows = {row["outlet"]: row for row in archive.runs.of_run(run_id)}
            outcomes = []
            for outlet in outlets:
                row = rows.get(outlet)
                if row is not None and status != "timeout":  # the crawl's own record stands
                    if worker:
                        archive.runs.set_worker(run_id, outlet, worker)
                    level = logging.INFO if row["status"] == "ok" else logging.WARNING
                    log.log(level, crawl_line(row, seconds) + on)
                    network = run_network(archive, run_id, outlet)
                    first = row.get("first_error")
                    outcomes.append(
                        CrawlOutcome(outlet, run_id, row["status"], None, seconds, on.strip(), first, network)
                    )
                    continue
                started = (row or {}).get("started_at") or sql_time(utcnow() - timedelta(seconds=seconds))
                # what reached the hub of it (an hour's slack: the worker's clock is not the hub's)
                since = sql_time(utcnow() - timedelta(seconds=seconds + 3600)) or ""
                new, flagged = held_by_run(archive, run_id, outlet, since)
                last = (row or {}).get("last_error")
                archive.runs.record(
                    {
                        "run_id": run_id,
                        "outlet": outlet,
                        "new": new,
                        "flagged": flagged,
                        "started_at": started,
                        "finished_at": sql_time(utcnow()),
                        "duration_s": round(seconds, 3),
                        "status": status or "crashed",
                        "last_error": f"{detail}{on}" + (f"; {last}" if last else ""),
                        "worker": worker,
                    }
                )
                log.warning(
                    "[%s] crawl %s %s in %.1f s%s: %s",
                    outlet,
                    run_id,
                    status or "crashed",
                    seconds,
                    on,
                    detail,
                )
                outcomes.append(
                    CrawlOutcome(outlet, run_id, status or "crashed", None, seconds, f"{detail}{on}")
                )
            return outcomes
        finally:
            archive.close()

    def running(self) -> dict[str, float]:
        now = time.monotonic()
        with self._lock:
            return {outlet: now - job.started for outlet, job in self._running.items()}

    def stop_all(self, now: bool = False) -> None:
        """Cancel every running crawl (TERM: Scrapy finishes the requests in flight and sends
        its run), or with ``now`` at once (KILL); the first stop's deadline stops them at once."""
        with self._lock:
            first = not self.stopping
            self.stopping = True
            self.stopping_now = self.stopping_now or now
            jobs = list({id(job): job for job in self._running.values()}.values())
        for job in jobs:
            self._cancel(job, "KILL" if now else "TERM")
        self._wake.set()
        if first and not now:
            deadline = threading.Timer(self.stop_deadline, self._deadline_passed)
            deadline.daemon = True
            deadline.start()

    def _deadline_passed(self) -> None:
        if self.stopping_now or not self.running():
            return
        self.stop_reason = f"the service's stop deadline ({self.stop_deadline:.0f} s) passed"
        self.stop_all(now=True)


def scrapyd_launcher(settings: Any, hub_url: Callable[[], str]) -> ScrapydLauncher | None:
    """The launcher the settings ask for (``NEWSWATCH_SCRAPYD_URLS``); None for local crawls."""
    urls = [u for u in str(settings.get("NEWSWATCH_SCRAPYD_URLS") or "").split(",") if u]
    if not urls:
        return None
    if not settings.get("NEWSWATCH_INGEST_TOKEN"):
        raise SettingError(
            "settings: NEWSWATCH_SCRAPYD_URLS needs NEWSWATCH_INGEST_TOKEN (the workers send what they "
            "find to the hub's ingest endpoint, which takes nothing without it)"
        )
    return ScrapydLauncher(
        urls,
        settings.get("NEWSWATCH_DB"),
        settings.getfloat("NEWSWATCH_CRAWL_TIMEOUT"),
        settings.get("NEWSWATCH_OUTLETS"),
        hub_url,
        project=settings.get("NEWSWATCH_SCRAPYD_PROJECT") or "newswatch",
        job_settings={
            name: str(settings.get(name)) for name in JOB_SETTINGS if settings.get(name) not in (None, "")
        },
    )
