"""``faircollect demo`` builds a real portfolio: the printed bucket table equals the replayed loan states."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

from typer.testing import CliRunner

from faircollect.cli import app
from faircollect.db import make_engine, session_factory
from faircollect.ledger import repository as repo
from faircollect.ledger import service


def _minor(text: str) -> int:
    return int(Decimal(text.replace(",", "")) * 100)


def test_demo_prints_bucket_totals_that_equal_the_sum_of_loan_states(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    result = CliRunner().invoke(
        app,
        [
            "demo",
            "--database-url",
            url,
            "--loans",
            "45",
            "--months",
            "3",
            "--seed",
            "11",
            "--days",
            "0",
            "--no-nightly",
        ],
        terminal_width=200,
    )
    assert result.exit_code == 0, result.output
    printed: dict[str, tuple[int, int, int]] = {}
    for m in re.finditer(
        r"│\s*(M\d\+?|total)\s*│\s*(\d+)\s*│\s*([\d,.]+)\s*│\s*([\d,.]+)\s*│", result.output
    ):
        printed[m.group(1)] = (int(m.group(2)), _minor(m.group(3)), _minor(m.group(4)))
    assert set(printed) == {"M0", "M1", "M2", "M3", "M4+", "total"}, result.output

    as_of = date(2026, 4, 30)  # the end of the third simulated month after January's disbursements
    engine = make_engine(url)
    expected: dict[str, list[int]] = {}
    closed = 0
    with session_factory(engine)() as s:
        loans = repo.list_loans(s)
        assert len(loans) == 45
        for loan in loans:
            state = service.loan_state(s, loan.id, as_of)
            if state.closed:
                closed += 1
                continue
            acc = expected.setdefault(state.bucket, [0, 0, 0])
            acc[0] += 1
            acc[1] += state.principal_outstanding_minor
            acc[2] += state.overdue_minor
        payments = sum(1 for ln in loans for e in repo.events_of(s, ln.id) if e.type == "payment")
    engine.dispose()
    for bucket, (n, principal, overdue) in printed.items():
        if bucket != "total":
            assert (n, principal, overdue) == tuple(expected.get(bucket, [0, 0, 0])), bucket
    assert printed["total"][0] + closed == 45
    assert printed["total"][1] == sum(v[1] for v in expected.values())
    assert payments > 45  # three months of payments were really booked
    assert sum(v[0] for k, v in expected.items() if k != "M0") > 0  # and some borrowers really missed
    assert f"closed (repaid in full): {closed}" in result.output


def test_full_demo_runs_nightly_and_collections_and_its_codes_verify(tmp_path: Path) -> None:
    """The whole demo: nightly run, days of collections; printed verification codes are genuine in the database."""
    from faircollect.messaging import verification

    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    result = CliRunner().invoke(
        app,
        ["demo", "--database-url", url, "--loans", "60", "--months", "4", "--seed", "5", "--days", "4"],
        terminal_width=220,
    )
    assert result.exit_code == 0, result.output
    out = result.output
    assert "nightly portfolio run" in out and "Roll rates" in out
    assert "chain intact" in out
    codes = re.findall(r"│ (?:sms|email|im)\s+│[^│]+│[^│]+│ ([0-9A-Z]{8}) ", out)
    assert codes, out
    engine = make_engine(url)
    with session_factory(engine)() as s:
        for code in codes:
            assert verification.verify(s, code, lender="x").genuine, code
        assert not verification.verify(s, "ZZZZ0000", lender="x").genuine
    engine.dispose()
