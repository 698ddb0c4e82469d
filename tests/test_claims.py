"""Claim status (newswatch/claims.py, config/rules/claims/): each status in several languages on
sentences written for these tests, which part of an article decides and which status wins,
negation, inflected cue words, hostile input, cue-file validation, and the floors pinned in
bench/baselines/claims.json (that one needs ../shared)."""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, SHARED, load_bench

from newswatch.claims import (
    PRECEDENCE,
    STATUSES,
    ClaimConfigError,
    check_cues,
    classify_claim,
    load_cues,
)
from newswatch.config.rules import LANGUAGES
from newswatch.errors import ConfigError
from newswatch.text import repeats_headline

CUES = load_cues()


def status(text: str, title: str = "", language: str | None = None) -> str:
    return classify_claim(CUES, title, text, language).status


# (language, text) → status: one claim per article, written for these tests
CASES = {
    "designated": [
        (
            "it",
            "L'Unione europea ha imposto sanzioni a sei aziende cinesi che forniscono componenti per droni alla Russia.",
        ),
        (
            "ro",
            "Uniunea Europeană a impus sancțiuni împotriva a trei companii chineze care furnizează drone Rusiei.",
        ),
        ("bg", "ЕС наложи санкции на три китайски компании, доставящи компоненти за дронове на Русия."),
        ("ko", "미국 재무부는 러시아에 드론 부품을 공급한 중국 기업 3곳에 제재를 부과했다."),
        ("ja", "米財務省はロシアにドローン部品を供給した中国企業3社に制裁を科した。"),
        ("ar", "فرضت وزارة الخزانة الأمريكية عقوبات على ثلاث شركات صينية زودت روسيا بمكونات طائرات مسيرة."),
        (
            "tr",
            "ABD Hazine Bakanlığı, Rusya'ya drone parçası tedarik eden üç Çinli şirkete yaptırım uyguladı.",
        ),
        (
            "en",
            "The US Treasury on Tuesday imposed sanctions on five Chinese firms that sold drone engines to Moscow.",
        ),
        (
            "en",
            "Washington added two Hong Kong trading houses to the Entity List for shipping chips to Russian arms makers.",
        ),
        ("ru", "Минфин США ввёл санкции против трёх китайских компаний, поставлявших России микросхемы."),
        ("zh", "美国财政部周二宣布对三家中国企业实施制裁，指其向俄罗斯出售无人机发动机。"),
        ("uk", "Євросоюз запровадив санкції проти чотирьох китайських компаній за постачання дронів Росії."),
        (
            "de",
            "Die EU hat Sanktionen gegen vier chinesische Händler verhängt, die Elektronik an Russland verkaufen.",
        ),
        (
            "fr",
            "Washington a imposé des sanctions à trois entreprises chinoises accusées de livrer des puces à la Russie.",
        ),
        (
            "es",
            "Estados Unidos impuso sanciones a cuatro empresas chinas que vendieron motores de drones a Rusia.",
        ),
        ("pl", "USA nałożyły sankcje na chińskie firmy, które dostarczały Rosji części do dronów."),
    ],
    "confirmed": [
        ("es", "Se encontraron componentes chinos en los restos de drones rusos derribados."),
        ("pl", "W szczątkach zestrzelonych rosyjskich dronów znaleziono chińskie komponenty."),
        ("it", "Nei rottami dei droni russi abbattuti sono stati trovati componenti cinesi."),
        ("fr", "Des composants chinois ont été retrouvés dans les débris de drones russes abattus."),
        ("ko", "격추된 러시아 드론 잔해에서 중국산 부품이 발견됐다."),
        ("ja", "撃墜されたロシアの無人機の残骸から中国製の部品が見つかった。"),
        ("ar", "عثر على مكونات صينية في حطام طائرات مسيرة روسية أسقطت فوق كييف."),
        ("tr", "Düşürülen Rus insansız hava araçlarının enkazında Çin yapımı parçalar bulundu."),
        (
            "en",
            "Chinese-made engines were found in the wreckage of Russian attack drones shot down over Kyiv.",
        ),
        (
            "en",
            "Customs records show the Chinese firm shipped 30 tonnes of nitrocellulose to a Russian plant.",
        ),
        ("en", "Ukrainian troops captured a Chinese mercenary serving in a Russian assault unit."),
        # the supplier confirming the sale (written for these tests; the cue's own examples differ)
        ("en", "A spokesman for the Chinese drone maker confirmed that it sent 200 engines to a Russian firm."),
        ("pl", "Chińska firma potwierdziła, że sprzedała silniki rosyjskiemu odbiorcy."),
        ("it", "L'azienda cinese ha confermato di aver venduto i motori a un acquirente russo."),
        ("nl", "Het Chinese bedrijf bevestigde dat het de motoren aan een Russische koper verkocht."),
        ("ru", "В обломках сбитых российских ракет обнаружили китайские микросхемы."),
        ("zh", "乌克兰军队在被击落的俄罗斯无人机残骸中发现了中国制造的发动机。"),
        ("uk", "Українські військові взяли в полон двох громадян Китаю, які воювали за Росію."),
        (
            "de",
            "Laut Zolldaten lieferte die chinesische Firma Mikrochips an einen russischen Rüstungsbetrieb.",
        ),
        ("en", "The Chinese company admitted that it had sold the engines to a Russian distributor."),
    ],
    "denied": [
        ("es", "El Ministerio de Exteriores chino negó las acusaciones y las calificó de infundadas."),
        ("pl", "Chińskie MSZ zaprzeczyło doniesieniom, nazywając je bezpodstawnymi."),
        ("it", "Il ministero degli Esteri cinese ha negato le accuse, definendole infondate."),
        (
            "fr",
            "Le ministère chinois des Affaires étrangères a démenti ces informations, qualifiées de sans fondement.",
        ),
        ("ro", "China a negat acuzațiile, calificându-le drept nefondate."),
        ("bg", "Министерството на външните работи на Китай отрече обвиненията като безпочвени."),
        ("ko", "중국 외교부 대변인은 해당 보도를 부인하며 근거 없는 주장이라고 밝혔다."),
        ("ar", "نفت وزارة الخارجية الصينية هذه التقارير ووصفتها بأنها لا أساس لها."),
        ("tr", "Çin Dışişleri Bakanlığı iddiaları yalanladı ve asılsız olduğunu söyledi."),
        ("en", "China's defence ministry denied the report and called the accusations groundless."),
        (
            "en",
            "A foreign ministry spokesperson said China has never provided lethal weapons to either side.",
        ),
        ("ru", "МИД КНР опроверг сообщения о поставках китайского оружия российской армии."),
        ("zh", "中国外交部发言人否认上述报道，称中方从未向冲突任何一方提供致命性武器。"),
        ("uk", "У МЗС Китаю заперечили постачання зброї Росії."),
        ("de", "China wies die Vorwürfe als haltlos zurück und sprach von normalem Handel."),
        ("ja", "中国外務省の報道官は報道を否定し、ロシアへの殺傷兵器の供与はないと述べた。"),
        ("en", "Beijing assured Washington that it would not provide lethal aid to Moscow."),
    ],
    "official": [
        ("pl", "Sekretarz generalny NATO oświadczył, że Chiny wspierają rosyjski przemysł zbrojeniowy."),
        (
            "it",
            "Il segretario generale della NATO ha dichiarato che la Cina è un fattore decisivo della guerra russa.",
        ),
        (
            "fr",
            "Le secrétaire d'État américain a déclaré que la Chine fournit des machines-outils à la Russie.",
        ),
        ("ro", "Secretarul general NATO a declarat că China sprijină industria de apărare a Rusiei."),
        ("bg", "Държавният секретар на САЩ заяви, че Китай доставя на Русия машини."),
        ("ko", "나토 정상들은 공동성명에서 중국을 러시아 전쟁의 결정적 조력자로 규정했다."),
        ("ja", "NATO首脳は共同声明で中国をロシアの戦争の決定的な支援者と呼んだ。"),
        ("ar", "قال وزير الخارجية الأمريكي إن الصين تزود روسيا بأدوات آلية."),
        ("tr", "NATO Genel Sekreteri, Çin'in Rusya'nın savaşına destek verdiğini açıkladı."),
        (
            "en",
            "The US Secretary of State said China was the top supplier of machine tools to Russia.",
        ),
        ("en", "The NATO summit communiqué calls China a key enabler of the war in Ukraine."),
        ("ru", "Госсекретарь США заявил, что Китай поставляет России станки и микроэлектронику."),
        ("zh", "北约峰会公报称中国是俄罗斯对乌克兰战争的决定性推动者。"),
        ("uk", "Міністр закордонних справ України заявив, що Китай постачає Росії порох."),
        ("de", "Die Außenbeauftragte erklärte, China liefere Bauteile an die russische Rüstungsindustrie."),
        ("es", "El jefe de la inteligencia ucraniana afirmó que China suministra pólvora a Rusia."),
        ("en", "The European Commission proposed sanctions on seven Chinese firms accused of aiding Russia."),
    ],
    "alleged": [
        ("it", "Secondo un'inchiesta del giornale, un'azienda cinese ha venduto motori alla Russia."),
        (
            "fr",
            "Selon des documents consultés par la presse, une usine chinoise fabrique des drones pour la Russie.",
        ),
        (
            "en",
            "According to documents seen by reporters, a Chinese factory builds attack drones for Russia.",
        ),
        (
            "en",
            "US officials said China was providing Russia with satellite imagery, asking not to be named.",
        ),
        ("ru", "По данным издания, китайская компания поставляла двигатели для российских дронов."),
        ("zh", "据报道，一家中国公司向俄罗斯出售了卫星图像。"),
        ("uk", "За даними видання, китайські компанії постачали Росії деталі для дронів."),
        ("de", "Laut einem Bericht soll eine chinesische Firma Drohnen an Russland geliefert haben."),
    ],
}


