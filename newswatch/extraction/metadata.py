"""Page metadata: title, dates, authors, language, canonical URL and description, read from
the untouched page (structured data first, then the visible page)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from newswatch.extraction.authors import page_authors
from newswatch.extraction.dates import page_dates
from newswatch.extraction.structured import (
    ARTICLE_TYPES,
    article_scope,
    jsonld_objects,
    jsonld_types,
    meta_tags,
    page_language,
    site_names_of,
)
from newswatch.extraction.title import page_title
from newswatch.extraction.words import plain_text
from newswatch.urls import BadURL, canonicalize


@dataclass(frozen=True, slots=True)
class PageMeta:
    """Metadata read from the page's markup before anything is removed from it."""

    headline: str | None = None
    published: datetime | None = None
    published_source: str | None = None
    modified: datetime | None = None
    modified_source: str | None = None
    authors: tuple[str, ...] = ()
    body: str | None = None  # ld+json articleBody
    language: str | None = None
    canonical: str | None = None
    description: str | None = None
    site_names: tuple[str, ...] = ()


def page_meta(
    tree: Any, url: str | None = None, now: datetime | None = None, language: str | None = None
) -> PageMeta:
    """Structured data, meta tags and the visible headline, date and byline of a parsed page;
    ``language`` (the outlet's) is the language of its printed dates when the page names none."""
    now = now or datetime.now(UTC)
    meta = meta_tags(tree)
    article = next((o for o in jsonld_objects(tree) if jsonld_types(o) & ARTICLE_TYPES), {})
    site_names = site_names_of(meta, article, url)
    scope = article_scope(tree)
    lang = page_language(tree, meta)
    dates = page_dates(tree, scope, meta, article, url, now, lang or language)
    (published, source), (modified, modified_source) = dates
    canonical = tree.xpath("string(//link[@rel='canonical']/@href)") or meta.get("og:url")
    try:
        canonical = canonicalize(canonical, url) if canonical else None
    except BadURL:
        canonical = None
    body = article.get("articleBody")
    return PageMeta(
        headline=page_title(tree, meta, article, site_names),
        published=published,
        published_source=source,
        modified=modified,
        modified_source=modified_source,
        authors=page_authors(scope, meta, article, site_names),
        body=body.strip() if isinstance(body, str) and body.strip() else None,
        language=lang,
        canonical=canonical,
        description=plain_text(meta.get("og:description") or meta.get("description")),
        site_names=site_names,
    )

