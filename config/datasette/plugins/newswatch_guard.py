"""Datasette plugin: what a visitor may ask for. The archive is read-only, so any method but
GET and HEAD is a clean 405 (Datasette 0.65 answers a POST to a canned query with a 500);
and Datasette's instance pages under ``/-/`` (``/-/databases`` shows the archive's absolute
path; versions, plugins, settings, threads and the debug pages say more about the server
than a reader needs) are 404 — only the static assets the pages load are served there.
With arbitrary SQL on (NEWSWATCH_DATASETTE_SQL=1), SQL naming ``pragma_database_list`` (the
one table-valued function that shows the path) is refused with a 403."""

import re
from urllib.parse import parse_qsl, unquote

from datasette import hookimpl

ALLOWED_METHODS = ("GET", "HEAD")
#: The only ``/-/`` paths a visitor gets: the CSS and JavaScript of the pages.
PUBLIC_PREFIXES = ("/-/static/", "/-/static-plugins/")


@hookimpl
def asgi_wrapper(datasette):  # type: ignore[no-untyped-def]
    def wrap(app):  # type: ignore[no-untyped-def]
        async def guarded(scope, receive, send):  # type: ignore[no-untyped-def]
            refusal = refuse(scope) if scope.get("type") == "http" else None
            if refusal is None:
                await app(scope, receive, send)
            else:
                await respond(send, *refusal)

        return guarded

    return wrap


def refuse(scope):  # type: ignore[no-untyped-def]
    """(status, headers, text) for a request a visitor may not make, else None."""
    if scope.get("method", "GET").upper() not in ALLOWED_METHODS:
        allow = ", ".join(ALLOWED_METHODS)
        return 405, [(b"allow", allow.encode())], f"405: the archive is read-only; use {allow}\n"
    if any(instance_page(path) for path in spellings(scope)):
        return 404, [], "404: not found\n"
    if reads_file_paths(scope.get("query_string") or b""):
        return 403, [], "403: this query would show where the server keeps its files\n"
    return None


def reads_file_paths(query_string):  # type: ignore[no-untyped-def]
    """True when any parameter (``sql``, but also ``_where``, facets, canned-query values:
    every one that may end up in SQL) names SQLite's database list. An SQL identifier cannot
    be assembled at run time or broken by comments, so the name itself has to be there."""
    params = parse_qsl(query_string.decode("latin-1"), keep_blank_values=True)
    return any("database_list" in (key + "=" + value).lower() for key, value in params)


def spellings(scope):  # type: ignore[no-untyped-def]
    """The request path as Datasette routes it (the raw path) and as it decodes."""
    raw = scope.get("raw_path")
    paths = [scope.get("path") or "/"]
    if raw:
        paths.append(raw.decode("latin-1").partition("?")[0])
    return [re.sub(r"/{2,}", "/", unquote(p)) for p in paths]


def instance_page(path):  # type: ignore[no-untyped-def]
    return path.startswith("/-/") and not path.startswith(PUBLIC_PREFIXES)


async def respond(send, status, headers, text):  # type: ignore[no-untyped-def]
    body = text.encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
