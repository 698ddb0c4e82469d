"""Datasette plugin: the pages an analyst opens. The home page (the archive's database page:
flagged stories this week, the review tier, outlet health, then queries and tables, internal
ones last), one article on a page of its own (``/<db>/articles/<id>``: headline linked to the
source, outlet, local time, language, labels, entities, the team's judgements and the
``newswatch label`` line that adds one, evidence, its story and the story's other reports,
then the text), and charts of the last 90 days (``/<db>/charts``: flagged
stories per day by severity, per outlet, per entity) drawn here as inline SVG, so no page
loads anything from another host. Times are the team's (NEWSWATCH_TIMEZONE)."""

from __future__ import annotations

import json
import sqlite3
from collections import Counter, defaultdict
from datetime import UTC, date, datetime, timedelta
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

import markupsafe
from datasette import hookimpl
from datasette.database import QueryInterrupted
from datasette.utils import tilde_encode
from datasette.utils.asgi import NotFound, Response

from newswatch.clock import zone_or_utc
from newswatch.language import lang_attribute

SEVERITIES = ("high", "medium", "low")
CLAIMS = ("confirmed", "official", "designated", "alleged", "denied")  # newswatch/claims.py
COLOURS = {
    "high": "#c0392b",
    "medium": "#e67e22",
    "low": "#f1c40f",
    "review": "#2980b9",
    None: "#7f8c8d",
    "confirmed": "#8e44ad",
    "official": "#2c6fbb",
    "designated": "#16a085",
    "alleged": "#95a5a6",
    "denied": "#34495e",
}
CHART_DAYS = 90
#: What the home page lists first; every other table is an internal one, listed last.
READING_TABLES = ("flagged_stories", "flagged_articles", "review_articles", "stories", "articles")


def team_zone(datasette) -> ZoneInfo:  # type: ignore[no-untyped-def]
    return zone_or_utc((datasette.plugin_config("newswatch") or {}).get("timezone"))


def sql_time(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def local(value: str | None, zone: ZoneInfo, fmt: str = "%Y-%m-%d %H:%M %Z") -> str:
    """The archive's UTC text in the team's zone ('' when empty or unreadable)."""
    if not value:
        return ""
    try:
        moment = datetime.fromisoformat(value).replace(tzinfo=UTC)
    except ValueError:
        return value
    return moment.astimezone(zone).strftime(fmt)


def local_day(value: str | None, zone: ZoneInfo) -> date | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value).replace(tzinfo=UTC).astimezone(zone).date()
    except ValueError:
        return None


def json_list(value: Any) -> list[Any]:
    try:
        parsed = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return []
    return parsed if isinstance(parsed, list) else []


def json_object(value: Any) -> dict[str, Any]:
    try:
        parsed = json.loads(value) if isinstance(value, str) else value
    except ValueError:
        return {}
    return parsed if isinstance(parsed, dict) else {}


def _archive(datasette, name: str):  # type: ignore[no-untyped-def]
    try:
        return datasette.get_database(name)
    except KeyError:
        raise NotFound(f"Database not found: {name}") from None


# --- one article -----------------------------------------------------------------------------


def highlighted(sentence: str, highlights: list[Any]) -> markupsafe.Markup:
    """The evidence sentence, escaped, with the matched words in <mark>."""
    out, pos = [], 0
    for pair in sorted(tuple(h) for h in highlights if isinstance(h, list | tuple) and len(h) == 2):
        start, end = pair
        if not (isinstance(start, int) and isinstance(end, int)) or start < pos or end > len(sentence):
            continue
        out.append(escape(sentence[pos:start]) + "<mark>" + escape(sentence[start:end]) + "</mark>")
        pos = end
    out.append(escape(sentence[pos:]))
    return markupsafe.Markup("".join(out))


