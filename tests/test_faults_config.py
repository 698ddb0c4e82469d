"""Bad configuration, the catalogue: every invalid outlets file, rules file or setting stops the
real command line with ONE line on stderr naming the file (or the environment variable), the
entry and the problem, exit code 2, before anything runs: no archive, no HTTP request.

Each case runs the real `newswatch` in a subprocess (in parallel: they are independent). The
outlets file of every case whose fault lies elsewhere is valid and points at a loopback trap
socket of its own, so a command that got as far as crawling would be seen connecting there.
A command still running after HANG seconds has hung (a FIFO opened for reading blocks) and
fails its case alone.
The in-process checks of single outlet and rule entries are in test_outlets_config.py and
test_rules_language.py; this file covers each kind of fault through the commands.
"""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from conftest import crawl_env, run_newswatch

TRAP_OUTLETS = """
[outlets.dw]
name = "DW"
homepage = "http://127.0.0.1:{port}/"
feeds = ["http://127.0.0.1:{port}/feed.xml"]
"""
RULES = """
[groups.CHINA]
aliases = ["China", "Chinese"]
[groups.RUSSIA]
aliases = ["Russia"]

[[rules]]
id = "china-russia"
description = "China and Russia"
severity = "high"
query = "{query}"
"""
SMTP = {"NEWSWATCH_SMTP_HOST": "127.0.0.1", "NEWSWATCH_SMTP_SECURITY": "none"}


@dataclass(frozen=True)
class Case:
    id: str
    command: tuple[str, ...]
    #: fragments the one line holds, in this order; the first follows "newswatch: " directly.
    #: ``{dir}`` is the case's own folder (where its files are written).
    expected: tuple[str, ...]
    env: dict[str, str] = field(default_factory=dict)
    #: files written into the case's folder: name → text (bytes for raw bytes)
    files: dict[str, str | bytes] = field(default_factory=dict)
    #: makes what plain files cannot be (a FIFO, a symlink loop) in the case's folder
    make: Callable[[Path], None] | None = None


def env_var(name: str, value: str, problem: str) -> tuple[str, ...]:
    return ("settings: environment variable ", f"{name}={value!r} {problem}")


def fifo(name: str) -> Callable[[Path], None]:
    """A named pipe nobody writes to: opening it for reading would block for ever."""

    def make(folder: Path) -> None:
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        os.mkfifo(folder / name)

    return make


def symlink_loop(name: str) -> Callable[[Path], None]:
    """``name`` → ``name.loop`` → ``name``: resolving either never ends."""

    def make(folder: Path) -> None:
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(path.name + ".loop")
        path.with_name(path.name + ".loop").symlink_to(path.name)

    return make


HANG = 30  # seconds: a case still running by then has hung
BIG = 5 * 1024 * 1024 + 1  # one byte over the limit on configuration files


