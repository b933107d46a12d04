"""What every console page needs: the signed-in staff member, the page context, the clock, the database session.

Pages declare their permission with ``require`` (identity), exactly like the API routes, so the route × role test
covers them. ``page`` adds the principal, the navigation allowed to them and the session's CSRF token.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse, RedirectResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from faircollect.collections.models import Agent
from faircollect.identity.permissions import Permission
from faircollect.identity.principal import Principal
from faircollect.kit.time import parse_date, utc_now, zone
from faircollect.web.templating import render, translator

P = Permission


def now(request: Request) -> datetime:
    """The time of an action: the real clock, or the clock a test or a training room set on the app.

    A demo pins the web faces' business date with ``FAIRCOLLECT_PORTAL_AS_OF`` (the day after the demo's last
    collections day; never set in production): the console then works that day at the real time of day in the
    lender's zone, so that its queue, cases and dashboard show the demo's book as the portal does, not as of the wall
    clock months later (every loan M4+, no queue)."""
    clock: Callable[[], datetime] | None = getattr(request.app.state, "console_clock", None)
    if clock is not None:
        return clock()
    real = utc_now()
    pinned = os.environ.get("FAIRCOLLECT_PORTAL_AS_OF")
    if not pinned:
        return real
    local = real.astimezone(zone(request.app.state.settings.business_timezone))
    day = parse_date(pinned, field="FAIRCOLLECT_PORTAL_AS_OF")
    return datetime.combine(day, local.timetz()).astimezone(UTC)


def nav_items(principal: Principal, _: Callable[..., str]) -> list[tuple[str, str]]:
    """The console's sections this principal may open, as (href, label)."""
    items = [
        (P.QUEUE_READ, "/console/queue", _("My queue")),
        (P.AGENT_MANAGE, "/console/team", _("Team")),
        (P.VISIT_APPROVE, "/console/visits", _("Visits")),
        (P.RELIEF_REVIEW, "/console/relief", _("Relief")),
        (P.COMPLAINT_READ, "/console/complaints", _("Complaints")),
        (P.AGENT_MANAGE, "/console/qa", _("Quality")),
        (P.CASE_WORK, "/console/practice", _("Practice")),
        (P.RULES_READ, "/console/rules", _("Rulebook")),
        (P.OVERRIDE_REQUEST, "/console/overrides", _("Overrides")),
        (P.AUDIT_READ, "/console/audit", _("Audit")),
        (P.STRATEGY_READ, "/console/strategy", _("Strategy")),
        (P.PORTFOLIO_READ, "/console/dashboard", _("Portfolio")),
    ]
    return [(href, label) for perm, href, label in items if principal.can(perm)]


def page(
    request: Request,
    principal: Principal,
    template: str,
    context: dict[str, Any] | None = None,
    *,
    status_code: int = 200,
) -> HTMLResponse:
    """Render a console page for a signed-in staff member."""
    auth = getattr(request.state, "authenticated", None)
    web_session = getattr(auth, "web_session", None)
    if web_session is not None:
        request.state.csrf_token = web_session.csrf_token
    _ = translator(request)
    ctx = {
        "me": principal,
        "can": principal.can,
        "P": P,
        "nav": nav_items(principal, _),
        "section": request.url.path,
    }
    ctx.update(context or {})
    return render(request, template, ctx, status_code=status_code)


def back(path: str, key: str = "", kind: str = "ok") -> RedirectResponse:
    """Post/redirect/get: back to a page, naming a message (by key, from ``messages``) to show once."""
    from urllib.parse import urlencode

    sep = "&" if "?" in path else "?"
    target = path + (sep + urlencode({"msg": key, "kind": kind}) if key else "")
    return RedirectResponse(target, status_code=303)


def flash_of(request: Request) -> dict[str, str]:
    """The message a redirect named (only known keys are shown: a link cannot put words on the page)."""
    key = request.query_params.get("msg", "")
    kind = request.query_params.get("kind", "ok")
    text = messages(request).get(key)
    return {"flash": text, "flash_kind": kind if kind in ("ok", "warn", "error") else "ok"} if text else {}


def messages(request: Request) -> dict[str, str]:
    _ = translator(request)
    return {
        "signed_in": _("Signed in."),
        "call_logged": _("Call outcome logged."),
        "call_denied": _("The gate refused the call; nothing was recorded."),
        "promise_logged": _("Promise to pay logged."),
        "message_queued": _("Message queued; the gate checks it again when it is sent."),
        "message_refused": _("The message was refused by the gate and was not sent."),
        "visit_requested": _("Visit requested; a supervisor must approve it."),
        "visit_approved": _("Visit approved."),
        "visit_refused": _("Visit refused."),
        "complaint_answered": _("Complaint answered."),
        "complaint_extended": _("Deadline extended; the complainant is told the reason."),
        "relief_decided": _("Decision recorded; the borrower is told."),
        "review_saved": _("Review saved."),
        "override_pending": _("A loosening waits for a second compliance officer's approval."),
        "override_stored": _("Override stored: it tightens the rule and applies now."),
        "override_approved": _("Override approved and applied."),
        "override_refused": _("Override refused."),
        "strategy_saved": _("Draft saved."),
        "strategy_published": _("Strategy published."),
    }


def agent_of(session: Session, principal: Principal) -> Agent | None:
    """The collections agent record of a staff member (``agent.user`` is their username)."""
    return session.execute(select(Agent).where(Agent.user == principal.name)).scalar_one_or_none()
