"""No verification code or proof in the access log; the SMS file sink is readable by its owner only."""

from __future__ import annotations

import logging
import os
import stat
from pathlib import Path

from faircollect.kit.masking import AccessLogMask, mask_url
from faircollect.messaging.providers import FileSink
from faircollect.messaging.providers.base import OutgoingMessage


def test_urls_lose_their_codes_and_proofs() -> None:
    assert mask_url("/v1/verify/6X44S49G?proof=8000") == "/v1/verify/6X******?proof=***"
    assert mask_url("/portal/verify/6X44S49G") == "/portal/verify/6X******"
    assert mask_url("/portal/signin?next=/x&code=123456") == "/portal/signin?next=/x&code=***"
    assert mask_url("/v1/loans?limit=5") == "/v1/loans?limit=5"


def test_the_access_log_line_is_masked() -> None:
    rec = logging.LogRecord(
        "uvicorn.access",
        logging.INFO,
        __file__,
        1,
        '%s - "%s %s HTTP/%s" %d',
        ("127.0.0.1:5000", "GET", "/v1/verify/6X44S49G?proof=8000", "1.1", 200),
        None,
    )
    assert AccessLogMask().filter(rec)
    line = rec.getMessage()
    assert "6X44S49G" not in line and "8000" not in line and "/v1/verify/6X******?proof=***" in line


def test_the_sms_file_sink_is_created_owner_only(tmp_path: Path) -> None:
    old = os.umask(0o022)
    try:
        sink = FileSink(tmp_path / "sent.jsonl")
        sink.send(OutgoingMessage("m1", "sms", "+8613800138000", "您好", "k1", "6X44S49G", "L"))
    finally:
        os.umask(old)
    assert stat.S_IMODE(os.stat(tmp_path / "sent.jsonl").st_mode) == 0o600
