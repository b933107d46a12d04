"""Dispatch: workers take due outbox messages, ask the gate again with fresh facts, and send through a provider.

One batch, three steps:

1. **Claim and decide** (one transaction). ``SELECT … FOR UPDATE SKIP LOCKED`` takes up to ``batch_size`` due
   messages (planned, failed-and-due-for-retry, or ``sending`` with an expired lease) that no other worker holds.
   The borrowers' contact locks (``compliance.facts.lock_borrower``) are taken in sorted order (no deadlocks), then
   for each message the facts are reloaded and the gate decides again *now* (the borrower may have paid, complained
   or opted out since the plan). Denied → ``blocked`` with the rule ids. Allowed → the attempt is recorded (so the
   shared frequency counters include it before the lock is released) and the message becomes ``sending`` with a
   lease. Commit: the caps hold exactly, because every decide + record for a borrower happens under that lock.
2. **Send** (no transaction held): each message goes to the provider with its idempotency key.
3. **Record** (one transaction): ``sent`` with the provider's id; a transient error → ``failed`` with exponential
   backoff (``next_attempt_at``), and ``dead`` after ``max_attempts``; a permanent error → ``dead``.

**The no-duplicate guarantee.** A worker killed between steps 1 and 3 leaves its messages ``sending``. When the
lease expires another worker takes them over. With an *idempotent* provider (the file sink; an HTTP gateway that
honours ``Idempotency-Key``) the message is sent again with the *same* key: if the first send got through the
provider recognises the key and answers with the original id, so the recipient gets exactly one message. With a
provider that cannot recognise a repeat (Twilio, SMTP, console) the outcome is unknown, so the message is moved to
``dead`` with that reason and never resent: at most once. Either way no recipient gets a duplicate. A resumed send
is not gated again: it completes a decision already taken and counted.

SQLite has no ``SKIP LOCKED``: one worker only there.

This module holds the configuration, the batch loop (``dispatch_batch``: the three steps and the retries of step
1) and the workers; what the step 1 and step 3 transactions do inside is in ``messaging.dispatch_steps``.
"""

from __future__ import annotations

import contextlib
import multiprocessing as mp
import os
import queue as queue_mod
import socket
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.exc import DBAPIError, OperationalError
from sqlalchemy.orm import Session, sessionmaker

from faircollect.db import make_engine, session_factory
from faircollect.kit.time import utc_now
from faircollect.messaging.dispatch_steps import ACTOR as ACTOR
from faircollect.messaging.dispatch_steps import _claim_and_decide, _outgoing, _record_results
from faircollect.messaging.providers.base import (
    AmbiguousError,
    ChannelRouter,
    OutgoingMessage,
    PermanentError,
    Provider,
    ProviderError,
    SendResult,
    resolve,
)
from faircollect.messaging.settings import get_messaging_settings


@dataclass(frozen=True)
class DispatchConfig:
    batch_size: int = 100
    max_attempts: int = 5
    backoff_base_seconds: float = 30.0
    backoff_max_seconds: float = 3600.0
    lease_seconds: float = 120.0
    #: A fixed clock (simulations, the demo). None = the real clock.
    now: datetime | None = None
    rulebook: Any = None

    @classmethod
    def from_settings(cls, **overrides: Any) -> DispatchConfig:
        s = get_messaging_settings()
        cfg = cls(
            max_attempts=s.max_attempts,
            backoff_base_seconds=s.backoff_base_seconds,
            backoff_max_seconds=s.backoff_max_seconds,
            lease_seconds=s.lease_seconds,
        )
        return replace(cfg, **{k: v for k, v in overrides.items() if v is not None})

    def clock(self) -> datetime:
        return self.now or utc_now()


COUNTERS = (
    "claimed",
    "sent",
    "blocked",
    "deferred",
    "rerendered",
    "expired",
    "retrying",
    "dead",
    "resumed",
    "recognised_duplicates",
    "skipped",
    "batches",
)


