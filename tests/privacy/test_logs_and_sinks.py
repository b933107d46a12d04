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


def test_the_served_apps_access_log_holds_no_personal_data_from_a_query_string(sqlite_url: str) -> None:
    """``GET /v1/borrowers?phone=…&id_number=…`` (the documented lookup) must not write the phone or the ID
    number to the access log: the filters the app installs on ``uvicorn.access`` mask them, in any spelling."""
    from fastapi.testclient import TestClient

    from faircollect.api.app import create_app
    from faircollect.config import Settings
    from faircollect.db import upgrade

    upgrade(sqlite_url)
    app = create_app(Settings(), database_url=sqlite_url)
    logger = logging.getLogger("uvicorn.access")
    with TestClient(app):  # the lifespan installs the access-log filters
        pass
    app.state.engine.dispose()
    paths = [
        "/v1/borrowers?phone=13800138000&id_number=110101199003074514",
        "/v1/borrowers?phone=%2B86-138-0013-8000&jurisdiction=CN",
        "/v1/borrowers?phone=138+0013+8000",
        "/v1/borrowers?id_number=11010119900307451X&phone=%2B447700900123",
        "/v1/borrowers/bor_1/export?reason=%E5%BC%A0%E4%B8%89+asked+by+letter",
    ]
    for path in paths:
        rec = logging.LogRecord(
            "uvicorn.access", logging.INFO, __file__, 1, '%s - "%s %s HTTP/%s" %d',
            ("127.0.0.1:5000", "GET", path, "1.1", 200), None,
        )  # fmt: skip
        for f in logger.filters:
            assert f.filter(rec)  # type: ignore[union-attr]
        line = rec.getMessage()
        for clear in (
            "13800138000",
            "0013",
            "110101199003074514",
            "11010119900307451X",
            "7700900123",
            "%E5%BC%A0",
        ):
            assert clear not in line, line
        assert "/v1/borrowers" in line
    kept = logging.LogRecord("uvicorn.access", logging.INFO, __file__, 1, "%s", ("-",), None)
    kept.args = ("127.0.0.1:5000", "GET", "/v1/borrowers?jurisdiction=CN&phone=1", "1.1", 200)
    kept.msg = '%s - "%s %s HTTP/%s" %d'
    for f in logger.filters:
        f.filter(kept)  # type: ignore[union-attr]
    assert "jurisdiction=CN&phone=***" in kept.getMessage()
