"""Run one outlet's crawl as a subprocess with a hard timeout.

A Twisted reactor cannot be restarted and a long-lived crawler grows in memory, so every
crawl is its own process (`newswatch crawl --outlet KEY`), in its own process group. At the
timeout it gets SIGTERM (Scrapy closes cleanly and records its run), then SIGKILL. When the
crawl could not record its run itself (killed, crashed), the launcher records it, so every
run shows in ``crawl_runs``. Each crawl is one log line when it ends, with its first error.

Stopping the service: :meth:`Launcher.stop_all` asks every running crawl to finish (SIGTERM:
the requests in flight may take up to their download timeout), and says which ones it waits
for; ``stop_all(now=True)`` (a second Ctrl-C) stops them at once: a second SIGTERM makes the
crawl write its run (``partial``) and exit, SIGKILL follows if it does not. The first stop has
a deadline of its own, ``STOP_DEADLINE`` (60 s: shorter than the systemd unit's
TimeoutStopSec and compose's stop_grace_period, 90 s, with ``KILL_NOW_AFTER`` to spare): past
it the launcher stops the crawls at once itself. A crawl stopped by a shutdown, however it
ends (its own record, killed, past its hard timeout), is recorded ``partial`` with the reason,
never ``timeout``. A stop that comes while a crawl is being started reaches it too: no crawl
starts once the launcher is stopping, and one is registered as soon as it starts.

A crawl parses hostile pages, so it gets only the environment it needs (an allow-list:
:func:`crawl_environment`): never the Slack token, the SMTP login or any other secret.

How a crawl starts (``NEWSWATCH_CRAWL_START``): ``process``, a new Python process per crawl;
``fork``, a child forked by the crawl forkserver (:mod:`newswatch.service.forkserver`), which
imported Scrapy and the rest once, so a crawl does not pay Python's start-up. Either way the
crawl is a process of its own in its own process group, stopped and recorded as above. When
the forkserver dies or cannot start, the launcher restarts it once; if that fails too, the
crawl starts as a process (and so do the crawls of the next ``FORK_RETRY`` seconds), said in
the log: no crawl is lost to the forkserver.
"""

from __future__ import annotations

import contextlib
import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from newswatch.archive import Archive, ArchiveError
from newswatch.clock import sql_time, utcnow
from newswatch.service.forkserver import ForkedCrawl, Forkserver, ForkserverError
from spiders.news import new_run_id
from spiders.runs import Network, error_text, run_network

log = logging.getLogger("newswatch.service")
KILL_AFTER = 30.0  # seconds between SIGTERM and SIGKILL
KILL_NOW_AFTER = 10.0  # seconds between the second SIGTERM (stop now) and SIGKILL
#: Seconds a first stop waits for the running crawls before it stops them at once (plus
#: KILL_NOW_AFTER before SIGKILL): under TimeoutStopSec (deploy/newswatch.service) and
#: stop_grace_period (deploy/compose.yml), both 90 s, so the runs are recorded before either kills.
STOP_DEADLINE = 60.0
#: Seconds at least between the two SIGTERMs of a crawl stopped at once: two sent together
#: arrive as one (the OS merges a pending signal), and the crawl would only stop gracefully.
SIGNAL_GAP = 1.0
#: Status of a crawl the launcher did not start: the service was stopping (not recorded).
NOT_STARTED = "not started"
#: Seconds crawls start as processes after the forkserver failed to start twice in a row.
FORK_RETRY = 300.0
#: A running crawl: a process started here, or a child of the forkserver.
Crawl = subprocess.Popen[str] | ForkedCrawl

#: What a crawl inherits: Python, locale, time zone, temporary files, certificates and
#: proxies, Scrapy's and newswatch's own settings (minus secrets).
CRAWL_ENV = frozenset(
    {"PATH", "HOME", "USER", "LOGNAME", "LANG", "LANGUAGE", "TZ", "TMPDIR", "TEMP", "TMP"}
    | {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "LD_LIBRARY_PATH", "PYTHONIOENCODING", "PYTHONUTF8"}
    | {"PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED", "SSL_CERT_FILE", "SSL_CERT_DIR"}
    | {"REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"}
    | {f"{name}_proxy" for name in ("http", "https", "no", "all")}
    | {f"{name}_PROXY" for name in ("HTTP", "HTTPS", "NO", "ALL")}
)
CRAWL_ENV_PREFIXES = ("LC_", "SCRAPY_", "NEWSWATCH_")
#: Never passed on, even under an allowed prefix: the alert and digest credentials and any
#: name that says it holds a secret.
_SECRET = re.compile(r"TOKEN|PASSWORD|PASSWD|SECRET|CREDENTIAL|API_?KEY|PRIVATE|AUTH|_SMTP_USER$", re.I)


