"""What a worker sends the hub, as JSON: the records and their checks.

Three kinds of record, and nothing else can reach the archive from a worker:

- ``article``: an extracted article (the page's URLs, what its source said, the extraction);
  the hub classifies it and stores it with its story and alert, as a local crawl does;
- ``seen``: the outcome of a page that is not archived (``empty``, ``stale``, ``not_html``,
  ``gone``, ``offsite``), or ``touch``: an archived page fetched again without a usable text;
- ``run``: one outlet's ``crawl_runs`` row of a run and its network verdict.

Every batch is checked whole before anything is written (:func:`parse_batch`): an unknown key,
kind or status, a wrong type, an over-long field is a :class:`BadBatch` naming the record.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from newswatch.archive import RUN_COUNTERS
from newswatch.errors import NewswatchError
from newswatch.records import SOURCE_KINDS, Article, Candidate, Extraction

#: Statuses a worker may give a page it did not archive (``touch``: fetched again, kept as it was).
SEEN_STATUSES = ("empty", "stale", "not_html", "gone", "offsite", "touch")
RUN_STATUSES = ("ok", "partial", "failed")
Url = Annotated[str, Field(min_length=1, max_length=8192)]
Short = Annotated[str, Field(max_length=2000)]
Key = Annotated[str, Field(min_length=1, max_length=200)]


class BadBatch(NewswatchError):
    """A batch the hub refuses whole: not JSON, or a record that is not one it takes."""


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _aware(value: datetime | None) -> datetime | None:
    if value is not None and value.tzinfo is None:
        raise ValueError("has no time zone")
    return value.astimezone(UTC) if value is not None else None


class CandidateRecord(_Record):
    url: Url
    source: Url
    source_kind: Literal["feed", "news_sitemap", "sitemap", "listing"]
    title: Short | None = None
    published: datetime | None = None
    updated: datetime | None = None
    summary: Annotated[str, Field(max_length=100_000)] | None = None
    language: Key | None = None
    earlier_url: Url | None = None

    _tz = field_validator("published", "updated")(_aware)


class ExtractionRecord(_Record):
    text: str
    title: Short | None = None
    authors: tuple[Short, ...] = ()
    published: datetime | None = None
    published_source: Key | None = None
    language: Key | None = None
    description: Annotated[str, Field(max_length=100_000)] | None = None
    canonical_url: Url | None = None

    _tz = field_validator("published")(_aware)


class ArticleRecord(_Record):
    kind: Literal["article"]
    run_id: Key
    outlet: Key
    url: Url
    final_url: Url
    fetched_at: datetime
    revisit: bool = False
    outlet_language: Key | None = None
    candidate: CandidateRecord
    extraction: ExtractionRecord

    _tz = field_validator("fetched_at")(_aware)


class SeenRecord(_Record):
    kind: Literal["seen"]
    outlet: Key
    urls: Annotated[tuple[Url, ...], Field(min_length=1, max_length=10)]
    status: Literal["empty", "stale", "not_html", "gone", "offsite", "touch"]
    published: datetime | None = None
    detail: Short | None = None

    _tz = field_validator("published")(_aware)


class RunRow(_Record):
    run_id: Key
    outlet: Key
    started_at: Annotated[str, Field(max_length=40)]
    finished_at: Annotated[str, Field(max_length=40)]
    duration_s: float
    status: Literal["ok", "partial", "failed"]
    last_error: Short | None = None
    first_error: Short | None = None
    counts: dict[str, Annotated[int, Field(ge=0, le=2**31 - 1)]] = Field(default_factory=dict)

    @field_validator("counts")
    @classmethod
    def _known_counters(cls, counts: dict[str, int]) -> dict[str, int]:
        unknown = sorted(set(counts) - set(RUN_COUNTERS))
        if unknown:
            raise ValueError(f"unknown counter {unknown[0]!r}")
        return counts


class RunRecord(_Record):
    kind: Literal["run"]
    row: RunRow
    network: Literal["resolved", "dns", "unknown"] = "unknown"
    worker: Short = ""


Record = ArticleRecord | SeenRecord | RunRecord


class Batch(BaseModel):
    model_config = ConfigDict(extra="forbid")
    records: list[Annotated[Record, Field(discriminator="kind")]] = Field(max_length=10_000)


class NewQuestion(BaseModel):
    """Which of a source's candidate URLs are worth fetching (one call per source read)."""

    model_config = ConfigDict(extra="forbid")
    outlet: Key
    urls: list[tuple[Url, Url | None, datetime | None]] = Field(max_length=100_000)  # url, earlier, updated
    cutoff: datetime | None = None  # a backfill's window start (stale URLs inside it are fetched)
    revisit_since: datetime