async def named_entities(datasette, db, name: str, article_id: int) -> list[dict[str, Any]]:  # type: ignore[no-untyped-def]
    """The entities an article names (``article_entities``), in the order found, each with its
    ``entities`` row's name, whether it is designated and the URL of that row; an id with no
    row (the lists never updated) keeps only its id."""
    if not await db.table_exists("article_entities"):
        return []
    joined = "e.name, e.designated FROM article_entities ae LEFT JOIN entities e ON e.id = ae.entity_id"
    if not await db.table_exists("entities"):  # an archive from before the lists
        joined = "NULL AS name, 0 AS designated FROM article_entities ae"
    found = await db.execute(
        f"SELECT ae.entity_id, {joined} WHERE ae.article_id = ? ORDER BY ae.rowid", [article_id]
    )
    return [
        {
            "id": row["entity_id"],
            "name": row["name"],
            "designated": bool(row["designated"]),
            "url": datasette.urls.row(name, "entities", tilde_encode(str(row["entity_id"])))
            if row["name"] is not None
            else None,
        }
        for row in found
    ]


async def article_page(datasette, request):  # type: ignore[no-untyped-def]
    name = request.url_vars["database"]
    db = _archive(datasette, name)
    article_id = int(request.url_vars["id"])
    found = (await db.execute("SELECT * FROM articles WHERE id = ?", [article_id])).first()
    if found is None:
        raise NotFound(f"No article {article_id}")
    article = dict(found)
    zone = team_zone(datasette)
    matches = [
        dict(r)
        for r in await db.execute(
            "SELECT rule, score, severity, terms, evidence FROM matches WHERE article_id = ? "
            "ORDER BY score DESC, rule",
            [article_id],
        )
    ]
    entities: dict[str, set[str]] = defaultdict(set)
    sentences: dict[str, set[tuple[int, int]]] = {}  # each sentence once, every rule's highlights
    for match in matches:
        for term in json_list(match["terms"]):
            if isinstance(term, dict) and term.get("term"):
                entities[str(term.get("group") or "")].add(str(term["term"]))
        for item in json_list(match["evidence"]):
            if isinstance(item, dict) and item.get("sentence"):
                marks = sentences.setdefault(str(item["sentence"]), set())
                marks.update(
                    tuple(h) for h in item.get("highlights") or [] if isinstance(h, list) and len(h) == 2
                )
    evidence = [highlighted(sentence, sorted(marks)) for sentence, marks in sentences.items()]
    story, others = None, []
    if article.get("story_id") is not None:
        row = (await db.execute("SELECT * FROM stories WHERE id = ?", [article["story_id"]])).first()
        story = dict(row) if row else None
        others = [
            dict(r)
            for r in await db.execute(
                "SELECT id, outlet, title, url, published, fetched_at, story_relation, flagged, review, "
                "severity FROM articles WHERE story_id = ? AND id != ? "
                "ORDER BY coalesce(published, fetched_at) LIMIT 100",
                [article["story_id"], article_id],
            )
        ]
    alerts = [
        dict(r)
        for r in await db.execute(
            "SELECT kind, status, created_at, sent_at, transport, channel, last_error FROM alerts "
            "WHERE article_id = ? ORDER BY id",
            [article_id],
        )
    ]
    versions = (
        await db.execute("SELECT count(*) FROM article_versions WHERE article_id = ?", [article_id])
    ).single_value()
    labels = []
    if article.get("flagged"):
        labels.append(("flagged", article.get("severity")))
    elif article.get("review"):
        labels.append(("worth a look", "review"))
    labels += [(rule, None) for rule in json_list(article.get("rules"))]
    if article.get("story_relation") in ("copy", "related"):
        labels.append(
            (
                {"copy": "copy of an earlier report", "related": "another report"}[article["story_relation"]],
                None,
            )
        )
    if versions:
        labels.append((f"revised ({versions} earlier text{'s' if versions > 1 else ''})", None))
    judgements = []
    if await db.table_exists("labels"):  # the team's judgements, oldest first
        judgements = [
            {**dict(r), "when": local(r["labelled_at"], zone)}
            for r in await db.execute(
                "SELECT label, who, labelled_at, source, note FROM labels WHERE article_id = ? ORDER BY id",
                [article_id],
            )
        ]
    cue = json_object(article.get("claim_cue"))
    context = {
        "judgements": judgements,
        "database": name,
        "table": "articles",
        "article": article,
        "claim_status": article.get("claim_status"),  # in archives since claim status was added
        "claim_sentence": cue.get("sentence") if isinstance(cue.get("sentence"), str) else None,
        # the article's language as an HTML lang value: Arabic set right to left, Chinese glyphs
        "lang": lang_attribute(article.get("language")),
        "paragraphs": [p.strip() for p in (article.get("text") or "").split("\n") if p.strip()],
        "authors": [str(a) for a in json_list(article.get("authors"))],
        "published": local(article.get("published"), zone),
        "fetched": local(article.get("fetched_at"), zone),
        "labels": labels,
        "entities": sorted((group, sorted(terms)) for group, terms in entities.items()),
        "named_entities": await named_entities(datasette, db, name, article_id),
        "evidence": evidence,
        "plain_evidence": article.get("evidence") if not evidence else None,
        "story": story,
        "story_updated": local((story or {}).get("updated_at"), zone),
        "others": [{**o, "when": local(o["published"] or o["fetched_at"], zone)} for o in others],
        "alerts": [{**a, "when": local(a["sent_at"] or a["created_at"], zone)} for a in alerts],
        "zone": str(zone),
        "colours": COLOURS,
    }
    html = await datasette.render_template("article.html", context, request=request)
    return Response.html(html)


