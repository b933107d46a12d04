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

Exact integer arithmetic, as the core: Σ unpaid principal × days per instalment, rounded once as ``S × pnum / pden``
(the daily penalty rate as an exact fraction, ``ledger.accrual.penalty_daily_rate_exact``) with the loan's rounding
mode. Payments on the same day are added up (the day counts as a prepayment if any of them is one). A prepayment that
does not settle the loan makes the core re-amortise the schedule; the kernel flags such loans
(``partial_prepayment``) and the shell replays them with the core itself (``portfolio.fallback``).

The kernel is pure: arrays in, arrays out; ``apply`` and ``run`` are its Arrow and numpy faces.
"""

from __future__ import annotations

import contextlib
import importlib.abc
import itertools
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from faircollect.ledger.allocation import DEFAULT_WATERFALL, AllocationStyle, Waterfall

#: Epoch day for "not written off" (``replay_jit.NO_WRITE_OFF``, checked when the kernel is loaded). The compiled
#: module (Numba, ~0.4 s to import) is imported on first use: ``warm`` loads it beside other work.
NO_WRITE_OFF = 10**9

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
    ("paid_today", "int64"),  # received on as_of
    ("paid_30d", "int64"),  # received in the 30 days to as_of
    ("penalised", "bool"),  # penalty interest or a late fee fell due at some point
    ("partial_prepayment", "bool"),  # a prepayment that did not settle the loan (the core re-amortises)
    ("legal_review", "bool"),  # all-in cost above the illegal line: refer to legal review
    ("written_off", "bool"),  # written off on or before as_of (accrual stopped that day)
)
_N_INT = sum(1 for _, t in OUTPUTS if t == "int64")

#: The kernel's arguments in UDF order: (name, kind); kind "scalar" is int64, else a list of that type.
ARGS: tuple[tuple[str, str], ...] = (
    ("as_of", "scalar"),
    ("grace", "scalar"),
    ("late_fee", "scalar"),
    ("pnum", "scalar"),
    ("pden", "scalar"),
    ("prnd", "scalar"),
    ("start", "scalar"),  # epoch day of the loan's start
    ("principal", "scalar"),  # contract principal (sum of tranches)
    ("deducted", "scalar"),  # fees deducted from the disbursement (count as charged for the cost cap)
    ("cap_num", "scalar"),  # all-in annual cost cap as a fraction cap_num / cap_den (0 / 0: no cap)
    ("cap_den", "scalar"),
    ("illegal", "scalar"),  # 1: the loan's all-in cost is above the line where charges are not owed at all
    ("write_off", "scalar"),  # epoch day of the write-off (null: none)
    ("waterfall", "scalar"),  # allocation order, ``waterfall_code`` (null: the default)
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
    ("waiver_key", "int64"),  # waiver day × 4 + component (0 penalty, 1 fees, 2 interest, 3 principal)
    ("waiver_amount", "int64"),
)
#: What a scalar argument is when null.
NULL_AS = {"write_off": NO_WRITE_OFF, "waterfall": 27}  # 27: DEFAULT_WATERFALL_CODE (checked below)

_COMPONENT_CODES = {"penalty": 0, "fees": 1, "interest": 2, "principal": 3}


def waterfall_code(w: Waterfall) -> int:
    """A waterfall as the kernel's integer: style × 256 + the component codes in order, two bits each."""
    code = 0
    for c in w.order:
        code = code * 4 + _COMPONENT_CODES[c.value]
    return code + (256 if w.style is AllocationStyle.COMPONENT_FIRST else 0)


DEFAULT_WATERFALL_CODE = waterfall_code(
    DEFAULT_WATERFALL
)  # the kernel writes this one out (replay_jit._allocate)
assert DEFAULT_WATERFALL_CODE == NULL_AS["waterfall"] == 27


def _compiled() -> Any:
    """The compiled kernel's module (``replay_jit``), imported on first use."""
    from faircollect.portfolio import replay_jit

    if replay_jit.NO_WRITE_OFF != NO_WRITE_OFF:
        raise AssertionError("kernel.NO_WRITE_OFF differs from replay_jit.NO_WRITE_OFF")
    return replay_jit


