"""Extraction: article text and metadata from one HTML page (pure; no I/O).

Order of trust: the page's structured data (ld+json ``NewsArticle``) and ``article:`` /
``og:`` meta first, then the visible page (its ``<h1>``, ``<time>``, byline), then
trafilatura and htmldate, then what the feed or sitemap said. Page chrome (navigation,
share bars, "most read" boxes, promos, embedded posts, author bios) is removed twice: as
markup before the text is taken (``markup``), and as whole lines after (``chrome``). An
outlet may name its article body (``body_selector``) and more chrome (``drop_selectors``)
in the outlets file; they are passed in as arguments, so this package reads no file.

The rooms: ``core`` (``extract``, composing the rest), ``metadata`` (title, dates and
authors of the untouched page, from ``structured``, ``title``, ``dates`` (with
``shown_dates`` for dates printed in the page's language), ``authors``),
``markup`` (pruning), ``body`` (the article text), ``chrome`` (line-level chrome),
``patterns`` (the line regexes) and ``words`` (string helpers).
"""

from __future__ import annotations

from newswatch.extraction.authors import clean_author, clean_authors, split_authors
from newswatch.extraction.body import (
    block_lines,
    container_text,
    fill_gaps,
    fuller_body,
    generic_text,
    standfirst,
)
from newswatch.extraction.chrome import strip_chrome
from newswatch.extraction.core import extract, looks_binary, parse_html, reset_caches
from newswatch.extraction.markup import BadSelector, css_xpath, paragraph_mass, prune_chrome
from newswatch.extraction.metadata import PageMeta, page_meta
from newswatch.extraction.shown_dates import shown_datetime
from newswatch.extraction.title import (
    MAX_TITLE_CHARS,
    choose_title,
    clean_title,
    strip_label,
    strip_site_name,
)

__all__ = [
    "MAX_TITLE_CHARS",
    "BadSelector",
    "PageMeta",
    "block_lines",
    "choose_title",
    "clean_author",
    "clean_authors",
    "clean_title",
    "container_text",
    "css_xpath",
    "extract",
    "fill_gaps",
    "fuller_body",
    "generic_text",
    "looks_binary",
    "page_meta",
    "paragraph_mass",
    "parse_html",
    "prune_chrome",
    "reset_caches",
    "shown_datetime",
    "split_authors",
    "standfirst",
    "strip_chrome",
    "strip_label",
    "strip_site_name",
]
