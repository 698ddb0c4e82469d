"""One story, one alert: copies, updates and other outlets' reports of one event are grouped
(stories.py, the archive's story and alert bookkeeping), and different events that share
names stay apart."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from alerts.config import AlertConfig
from alerts.transports import SlackTransport
from newswatch.anchors import dates, name_key, names, numbers, respelt_key
from newswatch.archive import Archive
from newswatch.clock import fixed_clock
from newswatch.records import Article, Candidate, Extraction
from newswatch.rules import load_ruleset
from newswatch.stories import (
    Entry,
    Fingerprint,
    StoryConfig,
    StoryIndex,
    compare,
    copy_similarity,
    fingerprint,
    met_anchors,
    stopwords,
)

ROOT = Path(__file__).resolve().parents[1]
NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
#: The archive's "now" in these tests: the articles' dates are fixed, so the story window
#: (measured back from the clock) must not depend on the day the suite runs.
CLOCK = fixed_clock(NOW + timedelta(days=3))

# Event 1: EU ministers discuss a drone factory in China (three outlets; one wire copy).
FACTORY_TITLE = "EU ministers to discuss evidence of Chinese drone factory working for Russia"
FACTORY = [
    "BRUSSELS -- European Union foreign ministers will discuss on Monday intelligence that a factory "
    "in Xiamen has been producing Garpiya-3 attack drones for Russia's army, three EU diplomats said.",
    "The material, shared by Kaja Kallas with member states, says the plant belongs to a subsidiary of "
    "Kupol, the Russian arms maker, and that engines are supplied by Xiamen Limbach.",
    "Diplomats said the evidence was the most detailed yet that Chinese companies are making complete "
    "weapons for Moscow rather than components, and that sanctions against the firms could follow.",
    "Beijing's foreign ministry said it had never provided lethal weapons to any party in the conflict "
    "and that it strictly controls exports of dual-use goods, including drones.",
    "Ukraine's military intelligence said last month that more than 2,500 Garpiya drones had been "
    "assembled with Chinese parts this year, and that production was still rising.",
    "Officials expect the ministers to ask the European Commission to prepare listings of the companies "
    "involved before the next sanctions package is put to member states.",
]
RELATED_TITLE = "Brussels weighs intelligence on Garpiya drone production in China"
RELATED = [
    "Foreign ministers of the European Union meet on Monday to weigh intelligence that Garpiya-3 "
    "drones for Russia are built at a plant in Xiamen, according to EU officials briefed by Kaja Kallas.",
    "The officials said the factory is linked to Kupol and uses engines from Xiamen Limbach, a company "
    "already named in earlier reporting on drone supplies.",
    "A senior diplomat said the findings, if confirmed, would mark a shift from parts to whole weapons "
    "and could lead to new listings of Chinese companies.",
    "China denies sending weapons to Russia and says it applies strict export controls.",
]
# Event 2: same names, different event (US sanctions two days later).
SANCTIONS_TITLE = "US Treasury sanctions Xiamen Limbach and 11 other firms over Garpiya drone engines"
SANCTIONS = [
    "WASHINGTON -- The US Treasury on Wednesday imposed sanctions on Xiamen Limbach and eleven other "
    "companies in China and Hong Kong that it said supplied engines and parts for Kupol's Garpiya drones.",
    "The Office of Foreign Assets Control said the firms had shipped more than 400 engines since March, "
    "and that payments were routed through banks in Hong Kong.",
    "Treasury Secretary Scott Bessent said Washington would keep targeting third-country suppliers that "
    "sustain Russia's war machine.",
    "China's commerce ministry said it firmly opposed the unilateral sanctions and would protect the "
    "rights of Chinese companies.",
]
UNRELATED_TITLE = "Warsaw opens new metro line ahead of schedule"
UNRELATED = [
    "WARSAW -- The Polish capital opened the eastern section of its second metro line on Saturday, "
    "three months ahead of schedule, the city's transport authority said.",
    "The five new stations connect the Bródno district with the city centre and are expected to carry "
    "about 60,000 passengers a day.",
    "Mayor Rafał Trzaskowski said the line would reduce car traffic on the main bridges over the Vistula.",
]


def wire_copy(paragraphs: list[str]) -> str:
    """A syndicated version: agency byline, last paragraph cut, credit line added."""
    return "\n\n".join(["By a Staff Reporter (Agency)", *paragraphs[:-1], "Reporting by agency staff."])


def test_a_syndicated_copy_is_recognised_as_a_copy() -> None:
    original = fingerprint(FACTORY_TITLE, "\n\n".join(FACTORY))
    copy = fingerprint("Chinese drone factory for Russia on EU agenda", wire_copy(FACTORY))
    assert copy_similarity(original, copy) >= 0.9
    verdict = compare(original, copy, timedelta(hours=5), StoryConfig(), {}, 1.0)
    assert verdict.relation == "copy"


def test_other_reports_of_the_same_event_are_related_and_different_events_are_not() -> None:
    index = StoryIndex()
    for n, (title, text) in enumerate(
        [(FACTORY_TITLE, FACTORY), (SANCTIONS_TITLE, SANCTIONS), (UNRELATED_TITLE, UNRELATED)]
    ):
        index.add(Entry(n, n, "x", NOW + timedelta(days=2 * (n == 1)), fingerprint(title, "\n\n".join(text))))
    related = index.match(fingerprint(RELATED_TITLE, "\n\n".join(RELATED)), NOW + timedelta(hours=6))
    assert related is not None and related.article_id == 0 and related.relation == "related"
    # the sanctions story shares Xiamen Limbach, Garpiya and Kupol with the factory story
    alone = StoryIndex()
    alone.add(Entry(0, 0, "x", NOW, fingerprint(FACTORY_TITLE, "\n\n".join(FACTORY))))
    for title, text in ((UNRELATED_TITLE, UNRELATED),):
        alone.add(Entry(9, 9, "x", NOW, fingerprint(title, "\n\n".join(text))))
    sanctions = fingerprint(SANCTIONS_TITLE, "\n\n".join(SANCTIONS))
    assert alone.match(sanctions, NOW + timedelta(days=2)) is None


def test_reports_further_apart_than_the_window_are_separate_stories() -> None:
    index = StoryIndex(StoryConfig(event_window=timedelta(hours=72), copy_window=timedelta(days=7)))
    index.add(Entry(1, 1, "x", NOW, fingerprint(FACTORY_TITLE, "\n\n".join(FACTORY))))
    related = fingerprint(RELATED_TITLE, "\n\n".join(RELATED))
    assert index.match(related, NOW + timedelta(hours=71)) is not None
    assert index.match(related, NOW + timedelta(hours=73)) is None
    copy = fingerprint(FACTORY_TITLE, wire_copy(FACTORY))
    assert index.match(copy, NOW + timedelta(days=6)) is not None
    assert index.match(copy, NOW + timedelta(days=8)) is None


def test_headlines_citing_different_numbers_are_different_events() -> None:
    a = fingerprint("EU adopts 14th sanctions package", "\n\n".join(FACTORY[2:]))
    b = fingerprint("EU adopts 15th sanctions package", "\n\n".join(FACTORY[2:5] + FACTORY[1:2]))
    verdict = compare(a, b, timedelta(hours=1), StoryConfig(copy_threshold=1.1), {}, 1.0)
    assert verdict.relation is None


# --- across languages: anchors ------------------------------------------------------------

# One event in three languages (written for these tests): the US sanctions a drone-engine
# maker on 17 October. They share no words, but the gazetteer entity, the date and a number.
ENGINES_EN_TITLE = "US sanctions Chinese engine maker over Russia's attack drones"
ENGINES_EN = [
    "WASHINGTON -- The US Treasury on October 17 imposed sanctions on Xiamen Limbach, a Chinese maker "
    "of small aircraft engines, saying it supplied engines for the Garpiya attack drones Russia's army "
    "launches at Ukrainian cities.",
    "The department said the company had shipped about 1,200 engines to Kupol, the Russian arms "
    "maker, since last year through trading firms in Hong Kong.",
    "China's foreign ministry said it opposed unilateral sanctions and that its exports of dual-use "
    "goods were strictly controlled.",
]
ENGINES_RU_TITLE = "Минфин США ввёл санкции против китайского производителя двигателей для дронов"
ENGINES_RU = [
    "ВАШИНГТОН -- Министерство финансов США 17 октября ввело санкции против китайской компании "
    "Xiamen Limbach, которая, по данным ведомства, поставляла двигатели для ударных беспилотников "
    "«Гарпия», которыми российская армия атакует украинские города.",
    "По данным министерства, компания через торговые фирмы в Гонконге отправила концерну «Купол» "
    "около 1 200 двигателей.",
    "МИД Китая заявил, что выступает против односторонних санкций и строго контролирует экспорт "
    "товаров двойного назначения.",
]
ENGINES_ZH_TITLE = "美国制裁中国发动机制造商 指其为俄军无人机供货"
ENGINES_ZH = [
    "美国财政部10月17日宣布制裁厦门林巴贺,称该公司为俄罗斯军队用于袭击乌克兰城市的攻击无人机提供发动机。",
    "美方称,该公司自去年以来经由香港贸易公司向俄罗斯军工企业运送了约1200台发动机。",
    "中国外交部表示反对单边制裁,并称中国对两用物项出口实行严格管控。",
]
# A different event naming the same company, in Russian: Ukrainian investigators found its
# engines in wreckage on 12 October (five days before the sanctions).
WRECKAGE_RU_TITLE = "В обломках российских дронов нашли китайские двигатели"
WRECKAGE_RU = [
    "КИЕВ -- Украинские следователи 12 октября обнаружили в обломках сбитых над Харьковом "
    "беспилотников двигатели производства Xiamen Limbach, сообщило Главное управление разведки.",
    "По словам разведчиков, на корпусах сохранились заводские номера, а сами беспилотники были "
    "собраны на предприятии концерна «Купол».",
    "В Пекине заявили, что не поставляют летальное оружие ни одной из сторон конфликта.",
]


def engines(title: str, text: list[str], language: str) -> Fingerprint:
    """A fingerprint as the crawler makes it: with the gazetteer's entities and the language."""
    body = "\n\n".join(text)
    gazetteer = MATCHER.gazetteer
    assert gazetteer is not None
    return fingerprint(title, body, entities=gazetteer.named_in(title, body), language=language)


