"""What an operator sees when things go wrong: the reason in the crawl's log line and in
`newswatch outlets`, "no network" said once when no outlet's host name resolves, exit codes,
a quiet `newswatch crawl` (with progress on a terminal), a dropped item in one short line,
an unknown outlet in one line, and stopping with a slow request in flight (the second Ctrl-C
stops at once, the run recorded as partial).

Outlets that "fail DNS" are named under ``.invalid``, which never resolves (RFC 6761): nothing
reaches the internet. Slow outlets are a loopback server that holds the answer back.
"""

from __future__ import annotations

import json
import os
import pty
import re
import select
import signal
import subprocess
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fakeweb import FakeWeb
from helpers import NEWSWATCH, ROOT, crawl_env, outlet_table, rows, run_newswatch, wait_for, write_outlets
from outlet_sites import Story, pangea_page, paragraphs, rss, sitemap_index

from newswatch.service.watchdog import FAILED_STATUSES
from spiders.runs import ERROR_CHARS, error_text, reason_first, redact

#: Old keys of ``newswatch outlets --json`` (kept; new ones are only added).
OUTLETS_JSON_KEYS = {
    "outlet",
    "name",
    "enabled",
    "interval_s",
    "sources",
    "last_run",
    "status",
    "new",
    "errors",
    "last_error",
    "archived",
    "health",
}


def unresolvable(key: str, interval: str = "1h") -> str:
    """An outlet whose host name never resolves."""
    home = f"https://{key}.invalid/"
    return outlet_table(key, home, feeds=[home + "feed.xml"], interval=interval)


def quiet_env(tmp_path: Path, outlets: Path, **extra: str) -> dict[str, str]:
    """The crawl's environment without a chosen log level: `newswatch crawl` as a person runs it."""
    env = crawl_env(tmp_path, outlets, NEWSWATCH_HTTPCACHE="0", **extra)
    del env["NEWSWATCH_LOG_LEVEL"]
    return env


def children_of(pid: int) -> list[int]:
    """The process's children (those of every thread)."""
    found = []
    for children in Path(f"/proc/{pid}/task").glob("*/children"):
        try:
            found.extend(int(child) for child in children.read_text().split())
        except OSError:  # it has just ended
            continue
    return found


def crawl_children(pid: int) -> list[int]:
    """The running `newswatch crawl` processes the process ``pid`` started: its children, or
    (NEWSWATCH_CRAWL_START=fork) the children of its crawl forkserver."""
    found = []
    for child in children_of(pid):
        try:
            command = Path(f"/proc/{child}/cmdline").read_bytes()
        except OSError:  # it has just ended
            continue
        if b"\0crawl\0" in command:
            found.append(child)
        elif b"newswatch.service.forkserver" in command:
            found.extend(children_of(child))
    return found


