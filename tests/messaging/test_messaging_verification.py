"""Verification codes: genuine or not, from which lender, when — and never the debt to someone not the borrower."""

from __future__ import annotations

import itertools
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import given
from hypothesis import strategies as st
from msg_helpers import ALLOW, new_borrower
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from faircollect.compliance.audit.models import AuditRecord
from faircollect.config import Settings
from faircollect.db import unit_of_work
from faircollect.kit.errors import NotFound
from faircollect.kit.time import business_date
from faircollect.messaging.dispatch import DispatchConfig, dispatch_until_empty
from faircollect.messaging.models import OutboxMessage
from faircollect.messaging.outbox import enqueue
from faircollect.messaging.providers import FileSink
from faircollect.messaging.verification import (
    ALPHABET,
    Verification,
    message_for_borrower,
    new_code,
    normalise_code,
    verify,
)

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


LENDER = "示例金融 Demo Lending"
SECRETS = ("1,234.56", "1234.56", "逾期", "LN-1", "13800138000", "138****8000", "8000", "张三", "应还")


def _verify(s: Session, code: str) -> Verification:
    return verify(s, code, lender=LENDER, official_channels=("客服热线 400-000-0000",))


def test_genuine_code_says_lender_channel_date_and_official_channels_but_nothing_of_the_debt(
    sq: sessionmaker[Session], tmp_path: Path
) -> None:
    msg = _sent_message(sq, tmp_path)
    with unit_of_work(sq) as s:
        r = _verify(s, msg.verification_code)
    assert r.genuine and r.lender == LENDER and r.channel == "sms" and r.delivery_confirmed
    assert msg.sent_at is not None and r.sent_on == business_date(msg.sent_at, "Asia/Shanghai")
    assert r.official_channels == ("客服热线 400-000-0000",) and "个人账户" in r.reminder
    shown = json.dumps(r.as_dict(), ensure_ascii=False)
    for secret in SECRETS:
        assert secret not in shown, secret
    assert set(r.as_dict()) == {
        "code",
        "genuine",
        "message",
        "lender",
        "channel",
        "sent_on",
        "delivery_confirmed",
        "official_channels",
        "reminder",
    }


def test_the_signed_in_borrower_reads_the_text_and_nobody_else_does(
    sq: sessionmaker[Session], tmp_path: Path
) -> None:
    msg = _sent_message(sq, tmp_path)
    other = new_borrower(sq, phone="13900139000", name="李四")
    with unit_of_work(sq) as s:
        mine = message_for_borrower(s, msg.verification_code.lower(), borrower_id=msg.borrower_id)
    assert "1,234.56" in mine.body and msg.verification_code in mine.body
    for who, code in ((other, msg.verification_code), (msg.borrower_id, "ZZZZZZZZ")):
        with pytest.raises(NotFound), unit_of_work(sq) as s:
            message_for_borrower(s, code, borrower_id=who)
    with sq() as s:
        reads = [r for r in s.scalars(select(AuditRecord)) if r.action == "messaging.message_read"]
    assert [r.actor for r in reads] == [f"borrower:{msg.borrower_id}"]


def test_unknown_code_is_not_genuine_and_warns_of_a_scam(sq: sessionmaker[Session]) -> None:
    with unit_of_work(sq) as s:
        r = _verify(s, "7K3M-9QXA")
    assert not r.genuine and r.channel is None and "scam" in r.message and r.official_channels


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
        assert not _verify(s, code).genuine


def test_malformed_code_is_refused_politely(sq: sessionmaker[Session]) -> None:
    with unit_of_work(sq) as s:
        r = _verify(s, "'; drop table outbox_message; --")
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


def test_a_code_whose_digits_spell_an_insult_is_never_drawn(monkeypatch: pytest.MonkeyPatch) -> None:
    """``5H170G0S`` has no two letters side by side but reads "shitogos": the linter blocked the message carrying it
    at send time (one of 10,000 in the eight-worker dispatch test, 2026-12-04). Such a code is drawn again."""
    from faircollect.compliance.linter import lint
    from faircollect.messaging import verification

    bad, good = "5H170G0S", "4K2M7P9R"
    body = f"【示例金融】您好，您的借款应还100.00元。核验码{bad}。回T退订"
    assert lint(body).verdict == "block"  # the defect this guards against
    assert not verification.acceptable_code(bad)
    assert verification.acceptable_code(good)
    drawn = iter(bad + good)
    monkeypatch.setattr(verification.secrets, "choice", lambda _alphabet: next(drawn))
    assert verification.new_code() == good


