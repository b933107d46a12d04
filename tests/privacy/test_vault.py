"""Envelope encryption, blind indexes and phone normalisation: the privacy module's contract."""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from faircollect.config import get_settings
from faircollect.kit.errors import ValidationError
from faircollect.privacy import (
    Erased,
    Item,
    blind_index,
    decrypt,
    decrypt_many,
    destroy,
    encrypt,
    encrypt_many,
    normalise_phone,
)
from faircollect.privacy.keys import KeyError_, current_kek
from faircollect.privacy.models import DataKey
from faircollect.privacy.vault import keyring, open_with, seal_with


def test_phone_is_normalised_to_e164_in_the_jurisdictions_region() -> None:
    assert normalise_phone("138 0013 8000") == "+8613800138000"
    assert normalise_phone("+86 138-0013-8000") == "+8613800138000"
    assert normalise_phone("(202) 555-0147", jurisdiction="US") == "+12025550147"
    assert normalise_phone("07911 123456", jurisdiction="UK") == "+447911123456"


@pytest.mark.parametrize("bad", ["abc", "", "123", "+86 1380013800099"])
def test_invalid_phone_is_refused_naming_the_field(bad: str) -> None:
    with pytest.raises(ValidationError) as exc:
        normalise_phone(bad, field="borrower.phone")
    assert exc.value.field == "borrower.phone"


def test_blind_index_is_keyed_normalised_and_kind_separated(tmp_path: Path, monkeypatch) -> None:
    a = blind_index("phone", "13800138000")
    assert a == blind_index("phone", "+86 138 0013 8000")
    assert a != blind_index("id_number", "13800138000")
    assert blind_index("email", "Li.Wei@Example.com") == blind_index("email", "li.wei@example.com ")
    assert len(a) == 64 and "13800138000" not in a
    monkeypatch.setenv("FAIRCOLLECT_KEK_FILE", str(tmp_path / "other.key"))
    get_settings.cache_clear()
    assert blind_index("phone", "13800138000") != a  # another key, another index


def test_kek_file_is_created_owner_only(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setenv("FAIRCOLLECT_KEK_FILE", str(tmp_path / "kek.key"))
    get_settings.cache_clear()
    current_kek()
    mode = stat.S_IMODE(os.stat(tmp_path / "kek.key").st_mode)
    assert mode == 0o600


def test_kek_from_the_environment_wins(monkeypatch, tmp_path: Path) -> None:
    import base64

    monkeypatch.setenv("FAIRCOLLECT_KEK_FILE", str(tmp_path / "kek.key"))
    monkeypatch.setenv("FAIRCOLLECT_KEK", base64.b64encode(b"k" * 32).decode())
    get_settings.cache_clear()
    assert current_kek().id != ""
    assert not (tmp_path / "kek.key").exists()
    monkeypatch.setenv("FAIRCOLLECT_KEK", "not base64!")
    get_settings.cache_clear()
    with pytest.raises(KeyError_):
        current_kek()


@given(st.text(max_size=300))
def test_seal_then_open_is_identity_and_bound_to_subject_and_field(text: str) -> None:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    aead = AESGCM(AESGCM.generate_key(bit_length=256))
    token = seal_with(aead, "B1", "borrower.phone", text)
    assert open_with(aead, "B1", "borrower.phone", token) == text
    with pytest.raises(KeyError_):
        open_with(aead, "B2", "borrower.phone", token)
    with pytest.raises(KeyError_):
        open_with(aead, "B1", "borrower.email", token)


def test_encrypt_decrypt_round_trip_with_one_data_key_per_subject(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        t1 = encrypt(s, "B1", "+8613800138000", field_name="borrower.phone")
        t2 = encrypt(s, "B2", "+8613900139000", field_name="borrower.phone")
    assert t1 and t1.startswith("fc1:") and "13800138000" not in t1
    with sessions.begin() as s:
        assert decrypt(s, "B1", t1, field_name="borrower.phone") == "+8613800138000"
        assert decrypt(s, "B2", t2, field_name="borrower.phone") == "+8613900139000"
        keys = s.execute(select(DataKey)).scalars().all()
        assert {k.subject_id for k in keys} == {"B1", "B2"}
        assert all(k.wrapped and len(k.wrapped) == 12 + 32 + 16 for k in keys)


def test_batch_encrypt_uses_one_key_per_subject(sessions: sessionmaker[Session]) -> None:
    items = [Item(f"B{i % 50}", "outbox_message.body", f"你好 {i}") for i in range(500)]
    with sessions.begin() as s:
        tokens = encrypt_many(s, items)
    with sessions.begin() as s:
        assert s.query(DataKey).count() == 50
        back = decrypt_many(s, [Item(i.subject, i.field_name, t) for i, t in zip(items, tokens, strict=True)])
    assert back == [i.value for i in items]


def test_destroying_a_data_key_erases_its_data_for_good(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        token = encrypt(s, "B1", "110101199003074514", field_name="borrower.id_number")
        keep = encrypt(s, "B2", "110101199003074515", field_name="borrower.id_number")
    with sessions.begin() as s:
        assert destroy(s, ["B1"], reason="retention") == 1
        assert destroy(s, ["B1"], reason="again") == 0
    with sessions.begin() as s:
        assert decrypt(s, "B1", token, field_name="borrower.id_number") is None
        assert decrypt(s, "B2", keep, field_name="borrower.id_number") == "110101199003074515"
        with pytest.raises(Erased):
            encrypt(s, "B1", "anything", field_name="borrower.phone")


def test_data_keys_do_not_open_under_another_kek(
    sessions: sessionmaker[Session], tmp_path: Path, monkeypatch
) -> None:
    with sessions.begin() as s:
        token = encrypt(s, "B1", "x", field_name="borrower.phone")
    monkeypatch.setenv("FAIRCOLLECT_KEK_FILE", str(tmp_path / "stranger.key"))
    get_settings.cache_clear()
    with sessions.begin() as s, pytest.raises(KeyError_, match="wrapped under KEK"):
        decrypt(s, "B1", token, field_name="borrower.phone")


def test_keyring_reads_after_the_session_closed(sessions: sessionmaker[Session]) -> None:
    with sessions.begin() as s:
        token = encrypt(s, "B1", "李四", field_name="borrower.name")
    s = sessions()
    ring = keyring(s)
    s.close()
    assert ring.open(None, "B1", "borrower.name", token) == "李四"


def test_processes_creating_the_kek_file_together_all_get_the_same_key(tmp_path: Path) -> None:
    """The import's forked workers may be the first to need the KEK on a fresh install: they all end up with the
    one secret written (before: an empty read, or two secrets — one process's blind indexes under a lost key)."""
    import multiprocessing

    from faircollect.privacy.keys import _load

    ctx = multiprocessing.get_context("fork")
    for attempt in range(25):
        path = tmp_path / f"keys{attempt}" / "kek"
        barrier = ctx.Barrier(6)
        out = ctx.Queue()

        def load(path: Path = path, barrier: Any = barrier, out: Any = out) -> None:
            barrier.wait()
            try:
                out.put(_load("", str(path), 1).id)
            except Exception as exc:  # reported, not lost in the child
                out.put(f"error: {exc}")

        procs = [ctx.Process(target=load) for _ in range(6)]
        for pr in procs:
            pr.start()
        ids = [out.get(timeout=30) for _ in procs]
        for pr in procs:
            pr.join()
        assert len(set(ids)) == 1 and not ids[0].startswith("error"), (attempt, ids)
        assert _load("", str(path), 2).id == ids[0]
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
        assert [p.name for p in path.parent.iterdir()] == ["kek"]
