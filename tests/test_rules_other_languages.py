"""Reports in a language no rule file covers: the names of China, Russia and Ukraine in that
language (CLDR, rules/fallback.py) join the country groups for its texts only, and the
ruleset's ``review_other_languages`` query marks such a report for review rather than losing
it. Every text is written for these tests."""

from __future__ import annotations

from pathlib import Path

import pytest
from helpers import ROOT

from newswatch.rules import load_ruleset
from newswatch.rules.fallback import country_aliases
from newswatch.rules.loader import RuleConfigError

MATCHER = load_ruleset(ROOT / "config" / "rules")

# (language, a report that China helps Russia's war against Ukraine)
REPORTS = [
    (
        "fi",
        "Kiinalaiset yritykset ovat toimittaneet Venäjälle osia, joita käytetään sodassa Ukrainaa vastaan.",
    ),
    (
        "hu",
        "Kínai cégek alkatrészeket szállítottak Oroszországnak, amelyeket az Ukrajna elleni háborúban használnak.",
    ),
    ("et", "Hiina ettevõtted on saatnud Venemaale osi, mida kasutatakse sõjas Ukraina vastu."),
    ("el", "Κινεζικές εταιρείες έστειλαν εξαρτήματα στη Ρωσία για τον πόλεμο στην Ουκρανία."),
    ("fa", "شرکت‌های چینی قطعاتی به روسیه فرستاده‌اند که در جنگ علیه اوکراین به کار می‌رود."),
    ("ka", "ჩინურმა კომპანიებმა რუსეთს გაუგზავნეს ნაწილები, რომლებიც უკრაინის წინააღმდეგ ომში გამოიყენება."),
    ("vi", "Các công ty Trung Quốc đã gửi linh kiện cho Nga để dùng trong cuộc chiến ở Ukraina."),
]


@pytest.mark.parametrize(("language", "text"), REPORTS, ids=[r[0] for r in REPORTS])
def test_a_report_in_a_language_without_a_rule_file_is_marked_for_review(language: str, text: str) -> None:
    verdict = MATCHER.classify("", text, language)
    assert verdict.review and not verdict.flagged, (language, verdict.terms)
    assert verdict.severity == "review"


def test_the_detected_language_brings_its_country_names() -> None:
    text = (
        "Kiinalaiset yritykset ovat toimittaneet Venäjälle elektroniikkaa ja moottoreita, joita "
        "käytetään sodassa Ukrainaa vastaan, kertovat amerikkalaiset viranomaiset."
    )
    assert MATCHER.classify("", text).review  # no language given: detected as Finnish


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("fi", "Kiinan ja Suomen kauppa kasvoi viime vuonna, kertoo tulli."),  # China alone
        ("fi", "Venäjä hyökkäsi Ukrainaan helmikuussa 2022."),  # the war without China
        ("hu", "Kína új vasútvonalat épít Szerbiában."),
    ],
)
def test_a_report_naming_only_some_of_the_countries_is_not_marked(language: str, text: str) -> None:
    verdict = MATCHER.classify("", text, language)
    assert not verdict.review and not verdict.flagged


def test_the_names_apply_only_to_texts_of_their_language() -> None:
    # three countries and nothing else: for an English text the review query needs support
    # or sanctions; the country-names query is for languages without a file only
    english = "China, Russia and Ukraine were named in the report."
    assert not MATCHER.classify("", english, "en").review
    # Finnish country names in a text declared Swedish (which has a file) are not read
    finnish_in_swedish = "Kiinalaiset yritykset, Venäjä ja sota Ukrainaa vastaan."
    assert not MATCHER.classify("", finnish_in_swedish, "sv").review
    assert MATCHER.classify("", finnish_in_swedish, "fi").review


def test_country_names_come_from_cldr_in_each_language() -> None:
    finnish = country_aliases("fi")
    assert finnish["CHINA"][0] == "Kiin*" and finnish["RUSSIA"][0] == "Venäj*"
    assert "oros*" in country_aliases("hu")["RUSSIA"]  # the language's name: the adjective "orosz"
    assert country_aliases("th") == {}  # written without spaces: a name cannot be told apart
    assert country_aliases("qq") == {} and country_aliases("../x") == {}


def test_an_unknown_group_in_the_query_names_the_file_and_key(tmp_path: Path) -> None:
    source = (ROOT / "config" / "rules" / "topic.toml").read_text(encoding="utf-8")
    rules = tmp_path / "rules"
    rules.mkdir()
    for name in ("groups.toml", "gazetteer.toml"):
        (rules / name).write_text(
            (ROOT / "config" / "rules" / name).read_text(encoding="utf-8"), encoding="utf-8"
        )
    broken = source.replace('review_other_languages = "(CHINA', 'review_other_languages = "(CHINAA', 1)
    assert broken != source
    (rules / "topic.toml").write_text(broken, encoding="utf-8")
    with pytest.raises(
        RuleConfigError, match=r"topic\.toml: settings: key 'review_other_languages': unknown group 'CHINAA'"
    ):
        load_ruleset(rules)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "fi",
            "Yhdysvallat asetti pakotteita Xiamen Limbach -yhtiölle, joka toimitti moottoreita Venäjän "
            "armeijan drooneihin.",
        ),
        (
            "hu",
            "Az Egyesült Államok szankciókat vezetett be a Xiamen Limbach ellen, amely motorokat szállított "
            "Oroszországnak.",
        ),
    ],
)
def test_a_named_supplier_with_russia_is_flagged_in_a_language_without_a_file(
    language: str, text: str
) -> None:
    verdict = MATCHER.classify("", text, language)
    assert verdict.flagged and "named-chinese-supplier" in verdict.rules, verdict.rules
