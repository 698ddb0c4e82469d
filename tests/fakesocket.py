"""A loopback stand-in for Slack's Socket Mode WebSocket server (RFC 6455 on the standard
library): it takes slack-sdk's client's connections, says hello, answers its pings, sends it
envelopes and records its acknowledgements.

sock = FakeSocket().start()
slack.socket_url = sock.url            # tests/fakeslack.py: apps.connections.open answers it
sock.send(envelope)                    # to the newest connection
sock.acks                              # envelope ids acknowledged, in order
sock.drop()                            # every connection cut without a close frame
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import json
import socket
import socketserver
import struct
import threading
from typing import Any

_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"
TEXT, CLOSE, PING, PONG = 0x1, 0x8, 0x9, 0xA


def frame(opcode: int, payload: bytes) -> bytes:
    """One unmasked frame (the server's side never masks)."""
    size = len(payload)
    if size < 126:
        head = struct.pack("!BB", 0x80 | opcode, size)
    elif size < 1 << 16:
        head = struct.pack("!BBH", 0x80 | opcode, 126, size)
    else:
        head = struct.pack("!BBQ", 0x80 | opcode, 127, size)
    return head + payload


def envelope(payload: dict[str, Any], envelope_id: str) -> dict[str, Any]:
    """An ``interactive`` envelope as Slack sends one."""
    return {
        "envelope_id": envelope_id,
        "type": "interactive",
        "accepts_response_payload": False,
        "payload": payload,
    }


class FakeSocket:
    def __init__(self) -> None:
        self.acks: list[str] = []
        self.handshakes = 0  # connections taken so far
        self._live: list[socket.socket] = []
        self._lock = threading.Lock()
        fake = self

        class Handler(socketserver.BaseRequestHandler):
            def handle(self) -> None:
                conn: socket.socket = self.request
                try:
                    if not fake._handshake(conn):
                        return
                    with fake._lock:
                        fake._live.append(conn)
                        fake.handshakes += 1
                    fake._write(conn, TEXT, json.dumps({"type": "hello", "num_connections": 1}).encode())
                    fake._serve(conn)
                except OSError:
                    pass  # cut by drop() or by the client
                finally:
                    with fake._lock:
                        if conn in fake._live:
                            fake._live.remove(conn)

        class Server(socketserver.ThreadingTCPServer):
            daemon_threads = True
            allow_reuse_address = True

        self.server = Server(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"ws://{host}:{port}/link/?ticket=test"

    def start(self) -> FakeSocket:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.drop()
        self.server.shutdown()
        self.server.server_close()

    def connected(self) -> int:
        """Connections open now."""
        with self._lock:
            return len(self._live)

    def send(self, message: dict[str, Any]) -> None:
        """A text frame to the newest open connection."""
        with self._lock:
            conn = self._live[-1]
        self._write(conn, TEXT, json.dumps(message).encode())

    def drop(self) -> None:
        """Cut every open connection at once, without a close frame (as a dead network does)."""
        with self._lock:
            live, self._live = self._live, []
        for conn in live:
            with contextlib.suppress(OSError):
                conn.shutdown(socket.SHUT_RDWR)
            conn.close()

    # --- the protocol ------------------------------------------------------------------------

    def _handshake(self, conn: socket.socket) -> bool:
        request = b""
        while b"\r\n\r\n" not in request:
            chunk = conn.recv(4096)
            if not chunk:
                return False
            request += chunk
        headers = {}
        for line in request.decode("latin-1").split("\r\n")[1:]:
            name, _, value = line.partition(":")
            headers[name.strip().lower()] = value.strip()
        key = headers.get("sec-websocket-key", "")
        accept = base64.b64encode(hashlib.sha1((key + _GUID).encode()).digest()).decode()
        conn.sendall(
            (
                "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                f"Sec-WebSocket-Accept: {accept}\r\n\r\n"
            ).encode()
        )
        return True

    def _serve(self, conn: socket.socket) -> None:
        while True:
            opcode, payload = self._read_frame(conn)
            if opcode == TEXT:
                message = json.loads(payload.decode("utf-8"))
                if "envelope_id" in message:
                    with self._lock:
                        self.acks.append(message["envelope_id"])
            elif opcode == PING:
                self._write(conn, PONG, payload)
            elif opcode == CLOSE:
                self._write(conn, CLOSE, payload[:2])
                return

    def _write(self, conn: socket.socket, opcode: int, payload: bytes) -> None:
        with self._lock:  # frames of two threads never interleave
            conn.sendall(frame(opcode, payload))

    @staticmethod
    def _read_exactly(conn: socket.socket, size: int) -> bytes:
        data = b""
        while len(data) < size:
            chunk = conn.recv(size - len(data))
            if not chunk:
                raise ConnectionResetError("closed")
            data += chunk
        return data

    def _read_frame(self, conn: socket.socket) -> tuple[int, bytes]:
        first, second = self._read_exactly(conn, 2)
        size = second & 0x7F
        if size == 126:
            (size,) = struct.unpack("!H", self._read_exactly(conn, 2))
        elif size == 127:
            (size,) = struct.unpack("!Q", self._read_exactly(conn, 8))
        mask = self._read_exactly(conn, 4) if second & 0x80 else b"\0\0\0\0"
        data = self._read_exactly(conn, size)
        return first & 0x0F, bytes(b ^ mask[i % 4] for i, b in enumerate(data))
