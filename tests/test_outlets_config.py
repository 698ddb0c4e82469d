"""Outlets as data: the shipped file loads, and every invalid input gets one clear line."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import pytest
from helpers import ROOT, crawl_env, run_newswatch

from newswatch.clock import parse_interval
from newswatch.outlets import Outlet, OutletConfigError, load_outlets, select

SEEDS = {"rferl", "kyivindependent", "washingtonexaminer", "epochtimes", "dw"}
VALID = """
[outlets.dw]
name = "DW"
homepage = "https://www.dw.com/en/"
language = "en"
feeds = ["https://rss.dw.com/rdf/rss-en-all"]
allow = ['/a-\\d+$']
interval = "10m"
"""


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "outlets.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_shipped_outlets_file_loads_with_the_seeds_and_at_least_twenty_outlets() -> None:
    outlets = load_outlets(ROOT / "config" / "outlets.toml")
    assert len(outlets) >= 20
    assert set(outlets) >= SEEDS
    enabled = [o for o in outlets.values() if o.enabled]
    assert len(enabled) >= 20
    for outlet in enabled:
        assert outlet.sources(), outlet.key
        assert outlet.in_scope(outlet.homepage), outlet.key


# One real article URL per enabled outlet, each seen in a public copy: the S1 fundus fixtures
# (flairNLP/fundus), the N1 sitemap copies (loxar-ua/case-monitoring-etl) or links in public files
# found by exact-string search. The header of config/outlets.toml names the sources.
REAL_ARTICLES: list[tuple[str, str]] = [
    ("rferl", "https://www.rferl.org/a/us-congress-sweeping-russia-iran-sanctions-bill/33857946.html"),
    ("kyivindependent", "https://kyivindependent.com/ukraine-strikes-wildberries-rival-in-russias-orenburg/"),
    (
        "washingtonexaminer",
        "https://www.washingtonexaminer.com/policy/defense/4711931/pentagon-anthropic-supply-chain-risk-despite-court-ruling/",
    ),
    (
        "epochtimes",
        "https://www.theepochtimes.com/world/eu-lawmakers-advance-mass-private-message-scanning-measure-6059506",
    ),
    ("dw", "https://www.dw.com/en/hong-kong-activist-joshua-wong-pleads-guilty-to-collusion/a-78657525"),
    ("dw_de", "https://www.dw.com/de/ukrainische-gegenoffensive-ziele-chancen-risiken/a-65464327"),
    ("apnews", "https://apnews.com/article/mexico-economy-growth-3cc842471fb9df42315d658d88c8403a"),
    (
        "politico_eu",
        "https://www.politico.eu/article/catherine-connolly-socialist-critic-nato-eu-poised-win-ireland-presidency/",
    ),
    ("politico_us", "https://www.politico.com/news/2026/09/29/nvidia-amd-trump-chips-china-ai-01096445"),
    ("politico_us", "https://www.politico.com/news/2020/09/03/pennsylvania-democrats-election-day-408147"),
    (
        "scmp",
        "https://www.scmp.com/news/china/military/article/3311054/china-aims-new-jy-27v-radar-stealthy-targets-such-ameri",
    ),
    ("nikkei_asia", "https://asia.nikkei.com/politics/defense/turkey-pakistan-saudi-pact-a-muslim-nato-5-things-to-know"),
    ("nikkei_asia", "https://asia.nikkei.com/Politics/Suga-s-approval-rating-remains-low-at-43-Nikkei-poll"),
    ("moscowtimes", "https://www.themoscowtimes.com/2022/05/12/putin-pulls-russian-spy-agency-out-of-ukraine-a77642"),
    ("meduza", "https://meduza.io/en/feature/2025/02/24/three-years-of-death"),
    ("kyivpost", "https://www.kyivpost.com/post/84579"),
    ("pravda_ua", "https://www.pravda.com.ua/eng/news/2026/10/07/8056915/"),
    (
        "defensenews",
        "https://www.defensenews.com/global/europe/2026/04/30/ukraines-army-chief-shakes-up-troop-rotations-after-outcry/",
    ),
    ("breakingdefense", "https://breakingdefense.com/2026/01/china-gps-advantage-taiwan-altpnt/"),
    ("thediplomat", "https://thediplomat.com/2022/04/shehbaz-sharif-has-too-many-fires-to-put-out/"),
    ("voa", "https://www.voanews.com/a/america-s-child-care-crisis-is-holding-back-moms-without-college-degrees-/7585813.html"),
    ("bbc", "https://www.bbc.com/news/articles/clymn8zyrp9o"),
    ("bbc", "https://www.bbc.com/news/explainers-63159607"),
    (
        "guardian",
        "https://www.theguardian.com/world/2024/feb/24/death-toll-in-valencia-fire-rises-to-10-as-remains-of-last-missing-person-found",
    ),
    (
        "aljazeera",
        "https://www.aljazeera.com/news/2026/7/25/guterres-arrives-in-syria-in-first-official-visit-by-a-un-chief-in-17-years",
    ),
    (
        "aljazeera",
        "https://www.aljazeera.com/features/2025/3/20/the-ghost-reporters-writing-pro-russian-propaganda-in-west-africa",
    ),
    ("tass", "https://tass.com/world/2195299"),
    ("globaltimes", "https://www.globaltimes.cn/page/202607/1366817.shtml"),
    (
        "united24",
        "https://united24media.com/war-in-ukraine/sky-fortress-ukraines-acoustic-detection-system-that-tracks-drones-cheap-and-fast-9451",
    ),
    ("militarnyi", "https://militarnyi.com/en/articles/from-kalibr-to-kinzhal-how-much-do-russian-missiles-really-cost/"),
    ("jamestown", "https://jamestown.org/program/examining-chinas-grand-strategy-for-risc-v/"),
    (
        "isw",
        "https://understandingwar.org/research/russia-ukraine/russian-offensive-campaign-assessment-october-29-2025/",
    ),
    ("xinhua", "https://english.news.cn/20260614/1408bb65ae534b58b62bed4e5b74e01a/c.html"),
    ("svoboda", "https://www.svoboda.org/a/sayt-radio-svoboda-zablokirovan-v-rossii/31732804.html"),
    ("radiosvoboda", "https://www.radiosvoboda.org/a/news-rosia-ataka-droniv/33629716.html"),
    ("currenttime", "https://www.currenttime.tv/a/rkn-postavil-zadachu-zablokirovat-92-vpn-k-2030-godu/33748705.html"),
    (
        "meduza_ru",
        "https://meduza.io/news/2026/01/13/lenta-ob-yavila-o-pokupke-obi-set-gipermarketov-smenit-nazvanie-na-dom-lenta",
    ),
    ("mediazona", "https://zona.media/news/2026/10/02/plague"),
    ("theinsider", "https://theins.ru/news/285526"),
    ("kommersant", "https://www.kommersant.ru/doc/7715044"),
    ("pravda_uk", "https://www.pravda.com.ua/news/2025/12/01/8009694/"),
    (
        "suspilne",
        "https://suspilne.media/1171810-bagato-zminuetsa-e-signali-so-komanda-trampa-cue-nas-zelenskij-pro-peregovori-u-zenevi/",
    ),
    ("espreso", "https://espreso.tv/viyna-z-rosiyeyu-vms-urazili-v-krimu-komunikatsiyniy-vuzol-chornomorskogo-flotu-rosii"),
    (
        "armyinform",
        "https://armyinform.com.ua/2026/09/19/213-boyezitknen-za-dobu-genshtab-zsu-rozpoviv-pro-sytuacziyu-na-klyuchovyh-napryamkah/",
    ),
    ("people_cn", "http://politics.people.com.cn/n1/2024/0424/c1001-40223222.html"),
    ("yomiuri", "https://www.yomiuri.co.jp/world/20241203-OYT1T50218/"),
    ("asahi", "https://www.asahi.com/articles/AST1F4445T1FUTIL02SM.html"),
    ("mainichi", "https://mainichi.jp/articles/20250114/k00/00m/030/335000c"),
    ("sankei", "https://www.sankei.com/article/20250121-QBJP5I25BBIG5IZ76XZNDHDB5Q/"),
    ("hankookilbo", "https://www.hankookilbo.com/news/article/A2026071220290000630"),
    ("hankookilbo", "https://www.hankookilbo.com/News/Read/A2025051516330004328"),
    ("mk", "https://www.mk.co.kr/news/politics/11333783"),
    (
        "spiegel",
        "https://www.spiegel.de/wirtschaft/unternehmen/silicon-valley-bank-federal-reserve-raeumt-versaeumnisse-bei-aufsicht-ein-a-60a0111a-c2d2-46c8-9e93-b16a374e6ba8",
    ),
    ("faz", "https://www.faz.net/aktuell/politik/ausland/die-schweiz-ist-ein-grosser-tummelplatz-fuer-russische-spione-19655247.html"),
    ("faz", "https://www.faz.net/aktuell/wirtschaft/unternehmen/wie-gefaehrlich-billigware-aus-china-wirklich-ist-110419175.html"),
    ("tagesschau", "https://www.tagesschau.de/inland/innenpolitik/ahrtal-flut-bilanz-100.html"),
    (
        "lemonde",
        "https://www.lemonde.fr/politique/article/2023/08/30/sophie-binet-met-en-garde-emmanuel-macron-sur-la-gravite-de-la-situation-dans-le-pays_6187099_823448.html",
    ),
    (
        "lefigaro",
        "https://www.lefigaro.fr/international/guerre-en-ukraine-deux-morts-dans-des-frappes-russes-dans-le-nord-est-du-pays-20241122",
    ),
    (
        "euronews_fr",
        "https://fr.euronews.com/green/2024/04/30/comment-les-efforts-europeens-ont-permis-de-sauver-le-merlu-de-lextinction",
    ),
    (
        "rzeczpospolita",
        "https://www.rp.pl/konflikty-zbrojne/art44186001-iran-zrezygnowal-z-drugiej-rundy-rozmow-z-usa-powodem-wygorowane-zadania-waszyngtonu",
    ),
]
# Known non-articles that deny or allow must refuse, beyond each outlet's homepage.
NON_ARTICLES: list[tuple[str, str]] = [
    ("dw", "https://www.dw.com/en/live-updates/live-68812345"),
    ("apnews", "https://apnews.com/hub/russia-ukraine"),
    ("aljazeera", "https://www.aljazeera.com/news/liveblog/2026/7/25/russia-ukraine-war-live"),
    ("meduza_ru", "https://meduza.io/en/feature/2025/02/24/three-years-of-death"),  # the English edition's
    ("pravda_uk", "https://www.pravda.com.ua/eng/news/2026/10/07/8056915/"),  # the English edition's
    ("mk", "https://www.mk.co.kr/news/columnists/11333783"),
]
NON_ENGLISH = {"ru", "uk", "zh", "de", "fr", "ja", "ko", "pl"}


def shipped() -> dict[str, Outlet]:
    return load_outlets(ROOT / "config" / "outlets.toml")


@pytest.mark.parametrize(("key", "url"), REAL_ARTICLES, ids=[f"{k}-{i}" for i, (k, _) in enumerate(REAL_ARTICLES)])
def test_shipped_outlet_accepts_a_real_article_url(key: str, url: str) -> None:
    outlet = shipped()[key]
    assert outlet.rejects(url) is None, (key, url, outlet.rejects(url))


@pytest.mark.parametrize(("key", "url"), NON_ARTICLES, ids=[k for k, _ in NON_ARTICLES])
def test_shipped_outlet_refuses_a_known_non_article(key: str, url: str) -> None:
    assert shipped()[key].rejects(url) in {"denied", "not_allowed"}, (key, url)


def test_every_enabled_outlet_is_checked_against_a_real_article_and_refuses_its_homepage() -> None:
    outlets = shipped()
    enabled = {key for key, outlet in outlets.items() if outlet.enabled}
    assert enabled <= {key for key, _ in REAL_ARTICLES}, sorted(enabled - {key for key, _ in REAL_ARTICLES})
    for key in enabled:
        assert outlets[key].rejects(outlets[key].homepage) is not None, key


def test_at_least_fifteen_enabled_outlets_publish_in_the_rule_languages_besides_english() -> None:
    others = [o for o in shipped().values() if o.enabled and o.language in NON_ENGLISH]
    assert len(others) >= 15, [o.key for o in others]
    assert {o.language for o in others} == NON_ENGLISH


def test_every_shipped_outlet_declares_its_language() -> None:
    assert [key for key, outlet in shipped().items() if not outlet.language] == []


def test_a_valid_outlet_is_read_with_defaults(tmp_path: Path) -> None:
    outlet = load_outlets(write(tmp_path, VALID))["dw"]
    assert outlet.interval == timedelta(minutes=10)
    assert outlet.feeds == ("https://rss.dw.com/rdf/rss-en-all",)
    assert outlet.enabled and outlet.domains == {"dw.com", "rss.dw.com"}


BAD_CASES = [
    ("unknown key", VALID + 'feeeds = ["https://x.org/f"]\n', "dw", "feeeds", "did you mean 'feeds'"),
    (
        "bad URL",
        VALID.replace("https://rss.dw.com/rdf/rss-en-all", "rss.dw.com/feed"),
        "dw",
        "feeds[0]",
        "not an absolute",
    ),
    (
        "bad scheme",
        VALID.replace("https://rss.dw.com/rdf/rss-en-all", "ftp://x.org/f"),
        "dw",
        "feeds[0]",
        "not an absolute",
    ),
    ("bad regex", VALID.replace("'/a-\\d+$'", "'/a-(\\d+$'"), "dw", "allow[0]", "bad regex"),
    (
        "no source",
        VALID.replace('feeds = ["https://rss.dw.com/rdf/rss-en-all"]', ""),
        "dw",
        None,
        "has no source",
    ),
    ("no name", VALID.replace('name = "DW"', ""), "dw", "name", "is required"),
    (
        "no homepage",
        VALID.replace('homepage = "https://www.dw.com/en/"', ""),
        "dw",
        "homepage",
        "is required",
    ),
    ("bad interval", VALID.replace('"10m"', '"10 minutes"'), "dw", "interval", "bad interval"),
    ("interval too short", VALID.replace('"10m"', '"1s"'), "dw", "interval", "shorter than"),
    ("interval not a string", VALID.replace('"10m"', "10"), "dw", "interval", "must be a string"),
    ("bad language", VALID.replace('"en"', '"English"'), "dw", "language", "ISO 639-1"),
    (
        "feeds not a list",
        VALID.replace('["https://rss.dw.com/rdf/rss-en-all"]', "42"),
        "dw",
        "feeds",
        "list of strings",
    ),
    (
        "empty string in list",
        VALID.replace('["https://rss.dw.com/rdf/rss-en-all"]', '["https://a.org/f", ""]'),
        "dw",
        "feeds[1]",
        "non-empty",
    ),
    (
        "duplicate URL",
        VALID.replace('["https://rss.dw.com/rdf/rss-en-all"]', '["https://a.org/f", "https://a.org/f#x"]'),
        "dw",
        "feeds[1]",
        "duplicate",
    ),
    ("enabled not bool", VALID + 'enabled = "yes"\n', "dw", "enabled", "true or false"),
    (
        "listing without allow",
        VALID.replace("allow = ['/a-\\d+$']", 'listing_pages = ["https://www.dw.com/en/"]'),
        "dw",
        "allow",
        "required with listing_pages",
    ),
    ("bad domain", VALID + 'domains = ["not a host"]\n', "dw", "domains[0]", "not a host name"),
    (
        "bad outlet key",
        VALID.replace("[outlets.dw]", "[outlets.DW-English]"),
        "DW-English",
        None,
        "lower-case",
    ),
    ("duplicate table", VALID + VALID, "dw", None, "invalid TOML"),
    (
        "duplicate key",
        VALID.replace('language = "en"', 'language = "en"\nlanguage = "de"'),
        "dw",
        None,
        "invalid TOML",
    ),
    ("outlet not a table", 'outlets.dw = "x"\n', "dw", None, "must be a table"),
    (
        "source shared by two outlets",
        VALID + VALID.replace("[outlets.dw]", "[outlets.dw2]"),
        "dw2",
        "feeds",
        "also a source of outlet 'dw'",
    ),
]


@pytest.mark.parametrize(
    ("case", "text", "outlet", "key", "problem"), BAD_CASES, ids=[c[0] for c in BAD_CASES]
)
def test_invalid_outlets_give_one_line_naming_file_outlet_and_key(
    tmp_path: Path, case: str, text: str, outlet: str, key: str | None, problem: str
) -> None:
    path = write(tmp_path, text)
    with pytest.raises(OutletConfigError) as info:
        load_outlets(path)
    message = str(info.value)
    assert "\n" not in message
    assert message.startswith(f"{path}: outlet '{outlet}'"), message
    if key is not None:
        assert f"key '{key}'" in message, message
    assert problem in message, message


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("", "no outlets defined"),
        ("title = 'x'\n" + VALID, "unknown top-level key 'title'"),
        ("[outlets]\n", "no outlets defined"),
    ],
)
def test_invalid_files_name_the_file(tmp_path: Path, text: str, problem: str) -> None:
    path = write(tmp_path, text)
    with pytest.raises(OutletConfigError, match=problem) as info:
        load_outlets(path)
    assert str(info.value).startswith(str(path))


def test_missing_file_says_which_setting_to_fix(tmp_path: Path) -> None:
    with pytest.raises(OutletConfigError, match="NEWSWATCH_OUTLETS"):
        load_outlets(tmp_path / "nope.toml")


def test_select_refuses_unknown_outlets_with_a_suggestion(tmp_path: Path) -> None:
    outlets = load_outlets(write(tmp_path, VALID))
    assert [o.key for o in select(outlets, [])] == ["dw"]
    with pytest.raises(OutletConfigError, match="did you mean dw"):
        select(outlets, ["dww"])


@pytest.mark.parametrize(("text", "seconds"), [("30s", 30), ("10m", 600), ("1h30m", 5400), ("1d", 86400)])
def test_parse_interval(text: str, seconds: int) -> None:
    assert parse_interval(text).total_seconds() == seconds


def test_crawl_with_a_broken_outlets_file_fails_before_anything_runs(tmp_path: Path) -> None:
    path = write(tmp_path, VALID.replace("'/a-\\d+$'", "'('"))
    result = run_newswatch(["crawl"], crawl_env(tmp_path, path), timeout=60)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "outlet 'dw': key 'allow[0]': bad regex" in lines[0]
    assert not (tmp_path / "data").exists()
