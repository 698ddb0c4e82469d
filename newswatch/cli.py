"""The ``newswatch`` command line.

    newswatch crawl [--outlet KEY]... [--since DATE] [-s NAME=VALUE]...
    newswatch extract FILE.html [--url URL] | newswatch extract --jsonl IN
    newswatch outlets

Exit codes: 0 done, 1 the run failed (archive unwritable, crawl crashed), 2 bad usage or
configuration (one line on stderr naming file, entry and problem).
"""

from __future__ import annotations

import gc
import json
import os
import sqlite3
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

import click

from newswatch.sanctions.lists import ENTITY_LISTS

os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "settings")


def _settings(overrides: Sequence[str] = (), *, for_crawl: bool = False) -> Any:
    """The project's settings: Scrapy's own object for a crawl; for every other command the
    same values read without importing Scrapy (``newswatch.config.project``: about 0.3 s
    less start-up per command)."""
    from newswatch.errors import SettingError

    settings: Any
    try:
        if for_crawl:
            from scrapy.utils.project import get_project_settings

            settings = get_project_settings()  # imports settings.py, which checks the environment
            # Scrapy's remote control is off (settings.py); out of the components too, so that
            # its module and aiohttp (0.2 s of start-up) are not imported to find that out (so
            # `-s REMOTE_CONTROL_ENABLED=True` cannot turn it on for a crawl either)
            base = settings.getdict("EXTENSIONS_BASE")
            if base.pop("scrapy.extensions.remote_control.RemoteControl", None) is not None:
                settings.set("EXTENSIONS_BASE", base, priority="default")
        else:
            from newswatch.config.project import ProjectSettings

            settings = ProjectSettings.load()
        for item in overrides:
            name, sep, value = item.partition("=")
            if not sep or not name.strip():
                raise click.UsageError(f"-s expects NAME=VALUE, got {item!r}")
            settings.set(name.strip(), value, priority="cmdline")
        if overrides:
            from settings import check

            check(settings)
    except SettingError as exc:  # an invalid setting (raised when settings.py is imported, or by check)
        _fail(str(exc))
    return settings


def _fail(message: str, code: int = 2) -> NoReturn:
    click.echo(f"newswatch: {message}", err=True)
    sys.exit(code)


#: The largest id an archive row can have (SQLite's INTEGER).
MAX_ID = 2**63 - 1


def _in_range(option: str, value: int | None, high: int, low: int = 1) -> None:
    """Exit 2 with one line when a number given on the command line is out of range (a
    number past SQLite's integers would otherwise end in a traceback)."""
    if value is not None and not low <= value <= high:
        _fail(f"{option} {value}: use {low} to {high}")


def _archive(settings: Any, existing: bool = False) -> Any:
    """The archive named by the settings; exit 2 with one line when it cannot be opened.
    ``existing``: a command that only reads it says it does not exist instead of creating it."""
    from newswatch.archive import Archive, ArchiveError
    from newswatch.archive.connection import require_archive

    try:
        if existing:
            require_archive(settings.get("NEWSWATCH_DB"))
        return Archive(settings.get("NEWSWATCH_DB"), settings.getint("NEWSWATCH_BUSY_TIMEOUT_MS"))
    except ArchiveError as exc:
        _fail(str(exc))


def _listed(settings: Any) -> Sequence[Any]:
    """The official lists' organisations in the archive (``newswatch entities update``), to
    match as entities; none when there is no archive yet."""
    if not Path(settings.get("NEWSWATCH_DB")).exists():
        return ()
    archive = _archive(settings)
    try:
        return archive.listings.organisations()
    finally:
        archive.close()


