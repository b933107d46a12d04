"""Legal cost caps (data in ``ledger/data/cost_caps.yaml``): refuse terms that break them, and answer the collection
side's question "how much of this balance is lawfully collectable?" as a pure function.

* ``check_terms`` computes the all-in annual cost (IRR of the disbursed amount net of deducted fees against every
  scheduled payment, × periods per year — the 单利法 APR Chinese regulators use) and the annualised penalty rate,
  compares them to the jurisdiction's caps and raises ``CapExceeded`` with an explanation naming the rule.
* ``lawfully_collectable`` caps the charges (interest, fees, penalty) a loan may have accrued by ``as_of`` at
  ``cap × principal outstanding × time`` and excludes the excess — penalty first, then fees, then interest — from
  what may be demanded. Above the 36 % illegal-lending line, no charge is collectable and the loan is referred to
  legal review (CN-RATE-36-LEGACY, 刑法 293-1).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction
from importlib import resources
from typing import Any

import yaml

from faircollect.kit.errors import CapExceeded, FaircollectError, ValidationError
from faircollect.kit.money import format_minor
from faircollect.ledger.accrual import penalty_daily_rate
from faircollect.ledger.cost import CostResult, Flow, UnitPeriod, cost_of_credit, unit_periods
from faircollect.ledger.schedule import build_schedule, deducted_fees
from faircollect.ledger.types import Component, FrequencyUnit, LoanState, LoanTerms, PenaltyBasis


@functools.cache
def load_caps() -> dict[str, Any]:
    """The cap data file, parsed once."""
    text = resources.files("faircollect.ledger").joinpath("data/cost_caps.yaml").read_text(encoding="utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    return data


@dataclass(frozen=True, slots=True)
class CapRule:
    id: str
    rate: Decimal | None  # None = no statutory cap encoded
    measure: str
    citation: str
    confidence: str


def lpr_1y(on: date) -> Decimal:
    """The one-year LPR in force on ``on`` (from the data file)."""
    history = load_caps()["jurisdictions"]["CN"]["lpr_1y"]["history"]
    rate: Decimal | None = None
    for row in history:
        if date.fromisoformat(str(row["from"])) <= on:
            rate = Decimal(str(row["rate"]))
    if rate is None:
        raise ValidationError(
            f"no one-year LPR is recorded before {on} (LPR history starts 2019-08-20)", field="start_date"
        )
    return rate


def _jurisdiction(jurisdiction: str) -> dict[str, Any]:
    juris = load_caps()["jurisdictions"]
    code = jurisdiction.upper()
    if code not in juris:
        raise ValidationError(
            f"no cap data for jurisdiction {jurisdiction!r}; known: {', '.join(juris)}", field="jurisdiction"
        )
    data: dict[str, Any] = juris[code]
    return data


def cap_rules(
    jurisdiction: str = "CN", *, lender_type: str | None = None, contract_date: date | None = None
) -> tuple[CapRule, CapRule, CapRule | None]:
    """(all-in cap, penalty cap, illegal line or None) for a jurisdiction and lender type."""
    data = _jurisdiction(jurisdiction)
    kind = lender_type or data["default_lender_type"]
    if kind not in data["lender_types"]:
        raise ValidationError(
            f"unknown lender type {kind!r} for {jurisdiction}; known: {', '.join(data['lender_types'])}",
            field="lender_type",
        )
    rules = []
    for key in ("all_in_cap", "penalty_cap"):
        raw = data["lender_types"][kind][key]
        if "lpr_multiple" in raw:
            if contract_date is None:
                raise ValidationError("private-lending caps need the contract date", field="start_date")
            lpr = lpr_1y(contract_date)
            rate: Decimal | None = Decimal(str(raw["lpr_multiple"])) * lpr
            measure = f"{raw['measure']} — LPR {_pct(lpr)} on {contract_date} → cap {_pct(lpr * Decimal(str(raw['lpr_multiple'])))}"
        else:
            rate = Decimal(str(raw["rate"])) if raw.get("rate") is not None else None
            measure = raw["measure"]
        rules.append(CapRule(raw["id"], rate, measure, str(raw["citation"]).strip(), raw["confidence"]))
    illegal = None
    if "illegal_line" in data:
        raw = data["illegal_line"]
        illegal = CapRule(
            raw["id"],
            Decimal(str(raw["rate"])),
            raw["measure"],
            str(raw["citation"]).strip(),
            raw["confidence"],
        )
    return rules[0], rules[1], illegal


# --- all-in cost of a loan -------------------------------------------------------------------------------------


def unit_period_for(terms: LoanTerms) -> UnitPeriod:
    f = terms.frequency
    kind = {
        FrequencyUnit.MONTH: "month",
        FrequencyUnit.SEMI_MONTH: "semimonth",
        FrequencyUnit.WEEK: "week",
        FrequencyUnit.DAY: "day",
    }[f.unit]
    if kind == "semimonth" and f.every == 2:
        return UnitPeriod("month", 1)
    if kind == "month" and f.every == 12:
        return UnitPeriod("year", 1)
    return UnitPeriod(kind, f.every if kind != "semimonth" else 1)


def all_in_cost(terms: LoanTerms) -> CostResult:
    """Cost of credit of the terms: advances net of deducted fees against every scheduled instalment."""
    schedule = build_schedule(terms)
    advances = [Flow(d.date, d.amount_minor) for d in terms.disbursements]
    deducted = deducted_fees(terms)
    if deducted >= advances[0].amount_minor:
        raise CapExceeded("deducted fees take the whole first disbursement", field="terms.fees")
    advances[0] = Flow(advances[0].date, advances[0].amount_minor - deducted)
    payments = [Flow(i.due_date, i.total_minor) for i in schedule.instalments if i.total_minor > 0]
    return cost_of_credit(advances, payments, unit_period_for(terms))


def penalty_annual_rate(terms: LoanTerms) -> Decimal:
    """The penalty interest rate a year: contract rate × multiple, or the daily rate × 365."""
    if terms.penalty.basis is PenaltyBasis.DAILY_RATE:
        return terms.penalty.daily_rate * 365
    return penalty_daily_rate(terms) * Decimal(terms.days_in_year or 360)


@dataclass(frozen=True, slots=True)
class CostReport:
    """The outcome of a cap check. ``ok`` False never leaves ``check_terms`` (it raises)."""

    jurisdiction: str
    lender_type: str
    apr: Decimal  # all-in annual nominal (IRR × periods per year)
    apr_effective: Decimal
    apr_regz: Decimal
    cap: CapRule
    penalty_rate: Decimal
    penalty_cap: CapRule
    ok: bool
    findings: tuple[str, ...] = ()
    notes: tuple[str, ...] = field(default=())


def _pct(x: Decimal) -> str:
    return f"{(x * 100).quantize(Decimal('0.01'))}%"


def check_terms(
    terms: LoanTerms,
    jurisdiction: str = "CN",
    *,
    lender_type: str | None = None,
    cap_override: Decimal | None = None,
) -> CostReport:
    """Check ``terms`` against the jurisdiction's caps; raise ``CapExceeded`` explaining which rule is broken."""
    data = _jurisdiction(jurisdiction)
    kind = lender_type or data["default_lender_type"]
    cap, pen_cap, illegal = cap_rules(jurisdiction, lender_type=kind, contract_date=terms.start_date)
    notes: list[str] = []
    if cap_override is not None:
        if cap_override <= 0:
            raise ValidationError("cap_override must be a positive annual fraction", field="cap_override")
        if cap.rate is not None and cap_override > cap.rate:
            notes.append(
                f"cap_override {_pct(cap_override)} is looser than {cap.id} {_pct(cap.rate)}; the rule applies"
            )
        else:
            cap = CapRule(
                cap.id + "-CONFIGURED",
                cap_override,
                cap.measure + " (configured stricter)",
                cap.citation,
                cap.confidence,
            )
    cost = all_in_cost(terms)
    apr = cost.annual_nominal
    pen = penalty_annual_rate(terms)
    findings: list[str] = []
    if illegal is not None and illegal.rate is not None and apr > illegal.rate:
        findings.append(
            f"{illegal.id}: all-in annual cost {_pct(apr)} is above the {_pct(illegal.rate)} illegal-lending line "
            f"({illegal.measure}; {illegal.citation})"
        )
    if cap.rate is not None and apr > cap.rate:
        findings.append(
            f"{cap.id}: all-in annual cost {_pct(apr)} (IRR {cost.irr_per_period} per {cost.unit_period.label} × "
            f"{cost.unit_period.per_year.normalize()}, including fees) exceeds the cap of {_pct(cap.rate)} "
            f"({cap.measure}; {cap.citation})"
        )
    penalty_only = not findings
    if pen_cap.rate is not None and pen > pen_cap.rate:
        findings.append(
            f"{pen_cap.id}: penalty interest of {_pct(pen)} a year exceeds the cap of {_pct(pen_cap.rate)} "
            f"({pen_cap.measure}; {pen_cap.citation})"
        )
    if cap.rate is None:
        notes.append(f"{cap.id}: {cap.measure}")
    if findings:
        # Name what to change: the penalty when only the penalty is above its cap, else the rate.
        field_name = "terms.penalty" if penalty_only else "terms.annual_rate"
        raise CapExceeded("refused: " + " | ".join(findings), field=field_name)
    return CostReport(
        jurisdiction=jurisdiction.upper(),
        lender_type=kind,
        apr=apr,
        apr_effective=cost.annual_effective,
        apr_regz=cost.apr_regz,
        cap=cap,
        penalty_rate=pen,
        penalty_cap=pen_cap,
        ok=True,
        findings=(),
        notes=tuple(notes),
    )