@dataclass
class DispatchStats:
    claimed: int = 0
    sent: int = 0
    blocked: int = 0
    deferred: int = 0  # held by the gate for timing only: back in the queue at next_allowed_at
    rerendered: int = 0  # past its validity: made again with the day's facts
    expired: int = 0  # past its validity and no fresh text: never sent
    retrying: int = 0
    dead: int = 0
    resumed: int = 0
    recognised_duplicates: int = 0
    skipped: int = 0  # due, but another worker was deciding for the same borrower: left for a later batch
    batches: int = 0
    seconds: float = 0.0
    blocked_rules: dict[str, int] = field(default_factory=dict)

    def add(self, other: DispatchStats) -> None:
        for name in COUNTERS:
            setattr(self, name, getattr(self, name) + getattr(other, name))
        for rule, n in other.blocked_rules.items():
            self.blocked_rules[rule] = self.blocked_rules.get(rule, 0) + n

    def as_dict(self) -> dict[str, Any]:
        return {
            **{name: getattr(self, name) for name in COUNTERS},
            "seconds": round(self.seconds, 3),
            "blocked_rules": dict(sorted(self.blocked_rules.items())),
        }


def backoff(attempts: int, cfg: DispatchConfig) -> timedelta:
    """Exponential: base, 2·base, 4·base, … capped."""
    return timedelta(
        seconds=min(cfg.backoff_max_seconds, cfg.backoff_base_seconds * 2 ** max(0, attempts - 1))
    )


def _is_retryable_db_error(exc: BaseException) -> bool:
    orig = getattr(exc, "orig", None)
    sqlstate = getattr(orig, "sqlstate", None) or getattr(getattr(orig, "diag", None), "sqlstate", None)
    return sqlstate in ("40P01", "40001", "55P03")  # deadlock, serialization failure, lock not available


def dispatch_batch(
    factory: sessionmaker[Session],
    *,
    provider: Provider | ChannelRouter,
    worker: str = "worker",
    cfg: DispatchConfig | None = None,
) -> DispatchStats:
    """Claim, decide, send and record one batch. Returns what happened (``claimed == 0``: nothing was due)."""
    cfg = cfg or DispatchConfig()
    stats = DispatchStats(batches=1)
    outgoing: list[OutgoingMessage] = []
    for attempt in range(8):
        session = factory()
        try:
            to_send = _claim_and_decide(session, provider=provider, worker=worker, cfg=cfg, stats=stats)
            outgoing = [_outgoing(m) for m in to_send]
            session.commit()
            break
        except (OperationalError, DBAPIError) as exc:
            session.rollback()
            if not _is_retryable_db_error(exc) or attempt == 7:
                raise
            stats = DispatchStats(batches=1)
            time.sleep(0.01 * (attempt + 1))
        finally:
            session.close()
    if not outgoing:
        return stats
    results: list[tuple[str, SendResult | ProviderError]] = []
    for out in outgoing:
        p = resolve(provider, out.channel)
        try:
            results.append((out.message_id, p.send(out)))
        except AmbiguousError as exc:
            # It may have gone out: repeat only where the provider recognises the key (at most once otherwise).
            results.append(
                (out.message_id, exc if p.idempotent else PermanentError(f"outcome unknown: {exc}"))
            )
        except ProviderError as exc:
            results.append((out.message_id, exc))
        except Exception as exc:  # an adapter bug or an unexpected library error: the outcome is unknown too
            unknown = f"outcome unknown: {type(exc).__name__}: {exc}"
            results.append(
                (out.message_id, AmbiguousError(unknown) if p.idempotent else PermanentError(unknown))
            )
    with session_scope(factory) as session:
        _record_results(session, results, worker=worker, cfg=cfg, stats=stats)
    return stats


@contextlib.contextmanager
def session_scope(factory: sessionmaker[Session]) -> Any:
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


