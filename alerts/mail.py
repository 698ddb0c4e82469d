"""The digest as an e-mail: multipart/alternative (plain text and HTML), sent by SMTP or
written to files when no SMTP server is configured.

The message is built once per digest and kept in the archive; a retry sends the same bytes
(same Message-ID). A failure after the message was sent — the server dropped the connection
or never answered the end of DATA — is *ambiguous*: the recipients may have it. Those are
counted apart and bound the retries (``NEWSWATCH_DIGEST_AMBIGUOUS_RETRIES``)."""

from __future__ import annotations

import contextlib
import email
import fcntl
import smtplib
import socket
import ssl
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from email.message import EmailMessage
from email.policy import default
from email.utils import format_datetime, make_msgid
from pathlib import Path
from typing import TYPE_CHECKING

from alerts.config import AlertConfig, SmtpConfig
from alerts.digest import (
    DigestContent,
    DigestItem,
    earlier_claims,
    mark_failed,
    render,
    undelivered,
)
from alerts.outbox import rule_wording
from newswatch.archive import Archive, StoredDigest
from newswatch.clock import utcnow
from newswatch.errors import NewswatchError

if TYPE_CHECKING:
    from _typeshed import ReadableBuffer


class DigestDeliveryError(NewswatchError):
    """The digest was not delivered. ``ambiguous``: the message had been sent when the
    connection failed, so the server may have taken it; otherwise nobody got it."""

    def __init__(self, message: str, ambiguous: bool = False):
        super().__init__(message)
        self.ambiguous = ambiguous


def build_message(
    content: DigestContent,
    sender: str,
    recipients: tuple[str, ...] | list[str],
    now: datetime | None = None,
) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = content.subject  # non-ASCII is encoded (RFC 2047) by the policy
    message["From"] = sender
    message["To"] = ", ".join(recipients) if recipients else "undisclosed-recipients:;"
    message["Date"] = format_datetime(now or utcnow())
    domain = sender.rsplit("@", 1)[-1] if "@" in sender else "localhost"
    message["Message-ID"] = make_msgid(idstring="digest", domain=domain)
    message.set_content(content.text, charset="utf-8")
    message.add_alternative(content.html, subtype="html", charset="utf-8")
    return message


def wire_bytes(message: EmailMessage) -> bytes:
    """The message as sent and stored: CRLF line ends, as SMTP wants them."""
    return message.as_bytes(policy=message.policy.clone(linesep="\r\n"))


class _TrackedSMTP(smtplib.SMTP):
    """An SMTP client that knows whether the whole message went out (DATA ended with
    CRLF.CRLF), so a failure afterwards can be told apart from one before, and whether the
    server's last reply was malformed (not a 3-digit code, an over-long line): such a reply
    says nothing about whether it took the message."""

    payload_sent = False
    reply_malformed = False
    _in_data = False

    def getreply(self) -> tuple[int, bytes]:
        try:
            code, text = super().getreply()
        except smtplib.SMTPServerDisconnected:
            raise
        except smtplib.SMTPResponseException:  # raised by the client itself: a line too long
            self.reply_malformed = True
            raise
        if not 200 <= code <= 599:  # -1: the line did not start with a code
            self.reply_malformed = True
        return code, text

    def data(self, msg: ReadableBuffer | str) -> tuple[int, bytes]:
        self._in_data = True
        try:
            return super().data(msg)
        finally:
            self._in_data = False

    def send(self, s: ReadableBuffer | str) -> None:
        super().send(s)
        if self._in_data and isinstance(s, bytes) and s.endswith(b"\r\n.\r\n"):
            self.payload_sent = True


class _TrackedSMTPSSL(_TrackedSMTP, smtplib.SMTP_SSL):
    """The same over implicit TLS (port 465)."""


def _client(smtp: SmtpConfig, timeout: float) -> _TrackedSMTP:
    """A client not yet connected (connecting reads the greeting, which the deadline covers)."""
    client = (
        _TrackedSMTPSSL(timeout=timeout, context=ssl.create_default_context())
        if smtp.security == "ssl"
        else _TrackedSMTP(timeout=timeout)
    )
    client._host = smtp.host  # type: ignore[attr-defined]  # as SMTP(host) sets it, for TLS
    return client


