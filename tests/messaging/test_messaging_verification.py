"""Verification codes: genuine or not, from which lender, when — and never the debt to someone not the borrower."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from msg_helpers import ALLOW, new_borrower
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from faircollect.db import unit_of_work
from faircollect.messaging.dispatch import DispatchConfig, dispatch_until_empty
from faircollect.messaging.models import OutboxMessage
from faircollect.messaging.outbox import enqueue
from faircollect.messaging.providers import FileSink
from faircollect.messaging.verification import ALPHABET, new_code, normalise_code, verify

BODY = "【示例金融】张三您好，您的借款LN-1已逾期5天，应还1,234.56元。核验码[[VCODE]]。回T退订"


def _sent_message(sq: sessionmaker[Session], tmp_path: Path, *, phone: str = "13800138000") -> OutboxMessage:
    bid = new_borrower(sq, phone=phone)
    with unit_of_work(sq) as s:
        mid = enqueue(
            s,
            borrower_id=bid,
            loan_id=None,
            case_id=None,
            channel="sms",
            recipient_role="borrower",
            address=phone,
            body=BODY,
            template_key="overdue",
            planned_for=datetime.now(UTC) - timedelta(minutes=1),
            decision=ALLOW,
            actor="test",
        )
    stats = dispatch_until_empty(sq, provider=FileSink(tmp_path / "sent.jsonl"), cfg=DispatchConfig())
    assert stats.sent == 1, stats
    with sq() as s:
        msg = s.get(OutboxMessage, mid)
        assert msg is not None
        return msg


def test_genuine_code_names_lender_channel_time_and_masked_recipient_but_not_the_debt(
    sq: sessionmaker[Session], tmp_path: Path
) -> None:
    msg = _sent_message(sq, tmp_path)
    with unit_of_work(sq) as s:
        r = verify(s, msg.verification_code)
    assert r.genuine and r.lender == "示例金融 Demo Lending" and r.channel == "sms"
    assert r.sent_at == msg.sent_at
    assert r.recipient == "138****8000"
    assert r.body is None and not r.recipient_confirmed
    shown = json.dumps(r.as_dict(), ensure_ascii=False)
    for secret in ("1,234.56", "逾期", "LN-1", "13800138000", "张三"):
        assert secret not in shown


def test_the_borrower_proving_the_last_four_digits_sees_the_text(
    sq: sessionmaker[Session], tmp_path: Path
) -> None:
    msg = _sent_message(sq, tmp_path)
    with unit_of_work(sq) as s:
        r = verify(s, msg.verification_code.lower(), proof="8000")
    assert r.genuine and r.recipient_confirmed
    assert r.body is not None and "1,234.56" in r.body and msg.verification_code in r.body


def test_wrong_proofs_show_nothing_and_five_lock_the_text_for_good(
    sq: sessionmaker[Session], tmp_path: Path
) -> None:
    msg = _sent_message(sq, tmp_path)
    for guess in ("0000", "1111", "2222", "3333", "4444"):
        with unit_of_work(sq) as s:
            r = verify(s, msg.verification_code, proof=guess)
            assert r.genuine and r.body is None
    with unit_of_work(sq) as s:
        r = verify(s, msg.verification_code, proof="8000")  # right, but too late
    assert r.genuine and r.body is None and "Too many" in r.message


def test_unknown_code_is_not_genuine_and_warns_of_a_scam(sq: sessionmaker[Session]) -> None:
    with unit_of_work(sq) as s:
        r = verify(s, "7K3M-9QXA")
    assert not r.genuine and r.lender is None and "scam" in r.message


def test_a_planned_message_that_never_left_is_not_genuine(sq: sessionmaker[Session]) -> None:
    bid = new_borrower(sq)
    with unit_of_work(sq) as s:
        mid = enqueue(
            s,
            borrower_id=bid,
            loan_id=None,
            case_id=None,
            channel="sms",
            recipient_role="borrower",
            address="13800138000",
            body=BODY,
            template_key=None,
            planned_for=datetime.now(UTC) + timedelta(days=1),
            decision=ALLOW,
            actor="test",
        )
        code = s.get(OutboxMessage, mid).verification_code  # type: ignore[union-attr]
    with unit_of_work(sq) as s:
        assert not verify(s, code).genuine


def test_malformed_code_is_refused_politely(sq: sessionmaker[Session]) -> None:
    with unit_of_work(sq) as s:
        r = verify(s, "'; drop table outbox_message; --")
    assert not r.genuine and "8" in r.message


@given(st.text(alphabet=ALPHABET, min_size=8, max_size=8))
def test_codes_survive_how_people_type_them(code: str) -> None:
    typed = code.lower().replace("0", "o").replace("1", "l")
    typed = typed[:4] + " - " + typed[4:]
    assert normalise_code(typed) == code


def test_new_codes_use_only_the_unambiguous_alphabet() -> None:
    codes = {new_code() for _ in range(2000)}
    assert len(codes) == 2000
    assert all(len(c) == 8 and set(c) <= set(ALPHABET) and not set(c) & set("ILOU") for c in codes)
    assert not any(a.isalpha() and b.isalpha() for c in codes for a, b in itertools.pairwise(c))


def test_no_code_makes_a_lawful_message_look_abusive_to_the_linter() -> None:
    from faircollect.compliance.linter import lint

    for _ in range(3000):
        code = new_code()
        body = f"【示例金融】张三您好，您的借款已逾期5天，应还1,234.56元。核验码{code}。回T退订"
        assert lint(body).verdict != "block", (code, lint(body).findings)


def test_verify_endpoint_needs_no_api_key_and_is_rate_limited(
    sq: sessionmaker[Session], tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from faircollect.api.app import create_app
    from faircollect.messaging import router as messaging_router
    from faircollect.messaging.settings import get_messaging_settings

    msg = _sent_message(sq, tmp_path)
    monkeypatch.setenv("FAIRCOLLECT_MESSAGING_VERIFY_REQUESTS_PER_MINUTE", "3")
    get_messaging_settings.cache_clear()
    monkeypatch.setattr(messaging_router, "_limiter", messaging_router._RateLimiter())
    client = TestClient(create_app(database_url=sqlite_url))
    r = client.get(f"/v1/verify/{msg.verification_code}")
    assert r.status_code == 200 and r.json()["genuine"] is True and r.json()["body"] is None
    r = client.get(f"/v1/verify/{msg.verification_code}", params={"proof": "8000"})
    assert "1,234.56" in r.json()["body"]
    assert client.get("/v1/verify/ZZZZZZZZ").json()["genuine"] is False
    limited = client.get("/v1/verify/ZZZZZZZZ")
    assert limited.status_code == 429 and "Retry-After" in limited.headers
    get_messaging_settings.cache_clear()


def test_verify_command_exit_code_and_json(
    sq: sessionmaker[Session], tmp_path: Path, sqlite_url: str
) -> None:
    from faircollect.cli import app

    msg = _sent_message(sq, tmp_path)
    runner = CliRunner()
    ok = runner.invoke(
        app, ["verify", msg.verification_code, "--database-url", sqlite_url, "--format", "json"]
    )
    assert ok.exit_code == 0, ok.output
    assert json.loads(ok.output)["genuine"] is True and "1,234.56" not in ok.output
    bad = runner.invoke(app, ["verify", "ZZZZZZZZ", "--database-url", sqlite_url])
    assert bad.exit_code == 1 and "NOT GENUINE" in bad.output
