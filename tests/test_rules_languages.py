"""The languages added to the default ruleset after the first fifteen (config/rules/lang/ and
config/rules/claims/lang/): each language's words found in their inflected forms and
compounds, its reports of the topic flagged and its look-alikes left quiet (with the language
given and detected), a negated supply read as a denial, "not only" read as no negation, and a
claim's status read from how it is put. The cases, written for these tests, stand beside each
language pair's own checks in tests/test_rules_languages_<pair>.py."""

from __future__ import annotations

from typing import Any

import pytest
import test_rules_languages_cs_lt as cs_lt
import test_rules_languages_da_no as da_no
import test_rules_languages_fi_et as fi_et
import test_rules_languages_hu_el as hu_el
import test_rules_languages_nl_pt_sv as nl_pt_sv
import test_rules_languages_sk_id_hi as sk_id_hi
from rule_languages import CUES, MATCHER, found

from newswatch.claims import classify_claim

PAIRS = (cs_lt, da_no, fi_et, hu_el, nl_pt_sv, sk_id_hi)


def _texts(table: str) -> list[tuple[str, str]]:
    """(language, text) of a table in every pair's module: ``{"da supply": text}``,
    ``{"sk supply": ("sk", text)}`` or ``{"da": text}``."""
    out = []
    for pair in PAIRS:
        for key, value in getattr(pair, table, {}).items():
            out.append(value if isinstance(value, tuple) else (key.split()[0], value))
    return out


def _claims() -> list[tuple[str, str, str]]:
    """(language, text, status) of every pair's ``CLAIMS``: a list of those, or language →
    [(status, text)]."""
    out: list[tuple[str, str, str]] = []
    for pair in PAIRS:
        claims: Any = getattr(pair, "CLAIMS", [])
        if isinstance(claims, dict):
            out += [(language, text, status) for language, rows in claims.items() for status, text in rows]
        else:
            out += list(claims)
    return out


FORMS = [row for pair in PAIRS for row in pair.FORMS]
FLAGGED, QUIET = _texts("FLAGGED"), _texts("QUIET")
NEGATED_SUPPLY, NOT_ONLY, CLAIMS = _texts("NEGATED_SUPPLY"), _texts("NOT_ONLY"), _claims()


def ids(rows: list[Any]) -> list[str]:
    return [f"{row[0]}-{n}" for n, row in enumerate(rows)]


@pytest.mark.parametrize(("language", "group", "text", "form"), FORMS, ids=ids(FORMS))
def test_each_language_file_finds_its_words_in_their_inflected_forms_and_compounds(
    language: str, group: str, text: str, form: str
) -> None:
    assert form in found(group, text, language), (language, group, text)


@pytest.mark.parametrize("declared", [True, False], ids=["declared", "detected"])
@pytest.mark.parametrize(("language", "text"), FLAGGED, ids=ids(FLAGGED))
def test_reports_in_each_new_language_are_flagged(language: str, text: str, declared: bool) -> None:
    verdict = MATCHER.classify("", text, language if declared else None)
    assert verdict.flagged, (language, text, verdict.terms)


@pytest.mark.parametrize("declared", [True, False], ids=["declared", "detected"])
@pytest.mark.parametrize(("language", "text"), QUIET, ids=ids(QUIET))
def test_look_alikes_in_each_new_language_stay_quiet(language: str, text: str, declared: bool) -> None:
    verdict = MATCHER.classify("", text, language if declared else None)
    assert not verdict.flagged, (language, text, verdict.rules, verdict.terms)


@pytest.mark.parametrize(("language", "text"), NEGATED_SUPPLY, ids=ids(NEGATED_SUPPLY))
def test_a_negated_supply_in_each_new_language_is_a_denial(language: str, text: str) -> None:
    verdict = MATCHER.classify("", text, language)
    assert "denial-of-support" in verdict.rules and "supply-to-russia" not in verdict.rules, verdict.rules


@pytest.mark.parametrize(("language", "text"), NOT_ONLY, ids=ids(NOT_ONLY))
def test_not_only_in_each_new_language_is_no_denial(language: str, text: str) -> None:
    verdict = MATCHER.classify("", text, language)
    assert "supply-to-russia" in verdict.rules and "denial-of-support" not in verdict.rules, verdict.rules


@pytest.mark.parametrize(("language", "text", "status"), CLAIMS, ids=ids(CLAIMS))
def test_the_claim_status_is_read_from_each_new_language_s_cues(
    language: str, text: str, status: str
) -> None:
    claim = classify_claim(CUES, "", text, language)
    assert claim.status == status, (text, claim)
    assert claim.cue is not None, claim  # a cue decided, not the default