def test_reports_of_one_event_in_english_russian_and_chinese_become_one_story() -> None:
    index = StoryIndex()
    index.add(Entry(0, 0, "x", NOW - timedelta(days=1), fingerprint(UNRELATED_TITLE, "\n\n".join(UNRELATED))))
    index.add(Entry(1, 1, "washington-post", NOW, engines(ENGINES_EN_TITLE, ENGINES_EN, "en")))
    russian = engines(ENGINES_RU_TITLE, ENGINES_RU, "ru")
    assert {"e:xiamen-limbach", "d:10-17", "n:1200"} <= set(russian.anchors)
    joined = index.match(russian, NOW + timedelta(hours=2))
    assert joined is not None and (joined.story_id, joined.relation) == (1, "related")
    index.add(Entry(2, joined.story_id, "rbc", NOW + timedelta(hours=2), russian))
    chinese = engines(ENGINES_ZH_TITLE, ENGINES_ZH, "zh")
    joined = index.match(chinese, NOW + timedelta(hours=5))
    assert joined is not None and (joined.story_id, joined.relation) == (1, "related")


def test_two_events_naming_one_entity_on_different_dates_stay_apart() -> None:
    sanctions = engines(ENGINES_EN_TITLE, ENGINES_EN, "en")
    wreckage = engines(WRECKAGE_RU_TITLE, WRECKAGE_RU, "ru")
    assert "e:xiamen-limbach" in set(sanctions.anchors) & set(wreckage.anchors)
    index = StoryIndex()
    index.add(Entry(1, 1, "kyiv-independent", NOW - timedelta(days=2), wreckage))
    assert index.match(sanctions, NOW) is None
    # the same pair without the dates in their leads would be one story
    undated = [ENGINES_EN[0].replace(" on October 17", ""), *ENGINES_EN[1:]]
    assert index.match(engines(ENGINES_EN_TITLE, undated, "en"), NOW) is not None


