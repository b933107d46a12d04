"""Retention: personal data past its jurisdiction's keep period is erased by destroying its data key.

The period is data: the longest ``keep_years`` among the principles of the borrower's rulebook (CN 5 years,
NIFA 2018; US 3 years, Reg F §1006.100; UK 6 years, Limitation Act 1980 s.5), counted from the last activity on
the borrower's account (a loan closed, a ledger event recorded, a contact attempt). A borrower with a loan still
open, an open case or an open complaint is never erased. The rows stay (the ledger still balances, the audit chain
still verifies: its payloads hold no clear personal data); only the personal data sealed under the key is gone.
Loan applications, sealed under keys of their own, go with the borrower they became, or after the keep period
from receipt when they never became one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from dateutil.relativedelta import relativedelta
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from faircollect.kit.time import utc_now
from faircollect.privacy.models import DataKey
from faircollect.privacy.vault import destroy

#: Loan statuses that keep a borrower's data (the relationship is not over).
_LIVE_LOANS = ("application", "approved", "active")


@dataclass(frozen=True, slots=True)
class Erasure:
    subject: str
    jurisdiction: str
    rule_id: str
    keep_years: int
    last_activity: datetime
    #: What the key sealed: a borrower, an unmatched reply, or a loan application (sealed under its own key).
    kind: str = "borrower"


def keep_period(jurisdiction: str) -> tuple[str, int]:
    """The rule and the number of years personal data is kept in ``jurisdiction`` (from its rulebook)."""
    from faircollect.compliance.rulebook import load_rulebook

    rb = load_rulebook(jurisdiction)
    best: tuple[str, int] | None = None
    for r in rb.rules:
        years = r.params.get("keep_years") if r.enabled else None
        if years is not None and (best is None or int(years) > best[1]):
            best = (r.id, int(years))
    if best is None:
        raise ValueError(f"the {jurisdiction} rulebook states no keep_years: nothing can be erased by age")
    return best


def due(session: Session, *, as_of: datetime | None = None) -> list[Erasure]:
    """Borrowers (and unmatched replies) whose personal data is past its keep period at ``as_of``."""
    from faircollect.collections.models import CollectionCase, Complaint
    from faircollect.compliance.models import ContactAttempt
    from faircollect.config import get_settings
    from faircollect.ledger.models import Borrower, Loan, LoanEvent
    from faircollect.messaging.models import InboundReply

    now = as_of or utc_now()
    live = select(Loan.borrower_id).where(Loan.status.in_(_LIVE_LOANS))
    open_cases = select(CollectionCase.borrower_id).where(CollectionCase.status == "open")
    open_complaints = select(Complaint.borrower_id).where(Complaint.status == "open")
    erased = select(DataKey.subject_id).where(DataKey.wrapped.is_(None))
    rows = session.execute(
        select(Borrower.id, Borrower.jurisdiction, Borrower.created_at).where(
            Borrower.id.not_in(live),
            Borrower.id.not_in(open_cases),
            Borrower.id.not_in(open_complaints),
            Borrower.id.not_in(erased),
        )
    ).all()
    if not rows:
        last: dict[str, datetime] = {}
    else:
        last = {bid: created for bid, _j, created in rows}

    def bump(stmt: object) -> None:
        for bid, at in session.execute(stmt).all():  # type: ignore[call-overload]
            if at is not None and bid in last and at > last[bid]:
                last[bid] = at

    bump(
        select(Loan.borrower_id, func.max(func.coalesce(Loan.closed_at, Loan.created_at))).group_by(
            Loan.borrower_id
        )
    )
    bump(
        select(Loan.borrower_id, func.max(LoanEvent.recorded_at))
        .join(LoanEvent, LoanEvent.loan_id == Loan.id)
        .group_by(Loan.borrower_id)
    )
    bump(select(ContactAttempt.borrower_id, func.max(ContactAttempt.at)).group_by(ContactAttempt.borrower_id))
    periods: dict[str, tuple[str, int]] = {}
    out: list[Erasure] = []
    for bid, jurisdiction, _created in rows:
        j = (jurisdiction or get_settings().jurisdiction).upper()
        if j not in periods:
            periods[j] = keep_period(j)
        rule_id, years = periods[j]
        if last[bid] + relativedelta(years=years) <= now:
            out.append(Erasure(bid, j, rule_id, years, last[bid]))
    # Replies from numbers matched to nobody are sealed under their own key: kept the lender's default period.
    j = get_settings().jurisdiction.upper()
    rule_id, years = periods.get(j) or keep_period(j)
    cutoff = now - relativedelta(years=years)
    for rid, received in session.execute(
        select(InboundReply.id, InboundReply.received_at).where(
            InboundReply.borrower_id.is_(None),
            InboundReply.received_at <= cutoff,
            ("inbound_reply:" + InboundReply.id).not_in(erased),
        )
    ).all():
        out.append(Erasure(f"inbound_reply:{rid}", j, rule_id, years, received, kind="inbound_reply"))
    out.extend(_applications(session, out, erased, now))
    return out


def _applications(session: Session, due_now: list[Erasure], erased: Any, now: datetime) -> list[Erasure]:
    """Loan applications are sealed under a key of their own (origination): erased with the borrower they became
    (now, or in an earlier run), and — never matched to a borrower (declined, referred) — after their
    jurisdiction's keep period from receipt."""
    from faircollect.origination.models import Application

    by_borrower = {e.subject: e for e in due_now if e.kind == "borrower"}
    gone = set(session.execute(erased).scalars())
    periods: dict[str, tuple[str, int]] = {}
    out: list[Erasure] = []
    rows = session.execute(
        select(
            Application.id, Application.borrower_id, Application.jurisdiction, Application.received_at
        ).where(Application.id.not_in(erased))
    ).all()
    for app_id, borrower_id, jurisdiction, received in rows:
        j = (jurisdiction or "CN").upper()
        if borrower_id is not None:
            e = by_borrower.get(borrower_id)
            if e is not None:
                out.append(
                    Erasure(app_id, e.jurisdiction, e.rule_id, e.keep_years, e.last_activity, "application")
                )
            elif borrower_id in gone:
                rule_id, years = periods.setdefault(j, keep_period(j))
                out.append(Erasure(app_id, j, rule_id, years, received, "application"))
            continue
        rule_id, years = periods.setdefault(j, keep_period(j))
        if received + relativedelta(years=years) <= now:
            out.append(Erasure(app_id, j, rule_id, years, received, "application"))
    return out


def run(
    session: Session, *, as_of: datetime | None = None, actor: str, dry_run: bool = False
) -> list[Erasure]:
    """Erase what is due (crypto-shredding), one audit record per subject; never commits."""
    from faircollect.compliance.audit import service as audit

    found = due(session, as_of=as_of)
    if dry_run or not found:
        return found
    when = utc_now()
    destroy(session, [e.subject for e in found], reason="retention", at=when)
    audit.record_many(
        session,
        [
            {
                "actor": actor,
                "action": "privacy.erased",
                "subject_type": e.kind,
                "subject_id": e.subject.split(":", 1)[1] if e.kind == "inbound_reply" else e.subject,
                "payload": {
                    "reason": "retention",
                    "rule_id": e.rule_id,
                    "keep_years": e.keep_years,
                    "last_activity": e.last_activity.isoformat(),
                    "jurisdiction": e.jurisdiction,
                },
                "at": when,
            }
            for e in found
        ],
    )
    return found
