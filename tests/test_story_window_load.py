"""A crawl's first load of the story window is cheap (#24): fingerprints are stored packed
(``article_fingerprints.packed``) besides their JSON, the window's word tables are built at
once from the packed window terms, and a fingerprint is parsed only when a match reads it. A
window loaded so holds the same words, counts and entries, and files every article the same,
as one built article by article; rows the previous release wrote (JSON only) are still read."""

from __future__ import annotations

import random
import sqlite3
from datetime import UTC, datetime, timedelta
from functools import cache
from pathlib import Path

import sqlite_utils
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
    engines,
    wire_copy,
)

import newswatch.stories as stories
from newswatch.archive import Archive, migrations
from newswatch.clock import fixed_clock, sql_time
from newswatch.stories import Entry, Fingerprint, StoryIndex, fingerprint

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)
LATIN = [
    "harbour",
    "council",
    "budget",
    "weather",
    "football",
    "tariff",
    "railway",
    "bridge",
    "museum",
    "teup",
    "festival",
]
#: two CJK characters whose UCS-2 bytes are those of "teup": one hash in CPython
CJK = "港口议会预算天气足球关税铁路桥梁博物馆整灵节日"


def _text(rng: random.Random, n: int) -> tuple[str, str, str]:
    """An unrelated report: a title and three paragraphs of common and made-up words, some
    in Chinese (whose bigrams include 整灵), some in Latin script (with the word "teup")."""
    if n % 5 == 0:
        chars = [rng.choice(CJK) for _ in range(80)] + ["整灵"]
        return "".join(chars[:14]), "".join(chars[14:]) + "。", "zh"
    words = [
        *rng.sample(LATIN, 6),
        *(f"Name{rng.randrange(300)}x" for _ in range(8)),
        str(rng.randrange(999)),
    ]
    sentences = [" ".join(rng.sample(words, len(words))) + "." for _ in range(5)]
    return " ".join(rng.sample(LATIN, 5)).capitalize(), " ".join(sentences), "en"


@cache
def _window(count: int) -> list[tuple[str, str, datetime, Fingerprint]]:
    """``count`` unrelated articles fetched over the last three days: title, text, when, and
    fingerprint."""
    rng = random.Random(24)
    out = []
    for n in range(count):
        title, text, language = _text(rng, n)
        when = NOW - timedelta(minutes=rng.randrange(3 * 24 * 60))
        out.append((title, text, when, fingerprint(title, text, language=language)))
    return out


def _fill(path: Path, count: int, packed: bool) -> list[Fingerprint]:
    """Archive ``_window(count)`` with the fingerprints packed, or in JSON only as the previous
    release stored them."""
    db = sqlite3.connect(path)  # one transaction
    for n, (title, text, at, fp) in enumerate(_window(count)):
        when = sql_time(at)
        db.execute(
            "INSERT INTO stories (id, title, first_article_id, created_at, updated_at) VALUES (?, ?, ?, ?, ?)",
            (n + 1, title, n + 1, when, when),
        )
        db.execute(
            "INSERT INTO articles (id, url, url_hash, outlet, title, published, fetched_at, text, story_id) "
            "VALUES (?, ?, ?, 'window', ?, ?, ?, ?, ?)",
            (n + 1, f"https://window.example.org/{n}", f"window-{n}", title, when, when, text, n + 1),
        )
        columns, values = "article_id, minhash, terms", [n + 1, fp.minhash, fp.terms_json()]
        if packed:
            columns, values = f"{columns}, packed", [*values, fp.packed()]
        db.execute(
            f"INSERT INTO article_fingerprints ({columns}) VALUES ({', '.join('?' * len(values))})", values
        )
    db.commit()
    db.close()
    return [fp for _, _, _, fp in _window(count)]


def _loaded(path: Path) -> StoryIndex:
    archive = Archive(path, clock=fixed_clock(NOW))
    try:
        index = StoryIndex()
        archive.stories.refresh_index(index, NOW)
        return index
    finally:
        archive.close()


def _one_by_one(count: int) -> StoryIndex:
    index = StoryIndex()
    for n, (_, _, when, fp) in enumerate(_window(count)):
        index.add(Entry(n + 1, n + 1, "window", when, fp))
    return index


#: new reports (title, paragraphs, language, hours after NOW): one event in three languages;
#: four days later, another with a related report and a wire copy
NEW = [
    (ENGINES_EN_TITLE, ENGINES_EN, "en", -96),
    (ENGINES_RU_TITLE, ENGINES_RU, "ru", -95),
    (ENGINES_ZH_TITLE, ENGINES_ZH, "zh", -92),
    (FACTORY_TITLE, FACTORY, "en", 0),
    (RELATED_TITLE, RELATED, "en", 2),
    (FACTORY_TITLE, wire_copy(FACTORY).split("\n\n"), "en", 3),
]


def _filed(index: StoryIndex) -> list[tuple[str | None, int | None]]:
    """Add ``NEW`` one after the other: the relation of each and the story it joined."""
    out = []
    for n, (title, text, language, hours) in enumerate(NEW):
        fp = engines(title, text, language)
        when = NOW + timedelta(hours=hours)
        found = index.match(fp, when)
        story = found.story_id if found else 1000 + n
        out.append((found.relation if found else None, story))
        index.add(Entry(1000 + n, story, "new", when, fp))
    return out


