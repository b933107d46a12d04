"""Acknowledged means committed, on a real server over real PostgreSQL: the server's database connection is
terminated (``pg_terminate_backend``) right after every response. Every payment answered 2xx must be in the ledger;
every other one, retried with its idempotency key, must be booked exactly once.

Before the fix (commit after the response was sent, no pool pre-ping) 18 of 40 payments answered 201 were never
booked, and the first request after a termination answered 500."""

from __future__ import annotations

import socket
import threading
import time
import uuid
from collections.abc import Callable, Iterator

import httpx
import pytest
from sqlalchemy import text

from faircollect.api.app import create_app
from faircollect.config import Settings
from faircollect.db import make_engine

LOANS = 10
PAYMENTS_PER_LOAN = 4


@pytest.fixture
def live_server(pg_url: str) -> Iterator[tuple[str, str]]:
    """The app under uvicorn on a free port, its connections tagged with an application_name we can kill."""
    import uvicorn

    tag = "fc-fault-" + uuid.uuid4().hex[:8]
    app = create_app(Settings(), database_url=f"{pg_url}&application_name={tag}")
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", tag
    server.should_exit = True
    thread.join()
    app.state.engine.dispose()


def _loan(client: httpx.Client, admin: dict[str, str], n: int) -> str:
    b = client.post("/v1/borrowers", headers=admin, json={"name": f"借款人{n}", "phone": f"1380013{n:04d}"})
    assert b.status_code == 201, b.text
    r = client.post(
        "/v1/loans",
        headers=admin,
        json={
            "borrower_id": b.json()["id"],
            "product_code": "fault-12",
            "terms": {"principal": "12000.00", "start_date": "2026-01-15"},
            "approve": True,
        },
    )
    assert r.status_code == 201, r.text
    loan_id = str(r.json()["id"])
    assert client.post(
        f"/v1/loans/{loan_id}/disbursements", headers=admin, json={"date": "2026-01-15"}
    ).is_success
    return loan_id


@pytest.mark.postgres
@pytest.mark.slow
def test_every_payment_answered_2xx_is_booked_when_the_connection_dies_after_each_response(
    pg_url: str, live_server: tuple[str, str], token_for: Callable[..., dict[str, str]]
) -> None:
    base, tag = live_server
    admin = token_for(pg_url, "admin")
    bank = token_for(pg_url, "integration")
    killer = make_engine(pg_url, isolation_level="AUTOCOMMIT")
    killed = 0

    def kill_server_connections() -> None:
        nonlocal killed
        with killer.connect() as conn:
            killed += len(
                conn.execute(
                    text(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = :t"
                    ),
                    {"t": tag},
                ).all()
            )

    with httpx.Client(base_url=base, timeout=30) as client:
        product = {
            "code": "fault-12",
            "name": "x",
            "currency": "CNY",
            "terms": {"annual_rate": "0.12", "method": "equal_instalment", "term": 12},
        }
        assert client.post("/v1/products", headers=admin, json=product).status_code == 201
        loans = [_loan(client, admin, n) for n in range(LOANS)]
        payments = [(loan, f"bank-{loan[-6:]}-{k}") for loan in loans for k in range(PAYMENTS_PER_LOAN)]
        body = {"date": "2026-02-15", "amount": "10.00", "currency": "CNY"}

        def post(loan: str, key: str) -> int:
            try:
                r = client.post(
                    f"/v1/loans/{loan}/payments", headers={**bank, "Idempotency-Key": key}, json=body
                )
                return r.status_code
            except httpx.TransportError:
                return 0
            finally:
                kill_server_connections()  # right after the response (or the failure)

        first = {key: post(loan, key) for loan, key in payments}
        acknowledged = {k for k, status in first.items() if 200 <= status < 300}
        with killer.connect() as conn:
            booked_after_first = {
                row[0] for row in conn.execute(text("SELECT key FROM loan_event WHERE type = 'payment'"))
            }
        lost = acknowledged - booked_after_first

        retried = 0
        for loan, key in payments:
            status = first[key]
            while not 200 <= status < 300:
                retried += 1
                assert retried < 10 * len(payments), "retries never succeed"
                status = post(loan, key)
        with killer.connect() as conn:
            rows = conn.execute(
                text("SELECT key, count(*) FROM loan_event WHERE type = 'payment' GROUP BY key")
            ).all()
    killer.dispose()
    counts = dict(rows)
    print(
        f"\nfault test: {len(payments)} payments, connection terminated after each response ({killed} backends "
        f"killed); first answers: {len(acknowledged)} 2xx, {len(payments) - len(acknowledged)} other "
        f"({sorted({s for s in first.values() if not 200 <= s < 300})}); answered 2xx and booked: "
        f"{len(acknowledged & booked_after_first)}, lost: {len(lost)}; retries: {retried}; booked in the end: "
        f"{len(counts)} distinct, duplicates: {sum(1 for c in counts.values() if c > 1)}"
    )
    assert killed >= len(payments)
    assert lost == set(), f"{len(lost)} payments answered 2xx were never booked"
    assert set(counts) == {k for _, k in payments} and set(counts.values()) == {1}