CASES = [
    # --- settings (environment variables, and -s) ------------------------------------------
    Case(
        "freshness-days-not-a-number",
        ("crawl",),
        env_var("NEWSWATCH_FRESHNESS_DAYS", "abc", "is not a number"),
        {"NEWSWATCH_FRESHNESS_DAYS": "abc"},
    ),
    Case(
        "freshness-days-nan",
        ("crawl",),
        env_var("NEWSWATCH_FRESHNESS_DAYS", "nan", "is not a finite number"),
        {"NEWSWATCH_FRESHNESS_DAYS": "nan"},
    ),
    Case(
        "story-threshold-above-one",
        ("crawl",),
        env_var("NEWSWATCH_STORY_THRESHOLD", "2", "is out of range (use 0 to 1)"),
        {"NEWSWATCH_STORY_THRESHOLD": "2"},
    ),
    Case(
        "copy-threshold-negative",
        ("run", "--once"),
        env_var("NEWSWATCH_COPY_THRESHOLD", "-0.5", "is out of range (use 0 to 1)"),
        {"NEWSWATCH_COPY_THRESHOLD": "-0.5"},
    ),
    Case(
        "story-window-zero",
        ("crawl",),
        env_var("NEWSWATCH_STORY_WINDOW_HOURS", "0", "must be more than 0"),
        {"NEWSWATCH_STORY_WINDOW_HOURS": "0"},
    ),
    Case(
        "story-threshold-given-with-s",
        ("crawl", "-s", "NEWSWATCH_STORY_THRESHOLD=abc"),
        ("settings: -s NEWSWATCH_STORY_THRESHOLD='abc' is not a number",),
    ),
    Case(
        "max-parallel-crawls-zero",
        ("run", "--once"),
        env_var("NEWSWATCH_MAX_PARALLEL_CRAWLS", "0", "must be at least 1"),
        {"NEWSWATCH_MAX_PARALLEL_CRAWLS": "0"},
    ),
    Case(
        "crawl-timeout-negative",
        ("run", "--once"),
        env_var("NEWSWATCH_CRAWL_TIMEOUT", "-5", "must be more than 0"),
        {"NEWSWATCH_CRAWL_TIMEOUT": "-5"},
    ),
    Case(
        "httpcache-not-boolean",
        ("crawl",),
        env_var("NEWSWATCH_HTTPCACHE", "maybe", "is not a boolean (use 1/0)"),
        {"NEWSWATCH_HTTPCACHE": "maybe"},
    ),
    Case(
        "log-level-unknown",
        ("crawl",),
        env_var("NEWSWATCH_LOG_LEVEL", "LOUD", "is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL"),
        {"NEWSWATCH_LOG_LEVEL": "LOUD"},
    ),
    Case(
        "digest-at-25:99",
        ("run", "--once"),
        ("NEWSWATCH_DIGEST_AT='25:99': use HH:MM or 'HH:MM Area/City'",),
        {"NEWSWATCH_DIGEST_AT": "25:99"},
    ),
    Case(
        "timezone-unknown-service",
        ("run", "--once"),
        ("NEWSWATCH_TIMEZONE='Mars/Base': not a time zone",),
        {"NEWSWATCH_TIMEZONE": "Mars/Base"},
    ),
    Case(
        "smtp-security-bogus-without-host",
        ("digest", "--send"),
        ("NEWSWATCH_SMTP_SECURITY='bogus': use one of none, starttls, ssl",),
        {"NEWSWATCH_SMTP_SECURITY": "bogus"},
    ),
    Case(
        "smtp-port-negative",
        ("digest", "--send"),
        env_var("NEWSWATCH_SMTP_PORT", "-1", "is out of range (use 0 to 65535)"),
        {**SMTP, "NEWSWATCH_DIGEST_TO": "analyst@example.org", "NEWSWATCH_SMTP_PORT": "-1"},
    ),
    Case(
        "digest-recipient-not-an-address",
        ("run", "--once"),
        ("digest address 'analyst': not an e-mail address",),
        {**SMTP, "NEWSWATCH_DIGEST_TO": "analyst"},
    ),
    Case(
        "alert-max-attempts-zero",
        ("dispatch",),
        env_var("NEWSWATCH_ALERT_MAX_ATTEMPTS", "0", "must be at least 1"),
        {"NEWSWATCH_ALERT_MAX_ATTEMPTS": "0"},
    ),
    Case(
        "slack-interval-negative",
        ("dispatch", "--dry-run"),
        env_var("NEWSWATCH_SLACK_MIN_INTERVAL", "-1", "must be at least 0"),
        {"NEWSWATCH_SLACK_MIN_INTERVAL": "-1"},
    ),
    Case(
        "freshness-days-overflowing",
        ("crawl",),
        env_var("NEWSWATCH_FRESHNESS_DAYS", "1e300", "is too large (at most 36500 days)"),
        {"NEWSWATCH_FRESHNESS_DAYS": "1e300"},
    ),
    Case(
        "revisit-days-overflowing",
        ("crawl",),
        env_var("NEWSWATCH_REVISIT_DAYS", "99999999999", "is too large (at most 36500 days)"),
        {"NEWSWATCH_REVISIT_DAYS": "99999999999"},
    ),
    Case(
        "story-window-hours-infinite",
        ("crawl",),
        env_var("NEWSWATCH_STORY_WINDOW_HOURS", "inf", "is not a finite number"),
        {"NEWSWATCH_STORY_WINDOW_HOURS": "inf"},
    ),
    Case(
        "copy-window-days-overflowing-given-with-s",
        ("crawl", "-s", "NEWSWATCH_COPY_WINDOW_DAYS=1e300"),
        ("settings: -s NEWSWATCH_COPY_WINDOW_DAYS='1e300' is too large (at most 36500 days)",),
    ),
    Case(
        "download-delay-overflowing-given-as-scrapy-setting",
        ("crawl", "-s", "DOWNLOAD_DELAY=1e300"),
        ("settings: -s DOWNLOAD_DELAY='1e300' is too large (at most 3600 seconds)",),
    ),
    Case(
        "crawl-timeout-overflowing",
        ("run", "--once"),
        env_var("NEWSWATCH_CRAWL_TIMEOUT", "1e300", "is too large (at most 86400 seconds)"),
        {"NEWSWATCH_CRAWL_TIMEOUT": "1e300"},
    ),
    Case(
        "max-parallel-crawls-huge",
        ("run", "--once"),
        env_var("NEWSWATCH_MAX_PARALLEL_CRAWLS", "1000000", "is too large (at most 64)"),
        {"NEWSWATCH_MAX_PARALLEL_CRAWLS": "1000000"},
    ),
    Case(
        "alert-retry-seconds-overflowing",
        ("dispatch",),
        env_var("NEWSWATCH_ALERT_RETRY_SECONDS", "1e300", "is too large (at most 3600 seconds)"),
        {"NEWSWATCH_ALERT_RETRY_SECONDS": "1e300"},
    ),
    Case(
        "busy-timeout-overflowing",
        ("dispatch", "--dry-run"),
        env_var(
            "NEWSWATCH_BUSY_TIMEOUT_MS",
            "99999999999999999999",
            "is too large (at most 3600000 ms)",
        ),
        {"NEWSWATCH_BUSY_TIMEOUT_MS": "99999999999999999999"},
    ),
    Case(
        "crawl-since-overflowing",
        ("crawl", "--since", "99999999d"),
        ("--since '99999999d': at most 100 years back (36500d)",),
    ),
    # --- the outlets file -------------------------------------------------------------------
    Case(
        "outlets-file-missing",
        ("crawl",),
        ("{dir}/nope.toml: outlets file not found (set NEWSWATCH_OUTLETS)",),
        {"NEWSWATCH_OUTLETS": "{dir}/nope.toml"},
    ),
    Case(
        "outlets-file-unreadable",
        ("run", "--once"),
        ("{dir}/outlets.d: cannot read outlets file: Is a directory",),
        {"NEWSWATCH_OUTLETS": "{dir}/outlets.d"},
        {"outlets.d/.keep": ""},
    ),
    Case(
        "outlets-file-not-utf8",
        ("crawl",),
        ("{dir}/outlets.toml: outlet 'dw': line 3: not UTF-8 (byte 0xe9); save the file as UTF-8",),
        files={"outlets.toml": b'\n[outlets.dw]\nname = "Deutsche Welle \xe9"\n'},
    ),
    Case(
        "outlets-file-empty",
        ("crawl",),
        ("{dir}/outlets.toml: no outlets defined",),
        files={"outlets.toml": ""},
    ),
    Case(
        "outlets-toml-syntax-error",
        ("run", "--once"),
        ("{dir}/outlets.toml: outlet 'dw': invalid TOML: ", "(at line 3, "),
        files={"outlets.toml": '[outlets.dw]\nname = "DW"\nhomepage = "https://www.dw.com/\n'},
    ),
    Case(
        "outlets-duplicate-outlet",
        ("crawl",),
        ("{dir}/outlets.toml: outlet 'dw': invalid TOML: Cannot declare ('outlets', 'dw') twice",),
        files={"outlets.toml": TRAP_OUTLETS + TRAP_OUTLETS},
    ),
    Case(
        "outlets-all-disabled",
        ("crawl",),
        ("{dir}/outlets.toml: no enabled outlet to crawl",),
        files={"outlets.toml": TRAP_OUTLETS + "enabled = false\n"},
    ),
    Case(
        "search-since-year-one",
        ("search", "drones", "--since", "0001-01-01"),
        ("--since '0001-01-01': at most 100 years back (36500d)",),
    ),
    Case(
        "search-limit-overflowing",
        ("search", "drones", "--limit", "99999999999999999999"),
        ("--limit 99999999999999999999: use 1 to 10000",),
    ),
    Case(
        "dispatch-limit-overflowing",
        ("dispatch", "--limit", "99999999999999999999"),
        ("--limit 99999999999999999999: use 1 to 10000",),
    ),
    Case(
        "alerts-limit-overflowing",
        ("alerts", "--limit", "99999999999999999999"),
        ("--limit 99999999999999999999: use 1 to 10000",),
    ),
    Case(
        "alerts-requeue-overflowing",
        ("alerts", "--requeue", "99999999999999999999"),
        ("--requeue 99999999999999999999: use 1 to 9223372036854775807",),
    ),
    Case(
        "digest-resend-overflowing",
        ("digest", "--resend", "99999999999999999999"),
        ("--resend 99999999999999999999: use 1 to 9223372036854775807",),
    ),
    Case(
        "serve-port-out-of-range",
        ("serve", "--port", "99999999"),
        ("--port 99999999: use 1 to 65535",),
    ),
    Case(
        "extract-page-fifo",
        ("extract", "{dir}/page.html"),
        ("{dir}/page.html: cannot read page: not a regular file (a FIFO)",),
        make=fifo("page.html"),
    ),
    Case(
        "explain-dev-zero",
        ("rules", "explain", "/dev/zero"),
        ("/dev/zero: cannot read text file: not a regular file (a character device)",),
    ),
    Case(
        "outlet-interval-overflowing",
        ("crawl",),
        ("{dir}/outlets.toml: outlet 'dw': key 'interval': '99999999999d' is longer than 365 days",),
        files={"outlets.toml": TRAP_OUTLETS + 'interval = "99999999999d"\n'},
    ),
    Case(
        "outlets-file-fifo",
        ("outlets",),
        ("{dir}/outlets.fifo: cannot read outlets file: not a regular file (a FIFO)",),
        {"NEWSWATCH_OUTLETS": "{dir}/outlets.fifo"},
        make=fifo("outlets.fifo"),
    ),
    Case(
        "outlets-file-dev-zero",
        ("crawl",),
        ("/dev/zero: cannot read outlets file: not a regular file (a character device)",),
        {"NEWSWATCH_OUTLETS": "/dev/zero"},
    ),
    Case(
        "outlets-file-too-large",
        ("crawl",),
        ("{dir}/outlets.toml: cannot read outlets file: larger than 5 MB (5242881 bytes)",),
        files={"outlets.toml": "#" * (BIG - 1) + "\n"},
    ),
    Case(
        "outlets-file-nested-too-deeply",
        ("crawl",),
        ("{dir}/outlets.toml: invalid TOML: arrays or tables nested too deeply",),
        files={"outlets.toml": "[outlets.dw]\nnotes = " + "[" * 5000 + "]" * 5000 + "\n"},
    ),
    Case(
        "outlets-file-symlink-loop",
        ("outlets",),
        ("{dir}/outlets.link: cannot read outlets file: symlink loop",),
        {"NEWSWATCH_OUTLETS": "{dir}/outlets.link"},
        make=symlink_loop("outlets.link"),
    ),
    # --- the rules ----------------------------------------------------------------------------
    Case(
        "rules-folder-missing",
        ("crawl",),
        ("{dir}/rules: rules folder not found (set NEWSWATCH_RULES)",),
        {"NEWSWATCH_RULES": "{dir}/rules"},
    ),
    Case(
        "rules-folder-symlink-loop",
        ("crawl",),
        ("{dir}/rules: cannot read rules folder: symlink loop",),
        {"NEWSWATCH_RULES": "{dir}/rules"},
        make=symlink_loop("rules"),
    ),
    Case(
        "rules-location-dev-zero",
        ("rules", "check"),
        ("/dev/zero: cannot read rules folder: not a folder or a regular file (a character device)",),
        {"NEWSWATCH_RULES": "/dev/zero"},
    ),
    Case(
        "rules-location-fifo",
        ("crawl",),
        ("{dir}/rules.fifo: cannot read rules folder: not a folder or a regular file (a FIFO)",),
        {"NEWSWATCH_RULES": "{dir}/rules.fifo"},
        make=fifo("rules.fifo"),
    ),
    Case(
        "rule-file-is-a-folder",
        ("rules", "check"),
        ("{dir}/rules/zz.toml: cannot read rule file: Is a directory",),
        {"NEWSWATCH_RULES": "{dir}/rules"},
        {"rules/topic.toml": RULES.format(query="CHINA AND RUSSIA"), "rules/zz.toml/.keep": ""},
    ),
    Case(
        "rule-file-fifo-in-folder",
        ("rules", "check"),
        ("{dir}/rules/zz.toml: cannot read rule file: not a regular file (a FIFO)",),
        {"NEWSWATCH_RULES": "{dir}/rules"},
        {"rules/topic.toml": RULES.format(query="CHINA AND RUSSIA")},
        make=fifo("rules/zz.toml"),
    ),
    Case(
        "rule-file-symlink-loop-in-folder",
        ("crawl",),
        ("{dir}/rules/loop.toml: cannot read rule file: symlink loop",),
        {"NEWSWATCH_RULES": "{dir}/rules"},
        {"rules/topic.toml": RULES.format(query="CHINA AND RUSSIA")},
        make=symlink_loop("rules/loop.toml"),
    ),
    Case(
        "rule-file-too-large",
        ("rules", "check"),
        ("{dir}/rules/topic.toml: cannot read rule file: larger than 5 MB (5242881 bytes)",),
        {"NEWSWATCH_RULES": "{dir}/rules"},
        {"rules/topic.toml": "#" * (BIG - 1) + "\n"},
    ),
    Case(
        "rules-folder-too-large-together",
        ("rules", "check"),
        (
            "{dir}/rules: cannot read rules folder: its rule files hold more than 20 MB together (26214400 bytes)",
        ),
        {"NEWSWATCH_RULES": "{dir}/rules"},
        {f"rules/part{n}.toml": "#" * (BIG - 2) + "\n" for n in range(5)},
    ),
    Case(
        "rules-folder-without-rule-files",
        ("rules", "check"),
        ("{dir}/rules: no rule files (*.toml)",),
        {"NEWSWATCH_RULES": "{dir}/rules"},
        {"rules/README.md": "rules go here\n"},
    ),
    Case(
        "rules-only-groups",
        ("run", "--once"),
        ("{dir}/rules: no enabled rules",),
        {"NEWSWATCH_RULES": "{dir}/rules"},
        {"rules/groups.toml": RULES.split("[[rules]]")[0]},
    ),
    Case(
        "rule-with-unknown-group",
        ("crawl",),
        (
            "{dir}/rules/topic.toml: rule 'china-russia': key 'query': column 1: "
            "unknown group 'CHIAN' (did you mean CHINA?)",
        ),
        {"NEWSWATCH_RULES": "{dir}/rules"},
        {"rules/topic.toml": RULES.format(query="CHIAN AND RUSSIA")},
    ),
    Case(
        "group-including-unknown-group",
        ("rules", "check"),
        ("{dir}/rules/topic.toml: group 'RUSSIA': key 'include[0]': unknown group 'USSR'",),
        {"NEWSWATCH_RULES": "{dir}/rules"},
        {
            "rules/topic.toml": RULES.format(query="CHINA AND RUSSIA").replace(
                'aliases = ["Russia"]', 'aliases = ["Russia"]\ninclude = ["USSR"]'
            )
        },
    ),
    Case(
        "rule-file-not-utf8",
        ("crawl",),
        (
            "{dir}/rules/topic.toml: rule 'china-russia': line 11: not UTF-8 (byte 0xff); "
            "save the file as UTF-8",
        ),
        {"NEWSWATCH_RULES": "{dir}/rules"},
        {"rules/topic.toml": RULES.format(query="CHINA AND RUSSIA").encode().replace(b"AND", b"\xff", 1)},
    ),
    Case(
        "rule-file-toml-syntax-error",
        ("rules", "check"),
        ("{dir}/rules/topic.toml: rule 'china-russia': invalid TOML: ",),
        {"NEWSWATCH_RULES": "{dir}/rules"},
        {
            "rules/topic.toml": RULES.format(query="CHINA AND RUSSIA").replace(
                'severity = "high"', "severity = high"
            )
        },
    ),
]


