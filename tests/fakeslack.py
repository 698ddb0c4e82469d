"""A loopback stand-in for Slack's Web API: records every call, answers as scripted.

slack = FakeSlack().start()
slack.script("ratelimited", "server_error", "invalid_auth")  # the next three calls
WebClient(token="xoxb-test", base_url=slack.api_url)
"""

from __future__ import annotations

import json
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
    def __init__(self, retry_after: int = 1) -> None:
        self.calls: list[Call] = []
        self.retry_after = retry_after
        self._script: list[str] = []
        self._ts = 1_700_000_000
        self._lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode("utf-8")
                if "json" in (self.headers.get("Content-Type") or ""):
                    payload = json.loads(raw or "{}")
                else:
                    payload = {k: v[0] for k, v in parse_qs(raw).items()}
                method = self.path.rsplit("/", 1)[-1]
                token = (self.headers.get("Authorization") or "").removeprefix("Bearer ")
                with fake._lock:
                    action = fake._script.pop(0) if fake._script else "ok"
                    fake.calls.append(Call(method, payload, time.monotonic(), token, action))
                    fake._ts += 1
                    ts = f"{fake._ts}.000100"
                if action == "slow":
                    time.sleep(3)
                    action = "ok"
                if action == "ratelimited":
                    self._answer(
                        429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(fake.retry_after)}
                    )
                elif action == "server_error":
                    self._answer(500, {"ok": False, "error": "internal_error"})
                elif action != "ok":  # a Slack error name: invalid_auth, channel_not_found, invalid_blocks...
                    self._answer(200, {"ok": False, "error": action})
                else:
                    channel = payload.get("channel", "C0TEST")
                    self._answer(
                        200,
                        {
                            "ok": True,
                            "channel": "C0TEST" if channel.startswith("#") else channel,
                            "ts": ts,
                            "message": {"text": payload.get("text")},
                        },
                    )

            def _answer(
                self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None
            ) -> None:
                data = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                for name, value in (headers or {}).items():
                    self.send_header(name, value)
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

        class Server(ThreadingHTTPServer):
            def handle_error(self, request: object, client_address: object) -> None:
                if not isinstance(sys.exc_info()[1], ConnectionError):  # a killed client is routine
                    super().handle_error(request, client_address)  # type: ignore[arg-type]

        self.server = Server(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def api_url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/api/"

    def script(self, *actions: str) -> None:
        """Answers for the next calls, in order: ok, ratelimited, server_error, slow, or a Slack error."""
        with self._lock:
            self._script.extend(actions)

    def posts(self) -> list[Call]:
        """Every chat.postMessage call, refused ones included."""
        return [c for c in self.calls if c.method == "chat.postMessage"]

    def delivered(self) -> list[Call]:
        """The chat.postMessage calls that Slack accepted."""
        return [c for c in self.posts() if c.answer in ("ok", "slow")]

    def start(self) -> FakeSlack:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
