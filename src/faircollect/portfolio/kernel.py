"""The per-loan replay kernel: ``ledger.replay`` for a batch of loans at once, in integer numpy.

The nightly run calls it from one Ibis expression (``state.py``) as a vectorised UDF over one row per loan, whose
list columns hold the loan's instalments, payments and pauses; DuckDB hands it Arrow batches of rows, Spark one row
at a time. It computes, for the day before ``as_of`` and for ``as_of``, what the ledger core computes loan by loan:

* **Allocation**: the default waterfall (penalty → fees → interest → principal, oldest instalment first). Money
  beyond what is due pays the next instalments in advance; a payment marked as a prepayment that covers everything
  due plus all principal still to come settles the loan (the reduce-term payoff: later instalments go).
* **Penalty interest (罚息)** accrues on each instalment's unpaid principal for every unpaused day after its due
  date plus the grace days, at ``ledger.accrual.penalty_daily_rate`` held as an exact fraction ``pnum/pden``. The
  kernel keeps Σ unpaid principal × days per instalment as an integer and rounds ``S × pnum / pden`` once, with the
  loan's rounding mode; exact halves break the way the core's 28-digit ``Decimal`` rate does (``ptie``).
* **Late fees** are charged once per instalment at the first accrual after its grace period if anything scheduled
  is still unpaid.
* **Days past due** count from the oldest instalment with unpaid principal, interest or fees due before the day,
  less paused days (merged as ``ledger.accrual.merge_pauses``).

Two paths, one answer. Most loans never have principal unpaid after a grace period; for them (no penalty, no late
fee) the state on a day is a prefix fill of all money received by then over the instalments. The others are
replayed payment day by payment day from their first risky day, all such loans of the batch in lock-step (loans are
ordered by how many payment days they have, so step k works on a prefix of the arrays, in place).

Everything is int64; no floats. The kernel is pure: arrays in, arrays out.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

I64 = npt.NDArray[np.int64]
B = npt.NDArray[np.bool_]
FAR = np.int64(10**7)  # an epoch day far in the future (year ~29,000): padding for "no such date"

#: Names and meaning of the kernel's outputs (one value per loan), in order.
OUTPUTS: tuple[tuple[str, str], ...] = (
    ("dpd_prev", "int64"),
    ("ov_pen_prev", "int64"),
    ("ov_fee_prev", "int64"),
    ("ov_int_prev", "int64"),
    ("ov_prin_prev", "int64"),
    ("prin_out_prev", "int64"),
    ("dpd", "int64"),
    ("ov_pen", "int64"),
    ("ov_fee", "int64"),
    ("ov_int", "int64"),
    ("ov_prin", "int64"),
    ("prin_out", "int64"),
    ("next_due", "int64"),  # epoch day of the next unpaid due date on or after as_of; -1 if none
    ("penalty_charged", "int64"),  # penalty fallen due so far (paid or not), for the cost-of-credit cap
    ("late_fees_charged", "int64"),
    ("replayed", "bool"),  # went through the payment-day replay (had principal unpaid after grace)
    ("partial_prepayment", "bool"),  # a prepayment that did not settle the loan (the core re-amortises)
)


@dataclass
class Batch:
    """One batch of loans as flat arrays. ``*_loan`` arrays give the row (0 … n-1) each list element belongs to."""

    n: int
    as_of: int  # epoch day
    grace: I64
    late_fee: I64
    pnum: I64
    pden: I64
    ptie: I64  # +1 / -1 / 0: how exact halves of the penalty break (see module docstring)
    prnd: I64  # 0 half_even, 1 half_up, 2 up, 3 down
    last_tranche: I64  # epoch day of the last disbursement (or a very small number)
    inst_loan: I64
    inst_number: I64
    inst_due: I64
    inst_prin: I64
    inst_int: I64
    inst_fee: I64
    pay_loan: I64
    pay_day: I64
    pay_amount: I64
    pay_prepay: B
    pause_loan: I64
    pause_start: I64
    pause_end: I64


# --- small vector helpers -------------------------------------------------------------------------------------


def _pad(loan: I64, order_key: I64, values: list[npt.NDArray[np.generic]], n: int, fill: list[int]) -> tuple:
    """Lay flat per-loan lists out as (n, width) matrices, each row ordered by ``order_key``."""
    if len(loan) == 0:
        return (0, *[np.full((n, 0), f, dtype=v.dtype) for v, f in zip(values, fill, strict=True)])
    key = loan * (FAR * 4) + order_key
    if np.any(key[1:] < key[:-1]):
        order = np.argsort(key, kind="stable")
        loan = loan[order]
        values = [v[order] for v in values]
    counts = np.bincount(loan, minlength=n)
    width = int(counts.max())
    starts = np.concatenate(([0], np.cumsum(counts)[:-1]))
    pos = np.arange(len(loan)) - starts[loan]
    out = []
    for v, f in zip(values, fill, strict=True):
        m = np.full((n, width), f, dtype=v.dtype)
        m[loan, pos] = v
        out.append(m)
    return (width, *out)


def round_mul_div(s: I64, num: I64, den: I64, mode: I64, tie: I64) -> I64:
    """round(s × num / den) with a rounding mode, in int64 without forming s × num (``num × den`` < 2**53)."""
    a, b = np.divmod(s, den)
    q2, r = np.divmod(b * num, den)
    q = a * num + q2
    r2 = 2 * r
    half_up = np.where(tie != 0, tie > 0, (mode == 1) | (q % 2 == 1))
    up = np.where(mode == 2, r > 0, np.where(mode == 3, False, (r2 > den) | ((r2 == den) & half_up)))
    return q + up


class _Pauses:
    """Merged pauses of a set of loans as (rows, width) matrices; counts unpaused days in (a, b]."""

    def __init__(self, start: I64, end: I64) -> None:
        self.start = start
        self.end = end
        self.width = start.shape[1]

    def take(self, rows: slice | I64) -> _Pauses:
        return _Pauses(self.start[rows], self.end[rows])

    def unpaused(self, a: I64, b: I64) -> I64:
        """Days in (a, b] that are not paused; ``a``, ``b`` are (rows,) or (rows, cols)."""
        days = np.maximum(b - a, 0)
        if self.width == 0:
            return days
        ps = self.start.reshape(self.start.shape[:1] + (1,) * (max(a.ndim, b.ndim) - 1) + (self.width,))
        pe = self.end.reshape(ps.shape)
        lo = (a + 1)[..., None]
        hi = b[..., None]
        overlap = np.minimum(pe, hi) - np.maximum(ps, lo) + 1
        paused = np.maximum(overlap, 0).sum(axis=-1)
        return np.where(b > a, days - paused, 0)


def _merge_pauses(batch: Batch) -> _Pauses:
    """Sorted, non-overlapping pauses per loan (``ledger.accrual.merge_pauses``), only those started by as_of."""
    keep = batch.pause_start <= batch.as_of
    loan, ps, pe = batch.pause_loan[keep], batch.pause_start[keep], batch.pause_end[keep]
    if len(loan) == 0:
        empty = np.zeros((batch.n, 0), np.int64)
        return _Pauses(empty, empty)
    order = np.lexsort((pe, ps, loan))
    loan, ps, pe = loan[order], ps[order], pe[order]
    # Gaps and islands: a pause starts a new island unless it begins by the day after the island's latest end.
    new = np.ones(len(loan), bool)
    run_end = pe.copy()
    for i in range(1, len(loan)):  # pauses are few (a few per hundred loans); a plain loop is clearer than tricks
        if loan[i] == loan[i - 1] and ps[i] <= run_end[i - 1] + 1:
            new[i] = False
            run_end[i] = max(run_end[i - 1], pe[i])
    island = np.cumsum(new) - 1
    n_isl = int(island[-1]) + 1
    i_loan = np.zeros(n_isl, np.int64)
    i_start = np.zeros(n_isl, np.int64)
    i_end = np.full(n_isl, -FAR, np.int64)
    i_loan[island] = loan
    np.minimum.at(i_start, island, 0)
    i_start[island[new]] = ps[new]
    np.maximum.at(i_end, island, pe)
    _, s, e = _pad(i_loan, i_start, [i_start, i_end], batch.n, [int(FAR), int(FAR) - 1])
    return _Pauses(s, e)


# --- the kernel -----------------------------------------------------------------------------------------------


def run(batch: Batch) -> dict[str, npt.NDArray[np.generic]]:
    """The state of every loan of the batch on ``as_of - 1`` and ``as_of`` (``OUTPUTS``)."""
    n, x_now = batch.n, batch.as_of
    x_prev = x_now - 1
    _, due, prin, intr, fee, valid = _pad(
        batch.inst_loan,
        batch.inst_number,
        [batch.inst_due, batch.inst_prin, batch.inst_int, batch.inst_fee, np.ones(len(batch.inst_loan), bool)],
        n,
        [int(FAR), 0, 0, 0, False],
    )
    grace = batch.grace[:, None]
    g = np.where(valid, due + grace, FAR)
    pauses = _merge_pauses(batch)

    # Payments by day (same-day payments add up; the day is a prepayment if any of them is), up to as_of.
    keep = batch.pay_day <= x_now
    p_loan, p_day = batch.pay_loan[keep], batch.pay_day[keep]
    p_amt, p_pre = batch.pay_amount[keep], batch.pay_prepay[keep]
    if len(p_loan):
        key = p_loan * (FAR * 4) + p_day
        uniq, inv = np.unique(key, return_inverse=True)
        d_loan = uniq // (FAR * 4)
        d_day = uniq % (FAR * 4)
        d_amt = np.zeros(len(uniq), np.int64)
        np.add.at(d_amt, inv, p_amt)
        d_pre = np.zeros(len(uniq), bool)
        np.logical_or.at(d_pre, inv, p_pre)
    else:
        d_loan = d_day = d_amt = np.zeros(0, np.int64)
        d_pre = np.zeros(0, bool)
    k_max, pday, pamt, ppre = _pad(d_loan, d_day, [d_day, d_amt, d_pre], n, [int(FAR), 0, False])
    cum_paid = np.cumsum(pamt, axis=1)

    def paid_by(day: I64) -> I64:
        """Money received on or before ``day`` ((n,) or (n, cols)) per loan."""
        if k_max == 0:
            return np.zeros(np.shape(day), np.int64)
        if day.ndim == 1:
            cnt = (pday <= day[:, None]).sum(axis=1)
            return np.where(cnt > 0, cum_paid[np.arange(n), np.maximum(cnt - 1, 0)], 0)
        cnt = (pday[:, None, :] <= day[:, :, None]).sum(axis=2)
        got = np.take_along_axis(cum_paid, np.maximum(cnt - 1, 0), axis=1)
        return np.where(cnt > 0, got, 0)

    # Which loans can have penalty: an instalment whose grace ends before as_of with less received by then than is
    # due up to it; the replay starts at the first such day (before it, a prefix fill is exact). Loans with a
    # prepayment are replayed from the day before it (it may settle the loan).
    sched = prin + intr + fee
    cum_due = np.cumsum(sched, axis=1)
    risky = valid & (g < x_now) & (paid_by(np.minimum(g, x_now)) < cum_due)
    risk_day = np.where(risky, g, FAR).min(axis=1) if risky.shape[1] else np.full(n, FAR)
    first_pre = np.where(ppre, pday, FAR).min(axis=1) if k_max else np.full(n, FAR)
    risk_day = np.minimum(risk_day, first_pre - 1)
    slow = risk_day < FAR - 1

    out: dict[str, npt.NDArray[np.generic]] = {name: np.zeros(n, np.int64) for name, _ in OUTPUTS}
    out["replayed"] = slow.copy()
    out["partial_prepayment"] = np.zeros(n, bool)

    def fill(money: I64, rows: slice | I64) -> tuple[I64, I64, I64]:
        """Prefix fill of ``money`` over the rows' instalments: paid fees, interest, principal."""
        f, i, p = fee[rows], intr[rows], prin[rows]
        tot = f + i + p
        r0 = np.maximum(money[:, None] - (np.cumsum(tot, axis=1) - tot), 0)
        pf = np.minimum(r0, f)
        r1 = r0 - pf
        pi = np.minimum(r1, i)
        return pf, pi, np.minimum(r1 - pi, p)

    def observe(
        rows: slice | I64, x: int, o_pen: I64, o_fee: I64, o_int: I64, o_prin: I64, suffix: str, pz: _Pauses
    ) -> None:
        d = due[rows]
        late = (d < x) & (o_fee + o_int + o_prin > 0)
        oldest = np.where(late, d, FAR).min(axis=1) if d.shape[1] else np.full(d.shape[0], FAR)
        has = oldest < FAR
        dpd = np.where(has, pz.unpaused(np.where(has, oldest, x), np.full_like(oldest, x)), 0)
        past = d < x
        out["dpd" + suffix][rows] = dpd
        out["ov_pen" + suffix][rows] = np.where(past, o_pen, 0).sum(axis=1)
        out["ov_fee" + suffix][rows] = np.where(past, o_fee, 0).sum(axis=1)
        out["ov_int" + suffix][rows] = np.where(past, o_int, 0).sum(axis=1)
        out["ov_prin" + suffix][rows] = np.where(past, o_prin, 0).sum(axis=1)
        out["prin_out" + suffix][rows] = o_prin.sum(axis=1)
        if suffix == "":
            upcoming = (d >= x) & (o_fee + o_int + o_prin > 0)
            nd = np.where(upcoming, d, FAR).min(axis=1) if d.shape[1] else np.full(d.shape[0], FAR)
            out["next_due"][rows] = np.where(nd < FAR, nd, -1)

    # Fast loans: no penalty, no late fee; the state is a prefix fill of everything received by the day.
    fast = np.flatnonzero(~slow)
    if len(fast):
        pzf = pauses.take(fast)
        for x, suffix in ((x_prev, "_prev"), (x_now, "")):
            pf, pi, pr = fill(paid_by(np.full(n, x))[fast], fast)
            zero = np.zeros_like(pf)
            observe(fast, x, zero, fee[fast] - pf, intr[fast] - pi, prin[fast] - pr, suffix, pzf)

    rows = np.flatnonzero(slow)
    if len(rows):
        _replay(batch, rows, risk_day, due, g, prin, intr, fee, pday, pamt, ppre, pauses, paid_by, fill, observe, out)
    return out


