"""Who acts is who is signed in: a visit's approver is the authenticated identity whatever the body says, and the
requester cannot approve their own request; agency agents see only their agency's cases; an integration posts
payments but reads no borrower."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from test_collections_visits import POLICY, _ready_case, _request

from faircollect.api.app import create_app
from faircollect.collections import agencies
from faircollect.collections.models import CollectionCase, VisitRequest
from faircollect.collections.service import sync_cases
from faircollect.compliance.audit.models import AuditRecord
from faircollect.config import Settings
from faircollect.db import unit_of_work

KEYS = (
    "k-wang=wang:agent,k-zhou=zhou:supervisor,k-bank=bank:integration,"
    "k-ops=ops:admin,k-a1=a1:agency_agent:{a},k-a2=a2:agency_agent:{b}"
)


def _url(sessions: sessionmaker[Session]) -> str:
    return str(sessions.kw["bind"].url.render_as_string(hide_password=False))


def test_the_approver_is_the_signed_in_identity_whatever_the_body_says(
    sessions: sessionmaker[Session], make_book: Callable[..., object]
) -> None:
    bk = make_book()
    case_id = _ready_case(sessions, bk.loan_id)  # type: ignore[attr-defined]
    with unit_of_work(sessions) as s:
        # requested by the agent "wang" signed in through a development key (actor "dev:wang")
        vid = _request(s, case_id, requested_by="dev:wang", policy=POLICY)
    client = TestClient(create_app(Settings(api_keys=KEYS.format(a="x", b="y")), database_url=_url(sessions)))
    body = {"approver": "supervisor:zhou", "note": "ok"}
    own = client.post(f"/v1/collections/visits/{vid}/approve", json=body, headers={"X-API-Key": "k-wang"})
    assert own.status_code == 403  # an agent lacks visit:approve, whatever name the body gives
    r = client.post(
        f"/v1/collections/visits/{vid}/approve",
        json={"approver": "dev:wang", "note": "the body says wang"},
        headers={"Authorization": "Bearer k-zhou"},
    )
    assert r.status_code == 200, r.text
    assert r.json()["approved_by"] == "dev:zhou"
    with sessions() as s:
        v = s.get(VisitRequest, vid)
        assert v is not None and (v.requested_by, v.approved_by) == ("dev:wang", "dev:zhou")


def test_a_supervisor_may_not_approve_their_own_visit_request(
    sessions: sessionmaker[Session], make_book: Callable[..., object]
) -> None:
    bk = make_book()
    case_id = _ready_case(sessions, bk.loan_id)  # type: ignore[attr-defined]
    with unit_of_work(sessions) as s:
        vid = _request(s, case_id, requested_by="dev:zhou", policy=POLICY)
    client = TestClient(create_app(Settings(api_keys=KEYS.format(a="x", b="y")), database_url=_url(sessions)))
    r = client.post(
        f"/v1/collections/visits/{vid}/approve",
        json={"approver": "someone-else", "note": "x"},
        headers={"Authorization": "Bearer k-zhou"},
    )
    assert r.status_code == 422 and "requester may not approve" in r.text


def test_agency_agents_see_only_their_agencys_cases_and_integration_reads_no_borrower(
    sessions: sessionmaker[Session], make_book: Callable[..., object]
) -> None:
    books = [make_book(phone=f"1380013800{n}") for n in range(3)]
    with unit_of_work(sessions) as s:
        sync_cases(s, date(2026, 2, 20))
        a = agencies.create_agency(s, name="甲资产", actor="test")
        b = agencies.create_agency(s, name="乙资产", actor="test")
        cases = {c.loan_id: c for c in s.query(CollectionCase).all()}
        ids = [cases[bk.loan_id].id for bk in books]  # type: ignore[attr-defined]
        s.get(CollectionCase, ids[0]).agency_id = a.id  # type: ignore[union-attr]
        s.get(CollectionCase, ids[1]).agency_id = b.id  # type: ignore[union-attr]
        a_id, b_id = a.id, b.id
    client = TestClient(
        create_app(Settings(api_keys=KEYS.format(a=a_id, b=b_id)), database_url=_url(sessions))
    )
    h1 = {"Authorization": "Bearer k-a1"}
    listed = client.get("/v1/collections/cases", params={"status": "all"}, headers=h1).json()
    assert [c["id"] for c in listed] == [ids[0]]
    # asking for another agency's cases by filter still returns only its own
    assert client.get("/v1/collections/cases", params={"agency_id": b_id}, headers=h1).json() == []
    assert client.get(f"/v1/collections/cases/{ids[0]}", headers=h1).status_code == 200
    for other in ids[1:]:
        assert client.get(f"/v1/collections/cases/{other}", headers=h1).status_code == 404
    bk0, bk1 = books[0], books[1]
    assert client.get(f"/v1/borrowers/{bk0.borrower_id}", headers=h1).status_code == 200  # type: ignore[attr-defined]
    assert client.get(f"/v1/borrowers/{bk1.borrower_id}", headers=h1).status_code == 404  # type: ignore[attr-defined]
    assert client.get(f"/v1/loans/{bk1.loan_id}", headers=h1).status_code == 404  # type: ignore[attr-defined]
    assert client.get("/v1/loans", headers=h1).status_code == 422  # must name a borrower of its own cases
    # the integration posts a payment, and reads nothing about anyone
    bank = {"Authorization": "Bearer k-bank"}
    paid = client.post(
        f"/v1/loans/{bk0.loan_id}/payments",  # type: ignore[attr-defined]
        headers={**bank, "Idempotency-Key": "bank-77"},
        json={"date": "2026-02-21", "amount": "100.00", "currency": "CNY"},
    )
    assert paid.status_code == 201, paid.text
    for path in (
        f"/v1/borrowers/{bk0.borrower_id}",  # type: ignore[attr-defined]
        f"/v1/loans/{bk0.loan_id}",  # type: ignore[attr-defined]
        "/v1/collections/cases",
        f"/v1/collections/borrowers/{bk0.borrower_id}",  # type: ignore[attr-defined]
        "/v1/messaging/outbox",
    ):
        assert client.get(path, headers=bank).status_code == 403, path
    # the payment's actor is the integration's identity
    with sessions() as s:
        actors = {
            r.actor
            for r in s.scalars(select(AuditRecord))
            if r.subject_id == bk0.loan_id and "payment" in r.action  # type: ignore[attr-defined]
        }
    assert actors == {"dev:bank"}


def test_a_visit_outcome_is_recorded_only_by_staff_who_see_its_case(
    sessions: sessionmaker[Session], make_book: Callable[..., object]
) -> None:
    """``visit:record`` is held by agents and agency agents, who see only their own cases: an outcome posted for a
    visit on a case outside the caller's scope is a 404 (as if the visit did not exist) and changes nothing."""
    from test_collections_visits import TOMORROW, _at

    from faircollect.collections.visits import approve_visit

    bk = make_book()
    case_id = _ready_case(sessions, bk.loan_id)  # type: ignore[attr-defined]
    with unit_of_work(sessions) as s:
        b = agencies.create_agency(s, name="乙资产", actor="test")
        vid = _request(s, case_id, requested_by="dev:zhou", policy=POLICY)
        approve_visit(s, visit_id=vid, approver="dev:ops", policy=POLICY)
        b_id = b.id
    client = TestClient(
        create_app(Settings(api_keys=KEYS.format(a="x", b=b_id)), database_url=_url(sessions))
    )
    body = {"outcome": "met_borrower", "recording_ref": "rec-9", "at": _at(10, 30, TOMORROW).isoformat()}
    for key in ("k-a2", "k-wang"):  # another agency's agent; an agent whose queue never held the case
        r = client.post(f"/v1/collections/visits/{vid}/outcome", json=body, headers={"X-API-Key": key})
        assert r.status_code == 404, (key, r.text)
    with sessions() as s:
        v = s.get(VisitRequest, vid)
        assert v is not None and v.status == "approved" and v.outcome is None
    ok = client.post(f"/v1/collections/visits/{vid}/outcome", json=body, headers={"X-API-Key": "k-zhou"})
    assert ok.status_code == 200, ok.text


