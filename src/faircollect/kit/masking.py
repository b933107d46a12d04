"""Personal data masking for logs and default output: phone numbers, ID numbers, names, e-mail addresses."""

from __future__ import annotations

import contextlib
import logging
import re

import phonenumbers

_CN_ID = re.compile(r"(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)")
_PHONE = re.compile(r"(?<![\d])(\+?\d{1,3}[ -]?)?(1[3-9]\d)(\d{4})(\d{4})(?!\d)")
_GENERIC_PHONE = re.compile(r"(?<![\w])(\+?\d[\d -]{6,}\d)(?![\w])")
_EMAIL = re.compile(r"([A-Za-z0-9._%+-])[A-Za-z0-9._%+-]*(@[A-Za-z0-9.-]+\.[A-Za-z]{2,})")


def mask_phone(value: str) -> str:
    """``138****8000``; an E.164 number is masked on its national number (``+8613800138000`` → ``138****8000``)."""
    if value.startswith("+"):
        with contextlib.suppress(phonenumbers.NumberParseException):
            value = phonenumbers.national_significant_number(phonenumbers.parse(value, None))
    digits = re.sub(r"\D", "", value)
    if len(digits) <= 4:
        return "*" * len(digits)
    return (
        f"{digits[:3]}****{digits[-4:]}" if len(digits) >= 11 else f"{'*' * (len(digits) - 4)}{digits[-4:]}"
    )


def mask_name(value: str) -> str:
    """Keep the first character only (张** / J***)."""
    value = value.strip()
    if not value:
        return value
    return value[0] + "*" * max(1, len(value) - 1)


def mask_id_number(value: str) -> str:
    value = value.strip()
    if len(value) <= 4:
        return "*" * len(value)
    return (
        value[:3] + "*" * (len(value) - 7) + value[-4:]
        if len(value) > 7
        else "*" * (len(value) - 4) + value[-4:]
    )


def mask_postal_address(value: str) -> str:
    """A postal address as staff see it by default: the opening of its first line (province and city, or the house
    number and the street's first letters), never the rest: ``上海市浦东新区世纪大道100号`` → ``上海市浦东****``,
    ``10 Downing Street`` → ``10 Do****``."""
    lines = [ln.strip() for ln in value.strip().splitlines() if ln.strip()]
    if not lines:
        return ""
    first = lines[0]
    return first[: max(1, min(6, len(first) // 3))] + "****"


def mask_text(text: str) -> str:
    """Mask ID numbers, phone numbers and e-mail addresses found in free text."""
    text = _CN_ID.sub(lambda m: m.group(1)[:3] + "*" * 11 + m.group(2)[-4:], text)
    text = _PHONE.sub(lambda m: (m.group(1) or "") + m.group(2) + "****" + m.group(4), text)
    text = _GENERIC_PHONE.sub(lambda m: mask_phone(m.group(1)), text)
    text = _EMAIL.sub(lambda m: m.group(1) + "***" + m.group(2), text)
    return text


#: Log-record keys whose values are always masked, whatever they contain.
SENSITIVE_KEYS = {
    "phone": mask_phone,
    "mobile": mask_phone,
    "phone_number": mask_phone,
    "name": mask_name,
    "borrower_name": mask_name,
    "full_name": mask_name,
    "id_number": mask_id_number,
    "national_id": mask_id_number,
    "proof": lambda _v: "***",
    "otp": lambda _v: "***",
    "verification_code": lambda v: v[:2] + "******",
}


_VERIFY_PATH = re.compile(r"(/verify/)([A-Za-z0-9-]{2})[A-Za-z0-9-]*")
_SECRET_QUERY = re.compile(r"(?i)([?&](?:proof|code|otp|token|password)=)[^&#\s]*")


def mask_url(path: str) -> str:
    """A request path fit for a log: verification codes cut to two characters, proofs and one-time codes hidden.

    ``/v1/verify/6X44S49G?proof=8000`` → ``/v1/verify/6X******?proof=***``.
    """
    path = _VERIFY_PATH.sub(lambda m: m.group(1) + m.group(2) + "******", path)
    return _SECRET_QUERY.sub(lambda m: m.group(1) + "***", path)


#: Query parameters whose values are personal data or free text about a person.
PERSONAL_PARAMS = (
    "phone",
    "mobile",
    "phone_number",
    "id_number",
    "national_id",
    "email",
    "name",
    "full_name",
    "borrower_name",
    "address",
    "reason",
)
_PERSONAL_QUERY = re.compile(r"(?i)([?&](?:" + "|".join(PERSONAL_PARAMS) + r")=)[^&#\s]*")


def mask_request_line(path: str) -> str:
    """The path of an access-log line: :func:`mask_url`, then the value of every query parameter that names a person
    (``GET /v1/borrowers?phone=…&id_number=…`` is the documented lookup, ``/export?reason=…`` carries free text) in
    whatever spelling it came (``%2B86-138…``, ``138+0013+8000``), then any phone, ID number or e-mail left
    (:func:`mask_text`). ``/v1/borrowers?phone=13800138000&jurisdiction=CN`` → ``…?phone=***&jurisdiction=CN``."""
    return mask_text(_PERSONAL_QUERY.sub(lambda m: m.group(1) + "***", mask_url(path)))


class AccessLogMask(logging.Filter):
    """A filter for uvicorn's access log: its request line goes through :func:`mask_request_line`."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], mask_request_line(args[2]), *args[3:])
        elif isinstance(record.msg, str):
            record.msg = mask_request_line(record.msg)
        return True


def mask_access_log(logger_name: str = "uvicorn.access") -> None:
    """Install :class:`AccessLogMask` on the access logger (once)."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, AccessLogMask) for f in logger.filters):
        logger.addFilter(AccessLogMask())
