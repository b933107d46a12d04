"""Bad input fails before anything is written, with a message naming table, column and row."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from faircollect.kit.errors import ValidationError
from faircollect.portfolio.generator import generate
from faircollect.portfolio.run import run_snapshot
from faircollect.portfolio.schema import read_snapshot, write_snapshot

AS_OF = date(2026, 11, 28)


@pytest.fixture(scope="module")
def small() -> dict[str, pa.Table]:
    return generate(200, seed=5, as_of=AS_OF)


def _set(table: pa.Table, column: str, row: int, value: object) -> pa.Table:
    values = table.column(column).to_pylist()
    values[row] = value
    idx = table.column_names.index(column)
    return table.set_column(idx, column, pa.array(values, table.schema.field(column).type))


def _run(snapshot: dict[str, pa.Table], out: Path) -> None:
    run_snapshot(as_of=AS_OF, snapshot=snapshot, out_dir=out, gate=False)


def test_missing_column_names_table_and_column_and_writes_nothing(
    small: dict[str, pa.Table], tmp_path: Path
) -> None:
    bad = dict(small, instalments=small["instalments"].drop_columns(["interest_minor"]))
    out = tmp_path / "runs"
    with pytest.raises(ValidationError) as err:
        _run(bad, out)
    assert "instalments" in str(err.value) and "interest_minor" in str(err.value)
    assert err.value.field == "interest_minor"
    assert not out.exists()


def test_negative_balance_names_table_column_and_row_and_writes_nothing(
    small: dict[str, pa.Table], tmp_path: Path
) -> None:
    bad = dict(small, instalments=_set(small["instalments"], "principal_minor", 17, -500))
    out = tmp_path / "runs"
    with pytest.raises(ValidationError) as err:
        _run(bad, out)
    assert err.value.row == 17 and err.value.field == "principal_minor"
    assert "negative" in str(err.value) and "instalments" in str(err.value) and "row 17" in str(err.value)
    assert not out.exists()


def test_negative_payment_is_refused(small: dict[str, pa.Table], tmp_path: Path) -> None:
    bad = dict(small, payments=_set(small["payments"], "amount_minor", 3, -1))
    with pytest.raises(ValidationError, match=r"payments.*row 3|row 3.*payments"):
        _run(bad, tmp_path / "runs")


def test_unknown_currency_names_the_code_the_loan_and_the_row(
    small: dict[str, pa.Table], tmp_path: Path
) -> None:
    bad = dict(small, loans=_set(small["loans"], "currency", 42, "XYZ"))
    out = tmp_path / "runs"
    with pytest.raises(ValidationError) as err:
        _run(bad, out)
    message = str(err.value)
    assert "XYZ" in message and err.value.row == 42 and err.value.field == "currency"
    assert small["loans"].column("loan_id")[42].as_py() in message
    assert not out.exists()


def test_missing_table_in_a_snapshot_directory_is_named(small: dict[str, pa.Table], tmp_path: Path) -> None:
    write_snapshot(small, tmp_path / "snap")
    (tmp_path / "snap" / "pauses.parquet").unlink()
    with pytest.raises(ValidationError, match="pauses"):
        read_snapshot(tmp_path / "snap")


def test_wrong_column_type_is_named(small: dict[str, pa.Table], tmp_path: Path) -> None:
    loans = small["loans"]
    idx = loans.column_names.index("start_date")
    bad_loans = loans.set_column(idx, "start_date", pc.cast(loans.column("start_date"), pa.string()))
    bad_loans = bad_loans.set_column(idx, "start_date", pa.array(["not a date"] * loans.num_rows))
    with pytest.raises(ValidationError) as err:
        _run(dict(small, loans=bad_loans), tmp_path / "runs")
    assert err.value.field == "start_date"


def test_a_good_snapshot_round_trips_through_parquet(small: dict[str, pa.Table], tmp_path: Path) -> None:
    write_snapshot(small, tmp_path / "snap")
    back = read_snapshot(tmp_path / "snap")
    assert {k: v.num_rows for k, v in back.items()} == {k: v.num_rows for k, v in small.items()}
    assert back["loans"].equals(small["loans"])


def test_unknown_waiver_component_names_the_row(small: dict[str, pa.Table], tmp_path: Path) -> None:
    assert small["waivers"].num_rows > 2
    bad = dict(small, waivers=_set(small["waivers"], "component", 2, "late_fee"))
    out = tmp_path / "runs"
    with pytest.raises(ValidationError) as err:
        _run(bad, out)
    assert err.value.row == 2 and err.value.field == "component" and "'late_fee'" in str(err.value)
    assert not out.exists()


def test_unknown_waterfall_is_refused_before_anything_is_written(
    small: dict[str, pa.Table], tmp_path: Path
) -> None:
    bad = dict(small, loans=_set(small["loans"], "waterfall", 3, "fees_last_please"))
    out = tmp_path / "runs"
    with pytest.raises(ValidationError) as err:
        _run(bad, out)
    assert err.value.field == "waterfall" and "fees_last_please" in str(err.value)
    assert not out.exists()


def test_jurisdiction_without_cap_data_is_named(small: dict[str, pa.Table], tmp_path: Path) -> None:
    bad = dict(small, borrowers=_set(small["borrowers"], "jurisdiction", 0, "XX"))
    out = tmp_path / "runs"
    with pytest.raises(ValidationError) as err:
        _run(bad, out)
    assert err.value.field == "jurisdiction" and "'XX'" in str(err.value)
    assert not out.exists()


def test_optional_loan_columns_may_be_left_out(small: dict[str, pa.Table], tmp_path: Path) -> None:
    """A lender's snapshot without all_in_rate, deducted fees and waterfall runs with the defaults."""
    loans = small["loans"].drop_columns(["all_in_rate", "deducted_fees_minor", "waterfall"])
    result = run_snapshot(as_of=AS_OF, snapshot=dict(small, loans=loans), gate=False)
    assert result.tables["loan_state"].num_rows == small["loans"].num_rows


