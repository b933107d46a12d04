"""A QA item reads amounts in its loan's currency; a contact with no loan in its borrower's jurisdiction's."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from faircollect.compliance.models import ContactAttempt
from faircollect.console.qa_service import candidates
from faircollect.db import unit_of_work
from faircollect.ledger import service as ledger


def test_a_call_with_no_loan_takes_the_borrowers_jurisdictions_currency(
    sessions: sessionmaker[Session],
) -> None:
    at = datetime(2026, 6, 1, 14, 0, tzinfo=UTC)
    with unit_of_work(sessions) as s:
        for n, (jurisdiction, zone, phone) in enumerate(
            [
                ("US", "America/New_York", "+12025550123"),
                ("UK", "Europe/London", "+447911123456"),
                ("CN", "Asia/Shanghai", "13800138000"),
            ]
        ):
            b = ledger.create_borrower(
                s,
                name=f"B{n}",
                phone=phone,
                email=f"b{n}@example.com",
                timezone=zone,
                jurisdiction=jurisdiction,
            )
            s.add(
                ContactAttempt(
                    id=f"att_{jurisdiction}",
                    borrower_id=b.id,
                    channel="call",
                    recipient_role="borrower",
                    at=at,
                    outcome="connected",
                    actor="staff:li",
                )
            )
    with unit_of_work(sessions) as s:
        items = candidates(s, since=datetime(2026, 6, 1, tzinfo=UTC), until=datetime(2026, 6, 2, tzinfo=UTC))
    assert {i.jurisdiction: i.currency for i in items} == {"US": "USD", "UK": "GBP", "CN": "CNY"}
