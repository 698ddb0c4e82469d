"""The docs stay true: every setting, command and archive table is documented."""

from __future__ import annotations

import re

from conftest import ROOT

from newswatch.archive import RUN_COUNTERS


def read(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


def test_every_environment_setting_is_in_the_readme_table() -> None:
    names = set(re.findall(r'_env\w*\("((?:NEWSWATCH|SLACK)_\w+)"', read("settings.py")))
    assert names, "settings.py reads no NEWSWATCH_* variable?"
    readme = read("README.md")
    missing = sorted(n for n in names if f"| `{n}` |" not in readme)
    assert missing == []


def test_every_command_is_in_the_readme() -> None:
    from newswatch.cli import main

    readme = read("README.md")
    for name in main.commands:
        assert f"`newswatch {name}" in readme, name


def test_every_archive_table_and_counter_is_in_the_architecture_doc() -> None:
    doc = read("docs/architecture.md")
    for table in (
        "articles",
        "articles_fts",
        "matches",
        "alerts",
        "digests",
        "digest_items",
        "health",
        "service_state",
        "articles_trigram",
        "seen_urls",
        "crawl_runs",
        "stories",
        "article_versions",
        "article_fingerprints",
    ):
        assert f"| `{table}` |" in doc, table
    for counter in RUN_COUNTERS:
        assert f"`{counter}`" in doc, counter


def test_every_outlet_key_is_in_the_configuration_doc() -> None:
    from newswatch.outlets import KNOWN_KEYS

    doc = read("docs/configuration.md")
    for key in KNOWN_KEYS:
        assert re.search(rf"^{key} = ", doc, re.MULTILINE), key


def test_readme_quick_start_commands_are_the_ones_ci_runs() -> None:
    readme = read("README.md")
    assert "python3 dev.py monitor" in readme and "python3 dev.py test" in readme
    assert "python3 dev.py test" in read(".ci/run")
