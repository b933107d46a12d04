"""Load the dashboard's inputs from the database through the other domains' services (reads only).

The month-end panel is replayed by the ledger's own core (``ledger.service.replay_loan``, the oracle the nightly run
is tested against) and the lawfully collectable amount by ``ledger.caps``, so the dashboard and the borrower's
statement never disagree. Replaying a book of a few thousand loans over a year takes seconds, so the console reads
``cached_month_end_panel``: the panel of an as-of date is kept (per database, a few dates) until the ledger changes
— its fingerprint is the number of loans and loan events and the last event's recording time, so a payment, a
reversal or a back-dated event posted since is replayed, never served stale. A lender with millions of loans points
the dashboard at the nightly run's month-end outputs instead (``panel_from_runs``).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

import pyarrow.parquet as pq
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from faircollect.collections import service as collections_service
from faircollect.collections.models import CollectionCase, Complaint, PlannedContact
from faircollect.compliance.models import ContactAttempt
from faircollect.console.dashboard import (
    LoanMonth,
    PlacedCase,
    month_ends,
)
from faircollect.ledger import caps
from faircollect.ledger import repository as ledger_repo
from faircollect.ledger import service as ledger_service
from faircollect.ledger.models import Loan, LoanEvent

#: Panels kept per (database, as-of date, ledger fingerprint); the oldest is dropped beyond this many.
PANEL_CACHE_SIZE = 8
_panels: OrderedDict[tuple[str, date, tuple[int, int, datetime | None]], list[LoanMonth]] = OrderedDict()
_panels_lock = threading.Lock()


def ledger_fingerprint(session: Session) -> tuple[int, int, datetime | None]:
    """What changes whenever the ledger does (it is append-only): loans, loan events, the last event's time."""
    loans = session.execute(select(func.count()).select_from(Loan)).scalar_one()
    events, last = session.execute(select(func.count(), func.max(LoanEvent.recorded_at))).one()
    return int(loans), int(events), last


def cached_month_end_panel(session: Session, as_of: date) -> list[LoanMonth]:
    """``month_end_panel`` of the whole book, replayed once per as-of date and ledger state (see the module doc)."""
    key = (
        session.get_bind().engine.url.render_as_string(hide_password=True),
        as_of,
        ledger_fingerprint(session),
    )
    with _panels_lock:
        hit = _panels.get(key)
        if hit is not None:
            _panels.move_to_end(key)
            return hit
    panel = month_end_panel(session, as_of)
    with _panels_lock:
        _panels[key] = panel
        while len(_panels) > PANEL_CACHE_SIZE:
            _panels.popitem(last=False)
    return panel


def month_end_panel(
    session: Session, as_of: date, *, loan_ids: Sequence[str] | None = None
) -> list[LoanMonth]:
    """Every disbursed loan's state at every month end from the first disbursement to ``as_of`` (and on it)."""
    loans = (
        ledger_repo.loans_by_ids(session, loan_ids)
        if loan_ids is not None
        else {ln.id: ln for ln in ledger_repo.list_loans(session)}
    )
    events = ledger_repo.events_for(session, list(loans))
    started: dict[str, date] = {}
    for lid, evs in events.items():
        tranches = ledger_service.disbursed_tranches(evs)
        if tranches and tranches[0].date <= as_of:
            started[lid] = tranches[0].date
    if not started:
        return []
    out: list[LoanMonth] = []
    for day in month_ends(min(started.values()), as_of):
        for lid, first in started.items():
            if first > day:
                continue
            loan = loans[lid]
            evs = [e for e in events[lid] if e.date <= day]
            state = ledger_service.replay_loan(loan, evs, day)
            if state.closed or state.overdue_minor == 0:
                collectable = state.overdue_minor
            else:
                terms = ledger_service.effective_terms(loan, evs)
                collectable = caps.lawfully_collectable(terms, state, loan.jurisdiction).collectable_minor
            out.append(
                LoanMonth(
                    loan_id=lid,
                    month_end=day,
                    originated=first,
                    bucket=state.bucket,
                    closed=state.closed or state.written_off,
                    principal_outstanding_minor=state.principal_outstanding_minor,
                    overdue_minor=state.overdue_minor,
                    collectable_minor=collectable,
                    currency=state.currency,
                )
            )
    return out


