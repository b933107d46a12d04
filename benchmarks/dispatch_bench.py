"""Messaging throughput on PostgreSQL: planning (gate + outbox) and dispatch (gate again + file sink).

    .venv/bin/python benchmarks/dispatch_bench.py [--contacts 4000] [--workers 4] [--pg URL]

Each run uses a fresh schema on the server (dropped afterwards) and prints a table with the naive baseline beside
the measured run:

* **plan**: contacts/s from "proposed" to "in the outbox": lock the borrower, load facts, ``gate.decide``, audit,
  enqueue. Measured: batches of 200 in one transaction with ``enqueue_many`` and batched audit records. Baseline: one
  transaction per contact with ``decide_and_audit`` and ``enqueue``.
* **dispatch**: contacts/s from "planned" to "sent" into the file sink, the gate deciding again with fresh facts.
  Measured: ``run_workers`` with N processes (``SKIP LOCKED`` claims, batches of ``--batch-size``, default 50). Baseline: one worker, one
  transaction per message, plain ``FOR UPDATE`` (no ``SKIP LOCKED``), ``decide_and_audit`` + ``record_attempt``.

Every message is allowed (two per borrower, under the CN cap of three SMS a day), in a zone where it is midday.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import select, text
from sqlalchemy.orm import Session, sessionmaker

from faircollect.compliance import facts as facts_service
from faircollect.compliance import gate
from faircollect.compliance import service as compliance_service
from faircollect.compliance.contact import Channel, ContactRequest, Outcome, RecipientRole
from faircollect.db import make_engine, session_factory, unit_of_work, upgrade
from faircollect.kit.time import utc_now
from faircollect.messaging.dispatch import DispatchConfig, run_workers
from faircollect.messaging.models import OutboxMessage
from faircollect.messaging.outbox import enqueue, enqueue_many
from faircollect.messaging.providers import FileSink, OutgoingMessage, read_sink

DEFAULT_PG = os.environ.get("DATABASE_URL_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
BODY = "【示例金融】{name}您好，您的借款已逾期{dpd}天，应还{amount}元。如有困难可联系客服协商。核验码[[VCODE]]。回T退订"


def midday_zone(at: datetime) -> str:
    offset = 12 - at.hour
    offset = offset + 24 if offset < -12 else offset - 24 if offset > 14 else offset
    return "Etc/GMT" if offset == 0 else f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"


class Schema:
    """A fresh schema on the server, migrated; dropped on exit."""

    def __init__(self, server: str) -> None:
        self.server = server
        self.name = "bench_" + uuid.uuid4().hex[:10]
        sep = "&" if "?" in server else "?"
        self.url = f"{server}{sep}options=-csearch_path%3D{self.name}"

    def __enter__(self) -> Schema:
        admin = make_engine(self.server)
        with admin.begin() as c:
            c.execute(text(f'CREATE SCHEMA "{self.name}"'))
        admin.dispose()
        upgrade(self.url)
        return self

    def __exit__(self, *exc: object) -> None:
        admin = make_engine(self.server)
        with admin.begin() as c:
            c.execute(text(f'DROP SCHEMA "{self.name}" CASCADE'))
        admin.dispose()


def make_borrowers(factory: sessionmaker[Session], n: int, zone: str) -> list[tuple[str, str]]:
    from faircollect.ledger import service as ledger_service

    out = []
    with unit_of_work(factory) as s:
        for i in range(n):
            phone = f"139{i:08d}"
            b = ledger_service.create_borrower(s, name=f"借款人{i}", phone=phone, timezone=zone)
            out.append((b.id, phone))
    return out


def contacts(borrowers: list[tuple[str, str]], per: int) -> list[tuple[str, str, str]]:
    return [
        (bid, phone, BODY.format(name=f"借款人{i}", dpd=5 + j, amount=f"{100 + i % 900}.00"))
        for j in range(per)
        for i, (bid, phone) in enumerate(borrowers)
    ]


def _request(phone: str, body: str, at: datetime) -> ContactRequest:
    return ContactRequest(
        jurisdiction="CN",
        channel=Channel.SMS,
        recipient_role=RecipientRole.BORROWER,
        at=at,
        address=phone,
        text=body,
    )


def plan_naive(factory: sessionmaker[Session], items: list[tuple[str, str, str]], at: datetime) -> int:
    """Baseline: one transaction per contact."""
    n = 0
    for bid, phone, body in items:
        with unit_of_work(factory) as s:
            facts_service.lock_borrower(s, bid)
            facts = facts_service.load_facts(s, borrower_id=bid, at=at, address=phone)
            req = _request(phone, body, at)
            decision = compliance_service.decide_and_audit(s, req, facts, actor="bench", borrower_id=bid)
            enqueue(
                s,
                borrower_id=bid,
                loan_id=None,
                case_id=None,
                channel="sms",
                recipient_role="borrower",
                address=phone,
                body=body,
                template_key="overdue",
                planned_for=at,
                decision=decision,
                actor="bench",
            )
            n += 1
    return n


def plan_batched(
    factory: sessionmaker[Session], items: list[tuple[str, str, str]], at: datetime, batch: int = 200
) -> int:
    """Measured: a batch of contacts per transaction; locks in sorted order; facts loaded for the whole batch
    (``compliance.facts.load_facts_many``); decisions audited in one burst. (Two contacts of one borrower in a batch would need
    the first one's attempt added to the facts, as the dispatcher does; the planner records none, so none here.)"""
    from faircollect.compliance.audit import service as audit

    n = 0
    for start in range(0, len(items), batch):
        chunk = sorted(items[start : start + batch])
        with unit_of_work(factory) as s:
            rulebook = facts_service.lender_rulebook(s, "CN")
            for bid in sorted({b for b, _, _ in chunk}):
                facts_service.lock_borrower(s, bid)
            planned, entries = [], []
            all_facts = facts_service.load_facts_many(
                s, [(bid, phone) for bid, phone, _ in chunk], at=at, rulebooks={"CN": rulebook}
            )
            for bid, phone, body in chunk:
                facts = all_facts[(bid, phone)]
                req = _request(phone, body, at)
                decision = gate.decide(req, facts, rulebook=rulebook)
                entries.append(
                    {
                        "actor": "bench",
                        "action": "gate.decision",
                        "subject_type": "borrower",
                        "subject_id": bid,
                        "payload": compliance_service.decision_payload(req, decision, rulebook),
                    }
                )
                planned.append(
                    {
                        "borrower_id": bid,
                        "loan_id": None,
                        "case_id": None,
                        "channel": "sms",
                        "recipient_role": "borrower",
                        "address": phone,
                        "body": body,
                        "template_key": "overdue",
                        "planned_for": at,
                        "decision": decision,
                    }
                )
            audit.record_many(s, entries)
            enqueue_many(s, planned, actor="bench")
            n += len(chunk)
    return n


def dispatch_naive(factory: sessionmaker[Session], sink: FileSink) -> int:
    """Baseline: one worker, one transaction per message, FOR UPDATE without SKIP LOCKED."""
    n = 0
    while True:
        with unit_of_work(factory) as s:
            now = utc_now()
            msg = s.execute(
                select(OutboxMessage)
                .where(OutboxMessage.status == "planned", OutboxMessage.next_attempt_at <= now)
                .order_by(OutboxMessage.next_attempt_at, OutboxMessage.id)
                .limit(1)
                .with_for_update()
            ).scalar_one_or_none()
            if msg is None:
                return n
            facts_service.lock_borrower(s, msg.borrower_id)
            facts = facts_service.load_facts(s, borrower_id=msg.borrower_id, at=now, address=msg.address)
            decision = compliance_service.decide_and_audit(
                s, _request(msg.address, msg.body, now), facts, actor="bench", borrower_id=msg.borrower_id
            )
            if not decision.allowed:
                msg.status = "blocked"
                continue
            facts_service.record_attempt(
                s,
                borrower_id=msg.borrower_id,
                loan_id=None,
                channel="sms",
                recipient_role="borrower",
                address=msg.address,
                at=now,
                outcome=Outcome.SENT,
                actor="bench",
            )
            result = sink.send(
                OutgoingMessage(
                    msg.id,
                    msg.channel,
                    msg.address,
                    msg.body,
                    msg.idempotency_key,
                    msg.verification_code,
                    msg.lender,
                )
            )
            msg.status, msg.sent_at, msg.provider_message_id = "sent", now, result.provider_message_id
            msg.attempts += 1
            n += 1


def timed(fn: Callable[[], int]) -> tuple[int, float]:
    t = time.perf_counter()
    n = fn()
    return n, time.perf_counter() - t


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--contacts", type=int, default=4000, help="contacts in the measured runs")
    ap.add_argument(
        "--baseline-contacts", type=int, default=1000, help="contacts in the (slow) baseline runs"
    )
    ap.add_argument("--workers", type=int, default=4)
    ap.add_argument("--batch-size", type=int, default=50, help="messages per dispatch transaction")
    ap.add_argument("--pg", default=DEFAULT_PG)
    args = ap.parse_args(argv)
    now = datetime.now(UTC)
    zone = midday_zone(now)
    at = now - timedelta(minutes=1)
    rows: list[tuple[str, str, int, float]] = []
    tmp = Path(tempfile.mkdtemp(prefix="dispatch-bench-"))

    def run(
        label: str,
        variant: str,
        n_contacts: int,
        step: Callable[[sessionmaker[Session], list[Any]], int],
        plan_first: bool,
    ) -> None:
        with Schema(args.pg) as schema:
            engine = make_engine(schema.url, pool_size=args.workers + 2)
            factory = session_factory(engine)
            borrowers = make_borrowers(factory, n_contacts // 2, zone)
            items = contacts(borrowers, 2)
            if plan_first:
                plan_batched(factory, items, at)
            n, secs = timed(lambda: step(factory, items))
            engine.dispose()
            rows.append((label, variant, n, secs))
            print(f"  {label:9} {variant:58} {n:6d} in {secs:7.2f}s = {n / secs:8.1f}/s", file=sys.stderr)

    print(
        f"PostgreSQL {args.pg}; CPU cores: {os.cpu_count()}; load average: {os.getloadavg()}", file=sys.stderr
    )
    run(
        "plan",
        "baseline: 1 tx per contact, decide_and_audit + enqueue",
        args.baseline_contacts,
        lambda f, items: plan_naive(f, items, at),
        plan_first=False,
    )
    run(
        "plan",
        "batched: 200 per tx, facts batch + record_many + enqueue_many",
        args.contacts,
        lambda f, items: plan_batched(f, items, at),
        plan_first=False,
    )

    def naive_dispatch(f: sessionmaker[Session], _items: list[Any]) -> int:
        return dispatch_naive(f, FileSink(tmp / f"naive-{uuid.uuid4().hex}.jsonl"))

    def workers_dispatch(f: sessionmaker[Session], _items: list[Any]) -> int:
        url = f.kw["bind"].url.render_as_string(hide_password=False)
        sink = tmp / f"workers-{uuid.uuid4().hex}.jsonl"
        stats = run_workers(
            url, args.workers, provider=FileSink(sink), cfg=DispatchConfig(batch_size=args.batch_size)
        )
        assert stats.sent == len(read_sink(sink)), "sink and outbox disagree"
        return stats.sent

    run(
        "dispatch",
        "baseline: 1 worker, 1 tx per message, FOR UPDATE (no SKIP)",
        args.baseline_contacts,
        naive_dispatch,
        plan_first=True,
    )
    run(
        "dispatch",
        f"measured: run_workers x{args.workers}, SKIP LOCKED, batches of {args.batch_size}",
        args.contacts,
        workers_dispatch,
        plan_first=True,
    )

    print()
    print(f"{'stage':9} | {'variant':60} | {'contacts':>8} | {'seconds':>8} | {'contacts/s':>10}")
    print("-" * 106)
    for label, variant, n, secs in rows:
        print(f"{label:9} | {variant:60} | {n:8d} | {secs:8.2f} | {n / secs:10.1f}")
    print(f"(load average at the end: {os.getloadavg()})")


if __name__ == "__main__":
    main()