@pytest.mark.parametrize(
    ("expected", "language", "text"),
    [(expected, language, text) for expected, cases in CASES.items() for language, text in cases],
    ids=[
        f"{expected}-{language}-{i}"
        for expected, cases in CASES.items()
        for i, (language, _) in enumerate(cases)
    ],
)
def test_each_status_is_read_from_how_the_claim_is_put_in_every_language(
    expected: str, language: str, text: str
) -> None:
    claim = classify_claim(CUES, "", text, language)
    assert claim.status == expected, claim
    assert claim.cue is not None and claim.cue.words  # a cue decided, not the default


def test_the_cue_that_decided_names_its_words_and_their_sentence() -> None:
    claim = classify_claim(
        CUES,
        "Drone engines for Moscow",
        "The plant in Xiamen grew fast last year. "
        "Washington imposed sanctions on the Chinese company on Friday. It did not comment.",
        "en",
    )
    assert claim.status == "designated" and claim.cue is not None
    assert claim.cue.cue == "designated-sanctions-name-chinese-entities"
    assert claim.cue.sentence == "Washington imposed sanctions on the Chinese company on Friday."
    assert {"imposed", "sanctions", "Chinese"} <= set(claim.cue.words)
    assert all(word in claim.cue.sentence for word in claim.cue.words)
    assert claim.cue.zone == "lead" and claim.cue.field == "text"


def test_a_report_without_any_cue_is_alleged_with_no_cue() -> None:
    claim = classify_claim(
        CUES, "Drones over Kharkiv", "Chinese engines power the drones that hit Kharkiv.", "en"
    )
    assert claim.status == "alleged" and claim.cue is None


# --- precedence ----------------------------------------------------------------------------


def test_precedence_is_designated_confirmed_denied_official_alleged() -> None:
    assert PRECEDENCE == ("designated", "confirmed", "denied", "official", "alleged")
    assert set(PRECEDENCE) == set(STATUSES)


def test_a_designation_outranks_the_denial_that_answers_it_in_the_same_part() -> None:
    text = (
        "The US Treasury imposed sanctions on three Chinese companies on Monday. "
        "Beijing's trade ministry denied the accusations and called them groundless."
    )
    assert status(text, language="en") == "designated"


def test_documented_evidence_outranks_an_official_statement_in_the_same_part() -> None:
    text = (
        "Ukraine's president said Russia relies on Chinese parts. "
        "Chinese chips were found in the wreckage of a downed Russian missile."
    )
    assert status(text, language="en") == "confirmed"


def test_a_ministry_denying_is_a_denial_not_an_official_finding() -> None:
    # the sentence holds an official body stating (official) and a denial: the denial wins
    text = "A Chinese embassy spokeswoman said Beijing rejects the groundless accusations."
    claim = classify_claim(CUES, "", text, "en")
    assert claim.status == "denied"


def test_the_headline_decides_before_the_lead() -> None:
    title = "Chinese satellite firm denies helping Russia's war"
    text = "The US Treasury sanctioned the Chinese company last week for selling imagery to Wagner."
    claim = classify_claim(CUES, title, text, "en")
    assert claim.status == "denied" and claim.cue is not None and claim.cue.zone == "title"
    assert claim.cue.field == "title" and claim.cue.sentence == title
    # without the denying headline the lead's designation decides
    assert status(text, "US sanctions a satellite firm", "en") == "designated"


def test_a_headline_s_status_carries_the_first_body_sentence_of_that_status_not_the_headline_again() -> None:
    title = "Beijing denies supplying weapons to Russia"
    text = (
        "Beijing denies supplying weapons to Russia. The embassy said the report was groundless. "
        "A foreign ministry spokesperson said China has never provided lethal weapons to either side."
    )
    claim = classify_claim(CUES, title, text, "en")
    assert claim.status == "denied" and claim.cue is not None and claim.cue.zone == "title"
    assert claim.cue.support == "The embassy said the report was groundless."
    assert claim.cue.support_words and all(w in claim.cue.support for w in claim.cue.support_words)
    # nothing of that status in the body: no support
    alone = classify_claim(CUES, title, "Beijing denies supplying weapons to Russia. Talks went on.", "en")
    assert alone.cue is not None and alone.cue.support == ""


