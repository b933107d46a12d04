"""The cost of encrypting personal data at rest, side by side with encryption off.

"Off" replaces the AES-GCM seal/open with the identity (the value is stored as it is, behind the same prefix), so
the two columns differ by exactly the encryption: the data-key machinery (one key query per batch, one INSERT for
new subjects) runs in both. Measured on a fresh SQLite file (or ``--database-url``), each phase in its own
transaction:

- register borrowers (4 sealed fields + 3 blind indexes each) — the write path;
- read borrowers: load N borrowers and read name, phone, e-mail and ID (open 4 fields each) — the read path;
- look borrowers up by phone through the blind index;
- post payments on their loans (no personal data on this path: the cost should be nil).

    .venv/bin/python benchmarks/privacy_bench.py [--n 2000] [--payments 1000] [--rounds 3] [--database-url URL]

Rounds alternate off/on and the best of each is kept: on a shared machine the noise is larger than the effect.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import select

from faircollect.db import make_engine, session_factory, unit_of_work, upgrade
from faircollect.ledger import service as ledger
from faircollect.ledger.models import Borrower
from faircollect.privacy import vault

TERMS = {"annual_rate": "0.12", "method": "equal_instalment", "term": 12, "frequency": "monthly"}


@contextmanager
def encryption(on: bool) -> Iterator[None]:
    if on:
        yield
        return
    seal, open_ = vault.seal_with, vault.open_with

    def plain_seal(_aead: Any, _subject: str, _field: str, plaintext: str) -> str:
        return vault.PREFIX + plaintext

    def plain_open(_aead: Any, _subject: str, _field: str, token: str) -> str:
        return token[len(vault.PREFIX) :]

    vault.seal_with, vault.open_with = plain_seal, plain_open  # type: ignore[assignment]
    import faircollect.privacy.sealed as sealed_mod  # noqa: F401  (uses vault through its functions)

    try:
        yield
    finally:
        vault.seal_with, vault.open_with = seal, open_  # type: ignore[assignment]


def timed(fn: Callable[[], int]) -> tuple[float, int]:
    t0 = time.perf_counter()
    n = fn()
    return time.perf_counter() - t0, n


def run(url: str, n: int, payments: int, on: bool) -> dict[str, float]:
    upgrade(url)
    engine = make_engine(url)
    factory = session_factory(engine)
    out: dict[str, float] = {}
    ids: list[str] = []
    with encryption(on):

        def register() -> int:
            with unit_of_work(factory) as s:
                for i in range(n):
                    b = ledger.create_borrower(
                        s,
                        name=f"张{i}",
                        phone=f"138{i:08d}",
                        email=f"b{i}@example.com",
                        id_number=f"1101011990{i:08d}",
                    )
                    ids.append(b.id)
            return n

        def read() -> int:
            with unit_of_work(factory) as s:
                total = 0
                for b in s.execute(select(Borrower).where(Borrower.id.in_(ids))).scalars():
                    total += len(b.name) + len(b.phone) + len(b.email) + len(b.id_number)
            return n

        def lookup() -> int:
            k = min(n, 500)
            with unit_of_work(factory) as s:
                for i in range(k):
                    assert ledger.find_borrowers(s, phone=f"138{i:08d}")
            return k

        def pay() -> int:
            with unit_of_work(factory) as s:
                ledger.create_product(s, code=f"p{int(on)}", name="p", currency="CNY", terms=TERMS)
            loans = []
            with unit_of_work(factory) as s:
                for bid in ids[: max(1, payments // 10)]:
                    loan = ledger.create_loan(
                        s,
                        borrower_id=bid,
                        terms={**TERMS, "principal": "12000.00", "start_date": "2026-01-15"},
                        approve=True,
                    )
                    ledger.disburse(s, loan_id=loan.id, date=date(2026, 1, 15))
                    loans.append(loan.id)
            t0 = time.perf_counter()
            done = 0
            for i in range(payments):
                with unit_of_work(factory) as s:
                    ledger.post_payment(
                        s,
                        loan_id=loans[i % len(loans)],
                        key=f"k{i}",
                        date=date(2026, 2, 15),
                        amount_minor=100,
                    )
                done += 1
            out["pay_only_s"] = time.perf_counter() - t0
            return done

        for name, fn in (("register", register), ("read", read), ("lookup", lookup), ("pay", pay)):
            secs, count = timed(fn)
            out[name] = count / (out.pop("pay_only_s") if name == "pay" else secs)
    engine.dispose()
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=2000, help="borrowers")
    p.add_argument("--payments", type=int, default=1000)
    p.add_argument(
        "--rounds", type=int, default=3, help="off/on rounds, alternated; the best of each is shown"
    )
    p.add_argument("--database-url", help="default: a fresh SQLite file per run")
    ns = p.parse_args()
    results: dict[bool, dict[str, float]] = {False: {}, True: {}}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(ns.rounds):
            for on in (False, True) if r % 2 == 0 else (True, False):
                url = ns.database_url or f"sqlite:///{Path(tmp) / f'bench-{r}-{int(on)}.sqlite3'}"
                for k, v in run(url, ns.n, ns.payments, on).items():
                    results[on][k] = max(results[on].get(k, 0.0), v)
    print(f"{'per second':<34}{'encryption off':>16}{'encryption on':>16}{'cost':>9}")
    labels = {
        "register": "borrowers registered",
        "read": "borrowers read (4 fields opened)",
        "lookup": "lookups by phone (blind index)",
        "pay": "payments posted",
    }
    for k, label in labels.items():
        off, on_ = results[False][k], results[True][k]
        print(f"{label:<34}{off:>16,.0f}{on_:>16,.0f}{(off / on_ - 1) * 100:>8.1f}%")


if __name__ == "__main__":
    main()