def clearly_within_caps(terms: LoanTerms, jurisdiction: str = "CN") -> bool:
    """True only when ``check_terms(terms, jurisdiction)`` passes, decided by one net present value at the cap rate
    instead of solving the IRR (the bulk import checks every loan of a book this way). False means *undecided*:
    call ``check_terms``, which also gives a refusal's explanation.

    It decides only loans paid out at once (one disbursement), whose scheduled payments exceed the advance: their
    NPV is strictly decreasing in the rate, so the IRR is below the lowest rate limit (the cap and the illegal
    line) exactly when the NPV at that limit is negative. It answers True only when that NPV is below −1e-9 of the
    payments (a float sum is far more exact than that), so the IRR is at least 1e-9 / (periods + 1) below the
    limit — far beyond ``solve_rate``'s tolerance of 1e-16: ``check_terms`` reaches the same verdict. The penalty
    cap is checked as ``check_terms`` does."""
    try:
        return _npv_below_limits(terms, jurisdiction)
    except FaircollectError:
        return False  # check_terms raises it again, with its own order of checks


#: ``cap_rules`` remembered (pure: the cap data file is read once; the rules are frozen): a book's loans share
#: their jurisdictions and start dates, and the rules of a date walk the LPR history.
_cap_rules = functools.lru_cache(maxsize=1 << 12)(cap_rules)

