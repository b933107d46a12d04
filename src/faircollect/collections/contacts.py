"""Calls and their outcomes, and what borrowers tell us: complaints, disputes, stated hardship.

Every call — by the lender's staff or an agency's agent — is decided by the one gate with the shared facts
(``compliance.facts.load_facts`` counts attempts across the lender and all its agencies) while the borrower's lock
row is held, and the attempt is recorded through ``compliance.facts.record_attempt`` with the agency's id. A
complaint, a dispute or stated hardship puts a hold through ``compliance.facts.set_hold`` (borrower scope: the gate
then denies every contact) or holds only the case (case scope), is routed, and must be answered by a deadline.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from faircollect.collections.models import Agency, Agent, CollectionCase, Complaint, QueueAssignment
from faircollect.collections.service import get_case, record_change
from faircollect.compliance.audit import service as audit
from faircollect.compliance.contact import (
    Channel,
    ContactFacts,
    ContactRequest,
    Decision,
    HoldKind,
    Outcome,
    RecipientRole,
)
from faircollect.config import get_settings
from faircollect.kit.errors import Conflict, FaircollectError, NotFound, ValidationError
from faircollect.kit.ids import new_id
from faircollect.kit.time import business_date as to_business_date
from faircollect.kit.time import ensure_aware, utc_now
from faircollect.ledger.models import Borrower

CALL_OUTCOMES = (Outcome.CONNECTED, Outcome.NO_ANSWER, Outcome.BUSY, Outcome.WRONG_PARTY, Outcome.REFUSED)


class ContactDenied(FaircollectError):
    """The gate refused the contact; ``decision`` holds the rules and reasons."""

    status = 409

    def __init__(self, decision: Decision) -> None:
        self.decision = decision
        reasons = "; ".join(f"{r.rule}: {r.message_en}" for r in decision.reasons)
        super().__init__(f"the gate denied this contact ({reasons})")


class NotYourCase(NotFound):
    """An agent asked for a case that is not on their work list (agents see only their own queue)."""


def visit_context(
    session: Session, borrower_id: str, at: datetime
) -> tuple[bool, tuple[datetime, datetime] | None]:
    """Whether an approved, scheduled visit exists for the borrower whose window has not ended at ``at``."""
    from faircollect.collections.models import VisitRequest

    v = (
        session.execute(
            select(VisitRequest)
            .where(
                VisitRequest.borrower_id == borrower_id,
                VisitRequest.status == "approved",
                VisitRequest.window_end >= at,
            )
            .order_by(VisitRequest.window_start)
        )
        .scalars()
        .first()
    )
    return (True, (v.window_start, v.window_end)) if v is not None else (False, None)


def facts_for(session: Session, borrower_id: str, at: datetime, address: str | None) -> ContactFacts:
    """The gate's facts for a borrower, with the collections-side visit context added."""
    from faircollect.compliance import facts as compliance_facts

    facts = compliance_facts.load_facts(session, borrower_id=borrower_id, at=at, address=address)
    approved, window = visit_context(session, borrower_id, at)
    if approved:
        facts = dataclasses.replace(facts, visit_approved=True, visit_window=window)
    return facts


def check_agent_case(session: Session, agent: Agent, case: CollectionCase, on: date) -> None:
    """Agents see and work only the cases on their own work list for the day (and agencies only their own)."""
    if agent.agency_id is not None and case.agency_id != agent.agency_id:
        raise NotYourCase(f"case {case.id} is not placed with agent {agent.user}'s agency", field="case_id")
    assigned = session.execute(
        select(QueueAssignment.id).where(
            QueueAssignment.case_id == case.id,
            QueueAssignment.agent_id == agent.id,
            QueueAssignment.work_date == on,
        )
    ).first()
    if assigned is None:
        raise NotYourCase(
            f"case {case.id} is not on agent {agent.user}'s work list for {on}", field="case_id"
        )


