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


@pytest.mark.postgres
def test_lender_and_agency_racing_calls_never_exceed_the_shared_cap(pg_url: str) -> None:
    from datetime import UTC, datetime
    from zoneinfo import ZoneInfo

    from faircollect.collections.agencies import create_agency, create_agent, create_mandate, place_case
    from faircollect.collections.contacts import call
    from faircollect.collections.queues import build_work_queues
    from faircollect.collections.service import open_case_for_loan, sync_cases
    from faircollect.compliance.models import ContactAttempt

    engine = make_engine(pg_url, pool_size=8)
    factory = session_factory(engine)
    day = date(2026, 2, 17)
    with unit_of_work(factory) as s:
        b = ledger.create_borrower(s, name="张三", phone="13800138000", timezone="Asia/Shanghai")
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
    with unit_of_work(factory) as s:
        sync_cases(s, day)
        case = open_case_for_loan(s, loan.id)
        assert case is not None
        case_id = case.id
        agency = create_agency(s, name="示例资产管理", actor="ops")
        create_mandate(
            s,
            agency_id=agency.id,
            criteria={},
            starts_on=day,
            ends_on=date(2026, 3, 31),
            commission_rate="0.2",
            actor="ops",
        )
        place_case(s, case_id=case_id, as_of=day, actor="ops")
        agent_id = create_agent(s, user="agency.a", display_name="A", agency_id=agency.id, actor="ops").id
        build_work_queues(s, day)
    at = datetime(2026, 2, 17, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai")).astimezone(UTC)
    results: list[bool] = []
    errors: list[BaseException] = []
    barrier = threading.Barrier(8)

    def run(i: int) -> None:
        try:
            barrier.wait()
            with unit_of_work(factory) as s:
                res = call(
                    s,
                    case_id=case_id,
                    at=at,
                    outcome="connected",
                    actor=f"caller{i}",
                    agent_id=agent_id if i % 2 else None,
                    business_date=day,
                )
                results.append(res.allowed)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert sorted(results) == [False] * 5 + [True] * 3  # CN-FREQ-CONNECTED-3, lender and agency together
    with unit_of_work(factory) as s:
        assert s.execute(select(func.count()).select_from(ContactAttempt)).scalar_one() == 3
    engine.dispose()
