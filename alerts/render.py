"""Slack messages for alerts (pure): Block Kit blocks and a plain-text fallback.

Everything that comes from an article is escaped (``&``, ``<``, ``>``), so a title holding
``<!channel>`` or ``<https://evil|click>`` can neither ping anyone nor become a link; control
characters, invisible and direction-changing characters are taken out first (:func:`visible`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from urllib.parse import quote
from zoneinfo import ZoneInfo

from alerts.outbox import AlertView
from newswatch.clock import from_sql_time
from newswatch.language import base_code
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
#: Rules an alert names (by their labels) at most; further ones are counted.
MAX_RULES = 3
MAX_RULE_TEXT = 100  # characters of a rule's label as shown
MAX_GLOSS_WORD = 40  # characters of a glossed word as shown
#: Characters of scripts written without spaces between words (Chinese, Japanese).
_UNSPACED = re.compile("[\u2e80-\u9fff\uf900-\ufaff\uff00-\uffef]")
#: mrkdwn's formatting characters in article text → look-alikes that format nothing.
_LOOKALIKES = str.maketrans({"*": "\u2217", "_": "\u02cd", "~": "\u223c", "`": "\u02cb"})
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


#: A letter of a right-to-left script: Hebrew, Arabic, Syriac, Thaana, N'Ko and the rest of
#: U+0590-U+08FF, and the Hebrew and Arabic presentation forms.
_RTL = re.compile("[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]")


def isolated(text: str) -> str:
    """Text that holds right-to-left letters set apart in its own direction (Unicode's
    first-strong isolate, U+2068 … U+2069), so that Arabic words or an Arabic outlet's name in
    an English line keep their places and their order; other text as it is. Apply it after
    :func:`visible` (which drops an article's own direction marks) and escaping."""
    return f"\u2068{text}\u2069" if _RTL.search(text) else text


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


def shown_evidence(evidence: dict[str, Any] | None) -> tuple[str, list[tuple[int, int]]]:
    """The evidence sentence without the invisible characters :func:`visible` takes out, and
    its matched words' spans moved with them (bold words are found in the text as shown: a
    zero-width space inside "Kampf​drohnen" must not split the word). Spans outside the
    sentence or empty are left out."""
    sentence = str((evidence or {}).get("sentence") or "")
    spans: list[tuple[int, int]] = []
    for item in (evidence or {}).get("highlights") or ():
        try:
            start, end = (int(x) for x in item)
        except (TypeError, ValueError):
            continue
        if 0 <= start < end <= len(sentence):
            spans.append((start, end))
    gone = [m.start() for m in _INVISIBLE.finditer(sentence)]
    if not gone:
        return sentence, spans
    moved = [(start - bisect_left(gone, start), end - bisect_left(gone, end)) for start, end in spans]
    return _INVISIBLE.sub("", sentence), [(start, end) for start, end in moved if start < end]


def evidence_mrkdwn(evidence: dict[str, Any] | None, limit: int = MAX_SECTION) -> str:
    """The evidence sentence, escaped, with the matched words in bold; cut to ``limit``
    characters, never inside an escape (``&amp;``) and never leaving a bold word open."""
    sentence, highlights = shown_evidence(evidence)
    if not sentence:
        return ""
    pieces: list[tuple[str, bool]] = []  # (mrkdwn text, bold)
    pos = 0
    for start, end in bold_spans(sentence, highlights):
        # Slack bolds only what stands apart: a word of a script without spaces gets one
        before = " " if start and sentence[start - 1].isalnum() else ""
        after = " " if end < len(sentence) and sentence[end].isalnum() else ""
        pieces += [(inert(sentence[pos:start]) + before, False), (inert(sentence[start:end]), True)]
        pieces.append((after, False))
        pos = end
    pieces.append((inert(sentence[pos:]), False))
    return _fit(pieces, limit)


def _fit(pieces: list[tuple[str, bool]], limit: int) -> str:
    """Plain and bold pieces of mrkdwn in at most ``limit`` characters: the first ones whole,
    the one that does not fit cut (a bold one closed again) and "…"."""
    whole = "".join(f"*{text}*" if bold else text for text, bold in pieces)
    if len(whole) <= limit:
        return whole
    out, used = [], 0
    for text, bold in pieces:
        shown = f"*{text}*" if bold else text
        if used + len(shown) <= limit - 1:
            out.append(shown)
            used += len(shown)
            continue
        cut = _cut_escaped(text, limit - 1 - used - (2 if bold else 0))
        if bold:
            cut = cut.rstrip()  # Slack closes no bold after a space
            cut = f"*{cut}*" if cut else ""
        out.append(cut)
        break
    return "".join(out) + "…"


def _cut_escaped(text: str, size: int) -> str:
    """The first ``size`` characters of escaped text at most, never half an escape."""
    cut = text[: max(size, 0)]
    amp = cut.rfind("&", max(0, len(cut) - 4))  # "&amp;" is the longest escape: 5
    return cut[:amp] if amp >= 0 and ";" not in cut[amp:] else cut


def _in_word(char: str) -> bool:
    """A letter or digit of a script that separates words with spaces."""
    return char.isalnum() and not _UNSPACED.match(char)


def bold_spans(sentence: str, highlights: Any) -> list[tuple[int, int]]:
    """The spans of ``sentence`` to show in bold: the matched words' (a span that overlaps an
    earlier one, or falls outside the sentence, is left out), each widened to its whole word
    (``drohnen`` of "Kampfdrohnen": Slack bolds whole words only), touching ones joined (two
    bold words side by side would read ``**``)."""
    spans: list[tuple[int, int]] = []
    last = 0
    for start, end in sorted(tuple(h) for h in highlights):
        if start < last or start < 0 or end > len(sentence) or start >= end:
            continue
        last = end
        while start > 0 and _in_word(sentence[start - 1]) and _in_word(sentence[start]):
            start -= 1
        while end < len(sentence) and _in_word(sentence[end]) and _in_word(sentence[end - 1]):
            end += 1
        if spans and start <= spans[-1][1]:
            spans[-1] = (spans[-1][0], max(end, spans[-1][1]))
        else:
            spans.append((start, end))
    return spans


def inert(text: str) -> str:
    """Article text as mrkdwn that formats nothing: :func:`slack_escape`, and the characters
    Slack reads as bold, italic, strike-through and code replaced by look-alikes (a title's
    ``*bold*`` shows its asterisks and cannot unbalance the alert's own bold words)."""
    return slack_escape(text).translate(_LOOKALIKES)


def reported_by(outlets: list[str]) -> str:
    """``Reported by 3 outlets: RFE/RL, Kyiv Independent, Politico`` (escaped)."""
    return f"Reported by {len(outlets)} outlets: {', '.join(isolated(slack_escape(o)) for o in outlets)}"


def follows_line(alert: AlertView, names: dict[str, str]) -> str:
    """For a reply posted on its own: which story it follows (escaped, linked when safe)."""
    title = inert(clip(alert.parent_title or "an earlier alert", MAX_TITLE))
    url = alert.parent_url or ""
    story = f"<{_link_target(url)}|{title}>" if web_url(url) else title
    outlet = names.get(alert.parent_outlet or "", alert.parent_outlet or "")
    by = f" first reported by {isolated(slack_escape(outlet))}" if outlet else ""
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
    if alert.kind == "status":
        return render_status(alert, title, outlet, when, names)
    label = SEVERITY_LABEL.get(alert.severity, alert.severity.upper())
    headline = f"*<{_link_target(alert.url)}|{inert(title)}>*"
    if not web_url(alert.url) or len(headline) > MAX_SECTION - 200:  # no link rather than no message
        headline = f"*{inert(title)}*"
    if alert.kind == "update":
        headline = f"Updated, now {alert.severity.upper()}: {headline}"
    elif alert.kind == "also":
        headline = f"Also reported by *{isolated(slack_escape(outlet))}*: {headline}"
    claim = claim_line(alert)
    # first how sure and how serious, then who (the entities), what (the evidence and, for a
    # non-English article, its matched words in English), then where and when it appeared
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": headline}},
        {
            "type": "context",
            "elements": [
                *([{"type": "mrkdwn", "text": claim}] if claim else []),
                {"type": "mrkdwn", "text": label},
            ],
        },
    ]
    entities = entity_facts(alert.entities)
    if entities:  # who: the named suppliers' facts, before the evidence
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": entities}})
    blocks += evidence_blocks(alert)
    source = " · ".join(
        isolated(slack_escape(part)) for part in (outlet, when, language_name(alert.language)) if part
    )
    # two blocks: context elements run on in one line, and "About: …" read as the outlet's
    for line in (source, f"About: {rules_line(alert)}"):
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": line}]})
    if alert.follows:
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": follows_line(alert, names)}]}
        )
    if alert.kind == "new" and len(alert.story_outlets) > 1:
        # the message's own outlet first (it leads the story), the others as they came
        keys = sorted(alert.story_outlets, key=lambda key: key != alert.outlet)
        outlets = [names.get(key, key) for key in keys]
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": reported_by(outlets)}]})
    status = f"{alert.claim_status.upper()}: " if alert.claim_status in CLAIM_LABEL else ""
    head = f"[{alert.severity.upper()}] {status}{isolated(inert(title))}"
    # the notification: the time, and the language of a report not in English
    foreign = language_name(alert.language) if alert.language not in (None, "en") else ""
    stamp = ", ".join(slack_escape(part) for part in (when, foreign) if part)
    if alert.kind == "update":
        text = f"Updated: {head} — {isolated(slack_escape(outlet))}, {stamp}"
    elif alert.kind == "also":
        text = f"Also reported by {isolated(slack_escape(outlet))}: {head}, {stamp}"
    else:
        text = f"{head} — {isolated(slack_escape(outlet))}, {stamp}"
    if alert.follows:
        text += f" (follows: {inert(clip(alert.parent_title or 'an earlier alert', MAX_TITLE))})"
    return SlackMessage(text=text, blocks=blocks)


