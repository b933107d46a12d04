"""The facts store on both databases (SQLite file and the real PostgreSQL): attempts, holds, preferences,
overrides, audit records, and the per-borrower lock under concurrency."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from faircollect.compliance import facts as F
from faircollect.compliance import service
from faircollect.compliance.audit import service as audit
from faircollect.compliance.audit.models import AuditRecord
from faircollect.compliance.contact import Channel, ContactRequest, HoldKind, Outcome, Purpose, RecipientRole
from faircollect.compliance.models import ContactAttempt, RuleOverride
from faircollect.compliance.rulebook import RulebookError
from faircollect.db import make_engine, session_factory, unit_of_work
from faircollect.kit.errors import NotFound, ValidationError
from faircollect.ledger.models import Borrower

PHONE = "13800138000"
AT = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai


def _borrower(s: Session, bid: str = "bor_1", tz: str | None = "Asia/Shanghai", j: str = "CN") -> str:
    s.add(Borrower(id=bid, name="张三", phone=PHONE, timezone=tz, jurisdiction=j, language="zh-CN"))
    s.flush()
    return bid


def _attempt(s: Session, at: datetime, outcome: Outcome = Outcome.NO_ANSWER, **kw: object) -> str:
    args: dict[str, object] = {
        "borrower_id": "bor_1",
        "loan_id": None,
        "channel": Channel.CALL,
        "recipient_role": RecipientRole.BORROWER,
        "address": PHONE,
        "at": at,
        "outcome": outcome,
        "actor": "agent:7",
    }
    args.update(kw)
    return F.record_attempt(s, **args)  # type: ignore[arg-type]


def _call(at: datetime) -> ContactRequest:
    return ContactRequest("CN", Channel.CALL, RecipientRole.BORROWER, at, address=PHONE)


def test_attempts_from_lender_and_agencies_are_counted_together(sessions: sessionmaker[Session]) -> None:
    with unit_of_work(sessions) as s:
        _borrower(s)
        for i, agency in enumerate([None, "agency_a", "agency_b"]):
            _attempt(s, AT - timedelta(minutes=30 - i), Outcome.CONNECTED, agency_id=agency)
    with unit_of_work(sessions) as s:
        F.lock_borrower(s, "bor_1")
        facts = F.load_facts(s, borrower_id="bor_1", at=AT, address=PHONE)
        assert len(facts.history) == 3 and {h.agency_id for h in facts.history} == {
            None,
            "agency_a",
            "agency_b",
        }
        d = service.decide_and_audit(s, _call(AT), facts, actor="agent:7", borrower_id="bor_1")
        assert not d.allowed and d.rule_ids == ("CN-FREQ-CONNECTED-3",)


def test_history_window_is_only_as_long_as_the_longest_rule(sessions: sessionmaker[Session]) -> None:
    with unit_of_work(sessions) as s:
        _borrower(s)
        _borrower(s, "bor_us", "America/New_York", "US")
        _attempt(s, AT - timedelta(days=5))
        _attempt(s, AT - timedelta(hours=2))
        _attempt(s, AT - timedelta(days=5), borrower_id="bor_us", address="+12125550100")
    with unit_of_work(sessions) as s:
        assert len(F.load_facts(s, borrower_id="bor_1", at=AT).history) == 1  # CN rules need one local day
        assert len(F.load_facts(s, borrower_id="bor_us", at=AT).history) == 1  # US 7-in-7 needs a week


def test_lost_contact_is_derived_from_the_last_attempts_however_old(sessions: sessionmaker[Session]) -> None:
    with unit_of_work(sessions) as s:
        _borrower(s)
        for d in (30, 20, 10):
            _attempt(s, AT - timedelta(days=d))
    with unit_of_work(sessions) as s:
        assert F.load_facts(s, borrower_id="bor_1", at=AT).lost_contact
        _attempt(s, AT - timedelta(days=1), Outcome.CONNECTED)
    with unit_of_work(sessions) as s:
        assert not F.load_facts(s, borrower_id="bor_1", at=AT).lost_contact


def test_update_attempt_outcome_changes_what_counts(sessions: sessionmaker[Session]) -> None:
    with unit_of_work(sessions) as s:
        _borrower(s)
        ids = [_attempt(s, AT - timedelta(minutes=m)) for m in (50, 40, 30)]
    with unit_of_work(sessions) as s:
        assert service.decide_and_audit(
            s, _call(AT), F.load_facts(s, borrower_id="bor_1", at=AT), actor="t", borrower_id="bor_1"
        ).allowed
        for i in ids:
            F.update_attempt_outcome(s, i, Outcome.CONNECTED, actor="agent:7")
    with unit_of_work(sessions) as s:
        facts = F.load_facts(s, borrower_id="bor_1", at=AT)
        assert not service.decide_and_audit(s, _call(AT), facts, actor="t", borrower_id="bor_1").allowed
        with pytest.raises(NotFound):
            F.update_attempt_outcome(s, "att_missing", Outcome.CONNECTED)


def test_holds_set_expire_and_release(sessions: sessionmaker[Session]) -> None:
    with unit_of_work(sessions) as s:
        _borrower(s)
        hid = F.set_hold(
            s, borrower_id="bor_1", kind=HoldKind.DISPUTE, reason="borrower disputes amount", actor="a"
        )
        F.set_hold(
            s,
            borrower_id="bor_1",
            kind="hardship",
            reason="lost job",
            actor="a",
            until=AT - timedelta(days=1),
        )
    with unit_of_work(sessions) as s:
        assert F.load_facts(s, borrower_id="bor_1", at=AT).holds == frozenset({HoldKind.DISPUTE})
        F.release_hold(s, hold_id=hid, actor="a", reason="verified")
    with unit_of_work(sessions) as s:
        assert F.load_facts(s, borrower_id="bor_1", at=AT).holds == frozenset()
        with pytest.raises(ValidationError):
            F.release_hold(s, hold_id=hid, actor="a")
        with pytest.raises(ValidationError) as e:
            F.set_hold(s, borrower_id="bor_1", kind="complaint", reason=" ", actor="a")
        assert e.value.field == "reason"


def test_preferences_opt_out_consent_stop_and_agreed_window(sessions: sessionmaker[Session]) -> None:
    with unit_of_work(sessions) as s:
        _borrower(s)
        pid = F.record_opt_out(
            s, borrower_id="bor_1", channel=Channel.SMS, at=AT, source="reply TD", actor="sms"
        )
        F.record_consent(
            s, borrower_id="bor_1", channel=Channel.SMS, at=AT, source="app checkbox v3", actor="app"
        )
        F.record_third_party_stop(
            s, borrower_id="bor_1", address="13900000001", at=AT, source="call recording", actor="agent:7"
        )
        F.set_agreed_window(
            s, borrower_id="bor_1", start="19:00", end="23:00", at=AT, source="call", actor="a"
        )
    with unit_of_work(sessions) as s:
        facts = F.load_facts(s, borrower_id="bor_1", at=AT, address="13900000001")
        assert facts.opt_outs == frozenset({Channel.SMS}) and facts.consents == frozenset({Channel.SMS})
        assert facts.third_party_stop_requested and facts.agreed_contact_window == ("19:00", "23:00")
        assert not F.load_facts(
            s, borrower_id="bor_1", at=AT, address="13900000002"
        ).third_party_stop_requested
        F.revoke_preference(s, preference_id=pid, actor="sms")
    with unit_of_work(sessions) as s:
        assert F.load_facts(s, borrower_id="bor_1", at=AT).opt_outs == frozenset()
        with pytest.raises(ValidationError) as e:
            F.record_opt_out(s, borrower_id="bor_1", channel="sms", at=AT, source="", actor="x")
        assert e.value.field == "source"


def test_unknown_borrower_is_not_found(sessions: sessionmaker[Session]) -> None:
    with unit_of_work(sessions) as s, pytest.raises(NotFound) as e:
        F.load_facts(s, borrower_id="bor_nobody", at=AT)
    assert e.value.field == "borrower_id"


def test_every_change_and_decision_is_audited_with_masked_address(sessions: sessionmaker[Session]) -> None:
    with unit_of_work(sessions) as s:
        _borrower(s)
        _attempt(s, AT - timedelta(hours=1))
        F.record_opt_out(s, borrower_id="bor_1", channel=Channel.EMAIL, at=AT, source="letter", actor="a")
        facts = F.load_facts(s, borrower_id="bor_1", at=AT + timedelta(hours=13))
        d, ref = service.decide_audit_ref(
            s, _call(AT + timedelta(hours=13)), facts, actor="planner", borrower_id="bor_1"
        )
        assert not d.allowed and ref.startswith("audit:")
        _attempt(s, AT, decision_ref=ref)
    with sessions() as s:
        recs = s.execute(select(AuditRecord).order_by(AuditRecord.seq)).scalars().all()
        actions = [r.action for r in recs]
        assert actions == [
            "contact.attempt_recorded",
            "contact.opt_out_recorded",
            "gate.decision",
            "contact.attempt_recorded",
        ]
        decision = recs[2].payload
        assert decision["decision"] == "deny" and "CN-HOURS-22-08" in decision["rules"]
        assert decision["address"] == "138****8000" and PHONE not in str(decision)
        assert decision["rulebook_version"] and decision["next_allowed_at"]
        assert recs[3].payload["decision_ref"] == ref
        assert audit.verify(s).ok


def test_stored_overrides_apply_and_loosening_a_confirmed_rule_stores_nothing(
    sessions: sessionmaker[Session],
) -> None:
    with unit_of_work(sessions) as s:
        _borrower(s)
        F.save_override(
            s,
            jurisdiction="CN",
            rule_id="CN-FREQ-CONNECTED-3",
            params={"max": 2},
            reason="board",
            actor="cco",
        )
    with unit_of_work(sessions) as s:
        _attempt(s, AT - timedelta(hours=1), Outcome.CONNECTED)
        _attempt(s, AT - timedelta(minutes=30), Outcome.CONNECTED)
    with unit_of_work(sessions) as s:
        rb = F.lender_rulebook(s, "CN")
        assert rb.rule("CN-FREQ-CONNECTED-3").params["max"] == 2 and rb.overrides[0].actor == "cco"
        d = service.decide_and_audit(
            s, _call(AT), F.load_facts(s, borrower_id="bor_1", at=AT), actor="t", borrower_id="bor_1"
        )
        assert d.rule_ids == ("CN-FREQ-CONNECTED-3",)
    with pytest.raises(RulebookError), unit_of_work(sessions) as s:
        F.save_override(
            s, jurisdiction="CN", rule_id="CN-HOURS-22-08", params={"end": "23:00"}, reason="x", actor="y"
        )
    with sessions() as s:
        assert s.execute(select(func.count()).select_from(RuleOverride)).scalar_one() == 1
        overrides = [
            r for r in s.execute(select(AuditRecord)).scalars() if r.action == "compliance.rule_override"
        ]
        assert len(overrides) == 1 and overrides[0].payload["direction"] == "tighten"


@pytest.mark.postgres
@pytest.mark.slow
def test_concurrent_deciders_never_exceed_the_cap_under_lock_borrower(pg_url: str) -> None:
    """Eight threads race to place connected calls for one borrower; the lock keeps the total at the cap."""
    _race(make_engine(pg_url, pool_size=10))


@pytest.mark.slow
def test_concurrent_deciders_on_sqlite_are_serialised_by_the_write_lock(sqlite_url: str) -> None:
    from faircollect.db import upgrade

    upgrade(sqlite_url)
    _race(make_engine(sqlite_url))


def _race(engine: Any) -> None:
    factory = session_factory(engine)
    with unit_of_work(factory) as s:
        _borrower(s)
        # The audit chain's head row exists before the race (its creation is the audit log's concern).
        audit.record(s, actor="test", action="test.setup", subject_type="borrower", subject_id="bor_1")
    barrier = threading.Barrier(8)
    errors: list[BaseException] = []

    def worker(n: int) -> None:
        try:
            barrier.wait()
            for k in range(3):
                at = AT + timedelta(minutes=n * 3 + k)
                with unit_of_work(factory) as s:
                    F.lock_borrower(s, "bor_1")
                    facts = F.load_facts(s, borrower_id="bor_1", at=at, address=PHONE)
                    d, ref = service.decide_audit_ref(s, _call(at), facts, actor=f"w{n}", borrower_id="bor_1")
                    if d.allowed:
                        _attempt(s, at, Outcome.CONNECTED, agency_id=f"agency_{n % 3}", decision_ref=ref)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors
    with factory() as s:
        connected = s.execute(
            select(func.count()).select_from(ContactAttempt).where(ContactAttempt.outcome == "connected")
        ).scalar_one()
        decisions = [r for r in s.execute(select(AuditRecord)).scalars() if r.action == "gate.decision"]
    assert connected == 3
    assert len(decisions) == 24 and sum(r.payload["decision"] == "allow" for r in decisions) == 3
    engine.dispose()


def test_record_attempt_validates_enums(sessions: sessionmaker[Session]) -> None:
    with unit_of_work(sessions) as s:
        _borrower(s)
        with pytest.raises(ValueError):
            _attempt(s, AT, channel="fax")
        assert F.record_attempt(
            s,
            borrower_id="bor_1",
            loan_id=None,
            channel="sms",
            recipient_role="borrower",
            address=PHONE,
            at=AT,
            outcome="sent",
            actor="dispatch",
            purpose=Purpose.SERVICE,
        ).startswith("att_")
