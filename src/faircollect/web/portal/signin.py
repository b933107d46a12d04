"""Sign-in with a loan reference or phone number plus a one-time code; sign-out.

The answer never says whether the identifier is known (no enumeration): an unknown one gets the same "code sent"
page and can never succeed. Limits: per client address (shared store of "Trust, part 1") and per borrower (stored
codes, ``portal.otp``). The code page is bound to the code by a cookie holding the code's id (not the code).
"""

from __future__ import annotations

import secrets
from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy.orm import Session

from faircollect.api.deps import SessionDep
from faircollect.identity import sessions
from faircollect.identity.dependencies import public, require
from faircollect.identity.permissions import Permission
from faircollect.identity.principal import Principal
from faircollect.identity.ratelimit import app_rate_limits, request_client
from faircollect.messaging.providers import Provider, make_routed_provider
from faircollect.messaging.settings import get_messaging_settings
from faircollect.portal import otp
from faircollect.portal.models import PortalOtp
from faircollect.web.app import safe_next
from faircollect.web.portal.common import check_pre_token, page, see_other, signed_in_borrower
from faircollect.web.templating import translator

router = APIRouter()
OTP_COOKIE = "faircollect_portal_otp"
SESSION_LIFETIME = timedelta(hours=2)


def provider_for(request: Request) -> Provider:
    """The messaging provider codes go through (``FAIRCOLLECT_MESSAGING_*``; tests and the demo set a file sink)."""
    found = getattr(request.app.state, "portal_provider", None)
    if found is None:
        settings = get_messaging_settings()
        found = make_routed_provider(settings.provider)
        request.app.state.portal_provider = found
    return found


@router.get("/sign-in", dependencies=[public], include_in_schema=False)
async def sign_in_form(request: Request, next: str = "/portal/") -> Response:
    if await signed_in_borrower(request):
        return see_other(safe_next(next))
    return page(request, "portal/sign_in.html", {"next": safe_next(next)}, signed_in=False)


@router.post("/sign-in", dependencies=[public], include_in_schema=False)
def sign_in_send(
    request: Request,
    identifier: Annotated[str, Form(max_length=80)] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/portal/",
    db: Session = SessionDep,
) -> Response:
    """Send a code to the phone on file of the loan or phone given; the same answer whether it exists or not."""
    _ = translator(request)
    check_pre_token(request, csrf_token)
    app_rate_limits(request).enforce(
        "10/15minute", "portal-sign-in", request_client(request), what="sign-in codes"
    )
    if not identifier.strip():
        return page(
            request,
            "portal/sign_in.html",
            {"next": safe_next(next), "error": _("Enter your loan reference or your phone number.")},
            status_code=422,
            signed_in=False,
        )
    borrower = otp.find_borrower(db, identifier)
    otp_id = "otp_" + secrets.token_hex(16)  # an unknown identifier gets a code id that matches nothing
    if borrower is not None and borrower.phone:
        issued = otp.issue(
            db,
            borrower_id=borrower.id,
            purpose="sign_in",
            provider=provider_for(request),
            lender=request.app.state.settings.lender_name,
        )
        otp_id = issued.otp_id
    response = see_other("/portal/sign-in/code?next=" + safe_next(next))
    response.set_cookie(OTP_COOKIE, otp_id, max_age=900, httponly=True, samesite="strict", secure=True)
    return response


@router.get("/sign-in/code", dependencies=[public], include_in_schema=False)
def sign_in_code_form(request: Request, next: str = "/portal/") -> Response:
    return page(request, "portal/sign_in_code.html", {"next": safe_next(next)}, signed_in=False)


@router.post("/sign-in/code", dependencies=[public], include_in_schema=False)
def sign_in_check(
    request: Request,
    code: Annotated[str, Form(max_length=20)] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "/portal/",
    db: Session = SessionDep,
) -> Response:
    """Check the code; on success start the borrower's session (HttpOnly, Secure, SameSite) and go on."""
    _ = translator(request)
    check_pre_token(request, csrf_token)
    app_rate_limits(request).enforce(
        "20/15minute", "portal-code", request_client(request), what="code attempts"
    )
    row = db.get(PortalOtp, request.cookies.get(OTP_COOKIE, ""))
    ok = row is not None and otp.verify(db, borrower_id=row.borrower_id, purpose="sign_in", code=code)
    if not ok or row is None:
        return page(
            request,
            "portal/sign_in_code.html",
            {"next": safe_next(next), "error": _("That code is wrong or has expired. Ask for a new one.")},
            status_code=422,
            signed_in=False,
        )
    response = see_other(safe_next(next))
    sessions.start_session(
        db,
        response,
        sessions.borrower_principal(row.borrower_id),
        auth_method="otp",
        lifetime=SESSION_LIFETIME,
        secure=True,  # browsers keep Secure cookies on https and on http://localhost / 127.0.0.1 (development)
    )
    response.delete_cookie(OTP_COOKIE)
    return response


@router.post("/sign-out", include_in_schema=False)
def sign_out(
    request: Request, principal: Principal = require(Permission.PORTAL), db: Session = SessionDep
) -> Response:
    response = see_other("/portal/sign-in")
    sessions.end_session(db, request, response, "borrower")
    return response
