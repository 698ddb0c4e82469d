"""The daily digest: everything flagged since the last digest that was delivered, and at the
end, under "Worth a look", the articles marked for review (no rule flagged them, but China,
Russia's war and a support concept meet in one paragraph).

Each story appears once: its earliest report in the digest leads, and the story's other
flagged articles follow as "also reported by" links with their languages (so do its articles
marked for review). The entry's status is the story's (``stories.claim_status``, the
strongest of its flagged reports so far: designated, confirmed, denied, official, alleged;
see newswatch.claims), said with the cue words and the evidence of the report that raised the
story to it (its history, ``story_claims``), named when it is not the lead. Stories are
grouped by what changed: the story's status when it is new or stronger than what the digests
delivered before showed ("New designations", "Confirmed", "Denials", "Official findings",
"New allegations"), else "Updates"; most severe first within a group. A story with no
flagged article is listed under "Worth a look".

The state is in the archive, not in a time window: an article belongs to the next digest
until a digest holding it has been delivered, so a missed day is caught up and nothing
appears twice; a report that raised its story's status after the digest that held it was
built comes once more, so the rise is news once.

A digest is built once: its message (the .eml bytes, with its Message-ID) is kept in
``digests.message`` and every retry sends exactly those bytes, so a server or client that
already has it can tell the copies apart. Items flagged after it was built go into the next
digest. A digest that could not be delivered stays ``pending`` and is retried; when the
server dropped the connection after the message was sent (it may have it), at most
``NEWSWATCH_DIGEST_AMBIGUOUS_RETRIES`` more times, then it is ``unconfirmed`` and its items
count as delivered. After ``MAX_ATTEMPTS`` attempts in all it is ``failed`` (nobody can have
it: its items go into the next digest) or ``unconfirmed``.
"""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import css_inline
from jinja2 import Environment, PackageLoader, select_autoescape

from alerts.outbox import Outbox, cue_words
from alerts.render import (
    MAX_ENTITIES,
    MAX_ENTITY_TEXT,
    clip,
    designated,
    entity_name,
    gloss_groups,
    isolated,
    language_name,
    local_time,
    visible,
    web_url,
)
from newswatch.archive import Archive
from newswatch.archive.stories import CLAIM_ORDER as CLAIM_ORDER  # the one order, re-exported
from newswatch.archive.stories import claim_rank
from newswatch.archive.stories import strongest as strongest
from newswatch.language import lang_attribute
from newswatch.rules.gazetteer import Entity

SEVERITIES = ("high", "medium", "low")
#: The digest's groups, in order: a story's claim status that is new or stronger than in the
#: digests delivered before; a story whose status did not change is an update; a story whose
#: reports have no status (archived before claim statuses) is a new report.
SECTIONS = (
    ("designated", "New designations"),
    ("confirmed", "Confirmed"),
    ("denied", "Denials"),
    ("official", "Official findings"),
    ("alleged", "New allegations"),
    ("reported", "New reports"),
    ("update", "Updates"),
)
MAX_TITLE = 300  # characters of a title shown in the digest
MAX_EVIDENCE = 1000  # characters of the evidence sentence


_ENV = Environment(
    loader=PackageLoader("alerts", "templates"),
    # HTML templates are autoescaped (a title can hold markup); the plain-text one is plain
    autoescape=select_autoescape(["html.j2"], default_for_string=True, default=False),
    trim_blocks=True,
    lstrip_blocks=True,
)
# plain text has no markup for direction: right-to-left words are set apart with Unicode's
# isolates (alerts.render.isolated), as in Slack
_ENV.filters["isolated"] = isolated


@dataclass(frozen=True)
class DigestItem:
    article_id: int
    title: str
    url: str
    outlet: str
    published: str | None
    severity: str
    rules: tuple[str, ...]
    evidence: str | None
    highlights: tuple[tuple[int, int], ...] = ()  # spans of matched words in `evidence`
    story_id: int | None = None
    review: bool = False  # marked for review, not flagged: listed under "Worth a look"
    language: str | None = None
    claim_status: str | None = None  # how sure the report is (newswatch.claims)
    claim_words: tuple[str, ...] = ()  # the words of the cue that decided it
    story_claim: str | None = None  # the story's claim status: the strongest of its reports so far
    claim_by: ClaimSource | None = None  # the report that raised the story to ``story_claim``
    again: bool = False  # in a delivered digest before: here again because it raised the story's status
    page: str | None = None  # a review article's page in Datasette (NEWSWATCH_DATASETTE_URL)
    entities: tuple[Entity, ...] = ()  # the gazetteer's entities it names, with their facts
    gloss: tuple[tuple[str, str], ...] = ()  # a non-English report's bold words, in English


