"""Source-health decisions from synthetic crawl_runs, and the notices they lead to."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from newswatch.archive import Archive
from newswatch.clock import sql_time
from newswatch.service.watchdog import Issue, Watchdog, assess, plan_notices

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def run(
    hours_ago: float,
    status: str = "ok",
    new: int = 0,
    fetched: int = 5,
    empty: int = 0,
    blocked: int = 0,
    error: str | None = None,
) -> dict[str, Any]:
    return {
        "finished_at": sql_time(NOW - timedelta(hours=hours_ago)),
        "status": status,
        "new": new,
        "fetched": fetched,
        "empty": empty,
        "blocked": blocked,
        "last_error": error,
    }


def kinds(runs: list[dict[str, Any]]) -> set[str]:
    return {i.kind for i in assess("x", runs, NOW)}


def test_a_healthy_outlet_has_no_issue() -> None:
    runs = [run(h, new=2) for h in range(48, 0, -1)]
    assert kinds(runs) == set()


def test_three_failed_runs_in_a_row_are_failing() -> None:
    runs = [
        run(5, new=1),
        run(3, "failed", error="DNS"),
        run(2, "timeout"),
        run(1, "failed", error="DNS lookup failed"),
    ]
    (issue,) = assess("x", runs, NOW)
    assert issue.kind == "failing" and "3 failed runs" in issue.detail and "DNS lookup failed" in issue.detail
    assert kinds(runs[:-1]) == set()


def test_quiet_is_judged_against_the_outlets_own_rhythm() -> None:
    hourly = [run(h, new=1) for h in range(30, 8, -1)] + [run(h) for h in range(8, 0, -1)]
    assert kinds(hourly) == {"quiet"}  # 8 h silent, normal gap 1 h: 3 × 1 h, at least 6 h
    assert (
        kinds([run(h, new=1) for h in range(30, 5, -1)] + [run(h) for h in range(5, 0, -1)]) == set()
    )  # 5 h < 6 h
    daily = [run(h, new=1) for h in range(24 * 10, 30, -24)] + [run(h) for h in range(30, 0, -1)]
    assert "quiet" not in kinds(daily)  # a daily outlet is not quiet after 30 h
    assert kinds([run(h) for h in range(10, 0, -1)]) == set()  # no history: nothing learned yet


def test_blocked_responses_are_reported() -> None:
    (issue,) = assess("x", [run(2, new=1), run(1, "partial", fetched=1, blocked=4)], NOW)
    assert issue.kind == "blocked" and "4 of 5 requests" in issue.detail


def test_a_jump_in_empty_extractions_is_reported() -> None:
    runs = [run(h, new=3, fetched=10, empty=1) for h in range(30, 3, -1)]
    runs += [run(h, new=0, fetched=10, empty=8) for h in (3, 2, 1)]
    assert "extraction" in kinds(runs)
    assert "extraction" not in kinds(runs[:-3])


def test_notices_are_sent_once_repeated_daily_and_followed_by_recovery() -> None:
    issue = Issue("dw", "failing", "3 failed runs")
    assert [n.recovered for n in plan_notices([issue], {}, NOW)] == [False]
    known = {("dw", "failing"): {"last_notified_at": sql_time(NOW - timedelta(hours=2)), "resolved_at": None}}
    assert plan_notices([issue], known, NOW) == []
    known[("dw", "failing")]["last_notified_at"] = sql_time(NOW - timedelta(hours=25))
    assert len(plan_notices([issue], known, NOW)) == 1
    (recovered,) = plan_notices([], known, NOW)
    assert recovered.recovered and "recovered" in recovered.text


def test_watchdog_keeps_health_state_in_the_archive(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "db.sqlite")
    for k in range(4):
        archive.runs.record(
            {
                "run_id": f"r{k}",
                "outlet": "dw",
                "started_at": sql_time(NOW - timedelta(hours=4 - k)),
                "finished_at": sql_time(NOW - timedelta(hours=4 - k)),
                "status": "failed",
                "last_error": "HTTP 503",
            }
        )
    sent: list[str] = []
    dog = Watchdog(archive, sent.append)
    assert [n.kind for n in dog.run(NOW)] == ["failing"]
    assert dog.run(NOW + timedelta(hours=1)) == []  # not again within a day
    assert len(dog.run(NOW + timedelta(hours=25))) == 1  # repeated daily while it lasts
    archive.runs.record(
        {
            "run_id": "r9",
            "outlet": "dw",
            "started_at": sql_time(NOW),
            "finished_at": sql_time(NOW),
            "status": "ok",
            "new": 3,
        }
    )
    (recovery,) = dog.run(NOW + timedelta(hours=26))
    assert recovery.recovered and "dw: failing — recovered" in sent[-1]
    assert archive.conn.execute("SELECT count(*) FROM health WHERE resolved_at IS NULL").fetchone()[0] == 0
    archive.close()


def test_a_notice_that_cannot_be_sent_is_tried_again(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "db.sqlite")
    for k in range(3):
        archive.runs.record(
            {
                "run_id": f"r{k}",
                "outlet": "bbc",
                "started_at": sql_time(NOW),
                "finished_at": sql_time(NOW - timedelta(hours=3 - k)),
                "status": "crashed",
            }
        )

    def broken(text: str) -> None:
        raise OSError("Slack unreachable")

    assert Watchdog(archive, broken).run(NOW) == []
    sent: list[str] = []
    assert len(Watchdog(archive, sent.append).run(NOW)) == 1
    archive.close()


def queue_flagged(archive: Archive, n: int, at: datetime) -> None:
    """``n`` flagged articles with their pending alerts, queued at ``at``."""
    with archive.write() as conn:
        for k in range(n):
            article_id = conn.execute(
                "INSERT INTO articles (url, url_hash, outlet, fetched_at, text, flagged, severity) "
                "VALUES (?, ?, 'dw', ?, 'text', 1, 'high')",
                (f"https://dw.example/a/{k}", f"hash{k}", sql_time(at)),
            ).lastrowid
            conn.execute(
                "INSERT INTO alerts (article_id, kind, severity, created_at, next_attempt_at) "
                "VALUES (?, 'new', 'high', ?, ?)",
                (article_id, sql_time(at), sql_time(at)),
            )


def test_alerts_pending_without_an_attempt_open_a_health_issue_until_they_go_out(tmp_path: Path) -> None:
    archive = Archive(tmp_path / "db.sqlite")
    queue_flagged(archive, 3, NOW - timedelta(minutes=4))
    sent: list[str] = []
    dog = Watchdog(archive, sent.append)
    assert dog.run(NOW) == []  # queued four minutes ago: not stalled yet
    (notice,) = dog.run(NOW + timedelta(minutes=7))
    assert (notice.outlet, notice.kind, notice.recovered) == ("alerts", "stalled", False)
    assert "3 alert(s) pending with no delivery attempt for over 10 minutes" in sent[-1]
    assert archive.conn.execute(
        "SELECT count(*) FROM health WHERE outlet = 'alerts' AND issue = 'stalled' AND resolved_at IS NULL"
    ).fetchone() == (1,)
    assert dog.run(NOW + timedelta(minutes=30)) == []  # said once, not every pass
    with archive.write() as conn:
        conn.execute("UPDATE alerts SET status = 'sent'")
    (recovered,) = dog.run(NOW + timedelta(minutes=31))
    assert recovered.recovered and "alerts: stalled — recovered" in sent[-1]
    archive.close()
