"""The rules' cost stays near-linear in the length of an article, whatever its shape (one
huge sentence, no spaces, Chinese without punctuation, every word a term), and is capped:
an article past NEWSWATCH_MAX_MATCH_CHARS, or with too many term matches, is judged on its
start with a recorded "too long to match fully" note."""

from __future__ import annotations

import random
import sqlite3
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fakeweb import FakeWeb
from helpers import ROOT, crawl_env, outlet_table, rows, run_newswatch, write_outlets
from outlet_sites import Story, pangea_page, paragraphs, rss

from newswatch.archive import Archive
from newswatch.records import Article, Candidate, Extraction
from newswatch.rules import Matcher, load_ruleset
from newswatch.rules.engine import Hit, _before, _near, _uncovered
from newswatch.rules.explain import render
from newswatch.rules.text import (
    _SENTENCE_END,
    WordIndex,
    build_doc,
    sentence_ends,
    within_words,
    words_between,
)
from newswatch.stories import StoryIndex, fingerprint

RULES = ROOT / "config" / "rules"
MATCHER = load_ruleset(RULES)
NOW = datetime(2026, 11, 22, 10, tzinfo=UTC)
SUPPLY = "Chinese firms shipped gunpowder to a Russian ammunition plant."


def repeat(unit: str, size: int, sep: str = " ") -> str:
    """``unit`` repeated to exactly ``size`` characters."""
    return (sep.join([unit] * (size // (len(unit) + len(sep)) + 2)))[:size]


#: Texts of pathological shapes, by size: what one bad page can hold.
SHAPES: dict[str, Callable[[int], str]] = {
    "one sentence of repeated claims": lambda n: repeat("Chinese drone engines supplied to Russia", n),
    "one flagging sentence repeated without full stops": lambda n: repeat(
        "The US Treasury sanctioned 12 Chinese companies for supplying drone components to Russia's military,",
        n,
    ),
    "every word a term": lambda n: repeat("China Russia drone supply weapons sanctions", n),
    "Chinese without punctuation": lambda n: repeat(
        "中国向俄罗斯提供无人机零部件和机床支持其对乌克兰的战争", n, ""
    ),
    "no whitespace, words joined by commas": lambda n: repeat(
        "China,supplied,drones,to,Russia's,army", n, ","
    ),
    "no whitespace, one endless word": lambda n: repeat("ChinadronesRussiaweapons", n, ""),
    "excluded phrases everywhere": lambda n: repeat("South China Sea drones supplied to Russia", n),
    "a run of exclamation marks": lambda n: "China supplies drones to Russia " + "!" * n + "x",
    "a run of full stops and brackets": lambda n: (
        "China supplies drones to Russia " + "." * (n // 2) + ")" * (n // 2) + "x"
    ),
}


def work(matcher: Matcher, text: str) -> int:
    """Function calls (Python and C) made while classifying ``text``: a measure of the work
    done that does not depend on the machine's speed or load."""
    calls = 0

    def count(frame: Any, event: str, arg: Any) -> None:
        nonlocal calls
        if event in ("call", "c_call"):
            calls += 1

    sys.setprofile(count)
    try:
        matcher.classify("", text)
    finally:
        sys.setprofile(None)
    return calls


@pytest.mark.parametrize("shape", [s for s in SHAPES if "run of" not in s])
def test_work_grows_linearly_with_the_length_of_one_long_sentence(shape: str) -> None:
    small, large = work(MATCHER, SHAPES[shape](5_000)), work(MATCHER, SHAPES[shape](50_000))
    # ten times the text: about ten times the work (pairs of terms compared would be ~100)
    assert large <= 15 * max(small, 1_000), (shape, small, large)


@pytest.mark.parametrize("shape", list(SHAPES))
def test_a_500_kb_pathological_text_classifies_in_seconds(shape: str) -> None:
    text = SHAPES[shape](500_000)
    started = time.thread_time()
    MATCHER.classify("Title", text)
    assert time.thread_time() - started < 10, shape  # under a second on an idle core


def test_long_text_verdicts_are_the_same_as_on_their_parts() -> None:
    """Speed changes nothing: a claim repeated in one long sentence flags as it does once."""
    once = MATCHER.classify("", SHAPES["one flagging sentence repeated without full stops"](100))
    many = MATCHER.classify("", SHAPES["one flagging sentence repeated without full stops"](200_000))
    assert once.flagged and set(once.rules) <= set(many.rules) and many.match_note is None
    (evidence,) = many.evidence  # one sentence, shown as a window of it with its marks
    assert len(evidence.sentence) <= 1_000 and evidence.sentence.endswith("…")
    marked = [evidence.sentence[a:b] for a, b in evidence.highlights]
    assert any("Chinese" in word for word in marked) and "supplying" in marked


def test_an_article_past_the_character_budget_is_judged_on_its_start_and_says_so() -> None:
    matcher = load_ruleset(RULES, max_chars=20_000)
    filler = repeat("The council met on Tuesday to discuss the budget.", 30_000)
    start = matcher.classify("", SUPPLY + " " + filler)
    assert start.flagged
    assert start.match_note == "too long to match fully: matched the first 20,000 of 30,063 characters"
    assert start.truncated
    end = matcher.classify("", filler + " " + SUPPLY)  # the claim lies past the budget
    assert not end.flagged and end.match_note and "of 30,063 characters" in end.match_note
    assert matcher.classify("", SUPPLY).match_note is None  # within the budget: no note
    assert "note: too long to match fully" in render(start, matcher)


def test_the_cut_never_matches_a_piece_of_a_word() -> None:
    matcher = load_ruleset(RULES, max_chars=10_000)
    # "Chinatown" cut after "China" would read as China, and the sentence would flag
    text = "x" * 4_000 + " supplied drones to Russia's military, said Chinatown"
    for extra in range(0, 12):
        verdict = matcher.classify("", "y" * (5_950 + extra) + " " + text)
        assert not verdict.flagged and verdict.match_note, extra


def test_an_article_with_too_many_term_matches_is_judged_on_its_start() -> None:
    matcher = load_ruleset(RULES, max_matches=2_000)
    dense = repeat("中国向俄罗斯提供无人机零部件", 200_000, "")
    verdict = matcher.classify("", dense)
    assert verdict.flagged and verdict.match_note
    assert verdict.match_note.startswith("too long to match fully: matched the first ")
    assert verdict.match_note.endswith(" of 200,000 characters")
    assert len(verdict.terms) <= 2_000
    assert matcher.classify("", SUPPLY).match_note is None


def test_a_budget_below_one_is_refused() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        load_ruleset(RULES, max_chars=0)


def test_the_archive_records_the_match_note(tmp_path: Path) -> None:
    matcher = load_ruleset(RULES, max_chars=20_000)
    archive = Archive(tmp_path / "newswatch.db", clock=lambda: NOW)
    for path, text in (("/long", SUPPLY + " " + repeat("More words here.", 40_000)), ("/short", SUPPLY)):
        url = f"https://rferl.example.org{path}"
        candidate = Candidate(
            url=url, outlet="rferl", source="https://rferl.example.org/feed", source_kind="feed"
        )
        article = Article(
            url=url, final_url=url, outlet="rferl", fetched_at=NOW, html="", candidate=candidate
        )
        extraction = Extraction(text=text, title=f"Title {path}", published=NOW)
        article.verdict = matcher.classify(extraction.title or "", text)
        article.classified_with = matcher.fingerprint
        archive.articles.store(
            article, extraction, url, "run", fingerprint(extraction.title, text), StoryIndex()
        )
    archive.close()
    conn = sqlite3.connect(tmp_path / "newswatch.db")
    rows = dict(conn.execute("SELECT url, match_note FROM articles ORDER BY url").fetchall())
    conn.close()
    assert rows["https://rferl.example.org/short"] is None
    note = rows["https://rferl.example.org/long"]
    assert note.startswith("too long to match fully: matched the first ") and note.endswith("characters")


# --- the fast paths give exactly what the slow ones gave ------------------------------------


def test_the_word_index_counts_words_as_reading_the_gap_does() -> None:
    rnd = random.Random(7)
    alphabet = [*"ab -,._\n1", "中", "俄", "word", "中国", "ё"]
    for _ in range(500):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randrange(0, 80)))
        index = WordIndex(text)
        for _ in range(20):
            a, b = rnd.randrange(len(text) + 1), rnd.randrange(len(text) + 1)
            assert index.count(a, b) == words_between(text, a, b), (text, a, b)


def test_reading_a_gap_only_to_its_limit_decides_as_counting_it_all_does() -> None:
    rnd = random.Random(9)
    alphabet = [*"ab -,._\n1", "中", "俄", "word", "中国", "ё", "  "]
    for _ in range(500):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randrange(0, 120)))
        doc = build_doc("", text)
        for _ in range(20):
            a, b = rnd.randrange(len(text) + 1), rnd.randrange(len(text) + 1)
            limit = rnd.choice([0, 1, 2, 3, 5, 8])
            counted = words_between(text, a, b, limit) <= limit
            assert within_words(text, a, b, limit) == counted, (text, a, b, limit)
            shift = doc.text_start
            assert doc.within(a + shift, b + shift, limit) == counted, (text, a, b, limit)