def test_names_shared_by_much_of_the_window_do_not_join_languages() -> None:
    index = StoryIndex()
    for n in range(12):  # Putin and the Kremlin are in every report of the week
        text = (
            f"MOSCOW -- Vladimir Putin met the governor of region {n} at the Kremlin, his press service "
            f"said, and discussed roads, schools and the harvest of topic {n}."
        )
        index.add(
            Entry(n, n, "x", NOW, fingerprint(f"Putin meets regional governor {n}", text, language="en"))
        )
    russian = fingerprint(
        "Путин провёл совещание по экономике",
        "МОСКВА -- Президент Владимир Путин провёл в Кремле совещание с членами правительства, "
        "сообщили в пресс-службе.",
        language="ru",
    )
    assert {"p:ptn", "p:krml"} <= set(russian.anchors)
    assert index.match(russian, NOW) is None


def test_a_name_in_cyrillic_and_in_latin_script_has_one_key() -> None:
    assert name_key("Зеленский") == name_key("Зеленського") == name_key("Zelensky") == name_key("Zelenskyy")
    assert name_key("Гарпия") == name_key("Гарпии") == name_key("Garpiya")
    assert name_key("Блинкен") == name_key("Blinken")
    assert name_key("Zelensky") != name_key("Zhukov")
    assert name_key("Си") is None  # too short to tell apart
    stop = stopwords()
    assert names("Президент Владимир Зеленский заявил", stop) == names(
        "President Volodymyr Zelensky said", stop
    )


def test_dates_in_every_language_are_one_month_day() -> None:
    for text in (
        "on January 26 the Treasury said",
        "Минфин 26 января объявил",
        "Мінфін 26 січня оголосив",
        "Am 26. Januar sagte das Ministerium",
        "美国财政部1月26日宣布",
        "le 26 janvier, le ministère",
        "el 26 de enero el ministerio",
        "w dniu 26 stycznia ministerstwo",
        "published 2023-01-26",
        "am 26.01.2023",
    ):
        assert dates(text)[0] == {"01-26"}, text
    assert dates("May 32 or 15 flights")[0] == set()


def test_numbers_are_normalised_and_years_and_dates_left_out() -> None:
    for text in ("1,200 engines", "1 200 двигателей", "1.200 Motoren", "约1200台发动机"):
        assert numbers(text) == {"1200"}, text
    assert numbers("2024 and 7 drones, 3,5 tonnes") == set()  # a year, small numbers
    found, spans = dates("On October 17, 1,200 engines")
    assert found == {"10-17"} and numbers("On October 17, 1,200 engines", spans) == {"1200"}


def test_amounts_with_scale_words_are_one_number_in_every_language() -> None:
    for text, language in (
        ("parts worth $63 million", "en"),
        ("комплектующие на 63 млн долларов", "ru"),
        ("компоненти на 63 мільйони доларів", "uk"),
        ("价值6300万美元的零部件", "zh"),
        ("Bauteile für 63 Mio. Dollar", "de"),
        ("pièces pour 63 millions de dollars", "fr"),
        ("piezas por 63 millones de dólares", "es"),
        ("6300万ドル相当の部品", "ja"),
    ):
        assert numbers(text, language=language) == {"63000000"}, text
    assert numbers("1,5 млрд долларов", language="ru") == numbers("15亿美元", language="zh") == {"1500000000"}
    # "billion" is 10⁹ in English and 10¹² in German: read in the article's language
    assert numbers("4 billion", language="en") == {"4000000000"}
    assert numbers("4 Billionen", language="de") == {"4000000000000"}
    assert numbers("4 billion") == set()  # language unknown: "billion" means nothing sure, and 4 < 10
    # a scale word is a whole word; a one-letter abbreviation ("63M") is too often something else
    assert numbers("63 millionaires", language="en") == {"63"}
    assert numbers("model 63M engines", language="en") == {"63"}
    assert numbers("10 bi-weekly flights", language="pt") == {"10"}
    assert numbers("an F16 million-dollar deal", language="en") == {"16"}  # a letter before it
    # language unknown: long words only, so no unit abbreviation is read as a scale
    assert numbers("1.5bn") == set() and numbers("300 м") == {"300"} and numbers("63 mi") == {"63"}
    assert numbers("50 εκ. ύψος", language="el") == {"50"}  # a two-letter short form: centimetres
    assert numbers("6300萬美元", language="zh") == numbers("6300万美元", language="zh") == {"63000000"}


def test_digits_of_every_script_are_one_number() -> None:
    # Arabic and Persian news write Arabic-Indic digits and their own decimal and thousands
    # separators; Hindi news may write Devanagari digits
    for text, language in (
        ("cameras worth $12.5 million", "en"),
        ("كاميرات بقيمة ١٢٫٥ مليون دولار", "ar"),
        ("دوربین به ارزش ۱۲٫۵ میلیون دلار", "fa"),
        ("१.२५ करोड़ डॉलर के कैमरे", "hi"),  # 1.25 crore
    ):
        assert numbers(text, language=language) == {"12500000"}, text
    assert numbers("٤٬٥٠٠ كاميرا") == numbers("4,500 cameras") == {"4500"}
    assert dates("في ٢٠ نوفمبر")[0] == dates("on November 20")[0] == {"11-20"}
    # a headline's numbers in two scripts agree rather than conflict
    english = fingerprint("US sanctions 12 Chinese firms", "The Treasury named the firms.", language="en")
    arabic = fingerprint("واشنطن تعاقب ١٢ شركة صينية", "أعلنت وزارة الخزانة الأسماء.", language="ar")
    assert english.headline == arabic.headline == ("n:12",)


