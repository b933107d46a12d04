"""``import_write.copy_text`` (column by column, escaping only a column that needs it) against the plain definition
of PostgreSQL's COPY text format, cell by cell, on rows with every special character in every column."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy import Table

from faircollect.ledger.import_write import copy_text
from faircollect.ledger.models import Borrower, LedgerEntry, Loan, LoanEvent

TABLES: list[Table] = [Loan.__table__, LoanEvent.__table__, LedgerEntry.__table__, Borrower.__table__]  # type: ignore[list-item]


def reference(table: Table, rows: list[dict[str, Any]]) -> bytes:
    """COPY text by its definition: ``\\N`` for NULL, JSON compact, ``str`` of anything else, then backslash, tab,
    newline and carriage return escaped in every non-NULL cell."""
    lines = []
    for r in rows:
        cells = []
        for c in table.columns:
            v = r.get(c.name)
            if v is None:
                cells.append("\\N")
                continue
            if c.type.__class__.__name__ == "JSON":
                v = json.dumps(v, ensure_ascii=False, separators=(",", ":"))
            text = str(v)
            for a, b in (("\\", "\\\\"), ("\t", "\\t"), ("\n", "\\n"), ("\r", "\\r")):
                text = text.replace(a, b)
            cells.append(text)
        lines.append("\t".join(cells) + "\n")
    return "".join(lines).encode()


_text = st.text(
    alphabet=st.sampled_from(["a", "\t", "\n", "\r", "\\", "N", "é", "中", " ", '"']), max_size=5
) | st.sampled_from(["\\N", "plain", "L0000001"])


def _value(column: Any) -> st.SearchStrategy[Any]:
    kind = column.type.__class__.__name__
    if kind == "JSON":
        base: st.SearchStrategy[Any] = st.dictionaries(
            st.sampled_from(["k", "n"]), _text | st.integers(), max_size=2
        ) | st.lists(_text, max_size=2)
    elif kind in ("Integer", "BigInteger"):
        base = st.integers(-(10**15), 10**15)
    elif kind == "Date":
        base = st.integers(0, 400).map(lambda d: date(2026, 1, 1) + timedelta(days=d))
    elif kind == "DateTime":
        base = st.integers(0, 10**10).map(
            lambda us: datetime(2026, 1, 1, tzinfo=UTC) + timedelta(microseconds=us)
        )
    elif kind == "Boolean":
        base = st.booleans()
    else:
        base = _text
    return st.none() | base if column.nullable else base


@st.composite
def table_rows(draw: st.DrawFn) -> tuple[Table, list[dict[str, Any]]]:
    table = draw(st.sampled_from(TABLES))
    row = st.fixed_dictionaries({c.name: _value(c) for c in table.columns})
    return table, draw(st.lists(row, max_size=6))


@settings(max_examples=300, deadline=None)
@given(table_rows())
def test_copy_text_is_the_copy_format(case: tuple[Table, list[dict[str, Any]]]) -> None:
    table, rows = case
    assert copy_text(table, rows) == reference(table, rows)


def test_a_text_that_reads_as_null_is_escaped() -> None:
    table: Table = LedgerEntry.__table__  # type: ignore[assignment]
    row = {c.name: "x" for c in table.columns} | {"kind": "\\N", "instalment_number": None}
    line = copy_text(table, [row]).decode()
    assert "\\\\N" in line and line.count("\t") == len(table.columns) - 1 and line.endswith("\n")
