"""A pre-imported worker that forks crawls (``NEWSWATCH_CRAWL_START=fork``).

A crawl started as a new process spends most of its CPU importing Scrapy, trafilatura, lxml
and numpy. The forkserver is a long-lived child of the service that imports all that once
(and freezes it for the collector), then forks one child per crawl: the child starts a new
session, takes the crawl's stdout and stderr, runs ``newswatch crawl --outlet KEY -s
NEWSWATCH_RUN_ID=…`` in-process (so settings, outlets and rules are read fresh) and exits.
It never installs a Twisted reactor, starts a thread or forks with the archive open (it opens
it only to read the official lists' organisations, and closes it again).

It is started with the crawl environment only (:func:`newswatch.service.launcher.
crawl_environment`): a forked child's ``/proc/PID/environ`` is the forkserver's. The launcher
talks to it over a Unix socket pair (``SOCK_SEQPACKET``): a request carries the crawl's
arguments and, as passed descriptors, its stdout and stderr pipe ends and a socket of the
crawl's own, on which the forkserver answers ``pid N`` once forked and ``exit CODE`` once it
has reaped the child (``CODE`` as :attr:`subprocess.Popen.returncode`: negative for a signal).
When the launcher closes its end, the forkserver waits for its children and exits.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import selectors
import signal
import socket
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any, NoReturn

from newswatch.errors import NewswatchError

#: Seconds the launcher waits for a started forkserver to finish its imports.
READY_TIMEOUT = 120.0
#: Seconds the launcher waits for the forkserver to say it forked a crawl.
FORK_TIMEOUT = 10.0
#: Modules a crawl imports, beyond those the settings name (loaded from the settings too).
PRELOAD = (
    "scrapy.crawler",
    "scrapy.utils.project",
    "scrapy.utils.log",
    "trafilatura",
    "lxml.html",
    "numpy",
    "newswatch.cli",
    "newswatch.archive",
    "spiders.news",
    "spiders.logs",
    "spiders.runs",
)
#: The child's exit code when the crawl raised past the CLI (EX_SOFTWARE).
CRASHED = 70
_MESSAGE = 4096


class ForkserverError(NewswatchError):
    """The forkserver could not be started, or did not fork a crawl."""


# --- the launcher's side ----------------------------------------------------------------------


class Forkserver:
    """The service's handle on its forkserver process: start, fork a crawl, close."""

    def __init__(self, env: Mapping[str, str], cwd: Path | None = None, ready_timeout: float = READY_TIMEOUT):
        self.env = {**env, "OPENBLAS_NUM_THREADS": env.get("OPENBLAS_NUM_THREADS", "1")}  # no BLAS thread
        self.cwd = cwd
        self.ready_timeout = ready_timeout
        self.process: subprocess.Popen[bytes] | None = None
        self._control: socket.socket | None = None
        self._ready = False
        self._lock = threading.Lock()

    @property
    def pid(self) -> int | None:
        return self.process.pid if self.process is not None else None

    def start(self) -> None:
        """Start the forkserver (it imports in the background: :meth:`spawn` waits for it)."""
        with self._lock:
            self._start()

    def _start(self) -> None:
        if self.process is not None:
            return
        ours, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "newswatch.service.forkserver", str(theirs.fileno())],
                cwd=self.cwd,
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=subprocess.DEVNULL,
                pass_fds=[theirs.fileno()],
                start_new_session=True,  # a Ctrl-C at the terminal is the service's to handle
            )
        except OSError as exc:
            ours.close()
            raise ForkserverError(f"the crawl forkserver did not start: {exc}") from exc
        finally:
            theirs.close()
        self._control, self._ready = ours, False

    def ready(self) -> None:
        """Start the forkserver if it is not running and wait for its imports (ForkserverError
        if it died or was not ready within ``ready_timeout``)."""
        with self._lock:
            self._wait_ready()

    def _wait_ready(self) -> socket.socket:
        self._start()
        control = self._control
        assert control is not None
        if self._ready:
            return control
        control.settimeout(self.ready_timeout)
        try:
            message = control.recv(_MESSAGE)
        except (TimeoutError, OSError) as exc:
            within = f"{self.ready_timeout:.0f} s"
            raise ForkserverError(f"the crawl forkserver was not ready within {within}") from exc
        if not message.startswith(b"ready"):
            raise ForkserverError(f"the crawl forkserver did not start: {self._exit_status()}")
        self._ready = True
        return control

    def _exit_status(self) -> str:
        if self.process is None:
            return "not running"
        try:
            code = self.process.wait(timeout=5)
        except subprocess.TimeoutExpired:
            return "it stopped answering"
        return f"it exited with code {code} (its errors are in the service's log)"

    def spawn(self, args: Sequence[str]) -> ForkedCrawl:
        """Fork a child running ``newswatch ARGS``; ForkserverError when the forkserver is
        gone or does not answer (the caller restarts it or starts a process instead)."""
        out_r, out_w = os.pipe2(os.O_CLOEXEC)
        err_r, err_w = os.pipe2(os.O_CLOEXEC)
        status, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        try:
            with self._lock:
                try:
                    control = self._wait_ready()
                    request = json.dumps({"args": list(args)}).encode()
                    control.settimeout(FORK_TIMEOUT)
                    socket.send_fds(control, [request], [out_w, err_w, theirs.fileno()])
                except OSError as exc:
                    raise ForkserverError(f"the crawl forkserver is gone: {self._exit_status()}") from exc
                finally:  # only the forkserver holds them now: a forkserver that dies closes them
                    for fd in (out_w, err_w):
                        os.close(fd)
                    theirs.close()
            status.settimeout(FORK_TIMEOUT)
            try:
                answer = status.recv(_MESSAGE)
            except (TimeoutError, OSError) as exc:
                raise ForkserverError(f"the crawl forkserver did not fork in {FORK_TIMEOUT:.0f} s") from exc
            if not answer.startswith(b"pid "):
                why = answer.decode(errors="replace") or self._exit_status()
                raise ForkserverError(f"the crawl forkserver did not fork: {why}")
        except BaseException:
            for fd in (out_r, err_r):
                os.close(fd)
            status.close()
            raise
        return ForkedCrawl(int(answer.split()[1]), out_r, err_r, status, list(args))

    def forget(self, pid: int | None = None) -> None:
        """Drop a forkserver that failed (killed if it is still there), so the next
        :meth:`spawn` starts a new one; with ``pid``, only if that is still the one running
        (another crawl's thread may have started a new one already)."""
        with self._lock:
            if pid is None or pid == self.pid:
                self._close(kill=True)

    def close(self, timeout: float = 30.0) -> None:
        """Close the control socket: the forkserver waits for its running crawls and exits."""
        with self._lock:
            self._close(kill=False, timeout=timeout)

    def _close(self, kill: bool, timeout: float = 30.0) -> None:
        if self._control is not None:
            self._control.close()
            self._control = None
        process, self.process, self._ready = self.process, None, False
        if process is None:
            return
        if kill:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


