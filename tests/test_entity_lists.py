"""`newswatch entities update`: the official lists downloaded from loopback servers in their
publishers' formats, kept current, a failing list changing nothing."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fakeweb import FakeWeb
from helpers import ROOT, crawl_env, rows, run_newswatch

from newswatch.archive import Archive
from newswatch.sanctions.update import update

FIXTURES = ROOT / "tests" / "fixtures" / "sanctions"
CSL = json.loads((FIXTURES / "csl.json").read_text(encoding="utf-8"))


def csl_without(name: str) -> bytes:
    """The Consolidated Screening List fixture with one entry taken off the list."""
    return json.dumps({**CSL, "results": [r for r in CSL["results"] if r.get("name") != name]}).encode()


@pytest.fixture
def lists(tmp_path: Path) -> Any:
    web = FakeWeb().start()
    web.add(
        "/sdn.xml",
        (FIXTURES / "sdn.xml").read_bytes(),
        content_type="application/xml",
        headers={"ETag": '"s1"'},
    )
    web.add(
        "/csl.json",
        (FIXTURES / "csl.json").read_bytes(),
        content_type="application/json",
        headers={"ETag": '"c1"'},
    )
    web.add(
        "/eu.xml", (FIXTURES / "eu-fsf.xml").read_bytes(), content_type="text/xml", headers={"ETag": '"e1"'}
    )
    web.add("/uk.xml", (FIXTURES / "uk.xml").read_bytes(), content_type="text/xml", headers={"ETag": '"u1"'})
    archive = Archive(tmp_path / "data" / "newswatch.db")
    yield (
        web,
        archive,
        {
            "us-sdn": web.url("/sdn.xml"),
            "us-csl": web.url("/csl.json"),
            "eu-fsf": web.url("/eu.xml"),
            "uk-sanctions": web.url("/uk.xml"),
        },
    )
    archive.close()
    web.stop()


def listed(archive: Archive, key: str | None = None) -> list[dict[str, Any]]:
    """The rows the lists have now (not removed), by list and name."""
    where = "AND list_key = ?" if key else ""
    return rows(
        archive.path,
        f"SELECT * FROM entity_listings WHERE removed_at IS NULL {where} ORDER BY list_key, name",
        *([key] if key else []),
    )


def current(archive: Archive, key: str) -> set[str]:
    return {str(row["name"]) for row in listed(archive, key)}


def test_an_update_keeps_the_entries_that_concern_china_hong_kong_or_russia(
    lists: Any, tmp_path: Path
) -> None:
    _web, archive, urls = lists
    outcomes = {o.key: o for o in update(archive, urls, tmp_path / "lists")}
    assert {k: o.status for k, o in outcomes.items()} == dict.fromkeys(urls, "updated")
    # every list in its own format: the EU's and the UK's designation of Xiamen Limbach and Kupol too
    assert {key for key in urls if current(archive, key)} == set(urls)
    csl = current(archive, "us-csl")
    assert "XIAMEN LIMBACH AIRCRAFT ENGINE CO., LTD." in csl and "Sinno Electronics Co., Limited" in csl
    assert "LIMITED LIABILITY COMPANY TSK VEKTOR" in csl  # a Russian company under a Russia programme
    assert "Advanced Engineering Research Organization (AERO)" not in csl  # another country and programme
    assert "" not in csl  # an entry without a name
    assert outcomes["us-csl"].entries > outcomes["us-csl"].kept == len(csl)
    assert outcomes["us-sdn"].kept == len(current(archive, "us-sdn")) > 0
    (limbach,) = [r for r in listed(archive, "us-csl") if r["name"].startswith("XIAMEN LIMBACH")]
    assert limbach["listed_on"] and limbach["source_url"] == urls["us-csl"]
    state = archive.listings.state("us-csl")
    assert state is not None and state["etag"] == '"c1"' and state["status"] == "updated"
    assert (tmp_path / "lists" / "us-csl.data").read_bytes() == (FIXTURES / "csl.json").read_bytes()


def test_an_unchanged_list_costs_a_304_and_nothing_is_parsed_again(lists: Any, tmp_path: Path) -> None:
    web, archive, urls = lists
    update(archive, urls, tmp_path / "lists")
    before = listed(archive)
    again = {o.key: o.status for o in update(archive, urls, tmp_path / "lists")}
    assert again == dict.fromkeys(urls, "unchanged")
    assert set(web.not_modified) == {"/sdn.xml", "/csl.json", "/eu.xml", "/uk.xml"}
    assert [(r["list_key"], r["ref"]) for r in listed(archive)] == [(r["list_key"], r["ref"]) for r in before]


def test_a_failing_list_changes_nothing_and_opens_a_health_entry_until_it_is_read_again(
    lists: Any, tmp_path: Path
) -> None:
    web, archive, urls = lists
    update(archive, urls, tmp_path / "lists")
    kept = current(archive, "us-csl")
    web.add("/csl.json", b"Internal error", status=500)
    (failed,) = update(archive, urls, tmp_path / "lists", ["us-csl"])
    assert failed.status == "failed" and "HTTP 500" in str(failed.error)
    web.add("/csl.json", b'{"results": [', content_type="application/json")  # cut short
    (broken,) = update(archive, urls, tmp_path / "lists", ["us-csl"])
    assert broken.status == "failed" and "\n" not in str(broken.error)
    assert current(archive, "us-csl") == kept  # nothing lost
    assert (tmp_path / "lists" / "us-csl.data").read_bytes() == (FIXTURES / "csl.json").read_bytes()
    issues = archive.health.open_issues()
    assert "last good copy" in issues[("list:us-csl", "list_failing")]["detail"]
    web.add("/csl.json", (FIXTURES / "csl.json").read_bytes(), content_type="application/json")
    (good,) = update(archive, urls, tmp_path / "lists", ["us-csl"])
    assert good.status == "updated" and ("list:us-csl", "list_failing") not in archive.health.open_issues()


def test_an_entry_the_list_drops_is_kept_as_removed_and_comes_back_when_relisted(
    lists: Any, tmp_path: Path
) -> None:
    web, archive, urls = lists
    update(archive, urls, tmp_path / "lists", ["us-csl"])
    web.add("/csl.json", csl_without("Sinno Electronics Co., Limited"), content_type="application/json")
    (dropped,) = update(archive, urls, tmp_path / "lists", ["us-csl"])
    assert dropped.removed == ("Sinno Electronics Co., Limited",) and dropped.added == ()
    assert "Sinno Electronics Co., Limited" not in current(archive, "us-csl")
    web.add("/csl.json", (FIXTURES / "csl.json").read_bytes(), content_type="application/json")
    (back,) = update(archive, urls, tmp_path / "lists", ["us-csl"])
    assert back.added == ("Sinno Electronics Co., Limited",)
    assert "Sinno Electronics Co., Limited" in current(archive, "us-csl")


def test_newswatch_entities_update_says_what_each_list_brought_and_exits_1_when_all_failed(
    lists: Any, tmp_path: Path
) -> None:
    web, _archive, urls = lists
    env = crawl_env(
        tmp_path,
        ROOT / "config" / "outlets.toml",
        NEWSWATCH_LIST_URL_US_SDN=urls["us-sdn"],
        NEWSWATCH_LIST_URL_US_CSL=urls["us-csl"],
        NEWSWATCH_ENTITY_LISTS="us-sdn,us-csl",
    )
    done = run_newswatch(["entities", "update"], env)
    assert done.returncode == 0, done.stderr
    assert "us-csl" in done.stdout and "updated" in done.stdout
    assert "us-csl: new: XIAMEN LIMBACH AIRCRAFT ENGINE CO., LTD." in done.stdout
    assert rows(tmp_path / "data" / "newswatch.db", "SELECT count(*) AS n FROM entity_listings")[0]["n"] > 0
    web.add("/csl.json", b"gone", status=404)
    web.add("/sdn.xml", b"gone", status=404)
    failed = run_newswatch(["entities", "update"], env)
    assert failed.returncode == 1 and "Traceback" not in failed.stderr
    assert "us-csl failed: HTTP 404" in failed.stderr and "the last good copy is kept" in failed.stderr


def test_the_service_updates_the_lists_on_its_schedule_and_logs_a_failing_one(
    lists: Any, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    import logging

    from scrapy.settings import Settings

    import settings as project
    from scheduler import Service

    web, archive, urls = lists
    values = Settings()
    values.setmodule(project, priority="project")
    values.update(
        {
            "NEWSWATCH_DB": str(archive.path),
            "NEWSWATCH_ENTITY_LISTS": "us-csl,eu-fsf",
            "NEWSWATCH_LIST_URL_US_CSL": urls["us-csl"],
            "NEWSWATCH_LIST_URL_EU_FSF": web.url("/missing.xml"),
        },
        priority="cmdline",
    )
    service = Service(values, outlets=[])
    assert "lists" in {job.id for job in service.build().get_jobs()}
    caplog.set_level(logging.INFO, logger="newswatch.service")
    service.update_lists()
    said = [r.getMessage() for r in caplog.records]
    assert any(m.startswith("list us-csl updated:") for m in said)
    assert any(m.startswith("list eu-fsf failed: HTTP 404") for m in said)
    assert current(archive, "us-csl") and not current(archive, "eu-fsf")
    values.set("NEWSWATCH_ENTITY_UPDATE_HOURS", 0, priority="cmdline")
    assert "lists" not in {job.id for job in Service(values, outlets=[]).build().get_jobs()}  # 0: never


def csl_of(count: int) -> bytes:
    """A Consolidated Screening List of ``count`` Hong Kong entries in the fixture's format."""
    template = CSL["results"][0]
    results = [{**template, "id": f"id-{n}", "name": f"Example Trading {n} Limited"} for n in range(count)]
    return json.dumps({"results": results}).encode()


