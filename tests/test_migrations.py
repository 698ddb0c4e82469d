"""An archive written by the previous release migrates in place: its rows stay, the new
columns appear, and what it left half-done (a pending alert, a pending digest) is finished."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import sqlite_utils

from alerts.config import AlertConfig
from alerts.dispatch import dispatch, make_transport
from alerts.mail import send_digest
from newswatch.archive import Archive, migrations
from newswatch.clock import fixed_clock

NOW = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
#: The last migration the previous release applied; everything after it is this release's.
PREVIOUS_RELEASE_STOPS_BEFORE = "m007_digest_message"


def previous_release_archive(path: Path, stop_before: str = PREVIOUS_RELEASE_STOPS_BEFORE) -> None:
    """The schema and rows of an archive the previous release wrote: one flagged article,
    its alert still pending and a digest that was built but not delivered."""
    db = sqlite_utils.Database(path)
    migrations.apply(db, stop_before=stop_before)
    db.execute(
        "INSERT INTO articles (id, url, url_hash, outlet, title, fetched_at, published, text, flagged, "
        "severity, rules) VALUES (1, 'https://www.rferl.org/a/1.html', 'h1', 'rferl', "
        "'Chinese engines in Russian drones', '2026-11-22 08:00:00', '2026-11-22 07:00:00', "
        "'Chinese companies supplied drone engines to Russia.', 1, 'high', '[\"supply-to-russia\"]')"
    )
    db.execute(
        "INSERT INTO alerts (article_id, kind, severity, created_at, next_attempt_at) "
        "VALUES (1, 'new', 'high', '2026-11-22 08:00:00', '2026-11-22 08:00:00')"
    )
    db.execute("INSERT INTO digests (id, created_at, items) VALUES (1, '2026-11-22 07:30:00', 1)")
    db.execute("INSERT INTO digest_items (digest_id, article_id) VALUES (1, 1)")
    db.conn.commit()
    db.close()


def columns(archive: Archive, table: str) -> set[str]:
    return {row[1] for row in archive.conn.execute(f"PRAGMA table_info({table})")}


def test_an_archive_of_the_previous_release_gains_the_new_columns_and_keeps_its_rows(tmp_path: Path) -> None:
    path = tmp_path / "newswatch.db"
    previous_release_archive(path)
    archive = Archive(path, clock=fixed_clock(NOW))
    try:
        assert {"message", "built_at", "ambiguous"} <= columns(archive, "digests")
        assert "match_note" in columns(archive, "articles")
        applied = {m.name for m in migrations.applied(archive.db)}
        assert {"m007_digest_message", "m008_match_limits"} <= applied
        assert archive.conn.execute("SELECT title, flagged, match_note FROM articles").fetchall() == [
            ("Chinese engines in Russian drones", 1, None)
        ]
        assert archive.conn.execute("SELECT status, attempts, ambiguous FROM digests").fetchall() == [
            ("pending", 0, 0)
        ]
        assert archive.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        archive.close()
    reopened = Archive(path)  # a second open applies nothing twice
    reopened.close()


def test_what_the_previous_release_left_pending_is_delivered_once_after_the_upgrade(tmp_path: Path) -> None:
    path = tmp_path / "data" / "newswatch.db"
    path.parent.mkdir()
    previous_release_archive(path)
    archive = Archive(path, clock=fixed_clock(NOW))
    config = AlertConfig(
        "", "#c", "http://127.0.0.1:9/api/", 0.0, ZoneInfo("UTC"), 5, 30.0, path.parent, None
    )
    try:
        printed: list[str] = []
        assert dispatch(archive, make_transport(config, printed.append), config).sent == 1
        assert archive.conn.execute("SELECT status, attempts FROM alerts").fetchall() == [("sent", 1)]
        assert len(printed) == 1 and "Chinese engines in Russian drones" in printed[0]
        outcome = send_digest(archive, config, {"rferl": "RFE/RL"})
        assert (outcome.digest_id, outcome.items, outcome.transport, outcome.error) == (1, 1, "file", None)
        stored = archive.conn.execute(
            "SELECT status, message IS NOT NULL, message_id FROM digests"
        ).fetchall()
        assert stored == [("sent", 1, outcome.message_id)]  # built now, from the items it held
        assert send_digest(archive, config).items == 0  # and not again
    finally:
        archive.close()


def test_an_archive_without_the_review_tier_gains_it_in_place(tmp_path: Path) -> None:
    path = tmp_path / "newswatch.db"
    previous_release_archive(path, stop_before="m009_review")
    archive = Archive(path, clock=fixed_clock(NOW))
    try:
        assert "review" in columns(archive, "articles")
        assert "m009_review" in {m.name for m in migrations.applied(archive.db)}
        assert archive.conn.execute("SELECT flagged, review, severity FROM articles").fetchall() == [
            (1, 0, "high")
        ]
        assert archive.conn.execute("SELECT count(*) FROM review_articles").fetchone() == (0,)
        archive.conn.execute("UPDATE articles SET flagged = 0, review = 1, severity = 'review'")
        listed = archive.conn.execute("SELECT outlet, title, evidence FROM review_articles").fetchall()
        assert listed == [
            ("rferl", '<a href="https://www.rferl.org/a/1.html">Chinese engines in Russian drones</a>', None)
        ]
        assert archive.outbox.queue(1, "review", "review") and not archive.outbox.queue(1, "review", "review")
        assert archive.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        archive.close()
