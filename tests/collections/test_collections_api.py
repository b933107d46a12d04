"""The collections API: authentication, cases, plan, calls through the gate, complaints, visits, agencies."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient
from sqlalchemy.orm import Session, sessionmaker

from faircollect.config import Settings

KEY = "test-key-123"


def _client(url: str) -> TestClient:
    from faircollect.api.app import create_app

    return TestClient(create_app(Settings(api_keys=f"{KEY}=ops:admin"), database_url=url))


def test_collections_api_flow(
    sessions: sessionmaker[Session], make_book: Callable[..., object], seeded_templates: None
) -> None:
    bk = make_book()
    url = str(sessions.kw["bind"].url.render_as_string(hide_password=False))
    client = _client(url)
    h = {"X-API-Key": KEY}
    assert client.get("/v1/collections/cases").status_code == 401
    assert {s["name"] for s in client.get("/v1/collections/strategies", headers=h).json()} >= {
        "cn-default",
        "us-default",
    }
    r = client.post("/v1/collections/plan", json={"as_of": "2026-02-16"}, headers=h)
    assert r.status_code == 200, r.text
    assert r.json()["cases_opened"] == 1
    cases = client.get("/v1/collections/cases", headers=h).json()
    assert len(cases) == 1 and cases[0]["stage"] == "M1" and cases[0]["borrower_id"] == bk.borrower_id  # type: ignore[attr-defined]
    case_id = cases[0]["id"]
    late = client.post(
        f"/v1/collections/cases/{case_id}/calls",
        json={"at": "2026-02-16T22:30:00+08:00", "outcome": "connected"},
        headers=h,
    )
    assert late.status_code == 200 and late.json()["allowed"] is False
    assert "CN-HOURS-22-08" in [x["rule"] for x in late.json()["reasons"]]
    ok = client.post(
        f"/v1/collections/cases/{case_id}/calls",
        json={"at": "2026-02-16T10:00:00+08:00", "outcome": "connected"},
        headers=h,
    )
    assert ok.json()["allowed"] is True and ok.json()["attempt_id"]
    p = client.post(
        f"/v1/collections/cases/{case_id}/promises",
        json={"amount": "100.00", "promised_date": "2026-02-20", "channel": "call", "made_on": "2026-02-16"},
        headers=h,
    )
    assert p.status_code == 201 and p.json()["amount"] == "100.00"
    bad = client.post(
        f"/v1/collections/cases/{case_id}/promises",
        json={"amount": "-1", "promised_date": "2026-02-20", "channel": "call", "made_on": "2026-02-16"},
        headers=h,
    )
    assert bad.status_code == 422 and bad.json()["field"] == "amount"
    visit = client.post(
        "/v1/collections/visits",
        json={
            "case_id": case_id,
            "requested_by": "agent:wang",
            "reason": "r",
            "staff": ["王强"],
            "window_start": "2026-02-17T10:00:00+08:00",
            "window_end": "2026-02-17T12:00:00+08:00",
        },
        headers=h,
    )
    assert visit.status_code == 422 and "visit refused" in visit.json()["message"]
    c = client.post(
        "/v1/collections/complaints",
        json={
            "borrower_id": bk.borrower_id,
            "channel": "phone",
            "summary": "rude caller",  # type: ignore[attr-defined]
            "received_at": "2026-02-16T11:00:00+08:00",
            "case_id": case_id,
        },
        headers=h,
    )
    assert c.status_code == 201 and c.json()["hold_id"]
    # Beside the lender's own answer target, the regulator's clock in the borrower's jurisdiction: NFRA, 15 days
    # from receipt (received 11:00 Beijing time = 03:00 UTC), already past at today's wall clock.
    clock = c.json()["regulator_clock"]
    assert (clock["jurisdiction"], clock["regulator"][:4], clock["due_by"]) == (
        "CN",
        "NFRA",
        "2026-03-03T03:00:00+00:00",
    )
    assert clock["status"] == "overdue" and clock["days_left"] < 0
    report = client.get("/v1/collections/complaints/report", headers=h).json()
    assert [o["id"] for o in report["regulator"]["overdue"]] == [c.json()["id"]]
    assert report["regulator"]["overdue"][0]["due_by"] == "2026-03-03T03:00:00+00:00"
    held = client.post(
        f"/v1/collections/cases/{case_id}/calls",
        json={"at": "2026-02-16T12:00:00+08:00", "outcome": "connected"},
        headers=h,
    )
    assert held.json()["allowed"] is False
    a = client.post("/v1/collections/agencies", json={"name": "示例资产管理"}, headers=h).json()
    m = client.post(
        f"/v1/collections/agencies/{a['id']}/mandates",
        json={
            "criteria": {"buckets": ["M3"]},
            "starts_on": "2026-02-16",
            "ends_on": "2026-06-30",
            "commission_rate": "0.2",
        },
        headers=h,
    )
    assert m.status_code == 201
    log = client.get(f"/v1/collections/cases/{case_id}/contacts", headers=h).json()
    # The example strategy has a 5 % control group: the borrower's arm decides whether the SMS went.
    (planned,) = log["planned"]
    assert planned["status"] == ("control" if planned["arm"] == "control" else "enqueued")
    assert [a["outcome"] for a in log["attempts"]] == ["connected"]
    view = client.get(f"/v1/collections/borrowers/{bk.borrower_id}?as_of=2026-02-16", headers=h).json()  # type: ignore[attr-defined]
    assert view["name"] == "张*" and view["holds"] and view["promises"][0]["status"] == "pending"


def test_the_report_without_a_date_is_as_of_the_lenders_business_date(
    sessions: sessionmaker[Session], monkeypatch: pytest.MonkeyPatch
) -> None:
    # 20:30 UTC on 4 December: 5 December in Shanghai, 4 December in New York; the server's own date is neither's.
    from datetime import UTC, datetime

    import faircollect.kit.time as kit_time
    from faircollect.api.app import create_app

    monkeypatch.setattr(kit_time, "utc_now", lambda: datetime(2026, 12, 4, 20, 30, tzinfo=UTC))
    url = str(sessions.kw["bind"].url.render_as_string(hide_password=False))
    for zone_name, expected in (("Asia/Shanghai", "2026-12-05"), ("America/New_York", "2026-12-04")):
        settings = Settings(api_keys=f"{KEY}=ops:admin", business_timezone=zone_name)
        client = TestClient(create_app(settings, database_url=url))
        r = client.get("/v1/collections/report", headers={"X-API-Key": KEY})
        assert r.status_code == 200, r.text
        assert r.json()["as_of"] == expected
