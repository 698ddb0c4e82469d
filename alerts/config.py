"""Alert and digest settings, read once from the settings module and validated."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from newswatch.errors import ConfigError

SECURITY = ("none", "starttls", "ssl")


class AlertConfigError(ConfigError):
    """A setting for alerts or the digest is invalid; the message names the setting."""


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    user: str
    password: str
    security: str
    sender: str
    recipients: tuple[str, ...]


@dataclass(frozen=True)
class AlertConfig:
    slack_token: str
    channel: str
    api_url: str
    min_interval: float
    timezone: ZoneInfo
    max_attempts: int
    retry_seconds: float
    data_dir: Path  # alerts.jsonl, digests/, the dispatcher's lock
    smtp: SmtpConfig | None
    digest_ambiguous_retries: int = 2  # retries after the server may already have the digest

    @property
    def slack(self) -> bool:
        return bool(self.slack_token)


def alert_config(settings: Any) -> AlertConfig:
    """From Scrapy-style settings (``settings.get``); AlertConfigError names the bad one."""
    tz_name = settings.get("NEWSWATCH_TIMEZONE") or "UTC"
    try:
        timezone = ZoneInfo(tz_name)
    except (ZoneInfoNotFoundError, ValueError):
        raise AlertConfigError(
            f"NEWSWATCH_TIMEZONE={tz_name!r}: not a time zone (e.g. Europe/Brussels)"
        ) from None
    max_attempts = settings.getint("NEWSWATCH_ALERT_MAX_ATTEMPTS")
    if max_attempts < 1:
        raise AlertConfigError(f"NEWSWATCH_ALERT_MAX_ATTEMPTS={max_attempts}: must be at least 1")
    channel = (settings.get("NEWSWATCH_SLACK_CHANNEL") or "").strip()
    if settings.get("SLACK_BOT_TOKEN") and not channel:
        raise AlertConfigError("NEWSWATCH_SLACK_CHANNEL: required when SLACK_BOT_TOKEN is set")
    api_url = settings.get("NEWSWATCH_SLACK_API_URL") or "https://slack.com/api/"
    if not api_url.startswith(("http://", "https://")):
        raise AlertConfigError(f"NEWSWATCH_SLACK_API_URL={api_url!r}: not an http(s) URL")
    return AlertConfig(
        slack_token=settings.get("SLACK_BOT_TOKEN") or "",
        channel=channel,
        api_url=api_url if api_url.endswith("/") else api_url + "/",
        min_interval=settings.getfloat("NEWSWATCH_SLACK_MIN_INTERVAL"),
        timezone=timezone,
        max_attempts=max_attempts,
        retry_seconds=settings.getfloat("NEWSWATCH_ALERT_RETRY_SECONDS"),
        data_dir=Path(settings.get("NEWSWATCH_DB")).parent,
        smtp=_smtp(settings),
        digest_ambiguous_retries=_whole(settings.get("NEWSWATCH_DIGEST_AMBIGUOUS_RETRIES"), 2),
    )


def _whole(value: Any, default: int) -> int:
    """A whole-number setting (range-checked in settings.py); ``default`` when unset."""
    return default if value is None or str(value).strip() == "" else int(value)


def _smtp(settings: Any) -> SmtpConfig | None:
    host = (settings.get("NEWSWATCH_SMTP_HOST") or "").strip()
    recipients = tuple(r.strip() for r in (settings.get("NEWSWATCH_DIGEST_TO") or "").split(",") if r.strip())
    security = (settings.get("NEWSWATCH_SMTP_SECURITY") or "starttls").strip().lower()
    if security not in SECURITY:  # checked with or without a host: a typo should not wait for one
        raise AlertConfigError(f"NEWSWATCH_SMTP_SECURITY={security!r}: use one of {', '.join(SECURITY)}")
    if not host:
        return None
    if not recipients:
        raise AlertConfigError(
            "NEWSWATCH_DIGEST_TO: required when NEWSWATCH_SMTP_HOST is set (comma-separated)"
        )
    for address in (*recipients, settings.get("NEWSWATCH_DIGEST_FROM")):
        if "@" not in (address or ""):
            raise AlertConfigError(f"digest address {address!r}: not an e-mail address")
    port = settings.getint("NEWSWATCH_SMTP_PORT") or {"none": 25, "starttls": 587, "ssl": 465}[security]
    return SmtpConfig(
        host=host,
        port=port,
        user=settings.get("NEWSWATCH_SMTP_USER") or "",
        password=settings.get("NEWSWATCH_SMTP_PASSWORD") or "",
        security=security,
        sender=settings.get("NEWSWATCH_DIGEST_FROM"),
        recipients=recipients,
    )
