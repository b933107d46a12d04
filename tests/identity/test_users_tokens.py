"""Users and tokens through the CLI and the API: issue, use, expire, revoke, disable; dev keys; passwords."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from fastapi.testclient import TestClient
from freezegun import freeze_time
from typer.testing import CliRunner

from faircollect.api.app import create_app
from faircollect.cli import app as cli
from faircollect.config import Settings
from faircollect.db import make_engine, session_factory, unit_of_work
from faircollect.identity import passwords, service
from faircollect.identity.devkeys import parse_dev_keys
from faircollect.identity.startup import identity_warnings
from faircollect.kit.errors import ValidationError
from faircollect.kit.time import utc_now

runner = CliRunner()


def _run(*args: str) -> str:
    r = runner.invoke(cli, list(args))
    assert r.exit_code == 0, r.output
    return r.stdout


def test_cli_users_and_tokens_round_trip(db_url: str) -> None:
    db = ["--database-url", db_url]
    assert "added staff user ann (supervisor)" in _run("users", "add", "ann", "--role", "supervisor", *db)
    _run("users", "add", "pay-bridge", "--role", "integration", *db)
    bad = runner.invoke(cli, ["users", "add", "ag1", "--role", "agency_agent", *db])
    assert bad.exit_code == 2 and "--agency" in bad.output
    unknown = runner.invoke(cli, ["users", "add", "x", "--role", "boss", *db])
    assert unknown.exit_code == 2 and "unknown role 'boss'" in unknown.output
    listed = json.loads(_run("users", "list", "--format", "json", *db))
    assert {(u["username"], u["kind"], tuple(u["roles"])) for u in listed} == {
        ("ann", "staff", ("supervisor",)),
        ("pay-bridge", "machine", ("integration",)),
    }
    out = _run("tokens", "issue", "ann", "--expires-days", "7", *db)
    token = out.strip().splitlines()[-1]
    assert token.startswith("fct_") and " " not in token and len(token) > 40

    client = TestClient(create_app(Settings(), database_url=db_url))
    bearer = {"Authorization": f"Bearer {token}"}
    assert client.get("/v1/collections/cases", headers=bearer).status_code == 200
    assert client.get("/v1/collections/cases").status_code == 401
    assert client.get("/v1/collections/cases", headers={"Authorization": token}).status_code == 401
    # a supervisor may not write off a loan
    assert client.post("/v1/loans/x/write-off", headers=bearer, json={}).status_code == 403

    _run("tokens", "revoke", token[:10], *db)
    r = client.get("/v1/collections/cases", headers=bearer)
    assert r.status_code == 401 and "revoked" in r.json()["message"]
    assert r.headers["www-authenticate"] == "Bearer"

    token2 = _run("tokens", "issue", "ann", *db).strip().splitlines()[-1]
    assert (
        client.get("/v1/collections/cases", headers={"Authorization": f"Bearer {token2}"}).status_code == 200
    )
    _run("users", "disable", "ann", *db)
    r = client.get("/v1/collections/cases", headers={"Authorization": f"Bearer {token2}"})
    assert r.status_code == 401 and "disabled" in r.json()["message"]
    client.app.state.engine.dispose()  # type: ignore[attr-defined]


def test_an_expired_token_is_refused(sqlite_url: str) -> None:
    from faircollect.db import upgrade

    upgrade(sqlite_url)
    engine = make_engine(sqlite_url)
    with unit_of_work(session_factory(engine)) as s:
        service.add_user(s, username="aud", roles=["auditor"], actor="test")
        issued = service.issue_token(s, username="aud", actor="test", expires_days=1)
    client = TestClient(create_app(Settings(), database_url=sqlite_url))
    h = {"Authorization": f"Bearer {issued.secret}"}
    assert client.get("/v1/products", headers=h).status_code == 200
    with freeze_time(utc_now() + timedelta(days=1, seconds=1)):
        r = client.get("/v1/products", headers=h)
    assert r.status_code == 401 and "expired" in r.json()["message"]
    engine.dispose()


def test_only_the_token_hash_is_stored(sqlite_url: str) -> None:
    from sqlalchemy import text

    from faircollect.db import upgrade

    upgrade(sqlite_url)
    engine = make_engine(sqlite_url)
    with unit_of_work(session_factory(engine)) as s:
        service.add_user(s, username="ops", roles=["admin"], actor="test")
        issued = service.issue_token(s, username="ops", actor="test")
    with engine.connect() as conn:
        dump = " ".join(str(v) for row in conn.execute(text("select * from identity_token")) for v in row)
        audit = " ".join(str(v) for row in conn.execute(text("select * from audit_record")) for v in row)
    assert issued.secret not in dump and issued.secret not in audit
    assert issued.secret[:10] in dump  # the prefix names it in lists
    engine.dispose()


def test_passwords_are_argon2id_and_checked() -> None:
    h = passwords.hash_password("correct horse battery")
    assert h.startswith("$argon2id$")
    assert passwords.verify_password(h, "correct horse battery")
    assert not passwords.verify_password(h, "correct horse batterx")
    assert not passwords.verify_password(None, "anything at all")
    assert not passwords.verify_password("not-a-hash", "anything at all")
    with pytest.raises(ValueError, match="12 characters"):
        passwords.hash_password("short")


def test_password_sign_in_refuses_alike_unknown_wrong_and_disabled(sqlite_url: str) -> None:
    from faircollect.db import upgrade
    from faircollect.identity.errors import NotAuthenticated

    upgrade(sqlite_url)
    engine = make_engine(sqlite_url)
    with unit_of_work(session_factory(engine)) as s:
        service.add_user(s, username="li", roles=["agent"], password="a long passphrase", actor="test")
        with pytest.raises(ValidationError):
            service.add_user(s, username="li2", roles=["agent"], password="short", actor="test")
    with unit_of_work(session_factory(engine)) as s:
        p = service.authenticate_password(s, username="li", password="a long passphrase")
        assert (p.kind, p.name, p.roles, p.actor) == ("staff", "li", frozenset({"agent"}), "staff:li")
        messages = set()
        for user, pw in (("li", "wrong passphrase!"), ("nobody", "a long passphrase")):
            with pytest.raises(NotAuthenticated) as e:
                service.authenticate_password(s, username=user, password=pw)
            messages.add(str(e.value))
        service.disable_user(s, username="li", actor="test")
        with pytest.raises(NotAuthenticated) as e:
            service.authenticate_password(s, username="li", password="a long passphrase")
        messages.add(str(e.value))
    assert len(messages) == 1
    engine.dispose()


def test_dev_keys_must_name_an_identity_and_a_role() -> None:
    keys = parse_dev_keys("k1=ops:admin, k2=wu:agency_agent:agy_1")
    assert [(k.principal.actor, k.principal.roles, k.principal.agency_id) for k in keys] == [
        ("dev:ops", frozenset({"admin"}), None),
        ("dev:wu", frozenset({"agency_agent"}), "agy_1"),
    ]
    for bad, words in (
        ("k1", "KEY=NAME:ROLE"),
        ("k1=ops", "KEY=NAME:ROLE"),
        ("k1=ops:boss", "unknown role"),
        ("k1=wu:agency_agent", "agency id"),
        ("k1=a:admin,k2=a:agent", "used twice"),
    ):
        with pytest.raises(ValueError, match=words):
            parse_dev_keys(bad)


def test_serve_warns_loudly_when_no_identity_is_configured(sqlite_url: str) -> None:
    from faircollect.db import upgrade

    upgrade(sqlite_url)
    app = create_app(Settings(), database_url=sqlite_url)
    (warning,) = identity_warnings(app)
    assert "NO IDENTITY IS CONFIGURED" in warning
    with_keys = create_app(Settings(api_keys="k=ops:admin"), database_url=sqlite_url)
    assert [w for w in identity_warnings(with_keys) if "development API keys" in w]
    assert not [w for w in identity_warnings(with_keys) if "NO IDENTITY" in w]
    engine = make_engine(sqlite_url)
    with unit_of_work(session_factory(engine)) as s:
        service.add_user(s, username="ops", roles=["admin"], actor="test")
        service.issue_token(s, username="ops", actor="test")
    assert identity_warnings(create_app(Settings(), database_url=sqlite_url)) == []
    engine.dispose()
