"""Twilio's Programmable Messaging API shape: form-encoded POST with HTTP basic auth, JSON answer, status callbacks.

Request: ``POST {base}/2010-04-01/Accounts/{AccountSid}/Messages.json`` with ``To``, ``From`` (or
``MessagingServiceSid``), ``Body`` and optionally ``StatusCallback``; basic auth ``AccountSid:AuthToken``. Answer:
201 with ``{"sid": "SM…", "status": "queued", …}``; errors are JSON ``{"code", "message", "status"}``.
Status callbacks and inbound messages are form posts (``MessageSid``, ``MessageStatus``, ``ErrorCode`` / ``From``,
``To``, ``Body``) signed with ``X-Twilio-Signature`` = base64(HMAC-SHA1(auth token, URL + sorted key/value pairs)).

Twilio's message-create call takes no idempotency key, so this adapter is not idempotent: a send whose outcome is
unknown after a crash is not repeated (at most once).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from dataclasses import dataclass

import httpx

from faircollect.messaging.providers.base import (
    AmbiguousError,
    InboundMessage,
    OutgoingMessage,
    PermanentError,
    Receipt,
    SendResult,
    TransientError,
)
from faircollect.messaging.providers.http import classify_http_error

STATUS_MAP = {
    "delivered": "delivered",
    "read": "delivered",
    "undelivered": "failed",
    "failed": "failed",
    "canceled": "failed",
    "sent": "sent",
    "queued": "sent",
    "accepted": "sent",
    "sending": "sent",
    "scheduled": "sent",
}


def twilio_signature(auth_token: str, url: str, params: Mapping[str, str]) -> str:
    """The X-Twilio-Signature of a form post to ``url`` (the full URL Twilio called, query string included)."""
    data = url + "".join(k + params[k] for k in sorted(params))
    digest = hmac.new(auth_token.encode(), data.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


def signature_valid(auth_token: str, url: str, params: Mapping[str, str], signature: str | None) -> bool:
    if not signature:
        return False
    return hmac.compare_digest(twilio_signature(auth_token, url, params), signature)


@dataclass
class TwilioProvider:
    account_sid: str
    auth_token: str
    from_number: str | None = None
    messaging_service_sid: str | None = None
    base_url: str = "https://api.twilio.com"
    status_callback: str | None = None
    timeout: float = 10.0
    name: str = "twilio"
    idempotent: bool = False

    def __post_init__(self) -> None:
        if not (self.from_number or self.messaging_service_sid):
            raise ValueError("Twilio needs a From number or a MessagingServiceSid")

    @property
    def messages_url(self) -> str:
        return f"{self.base_url.rstrip('/')}/2010-04-01/Accounts/{self.account_sid}/Messages.json"

    def send(self, message: OutgoingMessage) -> SendResult:
        form = {"To": message.to, "Body": message.body}
        if self.messaging_service_sid:
            form["MessagingServiceSid"] = self.messaging_service_sid
        else:
            assert self.from_number
            form["From"] = self.from_number
        if self.status_callback:
            form["StatusCallback"] = self.status_callback
        try:
            resp = httpx.post(
                self.messages_url,
                data=form,
                auth=(self.account_sid, self.auth_token),
                timeout=self.timeout,
            )
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:  # never reached it
            raise TransientError(f"{type(exc).__name__}: {exc}") from exc
        except httpx.TransportError as exc:  # it may have been received
            raise AmbiguousError(f"{type(exc).__name__}: {exc}") from exc
        if resp.status_code >= 300:
            try:
                err = resp.json()
                detail = f"Twilio error {err.get('code')}: {err.get('message')}"
            except ValueError:
                detail = resp.text
            raise classify_http_error(resp.status_code, detail)
        sid = resp.json().get("sid")
        if not sid:
            raise PermanentError("Twilio answer has no sid")
        return SendResult(str(sid))

    @staticmethod
    def parse_receipts(form: Mapping[str, str]) -> list[Receipt]:
        sid = form.get("MessageSid") or form.get("SmsSid")
        raw = form.get("MessageStatus") or form.get("SmsStatus")
        if not sid or not raw:
            return []
        return [Receipt(sid, STATUS_MAP.get(raw.lower(), "sent"), raw, form.get("ErrorCode") or None)]

    @staticmethod
    def parse_inbound(form: Mapping[str, str]) -> list[InboundMessage]:
        if not form.get("From") or form.get("Body") is None:
            return []
        return [InboundMessage(form["From"], form["Body"], form.get("To"), form.get("MessageSid"))]