def evidence_blocks(alert: AlertView) -> list[dict[str, Any]]:
    """The evidence sentence as a quote (matched words bold), then the English gloss of a
    non-English report's matched words."""
    blocks: list[dict[str, Any]] = []
    evidence = evidence_mrkdwn(alert.evidence)
    if evidence:
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": f">{evidence}"}})
    gloss = gloss_line(alert.gloss)
    if gloss:
        blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": gloss}]})
    return blocks


def claim_line(alert: AlertView) -> str:
    """``:no_entry: *DESIGNATED* — “imposed sanctions”``: the claim status and the words that
    decided it (escaped); empty when the article has no status."""
    label = CLAIM_LABEL.get(alert.claim_status or "")
    if label is None:
        return ""
    icon, _, word = label.partition(" ")
    words = ", ".join(f"“{isolated(inert(clip(w, 60)))}”" for w in alert.claim_words if w.strip())
    return f"{icon} *{word}*" + (f" — {words}" if words else "")


@lru_cache(maxsize=512)
def language_name(code: str | None) -> str:
    """``ru`` → ``Russian``, ``pt`` → ``Portuguese``: CLDR's English name of a language code
    (Babel's locale data, every language an article may be in); a code CLDR does not know as
    it is; empty for none."""
    if not code:
        return ""
    from babel import Locale

    name = Locale("en").languages.get(base_code(code))
    return str(name) if name else code


