"""Collection cases (催收案件) kept in step with the ledger, and one view of a borrower over all their loans.

A case opens when a loan becomes overdue (days past due > 0) and closes on cure (back to 0 days past due), full
payment, settlement (paid off with a waiver during the case) or write-off. Its stage follows the loan's bucket.
Every change appends a ``case_event`` and an audit record in the caller's transaction. Never commits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from faircollect.collections import access
from faircollect.collections.models import CaseEvent, CollectionCase, Complaint, PromiseToPay, VisitRequest
from faircollect.compliance.audit import service as audit
from faircollect.identity.principal import Principal
from faircollect.kit.errors import Conflict, NotFound, ValidationError
from faircollect.kit.ids import new_id
from faircollect.kit.masking import mask_name, mask_phone
from faircollect.kit.money import format_minor
from faircollect.kit.time import utc_now
from faircollect.ledger.models import Borrower, Loan, LoanEvent
from faircollect.ledger.types import Component, LoanState
from faircollect.privacy.payload import open_payload, seal_payload

CLOSE_REASONS = ("cured", "paid", "settled", "written_off")


def record_change(
    session: Session,
    case: CollectionCase,
    *,
    type: str,
    actor: str,
    payload: Mapping[str, Any] | None = None,
    private: Mapping[str, str | None] | None = None,
) -> CaseEvent:
    """Append a case event and the matching audit record (action ``collections.case.<type>``).

    ``private`` holds free text about the person (a call note, why a case was recalled): it is sealed under the
    borrower's data key into both payloads (``privacy.seal_payload``, scope ``case_event``), so that an erasure
    erases it from the event log and the audit chain alike; ``case_event_payload`` opens it."""
    body = dict(payload or {})
    if private:
        body.update(seal_payload(session, case.borrower_id, private, private.keys(), scope=EVENT_SCOPE))
    ev = CaseEvent(id=new_id("cev"), case_id=case.id, at=utc_now(), type=type, actor=actor, payload=body)
    session.add(ev)
    audit.record(
        session,
        actor=actor,
        action=f"collections.case.{type}",
        subject_type="collection_case",
        subject_id=case.id,
        payload={"loan_id": case.loan_id, "borrower_id": case.borrower_id, **body},
    )
    return ev


#: The sealing scope of free text in case-event payloads, and the keys that may hold it.
EVENT_SCOPE = "case_event"
EVENT_TEXT_KEYS = ("note", "reason")


def case_event_payload(session: Session, case: CollectionCase, event: CaseEvent) -> dict[str, Any]:
    """An event's payload with its sealed free text opened (None once the borrower was erased)."""
    return open_payload(session, case.borrower_id, event.payload, EVENT_TEXT_KEYS, scope=EVENT_SCOPE)


def balance_of(state: LoanState) -> int:
    """What is still owed now: principal outstanding plus overdue interest, fees and penalty (minor units)."""
    overdue_non_principal = sum(
        v for c, v in state.overdue_by_component.items() if c != Component.PRINCIPAL and v > 0
    )
    return state.principal_outstanding_minor + overdue_non_principal


def get_case(session: Session, case_id: str) -> CollectionCase:
    case = session.get(CollectionCase, case_id)
    if case is None:
        raise NotFound(f"no case {case_id}", field="case_id")
    return case


def open_case_for_loan(session: Session, loan_id: str) -> CollectionCase | None:
    return session.execute(
        select(CollectionCase).where(CollectionCase.open_key == loan_id)
    ).scalar_one_or_none()


def list_cases(
    session: Session,
    *,
    status: str | None = "open",
    borrower_id: str | None = None,
    agency_id: str | None = None,
    limit: int = 500,
    principal: Principal | None = None,
) -> list[CollectionCase]:
    """Cases by status, borrower and agency; only those ``principal`` may see when one is given."""
    stmt = select(CollectionCase)
    if principal is not None:
        stmt = access.restrict_cases(stmt, principal)
    if status:
        stmt = stmt.where(CollectionCase.status == status)
    if borrower_id:
        stmt = stmt.where(CollectionCase.borrower_id == borrower_id)
    if agency_id:
        stmt = stmt.where(CollectionCase.agency_id == agency_id)
    return list(
        session.execute(stmt.order_by(CollectionCase.opened_on, CollectionCase.id).limit(limit)).scalars()
    )


def _waived_during(session: Session, loan_id: str, since: date) -> bool:
    rows = session.execute(
        select(LoanEvent.id).where(
            LoanEvent.loan_id == loan_id, LoanEvent.type == "waiver", LoanEvent.date >= since
        )
    ).first()
    return rows is not None


