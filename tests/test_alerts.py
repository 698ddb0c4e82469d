"""Alerts: the outbox, rendering and escaping, Slack delivery through a loopback Slack, the
console fallback, retries, failures, threading and the crash bound."""

from __future__ import annotations

import email
import email.message
import email.policy
import functools
import json
import logging
import re
import shutil
import socket
import sqlite3
import threading
import time
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from itertools import pairwise
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import pytest
from fakeslack import FakeSlack
from helpers import ROOT, crawl_env, rows, run_newswatch
from outlet_sites import Sites

from alerts import DispatchReport, alert_config, dispatch
from alerts.dispatch import backoff
from alerts.outbox import AlertView, Outbox
from alerts.render import SlackMessage, evidence_mrkdwn, render_alert, slack_escape
from alerts.transports import DeliveryError, Pacer, SlackTransport
from newswatch.archive import Archive
from newswatch.clock import sql_time
from newswatch.rules import load_ruleset

OUTLETS = ROOT / "config" / "outlets.toml"


def slack_env(tmp_path: Path, db: Path, slack: FakeSlack, **extra: str) -> dict[str, str]:
    values = {
        "NEWSWATCH_DB": str(db),
        "SLACK_BOT_TOKEN": "xoxb-test-token",
        "NEWSWATCH_SLACK_API_URL": slack.api_url,
        "NEWSWATCH_SLACK_CHANNEL": "#china-russia",
        "NEWSWATCH_SLACK_MIN_INTERVAL": "0.05",
        "NEWSWATCH_TIMEZONE": "Europe/Brussels",
    }
    return crawl_env(tmp_path, OUTLETS, **{**values, **extra})


class Settings(dict[str, Any]):
    """The few settings alert_config reads, for in-process tests."""

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key, default)

    def getint(self, key: str, default: int = 0) -> int:
        return int(self.get(key, default))

    def getfloat(self, key: str, default: float = 0.0) -> float:
        return float(self.get(key, default))


def config_for(db: Path, slack: FakeSlack | None, **extra: Any) -> Any:
    values = Settings(
        NEWSWATCH_DB=str(db),
        SLACK_BOT_TOKEN="xoxb-test" if slack else "",
        NEWSWATCH_SLACK_CHANNEL="#c",
        NEWSWATCH_SLACK_API_URL=slack.api_url if slack else "https://slack.com/api/",
        NEWSWATCH_SLACK_MIN_INTERVAL=0.0,
        NEWSWATCH_TIMEZONE="UTC",
        NEWSWATCH_ALERT_MAX_ATTEMPTS=3,
        NEWSWATCH_ALERT_RETRY_SECONDS=30.0,
    )
    values.update(extra)
    return alert_config(values)


# --- rendering -----------------------------------------------------------------------------------

HOSTILE = AlertView(
    id=1,
    article_id=1,
    kind="new",
    severity="high",
    attempts=0,
    url="https://example.org/a?x=1&y=<2>|z",
    title="<!channel> Click <https://evil.example|here> & win",
    outlet="rferl",
    published="2026-11-22 13:05:00",
    rules=("supply-to-russia",),
    evidence={
        "field": "text",
        "sentence": "China sent <b>drones</b> & parts to Russia.",
        "highlights": [[0, 5], [14, 20], [36, 42]],
    },
)


def test_article_text_can_neither_ping_nor_link() -> None:
    message = render_alert(HOSTILE, ZoneInfo("Europe/Brussels"), "RFE/RL")
    everything = json.dumps(message.blocks) + message.text
    assert "<!channel>" not in everything and "<https://evil" not in everything
    assert "&lt;!channel&gt;" in message.text
    headline = message.blocks[0]["text"]["text"]
    assert headline.startswith("*<https://example.org/a?x=1&amp;y=%3C2%3E%7Cz|")
    assert headline.count("<") == 1 and headline.count(">") == 1  # the one link we made


def test_alert_blocks_carry_outlet_local_time_severity_rules_and_bold_evidence() -> None:
    message = render_alert(HOSTILE, ZoneInfo("Europe/Brussels"), "RFE/RL")
    assert message.blocks[1]["elements"][-1]["text"] == ":red_circle: HIGH"
    assert (
        message.blocks[2]["text"]["text"]
        == ">*China* sent &lt;b&gt;*drones*&lt;/b&gt; &amp; parts to *Russia*."
    )
    source, about = (b["elements"][0]["text"] for b in message.blocks[3:5])
    assert source == "RFE/RL · 22 Nov 2026 14:05 CET"  # 13:05 UTC in Brussels
    assert about == "About: supply-to-russia"  # no label known: the id
    assert message.text.startswith("[HIGH] &lt;!channel&gt; Click")


def _kinds(blocks: list[dict[str, Any]]) -> list[str]:
    """Each block as what it says: claim, entities, evidence, gloss, source, about, …"""
    out = []
    for block in blocks[1:]:
        text = block["text"]["text"] if "text" in block else block["elements"][0]["text"]
        if text.startswith(":no_entry:"):
            out.append("claim")
        elif text.startswith(">"):
            out.append("evidence")
        elif text.startswith("In English:"):
            out.append("gloss")
        elif text.startswith("About:"):
            out.append("about")
        elif " · " in text:
            out.append("source")
        else:
            out.append("entities")
    return out


def test_an_alert_says_status_and_entities_first_then_outlet_local_time_and_language() -> None:
    from newswatch.rules.gazetteer import Designation, Entity

    limbach = Entity(
        "xiamen-limbach",
        "Xiamen Limbach Aircraft Engine Co., Ltd.",
        "CN_SUPPLIERS",
        "drone engines",
        ("Xiamen Limbach", "厦门林巴贺"),
        (Designation("US", "OFAC", "sanctions", "2024-10-17"),),
    )
    alert = replace(
        HOSTILE,
        claim_status="designated",
        claim_words=("制裁",),
        entities=(limbach,),
        language="zh",
        evidence={"field": "text", "sentence": "美国制裁厦门林巴贺。", "highlights": [[2, 4], [4, 9]]},
        gloss=(("制裁", "sanctions, export controls"), ("厦门林巴贺", "Xiamen Limbach Aircraft Engine")),
        rule_labels=("A named Chinese supplier of Russia's military",),
    )
    blocks = render_alert(alert, ZoneInfo("Europe/Brussels"), "RFE/RL").blocks
    assert _kinds(blocks) == ["claim", "entities", "evidence", "gloss", "source", "about"]
    assert blocks[1]["elements"][0]["text"] == ":no_entry: *DESIGNATED* — “制裁”"
    assert (
        blocks[2]["text"]["text"]
        == "*Xiamen Limbach Aircraft Engine* — drone engines; US-sanctioned 2024-10-17"
    )
    assert blocks[3]["text"]["text"] == ">美国 *制裁厦门林巴贺*。"  # touching words: one bold span, apart
    assert blocks[4]["elements"][0]["text"] == (
        "In English: *制裁* — sanctions, export controls; *厦门林巴贺* — Xiamen Limbach Aircraft Engine"
    )
    assert blocks[5]["elements"][0]["text"] == "RFE/RL · 22 Nov 2026 14:05 CET · Chinese"
    assert blocks[6]["elements"][0]["text"] == "About: A named Chinese supplier of Russia's military"


