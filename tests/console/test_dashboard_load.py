"""The dashboard's panel, read from a demo database, agrees with the ledger's own book by bucket."""

from __future__ import annotations

from datetime import date

from faircollect.console.dashboard import book_by_bucket, roll_rates, vintage_curves
from faircollect.console.dashboard_load import denial_rows, month_end_panel
from faircollect.db import make_engine, session_factory
from faircollect.demo import book_by_bucket as demo_book


def test_month_end_panel_matches_the_ledger_book_and_rolls_every_open_loan(demo_url: str) -> None:
    as_of = date(2026, 4, 30)
    with session_factory(make_engine(demo_url))() as s:
        panel = month_end_panel(s, as_of)
        ledger_lines, _closed = demo_book(s, [r.loan_id for r in panel if r.month_end == as_of], as_of)
        denials = denial_rows(s)
    assert sorted({r.month_end for r in panel}) == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        as_of,
    ]
    ours = {
        line.bucket: (line.loans, line.principal_outstanding_minor, line.overdue_minor)
        for line in book_by_bucket(panel, as_of)
    }
    theirs = {
        line.bucket: (line.loans, line.principal_outstanding_minor, line.overdue_minor)
        for line in ledger_lines
    }
    assert ours == theirs
    matrices = roll_rates(panel)
    assert [m.end for m in matrices] == [date(2026, 2, 28), date(2026, 3, 31), as_of]
    for m in matrices:
        open_at_start = sum(1 for r in panel if r.month_end == m.start and not r.closed)
        assert sum(m.row_total(f) for f in m.rows) == open_at_start
    assert [v.vintage for v in vintage_curves(panel)] == ["2026-01"]
    assert all(isinstance(rule, str) and rule for _, rule in denials)
