"""Maximum exposure per person counts every open loan in the ledger to a borrower with the same ID number (found
through the blind index) — a loan imported from a core system as much as one originated here."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy.orm import Session, sessionmaker

from faircollect.db import unit_of_work
from faircollect.ledger import repository as ledger_repo
from faircollect.ledger import service as ledger
from faircollect.origination import service

from .applicants import PRODUCT_TERMS
from .test_block_list import _data


def test_an_imported_loan_to_the_same_id_uses_up_the_exposure_limit(sessions: sessionmaker[Session]) -> None:
    id_number = "110101199001019999"
    with unit_of_work(sessions) as s:
        ledger.create_product(s, code="cash-12", name="cash", currency="CNY", terms=PRODUCT_TERMS)
        b = ledger.create_borrower(s, name="王小明", phone="13900139000", id_number=id_number, actor="t")
        loan = ledger.create_loan(
            s,
            borrower_id=b.id,
            terms=dict(PRODUCT_TERMS, principal="197000.00", start_date="2026-01-05", currency="CNY"),
            approve=True,
            actor="t",
        )
    with unit_of_work(sessions) as s:
        # The limit is 200,000.00: 3,000.00 of room is left, so 6,000.00 is cut to 3,000.00.
        row = service.submit(s, data=replace(_data(1), id_number="110101 199001019999"))
        assert "EXPOSURE:counter-offer" in row.decision["rules"]
        assert row.decision["offer"] is not None and row.decision["offer"]["amount"] == "3000.00"
    with unit_of_work(sessions) as s:
        # Another person's loans never count.
        row = service.submit(s, data=replace(_data(2), id_number="110101199001018888"))
        assert "EXPOSURE:pass" in row.decision["rules"]
    with unit_of_work(sessions) as s:
        # A closed loan no longer counts (the same ID again: referred as a duplicate, but with room).
        found = ledger_repo.get_loan(s, loan.id)
        assert found is not None
        found.status = "closed"
    with unit_of_work(sessions) as s:
        row = service.submit(s, data=replace(_data(3), id_number=id_number))
        assert "EXPOSURE:pass" in row.decision["rules"] and row.outcome == "refer"