def panel_from_runs(runs_dir: str | Path, originated: dict[str, date]) -> list[LoanMonth]:
    """The panel from the nightly run's outputs (``as_of=YYYY-MM-DD/loan_state.parquet``), one per run kept."""
    out = []
    cols = [
        "loan_id",
        "bucket",
        "balance",
        "principal_outstanding",
        "overdue_total",
        "collectable_minor",
        "currency",
    ]
    for run in sorted(Path(runs_dir).glob("as_of=*")):
        path = run / "loan_state.parquet"
        if not path.exists():
            continue
        day = date.fromisoformat(run.name.split("=", 1)[1])
        for r in pq.read_table(path, columns=cols).to_pylist():
            if r["loan_id"] not in originated:
                continue
            out.append(
                LoanMonth(
                    loan_id=r["loan_id"],
                    month_end=day,
                    originated=originated[r["loan_id"]],
                    bucket=r["bucket"],
                    closed=(r["balance"] or 0) <= 0,
                    principal_outstanding_minor=int(r["principal_outstanding"] or 0),
                    overdue_minor=int(r["overdue_total"] or 0),
                    collectable_minor=int(r["collectable_minor"] or 0),
                    currency=r["currency"],
                )
            )
    return out


def denial_rows(session: Session, since: date | None = None) -> list[tuple[date, str]]:
    """(day, rule id) for every contact the gate denied: at plan time (the plan log) and at send time (outbox)."""
    from faircollect.messaging.models import BLOCKED, OutboxMessage

    out: list[tuple[date, str]] = []
    q = select(PlannedContact.plan_date, PlannedContact.rule_ids).where(PlannedContact.status == "denied")
    if since is not None:
        q = q.where(PlannedContact.plan_date >= since)
    for day, rules in session.execute(q):
        for rule in (rules or {}).get("rules", []):
            out.append((day, str(rule)))
    q2 = select(OutboxMessage.planned_for, OutboxMessage.send_rule_ids).where(OutboxMessage.status == BLOCKED)
    for at, rules in session.execute(q2):
        day = at.date()
        if since is not None and day < since:
            continue
        for rule in rules or []:
            out.append((day, str(rule)))
    return out


@dataclass(frozen=True, slots=True)
class _Mandate:
    agency: str
    rate: Decimal


def placed_cases(session: Session, as_of: date) -> list[PlacedCase]:
    """Every case placed with an agency, with what was recovered while it was there."""
    from faircollect.collections.models import Agency, AgencyMandate

    names = {a.id: a.name for a in session.execute(select(Agency)).scalars()}
    rates = {
        m.id: _Mandate(names.get(m.agency_id, m.agency_id), Decimal(m.commission_rate))
        for m in session.execute(select(AgencyMandate)).scalars()
    }
    out = []
    for case in session.execute(
        select(CollectionCase).where(CollectionCase.agency_id.is_not(None)).order_by(CollectionCase.id)
    ).scalars():
        end = case.closed_on or as_of
        recovered = sum(
            a for _, a in collections_service.net_payments(session, case.loan_id, case.opened_on, end)
        )
        contacts = len(
            session.execute(
                select(ContactAttempt.id).where(
                    ContactAttempt.loan_id == case.loan_id, ContactAttempt.agency_id == case.agency_id
                )
            ).all()
        )
        complaints = len(
            session.execute(
                select(Complaint.id).where(
                    Complaint.agency_id == case.agency_id, Complaint.case_id == case.id
                )
            ).all()
        )
        mandate = rates.get(case.mandate_id or "")
        out.append(
            PlacedCase(
                agency=mandate.agency if mandate else names.get(case.agency_id or "", str(case.agency_id)),
                balance_at_placement_minor=case.balance_minor,
                recovered_minor=recovered,
                cured=case.status == "closed" and case.close_reason in ("cured", "paid", "settled"),
                contacts=contacts,
                complaints=complaints,
                commission_rate=mandate.rate if mandate else Decimal(0),
            )
        )
    return out
