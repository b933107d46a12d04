"""The staff console under ``/console``: sign-in, then each role's pages (see the modules included below).

Every page declares the permission it needs with ``identity.require`` (the route × role test reads them); the sign-in
page is the only public one. Pages call the same services as the API — the web adds faces, not paths.
"""

from __future__ import annotations

import hashlib
from datetime import timedelta

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from sqlalchemy.orm import Session

from faircollect.api.deps import SessionDep
from faircollect.config import get_settings
from faircollect.identity import service as identity_service
from faircollect.identity import sessions
from faircollect.identity.dependencies import optional_principal, public, require
from faircollect.identity.errors import NotAuthenticated
from faircollect.identity.principal import Principal
from faircollect.identity.ratelimit import app_rate_limits, request_client
from faircollect.web.app import safe_next
from faircollect.web.console import agent, compliance, insight, supervisor
from faircollect.web.console.common import P, page
from faircollect.web.templating import render, translator

router = APIRouter(prefix="/console")
DB = SessionDep  # committed before the response is sent (a redirect never races its write)


#: Failed password sign-ins per account name (any client, moving window), counted for unknown names too. Guessing one
#: account's password from many addresses is held to this; the per-client limit above does not see it.
ACCOUNT_FAILURES = "10/hour"


def _account_key(username: str) -> str:
    """What a failed sign-in is counted against: the name as typed, trimmed and case-folded (so case variants
    share one count), hashed so the store holds no user names."""
    return hashlib.sha256(username.strip().casefold().encode()).hexdigest()[:32]


@router.get("/sign-in", include_in_schema=False, dependencies=[public])
def sign_in_page(
    request: Request, next: str = "", who: Principal | None = Depends(optional_principal)
) -> Response:
    if who is not None and who.kind == "staff":
        return RedirectResponse(safe_next(next, "/console/"), status_code=303)
    return render(
        request, "console/sign_in.html", {"next": safe_next(next, "/console/"), "username": "", "me": None}
    )


@router.post("/sign-in", include_in_schema=False, dependencies=[public])
def sign_in(
    request: Request,
    username: str = Form(""),
    password: str = Form(""),
    next: str = Form(""),
    session: Session = DB,
) -> Response:
    """Password sign-in (argon2); the same answer for an unknown user and a wrong password; rate-limited per client
    and, for failures, per account name (``ACCOUNT_FAILURES``) whether or not such an account exists."""
    _ = translator(request)
    limits = app_rate_limits(request)
    limits.enforce("10/minute", "console-sign-in", request_client(request), what="sign-in attempts")
    account = _account_key(username)

    def refused(error: str, status_code: int) -> Response:
        return render(
            request,
            "console/sign_in.html",
            {"error": error, "next": safe_next(next, "/console/"), "username": username, "me": None},
            status_code=status_code,
        )

    held = limits.peek(ACCOUNT_FAILURES, "console-sign-in-failed", account)
    if not held.allowed:
        # Said for any name, known or not, before the password is even checked: it tells nothing of the account.
        answer = refused(_("Too many failed sign-ins for this name: try again later."), 429)
        answer.headers["Retry-After"] = str(held.retry_after)
        return answer
    try:
        principal = identity_service.authenticate_password(session, username=username, password=password)
    except NotAuthenticated:
        limits.hit(ACCOUNT_FAILURES, "console-sign-in-failed", account)
        return refused(_("Unknown user or wrong password."), 401)
    response = RedirectResponse(safe_next(next, "/console/"), status_code=303)
    sessions.start_session(
        session,
        response,
        principal,
        auth_method="password",
        lifetime=timedelta(hours=get_settings().staff_session_hours),
        secure=get_settings().session_cookie_secure,
    )
    return response


@router.post("/sign-out", include_in_schema=False)
def sign_out(
    request: Request, _principal: Principal = require(P.CASE_READ), session: Session = DB
) -> Response:
    response = RedirectResponse("/console/sign-in", status_code=303)
    sessions.end_session(session, request, response, "staff")
    return response


@router.get("/", include_in_schema=False)
def home(request: Request, principal: Principal = require(P.RULES_READ)) -> Response:
    return page(request, principal, "console/home.html")


router.include_router(agent.router)
router.include_router(supervisor.router)
router.include_router(compliance.router)
router.include_router(insight.router)
