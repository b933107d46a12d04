"""Field visits (上门/外访), the governed last resort.

A visit request is refused unless its prerequisites hold (``strategy.VisitPolicy``: minimum days past due, the
earlier channels tried during this case, no hold, a balance threshold), it names at least two staff, and its whole
window is allowed by the gate (contact hours in the borrower's zone, CN-HOURS-22-08 and friends). It is approved by
someone other than the requester, and only then — approved and scheduled — may a message say that a visit is
coming (the linter's ``visit_approved`` context, via ``contacts.facts_for``). The outcome is recorded with a
reference to the recording.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from faircollect.collections.models import CollectionCase, VisitRequest
from faircollect.collections.service import get_case, record_change
from faircollect.collections.strategy import VisitPolicy
from faircollect.compliance.contact import Channel, ContactRequest, Outcome, RecipientRole
from faircollect.kit.errors import Conflict, NotFound, ValidationError
from faircollect.kit.ids import new_id
from faircollect.kit.time import ensure_aware, utc_now
from faircollect.ledger.models import Borrower

VISIT_OUTCOMES = ("met_borrower", "promise", "paid", "not_home", "refused_entry", "wrong_address", "aborted")


class VisitRefused(ValidationError):
    """A visit request or approval that breaks the governance rules; ``problems`` lists every reason."""

    def __init__(self, problems: Sequence[str], *, field: str = "visit") -> None:
        self.problems = list(problems)
        super().__init__("visit refused: " + "; ".join(self.problems), field=field)


def _attempted_channels(session: Session, case: CollectionCase) -> set[str]:
    from faircollect.compliance.models import ContactAttempt

    since = datetime.combine(case.opened_on, datetime.min.time()).replace(tzinfo=utc_now().tzinfo)
    rows = session.execute(
        select(ContactAttempt.channel).where(
            ContactAttempt.borrower_id == case.borrower_id, ContactAttempt.at >= since
        )
    ).scalars()
    return set(rows)


def check_prerequisites(
    session: Session, case: CollectionCase, policy: VisitPolicy, at: datetime
) -> dict[str, Any]:
    """Evaluate every prerequisite; returns {"ok": bool, "checks": [{"check", "ok", "detail"}]}."""
    from faircollect.compliance import facts as compliance_facts

    checks: list[dict[str, Any]] = []

    def add(name: str, ok: bool, detail: str) -> None:
        checks.append({"check": name, "ok": ok, "detail": detail})

    add("case_open", case.status == "open", f"case is {case.status}")
    add(
        "min_dpd",
        case.days_past_due >= policy.min_dpd,
        f"{case.days_past_due} days past due; the policy needs {policy.min_dpd}",
    )
    add(
        "min_balance",
        case.balance_minor >= policy.min_balance_minor,
        f"balance {case.balance_minor} minor units; the policy needs {policy.min_balance_minor}",
    )
    tried = _attempted_channels(session, case)
    missing = [c for c in policy.required_failed_channels if c not in tried]
    add(
        "earlier_channels_tried",
        not missing,
        "tried: "
        + (", ".join(sorted(tried)) or "none")
        + (f"; never tried: {', '.join(missing)}" if missing else ""),
    )
    facts = compliance_facts.load_facts(session, borrower_id=case.borrower_id, at=at)
    holds = sorted(h.value for h in facts.holds) + (["case_hold"] if case.on_hold else [])
    add("no_hold", not holds, "holds: " + (", ".join(holds) or "none"))
    return {"ok": all(c["ok"] for c in checks), "checks": checks}


def _staff_problems(staff: Sequence[str], policy: VisitPolicy) -> list[str]:
    names = [s.strip() for s in staff if s and s.strip()]
    if len(set(names)) < policy.min_staff:
        return [f"a visit needs at least {policy.min_staff} named staff; got {len(set(names))}"]
    return []


def _window_problems(session: Session, case: CollectionCase, start: datetime, end: datetime) -> list[str]:
    """Ask the gate about both ends of the window, as if the visit were approved (hours and holds still apply)."""
    from faircollect.collections.contacts import facts_for
    from faircollect.compliance import gate

    if end <= start:
        return ["the window ends before it starts"]
    if end - start > timedelta(hours=4):
        return ["a visit window may last at most 4 hours"]
    borrower = session.get(Borrower, case.borrower_id)
    assert borrower is not None
    from faircollect.compliance.facts import lender_rulebook

    rulebook = lender_rulebook(
        session, borrower.jurisdiction or "CN"
    )  # the lender's overrides apply here too
    problems: list[str] = []
    for label, at in (("start", start), ("end", end - timedelta(minutes=1))):
        facts = dataclasses.replace(
            facts_for(session, case.borrower_id, at, None), visit_approved=True, visit_window=(start, end)
        )
        request = ContactRequest(
            jurisdiction=borrower.jurisdiction,
            channel=Channel.VISIT,
            recipient_role=RecipientRole.BORROWER,
            at=at,
        )
        decision = gate.decide(request, facts, rulebook=rulebook)
        if not decision.allowed:
            problems.extend(
                f"window {label} {at.isoformat()}: {r.rule} {r.message_en}" for r in decision.reasons
            )
    return problems


def request_visit(
    session: Session,
    *,
    case_id: str,
    requested_by: str,
    reason: str,
    staff: Sequence[str],
    window_start: datetime,
    window_end: datetime,
    policy: VisitPolicy | None = None,
    agency_id: str | None = None,
) -> VisitRequest:
    """Request a field visit; refused (nothing written) unless every prerequisite, staffing and hours rule holds."""
    policy = policy or VisitPolicy()
    case = get_case(session, case_id)
    start = ensure_aware(window_start, field="window_start")
    end = ensure_aware(window_end, field="window_end")
    if not reason or not reason.strip():
        raise ValidationError("say why a visit is needed", field="reason")
    pre = check_prerequisites(session, case, policy, start)
    problems = [f"{c['check']}: {c['detail']}" for c in pre["checks"] if not c["ok"]]
    problems += _staff_problems(staff, policy)
    problems += _window_problems(session, case, start, end)
    if problems:
        raise VisitRefused(problems)
    v = VisitRequest(
        id=new_id("vis"),
        case_id=case.id,
        borrower_id=case.borrower_id,
        loan_id=case.loan_id,
        status="requested",
        reason=reason.strip(),
        requested_by=requested_by,
        requested_at=utc_now(),
        staff={"names": sorted({s.strip() for s in staff if s.strip()})},
        window_start=start,
        window_end=end,
        prerequisites={**pre, "policy": dataclasses.asdict(policy)},
        agency_id=agency_id,
    )
    session.add(v)
    session.flush()
    record_change(
        session,
        case,
        type="visit_requested",
        actor=requested_by,
        payload={"visit_id": v.id, "window": [start.isoformat(), end.isoformat()]},
    )
    return v


def get_visit(session: Session, visit_id: str) -> VisitRequest:
    v = session.get(VisitRequest, visit_id)
    if v is None:
        raise NotFound(f"no visit request {visit_id}", field="visit_id")
    return v


def _policy_of(v: VisitRequest) -> VisitPolicy:
    """The policy the request was made under (stored with it)."""
    raw = dict(v.prerequisites.get("policy") or {})
    if "required_failed_channels" in raw:
        raw["required_failed_channels"] = tuple(raw["required_failed_channels"])
    return VisitPolicy(**raw)


def approve_visit(
    session: Session,
    *,
    visit_id: str,
    approver: str,
    note: str | None = None,
    policy: VisitPolicy | None = None,
) -> VisitRequest:
    """A supervisor approves (never the requester); prerequisites, staff and window are checked again now."""
    v = get_visit(session, visit_id)
    policy = policy or _policy_of(v)
    if v.status != "requested":
        raise Conflict(f"visit {v.id} is {v.status}")
    if not approver or approver.strip() == v.requested_by.strip():
        raise VisitRefused(["the requester may not approve their own visit request"], field="approver")
    case = get_case(session, v.case_id)
    pre = check_prerequisites(session, case, policy, v.window_start)
    problems = [f"{c['check']}: {c['detail']}" for c in pre["checks"] if not c["ok"]]
    problems += _staff_problems(v.staff.get("names", []), policy)
    problems += _window_problems(session, case, v.window_start, v.window_end)
    if problems:
        raise VisitRefused(problems)
    v.status = "approved"
    v.approved_by = approver.strip()
    v.approved_at = utc_now()
    v.decided_note = note
    record_change(
        session,
        case,
        type="visit_approved",
        actor=approver,
        payload={"visit_id": v.id},
        private={"note": note},
    )
    return v


def refuse_visit(session: Session, *, visit_id: str, approver: str, note: str) -> VisitRequest:
    v = get_visit(session, visit_id)
    if v.status != "requested":
        raise Conflict(f"visit {v.id} is {v.status}")
    v.status = "refused"
    v.approved_by = None
    v.decided_note = note
    record_change(
        session,
        get_case(session, v.case_id),
        type="visit_refused",
        actor=approver,
        payload={"visit_id": v.id},
        private={"note": note},
    )
    return v


def record_visit_outcome(
    session: Session,
    *,
    visit_id: str,
    outcome: str,
    recording_ref: str,
    at: datetime,
    actor: str,
    report: str | None = None,
) -> VisitRequest:
    """Record what happened, with the recording's reference; the visit counts as a contact attempt (shared caps)."""
    from faircollect.compliance import facts as compliance_facts

    v = get_visit(session, visit_id)
    if v.status != "approved":
        raise Conflict(f"visit {v.id} is {v.status}; only an approved visit can have an outcome")
    if outcome not in VISIT_OUTCOMES:
        raise ValidationError(
            f"unknown outcome {outcome!r}; expected one of {VISIT_OUTCOMES}", field="outcome"
        )
    if not recording_ref or not recording_ref.strip():
        raise ValidationError(
            "a visit outcome needs the recording's reference (录音/录像)", field="recording_ref"
        )
    at = ensure_aware(at)
    if not (v.window_start <= at <= v.window_end):
        raise ValidationError(
            f"the visit took place at {at.isoformat()}, outside its approved window", field="at"
        )
    v.status = "completed"
    v.outcome = outcome
    v.recording_ref = recording_ref.strip()
    v.report = report
    v.completed_at = at
    compliance_facts.record_attempt(
        session,
        borrower_id=v.borrower_id,
        loan_id=v.loan_id,
        channel=Channel.VISIT,
        recipient_role=RecipientRole.BORROWER,
        address=None,
        at=at,
        outcome=Outcome.VISITED,
        agency_id=v.agency_id,
        actor=actor,
    )
    record_change(
        session,
        get_case(session, v.case_id),
        type="visit_completed",
        actor=actor,
        payload={"visit_id": v.id, "outcome": outcome, "recording_ref": v.recording_ref},
    )
    return v
