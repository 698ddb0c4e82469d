"""Slack payload snapshots: the message an alert posts, for each claim status (alleged,
official, designated, denied, confirmed) in English, Russian and Chinese, compared exactly with
``tests/fixtures/slack/<status>-<language>.json``.

Each case is a real article (texts written for these tests, with hostile titles: ``<!channel>``,
``*bold*``, ``<https://evil|x>``, ``&``, a very long one) classified by the shipped rules and
claim cues, archived, and delivered by the dispatcher to a loopback Slack; the snapshot is the
payload Slack received. After an intended change to what alerts say, write the files again and
read the difference before keeping it::

    UPDATE_SLACK_SNAPSHOTS=1 .venv/bin/python -m pytest -p no:cacheprovider -q tests/test_alert_snapshots.py
    git diff tests/fixtures/slack/

and look at the messages as Slack draws them: ``--screenshots DIR`` keeps the preview's
screenshots (``alerts-en.png``, ``alerts-ru.png``, ``alerts-zh.png``; tests/slack_preview.py).
"""

from __future__ import annotations

import html
import json
import os
import re
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from typing import Any

import pytest
from fakeslack import FakeSlack
from helpers import CHROMIUM, ROOT, screenshot
from slack_preview import block, mrkdwn, page
from test_alerts import config_for

from alerts import dispatch
from alerts.actions import buttons_block
from alerts.transports import SlackTransport
from newswatch.archive import Archive
from newswatch.claims import ClaimCues, cues_beside, load_cues
from newswatch.clock import fixed_clock
from newswatch.records import Article, Candidate, Extraction
from newswatch.rules import Matcher, load_ruleset
from newswatch.stories import StoryIndex, fingerprint
from newswatch.text import repeats_headline
from pipelines.classify import ClassifyPipeline

