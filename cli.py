"""The ``newswatch`` command line.

    newswatch crawl [--outlet KEY]... [--since DATE] [-s NAME=VALUE]...
    newswatch extract FILE.html [--url URL] | newswatch extract --jsonl IN
    newswatch outlets

Exit codes: 0 done, 1 the run failed (archive unwritable, crawl crashed), 2 bad usage or
configuration (one line on stderr naming file, entry and problem).
"""

from __future__ import annotations

import json
import os
import sys
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import Any

import click

os.environ.setdefault("SCRAPY_SETTINGS_MODULE", "settings")


def _settings(overrides: Sequence[str] = ()) -> Any:
    from scrapy.utils.project import get_project_settings

    settings = get_project_settings()
    for item in overrides:
        name, sep, value = item.partition("=")
        if not sep or not name.strip():
            raise click.UsageError(f"-s expects NAME=VALUE, got {item!r}")
        settings.set(name.strip(), value, priority="cmdline")
    return settings


def _fail(message: str, code: int = 2) -> None:
    click.echo(f"newswatch: {message}", err=True)
    sys.exit(code)


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


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="newswatch")
def main() -> None:
    """Monitor news outlets for China's military and dual-use support for Russia's war."""


# --- crawl -----------------------------------------------------------------------------------


def _summary_columns() -> tuple[str, ...]:
    """Counters shown in the crawl summary (``source_errors`` is folded into ``errors``)."""
    from archive import RUN_COUNTERS

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
def crawl(outlet_keys: tuple[str, ...], since: str | None, overrides: tuple[str, ...]) -> None:
    """One pass over the chosen outlets, then a per-outlet summary table."""
    from scrapy.crawler import CrawlerProcess

    from archive import Archive, ArchiveError
    from outlets import OutletConfigError, load_outlets, select
    from records import utcnow
    from spiders.news import new_run_id, parse_since

    settings = _settings(overrides)
    try:
        chosen = select(load_outlets(settings.get("NEWSWATCH_OUTLETS")), list(outlet_keys))
        if since:
            parse_since(since, utcnow())
    except (OutletConfigError, ValueError) as exc:
        _fail(str(exc))
    if not chosen:
        _fail("no enabled outlet to crawl")
    db_path = settings.get("NEWSWATCH_DB")
    try:
        Archive(db_path, settings.getint("NEWSWATCH_BUSY_TIMEOUT_MS")).close()
    except ArchiveError as exc:
        _fail(str(exc), 1)
    run_id = new_run_id(utcnow())
    process = CrawlerProcess(settings, install_root_handler=True)
    crawler = process.create_crawler("news")
    process.crawl(crawler, outlets=",".join(o.key for o in chosen), since=since, run_id=run_id)
    process.start()
    reason = crawler.stats.get_value("finish_reason") if crawler.stats else None
    archive = Archive(db_path, settings.getint("NEWSWATCH_BUSY_TIMEOUT_MS"))
    try:
        runs = archive.runs(run_id)
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
    if reason != "finished" or not runs:
        sys.exit(1)


# --- extract ---------------------------------------------------------------------------------


def _read_html(path: Path) -> str:
    """A saved page as text: UTF-8 when the bytes are valid UTF-8 (a stale <meta charset>
    in a re-saved page is common), else the page's own declaration or a detected encoding."""
    from w3lib.encoding import html_to_unicode

    data = path.read_bytes()
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
    type=click.File("r", encoding="utf-8"),
    help='Batch: lines {"id","url","path"} in, one JSON line per input out.',
)
@click.option("--timings", is_flag=True, help="With --jsonl: add milliseconds per page ('ms').")
def extract(file: Path | None, url: str | None, jsonl: Any, timings: bool) -> None:
    """Print the extraction of an HTML page as JSON."""
    from extraction import extract as run_extract

    if (file is None) == (jsonl is None):
        raise click.UsageError("give either FILE.html or --jsonl IN")
    if file is not None:
        result = _extraction_json(run_extract(_read_html(file), url))
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    base = Path(jsonl.name).parent if jsonl.name not in ("<stdin>", "-") else Path.cwd()
    for lineno, line in enumerate(jsonl, start=1):
        if not line.strip():
            continue
        try:
            task = json.loads(line)
            path = Path(task["path"])
            if not path.is_absolute() and not path.exists():
                path = base / path
            started = time.perf_counter()
            extraction = run_extract(_read_html(path), task.get("url"))
            elapsed = (time.perf_counter() - started) * 1000
            out = {"id": task.get("id"), **_extraction_json(extraction)}
            if timings:
                out["ms"] = round(elapsed, 2)
        except (ValueError, KeyError, OSError, TypeError) as exc:
            out = {
                "id": task.get("id") if isinstance(task, dict) else None,
                "error": f"line {lineno}: {type(exc).__name__}: {exc}",
            }
        click.echo(json.dumps(out, ensure_ascii=False))


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
    """List outlets with their last crawl's figures."""
    from archive import Archive, ArchiveError
    from outlets import OutletConfigError, load_outlets
    from records import utcnow

    settings = _settings()
    try:
        outlets = load_outlets(settings.get("NEWSWATCH_OUTLETS"))
    except OutletConfigError as exc:
        _fail(str(exc))
    try:
        archive = Archive(settings.get("NEWSWATCH_DB"), settings.getint("NEWSWATCH_BUSY_TIMEOUT_MS"))
    except ArchiveError as exc:
        _fail(str(exc), 1)
    try:
        latest = archive.latest_runs()
        counts = dict(archive.conn.execute("SELECT outlet, count(*) FROM articles GROUP BY outlet"))
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
                "archived": counts.get(o.key, 0),
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
            r["archived"],
        ]
        for r in records
    ]
    click.echo(
        render_table(
            ["outlet", "name", "enabled", "sources", "last run", "status", "new", "errors", "archived"], rows
        )
    )


if __name__ == "__main__":
    main()
