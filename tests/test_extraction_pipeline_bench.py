"""bench/pipeline.py measures the crawl against trafilatura alone as a user calls it
(``trafilatura.extract`` with metadata on), and against trafilatura with the crawl's own
settings beside it; each ratio is the reference's CPU over the crawl's."""

from __future__ import annotations

from datetime import UTC, datetime

import trafilatura
from helpers import load_bench


def test_the_reference_is_trafilatura_extract_with_metadata_as_a_user_calls_it() -> None:
    bench = load_bench("pipeline")
    url = "http://127.0.0.1:1/p/3"
    html = bench.page(3, url, datetime(2026, 12, 1, 9, tzinfo=UTC))
    references = dict(bench.REFERENCES)
    assert list(references) == ["alone", "precision"]
    assert references["alone"](html, url) == trafilatura.extract(html, url=url, with_metadata=True)
    strict = references["precision"](html, url)
    assert "Bench Reporter" in strict.author and strict.text  # metadata on, the story's text


def test_each_reference_gets_its_own_ratios_against_the_crawl() -> None:
    bench = load_bench("pipeline")
    crawl = {"crawl_articles_per_s": 40.0, "crawl_cpu_ms_per_article": 20.0}
    alone = bench.reference_figures("alone", (25.0, 36.0), 1000, crawl)
    assert alone["alone_cpu_ms_per_article"] == 36.0
    assert alone["cpu_ratio"] == 1.8 and alone["ratio"] == 1.0  # 36 ms against 20; 40/s both
    strict = bench.reference_figures("precision", (10.0, 15.0), 1000, crawl)
    assert strict["precision_cpu_ratio"] == 0.75 and strict["precision_ratio"] == 0.4
    assert "cpu_ratio" not in strict
