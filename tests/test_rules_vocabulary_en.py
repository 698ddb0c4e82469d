"""Everyday words of the topic in English (config/rules/groups.toml): Chinese provinces and cities
name China (``CN_PLACES``), Russia's arms plants and factories are its military, and thermal
sights, imagery, lathes or flight controllers are military goods. Each report below is written
for these tests and flags only through one of these words; the look-alikes stay quiet."""

from __future__ import annotations

import pytest
from rule_languages import MATCHER, found

FLAGGED = [
    "A Shenzhen trader shipped thermal sights to a Russian tank factory.",
    "Two Jiangsu manufacturers delivered CNC lathes to Russia's largest munitions plant.",
    "A Chinese company sold aerial imagery of Ukrainian air bases to Russia's army.",
    "Chinese exporters supplied flight controllers to a plant in Russia's Tatarstan.",
    "A Wuhan-based firm sold night-vision scopes to Russian units fighting in Ukraine.",
    "Traders in Heilongjiang supply milling machines to Russian weapons factories.",
]

QUIET = [
    # civilian trade naming a Chinese city
    "A Shanghai electronics maker opened a showroom in Moscow to sell phones.",
    # the Shanghai Cooperation Organisation is no Chinese supplier
    "At the Shanghai Cooperation Organisation summit, Iran was said to supply drones to Russia.",
    # a Russian arms plant, no China
    "Ukrainian drones struck a Russian tank factory in Omsk overnight.",
    # Chinese places and military goods, no Russia
    "A Guangdong factory supplies flight controllers to hobby drone clubs in Europe.",
]


@pytest.mark.parametrize("text", FLAGGED)
def test_a_report_in_everyday_words_is_flagged(text: str) -> None:
    verdict = MATCHER.classify("", text, "en")
    assert verdict.flagged, text


@pytest.mark.parametrize("text", QUIET)
def test_a_look_alike_in_the_same_words_stays_quiet(text: str) -> None:
    assert not MATCHER.classify("", text, "en").flagged, text


@pytest.mark.parametrize(
    ("text", "place"),
    [
        ("A Shenzhen-based trader", "shenzhen"),
        ("a firm registered in Zhejiang province", "zhejiang"),
        ("trucks crossed at Manzhouli", "manzhouli"),
        ("a workshop in Xi'an", "xi'an"),
    ],
)
def test_chinese_provinces_cities_and_border_crossings_name_china(text: str, place: str) -> None:
    assert place in found("CN_PLACES", text, "en")
    assert place in found("CHINA", text, "en")


def test_the_shanghai_cooperation_organisation_names_no_chinese_place() -> None:
    assert found("CN_PLACES", "the Shanghai Cooperation Organisation met", "en") == []
    assert found("CN_PLACES", "a Shanghai chipmaker", "en") == ["shanghai"]


@pytest.mark.parametrize(
    "text",
    [
        "Chinese-made thermal sights turned up in abandoned Russian positions near Bakhmut.",
        "Engines from a Shenzhen workshop powered the Russian drones shot down over Kharkiv.",
    ],
)
def test_chinese_goods_beside_russias_forces_flag_without_a_supply_verb(text: str) -> None:
    assert "chinese-goods-with-russian-forces" in MATCHER.classify("", text, "en").rules


@pytest.mark.parametrize(
    "text",
    [
        # a comparison: Russia listed after a conjunction
        "China's new hypersonic missiles may soon outpace those of the United States and Russia.",
        # negated
        "No Chinese components were found in the Russian missile, investigators said.",
        # an arms embargo is no goods
        "An arms embargo on China is still in force, while defence cooperation with Moscow has stopped.",
        # a Chinese arms plant is not Russia's military
        "A Chinese munitions factory produces shells for the People's Liberation Army.",
    ],
)
def test_comparisons_negations_embargoes_and_chinese_plants_are_no_chinese_goods_for_russia(
    text: str,
) -> None:
    assert "chinese-goods-with-russian-forces" not in MATCHER.classify("", text, "en").rules, text


