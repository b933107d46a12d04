"""A generic HTTP SMS provider: configurable URL, auth header, request body template and receipt parsing.

Most SMS gateways take one POST per message and answer with a message id. The body is a Jinja template (sandboxed;
configured by the operator, never by users) rendered with ``to``, ``body``, ``idempotency_key``,
``verification_code``, ``message_id`` and ``sender``; the ``tojson`` filter quotes values for JSON bodies. The
idempotency key also goes in a header (``Idempotency-Key`` by default) so that a gateway which honours it never
sends twice.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx
from jinja2 import StrictUndefined
from jinja2.sandbox import SandboxedEnvironment

from faircollect.messaging.providers.base import (
    AmbiguousError,
    InboundMessage,
    OutgoingMessage,
    PermanentError,
    Receipt,
    SendResult,
    TransientError,
)

DEFAULT_BODY_TEMPLATE = (
    '{"to": {{ to|tojson }}, "text": {{ body|tojson }}, "reference": {{ idempotency_key|tojson }}'
    '{% if sender %}, "from": {{ sender|tojson }}{% endif %}}'
)

#: Provider status words → ours (delivered | failed | sent).
DEFAULT_STATUS_MAP = {
    "delivered": "delivered",
    "delivrd": "delivered",
    "success": "delivered",
    "failed": "failed",
    "undelivered": "failed",
    "undeliv": "failed",
    "rejected": "failed",
    "expired": "failed",
    "sent": "sent",
    "accepted": "sent",
    "queued": "sent",
}


def dotted(obj: Any, path: str) -> Any:
    for part in path.split("."):
        if isinstance(obj, Mapping) and part in obj:
            obj = obj[part]
        elif isinstance(obj, list) and part.isdigit() and int(part) < len(obj):
            obj = obj[int(part)]
        else:
            return None
    return obj


def classify_http_error(status: int, text: str) -> Exception:
    """429 and 5xx are worth retrying; other 4xx are not."""
    detail = f"HTTP {status}: {text[:200]}"
    if status == 429 or status >= 500 or status == 408:
        return TransientError(detail)
    return PermanentError(detail)


@dataclass
class HttpSmsProvider:
    url: str
    auth_header: str | None = "Authorization"
    auth_value: str | None = None
    body_template: str = DEFAULT_BODY_TEMPLATE
    content_type: str = "application/json"
    id_path: str = "id"
    idempotency_header: str | None = "Idempotency-Key"
    sender: str | None = None
    timeout: float = 10.0
    name: str = "http"
    receipt_id_field: str = "id"
    receipt_status_field: str = "status"
    receipt_error_field: str = "error_code"
    status_map: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_STATUS_MAP))

    @property
    def idempotent(self) -> bool:
        return self.idempotency_header is not None

    def _render(self, message: OutgoingMessage) -> str:
        env = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
        return env.from_string(self.body_template).render(
            to=message.to,
            body=message.body,
            idempotency_key=message.idempotency_key,
            verification_code=message.verification_code,
            message_id=message.message_id,
            sender=self.sender,
        )

    def send(self, message: OutgoingMessage) -> SendResult:
        headers = {"Content-Type": self.content_type}
        if self.auth_header and self.auth_value:
            headers[self.auth_header] = self.auth_value
        if self.idempotency_header:
            headers[self.idempotency_header] = message.idempotency_key
        try:
            resp = httpx.post(
                self.url, content=self._render(message).encode(), headers=headers, timeout=self.timeout
            )
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:  # never reached it
            raise TransientError(f"{type(exc).__name__}: {exc}") from exc
        except httpx.TransportError as exc:  # it may have been received
            raise AmbiguousError(f"{type(exc).__name__}: {exc}") from exc
        if resp.status_code >= 300:
            raise classify_http_error(resp.status_code, resp.text)
        try:
            data = resp.json()
        except ValueError as exc:
            raise PermanentError(f"response is not JSON: {resp.text[:200]}") from exc
        pmid = dotted(data, self.id_path)
        if pmid in (None, ""):
            raise PermanentError(f"no message id at {self.id_path!r} in the response")
        return SendResult(str(pmid))

    def parse_receipts(self, payload: Any) -> list[Receipt]:
        """A receipt webhook body: one JSON object or a list of them."""
        items = payload if isinstance(payload, list) else [payload]
        out = []
        for item in items:
            if not isinstance(item, Mapping):
                continue
            pmid = item.get(self.receipt_id_field)
            raw_status = str(item.get(self.receipt_status_field, "")).strip()
            if not pmid or not raw_status:
                continue
            status = self.status_map.get(raw_status.lower(), "sent")
            err = item.get(self.receipt_error_field)
            out.append(Receipt(str(pmid), status, raw_status, str(err) if err not in (None, "") else None))
        return out

    def parse_inbound(self, payload: Any) -> list[InboundMessage]:
        """An inbound-message webhook body: ``{"from", "text"|"body", "to"?, "id"?}`` or a list of them."""
        items = payload if isinstance(payload, list) else [payload]
        out = []
        for item in items:
            if not isinstance(item, Mapping):
                continue
            frm = item.get("from")
            text = item.get("text", item.get("body"))
            if frm and text is not None:
                out.append(
                    InboundMessage(
                        str(frm),
                        str(text),
                        str(item["to"]) if item.get("to") else None,
                        str(item["id"]) if item.get("id") else None,
                    )
                )
        return out