#: ``cost.unit_periods`` (pure) remembered: a book's loans share start and due dates, so the bulk import's cap check
#: asks for the same few thousand (start, date, unit) triples again and again.
_unit_periods = functools.lru_cache(maxsize=1 << 16)(unit_periods)


def _npv_below_limits(terms: LoanTerms, jurisdiction: str) -> bool:
    if len(terms.disbursements) != 1:
        return False
    cap, pen_cap, illegal = _cap_rules(jurisdiction, contract_date=terms.start_date)
    limits = [r.rate for r in (cap, illegal) if r is not None and r.rate is not None]
    if not limits or (pen_cap.rate is not None and penalty_annual_rate(terms) > pen_cap.rate):
        return False
    return _npv_negative_at(terms, min(limits), 1e-9)


def _npv_negative_at(terms: LoanTerms, limit: Decimal, margin: float) -> bool:
    """True only when the terms are paid out at once, their scheduled payments exceed the advance net of deducted
    fees, and the NPV of those flows at the annual rate ``limit`` is below −``margin`` of the payments: then the IRR
    is at least ``margin`` / (periods + 1) per unit period below ``limit`` (see ``clearly_within_caps``)."""
    if len(terms.disbursements) != 1:
        return False
    advance = terms.disbursements[0]
    net = advance.amount_minor - deducted_fees(terms)
    if net <= 0:
        return False
    payments = [(i.due_date, i.total_minor) for i in build_schedule(terms).instalments if i.total_minor > 0]
    total = sum(amount for _, amount in payments)
    if not payments or total <= net or any(on < advance.date for on, _ in payments):
        return False
    unit = unit_period_for(terms)
    rate = float(limit / unit.per_year)
    npv = -float(net)
    for on, amount in payments:
        t, f = _unit_periods(advance.date, on, unit)
        npv += amount / ((1.0 + float(f) * rate) * (1.0 + rate) ** t)
    return npv < -margin * total


def _clearly_below(terms: LoanTerms, limit: Decimal) -> bool:
    """True only when ``all_in_cost(terms).annual_nominal`` is below ``limit`` and ``all_in_cost`` would not raise:
    one NPV at ``limit`` instead of solving the IRR. The margin (1e-6 of the payments) keeps the IRR at least 1e-6 /
    (periods + 1) per unit period below it — far beyond ``solve_rate``'s tolerance and the 1e-10 the annual rate is
    rounded to. False means *undecided*. Errors are left for ``all_in_cost`` to raise."""
    try:
        return _npv_negative_at(terms, limit, 1e-6)
    except (FaircollectError, ArithmeticError):
        return False


