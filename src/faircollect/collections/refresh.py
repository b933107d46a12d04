"""A planned message's text made again with the facts of another day (for ``messaging.dispatch``).

A message that could not go out on its day (held by the gate until the next morning, or a backlog) would state
yesterday's amount and days past due. Dispatch asks here for the text with today's facts — the same template and
variables the planner uses (``planner._variables``), from the ledger's replay on the new day — and sends that, or
expires the message when it no longer applies (the loan was repaid or closed, a reminder's due date has passed so an
overdue notice is due instead, nothing is overdue any more).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from faircollect.collections.planner import _days_to_due, _Item, _render, _variables
from faircollect.collections.service import open_case_for_loan
from faircollect.ledger.models import Borrower, Loan


def fresh_text(
    session: Session,
    *,
    loan_id: str | None,
    borrower_id: str,
    template_key: str | None,
    channel: str,
    language: str | None,
    as_of: date,
) -> str | None:
    """The template rendered with the facts of ``as_of``, or None when the message no longer applies."""
    from faircollect.ledger import service as ledger_service

    if not loan_id or not template_key:
        return None
    loan = session.get(Loan, loan_id)
    borrower = session.get(Borrower, borrower_id)
    if loan is None or borrower is None:
        return None
    state = ledger_service.loan_state(session, loan.id, as_of)
    if state.closed or state.written_off:
        return None
    if state.days_past_due > 0:
        if template_key == "reminder":
            return None  # the due date passed: an overdue notice is the right message now, planned anew
        dpd = state.days_past_due
    else:
        if template_key == "overdue":
            return None  # nothing is overdue any more
        to_due = _days_to_due(state)
        dpd = to_due if to_due is not None else 0
    case = open_case_for_loan(session, loan.id)
    variables = _variables(_Item(loan, state, case, dpd), borrower, case)
    return _render(session, template_key, language or borrower.language, variables, channel)
