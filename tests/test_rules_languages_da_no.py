"""Danish and Norwegian in the default ruleset (config/rules/lang/da.toml, no.toml) and the claim
cues (config/rules/claims/lang/da.toml, no.toml): words found in their inflected forms and in
compounds, reports of the topic flagged, look-alikes left quiet, a negated supply read as a
denial, and a claim's status read from how it is put. Every text is written for these tests.
Its tables (FORMS, FLAGGED, QUIET, …) are checked by tests/test_rules_languages.py; the
checks here are its languages' own."""

from __future__ import annotations

import pytest
from rule_languages import CUES, found

from newswatch.claims import classify_claim

# (language, group, text, the form that must be found): each alias is written once
FORMS = [
    ("da", "MILITARY_GOODS", "Dronerne blev skudt ned over byen.", "dronerne"),  # definite plural
    ("da", "MILITARY_GOODS", "Tolden fandt dronekomponenter i lasten.", "komponenter"),  # a compound's head
    ("da", "MILITARY_GOODS", "Fabrikken byggede dronemotorerne.", "motorerne"),
    ("da", "SANCTIONS", "Sanktionerne rammer tre banker.", "sanktionerne"),
    ("da", "SUPPLY", "Virksomhederne leverede elektronik via Kasakhstan.", "leverede"),
    ("da", "RUSSIA", "Ruslands økonomi vokser langsomt.", "ruslands"),
    ("da", "CHINA", "Kinesiske virksomheder blev anklaget.", "kinesiske"),
    ("no", "MILITARY_GOODS", "Dronene ble skutt ned over byen.", "dronene"),  # definite plural
    ("no", "MILITARY_GOODS", "Tollen fant dronemotorer i lasten.", "motorer"),  # a compound's head
    ("no", "MILITARY_GOODS", "Laboratoriet testet halvlederne.", "halvlederne"),
    ("no", "SANCTIONS", "Sanksjonene rammer tre banker.", "sanksjonene"),
    ("no", "SANCTIONS", "Washington sanksjonerte selskapet i fjor.", "sanksjonerte"),
    ("no", "SUPPLY", "Selskapene leverte elektronikk via Kasakhstan.", "leverte"),
    ("no", "CHINA", "Kineserne forhandlet lenge.", "kineserne"),
]


def test_levere_does_not_find_the_verb_to_live() -> None:
    # "levere" (to deliver) and "leve" (to live) share a Snowball stem: its forms are prefixes
    assert found("SUPPLY", "Millioner lever i byen, og de levede godt.", "da") == []
    assert found("SUPPLY", "Millioner lever i byen, og de levde godt.", "no") == []


FLAGGED = {
    "da supply": "Kinesiske virksomheder har leveret dronemotorer og mikroelektronik til den russiske våbenindustri.",
    "da sanctions": (
        "USA har indført sanktioner mod tre kinesiske virksomheder, der forsynede den russiske hær med "
        "dronekomponenter."
    ),
    "da Hong Kong": "EU sanktionerer selskaber i Hongkong, som har solgt mikrochips til russiske våbenproducenter.",
    "da denial": "Peking benægter, at Kina har sendt våben til Rusland til brug i krigen i Ukraine.",
    "no supply": "Kinesiske selskaper har levert dronemotorer og mikroelektronikk til den russiske våpenindustrien.",
    "no sanctions": (
        "USA har innført sanksjoner mot tre kinesiske selskaper som forsynte den russiske hæren med dronekomponenter."
    ),
    "no Hong Kong": "EU sanksjonerer bedrifter i Hongkong som har solgt mikrobrikker til russiske våpenprodusenter.",
    "no denial": "Beijing benekter at Kina har sendt våpen til Russland for krigen i Ukraina.",
}


QUIET = {
    "da trade": "Kina og Rusland aftalte at handle mere olie, gas og korn.",
    "da energy": "Kina øgede sin import af russisk olie og gas i år.",
    "da Taiwan": "Den kinesiske flåde holdt øvelser med missiler og droner nær Taiwan.",
    "da North Korea": "Nordkorea sender granater og soldater til Rusland til krigen i Ukraine.",
    "da battlefield": "Russiske droner angreb Kyiv i nat; luftforsvaret skød fyrre af dem ned.",
    "no trade": "Kina og Russland ble enige om å handle mer olje, gass og korn.",
    "no Taiwan": "Den kinesiske marinen holdt øvelser med missiler og droner nær Taiwan.",
    "no Iran": "Iran leverer droner og missiler til Russland, ifølge etterretningstjenestene.",
    "no battlefield": "Ukrainske styrker skjøt ned russiske droner nær Kharkiv.",
}


NEGATED_SUPPLY = {
    "da": "Kina har aldrig leveret våben til Rusland, sagde ministeriet.",
    "no": "Kina har aldri levert våpen til Russland, sa departementet.",
}


# (language, text, status): one claim per text, each decided by a cue of that language
CLAIMS = [
    (
        "da",
        "Ifølge dokumenter, som avisen har set, har en kinesisk virksomhed leveret motorer til russiske droner.",
        "alleged",
    ),
    (
        "da",
        "Finansministeriet i Washington har indført sanktioner mod tre kinesiske virksomheder.",
        "designated",
    ),
    ("da", "USA sanktionerer to kinesiske firmaer, der solgte dronemotorer til Rusland.", "designated"),
    ("da", "Kinas udenrigsministerium afviste anklagerne som grundløse.", "denied"),
    (
        "da",
        "Udenrigsministeren sagde, at Kina leverer værktøjsmaskiner til russiske våbenproducenter.",
        "official",
    ),
    ("da", "Ifølge tolddata sendte den kinesiske virksomhed krudt til en russisk fabrik.", "confirmed"),
    (
        "no",
        "Ifølge dokumenter avisen har sett, har et kinesisk selskap levert motorer til russiske droner.",
        "alleged",
    ),
    (
        "no",
        "Finansdepartementet i Washington har innført sanksjoner mot tre kinesiske selskaper.",
        "designated",
    ),
    ("no", "USA sanksjonerer to kinesiske firmaer som solgte dronemotorer til Russland.", "designated"),
    ("no", "Kinas utenriksdepartement avviste anklagene som grunnløse.", "denied"),
    (
        "no",
        "Utenriksministeren sa at Kina leverer verktøymaskiner til russiske våpenprodusenter.",
        "official",
    ),
    ("no", "Ifølge tolldata sendte det kinesiske selskapet krutt til en russisk fabrikk.", "confirmed"),
]


@pytest.mark.parametrize(
    ("language", "text", "not_expected"),
    [
        # a threat of sanctions, and sanctions on Russia that pushed it to China, designate nobody
        ("da", "USA truer med at indføre sanktioner mod kinesiske banker.", "designated"),
        ("da", "Vestlige sanktioner mod Rusland har fået Moskva til at købe mere fra Kina.", "designated"),
        ("no", "USA truer med å innføre sanksjoner mot kinesiske banker.", "designated"),
        ("no", "Vestlige sanksjoner mot Russland har fått Moskva til å kjøpe mer fra Kina.", "designated"),
        # a negated denial denies nothing
        ("da", "Peking afviste ikke rapporten.", "denied"),
        ("no", "Beijing avviste ikke rapporten.", "denied"),
    ],
)
def test_a_threat_or_a_negated_cue_in_danish_and_norwegian_does_not_decide(
    language: str, text: str, not_expected: str
) -> None:
    assert classify_claim(CUES, "", text, language).status != not_expected
