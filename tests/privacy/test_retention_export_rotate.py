"""Retention by the rulebook's keep period (crypto-shredding, the audit chain still verifies), the subject-access
export, and rotation of the key-encryption key."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, update
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from faircollect.api.app import create_app
from faircollect.cli import app as cli
from faircollect.compliance.audit import service as audit
from faircollect.compliance.audit.models import AuditRecord
from faircollect.config import Settings, get_settings
from faircollect.ledger import service as ledger
from faircollect.ledger.models import Borrower
from faircollect.privacy import retention
from faircollect.privacy.export import export_borrower

TERMS = {"annual_rate": "0.12", "method": "equal_instalment", "term": 12, "frequency": "monthly"}
LONG_AGO = datetime(2019, 1, 1, tzinfo=UTC)
NOW = datetime(2026, 12, 1, tzinfo=UTC)


def _book(sessions: sessionmaker[Session]) -> dict[str, str]:
    with sessions.begin() as s:
        old = ledger.create_borrower(s, name="张老", phone="13800138000", id_number="110101199003074514")
        us = ledger.create_borrower(s, name="John Old", phone="2025550147", jurisdiction="US")
        recent = ledger.create_borrower(s, name="李新", phone="13900139000")
        live = ledger.create_borrower(s, name="王活", phone="13700137000")
        loan = ledger.create_loan(
            s,
            borrower_id=live.id,
            terms={**TERMS, "principal": "1000.00", "start_date": "2019-01-15"},
            approve=True,
        )
        ledger.disburse(s, loan_id=loan.id, date=date(2019, 1, 15))
        ids = {"old": old.id, "us": us.id, "recent": recent.id, "live": live.id}
    with sessions.begin() as s:
        s.execute(
            update(Borrower).where(Borrower.id.in_([ids["old"], ids["live"]])).values(created_at=LONG_AGO)
        )
        s.execute(
            update(Borrower)
            .where(Borrower.id == ids["us"])
            .values(created_at=datetime(2023, 6, 1, tzinfo=UTC))
        )
    return ids


def test_the_keep_period_is_read_from_each_rulebook() -> None:
    assert retention.keep_period("CN") == ("CN-AUDIT-RETENTION-5Y", 5)
    assert retention.keep_period("US") == ("US-RECORDS", 3)
    assert retention.keep_period("UK") == ("UK-RECORDS-6Y", 6)


def test_retention_erases_only_what_is_past_its_period_and_the_chain_still_verifies(
    sessions: sessionmaker[Session],
) -> None:
    ids = _book(sessions)
    with sessions.begin() as s:
        due = retention.run(s, as_of=NOW, actor="t", dry_run=True)
    assert {e.subject for e in due} == {ids["old"], ids["us"]}  # US: 3 years; the live loan keeps 王活
    with sessions.begin() as s:
        retention.run(s, as_of=NOW, actor="system:retention")
    with sessions.begin() as s:
        gone, us, kept = (s.get(Borrower, ids[k]) for k in ("old", "us", "recent"))
        assert gone is not None and (gone.name, gone.phone, gone.id_number) == (None, None, None)
        assert us is not None and us.phone is None
        assert kept is not None and kept.phone == "+8613900139000"
        assert (
            ledger.find_borrowers(s, phone="13800138000")[0].id == ids["old"]
        )  # the row stays, its data not
        erased = s.execute(select(AuditRecord).where(AuditRecord.action == "privacy.erased")).scalars().all()
        assert {r.subject_id for r in erased} == {ids["old"], ids["us"]}
        assert erased[0].payload["reason"] == "retention"
        assert audit.verify(s, receipts=audit.receipt_sink().read()).ok
    with sessions.begin() as s:
        assert retention.run(s, as_of=NOW, actor="t") == []  # nothing twice


def test_export_holds_everything_about_the_person_in_clear_and_nothing_of_others(
    sessions: sessionmaker[Session],
) -> None:
    ids = _book(sessions)
    with sessions.begin() as s:
        ledger.add_contact(s, borrower_id=ids["live"], role="guarantor", name="赵保", phone="13600136000")
    with sessions() as s:
        out = export_borrower(s, ids["live"])
    text = json.dumps(out, ensure_ascii=False)
    assert out["borrower"]["phone"] == "+8613700137000" and out["borrower"]["name"] == "王活"
    assert "phone_enc" not in out["borrower"] and "phone_bidx" not in out["borrower"]
    assert out["held"]["borrower_contact"][0]["phone"] == "+8613600136000"
    assert {"loan", "loan_event", "audit_record"} <= set(out["held"])
    assert "张老" not in text and "13800138000" not in text
    json.loads(text)  # machine-readable


@pytest.fixture
def client(db_url: str, token_for: Callable[..., dict[str, str]]) -> tuple[TestClient, dict[str, str], str]:
    headers = token_for(db_url, "admin")
    app = create_app(Settings(), database_url=db_url)
    return TestClient(app), headers, db_url


def test_export_api_needs_a_reason_and_is_audited(client: tuple[TestClient, dict[str, str], str]) -> None:
    c, headers, _url = client
    with c:
        bid = c.post("/v1/borrowers", headers=headers, json={"name": "张三", "phone": "13800138000"}).json()[
            "id"
        ]
        assert c.get(f"/v1/borrowers/{bid}/export", headers=headers).status_code == 422
        r = c.get(f"/v1/borrowers/{bid}/export", headers=headers, params={"reason": "SAR-2026-17"})
        assert r.status_code == 200, r.text
        assert r.json()["borrower"]["phone"] == "+8613800138000"
        again = c.get(f"/v1/borrowers/{bid}/export", headers=headers, params={"reason": "SAR-2026-17"}).json()
        assert any("SAR-2026-17" in json.dumps(a["payload"]) for a in again["held"]["audit_record"])


def test_keys_rotate_rewraps_every_key_and_lookups_still_work(
    sessions: sessionmaker[Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kek = tmp_path / "rot.key"
    monkeypatch.setenv("FAIRCOLLECT_KEK_FILE", str(kek))
    get_settings.cache_clear()
    ids = _book(sessions)
    old_text = kek.read_text()
    url = sessions.kw["bind"].url.render_as_string(hide_password=False)
    out = CliRunner().invoke(cli, ["keys", "rotate", "--database-url", url])
    assert out.exit_code == 0, out.output
    assert kek.read_text() != old_text and list(tmp_path.glob("rot.key.retired-*"))
    get_settings.cache_clear()
    with sessions() as s:
        b = s.get(Borrower, ids["old"])
        assert b is not None and b.phone == "+8613800138000"
        assert [x.id for x in ledger.find_borrowers(s, phone="13800138000")] == [ids["old"]]
        assert [x.id for x in ledger.find_borrowers(s, id_number="110101199003074514")] == [ids["old"]]