def warm() -> None:
    """Load what the kernel's first call loads before it runs: Numba's registries (~0.3 s of CPU, and ~1.5 s under
    load, every run; without SciPy, ``_without_scipy_blas``). Done beside other work (``run._warm_up``); the
    cached machine code itself is small and still loaded on the first call, for the argument types it gets."""
    with _without_scipy_blas():
        from numba.core.compiler_lock import global_compiler_lock
        from numba.core.registry import cpu_target

        _compiled()
        with global_compiler_lock:  # what the dispatcher holds when it refreshes the context itself
            cpu_target.target_context.refresh()


class _NoScipyLinalg(importlib.abc.MetaPathFinder):
    """Refuses ``scipy.linalg`` to one thread (``_without_scipy_blas``)."""

    def __init__(self) -> None:
        self.thread = threading.get_ident()

    def find_spec(self, fullname: str, path: Any = None, target: Any = None) -> None:
        if fullname == "scipy.linalg" and threading.get_ident() == self.thread:
            raise ImportError(
                "scipy.linalg is not loaded for the portfolio kernel (kernel._without_scipy_blas)"
            )
        return None


@contextlib.contextmanager
def _without_scipy_blas() -> Iterator[None]:
    """Numba's registries without SciPy. Loading them imports ``numba.np.arraymath``, which imports
    ``scipy.linalg.cython_blas`` once only to note whether BLAS is there (``_HAVE_BLAS``, read by nothing but its
    ``np.correlate`` / ``np.convolve``: without BLAS they use their own loop). The kernel uses no linear algebra;
    SciPy's import and its BLAS threads cost ~0.16-0.2 s of CPU every run (2026-12-05: ``kernel.warm`` 0.46 ->
    0.30 s). While Numba loads, this thread may not import ``scipy.linalg``; once loaded, anything may (Numba's own
    linear algebra then imports it when a function using it is compiled). Nothing is refused when SciPy's linear
    algebra is already loaded."""
    if "scipy.linalg" in sys.modules or "numba.np.arraymath" in sys.modules:
        yield
        return
    finder = _NoScipyLinalg()
    sys.meta_path.insert(0, finder)
    try:
        yield
    finally:
        sys.meta_path.remove(finder)


def run(arrays: dict[str, npt.NDArray[np.generic]], as_of: int) -> tuple[I64, npt.NDArray[np.bool_]]:
    """Replay a batch: ``arrays`` holds each scalar argument (one value per loan) and, for each list argument, its
    flat values; loan r's elements of group g (``inst``, ``pay``, ``pause``, ``tranche``) are ``g_lo[r]:g_hi[r]``.
    Returns (int outputs, flags), one row per loan."""
    n = len(arrays["grace"])
    out = np.zeros((_N_INT, n), np.int64)  # one contiguous row per output: Arrow takes it as is
    flags = np.zeros((4, n), np.bool_)
    if n:
        import numba

        run_batch = _compiled().run_batch
        a = arrays
        run_batch(
            as_of, a["grace"], a["late_fee"], a["pnum"], a["pden"], a["prnd"], a["start"], a["principal"],
            a["deducted"], a["cap_num"], a["cap_den"], a["illegal"], a["write_off"], a["waterfall"],
            a["inst_lo"], a["inst_hi"], a["inst_key"], a["inst_prin"], a["inst_int"], a["inst_fee"],
            a["pay_lo"], a["pay_hi"], a["pay_key"], a["pay_amount"],
            a["pause_lo"], a["pause_hi"], a["pause_start"], a["pause_end"],
            a["tranche_lo"], a["tranche_hi"], a["tranche_day"], a["tranche_amount"],
            a["waiver_lo"], a["waiver_hi"], a["waiver_key"], a["waiver_amount"],
            out, flags, min(n, 4 * numba.get_num_threads()),
        )  # fmt: skip
    return out, flags


# --- Arrow in, Arrow out (what the engines hand a vectorised UDF) ------------------------------------------------

_GROUPS = {
    "inst": "inst_key",
    "pay": "pay_key",
    "pause": "pause_start",
    "tranche": "tranche_day",
    "waiver": "waiver_key",
}


