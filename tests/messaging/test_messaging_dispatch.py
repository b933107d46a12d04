"""Outbox and dispatch on SQLite and PostgreSQL: re-gating at send time, caps, retries, dead letters, receipts,
opt-out replies, recovery after a worker died mid-send."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from msg_helpers import ALLOW, midday_zone, new_borrower
from pytest_httpserver import HTTPServer
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from faircollect.compliance import facts as facts_service
from faircollect.compliance.audit import service as audit
from faircollect.compliance.audit.models import AuditRecord
from faircollect.compliance.contact import Decision, Reason
from faircollect.compliance.models import ContactAttempt
from faircollect.db import unit_of_work
from faircollect.kit.errors import Conflict
from faircollect.messaging.dispatch import DispatchConfig, dispatch_batch, dispatch_until_empty
from faircollect.messaging.models import OutboxMessage
from faircollect.messaging.outbox import enqueue
from faircollect.messaging.providers import ConsoleSink, FileSink, HttpSmsProvider, read_sink

BODY = "【示例金融】张三您好，您的借款已逾期5天，应还1,234.56元。核验码[[VCODE]]。回T退订"


def _enqueue(sessions: sessionmaker[Session], bid: str, *, at: datetime, n: int = 1, **kw: Any) -> list[str]:
    ids = []
    with unit_of_work(sessions) as s:
        for i in range(n):
            ids.append(
                enqueue(
                    s,
                    borrower_id=bid,
                    loan_id=None,
                    case_id=None,
                    channel=kw.get("channel", "sms"),
                    recipient_role="borrower",
                    address=kw.get("address", "13800138000"),
                    body=kw.get("body", BODY) + ("" if n == 1 else f" #{i}"),
                    template_key="overdue",
                    planned_for=at,
                    decision=kw.get("decision", ALLOW),
                    actor="test",
                    experiment=kw.get("experiment"),
                    arm=kw.get("arm"),
                    assignment_probability=kw.get("assignment_probability"),
                )
            )
    return ids


def _msg(sessions: sessionmaker[Session], mid: str) -> OutboxMessage:
    with sessions() as s:
        m = s.get(OutboxMessage, mid)
        assert m is not None
        return m


def test_planned_message_goes_through_the_gate_to_the_file_sink_with_its_code(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    bid = new_borrower(sessions)
    (mid,) = _enqueue(
        sessions,
        bid,
        at=now - timedelta(minutes=1),
        experiment="cn-default",
        arm="champion",
        assignment_probability="0.9",
    )
    stats = dispatch_until_empty(sessions, provider=FileSink(tmp_path / "sent.jsonl"))
    assert (stats.sent, stats.blocked) == (1, 0)
    m = _msg(sessions, mid)
    assert m.status == "sent" and m.attempts == 1 and m.sent_at is not None
    assert m.verification_code in m.body and "[[VCODE]]" not in m.body
    (line,) = read_sink(tmp_path / "sent.jsonl")
    assert (
        line["verification_code"] == m.verification_code
        and line["provider_message_id"] == m.provider_message_id
    )
    assert str(m.assignment_probability).startswith("0.9") and m.arm == "champion"
    with sessions() as s:
        att = s.get(ContactAttempt, m.contact_attempt_id)
        assert (
            att is not None
            and att.outcome == "sent"
            and att.decision_ref
            and att.decision_ref.startswith("audit:")
        )


def test_each_dispatched_message_has_one_complete_send_time_audit_record_its_attempt_points_to(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    bid = new_borrower(sessions)
    ids = _enqueue(sessions, bid, at=now - timedelta(minutes=1), n=2)
    stats = dispatch_until_empty(sessions, provider=FileSink(tmp_path / "sent.jsonl"))
    assert stats.sent == 2
    with sessions() as s:
        for mid in ids:
            m = s.get(OutboxMessage, mid)
            assert m is not None and m.status == "sent" and m.attempts == 1 and m.provider == "file"
            assert m.send_rule_ids and "CN-HOURS-22-08" in m.send_rule_ids
            records = [
                r
                for r in s.execute(select(AuditRecord).order_by(AuditRecord.seq)).scalars()
                if (r.payload or {}).get("outbox_message_id") == mid or r.subject_id == mid
            ]
            assert [r.action for r in records] == ["messaging.enqueued", "gate.decision", "messaging.sent"]
            records = records[1:]
            decision = records[0].payload
            assert decision["stage"] == "send" and decision["decision"] == "allow"
            assert decision["rules"] == m.send_rule_ids and decision["address"] == "138****8000"
            assert decision["lint_verdict"] == "ok" and decision["text_sha256"]
            att = s.get(ContactAttempt, m.contact_attempt_id)
            assert att is not None and att.decision_ref == f"audit:{records[0].seq}"
            assert decision["attempt"] == {
                "attempt_id": att.id,
                "loan_id": None,
                "channel": "sms",
                "recipient_role": "borrower",
                "purpose": "collect",
                "address": "138****8000",
                "at": att.at.isoformat(),
                "outcome": "sent",
                "agency_id": None,
            }
            assert records[1].payload["provider_message_id"] == m.provider_message_id
            assert "13800138000" not in json.dumps([r.payload for r in records])
        assert not s.execute(
            select(AuditRecord).where(AuditRecord.action == "contact.attempt_recorded")
        ).first()
        assert audit.verify(s).ok


def test_message_is_blocked_at_send_time_when_the_borrower_opted_out_after_it_was_planned(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    bid = new_borrower(sessions)
    (mid,) = _enqueue(sessions, bid, at=now - timedelta(minutes=1))
    with unit_of_work(sessions) as s:
        facts_service.record_opt_out(
            s, borrower_id=bid, channel="sms", at=now - timedelta(seconds=30), source="call", actor="t"
        )
    stats = dispatch_until_empty(sessions, provider=FileSink(tmp_path / "sent.jsonl"))
    assert (stats.sent, stats.blocked) == (0, 1)
    m = _msg(sessions, mid)
    assert m.status == "blocked" and "CN-CIVIL-PRIVACY" in (m.send_rule_ids or [])
    assert read_sink(tmp_path / "sent.jsonl") == []


def test_sms_cap_holds_when_many_messages_for_one_borrower_are_due(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    now = datetime.now(UTC)
    bid = new_borrower(sessions)
    _enqueue(sessions, bid, at=now - timedelta(minutes=1), n=5)
    stats = dispatch_until_empty(
        sessions, provider=FileSink(tmp_path / "sent.jsonl"), cfg=DispatchConfig(batch_size=2)
    )
    # The two over the cap are not dropped: deferred to when the cap allows (gated again then).
    assert (stats.sent, stats.blocked, stats.deferred) == (3, 0, 2)
    assert len(read_sink(tmp_path / "sent.jsonl")) == 3
    with sessions() as s:
        held = list(s.execute(select(OutboxMessage).where(OutboxMessage.status == "planned")).scalars())
    assert len(held) == 2
    assert all(m.send_rule_ids == ["CN-FREQ-NO-BOMBING"] and m.next_attempt_at > now for m in held)


def test_denied_plan_is_stored_blocked_and_never_dispatched(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    bid = new_borrower(sessions)
    deny = Decision(allowed=False, reasons=(Reason("CN-HOURS-22-08", "too late", "太晚", timing_only=True),))
    (mid,) = _enqueue(sessions, bid, at=datetime.now(UTC), decision=deny)
    assert dispatch_until_empty(sessions, provider=FileSink(tmp_path / "s.jsonl")).claimed == 0
    m = _msg(sessions, mid)
    assert m.status == "blocked" and m.plan_rule_ids == ["CN-HOURS-22-08"]


def test_enqueue_is_idempotent_on_its_key_and_refuses_the_key_for_another_contact(
    sessions: sessionmaker[Session],
) -> None:
    bid = new_borrower(sessions)
    at = datetime.now(UTC)
    (a,) = _enqueue(sessions, bid, at=at)
    (b,) = _enqueue(sessions, bid, at=at)
    assert a == b
    with unit_of_work(sessions) as s:
        key = s.get(OutboxMessage, a).idempotency_key  # type: ignore[union-attr]
    with unit_of_work(sessions) as s, pytest.raises(Conflict):
        enqueue(
            s,
            borrower_id=bid,
            loan_id=None,
            case_id=None,
            channel="sms",
            recipient_role="borrower",
            address="13900000000",
            body="x",
            template_key=None,
            planned_for=at,
            decision=ALLOW,
            actor="t",
            idempotency_key=key,
        )


def test_transient_failures_retry_with_exponential_backoff_then_dead_letter(
    sessions: sessionmaker[Session], httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/send").respond_with_data("down", status=503)
    t0 = datetime.now(UTC).replace(microsecond=0)
    bid = new_borrower(sessions, timezone=midday_zone(t0))
    (mid,) = _enqueue(sessions, bid, at=t0)
    provider = HttpSmsProvider(url=httpserver.url_for("/send"))
    cfg = DispatchConfig(max_attempts=3, backoff_base_seconds=60, now=t0)
    assert dispatch_batch(sessions, provider=provider, cfg=cfg).retrying == 1
    m = _msg(sessions, mid)
    assert (m.status, m.attempts, m.next_attempt_at) == ("failed", 1, t0 + timedelta(seconds=60))
    assert "503" in (m.last_error or "")
    # Not due yet: nothing happens a second early.
    assert (
        dispatch_batch(
            sessions, provider=provider, cfg=DispatchConfig(max_attempts=3, now=t0 + timedelta(seconds=59))
        ).claimed
        == 0
    )
    t1 = t0 + timedelta(seconds=60)
    dispatch_batch(
        sessions, provider=provider, cfg=DispatchConfig(max_attempts=3, backoff_base_seconds=60, now=t1)
    )
    m = _msg(sessions, mid)
    assert (m.status, m.attempts, m.next_attempt_at) == ("failed", 2, t1 + timedelta(seconds=120))
    dispatch_batch(
        sessions,
        provider=provider,
        cfg=DispatchConfig(max_attempts=3, backoff_base_seconds=60, now=t1 + timedelta(seconds=120)),
    )
    m = _msg(sessions, mid)
    assert (m.status, m.attempts) == ("dead", 3)
    assert len(httpserver.log) == 3
    with sessions() as s:
        outcomes = (
            s.execute(select(ContactAttempt.outcome).where(ContactAttempt.borrower_id == bid)).scalars().all()
        )
    assert sorted(outcomes) == ["failed", "failed", "failed"]


def test_permanent_failure_goes_straight_to_dead(
    sessions: sessionmaker[Session], httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/send").respond_with_data("invalid number", status=400)
    bid = new_borrower(sessions)
    (mid,) = _enqueue(sessions, bid, at=datetime.now(UTC))
    stats = dispatch_until_empty(sessions, provider=HttpSmsProvider(url=httpserver.url_for("/send")))
    assert stats.dead == 1 and _msg(sessions, mid).status == "dead"


def test_send_interrupted_by_a_dead_worker_is_completed_once_after_the_lease(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    """The worker claimed and sent, then died before recording 'sent'. The next worker resends with the same key;
    the file sink recognises it: one message, not two."""
    sink = FileSink(tmp_path / "sent.jsonl")
    t0 = datetime.now(UTC)
    bid = new_borrower(sessions, timezone=midday_zone(t0))
    (mid,) = _enqueue(sessions, bid, at=t0 - timedelta(minutes=1))

    class DiesAfterSending(FileSink):
        def send(self, message: Any) -> Any:
            super().send(message)
            raise SystemExit("worker killed")

    with pytest.raises(SystemExit):
        dispatch_batch(
            sessions, provider=DiesAfterSending(sink.path), cfg=DispatchConfig(now=t0, lease_seconds=30)
        )
    assert _msg(sessions, mid).status == "sending"
    assert (
        dispatch_batch(sessions, provider=sink, cfg=DispatchConfig(now=t0 + timedelta(seconds=10))).claimed
        == 0
    )
    stats = dispatch_batch(sessions, provider=sink, cfg=DispatchConfig(now=t0 + timedelta(seconds=31)))
    assert (stats.resumed, stats.sent, stats.recognised_duplicates) == (1, 1, 1)
    m = _msg(sessions, mid)
    assert m.status == "sent" and m.attempts == 1
    assert len(read_sink(sink.path)) == 1
    with sessions() as s:
        assert len(s.execute(select(ContactAttempt.id).where(ContactAttempt.borrower_id == bid)).all()) == 1


def test_interrupted_send_through_a_provider_without_idempotency_is_never_repeated(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    t0 = datetime.now(UTC)
    bid = new_borrower(sessions, timezone=midday_zone(t0))
    (mid,) = _enqueue(sessions, bid, at=t0 - timedelta(minutes=1))

    class Dies(ConsoleSink):
        def send(self, message: Any) -> Any:
            raise SystemExit("killed")

    with pytest.raises(SystemExit):
        dispatch_batch(sessions, provider=Dies(), cfg=DispatchConfig(now=t0))
    stats = dispatch_batch(
        sessions, provider=ConsoleSink(), cfg=DispatchConfig(now=t0 + timedelta(minutes=10))
    )
    assert (stats.dead, stats.sent) == (1, 0)
    m = _msg(sessions, mid)
    assert m.status == "dead" and "at most once" in (m.last_error or "")


#: Development keys: an integration (posts receipts and replies) and an admin (reads the outbox, saves templates).
INTEGRATION = {"X-API-Key": "k1"}
ADMIN = {"X-API-Key": "k-admin"}


def _client(db_url: str, monkeypatch: pytest.MonkeyPatch, role: str = "integration") -> TestClient:
    from faircollect.api.app import create_app
    from faircollect.config import get_settings

    monkeypatch.setenv("FAIRCOLLECT_API_KEYS", "k1=provider-bridge:integration,k-admin=ops:admin")
    get_settings.cache_clear()
    return TestClient(
        create_app(database_url=db_url), headers=INTEGRATION if role == "integration" else ADMIN
    )


def test_delivery_receipt_marks_the_message_delivered_and_updates_the_attempt(
    sessions: sessionmaker[Session], db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bid = new_borrower(sessions)
    (mid,) = _enqueue(sessions, bid, at=datetime.now(UTC))
    dispatch_until_empty(sessions, provider=FileSink(tmp_path / "s.jsonl"))
    m = _msg(sessions, mid)
    client = _client(db_url, monkeypatch)
    assert (
        client.post(
            "/v1/messaging/receipts/file",
            json={"id": m.provider_message_id, "status": "delivered"},
            headers={"X-API-Key": "nope"},
        ).status_code
        == 401
    )
    r = client.post("/v1/messaging/receipts/file", json={"id": m.provider_message_id, "status": "delivered"})
    assert r.status_code == 200, r.text
    assert r.json()["receipts"][0]["applied"] is True
    m = _msg(sessions, mid)
    assert m.status == "delivered" and m.delivered_at is not None
    with sessions() as s:
        assert s.get(ContactAttempt, m.contact_attempt_id).outcome == "delivered"  # type: ignore[union-attr]
    assert client.get("/v1/messaging/outbox", params={"borrower_id": bid}).status_code == 403  # integration
    listing = client.get("/v1/messaging/outbox", params={"borrower_id": bid}, headers=ADMIN).json()
    assert (
        listing[0]["status"] == "delivered"
        and listing[0]["address"] == "138****8000"
        and "body" not in listing[0]
    )


def test_opt_out_reply_is_recorded_and_the_gate_denies_the_next_sms(
    sessions: sessionmaker[Session], db_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    bid = new_borrower(sessions, phone="13800138000")
    _enqueue(sessions, bid, at=datetime.now(UTC) - timedelta(minutes=5))
    sink = FileSink(tmp_path / "s.jsonl")
    assert dispatch_until_empty(sessions, provider=sink).sent == 1
    client = _client(db_url, monkeypatch)
    r = client.post("/v1/messaging/inbound/http", json={"from": "+86 138 0013 8000", "text": "回Ｔ退订"})
    assert r.status_code == 200, r.text
    assert r.json()["replies"][0] == {
        **r.json()["replies"][0],
        "borrower_id": bid,
        "opt_out": True,
        "opt_out_recorded": True,
    }
    (later,) = _enqueue(sessions, bid, at=datetime.now(UTC), body=BODY + " 2")
    stats = dispatch_until_empty(sessions, provider=sink)
    assert (stats.sent, stats.blocked) == (0, 1)
    assert "CN-CIVIL-PRIVACY" in (_msg(sessions, later).send_rule_ids or [])
    # The opt-out is per channel: e-mail is still allowed.
    (mail,) = _enqueue(
        sessions,
        bid,
        at=datetime.now(UTC),
        channel="email",
        address="zhang@example.com",
        body="Subject: 提醒\n【示例金融】应还1,234.56元。回复退订",
    )
    assert dispatch_until_empty(sessions, provider=sink).sent == 1
    assert _msg(sessions, mail).status == "sent"


def test_a_reply_that_is_not_an_opt_out_is_stored_without_one(
    sessions: sessionmaker[Session], db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    bid = new_borrower(sessions, phone="13700000000")
    client = _client(db_url, monkeypatch)
    r = client.post("/v1/messaging/inbound/http", json={"from": "13700000000", "text": "好的，我明天还"})
    assert r.json()["replies"][0]["opt_out"] is False and r.json()["replies"][0]["borrower_id"] == bid
    with sessions() as s:
        assert facts_service.load_facts(s, borrower_id=bid, at=datetime.now(UTC)).opt_outs == frozenset()


def test_twilio_webhooks_need_a_valid_signature(
    sessions: sessionmaker[Session], db_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from faircollect.messaging.providers.twilio import twilio_signature
    from faircollect.messaging.settings import get_messaging_settings

    monkeypatch.setenv("FAIRCOLLECT_MESSAGING_TWILIO_AUTH_TOKEN", "tok")
    get_messaging_settings.cache_clear()
    try:
        bid = new_borrower(sessions, phone="+15005550006", jurisdiction="CN")
        client = _client(db_url, monkeypatch)
        form = {"From": "+15005550006", "To": "+15005550001", "Body": "STOP", "MessageSid": "SM9"}
        url = "http://testserver/v1/messaging/inbound/twilio"
        assert client.post(url, data=form, headers={"X-Twilio-Signature": "forged"}).status_code == 403
        r = client.post(url, data=form, headers={"X-Twilio-Signature": twilio_signature("tok", url, form)})
        assert r.status_code == 200 and "<Response/>" in r.text
        with sessions() as s:
            assert "sms" in {
                c.value for c in facts_service.load_facts(s, borrower_id=bid, at=datetime.now(UTC)).opt_outs
            }
    finally:
        get_messaging_settings.cache_clear()


def test_templates_api_lints_on_save(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    client = _client(db_url, monkeypatch, role="admin")
    bad = {
        "key": "x",
        "channel": "sms",
        "language": "zh-CN",
        "body": "{{ lender_name }}：不还钱就曝光你，通知你单位。回T退订",
    }
    r = client.post("/v1/messaging/templates", json=bad)
    assert r.status_code == 422 and r.json()["findings"]
    good = {
        "key": "x",
        "channel": "sms",
        "language": "zh-CN",
        "body": "【{{ lender_name }}】您的借款应还{{ amount_due }}元。核验码{{ verification_code }}。回T退订",
    }
    r = client.post("/v1/messaging/templates", json=good)
    assert r.status_code == 201 and r.json()["version"] == 1
    assert [t["key"] for t in client.get("/v1/messaging/templates").json()] == ["x"]


def test_dispatch_command_sends_and_reports(
    sessions: sessionmaker[Session], db_url: str, tmp_path: Path
) -> None:
    from typer.testing import CliRunner

    from faircollect.cli import app

    bid = new_borrower(sessions)
    _enqueue(sessions, bid, at=datetime.now(UTC), n=2)
    out = CliRunner().invoke(
        app,
        [
            "dispatch",
            "--workers",
            "2",
            "--sink",
            str(tmp_path / "c.jsonl"),
            "--database-url",
            db_url,
            "--format",
            "json",
        ],
    )
    assert out.exit_code == 0, out.output
    assert json.loads(out.output.strip().splitlines()[-1])["sent"] == 2
    assert len(read_sink(tmp_path / "c.jsonl")) == 2


def test_visit_notice_without_an_approved_visit_is_blocked_at_send_time(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    """Planned under a visit that was since cancelled (or never approved): the same words are now a threat."""
    bid = new_borrower(sessions)
    notice = "【示例金融】张三您好，按已审批的安排，我司两名工作人员将于明天上门拜访，沟通借款还款事宜。核验码[[VCODE]]。回T退订"
    (mid,) = _enqueue(sessions, bid, at=datetime.now(UTC), body=notice)
    stats = dispatch_until_empty(sessions, provider=FileSink(tmp_path / "s.jsonl"))
    assert (stats.sent, stats.blocked) == (0, 1)
    assert "CN-PROHIBIT-VISIT-THREAT" in (_msg(sessions, mid).send_rule_ids or [])


def test_a_receipt_that_arrives_before_the_send_is_recorded_is_applied_afterwards(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    from faircollect.messaging.providers import Receipt
    from faircollect.messaging.service import apply_receipts

    bid = new_borrower(sessions)
    (mid,) = _enqueue(sessions, bid, at=datetime.now(UTC))

    class ReportsAtOnce(FileSink):
        """A fast gateway: its delivery webhook lands before the worker records the provider's id."""

        def send(self, message: Any) -> Any:
            result = super().send(message)
            with unit_of_work(sessions) as s:
                out = apply_receipts(
                    s,
                    provider="file",
                    receipts=[Receipt(result.provider_message_id, "delivered", "DELIVRD")],
                    actor="gateway",
                )
                assert out[0]["message_id"] is None  # not matched yet
            return result

    dispatch_until_empty(sessions, provider=ReportsAtOnce(tmp_path / "s.jsonl"))
    m = _msg(sessions, mid)
    assert m.status == "delivered" and m.delivered_at is not None
    with sessions() as s:
        assert s.get(ContactAttempt, m.contact_attempt_id).outcome == "delivered"  # type: ignore[union-attr]


