"""Collections HTTP routes (mounted under /v1/collections). Every route declares its permission.

Amounts are decimal strings in major units; times are ISO-8601 with a zone. The actor of every decision (a visit's
requester and approver, a call, a promise, a complaint) is the signed-in identity, never a field of the body.
Agents see the cases on their queue, agency agents the cases placed with their agency (``collections.access``).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Query, Request
from pydantic import AwareDatetime, BaseModel, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from faircollect.api.deps import Permission, Principal, SessionDep, require
from faircollect.collections import access, agencies, contacts, promises, queues, visits
from faircollect.collections import service as cases
from faircollect.collections.models import CaseEvent, CollectionCase, PromiseToPay
from faircollect.collections.strategy import STRATEGIES_DIR, default_strategy_path, load_strategy
from faircollect.kit.errors import NotFound, ValidationError
from faircollect.kit.money import format_minor, to_minor

router = APIRouter(prefix="/collections", tags=["collections"])


def _business_today(request: Request) -> date:
    """Today's business date in the lender's zone (the app's ``business_timezone``): what "today" means on every
    path — not the server's local date."""
    from faircollect.kit.time import business_date, utc_now

    return business_date(utc_now(), request.app.state.settings.business_timezone)


def _case_out(c: CollectionCase) -> dict[str, Any]:
    return {
        "id": c.id,
        "borrower_id": c.borrower_id,
        "loan_id": c.loan_id,
        "status": c.status,
        "stage": c.stage,
        "open_bucket": c.open_bucket,
        "days_past_due": c.days_past_due,
        "overdue": format_minor(c.overdue_minor, c.currency),
        "balance": format_minor(c.balance_minor, c.currency),
        "currency": c.currency,
        "opened_on": c.opened_on.isoformat(),
        "closed_on": c.closed_on.isoformat() if c.closed_on else None,
        "close_reason": c.close_reason,
        "on_hold": c.on_hold,
        "agency_id": c.agency_id,
        "strategy": c.strategy_key,
    }


# --- cases and strategies -------------------------------------------------------------------------------------


@router.get("/cases")
def list_cases(
    status: str = Query("open", description="open, closed or all"),
    borrower_id: str | None = None,
    agency_id: str | None = None,
    session: Session = SessionDep,
    principal: Principal = require(Permission.CASE_READ),
) -> list[dict[str, Any]]:
    """Cases (no personal data)."""
    rows = cases.list_cases(
        session,
        status=None if status == "all" else status,
        borrower_id=borrower_id,
        agency_id=agency_id,
        principal=principal,
    )
    return [_case_out(c) for c in rows]


@router.get("/cases/{case_id}")
def get_case(
    case_id: str, session: Session = SessionDep, principal: Principal = require(Permission.CASE_READ)
) -> dict[str, Any]:
    """One case with its events in order."""
    c = access.ensure_case_visible(session, principal, cases.get_case(session, case_id))
    events = session.execute(
        select(CaseEvent).where(CaseEvent.case_id == c.id).order_by(CaseEvent.at)
    ).scalars()
    return {
        **_case_out(c),
        "events": [
            {
                "at": e.at.isoformat(),
                "type": e.type,
                "actor": e.actor,
                "payload": cases.case_event_payload(session, c, e),
            }
            for e in events
        ],
    }


@router.get("/cases/{case_id}/contacts")
def case_contacts(
    case_id: str, session: Session = SessionDep, principal: Principal = require(Permission.CASE_READ)
) -> dict[str, Any]:
    """What the planner did for this case (with arm, probability and the gate's rules) and every contact attempt
    on its loan (lender and agencies alike); addresses are not shown."""
    from faircollect.collections.models import PlannedContact
    from faircollect.compliance.models import ContactAttempt

    c = access.ensure_case_visible(session, principal, cases.get_case(session, case_id))
    planned = session.execute(
        select(PlannedContact).where(PlannedContact.case_id == c.id).order_by(PlannedContact.plan_date)
    ).scalars()
    attempts = session.execute(
        select(ContactAttempt).where(ContactAttempt.loan_id == c.loan_id).order_by(ContactAttempt.at)
    ).scalars()
    return {
        "case_id": c.id,
        "planned": [
            {
                "date": p.plan_date.isoformat(),
                "channel": p.channel,
                "template": p.template,
                "status": p.status,
                "arm": p.arm,
                "probability": p.probability,
                "experiment": p.experiment,
                "strategy": p.strategy_key,
                "rules": p.rule_ids.get("rules", []),
                "outbox_id": p.outbox_id,
            }
            for p in planned
        ],
        "attempts": [
            {
                "at": a.at.isoformat(),
                "channel": a.channel,
                "outcome": a.outcome,
                "recipient_role": a.recipient_role,
                "agency_id": a.agency_id,
                "actor": a.actor,
            }
            for a in attempts
        ],
    }


@router.get("/borrowers/{borrower_id}")
def borrower_view(
    request: Request,
    borrower_id: str,
    as_of: date | None = None,
    session: Session = SessionDep,
    principal: Principal = require(Permission.BORROWER_READ),
) -> dict[str, Any]:
    """One view of a borrower over all their loans (masked); a scoped caller (an agent, an agency agent) sees
    only the loans of its own cases."""
    access.ensure_borrower_visible(session, principal, borrower_id)
    return cases.borrower_view(
        session,
        borrower_id,
        as_of or _business_today(request),
        loan_ids=access.visible_loan_ids(session, principal, borrower_id),
    )


def _strategy_file(name: str | None) -> Path:
    if not name:
        return default_strategy_path()
    path = STRATEGIES_DIR / f"{Path(name).name.removesuffix('.yaml')}.yaml"
    if not path.exists():
        raise NotFound(f"no strategy {name!r} in {STRATEGIES_DIR}", field="strategy")
    return path


@router.get("/strategies")
def list_strategies(principal: Principal = require(Permission.STRATEGY_READ)) -> list[dict[str, Any]]:
    """The strategies shipped in ``faircollect/collections/strategies/`` with their version and arms."""
    out = []
    for path in sorted(STRATEGIES_DIR.glob("*.yaml")):
        s = load_strategy(path)
        out.append(
            {
                "name": path.stem,
                "id": s.id,
                "version": s.version,
                "jurisdiction": s.jurisdiction,
                "experiment": s.experiment_id,
                "arms": {a: str(p) for a, p in s.arms()},
            }
        )
    return out


class PlanIn(BaseModel):
    as_of: date
    strategy: str | None = Field(
        default=None, description="Name of a built-in strategy (default: cn-default)"
    )


@router.post("/plan")
def plan_day(
    body: PlanIn, session: Session = SessionDep, principal: Principal = require(Permission.COLLECTIONS_RUN)
) -> dict[str, Any]:
    """Plan a day: every treatment due is gated; allowed messages go to the outbox in this transaction."""
    from faircollect.collections.planner import plan

    return plan(
        session,
        as_of=body.as_of,
        strategy=load_strategy(_strategy_file(body.strategy)),
        actor=principal.actor,
    ).as_dict()


@router.get("/report")
def report(
    request: Request,
    as_of: date | None = None,
    experiment: str | None = None,
    currency: str = "CNY",
    session: Session = SessionDep,
    principal: Principal = require(Permission.PORTFOLIO_READ),
) -> dict[str, Any]:
    """Per arm and bucket: cure rate, recovered, contacts, cost, complaints with 95 % intervals."""
    from faircollect.collections.report import collections_report

    return collections_report(
        session, as_of=as_of or _business_today(request), experiment=experiment, currency=currency
    )


# --- contacts ------------------------------------------------------------------------------------------------


class CallIn(BaseModel):
    at: AwareDatetime
    outcome: str = Field(description="connected, no_answer, busy, wrong_party or refused")
    agent_id: str | None = None
    note: str | None = None


@router.post("/cases/{case_id}/calls")
def record_call(
    case_id: str,
    body: CallIn,
    session: Session = SessionDep,
    principal: Principal = require(Permission.CASE_WORK),
) -> dict[str, Any]:
    """Ask the gate for a call and record its outcome (nothing is recorded but the denial if the gate refuses)."""
    access.ensure_case_visible(session, principal, cases.get_case(session, case_id))
    res = contacts.call(
        session,
        case_id=case_id,
        at=body.at,
        outcome=body.outcome,
        agent_id=body.agent_id,
        note=body.note,
        actor=principal.actor,
    )
    return {
        "allowed": res.allowed,
        "attempt_id": res.attempt_id,
        "outcome": res.outcome,
        "reasons": list(res.reasons),
        "next_allowed_at": res.decision.next_allowed_at.isoformat() if res.decision.next_allowed_at else None,
    }


class PromiseIn(BaseModel):
    amount: str = Field(description="Major units, decimal string")
    promised_date: date
    channel: str = "call"
    made_on: date


def _promise_out(p: PromiseToPay) -> dict[str, Any]:
    return {
        "id": p.id,
        "case_id": p.case_id,
        "amount": format_minor(p.amount_minor, p.currency),
        "currency": p.currency,
        "made_on": p.made_on.isoformat(),
        "promised_date": p.promised_date.isoformat(),
        "channel": p.channel,
        "status": p.status,
        "paid": format_minor(p.paid_minor, p.currency),
    }


@router.post("/cases/{case_id}/promises", status_code=201)
def make_promise(
    case_id: str,
    body: PromiseIn,
    session: Session = SessionDep,
    principal: Principal = require(Permission.CASE_WORK),
) -> dict[str, Any]:
    """Record a promise to pay; kept or broken is decided later from the ledger."""
    c = access.ensure_case_visible(session, principal, cases.get_case(session, case_id))
    p = promises.make_promise(
        session,
        case_id=case_id,
        amount_minor=to_minor(body.amount, c.currency),
        promised_date=body.promised_date,
        channel=body.channel,
        made_on=body.made_on,
        actor=principal.actor,
    )
    return _promise_out(p)


@router.get("/promises")
def list_promises(
    case_id: str | None = None,
    status: str | None = None,
    session: Session = SessionDep,
    principal: Principal = require(Permission.CASE_READ),
) -> list[dict[str, Any]]:
    stmt = select(PromiseToPay)
    if not access.is_whole_book(principal):
        if not case_id:
            raise ValidationError(
                "give case_id: you see the promises of your own cases only", field="case_id"
            )
        access.ensure_case_visible(session, principal, cases.get_case(session, case_id))
    if case_id:
        stmt = stmt.where(PromiseToPay.case_id == case_id)
    if status:
        stmt = stmt.where(PromiseToPay.status == status)
    return [_promise_out(p) for p in session.execute(stmt.order_by(PromiseToPay.made_on)).scalars()]


@router.post("/promises/check")
def check_promises(
    as_of: date, session: Session = SessionDep, principal: Principal = require(Permission.COLLECTIONS_RUN)
) -> dict[str, Any]:
    """Judge pending promises against the ledger's payments."""
    r = promises.check_promises(session, as_of, actor=principal.actor)
    return {"kept": list(r.kept), "broken": list(r.broken), "pending": r.pending}


# --- visits --------------------------------------------------------------------------------------------------


class VisitIn(BaseModel):
    """The requester is the signed-in identity (a ``requested_by`` field in the body is ignored)."""

    case_id: str
    reason: str
    staff: list[str]
    window_start: AwareDatetime
    window_end: AwareDatetime


@router.post("/visits", status_code=201)
def request_visit(
    body: VisitIn, session: Session = SessionDep, principal: Principal = require(Permission.VISIT_REQUEST)
) -> dict[str, Any]:
    """Request a field visit; 422 with every unmet rule when prerequisites, staff or hours fail."""
    access.ensure_case_visible(session, principal, cases.get_case(session, body.case_id))
    v = visits.request_visit(
        session,
        case_id=body.case_id,
        requested_by=principal.actor,
        reason=body.reason,
        staff=body.staff,
        window_start=body.window_start,
        window_end=body.window_end,
    )
    return {"id": v.id, "status": v.status, "prerequisites": v.prerequisites}


class VisitDecisionIn(BaseModel):
    """The approver is the signed-in identity (an ``approver`` field in the body is ignored)."""

    note: str | None = None


@router.post("/visits/{visit_id}/approve")
def approve_visit(
    visit_id: str,
    body: VisitDecisionIn,
    session: Session = SessionDep,
    principal: Principal = require(Permission.VISIT_APPROVE),
) -> dict[str, Any]:
    """Approve (never by the requester); everything is checked again."""
    v = visits.approve_visit(session, visit_id=visit_id, approver=principal.actor, note=body.note)
    return {"id": v.id, "status": v.status, "approved_by": v.approved_by}


@router.post("/visits/{visit_id}/refuse")
def refuse_visit(
    visit_id: str,
    body: VisitDecisionIn,
    session: Session = SessionDep,
    principal: Principal = require(Permission.VISIT_APPROVE),
) -> dict[str, Any]:
    if not body.note:
        raise ValidationError("say why the visit is refused", field="note")
    v = visits.refuse_visit(session, visit_id=visit_id, approver=principal.actor, note=body.note)
    return {"id": v.id, "status": v.status}


class VisitOutcomeIn(BaseModel):
    outcome: str
    recording_ref: str
    at: AwareDatetime
    report: str | None = None


@router.post("/visits/{visit_id}/outcome")
def visit_outcome(
    visit_id: str,
    body: VisitOutcomeIn,
    session: Session = SessionDep,
    principal: Principal = require(Permission.VISIT_RECORD),
) -> dict[str, Any]:
    """Record what happened on an approved visit; only staff who see its case (404 otherwise)."""
    access.ensure_case_visible(
        session, principal, cases.get_case(session, visits.get_visit(session, visit_id).case_id)
    )
    v = visits.record_visit_outcome(
        session,
        visit_id=visit_id,
        outcome=body.outcome,
        recording_ref=body.recording_ref,
        at=body.at,
        actor=principal.actor,
        report=body.report,
    )
    return {"id": v.id, "status": v.status, "outcome": v.outcome}


# --- complaints ----------------------------------------------------------------------------------------------


class ComplaintIn(BaseModel):
    borrower_id: str
    kind: str = Field(default="complaint", description="complaint, dispute or hardship")
    channel: str
    summary: str
    received_at: AwareDatetime
    case_id: str | None = None
    agency_id: str | None = None
    scope: str = Field(default="borrower", description="borrower (the gate holds all contact), case, or none")


@router.post("/complaints", status_code=201)
def log_complaint(
    body: ComplaintIn,
    session: Session = SessionDep,
    principal: Principal = require(Permission.COMPLAINT_WRITE),
) -> dict[str, Any]:
    access.ensure_borrower_visible(session, principal, body.borrower_id)
    # a case of the borrower outside the caller's scope (another agency's) is not theirs to put on hold
    if body.case_id:
        access.ensure_case_visible(session, principal, cases.get_case(session, body.case_id))
    c = contacts.log_complaint(
        session,
        borrower_id=body.borrower_id,
        kind=body.kind,
        channel=body.channel,
        summary=body.summary,
        received_at=body.received_at,
        actor=principal.actor,
        case_id=body.case_id,
        agency_id=body.agency_id,
        scope=body.scope,
    )
    from faircollect.portal import care

    return {
        "id": c.id,
        "routed_to": c.routed_to,
        "due_by": c.due_by.isoformat(),  # the lender's own answer target
        "regulator_clock": contacts.regulator_clock_json(care.clock(session, c)),
        "hold_id": c.hold_id,
    }


class AnswerIn(BaseModel):
    answer: str
    release_hold: bool = True


@router.post("/complaints/{complaint_id}/answer")
def answer_complaint(
    complaint_id: str,
    body: AnswerIn,
    session: Session = SessionDep,
    principal: Principal = require(Permission.COMPLAINT_ANSWER),
) -> dict[str, Any]:
    c = contacts.answer_complaint(
        session,
        complaint_id=complaint_id,
        answer=body.answer,
        actor=principal.actor,
        release_hold=body.release_hold,
    )
    from faircollect.portal import care

    return {
        "id": c.id,
        "status": c.status,
        "late": c.answered_at is not None and c.answered_at > c.due_by,  # against the lender's own target
        "regulator_clock": contacts.regulator_clock_json(care.clock(session, c)),
    }


@router.get("/complaints/report")
def complaints_report(
    session: Session = SessionDep, principal: Principal = require(Permission.COMPLAINT_READ)
) -> dict[str, Any]:
    return contacts.complaints_report(session)


# --- agencies, agents, queues --------------------------------------------------------------------------------


class AgencyIn(BaseModel):
    name: str
    licence_ref: str | None = None


@router.post("/agencies", status_code=201)
def create_agency(
    body: AgencyIn, session: Session = SessionDep, principal: Principal = require(Permission.AGENCY_MANAGE)
) -> dict[str, Any]:
    a = agencies.create_agency(session, name=body.name, licence_ref=body.licence_ref, actor=principal.actor)
    return {"id": a.id, "name": a.name}


class MandateIn(BaseModel):
    criteria: dict[str, Any] = Field(
        default_factory=dict, description="buckets, dpd_min, dpd_max, balance_min_minor, max_cases"
    )
    starts_on: date
    ends_on: date
    commission_rate: str


@router.post("/agencies/{agency_id}/mandates", status_code=201)
def create_mandate(
    agency_id: str,
    body: MandateIn,
    session: Session = SessionDep,
    principal: Principal = require(Permission.AGENCY_MANAGE),
) -> dict[str, Any]:
    m = agencies.create_mandate(
        session,
        agency_id=agency_id,
        criteria=body.criteria,
        starts_on=body.starts_on,
        ends_on=body.ends_on,
        commission_rate=body.commission_rate,
        actor=principal.actor,
    )
    return {
        "id": m.id,
        "agency_id": m.agency_id,
        "until": m.ends_on.isoformat(),
        "commission_rate": m.commission_rate,
    }


class RecallIn(BaseModel):
    reason: str
    case_ids: list[str] | None = None


@router.post("/agencies/{agency_id}/recall")
def recall(
    agency_id: str,
    body: RecallIn,
    session: Session = SessionDep,
    principal: Principal = require(Permission.AGENCY_MANAGE),
) -> dict[str, Any]:
    ids = agencies.recall_cases(
        session, agency_id=agency_id, case_ids=body.case_ids, reason=body.reason, actor=principal.actor
    )
    return {"recalled": ids}


class AgentIn(BaseModel):
    user: str
    display_name: str
    agency_id: str | None = None
    queue: str = "*"
    daily_cap: int = 60


@router.post("/agents", status_code=201)
def create_agent(
    body: AgentIn, session: Session = SessionDep, principal: Principal = require(Permission.AGENT_MANAGE)
) -> dict[str, Any]:
    a = agencies.create_agent(
        session,
        user=body.user,
        display_name=body.display_name,
        agency_id=body.agency_id,
        queue=body.queue,
        daily_cap=body.daily_cap,
        actor=principal.actor,
    )
    return {"id": a.id, "user": a.user, "agency_id": a.agency_id}


@router.post("/queues/build")
def build_queues(
    work_date: date, session: Session = SessionDep, principal: Principal = require(Permission.COLLECTIONS_RUN)
) -> dict[str, Any]:
    rows = queues.build_work_queues(session, work_date, actor=principal.actor)
    return {"assigned": len(rows), "agents": len({r.agent_id for r in rows})}


@router.get("/agents/{agent_id}/queue")
def agent_queue(
    agent_id: str,
    work_date: date,
    session: Session = SessionDep,
    principal: Principal = require(Permission.QUEUE_READ),
) -> list[dict[str, Any]]:
    """The agent's own work list for the day, in rank order, and nothing else (an agent reads only their own)."""
    if not access.is_whole_book(principal) and access.agent_user(session, agent_id) != principal.name:
        raise NotFound(f"no agent {agent_id}", field="agent_id")
    return [
        {
            "rank": qa.rank,
            "expected_value": format_minor(qa.expected_value_minor, c.currency),
            "p_pay": qa.p_pay,
            "status": qa.status,
            **_case_out(c),
        }
        for qa, c in queues.agent_queue(session, agent_id, work_date)
    ]
