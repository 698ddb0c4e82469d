"""The official lists' organisations as entities: one per company whichever lists name it,
merged with the gazetteer, matched in articles by their names in any script (generic names
only beside their country), flagging articles that name them with Russia's war, in the
alert's facts, announced to the ops channel when new, and backtested against the archive."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fakeweb import FakeWeb
from helpers import ROOT, crawl_env, rows, run_newswatch

from alerts.render import designated
from newswatch.archive import Archive
from newswatch.rules.loader import load_gazetteer, load_ruleset
from newswatch.sanctions.announce import announce
from newswatch.sanctions.merge import assign_ids
from newswatch.sanctions.model import Listing
from newswatch.sanctions.names import STRONG, WEAK, match_name, match_names, strength
from newswatch.sanctions.update import merge_entities, update

RULES = ROOT / "config" / "rules"
FIXTURES = ROOT / "tests" / "fixtures" / "sanctions"


@pytest.mark.parametrize(
    ("listed", "matched"),
    [
        ("XIAMEN LIMBACH AIRCRAFT ENGINE CO., LTD.", "XIAMEN LIMBACH AIRCRAFT ENGINE"),
        ("Hong Kong Hesheng (HK) Trading Co., Limited", "Hong Kong Hesheng Trading"),
        ("LIMITED LIABILITY COMPANY TSK VEKTOR", "TSK VEKTOR"),
        ("ООО «Альфа Трейд»", "Альфа Трейд"),
        ("АКЦИОНЕРНОЕ ОБЩЕСТВО КОНЦЕРН ВКО «АЛМАЗ-АНТЕЙ»", "КОНЦЕРН ВКО АЛМАЗ-АНТЕЙ"),
        ("廈門林巴賀航空發動機股份有限公司", "廈門林巴賀航空發動機"),
        ("深圳市某某电子有限责任公司", "深圳市某某电子"),
        ("Limited", ""),
    ],
)
def test_a_listed_name_loses_its_legal_form_in_its_own_script(listed: str, matched: str) -> None:
    assert match_name(listed) == matched


def test_a_generic_or_short_name_is_weak_and_a_distinctive_one_strong() -> None:
    assert strength("Alpha Trading") == WEAK  # the example: one distinctive word
    assert strength("Rostec") == WEAK
    assert strength("华为技术") == WEAK
    assert strength("Shenzhen Jinghon Electronics") == STRONG
    assert strength("TSK VEKTOR") == STRONG
    assert strength("林巴赫航空发动机") == STRONG
    assert strength("Technology") is None
    assert strength("Best Way") is None  # everyday words say nothing of which company it is
    assert strength("South East Trading") == WEAK
    assert match_name("TOP INTERNATIONAL (HK) CO., LIMITED") == "TOP INTERNATIONAL"  # a trade word stays
    # one name written twice (case, script) is matched once
    assert match_names(["ALPHA TRADING LIMITED", "Alpha Trading Ltd", "OOO"]) == [("ALPHA TRADING", WEAK)]


def listing(list_key: str, ref: str, name: str, *aliases: str, country: str = "CN", **kw: Any) -> Listing:
    return Listing(list_key, ref, name, (country,), names=tuple(match_names([name, *aliases])), **kw)


def test_entries_of_one_company_on_two_lists_are_one_entity_that_keeps_its_first_id() -> None:
    sdn = listing(
        "us-sdn", "36125", "SHENZHEN BLUE HAT INTERNATIONAL TRADE CO., LTD.", programmes=("RUSSIA-EO14024",)
    )
    eu = listing("eu-fsf", "9001", "Shenzhen Blue Hat International Trade Co., Ltd", listed_on="2024-06-24")
    other = listing("eu-fsf", "9002", "Shenzhen Blue Sky International Trade Co., Ltd")
    ids = assign_ids([sdn, eu, other])
    assert ids[("us-sdn", "36125")] == ids[("eu-fsf", "9001")] == "us-sdn-36125"
    assert ids[("eu-fsf", "9002")] == "eu-fsf-9002"
    # a year later the UK lists it and the SDN entry is gone: the entity keeps its id
    uk = listing("uk-sanctions", "CHN0101", "SHENZHEN BLUE HAT INTERNATIONAL TRADE COMPANY LIMITED")
    later = assign_ids([Listing(**{**_fields(eu), "entity_id": "us-sdn-36125"}), uk])
    assert later[("uk-sanctions", "CHN0101")] == later[("eu-fsf", "9001")] == "us-sdn-36125"
    # a Russian company of the same name is not the Chinese one
    russian = listing("us-sdn", "5", "Blue Hat International Trade LLC", country="RU")
    chinese = listing("us-sdn", "6", "Blue Hat International Trade Co., Ltd")
    assert len(set(assign_ids([russian, chinese]).values())) == 2


def _fields(entry: Listing) -> dict[str, Any]:
    return {name: getattr(entry, name) for name in Listing.__dataclass_fields__}


@pytest.fixture
def lists(tmp_path: Path) -> Any:
    web = FakeWeb().start()
    for path, fixture, kind in (
        ("/sdn.xml", "sdn.xml", "application/xml"),
        ("/csl.json", "csl.json", "application/json"),
        ("/eu.xml", "eu-fsf.xml", "text/xml"),
        ("/uk.xml", "uk.xml", "text/xml"),
    ):
        web.add(path, (FIXTURES / fixture).read_bytes(), content_type=kind)
    urls = {
        "us-sdn": web.url("/sdn.xml"),
        "us-csl": web.url("/csl.json"),
        "eu-fsf": web.url("/eu.xml"),
        "uk-sanctions": web.url("/uk.xml"),
    }
    archive = Archive(tmp_path / "data" / "newswatch.db")
    yield web, archive, urls
    archive.close()
    web.stop()


def test_the_lists_merge_into_the_gazetteer_and_every_designation_reaches_the_alert_facts(
    lists: Any, tmp_path: Path
) -> None:
    _web, archive, urls = lists
    update(archive, urls, tmp_path / "copies")
    entities = {e.id: e for e in merge_entities(archive, load_gazetteer(RULES).entities)}
    limbach = entities["xiamen-limbach"]  # the gazetteer's id, with each list's designation
    assert {d.source for d in limbach.designations} >= {"us-sdn", "us-csl", "eu-fsf"}
    sinno = entities["sinno-electronics"]  # its weak name, written alike by two lists, merges too
    assert {d.source for d in sinno.designations} >= {"us-csl", "uk-sanctions"}
    assert not any(
        e.name.upper().startswith("XIAMEN LIMBACH") for i, e in entities.items() if i != "xiamen-limbach"
    )
    facts = designated(limbach)
    assert facts.startswith("designated: US OFAC SDN (RUSSIA-EO14024)") and "2024-10-17" in facts
    assert "EU 2024-12-16" in facts
    # a list-only Russian company: its own entity, in the Russia group
    vektor = [e for e in entities.values() if "TSK VEKTOR" in e.name.upper()]
    assert len(vektor) == 1 and vektor[0].group == "DESIGNATED_RU" and vektor[0].listed == (vektor[0].id,)
    # the entities table, for Datasette
    table = {row["id"]: row for row in rows(archive.path, "SELECT * FROM entities")}
    assert table["xiamen-limbach"]["designated"] == 1 and table["xiamen-limbach"]["origin"] == "gazetteer"
    assert table[vektor[0].id]["origin"] == "lists"
    assert "eu-fsf" in json.loads(str(table["xiamen-limbach"]["lists"]))


def test_listed_names_are_found_in_english_chinese_and_russian_and_flag_with_russias_war(
    lists: Any, tmp_path: Path
) -> None:
    _web, archive, urls = lists
    update(archive, urls, tmp_path / "copies")
    merge_entities(archive, load_gazetteer(RULES).entities)
    bare = load_ruleset(RULES)
    ruleset = load_ruleset(RULES, listed=archive.listings.organisations())
    gazetteer = ruleset.gazetteer
    assert gazetteer is not None
    institute = next(e for e in gazetteer.entities if e.name == "Example Aero Engine Research Institute")
    vektor = next(e for e in gazetteer.entities if "VEKTOR" in e.name.upper())
    english = "Example Aero Engine Research Institute designed the engines of drones Russia's army fires at Ukraine."
    chinese = "示例航空发动机研究所为俄罗斯军队的无人机设计了发动机。"
    russian = "Компания ТСК Вектор поставляла микросхемы для российских ракет."
    assert gazetteer.named_in("", english) == (institute.id,)
    assert gazetteer.named_in("", chinese) == (institute.id,)
    assert gazetteer.named_in("", russian) == (vektor.id,)
    # traditional script in the list, simplified in the article: the gazetteer's entity
    assert gazetteer.named_in("", "厦门林巴贺航空发动机为俄军无人机供货。") == ("xiamen-limbach",)
    # flagged without the word "China": a designated Chinese organisation and Russia's war
    assert "designated-chinese-entity" in ruleset.classify("", english).rules
    assert not bare.classify("", english).flagged
    assert not ruleset.classify("", "Example Aero Engine Research Institute held an open day.").flagged


def test_a_generic_name_counts_only_beside_its_country_outside_the_name() -> None:
    alpha = listing("us-sdn", "77", "ALPHA TRADING LIMITED", country="HK")
    hat = listing("us-sdn", "78", "HONG KONG HAT TRADING LIMITED", country="HK")
    gazetteer = load_ruleset(RULES, listed=[alpha, hat]).gazetteer
    assert gazetteer is not None
    assert gazetteer.named_in("", "Alpha Trading posted record sales of office chairs.") == ()
    assert gazetteer.named_in("", "Alpha Trading, a Hong Kong firm, shipped chips to Moscow.") == (
        "us-sdn-77",
    )
    assert gazetteer.named_in("", "Alpha Trading shipped chips. Its owner lives in China.") == ("us-sdn-77",)
    assert gazetteer.named_in("", "Alpha Trading shipped chips.\n\nA.\n\nB.\n\nChina is far.") == ()
    # a weak Russian name beside the English verb "put" (Turkish forms of "Putin" read as "put")
    progress = listing("us-sdn", "79", "OOO PROGRESS TECHNOLOGIES", country="RU")
    ruled = load_ruleset(RULES, listed=[progress]).gazetteer
    assert ruled is not None and ruled.named_in("", "We put the Progress Technologies report online.") == ()
    assert ruled.named_in("", "Progress Technologies, a firm in Russia, sold chips.") == ("us-sdn-79",)
    # "Hong Kong" inside the name does not vouch for the name itself
    assert gazetteer.named_in("", "Hong Kong Hat Trading sells hats.") == ()


def test_a_one_word_name_reads_as_a_company_not_as_a_word_a_place_or_a_person() -> None:
    vega = listing("us-sdn", "81", "VEGA FZE", country="HK")
    asia = listing("us-sdn", "82", "ASIA LLC", country="HK")
    chen = listing("us-sdn", "83", "CHEN LLC")
    expert = listing("us-sdn", "84", "TOO EXPERT", country="RU")
    gazetteer = load_ruleset(RULES, listed=[vega, asia, chen, expert]).gazetteer
    assert gazetteer is not None
    found = gazetteer.named_in
    # a plural, a word in lower case, a longer proper name, a compound: not the company
    assert found("", "Las Vegas Sands hired a spy to watch China's officials.") == ()
    assert found("", "Experts in Russia warn of shortages.") == ()
    assert found("", "Analysts put the Russian expert view first.") == ()
    assert found("", "Chen Jinping, a Chinese national, was charged in New York.") == ()
    assert found("", "China backs the Asia-Pacific trade forum.") == ()
    # the country a few words away in the sentence, or in a list with the name: not enough
    assert found("", "China and Asia lead the world in solar panel production.") == ()
    assert found("", "In Asia, stocks rose while investors in Shanghai and Hong Kong sold.") == ()
    # its country or a company word right beside it: the company
    assert found("", "The Hong Kong firm Vega shipped chips to Russia.") == ("us-sdn-81",)
    assert found("", "Vega, a Chinese trader, shipped chips.") == ("us-sdn-81",)
    assert found("", "Chen LLC of Shenzhen, China, sold the parts.") == ("us-sdn-83",)


def test_a_list_name_written_in_lower_case_is_a_phrase_not_the_company() -> None:
    wall = listing("us-sdn", "85", "BLUE WALL LIMITED", country="HK")
    gazetteer = load_ruleset(RULES, listed=[wall]).gazetteer
    assert gazetteer is not None
    assert gazetteer.named_in("", "The so-called blue wall states decide the election.") == ()
    assert gazetteer.named_in("", "Blue Wall shipped drone parts to Russia.") == ("us-sdn-85",)


def test_a_list_name_is_also_found_as_reports_shorten_it() -> None:
    lumen = listing("us-sdn", "86", "CHINA LUMEN AEROSPACE TECHNOLOGY CO.")
    kestrel = listing("us-sdn", "87", "NINGBO KESTREL MACHINE TOOL GROUP")
    kai = listing("us-sdn", "88", "KAI-SHENG TECHNOLOGY HK CO., LIMITED", country="HK")
    gazetteer = load_ruleset(RULES, listed=[lumen, kestrel, kai]).gazetteer
    assert gazetteer is not None
    # the country in front, the group or the jurisdiction behind: left out by reports
    assert gazetteer.named_in("", "Ningbo Kestrel Machine Tool sold lathes to arms plants.") == ("us-sdn-87",)
    assert gazetteer.named_in("", "Lumen Aerospace, a Chinese satellite firm, sold images.") == ("us-sdn-86",)
    assert gazetteer.named_in("", "Kai-Sheng Technology of Hong Kong shipped chips.") == ("us-sdn-88",)
    # a short form that is weak still needs its country
    alpha = listing("us-sdn", "89", "ALPHA TECHNOLOGY GROUP CO., LTD.")
    weak = load_ruleset(RULES, listed=[alpha]).gazetteer
    assert weak is not None
    assert weak.named_in("", "Alpha Technology sold images of the front.") == ()
    assert weak.named_in("", "Alpha Technology, a Chinese firm, sold images.") == ("us-sdn-89",)


def test_a_cyrillic_list_name_is_found_as_english_german_and_french_reports_romanise_it() -> None:
    granit = listing("eu-fsf", "EU.1", "ООО «Гранитмаш»", country="RU", programmes=("RUS (Russia)",))
    key = listing("eu-fsf", "EU.2", "АО «Северный Ключ»", country="RU", programmes=("RUS (Russia)",))
    gazetteer = load_ruleset(RULES, listed=[granit, key]).gazetteer
    assert gazetteer is not None
    assert gazetteer.named_in("", "Severnyy Klyuch shipped the parts.") == ("eu-fsf-eu-2",)
    assert gazetteer.named_in("", "Sewernyj Kljutsch lieferte die Teile.") == ("eu-fsf-eu-2",)
    # a weak name stays weak in Latin letters: beside Russia, as a company
    assert gazetteer.named_in("", "Granitmash, a Russian arms maker, bought lathes.") == ("eu-fsf-eu-1",)
    assert gazetteer.named_in("", "Die russische Firma Granitmasch kaufte Maschinen.") == ("eu-fsf-eu-1",)
    assert gazetteer.named_in("", "Granitmash bought lathes.") == ()


def test_new_chinese_entries_make_one_ops_message_and_a_first_import_none(lists: Any, tmp_path: Path) -> None:
    web, archive, urls = lists
    update(archive, urls, tmp_path / "copies")
    sent: list[str] = []
    assert announce(archive, sent.append) == 0 and sent == []  # the first import is the baseline
    csl = json.loads((FIXTURES / "csl.json").read_text(encoding="utf-8"))
    new = {
        **csl["results"][0],
        "id": "new-1",
        "name": "Shenzhen Blue Hat International Trade Co., Ltd.",
        "alt_names": [],
        "start_date": "2026-11-30",
    }
    web.add(
        "/csl.json",
        json.dumps({**csl, "results": [*csl["results"], new]}).encode(),
        content_type="application/json",
    )
    update(archive, urls, tmp_path / "copies", ["us-csl"])

    def failing(text: str) -> None:
        raise OSError("Slack is down")

    with pytest.raises(OSError):
        announce(archive, failing)
    assert announce(archive, sent.append) == 1  # the failed send is tried again, then once only
    assert announce(archive, sent.append) == 0
    assert len(sent) == 1 and "1 new Chinese or Hong Kong entity" in sent[0]
    assert "Shenzhen Blue Hat International Trade Co., Ltd. — US CSL 2026-11-30" in sent[0]


def test_the_commands_list_search_and_backtest_the_entities(lists: Any, tmp_path: Path) -> None:
    _web, archive, urls = lists
    from newswatch.claims import cues_beside, load_cues
    from newswatch.clock import fixed_clock
    from newswatch.records import Article, Candidate, Extraction
    from newswatch.stories import StoryIndex, fingerprint
    from pipelines.classify import ClassifyPipeline

    update(archive, urls, tmp_path / "copies")
    ruleset = load_ruleset(RULES, listed=archive.listings.organisations())
    pipeline = ClassifyPipeline(None, ruleset, load_cues(cues_beside(str(RULES))))  # type: ignore[arg-type]
    when = datetime(2024, 8, 1, tzinfo=UTC)  # 77 days before the US listed Xiamen Limbach
    writer = Archive(archive.path, clock=fixed_clock(when))
    url = "https://news.example.org/limbach"
    text = "Xiamen Limbach Aircraft Engine built the L550E engines of Russia's Garpiya drones."
    candidate = Candidate(url=url, outlet="news", source="https://news.example.org/rss", source_kind="feed")
    item = Article(url=url, final_url=url, outlet="news", fetched_at=when, html="", candidate=candidate)
    item.extraction = Extraction(text=text, title="Engines for drones", published=when, language="en")
    item = pipeline.process_item(item)
    writer.articles.store(
        item, item.extraction, url, "run", fingerprint("Engines for drones", text), StoryIndex()
    )
    writer.close()
    env = crawl_env(tmp_path, ROOT / "config" / "outlets.toml")
    # the update command merges (the lists are unchanged here: it merges once, when never merged)
    done = run_newswatch(
        ["entities", "update", "--list", "us-sdn"], {**env, "NEWSWATCH_LIST_URL_US_SDN": urls["us-sdn"]}
    )
    assert done.returncode == 0, done.stderr
    assert "entities after merging" in done.stderr
    found = run_newswatch(["entities", "search", "limbach"], env)
    assert found.returncode == 0, found.stderr
    assert "xiamen-limbach" in found.stdout and "designated: US" in found.stdout
    leads = run_newswatch(["entities", "--undesignated", "--limit", "500"], env)
    assert "xiamen-limbach" not in leads.stdout
    backtest = run_newswatch(["entities", "backtest"], env)
    assert backtest.returncode == 0, backtest.stderr
    line = next(line for line in backtest.stdout.splitlines() if line.startswith("xiamen-limbach"))
    assert "2024-08-01" in line and "77 days earlier" in line


def test_an_archive_of_the_previous_release_gets_its_listed_names_in_place(tmp_path: Path) -> None:
    import sqlite_utils

    from newswatch.archive.migrations import migrations

    db = sqlite_utils.Database(tmp_path / "old.db")
    migrations.apply(db, stop_before="m018_entities")  # the archive as the previous release left it
    db.execute(
        "INSERT INTO entity_listings (list_key, ref, name, kind, aliases, countries, programmes, source_url, "
        "first_seen, last_seen) VALUES ('us-sdn', '1', 'REDLEPUS VECTOR INDUSTRY SHENZHEN CO., LTD.', 'entity', "
        "'[\"紅兔矢量實業深圳有限公司\"]', '[\"CN\"]', '[]', 'https://x', '2026-01-01 00:00:00', '2026-01-01 00:00:00')"
    )
    db.conn.commit()
    db.close()
    archive = Archive(tmp_path / "old.db")
    names = archive.listings.organisations()[0].names
    archive.close()
    assert names == (("REDLEPUS VECTOR INDUSTRY SHENZHEN", STRONG), ("紅兔矢量實業深圳", STRONG))
