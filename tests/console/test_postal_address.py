"""A borrower's postal address for letters: created or imported through the API, sealed at rest with the privacy
module, shown masked unless revealed, and used by the console's letter composer (through the gate)."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select, text

from faircollect.api.app import create_app
from faircollect.compliance.audit.models import AuditRecord
from faircollect.config import Settings
from faircollect.db import make_engine, session_factory, unit_of_work, upgrade
from faircollect.kit.errors import ValidationError
from faircollect.kit.masking import mask_postal_address
from faircollect.ledger import addresses
from faircollect.ledger.models import Borrower

KEYS = "k-ops=ops:admin,k-zhou=zhou:supervisor,k-wang=wang:agent"
HOME = "上海市浦东新区世纪大道100号\n3号楼1201室"


@pytest.fixture
def client(sqlite_url: str) -> TestClient:
    upgrade(sqlite_url)
    return TestClient(create_app(Settings(api_keys=KEYS), database_url=sqlite_url))


def test_mask_keeps_only_the_opening_of_the_address() -> None:
    assert mask_postal_address(HOME) == "上海市浦东****"
    assert mask_postal_address("10 Downing Street\nLondon SW1A 2AA") == "10 Do****"
    assert "1201" not in mask_postal_address(HOME) and "SW1A" not in mask_postal_address(
        "1 A St\nLondon SW1A 2AA"
    )


def test_created_through_the_api_sealed_at_rest_masked_unless_revealed(
    client: TestClient, sqlite_url: str
) -> None:
    ops = {"X-API-Key": "k-ops"}
    b = client.post(
        "/v1/borrowers", headers=ops, json={"name": "张三丰", "phone": "13800138000", "address": HOME}
    )
    assert b.status_code == 201, b.text
    assert b.json()["address"] == "上海市浦东****"
    bid = b.json()["id"]
    got = client.get(f"/v1/borrowers/{bid}", headers=ops).json()
    assert got["address"] == "上海市浦东****" and got["masked"]
    shown = client.post(
        f"/v1/borrowers/{bid}/reveal",
        headers={"X-API-Key": "k-zhou"},
        json={"reason": "letter returned, check it"},
    )
    assert shown.status_code == 200 and shown.json()["address"] == HOME
    engine = make_engine(sqlite_url)
    with engine.connect() as conn:
        raw = conn.execute(text("select address_enc from borrower where id = :i"), {"i": bid}).scalar_one()
    assert raw and "浦东" not in raw and "1201" not in raw  # ciphertext only
    with session_factory(engine)() as s:
        assert s.get(Borrower, bid).address == HOME  # type: ignore[union-attr]
    engine.dispose()


def test_set_and_import_all_or_nothing_idempotent_and_audited(client: TestClient, sqlite_url: str) -> None:
    ops = {"X-API-Key": "k-ops"}
    ids = [
        client.post("/v1/borrowers", headers=ops, json={"name": n, "external_ref": r}).json()["id"]
        for n, r in (("李四", "B-1"), ("王五", "B-2"))
    ]
    assert (
        client.put(
            f"/v1/borrowers/{ids[0]}/address", headers={"X-API-Key": "k-wang"}, json={"address": HOME}
        ).status_code
        == 403
    )
    put = client.put(f"/v1/borrowers/{ids[0]}/address", headers=ops, json={"address": HOME})
    assert put.status_code == 200 and put.json()["address"] == "上海市浦东****"
    rows = [
        {"borrower_ref": "B-1", "address": HOME},
        {"borrower_ref": "B-2", "address": "北京市朝阳区建国路1号"},
    ]
    bad = client.post(
        "/v1/borrowers/addresses",
        headers=ops,
        json={"rows": [*rows, {"borrower_ref": "B-9", "address": "x市y路"}]},
    )
    assert bad.status_code == 422 and bad.json()["row"] == 3 and bad.json()["field"] == "borrower_ref"
    done = client.post("/v1/borrowers/addresses", headers=ops, json={"rows": rows})
    assert done.status_code == 200 and done.json() == {"changed": 1, "unchanged": 1}  # B-1 already had it
    again = client.post("/v1/borrowers/addresses", headers=ops, json={"rows": rows})
    assert again.json() == {"changed": 0, "unchanged": 2}
    too_many = client.put(
        f"/v1/borrowers/{ids[1]}/address", headers=ops, json={"address": "\n".join("a路" for _ in range(7))}
    )
    assert too_many.status_code == 422
    engine = make_engine(sqlite_url)
    with session_factory(engine)() as s:
        actions = [
            r.action for r in s.scalars(select(AuditRecord)) if r.action.startswith("ledger.borrower.address")
        ]
        assert actions == ["ledger.borrower.address_set", "ledger.borrower.address_set"]
        assert all(HOME not in str(r.payload) for r in s.scalars(select(AuditRecord)))
    engine.dispose()


def test_check_address_names_row_and_field() -> None:
    with pytest.raises(ValidationError) as e:
        addresses.check_address("上海\x00市", row=4, file="addresses.csv")
    assert (e.value.row, e.value.field, e.value.file) == (4, "address", "addresses.csv")
    assert addresses.check_address("  上海市\r\n\r\n  浦东新区  ") == "上海市\n浦东新区"
    assert addresses.check_address("   ") is None


def test_the_letter_composer_sends_to_the_address_through_the_gate(demo_url: str) -> None:
    from faircollect.collections.models import CollectionCase
    from faircollect.compliance.contact import Channel
    from faircollect.console import workspace
    from faircollect.messaging.models import OutboxMessage

    factory = session_factory(make_engine(demo_url))
    at = datetime(2026, 4, 1, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai
    with unit_of_work(factory) as s:
        case = s.execute(select(CollectionCase).where(CollectionCase.status == "open")).scalars().first()
        assert case is not None
        case_id, bid = case.id, case.borrower_id
        s.get(Borrower, bid).address = None  # type: ignore[union-attr]
    with unit_of_work(factory) as s, pytest.raises(ValidationError, match="no letter address"):
        workspace.send_message(
            s, case_id=case_id, channel=Channel.LETTER, body="您好", at=at, actor="staff:t"
        )
    with unit_of_work(factory) as s:
        addresses.set_address(s, borrower_id=bid, address=HOME, actor="staff:t")
        assert workspace.postal_address(s, bid) == "上海市浦东****"
        assert workspace.postal_address(s, bid, unmasked=True) == HOME
        sent = workspace.send_message(
            s, case_id=case_id, channel=Channel.LETTER, body="您好，关于您的借款，请与我们联系。", at=at,
            actor="staff:t",
        )  # fmt: skip
        assert sent.outbox_id is not None, sent.decision.reasons
        assert s.get(OutboxMessage, sent.outbox_id).address == HOME  # type: ignore[union-attr]


def test_cli_imports_addresses_from_a_gbk_csv_all_or_nothing(sqlite_url: str, tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from faircollect.cli import app
    from faircollect.ledger import service

    upgrade(sqlite_url)
    engine = make_engine(sqlite_url)
    with unit_of_work(session_factory(engine)) as s:
        service.create_borrower(s, name="李四", external_ref="B-1")
    bad = tmp_path / "bad.csv"
    bad.write_bytes("borrower_ref,address\nB-1,上海市浦东新区\nB-9,北京市朝阳区\n".encode("gbk"))
    run = CliRunner().invoke(app, ["borrower", "addresses", str(bad), "--database-url", sqlite_url])
    assert run.exit_code == 1 and "row 2" in run.output and "borrower_ref" in run.output
    with session_factory(engine)() as s:
        assert s.execute(select(Borrower)).scalars().one().address is None  # nothing written
    good = tmp_path / "good.csv"
    good.write_bytes("borrower_ref,address\nB-1,上海市浦东新区世纪大道100号\n".encode("gbk"))
    run = CliRunner().invoke(app, ["borrower", "addresses", str(good), "--database-url", sqlite_url])
    assert run.exit_code == 0 and "1 addresses set" in run.output and "世纪大道" not in run.output
    again = CliRunner().invoke(app, ["borrower", "addresses", str(good), "--database-url", sqlite_url])
    assert "0 addresses set, 1 already on file" in again.output
    shown = CliRunner().invoke(
        app, ["borrower", "show", "B-1", "--database-url", sqlite_url, "--format", "json"]
    )
    assert '"address": "上海市浦东****"' in shown.output
    engine.dispose()
