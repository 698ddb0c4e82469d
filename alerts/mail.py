"""The digest as an e-mail: multipart/alternative (plain text and HTML), sent by SMTP or
written to files when no SMTP server is configured."""

from __future__ import annotations

import smtplib
import ssl
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from pathlib import Path

from alerts.config import AlertConfig, SmtpConfig
from alerts.digest import DigestContent, mark_failed, mark_sent, prepare, render, undelivered
from archive import Archive
from records import utcnow


class DigestDeliveryError(Exception):
    """The SMTP server could not take the digest (down, refused login, refused recipient)."""


def build_message(
    content: DigestContent, sender: str, recipients: tuple[str, ...] | list[str]
) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = content.subject  # non-ASCII is encoded (RFC 2047) by the policy
    message["From"] = sender
    message["To"] = ", ".join(recipients) if recipients else "undisclosed-recipients:;"
    message["Date"] = format_datetime(utcnow())
    domain = sender.rsplit("@", 1)[-1] if "@" in sender else "localhost"
    message["Message-ID"] = make_msgid(idstring="digest", domain=domain)
    message.set_content(content.text, charset="utf-8")
    message.add_alternative(content.html, subtype="html", charset="utf-8")
    return message


def send_smtp(message: EmailMessage, smtp: SmtpConfig, timeout: float = 30.0) -> dict[str, object]:
    """Hand the message to the SMTP server; DigestDeliveryError when nobody got it. Returns
    the recipients refused while others were accepted (the digest then counts as sent:
    sending again would repeat it to those who have it)."""
    try:
        if smtp.security == "ssl":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                smtp.host, smtp.port, timeout=timeout, context=ssl.create_default_context()
            )
        else:
            client = smtplib.SMTP(smtp.host, smtp.port, timeout=timeout)
        with client:
            if smtp.security == "starttls":
                client.starttls(context=ssl.create_default_context())
            if smtp.user:
                client.login(smtp.user, smtp.password)
            refused = client.send_message(message, from_addr=smtp.sender, to_addrs=list(smtp.recipients))
    except smtplib.SMTPAuthenticationError as exc:
        raise DigestDeliveryError(
            f"SMTP login refused by {smtp.host}: {exc.smtp_code} {exc.smtp_error!r}"
        ) from exc
    except smtplib.SMTPRecipientsRefused as exc:
        raise DigestDeliveryError(f"SMTP server refused every recipient: {sorted(exc.recipients)}") from exc
    except (smtplib.SMTPException, OSError) as exc:
        raise DigestDeliveryError(f"SMTP {smtp.host}:{smtp.port}: {type(exc).__name__}: {exc}") from exc
    return dict(refused)


def write_files(message: EmailMessage, content: DigestContent, folder: Path, stem: str) -> Path:
    """No SMTP configured: the .eml and .html go to ``folder``; returns the .eml path."""
    folder.mkdir(parents=True, exist_ok=True)
    eml = folder / f"{stem}.eml"
    eml.write_bytes(bytes(message))
    (folder / f"{stem}.html").write_text(content.html, encoding="utf-8")
    return eml


@dataclass
class DigestOutcome:
    items: int
    digest_id: int | None = None
    transport: str | None = None  # smtp, file, or None when nothing was sent
    location: str | None = None
    error: str | None = None
    refused: list[str] = field(default_factory=list)


def send_digest(
    archive: Archive, config: AlertConfig, outlet_names: dict[str, str] | None = None
) -> DigestOutcome:
    """Build the digest of everything not yet delivered and deliver it once (SMTP, or files
    under data/digests/ without SMTP). An empty period sends nothing."""
    items = undelivered(archive)
    if not items:
        return DigestOutcome(items=0)
    content = render(items, config.timezone, outlet_names)
    digest_id = prepare(archive, items)
    smtp = config.smtp
    sender = smtp.sender if smtp else "newswatch@localhost"
    recipients = smtp.recipients if smtp else ()
    message = build_message(content, sender, recipients)
    outcome = DigestOutcome(items=len(items), digest_id=digest_id)
    try:
        if smtp is None:
            stem = f"digest-{digest_id:05d}-{utcnow():%Y%m%dT%H%M%SZ}"
            location: str | None = str(write_files(message, content, config.data_dir / "digests", stem))
            outcome.transport = "file"
        else:
            refused = send_smtp(message, smtp)
            outcome.refused = sorted(refused)
            location, outcome.transport = None, "smtp"
    except (DigestDeliveryError, OSError) as exc:
        outcome.error = str(exc)
        mark_failed(archive, digest_id, outcome.error)
        return outcome
    outcome.location = location
    mark_sent(
        archive,
        digest_id,
        outcome.transport,
        ", ".join(recipients),
        content.subject,
        str(message["Message-ID"]),
        location,
    )
    if outcome.refused:
        mark_failed_recipients(archive, digest_id, outcome.refused)
    return outcome


def mark_failed_recipients(archive: Archive, digest_id: int, refused: list[str]) -> None:
    with archive.write() as conn:
        conn.execute(
            "UPDATE digests SET last_error = ? WHERE id = ?",
            (f"refused recipients: {', '.join(refused)}", digest_id),
        )