def _one_borrower_two_agencies(
    sessions: sessionmaker[Session], make_book: Callable[..., object]
) -> tuple[object, object, str, TestClient]:
    """One borrower with two loans, the first's case placed with agency 甲 (keys k-a1), the second's with 乙 (k-a2):
    the two books, the second loan's case id and an API client with those keys."""
    first = make_book()
    second = make_book("8000.00", borrower_id=first.borrower_id)  # type: ignore[attr-defined]
    with unit_of_work(sessions) as s:
        sync_cases(s, date(2026, 2, 20))
        a = agencies.create_agency(s, name="甲资产", actor="test")
        b = agencies.create_agency(s, name="乙资产", actor="test")
        cases = {c.loan_id: c for c in s.query(CollectionCase).all()}
        cases[first.loan_id].agency_id = a.id  # type: ignore[attr-defined]
        cases[second.loan_id].agency_id = b.id  # type: ignore[attr-defined]
        a_id, b_id, other_case = a.id, b.id, cases[second.loan_id].id  # type: ignore[attr-defined]
    client = TestClient(
        create_app(Settings(api_keys=KEYS.format(a=a_id, b=b_id)), database_url=_url(sessions))
    )
    return first, second, other_case, client


def test_a_scoped_caller_lists_only_the_loans_of_its_own_cases(
    sessions: sessionmaker[Session], make_book: Callable[..., object]
) -> None:
    """One borrower, two loans, each case placed with another agency: each agency's agent reads the borrower
    through its own case but lists and views only its own loan (``GET /v1/loans/{other}`` is already a 404, so
    the list and the borrower view must not show it either); a supervisor sees both."""
    first, second, _other_case, client = _one_borrower_two_agencies(sessions, make_book)
    bid = first.borrower_id  # type: ignore[attr-defined]
    for key, own in (("k-a1", first), ("k-a2", second)):
        h = {"X-API-Key": key}
        other = second if own is first else first
        assert client.get(f"/v1/loans/{other.loan_id}", headers=h).status_code == 404  # type: ignore[attr-defined]
        listed = client.get("/v1/loans", params={"borrower_id": bid}, headers=h)
        assert listed.status_code == 200, listed.text
        assert [ln["id"] for ln in listed.json()] == [own.loan_id]  # type: ignore[attr-defined]
        view = client.get(f"/v1/collections/borrowers/{bid}", params={"as_of": "2026-02-20"}, headers=h)
        assert view.status_code == 200, view.text
        assert [ln["loan_id"] for ln in view.json()["loans"]] == [own.loan_id]  # type: ignore[attr-defined]
        assert other.loan_id not in view.text  # type: ignore[attr-defined]
    sup = {"X-API-Key": "k-zhou"}
    assert len(client.get("/v1/loans", params={"borrower_id": bid}, headers=sup).json()) == 2
    whole = client.get(f"/v1/collections/borrowers/{bid}", params={"as_of": "2026-02-20"}, headers=sup).json()
    assert len(whole["loans"]) == 2


def test_a_complaint_is_logged_only_against_a_case_in_the_callers_scope(
    sessions: sessionmaker[Session], make_book: Callable[..., object]
) -> None:
    """An agency agent who sees the borrower through its own case may not attach a complaint (and, with scope
    ``case``, a hold) to the borrower's case placed with another agency: 404, nothing stored."""
    from faircollect.collections.models import Complaint

    first, _second, other_case, client = _one_borrower_two_agencies(sessions, make_book)
    body = {
        "borrower_id": first.borrower_id,  # type: ignore[attr-defined]
        "channel": "phone",
        "summary": "says the other agency called at night",
        "received_at": "2026-02-20T02:00:00+00:00",
        "case_id": other_case,
        "scope": "case",
    }
    r = client.post("/v1/collections/complaints", json=body, headers={"X-API-Key": "k-a1"})
    assert r.status_code == 404, r.text
    with sessions() as s:
        assert s.query(Complaint).count() == 0
        assert not s.get(CollectionCase, other_case).on_hold  # type: ignore[union-attr]
    ok = client.post("/v1/collections/complaints", json=body, headers={"X-API-Key": "k-a2"})
    assert ok.status_code == 201, ok.text
