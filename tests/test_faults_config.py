"""Bad configuration, the catalogue: every invalid outlets file, rules file or setting stops the
real command line with ONE line on stderr naming the file (or the environment variable), the
entry and the problem, exit code 2, before anything runs: no archive, no HTTP request.

Each case runs the real `newswatch` in a subprocess (one test each, so the test workers run
them in parallel and no worker runs another's). The
outlets file of every case whose fault lies elsewhere is valid and points at a loopback trap
socket of its own, so a command that got as far as crawling would be seen connecting there.
A command still running after HANG seconds has hung (a FIFO opened for reading blocks) and
fails its case alone.
The in-process checks of single outlet and rule entries are in test_outlets_config.py and
test_rules_language.py; this file covers each kind of file fault through the commands. Bad
settings are checked in process (SETTING_CASES: the settings model, the alert settings and
the digest time, as every command reads them), with two through the real command line.
"""

from __future__ import annotations

import os
import socket
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from helpers import crawl_env, run_newswatch

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
    # --- settings: the real command line; every other setting case is checked in process below
    Case(
        "freshness-days-not-a-number",
        ("crawl",),
        env_var("NEWSWATCH_FRESHNESS_DAYS", "abc", "is not a number"),
        {"NEWSWATCH_FRESHNESS_DAYS": "abc"},
    ),
    Case(
        "copy-window-days-overflowing-given-with-s",
        ("crawl", "-s", "NEWSWATCH_COPY_WINDOW_DAYS=1e300"),
        ("settings: -s NEWSWATCH_COPY_WINDOW_DAYS='1e300' is too large (at most 36500 days)",),
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


def test_the_catalogue_covers_outlets_rules_and_settings_with_at_least_twenty_cases() -> None:
    assert len(CASES) >= 20 and len({c.id for c in CASES}) == len(CASES)
    kinds = {c.id.split("-")[0] for c in CASES}
    assert {"outlets", "rules", "rule"} <= kinds
    assert sum(any(k.startswith("NEWSWATCH_") for k in c.env) for c in CASES) >= 15
    assert {c.command[0] for c in CASES} >= {"crawl", "run", "rules", "outlets", "search"}
    assert len(SETTING_CASES) >= 20 and len({c.id for c in SETTING_CASES}) == len(SETTING_CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_configuration_stops_before_anything_runs_with_one_line(case: Case, tmp_path: Path) -> None:
    trap = _trap()
    try:
        outcome = _run(case, tmp_path, trap)
    finally:
        trap.close()
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


# --- settings, in process: what every command does with them before anything runs -----------


@dataclass(frozen=True)
class SettingCase:
    id: str
    #: environment variables (``-s`` values when ``given_with_s``)
    values: dict[str, str]
    #: the one line, whole
    expected: str
    given_with_s: bool = False


def env_line(name: str, value: str, problem: str) -> str:
    return f"settings: environment variable {name}={value!r} {problem}"


SETTING_CASES = [
    SettingCase(
        "freshness-days-nan",
        {"NEWSWATCH_FRESHNESS_DAYS": "nan"},
        env_line("NEWSWATCH_FRESHNESS_DAYS", "nan", "is not a finite number"),
    ),
    SettingCase(
        "story-threshold-above-one",
        {"NEWSWATCH_STORY_THRESHOLD": "2"},
        env_line("NEWSWATCH_STORY_THRESHOLD", "2", "is out of range (use 0 to 1)"),
    ),
    SettingCase(
        "copy-threshold-negative",
        {"NEWSWATCH_COPY_THRESHOLD": " -0.5 "},
        env_line("NEWSWATCH_COPY_THRESHOLD", "-0.5", "is out of range (use 0 to 1)"),
    ),
    SettingCase(
        "story-window-zero",
        {"NEWSWATCH_STORY_WINDOW_HOURS": "0"},
        env_line("NEWSWATCH_STORY_WINDOW_HOURS", "0", "must be more than 0"),
    ),
    SettingCase(
        "story-threshold-given-with-s",
        {"NEWSWATCH_STORY_THRESHOLD": "abc"},
        "settings: -s NEWSWATCH_STORY_THRESHOLD='abc' is not a number",
        given_with_s=True,
    ),
    SettingCase(
        "max-parallel-crawls-zero",
        {"NEWSWATCH_MAX_PARALLEL_CRAWLS": "0"},
        env_line("NEWSWATCH_MAX_PARALLEL_CRAWLS", "0", "must be at least 1"),
    ),
    SettingCase(
        "crawl-timeout-negative",
        {"NEWSWATCH_CRAWL_TIMEOUT": "-5"},
        env_line("NEWSWATCH_CRAWL_TIMEOUT", "-5", "must be more than 0"),
    ),
    SettingCase(
        "httpcache-not-boolean",
        {"NEWSWATCH_HTTPCACHE": "maybe"},
        env_line("NEWSWATCH_HTTPCACHE", "maybe", "is not a boolean (use 1/0)"),
    ),
    SettingCase(
        "log-level-unknown",
        {"NEWSWATCH_LOG_LEVEL": "LOUD"},
        env_line("NEWSWATCH_LOG_LEVEL", "LOUD", "is not one of DEBUG, INFO, WARNING, ERROR, CRITICAL"),
    ),
    SettingCase(
        "digest-at-25:99",
        {"NEWSWATCH_DIGEST_AT": "25:99"},
        env_line(
            "NEWSWATCH_DIGEST_AT",
            "25:99",
            "is not a time of day (use HH:MM or 'HH:MM Area/City', e.g. 07:30 Europe/Brussels)",
        ),
    ),
    SettingCase(
        "digest-at-unknown-zone",
        {"NEWSWATCH_DIGEST_AT": "07:30 Mars/Olympus"},
        env_line(
            "NEWSWATCH_DIGEST_AT",
            "07:30 Mars/Olympus",
            "names an unknown time zone 'Mars/Olympus' (e.g. Europe/Brussels)",
        ),
    ),
    SettingCase(
        "timezone-unknown",
        {"NEWSWATCH_TIMEZONE": "Mars/Base"},
        env_line(
            "NEWSWATCH_TIMEZONE", "Mars/Base", "is not a time zone (an IANA name, e.g. Europe/Brussels)"
        ),
    ),
    SettingCase(
        "smtp-security-bogus-without-host",
        {"NEWSWATCH_SMTP_SECURITY": "bogus"},
        env_line("NEWSWATCH_SMTP_SECURITY", "bogus", "is not one of none, starttls, ssl"),
    ),
    SettingCase(
        "smtp-port-negative",
        {**SMTP, "NEWSWATCH_DIGEST_TO": "analyst@example.org", "NEWSWATCH_SMTP_PORT": "-1"},
        env_line("NEWSWATCH_SMTP_PORT", "-1", "is out of range (use 0 to 65535)"),
    ),
    SettingCase(
        "digest-recipients-missing",
        SMTP,
        "NEWSWATCH_DIGEST_TO: required when NEWSWATCH_SMTP_HOST is set (comma-separated)",
    ),
    SettingCase(
        "digest-sender-not-an-address",
        {**SMTP, "NEWSWATCH_DIGEST_TO": "analyst@example.org", "NEWSWATCH_DIGEST_FROM": "newswatch"},
        "NEWSWATCH_DIGEST_FROM='newswatch': digest address 'newswatch': not an e-mail address",
    ),
    SettingCase(
        "digest-recipient-not-an-address",
        {**SMTP, "NEWSWATCH_DIGEST_TO": "analyst"},
        "NEWSWATCH_DIGEST_TO='analyst': digest address 'analyst': not an e-mail address",
    ),
    SettingCase(
        "slack-api-url-not-http",
        {"NEWSWATCH_SLACK_API_URL": "slack.com/api/"},
        env_line("NEWSWATCH_SLACK_API_URL", "slack.com/api/", "is not an http(s) URL"),
    ),
    SettingCase(
        "slack-token-without-channel",
        {"SLACK_BOT_TOKEN": "xoxb-1", "NEWSWATCH_SLACK_CHANNEL": " "},
        "NEWSWATCH_SLACK_CHANNEL: required when SLACK_BOT_TOKEN is set",
        given_with_s=True,
    ),
    SettingCase(
        "alert-max-attempts-zero",
        {"NEWSWATCH_ALERT_MAX_ATTEMPTS": "0"},
        env_line("NEWSWATCH_ALERT_MAX_ATTEMPTS", "0", "must be at least 1"),
    ),
    SettingCase(
        "slack-interval-negative",
        {"NEWSWATCH_SLACK_MIN_INTERVAL": "-1"},
        env_line("NEWSWATCH_SLACK_MIN_INTERVAL", "-1", "must be at least 0"),
    ),
    SettingCase(
        "freshness-days-overflowing",
        {"NEWSWATCH_FRESHNESS_DAYS": "1e300"},
        env_line("NEWSWATCH_FRESHNESS_DAYS", "1e300", "is too large (at most 36500 days)"),
    ),
    SettingCase(
        "revisit-days-overflowing",
        {"NEWSWATCH_REVISIT_DAYS": "99999999999"},
        env_line("NEWSWATCH_REVISIT_DAYS", "99999999999", "is too large (at most 36500 days)"),
    ),
    SettingCase(
        "story-window-hours-infinite",
        {"NEWSWATCH_STORY_WINDOW_HOURS": "inf"},
        env_line("NEWSWATCH_STORY_WINDOW_HOURS", "inf", "is not a finite number"),
    ),
    SettingCase(
        "download-delay-overflowing-given-as-scrapy-setting",
        {"DOWNLOAD_DELAY": "1e300"},
        "settings: -s DOWNLOAD_DELAY='1e300' is too large (at most 3600 seconds)",
        given_with_s=True,
    ),
    SettingCase(
        "httpcache-not-boolean-given-with-s",
        {"NEWSWATCH_HTTPCACHE": "maybe"},
        "settings: -s NEWSWATCH_HTTPCACHE='maybe' is not a boolean (use 1/0)",
        given_with_s=True,
    ),
    SettingCase(
        "crawl-timeout-overflowing",
        {"NEWSWATCH_CRAWL_TIMEOUT": "1e300"},
        env_line("NEWSWATCH_CRAWL_TIMEOUT", "1e300", "is too large (at most 86400 seconds)"),
    ),
    SettingCase(
        "max-parallel-crawls-huge",
        {"NEWSWATCH_MAX_PARALLEL_CRAWLS": "1000000"},
        env_line("NEWSWATCH_MAX_PARALLEL_CRAWLS", "1000000", "is too large (at most 64)"),
    ),
    SettingCase(
        "alert-retry-seconds-overflowing",
        {"NEWSWATCH_ALERT_RETRY_SECONDS": "1e300"},
        env_line("NEWSWATCH_ALERT_RETRY_SECONDS", "1e300", "is too large (at most 3600 seconds)"),
    ),
    SettingCase(
        "busy-timeout-overflowing",
        {"NEWSWATCH_BUSY_TIMEOUT_MS": "99999999999999999999"},
        env_line("NEWSWATCH_BUSY_TIMEOUT_MS", "99999999999999999999", "is too large (at most 3600000 ms)"),
    ),
]


def load_settings_as_the_commands_do(given_with_s: dict[str, str]) -> None:
    """The settings module's checks, then the -s checks, the alert settings and the digest
    time: what `crawl`, `dispatch`, `digest` and `run` read before anything runs."""
    from scrapy.settings import Settings

    from alerts.config import alert_config
    from newswatch.config.environment import check, read_environment, scrapy_settings
    from newswatch.service.schedule import parse_digest_at

    values = Settings(scrapy_settings(read_environment()))
    values.setdict(given_with_s, priority="cmdline")
    check(values)
    parse_digest_at(values.get("NEWSWATCH_DIGEST_AT"), alert_config(values).timezone)


@pytest.mark.parametrize("case", SETTING_CASES, ids=[c.id for c in SETTING_CASES])
def test_an_invalid_setting_is_one_config_error_naming_the_variable(
    case: SettingCase, monkeypatch: pytest.MonkeyPatch
) -> None:
    from newswatch.errors import ConfigError

    for name in [n for n in os.environ if n.startswith("NEWSWATCH_") or n == "SLACK_BOT_TOKEN"]:
        monkeypatch.delenv(name)
    for name, value in ({} if case.given_with_s else case.values).items():
        monkeypatch.setenv(name, value)
    with pytest.raises(ConfigError) as info:
        load_settings_as_the_commands_do(case.values if case.given_with_s else {})
    assert str(info.value) == case.expected


def test_valid_settings_load_with_their_documented_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in [n for n in os.environ if n.startswith("NEWSWATCH_") or n == "SLACK_BOT_TOKEN"]:
        monkeypatch.delenv(name)
    monkeypatch.setenv("NEWSWATCH_HTTPCACHE", " off ")
    monkeypatch.setenv("NEWSWATCH_LOG_LEVEL", "debug")
    monkeypatch.setenv("NEWSWATCH_FRESHNESS_DAYS", "")  # blank: the default
    load_settings_as_the_commands_do({"DOWNLOAD_DELAY": "2"})
    from newswatch.config.environment import read_environment, scrapy_settings

    values = scrapy_settings(read_environment())
    assert values["NEWSWATCH_HTTPCACHE"] is False and values["LOG_LEVEL"] == "DEBUG"
    assert values["NEWSWATCH_FRESHNESS_DAYS"] == 3.0 and values["DOWNLOAD_DELAY"] == 0.5
    assert values["CONCURRENT_REQUESTS"] == 16 and "NEWSWATCH_CONCURRENT_REQUESTS" not in values


def test_a_setting_error_is_a_config_error_not_an_exit() -> None:
    from newswatch.errors import ConfigError, SettingError

    assert issubclass(SettingError, ConfigError) and not issubclass(SettingError, SystemExit)


def test_scrapy_itself_stops_on_an_invalid_setting_with_the_one_line(tmp_path: Path) -> None:
    """Entry points that do not catch the error (``scrapy``, ``python scheduler.py``) end
    with the same one line and a non-zero exit, no traceback."""
    import sys

    from helpers import ROOT

    env = crawl_env(tmp_path, tmp_path / "outlets.toml", NEWSWATCH_HTTPCACHE="maybe")
    result = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=HANG,
        check=False,
    )
    assert result.returncode != 0 and "Traceback" not in result.stderr, result.stderr[-2000:]
    assert result.stderr.strip().splitlines() == [
        "newswatch: " + env_line("NEWSWATCH_HTTPCACHE", "maybe", "is not a boolean (use 1/0)")
    ]


@pytest.mark.parametrize("raw", ["1e300", "99999999999999999999", "nan", "inf", "-inf", "1" + "0" * 5000])
def test_no_number_setting_takes_an_overflowing_value(raw: str) -> None:
    """Every number setting, not only the ones above, through the model itself."""
    from newswatch.config.environment import BOUNDS, NewswatchSettings, check
    from newswatch.errors import SettingError

    numbers = [n for n, info in NewswatchSettings.model_fields.items() if info.annotation in (int, float)]
    assert len(numbers) >= 25 and set(numbers) == set(BOUNDS)  # every number has a maximum
    for name in numbers:
        with pytest.raises(
            SettingError, match=r"too large|not a finite|not a whole|not a number|out of range"
        ):
            check({name: raw})


def test_the_longest_allowed_spans_keep_date_arithmetic_in_range() -> None:
    from newswatch.config.environment import BOUNDS

    unit_seconds = {"days": 86400, "hours": 3600, "seconds": 1, "ms": 0.001}
    now = datetime(2026, 1, 1, tzinfo=UTC)
    spans = [(n, b) for n, b in BOUNDS.items() if b.unit in unit_seconds]
    assert {n for n, _ in spans} >= {"NEWSWATCH_FRESHNESS_DAYS", "NEWSWATCH_STORY_WINDOW_HOURS"}
    for _, bounds in spans:
        longest = timedelta(seconds=float(bounds.most or 0) * unit_seconds[bounds.unit])
        assert now - longest < now < now + longest  # neither end overflows


# --- what an outside review of the typed configuration found --------------------------------


def test_a_blank_number_given_with_s_is_one_line_not_a_traceback() -> None:
    from scrapy.settings import Settings

    from newswatch.config.environment import check
    from newswatch.errors import SettingError

    with pytest.raises(
        SettingError, match=r"^settings: -s NEWSWATCH_BUSY_TIMEOUT_MS='' is not a whole number$"
    ):
        check(Settings({"NEWSWATCH_BUSY_TIMEOUT_MS": ""}))


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ("threshold = 0", r"settings: key 'threshold': must be a positive number, got 0"),
        ("threshhold = 2", r"settings: key 'threshhold': unknown key \(did you mean 'threshold'\?\)"),
    ],
)
def test_a_rule_file_settings_problem_names_its_key(tmp_path: Path, settings: str, message: str) -> None:
    from newswatch.rules import RuleConfigError, load_ruleset

    (tmp_path / "rules.toml").write_text(
        '[groups.CHINA]\naliases = ["China"]\n\n[[rules]]\nid = "r"\ndescription = "d"\nseverity = "high"\n'
        f'query = "CHINA"\n\n[settings]\n{settings}\n',
        encoding="utf-8",
    )
    with pytest.raises(RuleConfigError, match=message):
        load_ruleset(tmp_path)


@pytest.mark.parametrize(
    ("toml", "message"),
    [
        (
            '[outlets.b]\nnmae = "B"\nhomepage = "https://b.example/"\nfeeds = ["https://b.example/f.xml"]\n',
            r"outlet 'b': key 'nmae': unknown key \(did you mean 'name'\?\)",
        ),
        ("x = 1\n", r"unknown top-level key 'x'"),
    ],
)
def test_a_misspelt_key_is_reported_before_the_key_it_misses(tmp_path: Path, toml: str, message: str) -> None:
    from newswatch.outlets import OutletConfigError, load_outlets

    path = tmp_path / "outlets.toml"
    path.write_text(toml, encoding="utf-8")
    with pytest.raises(OutletConfigError, match=message):
        load_outlets(path)