@dataclass
class Outcome:
    case: Case
    folder: Path
    result: subprocess.CompletedProcess[str]
    connections: int  # TCP connections the case's trap socket received


def _trap() -> socket.socket:
    trap = socket.socket()
    trap.bind(("127.0.0.1", 0))
    trap.listen(16)
    trap.setblocking(False)
    return trap


def _connections(trap: socket.socket) -> int:
    count = 0
    while True:
        try:
            conn, _ = trap.accept()
        except BlockingIOError:
            return count
        conn.close()
        count += 1


def _run(case: Case, folder: Path, trap: socket.socket) -> Outcome:
    port = trap.getsockname()[1]
    (folder / "outlets.toml").write_text(TRAP_OUTLETS.format(port=port), encoding="utf-8")
    for name, content in case.files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content.replace("{port}", str(port)), encoding="utf-8")
    if case.make is not None:
        case.make(folder)
    extra = {k: v.replace("{dir}", str(folder)) for k, v in case.env.items()}
    env = crawl_env(folder, folder / "outlets.toml", **extra)
    env["NEWSWATCH_RULES"] = extra.get("NEWSWATCH_RULES", env.get("NEWSWATCH_RULES", ""))
    if not env["NEWSWATCH_RULES"]:
        del env["NEWSWATCH_RULES"]  # the shipped rules
    command = [part.replace("{dir}", str(folder)) for part in case.command]
    try:
        result = run_newswatch(command, env, timeout=HANG)
    except subprocess.TimeoutExpired:  # a hang is this case's failure, not the whole table's
        result = subprocess.CompletedProcess(case.command, -1, "", f"hung: no answer in {HANG} s")
    return Outcome(case, folder, result, _connections(trap))


