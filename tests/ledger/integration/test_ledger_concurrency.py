"""Several OS processes posting payments to one loan at the same moment lose nothing and count nothing twice.

Each worker posts its own keys plus a set of keys shared by every worker (same content: booked once) and one key
shared with *other* content (exactly one worker wins, the others get a Conflict). The loan row lock
(``SELECT … FOR UPDATE``) serialises them; without it, concurrent entry deltas would double count.
"""

from __future__ import annotations

import multiprocessing as mp
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select

from faircollect.db import make_engine, session_factory, unit_of_work
from faircollect.kit.errors import Conflict
from faircollect.ledger import repository as repo
from faircollect.ledger import service
from faircollect.ledger.models import LoanEvent

WORKERS = 4
OWN = 12
SHARED = 6
START = date(2026, 1, 15)


def _amount(key: str) -> int:
    return 1_000 + sum(map(ord, key)) % 5_000


def _worker(url: str, worker: int, loan_id: str, barrier: Any, out: Any) -> None:
    engine = make_engine(url)
    sessions = session_factory(engine)
    created = conflicts = 0
    keys = [f"w{worker}-{i}" for i in range(OWN)] + [f"shared-{i}" for i in range(SHARED)]
    keys.sort(key=lambda k: hash((k, worker)) % 97)  # interleave differently in every worker
    barrier.wait()
    try:
        for key in keys:
            with unit_of_work(sessions) as s:
                b = service.post_payment(
                    s,
                    loan_id=loan_id,
                    key=key,
                    date=START + timedelta(days=30 + _amount(key) % 5),
                    amount_minor=_amount(key),
                )
                created += b.created
        try:
            with unit_of_work(sessions) as s:
                service.post_payment(
                    s,
                    loan_id=loan_id,
                    key="contested",
                    date=START + timedelta(days=40),
                    amount_minor=10_000 + worker,
                )
                created += 1
        except Conflict:
            conflicts += 1
        out.put((worker, created, conflicts, None))
    except Exception as exc:  # reported to the parent, which fails the test with it
        out.put((worker, created, conflicts, repr(exc)))
    finally:
        engine.dispose()


@pytest.mark.slow
def test_processes_posting_to_one_loan_at_once_lose_nothing_and_double_count_nothing(db_url: str) -> None:
    """Runs on PostgreSQL (row lock) and on SQLite (the database write lock taken at the same point)."""
    pg_url = db_url
    engine = make_engine(pg_url)
    sessions = session_factory(engine)
    with unit_of_work(sessions) as s:
        b = service.create_borrower(s, name="并发")
        terms = {
            "annual_rate": "0.12",
            "method": "equal_instalment",
            "term": 12,
            "principal": "100000",
            "start_date": START.isoformat(),
        }
        loan_id = service.create_loan(s, borrower_id=b.id, terms=terms, approve=True).id
        service.disburse(s, loan_id=loan_id, date=START)

    ctx = mp.get_context("spawn")
    barrier = ctx.Barrier(WORKERS)
    out = ctx.Queue()
    procs = [ctx.Process(target=_worker, args=(pg_url, w, loan_id, barrier, out)) for w in range(WORKERS)]
    for p in procs:
        p.start()
    results = [out.get(timeout=180) for _ in procs]
    assert [r[3] for r in results] == [None] * WORKERS
    for p in procs:
        p.join(timeout=60)
        assert p.exitcode == 0

    distinct = {f"w{w}-{i}" for w in range(WORKERS) for i in range(OWN)} | {
        f"shared-{i}" for i in range(SHARED)
    }
    created = sum(r[1] for r in results)
    conflicts = sum(r[2] for r in results)
    assert conflicts == WORKERS - 1  # one "contested" booking won; the others were refused
    assert created == len(distinct) + 1  # every key booked exactly once across all processes
    with sessions() as s:
        events = (
            s.execute(select(LoanEvent).where(LoanEvent.loan_id == loan_id, LoanEvent.type == "payment"))
            .scalars()
            .all()
        )
        assert {e.key for e in events} == distinct | {"contested"}
        contested = next(e for e in events if e.key == "contested")
        expected = sum(_amount(k) for k in distinct) + int(contested.amount_minor or 0)
        booked = sum(
            v
            for (kind, _n, _c), v in repo.entry_totals(s, loan_id).items()
            if kind in ("payment", "prepayment", "reallocated", "credit")
        )
        assert booked == expected
        state = service.loan_state(s, loan_id, START + timedelta(days=60))
        paid = sum(sum(i.paid.values()) for i in state.instalments) + state.unallocated_minor
        assert paid == expected
        assert s.execute(select(func.count()).select_from(LoanEvent)).scalar_one() == len(distinct) + 2
    engine.dispose()
