"""Defence in depth: a crawl (which parses hostile pages) never holds the alert and digest
secrets, and Datasette's visitors read the archive without exporting it whole, learning its
path on disk, or breaking a page with a POST.

The crawls are real subprocesses started by the service's Launcher; Datasette is the real
`newswatch serve`, asked over HTTP on 127.0.0.1.
"""

from __future__ import annotations

import json
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from email.message import Message
from pathlib import Path

import pytest
from fakeweb import FakeWeb
from helpers import NEWSWATCH, ROOT, crawl_env, datasette_server, outlet_table, wait_for, write_outlets
from outlet_sites import rss

from newswatch.service.launcher import Launcher, crawl_command

SECRETS = {
    "SLACK_BOT_TOKEN": "xoxb-secret",
    "SLACK_APP_TOKEN": "xapp-secret",
    "NEWSWATCH_SMTP_PASSWORD": "hunter2",
    "NEWSWATCH_SMTP_USER": "digest@example.org",
    "NEWSWATCH_SLACK_SIGNING_SECRET": "signing",
    "AWS_SECRET_ACCESS_KEY": "aws",
    "GITHUB_TOKEN": "ghp",
    "DATABASE_PASSWORD": "db",
    "SOME_OTHER_APP_SETTING": "not the crawl's business",
}
#: Writes its environment to argv[1] as JSON, then becomes the command after it.
DUMP_THEN_EXEC = (
    "import json, os, sys\n"
    "with open(sys.argv[1], 'w') as f:\n"
    "    json.dump(dict(os.environ), f)\n"
    "os.execv(sys.argv[2], sys.argv[2:])\n"
)


def dumping(target: Path, then: list[str] | None = None) -> list[str]:
    return [sys.executable, "-c", DUMP_THEN_EXEC, str(target), *(then or [sys.executable, "-c", "pass"])]


def test_a_real_crawl_gets_its_settings_but_no_secret(tmp_path: Path, web: FakeWeb) -> None:
    web.add("/quiet/feed.xml", rss([]), content_type="application/rss+xml")
    outlets = tmp_path / "outlets.toml"
    write_outlets(
        outlets, outlet_table("quiet", web.url("/quiet/"), name="Quiet", feeds=[web.url("/quiet/feed.xml")])
    )
    env = crawl_env(tmp_path, outlets, NEWSWATCH_HTTPCACHE="0", no_proxy="127.0.0.1", **SECRETS)
    seen = tmp_path / "env.json"
    db = tmp_path / "data" / "newswatch.db"
    launcher = Launcher(
        db, timeout=60, cwd=ROOT, env=env, command=lambda o, r: dumping(seen, crawl_command(o, r))
    )
    outcome = launcher.run("quiet")
    environment = json.loads(seen.read_text(encoding="utf-8"))
    assert not set(SECRETS) & set(environment)
    assert not any(value in environment.values() for value in SECRETS.values())
    for needed in ("PATH", "NEWSWATCH_DB", "NEWSWATCH_OUTLETS", "NEWSWATCH_HTTPCACHE", "no_proxy"):
        assert environment[needed] == env[needed], needed
    assert outcome.status == "ok", outcome  # the crawl ran on that environment and recorded its run


