"""Per-loan state as Ibis expressions: allocation, penalty interest, days past due, delinquent days, buckets.

This is the vectorised twin of ``ledger.replay.replay`` (the oracle). For every loan it computes, for X = as_of and
X = as_of − 1 (the bucket change), what the pure core computes loan by loan:

* **Allocation**: the default waterfall (penalty → fees → interest → principal, oldest instalment first). Money
  beyond what is due pays the next instalments in advance; a payment marked ``prepayment`` that covers everything
  due plus all principal still to come settles the loan (the ledger's reduce-term payoff: later instalments go).
* **Penalty interest (罚息)** accrues on each instalment's unpaid principal for every unpaused day after its due
  date plus the grace days, at ``ledger.accrual.penalty_daily_rate``; what falls due is the accrued amount rounded
  half-even to the minor unit. Integer arithmetic only: the daily rate is an exact fraction num/den, and the run
  keeps Σ unpaid principal × days per instalment.
* **Days past due** count from the oldest instalment with unpaid principal, interest or fees due before X (due on X
  is not overdue), less paused days (延期); **delinquent days** = days past due − grace days; they pick the bucket.

Two paths give the same answer. The *fast path* is a prefix fill of all money received by X: exact whenever no
instalment ever has principal unpaid after its grace period (then no penalty or late fee exists), which is most
of a book. The *slow path* replays the other loans payment day by payment day, all loans at once per step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from fractions import Fraction

import ibis
import ibis.expr.types as ir
from ibis.backends import BaseBackend

from faircollect.kit.errors import ValidationError
from faircollect.ledger.buckets import DEFAULT_BUCKET_SET, BucketSet
from faircollect.portfolio.engines import Materializer

EPOCH = date(1970, 1, 1)
Tables = dict[str, ir.Table]
EXACT = 2**53  # integers below this survive the engines' integer division (FLOOR(a / b) in double)


def epoch_day(d: date) -> int:
    return (d - EPOCH).days


def bucket_expr(days: ir.IntegerValue, bs: BucketSet = DEFAULT_BUCKET_SET) -> ir.StringValue:
    """The bucket label for delinquent days (``ledger.buckets.bucket_for`` as a CASE)."""
    cases = [(days <= b.max_days, b.label) for b in bs.buckets if b.max_days is not None]
    return ibis.cases(*cases, else_=bs.buckets[-1].label)


def _exact_div(x: ir.IntegerValue, d: ir.IntegerValue) -> ir.IntegerValue:
    """``x // d`` for 0 ≤ x < 2**53: subtract the remainder first so the engines' division is exact."""
    return ((x - x % d) // d).cast("int64")


#: kit.money.Rounding value → code used by ``round_mul_div``.
ROUNDING_CODES = {"half_even": 0, "half_up": 1, "up": 2, "down": 3}


def round_mul_div(
    s: ir.IntegerValue,
    num: ir.IntegerValue,
    den: ir.IntegerValue,
    mode: ir.IntegerValue | int = 0,
    tie: ir.IntegerValue | int = 0,
) -> ir.IntegerValue:
    """round(s × num / den) to an integer with a ``ROUNDING_CODES`` mode, without forming s × num.

    ``tie`` breaks exact halves the way the ledger's 28-digit ``Decimal`` rate does when num/den does not terminate:
    +1 when its rounded rate is above num/den (halves go up), -1 when below (halves go down), 0 when exact.
    """
    a = _exact_div(s, den)
    bn = (s % den) * num
    q = a * num + _exact_div(bn, den)
    r = bn % den
    r2 = r * 2
    mode_e = ibis.literal(mode, "int64") if isinstance(mode, int) else mode
    tie_e = ibis.literal(tie, "int64") if isinstance(tie, int) else tie
    half_rule = ibis.ifelse(tie_e != 0, tie_e > 0, ibis.ifelse(mode_e == 1, True, q % 2 == 1))
    up = ibis.cases(
        (mode_e == 2, r > 0),
        (mode_e == 3, False),
        else_=(r2 > den) | ((r2 == den) & half_rule),
    )
    return q + ibis.ifelse(up, 1, 0)


def _paused(a: ir.IntegerValue, b: ir.IntegerValue, row: ir.Table, n_pauses: int) -> ir.IntegerValue:
    """Paused days in (a, b] from the loan's merged pauses (columns ps1/pe1 …)."""
    total: ir.IntegerValue = ibis.literal(0, "int64")
    for j in range(1, n_pauses + 1):
        # LEAST/GREATEST skip NULLs on some engines: a loan without this pause must count 0 explicitly.
        overlap = ibis.least(row[f"pe{j}"], b) - ibis.greatest(row[f"ps{j}"], a + 1) + 1
        total = total + ibis.ifelse(row[f"ps{j}"].isnull(), 0, ibis.greatest(overlap, 0))
    return total


def _clean(t: ir.Table) -> ir.Table:
    """Drop the ``*_right`` key copies that some Ibis joins keep."""
    extra = [c for c in t.columns if c.endswith("_right")]
    return t.drop(*extra) if extra else t


def _unpaused(a: ir.IntegerValue, b: ir.IntegerValue, row: ir.Table, n_pauses: int) -> ir.IntegerValue:
    return ibis.ifelse(b > a, (b - a) - _paused(a, b, row, n_pauses), 0)


@dataclass
class Prepared:
    inst: ir.Table  # instalment rows with due, g, num, den, late fee, pause columns, start day
    pays: ir.Table  # one row per loan and payment day: day, amount, prepay, k (ordinal)
    loan_info: ir.Table  # per loan: grace, late fee, start day, penalty rate num/den, pauses, last tranche
    n_pauses: int
    steps: int
    risk: ir.Table | None = None  # slow loans and their first risky day (set by instalment_states)
    notes: list[str] = field(default_factory=list)


def _rates(con: BaseBackend, loans: ir.Table) -> ir.Table:
    """Exact daily penalty rate per distinct penalty rule, as integer num/den (``ledger.accrual``)."""
    keys = ["penalty_basis", "annual_rate", "penalty_multiple", "penalty_daily_rate", "days_in_year"]
    distinct = con.to_pyarrow(loans.select(*keys).distinct()).to_pylist()
    rows = []
    for r in distinct:
        if r["penalty_basis"] == "daily_rate":
            dec_rate = Decimal(r["penalty_daily_rate"])
            rate = Fraction(dec_rate)
        elif r["penalty_basis"] == "contract_rate_multiple":
            # ledger.accrual.penalty_daily_rate, in Decimal (28 digits) and exactly.
            dec_rate = (
                Decimal(r["annual_rate"]) * Decimal(r["penalty_multiple"]) / Decimal(r["days_in_year"] or 360)
            )
            rate = Fraction(Decimal(r["annual_rate"])) * Fraction(Decimal(r["penalty_multiple"]))
            rate /= r["days_in_year"] or 360
        else:
            raise ValidationError(
                f"unknown penalty basis {r['penalty_basis']!r}", file="loans.parquet", field="penalty_basis"
            )
        if rate.denominator * max(rate.numerator, 1) >= EXACT:
            raise ValidationError(f"penalty rate {rate} has too many digits", file="loans.parquet")
        tie = (Fraction(dec_rate) > rate) - (Fraction(dec_rate) < rate)
        rows.append({**r, "pnum": rate.numerator, "pden": rate.denominator, "ptie": tie})
    schema = loans.select(*keys).schema()
    mem = ibis.memtable(
        rows, schema=ibis.schema({**dict(schema.items()), "pnum": "int64", "pden": "int64", "ptie": "int64"})
    )
    return mem


def prepare(con: BaseBackend, t: Tables, as_of: date) -> Prepared:
    d = epoch_day(as_of)
    loans = t["loans"]
    pz = t["pauses"]
    pz = pz.filter(pz.start.epoch_days() <= d).mutate(
        ps=pz.start.epoch_days().cast("int64"), pe=pz.end.epoch_days().cast("int64")
    )
    # Merge overlapping or touching pauses (gaps and islands), as ledger.accrual.merge_pauses does.
    w = ibis.window(group_by=pz.loan_no, order_by=[pz.ps, pz.pe], rows=(None, -1))
    pz = pz.mutate(prev_end=pz.pe.max().over(w))
    pz = pz.mutate(new=ibis.ifelse(pz.prev_end.isnull() | (pz.ps > pz.prev_end + 1), 1, 0))
    w2 = ibis.window(group_by=pz.loan_no, order_by=[pz.ps, pz.pe], rows=(None, 0))
    pz = pz.mutate(island=pz.new.sum().over(w2))
    merged = pz.group_by(["loan_no", "island"]).aggregate(ps=pz.ps.min(), pe=pz.pe.max())
    top = con.execute(merged.island.max())
    n_pauses = 0 if top is None or top != top else int(top)  # no pauses: NULL (DuckDB) or NaN (Spark)
    pivot = merged.group_by("loan_no").aggregate(
        **{f"ps{j}": merged.ps.min(where=merged.island == j) for j in range(1, n_pauses + 1)},
        **{f"pe{j}": merged.pe.min(where=merged.island == j) for j in range(1, n_pauses + 1)},
    )
    tranche = t["disbursements"]
    last_tranche = tranche.group_by("loan_no").aggregate(
        last_tranche=tranche.date.epoch_days().max().cast("int64")
    )
    rates = _rates(con, loans)
    keys = ["penalty_basis", "annual_rate", "penalty_multiple", "penalty_daily_rate", "days_in_year"]
    lj = loans.select(
        "loan_no",
        "grace_days",
        "late_fee_minor",
        *keys,
        start=loans.start_date.epoch_days().cast("int64"),
        prnd=ibis.cases(*[(loans.rounding == k, v) for k, v in ROUNDING_CODES.items()], else_=0).cast(
            "int64"
        ),
    )
    lj = lj.left_join(
        rates,
        [lj[k] == rates[k] for k in keys[:4]]
        + [
            (lj.days_in_year == rates.days_in_year) | (lj.days_in_year.isnull() & rates.days_in_year.isnull())
        ],
    ).select(
        lj.loan_no, lj.grace_days, lj.late_fee_minor, lj.start, lj.prnd, rates.pnum, rates.pden, rates.ptie
    )
    if n_pauses:
        lj = lj.left_join(pivot, "loan_no").drop("loan_no_right")
    lj = lj.left_join(last_tranche, "loan_no").drop("loan_no_right")
    inst = t["instalments"]
    inst = inst.select(
        "loan_no",
        "number",
        due=inst.due_date.epoch_days().cast("int64"),
        prin=inst.principal_minor,
        intr=inst.interest_minor,
        fee=inst.fees_minor,
    )
    inst = inst.join(lj, "loan_no")
    inst = inst.mutate(g=inst.due + inst.grace_days)
    p = t["payments"]
    p = p.mutate(day=p.date.epoch_days().cast("int64")).filter(lambda x: x.day <= d)
    pays = p.group_by(["loan_no", "day"]).aggregate(
        amount=p.amount_minor.sum(), prepay=ibis.ifelse(p.prepayment.notnull(), 1, 0).max() == 1
    )
    pays = pays.mutate(k=ibis.row_number().over(group_by=pays.loan_no, order_by=pays.day).cast("int64") + 1)
    return Prepared(inst=inst, pays=pays, loan_info=lj, n_pauses=n_pauses, steps=0)


# --- fast path ------------------------------------------------------------------------------------------------


def _classify(prep: Prepared, d: int) -> ir.Table:
    """Loans where some instalment's principal is unpaid after its grace period by the no-penalty fill."""
    inst = prep.inst
    w = ibis.window(group_by=inst.loan_no, order_by=inst.number, rows=(None, 0))
    thr = inst.mutate(c=(inst.prin + inst.intr + inst.fee).sum().over(w)).filter(lambda x: x.g < d)
    pays = prep.pays
    u = thr.select("loan_no", day=thr.g, kind=ibis.literal(1), amt=ibis.literal(0, "int64"), c=thr.c).union(
        pays.select("loan_no", "day", kind=ibis.literal(0), amt=pays.amount, c=ibis.literal(0, "int64"))
    )
    wu = ibis.window(group_by=u.loan_no, order_by=[u.day, u.kind], rows=(None, 0))
    u = u.mutate(paid=u.amt.sum().over(wu))
    risky = u.filter((u.kind == 1) & (u.paid < u.c))
    # risk_day: the first grace end with principal still unpaid; before it, no penalty can exist. Prepayments
    # always go through the replay steps (they may settle the loan), so the risk day is never after one.
    first = risky.group_by("loan_no").aggregate(risk_day=risky.day.min())
    pre = pays.filter(pays.prepay).group_by("loan_no").aggregate(first_prepay=pays.day.min())
    first = _clean(first.left_join(pre, "loan_no"))
    return first.select(
        "loan_no", risk_day=ibis.least(first.risk_day, first.first_prepay.fill_null(first.risk_day + 1) - 1)
    )


def _fast(prep: Prepared, inst: ir.Table, days: dict[str, int]) -> ir.Table:
    """Prefix fill of all money received by X (exact when there is no penalty)."""
    pays = prep.pays
    paid = pays.group_by("loan_no").aggregate(
        **{f"paid_{x}": ibis.ifelse(pays.day <= day, pays.amount, 0).sum() for x, day in days.items()}
    )
    # Settlement: the first prepayment day whose money covers all due so far plus all principal to come.
    cum = pays.mutate(cum=pays.amount.sum().over(group_by=pays.loan_no, order_by=pays.day, rows=(None, 0)))
    cum = cum.filter(cum.prepay)
    need = (
        cum.join(inst, cum.loan_no == inst.loan_no)
        .group_by([cum.loan_no, cum.day, cum.cum])
        .aggregate(
            needed=ibis.ifelse(inst.due <= cum.day, inst.prin + inst.intr + inst.fee, inst.prin).sum(),
            pending=ibis.ifelse(inst.last_tranche.fill_null(0) > cum.day, 1, 0).max(),
        )
    )
    settle = (
        need.filter((need.cum >= need.needed) & (need.pending == 0))
        .group_by("loan_no")
        .aggregate(settled_on=need.day.min())
    )
    s = (
        inst.left_join(paid, "loan_no")
        .drop("loan_no_right")
        .left_join(settle, "loan_no")
        .drop("loan_no_right")
    )
    out = {
        "loan_no": s.loan_no,
        "number": s.number,
        "due": s.due,
        "prin": s.prin,
        "intr": s.intr,
        "fee": s.fee,
    }
    cols: dict[str, ir.Value] = {}
    for x, day in days.items():
        gone = s.settled_on.notnull() & (s.settled_on <= day) & (s.due > s.settled_on)
        fee = ibis.ifelse(gone, 0, s.fee)
        intr = ibis.ifelse(gone, 0, s.intr)
        tot = fee + intr + s.prin
        w = ibis.window(group_by=s.loan_no, order_by=s.number, rows=(None, 0))
        cb = tot.sum().over(w) - tot
        rem = ibis.greatest(s[f"paid_{x}"].fill_null(0) - cb, 0)
        a_fee = ibis.least(rem, fee)
        rem2 = ibis.greatest(rem - fee, 0)
        a_int = ibis.least(rem2, intr)
        a_prin = ibis.least(ibis.greatest(rem2 - intr, 0), s.prin)
        cols[f"o_pen_{x}"] = ibis.literal(0, "int64")
        cols[f"o_fee_{x}"] = fee - a_fee
        cols[f"o_int_{x}"] = intr - a_int
        cols[f"o_prin_{x}"] = s.prin - a_prin
        cols[f"alive_{x}"] = ~gone
    return s.select(**out, **cols)


# --- slow path ------------------------------------------------------------------------------------------------


def _pen(row: ir.Table, s: ir.IntegerValue) -> ir.IntegerValue:
    return round_mul_div(s, row.pnum, row.pden, row.prnd, row.ptie)


def _accrued(row: ir.Table, t: ir.IntegerValue, n_pauses: int) -> tuple[ir.Value, ir.Value, ir.Value]:
    """(S, late fee, checked) after accruing from the row's last accrual day to day ``t`` (no payment)."""
    reach = row.alive & (row.g < t) & (t > row.last)
    sched_out = row.prin + row.intr + row.fee + row.lf - row.pr - row.pi - row.pf
    charge = reach & ~row.chk & (row.late_fee_minor > 0) & (sched_out > 0)
    lf = ibis.ifelse(charge, row.late_fee_minor, row.lf)
    chk = row.chk | reach
    owed = row.prin - row.pr
    days = _unpaused(ibis.greatest(row.g, row.last), t, row, n_pauses)
    s = row.S + ibis.ifelse(reach & (owed > 0), owed * days, 0)
    return s, lf, chk


def _step(st: ir.Table, pay: ir.Table, pz: ir.Table | None, n_pauses: int, *, left: bool) -> ir.Table:
    """Apply each loan's payment of this step (``pay``: loan_no, t, amount, prepay) to its instalments.

    ``left``: keep loans without a payment this step unchanged (else only loans with one are processed).
    Loan-level sums are GROUP BY + join and the running total is a window over three columns: wide windows are
    slow on DuckDB, and the step runs once per payment day.
    """
    row = _clean(st.left_join(pay, "loan_no") if left else st.join(pay, "loan_no"))
    if pz is not None:
        row = _clean(row.left_join(pz, "loan_no"))
    has = row.t.notnull()
    s, lf, chk = _accrued(row, row.t, n_pauses)
    row = row.mutate(
        S=ibis.ifelse(has, s, row.S), lf=ibis.ifelse(has, lf, row.lf), chk=ibis.ifelse(has, chk, row.chk)
    )
    live = ibis.ifelse(row.alive, 1, 0)
    row = row.mutate(
        xpen=(_pen(row, row.S) - row.pp) * live,
        xfee=(row.fee + row.lf - row.pf) * live,
        xint=(row.intr - row.pi) * live,
        xprin=(row.prin - row.pr) * live,
        is_due=(row.due <= row.t).fill_null(False),
    )
    fut = row.alive & ~row.is_due
    sums = row.group_by("loan_no").aggregate(
        due_out=ibis.ifelse(row.is_due, row.xpen + row.xfee + row.xint + row.xprin, 0).sum(),
        fut_prin=ibis.ifelse(fut, row.prin, 0).sum(),
        fut_paid=ibis.ifelse(fut, row.pp + row.pf + row.pi + row.pr, 0).sum(),
    )
    row = _clean(row.join(sums, "loan_no"))
    remaining = row.amount - row.due_out
    pending = row.last_tranche.fill_null(0) > row.t
    settle = (
        has & row.prepay & (remaining > 0) & (remaining + row.fut_paid >= row.fut_prin) & ~pending
    ).fill_null(False)
    partial = (has & row.prepay & (remaining > 0) & ~settle & (row.fut_prin > 0)).fill_null(False)
    row = row.mutate(settle=settle, partial_prepay=partial)
    alive = ibis.ifelse(row.settle & ~row.is_due, False, row.alive)
    keep = ibis.ifelse(alive, 1, 0)
    row = row.mutate(
        alive=alive, xpen=row.xpen * keep, xfee=row.xfee * keep, xint=row.xint * keep, xprin=row.xprin * keep
    )
    row = row.mutate(tot=row.xpen + row.xfee + row.xint + row.xprin)
    narrow = row.select("loan_no", "number", "tot")
    w = ibis.window(group_by=narrow.loan_no, order_by=narrow.number, rows=(None, 0))
    cum = narrow.select("loan_no", "number", cum=narrow.tot.sum().over(w))
    row = _clean(row.join(cum, ["loan_no", "number"]))
    row = row.mutate(r0=ibis.greatest(row.amount.fill_null(0) - (row.cum - row.tot), 0))
    row = row.mutate(tp=ibis.least(row.r0, row.xpen), r1=ibis.greatest(row.r0 - row.xpen, 0))
    row = row.mutate(tf=ibis.least(row.r1, row.xfee), r2=ibis.greatest(row.r1 - row.xfee, 0))
    row = row.mutate(ti=ibis.least(row.r2, row.xint), r3=ibis.greatest(row.r2 - row.xint, 0))
    row = row.mutate(
        pp=row.pp + row.tp,
        pf=row.pf + row.tf,
        pi=row.pi + row.ti,
        pr=row.pr + ibis.least(row.r3, row.xprin),
        last=ibis.ifelse(has, row.t, row.last),
        flags_partial=row.flags_partial | row.partial_prepay,
    )
    return row.select(*st.columns)


def _observe(row: ir.Table, day: int, x: str, n_pauses: int) -> dict[str, ir.Value]:
    s, lf, _ = _accrued(row, ibis.literal(day, "int64"), n_pauses)
    pen = _pen(row, s)
    live = ibis.ifelse(row.alive, 1, 0)
    return {
        f"o_pen_{x}": (pen - row.pp) * live,
        f"o_fee_{x}": (row.fee + lf - row.pf) * live,
        f"o_int_{x}": (row.intr - row.pi) * live,
        f"o_prin_{x}": (row.prin - row.pr) * live,
        f"alive_{x}": row.alive,
    }


STATE_COLS = (
    "loan_no number due g prin intr fee late_fee_minor pnum pden ptie prnd last_tranche alive S lf chk pp pf pi pr last"
    " flags_partial"
)


def _slow(con: BaseBackend, prep: Prepared, inst: ir.Table, days: dict[str, int]) -> ir.Table:
    """Replay payment day by payment day, every slow loan at once per step (one compiled step, re-run).

    Only loans with a k-th payment day take part in step k; a loan leaves the active set after its last one.
    """
    m = Materializer(con)
    pcols = [f"p{c}{j}" for j in range(1, prep.n_pauses + 1) for c in ("s", "e")]
    risk = prep.risk
    assert risk is not None
    # Everything received up to the loan's risk day is a plain prefix fill (no penalty can exist before it).
    early = prep.pays.join(risk, "loan_no")
    early = early.filter(early.day <= early.risk_day)
    early = early.group_by("loan_no").aggregate(early_paid=early.amount.sum())
    base = _clean(_clean(inst.join(risk, "loan_no")).left_join(early, "loan_no"))
    tot = base.prin + base.intr + base.fee
    w = ibis.window(group_by=base.loan_no, order_by=base.number, rows=(None, 0))
    base = base.mutate(rem0=ibis.greatest(base.early_paid.fill_null(0) - (tot.sum().over(w) - tot), 0))
    base = base.mutate(pf=ibis.least(base.rem0, base.fee), rem1=ibis.greatest(base.rem0 - base.fee, 0))
    base = base.mutate(pi=ibis.least(base.rem1, base.intr), rem2=ibis.greatest(base.rem1 - base.intr, 0))
    init = base.mutate(
        alive=ibis.literal(True),
        S=ibis.literal(0, "int64"),
        lf=ibis.literal(0, "int64"),
        chk=ibis.literal(False),
        pp=ibis.literal(0, "int64"),
        pr=ibis.least(base.rem2, base.prin),
        last=base.risk_day,
        flags_partial=ibis.literal(False),
    ).select(*STATE_COLS.split())
    pz: ir.Table | None = None
    if prep.n_pauses:
        info = prep.loan_info
        pz = m.put("fc_pauses", info.filter(info.ps1.notnull()).select("loan_no", *pcols))
    pays = _clean(prep.pays.join(risk, "loan_no"))
    pays = pays.filter(pays.day > pays.risk_day)
    pays = pays.mutate(k=ibis.row_number().over(group_by=pays.loan_no, order_by=pays.day).cast("int64") + 1)
    pays = m.put("fc_pays", pays.select("loan_no", "k", t=pays.day, amount=pays.amount, prepay=pays.prepay))
    before = m.put("fc_pays_before", pays.filter(pays.t < days["now"]))
    n_steps = int(con.execute(before.k.max()) or 0)
    prep.steps = n_steps + 1
    m.put("fc_state", init)
    st = ibis.table(init.schema(), name="fc_state")
    pay = ibis.table(pays.schema(), name="fc_pay_step").drop("k")
    pz_t = None if pz is None else ibis.table(pz.schema(), name="fc_pauses")
    # Step k: loans without a k-th payment day are finished (kept aside); the others take their payment.
    # On Spark each materialisation has a fixed cost that dwarfs the rows, so it keeps every loan in one table.
    split = not m.spark
    step_sql = m.compile(_step(st, pay, pz_t, prep.n_pauses, left=not split))
    finished_sql = m.compile(st.anti_join(pay, "loan_no"))
    done: list[ir.Table] = []
    for k in range(1, n_steps + 1):
        m.filtered_view("fc_pay_step", "fc_pays_before", "k", k)
        if split:
            done.append(m.put(f"fc_done_{k}", finished_sql))
        m.put("fc_state", step_sql)
    done.append(m.put(f"fc_done_{n_steps + 1}", m.compile(st)))
    schema = done[0].schema()
    done = [d.cast(schema) for d in done]
    everyone = ibis.union(*done) if len(done) > 1 else done[0]
    # The day before as_of is observed before as_of's own payments are applied.
    obs_src = everyone if pz is None else _clean(everyone.left_join(pz, "loan_no"))
    prev = m.put("fc_prev", obs_src.mutate(**_observe(obs_src, days["prev"], "prev", prep.n_pauses)))
    m.filtered_view("fc_pay_step", "fc_pays", "t", days["now"])
    prev_cols = [f"{c}_prev" for c in ("o_pen", "o_fee", "o_int", "o_prin", "alive")]
    stepped = _step(prev.select(*STATE_COLS.split()), pay, pz_t, prep.n_pauses, left=True)
    final = m.put(
        "fc_final",
        _clean(stepped.join(prev.select("loan_no", "number", *prev_cols), ["loan_no", "number"])),
    )
    for k in range(1, n_steps + 2):
        if split or k == n_steps + 1:
            m.drop(f"fc_done_{k}")
    src = final if pz is None else _clean(final.left_join(pz, "loan_no"))
    return src.mutate(**_observe(src, days["now"], "now", prep.n_pauses))


def instalment_states(con: BaseBackend, t: Tables, as_of: date) -> tuple[ir.Table, Prepared]:
    """Instalment rows with outstanding penalty/fees/interest/principal on as_of−1 and as_of."""
    d = epoch_day(as_of)
    days = {"prev": d - 1, "now": d}
    prep = prepare(con, t, as_of)
    slow_loans = Materializer(con).put("fc_slow_loans", _classify(prep, d))
    prep.risk = slow_loans
    inst_slow = prep.inst.semi_join(slow_loans, "loan_no")
    inst_fast = prep.inst.anti_join(slow_loans, "loan_no")
    cols = ["loan_no", "number", "due"] + [
        f"{c}_{x}" for x in ("prev", "now") for c in ("o_pen", "o_fee", "o_int", "o_prin", "alive")
    ]
    types = {c: ("boolean" if c.startswith("alive") else "int64") for c in cols} | {
        "number": "int32",
        "partial_prepay": "boolean",
    }
    fast = _fast(prep, inst_fast, days).select(*cols, partial_prepay=ibis.literal(False)).cast(types)
    slow = _slow(con, prep, inst_slow, days)
    slow = slow.select(*cols, partial_prepay=slow.flags_partial).cast(types)
    return fast.union(slow), prep


def loan_states(
    con: BaseBackend, t: Tables, as_of: date, bucket_set: BucketSet = DEFAULT_BUCKET_SET
) -> tuple[ir.Table, Prepared]:
    """One row per loan: state on ``as_of`` and the day before (suffix ``_prev``)."""
    d = epoch_day(as_of)
    days = {"prev": d - 1, "now": d}
    inst, prep = instalment_states(con, t, as_of)
    aggs: dict[str, ir.Value] = {}
    for x, day in days.items():
        sched = inst[f"o_fee_{x}"] + inst[f"o_int_{x}"] + inst[f"o_prin_{x}"]
        past = inst.due < day
        aggs[f"oldest_{x}"] = inst.due.min(where=past & (sched > 0))
        aggs[f"next_due_{x}"] = inst.due.min(where=(inst.due >= day) & (sched > 0))
        for c in ("pen", "fee", "int"):
            aggs[f"ov_{c}_{x}"] = ibis.ifelse(past, inst[f"o_{c}_{x}"], 0).sum()
        aggs[f"ov_prin_{x}"] = ibis.ifelse(past, inst[f"o_prin_{x}"], 0).sum()
        aggs[f"prin_out_{x}"] = inst[f"o_prin_{x}"].sum()
    aggs["partial_prepayment"] = ibis.ifelse(inst.partial_prepay, 1, 0).max() == 1
    per_loan = inst.group_by("loan_no").aggregate(**aggs)
    pays = prep.pays
    paid = pays.group_by("loan_no").aggregate(
        paid_today=ibis.ifelse(pays.day == d, pays.amount, 0).sum(),
        paid_30d=ibis.ifelse(pays.day > d - 30, pays.amount, 0).sum(),
    )
    loans = t["loans"]
    s = loans.left_join(per_loan, "loan_no").drop("loan_no_right")
    s = s.left_join(paid, "loan_no").drop("loan_no_right")
    # Paused days inside (oldest unpaid due date, X]: the pause columns come from the instalment preparation.
    if prep.n_pauses:
        pz = prep.loan_info.select(
            "loan_no", *[f"p{c}{j}" for j in range(1, prep.n_pauses + 1) for c in ("s", "e")]
        )
        s = s.left_join(pz, "loan_no").drop("loan_no_right")
    cols: dict[str, ir.Value] = {}
    for x, day in days.items():
        suffix = "" if x == "now" else "_prev"
        oldest = s[f"oldest_{x}"]
        dpd = ibis.ifelse(oldest.isnull(), 0, _unpaused(oldest, ibis.literal(day, "int64"), s, prep.n_pauses))
        delinquent = ibis.greatest(dpd - s.grace_days, 0)
        cols[f"days_past_due{suffix}"] = dpd.cast("int32")
        cols[f"delinquent_days{suffix}"] = delinquent.cast("int32")
        cols[f"bucket{suffix}"] = bucket_expr(delinquent, bucket_set)
        cols[f"overdue_penalty{suffix}"] = s[f"ov_pen_{x}"].fill_null(0)
        cols[f"overdue_fees{suffix}"] = s[f"ov_fee_{x}"].fill_null(0)
        cols[f"overdue_interest{suffix}"] = s[f"ov_int_{x}"].fill_null(0)
        cols[f"overdue_principal{suffix}"] = s[f"ov_prin_{x}"].fill_null(0)
        cols[f"principal_outstanding{suffix}"] = s[f"prin_out_{x}"].fill_null(0)
    out = s.mutate(**cols)
    out = out.mutate(
        overdue_total=out.overdue_penalty + out.overdue_fees + out.overdue_interest + out.overdue_principal,
        overdue_total_prev=out.overdue_penalty_prev
        + out.overdue_fees_prev
        + out.overdue_interest_prev
        + out.overdue_principal_prev,
        # Pre-due treatments count days to the next due date (-3 = three days before it).
        contact_dpd=ibis.ifelse(
            out.days_past_due > 0,
            out.days_past_due,
            ibis.ifelse(out.next_due_now.isnull(), 0, d - out.next_due_now),
        ).cast("int32"),
        paid_today=out.paid_today.fill_null(0),
        paid_30d=out.paid_30d.fill_null(0),
        partial_prepayment=out.partial_prepayment.fill_null(False),
    )
    out = out.mutate(
        balance=out.principal_outstanding + out.overdue_penalty + out.overdue_fees + out.overdue_interest,
        as_of=ibis.literal(as_of),
    )
    return out.select(*STATE_OUTPUT), prep


STATE_OUTPUT = (
    "loan_no",
    "loan_id",
    "borrower_no",
    "product",
    "currency",
    "flags",
    "as_of",
    "days_past_due",
    "delinquent_days",
    "bucket",
    "days_past_due_prev",
    "delinquent_days_prev",
    "bucket_prev",
    "overdue_penalty",
    "overdue_fees",
    "overdue_interest",
    "overdue_principal",
    "overdue_total",
    "overdue_penalty_prev",
    "overdue_fees_prev",
    "overdue_interest_prev",
    "overdue_principal_prev",
    "overdue_total_prev",
    "principal_outstanding",
    "principal_outstanding_prev",
    "balance",
    "contact_dpd",
    "paid_today",
    "paid_30d",
    "partial_prepayment",
)