def alive(pid: int) -> bool:
    """The process exists and is not a zombie."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def story_site(web: FakeWeb, key: str = "good", text: list[str] | None = None, delay: float = 0.0) -> str:
    """A loopback outlet with one article in its feed; returns its outlets table."""
    path = f"/{key}/a/slow-story/33000001.html"
    story = Story(
        path,
        "Ministers meet",
        text if text is not None else paragraphs(f"{key} ministers"),
        datetime.now(UTC).replace(microsecond=0) - timedelta(minutes=5),
    )
    web.add(path, pangea_page(story, web.url(path)), delay=delay)
    web.add(
        f"/{key}/feed.xml",
        rss([(story.title, web.url(path), story.published)]),
        content_type="application/rss+xml",
    )
    return outlet_table(key, web.url(f"/{key}/"), feeds=[web.url(f"/{key}/feed.xml")], interval="1h")


# --- failures that say why --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("chosen", "code"),
    [(["dead"], 1), (["dead", "good"], 0)],
    ids=["the-only-outlet-fails", "one-of-two-fails"],
)
def test_crawl_exits_1_when_every_outlet_failed_and_names_each_failures_reason(
    tmp_path: Path, web: FakeWeb, chosen: list[str], code: int
) -> None:
    outlets = write_outlets(tmp_path / "outlets.toml", unresolvable("dead"), story_site(web))
    args = [a for key in chosen for a in ("--outlet", key)]
    result = run_newswatch(["crawl", *args], quiet_env(tmp_path, outlets), timeout=120)
    assert result.returncode == code, result.stderr[-2000:]
    assert "newswatch: dead failed: feed https://dead.invalid/feed.xml: " in result.stderr
    assert "DNS lookup failed" in result.stderr
    no_network = "newswatch: no network: every outlet failed DNS"
    assert result.stderr.count(no_network) == (1 if chosen == ["dead"] else 0)
    db = tmp_path / "data" / "newswatch.db"
    (dead,) = rows(db, "SELECT status, first_error FROM crawl_runs WHERE outlet = 'dead'")
    assert dead["status"] == "failed" and "DNS lookup failed" in str(dead["first_error"])


def test_outlets_shows_the_last_runs_error_in_a_column_and_keeps_its_json_keys(
    tmp_path: Path, web: FakeWeb
) -> None:
    outlets = write_outlets(tmp_path / "outlets.toml", unresolvable("dead"), story_site(web))
    env = quiet_env(tmp_path, outlets)
    assert run_newswatch(["crawl"], env, timeout=120).returncode == 0
    table = run_newswatch(["outlets"], env)
    assert table.returncode == 0, table.stderr
    header, _, *lines = table.stdout.splitlines()
    assert "last error" in header
    (dead,) = [line for line in lines if line.startswith("dead ")]
    (good,) = [line for line in lines if line.startswith("good ")]
    column = header.index("last error")
    assert dead[column:].startswith("CannotResolveHostError: DNS lookup failed")  # why, then where
    assert good[column : column + 10].strip() == ""  # an ok run has no error to show
    records = json.loads(run_newswatch(["outlets", "--json"], env).stdout)
    assert all(set(r) >= OUTLETS_JSON_KEYS for r in records)
    (record,) = [r for r in records if r["outlet"] == "dead"]
    assert "DNS lookup failed" in record["last_error"] and "DNS lookup failed" in record["first_error"]


def test_run_once_says_why_each_crawl_failed_and_no_network_once_and_exits_1(tmp_path: Path) -> None:
    outlets = write_outlets(tmp_path / "outlets.toml", unresolvable("aa"), unresolvable("bb"))
    result = run_newswatch(["run", "--once"], quiet_env(tmp_path, outlets), timeout=120)
    assert result.returncode == 1, result.stderr[-2000:]
    log = result.stderr
    for key in ("aa", "bb"):
        (line,) = [line for line in log.splitlines() if f"[{key}] crawl " in line]
        assert " failed in " in line
        assert f"first error: feed https://{key}.invalid/feed.xml: " in line and "DNS lookup failed" in line
    assert log.count("no network: every outlet failed DNS (2 outlets crawled") == 1
    assert "Traceback" not in log


def test_run_once_with_one_crawl_failing_exits_0(tmp_path: Path, web: FakeWeb) -> None:
    outlets = write_outlets(tmp_path / "outlets.toml", unresolvable("dead"), story_site(web))
    result = run_newswatch(["run", "--once"], quiet_env(tmp_path, outlets), timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert "[dead] crawl " in result.stderr and "no network" not in result.stderr


def test_the_service_logs_one_line_per_crawl_no_scheduler_chatter_and_no_network_once(
    tmp_path: Path,
) -> None:
    outlets = write_outlets(
        tmp_path / "outlets.toml", unresolvable("aa", interval="5s"), unresolvable("bb", interval="5s")
    )
    db = tmp_path / "data" / "newswatch.db"
    log_path = tmp_path / "service.log"
    with log_path.open("w") as log:
        service = subprocess.Popen(
            [*NEWSWATCH, "run"],
            cwd=ROOT,
            env=quiet_env(tmp_path, outlets),
            stdout=log,
            stderr=subprocess.STDOUT,
            text=True,
        )
        try:

            def runs_of_both(n: int) -> bool:
                try:
                    counts = rows(db, "SELECT outlet, count(*) AS n FROM crawl_runs GROUP BY outlet")
                except Exception:  # the archive is being created
                    return False
                return len(counts) == 2 and all(int(str(c["n"])) >= n for c in counts)

            assert wait_for(lambda: runs_of_both(2), 90), log_path.read_text()[-2000:]
            # stopped as a crawl starts (before it could say anything about the network)
            assert wait_for(lambda: not crawl_children(service.pid), 60)
            assert wait_for(lambda: crawl_children(service.pid), 60, every=0.01)
            service.send_signal(signal.SIGTERM)
            assert service.wait(timeout=60) == 0
        finally:
            if service.poll() is None:
                service.kill()
    output = log_path.read_text()
    assert not re.search(r"(INFO|DEBUG) apscheduler", output), output  # warnings only
    assert "executed successfully" not in output and "Added job" not in output
    recorded = rows(db, "SELECT outlet, run_id FROM crawl_runs")
    lines = [line for line in output.splitlines() if "] crawl " in line]
    assert len(lines) == len(recorded)  # one line per crawl, each naming its run
    assert all(any(str(r["run_id"]) in line for line in lines) for r in recorded)
    assert output.count("no network: every outlet failed DNS") == 1  # said once, not every round
    assert "network back" not in output  # no crawl resolved: a stopped one says nothing either way
    assert "Traceback" not in output


# --- a quiet crawl ------------------------------------------------------------------------------


def test_crawl_is_quiet_by_default_and_v_shows_scrapy_and_a_dropped_item_in_one_line(
    tmp_path: Path, web: FakeWeb
) -> None:
    short = ["Ministers met in Brussels on Tuesday."]  # far under NEWSWATCH_MIN_TEXT_CHARS: dropped
    outlets = write_outlets(tmp_path / "outlets.toml", story_site(web, text=short))
    env = quiet_env(tmp_path, outlets)
    quiet = run_newswatch(["crawl"], env, timeout=120)
    assert quiet.returncode == 0, quiet.stderr[-2000:]
    assert "Scrapy 2" not in quiet.stderr and "Enabled extensions" not in quiet.stderr
    assert "Overridden settings" not in quiet.stderr and "INFO" not in quiet.stderr
    assert "good  " in quiet.stdout  # the summary table
    (tmp_path / "data" / "newswatch.db").unlink()  # the same page again, as new
    verbose = run_newswatch(["crawl", "-v"], env, timeout=120)
    assert verbose.returncode == 0, verbose.stderr[-2000:]
    assert "Enabled extensions" in verbose.stderr
    url = web.url("/good/a/slow-story/33000001.html")
    (dropped,) = [line for line in verbose.stderr.splitlines() if "dropped" in line.lower()]
    expected = rf"\[good\] dropped {re.escape(url)}: empty extraction \(\d+ [a-z]+\)$"
    assert re.search(expected, dropped), dropped
    assert "Article(" not in verbose.stderr


def test_crawl_shows_a_progress_line_per_outlet_on_a_terminal_only(tmp_path: Path, web: FakeWeb) -> None:
    outlets = write_outlets(
        tmp_path / "outlets.toml", story_site(web, "one", delay=3.0), story_site(web, "two", delay=3.0)
    )
    env = quiet_env(tmp_path, outlets, NEWSWATCH_DOWNLOAD_TIMEOUT="30")
    main, replica = pty.openpty()
    crawl = subprocess.Popen(
        [*NEWSWATCH, "crawl"], cwd=ROOT, env=env, stdout=replica, stderr=subprocess.DEVNULL
    )
    os.close(replica)
    seen = b""
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            ready, _, _ = select.select([main], [], [], 1)
            if ready:
                try:
                    chunk = os.read(main, 4096)
                except OSError:  # the crawl closed the terminal
                    break
                if not chunk:
                    break
                seen += chunk
            elif crawl.poll() is not None:
                break
        assert crawl.wait(timeout=30) == 0
    finally:
        if crawl.poll() is None:
            crawl.kill()
        os.close(main)
    shown = seen.decode()
    for key in ("one", "two"):
        assert any(line.startswith(f"[{key}] ") and " found, " in line for line in shown.splitlines()), shown
    (tmp_path / "data" / "newswatch.db").unlink()
    piped = run_newswatch(["crawl"], env, timeout=120)  # not a terminal: the table only
    assert piped.returncode == 0 and " found, " not in piped.stdout


# --- scrapy crawl ------------------------------------------------------------------------------


def test_scrapy_crawl_of_an_unknown_outlet_is_one_line_naming_it_and_the_known_ones(tmp_path: Path) -> None:
    outlets = write_outlets(tmp_path / "outlets.toml", unresolvable("aa"), unresolvable("bb"))
    result = subprocess.run(
        [str(Path(NEWSWATCH[0]).with_name("scrapy")), "crawl", "news", "-a", "outlet=nope"],
        cwd=ROOT,
        env=quiet_env(tmp_path, outlets),
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "Traceback" not in result.stderr and "never retrieved" not in result.stderr
    (line,) = [line for line in result.stderr.splitlines() if "nope" in line]
    assert "unknown outlet: nope" in line and "known outlets: aa, bb" in line


# --- stopping with a slow request in flight ----------------------------------------------------


def slow_outlet(web: FakeWeb, tmp_path: Path) -> tuple[dict[str, str], str]:
    """An outlet whose only article takes five minutes to answer; the crawl would wait for it
    for up to two (its download timeout). Returns the environment and the article's path."""
    outlets = write_outlets(tmp_path / "outlets.toml", story_site(web, "slow", delay=300.0))
    env = quiet_env(tmp_path, outlets, NEWSWATCH_DOWNLOAD_TIMEOUT="120")
    return env, "/slow/a/slow-story/33000001.html"


