"""QA in the database: sample each agent's messages and calls, score them, store reviews with coaching notes.

Items come from the outbox (messages, with their text) and the contact attempts (calls and visits, scored by a
reviewer who listened). Only contacts made by people are sampled — the planner's automatic messages are the
strategy's, not an agent's. The right amount is what the ledger says was overdue or lawfully collectable on the day.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import select
from sqlalchemy.orm import Session

from faircollect.compliance.audit import service as audit
from faircollect.compliance.contact import Channel
from faircollect.compliance.facts_load import lender_rulebook
from faircollect.compliance.models import ContactAttempt
from faircollect.config import get_settings
from faircollect.console.models import QAReview
from faircollect.console.qa import CHECKS, ItemScore, QAItem, sample, score_item
from faircollect.kit.errors import Conflict, NotFound, ValidationError
from faircollect.kit.ids import new_id
from faircollect.kit.time import business_date as to_business_date
from faircollect.ledger import repository as ledger_repo
from faircollect.ledger import service as ledger_service

#: Actors that are programs, not people: never sampled for an agent's QA.
MACHINE_PREFIXES = ("system", "demo", "sim:", "collections:", "planner", "machine:")


def _is_person(actor: str) -> bool:
    return bool(actor) and not actor.startswith(MACHINE_PREFIXES)


def _expected(session: Session, loan_id: str | None, on: date) -> tuple[int, ...]:
    if loan_id is None:
        return ()
    try:
        state = ledger_service.loan_state(session, loan_id, on)
        collectable = ledger_service.collectable(session, loan_id, on).collectable_minor
    except (NotFound, Conflict):
        return ()
    return tuple(sorted({state.overdue_minor, collectable}))


#: The currency of a contact with no loan behind it: the borrower's jurisdiction's.
JURISDICTION_CURRENCY = {"CN": "CNY", "US": "USD", "UK": "GBP"}


def candidates(session: Session, *, since: datetime, until: datetime) -> list[QAItem]:
    """Every contact a person made in [since, until): messages from the outbox, calls and visits.

    Each item's currency is its loan's (amounts in a message are read in it); a contact with no loan takes its
    borrower's jurisdiction's currency.
    """
    from faircollect.messaging.models import OutboxMessage

    zone_of: dict[str, str | None] = {}
    juris: dict[str, str] = {}
    loan_currency: dict[str, str | None] = {}

    def currency(loan_id: str | None, jurisdiction: str) -> str:
        if loan_id and loan_id not in loan_currency:
            loan = ledger_repo.get_loan(session, loan_id)
            loan_currency[loan_id] = loan.currency if loan else None
        return (loan_currency.get(loan_id) if loan_id else None) or JURISDICTION_CURRENCY.get(
            jurisdiction, "CNY"
        )

    def borrower(bid: str) -> tuple[str | None, str]:
        if bid not in zone_of:
            b = ledger_repo.get_borrower(session, bid)
            zone_of[bid] = b.timezone if b else None
            juris[bid] = b.jurisdiction if b else "CN"
        return zone_of[bid], juris[bid]

    items: list[QAItem] = []
    for m in session.execute(
        select(OutboxMessage).where(OutboxMessage.created_at >= since, OutboxMessage.created_at < until)
    ).scalars():
        if not _is_person(m.created_by):
            continue
        tz, j = borrower(m.borrower_id)
        items.append(
            QAItem(
                ref=f"outbox:{m.id}",
                agent=m.created_by,
                jurisdiction=j,
                channel=Channel(m.channel),
                at=m.planned_for,
                borrower_timezone=tz,
                currency=currency(m.loan_id, j),
                text=m.body,
                expected_amounts_minor=(),
                borrower_id=m.borrower_id,
            )
        )
    for a in session.execute(
        select(ContactAttempt).where(
            ContactAttempt.at >= since,
            ContactAttempt.at < until,
            ContactAttempt.channel.in_((Channel.CALL.value, Channel.VISIT.value)),
        )
    ).scalars():
        if not _is_person(a.actor):
            continue
        tz, j = borrower(a.borrower_id)
        items.append(
            QAItem(
                ref=f"attempt:{a.id}:{a.loan_id or ''}",
                agent=a.actor,
                jurisdiction=j,
                channel=Channel(a.channel),
                at=a.at,
                borrower_timezone=tz,
                currency=currency(a.loan_id, j),
                borrower_id=a.borrower_id,
            )
        )
    return items


def sampled_scores(
    session: Session, *, since: datetime, until: datetime, per_agent: int = 5, seed: int = 0
) -> list[ItemScore]:
    """A reproducible sample per agent, each item scored (with the day's right amounts for messages)."""
    from faircollect.messaging.models import OutboxMessage

    out = []
    tz = get_settings().business_timezone
    for item in sample(candidates(session, since=since, until=until), per_agent=per_agent, seed=seed):
        if item.ref.startswith("outbox:"):
            msg = session.get(OutboxMessage, item.ref.split(":", 1)[1])
            if msg is not None:
                from dataclasses import replace

                item = replace(
                    item,
                    expected_amounts_minor=_expected(session, msg.loan_id, to_business_date(item.at, tz)),
                )
        out.append(score_item(item, lender_rulebook(session, item.jurisdiction)))
    return out


def save_review(
    session: Session,
    *,
    item: ItemScore,
    reviewer: str,
    answers: dict[str, bool],
    coaching_note: str | None,
) -> QAReview:
    """Store a reviewer's scoring of one item (their answers fill the checks a record cannot show); audited."""
    if reviewer == item.item.agent:
        raise ValidationError("an agent may not review their own contact", field="reviewer")
    unknown = set(answers) - set(CHECKS)
    if unknown:
        raise ValidationError(f"unknown checks {sorted(unknown)}; expected {list(CHECKS)}", field="answers")
    checks = {c.check: c.passed for c in item.checks}
    for check, value in answers.items():
        if checks.get(check) is None:  # a reviewer decides only what the record could not
            checks[check] = value
    decided = [v for v in checks.values() if v is not None]
    score = (
        str((Decimal(sum(decided)) / Decimal(len(decided))).quantize(Decimal("0.0001"))) if decided else None
    )
    row = QAReview(
        id=new_id("qa"),
        item_ref=item.item.ref[:80],
        agent=item.item.agent,
        reviewer=reviewer,
        checks=checks,
        score=score,
        borrower_id=item.item.borrower_id,
    )
    row.coaching_note = (coaching_note or "").strip() or None
    session.add(row)
    session.flush()
    audit.record(
        session,
        actor=reviewer,
        action="console.qa.reviewed",
        subject_type="qa_review",
        subject_id=row.id,
        payload={"agent": row.agent, "item": row.item_ref, "score": score},
    )
    return row


def reviews(session: Session, *, agent: str | None = None) -> list[QAReview]:
    q = select(QAReview).order_by(QAReview.created_at.desc())
    if agent:
        q = q.where(QAReview.agent == agent)
    return list(session.execute(q).scalars())
