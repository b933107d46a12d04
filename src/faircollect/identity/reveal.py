"""Revealing full personal data: one rule for the API and the console.

A reveal needs the ``borrower:reveal`` permission and a stated reason, is rate-limited per user (a leaked or
misused account cannot dump the book), and is written to the audit log with the reason before anything is shown.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from faircollect.compliance.audit import service as audit
from faircollect.identity.errors import Forbidden
from faircollect.identity.permissions import Permission
from faircollect.identity.principal import Principal
from faircollect.identity.ratelimit import RateLimits
from faircollect.kit.errors import ValidationError

MIN_REASON_LENGTH = 5


def authorise_reveal(
    session: Session,
    principal: Principal,
    *,
    subject_type: str,
    subject_id: str,
    reason: str,
    limits: RateLimits,
    per_hour: int,
) -> None:
    """Allow one reveal of ``subject_type:subject_id`` to ``principal`` or raise (403, 422, 429). Audited."""
    if not principal.can(Permission.BORROWER_REVEAL):
        raise Forbidden(f"{principal.actor} may not reveal personal data (needs 'borrower:reveal')")
    reason = (reason or "").strip()
    if len(reason) < MIN_REASON_LENGTH:
        raise ValidationError(
            f"say why the full data is needed (at least {MIN_REASON_LENGTH} characters)", field="reason"
        )
    limits.enforce(f"{per_hour}/hour", "reveal", principal.id, what="reveals of personal data this hour")
    audit.record(
        session,
        actor=principal.actor,
        action="personal_data.revealed",
        subject_type=subject_type,
        subject_id=subject_id,
        payload={"reason": reason},
    )
