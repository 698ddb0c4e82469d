"""Bad configuration, the catalogue: every invalid outlets file, rules file or setting stops the
real command line with ONE line on stderr naming the file (or the environment variable), the
entry and the problem, exit code 2, before anything runs: no archive, no HTTP request.

Each case runs the real `newswatch` in a subprocess (in parallel: they are independent). The
outlets file of every case whose fault lies elsewhere is valid and points at a loopback trap
socket of its own, so a command that got as far as crawling would be seen connecting there.
The in-process checks of single outlet and rule entries are in test_outlets_config.py and
test_rules_language.py; this file covers each kind of fault through the commands.
"""

from __future__ import annotations

import socket
import subprocess
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
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


def env_var(name: str, value: str, problem: str) -> tuple[str, ...]:
    return ("settings: environment variable ", f"{name}={value!r} {problem}")


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
    # --- the rules ----------------------------------------------------------------------------
    Case(
        "rules-folder-missing",
        ("crawl",),
        ("{dir}/rules: rules folder not found (set NEWSWATCH_RULES)",),
        {"NEWSWATCH_RULES": "{dir}/rules"},
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
    extra = {k: v.replace("{dir}", str(folder)) for k, v in case.env.items()}
    env = crawl_env(folder, folder / "outlets.toml", **extra)
    env["NEWSWATCH_RULES"] = extra.get("NEWSWATCH_RULES", env.get("NEWSWATCH_RULES", ""))
    if not env["NEWSWATCH_RULES"]:
        del env["NEWSWATCH_RULES"]  # the shipped rules
    result = run_newswatch(list(case.command), env, timeout=60)
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
