"""A Slack message's Block Kit JSON drawn as HTML, the way Slack shows it, to look at in a
headless browser (tests/test_alert_snapshots.py). Enough for newswatch's messages, not a Slack
client: section, context, header, divider and actions (buttons) blocks; in mrkdwn, ``*bold*``,
``_italic_``, ``~strike~``, ```code```, ``<url|text>`` links, ``<!channel>``-style mentions
(drawn as the yellow ping Slack would show, so a leak is visible), ``>`` quotes, ``:emoji:``
codes, and the ``&amp;`` ``&lt;`` ``&gt;`` escapes. As in Slack, a bold, italic or struck span
must stand apart from the letters around it (``foo*bar*`` stays as written), and the text of a
link is plain."""

from __future__ import annotations

import html
import re
from typing import Any

#: The emoji codes newswatch's messages use.
EMOJI = {
    "red_circle": "🔴",
    "large_orange_circle": "🟠",
    "white_circle": "⚪",
    "no_entry": "⛔",
    "white_check_mark": "✅",
    "classical_building": "🏛️",
    "x": "❌",
    "speech_balloon": "💬",
    "mag": "🔍",
}
_ANGLE = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
_CODE = re.compile(r"`([^`\n]+)`")
_ENTITY = re.compile(r"&(?!(?:amp|lt|gt);)")
_PLACEHOLDER = re.compile("\x00(\\d+)\x00")


def _styled(mark: str, tag: str) -> tuple[re.Pattern[str], str]:
    """A span between two ``mark`` characters, standing apart from letters and digits."""
    m = re.escape(mark)
    return re.compile(rf"(?<![\w{m}]){m}(?=[^\s{m}])([^{m}\n]*?[^\s{m}]){m}(?![\w{m}])"), tag


_STYLES = (_styled("*", "b"), _styled("_", "i"), _styled("~", "s"))


def mrkdwn(text: str) -> str:
    """One mrkdwn text as HTML."""
    lines = []
    for line in text.split("\n"):
        quoted = line.startswith(">")
        body = _inline(line[1:] if quoted else line)
        lines.append(f"<blockquote>{body or '&nbsp;'}</blockquote>" if quoted else body)
    return "<br>".join(lines).replace("</blockquote><br>", "</blockquote>")


def _inline(text: str) -> str:
    kept: list[str] = []

    def keep(piece: str) -> str:
        kept.append(piece)
        return f"\x00{len(kept) - 1}\x00"

    def angle(m: re.Match[str]) -> str:
        target, label = m.group(1), m.group(2)
        if target.startswith("!"):  # <!channel>, <!here>: a ping
            return keep(f'<span class="ping">@{html.escape(target[1:])}</span>')
        if target.startswith(("@", "#")):
            return keep(f'<span class="ping">{html.escape(label or target)}</span>')
        shown = label if label is not None else target
        # the label is already escaped for Slack (&amp; &lt; &gt;): it is HTML as it stands
        return keep(f'<a href="{html.escape(html.unescape(target))}">{_ENTITY.sub("&amp;", shown)}</a>')

    text = _ANGLE.sub(angle, text)
    text = _CODE.sub(lambda m: keep(f"<code>{_escaped(m.group(1))}</code>"), text)
    text = _escaped(text)
    for pattern, tag in _STYLES:
        text = pattern.sub(lambda m, tag=tag: f"<{tag}>{m.group(1)}</{tag}>", text)  # type: ignore[misc]
    text = re.sub(r":([a-z0-9_+-]+):", lambda m: EMOJI.get(m.group(1), m.group(0)), text)
    while _PLACEHOLDER.search(text):
        text = _PLACEHOLDER.sub(lambda m: kept[int(m.group(1))], text)
    return text


def _escaped(text: str) -> str:
    """Slack's own escapes kept (they are HTML entities too); any other ``&``, ``<``, ``>``
    and quote escaped for HTML."""
    return _ENTITY.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")


