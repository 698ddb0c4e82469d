"""Slack messages for alerts (pure): Block Kit blocks and a plain-text fallback.

Everything that comes from an article is escaped (``&``, ``<``, ``>``), so a title holding
``<!channel>`` or ``<https://evil|click>`` can neither ping anyone nor become a link; control
characters, invisible and direction-changing characters are taken out first (:func:`visible`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from alerts.outbox import AlertView
from newswatch.clock import from_sql_time
from newswatch.rules.gazetteer import Entity

SEVERITY_LABEL = {
    "high": ":red_circle: HIGH",
    "medium": ":large_orange_circle: MEDIUM",
    "low": ":white_circle: LOW",
}
#: How sure a flagged report is (newswatch.claims): said before anything else.
CLAIM_LABEL = {
    "designated": ":no_entry: DESIGNATED",
    "confirmed": ":white_check_mark: CONFIRMED",
    "official": ":classical_building: OFFICIAL",
    "denied": ":x: DENIED",
    "alleged": ":speech_balloon: ALLEGED",
}
#: What a review message says first: no rule flagged the article.
REVIEW_LABEL = "Worth a look — no rule flagged it"
MAX_SECTION = 2900  # Slack allows 3000 characters in a section's text
#: Named entities an alert states the facts of; further ones are counted ("and 2 more").
MAX_ENTITIES = 3
MAX_ENTITY_TEXT = 200  # characters of an entity's name, what it supplied, its designations
#: A legal form at the end of a name: "Co., Ltd.", "Limited", "Inc." (left out in alerts).
_LEGAL_FORM = re.compile(r"(?:[\s,]+(?:co|company|ltd|limited|inc|llc|corp)\.?)+$", re.IGNORECASE)
MAX_TITLE = 250
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")  # not tab, newline, return
#: bidi embeddings, overrides and isolates, zero-width space, word joiner, BOM: they hide or
#: reorder text (U+202E shows "gpj.exe" as "exe.jpg"). ZWJ and ZWNJ, which scripts and emoji
#: need, are kept.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u202a-\u202e\u2066-\u2069]")
_SURROGATE = re.compile("[\ud800-\udfff]")  # lone: a str holds a valid pair as one character


@dataclass(frozen=True)
class SlackMessage:
    text: str  # fallback for notifications and clients without blocks
    blocks: list[dict[str, Any]]


def visible(text: str) -> str:
    """Article text fit to show: control characters (a terminal's escape sequences, NUL) become
    spaces, invisible and direction-changing characters go, lone surrogates (which cannot be
    encoded) become U+FFFD. Lengths may change; apply it to pieces, not to text with offsets."""
    return _SURROGATE.sub("\ufffd", _INVISIBLE.sub("", _CONTROL.sub(" ", text)))


def clip(text: str, limit: int) -> str:
    """:func:`visible` text on one line (whitespace collapsed), at most ``limit`` characters."""
    text = " ".join(visible(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip() + "…"


def web_url(url: str) -> bool:
    """Only http(s) URLs become links (never ``javascript:`` or ``data:``)."""
    return url.lower().startswith(("http://", "https://"))


def slack_escape(text: str) -> str:
    """:func:`visible` text with the three characters Slack treats as markup escaped."""
    return visible(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _link_target(url: str) -> str:
    """A URL safe inside ``<url|label>``: no ``|``, ``<`` or ``>``, ``&`` escaped."""
    safe = quote(url, safe=":/?#[]@!$&'()*+,;=%~-._")
    return slack_escape(safe)


def local_time(sql_utc: str | None, tz: ZoneInfo) -> str:
    """``2026-11-22 14:05:00`` (UTC) → ``22 Nov 2026 15:05 CET`` in the team's zone."""
    if not sql_utc:
        return "date unknown"
    moment = from_sql_time(sql_utc)
    if moment is None:
        return sql_utc
    return moment.astimezone(tz).strftime("%-d %b %Y %H:%M %Z")


def evidence_mrkdwn(evidence: dict[str, Any] | None, limit: int = MAX_SECTION) -> str:
    """The evidence sentence, escaped, with the matched words in bold."""
    if not evidence or not evidence.get("sentence"):
        return ""
    sentence: str = evidence["sentence"]
    out, pos = [], 0
    for start, end in sorted(tuple(h) for h in evidence.get("highlights", [])):
        if start < pos or start < 0 or end > len(sentence) or start >= end:
            continue
        out.append(slack_escape(sentence[pos:start]))
        out.append(f"*{slack_escape(sentence[start:end])}*")
        pos = end
    out.append(slack_escape(sentence[pos:]))
    text = "".join(out)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def reported_by(outlets: list[str]) -> str:
    """``Reported by 3 outlets: RFE/RL, Kyiv Independent, Politico`` (escaped)."""
    return f"Reported by {len(outlets)} outlets: {slack_escape(', '.join(outlets))}"


def follows_line(alert: AlertView, names: dict[str, str]) -> str:
    """For a reply posted on its own: which story it follows (escaped, linked when safe)."""
    title = slack_escape(clip(alert.parent_title or "an earlier alert", MAX_TITLE))
    url = alert.parent_url or ""
    story = f"<{_link_target(url)}|{title}>" if web_url(url) else title
    outlet = names.get(alert.parent_outlet or "", alert.parent_outlet or "")
    by = f" first reported by {slack_escape(outlet)}" if outlet else ""
    return f"Follows the story{by}: {story}"


def render_alert(
    alert: AlertView,
    tz: ZoneInfo,
    outlet_name: str | None = None,
    outlet_names: dict[str, str] | None = None,
) -> SlackMessage:
    """The message of one alert. A story's first message also says how many outlets have
    reported the story so far (``outlet_names`` maps outlet keys to display names)."""
    names = outlet_names or {}
    title = clip(alert.title, MAX_TITLE)
    outlet = outlet_name or names.get(alert.outlet) or alert.outlet
    when = local_time(alert.published, tz)
    if alert.review:
        return render_review(alert, title, outlet, when, names)
    label = SEVERITY_LABEL.get(alert.severity, alert.severity.upper())
    rules = ", ".join(alert.rules)
    headline = f"*<{_link_target(alert.url)}|{slack_escape(title)}>*"
    if not web_url(alert.url) or len(headline) > MAX_SECTION - 200:  # no link rather than no message
        headline = f"*{slack_escape(title)}*"
    if alert.kind == "update":
        headline = f"Updated, now {alert.severity.upper()}: {headline}"
    elif alert.kind == "also":
        headline = f"Also reported by *{slack_escape(outlet)}*: {headline}"
    claim = claim_line(alert)
    facts = f"{label} · {slack_escape(outlet)} · {slack_escape(when)}"
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": headline}},
        {
            "type": "context",
            "elements": [
                *([{"type": "mrkdwn", "text": claim}] if claim else []),
                {"type": "mrkdwn", "text": facts},
                {"type": "mrkdwn", "text": f"rules: {slack_escape(rules) or '—'}"},
            ],
        },
    ]
    entities = entity_facts(alert.entities)
    if entities:  # who: the named suppliers' facts, before the evidence
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": entities}})
    evidence = evidence_mrkdwn(alert.evidence)
    if evidence:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f">{evidence}"}})
    if alert.follows:
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": follows_line(alert, names)}]}
        )
    if alert.kind == "new" and len(alert.story_outlets) > 1:
        outlets = [names.get(key, key) for key in alert.story_outlets]
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": reported_by(outlets)}]})
    status = f"{alert.claim_status.upper()}: " if alert.claim_status in CLAIM_LABEL else ""
    head = f"[{alert.severity.upper()}] {status}{slack_escape(title)}"
    if alert.kind == "update":
        text = f"Updated: {head} — {slack_escape(outlet)}, {slack_escape(when)}"
    elif alert.kind == "also":
        text = f"Also reported by {slack_escape(outlet)}: {head}, {slack_escape(when)}"
    else:
        text = f"{head} — {slack_escape(outlet)}, {slack_escape(when)}"
    if alert.follows:
        text += f" (follows: {slack_escape(clip(alert.parent_title or 'an earlier alert', MAX_TITLE))})"
    return SlackMessage(text=text, blocks=blocks)


