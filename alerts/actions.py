"""The buttons on alert messages (Relevant, Not relevant, Mute story, Wrong story) and what a
click on one does.

With ``SLACK_APP_TOKEN`` set, every alert message carries an actions block of four buttons; the
value of each names the alert and its article (``"<alert id>:<article id>"``). A click comes
back through Socket Mode (newswatch/service/socket.py) as a ``block_actions`` payload:
:func:`read_clicks` reads it (pure), :func:`forged` checks it against the alert as archived
(the alert must exist, be of that article, and be the very message clicked, in its channel),
and :func:`apply` stores it through the archive: a judgement in ``labels``, a mute in
``story_mutes``, a move in ``story_moves``. Below the message's content, a context line says
who judged what ("Not relevant — marked by @ana · Relevant — marked by @ben").
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from alerts.render import MAX_SECTION, SlackMessage, clip, local_time, slack_escape
from newswatch.archive import AlertRow, Archive
from newswatch.clock import sql_time

log = logging.getLogger("newswatch.feedback")

#: action_id → what the click means.
ACTIONS = {
    "newswatch_relevant": "relevant",
    "newswatch_irrelevant": "irrelevant",
    "newswatch_mute": "mute",
    "newswatch_wrong_story": "wrong_story",
}
#: The buttons in their order: (what, label).
BUTTONS = (
    ("relevant", "Relevant"),
    ("irrelevant", "Not relevant"),
    ("mute", "Mute story"),
    ("wrong_story", "Wrong story"),
)
ACTION_IDS = {what: action_id for action_id, what in ACTIONS.items()}
BLOCK_ID = "newswatch_feedback"
#: How a stored judgement reads on the message.
LABEL_SHOWN = {"relevant": "Relevant", "irrelevant": "Not relevant", "borderline": "Borderline"}
MAX_WHO = 80  # characters of a user name as shown


def buttons_block(alert_id: int, article_id: int) -> dict[str, Any]:
    """The actions block: four buttons whose value names the alert and its article."""
    value = f"{alert_id}:{article_id}"
    return {
        "type": "actions",
        "block_id": BLOCK_ID,
        "elements": [
            {
                "type": "button",
                "action_id": ACTION_IDS[what],
                "text": {"type": "plain_text", "text": label},
                "value": value,
                **({"style": "primary"} if what == "relevant" else {}),
            }
            for what, label in BUTTONS
        ],
    }


@dataclass(frozen=True)
class Feedback:
    """What the team said of an alert's article and story, as the message shows it."""

    labels: tuple[tuple[str, str], ...] = ()  # (label, who), oldest first
    muted_until: datetime | None = None  # the story's mute, while it lasts
    muted_by: str = ""
    moved_by: tuple[str, ...] = ()  # who took the article out of its story


def feedback_line(feedback: Feedback, tz: ZoneInfo) -> str:
    """``Not relevant — marked by @ana · Story muted until 9 Dec 2026 10:00 CET by @ben``
    (escaped); empty when nobody said anything."""
    parts = [f"{LABEL_SHOWN.get(label, label)} — marked by {_who(who)}" for label, who in feedback.labels]
    if feedback.muted_until is not None:
        until = local_time(sql_time(feedback.muted_until), tz)
        parts.append(f"Story muted until {until} by {_who(feedback.muted_by)}")
    parts += [f"Wrong story — moved to a story of its own by {_who(who)}" for who in feedback.moved_by]
    line = " · ".join(parts)
    return line if len(line) <= MAX_SECTION else line[: MAX_SECTION - 1] + "…"


def _who(who: str) -> str:
    return slack_escape(clip(who, MAX_WHO))


def with_buttons(message: SlackMessage, alert_id: int, article_id: int, line: str) -> SlackMessage:
    """The message with the judgements' line (when there is one) and the buttons after its
    content; the content itself unchanged."""
    blocks = list(message.blocks)
    if line:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": line}]})
    blocks.append(buttons_block(alert_id, article_id))
    return replace(message, blocks=blocks)


