"""Extraction on small pages written for the tests (pure; no crawler)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers import ROOT, SHARED, load_bench
from outlet_sites import Story, dw_page, pangea_page, paragraphs

from newswatch.extraction import (
    block_lines,
    choose_title,
    clean_authors,
    extract,
    fill_gaps,
    parse_html,
    shown_datetime,
    split_authors,
    strip_chrome,
    strip_label,
    strip_site_name,
)
from newswatch.records import Candidate

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def page(head: str = "", body: str = "", lang: str = "en") -> str:
    text = "".join(f"<p>{p}</p>" for p in paragraphs("drone parts"))
    return f"<html lang='{lang}'><head>{head}</head><body><article><h1>Headline</h1>{text}{body}</article></body></html>"


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


def test_a_line_pointing_to_another_article_is_dropped_with_or_without_its_colon() -> None:
    pointers = [
        "Смотрите также СБУ допросила пленных: что удалось узнать",
        "Read also: Hong Kong firm among nine hit by sanctions",
        "Дивіться також Китай постачає Росії дрони",
        "Lesen Sie auch Warum die Sanktionen nicht wirken",
    ]
    text = "Real sentence one.\n" + "\n".join(pointers) + "\nReal sentence two."
    assert strip_chrome(text) == "Real sentence one.\nReal sentence two."
    prose = (
        "Also readying its fleet, the navy said so.\nRelated to this, sales grew.\nSee the list below.\n"
        "Read more about it in the report, the minister said.\n"
        "Related news reports said the firm had supplied parts.\n"
        "Читайте также заявление МИД, опубликованное вчера."
    )
    assert strip_chrome(prose) == prose


# A story of some length: closing credits are dropped when they are a small part of it.
STORY = "\n".join(paragraphs("closing credits", 24))


def test_closing_agency_credit_line_is_dropped() -> None:
    assert strip_chrome(f"{STORY}\nac/sms (Reuters, AFP)") == STORY
    assert strip_chrome(f"{STORY}\ndpa/afp") == STORY
    reuters = f"{STORY}\nReporting by Pavel Polityuk; Editing by Kirsten Donovan\nOur Standards: The Thomson Reuters Trust Principles."
    assert strip_chrome(reuters) == STORY


def test_the_credits_of_a_two_paragraph_story_stay_with_it() -> None:
    # Dropping them would take a sixth of the story's words: the evidence weighs less than
    # the loss, so the short story keeps its credits.
    short = "\n".join(paragraphs("short wire story", 2))
    credit = "Reporting by Pavel Polityuk; Editing by Kirsten Donovan"
    assert strip_chrome(f"{short}\n{credit}") == f"{short}\n{credit}"


def test_lines_pointing_to_the_outlets_social_accounts_are_removed_but_reporting_stays() -> None:
    text = (
        "Body text here.\nFacebook https://fb.me/outlet\nTwitter https://twitter.com/outlet\n"
        "PayPal: click here https://paypal.me/outlet (donations report)\nLINE ID = @outlet\n"
        "The ministry posted the video at https://t.me/mod_russia"
    )
    assert strip_chrome(text) == "Body text here.\nThe ministry posted the video at https://t.me/mod_russia"


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


def test_a_lead_the_story_repeats_later_is_not_put_back_twice() -> None:
    lead = "The minister pleaded not guilty when she appeared before the high court judge on Monday."
    story = paragraphs("drone parts")
    story[2] = f"{lead} {story[2]}"
    body = "".join(f"<p>{p}</p>" for p in story)
    html = (
        f"<html><head><meta property='og:description' content='{lead}'></head><body><article>"
        f"<header><h1>Headline</h1><p class='standfirst'>{lead}</p></header>{body}</article></body></html>"
    )
    text = extract(html, now=NOW).text
    assert text.count("pleaded not guilty") == 1 and text.startswith(story[0])


def test_a_subscription_pitch_in_the_header_is_not_put_back_as_the_lead() -> None:
    pitch = (
        "<header><h1>Headline</h1><p>Want to bookmark your favourite articles and stories to read or"
        " reference later? Start your Premium subscription today.</p></header>"
    )
    html = page().replace("<article><h1>Headline</h1>", f"<article>{pitch}")
    text = extract(html, now=NOW).text
    assert "bookmark" not in text and text.startswith(paragraphs("drone parts")[0])


def test_non_html_input_gives_an_empty_extraction() -> None:
    assert extract(b"%PDF-1.7 \x00\x01\x02", now=NOW).text == ""
    assert extract("", now=NOW).text == ""


def test_hostile_title_is_kept_as_text_not_markup() -> None:
    ld = {"@type": "NewsArticle", "headline": "<!channel> <script>alert(1)</script> & co"}
    script = json.dumps(ld).replace("</", "<\\/")  # as pages escape it inside <script>
    result = extract(page(f'<script type="application/ld+json">{script}</script>'), now=NOW)
    assert result.title == "<!channel> <script>alert(1)</script> & co"


# --- titles, authors, dates ------------------------------------------------------------------


def test_site_names_and_section_labels_are_cut_from_titles() -> None:
    sites = ("BBC News", "bbc.com", "bbc")
    assert strip_site_name("Ferry trial ends early - BBC News", sites) == "Ferry trial ends early"
    assert (
        strip_site_name("PolitiFact | Ten claims checked", ("@politifact", "politifact"))
        == "Ten claims checked"
    )
    assert strip_site_name("Rhine barges wait – DW – 10/18/2026", ("dw.com", "dw")).startswith(
        "Rhine barges wait"
    )
    assert (
        strip_site_name("China – Russia trade grows", ("South China Morning Post",))
        == "China – Russia trade grows"
    )
    assert (
        strip_label("Opinion | What the new budget means for ferries")
        == "What the new budget means for ferries"
    )
    assert strip_label("Tony Blair: Why compromise matters") == "Tony Blair: Why compromise matters"


def test_title_is_the_structured_one_the_visible_headline_agrees_with() -> None:
    structured = ["Crane deal signed for harbour", "Harbour buys four electric cranes"]
    assert choose_title(structured, ["Harbour buys four electric cranes"]) == structured[1]
    assert choose_title(structured, ["Analysis Harbour buys four electric cranes"]) == structured[1]
    assert choose_title(structured, ["Something else entirely"]) == structured[0]
    assert choose_title([], ["Harbour buys four electric cranes"]) == "Harbour buys four electric cranes"


def test_title_keeps_the_headlines_own_quotes_and_a_title_segment_confirms_the_headline() -> None:
    flat = "Graham promises 'war' on NY over proposed bill"
    shown = "Graham promises ‘war’ on NY over proposed bill"
    assert choose_title([flat], [shown]) == shown
    assert (
        choose_title(["Best deals drop"], ["Huge Boxing Day deals drop early this year"]) == "Best deals drop"
    )
    structured = [
        "60% off: Huge deals drop",
        "LIVE: Best Early Boxing Day Deals in 2023 | Checkout – Reviews",
    ]
    assert (
        choose_title(structured, ["Best early Boxing Day deals in 2023"])
        == "Best early Boxing Day deals in 2023"
    )


def test_title_entities_are_decoded_and_cut_off_social_titles_ignored() -> None:
    head = (
        '<meta property="og:title" content="Brussels&#8217; night trains get a discount on...">'
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Brussels&#8217; night trains"}</script>'
    )
    assert extract(page(head), now=NOW).title == "Brussels’ night trains"


def test_authors_are_people_without_bylines_debris() -> None:
    people, orgs = split_authors(
        ["By Jane Doe, John Roe and Ana Petrova", "jane@example.org", "@ana_p", "Sam Lee - Senior Editor"],
        site_names=("Example News",),
    )
    assert people == ["Jane Doe", "John Roe", "Ana Petrova", "Sam Lee"]
    assert orgs == []
    assert split_authors(["Mark Twain Link Copied", "Reporter", "Ph.D."])[0] == ["Mark Twain"]
    assert split_authors(["Shaun Walker in Kyiv"])[0] == ["Shaun Walker"]


def test_a_news_organisation_is_never_an_author() -> None:
    assert clean_authors(["Minyvonne Burke", "The Associated Press"]) == ("Minyvonne Burke",)
    assert clean_authors(["The Associated Press"]) == ()
    assert clean_authors(["Example News"], site_names=("Example News",)) == ()
    ld = {
        "@type": "NewsArticle",
        "author": [
            {"@type": "Organization", "name": "Kyiv Daily"},
            {"@type": "Person", "name": ["Ana Petrova"]},
        ],
    }
    result = extract(page(f'<script type="application/ld+json">{json.dumps(ld)}</script>'), now=NOW)
    assert result.authors == ("Ana Petrova",)


#: Bylines that credit the outlet itself, on its own page: (URL, what the page says it is, byline).
SELF_CREDITS = [
    # the site name, the publisher and the author are one and the same
    (
        "https://www.aljazeera.com/news/2026/11/20/x",
        '<meta property="og:site_name" content="Al Jazeera">',
        "Al Jazeera",
    ),
    # no site name: the host, written together ("aljazeera")
    ("https://www.aljazeera.com/news/2026/11/20/x", "", "Al Jazeera"),
    ("https://www.bbc.com/news/articles/x", '<meta property="og:site_name" content="BBC News">', "BBC News"),
    # an acronym in capitals, in any script, is an agency or an outlet
    ("https://tass.ru/politika/123", "", "ТАСС"),
    # the outlet's name spelt out, where the page calls itself by its initials and names its
    # publisher (as DW's pages do)
    (
        "https://www.dw.com/en/x/a-1",
        '<meta property="og:site_name" content="DW"><script type="application/ld+json">'
        '{"@type": "NewsArticle", "publisher": {"@type": "Organization", "name": "Deutsche Welle"}}</script>',
        "Deutsche Welle",
    ),
    # three initials or more are the outlet's name spelt out
    (
        "https://mexiconewsdaily.com/news/x",
        '<meta property="og:site_name" content="MND">',
        "Mexico News Daily",
    ),
]


def test_a_person_whose_initials_spell_a_two_letter_site_is_kept() -> None:
    head = '<meta property="og:site_name" content="DW"><meta name="author" content="Dana Weber">'
    assert extract(page(head), "https://www.dw.com/en/x/a-1", now=NOW).authors == ("Dana Weber",)


@pytest.mark.parametrize("url, head, credit", SELF_CREDITS)
def test_a_page_crediting_only_its_outlet_has_no_author(url: str, head: str, credit: str) -> None:
    for byline in (
        f'<meta name="author" content="{credit}">',
        '<script type="application/ld+json">'
        + json.dumps({"@type": "NewsArticle", "author": {"@type": "Person", "name": credit}})
        + "</script>",
    ):
        assert extract(page(head + byline), url, now=NOW).authors == ()
    person = '<meta name="author" content="Ana Petrova">'
    assert extract(page(head + person), url, now=NOW).authors == ("Ana Petrova",)


def test_the_outlets_own_names_are_no_authors_where_the_page_does_not_say_them() -> None:
    from newswatch.extraction.authors import publisher_names, without_publishers

    names = publisher_names("Kommersant (Коммерсантъ)", "kommersant", ["kommersant.ru"])
    assert names == ("Kommersant (Коммерсантъ)", "Kommersant", "Коммерсантъ", "kommersant", "kommersant.ru")
    authors = ("Андрей Колесников", "Коммерсантъ", "Kommersant")
    assert without_publishers(authors, names) == ("Андрей Колесников",)
    dw = publisher_names("DW (Deutsche Welle)", "dw", ["dw.com"])
    assert without_publishers(("Deutsche Welle", "Roman Goncharenko"), dw) == ("Roman Goncharenko",)
    # two initials alone are no publisher's name: a person may have them
    two = publisher_names("DW", "dw", ["dw.com"])
    assert without_publishers(("Dana Weber", "Roman Goncharenko"), two) == ("Dana Weber", "Roman Goncharenko")


def dw_2020_page(byline: str = "") -> str:
    """DW's 2020 layout: no <article> or <main>; a column of teasers (each a linked headline,
    a line and an "Author:" line) before the story; the story's own facts as a list."""
    teaser = (
        '<div class="col1"><div class="news"><a href="/en/other-story/a-53330001"><h2>Berlin airport opens'
        "</h2></a><p>After nine years of delays the new airport takes its first flights.</p>"
        "<p>Author: Jane Roe</p></div></div>"
    )
    facts = f'<ul class="smallList"><li><strong>Date</strong> 28.04.2020</li>{byline}</ul>'
    text = "".join(f"<p>{p}</p>" for p in paragraphs("drone parts"))
    return (
        '<html lang="en"><head><meta property="og:site_name" content="DW.COM"></head><body>'
        f'<div id="bodyContent">{teaser}<div class="col3"><h1>Drone parts reach Russia</h1>'
        f'{facts}<div class="longText">{text}</div></div></div></body></html>'
    )


