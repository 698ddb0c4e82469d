"""The hub's ingest endpoint (newswatch/workers/ingest.py): a real server on a loopback port,
the real worker client, a real archive."""

from __future__ import annotations

import json
import socket
import sqlite3
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from helpers import outlet_table, rows, write_outlets
from outlet_sites import paragraphs
from scrapy.settings import Settings

from newswatch.records import Article, Candidate, Extraction
from newswatch.workers.client import HubClient, HubRefused
from newswatch.workers.ingest import IngestServer, ingest_server
from newswatch.workers.wire import article_record, run_record, seen_record

pytest.importorskip("requests")

TOKEN = "s3cret-token-for-tests"
HOME = "http://outlet.test/"
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
FLAGGED_LEAD = (
    "Chinese companies have supplied drone engines to Russia's military, three EU diplomats said on Tuesday."
)


def hub_settings(tmp_path: Path, **extra: object) -> Settings:
    import settings as project

    names = {name: getattr(project, name) for name in dir(project) if name.isupper()}
    outlets = write_outlets(
        tmp_path / "outlets.toml", outlet_table("rferl", HOME, "RFE/RL", feeds=[HOME + "feed.xml"])
    )
    return Settings(
        {
            **names,
            "NEWSWATCH_DB": str(tmp_path / "data" / "newswatch.db"),
            "NEWSWATCH_OUTLETS": str(outlets),
            "NEWSWATCH_INGEST_TOKEN": TOKEN,
            "NEWSWATCH_INGEST_ADDRESS": "127.0.0.1:0",
            **extra,
        }
    )


@pytest.fixture
def hub(tmp_path: Path) -> Iterator[IngestServer]:
    server = ingest_server(hub_settings(tmp_path))
    assert server is not None
    server.start()
    yield server
    server.stop()


def article(path: str, title: str, lead: str | None = None, run_id: str = "run-1") -> dict[str, Any]:
    text = "\n\n".join([lead, *paragraphs(title)[1:]] if lead else paragraphs(title))
    url = HOME + path
    item = Article(
        url=url,
        final_url=url,
        outlet="rferl",
        fetched_at=NOW,
        html="",
        candidate=Candidate(
            url, "rferl", HOME + "feed.xml", "feed", title=title, published=NOW - timedelta(hours=2)
        ),
        outlet_language="en",
        extraction=Extraction(text, title, ("Ana Petrova",), NOW - timedelta(hours=2), "ld+json", "en"),
    )
    return article_record(item, run_id)


def batch() -> list[dict[str, Any]]:
    run = {
        "run_id": "run-1",
        "outlet": "rferl",
        "started_at": "2026-11-30 08:59:00",
        "finished_at": "2026-11-30 09:00:00",
        "duration_s": 60.0,
        "status": "ok",
        "discovered": 4,
        "fetched": 3,
        "empty": 1,
    }
    return [
        article("a/eu-drone-evidence/33000001.html", "EU weighs drone-engine evidence", FLAGGED_LEAD),
        article("a/machine-tools-probe/33000002.html", "Machine-tool exports under scrutiny"),
        seen_record(
            [HOME + "a/photo-gallery/33000005.html"], "rferl", "empty", detail="8 characters extracted"
        ),
        run_record(run, "resolved", "worker-a"),
    ]


def snapshot(db: Path) -> dict[str, list[tuple[object, ...]]]:
    """Everything a write could change (seen URLs without their last_seen stamp)."""
    conn = sqlite3.connect(db)
    try:
        tables = ["articles", "alerts", "stories", "article_versions", "crawl_runs", "article_fingerprints"]
        found = {t: conn.execute(f"SELECT * FROM {t} ORDER BY rowid").fetchall() for t in tables}
        found["seen_urls"] = conn.execute(
            "SELECT url_hash, url, status, detail FROM seen_urls ORDER BY url"
        ).fetchall()
        return found
    finally:
        conn.close()


def post(url: str, body: bytes, headers: dict[str, str]) -> tuple[int, dict[str, Any]]:
    """A raw HTTP request (the real client always sends a good one)."""
    import requests

    answer = requests.post(url, data=body, headers=headers, timeout=10)
    return answer.status_code, answer.json()


def test_a_batch_is_classified_archived_and_alerted_once(hub: IngestServer, tmp_path: Path) -> None:
    outcomes = HubClient(hub.url, TOKEN).send(batch())["outcomes"]
    assert outcomes == ["new", "new", "seen", "run"]
    db = tmp_path / "data" / "newswatch.db"
    archived = rows(db, "SELECT url, flagged, run_id, outlet FROM articles ORDER BY url")
    assert [(r["url"].rsplit("/", 2)[-2], r["flagged"], r["run_id"]) for r in archived] == [
        ("eu-drone-evidence", 1, "run-1"),
        ("machine-tools-probe", 0, "run-1"),
    ]
    alerts = rows(db, "SELECT a.kind, ar.url FROM alerts a JOIN articles ar ON ar.id = a.article_id")
    assert [a["url"] for a in alerts] == [HOME + "a/eu-drone-evidence/33000001.html"]
    assert rows(db, "SELECT status FROM seen_urls WHERE url LIKE '%photo-gallery%'") == [{"status": "empty"}]
    run = rows(db, "SELECT * FROM crawl_runs")
    assert len(run) == 1
    assert (run[0]["new"], run[0]["flagged"], run[0]["fetched"], run[0]["empty"], run[0]["status"]) == (
        2,
        1,
        3,
        1,
        "ok",
    )


