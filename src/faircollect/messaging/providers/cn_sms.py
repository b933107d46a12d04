"""What the Chinese SMS gateways (Alibaba Cloud, Tencent Cloud) share: template-based sending, the signature
bracket the gateway adds itself, phone number forms, and callbacks authenticated by a shared token.

Both gateways send only pre-approved templates (模板) under a pre-approved signature (签名): the lender registers
one notification template whose only variable is the message text (Alibaba ``${content}``, Tencent ``{1}``), and
faircollect sends its rendered, linted body as that variable. The gateway prefixes the approved signature
(``【示例金融】``), so the body's own leading ``【…】`` is taken off first — the recipient sees it once.

Neither gateway signs its delivery-report and reply callbacks, so faircollect's callback URLs carry a secret token
(``?token=…``, compared in constant time); without a configured token the callbacks are refused.
"""

from __future__ import annotations

import hmac
import re

from faircollect.messaging.providers.base import PermanentError

_LEADING_SIGNATURE = re.compile(r"^\s*【[^】]{1,30}】\s*")


def without_signature(body: str) -> str:
    """The body without its leading 【signature】 (the gateway adds the approved one)."""
    return _LEADING_SIGNATURE.sub("", body, count=1)


def digits_of(address: str) -> str:
    return re.sub(r"[^\d+]", "", address or "")


def mainland_or_international(address: str) -> str:
    """Alibaba's form: an 11-digit mainland number without +86; others as country code + number, no plus."""
    d = digits_of(address)
    if d.startswith("+86"):
        d = d[3:]
    elif d.startswith("86") and len(d) == 13:
        d = d[2:]
    if re.fullmatch(r"1\d{10}", d):
        return d
    if d.startswith("+") and len(d) > 8:
        return "00" + d[1:]
    raise PermanentError(f"not a phone number the gateway can send to: {address[:3]}…")


def e164(address: str) -> str:
    """Tencent's form: +<country><number>; an 11-digit mainland number gets +86."""
    d = digits_of(address)
    if re.fullmatch(r"1\d{10}", d):
        return "+86" + d
    if d.startswith("86") and len(d) == 13:
        return "+" + d
    if d.startswith("+") and len(d) > 8:
        return d
    raise PermanentError(f"not a phone number the gateway can send to: {address[:3]}…")


def callback_token_valid(configured: str | None, given: str | None) -> bool:
    """Constant-time comparison; never valid when no token is configured."""
    return bool(configured) and bool(given) and hmac.compare_digest(str(configured), str(given))
