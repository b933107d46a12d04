"""Alibaba Cloud SMS (阿里云短信服务, dysmsapi 2017-05-25): ``SendSms`` over the RPC-style signed HTTP API.

Request: ``POST https://dysmsapi.aliyuncs.com/`` with form parameters — the common ones (``AccessKeyId``,
``Action=SendSms``, ``Format=JSON``, ``RegionId``, ``SignatureMethod=HMAC-SHA1``, ``SignatureNonce``,
``SignatureVersion=1.0``, ``Timestamp`` in ISO 8601 UTC, ``Version=2017-05-25``) and ``PhoneNumbers``,
``SignName``, ``TemplateCode``, ``TemplateParam`` (JSON), ``OutId`` — plus ``Signature``:

1. percent-encode every name and value (UTF-8, RFC 3986: ``A-Z a-z 0-9 - _ . ~`` kept, space as ``%20``),
2. sort by name and join as ``name=value`` with ``&`` (the canonicalised query string),
3. StringToSign = ``POST&%2F&`` + percent-encode(canonicalised query string),
4. Signature = base64(HMAC-SHA1(key = AccessKeySecret + "&", StringToSign)).

(Alibaba Cloud, "Request signatures" of the RPC API style; tested against the document's example: AccessKeySecret
``testSecret`` gives ``zJDF+Lrzhj/ThnlvIToysFRq6t4=``.)

Answer: ``{"Code": "OK", "Message": "OK", "BizId": "…", "RequestId": "…"}``; any other ``Code`` is a refusal.
``isp.*`` (the platform's own errors) and flow-control codes are worth retrying; ``isv.*`` (the request's) are not.
Delivery reports (``SmsReport``) and replies (``SmsUp``) arrive by HTTP push as JSON lists; the endpoint answers
``{"code": 0, "msg": "成功"}``. SendSms takes no idempotency key (``OutId`` is only echoed back), so the adapter is
not idempotent: a send whose outcome is unknown is never repeated (at most once).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

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
from faircollect.messaging.providers.cn_sms import mainland_or_international, without_signature
from faircollect.messaging.providers.http import classify_http_error

API_VERSION = "2017-05-25"
#: Refusals worth retrying later: the platform's own errors and flow control.
_TRANSIENT_CODES = ("isp.", "Throttling", "isv.BUSINESS_LIMIT_CONTROL", "ServiceUnavailable")


def percent_encode(text: str) -> str:
    """RFC 3986 percent-encoding of UTF-8 text, as the RPC signature needs it."""
    return quote(str(text), safe="-_.~")


def string_to_sign(method: str, params: Mapping[str, str]) -> str:
    canonical = "&".join(f"{percent_encode(k)}={percent_encode(params[k])}" for k in sorted(params))
    return f"{method.upper()}&{percent_encode('/')}&{percent_encode(canonical)}"


def rpc_signature(access_key_secret: str, method: str, params: Mapping[str, str]) -> str:
    """The ``Signature`` of an RPC-style request (every parameter except ``Signature`` itself)."""
    sts = string_to_sign(method, {k: v for k, v in params.items() if k != "Signature"})
    digest = hmac.new((access_key_secret + "&").encode(), sts.encode(), hashlib.sha1).digest()
    return base64.b64encode(digest).decode()


@dataclass
class AliyunSmsProvider:
    access_key_id: str
    access_key_secret: str
    sign_name: str
    template_code: str
    template_variable: str = "content"
    endpoint: str = "https://dysmsapi.aliyuncs.com/"
    region_id: str = "cn-hangzhou"
    timeout: float = 10.0
    name: str = "aliyun"
    idempotent: bool = False

    def request_params(self, message: OutgoingMessage, *, now: datetime, nonce: str) -> dict[str, str]:
        """The signed form parameters of a SendSms call."""
        params = {
            "AccessKeyId": self.access_key_id,
            "Action": "SendSms",
            "Format": "JSON",
            "RegionId": self.region_id,
            "SignatureMethod": "HMAC-SHA1",
            "SignatureNonce": nonce,
            "SignatureVersion": "1.0",
            "Timestamp": now.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "Version": API_VERSION,
            "PhoneNumbers": mainland_or_international(message.to),
            "SignName": self.sign_name,
            "TemplateCode": self.template_code,
            "TemplateParam": json.dumps(
                {self.template_variable: without_signature(message.body)}, ensure_ascii=False
            ),
            "OutId": message.idempotency_key[:256],
        }
        params["Signature"] = rpc_signature(self.access_key_secret, "POST", params)
        return params

    def send(self, message: OutgoingMessage) -> SendResult:
        params = self.request_params(message, now=datetime.now(UTC), nonce=uuid.uuid4().hex)
        try:
            resp = httpx.post(self.endpoint, data=params, timeout=self.timeout)
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:  # never reached it
            raise TransientError(f"{type(exc).__name__}: {exc}") from exc
        except httpx.TransportError as exc:  # it may have been received
            raise AmbiguousError(f"{type(exc).__name__}: {exc}") from exc
        try:
            answer: dict[str, Any] = resp.json()
        except ValueError:
            raise classify_http_error(resp.status_code, resp.text) from None
        code = str(answer.get("Code", ""))
        if code == "OK" and answer.get("BizId"):
            return SendResult(str(answer["BizId"]))
        detail = f"Alibaba Cloud SMS {code or resp.status_code}: {answer.get('Message', resp.text[:200])}"
        if code.startswith(_TRANSIENT_CODES) or resp.status_code >= 500:
            raise TransientError(detail)
        raise PermanentError(detail)

    @staticmethod
    def parse_receipts(payload: Any) -> list[Receipt]:
        """SmsReport push: ``[{"biz_id", "success", "err_code", "err_msg", "phone_number", …}]``."""
        items = payload if isinstance(payload, list) else [payload]
        out = []
        for item in items:
            if not isinstance(item, Mapping) or not item.get("biz_id"):
                continue
            ok = item.get("success") in (True, "true", "True", 1)
            code = str(item.get("err_code") or ("DELIVERED" if ok else "FAILED"))
            out.append(
                Receipt(str(item["biz_id"]), "delivered" if ok else "failed", code, None if ok else code)
            )
        return out

    @staticmethod
    def parse_inbound(payload: Any) -> list[InboundMessage]:
        """SmsUp push: ``[{"phone_number", "content", "sign_name", "dest_code", "sequence_id", "send_time"}]``."""
        items = payload if isinstance(payload, list) else [payload]
        return [
            InboundMessage(
                str(item["phone_number"]),
                str(item["content"]),
                item.get("dest_code"),
                str(item["sequence_id"]) if item.get("sequence_id") is not None else None,
            )
            for item in items
            if isinstance(item, Mapping) and item.get("phone_number") and item.get("content") is not None
        ]
