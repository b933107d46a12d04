"""Simulated days, end to end: age the book, plan through the gate, dispatch, agents call, borrowers respond.

Each simulated day, in its own transactions (as production would run them):

1. morning — ``ledger.age_loans``, promises judged from the ledger, then ``planner.plan`` (cases synced, every
   treatment gated, allowed messages written to the outbox with the decision);
2. 12:00 (lender's zone) — ``messaging.dispatch`` sends what is due, asking the gate again with fresh facts;
3. daytime — the day's call cases are ranked and assigned to agents (lender staff and an agency); agents call
   through the gate; unanswered calls are retried, the last retry at 21:30 local, which the CN rulebook refuses;
4. borrowers respond (seeded random, by a behaviour profile derived from their id): pay, promise, complain
   (a hold), and once a case qualifies a visit is requested, refused to its own requester, approved by a
   supervisor, and carried out the next day with a recording reference;
5. evening — payments are posted to the ledger dated that day.

Steps 3 to 5 — the simulated people: the behaviour profiles and their probabilities, the agents' calls, the
borrowers' SMS replies, payments, promises and complaints, the field visit, and the clock helpers
(``BUSINESS_TZ``, ``_local``) — are in ``simulation_behaviour``. This module keeps the day loop (planner,
dispatch, ledger), the summary and its printing, and re-exports the names that moved.

``seed_book`` (in ``simulation_setup``, re-exported here) creates a book when there is none.

Nothing here is canned: every figure in the summary is read back from the database.
"""

from __future__ import annotations

import random
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session, sessionmaker

from faircollect.collections.models import CollectionCase
from faircollect.collections.simulation_behaviour import BUSINESS_TZ as BUSINESS_TZ
from faircollect.collections.simulation_behaviour import CALL_OUTCOMES as CALL_OUTCOMES
from faircollect.collections.simulation_behaviour import P_COMPLAIN as P_COMPLAIN
from faircollect.collections.simulation_behaviour import P_KEEP as P_KEEP
from faircollect.collections.simulation_behaviour import P_OPT_OUT as P_OPT_OUT
from faircollect.collections.simulation_behaviour import P_PAY_CONTACTED as P_PAY_CONTACTED
from faircollect.collections.simulation_behaviour import P_PAY_ON_DUE as P_PAY_ON_DUE
from faircollect.collections.simulation_behaviour import P_PROMISE as P_PROMISE
from faircollect.collections.simulation_behaviour import PROFILES as PROFILES
from faircollect.collections.simulation_behaviour import _calls as _calls
from faircollect.collections.simulation_behaviour import _complete_visits as _complete_visits
from faircollect.collections.simulation_behaviour import _local as _local
from faircollect.collections.simulation_behaviour import _pay as _pay
from faircollect.collections.simulation_behaviour import _pick as _pick
from faircollect.collections.simulation_behaviour import _replies as _replies
from faircollect.collections.simulation_behaviour import _respond as _respond
from faircollect.collections.simulation_behaviour import _try_visit as _try_visit
from faircollect.collections.simulation_setup import SIM, ensure_staff
from faircollect.collections.simulation_setup import seed_book as seed_book  # re-exported: part of the API
from faircollect.collections.strategy import Strategy
from faircollect.db import unit_of_work
from faircollect.kit.masking import mask_phone
from faircollect.ledger.types import LoanState


@dataclass(slots=True)
class SimulationSummary:
    start: date
    days: int
    strategy: str
    plan_status: Counter[str] = field(default_factory=Counter)
    by_arm: Counter[str] = field(default_factory=Counter)
    blocked: list[dict[str, Any]] = field(default_factory=list)
    messages: list[dict[str, Any]] = field(default_factory=list)
    dispatch: Counter[str] = field(default_factory=Counter)
    calls: Counter[str] = field(default_factory=Counter)
    payments: list[dict[str, Any]] = field(default_factory=list)
    promises: Counter[str] = field(default_factory=Counter)
    visits: list[dict[str, Any]] = field(default_factory=list)
    holds: list[dict[str, Any]] = field(default_factory=list)
    opt_outs: list[dict[str, Any]] = field(default_factory=list)
    cases_opened: int = 0
    cases_closed: Counter[str] = field(default_factory=Counter)
    open_cases_at_end: int = 0

    def as_dict(self) -> dict[str, Any]:
        return {
            "start": self.start.isoformat(),
            "days": self.days,
            "strategy": self.strategy,
            "plan_status": dict(self.plan_status),
            "by_arm": dict(self.by_arm),
            "blocked": self.blocked,
            "messages": self.messages,
            "dispatch": dict(self.dispatch),
            "calls": dict(self.calls),
            "payments": self.payments,
            "promises": dict(self.promises),
            "visits": self.visits,
            "holds": self.holds,
            "opt_outs": self.opt_outs,
            "cases_opened": self.cases_opened,
            "cases_closed": dict(self.cases_closed),
            "open_cases_at_end": self.open_cases_at_end,
        }