def test_an_author_line_in_a_teaser_is_not_the_storys_byline() -> None:
    url = "https://www.dw.com/en/drone-parts/a-53330000"
    assert extract(dw_2020_page(), url, now=NOW).authors == ()
    own = "<li><strong>Author</strong> Roman Goncharenko</li>"
    assert extract(dw_2020_page(own), url, now=NOW).authors == ("Roman Goncharenko",)


def test_published_time_keeps_the_zone_the_page_shows() -> None:
    ld = {"@type": "NewsArticle", "datePublished": "2026-11-20T22:30:00Z"}
    shown = '<time datetime="2026-11-21T09:30:00+11:00">21 November</time>'
    result = extract(page(f'<script type="application/ld+json">{json.dumps(ld)}</script>', shown), now=NOW)
    assert result.published == datetime(2026, 11, 20, 22, 30, tzinfo=UTC)
    assert result.published.isoformat() == "2026-11-21T09:30:00+11:00"
    naive = '<time datetime="2026-11-20 17:30:00">Nov 20, 5:30 pm</time>'
    result = extract(page(f'<script type="application/ld+json">{json.dumps(ld)}</script>', naive), now=NOW)
    assert result.published.isoformat() == "2026-11-20T17:30:00-05:00"
    day_only = '<time datetime="2026-11-20">Nov 20</time>'
    result = extract(page(f'<script type="application/ld+json">{json.dumps(ld)}</script>', day_only), now=NOW)
    assert result.published.isoformat() == "2026-11-20T22:30:00+00:00"


