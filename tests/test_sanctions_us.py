"""The US lists: OFAC's SDN list (classic ``SDN.XML``) and trade.gov's Consolidated Screening
List (``consolidated.json``) parsed from excerpts in their published formats, every field;
``concerns`` keeps the Chinese, Hong Kong and Russia-programme entries and drops the rest;
malformed or hostile files are refused in one line, at once; a nameless entry is skipped."""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from newswatch.sanctions import csl, ofac
from newswatch.sanctions.model import ListedEntity, ListFormatError, concerns

FIXTURES = Path(__file__).parent / "fixtures" / "sanctions"
SDN_URL = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN.XML"
CSL_URL = "https://data.trade.gov/downloadable_consolidated_screening_list/v1/consolidated.json"
SDN = (FIXTURES / "sdn.xml").read_bytes()
CSL = (FIXTURES / "csl.json").read_bytes()
EL = "Entity List (EL) - Bureau of Industry and Security"
EL_URL = "https://www.bis.doc.gov/index.php/policy-guidance/lists-of-parties-of-concern/entity-list"
NS = "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/XML"


def by_ref(entities: list[ListedEntity]) -> dict[str, ListedEntity]:
    return {e.ref: e for e in entities}


def sdn(entries: str, count: int | None = None, prolog: str = "") -> bytes:
    """An SDN.XML document holding ``entries``, with a Record_Count when given."""
    info = f"<Record_Count>{count}</Record_Count>" if count is not None else ""
    return (
        f'<?xml version="1.0" standalone="yes"?>{prolog}<sdnList xmlns="{NS}">'
        f"<publshInformation><Publish_Date>10/17/2024</Publish_Date>{info}</publshInformation>"
        f"{entries}</sdnList>"
    ).encode()


ENTRY = "<sdnEntry><uid>1</uid><lastName>ONE</lastName><sdnType>Entity</sdnType></sdnEntry>"


def test_sdn_entries_are_read_with_every_field() -> None:
    entities = by_ref(ofac.parse(SDN, SDN_URL))
    limbach = entities["53001"]
    assert limbach == ListedEntity(
        list_key="us-sdn",
        ref="53001",
        name="XIAMEN LIMBACH AIRCRAFT ENGINE CO., LTD.",
        kind="entity",
        aliases=("廈門林巴賀航空發動機股份有限公司", "XIAMEN LIMBACH AVIATION ENGINE CO., LTD."),
        countries=("CN",),
        programmes=("RUSSIA-EO14024",),
        listed_on=None,  # the classic SDN.XML gives no listing date per entry
        source_url=SDN_URL,
        remarks=None,
    )
    assert limbach.extra == {"sdn_type": "Entity"}
    redlepus = entities["53002"]
    assert redlepus.aliases == ("紅兔矢量實業深圳有限公司", "REDLEPUS")
    assert redlepus.extra["weak_aliases"] == "REDLEPUS"
    vektor = entities["53003"]
    assert vektor.aliases == ("OOO TSK VEKTOR", "ООО ТСК ВЕКТОР")
    assert vektor.countries == ("Russia",)  # not watched: the list's own spelling
    putin = entities["35096"]
    assert (putin.name, putin.kind) == ("Vladimir Vladimirovich PUTIN", "individual")
    assert putin.aliases == ("Владимир Владимирович ПУТИН",)
    assert putin.countries == ("Russia",)  # nationality and citizenship, once
    assert putin.extra["title"] == "President of the Russian Federation"
    shipping = entities["53004"]
    assert (shipping.countries, shipping.programmes) == (("HK",), ("IRAN-EO13846",))
    assert shipping.remarks and shipping.remarks.startswith("Illustrative entry")
    cuba = entities["306"]
    assert cuba.countries == ("Switzerland", "Cuba")
    assert cuba.aliases == ("NATIONAL BANK OF CUBA",)


def test_an_sdn_entry_without_a_name_is_skipped_and_nothing_else_lost() -> None:
    assert set(by_ref(ofac.parse(SDN, SDN_URL))) == {"306", "53001", "53002", "53003", "35096", "53004"}
    nameless = "<sdnEntry><uid>2</uid><sdnType>Entity</sdnType></sdnEntry>"
    no_uid = "<sdnEntry><lastName>THREE</lastName><sdnType>Entity</sdnType></sdnEntry>"
    assert [e.ref for e in ofac.parse(sdn(nameless + ENTRY + no_uid, 3), SDN_URL)] == ["1"]


def test_concerns_keeps_china_hong_kong_and_russia_programmes_from_the_sdn_list() -> None:
    kept = {e.ref for e in ofac.parse(SDN, SDN_URL) if concerns(e)}
    assert kept == {"53001", "53002", "53003", "35096", "53004"}  # Cuba's bank dropped


