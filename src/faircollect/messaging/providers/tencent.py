"""Tencent Cloud SMS (腾讯云短信, API 3.0, version 2021-01-11): ``SendSms`` signed with TC3-HMAC-SHA256.

Request: ``POST https://sms.tencentcloudapi.com/`` with a JSON body (``PhoneNumberSet`` in E.164, ``SmsSdkAppId``,
``SignName``, ``TemplateId``, ``TemplateParamSet``, ``SessionContext``) and the headers ``X-TC-Action: SendSms``,
``X-TC-Version: 2021-01-11``, ``X-TC-Region``, ``X-TC-Timestamp`` (Unix seconds) and ``Authorization``:

1. CanonicalRequest = ``POST\\n/\\n\\n`` + ``content-type:application/json; charset=utf-8\\nhost:<host>\\n`` +
   ``\\ncontent-type;host\\n`` + hex(SHA-256(body)),
2. StringToSign = ``TC3-HMAC-SHA256\\n<timestamp>\\n<UTC date>/sms/tc3_request\\n`` + hex(SHA-256(CanonicalRequest)),
3. key = HMAC-SHA256 chain over ``"TC3" + SecretKey`` → date → ``sms`` → ``tc3_request``; Signature =
   hex(HMAC-SHA256(key, StringToSign)),
4. ``Authorization: TC3-HMAC-SHA256 Credential=<SecretId>/<date>/sms/tc3_request, SignedHeaders=content-type;host,
   Signature=<signature>``.

(Tencent Cloud API 3.0, "Signature v3"; tested against the document's example, whose signature is
``2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c``.)

Answer: ``{"Response": {"SendStatusSet": [{"SerialNo", "Code": "Ok", …}], "RequestId"}}`` or
``{"Response": {"Error": {"Code", "Message"}, …}}``. ``InternalError.*``, ``RequestLimitExceeded`` and
``LimitExceeded.*`` (per-number frequency limits) are worth retrying; the rest are not. Delivery reports and replies
arrive as JSON callbacks (``report_status``/``sid``; ``mobile``/``text``); the endpoint answers
``{"result": 0, "errmsg": "OK"}``. SendSms takes no idempotency key (``SessionContext`` is only echoed back), so the
adapter is not idempotent: a send whose outcome is unknown is never repeated (at most once).
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

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
from faircollect.messaging.providers.cn_sms import e164, without_signature
from faircollect.messaging.providers.http import classify_http_error

API_VERSION = "2021-01-11"
CONTENT_TYPE = "application/json; charset=utf-8"
_TRANSIENT_CODES = ("InternalError", "RequestLimitExceeded", "LimitExceeded", "ResourceUnavailable")


def _hmac(key: bytes, msg: str) -> bytes:
    return hmac.new(key, msg.encode("utf-8"), hashlib.sha256).digest()


def tc3_signature(
    secret_key: str,
    *,
    service: str,
    host: str,
    timestamp: int,
    payload: str,
    content_type: str = CONTENT_TYPE,
) -> str:
    """The TC3-HMAC-SHA256 signature of a JSON POST to ``host`` signing content-type and host."""
    canonical = "\n".join(
        [
            "POST",
            "/",
            "",
            f"content-type:{content_type}\nhost:{host}\n",
            "content-type;host",
            hashlib.sha256(payload.encode("utf-8")).hexdigest(),
        ]
    )
    day = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
    to_sign = "\n".join(
        [
            "TC3-HMAC-SHA256",
            str(timestamp),
            f"{day}/{service}/tc3_request",
            hashlib.sha256(canonical.encode("utf-8")).hexdigest(),
        ]
    )
    key = _hmac(_hmac(_hmac(("TC3" + secret_key).encode("utf-8"), day), service), "tc3_request")
    return hmac.new(key, to_sign.encode("utf-8"), hashlib.sha256).hexdigest()


@dataclass
class TencentSmsProvider:
    secret_id: str
    secret_key: str
    sdk_app_id: str
    sign_name: str
    template_id: str
    endpoint: str = "https://sms.tencentcloudapi.com/"
    region: str = "ap-guangzhou"
    timeout: float = 10.0
    name: str = "tencent"
    idempotent: bool = False

    @property
    def host(self) -> str:
        return urlsplit(self.endpoint).netloc

    def request(self, message: OutgoingMessage, *, timestamp: int) -> tuple[str, dict[str, str]]:
        """The JSON body and headers (Authorization included) of a SendSms call."""
        payload = json.dumps(
            {
                "PhoneNumberSet": [e164(message.to)],
                "SmsSdkAppId": self.sdk_app_id,
                "SignName": self.sign_name,
                "TemplateId": self.template_id,
                "TemplateParamSet": [without_signature(message.body)],
                "SessionContext": message.idempotency_key[:512],
            },
            ensure_ascii=False,
            separators=(",", ":"),
        )
        day = datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d")
        signature = tc3_signature(
            self.secret_key, service="sms", host=self.host, timestamp=timestamp, payload=payload
        )
        headers = {
            "Authorization": f"TC3-HMAC-SHA256 Credential={self.secret_id}/{day}/sms/tc3_request, "
            f"SignedHeaders=content-type;host, Signature={signature}",
            "Content-Type": CONTENT_TYPE,
            "Host": self.host,
            "X-TC-Action": "SendSms",
            "X-TC-Timestamp": str(timestamp),
            "X-TC-Version": API_VERSION,
            "X-TC-Region": self.region,
        }
        return payload, headers

    def send(self, message: OutgoingMessage) -> SendResult:
        payload, headers = self.request(message, timestamp=int(datetime.now(UTC).timestamp()))
        try:
            resp = httpx.post(
                self.endpoint, content=payload.encode("utf-8"), headers=headers, timeout=self.timeout
            )
        except (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout) as exc:  # never reached it
            raise TransientError(f"{type(exc).__name__}: {exc}") from exc
        except httpx.TransportError as exc:  # it may have been received
            raise AmbiguousError(f"{type(exc).__name__}: {exc}") from exc
        try:
            answer: dict[str, Any] = resp.json().get("Response") or {}
        except (ValueError, AttributeError):
            raise classify_http_error(resp.status_code, resp.text) from None
        error = answer.get("Error")
        if error:
            code = str(error.get("Code", ""))
            detail = f"Tencent Cloud SMS {code}: {error.get('Message', '')}"
            raise TransientError(detail) if code.startswith(_TRANSIENT_CODES) else PermanentError(detail)
        statuses = answer.get("SendStatusSet") or []
        if not statuses:
            raise PermanentError(f"Tencent Cloud SMS answer without SendStatusSet: {resp.text[:200]}")
        st = statuses[0]
        code = str(st.get("Code", ""))
        if code == "Ok" and st.get("SerialNo"):
            return SendResult(str(st["SerialNo"]))
        detail = f"Tencent Cloud SMS {code}: {st.get('Message', '')}"
        if code.startswith(_TRANSIENT_CODES):
            raise TransientError(detail)
        raise PermanentError(detail)

    @staticmethod
    def parse_receipts(payload: Any) -> list[Receipt]:
        """Status report callback: ``[{"sid", "report_status": "SUCCESS"|"FAIL", "errmsg", "mobile", …}]``."""
        items = payload if isinstance(payload, list) else [payload]
        out = []
        for item in items:
            if not isinstance(item, Mapping) or not item.get("sid"):
                continue
            ok = str(item.get("report_status", "")).upper() == "SUCCESS"
            code = str(item.get("errmsg") or item.get("report_status") or "")
            out.append(Receipt(str(item["sid"]), "delivered" if ok else "failed", code, None if ok else code))
        return out

    @staticmethod
    def parse_inbound(payload: Any) -> list[InboundMessage]:
        """Reply callback: ``{"mobile", "nationcode", "text", "sign", "extend", "time"}`` (or a list of them)."""
        items = payload if isinstance(payload, list) else [payload]
        out = []
        for item in items:
            if not isinstance(item, Mapping) or not item.get("mobile") or item.get("text") is None:
                continue
            nation = str(item.get("nationcode") or "86")
            out.append(InboundMessage(f"+{nation}{item['mobile']}", str(item["text"])))
        return out