def _arrow_type(kind: str) -> pa.DataType:
    if kind == "scalar":
        return pa.int64()
    return pa.list_(pa.bool_() if kind == "bool" else pa.int64())


def _np(a: pa.Array | pa.ChunkedArray, dtype: type) -> npt.NDArray[np.generic]:
    """A numpy view of an Arrow column (no copy for one chunk of the right type without nulls)."""
    if isinstance(a, pa.ChunkedArray) and a.num_chunks == 1:
        a = a.chunk(0)
    return np.ascontiguousarray(a.to_numpy(zero_copy_only=False), dtype=dtype)


def arrays_from_arrow(args: dict[str, pa.Array]) -> dict[str, npt.NDArray[np.generic]]:
    """Flat numpy arrays and offsets from Arrow columns (a null list is an empty one; no last tranche is none)."""
    out: dict[str, npt.NDArray[np.generic]] = {}
    for name, kind in ARGS:
        if kind == "scalar" and name != "as_of":
            out[name] = _np(pc.fill_null(args[name], NULL_AS.get(name, 0)), np.int64)
    for prefix, first in _GROUPS.items():
        lengths = _np(pc.fill_null(pc.list_value_length(args[first]), 0), np.int64)
        off = np.concatenate(([0], np.cumsum(lengths))).astype(np.int64)
        out[f"{prefix}_lo"], out[f"{prefix}_hi"] = off[:-1], off[1:]
    for name, kind in ARGS:
        if kind != "scalar":
            out[name] = _np(pc.list_flatten(args[name]), np.int64)
    return out


def _is_sorted(a: npt.NDArray[np.int64]) -> bool:
    return bool(len(a) < 2 or np.all(a[1:] >= a[:-1]))


def _ranges(g_loan: I64, loan_no: I64) -> tuple[I64, I64]:
    """For each loan, the [lo, hi) range of its rows in ``g_loan`` (sorted)."""
    if len(g_loan) and len(loan_no) and g_loan[0] >= 0 and loan_no.min() >= 0:
        top = int(max(g_loan[-1], loan_no.max())) + 1
        if top <= 4 * (len(loan_no) + len(g_loan)):  # dense loan numbers: counting beats searching
            # Rows per loan number, and where each number's rows end in the sorted ``g_loan`` (numpy: a second
            # compiled function would cost its own load from Numba's cache on every run, ~0.5 s of CPU).
            counts = np.bincount(g_loan, minlength=top)
            hi = np.cumsum(counts)[loan_no]
            return hi - counts[loan_no], hi
    lo = np.searchsorted(g_loan, loan_no, side="left").astype(np.int64)
    return lo, np.searchsorted(g_loan, loan_no, side="right").astype(np.int64)


def arrays_from_tables(loans: pa.Table, groups: dict[str, pa.Table]) -> dict[str, npt.NDArray[np.generic]]:
    """Flat numpy arrays from one table of per-loan scalars and, per group, a flat table with ``loan_no`` and the
    group's ``ARGS`` columns (any order; sorted here by loan when it is not already, as snapshots usually are).
    ``loans`` must be sorted by ``loan_no``."""
    out = scalar_arrays(loans)
    loan_no: I64 = _np(loans.column("loan_no"), np.int64)  # type: ignore[assignment]
    for prefix, tbl in groups.items():
        g_loan: I64 = _np(tbl.column("loan_no"), np.int64)  # type: ignore[assignment]
        order = None if _is_sorted(g_loan) else np.argsort(g_loan, kind="stable")
        if order is not None:
            g_loan = g_loan[order]
        out[f"{prefix}_lo"], out[f"{prefix}_hi"] = _ranges(g_loan, loan_no)
        for name in tbl.column_names:
            if name != "loan_no":
                v = _np(tbl.column(name), np.int64)
                out[name] = v if order is None else v[order]
    return out