def rules_line(alert: AlertView, limit: int = MAX_RULES) -> str:
    """What the rules that flagged it catch, in plain language (their labels, escaped; the
    ids when the rule files could not be read), the first ``limit``, then ``and N more``."""
    names = list(dict.fromkeys(alert.rule_labels or alert.rules))
    shown = "; ".join(slack_escape(clip(name, MAX_RULE_TEXT)) for name in names[:limit])
    more = f"; and {len(names) - limit} more" if len(names) > limit else ""
    return (shown + more) or "—"


def gloss_line(gloss: tuple[tuple[str, str], ...]) -> str:
    """``In English: *беспилотников* — weapons or dual-use goods; *санкции* — sanctions``: a
    non-English article's matched words with their meaning (escaped); words of the same
    meaning together. Empty when there is nothing to gloss."""
    parts = [
        f"{', '.join(f'*{isolated(inert(word))}*' for word in words)} — {slack_escape(english)}"
        for words, english in gloss_groups(gloss)
    ]
    return f"In English: {'; '.join(parts)}" if parts else ""


def gloss_groups(gloss: tuple[tuple[str, str], ...]) -> list[tuple[list[str], str]]:
    """Glossed words grouped by their meaning, in order, each clipped as alerts show them."""
    meanings: dict[str, list[str]] = {}
    for word, english in gloss:
        meanings.setdefault(english, []).append(clip(word, MAX_GLOSS_WORD))
    return [(words, clip(english, MAX_ENTITY_TEXT)) for english, words in meanings.items()]


def entity_name(name: str) -> str:
    """A legal name without its legal form: ``Xiamen Limbach Aircraft Engine Co., Ltd.`` →
    ``Xiamen Limbach Aircraft Engine``."""
    return _LEGAL_FORM.sub("", name).strip() or name


def designated(entity: Entity) -> str:
    """What the official lists say of an entity, ``designated: US OFAC SDN (RUSSIA-EO14024)
    2024-10-17; EU 2024-12-16; UK: no``; for the gazetteer's own record of an action,
    ``US-sanctioned 2024-10-17, EU-sanctioned 2024-12-16`` (each body's first action of a
    kind), ``US export controls 2022-06-28``; else ``named in reporting, not designated``."""
    listed = [d for d in entity.designations if d.source]
    if listed:
        # body → action (without its programme) → (the action as written at its fullest, earliest
        # date): the SDN list's entry has the programme, the screening list's copy the date
        by_body: dict[str, dict[str, tuple[str, str | None]]] = {}
        for d in sorted(listed, key=lambda d: d.date or "9999"):
            action = "" if d.action == "sanctions list" else d.action
            actions = by_body.setdefault(d.by, {})
            written, date = actions.get(action.split(" (")[0], (action, None))
            actions[action.split(" (")[0]] = (max(written, action, key=len), date or d.date)
        parts = [
            f"{body} "
            + ", ".join(f"{written}{f' {date}' if date else ''}".strip() for written, date in found.values())
            for body, found in by_body.items()
        ]
        parts = [part.strip() for part in parts]
        parts += [f"{body}: no" for body in LIST_BODIES if body not in by_body]
        return "designated: " + "; ".join(parts)
    if not entity.designations:
        return "named in reporting, not designated"
    parts_by: dict[tuple[str, str], str] = {}
    for d in sorted(entity.designations, key=lambda d: d.date or "9999"):
        when = f" {d.date}" if d.date else ""
        what = f"{d.by}-sanctioned" if d.kind == "sanctions" else f"{d.by} {d.kind}"
        parts_by.setdefault((d.by, d.kind), what + when)
    return ", ".join(parts_by.values())


