"""Typed records passed between the stages: discovery → fetch → extract → store."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Literal

if TYPE_CHECKING:
    from newswatch.claims import Claim
    from newswatch.rules import Verdict
    from newswatch.stories import Fingerprint

SourceKind = Literal["feed", "news_sitemap", "sitemap", "listing"]
SOURCE_KINDS: tuple[SourceKind, ...] = ("feed", "news_sitemap", "sitemap", "listing")


@dataclass(frozen=True, slots=True)
class Candidate:
    """An article URL found by discovery, with what the source said about it."""

    url: str  # canonical URL
    outlet: str
    source: str  # URL of the feed, sitemap or listing page it came from
    source_kind: SourceKind
    title: str | None = None
    published: datetime | None = None
    updated: datetime | None = None
    summary: str | None = None
    language: str | None = None
    # the URL as releases before a tracking parameter joined the list spelt it, when that
    # differs: the key an older archive marked it seen under
    earlier_url: str | None = None

    @property
    def date(self) -> datetime | None:
        """The best date the source gave: publication, else last modification."""
        return self.published or self.updated


@dataclass(frozen=True, slots=True)
class Extraction:
    """What extraction made of one page."""

    text: str
    title: str | None = None
    authors: tuple[str, ...] = ()
    published: datetime | None = None
    published_source: str | None = None  # "ld+json", "meta", "page", "feed"
    language: str | None = None
    description: str | None = None
    canonical_url: str | None = None  # the page's own <link rel=canonical>, canonicalised


@dataclass(slots=True)
class Article:
    """One fetched article page (the Scrapy item); extraction is filled by the pipeline."""

    url: str  # canonical URL that was requested
    final_url: str  # response URL after redirects
    outlet: str
    fetched_at: datetime
    html: str
    candidate: Candidate
    outlet_language: str | None = None
    extraction: Extraction | None = None
    verdict: Verdict | None = None
    classified_with: str | None = None  # fingerprint of the ruleset that gave the verdict
    claim: Claim | None = None  # a flagged article's claim status (newswatch.claims)
    revisit: bool = False  # archived before; fetched again because its source said it changed
    fingerprint: Fingerprint | None = None  # for grouping into stories
    entities: tuple[str, ...] = ()  # ids of the gazetteer's entities it names, first named first
    entities_with: str | None = None  # the gazetteer's fingerprint they were found with
