"""Alert and digest settings, read once from the settings module and validated (a model)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, Self
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from newswatch.config.problems import At, SettingLayout, validate
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
    review_channel: str = ""  # articles marked for review go here; "": never posted

    @property
    def slack(self) -> bool:
        return bool(self.slack_token)


class AlertSettings(BaseModel):
    """The settings alerts and the digest read (ranges are checked by the settings model,
    newswatch/config/environment.py), and what only makes sense together: a channel with a
    token, recipients with an SMTP host."""

    model_config = ConfigDict(extra="ignore")

    SLACK_BOT_TOKEN: str = ""
    NEWSWATCH_SLACK_CHANNEL: str = ""
    NEWSWATCH_REVIEW_CHANNEL: str = ""
    NEWSWATCH_SLACK_API_URL: str = "https://slack.com/api/"
    NEWSWATCH_SLACK_MIN_INTERVAL: float = 1.0
    NEWSWATCH_TIMEZONE: str = "UTC"
    NEWSWATCH_ALERT_MAX_ATTEMPTS: int = Field(8, ge=1)
    NEWSWATCH_ALERT_RETRY_SECONDS: float = 30.0
    NEWSWATCH_DB: str = "data/newswatch.db"
    NEWSWATCH_SMTP_HOST: str = ""
    NEWSWATCH_SMTP_PORT: int = 0
    NEWSWATCH_SMTP_USER: str = ""
    NEWSWATCH_SMTP_PASSWORD: str = ""
    NEWSWATCH_SMTP_SECURITY: str = "starttls"
    NEWSWATCH_DIGEST_FROM: str = "newswatch@localhost"
    NEWSWATCH_DIGEST_TO: str = ""
    NEWSWATCH_DIGEST_AMBIGUOUS_RETRIES: int = 2

    @model_validator(mode="before")
    @classmethod
    def _unset_is_default(cls, values: Any) -> Any:
        """A setting that is not there (None), or blank where blank means nothing, is its default."""
        if not isinstance(values, dict):
            return values
        blank_is_default = {"NEWSWATCH_TIMEZONE", "NEWSWATCH_SLACK_API_URL", "NEWSWATCH_SMTP_SECURITY"}
        blank_is_default |= {"NEWSWATCH_SMTP_PORT", "NEWSWATCH_DIGEST_AMBIGUOUS_RETRIES"}
        return {
            k: v.strip() if isinstance(v, str) else v
            for k, v in values.items()
            if v is not None and not (k in blank_is_default and str(v).strip() == "")
        }

    @field_validator("NEWSWATCH_TIMEZONE")
    @classmethod
    def _zone(cls, name: str) -> str:
        try:
            ZoneInfo(name)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError("not a time zone (e.g. Europe/Brussels)") from None
        return name

    @field_validator("NEWSWATCH_SLACK_API_URL")
    @classmethod
    def _api_url(cls, url: str) -> str:
        if not url.startswith(("http://", "https://")):
            raise ValueError("not an http(s) URL")
        return url if url.endswith("/") else url + "/"

    @field_validator("NEWSWATCH_SMTP_SECURITY")
    @classmethod
    def _security(
        cls, security: str
    ) -> str:  # checked with or without a host: a typo should not wait for one
        if security.lower() not in SECURITY:
            raise ValueError(f"use one of {', '.join(SECURITY)}")
        return security.lower()

    @model_validator(mode="after")
    def _together(self) -> Self:
        if self.SLACK_BOT_TOKEN and not self.NEWSWATCH_SLACK_CHANNEL:
            raise At(("NEWSWATCH_SLACK_CHANNEL",), "required when SLACK_BOT_TOKEN is set")
        if not self.NEWSWATCH_SMTP_HOST:
            return self
        if not self.recipients:
            raise At(("NEWSWATCH_DIGEST_TO",), "required when NEWSWATCH_SMTP_HOST is set (comma-separated)")
        for name, addresses in (
            ("NEWSWATCH_DIGEST_TO", self.recipients),
            ("NEWSWATCH_DIGEST_FROM", (self.NEWSWATCH_DIGEST_FROM,)),
        ):
            for address in addresses:
                if "@" not in address:
                    raise At((name,), f"digest address {address!r}: not an e-mail address")
        return self

    @property
    def recipients(self) -> tuple[str, ...]:
        return tuple(r.strip() for r in self.NEWSWATCH_DIGEST_TO.split(",") if r.strip())


def alert_config(settings: Any) -> AlertConfig:
    """From Scrapy-style settings (``settings.get``); AlertConfigError names the bad one."""
    given = {name: settings.get(name) for name in AlertSettings.model_fields}
    values = validate(AlertSettings, given, SettingLayout(), AlertConfigError)
    return AlertConfig(
        slack_token=values.SLACK_BOT_TOKEN,
        channel=values.NEWSWATCH_SLACK_CHANNEL,
        api_url=values.NEWSWATCH_SLACK_API_URL,
        min_interval=values.NEWSWATCH_SLACK_MIN_INTERVAL,
        timezone=ZoneInfo(values.NEWSWATCH_TIMEZONE),
        max_attempts=values.NEWSWATCH_ALERT_MAX_ATTEMPTS,
        retry_seconds=values.NEWSWATCH_ALERT_RETRY_SECONDS,
        data_dir=Path(values.NEWSWATCH_DB).parent,
        smtp=_smtp(values),
        digest_ambiguous_retries=values.NEWSWATCH_DIGEST_AMBIGUOUS_RETRIES,
        review_channel=values.NEWSWATCH_REVIEW_CHANNEL,
    )


def _smtp(values: AlertSettings) -> SmtpConfig | None:
    if not values.NEWSWATCH_SMTP_HOST:
        return None
    security = values.NEWSWATCH_SMTP_SECURITY
    return SmtpConfig(
        host=values.NEWSWATCH_SMTP_HOST,
        port=values.NEWSWATCH_SMTP_PORT or {"none": 25, "starttls": 587, "ssl": 465}[security],
        user=values.NEWSWATCH_SMTP_USER,
        password=values.NEWSWATCH_SMTP_PASSWORD,
        security=security,
        sender=values.NEWSWATCH_DIGEST_FROM,
        recipients=values.recipients,
    )