def test_a_utc_timestamp_takes_the_zone_of_the_date_the_page_shows() -> None:
    ld = {"@type": "NewsArticle", "datePublished": "2026-11-20T22:03:00.000Z"}
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    shown = '<div id="publish-date" class="byline_publish">November 21, 2026 - 9:03AM</div>'
    result = extract(page(head, shown), now=NOW)
    assert result.published == datetime(2026, 11, 20, 22, 3, tzinfo=UTC)
    assert result.published.isoformat() == "2026-11-21T09:03:00+11:00"  # the reader's day
    us = '<span class="ArticlePage-datePublished">November 20, 2026 5:03 PM</span>'
    assert extract(page(head, us), now=NOW).published.isoformat() == "2026-11-20T17:03:00-05:00"
    # an update shown beside it is another instant (not a whole offset away): no zone from it
    updated = '<span class="date-updated">Updated November 21, 2026 10:47</span>'
    assert extract(page(head, updated), now=NOW).published.isoformat() == "2026-11-20T22:03:00+00:00"
    # a date in running text is not a date box
    prose = "<p>The talks ended on November 21, 2026 at 9:03 in Minsk after a long night of wrangling.</p>"
    assert extract(page(head, prose), now=NOW).published.isoformat() == "2026-11-20T22:03:00+00:00"


DATE_FIXTURES = Path(__file__).parent / "fixtures" / "dates"


@pytest.mark.parametrize("name", sorted(p.stem for p in DATE_FIXTURES.glob("*.html")))
def test_a_date_printed_in_the_pages_language_gives_the_published_time(name: str) -> None:
    """``dates/<lang>.html``: a page whose only date is the one it prints in a date box, with a
    month name and a clock time in its own language; ``<lang>.json`` holds the expected time."""
    expected = json.loads((DATE_FIXTURES / f"{name}.json").read_text(encoding="utf-8"))
    html = (DATE_FIXTURES / f"{name}.html").read_text(encoding="utf-8")
    result = extract(
        html, "https://example.org/news/story", language=expected.get("outlet_language"), now=NOW
    )
    assert result.published is not None and result.published_source == "page"
    assert result.published.isoformat() == expected["published"]
    assert result.published.astimezone(UTC).date() == datetime.fromisoformat(expected["published"]).date()