def test_a_month_name_another_language_reads_otherwise_is_read_in_the_article_s_language() -> None:
    # "listopad" is November in Polish and Czech, October in Croatian
    assert dates("20 listopada ministerstwo ogłosiło", "pl")[0] == {"11-20"}
    assert dates("20. listopadu ministerstvo oznámilo", "cs")[0] == {"11-20"}
    assert dates("20. listopada ministarstvo je objavilo", "hr")[0] == {"10-20"}
    assert dates("20 listopada")[0] == set()  # the language not known: no month is sure
    assert dates("20 stycznia", "pl")[0] == dates("20 stycznia")[0] == {"01-20"}
    assert dates("on 20 March", "xx")[0] == {"03-20"}  # a language dateparser does not know
    # every region's spelling: Levantine Arabic names November in two words, Maghrebi otherwise
    for arabic in ("في ٢٠ تشرين الثاني أعلنت", "في 20 نونبر أعلنت", "في 20 نوفمبر أعلنت"):
        assert dates(arabic, "ar")[0] == {"11-20"}, arabic
    assert dates("في 20 تشرين الأول", "ar")[0] == {"10-20"}
    # British "the 20th of November"; a month with a case ending, in the article's language
    assert dates("on the 20th of November", "en")[0] == {"11-20"}
    for text, language in (
        ("20. novembril", "et"), ("20. novembrī", "lv"), ("20 Kasım'da", "tr"), ("20 Kasımda", "tr"),
        ("20. marraskuuta", "fi"), ("20 lapkričio", "lt"),
    ):  # fmt: skip
        assert dates(text, language)[0] == {"11-20"}, text
    assert dates("20 mayın temizlendi", "tr")[0] == set()  # 20 mines cleared: not May ("mayıs")
    assert dates("20. novembril")[0] == set()  # the language not known: no ending is read
    # Arabic papers pair the two names: "November/Tishrin II"
    assert dates("في 20 نوفمبر/تشرين الثاني الماضي", "ar")[0] == {"11-20"}
    assert dates("في 20 تشرين الثاني/نوفمبر الماضي", "ar")[0] == {"11-20"}


def test_scale_words_cover_every_rule_language_and_read_its_decimal_separator() -> None:
    for text, language in (
        ("63 miljoner", "sv"),
        ("63 millioner", "da"),
        ("63 millioner", "no"),
        ("63 milijonai", "lt"),
        ("63 juta", "id"),
        ("63 miljoonaa", "fi"),
        ("6300만 달러", "ko"),
        ("6300만달러", "ko"),
    ):
        assert numbers(text, language=language) == {"63000000"}, (text, language)
    # one group after the language's decimal separator, before a scale word, is decimals
    assert (
        numbers("$1.125 billion", language="en")
        == numbers("1,125 млрд", language="ru")
        == numbers("11.25亿", language="zh")
        == {"1125000000"}
    )
    assert (
        numbers("1,200 million", language="en") == numbers("1.200 Millionen", language="de") == {"1200000000"}
    )


def test_a_number_too_long_for_a_figure_is_read_without_failing() -> None:
    long = "12345678901234567890123456789"
    assert numbers(f"debts of {long} million", language="en") == {long + "000000"}
    huge = "9" * 400
    assert numbers(f"{huge} million", language="en") == {huge}  # not scaled, not an error
    assert fingerprint(f"Debt of {huge} million", f"A debt of {huge} million was reported.", language="en")


def test_reports_in_two_languages_sharing_two_amounts_are_one_story() -> None:
    # written for this test: the amounts are the only anchors the two reports share
    english = fingerprint(
        "Investigation traces drone parts to sanctioned Russian firms",
        "An investigation found that companies shipped drone components worth at least $63 million to "
        "sanctioned Russian manufacturers, including $14.3 million to firms building attack drones.",
        language="en",
    )
    chinese = fingerprint(
        "调查称无人机零部件流向受制裁俄罗斯企业",
        "调查发现,有关公司向受制裁的俄罗斯制造商运送了价值至少6300万美元的无人机零部件,其中1430万美元流向生产攻击型无人机的企业。",
        language="zh",
    )
    assert {"n:63000000", "n:14300000"} <= set(english.anchors) & set(chinese.anchors)
    joined = _window(english).match(chinese, NOW)
    assert joined is not None and joined.relation == "related"


def test_a_fingerprint_stored_before_anchors_still_matches_by_words() -> None:
    stored = json.loads(fingerprint(FACTORY_TITLE, "\n\n".join(FACTORY)).terms_json())
    assert "a" in stored
    del stored["a"]  # a row written by the previous release
    fp = fingerprint(FACTORY_TITLE, "\n\n".join(FACTORY))
    old = Fingerprint.from_stored(fp.minhash, json.dumps(stored))
    assert (old.anchors, old.language) == ((), "")
    index = StoryIndex()
    index.add(Entry(1, 1, "x", NOW, old))
    related = index.match(
        fingerprint(RELATED_TITLE, "\n\n".join(RELATED), language="en"), NOW + timedelta(hours=3)
    )
    assert related is not None and (related.article_id, related.relation) == (1, "related")
    chinese = engines(ENGINES_ZH_TITLE, ENGINES_ZH, "zh")  # no anchors on the old row: no match, no error
    assert index.match(chinese, NOW + timedelta(hours=3)) is None


def test_a_russian_name_in_any_case_has_the_key_of_its_latin_spelling() -> None:
    # the instrumental ending adds a consonant the key would keep (Путиным: p-t-n-m)
    assert name_key("Путиным", "ru") == name_key("Путин", "ru") == name_key("Putin")
    assert name_key("Байденом", "ru") == name_key("Biden")
    assert name_key("Лавровим", "uk") == name_key("Lavrov")
    stop = stopwords()
    assert names("Встреча с Байденом прошла", stop, language="ru") == names("A meeting with Biden", stop)