def _open(session: Session, loan: Loan, state: LoanState, *, actor: str) -> CollectionCase:
    case = CollectionCase(
        id=new_id("case"),
        borrower_id=loan.borrower_id,
        loan_id=loan.id,
        open_key=loan.id,
        status="open",
        stage=state.bucket,
        open_bucket=state.bucket,
        opened_on=state.as_of,
        days_past_due=state.days_past_due,
        overdue_minor=state.overdue_minor,
        balance_minor=balance_of(state),
        currency=state.currency,
        on_hold=False,
        updated_at=utc_now(),
    )
    session.add(case)
    session.flush()
    record_change(
        session,
        case,
        type="opened",
        actor=actor,
        payload={
            "date": state.as_of.isoformat(),
            "bucket": state.bucket,
            "days_past_due": state.days_past_due,
            "overdue": format_minor(state.overdue_minor, state.currency),
            "currency": state.currency,
        },
    )
    return case


def close_case(
    session: Session, case: CollectionCase, *, reason: str, on: date, actor: str, note: str | None = None
) -> CollectionCase:
    """Close an open case (cured, paid, settled, written_off); the loan may open a new case if it falls due again."""
    if reason not in CLOSE_REASONS:
        raise ValidationError(
            f"unknown close reason {reason!r}; expected one of {CLOSE_REASONS}", field="reason"
        )
    if case.status != "open":
        raise Conflict(f"case {case.id} is already {case.status}")
    case.status = "closed"
    case.open_key = None
    case.close_reason = reason
    case.closed_on = on
    case.updated_at = utc_now()
    for p in session.execute(
        select(PromiseToPay).where(PromiseToPay.case_id == case.id, PromiseToPay.status == "pending")
    ).scalars():
        # The debt is gone; an open promise about it is moot (kept/broken is only judged on open cases).
        p.status = "cancelled"
        p.resolved_on = on
    record_change(
        session,
        case,
        type="closed",
        actor=actor,
        payload={"reason": reason, "date": on.isoformat()},
        private={"note": note},
    )
    return case


@dataclass(frozen=True, slots=True)
class SyncResult:
    """What ``sync_cases`` did on a date, plus every loan's state (so the planner does not replay twice)."""

    as_of: date
    opened: tuple[str, ...]
    closed: tuple[tuple[str, str], ...]  # (case id, reason)
    stage_changes: tuple[tuple[str, str, str], ...]  # (case id, from, to)
    states: Mapping[str, LoanState] = field(default_factory=dict)


def _lock_loan(session: Session, loan_id: str) -> None:
    session.execute(select(Loan.id).where(Loan.id == loan_id).with_for_update()).first()


