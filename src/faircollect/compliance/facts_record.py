"""Changing the facts: contact attempts (:func:`record_attempts`, :func:`record_attempt`, the dispatcher's
:func:`attempt_values` / :func:`attempt_payload` / :func:`insert_attempts`, :func:`update_attempt_outcome`), holds,
channel preferences (opt-outs, consents, third-party stop requests, agreed windows) and the lender's rule overrides.

Every state change appends an audit record (``compliance.audit.service.record``). Services never commit.
Part of the facts store; import these through ``faircollect.compliance.facts`` (which re-exports them).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import insert
from sqlalchemy.orm import Session

from faircollect.compliance.audit import service as audit
from faircollect.compliance.contact import (
    Channel,
    HoldKind,
    Outcome,
    Purpose,
    RecipientRole,
)
from faircollect.compliance.facts_load import _borrower, active_overrides
from faircollect.compliance.models import (
    ChannelPreference,
    ContactAttempt,
    Hold,
    RuleOverride,
)
from faircollect.compliance.rulebook import AppliedOverride, Rulebook, load_rulebook
from faircollect.kit.errors import NotFound, ValidationError
from faircollect.kit.ids import new_id
from faircollect.kit.masking import mask_phone, mask_text
from faircollect.kit.time import ensure_aware, utc_now
from faircollect.privacy import seal_payload, seal_rows


def mask_address(address: str | None) -> str | None:
    """A phone number or e-mail address as it may appear in logs and audit records."""
    if address is None:
        return None
    return mask_text(address) if "@" in address else mask_phone(address)


@dataclass(frozen=True, slots=True)
class AttemptIn:
    """One contact attempt to record (see :func:`record_attempts`)."""

    borrower_id: str
    loan_id: str | None
    channel: Channel | str
    recipient_role: RecipientRole | str
    address: str | None
    at: datetime
    outcome: Outcome | str
    actor: str
    agency_id: str | None = None
    purpose: Purpose | str = Purpose.COLLECT
    decision_ref: str | None = None


def attempt_values(items: Sequence[AttemptIn]) -> list[dict[str, Any]]:
    """The ``contact_attempt`` rows for ``items`` as column values (validated, ids assigned; nothing written).

    For a caller that audits each attempt inside a larger record of its own (the dispatcher: one record per
    message holding the decision and its attempt, :func:`attempt_payload`) and then calls :func:`insert_attempts`;
    everyone else calls :func:`record_attempts`, which does both with one record per attempt."""
    now = utc_now()
    return [
        {
            "id": new_id("att"),
            "borrower_id": a.borrower_id,
            "loan_id": a.loan_id,
            "channel": Channel(a.channel).value,
            "recipient_role": RecipientRole(a.recipient_role).value,
            "purpose": Purpose(a.purpose).value,
            "address": a.address,
            "at": ensure_aware(a.at),
            "outcome": Outcome(a.outcome).value,
            "agency_id": a.agency_id,
            "actor": a.actor,
            "decision_ref": a.decision_ref,
            "created_at": now,
        }
        for a in items
    ]


def attempt_payload(values: Mapping[str, Any]) -> dict[str, Any]:
    """What the audit log says about an attempt (the address masked)."""
    return {
        "attempt_id": values["id"],
        "loan_id": values["loan_id"],
        "channel": values["channel"],
        "recipient_role": values["recipient_role"],
        "purpose": values["purpose"],
        "address": mask_address(values["address"]),
        "at": values["at"].isoformat(),
        "outcome": values["outcome"],
        "agency_id": values["agency_id"],
        "decision_ref": values["decision_ref"],
    }


def insert_attempts(session: Session, values: Sequence[Mapping[str, Any]]) -> None:
    """Insert rows made by :func:`attempt_values` in one statement (the caller audits them)."""
    if values:
        session.execute(insert(ContactAttempt), seal_rows(session, ContactAttempt, values))


def record_attempts(session: Session, items: Sequence[AttemptIn]) -> list[str]:
    """Record contact attempts (by the lender or an agency), inserted together and audited together (one
    ``contact.attempt_recorded`` record each, the audit head locked once); returns their ids in order."""
    values = attempt_values(items)
    if not values:
        return []
    insert_attempts(session, values)
    audit.record_many(
        session,
        [
            {
                "actor": v["actor"],
                "action": "contact.attempt_recorded",
                "subject_type": "borrower",
                "subject_id": v["borrower_id"],
                "payload": attempt_payload(v),
            }
            for v in values
        ],
    )
    return [v["id"] for v in values]


def record_attempt(
    session: Session,
    *,
    borrower_id: str,
    loan_id: str | None,
    channel: Channel | str,
    recipient_role: RecipientRole | str,
    address: str | None,
    at: datetime,
    outcome: Outcome | str,
    agency_id: str | None = None,
    actor: str,
    purpose: Purpose | str = Purpose.COLLECT,
    decision_ref: str | None = None,
) -> str:
    """Record one contact attempt (by the lender or an agency); returns its id. Audited.

    One attempt's case of :func:`record_attempts`."""
    item = AttemptIn(
        borrower_id=borrower_id,
        loan_id=loan_id,
        channel=channel,
        recipient_role=recipient_role,
        address=address,
        at=at,
        outcome=outcome,
        actor=actor,
        agency_id=agency_id,
        purpose=purpose,
        decision_ref=decision_ref,
    )
    return record_attempts(session, [item])[0]


