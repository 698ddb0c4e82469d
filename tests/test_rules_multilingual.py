"""The default ruleset in fifteen languages: words found in their inflected forms through the
language files (config/rules/lang/), reports in each language flagged, look-alikes left
quiet, negation read as denial, claims across two sentences, and the review tier."""

from __future__ import annotations

import pytest
from helpers import ROOT

from newswatch.rules import load_ruleset
from newswatch.rules.text import build_doc

MATCHER = load_ruleset(ROOT / "config" / "rules")


def found(group: str, text: str) -> list[str]:
    """The words of ``text`` matched as ``group`` (a China term opens the paragraph, as the
    rules read only paragraphs that name China, a Chinese supplier or sanctions)."""
    doc = build_doc("", "China: " + text)
    return [doc.original(h.start, h.end).lower() for h in MATCHER.hits(doc).get(f"@{group}", [])]


# (language, group, text, the inflected form that must be found); the language files hold
# each word once, in its dictionary form
FORMS = [
    ("ru", "SUPPLY", "Компании поставляли детали через третьи страны.", "поставляли"),
    ("ru", "SUPPLY", "Пекин предоставил кредиты.", "предоставил"),
    ("ru", "MILITARY_GOODS", "Удары беспилотниками продолжались всю ночь.", "беспилотниками"),
    ("ru", "COMBAT", "Их завербовали через объявления в сети.", "завербовали"),
    ("uk", "PEOPLE", "Серед полонених є громадяни Китаю.", "громадяни"),
    ("uk", "COMBAT", "Росія завербувала іноземців через посередників.", "завербувала"),
    ("uk", "MILITARY_GOODS", "Постачання боєприпасів зросло.", "боєприпасів"),
    ("pl", "MILITARY_GOODS", "Produkcja dronów rośnie.", "dronów"),
    ("pl", "CHINA", "Części przyjechały z Chin.", "chin"),
    ("pl", "SUPPLY", "Firmy dostarczały części przez Kazachstan.", "dostarczały"),
    ("pl", "SANCTIONS", "Sankcjami objęto kolejne firmy.", "sankcjami"),
    ("de", "MILITARY_GOODS", "Drohnenmotoren aus Fernost wurden beschlagnahmt.", "motoren"),  # the last part
    ("de", "MILITARY_GOODS", "Die Kampfdrohnen flogen nachts.", "drohnen"),
    ("de", "CN_ENTITIES", "Drei chinesischen Firmen drohen Strafen.", "chinesischen firmen"),
    ("fr", "SUPPLY", "Pékin a fourni des pièces.", "fourni"),
    ("fr", "CN_ENTITIES", "Des entreprises chinoises sont visées.", "entreprises chinoises"),
    ("es", "SUPPLY", "Empresas que suministraban piezas.", "suministraban"),
    ("es", "MILITARY_GOODS", "Lanzaron misiles durante la noche.", "misiles"),
    ("it", "SUPPLY", "Hanno fornito componenti elettronici.", "fornito"),
    ("it", "CHINA", "Le aziende cinesi negano.", "cinesi"),
    ("ro", "RUSSIA", "Sancțiunile împotriva Rusiei au fost extinse.", "rusiei"),
    ("ro", "MILITARY_GOODS", "Atacuri cu drone asupra porturilor.", "drone"),
    ("bg", "MILITARY_GOODS", "Атаки с дронове над града.", "дронове"),
    ("bg", "RUSSIA", "Руските войски настъпват.", "руските"),
    ("bg", "MILITARY_GOODS", "Доставки на оръжия бяха спрени.", "оръжия"),
    ("tr", "SANCTIONS", "Rusya'ya yeni yaptırımlar geldi.", "yaptırımlar"),
    ("tr", "MILITARY_GOODS", "Silahlar teslim edildi.", "silahlar"),
    ("ar", "CHINA", "اتهامات جديدة للصين", "للصين"),
    ("ar", "RUSSIA", "صواريخ لروسيا", "لروسيا"),
    ("ar", "SANCTIONS", "فرض عقوبات جديدة", "عقوبات"),
    ("ja", "SUPPLY", "ロシアに部品を供給している", "供給"),
    ("ko", "RUSSIA", "러시아에 부품을 보냈다", "러시아에"),
    ("ko", "SUPPLY", "부품을 공급했다", "공급했다"),
    ("en", "SUPPLY", "Restricted chips poured into the country.", "poured"),
]


@pytest.mark.parametrize(("language", "group", "text", "form"), FORMS, ids=[f"{c[0]}-{c[3]}" for c in FORMS])
def test_language_files_find_inflected_forms(language: str, group: str, text: str, form: str) -> None:
    assert form in found(group, text), (language, group, text)


def test_traditional_chinese_is_found_by_simplified_aliases() -> None:
    assert "無人機" in found("MILITARY_GOODS", "中國向俄羅斯出售無人機")
    assert "俄羅斯" in found("RUSSIA", "中國向俄羅斯出售無人機")


