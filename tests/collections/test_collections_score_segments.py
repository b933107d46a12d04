"""The per-contact planner reads the collection score (C-card) into the strategy's score segments."""

from __future__ import annotations

from datetime import date

import yaml
from sqlalchemy.orm import Session, sessionmaker

from faircollect.collections.strategy import default_strategy_path, parse_strategy
from faircollect.db import unit_of_work


def test_the_per_contact_planner_uses_the_score_segment(
    sessions: sessionmaker[Session], make_book: object, seeded_templates: None
) -> None:
    """A new loan three days late scores as a likely self-cure: the default strategy sends an SMS, never a call."""
    from sqlalchemy import select

    from faircollect.collections.models import PlannedContact
    from faircollect.collections.planner import plan

    for i in range(2):
        make_book(phone=f"1380013801{i}")  # type: ignore[operator]
    obj = yaml.safe_load(default_strategy_path("CN").read_text())
    strategy = parse_strategy({**obj, "control_share": "0", "challengers": []})  # everyone on the champion
    for day in (16, 17, 18):
        with unit_of_work(sessions) as s:
            plan(s, as_of=date(2026, 2, day), strategy=strategy)
    with sessions() as s:
        rows = s.execute(select(PlannedContact.segment_id, PlannedContact.channel)).all()
    champion = [r for r in rows if r.segment_id is not None]
    assert champion and {r.segment_id for r in champion} == {"early-self-cure"}
    assert {r.channel for r in champion} == {"sms"}
