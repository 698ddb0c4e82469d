"""The command line: extract (single and batch), Scrapy's own commands, and the install."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest
from helpers import ROOT, crawl_env, run_newswatch
from outlet_sites import Story, pangea_page, paragraphs


def project_modules() -> list[str]:
    """Every module of the project, found by walking its packages (no list kept by hand)."""
    names = ["settings", "scheduler"]
    for package in ("newswatch", "spiders", "pipelines", "alerts"):
        names.append(package)
        found = pkgutil.walk_packages(importlib.import_module(package).__path__, f"{package}.")
        names += [info.name for info in found if not info.name.endswith("__main__")]
    return names


#: What the install must provide: every project module, and the libraries it reads pages with.
STAGES = [*project_modules(), "trafilatura", "scrapy", "sqlite_utils", "feedparser", "justext"]


@pytest.mark.parametrize("module", STAGES)
def test_every_stage_imports(module: str) -> None:
    """A broken install (e.g. jusText without lxml's html_clean) fails here, loudly."""
    importlib.import_module(module)


def write_page(tmp_path: Path, name: str = "page.html") -> tuple[Path, Story]:
    story = Story(
        "/a/x/1.html",
        "Evidence shared",
        paragraphs("drone engines"),
        datetime(2026, 11, 20, 9, 0, tzinfo=UTC),
        ["Ana Petrova"],
    )
    path = tmp_path / name
    path.write_text(pangea_page(story, "https://www.rferl.org/a/x/1.html"), encoding="utf-8")
    return path, story


def test_extract_prints_the_extraction_as_json(tmp_path: Path) -> None:
    path, story = write_page(tmp_path)
    result = run_newswatch(
        ["extract", str(path), "--url", "https://www.rferl.org/a/x/1.html"], crawl_env(tmp_path, path)
    )
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert out["title"] == story.title
    assert out["published"] == "2026-11-20T09:00:00+00:00"
    assert out["authors"] == ["Ana Petrova"]
    assert out["language"] == "en"
    assert out["text"].startswith(story.paragraphs[0])


def test_extract_jsonl_answers_every_line_in_order_even_bad_ones(tmp_path: Path) -> None:
    path, story = write_page(tmp_path)
    tasks = tmp_path / "in.jsonl"
    tasks.write_text(
        "\n".join(
            json.dumps(t)
            for t in [
                {"id": "a", "url": "https://www.rferl.org/a/x/1.html", "path": str(path)},
                {"id": "b", "url": None, "path": "missing.html"},
                {"id": "c", "url": None, "path": "page.html"},  # relative to the JSONL file
            ]
        )
        + "\n",
        encoding="utf-8",
    )
    result = run_newswatch(["extract", "--jsonl", str(tasks)], crawl_env(tmp_path, path))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["id"] for line in lines] == ["a", "b", "c"]
    assert lines[0]["title"] == story.title and set(lines[0]) >= {
        "title",
        "text",
        "published",
        "authors",
        "language",
    }
    assert "error" in lines[1] and "missing.html" in lines[1]["error"]
    assert lines[2]["text"] == lines[0]["text"]


def test_extract_needs_exactly_one_input(tmp_path: Path) -> None:
    result = run_newswatch(["extract"], crawl_env(tmp_path, tmp_path / "x.toml"))
    assert result.returncode == 2 and "FILE.html or --jsonl" in result.stderr


