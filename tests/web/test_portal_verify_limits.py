"""The portal's public verification page is the API's ``GET /v1/verify/{code}``: the same look-ups per minute,
the same failed look-ups per hour (one count per client across the page and the API) and every failure audited."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from faircollect.api.app import create_app
from faircollect.compliance.audit.models import AuditRecord
from faircollect.config import Settings
from faircollect.db import make_engine, session_factory, upgrade

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _client(url: str, **settings: int) -> TestClient:
    upgrade(url)
    return TestClient(create_app(Settings(**settings), database_url=url), base_url="https://testserver")  # type: ignore[arg-type]


def _post(client: TestClient, code: str) -> int:
    token = TOKEN.search(client.get("/portal/verify").text).group(1)  # type: ignore[union-attr]
    return client.post("/portal/verify", data={"code": code, "csrf_token": token}).status_code


def _failed_records(url: str) -> list[AuditRecord]:
    engine = make_engine(url)
    with session_factory(engine)() as s:
        rows = list(s.scalars(select(AuditRecord).where(AuditRecord.action == "messaging.verify_failed")))
    engine.dispose()
    return rows


def test_failed_lookups_on_the_page_are_audited_and_limited_per_hour(sqlite_url: str) -> None:
    client = _client(sqlite_url, verify_per_minute=100, verify_failures_per_hour=3)
    assert [_post(client, f"ZZZZZZ{i}9") for i in range(3)] == [200, 200, 200]
    assert len(_failed_records(sqlite_url)) == 3
    assert _post(client, "ZZZZZZ79") == 429
    # The API counts the same failures: the page's three have used up the client's hour there too.
    assert client.get("/v1/verify/ZZZZZZ89").status_code == 429
    records = _failed_records(sqlite_url)
    assert len(records) == 3 and all(r.actor.startswith("anonymous:") for r in records)


@pytest.mark.parametrize("first", ["page", "api"])
def test_the_page_and_the_api_share_the_per_minute_limit(sqlite_url: str, first: str) -> None:
    client = _client(sqlite_url, verify_per_minute=2, verify_failures_per_hour=100)
    hit = (
        (lambda: _post(client, "ABCDEFG9"))
        if first == "page"
        else (lambda: client.get("/v1/verify/ABCDEFG9").status_code)
    )
    assert [hit(), hit()] == [200, 200]
    other = (
        (lambda: client.get("/v1/verify/ABCDEFG9").status_code)
        if first == "page"
        else (lambda: _post(client, "ABCDEFG9"))
    )
    assert other() == 429