@pytest.mark.parametrize(
    "text",
    [
        "Chinese engines power most new buses in Moscow.",
        "Chinese components are used in Russian washing machines.",
        "Russian carmakers now rely on Chinese components after Western brands left.",
        "Chinese chips dominate Russia's smartphone market.",
    ],
)
def test_chinese_goods_in_russias_civilian_economy_are_no_military_goods_for_russia(text: str) -> None:
    assert "chinese-goods-with-russian-forces" not in MATCHER.classify("", text, "en").rules, text


@pytest.mark.parametrize(
    "text",
    [
        "Chinese chips keep turning up in Russian missiles.",
        "Chinese thermal sights were found in Russian trenches near Avdiivka.",
        "Chinese drone engines are fitted to the drones Russia launches at Zaporizhzhia.",
    ],
)
def test_chinese_goods_with_russias_units_hardware_or_ukrainian_front_line_towns_flag(text: str) -> None:
    assert "chinese-goods-with-russian-forces" in MATCHER.classify("", text, "en").rules, text


@pytest.mark.parametrize(
    ("text", "place"), [("shelling of Kharkiv", "kharkiv"), ("in occupied Crimea", "crimea")]
)
def test_ukrainian_cities_and_crimea_are_ukrainian_places_not_the_war_alone(text: str, place: str) -> None:
    # read with Russia by chinese-goods-with-russian-forces only: Odessa is also in Texas
    assert place in found("UA_PLACES", text, "en") and found("WAR", text, "en") == []


@pytest.mark.parametrize(
    ("text", "language"),
    [
        # a position is also a stance, a unit a subsidiary
        ("Beijing said it supports Russian positions on Ukraine at the UN Security Council.", "en"),
        ("Пекин поддерживает российскую позицию по украинскому урегулированию.", "ru"),
        ("Pékin soutient la position russe sur l'Ukraine au Conseil de sécurité.", "fr"),
        ("Haval's Russian unit sold 150,000 Chinese-built cars last year.", "en"),
        ("Huawei's Russian unit supplies Chinese servers to Sberbank.", "en"),
        # Ukrainian place names in other places and senses
        ("Police in Odessa, Texas, captured two Chinese nationals smuggling fentanyl.", "en"),
        ("China is now the main supplier of buses to Lviv.", "en"),
        # Turkish "harbin" is "of the war"; 第聂伯河南岸 holds 河南 (Henan) across two words
        ("Elektronik harbin en önemli silahı olan dronlar Rus ordusu için kritik hale geldi.", "tr"),
        ("乌军无人机在第聂伯河南岸摧毁了俄军坦克。", "zh"),
        # civilian senses of goods words
        (
            "A Chinese military-grade phone went on sale in Russia, where the war has cut Western brands.",
            "en",
        ),
        ("中国子弹头列车技术受俄罗斯青睐。", "zh"),
    ],
)
def test_stances_subsidiaries_other_odessas_and_civilian_words_are_not_flagged(
    text: str, language: str
) -> None:
    assert not MATCHER.classify("", text, language).flagged, text


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Chinese chips were found in the wreckage of a Kh-101 cruise missile.", "en"),
        ("Китайские микросхемы нашли в обломках ракеты Х-101.", "ru"),
        ("Chinese engines were fitted to Orlan-10 drones shot down over the Donbas.", "en"),
    ],
)
def test_russian_missiles_and_drones_named_by_their_designation_are_russias_military(
    text: str, language: str
) -> None:
    assert "chinese-goods-with-russian-forces" in MATCHER.classify("", text, language).rules, text


def test_a_first_name_or_a_flower_that_names_a_russian_weapon_too_is_no_weapon() -> None:
    assert found("RUSSIA_MILITARY", "Iskander, a trader from Tashkent, bought gerberas in Moscow", "en") == []
