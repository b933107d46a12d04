"""The plan: segments and arms, the gate, the outbox and the audit log in one transaction."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
import yaml
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from faircollect.collections.contacts import log_complaint
from faircollect.collections.models import ExperimentAssignment, PlannedContact
from faircollect.collections.planner import plan
from faircollect.collections.strategy import assign_arm, default_strategy_path, load_strategy, parse_strategy
from faircollect.compliance.audit.models import AuditRecord
from faircollect.db import unit_of_work
from faircollect.messaging.models import OutboxMessage

DAY = date(2026, 2, 16)  # one day past the first due date: DPD 1 → SMS


def _strategy(control_share: str = "0", experiment: str = "exp", **extra: Any) -> Any:
    obj = yaml.safe_load(default_strategy_path("CN").read_text())
    obj["control_share"] = control_share
    obj["experiment"] = experiment
    obj["challengers"] = []
    obj.update(extra)
    return parse_strategy(obj)


def _count(s: Session, model: Any, *where: Any) -> int:
    return int(s.execute(select(func.count()).select_from(model).where(*where)).scalar_one())


def test_plan_writes_outbox_and_audit_in_one_transaction(
    sessions: sessionmaker[Session], make_book: Callable[..., object], seeded_templates: None
) -> None:
    bk = make_book()
    strategy = _strategy()
    with unit_of_work(sessions) as s:
        audits_before = _count(s, AuditRecord)
    # Rolled back: nothing of the plan survives, neither outbox nor decision records.
    s = sessions()
    summary = plan(s, as_of=DAY, strategy=strategy)
    assert summary.enqueued == 1
    s.rollback()
    s.close()
    with unit_of_work(sessions) as s:
        assert _count(s, OutboxMessage) == 0 and _count(s, PlannedContact) == 0
        assert _count(s, AuditRecord) == audits_before
    with unit_of_work(sessions) as s:
        summary = plan(s, as_of=DAY, strategy=strategy)
    with unit_of_work(sessions) as s:
        msg = s.execute(select(OutboxMessage)).scalar_one()
        row = s.execute(select(PlannedContact)).scalar_one()
        assert row.status == "enqueued" and row.outbox_id == msg.id and msg.borrower_id == bk.borrower_id  # type: ignore[attr-defined]
        assert msg.experiment == "exp" and msg.arm == "champion" and msg.assignment_probability == 1
        decisions = (
            s.execute(
                select(AuditRecord).where(
                    AuditRecord.action == "gate.decision", AuditRecord.subject_id == bk.borrower_id
                )  # type: ignore[attr-defined]
            )
            .scalars()
            .all()
        )
        assert len(decisions) == 1


def test_plan_failure_midway_leaves_no_outbox_and_no_audit(
    sessions: sessionmaker[Session],
    make_book: Callable[..., object],
    seeded_templates: None,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    make_book()
    make_book(phone="13900139000")
    from faircollect.messaging import outbox

    real = outbox.enqueue
    calls = {"n": 0}

    def flaky(*args: Any, **kw: Any) -> str:
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real(*args, **kw)

    monkeypatch.setattr(outbox, "enqueue", flaky)
    with unit_of_work(sessions) as s:
        before = _count(s, AuditRecord)
    with pytest.raises(RuntimeError), unit_of_work(sessions) as s:
        plan(s, as_of=DAY, strategy=_strategy())
    with unit_of_work(sessions) as s:
        assert _count(s, OutboxMessage) == 0 and _count(s, AuditRecord) == before


def test_replanning_the_same_day_is_idempotent(
    sessions: sessionmaker[Session], make_book: Callable[..., object], seeded_templates: None
) -> None:
    make_book()
    strategy = _strategy()
    for _ in range(2):
        with unit_of_work(sessions) as s:
            plan(s, as_of=DAY, strategy=strategy)
    with unit_of_work(sessions) as s:
        assert _count(s, OutboxMessage) == 1 and _count(s, PlannedContact) == 1


def test_two_loans_of_one_borrower_get_one_message(
    sessions: sessionmaker[Session], make_book: Callable[..., object], seeded_templates: None
) -> None:
    a = make_book()
    make_book("5000.00", borrower_id=a.borrower_id)  # type: ignore[attr-defined]
    with unit_of_work(sessions) as s:
        summary = plan(s, as_of=DAY, strategy=_strategy())
    assert summary.enqueued == 1 and summary.skipped_duplicates == 1


def _experiment_putting_in_control(borrower_id: str) -> str:
    for i in range(200):
        if assign_arm(_strategy("0.5", f"exp-{i}"), borrower_id)[0] == "control":
            return f"exp-{i}"
    raise AssertionError("no experiment name puts this borrower in control")


def test_control_group_gets_no_contact_but_is_logged(
    sessions: sessionmaker[Session], make_book: Callable[..., object], seeded_templates: None
) -> None:
    bk = make_book()
    exp = _experiment_putting_in_control(bk.borrower_id)  # type: ignore[attr-defined]
    with unit_of_work(sessions) as s:
        summary = plan(s, as_of=DAY, strategy=_strategy("0.5", exp))
    assert summary.by_status == {"control": 1}
    with unit_of_work(sessions) as s:
        assert _count(s, OutboxMessage) == 0
        row = s.execute(select(PlannedContact)).scalar_one()
        assert (row.arm, row.probability, row.channel) == ("control", "0.5", "sms")
        ea = s.execute(select(ExperimentAssignment)).scalar_one()
        assert (ea.experiment, ea.arm, ea.probability) == (exp, "control", "0.5")


def test_held_borrower_is_denied_with_rule_ids(
    sessions: sessionmaker[Session], make_book: Callable[..., object], seeded_templates: None
) -> None:
    from datetime import UTC, datetime

    bk = make_book()
    with unit_of_work(sessions) as s:
        log_complaint(
            s,
            borrower_id=bk.borrower_id,
            kind="dispute",
            channel="email",
            summary="not my loan",  # type: ignore[attr-defined]
            received_at=datetime(2026, 2, 1, tzinfo=UTC),
            actor="agent:x",
        )
    with unit_of_work(sessions) as s:
        summary = plan(s, as_of=DAY, strategy=_strategy())
    assert summary.by_status == {"denied": 1}
    assert summary.denied[0]["rules"] and summary.denied[0]["borrower"] == "张*"
    with unit_of_work(sessions) as s:
        row = s.execute(select(PlannedContact)).scalar_one()
        assert row.status == "denied" and row.rule_ids["rules"] and _count(s, OutboxMessage) == 0


def test_pre_due_reminder_and_call_capacity(
    sessions: sessionmaker[Session], make_book: Callable[..., object], seeded_templates: None
) -> None:
    for i in range(3):
        make_book(phone=f"1380013800{i}")
    with unit_of_work(sessions) as s:
        pre = plan(s, as_of=date(2026, 2, 12), strategy=_strategy())
    assert pre.by_status == {"enqueued": 3}
    with unit_of_work(sessions) as s:
        tpl = set(s.execute(select(OutboxMessage.template_key)).scalars())
        assert tpl == {"reminder"}
    # Capacity is checked on the segments that call on dpd 3: the C-card's score segments would send these new
    # loans (likely self-cures) SMS only — tests/scoring/test_collection.py covers that path.
    no_score = [
        g
        for g in yaml.safe_load(default_strategy_path("CN").read_text())["segments"]
        if not {"score_min", "score_max"} & set(g["when"])
    ]
    with unit_of_work(sessions) as s:
        calls = plan(
            s,
            as_of=date(2026, 2, 18),
            strategy=_strategy(capacity={"calls": 2, "agency": 1, "legal": 1}, segments=no_score),
        )
    assert calls.by_status == {"queued_call": 2, "over_capacity": 1}


def test_example_strategy_plans_with_all_arms(
    sessions: sessionmaker[Session], make_book: Callable[..., object], seeded_templates: None
) -> None:
    for i in range(6):
        make_book(phone=f"1370013700{i}")
    with unit_of_work(sessions) as s:
        summary = plan(s, as_of=DAY, strategy=load_strategy(default_strategy_path("CN")))
    assert summary.considered == 6 and sum(summary.by_arm.values()) == 6
    with unit_of_work(sessions) as s:
        for msg in s.execute(select(OutboxMessage)).scalars():
            assert msg.arm in {"champion", "digital-first"} and msg.assignment_probability is not None


def test_plan_judges_promises_before_a_payment_closes_the_case(
    sessions: sessionmaker[Session], make_book: Callable[..., object], seeded_templates: None
) -> None:
    from faircollect.collections.promises import make_promise
    from faircollect.collections.service import open_case_for_loan
    from faircollect.ledger import service as ledger

    bk = make_book()
    with unit_of_work(sessions) as s:
        plan(s, as_of=date(2026, 2, 17), strategy=_strategy())
        case = open_case_for_loan(s, bk.loan_id)  # type: ignore[attr-defined]
        assert case is not None
        make_promise(
            s,
            case_id=case.id,
            amount_minor=case.overdue_minor,
            promised_date=date(2026, 2, 19),
            channel="call",
            made_on=date(2026, 2, 17),
            actor="agent:a",
        )
        st = ledger.loan_state(s, bk.loan_id, date(2026, 2, 18))  # type: ignore[attr-defined]
        due = sum(i.outstanding_total for i in st.instalments if i.due_date <= st.as_of)
        ledger.post_payment(s, loan_id=bk.loan_id, key="pay", date=date(2026, 2, 18), amount_minor=due)  # type: ignore[attr-defined]
    with unit_of_work(sessions) as s:
        summary = plan(s, as_of=date(2026, 2, 18), strategy=_strategy())
    assert summary.promises_kept == 1 and summary.closed == 1


def test_every_plan_log_row_and_new_assignment_has_an_audit_record(
    sessions: sessionmaker[Session], make_book: Callable[..., object], seeded_templates: None
) -> None:
    from faircollect.compliance.audit.service import verify

    bk = make_book()
    exp = _experiment_putting_in_control(bk.borrower_id)  # type: ignore[attr-defined]
    make_book(phone="13900139000")
    for _ in range(2):  # a re-plan writes no row, so no record either
        with unit_of_work(sessions) as s:
            plan(s, as_of=DAY, strategy=_strategy("0.5", exp), actor="system:test")
    with unit_of_work(sessions) as s:
        rows = {r.id: r for r in s.execute(select(PlannedContact)).scalars()}
        assignments = {a.id: a for a in s.execute(select(ExperimentAssignment)).scalars()}
        planned = {
            r.subject_id: r
            for r in s.execute(
                select(AuditRecord).where(AuditRecord.action == "collections.contact.planned")
            ).scalars()
        }
        assigned = {
            r.subject_id: r
            for r in s.execute(
                select(AuditRecord).where(AuditRecord.action == "collections.experiment.assigned")
            ).scalars()
        }
        assert len(rows) == 2 and set(planned) == set(rows)
        assert len(assignments) == 2 and set(assigned) == set(assignments)
        for rid, rec in planned.items():
            row = rows[rid]
            assert rec.actor == "system:test" and rec.subject_type == "planned_contact"
            p = rec.payload
            assert p is not None
            assert (p["status"], p["arm"], p["probability"], p["borrower_id"], p["outbox_id"]) == (
                row.status,
                row.arm,
                row.probability,
                row.borrower_id,
                row.outbox_id,
            )
        statuses = {r.status for r in rows.values()}
        assert "control" in statuses  # the control group's miss is on the record too
        for aid, rec in assigned.items():
            a = assignments[aid]
            assert rec.payload == {
                "borrower_id": a.borrower_id,
                "experiment": exp,
                "strategy_key": a.strategy_key,
                "arm": a.arm,
                "probability": a.probability,
                "assigned_on": DAY.isoformat(),
            }
        assert verify(s).ok