def _call_outcome(value: Outcome | str) -> Outcome:
    """The call outcome, or a 422 naming the field (an unknown or empty value is the caller's mistake)."""
    try:
        out = Outcome(value)
    except ValueError:
        out = None
    if out is None or out not in CALL_OUTCOMES:
        raise ValidationError(
            f"unknown call outcome {value!r}; expected one of {', '.join(o.value for o in CALL_OUTCOMES)}",
            field="outcome",
        )
    return out


@dataclass(frozen=True, slots=True)
class CallResult:
    allowed: bool
    decision: Decision
    attempt_id: str | None = None
    outcome: str | None = None
    reasons: tuple[dict[str, str], ...] = field(default=())


def call(
    session: Session,
    *,
    case_id: str,
    at: datetime,
    outcome: Outcome | str,
    agent_id: str | None = None,
    recipient_role: RecipientRole = RecipientRole.BORROWER,
    address: str | None = None,
    note: str | None = None,
    actor: str,
    business_date: date | None = None,
) -> CallResult:
    """Ask the gate for a call at ``at``; if allowed record the attempt with its outcome, else record nothing but
    the (audited) denial. ``outcome`` is connected, no_answer, busy, wrong_party or refused."""
    from faircollect.compliance import facts as compliance_facts
    from faircollect.compliance import service as compliance_service

    at = ensure_aware(at)
    work_date = business_date or to_business_date(at, get_settings().business_timezone)
    out = _call_outcome(outcome)
    case = get_case(session, case_id)
    if case.status != "open":
        raise Conflict(f"case {case.id} is {case.status}")
    agency_id = None
    if agent_id is not None:
        agent = session.get(Agent, agent_id)
        if agent is None or not agent.active:
            raise NotFound(f"no active agent {agent_id}", field="agent_id")
        check_agent_case(session, agent, case, work_date)
        agency_id = agent.agency_id
    borrower = session.get(Borrower, case.borrower_id)
    assert borrower is not None
    addr = address or borrower.phone
    compliance_facts.lock_borrower(session, case.borrower_id)
    facts = facts_for(session, case.borrower_id, at, addr)
    request = ContactRequest(
        jurisdiction=borrower.jurisdiction,
        channel=Channel.CALL,
        recipient_role=recipient_role,
        at=at,
        address=addr,
        agency_id=agency_id,
    )
    decision = compliance_service.decide_and_audit(
        session, request, facts, actor=actor, borrower_id=case.borrower_id
    )
    reasons = tuple({"rule": r.rule, "message": r.message_en} for r in decision.reasons)
    if not decision.allowed:
        record_change(
            session,
            case,
            type="call_denied",
            actor=actor,
            payload={"at": at.isoformat(), "rules": list(decision.rule_ids)},
        )
        return CallResult(False, decision, reasons=reasons)
    attempt_id = compliance_facts.record_attempt(
        session,
        borrower_id=case.borrower_id,
        loan_id=case.loan_id,
        channel=Channel.CALL,
        recipient_role=recipient_role,
        address=addr,
        at=at,
        outcome=out,
        agency_id=agency_id,
        actor=actor,
    )
    record_change(
        session,
        case,
        type="call",
        actor=actor,
        payload={
            "at": at.isoformat(),
            "outcome": out.value,
            "attempt_id": attempt_id,
            "agency_id": agency_id,
        },
        private={"note": note},
    )
    if agent_id is not None:
        for qa in session.execute(
            select(QueueAssignment).where(
                QueueAssignment.case_id == case.id,
                QueueAssignment.agent_id == agent_id,
                QueueAssignment.work_date == work_date,
            )
        ).scalars():
            qa.status = "worked"
    return CallResult(True, decision, attempt_id, out.value, reasons)


def update_call_outcome(
    session: Session, *, case_id: str, attempt_id: str, outcome: Outcome | str, actor: str
) -> None:
    """Correct a recorded call's outcome (e.g. no_answer → connected once the call ends)."""
    from faircollect.compliance import facts as compliance_facts

    out = _call_outcome(outcome)
    case = get_case(session, case_id)
    compliance_facts.update_attempt_outcome(session, attempt_id, out)
    record_change(
        session, case, type="call_outcome", actor=actor, payload={"attempt_id": attempt_id, "outcome": out}
    )


