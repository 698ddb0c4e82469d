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

# (language, a report that China helps Russia's war against Ukraine); languages no rule file
# covers
REPORTS = [
    ("lv", "Ķīnas uzņēmumi ir nosūtījuši Krievijai detaļas, kuras tiek izmantotas karā pret Ukrainu."),
    ("hr", "Kineske tvrtke poslale su Rusiji dijelove koji se koriste u ratu protiv Ukrajine."),
    ("sl", "Kitajska podjetja so Rusiji poslala dele, ki se uporabljajo v vojni proti Ukrajini."),
    ("fa", "شرکت‌های چینی قطعاتی به روسیه فرستاده‌اند که در جنگ علیه اوکراین به کار می‌رود."),
    ("ka", "ჩინურმა კომპანიებმა რუსეთს გაუგზავნეს ნაწილები, რომლებიც უკრაინის წინააღმდეგ ომში გამოიყენება."),
    ("vi", "Các công ty Trung Quốc đã gửi linh kiện cho Nga để dùng trong cuộc chiến ở Ukraina."),
    ("az", "Çin şirkətləri Rusiyaya Ukraynaya qarşı müharibədə istifadə olunan hissələr göndərib."),
    # Serbian in Latin letters: CLDR's Serbian is Cyrillic, its sr_Latn names are read too
    ("sr", "Kineske kompanije isporučivale su Rusiji motore za dronove koji se koriste u ratu u Ukrajini."),
    # Hebrew writes "to", "in" and "and" onto the name: לרוסיה, באוקראינה
    ("he", "חברות סיניות שלחו לרוסיה חלקים לרחפנים שמשמשים במלחמה באוקראינה."),
    # Thai has no spaces between words: the names are found inside the run of letters
    ("th", "บริษัทจีนส่งชิ้นส่วนโดรนให้รัสเซียเพื่อใช้ในสงครามในยูเครน"),
    # Bengali adds endings to a three-letter name: চীনের (China's), রাশিয়াকে (to Russia)
    ("bn", "চীনের কোম্পানিগুলো ইউক্রেনে যুদ্ধের জন্য রাশিয়াকে ড্রোনের যন্ত্রাংশ পাঠিয়েছে।"),
    # Amharic writes "of", "to" and "in" onto the name: የቻይና, ለሩስያ, በዩክሬን
    ("am", "የቻይና ኩባንያዎች ለሩስያ በዩክሬን ለሚካሄደው ጦርነት የድሮን ሞተሮችን ልከዋል።"),
    # Khmer, unspaced: the names inside the run of letters
    ("km", "ក្រុមហ៊ុនចិនបានផ្ញើគ្រឿងបន្លាស់ដ្រូនទៅរុស្ស៊ីសម្រាប់សង្គ្រាមនៅអ៊ុយក្រែន។"),
    # Catalan: the adjective, lower-case, found by the four-letter name "Xina" all the same
    (
        "ca",
        "Empreses xineses han enviat a Rússia motors de drons que s'utilitzen a la guerra contra Ucraïna.",
    ),
    # Maltese: CLDR writes the names with their article (iċ-Ċina); "from China" is miċ-Ċina
    ("mt", "Kumpanija miċ-Ċina bagħtet partijiet lir-Russja għall-gwerra fl-Ukrajna."),
    # Croatian changes the last letter of "Kina": u Kini (in China)
    ("hr", "Tvornice u Kini proizvode dijelove za dronove koje Rusija koristi u ratu protiv Ukrajine."),
]


@pytest.mark.parametrize(("language", "text"), REPORTS, ids=[r[0] for r in REPORTS])
def test_a_report_in_a_language_without_a_rule_file_is_marked_for_review(language: str, text: str) -> None:
    verdict = MATCHER.classify("", text, language)
    assert verdict.review and not verdict.flagged, (language, verdict.terms)
    assert verdict.severity == "review"


def test_the_detected_language_brings_its_country_names() -> None:
    text = (
        "Ķīnas uzņēmumi ir nosūtījuši Krievijai elektroniku un dzinējus, kurus izmanto karā pret "
        "Ukrainu, paziņoja amerikāņu amatpersonas, atsaucoties uz muitas datiem un dokumentiem."
    )
    assert MATCHER.classify("", text).review  # no language given: detected as Latvian