@pytest.mark.parametrize(
    ("sentence", "title", "again"),
    [
        (
            "China supplies drone engines to Russia's army.",
            "China supplies drone engines to Russia's army",
            True,
        ),
        (
            "CHINA SUPPLIES DRONE-ENGINES TO RUSSIA'S ARMY",
            "China supplies drone engines to Russia’s army",
            True,
        ),
        ("Пекин отверг обвинения в поставках оружия России.", "Пекин отверг обвинения <https://x|y>", False),
        ("Пекин отверг обвинения.", "Пекин отверг обвинения в поставках оружия России", True),
        ("中国外交部否认向俄罗斯提供武器。", "中国外交部否认向俄罗斯提供武器", True),
        (
            "China supplies drone engines to Russia's army through trading firms in Hong Kong, customs data show.",
            "China supplies drone engines to Russia's army",
            False,
        ),
        ("", "China supplies drones", False),
        # short sentences whose letters a long headline holds, scattered: not the headline
        (
            "China denies the claims.",
            "China accused of supplying drone engines to Russia's army in a secret deal, Ukrainian intelligence says",
            False,
        ),
        (
            "Russia denies it.",
            "China accused of supplying drone engines to Russia's army in a secret deal, Ukrainian intelligence says",
            False,
        ),
        ("外交部否认。", "中国外交部发言人否认向俄罗斯提供武器并称相关报道毫无根据", False),
    ],
)
def test_a_sentence_is_the_headline_again_when_the_headline_holds_nearly_all_of_it(
    sentence: str, title: str, again: bool
) -> None:
    assert repeats_headline(sentence, title) is again


def test_the_lead_decides_before_a_designation_deep_in_the_body() -> None:
    lead = (
        "According to documents seen by reporters, a Chinese firm builds drones for Russia. "
        "The factory opened in 2023. It employs 300 people. Its drones fly 2,000 km. "
        "Prototypes were tested in the spring. "
    )
    body = "Washington sanctioned two Chinese suppliers of the plant a year ago. " * 3
    claim = classify_claim(CUES, "", lead + body, "en")
    assert claim.status == "alleged" and claim.cue is not None and claim.cue.zone == "lead"


# what a page leaves above an article: a language switcher, the headline again, a date line,
# a photo caption and a byline, none of them ending as a sentence does
CHROME = (
    "ua en ru\n"
    "Российские дроны на 70% собраны из китайских деталей\n"
    "Воскресенье, 21 декабря 2025, 02:44\n"
    "Фото: уполномоченный по санкционной политике (пресс-служба)\n"
    "Автор: Иван Петров\n"
)
STATEMENT = (
    "Большинство комплектующих для российских дронов поставляет Китай.\n"
    "Об этом заявил уполномоченный президента Украины по вопросам санкционной политики.\n"
)


def test_lines_of_page_chrome_do_not_use_up_the_lead() -> None:
    claim = classify_claim(CUES, "", CHROME + STATEMENT, "ru")
    assert claim.status == "official" and claim.cue is not None and claim.cue.zone == "lead"
    # the same statement after five sentences of prose is past the lead
    prose = "Дроны летят ночью. Их сбивают. Обломки изучают. Детали считают. Выводы пишут.\n"
    assert status(prose + STATEMENT, language="ru") == "alleged"
    # and a page of chrome lines is not read to its end
    assert status(CHROME * 3 + STATEMENT, language="ru") == "alleged"


def test_a_paragraph_ending_in_a_closing_quote_is_a_sentence_of_the_lead() -> None:
    quoted = "".join(f"Ein Arbeiter erzählt: „Das Werk {n} baut Motoren.“\n" for n in range(6))
    designation = "Die USA verhängten Sanktionen gegen die chinesische Firma, die Drohnenmotoren an Russland lieferte.\n"
    assert status(quoted + designation, language="de") == "alleged"  # past the lead: background
    assert status(designation + quoted, language="de") == "designated"


LEAD = (
    "According to reporters, a Chinese firm shipped gunpowder to a Russian plant. "
    "The plant makes shells. It lies near Kazan. Output rose last year. Prices fell. "
)


def test_customs_records_after_the_lead_confirm_an_allegation() -> None:
    body = "The shipments were large. Customs records show 120 tonnes of nitrocellulose arriving in May. "
    claim = classify_claim(CUES, "", LEAD + body, "en")
    assert claim.status == "confirmed" and claim.cue is not None and claim.cue.zone == "body"
    assert claim.cue.words == ("Customs records", "show", "nitrocellulose")
    # a passing mention of records shows nothing
    passing = "Investigators will compare customs records with satellite imagery. "
    assert status(LEAD + passing, language="en") == "alleged"
    # Russian and Chinese reports too
    ru = "По данным издания, китайская компания поставляла порох. Завод выпускает снаряды. Он под Казанью. Выпуск рос. Цены падали. "
    found = classify_claim(CUES, "", ru + "Согласно таможенным данным, в мае пришло 120 тонн пороха.", "ru")
    assert found.status == "confirmed" and found.cue is not None and found.cue.zone == "body"
    zh = "据报道，中国公司向俄罗斯工厂运送火药。工厂生产炮弹。它位于喀山附近。产量上升。价格下降。"
    found = classify_claim(CUES, "", zh + "根据海关记录，五月运抵120吨火药。", "zh")
    assert found.status == "confirmed" and found.cue is not None and found.cue.zone == "body"


def test_the_body_is_read_only_for_its_evidence_cues_not_past_its_limit_and_not_over_a_finding() -> None:
    designation = "Washington sanctioned two Chinese suppliers of the plant a year ago. "
    assert status(LEAD + designation, language="en") == "alleged"  # background, not the story
    far = "Filler text runs on. " * 200 + "Customs records show 120 tonnes arriving in May. "
    assert status(LEAD + far, language="en") == "alleged"  # past BODY_CHARS
    official = "The US Secretary of State said a Chinese firm shipped gunpowder to a Russian plant. "
    official += "The plant makes shells. It lies near Kazan. Output rose. Prices fell. "
    records = "Customs records show 120 tonnes arriving in May. "
    assert status(official + records, language="en") == "official"  # the lead's finding stands
    assert status(LEAD + "There are no customs records of such shipments. ", language="en") == "alleged"


@pytest.mark.parametrize(
    "sentence",
    [
        "Customs records reviewed by Reuters did not show any shipment of gunpowder.",
        "Customs records show nothing of the kind: no gunpowder was shipped.",
        "It is unclear whether customs records show the gunpowder was shipped.",
        "The company denied that customs records show it shipped gunpowder.",
        "According to Chinese customs data, trade between China and Russia reached $240 billion.",
        "Investigators compared customs documents with satellite imagery of the plant.",
        "Customs records show Chinese firm shipped gunpowder to Russia",  # a headline-like line
    ],
)
def test_records_in_the_body_that_show_no_shipment_do_not_confirm(sentence: str) -> None:
    assert status(LEAD + "\n" + sentence + "\n", language="en") == "alleged"


