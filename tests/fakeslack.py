"""A loopback stand-in for Slack's Web API: records every call, answers as scripted.

slack = FakeSlack().start()
slack.script("ratelimited", "server_error", "invalid_auth")  # the next three calls
slack.default = "reset"                                      # every call after the script
WebClient(token="xoxb-test", base_url=slack.api_url)

Actions: ``ok``; ``slow`` (ok after 3 s); ``late`` (the request reaches Slack ``late_by``
seconds after it was sent, then ok); ``no_ts`` (ok without a ``ts``); ``ratelimited`` (429
with ``retry_after``) or ``ratelimited:600``; ``server_error`` (500); any Slack error name
(``invalid_auth``, ``msg_too_long``...). Slack takes the message, then the answer is lost:
``cut`` (the body is cut off mid-way), ``reset`` (the connection is reset without an answer),
``drop`` (closed without an answer), ``hang`` (no answer until ``hang_for`` seconds pass or
the server stops), ``trickle`` (the answer one byte every half second).

Socket Mode: with ``socket_url`` set (tests/fakesocket.py), ``apps.connections.open`` answers
that WebSocket URL, whatever the script says (the call is recorded).
"""

from __future__ import annotations

import json
import socket
import struct
import sys
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs


@dataclass
class Call:
    method: str  # "chat.postMessage"
    payload: dict[str, Any]
    at: float  # time.monotonic() when received
    token: str
    answer: str  # ok, or what was scripted


class FakeSlack:
    #: Actions after which the message is in the channel (whatever the client heard).
    POSTED = frozenset({"ok", "slow", "late", "no_ts", "odd_ids", "cut", "reset", "drop", "hang", "trickle"})

    def __init__(self, retry_after: int = 1) -> None:
        self.calls: list[Call] = []
        self.retry_after = retry_after
        self.default = "ok"  # the answer once the script is used up
        self.late_by = 0.3
        self.hang_for = 60.0
        self.socket_url: str | None = None  # what apps.connections.open answers
        self._closing = threading.Event()
        self._script: list[str] = []
        self._ts = 1_700_000_000
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                if fake.socket_url is not None and self.path.endswith("/apps.connections.open"):
                    self._connections_open()
                    return
                with fake._lock:
                    action = fake._script.pop(0) if fake._script else fake.default
                if action == "late":
                    time.sleep(fake.late_by)  # as if the request spent this long on the way
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8")
                if "json" in (self.headers.get("Content-Type") or ""):
                    payload = json.loads(raw or "{}")
                else:
                    payload = {k: v[0] for k, v in parse_qs(raw).items()}
                method = self.path.rsplit("/", 1)[-1]
                token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
                with fake._lock:
                    fake.calls.append(Call(method, payload, time.monotonic(), token, action))
                    fake._ts += 1
                    ts = f"{fake._ts}.000100"
                if action == "slow":
                    time.sleep(3)
                if action in ("reset", "drop", "hang"):
                    if action == "hang":
                        fake._closing.wait(fake.hang_for)
                    self._close(reset=action == "reset")
                    return
                if action.startswith("ratelimited"):
                    wait = action.partition(":")[2] or str(fake.retry_after)
                    self._answer(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": wait})
                elif action == "server_error":
                    self._answer(500, {"ok": False, "error": "internal_error"})
                elif action not in fake.POSTED:  # a Slack error name: invalid_auth, invalid_blocks...
                    self._answer(200, {"ok": False, "error": action})
                else:
                    channel = payload.get("channel", "C0TEST")
                    body = {
                        "ok": True,
                        "channel": "C0TEST" if channel.startswith("#") else channel,
                        "ts": ts,
                        "message": {"text": payload.get("text")},
                    }
                    if action == "no_ts":
                        del body["ts"]
                    if action == "odd_ids":  # confirmed, but the ids are not text
                        body["ts"], body["channel"] = {"x": 1}, 5
                    self._answer(200, body, cut=action == "cut", trickle=action == "trickle")

            def _connections_open(self) -> None:
                self.rfile.read(int(self.headers.get("Content-Length") or 0))
                token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
                with fake._lock:
                    fake.calls.append(Call("apps.connections.open", {}, time.monotonic(), token, "ok"))
                self._answer(200, {"ok": True, "url": fake.socket_url})

            def _answer(
                self,
                status: int,
                body: dict[str, Any],
                headers: dict[str, str] | None = None,
                cut: bool = False,
                trickle: bool = False,
            ) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                if cut:  # promised len(data) bytes, sends half, hangs up
                    self.wfile.write(data[: len(data) // 2])
                    self._close(reset=False)
                    return
                if trickle:  # every byte in time for a per-read timeout, the whole far too late
                    for k in range(len(data)):
                        if fake._closing.wait(0.5):
                            break
                        self.wfile.write(data[k : k + 1])
                    return
                self.wfile.write(data)

            def _close(self, reset: bool) -> None:
                """Hang up without (the rest of) an answer; ``reset``: with a TCP RST."""
                self.close_connection = True
                if reset:
                    self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                else:
                    self.connection.shutdown(socket.SHUT_RDWR)
                self.connection.close()

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                if not isinstance(sys.exc_info()[1], OSError):  # a killed client, a scripted hang-up
                    super().handle_error(request, client_address)  # type: ignore[arg-type]

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def api_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/api/"

    def script(self, *actions: str) -> None:
        """Answers for the next calls, in order (the actions are listed at the top)."""
        with self._lock:
            self._script.extend(actions)

    def posts(self) -> list[Call]:
        """Every chat.postMessage call, refused ones included."""
        return [c for c in self.calls if c.method == "chat.postMessage"]

    def delivered(self) -> list[Call]:
        """The chat.postMessage calls after which the message is in the channel."""
        return [c for c in self.posts() if c.answer in self.POSTED]

    def release(self) -> None:
        """Hanging answers end now (the connection is closed without an answer)."""
        self._closing.set()

    def start(self) -> FakeSlack:
        self.thread.start()
        return self

    def stop(self) -> None:
        self._closing.set()  # hanging answers end
        self.server.shutdown()
        self.server.server_close()
