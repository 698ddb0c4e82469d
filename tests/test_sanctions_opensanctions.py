"""OpenSanctions as an opt-in source: its ``targets.simple.csv`` read as the other lists are,
only when the operator names it."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from fakeweb import FakeWeb
from helpers import ROOT, crawl_env, rows, run_newswatch

from newswatch.config.environment import NewswatchSettings
from newswatch.rules.loader import load_ruleset
from newswatch.sanctions.model import ListFormatError
from newswatch.sanctions.opensanctions import parse

FIXTURE = ROOT / "tests" / "fixtures" / "sanctions" / "opensanctions.csv"


def test_each_target_row_becomes_an_entry_with_its_names_countries_sanctions_and_sources() -> None:
    entries = {e.ref: e for e in parse(FIXTURE.read_bytes(), "http://lists.test/targets.simple.csv")}
    assert set(entries) == {
        "NK-4Hc8qUAmvBfzW3e9HkkDmh",
        "ofac-48213",
        "Q123456",
        "gb-hmt-9999",
        "NK-hkTrader",
    }
    kestrel = entries["NK-4Hc8qUAmvBfzW3e9HkkDmh"]
    assert kestrel.kind == "entity" and kestrel.countries == ("CN",)
    assert kestrel.aliases == ("深圳市红隼航电有限公司", "SHENZHEN KESTREL AVIONICS CO LTD")
    assert kestrel.listed_on == "2024-05-01"  # the earliest date of its sanctions
    assert kestrel.extra["dataset"].startswith("Ukraine NSDC State Register of Sanctions; ")
    assert kestrel.source_url == "http://lists.test/targets.simple.csv"
    # a value holding the separator is quoted inside its cell
    assert entries["Q123456"].aliases == ("李伟", "Wei, Li") and entries["Q123456"].kind == "individual"
    assert entries["ofac-48213"].programmes == ("RUSSIA-EO14024 - 2023-02-24",)


@pytest.mark.parametrize(
    ("data", "says"),
    [
        (b"\xff\xfe not text", "not UTF-8"),
        (b"name,country\nAcme,cn\n", "no id, schema column"),
        (b'"id","schema","name"\n"a","Company","unterminated\n', "broken CSV"),
    ],
)
def test_a_file_that_is_not_the_targets_csv_is_refused_with_the_reason(data: bytes, says: str) -> None:
    with pytest.raises(ListFormatError, match=says):
        parse(data, "http://lists.test/x.csv")


def test_opensanctions_is_read_only_when_the_operator_names_it(tmp_path: Path) -> None:
    defaults = NewswatchSettings.model_validate({})
    assert "opensanctions" not in defaults.NEWSWATCH_ENTITY_LISTS.split(",")
    web = FakeWeb().start()
    try:
        web.add(
            "/targets.simple.csv", FIXTURE.read_bytes(), content_type="text/csv", headers={"ETag": '"o1"'}
        )
        env = crawl_env(
            tmp_path,
            ROOT / "config" / "outlets.toml",
            NEWSWATCH_ENTITY_LISTS="opensanctions",
            NEWSWATCH_LIST_URL_OPENSANCTIONS=web.url("/targets.simple.csv"),
        )
        done = run_newswatch(["entities", "update"], env)
        assert done.returncode == 0, done.stderr
        assert "opensanctions" in done.stdout and "updated" in done.stdout
    finally:
        web.stop()
    db = tmp_path / "data" / "newswatch.db"
    kept = {r["ref"] for r in rows(db, "SELECT ref FROM entity_listings WHERE list_key = 'opensanctions'")}
    # China, Hong Kong, or a sanction concerning Russia; not a UAE shipper under a Venezuela programme
    assert kept == {"NK-4Hc8qUAmvBfzW3e9HkkDmh", "ofac-48213", "Q123456", "NK-hkTrader"}
    from newswatch.archive import Archive

    archive = Archive(db)
    try:
        gazetteer = load_ruleset(ROOT / "config" / "rules", listed=archive.listings.organisations()).gazetteer
    finally:
        archive.close()
    assert gazetteer is not None
    found = gazetteer.named_in("", "Shenzhen Kestrel Avionics shipped drone parts to Russia.")
    assert len(found) == 1
    entity = gazetteer.get(found[0])
    assert entity is not None
    assert [(d.by, d.action, d.date) for d in entity.designations] == [
        (
            "OpenSanctions",
            "Ukraine NSDC State Register of Sanctions, US OFAC Specially Designated Nationals (SDN) List",
            "2024-05-01",
        )
    ]


def test_the_fixture_is_written_as_the_exporter_writes_it() -> None:
    """Every field quoted, one header row with the exporter's columns (csv.unix_dialect)."""
    text = FIXTURE.read_text(encoding="utf-8")
    header = next(csv.reader(io.StringIO(text)))
    assert header[:3] == ["id", "schema", "name"] and "sanctions" in header and "dataset" in header
    assert all(line.startswith('"') for line in text.splitlines())
