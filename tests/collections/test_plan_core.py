"""The planning core, pure: send times, capacity, order, the gate with the rulebook passed in."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from faircollect.collections import plan_core
from faircollect.collections.strategy import parse_strategy
from faircollect.compliance.contact import ContactFacts, HoldKind
from faircollect.compliance.rulebook import load_rulebook

DAY = date(2026, 6, 1)
RULEBOOKS = {j: load_rulebook(j) for j in ("CN", "US", "UK")}


def _strategy(capacity: int = 1) -> object:
    return parse_strategy(
        {
            "id": "t",
            "version": 1,
            "capacity": {"calls": capacity},
            "segments": [
                {
                    "id": "early",
                    "when": {"dpd_max": 30},
                    "treatments": [
                        {"at_dpd": 3, "channel": "call", "priority": 2, "capacity_group": "calls"},
                        {"at_dpd": 3, "channel": "sms", "template": "overdue", "priority": 1},
                    ],
                }
            ],
        }
    )


def _item(
    n: int, overdue: int, jurisdiction: str = "CN", tz: str | None = "Asia/Shanghai"
) -> plan_core.PlanItem:
    return plan_core.PlanItem(
        loan_id=f"L{n}",
        borrower_id=f"B{n}",
        jurisdiction=jurisdiction,
        timezone=tz,
        bucket="M1",
        dpd=3,
        balance_minor=100_000,
        overdue_minor=overdue,
    )


def test_a_borrower_of_unknown_zone_is_planned_for_the_westernmost_candidate_zone() -> None:
    # US: 10:00 in Honolulu (UTC−10) is 16:00 in New York: inside 08:00–21:00 everywhere the borrower may be.
    assert plan_core.send_time(DAY, None, RULEBOOKS["US"], 10) == datetime(2026, 6, 1, 20, 0, tzinfo=UTC)
    assert plan_core.send_time(DAY, "America/New_York", RULEBOOKS["US"], 10) == datetime(
        2026, 6, 1, 14, 0, tzinfo=UTC
    )
    # UK is keyed UK (not GB) and planned in London, not UTC.
    assert plan_core.send_time(DAY, None, RULEBOOKS["UK"], 10) == datetime(2026, 6, 1, 9, 0, tzinfo=UTC)


def test_capacity_goes_to_the_largest_overdue_amount_and_a_denied_call_uses_none() -> None:
    items = [_item(1, 5_000), _item(2, 90_000), _item(3, 40_000)]
    held = {"B2": ContactFacts(borrower_timezone="Asia/Shanghai", holds=frozenset({HoldKind.COMPLAINT}))}
    plan = plan_core.plan(items, held, _strategy(capacity=1), RULEBOOKS, as_of=DAY)
    calls = {p.item.loan_id: p.status for p in plan.proposals if p.treatment.channel == "call"}
    # B2 owes most but is on hold: denied by the gate (its rule ids), and the one call goes to B3, the next largest.
    assert calls == {"L2": "denied", "L3": "allowed", "L1": "over_capacity"}
    assert "CN-COMPLAINTS" in plan.denials
    order = [p.item.loan_id for p in plan.proposals]
    assert order[:3] == ["L2", "L3", "L1"]  # priority 1 (SMS) first, then by overdue amount


def test_a_capacity_group_without_a_limit_has_no_capacity() -> None:
    strat = dataclasses.replace(
        _strategy(), capacity={}
    )  # parse_strategy refuses this; code-built ones fail closed
    plan = plan_core.plan([_item(1, 5_000)], {}, strat, RULEBOOKS, as_of=DAY)
    assert {p.treatment.channel: p.status for p in plan.proposals}["call"] == "over_capacity"


def test_a_borrower_with_two_loans_gets_one_message_and_one_call_a_day() -> None:
    a, b = _item(1, 5_000), dataclasses.replace(_item(2, 6_000), borrower_id="B1")
    plan = plan_core.plan([a, b], {}, _strategy(capacity=5), RULEBOOKS, as_of=DAY)
    assert plan.duplicates == 2
    assert sorted((p.treatment.channel, p.item.loan_id) for p in plan.proposals) == [
        ("call", "L2"),
        ("sms", "L2"),
    ]


def test_maker_makes_the_same_record_as_the_constructor() -> None:
    """``plan_core.maker`` (the nightly shell's fast path) makes what ``PlanItem(...)`` / ``Proposal(...)`` make:
    equal, the same hash and repr, every field set, defaults included, by keyword or by position."""
    full = {
        "loan_id": "L1",
        "borrower_id": "B1",
        "jurisdiction": "CN",
        "timezone": None,
        "bucket": "M1",
        "dpd": 3,
        "balance_minor": 500,
        "overdue_minor": 400,
        "score": None,
        "product": "cash-12",
        "flags": ("vip",),
    }
    for kwargs in (full, {k: full[k] for k in list(full)[:8]}):
        made, built = plan_core.new_item(**kwargs), plan_core.PlanItem(**kwargs)
        assert made == built and hash(made) == hash(built) and repr(made) == repr(built)
        assert type(made) is plan_core.PlanItem
        assert all(getattr(made, f.name) == getattr(built, f.name) for f in dataclasses.fields(built))
    item = plan_core.PlanItem(**full)
    t = _strategy().segments[0].treatments[0]  # type: ignore[attr-defined]
    args = (item, "champion", Decimal("0.9"), "early", t, datetime(2026, 6, 1, 2, tzinfo=UTC), "allowed")
    assert plan_core.maker(plan_core.Proposal)(*args) == plan_core.Proposal(*args)
    with pytest.raises(dataclasses.FrozenInstanceError):
        plan_core.new_item(**full).dpd = 4  # type: ignore[misc]
    with pytest.raises(TypeError):
        plan_core.new_item(loan_id="L1")
    facts = {"borrower_timezone": "Asia/Shanghai", "holds": frozenset({HoldKind.COMPLAINT})}
    assert plan_core.maker(ContactFacts)(**facts) == ContactFacts(**facts)
    assert plan_core.maker(ContactFacts)(**facts).history == ()
    with pytest.raises(TypeError):
        plan_core.maker(plan_core.Plan)  # not frozen