def _replay(batch, rows, risk_day, due, g, prin, intr, fee, pday, pamt, ppre, pauses, paid_by, fill, observe, out):  # type: ignore[no-untyped-def]
    """Payment day by payment day from each loan's risk day, the loans of ``rows`` in lock-step."""
    x_now = batch.as_of
    x_prev = x_now - 1
    rd = risk_day[rows]
    # Payment days after the risk day: those before as_of are the steps; one on as_of is applied after the
    # observation of the day before.
    after = (pday[rows] > rd[:, None]) & (pday[rows] < x_now)
    n_steps = after.sum(axis=1)
    order = np.argsort(-n_steps, kind="stable")
    rows = rows[order]
    rd = rd[order]
    n_steps = n_steps[order]
    # Each loan's step payments, left-aligned: step k is column k.
    pd, pa_, pp_ = pday[rows], pamt[rows], ppre[rows]
    after = after[order]
    shift = np.argmax(after, axis=1)  # first step column (payments are sorted by day)
    width = int(n_steps.max()) if len(n_steps) else 0
    cols = shift[:, None] + np.arange(width)[None, :]
    cols = np.minimum(cols, max(pd.shape[1] - 1, 0))
    s_day = np.take_along_axis(pd, cols, axis=1) if width else np.zeros((len(rows), 0), np.int64)
    s_amt = np.take_along_axis(pa_, cols, axis=1) if width else np.zeros((len(rows), 0), np.int64)
    s_pre = np.take_along_axis(pp_, cols, axis=1) if width else np.zeros((len(rows), 0), bool)
    on_day = pd == x_now
    today_amt = np.where(on_day, pa_, 0).sum(axis=1)
    today_pre = (on_day & pp_).any(axis=1)
    has_today = on_day.any(axis=1)

    d, gg = due[rows], g[rows]
    P, I, F = prin[rows], intr[rows], fee[rows]
    late_fee = batch.late_fee[rows][:, None]
    pnum, pden = batch.pnum[rows][:, None], batch.pden[rows][:, None]
    ptie, prnd = batch.ptie[rows][:, None], batch.prnd[rows][:, None]
    last_tranche = batch.last_tranche[rows]
    pz = pauses.take(rows)

    # Start: everything received up to the risk day is a prefix fill (no penalty can exist before it).
    pf, pi, pr = fill(paid_by(risk_day)[rows], rows)
    pp = np.zeros_like(pf)
    S = np.zeros_like(pf)
    lf = np.zeros_like(pf)
    chk = np.zeros(pf.shape, bool)
    alive = np.ones(pf.shape, bool)
    last = rd.copy()
    partial = np.zeros(len(rows), bool)

    def accrued(v: slice, t: I64) -> tuple[I64, I64, B]:
        """(S, late fees, checked) of rows ``v`` after accruing from their last accrual day to ``t`` (n,)."""
        tt = t[:, None]
        reach = alive[v] & (gg[v] < tt) & (tt > last[v][:, None])
        sched_out = P[v] + I[v] + F[v] + lf[v] - pr[v] - pi[v] - pf[v]
        charge = reach & ~chk[v] & (late_fee[v] > 0) & (sched_out > 0)
        new_lf = np.where(charge, late_fee[v], lf[v])
        owed = P[v] - pr[v]
        grow = reach & (owed > 0)
        start = np.maximum(gg[v], last[v][:, None])
        days = pz.take(v).unpaused(start, np.broadcast_to(tt, start.shape)) if grow.any() else 0
        return S[v] + np.where(grow, owed * days, 0), new_lf, chk[v] | reach

    def pen(v: slice, s: I64) -> I64:
        return round_mul_div(s, pnum[v], pden[v], prnd[v], ptie[v])

    def step(v: slice | I64, t: I64, amount: I64, prepay: B) -> None:
        s_new, lf_new, chk_new = accrued(v, t)
        S[v], lf[v], chk[v] = s_new, lf_new, chk_new
        live = alive[v]
        xpen = np.where(live, pen(v, S[v]) - pp[v], 0)
        xfee = np.where(live, F[v] + lf[v] - pf[v], 0)
        xint = np.where(live, I[v] - pi[v], 0)
        xprin = np.where(live, P[v] - pr[v], 0)
        is_due = d[v] <= t[:, None]
        due_out = np.where(is_due, xpen + xfee + xint + xprin, 0).sum(axis=1)
        fut = live & ~is_due
        fut_prin = np.where(fut, P[v], 0).sum(axis=1)
        fut_paid = np.where(fut, pp[v] + pf[v] + pi[v] + pr[v], 0).sum(axis=1)
        remaining = amount - due_out
        pending = last_tranche[v] > t
        settle = prepay & (remaining > 0) & (remaining + fut_paid >= fut_prin) & ~pending
        partial[v] |= prepay & (remaining > 0) & ~settle & (fut_prin > 0)
        gone = settle[:, None] & ~is_due
        if gone.any():
            alive[v] = live & ~gone
            keep = ~gone
            xpen, xfee, xint, xprin = xpen * keep, xfee * keep, xint * keep, xprin * keep
        tot = xpen + xfee + xint + xprin
        r0 = np.maximum(amount[:, None] - (np.cumsum(tot, axis=1) - tot), 0)
        tp = np.minimum(r0, xpen)
        r1 = r0 - tp
        tf = np.minimum(r1, xfee)
        r2 = r1 - tf
        ti = np.minimum(r2, xint)
        pp[v] += tp
        pf[v] += tf
        pi[v] += ti
        pr[v] += np.minimum(r2 - ti, xprin)
        last[v] = t

    n_rows = len(rows)
    for k in range(width):
        m = int((n_steps > k).sum())  # loans with more than k steps: a prefix (sorted by steps, descending)
        step(slice(0, m), s_day[:m, k], s_amt[:m, k], s_pre[:m, k])

    everyone = slice(0, n_rows)

    def look(x: int, suffix: str) -> None:
        t = np.full(n_rows, x, np.int64)
        s_x, lf_x, _ = accrued(everyone, t)
        live = alive
        o_pen = np.where(live, pen(everyone, s_x) - pp, 0)
        o_fee = np.where(live, F + lf_x - pf, 0)
        o_int = np.where(live, I - pi, 0)
        o_prin = np.where(live, P - pr, 0)
        observe(rows, x, o_pen, o_fee, o_int, o_prin, suffix, pz)
        if suffix == "":
            out["penalty_charged"][rows] = np.where(live, pen(everyone, s_x), pp).sum(axis=1)
            out["late_fees_charged"][rows] = lf_x.sum(axis=1)

    look(x_prev, "_prev")
    today = np.flatnonzero(has_today)
    if len(today):
        step(today, np.full(len(today), x_now, np.int64), today_amt[today], today_pre[today])
    look(x_now, "")
    out["partial_prepayment"][rows] = partial


