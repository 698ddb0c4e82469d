"""Dates: when a page was published (and last modified), from ld+json, meta tags, the
page's ``<time>`` elements, its title, htmldate, and the date a reader sees, kept in the
zone the page shows."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

from htmldate import find_date

from newswatch.clock import parse_date
from newswatch.extraction.shown_dates import shown_datetime

DATE_META = (
    "article:published_time",
    "og:article:published_time",
    "article:publicationdate",
    "datepublished",
    "parsely-pub-date",
    "sailthru.date",
    "dc.date.issued",
    "dc.date",
    "dcterms.created",
    "pubdate",
    "publishdate",
    "publish-date",
    "date",
)
MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "lastmod")

_FUTURE_TOLERANCE = timedelta(days=1)


def _sane(value: datetime | None, now: datetime) -> datetime | None:
    """Drop dates in the future (beyond a day of clock skew) and before 1990."""
    if value is None or value > now + _FUTURE_TOLERANCE or value.year < 1990:
        return None
    return value


_DATE_BOXES = (
    "//*[contains(@class, 'date') or contains(@id, 'date') or contains(@class, 'publish')"
    " or contains(@id, 'publish') or contains(@class, 'byline') or contains(@class, 'timestamp')]"
)


def _zone(delta: timedelta) -> timezone | None:
    """The zone ``delta`` ahead of UTC when it is a real, non-zero one (at most 14 hours,
    in quarter hours)."""
    if delta and abs(delta) <= timedelta(hours=14) and delta % timedelta(minutes=15) == timedelta(0):
        return timezone(delta)
    return None


def _local_time(chosen: datetime, tree: Any, scope: Any, language: str | None) -> datetime:
    """The same instant in the page's own time zone when the page shows it: a ``<time>``
    element with an offset or as naive local time, or the visible text of a date box in the
    article (``scope``): "December 26, 2023 - 9:03AM". Its local day is the day a reader sees."""
    base = chosen.astimezone(UTC).replace(tzinfo=None)
    for raw in tree.xpath("//time/@datetime")[:20]:
        other = parse_date(raw)
        if other is None:
            continue
        if not re.search(r"\d:\d\d", raw):
            continue  # a day alone says nothing about the zone
        if not re.search(r"(?:[+-]\d\d:?\d\d|Z)\s*$", raw.strip(), re.IGNORECASE):
            if (zone := _zone(other.replace(tzinfo=None) - base)) is not None:
                return chosen.astimezone(zone)
        elif other == chosen and other.utcoffset() != chosen.utcoffset():
            return other
    if chosen.utcoffset():
        return chosen  # the structured date already carries the page's zone
    for node in scope.xpath("." + _DATE_BOXES)[:30]:
        text = node.text_content()
        if len(text) > 120 or (shown := shown_datetime(text, language)) is None:
            continue
        if (zone := _zone(shown - base.replace(second=0, microsecond=0))) is not None:
            return chosen.astimezone(zone)
    return chosen


_TITLE_DATE = re.compile(r"(?:^|[|–—-]\s*)(?:(\d{1,2})\.(\d{1,2})\.(\d{4})|(\d{4})-(\d{2})-(\d{2}))\s*$")


def _title_date(tree: Any, meta: dict[str, str], now: datetime) -> datetime | None:
    """A date the page's title ends with after a separator ("… | DW | 28.04.2023")."""
    for value in (meta.get("og:title"), tree.findtext(".//title")):
        found = _TITLE_DATE.search(value or "")
        if found is None:
            continue
        day, month, year = found.group(1, 2, 3) if found.group(1) else reversed(found.group(4, 5, 6))
        try:
            return _sane(datetime(int(year), int(month), int(day), tzinfo=UTC), now)
        except ValueError:
            continue
    return None


