"""PostgreSQL: overlapping plan runs for the same day open each case once and enqueue each contact once."""

from __future__ import annotations

import threading
from datetime import date

import pytest
import yaml
from sqlalchemy import func, select

from faircollect.collections.models import CollectionCase, PlannedContact
from faircollect.collections.planner import plan
from faircollect.collections.strategy import default_strategy_path, parse_strategy
from faircollect.db import make_engine, session_factory, unit_of_work
from faircollect.ledger import service as ledger
from faircollect.messaging.models import OutboxMessage
from faircollect.messaging.seeds import seed_templates

DAY = date(2026, 2, 16)


@pytest.mark.postgres
def test_overlapping_plans_do_not_duplicate_cases_or_messages(pg_url: str) -> None:
    engine = make_engine(pg_url, pool_size=4)
    factory = session_factory(engine)
    with unit_of_work(factory) as s:
        seed_templates(s)
        for i in range(8):
            b = ledger.create_borrower(
                s, name=f"借款人{i}", phone=f"1380013{i:04d}", timezone="Asia/Shanghai"
            )
            terms = {
                "principal": "6000.00",
                "annual_rate": "0.12",
                "method": "equal_instalment",
                "term": 6,
                "frequency": "monthly",
                "start_date": "2026-01-15",
            }
            loan = ledger.create_loan(s, borrower_id=b.id, terms=terms, approve=True)
            ledger.disburse(s, loan_id=loan.id, date=date(2026, 1, 15))
    obj = yaml.safe_load(default_strategy_path("CN").read_text())
    obj.update(control_share="0", challengers=[])
    strategy = parse_strategy(obj)
    errors: list[BaseException] = []
    barrier = threading.Barrier(3)

    def run() -> None:
        try:
            barrier.wait()
            with unit_of_work(factory) as s:
                plan(s, as_of=DAY, strategy=strategy)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    with unit_of_work(factory) as s:
        count = lambda m: s.execute(select(func.count()).select_from(m)).scalar_one()  # noqa: E731
        assert count(CollectionCase) == 8
        assert count(OutboxMessage) == 8
        assert count(PlannedContact) == 8
    engine.dispose()