@pytest.mark.parametrize(
    ("language", "hedged", "established"),
    [
        (
            "en",
            "Shipping data suggest Chinese firms sent drone engines to Russia, analysts say.",
            "Shipping data show Chinese firms sent drone engines to Russia.",
        ),
        (
            "ru",
            "Таможенные данные, судя по всему, свидетельствуют о поставках китайских двигателей в Россию.",
            "Таможенные данные показывают похожие поставки китайских двигателей в Россию.",
        ),
        (
            "uk",
            "Митні дані, судячи з усього, свідчать про постачання китайських двигунів до Росії.",
            "Митні дані показують постачання китайських двигунів до Росії.",
        ),
        (
            "zh",
            "海关数据似乎显示，中国企业向俄罗斯运送了无人机发动机。",
            "海关数据显示，中国企业向俄罗斯运送了无人机发动机。",
        ),
        (
            "de",
            "Zolldaten legen nahe, dass chinesische Firmen Drohnenmotoren nach Russland lieferten.",
            "Die Zolldaten offenbaren Lieferungen chinesischer Drohnenmotoren an Russland.",
        ),
        (
            "fr",
            "Les données douanières suggèrent que des entreprises chinoises ont livré des moteurs à la Russie.",
            "Les données douanières montrent que des entreprises chinoises ont livré des moteurs à la Russie.",
        ),
        (
            "es",
            "Los datos aduaneros sugieren que empresas chinas enviaron motores de drones a Rusia.",
            "Los registros aduaneros muestran que motores chinos aparecen en envíos a Rusia.",
        ),
        (
            "nl",
            "Douanegegevens lijken leveringen van Chinese dronemotoren aan Rusland te tonen.",
            "Uit douanegegevens blijkt dat het Chinese bedrijf dronemotoren naar Rusland verscheepte.",
        ),
    ],
)
def test_records_that_only_suggest_are_an_allegation_records_that_show_confirm(
    language: str, hedged: str, established: str
) -> None:
    assert status(hedged, language=language) == "alleged"
    assert status(established, language=language) == "confirmed"


def test_the_rules_evidence_sentences_are_read_after_the_lead() -> None:
    lead = "The plant opened in 2023. It employs 300 people. Its drones fly far. They are cheap. They sell well. "
    evidence = ["The EU imposed sanctions on the Chinese plant in June."]
    claim = classify_claim(CUES, "", lead + "More on the plant follows.", "en", evidence)
    assert claim.status == "designated" and claim.cue is not None and claim.cue.zone == "evidence"
    assert status(lead + "More on the plant follows.", language="en") == "alleged"


@pytest.mark.parametrize(
    ("line", "language"),
    [
        ("Read also: US sanctions Chinese drone-parts suppliers", "en"),
        ("See also US Treasury sanctioned two Hong Kong firms", "en"),
        ("Смотрите также США ввели санкции против китайских компаний", "ru"),
        ("Читайте також: Китайські компанії потрапили під санкції США", "uk"),
    ],
)
def test_a_line_pointing_to_another_article_does_not_decide_the_status(line: str, language: str) -> None:
    # the pointed-to article's headline is a designation; this report only alleges
    lead = {
        "en": "According to the report, a Chinese factory makes engines for Russian drones.",
        "ru": "По данным издания, китайский завод делает двигатели для российских дронов.",
        "uk": "За даними видання, китайський завод робить двигуни для російських дронів.",
    }[language]
    text = f"{line}\n{lead}"
    assert status(f"{lead}\n{line.split(' ', 2)[-1]}", language=language) == "designated"
    claim = classify_claim(CUES, "", text, language, evidence=[line])
    assert claim.status == "alleged" and claim.cue is not None and line not in claim.cue.sentence


# --- negation and what is not done yet -----------------------------------------------------


@pytest.mark.parametrize(
    ("text", "not_expected"),
    [
        ("Beijing did not deny the report that its firms shipped gunpowder to Russia.", "denied"),
        ("Пекин не опроверг сообщения о поставках пороха в Россию.", "denied"),
        ("No Chinese company has been sanctioned over the drone engines so far.", "designated"),
        (
            "The US threatened to impose sanctions on Chinese banks that finance Russia's arms trade.",
            "designated",
        ),
        ("美国正在考虑对帮助俄罗斯的中国公司实施制裁。", "designated"),
        ("The Chinese company did not admit selling the engines to Russia.", "confirmed"),
        ("There are no customs records of such shipments, a researcher said.", "confirmed"),
        ("According to the minister, China does not directly sell missiles to Russia.", "denied"),
        ("Washington will act if Chinese authorities do not stop supplying Russia.", "denied"),
    ],
)
def test_a_negated_or_hypothetical_cue_does_not_decide(text: str, not_expected: str) -> None:
    assert status(text) != not_expected


def test_an_anonymous_official_is_an_allegation_a_named_office_is_official() -> None:
    assert status("Two US officials said China supplied the engines.", language="en") == "alleged"
    assert status("The US Secretary of State said China supplied the engines.", language="en") == "official"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "Rubio told reporters that Chinese firms supplied the engines for Russian drones."),
        ("ru", "Зеленский заявил, что на стороне России воюют граждане Китая."),
        ("uk", "Сибіга повідомив, що китайські компанії постачають Росії комплектуючі для дронів."),
        ("zh", "卢比奥表示，中国公司向俄罗斯提供了无人机发动机。"),
        ("de", "Merz sagte, chinesische Firmen lieferten Bauteile für russische Drohnen."),
    ],
)
def test_an_office_holder_named_without_the_office_states_it_on_record(language: str, text: str) -> None:
    assert status(text, language=language) == "official"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "The firm sold drones to Putin's army, the newspaper said."),
        ("zh", "报道称，中国公司向普京的军队提供无人机。"),
        ("ru", "Издание сообщило о поставках армии Путина."),
        ("zh", "四川普通民众说，中国公司提供无人机。"),  # 川普 (Trump) inside 四川普通
    ],
)
def test_an_office_holder_named_only_as_the_topic_does_not_make_it_official(language: str, text: str) -> None:
    assert status(text, language=language) == "alleged"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("en", "The adviser said there was no sign China had supplied weapons to Russia."),
        ("zh", "美国总统国安顾问沙利文说“我们没有发现中国军援俄罗斯的证据”。"),
        ("ru", "В Белом доме заявили, что не видят признаков поставок китайского оружия России."),
    ],
)
def test_no_evidence_of_supplies_is_not_chinas_denial(language: str, text: str) -> None:
    assert status(text, language=language) == "alleged"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        (
            "en",
            "China's foreign ministry said it has never supplied lethal weapons to any party in the conflict "
            "and that Washington had offered no evidence.",
        ),
        ("zh", "中方从未向俄罗斯提供致命性武器，美方的指责没有任何证据。"),
        (
            "ru",
            "Представитель МИД КНР заявил, что Китай никогда не поставлял оружие России, а обвинения не имеют доказательств.",
        ),
    ],
)
def test_china_saying_it_never_supplied_is_still_a_denial_beside_the_evidence_words(
    language: str, text: str
) -> None:
    assert status(text, language=language) == "denied"


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("es", "Una empresa china habría enviado drones de ataque a Rusia, según documentos del diario."),
        ("pt", "Uma empresa chinesa teria enviado drones de ataque à Rússia, segundo documentos do jornal."),
        (
            "it",
            "Un'azienda cinese avrebbe inviato droni d'attacco alla Russia, secondo documenti del giornale.",
        ),
        (
            "fr",
            "Une entreprise chinoise aurait envoyé des drones d'attaque à la Russie, selon des documents du journal.",
        ),
    ],
)
def test_sent_is_no_envoy_speaking_on_record(language: str, text: str) -> None:
    # "enviado", "inviato", "envoyé": the participle of "to send" is also the noun "envoy"
    assert status(text, language=language) == "alleged"