def block(item: dict[str, Any]) -> str:
    """One block as HTML."""
    kind = item.get("type")
    if kind == "section":
        fields = "".join(f'<div class="field">{_text(f)}</div>' for f in item.get("fields", []))
        text = _text(item["text"]) if "text" in item else ""
        return f'<div class="section">{text}{f"<div class=fields>{fields}</div>" if fields else ""}</div>'
    if kind == "context":
        parts = "".join(f"<span>{_text(e)}</span>" for e in item.get("elements", []) if "text" in e)
        return f'<div class="context">{parts}</div>'
    if kind == "header":
        return f'<div class="header">{_text(item["text"])}</div>'
    if kind == "divider":
        return "<hr>"
    if kind == "actions":
        buttons = "".join(
            f'<span class="button {html.escape(str(e.get("style", "")))}">{_text(e["text"])}</span>'
            for e in item.get("elements", [])
            if e.get("type") == "button"
        )
        return f'<div class="actions">{buttons}</div>'
    return f'<div class="unknown">unknown block {html.escape(str(kind))}</div>'


def _text(obj: dict[str, Any]) -> str:
    if obj.get("type") == "mrkdwn":
        return mrkdwn(str(obj.get("text", "")))
    return html.escape(str(obj.get("text", "")))  # plain_text


def message(payload: dict[str, Any], caption: str = "", when: str = "10:00") -> str:
    """One message as Slack lists it: the app's avatar and name, its blocks (the ``text``
    alone when it has none), and below it the notification text, to read too."""
    blocks = payload.get("blocks") or []
    body = (
        "".join(block(b) for b in blocks)
        if blocks
        else f'<div class="section">{mrkdwn(payload["text"])}</div>'
    )
    note = html.escape(html.unescape(str(payload.get("text", ""))))
    head = f'<div class="caption">{html.escape(caption)}</div>' if caption else ""
    return (
        f'{head}<div class="message"><div class="avatar">N</div><div class="content">'
        f'<div class="who"><b>newswatch</b> <span class="app">APP</span> <span class="time">{when}</span></div>'
        f'{body}<div class="notification">notification: {note}</div></div></div>'
    )


STYLE = """
body { font-family: Lato, "Noto Sans", "Noto Sans CJK SC", "Helvetica Neue", Arial, sans-serif;
       font-size: 15px; line-height: 1.46668; color: #1d1c1d; background: #fff; margin: 0; padding: 8px 0; }
.caption { font: 600 11px monospace; color: #868686; padding: 10px 20px 0; }
.message { display: flex; padding: 8px 20px; max-width: 760px; }
.message:hover { background: #f8f8f8; }
.avatar { flex: none; width: 36px; height: 36px; border-radius: 4px; background: #2eb67d; color: #fff;
          font-weight: 900; text-align: center; line-height: 36px; margin-right: 8px; }
.content { min-width: 0; flex: 1; }
.who { line-height: 1.3; } .app { font-size: 10px; color: #616061; background: #e8e8e8; padding: 1px 3px; border-radius: 2px; }
.time { font-size: 12px; color: #616061; }
.section { margin: 4px 0; word-wrap: break-word; overflow-wrap: anywhere; }
.context { margin: 4px 0; font-size: 13px; color: #616061; display: flex; flex-wrap: wrap; gap: 2px 8px; }
.context span { overflow-wrap: anywhere; }
.header { font-size: 18px; font-weight: 900; margin: 6px 0; }
blockquote { margin: 0; padding-left: 12px; border-left: 4px solid #dddddd; }
a { color: #1264a3; text-decoration: none; }
b { font-weight: 900; }
code { font: 12px Monaco, Menlo, monospace; color: #e01e5a; background: #f6f6f6; border: 1px solid #e0e0e0;
       padding: 1px 3px; border-radius: 3px; }
.ping { background: #fff0b3; color: #1264a3; font-weight: 700; padding: 0 2px; border-radius: 3px; }
.notification { margin-top: 6px; font-size: 11px; color: #868686; border-top: 1px dashed #ddd; padding-top: 3px; }
hr { border: 0; border-top: 1px solid #ddd; }
.actions { margin: 6px 0; display: flex; flex-wrap: wrap; gap: 8px; }
.button { font-size: 13px; font-weight: 700; padding: 3px 12px; border: 1px solid #bbbabb; border-radius: 4px; }
.button.primary { background: #007a5a; color: #fff; border-color: #007a5a; }
.button.danger { background: #e01e5a; color: #fff; border-color: #e01e5a; }
"""


def page(messages: list[tuple[str, dict[str, Any]]], title: str = "Slack preview") -> str:
    """An HTML page of (caption, payload) messages, one under the other."""
    body = "".join(message(payload, caption) for caption, payload in messages)
    return (
        f'<!doctype html><html><head><meta charset="utf-8"><title>{html.escape(title)}</title>'
        f"<style>{STYLE}</style></head><body>{body}</body></html>"
    )
