"""The simulation's book: behaviour profiles, a seeded portfolio with payment history, and the staff.

``seed_book`` creates borrowers with 1–2 loans disbursed 1–4 months before the start, with a payment history that
follows each borrower's profile; ``ensure_staff`` adds two lender collectors, an agency with one agent and a
mandate for M3+ cases. Profiles come from a hash of the borrower id, so a book made elsewhere (the demo) works too.
"""

from __future__ import annotations

import hashlib
import random
from datetime import date, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from faircollect.collections.models import Agency, Agent
from faircollect.ledger.models import Loan
from faircollect.ledger.types import LoanState

SIM = "system:simulation"


def profile_of(borrower_id: str, seed: int) -> str:
    """A borrower's behaviour, derived from the id (so that a book made elsewhere, e.g. by the demo, works)."""
    h = int(hashlib.sha256(f"{seed}:{borrower_id}".encode()).hexdigest()[:8], 16) % 100
    return "payer" if h < 50 else ("late" if h < 75 else "struggler")


def due_now(state: LoanState) -> int:
    """Everything due on or before the state's date and still unpaid (what clears the arrears today)."""
    return sum(i.outstanding_total for i in state.instalments if i.due_date <= state.as_of)


def seed_book(
    session: Session, *, n_borrowers: int, start: date, seed: int, only_if_empty: bool = True
) -> list[str]:
    """Create borrowers with 1–2 loans each, disbursed 1–4 months before ``start``, with a payment history up to
    ``start`` that follows each borrower's profile. Returns the loan ids (none when the book is not empty)."""
    from faircollect.ledger import service as ledger

    if only_if_empty and session.execute(select(func.count()).select_from(Loan)).scalar_one() > 0:
        return []
    rng = random.Random(seed)
    surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
    zones = ("Asia/Shanghai",) * 8 + ("Asia/Urumqi", None)
    loans = []
    for i in range(n_borrowers):
        b = ledger.create_borrower(
            session,
            name=rng.choice(surnames) + rng.choice("伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚"),
            phone=f"13{rng.randint(0, 9)}{rng.randint(10_000_000, 99_999_999)}",
            email=f"borrower{i}@example.com",
            timezone=rng.choice(zones),
            actor=SIM,
        )
        for _ in range(1 if rng.random() < 0.8 else 2):
            months_back = rng.randint(1, 4)
            disbursed = start - timedelta(days=30 * months_back + rng.randint(0, 20))
            terms = {
                "principal": f"{rng.choice((3000, 5000, 8000, 12000, 20000))}.00",
                "annual_rate": "0.12",
                "method": "equal_instalment",
                "term": 12,
                "frequency": "monthly",
                "start_date": disbursed.isoformat(),
                "penalty": {"basis": "contract_rate_multiple", "multiple": "1.5", "grace_days": 3},
            }
            loan = ledger.create_loan(session, borrower_id=b.id, terms=terms, approve=True, actor=SIM)
            ledger.disburse(session, loan_id=loan.id, date=disbursed, actor=SIM)
            loans.append(loan.id)
            _history(session, loan.id, profile_of(b.id, seed), disbursed, start, rng)
    return loans


def _history(
    session: Session, loan_id: str, profile: str, disbursed: date, start: date, rng: random.Random
) -> None:
    from faircollect.ledger import service as ledger

    schedule = ledger.loan_schedule(session, loan_id)
    stop_after = rng.randint(0, 2) if profile == "struggler" else 99
    for n, inst in enumerate(schedule.instalments):
        if inst.due_date >= start or n >= stop_after:
            break
        on = inst.due_date + timedelta(days=0 if profile == "payer" else rng.randint(2, 20))
        if on >= start:
            continue
        state = ledger.loan_state(session, loan_id, on)
        amount = due_now(state)
        if amount > 0:
            ledger.post_payment(
                session, loan_id=loan_id, key=f"hist-{n}", date=on, amount_minor=amount, actor=SIM
            )


def ensure_staff(session: Session, start: date) -> None:
    from faircollect.collections.agencies import create_agency, create_agent, create_mandate

    if session.execute(select(Agent.id)).first() is not None:
        return
    create_agent(session, user="sim.li", display_name="李明 (staff)", queue="M1,M2", daily_cap=25, actor=SIM)
    create_agent(session, user="sim.wang", display_name="王强 (staff)", queue="*", daily_cap=25, actor=SIM)
    agency = session.execute(select(Agency).where(Agency.name == "示例资产管理")).scalar_one_or_none()
    if agency is None:
        agency = create_agency(session, name="示例资产管理", licence_ref="SIM-LIC-001", actor=SIM)
    create_agent(
        session,
        user="sim.agency.zhao",
        display_name="赵六 (agency)",
        agency_id=agency.id,
        daily_cap=20,
        actor=SIM,
    )
    create_mandate(
        session,
        agency_id=agency.id,
        criteria={"buckets": ["M3", "M4+"], "max_cases": 50},
        starts_on=start,
        ends_on=start + timedelta(days=180),
        commission_rate="0.18",
        actor=SIM,
    )
