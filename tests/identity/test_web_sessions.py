"""Web sessions (console staff, portal borrowers): cookie flags, CSRF on unsafe methods, sign-out, expiry."""

from __future__ import annotations

from datetime import timedelta

from fastapi import FastAPI, Request, Response
from fastapi.testclient import TestClient
from freezegun import freeze_time

from faircollect.api.app import create_app
from faircollect.api.deps import SessionDep
from faircollect.config import Settings
from faircollect.db import make_engine, session_factory, unit_of_work, upgrade
from faircollect.identity import service, sessions
from faircollect.identity.dependencies import public
from faircollect.kit.time import utc_now


def _app(url: str) -> FastAPI:
    """The app plus two test-only sign-in routes standing in for the console's and the portal's pages."""
    app = create_app(Settings(), database_url=url)

    @app.post("/test/sign-in", dependencies=[public])
    def sign_in(body: dict[str, str], response: Response, db=SessionDep) -> dict[str, str]:  # type: ignore[no-untyped-def]
        p = service.authenticate_password(db, username=body["username"], password=body["password"])
        s = sessions.start_session(db, response, p, auth_method="password", lifetime=timedelta(hours=8))
        return {"csrf": s.csrf_token}

    @app.post("/test/portal-sign-in", dependencies=[public])
    def portal(body: dict[str, str], response: Response, db=SessionDep) -> dict[str, str]:  # type: ignore[no-untyped-def]
        p = sessions.borrower_principal(body["borrower_id"])
        s = sessions.start_session(db, response, p, auth_method="otp", lifetime=timedelta(minutes=30))
        return {"csrf": s.csrf_token}

    @app.post("/test/sign-out", dependencies=[public])
    def sign_out(request: Request, response: Response, db=SessionDep) -> dict[str, bool]:  # type: ignore[no-untyped-def]
        return {"ended": sessions.end_session(db, request, response, "staff")}

    return app


def test_staff_session_cookie_csrf_and_sign_out(sqlite_url: str) -> None:
    upgrade(sqlite_url)
    engine = make_engine(sqlite_url)
    with unit_of_work(session_factory(engine)) as s:
        service.add_user(s, username="sup", roles=["supervisor"], password="a long passphrase", actor="test")
    client = TestClient(_app(sqlite_url), base_url="https://testserver")
    r = client.post("/test/sign-in", json={"username": "sup", "password": "a long passphrase"})
    assert r.status_code == 200, r.text
    cookie = r.headers["set-cookie"]
    assert "faircollect_staff=" in cookie
    for flag in ("HttpOnly", "Secure", "SameSite=lax"):
        assert flag.lower() in cookie.lower()
    csrf = r.json()["csrf"]
    assert client.get("/v1/collections/cases").status_code == 200  # the cookie authenticates a read
    body = {"as_of": "2026-02-16"}
    refused = client.post("/v1/collections/plan", json=body)
    assert refused.status_code == 403 and "CSRF" in refused.json()["message"]
    assert (
        client.post("/v1/collections/plan", json=body, headers={"X-CSRF-Token": "forged"}).status_code == 403
    )
    assert client.post("/v1/collections/plan", json=body, headers={"X-CSRF-Token": csrf}).status_code == 200
    # a bearer-token call needs no CSRF token (no ambient credential to ride on)
    assert client.post("/test/sign-out").json() == {"ended": True}
    assert client.get("/v1/collections/cases").status_code == 401
    engine.dispose()


def test_session_expires_and_a_disabled_user_is_signed_out(sqlite_url: str) -> None:
    upgrade(sqlite_url)
    engine = make_engine(sqlite_url)
    with unit_of_work(session_factory(engine)) as s:
        service.add_user(
            s, username="co", roles=["compliance_officer"], password="a long passphrase", actor="t"
        )
    client = TestClient(_app(sqlite_url), base_url="https://testserver")
    client.post("/test/sign-in", json={"username": "co", "password": "a long passphrase"})
    assert client.get("/v1/compliance/rules/CN").status_code == 200
    with freeze_time(utc_now() + timedelta(hours=8, seconds=1)):
        assert client.get("/v1/compliance/rules/CN").status_code == 401
    with unit_of_work(session_factory(engine)) as s:
        service.disable_user(s, username="co", actor="t")
    assert client.get("/v1/compliance/rules/CN").status_code == 401
    engine.dispose()


