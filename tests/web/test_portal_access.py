"""Who may see what in the portal (no browser needed): a borrower sees only their own loans and requests on every
portal route; forms need the session's CSRF token; codes are single-use, expire, and are limited; the sign-in
answer is the same for an unknown identifier; every route of /portal is covered (read from the route table)."""

from __future__ import annotations

import re
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from portal_helpers import last_code, late_loans, session_for
from sqlalchemy import select

from faircollect.api.app import create_app
from faircollect.identity.dependencies import route_permissions
from faircollect.kit.time import utc_now
from faircollect.messaging.providers import FileSink
from faircollect.portal import otp
from faircollect.portal.models import PortalOtp
from faircollect.relief import service as relief

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


@pytest.fixture(scope="module")
def app(web_demo: Any) -> Any:
    app = create_app(database_url=web_demo.url)
    app.state.portal_provider = FileSink(web_demo.sink)
    app.state.portal_today = web_demo.today
    return app


def current(demo: Any) -> list[Any]:
    """Loans not late (the browser tests use late ones: no two tests share a borrower)."""
    found = late_loans(demo.url, demo.loan_ids, demo.today, min_dpd=-1, max_dpd=0)
    assert len(found) >= 5
    return found


def _client(app: Any) -> TestClient:
    return TestClient(app, base_url="https://testserver", raise_server_exceptions=True)


def sign_in(client: TestClient, sink: Any, identifier: str, phone: str) -> str:
    """Sign in through the forms; returns the session's CSRF token."""
    form = client.get("/portal/sign-in")
    token = TOKEN.search(form.text).group(1)  # type: ignore[union-attr]
    client.post("/portal/sign-in", data={"identifier": identifier, "csrf_token": token})
    r = client.post("/portal/sign-in/code", data={"code": last_code(sink, phone), "csrf_token": token})
    assert r.status_code == 200 and r.url.path == "/portal/", r.text[:300]
    return TOKEN.search(client.get("/portal/").text).group(1)  # type: ignore[union-attr]


def test_every_portal_route_shows_a_borrower_only_their_own(app: Any, web_demo: Any) -> None:
    (loan_a, a), (loan_b, b) = current(web_demo)[0:2]
    engine, session = session_for(web_demo.url)
    try:
        app_b = relief.apply(
            session, borrower_id=b.id, loan=loan_b, reason="other", distress=False, income_minor=900000,
            expenditure_minor=100000, kind="instalment_plan", on=web_demo.today, actor="test",
        )  # fmt: skip
        session.commit()
        app_b_id = app_b.id
    finally:
        session.close()
        engine.dispose()
    client = _client(app)
    csrf = sign_in(client, web_demo.sink, loan_a.external_ref or loan_a.id, a.phone)
    mine = client.get("/portal/").text
    assert (loan_a.external_ref or loan_a.id) in mine and (loan_b.external_ref or loan_b.id) not in mine
    portal_routes = [
        (m, r.path)
        for r in route_permissions(app)
        if r.path.startswith("/portal/")
        for m in r.methods - {"HEAD"}
    ]
    assert len(portal_routes) >= 20
    checked = 0
    for method, path in portal_routes:
        if "{loan_id}" in path or "{app_id}" in path:
            url = path.replace("{loan_id}", loan_b.id).replace("{app_id}", app_b_id)
            r = client.request(method, url, data={"csrf_token": csrf})
            assert r.status_code == 404, (method, url, r.status_code)
            assert b.name not in r.text and (loan_b.external_ref or loan_b.id) not in r.text
            checked += 1
    assert checked >= 9
    for path in ("/portal/messages", "/portal/complaints", "/portal/preferences"):
        assert b.name not in client.get(path).text


def test_forms_need_the_session_csrf_token_and_anonymous_users_are_sent_to_sign_in(
    app: Any, web_demo: Any
) -> None:
    (loan, borrower) = current(web_demo)[2]
    client = _client(app)
    anonymous = client.get(f"/portal/loans/{loan.id}", follow_redirects=False)
    assert anonymous.status_code == 401 and 'http-equiv="refresh"' in anonymous.text
    csrf = sign_in(client, web_demo.sink, borrower.phone, borrower.phone)  # the phone number works too
    assert client.post("/portal/preferences", data={"language": "en"}).status_code == 403
    assert (
        client.post("/portal/preferences", data={"language": "en", "csrf_token": "forged"}).status_code == 403
    )
    ok = client.post(
        "/portal/preferences", data={"language": "en", "csrf_token": csrf}, follow_redirects=False
    )
    assert ok.status_code == 303
    cookie = next(c for c in client.cookies.jar if c.name == "faircollect_portal")
    assert cookie.secure and cookie.has_nonstandard_attr("HttpOnly")


def test_sign_in_does_not_reveal_whether_an_identifier_exists(app: Any, web_demo: Any) -> None:
    client = _client(app)
    token = TOKEN.search(client.get("/portal/sign-in").text).group(1)  # type: ignore[union-attr]
    unknown = client.post("/portal/sign-in", data={"identifier": "NO-SUCH-LOAN-1", "csrf_token": token})
    (loan, borrower) = current(web_demo)[3]
    known = client.post(
        "/portal/sign-in", data={"identifier": loan.external_ref or loan.id, "csrf_token": token}
    )
    assert unknown.status_code == known.status_code == 200 and unknown.url.path == known.url.path
    assert unknown.text == known.text
    code = last_code(web_demo.sink, borrower.phone)
    first = client.post("/portal/sign-in/code", data={"code": code, "csrf_token": token})
    assert first.url.path == "/portal/"


def test_codes_expire_lock_after_wrong_tries_and_are_rate_limited(web_demo: Any) -> None:
    (_loan, borrower) = current(web_demo)[4]
    engine, session = session_for(web_demo.url)
    sink = FileSink(web_demo.sink)
    try:
        now = utc_now() + timedelta(days=30)  # a fresh window for this borrower
        otp.issue(session, borrower_id=borrower.id, purpose="sign_in", provider=sink, lender="L", now=now)
        code = last_code(web_demo.sink, borrower.phone)
        assert not otp.verify(
            session, borrower_id=borrower.id, purpose="sign_in", code=code, now=now + otp.TTL
        )
        otp.issue(session, borrower_id=borrower.id, purpose="sign_in", provider=sink, lender="L", now=now)
        code = last_code(web_demo.sink, borrower.phone)
        wrong = "000000" if code != "000000" else "111111"
        for _ in range(otp.MAX_FAILED):
            assert not otp.verify(session, borrower_id=borrower.id, purpose="sign_in", code=wrong, now=now)
        assert not otp.verify(
            session, borrower_id=borrower.id, purpose="sign_in", code=code, now=now
        )  # locked
        otp.issue(session, borrower_id=borrower.id, purpose="sign_in", provider=sink, lender="L", now=now)
        with pytest.raises(otp.TooManyCodes):
            otp.issue(session, borrower_id=borrower.id, purpose="sign_in", provider=sink, lender="L", now=now)
        code = last_code(web_demo.sink, borrower.phone)
        assert otp.verify(session, borrower_id=borrower.id, purpose="sign_in", code=code, now=now)
        assert not otp.verify(
            session, borrower_id=borrower.id, purpose="sign_in", code=code, now=now
        )  # single use
        stored = session.scalars(
            select(PortalOtp.code_hash).where(PortalOtp.borrower_id == borrower.id)
        ).all()
        assert code not in " ".join(stored)
        session.rollback()
    finally:
        session.close()
        engine.dispose()
