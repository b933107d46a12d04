"""``POST /v1/compliance/check`` (the gate, same shapes as ``faircollect gate --format jsonl``) and
``GET /v1/compliance/rules/{jurisdiction}``."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from faircollect.api.deps import Permission, Principal, SessionDep, require
from faircollect.compliance import service
from faircollect.compliance.facts import lender_rulebook, save_override
from faircollect.compliance.rulebook import JURISDICTIONS
from faircollect.compliance.schemas import CheckIn, CheckOut, check_out
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
    session: Session = SessionDep,
    principal: Principal = require(Permission.OVERRIDE_REQUEST),
) -> dict[str, Any]:
    """Store a lender override (tightening always allowed; loosening a [C] rule is refused with 422)."""
    j = jurisdiction.upper()
    if j not in JURISDICTIONS:
        raise NotFound(
            f"no rulebook for {jurisdiction!r}; available: {', '.join(JURISDICTIONS)}", field="jurisdiction"
        )
    oid = save_override(
        session,
        jurisdiction=j,
        rule_id=body.rule,
        params=body.params,
        reason=body.reason,
        actor=principal.actor,
    )
    rb = lender_rulebook(session, j)
    return {"id": oid, **rb.overrides[-1].to_json(), "rulebook_version": rb.effective_version}
