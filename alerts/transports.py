"""Where alerts go: Slack (chat.postMessage), or the console and data/alerts.jsonl when no
token is configured, or nowhere (dry run: recorded only).

``chat.postMessage`` is not idempotent, so nothing here re-posts on its own: one call is one
post at most. Every failure becomes a :class:`DeliveryError` saying whether the message may
have reached Slack (``unknown``) or provably did not (``unsent``: a refused connection, an
unknown host, a 429); the dispatcher decides what to spend and when to try again. A call
never sleeps for ``Retry-After`` and never takes longer than ``timeout`` seconds, and a
``stop`` event ends any wait at once (an in-flight call gets ``STOP_GRACE`` seconds).
"""

from __future__ import annotations

import json
import math
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol
from urllib.error import HTTPError, URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from alerts.render import SlackMessage
from newswatch.clock import sql_time, utcnow
from newswatch.errors import NewswatchError

# Errors that no retry of the same message will cure: the configuration is wrong.
CONFIG_ERRORS = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "no_permission",
        "missing_scope",
        "channel_not_found",
        "not_in_channel",
        "is_archived",
        "team_access_not_granted",
        "ekm_access_denied",
        "org_login_required",
        "invalid_token",
    }
)
# Errors of this one message (it will never be accepted as it is).
MESSAGE_ERRORS = frozenset(
    {"msg_too_long", "invalid_blocks", "invalid_blocks_format", "no_text", "too_many_attachments"}
)
#: Seconds one Slack call may take in all (connect, send, answer), however Slack behaves.
CALL_TIMEOUT = 10.0
#: Seconds a call already in flight may still take once the service is stopping.
STOP_GRACE = 3.0
#: Failures that happen before a request leaves this machine (urllib wraps them in URLError).
_NOT_SENT = (ConnectionRefusedError, socket.gaierror, socket.herror)


class DeliveryError(NewswatchError):
    """Sending failed. ``config``: the setup is wrong (stop, keep everything pending);
    ``retryable``: try this message again later; neither: this message is bad.
    ``unknown``: the request may have reached Slack (it may be in the channel);
    ``unsent``: it provably was not posted (connection refused, unknown host, 429);
    ``retry_after``: seconds Slack asked us to wait (429)."""

    def __init__(
        self,
        message: str,
        *,
        retryable: bool,
        config: bool = False,
        unknown: bool = False,
        unsent: bool = False,
        retry_after: float | None = None,
    ):
        super().__init__(message)
        self.retryable = retryable
        self.config = config
        self.unknown = unknown
        self.unsent = unsent
        self.retry_after = retry_after


@dataclass(frozen=True)
class Sent:
    transport: str
    channel: str | None
    ts: str | None


class Transport(Protocol):
    name: str

    def send(
        self,
        message: SlackMessage,
        thread_ts: str | None = None,
        meta: dict[str, Any] | None = None,
        channel: str | None = None,
    ) -> Sent:
        """Post one message (to ``channel``, else the transport's own channel)."""
        ...

    def update(self, channel: str | None, ts: str, message: SlackMessage) -> None:
        """Replace the content of a message already sent (a story's first alert)."""
        ...


class Pacer:
    """At most one message per ``interval`` seconds, counted from the end of the previous
    call (so two posts reach Slack at least ``interval`` apart, however slow the network).
    Clock and sleep are injectable; pass ``stop.wait`` as ``sleep`` to make it interruptible."""

    def __init__(
        self,
        interval: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Any] = time.sleep,
    ):
        self.interval, self.clock, self.sleep = interval, clock, sleep
        self.last: float | None = None

    def wait(self) -> None:
        """Before a call: wait until ``interval`` has passed since the last one ended."""
        if self.last is not None:
            remaining = self.interval - (self.clock() - self.last)
            if remaining > 0:
                self.sleep(remaining)
        self.last = self.clock()

    def done(self) -> None:
        """After a call (answered or not): the interval starts now."""
        self.last = self.clock()


