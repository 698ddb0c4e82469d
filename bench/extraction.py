"""Article-extraction quality benchmark.

Scores one or more extraction "systems" on the development corpus in
``../shared/corpus/extraction/`` (relative to the project root): one folder
``<site>__<tag>-<id>/`` per page, holding ``page.html`` and ``truth.json``.
The subset tag is the part of the folder name after ``__`` up to the first
``-`` (``naeb``, ``fundeval``, ``fundus``, ``traf``, ``np4k``); the truth kind
is ``truth.json["truth_kind"]`` (``manual``, ``parser-regression``,
``snippets``).

Systems
-------
``trafilatura``
    ``trafilatura.bare_extraction(html, url=url, with_metadata=True,
    include_comments=False, favor_precision=True)`` in this process; the time
    of that call alone is the page's time.
``newswatch``
    ``newswatch extract --jsonl IN`` run once, as a subprocess, over all
    pages (``IN`` holds ``{"id", "url", "path"}`` lines; the command prints
    ``{"id", "title", "text", "published", "authors", "language"}`` lines).
    A page's time is the line's numeric ``ms`` key when present (the script
    passes ``--timings`` when ``newswatch extract --help`` mentions it), else
    the subprocess wall time divided by the page count. The subprocess wall
    time is reported as well.

Metrics
-------
Body (pages whose truth has ``body``)
    Both texts are lowercased and tokenised with ``re.findall(r"\\w+", text)``.
    *bow*: the tokens as multisets (``Counter``); overlap = size of the
    multiset intersection; P = overlap / |extracted|, R = overlap / |truth|,
    F1 = 2PR / (P + R). *sh4*: the same over multisets of 4-token shingles
    (every run of 4 consecutive tokens, as a tuple). A side with no
    tokens/shingles gives 0 for the ratio it divides, so an empty extraction
    scores P = R = F1 = 0. P, R and F1 are computed per page and then averaged
    (arithmetic mean) over the pages of a group; the reported F1 is the mean
    of per-page F1 values, not the F1 of mean P and R. The latter (the
    scrapinghub article-extraction-benchmark convention, which scores higher
    because low-F1 pages weigh less) is printed below the table and stored as
    ``*_f1_of_means`` in the JSON, for comparison with figures quoted that way
    (issue #7 quotes its body figures and targets this way).
Snippets (truth kind ``snippets``)
    Texts and snippets are normalised (lowercase, runs of whitespace collapsed
    to one space, stripped). A ``must_contain`` snippet is found when its
    normalised form is a substring of the normalised extracted text; a
    ``must_not_contain`` snippet present there is a false positive. Per page:
    R = found must_contain / total must_contain, P = 1 - false positives /
    total must_not_contain (P = 1 when there is no must_not_contain snippet),
    F1 = 2PR / (P + R); an empty extraction scores P = R = F1 = 0. Averaged
    over pages like the body metrics.
Metadata (accuracy = matches / pages whose truth has the field)
    *title*: exact match after normalisation (Unicode curly quotes and
    apostrophes mapped to ``'``/``"``, dashes and minus to ``-``, whitespace
    collapsed, stripped, casefolded). *exact* (``title_exact_acc``): the same
    characters, only runs of whitespace collapsed; this is the figure issue #7
    quotes ("title exact"). *date*: the first 10 characters of the
    extracted and expected ISO date/datetime strings are equal (same day as
    written, no time-zone conversion); a missing extracted date is a miss.
    *authors*: the sets of normalised names are equal (casefold, leading
    ``by `` removed, whitespace collapsed, empty names dropped); pages whose
    truth ``authors`` is missing or empty are skipped. trafilatura's
    ``author`` string is split on ``;``.
Speed
    Median milliseconds per page over the pages of a group.

Recall against trafilatura alone
    With both systems run, the report counts the pages where newswatch's
    recall (bow, sh4, snippets) is more than 10 and more than 1 point under
    trafilatura's, and lists the worst; the test suite fails when a page loses
    more than 10 points.

Groups: ``overall``, each truth kind, each subset tag. ``--worst K`` lists
the K body pages with the lowest newswatch bow F1 (trafilatura's next to it;
ranked by trafilatura when newswatch did not run).

Floors
------
``bench/baselines/extraction.json`` pins newswatch's figures per group
(``overall`` and each truth kind; body bow/sh4 F1, snippet F1, title, date and
authors accuracy). ``--check`` exits 1 when a figure falls below its floor;
``--raise-baseline`` stores today's figures as the new floors, never lowering
one (``--lower-baseline`` allows that, deliberately). Both need the whole
corpus (no ``--pages``/``--limit``). The test suite checks the same floors
in-process (``run_inprocess``), where the whole corpus takes about ten seconds.

Usage::

    .venv/bin/python bench/extraction.py [--systems trafilatura,newswatch]
        [--corpus PATH] [--limit N] [--pages GLOB] [--worst K] [--json OUT]
        [--check] [--raise-baseline [--lower-baseline]]
"""