# --- complaints, disputes, hardship -------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ComplaintPolicy:
    """Deadlines (days to answer) and routing per kind. CN: complaints answered within 15 days is the common
    regulatory expectation; shorten it here, never lengthen it without a recorded reason."""

    answer_days: dict[str, int] = field(
        default_factory=lambda: {"complaint": 15, "dispute": 15, "hardship": 10}
    )
    routes: dict[str, str] = field(
        default_factory=lambda: {"complaint": "complaints", "dispute": "disputes", "hardship": "hardship"}
    )
    agency_route: str = "agency_oversight"  # complaints about an agency's conduct


HOLD_KIND = {"complaint": HoldKind.COMPLAINT, "dispute": HoldKind.DISPUTE, "hardship": HoldKind.HARDSHIP}
SCOPES = ("borrower", "case", "none")


def log_complaint(
    session: Session,
    *,
    borrower_id: str,
    kind: str,
    channel: str,
    summary: str,
    received_at: datetime,
    actor: str,
    case_id: str | None = None,
    agency_id: str | None = None,
    scope: str = "borrower",
    policy: ComplaintPolicy | None = None,
) -> Complaint:
    """Record a complaint / dispute / hardship statement from any channel, put the hold, route it, set due-by."""
    from faircollect.compliance import facts as compliance_facts

    policy = policy or ComplaintPolicy()
    if kind not in HOLD_KIND:
        raise ValidationError(f"unknown kind {kind!r}; expected complaint, dispute or hardship", field="kind")
    if scope not in SCOPES:
        raise ValidationError(f"unknown hold scope {scope!r}; expected one of {SCOPES}", field="scope")
    if not summary or not summary.strip():
        raise ValidationError("a complaint needs a summary of what was said", field="summary")
    if not channel or not channel.strip():
        raise ValidationError(
            "say how the complaint reached us (phone, sms, email, letter, regulator ...)", field="channel"
        )
    received_at = ensure_aware(received_at, field="received_at")
    if session.get(Borrower, borrower_id) is None:
        raise NotFound(f"no borrower {borrower_id}", field="borrower_id")
    case = get_case(session, case_id) if case_id else None
    if case is not None and case.borrower_id != borrower_id:
        raise ValidationError(f"case {case.id} belongs to another borrower", field="case_id")
    if agency_id is not None and session.get(Agency, agency_id) is None:
        raise NotFound(f"no agency {agency_id}", field="agency_id")
    if scope == "case" and case is None:
        raise ValidationError("a case-scoped hold needs case_id", field="scope")
    hold_id = None
    if scope == "borrower":
        hold_id = compliance_facts.set_hold(
            session,
            borrower_id=borrower_id,
            kind=HOLD_KIND[kind],
            reason=f"{kind}: {summary.strip()[:200]}",
            actor=actor,
            at=received_at,
        )
    elif scope == "case" and case is not None:
        case.on_hold = True
    c = Complaint(
        id=new_id("cmp"),
        borrower_id=borrower_id,
        case_id=case.id if case else None,
        loan_id=case.loan_id if case else None,
        agency_id=agency_id,
        kind=kind,
        channel=channel.strip(),
        summary=summary.strip(),
        received_at=received_at,
        due_by=received_at + timedelta(days=policy.answer_days[kind]),
        routed_to=policy.agency_route if agency_id else policy.routes[kind],
        hold_scope=scope,
        hold_id=hold_id,
        status="open",
        recorded_by=actor,
    )
    session.add(c)
    session.flush()
    payload = {
        "complaint_id": c.id,
        "kind": kind,
        "scope": scope,
        "hold_id": hold_id,
        "routed_to": c.routed_to,
    }
    if case is not None:
        record_change(session, case, type=f"{kind}_logged", actor=actor, payload=payload)
    else:
        audit.record(
            session,
            actor=actor,
            action=f"collections.{kind}.logged",
            subject_type="complaint",
            subject_id=c.id,
            payload=payload,
        )
    return c