@dataclass(frozen=True)
class ClaimSource:
    """The report that raised a story to its status (the story's history, ``story_claims``):
    the words of the cue that decided it then, and its evidence."""

    article_id: int
    outlet: str
    title: str
    url: str
    words: tuple[str, ...] = ()
    evidence: str | None = None
    highlights: tuple[tuple[int, int], ...] = ()
    language: str | None = None  # the report's language (its words and evidence are in it)


def section_of(now: str | None, before: list[str | None] | None) -> str:
    """The digest group of a story: its status now, when the story is new to the digests or
    its status is stronger than what delivered digests held; else ``update``."""
    if before is None:  # no delivered digest held the story
        return now or "reported"
    if now is not None and claim_rank(now) > claim_rank(strongest(before)):
        return now
    return "update"


def segments(sentence: str, highlights: tuple[tuple[int, int], ...]) -> list[tuple[str, bool]]:
    """The sentence cut into (text, matched) pieces, for bold words in the HTML digest."""
    out, pos = [], 0
    for start, end in sorted(highlights):
        if start < pos or start < 0 or end > len(sentence) or start >= end:
            continue
        out += [(sentence[pos:start], False), (sentence[start:end], True)]
        pos = end
    out.append((sentence[pos:], False))
    return [(text, bold) for text, bold in out if text]


@dataclass(frozen=True)
class DigestContent:
    subject: str
    text: str
    html: str
    items: tuple[DigestItem, ...]
    summary: dict[str, Any] = field(default_factory=dict)


def datasette_pages(db_path: Path, base: str | None = None) -> str:
    """The archive's address in Datasette: ``base`` (default the ``NEWSWATCH_DATASETTE_URL``
    setting) and the database name ``newswatch serve`` gives it (the file's stem)."""
    if base is None:
        from newswatch.config.project import ProjectSettings

        base = str(ProjectSettings.load().get("NEWSWATCH_DATASETTE_URL") or "http://127.0.0.1:8001")
    return f"{base.rstrip('/')}/{db_path.stem}"


def undelivered(archive: Archive, datasette: str | None = None) -> list[DigestItem]:
    """Flagged articles that no delivered digest has held yet, most severe and newest first,
    then those marked for review; each shows its most severe match's evidence that is not the
    headline again (:meth:`Verdicts.best_evidence`; none when there is none), a review article
    its first evidence sentence. A report that raised its story's
    status after a delivered digest showed the story comes again (``again``), so the rise
    reaches the next digest even when nothing else of the story is new. A review article
    links to its page in Datasette (``datasette``: the archive's address there, default
    :func:`datasette_pages`), where it can be judged."""
    items, sources = [], {}
    pages: str | None = None
    outbox = Outbox(archive)  # the entities' facts and the glosses, as the alerts show them
    for r in archive.digests.undelivered():
        raised_by = r.get("claim_article")
        if raised_by is not None and raised_by not in sources:
            sources[raised_by] = ClaimSource(
                int(raised_by),
                r["claim_outlet"] or "",
                r["claim_title"] or r["claim_url"] or "",
                r["claim_url"] or "",
                cue_words(r["claim_article_cue"]),
                *_evidence(archive, int(raised_by), r["claim_evidence"]),
                r["claim_language"],
            )
        source = sources.get(raised_by) if raised_by is not None else None
        review = bool(r["review"])
        sentence, spans = _evidence(archive, r["id"], r["evidence"], review)
        rules = tuple(json.loads(r["rules"] or "[]"))
        if review and pages is None:
            pages = datasette or datasette_pages(archive.path)
        named: tuple[Entity, ...] = ()
        gloss: tuple[tuple[str, str], ...] = ()
        if not review:
            named = outbox.entities(tuple(str(x) for x in json.loads(r.get("entities") or "[]")))
            shown = {"sentence": sentence, "highlights": [list(x) for x in spans]} if sentence else None
            gloss = outbox.gloss(r["id"], shown)[1]
        items.append(
            DigestItem(
                r["id"],
                r["title"] or r["url"],
                r["url"],
                r["outlet"],
                r["published"],
                r["severity"] or "low",
                rules,
                sentence,
                spans,
                r["story_id"],
                review,
                r.get("language"),
                r.get("claim_status") if not review else None,
                cue_words(r.get("claim_cue")) if not review else (),
                r.get("story_claim"),
                source if not review else None,
                bool(r.get("again")),
                f"{pages}/articles/{r['id']}" if review else None,
                named,
                gloss,
            )
        )
    return items


def _evidence(
    archive: Archive, article_id: int, stored: str | None, review: bool = False
) -> tuple[str | None, tuple[tuple[int, int], ...]]:
    """An article's evidence sentence and its matched words' spans: a flagged article's most
    severe match's that is not its headline again (None when there is none), a review
    article's first stored evidence sentence."""
    if not review:  # never the headline again (:meth:`Verdicts.best_evidence`): none, then
        best = archive.verdicts.best_evidence(article_id)
        if best:
            return best["sentence"], tuple((int(a), int(b)) for a, b in best.get("highlights", []))
        return None, ()
    return (stored or "").split("\n")[0] or None, ()


