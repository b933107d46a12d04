"""The ledger's plain data: loan terms, schedules, events and the state derived from them.

These frozen dataclasses are the contract between the pure core (schedule math, allocation, accrual, days past
due, cost of credit) and everything that reads the ledger: the store, the importer, the API, the nightly run and
collections. Amounts are integer minor units; rates are ``Decimal``; dates are business ``date``s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from enum import StrEnum


class Method(StrEnum):
    """Amortisation method."""

    EQUAL_INSTALMENT = "equal_instalment"  # 等额本息 (annuity)
    EQUAL_PRINCIPAL = "equal_principal"  # 等额本金
    INTEREST_ONLY = "interest_only"  # 先息后本: interest each period, principal at the end
    BULLET = "bullet"  # one payment of principal and interest at maturity
    FLAT = "flat"  # interest on the original principal every period


class FrequencyUnit(StrEnum):
    MONTH = "month"
    SEMI_MONTH = "semimonth"
    WEEK = "week"
    DAY = "day"


@dataclass(frozen=True, slots=True)
class Frequency:
    """Every ``every`` ``unit``s: monthly = (month, 1); every 2 weeks = (week, 2); quarterly = (month, 3)."""

    unit: FrequencyUnit = FrequencyUnit.MONTH
    every: int = 1

    @property
    def periods_per_year(self) -> Decimal:
        per = {
            FrequencyUnit.MONTH: Decimal(12),
            FrequencyUnit.SEMI_MONTH: Decimal(24),
            FrequencyUnit.WEEK: Decimal(52),
            FrequencyUnit.DAY: Decimal(365),
        }[self.unit]
        return per / Decimal(self.every)


class InterestBasis(StrEnum):
    PERIODIC = "periodic"  # annual rate / periods per year (Chinese bank convention)
    DAILY = "daily"  # annual rate / days-in-year × days in the period


class FeeKind(StrEnum):
    UPFRONT = "upfront"  # once, at disbursement
    PER_PERIOD = "per_period"  # with every instalment


class FeeBasis(StrEnum):
    FIXED = "fixed"  # amount_minor
    PERCENT_OF_PRINCIPAL = "percent_of_principal"  # rate × principal


class FeeCollection(StrEnum):
    DEDUCTED = "deducted"  # taken out of the disbursed amount (the borrower receives less)
    WITH_INSTALMENTS = "with_instalments"  # added to instalments (upfront fees: to the first)


@dataclass(frozen=True, slots=True)
class Fee:
    name: str
    kind: FeeKind
    basis: FeeBasis
    amount_minor: int = 0
    rate: Decimal = Decimal(0)
    collection: FeeCollection = FeeCollection.WITH_INSTALMENTS


class PenaltyBasis(StrEnum):
    CONTRACT_RATE_MULTIPLE = (
        "contract_rate_multiple"  # 罚息 = overdue principal × annual rate × multiple / DIY
    )
    DAILY_RATE = "daily_rate"  # overdue principal × daily rate


@dataclass(frozen=True, slots=True)
class PenaltyRule:
    """Penalty interest (罚息) on overdue principal, accruing daily after ``grace_days``; plus an optional late fee."""

    basis: PenaltyBasis = PenaltyBasis.CONTRACT_RATE_MULTIPLE
    multiple: Decimal = Decimal("1.5")
    daily_rate: Decimal = Decimal(0)
    grace_days: int = 0
    late_fee_minor: int = 0  # charged once per instalment that passes its grace period unpaid


@dataclass(frozen=True, slots=True)
class Disbursement:
    """One tranche paid out to the borrower."""

    date: date
    amount_minor: int


@dataclass(frozen=True, slots=True)
class LoanTerms:
    """Everything needed to build a schedule. Products carry defaults; a loan's terms are fully resolved."""

    currency: str
    annual_rate: Decimal
    method: Method
    term: int  # number of instalments
    start_date: date
    disbursements: tuple[Disbursement, ...]
    frequency: Frequency = field(default_factory=Frequency)
    first_due_date: date | None = None
    due_dates: tuple[date, ...] | None = None  # explicit due dates override frequency
    interest_basis: InterestBasis = InterestBasis.PERIODIC
    days_in_year: int | None = None  # 360, 364, 365, or None for actual
    days_in_month: int | None = None  # 30, or None for actual
    rounding: str = "half_up"  # kit.money.Rounding value
    instalment_multiple_minor: int = 1  # e.g. 100 = whole yuan
    instalment_rounding: str = "nearest"  # nearest | up
    grace_on_principal: int = 0
    fees: tuple[Fee, ...] = ()
    penalty: PenaltyRule = field(default_factory=PenaltyRule)

    @property
    def principal_minor(self) -> int:
        return sum(d.amount_minor for d in self.disbursements)


