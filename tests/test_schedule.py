"""Trigger arithmetic with an injected clock: digest times across DST, restarts, outlet jitter."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from itertools import pairwise
from zoneinfo import ZoneInfo

import pytest

from newswatch.service.schedule import (
    DigestTime,
    ScheduleError,
    digest_owed,
    digest_trigger,
    last_slot,
    outlet_trigger,
    parse_digest_at,
)

BRUSSELS = ZoneInfo("Europe/Brussels")
AT_0730 = DigestTime(time(7, 30), BRUSSELS)


def fires(trigger, start: datetime, n: int) -> list[datetime]:  # type: ignore[no-untyped-def]
    out, previous, now = [], None, start
    for _ in range(n):
        nxt = trigger.get_next_fire_time(previous, now)
        out.append(nxt)
        previous, now = nxt, nxt + timedelta(seconds=1)
    return out


def test_parse_digest_at() -> None:
    assert parse_digest_at("07:30", BRUSSELS) == AT_0730
    assert parse_digest_at(" 7:05 Asia/Shanghai ", BRUSSELS) == DigestTime(
        time(7, 5), ZoneInfo("Asia/Shanghai")
    )
    for bad in ("7.30", "25:00", "07:61", "07:30 Mars/Olympus", ""):
        with pytest.raises(ScheduleError, match="NEWSWATCH_DIGEST_AT"):
            parse_digest_at(bad, BRUSSELS)


def test_digest_fires_at_local_time_across_the_spring_dst_change() -> None:
    start = datetime(2026, 3, 27, 12, 0, tzinfo=UTC)
    got = fires(digest_trigger(AT_0730), start, 4)
    assert [f.astimezone(BRUSSELS).strftime("%m-%d %H:%M") for f in got] == [
        "03-28 07:30",
        "03-29 07:30",
        "03-30 07:30",
        "03-31 07:30",
    ]
    assert [f.astimezone(UTC).hour for f in got] == [6, 5, 5, 5]  # CET then CEST


def test_digest_fires_once_a_day_across_the_autumn_dst_change() -> None:
    got = fires(digest_trigger(AT_0730), datetime(2026, 10, 23, 12, 0, tzinfo=UTC), 4)
    assert [f.astimezone(BRUSSELS).strftime("%m-%d %H:%M") for f in got] == [
        "10-24 07:30",
        "10-25 07:30",
        "10-26 07:30",
        "10-27 07:30",
    ]
    assert [f.astimezone(UTC).hour for f in got] == [5, 6, 6, 6]  # CEST then CET
    utc = [f.astimezone(UTC) for f in got]  # same-zone subtraction would compare wall clocks
    gaps = [(b - a) for a, b in pairwise(utc)]
    assert gaps == [timedelta(hours=25), timedelta(hours=24), timedelta(hours=24)]


def test_a_service_restarted_after_the_digest_time_still_owes_it_once() -> None:
    today_0810 = datetime(2026, 11, 23, 8, 10, tzinfo=BRUSSELS)
    yesterday = datetime(2026, 11, 22, 7, 30, 5, tzinfo=BRUSSELS)
    assert digest_owed(today_0810, AT_0730, yesterday)  # the 07:30 run was missed
    assert digest_owed(today_0810, AT_0730, None)
    assert not digest_owed(
        today_0810, AT_0730, datetime(2026, 11, 23, 7, 30, 1, tzinfo=BRUSSELS)
    )  # sent already
    assert not digest_owed(
        datetime(2026, 11, 23, 20, 0, tzinfo=BRUSSELS), AT_0730, yesterday
    )  # past the grace
    assert not digest_owed(
        datetime(2026, 11, 23, 6, 0, tzinfo=BRUSSELS), AT_0730, datetime(2026, 11, 22, 7, 31, tzinfo=BRUSSELS)
    )  # before today's slot: yesterday's done


def test_last_slot_is_yesterday_before_the_time_and_today_after() -> None:
    assert last_slot(datetime(2026, 11, 23, 7, 0, tzinfo=BRUSSELS), AT_0730).day == 22
    assert last_slot(datetime(2026, 11, 23, 7, 30, tzinfo=BRUSSELS), AT_0730).day == 23


def test_outlet_triggers_keep_their_interval_with_bounded_jitter() -> None:
    """Outlets on one interval do not all fire in the same second: up to 10% (at most a
    minute) later each time."""
    start = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    for interval, jitter in ((timedelta(minutes=10), 60), (timedelta(seconds=20), 2)):
        trigger = outlet_trigger(interval, start)
        assert trigger.jitter == jitter
        got = fires(trigger, start, 20)
        assert start <= got[0] <= start + timedelta(seconds=jitter)
        for earlier, later in pairwise(got):  # each run: the interval after the last, plus jitter
            assert interval <= later - earlier <= interval + timedelta(seconds=jitter)