def earlier_claims(archive: Archive, items: list[DigestItem]) -> dict[int, list[str | None]]:
    """What delivered digests held of the stories of ``items`` (see :func:`section_of`)."""
    return archive.digests.delivered_claims(i.story_id for i in items if i.story_id is not None)


def by_story(items: list[DigestItem]) -> list[tuple[DigestItem, list[DigestItem]]]:
    """Items grouped by story, in the order the items come; each story led by its earliest
    flagged report (an undated one after the dated), the others following in time order."""
    groups: dict[int | str, list[DigestItem]] = {}
    for item in items:
        key: int | str = item.story_id if item.story_id is not None else f"article-{item.article_id}"
        groups.setdefault(key, []).append(item)
    out = []
    for members in groups.values():
        ordered = sorted(
            members, key=lambda i: (i.review, i.published is None, i.published or "", i.article_id)
        )
        out.append((ordered[0], ordered[1:]))
    return out


def claim_source(lead: DigestItem, others: list[DigestItem]) -> ClaimSource:
    """The report whose words and evidence a story's entry shows for its status: the one that
    raised the story to it (its history), else the entry's report with the strongest status."""
    members = [i for i in (lead, *others) if not i.review]
    named = lead.claim_by if lead.story_claim is not None else None
    if named is not None:
        found = next((i for i in members if i.article_id == named.article_id), None)
        if not named.words and found is not None:  # a history row without its cue: the report's own
            return replace(named, words=found.claim_words)
        return named
    best = strongest(i.claim_status for i in members)
    item = next((i for i in members if best is not None and i.claim_status == best), lead)
    return ClaimSource(
        item.article_id,
        item.outlet,
        item.title,
        item.url,
        item.claim_words,
        item.evidence,
        item.highlights,
        item.language,
    )


