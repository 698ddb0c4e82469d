"""Hungarian and Greek in the default ruleset (config/rules/lang/hu.toml, el.toml) and the claim
cues (config/rules/claims/lang/hu.toml, el.toml): words found in their inflected forms and in
Hungarian compounds, reports of the topic flagged, look-alikes left quiet, a negated supply read
as a denial, and a claim's status read from how it is put. Every text is written for these tests.
Its tables (FORMS, FLAGGED, QUIET, …) are checked by tests/test_rules_languages.py; the
checks here are its languages' own."""

from __future__ import annotations

import pytest
from rule_languages import CUES, MATCHER, found

from newswatch.claims import classify_claim

# (language, group, text, the form that must be found): each alias is written once
FORMS = [
    ("hu", "MILITARY_GOODS", "A vámosok drónmotorokat találtak.", "motorokat"),  # a compound's head
    ("hu", "MILITARY_GOODS", "A raktárban lőszereket és fegyvereket tároltak.", "lőszereket"),
    ("hu", "SUPPLY", "A fegyverszállítás hetekig késett.", "szállítás"),  # a compound's head
    ("hu", "SUPPLY", "A cégek elektronikát szállítottak Kazahsztánon keresztül.", "szállítottak"),
    ("hu", "SANCTIONS", "A szankciókat tegnap jelentették be.", "szankciókat"),
    ("hu", "RUSSIA", "Oroszországnak új vámokkal kell számolnia.", "oroszországnak"),  # dative
    ("hu", "RUSSIA", "A szállítmány Oroszországba érkezett.", "oroszországba"),  # illative
    ("hu", "CHINA", "Kínának nem tetszett a döntés.", "kínának"),  # the lengthened stem vowel
    ("hu", "CHINA", "A kínaiak sokáig tárgyaltak.", "kínaiak"),
    ("hu", "WAR", "Ukrajnában tovább folytak a harcok.", "ukrajnában"),
    ("el", "MILITARY_GOODS", "Η αποθήκη πυρομαχικών εξερράγη τη νύχτα.", "πυρομαχικών"),  # genitive plural
    ("el", "MILITARY_GOODS", "Η εισαγωγή εξαρτημάτων αυξήθηκε φέτος.", "εξαρτημάτων"),
    ("el", "SANCTIONS", "Το πακέτο κυρώσεων εγκρίθηκε χθες.", "κυρώσεων"),
    ("el", "SANCTIONS", "Η νέα κύρωση αφορά τρεις τράπεζες.", "κύρωση"),
    ("el", "SUPPLY", "Οι εταιρείες προμήθευσαν ηλεκτρονικά μέσω Καζακστάν.", "προμήθευσαν"),
    ("el", "RUSSIA", "Οι εξαγωγές της Ρωσίας αυξήθηκαν.", "ρωσίας"),
    ("el", "RUSSIA", "Οι Ρώσοι διαπραγματεύτηκαν για ώρες.", "ρώσοι"),
    ("el", "RUSSIA", "Το ρωσικό υπουργείο δεν σχολίασε.", "ρωσικό"),
    ("el", "CHINA", "Η οικονομία της Κίνας επιβραδύνεται.", "κίνας"),
    ("el", "CHINA", "Οι κινεζικές εταιρείες κατηγορήθηκαν.", "κινεζικές"),
]


def test_words_that_share_a_stem_with_an_alias_are_not_found() -> None:
    # "kínál" (offers) starts like Kína; "fegyverszünet" (ceasefire) starts with "fegyver" (weapon),
    # and only a compound's last part names what it is
    assert found("CHINA", "A bolt olcsó árut kínál.", "hu") == ["china"]
    assert found("MILITARY_GOODS", "A fegyverszünet reggel lépett életbe.", "hu") == []
    # "κινεί" (moves) has the Snowball stem of "Κίνα"; "πολεμικά πλοία" are warships, no fighting
    assert found("CHINA", "Η Ρωσία κινεί τα νήματα.", "el") == ["china"]
    assert found("COMBAT", "Τα πολεμικά πλοία έφυγαν από το λιμάνι.", "el") == []