def test_scrapy_list_and_crawl_still_work(tmp_path: Path) -> None:
    env = crawl_env(tmp_path, ROOT / "config" / "outlets.toml")
    listed = subprocess.run(
        [sys.executable, "-m", "scrapy", "list"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert listed.stdout.split() == ["news"], listed.stderr


def test_crawl_with_an_unknown_outlet_is_refused(tmp_path: Path) -> None:
    result = run_newswatch(
        ["crawl", "--outlet", "dww"], crawl_env(tmp_path, ROOT / "config" / "outlets.toml")
    )
    assert result.returncode == 2
    assert "unknown outlet: dww (did you mean dw?)" in result.stderr


def test_crawl_with_a_bad_since_is_refused(tmp_path: Path) -> None:
    result = run_newswatch(
        ["crawl", "--since", "last tuesday"], crawl_env(tmp_path, ROOT / "config" / "outlets.toml")
    )
    assert result.returncode == 2 and "--since" in result.stderr


def test_outlets_lists_every_outlet(tmp_path: Path) -> None:
    from newswatch.archive import Archive

    Archive(tmp_path / "data" / "newswatch.db").close()  # an archive no crawl has written to yet
    result = run_newswatch(["outlets", "--json"], crawl_env(tmp_path, ROOT / "config" / "outlets.toml"))
    assert result.returncode == 0, result.stderr
    records = json.loads(result.stdout)
    assert {"rferl", "dw", "epochtimes"} <= {r["outlet"] for r in records}
    assert all(r["last_run"] is None and r["archived"] == 0 for r in records)


def test_every_error_newswatch_explains_is_one_newswatch_error() -> None:
    """One hierarchy: `except NewswatchError` catches every failure the program explains in
    one line, and `except ConfigError` every unusable configuration."""
    from alerts.config import AlertConfigError
    from alerts.mail import DigestDeliveryError
    from alerts.transports import DeliveryError
    from newswatch.archive import ArchiveError
    from newswatch.discovery import SourceError
    from newswatch.errors import ConfigError, NewswatchError
    from newswatch.outlets import OutletConfigError
    from newswatch.rules import RuleConfigError
    from newswatch.rules.syntax import QuerySyntaxError
    from newswatch.service.schedule import ScheduleError
    from newswatch.urls import BadURL

    config = (OutletConfigError, RuleConfigError, AlertConfigError, ScheduleError)
    assert all(issubclass(error, ConfigError) for error in config)
    others = (ArchiveError, BadURL, SourceError, QuerySyntaxError, DeliveryError, DigestDeliveryError)
    assert all(issubclass(error, NewswatchError) for error in (*config, *others))
    assert all(issubclass(error, ValueError) for error in (*config, BadURL, SourceError, QuerySyntaxError))


def test_commands_that_run_no_crawl_read_the_same_settings_without_importing_scrapy(tmp_path: Path) -> None:
    env = crawl_env(
        tmp_path,
        ROOT / "config" / "outlets.toml",
        NEWSWATCH_DIGEST_AT="07:30 Europe/Berlin",
        NEWSWATCH_HTTPCACHE="0",
        NEWSWATCH_SLACK_MIN_INTERVAL="2.5",
    )
    probe = """
import json, sys
from scrapy.utils.project import get_project_settings
from newswatch.config.project import ProjectSettings
light, full = ProjectSettings.load(), get_project_settings()
names = [n for n in dir(__import__("settings")) if n.isupper()]
same = {n: [repr(light.get(n)), repr(full.get(n))] for n in names if light.get(n) != full.get(n)}
typed = {n: [light.getbool(n), full.getbool(n)] for n in names if isinstance(full.get(n), bool)}
typed.update({n: [light.getfloat(n), full.getfloat(n)] for n in names if type(full.get(n)) in (int, float)})
print(json.dumps({"names": len(names), "differ": same, "typed": {k: v for k, v in typed.items() if v[0] != v[1]}}))
"""
    found = subprocess.run([sys.executable, "-c", probe], env=env, cwd=ROOT, capture_output=True, text=True)
    assert found.returncode == 0, found.stderr
    result = json.loads(found.stdout)
    assert result["names"] > 60 and result["differ"] == {} and result["typed"] == {}
    # a command that reads the archive and the settings, end to end, with no Scrapy loaded
    check = (
        "import sys; from newswatch.cli import main\n"
        "try:\n    main(['alerts'], standalone_mode=False)\nfinally:\n"
        "    print('scrapy' in sys.modules, 'twisted' in sys.modules, file=sys.stderr)"
    )
    from newswatch.archive import Archive

    (tmp_path / "data").mkdir()
    Archive(Path(env["NEWSWATCH_DB"])).close()
    alerts = subprocess.run([sys.executable, "-c", check], env=env, cwd=ROOT, capture_output=True, text=True)
    assert alerts.returncode == 0 and alerts.stdout == "alerts: none\n", alerts.stderr
    assert alerts.stderr.strip().splitlines()[-1] == "False False", alerts.stderr
