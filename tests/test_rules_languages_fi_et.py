"""Finnish and Estonian in the default ruleset (config/rules/lang/fi.toml, et.toml) and the claim
cues (config/rules/claims/lang/fi.toml, et.toml): words found in their cases and in compounds,
reports of the topic flagged, look-alikes left quiet, a negated supply read as a denial, and a
claim's status read from how it is put. Every text is written for these tests.
Its tables (FORMS, FLAGGED, QUIET, …) are checked by tests/test_rules_languages.py; the
checks here are its languages' own."""

from __future__ import annotations

import pytest
from rule_languages import CUES, MATCHER, found

from newswatch.claims import classify_claim

# (language, group, text, the form that must be found): each word is written once, or its
# forms whose keys differ, or a prefix
FORMS = [
    ("fi", "MILITARY_GOODS", "Venäjä ampui satoja drooneja yön aikana.", "drooneja"),  # partitive plural
    ("fi", "MILITARY_GOODS", "Iskudroonit lensivät kaupungin yli.", "droonit"),  # a compound's head
    ("fi", "MILITARY_GOODS", "Tulli löysi droonimoottoreita lastista.", "moottoreita"),
    ("fi", "MILITARY_GOODS", "Tehdas kokosi droonikomponentteja.", "komponentteja"),
    ("fi", "MILITARY_GOODS", "Yritys myi puolijohteita välittäjille.", "puolijohteita"),
    ("fi", "SANCTIONS", "Pakotteiden kiertäminen on vaikeaa.", "pakotteiden"),  # genitive plural
    ("fi", "SANCTIONS", "Uudet talouspakotteita koskevat päätökset tehtiin eilen.", "pakotteita"),
    ("fi", "RUSSIA", "Tavarat menivät Venäjälle Kazakstanin kautta.", "venäjälle"),  # allative
    ("fi", "RUSSIA", "Venäjän talous kasvaa hitaasti.", "venäjän"),  # genitive
    ("fi", "CHINA", "Elektroniikkaa tuotiin Kiinasta.", "kiinasta"),  # elative
    ("fi", "CHINA", "Kiinalaisten yritysten osuus kasvoi.", "kiinalaisten"),
    ("fi", "SUPPLY", "Yritykset toimittivat elektroniikkaa Kazakstanin kautta.", "toimittivat"),
    ("fi", "RUSSIA_MILITARY", "Osat menivät Venäjän aseteollisuudelle.", "aseteollisuudelle"),
    ("fi", "WAR", "Sotilaat lähetettiin Ukrainaan.", "ukrainaan"),  # illative
    ("et", "MILITARY_GOODS", "Ründedroonid lendasid üle linna.", "droonid"),  # a compound's head
    ("et", "MILITARY_GOODS", "Toll leidis lastist droonimootoreid.", "mootoreid"),
    ("et", "MILITARY_GOODS", "Vene droonidele paigaldati uued kaamerad.", "droonidele"),  # allative plural
    ("et", "MILITARY_GOODS", "Venemaa tulistas öösel sadu droone.", "droone"),  # partitive plural
    ("et", "SANCTIONS", "Sanktsioonidest möödahiilimine on keeruline.", "sanktsioonidest"),
    ("et", "SANCTIONS", "Uued majandussanktsioonid jõustuvad homme.", "sanktsioonid"),
    ("et", "CHINA", "Elektroonikat toodi Hiinast.", "hiinast"),  # elative
    ("et", "RUSSIA", "Kaubad läksid Venemaale Kasahstani kaudu.", "venemaale"),  # allative
    ("et", "SUPPLY", "Ettevõtted tarnisid elektroonikat Kasahstani kaudu.", "tarnisid"),
    ("et", "RUSSIA_MILITARY", "Osad läksid Venemaa relvatööstusele.", "relvatööstusele"),
    ("et", "WAR", "Sõdurid saadeti Ukrainasse.", "ukrainasse"),  # illative
]


