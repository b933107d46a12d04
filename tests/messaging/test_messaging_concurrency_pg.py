"""PostgreSQL: 8 dispatch worker processes race over 10,000 planned contacts for 500 borrowers under tight caps.

Zero cap violations (never more than the CN SMS cap of 3 a day per recipient), zero duplicates (each message reaches
the sink at most once, each attempt is recorded once), nothing lost (every message ends sent or blocked). And a
worker process killed mid-send leaves no duplicate once another worker has taken over its messages.
"""

from __future__ import annotations

import os
import signal
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from msg_helpers import midday_zone
from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from faircollect.compliance.contact import Decision
from faircollect.compliance.models import ContactAttempt
from faircollect.db import make_engine, session_factory, unit_of_work
from faircollect.ledger.models import Borrower
from faircollect.messaging.dispatch import DispatchConfig, dispatch_until_empty, run_workers
from faircollect.messaging.models import OutboxMessage
from faircollect.messaging.outbox import enqueue_many
from faircollect.messaging.providers import FileSink, OutgoingMessage, SendResult, read_sink

pytestmark = [pytest.mark.postgres, pytest.mark.slow]

BORROWERS = 500
PER_BORROWER = 20  # 10,000 planned contacts
CAP = 3  # CN-FREQ-NO-BOMBING: 3 collection messages a day per recipient


def _plan(factory: sessionmaker[Session], *, borrowers: int, per_borrower: int, at: datetime) -> list[str]:
    """Borrowers (in a zone where ``at`` is midday) and their planned SMS, through the real enqueue."""
    from faircollect.ledger import service as ledger_service

    zone = midday_zone(at)
    allow = Decision(allowed=True)
    bids = []
    with unit_of_work(factory) as s:
        for i in range(borrowers):
            b = ledger_service.create_borrower(s, name=f"借款人{i}", phone=f"139{i:08d}", timezone=zone)
            bids.append(b.id)
    with unit_of_work(factory) as s:
        enqueue_many(
            s,
            [
                {
                    "borrower_id": bid,
                    "loan_id": None,
                    "case_id": None,
                    "channel": "sms",
                    "recipient_role": "borrower",
                    "address": f"139{i:08d}",
                    "body": f"【示例金融】您好，您的借款应还{100 + j}.00元。核验码[[VCODE]]。回T退订",
                    "template_key": "overdue",
                    "planned_for": at - timedelta(minutes=1),
                    "decision": allow,
                }
                for j in range(per_borrower)
                for i, bid in enumerate(bids)
            ],
            actor="test",
        )
    return bids


def _check_no_violation_no_duplicate_nothing_lost(
    factory: sessionmaker[Session], sink: Path, planned: int
) -> Counter[str]:
    with factory() as s:
        statuses = Counter(
            dict(s.execute(select(OutboxMessage.status, func.count()).group_by(OutboxMessage.status)).all())
        )
        per_borrower_sent = Counter(
            dict(
                s.execute(
                    select(OutboxMessage.borrower_id, func.count())
                    .where(OutboxMessage.status == "sent")
                    .group_by(OutboxMessage.borrower_id)
                ).all()
            )
        )
        per_borrower_attempts = Counter(
            dict(
                s.execute(
                    select(ContactAttempt.borrower_id, func.count()).group_by(ContactAttempt.borrower_id)
                ).all()
            )
        )
        sent_codes = set(
            s.execute(select(OutboxMessage.verification_code).where(OutboxMessage.status == "sent")).scalars()
        )
    lines = read_sink(sink)
    # Nothing lost: every planned message ended sent, blocked, or deferred by the cap to a later time (planned, with
    # next_attempt_at in the future).
    assert sum(statuses.values()) == planned
    assert set(statuses) <= {"sent", "blocked", "planned"}, statuses
    with factory() as s:
        waiting = s.execute(
            select(func.count()).where(
                OutboxMessage.status == "planned", OutboxMessage.next_attempt_at <= datetime.now(UTC)
            )
        ).scalar_one()
    assert waiting == 0
    # Zero cap violations: never more than CAP sends (or attempts) per borrower.
    assert max(per_borrower_sent.values()) <= CAP
    assert max(per_borrower_attempts.values()) <= CAP
    # Zero duplicates: each message reached the sink once, and only sent messages did.
    keys = Counter(line["idempotency_key"] for line in lines)
    assert keys and max(keys.values()) == 1
    assert {line["verification_code"] for line in lines} == sent_codes
    assert len(lines) == statuses["sent"] == sum(per_borrower_attempts.values())
    return statuses


def test_eight_workers_over_10000_contacts_never_exceed_caps_never_duplicate_never_lose(
    pg_url: str, tmp_path: Path
) -> None:
    engine = make_engine(pg_url)
    factory = session_factory(engine)
    now = datetime.now(UTC)
    bids = _plan(factory, borrowers=BORROWERS, per_borrower=PER_BORROWER, at=now)
    engine.dispose()
    sink = tmp_path / "sent.jsonl"
    stats = run_workers(pg_url, 8, provider=FileSink(sink), cfg=DispatchConfig(batch_size=50))
    engine = make_engine(pg_url)
    factory = session_factory(engine)
    statuses = _check_no_violation_no_duplicate_nothing_lost(factory, sink, BORROWERS * PER_BORROWER)
    # Every borrower got exactly the cap: nothing was held that the cap allowed; the rest waits for the cap.
    assert statuses["sent"] == BORROWERS * CAP
    assert stats.sent == BORROWERS * CAP and stats.deferred == BORROWERS * (PER_BORROWER - CAP)
    assert stats.blocked == 0 and statuses["planned"] == BORROWERS * (PER_BORROWER - CAP)
    with factory() as s:
        assert s.execute(select(func.count()).select_from(Borrower)).scalar_one() == len(bids)
    engine.dispose()


