"""Dutch, Portuguese and Swedish in the default ruleset (config/rules/lang/nl.toml, pt.toml,
sv.toml): words found in their inflected forms and in compounds, reports of the topic
flagged, look-alikes left quiet, a negated supply read as a denial. Every text is written
for these tests.
Its tables (FORMS, FLAGGED, QUIET, …) are checked by tests/test_rules_languages.py; the
checks here are its languages' own."""

from __future__ import annotations

import pytest
from rule_languages import CUES, MATCHER

from newswatch.claims import classify_claim
from newswatch.rules.text import build_doc

# (language, group, text, the form that must be found): each alias is written once
FORMS = [
    (
        "nl",
        "MILITARY_GOODS",
        "De gevechtsdrones vlogen 's nachts over de stad.",
        "drones",
    ),  # a compound's head
    ("nl", "MILITARY_GOODS", "Douane vond dronemotoren in de lading.", "motoren"),
    ("nl", "SANCTIONS", "De EU kondigde nieuwe sancties aan.", "sancties"),
    ("nl", "RUSSIA", "Het Russische leger rukt op.", "russische"),
    ("pt", "SUPPLY", "As empresas forneceram peças durante meses.", "forneceram"),
    ("pt", "SANCTIONS", "Washington anunciou novas sanções.", "sanções"),
    ("pt", "CHINA", "Três empresas chinesas foram acusadas.", "chinesas"),
    ("pt", "MILITARY_GOODS", "Ataques com drones atingiram o porto.", "drones"),
    ("sv", "MILITARY_GOODS", "Drönarna sköts ned över staden.", "drönarna"),
    (
        "sv",
        "MILITARY_GOODS",
        "Tullen hittade drönarkomponenter i lasten.",
        "komponenter",
    ),  # a compound's head
    ("sv", "SUPPLY", "Företagen levererade delar via Kazakstan.", "levererade"),
    ("sv", "SANCTIONS", "EU införde nya sanktioner.", "sanktioner"),
]


FLAGGED = {
    "nl supply": "Chinese bedrijven hebben onderdelen voor drones en microchips geleverd aan de Russische wapenindustrie.",
    "nl sanctions": (
        "De Verenigde Staten hebben sancties opgelegd aan drie Chinese bedrijven die het Russische leger "
        "van dronemotoren voorzagen."
    ),
    "nl denial": "Peking ontkent dat het Rusland wapens heeft geleverd voor de oorlog tegen Oekraïne.",
    "pt supply": "Empresas chinesas forneceram componentes de drones e microeletrônica à indústria de defesa russa.",
    "pt sanctions": (
        "Os Estados Unidos impuseram sanções a empresas chinesas que forneciam motores de drones ao exército russo."
    ),
    "pt denial": "Pequim negou ter enviado armas à Rússia para a guerra na Ucrânia.",
    "sv supply": "Kinesiska företag har levererat drönarkomponenter och mikrochip till den ryska försvarsindustrin.",
    "sv sanctions": (
        "USA har infört sanktioner mot kinesiska företag som levererat motorer till drönare för ryska armén."
    ),
    "sv denial": "Peking förnekar att Kina har skickat vapen till Ryssland för kriget i Ukraina.",
}


QUIET = {
    "nl trade": "China en Rusland spraken af om meer olie, gas en graan te verhandelen.",
    "nl Taiwan": "Het Chinese leger hield oefeningen met raketten en drones rond Taiwan.",
    "nl battlefield": "Russische drones vielen Kyiv aan; de luchtverdediging schoot er veertig neer.",
    "pt trade": "China e Rússia assinaram acordos de comércio de petróleo e gás.",
    "pt Iran": "O Irã fornece drones e mísseis à Rússia, segundo os serviços de informação.",
    "pt battlefield": "Tropas ucranianas abateram drones russos perto de Kharkiv.",
    "sv trade": "Kina ökade sin import av rysk olja och gas under året.",
    "sv Taiwan": "Kinesiska flottan höll robotövningar nära Taiwan.",
    "sv North Korea": "Nordkorea skickar granater och soldater till Ryssland för kriget i Ukraina.",
}