def update_attempt_outcome(
    session: Session, attempt_id: str, outcome: Outcome | str, *, actor: str = "system"
) -> None:
    """Correct an attempt's outcome (e.g. no_answer → connected, sent → delivered). Audited."""
    row = session.get(ContactAttempt, attempt_id)
    if row is None:
        raise NotFound(f"no contact attempt {attempt_id!r}", field="attempt_id")
    before = row.outcome
    row.outcome = Outcome(outcome).value
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="contact.outcome_updated",
        subject_type="borrower",
        subject_id=row.borrower_id,
        payload={"attempt_id": attempt_id, "from": before, "to": row.outcome},
    )


def set_hold(
    session: Session,
    *,
    borrower_id: str,
    kind: HoldKind | str,
    reason: str,
    actor: str,
    until: datetime | None = None,
    at: datetime | None = None,
) -> str:
    """Put a hold on the borrower (dispute, complaint, cease-contact, ...); returns its id. Audited."""
    if not reason or not reason.strip():
        raise ValidationError("a hold needs a reason", field="reason")
    _borrower(session, borrower_id)
    row = Hold(
        id=new_id("hold"),
        borrower_id=borrower_id,
        kind=HoldKind(kind).value,
        reason=reason.strip(),
        set_by=actor,
        set_at=ensure_aware(at) if at else utc_now(),
        until=ensure_aware(until, field="until") if until else None,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="contact.hold_set",
        subject_type="borrower",
        subject_id=borrower_id,
        # The reason is what the person told us: sealed under their key here too (erased with them).
        payload=seal_payload(
            session,
            borrower_id,
            {
                "hold_id": row.id,
                "kind": row.kind,
                "reason": row.reason,
                "until": row.until.isoformat() if row.until else None,
            },
            ("reason",),
            scope="hold",
        ),
    )
    return row.id


def release_hold(
    session: Session, *, hold_id: str, actor: str, reason: str = "", at: datetime | None = None
) -> None:
    """Release a hold (idempotent refusal: releasing twice is an error). Audited."""
    row = session.get(Hold, hold_id)
    if row is None:
        raise NotFound(f"no hold {hold_id!r}", field="hold_id")
    if row.released_at is not None:
        raise ValidationError(f"hold {hold_id} was already released", field="hold_id")
    row.released_at = ensure_aware(at) if at else utc_now()
    row.released_by = actor
    row.release_reason = reason or None
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="contact.hold_released",
        subject_type="borrower",
        subject_id=row.borrower_id,
        payload=seal_payload(
            session,
            row.borrower_id,
            {"hold_id": hold_id, "kind": row.kind, "reason": reason},
            ("reason",),
            scope="hold",
        ),
    )


def _preference(
    session: Session,
    *,
    borrower_id: str,
    kind: str,
    channel: Channel | str | None,
    address: str | None,
    at: datetime,
    source: str,
    actor: str,
    value: dict[str, Any] | None = None,
) -> str:
    if not source or not source.strip():
        raise ValidationError(
            "the source of a preference is required (where did it come from?)", field="source"
        )
    _borrower(session, borrower_id)
    row = ChannelPreference(
        id=new_id("pref"),
        borrower_id=borrower_id,
        kind=kind,
        channel=Channel(channel).value if channel else None,
        address=address,
        value=value,
        at=ensure_aware(at),
        source=source.strip()[:120],
        actor=actor,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=f"contact.{kind}_recorded",
        subject_type="borrower",
        subject_id=borrower_id,
        payload={
            "preference_id": row.id,
            "channel": row.channel,
            "address": mask_address(address),
            "at": row.at.isoformat(),
            "source": row.source,
            "value": value,
        },
    )
    return row.id


def record_opt_out(
    session: Session,
    *,
    borrower_id: str,
    channel: Channel | str,
    at: datetime,
    source: str,
    actor: str,
    address: str | None = None,
) -> str:
    """The borrower opted out of a channel (e.g. replied STOP); the gate honours it from ``at``. Audited."""
    return _preference(
        session,
        borrower_id=borrower_id,
        kind="opt_out",
        channel=channel,
        address=address,
        at=at,
        source=source,
        actor=actor,
    )