def test_a_new_password_signs_out_every_browser_of_that_user(sqlite_url: str) -> None:
    """Setting a password (``faircollect users password``, what an operator does after a suspected compromise)
    ends the user's live console sessions: the browser that stole the old one is out at once, not after 10 hours.
    Another user's session is untouched."""
    upgrade(sqlite_url)
    engine = make_engine(sqlite_url)
    with unit_of_work(session_factory(engine)) as s:
        service.add_user(
            s, username="co", roles=["compliance_officer"], password="a long passphrase", actor="t"
        )
        service.add_user(s, username="sup", roles=["supervisor"], password="another passphrase", actor="t")
    thief = TestClient(_app(sqlite_url), base_url="https://testserver")
    other = TestClient(_app(sqlite_url), base_url="https://testserver")
    thief.post("/test/sign-in", json={"username": "co", "password": "a long passphrase"})
    other.post("/test/sign-in", json={"username": "sup", "password": "another passphrase"})
    assert thief.get("/v1/compliance/rules/CN").status_code == 200
    with unit_of_work(session_factory(engine)) as s:
        service.set_password(s, username="co", password="a brand new passphrase", actor="cli:root")
    assert thief.get("/v1/compliance/rules/CN").status_code == 401
    assert other.get("/v1/compliance/rules/CN").status_code == 200
    engine.dispose()


def test_a_borrower_session_grants_no_staff_route(sqlite_url: str) -> None:
    upgrade(sqlite_url)
    client = TestClient(_app(sqlite_url), base_url="https://testserver")
    r = client.post("/test/portal-sign-in", json={"borrower_id": "bor_1"})
    assert "faircollect_portal=" in r.headers["set-cookie"]
    r = client.get("/v1/collections/cases")
    assert r.status_code == 403 and "borrower:bor_1" in r.json()["message"]


def test_a_reveal_by_cookie_needs_the_csrf_token_even_as_a_get(sqlite_url: str) -> None:
    """``GET /v1/borrowers/{id}/export?reason=…`` writes an audited reveal and spends the reveal allowance. A link
    on another site is followed with the SameSite=Lax staff cookie (a top-level GET), so without this check anyone
    could make a supervisor's browser file reveals under their name with a reason of the link's choosing."""
    from sqlalchemy import select

    from faircollect.compliance.audit.models import AuditRecord
    from faircollect.ledger import service as ledger

    upgrade(sqlite_url)
    engine = make_engine(sqlite_url)
    with unit_of_work(session_factory(engine)) as s:
        service.add_user(s, username="sup", roles=["supervisor"], password="a long passphrase", actor="test")
        bid = ledger.create_borrower(s, name="张三", phone="13800138000").id
    client = TestClient(_app(sqlite_url), base_url="https://testserver")
    csrf = client.post("/test/sign-in", json={"username": "sup", "password": "a long passphrase"}).json()[
        "csrf"
    ]
    url = f"/v1/borrowers/{bid}/export"
    forged = client.get(url, params={"reason": "a reason chosen by the link"})
    assert forged.status_code == 403 and "CSRF" in forged.json()["message"]
    assert "13800138000" not in forged.text
    with session_factory(engine)() as s:
        assert not [r for r in s.scalars(select(AuditRecord)) if r.action == "personal_data.revealed"]
    ok = client.get(url, params={"reason": "subject access request SAR-7"}, headers={"X-CSRF-Token": csrf})
    assert ok.status_code == 200, ok.text
    engine.dispose()
