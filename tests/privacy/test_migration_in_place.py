"""Upgrading a database that holds personal data in clear encrypts it in place: afterwards no row holds it in
clear, and the application reads the same values (and finds them through their blind indexes)."""

from __future__ import annotations

from sqlalchemy import text

from faircollect.compliance.models import ChannelPreference, ContactAttempt
from faircollect.db import make_engine, session_factory, upgrade
from faircollect.ledger import service as ledger
from faircollect.ledger.models import Borrower, BorrowerContact
from faircollect.messaging.models import InboundReply, OutboxMessage

NOW = "2026-03-01 00:00:00"


def test_clear_personal_data_is_sealed_in_place_by_the_upgrade(sqlite_url: str) -> None:
    for rev in ("ledger_0002", "compliance_0001", "messaging_0001"):
        upgrade(sqlite_url, rev)
    engine = make_engine(sqlite_url)
    with engine.begin() as c:
        c.execute(
            text(
                "INSERT INTO borrower (id, external_ref, name, phone, email, id_number, timezone, jurisdiction, "
                "language, created_at) VALUES ('b1', 'R1', '张三', '+8613800138000', 'zs@example.com', "
                "'110101199003074514', NULL, 'CN', 'zh-CN', :t)"
            ),
            {"t": NOW},
        )
        c.execute(
            text(
                "INSERT INTO borrower_contact (id, borrower_id, loan_id, role, name, phone, email, created_at) "
                "VALUES ('c1', 'b1', NULL, 'guarantor', '李四', '+8613900139000', NULL, :t)"
            ),
            {"t": NOW},
        )
        c.execute(
            text(
                "INSERT INTO contact_attempt (id, borrower_id, loan_id, channel, recipient_role, purpose, address, "
                "at, outcome, agency_id, actor, decision_ref, created_at) VALUES ('a1', 'b1', NULL, 'sms', "
                "'borrower', 'collect', '+8613800138000', :t, 'sent', NULL, 'x', NULL, :t)"
            ),
            {"t": NOW},
        )
        c.execute(
            text(
                "INSERT INTO channel_preference (id, borrower_id, kind, channel, address, value, at, source, "
                "actor, revoked_at) VALUES ('p1', 'b1', 'opt_out', 'sms', '+8613800138000', NULL, :t, 's', "
                "'x', NULL)"
            ),
            {"t": NOW},
        )
        c.execute(
            text(
                "INSERT INTO outbox_message (id, borrower_id, loan_id, case_id, channel, recipient_role, address, "
                "language, body, verification_code, lender, template_key, planned_for, status, attempts, "
                "next_attempt_at, idempotency_key, plan_rule_ids, verify_failures, created_by, created_at) "
                "VALUES ('m1', 'b1', NULL, NULL, 'sms', 'borrower', '+8613800138000', 'zh-CN', "
                "'张三，您的贷款已逾期', 'CODE1', 'L', NULL, :t, 'sent', 1, :t, 'k1', '[]', 0, 'x', :t)"
            ),
            {"t": NOW},
        )
        c.execute(
            text(
                "INSERT INTO inbound_reply (id, provider, channel, from_address, to_address, body, borrower_id, "
                "outbox_message_id, is_opt_out, provider_message_id, received_at) VALUES ('r1', 'p', 'sms', "
                "'+8613700137000', '10690000', '退订 王五', NULL, NULL, 1, NULL, :t)"
            ),
            {"t": NOW},
        )
    upgrade(sqlite_url)
    with engine.connect() as c:
        dump = "".join(
            repr(c.execute(text(f"SELECT * FROM {t}")).all())
            for t in (
                "borrower",
                "borrower_contact",
                "contact_attempt",
                "channel_preference",
                "outbox_message",
                "inbound_reply",
            )
        )
    for clear in (
        "13800138000",
        "13900139000",
        "13700137000",
        "zs@example.com",
        "110101199003",
        "张三",
        "王五",
    ):
        assert clear not in dump
    with session_factory(engine).begin() as s:
        b = s.get(Borrower, "b1")
        assert b is not None and (b.name, b.phone, b.email) == ("张三", "+8613800138000", "zs@example.com")
        assert [x.id for x in ledger.find_borrowers(s, phone="13800138000")] == ["b1"]
        assert [x.id for x in ledger.find_borrowers(s, id_number="110101199003074514")] == ["b1"]
        assert s.get(BorrowerContact, "c1").phone == "+8613900139000"  # type: ignore[union-attr]
        assert s.get(ContactAttempt, "a1").address == "+8613800138000"  # type: ignore[union-attr]
        assert s.get(ChannelPreference, "p1").address == "+8613800138000"  # type: ignore[union-attr]
        m = s.get(OutboxMessage, "m1")
        assert m is not None and m.body == "张三，您的贷款已逾期"
        assert s.query(OutboxMessage).filter(OutboxMessage.address.lookup("13800138000")).count() == 1
        r = s.get(InboundReply, "r1")
        assert r is not None and (r.from_address, r.body) == ("+8613700137000", "退订 王五")
    engine.dispose()
