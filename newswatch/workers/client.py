"""The worker's side of the hub's ingest endpoint: HTTP with the shared token, retried with
backoff (urllib3's ``Retry``: connection failures, 429 and 5xx, honouring ``Retry-After``).

``HubDown``: the hub could not be reached or kept failing (spool, try later);
``HubRefused``: it answered that the request is wrong (400, 401, 403, 413): retrying the
same request cannot help.
"""

from __future__ import annotations

import json
from typing import Any

from newswatch.errors import NewswatchError

NEW_PATH = "/v1/new"
RECORDS_PATH = "/v1/records"
#: Seconds to connect, and to wait for an answer (a batch is written before it is answered).
CONNECT_TIMEOUT = 3.0
READ_TIMEOUT = 60.0


class WorkerError(NewswatchError):
    """A worker could not do what the hub asked of it, or talk to it."""


class HubDown(WorkerError):
    """The hub did not answer, or kept failing, after the retries."""


class HubRefused(WorkerError):
    """The hub answered that the request is wrong; ``status`` is its HTTP status."""

    def __init__(self, status: int, message: str):
        super().__init__(f"HTTP {status}: {message}")
        self.status = status


class HubClient:
    """``new(question)`` and ``send(records)`` against ``base`` (``http://hub:8790``)."""

    def __init__(self, base: str, token: str, retries: int = 4, backoff: float = 0.5):
        import requests
        from requests.adapters import HTTPAdapter
        from urllib3.util.retry import Retry

        self.base = base.rstrip("/")
        self.session = requests.Session()
        self.session.headers["Authorization"] = f"Bearer {token}"
        self.session.headers["Content-Type"] = "application/json"
        retry = Retry(
            total=retries,
            backoff_factor=backoff,
            backoff_max=30,
            status_forcelist=(429, 500, 502, 503, 504),
            allowed_methods=frozenset({"POST"}),  # safe: the hub's writes are idempotent
            respect_retry_after_header=True,
            raise_on_status=False,
        )
        self.session.mount("http://", HTTPAdapter(max_retries=retry))
        self.session.mount("https://", HTTPAdapter(max_retries=retry))

    def new(self, question: dict[str, Any]) -> dict[str, Any]:
        return self._post(NEW_PATH, question)

    def send(self, records: list[dict[str, Any]]) -> dict[str, Any]:
        return self._post(RECORDS_PATH, {"records": records})

    def _post(self, path: str, payload: dict[str, Any]) -> dict[str, Any]:
        import requests

        body = json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        try:
            answer = self.session.post(self.base + path, data=body, timeout=(CONNECT_TIMEOUT, READ_TIMEOUT))
        except requests.RequestException as exc:
            raise HubDown(f"hub {self.base} unreachable: {exc}") from None
        if answer.status_code >= 500 or answer.status_code == 429:
            raise HubDown(f"hub {self.base} failing: HTTP {answer.status_code}")
        try:
            data = answer.json()
        except ValueError:
            data = {}
        if answer.status_code != 200:
            raise HubRefused(answer.status_code, str(data.get("error") or answer.reason))
        return data if isinstance(data, dict) else {}

    def close(self) -> None:
        self.session.close()