@pytest.mark.parametrize(
    ("language", "group", "text"),
    [
        ("fi", "SUPPLY", "Toimittaja kirjoitti jutun eilen."),  # a journalist, not a supplier
        ("fi", "RUSSIA", "Valkovenäläinen yhtiö osti koneita."),  # Belarusian, not Russian
        ("et", "RUSSIA", "Valgevenelased protestisid Minskis."),
        ("et", "RUSSIA", "Valgevene ettevõte ostis masinaid."),
    ],
)
def test_look_alike_finnish_and_estonian_words_are_not_found(language: str, group: str, text: str) -> None:
    assert found(group, text, language) == [], (language, group, text)


FLAGGED = {
    "fi supply": (
        "Kiinalaiset yritykset ovat toimittaneet droonien moottoreita ja mikroelektroniikkaa Venäjän "
        "aseteollisuudelle."
    ),
    "fi sanctions": (
        "Yhdysvallat asetti pakotteita kolmelle kiinalaiselle yhtiölle, jotka toimittivat Venäjän armeijalle "
        "drooninosia."
    ),
    "fi Hong Kong": (
        "EU asetti pakotteita Hongkongissa toimiville yrityksille, jotka myivät mikrosiruja venäläisille "
        "asevalmistajille."
    ),
    "fi denial": "Kiina kiistää toimittaneensa aseita Venäjälle Ukrainan sotaan.",
    "et supply": "Hiina ettevõtted on tarninud Venemaa relvatööstusele droonimootoreid ja mikroelektroonikat.",
    "et sanctions": (
        "USA kehtestas sanktsioonid kolmele Hiina ettevõttele, mis varustasid Vene armeed drooniosadega."
    ),
    "et Hong Kong": "EL kehtestas sanktsioonid Hongkongi firmadele, mis müüsid mikrokiipe Venemaa relvatootjatele.",
    "et denial": "Hiina eitab relvade tarnimist Venemaale sõjaks Ukrainas.",
}


QUIET = {
    "fi trade": "Kiina ja Venäjä sopivat lisäävänsä öljyn, kaasun ja viljan kauppaa.",
    "fi energy": "Kiina lisäsi venäläisen öljyn ja kaasun tuontia tänä vuonna.",
    "fi Taiwan": "Kiinan laivasto harjoitteli ohjuksilla ja drooneilla Taiwanin lähellä.",
    "fi South China Sea": "Kiinan rannikkovartiosto ampui vesitykillä filippiiniläistä alusta Etelä-Kiinan merellä.",
    "fi Russian navy in the South China Sea": (
        "Venäjän laivasto lähetti aluksia ja ohjuksia harjoituksiin Etelä-Kiinan merelle."
    ),
    "fi North Korea": "Pohjois-Korea lähettää Venäjälle kranaatteja ja sotilaita Ukrainan sotaan.",
    "fi Iran": "Iran toimittaa drooneja ja ohjuksia Venäjälle tiedustelupalvelujen mukaan.",
    "fi battlefield": "Venäläiset droonit iskivät Kiovaan yöllä; ilmapuolustus ampui alas neljäkymmentä.",
    "fi Belarus": "Valkovenäläiset yhtiöt ostavat Kiinasta drooneja ja ohjuksia.",
    "et trade": "Hiina ja Venemaa leppisid kokku nafta, gaasi ja vilja kaubanduse suurendamises.",
    "et energy": "Hiina suurendas sel aastal Vene nafta ja gaasi importi.",
    "et Taiwan": "Hiina laevastik harjutas rakettide ja droonidega Taiwani lähedal.",
    "et South China Sea": "Hiina rannavalve tulistas veekahuritega Filipiinide laeva Lõuna-Hiina merel.",
    "et Russian navy in the South China Sea": "Vene laevastik saatis laevu ja rakette õppustele Lõuna-Hiina merele.",
    "et North Korea": "Põhja-Korea saadab Venemaale mürske ja sõdureid sõjaks Ukrainas.",
    "et Iran": "Iraan tarnib Venemaale droone ja rakette, teatas luure.",
    "et battlefield": "Vene droonid ründasid öösel Kiievit; õhukaitse tulistas alla nelikümmend.",
    "et Belarus": "Valgevene ostab Hiinast droone ja rakette oma armeele.",
}


