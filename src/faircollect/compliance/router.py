"""``POST /v1/compliance/check`` (the gate, same shapes as ``faircollect gate --format jsonl``) and
``GET /v1/compliance/rules/{jurisdiction}``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from faircollect.api.deps import Permission, Principal, SessionDep, require
from faircollect.compliance import service
from faircollect.compliance.facts import lender_rulebook
from faircollect.compliance.overrides import decide_loosening, pending_loosenings, propose_override
from faircollect.compliance.rulebook import JURISDICTIONS
from faircollect.compliance.schemas import CheckIn, CheckOut, check_out
from faircollect.identity import approvals
from faircollect.kit.errors import NotFound

router = APIRouter(tags=["compliance"])


@router.post("/compliance/check", response_model=CheckOut, response_model_exclude_none=True)
def check_contact(
    body: CheckIn, session: Session = SessionDep, principal: Principal = require(Permission.COMPLIANCE_CHECK)
) -> CheckOut:
    """Decide one proposed contact on the facts given (with the lender's stored rule overrides); the decision
    is appended to the audit log."""
    request, facts = body.to_domain()
    rb = lender_rulebook(session, request.jurisdiction)
    decision, _ref = service.decide_audit_ref(
        session,
        request,
        facts,
        actor=principal.actor,
        borrower_id=str(body.id)[:80] if body.id is not None else "check",
        rulebook=rb,
        action="gate.check",
        subject_type="gate_check",
    )
    return check_out(body.id, decision, rb.effective_version)


@router.get("/compliance/rules/{jurisdiction}")
def get_rules(
    jurisdiction: str, session: Session = SessionDep, principal: Principal = require(Permission.RULES_READ)
) -> dict[str, Any]:
    """The jurisdiction's rulebook as applied (with the lender's overrides): ids, parameters, citations."""
    j = jurisdiction.upper()
    if j not in JURISDICTIONS:
        raise NotFound(
            f"no rulebook for {jurisdiction!r}; available: {', '.join(JURISDICTIONS)}", field="jurisdiction"
        )
    return lender_rulebook(session, j).to_json()


class OverrideIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rule: str = Field(description="Rule id, e.g. CN-FREQ-CONNECTED-3.")
    params: dict[str, Any] = Field(
        default_factory=dict, description="New parameter values; may include enabled and channels."
    )
    reason: str = Field(min_length=1, description="Why; recorded with the override and in the audit log.")


@router.post("/compliance/rules/{jurisdiction}/overrides", status_code=201)
def add_override(
    jurisdiction: str,
    body: OverrideIn,
    response: Response,
    session: Session = SessionDep,
    principal: Principal = require(Permission.OVERRIDE_REQUEST),
) -> dict[str, Any]:
    """Propose a lender override. A tightening is stored at once (201). A loosening waits for a second compliance
    officer (202, ``approval_id``; four eyes). Loosening a [C] rule is refused (422)."""
    j = jurisdiction.upper()
    if j not in JURISDICTIONS:
        raise NotFound(
            f"no rulebook for {jurisdiction!r}; available: {', '.join(JURISDICTIONS)}", field="jurisdiction"
        )
    outcome = propose_override(
        session,
        jurisdiction=j,
        rule_id=body.rule,
        params=body.params,
        reason=body.reason,
        requester=principal,
    )
    if outcome.status == "pending":
        response.status_code = 202
        return {
            "status": "pending_approval",
            "approval_id": outcome.approval_id,
            "direction": outcome.direction,
            "rule": body.rule,
            "requested_by": principal.actor,
        }
    rb = lender_rulebook(session, j)
    return {
        "id": outcome.override_id,
        "status": "stored",
        **rb.overrides[-1].to_json(),
        "rulebook_version": rb.effective_version,
    }


@router.get("/compliance/overrides/pending")
def list_pending_overrides(
    session: Session = SessionDep, principal: Principal = require(Permission.RULES_READ)
) -> list[dict[str, Any]]:
    """Loosenings waiting for a second compliance officer."""
    return [approvals.as_json(a) for a in pending_loosenings(session)]


class DecisionIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    note: str | None = Field(default=None, max_length=2000, description="Why (recorded in the audit log).")


@router.post("/compliance/overrides/pending/{approval_id}/approve")
def approve_override(
    approval_id: str,
    body: DecisionIn,
    session: Session = SessionDep,
    principal: Principal = require(Permission.OVERRIDE_APPROVE),
) -> dict[str, Any]:
    """The second compliance officer approves a loosening (never its requester: 403); the override is stored."""
    row = decide_loosening(session, approval_id, decider=principal, approve=True, note=body.note)
    return approvals.as_json(row)


@router.post("/compliance/overrides/pending/{approval_id}/refuse")
def refuse_override(
    approval_id: str,
    body: DecisionIn,
    session: Session = SessionDep,
    principal: Principal = require(Permission.OVERRIDE_APPROVE),
) -> dict[str, Any]:
    """A second compliance officer refuses a loosening (never its requester: 403); nothing is stored."""
    row = decide_loosening(session, approval_id, decider=principal, approve=False, note=body.note)
    return approvals.as_json(row)