@dataclass(frozen=True)
class Rows:
    """One group's rows (``inst``, ``pay`` …) as the snapshot holds them, not copied: ``batches`` of numpy views,
    each the loan numbers and then the source columns, in loan order across batches. Column ``names[i]`` of the
    kernel is ``source[j] × times (+ source[k])`` for ``specs[i] = (j, times, k)`` (k = -1: nothing added), e.g.
    ``inst_key`` = due day × 4096 + number. ``run_rows`` writes them into small buffers a window of loans at a
    time: on the 1,000,000-loan book the flat copies were ~0.7 GB of fresh memory (~190,000 page faults)."""

    names: tuple[str, ...]
    specs: tuple[tuple[int, int, int], ...]
    batches: tuple[tuple[npt.NDArray[Any], ...], ...]

    @staticmethod
    def flat(table: pa.Table) -> Rows:
        """A flat table (``loan_no`` and the kernel's columns, as ``state.kernel_parts`` states them) as one batch."""
        names = tuple(c for c in table.column_names if c != "loan_no")
        cols = tuple(_np(table.column(c), np.int64) for c in ("loan_no", *names))
        return Rows(names, tuple((j, 1, -1) for j in range(len(names))), (cols,))

    def fill(self, batch: tuple[npt.NDArray[Any], ...], a: int, b: int, outs: list[I64]) -> None:
        """Write rows [a, b) of ``batch`` as the kernel's columns into ``outs`` (one buffer per name, b - a long)."""
        for (j, times, k), o in zip(self.specs, outs, strict=True):
            src = batch[1 + j][a:b]
            if times == 1 and k < 0:
                o[:] = src
            else:
                np.multiply(src, times, out=o, dtype=np.int64)
                if k >= 0:
                    np.add(o, batch[1 + k][a:b], out=o)

    def ranges(self, loan_no: I64) -> tuple[I64, I64] | None:
        """``_ranges`` over the batches' loan numbers without joining them; None unless they are sorted and dense
        (the caller then uses the flat path)."""
        keys = [b[0] for b in self.batches if len(b[0])]
        total = sum(len(k) for k in keys)
        if total == 0 or len(loan_no) == 0:
            return np.zeros(len(loan_no), np.int64), np.zeros(len(loan_no), np.int64)
        last = None
        for k in keys:
            if not _is_sorted(k) or (last is not None and k[0] < last):
                return None
            last = k[-1]
        if keys[0][0] < 0 or loan_no.min() < 0:
            return None
        top = int(max(int(keys[-1][-1]), int(loan_no.max()))) + 1
        if top > 4 * (len(loan_no) + total):
            return None
        counts = np.zeros(top, np.int64)
        for k in keys:
            base = int(k[0])
            c = np.bincount(k - base)
            counts[base : base + len(c)] += c
        hi = np.cumsum(counts)[loan_no]
        return hi - counts[loan_no], hi


#: Loans per call of the compiled kernel in ``run_rows``.
WINDOW = 1 << 16