def test_a_chinese_name_in_russian_script_has_the_key_of_its_pinyin_spelling() -> None:
    # Russian writes Chinese names in the Palladius system: цз is pinyin's j (or z), чж its zh,
    # and a final н its ng
    assert name_key("Цзиньпин", "ru") == name_key("Цзиньпином", "ru") == name_key("Jinping")
    assert name_key("Чжан", "ru") == name_key("Zhang")
    assert name_key("Jinping") != name_key("Zhang")


def test_a_name_in_another_language_s_latin_spelling_meets_its_english_spelling() -> None:
    # how German, Polish, French, Czech, Dutch and Hungarian spell the sounds English writes
    # sh, ch, kh and zh in the names they transliterate from Russian
    def keys(word: str, language: str) -> set[str | None]:
        return {name_key(word, language), respelt_key(word, language)}

    for word, language in (
        ("Schoigu", "de"), ("Szojgu", "pl"), ("Choïgou", "fr"), ("Šojgu", "cs"), ("Sjojgoe", "nl"),
        ("Шойгу", "ru"),
    ):  # fmt: skip
        assert name_key("Shoigu") in keys(word, language), word
    for word, language in (
        ("Tschernyschow", "de"), ("Czernyszow", "pl"), ("Tchernychov", "fr"), ("Černyšov", "cs"),
        ("Csernisov", "hu"), ("Чернышов", "ru"),
    ):  # fmt: skip
        assert name_key("Chernyshov") in keys(word, language), word
    assert name_key("Zakharova") == respelt_key("Sacharowa", "de") == respelt_key("Zacharowa", "pl")
    assert name_key("Zelensky") == name_key("Selenskyj") == name_key("Зеленский", "ru")  # z is s
    assert name_key("Suzuki") is not None  # the s the z becomes is a consonant of its own
    # a German or French name keeps the key English spells it with; a name that English spells
    # alike has no second key
    assert name_key("Scholz", "de") == name_key("Scholz") and name_key("Michel", "fr") == name_key("Michel")
    assert respelt_key("Michel", "fr") == name_key("Мишель", "ru")
    assert respelt_key("Jinping", "pl") is None and respelt_key("Lavrov", "de") is None


def test_two_names_of_two_languages_that_respell_them_are_two_names_not_four() -> None:
    # written for this test: a German and a Polish report of different events sharing two
    # people, each of whom has a key as written and one as English spells it in both
    german = fingerprint(
        "Treffen in Den Haag",
        "An dem Treffen nahmen Michael Fischer und Dick Schoof teil, teilte die Regierung mit.",
        language="de",
    )
    polish = fingerprint(
        "Rozmowy o handlu",
        "W rozmowach wzięli udział Michael Fischer i Dick Schoof, poinformował rząd.",
        language="pl",
    )
    met = met_anchors(german, polish) & met_anchors(polish, german)
    assert {a for a in met if a.startswith("p:")} == {f"p:{name_key('Fischer')}", f"p:{name_key('Schoof')}"}
    assert _window(german).match(polish, NOW + timedelta(hours=2)) is None


def test_three_names_in_german_spelling_join_the_english_report() -> None:
    # written for this test: the three names are all the two reports share
    english = fingerprint(
        "Defence chiefs meet behind closed doors",
        "The talks brought together Sergei Shoigu, Sergei Lavrov and Denis Chernyshov, officials "
        "said, without giving further details.",
        language="en",
    )
    german = fingerprint(
        "Treffen hinter verschlossenen Türen",
        "An den Gesprächen nahmen Sergej Schoigu, Sergej Lawrow und Denis Tschernyschow teil, wie "
        "Beamte mitteilten.",
        language="de",
    )
    keys = {f"p:{name_key(n)}" for n in ("Shoigu", "Lavrov", "Chernyshov")}
    assert keys <= met_anchors(english, german) & met_anchors(german, english)
    joined = _window(english).match(german, NOW + timedelta(hours=2))
    assert joined is not None and joined.relation == "related"


def test_a_chinese_lead_shows_its_names_through_the_gazetteer() -> None:
    # two Chinese reports of one event: their leads have no capitals, so the names-and-numbers
    # gate sees only digits, of which they share two; the gazetteer entity is the third name
    first = engines(
        "美国制裁厦门林巴贺 指其为俄军无人机供应发动机",
        ["美国财政部10月17日宣布制裁厦门林巴贺,称该公司向俄罗斯供应无人机发动机,已运送约1200台。"],
        "zh",
    )
    second = engines(
        "厦门林巴贺遭美国制裁 被指为俄军无人机供应发动机",
        ["美国10月17日宣布对厦门林巴贺等16家公司实施制裁,指其向俄罗斯供应无人机发动机,涉及金额300万美元。"],
        "zh",
    )
    assert len(set(first.entities) & set(second.entities)) == 2  # 10, 17: not 1200, not 16 or 300
    verdict = compare(first, second, timedelta(hours=3), StoryConfig(copy_threshold=1.1), {}, 1.0)
    assert verdict.relation == "related"


def _window(*fps: Fingerprint) -> StoryIndex:
    """A window of unrelated English reports (so that the anchors below are rare) and ``fps``."""
    index = StoryIndex()
    for n in range(20):
        index.add(
            Entry(100 + n, 100 + n, "x", NOW, fingerprint(f"{UNRELATED_TITLE} {n}", "\n\n".join(UNRELATED)))
        )
    for n, fp in enumerate(fps):
        index.add(Entry(n, n, "x", NOW, fp))
    return index


