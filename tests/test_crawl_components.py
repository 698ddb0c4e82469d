"""The crawl's components get their dependencies from the crawler, as ``scrapy crawl news``
builds them: one archive for the crawl (the run recorder's), shared by the spider and the
pipelines, closed after the run rows are written. In process, no network."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from helpers import news_crawler, outlet_table, rows, write_outlets
from scrapy import signals
from scrapy.crawler import Crawler
from scrapy.utils.misc import build_from_crawler

from newswatch.clock import utcnow
from newswatch.records import Article, Candidate
from pipelines.classify import ClassifyPipeline
from pipelines.extract import ExtractPipeline
from pipelines.store import StorePipeline
from spiders.news import news_spider
from spiders.runs import CrawlRunRecorder, bump, crawl_archive

URL = "https://news.example.org/world/2026/03/02/drone-engines-shipped-12345.html"
PAGE = """<!doctype html><html lang="en"><head><title>Drone engines shipped</title></head><body>
<article><h1>Chinese drone engines shipped to Russia's army, officials say</h1>
<p>Chinese companies supplied drone engines and components to Russia's military in January,
according to officials in Kyiv who examined wreckage recovered after the latest attacks.</p>
<p>The officials said the engines were shipped through intermediaries registered in Hong Kong
and reached a factory that assembles attack drones for the Russian armed forces.</p>
<p>Beijing has said it does not supply weapons to either side and controls the export of
dual-use goods under its laws.</p></article></body></html>"""


@pytest.fixture
def settings(tmp_path: Path) -> dict[str, object]:
    outlets = write_outlets(
        tmp_path / "outlets.toml",
        outlet_table("example", "https://news.example.org/", feeds=["https://news.example.org/rss.xml"]),
        outlet_table("other", "https://other.example.net/", feeds=["https://other.example.net/rss.xml"]),
    )
    return {"NEWSWATCH_OUTLETS": str(outlets), "NEWSWATCH_DB": str(tmp_path / "data" / "newswatch.db")}


def article() -> Article:
    candidate = Candidate(
        url=URL, outlet="example", source="https://news.example.org/rss.xml", source_kind="feed"
    )
    return Article(
        url=URL, final_url=URL, outlet="example", fetched_at=utcnow(), html=PAGE, candidate=candidate
    )


def close_spider(crawler: Crawler, reason: str = "finished") -> None:
    crawler.signals.send_catch_log(signals.spider_closed, spider=crawler.spider, reason=reason)


def test_the_spider_and_every_pipeline_share_the_one_archive_of_the_crawl(
    settings: dict[str, object],
) -> None:
    with news_crawler(settings, outlet="example", since="2026-01-01") as crawler:
        recorder = crawler.get_extension(CrawlRunRecorder)
        assert recorder is not None
        extract = build_from_crawler(ExtractPipeline, crawler)
        store = build_from_crawler(StorePipeline, crawler)
        assert news_spider(crawler).archive is recorder.archive
        assert extract.archive is recorder.archive and store.archive is recorder.archive
        assert [o.key for o in news_spider(crawler).selected] == ["example"]


def test_the_pipelines_archive_and_flag_an_article_under_the_crawl_run_id(
    settings: dict[str, object],
) -> None:
    with news_crawler(settings, outlet="example", since="2026-01-01", run_id="run-components") as crawler:
        item = article()
        for component in (ExtractPipeline, ClassifyPipeline, StorePipeline):
            item = build_from_crawler(component, crawler).process_item(item)
        close_spider(crawler)
    db = Path(str(settings["NEWSWATCH_DB"]))
    (stored,) = rows(db, "SELECT url, outlet, flagged, run_id FROM articles")
    assert stored == {"url": URL, "outlet": "example", "flagged": 1, "run_id": "run-components"}
    assert rows(db, "SELECT run_id, outlet, status, new FROM crawl_runs") == [
        {"run_id": "run-components", "outlet": "example", "status": "failed", "new": 1}  # no source was read
    ]


def test_closing_the_spider_writes_one_run_row_per_selected_outlet_and_closes_the_archive(
    settings: dict[str, object],
) -> None:
    with news_crawler(settings, run_id="run-close") as crawler:
        bump(crawler.stats, "example", "sources_ok")
        bump(crawler.stats, "other", "sources_ok")
        bump(crawler.stats, "other", "errors")
        archive = crawl_archive(crawler)
        close_spider(crawler)
        with pytest.raises(sqlite3.ProgrammingError):
            archive.conn.execute("SELECT 1")
    db = Path(str(settings["NEWSWATCH_DB"]))
    runs = rows(
        db, "SELECT outlet, status, errors FROM crawl_runs WHERE run_id = 'run-close' ORDER BY outlet"
    )
    assert runs == [
        {"outlet": "example", "status": "ok", "errors": 0},
        {"outlet": "other", "status": "partial", "errors": 1},
    ]


def test_a_crawl_without_the_recorder_says_which_extension_is_missing(settings: dict[str, object]) -> None:
    without = {**settings, "EXTENSIONS": {"spiders.runs.CrawlRunRecorder": None}}
    with (
        news_crawler(without) as crawler,
        pytest.raises(RuntimeError, match=r"spiders\.runs\.CrawlRunRecorder"),
    ):
        build_from_crawler(StorePipeline, crawler)


RUSSIAN_PAGE = """<!doctype html><html><head><title>Поставки</title></head><body><article>
<h1>Китай поставляет России комплектующие для беспилотников</h1>
<p>По данным украинской разведки, китайские компании в январе поставили российским заводам
двигатели и электронику для ударных беспилотников, которые затем применялись против городов.</p>
<p>В Пекине эти сообщения отвергли и заявили, что строго контролируют экспорт товаров двойного
назначения в соответствии со своими законами.</p></article></body></html>"""


def test_an_article_whose_page_names_no_language_is_recorded_in_the_detected_one(
    settings: dict[str, object],
) -> None:
    with news_crawler(settings, outlet="example", since="2026-01-01") as crawler:
        item = article()
        item.html = RUSSIAN_PAGE
        done = build_from_crawler(ExtractPipeline, crawler).process_item(item)
    assert done.extraction is not None and done.extraction.language == "ru"


def test_another_spider_leaves_the_crawl_components_unconfigured_and_opens_no_archive(
    settings: dict[str, object],
) -> None:
    import scrapy
    from scrapy.exceptions import NotConfigured
    from scrapy.utils.test import get_crawler

    crawler = get_crawler(scrapy.Spider, {"NEWSWATCH_DB": settings["NEWSWATCH_DB"], "EXTENSIONS": {}})
    crawler.spider = scrapy.Spider("fetch")  # as scrapy fetch and scrapy shell run
    for component in (CrawlRunRecorder, ExtractPipeline, StorePipeline):
        with pytest.raises(NotConfigured):
            build_from_crawler(component, crawler)
    assert not Path(str(settings["NEWSWATCH_DB"])).exists()
