"""Language-aware matching, on a small ruleset written here: words of a language file are
found in every inflected form, Chinese in either script, Korean with its particles; the
window scope; the review tier; the language an article is recorded in."""

from __future__ import annotations

from pathlib import Path

import pytest

from newswatch.language import article_language, detect
from newswatch.rules import Matcher, RuleConfigError, load_ruleset
from newswatch.rules.inflection import KEYS

GROUPS = """
[groups.CHINA]
aliases = ["China"]
[groups.RUSSIA]
aliases = ["Russia"]
[groups.GOODS]
aliases = ["drone"]
[groups.SUPPLY]
aliases = ["supply"]
[groups.FIRM]
aliases = ["company"]

[[rules]]
id = "supply"
description = "China supplies goods to Russia"
severity = "high"
scope = "sentence"
query = "CHINA AND RUSSIA AND GOODS AND SUPPLY"

[[rules]]
id = "firms"
description = "Chinese firms and Russia"
severity = "medium"
scope = "sentence"
query = "FIRM AND RUSSIA AND GOODS"

[[rules]]
id = "spread"
description = "a claim over two sentences"
severity = "medium"
scope = "window"
window = 2
query = "title:nothing OR (CHINA AND RUSSIA AND SUPPLY AND GOODS AND \\"shell\\")"

[settings]
threshold = 1
review = "CHINA AND RUSSIA AND GOODS"
"""

LANGUAGES = {
    "ru": 'CHINA = ["Китай"]\nRUSSIA = ["Россия"]\nGOODS = ["беспилотник"]\nSUPPLY = ["поставлять"]\n'
    'FIRM = ["китайская компания"]',
    "uk": 'CHINA = ["Китай"]\nRUSSIA = ["Росія"]\nGOODS = ["дрон"]\nSUPPLY = ["постачати"]',
    "pl": 'CHINA = ["Chiny"]\nRUSSIA = ["Rosja"]\nGOODS = ["dron"]\nSUPPLY = ["dostarczać"]',
    "de": 'CHINA = ["China"]\nRUSSIA = ["Russland"]\nGOODS = ["Drohne"]\nSUPPLY = ["Lieferung"]',
    "ar": 'CHINA = ["الصين"]\nRUSSIA = ["روسيا"]\nGOODS = ["طائرة"]\nSUPPLY = ["تزويد"]',
    "ko": 'CHINA = ["중국"]\nRUSSIA = ["러시아"]\nGOODS = ["드론"]\nSUPPLY = ["공급"]',
    "zh": 'CHINA = ["中国"]\nRUSSIA = ["俄罗斯"]\nGOODS = ["无人机"]\nSUPPLY = ["供应"]',
    "fr": 'CHINA = ["Chine"]\nRUSSIA = ["Russie"]\nGOODS = ["drone"]\nSUPPLY = ["livrer"]',
}


@pytest.fixture(scope="module")
def matcher(tmp_path_factory: pytest.TempPathFactory) -> Matcher:
    folder = tmp_path_factory.mktemp("rules")
    (folder / "groups.toml").write_text(GROUPS, encoding="utf-8")
    (folder / "lang").mkdir()
    for language, aliases in LANGUAGES.items():
        text = f'language = "{language}"\n[aliases]\n{aliases}\n'
        (folder / "lang" / f"{language}.toml").write_text(text, encoding="utf-8")
    return load_ruleset(folder)


@pytest.mark.parametrize(
    "text",
    [
        "Китаю поставляли беспилотники для России.",  # dative, past plural, plural, genitive
        "Китаем поставляются беспилотников в Россию.",
        "Росії Китай постачав дрони.",
        "Chiny dostarczają Rosji drony.",
        "Z Chin do Rosji dostarczały dronów.",
        "Lieferungen von Kampfdrohnen aus China nach Russland.",  # a compound's last part
        "تزويد روسيا بطائرة من والصين",  # "and China": the prefix attaches
        "중국은 러시아에 드론을 공급했다.",  # particles attach to the Korean nouns
        "中國向俄羅斯供應無人機。",  # traditional characters, simplified aliases
        # the third person plural, which Snowball's French stemmer leaves whole
        "Des entreprises de Chine livrent des drones à la Russie depuis des mois.",
    ],
)
def test_a_language_file_word_is_found_in_its_inflected_forms(matcher: Matcher, text: str) -> None:
    verdict = matcher.classify("", text)
    assert "supply" in verdict.rules, [t.term for t in verdict.terms]


@pytest.mark.parametrize(
    ("forms", "other"),
    [
        (["livrer", "livré", "livrent", "livre"], "libre"),
        (["sanctionner", "sanctionnées", "sanctionnent"], "sanctuaire"),
        (["démentir", "dément", "démentent", "démenti"], "démis"),  # dismissed: not a denial
        (["présenter", "présentent", "présent"], "président"),
        (["président", "présidents"], "présence"),
        (["armement", "armements"], "armée"),
    ],
)
def test_french_verbs_in_the_third_person_plural_and_nouns_in_ent_have_one_key(
    forms: list[str], other: str
) -> None:
    keys = {KEYS.key("fr", form) for form in forms}
    assert len(keys) == 1 and KEYS.key("fr", other) not in keys


