"""Storing an article costs the same in a large story window as in a small one (#24), and
deciding the same: a window of thousands of unrelated articles files related reports, copies
and reports in other languages exactly as an empty one; the copy test's shortcut (low bytes
first) finds every copy comparing every MinHash value would; the window is read on the
fetched_at index, then by archive id."""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pytest
from test_stories import (
    ENGINES_EN,
    ENGINES_EN_TITLE,
    ENGINES_RU,
    ENGINES_RU_TITLE,
    ENGINES_ZH,
    ENGINES_ZH_TITLE,
    FACTORY,
    FACTORY_TITLE,
    RELATED,
    RELATED_TITLE,
    UNRELATED,
    UNRELATED_TITLE,
    engines,
    wire_copy,
)

from newswatch.archive import Archive
from newswatch.archive.articles import Stored
from newswatch.clock import fixed_clock, sql_time
from newswatch.records import Article, Candidate, Extraction
from newswatch.stories import (
    NUM_PERM,
    Entry,
    Fingerprint,
    StoryIndex,
    _heaviest_first,
    copy_similarity,
    fingerprint,
)

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
CLOCK = fixed_clock(NOW + timedelta(hours=8))


def _made_up(rng: random.Random, n: int) -> Fingerprint:
    """An unrelated article's fingerprint: made-up words and names, random MinHash values."""
    words = [f"w{rng.randrange(4000)}" for _ in range(40)] + rng.sample(["russia", "china", "ukrain"], 2)
    values = np.array([rng.getrandbits(32) for _ in range(NUM_PERM)], dtype=np.uint32)
    return Fingerprint(
        minhash=values.tobytes(),
        shingles=rng.randrange(40, 3000),
        title_terms=tuple(sorted(set(words[:8]))),
        lead_terms=tuple(sorted(set(words[8:]))),
        entities=tuple(sorted({f"n{rng.randrange(9000)}" for _ in range(4)})),
        numbers=(),
        anchors=tuple(sorted({f"p:n{rng.randrange(9000)}" for _ in range(4)} | {f"n:{n % 977}"})),
        language="en",
        script="latin",
    )


def _fill_window(archive: Archive, count: int) -> None:
    """``count`` unrelated articles fetched over the last six days, written to the archive's
    own tables (stories, articles, article_fingerprints) at once."""
    rng = random.Random(24)
    with archive.write() as conn:
        for n in range(count):
            when = sql_time(NOW - timedelta(minutes=rng.randrange(6 * 24 * 60)))
            story = conn.execute(
                "INSERT INTO stories (title, first_article_id, created_at, updated_at) VALUES (?, ?, ?, ?)",
                (f"window {n}", n + 1, when, when),
            ).lastrowid
            conn.execute(
                "INSERT INTO articles (id, url, url_hash, outlet, title, published, fetched_at, text, "
                "story_id, story_relation) VALUES (?, ?, ?, 'window', ?, ?, ?, 'text', ?, 'first')",
                (n + 1, f"https://window.example.org/{n}", f"window-{n}", f"window {n}", when, when, story),
            )
            fp = _made_up(rng, n)
            conn.execute(
                "INSERT INTO article_fingerprints (article_id, minhash, terms) VALUES (?, ?, ?)",
                (n + 1, fp.minhash, fp.terms_json()),
            )


#: (outlet, title, text, language, hours after NOW): one event in English, Russian and
#: Chinese; four days later, another at three outlets with a wire copy, and an unrelated report
ARTICLES = [
    ("washington-post", ENGINES_EN_TITLE, "\n\n".join(ENGINES_EN), "en", -96),
    ("rbc", ENGINES_RU_TITLE, "\n\n".join(ENGINES_RU), "ru", -95),
    ("xinhua", ENGINES_ZH_TITLE, "\n\n".join(ENGINES_ZH), "zh", -92),
    ("reuters", FACTORY_TITLE, "\n\n".join(FACTORY), "en", 0),
    ("warsaw", UNRELATED_TITLE, "\n\n".join(UNRELATED), "en", 1),
    ("politico", RELATED_TITLE, "\n\n".join(RELATED), "en", 2),
    ("wire", FACTORY_TITLE, wire_copy(FACTORY), "en", 3),
]


