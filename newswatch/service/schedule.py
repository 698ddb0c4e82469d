"""Trigger arithmetic (pure, clock injected): outlet intervals with jitter, the daily digest
in the team's time zone, and whether a restarted service still owes today's digest."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from newswatch.errors import ConfigError

#: A digest whose time has passed is still sent when the service starts this long after it.
DIGEST_GRACE = timedelta(hours=12)
_AT = re.compile(r"^\s*(\d{1,2}):(\d{2})(?:\s+(\S+))?\s*$")


class ScheduleError(ConfigError):
    """A schedule setting is invalid; the message names it."""


@dataclass(frozen=True)
class DigestTime:
    at: time
    zone: ZoneInfo

    def __str__(self) -> str:
        return f"{self.at:%H:%M} {self.zone.key}"


def parse_digest_at(text: str, default_zone: ZoneInfo) -> DigestTime:
    """``"07:30"`` (in the default zone) or ``"07:30 Europe/Brussels"``."""
    m = _AT.match(text or "")
    if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
        raise ScheduleError(
            f"NEWSWATCH_DIGEST_AT={text!r}: use HH:MM or 'HH:MM Area/City' (e.g. 07:30 Europe/Brussels)"
        )
    zone = default_zone
    if m.group(3):
        try:
            zone = ZoneInfo(m.group(3))
        except (ZoneInfoNotFoundError, ValueError):
            raise ScheduleError(f"NEWSWATCH_DIGEST_AT={text!r}: unknown time zone {m.group(3)!r}") from None
    return DigestTime(time(int(m.group(1)), int(m.group(2))), zone)


def digest_trigger(when: DigestTime) -> CronTrigger:
    """Every day at that wall-clock time in that zone (DST handled by the zone)."""
    return CronTrigger(hour=when.at.hour, minute=when.at.minute, timezone=when.zone)


def outlet_trigger(interval: timedelta, start: datetime | None = None) -> IntervalTrigger:
    """An outlet's polling: its interval with up to 10% (at most a minute) of jitter, so
    outlets on the same interval do not all fire in the same second."""
    seconds = interval.total_seconds()
    return IntervalTrigger(seconds=int(seconds), jitter=int(min(seconds * 0.1, 60)), start_date=start)


def last_slot(now: datetime, when: DigestTime) -> datetime:
    """The most recent digest time at or before ``now`` (aware)."""
    local = now.astimezone(when.zone)
    slot = datetime.combine(local.date(), when.at, tzinfo=when.zone)
    if slot > local:
        slot = datetime.combine(local.date() - timedelta(days=1), when.at, tzinfo=when.zone)
    return slot


def digest_owed(
    now: datetime, when: DigestTime, last_attempt: datetime | None, grace: timedelta = DIGEST_GRACE
) -> bool:
    """At start-up (or on ``--once``): True when the latest digest time has passed within
    ``grace`` and no digest run has happened since it — so a service restarted at 08:10
    still sends the 07:30 digest, once."""
    slot = last_slot(now, when)
    if now - slot > grace:
        return False
    return last_attempt is None or last_attempt < slot
