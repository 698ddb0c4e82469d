"""Datasette plugin: how cells read. Times show in the team's zone (NEWSWATCH_TIMEZONE, given
to the plugin as ``plugins: newswatch: timezone`` in the metadata) with UTC on hover, as
Slack and the digest show them; an article's text shows as a short excerpt; titles and text
run in their own direction (``dir="auto"``: an Arabic title right to left); titles in the
articles table, and ids in the flagged and review views, link to the article's own page.
Canned queries listing articles (an ``id`` beside a ``title``) link the title too.
The articles table shows its reading columns unless asked for all (``?_allcols=1``), and
``newswatch_midnight()`` gives canned queries the team's midnight in UTC."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from urllib.parse import parse_qsl, urlencode
from zoneinfo import ZoneInfo

import markupsafe
from datasette import hookimpl

from newswatch.clock import zone_or_utc

#: Columns holding the archive's UTC times (``YYYY-MM-DD HH:MM:SS``), in any table or query.
TIME_COLUMNS = frozenset(
    {
        "published",
        "fetched_at",
        "first_published",
        "last_published",
        "created_at",
        "updated_at",
        "sent_at",
        "next_attempt_at",
        "started_at",
        "finished_at",
        "since",
        "resolved_at",
        "last_notified_at",
        "first_seen",
        "last_seen",
        "revised_at",
        "replaced_at",
        "built_at",
        "latest",
        "last_run",
        "oldest",
        "newest",
        "removed_at",
        "checked_at",
        "changed_at",
        "labelled_at",
    }
)
_SQL_TIME = re.compile(r"^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d$")
#: What the articles table shows by default (the id link comes first anyway).
READING_COLUMNS = ("published", "outlet", "title", "language", "severity", "text")
EXCERPT_CHARS = {"text": 120, "evidence": 240, "summary": 160}
_ARTICLES_PAGE = re.compile(r"^/[^/]+/articles$")


def team_zone(datasette) -> ZoneInfo:  # type: ignore[no-untyped-def]
    return zone_or_utc((datasette.plugin_config("newswatch") or {}).get("timezone"))


def local_midnight_utc(now: datetime, zone: ZoneInfo) -> str:
    """The last midnight in ``zone`` at ``now``, as the archive's UTC text."""
    local = now.astimezone(zone)
    midnight = datetime(local.year, local.month, local.day, tzinfo=zone)
    return midnight.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S")


def local_time(value: str, zone: ZoneInfo) -> str:
    """``2026-11-22 14:05:00`` (UTC) → ``2026-11-22 15:05 CET``."""
    moment = datetime.fromisoformat(value).replace(tzinfo=UTC).astimezone(zone)
    return moment.strftime("%Y-%m-%d %H:%M ") + (moment.tzname() or "")


def time_markup(value: str, zone: ZoneInfo) -> markupsafe.Markup:
    return markupsafe.Markup('<time datetime="{}Z" title="{} UTC">{}</time>').format(
        value.replace(" ", "T"), value, local_time(value, zone).replace(" ", "\u00a0")
    )


def excerpt(text: str, limit: int) -> str:
    """The start of ``text`` on one line, cut at a word near ``limit`` characters."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit * 0.6 else cut) + "\u2009…"


def _get(row, key):  # type: ignore[no-untyped-def]
    try:
        return row[key]
    except (IndexError, KeyError):
        return None


def _html_columns(datasette, database, table) -> list[str]:  # type: ignore[no-untyped-def]
    """The columns a view builds as HTML (datasette-render-html renders them, not this)."""
    config = datasette.plugin_config("datasette-render-html", database=database, table=table) or {}
    return list(config.get("columns") or ())


@hookimpl
def render_cell(row, value, column, table, database, datasette):  # type: ignore[no-untyped-def]
    if isinstance(value, str) and column in TIME_COLUMNS and _SQL_TIME.match(value):
        return time_markup(value, team_zone(datasette))
    # an article's words run in their own direction (Arabic right to left) inside the table's
    if isinstance(value, str) and column in EXCERPT_CHARS:
        shown = excerpt(value, EXCERPT_CHARS[column]) if len(value) > EXCERPT_CHARS[column] else value
        return markupsafe.Markup('<span dir="auto">{}</span>').format(shown)
    # the articles table, and canned queries listing articles (their ``id`` is the article's)
    if table in ("articles", None) and column == "title" and value and isinstance(_get(row, "id"), int):
        return markupsafe.Markup('<a href="{}" dir="auto">{}</a>').format(
            datasette.urls.table(database, "articles") + f"/{int(_get(row, 'id'))}", value
        )
    if (
        isinstance(value, str)
        and column == "title"
        and value
        and column not in _html_columns(datasette, database, table)
    ):
        return markupsafe.Markup('<span dir="auto">{}</span>').format(value)
    if table in ("flagged_articles", "review_articles") and column == "id" and isinstance(value, int):
        return markupsafe.Markup('<a href="{}/{}">{}</a>').format(
            datasette.urls.table(database, "articles"), value, value
        )
    return None


@hookimpl
def prepare_connection(conn, database, datasette):  # type: ignore[no-untyped-def]
    zone = team_zone(datasette)
    # not deterministic: the answer changes at midnight
    conn.create_function("newswatch_midnight", 0, lambda: local_midnight_utc(datetime.now(UTC), zone))


def reading_columns(path: str, query_string: bytes) -> bytes:
    """The articles table page's query string with its reading columns chosen, unless the
    visitor chose columns (``_col``, ``_nocol``) or asked for all (``_allcols``)."""
    if not _ARTICLES_PAGE.match(path):
        return query_string
    params = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    if any(k in ("_col", "_nocol", "_allcols") for k, _ in params):
        return query_string
    return urlencode([*params, *(("_col", c) for c in READING_COLUMNS)]).encode("ascii")


@hookimpl
def asgi_wrapper(datasette):  # type: ignore[no-untyped-def]
    def wrap(app):  # type: ignore[no-untyped-def]
        async def columns(scope, receive, send):  # type: ignore[no-untyped-def]
            if scope.get("type") == "http":
                chosen = reading_columns(scope.get("path") or "", scope.get("query_string") or b"")
                if chosen != (scope.get("query_string") or b""):
                    scope = {**scope, "query_string": chosen}
            await app(scope, receive, send)

        return columns

    return wrap
