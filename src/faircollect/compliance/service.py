"""Gate decisions with their audit record: the shell around the pure ``compliance.gate.decide``."""

from __future__ import annotations

import hashlib
from typing import Any

from sqlalchemy.orm import Session

from faircollect.compliance import gate
from faircollect.compliance.audit import service as audit
from faircollect.compliance.contact import ContactFacts, ContactRequest, Decision
from faircollect.compliance.facts import lender_rulebook, mask_address
from faircollect.compliance.rulebook import Rulebook


def decision_payload(request: ContactRequest, decision: Decision, rulebook: Rulebook) -> dict[str, Any]:
    """What the audit log keeps about a decision: rule ids and sentences, the request without personal data (the
    address masked, the text only as a digest)."""
    return {
        "decision": "allow" if decision.allowed else "deny",
        "rules": list(decision.rule_ids),
        "reasons": [
            {"rule": r.rule, "message": r.message_en} for r in decision.reasons if not decision.allowed
        ],
        "next_allowed_at": decision.next_allowed_at.isoformat() if decision.next_allowed_at else None,
        "jurisdiction": rulebook.jurisdiction,
        "rulebook_version": rulebook.effective_version,
        "channel": request.channel.value,
        "recipient_role": request.recipient_role.value,
        "purpose": request.purpose.value,
        "at": request.at.isoformat(),
        "address": mask_address(request.address),
        "agency_id": request.agency_id,
        "visit_id": request.visit_id,
        "text_sha256": hashlib.sha256(request.text.encode()).hexdigest() if request.text else None,
        "lint_verdict": decision.lint_verdict,
        "lint_categories": sorted({getattr(f, "category", "") for f in decision.findings}),
    }


def decide_audit_ref(
    session: Session,
    request: ContactRequest,
    facts: ContactFacts,
    *,
    actor: str,
    borrower_id: str,
    rulebook: Rulebook | None = None,
    action: str = "gate.decision",
    subject_type: str = "borrower",
) -> tuple[Decision, str]:
    """Decide with the lender's rulebook (stored overrides applied) and append the decision to the audit log;
    returns the decision and its reference (``audit:<seq>``) for ``record_attempt(decision_ref=...)``."""
    rb = rulebook or lender_rulebook(session, request.jurisdiction)
    decision = gate.decide(request, facts, rulebook=rb)
    ref = audit_decision(
        session,
        request,
        decision,
        rulebook=rb,
        actor=actor,
        borrower_id=borrower_id,
        action=action,
        subject_type=subject_type,
    )
    return decision, ref


def audit_decision(
    session: Session,
    request: ContactRequest,
    decision: Decision,
    *,
    rulebook: Rulebook,
    actor: str,
    borrower_id: str,
    action: str = "gate.decision",
    subject_type: str = "borrower",
) -> str:
    """Append a decision the gate made (e.g. in the planning core, ``collections.plan_core``) to the audit log;
    returns its reference (``audit:<seq>``)."""
    rec = audit.record(
        session,
        actor=actor,
        action=action,
        subject_type=subject_type,
        subject_id=borrower_id,
        payload=decision_payload(request, decision, rulebook),
    )
    return f"audit:{rec.seq}"


def decide_and_audit(
    session: Session,
    request: ContactRequest,
    facts: ContactFacts,
    *,
    actor: str,
    borrower_id: str,
    rulebook: Rulebook | None = None,
) -> Decision:
    """``gate.decide`` plus an audit record naming the rule ids and the decision (address masked)."""
    decision, _ref = decide_audit_ref(
        session, request, facts, actor=actor, borrower_id=borrower_id, rulebook=rulebook
    )
    return decision