def test_date_fixtures_cover_german_russian_ukrainian_and_english() -> None:
    assert {p.stem for p in DATE_FIXTURES.glob("*.html")} >= {"de", "ru", "uk", "en"}


def test_a_utc_timestamp_takes_the_zone_of_a_date_printed_in_russian() -> None:
    ld = {"@type": "NewsArticle", "datePublished": "2025-03-11T22:30:00Z"}
    head = f'<script type="application/ld+json">{json.dumps(ld)}</script>'
    shown = '<div class="article-date">12 марта 2025 года, 01:30</div>'
    result = extract(page(head, shown, lang="ru"), now=NOW)
    assert result.published == datetime(2025, 3, 11, 22, 30, tzinfo=UTC)
    assert result.published.isoformat() == "2025-03-12T01:30:00+03:00"  # the reader's day


def test_a_printed_date_in_the_future_is_not_believed() -> None:
    shown = '<div class="article-date">12 марта 2031 года, 09:15</div>'
    assert extract(page("", shown, lang="ru"), now=NOW).published is None


def test_slashed_days_follow_the_languages_day_month_order() -> None:
    assert shown_datetime("03/04/2025, 10:00", "de") == datetime(2025, 4, 3, 10, 0)
    assert shown_datetime("03/04/2025, 10:00", "uk") == datetime(2025, 4, 3, 10, 0)
    assert shown_datetime("03/04/2025, 10:00 a.m.", "en") == datetime(2025, 3, 4, 10, 0)
    assert shown_datetime("5 березня 2025 р.", "uk", clock=False) == datetime(2025, 3, 5)
    assert shown_datetime("5 березня 2025 р.", "uk") is None  # no clock time shown


def test_a_date_the_title_ends_with_is_read_before_guessing() -> None:
    head = (
        '<meta property="og:title" content="Ukrainische Gegenoffensive: Ziele, Chancen | DW | 28.04.2023">'
        "<title>Ukrainische Gegenoffensive | DW | 28.04.2023</title>"
    )
    # a related story's date box: htmldate would take it for the article's
    caption = '<div class="group"><h2>Militärgeheimdienst zuversichtlich <span class="date">24.04.2023</span></h2></div>'
    result = extract(page(head, caption), now=NOW)
    assert result.published == datetime(2023, 4, 28, tzinfo=UTC) and result.published_source == "page"
    assert extract(page("<title>Drones | 2031-01-01</title>"), now=NOW).published is None  # future: no


def test_visible_bylines_microdata_labels_and_bold_lines_name_the_authors() -> None:
    microdata = (
        '<p class="byline">By — <a itemprop="author" itemscope itemtype="https://schema.org/Person">'
        '<span itemprop="name">Najib Jobain, Associated Press</span></a>, '
        '<a itemprop="author" itemscope><span itemprop="name">Samy Magdy, Associated Press</span></a></p>'
    )
    assert extract(page(body=microdata), now=NOW).authors == ("Najib Jobain", "Samy Magdy")
    org_meta = '<meta name="author" content="Deutsche Welle (www.dw.com)">'
    labelled = "<ul><li><strong>Datum</strong> 28.04.2023</li><li><strong>Autorin/Autor</strong> Roman Goncharenko</li></ul>"
    assert extract(page(org_meta, labelled), now=NOW).authors == ("Roman Goncharenko",)
    von = '<li class="info">Von: <span><a href="/bill">Bill McCarthy</a>, </span><span><a href="/m">Marisha Goldhamer</a></span></li>'
    assert extract(page(body=von), now=NOW).authors == ("Bill McCarthy", "Marisha Goldhamer")
    bold = "<p><strong>Mathatisi Sebusi/Mohalenyane Phakela</strong></p>"
    html = page('<meta name="author" content="Lesotho Times">').replace(
        "<h1>Headline</h1>", f"<h1>Headline</h1>{bold}"
    )
    assert extract(html, now=NOW).authors == ("Mathatisi Sebusi", "Mohalenyane Phakela")
    # without a byline, no one: the publisher is no author
    assert extract(page(org_meta), now=NOW).authors == ()


def test_teasers_subheads_and_newsroom_credits_are_not_bylines() -> None:
    teaser = '<a href="/other"><span>Rettet die Reichen</span> <span class="meta">Von Ines Zöttl, Washington</span></a>'
    spiegel = "https://www.spiegel.de/ausland/x-a-1.html"
    assert extract(page('<meta name="author" content="DER SPIEGEL">', teaser), spiegel, now=NOW).authors == ()
    for subhead in ("Rising tensions", "What Comes Next", "The Road Ahead"):
        html = page().replace("<h1>Headline</h1>", f"<h1>Headline</h1><p><strong>{subhead}</strong></p>")
        assert extract(html, now=NOW).authors == ()
    by_clicking = "<p>By continuing, you agree to our terms of use and privacy policy.</p>"
    assert extract(page(body=by_clicking), now=NOW).authors == ()
    # "red" (the newsroom) and "Agenturen" name no one; the outlet's own domain is the outlet
    assert split_authors(["red, ORF.at/Agenturen"], site_names=("orf.at",)) == ([], ["ORF.at"])


