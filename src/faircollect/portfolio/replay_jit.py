"""The compiled part of the replay kernel (Numba): one loan's replay, and the loop over a batch of loans.

Kept apart from ``kernel`` (the Arrow and numpy plumbing) because Numba's on-disk cache is invalidated by any
change to the module that holds the compiled functions. See ``kernel`` for what the replay computes.
"""

from __future__ import annotations

import numba
import numpy as np
import numpy.typing as npt

I64 = npt.NDArray[np.int64]
NO_TRANCHE = -(10**9)  # epoch day for "no tranche"
NO_WRITE_OFF = 10**9  # epoch day for "not written off"

_jit = numba.njit(cache=True, nogil=True)


@_jit
def round_mul_div(s: int, num: int, den: int, mode: int) -> int:
    """round(s × num / den) for s ≥ 0 without forming s × num (num × den < 2**53); mode as ``ROUNDING_CODES``."""
    if s == 0:
        return 0  # most instalments never accrue: skip the divisions
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
    in_order = True
    for j in range(1, len(td)):
        if td[j] < td[j - 1]:
            in_order = False
    order = td[:0] if in_order else np.argsort(td, kind="mergesort")
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
        while ti < len(td) and td[ti if in_order else order[ti]] < due[i]:
            disbursed += ta[ti if in_order else order[ti]]
            ti += 1
        cum_prin += P[i]
        opening = disbursed - cum_prin
        if due[i] >= as_of:
            break
    return exposure


@numba.njit(cache=True, nogil=True, inline="always")
def _out(i: int, c: int, S: I64, pp: I64, pf: I64, pi: I64, pr: I64, P: I64, Iv: I64, F: I64, lf: I64,
         pnum: int, pden: int, prnd: int) -> int:  # fmt: skip
    """What instalment ``i`` still owes of component ``c`` (0 penalty, 1 fees, 2 interest, 3 principal); the paid
    counters include waived amounts."""
    if c == 0:
        return round_mul_div(S[i], pnum, pden, prnd) - pp[i]
    if c == 1:
        return F[i] + lf[i] - pf[i]
    if c == 2:
        return Iv[i] - pi[i]
    return P[i] - pr[i]


@numba.njit(cache=True, nogil=True, inline="always")
def _take(i: int, c: int, amount: int, pp: I64, pf: I64, pi: I64, pr: I64) -> None:
    if c == 0:
        pp[i] += amount
    elif c == 1:
        pf[i] += amount
    elif c == 2:
        pi[i] += amount
    else:
        pr[i] += amount


@numba.njit(cache=True, nogil=True, inline="always")
def _allocate(left: int, lo: int, n: int, t: int, due_now: bool, waterfall: int, alive: npt.NDArray[np.bool_],
              w: I64, pnum: int, pden: int, prnd: int) -> int:  # fmt: skip
    """``allocation.allocate`` over the instalments due by ``t`` (``due_now``) or after it; returns what is left.

    ``w`` is ``_one``'s scratch (due, P, Iv, F, g, S, lf, pp, pf, pr, pi … each ``n`` long), indexed directly:
    two array arguments instead of twelve (each array an inlined function takes costs reference counting).
    ``waterfall`` = style × 256 + the four component codes in order, two bits each (default penalty → fees →
    interest → principal, instalment first: 27)."""
    if waterfall == 27:  # the default, written out: it is what almost every loan uses
        for i in range(lo, n):
            if left == 0:
                return 0
            if not alive[i] or (w[i] <= t) != due_now:
                continue
            take = min(round_mul_div(w[5 * n + i], pnum, pden, prnd) - w[7 * n + i], left)
            w[7 * n + i] += take
            left -= take
            take = min(w[3 * n + i] + w[6 * n + i] - w[8 * n + i], left)
            w[8 * n + i] += take
            left -= take
            take = min(w[2 * n + i] - w[10 * n + i], left)
            w[10 * n + i] += take
            left -= take
            take = min(w[n + i] - w[9 * n + i], left)
            w[9 * n + i] += take
            left -= take
        return left
    component_first = waterfall >= 256
    for outer in range(lo if not component_first else 0, n if not component_first else 4):
        for inner in range(4 if not component_first else n - lo):
            i = outer if not component_first else lo + inner
            j = inner if not component_first else outer
            if left == 0:
                return 0
            if not alive[i] or (w[i] <= t) != due_now:
                continue
            c = (waterfall >> (2 * (3 - j))) & 3
            if c == 0:
                owe = round_mul_div(w[5 * n + i], pnum, pden, prnd) - w[7 * n + i]
            elif c == 1:
                owe = w[3 * n + i] + w[6 * n + i] - w[8 * n + i]
            elif c == 2:
                owe = w[2 * n + i] - w[10 * n + i]
            else:
                owe = w[n + i] - w[9 * n + i]
            take = min(owe, left)
            if take > 0:
                if c == 0:
                    w[7 * n + i] += take
                elif c == 1:
                    w[8 * n + i] += take
                elif c == 2:
                    w[10 * n + i] += take
                else:
                    w[9 * n + i] += take
                left -= take
    return left