def test_sentences_end_where_the_full_pattern_run_over_the_text_ends_them() -> None:
    rnd = random.Random(5)
    alphabet = [*"ab .!?\n\")]'", "。", "！", "u.s.", "mr.", "nov.", "...", "!!!", "”", "中"]
    for _ in range(2000):
        text = "".join(rnd.choice(alphabet) for _ in range(rnd.randrange(0, 60)))
        assert sentence_ends(text) == [m.end() for m in _SENTENCE_END.finditer(text)], text


def _by_every_pair(doc: Any, left: list[Hit], right: list[Hit], distance: int, ordered: bool) -> set[int]:
    """NEAR as it was first written: every pair of hits compared (BEFORE: the left one first)."""
    close = set()
    for a in left:
        for b in right:
            first, second = (a, b) if a.start <= b.start else (b, a)
            if ordered and not a.end <= b.start:
                continue
            if a.field == b.field and words_between(doc.norm, first.end, second.start, distance) <= distance:
                close |= {id(a), id(b)}
    return close


def _random_hits(rnd: random.Random, doc: Any) -> list[Hit]:
    out = []
    for _ in range(rnd.randrange(1, 30)):  # sometimes a few (pairs compared), sometimes many
        start = rnd.randrange(1, len(doc.norm))
        end = min(len(doc.norm), start + rnd.randrange(1, 12))
        out.append(Hit("t", doc.field_of(start), start, end, 0, 0))
    return out


