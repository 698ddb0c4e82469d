"""Official-list entity matching: false matches on general news, recall on the relevant
corpus, and rules speed with ~10,000 listed names loaded (issue #22).

    python bench/entity_matching.py            # all three parts + bench/results/entity_matching.json
    python bench/entity_matching.py --quick    # fewer speed passes (for a quick look)
    python bench/entity_matching.py --no-speed # false matches and recall only, nothing written

1. **False matches.** The real lists cannot be downloaded here, so a synthetic list of
   ``NAMES`` (10,000) names as the lists write them is generated with a fixed seed
   (:func:`synthetic_entries`) and loaded as ``newswatch entities update`` would store it
   (``Listing`` with ``names.match_names``, ids from ``merge.assign_ids``). Every page of
   ``../shared/corpus/extraction`` (ground-truth title + body; the snippet-only pages: their
   ``must_contain`` snippets) is read with ``gazetteer.named_in``; a page counts when it names
   an entity that is not one of the hand-kept gazetteer's. Each match is printed (page,
   entity, the words matched, for a weak name the country words beside it, 100 characters
   around them) for a person to judge. Target: at most 0.5 % of pages. The same is counted
   on the topic corpus (relevance records and seeds, dense with China and Russia), where
   every match of an invented name is false.
2. **Recall.** Each hand-kept gazetteer entity's ``name`` (config/rules/gazetteer.toml) is
   written as a list writes it (upper case, legal form kept) and made a list entry, with
   none of the gazetteer's hand aliases; the rule files are loaded without their entities
   and with only those entries. Over the records labelled relevant in
   ``../shared/corpus/relevance/*.jsonl`` (and the seeds), recall = records where the
   list-derived names find entity X / records where the gazetteer's hand aliases find X,
   per entity and overall; each miss is printed with the words the article used.
3. **Speed.** ``Matcher.classify`` on the texts ``bench/rules.py`` uses (the relevance
   corpus and seeds; the extraction corpus's bodies), each cut or repeated to 5 KB,
   articles per CPU-second on one core (``rules.speed``),
   the ruleset without lists and with the synthetic list, passes interleaved (A/B/A/B),
   best, median and spread, with the load average before and after. Also: wall time of
   ``load_ruleset(..., listed=...)`` (start-up of each crawl), of the first ``named_in``
   (the entity matcher's build), and ``named_in``'s steady cost per article. Target:
   2,000 articles/s with the lists.

The synthetic list (:func:`synthetic_entries`, ``random.Random(SEED)``): entities are drawn
until their names (primary name + aliases, over every list entry) reach ``NAMES``. Each
entity's kind is drawn with these weights:

- ``cn`` 30 %: "{CITY} {BRAND} {TRADE} CO., LTD." with BRAND two pinyin syllables
  ("SHENZHEN JINHONG ELECTRONICS CO., LTD."); aliases: the Chinese-character name
  ("深圳市金鸿电子有限公司", 45 %), the name without the city (25 %), "CO LTD" unpunctuated (20 %).
- ``hk`` 12 %: "{BRAND} (HK) {TRADE} LIMITED", "{BRAND} INTERNATIONAL (HK) CO., LIMITED",
  "{BRAND} TECHNOLOGY (HONG KONG) CO., LIMITED"; BRAND pinyin (70 %) or an English word.
- ``common`` 10 %: common English words as HK, Chinese and UAE traders name themselves:
  "{WORD} {WORD} LIMITED" ("SKY STAR LIMITED", "BEST WAY CO., LIMITED"), "{WORD} TRADING
  LIMITED" ("ALPHA TRADING LIMITED"), "{WORD} {GENERIC} CO., LIMITED", "{GENERIC} {GENERIC}
  LTD" ("ENERGY GROUP LTD").
- ``oneword`` 6 %: a one-word brand ("TOPSUN LIMITED", "VEGA FZE", "ORION LLC").
- ``citygeneric`` 5 %: a city and generic words ("SHANGHAI TECHNOLOGY DEVELOPMENT CO.,
  LTD.", "MOSCOW MACHINERY PLANT").
- ``placeperson`` 5 %: names that are also places or people ("SINGAPORE TRADING PTE. LTD.",
  "VICTORIA LLC", "DAVID TRADING LIMITED", "IVANOV AND PARTNERS LLC", "WANG LI TECHNOLOGY").
- ``ru`` 24 %: Russian companies, a compound ("TEKHNOKOMPLEKT", "VOSTOKTORG") or a word
  ("ZVEZDA", "PROGRESS", "SIGNAL") after a legal form as OFAC, the EU and the UK write them
  ("OBSHCHESTVO S OGRANICHENNOI OTVETSTVENNOSTYU", "AKTSIONERNOE OBSHCHESTVO", "OOO", "AO",
  "JOINT STOCK COMPANY", "LIMITED LIABILITY COMPANY", "PAO", "NPO", "NPP"); aliases: the
  Cyrillic name with «» quotes ("ООО «Техкомплект»", 55 %), a second transliteration
  (KH→H, TS→C, 30 %), an acronym (15 %).
- ``third`` 8 %: third countries' traders: UAE ("{W} GENERAL TRADING L.L.C", "FZE", "FZCO",
  "DMCC"), Turkey ("{W} DIS TICARET LIMITED SIRKETI"), Kyrgyzstan ("OSOO {W}"), Kazakhstan
  ("TOO {W}"), India ("{W} PRIVATE LIMITED"), Serbia ("{W} DOO"), Armenia ("{W} LLC"); W a
  common word (30 %), a one-word brand (30 %) or an invented pinyin or Russian word (40 %).

Then ``real``: 30 well-known organisations that are on the real lists ("HUAWEI
TECHNOLOGIES CO., LTD.", "PUBLIC JOINT STOCK COMPANY SBERBANK OF RUSSIA", "KALASHNIKOV
CONCERN"): a page naming them names a listed entity (a true mention, reported apart).
Countries: ``cn`` CN; ``hk`` HK; ``common``, ``oneword``, ``placeperson`` CN or HK (70 %)
else the UAE, Turkey or Russia; ``ru`` RU; ``third`` its own. Programmes: RUSSIA-EO14024
for most, with CMIC-EO13959 / "RUS (Russia)" / "Russia" where the list would say so. Each
entity is on one list (us-sdn 35 %, us-csl 30 %, eu-fsf 20 %, uk-sanctions 15 %), 15 % on
a second one too, which writes the name in mixed case (EU, UK) or without punctuation.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import re
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

from rules import load_items, news_bodies, speed  # noqa: E402  (bench/rules.py: the texts and their timing)

from newswatch.rules import Matcher, load_ruleset  # noqa: E402
from newswatch.rules.gazetteer import Entity, Gazetteer  # noqa: E402
from newswatch.rules.loader import load_gazetteer  # noqa: E402
from newswatch.rules.text import FIELD_SEPARATOR  # noqa: E402
from newswatch.sanctions import names as names_module  # noqa: E402
from newswatch.sanctions.merge import assign_ids  # noqa: E402
from newswatch.sanctions.model import Listing  # noqa: E402
from newswatch.sanctions.names import match_names  # noqa: E402

SHARED = ROOT.parent / "shared"
EXTRACTION = SHARED / "corpus" / "extraction"
RELEVANCE = SHARED / "corpus" / "relevance"
RULES = ROOT / "config" / "rules"
RESULTS = ROOT / "bench" / "results" / "entity_matching.json"
SEED = 22
NAMES = 10_000
TARGET_FALSE_MATCH = 0.005
TARGET_SPEED = 2_000
_ANY = "und"  # the language the gazetteer reads every text in

# --- the synthetic list ------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


#: Pinyin syllables with one character each (a brand is two of them: "JINHONG", 金鸿).
SYLLABLES = [
    ("JIN", "金"),
    ("HONG", "鸿"),
    ("XIN", "鑫"),
    ("RUI", "瑞"),
    ("TAI", "泰"),
    ("HUA", "华"),
    ("LONG", "龙"),
    ("FENG", "丰"),
    ("SHENG", "盛"),
    ("DA", "达"),
    ("YUAN", "源"),
    ("KAI", "凯"),
    ("HUI", "汇"),
    ("TONG", "通"),
    ("XING", "兴"),
    ("HENG", "恒"),
    ("CHANG", "昌"),
    ("MING", "明"),
    ("GUANG", "光"),
    ("YU", "宇"),
    ("TIAN", "天"),
    ("HAI", "海"),
    ("AN", "安"),
    ("BO", "博"),
    ("CHEN", "晨"),
    ("ZHI", "智"),
    ("WEI", "威"),
    ("JIA", "嘉"),
    ("RONG", "荣"),
    ("FU", "福"),
    ("LI", "力"),
    ("YI", "亿"),
    ("SHUN", "顺"),
    ("BANG", "邦"),
    ("CHUANG", "创"),
    ("DING", "鼎"),
    ("HAO", "豪"),
    ("JUN", "骏"),
    ("KANG", "康"),
    ("LIAN", "联"),
    ("NUO", "诺"),
    ("PENG", "鹏"),
    ("QI", "奇"),
    ("SHANG", "尚"),
    ("TENG", "腾"),
    ("WAN", "万"),
    ("XU", "旭"),
    ("YAO", "耀"),
    ("ZE", "泽"),
    ("ZHONG", "众"),
    ("BAI", "百"),
    ("CHENG", "诚"),
    ("DONG", "东"),
    ("GAO", "高"),
]
CITIES = [
    ("SHENZHEN", "深圳市"),
    ("GUANGZHOU", "广州市"),
    ("DONGGUAN", "东莞市"),
    ("XIAMEN", "厦门市"),
    ("NINGBO", "宁波市"),
    ("SUZHOU", "苏州市"),
    ("HANGZHOU", "杭州市"),
    ("BEIJING", "北京"),
    ("SHANGHAI", "上海"),
    ("WUHAN", "武汉市"),
    ("CHENGDU", "成都市"),
    ("TIANJIN", "天津市"),
    ("QINGDAO", "青岛市"),
    ("ZHUHAI", "珠海市"),
    ("FOSHAN", "佛山市"),
    ("XIAN", "西安市"),
    ("CHANGSHA", "长沙市"),
    ("HEFEI", "合肥市"),
    ("NANJING", "南京市"),
    ("YIWU", "义乌市"),
]
TRADES = [
    ("ELECTRONICS", "电子"),
    ("TECHNOLOGY", "科技"),
    ("TRADING", "贸易"),
    ("IMPORT AND EXPORT", "进出口"),
    ("INDUSTRIAL", "实业"),
    ("INTELLIGENT TECHNOLOGY", "智能科技"),
    ("OPTOELECTRONICS", "光电"),
    ("SEMICONDUCTOR", "半导体"),
    ("AVIATION TECHNOLOGY", "航空科技"),
    ("MACHINERY", "机械"),
    ("SUPPLY CHAIN MANAGEMENT", "供应链管理"),
    ("INTERNATIONAL LOGISTICS", "国际物流"),
    ("NEW MATERIALS", "新材料"),
    ("COMMUNICATION TECHNOLOGY", "通信技术"),
    ("PRECISION MACHINERY", "精密机械"),
    ("ELECTRONIC TECHNOLOGY", "电子科技"),
    ("INTERNATIONAL TRADE", "国际贸易"),
]
#: Common English words traders take as names ("ALPHA", "SKY STAR", "BEST WAY").
WORDS = _words(
    """