def test_an_update_date_stands_in_only_when_nothing_else_is_known() -> None:
    modified = '<meta property="article:modified_time" content="2026-11-21T10:00:00Z">'
    published = '<meta property="article:published_time" content="2026-11-19T08:00:00Z">'
    assert extract(page(modified + published), now=NOW).published == datetime(2026, 11, 19, 8, tzinfo=UTC)
    alone = extract(page(modified), now=NOW)
    assert alone.published == datetime(2026, 11, 21, 10, tzinfo=UTC) and alone.published_source == "meta"


# --- chrome ----------------------------------------------------------------------------------


def test_promo_lines_and_the_headlines_listed_under_them_are_removed() -> None:
    text = (
        "First real sentence of the story.\nRead more:\nCouncil approves new ferry\nHarbour cranes arrive"
        "\nSecond real sentence of the story, after the list.\nALSO READ: Storm closes the pass"
        "\nSubscribe to our morning newsletter\nSupport UP or become our patron!\nThird real sentence."
    )
    assert strip_chrome(text) == (
        "First real sentence of the story.\nSecond real sentence of the story, after the list.\nThird real sentence."
    )


def test_closing_bio_credits_and_embed_attributions_are_removed() -> None:
    text = (
        "The story's first sentence.\n— Jane Doe (@jdoe) October 3, 2026\nThe story's last sentence."
        "\nJane Doe is a reporter based in Vilnius who covers the Baltic states."
        "\nReuters contributed to this report."
    )
    assert strip_chrome(text, ["Jane Doe"]) == "The story's first sentence.\nThe story's last sentence."
    credits = (
        f"{STORY}\nReporting by Jan Novak; Editing by Eva Kral\nContact Jan Novak at jnovak@example.org."
    )
    assert strip_chrome(credits, ["Jan Novak"]) == STORY


def test_a_bare_byline_or_headline_line_is_removed_but_sentences_with_names_stay() -> None:
    text = "Harbour buys cranes\nBy Jane Doe\nJane Doe\nJane Doe said the cranes would arrive in March."
    assert (
        strip_chrome(text, ["Jane Doe"], "Harbour buys cranes")
        == "Jane Doe said the cranes would arrive in March."
    )


def test_reporting_that_only_looks_like_chrome_stays() -> None:
    text = (
        "Officials said Anna Vasylenko was detained in March near the front line.\n"
        "“Western allies must support us now,” the minister said on Tuesday.\n"
        "Support for the plan grew after the vote.\n"
        "Anna Vasylenko is a reporter for a regional newspaper in Kherson."
    )
    assert strip_chrome(text, ["Jane Doe"], "Reporter detained") == text


def test_embedded_posts_and_chrome_named_blocks_are_removed_from_the_markup() -> None:
    body = (
        '<blockquote class="twitter-tweet"><p>A post quoted from elsewhere about the harbour.</p></blockquote>'
        '<div class="newsletter-signup"><p>Get the morning briefing in your inbox every day of the week.</p></div>'
        '<div class="author-bio"><p>Jane Doe writes about harbours and ships for the paper.</p></div>'
    )
    text = extract(page(body=body), now=NOW).text
    assert text.startswith(paragraphs("drone parts")[0])
    for chrome in ("quoted from elsewhere", "morning briefing", "writes about harbours"):
        assert chrome not in text


def test_recirculation_boxes_known_by_their_heading_are_removed() -> None:
    teasers = "".join(
        f'<li><a href="/n/{i}"><h1 class="bf2">Taiwan on alert over carrier {i}</h1><p><font>RISK REMAINS: </font>'
        f"An official said that with the elections so close it is unclear if Beijing would hold war games {i}.</p></a></li>"
        for i in range(6)
    )
    box = f'<div class="dboxss2 boxTitle"><h1>You might also like</h1><div class="bigbox2"><ul>{teasers}</ul></div></div>'
    html = page(body=box)
    text = extract(html, now=NOW).text
    assert "RISK REMAINS" not in text and "war games" not in text
    assert text.startswith(paragraphs("drone parts")[0])
    inline = '<h2>Related stories</h2><ul><li><a href="/a">Drone plant expands</a></li><li><a href="/b">Parts seized</a></li></ul>'
    text = extract(page(body=inline), now=NOW).text
    assert "Drone plant expands" not in text and paragraphs("drone parts")[-1] in text


def test_reference_lists_after_the_article_are_removed() -> None:
    cites = "".join(
        f"<p>The Daily Item, Drone parts crossed the border again, Dec. {i}, 2023</p>" for i in range(9)
    )
    box = f'<section id="sources"><header><h3>Our Sources</h3></header><article>{cites}</article></section>'
    text = extract(page(body="</article>" + box + "<article>"), now=NOW).text
    assert "Daily Item" not in text and paragraphs("drone parts")[-1] in text
    inline = "<h2>Endnotes</h2><p>[1] Ministry statement, 3 May.</p><p>[2] Customs data, 2023.</p>"
    text = extract(page(body=inline), now=NOW).text
    assert (
        "Ministry statement" not in text and "Endnotes" not in text and paragraphs("drone parts")[-1] in text
    )


def test_an_empty_inline_element_does_not_cut_the_rest_of_its_paragraph() -> None:
    quote = (
        "<p>The lawyer said the supplier wanted none of the parts to be traced back to the plant.{} It was"
        " a deliberate choice, and the shipments kept moving through the border crossing for months.</p>"
    )
    for empty in ("<strong></strong>", '<span class="x"><img src="a.png"></span>', "<em></em>"):
        text = extract(page(body=quote.format(" " + empty)), now=NOW).text
        assert "It was a deliberate choice" in text, empty


