"""Extraction on small pages written for the tests (pure; no crawler)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from outlet_sites import Story, dw_page, pangea_page, paragraphs

from extraction import extract, strip_chrome
from records import Candidate

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def page(head: str = "", body: str = "", lang: str = "en") -> str:
    text = "".join(f"<p>{p}</p>" for p in paragraphs("drone parts"))
    return f"<html lang='{lang}'><head>{head}</head><body><article>{body}<h1>Headline</h1>{text}</article></body></html>"


def test_structured_data_wins_for_title_date_and_authors() -> None:
    ld = {
        "@context": "https://schema.org",
        "@graph": [
            {"@type": "WebPage", "name": "Site"},
            {
                "@type": "NewsArticle",
                "headline": "The real headline",
                "datePublished": "2026-11-20T08:00:00+01:00",
                "author": [
                    {"@type": "Person", "name": "By Ana Petrova"},
                    {"@type": "Organization", "name": "DW"},
                ],
            },
        ],
    }
    html = page(
        f'<script type="application/ld+json">{json.dumps(ld)}</script>'
        '<meta property="article:published_time" content="2026-11-19T08:00:00Z">'
    )
    result = extract(html, "https://x.org/a/1", now=NOW)
    assert result.title == "The real headline"
    assert result.published == datetime(2026, 11, 20, 7, 0, tzinfo=UTC)
    assert result.published_source == "ld+json"
    assert result.authors == ("Ana Petrova",)


def test_article_published_time_is_used_without_structured_data() -> None:
    result = extract(page('<meta property="article:published_time" content="2026-11-19T08:00:00Z">'), now=NOW)
    assert (result.published, result.published_source) == (datetime(2026, 11, 19, 8, tzinfo=UTC), "meta")


def test_feed_date_and_title_fill_gaps_only() -> None:
    hint = Candidate(
        url="https://x.org/a/1",
        outlet="x",
        source="f",
        source_kind="feed",
        title="Feed title",
        published=NOW - timedelta(hours=2),
    )
    result = extract(
        "<html><body>" + "".join(f"<p>{p}</p>" for p in paragraphs("x")) + "</body></html>",
        "https://x.org/a/1",
        hint=hint,
        now=NOW,
    )
    assert result.published == NOW - timedelta(hours=2) and result.published_source == "feed"
    assert result.title == "Feed title"


def test_future_dates_are_not_believed() -> None:
    future = (NOW + timedelta(days=30)).isoformat()
    result = extract(page(f'<meta property="article:published_time" content="{future}">'), now=NOW)
    assert result.published is None


def test_language_comes_from_the_page_then_the_outlet() -> None:
    assert extract(page(lang="de-DE"), now=NOW).language == "de"
    no_lang = page().replace(" lang='en'", "")
    assert extract(no_lang, language="uk", now=NOW).language == "uk"


def test_canonical_link_is_canonicalised() -> None:
    result = extract(page('<link rel="canonical" href="https://x.org/a/1/amp/?utm_source=x">'), now=NOW)
    assert result.canonical_url == "https://x.org/a/1/"


def test_seed_style_chrome_lines_are_removed() -> None:
    text = "Accessibility links\nBreaking News\nReal sentence one.\nShare\nXS\nSM\nMD\nLG\nReal sentence two."
    assert strip_chrome(text) == "Real sentence one.\nReal sentence two."


def test_closing_agency_credit_line_is_dropped() -> None:
    assert strip_chrome("Body text here.\nac/sms (Reuters, AFP)") == "Body text here."
    assert strip_chrome("Body text here.\ndpa/afp") == "Body text here."


def test_pangea_page_keeps_the_body_and_drops_skip_links_bio_and_size_picker() -> None:
    story = Story(
        "/a/1.html",
        "Evidence shared",
        paragraphs("drone engines"),
        NOW,
        ["Ana Petrova"],
        bio="Ana Petrova covers the EU and NATO with a focus on Ukraine.",
    )
    result = extract(
        pangea_page(story, "https://www.rferl.org/a/x/1.html"), "https://www.rferl.org/a/x/1.html", now=NOW
    )
    assert result.text.startswith(story.paragraphs[0])
    assert result.text.endswith(story.paragraphs[-1])
    for chrome in ("Accessibility links", "covers the EU and NATO", "XS", "Most Read", "undesirable"):
        assert chrome not in result.text


def test_dw_lead_in_the_article_header_is_kept() -> None:
    story = Story("/en/x/a-1", "China fills gaps", paragraphs("microelectronics"), NOW)
    result = extract(dw_page(story, "https://www.dw.com/en/x/a-1"), "https://www.dw.com/en/x/a-1", now=NOW)
    assert result.text.startswith(story.paragraphs[0])
    assert "Reuters, AFP" not in result.text


def test_non_html_input_gives_an_empty_extraction() -> None:
    assert extract(b"%PDF-1.7 \x00\x01\x02", now=NOW).text == ""
    assert extract("", now=NOW).text == ""


def test_hostile_title_is_kept_as_text_not_markup() -> None:
    ld = {"@type": "NewsArticle", "headline": "<!channel> <script>alert(1)</script> & co"}
    script = json.dumps(ld).replace("</", "<\\/")  # as pages escape it inside <script>
    result = extract(page(f'<script type="application/ld+json">{script}</script>'), now=NOW)
    assert result.title == "<!channel> <script>alert(1)</script> & co"