def simulate_days(
    factory: sessionmaker[Session],
    *,
    start: date,
    days: int,
    seed: int,
    strategy: Strategy,
    provider: Any = None,
) -> SimulationSummary:
    """Run ``days`` simulated days from ``start``; returns what happened (every figure read from the database)."""
    from faircollect.messaging.models import BLOCKED, LEFT_US, OutboxMessage
    from faircollect.messaging.seeds import seed_templates

    rng = random.Random(seed)
    out = SimulationSummary(start, days, strategy.key)
    with unit_of_work(factory) as session:
        from faircollect.messaging.models import MessageTemplate

        if session.execute(select(MessageTemplate.id)).first() is None:
            seed_templates(session, actor=SIM)
        ensure_staff(session, start)
    if provider is None:
        provider = _default_provider()
    visit_done = False
    for offset in range(days):
        day = start + timedelta(days=offset)
        with unit_of_work(factory) as session:
            states = _morning(session, day, strategy, out)
        _dispatch(factory, day, provider, out, OutboxMessage, BLOCKED, LEFT_US)
        _replies(factory, day, rng, out, OutboxMessage, LEFT_US)
        with unit_of_work(factory) as session:
            contacted = _calls(session, day, seed, rng, out)
        with unit_of_work(factory) as session:
            contacted |= _messaged_borrowers(session, day, OutboxMessage, LEFT_US)
            _respond(session, day, seed, rng, contacted, out, states)
        if not visit_done:
            visit_done = _try_visit(factory, day, strategy, out)
        _complete_visits(factory, day, out)
    with unit_of_work(factory) as session:
        out.open_cases_at_end = int(
            session.execute(
                select(func.count()).select_from(CollectionCase).where(CollectionCase.status == "open")
            ).scalar_one()
        )
    return out


def _default_provider() -> Any:
    from faircollect.messaging.providers import make_provider

    return make_provider("file")


def _morning(session: Session, day: date, strategy: Strategy, out: SimulationSummary) -> dict[str, LoanState]:
    from faircollect.collections.planner import plan
    from faircollect.collections.promises import check_promises
    from faircollect.ledger import service as ledger

    ledger.age_loans(session, day, actor=SIM)
    pc = check_promises(session, day, actor=SIM)
    out.promises["kept"] += len(pc.kept)
    out.promises["broken"] += len(pc.broken)
    summary = plan(session, as_of=day, strategy=strategy, actor=SIM)
    out.plan_status.update(summary.by_status)
    out.by_arm.update(summary.by_arm)
    out.cases_opened += summary.opened
    for d in summary.denied:
        out.blocked.append(
            {
                "day": day.isoformat(),
                "where": "plan",
                **{k: d[k] for k in ("borrower", "channel", "rules", "reason")},
            }
        )
    closed = session.execute(
        select(CollectionCase.close_reason).where(CollectionCase.closed_on == day)
    ).scalars()
    out.cases_closed.update(r for r in closed if r)
    return summary.states