def test_a_story_paragraph_that_is_mostly_a_link_is_put_back_but_a_caption_is_not() -> None:
    def block(inner: str) -> str:
        return f'<div data-component="text-block"><div class="t"><p class="para">{inner}</p></div></div>'

    story = paragraphs("drone parts")
    linked = (
        'It also <a href="https://example.org/report">co-ordinates the shipments of drone engines and'
        " carries out joint exercises with the buyers</a>."
    )
    caption = (
        '<figure><p class="caption">Crates of drone engines at the border post, seen in May.</p></figure>'
    )
    body = block(story[0]) + block(story[1]) + block(linked) + caption + block(story[2]) + block(story[3])
    html = f"<html><body><main><h1>Headline</h1>{body}</main></body></html>"
    lines = extract(html, now=NOW).text.split("\n")
    assert (
        lines.index(
            "It also co-ordinates the shipments of drone engines and carries out joint exercises"
            " with the buyers."
        )
        == lines.index(story[1]) + 1
    )
    assert not any("Crates of drone engines" in line for line in lines)


def test_share_bar_words_of_chinese_pages_and_foreign_related_labels_are_removed() -> None:
    text = "First real sentence of the story.\n分享让更多人看到\n- 评论\n- 关注\n相关新闻：\n无人机工厂扩建\nLast one."
    assert strip_chrome(text) == "First real sentence of the story.\nLast one."


def test_a_lead_with_inline_markup_that_repeats_the_description_is_kept() -> None:
    lead = "The president-elect named his former lawyer as justice minister after his first pick withdrew."
    head = f'<meta property="og:description" content="{lead}">'
    story = "".join(f"<p>{p}</p>" for p in paragraphs("justice minister"))
    html = (
        f"<html><head>{head}</head><body><div class='shunter'><div class='story-lead'><h1>Headline</h1>"
        f"<p class='story-lead-text'><strong>\n  {lead}\n</strong></p><div class='meta'>Online since 7.57</div>"
        f"</div><div class='story-content'><div class='story-story'>{story}</div></div></div></body></html>"
    )
    text = extract(html, now=NOW).text
    assert text.startswith(lead) and paragraphs("justice minister")[-1] in text


def test_a_comment_form_and_its_house_rules_are_removed() -> None:
    form = (
        '<div class="box post_formulario" id="sf_comment_form_container_1"><h2>Comentar</h2><ul>'
        "<li>El contenido de los comentarios es la opinión de los usuarios o internautas.</li>"
        "<li>No está permitido verter comentarios contrarios a las leyes, injuriantes o ilícitos.</li></ul></div>"
    )
    text = extract(page(body=form), now=NOW).text
    assert "comentarios" not in text and paragraphs("drone parts")[-1] in text


def test_image_captions_and_complementary_landmarks_are_removed_from_the_markup() -> None:
    story = paragraphs("drone parts")
    caption = '<div class="mol-img"><img src="a.jpg" alt=""><p class="imageCaption">Crates at the border post</p></div>'
    aside = (
        '<section role="complementary"><h2>Our Coverage of the Drone Trade</h2><ul><li><p><strong>Explained:'
        "</strong> How the engines reached the front, and why customs officers missed them for a year.</p></li>"
        "</ul></section>"
    )
    body = (
        "".join(f"<p>{p}</p>" for p in story[:2])
        + caption
        + "".join(f"<p>{p}</p>" for p in story[2:])
        + aside
    )
    html = f"<html><body><article><h1>Headline</h1>{body}</article></body></html>"
    text = extract(html, now=NOW).text
    assert "Crates at the border" not in text and "How the engines reached" not in text
    assert text.startswith(story[0]) and text.endswith(story[-1])


def test_subheads_go_back_only_when_the_text_has_lost_every_subhead() -> None:
    story = paragraphs("drone parts")
    blocks = f"<p>{story[0]}</p><p>{story[1]}</p><h2>Why the shipments kept moving</h2><p>{story[2]}</p>"
    tree = parse_html(f"<html><body><div class='longText'>{blocks}</div></body></html>")
    lost_all = "\n".join(story[:3])
    assert fill_gaps(lost_all, tree).split("\n") == [*story[:2], "Why the shipments kept moving", story[2]]
    tree = parse_html(f"<html><body><div class='longText'><h2>How it began</h2>{blocks}</div></body></html>")
    kept_one = "\n".join(["How it began", *story[:3]])
    assert fill_gaps(kept_one, tree) == kept_one  # the rest were dropped on purpose


def test_a_pull_quote_the_story_repeats_is_removed_but_a_quoted_subhead_stays() -> None:
    para = (
        "The customs chief said the engines were declared as farm machinery parts and nobody opened"
        " the crates until the spring, when a tip came from across the border."
    )
    pull = "the engines were declared as farm machinery parts and nobody opened the crates until the spring"
    subhead = "‘Nobody opened the crates’"
    text = f"First real sentence of the story.\n{pull}\n{subhead}\n{para}\nLast one."
    assert strip_chrome(text) == f"First real sentence of the story.\n{subhead}\n{para}\nLast one."


