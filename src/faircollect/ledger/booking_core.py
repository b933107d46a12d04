"""The machinery every booking goes through: the row lock, idempotency keys, the stored event, and ledger entries
derived from the replay.

``_append`` locks the loan (``repository.lock_loan``), looks the idempotency key up, then appends the event, derives
the ledger entries from the replay's postings (``_sync_entries``) and appends to the audit log — all in the caller's
transaction. Also here: the result types (``Booking``, ``Allocation``), reading a stored loan into the pure core
(``contract_terms``, ``effective_terms``, ``core_events``, ``replay_loan``) and the checks shared by the writers.

Part of ``ledger.booking``, which holds the writers (disbursements, payments, reversals, waivers, pauses,
write-offs) and ageing, and re-exports every name defined here; import them from ``ledger.service``.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from faircollect.compliance.audit import service as audit
from faircollect.kit.errors import Conflict, NotFound, ValidationError
from faircollect.kit.ids import new_id
from faircollect.kit.money import check_currency, format_minor
from faircollect.kit.time import utc_now
from faircollect.ledger import repository as repo
from faircollect.ledger.allocation import waterfall_from_json
from faircollect.ledger.buckets import BUCKET_SETS
from faircollect.ledger.events_json import AnyEvent, event_to_json, parse_event
from faircollect.ledger.models import (
    LedgerEntry,
    Loan,
    LoanEvent,
)
from faircollect.ledger.replay import Replayed, replay_detailed
from faircollect.ledger.terms_json import parse_terms
from faircollect.ledger.types import (
    Component,
    Disbursement,
    LoanState,
    LoanTerms,
    Pause,
    Payment,
    PrepaymentMode,
    Reversal,
    Waiver,
    WriteOff,
)
from faircollect.ledger.types import LoanEvent as CoreEvent

#: Entry kinds that mirror the replay's postings (``disbursement`` and ``written_off`` entries are booked directly).
POSTING_KINDS = ("payment", "waiver", "prepayment", "reallocated", "credit")


@dataclass(frozen=True, slots=True)
class Allocation:
    instalment_number: int | None
    kind: str  # payment | waiver | prepayment | reallocated | credit | written_off | disbursement
    component: str
    amount_minor: int


@dataclass(frozen=True, slots=True)
class Booking:
    """The result of posting an event. ``created`` is False when the same key and content were already booked."""

    event_id: str
    loan_id: str
    key: str
    type: str
    date: date
    amount_minor: int | None
    currency: str
    created: bool
    allocations: tuple[Allocation, ...]


def audit_change(
    session: Session, *, actor: str, action: str, subject_type: str, subject_id: str, **payload: Any
) -> None:
    """Append a ledger state change to the audit log (inside the caller's transaction)."""
    audit.record(
        session, actor=actor, action=action, subject_type=subject_type, subject_id=subject_id, payload=payload
    )


def locked_loan(session: Session, loan_id: str) -> Loan:
    """The loan, row-locked until the caller's transaction ends (NotFound if there is none)."""
    loan = repo.lock_loan(session, loan_id)
    if loan is None:
        raise NotFound(f"no loan {loan_id}", field="loan_id")
    return loan


def contract_terms(loan: Loan) -> LoanTerms:
    """The loan's stored (contract) terms, parsed."""
    return parse_terms(loan.terms, where="loan.terms")


def disbursed_tranches(events: Sequence[LoanEvent]) -> tuple[Disbursement, ...]:
    return tuple(
        Disbursement(e.date, int(e.amount_minor or 0))
        for e in sorted(
            (e for e in events if e.type == "disbursement"), key=lambda e: (e.date, e.recorded_at)
        )
    )


def effective_terms(loan: Loan, events: Sequence[LoanEvent]) -> LoanTerms:
    """The contract terms with the tranches actually paid out (a partly drawn loan amortises what was drawn)."""
    terms = contract_terms(loan)
    actual = disbursed_tranches(events)
    return dataclasses.replace(terms, disbursements=actual) if actual else terms


def event_json(
    type: str, *, key: str, on: date, amount_minor: int | None, extra: Mapping[str, Any], currency: str
) -> dict[str, Any]:
    """The stored ``loan_event.payload``: the event in ``ledger.events_json`` form (what ``parse_event`` reads)."""
    amount = int(amount_minor or 0)
    ev: AnyEvent
    if type == "payment":
        mode = extra.get("prepayment")
        ev = Payment(key, on, amount, PrepaymentMode(mode) if mode else None)
    elif type == "reversal":
        ev = Reversal(key, on, str(extra["payment_key"]))
    elif type == "waiver":
        ev = Waiver(key, on, Component(extra["component"]), amount)
    elif type == "pause":
        ev = Pause(key, on, extra["end"])
    elif type == "write_off":
        ev = WriteOff(key, on)
    elif type == "restructure":
        ev = parse_event({**extra, "type": type, "key": key, "date": on.isoformat()}, currency=currency)
    else:
        ev = Disbursement(on, amount)
    return event_to_json(ev, currency=currency, key=key)


def to_core_event(e: LoanEvent, currency: str) -> CoreEvent | None:
    """Stored event → the pure core's event (disbursements are taken separately, see ``disbursed_tranches``)."""
    if e.type == "disbursement":
        return None
    ev = parse_event(e.payload, currency=currency, where=f"loan_event {e.key}")
    assert not isinstance(ev, Disbursement)
    return ev


def core_events(events: Sequence[LoanEvent], currency: str) -> list[CoreEvent | Disbursement]:
    """The replay's input: actual tranches (they replace the planned ones) and the loan's events, in stored order."""
    out: list[CoreEvent | Disbursement] = list(disbursed_tranches(events))
    out += [c for c in (to_core_event(e, currency) for e in events) if c is not None]
    return out


def replay_loan_detailed(loan: Loan, events: Sequence[LoanEvent], as_of: date) -> Replayed:
    return replay_detailed(
        contract_terms(loan),
        core_events(events, loan.currency),
        as_of,
        waterfall=waterfall_from_json(loan.waterfall) if loan.waterfall else None,
        bucket_set=BUCKET_SETS[loan.bucket_set],
    )


def replay_loan(loan: Loan, events: Sequence[LoanEvent], as_of: date) -> LoanState:
    return replay_loan_detailed(loan, events, as_of).state


def _as_of_for(events: Sequence[LoanEvent]) -> date:
    return max(e.date for e in events)


def _sync_entries(
    session: Session, loan: Loan, event: LoanEvent, events: Sequence[LoanEvent]
) -> list[LedgerEntry]:
    """Append entries so that the loan's entries sum to the replay's postings; attribute the deltas to ``event``.

    A back-dated payment or a reversal may move earlier allocations: the difference is booked as new, opposite
    entries, never by editing old ones.
    """
    replayed = replay_loan_detailed(loan, events, _as_of_for(events))
    state = replayed.state
    target: dict[tuple[str, int | None, str], int] = {}
    for p in replayed.postings:
        k = (
            p.kind,
            p.number if p.component is not None else None,
            p.component.value if p.component else "credit",
        )
        target[k] = target.get(k, 0) + p.amount_minor
    existing = {k: v for k, v in repo.entry_totals(session, loan.id).items() if k[0] in POSTING_KINDS}
    now = utc_now()
    entries = []
    for k in sorted(set(target) | set(existing), key=lambda k: (k[0], k[1] or 0, k[2])):
        delta = target.get(k, 0) - existing.get(k, 0)
        if delta:
            entries.append(
                LedgerEntry(
                    id=new_id("le"),
                    loan_id=loan.id,
                    event_id=event.id,
                    kind=k[0],
                    instalment_number=k[1],
                    component=k[2],
                    amount_minor=delta,
                    currency=loan.currency,
                    value_date=event.date,
                    booked_at=now,
                )
            )
    repo.add_all(session, entries)
    if state.closed and loan.status == "active":
        loan.status = "closed"
        loan.closed_at = now
    elif not state.closed and loan.status == "closed":
        loan.status = "active"  # a reversal reopened it
        loan.closed_at = None
    session.flush()
    return entries


def _booking(loan: Loan, e: LoanEvent, created: bool, entries: Sequence[LedgerEntry]) -> Booking:
    return Booking(
        event_id=e.id,
        loan_id=loan.id,
        key=e.key,
        type=e.type,
        date=e.date,
        amount_minor=e.amount_minor,
        currency=loan.currency,
        created=created,
        allocations=tuple(
            Allocation(x.instalment_number, x.kind, x.component, x.amount_minor) for x in entries
        ),
    )


def _check_key(key: str) -> str:
    if not key or not key.strip():
        raise ValidationError("an idempotency key is required", field="key")
    if len(key) > 120:
        raise ValidationError("idempotency keys are at most 120 characters", field="key")
    return key.strip()


def _append(
    session: Session,
    *,
    loan_id: str,
    key: str,
    type: str,
    on: date,
    amount_minor: int | None,
    payload: dict[str, Any],
    actor: str,
    allowed_status: tuple[str, ...],
    check: Any = None,
) -> Booking:
    """Lock the loan; return the existing booking for a repeated key, refuse a reused key, else append the event.

    ``payload`` holds the type's own fields (``payment_key``, ``component``, ``end``, ``prepayment``); the stored
    payload is the whole event in ``events_json`` form, and "same content" means an equal stored payload.
    """
    key = _check_key(key)
    loan = locked_loan(session, loan_id)
    stored = event_json(
        type, key=key, on=on, amount_minor=amount_minor, extra=payload, currency=loan.currency
    )
    existing = repo.event_by_key(session, loan_id, key)
    if existing is not None:
        same = (
            existing.type == type
            and existing.date == on
            and existing.amount_minor == amount_minor
            and existing.payload == stored
        )
        if not same:
            raise Conflict(
                f"idempotency key {key!r} was already used on {existing.date} for a {existing.type} of "
                f"{format_minor(existing.amount_minor or 0, loan.currency)} {loan.currency} with other content",
                field="key",
            )
        return _booking(loan, existing, False, repo.entries_of(session, loan_id, event_id=existing.id))
    if loan.status not in allowed_status:
        raise Conflict(
            f"loan {loan_id} is {loan.status}; a {type} needs one of: {', '.join(allowed_status)}",
            field="status",
        )
    events = list(repo.events_of(session, loan_id))
    if check is not None:
        check(loan, events)
    e = LoanEvent(
        id=new_id("ev"),
        loan_id=loan_id,
        key=key,
        type=type,
        date=on,
        amount_minor=amount_minor,
        payload=stored,
        actor=actor,
        recorded_at=utc_now(),
    )
    repo.add_all(session, [e])
    events.append(e)
    if type == "disbursement":
        entries = [
            LedgerEntry(
                id=new_id("le"),
                loan_id=loan_id,
                event_id=e.id,
                kind="disbursement",
                instalment_number=None,
                component="principal",
                amount_minor=int(amount_minor or 0),
                currency=loan.currency,
                value_date=on,
                booked_at=utc_now(),
            )
        ]
        repo.add_all(session, entries)
        entries += _sync_entries(session, loan, e, events)
    else:
        entries = _sync_entries(session, loan, e, events)
    audit_change(
        session,
        actor=actor,
        action=f"ledger.{type}.posted",
        subject_type="loan",
        subject_id=loan_id,
        event=stored,
        currency=loan.currency,
    )
    return _booking(loan, e, True, entries)


def _positive(amount_minor: int, field: str = "amount") -> int:
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int):
        raise ValidationError(
            f"amount must be an integer count of minor units, got {amount_minor!r}", field=field
        )
    if amount_minor <= 0:
        raise ValidationError(f"amount must be greater than zero, got {amount_minor}", field=field)
    return amount_minor


def _not_before_disbursement(on: date, field: str = "date") -> Any:
    def check(_loan: Loan, events: Sequence[LoanEvent]) -> None:
        first = min((e.date for e in events if e.type == "disbursement"), default=None)
        if first is None:
            raise Conflict("the loan has not been disbursed", field="status")
        if on < first:
            raise ValidationError(f"{on} is before the loan's first disbursement on {first}", field=field)

    return check


def _currency(loan_currency: str, currency: str | None) -> None:
    if currency is not None and check_currency(currency) != loan_currency:
        raise ValidationError(
            f"currency {currency} differs from the loan's {loan_currency}", field="currency"
        )
