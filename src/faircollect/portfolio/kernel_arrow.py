"""The kernel's inputs straight from the validated snapshot's Arrow tables (DuckDB runs; numpy, no queries).

``state.kernel_parts`` states the kernel's inputs as Ibis relations, and on DuckDB the run used to fetch them
with queries: the per-loan terms (a sort and five joins over 1,000,000 loans, ~1.4 s of CPU) and the flat
instalments, payments, pauses, tranches and waivers (a single-threaded copy of ~21,000,000 rows, ~1.5 s). When
the run holds the snapshot as Arrow tables (``run_snapshot``), :func:`kernel_tables` computes the same two results
here — the same columns, values, nulls and row order (``tests/portfolio/test_kernel_arrow.py`` compares them with
the queries' on the generated book and on books made to stress the joins) — mostly without copying.

The relations' joins are exact as a lookup only when the keys are clean: each ``loan_no`` once, each
``borrower_no`` once, every loan's borrower present, no null penalty rate. Otherwise (a join would drop or repeat
loans; the queries' rate table fails on a null decimal) :func:`kernel_tables` returns None and the caller runs the
queries, whatever they do with such a book.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from fractions import Fraction

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from faircollect.kit.errors import ValidationError
from faircollect.ledger.allocation import waterfall_from_text
from faircollect.ledger.caps import cap_rules
from faircollect.portfolio import kernel
from faircollect.portfolio.schema import dictionary_codes

I64 = npt.NDArray[np.int64]
EPOCH = date(1970, 1, 1)
GROUPS = ("inst", "pay", "pause", "tranche", "waiver")  # ``state.GROUPS``: the kernel's per-loan lists
_RATE_KEYS = ("penalty_basis", "annual_rate", "penalty_multiple", "penalty_daily_rate", "days_in_year")


def cap_row(code: str | None, contract_date: date) -> tuple[int, int, str, Decimal | None, str | None]:
    """One (jurisdiction, contract date)'s cost caps as the run carries them, from ``ledger.caps.cap_rules``: the
    all-in cap as an exact fraction (numerator, denominator — 0 when there is no cap), its rule id, and the illegal
    line's rate and rule id if there is one. An unknown jurisdiction is refused naming the borrowers' file."""
    try:
        cap, _penalty_cap, illegal = cap_rules(code or "", contract_date=contract_date)
    except ValidationError as exc:
        raise ValidationError(
            f"borrowers with jurisdiction {code!r}: {exc.message}",
            file="borrowers.parquet",
            field="jurisdiction",
        ) from exc
    rate = Fraction(cap.rate) if cap.rate is not None else Fraction(0)
    return (
        rate.numerator,
        rate.denominator if cap.rate is not None else 0,
        cap.id,
        illegal.rate if illegal is not None else None,
        illegal.id if illegal is not None else None,
    )


def _one_chunk(col: pa.ChunkedArray | pa.Array) -> pa.Array:
    if isinstance(col, pa.ChunkedArray):
        return col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
    return col


def _ints(col: pa.ChunkedArray | pa.Array) -> I64:
    """An integer or date column (no nulls) as int64 (dates: epoch days)."""
    a = _one_chunk(col)
    if pa.types.is_date32(a.type):
        a = a.view(pa.int32())
    return np.asarray(a.to_numpy(zero_copy_only=False), dtype=np.int64)


def _codes(col: pa.ChunkedArray) -> tuple[npt.NDArray[np.int64], pa.Array]:
    """Dictionary indices of a column (null is a value of its own) and the dictionary."""
    return dictionary_codes(col)


def _group(codes: list[tuple[npt.NDArray[np.int64], int]]) -> tuple[I64, I64] | None:
    """Rows grouped by several coded columns: (group of each row, first row of each group); None if the codes
    do not fit one int64."""
    key = np.zeros(len(codes[0][0]), np.int64)
    span = 1
    for c, size in codes:
        size = max(size, 1)
        if span * size >= 2**62:
            return None
        key = key * size + c
        span *= size
    n = len(key)
    if span <= 4 * n:
        # Few possible keys (the book's penalty rules, its (jurisdiction, start date) pairs: ~5 and ~2,000 of 1M
        # loans): counting replaces ``np.unique``'s sort (~0.07-0.1 s each). The same groups, in key order, and
        # the same first row of each.
        present = np.zeros(span, np.bool_)
        present[key] = True
        group_of = np.cumsum(present) - 1
        first_of = np.full(span, n, np.int64)
        np.minimum.at(first_of, key, np.arange(n, dtype=np.int64))
        return np.asarray(group_of[key], np.int64), first_of[present]
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    return np.asarray(inverse, np.int64).reshape(-1), np.asarray(first, np.int64)


def _fill(col: pa.ChunkedArray | pa.Array, order: I64 | None) -> pa.Array:
    """An integer column as int64 in ``order`` (nulls kept, as the query's cast keeps them)."""
    a = _one_chunk(col).cast(pa.int64())
    return a if order is None else a.take(pa.array(order))


def kernel_tables(tables: Mapping[str, pa.Table], as_of: date) -> tuple[pa.Table, dict[str, pa.Table]] | None:
    """What ``state.loan_core`` fetched on DuckDB: ``kernel_parts``' ``loans`` ordered by ``loan_no`` and its flat
    groups (``state.GROUPS``), computed from the snapshot's validated Arrow tables. None when the loan or borrower
    keys are not clean (see the module's doc): the caller then runs the queries. ``loan_terms`` and
    ``group_rows`` are its two halves, the groups not copied (what the run uses)."""
    terms = loan_terms(tables)
    return None if terms is None else (terms, flat_groups(tables, as_of))


def loan_terms(tables: Mapping[str, pa.Table]) -> pa.Table | None:
    """``kernel_tables``' per-loan terms (``kernel_parts``' ``loans`` ordered by ``loan_no``); None when the keys
    are not clean."""
    loans = tables["loans"]
    borrowers = tables["borrowers"]
    if loans.column("loan_no").null_count or borrowers.column("borrower_no").null_count:
        return None
    if loans.column("borrower_no").null_count:
        return None
    if any(loans.column(k).null_count for k in _RATE_KEYS[1:4]):
        return None  # the queries' in-memory rate table cannot hold a null decimal: leave such a book to them
    loan_no = _ints(loans.column("loan_no"))
    order: I64 | None = None
    if len(loan_no) > 1 and not bool(np.all(loan_no[1:] > loan_no[:-1])):
        order = np.argsort(loan_no, kind="stable")
        s = loan_no[order]
        if bool(np.any(s[1:] == s[:-1])):
            return None  # a loan number twice: the joins would repeat it
    b_no = _ints(borrowers.column("borrower_no"))
    b_order = np.argsort(b_no, kind="stable")
    b_sorted = b_no[b_order]
    if len(b_sorted) > 1 and bool(np.any(b_sorted[1:] == b_sorted[:-1])):
        return None  # a borrower twice: the join would repeat their loans
    l_b = _ints(loans.column("borrower_no"))
    at = np.searchsorted(b_sorted, l_b) if len(b_sorted) else np.zeros(len(l_b), np.int64)
    at = np.minimum(at, max(len(b_sorted) - 1, 0))
    if len(l_b) and (len(b_sorted) == 0 or not np.array_equal(b_sorted[at], l_b)):
        return None  # a loan without its borrower: the inner join would drop it
    borrower_row = b_order[at]  # each loan's row in ``borrowers``

    n = loans.num_rows
    # The exact daily penalty rate per distinct penalty rule (``state._rates``): computed for every distinct rule
    # (the same errors); a rule with a null basis never joins (null ≠ null): 0 / 0 (``penalty_fraction`` refuses
    # it first anyway).
    coded = [_codes(loans.column(k)) for k in _RATE_KEYS]
    grouped = _group([(c, len(d)) for c, d in coded])
    if grouped is None:
        return None
    rate_group, rate_first = grouped
    pnum_of = np.zeros(len(rate_first), np.int64)
    pden_of = np.zeros(len(rate_first), np.int64)
    from faircollect.portfolio.state import penalty_fraction

    values = [d.to_pylist() for _, d in coded]
    for g, row in enumerate(rate_first):
        key = [values[j][int(coded[j][0][row])] for j in range(len(_RATE_KEYS))]
        try:
            num, den = penalty_fraction(key[0], key[1], key[2], key[3], key[4])
        except ValidationError as exc:  # the first loan with this rule named
            raise ValidationError(
                exc.message, file="loans.parquet", row=int(row), field=exc.field or "penalty_basis"
            ) from exc
        if all(v is not None for v in key[:4]):
            pnum_of[g], pden_of[g] = num, den
    pnum = pnum_of[rate_group]
    pden = pden_of[rate_group]

    # The cost caps per (jurisdiction, contract date) (``state.cap_table``), every distinct pair asked.
    j_codes, j_dict = _codes(borrowers.column("jurisdiction"))
    l_j = j_codes[borrower_row]
    start = _ints(loans.column("start_date"))
    s_lo = int(start.min()) if n else 0
    s_span = int(start.max()) - s_lo + 1 if n else 1
    pair = _group([(l_j, len(j_dict)), (start - s_lo, s_span)])
    if pair is None:
        return None
    pair_group, pair_first = pair
    juris = j_dict.to_pylist()
    cap_num_of = np.zeros(len(pair_first), np.int64)
    cap_den_of = np.zeros(len(pair_first), np.int64)
    joins = np.zeros(len(pair_first), np.bool_)
    cap_ids: list[str | None] = []
    illegal_rates: list[Decimal | None] = []
    illegal_ids: list[str | None] = []
    for g, row in enumerate(pair_first):
        code = juris[int(l_j[row])]
        day = date.fromordinal(EPOCH.toordinal() + int(start[row]))
        cap_num, cap_den, cap_id, illegal_rate, illegal_id = cap_row(code, day)
        joins[g] = code is not None  # a null jurisdiction never joins its cap row
        cap_num_of[g] = cap_num if joins[g] else 0
        cap_den_of[g] = cap_den if joins[g] else 0
        cap_ids.append(cap_id if joins[g] else None)
        illegal_rates.append(illegal_rate if joins[g] else None)
        illegal_ids.append(illegal_id if joins[g] else None)
    dec = loans.schema.field("all_in_rate").type
    pick = pa.array(pair_group)
    illegal_rate = pa.array(illegal_rates, dec).take(pick)  # the memtable's decimal(18, 10), as the query
    all_in = _one_chunk(loans.column("all_in_rate"))
    over = pc.fill_null(
        pc.and_kleene(
            pc.and_kleene(pc.is_valid(all_in), pc.is_valid(illegal_rate)), pc.greater(all_in, illegal_rate)
        ),
        False,
    )
    over_np = np.asarray(over.to_numpy(zero_copy_only=False), np.bool_)
    cap_rule_id = pc.if_else(
        over, pa.array(illegal_ids, pa.string()).take(pick), pa.array(cap_ids, pa.string()).take(pick)
    )

    # Each loan's waterfall code (``state._waterfalls``): null = the default.
    w_codes, w_dict = _codes(loans.column("waterfall"))
    w_of = np.zeros(max(len(w_dict), 1), np.int64)
    for k, name in enumerate(w_dict.to_pylist()):
        if name is None:
            w_of[k] = kernel.DEFAULT_WATERFALL_CODE
            continue
        try:
            w_of[k] = kernel.waterfall_code(waterfall_from_text(name))
        except ValidationError as exc:
            raise ValidationError(
                f"unknown waterfall {name!r}: {exc}", file="loans.parquet", field="waterfall"
            ) from exc
    waterfall = w_of[w_codes] if n else np.zeros(0, np.int64)

    # The first write-off of each loan (null: none).
    sorted_no = loan_no if order is None else loan_no[order]
    write_off = np.full(n, np.iinfo(np.int64).max, np.int64)  # in ``loans``' own row order
    if "write_offs" in tables and tables["write_offs"].num_rows and n:
        wo = tables["write_offs"]
        w_loan = _ints(wo.column("loan_no"))
        w_day = _ints(wo.column("date"))
        pos = np.searchsorted(sorted_no, w_loan)
        pos = np.minimum(pos, n - 1)
        hit = sorted_no[pos] == w_loan
        rows = pos[hit] if order is None else order[pos[hit]]
        np.minimum.at(write_off, rows, w_day[hit])
    has_wo = write_off != np.iinfo(np.int64).max

    rounding = _one_chunk(loans.column("rounding"))
    prnd = pa.array(np.zeros(n, np.int64))
    for mode, code in state_rounding().items():
        prnd = pc.if_else(pc.fill_null(pc.equal(rounding, mode), False), code, prnd)

    def put(values: npt.NDArray[np.generic], mask: npt.NDArray[np.bool_] | None = None) -> pa.Array:
        v = values if order is None else values[order]
        m = None if mask is None else (mask if order is None else mask[order])
        return pa.array(v, pa.int64(), mask=m)

    idx = None if order is None else pa.array(order)
    cols: dict[str, pa.Array] = {
        "loan_no": pa.array(sorted_no, pa.int64()),
        "grace": _fill(loans.column("grace_days"), order),
        "late_fee": _fill(loans.column("late_fee_minor"), order),
        "prnd": _fill(prnd, order),
        "start": pa.array(start if order is None else start[order], pa.int64()),
        "principal": _fill(loans.column("principal_minor"), order),
        "deducted": _fill(loans.column("deducted_fees_minor"), order),
        "pnum": put(pnum),
        "pden": put(pden),
        "cap_num": put(cap_num_of[pair_group]),
        "cap_den": put(cap_den_of[pair_group]),
        "illegal": put(over_np.astype(np.int64)),
        "cap_rule_id": cap_rule_id if idx is None else cap_rule_id.take(idx),
        "waterfall": put(waterfall),
        "write_off": put(write_off, ~has_wo),
    }
    return pa.table(cols)


def state_rounding() -> dict[str, int]:
    from faircollect.portfolio.state import ROUNDING_CODES

    return ROUNDING_CODES


def _chunks(col: pa.ChunkedArray) -> list[npt.NDArray[np.generic]]:
    """Zero-copy numpy views of a column's chunks (no nulls; dates as int32 epoch days)."""
    out = []
    for c in col.chunks:
        if pa.types.is_date32(c.type):
            c = c.view(pa.int32())
        out.append(c.to_numpy(zero_copy_only=False))
    return out


def _flat(col: pa.ChunkedArray, keep: npt.NDArray[np.bool_] | None = None) -> I64:
    """A column as one int64 array (its rows where ``keep``), written once: fresh memory is what costs here."""
    parts = _chunks(col)
    if keep is None and len(parts) == 1 and parts[0].dtype == np.int64:
        return parts[0]  # type: ignore[return-value]
    n = len(col) if keep is None else int(np.count_nonzero(keep))
    out = np.empty(n, np.int64)
    at = 0
    lo = 0
    for p in parts:
        if keep is None:
            out[at : at + len(p)] = p
            at += len(p)
        else:
            k = keep[lo : lo + len(p)]
            m = int(np.count_nonzero(k))
            out[at : at + m] = p if m == len(p) else p[k]
            at += m
        lo += len(p)
    return out


def _key(
    col: pa.ChunkedArray,
    times: int,
    plus: npt.NDArray[np.int64] | pa.ChunkedArray,
    keep: npt.NDArray[np.bool_] | None,
) -> I64:
    """``col × times + plus`` as int64 (rows where ``keep``), computed in place."""
    out = _flat(col, keep)
    if out.base is not None or not out.flags.writeable:
        out = out.copy()
    out *= times
    out += plus if isinstance(plus, np.ndarray) else _flat(plus, keep)
    return out


def _keep(col: pa.ChunkedArray, day: int) -> npt.NDArray[np.bool_] | None:
    """Rows whose date is on or before ``day`` (None: all of them)."""
    parts = _chunks(col)
    if all(len(p) == 0 or int(p.max()) <= day for p in parts):
        return None
    return np.concatenate([p <= day for p in parts]) if parts else None  # type: ignore[operator]


def flat_groups(
    tables: Mapping[str, pa.Table], as_of: date, only: tuple[str, ...] | None = None
) -> dict[str, pa.Table]:
    """``kernel_parts``' flat relations (``inst``, ``pay``, ``pause``, ``tranche``, ``waiver``) in the snapshot's
    row order, as the queries returned them on one thread. ``only``: just these groups."""
    want = set(GROUPS if only is None else only)
    day = (as_of - EPOCH).days
    out: dict[str, pa.Table] = {}
    if "inst" in want:
        inst = tables["instalments"]
        out["inst"] = pa.table(
            {
                "loan_no": _flat(inst.column("loan_no")),
                "inst_key": _key(inst.column("due_date"), 4096, inst.column("number"), None),
                "inst_prin": _flat(inst.column("principal_minor")),
                "inst_int": _flat(inst.column("interest_minor")),
                "inst_fee": _flat(inst.column("fees_minor")),
            }
        )
    if "pay" in want:
        p = tables["payments"]
        keep = _keep(p.column("date"), day)
        prepay = pc.is_valid(p.column("prepayment")).cast(pa.int8())
        out["pay"] = pa.table(
            {
                "loan_no": _flat(p.column("loan_no"), keep),
                "pay_key": _key(p.column("date"), 2, prepay, keep),
                "pay_amount": _flat(p.column("amount_minor"), keep),
            }
        )
    if "pause" in want:
        z = tables["pauses"]
        keep = _keep(z.column("start"), day)
        out["pause"] = pa.table(
            {
                "loan_no": _flat(z.column("loan_no"), keep),
                "pause_start": _flat(z.column("start"), keep),
                "pause_end": _flat(z.column("end"), keep),
            }
        )
    if "tranche" in want:
        d = tables["disbursements"]
        out["tranche"] = pa.table(
            {
                "loan_no": _flat(d.column("loan_no")),
                "tranche_day": _flat(d.column("date")),
                "tranche_amount": _flat(d.column("amount_minor")),
            }
        )
    if "waiver" not in want:
        return out
    if "waivers" in tables:
        from faircollect.portfolio.state import WAIVER_COMPONENTS

        wv = tables["waivers"]
        keep = _keep(wv.column("date"), day)
        comp = _one_chunk(wv.column("component"))
        code = np.zeros(len(comp), np.int64)
        for k, c in enumerate(WAIVER_COMPONENTS):
            code[
                np.asarray(pc.fill_null(pc.equal(comp, c), False).to_numpy(zero_copy_only=False), np.bool_)
            ] = k
        out["waiver"] = pa.table(
            {
                "loan_no": _flat(wv.column("loan_no"), keep),
                "waiver_key": _key(wv.column("date"), 4, code if keep is None else code[keep], keep),
                "waiver_amount": _flat(wv.column("amount_minor"), keep),
            }
        )
    else:
        empty = np.zeros(0, np.int64)
        out["waiver"] = pa.table({"loan_no": empty, "waiver_key": empty, "waiver_amount": empty})
    return out


def group_rows(tables: Mapping[str, pa.Table], as_of: date) -> dict[str, kernel.Rows]:
    """``flat_groups`` as ``kernel.Rows``: the instalments, payments and tranches read in place from the snapshot's
    batches (the kernel's keys computed a window at a time by ``kernel.run_rows``); a group with rows after
    ``as_of`` to leave out, and the small pauses and waivers, flat as ``flat_groups`` makes them."""
    day = (as_of - EPOCH).days
    inst = tables["instalments"]
    out = {
        "inst": _batched(
            inst,
            ("loan_no", "due_date", "number", "principal_minor", "interest_minor", "fees_minor"),
            ("inst_key", "inst_prin", "inst_int", "inst_fee"),
            ((0, 4096, 1), (2, 1, -1), (3, 1, -1), (4, 1, -1)),
        )
    }
    p = tables["payments"]
    if _keep(p.column("date"), day) is None:
        prepay = pc.is_valid(p.column("prepayment")).cast(pa.int8())
        pays = pa.table(
            {
                "loan_no": p.column("loan_no"),
                "date": p.column("date"),
                "pre": prepay,
                "amount": p.column("amount_minor"),
            }
        )
        out["pay"] = _batched(
            pays, ("loan_no", "date", "pre", "amount"), ("pay_key", "pay_amount"), ((0, 2, 1), (2, 1, -1))
        )
    d = tables["disbursements"]
    out["tranche"] = _batched(
        d, ("loan_no", "date", "amount_minor"), ("tranche_day", "tranche_amount"), ((0, 1, -1), (1, 1, -1))
    )
    flat = flat_groups(tables, as_of, only=tuple(g for g in GROUPS if g not in out))
    out.update({g: kernel.Rows.flat(tbl) for g, tbl in flat.items()})
    return {g: out[g] for g in GROUPS}


def _batched(
    table: pa.Table, columns: tuple[str, ...], names: tuple[str, ...], specs: tuple[tuple[int, int, int], ...]
) -> kernel.Rows:
    """``columns`` of ``table`` (no nulls; the loan number first) as ``kernel.Rows``: zero-copy numpy views of its
    record batches (dates as int32 epoch days)."""
    batches = []
    for rb in table.select(list(columns)).to_batches():
        views = []
        for c in rb.columns:
            if pa.types.is_date32(c.type):
                c = c.view(pa.int32())
            views.append(c.to_numpy(zero_copy_only=False))
        batches.append(tuple(views))
    return kernel.Rows(names, specs, tuple(batches))