@pytest.mark.parametrize(
    ("language", "title", "expected"),
    [
        ("de", "Peking weist Vorwürfe zu Drohnenlieferungen an Russland zurück", "denied"),
        ("de", "China wies die Berichte über Drohnenlieferungen an Moskau entschieden zurück", "denied"),
        ("nl", "China wijst beschuldigingen over dronelevering aan Rusland af", "denied"),
        ("en", "Beijing brushes reports of drone deliveries to Russia aside", "denied"),
        # the verb without its particle, or pointing something out
        ("de", "China weist auf den Handel mit Russland hin, Vorwürfe gebe es viele", "alleged"),
    ],
)
def test_a_rejection_whose_particle_stands_apart_is_a_denial(
    language: str, title: str, expected: str
) -> None:
    assert status("", title=title, language=language) == expected


def test_a_penalty_on_chinese_firms_designates_them_a_fear_of_one_does_not() -> None:
    assert (
        status("Britain penalised three Chinese firms on Thursday over supplies to Russia's army.")
        == "designated"
    )
    wary = "Chinese banks, wary of being penalised by Washington, have slowed payments for Russian imports."
    assert status(wary) != "designated"


def test_the_freeze_of_russia_s_assets_is_no_designation_of_the_chinese_firms_in_the_sentence() -> None:
    text = (
        "The EU froze the assets of Russia's central bank in 2022; China has supplied dual-use goods since."
    )
    assert status(text, language="en") != "designated"


def test_a_chinese_minister_dismissed_from_office_is_no_denial() -> None:
    text = "Le ministre chinois, démis de ses fonctions en 2023, avait rencontré Poutine à Moscou."
    assert status(text, language="fr") != "denied"


def test_a_french_action_in_the_third_person_plural_designates() -> None:
    title = "Les États-Unis sanctionnent des entreprises chinoises accusées d'aider la Russie"
    assert status("", title=title, language="fr") == "designated"


@pytest.mark.parametrize(
    ("language", "title", "text"),
    [
        (
            "en",
            "",
            "Secretary of State Antony Blinken said Beijing has not supplied lethal weapons to Moscow.",
        ),
        ("en", "Blinken: China has not supplied weapons to Russia", "The talks lasted two hours."),
        ("en", "US has not seen China provide lethal aid to Russia, Kirby says", "The briefing was short."),
        ("ru", "", "Зеленский заявил, что Китай не поставляет России оружие."),
        ("ru", "", "Зеленский заявил, что Китай пока не поставляет России оружие."),
        ("uk", "", "Блінкен заявив, що Китай не постачав Росії зброю."),
        ("zh", "", "布林肯表示，中国没有向俄罗斯提供致命性武器。"),
    ],
)
def test_another_side_s_official_saying_china_has_not_supplied_is_no_denial(
    language: str, title: str, text: str
) -> None:
    assert status(text, title=title, language=language) == "alleged"


@pytest.mark.parametrize(
    ("language", "title", "text"),
    [
        (
            "en",
            "",
            "Responding to Blinken, spokesperson Mao Ning said China has never supplied lethal weapons.",
        ),
        ("en", "China will not supply weapons to Russia, Xi tells Scholz", "The talks lasted two hours."),
        ("ru", "", "Отвечая Блинкену, Мао Нин заявила, что Китай никогда не поставлял оружие России."),
        ("zh", "", "针对布林肯的说法，外交部发言人毛宁表示，中方从未向俄罗斯提供致命性武器。"),
    ],
)
def test_china_s_side_answering_another_side_s_official_still_denies(
    language: str, title: str, text: str
) -> None:
    assert status(text, title=title, language=language) == "denied"


@pytest.mark.parametrize(
    "text",
    [
        "The president wants guarantees from several states to provide Ukraine with military aid.",
        "EU member states are divided over the Chinese drone parts reported by the paper.",
        "The government of the United States and China discussed drone parts reportedly sold to Russia.",
    ],
)
def test_states_the_plural_noun_is_no_statement_on_record(text: str) -> None:
    assert status(text, language="en") == "alleged"


def test_a_state_visit_is_no_statement_on_record() -> None:
    text = (
        "Putin arrived on Thursday for a state visit to Beijing, where Chinese firms supply his arms makers."
    )
    assert status(text, language="en") == "alleged"


def test_chinese_fighters_caught_fighting_are_confirmed_even_when_a_leader_says_so() -> None:
    title = "Two Chinese nationals caught fighting for Russia in Ukraine, Zelensky says"
    assert status("", title=title, language="en") == "confirmed"


# --- inflection: a cue word written once finds its forms -------------------------------------


@pytest.mark.parametrize(
    ("language", "text", "expected"),
    [
        # ru: "ввести санкция" written as lemmas finds past plural and instrumental forms
        ("ru", "Власти ЕС ввели новые санкции против китайских компаний.", "designated"),
        ("ru", "Китайские компании попали под санкции США за поставки микросхем.", "designated"),
        # uk: "заперечувати" / "заперечити" find the past plural
        ("uk", "У Пекіні заперечили будь-які постачання зброї Росії.", "denied"),
        # ru: "признать" finds the past feminine
        ("ru", "Китайская компания признала, что продала двигатели российскому заводу.", "confirmed"),
        # en: "deny" finds "denies", "acknowledge" finds "acknowledged"
        ("en", "Beijing denies the Chinese firm sold engines to Russia.", "denied"),
        ("en", "The Chinese supplier acknowledged shipping the engines.", "confirmed"),
    ],
)
def test_cue_words_written_once_find_their_inflected_forms(language: str, text: str, expected: str) -> None:
    assert status(text, language=language) == expected


def test_the_language_is_detected_when_not_given() -> None:
    assert status(
        "Минфин США ввёл санкции против трёх китайских компаний, поставлявших России микросхемы."
    ) == ("designated")


# --- hostile input ---------------------------------------------------------------------------


def test_huge_and_hostile_input_is_read_only_as_far_as_the_lead() -> None:
    wall = "sanctioned Chinese " * 300_000  # 5.7 MB of cue words without a sentence end
    started = time.thread_time()
    claim = classify_claim(
        CUES, "x" * 200_000, wall, "en", ["imposed sanctions on Chinese firms " * 1000] * 1000
    )
    assert claim.status == "designated"
    assert time.thread_time() - started < 20  # bounded: the lead and evidence are capped
    # a cue that stands only past the lead's limit is never read
    far = "The plant grew " + "very " * 2_000 + "big. The US sanctioned the Chinese plant."
    assert status(far, language="en") == "alleged"