def run_rows(
    scalars: dict[str, npt.NDArray[np.generic]],
    loan_no: I64,
    groups: dict[str, Rows],
    as_of: int,
    window: int = WINDOW,
) -> tuple[I64, npt.NDArray[np.bool_]] | None:
    """``run`` over ``arrays_from_tables``' arrays, with the groups' rows read from the snapshot's batches a window
    of loans at a time (``Rows``): the same outputs, loan by loan. ``scalars``: each scalar argument, one value per
    loan, loans sorted by ``loan_no``. None when a group's rows are not sorted by loan or its loan numbers are
    sparse: the caller then uses ``run`` on flat arrays."""
    n = len(loan_no)
    ranges = {}
    for g, rows in groups.items():
        r = rows.ranges(loan_no)
        if r is None:
            return None
        ranges[g] = r
    out = np.zeros((_N_INT, n), np.int64)
    flags = np.zeros((4, n), np.bool_)
    if n == 0:
        return out, flags
    import numba

    run_batch = _compiled().run_batch
    edges = [*range(0, n, window), n]
    spans = list(itertools.pairwise(edges))
    starts = {g: np.cumsum([0] + [len(b[0]) for b in rows.batches]) for g, rows in groups.items()}
    bufs = {}
    for g, rows in groups.items():
        lo, hi = ranges[g]
        need = max(int(hi[b - 1] - lo[a]) for a, b in spans)
        bufs[g] = [np.empty(need, np.int64) for _ in rows.names]
    threads = numba.get_num_threads()
    s = scalars
    for a, b in spans:
        args: dict[str, Any] = {}
        for g, rows in groups.items():
            lo, hi = ranges[g]
            first, end = int(lo[a]), int(hi[b - 1])
            outs = [buf[: end - first] for buf in bufs[g]]
            at = 0
            st = starts[g]
            for i in range(max(int(np.searchsorted(st, first, "right")) - 1, 0), len(rows.batches)):
                if st[i] >= end:
                    break
                r0, r1 = max(first, int(st[i])) - int(st[i]), min(end, int(st[i + 1])) - int(st[i])
                if r1 > r0:
                    rows.fill(rows.batches[i], r0, r1, [o[at : at + r1 - r0] for o in outs])
                    at += r1 - r0
            args[f"{g}_lo"] = lo[a:b] - first
            args[f"{g}_hi"] = hi[a:b] - first
            args.update(zip(rows.names, outs, strict=True))
        m = b - a
        o = np.zeros((_N_INT, m), np.int64)
        f = np.zeros((4, m), np.bool_)
        run_batch(
            as_of, s["grace"][a:b], s["late_fee"][a:b], s["pnum"][a:b], s["pden"][a:b], s["prnd"][a:b],
            s["start"][a:b], s["principal"][a:b], s["deducted"][a:b], s["cap_num"][a:b], s["cap_den"][a:b],
            s["illegal"][a:b], s["write_off"][a:b], s["waterfall"][a:b],
            args["inst_lo"], args["inst_hi"], args["inst_key"], args["inst_prin"], args["inst_int"], args["inst_fee"],
            args["pay_lo"], args["pay_hi"], args["pay_key"], args["pay_amount"],
            args["pause_lo"], args["pause_hi"], args["pause_start"], args["pause_end"],
            args["tranche_lo"], args["tranche_hi"], args["tranche_day"], args["tranche_amount"],
            args["waiver_lo"], args["waiver_hi"], args["waiver_key"], args["waiver_amount"],
            o, f, min(m, 4 * threads),
        )  # fmt: skip
        out[:, a:b] = o
        flags[:, a:b] = f
    return out, flags


def scalar_arrays(loans: pa.Table) -> dict[str, npt.NDArray[np.generic]]:
    """The scalar arguments of ``arrays_from_tables`` (one value per loan, nulls as ``NULL_AS``)."""
    out: dict[str, npt.NDArray[np.generic]] = {}
    for name, kind in ARGS:
        if kind == "scalar" and name != "as_of":
            col = loans.column(name)
            out[name] = _np(pc.fill_null(col, NULL_AS.get(name, 0)) if col.null_count else col, np.int64)
    return out


def outputs_table(carry: dict[str, pa.Array], ints: I64, flags: npt.NDArray[np.bool_]) -> pa.Table:
    """The kernel's outputs as Arrow columns after the ``carry`` columns."""
    arrays: dict[str, pa.Array] = dict(carry)
    i = j = 0
    for name, typ in OUTPUTS:
        if typ == "bool":
            arrays[name] = pa.array(flags[j])
            j += 1
        else:
            arrays[name] = pa.array(ints[i])
            i += 1
    return pa.table(arrays)


def output_schema(carry: pa.Schema) -> pa.Schema:
    """The schema of ``apply``'s batches: the ``carry`` columns, then ``OUTPUTS``."""
    return pa.schema(
        list(carry) + [(name, pa.bool_() if typ == "bool" else pa.int64()) for name, typ in OUTPUTS]
    )


def apply(batch: pa.RecordBatch, as_of: int, carry: tuple[str, ...]) -> pa.RecordBatch:
    """One batch of kernel input rows (``ARGS`` columns, as_of aside) → the ``carry`` columns plus ``OUTPUTS``."""
    cols = {name: batch.column(name) for name, kind in ARGS if name != "as_of"}
    ints, flags = run(arrays_from_arrow(cols), as_of)
    table = outputs_table({c: batch.column(c) for c in carry}, ints, flags)
    columns = [c.combine_chunks() for c in table.columns]
    return pa.RecordBatch.from_arrays(columns, schema=output_schema(batch.select(list(carry)).schema))