def test_closing_credits_mark_only_lines_and_end_marks_are_removed() -> None:
    text = (
        "The story's first sentence.\n***\n“„\nMost read in Football\nこのニュースをシェア\nLoading weather data ..."
        "\nThis is a breaking news story, more to follow\nGet alerts on the latest poll. Sign up here."
        f"\n{STORY}\nThe story's last sentence.\nWith reporting by Associated Press writer Jan Novak"
        "\nIncludes information from The Associated Press\nThis story was originally published May 2, 2026, 12:20 PM."
        "\nRedaktion: Marcus Bensmann, Elena Müller\nFaktencheck: Marcus Bensmann\njnovak@yna.co.kr\n(END)"
    )
    assert strip_chrome(text) == f"The story's first sentence.\n{STORY}\nThe story's last sentence."
    kept = (
        "Editor Jane Doe said the report was accurate.\nReaders can write to letters@example.org with views."
    )
    assert strip_chrome(kept) == kept


def test_a_chrome_named_block_that_holds_the_article_is_kept() -> None:
    story = "".join(f"<p>{p}</p>" for p in paragraphs("harbour cranes"))
    html = (
        f"<html><body><div id='read_more' class='collapsible'>{story}</div><aside>Other</aside></body></html>"
    )
    assert extract(html, now=NOW).text.startswith(paragraphs("harbour cranes")[0])


def test_the_structured_article_body_replaces_a_text_cut_short() -> None:
    full = paragraphs("harbour cranes", n=6)
    ld = {"@type": "NewsArticle", "articleBody": "\n".join(full)}
    short = "".join(f"<p>{p}</p>" for p in full[:2])
    html = f'<html><head><script type="application/ld+json">{json.dumps(ld)}</script></head><body><article>{short}</article></body></html>'
    assert extract(html, now=NOW).text.endswith(full[-1])


def test_the_structured_article_body_replaces_a_page_that_shows_only_a_caption() -> None:
    full = paragraphs("harbour cranes", n=12)
    ld = {"@type": "NewsArticle", "articleBody": "\n".join(full)}
    caption = (
        "<p>Cranes at the container terminal in Gdynia on Monday, seen from the breakwater. Photo: AP</p>"
    )
    html = f'<html><head><script type="application/ld+json">{json.dumps(ld)}</script></head><body><article>{caption}</article></body></html>'
    text = extract(html, now=NOW).text
    assert text.startswith(full[0]) and "Photo: AP" not in text


def test_block_lines_give_one_line_per_paragraph_list_item_and_break() -> None:
    tree = parse_html(
        "<html><body><div id='b'>Lead <b>in</b> bold<p>One.</p><p>Two<br>lines</p><ul><li>x</li></ul>tail</div></body></html>"
    )
    assert block_lines(tree.xpath("//div[@id='b']")[0]) == [
        "Lead in bold",
        "One.",
        "Two",
        "lines",
        "x",
        "tail",
    ]


# --- tables, lists and the fallback to trafilatura's own output ------------------------------

FALLBACK = ROOT / "tests" / "fixtures" / "extraction_fallback"
TABLE_ROWS = (
    "Month | Declared shipments | Main crossing | Largest consignee",
    "January | 1,240 lathes and milling machines | Zabaikalsk rail crossing | Volga Precision Works",
    "June | 1,944 drilling and milling machines | Zabaikalsk rail crossing | Ural Tooling Combine",
)


def fallback_page(name: str) -> str:
    return (FALLBACK / f"{name}.html").read_text(encoding="utf-8")


@pytest.mark.parametrize("body_selector", [None, "article"])
def test_an_article_that_is_mostly_a_table_keeps_the_table_as_rows_of_text(body_selector: str | None) -> None:
    text = extract(
        fallback_page("table_article"), "https://ledger.example/a", body_selector=body_selector
    ).text
    lines = text.splitlines()
    for row in TABLE_ROWS:
        assert row in lines
    assert "Volga Precision Works" in text and "Source: customs declarations." in lines
    assert "|---" not in text and not any(line.startswith("|") for line in lines)


def test_a_bulleted_list_inside_the_article_is_kept() -> None:
    text = extract(fallback_page("list_article"), "https://ledger.example/a").text
    lines = [line.lstrip("-• ").strip() for line in text.splitlines()]
    at = lines.index("The list names four families of goods that now need a licence:")
    assert lines[at + 1 : at + 5] == [
        "Navigation modules and the circuit boards that drive them",
        "Engines for small unmanned aircraft, whole or in parts",
        "Ball bearings rated for high-speed spindles",
        "Thermal cameras with a resolution above the civilian limit",
    ]
    assert lines[at + 5].startswith("Exporters who shipped such goods")


def test_a_story_paragraph_the_cleaning_drops_but_trafilatura_keeps_is_put_back_in_place() -> None:
    # The paragraph sits in a block whose class names chrome ("subscription"): markup pruning
    # removes it, trafilatura alone keeps it, so the fallback puts it back where it was.
    lines = extract(fallback_page("misnamed_block"), "https://ledger.example/a").text.splitlines()
    records = next(i for i, line in enumerate(lines) if line.startswith("Records seen by this newspaper"))
    assert lines[records - 1].startswith("The terminal operator declined to comment")
    assert lines[records + 1].startswith("The customs office said all cargo")
    assert len(lines) == 7


def test_a_first_paragraph_with_wordpress_style_classes_is_not_read_as_chrome() -> None:
    first = paragraphs("drone parts")[0]
    styled = f'<p class="has-drop-cap has-normal-font-size"><span>{first[0]}</span>{first[1:]}</p>'
    html = page().replace(f"<p>{first}</p>", styled)
    assert extract(html, now=NOW).text.startswith(first)