def test_reports_in_arabic_digits_and_polish_months_join_the_english_report() -> None:
    # written for this test: the date and the amounts are what the three share; the Arabic
    # report writes them in Arabic-Indic digits, the Polish one names November as "listopada"
    english = fingerprint(
        "US Treasury sanctions suppliers of thermal cameras for Russian drones",
        "WASHINGTON -- The Treasury on November 20 sanctioned companies that shipped 4,500 thermal "
        "cameras worth $12.5 million to Russian drone makers.",
        language="en",
    )
    arabic = fingerprint(
        "الخزانة الأمريكية تعاقب موردي كاميرات حرارية للمسيرات الروسية",
        "فرضت وزارة الخزانة الأمريكية في ٢٠ نوفمبر عقوبات على شركات شحنت ٤٬٥٠٠ كاميرا حرارية "
        "بقيمة ١٢٫٥ مليون دولار إلى مصنعي الطائرات المسيرة الروس.",
        language="ar",
    )
    polish = fingerprint(
        "Sankcje USA na dostawców kamer termowizyjnych dla rosyjskich dronów",
        "Departament Skarbu USA 20 listopada nałożył sankcje na firmy, które dostarczyły 4500 kamer "
        "termowizyjnych o wartości 12,5 mln dolarów rosyjskim producentom dronów.",
        language="pl",
    )
    shared = {"d:11-20", "n:4500", "n:12500000"}
    assert shared <= set(english.anchors) & set(arabic.anchors) & set(polish.anchors)
    for other in (arabic, polish):
        joined = _window(english).match(other, NOW + timedelta(hours=4))
        assert joined is not None and joined.relation == "related"


def test_two_names_alone_do_not_join_languages_a_date_with_them_does() -> None:
    # an English report of a meeting, and a Russian one of another event naming the same two
    # people (written for this test)
    meeting = fingerprint(
        "Foreign ministers meet to discuss grain corridor",
        "ISTANBUL -- Russian Foreign Minister Sergei Lavrov met his Turkish counterpart Hakan Fidan "
        "to discuss the grain corridor through the Black Sea, the ministry said.",
        language="en",
    )
    other = fingerprint(
        "Москва и Анкара обсудили поставки газа",
        "МОСКВА -- Министры иностранных дел Сергей Лавров и Хакан Фидан по телефону обсудили поставки "
        "газа и строительство атомной станции, сообщили в МИД.",
        language="ru",
    )
    assert {"p:lvrv", "p:fdn"} <= set(meeting.anchors) & set(other.anchors)
    assert _window(meeting).match(other, NOW) is None
    dated = fingerprint(
        "Лавров и Фидан обсудили зерновой коридор",
        "СТАМБУЛ -- Министр иностранных дел Сергей Лавров 14 марта встретился с Хаканом Фиданом, "
        "сообщили в МИД.",
        language="ru",
    )
    meeting_dated = fingerprint(
        "Foreign ministers meet to discuss grain corridor",
        "ISTANBUL -- Russian Foreign Minister Sergei Lavrov met his Turkish counterpart Hakan Fidan on "
        "March 14 to discuss the grain corridor, the ministry said.",
        language="en",
    )
    joined = _window(meeting_dated).match(dated, NOW)
    assert joined is not None and joined.relation == "related"


def test_an_entity_alone_joins_languages_only_when_both_reports_date_the_event() -> None:
    english = engines(ENGINES_EN_TITLE, [ENGINES_EN[0]], "en")  # dated October 17
    # a Chinese report naming the company, undated: a statement, a denial, a launch of any day
    undated = engines("厦门林巴贺回应美方指控", ["厦门林巴贺发表声明,否认向俄罗斯军方出售发动机。"], "zh")
    assert set(english.anchors) & set(undated.anchors) == {"e:xiamen-limbach"}
    assert _window(english).match(undated, NOW + timedelta(hours=5)) is None
    dated = engines(
        "厦门林巴贺回应美方制裁", ["美国财政部10月17日宣布制裁厦门林巴贺,该公司发表声明予以否认。"], "zh"
    )
    joined = _window(english).match(dated, NOW + timedelta(hours=5))
    assert joined is not None and joined.relation == "related"


# --- the archive: stories, alerts, revisions -----------------------------------------------


@pytest.fixture
def archive(tmp_path: Path) -> Archive:
    return Archive(tmp_path / "newswatch.db", clock=CLOCK)


MATCHER = load_ruleset(ROOT / "config" / "rules")


def store(
    archive: Archive,
    index: StoryIndex,
    outlet: str,
    path: str,
    title: str,
    text: str,
    when: datetime,
    revisit: bool = False,
    severity: str | None = None,
) -> tuple[int | None, str, str | None, str | None]:
    url = f"https://{outlet}.example.org{path}"
    candidate = Candidate(
        url=url, outlet=outlet, source=f"https://{outlet}.example.org/feed", source_kind="feed"
    )
    extraction = Extraction(text=text, title=title, published=when)
    article = Article(url=url, final_url=url, outlet=outlet, fetched_at=when, html="", candidate=candidate)
    article.verdict = MATCHER.classify(title, text)
    if severity is not None:  # as if the rules had judged it so
        article.verdict = replace(article.verdict, severity=severity)
    article.classified_with = MATCHER.fingerprint
    stored = archive.articles.store(
        article, extraction, url, "run", fingerprint(title, text), index, revisit=revisit
    )
    return stored.article_id, stored.outcome, stored.relation, stored.alert