#: Seconds the whole SMTP exchange may take, however slowly the server answers (``timeout``
#: bounds each read only): past it the connection is cut and the attempt counts as failed.
SMTP_DEADLINE = 60.0


def send_smtp(
    message: bytes, smtp: SmtpConfig, timeout: float = 30.0, deadline: float = SMTP_DEADLINE
) -> dict[str, object]:
    """Hand these exact bytes to the SMTP server; DigestDeliveryError when it did not take
    them (``ambiguous`` when it may have). Returns the recipients refused while others were
    accepted (the digest then counts as sent: sending again would repeat it to those who
    have it). The whole exchange takes at most ``deadline`` seconds."""
    client: _TrackedSMTP | None = None
    cut = threading.Event()
    clients: list[_TrackedSMTP] = []

    def cut_off() -> None:  # a server that trickles its answers cannot hold the job
        cut.set()
        for held in clients:
            _abort(held)

    timer = threading.Timer(deadline, cut_off)
    timer.daemon = True
    timer.start()
    try:
        client = _client(smtp, timeout)
        clients.append(client)
        client.connect(smtp.host, smtp.port)
        if cut.is_set():
            _abort(client)
        if smtp.security == "starttls":
            client.starttls(context=ssl.create_default_context())
        if smtp.user:
            client.login(smtp.user, smtp.password)
        refused = client.sendmail(smtp.sender, list(smtp.recipients), message)
    except smtplib.SMTPAuthenticationError as exc:
        raise DigestDeliveryError(
            f"SMTP login refused by {smtp.host}: {exc.smtp_code} {exc.smtp_error!r}"
        ) from exc
    except smtplib.SMTPRecipientsRefused as exc:
        raise DigestDeliveryError(f"SMTP server refused every recipient: {sorted(exc.recipients)}") from exc
    except smtplib.SMTPResponseException as exc:
        # a well-formed 4xx/5xx answer: it did not take the message; a malformed one after
        # the message went out says nothing, so the server may have it
        sent = client is not None and client.payload_sent and client.reply_malformed
        raise DigestDeliveryError(_failure(smtp, exc, sent, cut.is_set()), ambiguous=sent) from exc
    except (smtplib.SMTPException, OSError, UnicodeError) as exc:
        sent = client is not None and client.payload_sent
        raise DigestDeliveryError(_failure(smtp, exc, sent, cut.is_set()), ambiguous=sent) from exc
    finally:
        timer.cancel()
        if client is not None:
            _close(client)
    return dict(refused)


def _abort(client: smtplib.SMTP) -> None:
    """Cut the connection under a call that is waiting on it (the call then fails)."""
    sock = client.sock
    if sock is not None:
        with contextlib.suppress(OSError):
            sock.shutdown(socket.SHUT_RDWR)


def _failure(smtp: SmtpConfig, exc: BaseException, payload_sent: bool, cut: bool = False) -> str:
    what = f"SMTP {smtp.host}:{smtp.port}: {type(exc).__name__}: {exc}"
    if cut:
        what += f" (cut off: the exchange took longer than {SMTP_DEADLINE:g} s in all)"
    if payload_sent:
        return f"{what} (after the whole message was sent: the server may have it)"
    return what


def _close(client: smtplib.SMTP) -> None:
    """QUIT politely; a server that drops the line here changes nothing about delivery."""
    try:
        if client.sock is not None:
            client.quit()
    except (smtplib.SMTPException, OSError):
        pass
    finally:
        client.close()


def write_files(message: bytes, folder: Path, stem: str) -> Path:
    """No SMTP configured: the .eml and its HTML part go to ``folder``; returns the .eml path."""
    folder.mkdir(parents=True, exist_ok=True)
    eml = folder / f"{stem}.eml"
    eml.write_bytes(message)
    body = email.message_from_bytes(message, policy=default).get_body(("html",))
    html = body.get_content() if isinstance(body, EmailMessage) else ""
    (folder / f"{stem}.html").write_text(html, encoding="utf-8")
    return eml


