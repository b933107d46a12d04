"""Promises to pay (承诺还款): made on a case by any channel; kept or broken is read from the ledger, never typed.

A promise is **kept** when the loan's payments (net of reversals) dated from the day it was made up to the promised
date (plus ``grace_days``) reach the promised amount; it is **broken** when that window has passed without them.
A new promise on a case supersedes (cancels) the pending one.

A promise is refused unless its amount is positive and at most what the borrower owes on the loan by the promised
date (``owed_by``), and its date is between the day it is made and ``promise_max_days`` later (30 by default,
``FAIRCOLLECT_COLLECTIONS_PROMISE_MAX_DAYS``; further ahead it is a payment plan).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from faircollect.collections.models import PromiseToPay
from faircollect.collections.service import get_case, net_payments, record_change
from faircollect.kit.errors import Conflict, NotFound, ValidationError
from faircollect.kit.ids import new_id
from faircollect.kit.money import format_minor
from faircollect.ledger import service as ledger
from faircollect.ledger.types import LoanState
from faircollect.relief.plans import owed_on

PROMISE_CHANNELS = ("call", "sms", "email", "im", "visit", "letter", "web", "app", "agency")


def owed_by(state: LoanState) -> int:
    """What the borrower owes on the loan on ``state.as_of`` if nothing more is paid: all unpaid principal and
    penalty, and the interest and fees due by then (what a restructure on that day carries), less credit held."""
    return max(0, owed_on(state, state.as_of).total - state.unallocated_minor)


def make_promise(
    session: Session,
    *,
    case_id: str,
    amount_minor: int,
    promised_date: date,
    channel: str,
    made_on: date,
    actor: str,
    agency_id: str | None = None,
    max_promise_days: int | None = None,
) -> PromiseToPay:
    """Record a promise to pay ``amount_minor`` by ``promised_date`` on an open case (limits: module docstring;
    ``max_promise_days`` None: the lender's setting)."""
    case = get_case(session, case_id)
    if case.status != "open":
        raise Conflict(f"case {case.id} is {case.status}; promises are made on open cases")
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int):
        raise ValidationError("a promise needs an amount in minor units", field="amount")
    if amount_minor <= 0:
        raise ValidationError(
            f"a promise needs a positive amount; {_money(amount_minor, case.currency)} is not",
            field="amount",
        )
    if promised_date < made_on:
        raise ValidationError(
            f"the promised date {promised_date.isoformat()} is before the day the promise was made "
            f"({made_on.isoformat()})",
            field="promised_date",
        )
    max_days = max_promise_days if max_promise_days is not None else _settings_max_days()
    if promised_date > made_on + timedelta(days=max_days):
        raise ValidationError(
            f"the promised date {promised_date.isoformat()} is more than {max_days} days after "
            f"{made_on.isoformat()}; a promise that far ahead is a payment plan, agree a plan instead",
            field="promised_date",
        )
    limit = owed_by(ledger.loan_state(session, case.loan_id, promised_date))
    if amount_minor > limit:
        raise ValidationError(
            f"a promise of {_money(amount_minor, case.currency)} is more than the borrower owes on the "
            f"loan by {promised_date.isoformat()} ({_money(limit, case.currency)}: unpaid principal and "
            f"penalty, and interest and fees due by then); promise at most {_money(limit, case.currency)}",
            field="amount",
        )
    if channel not in PROMISE_CHANNELS:
        raise ValidationError(
            f"unknown channel {channel!r}; expected one of {PROMISE_CHANNELS}", field="channel"
        )
    for old in session.execute(
        select(PromiseToPay).where(PromiseToPay.case_id == case.id, PromiseToPay.status == "pending")
    ).scalars():
        old.status = "cancelled"
        old.resolved_on = made_on
        record_change(session, case, type="promise_superseded", actor=actor, payload={"promise_id": old.id})
    p = PromiseToPay(
        id=new_id("ptp"),
        case_id=case.id,
        borrower_id=case.borrower_id,
        loan_id=case.loan_id,
        amount_minor=amount_minor,
        currency=case.currency,
        made_on=made_on,
        promised_date=promised_date,
        channel=channel,
        status="pending",
        paid_minor=0,
        made_by=actor,
        agency_id=agency_id,
    )
    session.add(p)
    session.flush()
    record_change(
        session,
        case,
        type="promise_made",
        actor=actor,
        payload={
            "promise_id": p.id,
            "amount": format_minor(amount_minor, case.currency),
            "promised_date": promised_date.isoformat(),
            "channel": channel,
        },
    )
    return p


def _money(minor: int, currency: str) -> str:
    return f"{format_minor(minor, currency)} {currency}"


def _settings_max_days() -> int:
    from faircollect.collections.settings import get_collections_settings

    return get_collections_settings().promise_max_days


@dataclass(frozen=True, slots=True)
class PromiseCheck:
    kept: tuple[str, ...]
    broken: tuple[str, ...]
    pending: int


def check_promises(
    session: Session, as_of: date, *, grace_days: int = 0, actor: str = "system:promises"
) -> PromiseCheck:
    """Judge every pending promise against the ledger's payments on ``as_of``."""
    kept: list[str] = []
    broken: list[str] = []
    pending = 0
    rows = list(
        session.execute(
            select(PromiseToPay).where(PromiseToPay.status == "pending").order_by(PromiseToPay.made_on)
        ).scalars()
    )
    for p in rows:
        deadline = p.promised_date + timedelta(days=grace_days)
        window_end = min(as_of, deadline)
        paid = 0
        reached: date | None = None
        for d, amount in net_payments(session, p.loan_id, p.made_on, window_end):
            paid += amount
            if reached is None and paid >= p.amount_minor:
                reached = d
        p.paid_minor = paid
        case = get_case(session, p.case_id)
        if reached is not None:
            p.status, p.resolved_on = "kept", reached
            kept.append(p.id)
        elif as_of > deadline:
            p.status, p.resolved_on = "broken", as_of
            broken.append(p.id)
        else:
            pending += 1
            continue
        record_change(
            session,
            case,
            type=f"promise_{p.status}",
            actor=actor,
            payload={
                "promise_id": p.id,
                "paid": format_minor(paid, p.currency),
                "on": p.resolved_on.isoformat(),
            },
        )
    return PromiseCheck(tuple(kept), tuple(broken), pending)


def pending_promise(session: Session, case_id: str, on: date) -> PromiseToPay | None:
    """The case's pending promise whose date has not passed on ``on`` (contact is paused until then)."""
    return session.execute(
        select(PromiseToPay).where(
            PromiseToPay.case_id == case_id,
            PromiseToPay.status == "pending",
            PromiseToPay.promised_date >= on,
        )
    ).scalar_one_or_none()


def get_promise(session: Session, promise_id: str) -> PromiseToPay:
    p = session.get(PromiseToPay, promise_id)
    if p is None:
        raise NotFound(f"no promise {promise_id}", field="promise_id")
    return p