RULES = ROOT / "config" / "rules"
FIXTURES = Path(__file__).parent / "fixtures" / "slack"
UPDATE = os.environ.get("UPDATE_SLACK_SNAPSHOTS") == "1"
WHEN = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
STATUSES = ("alleged", "official", "designated", "denied", "confirmed")
LANGUAGES = ("en", "ru", "zh")
OUTLETS = {"en": "Example News & Views", "ru": "Пример Новости", "zh": "示例新闻"}
LONG = "Report: " + "Chinese suppliers keep Russia's drone factories running " * 8 + "— the full list"
#: (status, language) → (title, text): written for these tests; the rules and claim cues decide
CASES: dict[tuple[str, str], tuple[str, str]] = {
    ("alleged", "en"): (
        "<!channel> US officials say Chinese firms ship drone engines to Russia",
        "Chinese companies shipped *drone engines* & <b>microchips</b> to Russia's military, US officials "
        "said on Tuesday. The shipments went through Hong Kong, according to documents seen by reporters.",
    ),
    ("official", "en"): (
        "NATO communiqué calls China a *key* _enabler_ of Russia's war",
        "The summit communiqué calls China a key enabler of Russia's war against Ukraine. Allies will raise "
        "the issue with Beijing, the statement says.",
    ),
    ("designated", "en"): (
        "US Treasury sanctions Xiamen Limbach <https://evil.example|x> & partners",
        "The US Treasury imposed sanctions on three Chinese companies, among them Xiamen Limbach Aircraft "
        "Engine, which made the engines for Russia's Garpiya attack drones. The company did not reply to a "
        "request for comment.",
    ),
    ("denied", "en"): (
        "Beijing denies supplying weapons to Russia " + LONG,
        "China's foreign ministry denied supplying weapons to Russia and called the claims groundless. "
        "Beijing has never provided lethal weapons to either side, a spokesperson said.",
    ),
    ("confirmed", "en"): (
        "Chinese chips ~found~ in downed Russian drones, `investigators` say",
        "Chinese-made components were found in the wreckage of Russian drones shot down over Kyiv. Ukrainian "
        "investigators recovered Chinese chips supplied to Russia's arms makers from a downed missile.",
    ),
    ("alleged", "ru"): (
        "<!here> Китайские компании поставляют России двигатели для беспилотников, заявили в Вашингтоне",
        "По данным американских чиновников, китайские компании поставляют России двигатели и микросхемы "
        "для беспилотников. Поставки идут через Гонконг, сообщают журналисты.",
    ),
    ("official", "ru"): (
        "Еврокомиссия предложила санкции против китайских поставщиков & посредников",
        "Еврокомиссия предложила ввести санкции против китайских компаний, поставляющих комплектующие для "
        "российских беспилотников. Решение должны одобрить страны ЕС.",
    ),
    ("designated", "ru"): (
        "Евросоюз ввёл санкции против китайских поставщиков *беспилотников*",
        "Евросоюз ввёл санкции против четырёх китайских компаний, поставлявших России двигатели для "
        "беспилотников. В Пекине решение назвали ошибкой.",
    ),
    ("denied", "ru"): (
        "Пекин отверг обвинения в поставках оружия России <https://evil.example|подробнее>",
        "Пекин отверг обвинения в поставках оружия России. Представитель МИД КНР сказал, что Китай никогда "
        "не продавал оружие ни одной из сторон.",
    ),
    ("confirmed", "ru"): (
        "В обломках российских беспилотников нашли китайские компоненты",
        "В обломках российских беспилотников нашли китайские компоненты. Китайские компании поставляли эти "
        "микросхемы российскому ВПК, установили следователи.",
    ),
    ("alleged", "zh"): (
        "<!channel> 美国官员称中国公司向俄罗斯运送无人机发动机",
        "据美国官员称，中国公司向俄罗斯军工企业运送无人机发动机和芯片。这些货物经由香港转运。",
    ),
    ("official", "zh"): (
        "欧盟首次提议制裁中国公司 *粗体* & 其他",
        "欧盟首次提议制裁向俄罗斯军方供应无人机零部件的中国公司。该提案需要成员国批准。",
    ),
    ("designated", "zh"): (
        "美国制裁厦门林巴贺 <https://evil.example|点击>",
        "美国将11家向俄罗斯供应无人机零部件的中国公司列入实体清单，其中包括厦门林巴贺。",
    ),
    ("denied", "zh"): (
        "中国外交部否认向俄罗斯提供武器",
        "中国外交部否认向俄罗斯提供武器，称相关报道毫无根据。外交部发言人表示，中方从未向冲突任何一方提供致命性武器。",
    ),
    ("confirmed", "zh"): (
        "在被击落的俄罗斯无人机中发现了中国零部件",
        "在被击落的俄罗斯无人机中发现了中国零部件。调查人员说，这些零部件由中国公司供应给俄罗斯军工企业。",
    ),
}
#: what article text must never become in a payload: a ping, a link of its own, markup
LEAKS = (
    "<!channel>",
    "<!here>",
    "<https://evil",
    "<b>",
    "*drone engines*",
    "*key* _enabler_",
    "~found~",
    "`investigators`",
    "поставщиков *беспилотников*",
    "*粗体*",
)


@cache
def _rules() -> tuple[Matcher, ClaimCues]:
    return load_ruleset(RULES), load_cues(cues_beside(str(RULES)))


def archived(db: Path, status: str, language: str, case: tuple[str, str] | None = None) -> int:
    """The case's article (or ``case``: a title and text) classified by the shipped rules and
    claim cues and archived (its alert queued); its id. It must come out with ``status``."""
    title, text = case or CASES[(status, language)]
    url = f"https://news.example.org/{language}/{status}?a=1&b=<2>"
    candidate = Candidate(url=url, outlet=language, source="https://news.example.org/rss", source_kind="feed")
    item = Article(url=url, final_url=url, outlet=language, fetched_at=WHEN, html="", candidate=candidate)
    item.extraction = Extraction(text=text, title=title, published=WHEN, language=language)
    item = ClassifyPipeline(None, *_rules()).process_item(item)  # type: ignore[arg-type]
    assert item.verdict is not None and item.verdict.flagged, (status, language)
    assert item.claim is not None and item.claim.status == status, (status, language, item.claim)
    archive = Archive(db, clock=fixed_clock(WHEN))
    try:
        archive.articles.store(item, item.extraction, url, "run", fingerprint(title, text), StoryIndex())
        (article_id,) = archive.conn.execute("SELECT id FROM articles").fetchone()
    finally:
        archive.close()
    return int(article_id)