#: The longest Retry-After honoured (a longer one, or ``inf``, is read as this).
MAX_RETRY_AFTER = 3600.0


def _retry_after(headers: Any) -> float | None:
    """Seconds from a Retry-After header, within 0 and MAX_RETRY_AFTER (missing,
    unreadable or not a number: None, and the dispatcher's backoff applies)."""
    for name, value in dict(headers or {}).items():
        if name.lower() == "retry-after":
            text = value[0] if isinstance(value, list) and value else value
            try:
                seconds = float(str(text).strip())
            except ValueError:
                return None
            if math.isnan(seconds):
                return None
            return min(max(0.0, seconds), MAX_RETRY_AFTER)
    return None


def classify(exc: BaseException) -> DeliveryError:
    """Any failure of one Web API call as a DeliveryError of the right kind."""
    if isinstance(exc, DeliveryError):
        return exc
    if isinstance(exc, SlackApiError):
        return _api_error(exc)
    if isinstance(exc, URLError) and not isinstance(exc, HTTPError) and isinstance(exc.reason, _NOT_SENT):
        return DeliveryError(f"Slack unreachable: {exc.reason}", retryable=True, unsent=True)
    return DeliveryError(
        f"Slack's answer was lost ({type(exc).__name__}: {exc}); the message may have been posted",
        retryable=True,
        unknown=True,
    )


def _api_error(exc: SlackApiError) -> DeliveryError:
    response = exc.response
    error = str(response.get("error") if response is not None else "") or "unknown_error"
    status = response.status_code if response is not None else 0
    if status == 429:
        wait = _retry_after(response.headers if response is not None else None)
        return DeliveryError(
            f"Slack rate limited (HTTP 429, Retry-After {'?' if wait is None else f'{wait:g}'} s)",
            retryable=True,
            unsent=True,
            retry_after=wait,
        )
    if error in CONFIG_ERRORS:
        return DeliveryError(f"Slack refused the configuration: {error}", retryable=False, config=True)
    if error in MESSAGE_ERRORS:
        return DeliveryError(f"Slack refused the message: {error}", retryable=False)
    # A 5xx may come after Slack posted the message; an ok=false answer means it did not.
    return DeliveryError(f"Slack error {error} (HTTP {status})", retryable=True, unknown=status >= 500)


class _Call:
    """One Web API call on a daemon thread, so the caller can stop waiting for it."""

    def __init__(self, method: Callable[..., Any], kwargs: dict[str, Any]):
        self.done = threading.Event()
        self.value: Any = None
        self.error: BaseException | None = None
        threading.Thread(target=self._run, args=(method, kwargs), daemon=True, name="slack-call").start()

    def _run(self, method: Callable[..., Any], kwargs: dict[str, Any]) -> None:
        try:
            self.value = method(**kwargs)
        except BaseException as exc:  # handed to the caller, whatever it is
            self.error = exc
        finally:
            self.done.set()

    def wait(self, timeout: float, stop: threading.Event) -> bool:
        """True when the call ended within ``timeout`` (or within STOP_GRACE of a stop)."""
        deadline = time.monotonic() + timeout
        while not self.done.is_set():
            left = deadline - time.monotonic()
            if left <= 0:
                return False
            if stop.is_set():
                return self.done.wait(min(STOP_GRACE, left))
            self.done.wait(min(0.1, left))
        return True


