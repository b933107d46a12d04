"""Rule overrides with four eyes: a tightening is stored at once; a loosening waits for a second compliance
officer (``identity.approvals``) and is stored only when approved, with both identities in the audit log."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import Session

from faircollect.compliance.facts import override_direction, save_override
from faircollect.identity import approvals
from faircollect.identity.models import Approval
from faircollect.identity.principal import Principal

KIND = "rule_override.loosen"


@dataclass(frozen=True, slots=True)
class OverrideOutcome:
    """``stored`` with ``override_id``, or ``pending`` with ``approval_id`` (a loosening awaiting approval)."""

    status: str
    direction: str
    override_id: str | None = None
    approval_id: str | None = None


def propose_override(
    session: Session,
    *,
    jurisdiction: str,
    rule_id: str,
    params: dict[str, Any],
    reason: str,
    requester: Principal,
) -> OverrideOutcome:
    """Check an override against the rulebook (RulebookError when refused); store a tightening, and put a
    loosening up for a second compliance officer's approval."""
    j = jurisdiction.upper()
    direction = override_direction(
        session, jurisdiction=j, rule_id=rule_id, params=params, reason=reason, actor=requester.actor
    )
    if direction == "loosen":
        row = approvals.request_approval(
            session,
            kind=KIND,
            subject=f"{j}:{rule_id}",
            request={"jurisdiction": j, "rule": rule_id, "params": params, "reason": reason},
            requester=requester,
        )
        return OverrideOutcome(status="pending", direction=direction, approval_id=row.id)
    oid = save_override(
        session, jurisdiction=j, rule_id=rule_id, params=params, reason=reason, actor=requester.actor
    )
    return OverrideOutcome(status="stored", direction=direction, override_id=oid)


def decide_loosening(
    session: Session, approval_id: str, *, decider: Principal, approve: bool, note: str | None = None
) -> Approval:
    """A second compliance officer approves (the override is stored now, checked again against today's
    rulebook and overrides, its actor the requester) or refuses a pending loosening."""
    approvals.get(session, approval_id, kind=KIND)
    row = approvals.decide(session, approval_id, decider=decider, approve=approve, note=note)
    if approve:
        req = row.request
        row.result_ref = save_override(
            session,
            jurisdiction=req["jurisdiction"],
            rule_id=req["rule"],
            params=dict(req["params"]),
            reason=f"{req['reason']} (approved by {decider.actor})",
            actor=row.requested_by,
        )
    return row


def pending_loosenings(session: Session) -> list[Approval]:
    return approvals.pending(session, KIND)
