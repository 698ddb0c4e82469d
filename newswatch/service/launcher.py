"""Run one outlet's crawl as a subprocess with a hard timeout.

A Twisted reactor cannot be restarted and a long-lived crawler grows in memory, so every
crawl is its own process (`newswatch crawl --outlet KEY`), in its own process group. At the
timeout it gets SIGTERM (Scrapy closes cleanly and records its run), then SIGKILL. When the
crawl could not record its run itself (killed, crashed), the launcher records it, so every
run shows in ``crawl_runs``.

A crawl parses hostile pages, so it gets only the environment it needs (an allow-list:
:func:`crawl_environment`): never the Slack token, the SMTP login or any other secret.
"""

from __future__ import annotations

import logging
import os
import re
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from newswatch.archive import Archive, ArchiveError
from newswatch.clock import sql_time, utcnow
from spiders.news import new_run_id

log = logging.getLogger("newswatch.service")
KILL_AFTER = 30.0  # seconds between SIGTERM and SIGKILL

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
    status: str  # ok, partial, failed (from the crawl), timeout, crashed (recorded here)
    returncode: int | None
    seconds: float
    detail: str = ""


def crawl_environment(environ: Mapping[str, str]) -> dict[str, str]:
    """The variables of ``environ`` a crawl may see (allow-list, then secrets removed)."""
    return {
        name: value
        for name, value in environ.items()
        if (name in CRAWL_ENV or name.startswith(CRAWL_ENV_PREFIXES)) and not _SECRET.search(name)
    }


def crawl_command(outlet: str, run_id: str) -> list[str]:
    setting = f"NEWSWATCH_RUN_ID={run_id}"
    return [sys.executable, "-m", "newswatch", "crawl", "--outlet", outlet, "-s", setting]


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
    ):
        self.db_path = Path(db_path)
        self.timeout = timeout
        self.cwd = cwd
        self.command = command  # (outlet, run id) → argv
        self.env = env  # None: this process's; either way a crawl sees crawl_environment's part
        self.kill_after = kill_after
        self._running: dict[str, subprocess.Popen[str]] = {}
        self._lock = threading.Lock()
        self.stopping = False

    def run(self, outlet: str) -> CrawlOutcome:
        run_id = new_run_id(utcnow())
        started = time.monotonic()
        command = self.command(outlet, run_id)
        log.info("[%s] crawl %s starting", outlet, run_id)
        process = subprocess.Popen(
            command,
            cwd=self.cwd,
            env=crawl_environment(os.environ if self.env is None else self.env),
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        with self._lock:
            self._running[outlet] = process
        timed_out = False
        try:
            try:
                _, stderr = process.communicate(timeout=self.timeout)
            except subprocess.TimeoutExpired:
                timed_out = True
                log.warning("[%s] crawl %s exceeded %.0f s: stopping it", outlet, run_id, self.timeout)
                stderr = self._stop(process)
        finally:
            with self._lock:
                self._running.pop(outlet, None)
        seconds = time.monotonic() - started
        return self._record(outlet, run_id, process.returncode, timed_out, seconds, stderr or "")

    def _stop(self, process: subprocess.Popen[str]) -> str:
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

    def stop_all(self) -> None:
        """Ask every running crawl to finish cleanly (the service is shutting down)."""
        self.stopping = True
        with self._lock:
            running = list(self._running.items())
        for outlet, process in running:
            log.info("[%s] asking the running crawl to stop", outlet)
            try:
                os.killpg(process.pid, signal.SIGTERM)
            except ProcessLookupError:
                continue

    def _record(
        self, outlet: str, run_id: str, returncode: int | None, timed_out: bool, seconds: float, stderr: str
    ) -> CrawlOutcome:
        last_line = next((line for line in reversed(stderr.strip().splitlines()) if line.strip()), "")
        try:
            archive = Archive(self.db_path)
        except ArchiveError as exc:
            log.error("[%s] crawl %s: cannot record the run: %s", outlet, run_id, exc)
            return CrawlOutcome(outlet, run_id, "crashed", returncode, seconds, str(exc))
        try:
            recorded = archive.runs.of_run(run_id)
            if recorded and not timed_out:
                status = recorded[0]["status"]
                log.info(
                    "[%s] crawl %s %s in %.1f s: %d new, %d flagged, %d errors",
                    outlet,
                    run_id,
                    status,
                    seconds,
                    recorded[0]["new"],
                    recorded[0]["flagged"],
                    recorded[0]["errors"],
                )
                return CrawlOutcome(outlet, run_id, status, returncode, seconds)
            status = "timeout" if timed_out else "crashed"
            detail = (
                f"stopped after {self.timeout:.0f} s"
                if timed_out
                else f"exit code {returncode}: {last_line[:300]}"
            )
            if self.stopping and not timed_out:
                status, detail = "stopped", "the service was shutting down"
            row = recorded[0] if recorded else {}
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
            log.warning("[%s] crawl %s %s: %s", outlet, run_id, status, detail)
            return CrawlOutcome(outlet, run_id, status, returncode, seconds, detail)
        finally:
            archive.close()
