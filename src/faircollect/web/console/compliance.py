"""The compliance officer's desk: the rulebook with citations and the lender's overrides, the audit chain verified
from the page, and the latest audit records."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from faircollect.api.deps import SessionDep
from faircollect.compliance.audit import service as audit_service
from faircollect.compliance.audit.chain import VerifyResult
from faircollect.compliance.audit.models import AuditRecord
from faircollect.compliance.facts_load import lender_rulebook
from faircollect.compliance.rulebook import JURISDICTIONS
from faircollect.config import get_settings
from faircollect.identity.dependencies import require
from faircollect.identity.principal import Principal
from faircollect.kit.errors import ValidationError
from faircollect.web.console.common import P, back, flash_of, page

router = APIRouter()
DB = SessionDep  # committed before the response is sent (a redirect never races its write)


@router.get("/rules", include_in_schema=False)
def rules(
    request: Request,
    jurisdiction: str = "CN",
    principal: Principal = require(P.RULES_READ),
    session: Session = DB,
) -> Response:
    """The rulebook as the gate applies it (with the lender's overrides): each rule, its parameters, its citation."""
    j = jurisdiction.upper()
    if j not in JURISDICTIONS:
        raise ValidationError(
            f"unknown jurisdiction {jurisdiction!r}; expected one of {', '.join(JURISDICTIONS)}",
            field="jurisdiction",
        )
    rb = lender_rulebook(session, j)
    return page(
        request,
        principal,
        "console/rules.html",
        {"rb": rb, "jurisdictions": JURISDICTIONS, "jurisdiction": j, **flash_of(request)},
    )


def _recent(session: Session, limit: int = 50) -> list[AuditRecord]:
    return list(session.execute(select(AuditRecord).order_by(AuditRecord.seq.desc()).limit(limit)).scalars())


@router.get("/audit", include_in_schema=False)
def audit_page(
    request: Request, principal: Principal = require(P.AUDIT_READ), session: Session = DB
) -> Response:
    """The latest audit records; the chain is verified on demand (it walks every record)."""
    return page(request, principal, "console/audit.html", {"records": _recent(session), "result": None})


@router.post("/audit/verify", include_in_schema=False)
def audit_verify(
    request: Request, principal: Principal = require(P.AUDIT_READ), session: Session = DB
) -> Response:
    """``faircollect audit verify`` from the page: the same ``audit_service.verify`` with the same trusted key and
    the same external receipts, so a tail cut with its head rewritten (which the database alone cannot show) is
    named here as in the CLI. Without a trusted key or a readable receipt sink the page says it could not verify."""
    result = _verify_like_the_cli(session)
    return page(
        request,
        principal,
        "console/audit.html",
        {"records": _recent(session), "result": result},
    )


def _verify_like_the_cli(session: Session) -> VerifyResult:
    """What ``faircollect audit verify`` answers with its defaults: the trusted key is FAIRCOLLECT_AUDIT_PUBLIC_KEY,
    else the public half of FAIRCOLLECT_AUDIT_KEY_FILE; the receipts are FAIRCOLLECT_AUDIT_SINK's. Signatures are
    never skipped and the receipts never left out: either missing is a failure, not an "intact"."""
    settings = get_settings()
    trusted = settings.audit_public_key or audit_service.trusted_key_from_file(settings.audit_key_file)
    if trusted is None:
        return VerifyResult(
            False,
            0,
            None,
            f"no trusted public key (FAIRCOLLECT_AUDIT_PUBLIC_KEY unset, {settings.audit_key_file} not found): "
            "the chain was not verified",
        )
    try:
        held = audit_service.receipt_sink().read()
    except (
        Exception
    ) as exc:  # a missing, unreadable or unreachable sink is a failure to verify, never an "ok"
        return VerifyResult(
            False,
            0,
            None,
            f"the receipt sink could not be read ({type(exc).__name__}): the chain was not verified",
        )
    return audit_service.verify(session, trusted_public_key=trusted, receipts=held)


def _override_context(session: Session, jurisdiction: str) -> dict[str, Any]:
    from faircollect.compliance.overrides import pending_loosenings

    j = jurisdiction.upper() if jurisdiction.upper() in JURISDICTIONS else "CN"
    rb = lender_rulebook(session, j)
    return {
        "rb": rb,
        "jurisdiction": j,
        "jurisdictions": JURISDICTIONS,
        "configurable": [r for r in rb.rules if r.configurable],
        "pending": pending_loosenings(session),
    }


@router.get("/overrides", include_in_schema=False)
def overrides(
    request: Request,
    jurisdiction: str = "CN",
    principal: Principal = require(P.OVERRIDE_REQUEST),
    session: Session = DB,
) -> Response:
    """The lender's rule overrides: propose one (a tightening applies at once, a loosening waits for a second
    compliance officer), and the loosenings waiting for a decision."""
    return page(
        request,
        principal,
        "console/overrides.html",
        {**_override_context(session, jurisdiction), **flash_of(request)},
    )


@router.post("/overrides", include_in_schema=False)
def propose(
    request: Request,
    jurisdiction: str = Form("CN"),
    rule: str = Form(""),
    params: str = Form("{}"),
    reason: str = Form(""),
    principal: Principal = require(P.OVERRIDE_REQUEST),
    session: Session = DB,
) -> Response:
    from faircollect.compliance.overrides import propose_override

    try:
        values = json.loads(params or "{}")
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"the parameters are not JSON: {exc.msg} (column {exc.colno})", field="params"
        ) from exc
    if not isinstance(values, dict):
        raise ValidationError('the parameters must be a JSON object, e.g. {"end": "21:00"}', field="params")
    outcome = propose_override(
        session, jurisdiction=jurisdiction, rule_id=rule, params=values, reason=reason, requester=principal
    )
    key = "override_pending" if outcome.status == "pending" else "override_stored"
    return back(f"/console/overrides?jurisdiction={jurisdiction.upper()}", key)


@router.post("/overrides/{approval_id}/decide", include_in_schema=False)
def decide(
    approval_id: str,
    request: Request,
    decision: str = Form(""),
    note: str = Form(""),
    principal: Principal = require(P.OVERRIDE_APPROVE),
    session: Session = DB,
) -> Response:
    """The second compliance officer's decision (the service refuses the requester: four eyes, on identities)."""
    from faircollect.compliance.overrides import decide_loosening

    decide_loosening(
        session, approval_id, decider=principal, approve=decision == "approve", note=note or None
    )
    return back("/console/overrides", "override_approved" if decision == "approve" else "override_refused")
