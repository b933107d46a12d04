"""The ledger's HTTP API (FastAPI TestClient) on SQLite and PostgreSQL: auth, masking, idempotency, money as strings."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from fastapi.testclient import TestClient

from faircollect.api.app import create_app
from faircollect.config import Settings

KEY: dict[str, str] = {}


@pytest.fixture
def client(db_url: str, token_for: Callable[..., dict[str, str]]) -> Iterator[TestClient]:
    """A client holding an admin's API token (its headers fill ``KEY``)."""
    KEY.clear()
    KEY.update(token_for(db_url, "admin", username="ledger-admin"))
    app = create_app(Settings(), database_url=db_url)
    with TestClient(app) as c:
        yield c
    app.state.engine.dispose()


def _product(client: TestClient) -> dict[str, object]:
    r = client.post(
        "/v1/products",
        headers=KEY,
        json={
            "code": "consumer-12",
            "name": "消费贷",
            "currency": "CNY",
            "terms": {"annual_rate": "0.12", "method": "equal_instalment", "term": 12},
        },
    )
    assert r.status_code == 201, r.text
    return dict(r.json())


def _active_loan(client: TestClient) -> str:
    _product(client)
    b = client.post(
        "/v1/borrowers",
        headers=KEY,
        json={
            "name": "张三丰",
            "phone": "13800138000",
            "id_number": "110101199003071234",
            "timezone": "Asia/Shanghai",
            "contacts": [{"role": "guarantor", "name": "李四", "phone": "13900139000"}],
        },
    ).json()
    r = client.post(
        "/v1/loans",
        headers=KEY,
        json={
            "borrower_id": b["id"],
            "product_code": "consumer-12",
            "terms": {"principal": "12000.00", "start_date": "2026-01-15"},
            "approve": True,
        },
    )
    assert r.status_code == 201, r.text
    loan_id = str(r.json()["id"])
    d = client.post(f"/v1/loans/{loan_id}/disbursements", headers=KEY, json={"date": "2026-01-15"})
    assert d.status_code == 201, d.text
    assert d.json()["amount"] == "12000.00"
    return loan_id


def test_every_ledger_route_needs_an_identity(client: TestClient) -> None:
    assert client.get("/v1/products").status_code == 401
    assert client.get("/v1/products", headers={"X-API-Key": "wrong"}).status_code == 401
    assert client.get("/v1/products", headers={"Authorization": "Bearer fct_wrong"}).status_code == 401
    assert client.post("/v1/borrowers", json={"name": "x"}).status_code == 401
    assert client.get("/v1/products", headers=KEY).status_code == 200


def test_borrower_personal_data_is_masked_unless_revealed(client: TestClient) -> None:
    r = client.post(
        "/v1/borrowers",
        headers=KEY,
        json={
            "name": "张三丰",
            "phone": "13800138000",
            "id_number": "110101199003071234",
            "email": "zs@example.com",
        },
    )
    assert r.status_code == 201
    body = r.json()
    assert body["masked"] is True
    assert body["phone"] == "138****8000" and "13800138000" not in r.text
    assert "199003071" not in r.text and body["name"].startswith("张") and body["name"] != "张三丰"
    again = client.get(f"/v1/borrowers/{body['id']}", headers=KEY, params={"reveal": "true"}).json()
    assert again["masked"] is True and again["phone"] == "138****8000"  # reveal is not a query flag
    no_reason = client.post(f"/v1/borrowers/{body['id']}/reveal", headers=KEY, json={"reason": ""})
    assert no_reason.status_code == 422
    shown = client.post(
        f"/v1/borrowers/{body['id']}/reveal", headers=KEY, json={"reason": "borrower called in"}
    )
    assert shown.status_code == 200, shown.text
    shown_body = shown.json()
    assert (
        shown_body["masked"] is False
        and shown_body["phone"] == "+8613800138000"
        and shown_body["name"] == "张三丰"
    )