def test_a_list_that_comes_back_nearly_empty_is_not_taken_and_the_watchdog_leaves_its_entry_open(
    lists: Any, tmp_path: Path
) -> None:
    from newswatch.service.watchdog import Watchdog

    web, archive, urls = lists
    web.add("/csl.json", csl_of(40), content_type="application/json")
    update(archive, urls, tmp_path / "lists", ["us-csl"])
    good_copy = (tmp_path / "lists" / "us-csl.data").read_bytes()
    for body in (csl_of(3), b'{"results": [{"error": "rate limit exceeded"}]}'):  # right format, wrong answer
        web.add("/csl.json", body, content_type="application/json")
        (outcome,) = update(archive, urls, tmp_path / "lists", ["us-csl"])
        assert outcome.status == "failed", outcome
        assert (
            len(current(archive, "us-csl")) == 40
            and (tmp_path / "lists" / "us-csl.data").read_bytes() == good_copy
        )
    said: list[str] = []
    Watchdog(archive, said.append).run(archive.clock())
    assert ("list:us-csl", "list_failing") in archive.health.open_issues()  # no false "recovered"
    assert not any("recovered" in line for line in said)


def test_a_new_url_gets_none_of_the_old_urls_validators_even_after_it_failed(
    lists: Any, tmp_path: Path
) -> None:
    web, archive, urls = lists
    update(archive, urls, tmp_path / "lists", ["us-csl"])
    moved = dict(urls, **{"us-csl": web.url("/moved.json")})
    web.add("/moved.json", b"busy", status=503)
    assert update(archive, moved, tmp_path / "lists", ["us-csl"])[0].status == "failed"
    web.add(
        "/moved.json",
        (FIXTURES / "csl.json").read_bytes(),
        content_type="application/json",
        headers={"ETag": '"c1"'},
    )
    (outcome,) = update(archive, moved, tmp_path / "lists", ["us-csl"])
    assert outcome.status == "updated" and "/moved.json" not in web.not_modified  # fetched, not a 304
    state = archive.listings.state("us-csl")
    assert state is not None and state["url"] == moved["us-csl"]


def test_a_redirect_to_another_scheme_is_refused(lists: Any, tmp_path: Path) -> None:
    web, archive, urls = lists
    web.add("/csl.json", b"", status=302, headers={"Location": "ftp://127.0.0.1/consolidated.json"})
    (outcome,) = update(archive, urls, tmp_path / "lists", ["us-csl"])
    assert outcome.status == "failed" and "not http(s)" in str(outcome.error)


@pytest.mark.parametrize(
    ("written", "code"),
    [
        ("China", "CN"),
        ("P.R. China", "CN"),
        ("Mainland China", "CN"),
        ("China, People's Republic of", "CN"),
        ("Hong Kong S.A.R.", "HK"),
        ("Hong Kong SAR, China", "HK"),
        ("China (Hong Kong SAR)", "HK"),
        ("Hongkong", "HK"),
        ("hk", "HK"),
        ("Republic of China", None),
        ("Taiwan", None),
        ("Macau, China", None),
        ("Indochina", None),
        ("Russia", None),
    ],
)
def test_the_lists_spellings_of_china_and_hong_kong_are_known(written: str, code: str | None) -> None:
    from newswatch.sanctions.model import country_code

    assert country_code(written) == code