def test_the_same_batch_delivered_twice_changes_nothing(hub: IngestServer, tmp_path: Path) -> None:
    client = HubClient(hub.url, TOKEN)
    client.send(batch())
    db = tmp_path / "data" / "newswatch.db"
    before = snapshot(db)
    assert client.send(batch())["outcomes"] == ["duplicate", "duplicate", "seen", "run"]
    assert snapshot(db) == before


def test_which_urls_are_new_is_one_question_per_source(hub: IngestServer) -> None:
    client = HubClient(hub.url, TOKEN)
    client.send(batch())
    known, gallery, unknown = (
        HOME + "a/eu-drone-evidence/33000001.html",
        HOME + "a/photo-gallery/33000005.html",
        HOME + "a/new-one/33000009.html",
    )
    question = {
        "outlet": "rferl",
        "urls": [[known, None, None], [gallery, None, None], [unknown, None, None]],
        "cutoff": None,
        "revisit_since": (NOW - timedelta(days=7)).isoformat(),
    }
    assert client.new(question)["answers"] == [["seen", False], ["seen", False], [None, False]]


@pytest.mark.parametrize(
    ("headers", "status"),
    [({}, 401), ({"Authorization": "Bearer wrong-token"}, 403), ({"Authorization": "Basic " + TOKEN}, 401)],
)
def test_a_missing_or_wrong_token_is_refused_and_nothing_written(
    hub: IngestServer, tmp_path: Path, headers: dict[str, str], status: int
) -> None:
    body = json.dumps({"records": batch()}).encode()
    assert post(hub.url + "/v1/records", body, headers)[0] == status
    with pytest.raises(HubRefused) as refused:
        HubClient(hub.url, "wrong-token").send(batch())
    assert refused.value.status == 403
    assert rows(tmp_path / "data" / "newswatch.db", "SELECT count(*) AS n FROM articles") == [{"n": 0}]


def test_an_oversize_body_is_refused_unread(tmp_path: Path) -> None:
    server = ingest_server(hub_settings(tmp_path, NEWSWATCH_INGEST_MAX_BYTES=2048))
    assert server is not None
    server.start()
    try:
        body = json.dumps({"records": batch()}).encode()
        assert len(body) > 2048
        status, answer = post(server.url + "/v1/records", body, {"Authorization": f"Bearer {TOKEN}"})
        assert status == 413
        assert "over 2048" in answer["error"]
        # a body that claims to be huge is refused before a byte of it is read
        assert server.httpd is not None
        with socket.create_connection(server.httpd.server_address[:2], timeout=10) as raw:
            raw.sendall(
                b"POST /v1/records HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer "
                + TOKEN.encode()
                + b"\r\nContent-Length: 10000000000\r\n\r\n"
            )
            assert raw.recv(100).startswith(b"HTTP/1.1 413")
    finally:
        server.stop()
    assert rows(tmp_path / "data" / "newswatch.db", "SELECT count(*) AS n FROM articles") == [{"n": 0}]


def test_malformed_json_is_refused_with_the_reason_and_nothing_of_the_batch_written(
    hub: IngestServer, tmp_path: Path
) -> None:
    auth = {"Authorization": f"Bearer {TOKEN}"}
    status, answer = post(hub.url + "/v1/records", b'{"records": [{"kind": "article",', auth)
    assert status == 400
    assert answer["error"].startswith("not JSON: ")
    records = batch()
    wrong = dict(records[1], extraction={**records[1]["extraction"], "text": None})  # no text
    status, answer = post(
        hub.url + "/v1/records", json.dumps({"records": [records[0], wrong]}).encode(), auth
    )
    assert (status, answer["error"]) == (
        400,
        "records.1.article.extraction.text: Input should be a valid string",
    )
    forbidden = {"kind": "seen", "outlet": "rferl", "urls": [HOME + "x/1"], "status": "archived"}
    status, answer = post(
        hub.url + "/v1/records", json.dumps({"records": [records[0], forbidden]}).encode(), auth
    )
    assert status == 400 and answer["error"].startswith("records.1.seen.status: Input should be 'empty'")
    stranger = dict(records[0], outlet="not-ours")
    status, answer = post(hub.url + "/v1/records", json.dumps({"records": [stranger]}).encode(), auth)
    assert (status, answer["error"]) == (400, "records.0: unknown outlet 'not-ours'")
    elsewhere = dict(records[0], url="http://elsewhere.test/a/1")  # a worker cannot archive another site
    status, answer = post(hub.url + "/v1/records", json.dumps({"records": [elsewhere]}).encode(), auth)
    assert (status, answer["error"]) == (
        400,
        "records.0: http://elsewhere.test/a/1 is not on outlet 'rferl''s site",
    )
    db = tmp_path / "data" / "newswatch.db"
    assert rows(db, "SELECT count(*) AS n FROM articles") == [{"n": 0}]
    # nothing lost: the same articles, well formed, are taken
    assert HubClient(hub.url, TOKEN).send(records)["outcomes"] == ["new", "new", "seen", "run"]


def test_without_a_token_there_is_no_endpoint(tmp_path: Path) -> None:
    assert ingest_server(hub_settings(tmp_path, NEWSWATCH_INGEST_TOKEN="")) is None


def test_a_length_in_other_digits_is_refused_with_an_answer_not_a_dropped_connection(
    hub: IngestServer,
) -> None:
    assert hub.httpd is not None
    with socket.create_connection(hub.httpd.server_address[:2], timeout=10) as raw:
        raw.sendall(
            b"POST /v1/records HTTP/1.1\r\nHost: hub\r\nAuthorization: Bearer "
            + TOKEN.encode()
            + "\r\nContent-Length: ²\r\n\r\n".encode(
                "latin-1"
            )  # read back as ISO-8859-1: a digit to isdigit()
        )
        assert raw.recv(100).startswith(b"HTTP/1.1 411")
