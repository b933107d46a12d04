"""POST /v1/applications on SQLite and PostgreSQL: one call decides, an approval books a loan, a decline has its
notice with four ranked reasons in zh and en; duplicates and velocity found through blind indexes; CLI import."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text
from typer.testing import CliRunner

from faircollect.api.app import create_app
from faircollect.cli import app as cli_app
from faircollect.compliance.audit.models import AuditRecord
from faircollect.config import Settings
from faircollect.db import make_engine, session_factory

from .applicants import PRODUCT_TERMS, application_body

KEY = {"X-API-Key": "test-key-123"}


@pytest.fixture
def client(db_url: str) -> Iterator[TestClient]:
    app = create_app(Settings(api_keys="test-key-123=ops:admin"), database_url=db_url)
    with TestClient(app) as c:
        r = c.post(
            "/v1/products",
            headers=KEY,
            json={"code": "cash-12", "name": "现金贷 12 期", "currency": "CNY", "terms": PRODUCT_TERMS},
        )
        assert r.status_code == 201, r.text
        yield c
    app.state.engine.dispose()


def test_an_approved_application_becomes_an_approved_loan_in_the_ledger(client: TestClient) -> None:
    r = client.post("/v1/applications", headers=KEY, json=application_body(1))
    assert r.status_code == 201, r.text
    d = r.json()
    assert d["outcome"] == "approve" and d["loan_id"] and d["reasons"] == []
    loan = client.get(f"/v1/loans/{d['loan_id']}", headers=KEY).json()
    assert loan["status"] == "approved" and loan["principal"] == d["offer"]["amount"]
    assert client.get(f"/v1/applications/{d['id']}/notice", headers=KEY).status_code == 409


def test_a_declined_application_has_a_notice_with_four_reasons_in_zh_and_en(client: TestClient) -> None:
    d = client.post("/v1/applications", headers=KEY, json=application_body(2, poor=True)).json()
    assert d["outcome"] == "decline" and d["loan_id"] is None and d["offer"] is None
    n = client.get(f"/v1/applications/{d['id']}/notice", headers=KEY)
    assert n.status_code == 200, n.text
    body = n.json()
    assert len(body["reasons"]) == 4
    for i, r in enumerate(body["reasons"], 1):
        assert f"{i}. {r['text_zh']}" in body["text_zh"] and f"{i}. {r['text_en']}" in body["text_en"]
    assert "个人信息保护法" in body["text_zh"] and "Equal Credit Opportunity Act" in body["text_en"]


def test_decision_is_audited_with_model_policy_and_inputs_hash(client: TestClient, db_url: str) -> None:
    d = client.post("/v1/applications", headers=KEY, json=application_body(3)).json()
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        rec = s.execute(select(AuditRecord).where(AuditRecord.subject_id == d["id"])).scalar_one()
        assert rec.action == "origination.decided"
        assert rec.payload["model"] == d["model"] and rec.payload["policy"] == "cn-consumer@1"
        assert rec.payload["inputs_hash"] == d["inputs_hash"]
        raw = " ".join(str(v) for v in s.execute(text("SELECT * FROM application")).one())
    engine.dispose()
    assert "13800130003" not in raw and "110101199001010003" not in raw and "王小明" not in raw


def test_same_phone_again_is_referred_and_the_fourth_in_a_week_declined(client: TestClient) -> None:
    first = client.post("/v1/applications", headers=KEY, json=application_body(4)).json()
    assert first["outcome"] == "approve"
    # the same phone written another way, a different ID: found through the phone's blind index
    again = application_body(4)
    again["applicant"] = dict(again["applicant"], phone="+86 138 0013 0004", id_number="110101199001019999")
    second = client.post("/v1/applications", headers=KEY, json=again).json()
    assert second["outcome"] == "refer" and second["reasons"][0]["code"] == "DUPLICATE"
    client.post("/v1/applications", headers=KEY, json=application_body(4))
    fourth = client.post("/v1/applications", headers=KEY, json=application_body(4)).json()
    assert fourth["outcome"] == "decline" and fourth["reasons"][0]["code"] == "VELOCITY"


def test_bad_input_is_named_never_a_server_error(client: TestClient) -> None:
    no_consent = application_body(5, consents=[])
    r = client.post("/v1/applications", headers=KEY, json=no_consent)
    assert r.status_code == 422 and "credit_assessment" in r.text
    r = client.post("/v1/applications", headers=KEY, json=application_body(5, amount="1e3"))
    assert r.status_code in (400, 422) and "amount" in r.text
    bad_phone = application_body(5)
    bad_phone["applicant"]["phone"] = "abc"
    r = client.post("/v1/applications", headers=KEY, json=bad_phone)
    assert r.status_code == 422 and "phone" in r.text
    assert (
        client.post("/v1/applications", headers=KEY, json=application_body(5, product="nope")).status_code
        == 404
    )
    for bad in ({"amount": "-100.00"}, {"currency": "cny"}, {"attributes": {"purpose": "a\u0000b"}}):
        r = client.post("/v1/applications", headers=KEY, json=application_body(5, **bad))
        assert r.status_code == 422, (bad, r.text)


def test_cli_imports_a_file_and_prints_the_notice(db_url: str, tmp_path: Path) -> None:
    if not db_url.startswith("sqlite"):
        pytest.skip("the CLI path is the same code on both databases; run once")
    app = create_app(Settings(api_keys="k=ops:admin"), database_url=db_url)
    with TestClient(app) as c:
        c.post(
            "/v1/products",
            headers={"X-API-Key": "k"},
            json={"code": "cash-12", "name": "x", "currency": "CNY", "terms": PRODUCT_TERMS},
        )
    app.state.engine.dispose()
    f = tmp_path / "apps.jsonl"
    lines = [json.dumps(application_body(10)), json.dumps(application_body(11, poor=True)), '{"amount": 5}']
    f.write_text("\n".join(lines) + "\n")
    r = CliRunner().invoke(cli_app, ["applications", "import", str(f), "--database-url", db_url])
    assert r.exit_code == 1  # the third line is bad and named
    out = [json.loads(x) for x in r.stdout.splitlines()]
    assert [o.get("outcome") for o in out[:2]] == ["approve", "decline"]
    assert out[2]["line"] == 3 and "line 3" in out[2]["error"]
    n = CliRunner().invoke(cli_app, ["applications", "notice", out[1]["id"], "--database-url", db_url])
    assert n.exit_code == 0, n.output
    assert "主要原因" in n.stdout and "4. " in n.stdout and "Principal reasons" in n.stdout


def test_applicant_stability_compares_recent_scores_with_development(client: TestClient, db_url: str) -> None:
    from faircollect.origination import service

    for i in range(3):
        client.post("/v1/applications", headers=KEY, json=application_body(20 + i, poor=True))
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        out = service.applicant_stability(s)
    engine.dispose()
    assert out["n"] == 3 and out["status"] == "too_few" and out["psi"] is not None and out["psi"] > 0
    assert out["characteristics"] and {c["status"] for c in out["characteristics"]} == {"too_few"}


def test_a_declined_applicants_notice_goes_through_the_gate_into_the_outbox(
    client: TestClient, db_url: str
) -> None:
    from faircollect.messaging.models import OutboxMessage

    d = client.post("/v1/applications", headers=KEY, json=application_body(30, poor=True)).json()
    r = client.post(f"/v1/applications/{d['id']}/notice/send", headers=KEY)
    assert r.status_code == 200, r.text
    sent = r.json()
    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        if sent["allowed"]:
            msg = s.get(OutboxMessage, sent["outbox_id"])
            assert msg is not None and msg.borrower_id == sent["borrower_id"] and msg.loan_id is None
            assert "未获批准" in msg.body and d["reasons"][0]["text_zh"] in msg.body
        else:  # refused by the gate (e.g. outside contact hours now): named rules, nothing in the outbox
            assert sent["rule_ids"] and sent["outbox_id"] is None
        actions = [
            a.action
            for a in s.execute(select(AuditRecord).where(AuditRecord.subject_id == d["id"])).scalars()
        ]
    engine.dispose()
    assert "origination.notice_sent" in actions or "origination.notice_refused" in actions
    again = client.post(f"/v1/applications/{d['id']}/notice/send", headers=KEY).json()
    assert again["borrower_id"] == sent["borrower_id"]  # one person record, however often it is sent
    if sent["allowed"] and again["allowed"]:
        assert again["outbox_id"] == sent["outbox_id"]  # idempotent: the same notice is not queued twice


def test_the_notice_is_enqueued_at_a_lawful_hour_and_refused_at_night(
    client: TestClient, db_url: str
) -> None:
    from datetime import UTC, datetime

    from faircollect.origination.notice_send import send_notice

    d = client.post("/v1/applications", headers=KEY, json=application_body(31, poor=True)).json()
    engine = make_engine(db_url)
    factory = session_factory(engine)
    with factory() as s:  # 23:30 in Shanghai: the CN contact-hours rule refuses it, nothing is queued
        night = send_notice(
            s, application_id=d["id"], at=datetime(2026, 6, 2, 15, 30, tzinfo=UTC), actor="t", lender="L"
        )
        s.commit()
    with factory() as s:  # 10:00 in Shanghai
        day = send_notice(
            s, application_id=d["id"], at=datetime(2026, 6, 3, 2, 0, tzinfo=UTC), actor="t", lender="L"
        )
        s.commit()
    engine.dispose()
    assert not night.decision.allowed and night.outbox_id is None and night.decision.rule_ids
    assert day.decision.allowed and day.outbox_id is not None


def test_the_block_list_is_kept_over_the_api_masked_and_audited(client: TestClient) -> None:
    bad = client.post("/v1/block-list", headers=KEY, json={"kind": "email", "value": "x", "reason": "r"})
    assert bad.status_code == 422 and bad.json()["field"] == "body.kind"
    no_reason = client.post("/v1/block-list", headers=KEY, json={"kind": "phone", "value": "13800130007"})
    assert no_reason.status_code == 422 and no_reason.json()["field"] == "body.reason"
    r = client.post(
        "/v1/block-list",
        headers=KEY,
        json={"kind": "phone", "value": "138 0013 0007", "reason": "fraud ring"},
    )
    assert r.status_code == 201, r.text
    entry = r.json()
    assert entry["kind"] == "phone" and "13800130007" not in entry["value"] and entry["added_by"] == "dev:ops"
    listed = client.get("/v1/block-list", headers=KEY).json()
    assert [e["id"] for e in listed] == [entry["id"]] and "0013" not in json.dumps(listed)
    d = client.post("/v1/applications", headers=KEY, json=application_body(7)).json()
    assert d["outcome"] == "decline" and d["reasons"][0]["code"] == "BLOCKED"
    missing = client.post("/v1/block-list/blk_nope/unblock", headers=KEY, json={"reason": "mistake"})
    assert missing.status_code == 404
    gone = client.post(
        f"/v1/block-list/{entry['id']}/unblock", headers=KEY, json={"reason": "mistaken block"}
    )
    assert gone.status_code == 204
    assert client.get("/v1/block-list", headers=KEY).json() == []
    assert (
        client.post("/v1/applications", headers=KEY, json=application_body(8)).json()["outcome"] == "approve"
    )