# reports of the topic, one or more per language, written for these tests
FLAGGED = {
    "ru": "Китайские фирмы поставляли российским заводам станки и микросхемы для ракет.",
    "uk": "Росія завербувала громадян Китаю, щоб вони воювали на фронті.",
    "zh": "美國制裁了向俄羅斯軍工企業出售無人機零件的香港公司。",
    "de": "Chinesische Händler haben Russlands Armee mit Drohnenteilen und Mikrochips beliefert.",
    "fr": "Des entreprises chinoises ont livré des composants de drones à l'armée russe.",
    "es": "Empresas chinas suministraban a Rusia pólvora y componentes para misiles.",
    "it": "Aziende cinesi hanno fornito alla Russia componenti per i droni militari.",
    "pl": "Chińskie firmy dostarczały Rosji silniki do dronów bojowych.",
    "ro": "Companii chineze au furnizat Rusiei componente pentru drone.",
    "bg": "Китайски компании доставят на Русия дронове и боеприпаси.",
    "ja": "中国企業がロシア軍に無人機の部品を供給していた。",
    "ko": "중국 업체들이 러시아군에 드론 부품을 공급했다.",
    "ar": "شركات صينية تزود روسيا بمكونات الصواريخ والمسيرات.",
    "tr": "Çinli şirketler Rus ordusuna dron parçaları sağladı.",
    "ru denial": "Пекин не предоставлял России никакого оружия, заявили в МИД КНР.",
}


@pytest.mark.parametrize("case", list(FLAGGED))
def test_reports_in_every_language_are_flagged(case: str) -> None:
    verdict = MATCHER.classify("", FLAGGED[case])
    assert verdict.flagged, (case, verdict.terms)


# look-alikes: other countries' support to Russia, China–Taiwan news, trade without a
# military angle, battlefield news without China
QUIET = {
    "ru Iran": "Иран поставляет России ударные беспилотники и ракеты.",
    "uk battlefield": "Російські дрони атакували Київ, сили ППО збили 40 з них.",
    "zh Taiwan": "中国军队在台湾附近举行导弹和无人机演习。",
    "de trade": "China liefert Russland Autos, Solarmodule und Haushaltsgeräte.",
    "fr North Korea": "La Corée du Nord envoie des obus et des soldats pour aider la Russie en Ukraine.",
    "es trade": "China y Rusia firmaron acuerdos de comercio de petróleo y gas.",
    "pl Iran": "Iran dostarcza Rosji drony Shahed, twierdzi wywiad.",
    "ja Taiwan": "中国軍は台湾周辺でミサイル演習を行った。",
    "ko trade": "중국은 러시아산 원유 수입을 늘렸다.",
    "ar North Korea": "كوريا الشمالية ترسل قذائف مدفعية إلى روسيا.",
    "tr trade": "Çin ve Rusya ticaret hacmini artırmayı kararlaştırdı.",
    "it peers": "Cina e Russia forniscono armi alla giunta del Myanmar.",
}


@pytest.mark.parametrize("case", list(QUIET))
def test_look_alikes_stay_quiet_in_every_language(case: str) -> None:
    verdict = MATCHER.classify("", QUIET[case])
    assert not verdict.flagged, (case, verdict.rules, verdict.terms)


NEGATED_SUPPLY = {
    "en": "China has not supplied weapons to Russia, the foreign ministry said.",
    "ru": "Пекин никогда не поставлял России оружие.",
    "zh": "中国没有向俄罗斯提供武器。",
    "de": "China hat Russland keine Waffen geliefert.",
    "pl": "Chiny nie dostarczają Rosji broni.",
}


@pytest.mark.parametrize("language", list(NEGATED_SUPPLY))
def test_a_negated_supply_is_a_denial_not_a_supply_claim(language: str) -> None:
    verdict = MATCHER.classify("", NEGATED_SUPPLY[language])
    assert "denial-of-support" in verdict.rules, verdict.rules
    assert "supply-to-russia" not in verdict.rules, verdict.rules


def test_no_chinese_company_named_in_sanctions_does_not_fire_the_sanctions_rules() -> None:
    text = (
        "The EU sanctioned 20 firms supporting Russia's military-industrial complex with drone parts. "
        "No Chinese company was targeted this time."
    )
    verdict = MATCHER.classify("", text)
    assert not {"sanctions-on-chinese-suppliers", "sanctions-on-suppliers-of-russian-industry"} & set(
        verdict.rules
    )
    named = "The EU sanctioned 20 firms supporting Russia's military-industrial complex, three of them Chinese companies."
    assert "sanctions-on-suppliers-of-russian-industry" in MATCHER.classify("", named).rules


def test_not_only_is_no_negation() -> None:
    verdict = MATCHER.classify("", "China not only supplies drones to Russia but also trains its engineers.")
    assert "supply-to-russia" in verdict.rules


