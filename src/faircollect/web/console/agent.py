"""The agent's workspace: my queue, one borrower's case, the gate's verdict before every action, logging a call
and a promise, composing a message with the live linter, requesting a visit."""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import JSONResponse, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from faircollect.api.deps import SessionDep
from faircollect.collections import contacts as collections_contacts
from faircollect.collections import promises as collections_promises
from faircollect.collections import queues as collections_queues
from faircollect.collections import service as collections_service
from faircollect.collections import visits as collections_visits
from faircollect.collections.access import ensure_case_visible
from faircollect.collections.models import CollectionCase
from faircollect.compliance.contact import Channel
from faircollect.config import get_settings
from faircollect.console import workspace
from faircollect.console.live_lint import live_lint
from faircollect.identity.dependencies import require
from faircollect.identity.principal import Principal
from faircollect.identity.ratelimit import app_rate_limits
from faircollect.identity.reveal import authorise_reveal
from faircollect.kit.errors import ValidationError
from faircollect.kit.money import to_minor
from faircollect.kit.time import business_date as to_business_date
from faircollect.kit.time import zone
from faircollect.web.console.common import P, agent_of, back, flash_of, now, page
from faircollect.web.templating import formatter, request_locale, translator

router = APIRouter()
DB = SessionDep  # committed before the response is sent (a redirect never races its write)


def _work_date(request: Request) -> date:
    return to_business_date(now(request), get_settings().business_timezone)


@router.get("/queue", include_in_schema=False)
def my_queue(
    request: Request, principal: Principal = require(P.QUEUE_READ), session: Session = DB
) -> Response:
    """The signed-in agent's work list for today, in the order the queues ranked it (expected value)."""
    agent = agent_of(session, principal)
    rows: list[dict[str, Any]] = []
    if agent is not None:
        for qa, case in collections_queues.agent_queue(session, agent.id, _work_date(request)):
            rows.append({"qa": qa, "case": case})
    return page(
        request,
        principal,
        "console/queue.html",
        {"agent": agent, "rows": rows, "work_date": _work_date(request), **flash_of(request)},
    )


def _visible_case(session: Session, principal: Principal, case_id: str) -> CollectionCase:
    """The case, if this staff member may see it (an agency agent only its agency's cases); else NotFound."""
    case = collections_service.get_case(session, case_id)
    ensure_case_visible(session, principal, case)
    return case


def _case_context(request: Request, principal: Principal, session: Session, case_id: str) -> dict[str, Any]:
    case = _visible_case(session, principal, case_id)
    at = now(request)
    card = workspace.case_card(session, case_id=case.id, as_of=_work_date(request))
    view = collections_service.borrower_view(session, case.borrower_id, _work_date(request))
    view["address"] = workspace.postal_address(session, case.borrower_id)
    verdicts = {
        ch.value: workspace.verdict_json(workspace.preview(session, case_id=case.id, channel=ch, at=at))
        for ch in (Channel.CALL, Channel.SMS, Channel.VISIT)
    }
    borrower_zone = view.get("timezone") or get_settings().business_timezone
    local_now = at.astimezone(zone(borrower_zone))
    values = {
        "agent": principal.name,
        "lender": get_settings().lender_name,
        "amount": _money(request, card.collectable_minor, card.currency),
        "due_date": "",
        "days": str(card.days_past_due),
    }
    language = "zh" if request_locale(request).startswith("zh") else "en"
    return {
        "case": case,
        "card": card,
        "view": view,
        "verdicts": verdicts,
        "local_now": local_now,
        "borrower_zone": borrower_zone,
        "script": card.script.render(language, values) if card.script else [],
        "language": language,
        "today": _work_date(request),
        "revealed": False,
    }


def _money(request: Request, minor: int, currency: str) -> str:
    return formatter(request).money(minor, currency)


@router.get("/cases/{case_id}", include_in_schema=False)
def case_page(
    case_id: str, request: Request, principal: Principal = require(P.CASE_READ), session: Session = DB
) -> Response:
    """One borrower's case: loans, state, the lawfully collectable amount, contacts, promises, holds; the gate."""
    ctx = _case_context(request, principal, session, case_id)
    return page(request, principal, "console/case.html", {**ctx, **flash_of(request)})


@router.post("/cases/{case_id}/reveal", include_in_schema=False)
def reveal(
    case_id: str,
    request: Request,
    reason: str = Form(""),
    principal: Principal = require(P.BORROWER_REVEAL),
    session: Session = DB,
) -> Response:
    """Show the full name, phone and postal address once, for a stated reason (audited, rate-limited per user)."""
    ctx = _case_context(request, principal, session, case_id)
    authorise_reveal(
        session,
        principal,
        subject_type="borrower",
        subject_id=ctx["case"].borrower_id,
        reason=reason,
        limits=app_rate_limits(request),
        per_hour=get_settings().reveal_per_hour,
    )
    ctx["view"] = collections_service.borrower_view(
        session, ctx["case"].borrower_id, _work_date(request), unmasked=True
    )
    ctx["view"]["address"] = workspace.postal_address(session, ctx["case"].borrower_id, unmasked=True)
    ctx["revealed"] = True
    return page(request, principal, "console/case.html", ctx)