def _random_doc(rnd: random.Random) -> Any:
    words = ["china", "russia", "drone", "中国", "俄", "the", "of", "a", "-", ","]
    text = " ".join(rnd.choice(words) for _ in range(rnd.randrange(1, 120)))
    return build_doc("china drone", text.replace(" ", "") if rnd.random() < 0.2 else text)


@pytest.mark.parametrize(("pair", "ordered"), [(_near, False), (_before, True)], ids=["NEAR", "BEFORE"])
def test_near_and_before_find_the_hits_that_comparing_every_pair_finds(pair: Any, ordered: bool) -> None:
    rnd = random.Random(11)
    for _ in range(400):
        doc = _random_doc(rnd)
        left, right = _random_hits(rnd, doc), _random_hits(rnd, doc)
        distance = rnd.choice([0, 1, 2, 5, 8, 12, 40])
        fast = pair(doc, left, right, distance) or []
        assert {id(h) for h in fast} == _by_every_pair(doc, left, right, distance, ordered), (
            doc.text,
            distance,
        )


def test_exclusions_drop_the_hits_that_comparing_every_mask_drops() -> None:
    rnd = random.Random(13)
    for _ in range(400):
        doc = _random_doc(rnd)
        hits, masks = _random_hits(rnd, doc), _random_hits(rnd, doc)
        slow = [h for h in hits if not any(m.start <= h.start and h.end <= m.end for m in masks)]
        assert _uncovered(hits, masks) == slow


# --- through a real crawl -------------------------------------------------------------------


def test_a_crawl_archives_a_long_article_with_its_note_and_every_other_one(
    web: FakeWeb, tmp_path: Path
) -> None:
    fresh = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=3)  # inside the crawl's window
    long_body = [SUPPLY] + [
        f"Item {i} of the budget, a matter of roads number {i * 7}, was discussed by council member {i}."
        for i in range(400)
    ]
    stories = [Story("/rferl/a/long/40000000.html", "A very long report", long_body, fresh)]
    stories += [
        Story(f"/rferl/a/story-{i}/4000000{i + 1}.html", f"Story {i}", paragraphs(f"topic {i}"), fresh)
        for i in range(4)
    ]
    for story in stories:
        web.add(story.path, pangea_page(story, web.url(story.path)))
    web.add("/robots.txt", "User-agent: *\nAllow: /\n", content_type="text/plain")
    feed = rss([(s.title, web.url(s.path), s.published) for s in stories])
    web.add("/rferl/feed.xml", feed, content_type="application/rss+xml; charset=utf-8")
    outlets = tmp_path / "outlets.toml"
    rferl = outlet_table(
        "rferl",
        web.url("/rferl/"),
        name="RFE/RL",
        language="en",
        feeds=[web.url("/rferl/feed.xml")],
        allow=[r"/a/[^/]+/\d+\.html$"],
    )
    write_outlets(outlets, rferl)
    env = crawl_env(tmp_path, outlets, NEWSWATCH_MAX_MATCH_CHARS="10000")
    result = run_newswatch(["crawl"], env)
    assert result.returncode == 0, result.stderr[-2000:]
    archived = rows(tmp_path / "data" / "newswatch.db", "SELECT url, flagged, match_note FROM articles")
    notes = {r["url"]: (r["flagged"], r["match_note"]) for r in archived}
    assert sorted(notes) == sorted(web.url(s.path) for s in stories)  # every article archived
    flagged, note = notes.pop(web.url(stories[0].path))
    assert flagged == 1  # on the claim in its first 10,000 characters
    assert str(note).startswith("too long to match fully: matched the first ")
    assert all(note is None for _, note in notes.values())