@pytest.mark.parametrize(
    "text",
    ["", "   ", "\x00\x00", "<script>alert(1)</script> denied", "\u202e" * 1000, "。" * 10_000, "🙂" * 5000],
)
def test_empty_and_odd_text_gets_a_status_without_error(text: str) -> None:
    assert classify_claim(CUES, text, text).status in STATUSES


# --- the cue files -------------------------------------------------------------------------


def test_the_default_cues_pass_their_own_examples_and_counterexamples() -> None:
    assert check_cues(CUES) == []


def test_the_default_cues_cover_the_rule_languages() -> None:
    files = sorted(p.stem for p in (ROOT / "config" / "rules" / "claims" / "lang").glob("*.toml"))
    assert files == sorted(LANGUAGES)  # every language a rule file may be written in
    assert len(LANGUAGES) == 29
    statuses = {cue.status for cue in CUES.cues.values()}
    assert statuses == set(STATUSES)


GROUPS = """
[groups.SAY]
aliases = ["said"]

[groups.BODY]
aliases = ["NATO"]
"""


def write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def cue(query: str, status: str = "official", id: str = "body-says") -> str:
    return f'\n[[cues]]\nid = "{id}"\nstatus = "{status}"\ndescription = "d"\nquery = "{query}"\n'


def test_a_small_cue_folder_loads_and_classifies(tmp_path: Path) -> None:
    write(tmp_path, "cues.toml", GROUPS + cue("BODY NEAR/3 SAY"))
    write(tmp_path, "lang/ru.toml", 'language = "ru"\n[aliases]\nSAY = ["заявить"]\nBODY = ["НАТО"]\n')
    cues = load_cues(tmp_path)
    assert classify_claim(cues, "", "В НАТО заявили, что Китай помогает России.", "ru").status == "official"
    assert classify_claim(cues, "", "Nothing here.", "en").cue is None


@pytest.mark.parametrize(
    ("files", "message"),
    [
        (
            {"cues.toml": GROUPS + cue("BODY NEAR/3 SAY", status="rumoured")},
            "cues.toml: cue 'body-says': key 'status': must be one of",
        ),
        (
            {"cues.toml": GROUPS + cue("BODY NEAR/3 SAYS")},
            "cues.toml: cue 'body-says': key 'query': unknown group 'SAYS' (did you mean SAY?)",
        ),
        ({"cues.toml": GROUPS + cue("BODY NEAR/3 (SAY")}, "cues.toml: cue 'body-says': key 'query': column"),
        ({"cues.toml": GROUPS + cue("BODY") + cue("SAY")}, "cues.toml: cue 'body-says': id already used in"),
        (
            {"cues.toml": GROUPS + cue("BODY", id="Body Says")},
            "cues.toml: cue 'Body Says': key 'id': ids are lower-case",
        ),
        (
            {"cues.toml": GROUPS.replace('"said"', '"s*"') + cue("SAY")},
            "cues.toml: group 'SAY': key 'aliases[0]': 's*': a wildcard needs",
        ),
        (
            {"cues.toml": GROUPS + cue("SAY"), "lang/ru.toml": '[aliases]\nSAY = ["заявить"]\n'},
            "ru.toml: language: is required with [aliases]",
        ),
        (
            {
                "cues.toml": GROUPS + cue("SAY"),
                "lang/ru.toml": 'language = "ru"\n[aliases]\nBODDY = ["НАТО"]\n',
            },
            "ru.toml: aliases: key 'BODDY': unknown group 'BODDY' (did you mean BODY?)",
        ),
        (
            {"cues.toml": GROUPS + cue("SAY") + '\n[[cues]]\nid = "broken"\nstatus = \n'},
            "cues.toml: cue 'broken': invalid TOML",
        ),
        (
            {"cues.toml": "settings = 1\n" + GROUPS + cue("SAY")},
            "cues.toml: unknown top-level key 'settings'",
        ),
        (
            {"cues.toml": GROUPS + cue("SAY") + "\nscope = 'paragraph'\n"},
            "cues.toml: cue 'body-says': key 'scope': unknown key",
        ),
        ({"cues.toml": GROUPS + cue("SAY", id="a") + "\nenabled = false\n"}, "no enabled cues"),
        ({"a.toml": GROUPS + cue("SAY"), "b.toml": GROUPS}, "b.toml: group 'SAY': already defined in"),
    ],
)
def test_an_invalid_cue_file_is_one_line_naming_file_entry_and_key(
    tmp_path: Path, files: dict[str, str], message: str
) -> None:
    for name, text in files.items():
        write(tmp_path, name, text)
    with pytest.raises(ClaimConfigError) as caught:
        load_cues(tmp_path)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)
    assert isinstance(caught.value, ConfigError)


def test_a_missing_cue_folder_is_named(tmp_path: Path) -> None:
    with pytest.raises(ClaimConfigError, match="claim cues folder not found"):
        load_cues(tmp_path / "nowhere")


# --- the measured figures ------------------------------------------------------------------


@pytest.mark.corpus
@pytest.mark.skipif(not (SHARED / "corpus" / "relevance").exists(), reason="../shared/corpus not present")
def test_hand_labels_score_at_or_above_the_pinned_floors() -> None:
    from newswatch.claims import cues_for

    bench = load_bench("claims")
    rules = bench.load_ruleset(bench.RULES)  # the cues as a crawl uses them: with the gazetteer's names
    result = bench.score(
        cues_for(bench.RULES, rules.gazetteer), rules, bench.labelled_items(bench.load_labels())
    )
    floors = json.loads((ROOT / "bench" / "baselines" / "claims.json").read_text())
    below = {k: (result[k], floor) for k, floor in floors.items() if result[k] < floor}
    assert below == {}
    assert result["items"] >= 60  # the count of hand labels


def test_the_labels_cite_ids_and_say_why_in_one_sentence() -> None:
    rows = [json.loads(line) for line in (ROOT / "bench" / "data" / "claims.jsonl").open(encoding="utf-8")]
    assert len(rows) >= 60 and len({r["id"] for r in rows}) == len(rows)
    for row in rows:
        assert set(row) == {"id", "status", "why"} and row["status"] in STATUSES
        assert 0 < len(row["why"]) <= 120


# --- stored with the article ----------------------------------------------------------------


def _fetched(url: str, title: str, text: str, when: datetime) -> Any:
    from newswatch.records import Article, Candidate, Extraction

    candidate = Candidate(url=url, outlet="news", source="https://news.example.org/rss", source_kind="feed")
    item = Article(url=url, final_url=url, outlet="news", fetched_at=when, html="", candidate=candidate)
    item.extraction = Extraction(text=text, title=title, published=when, language="en")
    return item


