"""Dates as a page shows them to readers ("3. März 2025, 14:30 Uhr", "12 марта 2025 года,
09:15", "December 26, 2023 - 9:03AM"): a day and a clock time found in a short free text.

Numeric days (``26.12.2023``, ``2023-12-26``) are read by regex alone. A day with a month
name, or with slashes, is read by dateparser in the page's language (then in English, which
this reader always understood), so month names and abbreviations come from dateparser's
locale data and an ambiguous ``03/04/2025`` follows the locale's day/month order.
dateparser is imported on first need, one parser per language is built once, and each
distinct date string is parsed once per process.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import lru_cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from dateparser.date import DateDataParser

_SETTINGS = {
    "PARSERS": ["absolute-time"],  # no relative ("yesterday") or timestamp readings
    "REQUIRE_PARTS": ["day", "month", "year"],
    "STRICT_PARSING": True,
    "PREFER_LOCALE_DATE_ORDER": True,  # 03/04/2025: 3 April in de/ru/uk, March 4 in en
    "PREFER_DATES_FROM": "past",
    "RETURN_AS_TIMEZONE_AWARE": False,
}
_FALLBACK = "en"
_MONTH = r"(?P<month>[^\W\d_]{3,12})\.?"
# Tried in this order; the first that matches decides (as a reader's eye would).
_SHOWN_DAY = (
    re.compile(_MONTH + r"\s+(?P<day>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<year>\d{4})"),  # December 26, 2023
    re.compile(r"(?P<day>\d{1,2})\.?\s+" + _MONTH + r",?\s+(?P<year>\d{4})"),  # 3. März 2025
    re.compile(r"(?P<day>\d{1,2})\.(?P<mon>\d{1,2})\.(?P<year>\d{4})"),  # 26.12.2023
    re.compile(r"(?P<year>\d{4})-(?P<mon>\d{2})-(?P<day>\d{2})"),  # 2023-12-26
    re.compile(r"(?<![\d/])\d{1,2}/\d{1,2}/(?P<year>\d{4})(?![\d/])"),  # 26/12/2023, 12/26/2023
)
_SHOWN_TIME = re.compile(r"(?<!\d)(?P<hour>\d{1,2})[:.](?P<minute>\d\d)(?!\d)\s*(?P<ampm>[ap]\.?m\.?)?", re.I)


@lru_cache(maxsize=64)
def _parser(language: str) -> DateDataParser | None:
    """dateparser for one language (None when dateparser does not know it); imported on
    first use, so a crawl whose pages all carry structured dates never loads it."""
    from dateparser.date import DateDataParser

    try:
        return DateDataParser(languages=[language], settings=_SETTINGS)
    except ValueError:
        return None


@lru_cache(maxsize=4096)
def _named_day(text: str, language: str | None) -> date | None:
    """The day a short date string names ("3. März 2025"), in ``language`` or English."""
    for code in dict.fromkeys((language or _FALLBACK, _FALLBACK)):
        parser = _parser(code)
        found = parser.get_date_data(text).date_obj if parser is not None else None
        if found is not None:
            return found.date()
    return None


def _day(found: re.Match[str], language: str | None) -> date | None:
    parts = found.groupdict()
    if parts.get("mon"):  # numeric, day and month in known places
        try:
            return date(int(parts["year"]), int(parts["mon"]), int(parts["day"]))
        except ValueError:
            return None
    day = _named_day(found.group(), language)
    if day is None or day.year != int(parts["year"]):
        return None
    return day if not parts.get("day") or day.day == int(parts["day"]) else None


def shown_datetime(text: str, language: str | None = None, clock: bool = True) -> datetime | None:
    """A day and a clock time as a page shows them to readers ("December 26, 2023 -
    9:03AM", "26.12.2023 09:03", "5 березня 2025 р., 18:40"), naive; month names are read
    in ``language`` (a code such as ``de``; English when unknown). None without both, or
    with ``clock=False``, the day alone at midnight when no time is shown."""
    for pattern in _SHOWN_DAY:
        found = pattern.search(text)
        if found is None:
            continue
        day = _day(found, language)
        time = _SHOWN_TIME.search(text[found.end() :]) or _SHOWN_TIME.search(text[: found.start()])
        if day is None or (time is None and clock):
            return None
        if time is None:
            return datetime(day.year, day.month, day.day)
        hour, minute = int(time["hour"]), int(time["minute"])
        if time["ampm"]:
            if hour > 12:
                return None
            hour = hour % 12 + (12 if time["ampm"][0].casefold() == "p" else 0)
        try:
            return datetime(day.year, day.month, day.day, hour, minute)
        except ValueError:
            return None
    return None
