"""What the tests share: paths, the real command line, archive reads, the loopback Datasette,
headless screenshots. Fixtures live in conftest.py; this module is imported by name."""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from types import ModuleType

from outlet_sites import Sites
from scrapy.crawler import Crawler

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
NEWSWATCH = [sys.executable, "-m", "newswatch"]


def load_bench(name: str) -> ModuleType:
    """A benchmark script (``bench/NAME.py``) as a module, for the corpus gates."""
    spec = importlib.util.spec_from_file_location(f"bench_{name}", ROOT / "bench" / f"{name}.py")
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up while it loads
    spec.loader.exec_module(module)
    return module


def outlet_table(key: str, homepage: str, name: str | None = None, **fields: object) -> str:
    """One ``[outlets.KEY]`` table of an outlets file. Values are strings, lists of strings, numbers
    or booleans, written as TOML (a JSON scalar or array is the same TOML value)."""
    lines = [f"[outlets.{key}]", f"name = {json.dumps(name or key, ensure_ascii=False)}"]
    lines.append(f"homepage = {json.dumps(homepage, ensure_ascii=False)}")
    lines.extend(f"{field} = {json.dumps(value, ensure_ascii=False)}" for field, value in fields.items())
    return "\n".join(lines) + "\n"


def write_outlets(path: Path, *tables: str) -> Path:
    """An outlets file made of ``outlet_table`` tables; returns its path."""
    path.write_text("\n".join(tables), encoding="utf-8")
    return path


@contextlib.contextmanager
def news_crawler(settings: dict[str, object], **spider_args: str) -> Iterator[Crawler]:
    """A crawler as ``scrapy crawl news`` builds one (the project's settings under ``settings``,
    its extensions, the news spider), not started: a test builds a component from it with
    ``build_from_crawler`` and calls it. The crawl's archive is closed afterwards."""
    from scrapy.utils.test import get_crawler

    import settings as project
    from spiders.news import NewsSpider
    from spiders.runs import CrawlRunRecorder

    names = {name: getattr(project, name) for name in dir(project) if name.isupper()}
    crawler = get_crawler(NewsSpider, {**names, **settings})
    try:
        crawler.spider = NewsSpider.from_crawler(crawler, **spider_args)
        yield crawler
    finally:
        recorder = crawler.get_extension(CrawlRunRecorder)
        if recorder is not None:
            recorder.archive.close()


def crawl_env(tmp_path: Path, outlets: Path, **extra: str) -> dict[str, str]:
    # the developer's own settings and Slack tokens never reach a test's process
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSWATCH_", "SLACK_"))}
    env.update(
        NEWSWATCH_OUTLETS=str(outlets),
        NEWSWATCH_DB=str(tmp_path / "data" / "newswatch.db"),
        NEWSWATCH_DOWNLOAD_DELAY="0",
        NEWSWATCH_DOWNLOAD_TIMEOUT="2",
        NEWSWATCH_LOG_LEVEL="INFO",
    )
    env.update(extra)
    return env


@contextlib.contextmanager
def datasette_server(env: dict[str, str], ready_within: float = 60) -> Iterator[str]:
    """The real `newswatch serve` on a free loopback port; yields its base URL once it
    answers, and stops it afterwards."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [*NEWSWATCH, "serve", "--port", str(port)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + ready_within
        while True:
            try:
                with urllib.request.urlopen(base + "/-/static/app.css", timeout=5) as answer:
                    if answer.status == 200:
                        break
            except OSError:
                pass
            assert server.poll() is None and time.monotonic() < deadline, "Datasette did not start"
            time.sleep(0.1)
        yield base
    finally:
        server.terminate()
        server.wait(timeout=20)


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


def crawl(tmp_path: Path, sites: Sites, *args: str) -> tuple[str, str]:
    """The real `newswatch crawl` over the test sites into ``tmp_path/data``."""
    outlets = tmp_path / "outlets.toml"
    outlets.write_text(sites.outlets_toml, encoding="utf-8")
    result = run_newswatch(
        ["crawl", "-s", "RETRY_TIMES=1", "-s", "DOWNLOAD_MAXSIZE=200000", *args], crawl_env(tmp_path, outlets)
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return result.stdout, result.stderr


def query(db: Path, sql: str) -> list[tuple[object, ...]]:
    conn = sqlite3.connect(db)
    try:
        return conn.execute(sql).fetchall()
    finally:
        conn.close()


def rows(db: Path, sql: str, *params: object) -> list[dict[str, object]]:
    conn = sqlite3.connect(db)
    conn.row_factory = sqlite3.Row
    try:
        return [dict(r) for r in conn.execute(sql, params)]
    finally:
        conn.close()


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")


def screenshot(url: str, shot: Path, profile: Path, size: str = "1280,900") -> None:
    """Headless Chromium renders ``url`` to ``shot`` (a PNG to look at)."""
    assert CHROMIUM is not None
    shot.parent.mkdir(parents=True, exist_ok=True)
    subprocess.run(
        [
            CHROMIUM,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            f"--user-data-dir={profile}",
            "--hide-scrollbars",
            f"--window-size={size}",
            f"--screenshot={shot}",
            url,
        ],
        check=True,
        capture_output=True,
        timeout=60,
    )


def wait_for(condition: Callable[[], object], seconds: float, every: float = 0.1) -> bool:
    """Poll ``condition`` until it holds or ``seconds`` pass (a condition, never a fixed sleep)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(every)
    return bool(condition())