def test_arabic_words_and_names_keep_their_order_in_the_english_lines_of_an_alert() -> None:
    # written for this test: an Arabic report whose cue words, glossed words and outlet are
    # Arabic; each is isolated in its own direction (U+2068 … U+2069), so a list of two Arabic
    # words in an English line reads in order; an article's own direction marks are dropped
    alert = replace(
        HOSTILE,
        claim_status="designated",
        claim_words=("تفرض", "عقوبات\u202e"),
        language="ar",
        evidence={"field": "text", "sentence": "تفرض واشنطن عقوبات.", "highlights": [[0, 4], [12, 18]]},
        gloss=(("عقوبات", "sanctions, export controls"), ("مسيرة", "weapons or dual-use goods")),
    )
    blocks = render_alert(alert, ZoneInfo("UTC"), "الجزيرة").blocks
    line = blocks[1]["elements"][0]["text"]
    assert line == ":no_entry: *DESIGNATED* — “\u2068تفرض\u2069”, “\u2068عقوبات\u2069”"
    gloss = next(
        b["elements"][0]["text"] for b in blocks if "In English" in json.dumps(b, ensure_ascii=False)
    )
    assert "*\u2068عقوبات\u2069* — sanctions" in gloss
    assert any("\u2068الجزيرة\u2069 · 22 Nov 2026" in json.dumps(b, ensure_ascii=False) for b in blocks)
    assert "\u202e" not in json.dumps(blocks, ensure_ascii=False)
    # the notification too: headline and outlet apart, the time after them
    message = render_alert(replace(alert, title="واشنطن تعاقب"), ZoneInfo("UTC"), "الجزيرة")
    assert "\u2068واشنطن تعاقب\u2069 — \u2068الجزيرة\u2069, 22 Nov 2026" in message.text
    # words of left-to-right scripts are left as they are
    assert "\u2068" not in json.dumps(
        render_alert(HOSTILE, ZoneInfo("UTC"), "RFE/RL").blocks, ensure_ascii=False
    )


def test_an_alert_names_at_most_three_rules_by_their_labels() -> None:
    labels = ("Sanctions on <b>Chinese</b> suppliers", "Military aid", "Denials", "Fighters", "Military aid")
    blocks = render_alert(replace(HOSTILE, rule_labels=labels), ZoneInfo("UTC")).blocks
    assert blocks[-1]["elements"][0]["text"] == (
        "About: Sanctions on &lt;b&gt;Chinese&lt;/b&gt; suppliers; Military aid; Denials; and 1 more"
    )


def test_markup_in_article_text_formats_nothing_in_slack() -> None:
    alert = replace(
        HOSTILE,
        title="*bold* _it_ ~gone~ `code` & <!here>",
        evidence={"field": "text", "sentence": "China sent *drones* to Russia.", "highlights": [[0, 5]]},
        claim_words=("*said*",),
        claim_status="alleged",
    )
    message = render_alert(alert, ZoneInfo("UTC"))
    assert message.blocks[0]["text"]["text"].endswith("|∗bold∗ ˍitˍ ∼gone∼ ˋcodeˋ &amp; &lt;!here&gt;>*")
    assert message.blocks[1]["elements"][0]["text"] == ":speech_balloon: *ALLEGED* — “∗said∗”"
    assert message.blocks[2]["text"]["text"] == ">*China* sent ∗drones∗ to Russia."
    assert message.text.startswith("[HIGH] ALLEGED: ∗bold∗ ˍitˍ ∼gone∼ ˋcodeˋ &amp; &lt;!here&gt;")


def test_a_matched_part_of_a_word_is_bold_as_the_whole_word() -> None:
    evidence = {"sentence": "Kampfdrohnen für Russland", "highlights": [[5, 12], [17, 25]]}
    assert evidence_mrkdwn(evidence) == "*Kampfdrohnen* für *Russland*"


# --- what the alert says, from the rule files: labels and an English gloss ---------------------

RULES = ROOT / "config" / "rules"
WHEN = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
RUSSIAN = (
    "Евросоюз ввёл санкции против китайских поставщиков",
    "Евросоюз ввёл санкции против четырёх китайских компаний, поставлявших России двигатели для "
    "беспилотников. В Пекине решение назвали ошибкой.",
)
# one rule only (supply-to-russia): the goods stand too far from "Beijing" for the rule that
# reads Chinese goods beside Russia's forces
ENGLISH = (
    "Beijing keeps shipping Russia its attack drones",
    "Beijing is selling Russia large numbers of attack drones and missiles, officials said.",
)


@functools.cache
def _pipeline(rules: Path = RULES) -> Any:
    from newswatch.claims import cues_beside, load_cues
    from pipelines.classify import ClassifyPipeline

    return ClassifyPipeline(None, load_ruleset(rules), load_cues(cues_beside(str(rules))))  # type: ignore[arg-type]


def archive_article(
    db: Path,
    title: str,
    text: str,
    language: str,
    url: str = "https://news.example.org/a",
    outlet: str = "news",
) -> Any:
    """One article classified by the shipped rules and claim cues, and archived with its
    verdict and alert, published and fetched at WHEN; the classified item."""
    from newswatch.clock import fixed_clock
    from newswatch.records import Article, Candidate, Extraction
    from newswatch.stories import StoryIndex, fingerprint

    candidate = Candidate(url=url, outlet=outlet, source="https://news.example.org/rss", source_kind="feed")
    item = Article(url=url, final_url=url, outlet=outlet, fetched_at=WHEN, html="", candidate=candidate)
    item.extraction = Extraction(text=text, title=title, published=WHEN, language=language)
    item = _pipeline().process_item(item)
    assert item.verdict is not None and item.verdict.flagged, title
    db.parent.mkdir(parents=True, exist_ok=True)
    archive = Archive(db, clock=fixed_clock(WHEN))
    try:
        archive.articles.store(item, item.extraction, url, "run", fingerprint(title, text), StoryIndex())
    finally:
        archive.close()
    return item


def _view(db: Path, rules: Path) -> AlertView:
    archive = Archive(db)
    try:
        (view,) = Outbox(archive, rules).due(WHEN + timedelta(hours=1))
    finally:
        archive.close()
    return view


def test_an_alert_names_its_rules_by_the_labels_the_rule_files_have_now(tmp_path: Path) -> None:
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    db = tmp_path / "data" / "newswatch.db"
    archive_article(db, *ENGLISH, "en")
    view = _view(db, rules)
    assert view.rules == ("supply-to-russia",)
    about = render_alert(view, ZoneInfo("UTC")).blocks[-1]["elements"][0]["text"]
    assert about == "About: China supplying weapons or dual-use goods to Russia"
    assert "supply-to-russia" not in json.dumps(render_alert(view, ZoneInfo("UTC")).blocks)
    topic = rules / "topic.toml"
    relabelled = topic.read_text(encoding="utf-8").replace(
        'label = "China supplying weapons or dual-use goods to Russia"',
        'label = "Arms from China for Russia"',
    )
    topic.write_text(relabelled, encoding="utf-8")
    assert _view(db, rules).rule_labels == ("Arms from China for Russia",)  # at once: nothing re-judged
    topic.write_text(relabelled.replace('label = "Arms from China for Russia"\n', ""), encoding="utf-8")
    assert _view(db, rules).rule_labels == (
        "China (or a Chinese company) supplies, sells or makes military or dual-use goods for Russia",
    )  # no label: the description
    # the id stays in the archive, where Datasette and `newswatch search` read it
    assert rows(db, "SELECT rules FROM articles")[0]["rules"] == '["supply-to-russia"]'
    assert rows(db, "SELECT rule FROM matches")[0]["rule"] == "supply-to-russia"