class ForkedCrawl:
    """A crawl forked by the forkserver, read like a :class:`subprocess.Popen` with text
    pipes: ``pid`` (its own process group), ``returncode``, ``communicate(timeout)``."""

    def __init__(self, pid: int, stdout: int, stderr: int, status: socket.socket, args: list[str]):
        self.pid = pid
        self.args = args
        self.returncode: int | None = None
        self.lost = False  # the forkserver died before it reported the exit status
        self._chunks: dict[int, list[bytes]] = {stdout: [], stderr: []}
        self._out, self._err = stdout, stderr
        self._status = status
        self._selector = selectors.DefaultSelector()
        for fd in (stdout, stderr):
            self._selector.register(fd, selectors.EVENT_READ)
        self._selector.register(status, selectors.EVENT_READ)

    def communicate(self, timeout: float | None = None) -> tuple[str, str]:
        """Read the crawl's output until it has ended (pipes closed, exit status reported);
        TimeoutExpired after ``timeout`` seconds (call again to go on reading)."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while self._selector.get_map():
            remaining = None if deadline is None else deadline - time.monotonic()
            if remaining is not None and remaining <= 0:
                raise subprocess.TimeoutExpired(self.args, timeout or 0.0)
            for key, _ in self._selector.select(remaining):
                if key.fileobj is self._status:
                    self._read_status()
                else:
                    self._read_pipe(int(key.fd))
        out, err = (b"".join(self._chunks[fd]).decode(errors="replace") for fd in (self._out, self._err))
        if self.lost:
            err += "\nnewswatch: the crawl forkserver stopped before the crawl ended: exit status unknown\n"
        return out, err

    def _read_pipe(self, fd: int) -> None:
        data = os.read(fd, 65536)
        if data:
            self._chunks[fd].append(data)
        else:
            self._selector.unregister(fd)
            os.close(fd)

    def _read_status(self) -> None:
        try:
            message = self._status.recv(_MESSAGE)
        except OSError:
            message = b""
        if message.startswith(b"exit "):
            self.returncode = int(message.split()[1])
        elif not message:
            self.lost = self.returncode is None
        else:
            return
        self._selector.unregister(self._status)
        self._status.close()

    def poll(self) -> int | None:
        return self.returncode

    def __del__(self) -> None:
        with contextlib.suppress(Exception):
            for key in list(self._selector.get_map().values()):
                self._selector.unregister(key.fileobj)
                if isinstance(key.fileobj, int):
                    os.close(key.fileobj)
            self._status.close()
            self._selector.close()


# --- the forkserver process -------------------------------------------------------------------


def preload() -> Any:
    """Import what a crawl imports: the modules above and every component the project's
    settings name (pipelines, middlewares, extensions, Scrapy's own); the settings. No reactor
    is installed, no thread started, no archive opened."""
    import importlib

    for name in PRELOAD:
        importlib.import_module(name)
    from scrapy.utils.misc import load_object
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    for name in _components(settings):
        with contextlib.suppress(ImportError, AttributeError, ValueError, NameError, TypeError):
            load_object(name)
    if "twisted.internet.reactor" in sys.modules:
        raise ForkserverError("importing installed a reactor: a forked crawl could not install its own")
    import platform

    from sqlite_utils.plugins import ensure_plugins_loaded

    platform.platform()  # kept: Scrapy's version line would run `uname -p` in every crawl
    ensure_plugins_loaded()  # sqlite-utils reads its plugins' entry points at the first open
    return settings


def warm(settings: Any) -> None:
    """Read the outlets file and compile the ruleset and claim cues as a crawl does, so the
    next child finds them ready: each loader keeps what it read, keyed by its arguments and
    the files' stamps (size, inode, times), so a child sees an edited file (and reads it) all
    the same. The archive's official-list organisations are merged in as a crawl merges them
    (read again only when they changed); an invalid file is the child's to report, as a
    process's."""
    from newswatch import anchors, places
    from newswatch.claims import cues_for
    from newswatch.outlets import load_outlets
    from newswatch.rules import load_ruleset

    anchors.month_names()  # CLDR's data, read by a crawl's first story fingerprint (~0.3 s)
    anchors.scale_words()
    places.lexicon()  # the place names, read by the first fingerprint that names a place
    rules = settings.get("NEWSWATCH_RULES")
    with contextlib.suppress(Exception):
        load_outlets(settings.get("NEWSWATCH_OUTLETS"))
    with contextlib.suppress(Exception):
        matcher = load_ruleset(rules, settings.getint("NEWSWATCH_MAX_MATCH_CHARS"), listed=_listed(settings))
        cues_for(rules, matcher.gazetteer)


def _listed(settings: Any) -> Any:
    """The archive's official-list organisations, as a crawl reads them (kept in this process
    while the lists do not change: one row read when they have not); the archive is closed
    again before any fork. None read when there is no archive yet."""
    from newswatch.archive import Archive

    path = Path(settings.get("NEWSWATCH_DB"))
    if not path.exists():
        return ()
    archive = Archive(path, settings.getint("NEWSWATCH_BUSY_TIMEOUT_MS"))
    try:
        return archive.listings.organisations()
    finally:
        archive.close()


def _components(settings: Any) -> list[str]:
    """The dotted names of the classes the settings name (as values, dict keys or values:
    ``DOWNLOAD_HANDLERS_BASE`` names its handlers as values)."""
    names: list[str] = []
    for _, value in settings.items():
        if isinstance(value, str) and _dotted(value):
            names.append(value)
        elif hasattr(value, "items"):
            for key, item in value.items():
                names.extend(name for name in (key, item) if isinstance(name, str) and _dotted(name))
    return names


def _dotted(text: str) -> bool:
    parts = text.split(".")
    return len(parts) > 1 and all(part.isidentifier() for part in parts)


class _Server:
    """The forkserver's loop: fork on request, reap on SIGCHLD, report each exit status."""

    def __init__(self, control: socket.socket, settings: Any):
        self.control = control
        self.settings = settings
        self.children: dict[int, socket.socket] = {}  # pid → that crawl's status socket
        self.wake_r, self.wake_w = os.pipe2(os.O_NONBLOCK | os.O_CLOEXEC)
        self.selector = selectors.DefaultSelector()
        self.selector.register(control, selectors.EVENT_READ)
        self.selector.register(self.wake_r, selectors.EVENT_READ)
        self.accepting = True

    def serve(self) -> int:
        signal.signal(signal.SIGCHLD, lambda *_: None)
        signal.set_wakeup_fd(self.wake_w)
        self.control.sendall(b"ready %d" % os.getpid())
        while self.accepting or self.children:
            for key, _ in self.selector.select(1.0):
                if key.fileobj is self.control:
                    self._request()
                else:
                    with contextlib.suppress(BlockingIOError):
                        os.read(self.wake_r, 4096)
            self._reap()
        return 0

    def _request(self) -> None:
        try:
            message, fds, _, _ = socket.recv_fds(self.control, _MESSAGE, 3)
        except OSError:
            message, fds = b"", []
        if not message:  # the launcher closed its end: finish the running crawls, then exit
            self.accepting = False
            self.selector.unregister(self.control)
            self.control.close()
            for fd in fds:
                os.close(fd)
            return
        if len(fds) != 3:  # not a request of the launcher's
            for fd in fds:
                os.close(fd)
            return
        out, err, status_fd = fds
        status = socket.socket(fileno=status_fd)
        try:
            args = [str(a) for a in json.loads(message)["args"]]
            warm(self.settings)
            sys.stdout.flush()
            sys.stderr.flush()
            session_r, session_w = os.pipe2(os.O_CLOEXEC)
            pid = os.fork()
            if pid == 0:
                os.close(session_r)
                self._child(args, out, err, status, session_w)
            self.children[pid] = status
            os.close(session_w)
            os.read(session_r, 1)  # closed once the child has its own session (or has died)
            os.close(session_r)
            status.sendall(b"pid %d" % pid)  # from now on, a signal to its process group reaches it
        except Exception as exc:  # said to the launcher, which starts a process instead
            with contextlib.suppress(OSError):
                status.sendall(f"error {exc}".encode())
            status.close()
        finally:
            os.close(out)
            os.close(err)

    def _reap(self) -> None:
        while self.children:
            try:
                pid, wait_status = os.waitpid(-1, os.WNOHANG)
            except ChildProcessError:
                return
            if pid == 0:
                return
            status = self.children.pop(pid, None)
            if status is not None:
                with contextlib.suppress(OSError):
                    status.sendall(b"exit %d" % os.waitstatus_to_exitcode(wait_status))
                status.close()

    def _child(self, args: list[str], out: int, err: int, status: socket.socket, session: int) -> NoReturn:
        code = CRASHED
        try:
            signal.set_wakeup_fd(-1)
            for signum in (signal.SIGCHLD, signal.SIGTERM):
                signal.signal(signum, signal.SIG_DFL)
            signal.signal(signal.SIGINT, signal.default_int_handler)
            for sock in (status, *self.children.values()):
                sock.close()
            if self.accepting:
                self.control.close()
            self.selector.close()
            os.close(self.wake_r)
            os.close(self.wake_w)
            os.setsid()
            os.close(session)
            null = os.open(os.devnull, os.O_RDONLY)
            os.dup2(null, 0)
            os.dup2(out, 1)
            os.dup2(err, 2)
            for fd in (null, out, err):
                os.close(fd)
            code = run_cli(args)
        except BaseException:  # the child never returns into the server's loop
            with contextlib.suppress(BaseException):
                traceback.print_exc()
        finally:
            with contextlib.suppress(BaseException):
                sys.stdout.flush()
                sys.stderr.flush()
            os._exit(code)


def run_cli(args: list[str]) -> int:
    """``newswatch ARGS`` in this process; its exit code."""
    from newswatch.cli import main

    sys.argv = ["newswatch", *args]
    try:
        main.main(args=args, prog_name="newswatch")
    except SystemExit as exc:
        if exc.code is None or isinstance(exc.code, int):
            return exc.code or 0
        print(exc.code, file=sys.stderr)
        return 1
    return 0


def main(argv: list[str] | None = None) -> int:
    """``python -m newswatch.service.forkserver FD``: FD is the launcher's control socket."""
    args = sys.argv[1:] if argv is None else argv
    control = socket.socket(fileno=int(args[0]))
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the service stops its crawls; this ends with them
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "settings")
    try:
        settings = preload()
    except Exception as exc:  # one line; the launcher starts processes instead
        print(f"newswatch: the crawl forkserver cannot start: {exc}", file=sys.stderr)
        return 2
    warm(settings)
    gc.collect()
    gc.freeze()  # what was imported lives as long as the forkserver and its children
    return _Server(control, settings).serve()


if __name__ == "__main__":
    sys.exit(main())