class _HangsAfterSending(FileSink):
    """Writes the message to the sink, then hangs before the worker can record 'sent' (to be killed there)."""

    def send(self, message: OutgoingMessage) -> SendResult:
        result = super().send(message)
        time.sleep(3600)
        return result


def _hanging_worker(url: str, sink: str, now: datetime) -> None:
    engine = make_engine(url)
    dispatch_until_empty(
        session_factory(engine),
        provider=_HangsAfterSending(sink),
        cfg=DispatchConfig(batch_size=5, lease_seconds=60, now=now),
        worker="doomed",
    )


def test_worker_killed_mid_send_leaves_no_duplicate_after_restart(pg_url: str, tmp_path: Path) -> None:
    import multiprocessing as mp

    engine = make_engine(pg_url)
    factory = session_factory(engine)
    now = datetime.now(UTC)
    _plan(factory, borrowers=20, per_borrower=2, at=now)
    sink = tmp_path / "sent.jsonl"
    proc: Any = mp.get_context("fork").Process(target=_hanging_worker, args=(pg_url, str(sink), now))
    proc.start()
    deadline = time.monotonic() + 30
    while not read_sink(sink) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert read_sink(sink), "the doomed worker never sent"
    os.kill(proc.pid, signal.SIGKILL)
    proc.join()
    with factory() as s:
        sending = s.execute(select(func.count()).where(OutboxMessage.status == "sending")).scalar_one()
    assert sending == 5  # its whole batch is stuck mid-send: one message in the sink, four not yet sent
    # Restart after the lease has expired: 8 workers take over and finish everything.
    stats = run_workers(pg_url, 8, provider=FileSink(sink), now=now + timedelta(seconds=61))
    assert stats.resumed == 5 and stats.recognised_duplicates == 1
    statuses = _check_no_violation_no_duplicate_nothing_lost(factory, sink, 40)
    assert statuses["sent"] == 40
    engine.dispose()


def test_dispatch_workers_and_agents_racing_on_the_same_borrowers_share_one_cap(
    pg_url: str, tmp_path: Path
) -> None:
    """While 4 dispatch workers send SMS, agents send IM messages to the same borrowers through the gate
    (``lock_borrower`` → ``load_facts`` → ``decide_and_audit`` → ``record_attempt``). SMS and IM share the CN cap
    of 3 collection messages a day: the two paths together never exceed it."""
    import threading

    from faircollect.compliance import facts as facts_service
    from faircollect.compliance import service as compliance_service
    from faircollect.compliance.contact import Channel, ContactRequest, Outcome, RecipientRole

    engine = make_engine(pg_url)
    factory = session_factory(engine)
    now = datetime.now(UTC)
    bids = _plan(factory, borrowers=60, per_borrower=5, at=now)
    phones = {bid: f"139{i:08d}" for i, bid in enumerate(bids)}
    sink = tmp_path / "sent.jsonl"
    result: dict[str, Any] = {}

    def dispatch() -> None:
        result["stats"] = run_workers(
            pg_url, 4, provider=FileSink(sink), mode="thread", cfg=DispatchConfig(batch_size=20)
        )

    worker = threading.Thread(target=dispatch)
    worker.start()
    agent_sent = 0
    for _round in range(3):
        for bid in reversed(bids):  # the other end first: the paths meet in the middle
            with unit_of_work(factory) as s:
                facts_service.lock_borrower(s, bid)
                at = datetime.now(UTC)
                facts = facts_service.load_facts(s, borrower_id=bid, at=at, address=phones[bid])
                request = ContactRequest(
                    jurisdiction="CN",
                    channel=Channel.IM,
                    recipient_role=RecipientRole.BORROWER,
                    at=at,
                    address=phones[bid],
                    text="【示例金融】您好，您的借款应还100.00元，如有困难请联系客服协商。回T退订",
                )
                decision = compliance_service.decide_and_audit(
                    s, request, facts, actor="agent", borrower_id=bid
                )
                if decision.allowed:
                    facts_service.record_attempt(
                        s,
                        borrower_id=bid,
                        loan_id=None,
                        channel=Channel.IM,
                        recipient_role=RecipientRole.BORROWER,
                        address=phones[bid],
                        at=at,
                        outcome=Outcome.SENT,
                        actor="agent",
                    )
                    agent_sent += 1
    worker.join()
    with factory() as s:
        per_borrower = Counter(
            dict(
                s.execute(
                    select(ContactAttempt.borrower_id, func.count()).group_by(ContactAttempt.borrower_id)
                ).all()
            )
        )
        left = s.execute(
            select(func.count()).where(
                OutboxMessage.status.not_in(["sent", "blocked"]),
                OutboxMessage.next_attempt_at <= datetime.now(UTC),  # deferred by the cap: later
            )
        ).scalar_one()
    assert left == 0
    assert set(per_borrower.values()) == {CAP}  # never more, and nothing lawful was lost
    assert result["stats"].sent + agent_sent == len(bids) * CAP == len(read_sink(sink)) + agent_sent
    engine.dispose()