FLAGGED = {
    "hu supply": "Kínai cégek drónmotorokat és mikroelektronikát szállítottak az orosz hadiiparnak.",
    "hu sanctions": (
        "Az Egyesült Államok szankciókat vezetett be három kínai cég ellen, amelyek drónalkatrészeket "
        "szállítottak az orosz hadseregnek."
    ),
    "hu Hong Kong": "Az EU szankcionálta azokat a hongkongi cégeket, amelyek mikrochipeket adtak el orosz fegyvergyártóknak.",
    "hu denial": "Peking tagadja, hogy fegyvereket szállítana Oroszországnak az ukrajnai háborúhoz.",
    "el supply": (
        "Κινεζικές εταιρείες προμήθευσαν κινητήρες για drones και μικροηλεκτρονική στη ρωσική πολεμική βιομηχανία."
    ),
    "el sanctions": (
        "Οι ΗΠΑ επέβαλαν κυρώσεις σε τρεις κινεζικές εταιρείες που προμήθευαν εξαρτήματα drones στον ρωσικό στρατό."
    ),
    "el Hong Kong": (
        "Η ΕΕ επέβαλε κυρώσεις σε εταιρείες με έδρα το Χονγκ Κονγκ που έστειλαν μικροτσίπ στη ρωσική αμυντική "
        "βιομηχανία."
    ),
    "el denial": "Το Πεκίνο αρνείται ότι στέλνει όπλα στη Ρωσία για τον πόλεμο στην Ουκρανία.",
}


QUIET = {
    "hu trade": "Kína és Oroszország megállapodott, hogy több olajat, gázt és gabonát kereskednek.",
    "hu energy": "Kína idén több orosz olajat és földgázt vásárolt.",
    "hu Taiwan": "A kínai haditengerészet rakétákkal és drónokkal gyakorlatozott Tajvan közelében.",
    "hu South China Sea": "Kínai hadihajók és drónok járőröztek a Dél-kínai-tengeren.",
    "hu Iran": "Irán drónokat és rakétákat szállít Oroszországnak az Ukrajna elleni háborúhoz.",
    "hu North Korea": "Észak-Korea tüzérségi lőszert és katonákat küld Oroszországnak.",
    "hu battlefield": "Orosz drónok támadták Kijevet éjjel; a légvédelem negyvenet lőtt le közülük.",
    "el trade": "Η Κίνα και η Ρωσία συμφώνησαν να αυξήσουν το εμπόριο πετρελαίου, φυσικού αερίου και σιτηρών.",
    "el energy": "Η Κίνα αγόρασε φέτος περισσότερο ρωσικό πετρέλαιο και φυσικό αέριο.",
    "el Taiwan": "Το κινεζικό ναυτικό έκανε ασκήσεις με πυραύλους και drones κοντά στην Ταϊβάν.",
    "el South China Sea": "Κινεζικά πολεμικά πλοία και drones περιπολούν στη Νότια Σινική Θάλασσα.",
    "el Iran": "Το Ιράν στέλνει drones και πυραύλους στη Ρωσία για τον πόλεμο στην Ουκρανία.",
    "el North Korea": "Η Βόρεια Κορέα στέλνει βλήματα πυροβολικού και στρατιώτες στη Ρωσία.",
    "el battlefield": "Ρωσικά drones έπληξαν το Κίεβο τη νύχτα· η αεράμυνα κατέρριψε σαράντα από αυτά.",
    "el Belarus": "Η Κίνα στέλνει εξαρτήματα drones και μικροηλεκτρονική στη Λευκορωσία.",
}


NEGATED_SUPPLY = {
    "hu": "Kína soha nem szállított fegyvert Oroszországnak, közölte a minisztérium.",
    "el": "Η Κίνα δεν έχει προμηθεύσει ποτέ όπλα στη Ρωσία, δήλωσε το υπουργείο.",
}


NOT_ONLY = {
    "hu": "Kína nemcsak drónalkatrészeket szállít Oroszországnak, hanem szerszámgépeket is.",
    "el": "Η Κίνα όχι μόνο στέλνει εξαρτήματα drones στη Ρωσία αλλά και εργαλειομηχανές.",
}