# --- charts ----------------------------------------------------------------------------------


def day_columns_svg(
    days: list[date], counts: dict[date, Counter[str]], series: tuple[str, ...], by: str
) -> str:
    """Stacked columns, one per day (``counts[day][series]``), as an SVG document fragment."""
    width, height, left, right, bottom, top = 1180, 260, 40, 40, 30, 10
    plot_h = height - bottom - top
    peak = max([sum(counts[d].values()) for d in days] + [1])
    step = max(1, -(-peak // 4))  # four gridlines at most, whole numbers
    ymax = step * -(-peak // step)
    slot = (width - left - right) / max(len(days), 1)
    parts = [
        f'<svg viewBox="0 0 {width} {height}" width="100%" role="img" '
        f'aria-label="Flagged stories per day, by {by}" font-size="12">'
    ]
    for tick in range(0, ymax + 1, step):
        y = top + plot_h - plot_h * tick / ymax
        parts.append(f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>')
        parts.append(f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" fill="#555">{tick}</text>')
    for i, day in enumerate(days):
        x, base = left + i * slot, top + plot_h
        for name in series:
            n = counts[day].get(name, 0)
            if not n:
                continue
            h = plot_h * n / ymax
            base -= h
            parts.append(
                f'<rect x="{x + 1:.1f}" y="{base:.1f}" width="{max(slot - 2, 1):.1f}" height="{h:.1f}" '
                f'fill="{COLOURS.get(name, "#7f8c8d")}">'
                f"<title>{day.isoformat()}: {n} {escape(name)}</title></rect>"
            )
        if day.day == 1 or i == 0:
            parts.append(f'<text x="{x:.1f}" y="{height - 10}" fill="#555">{day.strftime("%-d %b")}</text>')
    parts.append("</svg>")
    return "".join(parts)


def bars_svg(items: list[tuple[str, int]], label: str) -> str:
    """Horizontal bars, largest first, as an SVG document fragment."""
    row, left, width = 24, 200, 580
    height = max(len(items), 1) * row + 8
    peak = max([n for _, n in items] + [1])
    parts = [
        f'<svg viewBox="0 0 {width} {height}" width="{width}" role="img" aria-label="{escape(label)}" '
        'font-size="13">'
    ]
    for i, (name, n) in enumerate(items):
        y = 4 + i * row
        w = (width - left - 50) * n / peak
        parts.append(
            f'<text x="{left - 8}" y="{y + 16}" text-anchor="end">{escape(name[:28])}</text>'
            f'<rect x="{left}" y="{y + 3}" width="{w:.1f}" height="{row - 8}" fill="#2c6fbb">'
            f"<title>{escape(name)}: {n}</title></rect>"
            f'<text x="{left + w + 6:.1f}" y="{y + 16}" fill="#333">{n}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


async def chart_data(db, zone: ZoneInfo, now: datetime, days: int = CHART_DAYS) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    """Flagged stories of the last ``days`` team days: per day by severity, per outlet, per entity."""
    today = now.astimezone(zone).date()
    first_day = today - timedelta(days=days - 1)
    since = sql_time(datetime(first_day.year, first_day.month, first_day.day, tzinfo=zone))
    claim = await story_claim(db)
    stories = await db.execute(
        "SELECT s.id, coalesce(s.first_published, s.created_at) AS at, s.severity, s.outlet_list, "
        f"{claim} AS claim_status "
        "FROM stories s WHERE s.flagged = 1 AND s.updated_at >= ?",
        [since],
    )
    per_day: dict[date, Counter[str]] = defaultdict(Counter)
    per_claim: dict[date, Counter[str]] = defaultdict(Counter)
    per_outlet: Counter[str] = Counter()
    for story in stories:
        day = local_day(story["at"], zone)
        if day is not None and first_day <= day <= today:
            per_day[day][story["severity"] or "low"] += 1
            if story["claim_status"]:
                per_claim[day][story["claim_status"]] += 1
        for outlet in set(json_list(story["outlet_list"])):
            per_outlet[str(outlet)] += 1
    entity_rows = await db.execute(
        "SELECT json_extract(t.value, '$.group') AS entity, count(DISTINCT a.story_id) AS n "
        "FROM articles a JOIN matches m ON m.article_id = a.id, json_each(m.terms) t "
        "WHERE a.flagged = 1 AND a.published >= ? AND json_extract(t.value, '$.group') IS NOT NULL "
        "GROUP BY entity ORDER BY n DESC, entity LIMIT 20",
        [since],
    )
    day_list = [first_day + timedelta(days=i) for i in range(days)]
    return {
        "first_day": first_day,
        "today": today,
        "total": sum(sum(c.values()) for c in per_day.values()),
        "per_day": markupsafe.Markup(day_columns_svg(day_list, per_day, SEVERITIES, "severity")),
        "per_claim": markupsafe.Markup(day_columns_svg(day_list, per_claim, CLAIMS, "claim status"))
        if per_claim
        else None,
        "per_outlet": markupsafe.Markup(bars_svg(per_outlet.most_common(20), "Flagged stories per outlet")),
        "per_entity": markupsafe.Markup(
            bars_svg([(r["entity"], r["n"]) for r in entity_rows], "Flagged stories per entity")
        ),
        "outlets": len(per_outlet),
        "entities": len(entity_rows.rows),
    }


async def charts_page(datasette, request):  # type: ignore[no-untyped-def]
    name = request.url_vars["database"]
    db = _archive(datasette, name)
    zone = team_zone(datasette)
    data = await chart_data(db, zone, datetime.now(UTC))
    context = {
        "database": name,
        "zone": str(zone),
        "colours": COLOURS,
        "severities": SEVERITIES,
        "claims": CLAIMS,
        **data,
    }
    html = await datasette.render_template("charts.html", context, request=request)
    return Response.html(html)


async def home_redirect(datasette):  # type: ignore[no-untyped-def]
    names = [n for n in datasette.databases if n != "_internal"]
    if len(names) == 1:
        return Response.redirect(datasette.urls.database(names[0]))
    raise NotFound("Choose a database")


@hookimpl
def register_routes():  # type: ignore[no-untyped-def]
    return [
        (r"^/$", home_redirect),
        (r"^/(?P<database>[^/.]+)/articles/(?P<id>\d+)$", article_page),
        (r"^/(?P<database>[^/.]+)/charts$", charts_page),
    ]


# --- home ------------------------------------------------------------------------------------


def visible_counts(db):  # type: ignore[no-untyped-def]
    """``Database.table_counts`` that counts only the tables a visitor sees. Datasette's counts
    every table for the database page, and ``count(*)`` of an FTS index's data table (a
    gigabyte at a million articles) runs for a second whatever the time limit."""

    async def table_counts(limit: int = 10) -> dict[str, int | None]:
        hidden = set(await db.hidden_table_names())
        counts: dict[str, int | None] = {}
        for table in await db.table_names():
            counts[table] = None
            if table in hidden:
                continue
            try:
                sql = f"SELECT count(*) FROM [{table}]"
                counts[table] = (await db.execute(sql, custom_time_limit=limit)).single_value()
            except (QueryInterrupted, sqlite3.DatabaseError):
                pass
        return counts

    return table_counts


@hookimpl
def startup(datasette):  # type: ignore[no-untyped-def]
    for db in datasette.databases.values():
        db.table_counts = visible_counts(db)


async def claim_column(db) -> str:  # type: ignore[no-untyped-def]
    """``claim_status`` of an article ``a``, or NULL in an archive from before claim status."""
    return "a.claim_status" if "claim_status" in await db.table_columns("articles") else "NULL"


async def story_claim(db) -> str:  # type: ignore[no-untyped-def]
    """A story ``s``'s claim status: the strongest of its reports so far (``stories.claim_status``),
    or in an archive from before that column its first article's."""
    if "claim_status" in await db.table_columns("stories"):
        return "s.claim_status"
    return f"(SELECT {await claim_column(db)} FROM articles a WHERE a.id = s.first_article_id)"


async def home_data(db, zone: ZoneInfo, now: datetime) -> dict[str, Any]:  # type: ignore[no-untyped-def]
    week = sql_time(now - timedelta(days=7))
    claim = await story_claim(db)
    stories = [
        dict(r)
        for r in await db.execute(
            "SELECT s.id, s.title, s.first_article_id, s.severity, s.outlets, s.articles, s.outlet_list, "
            "s.updated_at, (SELECT group_concat(DISTINCT al.status) FROM alerts al "
            "  WHERE al.article_id = s.first_article_id) AS alert_status, "
            f"{claim} AS claim_status "
            "FROM stories s WHERE s.flagged = 1 AND s.updated_at >= ? "
            "ORDER BY s.updated_at DESC LIMIT 12",
            [week],
        )
    ]
    week_count = (
        await db.execute("SELECT count(*) FROM stories WHERE flagged = 1 AND updated_at >= ?", [week])
    ).single_value()
    review = [
        dict(r)
        for r in await db.execute(
            "SELECT id, published, outlet, title, evidence FROM articles "
            "WHERE review = 1 AND published >= ? ORDER BY published DESC LIMIT 5",
            [week],
        )
    ]
    health = [
        dict(r)
        for r in await db.execute(
            "SELECT r.outlet, count(*) AS runs, sum(r.status = 'ok') AS ok, "
            "sum(r.status IN ('failed', 'timeout', 'crashed')) AS failed, sum(r.new) AS new, "
            "max(r.finished_at) AS last_run, "
            "(SELECT group_concat(h.issue, ', ') FROM health h WHERE h.outlet = r.outlet "
            "  AND h.resolved_at IS NULL) AS open_issues "
            "FROM crawl_runs r WHERE r.started_at >= ? GROUP BY r.outlet "
            "ORDER BY open_issues IS NULL, failed DESC, r.outlet",
            [week],
        )
    ]
    for story in stories:
        story["when"] = local(story["updated_at"], zone, "%a %-d %b %H:%M")
        story["outlet_names"] = ", ".join(str(o) for o in json_list(story["outlet_list"]))
    for article in review:
        article["when"] = local(article["published"], zone, "%a %-d %b %H:%M")
    for outlet in health:
        outlet["when"] = local(outlet["last_run"], zone, "%a %-d %b %H:%M")
    return {"week_stories": stories, "week_count": week_count, "week_review": review, "health": health}


@hookimpl
def extra_template_vars(template, database, datasette):  # type: ignore[no-untyped-def]
    if template != "database.html" or database is None:
        return None

    async def inner() -> dict[str, Any]:
        db = datasette.get_database(database)
        if not await db.table_exists("stories"):
            return {"newswatch": None}
        zone = team_zone(datasette)
        data = await home_data(db, zone, datetime.now(UTC))
        return {
            "newswatch": data,
            "zone": str(zone),
            "colours": COLOURS,
            "reading_tables": READING_TABLES,
        }

    return inner
