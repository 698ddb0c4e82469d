"""The EU consolidated financial sanctions list (FSF XML) and the UK Sanctions List (FCDO XML)
parsed from excerpts in their published formats: every field of each entry, which entries
``concerns`` keeps, entries without an id or a name skipped with nothing else lost, and
malformed or hostile files refused at once with one line."""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import pytest

from newswatch.sanctions import eu, records, uk
from newswatch.sanctions.model import ListedEntity, ListFormatError, concerns

FIXTURES = Path(__file__).parent / "fixtures" / "sanctions"
EU_URL = "https://webgate.ec.europa.eu/fsd/fsf/public/files/xmlFullSanctionsList_1_1/content?token=x"
UK_URL = "https://sanctionslist.fcdo.gov.uk/docs/UK-Sanctions-List.xml"
EU_XML = (FIXTURES / "eu-fsf.xml").read_bytes()
UK_XML = (FIXTURES / "uk.xml").read_bytes()
FSF_ROOT = b'<export xmlns="http://eu.europa.ec/fpi/fsd/export" generationDate="2024-12-17T17:02:11+01:00">'


def by_ref(entities: list[ListedEntity]) -> dict[str, ListedEntity]:
    return {e.ref: e for e in entities}


def test_the_eu_list_gives_every_field_of_an_entry() -> None:
    limbach = by_ref(eu.parse(EU_XML, EU_URL))["170001"]
    assert limbach == ListedEntity(
        list_key="eu-fsf",
        ref="170001",
        name="Xiamen Limbach Aircraft Engine Co., Ltd.",
        kind="entity",
        aliases=("廈門林巴賀航空發動機股份有限公司",),
        countries=("CN",),
        programmes=("UKR (Ukraine)",),
        listed_on="2024-12-16",
        source_url=EU_URL,
        remarks="Manufacturer of engines for Garpiya long-range attack drones used by Russia against Ukraine.",
    )
    assert limbach.extra == {"eu_reference_number": "EU.10001.11", "regulations": "2024/3187 (OJ L)"}


def test_the_eu_name_is_the_first_strong_alias_and_the_others_are_aliases_in_any_script() -> None:
    entities = by_ref(eu.parse(EU_XML, EU_URL))
    redlepus, kupol, saddam = entities["170002"], entities["170005"], entities["13"]
    assert (redlepus.name, redlepus.aliases) == (
        "Redlepus Vector Industry Shenzhen Co., Ltd.",  # strong, though listed second
        ("Redlepus TSK Vektor Industrial",),
    )
    assert kupol.aliases == ("АО «Ижевский электромеханический завод «Купол»",)
    assert (saddam.name, saddam.aliases, saddam.kind) == (
        "Saddam Hussein Al-Tikriti",
        ("Abu Ali",),
        "individual",
    )


def test_the_eu_listing_date_falls_back_to_the_earliest_regulation() -> None:
    redlepus = by_ref(eu.parse(EU_XML, EU_URL))["170002"]  # designationDate=""
    assert redlepus.listed_on == "2024-12-16"
    assert redlepus.extra["regulations"] == "2025/950 (OJ L); 2024/3187 (OJ L)"


def test_eu_countries_come_from_addresses_and_citizenships_without_unknown_ones() -> None:
    entities = by_ref(eu.parse(EU_XML, EU_URL))
    assert entities["170003"].countries == ("HK",)
    assert entities["170004"].countries == ("CN",)  # citizenship CN; its address is "00" UNKNOWN
    assert entities["170004"].kind == "individual"
    assert entities["170005"].countries == ("RU",)


def test_the_eu_russia_programme_code_is_named_so_that_concerns_sees_it() -> None:
    kupol = by_ref(eu.parse(EU_XML, EU_URL))["170005"]
    assert kupol.programmes == ("RUS (Russia)",)
    assert concerns(kupol)
    assert not concerns(replace(kupol, programmes=("RUS",)))  # the bare code says nothing to it


def test_concerns_keeps_the_eu_suppliers_and_the_russian_entity_and_drops_the_rest() -> None:
    entities = eu.parse(EU_XML, EU_URL)
    assert [e.ref for e in entities if concerns(e)] == ["170001", "170002", "170003", "170004", "170005"]
    assert [e.ref for e in entities if not concerns(e)] == ["13"]


