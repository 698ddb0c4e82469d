"""Slovak, Indonesian and Hindi in the default ruleset (config/rules/lang/sk.toml, id.toml,
hi.toml) and the claim cues (config/rules/claims/lang/): words found in their inflected forms,
reports of the topic flagged, look-alikes left quiet, a negated supply read as a denial, and a
claim status read from how a report puts its claim. Every text is written for these tests.
Its tables (FORMS, FLAGGED, QUIET, …) are checked by tests/test_rules_languages.py; the
checks here are its languages' own."""

from __future__ import annotations

import pytest
from rule_languages import CUES, MATCHER, found

from newswatch.claims import classify_claim
from newswatch.rules.text import build_doc, normalise, tokenize

# (language, group, text, the form that must be found): each word is written once, or as a prefix
FORMS = [
    ("sk", "CHINA", "Obvinenia smerujú proti Číne a jej firmám.", "číne"),
    ("sk", "MILITARY_GOODS", "Colníci našli súčiastky do dronov v kamióne.", "súčiastky"),
    ("sk", "MILITARY_GOODS", "Colníci našli súčiastky do dronov v kamióne.", "dronov"),
    ("sk", "SANCTIONS", "Brusel pohrozil novými sankciami.", "sankciami"),
    ("sk", "SUPPLY", "Firmy dodávali ložiská cez Kazachstan.", "dodávali"),
    ("sk", "RUSSIA", "Ruskej ekonomike sa nedarí.", "ruskej"),
    ("id", "SUPPLY", "Barang itu dipasok melalui Kazakhstan.", "dipasok"),
    ("id", "SUPPLY", "Pasokan suku cadang terhenti bulan lalu.", "pasokan"),
    ("id", "MILITARY_GOODS", "Polisi menyita senjatanya di perbatasan.", "senjatanya"),
    (
        "id",
        "CN_ENTITIES",
        "Perusahaan-perusahaan Tiongkok membantah semuanya.",
        "perusahaan-perusahaan tiongkok",
    ),
    ("id", "SANCTIONS", "Uni Eropa menjatuhkan sanksi baru.", "menjatuhkan sanksi"),
    ("hi", "SANCTIONS", "अमेरिका ने नए प्रतिबंधों की घोषणा की।", "प्रतिबंधों"),
    ("hi", "MILITARY_GOODS", "सीमा पर हथियारों से भरा ट्रक पकड़ा गया।", "हथियारों"),
    ("hi", "CN_ENTITIES", "चीनी कंपनियों ने आरोपों का जवाब दिया।", "चीनी कंपनियों"),
    ("hi", "RUSSIA", "रूसी अर्थव्यवस्था धीमी पड़ी।", "रूसी"),
    ("hi", "MILITARY_GOODS", "रात में ड्रोनों से हमला हुआ।", "ड्रोनों"),
]


FLAGGED = {
    "sk supply": ("sk", "Čínske firmy dodávali ruskej armáde súčiastky do dronov a motory."),
    "sk microelectronics": (
        "sk",
        "Čínske spoločnosti posielali mikroelektroniku ruskému zbrojárskemu priemyslu.",
    ),
    "sk sanctions": (
        "sk",
        "Spojené štáty uvalili sankcie na čínske a hongkonské firmy, ktoré dodávali súčiastky ruskému "
        "obrannému priemyslu.",
    ),
    "sk denial": ("sk", "Peking poprel, že by Rusku predával zbrane na vojnu proti Ukrajine."),
    "id supply": (
        "id",
        "Perusahaan-perusahaan Tiongkok memasok komponen drone dan mesin kepada militer Rusia.",
    ),
    "id microelectronics": (
        "id",
        "Perusahaan China mengirimkan mikroelektronika dan semikonduktor ke industri pertahanan Rusia.",
    ),
    "id sanctions": (
        "id",
        "Amerika Serikat menjatuhkan sanksi terhadap perusahaan Tiongkok dan Hong Kong yang memasok komponen "
        "bagi industri militer Rusia.",
    ),
    "id denial": ("id", "Beijing membantah telah memasok senjata kepada Rusia untuk perang di Ukraina."),
    "hi supply": ("hi", "चीनी कंपनियों ने रूसी सेना को ड्रोन के पुर्जे और इंजन भेजे।"),
    "hi microelectronics": ("hi", "चीनी कंपनियां रूस के रक्षा उद्योग को माइक्रोइलेक्ट्रॉनिक्स की आपूर्ति कर रही हैं।"),
    "hi sanctions": (
        "hi",
        "अमेरिका ने चीनी और हांगकांग की कंपनियों पर प्रतिबंध लगाए, जो रूस के रक्षा उद्योग को चिप्स की आपूर्ति करती थीं।",
    ),
    "hi denial": ("hi", "चीन ने इन आरोपों का खंडन किया कि उसने रूस को हथियार बेचे।"),
}


