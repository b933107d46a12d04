"""Replay: a loan's state on a date, derived from its terms and events. The ledger's oracle — pure and deterministic.

Order of work:

1. Events dated after ``as_of`` are ignored (a pause counts from its start). The first event with a given key wins:
   the same key twice is booked once. ``disbursement`` events, when present, are the tranches actually paid and
   replace the planned ones.
2. A reversal (dated on or before ``as_of``) removes its payment from the history, so everything the payment did —
   allocation, avoided penalty — is replayed away.
3. The schedule is built; events are applied in date order; on one day in ``SAME_DAY_ORDER`` — payments, then
   waivers, then the write-off, then a restructure — and within a kind in the order given (booking order). The order is defined here
   once: the portfolio kernel applies a day's events the same way, whatever order the database returns them in.
   Before each event, penalty interest (罚息) and late fees accrue up to its date (see ``accrual``).
4. A payment pays what is due on its date (due dates ≤ payment date) by the waterfall. Money beyond that:
   with ``prepayment`` set it reduces principal and the rest of the schedule is re-amortised (``reduce_instalment``)
   or keeps its instalment and ends early (``reduce_term``); without it, it pays the next instalments in advance.
   Anything left after the loan is fully paid is held as unallocated credit.
5. Days past due count from the oldest instalment with unpaid principal, interest or fees whose due date is before
   ``as_of`` (due today is not overdue), less paused days. Delinquent days = days past due less the penalty grace
   days; they choose the bucket.

6. A restructure (``Restructure``: a new schedule version) settles the current instalments as they stand and
   moves what is still owed to the plan's instalments (see ``_Replayer.restructure``); on its date it comes after
   the day's payments and waivers, whatever the order given, so every path replays it the same way.

Simplification (documented): a prepayment re-amortises from the start of the current period, so the current
period's interest is charged on the reduced balance for the whole period. After a restructure a prepayment mode
is not applied (the plan is not re-amortised): money beyond what is due pays the next plan instalments in advance.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from faircollect.kit.errors import ValidationError
from faircollect.kit.money import Rounding, round_ratio
from faircollect.ledger.accrual import merge_pauses, penalty_daily_rate_exact, unpaused_days
from faircollect.ledger.allocation import DEFAULT_WATERFALL, Allocation, AllocationStyle, Waterfall, allocate
from faircollect.ledger.buckets import DEFAULT_BUCKET_SET, BucketSet, bucket_for
from faircollect.ledger.events_json import AnyEvent
from faircollect.ledger.schedule import amortise, build_schedule
from faircollect.ledger.types import (
    Component,
    Disbursement,
    InstalmentState,
    LoanState,
    LoanTerms,
    Method,
    Pause,
    Payment,
    PrepaymentMode,
    Restructure,
    Reversal,
    Waiver,
    WriteOff,
)

_SCHEDULED = (Component.PRINCIPAL, Component.INTEREST, Component.FEES)

#: The order of one day's events: a waiver forgives what the day's payments left unpaid (a settlement's 减免 is
#: booked for the remainder), a write-off (核销) closes the day, and a restructure (a new schedule version) comes
#: after all of them. The portfolio kernel follows the same order.
SAME_DAY_ORDER: tuple[type, ...] = (Payment, Waiver, WriteOff, Restructure)


def event_order(event: Payment | Waiver | WriteOff | Restructure) -> tuple[date, int]:
    """Sort key of an applied event: its date, then its kind in ``SAME_DAY_ORDER`` (stable within a kind)."""
    return event.date, SAME_DAY_ORDER.index(type(event))


_ALL = tuple(Component)
_PRINCIPAL, _INTEREST, _FEES, _PENALTY = (
    Component.PRINCIPAL,
    Component.INTEREST,
    Component.FEES,
    Component.PENALTY,
)


@dataclass(frozen=True, slots=True)
class Posting:
    """One money movement booked by the replay: ``amount_minor`` of ``component`` on instalment ``number``.

    ``kind`` is ``payment`` (allocation of a payment), ``waiver``, ``prepayment`` (principal repaid early, which
    shortens or re-amortises the schedule), ``reallocated`` (a negative amount: an advance payment on a future
    instalment taken back into a prepayment) or ``credit`` (unallocated overpayment, ``number`` 0, ``component``
    None). For every payment, the sum of its non-waiver postings equals its amount.
    """

    event_key: str
    date: date
    kind: str
    number: int
    component: Component | None
    amount_minor: int


@dataclass(slots=True)
class _Inst:
    number: int
    due_date: date
    principal: int
    interest: int
    fees: int
    principal_days: int = (
        0  # Σ overdue principal × unpaused days (the exact accrual is this × the daily rate)
    )
    penalty_due: int = (
        0  # the accrual rounded once to the minor unit with the terms' rounding (what falls due)
    )
    late_fee: int = 0
    late_checked: bool = False
    paid: dict[Component, int] = field(default_factory=dict)
    waived: dict[Component, int] = field(default_factory=dict)
    carried_penalty: int = 0  # penalty moved here by a restructure
    accrues: bool = True  # False: a plan instalment on which no penalty interest or late fee accrues

    def due(self, c: Component) -> int:
        if c is _PRINCIPAL:
            return self.principal
        if c is _INTEREST:
            return self.interest
        if c is _FEES:
            return self.fees + self.late_fee
        return self.penalty_due + self.carried_penalty

    def out(self, c: Component, default: int = 0) -> int:
        """What is outstanding on ``c``: due less paid less waived (``due`` inlined: the replay's hottest call).
        Also ``get``, so an instalment is its own ``allocation.Outstanding`` (``default`` is never used)."""
        if c is _PRINCIPAL:
            owed = self.principal
        elif c is _INTEREST:
            owed = self.interest
        elif c is _FEES:
            owed = self.fees + self.late_fee
        else:
            owed = self.penalty_due + self.carried_penalty
        if self.paid:
            owed -= self.paid.get(c, 0)
        if self.waived:
            owed -= self.waived.get(c, 0)
        return owed

    get = out

    def scheduled_out(self) -> int:
        return self.out(_PRINCIPAL) + self.out(_INTEREST) + self.out(_FEES)


@dataclass(frozen=True, slots=True)
class Replayed:
    """The state plus every posting the replay booked (for ledger entries)."""

    state: LoanState
    postings: tuple[Posting, ...]


class _Replayer:
    def __init__(
        self,
        terms: LoanTerms,
        events: Sequence[AnyEvent],
        as_of: date,
        waterfall: Waterfall,
        bucket_set: BucketSet,
        posting: Callable[..., Any] = Posting,
    ) -> None:
        #: What a posting is made as: ``Posting``, or a plain tuple of its fields (``replay_posting_rows``).
        self.posting = posting
        self.terms = terms
        self.as_of: date = as_of
        self.waterfall: Waterfall = waterfall
        self.bucket_set: BucketSet = bucket_set
        self.rounding: str = terms.rounding
        self.postings: list[Posting] = []
        self.unallocated = 0
        self.written_off: date | None = None
        self.last_accrual: date = terms.start_date
        self.grace = timedelta(days=terms.penalty.grace_days)
        self.daily_rate = penalty_daily_rate_exact(terms)
        # The accrual rounds principal-days × the daily rate: as integers (``round_ratio``), no Fraction per day.
        self.rate_num, self.rate_den = self.daily_rate.numerator, self.daily_rate.denominator
        self.mode = Rounding(self.rounding)
        self.late_fee = terms.penalty.late_fee_minor
        self.pauses = merge_pauses(e for e in events if isinstance(e, Pause))
        self.restructured = False
        self.insts: list[_Inst] = [
            _Inst(
                i.number,
                i.due_date,
                i.principal_minor,
                i.interest_minor,
                i.fees_minor,
            )
            for i in build_schedule(terms).instalments
        ]

    # --- accrual ----------------------------------------------------------------------------------------------

    def accrue_to(self, t: date) -> None:
        if self.written_off is not None and t > self.written_off:
            t = self.written_off  # a written-off loan stops accruing (non-accrual)
        if t <= self.last_accrual:
            return
        for inst in self.insts:
            start = inst.due_date + self.grace
            if start >= t:
                break
            if not inst.accrues:
                continue
            if not inst.late_checked:
                inst.late_checked = True
                if self.late_fee and inst.scheduled_out() > 0:
                    inst.late_fee = self.late_fee
            owed = inst.out(Component.PRINCIPAL)
            if owed > 0 and self.daily_rate:
                days = unpaused_days(max(start, self.last_accrual), t, self.pauses)
                if days:
                    inst.principal_days += owed * days
                    inst.penalty_due = round_ratio(
                        inst.principal_days * self.rate_num, self.rate_den, self.mode
                    )
        self.last_accrual = t

    # --- events -----------------------------------------------------------------------------------------------

    def pay(self, p: Payment) -> None:
        # The instalments themselves are the waterfall's ``Outstanding`` (``_Inst.get`` is ``out``).
        due_now = [i for i in self.insts if i.due_date <= p.date]
        left = self._allocate_and_book(p.key, p.date, p.amount_minor, due_now)
        if left and p.prepayment is not None and self.written_off is None and not self.restructured:
            left = self.prepay(p, left)
        if left:
            future = [i for i in self.insts if i.due_date > p.date]
            left = self._allocate_and_book(p.key, p.date, left, future)
        if left:
            self.unallocated += left
            self.postings.append(self.posting(p.key, p.date, "credit", 0, None, left))

    def _allocate_and_book(self, key: str, when: date, amount: int, insts: list[_Inst]) -> int:
        """``allocate(amount, insts, self.waterfall)`` booked as ``payment`` postings (``_book``); returns what is
        left. Instalment-first (every named waterfall but ``component_first``) is walked here, each instalment's
        outstanding amounts computed inline (``_Inst.out``): the same pairs in the same order, each read before it
        is booked, so the same allocations — without a call per (instalment, component) pair."""
        waterfall = self.waterfall
        if waterfall.style is not AllocationStyle.INSTALMENT_FIRST or amount < 0:
            allocs, left = allocate(amount, insts, waterfall)
            self._book(key, when, "payment", insts, allocs)
            return left
        left = amount
        order = waterfall.order
        postings = self.postings
        posting = self.posting
        for inst in insts:
            if left == 0:
                break
            paid, waived = inst.paid, inst.waived
            for comp in order:
                if comp is _PRINCIPAL:
                    owed = inst.principal
                elif comp is _INTEREST:
                    owed = inst.interest
                elif comp is _FEES:
                    owed = inst.fees + inst.late_fee
                else:
                    owed = inst.penalty_due + inst.carried_penalty
                if paid:
                    owed -= paid.get(comp, 0)
                if waived:
                    owed -= waived.get(comp, 0)
                if owed <= 0:
                    continue
                take = owed if owed < left else left
                paid[comp] = paid.get(comp, 0) + take
                postings.append(posting(key, when, "payment", inst.number, comp, take))
                left -= take
                if left == 0:
                    break
        return left

    def _book(
        self, key: str, when: date, kind: str, insts: Sequence[_Inst], allocs: Sequence[Allocation]
    ) -> None:
        for a in allocs:
            inst = insts[a.index]
            inst.paid[a.component] = inst.paid.get(a.component, 0) + a.amount_minor
            self.postings.append(self.posting(key, when, kind, inst.number, a.component, a.amount_minor))

    def prepay(self, p: Payment, amount: int) -> int:
        """Repay principal early and rebuild the rest of the schedule; returns what could not be used."""
        terms = self.terms
        future = [i for i in self.insts if i.due_date > p.date]
        if not future:
            return amount
        later_tranches = [d for d in terms.disbursements if d.date > p.date]
        pending = sum(d.amount_minor for d in later_tranches)
        # Money already paid in advance on future instalments joins the prepayment pool (booked back out first).
        pool = amount
        for i in future:
            for comp, paid in i.paid.items():
                if paid:
                    pool += paid
                    self.postings.append(self.posting(p.key, p.date, "reallocated", i.number, comp, -paid))
        balance = sum(i.principal - i.waived.get(Component.PRINCIPAL, 0) for i in future) - pending
        use = min(pool, balance)
        balance -= use
        leftover = pool - use
        past = [i for i in self.insts if i.due_date <= p.date]
        self.postings.append(
            self.posting(p.key, p.date, "prepayment", future[0].number, Component.PRINCIPAL, use)
        )
        if balance == 0 and not later_tranches:
            self.insts = past
            return leftover
        period_start = past[-1].due_date if past else terms.start_date
        first = future[0]
        grace_left = max(0, terms.grace_on_principal - (first.number - 1))
        fixed_instalment = fixed_principal = None
        if p.prepayment is PrepaymentMode.REDUCE_TERM:
            if terms.method is Method.EQUAL_INSTALMENT:
                fixed_instalment = (
                    first.principal + first.interest if first.number > terms.grace_on_principal else None
                )
            elif terms.method in (Method.EQUAL_PRINCIPAL, Method.FLAT):
                fixed_principal = first.principal or None
        rebuilt = amortise(
            terms,
            dates=[i.due_date for i in future],
            period_start=period_start,
            balance=balance,
            tranches=later_tranches,
            first_number=first.number,
            grace_periods=grace_left,
            fixed_instalment=fixed_instalment,
            fixed_principal=fixed_principal,
            flat_principal=terms.principal_minor if terms.method is Method.FLAT else None,
        )
        self.insts = past + [
            _Inst(
                i.number,
                i.due_date,
                i.principal_minor,
                i.interest_minor,
                i.fees_minor,
            )
            for i in rebuilt
        ]
        return leftover

    def waive(self, w: Waiver) -> None:
        left = w.amount_minor
        ordered = [i for i in self.insts if i.due_date <= w.date] + [
            i for i in self.insts if i.due_date > w.date
        ]
        for inst in ordered:
            if not left:
                break
            take = min(inst.out(w.component), left)
            if take > 0:
                inst.waived[w.component] = inst.waived.get(w.component, 0) + take
                left -= take
                self.postings.append(self.posting(w.key, w.date, "waiver", inst.number, w.component, take))

    def restructure(self, r: Restructure) -> None:
        """Switch to the plan's schedule version on ``r.date`` (penalty already accrued to that date).

        Each current instalment is settled as it stands: its due amounts become what was paid or waived on it.
        What was still owed moves to the plan — all unpaid principal and penalty, and the interest and fees due on
        or before the date; unpaid interest and fees of instalments not yet due lapse. The plan must carry exactly
        that principal and penalty, and at least that interest and those fees (it may add its own); otherwise the
        restructure is refused, naming the difference.
        """
        moved = dict.fromkeys(_ALL, 0)
        for inst in self.insts:
            for c in _ALL:
                if c in (Component.INTEREST, Component.FEES) and inst.due_date > r.date:
                    continue
                moved[c] += max(0, inst.out(c))
        plan = r.instalments
        carried = {
            Component.PRINCIPAL: sum(i.principal_minor for i in plan),
            Component.PENALTY: sum(i.penalty_minor for i in plan),
            Component.INTEREST: sum(i.interest_minor for i in plan),
            Component.FEES: sum(i.fees_minor for i in plan),
        }
        for c, exact in ((Component.PRINCIPAL, True), (Component.PENALTY, True)):
            if exact and carried[c] != moved[c]:
                raise ValidationError(
                    f"restructure {r.key!r} on {r.date} carries {carried[c]} of {c.value} but {moved[c]} is "
                    "outstanding (the plan is stale: rebuild it from the loan's state on that date)",
                    field=f"instalments.{c.value}",
                )
        for c in (Component.INTEREST, Component.FEES):
            if carried[c] < moved[c]:
                raise ValidationError(
                    f"restructure {r.key!r} carries {carried[c]} of {c.value} but {moved[c]} is already due "
                    "(waive it first to forgive it)",
                    field=f"instalments.{c.value}",
                )
        dates = [i.due_date for i in plan]
        if not plan or dates[0] <= r.date or dates != sorted(set(dates)):
            raise ValidationError(
                f"restructure {r.key!r}: the plan's due dates must be after {r.date} and strictly increasing",
                field="instalments.due_date",
            )
        if any(min(i.principal_minor, i.interest_minor, i.fees_minor, i.penalty_minor) < 0 for i in plan):
            raise ValidationError(f"restructure {r.key!r}: negative plan amount", field="instalments")
        kept: list[_Inst] = []
        for inst in self.insts:
            settled = {c: inst.paid.get(c, 0) + inst.waived.get(c, 0) for c in _ALL}
            inst.principal = settled[Component.PRINCIPAL]
            inst.interest = settled[Component.INTEREST]
            inst.late_fee = min(inst.late_fee, settled[Component.FEES])
            inst.fees = settled[Component.FEES] - inst.late_fee
            inst.penalty_due = max(0, settled[Component.PENALTY] - inst.carried_penalty)
            inst.carried_penalty = settled[Component.PENALTY] - inst.penalty_due
            inst.late_checked = True
            inst.accrues = False
            if any(settled.values()) or inst.due_date <= r.date:
                kept.append(inst)  # instalments not yet due and untouched are replaced by the plan
        first = max((i.number for i in self.insts), default=0) + 1
        kept += [
            _Inst(
                first + k,
                i.due_date,
                i.principal_minor,
                i.interest_minor,
                i.fees_minor,
                carried_penalty=i.penalty_minor,
                accrues=r.penalty,
            )
            for k, i in enumerate(plan)
        ]
        kept.sort(key=lambda i: (i.due_date, i.number))
        self.insts = kept
        self.restructured = True

    # --- state ------------------------------------------------------------------------------------------------

    def closed(self) -> bool:
        """``state().closed`` without building the state: nothing outstanding anywhere and not written off."""
        if self.written_off is not None:
            return False
        for inst in self.insts:
            paid, waived = inst.paid, inst.waived
            # ``inst.out(c) == 0`` for every component, inlined (as in ``_allocate_and_book``).
            for c, owed in (
                (_PRINCIPAL, inst.principal),
                (_INTEREST, inst.interest),
                (_FEES, inst.fees + inst.late_fee),
                (_PENALTY, inst.penalty_due + inst.carried_penalty),
            ):
                if paid:
                    owed -= paid.get(c, 0)
                if waived:
                    owed -= waived.get(c, 0)
                if owed != 0:
                    return False
        return True

    def state(self) -> LoanState:
        as_of = self.as_of
        inst_states = []
        dpd = 0
        overdue = dict.fromkeys(_ALL, 0)
        principal_out = 0
        all_paid = True
        for inst in self.insts:
            due = {c: inst.due(c) for c in _ALL}
            paid, waived = inst.paid, inst.waived
            outs = {c: due[c] - paid.get(c, 0) - waived.get(c, 0) for c in _ALL}  # = inst.out(c)
            sched_out = outs[Component.PRINCIPAL] + outs[Component.INTEREST] + outs[Component.FEES]
            late = inst.due_date < as_of and sched_out > 0
            days = unpaused_days(inst.due_date, as_of, self.pauses) if late else 0
            if late and dpd == 0:
                dpd = days  # the oldest unpaid instalment sets the loan's days past due
            if inst.due_date < as_of:
                for c in _ALL:
                    overdue[c] += outs[c]
            principal_out += outs[Component.PRINCIPAL]
            if any(outs.values()):
                all_paid = False
            inst_states.append(
                InstalmentState(inst.number, inst.due_date, due, dict(inst.paid), dict(inst.waived), days)
            )
        delinquent = max(0, dpd - self.terms.penalty.grace_days)
        return LoanState(
            as_of=as_of,
            currency=self.terms.currency,
            instalments=tuple(inst_states),
            days_past_due=dpd,
            delinquent_days=delinquent,
            bucket=bucket_for(delinquent, self.bucket_set),
            overdue_minor=sum(overdue.values()),
            overdue_by_component=overdue,
            principal_outstanding_minor=principal_out,
            written_off=self.written_off is not None,
            closed=all_paid and self.written_off is None,
            unallocated_minor=self.unallocated,
        )


def _prepare(events: Sequence[AnyEvent], as_of: date) -> tuple[list[AnyEvent], list[Disbursement]]:
    """Drop future events and duplicate keys, take reversed payments out; returns (events, disbursements)."""
    seen: set[str] = set()
    payment_keys: set[str] = set()
    kept: list[AnyEvent] = []
    tranches: list[Disbursement] = []
    tranche_dates: set[date] = set()
    has_reversal = False
    for ev in events:
        if isinstance(ev, Disbursement):
            if ev.date <= as_of and ev.date not in tranche_dates:
                tranche_dates.add(ev.date)
                tranches.append(ev)
            continue
        # Idempotency first (the first event with a key wins, whatever its date), then the as-of cut.
        if ev.key in seen:
            continue
        seen.add(ev.key)
        if isinstance(ev, Payment):
            payment_keys.add(ev.key)
        when = ev.start if isinstance(ev, Pause) else ev.date
        if when <= as_of:
            kept.append(ev)
            has_reversal = has_reversal or isinstance(ev, Reversal)
    reversed_keys = set()
    if not has_reversal:
        tranches.sort(key=lambda d: d.date)
        return kept, tranches
    for ev in kept:
        if isinstance(ev, Reversal):
            if ev.payment_key not in payment_keys:
                raise ValidationError(
                    f"reversal {ev.key!r} names payment {ev.payment_key!r}, which is not among the events",
                    field="payment_key",
                )
            reversed_keys.add(ev.payment_key)
    kept = [
        e
        for e in kept
        if not (isinstance(e, Payment) and e.key in reversed_keys) and not isinstance(e, Reversal)
    ]
    tranches.sort(key=lambda d: d.date)
    return kept, tranches


def replay_detailed(
    terms: LoanTerms,
    events: Sequence[AnyEvent],
    as_of: date,
    *,
    waterfall: Waterfall | None = None,
    bucket_set: BucketSet | None = None,
) -> Replayed:
    """Like ``replay`` but also returns the postings (allocations, waivers, prepayments, credit)."""
    r = _replayed(terms, events, as_of, waterfall, bucket_set)
    return Replayed(r.state(), tuple(r.postings))


def replay_postings(
    terms: LoanTerms,
    events: Sequence[AnyEvent],
    as_of: date,
    *,
    waterfall: Waterfall | None = None,
    bucket_set: BucketSet | None = None,
) -> tuple[tuple[Posting, ...], bool]:
    """``replay_detailed``'s postings and ``state.closed`` only (the bulk import's need), without building the
    state: the same replay, so the same postings (``tests/ledger/unit/test_replay_postings.py``)."""
    r = _replayed(terms, events, as_of, waterfall, bucket_set)
    return tuple(r.postings), r.closed()


#: A posting as a plain tuple: ``(event_key, date, kind, number, component, amount_minor)`` — ``Posting``'s fields.
PostingRow = tuple[str, date, str, int, Component | None, int]


def _posting_row(*fields: Any) -> tuple[Any, ...]:
    return fields


def replay_posting_rows(
    terms: LoanTerms,
    events: Sequence[AnyEvent],
    as_of: date,
    *,
    waterfall: Waterfall | None = None,
    bucket_set: BucketSet | None = None,
) -> tuple[list[PostingRow], bool]:
    """``replay_postings`` with each posting as a plain tuple of its fields (the bulk import sums them into ledger
    entries at once; a frozen ``Posting`` costs about 20 times a tuple to make): the same replay, the same values
    in the same order (``tests/ledger/unit/test_replay_postings.py``)."""
    r = _replayed(terms, events, as_of, waterfall, bucket_set, _posting_row)
    return r.postings, r.closed()  # type: ignore[return-value]


def _replayed(
    terms: LoanTerms,
    events: Sequence[AnyEvent],
    as_of: date,
    waterfall: Waterfall | None,
    bucket_set: BucketSet | None,
    posting: Callable[..., Any] = Posting,
) -> _Replayer:
    """The replayer after every event up to ``as_of`` (and the accrual to it)."""
    kept, tranches = _prepare(events, as_of)
    if tranches and (tuple(tranches) != terms.disbursements or tranches[0].date < terms.start_date):
        # (Tranches paid as planned — the bulk import's loans — leave the terms as they are: the same values.)
        terms = replace(
            terms, disbursements=tuple(tranches), start_date=min(terms.start_date, tranches[0].date)
        )
    for ev in kept:
        # Money cannot come back before it went out: the booking service refuses it, and so does a replay of an
        # events file (the same rule for every path).
        if isinstance(ev, (Payment, Waiver)) and ev.date < terms.start_date:
            kind = "payment" if isinstance(ev, Payment) else "waiver"
            raise ValidationError(
                f"{kind} {ev.key!r} on {ev.date} is before the loan starts on {terms.start_date}",
                field="date",
            )
    r = _Replayer(
        terms, kept, as_of, waterfall or DEFAULT_WATERFALL, bucket_set or DEFAULT_BUCKET_SET, posting
    )
    # Stable sort: same-day events in SAME_DAY_ORDER (a restructure after the day's others), each kind in the
    # order given.
    timeline: list[Payment | Waiver | WriteOff | Restructure] = sorted(
        (e for e in kept if isinstance(e, (Payment, Waiver, WriteOff, Restructure))), key=event_order
    )
    for ev in timeline:
        r.accrue_to(ev.date)
        if isinstance(ev, Payment):
            r.pay(ev)
        elif isinstance(ev, Waiver):
            r.waive(ev)
        elif isinstance(ev, WriteOff):
            r.written_off = ev.date
        elif isinstance(ev, Restructure):
            r.restructure(ev)
    r.accrue_to(as_of)
    return r


def replay(
    terms: LoanTerms,
    events: Sequence[AnyEvent],
    as_of: date,
    *,
    waterfall: Waterfall | None = None,
    bucket_set: BucketSet | None = None,
) -> LoanState:
    """The loan's state on ``as_of`` from its terms and events (see the module docstring for the rules)."""
    return replay_detailed(terms, events, as_of, waterfall=waterfall, bucket_set=bucket_set).state