@_jit
def _one(
    as_of: int,
    grace: int,
    late_fee: int,
    pnum: int,
    pden: int,
    prnd: int,
    start: int,
    principal: int,
    deducted: int,
    cap_num: int,
    cap_den: int,
    illegal: int,
    write_off: int,
    waterfall: int,
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
    wkey_in: I64,
    wamt_in: I64,
    w: I64,
    wb: npt.NDArray[np.bool_],
    out: I64,
    flags: npt.NDArray[np.bool_],
) -> None:
    """One loan. ``w`` (≥ 13 × instalments) and ``wb`` (≥ 2 × instalments) are scratch space, reused across loans.

    Events of a day, in order: accrual to the day, the day's payments (added up), its waivers, its write-off.
    """
    n = len(key_in)
    due, P, Iv, F, g = w[0:n], w[n : 2 * n], w[2 * n : 3 * n], w[3 * n : 4 * n], w[4 * n : 5 * n]
    S, lf, pp, pf = w[5 * n : 6 * n], w[6 * n : 7 * n], w[7 * n : 8 * n], w[8 * n : 9 * n]
    pr = w[9 * n : 10 * n]
    pi = w[10 * n : 11 * n]
    wn = w[11 * n : 12 * n]  # waived penalty, fees and interest (inside the paid counters too)
    wr = w[12 * n : 13 * n]  # waived principal (inside ``pr`` too)
    chk, alive = wb[0:n], wb[n : 2 * n]
    # Instalments in number order (the key is due × 4096 + number; schedules are usually already in order).
    in_order = True
    for i in range(1, n):
        if key_in[i] % 4096 <= key_in[i - 1] % 4096:
            in_order = False
            break
    order = key_in[:0] if in_order else np.argsort(key_in % 4096, kind="mergesort")
    for j in range(n):
        i = j if in_order else order[j]
        due[j] = key_in[i] // 4096
        P[j] = prin_in[i]
        Iv[j] = int_in[i]
        F[j] = fee_in[i]
        g[j] = due[j] + grace
        S[j] = lf[j] = pp[j] = pf[j] = pr[j] = pi[j] = wn[j] = wr[j] = 0
        chk[j] = False
        alive[j] = True
    last_tranche = NO_TRANCHE
    for j in range(len(td_in)):
        last_tranche = max(last_tranche, td_in[j])
    if len(zs_in) > 0:
        zs, ze = _merged_pauses(zs_in, ze_in, as_of)
    else:
        zs, ze = zs_in, ze_in
    paused = len(zs) > 0  # without pauses every day counts (``unpaused`` is then max(b - a, 0); no call)
    # Payments (key: day × 2 + 1 for a prepayment) and waivers (key: day × 4 + component) in date order.
    p_sorted = True
    for k in range(1, len(pkey_in)):
        if pkey_in[k] < pkey_in[k - 1]:
            p_sorted = False
            break
    porder = pkey_in[:0] if p_sorted else np.argsort(pkey_in, kind="mergesort")
    pkeys = pkey_in if p_sorted else pkey_in[porder]
    pamts = pamt_in if p_sorted else pamt_in[porder]
    worder = np.argsort(wkey_in, kind="mergesort") if len(wkey_in) > 1 else wkey_in[:0]
    wkeys = wkey_in if len(wkey_in) < 2 else wkey_in[worder]
    wamts = wamt_in if len(wkey_in) < 2 else wamt_in[worder]
    last = -(10**9)  # last accrual day; nothing accrues before the first due date anyway
    partial = False
    penalised = False
    written_off = False
    n_pay = len(pkeys)
    while n_pay > 0 and pkeys[n_pay - 1] // 2 > as_of:
        n_pay -= 1  # payments after as_of do not count
    n_wv = len(wkeys)
    while n_wv > 0 and wkeys[n_wv - 1] // 4 > as_of:
        n_wv -= 1
    k = 0
    kw = 0
    lo = 0  # instalments before ``lo`` are settled (nothing more can accrue on them)
    for phase in range(2):
        x = as_of - 1 if phase == 0 else as_of
        while True:
            t = x + 1  # the next event day, if any is on or before x
            if k < n_pay:
                t = min(t, pkeys[k] // 2)
            if kw < n_wv:
                t = min(t, wkeys[kw] // 4)
            if not written_off and write_off <= x:
                t = min(t, write_off)
            if t > x:
                break
            # accrue_to(t): a written-off loan stops accruing on its write-off day.
            ta = min(t, write_off)
            if ta > last:
                for i in range(lo, n):
                    if not alive[i]:
                        continue
                    if g[i] >= ta:
                        break
                    if not chk[i]:
                        chk[i] = True
                        if late_fee > 0 and P[i] + Iv[i] + F[i] + lf[i] - pr[i] - pi[i] - pf[i] > 0:
                            lf[i] = late_fee
                            penalised = True
                    owed = P[i] - pr[i]
                    if owed > 0:
                        a0 = max(g[i], last)
                        S[i] += owed * (unpaused(a0, ta, zs, ze) if paused else max(ta - a0, 0))
                last = ta
            # pay(): what is due on t, then (prepayment) settle, then the next instalments in advance.
            left = 0
            prepay = False
            while k < n_pay and pkeys[k] // 2 == t:
                left += pamts[k]
                prepay = prepay or pkeys[k] % 2 == 1
                k += 1
            left = _allocate(left, lo, n, t, True, waterfall, alive, w, pnum, pden, prnd)
            if left > 0 and prepay and not written_off:
                fut_prin = 0
                fut_paid = 0
                n_fut = 0
                for i in range(n):
                    if alive[i] and due[i] > t:
                        n_fut += 1
                        fut_prin += P[i] - wr[i]
                        fut_paid += pp[i] + pf[i] + pi[i] + pr[i] - wn[i] - wr[i]
                if n_fut > 0:
                    if last_tranche <= t and left + fut_paid >= fut_prin:
                        for i in range(n):
                            if alive[i] and due[i] > t:
                                alive[i] = False
                        left = 0  # the rest is unallocated credit
                    else:
                        partial = True  # the core re-amortises; paid in advance here, flagged
            left = _allocate(left, lo, n, t, False, waterfall, alive, w, pnum, pden, prnd)
            # waive(): oldest instalment first, up to what it owes of the component.
            while kw < n_wv and wkeys[kw] // 4 == t:
                c = wkeys[kw] % 4
                left = wamts[kw]
                kw += 1
                for i in range(n):
                    if left == 0:
                        break
                    if not alive[i]:
                        continue
                    take = min(_out(i, c, S, pp, pf, pi, pr, P, Iv, F, lf, pnum, pden, prnd), left)
                    if take > 0:
                        _take(i, c, take, pp, pf, pi, pr)
                        if c == 3:
                            wr[i] += take
                        else:
                            wn[i] += take
                        left -= take
            if t == write_off:
                written_off = True
            while lo < n and (
                not alive[lo]
                or (
                    g[lo] < ta
                    and P[lo] == pr[lo]
                    and Iv[lo] == pi[lo]
                    and F[lo] + lf[lo] == pf[lo]
                    and round_mul_div(S[lo], pnum, pden, prnd) == pp[lo]
                )
            ):
                lo += 1
        # Observe on x: accrue to x without keeping it (the next event accrues from the last one).
        base = 0 if phase == 0 else 6
        xa = min(x, write_off)
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
            if g[i] < xa and xa > last:
                if not chk[i] and late_fee > 0 and P[i] + Iv[i] + F[i] + lf_i - pr[i] - pi[i] - pf[i] > 0:
                    lf_i = late_fee
                owed = P[i] - pr[i]
                if owed > 0:
                    a0 = max(g[i], last)
                    s_i += owed * (unpaused(a0, xa, zs, ze) if paused else max(xa - a0, 0))
            pen = round_mul_div(s_i, pnum, pden, prnd)
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
                    dpd = unpaused(due[i], x, zs, ze) if paused else max(x - due[i], 0)
            elif sched > 0 and next_due < 0:
                next_due = due[i]
            if due[i] <= x:
                charged += pen + F[i] + lf_i + Iv[i] - wn[i]
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
    flags[3] = written_off
    # caps.lawfully_collectable: an illegal loan owes no charges; else charges above cap × exposure are excluded,
    # penalty first, then fees, then interest.
    ov_pen, ov_fee, ov_int = max(0, out[7]), max(0, out[8]), max(0, out[9])
    total = ov_pen + ov_fee + ov_int + max(0, out[10])
    excluded = 0
    if illegal:
        excluded = ov_pen + ov_fee + ov_int
        flags[2] = True
    elif cap_den > 0:
        lawful = (out[15] * cap_num) // (cap_den * 365)
        excess = max(0, out[13] + deducted - lawful)
        excluded = min(excess, ov_pen + ov_fee + ov_int)  # penalty first, then fees, then interest
    out[16] = total - excluded
    out[17] = excluded
    paid_today = paid_30d = 0
    for k in range(n_pay):
        day = pkeys[k] // 2
        if day == as_of:
            paid_today += pamts[k]
        if day > as_of - 30:
            paid_30d += pamts[k]
    out[18] = paid_today
    out[19] = paid_30d


@numba.njit(cache=True, nogil=True, parallel=True)
def run_batch(
    as_of, grace, late_fee, pnum, pden, prnd, start, principal, deducted, cap_num, cap_den, illegal,
    write_off, waterfall, i_lo, i_hi, i_key, i_prin, i_int, i_fee, p_lo, p_hi, p_key, p_amt, z_lo, z_hi, z_start, z_end,
    t_lo, t_hi, t_day, t_amt, v_lo, v_hi, v_key, v_amt, out, flags, parts,
):  # fmt: skip
    n = len(grace)
    for c in numba.prange(parts):
        r0 = c * n // parts
        r1 = (c + 1) * n // parts
        width = 1
        for r in range(r0, r1):
            width = max(width, i_hi[r] - i_lo[r])
        w = np.empty(13 * width, np.int64)  # scratch, reused by the loans of this part
        wb = np.empty(2 * width, np.bool_)
        for r in range(r0, r1):
            a, b = i_lo[r], i_hi[r]
            e, f = z_lo[r], z_hi[r]
            h, k = t_lo[r], t_hi[r]
            _one(
                as_of, grace[r], late_fee[r], pnum[r], pden[r], prnd[r], start[r], principal[r],
                deducted[r], cap_num[r], cap_den[r], illegal[r], write_off[r], waterfall[r],
                i_key[a:b], i_prin[a:b], i_int[a:b], i_fee[a:b], p_key[p_lo[r] : p_hi[r]],
                p_amt[p_lo[r] : p_hi[r]], z_start[e:f], z_end[e:f], t_day[h:k], t_amt[h:k],
                v_key[v_lo[r] : v_hi[r]], v_amt[v_lo[r] : v_hi[r]], w, wb, out[:, r], flags[:, r],
            )  # fmt: skip


@_jit
def ranges_sorted(g_loan: I64, loan_no: I64, top: int) -> tuple[I64, I64]:
    """For each of ``loan_no`` (values in [0, top)), the [lo, hi) range of its rows in the sorted ``g_loan``."""
    first = np.zeros(top + 1, np.int64)
    end = np.zeros(top + 1, np.int64)
    for k in range(len(g_loan)):
        v = g_loan[k]
        if k == 0 or g_loan[k - 1] != v:
            first[v] = k
        end[v] = k + 1
    lo = np.empty(len(loan_no), np.int64)
    hi = np.empty(len(loan_no), np.int64)
    for r in range(len(loan_no)):
        lo[r] = first[loan_no[r]]
        hi[r] = end[loan_no[r]]
    return lo, hi