def _page_date(tree: Any, now: datetime) -> datetime | None:
    """An itemprop datePublished, else the article's ``<time>``, else the page's first."""
    values = tree.xpath(
        "(//*[@itemprop='datePublished']/@content | //*[@itemprop='datePublished']/@datetime"
        " | //article//time[@datetime]/@datetime | //time[@pubdate]/@datetime)[1]"
    ) or tree.xpath("(//time[@datetime]/@datetime)[1]")
    return _sane(parse_date(values[0]), now) if values else None


def _guessed_date(tree: Any, url: str | None, now: datetime) -> datetime | None:
    """htmldate's reading of the markup and the URL, never of free text (a rejected
    future date would otherwise come back as January 1st)."""
    try:
        found = find_date(
            tree,
            extensive_search=False,
            original_date=True,
            outputformat="%Y-%m-%dT%H:%M:%S%z",
            url=url,
            max_date=(now + _FUTURE_TOLERANCE).strftime("%Y-%m-%d"),
        )
    except (ValueError, TypeError):
        return None
    return _sane(parse_date(found), now) if found else None


def _shown_date(scope: Any, language: str | None, now: datetime) -> datetime | None:
    """The date a date box in the article prints ("3. März 2025, 14:30 Uhr"), read in the
    page's language: the first box with a day and a clock time, else the first with a day;
    naive, so taken as UTC like every zoneless date."""
    days: list[datetime] = []
    for node in scope.xpath("." + _DATE_BOXES)[:30]:
        text = node.text_content()
        if len(text) > 120 or (shown := shown_datetime(text, language, clock=False)) is None:
            continue
        if (found := _sane(shown.replace(tzinfo=UTC), now)) is None:
            continue
        if shown_datetime(text, language) is not None:
            return found
        days.append(found)
    return days[0] if days else None


def _same_day_with_clock(found: datetime, shown: datetime) -> bool:
    """True when htmldate's ``found`` is a day alone (midnight UTC) and the page shows a
    clock time on that day: the shown time is the more precise reading."""
    day_only = found.utcoffset() == timedelta(0) and (found.hour, found.minute, found.second) == (0, 0, 0)
    return day_only and shown.date() == found.date() and (shown.hour, shown.minute) != (0, 0)


def page_dates(
    tree: Any,
    scope: Any,
    meta: dict[str, str],
    article: dict[str, Any],
    url: str | None,
    now: datetime,
    language: str | None = None,
) -> tuple[tuple[datetime | None, str | None], tuple[datetime | None, str | None]]:
    """((published, source), (modified, source)). A modification date never stands in
    for the publication date here; ``extract`` uses it only when nothing else is known.
    ``language`` is the page's (or its outlet's): the language of the dates it prints."""
    modified: tuple[datetime | None, str | None] = (None, None)
    in_meta = next((d for k in MODIFIED_META if (d := _sane(parse_date(meta.get(k)), now))), None)
    if (found := _sane(parse_date(article.get("dateModified")), now)) is not None:
        modified = (found, "ld+json")
    elif in_meta is not None:
        modified = (in_meta, "meta")

    def not_modified(found: datetime | None) -> datetime | None:
        return None if found and modified[0] and found.date() == modified[0].date() else found

    def guessed() -> datetime | None:  # htmldate falls back on update dates: not those
        found = not_modified(_guessed_date(tree, url, now))
        shown = not_modified(_shown_date(scope, language, now))
        if found is None or shown is None:
            return found or shown
        return shown if _same_day_with_clock(found, shown) else found

    candidates: list[tuple[Callable[[], datetime | None], str]] = [
        (lambda: _sane(parse_date(article.get("datePublished")), now), "ld+json"),
        (lambda: next((d for k in DATE_META if (d := _sane(parse_date(meta.get(k)), now))), None), "meta"),
        (lambda: _page_date(tree, now), "page"),
        (lambda: _title_date(tree, meta, now), "page"),
        (guessed, "page"),
    ]
    published: tuple[datetime | None, str | None] = (None, None)
    for find, source in candidates:
        if (found := find()) is not None:
            published = (_local_time(found, tree, scope, language), source)
            break
    return published, modified