def test_the_archive_keeps_a_flagged_articles_claim_and_updates_it_with_a_new_version(tmp_path: Path) -> None:
    from newswatch.archive import Archive
    from newswatch.clock import fixed_clock
    from newswatch.rules import load_ruleset
    from newswatch.stories import StoryIndex, fingerprint
    from pipelines.classify import ClassifyPipeline

    when = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
    pipeline = ClassifyPipeline(None, load_ruleset(ROOT / "config" / "rules"), load_cues())  # type: ignore[arg-type]
    archive, stories = Archive(tmp_path / "newswatch.db", clock=fixed_clock(when)), StoryIndex()
    url = "https://news.example.org/world/drone-engines-5800001"

    def archive_text(title: str, text: str, revisit: bool = False) -> dict[str, Any]:
        item = pipeline.process_item(_fetched(url, title, text, when))
        item.revisit = revisit
        archive.articles.store(item, item.extraction, url, "run", fingerprint(title, text), stories, revisit)
        (status, cue), *others = archive.conn.execute(
            "SELECT claim_status, claim_cue FROM articles"
        ).fetchall()
        assert not others  # one article, in versions
        return {"claim_status": status, "claim_cue": cue}

    first = archive_text(
        "US sanctions Chinese drone-engine makers",
        "The US Treasury imposed sanctions on two Chinese companies on Thursday for shipping drone "
        "engines to Russia's military.",
    )
    assert first["claim_status"] == "designated"
    cue = json.loads(first["claim_cue"])
    assert cue["words"] and "sanction" in " ".join(cue["words"]).lower() and cue["sentence"]
    from alerts.outbox import Outbox

    (alert,) = Outbox(archive).due(when)  # what the Slack message is rendered from
    assert alert.claim_status == "designated" and alert.claim_words == tuple(cue["words"])
    second = archive_text(
        "Beijing rejects drone-engine claims",
        "China's foreign ministry denied that Chinese companies supplied drone engines to Russia's army, "
        "calling the reports groundless.",
        revisit=True,
    )
    assert second["claim_status"] == "denied"
    quiet = archive_text("Weather", "Sunny in Brussels all week, with a light breeze.", revisit=True)
    assert quiet == {"claim_status": None, "claim_cue": None}
    archive.close()


def test_a_bad_rule_id_is_reported_as_an_id_even_after_the_claim_cues_were_loaded(tmp_path: Path) -> None:
    import shutil

    import newswatch.claims  # noqa: F401  (its models use the same id pattern as the rules')
    from newswatch.config.problems import SLUG_ID, matching
    from newswatch.rules import RuleConfigError, load_ruleset

    assert SLUG_ID.pattern is not None
    with pytest.raises(ValueError, match="already means"):  # one pattern, one meaning
        matching(SLUG_ID.pattern, "cue ids are lower-case letters, digits, '-' and '_'")
    rules = tmp_path / "rules"
    shutil.copytree(ROOT / "config" / "rules", rules)
    topic = rules / "topic.toml"
    text = topic.read_text(encoding="utf-8")
    first_id = text.index('id = "', text.index("[[rules]]"))
    topic.write_text(
        text[:first_id] + 'id = "Bad Id"\n' + text[text.index("\n", first_id) + 1 :], encoding="utf-8"
    )
    with pytest.raises(RuleConfigError) as raised:
        load_ruleset(rules)
    assert "rule 'Bad Id': key 'id': ids are lower-case letters" in str(raised.value)
    assert "cue" not in str(raised.value)


def test_a_named_supplier_counts_as_chinese_for_the_cues_of_its_ruleset() -> None:
    from newswatch.claims import cues_for
    from newswatch.rules import load_ruleset

    rules = ROOT / "config" / "rules"
    cues = cues_for(rules, load_ruleset(rules).gazetteer)
    title = "США ввели санкции против Xiamen Limbach"
    text = "Минфин США ввёл санкции против Xiamen Limbach за поставки двигателей для российских дронов."
    assert classify_claim(cues, title, text, "ru", []).status == "designated"
    assert classify_claim(CUES, title, text, "ru", []).status != "designated"  # cues alone: no name
    assert cues.fingerprint != CUES.fingerprint


@pytest.mark.parametrize(
    ("language", "title", "status"),
    [
        ("en", "Xiamen Limbach denied it was sanctioned", "denied"),
        ("zh", "厦门林巴贺否认受到制裁", "denied"),
        ("ru", "США могут ввести санкции против Xiamen Limbach", "alleged"),
        (
            "en",
            "Russian drones use engines from Xiamen Limbach, a sanctioned firm, researchers say",
            "alleged",
        ),
        ("en", "The US sanctioned Xiamen Limbach on Thursday", "designated"),
    ],
)
def test_a_named_supplier_denying_or_described_as_sanctioned_is_no_new_designation(
    language: str, title: str, status: str
) -> None:
    from newswatch.claims import cues_for
    from newswatch.rules import load_ruleset

    rules = ROOT / "config" / "rules"
    assert (
        classify_claim(cues_for(rules, load_ruleset(rules).gazetteer), title, "", language, []).status
        == status
    )


# --- Dutch, Portuguese, Swedish, Czech, Lithuanian -------------------------------------------

