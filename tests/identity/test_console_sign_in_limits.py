"""Console password sign-in is limited per account name as well as per client: guessing one account's password from
many addresses stops after ``ACCOUNT_FAILURES`` failures, with an answer that is the same for an unknown name."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient

from faircollect.api.app import create_app
from faircollect.config import Settings
from faircollect.db import make_engine, session_factory, unit_of_work, upgrade
from faircollect.identity import service
from faircollect.web.console.routes import ACCOUNT_FAILURES

LIMIT = int(ACCOUNT_FAILURES.split("/")[0])
EN = {"Accept-Language": "en"}


def _app(url: str) -> Any:
    upgrade(url)
    engine = make_engine(url)
    with unit_of_work(session_factory(engine)) as s:
        service.add_user(s, username="sup", roles=["supervisor"], password="a long passphrase", actor="test")
    engine.dispose()
    return create_app(Settings(), database_url=url)


def _try(app: Any, n: int, username: str, password: str) -> Any:
    """One attempt from its own client address (the per-client limit never applies)."""
    client = TestClient(app, base_url="https://testserver", client=(f"10.0.{n // 250}.{n % 250 + 1}", 5000))
    return client.post(
        "/console/sign-in",
        data={"username": username, "password": password},
        headers=EN,
        follow_redirects=False,
    )


def test_failures_from_many_clients_hold_the_account_and_unknown_names_alike(sqlite_url: str) -> None:
    app = _app(sqlite_url)
    for name in ("sup", "nobody-here"):
        for i in range(LIMIT):
            r = _try(app, i, name, f"guess {i}")
            assert r.status_code == 401 and "Unknown user or wrong password." in r.text
        held = _try(app, LIMIT, name, "guess again")
        assert held.status_code == 429 and "Too many failed sign-ins for this name" in held.text
        assert int(held.headers["Retry-After"]) > 0
    # Even the right password waits: the answer says nothing of whether it was right.
    right = _try(app, LIMIT + 1, "sup", "a long passphrase")
    assert right.status_code == 429 and "faircollect_staff=" not in right.headers.get("set-cookie", "")
    # Case variants count against the same name.
    assert _try(app, LIMIT + 2, "SUP ", "a long passphrase").status_code == 429


def test_another_account_and_a_successful_sign_in_are_unaffected(sqlite_url: str) -> None:
    app = _app(sqlite_url)
    for i in range(LIMIT - 1):
        assert _try(app, i, "sup", f"guess {i}").status_code == 401
    ok = _try(app, LIMIT, "sup", "a long passphrase")
    assert ok.status_code == 303 and "faircollect_staff=" in ok.headers["set-cookie"]
    assert _try(app, LIMIT + 1, "someone-else", "x").status_code == 401
