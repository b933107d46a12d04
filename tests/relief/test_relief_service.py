"""Relief applications end to end on a real ledger: approve, sign, hold, 容时 / 容差, append to the end, break."""

from __future__ import annotations

import json
import random
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy.orm import Session

from faircollect.compliance import gate
from faircollect.compliance.contact import Channel, ContactRequest, RecipientRole
from faircollect.compliance.facts_load import lender_rulebook, load_facts
from faircollect.db import make_engine, session_factory, unit_of_work, upgrade
from faircollect.demo import seed_portfolio, simulate_month
from faircollect.kit.errors import Conflict, ValidationError
from faircollect.ledger import service as ledger
from faircollect.ledger.models import Borrower, Loan
from faircollect.relief import service as relief


@pytest.fixture
def book(sqlite_url: str):  # type: ignore[no-untyped-def]
    upgrade(sqlite_url)
    engine = make_engine(sqlite_url)
    factory = session_factory(engine)
    rng = random.Random(9)
    start = date(2026, 1, 5)
    with unit_of_work(factory) as session:
        b = seed_portfolio(session, rng=rng, loans=30, start=start)
    month, as_of = start, start
    for _ in range(3):
        month = (month.replace(day=1) + timedelta(days=32)).replace(day=1)
        with unit_of_work(factory) as session:
            as_of = simulate_month(session, b, rng=rng, month_start=month)
    yield factory, b, as_of + timedelta(days=1)
    engine.dispose()


def _late_loan(session: Session, loan_ids: list[str], on: date) -> Loan:
    for lid in loan_ids:
        if ledger.loan_state(session, lid, on).days_past_due > 10:
            loan = session.get(Loan, lid)
            assert loan is not None
            return loan
    raise AssertionError("no late loan in the book")


def _gate_sms(session: Session, borrower_id: str, at: datetime):  # type: ignore[no-untyped-def]
    b = session.get(Borrower, borrower_id)
    assert b is not None
    facts = load_facts(session, borrower_id=borrower_id, at=at, address=b.phone)
    req = ContactRequest(
        b.jurisdiction, Channel.SMS, RecipientRole.BORROWER, at, address=b.phone, text="还款提醒"
    )
    return gate.decide(req, facts, rulebook=lender_rulebook(session, b.jurisdiction))


def test_a_plan_within_policy_is_signed_booked_held_and_survives_a_late_payment_inside_the_grace(
    book,
) -> None:  # type: ignore[no-untyped-def]
    factory, b, on = book
    with unit_of_work(factory) as session:
        loan = _late_loan(session, b.loan_ids, on)
        app = relief.apply(
            session, borrower_id=loan.borrower_id, loan=loan, reason="job_loss", distress=False,
            income_minor=600000, expenditure_minor=450000, kind="instalment_plan", on=on, actor="borrower:x",
        )  # fmt: skip
        assert app.status == "approved" and app.within_policy and 3 <= app.months <= 24
        name = session.get(Borrower, loan.borrower_id).name  # type: ignore[union-attr]
        with pytest.raises(ValidationError, match="name"):
            relief.sign(session, application_id=app.id, borrower_id=loan.borrower_id, typed_name="someone else",
                        code_ok=True, agreement_pdf=b"%PDF", actor="borrower:x")  # fmt: skip
        signed = relief.sign(
            session, application_id=app.id, borrower_id=loan.borrower_id, typed_name=f" {name} ", code_ok=True,
            agreement_pdf=b"%PDF-agreement", actor="borrower:x",
        )  # fmt: skip
        assert (
            signed.status == "signed"
            and signed.schedule_version == 2
            and len(signed.agreement_sha256 or "") == 64
        )
        loan_id, borrower_id = loan.id, loan.borrower_id
    at = datetime.combine(on + timedelta(days=2), datetime.min.time(), tzinfo=UTC) + timedelta(hours=3)
    with factory() as session:
        assert ledger.loan_state(session, loan_id, on).days_past_due == 0
        decision = _gate_sms(session, borrower_id, at)
        assert not decision.allowed and any("HOLD" in r for r in decision.rule_ids), decision
        app = session.get(type(signed), signed.id)
        first = ledger.loan_state(session, loan_id, on + timedelta(days=40)).instalments
        plan_first = next(i for i in first if i.due_date > on)
    due = plan_first.due_date
    with unit_of_work(factory) as session:  # two days late: inside 容时 — not missed
        assert relief.check_plans(session, as_of=due + timedelta(days=2)) == {}
        app = session.get(type(signed), signed.id)
        st = ledger.loan_state(session, loan_id, due + timedelta(days=2))
        assert relief.plan_status(app, st, due + timedelta(days=2)).status == "in_grace"
        ledger.post_payment(session, loan_id=loan_id, key="late-but-ok", date=due + timedelta(days=2),
                            amount_minor=plan_first.outstanding_total - 500)  # fmt: skip  # ¥5 short: 容差
    with unit_of_work(factory) as session:
        app = session.get(type(signed), signed.id)
        st = ledger.loan_state(session, loan_id, due + timedelta(days=10))
        assert relief.plan_status(app, st, due + timedelta(days=10)).status == "kept"
        assert relief.check_plans(session, as_of=due + timedelta(days=10)) == {}
        assert app.status == "signed"