def posted(
    tmp_path: Path, slack: FakeSlack, status: str, language: str, case: tuple[str, str] | None = None
) -> dict[str, Any]:
    """What Slack receives for the case: one dispatcher pass, in the team's time zone."""
    db = tmp_path / f"{status}-{language}" / "newswatch.db"
    db.parent.mkdir(parents=True)
    archived(db, status, language, case)
    config = config_for(db, slack, NEWSWATCH_TIMEZONE="Europe/Brussels")
    transport = SlackTransport(config.slack_token, config.channel, config.api_url, 0.0)
    before = len(slack.delivered())
    archive = Archive(db, clock=fixed_clock(WHEN))
    try:
        report = dispatch(archive, transport, config, outlet_names=OUTLETS)
    finally:
        archive.close()
    assert report.sent == 1
    (call,) = slack.delivered()[before:]
    return call.payload


def _texts(blocks: list[dict[str, Any]]) -> list[str]:
    out = []
    for item in blocks:
        if "text" in item:
            out.append(item["text"]["text"])
        out.extend(e["text"] for e in item.get("elements", []))
    return out


@pytest.mark.parametrize("language", LANGUAGES)
@pytest.mark.parametrize("status", STATUSES)
def test_the_slack_payload_of_each_claim_status_matches_its_snapshot(
    tmp_path: Path, slack: FakeSlack, status: str, language: str
) -> None:
    payload = posted(tmp_path, slack, status, language)
    fixture = FIXTURES / f"{status}-{language}.json"
    shown = json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True) + "\n"
    if UPDATE:
        fixture.parent.mkdir(parents=True, exist_ok=True)
        fixture.write_text(shown, encoding="utf-8")
    assert fixture.exists(), f"no snapshot {fixture.name}: write it with UPDATE_SLACK_SNAPSHOTS=1"
    assert shown == fixture.read_text(encoding="utf-8")
    # whatever the snapshot says, article text stays text
    raw = json.dumps(payload["blocks"], ensure_ascii=False) + payload["text"]
    assert not any(leak in raw for leak in LEAKS)
    links = [t for t in _texts(payload["blocks"]) if "<" in t]
    assert len(links) == 1 and links[0].count("<") == 1  # the headline's link, ours
    assert all(len(t) <= 3000 for t in _texts(payload["blocks"]))
    assert payload["unfurl_links"] in (False, "false") and payload["unfurl_media"] in (False, "false")
    # a sentence of the body is quoted, never the headline again
    (quote,) = [t for t in _texts(payload["blocks"]) if t.startswith(">")]
    title, text = CASES[(status, language)]
    # the quote without its bold marks, the article's own marks shown as their lookalikes
    said = (
        html.unescape(quote[1:]).replace("*", "").translate(str.maketrans("\u2217\u02cd\u223c\u02cb", "*_~`"))
    )
    assert said.replace(" ", "") in text.replace(" ", "") and not repeats_headline(said, title)


def test_a_body_that_only_repeats_the_headline_is_not_quoted(tmp_path: Path, slack: FakeSlack) -> None:
    title = "Chinese firms ship drone engines to Russia, US officials say"
    payload = posted(
        tmp_path, slack, "alleged", "en", (title, f"{title}.\n\nTalks on trade went on in Geneva.")
    )
    assert not [t for t in _texts(payload["blocks"]) if t.startswith(">")]
    assert json.dumps(payload["blocks"]).count("drone engines") == 1  # the headline, once