class SlackTransport:
    name = "slack"

    def __init__(
        self,
        token: str,
        channel: str,
        api_url: str,
        min_interval: float = 1.0,
        timeout: float = CALL_TIMEOUT,
        pacer: Pacer | None = None,
        stop: threading.Event | None = None,
    ):
        self.channel = channel
        self.timeout = timeout
        self.stop = stop or threading.Event()
        self.pacer = pacer or Pacer(min_interval, sleep=self.stop.wait)
        # No retry handlers: slack-sdk's would re-post (a post is not idempotent) or sleep
        # for Retry-After inside the call. The dispatcher retries, counted, in order.
        self.client = WebClient(
            token=token, base_url=api_url, timeout=max(1, int(timeout)), retry_handlers=[]
        )

    def send(
        self,
        message: SlackMessage,
        thread_ts: str | None = None,
        meta: dict[str, Any] | None = None,
        channel: str | None = None,
    ) -> Sent:
        target = channel or self.channel
        response = self._call(
            self.client.chat_postMessage,
            channel=target,
            text=message.text,
            blocks=message.blocks,
            thread_ts=thread_ts,
            unfurl_links=False,
            unfurl_media=False,
        )
        answered, ts = response.get("channel"), response.get("ts")
        # Slack confirmed the post; an answer whose ids are not text is kept as "no ts"
        # (its replies go out on their own), never a reason to post it again.
        return Sent(
            self.name,
            answered if isinstance(answered, str) and answered else target,
            ts if isinstance(ts, str) and ts else None,
        )

    def update(self, channel: str | None, ts: str, message: SlackMessage) -> None:
        self._call(
            self.client.chat_update,
            channel=channel or self.channel,
            ts=ts,
            text=message.text,
            blocks=message.blocks,
        )

    def _call(self, method: Callable[..., Any], **kwargs: Any) -> Any:
        """One paced Web API call, at most one request, bounded in time; every failure
        becomes a DeliveryError of the right kind."""
        self.pacer.wait()
        if self.stop.is_set():
            raise DeliveryError("stopping: not sent", retryable=True, unsent=True)
        call = _Call(method, kwargs)
        try:
            finished = call.wait(self.timeout, self.stop)
        finally:
            self.pacer.done()
        if not finished:
            why = "stopping" if self.stop.is_set() else f"no answer within {self.timeout:g} s"
            raise DeliveryError(
                f"Slack call abandoned ({why}); the message may have been posted",
                retryable=True,
                unknown=True,
            )
        if call.error is not None:
            raise classify(call.error) from call.error
        return call.value


class ConsoleTransport:
    """No token configured: print the alert and append it to ``alerts.jsonl``."""

    name = "console"

    def __init__(self, path: Path, echo: Callable[[str], None] = print):
        self.path, self.echo = path, echo

    def send(
        self,
        message: SlackMessage,
        thread_ts: str | None = None,
        meta: dict[str, Any] | None = None,
        channel: str | None = None,
    ) -> Sent:
        record = {
            "sent_at": sql_time(utcnow()),
            "thread_of": thread_ts,
            **({"channel": channel} if channel else {}),
            "text": message.text,
            **(meta or {}),
            "blocks": message.blocks,
        }
        self._append(record)
        self.echo(f"ALERT {message.text}")
        return Sent(self.name, str(self.path), f"console-{(meta or {}).get('alert_id', '')}")

    def update(self, channel: str | None, ts: str, message: SlackMessage) -> None:
        record = {
            "updated_at": sql_time(utcnow()),
            "replaces": ts,
            "text": message.text,
            "blocks": message.blocks,
        }
        self._append(record)
        self.echo(f"ALERT UPDATED {message.text}")

    def _append(self, record: dict[str, Any]) -> None:
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            with self.path.open("a", encoding="utf-8") as out:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
        except OSError as exc:
            raise DeliveryError(f"cannot append to {self.path}: {exc}", retryable=True) from exc


@dataclass
class DryRunTransport:
    """Records what would be sent; nothing leaves the machine and nothing is marked sent."""

    name: str = "dry-run"
    sent: list[dict[str, Any]] = field(default_factory=list)
    updated: list[dict[str, Any]] = field(default_factory=list)

    def send(
        self,
        message: SlackMessage,
        thread_ts: str | None = None,
        meta: dict[str, Any] | None = None,
        channel: str | None = None,
    ) -> Sent:
        where = {"channel": channel} if channel else {}
        self.sent.append({"thread_ts": thread_ts, **where, **asdict(message), **(meta or {})})
        return Sent(self.name, None, None)

    def update(self, channel: str | None, ts: str, message: SlackMessage) -> None:
        self.updated.append({"channel": channel, "ts": ts, **asdict(message)})