def test_a_crawl_stopped_twice_says_what_it_waited_for_and_records_the_run_as_partial(
    tmp_path: Path, web: FakeWeb
) -> None:
    env, article = slow_outlet(web, tmp_path)
    err = tmp_path / "crawl.err"
    with err.open("w") as stderr:
        crawl = subprocess.Popen(
            [*NEWSWATCH, "crawl"], cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=stderr, text=True
        )
        try:
            assert wait_for(lambda: web.hits(article), 60), "the article was never requested"
            crawl.send_signal(signal.SIGINT)
            assert wait_for(lambda: "waiting for 1 request(s) in flight" in err.read_text(), 30)
            stopped = time.monotonic()
            crawl.send_signal(signal.SIGINT)
            stdout, _ = crawl.communicate(timeout=60)
            took = time.monotonic() - stopped
        finally:
            if crawl.poll() is None:
                crawl.kill()
    said = err.read_text()
    assert web.url(article) in said and "Ctrl-C" in said
    assert took < 20, took  # not the 120 s download timeout
    assert crawl.returncode == 1 and "interrupted" in stdout
    (run,) = rows(tmp_path / "data" / "newswatch.db", "SELECT status, discovered, last_error FROM crawl_runs")
    assert run["status"] == "partial" and run["discovered"] == 1
    assert (
        f"stopped at once by a second SIGINT with 1 request(s) in flight: {web.url(article)}"
        == run["last_error"]
    )
    assert "Traceback" not in said


