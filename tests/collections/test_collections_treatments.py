"""Hand-offs and the less common treatments: agency placement and expiry, visits in the plan, a US strategy."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from faircollect.collections.agencies import create_agency, create_mandate, expire_mandates
from faircollect.collections.models import CollectionCase, PlannedContact
from faircollect.collections.planner import plan
from faircollect.collections.strategy import default_strategy_path, parse_strategy
from faircollect.db import unit_of_work


def _one_segment(*treatments: dict[str, Any], capacity: dict[str, int] | None = None) -> Any:
    return parse_strategy(
        {
            "id": "t",
            "version": 1,
            "jurisdiction": "CN",
            "capacity": capacity or {},
            "segments": [{"id": "all", "treatments": list(treatments)}],
        }
    )


def test_agency_treatment_places_case_under_mandate_and_expiry_recalls(
    sessions: sessionmaker[Session], make_book: Callable[..., object]
) -> None:
    with_mandate, without = make_book(), make_book(phone="13900139000")
    strategy = _one_segment({"at_dpd": 2, "channel": "agency"})
    with unit_of_work(sessions) as s:
        agency = create_agency(s, name="示例资产管理", actor="ops")
        create_mandate(
            s,
            agency_id=agency.id,
            criteria={"buckets": ["M0", "M1"], "max_cases": 1},
            starts_on=date(2026, 2, 1),
            ends_on=date(2026, 2, 28),
            commission_rate="0.15",
            actor="ops",
        )
        agency_id = agency.id
    with unit_of_work(sessions) as s:
        summary = plan(s, as_of=date(2026, 2, 17), strategy=strategy)
    assert summary.by_status == {
        "handed_to_agency": 1,
        "no_mandate": 1,
    }  # max_cases 1: the second finds no room
    with unit_of_work(sessions) as s:
        placed = (
            s.execute(select(CollectionCase).where(CollectionCase.agency_id == agency_id)).scalars().all()
        )
        assert len(placed) == 1 and placed[0].loan_id in {with_mandate.loan_id, without.loan_id}  # type: ignore[attr-defined]
    with unit_of_work(sessions) as s:
        assert expire_mandates(s, date(2026, 3, 1))
        assert (
            s.execute(select(CollectionCase.id).where(CollectionCase.agency_id.is_not(None))).first() is None
        )


def test_visit_treatment_is_only_ever_a_suggestion_to_request_one(
    sessions: sessionmaker[Session], make_book: Callable[..., object]
) -> None:
    make_book()
    with unit_of_work(sessions) as s:
        summary = plan(s, as_of=date(2026, 2, 18), strategy=_one_segment({"at_dpd": 3, "channel": "visit"}))
    assert summary.by_status == {"visit_needs_request": 1}


def test_legal_review_and_capacity(sessions: sessionmaker[Session], make_book: Callable[..., object]) -> None:
    make_book()
    make_book(phone="13900139000")
    strategy = _one_segment(
        {"at_dpd": 3, "channel": "legal_review", "capacity_group": "legal"}, capacity={"legal": 1}
    )
    with unit_of_work(sessions) as s:
        summary = plan(s, as_of=date(2026, 2, 18), strategy=strategy)
    assert summary.by_status == {"legal_review": 1, "over_capacity": 1}


def test_us_strategy_sms_needs_consent_email_goes(
    sessions: sessionmaker[Session], make_book: Callable[..., object], seeded_templates: None
) -> None:
    import yaml

    make_book(timezone="America/New_York", jurisdiction="US", phone="+12025550123")
    obj = yaml.safe_load(default_strategy_path("US").read_text())
    obj.update(control_share="0", challengers=[])  # champion only: e-mail on day 1, SMS on day 2
    strategy = parse_strategy(obj)
    with unit_of_work(sessions) as s:
        day1 = plan(s, as_of=date(2026, 2, 16), strategy=strategy)
    with unit_of_work(sessions) as s:
        day2 = plan(s, as_of=date(2026, 2, 17), strategy=strategy)
    assert day1.by_status == {"enqueued": 1}
    with unit_of_work(sessions) as s:
        rows = {r.channel: r for r in s.execute(select(PlannedContact)).scalars()}
    assert rows["email"].status == "enqueued"
    # Without prior express consent (TCPA) the gate refuses the SMS, and says which rule.
    assert rows["sms"].status == "denied" and rows["sms"].rule_ids["rules"]
    assert day2.denied and day2.denied[0]["channel"] == "sms"
