"""The story window a crawl keeps in memory: loaded on the index, brought up to date with what
other processes archive, never holding an article twice."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newswatch.archive import Archive
from newswatch.archive.stories import WINDOW_COLUMNS, WINDOW_START
from newswatch.clock import fixed_clock
from newswatch.records import Article, Candidate, Extraction
from newswatch.stories import StoryIndex, fingerprint

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=UTC)


def _store(archive: Archive, stories: StoryIndex, n: int) -> int:
    url = f"https://news.example.org/world/{n}"
    text = f"Report number {n} about the harbour, the weather and the football results of week {n}. " * 5
    candidate = Candidate(url=url, outlet="news", source="https://news.example.org/rss", source_kind="feed")
    item = Article(url=url, final_url=url, outlet="news", fetched_at=NOW, html="", candidate=candidate)
    extraction = Extraction(text=text, title=f"Story {n}", published=NOW, language="en")
    stored = archive.articles.store(item, extraction, url, "run", fingerprint(f"Story {n}", text), stories)
    assert stored.article_id is not None
    return stored.article_id


def test_the_first_load_of_the_window_reads_the_fetched_at_index_not_the_whole_table(tmp_path: Path) -> None:
    Archive(tmp_path / "newswatch.db").close()
    with sqlite3.connect(tmp_path / "newswatch.db") as conn:
        sql = WINDOW_COLUMNS + WINDOW_START
        plan = " ".join(str(row[-1]) for row in conn.execute("EXPLAIN QUERY PLAN " + sql, ("2026-01-01",)))
    assert "INDEX idx_articles_fetched_at" in plan and "SCAN a" not in plan, plan


def test_two_processes_windows_hold_each_article_once_in_archive_order(tmp_path: Path) -> None:
    clock = fixed_clock(NOW + timedelta(hours=1))
    mine, theirs = (
        Archive(tmp_path / "newswatch.db", clock=clock),
        Archive(tmp_path / "newswatch.db", clock=clock),
    )
    window, other = StoryIndex(), StoryIndex()
    try:
        first = [_store(theirs, other, n) for n in range(3)]  # archived before this crawl started
        own = _store(mine, window, 10)  # the first store loads the window: the three, then its own
        later = _store(theirs, other, 11)  # another process archives while this one crawls
        own_again = _store(mine, window, 12)  # brought up to date: the other's article joins
        ids = [entry.article_id for entry in window.entries]
        assert ids == [*first, own, later, own_again] and len(set(ids)) == len(ids)
        assert window.added_since(later) == {own_again}
    finally:
        mine.close()
        theirs.close()