def test_a_story_gets_one_alert_and_one_reply_per_further_outlet(archive: Archive) -> None:
    index = StoryIndex()
    first = store(archive, index, "rferl", "/a/1", FACTORY_TITLE, "\n\n".join(FACTORY), NOW)
    assert first[1:] == ("new", "first", "new")
    copy = store(
        archive, index, "kyiv", "/news/2", FACTORY_TITLE, wire_copy(FACTORY), NOW + timedelta(hours=1)
    )
    assert copy[1:] == ("new", "copy", "also")
    related = store(
        archive, index, "politico", "/p/3", RELATED_TITLE, "\n\n".join(RELATED), NOW + timedelta(hours=2)
    )
    assert related[1:] == ("new", "related", "also")
    # the same outlet again, at a second address: grouped, no alert
    again = store(
        archive, index, "kyiv", "/amp-news/2", FACTORY_TITLE, wire_copy(FACTORY), NOW + timedelta(hours=3)
    )
    assert again[1:] == ("new", "copy", None)
    other = store(
        archive, index, "rferl", "/a/4", SANCTIONS_TITLE, "\n\n".join(SANCTIONS), NOW + timedelta(days=2)
    )
    assert other[1:] == ("new", "first", "new")
    story = archive.conn.execute(
        "SELECT articles, outlets, outlet_list, flagged, severity, slack_refresh FROM stories "
        "WHERE id = (SELECT story_id FROM articles WHERE id = ?)",
        (first[0],),
    ).fetchone()
    assert story[:4] == (4, 3, '["rferl", "kyiv", "politico"]', 1)
    kinds = archive.conn.execute("SELECT kind, count(*) FROM alerts GROUP BY kind ORDER BY kind").fetchall()
    assert kinds == [("also", 2), ("new", 2)]


def test_a_revisit_with_changed_text_keeps_the_old_version_and_alerts_only_when_more_severe(
    archive: Archive,
) -> None:
    index = StoryIndex()
    vague = [
        "Officials in Brussels are discussing China's relations with Russia and the war in Ukraine.",
        "Ministers will meet on Monday to review trade and diplomatic contacts with Beijing.",
        "No decisions are expected at the meeting, diplomats said, and the agenda remains open.",
    ]
    title = "EU ministers to discuss China"
    article_id, outcome, _, alert = store(archive, index, "rferl", "/a/9", title, "\n\n".join(vague), NOW)
    assert outcome == "new" and alert is None  # not about military support: not flagged
    unchanged = store(
        archive, index, "rferl", "/a/9", title, "\n\n".join(vague), NOW + timedelta(hours=1), True
    )
    assert unchanged[1] == "unchanged"
    revised = store(
        archive, index, "rferl", "/a/9", FACTORY_TITLE, "\n\n".join(FACTORY), NOW + timedelta(hours=2), True
    )
    assert revised[0] == article_id and revised[1] == "revised" and revised[3] == "new"
    versions = archive.conn.execute(
        "SELECT version, title, flagged FROM article_versions WHERE article_id = ?", (article_id,)
    ).fetchall()
    assert versions == [(1, title, 0)]
    row = archive.conn.execute(
        "SELECT version, title, flagged FROM articles WHERE id = ?", (article_id,)
    ).fetchone()
    assert row == (2, FACTORY_TITLE, 1)
    # a further small edit at the same severity: a version, no alert
    edited = [*FACTORY[:-1], "Officials expect a decision on listings at the next meeting of ministers."]
    again = store(
        archive, index, "rferl", "/a/9", FACTORY_TITLE, "\n\n".join(edited), NOW + timedelta(hours=3), True
    )
    assert again[1] == "revised" and again[3] is None
    assert archive.conn.execute("SELECT count(*) FROM alerts").fetchone()[0] == 1


def test_parallel_crawls_see_each_others_articles(tmp_path: Path) -> None:
    first = Archive(tmp_path / "newswatch.db", clock=CLOCK)
    second = Archive(tmp_path / "newswatch.db", clock=CLOCK)
    try:
        one, two = StoryIndex(), StoryIndex()
        store(first, one, "rferl", "/a/1", FACTORY_TITLE, "\n\n".join(FACTORY), NOW)
        store(second, two, "kyiv", "/n/2", FACTORY_TITLE, wire_copy(FACTORY), NOW + timedelta(minutes=5))
        # the second process's index had never seen the first article: it was read in the write
        (count,) = second.conn.execute("SELECT count(DISTINCT story_id) FROM articles").fetchone()
        assert count == 1
        kinds = [k for (k,) in second.conn.execute("SELECT kind FROM alerts ORDER BY id")]
        assert kinds == ["new", "also"]
    finally:
        first.close()
        second.close()


def _dispatcher(tmp_path: Path, api_url: str) -> tuple[SlackTransport, AlertConfig]:
    """A Slack transport and alert settings for a loopback Slack at ``api_url``."""
    config = AlertConfig("xoxb-test", "#c", api_url, 0.0, ZoneInfo("UTC"), 5, 30.0, tmp_path, None)
    return SlackTransport("xoxb-test", "#c", api_url, 0.0), config


def test_a_failed_outlet_count_update_is_retried_and_never_holds_back_alerts(
    archive: Archive, tmp_path: Path
) -> None:
    from fakeslack import FakeSlack

    from alerts.dispatch import dispatch

    index = StoryIndex()
    store(archive, index, "rferl", "/a/1", FACTORY_TITLE, "\n\n".join(FACTORY), NOW)
    store(archive, index, "kyiv", "/n/2", FACTORY_TITLE, wire_copy(FACTORY), NOW + timedelta(hours=1))
    slack = FakeSlack().start()
    try:
        transport, config = _dispatcher(tmp_path, slack.api_url)
        slack.script("ok", "ok", "message_not_found")  # the post, the reply, then chat.update fails
        report = dispatch(archive, transport, config)
        assert report.sent == 2 and report.refreshed == 0 and report.errors
        assert archive.conn.execute("SELECT max(slack_refresh) FROM stories").fetchone()[0] > 0
        again = dispatch(archive, transport, config)
        assert again.sent == 0 and again.refreshed == 1
        assert archive.conn.execute("SELECT max(slack_refresh) FROM stories").fetchone()[0] == 0
        updates = [c for c in slack.calls if c.method == "chat.update"]
        assert len(updates) == 2 and "Reported by 2 outlets" in str(updates[-1].payload["blocks"])
        assert len(slack.delivered()) == 2
    finally:
        slack.stop()