@dataclass(frozen=True)
class CrawlOutcome:
    outlet: str
    run_id: str
    status: str  # ok, partial, failed (from the crawl), timeout, crashed (recorded here), not started
    returncode: int | None
    seconds: float
    detail: str = ""
    first_error: str | None = None  # the run's first error, as recorded
    network: Network = "unknown"  # resolved: a source read or a response; dns: only failed lookups

    @property
    def failed_dns(self) -> bool:
        """The crawl failed, and every error it had was a failed name lookup: no response,
        no source read (the crawl's verdict from all its outcomes, not its first error)."""
        return self.status == "failed" and self.network == "dns"

    @property
    def name_lookup(self) -> Network:
        """What this crawl says about the network (for :class:`NetworkWatch`): ``dns`` when it
        failed on name lookups only, ``resolved`` when it read a source or got any response,
        else ``unknown`` (past its timeout, crashed, stopped: nothing either way)."""
        if self.failed_dns:
            return "dns"
        return "resolved" if self.network == "resolved" else "unknown"


def failed_dns(run: Mapping[str, Any], network: Network) -> bool:
    """A ``crawl_runs`` row of a crawl that failed only on name lookups (``network``: the
    crawl's verdict from all its outcomes, :func:`spiders.runs.run_network`)."""
    return run.get("status") == "failed" and network == "dns"


