"""The rule language: each operator, scope, field, morphology, CJK, and its errors."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from newswatch.rules import QuerySyntaxError, RuleConfigError, check_examples, load_ruleset, parse_query
from newswatch.rules.syntax import And, Term

GROUPS = """
[groups.CHINA]
aliases = ["China", "Chinese", "Beijing", "Китай*", "Китая", "Китаю", "Китаем", "中国", "Hong Kong"]
exclude = ["South China Sea"]
[groups.RUSSIA]
aliases = ["Russia", "Russian", "Росси*", "俄罗斯", "俄"]
[groups.DRONES]
aliases = ["drone", "беспилотник*", "无人机", "dual-use goods", "battery"]
[groups.CONJ]
aliases = ["and", "и", "和"]
"""


def ruleset(tmp_path: Path, query: str, scope: str = "document", extra: str = "") -> object:
    (tmp_path / "r.toml").write_text(
        GROUPS
        + extra
        + f"""
[[rules]]
id = "r"
description = "test rule"
severity = "high"
scope = "{scope}"
query = '''{query}'''
""",
        encoding="utf-8",
    )
    return load_ruleset(tmp_path)


def hits(tmp_path: Path, query: str, text: str, title: str = "", scope: str = "document") -> bool:
    matcher = ruleset(tmp_path, query, scope)
    return "r" in matcher.classify(title, text).rules  # type: ignore[attr-defined]


def test_and_or_not(tmp_path: Path) -> None:
    assert hits(tmp_path, "CHINA AND RUSSIA", "China met Russia.")
    assert not hits(tmp_path, "CHINA AND RUSSIA", "China met India.")
    assert hits(tmp_path, "CHINA AND (RUSSIA OR india)", "China met India.")
    assert not hits(tmp_path, "CHINA AND NOT RUSSIA", "China met Russia.")
    assert hits(tmp_path, "CHINA AND NOT RUSSIA", "China met India.")


def test_a_rule_true_only_through_not_never_matches(tmp_path: Path) -> None:
    assert not hits(tmp_path, "NOT RUSSIA", "Nothing to see here.")


def test_quoted_phrases_and_prefix_wildcards(tmp_path: Path) -> None:
    assert hits(tmp_path, '"machine tools" AND CHINA', "China sells machine tools.")
    assert not hits(tmp_path, '"machine tools" AND CHINA', "China sells tools for machines.")
    assert hits(tmp_path, "sanction* AND CHINA", "Chinese firms were sanctioned.")
    assert not hits(tmp_path, "sanction* AND CHINA", "Chinese firms were unsanctioned.")


def test_near_counts_words_between_in_either_order(tmp_path: Path) -> None:
    assert hits(tmp_path, "CHINA NEAR/2 DRONES", "China sends drones.")
    assert hits(tmp_path, "CHINA NEAR/2 DRONES", "Drones from China.")
    assert not hits(tmp_path, "CHINA NEAR/2 DRONES", "China says that it never sends any drones.")
    assert hits(tmp_path, "CHINA NEAR/0 RUSSIA", "Russia, China and India.")


def test_before_wants_its_left_side_first(tmp_path: Path) -> None:
    assert hits(tmp_path, "CHINA BEFORE/2 DRONES", "China sends drones.")
    assert not hits(tmp_path, "CHINA BEFORE/2 DRONES", "Drones from China.")
    assert not hits(tmp_path, "CHINA BEFORE/2 DRONES", "China says that it never sends any drones.")
    assert hits(tmp_path, "CHINA BEFORE/0 RUSSIA", "Russia, China, Russia.")  # the second Russia
    assert hits(tmp_path, "CHINA BEFORE/1 DRONES", "中国提供无人机")  # 提供: one word
    assert not hits(tmp_path, "DRONES BEFORE/1 CHINA", "中国提供无人机")
    # binds as NEAR does, left to right: (China before drones) near Russia
    assert hits(tmp_path, "CHINA BEFORE/2 DRONES NEAR/3 RUSSIA", "Russia gets drones: China ships drones.")
    assert parse_query("a BEFORE/3 b") != parse_query("a NEAR/3 b")
    assert parse_query("before AND x") == And((Term("before"), Term("x")))  # lower case: a word


def test_near_counts_two_cjk_characters_as_one_word(tmp_path: Path) -> None:
    assert hits(
        tmp_path, "CHINA NEAR/3 DRONES", "中国向俄罗斯提供无人机"
    )  # 向俄罗斯提供: 6 characters, 3 words
    assert not hits(tmp_path, "CHINA NEAR/2 DRONES", "中国向俄罗斯提供无人机")


def test_sentence_and_paragraph_scope(tmp_path: Path) -> None:
    same = "China sends drones to Russia."
    split = "China sends drones. Russia is at war."
    apart = "China sends drones.\nRussia is at war."
    assert hits(tmp_path, "CHINA AND DRONES AND RUSSIA", same, scope="sentence")
    assert not hits(tmp_path, "CHINA AND DRONES AND RUSSIA", split, scope="sentence")
    assert hits(tmp_path, "CHINA AND DRONES AND RUSSIA", split, scope="paragraph")
    assert not hits(tmp_path, "CHINA AND DRONES AND RUSSIA", apart, scope="paragraph")
    assert hits(tmp_path, "CHINA AND DRONES AND RUSSIA", apart, scope="document")
    assert hits(tmp_path, "SENTENCE(CHINA AND DRONES) AND RUSSIA", split)
    assert not hits(tmp_path, "SENTENCE(CHINA AND RUSSIA)", split)


def test_initials_and_abbreviations_do_not_end_a_sentence(tmp_path: Path) -> None:
    assert hits(tmp_path, "CHINA AND RUSSIA", "The U.S. says China helps Russia.", scope="sentence")
    assert hits(tmp_path, "CHINA AND RUSSIA", "Gen. Smith said China helps Russia.", scope="sentence")


def test_title_is_its_own_sentence_and_field(tmp_path: Path) -> None:
    assert hits(tmp_path, "title:CHINA AND RUSSIA", "Russia buys drones.", title="China news")
    assert not hits(tmp_path, "title:CHINA AND RUSSIA", "China and Russia.", title="World news")
    assert not hits(tmp_path, "CHINA AND RUSSIA", "Russia buys drones.", title="China news", scope="sentence")
    assert hits(tmp_path, "text:(CHINA AND RUSSIA)", "China and Russia.", title="World news")


def test_english_plurals_and_possessives(tmp_path: Path) -> None:
    assert hits(tmp_path, "DRONES AND CHINA", "China's drones.")
    assert hits(tmp_path, "DRONES AND CHINA", "Chinese batteries.")
    assert hits(tmp_path, '"dual-use goods" AND CHINA', "China ships dual use goods.")
    assert hits(tmp_path, "DRONES AND CHINA", "Chinese dual-use goods.")


def test_russian_and_ukrainian_case_forms(tmp_path: Path) -> None:
    for text in (
        "Китай поставляет беспилотники России.",
        "Поставки беспилотников из Китая в Россию.",
        "Санкции против Китаю и беспилотники Росси.",
    ):
        assert hits(tmp_path, "CHINA AND DRONES AND RUSSIA", text), text


def test_chinese_matches_without_word_boundaries(tmp_path: Path) -> None:
    assert hits(tmp_path, "CHINA AND DRONES AND RUSSIA", "中国向俄罗斯提供无人机零部件")
    assert not hits(tmp_path, "CHINA AND RUSSIA", "中国向美国出口汽车")


def test_words_match_whole_words_only(tmp_path: Path) -> None:
    assert not hits(tmp_path, "CHINA", "Indochina and chinaware")
    assert hits(tmp_path, "CHINA", "(China)")


def test_excluded_phrases_do_not_count_for_their_group(tmp_path: Path) -> None:
    assert not hits(tmp_path, "CHINA AND RUSSIA", "Russian ships sailed in the South China Sea.")
    assert hits(tmp_path, "CHINA AND RUSSIA", "Russian ships sailed in the South China Sea near China.")


def test_short_words_match_between_spaces(tmp_path: Path) -> None:
    assert hits(tmp_path, "CHINA NEAR/1 CONJ", "Китай и Россия")
    assert not hits(tmp_path, "CONJ AND CHINA", "China imports Индии")  # 'и' inside a word


def test_verdict_carries_terms_positions_and_evidence(tmp_path: Path) -> None:
    matcher = ruleset(tmp_path, "CHINA AND DRONES AND RUSSIA", scope="sentence")
    text = "Officials met. China sends drones to Russia, they said. Nothing else."
    verdict = matcher.classify("", text)  # type: ignore[attr-defined]
    assert verdict.flagged and verdict.severity == "high" and verdict.score == 1.0
    (evidence,) = verdict.evidence
    assert evidence.sentence == "China sends drones to Russia, they said."
    assert [evidence.sentence[a:b] for a, b in evidence.highlights] == ["China", "drones", "Russia"]
    assert [(t.term, t.group, t.field) for t in verdict.terms] == [
        ("China", "CHINA", "text"),
        ("drones", "DRONES", "text"),
        ("Russia", "RUSSIA", "text"),
    ]
    assert text[verdict.terms[0].start : verdict.terms[0].end] == "China"


def test_score_sums_weights_and_threshold_decides(tmp_path: Path) -> None:
    (tmp_path / "r.toml").write_text(
        GROUPS
        + """