def parse_batch(data: Any) -> Batch:
    """A batch checked whole; :class:`BadBatch` names the first record that is wrong."""
    try:
        return Batch.model_validate(data)
    except ValidationError as exc:
        raise BadBatch(_first_problem(exc)) from None


def parse_question(data: Any) -> NewQuestion:
    try:
        return NewQuestion.model_validate(data)
    except ValidationError as exc:
        raise BadBatch(_first_problem(exc)) from None


def _first_problem(exc: ValidationError) -> str:
    error = exc.errors()[0]
    where = ".".join(str(part) for part in error["loc"])
    return f"{where}: {error['msg']}" if where else str(error["msg"])


# --- records from a crawl's objects and back -------------------------------------------------


def _time(value: datetime | None) -> str | None:
    return value.astimezone(UTC).isoformat() if value is not None else None


def article_record(item: Article, run_id: str) -> dict[str, Any]:
    """The ``article`` record of an extracted article (its page's HTML is not sent)."""
    assert item.extraction is not None
    c, e = item.candidate, item.extraction
    return {
        "kind": "article",
        "run_id": run_id,
        "outlet": item.outlet,
        "url": item.url,
        "final_url": item.final_url,
        "fetched_at": _time(item.fetched_at),
        "revisit": item.revisit,
        "outlet_language": item.outlet_language,
        "candidate": {
            "url": c.url,
            "source": c.source,
            "source_kind": c.source_kind,
            "title": c.title,
            "published": _time(c.published),
            "updated": _time(c.updated),
            "summary": c.summary,
            "language": c.language,
            "earlier_url": c.earlier_url,
        },
        "extraction": {
            "text": e.text,
            "title": e.title,
            "authors": list(e.authors),
            "published": _time(e.published),
            "published_source": e.published_source,
            "language": e.language,
            "description": e.description,
            "canonical_url": e.canonical_url,
        },
    }


def seen_record(
    urls: list[str], outlet: str, status: str, published: datetime | None = None, detail: str | None = None
) -> dict[str, Any]:
    return {
        "kind": "seen",
        "outlet": outlet,
        "urls": list(dict.fromkeys(urls))[:10],
        "status": status,
        "published": _time(published),
        "detail": detail[:2000] if detail else None,
    }


def run_record(row: dict[str, Any], network: str, worker: str) -> dict[str, Any]:
    """The ``run`` record of a ``crawl_runs`` row (its counters under ``counts``)."""
    fixed = {k: row.get(k) for k in ("run_id", "outlet", "started_at", "finished_at", "duration_s", "status")}
    errors = {k: row[k][:2000] for k in ("last_error", "first_error") if row.get(k)}
    counts = {k: int(row[k]) for k in RUN_COUNTERS if row.get(k)}
    return {"kind": "run", "row": {**fixed, **errors, "counts": counts}, "network": network, "worker": worker}


def article_of(record: ArticleRecord) -> Article:
    """The crawl's :class:`Article` item again, for the hub's classify and store."""
    c, e = record.candidate, record.extraction
    assert c.source_kind in SOURCE_KINDS
    candidate = Candidate(
        url=c.url,
        outlet=record.outlet,
        source=c.source,
        source_kind=c.source_kind,
        title=c.title,
        published=c.published,
        updated=c.updated,
        summary=c.summary,
        language=c.language,
        earlier_url=c.earlier_url,
    )
    extraction = Extraction(
        text=e.text,
        title=e.title,
        authors=tuple(e.authors),
        published=e.published,
        published_source=e.published_source,
        language=e.language,
        description=e.description,
        canonical_url=e.canonical_url,
    )
    return Article(
        url=record.url,
        final_url=record.final_url,
        outlet=record.outlet,
        fetched_at=record.fetched_at,
        html="",
        candidate=candidate,
        outlet_language=record.outlet_language,
        extraction=extraction,
        revisit=record.revisit,
    )
