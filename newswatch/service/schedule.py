"""Trigger arithmetic (pure, clock injected): outlet intervals with jitter, the daily digest
in the team's time zone, and whether a restarted service still owes today's digest."""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger
from pydantic import BaseModel, ConfigDict, ValidationInfo, field_validator

from newswatch.config.problems import SettingLayout, validate
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


class _DigestAt(BaseModel):
    """``NEWSWATCH_DIGEST_AT``: ``"07:30"`` (in the zone the context gives) or ``"07:30 Area/City"``."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    NEWSWATCH_DIGEST_AT: DigestTime

    @field_validator("NEWSWATCH_DIGEST_AT", mode="before")
    @classmethod
    def _parse(cls, text: Any, info: ValidationInfo) -> DigestTime:
        m = _AT.match(text if isinstance(text, str) else "")
        if not m or int(m.group(1)) > 23 or int(m.group(2)) > 59:
            raise ValueError("use HH:MM or 'HH:MM Area/City' (e.g. 07:30 Europe/Brussels)")
        zone = (info.context or {})["zone"]
        if m.group(3):
            try:
                zone = ZoneInfo(m.group(3))
            except (ZoneInfoNotFoundError, ValueError):
                raise ValueError(f"unknown time zone {m.group(3)!r}") from None
        return DigestTime(time(int(m.group(1)), int(m.group(2))), zone)


def parse_digest_at(text: str, default_zone: ZoneInfo) -> DigestTime:
    """``"07:30"`` (in the default zone) or ``"07:30 Europe/Brussels"``; ScheduleError names
    the setting."""
    given = {"NEWSWATCH_DIGEST_AT": text}
    context = {"zone": default_zone}
    return validate(_DigestAt, given, SettingLayout(), ScheduleError, context).NEWSWATCH_DIGEST_AT


def digest_trigger(when: DigestTime) -> CronTrigger:
    """Every day at that wall-clock time in that zone (DST handled by the zone)."""
    return CronTrigger(hour=when.at.hour, minute=when.at.minute, timezone=when.zone)


def jitter(interval: timedelta) -> timedelta:
    """How far an outlet's polls stray from its interval: 10 % of it, at most a minute."""
    return timedelta(seconds=int(min(interval.total_seconds() * 0.1, 60)))


def outlet_trigger(interval: timedelta, start: datetime | None = None) -> IntervalTrigger:
    """An outlet's polling: its interval with up to 10% (at most a minute) of jitter, so
    outlets on the same interval do not all fire in the same second."""
    seconds = interval.total_seconds()
    return IntervalTrigger(
        seconds=int(seconds), jitter=int(jitter(interval).total_seconds()), start_date=start
    )


def riders(
    leader: str,
    due: Mapping[str, datetime | None],
    intervals: Mapping[str, timedelta],
    now: datetime,
    room: int,
    busy: Collection[str] = (),
) -> list[str]:
    """The outlets that go with ``leader``'s crawl (at most ``room``, soonest due first): those
    due within their jitter of ``now``, so polling them now is within the schedule's own
    spread; none of ``busy`` (running, or crawled alone after a failure)."""
    soon = [
        (when, key)
        for key, when in due.items()
        if key != leader and key not in busy and when is not None and when <= now + jitter(intervals[key])
    ]
    return [key for _, key in sorted(soon)[: max(0, room)]]


def rider_next(
    rider: str, leader_next: datetime | None, intervals: Mapping[str, timedelta], leader: str, now: datetime
) -> datetime:
    """When a rider is due next: a little after its leader's next crawl when both have the same
    interval (so that crawl takes it again and the group holds), else its interval from now."""
    interval = intervals[rider]
    if leader_next is not None and intervals[leader] == interval:
        return leader_next + jitter(interval) / 2
    return now + interval


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