def feedback_of(archive: Archive, article_id: int, story_id: int | None) -> Feedback:
    """The judgements, mute and moves the archive holds for an alert's article and story."""
    labels = tuple((row["label"], row["who"]) for row in archive.labels.for_article(article_id))
    until, by = None, ""
    if story_id is not None:
        until = archive.labels.muted_until(story_id, archive.clock())
        mute = archive.labels.mute_of(story_id) if until is not None else None
        by = mute["who"] if mute else ""
    moved = tuple(row["who"] for row in archive.stories.moves(article_id))
    return Feedback(labels, until, by, moved)


# --- a click ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Click:
    """One button pressed on one message."""

    action: str  # relevant, irrelevant, mute, wrong_story
    alert_id: int
    article_id: int
    who: str  # "@name"
    channel: str | None  # where the message is (its channel id)
    message_ts: str | None  # which message


def read_clicks(payload: dict[str, Any]) -> tuple[list[Click], list[str]]:
    """The clicks of a ``block_actions`` payload, and why each action that is not one of ours
    (an unknown action id, an unreadable value) was left out."""
    clicks: list[Click] = []
    ignored: list[str] = []
    user = payload.get("user") or {}
    name = str(user.get("username") or user.get("name") or user.get("id") or "someone")
    container = payload.get("container") or {}
    channel = (payload.get("channel") or {}).get("id") or container.get("channel_id")
    message_ts = container.get("message_ts") or (payload.get("message") or {}).get("ts")
    for action in payload.get("actions") or ():
        action_id = str(action.get("action_id"))
        what = ACTIONS.get(action_id)
        if what is None:
            ignored.append(f"unknown action {action_id!r}")
            continue
        alert, _, article = str(action.get("value") or "").partition(":")
        if not (alert.isdigit() and article.isdigit()):
            ignored.append(f"{action_id}: unreadable value {str(action.get('value'))[:40]!r}")
            continue
        who = name if name.startswith("@") else f"@{name}"
        clicks.append(Click(what, int(alert), int(article), who, channel, message_ts))
    return clicks, ignored


def forged(click: Click, alert: AlertRow | None) -> str | None:
    """Why a click does not match the archive (no such alert, another article, another
    message or channel), or None when it does."""
    if alert is None:
        return f"no alert {click.alert_id}"
    if alert.article_id != click.article_id:
        return f"alert {click.alert_id} is not of article {click.article_id}"
    if alert.slack_ts is None or alert.slack_ts != click.message_ts:
        return f"alert {click.alert_id} is not the message {click.message_ts}"
    if alert.channel is not None and click.channel is not None and alert.channel != click.channel:
        return f"alert {click.alert_id} is not in channel {click.channel}"
    return None


@dataclass(frozen=True)
class Applied:
    """What a click stored: ``what`` (a label, ``mute``, ``wrong_story``) and, for a move,
    the article whose new top-level message was queued."""

    click: Click
    what: str
    queued_for: int | None = None
    note: str = ""


def source_of(alert: AlertRow) -> str:
    """Where the judgement was made: the review channel's messages, or the alert channel's."""
    return "review" if alert.kind == "review" else "slack"


def apply(archive: Archive, click: Click, alert: AlertRow, mute_days: float) -> Applied:
    """Store a checked click: a relevance judgement, a story's mute for ``mute_days`` from
    now, or the article's move into a story of its own (see ``archive.stories.move_out``)."""
    if click.action in ("relevant", "irrelevant"):
        archive.labels.add(click.article_id, click.action, click.who, source_of(alert))
        return Applied(click, click.action)
    if click.action == "mute":
        if alert.story_id is None:
            return Applied(click, "mute", note="the article is in no story: nothing to mute")
        until = archive.clock() + timedelta(days=mute_days)
        archive.labels.mute(alert.story_id, until, click.who)
        return Applied(click, "mute", note=f"story {alert.story_id} muted until {sql_time(until)} UTC")
    moved = archive.stories.move_out(click.article_id, click.who)
    if moved is None:
        return Applied(click, "wrong_story", note="the article is alone in its story: nothing to move")
    return Applied(
        click,
        "wrong_story",
        moved.queued_for,
        f"article {moved.article_id} moved from story {moved.from_story} to story {moved.to_story}",
    )
