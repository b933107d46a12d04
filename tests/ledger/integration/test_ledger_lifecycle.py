"""Loan lifecycle through the ledger services, on SQLite and on the real PostgreSQL (``db_url``)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from faircollect.compliance.audit import service as audit_service
from faircollect.compliance.audit.models import AuditRecord
from faircollect.db import unit_of_work
from faircollect.kit.errors import CapExceeded, Conflict, ValidationError
from faircollect.ledger import repository as repo
from faircollect.ledger import service
from faircollect.ledger.models import BucketHistory, LedgerEntry, Loan, LoanEvent, Product, ProductVersion
from faircollect.ledger.types import Component

START = date(2026, 1, 15)


def _count(session: Session, model: Any) -> int:
    return int(session.execute(select(func.count()).select_from(model)).scalar_one())


def _payment_side(session: Session, loan_id: str) -> int:
    totals = repo.entry_totals(session, loan_id)
    return sum(
        v
        for (kind, _n, _c), v in totals.items()
        if kind in ("payment", "prepayment", "reallocated", "credit")
    )


def test_loan_goes_from_application_to_closed_and_every_movement_is_an_entry(
    sessions: sessionmaker[Session], standard_terms: dict[str, Any]
) -> None:
    with unit_of_work(sessions) as s:
        b = service.create_borrower(s, name="李四", phone="13912345678", timezone="Asia/Shanghai")
        loan = service.create_loan(
            s, borrower_id=b.id, terms={**standard_terms, "principal": "12000.00", "start_date": "2026-01-15"}
        )
        assert loan.status == "application"
        loan_id = loan.id
    with unit_of_work(sessions) as s, pytest.raises(Conflict, match="has not been disbursed"):
        service.loan_state(s, loan_id, START)
    with unit_of_work(sessions) as s, pytest.raises(Conflict, match="application"):
        service.disburse(s, loan_id=loan_id, date=START)
    with unit_of_work(sessions) as s:
        assert service.approve_loan(s, loan_id=loan_id).status == "approved"
        booking = service.disburse(s, loan_id=loan_id, date=START)
        assert booking.allocations[0].kind == "disbursement"
        assert booking.allocations[0].amount_minor == 1_200_000
    with unit_of_work(sessions) as s:
        schedule = service.loan_schedule(s, loan_id)
        assert len(schedule.instalments) == 12
        assert sum(i.principal_minor for i in schedule.instalments) == 1_200_000
        assert s.get(Loan, loan_id).status == "active"  # type: ignore[union-attr]
        for inst in schedule.instalments:
            service.post_payment(
                s, loan_id=loan_id, key=f"p{inst.number}", date=inst.due_date, amount_minor=inst.total_minor
            )
    with sessions() as s:
        state = service.loan_state(s, loan_id, schedule.instalments[-1].due_date + timedelta(days=1))
        assert state.closed and state.principal_outstanding_minor == 0 and state.days_past_due == 0
        assert s.get(Loan, loan_id).status == "closed"  # type: ignore[union-attr]
        assert _payment_side(s, loan_id) == schedule.total_repayment_minor
        principal_paid = sum(
            v
            for (kind, _n, comp), v in repo.entry_totals(s, loan_id).items()
            if kind == "payment" and comp == "principal"
        )
        assert principal_paid == 1_200_000
        assert audit_service.verify(s).ok
        actions = set(s.execute(select(AuditRecord.action)).scalars())
        assert {
            "ledger.loan.created",
            "ledger.loan.approved",
            "ledger.disbursement.posted",
            "ledger.payment.posted",
        } <= actions


def test_multi_tranche_loan_amortises_what_was_drawn(
    sessions: sessionmaker[Session], standard_terms: dict[str, Any]
) -> None:
    with unit_of_work(sessions) as s:
        b = service.create_borrower(s, name="王五")
        terms = {
            **standard_terms,
            "disbursements": [
                {"date": "2026-01-15", "amount": "6000.00"},
                {"date": "2026-03-15", "amount": "4000.00"},
            ],
        }
        loan_id = service.create_loan(s, borrower_id=b.id, terms=terms, approve=True).id
        service.disburse(s, loan_id=loan_id, date=date(2026, 1, 15))
    with sessions() as s:
        state = service.loan_state(s, loan_id, date(2026, 1, 20))
        assert state.principal_outstanding_minor == 600_000
    with unit_of_work(sessions) as s:
        service.disburse(s, loan_id=loan_id, date=date(2026, 3, 15))
        with pytest.raises(Conflict, match="all 2 planned tranches"):
            service.disburse(s, loan_id=loan_id, date=date(2026, 4, 15))
    with sessions() as s:
        assert service.loan_state(s, loan_id, date(2026, 3, 16)).principal_outstanding_minor == 1_000_000
        disbursed = repo.entry_totals(s, loan_id)[("disbursement", None, "principal")]
        assert disbursed == 1_000_000


def test_a_loan_keeps_its_product_version_when_the_product_changes(sessions: sessionmaker[Session]) -> None:
    with unit_of_work(sessions) as s:
        v1 = service.create_product(
            s,
            code="c12",
            name="消费贷",
            currency="CNY",
            terms={"annual_rate": "0.15", "method": "equal_instalment", "term": 12},
        )
        b = service.create_borrower(s, name="赵六")
        old = service.create_loan(
            s,
            borrower_id=b.id,
            product_version_id=v1.id,
            terms={"principal": "5000", "start_date": "2026-01-01"},
        )
        v2 = service.new_product_version(
            s, product_id=v1.product_id, terms={"annual_rate": "0.10", "method": "equal_principal", "term": 6}
        )
        new = service.create_loan(
            s,
            borrower_id=b.id,
            product_version_id=v2.id,
            terms={"principal": "5000", "start_date": "2026-01-01"},
        )
        assert v2.version == 2
        assert (
            old.product_version_id == v1.id and old.terms["annual_rate"] == "0.15" and old.terms["term"] == 12
        )
        assert new.terms["annual_rate"] == "0.10" and new.terms["method"] == "equal_principal"
    with sessions() as s:
        assert s.get(Loan, old.id).terms["annual_rate"] == "0.15"  # type: ignore[union-attr]


@pytest.mark.parametrize("rate", ["0.30", "0.36"])
def test_rate_above_the_cn_cap_is_refused_with_an_explanation_and_nothing_is_written(
    sessions: sessionmaker[Session], rate: str
) -> None:
    with unit_of_work(sessions) as s:
        b = service.create_borrower(s, name="孙七")
        borrower_id = b.id
    with sessions() as s:
        audit_before = _count(s, AuditRecord)
    with pytest.raises(CapExceeded) as product_err, unit_of_work(sessions) as s:
        service.create_product(
            s,
            code="too-dear",
            name="x",
            currency="CNY",
            terms={"annual_rate": rate, "method": "bullet", "term": 1},
        )
    assert "24" in str(product_err.value)  # the explanation names the cap that was broken
    with pytest.raises(CapExceeded) as loan_err, unit_of_work(sessions) as s:
        service.create_loan(
            s,
            borrower_id=borrower_id,
            terms={
                "annual_rate": rate,
                "method": "equal_instalment",
                "term": 12,
                "principal": "10000",
                "start_date": "2026-01-01",
            },
        )
    assert loan_err.value.message
    with sessions() as s:
        assert _count(s, Product) == 0 and _count(s, ProductVersion) == 0 and _count(s, Loan) == 0
        assert _count(s, AuditRecord) == audit_before


@pytest.mark.parametrize(
    ("amount", "field"),
    [(0, "amount"), (-100, "amount")],
)
def test_zero_or_negative_payment_is_refused_and_nothing_is_written(
    sessions: sessionmaker[Session], make_loan: Callable[..., str], amount: int, field: str
) -> None:
    loan_id = make_loan()
    with pytest.raises(ValidationError) as err, unit_of_work(sessions) as s:
        service.post_payment(s, loan_id=loan_id, key="bad", date=date(2026, 2, 15), amount_minor=amount)
    assert err.value.field == field and "greater than zero" in err.value.message
    with sessions() as s:
        assert repo.event_by_key(s, loan_id, "bad") is None


def test_unknown_currency_and_wrong_currency_are_refused(
    sessions: sessionmaker[Session], make_loan: Callable[..., str], standard_terms: dict[str, Any]
) -> None:
    loan_id = make_loan()
    with pytest.raises(ValidationError, match="unknown currency 'XYZ'"), unit_of_work(sessions) as s:
        service.post_payment(
            s, loan_id=loan_id, key="k", date=date(2026, 2, 15), amount_minor=100, currency="XYZ"
        )
    with pytest.raises(ValidationError, match="differs from the loan's CNY"), unit_of_work(sessions) as s:
        service.post_payment(
            s, loan_id=loan_id, key="k", date=date(2026, 2, 15), amount_minor=100, currency="USD"
        )
    with pytest.raises(ValidationError) as err, unit_of_work(sessions) as s:
        service.create_product(s, code="p", name="p", currency="XYZ", terms=standard_terms)
    assert err.value.field == "currency"


def test_dates_out_of_order_are_refused_naming_the_field(
    sessions: sessionmaker[Session], make_loan: Callable[..., str], standard_terms: dict[str, Any]
) -> None:
    loan_id = make_loan()
    with (
        pytest.raises(ValidationError, match="before the loan's first disbursement"),
        unit_of_work(sessions) as s,
    ):
        service.post_payment(s, loan_id=loan_id, key="early", date=date(2026, 1, 1), amount_minor=100)
    with pytest.raises(ValidationError) as err, unit_of_work(sessions) as s:
        service.pause(s, loan_id=loan_id, key="z", start=date(2026, 3, 1), end=date(2026, 2, 1))
    assert err.value.field == "end"
    with pytest.raises(ValidationError) as err2, unit_of_work(sessions) as s:
        b = service.create_borrower(s, name="周八")
        terms = {
            **standard_terms,
            "principal": "1000",
            "start_date": "2026-01-01",
            "term": 3,
            "due_dates": ["2026-02-01", "2026-04-01", "2026-03-01"],
        }
        service.create_loan(s, borrower_id=b.id, terms=terms)
    assert err2.value.field is not None and "due_dates[2]" in err2.value.field
    with sessions() as s:
        assert _count(s, LoanEvent) == 1  # only make_loan's disbursement


def test_ageing_records_every_bucket_change_once(
    sessions: sessionmaker[Session], make_loan: Callable[..., str]
) -> None:
    loan_id = make_loan()  # first instalment due 2026-02-15, never paid; penalty grace 3 days
    with unit_of_work(sessions) as s:
        assert service.age_loans(s, date(2026, 2, 15))[0].to_bucket == "M0"
        assert service.age_loans(s, date(2026, 2, 18)) == []  # 3 dpd, inside grace: still M0
        m1 = service.age_loans(s, date(2026, 2, 19))
        assert [(c.from_bucket, c.to_bucket, c.days_past_due) for c in m1] == [("M0", "M1", 4)]
        assert service.age_loans(s, date(2026, 2, 19)) == []  # idempotent for a date
        m2 = service.age_loans(s, date(2026, 3, 24))  # 37 dpd - 3 grace = 34 delinquent days
        assert [(c.from_bucket, c.to_bucket) for c in m2] == [("M1", "M2")]
    with unit_of_work(sessions) as s:
        state = service.loan_state(s, loan_id, date(2026, 3, 25))
        service.post_payment(
            s, loan_id=loan_id, key="cure", date=date(2026, 3, 25), amount_minor=state.overdue_minor
        )
        cured = service.age_loans(s, date(2026, 3, 26))
        assert [(c.from_bucket, c.to_bucket) for c in cured] == [("M2", "M0")]
    with sessions() as s:
        history = [(h.from_bucket, h.to_bucket) for h in repo.bucket_history_of(s, loan_id)]
        assert history == [(None, "M0"), ("M0", "M1"), ("M1", "M2"), ("M2", "M0")]
        assert _count(s, BucketHistory) == 4


def test_waiver_pause_and_write_off(sessions: sessionmaker[Session], make_loan: Callable[..., str]) -> None:
    loan_id = make_loan()
    with unit_of_work(sessions) as s:
        before = service.loan_state(s, loan_id, date(2026, 4, 1))
        assert before.overdue_by_component[Component.PENALTY] > 0
        penalty_then = sum(i.outstanding(Component.PENALTY) for i in before.instalments)
        service.waive(
            s,
            loan_id=loan_id,
            key="w1",
            date=date(2026, 4, 1),
            component="penalty",
            amount_minor=penalty_then,
        )
        after = service.loan_state(s, loan_id, date(2026, 4, 1))
        assert sum(i.outstanding(Component.PENALTY) for i in after.instalments) == 0
        with pytest.raises(ValidationError, match=r"only 0\.00 is outstanding"):
            service.waive(
                s, loan_id=loan_id, key="w2", date=date(2026, 4, 1), component="penalty", amount_minor=1
            )
    with unit_of_work(sessions) as s:
        unpaused = service.loan_state(s, loan_id, date(2026, 4, 30)).days_past_due
        service.pause(s, loan_id=loan_id, key="z1", start=date(2026, 4, 2), end=date(2026, 4, 11))
        assert service.loan_state(s, loan_id, date(2026, 4, 30)).days_past_due == unpaused - 10
    with unit_of_work(sessions) as s:
        owed = service.loan_state(s, loan_id, date(2026, 5, 1))
        total_out = sum(i.outstanding_total for i in owed.instalments)
        booking = service.write_off(s, loan_id=loan_id, key="wo", date=date(2026, 5, 1))
        assert sum(a.amount_minor for a in booking.allocations if a.kind == "written_off") == total_out
        assert s.get(Loan, loan_id).status == "written_off"  # type: ignore[union-attr]
        with pytest.raises(Conflict, match="written_off"):
            service.waive(
                s, loan_id=loan_id, key="w3", date=date(2026, 5, 2), component="principal", amount_minor=1
            )
    with unit_of_work(sessions) as s:  # a recovery after write-off still posts
        rec = service.post_payment(
            s, loan_id=loan_id, key="recovery", date=date(2026, 6, 1), amount_minor=50_000
        )
        assert sum(a.amount_minor for a in rec.allocations) == 50_000
    with sessions() as s:
        assert service.loan_state(s, loan_id, date(2026, 6, 2)).written_off
        assert _count(s, LedgerEntry) > 0


def test_repeating_a_disbursement_with_its_key_books_it_once(
    sessions: sessionmaker[Session], make_loan: Callable[..., str]
) -> None:
    loan_id = make_loan(disburse=False)
    with unit_of_work(sessions) as s:
        first = service.disburse(s, loan_id=loan_id, date=START, key="wire-1")
        again = service.disburse(s, loan_id=loan_id, date=START, key="wire-1")
        assert first.created and not again.created and again.event_id == first.event_id
        with pytest.raises(Conflict, match="already used"):
            service.disburse(s, loan_id=loan_id, date=START + timedelta(days=1), key="wire-1")
        assert repo.entry_totals(s, loan_id)[("disbursement", None, "principal")] == 1_200_000


def test_a_loan_allocates_by_its_products_configured_waterfall(sessions: sessionmaker[Session]) -> None:
    with unit_of_work(sessions) as s:
        terms = {"annual_rate": "0.12", "method": "equal_instalment", "term": 12}
        fineract = service.create_product(
            s,
            code="pipf",
            name="principal first",
            currency="CNY",
            terms={**terms, "waterfall": "principal_interest_penalty_fees"},
        )
        default = service.create_product(s, code="std", name="standard", currency="CNY", terms=terms)
        b = service.create_borrower(s, name="钱九")
        ids = {}
        for v in (fineract, default):
            loan = service.create_loan(
                s,
                borrower_id=b.id,
                product_version_id=v.id,
                terms={"principal": "12000", "start_date": "2026-01-15"},
                approve=True,
            )
            service.disburse(s, loan_id=loan.id, date=START)
            ids[v.id] = loan.id
        assert s.get(Loan, ids[fineract.id]).waterfall["order"][0] == "principal"  # type: ignore[index,union-attr]
        for loan_id in ids.values():  # 45 days late: penalty has accrued; pay 100.00
            service.post_payment(s, loan_id=loan_id, key="p", date=date(2026, 4, 1), amount_minor=10_000)
        by = {
            v: {c: a for (k, _n, c), a in repo.entry_totals(s, loan_id).items() if k == "payment"}
            for v, loan_id in ids.items()
        }
        assert by[fineract.id] == {"principal": 10_000}
        assert "penalty" in by[default.id] and by[default.id].get("principal", 0) == 0
    with pytest.raises(ValidationError) as err, unit_of_work(sessions) as s:
        service.create_product(s, code="x", name="x", currency="CNY", terms={**terms, "waterfall": "random"})
    assert err.value.field == "terms.waterfall"


def test_batch_loan_states_equal_one_by_one_replays(
    sessions: sessionmaker[Session], make_loan: Callable[..., str]
) -> None:
    ids = [make_loan(f"{1000 * (n + 1)}.00") for n in range(3)] + [make_loan(disburse=False)]
    with unit_of_work(sessions) as s:
        service.post_payment(s, loan_id=ids[0], key="p", date=date(2026, 2, 15), amount_minor=50_000)
    with sessions() as s:
        batch = service.loan_states(s, ids, date(2026, 3, 20))
        assert set(batch) == set(ids[:3])  # the undisbursed loan has no state
        for loan_id in ids[:3]:
            assert batch[loan_id] == service.loan_state(s, loan_id, date(2026, 3, 20))
