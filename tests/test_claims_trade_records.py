"""Trade statistics as documentary evidence (config/rules/claims/lang/xx.toml, RECORDS): in
every claim-cue language but English and Chinese (tests/test_claims.py has those), a report
that cites trade, export or import statistics about a Chinese firm's shipments to Russia is
``confirmed``, and one that says "according to (intelligence) data" beside Chinese exports,
with no trade statistics, is not. The sentences are written for these tests."""

from __future__ import annotations

import pytest

from newswatch.claims import classify_claim, load_cues
from newswatch.config.rules import LANGUAGES

CUES = load_cues()

# language → (a report citing trade statistics, "according to intelligence data" + exports)
CASES: dict[str, tuple[str, str]] = {
    "ar": (
        "وفقا لإحصاءات الصادرات الصينية، شحنت شركة من شنتشن رقائق بقيمة 12 مليون دولار إلى مصنع أسلحة روسي.",
        "وفقا لبيانات استخباراتية، ارتفعت صادرات الرقائق الصينية إلى روسيا.",
    ),
    "bg": (
        "Данните за износа показват, че китайска фирма е доставила металорежещи машини на руски завод.",
        "Според данни на разузнаването китайският износ на чипове за Русия се е увеличил.",
    ),
    "cs": (
        "Podle údajů o vývozu dodala čínská firma ruskému zbrojnímu závodu obráběcí stroje.",
        "Podle údajů rozvědky vzrostl čínský vývoz čipů do Ruska.",
    ),
    "da": (
        "Ifølge handelsstatistikken sendte et kinesisk firma mikrochips til en russisk våbenfabrik.",
        "Ifølge efterretningsdata steg Kinas eksport af chips til Rusland.",
    ),
    "de": (
        "Wie die Außenhandelsstatistik zeigt, lieferte eine chinesische Firma Werkzeugmaschinen an ein "
        "russisches Rüstungswerk.",
        "Laut Geheimdienstdaten stiegen die chinesischen Chipexporte nach Russland.",
    ),
    "el": (
        "Σύμφωνα με τα στοιχεία εξαγωγών, μια κινεζική εταιρεία έστειλε μικροτσίπ σε ρωσικό εργοστάσιο όπλων.",
        "Σύμφωνα με στοιχεία των μυστικών υπηρεσιών, οι κινεζικές εξαγωγές τσιπ στη Ρωσία αυξήθηκαν.",
    ),
    "es": (
        "Según las estadísticas de exportación, una empresa china envió fresadoras a una fábrica rusa de armamento.",
        "Según datos de inteligencia, las exportaciones chinas de chips a Rusia aumentaron.",
    ),
    "et": (
        "Väliskaubandusstatistika järgi saatis Hiina ettevõte Venemaa relvatehasele mikrokiipe.",
        "Luureandmete kohaselt kasvas Hiina kiipide eksport Venemaale.",
    ),
    "fi": (
        "Vientitilastojen mukaan kiinalainen yritys toimitti mikrosiruja venäläiselle asetehtaalle.",
        "Tiedustelutietojen mukaan Kiinan sirujen vienti Venäjälle kasvoi.",
    ),
    "fr": (
        "Les données sur les exportations montrent qu'une société chinoise a livré des puces à un fabricant "
        "d'armes russe.",
        "Selon des données du renseignement, les exportations chinoises de puces vers la Russie ont augmenté.",
    ),
    "hi": (
        "व्यापार आंकड़ों के मुताबिक, एक चीनी कंपनी ने रूस की एक हथियार फैक्टरी को माइक्रोचिप भेजे।",
        "खुफिया आंकड़ों के अनुसार, रूस को चीन के चिप निर्यात में वृद्धि हुई।",
    ),
    "hu": (
        "A külkereskedelmi statisztikák szerint egy kínai cég mikrocsipeket szállított egy orosz fegyvergyárnak.",
        "Hírszerzési adatok szerint nőtt Kína chipexportja Oroszországba.",
    ),
    "id": (
        "Data ekspor menunjukkan sebuah perusahaan Tiongkok mengirim mesin bubut ke pabrik senjata Rusia.",
        "Menurut data intelijen, ekspor cip Tiongkok ke Rusia meningkat.",
    ),
    "it": (
        "Secondo i dati sulle esportazioni, un'azienda cinese ha spedito macchine utensili a una fabbrica di "
        "armi russa.",
        "Secondo dati dell'intelligence, le esportazioni cinesi di chip verso la Russia sono aumentate.",
    ),
    "ja": (
        "貿易統計によると、中国企業がロシアの兵器工場に工作機械を輸出していた。",
        "情報機関のデータによると、中国のロシア向け半導体輸出が増加した。",
    ),
    "ko": (
        "무역 통계에 따르면 중국 기업이 러시아 무기 공장에 공작기계를 수출했다.",
        "정보 당국 자료에 따르면 중국의 대러시아 반도체 수출이 늘었다.",
    ),
    "lt": (
        "Eksporto duomenys rodo, kad Kinijos bendrovė išsiuntė mikroschemas Rusijos ginklų gamyklai.",
        "Žvalgybos duomenimis, Kinijos lustų eksportas į Rusiją išaugo.",
    ),
    "nl": (
        "Uit handelsgegevens blijkt dat een Chinees bedrijf werktuigmachines aan een Russische wapenfabriek leverde.",
        "Volgens inlichtingengegevens is de Chinese chipexport naar Rusland gestegen.",
    ),
    "no": (
        "Ifølge eksportstatistikken sendte et kinesisk selskap mikrobrikker til en russisk våpenfabrikk.",
        "Ifølge etterretningsdata økte Kinas eksport av brikker til Russland.",
    ),
    "pl": (
        "Z danych o eksporcie wynika, że chińska firma wysłała obrabiarki do rosyjskiej fabryki broni.",
        "Według danych wywiadu chiński eksport chipów do Rosji wzrósł.",
    ),
    "pt": (
        "Segundo as estatísticas de exportação, uma empresa chinesa enviou máquinas-ferramentas para uma "
        "fábrica de armas russa.",
        "Segundo dados de inteligência, as exportações chinesas de chips para a Rússia aumentaram.",
    ),
    "ro": (
        "Datele privind exporturile arată că o firmă chineză a trimis mașini-unelte unei fabrici de armament "
        "rusești.",
        "Potrivit datelor serviciilor de informații, exporturile chineze de cipuri către Rusia au crescut.",
    ),
    "ru": (
        "Согласно внешнеторговой статистике, китайская компания поставила станки российскому оборонному заводу.",
        "По данным разведки, китайский экспорт микросхем в Россию вырос.",
    ),
    "sk": (
        "Podľa údajov o vývoze dodala čínska firma ruskej zbrojovke obrábacie stroje.",
        "Podľa spravodajských údajov vzrástol čínsky vývoz čipov do Ruska.",
    ),
    "sv": (
        "Enligt handelsstatistiken skickade ett kinesiskt företag mikrochip till en rysk vapenfabrik.",
        "Enligt underrättelseuppgifter ökade Kinas export av chip till Ryssland.",
    ),
    "tr": (
        "Dış ticaret verilerine göre bir Çin şirketi bir Rus silah fabrikasına takım tezgâhları gönderdi.",
        "İstihbarat verilerine göre Çin'in Rusya'ya çip ihracatı arttı.",
    ),
    "uk": (
        "Згідно з даними про експорт, китайська компанія поставила верстати російському оборонному заводу.",
        "За даними розвідки, китайський експорт мікросхем до Росії зріс.",
    ),
}


def test_every_claim_cue_language_but_english_and_chinese_is_tested() -> None:
    assert set(CASES) == set(LANGUAGES) - {"en", "zh"}


@pytest.mark.parametrize("language", sorted(CASES))
def test_a_report_citing_trade_statistics_is_confirmed(language: str) -> None:
    claim = classify_claim(CUES, "", CASES[language][0], language)
    assert claim.status == "confirmed"
    assert claim.cue is not None and claim.cue.cue == "confirmed-customs-records"


@pytest.mark.parametrize("language", sorted(CASES))
def test_according_to_data_beside_exports_is_no_trade_record(language: str) -> None:
    assert classify_claim(CUES, "", CASES[language][1], language).status != "confirmed"