ALPHA SKY STAR BEST WAY GOLDEN BRIDGE OCEAN UNITED ROYAL SMART EAGLE DRAGON LION TIGER PRIME
FIRST FUTURE BRIGHT GREEN BLUE RED SUN MOON SILVER CROWN PACIFIC ORIENT EAST WEST NORTH SOUTH
VICTORY UNITY HARMONY POWER MAX PRO LINK NET WAVE PEAK SUMMIT APEX DELTA OMEGA SIGMA NOVA VISION
FORTUNE LUCKY HAPPY RICH WEALTH TRUST HOPE GRACE JOY GLORY PIONEER LEADER CHAMPION MASTER EXPERT
QUICK FAST EASY TOP GOOD GREAT WALL ROAD SILK BLACK SEA FAR LAND CITY PORT HARBOUR RIVER
MOUNTAIN ISLAND CENTURY MILLENNIUM DYNASTY EMPIRE KING QUEEN PRINCE ACE ONE PLUS UNION ALLIANCE
PARTNER HORIZON SPRING RAINBOW DIAMOND JADE PEARL CRYSTAL FALCON PHOENIX ATLAS TITAN ORBIT SPACE
WORLD MEGA SUPER
"""
)
#: Generic words (``names.GENERIC`` and others) that fill out a name.
GENERIC_EN = [
    "TRADING",
    "TECHNOLOGY",
    "ELECTRONICS",
    "INTERNATIONAL",
    "GROUP",
    "HOLDINGS",
    "LOGISTICS",
    "ENERGY",
    "INDUSTRIAL",
    "DEVELOPMENT",
    "SUPPLY",
    "SOLUTIONS",
    "SYSTEMS",
    "ENGINEERING",
    "IMPORT EXPORT",
    "SHIPPING",
    "INVESTMENT",
    "RESOURCES",
    "MACHINERY",
    "COMPONENTS",
]
#: One-word brands: invented, star and myth names, words.
BRANDS = _words(
    """
