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


def test_an_archive_without_story_claims_gains_the_story_status_and_its_history(tmp_path: Path) -> None:
    path = tmp_path / "newswatch.db"
    previous_release_archive(path, stop_before="m014_story_claims")
    db = sqlite_utils.Database(path)
    db.execute(
        "INSERT INTO stories (id, title, first_article_id, first_outlet, created_at, updated_at) "
        "VALUES (10, 'Chinese engines in Russian drones', 1, 'rferl', '2026-11-22 08:00:00', "
        "'2026-11-22 08:00:00'), (11, 'Old story', 6, 'dw', '2026-11-21 08:00:00', '2026-11-21 08:00:00')"
    )
    cue = '{"cue": "alleged-attribution", "words": ["report"]}'
    db.execute(
        "UPDATE articles SET story_id = 10, story_relation = 'first', claim_status = 'alleged', claim_cue = ? "
        "WHERE id = 1",
        [cue],
    )
    for article_id, fetched, flagged, status in (
        (2, "2026-11-22 08:10:00", 1, "official"),
        (3, "2026-11-22 08:20:00", 1, "alleged"),  # weaker: no change
        (4, "2026-11-22 08:30:00", 1, "designated"),
        (5, "2026-11-22 08:40:00", 0, None),  # not flagged
        (6, "2026-11-21 08:00:00", 1, None),  # archived before claim statuses
    ):
        db.execute(
            "INSERT INTO articles (id, url, url_hash, outlet, title, fetched_at, text, flagged, severity, "
            "story_id, claim_status) VALUES (?, ?, ?, 'dw', 'Report', ?, 'Text.', ?, 'high', ?, ?)",
            [
                article_id,
                f"https://www.dw.com/a/{article_id}",
                f"h{article_id}",
                fetched,
                flagged,
                11 if article_id == 6 else 10,
                status,
            ],
        )
    db.conn.commit()
    db.close()
    archive = Archive(path, clock=fixed_clock(NOW))
    try:
        assert "claim_status" in columns(archive, "stories") and "claim_status" in columns(archive, "alerts")
        history = archive.conn.execute(
            "SELECT story_id, status, article_id, cue, changed_at FROM story_claims ORDER BY id"
        ).fetchall()
        assert history == [
            (10, "alleged", 1, cue, "2026-11-22 08:00:00"),
            (10, "official", 2, None, "2026-11-22 08:10:00"),
            (10, "designated", 4, None, "2026-11-22 08:30:00"),
        ]
        assert archive.conn.execute("SELECT id, claim_status FROM stories ORDER BY id").fetchall() == [
            (10, "designated"),
            (11, None),
        ]
        assert archive.stories.claim_history(10)[-1]["status"] == "designated"
        # the story's pending first alert (from the previous release) is its thread: a status
        # reply can be queued once per status
        assert archive.outbox.queue_status(4, "high", "designated")
        assert not archive.outbox.queue_status(4, "high", "designated")
        assert not archive.outbox.queue_status(6, "high", "designated")  # story 11 was never alerted
        assert archive.conn.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    finally:
        archive.close()
    Archive(path).close()  # a second open applies nothing twice