def test_the_sdn_list_under_its_former_namespace_or_none_is_read() -> None:
    for root in ('<sdnList xmlns="http://tempuri.org/sdnList.xsd">', "<sdnList>"):
        data = SDN.replace(
            f'<sdnList xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns="{NS}">'.encode(),
            root.encode(),
        )
        assert data != SDN
        assert len(ofac.parse(data, SDN_URL)) == 6


LAUGHS = "".join(f'<!ENTITY l{n} "{f"&l{n - 1};" * 10 if n else "lol"}">' for n in range(10))
HOSTILE_SDN: dict[str, tuple[bytes, str]] = {
    "not XML": (b"SDN list temporarily unavailable", "us-sdn: not SDN XML: "),
    "empty": (b"  \n", "empty file"),
    "an HTML error page": (b"<!DOCTYPE html><html><body>503</body></html>", "DOCTYPE"),
    "another root": (
        b'<?xml version="1.0"?><rss version="2.0"><channel/></rss>',
        "root element <rss>, not <sdnList>",
    ),
    "the advanced XML": (b'<Sanctions xmlns="x"><DateOfIssue/></Sanctions>', "root element <Sanctions>"),
    "cut short": (SDN[: len(SDN) // 2], "us-sdn: not SDN XML: "),
    "fewer entries than Record_Count": (sdn(ENTRY, 2), "1 entries, but Record_Count says 2"),
    "no entries": (sdn("", None), "no <sdnEntry>"),
    "billion laughs": (
        sdn(ENTRY.replace("ONE", "&l9;"), 1, f"<!DOCTYPE sdnList [{LAUGHS}]>"),
        "us-sdn: not SDN XML: ",
    ),
    "an entity declared, unused": (sdn(ENTRY, 1, '<!DOCTYPE sdnList [<!ENTITY e "x">]>'), "DOCTYPE"),
    "an external entity": (
        sdn(ENTRY.replace("ONE", "&x;"), 1, '<!DOCTYPE sdnList [<!ENTITY x SYSTEM "file:///etc/passwd">]>'),
        "DOCTYPE",
    ),
    "an undeclared entity": (sdn(ENTRY.replace("ONE", "&x;"), 1), "us-sdn: not SDN XML: "),
}


@pytest.mark.parametrize("case", HOSTILE_SDN)
def test_a_malformed_or_hostile_sdn_file_is_refused_in_one_line_at_once(case: str) -> None:
    data, reason = HOSTILE_SDN[case]
    start = time.thread_time()
    with pytest.raises(ListFormatError, match=reason) as refused:
        ofac.parse(data, SDN_URL)
    assert time.thread_time() - start < 2.0
    message = str(refused.value)
    assert message.startswith("us-sdn: not SDN XML: ") and "\n" not in message
    assert "root:x:0:0" not in message


def test_a_large_sdn_file_is_read_as_a_stream() -> None:
    """20,000 entries (about 9 MB, the size of the real list): all read, in seconds."""
    entry = (
        "<sdnEntry><uid>{n}</uid><lastName>COMPANY {n} LIMITED</lastName><sdnType>Entity</sdnType>"
        "<programList><program>RUSSIA-EO14024</program></programList><akaList>"
        + "".join(
            f"<aka><uid>{{n}}{k}</uid><type>a.k.a.</type><category>strong</category>"
            f"<lastName>ALIAS {k} OF {{n}}</lastName></aka>"
            for k in range(4)
        )
        + "</akaList><addressList><address><uid>9{n}</uid><city>Shenzhen</city><country>China</country>"
        "</address></addressList></sdnEntry>"
    )
    data = sdn("".join(entry.format(n=n) for n in range(20_000)), 20_000)
    assert len(data) > 8_000_000
    start = time.thread_time()
    entities = ofac.parse(data, SDN_URL)
    assert time.thread_time() - start < 20.0
    assert len(entities) == 20_000
    assert entities[-1].aliases[-1] == "ALIAS 3 OF 19999" and entities[-1].countries == ("CN",)


def test_csl_records_are_read_with_every_field() -> None:
    entities = by_ref(csl.parse(CSL, CSL_URL))
    sinno = entities["EL:0a8f2b5e7c1d4e9f8a6b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b"]
    assert sinno == ListedEntity(
        list_key="us-csl",
        ref="EL:0a8f2b5e7c1d4e9f8a6b3c2d1e0f9a8b7c6d5e4f3a2b1c0d9e8f7a6b",  # source list and id
        name="Sinno Electronics Co., Limited",
        kind="entity",  # the BIS lists leave "type" empty
        aliases=("Sinno Electronics", "Sinno Electronics Company Limited"),
        countries=("HK",),
        programmes=(EL,),  # no programme: the source list stands for one
        listed_on="2022-06-28",
        source_url=CSL_URL,
        remarks=None,
    )
    assert sinno.extra == {
        "source": EL,
        "federal_register_notice": "87 FR 38920",
        "license_requirement": "For all items subject to the EAR. (See §744.11 of the EAR).",
        "license_policy": "Presumption of denial.",
        "source_list_url": EL_URL,
        "source_information_url": EL_URL,
    }
    xintuo = entities["EL:1b9e3c6f8d2e5fa09b7c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f9a8b7c"]
    assert xintuo.aliases == ("Jiangxi Xintuo", "Jiangxi Xintuo Enterprise Company Limited")  # "; "-joined
    limbach = entities["SDN:53001"]
    assert limbach.aliases == ("廈門林巴賀航空發動機股份有限公司",)
    assert (limbach.programmes, limbach.listed_on) == (("RUSSIA-EO14024",), "2024-10-17")
    assert limbach.remarks == "Secondary sanctions risk: See Section 11 of Executive Order 14024."
    assert limbach.extra["source"] == "Specially Designated Nationals (SDN) - Treasury Department"
    assert limbach.extra["entity_number"] == "53001"
    vektor = entities["SDN:53003"]
    assert (vektor.countries, vektor.aliases) == (("RU",), ("OOO TSK VEKTOR", "ООО ТСК ВЕКТОР"))
    meu = entities["MEU:2c0f4d7a9e3f6ab1ac8d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d"]
    assert meu.programmes == ("Military End User (MEU) List - Bureau of Industry and Security",)
    assert meu.aliases == ("示例航空发动机研究所",)
    person = entities["DPL:5f3c7a0d2b6c9de4df1a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a"]
    assert (person.kind, person.countries) == ("individual", ("CA", "CN"))  # address, citizenship
    assert person.extra["end_date"] == "2033-03-01"


def test_a_csl_record_without_a_name_or_not_an_object_is_skipped_and_nothing_else_lost() -> None:
    entities = csl.parse(CSL, CSL_URL)
    assert len(entities) == 7 and "EL:4e2b6f9c1a5b8cd3ce0f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d1e0f" not in by_ref(
        entities
    )
    records = [
        {"id": "a", "name": "A Co"},
        {"id": "", "name": "B Co"},
        {"name": "C Co"},
        "D Co",
        None,
        {"id": 5, "name": "E"},
    ]
    assert [e.ref for e in csl.parse(json.dumps({"results": records}).encode(), CSL_URL)] == ["a", "5"]


def test_concerns_keeps_china_hong_kong_and_russia_programmes_from_the_csl() -> None:
    dropped = {e.name for e in csl.parse(CSL, CSL_URL) if not concerns(e)}
    assert dropped == {"Advanced Engineering Research Organization (AERO)"}


HOSTILE_CSL: dict[str, tuple[bytes, str]] = {
    "not JSON": (b"<html><body>503 Service Unavailable</body></html>", "JSONDecodeError"),
    "not UTF-8": (b'{"results": ["\xff"]}', "UnicodeDecodeError"),
    "cut short": (CSL[: len(CSL) // 2], "JSONDecodeError"),
    "a list at the top": (b"[]", 'no "results" list'),
    "no results": (b'{"total": 0}', 'no "results" list'),
    "results not a list": (b'{"results": {"id": "1"}}', 'no "results" list'),
    "empty results": (b'{"results": []}', '"results" is empty'),
    "nested a million deep": (b"[" * 1_000_000 + b"]" * 1_000_000, "us-csl: not CSL JSON: "),
}


@pytest.mark.parametrize("case", HOSTILE_CSL)
def test_a_malformed_or_hostile_csl_file_is_refused_in_one_line_at_once(case: str) -> None:
    data, reason = HOSTILE_CSL[case]
    start = time.thread_time()
    with pytest.raises(ListFormatError, match=reason) as refused:
        csl.parse(data, CSL_URL)
    assert time.thread_time() - start < 2.0
    message = str(refused.value)
    assert message.startswith("us-csl: not CSL JSON: ") and "\n" not in message


def test_one_party_on_two_source_lists_under_one_id_is_two_entries() -> None:
    records = [
        {
            "id": "17001",
            "name": "Example Bank",
            "source": "Specially Designated Nationals (SDN) - Treasury Department",
        },
        {
            "id": "17001",
            "name": "Example Bank",
            "source": "Sectoral Sanctions Identifications List (SSI) - Treasury",
        },
    ]
    refs = [e.ref for e in csl.parse(json.dumps({"results": records}).encode(), CSL_URL)]
    assert refs == ["SDN:17001", "SSI:17001"]