@router.post("/cases/{case_id}/call", include_in_schema=False)
def log_call(
    case_id: str,
    request: Request,
    outcome: str = Form(...),
    note: str = Form(""),
    principal: Principal = require(P.CASE_WORK),
    session: Session = DB,
) -> Response:
    """Log a call: the gate decides at this moment; a denied call records nothing but the audited denial."""
    case = _visible_case(session, principal, case_id)
    agent = agent_of(session, principal)
    result = collections_contacts.call(
        session,
        case_id=case.id,
        at=now(request),
        outcome=outcome,
        agent_id=agent.id if agent is not None and "agent" in principal.roles else None,
        note=note or None,
        actor=principal.actor,
        business_date=_work_date(request),
    )
    if not result.allowed:
        return back(f"/console/cases/{case.id}", "call_denied", "error")
    return back(f"/console/cases/{case.id}", "call_logged")


@router.post("/cases/{case_id}/promise", include_in_schema=False)
def log_promise(
    case_id: str,
    request: Request,
    amount: str = Form(...),
    promised_date: date = Form(...),
    channel: str = Form("call"),
    principal: Principal = require(P.CASE_WORK),
    session: Session = DB,
) -> Response:
    """Record a promise to pay (kept or broken is decided later from the ledger's payments)."""
    case = _visible_case(session, principal, case_id)
    collections_promises.make_promise(
        session,
        case_id=case.id,
        amount_minor=to_minor(amount, case.currency, field="amount"),
        promised_date=promised_date,
        channel=channel,
        made_on=_work_date(request),
        actor=principal.actor,
        agency_id=principal.agency_id,
    )
    return back(f"/console/cases/{case.id}", "promise_logged")


@router.post("/cases/{case_id}/message", include_in_schema=False)
def send_message(
    case_id: str,
    request: Request,
    body: str = Form(""),
    channel: str = Form("sms"),
    principal: Principal = require(P.CASE_WORK),
    session: Session = DB,
) -> Response:
    """Send what the agent composed: decided by the gate with its text; a blocked text is never sent."""
    case = _visible_case(session, principal, case_id)
    try:
        ch = Channel(channel)
    except ValueError as exc:
        raise ValidationError(f"unknown channel {channel!r}", field="channel") from exc
    sent = workspace.send_message(
        session, case_id=case.id, channel=ch, body=body, at=now(request), actor=principal.actor
    )
    if sent.outbox_id is None:
        ctx = _case_context(request, principal, session, case_id)
        ctx.update(draft=body, refused=workspace.verdict_json(sent.decision), flash_kind="error")
        ctx["flash"] = translator(request)("The message was refused by the gate and was not sent.")
        return page(request, principal, "console/case.html", ctx, status_code=422)
    return back(f"/console/cases/{case.id}", "message_queued")


class LintIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: str = Field(max_length=5000)
    jurisdiction: str = "CN"
    channel: Channel = Channel.SMS


@router.post("/lint", include_in_schema=False)
def lint_draft(body: LintIn, principal: Principal = require(P.LINT)) -> JSONResponse:
    """The composer's live linter (JSON): spans, zh + en explanations, the rule cited, whether it can be sent."""
    out = live_lint(body.text, jurisdiction=body.jurisdiction, channel=body.channel)
    return JSONResponse(out, headers={"Cache-Control": "no-store"})


@router.post("/cases/{case_id}/visit", include_in_schema=False)
def request_visit(
    case_id: str,
    request: Request,
    reason: str = Form(""),
    staff: str = Form(""),
    day: date = Form(...),
    start_hour: int = Form(10),
    hours: int = Form(2),
    principal: Principal = require(P.VISIT_REQUEST),
    session: Session = DB,
) -> Response:
    """Ask for a field visit; a supervisor (never the requester) approves it."""
    from datetime import datetime, time

    case = _visible_case(session, principal, case_id)
    view = collections_service.borrower_view(session, case.borrower_id, _work_date(request))
    tz = zone(view.get("timezone") or get_settings().business_timezone)
    start = datetime.combine(day, time(start_hour), tzinfo=tz)
    collections_visits.request_visit(
        session,
        case_id=case.id,
        requested_by=principal.actor,
        reason=reason,
        staff=[s.strip() for s in staff.replace("，", ",").split(",") if s.strip()],
        window_start=start,
        window_end=start + timedelta(hours=hours),
        agency_id=principal.agency_id,
    )
    return back(f"/console/cases/{case.id}", "visit_requested")
