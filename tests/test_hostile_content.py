"""Hostile article content, end to end: Slack control sequences, HTML and JavaScript, a 1 MB
title, right-to-left override and zero-width characters, SQL-looking text, NUL bytes, terminal
escape sequences and lone surrogates, through the pure functions (extraction, Slack message,
digest) and the real archive (stored byte for byte, alerts delivered to the console, full-text
search, Datasette pages and the Atom feed).
"""

from __future__ import annotations

import email
import json
import re
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from email.policy import default
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from xml.etree import ElementTree
from zoneinfo import ZoneInfo

import pytest
from helpers import ROOT, crawl_env, run_newswatch
from test_alerts import config_for
from test_search import datasette, get

from alerts import dispatch, make_transport
from alerts.digest import DigestItem, render, undelivered
from alerts.mail import build_message
from alerts.outbox import AlertView
from alerts.render import MAX_TITLE, render_alert
from newswatch.archive import Archive
from newswatch.clock import fixed_clock
from newswatch.extraction import MAX_TITLE_CHARS, clean_title, extract
from newswatch.records import Article, Candidate, Extraction
from newswatch.rules import load_ruleset
from newswatch.search import search
from newswatch.stories import StoryIndex, fingerprint

MATCHER = load_ruleset(ROOT / "config" / "rules")
TZ = ZoneInfo("Europe/Brussels")
HUGE = "Huge " + "word " * 200_000 + "zqhugetitle"  # 1 MB
#: the flagging sentence every hostile article carries (the default ruleset's own example)
SUPPLY = "Chinese firms shipped gunpowder to a Russian ammunition plant."
#: name → (hostile title or text, what a reader still sees of it in a Slack message)
HOSTILE: dict[str, tuple[str, str]] = {
    "slack-controls": (
        "<!channel> <!here> <@U123> <https://evil.example|click> China drones",
        "&lt;!channel&gt; &lt;!here&gt; &lt;@U123&gt; &lt;https://evil.example|click&gt; China drones",
    ),
    "html-and-js": (
        '<script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a>',
        '&lt;script&gt;alert(1)&lt;/script&gt;&lt;img src=x onerror="alert(2)"&gt;',
    ),
    "rtl-and-zero-width": ("\u202egpj.exe\u202c zero\u200bwidth\ufeff title", "gpj.exe zerowidth title"),
    "sql": ("'); DROP TABLE articles;--", "'); DROP TABLE articles;--"),
    "nul-and-terminal-escapes": ("NUL\x00byte \x1b[2J\x1b]0;pwned\x07 title", "NUL byte [2J ]0;pwned title"),
    "huge": (HUGE, "Huge word word"),
}
#: what must never reach a Slack message, the digest or a terminal
INVISIBLE = re.compile(
    "[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b\u2060\ufeff\u202a-\u202e\u2066-\u2069\ud800-\udfff]"
)
MARKUP = ("<!channel", "<!here", "<@U123", "<https://evil", "<script", "<img", "<a href")
NOW = datetime(2026, 11, 22, 10, tzinfo=UTC)
CLOCK = fixed_clock(NOW)  # the archive's "now": stories do not depend on the day the suite runs


def alert_view(title: str, url: str = "https://example.org/a?x=1&y=<2>|z") -> AlertView:
    sentence = f"{title} {SUPPLY}"
    start = len(title) + 1
    return AlertView(
        id=1,
        article_id=1,
        kind="new",
        severity="high",
        attempts=0,
        url=url,
        title=title,
        outlet="rferl",
        published="2026-11-22 13:05:00",
        rules=("supply-to-russia",),
        evidence={"field": "text", "sentence": sentence, "highlights": [[start, start + 7]]},  # Chinese
    )


def slack_texts(blocks: list[dict[str, Any]]) -> list[str]:
    """Every text object of a message's blocks."""
    out = []
    for block in blocks:
        if "text" in block:
            out.append(block["text"]["text"])
        out.extend(e["text"] for e in block.get("elements", []))
    return out


# --- the Slack message -------------------------------------------------------------------------