# --- Arrow in, Arrow out (what the engines hand a vectorised UDF) ------------------------------------------------

#: The kernel's arguments in UDF order: (name, kind) with kind "scalar" (int64) or the element type of a list.
ARGS: tuple[tuple[str, str], ...] = (
    ("as_of", "scalar"),
    ("grace", "scalar"),
    ("late_fee", "scalar"),
    ("pnum", "scalar"),
    ("pden", "scalar"),
    ("ptie", "scalar"),
    ("prnd", "scalar"),
    ("last_tranche", "scalar"),
    ("inst_number", "int64"),
    ("inst_due", "int64"),
    ("inst_prin", "int64"),
    ("inst_int", "int64"),
    ("inst_fee", "int64"),
    ("pay_day", "int64"),
    ("pay_amount", "int64"),
    ("pay_prepay", "bool"),
    ("pause_start", "int64"),
    ("pause_end", "int64"),
)
_GROUPS = {"inst": "inst_number", "pay": "pay_day", "pause": "pause_start"}


def _arrow_type(kind: str) -> pa.DataType:
    if kind == "scalar":
        return pa.int64()
    return pa.list_(pa.bool_() if kind == "bool" else pa.int64())


def _np(a: pa.Array, dtype: type) -> npt.NDArray[np.generic]:
    return np.asarray(a.to_numpy(zero_copy_only=False), dtype=dtype)