def _app(url: str, **settings: object) -> FastAPI:
    from faircollect.api.app import create_app

    return create_app(Settings(**settings), database_url=url)  # type: ignore[arg-type]


def test_verify_endpoint_is_public_and_the_same_with_or_without_a_proof(
    sq: sessionmaker[Session], tmp_path: Path, sqlite_url: str
) -> None:
    msg = _sent_message(sq, tmp_path)
    client = TestClient(_app(sqlite_url))
    plain = client.get(f"/v1/verify/{msg.verification_code}")
    assert plain.status_code == 200 and plain.json()["genuine"] is True
    assert plain.headers["cache-control"] == "no-store"
    for proof in ("8000", "0000", "13800138000"):
        r = client.get(f"/v1/verify/{msg.verification_code}", params={"proof": proof})
        assert r.json() == plain.json()
        for secret in SECRETS:
            assert secret not in r.text, secret
    # the text needs the borrower signed in: no credentials → 401
    assert client.get(f"/v1/verify/{msg.verification_code}/message").status_code == 401


def test_a_strangers_failures_throttle_the_stranger_never_the_borrower(
    sq: sessionmaker[Session], tmp_path: Path, sqlite_url: str
) -> None:
    msg = _sent_message(sq, tmp_path)
    app = _app(sqlite_url, verify_failures_per_hour=5, verify_per_minute=100)
    stranger = TestClient(app, client=("203.0.113.9", 4000))
    borrower = TestClient(app, client=("198.51.100.7", 4000))
    guesses = [f"{n:08d}".replace("1", "2") for n in range(5)]
    for g in guesses:
        assert stranger.get(f"/v1/verify/{g}").json()["genuine"] is False
    blocked = stranger.get(f"/v1/verify/{msg.verification_code}")
    assert blocked.status_code == 429 and int(blocked.headers["retry-after"]) > 0
    # the borrower, elsewhere, is not locked out — neither from the public answer nor from their text
    assert borrower.get(f"/v1/verify/{msg.verification_code}").json()["genuine"] is True
    with unit_of_work(sq) as s:
        assert "1,234.56" in message_for_borrower(s, msg.verification_code, borrower_id=msg.borrower_id).body
    with sq() as s:
        failed = [r for r in s.scalars(select(AuditRecord)) if r.action == "messaging.verify_failed"]
    assert len(failed) == 5 and {r.payload["client"] for r in failed} == {"203.0.113.9"}  # type: ignore[index]
    assert {r.actor for r in failed} == {"anonymous:203.0.113.9"}


def test_spoofed_forwarding_headers_do_not_lift_the_limit(
    sq: sessionmaker[Session], tmp_path: Path, sqlite_url: str
) -> None:
    msg = _sent_message(sq, tmp_path)
    app = _app(sqlite_url, verify_per_minute=3, verify_failures_per_hour=100)
    client = TestClient(app, client=("203.0.113.9", 4000))
    codes = []
    for n in range(6):
        r = client.get(
            f"/v1/verify/{msg.verification_code}",
            headers={
                "X-Forwarded-For": f"10.0.{n}.{n}",
                "X-Real-IP": f"10.1.{n}.{n}",
                "Forwarded": f"for=10.2.0.{n}",
            },
        )
        codes.append(r.status_code)
    assert codes == [200, 200, 200, 429, 429, 429]
    # behind a trusted proxy, the forwarded address is the client (and each client has its own limit)
    proxied = TestClient(
        _app(sqlite_url, verify_per_minute=3, trusted_proxies="192.0.2.0/24"), client=("192.0.2.10", 4000)
    )
    for _n in range(3):
        assert (
            proxied.get("/v1/verify/ZZZZZZZZ", headers={"X-Forwarded-For": "198.51.100.1"}).status_code == 200
        )
    assert proxied.get("/v1/verify/ZZZZZZZZ", headers={"X-Forwarded-For": "198.51.100.1"}).status_code == 429
    assert proxied.get("/v1/verify/ZZZZZZZZ", headers={"X-Forwarded-For": "198.51.100.2"}).status_code == 200


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
    assert json.loads(ok.output)["genuine"] is True
    for secret in SECRETS:
        assert secret not in ok.output, secret
    bad = runner.invoke(app, ["verify", "ZZZZZZZZ", "--database-url", sqlite_url])
    assert bad.exit_code == 1 and "NOT GENUINE" in bad.output