def test_an_alert_shows_rule_ids_and_no_gloss_when_the_rule_files_cannot_be_read(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "data" / "newswatch.db"
    archive_article(db, *RUSSIAN, "ru")
    with caplog.at_level(logging.WARNING, logger="newswatch.alerts"):
        view = _view(db, tmp_path / "no-such-rules")
    rule_ids = ("supply-to-russia", "sanctions-on-chinese-suppliers")
    assert view.rule_labels == rule_ids and view.gloss == ()
    assert "show rule ids, no labels or glosses" in caplog.text
    blocks = render_alert(view, ZoneInfo("UTC")).blocks
    assert blocks[-1]["elements"][0]["text"] == "About: " + "; ".join(rule_ids)


def test_a_russian_alert_glosses_its_matched_words_in_english_from_the_lexicon(tmp_path: Path) -> None:
    db = tmp_path / "data" / "newswatch.db"
    archive_article(db, *RUSSIAN, "ru")
    view = _view(db, RULES)
    assert view.language == "ru"
    assert view.gloss == (
        ("санкции", "sanctions, export controls"),
        ("китайских компаний", "Chinese companies"),
        ("поставлявших", "supply, sale or help"),
        ("России", "Russia, Russian"),
        ("двигатели", "weapons or dual-use goods"),
        ("беспилотников", "weapons or dual-use goods"),
    )  # the words the evidence shows in bold (every matching rule's), in their order
    blocks = render_alert(view, ZoneInfo("UTC")).blocks
    texts = [b["elements"][0]["text"] for b in blocks if b["type"] == "context"]
    assert (
        "In English: *санкции* — sanctions, export controls; *китайских компаний* — Chinese companies; "
        "*поставлявших* — supply, sale or help; *России* — Russia, Russian; *двигатели*, *беспилотников* — "
        "weapons or dual-use goods"
    ) in texts
    assert "news · 20 Nov 2026 09:00 UTC · Russian" in texts


def test_a_named_entity_in_a_chinese_alert_is_glossed_by_its_name(tmp_path: Path) -> None:
    db = tmp_path / "data" / "newswatch.db"
    archive_article(
        db, "美国制裁厦门林巴贺", "美国财政部宣布制裁厦门林巴贺，该公司为俄罗斯的无人机制造发动机。", "zh"
    )
    gloss = dict(_view(db, RULES).gloss)
    assert (
        gloss["厦门林巴贺"] == "Xiamen Limbach Aircraft Engine"
        and gloss["无人机"] == "weapons or dual-use goods"
    )


def test_an_english_alert_has_no_gloss(tmp_path: Path) -> None:
    db = tmp_path / "data" / "newswatch.db"
    archive_article(db, *ENGLISH, "en")
    view = _view(db, RULES)
    assert view.language == "en" and view.gloss == ()
    assert not any("In English" in json.dumps(b) for b in render_alert(view, ZoneInfo("UTC")).blocks)


def test_a_word_of_an_included_group_is_glossed_by_its_own_group(tmp_path: Path) -> None:
    # CHINA includes HONG_KONG: the engine reports "Гонконга" under CHINA, but it means Hong Kong
    db = tmp_path / "data" / "newswatch.db"
    archive_article(
        db,
        "Гонконгские компании поставляют беспилотники России",
        "Посредники из Гонконга поставляли двигатели для беспилотников российской армии, сообщили источники.",
        "ru",
    )
    gloss = dict(_view(db, RULES).gloss)
    assert gloss["Гонконга"] == "Hong Kong" and gloss["двигатели"] == "weapons or dual-use goods"
    german = tmp_path / "de" / "newswatch.db"
    archive_article(
        german,
        "Hongkong liefert Drohnen an Russland",
        "Firmen aus Hongkong liefern Drohnen an die russische Armee, sagen Beamte.",
        "de",
    )
    assert dict(_view(german, RULES).gloss)["Hongkong"] == "Hong Kong"


def test_a_phrase_reported_under_two_groups_is_glossed_by_the_narrower_whatever_the_order(
    tmp_path: Path,
) -> None:
    from newswatch.rules.loader import load_wording

    # MILITARY_GOODS includes MILITARY_AID: "военную помощь" is reported under both
    db = tmp_path / "data" / "newswatch.db"
    archive_article(
        db,
        "Китай оказывает России военную помощь",
        "Китай оказывает России военную помощь и поставляет оружие, заявили в НАТО.",
        "ru",
    )
    gloss = dict(_view(db, RULES).gloss)
    assert gloss["военную помощь"] == "military aid" and gloss["оружие"] == "weapons or dual-use goods"
    wording = load_wording(RULES)
    for reported in (["MILITARY_GOODS", "MILITARY_AID"], ["MILITARY_AID", "MILITARY_GOODS"]):
        assert wording.group_of("военную помощь", reported, "ru") == "MILITARY_AID"
    # a word both groups have as their own: the one defined first in the rule files, either way
    for reported in (["RUSSIA_MILITARY", "WAR"], ["WAR", "RUSSIA_MILITARY"]):
        assert wording.group_of("war machine", reported, "en") == "WAR"


def test_a_german_compound_is_glossed_as_the_whole_word_shown_in_bold(tmp_path: Path) -> None:
    db = tmp_path / "data" / "newswatch.db"
    archive_article(
        db,
        "Chinesische Firmen liefern Kampfdrohnen an Russland",
        "Chinesische Firmen liefern Kampfdrohnen und Drohnenmotoren an die russische Armee, sagen US-Beamte.",
        "de",
    )
    view = _view(db, RULES)
    assert ("Kampfdrohnen", "weapons or dual-use goods") in view.gloss
    assert ("Drohnenmotoren", "weapons or dual-use goods") in view.gloss
    bold = set(re.findall(r"\*([^*]+)\*", evidence_mrkdwn(view.evidence)))
    assert {word for word, _ in view.gloss} <= bold  # the glossed words are those shown in bold


def test_broken_rule_files_are_logged_once_not_at_every_pass(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    db = tmp_path / "data" / "newswatch.db"
    archive_article(db, *RUSSIAN, "ru")
    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    topic = rules / "topic.toml"
    good = topic.read_text(encoding="utf-8")
    topic.write_text(good + "\n[[rules]]\nid = 1\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="newswatch.alerts"):
        views = [_view(db, rules) for _ in range(3)]  # three dispatcher passes: an outbox each
    rule_ids = ("supply-to-russia", "sanctions-on-chinese-suppliers")
    assert all(v.rule_labels == rule_ids for v in views)
    assert caplog.text.count("show rule ids, no labels or glosses") == 1
    assert caplog.text.count("without entity facts") == 1
    caplog.clear()
    topic.write_text(good, encoding="utf-8")  # fixed: the next pass reads them, at once
    with caplog.at_level(logging.WARNING, logger="newswatch.alerts"):
        view = _view(db, rules)
    assert view.rule_labels[0] == "China supplying weapons or dual-use goods to Russia" and view.gloss
    assert caplog.text == ""


def test_unchanged_rule_files_are_not_read_again_and_a_change_is_read_at_once(tmp_path: Path) -> None:
    import os

    from alerts.outbox import rule_wording

    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    past = time.time() - 60  # settled: changed longer ago than a time stamp's resolution
    for path in rules.rglob("*.toml"):
        os.utime(path, (past, past))
    first = rule_wording(rules)
    assert rule_wording(rules) is first  # the same reading (and the gloss's lexicon with it)
    topic = rules / "topic.toml"
    topic.write_text(
        topic.read_text(encoding="utf-8").replace(
            'label = "Chinese military aid to Russia"', 'label = "Arms aid"'
        ),
        encoding="utf-8",
    )
    os.utime(topic, (past, past))  # even with its old time stamp: its size changed
    assert rule_wording(rules).label("military-aid") == "Arms aid"
    topic.write_text(
        topic.read_text(encoding="utf-8").replace('label = "Arms aid"', 'label = "Arms hel"'),
        encoding="utf-8",
    )  # same size, just written: not trusted to the cache
    assert rule_wording(rules).label("military-aid") == "Arms hel"


def test_the_digest_names_rules_by_their_labels(tmp_path: Path) -> None:
    from alerts.mail import build

    db = tmp_path / "data" / "newswatch.db"
    archive_article(db, *ENGLISH, "en")
    archive = Archive(db)
    try:
        digest = build(archive, config_for(db, None))
    finally:
        archive.close()
    assert digest is not None and digest.message is not None
    message = email.message_from_bytes(digest.message, policy=email.policy.default)
    for part in ("plain", "html"):
        body = message.get_body((part,))
        assert isinstance(body, email.message.EmailMessage)
        text = body.get_content()
        assert (
            "China supplying weapons or dual-use goods to Russia" in text and "supply-to-russia" not in text
        )


@pytest.mark.parametrize(
    ("line", "problem"),
    [
        ('label = "' + "x" * 81 + '"', "key 'label': string should have at most 80 characters"),
        ('label = "two\\nlines"', "key 'label': a label or gloss is one line"),
        ('label = ""', "key 'label': must be a non-empty string"),
    ],
)
def test_a_rule_label_must_be_one_short_line(tmp_path: Path, line: str, problem: str) -> None:
    from newswatch.rules.loader import RuleConfigError, load_wording

    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    topic = rules / "topic.toml"
    topic.write_text(
        topic.read_text(encoding="utf-8").replace('label = "Chinese military aid to Russia"', line),
        encoding="utf-8",
    )
    with pytest.raises(RuleConfigError) as raised:
        load_wording(rules)
    assert f"topic.toml: rule 'military-aid': {problem}" in str(raised.value)
    with pytest.raises(RuleConfigError):
        load_ruleset(rules)  # the crawl refuses it too


def test_a_group_gloss_must_be_short(tmp_path: Path) -> None:
    from newswatch.rules.loader import RuleConfigError, load_wording

    rules = tmp_path / "rules"
    shutil.copytree(RULES, rules)
    groups = rules / "groups.toml"
    groups.write_text(
        groups.read_text(encoding="utf-8").replace('gloss = "denial"', 'gloss = "' + "d" * 41 + '"'),
        encoding="utf-8",
    )
    with pytest.raises(RuleConfigError, match=r"groups.toml: group 'DENIAL': key 'gloss': .*at most 40"):
        load_wording(rules)


@pytest.mark.parametrize(
    ("status", "label"),
    [
        ("designated", ":no_entry: *DESIGNATED*"),
        ("confirmed", ":white_check_mark: *CONFIRMED*"),
        ("official", ":classical_building: *OFFICIAL*"),
        ("denied", ":x: *DENIED*"),
        ("alleged", ":speech_balloon: *ALLEGED*"),
    ],
)
def test_an_alert_says_how_sure_the_claim_is_before_anything_else(status: str, label: str) -> None:
    alert = replace(HOSTILE, claim_status=status, claim_words=("imposed", "<!here> sanctions"))
    message = render_alert(alert, ZoneInfo("Europe/Brussels"), "RFE/RL")
    first = message.blocks[1]["elements"][0]["text"]
    assert first == f"{label} — “imposed”, “&lt;!here&gt; sanctions”"
    assert message.text.startswith(f"[HIGH] {status.upper()}: &lt;!channel&gt; Click")
    assert "<!here>" not in json.dumps(message.blocks)


def test_an_alert_without_a_claim_status_has_no_claim_line() -> None:
    message = render_alert(HOSTILE, ZoneInfo("Europe/Brussels"), "RFE/RL")
    assert message.blocks[1]["elements"][0]["text"].split(" · ")[0] == ":red_circle: HIGH"


def test_evidence_with_overlapping_or_bad_highlights_is_still_safe() -> None:
    text = evidence_mrkdwn({"sentence": "a <b> c", "highlights": [[0, 1], [0, 3], [5, 99]]})
    assert text == "*a* &lt;b&gt; c"
    assert slack_escape("&<>") == "&amp;&lt;&gt;"


def _highlighted(sentence: str, *words: str) -> dict[str, Any]:
    return {
        "sentence": sentence,
        "highlights": [[sentence.index(w), sentence.index(w) + len(w)] for w in words],
    }


def test_a_bold_word_cut_at_the_section_limit_is_closed_again() -> None:
    long_word = "China ships drones" + "x" * 4000 + " to Russia"  # one "word" of 4000 characters
    text = evidence_mrkdwn(_highlighted(long_word, "drones", "Russia"))
    assert len(text) <= 2900 and text.endswith("*…")
    assert text.count("*") == 2 and text.startswith("China ships *dronesxxx")
    short = evidence_mrkdwn(_highlighted("China ships drones to Russia", "drones"), limit=18)
    assert short == "China ships *dro*…"  # the bold word cut, still closed


def test_a_cut_at_the_section_limit_never_splits_an_escape() -> None:
    for pad in range(6):  # wherever the limit falls relative to "&amp;"
        text = evidence_mrkdwn(_highlighted("Russia " + "x" * pad + "&" * 3000, "Russia"))
        assert len(text) <= 2900 and text.endswith("…")
        assert re.fullmatch(r"\*Russia\* x*(&amp;)*…", text), text[-12:]


def test_an_invisible_character_inside_a_word_does_not_split_its_bold() -> None:
    sentence = "Chinese Kampf\u200bdrohnen and \u202eaisuR\u202c here"
    text = evidence_mrkdwn(_highlighted(sentence, "drohnen", "aisuR"))
    assert text == "Chinese *Kampfdrohnen* and *aisuR* here"


# --- outbox --------------------------------------------------------------------------------------


def test_flagging_writes_one_pending_alert_per_article_in_the_same_transaction(
    crawled: tuple[Path, Sites, str, str],
) -> None:
    db, sites, _, _ = crawled
    flagged = {r["id"] for r in rows(db, "SELECT id FROM articles WHERE flagged = 1")}
    assert len(flagged) == sum(s.flagged for s in sites.archived.values())
    alerts = rows(db, "SELECT article_id, kind, status, attempts FROM alerts")
    assert flagged and {a["article_id"] for a in alerts} == flagged
    assert all(a["kind"] == "new" and a["status"] == "pending" and a["attempts"] == 0 for a in alerts)
    assert len(alerts) == len(flagged)


def test_an_article_gets_one_new_alert_and_one_update_per_severity_level(
    archive_copy: tuple[Path, Sites],
) -> None:
    db, _ = archive_copy
    archive = Archive(db)
    (article_id,) = archive.conn.execute("SELECT id FROM articles WHERE flagged = 1 LIMIT 1").fetchone()
    assert not archive.outbox.queue(article_id, "new", "high")
    assert archive.outbox.queue(article_id, "update", "medium")
    assert not archive.outbox.queue(article_id, "update", "medium")
    archive.close()


def test_backoff_is_exponential_capped_and_jittered() -> None:
    assert backoff(1, 30, lambda: 0.0) == timedelta(seconds=15)
    assert backoff(1, 30, lambda: 1.0) == timedelta(seconds=30)
    assert backoff(3, 30, lambda: 1.0) == timedelta(seconds=120)
    assert backoff(30, 30, lambda: 1.0) == timedelta(hours=1)


def test_pacer_keeps_one_message_per_interval() -> None:
    now = [100.0]
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        now[0] += seconds

    pacer = Pacer(1.0, clock=lambda: now[0], sleep=sleep)
    pacer.wait()
    now[0] += 0.25
    pacer.wait()
    now[0] += 3.0
    pacer.wait()
    assert slept == [0.75]


# --- delivery ------------------------------------------------------------------------------------


def test_dispatch_posts_each_flagged_article_once_in_order(
    archive_copy: tuple[Path, Sites], slack: FakeSlack, tmp_path: Path
) -> None:
    db, sites = archive_copy
    env = slack_env(tmp_path, db, slack)
    first = run_newswatch(["dispatch"], env)
    assert first.returncode == 0, first.stderr
    posts = slack.delivered()
    flagged = rows(
        db,
        "SELECT a.url FROM alerts al JOIN articles a ON a.id = al.article_id ORDER BY al.created_at, al.id",
    )
    assert len(posts) == len(flagged) == sum(s.flagged for s in sites.archived.values())
    for post, row in zip(posts, flagged, strict=True):
        assert post.token == "xoxb-test-token"
        assert post.payload["channel"] == "#china-russia"
        assert post.payload["unfurl_links"] is False and post.payload["unfurl_media"] is False
        assert row["url"].replace("&", "&amp;") in post.payload["blocks"][0]["text"]["text"]
        assert "*" in post.payload["blocks"][2]["text"]["text"]  # evidence with bold terms
    sent = rows(db, "SELECT status, slack_ts, channel, transport FROM alerts")
    assert all(r["status"] == "sent" and r["slack_ts"] and r["transport"] == "slack" for r in sent)
    assert run_newswatch(["dispatch"], env).returncode == 0
    assert len(slack.delivered()) == len(posts)  # nothing sent twice
    assert "sent 0" in run_newswatch(["dispatch"], env).stdout


def test_posts_to_one_channel_are_at_least_the_interval_apart(
    archive_copy: tuple[Path, Sites], slack: FakeSlack, tmp_path: Path
) -> None:
    db, _ = archive_copy
    slack.script("late")  # the first request takes 0.3 s to reach Slack (a loaded machine, a slow network)
    assert (
        run_newswatch(
            ["dispatch"], slack_env(tmp_path, db, slack, NEWSWATCH_SLACK_MIN_INTERVAL="0.4")
        ).returncode
        == 0
    )
    times = [c.at for c in slack.delivered()]  # when Slack received each post
    # The interval runs from the end of the previous call, so this holds however late a request arrives.
    assert len(times) >= 3 and all(b - a >= 0.4 for a, b in pairwise(times))


def test_a_429_storm_leaves_alerts_pending_with_a_retry_time(
    archive_copy: tuple[Path, Sites], slack: FakeSlack, tmp_path: Path
) -> None:
    db, _ = archive_copy
    slack.default = "ratelimited:5"
    result = run_newswatch(["dispatch"], slack_env(tmp_path, db, slack))
    assert result.returncode == 1
    assert len(slack.posts()) == 1  # no retry inside the call
    alerts = rows(
        db, "SELECT status, attempts, last_error, next_attempt_at, created_at FROM alerts ORDER BY id"
    )
    assert alerts[0]["status"] == "pending" and alerts[0]["attempts"] == 0  # Slack took nothing
    assert (
        "rate limited" in alerts[0]["last_error"] and alerts[0]["next_attempt_at"] > alerts[0]["created_at"]
    )
    assert all(a["status"] == "pending" and a["attempts"] == 0 for a in alerts[1:])  # order kept: they wait


def test_invalid_auth_keeps_everything_pending_then_delivery_resumes_in_order(
    archive_copy: tuple[Path, Sites], slack: FakeSlack, tmp_path: Path
) -> None:
    db, _ = archive_copy
    slack.script("invalid_auth")
    env = slack_env(tmp_path, db, slack)
    result = run_newswatch(["dispatch"], env)
    assert result.returncode == 1
    assert result.stderr.count("fix the configuration: Slack refused the configuration: invalid_auth") == 1
    assert {(r["status"], r["attempts"]) for r in rows(db, "SELECT status, attempts FROM alerts")} == {
        ("pending", 0)
    }
    conn = sqlite3.connect(db)
    conn.execute("UPDATE alerts SET next_attempt_at = '2000-01-01 00:00:00'")  # the wait is over
    conn.commit()
    conn.close()
    assert run_newswatch(["dispatch"], env).returncode == 0
    order = [
        r["url"]
        for r in rows(
            db,
            "SELECT a.url FROM alerts al JOIN articles a ON a.id = al.article_id "
            "ORDER BY al.created_at, al.id",
        )
    ]
    assert [c.payload["blocks"][0]["text"]["text"] for c in slack.delivered()] == [
        next(
            c.payload["blocks"][0]["text"]["text"]
            for c in slack.delivered()
            if u.replace("&", "&amp;") in c.payload["blocks"][0]["text"]["text"]
        )
        for u in order
    ]


def test_a_message_slack_will_never_take_is_failed_and_visible(
    archive_copy: tuple[Path, Sites], slack: FakeSlack, tmp_path: Path
) -> None:
    db, _ = archive_copy
    slack.script("invalid_blocks")
    env = slack_env(tmp_path, db, slack)
    assert run_newswatch(["dispatch"], env).returncode == 0
    failed = rows(db, "SELECT id, status, last_error FROM alerts WHERE status = 'failed'")
    assert len(failed) == 1 and "invalid_blocks" in failed[0]["last_error"]
    listing = run_newswatch(["alerts", "--status", "failed"], env)
    assert "failed" in listing.stdout and "invalid_blocks" in listing.stdout
    assert (
        "1 failed alert(s) queued again"
        in run_newswatch(["alerts", "--requeue", str(failed[0]["id"])], env).stdout
    )
    run_newswatch(["dispatch"], env)
    assert rows(db, "SELECT status FROM alerts WHERE id = ?", failed[0]["id"])[0]["status"] == "sent"


def test_a_crash_between_slack_confirming_and_marking_sent_resends_at_most_that_one(
    archive_copy: tuple[Path, Sites], slack: FakeSlack
) -> None:
    db, _ = archive_copy
    config = config_for(db, slack)
    real = SlackTransport(config.slack_token, config.channel, config.api_url, 0.0)

    class CrashAfterConfirm:
        name = "slack"

        def send(self, message, thread_ts=None, meta=None):  # type: ignore[no-untyped-def]
            real.send(message, thread_ts, meta)  # Slack has it now...
            raise KeyboardInterrupt("power cut")  # ...and the process dies before recording it

    archive = Archive(db)
    with pytest.raises(KeyboardInterrupt):
        dispatch(archive, CrashAfterConfirm(), config)
    archive.close()
    assert rows(db, "SELECT count(*) AS n FROM alerts WHERE status = 'sending'")[0]["n"] == 1
    archive = Archive(db)  # the restart
    report = dispatch(archive, real, config)
    archive.close()
    total = rows(db, "SELECT count(*) AS n FROM alerts")[0]["n"]
    assert report.recovered == 1 and report.sent == total
    assert len(slack.delivered()) == total + 1  # exactly one duplicate: the message in flight
    assert rows(db, "SELECT count(*) AS n FROM alerts WHERE status = 'sent'")[0]["n"] == total


def test_a_severity_rise_replies_in_the_first_alerts_thread(
    archive_copy: tuple[Path, Sites], slack: FakeSlack
) -> None:
    db, _ = archive_copy
    config = config_for(db, slack)
    transport = SlackTransport(config.slack_token, config.channel, config.api_url, 0.0)
    archive = Archive(db)
    dispatch(archive, transport, config)
    article_id, ts = archive.conn.execute(
        "SELECT article_id, slack_ts FROM alerts WHERE kind = 'new' ORDER BY id LIMIT 1"
    ).fetchone()
    archive.conn.execute("UPDATE articles SET severity = 'medium' WHERE id = ?", (article_id,))
    verdict = load_ruleset(ROOT / "config" / "rules").classify(
        "", "China is supplying drones and missiles to Russia's military, officials said."
    )
    assert verdict.severity == "high"
    assert archive.verdicts.update(article_id, verdict, "test") == "update"
    assert archive.verdicts.update(article_id, verdict, "test") is None  # the same level again: nothing
    before = len(slack.delivered())
    report = dispatch(archive, transport, config)
    archive.close()
    assert report.sent == 1
    reply = slack.delivered()[before]
    assert reply.payload["thread_ts"] == ts
    assert reply.payload["blocks"][0]["text"]["text"].startswith("Updated, now HIGH:")


def test_without_a_token_alerts_go_to_the_console_and_alerts_jsonl(
    archive_copy: tuple[Path, Sites], tmp_path: Path
) -> None:
    db, sites = archive_copy
    result = run_newswatch(["dispatch"], crawl_env(tmp_path, OUTLETS, NEWSWATCH_DB=str(db)))
    assert result.returncode == 0, result.stderr
    flagged = sum(s.flagged for s in sites.archived.values())
    assert result.stdout.count("ALERT [HIGH]") == flagged
    lines = [json.loads(x) for x in (db.parent / "alerts.jsonl").read_text().splitlines()]
    assert len(lines) == flagged and {x["severity"] for x in lines} == {"high"}
    assert {x["url"] for x in lines} == {u for u, s in sites.archived.items() if s.flagged}
    assert {r["transport"] for r in rows(db, "SELECT transport FROM alerts")} == {"console"}


def test_dry_run_prints_what_would_be_sent_and_marks_nothing(
    archive_copy: tuple[Path, Sites], slack: FakeSlack, tmp_path: Path
) -> None:
    db, _ = archive_copy
    result = run_newswatch(["dispatch", "--dry-run"], slack_env(tmp_path, db, slack))
    assert result.returncode == 0 and "would send 3" in result.stdout
    assert slack.posts() == []
    assert {r["status"] for r in rows(db, "SELECT status FROM alerts")} == {"pending"}


def test_slack_errors_are_classified_for_the_dispatcher(slack: FakeSlack, tmp_path: Path) -> None:
    config = config_for(tmp_path / "x.db", slack)
    transport = SlackTransport(config.slack_token, config.channel, config.api_url, 0.0, timeout=2)
    message = SlackMessage("t", [])
    # answer: (config, retryable, unknown: may be in the channel, unsent: provably not posted)
    for answer, expected in (
        ("channel_not_found", (True, False, False, False)),
        ("msg_too_long", (False, False, False, False)),
        ("fatal_error", (False, True, False, False)),
        ("server_error", (False, True, True, False)),
        ("cut", (False, True, True, False)),
        ("reset", (False, True, True, False)),
        ("drop", (False, True, True, False)),
        ("hang", (False, True, True, False)),
        ("trickle", (False, True, True, False)),
        ("ratelimited:42", (False, True, False, True)),
    ):
        slack.script(answer)
        started = time.monotonic()
        with pytest.raises(DeliveryError) as info:
            transport.send(message)
        assert time.monotonic() - started < 2 + 3, answer  # the timeout bounds the whole call
        error = info.value
        assert (error.config, error.retryable, error.unknown, error.unsent) == expected, answer
    assert error.retry_after == 42
    assert len(slack.posts()) == 10  # one request per call: nothing is re-posted inside a call
    unreachable = SlackTransport("xoxb-test", "#c", f"http://127.0.0.1:{closed_port()}/api/", 0.0)
    with pytest.raises(DeliveryError) as info:
        unreachable.send(message)
    assert info.value.unsent and info.value.retryable and not info.value.unknown


def test_bad_alert_settings_fail_with_one_line(tmp_path: Path) -> None:
    result = run_newswatch(["dispatch"], crawl_env(tmp_path, OUTLETS, NEWSWATCH_TIMEZONE="Mars/Olympus"))
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "newswatch: settings: environment variable NEWSWATCH_TIMEZONE='Mars/Olympus' "
        "is not a time zone (an IANA name, e.g. Europe/Brussels)"
    )


# --- delivery faults: lost answers, rate limits, order, replies without a thread ------------------

T0 = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


class MovingClock:
    """The archive's "now", moved by the test."""

    def __init__(self, at: datetime = T0) -> None:
        self.at = at

    def __call__(self) -> datetime:
        return self.at

    def advance(self, **span: float) -> None:
        self.at += timedelta(**span)


def closed_port() -> int:
    """A loopback port nothing listens on (connection refused)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def queued(db: Path, start: datetime = T0 - timedelta(minutes=5)) -> list[int]:
    """Pin the alerts' queue times one second apart from ``start`` (id order), all due; their ids."""
    conn = sqlite3.connect(db)
    ids = [r[0] for r in conn.execute("SELECT id FROM alerts ORDER BY id")]
    for k, alert_id in enumerate(ids):
        at = sql_time(start + timedelta(seconds=k))
        conn.execute("UPDATE alerts SET created_at = ?, next_attempt_at = ? WHERE id = ?", (at, at, alert_id))
    conn.commit()
    conn.close()
    return ids


def queue_reply(db: Path, alert_id: int, at: datetime) -> int:
    """An `update` alert (a reply in the thread of ``alert_id``'s message) queued at ``at``."""
    archive = Archive(db)
    (article_id,) = archive.conn.execute("SELECT article_id FROM alerts WHERE id = ?", (alert_id,)).fetchone()
    assert archive.outbox.queue(article_id, "update", "medium", now=at)
    (reply_id,) = archive.conn.execute("SELECT max(id) FROM alerts").fetchone()
    archive.close()
    return int(reply_id)


def one_pass(db: Path, slack: FakeSlack, clock: MovingClock, **settings: Any) -> DispatchReport:
    """One dispatcher pass at the clock's time, through the loopback Slack, backoff without jitter."""
    config = config_for(db, slack, **settings)
    archive = Archive(db, clock=clock)
    try:
        transport = SlackTransport(config.slack_token, config.channel, config.api_url, 0.0, timeout=2)
        return dispatch(archive, transport, config, rng=lambda: 1.0)
    finally:
        archive.close()


def alert(db: Path, alert_id: int) -> dict[str, Any]:
    (row,) = rows(
        db,
        "SELECT status, attempts, next_attempt_at, last_error, slack_ts, thread_ts FROM alerts WHERE id = ?",
        alert_id,
    )
    return row


def url_of(db: Path, alert_id: int) -> str:
    (row,) = rows(
        db, "SELECT a.url FROM alerts al JOIN articles a ON a.id = al.article_id WHERE al.id = ?", alert_id
    )
    return str(row["url"]).replace("&", "&amp;")


def posts_of(slack: FakeSlack, db: Path, alert_id: int, kind: str = "new") -> list[Any]:
    """Posts of one alert (found by its article's link; ``kind`` tells a reply from its parent)."""
    url = url_of(db, alert_id)
    replies = [c for c in slack.posts() if url in c.payload["blocks"][0]["text"]["text"]]
    return [
        c
        for c in replies
        if c.payload["blocks"][0]["text"]["text"].startswith("Updated") == (kind == "update")
    ]


@pytest.mark.parametrize("answer", ["cut", "reset", "drop", "server_error"])
def test_a_lost_answer_is_a_counted_attempt_and_the_alert_is_not_posted_again_before_its_retry(
    archive_copy: tuple[Path, Sites], slack: FakeSlack, answer: str
) -> None:
    db, _ = archive_copy
    first, *others = queued(db)
    clock = MovingClock()
    slack.script(answer)  # Slack takes the post; the answer never arrives whole
    report = one_pass(db, slack, clock)  # nothing escapes
    assert report.retried == 1 and report.sent == 0 and len(slack.posts()) == 1
    row = alert(db, first)
    assert (row["status"], row["attempts"]) == ("pending", 1)
    assert row["next_attempt_at"] == sql_time(T0 + timedelta(seconds=30))  # backoff, not "at once"
    for _ in range(5):  # passes before the retry time: no post, and nothing overtakes it
        clock.advance(seconds=5)
        one_pass(db, slack, clock)
    assert len(slack.posts()) == 1
    clock.advance(seconds=10)
    assert one_pass(db, slack, clock).sent == 1 + len(others)
    assert (
        len(posts_of(slack, db, first)) == 2
    )  # one extra post for the one attempt whose outcome was unknown
    assert alert(db, first)["attempts"] == 2


def breaks_after_posting(real: SlackTransport, error: BaseException) -> Any:
    """A transport that posts for real, then fails with ``error`` (a bug, a kill) before
    the dispatcher hears of the post."""

    class Transport:
        name = "slack"

        def send(self, message, thread_ts=None, meta=None):  # type: ignore[no-untyped-def]
            real.send(message, thread_ts, meta)
            raise error

    return Transport()


def test_any_exception_from_a_send_is_a_counted_attempt(
    archive_copy: tuple[Path, Sites], slack: FakeSlack
) -> None:
    db, _ = archive_copy
    first, *_ = queued(db)
    config = config_for(db, slack)
    real = SlackTransport(config.slack_token, config.channel, config.api_url, 0.0)

    archive = Archive(db, clock=MovingClock())
    report = dispatch(
        archive, breaks_after_posting(real, ValueError("a bug after the post")), config, rng=lambda: 1.0
    )
    archive.close()
    assert report.retried == 1 and "ValueError: a bug after the post" in report.errors[0]
    row = alert(db, first)
    assert (row["status"], row["attempts"]) == ("pending", 1)
    assert row["next_attempt_at"] == sql_time(T0 + timedelta(seconds=30))


def test_crashes_mid_send_spend_attempts_so_an_alert_is_posted_at_most_max_attempts_times(
    archive_copy: tuple[Path, Sites], slack: FakeSlack
) -> None:
    db, _ = archive_copy
    first, *_ = queued(db)
    config = config_for(db, slack)  # NEWSWATCH_ALERT_MAX_ATTEMPTS=3
    real = SlackTransport(config.slack_token, config.channel, config.api_url, 0.0)

    for _ in range(6):  # killed after every post, restarted every time
        archive = Archive(db, clock=MovingClock())
        try:
            dispatch(archive, breaks_after_posting(real, KeyboardInterrupt("killed")), config)
        except KeyboardInterrupt:
            pass
        finally:
            archive.close()
    assert len(posts_of(slack, db, first)) == 3
    row = alert(db, first)
    assert (row["status"], row["attempts"]) == ("failed", 3)


def test_posts_per_alert_stay_within_max_attempts_when_slack_takes_each_post_and_resets(
    archive_copy: tuple[Path, Sites], slack: FakeSlack
) -> None:
    db, _ = archive_copy
    first, *_ = queued(db)
    clock = MovingClock()
    slack.default = "reset"  # every post reaches the channel, every answer is lost
    passes = 0
    while alert(db, first)["status"] == "pending" and passes < 20:
        one_pass(db, slack, clock, NEWSWATCH_ALERT_MAX_ATTEMPTS=8)
        clock.advance(hours=2)
        passes += 1
    assert alert(db, first) | {"next_attempt_at": None, "last_error": None} == {
        "status": "failed",
        "attempts": 8,
        "next_attempt_at": None,
        "last_error": None,
        "slack_ts": None,
        "thread_ts": None,
    }
    assert len(posts_of(slack, db, first)) == 8  # one post per attempt, the hard cap


def test_a_429_sets_the_retry_time_without_sleeping_or_spending_an_attempt(
    archive_copy: tuple[Path, Sites], slack: FakeSlack, caplog: pytest.LogCaptureFixture
) -> None:
    db, _ = archive_copy
    ids = queued(db)
    clock = MovingClock()
    slack.script("ratelimited:600")
    caplog.set_level(logging.WARNING, logger="newswatch.alerts")
    finished = threading.Event()

    def first_pass() -> None:
        one_pass(db, slack, clock)
        finished.set()

    started = time.monotonic()
    threading.Thread(target=first_pass, daemon=True).start()
    assert finished.wait(20), "the dispatcher sat in the call waiting out Retry-After"
    assert time.monotonic() - started < 5
    row = alert(db, ids[0])
    assert (row["status"], row["attempts"]) == ("pending", 0)
    assert row["next_attempt_at"] == sql_time(T0 + timedelta(seconds=600))
    assert [r.getMessage() for r in caplog.records if "wait" in r.getMessage()] == [
        "alerts wait 600 s (until 12:10:00 UTC): Slack rate limited (HTTP 429, Retry-After 600 s)"
    ]
    clock.advance(seconds=300)
    one_pass(db, slack, clock)
    assert len(slack.posts()) == 1  # honoured: nothing goes out before the time Slack gave
    clock.advance(seconds=301)
    assert one_pass(db, slack, clock).sent == len(ids)
    assert [c.answer for c in slack.posts()] == ["ratelimited:600"] + ["ok"] * len(ids)


def test_a_slack_that_only_answers_429_cannot_keep_an_alert_forever(
    archive_copy: tuple[Path, Sites], slack: FakeSlack
) -> None:
    db, _ = archive_copy
    first, *_ = queued(db)
    clock = MovingClock()
    slack.default = "ratelimited:60"
    for _ in range(4):  # a young alert: 429s cost no attempt
        one_pass(db, slack, clock)
        clock.advance(seconds=61)
    assert (alert(db, first)["status"], alert(db, first)["attempts"]) == ("pending", 0)
    clock.advance(days=1)  # a day old: each 429 now counts, and the attempts run out
    for _ in range(3):
        one_pass(db, slack, clock)
        clock.advance(seconds=61)
    row = alert(db, first)
    assert (row["status"], row["attempts"]) == ("failed", 3) and "rate limited" in row["last_error"]
    assert slack.delivered() == []


def test_an_unreachable_slack_costs_no_attempt_and_posts_nothing(archive_copy: tuple[Path, Sites]) -> None:
    db, _ = archive_copy
    first, *others = queued(db)
    config = config_for(
        db,
        None,
        SLACK_BOT_TOKEN="xoxb-test",
        NEWSWATCH_SLACK_API_URL=f"http://127.0.0.1:{closed_port()}/api/",
    )
    archive = Archive(db, clock=MovingClock())
    report = dispatch(
        archive,
        SlackTransport(config.slack_token, config.channel, config.api_url, 0.0),
        config,
        rng=lambda: 1.0,
    )
    archive.close()
    assert report.stopped and "Connection refused" in report.stopped
    row = alert(db, first)
    assert (row["status"], row["attempts"]) == ("pending", 0)
    assert row["next_attempt_at"] == sql_time(T0 + timedelta(seconds=30))
    assert all(alert(db, i)["attempts"] == 0 for i in others)


def test_after_slack_fails_and_recovers_alerts_go_oldest_first_and_replies_after_their_story(
    archive_copy: tuple[Path, Sites], slack: FakeSlack
) -> None:
    db, _ = archive_copy
    ids = queued(db)
    reply = queue_reply(db, ids[0], T0 - timedelta(minutes=4))  # after all the others
    clock = MovingClock()
    slack.script("server_error", "server_error")  # the oldest alert fails twice
    one_pass(db, slack, clock)  # attempt 1 of the oldest; retry at +30 s
    for _ in range(3):  # the others are due all along, but must not overtake it
        clock.advance(seconds=9)
        one_pass(db, slack, clock)
    assert len(slack.posts()) == 1
    clock.advance(seconds=4)
    one_pass(db, slack, clock)  # attempt 2 fails too; retry at +60 s
    clock.advance(seconds=30)
    one_pass(db, slack, clock)
    assert len(slack.posts()) == 2
    clock.advance(seconds=31)
    assert one_pass(db, slack, clock).sent == len(ids) + 1
    delivered = slack.delivered()
    expected = [url_of(db, i) for i in ids] + [url_of(db, ids[0])]
    assert [
        next(u for u in expected if u in c.payload["blocks"][0]["text"]["text"]) for c in delivered
    ] == expected
    assert delivered[-1].payload["blocks"][0]["text"]["text"].startswith("Updated")
    assert delivered[-1].payload["thread_ts"] == alert(db, ids[0])["slack_ts"]  # in its story's thread
    assert [alert(db, i)["attempts"] for i in [*ids, reply]] == [3] + [1] * len(ids)


def test_a_first_message_confirmed_without_a_ts_still_gets_its_reply_out_on_its_own(
    archive_copy: tuple[Path, Sites], slack: FakeSlack
) -> None:
    db, _ = archive_copy
    ids = queued(db)
    reply = queue_reply(db, ids[0], T0 - timedelta(minutes=4))
    slack.script("no_ts")  # ok: true, but no ts to reply to
    report = one_pass(db, slack, MovingClock())
    assert report.sent == len(ids) + 1
    assert alert(db, ids[0])["status"] == "sent" and alert(db, ids[0])["slack_ts"] is None
    (post,) = posts_of(slack, db, ids[0], kind="update")
    assert "thread_ts" not in post.payload or post.payload["thread_ts"] is None  # a message of its own
    (title,) = rows(
        db, "SELECT a.title FROM alerts al JOIN articles a ON a.id = al.article_id WHERE al.id = ?", ids[0]
    )
    follows = post.payload["blocks"][-1]["elements"][0]["text"]
    assert (
        follows.startswith("Follows the story first reported by ")
        and slack_escape(str(title["title"])) in follows
    )
    assert "(follows: " in post.payload["text"]
    assert alert(db, reply)["status"] == "sent"
    assert one_pass(db, slack, MovingClock()).sent == 0  # nothing left behind


def test_alerts_pending_without_an_attempt_are_reported_by_newswatch_alerts(
    archive_copy: tuple[Path, Sites], tmp_path: Path
) -> None:
    db, _ = archive_copy
    env = crawl_env(tmp_path, OUTLETS, NEWSWATCH_DB=str(db))
    queued(db, datetime.now(UTC) - timedelta(minutes=3))  # queued a moment ago: nothing to say
    assert "no delivery attempt" not in run_newswatch(["alerts"], env).stdout
    queued(db, datetime.now(UTC) - timedelta(hours=1))
    conn = sqlite3.connect(db)
    conn.execute(
        "UPDATE alerts SET attempts = 1 WHERE id = (SELECT min(id) FROM alerts)"
    )  # this one was tried
    conn.commit()
    conn.close()
    listing = run_newswatch(["alerts"], env)
    assert listing.returncode == 0
    assert "warning: 2 alert(s) pending with no delivery attempt for over 10 minutes" in listing.stdout


@pytest.mark.parametrize("retry_after", ["inf", "1e300", "-5", "nan", "soon"])
def test_a_retry_after_that_is_no_usable_number_neither_crashes_nor_spends_an_attempt(
    archive_copy: tuple[Path, Sites], slack: FakeSlack, retry_after: str
) -> None:
    """Retry-After is honoured up to an hour; infinite or huge means an hour, a negative one
    now, and one that is not a number falls back to the backoff."""
    db, _ = archive_copy
    first, *_ = queued(db)
    clock = MovingClock()
    slack.script(f"ratelimited:{retry_after}")
    report = one_pass(db, slack, clock)
    assert report.retried == 1 and report.sent == 0
    row = alert(db, first)
    assert (row["status"], row["attempts"]) == ("pending", 0)
    wait = datetime.fromisoformat(str(row["next_attempt_at"])).replace(tzinfo=UTC) - T0
    expected = {"inf": 3600, "1e300": 3600, "-5": 0}.get(retry_after)
    if expected is None:  # the backoff: 30 s·2^0, jittered within its upper half
        assert timedelta(seconds=15) <= wait <= timedelta(seconds=30)
    else:
        assert wait == timedelta(seconds=expected)


def test_a_confirmed_post_whose_ids_are_not_text_is_sent_once(
    archive_copy: tuple[Path, Sites], slack: FakeSlack
) -> None:
    db, _ = archive_copy
    ids = queued(db)
    slack.script("odd_ids")
    clock = MovingClock()
    for _ in range(3):
        one_pass(db, slack, clock)
        clock.advance(seconds=3600)
    first = alert(db, ids[0])
    assert (first["status"], first["attempts"], first["slack_ts"]) == ("sent", 1, None)
    assert [c.answer for c in slack.posts()].count("odd_ids") == 1
    assert all(alert(db, i)["status"] == "sent" for i in ids)


def test_the_evidence_marks_the_words_of_every_rule_that_matched_the_sentence(tmp_path: Path) -> None:
    # the supply rule is the most severe, and marks "made"; the sanctions rule marks "sanctions"
    # and "Chinese companies", the named-supplier rule the whole company name
    title = "US sanctions Chinese drone engine makers"
    text = (
        "The US imposed sanctions on three Chinese companies, among them Xiamen Limbach Aircraft Engine, "
        "which made the engines for Russia's Garpiya drones."
    )
    verdict = load_ruleset(RULES).classify(title, text, "en")
    (evidence,) = verdict.evidence
    marked = [evidence.sentence[a:b] for a, b in evidence.highlights]
    assert {"sanctions", "Chinese companies", "Xiamen Limbach Aircraft Engine", "made"} <= set(marked)
    assert "Xiamen" not in marked  # inside the company's name: one span
    db = tmp_path / "data" / "newswatch.db"
    archive_article(db, title, text, "en")
    view = _view(db, RULES)
    assert view.evidence is not None
    shown = {view.evidence["sentence"][a:b] for a, b in view.evidence["highlights"]}
    assert {"sanctions", "Chinese companies", "Xiamen Limbach Aircraft Engine", "made"} <= shown
    assert "*sanctions*" in evidence_mrkdwn(view.evidence)


@pytest.mark.parametrize(
    "damaged",
    ['["ab"]', "not json", '{"sentence": "x"}', "[[1, 2, 3]]", '[{"field": "text", "highlights": 7}]'],
)
def test_a_damaged_stored_evidence_row_holds_up_no_alert_and_marks_nothing_wrong(
    tmp_path: Path, damaged: str
) -> None:
    title = "US sanctions Chinese drone engine makers"
    text = (
        "The US imposed sanctions on three Chinese companies, among them Xiamen Limbach Aircraft Engine, "
        "which made the engines for Russia's Garpiya drones."
    )
    db = tmp_path / "data" / "newswatch.db"
    archive_article(db, title, text, "en")
    with sqlite3.connect(db) as conn:
        first, *others = [r[0] for r in conn.execute("SELECT id FROM matches ORDER BY id")]
        conn.execute("UPDATE matches SET evidence = ? WHERE id = ?", (damaged, others[0]))
        sentence = json.loads(
            conn.execute("SELECT evidence FROM matches WHERE id = ?", (first,)).fetchone()[0]
        )[0]
        sentence["highlights"] = [*sentence["highlights"], [4, 100_000], [-50, 30], ["a", "b"]]
        conn.execute("UPDATE matches SET evidence = ? WHERE id = ?", (json.dumps([sentence]), others[-1]))
    view = _view(db, RULES)
    assert view.evidence is not None
    size = len(view.evidence["sentence"])
    assert all(0 <= a < b <= size for a, b in view.evidence["highlights"])
    assert "*made*" in evidence_mrkdwn(view.evidence)