def _alerted(archive: Archive) -> list[tuple[str, str]]:
    return archive.conn.execute(
        "SELECT al.kind, a.outlet FROM alerts al JOIN articles a ON a.id = al.article_id ORDER BY al.id"
    ).fetchall()


def test_an_earlier_report_crawled_later_takes_over_the_story_s_first_message(
    archive: Archive, tmp_path: Path
) -> None:
    from fakeslack import FakeSlack

    from alerts.dispatch import dispatch

    index = StoryIndex()
    later = "Kyiv paper: " + FACTORY_TITLE
    store(archive, index, "kyiv", "/n/2", later, wire_copy(FACTORY), NOW + timedelta(hours=5))
    slack = FakeSlack().start()
    try:
        transport, config = _dispatcher(tmp_path, slack.api_url)
        assert dispatch(archive, transport, config).sent == 1
        (parent,) = slack.delivered()
        assert "Kyiv paper" in parent.payload["text"]
        # the original report, published five hours earlier, is crawled now
        earlier = store(archive, index, "rferl", "/a/1", FACTORY_TITLE, "\n\n".join(FACTORY), NOW)
        assert earlier[3] == "also"
        assert _alerted(archive) == [("new", "rferl"), ("also", "kyiv")]
        report = dispatch(archive, transport, config)
        assert report.sent == 1 and report.refreshed == 1
        reply = slack.delivered()[-1]
        assert "Also reported by" in reply.payload["text"] and "Kyiv paper" in reply.payload["text"]
        (edit,) = [c for c in slack.calls if c.method == "chat.update"]
        assert edit.payload["ts"] == reply.payload["thread_ts"]  # the first message, edited
        shown = json.dumps(edit.payload["blocks"], ensure_ascii=False)
        assert FACTORY_TITLE in shown and "Kyiv paper" not in shown.split("Reported by")[0]
        assert "Reported by 2 outlets: rferl, kyiv" in shown  # the leading report's outlet first
    finally:
        slack.stop()


def test_an_earlier_report_before_the_first_message_went_out_is_posted_first(
    archive: Archive, tmp_path: Path
) -> None:
    from fakeslack import FakeSlack

    from alerts.dispatch import dispatch

    index = StoryIndex()
    store(
        archive,
        index,
        "kyiv",
        "/n/2",
        "Kyiv paper: " + FACTORY_TITLE,
        wire_copy(FACTORY),
        NOW + timedelta(hours=5),
    )
    store(archive, index, "rferl", "/a/1", FACTORY_TITLE, "\n\n".join(FACTORY), NOW, severity="medium")
    # the first message at the higher severity of the two (it never reads lower), the reply at its own
    severities = (
        "SELECT al.severity, a.severity FROM alerts al JOIN articles a ON a.id = al.article_id ORDER BY al.id"
    )
    assert archive.conn.execute(severities).fetchall() == [("high", "medium"), ("high", "high")]
    # a later report does not take the lead
    store(archive, index, "dw", "/d/3", "DW: " + FACTORY_TITLE, wire_copy(FACTORY), NOW + timedelta(hours=1))
    assert _alerted(archive) == [("new", "rferl"), ("also", "kyiv"), ("also", "dw")]
    slack = FakeSlack().start()
    try:
        transport, config = _dispatcher(tmp_path, slack.api_url)
        assert dispatch(archive, transport, config).sent == 3
        parent, *replies = slack.delivered()
        assert "thread_ts" not in parent.payload and all(r.payload["thread_ts"] for r in replies)
        assert FACTORY_TITLE in parent.payload["text"] and "Kyiv paper" not in parent.payload["text"]
        assert ["Kyiv paper" in r.payload["text"] for r in replies] == [True, False]
    finally:
        slack.stop()


def test_an_earlier_report_leaves_a_muted_story_s_messages_as_they_are(archive: Archive) -> None:
    index = StoryIndex()
    later = "Kyiv paper: " + FACTORY_TITLE
    article_id = store(archive, index, "kyiv", "/n/2", later, wire_copy(FACTORY), NOW + timedelta(hours=5))[0]
    (story_id,) = archive.conn.execute("SELECT story_id FROM articles WHERE id = ?", (article_id,)).fetchone()
    archive.labels.mute(story_id, NOW + timedelta(days=30), "@analyst")
    store(archive, index, "rferl", "/a/1", FACTORY_TITLE, "\n\n".join(FACTORY), NOW)
    assert _alerted(archive) == [("new", "kyiv"), ("also", "rferl")]


@pytest.mark.parametrize(
    ("language", "text", "function_words"),
    [
        (
            "pt",
            "A maior parte dos envios foi feita pelo porto, com mais de uma dezena de contentores.",
            {"pelo", "uma"},
        ),
        (
            "nl",
            "Het grootste deel van de zendingen ging via de haven, met meer dan tien containers.",
            {"het", "meer"},
        ),
        (
            "sv",
            "Den största delen av leveranserna gick via hamnen, med mer än tio containrar.",
            {"den", "med"},
        ),
        (
            "da",
            "Den største del af forsendelserne gik via havnen, med mere end ti containere.",
            {"den", "mere"},
        ),
        (
            "no",
            "Den største delen av forsendelsene gikk via havnen, med mer enn ti containere.",
            {"den", "enn"},
        ),
    ],
)
def test_function_words_of_the_rule_languages_are_no_story_terms(
    language: str, text: str, function_words: set[str]
) -> None:
    # two unrelated reports in one language share its function words: they must not count as
    # shared terms of an event
    assert not function_words & set(fingerprint("x", text, language=language).lead_terms)


def test_a_language_s_function_words_are_not_names_in_another_language() -> None:
    # Norwegian, Swedish and Portuguese lists hold "korea", "india", "israel": read for their
    # own language's articles only
    english = fingerprint(
        "Export controls tightened",
        "Officials said Korea, India and Israel tightened export controls on drone parts on Monday.",
        language="en",
    )
    assert {"korea", "india", "israel"} <= set(english.entities)