def test_a_hindi_report_of_parts_sent_to_russia_is_flagged_as_supply() -> None:
    # "Chinese companies sent drone parts and engines to Russia": four words stand between
    # "Chinese" and "drone" (NEAR/5), each a whole word with its vowel signs
    verdict = MATCHER.classify("", "चीनी कंपनियों ने रूस को ड्रोन के पुर्जे और इंजन भेजे।", language="hi")
    assert "supply-to-russia" in verdict.rules, verdict.rules


QUIET = {
    "sk trade": ("sk", "Čína a Rusko podpísali dohody o obchode s ropou a plynom."),
    "sk Taiwan": ("sk", "Čínske námorníctvo cvičilo s raketami a dronmi pri Taiwane."),
    "sk Iran": ("sk", "Irán dodáva Rusku drony a rakety, tvrdia spravodajské služby."),
    "sk battlefield": ("sk", "Ukrajinské jednotky zostrelili cez noc štyridsať ruských dronov pri Charkove."),
    "id trade": ("id", "Tiongkok dan Rusia menandatangani kesepakatan perdagangan minyak dan gas."),
    "id South China Sea": (
        "id",
        "Angkatan laut Tiongkok menggelar latihan rudal di dekat Taiwan dan Laut China Selatan.",
    ),
    "id North Korea": (
        "id",
        "Korea Utara mengirim peluru artileri dan tentara ke Rusia untuk perang di Ukraina.",
    ),
    "id battlefield": ("id", "Pasukan Ukraina menembak jatuh empat puluh drone Rusia di dekat Kharkiv."),
    "hi trade": ("hi", "चीन और रूस ने तेल और गैस व्यापार के समझौतों पर हस्ताक्षर किए।"),
    "hi Taiwan": ("hi", "चीनी नौसेना ने ताइवान के पास मिसाइलों और ड्रोनों के साथ अभ्यास किया।"),
    "hi Iran": ("hi", "ईरान रूस को ड्रोन और मिसाइलें भेज रहा है।"),
    "hi battlefield": ("hi", "यूक्रेनी सेना ने खारकीव के पास रूसी ड्रोन मार गिराए।"),
}


NEGATED_SUPPLY = {
    "sk": "Čína nikdy nedodala zbrane Rusku, uviedlo ministerstvo.",
    "id": "Tiongkok tidak pernah mengirim senjata ke Rusia, kata kementerian luar negeri.",
    "hi": "चीन ने रूस को हथियार नहीं दिए, मंत्रालय ने कहा।",
}