from __future__ import annotations

import argparse
import fnmatch
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_CORPUS = PROJECT_ROOT.parent / "shared" / "corpus" / "extraction"
DEFAULT_JSON = PROJECT_ROOT / "bench" / "results" / "extraction.json"
BASELINE = PROJECT_ROOT / "bench" / "baselines" / "extraction.json"
DEFAULT_OUTLETS = PROJECT_ROOT / "config" / "outlets.toml"
# Figures pinned as floors, per group; all are "higher is better".
FLOOR_GROUPS = ("overall", "manual", "parser-regression", "snippets")
FLOOR_KEYS = (
    "bow_f1",
    "sh4_f1",
    "bow_f1_of_means",
    "sh4_f1_of_means",
    "snip_f1",
    "title_acc",
    "title_exact_acc",
    "date_acc",
    "authors_acc",
)
SYSTEMS = ("trafilatura", "newswatch")
KINDS = ("manual", "parser-regression", "snippets")
SUBSETS = ("naeb", "fundeval", "fundus", "traf", "np4k")
SHINGLE = 4
NEWSWATCH_TIMEOUT_S = 3600.0

_TOKEN_RE = re.compile(r"\w+")
_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032\u00b4`"
_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212"
_QUOTES = str.maketrans(
    {
        **dict.fromkeys(_SINGLE_QUOTES, "'"),
        **dict.fromkeys(_DOUBLE_QUOTES, '"'),
        **dict.fromkeys(_DASHES, "-"),
    }
)


# --------------------------------------------------------------------------
# Corpus


@dataclass(frozen=True)
class Page:
    """One corpus page and its expected values."""

    id: str
    subset: str
    kind: str
    url: str
    path: Path
    truth: dict[str, Any]


def subset_of(folder: str) -> str:
    """Subset tag: the part of the folder name after ``__`` up to the first ``-``."""
    return folder.split("__", 1)[-1].split("-", 1)[0]


def load_pages(corpus: Path, pattern: str | None, limit: int | None) -> list[Page]:
    """Corpus pages sorted by folder name, filtered by glob, then limited."""
    pages: list[Page] = []
    for folder in sorted(p for p in corpus.iterdir() if p.is_dir()):
        if pattern and not fnmatch.fnmatch(folder.name, pattern):
            continue
        truth_file, html_file = folder / "truth.json", folder / "page.html"
        if not (truth_file.is_file() and html_file.is_file()):
            continue
        truth = json.loads(truth_file.read_text(encoding="utf-8"))
        pages.append(
            Page(
                id=folder.name,
                subset=subset_of(folder.name),
                kind=str(truth.get("truth_kind", "")),
                url=str(truth.get("url", "")),
                path=html_file,
                truth=truth,
            )
        )
        if limit is not None and len(pages) >= limit:
            break
    return pages


# --------------------------------------------------------------------------
# Systems


@dataclass
class Prediction:
    """What one system extracted from one page."""

    text: str = ""
    title: str | None = None
    date: str | None = None
    authors: list[str] = field(default_factory=list)
    ms: float = 0.0
    error: str | None = None


@dataclass
class SystemRun:
    """All predictions of one system, keyed by page id, plus run-level facts."""

    name: str
    predictions: dict[str, Prediction]
    info: dict[str, Any] = field(default_factory=dict)


def progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def split_authors(value: Any) -> list[str]:
    """Authors as a list, from a list of strings or a ``;``-separated string."""
    if value is None:
        return []
    if isinstance(value, str):
        return [a.strip() for a in value.split(";") if a.strip()]
    if isinstance(value, Iterable):
        return [str(a).strip() for a in value if a is not None and str(a).strip()]
    return []


def optional_str(value: Any) -> str | None:
    return None if value is None else str(value)


def run_trafilatura(pages: Sequence[Page]) -> SystemRun:
    """Run trafilatura in this process, timing each ``bare_extraction`` call."""
    import trafilatura

    predictions: dict[str, Prediction] = {}
    for index, page in enumerate(pages, 1):
        html = page.path.read_text(encoding="utf-8")
        start = time.perf_counter()
        try:
            doc = trafilatura.bare_extraction(
                html,
                url=page.url or None,
                with_metadata=True,
                include_comments=False,
                favor_precision=True,
            )
            error = None
        except Exception as exc:  # one bad page must not stop the run
            doc, error = None, f"{type(exc).__name__}: {exc}"
        ms = (time.perf_counter() - start) * 1000.0
        predictions[page.id] = prediction_from_document(doc, ms, error)
        if index % 25 == 0 or index == len(pages):
            progress(f"trafilatura: {index}/{len(pages)} pages")
    return SystemRun("trafilatura", predictions, {"version": trafilatura.__version__})


def prediction_from_document(doc: Any, ms: float, error: str | None) -> Prediction:
    """Convert a trafilatura ``Document`` (or ``None``) into a ``Prediction``."""
    if doc is None:
        return Prediction(ms=ms, error=error or "no result")
    return Prediction(
        text=getattr(doc, "text", None) or "",
        title=optional_str(getattr(doc, "title", None)),
        date=optional_str(getattr(doc, "date", None)),
        authors=split_authors(getattr(doc, "author", None)),
        ms=ms,
        error=error,
    )


def find_newswatch() -> str | None:
    """The ``newswatch`` executable next to this interpreter, else on PATH."""
    local = Path(sys.executable).with_name("newswatch")
    if local.is_file() and os.access(local, os.X_OK):
        return str(local)
    return shutil.which("newswatch")


def supports_timings(exe: str) -> bool:
    """Whether ``newswatch extract --help`` mentions a ``--timings`` flag."""
    try:
        done = subprocess.run([exe, "extract", "--help"], capture_output=True, text=True, timeout=60)
    except (OSError, subprocess.SubprocessError):
        return False
    return "--timings" in done.stdout + done.stderr


def write_jsonl_input(pages: Sequence[Page], target: Path) -> None:
    with target.open("w", encoding="utf-8") as handle:
        for page in pages:
            line = {"id": page.id, "url": page.url, "path": str(page.path)}
            handle.write(json.dumps(line, ensure_ascii=False) + "\n")


def parse_output_lines(stdout: str) -> dict[str, dict[str, Any]]:
    """Output records keyed by id; lines that are not JSON objects are ignored."""
    records: dict[str, dict[str, Any]] = {}
    for line in stdout.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(record, dict) and "id" in record:
            records[str(record["id"])] = record
    return records


def prediction_from_record(record: dict[str, Any] | None, avg_ms: float) -> Prediction:
    """Convert one ``newswatch extract`` output line into a ``Prediction``."""
    if record is None:
        return Prediction(ms=avg_ms, error="no output line")
    ms = record.get("ms")
    own_ms = float(ms) if isinstance(ms, int | float) and not isinstance(ms, bool) else None
    return Prediction(
        text=str(record.get("text") or ""),
        title=optional_str(record.get("title")),
        date=optional_str(record.get("published")),
        authors=split_authors(record.get("authors")),
        ms=avg_ms if own_ms is None else own_ms,
        error=optional_str(record.get("error")),
    )


def run_newswatch(pages: Sequence[Page], exe: str) -> SystemRun:
    """Run ``newswatch extract --jsonl`` once over all pages."""
    timings = supports_timings(exe)
    with tempfile.TemporaryDirectory(prefix="bench-extraction-") as tmp:
        jsonl = Path(tmp) / "pages.jsonl"
        write_jsonl_input(pages, jsonl)
        command = [exe, "extract", "--jsonl", str(jsonl)] + (["--timings"] if timings else [])
        progress(f"newswatch: running {' '.join(command)} on {len(pages)} pages")
        start = time.perf_counter()
        try:
            done = subprocess.run(command, capture_output=True, text=True, timeout=NEWSWATCH_TIMEOUT_S)
            stdout, stderr, code = done.stdout, done.stderr, done.returncode
        except subprocess.TimeoutExpired as exc:
            stdout = exc.stdout.decode() if isinstance(exc.stdout, bytes) else exc.stdout or ""
            stderr, code = f"timed out after {NEWSWATCH_TIMEOUT_S:.0f} s", -1
        total_s = time.perf_counter() - start
    if code != 0:
        tail = "\n".join(stderr.strip().splitlines()[-15:])
        progress(f"newswatch: exit code {code}; stderr tail:\n{tail}")
    records = parse_output_lines(stdout)
    avg_ms = total_s * 1000.0 / max(len(pages), 1)
    predictions = {p.id: prediction_from_record(records.get(p.id), avg_ms) for p in pages}
    info = {
        "executable": exe,
        "timings_flag": timings,
        "returncode": code,
        "subprocess_total_s": round(total_s, 3),
        "avg_ms_per_page": round(avg_ms, 2),
        "output_lines_matched": sum(1 for p in pages if p.id in records),
    }
    progress(f"newswatch: done in {total_s:.1f} s, {info['output_lines_matched']} lines matched")
    return SystemRun("newswatch", predictions, info)


def read_html(path: Path) -> str:
    """A saved page as ``newswatch extract`` reads it: UTF-8 when the bytes are valid
    UTF-8, else the page's own declaration or a detected encoding."""
    from w3lib.encoding import html_to_unicode

    data = path.read_bytes()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return html_to_unicode(None, data)[1]


def run_inprocess(pages: Sequence[Page], outlets_file: Path = DEFAULT_OUTLETS) -> SystemRun:
    """newswatch's extraction in this process, with each page's outlet overrides chosen
    by its URL as ``newswatch extract`` chooses them; a page's time is its call's."""
    if str(PROJECT_ROOT) not in sys.path:
        sys.path.insert(0, str(PROJECT_ROOT))
    from newswatch.extraction import extract
    from newswatch.outlets import load_outlets, outlet_for_url

    outlets = load_outlets(outlets_file)
    predictions: dict[str, Prediction] = {}
    for page in pages:
        html = read_html(page.path)
        outlet = outlet_for_url(outlets, page.url or None)
        start = time.perf_counter()
        try:
            result = extract(
                html,
                page.url or None,
                body_selector=outlet.body_selector if outlet else None,
                drop_selectors=outlet.drop_selectors if outlet else (),
            )
        except Exception as exc:  # one bad page must not stop the run
            predictions[page.id] = Prediction(error=f"{type(exc).__name__}: {exc}")
            continue
        ms = (time.perf_counter() - start) * 1000.0
        predictions[page.id] = Prediction(
            text=result.text,
            title=result.title,
            date=result.published.isoformat() if result.published else None,
            authors=list(result.authors),
            ms=ms,
        )
    return SystemRun("newswatch", predictions, {"in_process": True})


# --------------------------------------------------------------------------
# Metrics


def tokens(text: str) -> list[str]:
    return _TOKEN_RE.findall(text.lower())


def shingles(toks: Sequence[str], size: int = SHINGLE) -> Counter[tuple[str, ...]]:
    return Counter(tuple(toks[i : i + size]) for i in range(len(toks) - size + 1))


def prf(overlap: int, n_pred: int, n_truth: int) -> tuple[float, float, float]:
    """Precision, recall and F1 from an overlap count and the two sizes."""
    precision = overlap / n_pred if n_pred else 0.0
    recall = overlap / n_truth if n_truth else 0.0
    return precision, recall, f1(precision, recall)


def f1(precision: float, recall: float) -> float:
    total = precision + recall
    return 2 * precision * recall / total if total else 0.0


def multiset_prf(pred: Counter[Any], truth: Counter[Any]) -> tuple[float, float, float]:
    overlap = sum((pred & truth).values())
    return prf(overlap, sum(pred.values()), sum(truth.values()))


def body_scores(extracted: str, expected: str) -> dict[str, float]:
    pred_toks, truth_toks = tokens(extracted), tokens(expected)
    bow = multiset_prf(Counter(pred_toks), Counter(truth_toks))
    sh4 = multiset_prf(shingles(pred_toks), shingles(truth_toks))
    return {
        "bow_p": bow[0],
        "bow_r": bow[1],
        "bow_f1": bow[2],
        "sh4_p": sh4[0],
        "sh4_r": sh4[1],
        "sh4_f1": sh4[2],
    }


def normalise_space(text: str) -> str:
    return " ".join(text.split())


def snippet_scores(extracted: str, must: Sequence[str], must_not: Sequence[str]) -> dict[str, float]:
    text = normalise_space(extracted.lower())
    if not text:
        return {"snip_p": 0.0, "snip_r": 0.0, "snip_f1": 0.0}
    found = sum(1 for s in must if normalise_space(s.lower()) in text)
    false_pos = sum(1 for s in must_not if normalise_space(s.lower()) in text)
    recall = found / len(must) if must else 1.0
    precision = 1.0 - false_pos / len(must_not) if must_not else 1.0
    return {"snip_p": precision, "snip_r": recall, "snip_f1": f1(precision, recall)}


def normalise_title(title: str) -> str:
    return normalise_space(title.translate(_QUOTES)).casefold()


def normalise_author(name: str) -> str:
    name = normalise_space(name.casefold())
    return name[3:].strip() if name.startswith("by ") else name


def title_match(predicted: str | None, expected: str) -> bool:
    return predicted is not None and normalise_title(predicted) == normalise_title(expected)


def title_exact(predicted: str | None, expected: str) -> bool:
    return predicted is not None and normalise_space(predicted) == normalise_space(expected)


def date_match(predicted: str | None, expected: str) -> bool:
    return bool(predicted) and str(predicted)[:10] == str(expected)[:10]


def authors_match(predicted: Sequence[str], expected: Sequence[str]) -> bool:
    pred = {normalise_author(a) for a in predicted} - {""}
    truth = {normalise_author(a) for a in expected} - {""}
    return pred == truth


def score_page(page: Page, pred: Prediction) -> dict[str, Any]:
    """All applicable metrics of one prediction against one page's truth."""
    truth = page.truth
    scores: dict[str, Any] = {"ms": pred.ms}
    if isinstance(truth.get("body"), str):
        scores.update(body_scores(pred.text, truth["body"]))
    if page.kind == "snippets" or "must_contain" in truth:
        must = list(truth.get("must_contain") or [])
        must_not = list(truth.get("must_not_contain") or [])
        scores.update(snippet_scores(pred.text, must, must_not))
    if truth.get("title"):
        scores["title_ok"] = title_match(pred.title, str(truth["title"]))
        scores["title_exact_ok"] = title_exact(pred.title, str(truth["title"]))
    if truth.get("date"):
        scores["date_ok"] = date_match(pred.date, str(truth["date"]))
    if truth.get("authors"):
        scores["authors_ok"] = authors_match(pred.authors, split_authors(truth["authors"]))
    return scores


# --------------------------------------------------------------------------
# Aggregation


# per_page[page_id][system] -> scores; summary[group][system] -> figures
PerPage = dict[str, dict[str, dict[str, Any]]]
Summary = dict[str, dict[str, dict[str, Any]]]

MEAN_KEYS = (
    "bow_p",
    "bow_r",
    "bow_f1",
    "sh4_p",
    "sh4_r",
    "sh4_f1",
    "snip_p",
    "snip_r",
    "snip_f1",
)
ACC_KEYS = ("title_ok", "title_exact_ok", "date_ok", "authors_ok")


def groups_of(pages: Sequence[Page]) -> dict[str, list[Page]]:
    """Pages per report group, in display order; empty groups are left out."""
    groups: dict[str, list[Page]] = {"overall": list(pages)}
    extra_kinds = sorted({p.kind for p in pages} - set(KINDS))
    extra_subsets = sorted({p.subset for p in pages} - set(SUBSETS))
    for kind in (*KINDS, *extra_kinds):
        groups[kind] = [p for p in pages if p.kind == kind]
    for subset in (*SUBSETS, *extra_subsets):
        groups[subset] = [p for p in pages if p.subset == subset]
    return {name: members for name, members in groups.items() if members}


def summarise(scores: Sequence[dict[str, Any]]) -> dict[str, Any]:
    """Means, accuracies, counts and median time over a group's page scores."""
    summary: dict[str, Any] = {"pages": len(scores)}
    body = [s for s in scores if "bow_f1" in s]
    snips = [s for s in scores if "snip_f1" in s]
    summary["body_pages"], summary["snippet_pages"] = len(body), len(snips)
    for key in MEAN_KEYS:
        values = [float(s[key]) for s in scores if key in s]
        summary[key] = statistics.fmean(values) if values else None
    for key in ACC_KEYS:
        values = [bool(s[key]) for s in scores if key in s]
        name = key.removesuffix("_ok")
        summary[f"{name}_n"] = len(values)
        summary[f"{name}_acc"] = sum(values) / len(values) if values else None
    for prefix in ("bow", "sh4", "snip"):
        p, r = summary[f"{prefix}_p"], summary[f"{prefix}_r"]
        summary[f"{prefix}_f1_of_means"] = None if p is None else f1(p, r)
    times = [float(s["ms"]) for s in scores]
    summary["median_ms"] = statistics.median(times) if times else None
    return summary


def build_summary(pages: Sequence[Page], per_page: PerPage, systems: Sequence[str]) -> Summary:
    """``summary[group][system]`` for every group and system."""
    result: Summary = {}
    for group, members in groups_of(pages).items():
        result[group] = {system: summarise([per_page[p.id][system] for p in members]) for system in systems}
    return result


def floors_of(summary: Summary, system: str = "newswatch") -> dict[str, dict[str, float]]:
    """Today's figures of ``system`` as floors (rounded down to 3 decimals)."""
    out: dict[str, dict[str, float]] = {}
    for group in FLOOR_GROUPS:
        row = summary.get(group, {}).get(system)
        if row:
            out[group] = {k: int(row[k] * 1000) / 1000 for k in FLOOR_KEYS if row.get(k) is not None}
    return out


def below_floors(
    summary: Summary, floors: dict[str, dict[str, float]], system: str = "newswatch"
) -> dict[str, tuple[float | None, float]]:
    """``{"group.figure": (today, floor)}`` for every figure under its floor."""
    low: dict[str, tuple[float | None, float]] = {}
    for group, figures in floors.items():
        row = summary.get(group, {}).get(system, {})
        for key, floor in figures.items():
            value = row.get(key)
            if value is None or value < floor:
                low[f"{group}.{key}"] = (value, floor)
    return low


def raised_floors(
    old: dict[str, dict[str, float]], new: dict[str, dict[str, float]], lower: bool = False
) -> dict[str, dict[str, float]]:
    """New floors: today's figures, but never below the old floors unless ``lower``."""
    if lower:
        return new
    merged = {group: dict(figures) for group, figures in old.items()}
    for group, figures in new.items():
        for key, value in figures.items():
            merged.setdefault(group, {})[key] = max(value, merged.get(group, {}).get(key, 0.0))
    return merged


# --------------------------------------------------------------------------
# Report


COLUMNS: tuple[tuple[str, str], ...] = (
    ("bowP", "bow_p"),
    ("bowR", "bow_r"),
    ("bowF1", "bow_f1"),
    ("sh4P", "sh4_p"),
    ("sh4R", "sh4_r"),
    ("sh4F1", "sh4_f1"),
    ("snpP", "snip_p"),
    ("snpR", "snip_r"),
    ("snpF1", "snip_f1"),
    ("title", "title_acc"),
    ("exact", "title_exact_acc"),
    ("date", "date_acc"),
    ("auth", "authors_acc"),
)


def fmt(value: float | None, width: int = 6, digits: int = 3) -> str:
    return f"{'-':>{width}}" if value is None else f"{value:>{width}.{digits}f}"


def format_table(summary: Summary, systems: Sequence[str]) -> str:
    """Fixed-width table: one row per (group, system)."""
    header = (
        f"{'group':<18} {'system':<11} {'pages':>5}"
        + "".join(f"{label:>6}" for label, _ in COLUMNS)
        + f"{'ms/pg':>9}"
    )
    lines = [header, "-" * len(header)]
    for index, (group, by_system) in enumerate(summary.items()):
        if index and len(systems) > 1:
            lines.append("")
        for position, system in enumerate(systems):
            row = by_system[system]
            label = group if position == 0 else ""
            cells = "".join(fmt(row[key]) for _, key in COLUMNS)
            lines.append(f"{label:<18} {system:<11} {row['pages']:>5}{cells}{fmt(row['median_ms'], 9, 1)}")
    return "\n".join(lines)


def format_f1_of_means(overall: dict[str, dict[str, Any]]) -> str:
    parts = [
        f"{system} bow {fmt(row['bow_f1_of_means'], 0)} sh4 {fmt(row['sh4_f1_of_means'], 0)}"
        for system, row in overall.items()
    ]
    return "overall F1 of mean P and mean R (scrapinghub style): " + "; ".join(parts)


def format_counts(overall: dict[str, Any]) -> str:
    return (
        f"scored on: body {overall['body_pages']} pages, snippets {overall['snippet_pages']}, "
        f"title {overall['title_n']}, date {overall['date_n']}, authors {overall['authors_n']}; "
        "P/R/F1 are per-page means, ms/pg is the median"
    )


def format_subprocess(info: dict[str, Any], pages: int) -> str:
    return (
        f"newswatch subprocess: {info['subprocess_total_s']:.1f} s total for {pages} pages "
        f"({info['avg_ms_per_page']:.1f} ms/page average), exit code {info['returncode']}, "
        f"{info['output_lines_matched']} output lines matched"
    )


def format_worst(pages: Sequence[Page], per_page: PerPage, systems: Sequence[str], k: int) -> str:
    """The ``k`` body pages with the lowest bow F1 of newswatch (or of the first system)."""
    rank_by = "newswatch" if "newswatch" in systems else systems[0]
    others = [s for s in systems if s != rank_by]
    body = [p for p in pages if "bow_f1" in per_page[p.id][rank_by]]
    body.sort(key=lambda p: (per_page[p.id][rank_by]["bow_f1"], p.id))
    names = [rank_by, *others]
    lines = [
        f"worst {min(k, len(body))} body pages by {rank_by} bow F1 (sh4 F1 in brackets)",
        "".join(f"{name[:13]:>15}" for name in names) + "  page",
    ]
    for page in body[:k]:
        cells = "".join(
            f"{per_page[page.id][n]['bow_f1']:>7.3f} ({per_page[page.id][n]['sh4_f1']:.3f})" for n in names
        )
        lines.append(f"{cells}  {page.id}")
    return "\n".join(lines)


RECALL_KEYS = ("bow_r", "sh4_r", "snip_r")


def recall_losses(
    pages: Sequence[Page], per_page: PerPage, system: str = "newswatch"
) -> list[tuple[float, str, str]]:
    """``(delta, page id, recall key)`` for every page and recall figure, newswatch's minus
    trafilatura's, worst first: how much of the truth the cleaned text lost against
    trafilatura alone."""
    deltas = []
    for page in pages:
        mine, base = per_page[page.id][system], per_page[page.id]["trafilatura"]
        deltas.extend(
            (mine[key] - base[key], page.id, key) for key in RECALL_KEYS if key in base and key in mine
        )
    return sorted(deltas)


def format_recall_losses(losses: Sequence[tuple[float, str, str]], k: int = 10) -> str:
    """Pages losing recall against trafilatura alone: counts over 10 and 1 points, the worst."""
    lines = [
        "recall against trafilatura alone: "
        + "; ".join(
            f"{key} {sum(d < -0.10 for d, _, kk in losses if kk == key)} pages lose >10 pts, "
            f"{sum(d < -0.01 for d, _, kk in losses if kk == key)} >1 pt"
            for key in RECALL_KEYS
        )
    ]
    lines.extend(f"{delta:+.3f} {key} {page}" for delta, page, key in losses[:k] if delta < -0.01)
    return "\n".join(lines)


def page_records(
    pages: Sequence[Page], runs: dict[str, SystemRun], per_page: PerPage
) -> list[dict[str, Any]]:
    """Per-page JSON records: identity, truth metadata, scores and predicted metadata."""
    records = []
    for page in pages:
        systems: dict[str, Any] = {}
        for name, run in runs.items():
            pred = run.predictions[page.id]
            details = asdict(pred)
            details.pop("text")
            details["text_chars"] = len(pred.text)
            systems[name] = {**per_page[page.id][name], **details}
        records.append(
            {
                "id": page.id,
                "subset": page.subset,
                "truth_kind": page.kind,
                "url": page.url,
                "truth": {k: page.truth.get(k) for k in ("title", "date", "authors")},
                "systems": systems,
            }
        )
    return records


def write_json(target: Path, payload: dict[str, Any]) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(json.dumps(payload, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")


# --------------------------------------------------------------------------
# Command line


def parse_systems(value: str) -> list[str]:
    names = [name.strip() for name in value.split(",") if name.strip()]
    unknown = [name for name in names if name not in SYSTEMS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(
            f"unknown system(s) {', '.join(unknown) or '(none)'}; choose from {', '.join(SYSTEMS)}"
        )
    return list(dict.fromkeys(names))


def positive_int(value: str) -> int:
    number = int(value)
    if number < 1:
        raise argparse.ArgumentTypeError("must be a positive integer")
    return number


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        description="Score article extraction (body, snippets, metadata, speed) on the shared corpus.",
        epilog="Metric definitions: see the module docstring of bench/extraction.py.",
    )
    add = parser.add_argument
    add("--corpus", type=Path, default=DEFAULT_CORPUS, help="corpus folder (default: %(default)s)")
    add(
        "--systems",
        type=parse_systems,
        default=list(SYSTEMS),
        help="comma-separated systems to run: trafilatura,newswatch (default: both)",
    )
    add("--limit", type=positive_int, metavar="N", help="only the first N pages (by folder name)")
    add("--pages", metavar="GLOB", help="only folders whose name matches GLOB")
    add("--worst", type=positive_int, metavar="K", help="list the K weakest body pages")
    add(
        "--json",
        type=Path,
        default=DEFAULT_JSON,
        metavar="OUT",
        help="output (default: %(default)s)",
    )
    add("--check", action="store_true", help=f"exit 1 when a newswatch figure is below {BASELINE.name}")
    add("--raise-baseline", action="store_true", help="store today's newswatch figures as floors (only up)")
    add("--lower-baseline", action="store_true", help="with --raise-baseline: allow floors to go down")
    return parser


def apply_baseline(args: argparse.Namespace, summary: Summary, whole_corpus: bool) -> int:
    """--raise-baseline and --check against bench/baselines/extraction.json; exit code."""
    if not (args.raise_baseline or args.check):
        return 0
    if "newswatch" not in summary["overall"]:
        print("floors concern newswatch, which did not run")
        return 1
    if not whole_corpus:
        print("floors are for the whole corpus: drop --pages / --limit")
        return 1
    old = json.loads(BASELINE.read_text(encoding="utf-8")) if BASELINE.exists() else {}
    if args.raise_baseline:
        floors = raised_floors(old, floors_of(summary), lower=args.lower_baseline)
        BASELINE.parent.mkdir(parents=True, exist_ok=True)
        BASELINE.write_text(json.dumps(floors, indent=2) + "\n", encoding="utf-8")
        print(f"floors written to {BASELINE}")
        old = floors
    low = below_floors(summary, old)
    for name, (value, floor) in low.items():
        print(f"BELOW FLOOR: {name} {value} < {floor}")
    return 1 if args.check and low else 0


def run_systems(pages: Sequence[Page], systems: Sequence[str]) -> dict[str, SystemRun]:
    """Run every requested system that is available."""
    runners: dict[str, Callable[[], SystemRun | None]] = {
        "trafilatura": lambda: run_trafilatura(pages),
        "newswatch": lambda: newswatch_or_none(pages),
    }
    runs: dict[str, SystemRun] = {}
    for name in systems:
        run = runners[name]()
        if run is not None:
            runs[name] = run
    return runs


def newswatch_or_none(pages: Sequence[Page]) -> SystemRun | None:
    exe = find_newswatch()
    if exe is None:
        print("newswatch: command not found (next to the interpreter or on PATH); skipping it")
        return None
    return run_newswatch(pages, exe)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    corpus: Path = args.corpus
    if not corpus.is_dir():
        print(f"extraction corpus not found at {corpus}; nothing to do")
        return 0
    pages = load_pages(corpus, args.pages, args.limit)
    if not pages:
        print(f"no pages in {corpus} match the selection; nothing to do")
        return 0
    progress(f"{len(pages)} pages from {corpus}")
    runs = run_systems(pages, args.systems)
    if not runs:
        print("no system ran; nothing to report")
        return 0
    systems = list(runs)
    per_page: PerPage = {
        p.id: {name: score_page(p, runs[name].predictions[p.id]) for name in systems} for p in pages
    }
    summary = build_summary(pages, per_page, systems)
    print(format_table(summary, systems))
    print(format_counts(summary["overall"][systems[0]]))
    print(format_f1_of_means(summary["overall"]))
    if "newswatch" in runs:
        print(format_subprocess(runs["newswatch"].info, len(pages)))
    if {"newswatch", "trafilatura"} <= set(runs):
        print(format_recall_losses(recall_losses(pages, per_page)))
    if args.worst:
        print()
        print(format_worst(pages, per_page, systems, args.worst))
    payload = {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "corpus": str(corpus),
        "selection": {"pages_glob": args.pages, "limit": args.limit, "pages": len(pages)},
        "systems": {name: run.info for name, run in runs.items()},
        "summary": summary,
        "pages": page_records(pages, runs, per_page),
    }
    write_json(args.json, payload)
    progress(f"wrote {args.json}")
    return apply_baseline(args, summary, whole_corpus=not (args.pages or args.limit))


if __name__ == "__main__":
    sys.exit(main())