def test_code_of_a_message_whose_send_was_interrupted_is_still_ours(
    sessions: sessionmaker[Session], tmp_path: Path
) -> None:
    from faircollect.messaging.verification import verify

    bid = new_borrower(sessions)
    (mid,) = _enqueue(sessions, bid, at=datetime.now(UTC))

    class Dies(FileSink):
        def send(self, message: Any) -> Any:
            super().send(message)
            raise SystemExit("killed")

    with pytest.raises(SystemExit):
        dispatch_batch(sessions, provider=Dies(tmp_path / "s.jsonl"))
    m = _msg(sessions, mid)
    with unit_of_work(sessions) as s:
        r = verify(s, m.verification_code, lender="示例金融")
    assert r.genuine and r.delivery_confirmed is False and "not confirmed" in r.message
    assert "body" not in r.as_dict()


def test_an_ambiguous_failure_is_retried_only_through_an_idempotent_provider(
    sessions: sessionmaker[Session], httpserver: HTTPServer
) -> None:
    """A read timeout: the gateway may have sent it. The HTTP gateway honours Idempotency-Key, so retry; Twilio
    cannot recognise a repeat, so the message goes dead rather than risk a duplicate."""
    import time

    from faircollect.messaging.providers import TwilioProvider

    def slow(_req: Any) -> Any:
        time.sleep(1.5)
        from werkzeug import Response

        return Response(
            json.dumps({"id": "late", "sid": "SMlate"}), status=201, content_type="application/json"
        )

    httpserver.expect_request("/send").respond_with_handler(slow)
    httpserver.expect_request("/2010-04-01/Accounts/AC1/Messages.json").respond_with_handler(slow)
    bid = new_borrower(sessions)
    a, b = _enqueue(sessions, bid, at=datetime.now(UTC), n=2)
    dispatch_batch(
        sessions,
        provider=HttpSmsProvider(url=httpserver.url_for("/send"), timeout=0.3),
        cfg=DispatchConfig(batch_size=1),
    )
    twilio = TwilioProvider(
        account_sid="AC1", auth_token="t", from_number="+1500", base_url=httpserver.url_for("/"), timeout=0.3
    )
    dispatch_batch(sessions, provider=twilio, cfg=DispatchConfig(batch_size=1))
    by_provider = {m.provider: m for m in (_msg(sessions, a), _msg(sessions, b))}
    assert by_provider["http"].status == "failed" and "AmbiguousError" in (
        by_provider["http"].last_error or ""
    )
    assert by_provider["twilio"].status == "dead" and "outcome unknown" in (
        by_provider["twilio"].last_error or ""
    )


