"""Every run holds the compiled kernel to the ledger core on a random sample of loans, and stops on a difference."""

from __future__ import annotations

import json
from datetime import date

import pyarrow as pa
import pyarrow.compute as pc
import pytest

from faircollect.ledger.terms_json import terms_to_json
from faircollect.portfolio.generator import generate
from faircollect.portfolio.run import run_snapshot
from faircollect.portfolio.twin import TwinDrift

AS_OF = date(2026, 11, 28)


@pytest.fixture(scope="module")
def book() -> dict[str, pa.Table]:
    return generate(2000, seed=5, as_of=AS_OF)


def test_every_run_replays_a_sample_with_the_core_and_notes_it(book: dict[str, pa.Table]) -> None:
    res = run_snapshot(as_of=AS_OF, snapshot=book, gate=False, twin_sample=50)
    note = next(n for n in res.notes if n.startswith("twin check"))
    assert note.startswith("twin check: 50 loan(s) replayed by the ledger core (seed ")
    assert note.endswith("no difference")


def test_a_kernel_that_disagrees_with_the_core_stops_the_run(book: dict[str, pa.Table]) -> None:
    # The ledger terms of every loan in the sample say 1% more principal than the rows the kernel replays: the
    # two implementations now disagree, and the run must say so rather than write figures.
    from faircollect.ledger.terms_json import parse_terms
    from faircollect.ledger.types import Disbursement

    terms = book["terms"]
    rows = []
    for r in terms.to_pylist():
        t = parse_terms(json.loads(r["terms_json"]), where="test")
        first = t.disbursements[0]
        bigger = Disbursement(first.date, first.amount_minor + max(1, first.amount_minor // 100))
        t = type(t)(**{**{f: getattr(t, f) for f in t.__dataclass_fields__}, "disbursements": (bigger,)})
        rows.append({"loan_no": r["loan_no"], "terms_json": json.dumps(terms_to_json(t))})
    tampered = dict(book)
    tampered["terms"] = pa.Table.from_pylist(rows, schema=terms.schema)
    with pytest.raises(TwinDrift) as exc:
        run_snapshot(as_of=AS_OF, snapshot=tampered, gate=False, twin_sample=50)
    msg = exc.value.message
    assert "differs from the ledger core" in msg and "(kernel, core)" in msg and "seed" in msg


def test_the_generated_book_carries_terms_beyond_its_prepayments(book: dict[str, pa.Table]) -> None:
    with_prepay = pc.unique(
        pc.filter(book["payments"].column("loan_no"), pc.is_valid(book["payments"].column("prepayment")))
    )
    assert book["terms"].num_rows > len(with_prepay)
