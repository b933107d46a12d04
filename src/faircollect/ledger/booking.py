"""Booking events on a loan: the row lock, idempotency keys, entries derived from the replay, and ageing.

Every writer to a loan takes its row lock first (``repository.lock_loan``), looks its idempotency key up, then
appends the event, derives the ledger entries from the replay's postings and appends to the audit log — all in the
caller's transaction. ``ledger.service`` re-exports the public functions; import them from there.
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
    BucketHistory,
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


@dataclass(frozen=True, slots=True)
class BucketChange:
    loan_id: str
    date: date
    from_bucket: str | None
    to_bucket: str
    days_past_due: int


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


def disburse(
    session: Session,
    *,
    loan_id: str,
    date: date,
    amount_minor: int | None = None,
    key: str | None = None,
    actor: str = "system",
) -> Booking:
    """Pay out a tranche (default: the next planned one). The first tranche makes an approved loan active."""
    loan = locked_loan(session, loan_id)
    terms = contract_terms(loan)
    drawn = disbursed_tranches(repo.events_of(session, loan_id))
    n = len(drawn)
    previous = repo.event_by_key(session, loan_id, key) if key else None
    if amount_minor is None and previous is not None:
        amount_minor = previous.amount_minor  # a repeated call with the same key: the same tranche
    if amount_minor is None:
        if n >= len(terms.disbursements):
            raise Conflict(f"all {n} planned tranches of loan {loan_id} are disbursed", field="amount")
        amount_minor = terms.disbursements[n].amount_minor
    _positive(amount_minor)
    key = key or f"disbursement-{n + 1}"
    if repo.event_by_key(session, loan_id, key) is None:
        already = sum(d.amount_minor for d in drawn)
        if already + amount_minor > terms.principal_minor:
            raise ValidationError(
                f"disbursing {format_minor(amount_minor, loan.currency)} would exceed the contracted principal "
                f"{format_minor(terms.principal_minor, loan.currency)} ({format_minor(already, loan.currency)} drawn)",
                field="amount",
            )
        if date < terms.start_date:
            raise ValidationError(f"{date} is before the loan's start date {terms.start_date}", field="date")
        if drawn and date <= drawn[-1].date:
            raise ValidationError(
                f"{date} is not after the previous tranche on {drawn[-1].date} (one tranche a day)",
                field="date",
            )
    booking = _append(
        session,
        loan_id=loan_id,
        key=key,
        type="disbursement",
        on=date,
        amount_minor=amount_minor,
        payload={},
        actor=actor,
        allowed_status=("approved", "active"),
    )
    if booking.created and loan.status == "approved":
        loan.status = "active"
        session.flush()
    return booking


def post_payment(
    session: Session,
    *,
    loan_id: str,
    key: str,
    date: date,
    amount_minor: int,
    currency: str | None = None,
    prepayment: PrepaymentMode | str | None = None,
    actor: str = "system",
) -> Booking:
    """Book money received. Same key + same content → the existing booking; same key + other content → Conflict."""
    _positive(amount_minor)
    mode = PrepaymentMode(prepayment) if prepayment else None
    loan = locked_loan(session, loan_id)
    _currency(loan.currency, currency)
    return _append(
        session,
        loan_id=loan_id,
        key=key,
        type="payment",
        on=date,
        amount_minor=amount_minor,
        payload={"prepayment": mode.value if mode else None},
        actor=actor,
        allowed_status=("active", "closed", "written_off"),
        check=_not_before_disbursement(date),
    )


def reverse_payment(
    session: Session,
    *,
    loan_id: str,
    payment_key: str,
    date: date,
    key: str | None = None,
    actor: str = "system",
) -> Booking:
    """Undo a payment (bounced, charged back); its allocations are replayed away."""
    key = key or f"reversal:{payment_key}"

    def check(_loan: Loan, events: Sequence[LoanEvent]) -> None:
        pay = next((e for e in events if e.key == payment_key), None)
        if pay is None or pay.type != "payment":
            raise NotFound(f"no payment with key {payment_key!r} on loan {loan_id}", field="payment_key")
        if any(e.type == "reversal" and e.payload.get("payment_key") == payment_key for e in events):
            raise Conflict(f"payment {payment_key!r} is already reversed", field="payment_key")
        if date < pay.date:
            raise ValidationError(
                f"the reversal ({date}) is dated before the payment ({pay.date})", field="date"
            )

    return _append(
        session,
        loan_id=loan_id,
        key=key,
        type="reversal",
        on=date,
        amount_minor=None,
        payload={"payment_key": payment_key},
        actor=actor,
        allowed_status=("active", "closed", "written_off"),
        check=check,
    )


def waive(
    session: Session,
    *,
    loan_id: str,
    key: str,
    date: date,
    component: Component | str,
    amount_minor: int,
    actor: str = "system",
) -> Booking:
    """Forgive (减免) part of one component, oldest instalments first; never more than is outstanding."""
    _positive(amount_minor)
    try:
        comp = Component(component)
    except ValueError as exc:
        raise ValidationError(
            f"unknown component {component!r}; one of {', '.join(c.value for c in Component)}",
            field="component",
        ) from exc

    def check(loan: Loan, events: Sequence[LoanEvent]) -> None:
        _not_before_disbursement(date)(loan, events)
        state = replay_loan(loan, events, max(date, _as_of_for(events)))
        outstanding = sum(i.outstanding(comp) for i in state.instalments)
        if amount_minor > outstanding:
            raise ValidationError(
                f"cannot waive {format_minor(amount_minor, loan.currency)} of {comp.value}: only "
                f"{format_minor(outstanding, loan.currency)} is outstanding",
                field="amount",
            )

    return _append(
        session,
        loan_id=loan_id,
        key=key,
        type="waiver",
        on=date,
        amount_minor=amount_minor,
        payload={"component": comp.value},
        actor=actor,
        allowed_status=("active",),
        check=check,
    )


def pause(
    session: Session, *, loan_id: str, key: str, start: date, end: date, actor: str = "system"
) -> Booking:
    """Delinquency pause (deferment, 延期): days in [start, end] do not count towards days past due."""
    if end < start:
        raise ValidationError(f"the pause ends ({end}) before it starts ({start})", field="end")
    return _append(
        session,
        loan_id=loan_id,
        key=key,
        type="pause",
        on=start,
        amount_minor=None,
        payload={"end": end},
        actor=actor,
        allowed_status=("active",),
        check=_not_before_disbursement(start, "start"),
    )


def write_off(session: Session, *, loan_id: str, key: str, date: date, actor: str = "system") -> Booking:
    """Write the loan off (核销): what is outstanding on ``date`` is booked as written off; recoveries still post."""
    booking = _append(
        session,
        loan_id=loan_id,
        key=key,
        type="write_off",
        on=date,
        amount_minor=None,
        payload={},
        actor=actor,
        allowed_status=("active",),
        check=_not_before_disbursement(date),
    )
    if not booking.created:
        return booking
    loan = locked_loan(session, loan_id)
    events = repo.events_of(session, loan_id)
    state = replay_loan(loan, [e for e in events if e.type != "write_off"], date)
    now = utc_now()
    entries = [
        LedgerEntry(
            id=new_id("le"),
            loan_id=loan_id,
            event_id=booking.event_id,
            kind="written_off",
            instalment_number=inst.number,
            component=comp.value,
            amount_minor=inst.outstanding(comp),
            currency=loan.currency,
            value_date=date,
            booked_at=now,
        )
        for inst in state.instalments
        for comp in Component
        if inst.outstanding(comp) > 0
    ]
    repo.add_all(session, entries)
    loan.status = "written_off"
    loan.closed_at = now
    session.flush()
    return dataclasses.replace(
        booking,
        allocations=booking.allocations
        + tuple(Allocation(x.instalment_number, x.kind, x.component, x.amount_minor) for x in entries),
    )


# --- ageing -----------------------------------------------------------------------------------------------


def age_loans(
    session: Session, as_of: date, *, loan_ids: Sequence[str] | None = None, actor: str = "system:ageing"
) -> list[BucketChange]:
    """Replay every active loan on ``as_of``; write a bucket_history row (and an audit record) for each change."""
    loans = (
        list(repo.loans_by_ids(session, loan_ids).values())
        if loan_ids is not None
        else list(repo.list_loans(session, statuses=("active",)))
    )
    loans = [ln for ln in loans if ln.status == "active"]
    events_by_loan = repo.events_for(session, [ln.id for ln in loans])
    changes: list[BucketChange] = []
    now = utc_now()
    rows = []
    for loan in loans:
        events = events_by_loan[loan.id]
        if not disbursed_tranches(events):
            continue
        state = replay_loan(loan, events, as_of)
        if state.bucket == loan.bucket:
            continue
        change = BucketChange(loan.id, as_of, loan.bucket, state.bucket, state.days_past_due)
        rows.append(
            BucketHistory(
                id=new_id("bkt"),
                loan_id=loan.id,
                date=as_of,
                from_bucket=loan.bucket,
                to_bucket=state.bucket,
                days_past_due=state.days_past_due,
                bucket_set=loan.bucket_set,
                recorded_at=now,
            )
        )
        loan.bucket = state.bucket
        changes.append(change)
        audit_change(
            session,
            actor=actor,
            action="ledger.bucket.changed",
            subject_type="loan",
            subject_id=loan.id,
            date=as_of.isoformat(),
            from_bucket=change.from_bucket,
            to_bucket=change.to_bucket,
            days_past_due=change.days_past_due,
        )
    repo.add_all(session, rows)
    return changes


def loan_states(session: Session, loan_ids: Sequence[str], as_of: date) -> dict[str, LoanState]:
    """Replayed states of many loans on ``as_of`` (two queries per 500 loans); undisbursed loans are left out."""
    loans = repo.loans_by_ids(session, loan_ids)
    events_by_loan = repo.events_for(session, list(loans))
    return {
        loan_id: replay_loan(loan, events_by_loan[loan_id], as_of)
        for loan_id, loan in loans.items()
        if disbursed_tranches(events_by_loan[loan_id])
    }
