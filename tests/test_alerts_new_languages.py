"""Alerts of reports in the languages added to the rules after the first fifteen: a Portuguese
or Swedish report is classified by the shipped rules and claim cues, archived, and posted to a
loopback Slack with its claim status, its language's name and an English gloss of its matched
words. Every text is written for these tests."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from fakeslack import FakeSlack
from helpers import ROOT
from test_alerts import config_for

from alerts import dispatch
from alerts.render import language_name
from alerts.transports import SlackTransport
from newswatch.archive import Archive
from newswatch.claims import cues_beside, load_cues
from newswatch.clock import fixed_clock
from newswatch.records import Article, Candidate, Extraction
from newswatch.rules import load_ruleset
from newswatch.stories import StoryIndex, fingerprint
from pipelines.classify import ClassifyPipeline

RULES = ROOT / "config" / "rules"
WHEN = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
# language → (title, text, the claim status, the language's name, a glossed word)
CASES = {
    "pt": (
        "EUA sancionam empresas chinesas que fornecem motores de drones à Rússia",
        "O Departamento do Tesouro dos EUA impôs sanções a três empresas chinesas que forneceram motores "
        "de drones ao exército russo. Pequim não comentou.",
        "designated",
        "Portuguese",
        "drones",
    ),
    "sv": (
        "Peking förnekar att Kina levererar vapen till Ryssland",
        "Kinas utrikesdepartement förnekade att landet har levererat vapen till Ryssland och kallade "
        "anklagelserna grundlösa. Kina har aldrig skickat dödliga vapen till någon part i kriget.",
        "denied",
        "Swedish",
        "vapen",
    ),
    "es": (
        "China niega haber suministrado armas a Rusia",
        "El Ministerio de Asuntos Exteriores de China negó que el país haya suministrado armas a Rusia y "
        "calificó las acusaciones de infundadas.",
        "denied",
        "Spanish",
        "armas",
    ),
}


def posted(
    tmp_path: Path, slack: FakeSlack, language: str, case: tuple[str, str, str, str, str] | None = None
) -> str:
    """The text of every block of the message Slack receives for the case."""
    title, text, status, _, _ = case or CASES[language]
    url = f"https://news.example.org/{language}/1"
    candidate = Candidate(url=url, outlet=language, source="https://news.example.org/rss", source_kind="feed")
    item = Article(url=url, final_url=url, outlet=language, fetched_at=WHEN, html="", candidate=candidate)
    item.extraction = Extraction(text=text, title=title, published=WHEN, language=language)
    rules = load_ruleset(RULES)
    item = ClassifyPipeline(None, rules, load_cues(cues_beside(str(RULES)))).process_item(item)  # type: ignore[arg-type]
    assert item.verdict is not None and item.verdict.flagged, item.verdict
    assert item.claim is not None and item.claim.status == status, item.claim
    db = tmp_path / "newswatch.db"
    archive = Archive(db, clock=fixed_clock(WHEN))
    try:
        archive.articles.store(item, item.extraction, url, "run", fingerprint(title, text), StoryIndex())
        config = config_for(db, slack)
        transport = SlackTransport(config.slack_token, config.channel, config.api_url, 0.0)
        report = dispatch(archive, transport, config, outlet_names={language: "Example"})
    finally:
        archive.close()
    assert report.sent == 1
    (call,) = slack.delivered()
    texts = []
    for block in call.payload["blocks"]:
        if "text" in block:
            texts.append(block["text"]["text"])
        texts.extend(e["text"] for e in block.get("elements", []))
    return "\n".join(texts)


@pytest.mark.parametrize("language", list(CASES))
def test_an_alert_in_a_new_language_says_its_status_language_and_gloss(
    tmp_path: Path, slack: FakeSlack, language: str
) -> None:
    _, _, status, name, glossed = CASES[language]
    message = posted(tmp_path, slack, language)
    assert f"*{status.upper()}*" in message
    assert f"· {name}" in message
    gloss = next(line for line in message.splitlines() if line.startswith("In English:"))
    assert f"*{glossed}*" in gloss and "weapons or dual-use goods" in gloss


def test_a_bold_word_already_in_english_is_not_glossed_and_the_claim_words_are(
    tmp_path: Path, slack: FakeSlack
) -> None:
    message = posted(tmp_path, slack, "es")
    gloss = next(line for line in message.splitlines() if line.startswith("In English:"))
    assert "*Rusia* — Russia" in gloss  # a word of its own language: glossed
    assert "*China* —" not in gloss and "*China*" in message  # bold, but English already


def test_the_words_a_claim_status_rests_on_are_glossed_too(tmp_path: Path, slack: FakeSlack) -> None:
    # written for this test: the lead's first sentence decides "denied" and is the one quoted;
    # its bold words are the claim cue's, which no rule matches
    case = (
        "China niega haber suministrado armas a Rusia",
        "El Ministerio de Asuntos Exteriores de China negó el jueves las acusaciones y las calificó "
        "de infundadas.\n\nPekín insiste en que mantiene un comercio normal con Moscú.",
        "denied",
        "Spanish",
        "",
    )
    message = posted(tmp_path, slack, "es", case)
    gloss = next(line for line in message.splitlines() if line.startswith("In English:"))
    assert "*Ministerio de Asuntos Exteriores* — China's side: ministry, spokesperson" in gloss
    assert "*negó*, *infundadas* — deny, reject as false" in gloss


def test_every_language_code_gets_its_english_name() -> None:
    assert [language_name(c) for c in ("ru", "zh", "pt", "fi", "nb", "pt-BR")] == [
        "Russian",
        "Chinese",
        "Portuguese",
        "Finnish",
        "Norwegian Bokmål",
        "Portuguese",
    ]
    assert language_name("qq") == "qq" and language_name(None) == ""
    assert [language_name(c) for c in ("iw", "in", "mo")] == [
        "Hebrew",
        "Indonesian",
        "Romanian",
    ]  # retired codes