def test_contacts_are_registered_roles_and_masked(client: TestClient) -> None:
    b = client.post("/v1/borrowers", headers=KEY, json={"name": "王小明"}).json()
    r = client.post(
        f"/v1/borrowers/{b['id']}/contacts",
        headers=KEY,
        json={"role": "joint_debtor", "name": "王大明", "phone": "13700137000"},
    )
    assert r.status_code == 201 and r.json()["phone"] == "137****7000" and r.json()["role"] == "joint_debtor"
    shown = client.get(f"/v1/borrowers/{b['id']}", headers=KEY).json()
    assert [c["role"] for c in shown["contacts"]] == ["joint_debtor"]
    assert (
        client.post(
            "/v1/borrowers/nope/contacts", headers=KEY, json={"role": "guarantor", "name": "x"}
        ).status_code
        == 404
    )


def test_unknown_contact_role_is_refused(client: TestClient) -> None:
    r = client.post(
        "/v1/borrowers", headers=KEY, json={"name": "x", "contacts": [{"role": "phone_book", "name": "y"}]}
    )
    assert r.status_code == 422 and r.json()["field"].endswith("role")


def test_payment_idempotency_over_http(client: TestClient) -> None:
    loan_id = _active_loan(client)
    body = {"date": "2026-02-15", "amount": "1066.19", "currency": "CNY"}
    first = client.post(
        f"/v1/loans/{loan_id}/payments", headers={**KEY, "Idempotency-Key": "bank-1"}, json=body
    )
    assert first.status_code == 201, first.text
    assert first.json()["amount"] == "1066.19"
    assert sum(Decimal(a["amount"]) for a in first.json()["allocations"]) == Decimal("1066.19")
    again = client.post(
        f"/v1/loans/{loan_id}/payments", headers={**KEY, "Idempotency-Key": "bank-1"}, json=body
    )
    assert again.status_code == 200 and again.json()["event_id"] == first.json()["event_id"]
    assert again.json()["created"] is False
    in_body = client.post(f"/v1/loans/{loan_id}/payments", headers=KEY, json={**body, "key": "bank-1"})
    assert in_body.status_code == 200
    other = client.post(
        f"/v1/loans/{loan_id}/payments",
        headers={**KEY, "Idempotency-Key": "bank-1"},
        json={**body, "amount": "5.00"},
    )
    assert other.status_code == 409 and other.json()["field"] == "key"
    missing = client.post(f"/v1/loans/{loan_id}/payments", headers=KEY, json=body)
    assert missing.status_code == 422 and missing.json()["field"] == "key"


@pytest.mark.parametrize(
    ("amount", "currency", "status"),
    [
        (1066.19, "CNY", 422),
        ("-1.00", "CNY", 422),
        ("0", "CNY", 422),
        ("1.001", "CNY", 422),
        ("10", "XYZ", 422),
    ],
)
def test_bad_payment_amounts_are_refused(
    client: TestClient, amount: object, currency: str, status: int
) -> None:
    loan_id = _active_loan(client)
    r = client.post(
        f"/v1/loans/{loan_id}/payments",
        headers={**KEY, "Idempotency-Key": "k"},
        json={"date": "2026-02-15", "amount": amount, "currency": currency},
    )
    assert r.status_code == status, r.text
    state = client.get(f"/v1/loans/{loan_id}/state", headers=KEY, params={"as_of": "2026-02-15"}).json()
    assert all(i["paid"]["principal"] == "0.00" for i in state["instalments"])