def test_twilio_status_callback_route_marks_the_message_delivered(
    sessions: sessionmaker[Session], db_url: str, httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    from faircollect.messaging.providers import TwilioProvider
    from faircollect.messaging.providers.twilio import twilio_signature
    from faircollect.messaging.settings import get_messaging_settings

    httpserver.expect_request("/2010-04-01/Accounts/AC1/Messages.json").respond_with_json(
        {"sid": "SM42", "status": "queued"}, status=201
    )
    bid = new_borrower(sessions)
    (mid,) = _enqueue(sessions, bid, at=datetime.now(UTC))
    twilio = TwilioProvider(
        account_sid="AC1", auth_token="tok", from_number="+1500", base_url=httpserver.url_for("/")
    )
    assert dispatch_until_empty(sessions, provider=twilio).sent == 1
    assert _msg(sessions, mid).provider_message_id == "SM42"
    monkeypatch.setenv("FAIRCOLLECT_MESSAGING_TWILIO_AUTH_TOKEN", "tok")
    get_messaging_settings.cache_clear()
    try:
        client = _client(db_url, monkeypatch)
        url = "http://testserver/v1/messaging/receipts/twilio"
        form = {"MessageSid": "SM42", "MessageStatus": "delivered", "AccountSid": "AC1"}
        r = client.post(url, data=form, headers={"X-Twilio-Signature": twilio_signature("tok", url, form)})
        assert r.status_code == 200, r.text
        assert _msg(sessions, mid).status == "delivered"
    finally:
        get_messaging_settings.cache_clear()


def test_outbox_listing_refuses_an_unknown_status(db_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    client = _client(db_url, monkeypatch, role="admin")
    r = client.get("/v1/messaging/outbox", params={"status": "lost"})
    assert r.status_code == 422 and r.json()["field"] == "status"
    assert client.get("/v1/messaging/templates/nope").status_code == 404
