"""The pure core is the oracle: DuckDB, Spark (local) and ``ledger.replay`` agree on every loan and figure."""

from __future__ import annotations

import os
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from faircollect.portfolio import engines
from faircollect.portfolio.state import loan_states

AS_OF = date(2026, 11, 28)  # the book fixture's as_of (conftest.AS_OF)
BOOK_LOANS = 10_000
FIGURES = (
    "days_past_due",
    "delinquent_days",
    "bucket",
    "overdue_penalty",
    "overdue_fees",
    "overdue_interest",
    "overdue_principal",
    "principal_outstanding",
)


#: Figures on as_of only: the lawfully collectable amount (``ledger.caps.lawfully_collectable``).
CAP_FIGURES = (
    "collectable_minor",
    "excluded_minor",
    "cap_rule_id",
    "legal_review",
    "exposure_days",
    "written_off",
)


def figures(rows: pa.Table) -> dict[int, dict[str, Any]]:
    """loan_no → {figure[_prev]: value} from a run's loan state."""
    cols = [f + s for f in FIGURES for s in ("", "_prev")] + list(CAP_FIGURES)
    out = {}
    for r in rows.select(["loan_no", *cols]).to_pylist():
        out[r.pop("loan_no")] = r
    return out


def _diff(got: dict[int, dict[str, Any]], want: dict[int, dict[str, Any]]) -> list[str]:
    problems = []
    for n, exp in want.items():
        mine = got.get(n)
        if mine != exp:
            bad = {
                k: (None if mine is None else mine.get(k), v)
                for k, v in exp.items()
                if not mine or mine[k] != v
            }
            problems.append(f"loan {n}: (run, core) {bad}")
    return problems


def test_generated_book_has_what_the_differential_test_needs(book: dict[str, pa.Table]) -> None:
    assert book["loans"].num_rows == BOOK_LOANS
    assert book["pauses"].num_rows > 100
    assert pc.sum(pc.is_valid(book["payments"].column("prepayment"))).as_py() > 50
    tranches = pc.value_counts(book["disbursements"].column("loan_no"))
    assert max(v["counts"].as_py() for v in tranches) >= 3  # several tranches for some loans
    assert book["waivers"].num_rows > 50 and book["write_offs"].num_rows > 20
    methods = set(book["loans"].column("method").to_pylist())
    assert methods == {"equal_instalment", "equal_principal", "interest_only", "bullet"}


def test_duckdb_run_matches_replay_on_every_loan_and_figure(
    duckdb_run: pa.Table, oracle: dict[int, dict[str, Any]]
) -> None:
    got = figures(duckdb_run)
    problems = _diff(got, oracle)
    assert not problems, f"{len(problems)} loans differ, e.g. {problems[:5]}"
    # The book is not trivial: penalties, partial payments and every bucket appear.
    buckets = {v["bucket"] for v in oracle.values()}
    assert buckets == {"M0", "M1", "M2", "M3", "M4+"}
    assert sum(v["overdue_penalty"] for v in oracle.values()) > 0
    assert sum(v["overdue_fees"] for v in oracle.values()) > 0  # late fees
    assert sum(1 for v in oracle.values() if v["excluded_minor"] > 0) > 0  # the cost cap bites on some loans
    # Some prepayments re-amortise (bnpl-3 allocates component first): those loans were replayed by the core.
    assert pc.sum(duckdb_run.column("partial_prepayment")).as_py() > 0


def test_partial_payment_leaves_the_loan_delinquent_with_penalty(
    duckdb_run: pa.Table, oracle: dict[int, dict[str, Any]]
) -> None:
    got = figures(duckdb_run)
    late = [n for n, v in oracle.items() if v["days_past_due"] > 40 and v["overdue_penalty"] > 0]
    assert late, "the book must contain loans with unpaid penalty interest"
    assert all(got[n] == oracle[n] for n in late)


def _spark_slice() -> set[int]:
    """The loans the Spark run is compared on: the whole book (``FC_SPARK_LOANS=N`` takes the first N)."""
    return set(range(int(os.environ.get("FC_SPARK_LOANS", BOOK_LOANS))))


@pytest.mark.spark
@pytest.mark.slow
def test_spark_local_run_matches_replay_on_every_loan_and_figure(
    book: dict[str, pa.Table], oracle: dict[int, dict[str, Any]], tmp_path: Path
) -> None:
    chosen = _spark_slice()
    keep = pa.array(sorted(chosen), pa.int64())
    for name, tbl in book.items():
        if "loan_no" in tbl.column_names:
            tbl = tbl.filter(pc.is_in(tbl.column("loan_no"), value_set=keep))
        pq.write_table(tbl, tmp_path / f"{name}.parquet")
    con = engines.connect("spark", cores=2)
    try:
        t = {name: engines.register(con, name, tmp_path / f"{name}.parquet") for name in book}
        state = loan_states(con, t, AS_OF)
        spark_rows = con.to_pyarrow(state)
    finally:
        engines.stop(con)
    want = {n: v for n, v in oracle.items() if n in chosen}
    problems = _diff(figures(spark_rows), want)
    assert not problems, f"{len(problems)} loans differ on Spark, e.g. {problems[:5]}"
    assert spark_rows.num_rows == len(chosen)


def test_per_loan_lists_and_flat_columns_give_the_kernel_the_same_answers(book: dict[str, pa.Table]) -> None:
    """Spark's layout (each loan's rows gathered into lists, ``mapInArrow``-style batches) and DuckDB's (flat columns)
    are two ways of feeding one kernel; run both on DuckDB and compare every output of every loan."""
    import functools

    from faircollect.portfolio import kernel
    from faircollect.portfolio.state import epoch_day, kernel_input, loan_core

    con = engines.connect("duckdb")
    try:
        t = {name: engines.register(con, name, tbl) for name, tbl in book.items()}
        flat = con.to_pyarrow(loan_core(con, t, AS_OF)).sort_by("loan_no")
        carry = ("loan_no", "cap_rule_id")
        schema = kernel.output_schema(pa.schema([("loan_no", pa.int64()), ("cap_rule_id", pa.string())]))
        lists = engines.map_batches(
            con,
            kernel_input(con, t, AS_OF),
            functools.partial(kernel.apply, as_of=epoch_day(AS_OF), carry=carry),
            schema,
            "fc_lists_core",
        )
        listed = con.to_pyarrow(lists).sort_by("loan_no")
    finally:
        engines.stop(con)
    assert flat.num_rows == listed.num_rows == BOOK_LOANS
    assert flat.select(listed.column_names).equals(listed)
