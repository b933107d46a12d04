"""The C-card for one loan from the ledger (the per-contact path): the same characteristics, the same points,
the same number as the nightly run gives that loan (``tests/scoring/test_collection.py`` holds them together)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

from sqlalchemy.orm import Session

from faircollect.ledger import repository as ledger_repo
from faircollect.ledger.booking_core import core_events, effective_terms
from faircollect.ledger.models import Loan
from faircollect.ledger.schedule import build_schedule
from faircollect.ledger.types import Disbursement, LoanState, Payment, Reversal
from faircollect.scoring import collection
from faircollect.scoring.artefact import Scorecard


def loan_features(session: Session, loan: Loan, state: LoanState, as_of: date) -> dict[str, int | None]:
    events = ledger_repo.events_of(session, loan.id)
    terms = effective_terms(loan, events)
    if terms.disbursements:
        # As the snapshot export does: a tranche paid out before the contract start moves the start back.
        terms = replace(terms, start_date=min(terms.start_date, terms.disbursements[0].date))
    evs = [e for e in core_events(events, loan.currency) if not isinstance(e, Disbursement)]
    reversed_keys = {e.payment_key for e in evs if isinstance(e, Reversal)}
    seen: set[str] = set()
    payments = []
    for e in evs:
        if isinstance(e, Payment) and e.key not in reversed_keys and e.key not in seen:
            seen.add(e.key)
            payments.append((e.date, e.amount_minor))
    return collection.features(
        terms=terms, schedule=build_schedule(terms), payments=payments, state=state, as_of=as_of
    )


def score_loan(
    session: Session, loan: Loan, state: LoanState, as_of: date, card: Scorecard | None = None
) -> int | None:
    """The C-card score of a past-due loan on ``as_of``; None when it is not past due (as in the nightly run)."""
    if state.days_past_due <= 0:
        return None
    return collection.score_one(
        card or collection.packaged_card(), loan_features(session, loan, state, as_of)
    )
