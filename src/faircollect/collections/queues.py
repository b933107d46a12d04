"""Agent work queues: accounts ranked by the expected value of working them today, assigned least-loaded first
within each agent's daily cap. An agent sees only the cases on their own list.

The model is deliberately simple and transparent (a strategist can check it by hand)::

    EV(case) = amount_overdue × P(pay | worked today) − cost_of_working

    P(pay | worked) = base(days past due) × Π factors, clamped to [0.01, 0.95]
      base:   ≤7 dpd 0.45 · ≤30 0.35 · ≤60 0.22 · ≤90 0.12 · >90 0.05
      ×1.30   a promise falls due today or fell due yesterday (follow-up call)
      ×1.20   the borrower has kept a promise before
      ×0.75ⁿ  n broken promises
      ×0.40   the last call reached a wrong party
      ×0.70   the last three calls were not answered

"Balance" in EV is the amount overdue — what a successful call collects today — not the whole loan. Cases with
EV ≤ 0 are not queued. Ties break by the larger amount, then the case id (deterministic).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from faircollect.collections.models import Agent, CollectionCase, PromiseToPay, QueueAssignment
from faircollect.collections.service import get_case
from faircollect.compliance.audit import service as audit
from faircollect.kit.errors import NotFound
from faircollect.kit.ids import new_id
from faircollect.kit.time import utc_now

BASE_P = ((7, Decimal("0.45")), (30, Decimal("0.35")), (60, Decimal("0.22")), (90, Decimal("0.12")))
LATE_P = Decimal("0.05")
DEFAULT_CALL_COST_MINOR = 300  # 3.00 in the currency's major unit: an agent's minutes plus telephony


@dataclass(frozen=True, slots=True)
class CaseSignals:
    """What the model reads about a case."""

    case_id: str
    days_past_due: int
    amount_minor: int
    stage: str
    agency_id: str | None
    promise_due_now: bool = False
    kept_promises: int = 0
    broken_promises: int = 0
    last_call_wrong_party: bool = False
    no_answer_streak: int = 0


def p_pay(s: CaseSignals) -> Decimal:
    """P(pay | worked today) by the table in the module docstring."""
    p = next((base for limit, base in BASE_P if s.days_past_due <= limit), LATE_P)
    if s.promise_due_now:
        p *= Decimal("1.30")
    if s.kept_promises:
        p *= Decimal("1.20")
    p *= Decimal("0.75") ** s.broken_promises
    if s.last_call_wrong_party:
        p *= Decimal("0.40")
    if s.no_answer_streak >= 3:
        p *= Decimal("0.70")
    return min(Decimal("0.95"), max(Decimal("0.01"), p)).quantize(Decimal("0.0001"))


def expected_value_minor(s: CaseSignals, cost_minor: int = DEFAULT_CALL_COST_MINOR) -> int:
    """amount × P(pay | worked) − cost, in minor units (rounded half-up)."""
    return int((Decimal(s.amount_minor) * p_pay(s)).quantize(Decimal(1), rounding=ROUND_HALF_UP)) - cost_minor


@dataclass(frozen=True, slots=True)
class AgentSlot:
    agent_id: str
    agency_id: str | None
    stages: frozenset[str] | None  # None = every stage
    daily_cap: int
    load: int = 0  # already assigned today


@dataclass(frozen=True, slots=True)
class Placement:
    case_id: str
    agent_id: str
    rank: int
    expected_value_minor: int
    p_pay: Decimal


def rank_cases(
    cases: Iterable[CaseSignals], cost_minor: int = DEFAULT_CALL_COST_MINOR
) -> list[tuple[CaseSignals, int]]:
    """Cases with positive expected value, best first (EV, then amount, then id)."""
    scored = [(c, expected_value_minor(c, cost_minor)) for c in cases]
    scored = [x for x in scored if x[1] > 0]
    return sorted(scored, key=lambda x: (-x[1], -x[0].amount_minor, x[0].case_id))


def assign(
    cases: Iterable[CaseSignals], agents: Sequence[AgentSlot], cost_minor: int = DEFAULT_CALL_COST_MINOR
) -> list[Placement]:
    """Pure assignment: best case first to the least-loaded eligible agent with room under their cap.

    Eligible: an agency's case goes only to that agency's agents; a lender case only to lender staff whose stages
    include the case's stage. Ties in load break by agent id.
    """
    load = {a.agent_id: a.load for a in agents}
    ranks = {a.agent_id: a.load for a in agents}
    out = []
    for c, ev in rank_cases(cases, cost_minor):
        eligible = [
            a
            for a in agents
            if a.agency_id == c.agency_id
            and (a.stages is None or c.stage in a.stages)
            and load[a.agent_id] < a.daily_cap
        ]
        if not eligible:
            continue
        best = min(eligible, key=lambda a: (load[a.agent_id], a.agent_id))
        load[best.agent_id] += 1
        ranks[best.agent_id] += 1
        out.append(Placement(c.case_id, best.agent_id, ranks[best.agent_id], ev, p_pay(c)))
    return out


# --- the shell ----------------------------------------------------------------------------------------------


def _stages(queue: str) -> frozenset[str] | None:
    parts = {q.strip() for q in (queue or "*").split(",") if q.strip()}
    return None if not parts or "*" in parts else frozenset(parts)


def signals_for(session: Session, case: CollectionCase, work_date: date) -> CaseSignals:
    from faircollect.compliance.models import ContactAttempt

    promises = list(
        session.execute(select(PromiseToPay).where(PromiseToPay.borrower_id == case.borrower_id)).scalars()
    )
    due_now = any(
        p.case_id == case.id
        and p.status == "pending"
        and p.promised_date in (work_date, work_date - timedelta(days=1))
        for p in promises
    )
    calls = list(
        session.execute(
            select(ContactAttempt.outcome)
            .where(ContactAttempt.borrower_id == case.borrower_id, ContactAttempt.channel == "call")
            .order_by(ContactAttempt.at.desc())
            .limit(3)
        ).scalars()
    )
    streak = 0
    for o in calls:
        if o != "no_answer":
            break
        streak += 1
    return CaseSignals(
        case_id=case.id,
        days_past_due=case.days_past_due,
        amount_minor=case.overdue_minor,
        stage=case.stage,
        agency_id=case.agency_id,
        promise_due_now=due_now,
        kept_promises=sum(1 for p in promises if p.status == "kept"),
        broken_promises=sum(1 for p in promises if p.status == "broken"),
        last_call_wrong_party=bool(calls) and calls[0] == "wrong_party",
        no_answer_streak=streak,
    )


def _workable(session: Session, case: CollectionCase, work_date: date) -> bool:
    from faircollect.collections.promises import pending_promise
    from faircollect.compliance.models import Hold

    if case.status != "open" or case.on_hold:
        return False
    p = pending_promise(session, case.id, work_date)
    if p is not None and p.promised_date > work_date:
        return False  # leave the borrower alone until the promised date
    now = utc_now()
    holds = session.execute(
        select(Hold.until).where(Hold.borrower_id == case.borrower_id, Hold.released_at.is_(None))
    ).scalars()
    return not any(u is None or u > now for u in holds)


def build_work_queues(
    session: Session,
    work_date: date,
    *,
    case_ids: Sequence[str] | None = None,
    cost_minor: int = DEFAULT_CALL_COST_MINOR,
    actor: str = "system:queues",
) -> list[QueueAssignment]:
    """Rank the day's workable cases (all open ones, or ``case_ids``) and assign them to agents. Idempotent per day:
    cases already assigned for ``work_date`` keep their agent; only new cases are added."""
    stmt = select(CollectionCase).where(CollectionCase.status == "open")
    if case_ids is not None:
        stmt = stmt.where(CollectionCase.id.in_(list(case_ids)))
    taken = set(
        session.execute(
            select(QueueAssignment.case_id).where(QueueAssignment.work_date == work_date)
        ).scalars()
    )
    cases = [c for c in session.execute(stmt.order_by(CollectionCase.id)).scalars() if c.id not in taken]
    signals = [signals_for(session, c, work_date) for c in cases if _workable(session, c, work_date)]
    loads = dict(
        session.execute(
            select(QueueAssignment.agent_id, func.count())
            .where(QueueAssignment.work_date == work_date)
            .group_by(QueueAssignment.agent_id)
        ).all()
    )
    agents = [
        AgentSlot(a.id, a.agency_id, _stages(a.queue), a.daily_cap, int(loads.get(a.id, 0)))
        for a in session.execute(select(Agent).where(Agent.active.is_(True)).order_by(Agent.id)).scalars()
    ]
    queue_of = {a.id: a.queue for a in session.execute(select(Agent)).scalars()}
    rows = []
    for p in assign(signals, agents, cost_minor):
        qa = QueueAssignment(
            id=new_id("qa"),
            work_date=work_date,
            queue=queue_of.get(p.agent_id, "*"),
            agent_id=p.agent_id,
            case_id=p.case_id,
            rank=p.rank,
            expected_value_minor=p.expected_value_minor,
            p_pay=str(p.p_pay),
            status="assigned",
            assigned_at=utc_now(),
        )
        session.add(qa)
        rows.append(qa)
    session.flush()
    if rows:
        audit.record(
            session,
            actor=actor,
            action="collections.queues.built",
            subject_type="work_date",
            subject_id=work_date.isoformat(),
            payload={"assigned": len(rows), "agents": len({r.agent_id for r in rows})},
        )
    return rows


def agent_queue(
    session: Session, agent_id: str, work_date: date
) -> list[tuple[QueueAssignment, CollectionCase]]:
    """The agent's own work list for the day, in rank order — and nothing else."""
    if session.get(Agent, agent_id) is None:
        raise NotFound(f"no agent {agent_id}", field="agent_id")
    rows = session.execute(
        select(QueueAssignment)
        .where(QueueAssignment.agent_id == agent_id, QueueAssignment.work_date == work_date)
        .order_by(QueueAssignment.rank)
    ).scalars()
    return [(qa, get_case(session, qa.case_id)) for qa in rows]