@pytest.fixture(scope="module")
def outcomes(tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Outcome]]:
    """Every case, run once, four at a time."""
    traps = {case.id: _trap() for case in CASES}
    try:
        with ThreadPoolExecutor(4) as pool:
            futures = {
                case.id: pool.submit(_run, case, tmp_path_factory.mktemp("case"), traps[case.id])
                for case in CASES
            }
            yield {key: future.result() for key, future in futures.items()}
    finally:
        for trap in traps.values():
            trap.close()


def test_the_catalogue_covers_outlets_rules_and_settings_with_at_least_twenty_cases() -> None:
    assert len(CASES) >= 20 and len({c.id for c in CASES}) == len(CASES)
    kinds = {c.id.split("-")[0] for c in CASES}
    assert {"outlets", "rules", "rule"} <= kinds
    assert sum(any(k.startswith("NEWSWATCH_") for k in c.env) for c in CASES) >= 15
    assert {c.command[0] for c in CASES} >= {"crawl", "run", "dispatch", "digest", "rules"}


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_configuration_stops_before_anything_runs_with_one_line(
    case: Case, outcomes: dict[str, Outcome]
) -> None:
    outcome = outcomes[case.id]
    result, folder = outcome.result, outcome.folder
    assert "Traceback" not in result.stderr, result.stderr[-2000:]
    lines = [line for line in result.stderr.splitlines() if line.strip()]
    assert len(lines) == 1, result.stderr[-2000:]
    line = lines[-1]
    fragments = [f.replace("{dir}", str(folder)) for f in case.expected]
    assert line.startswith("newswatch: " + fragments[0]), line
    position = 0
    for fragment in fragments:
        found = line.find(fragment, position)
        assert found >= 0, (fragment, line)
        position = found + len(fragment)
    assert result.returncode == 2, (result.returncode, line)
    assert not (folder / "data" / "newswatch.db").exists()
    assert not (folder / "data").exists()  # no archive, no lock file, no alerts.jsonl, no digests
    assert outcome.connections == 0  # the crawl never started