def _store(archive: Archive, n: int, fp: Fingerprint, index: StoryIndex) -> Stored:
    """Store ``ARTICLES[n]`` (fetched its hours after ``NOW``) with the fingerprint ``fp``."""
    outlet, title, text, language, hours = ARTICLES[n]
    when = NOW + timedelta(hours=hours)
    url = f"https://{outlet}.example.org/news/{n}"
    candidate = Candidate(url=url, outlet=outlet, source=f"{url}/feed", source_kind="feed")
    article = Article(url=url, final_url=url, outlet=outlet, fetched_at=when, html="", candidate=candidate)
    extraction = Extraction(text=text, title=title, published=when, language=language)
    return archive.articles.store(article, extraction, url, "run", fp, index)


def _file_articles(path: Path, window: int) -> list[tuple[str, int]]:
    """Store ``ARTICLES`` after a window of ``window`` unrelated articles: for each, its
    relation and the first of ``ARTICLES`` in its story."""
    archive = Archive(path, clock=CLOCK)
    try:
        _fill_window(archive, window)
        index, filed = StoryIndex(), []
        first_in: dict[int, int] = {}
        for n, (_, title, text, language, _) in enumerate(ARTICLES):
            fp = engines(title, text.split("\n\n"), language)
            stored = _store(archive, n, fp, index)
            assert stored.story_id is not None and stored.relation is not None
            filed.append((stored.relation, first_in.setdefault(stored.story_id, n)))
        assert len(index.entries) == window + len(ARTICLES)
        return filed
    finally:
        archive.close()


def test_a_window_of_5000_unrelated_articles_files_every_report_as_an_empty_window_does(
    tmp_path: Path,
) -> None:
    alone = _file_articles(tmp_path / "empty.db", 0)
    crowded = _file_articles(tmp_path / "crowded.db", 5000)
    assert alone == [
        ("first", 0),
        ("related", 0),
        ("related", 0),
        ("first", 3),
        ("first", 4),
        ("related", 3),
        ("copy", 3),
    ]
    assert crowded == alone


@pytest.mark.parametrize("size", [30, 400, 5000])
def test_the_copy_test_finds_the_copy_that_comparing_every_value_finds(size: int) -> None:
    """Entries share 0 to 128 values with the new article, many more low bytes than values
    (the shortcut's upper bound), at sizes from 30 to 8,000 shingles (where a single shared
    value can make a copy): the copy found is the one ``copy_similarity`` rates best, the
    earliest of equals."""
    rng = np.random.default_rng(size)
    mine = rng.integers(0, 1 << 32, NUM_PERM, dtype=np.uint64).astype(np.uint32)
    new = Fingerprint(mine.tobytes(), size, (), (), (), ())
    index = StoryIndex()
    for n in range(3000):
        values = rng.integers(0, 1 << 32, NUM_PERM, dtype=np.uint64).astype(np.uint32)
        same = rng.random(NUM_PERM) < rng.choice([0.0, 0.01, 0.1, 0.3, 0.6, 0.9, 1.0])
        values[same] = mine[same]
        low_only = rng.random(NUM_PERM) < 0.2  # same low byte, another value
        values[low_only] = (mine[low_only] & 0xFF) | (values[low_only] & 0xFFFFFF00) | 0x100
        shingles = int(rng.choice([0, 30, 31, 200, 400, 1000, 8000]))
        fp = Fingerprint(values.tobytes(), shingles, (), (), (), ())
        index.add(Entry(n, n, "x", NOW, fp))
    scores = [copy_similarity(new, entry.fp) for entry in index.entries]
    best = max(scores)
    assert best >= index.config.copy_threshold  # the window holds copies
    found = index.match(new, NOW)
    assert found is not None and found.relation == "copy"
    assert found.article_id == scores.index(best)
    assert found.score == pytest.approx(best)


