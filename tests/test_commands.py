"""Commands that do what they say: read-only commands never create an archive, batch input
errors are reported under their own line, the search takes several words, a requeue of an
alert that is not there says so, and every command refuses an invalid setting the same way."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from helpers import ROOT, crawl_env, rows, run_newswatch
from outlet_sites import Sites

from newswatch.archive import Archive

OUTLETS = ROOT / "config" / "outlets.toml"

#: Commands that only read the archive (``serve`` would exec Datasette if the check passed).
READ_ONLY = [
    ["search", "drone"],
    ["search", "drone", "--json"],
    ["alerts"],
    ["alerts", "--requeue", "1"],
    ["outlets"],
    ["outlets", "--json"],
    ["serve", "--port", "8999"],
    ["rules", "backtest"],
    ["rules", "explain", "https://www.dw.com/en/a-1"],
]


@pytest.mark.parametrize("command", READ_ONLY, ids=[" ".join(c) for c in READ_ONLY])
def test_a_read_only_command_at_a_missing_archive_says_so_and_creates_nothing(
    command: list[str], tmp_path: Path
) -> None:
    db = tmp_path / "nowhere" / "newswatch.db"
    result = run_newswatch(command, crawl_env(tmp_path, OUTLETS, NEWSWATCH_DB=str(db)))
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stderr.strip() == (
        f"newswatch: archive {db} does not exist (check NEWSWATCH_DB; `newswatch crawl` or "
        "`newswatch run` creates it)"
    )
    assert "no article matches" not in result.stdout
    assert not (tmp_path / "nowhere").exists()  # no folder, no file, no -wal, no metadata


def test_a_read_only_command_opens_an_existing_archive_without_complaint(tmp_path: Path) -> None:
    db = tmp_path / "data" / "newswatch.db"
    Archive(db).close()
    result = run_newswatch(["search", "drone", "engines"], crawl_env(tmp_path, OUTLETS, NEWSWATCH_DB=str(db)))
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "no article matches"


def test_extract_jsonl_reports_each_bad_line_under_its_own_number_and_id(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text(
        "<html><head><title>T</title></head><body><article><h1>Drone engines</h1>"
        + "<p>Chinese drone engines reached Russian factories, officials said on Tuesday.</p>" * 5
        + "</article></body></html>",
        encoding="utf-8",
    )
    tasks = tmp_path / "in.jsonl"
    tasks.write_bytes(
        b"{not json\n"  # a bad first line: no task before it to take an id from
        + json.dumps({"id": "good", "path": str(page)}).encode()
        + b"\n"
        + b'["a", "list"]\n'
        + json.dumps({"id": "no-path"}).encode()
        + b"\n"
        + b'{"id": "broken", "path": \xff\n'  # not UTF-8 either
        + json.dumps({"id": "missing", "path": "missing.html"}).encode()
        + b"\n"
    )
    result = run_newswatch(["extract", "--jsonl", str(tasks)], crawl_env(tmp_path, OUTLETS))
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == [None, "good", None, "no-path", None, "missing"]
    assert lines[0]["error"].startswith("line 1: not a JSON line (")
    assert "error" not in lines[1] and "drone engines" in lines[1]["text"]
    assert lines[2]["error"] == 'line 3: ValueError: expected an object {"id","url","path"}, got list'
    assert lines[3]["error"] == "line 4: no 'path' key"
    assert lines[4]["error"].startswith("line 5: not a JSON line (")
    assert lines[5]["error"].startswith("line 6: ") and "missing.html" in lines[5]["error"]


def test_classify_jsonl_reports_a_bad_line_under_its_own_number_and_id(tmp_path: Path) -> None:
    tasks = tmp_path / "in.jsonl"
    tasks.write_text(
        "[1]\n"
        + json.dumps({"id": "a", "title": "t", "text": "x"})
        + "\n"
        + json.dumps({"id": "b", "title": "t", "text": "x", "language": {"not": "a code"}})
        + "\n",
        encoding="utf-8",
    )
    result = run_newswatch(["classify", "--jsonl", str(tasks)], crawl_env(tmp_path, OUTLETS))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines][:2] == [None, "a"]
    assert lines[0]["error"].startswith("line 1: ValueError: expected an object")
    assert "error" not in lines[1]


def test_search_takes_several_words_as_one_query(
    crawled: tuple[Path, Sites, str, str], tmp_path: Path
) -> None:
    db, _, _, _ = crawled
    env = crawl_env(tmp_path, OUTLETS, NEWSWATCH_DB=str(db))

    def found(*args: str) -> list[str]:
        result = run_newswatch(["search", *args, "--json"], env)
        assert result.returncode == 0, result.stderr
        return [json.loads(line)["url"] for line in result.stdout.splitlines()]

    words = found("drone", "engines", "--flagged")
    assert words and words == found("drone engines", "--flagged")
    assert found("drone", "engines", "nosuchwordanywhere") == []  # every word, not any
    missing = run_newswatch(["search"], env)
    assert missing.returncode == 2 and "Missing argument 'QUERY...'" in missing.stderr


def test_requeue_names_alerts_that_are_not_there_or_not_failed(
    archive_copy: tuple[Path, Sites], tmp_path: Path
) -> None:
    db, _ = archive_copy
    env = crawl_env(tmp_path, OUTLETS, NEWSWATCH_DB=str(db))
    first, second = (int(str(r["id"])) for r in rows(db, "SELECT id FROM alerts ORDER BY id LIMIT 2"))
    archive = Archive(db)
    archive.outbox.fail(first, "channel_not_found")
    archive.close()

    unknown = run_newswatch(["alerts", "--requeue", str(first), "--requeue", "999999"], env)
    assert unknown.returncode == 2
    assert unknown.stderr.strip() == (
        "newswatch: no such alert: 999999 (see `newswatch alerts`); nothing queued again"
    )
    assert rows(db, "SELECT status FROM alerts WHERE id = ?", first) == [{"status": "failed"}]

    mixed = run_newswatch(["alerts", "--requeue", str(first), "--requeue", str(second)], env)
    assert mixed.returncode == 1
    assert mixed.stdout.strip() == "1 failed alert(s) queued again"
    assert mixed.stderr.strip() == f"newswatch: not failed, so not queued again: alert {second}"
    assert rows(db, "SELECT status FROM alerts WHERE id = ?", first) == [{"status": "pending"}]

    nothing_failed = run_newswatch(["alerts", "--requeue-failed"], env)
    assert (
        nothing_failed.returncode == 0 and nothing_failed.stdout.strip() == "0 failed alert(s) queued again"
    )


#: Every command, as a person would run it (each stops at the settings, before its own work).
EVERY_COMMAND = [
    ["crawl"],
    ["run", "--once"],
    ["extract", "--jsonl", "-"],
    ["serve"],
    ["search", "drone"],
    ["outlets"],
    ["classify", "--jsonl", "-"],
    ["rules", "check"],
    ["rules", "explain", "https://www.dw.com/en/a-1"],
    ["rules", "backtest"],
    ["dispatch"],
    ["alerts"],
    ["digest"],
]

BAD_SETTINGS = [
    (
        {"NEWSWATCH_TIMEZONE": "Mars/Base"},
        "settings: environment variable NEWSWATCH_TIMEZONE='Mars/Base' is not a time zone (an IANA name, "
        "e.g. Europe/Brussels)",
    ),
    (
        {"NEWSWATCH_DIGEST_AT": "25:99"},
        "settings: environment variable NEWSWATCH_DIGEST_AT='25:99' is not a time of day (use HH:MM or "
        "'HH:MM Area/City', e.g. 07:30 Europe/Brussels)",
    ),
    (
        {"NEWSWATCH_SMTP_SECURITY": "bogus"},
        "settings: environment variable NEWSWATCH_SMTP_SECURITY='bogus' is not one of none, starttls, ssl",
    ),
]


@pytest.mark.parametrize("command", EVERY_COMMAND, ids=[" ".join(c) for c in EVERY_COMMAND])
def test_every_command_refuses_an_invalid_time_zone_the_same_way(command: list[str], tmp_path: Path) -> None:
    values, expected = BAD_SETTINGS[0]
    result = run_newswatch(command, crawl_env(tmp_path, OUTLETS, **values))
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert result.stderr.strip() == f"newswatch: {expected}"
    assert not (tmp_path / "data").exists()


@pytest.mark.parametrize("values, expected", BAD_SETTINGS, ids=[next(iter(v)) for v, _ in BAD_SETTINGS])
def test_a_text_setting_is_checked_when_the_settings_are_read(
    values: dict[str, str], expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """In the model every command reads (environment and ``-s``), not only where it is used."""
    from newswatch.config.environment import check, read_environment
    from newswatch.errors import SettingError

    for name in [n for n in os.environ if n.startswith("NEWSWATCH_")]:
        monkeypatch.delenv(name)
    name, value = next(iter(values.items()))
    monkeypatch.setenv(name, value)
    with pytest.raises(SettingError) as info:
        read_environment()
    assert str(info.value) == expected
    with pytest.raises(SettingError) as given:
        check({name: value})
    assert str(given.value) == expected.replace("environment variable", "-s")


def test_valid_text_settings_are_taken() -> None:
    from newswatch.config.environment import NewswatchSettings

    values = NewswatchSettings.model_validate(
        {
            "NEWSWATCH_TIMEZONE": "Europe/Brussels",
            "NEWSWATCH_DIGEST_AT": "7:05 Asia/Tokyo",
            "NEWSWATCH_SMTP_SECURITY": "STARTTLS",
            "NEWSWATCH_SLACK_API_URL": "http://127.0.0.1:9/api/",
        }
    )
    assert values.NEWSWATCH_TIMEZONE == "Europe/Brussels" and values.NEWSWATCH_DIGEST_AT == "7:05 Asia/Tokyo"
    assert values.NEWSWATCH_SMTP_SECURITY == "starttls"
