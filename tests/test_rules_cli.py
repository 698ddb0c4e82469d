"""`newswatch classify`, `rules check`, `rules explain` and `rules backtest`, run for real."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from helpers import ROOT, crawl_env, run_newswatch
from outlet_sites import Sites, Story, pangea_page, paragraphs

RULES = ROOT / "config" / "rules"
OUTLETS = ROOT / "config" / "outlets.toml"


def test_classify_jsonl_answers_every_line_in_order(tmp_path: Path) -> None:
    lines = [
        {"id": "yes", "title": "", "text": "Chinese firms shipped gunpowder to a Russian ammunition plant."},
        {"id": "no", "title": "Weather", "text": "Sunny in Brussels."},
        {"id": "zh", "title": "", "text": "中国向俄罗斯提供无人机零部件。"},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines) + "\n", encoding="utf-8")
    result = run_newswatch(["classify", "--jsonl", str(source)], crawl_env(tmp_path, OUTLETS))
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["yes", "no", "zh"]
    assert [o["flagged"] for o in out] == [True, False, True]
    assert set(out[0]) == {"id", "flagged", "review", "score", "severity", "rules", "evidence", "claim"}
    assert out[0]["severity"] == "high" and "supply-to-russia" in out[0]["rules"]
    assert out[0]["evidence"] == [lines[0]["text"]]


def test_classify_jsonl_says_how_sure_each_flagged_claim_is(tmp_path: Path) -> None:
    lines = [
        {
            "id": "designated",
            "title": "Treasury adds Chinese drone-engine makers to sanctions list",
            "text": "The US Treasury imposed sanctions on two Chinese companies on Thursday for shipping "
            "drone engines to Russia's military.",
        },
        {
            "id": "denied",
            "title": "Beijing rejects claims",
            "text": "China's foreign ministry denied that Chinese companies supplied drone engines to Russia's "
            "army, calling the reports groundless.",
        },
        {"id": "quiet", "title": "Weather", "text": "Sunny in Brussels."},
    ]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    result = run_newswatch(["classify", "--jsonl", str(source)], crawl_env(tmp_path, OUTLETS))
    assert result.returncode == 0, result.stderr
    out = {o["id"]: o for o in map(json.loads, result.stdout.splitlines())}
    assert [out[k]["flagged"] for k in ("designated", "denied", "quiet")] == [True, True, False]
    assert [out[k]["claim"] for k in ("designated", "denied", "quiet")] == ["designated", "denied", None]


def test_rules_check_passes_on_the_default_rules(tmp_path: Path) -> None:
    result = run_newswatch(["rules", "check"], crawl_env(tmp_path, OUTLETS))
    assert result.returncode == 0, result.stderr
    assert "rules," in result.stdout and "behave as written" in result.stdout
    assert "claim cues: " in result.stdout


def test_rules_check_fails_when_a_claim_cue_misses_its_own_example(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    cues = rules / "claims" / "cues.toml"
    text = cues.read_text(encoding="utf-8")
    marker = "examples = ["
    assert marker in text
    cues.write_text(text.replace(marker, marker + '"Nothing here names any claim at all.", ', 1), encoding="utf-8")
    result = run_newswatch(["rules", "check", "--rules", str(rules)], crawl_env(tmp_path, OUTLETS))
    assert result.returncode == 1
    assert "example does not match: 'Nothing here names any claim at all.'" in result.stderr


def test_rules_check_fails_on_a_broken_file_with_one_line(tmp_path: Path) -> None:
    broken = tmp_path / "rules"
    shutil.copytree(RULES, broken)
    (broken / "extra.toml").write_text(
        '[[rules]]\nid = "x"\ndescription = "d"\nseverity = "high"\nquery = "CHINA AND NOPE"\n',
        encoding="utf-8",
    )
    result = run_newswatch(["rules", "check"], crawl_env(tmp_path, OUTLETS, NEWSWATCH_RULES=str(broken)))
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "extra.toml: rule 'x': key 'query': column 11: unknown group 'NOPE'" in line


def test_rules_check_reports_a_failing_example(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    (rules / "extra.toml").write_text(
        '[[rules]]\nid = "x"\ndescription = "d"\nseverity = "low"\n'
        'query = "CHINA AND RUSSIA"\nexamples = ["Nothing about either."]\n',
        encoding="utf-8",
    )
    result = run_newswatch(["rules", "check"], crawl_env(tmp_path, OUTLETS, NEWSWATCH_RULES=str(rules)))
    assert result.returncode == 1
    assert "rule 'x': example does not match" in result.stderr


def test_rules_explain_an_html_page_marks_the_matched_words(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    story = Story(
        "/a/1.html",
        "EU weighs evidence",
        [
            "Chinese companies supplied drone engines to Russia's military, diplomats said.",
            *paragraphs("the engines")[1:],
        ],
        datetime(2026, 11, 20, tzinfo=UTC),
    )
    page = tmp_path / "page.html"
    page.write_text(pangea_page(story, "https://www.rferl.org/a/1.html"), encoding="utf-8")
    result = run_newswatch(["rules", "explain", str(page)], crawl_env(tmp_path, OUTLETS))
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("title: EU weighs evidence\nFLAGGED  severity high")
    assert "[Chinese] companies [supplied] [drone] [engines] to [Russia's military]" in result.stdout
    assert "supply-to-russia (high" in result.stdout


def test_rules_explain_an_archived_url(crawled: tuple[Path, Sites, str, str], tmp_path: Path) -> None:
    db, sites, _, _ = crawled
    url = next(u for u, s in sites.archived.items() if s.flagged)
    env = crawl_env(tmp_path, OUTLETS, NEWSWATCH_DB=str(db))
    result = run_newswatch(["rules", "explain", url + "?utm_source=x"], env)
    assert result.returncode == 0, result.stderr
    assert "FLAGGED" in result.stdout
    missing = run_newswatch(["rules", "explain", "https://example.org/not/archived"], env)
    assert missing.returncode == 2 and "not in the archive" in missing.stderr


def test_rules_backtest_shows_what_a_rule_change_would_flag(
    crawled: tuple[Path, Sites, str, str], tmp_path: Path
) -> None:
    db, sites, _, _ = crawled
    env = crawl_env(tmp_path, OUTLETS, NEWSWATCH_DB=str(db))
    same = run_newswatch(["rules", "backtest", "--json"], env)
    assert same.returncode == 0, same.stderr
    report = json.loads(same.stdout)
    flagged = sum(s.flagged for s in sites.archived.values())
    assert report["articles"] == len(sites.archived)
    assert report["flagged_before"] == report["flagged_after"] == flagged
    assert report["newly_flagged"]["count"] == report["no_longer_flagged"]["count"] == 0
    # a candidate ruleset whose only rule flags every story saying "ministry" (some of the
    # test sites' generic paragraphs do) and no longer has the supply rules
    candidate = tmp_path / "candidate"
    shutil.copytree(RULES, candidate)
    (candidate / "topic.toml").write_text(
        '[[rules]]\nid = "evidence-word"\ndescription = "d"\nseverity = "low"\nquery = "ministry"\n',
        encoding="utf-8",
    )
    changed = run_newswatch(["rules", "backtest", "--rules", str(candidate), "--json"], env)
    assert changed.returncode == 0, changed.stderr
    report = json.loads(changed.stdout)
    assert (
        report["flagged_after"]
        == report["flagged_before"]
        + report["newly_flagged"]["count"]
        - (report["no_longer_flagged"]["count"])
    )
    says_both = {
        u: all(w in " ".join([s.title, *s.paragraphs]).lower() for w in ("ministry",))
        for u, s in sites.archived.items()
    }
    assert report["newly_flagged"]["count"] == sum(
        both and not sites.archived[u].flagged for u, both in says_both.items()
    )
    assert report["no_longer_flagged"]["count"] == sum(
        sites.archived[u].flagged and not both for u, both in says_both.items()
    )
    assert report["newly_flagged"]["count"] > 0 and report["no_longer_flagged"]["count"] > 0
    assert sum(report["newly_flagged"]["by_outlet"].values()) == report["newly_flagged"]["count"]
    sample = report["newly_flagged"]["samples"][0]
    assert sample["rules_after"] == ["evidence-word"] and sample["title"]
    text = run_newswatch(["rules", "backtest", "--rules", str(candidate)], env)
    assert "would newly flag" in text.stdout and "by outlet:" in text.stdout


def test_rules_check_on_a_rule_nested_180_levels_is_one_line_and_exit_2(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    for depth in (180, 100_000):
        query = "(" * depth + "CHINA" + ")" * depth
        (rules / "extra.toml").write_text(
            f'[[rules]]\nid = "deep"\ndescription = "d"\nseverity = "low"\nquery = "{query}"\n',
            encoding="utf-8",
        )
        result = run_newswatch(["rules", "check"], crawl_env(tmp_path, OUTLETS, NEWSWATCH_RULES=str(rules)))
        assert result.returncode == 2, result.stderr[-500:]
        (line,) = result.stderr.strip().splitlines()
        assert line.endswith(
            "extra.toml: rule 'deep': key 'query': column 51: parentheses nested too deeply (more than 50 levels)"
        )


def test_classify_and_explain_say_when_an_article_was_too_long_to_match_fully(tmp_path: Path) -> None:
    long_text = (
        "Chinese firms shipped gunpowder to a Russian ammunition plant. " + "Filler words here. " * 2_000
    )
    lines = [{"id": "long", "title": "", "text": long_text}, {"id": "short", "title": "", "text": "Sunny."}]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    env = crawl_env(tmp_path, OUTLETS, NEWSWATCH_MAX_MATCH_CHARS="10000")
    result = run_newswatch(["classify", "--jsonl", str(source)], env)
    assert result.returncode == 0, result.stderr
    long, short = (json.loads(line) for line in result.stdout.splitlines())
    assert long["flagged"] is True
    assert long["match_note"] == "too long to match fully: matched the first 10,000 of 38,063 characters"
    assert "match_note" not in short  # the usual keys only
    page = tmp_path / "long.txt"
    page.write_text(long_text, encoding="utf-8")
    explained = run_newswatch(["rules", "explain", str(page)], env)
    assert explained.returncode == 0, explained.stderr
    assert explained.stdout.splitlines()[1] == (
        "note: too long to match fully: matched the first 10,000 of 38,063 characters"
    )


def test_a_match_budget_out_of_range_stops_with_one_line(tmp_path: Path) -> None:
    env = crawl_env(tmp_path, OUTLETS, NEWSWATCH_MAX_MATCH_CHARS="5")
    result = run_newswatch(["rules", "check"], env)
    assert result.returncode == 2
    (line,) = result.stderr.strip().splitlines()
    assert "NEWSWATCH_MAX_MATCH_CHARS='5'" in line and "Traceback" not in result.stderr