[settings]
threshold = 2.0
[[rules]]
id = "a"
description = "a"
severity = "low"
weight = 1.5
query = "CHINA"
[[rules]]
id = "b"
description = "b"
severity = "medium"
weight = 1.0
query = "RUSSIA"
""",
        encoding="utf-8",
    )
    matcher = load_ruleset(tmp_path)
    assert not matcher.classify("", "China.").flagged
    verdict = matcher.classify("", "China and Russia.")
    assert verdict.flagged and verdict.score == 2.5 and verdict.severity == "medium"


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("CHINA AND", "query ends too early"),
        ("(CHINA OR RUSSIA", "query ends too early"),
        ("CHINA RUSSIA", "unexpected 'RUSSIA'"),
        ("AND CHINA", "unexpected"),
        ("CHINA NEAR/ RUSSIA", "unexpected"),
    ],
)
def test_syntax_errors_say_where(query: str, message: str) -> None:
    with pytest.raises(QuerySyntaxError, match=message) as info:
        parse_query(query)
    assert 0 <= info.value.offset <= len(query)


BAD_RULES = [
    ('query = "CHINA AND NOPE"', "rule 'bad': key 'query': column 11: unknown group 'NOPE'"),
    ('query = "CHINA AND"', "rule 'bad': key 'query': column 10: query ends too early"),
    (
        "query = '''CHINA AND\n  RUSSIA OR\n  (x'''",
        "rule 'bad': key 'query': line 3, column 5: query ends too early",
    ),
    ('query = "CHINA AND mil*tary"', "'*' is allowed only at the end"),
    ('query = "CHINA AND ab*"', "a wildcard needs at least 3 letters"),
    ('query = "CHINA"\nseverity2 = "x"', "key 'severity2': unknown key (did you mean 'severity'?)"),
]


@pytest.mark.parametrize(("line", "message"), BAD_RULES)
def test_rule_errors_name_file_rule_key_and_position(tmp_path: Path, line: str, message: str) -> None:
    path = tmp_path / "r.toml"
    path.write_text(
        GROUPS + f'[[rules]]\nid = "bad"\ndescription = "d"\nseverity = "low"\n{line}\n', encoding="utf-8"
    )
    with pytest.raises(RuleConfigError) as info:
        load_ruleset(tmp_path)
    assert str(info.value).startswith(f"{path}: ")
    assert message in str(info.value)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[groups.china]\naliases = ["x"]', "group 'china': group names are upper-case"),
        ('[groups.X]\naliases = ["a*"]', "group 'X': key 'aliases[0]': 'a*': a wildcard needs"),
        ('[groups.X]\naliases = ["!!"]', "group 'X': key 'aliases[0]': '!!' has no letters"),
        ('[groups.X]\ninclude = ["Y"]\n[groups.Y]\ninclude = ["X"]', "groups include each other"),
        (
            '[[rules]]\nid = "a"\ndescription = "d"\nseverity = "urgent"\nquery = "x"',
            "must be one of high, medium, low",
        ),
        (
            '[[rules]]\nid = "a"\ndescription = "d"\nseverity = "low"\nquery = "x"\nscope = "page"',
            "key 'scope'",
        ),
        (
            '[[rules]]\nid = "a"\ndescription = "d"\nseverity = "low"\nquery = "x"\nweight = -1',
            "key 'weight'",
        ),
        (
            '[[rules]]\nid = "a"\ndescription = "d"\nseverity = "low"\nquery = "x"\n[[rules]]\nid = "a"\n'
            'description = "d"\nseverity = "low"\nquery = "y"',
            "rule 'a': id already used",
        ),
        ('[groups.X]\naliases = ["x"]\naliases = ["y"]', "group 'X': invalid TOML"),
    ],
)
def test_group_and_rule_file_errors(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "r.toml").write_text(text + "\n", encoding="utf-8")
    with pytest.raises(RuleConfigError, match=re.escape(message)):
        load_ruleset(tmp_path)


def nested(kind: str, depth: int) -> str:
    """A query nesting ``depth`` levels of one kind."""
    if kind == "parentheses":
        return "(" * depth + "CHINA" + ")" * depth
    if kind == "AND in parentheses":
        return "(CHINA AND " * depth + "RUSSIA" + ")" * depth
    if kind == "NOT":
        return "NOT " * depth + "CHINA"
    if kind == "NEAR":
        return " NEAR/1 ".join(["CHINA"] * (depth + 1))
    if kind == "scopes":
        return "SENTENCE(" * depth + "CHINA" + ")" * depth
    return "title:(" * depth + "CHINA" + ")" * depth  # fields


DEEP_KINDS = ["parentheses", "AND in parentheses", "NOT", "NEAR", "scopes", "fields"]


@pytest.mark.parametrize(
    ("kind", "depth"),
    [(kind, depth) for kind in DEEP_KINDS for depth in (51, 180, 1_000)]
    + [("parentheses", 100_000), ("AND in parentheses", 100_000), ("NOT", 100_000)],
)
def test_a_query_nested_too_deeply_is_a_syntax_error_not_a_crash(kind: str, depth: int) -> None:
    query = nested(kind, depth)
    with pytest.raises(QuerySyntaxError, match=r"nested too deeply \(more than 50 levels\)") as info:
        parse_query(query)
    assert 0 <= info.value.offset < len(query)


@pytest.mark.parametrize("kind", DEEP_KINDS)
def test_fifty_levels_still_parse_and_match(tmp_path: Path, kind: str) -> None:
    query = nested(kind, 50).replace("title:(", "text:(")
    expected = kind not in ("NOT",)  # fifty NOTs: an even count, so true only through NOT
    assert hits(tmp_path, query, "China supplies Russia.") is expected


@pytest.mark.parametrize("depth", [180, 100_000])
def test_a_deeply_nested_rule_names_file_rule_and_column(tmp_path: Path, depth: int) -> None:
    path = tmp_path / "r.toml"
    path.write_text(
        GROUPS
        + f'[[rules]]\nid = "deep"\ndescription = "d"\nseverity = "low"\nquery = "{nested("parentheses", depth)}"\n',
        encoding="utf-8",
    )
    with pytest.raises(RuleConfigError) as info:
        load_ruleset(tmp_path)
    assert str(info.value) == (
        f"{path}: rule 'deep': key 'query': column 51: parentheses nested too deeply (more than 50 levels)"
    )


def test_groups_including_groups_too_deeply_is_an_error(tmp_path: Path) -> None:
    chain = "".join(f'[groups.G{i}]\naliases = ["w{i}"]\ninclude = ["G{i + 1}"]\n' for i in range(1_000))
    rule = '[[rules]]\nid = "a"\ndescription = "d"\nseverity = "low"\nquery = "G0"\n'
    (tmp_path / "r.toml").write_text(chain + '[groups.G1000]\naliases = ["end"]\n' + rule, encoding="utf-8")
    with pytest.raises(RuleConfigError, match=r"includes nested too deeply \(more than 50 levels\)"):
        load_ruleset(tmp_path)


@pytest.mark.parametrize("value", ["[" * 1_000 + "]" * 1_000, "{a = " * 1_000 + "1" + "}" * 1_000])
def test_toml_nested_too_deeply_is_a_rule_file_error(tmp_path: Path, value: str) -> None:
    (tmp_path / "r.toml").write_text(f"x = {value}\n", encoding="utf-8")
    with pytest.raises(RuleConfigError, match=r"r\.toml: invalid TOML: arrays or tables nested too deeply"):
        load_ruleset(tmp_path)


def test_group_defined_in_two_files_names_both(tmp_path: Path) -> None:
    (tmp_path / "a.toml").write_text('[groups.X]\naliases = ["x"]\n', encoding="utf-8")
    (tmp_path / "b.toml").write_text('[groups.X]\naliases = ["y"]\n', encoding="utf-8")
    with pytest.raises(RuleConfigError, match=r"b\.toml: group 'X': already defined in .*a\.toml"):
        load_ruleset(tmp_path)


def test_examples_are_checked(tmp_path: Path) -> None:
    matcher = ruleset(tmp_path, "CHINA AND RUSSIA", extra="")
    assert check_examples(matcher) == []  # type: ignore[arg-type]
    (tmp_path / "r.toml").write_text(
        GROUPS + '[[rules]]\nid = "r"\ndescription = "d"\nseverity = "low"\n'
        'query = "CHINA"\nexamples = ["Nothing here"]\ncounterexamples = ["China"]\n',
        encoding="utf-8",
    )
    problems = check_examples(load_ruleset(tmp_path))
    assert (
        len(problems) == 2
        and "example does not match" in problems[0]
        and "counterexample matches" in problems[1]
    )


def test_a_sentence_two_rules_quote_is_evidence_once(tmp_path: Path) -> None:
    (tmp_path / "r.toml").write_text(
        GROUPS
        + """
