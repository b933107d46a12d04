"""The dashboard's panel, read from a demo database, agrees with the ledger's own book by bucket."""

from __future__ import annotations

from datetime import date

import pytest

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


def test_the_cached_panel_is_replayed_once_per_ledger_state_and_never_stale(
    demo_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The console reads the panel once per as-of date; a payment back-dated into March changes the ledger's
    fingerprint, so the next read replays and shows it (the cache never serves an old book)."""
    from faircollect.console import dashboard_load
    from faircollect.db import unit_of_work
    from faircollect.ledger.booking import post_payment

    as_of = date(2026, 4, 30)
    factory = session_factory(make_engine(demo_url))
    with factory() as s:
        fresh = month_end_panel(s, as_of)
        assert dashboard_load.cached_month_end_panel(s, as_of) == fresh
        replays = 0
        real = dashboard_load.month_end_panel

        def counted(*a: object, **k: object) -> list[object]:
            nonlocal replays
            replays += 1
            return real(*a, **k)  # type: ignore[arg-type]

        monkeypatch.setattr(dashboard_load, "month_end_panel", counted)
        assert dashboard_load.cached_month_end_panel(s, as_of) == fresh
        assert replays == 0
    late = next(r for r in fresh if r.month_end == date(2026, 3, 31) and r.overdue_minor > 0)
    with unit_of_work(factory) as s:
        post_payment(
            s, loan_id=late.loan_id, key="cache-test", date=date(2026, 3, 15), amount_minor=late.overdue_minor,
            actor="test",
        )  # fmt: skip
    with factory() as s:
        after = dashboard_load.cached_month_end_panel(s, as_of)
        assert replays == 1
        assert after == real(s, as_of)
        march = next(r for r in after if r.loan_id == late.loan_id and r.month_end == date(2026, 3, 31))
        assert march.overdue_minor < late.overdue_minor
