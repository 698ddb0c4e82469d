"""Classify pipeline: the rules' verdict on every article. Nothing is dropped here: every
article is archived, some are flagged."""

from __future__ import annotations

from scrapy.crawler import Crawler

from records import Article
from rules import Matcher, load_ruleset


class ClassifyPipeline:
    def __init__(self, crawler: Crawler, matcher: Matcher):
        self.crawler = crawler
        self.matcher = matcher

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ClassifyPipeline:
        # An invalid rule file raises RuleConfigError here, before anything is fetched.
        return cls(crawler, load_ruleset(crawler.settings.get("NEWSWATCH_RULES")))

    def process_item(self, item: Article, spider: object = None) -> Article:
        assert item.extraction is not None
        item.verdict = self.matcher.classify(item.extraction.title or "", item.extraction.text)
        item.classified_with = self.matcher.fingerprint
        return item