def test_an_eu_entry_without_a_name_or_an_id_is_skipped_and_nothing_else_lost(
    caplog: pytest.LogCaptureFixture,
) -> None:
    entities = eu.parse(EU_XML, EU_URL)
    assert "eu-fsf: 1 of 7 records skipped: no id or no name" in caplog.messages
    assert "170006" not in by_ref(entities)  # its only wholeName is empty
    assert len(entities) == EU_XML.count(b"<sanctionEntity ") - 1
    without_id = EU_XML.replace(b'logicalId="170003" ', b"")
    assert [e.ref for e in eu.parse(without_id, EU_URL)] == ["170001", "170002", "170004", "170005", "13"]


def test_the_uk_list_gives_every_field_of_a_designation() -> None:
    sinno = by_ref(uk.parse(UK_XML, UK_URL))["RUS9001"]
    assert sinno == ListedEntity(
        list_key="uk-sanctions",
        ref="RUS9001",
        name="SINNO ELECTRONICS CO., LIMITED",
        kind="entity",
        aliases=("SINNO ELECTRONICS", "信諾電子科技有限公司"),
        countries=("HK",),
        programmes=("The Russia (Sanctions) (EU Exit) Regulations 2019",),
        listed_on="2023-12-06",
        source_url=UK_URL,
        remarks="(UK Sanctions List Ref):RUS9001.",
    )
    assert sinno.extra == {
        "ofsi_group_id": "90001",
        "designation_source": "UK",
        "sanctions_imposed": "Asset freeze|Trust services sanctions",
        "statement_of_reasons": "Involved in supplying electronic components to Russia's military-industrial complex.",
    }


def test_uk_names_aliases_countries_and_dates_as_the_list_writes_them() -> None:
    entities = by_ref(uk.parse(UK_XML, UK_URL))
    links, kupol, akhund = entities["RUS9002"], entities["RUS9003"], entities["AFG0006"]
    assert links.aliases == ("ASIA PACIFIC LINKS LIMITED",)  # NameType "ALias", as the list has it
    assert links.countries == ("HK", "CN")
    assert (kupol.aliases, kupol.countries, kupol.listed_on) == (
        ("IEMZ KUPOL", "АО ИЭМЗ Купол"),
        ("Russia",),
        "2023-02-24",
    )
    assert (akhund.name, akhund.kind, akhund.listed_on) == (
        "MOHAMMAD HASSAN AKHUND",
        "individual",
        "2001-01-25",
    )
    assert akhund.countries == ("Afghanistan",)  # address and nationality, once
    assert akhund.extra["un_reference"] == "TAi.002"


def test_concerns_keeps_the_uk_designations_under_the_russia_regime_and_drops_the_rest() -> None:
    entities = uk.parse(UK_XML, UK_URL)
    assert [e.ref for e in entities if concerns(e)] == ["RUS9001", "RUS9002", "RUS9003"]
    assert [e.ref for e in entities if not concerns(e)] == ["AFG0006"]


def test_a_uk_designation_without_a_name_or_an_id_is_skipped_and_nothing_else_lost() -> None:
    assert "RUS9004" not in by_ref(uk.parse(UK_XML, UK_URL))  # <Names />
    without_id = UK_XML.replace(b"<UniqueID>RUS9002</UniqueID>", b"<UniqueID />")
    assert [e.ref for e in uk.parse(without_id, UK_URL)] == ["RUS9001", "RUS9003", "AFG0006"]


def test_uk_dates_read_day_first() -> None:
    assert uk.uk_date("06/12/2023") == "2023-12-06"
    assert uk.uk_date("2023-12-06") == "2023-12-06"
    assert uk.uk_date("dd/mm/1945") is None
    assert uk.uk_date("31/02/2023") is None


