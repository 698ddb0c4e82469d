"""A process reads and compiles its configuration once: the crawl's check, its classify
pipeline and its spider share one ruleset and one outlets list; an edited file is read again;
an invalid file still stops the crawl before anything is fetched (#24)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fakeweb import FakeWeb
from helpers import ROOT, crawl_env, outlet_table, query, write_outlets
from outlet_sites import RSS_TYPE, Story, pangea_page, paragraphs, rss

from newswatch.archive import Archive
from newswatch.claims import load_cues
from newswatch.outlets import load_outlets
from newswatch.rules import RuleConfigError, load_ruleset
from newswatch.sanctions.model import ListedEntity

RULES = ROOT / "config" / "rules"
CUES = RULES / "claims"

#: `python -m newswatch ARGS`, writing to the JSON file named first what the process did:
#: every configuration file it parsed (``read_toml``, as the outlets, rules and cue loaders
#: call it), the asyncio tasks it started (a task factory on the loop the reactor runs), the
#: collector's threshold at the end and its collections once start-up was frozen
#: (``gc.freeze()``), per generation; and, from the interpreter's audit events, the
#: subprocesses it started and the SQLite files it opened, and the sources it read (inspect).
OBSERVED = """
import asyncio, atexit, gc, json, os, runpy, sys
import newswatch.claims, newswatch.outlets, newswatch.rules.loader
out, parsed, tasks, collected = sys.argv.pop(1), [], [0], [0, 0, 0]
events = {"subprocess.Popen": [], "sqlite3.connect": [], "getsource": []}
def audit(event, args):
    if event in events:
        events[event].append(str(args[0]))
sys.addaudithook(audit)
import inspect
def getsource(source, getsource=inspect.getsource):
    events["getsource"].append(getattr(source, "__qualname__", str(source)))
    return getsource(source)
inspect.getsource = getsource
def counted(read_toml):
    def read(path, *args, **kwargs):
        parsed.append(os.path.realpath(path))
        return read_toml(path, *args, **kwargs)
    return read
for module in (newswatch.claims, newswatch.outlets, newswatch.rules.loader):
    module.read_toml = counted(module.read_toml)
def factory(loop, coro, **kwargs):
    tasks[0] += 1
    return asyncio.Task(coro, loop=loop, **kwargs)
class Policy(asyncio.DefaultEventLoopPolicy):
    def new_event_loop(self):
        loop = super().new_event_loop()
        loop.set_task_factory(factory)
        return loop
asyncio.set_event_loop_policy(Policy())
def collection(phase, info):
    if phase == "stop" and gc.get_freeze_count():
        collected[info["generation"]] += 1
gc.callbacks.append(collection)
def report():
    with open(out, "w") as f:
        json.dump({"parsed": parsed, "tasks": tasks[0], "threshold": gc.get_threshold(), "collections": collected,
                   "events": events}, f)
