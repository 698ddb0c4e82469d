"""Time, in one place: the clock every component reads "now" from, the archive's UTC text
format, and reading the dates and spans people and sources write.

All times are aware datetimes in UTC inside the program, and ``YYYY-MM-DD HH:MM:SS`` (UTC)
in the archive, so that ``published > datetime('now', '-1 day')`` works in ad-hoc queries.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

#: The one seam for "now": the archive, stories, the outbox and the service take a ``Clock``
#: (default ``utcnow``), so tests fix the time instead of depending on the calendar.
Clock = Callable[[], datetime]

#: The longest span :func:`parse_interval` reads (``--since 36500d``, a hundred years back).
LONGEST_SPAN = timedelta(days=36_500)
_INTERVAL_RE = re.compile(r"(\d+)\s*([smhd])")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class SpanTooLong(ValueError):
    """A well-formed interval longer than the longest allowed."""


def utcnow() -> datetime:
    return datetime.now(UTC)


def fixed_clock(when: datetime) -> Clock:
    """A clock that always says ``when`` (aware, UTC)."""
    moment = to_utc(when)
    return lambda: moment


def to_utc(value: datetime) -> datetime:
    """Aware UTC datetime; naive values are taken as UTC."""
    if value.tzinfo is None:
        return value.replace(tzinfo=UTC)
    return value.astimezone(UTC)


def sql_time(value: datetime | None) -> str | None:
    """SQLite's own datetime format in UTC (``YYYY-MM-DD HH:MM:SS``)."""
    if value is None:
        return None
    return to_utc(value).strftime("%Y-%m-%d %H:%M:%S")


def from_sql_time(value: str | None) -> datetime | None:
    """The archive's UTC text back to an aware datetime; None when empty or unreadable."""
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError:
        return None


def parse_date(value: Any) -> datetime | None:
    """ISO 8601 / W3C datetime, RFC 822, or a UTC ``time.struct_time`` → aware datetime
    (naive values are taken as UTC); None when unreadable."""
    if value is None or value == "":
        return None
    if hasattr(value, "tm_year"):
        year, month, day, hour, minute, second = value[:6]
        return datetime(year, month, day, hour, minute, second, tzinfo=UTC)
    text = str(value).strip()
    if not text:
        return None
    iso = text.replace("Z", "+00:00").replace("z", "+00:00")
    iso = re.sub(r"([+-]\d\d)(\d\d)$", r"\1:\2", iso)  # +0100 → +01:00
    try:
        parsed = datetime.fromisoformat(iso)
    except ValueError:
        try:
            parsed = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return parsed  # aware, in the offset the source gave (its local day is kept)


def parse_interval(text: str, longest: timedelta = LONGEST_SPAN) -> timedelta:
    """``"10m"``, ``"1h30m"``, ``"45s"``, ``"1d"`` → timedelta; ValueError otherwise, and
    :class:`SpanTooLong` (a ValueError) beyond ``longest``, so no number overflows."""
    compact = text.strip().lower()
    pos, seconds = 0, 0
    for match in _INTERVAL_RE.finditer(compact):
        if match.start() != pos:
            break
        digits = match.group(1).lstrip("0") or "0"
        # more digits than any allowed span has: too long (and int() of them may refuse)
        number = int(digits) if len(digits) <= 15 else 10**15
        seconds += number * _UNITS[match.group(2)]
        pos = match.end()
    if not compact or pos != len(compact):
        raise ValueError(f"bad interval {text!r} (use e.g. '30s', '10m', '1h30m')")
    if seconds > longest.total_seconds():
        raise SpanTooLong(f"{text!r} is longer than {longest.days} days")
    return timedelta(seconds=seconds)


def parse_since(value: str, now: datetime) -> datetime:
    """``2026-01-01``, an ISO datetime, or a span back from now (``7d``, ``36h``, ``90m``),
    at most a hundred years back (further, date arithmetic overflows)."""
    text = value.strip()
    too_far = f"--since {value!r}: at most 100 years back ({LONGEST_SPAN.days}d)"
    try:
        return now - parse_interval(text)
    except SpanTooLong:
        raise ValueError(too_far) from None
    except ValueError:
        pass
    parsed = parse_date(text)
    if parsed is None:
        raise ValueError(f"--since {value!r}: use a date (2026-01-31), a datetime, or 7d / 36h")
    if parsed < now - LONGEST_SPAN:
        raise ValueError(too_far)
    return parsed


def zone_or_utc(name: str | None) -> ZoneInfo:
    """The time zone ``name`` (IANA), UTC when it is empty or unknown (a page is still shown;
    the settings check refuses a bad name at start)."""
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")
