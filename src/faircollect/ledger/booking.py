"""Booking events on a loan: the row lock, idempotency keys, entries derived from the replay, and ageing.

Every writer to a loan takes its row lock first (``repository.lock_loan``), looks its idempotency key up, then
appends the event, derives the ledger entries from the replay's postings and appends to the audit log — all in the
caller's transaction. ``ledger.service`` re-exports the public functions; import them from there.

Layout: this module holds the writers — ``disburse``, ``post_payment``, ``reverse_payment`` and the adjustments
``waive``, ``pause``, ``write_off`` — and ageing (``age_loans``, ``loan_states``, ``BucketChange``). The machinery
they share (``Booking``, ``Allocation``, ``POSTING_KINDS``, the row lock ``locked_loan``, ``audit_change``, the
stored terms and events read into the replay, ``_append`` and the entries it derives) lives in
``ledger.booking_core`` and is re-exported here, so every name is imported from this module as before.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from faircollect.kit.errors import Conflict, NotFound, ValidationError
from faircollect.kit.ids import new_id
from faircollect.kit.money import format_minor
from faircollect.kit.time import utc_now
from faircollect.ledger import repository as repo
from faircollect.ledger.booking_core import (
    POSTING_KINDS,
    Allocation,
    Booking,
    audit_change,
    contract_terms,
    core_events,
    disbursed_tranches,
    effective_terms,
    event_json,
    locked_loan,
    replay_loan,
    replay_loan_detailed,
    to_core_event,
)
from faircollect.ledger.booking_core import _append as _append
from faircollect.ledger.booking_core import _as_of_for as _as_of_for
from faircollect.ledger.booking_core import _booking as _booking
from faircollect.ledger.booking_core import _check_key as _check_key
from faircollect.ledger.booking_core import _currency as _currency
from faircollect.ledger.booking_core import _not_before_disbursement as _not_before_disbursement
from faircollect.ledger.booking_core import _positive as _positive
from faircollect.ledger.booking_core import _sync_entries as _sync_entries
from faircollect.ledger.models import (
    BucketHistory,
    LedgerEntry,
    Loan,
    LoanEvent,
)
from faircollect.ledger.types import (
    Component,
    LoanState,
    PrepaymentMode,
    Restructure,
)

__all__ = [
    "POSTING_KINDS",
    "Allocation",
    "Booking",
    "BucketChange",
    "age_loans",
    "audit_change",
    "contract_terms",
    "core_events",
    "disburse",
    "disbursed_tranches",
    "effective_terms",
    "event_json",
    "loan_states",
    "locked_loan",
    "pause",
    "post_payment",
    "replay_loan",
    "replay_loan_detailed",
    "reverse_payment",
    "to_core_event",
    "waive",
    "write_off",
]


@dataclass(frozen=True, slots=True)
class BucketChange:
    loan_id: str
    date: date
    from_bucket: str | None
    to_bucket: str
    days_past_due: int


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


def _prepayment_mode(value: PrepaymentMode | str | None) -> PrepaymentMode | None:
    if not value:
        return None
    try:
        return PrepaymentMode(value)
    except ValueError:
        choices = ", ".join(m.value for m in PrepaymentMode)
        raise ValidationError(
            f"unknown prepayment mode {value!r}; expected {choices}", field="prepayment"
        ) from None


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
    mode = _prepayment_mode(prepayment)
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


def restructure(
    session: Session,
    *,
    loan_id: str,
    plan: Restructure,
    actor: str = "system",
) -> Booking:
    """Book a new schedule version (``Restructure``): the replay moves what is owed to the plan's instalments.

    Refused (422, naming the difference) when the plan does not carry exactly the principal and penalty outstanding
    on its date, when its version is not the next one, or when a later event is already booked (a plan starts
    from the loan as it stands).
    """
    from faircollect.ledger.allocation import waterfall_from_json
    from faircollect.ledger.events_json import event_to_json
    from faircollect.ledger.replay import replay_detailed

    found = session.get(Loan, loan_id)
    if found is None:
        raise NotFound(f"no loan {loan_id!r}", field="loan_id")
    extra = {
        k: v
        for k, v in event_to_json(plan, currency=found.currency).items()
        if k not in ("type", "key", "date")
    }

    def check(loan: Loan, events: Sequence[LoanEvent]) -> None:
        _not_before_disbursement(plan.date)(loan, events)
        later = [e for e in events if e.date > plan.date and e.type != "disbursement"]
        if later:
            raise Conflict(
                f"a {later[0].type} is booked on {later[0].date}, after the restructure date {plan.date}",
                field="date",
            )
        versions = [int(e.payload.get("version", 1)) for e in events if e.type == "restructure"]
        expected = max(versions, default=1) + 1
        if plan.version != expected:
            raise Conflict(
                f"schedule version {plan.version} given; the next one is {expected}", field="version"
            )
        replay_detailed(  # raises ValidationError when the plan does not carry what is owed on its date
            contract_terms(loan),
            [*core_events(events, loan.currency), plan],
            plan.date,
            waterfall=waterfall_from_json(loan.waterfall) if loan.waterfall else None,
        )

    return _append(
        session,
        loan_id=loan_id,
        key=plan.key,
        type="restructure",
        on=plan.date,
        amount_minor=sum(i.principal_minor for i in plan.instalments),
        payload=extra,
        actor=actor,
        allowed_status=("active",),
        check=check,
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