def _sharing(
    rng: np.random.Generator, mine: np.ndarray, shared: int, shingles: int, low: float = 0.2
) -> Fingerprint:
    """A fingerprint sharing exactly ``shared`` MinHash values with ``mine`` and, besides, the
    low byte of a share ``low`` of the others."""
    values = rng.integers(0, 1 << 32, NUM_PERM, dtype=np.uint64).astype(np.uint32)
    values = np.where((values & 0xFF) == (mine & 0xFF), values ^ np.uint32(1), values)  # no byte in common
    low_only = rng.random(NUM_PERM) < low
    values[low_only] = (mine[low_only] & 0xFF) | ((mine[low_only] ^ 0x100) & 0xFFFFFF00)
    chosen = rng.choice(NUM_PERM, shared, replace=False)
    values[chosen] = mine[chosen]
    return Fingerprint(values.tobytes(), shingles, (), (), (), ())


@pytest.mark.parametrize(("size", "other"), [(30, 8000), (400, 8000), (5000, 30), (400, 400), (400, 40)])
def test_a_copy_sharing_the_fewest_values_a_copy_can_share_is_found(size: int, other: int) -> None:
    """Where sizes differ most, one shared value can make a copy: the shortcut still finds an
    entry sharing just enough, among entries sharing one value fewer."""
    rng = np.random.default_rng(size + other)
    mine = rng.integers(0, 1 << 32, NUM_PERM, dtype=np.uint64).astype(np.uint32)
    new = Fingerprint(mine.tobytes(), size, (), (), (), ())
    index = StoryIndex()
    fewest = next(
        k
        for k in range(1, NUM_PERM + 1)
        if copy_similarity(new, _sharing(rng, mine, k, other)) >= index.config.copy_threshold
    )
    for n in range(1000):
        index.add(Entry(n, n, "x", NOW, _sharing(rng, mine, fewest - 1, other)))
    index.add(Entry(1000, 1000, "x", NOW, _sharing(rng, mine, fewest, other, low=0.0)))
    found = index.match(new, NOW)
    assert found is not None and (found.article_id, found.relation) == (1000, "copy")


def test_candidates_come_heaviest_first_and_the_earliest_first_among_equals() -> None:
    rng = np.random.default_rng(7)
    weights = rng.choice([0.5, 1.0, 1.5, 2.25], 3000)  # many equal weights, over several batches
    positions = np.flatnonzero(rng.random(3000) < 0.7)
    expected = sorted(positions.tolist(), key=lambda p: (-weights[p], p))
    assert list(_heaviest_first(weights, positions, batch=64)) == expected
    assert list(_heaviest_first(weights, positions)) == expected
    assert list(_heaviest_first(weights, positions[:0])) == []


def test_the_window_is_read_on_the_fetched_at_index_and_then_by_archive_id(tmp_path: Path) -> None:
    """The queries the store runs, as SQLite received them, planned by SQLite itself."""
    archive = Archive(tmp_path / "newswatch.db", clock=CLOCK)
    try:
        _fill_window(archive, 50)
        run: list[str] = []
        index = StoryIndex()
        archive.conn.set_trace_callback(run.append)
        for n, (_, title, text, _, _) in enumerate(ARTICLES[:2]):
            _store(archive, n, fingerprint(title, text), index)
        archive.conn.set_trace_callback(None)
        assert [entry.article_id for entry in index.entries] == list(range(1, 53))
        first, then = [sql for sql in run if "JOIN article_fingerprints" in sql]
        with sqlite3.connect(tmp_path / "newswatch.db") as conn:

            def plan(sql: str) -> str:
                return " | ".join(str(row[-1]) for row in conn.execute("EXPLAIN QUERY PLAN " + sql))

            assert "USING INDEX idx_articles_fetched_at" in plan(first) and "SCAN a" not in plan(first)
            assert "INTEGER PRIMARY KEY (rowid>?)" in plan(then) and "SCAN a" not in plan(then)
    finally:
        archive.close()
