"""Classify pipeline: the rules' verdict on every article. Nothing is dropped here: every
article is archived, some are flagged. The rules read at most NEWSWATCH_MAX_MATCH_CHARS
characters of an article, so one huge page costs a bounded time on the crawl's event loop."""

from __future__ import annotations

from scrapy.crawler import Crawler

from newswatch.records import Article
from newswatch.rules import Matcher, load_ruleset
from newswatch.rules.engine import MAX_MATCH_CHARS


class ClassifyPipeline:
    def __init__(self, crawler: Crawler, matcher: Matcher):
        self.crawler = crawler
        self.matcher = matcher

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ClassifyPipeline:
        # An invalid rule file raises RuleConfigError here, before anything is fetched.
        settings = crawler.settings
        max_chars = settings.getint("NEWSWATCH_MAX_MATCH_CHARS", MAX_MATCH_CHARS)
        return cls(crawler, load_ruleset(settings.get("NEWSWATCH_RULES"), max_chars))

    def process_item(self, item: Article, spider: object = None) -> Article:
        assert item.extraction is not None
        extraction = item.extraction
        item.verdict = self.matcher.classify(extraction.title or "", extraction.text, extraction.language)
        item.classified_with = self.matcher.fingerprint
        return item