atexit.register(report)
sys.argv[0] = "newswatch"
runpy.run_module("newswatch", run_name="__main__", alter_sys=True)
"""


def site(web: FakeWeb, tmp_path: Path) -> Path:
    """One outlet, one feed, two fresh articles (one the rules flag); its outlets file."""
    when = datetime.now(UTC).replace(microsecond=0) - timedelta(hours=2)
    stories = [
        Story(
            "/a/1",
            "EU weighs drone-engine evidence",
            [
                "Chinese companies have supplied drone engines to Russia's military, three EU "
                "diplomats said on Tuesday.",
                *paragraphs("the drone engines")[1:],
            ],
            when,
        ),
        Story("/a/2", "Grain exports rise", paragraphs("grain exports"), when),
    ]
    for story in stories:
        web.add(story.path, pangea_page(story, web.url(story.path)))
    web.add("/feed.xml", rss([(s.title, web.url(s.path), when) for s in stories]), content_type=RSS_TYPE)
    table = outlet_table("bench", web.url("/"), feeds=[web.url("/feed.xml")])
    return write_outlets(tmp_path / "outlets.toml", table)


def with_listing(db: Path) -> None:
    """An archive whose official lists name one Chinese organisation (as `entities update`
    leaves it), so the ruleset a crawl compiles has the lists merged in."""
    db.parent.mkdir(parents=True, exist_ok=True)
    archive = Archive(db)
    try:
        entry = ListedEntity("us-sdn", "90001", "Qingdao Example Drone Parts Co., Ltd.", countries=("CN",))
        archive.listings.replace("us-sdn", [entry])
        assert archive.listings.organisations(), "the listing is not an organisation the rules match"
    finally:
        archive.close()


@dataclass
class Observed:
    """A real crawl and what its process did (see OBSERVED)."""

    folder: Path
    outlets: Path
    result: subprocess.CompletedProcess[str]
    parsed: Counter[str]
    tasks: int
    threshold: list[int]
    collections: list[int]
    events: dict[str, list[str]]


@pytest.fixture(scope="module")
def observed(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Observed]:
    """One real `newswatch crawl` in a subprocess, over an archive that holds an official
    list's organisation, watched as OBSERVED says."""
    folder = tmp_path_factory.mktemp("observed")
    web = FakeWeb().start()
    try:
        outlets = site(web, folder)
        with_listing(folder / "data" / "newswatch.db")
        report = folder / "observed.json"
        result = subprocess.run(
            [sys.executable, "-c", OBSERVED, str(report), "crawl", "-s", "RETRY_TIMES=0"],
            cwd=ROOT,
            env=crawl_env(folder, outlets, NEWSWATCH_LOG_LEVEL="WARNING"),  # as the service runs crawls
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
    finally:
        web.stop()
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(report.read_text())
    yield Observed(
        folder,
        outlets,
        result,
        Counter(seen["parsed"]),
        seen["tasks"],
        seen["threshold"],
        seen["collections"],
        seen["events"],
    )


def test_a_crawl_parses_each_rule_cue_and_outlets_file_once(observed: Observed) -> None:
    db = observed.folder / "data" / "newswatch.db"
    assert query(db, "SELECT count(*), sum(flagged) FROM articles") == [(2, 1)]
    files = [
        *sorted(RULES.glob("*.toml")),
        *sorted((RULES / "lang").glob("*.toml")),
        *sorted(CUES.glob("*.toml")),
        *sorted((CUES / "lang").glob("*.toml")),
        observed.outlets,
    ]
    parses = {path.name: observed.parsed[str(path.resolve())] for path in files}
    assert set(parses.values()) == {1}, parses


def test_a_crawl_starts_few_tasks_per_response_and_collects_garbage_rarely(observed: Observed) -> None:
    # robots.txt, the feed and two articles: Scrapy starts CONCURRENT_ITEMS tasks for the
    # output of each (100 by default, 4 here), and the crawl's own machinery some more
    assert observed.tasks < 150, observed.tasks
    # once start-up is frozen, the collector runs every 10,000 allocations, not every 700
    assert observed.threshold[0] >= 10_000
    assert observed.collections[0] < 20, observed.collections


def test_a_crawl_spends_nothing_on_what_it_does_not_log_check_or_need(observed: Observed) -> None:
    # Scrapy's version line (logged at INFO) ran `uname -p`; its check for a `return value`
    # in generator callbacks read the spider's source; the archive was opened four times
    assert observed.events["subprocess.Popen"] == []
    assert observed.events["getsource"] == []
    db = str((observed.folder / "data" / "newswatch.db").resolve())
    opened = [path for path in observed.events["sqlite3.connect"] if path == db]
    assert len(opened) <= 3, opened


def copy_rules(tmp_path: Path) -> Path:
    target = tmp_path / "rules"
    shutil.copytree(RULES, target)
    return target


ARTICLE = "Chinese firms shipped gunpowder to Russia's army, officials said."


def test_an_unchanged_ruleset_is_compiled_once_and_an_edited_one_again(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    first = load_ruleset(rules)
    assert load_ruleset(rules) is first
    before = first.classify("", ARTICLE)
    extra = rules / "extra.toml"  # a new file in the folder: read by the next load
    extra.write_text(
        '[groups.POWDER]\naliases = ["gunpowder"]\n\n[[rules]]\nid = "powder-shipped"\n'
        'description = "gunpowder shipped"\nseverity = "high"\nweight = 2.0\n'
        'query = "POWDER AND (RUSSIA OR RUSSIA_MILITARY)"\n',
        encoding="utf-8",
    )
    second = load_ruleset(rules)
    assert second is not first
    assert "powder-shipped" in second.classify("", ARTICLE).rules
    assert "powder-shipped" not in before.rules
    assert load_ruleset(rules) is second
    # an edited file: its new words count, even at the same size and modification time (a
    # coarse clock, a copy that keeps the times)
    before_edit = extra.stat()
    extra.write_text(
        extra.read_text(encoding="utf-8").replace('"gunpowder"', '"saltpetre"'), encoding="utf-8"
    )
    os.utime(extra, ns=(before_edit.st_atime_ns, before_edit.st_mtime_ns))
    assert extra.stat().st_size == before_edit.st_size
    third = load_ruleset(rules)
    assert third is not second
    assert "powder-shipped" not in third.classify("", ARTICLE).rules
    assert "powder-shipped" in third.classify("", ARTICLE.replace("gunpowder", "saltpetre")).rules
    # other arguments are another ruleset
    assert load_ruleset(rules, max_chars=20_000) is not third
    assert load_ruleset(rules, max_chars=20_000).max_chars == 20_000


def test_an_invalid_rule_file_raises_each_load_even_after_a_good_one(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path)
    load_ruleset(rules)
    broken = rules / "broken.toml"
    broken.write_text('[[rules]]\nid = "x"\nquery = "CHINA AND NOPE_GROUP"\n', encoding="utf-8")
    messages = []
    for _ in range(2):
        with pytest.raises(RuleConfigError) as raised:
            load_ruleset(rules)
        messages.append(str(raised.value))
    assert messages[0] == messages[1]
    assert messages[0].startswith(f"{broken}: rule 'x': ")
    broken.unlink()  # the folder as it was: the ruleset compiled before
    assert load_ruleset(rules).classify("", ARTICLE).rules == load_ruleset(RULES).classify("", ARTICLE).rules


def test_outlets_and_cues_are_read_once_per_process_and_again_when_edited(tmp_path: Path) -> None:
    path = write_outlets(
        tmp_path / "outlets.toml",
        outlet_table("one", "https://one.example/", feeds=["https://one.example/rss"]),
    )
    first = load_outlets(path)
    again = load_outlets(path)
    assert again == first and again is not first  # a dict of its own: a caller may change it
    assert again["one"] is first["one"]
    write_outlets(
        path,
        outlet_table("one", "https://one.example/", feeds=["https://one.example/rss"]),
        outlet_table("two", "https://two.example/", feeds=["https://two.example/rss"]),
    )
    assert list(load_outlets(path)) == ["one", "two"]
    stamp = path.stat()  # the same size and modification time, other bytes: read again
    path.write_text(path.read_text(encoding="utf-8").replace("/rss", "/rdf"), encoding="utf-8")
    os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
    assert load_outlets(path)["two"].feeds == ("https://two.example/rdf",)
    cues_folder = tmp_path / "cues"
    shutil.copytree(CUES, cues_folder)
    cues = load_cues(cues_folder, ["Qingdao Example"])
    assert load_cues(cues_folder, ["Qingdao Example"]) is cues
    assert load_cues(cues_folder, ["Other Example"]) is not cues
    first_file = sorted(cues_folder.glob("*.toml"))[0]
    first_file.write_text(first_file.read_text(encoding="utf-8") + "\n# edited\n", encoding="utf-8")
    edited = load_cues(cues_folder, ["Qingdao Example"])
    assert edited is not cues and edited.fingerprint != cues.fingerprint


def test_an_invalid_rule_file_still_stops_the_crawl_before_anything_is_fetched(
    web: FakeWeb, tmp_path: Path
) -> None:
    outlets = site(web, tmp_path)
    rules = copy_rules(tmp_path)
    broken = rules / "broken.toml"
    broken.write_text('[[rules]]\nid = "x"\nquery = "CHINA AND NOPE_GROUP"\n', encoding="utf-8")
    with pytest.raises(RuleConfigError) as raised:
        load_ruleset(rules)
    with_listing(tmp_path / "data" / "newswatch.db")  # the check reads the lists: still stops
    env = crawl_env(tmp_path, outlets, NEWSWATCH_RULES=str(rules))
    result = subprocess.run(
        [sys.executable, "-m", "newswatch", "crawl"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [f"newswatch: {raised.value}"]
    assert web.log == []
    assert json.dumps(query(tmp_path / "data" / "newswatch.db", "SELECT count(*) FROM crawl_runs")) == "[[0]]"


def test_the_official_lists_are_read_again_only_when_they_changed(tmp_path: Path) -> None:
    db = tmp_path / "data" / "newswatch.db"
    with_listing(db)
    first, again = Archive(db), Archive(db)
    try:
        read = first.listings.organisations()
        assert again.listings.organisations() is read  # unchanged: the same object, not read again
        assert load_ruleset(RULES, listed=read) is load_ruleset(RULES, listed=again.listings.organisations())
        for change in (
            lambda: again.listings.replace(
                "us-sdn",
                [
                    ListedEntity(
                        "us-sdn", "90001", "Qingdao Example Drone Parts Co., Ltd.", countries=("CN",)
                    ),
                    ListedEntity("us-sdn", "90002", "Harbin Example Optics Co., Ltd.", countries=("CN",)),
                ],
            ),
            lambda: again.listings.assign({("us-sdn", "90002"): "org:harbin-optics"}),
            lambda: again.listings.replace("us-sdn", []),  # removed
        ):
            change()  # by another connection, as `entities update` in another process
            now = first.listings.organisations()
            assert now is not read and now == tuple(again.listings._organisations())
            read = now
    finally:
        first.close()
        again.close()


def test_the_forkserver_compiles_the_ruleset_a_crawl_over_official_lists_uses(tmp_path: Path) -> None:
    from scrapy.settings import Settings

    import settings as project
    from newswatch.rules import loader
    from newswatch.service.forkserver import warm

    db = tmp_path / "data" / "newswatch.db"
    with_listing(db)
    rules = str(copy_rules(tmp_path))
    values = Settings()
    values.setmodule(project, priority="project")
    values.update({"NEWSWATCH_DB": str(db), "NEWSWATCH_RULES": rules}, priority="cmdline")
    warm(values)  # before each fork
    compiled = dict(loader._rulesets)
    archive = Archive(db)  # what the forked crawl then does (newswatch crawl, the classify pipeline)
    try:
        listed = archive.listings.organisations()
    finally:
        archive.close()
    assert listed, "the listing is an organisation the rules match"
    matcher = load_ruleset(rules, values.getint("NEWSWATCH_MAX_MATCH_CHARS"), listed=listed)
    assert matcher in compiled.values() and loader._rulesets.keys() == compiled.keys()  # found, not compiled
    assert (
        load_ruleset(rules, values.getint("NEWSWATCH_MAX_MATCH_CHARS")) is not matcher
    )  # the lists are in it