LAUGHS = b"".join(b'<!ENTITY l%d "%s">' % (n, b"&l%d;" % (n - 1) * 10 if n else b"lol") for n in range(10))
EU_REFUSED = {
    "empty": (b"", "the file is empty"),
    "an HTML error page": (b"<!doctype html><html><body>503</body></html>", "declares a DOCTYPE"),
    "an HTML page without a doctype": (
        b"<html><body>Service unavailable</body></html>",
        "root element <html>",
    ),
    "JSON": (b'{"error": "token expired"}', "no XML element where the document starts"),
    "export without the FSF namespace": (b"<export><sanctionEntity/></export>", "in namespace none"),
    "the UK list": (UK_XML, "root element <Designations>, not <export>"),
    "cut off": (EU_XML[: len(EU_XML) // 2], "malformed or cut off XML"),
    "no entries": (FSF_ROOT + b"</export>", "no <sanctionEntity> records"),
    "an undeclared entity": (
        FSF_ROOT + b'<sanctionEntity logicalId="1"><nameAlias wholeName="&e;"/></sanctionEntity></export>',
        "malformed or cut off XML",
    ),
    "billion laughs": (
        b'<?xml version="1.0"?><!DOCTYPE export [' + LAUGHS + b"]>" + FSF_ROOT + b"&l9;</export>",
        "declares a DOCTYPE",
    ),
    "billion laughs in an attribute, after a comment": (
        b'<?xml version="1.0"?><!-- <a> --><!DOCTYPE export ['
        + LAUGHS
        + b"]>"
        + FSF_ROOT
        + b'<sanctionEntity logicalId="1"><nameAlias wholeName="&l9;"/></sanctionEntity></export>',
        "declares a DOCTYPE",
    ),
    "an external entity": (
        b'<?xml version="1.0"?><!DOCTYPE export [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
        + FSF_ROOT
        + b"&x;</export>",
        "declares a DOCTYPE",
    ),
    "UTF-16 hiding a DTD": (
        ('<?xml version="1.0" encoding="utf-16"?><!DOCTYPE export [<!ENTITY e "x">]><export/>').encode(
            "utf-16"
        ),
        "no XML element where the document starts",
    ),
    "declared in another encoding": (
        b'<?xml version="1.0" encoding="ISO-8859-1"?>' + FSF_ROOT + b"</export>",
        "encoded as ISO-8859-1, not UTF-8",
    ),
    "100 elements nested in an entry": (
        FSF_ROOT + b'<sanctionEntity logicalId="1">' + b"<remark>" * 100,
        f"elements nested deeper than {records.MAX_DEPTH}",
    ),
    "1M elements nested in an entry": (
        FSF_ROOT + b'<sanctionEntity logicalId="1">' + b"<remark>" * 1_000_000,
        "malformed or cut off XML: Excessive depth",
    ),
    "1M elements in one entry": (
        FSF_ROOT + b'<sanctionEntity logicalId="1">' + b'<nameAlias wholeName="x"/>' * 1_000_000,
        f"a record of more than {records.MAX_RECORD_ELEMENTS} elements",
    ),
}


@pytest.mark.parametrize("name", EU_REFUSED)
def test_a_file_that_is_not_the_eu_list_is_refused_at_once_in_one_line(name: str) -> None:
    body, reason = EU_REFUSED[name]
    start = time.thread_time()
    with pytest.raises(ListFormatError, match=reason) as refused:
        eu.parse(body, EU_URL)
    assert time.thread_time() - start < 2.0, name
    message = str(refused.value)
    assert message.startswith("eu-fsf: not the EU consolidated list XML: ") and "\n" not in message


UK_REFUSED = {
    "the EU list": (EU_XML, "root element <export>, not <Designations>"),
    "OFSI's retired ConList CSV": (
        b"Last Updated,27/01/2026\r\nName 6,Name 1,Name 2,Group ID\r\nSINNO,,,90001\r\n",
        "no XML element where the document starts",
    ),
    "cut off": (UK_XML[: len(UK_XML) // 2], "malformed or cut off XML"),
    "no designations": (
        b"<Designations><DateGenerated>02/12/2026</DateGenerated></Designations>",
        "no <Designation>",
    ),
    "billion laughs": (
        b'<?xml version="1.0"?><!DOCTYPE Designations [' + LAUGHS + b"]><Designations>&l9;</Designations>",
        "declares a DOCTYPE",
    ),
}


@pytest.mark.parametrize("name", UK_REFUSED)
def test_a_file_that_is_not_the_uk_list_is_refused_at_once_in_one_line(name: str) -> None:
    body, reason = UK_REFUSED[name]
    start = time.thread_time()
    with pytest.raises(ListFormatError, match=reason) as refused:
        uk.parse(body, UK_URL)
    assert time.thread_time() - start < 2.0, name
    message = str(refused.value)
    assert message.startswith("uk-sanctions: not the UK Sanctions List XML: ") and "\n" not in message


def test_a_large_eu_list_is_read_as_a_stream_with_every_entry() -> None:
    """20,000 entries (about 30 MB, the size of the real file) arrive in the order given."""
    entry = EU_XML[EU_XML.index(b"<sanctionEntity ") : EU_XML.index(b"</sanctionEntity>") + 17]
    body = FSF_ROOT + b"".join(entry.replace(b'"170001"', b'"%d"' % n) for n in range(20_000)) + b"</export>"
    assert len(body) > 30_000_000
    entities = eu.parse(body, EU_URL)
    assert [e.ref for e in entities] == [str(n) for n in range(20_000)]
    assert entities[-1].aliases == ("廈門林巴賀航空發動機股份有限公司",)