def _dispatch(
    factory: sessionmaker[Session],
    day: date,
    provider: Any,
    out: SimulationSummary,
    Outbox: Any,
    blocked: str,
    left_us: tuple[str, ...],
) -> None:
    try:
        from faircollect.messaging.dispatch import DispatchConfig, dispatch_until_empty
    except ImportError:  # messaging without dispatch: messages stay planned
        return
    now = datetime.combine(day, time(12, 0), tzinfo=BUSINESS_TZ).astimezone(UTC)
    stats = dispatch_until_empty(
        factory, provider=provider, worker="sim", cfg=DispatchConfig.from_settings(now=now)
    )
    out.dispatch.update(
        {"sent": stats.sent, "blocked": stats.blocked, "dead": stats.dead, "retrying": stats.retrying}
    )
    lo = datetime.combine(day, time(0), tzinfo=BUSINESS_TZ).astimezone(UTC)
    hi = lo + timedelta(days=1)
    with unit_of_work(factory) as session:
        for m in session.execute(
            select(Outbox).where(Outbox.planned_for >= lo, Outbox.planned_for < hi)
        ).scalars():
            if m.status in left_us:
                out.messages.append(
                    {
                        "day": day.isoformat(),
                        "channel": m.channel,
                        "to": mask_phone(m.address) if m.channel != "email" else m.address[:1] + "***",
                        "template": m.template_key,
                        "verification_code": m.verification_code,
                        "arm": m.arm,
                    }
                )
            elif m.status == blocked:
                out.blocked.append(
                    {
                        "day": day.isoformat(),
                        "where": "dispatch",
                        "borrower": m.borrower_id[-6:],
                        "channel": m.channel,
                        "rules": list(m.send_rule_ids or []),
                        "reason": m.last_error or "denied at send time",
                    }
                )


def _messaged_borrowers(session: Session, day: date, Outbox: Any, left_us: tuple[str, ...]) -> set[str]:
    lo = datetime.combine(day, time(0), tzinfo=BUSINESS_TZ).astimezone(UTC)
    rows = session.execute(
        select(Outbox.borrower_id).where(
            Outbox.planned_for >= lo, Outbox.planned_for < lo + timedelta(days=1), Outbox.status.in_(left_us)
        )
    ).scalars()
    return set(rows)


def print_summary(s: SimulationSummary, console: Any) -> None:
    """Print the summary with rich: plan statuses, blocked contacts with rule and reason, messages, outcomes."""
    from rich.table import Column, Table

    console.print(f"[bold]{s.days} simulated days from {s.start} with {s.strategy}[/bold]")
    t = Table("plan status", "count")
    for k, v in sorted(s.plan_status.items()):
        t.add_row(k, str(v))
    console.print(t)
    console.print("arms: " + ", ".join(f"{k} {v}" for k, v in sorted(s.by_arm.items())))
    b = Table(
        "day",
        "where",
        "borrower",
        "channel",
        Column("rules", no_wrap=True),
        Column("reason", ratio=1),
        title=f"blocked by the gate ({len(s.blocked)}; first 15)",
    )
    for row in s.blocked[:15]:
        b.add_row(
            row["day"][5:],
            row["where"],
            row["borrower"],
            row["channel"],
            "\n".join(row["rules"]),
            row["reason"][:120],
        )
    console.print(b)
    m = Table(
        "day",
        "channel",
        "to",
        "template",
        "verification code",
        "arm",
        title=f"messages sent ({len(s.messages)}; first 10)",
    )
    for row in s.messages[:10]:
        m.add_row(
            row["day"],
            row["channel"],
            row["to"],
            str(row["template"]),
            row["verification_code"],
            str(row["arm"]),
        )
    console.print(m)
    console.print(f"dispatch: {dict(s.dispatch)}; calls: {dict(s.calls)}")
    console.print(
        f"payments: {len(s.payments)}; promises: {dict(s.promises)}; holds from complaints: {len(s.holds)}; "
        f"SMS opt-outs (replied T): {len(s.opt_outs)}"
    )
    for vis in s.visits:
        ref = vis.get("visit_id") or vis.get("case_id", "")
        why = vis.get("why")
        detail = f" — {'; '.join(why) if isinstance(why, list) else why}" if why else ""
        rec = f" (recording {vis['recording']})" if vis.get("recording") else ""
        console.print(f"visit {vis['day']} …{ref[-6:]}: {vis['event']}{rec}{detail}")
    console.print(
        f"cases opened {s.cases_opened}, closed {dict(s.cases_closed)}, open at the end {s.open_cases_at_end}"
    )
