"""The console's audit verification is ``faircollect audit verify``: the same function, the same trusted key and the
same external receipts. A tail cut with its head rewritten looks whole to the database alone; the receipts show it,
and the page must say so."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import delete, select, update

from faircollect.api.app import create_app
from faircollect.compliance.audit import service as audit_service
from faircollect.compliance.audit.models import AuditCheckpoint, AuditHead, AuditRecord
from faircollect.config import Settings
from faircollect.db import make_engine, session_factory, unit_of_work, upgrade

KEYS = "k-ops=ops:admin,k-co=co:compliance_officer"


def _append_and_sign(client: TestClient, url: str, n: int) -> None:
    for i in range(n):
        r = client.post("/v1/borrowers", headers={"X-API-Key": "k-ops"}, json={"name": f"借款人{i}"})
        assert r.status_code == 201, r.text
    engine = make_engine(url)
    with unit_of_work(session_factory(engine)) as s:
        audit_service.checkpoint_head(s)
    engine.dispose()


def _cut_tail_rewrite_head(url: str, keep: int) -> None:
    engine = make_engine(url)
    with session_factory(engine).begin() as s:
        s.execute(delete(AuditRecord).where(AuditRecord.seq > keep))
        s.execute(delete(AuditCheckpoint).where(AuditCheckpoint.seq > keep))
        last = s.execute(select(AuditRecord).where(AuditRecord.seq == keep)).scalar_one()
        cp = s.execute(select(AuditCheckpoint.seq).order_by(AuditCheckpoint.seq.desc()).limit(1)).scalar()
        s.execute(
            update(AuditHead)
            .where(AuditHead.id == 1)
            .values(last_seq=keep, last_hash=last.hash, last_checkpoint_seq=cp or 0)
        )
    engine.dispose()


@pytest.fixture
def client(sqlite_url: str) -> TestClient:
    upgrade(sqlite_url)
    return TestClient(create_app(Settings(api_keys=KEYS), database_url=sqlite_url))


def _verify_page(client: TestClient) -> str:
    r = client.post("/console/audit/verify", headers={"X-API-Key": "k-co", "Accept-Language": "en"})
    assert r.status_code == 200, r.text
    return r.text


def test_an_intact_chain_is_intact_on_the_page(client: TestClient, sqlite_url: str) -> None:
    _append_and_sign(client, sqlite_url, 3)
    html = _verify_page(client)
    assert "Chain intact" in html and "✕" not in html


def test_a_cut_tail_with_a_rewritten_head_is_broken_on_the_page(client: TestClient, sqlite_url: str) -> None:
    _append_and_sign(client, sqlite_url, 3)
    engine = make_engine(sqlite_url)
    with session_factory(engine)() as s:
        keep = s.get(AuditHead, 1).last_seq  # type: ignore[union-attr]
    engine.dispose()
    _append_and_sign(client, sqlite_url, 3)
    _cut_tail_rewrite_head(sqlite_url, keep)
    html = _verify_page(client)
    assert "Chain intact" not in html
    assert "Chain broken" in html and "removed from the end" in html


def test_no_trusted_key_is_not_verified(
    client: TestClient, sqlite_url: str, tmp_path: object, monkeypatch: pytest.MonkeyPatch
) -> None:
    from faircollect.config import get_settings

    _append_and_sign(client, sqlite_url, 2)
    monkeypatch.setenv("FAIRCOLLECT_AUDIT_KEY_FILE", "/nonexistent/audit.key")
    monkeypatch.delenv("FAIRCOLLECT_AUDIT_PUBLIC_KEY", raising=False)
    get_settings.cache_clear()
    html = _verify_page(client)
    assert "Chain intact" not in html and "no trusted public key" in html