def test_empty_required_value_and_negative_rate_name_their_rows_across_chunks(
    small: dict[str, pa.Table],
) -> None:
    """The checks name the first bad row of a table read in several chunks (row groups), as the full scan did."""
    from faircollect.portfolio.schema import validate_table

    def chunked(t: pa.Table) -> pa.Table:
        return pa.Table.from_batches(t.to_batches(max_chunksize=7), schema=t.schema)

    pays = _set(_set(small["payments"], "key", 40, None), "key", 52, None)
    with pytest.raises(ValidationError) as err:
        validate_table("payments", chunked(pays))
    assert err.value.row == 40 and err.value.field == "key" and "empty" in str(err.value)
    loans = _set(small["loans"], "annual_rate", 23, -pc.max(small["loans"].column("annual_rate")).as_py())
    with pytest.raises(ValidationError) as err:
        validate_table("loans", chunked(loans))
    assert err.value.row == 23 and err.value.field == "annual_rate" and "negative" in str(err.value)
    good = chunked(small["loans"])
    assert validate_table("loans", good).equals(good)


def test_from_a_directory_the_early_loan_terms_raise_their_error_where_the_run_did(
    small: dict[str, pa.Table], tmp_path: Path
) -> None:
    """``portfolio run --input``: the kernel's per-loan terms are computed while the other tables are read
    (``run._loan_terms_when_read``); an unknown waterfall is still the run's error, and a bad table is still
    named first, even one read after the loans."""
    write_snapshot(small, tmp_path / "snap")
    bad_loans = _set(small["loans"], "waterfall", 3, "fees_last_please")
    pq.write_table(bad_loans, tmp_path / "snap" / "loans.parquet")  # not validated on the way in
    out = tmp_path / "runs"
    with pytest.raises(ValidationError) as err:
        run_snapshot(as_of=AS_OF, input_dir=tmp_path / "snap", out_dir=out, gate=False)
    assert err.value.field == "waterfall" and "fees_last_please" in str(err.value) and err.value.row == 3
    assert not out.exists()
    pq.write_table(small["loans"], tmp_path / "snap" / "loans.parquet")
    bad_borrowers = _set(small["borrowers"], "jurisdiction", 0, "XX")  # refused by the terms (cap_row)
    pq.write_table(bad_borrowers, tmp_path / "snap" / "borrowers.parquet")
    with pytest.raises(ValidationError) as err:
        run_snapshot(as_of=AS_OF, input_dir=tmp_path / "snap", out_dir=out, gate=False)
    assert err.value.field == "jurisdiction" and "'XX'" in str(err.value)
    assert not out.exists()
    pq.write_table(small["borrowers"], tmp_path / "snap" / "borrowers.parquet")
    # an error only the terms find (in their own thread): a penalty rate too fine for the kernel's exact fractions
    loans = _set(small["loans"], "annual_rate", 6, Decimal("0.1440000001"))
    loans = _set(
        _set(loans, "penalty_multiple", 6, Decimal("1.5000000001")),
        "penalty_basis",
        6,
        "contract_rate_multiple",
    )
    pq.write_table(loans, tmp_path / "snap" / "loans.parquet")
    with pytest.raises(ValidationError) as err:
        run_snapshot(as_of=AS_OF, input_dir=tmp_path / "snap", out_dir=out, gate=False)
    assert "too many digits" in str(err.value) and err.value.file == "loans.parquet"
    assert err.value.row == 6 and err.value.field == "penalty_multiple"
    assert not out.exists()
    bad_payments = _set(small["payments"], "amount_minor", 1, -5)
    pq.write_table(bad_payments, tmp_path / "snap" / "payments.parquet")  # not validated on the way in
    with pytest.raises(ValidationError) as err:
        run_snapshot(as_of=AS_OF, input_dir=tmp_path / "snap", out_dir=out, gate=False)
    assert err.value.field == "amount_minor" and err.value.row == 1
    assert not out.exists()


