"""Staff single sign-on routes (mounted under /v1): ``GET /v1/auth/oidc/start`` → the identity provider →
``GET /v1/auth/oidc/callback`` → a console session. 404 when single sign-on is not configured."""

from __future__ import annotations

from datetime import timedelta

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse
from sqlalchemy.orm import Session

from faircollect.api.deps import SessionDep, public
from faircollect.identity import oidc, sessions
from faircollect.identity.ratelimit import app_rate_limits, request_client

router = APIRouter(prefix="/auth", tags=["identity"])


def _safe_next(target: str | None) -> str:
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return "/console/"
    return target


def _callback_url(request: Request) -> str:
    return str(request.url_for("oidc_callback"))


@router.get("/oidc/start", dependencies=[public], include_in_schema=False)
def oidc_start(request: Request, next: str | None = None) -> Response:
    """Send the browser to the identity provider (state and nonce kept in a 10-minute HttpOnly cookie)."""
    settings = request.app.state.settings
    app_rate_limits(request).enforce("20/minute", "oidc", request_client(request), what="sign-in attempts")
    provider = oidc.discover(settings)
    url, kept = oidc.authorization_url(provider, _callback_url(request))
    response = RedirectResponse(url, status_code=303)
    response.set_cookie(
        oidc.STATE_COOKIE,
        f"{kept}.{_safe_next(next)}",
        max_age=600,
        httponly=True,
        secure=settings.session_cookie_secure,
        samesite="lax",
        path="/v1/auth/oidc",
    )
    return response


@router.get("/oidc/callback", name="oidc_callback", dependencies=[public], include_in_schema=False)
def oidc_callback(request: Request, code: str, state: str, session: Session = SessionDep) -> Response:
    """Finish single sign-on: validate the ID token, start a console session, go back to the page asked for."""
    settings = request.app.state.settings
    provider = oidc.discover(settings)
    kept_state, _, rest = (request.cookies.get(oidc.STATE_COOKIE) or "").partition(".")
    nonce, _, target = rest.partition(".")
    principal = oidc.complete(
        session,
        provider,
        code=code,
        state=state,
        kept=f"{kept_state}.{nonce}",
        redirect_uri=_callback_url(request),
    )
    response = RedirectResponse(_safe_next(target), status_code=303)
    response.delete_cookie(oidc.STATE_COOKIE, path="/v1/auth/oidc")
    sessions.start_session(
        session,
        response,
        principal,
        auth_method="oidc",
        lifetime=timedelta(hours=settings.staff_session_hours),
        secure=settings.session_cookie_secure,
    )
    return response
