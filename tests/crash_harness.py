"""Crash trials: kill -9 the crawl, the dispatcher or the whole service at a random moment,
restart, and check that nothing was lost and nothing sent twice beyond the documented bound.

Used by tests/test_crash_recovery.py (a few trials) and bench/crash.py (many).

Every trial has its own loopback world: ``outlets`` outlets with ``per_outlet`` articles
each, every other one flagged, all distinct events (numbered headlines, so no two are one
story), a loopback Slack, and a fresh archive. The invariants after recovery:

* every served article is archived exactly once;
* every flagged article has exactly one alert, and it is ``sent``;
* Slack received one post per alert, plus at most one duplicate per kill of a process that
  delivers (dispatcher or service);
* ``PRAGMA integrity_check`` is ``ok``.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fakeslack import FakeSlack
from fakeweb import FakeWeb
from outlet_sites import Story, pangea_page, paragraphs, rss

ROOT = Path(__file__).resolve().parents[1]
KINDS = ("crawl", "dispatch", "service")


@dataclass
class Trial:
    kind: str  # what was killed: crawl, dispatch, service
    kill_after: float  # seconds after start
    killed: bool = False  # False: the process had finished before the kill
    archived_at_kill: int = 0  # progress when killed: articles archived, posts made
    posts_at_kill: int = 0
    articles: int = 0
    archived: int = 0
    flagged: int = 0
    alerts_sent: int = 0
    posts: int = 0
    duplicates: int = 0
    integrity: str = ""
    problems: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def ok(self) -> bool:
        return not self.problems


class World:
    """Loopback outlets and Slack, an outlets file and an environment for the real commands."""

    def __init__(self, outlets: int = 3, per_outlet: int = 6, slack_interval: float = 0.15):
        self.web, self.slack = FakeWeb().start(), FakeSlack().start()
        self.work = Path(tempfile.mkdtemp(prefix="newswatch-crash-"))
        self.db = self.work / "data" / "newswatch.db"
        self.urls: dict[str, bool] = {}  # article URL → flagged
        now = datetime.now(UTC).replace(microsecond=0)
        toml = []
        number = 0
        for o in range(outlets):
            key = f"outlet{o}"
            items = []
            for a in range(per_outlet):
                number += 1
                flagged = a % 2 == 0
                topic = f"shipment {number}"
                lead = (
                    f"Chinese companies shipped {number * 10} drone engines to Russia's military in batch {number}, "
                    "investigators said."
                    if flagged
                    else f"City officials opened hall number {number} of the new library, the mayor said."
                )
                story = Story(
                    f"/{key}/a/{number}.html",
                    f"Report {number}: {'drone engines' if flagged else 'library hall'} {number}",
                    [lead, *paragraphs(topic)[1:]],
                    now - timedelta(minutes=10 + number),
                )
                url = self.web.add(story.path, pangea_page(story, self.web.url(story.path)))
                self.urls[url] = flagged
                items.append((story.title, url, story.published))
            self.web.add(f"/{key}/feed.xml", rss(items), content_type="application/rss+xml")
            toml.append(
                f'[outlets.{key}]\nname = "Outlet {o}"\nhomepage = "{self.web.url(f"/{key}/")}"\n'
                f'feeds = ["{self.web.url(f"/{key}/feed.xml")}"]\ninterval = "5s"\n'
            )
        (self.work / "outlets.toml").write_text("\n".join(toml), encoding="utf-8")
        self.env = {k: v for k, v in os.environ.items() if not k.startswith(("NEWSWATCH_", "SLACK_"))}
        self.env.update(
            NEWSWATCH_OUTLETS=str(self.work / "outlets.toml"),
            NEWSWATCH_DB=str(self.db),
            NEWSWATCH_DOWNLOAD_DELAY="0",
            NEWSWATCH_HTTPCACHE="0",
            NEWSWATCH_LOG_LEVEL="WARNING",
            SLACK_BOT_TOKEN="xoxb-crash",
            NEWSWATCH_SLACK_API_URL=self.slack.api_url,
            NEWSWATCH_SLACK_CHANNEL="#crash",
            NEWSWATCH_SLACK_MIN_INTERVAL=str(slack_interval),
            NEWSWATCH_DIGEST_AT="03:00",
        )

    def close(self) -> None:
        self.web.stop()
        self.slack.stop()

    def start(self, *args: str) -> subprocess.Popen[bytes]:
        return subprocess.Popen(
            [sys.executable, "-m", "newswatch", *args],
            cwd=ROOT,
            env=self.env,
            stdout=subprocess.DEVNULL,
            stderr=(self.work / f"{args[0]}.log").open("ab"),
            start_new_session=True,
        )

    def command(self, *args: str, **popen: object) -> subprocess.CompletedProcess[str]:
        """The real command, run to its end, with its output captured."""
        return subprocess.run(
            [sys.executable, "-m", "newswatch", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
            **popen,  # type: ignore[call-overload]
        )

    def run(self, *args: str, timeout: float = 180) -> int:
        process = self.start(*args)
        return process.wait(timeout=timeout)

    def count(self, table: str) -> int:
        if not self.db.exists():
            return 0
        conn = sqlite3.connect(self.db)
        try:
            return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])
        except sqlite3.OperationalError:  # killed before the schema was made
            return 0
        finally:
            conn.close()

    def check(self, trial: Trial, kills_that_deliver: int) -> None:
        conn = sqlite3.connect(self.db)
        try:
            trial.integrity = conn.execute("PRAGMA integrity_check").fetchone()[0]
            archived = Counter(url for (url,) in conn.execute("SELECT url FROM articles"))
            alerts = conn.execute(
                "SELECT a.url, al.kind, al.status FROM alerts al JOIN articles a ON a.id = al.article_id"
            ).fetchall()
        finally:
            conn.close()
        trial.articles = len(self.urls)
        trial.archived = sum(archived.values())
        trial.flagged = sum(self.urls.values())
        trial.alerts_sent = sum(status == "sent" for _, _, status in alerts)
        posted = Counter()
        for call in self.slack.delivered():
            text = call.payload["blocks"][0]["text"]["text"]
            posted.update(url for url in self.urls if f"<{url}|" in text)
        trial.posts = sum(posted.values())
        trial.duplicates = sum(n - 1 for n in posted.values() if n > 1)
        if trial.integrity != "ok":
            trial.problems.append(f"integrity_check: {trial.integrity}")
        missing = [u for u in self.urls if archived[u] != 1]
        if missing:
            trial.problems.append(f"{len(missing)} articles not archived exactly once, e.g. {missing[0]}")
        alerted = Counter(url for url, _, _ in alerts)
        wrong = [u for u, flagged in self.urls.items() if alerted[u] != int(flagged)]
        if wrong:
            trial.problems.append(
                f"{len(wrong)} articles without exactly one alert (flagged) / none, e.g. {wrong[0]}"
            )
        unsent = [(u, s) for u, _, s in alerts if s != "sent"]
        if unsent:
            trial.problems.append(f"{len(unsent)} alerts not sent, e.g. {unsent[0]}")
        never = [u for u, flagged in self.urls.items() if flagged and posted[u] == 0]
        if never:
            trial.problems.append(f"{len(never)} flagged articles never posted, e.g. {never[0]}")
        if trial.duplicates > kills_that_deliver:
            trial.problems.append(f"{trial.duplicates} duplicate posts for {kills_that_deliver} kill(s)")


def kill_tree(process: subprocess.Popen[bytes]) -> None:
    """kill -9 the process, its process group and every child it started in a session of its
    own (the service starts crawls that way): a power cut, as far as the archive can tell."""
    children = subprocess.run(
        ["ps", "-o", "pid=", "--ppid", str(process.pid)], capture_output=True, text=True, check=False
    ).stdout.split()
    for pid in [process.pid, *map(int, children)]:
        try:
            os.killpg(pid, signal.SIGKILL)
        except (ProcessLookupError, PermissionError):
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
    process.wait()


def run_trial(kind: str, rng: random.Random, outlets: int = 3, per_outlet: int = 8) -> Trial:
    """One kill in the middle of ``kind``'s work, then recovery and the checks.

    The moment is chosen by progress, not by the clock: the crawl dies once a random number
    of articles is archived; the dispatcher once Slack has confirmed a random number of posts
    (so it is often killed between Slack's answer and marking the alert sent, the one place
    a duplicate can come from); the service at one of the two, at random."""
    world = World(outlets, per_outlet)
    started = time.monotonic()
    articles, flagged = len(world.urls), sum(world.urls.values())
    try:
        if kind == "dispatch":
            assert world.run("crawl") == 0
        watch = kind if kind != "service" else rng.choice(["crawl", "dispatch"])
        target = rng.randint(1, articles - 1) if watch == "crawl" else rng.randint(0, flagged - 1)
        trial = Trial(kind, 0.0)
        process = world.start({"crawl": "crawl", "dispatch": "dispatch", "service": "run"}[kind])
        deliverers = 0 if kind == "crawl" else 1
        begun = time.monotonic()
        while process.poll() is None and time.monotonic() - begun < 120:
            reached = (
                world.count("articles") >= target
                if watch == "crawl"
                else len(world.slack.delivered()) >= target
            )
            if reached:
                time.sleep(rng.uniform(0, 0.05))  # now and then inside the next write
                break
            time.sleep(0.01)
        trial.kill_after = round(time.monotonic() - begun, 2)
        if process.poll() is None:
            kill_tree(process)
            trial.killed = True
            trial.posts_at_kill = len(world.slack.delivered())
            trial.archived_at_kill = world.count("articles")
        # recovery: the service runs every job once (crawls, then delivery)
        if world.run("run", "--once") != 0:
            trial.problems.append("recovery run failed: " + (world.work / "run.log").read_text()[-500:])
        world.check(trial, deliverers if trial.killed else 0)
    finally:
        world.close()
        trial.seconds = round(time.monotonic() - started, 1)
    return trial
