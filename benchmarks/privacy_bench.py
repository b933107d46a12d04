"""The cost of encrypting personal data at rest, side by side with encryption off.

"Off" replaces the AES-GCM seal/open with the identity (the value is stored as it is, behind the same prefix), so
the two columns differ by exactly the encryption: the data-key machinery (one key query per batch, one INSERT for
new subjects) and the blind indexes run in both. Measured on a fresh SQLite file per round (or
``--database-url``), each phase in its own transaction(s):

- register borrowers (4 sealed fields + 3 blind indexes each) — the write path;
- read borrowers: load N borrowers and read name, phone, e-mail and ID (open 4 fields each) — the read path;
- look borrowers up by phone through the blind index;
- post payments on their loans, one transaction per payment (no personal data on this path);
- gate from the database: load the gate's facts for each borrower (contact history with sealed addresses, holds
  with sealed reasons, preferences) and decide, in batches as the planner does;
- the gate itself (``compliance.gate.decide`` on ``benchmarks/gate_bench.py``'s in-memory workload): pure, it
  touches no personal data at rest, so its throughput must not move.

Every phase is timed in wall time and in CPU time of this process (``time.process_time``): on a shared machine
the wall time follows the load, the CPU time much less. The load average is printed before and after.

    .venv/bin/python benchmarks/privacy_bench.py [--n 2000] [--payments 1000] [--rounds 3] [--database-url URL]

Rounds alternate off/on (off first, then on first, ...) and the best of each is kept. Targets: payments and the
gate unchanged (within 5 %: noise on a quiet machine); reading and registering borrowers are the paths that pay
for AES-GCM, shown as they are.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select

from faircollect.compliance import facts as compliance_facts
from faircollect.compliance.contact import Channel, ContactRequest, HoldKind, Purpose, RecipientRole
from faircollect.compliance.gate import decide as gate_decide
from faircollect.compliance.rulebook import load_rulebook
from faircollect.db import make_engine, session_factory, unit_of_work, upgrade
from faircollect.ledger import service as ledger
from faircollect.ledger.models import Borrower
from faircollect.privacy import vault

sys.path.insert(0, str(Path(__file__).parent))
import gate_bench  # the gate's own benchmark workload

TERMS = {"annual_rate": "0.12", "method": "equal_instalment", "term": 12, "frequency": "monthly"}
#: Cost above which a path that should not pay for encryption is reported as missing its target.
UNCHANGED_WITHIN = 0.05
GATE_AT = datetime(2026, 3, 2, 2, 0, tzinfo=UTC)  # 10:00 in Shanghai: inside the lawful hours
GATE_BATCH = 500


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
    try:
        yield
    finally:
        vault.seal_with, vault.open_with = seal, open_  # type: ignore[assignment]


@dataclass
class Timing:
    """One phase: items done, wall seconds, CPU seconds of this process."""

    items: int
    wall: float
    cpu: float

    @property
    def per_s(self) -> float:
        return self.items / self.wall

    @property
    def cpu_us(self) -> float:
        return self.cpu / self.items * 1e6


def timed(fn: Callable[[], int]) -> Timing:
    w0, c0 = time.perf_counter(), time.process_time()
    n = fn()
    return Timing(n, time.perf_counter() - w0, time.process_time() - c0)


def run(url: str, n: int, payments: int, on: bool) -> dict[str, Timing]:
    upgrade(url)
    engine = make_engine(url)
    factory = session_factory(engine)
    out: dict[str, Timing] = {}
    ids: list[str] = []
    loans: list[str] = []
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

        def setup() -> None:
            """Not timed: loans to pay, and a contact history with sealed addresses and hold reasons."""
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
            with unit_of_work(factory) as s:
                items = [
                    compliance_facts.AttemptIn(
                        borrower_id=bid,
                        loan_id=None,
                        channel=Channel.CALL if k % 2 else Channel.SMS,
                        recipient_role=RecipientRole.BORROWER,
                        address=f"+86138{i:08d}",
                        at=GATE_AT - timedelta(days=1 + k, hours=1),
                        outcome="no_answer" if k % 2 else "sent",
                        actor="bench",
                    )
                    for i, bid in enumerate(ids)
                    for k in range(3)
                ]
                compliance_facts.record_attempts(s, items)
                for bid in ids[::10]:
                    compliance_facts.set_hold(
                        s, borrower_id=bid, kind=HoldKind.HARDSHIP, reason="住院治疗中 (bench)", actor="bench"
                    )

        def pay() -> int:
            for i in range(payments):
                with unit_of_work(factory) as s:
                    ledger.post_payment(
                        s,
                        loan_id=loans[i % len(loans)],
                        key=f"k{i}",
                        date=date(2026, 2, 15),
                        amount_minor=100,
                    )
            return payments

        rulebook = load_rulebook("CN")

        def gate_db() -> int:
            done = 0
            for i in range(0, len(ids), GATE_BATCH):
                chunk = ids[i : i + GATE_BATCH]
                keys = [(bid, f"+86138{i + j:08d}") for j, bid in enumerate(chunk)]
                with unit_of_work(factory) as s:
                    facts = compliance_facts.load_facts_many(s, keys, at=GATE_AT, rulebooks=rulebook)
                    for bid, address in keys:
                        request = ContactRequest(
                            jurisdiction="CN",
                            channel=Channel.SMS,
                            recipient_role=RecipientRole.BORROWER,
                            at=GATE_AT,
                            purpose=Purpose.COLLECT,
                            address=address,
                        )
                        gate_decide(request, facts[(bid, address)], rulebook=rulebook)
                        done += 1
            return done

        for name, fn in (("register", register), ("read", read), ("lookup", lookup)):
            out[name] = timed(fn)
        setup()
        for name, fn in (("pay", pay), ("gate_db", gate_db)):
            out[name] = timed(fn)
        out["gate"] = gate_pure(on)
    engine.dispose()
    return out


_GATE_CASES: list[Any] = []


def gate_pure(on: bool, n: int = 20000) -> Timing:
    """``gate.decide`` on gate_bench's workload (the same cases for both columns)."""
    if not _GATE_CASES:
        _GATE_CASES.extend(gate_bench.workload(n, 7))
    books = {j: load_rulebook(j) for j in ("CN", "US")}
    gate_decide(*_GATE_CASES[0], rulebook=books[_GATE_CASES[0][0].jurisdiction])  # compiled, cached

    def go() -> int:
        for r, f in _GATE_CASES:
            gate_decide(r, f, rulebook=books[r.jurisdiction])
        return len(_GATE_CASES)

    return timed(go)


