"""A loopback HTTP server standing in for outlets: routes set by the test, every request logged."""

from __future__ import annotations

import contextlib
import gzip
import sys
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit


@dataclass
class Route:
    body: bytes
    status: int = 200
    content_type: str = "text/html; charset=utf-8"
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0  # seconds before the response starts
    gzip_encoding: bool = False  # send Content-Encoding: gzip
    # hostile delivery (all off by default):
    trickle: float = 0.0  # seconds between chunks of the body (a server that dribbles it out)
    chunk_size: int = 64  # bytes per chunk when trickling
    cut_after: int | None = None  # close the connection after this many body bytes (Content-Length says more)
    close_delimited: bool = False  # no Content-Length: the body ends when the connection closes


class FakeWeb:
    """``web.add("/feed.xml", xml, content_type=...)``; ``web.url("/feed.xml")``; ``web.log``."""

    def __init__(self, host: str = "127.0.0.1") -> None:
        self.routes: dict[str, Route] = {}
        self.log: list[tuple[str, str]] = []  # (method, path with query)
        self.not_modified: list[str] = []  # paths answered 304
        self._lock = threading.Lock()
        web = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:  # quiet
                pass

            def do_GET(self) -> None:
                with web._lock:
                    web.log.append(("GET", self.path))
                    route = web.routes.get(self.path) or web.routes.get(urlsplit(self.path).path)
                if route is None:
                    route = Route(b"<html><body><h1>Not found</h1></body></html>", status=404)
                if route.delay:
                    time.sleep(route.delay)
                etag = route.headers.get("ETag")
                if etag and self.headers.get("If-None-Match") == etag:
                    with web._lock:
                        web.not_modified.append(self.path)
                    self.send_response(304)
                    self.send_header("ETag", etag)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return
                # the client may give up first (a timeout test); nothing to answer then
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    self._respond(route)

            def _respond(self, route: Route) -> None:
                body = route.body
                self.send_response(route.status)
                self.send_header("Content-Type", route.content_type)
                if route.gzip_encoding:
                    body = gzip.compress(body)
                    self.send_header("Content-Encoding", "gzip")
                for name, value in route.headers.items():
                    self.send_header(name, value)
                if route.close_delimited:
                    self.send_header("Connection", "close")
                    self.close_connection = True
                else:
                    self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                if route.cut_after is not None:  # the connection drops mid-body
                    self.wfile.write(body[: route.cut_after])
                    self.wfile.flush()
                    self.close_connection = True
                    return
                if route.trickle:
                    for start in range(0, len(body), route.chunk_size):
                        self.wfile.write(body[start : start + route.chunk_size])
                        self.wfile.flush()
                        time.sleep(route.trickle)
                    return
                self.wfile.write(body)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                if not isinstance(sys.exc_info()[1], OSError):  # a crawl killed mid-request
                    super().handle_error(request, client_address)  # type: ignore[arg-type]

        self.server = Server((host, 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def base(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, path: str) -> str:
        return self.base + path

    def add(self, path: str, body: str | bytes, **kwargs: object) -> str:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = Route(data, **kwargs)  # type: ignore[arg-type]
        return self.url(path)

    def hits(self, path: str) -> int:
        return sum(1 for _, p in self.log if p == path or urlsplit(p).path == path)

    def start(self) -> FakeWeb:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
