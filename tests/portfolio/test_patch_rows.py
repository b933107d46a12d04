"""The core fallback's figures patched into the kernel's rows: ``state.patch_rows`` (Arrow, DuckDB) gives the rows
``state.patch_join`` (the lazy join Spark runs) gives, nulls in the patch keeping the kernel's value."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pytest

from faircollect.portfolio import engines
from faircollect.portfolio.state import patch_join, patch_rows


def _rows(loan_no: np.ndarray, seed: int) -> pa.Table:
    rng = np.random.default_rng(seed)
    n = len(loan_no)
    return pa.table(
        {
            "loan_no": pa.array(loan_no, pa.int64()),
            "cap_rule_id": pa.array([f"R{v}" for v in rng.integers(0, 3, n)], pa.string()),
            "dpd": pa.array(rng.integers(0, 200, n), pa.int64()),
            "collectable": pa.array(rng.integers(0, 10**6, n), pa.int64()),
            "legal_review": pa.array(rng.integers(0, 2, n).astype(bool)),
        }
    )


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_patching_in_arrow_equals_the_lazy_join(seed: int) -> None:
    rng = np.random.default_rng(seed)
    loan_no = rng.permutation(np.arange(10, 510))  # any order, as a snapshot may hold them
    rows = _rows(loan_no, seed)
    fixed = np.sort(rng.choice(loan_no, size=37, replace=False))
    patched = _rows(fixed, seed + 100)
    # a null in the patch keeps the kernel's value (coalesce), as the join does
    patched = patched.set_column(
        2, "dpd", pa.array([None, *patched.column("dpd").to_pylist()[1:]], pa.int64())
    )
    con = engines.connect("duckdb")
    try:
        core = engines.register(con, "fc_loan_core", rows)
        want = con.to_pyarrow(patch_join(con, core, patched)).sort_by("loan_no")
    finally:
        engines.stop(con)
    got = patch_rows(rows, patched)
    assert got.schema == rows.schema
    assert got.sort_by("loan_no").to_pylist() == want.to_pylist()
    assert got.column("loan_no").equals(rows.column("loan_no"))  # the kernel's row order is kept
    changed = sum(a != b for a, b in zip(got.to_pylist(), rows.to_pylist(), strict=True))
    assert 0 < changed <= 37


def test_a_patch_for_a_loan_the_kernel_did_not_replay_is_refused() -> None:
    rows = _rows(np.arange(5), 0)
    with pytest.raises(ValueError, match="did not replay"):
        patch_rows(rows, _rows(np.array([7]), 1))