def claim_line(alert: AlertView) -> str:
    """``:no_entry: *DESIGNATED* — “imposed sanctions”``: the claim status and the words that
    decided it (escaped); empty when the article has no status."""
    label = CLAIM_LABEL.get(alert.claim_status or "")
    if label is None:
        return ""
    icon, _, word = label.partition(" ")
    words = ", ".join(f"“{slack_escape(clip(w, 60))}”" for w in alert.claim_words if w.strip())
    return f"{icon} *{word}*" + (f" — {words}" if words else "")


def entity_name(name: str) -> str:
    """A legal name without its legal form: ``Xiamen Limbach Aircraft Engine Co., Ltd.`` →
    ``Xiamen Limbach Aircraft Engine``."""
    return _LEGAL_FORM.sub("", name).strip() or name


def designated(entity: Entity) -> str:
    """``US-sanctioned 2024-10-17, EU-sanctioned 2024-12-16`` (each body's first action of a
    kind), ``US export controls 2022-06-28``; ``named in reporting, not designated``."""
    if not entity.designations:
        return "named in reporting, not designated"
    parts: dict[tuple[str, str], str] = {}
    for d in sorted(entity.designations, key=lambda d: d.date or "9999"):
        when = f" {d.date}" if d.date else ""
        what = f"{d.by}-sanctioned" if d.kind == "sanctions" else f"{d.by} {d.kind}"
        parts.setdefault((d.by, d.kind), what + when)
    return ", ".join(parts.values())


