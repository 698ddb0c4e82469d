"""The week's ledger: the rules report of the last seven days as one Slack message, posted
once a week on ``NEWSWATCH_RULES_REPORT_DAY`` from the digest's time of day
(``NEWSWATCH_DIGEST_AT``). Pure: when it is owed, and its text."""

from __future__ import annotations

from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from newswatch.config.environment import WEEKDAYS
from newswatch.feedback.report import ALL_RULES, Report, percent

#: ``service_state`` key: the local date of the report day whose ledger went out.
STATE_KEY = "rules_report_week"
#: The period a ledger covers.
WEEK = timedelta(days=7)
#: A ledger not sent at its moment (the service was stopped) is still sent this long after it.
GRACE = timedelta(days=1)
#: Misses named in the message at most (the rest are counted).
MAX_MISSES = 10
#: Slack's limit on a section's text is 3,000 characters; a ledger stays under it.
MAX_CHARS = 2900


def weekday(setting: str) -> int | None:
    """``NEWSWATCH_RULES_REPORT_DAY`` as checked (``mon`` … ``sun``) → 0 … 6; None for ``off``."""
    day = setting.strip().lower()
    return WEEKDAYS.index(day) if day in WEEKDAYS else None


def last_slot(now: datetime, day: int, at: time, zone: ZoneInfo) -> datetime:
    """The latest report moment (weekday ``day`` at ``at`` in ``zone``) at or before ``now``."""
    local = now.astimezone(zone)
    date = local.date() - timedelta(days=(local.weekday() - day) % 7)
    slot = datetime.combine(date, at, tzinfo=zone)
    if slot > local:
        slot = datetime.combine(date - timedelta(days=7), at, tzinfo=zone)
    return slot


def owed(
    now: datetime, day: int, at: time, zone: ZoneInfo, sent_for: str | None, grace: timedelta = GRACE
) -> str | None:
    """The week key (the report day's local date, ``2026-11-30``) of a ledger that is due and
    not sent yet, or None. From the report moment on, the week's ledger is owed for ``grace``
    until it goes out: a service stopped over it sends it when it is back within that, once."""
    slot = last_slot(now, day, at, zone)
    key = slot.date().isoformat()
    return None if sent_for == key or now - slot > grace else key


def message(report: Report, until: datetime, zone: ZoneInfo) -> str:
    """The ledger as plain text (Slack mrkdwn is applied by the caller's escaping): a header,
    one line per rule that fired or was judged, the total, then the misses."""
    start = (until - WEEK).astimezone(zone)
    end = until.astimezone(zone)
    total = report.total
    lines = [
        f"Rules ledger, {start:%-d %b} – {end:%-d %b %Y}: {total.alerts} alerts, {total.judged} judged "
        f"({total.relevant} relevant, {total.irrelevant} not relevant, {total.borderline} borderline), "
        f"precision {percent(total.precision)}; {len(report.misses)} missed "
        f"({report.misses_reviewed} of them marked for review)",
    ]
    active = [r for r in report.rules if r.alerts or r.judged]
    for r in active:
        lines.append(
            f"• {r.rule}: {r.alerts} alerts, {r.judged} judged, {r.relevant} relevant / "
            f"{r.irrelevant} not, precision {percent(r.precision)}"
        )
    if not active:
        lines.append(f"• {ALL_RULES}: no alert this week")
    if report.misses:
        lines.append("Missed (judged relevant, no rule flagged it):")
        for miss in report.misses[:MAX_MISSES]:
            tier = "marked for review" if miss.review else "not marked for review"
            lines.append(f"• #{miss.article_id} {miss.outlet}: {miss.title or miss.url} ({tier}; {miss.who})")
        if len(report.misses) > MAX_MISSES:
            lines.append(f"… and {len(report.misses) - MAX_MISSES} more: newswatch rules report --since 7d")
    out = "\n".join(lines)
    return out if len(out) <= MAX_CHARS else out[: MAX_CHARS - 1] + "…"