@pytest.mark.parametrize(
    ("language", "text"),
    [
        ("lv", "Ķīnas un Latvijas tirdzniecība pagājušajā gadā pieauga, ziņo muita."),  # China alone
        ("lv", "Krievija iebruka Ukrainā 2022. gada februārī."),  # the war without China
        ("hr", "Kina gradi novu željezničku prugu u Srbiji."),
        ("th", "จีนและไทยลงนามข้อตกลงการค้าฉบับใหม่"),  # China and Thailand sign a trade deal
        ("he", "רוסיה תקפה שוב את אוקראינה הלילה."),  # Russia struck Ukraine again: no China
        ("sr", "Kina i Srbija potpisale su novi trgovinski sporazum."),
        # words that begin as a name of China does: Malay "cinta" (love), Catalan "xinxes"
        # (bedbugs), Persian "چینش" (line-up), Khmer "ចិន្តនា" (thought, ន joined to the next letter)
        ("ms", "Lagu cinta penyanyi dari Rusia dan Ukraine itu menjadi popular di Kuala Lumpur."),
        # a cinema's cases are China's too (kino, kinu): without the capital, a cinema; a long
        # word that begins alike is another word
        ("hr", "U zagrebačkom kinu ovaj tjedan prikazuju filmove redatelja iz Rusije i Ukrajine."),
        ("hr", "Festival predstavlja rusku i ukrajinsku kinematografiju."),
        ("ca", "Els jugadors de Rússia i Ucraïna van trobar xinxes a l'hotel."),
        ("fa", "مربی از چینش تازه تیم برای بازی با روسیه و اوکراین خبر داد."),
        ("km", "សិល្បករមកពីរុស្ស៊ី និងអ៊ុយក្រែន បានបង្ហាញចិន្តនារបស់ពួកគេ។"),
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
    # Latvian country names in a text declared Swedish (which has a file) are not read
    latvian_in_swedish = "Ķīnas uzņēmumi, Krievija un karš pret Ukrainu."
    assert not MATCHER.classify("", latvian_in_swedish, "sv").review
    assert MATCHER.classify("", latvian_in_swedish, "lv").review


def test_country_names_come_from_cldr_in_each_language() -> None:
    finnish = country_aliases("fi")
    assert finnish["CHINA"][0] == "Kiin*" and finnish["RUSSIA"][0] == "Venäj*"
    assert "oros*" in country_aliases("hu")["RUSSIA"]  # the language's name: the adjective "orosz"
    latvian = country_aliases("lv")["CHINA"]  # four letters, a vowel last: each Latvian vowel
    assert {"Ķīna*", "Ķīnā*", "Ķīnu*"} <= set(latvian)
    assert "Kinå*" not in country_aliases("hr")["CHINA"]  # å: in Croatian, of "Åland" only
    assert "ഉക്രെയ്*" in country_aliases("ml")["WAR"]  # ഉക്രെയ്‌ൻ: up to its zero-width non-joiner
    assert {"xinè*", "xine*"} <= set(country_aliases("ca")["CHINA"])  # xinès, xinesos
    assert "ཨུ་རུ་སུ" in country_aliases("bo")["RUSSIA"]  # Tibetan: syllables, not its last tsheg
    assert country_aliases("vi")["RUSSIA"][0] == "Nga"  # three Latin letters: as written
    assert country_aliases("bn")["CHINA"][0] == "চীন*"  # three, an Indic script: endings attach
    assert country_aliases("fa")["CHINA"][0] == "چین"  # three, Arabic script: as written
    assert country_aliases("th")["RUSSIA"] == ("รัสเซีย",)  # no spaces: whole, found inside words
    assert {"Rusij*", "Русиј*"} <= set(country_aliases("sr")["RUSSIA"])  # both of its scripts
    assert "Rusij*" in country_aliases("sh")["RUSSIA"]  # Serbo-Croatian: Serbian in Latin letters
    assert "לרוסי*" in country_aliases("he")["RUSSIA"]  # "to Russia", written as one word
    assert country_aliases("iw") == country_aliases("he")  # the code Hebrew had before
    assert country_aliases("qq") == {} and country_aliases("../x") == {}


def test_a_serbian_report_whose_language_is_unsure_is_marked_for_review() -> None:
    # the language model is torn between "sh" (Serbo-Croatian, a code CLDR has retired for
    # Serbian in Latin letters) and "sr": both bring the Latin names
    text = (
        "Kineske kompanije isporučivale su Rusiji motore i elektroniku za dronove koji se koriste "
        "u ratu u Ukrajini, navode američki zvaničnici pozivajući se na carinske podatke."
    )
    assert MATCHER.classify("", text).review


@pytest.mark.parametrize(
    "text",
    [
        "Suradnja s Kinom omogućila je Rusiji nove dronove za rat protiv Ukrajine.",
        "Kinezi isporučuju Rusiji dijelove koji se koriste u ratu u Ukrajini.",  # the Chinese
    ],
)
def test_a_form_of_a_four_letter_name_counts_with_its_capital(text: str) -> None:
    assert MATCHER.classify("", text, "hr").review


def test_a_tibetan_name_starts_a_syllable() -> None:
    # Dzongkha: China, Russia and Ukraine; then the syllable བརྒྱ (hundred), which ends as China begins
    assert MATCHER.classify("", "རྒྱ་ནག་གིས་ཨུ་རུ་སུ་ལུ་ཡུ་ཀརེན་གྱི་དམག་ནང་རོགས་རམ་འབད་ཡི།", "dz").review
    assert not MATCHER.classify("", "བརྒྱ་ནག་པོ་ཨུ་རུ་སུ་ལུ་ཡུ་ཀརེན་གྱི་དམག་ནང་སོང་ཡི།", "dz").review


def test_a_guess_is_read_as_the_rule_files_name_it(monkeypatch: pytest.MonkeyPatch) -> None:
    # Nynorsk ("nn") is read with no.toml: a text naming only the three countries stays unmarked
    from newswatch.rules import engine

    monkeypatch.setattr(engine, "guesses", lambda title, text, count: [("nn", 0.41), ("da", 0.29)])
    text = "Kina og Russland har skrive under ein ny avtale, medan krigen i Ukraina held fram."
    assert not MATCHER.classify("", text).review


def test_the_language_models_alemannic_is_swiss_german(monkeypatch: pytest.MonkeyPatch) -> None:
    from newswatch import language

    monkeypatch.setattr(language, "_predict", lambda model, sample, count: [("als", 0.9)])
    assert language.guesses("", "Mir händ hüt am Morge im Dorf es Fäscht gha.") == [("gsw", 0.9)]


def test_an_unsure_guess_led_by_a_language_without_a_file_brings_the_review() -> None:
    # Uzbek: the language model's likeliest guess, ahead of Turkish, which has a file
    text = (
        "Xitoy kompaniyalari Rossiyaga Ukrainaga qarshi urushda ishlatiladigan dron dvigatellarini "
        "yetkazib bergan."
    )
    assert MATCHER.classify("", text).review


def test_a_thai_name_is_found_inside_a_run_of_letters_and_not_across_paragraphs() -> None:
    together = "บริษัทจีนส่งชิ้นส่วนโดรนให้รัสเซียเพื่อใช้ในสงครามในยูเครน"
    assert MATCHER.classify("", together, "th").review
    apart = "บริษัทจีนเปิดโรงงานใหม่\nรัสเซียโจมตียูเครนอีกครั้ง"  # China here, the war there
    assert not MATCHER.classify("", apart, "th").review


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
            "lv",
            "ASV noteica sankcijas pret Xiamen Limbach, kas piegādāja dzinējus Krievijas armijas droniem.",
        ),
        (
            "hr",
            "SAD je uveo sankcije tvrtki Xiamen Limbach koja je isporučivala motore za dronove ruske vojske "
            "u Rusiji.",
        ),
    ],
)
def test_a_named_supplier_with_russia_is_flagged_in_a_language_without_a_file(
    language: str, text: str
) -> None:
    verdict = MATCHER.classify("", text, language)
    assert verdict.flagged and "named-chinese-supplier" in verdict.rules, verdict.rules
