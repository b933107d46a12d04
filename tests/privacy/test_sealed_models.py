"""Personal data in the domain tables is stored sealed: no clear phone, e-mail, ID or name in any row; reads,
lookups through blind indexes, erasure by key destruction, and the guard against clear bulk inserts."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import insert, text
from sqlalchemy.orm import Session, sessionmaker

from faircollect.api.app import create_app
from faircollect.compliance.models import ContactAttempt
from faircollect.config import Settings
from faircollect.kit.time import utc_now
from faircollect.ledger import service as ledger
from faircollect.ledger.models import Borrower, BorrowerContact
from faircollect.privacy import destroy

KEY: dict[str, str] = {}
PHONE, ID, EMAIL = "13800138000", "110101199003074514", "zhang.san@example.com"


def _raw_rows(s: Session, table: str) -> str:
    return repr(s.execute(text(f"SELECT * FROM {table}")).all())


def test_borrower_and_contact_rows_hold_no_personal_data_in_clear(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        b = ledger.create_borrower(s, name="张三丰", phone=PHONE, email=EMAIL, id_number=ID)
        ledger.add_contact(s, borrower_id=b.id, role="guarantor", name="李四", phone="13900139000")
        bid = b.id
    with sessions.begin() as s:
        dump = _raw_rows(s, "borrower") + _raw_rows(s, "borrower_contact")
        for clear in (PHONE, ID, EMAIL, "张三丰", "李四", "13900139000", "zhang.san"):
            assert clear not in dump
        b2 = s.get(Borrower, bid)
        assert b2 is not None
        assert (b2.name, b2.phone, b2.email, b2.id_number) == ("张三丰", "+8613800138000", EMAIL, ID)
        (c,) = s.query(BorrowerContact).filter_by(borrower_id=bid).all()
        assert (c.name, c.phone) == ("李四", "+8613900139000")


def test_lookup_by_phone_in_any_format_and_by_id_number(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        bid = ledger.create_borrower(s, name="张三", phone=PHONE, id_number=ID).id
        ledger.create_borrower(s, name="王五", phone="13900139000")
    with sessions.begin() as s:
        for phone in ("138 0013 8000", "+86-138-0013-8000", "+8613800138000"):
            assert [b.id for b in ledger.find_borrowers(s, phone=phone)] == [bid]
        assert [b.id for b in ledger.find_borrowers(s, id_number=ID.lower())] == [bid]
        assert ledger.find_borrowers(s, phone=PHONE, id_number="110101199003070000") == []


def test_an_invalid_phone_is_refused_naming_the_field(sessions: sessionmaker[Session]) -> None:
    from faircollect.kit.errors import ValidationError

    with sessions.begin() as s, pytest.raises(ValidationError) as exc:
        ledger.create_borrower(s, name="张三", phone="abc")
    assert exc.value.field == "phone"


def test_after_erasure_the_rows_remain_but_their_personal_data_is_gone(
    sessions: sessionmaker[Session],
) -> None:
    with sessions.begin() as s:
        bid = ledger.create_borrower(s, name="张三", phone=PHONE, id_number=ID).id
        other = ledger.create_borrower(s, name="李四", phone="13900139000").id
    with sessions.begin() as s:
        destroy(s, [bid], reason="test")
    with sessions.begin() as s:
        b, o = s.get(Borrower, bid), s.get(Borrower, other)
        assert b is not None and o is not None
        assert (b.name, b.phone, b.id_number) == (None, None, None)
        assert (o.name, o.phone) == ("李四", "+8613900139000")


def test_a_bulk_insert_with_clear_personal_data_is_refused(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        bid = ledger.create_borrower(s, name="张三").id
    row = {
        "id": "att1",
        "borrower_id": bid,
        "loan_id": None,
        "channel": "sms",
        "recipient_role": "borrower",
        "purpose": "collect",
        "address": PHONE,
        "at": utc_now(),
        "outcome": "sent",
        "agency_id": None,
        "actor": "t",
        "decision_ref": None,
        "created_at": utc_now(),
    }
    with sessions.begin() as s, pytest.raises(TypeError, match="seal_rows"):
        s.execute(insert(ContactAttempt), [row])


@pytest.fixture
def client(db_url: str, token_for: Callable[..., dict[str, str]]) -> Iterator[TestClient]:
    KEY.clear()
    KEY.update(token_for(db_url, "admin"))
    app = create_app(Settings(), database_url=db_url)
    with TestClient(app) as c:
        yield c
    app.state.engine.dispose()


def test_api_finds_a_borrower_by_phone_id_number_or_external_ref(client: TestClient) -> None:
    r = client.post(
        "/v1/borrowers",
        headers=KEY,
        json={"name": "张三丰", "phone": PHONE, "id_number": ID, "external_ref": "CUST-1"},
    )
    assert r.status_code == 201, r.text
    bid = r.json()["id"]
    client.post("/v1/borrowers", headers=KEY, json={"name": "李四", "phone": "13900139000"})
    for params in ({"phone": "138-0013-8000"}, {"id_number": ID}, {"external_ref": "CUST-1"}):
        found = client.get("/v1/borrowers", headers=KEY, params=params)
        assert found.status_code == 200, found.text
        assert [b["id"] for b in found.json()] == [bid]
        assert PHONE not in found.text and found.json()[0]["phone"] == "138****8000"
    assert client.get("/v1/borrowers", headers=KEY, params={"phone": "13700137000"}).json() == []
    bad = client.get("/v1/borrowers", headers=KEY)
    assert bad.status_code == 422
    assert client.get("/v1/borrowers", headers=KEY, params={"phone": "abc"}).status_code == 422


def test_seal_rows_for_new_subjects_uses_a_stored_key_and_refuses_an_erased_one(
    sessions: sessionmaker[Session],
) -> None:
    """``seal_rows(new=True)`` (the import's new borrowers) inserts the data keys without looking them up first:
    a subject that has a key already keeps it (its value opens under the stored key), a fresh one gets one that
    opens, a row with no personal data gets none, and an erased subject is refused."""
    from faircollect.privacy.models import DataKey
    from faircollect.privacy.sealed import seal_rows
    from faircollect.privacy.vault import Erased, decrypt, encrypt

    now = utc_now()

    def row(bid: str, phone: str | None) -> dict[str, object]:
        return {
            "id": bid,
            "external_ref": bid,
            "name": None if phone is None else "王五",
            "phone": phone,
            "email": None,
            "id_number": None,
            "timezone": None,
            "jurisdiction": "CN",
            "language": "zh-CN",
            "created_at": now,
        }

    with sessions.begin() as s:
        encrypt(s, "bor_old", "x", field_name="t.f")  # a key stored before
        stored = s.get(DataKey, "bor_old")
        assert stored is not None
        before = stored.wrapped
    with sessions.begin() as s:
        sealed = seal_rows(
            s,
            Borrower,
            [row("bor_old", "13800138000"), row("bor_new", "13900139000"), row("bor_none", None)],
            new=True,
        )
        s.execute(insert(Borrower.__table__), sealed)
    with sessions.begin() as s:
        assert s.get(DataKey, "bor_old").wrapped == before  # type: ignore[union-attr]
        assert s.get(DataKey, "bor_none") is None
        assert decrypt(s, "bor_old", sealed[0]["phone_enc"], field_name="borrower.phone") == "13800138000"
        assert decrypt(s, "bor_new", sealed[1]["phone_enc"], field_name="borrower.phone") == "13900139000"
        assert sealed[2]["phone_enc"] is None and sealed[2]["phone_bidx"] is None
        destroy(s, ["bor_new"], reason="test")
    with sessions.begin() as s, pytest.raises(Erased):
        seal_rows(s, Borrower, [row("bor_new", "13900139000")], new=True)