@pytest.mark.parametrize("name", HOSTILE)
def test_the_slack_message_escapes_everything_and_clips_the_title(name: str) -> None:
    title, seen = HOSTILE[name]
    message = render_alert(alert_view(title), TZ, "RFE/RL")
    everything = json.dumps(message.blocks, ensure_ascii=False) + message.text
    everything.encode("utf-8")  # sendable
    for markup in MARKUP:
        assert markup not in everything, markup
    assert not INVISIBLE.search(everything)
    headline = message.blocks[0]["text"]["text"]
    assert headline.count("<") == 1 and headline.count(">") == 1  # the one link we made
    assert all(len(text) <= 3000 for text in slack_texts(message.blocks))  # Slack's limit per text object
    assert len(message.text) <= 3000
    label = headline[headline.index("|") + 1 : headline.rindex(">")]
    assert seen in label and seen in message.text  # still readable
    assert len(label.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")) <= MAX_TITLE
    if name != "huge":  # (whose evidence sentence is clipped before it)
        assert "*Chinese* firms shipped gunpowder" in message.blocks[2]["text"]["text"]  # evidence, in bold


def test_a_huge_title_and_evidence_stay_within_slacks_limits() -> None:
    message = render_alert(alert_view(HUGE), TZ, "RFE/RL")
    headline = message.blocks[0]["text"]["text"]
    assert headline.endswith("…>*") and len(headline) < 400
    assert len(message.blocks[2]["text"]["text"]) <= 3000  # a 1 MB evidence sentence, clipped


def test_a_lone_surrogate_cannot_break_a_message() -> None:
    message = render_alert(alert_view("lone \ud800 surrogate"), TZ, "RFE/RL")
    assert "lone \ufffd surrogate" in message.text
    json.dumps(message.blocks, ensure_ascii=False).encode("utf-8")


@pytest.mark.parametrize("url", ["javascript:alert(1)", "data:text/html,<script>alert(1)</script>"])
def test_only_web_urls_become_links(url: str) -> None:
    message = render_alert(alert_view("China drones", url=url), TZ, "RFE/RL")
    headline = message.blocks[0]["text"]["text"]
    assert headline == "*China drones*"
    item = DigestItem(1, "China drones", url, "rferl", None, "high", ("supply-to-russia",), SUPPLY)
    content = render([item], TZ)
    assert 'href="javascript' not in content.html and 'href="data' not in content.html
    assert url in content.text  # plain text shows it as it is


# --- the digest --------------------------------------------------------------------------------


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text, of an HTML document."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def check(self) -> None:
        """Only the template's tags, no event handler, only https links."""
        assert {tag for tag, _ in self.tags} <= DIGEST_TAGS  # no tag from an article
        for tag, attrs in self.tags:
            for name, value in attrs:
                assert not name.startswith("on"), (tag, name)
                if name == "href":
                    assert value and value.startswith("https://"), value


DIGEST_TAGS = {
    "html",
    "head",
    "meta",
    "title",
    "style",
    "body",
    "div",
    "h1",
    "h2",
    "p",
    "strong",
    "br",
    "a",
    "span",
    "bdi",  # an article's words isolated in their own direction (Arabic in an English line)
}


def hostile_digest_items() -> list[DigestItem]:
    items = [
        DigestItem(
            i,
            title,
            f'https://example.org/a/{i}?q=<x>&y="1"',
            "rferl",
            "2026-11-22 10:00:00",
            "high",
            ("supply-to-russia",),
            f"{title} {SUPPLY}",
            ((len(title) + 1, len(title) + 8),),
            story_id=i,
        )
        for i, (title, _) in enumerate(HOSTILE.values())
    ]
    # another outlet's report of the first story: its title goes into a title="" attribute
    items.append(
        DigestItem(
            99, '"><script>alert(9)</script>', "https://kyiv.example/x", "kyiv", None, "high", (), None, (), 0
        )
    )
    return items


def test_the_digest_escapes_html_and_keeps_plain_text_readable() -> None:
    content = render(hostile_digest_items(), TZ, {"rferl": "RFE/RL", "kyiv": "Kyiv <Independent>"})
    page = Tags(content.html)
    page.check()
    shown = "".join(page.text)
    assert '<script>alert(1)</script><img src=x onerror="alert(2)">' in shown  # as text, escaped in HTML
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in content.html
    assert ("title", '"><script>alert(9)</script>') in [a for _, attrs in page.tags for a in attrs]
    assert not INVISIBLE.search(content.html) and not INVISIBLE.search(content.text.replace("\n", ""))
    assert "'); DROP TABLE articles;--" in content.html.replace("&#39;", "'")
    # plain text is plain, and readable
    text = content.text
    assert '<script>alert(1)</script><img src=x onerror="alert(2)">' in text
    assert "<!channel> <!here> <@U123> <https://evil.example|click> China drones" in text
    assert "gpj.exe zerowidth title" in text and "NUL byte [2J ]0;pwned title" in text
    assert "] Huge word word" in text and "zqhugetitle" not in text  # clipped
    assert max(len(line) for line in text.splitlines()) < 1100
    assert len(content.html) < 100_000 and len(text) < 20_000  # a 1 MB title does not make a 1 MB mail
    message = build_message(content, "newswatch@example.org", ["a@example.org"])
    parsed = email.message_from_bytes(bytes(message), policy=default)
    assert parsed["Subject"] == content.subject
    parts = {part.get_content_type(): part.get_content() for part in parsed.walk() if not part.is_multipart()}
    assert "<!channel> <!here>" in parts["text/plain"] and "&lt;!channel&gt;" in parts["text/html"]


# --- extraction: what the crawl hands to the archive -----------------------------------------


def test_extraction_normalises_hostile_titles() -> None:
    assert clean_title("\u202egpj.exe\u202c zero\u200bwidth\ufeff") == "gpj.exe zerowidth"
    assert clean_title("NUL\x00byte \x1b[2J\x07") == "NUL byte [2J"
    assert clean_title("lone \ud800 surrogate") == "lone \ufffd surrogate"
    assert clean_title("<script>alert(1)</script>") == "<script>alert(1)</script>"  # text, escaped later
    huge = clean_title(HUGE)
    assert len(huge) == MAX_TITLE_CHARS and huge.endswith("…")


def test_extraction_of_a_hostile_page_gives_text_the_archive_can_hold(tmp_path: Path) -> None:
    paragraphs = "".join(
        f"<p>{SUPPLY} Investigators traced payment number {i} through banks in Hong Kong and Dubai.</p>"
        for i in range(12)
    )
    ld = json.dumps(
        {
            "@type": "NewsArticle",
            "headline": "lone \ud800 surrogate \u001b[2J \u202eheadline",
        }
    )
    page = (
        f'<html><head><script type="application/ld+json">{ld}</script>'
        "<title>&lt;script&gt;alert(1)&lt;/script&gt;</title></head>"
        f"<body><article><h1>ignored</h1>{paragraphs}</article></body></html>"
    )
    extraction = extract(page, "https://example.org/a/1")
    assert extraction.title == "lone \ufffd surrogate [2J headline"
    assert SUPPLY in extraction.text and not INVISIBLE.search(extraction.text.replace("\n", ""))
    archive = Archive(tmp_path / "newswatch.db", clock=CLOCK)
    assert store_extraction(archive, extraction, "/a/ld").outcome == "new"
    archive.close()


def test_the_archive_refuses_a_lone_surrogate_without_writing_anything(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "newswatch.db", clock=CLOCK)
    with pytest.raises(UnicodeEncodeError):
        store_extraction(archive, Extraction(text=SUPPLY * 10, title="lone \ud800", published=NOW), "/a/s")
    for table in ("articles", "seen_urls", "alerts", "stories", "matches"):
        assert archive.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == 0, table
    archive.close()


# --- the real archive --------------------------------------------------------------------------


def store_extraction(archive: Archive, extraction: Extraction, path: str, outlet: str = "rferl") -> Any:
    """One article through Archive.articles.store, with a real verdict of the default rules."""
    url = f"https://{outlet}.example.org{path}"
    candidate = Candidate(
        url=url, outlet=outlet, source=f"https://{outlet}.example.org/feed", source_kind="feed"
    )
    when = extraction.published or NOW
    article = Article(url=url, final_url=url, outlet=outlet, fetched_at=when, html="", candidate=candidate)
    article.verdict = MATCHER.classify(extraction.title or "", extraction.text)
    article.classified_with = MATCHER.fingerprint
    fp = fingerprint(extraction.title, extraction.text)
    return archive.articles.store(article, extraction, url, "run", fp, StoryIndex())


def hostile_texts() -> dict[str, tuple[str, str]]:
    """name → (title, text): the hostile string in both, with a flagging sentence."""
    return {
        name: (
            title,
            f"{title}\n\n{SUPPLY} Reference host{i}ile.\n\nNUL\x00in text {i}, and \u202e reversed.",
        )
        for i, (name, (title, _)) in enumerate(HOSTILE.items())
    }


@pytest.fixture(scope="module")
def hostile_archive(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    """An archive holding one flagged article per hostile string, each its own story."""
    db = tmp_path_factory.mktemp("hostile") / "data" / "newswatch.db"
    db.parent.mkdir()
    archive = Archive(db, clock=CLOCK)
    for i, (name, (title, text)) in enumerate(hostile_texts().items()):
        extraction = Extraction(text=text, title=title, published=NOW - timedelta(days=10 * i))
        stored = store_extraction(archive, extraction, f"/a/{name}")
        assert stored.outcome == "new" and stored.alert == "new", name
    archive.close()
    yield db


def test_hostile_articles_are_stored_and_read_back_byte_for_byte(hostile_archive: Path) -> None:
    conn = sqlite3.connect(hostile_archive)
    try:
        for name, (title, text) in hostile_texts().items():
            row = conn.execute(
                "SELECT title, text, length(CAST(title AS BLOB)), flagged FROM articles WHERE url LIKE ?",
                (f"%/a/{name}",),
            ).fetchone()
            assert row[0] == title and row[1] == text, name
            assert row[2] == len(title.encode("utf-8")), name  # every byte, NUL included
            assert row[3] == 1, name
        assert conn.execute("SELECT count(*) FROM articles").fetchone()[0] == len(HOSTILE)  # no table dropped
        assert conn.execute("SELECT count(*) FROM alerts WHERE kind = 'new'").fetchone()[0] == len(HOSTILE)
    finally:
        conn.close()


def test_alerts_of_hostile_articles_are_delivered_escaped(hostile_archive: Path, tmp_path: Path) -> None:
    db = tmp_path / "data" / "newswatch.db"
    db.parent.mkdir()
    source, copy = sqlite3.connect(hostile_archive), sqlite3.connect(db)
    source.backup(copy)
    source.close()
    copy.close()
    config = config_for(db, None)
    archive = Archive(db, clock=CLOCK)
    printed: list[str] = []
    try:
        report = dispatch(
            archive, make_transport(config, printed.append), config, outlet_names={"rferl": "RFE/RL"}
        )
    finally:
        archive.close()
    assert report.sent == len(HOSTILE) and report.failed == 0
    assert all(not INVISIBLE.search(line) for line in printed)  # nothing for the terminal to obey
    records = [
        json.loads(line) for line in (db.parent / "alerts.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    assert len(records) == len(HOSTILE)
    everything = json.dumps(records, ensure_ascii=False)
    for markup in MARKUP:
        assert markup not in everything, markup
    for record in records:
        assert all(len(text) <= 3000 for text in slack_texts(record["blocks"]))
    for _, seen in HOSTILE.values():
        assert any(seen in record["text"] for record in records), seen


def test_the_digest_of_hostile_articles_from_the_archive(hostile_archive: Path) -> None:
    archive = Archive(hostile_archive)
    try:
        items = undelivered(archive)
    finally:
        archive.close()
    assert len(items) == len(HOSTILE)
    content = render(items, TZ, {"rferl": "RFE/RL"})
    Tags(content.html).check()
    assert "<script" not in content.html and "<img" not in content.html
    assert not INVISIBLE.search(content.html) and not INVISIBLE.search(content.text.replace("\n", ""))
    assert "<script>alert(1)</script>" in content.text and len(content.html) < 100_000


def test_full_text_search_finds_hostile_articles(hostile_archive: Path) -> None:
    archive = Archive(hostile_archive)
    try:
        for i, name in enumerate(HOSTILE):
            found = search(archive, f"host{i}ile")
            assert [r["url"] for r in found] == [f"https://rferl.example.org/a/{name}"], name
        assert [r["url"] for r in search(archive, "zqhugetitle")] == ["https://rferl.example.org/a/huge"]
        assert [r["url"] for r in search(archive, "'); DROP TABLE articles;--")] == [
            "https://rferl.example.org/a/sql"
        ]
        assert {r["url"] for r in search(archive, "<script>alert(1)</script>")} == {
            "https://rferl.example.org/a/html-and-js"
        }
        assert len(search(archive, "gunpowder", flagged=True)) == len(HOSTILE)
        assert archive.conn.execute("SELECT count(*) FROM articles").fetchone()[0] == len(HOSTILE)
    finally:
        archive.close()


def test_newswatch_search_prints_hostile_titles_harmlessly(hostile_archive: Path, tmp_path: Path) -> None:
    env = crawl_env(tmp_path, ROOT / "config" / "outlets.toml", NEWSWATCH_DB=str(hostile_archive))
    table = run_newswatch(["search", "gunpowder"], env)
    assert table.returncode == 0, table.stderr[-2000:]
    assert not INVISIBLE.search(table.stdout.replace("\n", ""))  # no escape sequence reaches the terminal
    assert "NUL byte  [2J ]0;pwned  title" in table.stdout  # each control character a space
    assert "'); DROP TABLE articles;--" in table.stdout and "gpj.exe zerowidth title" in table.stdout
    as_json = run_newswatch(["search", "nul", "--json"], env)
    titles = {json.loads(line)["title"] for line in as_json.stdout.splitlines()}
    assert titles == {title for title, _ in HOSTILE.values()}  # every one (NUL in each text), as stored


HTML_PAGES = [
    "/newswatch/articles",
    "/newswatch/articles?_search=gunpowder",
    "/newswatch/articles/{id}",
    "/newswatch/stories",
    "/newswatch/alerts",
    "/newswatch/flagged_articles",
    "/newswatch/flagged_stories",
    "/newswatch/flagged_today",
    "/newswatch/stories_this_week",
    "/newswatch/search_articles?q=gunpowder",
    "/newswatch/search_flagged?q=gunpowder",
]


def test_datasette_pages_stay_escaped(hostile_archive: Path) -> None:
    ds = datasette(hostile_archive)
    conn = sqlite3.connect(hostile_archive)
    article_id = conn.execute("SELECT id FROM articles WHERE url LIKE '%/html-and-js'").fetchone()[0]
    conn.close()
    for path in HTML_PAGES:
        page = get(ds, path.format(id=article_id))
        assert page.status_code == 200, path
        for markup in ("<script>alert(1)", "<img src=x", 'href="javascript:', "<!channel>"):
            assert markup not in page.text, (path, markup)
    flagged = get(ds, "/newswatch/flagged_articles").text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in flagged
    assert flagged.count('<a href="https://rferl.example.org/a/') == len(HOSTILE)  # the views' own links
    rows = get(ds, "/newswatch/articles.json?_shape=objects&_size=max").json()["rows"]
    assert {r["title"] for r in rows} == {title for title, _ in HOSTILE.values()}  # as stored, byte for byte


def test_the_atom_feed_of_crawled_hostile_titles_is_well_formed(tmp_path: Path) -> None:
    """Titles as the crawl stores them (extraction's clean_title): the feed stays valid XML."""
    db = tmp_path / "newswatch.db"
    archive = Archive(db, clock=CLOCK)
    for i, (name, (title, text)) in enumerate(hostile_texts().items()):
        text = text.replace("\x00", "")  # as extraction hands it over
        extraction = Extraction(text=text, title=clean_title(title), published=NOW - timedelta(days=10 * i))
        store_extraction(archive, extraction, f"/a/{name}")
    archive.close()
    response = get(datasette(db), "/newswatch/flagged_feed.atom")
    assert response.status_code == 200
    feed = ElementTree.fromstring(response.content)
    titles = [e.text or "" for e in feed.iter("{http://www.w3.org/2005/Atom}title")]
    assert (
        '[HIGH] <script>alert(1)</script><img src=x onerror="alert(2)"><a href="javascript:alert(3)">x</a>'
        in titles
    )
    assert b"<script>" not in response.content  # escaped in the XML


def test_the_atom_feed_survives_a_control_character_already_in_the_archive(hostile_archive: Path) -> None:
    assert get(datasette(hostile_archive), "/newswatch/flagged_feed.atom").status_code == 200