#: The bodies whose lists newswatch reads: an entity one of them does not list is "UK: no".
LIST_BODIES = ("US", "EU", "UK")


def entity_facts(entities: tuple[Entity, ...], limit: int = MAX_ENTITIES) -> str:
    """One line per named entity, ``*Xiamen Limbach Aircraft Engine* — drone engines;
    US-sanctioned 2024-10-17`` (escaped), the first ``limit`` of them, then ``and N more``."""

    def shown(text: str) -> str:
        return slack_escape(clip(text, MAX_ENTITY_TEXT))

    lines = [
        f"*{shown(entity_name(e.name))}* — " + "; ".join(shown(p) for p in (e.supplied, designated(e)) if p)
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
    headline = f"*<{_link_target(alert.url)}|{inert(title)}>*"
    if not web_url(alert.url) or len(headline) > MAX_SECTION - 200:
        headline = f"*{inert(title)}*"
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f":mag: {REVIEW_LABEL}: {headline}"}},
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": " · ".join(
                        isolated(slack_escape(part))
                        for part in (outlet, when, language_name(alert.language))
                        if part
                    ),
                }
            ],
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
    text = f"{REVIEW_LABEL}: {inert(title)} — {slack_escape(outlet)}, {slack_escape(when)}"
    return SlackMessage(text=text, blocks=blocks)


#: What a ``status`` reply says first: the story's new claim status, one phrase each.
STATUS_HEADLINE = {
    "designated": "Now DESIGNATED",
    "confirmed": "Now CONFIRMED",
    "official": "Now OFFICIAL",
    "denied": "Beijing DENIES",
    "alleged": "Now ALLEGED",
}


def render_status(
    alert: AlertView, title: str, outlet: str, when: str, names: dict[str, str]
) -> SlackMessage:
    """The reply announcing that a report raised its story's claim status, in the story's
    thread: ``Now DESIGNATED: <headline> — <outlet>, <local time>`` (and the language of a
    report not in English), the words of the cue that decided it (when the article still has
    that status), severity, the named entities' facts, the evidence and, for a report not in
    English, its bold words in English. Article text formats nothing, as in every alert (:func:`inert`)."""
    status = alert.announced or alert.claim_status or ""
    phrase = STATUS_HEADLINE.get(status, f"Now {slack_escape(clip(status, 20)).upper()}")
    icon = CLAIM_LABEL.get(status, ":information_source: ").partition(" ")[0]
    link = f"<{_link_target(alert.url)}|{inert(title)}>"
    if not web_url(alert.url) or len(link) > MAX_SECTION - 300:  # no link rather than no message
        link = inert(title)
    foreign = language_name(alert.language) if alert.language not in (None, "en") else ""
    where = ", ".join(isolated(slack_escape(part)) for part in (outlet, when, foreign) if part)
    words = alert.claim_words if alert.claim_status == status else ()
    cue = ", ".join(f"“{isolated(inert(clip(w, 60)))}”" for w in words if w.strip())
    label = SEVERITY_LABEL.get(alert.severity, slack_escape(alert.severity.upper()))
    blocks: list[dict[str, Any]] = [
        {"type": "section", "text": {"type": "mrkdwn", "text": f"{icon} *{phrase}*: *{link}* — {where}"}},
        {
            "type": "context",
            "elements": [
                *([{"type": "mrkdwn", "text": cue}] if cue else []),
                {"type": "mrkdwn", "text": label},
            ],
        },
    ]
    entities = entity_facts(alert.entities)
    if entities:  # who: the named suppliers' facts (the designation announced is among them)
        blocks.append({"type": "section", "text": {"type": "mrkdwn", "text": entities}})
    blocks += evidence_blocks(alert)
    if alert.follows:
        blocks.append(
            {"type": "context", "elements": [{"type": "mrkdwn", "text": follows_line(alert, names)}]}
        )
    text = f"{phrase}: {inert(title)} — {where}" + (f" ({cue})" if cue else "")
    if alert.follows:
        text += f" (follows: {inert(clip(alert.parent_title or 'an earlier alert', MAX_TITLE))})"
    return SlackMessage(text=text, blocks=blocks)