def render_table(headers: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """A plain fixed-width table; numbers right-aligned."""
    cells = [[("" if v is None else str(v)) for v in row] for row in rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(headers)]
    numeric = [
        all(isinstance(row[i], (int, float)) or row[i] is None for row in rows) and rows
        for i in range(len(headers))
    ]

    def line(values: Sequence[str]) -> str:
        return "  ".join(
            v.rjust(w) if numeric[i] else v.ljust(w)
            for i, (v, w) in enumerate(zip(values, widths, strict=True))
        ).rstrip()

    out = [line(list(headers)), line(["-" * w for w in widths])]
    out.extend(line(row) for row in cells)
    return "\n".join(out)


class NewswatchGroup(click.Group):
    """The command group: a read that fails on a damaged or vanished archive ends in one line
    (writes already say so through ArchiveError), never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except sqlite3.Error as exc:
            from newswatch.archive import storage_hint

            db = Path(_settings().get("NEWSWATCH_DB"))
            _fail(f"archive {db}: read failed: {exc}{storage_hint(exc, db)}")


@click.group(cls=NewswatchGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newswatch")
def main() -> None:
    """Monitor news outlets for China's military and dual-use support for Russia's war."""


# --- crawl -----------------------------------------------------------------------------------


def _summary_columns() -> tuple[str, ...]:
    """Counters shown in the crawl summary (``source_errors`` is folded into ``errors``)."""
    from newswatch.archive import RUN_COUNTERS

    return tuple(c for c in RUN_COUNTERS if c != "source_errors")


@main.command()
@click.option(
    "--outlet",
    "outlet_keys",
    multiple=True,
    metavar="KEY",
    help="Crawl only this outlet (repeatable; default: every enabled outlet).",
)
@click.option(
    "--since",
    metavar="DATE",
    help="Backfill: fetch items newer than DATE (2026-01-31, ISO datetime, or 7d/36h) "
    "instead of the freshness window.",
)
@click.option(
    "-s",
    "--set",
    "overrides",
    multiple=True,
    metavar="NAME=VALUE",
    help="Set a Scrapy or newswatch setting for this run (as scrapy crawl -s).",
)
@click.option(
    "-v", "--verbose", count=True, help="Show Scrapy's log: -v info (start-up included), -vv debug."
)
def crawl(outlet_keys: tuple[str, ...], since: str | None, overrides: tuple[str, ...], verbose: int) -> None:
    """One pass over the chosen outlets, then a per-outlet summary table.

    Quiet by default: warnings and errors only, a progress line per outlet on a terminal.
    Exit 0 done (an outlet that failed says so in its status and on stderr), 1 the run
    failed: every outlet's crawl failed (no source could be read) or the run was cut short,
    2 bad usage or configuration."""
    # first, before Scrapy is imported: a bad setting, outlets file or rule file stops it at once
    checked = _settings(overrides)
    from newswatch.clock import parse_since, utcnow
    from newswatch.outlets import OutletConfigError, load_outlets, select
    from newswatch.rules import RuleConfigError, load_ruleset

    try:
        chosen = select(load_outlets(checked.get("NEWSWATCH_OUTLETS")), list(outlet_keys))
        # compiled as the classify pipeline compiles it, the archive's official lists merged
        # in, so the pipeline reuses it (an archive that cannot be read says so further on)
        listed: Sequence[Any] = ()
        opened = False  # the archive was opened (and so migrated) here
        if Path(checked.get("NEWSWATCH_DB")).exists():
            from newswatch.archive import Archive, ArchiveError

            try:
                archive = Archive(checked.get("NEWSWATCH_DB"), checked.getint("NEWSWATCH_BUSY_TIMEOUT_MS"))
            except ArchiveError:
                pass  # said once the configuration is checked, as before
            else:
                try:
                    listed = archive.listings.organisations()
                    opened = True
                finally:
                    archive.close()
        load_ruleset(
            checked.get("NEWSWATCH_RULES"), checked.getint("NEWSWATCH_MAX_MATCH_CHARS"), listed=listed
        )
        if since:
            parse_since(since, utcnow())
    except (OutletConfigError, RuleConfigError, ValueError) as exc:
        _fail(str(exc))
    if not chosen:
        outlets = checked.get("NEWSWATCH_OUTLETS")
        _fail(f"{outlets}: no enabled outlet to crawl (every one has enabled = false)")
    settings = _settings(overrides, for_crawl=True)  # Scrapy's own object, for the crawl

    from scrapy.crawler import CrawlerProcess

    from newswatch.service.launcher import failed_dns
    from spiders.logs import crawl_log_level
    from spiders.news import new_run_id
    from spiders.runs import run_network

    chosen_level = "NEWSWATCH_LOG_LEVEL" in os.environ or any(
        o.partition("=")[0].strip() in {"LOG_LEVEL", "NEWSWATCH_LOG_LEVEL"} for o in overrides
    )
    level = crawl_log_level(verbose, chosen_level)
    if level:
        settings.set("LOG_LEVEL", level, priority="cmdline")
    import logging

    chosen_number = logging.getLevelName(str(settings.get("LOG_LEVEL")).upper())  # a number for a name
    if isinstance(chosen_number, int) and chosen_number > logging.INFO:
        # Scrapy works out the versions it logs at INFO even when nothing is logged at INFO:
        # package metadata and a `uname -p` subprocess, 10-15 ms of every quiet crawl (#24)
        settings.set("LOG_VERSIONS", [], priority="cmdline")
    if sys.stdout.isatty():  # a progress line per outlet
        extensions = {**settings.getdict("EXTENSIONS"), "spiders.logs.CrawlProgress": 900}
        settings.set("EXTENSIONS", extensions, priority="cmdline")
    db_path = settings.get("NEWSWATCH_DB")
    if not opened:
        _archive(settings).close()  # created and migrated before the crawl, or a clear error
    run_id = settings.get("NEWSWATCH_RUN_ID") or new_run_id(utcnow())  # the service names its runs
    process = CrawlerProcess(settings)
    crawler = process.create_crawler("news")
    process.crawl(crawler, outlets=",".join(o.key for o in chosen), since=since, run_id=run_id)
    gc.freeze()  # modules, rules and settings live as long as the crawl: the collector skips them
    # each page allocates thousands of short-lived objects that reference counting frees:
    # collecting every 700 allocations cost 3-4 % of a crawl's CPU, every 10,000 0.5 % (#24)
    gc.set_threshold(10_000, 10, 10)
    process.start()
    reason = crawler.stats.get_value("finish_reason") if crawler.stats else None  # or "interrupted"
    archive = _archive(settings)
    try:
        runs = archive.runs.of_run(run_id)
        networks = {r["outlet"]: run_network(archive, run_id, r["outlet"]) for r in runs}
    finally:
        archive.close()
    if runs:
        columns = _summary_columns()
        rows = [[r["outlet"], r["status"], *(r[c] for c in columns), r["duration_s"]] for r in runs]
        totals = [sum(r[c] for r in runs) for c in columns]
        rows.append(["TOTAL", "", *totals, None])
        headers = ["outlet", "status", *(c.replace("skipped_", "") for c in columns), "secs"]
        click.echo(render_table(headers, rows))
    click.echo(f"run {run_id}: {reason or 'did not start'}; archive {db_path}")
    failed = [r for r in runs if r["status"] == "failed"]
    for r in failed:
        why = r["first_error"] or "no source could be read"
        click.echo(f"newswatch: {r['outlet']} failed: {why}", err=True)
    if runs and all(failed_dns(r, networks[r["outlet"]]) for r in runs):  # from every outcome
        click.echo("newswatch: no network: every outlet failed DNS", err=True)
    if reason != "finished" or not runs or len(failed) == len(runs):
        sys.exit(1)


# --- extract ---------------------------------------------------------------------------------


#: A saved page or text read from disk is a regular file of at most this many bytes.
MAX_INPUT_BYTES = 50 * 1024 * 1024


def _read_input(path: Path, what: str) -> bytes:
    """A page or text file's bytes; ValueError naming it for a FIFO, a device, a folder or a
    file over MAX_INPUT_BYTES (nothing blocks, nothing endless is read)."""
    from newswatch.outlets import read_config_file

    return read_config_file(path, what, ValueError, limit=MAX_INPUT_BYTES)


def _read_html(path: Path) -> str:
    """A saved page as text: UTF-8 when the bytes are valid UTF-8 (a stale <meta charset>
    in a re-saved page is common), else the page's own declaration or a detected encoding."""
    from w3lib.encoding import html_to_unicode

    data = _read_input(path, "page")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return html_to_unicode(None, data)[1]


def _extraction_json(extraction: Any) -> dict[str, Any]:
    return {
        "title": extraction.title,
        "text": extraction.text,
        "published": extraction.published.isoformat() if extraction.published else None,
        "published_source": extraction.published_source,
        "authors": list(extraction.authors),
        "language": extraction.language,
        "description": extraction.description,
        "canonical_url": extraction.canonical_url,
    }


@main.command()
@click.argument("file", required=False, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--url", help="The page's URL (resolves relative links, helps metadata).")
@click.option(
    "--jsonl",
    "jsonl",
    type=click.File("r", encoding="utf-8", errors="replace"),
    help='Batch: lines {"id","url","path"} in, one JSON line per input out.',
)
@click.option("--timings", is_flag=True, help="With --jsonl: add milliseconds per page ('ms').")
def extract(file: Path | None, url: str | None, jsonl: Any, timings: bool) -> None:
    """Print the extraction of an HTML page as JSON."""
    from dataclasses import replace

    from newswatch.extraction import extract as run_extract
    from newswatch.extraction.authors import publisher_names, without_publishers
    from newswatch.outlets import OutletConfigError, load_outlets, outlet_for_url

    if (file is None) == (jsonl is None):
        raise click.UsageError("give either FILE.html or --jsonl IN")
    try:
        outlets = load_outlets(_settings().get("NEWSWATCH_OUTLETS"))
    except OutletConfigError as exc:  # overrides are optional here: warn, then go on without
        click.echo(f"newswatch: {exc}; extracting without outlet overrides", err=True)
        outlets = {}

    def extract_page(html: str, page_url: str | None) -> Any:
        outlet = outlet_for_url(outlets, page_url)  # its overrides, chosen by the URL's host
        extraction = run_extract(
            html,
            page_url,
            body_selector=outlet.body_selector if outlet else None,
            drop_selectors=outlet.drop_selectors if outlet else (),
        )
        if outlet is None or not extraction.authors:
            return extraction
        publishers = publisher_names(outlet.name, outlet.key, outlet.domains)  # as the crawl does
        return replace(extraction, authors=without_publishers(extraction.authors, publishers))

    if file is not None:
        try:
            html = _read_html(file)
        except ValueError as exc:
            _fail(str(exc))
        result = _extraction_json(extract_page(html, url))
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    base = Path(jsonl.name).parent if jsonl.name not in ("<stdin>", "-") else Path.cwd()
    for lineno, line in enumerate(jsonl, start=1):
        if not line.strip():
            continue
        task: Any = None  # this line's task: an error is never reported under another line's id
        try:
            task = json.loads(line)
            if not isinstance(task, dict):
                raise ValueError(f'expected an object {{"id","url","path"}}, got {type(task).__name__}')
            path = Path(task["path"])
            if not path.is_absolute() and not path.exists():
                path = base / path
            started = time.perf_counter()
            extraction = extract_page(_read_html(path), task.get("url"))
            elapsed = (time.perf_counter() - started) * 1000
            out = {"id": task.get("id"), **_extraction_json(extraction)}
            if timings:
                out["ms"] = round(elapsed, 2)
        except (ValueError, KeyError, OSError, TypeError) as exc:
            out = {
                "id": task.get("id") if isinstance(task, dict) else None,
                "error": f"line {lineno}: {_task_problem(exc)}",
            }
        click.echo(json.dumps(out, ensure_ascii=False))


def _task_problem(exc: Exception) -> str:
    """What is wrong with one line of a batch, for a person."""
    if isinstance(exc, json.JSONDecodeError):
        return f"not a JSON line ({exc.msg} at column {exc.colno})"
    if isinstance(exc, KeyError):
        return f"no {exc} key"
    return f"{type(exc).__name__}: {exc}"


# --- classify and rules ----------------------------------------------------------------------


def _ruleset(path: str | None = None) -> Any:
    from newswatch.rules import RuleConfigError, load_ruleset

    settings = _settings()
    try:
        rules_path = path or settings.get("NEWSWATCH_RULES")
        return load_ruleset(
            rules_path, settings.getint("NEWSWATCH_MAX_MATCH_CHARS"), listed=_listed(settings)
        )
    except RuleConfigError as exc:
        _fail(str(exc))


@main.command()
@click.option(
    "--jsonl",
    "jsonl",
    type=click.File("r", encoding="utf-8"),
    required=True,
    help='Lines {"id","title","text",...} in; one {"id","flagged","review","score","severity","rules",'
    '"evidence","claim"} line out per input, in order.',
)
@click.option("--rules", "rules_path", metavar="DIR", help="Rules folder or file (default NEWSWATCH_RULES).")
def classify(jsonl: Any, rules_path: str | None) -> None:
    """Classify articles in batch (for evaluation)."""
    from newswatch.claims import ClaimConfigError, ClaimCues, classify_claim, cues_for

    collecting = gc.isenabled()
    gc.disable()  # the ruleset is tens of thousands of objects that live as long as the command:
    try:  # collecting while it is built finds nothing to free (a full collection was 0.06 s)
        matcher = _ruleset(rules_path)
    finally:
        if collecting:
            gc.enable()
    gc.freeze()  # and later collections skip it (#24)
    cues: ClaimCues | None = None  # loaded when the first article is flagged
    for lineno, line in enumerate(jsonl, start=1):
        if not line.strip():
            continue
        item: Any = None  # this line's item: an error is never reported under another line's id
        try:
            item = json.loads(line)
            if not isinstance(item, dict):
                raise ValueError(f'expected an object {{"id","title","text"}}, got {type(item).__name__}')
            language = item.get("language") or item.get("lang")
            verdict = matcher.classify(
                str(item.get("title") or ""), str(item.get("text") or ""), str(language) if language else None
            )
            out = {
                "id": item.get("id"),
                "flagged": verdict.flagged,
                "review": verdict.review,  # no rule flags it, but the review query holds
                "score": verdict.score,
                "severity": verdict.severity,
                "rules": list(verdict.rules),
                "evidence": [e.sentence for e in verdict.evidence],
                "claim": None,  # a flagged article's claim status
            }
            if verdict.flagged:
                if cues is None:
                    try:
                        cues = cues_for(rules_path or _settings().get("NEWSWATCH_RULES"), matcher.gazetteer)
                    except ClaimConfigError as exc:
                        _fail(str(exc))
                    # the cues live as long as the command too: later collections skip them (what
                    # little garbage is left from compiling stays: a full collection first would
                    # cost the very time this saves, and the command ends with its input)
                    gc.freeze()
                assert cues is not None
                claim = classify_claim(
                    cues,
                    str(item.get("title") or ""),
                    str(item.get("text") or ""),
                    str(language) if language else None,
                    [e.sentence for e in verdict.evidence],
                )
                out["claim"] = claim.status
            if verdict.match_note:  # only the start of a very long article was matched
                out["match_note"] = verdict.match_note
        except (ValueError, AttributeError) as exc:
            out = {
                "id": item.get("id") if isinstance(item, dict) else None,
                "error": f"line {lineno}: {_task_problem(exc)}",
            }
        click.echo(json.dumps(out, ensure_ascii=False))


@main.group()
def rules() -> None:
    """Check, explain and backtest the rules (config/rules/*.toml); report on them and find
    words for them from the team's judgements."""


@rules.command("check")
@click.option("--rules", "rules_path", metavar="DIR", help="Rules folder or file (default NEWSWATCH_RULES).")
def rules_check(rules_path: str | None) -> None:
    """Validate the rule files and test every rule against its own examples."""
    from newswatch.rules import check_examples

    matcher = _ruleset(rules_path)
    problems = check_examples(matcher)
    examples = sum(len(r.examples) + len(r.counterexamples) for r in matcher.rules)
    aliases = sum(len(a) for a in matcher.groups.values())
    click.echo(
        f"{len(matcher.groups)} groups ({aliases} aliases), {len(matcher.rules)} rules, "
        f"threshold {matcher.threshold:g}, fingerprint {matcher.fingerprint}"
    )
    for problem in problems:
        click.echo(f"FAIL {problem}", err=True)
    click.echo(f"examples: {examples - len(problems)} of {examples} behave as written")
    from newswatch.claims import ClaimConfigError, check_cues, cues_for

    try:  # the claim cues that go with these rules, and their own examples
        cues = cues_for(rules_path or _settings().get("NEWSWATCH_RULES"), matcher.gazetteer)
    except ClaimConfigError as exc:
        _fail(str(exc))
    wrong = check_cues(cues)
    for problem in wrong:
        click.echo(f"FAIL {problem}", err=True)
    cue_examples = sum(len(c.examples) + len(c.counterexamples) for c in cues.cues.values())
    click.echo(
        f"claim cues: {len(cues.cues)}; examples: {cue_examples - len(wrong)} of {cue_examples} "
        "behave as written"
    )
    if problems or wrong:
        sys.exit(1)


@rules.command("explain")
@click.argument("target")
@click.option("--rules", "rules_path", metavar="DIR", help="Rules folder or file (default NEWSWATCH_RULES).")
def rules_explain(target: str, rules_path: str | None) -> None:
    """Show the verdict on TARGET (an HTML page, a text file, or an archived article's URL)
    with the matched terms marked."""
    from newswatch.rules.explain import render

    matcher = _ruleset(rules_path)
    title, text = _explain_input(target)
    mark = (lambda w: click.style(w, bold=True)) if sys.stdout.isatty() else (lambda w: f"[{w}]")
    if title:
        click.echo(f"title: {title}")
    click.echo(render(matcher.classify(title, text), matcher, mark))


def _explain_input(target: str) -> tuple[str, str]:
    from newswatch.extraction import extract as run_extract
    from newswatch.urls import BadURL, canonicalize, url_hash

    path = Path(target)
    if path.exists() and not path.is_dir():
        try:
            if path.suffix.lower() in {".html", ".htm", ".xhtml"}:
                extraction = run_extract(_read_html(path))
                return extraction.title or "", extraction.text
            return "", _read_input(path, "text file").decode("utf-8", errors="replace")
        except ValueError as exc:
            _fail(str(exc))
    try:
        key = url_hash(canonicalize(target))
    except BadURL:
        _fail(f"{target}: neither a file nor a URL")
    settings = _settings()
    archive = _archive(settings, existing=True)
    try:
        row = archive.articles.text_of(key)
    finally:
        archive.close()
    if row is None:
        _fail(f"{target}: not in the archive {settings.get('NEWSWATCH_DB')}")
    return row["title"] or "", row["text"] or ""


@rules.command("backtest")
@click.option(
    "--since",
    default="30d",
    show_default=True,
    metavar="SPAN",
    help="Articles fetched in this span (7d, 36h) or since a date.",
)
@click.option(
    "--rules", "rules_path", metavar="DIR", help="Candidate rules folder or file (default NEWSWATCH_RULES)."
)
@click.option("--samples", default=5, show_default=True, help="Sample titles shown per direction.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
@click.option(
    "--labels",
    "against_labels",
    is_flag=True,
    help="Score the rules against every label the team made (newswatch label, Slack) instead; "
    "--since is not used.",
)
def rules_backtest(
    since: str, rules_path: str | None, samples: int, as_json: bool, against_labels: bool
) -> None:
    """Run the rules over the archive and show what they would flag that is not flagged
    now, and the reverse (counts per day and outlet, sample titles). With --labels: their
    precision and recall against the team's labels, and every disagreement."""
    from newswatch.clock import parse_since, sql_time, utcnow
    from newswatch.rules.backtest import run

    matcher = _ruleset(rules_path)
    if against_labels:
        _backtest_labels(matcher, as_json)
        return
    try:
        cutoff = parse_since(since, utcnow())
    except ValueError as exc:
        _fail(str(exc))
    settings = _settings()
    archive = _archive(settings, existing=True)
    try:
        result = run(matcher, archive.articles.fetched_since(cutoff))
    finally:
        archive.close()
    if as_json:
        click.echo(json.dumps(result.as_dict(samples), ensure_ascii=False, indent=2))
        return
    click.echo(
        f"{result.articles} articles since {sql_time(cutoff)}: flagged now {result.flagged_before}, "
        f"with these rules {result.flagged_after}"
    )
    for label, changes in (
        ("would newly flag", result.newly_flagged),
        ("would no longer flag", result.no_longer_flagged),
    ):
        click.echo(f"\n{label}: {len(changes)}")
        if not changes:
            continue
        counts = result.counts(changes)
        click.echo("  by day:    " + ", ".join(f"{k} {v}" for k, v in counts["by_day"].items()))
        click.echo("  by outlet: " + ", ".join(f"{k} {v}" for k, v in counts["by_outlet"].items()))
        for change in changes[:samples]:
            rules_list = ", ".join(change.rules_after or change.rules_before)
            click.echo(f"  - [{change.outlet} {change.day}] {change.title}  ({rules_list})")


def _backtest_labels(matcher: Any, as_json: bool) -> None:
    """``rules backtest --labels``: the ruleset against each labelled article's standing label."""
    from alerts.render import visible
    from newswatch.feedback.report import percent
    from newswatch.rules.backtest import LABEL_CLASSES, score_labels

    archive = _archive(_settings(), existing=True)
    try:
        score = score_labels(matcher, archive.labels.standing())
    finally:
        archive.close()
    if as_json:
        click.echo(json.dumps(score.as_dict(), ensure_ascii=False, indent=2))
        return
    labelled = sum(c["labelled"] for c in score.classes.values())
    click.echo(
        f"{labelled} labelled articles: precision {percent(score.precision)}, recall {percent(score.recall)} "
        f"(flagged relevant {score.tp}, flagged irrelevant {score.fp}, missed relevant {score.fn}; "
        "borderline left out)"
    )
    rows = [[c, *score.classes[c].values()] for c in LABEL_CLASSES]
    click.echo(render_table(["label", "labelled", "flagged", "flagged when archived"], rows))
    click.echo(f"\ndisagreements: {len(score.disagreements)}")
    for d in score.disagreements:
        verdict = f"flagged ({', '.join(d.rules)})" if d.flagged else "not flagged"
        note = f" — {visible(d.note)}" if d.note else ""
        click.echo(f"  #{d.article_id} {d.label}, {verdict}: [{d.outlet}] {visible(d.title)[:90]}{note}")


@rules.command("report")
@click.option(
    "--since",
    default="30d",
    show_default=True,
    metavar="SPAN",
    help="Alerts of articles archived in this span (7d, 36h) or since a date; misses archived or "
    "judged in it.",
)
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def rules_report(since: str, as_json: bool) -> None:
    """Per rule: the alerts it fired, how many the team judged, relevant and irrelevant, and
    the precision on the judged ones; then the misses (judged relevant, flagged by no rule)
    with the review tier's verdict on each."""
    from alerts.render import visible
    from newswatch.clock import parse_since, sql_time, utcnow
    from newswatch.feedback.report import TABLE_HEADERS, build, table_rows

    matcher = _ruleset()
    try:
        cutoff = parse_since(since, utcnow())
    except ValueError as exc:
        _fail(str(exc))
    archive = _archive(_settings(), existing=True)
    try:
        report = build(
            sql_time(cutoff) or "",
            archive.labels.flagged_since(cutoff),
            archive.labels.missed_since(cutoff),
            [r.id for r in matcher.rules],
        )
    finally:
        archive.close()
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
        return
    click.echo(f"alerts since {report.since} (UTC), judged by their latest label")
    click.echo(render_table(TABLE_HEADERS, table_rows(report)))
    click.echo(
        f"\nmissed: {len(report.misses)} judged relevant that no rule flagged "
        f"({report.misses_reviewed} marked for review)"
    )
    for m in report.misses:
        tier = "review: yes" if m.review else "review: no"
        note = f" — {visible(m.note)}" if m.note else ""
        click.echo(f"  #{m.article_id} [{m.outlet}] {visible(m.title or m.url)[:90]} ({tier}; {m.who}){note}")


@rules.command("suggest")
@click.option("--rules", "rules_path", metavar="DIR", help="Rules folder or file (default NEWSWATCH_RULES).")
@click.option("--top", default=15, show_default=True, help="Terms shown per language at most.")
@click.option("--min-docs", default=2, show_default=True, help="Missed articles a term must be in.")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of text.")
def rules_suggest(rules_path: str | None, top: int, min_docs: int, as_json: bool) -> None:
    """Words and phrases to consider for the rules, per language: frequent in the articles the
    team judged relevant that the rules miss, rare in those judged irrelevant, and matched by
    no group yet. For a person to judge; nothing is changed."""
    from alerts.render import visible
    from newswatch.feedback.suggest import Text, suggest
    from newswatch.rules.text import build_doc

    _in_range("--top", top, 1000)
    _in_range("--min-docs", min_docs, 1000)
    matcher = _ruleset(rules_path)
    archive = _archive(_settings(), existing=True)
    try:
        texts = [
            Text(
                int(r["article_id"]),
                r["language"] or "",
                r["label"] == "relevant",
                r["title"] or "",
                r["text"] or "",
            )
            for r in archive.labels.standing()
            if r["label"] == "irrelevant"
            or (
                r["label"] == "relevant"
                and not matcher.classify(r["title"] or "", r["text"] or "", r["language"]).flagged
            )
        ]
    finally:
        archive.close()

    def known(term: str, language: str) -> bool:
        return any(found.startswith("@") for found, _ in matcher.scan(build_doc(term, ""), language or None))

    found = suggest(texts, known, top=top, min_docs=min_docs)
    if as_json:
        click.echo(
            json.dumps(
                [s.__dict__ | {"candidates": [c.__dict__ for c in s.candidates]} for s in found],
                ensure_ascii=False,
                indent=2,
            )
        )
        return
    if not found:
        click.echo("no miss: every article judged relevant is flagged by these rules")
        return
    for lang in found:
        click.echo(f"\n{lang.language}: {lang.misses} missed relevant, {lang.irrelevant} irrelevant judged")
        rows = [
            [
                visible(c.term),
                f"{c.missed}/{lang.misses}",
                f"{c.irrelevant}/{lang.irrelevant}",
                ", ".join(f"#{i}" for i in c.examples),
            ]
            for c in lang.candidates
        ]
        if rows:
            click.echo(render_table(["term", "in misses", "in irrelevant", "e.g."], rows))
        else:
            click.echo(f"  no term in {min_docs} misses that is rare in irrelevant ones and new to the rules")
    click.echo(
        "\nCandidates only: add one to a group in config/rules (docs/rules.md), then check it with "
        "newswatch rules backtest --labels --rules DIR."
    )


# --- the team's judgements -------------------------------------------------------------------


@main.command("label")
@click.argument("ref", metavar="URL|ID")
@click.argument("label", type=click.Choice(["relevant", "irrelevant", "borderline"]))
@click.option("--note", metavar="TEXT", help="Why (exported as the corpus record's reason).")
@click.option("--who", metavar="NAME", help="Who judged it (default: your login name).")
def label_command(ref: str, label: str, note: str | None, who: str | None) -> None:
    """Judge an archived article (its archive id, or its URL in any spelling): relevant,
    irrelevant or borderline. Alerted or not: a miss found in Datasette is labelled the same
    way. Every judgement is kept; the latest one stands."""
    import getpass

    from alerts.render import visible
    from newswatch.archive import ArchiveError

    settings = _settings()
    try:
        name = (who or "").strip() or getpass.getuser()
    except (OSError, KeyError):  # no login name in this environment (a container's user)
        _fail("who are you? no login name here: give --who NAME")
    archive = _archive(settings, existing=True)
    try:
        article = archive.labels.article(ref)
        if article is None:
            _fail(f"{ref}: no archived article has that id or URL (archive {settings.get('NEWSWATCH_DB')})")
        try:
            row_id = archive.labels.add(article["id"], label, name, "cli", (note or "").strip() or None)
        except ArchiveError as exc:
            _fail(str(exc), 1)
        stored = next(r for r in archive.labels.for_article(article["id"]) if r["id"] == row_id)
    finally:
        archive.close()
    title = visible(article["title"] or "")[:90]
    click.echo(
        f"article {article['id']} labelled {label} by {name} at {stored['labelled_at']} UTC (label {row_id})"
    )
    click.echo(f"  [{article['outlet']}] {title}\n  {article['url']}")
    if note and note.strip():
        click.echo(f"  note: {visible(note.strip())}")


@main.group("labels")
def labels_group() -> None:
    """The team's judgements (the labels table)."""


@labels_group.command("export")
@click.option(
    "--output",
    type=click.Path(dir_okay=False, writable=True, path_type=Path),
    help="Write to FILE (default: standard output).",
)
@click.option(
    "--since", metavar="DATE", help="Only standing labels made since DATE (2026-01-31) or a span (7d)."
)
def labels_export(output: Path | None, since: str | None) -> None:
    """Each labelled article's standing label as JSON lines in the relevance corpus's record
    format (id, url, outlet, date, lang, title, text, label, reason = the note), for
    bench/rules.py --extra FILE."""
    from newswatch.clock import parse_since, utcnow
    from newswatch.feedback.export import write_jsonl

    settings = _settings()
    cutoff = None
    if since:
        try:
            cutoff = parse_since(since, utcnow())
        except ValueError as exc:
            _fail(str(exc))
    names = _outlet_names(settings)
    archive = _archive(settings, existing=True)
    try:
        rows = archive.labels.standing(cutoff)
    finally:
        archive.close()
    if output is None:
        write_jsonl(rows, sys.stdout, names)
        return
    try:
        with output.open("w", encoding="utf-8") as out:
            count = write_jsonl(rows, out, names)
    except OSError as exc:
        _fail(f"{output}: {exc.strerror or exc}", 1)
    click.echo(f"{count} labelled articles written to {output}", err=True)


# --- search and Datasette --------------------------------------------------------------------

DATASETTE_DIR = Path(__file__).resolve().parents[1] / "config" / "datasette"


def datasette_metadata(db_path: Path, timezone: str = "UTC") -> dict[str, Any]:
    """config/datasette/metadata.yml, keyed by the archive's database name (its file stem), with
    the team's time zone (NEWSWATCH_TIMEZONE) named in its text and given to the plugins."""
    import yaml

    text = (DATASETTE_DIR / "metadata.yml").read_text(encoding="utf-8").replace("{timezone}", timezone)
    metadata: dict[str, Any] = yaml.safe_load(text)
    name = db_path.stem
    metadata["databases"] = {name: metadata["databases"]["newswatch"]}
    metadata["description_html"] = metadata["description_html"].replace("/newswatch/", f"/{name}/")
    for key in ("title", "description_html"):  # the database page is the home page
        metadata["databases"][name].setdefault(key, metadata[key])
    metadata.setdefault("plugins", {})["newswatch"] = {"timezone": timezone}
    return metadata


def datasette_args(db_path: Path, metadata_path: Path, host: str, port: int, allow_sql: bool) -> list[str]:
    settings = {
        "suggest_facets": "off",
        "default_allow_sql": "on" if allow_sql else "off",
        "sql_time_limit_ms": "3000",
        "facet_time_limit_ms": "500",
        "default_page_size": "50",
        "max_returned_rows": "1000",
        "allow_download": "off",  # the database file
        "allow_csv_stream": "off",  # every row in one CSV: a visitor exports a page at a time
    }
    args = [
        "serve",
        str(db_path),
        "--metadata",
        str(metadata_path),
        "--plugins-dir",
        str(DATASETTE_DIR / "plugins"),
        "--template-dir",
        str(DATASETTE_DIR / "templates"),
        "--host",
        host,
        "--port",
        str(port),
    ]
    for key, value in settings.items():
        args += ["--setting", key, value]
    return args


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8001, show_default=True)
def serve(host: str, port: int) -> None:
    """Browse and search the archive with Datasette (read-only for visitors)."""
    if not 1 <= port <= 65535:
        _fail(f"--port {port}: use 1 to 65535")
    settings = _settings()
    db_path = Path(settings.get("NEWSWATCH_DB")).resolve()
    _archive(settings, existing=True).close()  # migrated, or a clear error (it must exist)
    metadata_path = db_path.parent / "datasette-metadata.json"
    timezone = settings.get("NEWSWATCH_TIMEZONE") or "UTC"  # times on the pages, "Flagged today"
    metadata_path.write_text(
        json.dumps(datasette_metadata(db_path, timezone), ensure_ascii=False, indent=1), encoding="utf-8"
    )
    args = datasette_args(db_path, metadata_path, host, port, settings.getbool("NEWSWATCH_DATASETTE_SQL"))
    click.echo(f"Datasette on http://{host}:{port}/{db_path.stem} (Ctrl-C stops it)", err=True)
    os.execv(sys.executable, [sys.executable, "-m", "datasette", *args])


MAX_SEARCH_LIMIT = 10_000


@main.command("search")
@click.argument("words", nargs=-1, metavar="QUERY...")
@click.option(
    "--entity",
    "entity_names",
    multiple=True,
    metavar="NAME",
    help="Only articles naming this entity of the gazetteer or the official lists (its id, or part of "
    "its name or an alias); repeat for several. With no QUERY: every article naming it, newest first.",
)
@click.option("--flagged", is_flag=True, help="Only flagged articles.")
@click.option(
    "--review", is_flag=True, help="Only articles marked for review (worth a look: no rule flagged them)."
)
@click.option("--since", metavar="DATE", help="Published since DATE (2026-01-31) or a span (7d, 36h).")
@click.option("--limit", default=30, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print JSON lines instead of a table.")
def search_command(
    words: tuple[str, ...],
    entity_names: tuple[str, ...],
    flagged: bool,
    review: bool,
    since: str | None,
    limit: int,
    as_json: bool,
) -> None:
    """Search the archive: words and "phrases" (all of them), word* for word forms, Chinese as
    substrings. Several arguments are one query (`newswatch search drone engines`).
    `--entity Limbach` keeps the articles that name a gazetteer entity."""
    settings = _settings()  # first: an invalid setting stops it before anything else
    from alerts.render import visible  # a title's escape sequences must not reach the terminal
    from newswatch.clock import parse_since, sql_time, utcnow
    from newswatch.search import search

    query = " ".join(words)
    if not query.strip() and not entity_names:
        _fail("Missing argument 'QUERY...': words to look for, or --entity NAME")
    gazetteer = _gazetteer(settings) if entity_names else None
    if not 1 <= limit <= MAX_SEARCH_LIMIT:
        _fail(f"--limit {limit}: use 1 to {MAX_SEARCH_LIMIT}")
    if flagged and review:
        _fail("--flagged and --review exclude each other (a review article is one no rule flagged)")
    cutoff = None
    if since:
        try:
            cutoff = sql_time(parse_since(since, utcnow()))
        except ValueError as exc:
            _fail(str(exc))
    archive = _archive(settings, existing=True)
    try:
        entities: tuple[str, ...] = ()
        if gazetteer is not None:
            entities = tuple(_entity_id(gazetteer, name) for name in entity_names)
            _index_entities(archive, gazetteer)
        results = search(
            archive, query, flagged=flagged, since=cutoff, limit=limit, review=review, entities=entities
        )
    finally:
        archive.close()
    if as_json:
        for row in results:
            click.echo(json.dumps(row, ensure_ascii=False))
        return
    if not results:
        click.echo("no article matches")
        return
    rows = [
        [r["published"] or "", r["outlet"], r["severity"] or "-", visible(r["title"] or "")[:70], r["url"]]
        for r in results
    ]
    click.echo(render_table(["published", "outlet", "flag", "title", "url"], rows))


def _gazetteer(settings: Any, lists: bool = True) -> Any:
    """The gazetteer's entities, with the official lists' merged in (``lists``)."""
    from newswatch.rules import RuleConfigError
    from newswatch.rules.loader import load_gazetteer

    listed = _listed(settings) if lists else []
    try:
        # read as far as a crawl reads (NEWSWATCH_MAX_MATCH_CHARS), so both find the same names
        return load_gazetteer(
            settings.get("NEWSWATCH_RULES"), settings.getint("NEWSWATCH_MAX_MATCH_CHARS"), listed=listed
        )
    except RuleConfigError as exc:
        _fail(str(exc))


def _entity_id(gazetteer: Any, name: str) -> str:
    """The gazetteer id a user means by ``name``; one line naming the candidates otherwise."""
    found = gazetteer.find(name)
    if len(found) == 1:
        return str(found[0].id)
    if not found:
        _fail(f"--entity {name!r}: no entity (gazetteer or official lists) has that id, name or alias")
    shown = ", ".join(f"{e.id} ({e.name})" for e in found[:8])
    more = f", and {len(found) - 8} more" if len(found) > 8 else ""
    _fail(f"--entity {name!r} matches {len(found)} entities: {shown}{more}; give one id")


def _index_entities(archive: Any, gazetteer: Any) -> None:
    """Read the articles archived before entity tracking (or under another gazetteer) for the
    entities they name, once, saying so: a search by entity must not miss them."""
    stale = archive.verdicts.entities_stale(gazetteer.fingerprint)
    if stale:
        click.echo(f"newswatch: reading {stale:,} older articles for the entities they name (once)", err=True)
        archive.verdicts.index_entities(gazetteer.fingerprint, gazetteer.named_in)


# --- the official lists ----------------------------------------------------------------------


def _which_option(f: Any) -> Any:
    f = click.option("--limit", default=50, show_default=True, help="At most this many rows.")(f)
    f = click.option(
        "--undesignated",
        "which",
        flag_value="undesignated",
        help="Only entities no government action names (leads: named in reporting only).",
    )(f)
    return click.option(
        "--designated", "which", flag_value="designated", help="Only entities a government action names."
    )(f)


@main.group(invoke_without_command=True)
@_which_option
@click.pass_context
def entities(ctx: click.Context, which: str | None, limit: int) -> None:
    """The entities: the gazetteer's and the official sanctions and export-control lists',
    one per company (docs/entities.md). With no command: a table of them, those the archive
    names most first."""
    if ctx.invoked_subcommand is None:
        _entity_table(None, which, limit)


@entities.command("search")
@click.argument("name")
@_which_option
def entities_search(name: str, which: str | None, limit: int) -> None:
    """The entities whose id, name or a name they are matched by holds NAME (any script;
    case, punctuation and traditional or simplified Chinese ignored)."""
    _entity_table(name, which, limit)


def _entity_table(name: str | None, which: str | None, limit: int) -> None:
    settings = _settings()
    from alerts.render import designated, entity_name, visible

    if limit < 1:
        _fail(f"--limit {limit}: use 1 or more")
    gazetteer = _gazetteer(settings)
    chosen = list(gazetteer.find(name) if name is not None else gazetteer.entities)
    if which is not None:
        chosen = [e for e in chosen if bool(e.designations) == (which == "designated")]
    mentions: dict[str, tuple[int, str | None]] = {}
    if Path(settings.get("NEWSWATCH_DB")).exists() and chosen:
        archive = _archive(settings)
        try:
            _index_entities(archive, gazetteer)
            mentions = archive.verdicts.mentions()
        finally:
            archive.close()
    if not chosen:
        click.echo("no entity matches")
        return
    chosen.sort(key=lambda e: (-mentions.get(e.id, (0, None))[0], e.id))
    rows = [
        [
            e.id,
            visible(entity_name(e.name))[:50],
            ",".join(e.countries) or "-",
            visible(designated(e))[:90],
            mentions.get(e.id, (0, None))[0],
            (mentions.get(e.id, (0, None))[1] or "")[:10],
        ]
        for e in chosen[:limit]
    ]
    click.echo(render_table(["id", "name", "country", "designated", "articles", "first seen"], rows))
    if len(chosen) > limit:
        click.echo(f"and {len(chosen) - limit} more (--limit)")


@entities.command("backtest")
def entities_backtest() -> None:
    """Which designated entities the archive named before their first listing date, and how
    much earlier ("first seen in our archive 41 days earlier")."""
    settings = _settings()
    from alerts.render import entity_name, visible

    gazetteer = _gazetteer(settings)
    archive = _archive(settings, existing=True)
    rows = []
    dated = 0
    try:
        _index_entities(archive, gazetteer)
        for entity in gazetteer.entities:
            dates = sorted(d.date for d in entity.designations if d.date)
            if not dates:
                continue
            dated += 1
            listed = dates[0]
            body = next(d for d in entity.designations if d.date == listed)
            count, first = archive.verdicts.named_before(entity.id, listed)
            if first is None:
                continue
            seen = str(first["seen"])[:10]
            days = _days_between(seen, listed)
            rows.append(
                [
                    entity.id,
                    visible(entity_name(entity.name))[:40],
                    f"{body.by} {listed}",
                    seen,
                    f"{days} days earlier" if days is not None else "earlier",
                    count,
                    visible(f"{first['outlet']}: {first['title'] or first['url']}")[:60],
                    days or 0,
                ]
            )
    finally:
        archive.close()
    if rows:
        rows = [row[:-1] for row in sorted(rows, key=lambda r: (-int(r[-1]), str(r[0])))]
        click.echo(
            render_table(
                ["id", "name", "listed", "first seen", "lead", "articles before", "first report"], rows
            )
        )
    click.echo(f"{len(rows)} of {dated} entities with a listing date were named in the archive before it")


def _days_between(earlier: str, later: str) -> int | None:
    from datetime import date

    try:
        return (date.fromisoformat(later[:10]) - date.fromisoformat(earlier[:10])).days
    except ValueError:
        return None


@entities.command("update")
@click.option(
    "--list",
    "keys",
    multiple=True,
    type=click.Choice(ENTITY_LISTS),
    help="Only this list (repeat for several; default: NEWSWATCH_ENTITY_LISTS).",
)
def entities_update(keys: tuple[str, ...]) -> None:
    """Download the official lists (unchanged ones cost a 304), keep the entries that concern
    China, Hong Kong or Russia's war, and store them. A list that cannot be read keeps its last
    good copy and opens a source-health entry. Exit 1 when every list failed."""
    settings = _settings()
    from newswatch.sanctions.lists import LISTS
    from newswatch.sanctions.update import merge_entities, update

    chosen = list(keys) or [k for k in settings.get("NEWSWATCH_ENTITY_LISTS").split(",") if k]
    if not chosen:
        _fail("NEWSWATCH_ENTITY_LISTS names no list")
    urls = {key: settings.get(LISTS[key].setting) for key in chosen}
    gazetteer = _gazetteer(settings, lists=False)  # its own entities, to merge the lists into
    archive = _archive(settings)
    try:
        outcomes = update(archive, urls, Path(settings.get("NEWSWATCH_DB")).parent / "lists")
        if any(o.status == "updated" for o in outcomes) or not archive.listings.version()[0]:
            merged = merge_entities(archive, gazetteer.entities)
            click.echo(f"{len(merged):,} entities after merging the lists and the gazetteer", err=True)
    finally:
        archive.close()
    rows = [[o.key, o.status, o.entries, o.kept, len(o.added), len(o.removed)] for o in outcomes]
    click.echo(render_table(["list", "status", "entries", "kept", "added", "removed"], rows))
    for outcome in outcomes:
        if outcome.error:
            click.echo(
                f"newswatch: {outcome.key} failed: {outcome.error}; the last good copy is kept", err=True
            )
        for name in outcome.added[:20]:
            click.echo(f"{outcome.key}: new: {visible_name(name)}")
        if len(outcome.added) > 20:
            click.echo(f"{outcome.key}: and {len(outcome.added) - 20} more new")
    if all(o.status == "failed" for o in outcomes):
        sys.exit(1)


def visible_name(name: str) -> str:
    """A list entry's name as printed to a terminal: no escape sequences."""
    from alerts.render import visible

    return visible(name)[:200]


# --- alerts and digest -----------------------------------------------------------------------


def _alert_config(settings: Any) -> Any:
    from alerts import AlertConfigError, alert_config

    try:
        return alert_config(settings)
    except AlertConfigError as exc:
        _fail(str(exc))


def _outlet_names(settings: Any) -> dict[str, str]:
    from newswatch.outlets import OutletConfigError, load_outlets

    try:
        return {key: o.name for key, o in load_outlets(settings.get("NEWSWATCH_OUTLETS")).items()}
    except OutletConfigError:
        return {}  # names are cosmetic here; the keys stand in


@main.command()
@click.option("--dry-run", is_flag=True, help="Print what would be sent; send and mark nothing.")
@click.option("--limit", type=int, help="At most this many alerts.")
def dispatch(dry_run: bool, limit: int | None) -> None:
    """Deliver pending alerts now (Slack, or the console and data/alerts.jsonl without a token)."""
    _in_range("--limit", limit, MAX_SEARCH_LIMIT)
    from alerts import DispatcherBusy, dispatcher_lock, make_transport
    from alerts import dispatch as run_dispatch
    from alerts.transports import DryRunTransport
    from newswatch.archive import ArchiveError

    settings = _settings()
    config = _alert_config(settings)
    archive = _archive(settings)
    transport = DryRunTransport() if dry_run else make_transport(config, click.echo)
    try:
        with dispatcher_lock(config.data_dir):
            report = run_dispatch(
                archive, transport, config, limit=limit, dry_run=dry_run, outlet_names=_outlet_names(settings)
            )
    except DispatcherBusy as exc:
        click.echo(f"newswatch: {exc}; nothing done")
        return
    except (ArchiveError, OSError) as exc:  # a full disk: what is not marked sent stays queued
        _fail(f"{exc}; alerts not marked sent stay queued")
    finally:
        archive.close()
    if dry_run:
        for message in transport.sent:  # type: ignore[attr-defined]
            click.echo(json.dumps(message, ensure_ascii=False))
    click.echo(
        f"{'would send' if dry_run else 'sent'} {report.sent}, retry later {report.retried}, "
        f"failed {report.failed}"
        + (f", re-sent after a crash {report.recovered}" if report.recovered else "")
        + (f"; stopped: {report.stopped}" if report.stopped else "")
    )
    if report.stopped and (not report.sent or report.config_error):
        sys.exit(1)  # nothing could go out, or the configuration is wrong: say so to cron


@main.command()
@click.option("--send", is_flag=True, help="Deliver it (SMTP, or files in data/digests/ without SMTP).")
@click.option(
    "--preview",
    type=click.Path(dir_okay=False, path_type=Path),
    metavar="FILE.html",
    help="Write the HTML of the digest to FILE.html; nothing is sent or recorded.",
)
@click.option(
    "--resend",
    type=int,
    metavar="ID",
    help="Queue an unconfirmed digest again (it did not arrive): the next delivery sends the same message.",
)
def digest(send: bool, preview: Path | None, resend: int | None) -> None:
    """The digest of everything flagged since the last delivered digest (and, at the end,
    what is worth a look: articles marked for review)."""
    _in_range("--resend", resend, MAX_ID)
    from alerts import send_digest
    from alerts.digest import undelivered, write_preview
    from alerts.mail import compose
    from newswatch.archive import ArchiveError

    settings = _settings()
    config = _alert_config(settings)
    archive = _archive(settings)
    try:
        names = _outlet_names(settings)
        if resend is not None:
            if not archive.digests.resend(resend):
                _fail(f"digest {resend}: no unconfirmed digest with that id (see `newswatch digest`)")
            click.echo(f"digest {resend} queued again: the next delivery sends the same message")
            if not send:
                return
        if preview is not None or not send:
            _digest_state(archive)
            items = undelivered(archive)
            if not items:
                click.echo("nothing flagged or worth a look since the last delivered digest; nothing to send")
                return
            content = compose(archive, items, config, names, archive.clock())
            if preview is not None:
                write_preview(preview, content)
                click.echo(f"preview of {len(items)} items written to {preview}")
            if not send:
                click.echo(content.subject)
                if preview is None:
                    click.echo("(use --send to deliver it, --preview FILE.html to look at it)")
                return
        outcome = send_digest(archive, config, names)
    except (ArchiveError, OSError) as exc:  # a full disk: the digest stays as it was
        _fail(f"{exc}; no digest is marked delivered, the next --send tries again")
    finally:
        archive.close()
    _digest_outcome(outcome, config)


def _digest_state(archive: Any) -> None:
    """Digests that may have reached the recipients, and the one waiting to be retried."""
    for stored in archive.digests.unconfirmed():
        click.echo(f"newswatch: {_unconfirmed(stored.id, stored.attempts, stored.last_error)}", err=True)
    waiting = archive.digests.pending()
    if waiting is not None and waiting.message is not None:
        click.echo(
            f"digest {waiting.id} ({waiting.items} items, built {waiting.built_at} UTC) is pending after "
            f"{waiting.attempts} attempt(s); --send sends the same message again ({waiting.message_id})"
            + (f"; last error: {waiting.last_error}" if waiting.last_error else "")
        )


def _unconfirmed(digest_id: int | None, attempts: int, error: str | None) -> str:
    return (
        f"digest {digest_id} may already have reached the recipients (the server dropped the "
        f"connection after the message was sent); not retried again after {attempts} attempt(s)"
        + (f": {error}" if error else "")
        + f"; if it did not arrive, `newswatch digest --resend {digest_id}` sends it again"
    )


def _digest_outcome(outcome: Any, config: Any) -> None:
    """Say what `digest --send` did; exit 1 when the digest was not delivered."""
    if outcome.items == 0:
        click.echo("nothing flagged or worth a look since the last delivered digest; nothing to send")
        return
    if outcome.error:
        if outcome.status == "unconfirmed":
            message = _unconfirmed(outcome.digest_id, outcome.attempts, outcome.error)
        elif outcome.status == "failed":
            message = (
                f"digest {outcome.digest_id} not delivered after {outcome.attempts} attempts, given up; "
                f"its items go into the next digest: {outcome.error}"
            )
        else:
            message = f"digest {outcome.digest_id} not delivered, it stays pending: {outcome.error}"
            if outcome.ambiguous:
                message += (
                    "; the server dropped the connection after the message was sent, so the recipients "
                    f"may have it (a retry sends the same message, {outcome.message_id})"
                )
        click.echo(f"newswatch: {message}", err=True)
        sys.exit(1)
    where = outcome.location or ", ".join(config.smtp.recipients if config.smtp else ())
    again = f", the same message as before ({outcome.message_id})" if outcome.retry else ""
    click.echo(
        f"digest {outcome.digest_id} delivered ({outcome.transport}): {outcome.items} items to {where}{again}"
    )
    if outcome.refused:
        click.echo(f"newswatch: refused recipients: {', '.join(outcome.refused)}", err=True)


@main.command("alerts")
@click.option(
    "--status", type=click.Choice(["pending", "sending", "sent", "failed", "muted"]), help="Only these."
)
@click.option(
    "--requeue", "requeue", multiple=True, type=int, metavar="ID", help="Send this failed alert again."
)
@click.option("--requeue-failed", is_flag=True, help="Send every failed alert again.")
@click.option("--limit", default=30, show_default=True)
def alerts_command(status: str | None, requeue: tuple[int, ...], requeue_failed: bool, limit: int) -> None:
    """The alert outbox: counts, recent alerts, failures with their errors, stalled alerts."""
    _in_range("--limit", limit, MAX_SEARCH_LIMIT)
    for alert_id in requeue:
        _in_range("--requeue", alert_id, MAX_ID)
    settings = _settings()
    from alerts import Outbox
    from alerts.outbox import STALLED_AFTER

    archive = _archive(settings, existing=True)
    try:
        outbox = Outbox(archive)
        if requeue or requeue_failed:
            _requeue(archive, list(dict.fromkeys(requeue)), requeue_failed)
            return
        counts = archive.outbox.counts()
        click.echo(
            "alerts: " + ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
            if counts
            else "alerts: none"
        )
        stalled = outbox.stalled()
        if stalled.count:
            click.echo(
                f"warning: {stalled.count} alert(s) pending with no delivery attempt for over "
                f"{int(STALLED_AFTER.total_seconds() // 60)} minutes (oldest queued "
                f"{stalled.oldest_created_at} UTC): is the service running, is Slack reachable?"
            )
        rows = [
            [
                r["id"],
                r["status"],
                r["kind"],
                r["severity"],
                r["attempts"],
                r["created_at"],
                r["outlet"],
                (r["title"] or "")[:60],
                (r["last_error"] or "")[:60],
            ]
            for r in archive.outbox.listing(status, limit)
        ]
        if rows:
            click.echo(
                render_table(
                    ["id", "status", "kind", "severity", "tries", "created", "outlet", "title", "last error"],
                    rows,
                )
            )
    finally:
        archive.close()


def _requeue(archive: Any, alert_ids: list[int], every_failed: bool) -> None:
    """Failed alerts back to pending: every one, or those named. An id that is no alert
    stops it (exit 2, nothing queued); a named alert that is not failed is said (exit 1)."""
    unknown = [str(i) for i in alert_ids if archive.outbox.get(i) is None]
    if unknown:
        _fail(f"no such alert: {', '.join(unknown)} (see `newswatch alerts`); nothing queued again")
    if every_failed:
        click.echo(f"{archive.outbox.requeue(None)} failed alert(s) queued again")
        return
    not_failed = [str(i) for i in alert_ids if not archive.outbox.requeue([i])]
    click.echo(f"{len(alert_ids) - len(not_failed)} failed alert(s) queued again")
    if not_failed:
        _fail(f"not failed, so not queued again: alert {', '.join(not_failed)}", code=1)


# --- the service -----------------------------------------------------------------------------


@main.command()
@click.option(
    "--once", is_flag=True, help="Run every job once (crawl all, deliver, watchdog, digest if due) and exit."
)
def run(once: bool) -> None:
    """Run the monitor as a service: scheduled crawls, alerts, the daily digest, source health."""
    _settings()  # an invalid setting stops it here with one line (exit 2)
    from scheduler import main as service_main  # checks the archive path before anything runs

    sys.exit(service_main(once=once))


# --- outlets ---------------------------------------------------------------------------------


def _ago(stamp: str | None, now: datetime) -> str:
    if not stamp:
        return "never"
    seconds = (now.replace(tzinfo=None) - datetime.fromisoformat(stamp)).total_seconds()
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{int(seconds // size)}{unit} ago"
    return f"{int(seconds)}s ago"


@main.command("outlets")
@click.option("--json", "as_json", is_flag=True, help="Print JSON instead of a table.")
def outlets_command(as_json: bool) -> None:
    """List outlets with their last crawl's figures and, when it was not ok, its last error
    (what went wrong first, then where)."""
    from newswatch.clock import utcnow
    from newswatch.outlets import OutletConfigError, load_outlets
    from spiders.runs import error_text, reason_first

    settings = _settings()
    try:
        outlets = load_outlets(settings.get("NEWSWATCH_OUTLETS"))
    except OutletConfigError as exc:
        _fail(str(exc))
    archive = _archive(settings, existing=True)
    try:
        latest = archive.runs.latest()
        counts = archive.articles.counts_by_outlet()
        health = {
            outlet: [f"{i['issue']}: {i['detail']}" for i in issues]
            for outlet, issues in archive.health.open_by_outlet().items()
        }
    finally:
        archive.close()
    now = utcnow()
    records = []
    for o in outlets.values():
        run = latest.get(o.key, {})
        records.append(
            {
                "outlet": o.key,
                "name": o.name,
                "enabled": o.enabled,
                "interval_s": int(o.interval.total_seconds()),
                "sources": len(o.sources()),
                "last_run": run.get("finished_at"),
                "status": run.get("status"),
                "new": run.get("new"),
                "errors": run.get("errors"),
                "last_error": run.get("last_error"),
                "first_error": run.get("first_error"),
                "archived": counts.get(o.key, 0),
                "health": health.get(o.key, []),
            }
        )
    if as_json:
        click.echo(json.dumps(records, ensure_ascii=False, indent=2))
        return
    rows = [
        [
            r["outlet"],
            r["name"],
            "yes" if r["enabled"] else "no",
            r["sources"],
            _ago(r["last_run"], now),
            r["status"] or "-",
            r["new"],
            r["errors"],
            error_text(reason_first(r["last_error"] or ""), 80) if r["status"] != "ok" else "",
            r["archived"],
            "; ".join(r["health"])[:80] or "ok",
        ]
        for r in records
    ]
    headers = [
        "outlet",
        "name",
        "enabled",
        "sources",
        "last run",
        "status",
        "new",
        "errors",
        "last error",
        "archived",
        "health",
    ]
    click.echo(render_table(headers, rows))


if __name__ == "__main__":
    main()