TOPSUN VEGA ORION SIRIUS POLARIS ALTAIR ANTARES LYRA CASSIOPEIA ANDROMEDA PEGASUS HERMES ZEUS
APOLLO ATHENA TITAN ATLAS PHOENIX NEXUS VERTEX ZENITH CORTEX MATRIX QUANTUM VECTOR PRISM FUSION
AXIS TECHSUN SINOTRON MEGATEK ELCOM RADIANT INFINITI STELLAR COSMOS GALAXY METEOR COMET AURORA
"""
)
PLACES = _words(
    """
SINGAPORE DUBAI LONDON PARIS VICTORIA GEORGIA JORDAN ALASKA SIBERIA ASIA EUROPA AMERICA AFRICA
ISTANBUL ALMATY TASHKENT BISHKEK YEREVAN TBILISI MINSK BALTIC CASPIAN ARCTIC AMAZON SAHARA
"""
)
PERSONS = _words(
    """
JAMES DAVID MICHAEL ANNA MARIA ALEXANDER SOPHIA IVAN PETROV IVANOV SMIRNOV WANG LI ZHANG CHEN
LIU KIM NGUYEN HASSAN OMAR ALI AHMED MEHMET
"""
)
#: Russian name parts, Cyrillic and OFAC's transliteration.
RU_HEADS = [
    ("ТЕХНО", "TEKHNO"),
    ("СПЕЦ", "SPETS"),
    ("ЭЛЕКТРО", "ELEKTRO"),
    ("РАДИО", "RADIO"),
    ("АВИА", "AVIA"),
    ("ПРОМ", "PROM"),
    ("СТРОЙ", "STROI"),
    ("ГАЗ", "GAZ"),
    ("НЕФТЕ", "NEFTE"),
    ("МАШ", "MASH"),
    ("ТРАНС", "TRANS"),
    ("МИКРО", "MIKRO"),
    ("ОПТО", "OPTO"),
    ("ЛАЗЕР", "LAZER"),
    ("ВОЕНТ", "VOENT"),
    ("РОС", "ROS"),
    ("СИБ", "SIB"),
    ("УРАЛ", "URAL"),
    ("ВОЛГА", "VOLGA"),
    ("СЕВЕР", "SEVER"),
    ("ВОСТОК", "VOSTOK"),
    ("ЗАПАД", "ZAPAD"),
    ("ТЕЛЕ", "TELE"),
    ("ЭНЕРГО", "ENERGO"),
    ("МЕТАЛЛ", "METALL"),
    ("ХИМ", "KHIM"),
    ("ТЕПЛО", "TEPLO"),
    ("ИНЖ", "INZH"),
    ("АГРО", "AGRO"),
    ("ЦЕНТР", "TSENTR"),
]
RU_TAILS = [
    ("КОМПЛЕКТ", "KOMPLEKT"),
    ("СНАБ", "SNAB"),
    ("ТЕХ", "TEKH"),
    ("СЕРВИС", "SERVIS"),
    ("ТОРГ", "TORG"),
    ("ПРОМ", "PROM"),
    ("МАШ", "MASH"),
    ("ИМПЕКС", "IMPEKS"),
    ("ЛОГИСТИК", "LOGISTIK"),
    ("СИСТЕМ", "SISTEM"),
    ("ЭЛЕКТРОНИКА", "ELEKTRONIKA"),
    ("ПРИБОР", "PRIBOR"),
    ("СТАЛЬ", "STAL"),
    ("АВТОМАТИКА", "AVTOMATIKA"),
    ("ИНВЕСТ", "INVEST"),
    ("ГРУПП", "GRUPP"),
    ("ХОЛДИНГ", "KHOLDING"),
    ("ЭКСПОРТ", "EKSPORT"),
]
RU_WORDS = [
    ("Звезда", "ZVEZDA"),
    ("Вектор", "VEKTOR"),
    ("Альфа", "ALFA"),
    ("Орион", "ORION"),
    ("Гранит", "GRANIT"),
    ("Алмаз", "ALMAZ"),
    ("Кристалл", "KRISTALL"),
    ("Прогресс", "PROGRESS"),
    ("Сокол", "SOKOL"),
    ("Буран", "BURAN"),
    ("Радуга", "RADUGA"),
    ("Мир", "MIR"),
    ("Союз", "SOYUZ"),
    ("Рубин", "RUBIN"),
    ("Сатурн", "SATURN"),
    ("Полет", "POLET"),
    ("Импульс", "IMPULS"),
    ("Луч", "LUCH"),
    ("Заря", "ZARYA"),
    ("Восход", "VOSKHOD"),
    ("Темп", "TEMP"),
    ("Пульсар", "PULSAR"),
    ("Сигнал", "SIGNAL"),
    ("Азимут", "AZIMUT"),
    ("Горизонт", "GORIZONT"),
    ("Меридиан", "MERIDIAN"),
    ("Аврора", "AVRORA"),
    ("Титан", "TITAN"),
    ("Феникс", "FENIKS"),
    ("Атлас", "ATLAS"),
    ("Гермес", "GERMES"),
    ("Вега", "VEGA"),
    ("Сириус", "SIRIUS"),
    ("Стрела", "STRELA"),
    ("Молния", "MOLNIYA"),
    ("Енисей", "ENISEI"),
    ("Байкал", "BAIKAL"),
    ("Кама", "KAMA"),
    ("Нева", "NEVA"),
    ("Дон", "DON"),
    ("Урал", "URAL"),
    ("Исток", "ISTOK"),
    ("Электрон", "ELEKTRON"),
    ("Квант", "KVANT"),
    ("Спектр", "SPEKTR"),
]
#: Legal forms: (as OFAC/EU/UK write it in Latin, its Cyrillic, before the name?).
RU_FORMS = [
    ("OBSHCHESTVO S OGRANICHENNOI OTVETSTVENNOSTYU", "ООО", True),
    ("LIMITED LIABILITY COMPANY", "ООО", True),
    ("OOO", "ООО", True),
    ("AKTSIONERNOE OBSHCHESTVO", "АО", True),
    ("JOINT STOCK COMPANY", "АО", True),
    ("AO", "АО", True),
    ("PAO", "ПАО", True),
    ("NPO", "НПО", True),
    ("NPP", "НПП", True),
    ("LLC", "ООО", False),
    ("JSC", "АО", False),
]
THIRD = [
    ("AE", "{W} GENERAL TRADING L.L.C"),
    ("AE", "{W} FZE"),
    ("AE", "{W} FZCO"),
    ("AE", "{W} DMCC"),
    ("TR", "{W} DIS TICARET LIMITED SIRKETI"),
    ("KG", "OSOO {W}"),
    ("KZ", "TOO {W}"),
    ("IN", "{W} PRIVATE LIMITED"),
    ("RS", "{W} DOO"),
    ("AM", "{W} LLC"),
]
#: Organisations on the real lists that general news names (true mentions when matched).
REAL = [
    ("CN", "HUAWEI TECHNOLOGIES CO., LTD.", ("华为技术有限公司",)),
    ("CN", "SEMICONDUCTOR MANUFACTURING INTERNATIONAL CORPORATION", ("SMIC",)),
    ("CN", "HANGZHOU HIKVISION DIGITAL TECHNOLOGY CO., LTD.", ("HIKVISION",)),
    ("CN", "SZ DJI TECHNOLOGY CO., LTD.", ("DJI",)),
    ("CN", "ZTE CORPORATION", ()),
    ("CN", "CHINA ELECTRONICS TECHNOLOGY GROUP CORPORATION", ("CETC",)),
    ("CN", "AVIATION INDUSTRY CORPORATION OF CHINA", ("AVIC",)),
    ("CN", "CHINA NORTH INDUSTRIES GROUP CORPORATION LIMITED", ("NORINCO",)),
    ("CN", "ZHEJIANG DAHUA TECHNOLOGY CO., LTD.", ()),
    ("CN", "YANGTZE MEMORY TECHNOLOGIES CO., LTD.", ("YMTC",)),
    ("CN", "INSPUR GROUP CO., LTD.", ()),
    ("CN", "CHINA MOBILE COMMUNICATIONS GROUP CO., LTD.", ()),
    ("RU", "PUBLIC JOINT STOCK COMPANY SBERBANK OF RUSSIA", ("SBERBANK", "ПАО Сбербанк")),
    ("RU", "VTB BANK PUBLIC JOINT STOCK COMPANY", ("VTB BANK",)),
    ("RU", "GAZPROMBANK JOINT STOCK COMPANY", ("GAZPROMBANK",)),
    ("RU", "JOINT STOCK COMPANY ALMAZ-ANTEY AIR AND SPACE DEFENSE CORPORATION", ("ALMAZ-ANTEY",)),
    ("RU", "STATE CORPORATION ROSTEC", ("ROSTEC", "Госкорпорация Ростех")),
    ("RU", "KALASHNIKOV CONCERN JSC", ("KALASHNIKOV CONCERN",)),
    ("RU", "PUBLIC JOINT STOCK COMPANY SUKHOI COMPANY", ("SUKHOI",)),
    ("RU", "PJSC TUPOLEV", ("TUPOLEV",)),
    ("RU", "UNITED AIRCRAFT CORPORATION", ()),
    ("RU", "UNITED SHIPBUILDING CORPORATION", ()),
    ("RU", "PAO SOVCOMFLOT", ("SOVCOMFLOT",)),
    ("RU", "ROSNEFT OIL COMPANY", ("ROSNEFT",)),
    ("RU", "JOINT STOCK COMPANY ALFA-BANK", ("ALFA-BANK",)),
    ("RU", "PMC WAGNER", ("WAGNER GROUP",)),
    ("RU", "PJSC AEROFLOT RUSSIAN AIRLINES", ("AEROFLOT",)),
    ("RU", "RUSSIAN DIRECT INVESTMENT FUND", ("RDIF",)),
    ("RU", "PJSC KAMAZ", ("KAMAZ",)),
    ("RU", "JOINT STOCK COMPANY RESEARCH AND PRODUCTION CORPORATION URALVAGONZAVOD", ("URALVAGONZAVOD",)),
]
KINDS = [
    ("cn", 30),
    ("hk", 12),
    ("common", 10),
    ("oneword", 6),
    ("citygeneric", 5),
    ("placeperson", 5),
    ("ru", 24),
    ("third", 8),
]
LISTS = [("us-sdn", 35), ("us-csl", 30), ("eu-fsf", 20), ("uk-sanctions", 15)]
RUSSIA_PROGRAMME = {
    "us-sdn": "RUSSIA-EO14024",
    "us-csl": "RUSSIA-EO14024",
    "eu-fsf": "RUS (Russia)",
    "uk-sanctions": "Russia",
}


@dataclass(frozen=True, slots=True)
class Drawn:
    """One synthetic entity: its kind, countries, and its names (the first one primary)."""

    kind: str
    countries: tuple[str, ...]
    names: tuple[str, ...]


def _pick(rng: random.Random, weighted: Sequence[tuple[str, int]]) -> str:
    return rng.choices([k for k, _ in weighted], [w for _, w in weighted])[0]


def _brand(rng: random.Random) -> tuple[str, str]:
    (a, ca), (b, cb) = rng.sample(SYLLABLES, 2)
    return a + b, ca + cb


def _ru_compound(rng: random.Random) -> tuple[str, str]:
    head, tail = rng.choice(RU_HEADS), rng.choice(RU_TAILS)
    cyr = head[0] + tail[0].lower()
    return head[1] + tail[1], cyr[0] + cyr[1:].lower()


def _invented(rng: random.Random) -> str:
    return _brand(rng)[0] if rng.random() < 0.5 else _ru_compound(rng)[0]


def _second_translit(name: str) -> str:
    return name.replace("KH", "H").replace("TS", "C").replace("SHCH", "SCH")


def _watched(rng: random.Random) -> tuple[str, ...]:
    if rng.random() < 0.7:
        return (rng.choice(["CN", "HK"]),)
    return (rng.choice(["AE", "TR", "RU"]),)


def draw(rng: random.Random) -> Drawn:
    """One entity of a kind drawn by ``KINDS`` (see the module's docstring)."""
    kind = _pick(rng, KINDS)
    if kind == "cn":
        (city, city_cn), (trade, trade_cn) = rng.choice(CITIES), rng.choice(TRADES)
        brand, brand_cn = _brand(rng)
        names = [f"{city} {brand} {trade} CO., LTD."]
        if rng.random() < 0.45:
            names.append(f"{city_cn}{brand_cn}{trade_cn}有限公司")
        if rng.random() < 0.25:
            names.append(f"{brand} {trade} CO., LTD.")
        if rng.random() < 0.2:
            names.append(f"{city} {brand} {trade} CO LTD")
        return Drawn(kind, ("CN",), tuple(names))
    if kind == "hk":
        brand = _brand(rng)[0] if rng.random() < 0.7 else rng.choice(WORDS)
        form = rng.choice(
            [
                f"{brand} (HK) {rng.choice(TRADES)[0]} LIMITED",
                f"{brand} INTERNATIONAL (HK) CO., LIMITED",
                f"{brand} TECHNOLOGY (HONG KONG) CO., LIMITED",
            ]
        )
        return Drawn(kind, ("HK",), (form,))
    if kind == "common":
        w1, w2 = rng.sample(WORDS, 2)
        form = rng.choice(
            [
                f"{w1} {w2} LIMITED",
                f"{w1} {w2} CO., LIMITED",
                f"{w1} TRADING LIMITED",
                f"{w1} {rng.choice(GENERIC_EN)} CO., LIMITED",
                f"{rng.choice(GENERIC_EN)} {rng.choice(GENERIC_EN)} LTD",
            ]
        )
        return Drawn(kind, _watched(rng), (form,))
    if kind == "oneword":
        word = rng.choice(BRANDS)
        return Drawn(
            kind, _watched(rng), (rng.choice([f"{word} LIMITED", f"{word} FZE", f"{word} LLC", word]),)
        )
    if kind == "citygeneric":
        if rng.random() < 0.7:
            city = rng.choice(CITIES)[0]
            g1, g2 = rng.sample(GENERIC_EN, 2)
            return Drawn(kind, ("CN",), (f"{city} {g1} {g2} CO., LTD.",))
        city = rng.choice(["MOSCOW", "SAINT PETERSBURG", "KAZAN", "NOVOSIBIRSK", "YEKATERINBURG", "TULA"])
        plant = rng.choice(["MACHINERY PLANT", "ELECTRONICS PLANT", "INSTRUMENT PLANT", "ENGINEERING CENTRE"])
        return Drawn(kind, ("RU",), (f"{city} {plant}",))
    if kind == "placeperson":
        if rng.random() < 0.5:
            place = rng.choice(PLACES)
            form = rng.choice(
                [
                    f"{place} TRADING PTE. LTD.",
                    f"{place} LLC",
                    f"{place} {rng.choice(WORDS)} GENERAL TRADING L.L.C",
                    f"{place} {rng.choice(GENERIC_EN)} LIMITED",
                ]
            )
        else:
            person = rng.choice(PERSONS)
            form = rng.choice(
                [
                    f"{person} TRADING LIMITED",
                    f"{person} AND PARTNERS LLC",
                    f"{person} {rng.choice(PERSONS)} TECHNOLOGY CO., LTD.",
                    f"{person} LLC",
                ]
            )
        return Drawn(kind, _watched(rng), (form,))
    if kind == "ru":
        latin, cyrillic = _ru_compound(rng) if rng.random() < 0.55 else rng.choice(RU_WORDS)[::-1]
        form, cyr_form, before = rng.choice(RU_FORMS)
        names = [f"{form} {latin}" if before else f"{latin} {form}"]
        if rng.random() < 0.55:
            names.append(f"{cyr_form} «{cyrillic}»")
        if rng.random() < 0.3 and _second_translit(latin) != latin:
            names.append(f"OOO {_second_translit(latin)}")
        if rng.random() < 0.15:
            names.append("".join(rng.choice("ABCDEFGIKLMNOPRSTUVZ") for _ in range(rng.choice([3, 4, 5]))))
        return Drawn(kind, ("RU",), tuple(names))
    country, pattern = rng.choice(THIRD)
    roll = rng.random()  # a common word 30 %, a brand 30 %, an invented word 40 %
    word = rng.choice(WORDS) if roll < 0.3 else rng.choice(BRANDS) if roll < 0.6 else _invented(rng)
    return Drawn("third", (country,), (pattern.format(W=word),))


def _respelled(rng: random.Random, name: str) -> str:
    """A second list's spelling: mixed case (EU, UK) or punctuation dropped."""
    if re.search(r"[A-Z]", name) and rng.random() < 0.6:
        return " ".join(
            w
            if len(w) <= 3
            and w.isupper()
            and w.isalpha()
            and w in {"LLC", "JSC", "PAO", "AO", "OOO", "NPO", "NPP"}
            else w.capitalize()
            for w in name.split()
        )
    return re.sub(r"[.,]", "", name)


@dataclass(frozen=True, slots=True)
class Entry:
    """A synthetic list entry, its entity's kind and its names as the list writes them."""

    listing: Listing
    kind: str
    written: tuple[str, ...]


def synthetic_entries(total: int = NAMES, seed: int = SEED) -> list[Entry]:
    """List entries until ``total`` names are written, ids assigned as the update assigns
    them; the ``real`` organisations first."""
    rng = random.Random(seed)
    drawn = [Drawn("real", (country,), (name, *aliases)) for country, name, aliases in REAL]
    rest = total
    entries: list[Entry] = []
    refs = 10_000
    while rest > 0:
        if not drawn:
            drawn.append(draw(rng))
        entity = drawn.pop(0)
        first = _pick(rng, LISTS)
        lists = [first]
        if rng.random() < 0.15:
            lists.append(rng.choice([k for k, _ in LISTS if k != first]))
        for n, list_key in enumerate(lists):
            names = entity.names if n == 0 else tuple(_respelled(rng, x) for x in entity.names[:2])
            refs += 1
            programme = (
                "CMIC-EO13959"
                if entity.kind == "real" and "CN" in entity.countries
                else RUSSIA_PROGRAMME[list_key]
            )
            listing = Listing(
                list_key,
                str(refs),
                names[0],
                entity.countries,
                (programme,),
                "2024-10-17",
                names=tuple(match_names(names)),
            )
            entries.append(Entry(listing, entity.kind, names))
            rest -= len(names)
    ids = assign_ids([entry.listing for entry in entries])
    return [
        replace(
            entry, listing=replace(entry.listing, entity_id=ids[(entry.listing.list_key, entry.listing.ref)])
        )
        for entry in entries
    ]


# --- reading texts ----------------------------------------------------------------------------


def news_pages(corpus: Path = EXTRACTION) -> list[dict[str, str]]:
    """Every page of the extraction corpus: its ground-truth title and body (the snippet-only
    pages: their must-contain snippets, one paragraph each)."""
    pages = []
    for truth in sorted(corpus.glob("*/truth.json")):
        data = json.loads(truth.read_text(encoding="utf-8"))
        body = data.get("body") or "\n\n".join(data.get("must_contain") or [])
        pages.append({"id": truth.parent.name, "title": data.get("title") or "", "text": body})
    return pages


def relevant_records(corpus: Path = RELEVANCE) -> list[dict[str, Any]]:
    return [item for item in load_items(corpus) if item["label"] == "relevant"]


def place_matcher(gazetteer: Gazetteer) -> Matcher:
    """The names of China (``CN``) and Russia (``RU``) the gazetteer wants beside a weak name,
    as it matches them (read from its private fields: a diagnostic only)."""
    places: dict[str, list[str]] = getattr(gazetteer, "_places", {})
    words: dict[str, list[tuple[str, str]]] = getattr(gazetteer, "_place_words", {})
    excludes: dict[str, list[str]] = getattr(gazetteer, "_excludes", {})
    masks = {code: excludes.get(group, []) for code, group in (("CN", "CHINA"), ("RU", "RUSSIA"))}
    return Matcher(
        dict(places),
        [],
        1.0,
        {k: v for k, v in masks.items() if v},
        inflected={k: v for k, v in words.items() if v},
    )


def matched_words(
    entity: Entity, title: str, text: str, places: Matcher | None = None, context: int = 100
) -> list[dict[str, str]]:
    """Where an entity's names stand in an article: each name found, the words as written,
    ``context`` characters around them and, for a weak name, the words of its country that
    stand within a sentence of it (``vouched_by``; named_in keeps a weak name only with one)."""
    groups = {f"S{i}": [name] for i, name in enumerate(entity.aliases)}
    groups |= {f"W{i}": [name] for i, name in enumerate(entity.weak)}
    doc, hits = Matcher(groups, [], 1.0, {}).group_hits(title, text, _ANY)
    code = "CN" if {"CN", "HK"} & set(entity.countries) or not entity.countries else "RU"
    near = places.group_hits(title, text, _ANY)[1].get(f"@{code}", []) if places else []
    found = []
    for term, spots in sorted(hits.items()):
        kind, index = term[1], int(term[2:])
        name = (entity.aliases if kind == "S" else entity.weak)[index]
        shown = []
        for hit in spots:
            by = sorted(
                {
                    doc.raw[p.start : p.end]
                    for p in near
                    if p.field == hit.field
                    and abs(p.sentence - hit.sentence) <= 1
                    and (p.end <= hit.start or p.start >= hit.end)
                }
            )
            shown.append((kind == "W" and not by, hit, by))
        for _, hit, by in sorted(shown, key=lambda x: x[0])[:2]:  # vouched ones first
            half = max(0, (context - (hit.end - hit.start)) // 2)
            around = doc.raw[max(0, hit.start - half) : hit.end + half]
            found.append(
                {
                    "name": name,
                    "strength": "strong" if kind == "S" else "weak",
                    "words": doc.raw[hit.start : hit.end],
                    "vouched_by": ", ".join(by) if kind == "W" else "",
                    "context": " ".join(around.replace(FIELD_SEPARATOR, " | ").split()),
                }
            )
    return found


# --- 1. false matches --------------------------------------------------------------------------


def false_matches(
    gazetteer: Gazetteer, hand_ids: set[str], kinds: dict[str, str], pages: list[dict[str, str]]
) -> dict[str, Any]:
    matched: list[dict[str, Any]] = []
    places = place_matcher(gazetteer)
    for page in pages:
        ids = [i for i in gazetteer.named_in(page["title"], page["text"]) if i not in hand_ids]
        if not ids:
            continue
        for entity_id in ids:
            entity = gazetteer.by_id[entity_id]
            matched.append(
                {
                    "page": page["id"],
                    "entity": entity_id,
                    "name": entity.name,
                    "kind": kinds.get(entity_id, "?"),
                    "where": matched_words(entity, page["title"], page["text"], places),
                }
            )
    pages_hit = sorted({m["page"] for m in matched})
    by_kind: dict[str, set[str]] = {}
    for m in matched:
        by_kind.setdefault(m["kind"], set()).add(m["page"])
    invented = sorted({m["page"] for m in matched if m["kind"] != "real"})
    vouching: dict[str, set[str]] = {}
    for m in matched:
        for w in m["where"]:
            for word in filter(None, w["vouched_by"].split(", ")):
                vouching.setdefault(word.lower(), set()).add(m["page"])
    return {
        "pages": len(pages),
        "pages_with_list_match": len(pages_hit),
        "rate": round(len(pages_hit) / len(pages), 4) if pages else 0.0,
        "pages_with_invented_name_match": len(invented),
        "rate_invented_names": round(len(invented) / len(pages), 4) if pages else 0.0,
        "pages_by_kind": {kind: len(pages) for kind, pages in sorted(by_kind.items())},
        "pages_by_place_word_beside_a_weak_name": {
            word: len(pages) for word, pages in sorted(vouching.items(), key=lambda kv: -len(kv[1]))
        },
        "matches": matched,
    }


# --- 2. recall ---------------------------------------------------------------------------------


def list_only_rules(target: Path) -> Path:
    """A copy of the rule files whose gazetteer keeps its groups but none of its entities."""
    shutil.copytree(RULES, target)
    path = target / "gazetteer.toml"
    text = path.read_text(encoding="utf-8")
    head = text[: text.index("\n[[entities]]")]
    # a group must have aliases or includes: it takes the list entities' (none of its own)
    head = head.replace("[groups.CN_SUPPLIERS]", '[groups.CN_SUPPLIERS]\ninclude = ["DESIGNATED_CN"]', 1)
    path.write_text(head + "\n", encoding="utf-8")
    return target


def recall(records: list[dict[str, Any]], tmp: Path) -> dict[str, Any]:
    hand = load_gazetteer(RULES)
    listings = [
        Listing(
            "us-sdn",
            entity.id,
            entity.name.upper(),
            ("CN",),
            ("RUSSIA-EO14024",),
            names=tuple(match_names([entity.name.upper()])),
            entity_id=f"list-{entity.id}",
        )
        for entity in hand.entities
    ]
    derived = load_gazetteer(list_only_rules(tmp / "rules"), listed=listings)
    by_hand: dict[str, set[str]] = {e.id: set() for e in hand.entities}
    by_list: dict[str, set[str]] = {e.id: set() for e in hand.entities}
    for record in records:
        for entity_id in hand.named_in(record.get("title", ""), record.get("text", "")):
            by_hand[entity_id].add(record["id"])
        for entity_id in derived.named_in(record.get("title", ""), record.get("text", "")):
            by_list[entity_id.removeprefix("list-")].add(record["id"])
    text_of = {r["id"]: r for r in records}
    per_entity: dict[str, dict[str, Any]] = {}
    misses: list[dict[str, Any]] = []
    for entity in hand.entities:
        found, listed = by_hand[entity.id], by_list[entity.id]
        per_entity[entity.id] = {
            "list_name": entity.name.upper(),
            "match_names": [f"{n} ({k})" for lst in listings if lst.ref == entity.id for n, k in lst.names],
            "by_gazetteer": len(found),
            "by_list": len(found & listed),
            "list_only": len(listed - found),
            "recall": round(len(found & listed) / len(found), 3) if found else None,
        }
        for record_id in sorted(found - listed):
            record = text_of[record_id]
            words = sorted(
                {w["words"] for w in matched_words(entity, record.get("title", ""), record.get("text", ""))}
            )
            misses.append(
                {"record": record_id, "entity": entity.id, "lang": record.get("lang"), "article_words": words}
            )
    total = sum(v["by_gazetteer"] for v in per_entity.values())
    got = sum(v["by_list"] for v in per_entity.values())
    return {
        "records": len(records),
        "pairs_by_gazetteer": total,
        "pairs_by_list": got,
        "recall": round(got / total, 4) if total else None,
        "per_entity": per_entity,
        "misses": misses,
    }


# --- 3. speed ----------------------------------------------------------------------------------


@contextlib.contextmanager
def without_legal_forms() -> Iterator[None]:
    """Names read with no legal form known (what the library's data is measured against)."""
    saved = names_module._legal_forms
    names_module._legal_forms = lambda: (frozenset(), 1)  # type: ignore[assignment]
    names_module._form_words.cache_clear()
    try:
        yield
    finally:
        names_module._legal_forms = saved  # type: ignore[assignment]
        names_module._form_words.cache_clear()


def entities_of(matcher: Matcher) -> Gazetteer:
    if matcher.gazetteer is None:
        raise SystemExit("the ruleset has no gazetteer")
    return matcher.gazetteer


def timed(call: Any) -> float:
    started = time.perf_counter()
    call()
    return time.perf_counter() - started


def _texts(items: list[dict[str, Any]], size: int = 5000) -> list[tuple[str, str]]:
    """The texts as bench/rules.py times them: each cut or repeated to ``size`` characters."""
    out = []
    for item in items:
        text = item.get("text") or "x"
        while len(text) < size:
            text = text + "\n" + text
        out.append((item.get("title", ""), text[:size]))
    return out


def _summary(got: list[float]) -> dict[str, Any]:
    return {"best": max(got), "median": round(statistics.median(got), 1), "min": min(got), "passes": got}


def speeds(listed: list[Listing], corpora: dict[str, list[dict[str, Any]]], rounds: int) -> dict[str, Any]:
    """Classify speed without and with the lists on each corpus (passes interleaved), the
    start-up costs, and named_in's cost per article."""
    load_before = os.getloadavg()
    loads: dict[str, list[float]] = {"without": [], "with": []}
    first_named: list[float] = []
    for _ in range(3):
        loads["without"].append(timed(lambda: load_ruleset(RULES)))
        started = time.perf_counter()
        with_lists = load_ruleset(RULES, listed=listed)
        loads["with"].append(time.perf_counter() - started)
        first_named.append(timed(lambda m=with_lists: entities_of(m).named_in("", "Xiamen Limbach")))
    matchers = {"without": load_ruleset(RULES), "with": load_ruleset(RULES, listed=listed)}
    classify: dict[str, dict[str, Any]] = {}
    named_in: dict[str, dict[str, float]] = {}
    for corpus, items in corpora.items():
        for matcher in matchers.values():  # automata built and word keys learned on first use
            speed(matcher, items, rounds=1)
        passes: dict[str, list[float]] = {"without": [], "with": []}
        for _ in range(rounds):
            for name, matcher in matchers.items():
                passes[name].append(speed(matcher, items, rounds=1))
        classify[corpus] = {name: _summary(got) for name, got in passes.items()}
        texts = _texts(items)
        named_in[corpus] = {}
        for name, matcher in matchers.items():
            gazetteer, best = entities_of(matcher), float("inf")
            gazetteer.named_in("", "warm up")
            for _ in range(max(2, rounds // 2)):
                started = time.process_time()
                for title, text in texts:
                    gazetteer.named_in(title, text)
                best = min(best, (time.process_time() - started) / len(texts))
            named_in[corpus][name] = round(best * 1000, 3)
    return {
        "texts": {corpus: len(items) for corpus, items in corpora.items()},
        "rounds": rounds,
        "load_average_before": [round(x, 2) for x in load_before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
        "classify_articles_per_second": classify,
        "named_in_ms_per_article": named_in,
        "classify_and_named_in_articles_per_second": {
            corpus: {
                name: round(1 / (1 / classify[corpus][name]["best"] + named_in[corpus][name] / 1000), 1)
                for name in matchers
            }
            for corpus in corpora
        },
        "load_ruleset_seconds": {
            name: {"best": round(min(v), 3), "max": round(max(v), 3)} for name, v in loads.items()
        },
        "first_named_in_seconds": {"best": round(min(first_named), 3), "max": round(max(first_named), 3)},
    }


# --- main --------------------------------------------------------------------------------------


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer speed passes")
    parser.add_argument("--no-speed", action="store_true", help="parts 1 and 2 only (no speed passes)")
    args = parser.parse_args(argv)
    if not EXTRACTION.exists() or not RELEVANCE.exists():
        print(f"corpora not found under {SHARED}; nothing to measure")
        return 0
    entries = synthetic_entries()
    listed = [entry.listing for entry in entries]
    hand_ids = {e.id for e in load_gazetteer(RULES).entities}
    kinds = {entry.listing.entity_id or "": entry.kind for entry in entries}
    gazetteer = entities_of(load_ruleset(RULES, listed=listed))
    merged_into_hand = sorted({lid for e in gazetteer.entities if e.id in hand_ids for lid in e.listed})
    counts = {"strong": 0, "weak": 0, "unmatched": 0}
    written = [name for entry in entries for name in entry.written]
    for name in written:
        got = match_names([name])
        counts[got[0][1] if got else "unmatched"] += 1
    kept = [
        kind
        for entity in gazetteer.entities
        if entity.id not in hand_ids
        for kind in ["strong"] * len(entity.aliases) + ["weak"] * len(entity.weak)
    ]
    synthetic = {
        "seed": SEED,
        "entries": len(listed),
        "entities": len({listing.entity_id for listing in listed}),
        "names_written": len(written),
        "per_written_name": counts,
        "entries_per_kind": {
            kind: sum(e.kind == kind for e in entries) for kind in dict.fromkeys(e.kind for e in entries)
        },
        "entity_names_loaded": {"strong": kept.count("strong"), "weak": kept.count("weak")},
        "entities_merged_into_gazetteer": merged_into_hand,
    }
    report: dict[str, Any] = {"synthetic_list": synthetic}
    print(
        f"synthetic list (seed {SEED}): {len(written)} names written in {len(listed)} entries of "
        f"{synthetic['entities']} entities; per written name: strong {counts['strong']}, weak "
        f"{counts['weak']}, unmatched {counts['unmatched']}; loaded as {kept.count('strong')} strong + "
        f"{kept.count('weak')} weak entity names"
    )
    if merged_into_hand:
        print(f"  merged into hand-kept entities (their matches are not counted): {merged_into_hand}")

    fm = false_matches(gazetteer, hand_ids, kinds, news_pages())
    report["false_matches"] = fm
    print(
        f"\n1. general news: {fm['pages_with_list_match']}/{fm['pages']} pages with a list match "
        f"= {fm['rate']:.2%} (target <= {TARGET_FALSE_MATCH:.1%}); invented names only: "
        f"{fm['pages_with_invented_name_match']} = {fm['rate_invented_names']:.2%}; pages by kind "
        f"{fm['pages_by_kind']}; weak names' places (pages): {fm['pages_by_place_word_beside_a_weak_name']}"
    )
    for m in fm["matches"]:
        print(f"  {m['page']}: {m['entity']} [{m['kind']}] {m['name']}")
        for w in m["where"]:
            by = f" (beside {w['vouched_by']!r})" if w["vouched_by"] else ""
            print(f"      {w['strength']} {w['name']!r} as {w['words']!r}{by}: ...{w['context']}...")

    topic = false_matches(gazetteer, hand_ids, kinds, load_items())
    report["topic_corpus_matches"] = {k: v for k, v in topic.items() if k != "matches"}
    named: dict[str, set[str]] = {}
    for m in topic["matches"]:
        for w in m["where"]:
            named.setdefault(f"{w['strength']} {w['name']!r}", set()).add(w["words"])
    report["topic_corpus_matches"]["names"] = {k: sorted(v) for k, v in sorted(named.items())}
    print(
        f"\n1b. topic corpus (relevance records and seeds, dense with China and Russia): "
        f"{topic['pages_with_invented_name_match']}/{topic['pages']} records name an invented list "
        f"entity = {topic['rate_invented_names']:.2%}, by kind {topic['pages_by_kind']}"
    )
    for name, words in sorted(named.items(), key=lambda kv: kv[0]):
        print(f"  {name} as {sorted(words)[:4]}")

    with tempfile.TemporaryDirectory() as tmp:
        rc = recall(relevant_records(), Path(tmp))
    report["recall"] = rc
    print(
        f"\n2. recall on {rc['records']} relevant records: {rc['pairs_by_list']}/{rc['pairs_by_gazetteer']} "
        f"(record, entity) pairs = {rc['recall']}"
    )
    for entity_id, v in rc["per_entity"].items():
        if v["by_gazetteer"] or v["list_only"]:
            shown = "-" if v["recall"] is None else f"{v['recall']:.2f}"
            print(
                f"  {entity_id}: {v['by_list']}/{v['by_gazetteer']} ({shown}), list-only {v['list_only']}; "
                f"{v['list_name']!r} -> {', '.join(v['match_names']) or 'nothing'}"
            )
    for miss in rc["misses"]:
        words = miss["article_words"]
        print(f"  miss {miss['record']} ({miss['lang']}) {miss['entity']}: article wrote {words}")
    with without_legal_forms(), tempfile.TemporaryDirectory() as tmp:
        bare = recall(relevant_records(), Path(tmp))
        unmatched = sum(not match_names([name]) for name in written)
    kept = ("records", "pairs_by_gazetteer", "pairs_by_list", "recall")
    report["recall_without_legal_forms"] = {k: bare[k] for k in kept}
    print(
        f"  without the fingerprints legal forms (names matched as the lists write them, brackets and "
        f"quotes dropped): {bare['pairs_by_list']}/{bare['pairs_by_gazetteer']} = {bare['recall']}; "
        f"synthetic names with nothing matchable: {unmatched} (with them: {counts['unmatched']})"
    )

    if args.no_speed:
        return 0
    rounds = 3 if args.quick else 9
    sp = speeds(listed, {"topic corpus": load_items(), "general news": news_bodies()}, rounds)
    report["speed"] = sp
    print(f"\n3. speed on one core, texts cut or repeated to 5 KB, {rounds} interleaved passes each side")
    print(f"  load average before {sp['load_average_before']}, after {sp['load_average_after']}")
    for corpus, sides in sp["classify_articles_per_second"].items():
        for name, c in sides.items():
            both = sp["classify_and_named_in_articles_per_second"][corpus][name]
            print(
                f"  {corpus} ({sp['texts'][corpus]} texts), {name} lists: classify best {c['best']:.0f}, "
                f"median {c['median']:.0f} articles/s (spread {c['min']:.0f}-{c['best']:.0f}); named_in "
                f"{sp['named_in_ms_per_article'][corpus][name]} ms/article; both {both:.0f} articles/s"
            )
    print(f"  target >= {TARGET_SPEED} articles/s with the lists")
    print(
        f"  load_ruleset seconds {sp['load_ruleset_seconds']}; first named_in (entity matcher build) "
        f"{sp['first_named_in_seconds']} s"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(report, ensure_ascii=False, indent=1), encoding="utf-8")
    print(f"\nwritten to {RESULTS.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
