"""Four eyes: a tightening is stored at once; a loosening waits for a second compliance officer, who is never the
officer who asked (checked on identities), and is applied only once approved."""

from __future__ import annotations

from fastapi.testclient import TestClient
from sqlalchemy import select

from faircollect.api.app import create_app
from faircollect.compliance.audit.models import AuditRecord
from faircollect.compliance.models import RuleOverride
from faircollect.config import Settings
from faircollect.db import make_engine, session_factory

KEYS = "k-li=li:compliance_officer,k-wu=wu:compliance_officer,k-ops=ops:admin,k-sup=sup:supervisor"
LOOSEN = {
    "rule": "CN-HOLD-POLICY",
    "params": {"holds": ["cease_contact", "hardship", "bankruptcy", "payment_plan", "breathing_space"]},
    "reason": "collect from estates",
}


def _h(key: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {key}"}


def test_a_loosening_waits_for_a_second_compliance_officer(db_url: str) -> None:
    client = TestClient(create_app(Settings(api_keys=KEYS), database_url=db_url))
    tight = client.post(
        "/v1/compliance/rules/CN/overrides",
        json={"rule": "CN-FREQ-ATTEMPTS-6", "params": {"max": 4}, "reason": "fewer dials"},
        headers=_h("k-li"),
    )
    assert (
        tight.status_code == 201
        and tight.json()["status"] == "stored"
        and tight.json()["direction"] == "tighten"
    )

    assert (
        client.post("/v1/compliance/rules/CN/overrides", json=LOOSEN, headers=_h("k-sup")).status_code == 403
    )
    asked = client.post("/v1/compliance/rules/CN/overrides", json=LOOSEN, headers=_h("k-li"))
    assert asked.status_code == 202, asked.text
    approval = asked.json()["approval_id"]
    assert asked.json() | {"approval_id": "-"} == {
        "status": "pending_approval",
        "approval_id": "-",
        "direction": "loosen",
        "rule": "CN-HOLD-POLICY",
        "requested_by": "dev:li",
    }
    rules = client.get("/v1/compliance/rules/CN", headers=_h("k-li")).json()
    hold = next(r for r in rules["rules"] if r["id"] == "CN-HOLD-POLICY")
    assert "deceased" in hold["params"]["holds"]  # not applied while pending
    pending = client.get("/v1/compliance/overrides/pending", headers=_h("k-wu")).json()
    assert [p["id"] for p in pending] == [approval]

    own = client.post(f"/v1/compliance/overrides/pending/{approval}/approve", json={}, headers=_h("k-li"))
    assert own.status_code == 403 and "four eyes" in own.json()["message"]
    admin = client.post(f"/v1/compliance/overrides/pending/{approval}/approve", json={}, headers=_h("k-ops"))
    assert admin.status_code == 403  # an admin alone cannot approve a loosening
    ok = client.post(
        f"/v1/compliance/overrides/pending/{approval}/approve",
        json={"note": "estate policy"},
        headers=_h("k-wu"),
    )
    assert ok.status_code == 200, ok.text
    assert (ok.json()["status"], ok.json()["decided_by"], ok.json()["requested_by"]) == (
        "approved",
        "dev:wu",
        "dev:li",
    )
    again = client.post(f"/v1/compliance/overrides/pending/{approval}/approve", json={}, headers=_h("k-wu"))
    assert again.status_code == 409
    hold = next(
        r
        for r in client.get("/v1/compliance/rules/CN", headers=_h("k-li")).json()["rules"]
        if r["id"] == "CN-HOLD-POLICY"
    )
    assert "deceased" not in hold["params"]["holds"]

    engine = make_engine(db_url)
    with session_factory(engine)() as s:
        row = s.scalars(select(RuleOverride).where(RuleOverride.rule_id == "CN-HOLD-POLICY")).one()
        assert row.actor == "dev:li" and "approved by dev:wu" in row.reason
        actions = [(r.action, r.actor) for r in s.scalars(select(AuditRecord).order_by(AuditRecord.seq))]
    assert ("approval.requested", "dev:li") in actions and ("approval.approved", "dev:wu") in actions
    engine.dispose()
    client.app.state.engine.dispose()  # type: ignore[attr-defined]


def test_a_refused_loosening_stores_nothing(sqlite_url: str) -> None:
    from faircollect.db import upgrade

    upgrade(sqlite_url)
    client = TestClient(create_app(Settings(api_keys=KEYS), database_url=sqlite_url))
    approval = client.post("/v1/compliance/rules/CN/overrides", json=LOOSEN, headers=_h("k-wu")).json()[
        "approval_id"
    ]
    r = client.post(
        f"/v1/compliance/overrides/pending/{approval}/refuse", json={"note": "no"}, headers=_h("k-li")
    )
    assert r.status_code == 200 and r.json()["status"] == "refused"
    assert client.get("/v1/compliance/rules/CN", headers=_h("k-li")).json()["overrides"] == []
    assert client.get("/v1/compliance/overrides/pending", headers=_h("k-li")).json() == []