def dispatch_until_empty(
    factory: sessionmaker[Session],
    *,
    provider: Provider | ChannelRouter,
    worker: str = "worker",
    cfg: DispatchConfig | None = None,
    stop_when_empty: bool = True,
    poll_interval: float = 1.0,
    should_stop: Callable[[], bool] | None = None,
) -> DispatchStats:
    """Run batches until nothing is due (or forever, polling, when ``stop_when_empty`` is False)."""
    total = DispatchStats()
    started = time.perf_counter()
    while not (should_stop and should_stop()):
        stats = dispatch_batch(factory, provider=provider, worker=worker, cfg=cfg)
        total.add(stats)
        if stats.claimed == 0:
            total.batches -= 1
            if stats.skipped:  # others hold those borrowers right now: try again shortly
                time.sleep(0.01)
                continue
            if stop_when_empty:
                break
            time.sleep(poll_interval)
    total.seconds = time.perf_counter() - started
    return total


def _worker_id(i: int) -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{i}"


def _worker_main(
    url: str, provider: Any, cfg: DispatchConfig, stop_when_empty: bool, i: int, queue: Any
) -> None:
    engine = make_engine(url, pool_size=2, max_overflow=2)
    try:
        stats = dispatch_until_empty(
            session_factory(engine),
            provider=provider,
            worker=_worker_id(i),
            cfg=cfg,
            stop_when_empty=stop_when_empty,
        )
        queue.put(stats.as_dict())
    finally:
        engine.dispose()


def run_workers(
    url: str,
    n: int,
    *,
    provider: Provider | ChannelRouter,
    stop_when_empty: bool = True,
    cfg: DispatchConfig | None = None,
    mode: str = "process",
    now: datetime | None = None,
) -> DispatchStats:
    """Run ``n`` dispatch workers (processes by default; threads with ``mode="thread"``) against ``url``.

    SQLite always runs one worker in this process. Returns the workers' combined statistics.
    """
    cfg = cfg or DispatchConfig.from_settings()
    if now is not None:
        cfg = replace(cfg, now=now)
    started = time.perf_counter()
    engine = make_engine(url)
    sqlite = engine.dialect.name == "sqlite"
    if sqlite or n <= 1:
        try:
            total = dispatch_until_empty(
                session_factory(engine),
                provider=provider,
                worker=_worker_id(0),
                cfg=cfg,
                stop_when_empty=stop_when_empty,
            )
        finally:
            engine.dispose()
        return total
    engine.dispose()
    total = DispatchStats()
    if mode == "thread":
        results: list[DispatchStats] = []
        shared = make_engine(url, pool_size=n + 1)
        factory = session_factory(shared)

        def run(i: int) -> None:
            results.append(
                dispatch_until_empty(
                    factory,
                    provider=provider,
                    worker=f"{_worker_id(0)}:t{i}",
                    cfg=cfg,
                    stop_when_empty=stop_when_empty,
                )
            )

        threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        shared.dispose()
        for r in results:
            total.add(r)
    else:
        ctx = mp.get_context("fork")
        queue = ctx.Queue()
        procs = [
            ctx.Process(
                target=_worker_main, args=(url, provider, cfg, stop_when_empty, i, queue), daemon=False
            )
            for i in range(n)
        ]
        for p in procs:
            p.start()
        collected: list[dict[str, Any]] = []
        while len(collected) < n:
            try:
                collected.append(queue.get(timeout=0.5))
            except queue_mod.Empty:
                if all(not p.is_alive() for p in procs) and queue.empty():
                    break
        for p in procs:
            p.join()
        failed = [p.exitcode for p in procs if p.exitcode != 0]
        if failed:
            raise RuntimeError(
                f"{len(failed)} dispatch worker(s) failed (exit codes {failed}); see their logs"
            )
        for d in collected:
            s = DispatchStats(**{k: d[k] for k in COUNTERS})
            s.blocked_rules = dict(d["blocked_rules"])
            total.add(s)
    total.seconds = time.perf_counter() - started
    return total
