"""Four eyes: a change that one person asks for and a second, different person approves or refuses.

Generic over the kind of change: the caller stores the request's arguments and, on approval, applies them itself
(``compliance.overrides`` does so for a loosened rule). The decider is checked against the requester on identities
(actor strings of authenticated principals), never on names typed into a form.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from faircollect.compliance.audit import service as audit
from faircollect.identity.errors import Forbidden
from faircollect.identity.models import Approval
from faircollect.identity.principal import Principal
from faircollect.kit.errors import Conflict, NotFound
from faircollect.kit.ids import new_id
from faircollect.kit.time import utc_now


def request_approval(
    session: Session, *, kind: str, subject: str, request: dict[str, Any], requester: Principal
) -> Approval:
    """Store a pending change for a second person. Audited (``approval.requested``)."""
    row = Approval(
        id=new_id("apr"),
        kind=kind,
        subject=subject,
        request=request,
        status="pending",
        requested_by=requester.actor,
        requested_at=utc_now(),
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=requester.actor,
        action="approval.requested",
        subject_type=kind,
        subject_id=subject,
        payload={"approval_id": row.id, "request": request},
    )
    return row


def pending(session: Session, kind: str | None = None) -> list[Approval]:
    stmt = select(Approval).where(Approval.status == "pending").order_by(Approval.requested_at)
    if kind:
        stmt = stmt.where(Approval.kind == kind)
    return list(session.scalars(stmt))


def get(session: Session, approval_id: str, *, kind: str | None = None) -> Approval:
    row = session.get(Approval, approval_id)
    if row is None or (kind is not None and row.kind != kind):
        raise NotFound(f"no approval {approval_id}", field="approval_id")
    return row


def decide(
    session: Session, approval_id: str, *, decider: Principal, approve: bool, note: str | None
) -> Approval:
    """Approve or refuse a pending change: 403 for its own requester, 409 when already decided. Audited.

    The caller applies an approved change in the same transaction and sets ``result_ref``."""
    row = session.execute(
        select(Approval).where(Approval.id == approval_id).with_for_update()
    ).scalar_one_or_none()
    if row is None:
        raise NotFound(f"no approval {approval_id}", field="approval_id")
    if row.status != "pending":
        raise Conflict(
            f"approval {approval_id} was already {row.status} by {row.decided_by}", field="approval_id"
        )
    if decider.same_identity(row.requested_by):
        raise Forbidden("four eyes: the requester may not approve or refuse their own request")
    row.status = "approved" if approve else "refused"
    row.decided_by = decider.actor
    row.decided_at = utc_now()
    row.note = (note or "").strip() or None
    audit.record(
        session,
        actor=decider.actor,
        action=f"approval.{row.status}",
        subject_type=row.kind,
        subject_id=row.subject,
        payload={"approval_id": row.id, "requested_by": row.requested_by, "note": row.note},
    )
    return row


def as_json(row: Approval) -> dict[str, Any]:
    return {
        "id": row.id,
        "kind": row.kind,
        "subject": row.subject,
        "request": row.request,
        "status": row.status,
        "requested_by": row.requested_by,
        "requested_at": row.requested_at.isoformat(),
        "decided_by": row.decided_by,
        "decided_at": row.decided_at.isoformat() if row.decided_at else None,
        "note": row.note,
        "result_ref": row.result_ref,
    }
