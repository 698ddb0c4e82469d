"""Classify pipeline: the rules' verdict on every article. Nothing is dropped here: every
article is archived, some are flagged. The rules read at most NEWSWATCH_MAX_MATCH_CHARS
characters of an article, so one huge page costs a bounded time on the crawl's event loop."""

from __future__ import annotations

from collections.abc import Sequence

from scrapy.crawler import Crawler

from newswatch.claims import ClaimCues, classify_claim, cues_for
from newswatch.records import Article
from newswatch.rules import Matcher, load_ruleset
from newswatch.rules.engine import MAX_MATCH_CHARS
from newswatch.sanctions.model import Listing
from spiders.runs import crawl_archive


class ClassifyPipeline:
    def __init__(self, crawler: Crawler, matcher: Matcher, cues: ClaimCues):
        self.crawler = crawler
        self.matcher = matcher
        self.cues = cues

    @classmethod
    def from_crawler(cls, crawler: Crawler) -> ClassifyPipeline:
        # An invalid rule or cue file raises a ConfigError here, before anything is fetched.
        settings = crawler.settings
        max_chars = settings.getint("NEWSWATCH_MAX_MATCH_CHARS", MAX_MATCH_CHARS)
        rules = settings.get("NEWSWATCH_RULES")
        # the official lists' organisations (newswatch entities update) join the entities
        listed = crawl_archive(crawler).listings.organisations()
        return cls(crawler, *rules_and_cues(rules, max_chars, listed))

    def process_item(self, item: Article, spider: object = None) -> Article:
        return judge(item, self.matcher, self.cues)


def rules_and_cues(rules: str, max_chars: int, listed: Sequence[Listing]) -> tuple[Matcher, ClaimCues]:
    """The ruleset (compiled once per process while its files are unchanged) and its claim cues."""
    matcher = load_ruleset(rules, max_chars, listed=listed)
    return matcher, cues_for(rules, matcher.gazetteer)


def judge(item: Article, matcher: Matcher, cues: ClaimCues) -> Article:
    """The rules' verdict on an extracted article, the entities it names and, when flagged,
    its claim status (a local crawl's pipeline and the hub's ingest give it the same way)."""
    assert item.extraction is not None
    extraction = item.extraction
    title, text, language = extraction.title or "", extraction.text, extraction.language
    item.verdict = matcher.classify(title, text, language)
    item.classified_with = matcher.fingerprint
    gazetteer = matcher.gazetteer  # which named entities it names (article_entities)
    item.entities = gazetteer.named_in(title, text) if gazetteer is not None else ()
    item.entities_with = gazetteer.fingerprint if gazetteer is not None else None
    if item.verdict.flagged:  # how sure the report is: alleged, official, designated, …
        evidence = [e.sentence for e in item.verdict.evidence]
        item.claim = classify_claim(cues, title, text, language, evidence)
    return item