[[rules]]
id = "a"
description = "a"
severity = "high"
scope = "sentence"
query = "CHINA AND RUSSIA"
[[rules]]
id = "b"
description = "b"
severity = "low"
scope = "sentence"
query = "CHINA AND DRONES"
""",
        encoding="utf-8",
    )
    verdict = load_ruleset(tmp_path).classify("", "China sends drones to Russia.")
    assert [e.sentence for e in verdict.evidence] == ["China sends drones to Russia."]


def test_evidence_is_a_sentence_of_the_text_not_the_headline_again(tmp_path: Path) -> None:
    matcher = ruleset(tmp_path, "CHINA AND RUSSIA", scope="sentence")
    verdict = matcher.classify(  # type: ignore[attr-defined]
        "China arms Russia, officials say",
        "Officials said on Monday that China had shipped drone parts to Russia. Other news followed.",
    )
    assert [(e.field, e.sentence) for e in verdict.evidence] == [
        ("text", "Officials said on Monday that China had shipped drone parts to Russia.")
    ]
    assert all(e.field == "text" for m in verdict.matches for e in m.evidence)


def test_evidence_from_the_title_is_clean_text(tmp_path: Path) -> None:
    matcher = ruleset(tmp_path, "CHINA AND RUSSIA", scope="sentence")
    verdict = matcher.classify("China arms Russia", "Unrelated body text.")  # type: ignore[attr-defined]
    (evidence,) = verdict.evidence
    assert evidence.field == "title" and evidence.sentence == "China arms Russia"
