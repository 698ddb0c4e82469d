"""The docs stay true: every setting, command and archive table is documented."""

from __future__ import annotations

import re
from pathlib import Path

from helpers import ROOT

from newswatch.archive import RUN_COUNTERS, Archive


def read(name: str) -> str:
    return (ROOT / name).read_text(encoding="utf-8")


def test_the_readme_settings_table_is_the_one_written_from_the_settings_model() -> None:
    """`python3 dev.py readme` rewrites it; every setting has a row and a description."""
    from newswatch.config.environment import NewswatchSettings
    from newswatch.config.readme import with_table

    readme = read("README.md")
    assert with_table(readme) == readme, "README settings table is stale: run python3 dev.py readme"
    for name, info in NewswatchSettings.model_fields.items():
        assert f"| `{name}` |" in readme and info.description, name


def test_the_committed_json_schemas_are_the_ones_exported_from_the_models() -> None:
    """`python3 dev.py schemas` rewrites them."""
    from newswatch.config.schemas import MODELS, schema_text

    for name, model in MODELS.items():
        path = ROOT / "config" / "schemas" / name
        assert path.read_text(encoding="utf-8") == schema_text(model), f"{name} is stale: run python3 dev.py schemas"


def test_the_editor_mapping_gives_the_outlets_and_rule_files_their_schemas() -> None:
    """.taplo.toml (read by the Taplo TOML language server) maps each shipped file to a schema."""
    import tomllib
    from fnmatch import fnmatch

    rules = tomllib.loads(read(".taplo.toml"))["rule"]
    shipped = {
        "config/outlets.toml": "outlets.schema.json",
        **{f"config/rules/{p.name}": "rules.schema.json" for p in (ROOT / "config" / "rules").glob("*.toml")},
    }
    for file, schema in shipped.items():
        chosen = [r["schema"]["path"] for r in rules if any(fnmatch(file, g) for g in r["include"])]
        assert chosen and chosen[0].endswith("/" + schema), file
        assert (ROOT / chosen[0]).is_file(), chosen[0]
    assert "#:schema" in read("docs/configuration.md") and ".taplo.toml" in read("docs/configuration.md")


def test_every_command_is_in_the_readme() -> None:
    from newswatch.cli import main

    readme = read("README.md")
    for name in main.commands:
        assert f"`newswatch {name}" in readme, name


def test_every_archive_table_and_counter_is_in_the_architecture_doc(tmp_path: Path) -> None:
    """Loops over the tables a new archive really has (full-text shadow tables and the
    migration log aside), so a table added by a migration cannot go undocumented."""
    archive = Archive(tmp_path / "newswatch.db")
    try:
        tables = archive.db.table_names()
    finally:
        archive.close()
    doc = read("docs/architecture.md")
    shadow = re.compile(r"_(data|idx|content|docsize|config)$")
    own = [t for t in tables if not shadow.search(t) and not t.startswith(("sqlite_", "_sqlite_"))]
    assert {"articles", "alerts", "seen_urls", "crawl_runs"} <= set(own)
    missing = [t for t in own if f"| `{t}` |" not in doc]
    assert missing == []
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
