"""Slack's Socket Mode inside the service: the clicks on the alerts' buttons reach `newswatch run`
over a WebSocket it opens itself, so no public URL is needed.

slack-sdk's built-in client (no extra dependency) asks ``apps.connections.open`` (with the
app-level token, through ``NEWSWATCH_SLACK_API_URL``) for a WebSocket URL and connects. It
reconnects by itself: at once when Slack closes the connection or asks it to (a ``disconnect``
message, every few hours), and within about four ping intervals when the connection dies
without a word (no pong comes back). Until the first connection is made (Slack unreachable, a
bad token) this module tries again every ``retry`` seconds, saying why once.

Each envelope is acknowledged before anything else is done (Slack wants it within 3 seconds),
on the client's own threads; ``block_actions`` payloads are then queued for ``handle``, called
with one at a time on a thread of this module, so a slow click (Slack taking its time over the
message's update) never holds up the acknowledgement of the next. :meth:`FeedbackSocket.close`
ends it all (clicks already acknowledged are still stored); the service calls it when it stops.
"""

from __future__ import annotations

import contextlib
import logging
import socket
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from slack_sdk import WebClient
from slack_sdk.socket_mode import SocketModeClient
from slack_sdk.socket_mode.request import SocketModeRequest
from slack_sdk.socket_mode.response import SocketModeResponse

log = logging.getLogger("newswatch.feedback")

#: Seconds between two pings: a connection that answers none in four is replaced.
PING_INTERVAL = 5.0
#: Seconds between two attempts at the first connection.
CONNECT_RETRY = 30.0


class FeedbackSocket:
    """The Socket Mode connection of a running service."""

    def __init__(
        self,
        app_token: str,
        web_client: WebClient,
        handle: Callable[[dict[str, Any]], None],
        ping_interval: float = PING_INTERVAL,
        retry: float = CONNECT_RETRY,
    ):
        """``web_client``: the Web API client (its base URL is ``NEWSWATCH_SLACK_API_URL``);
        ``handle``: called with each ``block_actions`` payload, after the acknowledgement."""
        self.handle = handle
        self.retry = retry
        self._stop = threading.Event()
        # one click at a time (they write the archive and Slack), never on the acknowledging thread
        self._work = ThreadPoolExecutor(1, thread_name_prefix="slack-clicks")
        self._thread: threading.Thread | None = None
        sdk_log = logging.getLogger("newswatch.feedback.socket")
        sdk_log.setLevel(logging.WARNING)  # its every reconnect is half a dozen info lines
        self.client = SocketModeClient(
            app_token=app_token,
            web_client=web_client,
            logger=sdk_log,
            ping_interval=ping_interval,
            concurrency=2,
        )
        self.client.socket_mode_request_listeners.append(self._received)

    def start(self) -> None:
        """Connect in the background (the service never waits for Slack)."""
        self._thread = threading.Thread(target=self._connect, name="slack-socket-connect", daemon=True)
        self._thread.start()

    def connected(self) -> bool:
        return self.client.is_connected()

    def _connect(self) -> None:
        said: str | None = None
        while not self._stop.is_set():
            try:
                self.client.wss_uri = None  # a fresh URL for every attempt
                self.client.connect()
            except Exception as exc:  # Slack unreachable, refused token: said once, tried again
                why = f"{type(exc).__name__}: {exc}"
                if why != said:
                    log.error("Slack Socket Mode: cannot connect, retrying every %g s: %s", self.retry, why)
                    said = why
                self._stop.wait(self.retry)
                continue
            log.info("Slack Socket Mode: connected; the alerts' buttons work")
            return  # from now on the client reconnects by itself

    def _received(self, client: Any, request: SocketModeRequest) -> None:
        client.send_socket_mode_response(SocketModeResponse(envelope_id=request.envelope_id))  # ack first
        payload = request.payload or {}
        if request.type != "interactive" or payload.get("type") != "block_actions":
            log.debug("Slack Socket Mode: %s envelope ignored", request.type)
            return
        self._work.submit(self._handle, payload)

    def _handle(self, payload: dict[str, Any]) -> None:
        try:
            self.handle(payload)
        except Exception:
            log.exception("Slack Socket Mode: a click could not be handled")

    def close(self) -> None:
        """Disconnect and stop the client's threads; the clicks acknowledged so far are handled
        first (while stopping, their messages are not updated: a Slack call is not made)."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=15)
        client = self.client
        client.auto_reconnect_enabled = False
        client.current_session_state.terminated = True
        client.closed = True  # the message loop ends at its next message…
        client.message_queue.put(None)  # …which is this one, at once
        sock = getattr(client.current_session, "sock", None)
        if sock is not None:  # a receive in progress ends now, not at its 3 s timeout
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
        client.close()
        self._work.shutdown(wait=True)