def record_consent(
    session: Session,
    *,
    borrower_id: str,
    channel: Channel | str,
    at: datetime,
    source: str,
    actor: str,
    address: str | None = None,
) -> str:
    """Prior express consent for a channel (US-TCPA for SMS). Audited."""
    return _preference(
        session,
        borrower_id=borrower_id,
        kind="consent",
        channel=channel,
        address=address,
        at=at,
        source=source,
        actor=actor,
    )


def record_third_party_stop(
    session: Session, *, borrower_id: str, address: str, at: datetime, source: str, actor: str
) -> str:
    """A third party asked not to be contacted again (CN-3P-LOST-CONTACT-ONLY: stop on request). Audited."""
    return _preference(
        session,
        borrower_id=borrower_id,
        kind="third_party_stop",
        channel=None,
        address=address,
        at=at,
        source=source,
        actor=actor,
    )


def set_agreed_window(
    session: Session, *, borrower_id: str, start: str, end: str, at: datetime, source: str, actor: str
) -> str:
    """A contact window the borrower agreed to (replaces the default hours where the law allows). Audited."""
    import re

    for name, value in (("start", start), ("end", end)):
        if not re.fullmatch(r"([01]\d|2[0-3]):[0-5]\d|24:00", value):
            raise ValidationError(f'expected "HH:MM", got {value!r}', field=name)
    if start == end:
        raise ValidationError("the window must not start and end at the same time", field="end")
    return _preference(
        session,
        borrower_id=borrower_id,
        kind="agreed_window",
        channel=None,
        address=None,
        at=at,
        source=source,
        actor=actor,
        value={"start": start, "end": end},
    )


def revoke_preference(
    session: Session, *, preference_id: str, actor: str, at: datetime | None = None
) -> None:
    """Withdraw an opt-out, consent, stop request or agreed window (e.g. TCPA consent revoked). Audited."""
    row = session.get(ChannelPreference, preference_id)
    if row is None:
        raise NotFound(f"no preference {preference_id!r}", field="preference_id")
    row.revoked_at = ensure_aware(at) if at else utc_now()
    session.flush()
    audit.record(
        session,
        actor=actor,
        action=f"contact.{row.kind}_revoked",
        subject_type="borrower",
        subject_id=row.borrower_id,
        payload={"preference_id": preference_id, "channel": row.channel},
    )


def _checked_override(
    session: Session, *, jurisdiction: str, rule_id: str, params: dict[str, Any], reason: str, actor: str
) -> tuple[Rulebook, AppliedOverride]:
    """The rulebook with the candidate override applied on top of the stored ones (RulebookError when refused)."""
    j = jurisdiction.upper()
    existing = active_overrides(session, j)
    candidate: dict[str, Any] = {"rule": rule_id, "reason": reason, "actor": actor}
    body = dict(params)
    for key in ("enabled", "channels"):
        if key in body:
            candidate[key] = body.pop(key)
    candidate["params"] = body
    rb = load_rulebook(j, overrides=[*existing, candidate])  # raises RulebookError when refused
    return rb, rb.overrides[-1]


def override_direction(
    session: Session, *, jurisdiction: str, rule_id: str, params: dict[str, Any], reason: str, actor: str
) -> str:
    """Whether an override would ``tighten``, ``loosen`` or leave a rule the ``same`` (nothing stored; raises
    RulebookError when the override would be refused). A loosening needs a second compliance officer."""
    _rb, applied = _checked_override(
        session, jurisdiction=jurisdiction, rule_id=rule_id, params=params, reason=reason, actor=actor
    )
    return applied.direction


def save_override(
    session: Session, *, jurisdiction: str, rule_id: str, params: dict[str, Any], reason: str, actor: str
) -> str:
    """Store a lender's rule override after checking it against the rulebook (a [C] rule cannot be loosened).
    ``params`` may hold rule parameters plus ``enabled`` / ``channels``. Audited. Callers route a loosening
    through a second officer's approval first (``compliance.four_eyes``)."""
    j = jurisdiction.upper()
    rb, applied = _checked_override(
        session, jurisdiction=j, rule_id=rule_id, params=params, reason=reason, actor=actor
    )
    row = RuleOverride(
        id=new_id("ovr"),
        jurisdiction=j,
        rule_id=rule_id,
        params=dict(params),
        reason=reason.strip(),
        actor=actor,
        created_at=utc_now(),
        active=True,
    )
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="compliance.rule_override",
        subject_type="rule",
        subject_id=f"{j}:{rule_id}",
        payload={"override_id": row.id, **applied.to_json(), "rulebook_version": rb.effective_version},
    )
    return row.id