def _glossed(gloss: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """A report's bold words with their meaning in English, as Slack groups them."""
    return [(", ".join(words), english) for words, english in gloss_groups(gloss)]


def _severity_rank(severity: str) -> int:
    return SEVERITIES.index(severity) if severity in SEVERITIES else len(SEVERITIES)


def render(
    items: list[DigestItem],
    tz: ZoneInfo,
    outlet_names: dict[str, str] | None = None,
    now: datetime | None = None,
    earlier: dict[int, list[str | None]] | None = None,
    labels: dict[str, str] | None = None,
) -> DigestContent:
    """Subject, plain text and HTML (CSS inlined for mail clients) of a digest. ``earlier``:
    the claim statuses of each story's reports that delivered digests held (see
    :func:`section_of`; absent: every story is new). ``labels``: the rules' plain-language
    names by id (a rule without one is shown by its id)."""
    names = outlet_names or {}
    labelled = labels or {}
    held = earlier or {}
    now = (now or datetime.now(UTC)).astimezone(tz)
    flagged = [i for i in items if not i.review]
    flagged_stories = {i.story_id for i in flagged if i.story_id is not None}
    # a review article of a flagged story follows that story's lead; the others are worth a look
    stories = by_story(flagged + [i for i in items if i.review and i.story_id in flagged_stories])
    worth = by_story([i for i in items if i.review and i.story_id not in flagged_stories])
    by_outlet = Counter(names.get(i.outlet, i.outlet) for i in flagged)
    by_rule = Counter(labelled.get(rule, rule) for i in flagged for rule in dict.fromkeys(i.rules))
    severity_of = {
        id(lead): min(
            (i.severity for i in (lead, *others) if not i.review), key=_severity_rank, default="low"
        )
        for lead, others in stories
    }
    by_severity = Counter(severity_of[id(lead)] for lead, _ in stories)

    def status_of(lead: DigestItem, others: list[DigestItem]) -> str | None:
        # the story's status so far (its history), else the strongest of the reports shown
        return strongest([lead.story_claim, *(i.claim_status for i in (lead, *others) if not i.review)])

    def section(lead: DigestItem, others: list[DigestItem]) -> str:
        before = held.get(lead.story_id) if lead.story_id is not None else None
        return section_of(status_of(lead, others), before)

    def entry(lead: DigestItem, others: list[DigestItem]) -> dict[str, Any]:
        # article text is shown visible() and clipped; in HTML, autoescaped, and only http(s) links
        source = claim_source(lead, others)
        sentence = (source.evidence or "").split("\n")[0]
        by = source if source.article_id != lead.article_id else None
        again = any(i.again for i in (lead, *others) if i.article_id == source.article_id)
        return {
            "id": lead.article_id,
            # a review article: where to open it, and the line that judges it relevant
            "page": lead.page if lead.page and web_url(lead.page) else None,
            "judge": f"newswatch label {lead.article_id} relevant" if lead.review else None,
            "title": clip(lead.title, MAX_TITLE),
            "url": visible(lead.url),
            "href": lead.url if web_url(lead.url) else None,
            "outlet": names.get(lead.outlet, lead.outlet),
            "when": local_time(lead.published, tz),
            "rules": "; ".join(dict.fromkeys(labelled.get(rule, rule) for rule in lead.rules)),
            "severity": severity_of.get(id(lead), lead.severity),
            "language": language_name(lead.language),
            "lang": lang_attribute(lead.language),
            "entities": [
                {
                    "name": clip(entity_name(e.name), MAX_ENTITY_TEXT),
                    "facts": "; ".join(clip(p, MAX_ENTITY_TEXT) for p in (e.supplied, designated(e)) if p),
                }
                for e in lead.entities[:MAX_ENTITIES]
            ],
            "more_entities": max(0, len(lead.entities) - MAX_ENTITIES),
            "gloss": _glossed(lead.gloss),
            "claim": (status_of(lead, others) or "").upper(),
            "claim_words": [clip(w, 60) for w in source.words if w.strip()],
            "claim_lang": lang_attribute(source.language),
            # the report whose cue the status line quotes, when it is not the lead's own
            "claim_by": {
                "outlet": names.get(by.outlet, by.outlet),
                "title": clip(by.title, MAX_TITLE),
                "url": visible(by.url),
                "href": by.url if web_url(by.url) else None,
                "again": again,  # it changed since an earlier digest showed it
            }
            if by is not None
            else None,
            "claim_again": by is None and again,  # the lead itself changed since a digest showed it
            "evidence": clip(sentence, MAX_EVIDENCE),
            "evidence_parts": [
                (visible(text), bold) for text, bold in segments(sentence[:MAX_EVIDENCE], source.highlights)
            ],
            "also": [
                {
                    "outlet": names.get(o.outlet, o.outlet),
                    "url": visible(o.url),
                    "href": o.url if web_url(o.url) else None,
                    "title": clip(o.title, MAX_TITLE),
                    "language": language_name(o.language),
                    "lang": lang_attribute(o.language),
                }
                for o in others
            ],
        }

    ranked = sorted(stories, key=lambda s: _severity_rank(severity_of[id(s[0])]))  # stable: time kept
    groups = []
    for key, title in SECTIONS:
        members = [entry(lead, others) for lead, others in ranked if section(lead, others) == key]
        if members:
            groups.append({"key": key, "title": title, "items": members})
    context = {
        "date": now.strftime("%-d %B %Y"),
        "count": len(flagged),
        "stories": len(stories),
        "worth": [entry(lead, others) for lead, others in worth],
        "by_severity": [(s, by_severity[s]) for s in SEVERITIES if by_severity[s]],
        "by_outlet": by_outlet.most_common(),
        "by_rule": by_rule.most_common(),
        "groups": groups,
    }
    word = "story" if len(stories) == 1 else "stories"
    high = f", {by_severity['high']} high" if by_severity["high"] else ""
    look = f", {len(worth)} worth a look" if worth else ""
    subject = f"newswatch digest {now:%d %b %Y}: {len(stories)} flagged {word}{high}{look}"
    html = css_inline.inline(_ENV.get_template("digest.html.j2").render(subject=subject, **context))
    text = _ENV.get_template("digest.txt.j2").render(subject=subject, **context)
    return DigestContent(
        subject, text, html, tuple(items), {"by_outlet": dict(by_outlet), "by_rule": dict(by_rule)}
    )


#: Attempts after which a digest is no longer retried (a day of the service's 15-minute
#: retries): ``failed`` when nobody can have it (its items go into the next digest),
#: ``unconfirmed`` when the server may have taken it.
MAX_ATTEMPTS = 96


def after_failure(attempts: int, ambiguous: int, ambiguous_retries: int) -> str:
    """The status of a digest after a failed attempt: ``pending`` (retried),
    ``unconfirmed`` (the server may have it and no retry is left) or ``failed``."""
    if ambiguous > ambiguous_retries:
        return "unconfirmed"
    if attempts >= MAX_ATTEMPTS:
        return "unconfirmed" if ambiguous else "failed"
    return "pending"


def mark_failed(
    archive: Archive, digest_id: int, error: str, ambiguous: bool = False, ambiguous_retries: int = 2
) -> str:
    """Count a failed attempt (and whether the server may have the message); returns the
    digest's status afterwards (see :func:`after_failure`)."""
    return archive.digests.mark_failed(
        digest_id, error, ambiguous, lambda attempts, seen: after_failure(attempts, seen, ambiguous_retries)
    )


def write_preview(path: Path, content: DigestContent) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content.html, encoding="utf-8")