def test_the_digest_states_the_entities_the_language_and_the_english_of_the_bold_words(
    tmp_path: Path,
) -> None:
    from zoneinfo import ZoneInfo

    from alerts.digest import render, undelivered

    db = tmp_path / "newswatch.db"
    archived(db, "designated", "zh")
    archive = Archive(db, clock=fixed_clock(WHEN))
    try:
        content = render(undelivered(archive), ZoneInfo("UTC"), OUTLETS, WHEN)
    finally:
        archive.close()
    fact = "Xiamen Limbach Aircraft Engine — drone engines; US-sanctioned 2024-10-17"
    assert f"  {fact}" in content.text and " · Chinese · " in content.text
    gloss = next(line for line in content.text.splitlines() if line.startswith("  In English: "))
    assert "厦门林巴贺 — Xiamen Limbach Aircraft Engine" in gloss
    shown = html.unescape(content.html)
    assert (
        "<strong><bdi>Xiamen Limbach Aircraft Engine</bdi></strong> — drone engines; US-sanctioned 2024-10-17"
        in shown
    )
    # the Chinese words and sentences are marked as Chinese (Chinese, not Japanese, glyphs)
    assert 'In English: <strong><bdi lang="zh">' in shown
    evidence = re.search(r'<p class="evidence"[^>]*>', shown)
    assert evidence and 'lang="zh"' in evidence.group(0) and 'dir="auto"' in evidence.group(0)


def test_every_snapshot_file_belongs_to_a_case() -> None:
    expected = {f"{s}-{lang}.json" for s in STATUSES for lang in LANGUAGES}
    assert {p.name for p in FIXTURES.glob("*.json")} == expected


# --- the preview: Block Kit as Slack draws it ---------------------------------------------------


def test_the_preview_draws_mrkdwn_as_slack_does() -> None:
    assert mrkdwn("*bold* _it_ ~gone~ `*code*`") == "<b>bold</b> <i>it</i> <s>gone</s> <code>*code*</code>"
    assert mrkdwn("foo*bar* 美国*制裁*的") == "foo*bar* 美国*制裁*的"  # only spans standing apart
    assert mrkdwn("*<https://a.example/?x=1&amp;y=2|A &lt;!here&gt; &amp; B>*") == (
        '<b><a href="https://a.example/?x=1&amp;y=2">A &lt;!here&gt; &amp; B</a></b>'
    )
    assert mrkdwn(">quoted *word*\n:red_circle: HIGH") == "<blockquote>quoted <b>word</b></blockquote>🔴 HIGH"
    assert mrkdwn("<!channel> & a < b") == '<span class="ping">@channel</span> &amp; a &lt; b'
    buttons = block(buttons_block(7, 3))
    assert re.findall(r'class="button ?(\w*)">([^<]+)<', buttons) == [
        ("primary", "Relevant"),
        ("", "Not relevant"),
        ("", "Mute story"),
        ("", "Wrong story"),
    ]


@pytest.mark.skipif(CHROMIUM is None, reason="Chromium is not installed")
@pytest.mark.parametrize("language", LANGUAGES)
def test_the_alerts_of_each_language_render_in_a_slack_like_preview(
    tmp_path: Path, slack: FakeSlack, shots: Path, language: str
) -> None:
    messages = [(f"{s}-{language}", posted(tmp_path, slack, s, language)) for s in STATUSES]
    preview = tmp_path / f"alerts-{language}.html"
    preview.write_text(page(messages, f"alerts ({language})"), encoding="utf-8")
    assert not re.search(r"<(script|img)\b|class=\"ping\"", preview.read_text(encoding="utf-8"))
    shot = shots / f"alerts-{language}.png"
    screenshot(preview.as_uri(), shot, tmp_path / "chrome", "820,1900")
    assert shot.stat().st_size > 20_000  # a drawn page, not a blank one