def test_a_claim_over_two_sentences_is_found() -> None:
    text = (
        "Customs records lead to a cluster of Hong Kong shell companies. "
        "They funnelled restricted microchips to Russian arms makers."
    )
    assert "chinese-suppliers-over-two-sentences" in MATCHER.classify("", text).rules


def test_a_navigation_box_does_not_make_a_two_sentence_claim() -> None:
    text = (
        "Hong Kong companies\nRussian arms makers\nMicrochips\nSupply chains\n"
        "The city council approved a new budget for schools."
    )
    verdict = MATCHER.classify("", text)
    assert not verdict.flagged and not verdict.review, (verdict.rules, verdict.terms)


def test_a_near_miss_is_marked_for_review_not_flagged() -> None:
    # China, Russia's war and support meet in one paragraph, but no rule's claim is made
    text = (
        "Analysts in Kyiv say Beijing's role in the war is growing.\n"
        "Chinese trade with Russia keeps rising, and Western officials worry it supports the invasion of Ukraine."
    )
    verdict = MATCHER.classify("", text)
    assert verdict.review and not verdict.flagged
    assert verdict.severity == "review"


def test_unrelated_news_is_not_marked_for_review() -> None:
    verdict = MATCHER.classify(
        "", "Chinese tourists returned to Europe in May. Ukraine's grain harvest was strong."
    )
    assert not verdict.review and not verdict.flagged


# --- what an outside review of the language-aware matching found -------------------------


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("САЩ наложиха санкции на китайски компании, които доставят дронове на Русия.", "bg"),
        ("Military News: Китай военна", None),  # a phrase's first word, then nothing
        ("中國向俄羅斯提供無人機零件。\ud800", "zh"),  # a lone surrogate among Chinese characters
    ],
)
def test_hostile_or_cut_off_text_gets_a_verdict_not_an_error(text: str, language: str | None) -> None:
    MATCHER.classify("", text, language)


def test_words_no_dictionary_knows_cost_a_bounded_amount_of_work() -> None:
    import random

    from newswatch.rules.engine import MAX_NEW_WORDS
    from newswatch.rules.inflection import KEYS

    rng = random.Random(19)
    letters = "абвгдежзиклмнопрстуфхцчшщыэюя"
    words = ["кита" + "".join(rng.choice(letters) for _ in range(8)) for _ in range(40_000)]
    before = KEYS.computed
    verdict = MATCHER.classify("", " ".join(words), "ru")
    assert verdict.match_note is not None and "too long to match fully" in verdict.match_note
    assert (
        KEYS.computed - before <= 4 * MAX_NEW_WORDS
    )  # each pass over a shorter start keys at most its budget


@pytest.mark.parametrize(
    ("text", "language", "rule"),
    [
        (
            "Chinesische Hersteller liefern Russland immer mehr Motorräder und Autos.",
            "de",
            "supply-to-russia",
        ),
        (
            "Chinesische Firmen kämpfen ums Überleben, seit Russland die Ukraine überfallen hat.",
            "de",
            "chinese-fighters-for-russia",
        ),
        ("زارت أسرة مواطن صيني روسيا وأوكرانيا لأسر القتلى.", "ar", "chinese-fighters-for-russia"),
        ("한국 중공업 업체들이 러시아에 부품을 공급했다.", "ko", "supply-to-russia"),
        ("A RUSI report says Chinese firms export drone engines.", None, "supply-to-russia"),
    ],
)
def test_words_that_only_share_a_stem_or_a_start_stay_quiet(
    text: str, language: str | None, rule: str
) -> None:
    assert rule not in MATCHER.classify("", text, language).rules


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("…Китаю поставляли беспилотники для России, а компании получали оплату.", "ru"),  # after "…"
        ("ÇİNLİ şirketler Rusya'ya silah ve dron parçaları sağlıyor", "tr"),  # the dotted capital İ
    ],
)
def test_reports_are_found_whatever_stands_before_a_word_or_how_it_is_cased(text: str, language: str) -> None:
    assert MATCHER.classify("", text, language).flagged


def test_a_declared_language_gives_way_to_a_sure_detection_in_the_same_script() -> None:
    from newswatch.language import article_language

    polish = (
        "Chińskie firmy dostarczają Rosji części do dronów i amunicję, twierdzi ukraiński wywiad. "
        "Pekin zaprzecza, że wspiera rosyjską armię, ale sankcje objęły kolejne przedsiębiorstwa. "
    ) * 2
    assert article_language("en", "", polish) == ("pl", True)


def test_text_with_decomposed_letters_is_read_as_composed() -> None:
    import unicodedata

    from newswatch.extraction import extract

    text = "Китай поставляет России беспилотники и компоненты для ракет."
    decomposed = unicodedata.normalize("NFD", text)
    assert decomposed != text and MATCHER.classify("", decomposed, "ru").flagged
    page = f"<html><body><article><h1>Поставки</h1><p>{decomposed * 3}</p></article></body></html>"
    assert text in extract(page, "https://example.org/a/1").text
