"""The access log keeps no personal data that came in a query string.

``GET /v1/borrowers?phone=…&id_number=…`` is the documented lookup and ``/v1/borrowers/{id}/export?reason=…``
carries free text; uvicorn's access log writes the path with its query string. This filter (installed on
``uvicorn.access`` by the app, beside ``kit.masking.AccessLogMask`` for codes and proofs) replaces the value of every
parameter that names a person, in whatever spelling it came (``%2B86-138…``, ``138+0013+8000``), and masks any
phone, ID number or e-mail left elsewhere in the line.
"""

from __future__ import annotations

import logging
import re

from faircollect.kit.masking import mask_text

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
_PARAM = re.compile(r"(?i)([?&](?:" + "|".join(PERSONAL_PARAMS) + r")=)[^&#\s]*")


def mask_query(path: str) -> str:
    """``/v1/borrowers?phone=13800138000&jurisdiction=CN`` → ``/v1/borrowers?phone=***&jurisdiction=CN``."""
    return mask_text(_PARAM.sub(lambda m: m.group(1) + "***", path))


class PersonalDataAccessMask(logging.Filter):
    """A filter for uvicorn's access log: personal data in the request line's query string is masked."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], mask_query(args[2]), *args[3:])
        elif isinstance(record.msg, str):
            record.msg = mask_query(record.msg)
        return True


def mask_access_log(logger_name: str = "uvicorn.access") -> None:
    """Install :class:`PersonalDataAccessMask` on the access logger (once)."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(f, PersonalDataAccessMask) for f in logger.filters):
        logger.addFilter(PersonalDataAccessMask())