@pytest.mark.parametrize("in_flight", ["article", "feed"])
def test_the_service_stopped_twice_says_what_it_waits_for_and_stops_now_recording_partial(
    tmp_path: Path, web: FakeWeb, in_flight: str
) -> None:
    if in_flight == "article":
        env, slow = slow_outlet(web, tmp_path)
    else:  # the source itself is in flight
        env, slow = slow_feeds(web, tmp_path, ("slow",)), "/slow/feed.xml"
    log_path = tmp_path / "service.log"
    with log_path.open("w") as log:
        service = subprocess.Popen(
            [*NEWSWATCH, "run"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True
        )
        try:
            assert wait_for(lambda: web.hits(slow), 60), f"the {in_flight} was never requested"
            service.send_signal(signal.SIGINT)
            assert wait_for(lambda: "waiting for 1 running crawl(s)" in log_path.read_text(), 30)
            stopped = time.monotonic()
            service.send_signal(signal.SIGINT)
            assert service.wait(timeout=60) == 0
            took = time.monotonic() - stopped
        finally:
            if service.poll() is None:
                service.kill()
    output = log_path.read_text()
    (waiting,) = [line for line in output.splitlines() if "waiting for 1 running crawl(s)" in line]
    assert "slow (running " in waiting and "DOWNLOAD_TIMEOUT 120 s" in waiting and "Ctrl-C again" in waiting
    assert "second SIGINT: stopping slow's crawl now" in output
    assert took < 25, took
    (run,) = rows(tmp_path / "data" / "newswatch.db", "SELECT status, last_error FROM crawl_runs")
    # written by the crawl's own second-signal handling (it alone knows what was in flight),
    # not by the launcher after killing it ("stopped at once: a second stop signal ...")
    expected = f"stopped at once by a second SIGTERM with 1 request(s) in flight: {web.url(slow)}"
    assert run["status"] == "partial" and run["last_error"] == expected
    assert "Traceback" not in output and "newswatch service stopped" in output


# --- what the first error says -----------------------------------------------------------------


def test_a_crawl_that_got_an_http_answer_is_not_no_network_though_its_first_error_is_dns(
    tmp_path: Path, web: FakeWeb
) -> None:
    web.add("/mix/feed.xml", "down", status=500, delay=1.0)  # answers after the DNS failure
    home = web.url("/mix/")
    mix = outlet_table(
        "mix", home, feeds=["https://mix.invalid/feed.xml", web.url("/mix/feed.xml")], interval="1h"
    )
    outlets = write_outlets(tmp_path / "outlets.toml", mix)
    env = quiet_env(tmp_path, outlets)
    crawl = run_newswatch(["crawl"], env, timeout=120)
    assert crawl.returncode == 1, crawl.stderr[-2000:]  # its only outlet failed...
    db = tmp_path / "data" / "newswatch.db"
    (run,) = rows(db, "SELECT status, first_error, last_error FROM crawl_runs")
    assert run["status"] == "failed" and "DNS lookup failed" in str(run["first_error"])
    assert "HTTP 500" in str(run["last_error"])
    assert "no network" not in crawl.stderr  # ...but a server answered: the network works
    once = run_newswatch(["run", "--once"], env, timeout=120)
    assert once.returncode == 1 and "[mix] crawl " in once.stderr
    assert "no network" not in once.stderr


def test_a_long_failing_url_keeps_the_reason_and_outlets_shows_the_reason_first(
    tmp_path: Path, web: FakeWeb
) -> None:
    child = "/long/" + "a" * 1900 + ".xml"
    web.add(child, "down", status=500)
    web.add(
        "/long/index.xml",
        sitemap_index([(web.url(child), datetime.now(UTC))]),
        content_type="application/xml",
    )
    table = outlet_table("long", web.url("/long/"), sitemaps=[web.url("/long/index.xml")], interval="1h")
    env = quiet_env(tmp_path, write_outlets(tmp_path / "outlets.toml", table))
    assert run_newswatch(["crawl"], env, timeout=120).returncode == 0
    (run,) = rows(tmp_path / "data" / "newswatch.db", "SELECT first_error, last_error FROM crawl_runs")
    for error in (str(run["first_error"]), str(run["last_error"])):
        assert error.startswith("sitemap http://127.0.0.1:") and error.endswith(": HTTP 500"), error
        assert len(error) <= ERROR_CHARS
    listing = run_newswatch(["outlets"], env)
    header, _, line = listing.stdout.splitlines()
    assert line[header.index("last error") :].startswith("HTTP 500 (sitemap http://127.0.0.1:")


def test_error_text_cuts_the_url_not_the_reason_and_redacts_query_values() -> None:
    url = "https://x.example/feeds/" + "b" * 1900 + ".xml?api_key=TOPSECRET&page=2#token=T0K"
    text = error_text(f"feed {url}: CannotResolveHostError: DNS lookup failed: no results")
    assert text.endswith(": CannotResolveHostError: DNS lookup failed: no results") and len(text) < 300
    assert "TOPSECRET" not in text and "T0K" not in text
    assert redact("see https://u:pw@x.example/a/b.xml?api_key=S&flag, then") == (
        "see https://…@x.example/a/b.xml?api_key=…&…, then"
    )
    assert (
        redact("feed https://x.example/rss?sig=abc: HTTP 403") == "feed https://x.example/rss?sig=…: HTTP 403"
    )
    assert reason_first("feed https://x.example/rss: HTTP 403") == "HTTP 403 (feed https://x.example/rss)"
    assert reason_first("stopped by SIGTERM") == "stopped by SIGTERM"


def test_secrets_in_source_urls_reach_neither_the_logs_nor_the_archive_nor_outlets(
    tmp_path: Path, web: FakeWeb
) -> None:
    web.add("/tok/feed.xml", "gone", status=404)
    outlets = write_outlets(
        tmp_path / "outlets.toml",
        outlet_table(
            "cred", "https://cred.invalid/", feeds=["https://cred.invalid/feed.xml?api_key=TOPSECRET"]
        ),
        outlet_table("tok", web.url("/tok/"), feeds=[web.url("/tok/feed.xml?token=SECRET2&sig=SECRET3")]),
    )
    env = quiet_env(tmp_path, outlets)
    said = []
    crawl = run_newswatch(["crawl", "-v"], env, timeout=120)
    said += [crawl.stdout, crawl.stderr]
    assert "feed https://cred.invalid/feed.xml?api_key=…: " in crawl.stderr  # the URL, without its value
    once = run_newswatch(["run", "--once"], env, timeout=120)
    said += [once.stdout, once.stderr]
    assert "[cred] crawl " in once.stderr and "[tok] crawl " in once.stderr
    said += [run_newswatch(["outlets"], env).stdout, run_newswatch(["outlets", "--json"], env).stdout]
    said += [
        str(r)
        for r in rows(tmp_path / "data" / "newswatch.db", "SELECT first_error, last_error FROM crawl_runs")
    ]
    for secret in ("TOPSECRET", "SECRET2", "SECRET3"):
        assert not [text for text in said if secret in text], secret


# --- stopping: --once, a single stop, the deadline ------------------------------------------------


def slow_feeds(web: FakeWeb, tmp_path: Path, keys: tuple[str, ...]) -> dict[str, str]:
    """Outlets whose feed takes five minutes to answer (the crawl would wait two)."""
    tables = []
    for key in keys:
        web.add(f"/{key}/feed.xml", rss([]), delay=300.0, content_type="application/rss+xml")
        tables.append(outlet_table(key, web.url(f"/{key}/"), feeds=[web.url(f"/{key}/feed.xml")]))
    return quiet_env(
        tmp_path, write_outlets(tmp_path / "outlets.toml", *tables), NEWSWATCH_DOWNLOAD_TIMEOUT="120"
    )


def test_run_once_stopped_says_what_it_waits_for_stops_its_crawls_and_exits_after_them(
    tmp_path: Path, web: FakeWeb
) -> None:
    env = slow_feeds(web, tmp_path, ("sa", "sb"))
    log_path = tmp_path / "once.log"
    with log_path.open("w") as log:
        once = subprocess.Popen(
            [*NEWSWATCH, "run", "--once"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True
        )
        try:
            assert wait_for(lambda: web.hits("/sa/feed.xml") and web.hits("/sb/feed.xml"), 60)
            crawls = crawl_children(once.pid)
            assert len(crawls) == 2
            once.send_signal(signal.SIGINT)
            assert wait_for(lambda: "waiting for 2 running crawl(s)" in log_path.read_text(), 30)
            assert once.poll() is None and all(alive(pid) for pid in crawls)  # it waits for them
            once.send_signal(signal.SIGINT)
            assert once.wait(timeout=60) == 1
            assert not [pid for pid in crawls if alive(pid)]  # no crawl outlives it
        finally:
            if once.poll() is None:
                once.kill()
    output = log_path.read_text()
    assert "second SIGINT: stopping sa's crawl, sb's crawl now" in output
    assert "Traceback" not in output and "KeyboardInterrupt" not in output
    recorded = rows(
        tmp_path / "data" / "newswatch.db",
        "SELECT outlet, status, last_error FROM crawl_runs ORDER BY outlet",
    )
    assert [(r["outlet"], r["status"]) for r in recorded] == [("sa", "partial"), ("sb", "partial")]
    for r in recorded:  # by the crawl itself, with the source it was reading; on a machine too
        # busy for it to write in time, by the service after the kill
        feed = web.url(f"/{r['outlet']}/feed.xml")
        assert r["last_error"] in (
            f"stopped at once by a second SIGTERM with 1 request(s) in flight: {feed}",
            "stopped at once: a second stop signal to the service",
        )


def test_a_crawl_stopped_by_one_sigterm_is_partial_with_its_reason_not_a_failure(
    tmp_path: Path, web: FakeWeb
) -> None:
    env = {**slow_feeds(web, tmp_path, ("sa",)), "NEWSWATCH_DOWNLOAD_TIMEOUT": "3"}
    log_path = tmp_path / "service.log"
    with log_path.open("w") as log:
        service = subprocess.Popen(
            [*NEWSWATCH, "run"], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, text=True
        )
        try:
            assert wait_for(lambda: web.hits("/sa/feed.xml"), 60)
            service.send_signal(signal.SIGTERM)
            assert service.wait(timeout=60) == 0
        finally:
            if service.poll() is None:
                service.kill()
    (run,) = rows(tmp_path / "data" / "newswatch.db", "SELECT status, first_error FROM crawl_runs")
    assert run["status"] == "partial" and run["status"] not in FAILED_STATUSES  # out of the streak
    feed = web.url("/sa/feed.xml")
    assert run["first_error"] == f"stopped by SIGTERM with 1 request(s) in flight: {feed}"
    (line,) = [line for line in log_path.read_text().splitlines() if "[sa] crawl " in line]
    assert " partial in " in line and "first error: stopped by SIGTERM" in line