NEGATED_SUPPLY = {
    "fi": "Kiina ei ole koskaan toimittanut aseita Venäjälle, sanoi ulkoministeriö.",
    "et": "Hiina pole kunagi tarninud Venemaale relvi, ütles välisministeerium.",
}


NOT_ONLY = {
    "fi ei vain": "Kiina ei vain toimita Venäjälle drooninosia vaan myös ostaa sen öljyä.",
    "fi ei ainoastaan": "Kiina ei ainoastaan myy Venäjälle mikrosiruja, vaan myös ostaa sen kaasua.",
    "et mitte ainult": "Hiina tarnib Venemaale mitte ainult drooniosi, vaid ka mikrokiipe.",
}


# (language, text, status): one claim per text, each decided by a cue of that language
CLAIMS = [
    (
        "fi",
        "Lehden näkemien asiakirjojen mukaan kiinalainen yhtiö on toimittanut moottoreita venäläisiin drooneihin.",
        "alleged",
    ),
    ("fi", "Kiinalaisyhtiön väitetään myyneen drooninosia Venäjälle.", "alleged"),
    (
        "fi",
        "Yhdysvaltain valtiovarainministeriö asetti pakotteita kolmelle kiinalaiselle yhtiölle.",
        "designated",
    ),
    ("fi", "EU lisäsi kaksi hongkongilaista yritystä pakotelistalle.", "designated"),
    ("fi", "Kiinan ulkoministeriö kiisti syytökset perättöminä.", "denied"),
    (
        "fi",
        "Kiinan ulkoministeriön tiedottaja sanoi, että Kiina ei ole koskaan toimittanut tappavia aseita "
        "kummallekaan osapuolelle.",
        "denied",
    ),
    (
        "fi",
        "Ulkoministeri sanoi, että Kiina toimittaa työstökoneita venäläisille asevalmistajille.",
        "official",
    ),
    ("fi", "Tullitietojen mukaan kiinalainen yhtiö lähetti ruutia venäläiselle tehtaalle.", "confirmed"),
    ("fi", "Alas ammuttujen venäläisten droonien hylyistä löytyi kiinalaisia komponentteja.", "confirmed"),
    (
        "fi",
        "Ukrainan joukot ottivat vangiksi kaksi Kiinan kansalaista, jotka taistelivat Venäjän armeijassa.",
        "confirmed",
    ),
    (
        "et",
        "Ajalehe nähtud dokumentide andmetel on Hiina ettevõte tarninud mootoreid Vene droonidele.",
        "alleged",
    ),
    ("et", "Hiina firma on väidetavalt müünud Venemaale drooniosi.", "alleged"),
    ("et", "USA rahandusministeerium kehtestas sanktsioonid kolmele Hiina ettevõttele.", "designated"),
    ("et", "USA sanktsioneeris kaks Hiina firmat, mis müüsid Venemaale droonimootoreid.", "designated"),
    ("et", "Hiina välisministeerium lükkas süüdistused tagasi kui alusetud.", "denied"),
    (
        "et",
        "Hiina välisministeeriumi pressiesindaja ütles, et Hiina pole kunagi tarninud surmavaid relvi "
        "kummalegi poolele.",
        "denied",
    ),
    ("et", "Välisminister ütles, et Hiina tarnib Vene relvatootjatele tööpinke.", "official"),
    ("et", "Tolliandmete järgi saatis Hiina ettevõte püssirohtu Vene tehasele.", "confirmed"),
    ("et", "Allatulistatud Vene droonide rusudest leiti Hiina komponente.", "confirmed"),
    ("et", "Ukraina väed võtsid vangi kaks Hiina kodanikku, kes võitlesid Vene armee ridades.", "confirmed"),
]


