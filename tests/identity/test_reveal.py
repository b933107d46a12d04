"""Revealing personal data: the permission, a reason, an audit record with that reason, a per-user rate limit."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from faircollect.api.app import create_app
from faircollect.compliance.audit.models import AuditRecord
from faircollect.config import Settings
from faircollect.db import make_engine, session_factory, upgrade

KEYS = "k-ops=ops:admin,k-zhou=zhou:supervisor,k-li=li:supervisor,k-aud=aud:auditor,k-wang=wang:agent"


def test_reveal_needs_permission_and_reason_is_audited_and_rate_limited_per_user(sqlite_url: str) -> None:
    upgrade(sqlite_url)
    client = TestClient(create_app(Settings(api_keys=KEYS, reveal_per_hour=2), database_url=sqlite_url))
    b = client.post(
        "/v1/borrowers", headers={"X-API-Key": "k-ops"}, json={"name": "张三丰", "phone": "13800138000"}
    ).json()
    url = f"/v1/borrowers/{b['id']}/reveal"
    why = {"reason": "borrower on the phone asks to confirm"}
    for key in ("k-aud", "k-wang"):
        assert client.post(url, headers={"X-API-Key": key}, json=why).status_code == 403
    assert client.post(url, headers={"X-API-Key": "k-zhou"}, json={"reason": "x"}).status_code == 422
    first = client.post(url, headers={"X-API-Key": "k-zhou"}, json=why)
    assert first.status_code == 200 and first.json()["phone"] == "+8613800138000"  # stored in E.164
    assert client.post(url, headers={"X-API-Key": "k-zhou"}, json=why).status_code == 200
    limited = client.post(url, headers={"X-API-Key": "k-zhou"}, json=why)
    assert limited.status_code == 429 and int(limited.headers["retry-after"]) > 0
    assert "13800138000" not in limited.text and "+8613800138000" not in limited.text
    # another user has their own allowance
    assert client.post(url, headers={"X-API-Key": "k-li"}, json=why).status_code == 200
    engine = make_engine(sqlite_url)
    with session_factory(engine)() as s:
        reveals = [r for r in s.scalars(select(AuditRecord)) if r.action == "personal_data.revealed"]
    engine.dispose()
    assert [(r.actor, r.payload["reason"]) for r in reveals] == [  # type: ignore[index]
        ("dev:zhou", why["reason"]),
        ("dev:zhou", why["reason"]),
        ("dev:li", why["reason"]),
    ]
