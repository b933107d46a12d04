"""A fault of ours on a web page is logged through the masked structured logger: the reader sees a plain sentence,
the log has the error — without the phone or ID number its message may quote, or the code in the path."""

from __future__ import annotations

import logging

import pytest
from fastapi.testclient import TestClient

from faircollect.api.app import create_app
from faircollect.config import Settings
from faircollect.db import upgrade
from faircollect.identity.dependencies import public
from faircollect.kit.errors import FaircollectError


class _StorageFault(FaircollectError):
    status = 500


def test_a_web_fault_is_logged_masked(
    sqlite_url: str, capsys: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    upgrade(sqlite_url)
    app = create_app(Settings(), database_url=sqlite_url)

    @app.get("/portal/verify/{code}/boom", dependencies=[public])
    def boom(code: str) -> None:
        raise _StorageFault("could not store 13800138000 for 110101199003071234")

    caplog.set_level(logging.DEBUG)
    r = TestClient(app, base_url="https://testserver").get(
        "/portal/verify/6X44S49G/boom", headers={"Accept-Language": "en"}
    )
    assert r.status_code == 500 and "13800138000" not in r.text
    ours = [rec.getMessage() for rec in caplog.records if not rec.name.startswith(("httpx", "asyncio"))]
    written = capsys.readouterr().err + "\n".join(
        ours
    )  # the test's own HTTP client logs the URL it asked for
    assert "web error" in written and "_StorageFault" in written
    for secret in ("13800138000", "110101199003071234", "6X44S49G"):
        assert secret not in written, written
    assert "138****8000" in written and "/portal/verify/6X******" in written