@pytest.mark.parametrize(
    ("language", "text", "not_expected"),
    [
        # a threat of sanctions, and sanctions on Russia that pushed it to China, designate nobody
        ("fi", "Yhdysvallat uhkaa asettaa pakotteita kiinalaisille pankeille.", "designated"),
        (
            "fi",
            "Länsimaiden pakotteet Venäjää vastaan ovat saaneet Moskovan ostamaan enemmän Kiinasta.",
            "designated",
        ),
        ("et", "USA ähvardab kehtestada sanktsioonid Hiina pankadele.", "designated"),
        ("et", "Lääne sanktsioonid Venemaa vastu on pannud Moskva Hiinast rohkem ostma.", "designated"),
        # a negated denial denies nothing; unnamed officials saying China has not supplied deny nothing
        ("fi", "Peking ei kiistänyt raporttia.", "denied"),
        ("fi", "Yhdysvaltain virkamiesten mukaan Kiina ei ole toimittanut aseita.", "denied"),
        ("et", "Peking ei eitanud raportit.", "denied"),
        ("et", "USA ametnike sõnul pole Hiina relvi tarninud.", "denied"),
    ],
)
def test_a_threat_or_a_negated_cue_in_finnish_and_estonian_does_not_decide(
    language: str, text: str, not_expected: str
) -> None:
    assert classify_claim(CUES, "", text, language).status != not_expected


def test_finnish_belarus_is_not_russia() -> None:
    assert not MATCHER.classify(
        "", "Valko-Venäjä ostaa Kiinasta drooneja ja ohjuksia armeijalleen.", "fi"
    ).flagged


def test_estonian_mitte_ainult_ei_is_no_denial() -> None:
    text = "Hiina mitte ainult ei tarni Venemaale drooniosi, vaid ka mootoreid."
    verdict = MATCHER.classify("", text, "et")
    assert "supply-to-russia" in verdict.rules and "denial-of-support" not in verdict.rules, verdict.rules


@pytest.mark.parametrize(
    ("language", "text", "word"),
    [
        ("fi", "Kiinalaiset yritykset myyvät sellaisia osia Venäjän armeijalle.", "sellaisia"),
        ("et", "Hiina ettevõtted müüvad selle tehase osi Venemaa armeele.", "selle"),
    ],
)
def test_english_sell_is_not_found_in_finnish_or_estonian_words(language: str, text: str, word: str) -> None:
    assert word not in found("SUPPLY", text, language)


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("et", "Selles sõjas kasutab Venemaa armee Hiina droone."),  # "in this", not English "sells"
        ("fi", "Venäjä iski Kiovaan kiinalaisten droonien avulla."),  # "by means of"
        ("fi", "On mahdollista, että kiinalaiset droonit päätyvät Venäjän armeijalle."),  # "possible"
        ("fi", "Kiinalaisia drooneja on helppo ohjata, ja Venäjän armeija lennättää niitä."),  # "easy"
        ("hu", "Az orosz hadsereg kínai drónok segítségével támadja Ukrajnát."),  # "by means of"
        ("sk", "Rusko pokračovalo v útokoch pomocou čínskych dronov na ukrajinské mestá."),  # "by means of"
    ],
)
def test_everyday_words_that_start_like_support_words_make_no_supply_claim(language: str, text: str) -> None:
    verdict = MATCHER.classify("", text, language)
    assert "supply-to-russia" not in verdict.rules, (language, verdict.rules, verdict.terms)


def test_finnish_koska_because_is_no_negation() -> None:
    text = "Koska Kiina toimitti Venäjälle drooneja, Yhdysvallat asetti pakotteita."
    verdict = MATCHER.classify("", text, "fi")
    assert "supply-to-russia" in verdict.rules and "denial-of-support" not in verdict.rules, verdict.rules
    never = MATCHER.classify("", "Kiina ei ole koskaan toimittanut aseita Venäjälle.", "fi")
    assert "denial-of-support" in never.rules
