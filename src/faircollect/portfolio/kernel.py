"""The per-loan replay kernel: ``ledger.replay`` for a batch of loans, compiled with Numba.

The nightly run calls it from one Ibis expression (``state.py``) as a vectorised UDF over one row per loan whose
list columns hold the loan's instalments, payments and pauses; DuckDB hands it Arrow batches of rows, Spark one row
at a time. For the day before ``as_of`` and for ``as_of`` it computes what the ledger core computes loan by loan,
and it follows the core's code step by step (``ledger.replay._Replayer``):

* events in date order; before each payment day, **accrual** up to it: every instalment whose due date plus grace
  days is before the day is checked once for a **late fee** (charged if anything scheduled is unpaid), and
  **penalty interest (罚息)** accrues on its unpaid principal for each unpaused day since the later of its grace end
  and the last accrual;
* a **payment** pays what is due on its date by the default waterfall (penalty → fees → interest → principal,
  oldest instalment first), then — marked as a prepayment and covering all principal still to come — settles the
  loan (the reduce-term payoff: later instalments go), else pays the next instalments in advance;
* **days past due** count from the oldest instalment with unpaid principal, interest or fees due before the day,
  less paused days (pauses merged as ``ledger.accrual.merge_pauses``).

Exact integer arithmetic: the kernel keeps Σ unpaid principal × days per instalment and rounds ``S × pnum / pden``
(the daily penalty rate as an exact fraction) with the loan's rounding mode; exact halves break the way the core's
28-digit ``Decimal`` rate does (``ptie``). Payments on the same day are added up (the day counts as a prepayment if
any of them is one). A prepayment that does not settle the loan makes the core re-amortise the schedule; the kernel
flags such loans (``partial_prepayment``) and the shell replays them with the core itself.

The kernel is pure: arrays in, arrays out. ``run_arrow`` is the UDF body (Arrow in, Arrow out).
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

I64 = npt.NDArray[np.int64]

#: The kernel's outputs, one value per loan, in order. ``_prev`` is the day before as_of.
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
    ("charged", "int64"),  # penalty, fees and interest fallen due by as_of (paid or not): the caps' "charged"
    ("penalty_charged", "int64"),  # of which penalty interest
    (
        "exposure_days",
        "int64",
    ),  # ∫ principal outstanding dt to as_of, minor-unit-days (``caps.exposure_days``)
    (
        "collectable",
        "int64",
    ),  # of the overdue amount, what may lawfully be demanded (``caps.lawfully_collectable``)
    ("excluded", "int64"),  # overdue charges above the cap (or all charges of an illegal loan)
    ("penalised", "bool"),  # penalty interest or a late fee fell due at some point
    ("partial_prepayment", "bool"),  # a prepayment that did not settle the loan (the core re-amortises)
    ("legal_review", "bool"),  # all-in cost above the illegal line: refer to legal review
)
_N_INT = sum(1 for _, t in OUTPUTS if t == "int64")

#: The kernel's arguments in UDF order: (name, kind); kind "scalar" is int64, else a list of that type.
ARGS: tuple[tuple[str, str], ...] = (
    ("as_of", "scalar"),
    ("grace", "scalar"),
    ("late_fee", "scalar"),
    ("pnum", "scalar"),
    ("pden", "scalar"),
    ("ptie", "scalar"),
    ("prnd", "scalar"),
    ("start", "scalar"),  # epoch day of the loan's start
    ("principal", "scalar"),  # contract principal (sum of tranches)
    ("deducted", "scalar"),  # fees deducted from the disbursement (count as charged for the cost cap)
    ("cap_num", "scalar"),  # all-in annual cost cap as a fraction cap_num / cap_den (0 / 0: no cap)
    ("cap_den", "scalar"),
    ("illegal", "scalar"),  # 1: the loan's all-in cost is above the line where charges are not owed at all
    ("inst_key", "int64"),  # due day × 4096 + instalment number (one list instead of two)
    ("inst_prin", "int64"),
    ("inst_int", "int64"),
    ("inst_fee", "int64"),
    ("pay_key", "int64"),  # payment day × 2 + 1 if it is a prepayment
    ("pay_amount", "int64"),
    ("pause_start", "int64"),
    ("pause_end", "int64"),
    ("tranche_day", "int64"),
    ("tranche_amount", "int64"),
)
NO_TRANCHE = -(10**9)  # epoch day for "no later tranche"

_jit = numba.njit(cache=True, nogil=True)


@_jit
def round_mul_div(s: int, num: int, den: int, mode: int, tie: int) -> int:
    """round(s × num / den) for s ≥ 0 without forming s × num (num × den < 2**53); mode as ``ROUNDING_CODES``."""
    q = (s // den) * num
    bn = (s % den) * num
    q += bn // den
    r = bn % den
    if mode == 2:  # up
        return q + 1 if r > 0 else q
    if mode == 3:  # down
        return q
    r2 = 2 * r
    if r2 > den:
        return q + 1
    if r2 < den:
        return q
    if tie != 0:  # the core's rounded Decimal rate lies above (+1) or below (-1) the exact rate
        return q + 1 if tie > 0 else q
    if mode == 1:  # half up
        return q + 1
    return q + (q % 2)  # half even


@_jit
def unpaused(a: int, b: int, zs: I64, ze: I64) -> int:
    """Days in (a, b] outside the merged pauses ``zs``/``ze`` (``ledger.accrual.unpaused_days``)."""
    if b <= a:
        return 0
    total = b - a
    lo = a + 1
    for j in range(len(zs)):
        if ze[j] < lo:
            continue
        if zs[j] > b:
            break
        total -= min(ze[j], b) - max(zs[j], lo) + 1
    return total


@_jit
def _merged_pauses(starts: I64, ends: I64, as_of: int) -> tuple[I64, I64]:
    keep = starts <= as_of
    s, e = starts[keep], ends[keep]
    order = np.argsort(s * 4_000_000 + (e - s), kind="mergesort")
    s, e = s[order], e[order]
    ms = np.empty(len(s), np.int64)
    me = np.empty(len(s), np.int64)
    m = 0
    for j in range(len(s)):
        if m > 0 and s[j] <= me[m - 1] + 1:
            if e[j] > me[m - 1]:
                me[m - 1] = e[j]
        else:
            ms[m] = s[j]
            me[m] = e[j]
            m += 1
    return ms[:m], me[:m]


@_jit
def _scheduled_exposure(as_of: int, start: int, principal: int, due: I64, P: I64, td: I64, ta: I64) -> int:
    """Σ scheduled opening balance × days of each period up to as_of (the first part of ``caps.exposure_days``);
    the balance after an instalment counts the tranches dated before its due date."""
    order = np.argsort(td, kind="mergesort") if len(td) > 1 else np.arange(len(td))
    exposure = 0
    prev = start
    opening = principal
    disbursed = 0
    cum_prin = 0
    ti = 0
    for i in range(len(due)):
        end = min(due[i], as_of)
        if end > prev:
            exposure += opening * (end - prev)
        prev = due[i]
        while ti < len(td) and td[order[ti]] < due[i]:
            disbursed += ta[order[ti]]
            ti += 1
        cum_prin += P[i]
        opening = disbursed - cum_prin
        if due[i] >= as_of:
            break
    return exposure


@_jit
def _one(
    as_of: int,
    grace: int,
    late_fee: int,
    pnum: int,
    pden: int,
    ptie: int,
    prnd: int,
    start: int,
    principal: int,
    deducted: int,
    cap_num: int,
    cap_den: int,
    illegal: int,
    key_in: I64,
    prin_in: I64,
    int_in: I64,
    fee_in: I64,
    pkey_in: I64,
    pamt_in: I64,
    zs_in: I64,
    ze_in: I64,
    td_in: I64,
    ta_in: I64,
    w: I64,
    wb: npt.NDArray[np.bool_],
    out: I64,
    flags: npt.NDArray[np.bool_],
) -> None:
    """One loan. ``w`` (≥ 11 × instalments) and ``wb`` (≥ 2 × instalments) are scratch space, reused across loans."""
    n = len(key_in)
    due, P, Iv, F, g = w[0:n], w[n : 2 * n], w[2 * n : 3 * n], w[3 * n : 4 * n], w[4 * n : 5 * n]
    S, lf, pp, pf = w[5 * n : 6 * n], w[6 * n : 7 * n], w[7 * n : 8 * n], w[8 * n : 9 * n]
    pr = w[9 * n : 10 * n]
    pi = w[10 * n : 11 * n]
    chk, alive = wb[0:n], wb[n : 2 * n]
    # Instalments in number order (the key is due × 4096 + number; schedules are usually already in order).
    in_order = True
    for i in range(1, n):
        if key_in[i] % 4096 <= key_in[i - 1] % 4096:
            in_order = False
            break
    order = np.arange(n) if in_order else np.argsort(key_in % 4096, kind="mergesort")
    for j in range(n):
        i = order[j]
        due[j] = key_in[i] // 4096
        P[j] = prin_in[i]
        Iv[j] = int_in[i]
        F[j] = fee_in[i]
        g[j] = due[j] + grace
        S[j] = lf[j] = pp[j] = pf[j] = pr[j] = pi[j] = 0
        chk[j] = False
        alive[j] = True
    last_tranche = NO_TRANCHE
    for j in range(len(td_in)):
        last_tranche = max(last_tranche, td_in[j])
    if len(zs_in) > 0:
        zs, ze = _merged_pauses(zs_in, ze_in, as_of)
    else:
        zs, ze = zs_in, ze_in
    # Payment days in order (same-day payments add up); the key is day × 2 + 1 for a prepayment.
    p_sorted = True
    for k in range(1, len(pkey_in)):
        if pkey_in[k] < pkey_in[k - 1]:
            p_sorted = False
            break
    pkeys = pkey_in if p_sorted else pkey_in[np.argsort(pkey_in, kind="mergesort")]
    pamts = pamt_in if p_sorted else pamt_in[np.argsort(pkey_in, kind="mergesort")]
    last = -(10**9)  # last accrual day; nothing accrues before the first due date anyway
    partial = False
    penalised = False
    k = 0
    n_pay = len(pkeys)
    while n_pay > 0 and pkeys[n_pay - 1] // 2 > as_of:
        n_pay -= 1  # payments after as_of do not count
    lo = 0  # instalments before ``lo`` are fully paid (nothing more can accrue on them)
    for phase in range(2):
        x = as_of - 1 if phase == 0 else as_of
        while k < n_pay and pkeys[k] // 2 <= x:
            t = pkeys[k] // 2
            amount = 0
            prepay = False
            while k < n_pay and pkeys[k] // 2 == t:
                amount += pamts[k]
                prepay = prepay or pkeys[k] % 2 == 1
                k += 1
            # accrue_to(t)
            if t > last:
                for i in range(lo, n):
                    if not alive[i]:
                        continue
                    if g[i] >= t:
                        break
                    if not chk[i]:
                        chk[i] = True
                        if late_fee > 0 and P[i] + Iv[i] + F[i] + lf[i] - pr[i] - pi[i] - pf[i] > 0:
                            lf[i] = late_fee
                            penalised = True
                    owed = P[i] - pr[i]
                    if owed > 0:
                        S[i] += owed * unpaused(max(g[i], last), t, zs, ze)
                last = t
            # pay(): what is due on t, then (prepayment) settle, then the next instalments in advance.
            left = amount
            for i in range(lo, n):
                if left == 0:
                    break
                if not alive[i] or due[i] > t:
                    continue
                x1 = round_mul_div(S[i], pnum, pden, prnd, ptie) - pp[i]
                take = min(x1, left)
                pp[i] += take
                left -= take
                x1 = F[i] + lf[i] - pf[i]
                take = min(x1, left)
                pf[i] += take
                left -= take
                x1 = Iv[i] - pi[i]
                take = min(x1, left)
                pi[i] += take
                left -= take
                x1 = P[i] - pr[i]
                take = min(x1, left)
                pr[i] += take
                left -= take
            if left > 0 and prepay:
                fut_prin = 0
                fut_paid = 0
                n_fut = 0
                for i in range(n):
                    if alive[i] and due[i] > t:
                        n_fut += 1
                        fut_prin += P[i]
                        fut_paid += pp[i] + pf[i] + pi[i] + pr[i]
                if n_fut > 0:
                    if last_tranche <= t and left + fut_paid >= fut_prin:
                        for i in range(n):
                            if alive[i] and due[i] > t:
                                alive[i] = False
                        left = 0  # the rest is unallocated credit
                    else:
                        partial = True  # the core re-amortises; paid in advance here, replayed by the shell
            for i in range(lo, n):
                if left == 0:
                    break
                if not alive[i] or due[i] <= t:
                    continue
                x1 = F[i] + lf[i] - pf[i]
                take = min(x1, left)
                pf[i] += take
                left -= take
                x1 = Iv[i] - pi[i]
                take = min(x1, left)
                pi[i] += take
                left -= take
                x1 = P[i] - pr[i]
                take = min(x1, left)
                pr[i] += take
                left -= take
            while lo < n and (
                not alive[lo]
                or (
                    pr[lo] == P[lo]
                    and pi[lo] == Iv[lo]
                    and pf[lo] == F[lo] + lf[lo]
                    and g[lo] < t
                    and pp[lo] == round_mul_div(S[lo], pnum, pden, prnd, ptie)
                )
            ):
                lo += 1
        # Observe on x: accrue to x without keeping it (the next payment day accrues from the last one).
        base = 0 if phase == 0 else 6
        dpd = 0
        ov_pen = ov_fee = ov_int = ov_prin = prin_out = 0
        next_due = -1
        charged = pen_charged = prin_days = 0
        found = False
        for i in range(n):
            if not alive[i]:
                continue
            s_i = S[i]
            lf_i = lf[i]
            if g[i] < x and x > last:
                if not chk[i] and late_fee > 0 and P[i] + Iv[i] + F[i] + lf_i - pr[i] - pi[i] - pf[i] > 0:
                    lf_i = late_fee
                owed = P[i] - pr[i]
                if owed > 0:
                    s_i += owed * unpaused(max(g[i], last), x, zs, ze)
            pen = round_mul_div(s_i, pnum, pden, prnd, ptie)
            o_pen = pen - pp[i]
            o_fee = F[i] + lf_i - pf[i]
            o_int = Iv[i] - pi[i]
            o_prin = P[i] - pr[i]
            sched = o_fee + o_int + o_prin
            prin_out += o_prin
            if due[i] < x:
                ov_pen += o_pen
                ov_fee += o_fee
                ov_int += o_int
                ov_prin += o_prin
                prin_days += o_prin * (x - due[i])
                if sched > 0 and not found:
                    found = True
                    dpd = unpaused(due[i], x, zs, ze)
            elif sched > 0 and next_due < 0:
                next_due = due[i]
            if due[i] <= x:
                charged += pen + F[i] + lf_i + Iv[i]
            pen_charged += pen
            if pen > 0 or lf_i > 0:
                penalised = True
        out[base + 0] = dpd
        out[base + 1] = ov_pen
        out[base + 2] = ov_fee
        out[base + 3] = ov_int
        out[base + 4] = ov_prin
        out[base + 5] = prin_out
        if phase == 1:
            out[12] = next_due
            out[13] = charged
            out[14] = pen_charged
            out[15] = prin_days + _scheduled_exposure(as_of, start, principal, due, P, td_in, ta_in)
    flags[0] = penalised
    flags[1] = partial
    # caps.lawfully_collectable: an illegal loan owes no charges; else charges above cap × exposure are excluded,
    # penalty first, then fees, then interest.
    ov = [max(0, out[7]), max(0, out[8]), max(0, out[9])]
    total = ov[0] + ov[1] + ov[2] + max(0, out[10])
    excluded = 0
    if illegal:
        excluded = ov[0] + ov[1] + ov[2]
        flags[2] = True
    elif cap_den > 0:
        lawful = (out[15] * cap_num) // (cap_den * 365)
        excess = max(0, out[13] + deducted - lawful)
        for c in range(3):
            take = min(excess, ov[c])
            excluded += take
            excess -= take
    out[16] = total - excluded
    out[17] = excluded


@numba.njit(cache=True, nogil=True, parallel=True)
def _run(  # type: ignore[no-untyped-def]
    as_of, grace, late_fee, pnum, pden, ptie, prnd, start, principal, deducted, cap_num, cap_den, illegal,
    i_off, i_key, i_prin, i_int, i_fee,
    p_off, p_key, p_amt, z_off, z_start, z_end, t_off, t_day, t_amt, out, flags, parts,
):  # fmt: skip
    n = len(grace)
    for c in numba.prange(parts):
        r0 = c * n // parts
        r1 = (c + 1) * n // parts
        width = 1
        for r in range(r0, r1):
            width = max(width, i_off[r + 1] - i_off[r])
        w = np.empty(11 * width, np.int64)  # scratch, reused by the loans of this part
        wb = np.empty(2 * width, np.bool_)
        for r in range(r0, r1):
            a, b = i_off[r], i_off[r + 1]
            e, f = z_off[r], z_off[r + 1]
            h, k = t_off[r], t_off[r + 1]
            _one(
                as_of, grace[r], late_fee[r], pnum[r], pden[r], ptie[r], prnd[r], start[r], principal[r],
                deducted[r], cap_num[r], cap_den[r], illegal[r],
                i_key[a:b], i_prin[a:b], i_int[a:b], i_fee[a:b], p_key[p_off[r] : p_off[r + 1]],
                p_amt[p_off[r] : p_off[r + 1]], z_start[e:f], z_end[e:f], t_day[h:k], t_amt[h:k],
                w, wb, out[r], flags[r],
            )  # fmt: skip


def run(arrays: dict[str, npt.NDArray[np.generic]], as_of: int) -> tuple[I64, npt.NDArray[np.bool_]]:
    """Replay a batch: ``arrays`` holds each scalar argument (one value per loan) and, for each list argument, its
    flat values plus ``<group>_off`` offsets (``inst``, ``pay``, ``pause``, ``tranche``). Returns (int outputs, flags)."""
    n = len(arrays["grace"])
    out = np.zeros((n, _N_INT), np.int64)
    flags = np.zeros((n, 3), np.bool_)
    if n:
        a = arrays
        _run(
            as_of, a["grace"], a["late_fee"], a["pnum"], a["pden"], a["ptie"], a["prnd"], a["start"], a["principal"],
            a["deducted"], a["cap_num"], a["cap_den"], a["illegal"],
            a["inst_off"], a["inst_key"], a["inst_prin"], a["inst_int"], a["inst_fee"],
            a["pay_off"], a["pay_key"], a["pay_amount"],
            a["pause_off"], a["pause_start"], a["pause_end"], a["tranche_off"], a["tranche_day"],
            a["tranche_amount"], out, flags, min(n, 4 * numba.get_num_threads()),
        )  # fmt: skip
    return out, flags


# --- Arrow in, Arrow out (what the engines hand a vectorised UDF) ------------------------------------------------

_GROUPS = {"inst": "inst_key", "pay": "pay_key", "pause": "pause_start", "tranche": "tranche_day"}


def _arrow_type(kind: str) -> pa.DataType:
    if kind == "scalar":
        return pa.int64()
    return pa.list_(pa.bool_() if kind == "bool" else pa.int64())


def _np(a: pa.Array | pa.ChunkedArray, dtype: type) -> npt.NDArray[np.generic]:
    return np.ascontiguousarray(a.to_numpy(zero_copy_only=False), dtype=dtype)


def arrays_from_arrow(args: dict[str, pa.Array]) -> dict[str, npt.NDArray[np.generic]]:
    """Flat numpy arrays and offsets from Arrow columns (a null list is an empty one; no last tranche is none)."""
    out: dict[str, npt.NDArray[np.generic]] = {}
    for name, kind in ARGS:
        if kind == "scalar" and name != "as_of":
            out[name] = _np(pc.fill_null(args[name], 0), np.int64)
    for prefix, first in _GROUPS.items():
        lengths = _np(pc.fill_null(pc.list_value_length(args[first]), 0), np.int64)
        out[f"{prefix}_off"] = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
    for name, kind in ARGS:
        if kind != "scalar":
            out[name] = _np(pc.list_flatten(args[name]), np.int64)
    return out


def struct_type() -> pa.StructType:
    return pa.struct([(name, pa.bool_() if typ == "bool" else pa.int64()) for name, typ in OUTPUTS])


def run_arrow(*args: object) -> pa.StructArray | dict[str, object]:
    """The UDF body: Arrow arrays (a batch of rows, DuckDB) or one row of Python values (Spark), in ``ARGS`` order."""
    if args and not isinstance(args[0], pa.Array | pa.ChunkedArray):
        one = [pa.array([a], type=_arrow_type(kind)) for a, (_, kind) in zip(args, ARGS, strict=True)]
        result = run_arrow(*one)
        assert isinstance(result, pa.StructArray)
        return result.to_pylist()[0]  # type: ignore[no-any-return]
    cols = {
        name: (a.combine_chunks() if isinstance(a, pa.ChunkedArray) else a)
        for (name, _), a in zip(ARGS, args, strict=True)
    }
    n = len(cols["grace"])
    as_of = int(cols["as_of"][0].as_py()) if n else 0
    ints, flags = run(arrays_from_arrow(cols), as_of)
    fields: list[pa.Array] = []
    i = j = 0
    for _, typ in OUTPUTS:
        if typ == "bool":
            fields.append(pa.array(flags[:, j]))
            j += 1
        else:
            fields.append(pa.array(ints[:, i]))
            i += 1
    return pa.StructArray.from_arrays(fields, fields=list(struct_type()))
