"""The block list holds no phone or ID in clear, blocks through the keyed blind index, and still blocks after
``keys rotate`` (the index is re-computed from the sealed value under the new key)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from faircollect.cli import app as cli
from faircollect.compliance.audit.models import AuditRecord
from faircollect.config import get_settings
from faircollect.db import unit_of_work
from faircollect.kit.errors import ValidationError
from faircollect.ledger import service as ledger
from faircollect.origination import service
from faircollect.origination.service import ApplicationData

from .applicants import GOOD_ATTRIBUTES, PRODUCT_TERMS


def _data(n: int, *, phone: str | None = None, id_number: str | None = None) -> ApplicationData:
    from datetime import date

    return ApplicationData(
        name="王小明",
        phone=phone or f"1380013{n:04d}",
        id_number=id_number or f"11010119900101{n:04d}",
        birth_date=date(1990, 1, 1),
        amount_minor=600000,
        term=12,
        monthly_income_minor=900000,
        monthly_obligations_minor=50000,
        consents={"credit_assessment": "2026-06-01T00:00:00Z"},
        attributes=GOOD_ATTRIBUTES,
    )


def test_blocked_values_are_sealed_block_applications_and_survive_a_key_rotation(
    sessions: sessionmaker[Session], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kek = tmp_path / "rot.key"
    monkeypatch.setenv("FAIRCOLLECT_KEK_FILE", str(kek))
    get_settings.cache_clear()
    with unit_of_work(sessions) as s:
        ledger.create_product(s, code="cash-12", name="cash", currency="CNY", terms=PRODUCT_TERMS)
        assert service.submit(s, data=_data(1)).outcome == "approve"  # not blocked yet
        service.block(s, kind="phone", value="138 0013 0002", reason="fraud report F-7", actor="t")
        service.block(s, kind="id_number", value="110101199001010003", reason="asked not to", actor="t")
        with pytest.raises(ValidationError):
            service.block(s, kind="email", value="a@b.c", reason="x", actor="t")
    with sessions() as s:
        dump = " ".join(str(r) for r in s.execute(text("SELECT * FROM application_block")).all())
    assert "13800130002" not in dump and "110101199001010003" not in dump and "fc1:" in dump

    def decide(n: int, **kw: str) -> tuple[str, list[str]]:
        with unit_of_work(sessions) as s:
            row = service.submit(s, data=_data(n, **kw))
            return row.outcome, [r["code"] for r in row.decision["reasons"]]

    outcome, reasons = decide(2)
    assert outcome == "decline" and reasons[0] == "BLOCKED"
    assert decide(3, phone=" 13800130003 ")[1][0] == "BLOCKED"  # blocked by its ID number
    url = sessions.kw["bind"].url.render_as_string(hide_password=False)
    out = CliRunner().invoke(cli, ["keys", "rotate", "--database-url", url])
    assert out.exit_code == 0, out.output
    get_settings.cache_clear()
    # After the rotation: the indexes were re-computed under the new key, so the same values are still blocked.
    assert decide(4, phone="+8613800130002")[1][0] == "BLOCKED"
    assert decide(5, id_number="110101199001010003")[1][0] == "BLOCKED"
    assert "BLOCKED" not in decide(6)[1]


def test_the_block_list_is_listed_masked_and_an_entry_removed_with_its_reason(
    sessions: sessionmaker[Session],
) -> None:
    url = sessions.kw["bind"].url.render_as_string(hide_password=False)
    with unit_of_work(sessions) as s:
        ledger.create_product(s, code="cash-12", name="cash", currency="CNY", terms=PRODUCT_TERMS)
        entry = service.block(s, kind="phone", value="13800130011", reason="fraud report F-9", actor="t")
    listed = CliRunner().invoke(
        cli, ["applications", "block-list", "--format", "json", "--database-url", url]
    )
    assert listed.exit_code == 0, listed.output
    rows = json.loads(listed.stdout)
    assert [(r["id"], r["value"], r["reason"]) for r in rows] == [
        (entry.id, "138****0011", "fraud report F-9")
    ]
    assert "13800130011" not in listed.stdout
    with unit_of_work(sessions) as s:
        assert service.submit(s, data=_data(11)).decision["reasons"][0]["code"] == "BLOCKED"
    bad = CliRunner().invoke(
        cli, ["applications", "unblock", "blk_nope", "--reason", "x", "--database-url", url]
    )
    assert bad.exit_code == 2 and "no block-list entry" in bad.output
    out = CliRunner().invoke(
        cli, ["applications", "unblock", entry.id, "--reason", "reviewed: not fraud", "--database-url", url]
    )
    assert out.exit_code == 0, out.output
    with sessions() as s:
        assert service.block_list(s) == []
        audit = s.execute(
            select(AuditRecord).where(AuditRecord.action == "origination.unblocked")
        ).scalar_one()
        assert audit.subject_id == entry.id and "reviewed: not fraud" in json.dumps(audit.payload)
    with unit_of_work(sessions) as s:
        reasons = [
            r["code"] for r in service.submit(s, data=_data(12, phone="13800130011")).decision["reasons"]
        ]
        assert "BLOCKED" not in reasons
