"""Source-health decisions from synthetic crawl_runs, and the notices they lead to."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from newswatch.archive import Archive
from newswatch.clock import sql_time
from newswatch.service.launcher import CrawlOutcome
from newswatch.service.watchdog import Issue, NetworkWatch, Watchdog, assess, plan_notices

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


DNS = "feed https://aa.invalid/feed.xml: CannotResolveHostError: DNS lookup failed: no results"


def outcome(outlet: str, status: str = "failed", network: str = "dns") -> CrawlOutcome:
    return CrawlOutcome(outlet, "run", status, 0, 1.0, first_error=DNS, network=network)  # type: ignore[arg-type]


def test_no_network_is_said_once_when_every_outlet_failed_dns_then_back_once() -> None:
    watch = NetworkWatch(["aa", "bb"])
    assert watch.saw("aa", outcome("aa").name_lookup) is None  # one outlet is not the network
    said = watch.saw("bb", outcome("bb").name_lookup)
    assert said is not None and said.startswith("no network: every outlet failed DNS (2 outlets crawled")
    assert watch.saw("aa", outcome("aa").name_lookup) is None  # the next round: not said again
    back = watch.saw("bb", outcome("bb", "ok", "resolved").name_lookup)
    assert back == "network back: bb's host names resolve again"
    assert watch.saw("aa", outcome("aa", "ok", "resolved").name_lookup) is None
    assert watch.saw("aa", outcome("aa").name_lookup) is None
    assert watch.saw("bb", outcome("bb").name_lookup) is not None  # offline again: said again


def test_no_network_is_said_after_two_outlets_without_waiting_for_the_slowest() -> None:
    watch = NetworkWatch(["aa", "bb", "cc", "dd", "ee"])  # cc, dd, ee crawl hourly: not yet
    assert watch.saw("aa", "dns") is None
    said = watch.saw("bb", "dns")
    assert said is not None and "(2 outlets crawled since the failures began, of 5)" in said
    assert watch.saw("aa", "dns") is None and watch.saw("cc", "dns") is None  # once


def test_only_a_crawl_that_resolved_a_name_ends_no_network() -> None:
    watch = NetworkWatch(["aa", "bb"])
    watch.saw("aa", "dns")
    assert watch.saw("bb", "dns") is not None
    for status in ("timeout", "crashed", "partial"):  # past its timeout, crashed, stopped
        assert watch.saw("aa", outcome("aa", status, "unknown").name_lookup) is None
        assert watch.offline
    assert watch.saw("aa", "resolved") == "network back: aa's host names resolve again"


def test_an_outlet_whose_names_stopped_resolving_while_others_resolve_is_not_no_network() -> None:
    watch = NetworkWatch(["aa", "bb", "cc"])
    assert watch.saw("aa", "dns") is None  # aa's domain is gone...
    assert watch.saw("bb", "resolved") is None  # ...while the network works
    assert watch.saw("aa", "dns") is None
    assert watch.saw("cc", "dns") is None  # one outlet began failing since: not yet two
    assert watch.saw("bb", "dns") is not None  # now two began failing, and every crawl failed DNS


def test_outlets_failing_for_other_reasons_are_not_no_network() -> None:
    watch = NetworkWatch(["aa", "bb"])
    assert watch.saw("aa", outcome("aa").name_lookup) is None
    assert watch.saw("bb", outcome("bb", network="unknown").name_lookup) is None  # a refused connection
    assert watch.saw("aa", outcome("aa").name_lookup) is None  # bb's latest crawl was no DNS failure
    assert not outcome("cc", "failed", "resolved").failed_dns  # a server answered (HTTP 500)
    assert not outcome("cc", "partial", "dns").failed_dns  # cut short: not a failed crawl
