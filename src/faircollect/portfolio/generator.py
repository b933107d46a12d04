"""Synthetic loan book: a realistic portfolio snapshot, vectorised with numpy and written as Parquet.

Products mix the four methods (等额本息 equal instalment, 等额本金 equal principal, 先息后本 interest-only, bullet),
vintages spread over two years, a multi-tranche business product, and borrowers that behave like real ones: most
pay on time, some are late once and self-cure, some are chronically late, some pay part of what is due, some stop
paying, some prepay. Late borrowers get contacts and make promises, kept or broken; a few pause (延期) or hold.

Schedules come from the ledger's pure core (``ledger.schedule.build_schedule``) for each distinct loan shape, so
the instalments in the snapshot are exactly what the ledger would compute.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from faircollect.ledger.terms_json import terms_to_json
from faircollect.ledger.types import (
    Disbursement,
    Fee,
    FeeBasis,
    FeeKind,
    LoanTerms,
    Method,
    PenaltyRule,
)
from faircollect.portfolio.schema import DEC, OPTIONAL, SCHEMAS, write_snapshot

CANONICAL_START = date(2024, 1, 10)
#: Share of loans whose ledger terms the generated snapshot carries besides those with prepayments.
TERMS_SHARE = 0.015


@dataclass(frozen=True, slots=True)
class Product:
    name: str
    method: Method
    term: int
    annual_rate: Decimal
    weight: float
    principals_yuan: tuple[int, int]  # range, in whole hundreds of yuan
    fee_per_period_minor: int = 0
    tranche_months: tuple[int, ...] = (0,)  # month offsets of tranches (all on due dates)
    grace_days: int = 3
    penalty_multiple: Decimal = Decimal("1.5")
    late_fee_minor: int = 0  # charged once per instalment still unpaid after the grace days
    waterfall: str | None = (
        None  # ledger.allocation.WATERFALLS name; None = penalty → fees → interest → principal
    )


PRODUCTS: tuple[Product, ...] = (
    Product("cash-12", Method.EQUAL_INSTALMENT, 12, Decimal("0.18"), 0.40, (10, 500)),
    Product("cash-6", Method.EQUAL_INSTALMENT, 6, Decimal("0.216"), 0.15, (5, 200), late_fee_minor=2000),
    Product("consumer-24", Method.EQUAL_PRINCIPAL, 24, Decimal("0.144"), 0.20, (50, 1000)),
    Product(
        "biz-12",
        Method.INTEREST_ONLY,
        12,
        Decimal("0.12"),
        0.10,
        (100, 2000),
        tranche_months=(0, 2, 4),
        waterfall="interest_principal_penalty_fees",
    ),
    Product("payday-1", Method.BULLET, 1, Decimal("0.24"), 0.05, (5, 50), grace_days=0),
    Product(
        "bnpl-3",
        Method.EQUAL_INSTALMENT,
        3,
        Decimal("0.12"),
        0.10,
        (5, 100),
        fee_per_period_minor=500,
        late_fee_minor=1000,
        waterfall="component_first",
    ),
)

# Behaviour mix (share of loans).
BEHAVIOURS = ("on_time", "late_once", "chronic", "partial", "stops", "prepays")
BEHAVIOUR_P = (0.66, 0.11, 0.08, 0.05, 0.06, 0.04)


def _add_months(d: date, months: int) -> date:
    m = d.month - 1 + months
    return date(d.year + m // 12, m % 12 + 1, d.day)


def loan_terms(
    product: Product, principal_minor: int, start: date, tranche_split: tuple[int, ...] | None = None
) -> LoanTerms:
    """The ledger ``LoanTerms`` of one generated loan (tranches on due dates; last tranche absorbs the rest)."""
    n = len(product.tranche_months)
    split = tranche_split or _tranche_split(principal_minor, n)
    disb = tuple(
        Disbursement(_add_months(start, m), amt) for m, amt in zip(product.tranche_months, split, strict=True)
    )
    fees = (
        (Fee("service", FeeKind.PER_PERIOD, FeeBasis.FIXED, amount_minor=product.fee_per_period_minor),)
        if product.fee_per_period_minor
        else ()
    )
    return LoanTerms(
        currency="CNY",
        annual_rate=product.annual_rate,
        method=product.method,
        term=product.term,
        start_date=start,
        disbursements=disb,
        first_due_date=_add_months(start, 1),
        fees=fees,
        penalty=PenaltyRule(
            multiple=product.penalty_multiple,
            grace_days=product.grace_days,
            late_fee_minor=product.late_fee_minor,
        ),
    )


def product_all_in_rates() -> list[Decimal | None]:
    """Each product's all-in annual cost (``ledger.caps.all_in_cost``, on a mid-range principal): what the 36% line
    is checked against. The generated products are far from the line, so the principal chosen does not matter."""
    try:
        from faircollect.ledger.caps import all_in_cost
    except ImportError:  # the ledger core is not installed yet
        return [None] * len(PRODUCTS)
    out: list[Decimal | None] = []
    for p in PRODUCTS:
        mid = (p.principals_yuan[0] + p.principals_yuan[1]) // 2 * 10_000
        out.append(all_in_cost(loan_terms(p, mid, CANONICAL_START)).annual_nominal)
    return out


def _tranche_split(principal_minor: int, n: int) -> tuple[int, ...]:
    if n == 1:
        return (principal_minor,)
    # 50% first, the rest evenly in whole yuan; the last absorbs the remainder.
    first = principal_minor // 2 // 100 * 100
    rest = principal_minor - first
    each = rest // (n - 1) // 100 * 100
    return (first, *([each] * (n - 2)), rest - each * (n - 2))


def _fallback_amounts(terms: LoanTerms) -> list[tuple[int, int, int]]:
    """Periodic-basis schedule used only while ``ledger.schedule`` is not installed (same conventions)."""
    r = terms.annual_rate / 12
    n = terms.term
    fee = sum(f.amount_minor for f in terms.fees)
    out: list[tuple[int, int, int]] = []
    if terms.method is Method.INTEREST_ONLY:
        for k in range(1, n + 1):
            drawn = sum(
                d.amount_minor for d in terms.disbursements if d.date < _add_months(terms.start_date, k)
            )
            interest = int((Decimal(drawn) * r).quantize(Decimal(1), rounding="ROUND_HALF_UP"))
            out.append((terms.principal_minor if k == n else 0, interest, fee))
        return out
    bal = terms.principal_minor
    if terms.method is Method.BULLET:
        interest = int((Decimal(bal) * r * n).quantize(Decimal(1), rounding="ROUND_HALF_UP"))
        return [(0, 0, fee)] * (n - 1) + [(bal, interest, fee)]
    pay = Decimal(bal) * r / (1 - (1 + r) ** -n) if r else Decimal(bal) / n
    pay_i = int(pay.quantize(Decimal(1), rounding="ROUND_HALF_UP"))
    for k in range(1, n + 1):
        interest = int((Decimal(bal) * r).quantize(Decimal(1), rounding="ROUND_HALF_UP"))
        if k == n:
            prin = bal
        elif terms.method is Method.EQUAL_PRINCIPAL:
            prin = int((Decimal(terms.principal_minor) / n).quantize(Decimal(1), rounding="ROUND_HALF_UP"))
        else:
            prin = pay_i - interest
        bal -= prin
        out.append((prin, interest, fee))
    return out


def _schedule_fn() -> Callable[[LoanTerms], list[tuple[int, int, int]]]:
    try:
        from faircollect.ledger.schedule import build_schedule
    except ImportError:  # the ledger core is not installed yet
        return _fallback_amounts

    def amounts(terms: LoanTerms) -> list[tuple[int, int, int]]:
        return [
            (i.principal_minor, i.interest_minor, i.fees_minor) for i in build_schedule(terms).instalments
        ]

    return amounts


def _dates_plus_months(start: np.ndarray, months: np.ndarray) -> np.ndarray:
    """Vectorised ``start + months`` for start days ≤ 28 (the generator only uses those)."""
    day = (start - start.astype("datetime64[M]").astype("datetime64[D]")).astype(np.int64)
    return (start.astype("datetime64[M]") + months).astype("datetime64[D]") + day


def generate(n_loans: int, *, seed: int = 0, as_of: date | None = None) -> dict[str, pa.Table]:
    """Generate a snapshot of ``n_loans`` loans as of ``as_of`` (default 2026-11-28) as Arrow tables."""
    as_of = as_of or date(2026, 11, 28)
    rng = np.random.default_rng(seed)
    asof64 = np.datetime64(as_of, "D")
    n = n_loans

    # --- loans ---------------------------------------------------------------------------------------------
    weights = np.array([p.weight for p in PRODUCTS])
    prod = rng.choice(len(PRODUCTS), size=n, p=weights / weights.sum())
    terms = np.array([p.term for p in PRODUCTS], dtype=np.int32)[prod]
    lo = np.array([p.principals_yuan[0] for p in PRODUCTS])[prod]
    hi = np.array([p.principals_yuan[1] for p in PRODUCTS])[prod]
    principal = rng.integers(lo, hi + 1) * 100 * 100  # whole hundreds of yuan, in fen
    # Vintages: start dates over the 24 months before as_of (so some loans are closed, some brand new).
    age_months = rng.integers(0, 24, size=n)
    start_month = asof64.astype("datetime64[M]") - age_months
    start = start_month.astype("datetime64[D]") + rng.integers(0, 28, size=n)
    start = np.minimum(start, asof64 - 1)
    first_due = _dates_plus_months(start, np.ones(n, dtype=np.int64))
    loan_no = np.arange(n, dtype=np.int64)
    n_borrowers = max(1, int(n * 0.9))
    borrower_no = np.where(loan_no < n_borrowers, loan_no, rng.integers(0, n_borrowers, size=n))

    # --- schedules: one core call per distinct shape ----------------------------------------------------------
    sched = _schedule_fn()
    shape_key = prod.astype(np.int64) * 10_000_000_000 + principal
    uniq, inverse = np.unique(shape_key, return_inverse=True)
    n_inst = terms.astype(np.int64)
    offsets = np.concatenate([[0], np.cumsum(n_inst)])
    total_rows = int(offsets[-1])
    inst_loan = np.repeat(loan_no, n_inst)
    inst_number = (np.arange(total_rows) - np.repeat(offsets[:-1], n_inst) + 1).astype(np.int32)
    # Per distinct shape: flat arrays of (principal, interest, fees), indexed by shape offset + number - 1.
    shape_prin: list[int] = []
    shape_int: list[int] = []
    shape_fee: list[int] = []
    shape_off = np.zeros(len(uniq), dtype=np.int64)
    for k, key in enumerate(uniq.tolist()):
        p = PRODUCTS[key // 10_000_000_000]
        rows = sched(loan_terms(p, key % 10_000_000_000, CANONICAL_START))
        shape_off[k] = len(shape_prin)
        for a, b, c in rows:
            shape_prin.append(a)
            shape_int.append(b)
            shape_fee.append(c)
    idx = np.repeat(shape_off[inverse], n_inst) + inst_number - 1
    i_prin = np.asarray(shape_prin, dtype=np.int64)[idx]
    i_int = np.asarray(shape_int, dtype=np.int64)[idx]
    i_fee = np.asarray(shape_fee, dtype=np.int64)[idx]
    i_due = _dates_plus_months(np.repeat(start, n_inst), inst_number.astype(np.int64))
    i_total = i_prin + i_int + i_fee
    # principal still owed after each instalment (for prepayments)
    cum_prin = np.cumsum(i_prin) - np.repeat(np.cumsum(i_prin)[offsets[:-1]] - i_prin[offsets[:-1]], n_inst)
    i_balance_after = np.repeat(principal, n_inst) - cum_prin

    # --- behaviour -------------------------------------------------------------------------------------------
    beh = rng.choice(len(BEHAVIOURS), size=n, p=BEHAVIOUR_P)
    ib = np.repeat(beh, n_inst)
    iterm = np.repeat(terms, n_inst)
    special = (
        np.repeat(rng.integers(0, np.maximum(terms, 1)), n_inst) + 1
    )  # the instalment where things happen
    delay = rng.integers(-5, 1, size=total_rows)  # on time: up to 5 days early
    pay_frac = np.ones(total_rows)
    late_once = (ib == 1) & (inst_number == special)
    delay[late_once] = rng.integers(5, 50, size=int(late_once.sum()))
    chronic = ib == 2
    delay[chronic] = rng.integers(1, 45, size=int(chronic.sum()))
    partial = ib == 3
    pay_frac[partial] = rng.uniform(0.3, 0.95, size=int(partial.sum()))
    delay[partial] = rng.integers(0, 15, size=int(partial.sum()))
    stops = (ib == 4) & (inst_number >= special)
    # Prepayers settle in full (reduce term); products with later tranches have none.
    no_tranches = np.array([len(p.tranche_months) == 1 for p in PRODUCTS])[np.repeat(prod, n_inst)]
    prepay_row = (ib == 5) & (inst_number == special) & (special < iterm) & no_tranches
    after_prepay = (ib == 5) & (inst_number > special) & (special < iterm) & no_tranches
    # Late payers add an estimate of penalty interest (罚息) so that most of them really cure.
    daily = np.array([float(p.annual_rate * p.penalty_multiple / 365) for p in PRODUCTS])[
        np.repeat(prod, n_inst)
    ]
    uplift = np.where(delay > 0, np.ceil(i_prin * daily * delay * 1.05), 0)
    amount = np.floor(i_total * pay_frac + uplift).astype(np.int64)
    # Prepayers settle: this instalment plus the principal still outstanding after it (reduce term).
    amount = np.where(prepay_row, i_total + i_balance_after, amount)
    pay_date = i_due + delay
    keep = ~stops & ~after_prepay
    keep &= (pay_date <= asof64) & (amount > 0)
    # Some who stopped pay something later (self-cure attempts).
    comeback = stops & (inst_number == special) & (rng.random(total_rows) < 0.35)
    cb_date = i_due + rng.integers(20, 120, size=total_rows)
    cb_amount = (i_total * rng.uniform(0.5, 2.5, size=total_rows)).astype(np.int64)
    cb_keep = comeback & (cb_date <= asof64)

    pay_loan = np.concatenate([inst_loan[keep], inst_loan[cb_keep]])
    pay_dates = np.concatenate([pay_date[keep], cb_date[cb_keep]])
    pay_amount = np.concatenate([amount[keep], cb_amount[cb_keep]])
    pay_prepay = np.concatenate([prepay_row[keep], np.zeros(int(cb_keep.sum()), dtype=bool)])
    pay_num = np.concatenate([inst_number[keep], inst_number[cb_keep] + 1000])
    order = np.lexsort((pay_num, pay_dates, pay_loan))
    pay_loan, pay_dates, pay_amount, pay_prepay, pay_num = (
        a[order] for a in (pay_loan, pay_dates, pay_amount, pay_prepay, pay_num)
    )
    pay_key = _ids("p", pay_num)

    # --- pauses (延期): a few late borrowers get a deferment of 15–60 days --------------------------------------
    late_rows = (delay > 3) | (stops & (inst_number == special))
    pause_rows = late_rows & (rng.random(total_rows) < 0.06) & (i_due + 2 <= asof64)
    p_start = i_due[pause_rows] + rng.integers(1, 10, size=int(pause_rows.sum()))
    p_end = p_start + rng.integers(15, 60, size=int(pause_rows.sum()))
    p_loan = inst_loan[pause_rows]
    p_start = np.minimum(p_start, asof64)

    # --- waivers (减免) and write-offs (核销), from a second stream so the rest of the book does not change -------
    rng2 = np.random.default_rng([seed, 1])
    wv_rows = np.flatnonzero(late_rows & (rng2.random(total_rows) < 0.08) & (i_due + 15 <= asof64))
    wv_date = np.minimum(i_due[wv_rows] + rng2.integers(10, 60, size=len(wv_rows)), asof64)
    wv_comp = np.array(["penalty", "fees", "interest"])[
        rng2.choice(3, size=len(wv_rows), p=[0.7, 0.15, 0.15])
    ]
    wv_amount = rng2.integers(1, 50, size=len(wv_rows)).astype(np.int64) * 100
    wo_rows = stops & (inst_number == special) & (rng2.random(total_rows) < 0.5) & (i_due + 180 <= asof64)
    wo_loan = inst_loan[wo_rows]
    wo_date = i_due[wo_rows] + 180

    # --- promises to pay: made a few days after a missed due date; kept when paid by the promised date ----------
    prom_rows = late_rows & (rng.random(total_rows) < 0.5) & (i_due + 3 <= asof64)
    made = i_due[prom_rows] + rng.integers(1, 4, size=int(prom_rows.sum()))
    promised = made + rng.integers(3, 15, size=int(prom_rows.sum()))
    prom_amount = i_total[prom_rows]

    # --- contact history: SMS and calls on late instalments, in the borrower's daytime (UTC+8) ----------------
    c_rows = np.repeat(
        np.flatnonzero(late_rows & (i_due + 1 <= asof64)),
        rng.integers(1, 4, size=int((late_rows & (i_due + 1 <= asof64)).sum())),
    )
    c_day = i_due[c_rows] + rng.integers(1, 30, size=len(c_rows))
    c_keep = c_day <= asof64
    c_rows, c_day = c_rows[c_keep], c_day[c_keep]
    c_hour = rng.integers(9, 20, size=len(c_rows)) - 8  # Asia/Shanghai → UTC
    c_at = c_day.astype("datetime64[us]") + (c_hour * 3600 + rng.integers(0, 3600, size=len(c_rows))).astype(
        "timedelta64[s]"
    )
    c_channel = np.where(rng.random(len(c_rows)) < 0.6, "sms", "call")
    call_outcomes = np.array(["connected", "no_answer", "busy", "refused", "wrong_party"])
    c_outcome = np.where(
        c_channel == "sms",
        "delivered",
        call_outcomes[rng.choice(5, size=len(c_rows), p=[0.4, 0.35, 0.1, 0.1, 0.05])],
    )
    c_loan = inst_loan[c_rows]

    # --- borrowers and holds ------------------------------------------------------------------------------------
    b_no = np.arange(n_borrowers, dtype=np.int64)
    b_tz = pc.if_else(pa.array(rng.random(n_borrowers) < 0.95), "Asia/Shanghai", pa.scalar(None, pa.string()))
    hold_b = b_no[rng.random(n_borrowers) < 0.01]
    kinds = np.array(["dispute", "complaint", "hardship", "cease_contact"])
    h_kind = kinds[rng.integers(0, 4, size=len(hold_b))]
    h_since = asof64 - rng.integers(0, 60, size=len(hold_b))

    flag_names = ["vip", "new_customer", "salary_earner"]  # at most one flag per loan
    fl = rng.choice(4, size=n, p=[0.7, 0.05, 0.15, 0.1])
    p_obj = [PRODUCTS[i] for i in range(len(PRODUCTS))]

    def dec(vals: list[Decimal]) -> pa.Array:
        return pa.array(vals, type=DEC)

    prod_names = np.array([p.name for p in p_obj])
    tables = {
        "borrowers": pa.table(
            {
                "borrower_no": b_no,
                "borrower_id": _ids("B", b_no, 8),
                "jurisdiction": pa.array(np.full(n_borrowers, "CN")),
                "timezone": b_tz,
                "language": pa.array(np.full(n_borrowers, "zh-CN")),
                "score": rng.integers(300, 851, size=n_borrowers).astype(np.int32),
            }
        ),
        "loans": pa.table(
            {
                "loan_no": loan_no,
                "loan_id": _ids("L", loan_no, 9),
                "borrower_no": borrower_no,
                "product": pa.array(prod_names[prod]),
                "method": pa.array(np.array([p.method.value for p in p_obj])[prod]),
                "currency": pa.array(np.full(n, "CNY")),
                "annual_rate": pa.array([p_obj[i].annual_rate for i in range(len(p_obj))], type=DEC).take(
                    prod
                ),
                "term": terms,
                "start_date": start,
                "first_due_date": first_due,
                "principal_minor": principal,
                "penalty_basis": pa.array(np.full(n, "contract_rate_multiple")),
                "penalty_multiple": dec([p.penalty_multiple for p in p_obj]).take(prod),
                "penalty_daily_rate": dec([Decimal(0)] * len(p_obj)).take(prod),
                "grace_days": np.array([p.grace_days for p in p_obj], dtype=np.int32)[prod],
                "late_fee_minor": np.array([p.late_fee_minor for p in p_obj], dtype=np.int64)[prod],
                "days_in_year": pa.nulls(n, type=pa.int32()),
                "rounding": pa.array(np.full(n, "half_up")),
                "flags": pa.ListArray.from_arrays(
                    pa.array(np.concatenate([[0], np.cumsum(fl > 0)]).astype(np.int32)),
                    pa.array(np.array(flag_names)[fl[fl > 0] - 1]),
                ),
                "all_in_rate": pa.array(product_all_in_rates(), type=DEC).take(prod),
                "deducted_fees_minor": np.zeros(n, dtype=np.int64),
                "waterfall": pa.array([p.waterfall for p in p_obj], type=pa.string()).take(prod),
            }
        ),
        "instalments": pa.table(
            {
                "loan_no": inst_loan,
                "number": inst_number,
                "due_date": i_due,
                "principal_minor": i_prin,
                "interest_minor": i_int,
                "fees_minor": i_fee,
            }
        ),
        "payments": pa.table(
            {
                "loan_no": pay_loan,
                "key": pa.array(pay_key),
                "date": pay_dates,
                "amount_minor": pay_amount,
                "prepayment": pc.if_else(pa.array(pay_prepay), "reduce_term", pa.scalar(None, pa.string())),
            }
        ),
        "pauses": pa.table(
            {
                "loan_no": p_loan,
                "key": _ids("pause", np.arange(len(p_loan), dtype=np.int64)),
                "start": p_start,
                "end": p_end,
            }
        ),
        "holds": pa.table(
            {
                "borrower_no": hold_b,
                "kind": pa.array(h_kind),
                "since": h_since,
                "until": pa.nulls(len(hold_b), type=pa.date32()),
            }
        ),
        "contacts": pa.table(
            {
                "borrower_no": borrower_no[c_loan],
                "loan_no": c_loan,
                "channel": pa.array(c_channel),
                "recipient_role": pa.array(np.full(len(c_loan), "borrower")),
                "at": pa.array(c_at, type=pa.timestamp("us")).cast(pa.timestamp("us", tz="UTC")),
                "outcome": pa.array(c_outcome),
                "agency_id": pa.nulls(len(c_loan), type=pa.string()),
            }
        ),
        "promises": pa.table(
            {
                "loan_no": inst_loan[prom_rows],
                "made_on": made,
                "promised_date": promised,
                "amount_minor": prom_amount,
            }
        ),
    }
    tables["disbursements"] = _disbursements(prod, principal, start, loan_no)
    tables["waivers"] = pa.table(
        {
            "loan_no": inst_loan[wv_rows],
            "key": _ids("w", np.arange(len(wv_rows), dtype=np.int64)),
            "date": wv_date,
            "component": pa.array(wv_comp),
            "amount_minor": wv_amount,
        }
    )
    tables["write_offs"] = pa.table(
        {"loan_no": wo_loan, "key": _ids("wo", np.arange(len(wo_loan), dtype=np.int64)), "date": wo_date}
    )
    # The ledger terms of loans with a prepayment (the run replays those with the core if one re-amortises) and of
    # a random share of the rest (the run's twin check replays a sample of loans with terms: portfolio/twin.py).
    share = rng.random(n) < TERMS_SHARE
    pre_loans = np.unique(np.concatenate([pay_loan[pay_prepay], np.flatnonzero(share)]))
    disb = tables["disbursements"]
    by_loan: dict[int, list[tuple[date, int]]] = {}
    sel = disb.filter(pc.is_in(disb.column("loan_no"), value_set=pa.array(pre_loans, pa.int64())))
    for r in sel.to_pylist():
        by_loan.setdefault(r["loan_no"], []).append((r["date"], r["amount_minor"]))
    tables["terms"] = pa.table(
        {
            "loan_no": pa.array(pre_loans, pa.int64()),
            "terms_json": pa.array(
                [
                    json.dumps(
                        terms_to_json(
                            loan_terms(
                                PRODUCTS[int(prod[k])],
                                int(principal[k]),
                                start[k].item(),
                                tuple(a for _, a in sorted(by_loan.get(int(k), []))),
                            )
                        )
                    )
                    for k in pre_loans
                ],
                pa.string(),
            ),
        }
    )
    schemas = SCHEMAS | {k: OPTIONAL[k] for k in ("waivers", "write_offs", "terms")}
    return {name: tables[name].cast(schema) for name, schema in schemas.items()}


def _ids(prefix: str, numbers: np.ndarray, width: int = 0) -> pa.Array:
    """``prefix`` + zero-padded number, built in Arrow (fast for millions of rows)."""
    text = pc.cast(pa.array(numbers, pa.int64()), pa.string())
    if width:
        text = pc.utf8_lpad(text, width=width, padding="0")
    return pc.binary_join_element_wise(prefix, text, "")


def _disbursements(
    prod: np.ndarray, principal: np.ndarray, start: np.ndarray, loan_no: np.ndarray
) -> pa.Table:
    cols: dict[str, list[np.ndarray]] = {"loan_no": [], "seq": [], "date": [], "amount_minor": []}
    for k, p in enumerate(PRODUCTS):
        sel = prod == k
        nt = len(p.tranche_months)
        if nt == 1:
            amounts = [principal[sel]]
        else:
            first = principal[sel] // 2 // 100 * 100
            rest = principal[sel] - first
            each = rest // (nt - 1) // 100 * 100
            amounts = [first, *([each] * (nt - 2)), rest - each * (nt - 2)]
        for seq, (m, amt) in enumerate(zip(p.tranche_months, amounts, strict=True)):
            cols["loan_no"].append(loan_no[sel])
            cols["seq"].append(np.full(int(sel.sum()), seq, dtype=np.int32))
            cols["date"].append(_dates_plus_months(start[sel], np.full(int(sel.sum()), m, dtype=np.int64)))
            cols["amount_minor"].append(amt)
    table = pa.table({k: np.concatenate(v) for k, v in cols.items()})
    return table.sort_by([("loan_no", "ascending"), ("seq", "ascending")])


def write(n_loans: int, out: str | Path, *, seed: int = 0, as_of: date | None = None) -> dict[str, int]:
    """Generate and write a snapshot; return row counts per table."""
    tables = generate(n_loans, seed=seed, as_of=as_of)
    write_snapshot(tables, out)
    return {name: t.num_rows for name, t in tables.items()}


def terms_for_row(loan: dict[str, object], disbursements: list[tuple[date, int]]) -> LoanTerms:
    """Rebuild a generated loan's ``LoanTerms`` from its snapshot row (the differential test and baseline)."""
    product = next(p for p in PRODUCTS if p.name == loan["product"])
    start = loan["start_date"]
    assert isinstance(start, date)
    return loan_terms(product, int(loan["principal_minor"]), start, tuple(a for _, a in disbursements))  # type: ignore[call-overload]