def batch_from_arrow(arrays: dict[str, pa.Array]) -> Batch:
    """A ``Batch`` from one Arrow array per argument (nulls: no list, no last tranche)."""
    n = len(arrays["grace"])
    kw: dict[str, object] = {"n": n}
    as_of = arrays["as_of"]
    kw["as_of"] = int(as_of[0].as_py()) if n else 0
    for name in ("grace", "late_fee", "pnum", "pden", "ptie", "prnd"):
        kw[name] = _np(pc.fill_null(arrays[name], 0), np.int64)
    kw["last_tranche"] = _np(pc.fill_null(arrays["last_tranche"], -int(FAR)), np.int64)
    for prefix, first in _GROUPS.items():
        kw[f"{prefix}_loan"] = _np(pc.list_parent_indices(arrays[first]), np.int64)
    for name, kind in ARGS:
        if kind == "scalar":
            continue
        kw[name] = _np(pc.list_flatten(arrays[name]), bool if kind == "bool" else np.int64)
    return Batch(**kw)  # type: ignore[arg-type]


def struct_type() -> pa.StructType:
    return pa.struct([(name, pa.bool_() if typ == "bool" else pa.int64()) for name, typ in OUTPUTS])


def run_arrow(*args: object) -> pa.StructArray | dict[str, object]:
    """The UDF body: Arrow arrays (a batch of rows, DuckDB) or one row of Python values (Spark) in ``ARGS`` order."""
    if args and not isinstance(args[0], pa.Array | pa.ChunkedArray):
        one = [pa.array([a], type=_arrow_type(kind)) for a, (_, kind) in zip(args, ARGS, strict=True)]
        result = run_arrow(*one)
        assert isinstance(result, pa.StructArray)
        return result.to_pylist()[0]  # type: ignore[no-any-return]
    arrays = {}
    for (name, _), a in zip(ARGS, args, strict=True):
        arrays[name] = a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a
    out = run(batch_from_arrow(arrays))
    fields = [pa.array(out[name], type=pa.bool_() if typ == "bool" else pa.int64()) for name, typ in OUTPUTS]
    return pa.StructArray.from_arrays(fields, fields=list(struct_type()))
