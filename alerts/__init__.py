"""Alerts: the outbox of flagged articles, delivered to Slack (or the console), and the
daily e-mail digest. Deciding (outbox), rendering and sending are separate pieces.

    dispatch(archive, make_transport(config), config)   # pending alerts now
    send_digest(archive, config)                         # everything not yet in a delivered digest
"""

from alerts.config import AlertConfig, AlertConfigError, alert_config
from alerts.dispatch import DispatcherBusy, DispatchReport, dispatch, dispatcher_lock, make_transport
from alerts.mail import DigestOutcome, send_digest
from alerts.outbox import Outbox

__all__ = [
    "AlertConfig",
    "AlertConfigError",
    "DigestOutcome",
    "DispatchReport",
    "DispatcherBusy",
    "Outbox",
    "alert_config",
    "dispatch",
    "dispatcher_lock",
    "make_transport",
    "send_digest",
]