def crawl_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The variables of ``environ`` a crawl may see (allow-list, then secrets removed)."""
    return {
        name: value
        for name, value in environ.items()
        if (name in CRAWL_ENV or name.startswith(CRAWL_ENV_PREFIXES)) and not _SECRET.search(name)
    }


def crawl_args(outlet: str | Sequence[str], run_id: str) -> list[str]:
    """The ``newswatch`` arguments of one crawl of one outlet or several."""
    outlets = [outlet] if isinstance(outlet, str) else list(outlet)
    chosen = [arg for key in outlets for arg in ("--outlet", key)]
    return ["crawl", *chosen, "-s", f"NEWSWATCH_RUN_ID={run_id}"]


def crawl_command(outlet: str | Sequence[str], run_id: str) -> list[str]:
    return [sys.executable, "-m", "newswatch", *crawl_args(outlet, run_id)]


class Launcher:
    """Starts crawls; remembers the running ones so a shutdown can stop them cleanly."""

    def __init__(
        self,
        db_path: str | Path,
        timeout: float,
        cwd: Path | None = None,
        command: Callable[[str, str], list[str]] = crawl_command,
        env: dict[str, str] | None = None,
        kill_after: float = KILL_AFTER,
        stop_deadline: float | None = None,
        kill_now_after: float | None = None,
        start: str = "process",
    ):
        self.db_path = Path(db_path)
        self.timeout = timeout
        self.cwd = cwd
        self.command = command  # (outlet, run id) → argv
        self.env = env  # None: this process's; either way a crawl sees crawl_environment's part
        self.kill_after = kill_after
        self.stop_deadline = STOP_DEADLINE if stop_deadline is None else stop_deadline
        self.kill_now_after = KILL_NOW_AFTER if kill_now_after is None else kill_now_after
        self._running: dict[str, tuple[Crawl, float]] = {}  # outlet → (process, start)
        self._lock = threading.Lock()
        self.stopping = False
        self.stopping_now = False
        self.stop_reason = "a second stop signal to the service"  # why crawls were stopped at once
        self._signalled: dict[int, float] = {}  # pid → when its first SIGTERM was sent
        # fork: crawls of the default command are forked by a forkserver (another command: a process)
        self.forkserver = (
            Forkserver(crawl_environment(os.environ if env is None else env), cwd)
            if start == "fork" and command is crawl_command
            else None
        )
        self._fork_again_at = 0.0  # after two failed starts in a row, crawls are processes until then
        #: Several outlets can share one crawl (:meth:`run_group`): the default command only.
        self.groups = command is crawl_command

    def open(self) -> None:
        """Start the forkserver (with ``start="fork"``): it imports while the service starts."""
        if self.forkserver is not None:
            try:
                self.forkserver.start()
            except ForkserverError as exc:
                log.warning("%s; it is tried again at the first crawl", exc)

    def close(self) -> None:
        """Stop the forkserver, once the crawls have ended."""
        if self.forkserver is not None:
            self.forkserver.close()

    def run(self, outlet: str) -> CrawlOutcome:
        """One outlet's crawl; its outcome once it has ended."""
        return self.run_group([outlet])[0]

    def run_group(self, outlets: Sequence[str]) -> list[CrawlOutcome]:
        """One crawl of several outlets (one process, one hard timeout; each outlet's run is
        recorded against that outlet); their outcomes, in order, once it has ended."""
        if len(outlets) > 1 and not self.groups:
            raise ValueError("a launcher with its own command crawls one outlet at a time")
        outlet = outlets[0]
        run_id = new_run_id(utcnow())
        started = time.monotonic()
        command = self.command(outlet, run_id) if len(outlets) == 1 else crawl_command(outlets, run_id)
        process: Crawl | None = None
        for attempt in (1, 2):  # a forkserver that does not fork is restarted once
            forkserver = self._ready_forkserver()  # outside the lock: it may be importing
            with self._lock:  # a stop either comes first (nothing starts) or finds the crawl registered
                if self.stopping:
                    log.debug("[%s] crawl %s not started: stopping", ", ".join(outlets), run_id)
                    why = "the service was stopping"
                    return [CrawlOutcome(key, run_id, NOT_STARTED, None, 0.0, why) for key in outlets]
                log.debug("[%s] crawl %s starting", ", ".join(outlets), run_id)
                if forkserver is not None:
                    server = forkserver.pid
                    try:
                        process = forkserver.spawn(crawl_args(outlets, run_id))
                    except ForkserverError as exc:
                        forkserver.forget(server)
                        if attempt == 1:
                            log.warning("[%s] %s; restarting it", outlet, exc)
                            continue
                        log.warning("[%s] %s; the crawl starts as a process", outlet, exc)
                        self._fork_again_at = time.monotonic() + FORK_RETRY
                if process is None:
                    process = subprocess.Popen(
                        command,
                        cwd=self.cwd,
                        env=crawl_environment(os.environ if self.env is None else self.env),
                        stdout=subprocess.PIPE,
                        stderr=subprocess.PIPE,
                        text=True,
                        start_new_session=True,
                    )
                for key in outlets:
                    self._running[key] = (process, started)
                break
        assert process is not None
        timed_out = False
        try:
            try:
                _, stderr = process.communicate(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                timed_out = not self.stopping  # past its timeout while stopping: the stop's
                stderr = self._stop(process)
        finally:
            with self._lock:
                for key in outlets:
                    self._running.pop(key, None)
                self._signalled.pop(process.pid, None)
        seconds = time.monotonic() - started
        return self._record(outlets, run_id, process.returncode, timed_out, seconds, stderr or "")

    def _ready_forkserver(self) -> Forkserver | None:
        """The forkserver, started (or restarted once) and done importing; None when crawls
        start as processes (``start="process"``, or the forkserver failed to start twice)."""
        if self.forkserver is None or time.monotonic() < self._fork_again_at:
            return None
        for attempt in (1, 2):
            try:
                self.forkserver.ready()
                return self.forkserver
            except ForkserverError as exc:
                self.forkserver.forget(self.forkserver.pid)
                if attempt == 1:
                    log.warning("%s; restarting it", exc)
                else:
                    log.warning("%s; crawls start as processes for %.0f s", exc, FORK_RETRY)
        self._fork_again_at = time.monotonic() + FORK_RETRY
        return None

    def _stop(self, process: Crawl) -> str:
        """SIGTERM the crawl's process group, SIGKILL it if it is still there later."""
        try:
            os.killpg(process.pid, signal.SIGTERM)
            _, stderr = process.communicate(timeout=self.kill_after)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            _, stderr = process.communicate()
        except ProcessLookupError:
            _, stderr = process.communicate()
        return stderr or ""

    def running(self) -> dict[str, float]:
        """The running crawls: outlet → seconds since it started."""
        now = time.monotonic()
        with self._lock:
            return {outlet: now - started for outlet, (_, started) in self._running.items()}

    def stop_all(self, now: bool = False) -> None:
        """Ask every running crawl to finish cleanly (the service is shutting down), or, with
        ``now``, to stop at once (its run recorded ``partial``), SIGKILL after ``kill_now_after``.
        The first call sets the stop deadline: past it the crawls are stopped at once."""
        with self._lock:
            first = not self.stopping
            self.stopping = True
            self.stopping_now = self.stopping_now or now
            # a crawl of several outlets is there once per outlet: signalled once
            running = list({process.pid: process for process, _ in self._running.values()}.values())
        for process in running:
            sent = self._signalled.get(process.pid)
            gap = SIGNAL_GAP - (time.monotonic() - sent) if now and sent is not None else 0.0
            if gap > 0:  # the first SIGTERM has just gone: the second must arrive as a second
                _later(gap, _signal_group, process, signal.SIGTERM)
            else:
                try:
                    os.killpg(process.pid, signal.SIGTERM)
                except ProcessLookupError:
                    continue
                self._signalled.setdefault(process.pid, time.monotonic())
            if now:
                _later(max(gap, 0.0) + self.kill_now_after, _signal_group, process, signal.SIGKILL)
        if first and not now:
            deadline = threading.Timer(self.stop_deadline, self._deadline_passed)
            deadline.daemon = True
            deadline.start()

    def _deadline_passed(self) -> None:
        """The first stop's deadline: crawls still running are stopped at once."""
        running = self.running()
        if self.stopping_now or not running:
            return
        log.warning(
            "stop deadline (%.0f s) passed: stopping %s now",
            self.stop_deadline,
            ", ".join(f"{o}'s crawl" for o in sorted(running)),
        )
        self.stop_reason = f"the service's stop deadline ({self.stop_deadline:.0f} s) passed"
        self.stop_all(now=True)

    def _record(
        self,
        outlets: Sequence[str],
        run_id: str,
        returncode: int | None,
        timed_out: bool,
        seconds: float,
        stderr: str,
    ) -> list[CrawlOutcome]:
        """Each outlet's outcome: the run the crawl recorded for it, or (killed, crashed, past
        its timeout) one recorded here."""
        try:
            archive = Archive(self.db_path)
        except ArchiveError as exc:
            log.error("[%s] crawl %s: cannot record the run: %s", ", ".join(outlets), run_id, exc)
            return [CrawlOutcome(key, run_id, "crashed", returncode, seconds, str(exc)) for key in outlets]
        try:
            recorded = {row["outlet"]: row for row in archive.runs.of_run(run_id)}
            return [
                self._outcome(archive, key, run_id, recorded.get(key), returncode, timed_out, seconds, stderr)
                for key in outlets
            ]
        finally:
            archive.close()

    def _outcome(
        self,
        archive: Archive,
        outlet: str,
        run_id: str,
        row: dict[str, Any] | None,
        returncode: int | None,
        timed_out: bool,
        seconds: float,
        stderr: str,
    ) -> CrawlOutcome:
        network = run_network(archive, run_id, outlet)
        if row is not None and not timed_out:
            log.log(logging.INFO if row["status"] == "ok" else logging.WARNING, crawl_line(row, seconds))
            return CrawlOutcome(
                outlet,
                run_id,
                row["status"],
                returncode,
                seconds,
                first_error=row.get("first_error"),
                network=network,
            )
        status = "timeout" if timed_out else "crashed"
        last_line = next((line for line in reversed(stderr.strip().splitlines()) if line.strip()), "")
        detail = (
            f"stopped after {self.timeout:.0f} s"
            if timed_out
            else f"exit code {returncode}: {error_text(last_line, 300)}"
        )
        if self.stopping_now and not timed_out:
            status, detail = "partial", f"stopped at once: {self.stop_reason}"
        elif self.stopping and not timed_out:
            status, detail = "partial", "stopped: the service was shutting down"
        row = row or {}
        archive.runs.record(
            {
                "run_id": run_id,
                "outlet": outlet,
                "started_at": row.get("started_at") or sql_time(utcnow()),
                "finished_at": sql_time(utcnow()),
                "duration_s": round(seconds, 3),
                "status": status,
                "last_error": detail if not row.get("last_error") else f"{detail}; {row['last_error']}",
            }
        )
        log.warning("[%s] crawl %s %s in %.1f s: %s", outlet, run_id, status, seconds, detail)
        return CrawlOutcome(outlet, run_id, status, returncode, seconds, detail)


def crawl_line(run: Mapping[str, Any], seconds: float) -> str:
    """The one log line of a crawl run: outcome, figures and, when it had errors, the first."""
    line = (
        f"[{run['outlet']}] crawl {run['run_id']} {run['status']} in {seconds:.1f} s: "
        f"{run['new']} new, {run['flagged']} flagged, {run['errors']} errors"
    )
    reason = run.get("first_error") or run.get("last_error")
    return f"{line}; first error: {reason}" if reason and run["status"] != "ok" else line


def _later(seconds: float, act: Callable[..., None], *args: Any) -> None:
    timer = threading.Timer(seconds, act, args)
    timer.daemon = True
    timer.start()


def _signal_group(process: Crawl, signum: int) -> None:
    """Signal a crawl's process group unless it has ended (SIGKILL: it did not stop when
    asked to stop at once)."""
    if process.returncode is None:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signum)