def test_a_multi_word_alias_is_found_with_every_word_inflected(matcher: Matcher) -> None:
    verdict = matcher.classify("", "Против китайских компаний, поставлявших беспилотники России.")
    assert "firms" in verdict.rules
    assert "китайских компаний" in [t.term for t in verdict.terms]


@pytest.mark.parametrize(
    "text",
    [
        "Drohen China Russland mit einer Lieferung?",  # "drohen" (threaten) is not "Drohne"
        "Кит плывёт к России, беспилотник поставлять.",  # "кит" (whale) is not Китай
        "China supplies drones. Russia is elsewhere.\nRussia",  # English aliases stay as written
        "China: Lieferung der Drohnenmotoren an Russland.",  # engines, not drones: a compound is its last part
    ],
)
def test_words_that_only_look_alike_are_not_matched(matcher: Matcher, text: str) -> None:
    assert "supply" not in matcher.classify("", text).rules


def test_the_window_scope_holds_a_claim_over_two_sentences_but_not_across_paragraphs(
    matcher: Matcher,
) -> None:
    claim = "Chinese shell companies are named. They supply drones to Russia via China."
    assert "spread" in matcher.classify("", claim).rules
    nav = "China shell\nRussia\nDrones | Supply | Sport"
    assert "spread" not in matcher.classify("", nav).rules
    far = "China shell firms are named. The weather was fine. They supply drones to Russia."
    assert "spread" not in matcher.classify("", far).rules


def test_an_unflagged_article_where_the_review_query_holds_is_marked_for_review(matcher: Matcher) -> None:
    near_miss = matcher.classify("", "China and Russia talked about drones at the fair.")
    assert near_miss.review and not near_miss.flagged and near_miss.severity == "review"
    assert near_miss.evidence and near_miss.rules == ()
    flagged = matcher.classify("", "China will supply drones to Russia.")
    assert flagged.flagged and not flagged.review and flagged.severity == "high"
    quiet = matcher.classify("", "Russia talked about drones at the fair.")
    assert not quiet.review and quiet.severity is None


def test_aliases_of_a_language_file_need_its_language_and_a_known_group(tmp_path: Path) -> None:
    (tmp_path / "groups.toml").write_text(GROUPS, encoding="utf-8")
    lang = tmp_path / "lang"
    lang.mkdir()
    (lang / "fr.toml").write_text('[aliases]\nCHINA = ["Chine"]\n', encoding="utf-8")
    with pytest.raises(RuleConfigError, match=r"fr\.toml: language: is required with \[aliases\]"):
        load_ruleset(tmp_path)
    (lang / "fr.toml").write_text('language = "fr"\n[aliases]\nCHIAN = ["Chine"]\n', encoding="utf-8")
    with pytest.raises(
        RuleConfigError,
        match=r"fr\.toml: aliases: key 'CHIAN': unknown group 'CHIAN' \(did you mean CHINA\?\)",
    ):
        load_ruleset(tmp_path)


def test_a_window_needs_the_window_scope(tmp_path: Path) -> None:
    rules = GROUPS.replace(
        'scope = "sentence"\nquery = "CHINA AND RUSSIA AND GOODS AND SUPPLY"',
        'scope = "sentence"\nwindow = 3\nquery = "CHINA AND RUSSIA AND GOODS AND SUPPLY"',
    )
    (tmp_path / "rules.toml").write_text(rules, encoding="utf-8")
    with pytest.raises(RuleConfigError, match=r"rule 'supply': key 'window': is only for scope = \"window\""):
        load_ruleset(tmp_path)


@pytest.mark.parametrize(
    ("title", "text", "language"),
    [
        ("", "Китай поставляет России комплектующие для беспилотников, заявили в разведке Украины.", "ru"),
        ("", "Китай постачає Росії комплектуючі для безпілотників, заявили в розвідці України.", "uk"),
        ("", "Chiny dostarczają Rosji części do dronów, twierdzi ukraiński wywiad wojskowy.", "pl"),
        ("", "中国向俄罗斯提供无人机零部件，乌克兰情报部门表示。", "zh"),
        ("", "中国はロシアに無人機の部品を供給していると、ウクライナの情報機関が述べた。", "ja"),
        ("", "중국은 러시아에 드론 부품을 공급하고 있다고 우크라이나 정보당국이 밝혔다.", "ko"),
        (
            "",
            "La Chine fournit à la Russie des composants de drones, selon le renseignement ukrainien.",
            "fr",
        ),
    ],
)
def test_the_language_of_a_page_that_does_not_say_is_detected(title: str, text: str, language: str) -> None:
    found = detect(title, text)
    assert found is not None and found[0] == language
    assert article_language(None, title, text) == (language, True)


def test_a_declared_language_stands_unless_the_text_is_in_another_script() -> None:
    russian = "Китай поставляет России комплектующие для беспилотников, заявили в разведке. " * 4
    assert article_language("en", "", russian) == ("ru", True)
    german = "China liefert Russland Bauteile für Drohnen, sagte der ukrainische Geheimdienst. " * 4
    assert article_language("de-DE", "", german) == ("de", False)
    assert article_language(None, "", "Kurz.") == (None, False)


def test_text_the_language_model_cannot_read_is_detected_without_an_error() -> None:
    hostile = "lone \ud800 Chinese firms shipped gunpowder to a Russian ammunition plant. " * 3
    found = detect("", hostile)
    assert found is not None and found[0] == "en"
    assert article_language(None, "\udfff", "\x00" * 50) == (None, False)