# --- what may be collected ------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Collectable:
    """Of what is overdue on ``as_of``, how much may lawfully be demanded, per component (minor units)."""

    as_of: date
    currency: str
    collectable_by_component: dict[Component, int]
    excluded_by_component: dict[Component, int]
    reasons: tuple[str, ...]
    cap_rule_id: str | None
    legal_review: bool = False

    @property
    def collectable_minor(self) -> int:
        return sum(self.collectable_by_component.values())

    @property
    def excluded_minor(self) -> int:
        return sum(self.excluded_by_component.values())

    def as_json(self) -> dict[str, Any]:
        cur = self.currency
        return {
            "as_of": self.as_of.isoformat(),
            "currency": cur,
            "collectable": format_minor(self.collectable_minor, cur),
            "collectable_by_component": {
                c.value: format_minor(v, cur) for c, v in self.collectable_by_component.items()
            },
            "excluded_by_component": {
                c.value: format_minor(v, cur) for c, v in self.excluded_by_component.items()
            },
            "reasons": list(self.reasons),
            "cap_rule_id": self.cap_rule_id,
            "legal_review": self.legal_review,
        }


def exposure_days(terms: LoanTerms, state: LoanState) -> int:
    """∫ principal outstanding dt up to ``as_of`` in minor-unit-days: scheduled balances, plus overdue principal since
    its due date. Principal repaid late is counted only up to its due date, so the bound errs on the borrower's side.
    """
    as_of = state.as_of
    schedule = build_schedule(terms)
    exposure = 0
    prev = terms.start_date
    opening = terms.principal_minor
    for inst in schedule.instalments:
        end = min(inst.due_date, as_of)
        if end > prev:
            exposure += opening * (end - prev).days
        prev = inst.due_date
        opening = inst.balance_minor
        if inst.due_date >= as_of:
            break
    for ist in state.instalments:
        if ist.due_date < as_of:
            unpaid = ist.outstanding(Component.PRINCIPAL)
            if unpaid > 0:
                exposure += unpaid * (as_of - ist.due_date).days
    return exposure


def max_lawful_charges(exposure: int, rate: Decimal) -> int:
    """cap × exposure (minor-unit-days) / 365, rounded down — exact integer arithmetic, no intermediate rounding."""
    f = Fraction(rate)
    return (exposure * f.numerator) // (f.denominator * 365)


def lawfully_collectable(
    terms: LoanTerms,
    state: LoanState,
    jurisdiction: str = "CN",
    *,
    lender_type: str | None = None,
) -> Collectable:
    """How much of the overdue balance may be demanded, with what was excluded and why (pure)."""
    cap, _pen_cap, illegal = cap_rules(jurisdiction, lender_type=lender_type, contract_date=terms.start_date)
    overdue = {c: max(0, state.overdue_by_component.get(c, 0)) for c in Component}
    excluded = dict.fromkeys(Component, 0)
    reasons: list[str] = []
    charges = (Component.PENALTY, Component.FEES, Component.INTEREST)
    # The all-in cost is asked only whether it is above the illegal line: a loan clearly below it (one NPV at the
    # line, ``_clearly_below``) skips solving its IRR — the nightly run's twin check replays 1,000 loans through here.
    apr: Decimal | None = None
    if illegal is None or illegal.rate is None or not _clearly_below(terms, illegal.rate):
        apr = all_in_cost(terms).annual_nominal
    if illegal is not None and illegal.rate is not None and apr is not None and apr > illegal.rate:
        for c in charges:
            excluded[c] = overdue[c]
            overdue[c] = 0
        reasons.append(
            f"{illegal.id}: all-in annual cost {_pct(apr)} is above {_pct(illegal.rate)}; interest, fees and penalty "
            "are 非法债务 and must not be collected; refer to legal review"
        )
        return Collectable(
            state.as_of, state.currency, overdue, excluded, tuple(reasons), illegal.id, legal_review=True
        )
    if cap.rate is None:
        reasons.append(f"{cap.id}: {cap.measure}")
        return Collectable(state.as_of, state.currency, overdue, excluded, tuple(reasons), cap.id)
    charged = sum(
        ist.due.get(c, 0) - ist.waived.get(c, 0)
        for ist in state.instalments
        if ist.due_date <= state.as_of
        for c in charges
    ) + deducted_fees(terms)
    lawful = max_lawful_charges(exposure_days(terms, state), cap.rate)
    excess = max(0, charged - lawful)
    if excess:
        reasons.append(
            f"{cap.id}: charges of {format_minor(charged, state.currency)} by {state.as_of} exceed "
            f"{_pct(cap.rate)} a year on the principal outstanding ({format_minor(lawful, state.currency)}); "
            f"the excess of {format_minor(excess, state.currency)} is not collectable"
        )
        for c in charges:  # remove penalty first, then fees, then interest
            take = min(excess, overdue[c])
            overdue[c] -= take
            excluded[c] += take
            excess -= take
    return Collectable(state.as_of, state.currency, overdue, excluded, tuple(reasons), cap.id)