@dataclass(frozen=True, slots=True)
class Instalment:
    number: int
    due_date: date
    principal_minor: int
    interest_minor: int
    fees_minor: int
    balance_minor: int  # principal outstanding after this instalment

    @property
    def total_minor(self) -> int:
        return self.principal_minor + self.interest_minor + self.fees_minor


@dataclass(frozen=True, slots=True)
class Schedule:
    currency: str
    instalments: tuple[Instalment, ...]

    @property
    def total_interest_minor(self) -> int:
        return sum(i.interest_minor for i in self.instalments)

    @property
    def total_repayment_minor(self) -> int:
        return sum(i.total_minor for i in self.instalments)


# --- events that change a loan after it is made -------------------------------------------------------------


class Component(StrEnum):
    """What a ledger amount is for. The default waterfall order is penalty → fees → interest → principal."""

    PENALTY = "penalty"
    FEES = "fees"
    INTEREST = "interest"
    PRINCIPAL = "principal"


class PrepaymentMode(StrEnum):
    REDUCE_TERM = "reduce_term"
    REDUCE_INSTALMENT = "reduce_instalment"


@dataclass(frozen=True, slots=True)
class Payment:
    """Money received. ``key`` is the idempotency key: the same key twice is booked once."""

    key: str
    date: date
    amount_minor: int
    prepayment: PrepaymentMode | None = None  # what to do with money beyond what is due


@dataclass(frozen=True, slots=True)
class Reversal:
    """Undo an earlier payment (bounced, chargeback). The payment's allocations are replayed away."""

    key: str
    date: date
    payment_key: str


@dataclass(frozen=True, slots=True)
class Waiver:
    """Forgive (减免) an amount of one component, oldest instalments first."""

    key: str
    date: date
    component: Component
    amount_minor: int


@dataclass(frozen=True, slots=True)
class Pause:
    """Delinquency pause (deferment, 延期): days in [start, end] do not count towards days past due."""

    key: str
    start: date
    end: date


@dataclass(frozen=True, slots=True)
class WriteOff:
    key: str
    date: date


@dataclass(frozen=True, slots=True)
class PlanInstalment:
    """One instalment of a restructured schedule. ``penalty_minor`` is penalty interest carried over from the old
    schedule (accrued before the restructure and not waived); it is owed with this instalment."""

    due_date: date
    principal_minor: int
    interest_minor: int = 0
    fees_minor: int = 0
    penalty_minor: int = 0

    @property
    def total_minor(self) -> int:
        return self.principal_minor + self.interest_minor + self.fees_minor + self.penalty_minor


@dataclass(frozen=True, slots=True)
class Restructure:
    """A new schedule version from ``date`` (展期 / 延期 / 个性化分期, or a missed plan instalment moved to the end).

    Everything outstanding on the current instalments moves to ``instalments``: all unpaid principal and penalty,
    and the interest and fees already due (due on or before ``date``); the interest and fees not yet due on the old
    schedule lapse — the plan states its own. ``version`` numbers the schedule (the original is 1). With
    ``penalty`` False the plan's instalments accrue no penalty interest and no late fee.
    """

    key: str
    date: date
    version: int
    instalments: tuple[PlanInstalment, ...]
    penalty: bool = False


LoanEvent = Payment | Reversal | Waiver | Pause | WriteOff | Restructure


@dataclass(frozen=True, slots=True)
class InstalmentState:
    """One instalment as of a date: what was due, what was paid, what is outstanding."""

    number: int
    due_date: date
    due: dict[Component, int]
    paid: dict[Component, int]
    waived: dict[Component, int]
    days_past_due: int

    def outstanding(self, component: Component) -> int:
        return self.due.get(component, 0) - self.paid.get(component, 0) - self.waived.get(component, 0)

    @property
    def outstanding_total(self) -> int:
        return sum(self.outstanding(c) for c in Component)


@dataclass(frozen=True, slots=True)
class LoanState:
    """A loan's state on ``as_of``, derived by replaying its terms and events. Never edited."""

    as_of: date
    currency: str
    instalments: tuple[InstalmentState, ...]
    days_past_due: (
        int  # from the oldest unpaid due date, less paused days; an instalment due today is not overdue
    )
    delinquent_days: int  # days past due after grace days (what ages the bucket)
    bucket: str
    overdue_minor: int  # everything due before as_of and unpaid
    overdue_by_component: dict[Component, int]
    principal_outstanding_minor: int
    written_off: bool
    closed: bool
    unallocated_minor: int = 0  # credit held (overpayment not applied)