def answer_complaint(
    session: Session,
    *,
    complaint_id: str,
    answer: str,
    actor: str,
    release_hold: bool = True,
    at: datetime | None = None,
) -> Complaint:
    """Answer a complaint; by default its hold is released (a dispute that is upheld may keep it: pass False)."""
    from faircollect.compliance import facts as compliance_facts

    c = session.get(Complaint, complaint_id)
    if c is None:
        raise NotFound(f"no complaint {complaint_id}", field="complaint_id")
    if c.status == "answered":
        raise Conflict(f"complaint {c.id} was already answered")
    if not answer or not answer.strip():
        raise ValidationError("an answer is needed", field="answer")
    c.status = "answered"
    c.answer = answer.strip()
    c.answered_at = ensure_aware(at) if at else utc_now()
    c.answered_by = actor
    if release_hold and c.hold_id:
        compliance_facts.release_hold(
            session, hold_id=c.hold_id, actor=actor, reason=f"complaint {c.id} answered", at=c.answered_at
        )
    if release_hold and c.hold_scope == "case" and c.case_id:
        case = get_case(session, c.case_id)
        case.on_hold = False
    audit.record(
        session,
        actor=actor,
        action="collections.complaint.answered",
        subject_type="complaint",
        subject_id=c.id,
        payload={"late": c.answered_at > c.due_by, "hold_released": release_hold},
    )
    return c


def regulator_clock_json(clk: Any) -> dict[str, Any]:
    """A complaint's regulator clock (``portal.clocks.Clock``) as the API shows it."""
    return {
        "jurisdiction": clk.rules.jurisdiction,
        "regulator": clk.rules.regulator,
        "status": clk.status,  # open | overdue | answered | none (no regulator deadline for this kind)
        "due_by": clk.due_by.isoformat() if clk.due_by else None,
        "days_left": clk.days_left if clk.status in ("open", "overdue") else None,
        "late": clk.late,
        "extensions": len(clk.extensions),
        "source": clk.rules.source,
    }


def complaints_report(session: Session, *, now: datetime | None = None) -> dict[str, Any]:
    """Open complaints, those past their deadline, and answered late/on time, per kind and route.

    Two clocks: ``due_by`` is the lender's own answer target (``ComplaintPolicy.answer_days``); ``regulator`` counts
    against each complaint's regulator deadline in the borrower's jurisdiction (NFRA, CFPB, FCA DISP; extensions
    taken included), the one that a breach is reported on."""
    from faircollect.portal import care

    now = now or utc_now()
    rows = list(session.execute(select(Complaint)).scalars())
    clocks = care.clocks_of(session, rows, now)
    regulator: dict[str, Any] = {
        "overdue": [],
        "open": 0,
        "answered_on_time": 0,
        "answered_late": 0,
        "no_deadline": 0,
    }
    for c in rows:
        clk = clocks[c.id]
        if clk.status == "none":
            regulator["no_deadline"] += 1
        elif clk.status == "open":
            regulator["open"] += 1
        elif clk.status == "overdue":
            regulator["overdue"].append({"id": c.id, "kind": c.kind, **regulator_clock_json(clk)})
        elif clk.late:
            regulator["answered_late"] += 1
        else:
            regulator["answered_on_time"] += 1
    out: dict[str, Any] = {
        "total": len(rows),
        "open": 0,
        "overdue": [],
        "answered_on_time": 0,
        "answered_late": 0,
    }
    by_kind: dict[str, int] = {}
    for c in rows:
        by_kind[c.kind] = by_kind.get(c.kind, 0) + 1
        if c.status == "open":
            out["open"] += 1
            if c.due_by < now:
                out["overdue"].append(
                    {"id": c.id, "kind": c.kind, "routed_to": c.routed_to, "due_by": c.due_by.isoformat()}
                )
        elif c.answered_at is not None and c.answered_at <= c.due_by:
            out["answered_on_time"] += 1
        else:
            out["answered_late"] += 1
    out["by_kind"] = by_kind
    out["regulator"] = regulator
    return out