def _lock_case(session: Session, case_id: str) -> CollectionCase:
    return session.execute(
        select(CollectionCase)
        .where(CollectionCase.id == case_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    ).scalar_one()


def _loans_to_check(session: Session) -> list[Loan]:
    open_loans = select(CollectionCase.loan_id).where(CollectionCase.status == "open")
    stmt = select(Loan).where((Loan.status == "active") | Loan.id.in_(open_loans)).order_by(Loan.id)
    return list(session.execute(stmt).scalars())


def sync_cases(
    session: Session, as_of: date, *, actor: str = "system:collections", loan_ids: Sequence[str] | None = None
) -> SyncResult:
    """Open, update and close cases from each loan's replayed state on ``as_of``."""
    from faircollect.ledger import service as ledger_service

    loans = _loans_to_check(session)
    if loan_ids is not None:
        wanted = set(loan_ids)
        loans = [ln for ln in loans if ln.id in wanted]
    opened: list[str] = []
    closed: list[tuple[str, str]] = []
    stages: list[tuple[str, str, str]] = []
    states: dict[str, LoanState] = {}
    for loan in loans:
        try:
            state = ledger_service.loan_state(session, loan.id, as_of)
        except Conflict:
            continue  # not disbursed yet: nothing to collect
        states[loan.id] = state
        case = open_case_for_loan(session, loan.id)
        if case is None:
            if state.days_past_due > 0 and not state.written_off and not state.closed:
                # Two runs at once (overlapping jobs) must not both open a case: take the loan's row lock (the
                # one payments take) and look again; on SQLite the database lock already serialises writers.
                _lock_loan(session, loan.id)
                case = open_case_for_loan(session, loan.id)
                if case is None:
                    opened.append(_open(session, loan, state, actor=actor).id)
                    continue
            else:
                continue
        reason = None
        if state.written_off:
            reason = "written_off"
        elif state.closed:
            reason = "settled" if _waived_during(session, loan.id, case.opened_on) else "paid"
        elif state.days_past_due == 0:
            reason = "cured"
        if reason is not None or state.bucket != case.stage:
            # Re-read the case under its row lock: a concurrent run may have closed or moved it already.
            locked = _lock_case(session, case.id)
            if locked.status != "open" or (reason is None and state.bucket == locked.stage):
                continue
            case = locked
        if reason is not None:
            close_case(session, case, reason=reason, on=as_of, actor=actor)
            closed.append((case.id, reason))
            continue
        if state.bucket != case.stage:
            stages.append((case.id, case.stage, state.bucket))
            record_change(
                session,
                case,
                type="stage_changed",
                actor=actor,
                payload={"from": case.stage, "to": state.bucket, "days_past_due": state.days_past_due},
            )
            case.stage = state.bucket
        case.days_past_due = state.days_past_due
        case.overdue_minor = state.overdue_minor
        case.balance_minor = balance_of(state)
        case.updated_at = utc_now()
    session.flush()
    return SyncResult(as_of, tuple(opened), tuple(closed), tuple(stages), states)


def net_payments(session: Session, loan_id: str, start: date, end: date) -> list[tuple[date, int]]:
    """Payments on a loan dated in [start, end] that were not reversed, as (date, amount) in date order."""
    rows = session.execute(
        select(LoanEvent).where(LoanEvent.loan_id == loan_id, LoanEvent.type.in_(("payment", "reversal")))
    ).scalars()
    payments: dict[str, tuple[date, int]] = {}
    reversed_keys: set[str] = set()
    for ev in rows:
        if ev.type == "payment":
            payments[ev.key] = (ev.date, int(ev.amount_minor or 0))
        else:
            reversed_keys.add(str((ev.payload or {}).get("payment_key")))
    return sorted((d, a) for k, (d, a) in payments.items() if k not in reversed_keys and start <= d <= end)


def borrower_view(
    session: Session,
    borrower_id: str,
    as_of: date,
    *,
    unmasked: bool = False,
    loan_ids: set[str] | None = None,
) -> dict[str, Any]:
    """One view of a borrower over all their loans: states, open cases, promises, visits, complaints, holds.

    ``loan_ids`` limits the loans (and the promises and visits on them) to those a scoped caller may read
    (``access.visible_loan_ids``); None shows them all."""
    from faircollect.ledger import service as ledger_service

    b = session.get(Borrower, borrower_id)
    if b is None:
        raise NotFound(f"no borrower {borrower_id}", field="borrower_id")
    loans = []
    total_overdue = 0
    for loan in session.execute(
        select(Loan).where(Loan.borrower_id == borrower_id).order_by(Loan.id)
    ).scalars():
        if loan_ids is not None and loan.id not in loan_ids:
            continue
        entry: dict[str, Any] = {"loan_id": loan.id, "status": loan.status, "currency": loan.currency}
        try:
            st = ledger_service.loan_state(session, loan.id, as_of)
            entry.update(
                days_past_due=st.days_past_due,
                bucket=st.bucket,
                overdue=format_minor(st.overdue_minor, st.currency),
                balance=format_minor(balance_of(st), st.currency),
            )
            total_overdue += st.overdue_minor
        except Conflict:
            entry.update(days_past_due=0, bucket=None, overdue="0", balance="0")
        case = open_case_for_loan(session, loan.id)
        entry["case"] = (
            None
            if case is None
            else {"id": case.id, "stage": case.stage, "on_hold": case.on_hold, "agency_id": case.agency_id}
        )
        loans.append(entry)
    promises = session.execute(
        select(PromiseToPay).where(PromiseToPay.borrower_id == borrower_id).order_by(PromiseToPay.made_on)
    ).scalars()
    visits = session.execute(select(VisitRequest).where(VisitRequest.borrower_id == borrower_id)).scalars()
    if loan_ids is not None:
        promises = (p for p in promises if p.loan_id in loan_ids)  # type: ignore[assignment]
        visits = (v for v in visits if v.loan_id in loan_ids)  # type: ignore[assignment]
    complaints = session.execute(select(Complaint).where(Complaint.borrower_id == borrower_id)).scalars()
    holds = _active_holds(session, borrower_id)
    return {
        "borrower_id": b.id,
        "name": b.name if unmasked else mask_name(b.name),
        "phone": (b.phone if unmasked else mask_phone(b.phone)) if b.phone else None,
        "timezone": b.timezone,
        "language": b.language,
        "as_of": as_of.isoformat(),
        "loans": loans,
        "total_overdue_minor": total_overdue,
        "promises": [
            {
                "id": p.id,
                "loan_id": p.loan_id,
                "amount": format_minor(p.amount_minor, p.currency),
                "promised_date": p.promised_date.isoformat(),
                "status": p.status,
            }
            for p in promises
        ],
        "visits": [
            {"id": v.id, "status": v.status, "window_start": v.window_start.isoformat()} for v in visits
        ],
        "complaints": [
            {"id": c.id, "kind": c.kind, "status": c.status, "due_by": c.due_by.isoformat()}
            for c in complaints
        ],
        "holds": holds,
    }


def _active_holds(session: Session, borrower_id: str) -> list[dict[str, Any]]:
    from faircollect.compliance.models import Hold

    now = utc_now()
    rows = session.execute(
        select(Hold).where(Hold.borrower_id == borrower_id, Hold.released_at.is_(None))
    ).scalars()
    return [
        {"id": h.id, "kind": h.kind, "until": h.until.isoformat() if h.until else None}
        for h in rows
        if h.until is None or h.until > now
    ]
