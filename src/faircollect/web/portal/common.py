"""What every portal page shares: the signed-in borrower, CSRF for forms, today's date, the navigation.

Signed-in pages declare ``require(Permission.PORTAL)`` (identity sessions of "Trust, part 1": the cookie session,
and the CSRF token checked on every POST); the borrower is ``principal.borrower_id`` and every loan is read through
``portal.debt.own_loan`` so a borrower sees only their own. Public pages (sign-in, verify, help, rights,
calculator, budget) declare ``public``; their forms carry a double-submit token (cookie + hidden field) because
there is no session yet.
"""

from __future__ import annotations

import hmac
import os
import secrets
from collections.abc import Mapping
from datetime import date
from typing import Any, Final

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from faircollect.identity.dependencies import authenticate
from faircollect.identity.errors import Forbidden
from faircollect.identity.principal import Principal
from faircollect.kit.time import business_date, parse_date, utc_now
from faircollect.web.templating import render

PRE_COOKIE: Final = "faircollect_portal_pre"
PRE_FIELD: Final = "csrf_token"


def _(message: str) -> str:
    """Mark a string for the catalogs (extracted by ``_``); it is translated where it is shown."""
    return message


#: The signed-in navigation: (path, label msgid). Labels are translated in the template.
NAV: Final = (
    ("/portal/", _("My loans")),
    ("/portal/messages", _("Messages")),
    ("/portal/complaints", _("Complaints")),
    ("/portal/preferences", _("Contact preferences")),
    ("/portal/help", _("Help")),
    ("/portal/rights", _("Your rights")),
)


def today(request: Request) -> date:
    """The lender's business date (the portal prices plans and shows balances as of today)."""
    override = getattr(request.app.state, "portal_today", None)  # tests pin the demo's calendar
    if override is not None:
        return override
    pinned = os.environ.get("FAIRCOLLECT_PORTAL_AS_OF")  # demos: look at the demo's book on its own last day
    if pinned:
        return parse_date(pinned, field="FAIRCOLLECT_PORTAL_AS_OF")
    return business_date(utc_now(), request.app.state.settings.business_timezone)


def borrower_id(principal: Principal) -> str:
    if principal.kind != "borrower" or not principal.borrower_id:
        raise Forbidden("the portal is for borrowers; staff use the console")
    return principal.borrower_id


async def signed_in_borrower(request: Request) -> str | None:
    """The borrower behind the request's portal session, or None (for public pages that adapt when signed in)."""
    found = await authenticate(request)
    if found is None or found.principal.kind != "borrower" or found.web_session is None:
        return None
    request.state.csrf_token = found.web_session.csrf_token
    return found.principal.borrower_id


def pre_token(request: Request) -> str:
    """The anonymous form token: reuse the cookie's value or make one (set by ``page``)."""
    token = request.cookies.get(PRE_COOKIE) or getattr(request.state, "new_pre_token", None)
    if not token:
        token = secrets.token_urlsafe(24)
        request.state.new_pre_token = token
    return token


def check_pre_token(request: Request, presented: str | None) -> None:
    """Refuse an anonymous form post whose token does not match its cookie (login CSRF)."""
    cookie = request.cookies.get(PRE_COOKIE)
    if not cookie or not presented or not hmac.compare_digest(cookie.encode(), presented.encode()):
        raise Forbidden("this form has expired — reload the page and try again", field=PRE_FIELD)


def page(
    request: Request,
    template: str,
    context: Mapping[str, Any] | None = None,
    *,
    status_code: int = 200,
    signed_in: bool = True,
    section: str | None = None,
) -> HTMLResponse:
    """Render a portal page with the navigation; anonymous pages get their form token (and its cookie)."""
    ctx: dict[str, Any] = {"nav": NAV if signed_in else (), "section": section, "signed_in": signed_in}
    found = getattr(request.state, "authenticated", None)  # set by the identity dependency when it ran
    if signed_in and found is not None and found.web_session is not None:
        ctx["csrf_token"] = (
            found.web_session.csrf_token
        )  # the session's token: every form of the page carries it
    elif not signed_in:
        ctx["csrf_token"] = pre_token(request)
    ctx.update(context or {})
    response = render(request, template, ctx, status_code=status_code)
    new = getattr(request.state, "new_pre_token", None)
    if new:
        response.set_cookie(PRE_COOKIE, new, httponly=True, samesite="strict", secure=True, path="/portal")
    return response


def see_other(url: str) -> RedirectResponse:
    return RedirectResponse(url, status_code=303)


def is_portal(request: Request) -> bool:
    return request.url.path == "/portal" or request.url.path.startswith("/portal/")


def sign_in_redirect(request: Request) -> Response:
    from urllib.parse import quote

    return see_other("/portal/sign-in?next=" + quote(request.url.path, safe="/"))