def test_state_schedule_reversal_waiver_pause_and_write_off_over_http(client: TestClient) -> None:
    loan_id = _active_loan(client)
    sched = client.get(f"/v1/loans/{loan_id}/schedule", headers=KEY).json()
    assert len(sched["instalments"]) == 12 and sched["currency"] == "CNY"
    first_total = sched["instalments"][0]["total"]
    pay = client.post(
        f"/v1/loans/{loan_id}/payments",
        headers={**KEY, "Idempotency-Key": "p1"},
        json={"date": "2026-02-15", "amount": first_total, "currency": "CNY"},
    )
    assert pay.status_code == 201
    state = client.get(f"/v1/loans/{loan_id}/state", headers=KEY, params={"as_of": "2026-03-20"}).json()
    assert state["days_past_due"] == 5 and state["bucket"] == "M1" and isinstance(state["overdue"], str)
    rev = client.post(f"/v1/loans/{loan_id}/payments/p1/reversal", headers=KEY, json={"date": "2026-02-20"})
    assert rev.status_code == 201
    state = client.get(f"/v1/loans/{loan_id}/state", headers=KEY, params={"as_of": "2026-03-20"}).json()
    assert state["days_past_due"] == 33
    w = client.post(
        f"/v1/loans/{loan_id}/waivers",
        headers=KEY,
        json={"key": "w1", "date": "2026-03-20", "component": "interest", "amount": "10.00"},
    )
    assert w.status_code == 201, w.text
    z = client.post(
        f"/v1/loans/{loan_id}/pauses",
        headers=KEY,
        json={"key": "z1", "start": "2026-03-21", "end": "2026-03-30"},
    )
    assert z.status_code == 201
    bad = client.post(
        f"/v1/loans/{loan_id}/pauses",
        headers=KEY,
        json={"key": "z2", "start": "2026-04-02", "end": "2026-04-01"},
    )
    assert bad.status_code == 422 and bad.json()["field"] == "end"
    wo = client.post(f"/v1/loans/{loan_id}/write-off", headers=KEY, json={"key": "wo", "date": "2026-06-30"})
    assert wo.status_code == 201
    assert client.get(f"/v1/loans/{loan_id}", headers=KEY).json()["status"] == "written_off"
    entries = client.get(f"/v1/loans/{loan_id}/entries", headers=KEY).json()
    kinds = {e["kind"] for e in entries}
    assert {"disbursement", "payment", "waiver", "written_off"} <= kinds
    paid = sum(Decimal(e["amount"]) for e in entries if e["kind"] == "payment")
    assert paid == 0  # paid, then reversed: the entries net to nothing
    listed = client.get("/v1/loans", headers=KEY, params={"status": "written_off"}).json()
    assert [ln["id"] for ln in listed] == [loan_id]
    assert client.get(f"/v1/loans/{loan_id}/bucket-history", headers=KEY).json() == []


def test_cap_refusal_over_http_explains(client: TestClient) -> None:
    r = client.post(
        "/v1/products",
        headers=KEY,
        json={
            "code": "dear",
            "name": "x",
            "currency": "CNY",
            "terms": {"annual_rate": "0.40", "method": "bullet", "term": 1},
        },
    )
    assert r.status_code == 422
    assert r.json()["error"] == "CapExceeded" and "24" in r.json()["message"]
    assert client.get("/v1/products", headers=KEY).json() == []


def test_new_product_version_and_unknown_loan(client: TestClient) -> None:
    p = _product(client)
    v = client.post(
        f"/v1/products/{p['id']}/versions",
        headers=KEY,
        json={"terms": {"annual_rate": "0.10", "method": "equal_principal", "term": 6}},
    )
    assert v.status_code == 201 and v.json()["version"] == 2
    assert len(client.get(f"/v1/products/{p['id']}", headers=KEY).json()["versions"]) == 2
    assert client.get("/v1/loans/nope/state", headers=KEY, params={"as_of": "2026-01-01"}).status_code == 404


def test_collectable_amount_over_http(client: TestClient) -> None:
    loan_id = _active_loan(client)
    r = client.get(f"/v1/loans/{loan_id}/collectable", headers=KEY, params={"as_of": "2026-04-01"})
    assert r.status_code == 200, r.text
    body = r.json()
    state = client.get(f"/v1/loans/{loan_id}/state", headers=KEY, params={"as_of": "2026-04-01"}).json()
    total = Decimal(body["collectable"]) + sum(Decimal(v) for v in body["excluded_by_component"].values())
    assert total == Decimal(
        state["overdue"]
    )  # everything overdue is either collectable or excluded with a reason
    assert Decimal(body["collectable"]) > 0