# (status, text) per language: one claim per sentence
CLAIMS = {
    "sk": [
        (
            "alleged",
            "Podľa dokumentov, ktoré získali novinári, čínska firma dodávala motory pre ruské drony.",
        ),
        (
            "designated",
            "Spojené štáty uvalili sankcie na tri čínske spoločnosti, ktoré dodávali súčiastky Rusku.",
        ),
        ("designated", "Washington sankcionoval dve čínske firmy."),
        (
            "denied",
            "Hovorca čínskeho ministerstva zahraničných vecí poprel obvinenia a označil ich za nepodložené.",
        ),
        ("denied", "Hovorkyňa ministerstva uviedla, že Čína nikdy nedodala zbrane žiadnej strane konfliktu."),
        ("official", "Minister zahraničných vecí USA vyhlásil, že Čína dodáva Rusku obrábacie stroje."),
        ("confirmed", "V troskách zostrelených ruských dronov našli čínske súčiastky."),
    ],
    "id": [
        (
            "alleged",
            "Menurut dokumen yang diperoleh wartawan, sebuah perusahaan Tiongkok memasok mesin untuk drone Rusia.",
        ),
        ("designated", "Amerika Serikat menjatuhkan sanksi terhadap tiga perusahaan Tiongkok."),
        ("designated", "Departemen Keuangan AS memasukkan dua perusahaan Hong Kong ke daftar hitam."),
        (
            "denied",
            "Juru bicara Kementerian Luar Negeri Tiongkok membantah tuduhan itu dan menyebutnya fitnah.",
        ),
        (
            "denied",
            "Juru bicara kementerian mengatakan Tiongkok tidak pernah memasok senjata kepada pihak mana pun.",
        ),
        ("official", "Menteri Luar Negeri AS mengatakan China memasok mesin perkakas kepada Rusia."),
        ("confirmed", "Perusahaan Tiongkok itu mengakui telah menjual mesin kepada pembeli Rusia."),
    ],
    "hi": [
        ("alleged", "मीडिया रिपोर्टों के अनुसार, एक चीनी कंपनी ने रूसी ड्रोन के लिए इंजन भेजे।"),
        ("designated", "अमेरिका ने तीन चीनी कंपनियों पर प्रतिबंध लगाए।"),
        ("designated", "अमेरिकी वित्त विभाग ने हांगकांग की दो कंपनियों को काली सूची में डाला।"),
        ("denied", "चीनी विदेश मंत्रालय के प्रवक्ता ने आरोपों का खंडन किया और उन्हें निराधार बताया।"),
        ("denied", "बीजिंग ने इन आरोपों को खारिज कर दिया।"),
        ("official", "अमेरिकी विदेश मंत्री ने कहा कि चीन रूस को मशीन टूल्स की आपूर्ति कर रहा है।"),
        ("confirmed", "मार गिराए गए रूसी ड्रोनों के मलबे में चीनी पुर्जे मिले।"),
    ],
}


HYPOTHETICAL_SANCTIONS = {
    "sk": "Spojené štáty môžu uvaliť sankcie na čínske banky.",
    "id": "Amerika Serikat mengancam akan menjatuhkan sanksi kepada bank-bank Tiongkok.",
    "hi": "अमेरिका चीनी बैंकों पर प्रतिबंध लगा सकता है।",
}


@pytest.mark.parametrize("language", list(HYPOTHETICAL_SANCTIONS))
def test_a_threatened_sanction_in_slovak_indonesian_and_hindi_is_no_designation(language: str) -> None:
    claim = classify_claim(CUES, "", HYPOTHETICAL_SANCTIONS[language], language)
    assert claim.status != "designated", claim


# --- Hindi words and sentences as the rules read them (rules/text.py) -------------------------


def test_a_hindi_word_with_vowel_signs_is_one_word_and_keeps_its_offsets() -> None:
    text = "चीन ने हथियारों की आपूर्ति नहीं की"
    assert len(tokenize(text)) == 7  # not cut at each vowel sign
    assert len(normalise(text)) == len(text)  # offsets are the original's
    doc = build_doc("", text)
    assert doc.original(0, len(doc.norm)).endswith("नहीं की")


def test_an_alias_is_not_found_inside_a_longer_hindi_word() -> None:
    # खरीद (purchase) is the start of खरीदार (buyer): a vowel sign after it is no word's end
    assert found("SUPPLY", "खरीदार बाज़ार में थे।", "hi") == []
    assert "खरीदा" in found("SUPPLY", "उन्होंने पुर्जे खरीदा।", "hi")


def test_the_danda_ends_a_hindi_sentence() -> None:
    doc = build_doc("", "चीन ने हथियार नहीं दिए। रूस ने इनकार किया।")
    assert len(doc.sentence_starts) == 3  # the (empty) title, then two sentences