def _same_tables(loaded: StoryIndex, reference: StoryIndex) -> None:
    assert loaded.df == reference.df
    assert all(loaded.positions(term) == reference.positions(term) for term in reference.df)
    assert [e.article_id for e in loaded.entries] == [e.article_id for e in reference.entries]
    assert [e.fp for e in loaded.entries] == [e.fp for e in reference.entries]


def test_a_window_loaded_packed_holds_and_files_exactly_as_one_built_article_by_article(
    tmp_path: Path,
) -> None:
    path = tmp_path / "newswatch.db"
    Archive(path).close()
    _fill(path, 300, packed=True)
    loaded, reference = _loaded(path), _one_by_one(300)
    assert {"teup", "整灵"} <= set(reference.df) and len(loaded.entries) == 300
    _same_tables(loaded, reference)
    filed = _filed(reference)
    assert [relation for relation, _ in filed] == [None, "related", "related", None, "related", "copy"]
    assert _filed(loaded) == filed
    _same_tables(loaded, reference)  # and after articles were added to both


def test_the_first_load_parses_no_fingerprint_and_a_match_only_the_candidates_it_compares(
    tmp_path: Path,
) -> None:
    path = tmp_path / "newswatch.db"
    Archive(path).close()
    _fill(path, 300, packed=True)
    parsed: list[int] = []
    unpack, from_stored = Fingerprint._unpack, Fingerprint.from_stored

    def counted_unpack(minhash: bytes, rest: str) -> Fingerprint:
        parsed.append(1)
        return unpack(minhash, rest)

    def counted_from_stored(minhash: bytes, terms: str) -> Fingerprint:
        parsed.append(1)
        return from_stored(minhash, terms)

    Fingerprint._unpack = staticmethod(counted_unpack)  # type: ignore[method-assign,assignment]
    Fingerprint.from_stored = staticmethod(counted_from_stored)  # type: ignore[method-assign,assignment]
    try:
        index = _loaded(path)
        assert len(index.entries) == 300 and parsed == []
        index.match(engines(FACTORY_TITLE, FACTORY, "en"), NOW)
        # (none here: the candidates' names, numbers and days are read without parsing the rest,
        # and no candidate of this window shares the names of its lead)
        assert len(parsed) <= 2 * StoryIndex.MAX_COMPARED
    finally:
        Fingerprint._unpack, Fingerprint.from_stored = unpack, from_stored  # type: ignore[method-assign]


def test_rows_the_previous_release_wrote_are_read_from_their_json_beside_packed_ones(tmp_path: Path) -> None:
    path = tmp_path / "newswatch.db"
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before="m022_packed_fingerprints")
    db.close()
    prints = _fill(path, 300, packed=False)
    archive = Archive(path, clock=fixed_clock(NOW))  # migrates in place: packed is NULL in its rows
    try:
        assert archive.conn.execute("SELECT count(packed) FROM article_fingerprints").fetchone() == (0,)
        assert archive.stories.fingerprint(7) == prints[6]
        archive.stories.save_fingerprint(7, prints[6])  # written again by this release: packed too
        assert archive.stories.fingerprint(7) == prints[6]
        assert archive.conn.execute("SELECT count(packed) FROM article_fingerprints").fetchone() == (1,)
    finally:
        archive.close()
    loaded, reference = _loaded(path), _one_by_one(300)
    _same_tables(loaded, reference)
    assert _filed(loaded) == _filed(reference)


def test_a_packed_fingerprint_reads_back_equal_and_one_a_separator_would_break_is_kept_in_json_only() -> None:
    for title, text, language, _ in NEW:
        fp = engines(title, text, language)
        packed = fp.packed()
        assert packed is not None and Fingerprint.from_packed(fp.minhash, packed) == fp
    odd = fingerprint("Drone engines", "\n\n".join(FACTORY), entities=["bad\x1fid"])
    assert odd.packed() is None


def test_a_window_loaded_at_once_is_pruned_and_grown_as_one_built_article_by_article(tmp_path: Path) -> None:
    path = tmp_path / "newswatch.db"
    Archive(path).close()
    _fill(path, 300, packed=True)
    loaded, reference = _loaded(path), _one_by_one(300)
    later = NOW + timedelta(days=6, hours=12)  # half the window is past the horizon by then
    for index in (loaded, reference):
        index.config.copy_window = timedelta(days=7)
        index.prune(later)
        index.prune(later + timedelta(hours=2))
    assert 100 <= len(loaded.entries) == len(reference.entries) < 200
    _same_tables(loaded, reference)
    assert stories.PARSED_KEPT >= 2 * StoryIndex.MAX_COMPARED


def test_a_fingerprint_packed_in_a_form_this_release_does_not_know_is_read_from_its_json(
    tmp_path: Path,
) -> None:
    path = tmp_path / "newswatch.db"
    Archive(path).close()
    prints = _fill(path, 100, packed=True)
    with sqlite3.connect(path) as db:  # as a later release might write it
        db.execute("UPDATE article_fingerprints SET packed = '9' || char(30) || 'other' WHERE article_id = 5")
    archive = Archive(path, clock=fixed_clock(NOW))
    try:
        assert archive.stories.fingerprint(5) == prints[4]
    finally:
        archive.close()
    loaded = _loaded(path)
    assert [e.fp for e in loaded.entries] == [e.fp for e in _one_by_one(100).entries]