def entity_facts(entities: tuple[Entity, ...], limit: int = MAX_ENTITIES) -> str:
    """One line per named entity, ``*Xiamen Limbach Aircraft Engine* — drone engines;
    US-sanctioned 2024-10-17`` (escaped), the first ``limit`` of them, then ``and N more``."""

    def shown(text: str) -> str:
        return slack_escape(clip(text, MAX_ENTITY_TEXT))

    lines = [
        f"*{shown(entity_name(e.name))}* — {shown(e.supplied)}; {shown(designated(e))}"
        for e in entities[:limit]
    ]
    if len(entities) > limit:
        lines.append(f"and {len(entities) - limit} more")
    return "\n".join(lines)


def render_review(
    alert: AlertView, title: str, outlet: str, when: str, names: dict[str, str]
) -> SlackMessage:
    """The message of an article marked for review (the review channel): it says that no rule
    flagged it, and shows the sentence where China, Russia's war and support meet."""
    headline = f"*<{_link_target(alert.url)}|{slack_escape(title)}>*"
    if not web_url(alert.url) or len(headline) > MAX_SECTION - 200:
        headline = f"*{slack_escape(title)}*"
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f":mag: {REVIEW_LABEL}: {headline}"}},
        {
            "type": "context",
            "elements": [{"type": "mrkdwn", "text": f"{slack_escape(outlet)} · {slack_escape(when)}"}],
        },
    ]
    entities = entity_facts(alert.entities)
    if entities:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": entities}})
    evidence = evidence_mrkdwn(alert.evidence)
    if evidence:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f">{evidence}"}})
    if len(alert.story_outlets) > 1:
        outlets = [names.get(key, key) for key in alert.story_outlets]
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": reported_by(outlets)}]})
    text = f"{REVIEW_LABEL}: {slack_escape(title)} — {slack_escape(outlet)}, {slack_escape(when)}"
    return SlackMessage(text=text, blocks=blocks)