def load() -> str:
    one, five, fifteen = os.getloadavg()
    try:
        up = subprocess.run(["uptime"], capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        up = ""
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} CPUs" + (
        f"  ({up})" if up else ""
    )


LABELS = {
    "register": ("borrowers registered", "shown (4 fields sealed each)"),
    "read": ("borrowers read (4 fields opened)", "shown (4 fields opened each)"),
    "lookup": ("lookups by phone (blind index)", f"unchanged (≤ {UNCHANGED_WITHIN:.0%})"),
    "pay": ("payments posted (1 txn each)", f"unchanged (≤ {UNCHANGED_WITHIN:.0%})"),
    "gate_db": ("gate decisions, facts from the db", "shown (sealed history loaded)"),
    "gate": ("gate decisions (gate.decide)", f"unchanged (≤ {UNCHANGED_WITHIN:.0%})"),
}


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--n", type=int, default=2000, help="borrowers")
    p.add_argument("--payments", type=int, default=1000)
    p.add_argument(
        "--rounds", type=int, default=3, help="off/on rounds, alternated; the best of each is shown"
    )
    p.add_argument("--database-url", help="default: a fresh SQLite file per run")
    ns = p.parse_args()
    print(
        f"privacy benchmark: {ns.n} borrowers, {ns.payments} payments, best of {ns.rounds} rounds per column"
    )
    print(f"before: {load()}")
    best: dict[bool, dict[str, Timing]] = {False: {}, True: {}}
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(ns.rounds):
            for on in (False, True) if r % 2 == 0 else (True, False):
                url = ns.database_url or f"sqlite:///{Path(tmp) / f'bench-{r}-{int(on)}.sqlite3'}"
                for k, t in run(url, ns.n, ns.payments, on).items():
                    old = best[on].get(k)
                    # best wall and best CPU, each over the rounds
                    best[on][k] = Timing(
                        t.items,
                        min(t.wall, old.wall) if old else t.wall,
                        min(t.cpu, old.cpu) if old else t.cpu,
                    )
    print(f"after:  {load()}")
    print()
    head = (
        f"{'':<36}{'off /s':>10}{'on /s':>10}{'cost':>8}{'off CPU µs':>12}{'on CPU µs':>11}{'CPU cost':>10}"
    )
    print(head + "  target")
    missed = []
    for k, (label, target) in LABELS.items():
        off, on_ = best[False][k], best[True][k]
        wall_cost = off.per_s / on_.per_s - 1
        cpu_cost = on_.cpu_us / off.cpu_us - 1
        print(
            f"{label:<36}{off.per_s:>10,.0f}{on_.per_s:>10,.0f}{wall_cost * 100:>7.1f}%"
            f"{off.cpu_us:>12,.1f}{on_.cpu_us:>11,.1f}{cpu_cost * 100:>9.1f}%  {target}"
        )
        if target.startswith("unchanged") and min(wall_cost, cpu_cost) > UNCHANGED_WITHIN:
            missed.append(label)
    print()
    print(
        "cost = off/on − 1 in throughput (wall) and on/off − 1 in CPU per item; 'unchanged' holds if either is "
        f"within {UNCHANGED_WITHIN:.0%}."
    )
    print("targets missed: " + (", ".join(missed) if missed else "none"))


if __name__ == "__main__":
    main()