# (language, text, status): one claim per text, each decided by a cue of that language
CLAIMS = [
    (
        "hu",
        "A lap által látott dokumentumok szerint egy kínai cég motorokat szállított orosz drónokhoz.",
        "alleged",
    ),
    ("hu", "Az amerikai pénzügyminisztérium szankciókat vezetett be három kínai cég ellen.", "designated"),
    (
        "hu",
        "Az Egyesült Államok szankcionálta a két kínai céget, amely drónmotorokat adott el Oroszországnak.",
        "designated",
    ),
    ("hu", "A kínai külügyminisztérium alaptalannak nevezte és visszautasította a vádakat.", "denied"),
    (
        "hu",
        "A külügyminiszter kijelentette, hogy Kína szerszámgépeket szállít az orosz fegyvergyártóknak.",
        "official",
    ),
    ("hu", "A vámadatok szerint a kínai cég lőport küldött egy orosz gyárnak.", "confirmed"),
    (
        "el",
        "Σύμφωνα με έγγραφα που είδε η εφημερίδα, μια κινεζική εταιρεία προμήθευσε κινητήρες για ρωσικά drones.",
        "alleged",
    ),
    ("el", "Το υπουργείο Οικονομικών των ΗΠΑ επέβαλε κυρώσεις σε τρεις κινεζικές εταιρείες.", "designated"),
    (
        "el",
        "Οι ΗΠΑ επιβάλλουν κυρώσεις σε δύο κινεζικές εταιρείες που πούλησαν κινητήρες drones στη Ρωσία.",
        "designated",
    ),
    ("el", "Το κινεζικό υπουργείο Εξωτερικών απέρριψε τις κατηγορίες ως αβάσιμες.", "denied"),
    (
        "el",
        "Ο υπουργός Εξωτερικών δήλωσε ότι η Κίνα προμηθεύει εργαλειομηχανές στη ρωσική πολεμική βιομηχανία.",
        "official",
    ),
    (
        "el",
        "Σύμφωνα με τελωνειακά δεδομένα, η κινεζική εταιρεία έστειλε πυρίτιδα σε ρωσικό εργοστάσιο.",
        "confirmed",
    ),
]


@pytest.mark.parametrize(
    ("language", "text", "not_expected"),
    [
        # a threat of sanctions, and sanctions on Russia that pushed it to China, designate nobody
        (
            "hu",
            "Az Egyesült Államok azzal fenyeget, hogy szankciókat vezet be kínai bankok ellen.",
            "designated",
        ),
        ("hu", "A nyugati szankciók miatt Moszkva több árut vásárol Kínából.", "designated"),
        ("el", "Οι ΗΠΑ απειλούν να επιβάλουν κυρώσεις σε κινεζικές τράπεζες.", "designated"),
        (
            "el",
            "Οι δυτικές κυρώσεις κατά της Ρωσίας ώθησαν τη Μόσχα να αγοράζει περισσότερα από την Κίνα.",
            "designated",
        ),
        # a company sanctioned earlier is described, not designated by this report
        ("hu", "Az orosz drónok egy szankcionált kínai cég motorjait használják.", "designated"),
        # a negated denial denies nothing
        ("hu", "Peking nem utasította vissza a jelentést.", "denied"),
        ("el", "Το Πεκίνο δεν απέρριψε την έκθεση.", "denied"),
    ],
)
def test_a_threat_or_a_negated_cue_in_hungarian_and_greek_does_not_decide(
    language: str, text: str, not_expected: str
) -> None:
    assert classify_claim(CUES, "", text, language).status != not_expected


@pytest.mark.parametrize(
    "text",
    [
        "Kína drónalkatrészeket szállít Fehéroroszországnak, közölték tisztviselők.",
        "Kína drónalkatrészeket szállít a fehérorosz hadseregnek.",
    ],
)
def test_belarus_in_hungarian_is_not_russia(text: str) -> None:
    # Fehér|oroszország and fehér|orosz end in Russia's name: a compound's last part
    assert not MATCHER.classify("", text, "hu").flagged


def test_hungarian_nem_csak_is_no_denial() -> None:
    verdict = MATCHER.classify(
        "", "Kína nem csak drónalkatrészeket szállít Oroszországnak, hanem motorokat is.", "hu"
    )
    assert "supply-to-russia" in verdict.rules and "denial-of-support" not in verdict.rules, verdict.rules