# (language, text) → status: every status in each language, the forms news use (plurals, past
# tenses, compounds, cases), and negated, threatened or conditional cues that must not decide
NEW_LANGUAGE_CASES = {
    "designated": [
        (
            "nl",
            "De Europese Unie heeft sancties opgelegd aan vier Chinese bedrijven die onderdelen voor drones aan Rusland leverden.",
        ),
        (
            "nl",
            "Washington zette twee handelshuizen uit Hongkong op de zwarte lijst wegens de levering van chips aan Russische wapenmakers.",
        ),
        (
            "pt",
            "Os Estados Unidos impuseram sanções a cinco empresas chinesas que venderam motores de drones à Rússia.",
        ),
        (
            "pt",
            "A União Europeia aplicou sanções a três empresas de Hong Kong por fornecerem componentes eletrónicos a Moscovo.",
        ),
        ("sv", "USA har infört sanktioner mot fem kinesiska företag som sålt drönarmotorer till Ryssland."),
        (
            "sv",
            "EU svartlistade tre bolag i Hongkong för leveranser av elektronik till den ryska försvarsindustrin.",
        ),
        ("cs", "Spojené státy uvalily sankce na pět čínských firem, které prodávaly Rusku motory pro drony."),
        (
            "cs",
            "Evropská unie zařadila tři hongkongské společnosti na sankční seznam kvůli dodávkám čipů do Ruska.",
        ),
        ("lt", "JAV įvedė sankcijas penkioms Kinijos bendrovėms, kurios pardavė Rusijai dronų variklius."),
        (
            "lt",
            "Europos Sąjunga įtraukė tris Honkongo įmones į sankcijų sąrašą už lustų tiekimą Rusijai.",
        ),
    ],
    "confirmed": [
        ("nl", "In de brokstukken van neergeschoten Russische drones zijn Chinese onderdelen aangetroffen."),
        (
            "nl",
            "Uit douanegegevens blijkt dat het Chinese bedrijf dertig ton nitrocellulose naar een Russische fabriek verscheepte.",
        ),
        ("nl", "Het Chinese bedrijf gaf toe dat het de motoren aan een Russische afnemer had verkocht."),
        ("pt", "Foram encontrados componentes chineses nos destroços de drones russos abatidos na Ucrânia."),
        ("pt", "Os registos aduaneiros mostram que a empresa chinesa enviou pólvora para uma fábrica russa."),
        ("pt", "As forças ucranianas capturaram dois cidadãos chineses que combatiam pelo exército russo."),
        ("sv", "Kinesiska komponenter hittades i vrakdelarna från nedskjutna ryska drönare."),
        ("sv", "Enligt tulldata skickade det kinesiska företaget krut till en rysk fabrik."),
        ("sv", "Ukrainska soldater har tagit två kinesiska medborgare tillfånga som stred för Ryssland."),
        ("cs", "V troskách sestřelených ruských dronů byly nalezeny čínské součástky."),
        ("cs", "Podle celních údajů čínská firma poslala do ruské továrny střelný prach."),
        ("cs", "Ukrajinští vojáci zajali dva čínské občany, kteří bojovali za Rusko."),
        ("lt", "Numuštų Rusijos dronų nuolaužose rasta kiniškų komponentų."),
        ("lt", "Muitinės duomenys rodo, kad Kinijos bendrovė išsiuntė paraką į Rusijos gamyklą."),
        ("lt", "Ukrainos kariai paėmė į nelaisvę du Kinijos piliečius, kovojusius Rusijos pusėje."),
    ],
    "denied": [
        (
            "nl",
            "Het Chinese ministerie van Buitenlandse Zaken ontkende de berichten en noemde de beschuldigingen ongegrond.",
        ),
        (
            "nl",
            "Een woordvoerder van het ministerie zei dat China nooit dodelijke wapens aan een van beide partijen heeft geleverd.",
        ),
        (
            "pt",
            "O Ministério dos Negócios Estrangeiros da China negou as acusações e classificou-as de infundadas.",
        ),
        ("pt", "Pequim garantiu que nunca venderá armas letais à Rússia."),
        ("sv", "Kinas utrikesministerium förnekade uppgifterna och kallade anklagelserna grundlösa."),
        ("sv", "Peking försäkrade att man aldrig kommer att leverera dödliga vapen till Ryssland."),
        ("cs", "Čínské ministerstvo zahraničí obvinění popřelo a označilo je za nepodložená."),
        (
            "cs",
            "Mluvčí čínského ministerstva zahraničí řekl, že Čína nikdy nedodávala smrtící zbraně žádné ze stran.",
        ),
        ("cs", "Peking odmítl obvinění z dodávek zbraní Rusku."),
        ("lt", "Kinijos užsienio reikalų ministerija neigė kaltinimus ir pavadino juos nepagrįstais."),
        ("lt", "Pekinas patikino, kad niekada netieks Rusijai mirtinų ginklų."),
    ],
    "official": [
        (
            "nl",
            "De secretaris-generaal van de NAVO verklaarde dat China de Russische oorlogsindustrie ondersteunt.",
        ),
        (
            "nl",
            "De Europese Commissie stelde sancties voor tegen zeven Chinese bedrijven die Rusland helpen.",
        ),
        # a condition: a threat to act, not China's side saying it does not supply
        (
            "nl",
            "De minister zei dat Washington zal optreden als Chinese bedrijven niet stoppen met leveren aan Rusland.",
        ),
        ("pt", "O secretário-geral da NATO afirmou que a China apoia a indústria de defesa russa."),
        (
            "pt",
            "O secretário de Estado norte-americano disse que a China é o principal fornecedor de máquinas-ferramenta da Rússia.",
        ),
        (
            "pt",
            "O ministro disse que haverá consequências se as empresas chinesas não pararem de fornecer armas à Rússia.",
        ),
        ("sv", "Natos generalsekreterare sade att Kina stöder den ryska krigsindustrin."),
        (
            "sv",
            "EU-kommissionen föreslog sanktioner mot sju kinesiska företag som anklagas för att hjälpa Ryssland.",
        ),
        ("cs", "Generální tajemník NATO prohlásil, že Čína podporuje ruský zbrojní průmysl."),
        (
            "cs",
            "Americký ministr zahraničí řekl, že Čína je hlavním dodavatelem obráběcích strojů pro Rusko.",
        ),
        (
            "cs",
            "Ministr řekl, že Washington zakročí, pokud čínské firmy nepřestanou dodávat zbraně Rusku.",
        ),
        ("lt", "NATO generalinis sekretorius pareiškė, kad Kinija remia Rusijos karo pramonę."),
        ("lt", "JAV valstybės sekretorius sakė, kad Kinija yra pagrindinė staklių tiekėja Rusijai."),
    ],
    "alleged": [
        (
            "nl",
            "Volgens documenten die journalisten hebben ingezien, bouwt een Chinese fabriek aanvalsdrones voor Rusland.",
        ),
        ("nl", "Een Chinees bedrijf zou naar verluidt motoren voor Russische drones hebben geleverd."),
        # threatened sanctions are no designation, an undenied report no denial
        ("nl", "De Verenigde Staten dreigden sancties op te leggen aan Chinese banken, meldt de krant."),
        ("nl", "Peking heeft het bericht niet ontkend."),
        (
            "pt",
            "Segundo documentos consultados pela imprensa, uma fábrica chinesa produz drones para a Rússia.",
        ),
        ("pt", "Uma empresa chinesa terá vendido motores para drones russos, noticiou o jornal."),
        ("pt", "Segundo a imprensa, os EUA ameaçaram impor sanções a bancos chineses."),
        (
            "sv",
            "Enligt dokument som tidningen tagit del av tillverkar en kinesisk fabrik drönare åt Ryssland.",
        ),
        ("sv", "Ett kinesiskt företag ska ha sålt motorer till ryska drönare, uppger källor."),
        ("sv", "Peking har inte förnekat uppgifterna."),
        ("cs", "Podle dokumentů, které viděli novináři, vyrábí čínská továrna útočné drony pro Rusko."),
        ("cs", "Čínská firma údajně prodala Rusku motory pro drony."),
        ("cs", "Peking zprávu nepopřel."),
        ("cs", "Čína podle médií odmítla odsoudit ruskou invazi."),
        ("lt", "Pasak žurnalistų matytų dokumentų, Kinijos gamykla gamina atakos dronus Rusijai."),
        ("lt", "Žiniasklaidos duomenimis, Kinijos bendrovė tiekė variklius Rusijos dronams."),
        ("lt", "Kaip pranešama, JAV grasino įvesti sankcijas Kinijos bankams."),
    ],
}


@pytest.mark.parametrize(
    ("expected", "language", "text"),
    [
        (expected, language, text)
        for expected, cases in NEW_LANGUAGE_CASES.items()
        for language, text in cases
    ],
    ids=[
        f"{expected}-{language}-{i}"
        for expected, cases in NEW_LANGUAGE_CASES.items()
        for i, (language, _) in enumerate(cases)
    ],
)
def test_claims_in_the_new_languages_get_their_status(expected: str, language: str, text: str) -> None:
    claim = classify_claim(CUES, "", text, language)
    assert claim.status == expected, claim
    assert claim.cue is not None and claim.cue.words  # a cue of the language decided, not the default
