"""Shared fixtures: a loopback web for outlets, the outlet sites, one shared crawl, a loopback
Slack, and where screenshots go. Plain helpers live in helpers.py."""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakeslack import FakeSlack
from fakeweb import FakeWeb
from helpers import crawl
from outlet_sites import Sites, build_sites


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--screenshots",
        metavar="DIR",
        type=Path,
        default=None,
        help="keep the headless-browser screenshots of pages and emails in DIR (default: a temporary directory)",
    )


@pytest.fixture
def shots(request: pytest.FixtureRequest, tmp_path: Path) -> Path:
    """Where a test writes a screenshot to look at: ``--screenshots DIR``, else its own temporary
    directory, so a test run never writes into the repository."""
    chosen: Path | None = request.config.getoption("--screenshots")
    target = chosen if chosen is not None else tmp_path / "screenshots"
    target.mkdir(parents=True, exist_ok=True)
    return target


@pytest.fixture
def web() -> Iterator[FakeWeb]:
    server = FakeWeb().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def crawled(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Path, Sites, str, str]]:
    """One crawl of the test sites, shared by the tests that only read its archive:
    (archive path, sites, stdout, stderr)."""
    tmp_path = tmp_path_factory.mktemp("crawl")
    web = FakeWeb().start()
    try:
        sites = build_sites(web)
        stdout, stderr = crawl(tmp_path, sites)
        yield tmp_path / "data" / "newswatch.db", sites, stdout, stderr
    finally:
        web.stop()


@pytest.fixture
def archive_copy(crawled: tuple[Path, Sites, str, str], tmp_path: Path) -> tuple[Path, Sites]:
    """A private copy of the archive the real crawl built (flagged articles, pending alerts)."""
    db, sites, _, _ = crawled
    target = tmp_path / "data" / "newswatch.db"
    target.parent.mkdir(parents=True)
    source, copy = sqlite3.connect(db), sqlite3.connect(target)
    source.backup(copy)
    source.close()
    copy.close()
    return target, sites


@pytest.fixture
def slack() -> Iterator[FakeSlack]:
    """A loopback Slack Web API."""
    server = FakeSlack().start()
    yield server
    server.stop()
