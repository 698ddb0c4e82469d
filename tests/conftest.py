"""Shared fixtures: a loopback web for outlets, the outlet sites, and a crawl runner."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from fakeweb import FakeWeb

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
NEWSWATCH = [sys.executable, "-m", "cli"]


@pytest.fixture
def web() -> Iterator[FakeWeb]:
    server = FakeWeb().start()
    yield server
    server.stop()


def crawl_env(tmp_path: Path, outlets: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSWATCH_")}
    env.update(
        NEWSWATCH_OUTLETS=str(outlets),
        NEWSWATCH_DB=str(tmp_path / "data" / "newswatch.db"),
        NEWSWATCH_DOWNLOAD_DELAY="0",
        NEWSWATCH_DOWNLOAD_TIMEOUT="2",
        NEWSWATCH_LOG_LEVEL="INFO",
        **extra,
    )
    return env


def run_newswatch(
    args: list[str], env: dict[str, str], timeout: float = 120, cwd: Path | None = None
) -> subprocess.CompletedProcess[str]:
    """Run the real command line in a subprocess, as the scheduler will."""
    return subprocess.run(
        [*NEWSWATCH, *args],
        env=env,
        cwd=cwd or ROOT,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