NEGATED_SUPPLY = {
    "nl": "China heeft Rusland nooit wapens geleverd, zei het ministerie.",
    "pt": "A China não forneceu armas à Rússia, disse o ministério.",
    "sv": "Kina har inte levererat vapen till Ryssland, sade ministeriet.",
}


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("nl", "China levert niet alleen onderdelen maar ook motoren voor Russische drones."),
        ("pt", "A China não só fornece drones à Rússia como treina os seus engenheiros."),
        ("sv", "Kina levererar inte bara komponenter utan också motorer till ryska drönare."),
        ("da", "Kina leverer ikke bare komponenter, men også motorer til russiske droner."),
        ("no", "Kina leverer ikke bare komponenter, men også motorer til russiske droner."),
    ],
)
def test_not_only_is_no_negation_in_the_new_languages(language: str, text: str) -> None:
    verdict = MATCHER.classify("", text, language)
    assert "supply-to-russia" in verdict.rules and "denial-of-support" not in verdict.rules, verdict.rules


def test_portuguese_no_is_in_the_not_a_negation() -> None:
    # "no" (em + o: "in the") is an English negation word, read in English texts only
    text = "A UE impôs no sábado sanções a três empresas chinesas que fornecem drones à Rússia."
    claim = classify_claim(CUES, "", text, "pt")
    assert claim.status == "designated" and claim.cue is not None
    supply = "Empresas chinesas forneceram drones ao exército russo no ano passado."
    assert "supply-to-russia" in MATCHER.classify("", supply, "pt").rules
    # English keeps it: "no lethal aid" is a denial there
    english = MATCHER.classify("", "China has provided no weapons to Russia, the ministry said.", "en")
    assert "denial-of-support" in english.rules and "supply-to-russia" not in english.rules


def test_swedish_men_is_but_not_fighters() -> None:
    text = "Kina säger att landet är neutralt, men ryska soldater har tillfångatagits."
    words = [w for w in (CUES.matcher.hits(build_doc("", text), language="sv").get("@FIGHTER", []))]
    assert all(build_doc("", text).original(h.start, h.end).lower() != "men" for h in words)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("pt", "A Rússia envia navios ao Mar do Sul da China para exercícios com drones e mísseis."),
        ("pt", "A Rússia envia navios ao Mar da China Meridional para exercícios com drones e mísseis."),
        ("nl", "Rusland stuurt schepen naar de Zuid-Chinese Zee voor oefeningen met drones en raketten."),
        ("id", "Rusia mengirim kapal ke Laut Cina Selatan untuk latihan dengan drone dan rudal."),
        ("id", "Rusia mengirim kapal ke Laut Tiongkok Selatan untuk latihan dengan drone dan rudal."),
        ("lt", "Rusija siunčia laivus į Pietų Kinijos jūrą pratyboms su dronais ir raketomis."),
        ("hi", "रूस ने ड्रोन और मिसाइलों के अभ्यास के लिए दक्षिण चीन सागर में जहाज भेजे।"),
        ("da", "Kina leverer droner til Hviderusland, siger embedsmænd."),
        ("no", "Kina leverer droner til Hviterussland, sier tjenestemenn."),
        ("nl", "China levert drones aan Wit-Rusland, zeggen functionarissen."),
    ],
)
def test_seas_named_after_china_and_belarus_are_neither_china_nor_russia(language: str, text: str) -> None:
    verdict = MATCHER.classify("", text, language)
    assert not verdict.flagged, (language, verdict.rules, verdict.terms)


def test_norwegian_bokmal_and_nynorsk_codes_read_the_norwegian_file() -> None:
    # three countries named and nothing else: a language with a file needs support or sanctions
    # for review; the country-names query is only for languages without one
    text = "Kina, Russland og Ukraina ble nevnt i rapporten fra ministeriet."
    for code in ("no", "nb", "nn", "nb-NO"):
        assert not MATCHER.classify("", text, code).review, code
    supply = "Kinesiske selskaper har levert dronedeler og motorer til den russiske hæren."
    assert "supply-to-russia" in MATCHER.classify("", supply, "nb").rules