def test_a_missed_instalment_moves_to_the_end_once_then_the_plan_breaks_and_collection_resumes(book) -> None:  # type: ignore[no-untyped-def]
    factory, b, on = book
    with unit_of_work(factory) as session:
        loan = _late_loan(session, b.loan_ids, on)
        name = session.get(Borrower, loan.borrower_id).name  # type: ignore[union-attr]
        app = relief.apply(
            session, borrower_id=loan.borrower_id, loan=loan, reason="income_fall", distress=False,
            income_minor=500000, expenditure_minor=400000, kind="instalment_plan", on=on, actor="borrower:x",
            requested_months=6,
        )  # fmt: skip
        relief.sign(session, application_id=app.id, borrower_id=loan.borrower_id, typed_name=name, code_ok=True,
                    agreement_pdf=b"%PDF", actor="borrower:x")  # fmt: skip
        app_id, loan_id = app.id, loan.id
    with factory() as session:
        plan_due = [
            i.due_date for i in ledger.loan_state(session, loan_id, on).instalments if i.due_date > on
        ]
    assert len(plan_due) == 6
    from typer.testing import CliRunner

    from faircollect.cli import app as cli_app

    url = str(factory.kw["bind"].url)
    out = CliRunner().invoke(
        cli_app, ["relief", "check", "--as-of", str(plan_due[0] + timedelta(days=4)), "--database-url", url]
    )
    assert out.exit_code == 0, out.output
    assert json.loads(out.output.strip().splitlines()[-1])["changed"] == {app_id: "appended"}
    with factory() as session:
        st = ledger.loan_state(session, loan_id, plan_due[0] + timedelta(days=4))
        assert st.days_past_due == 0
        assert max(i.due_date for i in st.instalments) > plan_due[-1]
    with unit_of_work(factory) as session:
        assert relief.check_plans(session, as_of=plan_due[1] + timedelta(days=4)) == {app_id: "broken"}
        app = session.get(type(app), app_id)
        assert app.status == "broken" and app.hold_id is None


def test_outside_policy_waits_for_a_supervisor_under_a_hardship_hold(book) -> None:  # type: ignore[no-untyped-def]
    factory, b, on = book
    with unit_of_work(factory) as session:
        loan = _late_loan(session, b.loan_ids, on)
        app = relief.apply(
            session, borrower_id=loan.borrower_id, loan=loan, reason="illness", distress=False,
            income_minor=300000, expenditure_minor=290000, kind="instalment_plan", on=on, actor="borrower:x",
            requested_months=48,
        )  # fmt: skip
        assert app.status == "pending_review" and not app.within_policy and app.distress
        assert app.hold_id is not None
        assert [a.id for a in relief.list_reviews(session)] == [app.id]
        with pytest.raises(Conflict):
            relief.sign(session, application_id=app.id, borrower_id=loan.borrower_id, typed_name="x",
                        code_ok=True, agreement_pdf=b"", actor="borrower:x")  # fmt: skip
        with pytest.raises(ValidationError):
            relief.decide_review(
                session, application_id=app.id, approve=True, note="ok", actor=f"borrower:{loan.borrower_id}"
            )
        decided = relief.decide_review(session, application_id=app.id, approve=True, note="medical letter seen",
                                       actor="staff:supervisor1")  # fmt: skip
        assert decided.status == "approved" and decided.decided_by == "staff:supervisor1"
        assert relief.list_reviews(session) == []
        with pytest.raises(Conflict):
            relief.apply(
                session, borrower_id=loan.borrower_id, loan=loan, reason="illness", distress=False,
                income_minor=1, expenditure_minor=0, kind="settlement", on=on, actor="borrower:x",
            )  # fmt: skip