@pytest.mark.parametrize(
    ("table", "column", "row", "value"),
    [
        ("borrowers", "borrower_no", 9, None),
        ("borrowers", "borrower_id", 4, None),
        ("borrowers", "timezone", 6, "Mars/Olympus"),
        ("borrowers", "jurisdiction", 3, "XX"),
        ("loans", "penalty_basis", 8, None),
        ("loans", "waterfall", 7, "fees_last_please"),
        ("loans", "penalty_basis", 5, "per_diem_please"),
    ],
)
def test_a_bad_borrower_or_loan_value_names_its_file_row_and_field(
    small: dict[str, pa.Table], tmp_path: Path, table: str, column: str, row: int, value: object
) -> None:
    """A row the run cannot use is refused before anything is written (2026-12-05: a null borrower_no or id was
    accepted and its loans silently dropped from the state; an unknown time zone ended the run with a traceback at
    the gate; a waterfall or penalty basis error named no row)."""
    bad = dict(small, **{table: _set(small[table], column, row, value)})
    out = tmp_path / "runs"
    with pytest.raises(ValidationError) as err:
        run_snapshot(as_of=AS_OF, snapshot=bad, out_dir=out, gate=True)
    assert err.value.file == f"{table}.parquet" and err.value.row == row and err.value.field == column
    assert not out.exists()


@pytest.mark.parametrize(("table", "key"), [("loans", "loan_no"), ("borrowers", "borrower_no")])
def test_a_repeated_key_is_refused_naming_the_repeat(
    small: dict[str, pa.Table], tmp_path: Path, table: str, key: str
) -> None:
    """A loan or borrower listed twice (2026-12-05: accepted; the state's joins then gave the loan 4 or 16 rows)."""
    rows = small[table]
    bad = dict(small, **{table: pa.concat_tables([rows.slice(0, 5), rows.slice(2, 1), rows.slice(5)])})
    out = tmp_path / "runs"
    with pytest.raises(ValidationError) as err:
        _run(bad, out)
    assert err.value.file == f"{table}.parquet" and err.value.row == 5 and err.value.field == key
    assert str(rows.column(key)[2].as_py()) in str(err.value)
    assert not out.exists()


