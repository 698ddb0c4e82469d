"""The rules: entity groups and boolean queries (data in config/rules/) that decide which
articles are about China's military support for Russia, and say why.

    ruleset = load_ruleset("config/rules")
    verdict = ruleset.classify(title, text)   # flagged, score, severity, rules, terms, evidence
"""

from newswatch.rules.engine import Evidence, Matcher, Rule, RuleMatch, TermMatch, Verdict
from newswatch.rules.loader import RuleConfigError, check_examples, load_ruleset
from newswatch.rules.syntax import QuerySyntaxError, parse_query

__all__ = [
    "Evidence",
    "Matcher",
    "QuerySyntaxError",
    "Rule",
    "RuleConfigError",
    "RuleMatch",
    "TermMatch",
    "Verdict",
    "check_examples",
    "load_ruleset",
    "parse_query",
]
