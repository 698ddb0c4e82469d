"""Where alerts go: Slack (chat.postMessage), or the console and data/alerts.jsonl when no
token is configured, or nowhere (dry run: recorded only)."""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackClientError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)

from alerts.render import SlackMessage
from records import sql_time, utcnow

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


class DeliveryError(Exception):
    """Sending failed. ``config``: the setup is wrong (stop, keep everything pending);
    ``retryable``: try this message again later; neither: this message is bad."""

    def __init__(self, message: str, *, retryable: bool, config: bool = False):
        super().__init__(message)
        self.retryable = retryable
        self.config = config


@dataclass(frozen=True)
class Sent:
    transport: str
    channel: str | None
    ts: str | None


class Transport(Protocol):
    name: str

    def send(
        self, message: SlackMessage, thread_ts: str | None = None, meta: dict[str, Any] | None = None
    ) -> Sent: ...

    def update(self, channel: str | None, ts: str, message: SlackMessage) -> None:
        """Replace the content of a message already sent (a story's first alert)."""
        ...


class Pacer:
    """At most one message per ``interval`` seconds (clock and sleep injectable for tests)."""

    def __init__(
        self,
        interval: float,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ):
        self.interval, self.clock, self.sleep = interval, clock, sleep
        self.last: float | None = None

    def wait(self) -> None:
        if self.last is not None:
            remaining = self.interval - (self.clock() - self.last)
            if remaining > 0:
                self.sleep(remaining)
        self.last = self.clock()


class SlackTransport:
    name = "slack"

    def __init__(
        self,
        token: str,
        channel: str,
        api_url: str,
        min_interval: float = 1.0,
        timeout: int = 15,
        pacer: Pacer | None = None,
    ):
        self.channel = channel
        self.pacer = pacer or Pacer(min_interval)
        self.client = WebClient(
            token=token,
            base_url=api_url,
            timeout=timeout,
            retry_handlers=[
                ConnectionErrorRetryHandler(max_retry_count=2),
                RateLimitErrorRetryHandler(max_retry_count=3),  # waits for Retry-After
                ServerErrorRetryHandler(max_retry_count=2),
            ],
        )

    def send(
        self, message: SlackMessage, thread_ts: str | None = None, meta: dict[str, Any] | None = None
    ) -> Sent:
        response = self._call(
            self.client.chat_postMessage,
            channel=self.channel,
            text=message.text,
            blocks=message.blocks,
            thread_ts=thread_ts,
            unfurl_links=False,
            unfurl_media=False,
        )
        return Sent(self.name, response.get("channel") or self.channel, response.get("ts"))

    def update(self, channel: str | None, ts: str, message: SlackMessage) -> None:
        self._call(
            self.client.chat_update,
            channel=channel or self.channel,
            ts=ts,
            text=message.text,
            blocks=message.blocks,
        )

    def _call(self, method: Callable[..., Any], **kwargs: Any) -> Any:
        """One paced Web API call; failures become DeliveryError of the right kind."""
        self.pacer.wait()
        try:
            return method(**kwargs)
        except SlackApiError as exc:
            error = str(exc.response.get("error") if exc.response is not None else "") or "unknown_error"
            status = exc.response.status_code if exc.response is not None else 0
            if error in CONFIG_ERRORS:
                raise DeliveryError(
                    f"Slack refused the configuration: {error}", retryable=False, config=True
                ) from exc
            if error in MESSAGE_ERRORS:
                raise DeliveryError(f"Slack refused the message: {error}", retryable=False) from exc
            raise DeliveryError(f"Slack error {error} (HTTP {status})", retryable=True) from exc
        except (SlackClientError, OSError, TimeoutError) as exc:
            raise DeliveryError(f"Slack unreachable: {type(exc).__name__}: {exc}", retryable=True) from exc


class ConsoleTransport:
    """No token configured: print the alert and append it to ``alerts.jsonl``."""

    name = "console"

    def __init__(self, path: Path, echo: Callable[[str], None] = print):
        self.path, self.echo = path, echo

    def send(
        self, message: SlackMessage, thread_ts: str | None = None, meta: dict[str, Any] | None = None
    ) -> Sent:
        record = {
            "sent_at": sql_time(utcnow()),
            "thread_of": thread_ts,
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
        self, message: SlackMessage, thread_ts: str | None = None, meta: dict[str, Any] | None = None
    ) -> Sent:
        self.sent.append({"thread_ts": thread_ts, **asdict(message), **(meta or {})})
        return Sent(self.name, None, None)

    def update(self, channel: str | None, ts: str, message: SlackMessage) -> None:
        self.updated.append({"channel": channel, "ts": ts, **asdict(message)})
