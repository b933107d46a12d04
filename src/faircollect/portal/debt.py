"""The truth of one debt, for the borrower: read from the ledger's replay, never stored separately.

``loan_view`` gathers what the debt page and the PDF statement show: the itemised balance per component (due,
paid, waived, outstanding), the lawfully collectable amount with the cap explanation (charges above the legal cap
shown as not owed), the contract terms, the annual cost (nominal, effective, APR from the cost core), the schedule
(with its version when the loan was restructured) and the history of payments. ``loans_of`` lists only the
signed-in borrower's loans: every portal route reads loans through it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from faircollect.kit.errors import NotFound
from faircollect.ledger import caps
from faircollect.ledger import repository as repo
from faircollect.ledger.booking_core import disbursed_tranches, effective_terms, replay_loan
from faircollect.ledger.cost import CostResult
from faircollect.ledger.models import Loan, Product, ProductVersion
from faircollect.ledger.types import Component, InstalmentState, LoanState, LoanTerms

COMPONENTS: tuple[Component, ...] = (
    Component.PRINCIPAL,
    Component.INTEREST,
    Component.FEES,
    Component.PENALTY,
)


@dataclass(frozen=True)
class Line:
    component: Component
    due: int
    paid: int
    waived: int

    @property
    def outstanding(self) -> int:
        return self.due - self.paid - self.waived


@dataclass(frozen=True)
class HistoryItem:
    date: date
    kind: str  # payment | reversal | waiver | pause | restructure | write_off | disbursement
    amount_minor: int | None
    detail: str


@dataclass(frozen=True)
class LoanView:
    loan: Loan
    product_name: str | None
    product_code: str | None
    terms: LoanTerms
    state: LoanState
    lines: tuple[Line, ...]
    collectable: caps.Collectable
    cost: CostResult | None
    schedule_version: int
    history: tuple[HistoryItem, ...]

    @property
    def outstanding_total(self) -> int:
        return sum(line.outstanding for line in self.lines)

    @property
    def instalments(self) -> tuple[InstalmentState, ...]:
        return self.state.instalments


def loans_of(session: Session, borrower_id: str) -> Sequence[Loan]:
    """The borrower's disbursed loans (newest first)."""
    return session.scalars(
        select(Loan)
        .where(Loan.borrower_id == borrower_id, Loan.status.in_(("active", "closed", "written_off")))
        .order_by(Loan.created_at.desc())
    ).all()


def own_loan(session: Session, borrower_id: str, loan_id: str) -> Loan:
    """The loan if it is this borrower's; otherwise 404 (never reveal that another borrower's loan exists)."""
    loan = session.get(Loan, loan_id)
    if loan is None or loan.borrower_id != borrower_id:
        raise NotFound("no such loan among yours", field="loan_id")
    return loan


def _product(session: Session, loan: Loan) -> tuple[str | None, str | None]:
    if not loan.product_version_id:
        return None, None
    version = session.get(ProductVersion, loan.product_version_id)
    product = session.get(Product, version.product_id) if version else None
    return (product.name, product.code) if product else (None, None)


def loan_view(session: Session, loan: Loan, as_of: date) -> LoanView:
    events = repo.events_of(session, loan.id)
    if not disbursed_tranches(events):
        raise NotFound("this loan has not been paid out yet", field="loan_id")
    state = replay_loan(loan, events, as_of)
    terms = effective_terms(loan, events)
    lines = tuple(
        Line(
            c,
            sum(i.due.get(c, 0) for i in state.instalments),
            sum(i.paid.get(c, 0) for i in state.instalments),
            sum(i.waived.get(c, 0) for i in state.instalments),
        )
        for c in COMPONENTS
    )
    try:
        cost: CostResult | None = caps.all_in_cost(terms)
    except Exception:  # a schedule the cost core cannot price (e.g. all fees deducted) shows no rate
        cost = None
    history = []
    version = 1
    for e in events:
        if e.date > as_of:
            continue
        detail = ""
        if e.type == "waiver":
            detail = str(e.payload.get("component", ""))
        elif e.type == "restructure":
            version = int(e.payload.get("version", version + 1))
            detail = str(version)
        elif e.type == "pause":
            detail = str(e.payload.get("end", ""))
        history.append(HistoryItem(e.date, e.type, e.amount_minor, detail))
    name, code = _product(session, loan)
    return LoanView(
        loan=loan,
        product_name=name,
        product_code=code,
        terms=terms,
        state=state,
        lines=lines,
        collectable=caps.lawfully_collectable(terms, state, loan.jurisdiction),
        cost=cost,
        schedule_version=version,
        history=tuple(history),
    )
