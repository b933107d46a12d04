"""Loan applications are sealed under keys of their own: retention erases them with the borrower they became, and
after the keep period from receipt when they never became one; the audit chain still verifies."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker

from faircollect.compliance.audit import service as audit
from faircollect.compliance.audit.models import AuditRecord
from faircollect.ledger import service as ledger
from faircollect.ledger.models import Borrower
from faircollect.origination.models import Application
from faircollect.privacy import retention

LONG_AGO = datetime(2019, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _application(app_id: str, *, borrower_id: str | None, received: datetime, phone: str) -> Application:
    return Application(
        id=app_id,
        received_at=received,
        product_code="cash",
        currency="CNY",
        amount_minor=100_000,
        term=6,
        jurisdiction="CN",
        language="zh-CN",
        birth_date="1990-03-07",
        age_at_application=36,
        monthly_income_minor=800_000,
        monthly_obligations_minor=0,
        attributes={},
        consents={},
        name="申请人" + app_id,
        phone=phone,
        id_number="11010119900307" + app_id[-4:],
        outcome="decline",
        decision={},
        policy_key="p@1",
        model_key="m@1",
        inputs_hash="0" * 64,
        borrower_id=borrower_id,
    )


def test_applications_go_with_their_borrower_or_after_the_keep_period(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as s:
        old = ledger.create_borrower(s, name="张老", phone="13800138000").id
        s.add(_application("app_0001", borrower_id=old, received=LONG_AGO, phone="+8613800138000"))
        s.add(_application("app_0002", borrower_id=None, received=LONG_AGO, phone="+8613900139000"))
        s.add(
            _application(
                "app_0003",
                borrower_id=None,
                received=datetime(2026, 6, 1, tzinfo=UTC),
                phone="+8613700137000",
            )
        )
    with sessions.begin() as s:
        s.execute(update(Borrower).where(Borrower.id == old).values(created_at=LONG_AGO))
    with sessions.begin() as s:
        due = retention.run(s, as_of=NOW, actor="t", dry_run=True)
    assert {(e.kind, e.subject) for e in due} == {
        ("borrower", old),
        ("application", "app_0001"),
        ("application", "app_0002"),
    }
    with sessions.begin() as s:
        retention.run(s, as_of=NOW, actor="system:retention")
    with sessions.begin() as s:
        gone, declined, recent = (s.get(Application, i) for i in ("app_0001", "app_0002", "app_0003"))
        assert gone is not None and (gone.name, gone.birth_date, gone.phone, gone.id_number) == (None,) * 4
        assert declined is not None and (declined.phone, declined.birth_date) == (None, None)
        assert recent is not None and (recent.phone, recent.birth_date) == ("+8613700137000", "1990-03-07")
        assert gone.age_at_application == 36  # what the scorecard read stays, for monitoring
        recorded = {
            (r.subject_type, r.subject_id)
            for r in s.execute(select(AuditRecord).where(AuditRecord.action == "privacy.erased")).scalars()
        }
        assert recorded == {("borrower", old), ("application", "app_0001"), ("application", "app_0002")}
        assert audit.verify(s).ok
    with sessions.begin() as s:  # a second run finds nothing more
        assert retention.run(s, as_of=NOW, actor="t", dry_run=True) == []