@dataclass
class DigestOutcome:
    items: int
    digest_id: int | None = None
    transport: str | None = None  # smtp, file, or None when nothing was sent
    location: str | None = None
    error: str | None = None
    refused: list[str] = field(default_factory=list)
    status: str | None = None  # the digest's status afterwards: sent, pending, unconfirmed, failed
    ambiguous: bool = False  # this failure came after the message was sent
    retry: bool = False  # the digest had been tried before: the same message was sent again
    message_id: str | None = None
    attempts: int = 0  # attempts so far, this one included


def compose(
    archive: Archive,
    items: list[DigestItem],
    config: AlertConfig,
    outlet_names: dict[str, str] | None,
    now: datetime,
) -> DigestContent:
    """The digest of ``items`` as it is sent (and previewed): the rules' plain-language names
    as the rule files say them now, each story's claim statuses in delivered digests."""
    labels = rule_wording().labels
    return render(items, config.timezone, outlet_names, now, earlier_claims(archive, items), labels)


def build(
    archive: Archive, config: AlertConfig, outlet_names: dict[str, str] | None = None
) -> StoredDigest | None:
    """Build the digest of everything not yet delivered and record it with its message;
    None when nothing is waiting."""
    claims_read = archive.digests.claims_mark()  # before the read: a status raised after it is news next time
    items = undelivered(archive)
    if not items:
        return None
    now = archive.clock()
    content = compose(archive, items, config, outlet_names, now)
    smtp = config.smtp
    recipients = smtp.recipients if smtp else ()
    message = build_message(content, smtp.sender if smtp else "newswatch@localhost", recipients, now)
    return archive.digests.prepare(
        [item.article_id for item in items],
        wire_bytes(message),
        content.subject,
        str(message["Message-ID"]),
        ", ".join(recipients),
        claims_read,
    )


def send_digest(
    archive: Archive, config: AlertConfig, outlet_names: dict[str, str] | None = None
) -> DigestOutcome:
    """Deliver the pending digest (the same message as before), or build one of everything
    not yet delivered and deliver it (SMTP, or files under data/digests/ without SMTP). An
    empty period sends nothing. One sender at a time per archive: a second one (the
    service's daily and retry jobs, `newswatch digest --send` beside the service) waits,
    then finds the digest sent."""
    with digest_lock(config.data_dir):
        return _send_digest(archive, config, outlet_names)


@contextlib.contextmanager
def digest_lock(data_dir: Path) -> Iterator[None]:
    """An OS lock on ``data_dir/digest.lock`` (released if the process dies)."""
    data_dir.mkdir(parents=True, exist_ok=True)
    with (data_dir / "digest.lock").open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _send_digest(archive: Archive, config: AlertConfig, outlet_names: dict[str, str] | None) -> DigestOutcome:
    digest = archive.digests.pending()
    if digest is None or digest.message is None:
        digest = build(archive, config, outlet_names)
    if digest is None or digest.message is None:
        return DigestOutcome(items=0)
    outcome = DigestOutcome(
        items=digest.items,
        digest_id=digest.id,
        retry=digest.attempts > 0,
        message_id=digest.message_id,
        attempts=digest.attempts + 1,
    )
    try:
        _deliver(archive, config, digest.id, digest.message, outcome)
    except DigestDeliveryError as exc:
        outcome.error, outcome.ambiguous = str(exc), exc.ambiguous
        outcome.status = mark_failed(
            archive, digest.id, outcome.error, exc.ambiguous, config.digest_ambiguous_retries
        )
        return outcome
    note = f"refused recipients: {', '.join(outcome.refused)}" if outcome.refused else None
    archive.digests.mark_sent(digest.id, outcome.transport or "smtp", outcome.location, note)
    outcome.status = "sent"
    return outcome


def _deliver(
    archive: Archive, config: AlertConfig, digest_id: int, message: bytes, outcome: DigestOutcome
) -> None:
    """Send ``message`` by SMTP, or write it to data/digests/; fills in the outcome."""
    if config.smtp is None:
        folder = config.data_dir / "digests"
        stem = f"digest-{digest_id:05d}-{archive.clock():%Y%m%dT%H%M%SZ}"
        try:
            outcome.location = str(write_files(message, folder, stem))
        except OSError as exc:
            raise DigestDeliveryError(f"cannot write the digest to {folder}: {exc}") from exc
        outcome.transport = "file"
        return
    outcome.refused = sorted(send_smtp(message, config.smtp))
    outcome.transport = "smtp"