def test_a_crawl_runs_no_code_execution_server_and_a_killed_one_leaves_no_job_file(
    tmp_path: Path, web: FakeWeb
) -> None:
    # Scrapy's remote-control extension (on by default since 2.19) serves an HTTP endpoint that
    # runs any Python it is sent, and writes its token to a job file a killed crawl leaves behind
    web.add("/slow/feed.xml", rss([]), content_type="application/rss+xml", delay=20)
    outlets = tmp_path / "outlets.toml"
    write_outlets(outlets, outlet_table("slow", web.url("/slow/"), feeds=[web.url("/slow/feed.xml")]))
    state = tmp_path / "state"
    env = crawl_env(tmp_path, outlets, XDG_STATE_HOME=str(state), NEWSWATCH_DOWNLOAD_TIMEOUT="60")
    crawl = subprocess.Popen(
        # the job folder named, so that the check holds where platformdirs ignores XDG_STATE_HOME
        [*NEWSWATCH, "crawl", "-s", f"REMOTE_CONTROL_JOBS_DIR={state / 'jobs'}"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: web.hits("/slow/feed.xml") or crawl.poll() is not None, 60, every=0.05)
        assert web.hits("/slow/feed.xml") == 1 and crawl.poll() is None  # crawling, the feed in flight
        assert [p for p in state.rglob("*") if p.is_file()] == []
    finally:
        crawl.kill()
        crawl.wait()
    assert [p for p in state.rglob("*") if p.is_file()] == []


def test_the_service_environment_is_filtered_too(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in {**SECRETS, "LANG": "C.UTF-8", "LC_TIME": "de_DE", "TZ": "UTC"}.items():
        monkeypatch.setenv(name, value)
    seen = tmp_path / "env.json"
    Launcher(tmp_path / "newswatch.db", timeout=30, command=lambda o, r: dumping(seen)).run("dw")
    environment = json.loads(seen.read_text(encoding="utf-8"))
    assert not set(SECRETS) & set(environment)
    assert {k: environment.get(k) for k in ("LANG", "LC_TIME", "TZ")} == {
        "LANG": "C.UTF-8",
        "LC_TIME": "de_DE",
        "TZ": "UTC",
    }


# --- Datasette ---------------------------------------------------------------------------------


def _request(url: str, method: str = "GET", data: bytes | None = None) -> tuple[int, Message, bytes]:
    request = urllib.request.Request(url, data=data, method=method)
    try:
        with urllib.request.urlopen(request, timeout=20) as response:
            return response.status, response.headers, response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, exc.headers, exc.read()


class Served:
    def __init__(self, base: str, db: Path):
        self.base, self.db = base, db

    def get(self, path: str) -> tuple[int, Message, bytes]:
        return _request(self.base + path)

    def send(self, method: str, path: str, data: bytes = b"") -> tuple[int, Message, bytes]:
        return _request(self.base + path, method, data)


@contextmanager
def serving(tmp_path: Path, **settings: str) -> Iterator[Served]:
    """The real `newswatch serve` on an archive of 1,200 articles (more than a page holds)."""
    db = tmp_path / "data" / "newswatch.db"
    env = crawl_env(tmp_path, ROOT / "config" / "outlets.toml", **settings)
    from newswatch.archive import Archive

    archive = Archive(db)
    try:
        with archive.conn:
            archive.conn.executemany(
                "INSERT INTO articles (url, url_hash, outlet, title, text, fetched_at, flagged) "
                "VALUES (?, ?, 'dw', ?, 'text', '2026-01-01 00:00:00', 0)",
                [(f"https://www.dw.com/a-{n}", f"h{n}", f"Article {n}") for n in range(1200)],
            )
    finally:
        archive.close()
    with datasette_server(env) as base:
        yield Served(base, db)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    with serving(tmp_path_factory.mktemp("serve")) as server:
        yield server


def test_a_visitor_exports_one_page_at_a_time_never_the_whole_table(served: Served) -> None:
    status, _, body = served.get("/newswatch/articles.csv?_stream=on")
    assert status == 400 and b"Article" not in body  # streaming every row is off
    status, _, body = served.get("/newswatch/articles.csv?_size=max")
    assert status == 200 and len(body.decode().strip().splitlines()) == 1 + 1000  # max_returned_rows
    status, _, body = served.get("/newswatch/articles.json?_size=max&_shape=array")
    assert status == 200 and len(json.loads(body)) == 1000
    assert served.get("/newswatch.db")[0] == 403  # the database file itself


@pytest.mark.parametrize(
    "path",
    [
        "/-/databases",
        "/-/databases.json",
        "/-/databases.json?_shape=array",
        "/-/databases/",
        "//-/databases.json",
        "/%2D/databases.json",
        "/-/%64atabases.json",
        "/-/settings.json",
        "/-/config.json",
        "/-/metadata.json",
        "/-/versions.json",
        "/-/plugins.json",
        "/-/threads.json",
        "/-/actor.json",
        "/-/allow-debug",
        "/-/messages",
        "/-/patterns",
        "/-/permissions",
    ],
)
def test_instance_pages_are_not_there_for_visitors(served: Served, path: str) -> None:
    status, _, body = served.get(path)
    assert status == 404, (path, status)
    assert str(served.db.parent).encode() not in body


def test_no_page_a_visitor_reads_shows_where_the_archive_lives(served: Served) -> None:
    for path in ("/", "/.json", "/newswatch", "/newswatch.json", "/newswatch/articles.json", "/nope"):
        status, _, body = served.get(path)
        assert status in (200, 404), path
        assert str(served.db.parent).encode() not in body, path
    assert served.get("/-/static/app.css")[0] == 200  # the pages' own assets still load


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("POST", "/newswatch/flagged_today"),
        ("POST", "/newswatch/search_articles?q=drones"),
        ("POST", "/newswatch/articles"),
        ("POST", "/newswatch"),
        ("PUT", "/newswatch/flagged_today"),
        ("DELETE", "/newswatch/articles"),
        ("PATCH", "/"),
    ],
)
def test_writing_to_the_read_only_archive_is_a_clean_405(served: Served, method: str, path: str) -> None:
    status, headers, body = served.send(method, path, b"q=drones")
    assert status == 405, (method, path, status, body[:200])
    assert headers.get("Allow") == "GET, HEAD"
    assert b"Traceback" not in body and b"Error 500" not in body
    assert served.get("/newswatch/flagged_today.json")[0] == 200  # and the server is still fine


def test_serve_turns_csv_streaming_off(tmp_path: Path) -> None:
    from newswatch.cli import datasette_args

    args = datasette_args(tmp_path / "a.db", tmp_path / "m.json", "127.0.0.1", 9000, allow_sql=False)
    settings = {args[i + 1]: args[i + 2] for i, a in enumerate(args) if a == "--setting"}
    assert settings["allow_download"] == "off" and settings["allow_csv_stream"] == "off"


def test_with_sql_on_a_query_cannot_read_where_the_archive_lives(tmp_path: Path) -> None:
    with serving(tmp_path, NEWSWATCH_DATASETTE_SQL="1") as served:
        assert served.get("/newswatch.json?sql=select+count(*)+from+articles")[0] == 200  # SQL is on
        for sql in (
            "select+file+from+pragma_database_list",
            "select+*+from+PRAGMA_DATABASE_LIST()",
            "select+file+from+%22pragma_database_list%22",
            "select+file+from+main.pragma_database_list",
        ):
            for page in ("/newswatch.json", "/newswatch.csv", "/newswatch"):
                status, _, body = served.get(f"{page}?sql={sql}")
                assert status == 403 and str(served.db.parent).encode() not in body, (page, sql)
        # any parameter that becomes SQL: a `_where` could read the path a character at a time
        for query in (
            "_where=substr((select+file+from+pragma_database_list),1,1)='/'",
            "_where=id=(select+length(file)+from+PRAGMA_DATABASE_LIST)",
            "_facet=outlet&_where=1&x=pragma_database_list",
        ):
            status, _, body = served.get(f"/newswatch/articles.json?{query}")
            assert status == 403, query
