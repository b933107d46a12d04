"""Schedule generation throughput: build_schedule for N loans (mixed methods), beside a named baseline.

Baseline: ``naive_equal_instalment`` — the textbook 等额本息 loop that recomputes ``(1+r)^n`` with Decimal powers for
every period (no fees, tranches or grace), run on the same equal-instalment loans. Both are float-free Decimal/int
code; the baseline's schedules are checked to be identical to ``build_schedule``'s before timing.

    .venv/bin/python benchmarks/schedule_bench.py            # 100,000 loans
    .venv/bin/python benchmarks/schedule_bench.py --loans 5000
"""

from __future__ import annotations

import argparse
import random
import time
from datetime import date, timedelta
from decimal import Decimal

from rich.console import Console
from rich.table import Table

from faircollect.ledger.schedule import build_schedule, naive_equal_instalment
from faircollect.ledger.terms_json import parse_terms
from faircollect.ledger.types import LoanTerms, Method

METHODS = ["equal_instalment", "equal_principal", "interest_only", "bullet", "flat"]


def make_loans(n: int, seed: int = 7) -> list[LoanTerms]:
    """A deterministic synthetic book: mixed methods, terms 3–36, rates 4–24 %, periodic and daily bases."""
    rng = random.Random(seed)
    loans = []
    for _ in range(n):
        method = rng.choice(METHODS)
        term = rng.choice([3, 6, 12, 12, 12, 24, 36])
        obj = {
            "principal": str(Decimal(rng.randrange(1_000_00, 200_000_00)) / 100),
            "annual_rate": str(Decimal(rng.randrange(400, 2400)) / 10000),
            "method": method,
            "term": term,
            "start_date": (date(2026, 1, 1) + timedelta(days=rng.randrange(365))).isoformat(),
            "interest_basis": rng.choice(["periodic", "periodic", "daily"]),
            "days_in_year": rng.choice([360, 365, "actual"]),
        }
        loans.append(parse_terms(obj))
    return loans


def timed(fn, loans: list[LoanTerms]) -> float:  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    for t in loans:
        fn(t)
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--loans", type=int, default=100_000)
    args = ap.parse_args()
    loans = make_loans(args.loans)
    annuity = [
        t for t in loans if t.method is Method.EQUAL_INSTALMENT and t.interest_basis.value == "periodic"
    ]
    for t in annuity[:200]:  # same results before we compare speed
        assert naive_equal_instalment(t) == build_schedule(t), t
    rows = []
    secs = timed(build_schedule, loans)
    rows.append(("build_schedule", "mixed (5 methods)", len(loans), secs))
    secs_fast = timed(build_schedule, annuity)
    rows.append(("build_schedule", "equal instalment, periodic", len(annuity), secs_fast))
    secs_naive = timed(naive_equal_instalment, annuity)
    rows.append(("baseline: naive_equal_instalment", "equal instalment, periodic", len(annuity), secs_naive))
    table = Table(title=f"Schedule generation ({args.loans:,} loans, single process)")
    for col in ("implementation", "loans", "count", "seconds", "loans/second"):
        table.add_column(col, justify="right" if col in ("count", "seconds", "loans/second") else "left")
    for name, kind, count, s in rows:
        table.add_row(name, kind, f"{count:,}", f"{s:.2f}", f"{count / s:,.0f}")
    Console(width=120).print(table)
    Console().print(f"speed-up over baseline on the same loans: {secs_naive / secs_fast:.2f}×")


if __name__ == "__main__":
    main()