def test_a_loan_of_an_unknown_borrower_is_refused(small: dict[str, pa.Table], tmp_path: Path) -> None:
    """(2026-12-05: accepted, and the loan silently left out of the state and the KPIs.)"""
    bad = dict(small, loans=_set(small["loans"], "borrower_no", 4, 99_999_999))
    out = tmp_path / "runs"
    with pytest.raises(ValidationError) as err:
        _run(bad, out)
    assert err.value.file == "loans.parquet" and err.value.row == 4 and err.value.field == "borrower_no"
    assert "99999999" in str(err.value)
    assert not out.exists()
    write_snapshot(bad, tmp_path / "snap")
    with pytest.raises(ValidationError) as err:
        run_snapshot(as_of=AS_OF, input_dir=tmp_path / "snap", out_dir=out, gate=False)
    assert err.value.row == 4 and err.value.field == "borrower_no"
    assert not out.exists()


@pytest.mark.parametrize(
    ("table", "column", "row", "value"),
    [
        ("borrowers", "timezone", 6, "Mars/Olympus"),
        ("borrowers", "jurisdiction", 3, "XX"),
        ("loans", "currency", 42, "XYZ"),
        ("loans", "rounding", 11, "sideways"),
        ("loans", "penalty_basis", 8, None),
        ("loans", "method", 2, None),
        ("loans", "waterfall", 7, "fees_last_please"),
        ("loans", "penalty_basis", 5, "per_diem_please"),
    ],
)
def test_text_read_as_dictionaries_is_refused_as_plain_text_was(
    small: dict[str, pa.Table], tmp_path: Path, table: str, column: str, row: int, value: object
) -> None:
    """``portfolio run --input`` reads the few-valued text columns as Arrow dictionaries (``schema.DICTIONARY``):
    a bad value is refused with the error the same table given as strings gets, before anything is written."""
    bad = dict(small, **{table: _set(small[table], column, row, value)})
    out = tmp_path / "runs"
    with pytest.raises(ValidationError) as plain:
        run_snapshot(as_of=AS_OF, snapshot=bad, out_dir=out, gate=True)
    write_snapshot(small, tmp_path / "snap")
    # two row groups, so the dictionary columns come in two chunks with dictionaries of their own
    pq.write_table(bad[table], tmp_path / "snap" / f"{table}.parquet", row_group_size=97)
    with pytest.raises(ValidationError) as coded:
        run_snapshot(as_of=AS_OF, input_dir=tmp_path / "snap", out_dir=out, gate=True)
    got, want = coded.value, plain.value
    assert (str(got), got.file, got.row, got.field) == (str(want), want.file, want.row, want.field)
    assert not out.exists()


def test_dictionary_codes_are_those_of_the_plain_values() -> None:
    """``schema.dictionary_codes`` of a dictionary column (chunks with their own dictionaries, an entry repeated
    or unused, nulls) equals ``pc.dictionary_encode(..., null_encoding="encode")`` of its strings."""
    from faircollect.portfolio.schema import dictionary_codes

    chunks = [
        pa.DictionaryArray.from_arrays(pa.array([1, 1, None, 0], pa.int32()), pa.array(["b", "a"])),
        pa.DictionaryArray.from_arrays(
            pa.array([0, 2, None, 3, 2], pa.int32()), pa.array(["c", "x", "c", "a"])
        ),
        pa.DictionaryArray.from_arrays(pa.array([0, 1], pa.int32()), pa.array(["d", None])),
    ]
    for col in (
        pa.chunked_array(chunks[:2]),
        pa.chunked_array(chunks),
        chunks[0],
        pa.chunked_array(chunks[1:2]),
    ):
        plain = col.cast(pa.string())
        enc = pc.dictionary_encode(
            plain.combine_chunks() if isinstance(plain, pa.ChunkedArray) else plain, null_encoding="encode"
        )
        codes, values = dictionary_codes(col)
        assert codes.tolist() == enc.indices.to_pylist() and values.equals(enc.dictionary)
