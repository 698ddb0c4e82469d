"""The full-text indexes are rewritten only when an article's title or text changes (#24): an
archive of the previous release, whose ``articles_au`` trigger rewrote an article's
``articles_fts`` entries on every UPDATE of its row (story, relation, claim status…), migrates
in place to triggers limited to the indexed columns, and search finds the new words."""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from newswatch.archive import Archive, migrations
from newswatch.search import parse

#: The first migration of this release; the previous release applied everything before it.
FIRST_OF_THIS_RELEASE = "m021_fts_update_columns"
CHINESE = "中国企业向俄罗斯供应无人机发动机"


def previous_release_archive(path: Path) -> None:
    """An archive of the previous release with one English and one Chinese article."""
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before=FIRST_OF_THIS_RELEASE)
    for n, (title, text) in enumerate(
        [
            ("Chinese engines in Russian drones", "Chinese companies supplied drone engines to Russia."),
            (CHINESE, f"{CHINESE}。报道称，发动机经第三国运抵。"),
        ],
        start=1,
    ):
        db.execute(
            "INSERT INTO articles (id, url, url_hash, outlet, title, fetched_at, text) "
            "VALUES (?, ?, ?, 'rferl', ?, '2026-11-22 08:00:00', ?)",
            (n, f"https://www.rferl.org/a/{n}.html", f"h{n}", title, text),
        )
    db.conn.commit()
    db.close()


def index_state(archive: Archive) -> tuple[object, ...]:
    """What the two FTS5 indexes have written: their segment rows and bytes."""
    return tuple(
        archive.conn.execute(f"SELECT count(*), coalesce(sum(length(block)), 0) FROM {table}").fetchone()
        for table in ("articles_fts_data", "articles_trigram_data")
    )


def found(archive: Archive, query: str) -> list[int]:
    return [int(row["id"]) for row in archive.search.find(parse(query))]


def test_after_the_upgrade_updating_a_story_column_leaves_the_search_indexes_untouched(
    tmp_path: Path,
) -> None:
    path = tmp_path / "newswatch.db"
    previous_release_archive(path)
    archive = Archive(path)
    try:
        assert FIRST_OF_THIS_RELEASE in {m.name for m in migrations.applied(archive.db)}
        before = index_state(archive)
        with archive.write() as conn:
            conn.execute("UPDATE articles SET story_relation = 'copy', story_score = 0.9, flagged = 1")
        assert index_state(archive) == before
        assert found(archive, "drone engines") == [1] and found(archive, "无人机") == [2]
    finally:
        archive.close()


def test_after_the_upgrade_a_new_title_replaces_the_old_one_in_both_search_indexes(tmp_path: Path) -> None:
    path = tmp_path / "newswatch.db"
    previous_release_archive(path)
    archive = Archive(path)
    try:
        with archive.write() as conn:
            conn.execute("UPDATE articles SET title = 'Turbines for Shahed makers' WHERE id = 1")
            conn.execute("UPDATE articles SET title = '伊朗涡轮机' WHERE id = 2")
        assert found(archive, "turbines shahed") == [1] and found(archive, "russian") == []
        assert found(archive, "涡轮机") == [2] and found(archive, "俄罗斯供应") == [2]  # (its text)
        assert found(archive, "中国企业向") == [2]
        with archive.write() as conn:
            conn.execute("UPDATE articles SET text = 'Nothing about that any more.' WHERE id = 2")
        assert found(archive, "涡轮机") == [2] and found(archive, "俄罗斯供应") == []
        archive.conn.execute(
            "INSERT INTO articles_fts (articles_fts) VALUES ('integrity-check')"
        )  # raises if not
    finally:
        archive.close()


def test_the_update_triggers_of_a_new_archive_name_only_the_indexed_columns(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "newswatch.db")
    try:
        triggers = dict(
            archive.conn.execute(
                "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE 'articles%au'"
            ).fetchall()
        )
    finally:
        archive.close()
    assert set(triggers) == {"articles_au", "articles_trigram_au"}
    assert all("AFTER UPDATE OF title, text ON articles" in sql for sql in triggers.values()), triggers