@pytest.mark.parametrize("raw", ["1e300", "99999999999999999999", "nan", "inf", "-inf", "1" + "0" * 5000])
def test_no_number_setting_takes_an_overflowing_value(raw: str) -> None:
    """Every number setting (and the Scrapy names -s may set instead), not only the ones above."""
    import settings

    assert len(settings._NUMBERS) >= 25
    for name, bounds in settings._NUMBERS.items():
        with pytest.raises(ValueError, match=r"too large|not a finite|not a whole|not a number|out of range"):
            settings._number(raw, bounds)
        assert name.isupper()


def test_the_longest_allowed_spans_keep_date_arithmetic_in_range() -> None:
    import settings

    unit_seconds = {"days": 86400, "hours": 3600, "seconds": 1, "ms": 0.001}
    now = datetime(2026, 1, 1, tzinfo=UTC)
    spans = [(n, b) for n, b in settings._NUMBERS.items() if b.unit in unit_seconds]
    assert {n for n, _ in spans} >= {"NEWSWATCH_FRESHNESS_DAYS", "NEWSWATCH_STORY_WINDOW_HOURS"}
    for _, bounds in spans:
        longest = timedelta(seconds=float(bounds.most or 0) * unit_seconds[bounds.unit])
        assert now - longest < now < now + longest  # neither end overflows
