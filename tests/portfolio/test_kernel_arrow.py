"""The kernel's inputs computed from the snapshot's Arrow tables (``kernel_arrow.kernel_tables``, what DuckDB runs
use) equal what the Ibis relations (``state.kernel_parts``) return — every column, value, null and row — and the
shortcut steps aside when the joins would drop or repeat loans."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pytest

from faircollect.kit.errors import ValidationError
from faircollect.portfolio import engines, kernel, kernel_arrow
from faircollect.portfolio.schema import validate_table
from faircollect.portfolio.state import GROUPS, kernel_parts

from .conftest import AS_OF


def _queried(tables: dict[str, pa.Table], as_of: date) -> tuple[pa.Table, dict[str, pa.Table]]:
    con = engines.connect("duckdb")
    try:
        t = {name: engines.register(con, name, tbl) for name, tbl in tables.items()}
        parts = kernel_parts(con, t, as_of)
        loans = con.to_pyarrow(parts["loans"].order_by("loan_no"))
        groups = engines.fetch_flat(con, {g: parts[g] for g in GROUPS})
        return loans, groups
    finally:
        engines.stop(con)


def _assert_same(tables: dict[str, pa.Table], as_of: date = AS_OF) -> None:
    want_loans, want_groups = _queried(tables, as_of)
    got = kernel_arrow.kernel_tables(tables, as_of)
    assert got is not None
    got_loans, got_groups = got
    assert sorted(got_loans.column_names) == sorted(want_loans.column_names)
    got_loans = got_loans.select(want_loans.column_names)
    assert got_loans.schema == want_loans.schema
    for name in want_loans.column_names:
        assert got_loans.column(name).equals(want_loans.column(name)), name
    for g in GROUPS:
        assert got_groups[g].column_names == want_groups[g].column_names, g
        assert got_groups[g].equals(want_groups[g]), g


def _validated(book: dict[str, pa.Table]) -> dict[str, pa.Table]:
    return {name: validate_table(name, tbl) for name, tbl in book.items()}


def test_generated_book_gives_the_queries_inputs(book: dict[str, pa.Table]) -> None:
    tables = _validated(book)
    assert tables["write_offs"].num_rows and tables["waivers"].num_rows and tables["pauses"].num_rows
    _assert_same(tables)


def test_an_earlier_day_filters_payments_pauses_and_waivers_the_same_way(book: dict[str, pa.Table]) -> None:
    _assert_same(_validated(book), date(2026, 6, 30))


def test_unsorted_many_chunk_tables_with_nulls_and_odd_rules(book: dict[str, pa.Table]) -> None:
    """Loans out of order and in several chunks, nulls where the schema allows them (grace, late fee, principal,
    days in year, all-in rate, waterfall), a daily-rate rule, every rounding mode and a loan priced above the illegal line."""
    tables = _validated(book)
    loans = tables["loans"]
    n = loans.num_rows
    rng = np.random.default_rng(5)
    perm = rng.permutation(n)
    loans = loans.take(pa.array(perm))
    idx = np.arange(n)

    def with_nulls(col: str, every: int) -> None:
        nonlocal loans
        c = loans.column(col).combine_chunks()
        mask = pa.array(idx % every == 0)
        loans = loans.set_column(
            loans.schema.get_field_index(col), col, pc.if_else(mask, pa.nulls(n, c.type), c)
        )

    with_nulls("grace_days", 7)
    with_nulls("late_fee_minor", 11)
    with_nulls("principal_minor", 13)
    with_nulls("all_in_rate", 5)
    rounding = pa.array(np.array(["half_up", "half_even", "up", "down"])[idx % 4])
    loans = loans.set_column(loans.schema.get_field_index("rounding"), "rounding", rounding)
    dec = loans.schema.field("all_in_rate").type
    high = pc.if_else(pa.array(idx % 17 == 0), pa.scalar(Decimal("0.5"), dec), loans.column("all_in_rate"))
    loans = loans.set_column(loans.schema.get_field_index("all_in_rate"), "all_in_rate", high)
    basis = pc.if_else(pa.array(idx % 19 == 0), "daily_rate", loans.column("penalty_basis"))
    loans = loans.set_column(loans.schema.get_field_index("penalty_basis"), "penalty_basis", basis)
    diy = pc.if_else(pa.array(idx % 3 == 0), pa.scalar(365, pa.int32()), loans.column("days_in_year"))
    loans = loans.set_column(loans.schema.get_field_index("days_in_year"), "days_in_year", diy)
    tables["loans"] = pa.concat_tables([loans.slice(0, n // 3), loans.slice(n // 3)])
    b = tables["borrowers"]
    tables["borrowers"] = b.take(pa.array(np.random.default_rng(6).permutation(b.num_rows)))
    for name in ("instalments", "payments"):  # several chunks
        t = tables[name]
        tables[name] = pa.concat_tables([t.slice(0, t.num_rows // 2), t.slice(t.num_rows // 2)])
    _assert_same(tables)


def test_no_write_offs_and_no_waivers(book: dict[str, pa.Table]) -> None:
    tables = _validated(book)
    del tables["waivers"]
    tables["write_offs"] = tables["write_offs"].slice(0, 0)
    _assert_same(tables)


def test_keys_that_would_drop_or_repeat_loans_fall_back_to_the_queries(book: dict[str, pa.Table]) -> None:
    tables = _validated(book)
    loans, borrowers = tables["loans"], tables["borrowers"]
    twice = dict(tables, loans=pa.concat_tables([loans, loans.slice(0, 1)]))
    assert kernel_arrow.kernel_tables(twice, AS_OF) is None
    again = dict(tables, borrowers=pa.concat_tables([borrowers, borrowers.slice(0, 1)]))
    assert kernel_arrow.kernel_tables(again, AS_OF) is None
    keep = pc.invert(pc.equal(borrowers.column("borrower_no"), loans.column("borrower_no")[0]))
    orphan = dict(tables, borrowers=borrowers.filter(keep))
    assert kernel_arrow.kernel_tables(orphan, AS_OF) is None
    # A null penalty rate: the queries' in-memory rate table cannot hold it (they fail); the shortcut leaves it
    # to them rather than answer differently.
    m = loans.column("penalty_multiple").combine_chunks()
    null_rate = pc.if_else(pa.array(np.arange(loans.num_rows) == 0), pa.nulls(loans.num_rows, m.type), m)
    odd = dict(
        tables,
        loans=loans.set_column(
            loans.schema.get_field_index("penalty_multiple"), "penalty_multiple", null_rate
        ),
    )
    assert kernel_arrow.kernel_tables(odd, AS_OF) is None


def test_the_same_errors_as_the_queries(book: dict[str, pa.Table]) -> None:
    tables = _validated(book)
    b = tables["borrowers"]
    bad = pc.if_else(pa.array(np.arange(b.num_rows) == 0), "XX", b.column("jurisdiction"))
    wrong = dict(
        tables, borrowers=b.set_column(b.schema.get_field_index("jurisdiction"), "jurisdiction", bad)
    )
    with pytest.raises(ValidationError, match="jurisdiction 'XX'"):
        kernel_arrow.kernel_tables(wrong, AS_OF)
    with pytest.raises(ValidationError, match="jurisdiction 'XX'"):
        _queried(wrong, AS_OF)
    none = pc.if_else(
        pa.array(np.arange(b.num_rows) == 0), pa.nulls(b.num_rows, pa.string()), b.column("jurisdiction")
    )
    unknown = dict(
        tables, borrowers=b.set_column(b.schema.get_field_index("jurisdiction"), "jurisdiction", none)
    )
    with pytest.raises(ValidationError, match="jurisdiction None"):
        kernel_arrow.kernel_tables(unknown, AS_OF)
    with pytest.raises(ValidationError, match="jurisdiction None"):
        _queried(unknown, AS_OF)
    loans = tables["loans"]
    w = pc.if_else(pa.array(np.arange(loans.num_rows) == 0), "no-such-waterfall", loans.column("waterfall"))
    odd = dict(tables, loans=loans.set_column(loans.schema.get_field_index("waterfall"), "waterfall", w))
    with pytest.raises(ValidationError, match="unknown waterfall 'no-such-waterfall'"):
        kernel_arrow.kernel_tables(odd, AS_OF)
    with pytest.raises(ValidationError, match="unknown waterfall 'no-such-waterfall'"):
        _queried(odd, AS_OF)


@pytest.mark.parametrize("seed", range(4))
def test_grouping_few_keys_by_counting_equals_np_unique(seed: int) -> None:
    """``_group`` counts when the keys are few (dense) and sorts otherwise: either way the groups in key order and
    the first row of each, as ``np.unique`` gives them."""
    rng = np.random.default_rng(seed)
    for _ in range(50):
        n = int(rng.integers(0, 2000))
        sizes = [int(rng.integers(1, 9)) for _ in range(int(rng.integers(1, 4)))]
        if rng.random() < 0.3:
            sizes.append(int(rng.integers(5000, 50000)))  # sparse: more possible keys than rows
        codes = [(rng.integers(0, s, n).astype(np.int64), s) for s in sizes]
        got = kernel_arrow._group(codes)
        assert got is not None
        key = np.zeros(n, np.int64)
        for c, s in codes:
            key = key * s + c
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
        assert np.array_equal(got[0], inverse.reshape(-1))
        assert np.array_equal(got[1], first)


def _windowed_equals_flat(tables: dict[str, pa.Table], as_of: date, window: int) -> bool:
    """``kernel.run_rows`` (the groups read in place, a window of loans at a time) against ``kernel.run`` on the flat
    copies; None from ``run_rows`` is returned as False."""
    loans = kernel_arrow.loan_terms(tables)
    assert loans is not None
    day = (as_of - date(1970, 1, 1)).days
    want = kernel.run(kernel.arrays_from_tables(loans, kernel_arrow.flat_groups(tables, as_of)), day)
    loan_no = np.asarray(loans.column("loan_no").to_numpy(), np.int64)
    got = kernel.run_rows(
        kernel.scalar_arrays(loans), loan_no, kernel_arrow.group_rows(tables, as_of), day, window
    )
    if got is None:
        return False
    return bool(np.array_equal(got[0], want[0]) and np.array_equal(got[1], want[1]))


@pytest.mark.parametrize("window", [1, 7, 1000, 1 << 16])
def test_the_kernel_over_windows_of_batches_gives_the_flat_figures(
    book: dict[str, pa.Table], window: int
) -> None:
    tables = _validated(book)
    for name in ("instalments", "payments", "disbursements"):  # many batches, windows across their edges
        t = tables[name]
        k = max(t.num_rows // 9, 1)
        tables[name] = pa.concat_tables([t.slice(i, k) for i in range(0, t.num_rows, k)])
    assert tables["instalments"].column("loan_no").num_chunks > 5
    assert _windowed_equals_flat(tables, AS_OF, window)
    assert _windowed_equals_flat(
        tables, date(2026, 6, 30), window
    )  # payments after the day: flat, same figures


def test_the_kernel_over_windows_steps_aside_for_unsorted_rows(book: dict[str, pa.Table]) -> None:
    tables = _validated(book)
    t = tables["instalments"]
    tables["instalments"] = t.take(pa.array(np.random.default_rng(3).permutation(t.num_rows)))
    loans = kernel_arrow.loan_terms(tables)
    assert loans is not None
    loan_no = np.asarray(loans.column("loan_no").to_numpy(), np.int64)
    rows = kernel_arrow.group_rows(tables, AS_OF)
    assert kernel.run_rows(kernel.scalar_arrays(loans), loan_no, rows, 0) is None