def test_chrome_the_fallback_sees_lost_outside_the_story_stays_out() -> None:
    # A sign-up box and a promo teaser after the story are lost on purpose: the fallback
    # restores only sentences lying between two lines the text kept.
    extra = (
        '<div class="newsletter-box"><p>Get the Harbour Ledger morning briefing in your inbox</p></div>'
        '<div class="promo-card"><p>Ten ports to watch next year and why they matter to traders.</p></div>'
    )
    html = fallback_page("misnamed_block").replace("</article>", f"</article>{extra}")
    text = extract(html, "https://ledger.example/a").text
    assert "Records seen by this newspaper" in text
    assert "morning briefing" not in text and "Ten ports to watch" not in text


# --- the corpus gate -------------------------------------------------------------------------

CORPUS = SHARED / "corpus" / "extraction"
BASELINE = ROOT / "bench" / "baselines" / "extraction.json"


@pytest.fixture(scope="module")
def corpus_runs() -> tuple[Any, list[Any], Any]:
    """The extraction corpus read once by newswatch, in process, for the tests below."""
    bench = load_bench("extraction")
    pages = bench.load_pages(CORPUS, None, None)
    return bench, pages, bench.run_inprocess(pages)


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpus/extraction not present")
def test_corpus_figures_stay_at_or_above_the_pinned_floors(corpus_runs: tuple[Any, list[Any], Any]) -> None:
    bench, pages, run = corpus_runs
    per_page = {p.id: {"newswatch": bench.score_page(p, run.predictions[p.id])} for p in pages}
    summary = bench.build_summary(pages, per_page, ["newswatch"])
    floors = json.loads(BASELINE.read_text(encoding="utf-8"))
    assert set(floors) >= {"overall", "manual", "parser-regression", "snippets"}
    assert bench.below_floors(summary, floors) == {}


@pytest.mark.corpus
@pytest.mark.skipif(not CORPUS.exists(), reason="../shared/corpus/extraction not present")
def test_no_corpus_page_loses_more_than_ten_points_of_recall_against_trafilatura_alone(
    corpus_runs: tuple[Any, list[Any], Any],
) -> None:
    bench, pages, ours = corpus_runs
    theirs = bench.run_trafilatura(pages)
    per_page = {
        p.id: {
            "newswatch": bench.score_page(p, ours.predictions[p.id]),
            "trafilatura": bench.score_page(p, theirs.predictions[p.id]),
        }
        for p in pages
    }
    losses = [
        (page, key, round(delta, 3))
        for delta, page, key in bench.recall_losses(pages, per_page)
        if delta < -0.10
    ]
    assert losses == []


# --- the minimum length of an article, in every script ---------------------------------------

#: A three-paragraph report in Chinese (143 characters): what some 450 characters say in English.
CHINESE_REPORT = (
    "乌克兰情报部门周二表示，中国企业今年一月向俄罗斯军工厂运送了无人机发动机和电子元件。",
    "官员称，这些零部件经由在香港注册的中间商转运，最终抵达一家为俄罗斯军队组装攻击无人机的工厂。",
    "北京方面否认向冲突任何一方提供武器，并表示依法管控两用物项的出口。欧盟外交官说，将在下一轮制裁中讨论此事。",
)


def test_text_size_counts_chinese_japanese_and_korean_fairly() -> None:
    from pipelines.extract import text_size

    assert text_size("Drone engines") == 13
    assert text_size("无人机") == 9 and text_size("ドローン") == 12  # ideographs and kana: 3 each
    assert text_size("무인기") == 6  # Hangul syllables: 2 each
    chinese = "\n".join(CHINESE_REPORT)
    assert len(chinese) < 200 <= text_size(chinese)


def chinese_page(paragraphs: tuple[str, ...]) -> str:
    text = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (
        '<html lang="zh"><head><title>无人机</title></head><body><article>'
        f"<h1>中国企业向俄罗斯运送无人机零部件</h1>{text}</article></body></html>"
    )


def test_a_short_chinese_report_is_archived_and_a_chinese_stub_is_empty(tmp_path: Path) -> None:
    from helpers import news_crawler, outlet_table, rows, write_outlets
    from scrapy.exceptions import DropItem
    from scrapy.utils.misc import build_from_crawler

    from newswatch.clock import utcnow
    from newswatch.records import Article
    from pipelines.extract import ExtractPipeline

    url = "https://news.example.org/world/2026/03/02/drone-parts-12345.html"
    outlets = write_outlets(
        tmp_path / "outlets.toml",
        outlet_table("example", "https://news.example.org/", feeds=["https://news.example.org/rss.xml"]),
    )
    db = tmp_path / "data" / "newswatch.db"
    settings = {"NEWSWATCH_OUTLETS": str(outlets), "NEWSWATCH_DB": str(db), "NEWSWATCH_MIN_TEXT_CHARS": 200}

    def item(html: str, path: str) -> Article:
        candidate = Candidate(url + path, "example", "https://news.example.org/rss.xml", "feed")
        return Article(
            url=url + path,
            final_url=url + path,
            outlet="example",
            fetched_at=utcnow(),
            html=html,
            candidate=candidate,
        )

    with news_crawler(settings, outlet="example", since="2026-01-01") as crawler:
        pipeline = build_from_crawler(ExtractPipeline, crawler)
        done = pipeline.process_item(item(chinese_page(CHINESE_REPORT), "?a"))
        assert done.extraction is not None and len(done.extraction.text) < 200
        with pytest.raises(DropItem, match=r"empty extraction \(\d+ characters \(counted as \d+\)\)"):
            pipeline.process_item(item(chinese_page(("页面不存在。请返回首页。",)), "?b"))
    (empty,) = rows(db, "SELECT status, detail FROM seen_urls")
    assert empty["status"] == "empty" and "counted as" in str(empty["detail"])
