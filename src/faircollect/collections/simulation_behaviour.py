"""The simulated people (steps 3 to 5 of ``collections.simulation``): borrowers' behaviour and agents' work.

* the behaviour model — ``PROFILES`` (a borrower's, by ``simulation_setup.profile_of``) and the
  probabilities ``P_PAY_CONTACTED``, ``P_PAY_ON_DUE``, ``P_PROMISE``, ``P_KEEP``, ``P_COMPLAIN``,
  ``P_OPT_OUT`` and ``CALL_OUTCOMES``;
* ``_replies``: borrowers reply "T" to an SMS (an opt-out through ``messaging.service.handle_inbound``);
* ``_calls``: the day's call cases are ranked and assigned; agents call through the gate, retry, and take
  promises;
* ``_respond``: borrowers pay (``_pay``, posted to the ledger dated that day), keep or break promises, or
  complain (a hold);
* ``_try_visit`` / ``_complete_visits``: a field visit requested, refused to its requester, approved by a
  supervisor, and carried out the next day with a recording reference;
* the clock: ``BUSINESS_TZ`` and ``_local`` (a local wall-clock time on a simulated day, in UTC).

The day loop that drives planner, dispatch and ledger, and the summary, are in ``collections.simulation``,
which imports this module (so this module imports ``simulation`` only for type checking).
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from faircollect.collections.models import Agent, CollectionCase, VisitRequest
from faircollect.collections.simulation_setup import SIM, due_now, profile_of
from faircollect.collections.strategy import Strategy
from faircollect.db import unit_of_work
from faircollect.kit.errors import FaircollectError
from faircollect.kit.masking import mask_name
from faircollect.kit.money import format_minor
from faircollect.ledger.models import Borrower, Loan
from faircollect.ledger.types import LoanState

if TYPE_CHECKING:
    from faircollect.collections.simulation import SimulationSummary

PROFILES = ("payer", "late", "struggler")
BUSINESS_TZ = ZoneInfo("Asia/Shanghai")

# P(pay today | contacted today) and P(pay on the due date unprompted), by profile.
P_PAY_CONTACTED = {"payer": 0.55, "late": 0.30, "struggler": 0.06}
P_PAY_ON_DUE = {"payer": 0.92, "late": 0.30, "struggler": 0.05}
P_PROMISE = {"payer": 0.5, "late": 0.5, "struggler": 0.35}
P_KEEP = {"payer": 0.9, "late": 0.6, "struggler": 0.25}
P_COMPLAIN = 0.02
P_OPT_OUT = 0.04  # replies "T" (回T退订) to an SMS
CALL_OUTCOMES = (("connected", 0.5), ("no_answer", 0.35), ("refused", 0.1), ("wrong_party", 0.05))


def _pay(session: Session, loan_id: str, on: date, amount: int, tag: str, out: SimulationSummary) -> None:
    from faircollect.ledger import service as ledger

    if amount <= 0:
        return
    b = ledger.post_payment(
        session, loan_id=loan_id, key=f"sim-{tag}-{on.isoformat()}", date=on, amount_minor=amount, actor=SIM
    )
    out.payments.append(
        {"day": on.isoformat(), "loan_id": loan_id, "amount": format_minor(amount, b.currency), "why": tag}
    )


def _local(on: date, hh: int, mm: int, tz: str | None) -> datetime:
    return datetime.combine(on, time(hh, mm), tzinfo=ZoneInfo(tz or "Asia/Shanghai")).astimezone(UTC)


def _replies(
    factory: sessionmaker[Session],
    day: date,
    rng: random.Random,
    out: SimulationSummary,
    Outbox: Any,
    left_us: tuple[str, ...],
) -> None:
    """A few borrowers reply "T" to an SMS; messaging records the opt-out, and the gate honours it from then on."""
    from faircollect.messaging.providers.base import InboundMessage
    from faircollect.messaging.service import handle_inbound

    lo = datetime.combine(day, time(0), tzinfo=BUSINESS_TZ).astimezone(UTC)
    with unit_of_work(factory) as session:
        sent_rows = session.execute(
            select(Outbox)
            .where(
                Outbox.planned_for >= lo,
                Outbox.planned_for < lo + timedelta(days=1),
                Outbox.status.in_(left_us),
                Outbox.channel == "sms",
            )
            .order_by(Outbox.id)
        ).scalars()
        sent = [(m.address, m.borrower_id) for m in sent_rows]  # addresses are sealed: read through the model
        for address, borrower_id in sent:
            if rng.random() < P_OPT_OUT:
                handle_inbound(
                    session,
                    provider="sim",
                    channel="sms",
                    messages=[InboundMessage(from_address=address, body="T")],
                    actor=SIM,
                    at=_local(day, 13, 0, None),
                )
                out.opt_outs.append(
                    {"day": day.isoformat(), "borrower_id": borrower_id, "channel": "sms", "reply": "T"}
                )


def _calls(session: Session, day: date, seed: int, rng: random.Random, out: SimulationSummary) -> set[str]:
    from faircollect.collections.contacts import call
    from faircollect.collections.models import PlannedContact
    from faircollect.collections.promises import make_promise
    from faircollect.collections.queues import agent_queue, build_work_queues

    call_cases = list(
        session.execute(
            select(PlannedContact.case_id).where(
                PlannedContact.plan_date == day, PlannedContact.status == "queued_call"
            )
        ).scalars()
    )
    build_work_queues(session, day, case_ids=[c for c in call_cases if c], actor=SIM)
    reached: set[str] = set()
    for agent in session.execute(select(Agent).order_by(Agent.id)).scalars():
        for qa, case in agent_queue(session, agent.id, day):
            borrower = session.get(Borrower, case.borrower_id)
            assert borrower is not None
            tries = [(10, 30 + (qa.rank % 25)), (16, 0), (21, 30)]  # the last retry is too late in CN
            for hh, mm in tries:
                at = _local(day, hh, mm, borrower.timezone)
                outcome = _pick(rng, CALL_OUTCOMES)
                res = call(
                    session,
                    case_id=case.id,
                    at=at,
                    outcome=outcome,
                    agent_id=agent.id,
                    actor=f"agent:{agent.user}",
                    business_date=day,
                )
                if not res.allowed:
                    out.calls["blocked"] += 1
                    out.blocked.append(
                        {
                            "day": day.isoformat(),
                            "where": f"call by {agent.user}",
                            "borrower": mask_name(borrower.name),
                            "channel": "call",
                            "rules": [r["rule"] for r in res.reasons],
                            "reason": "; ".join(r["message"] for r in res.reasons),
                        }
                    )
                    break
                out.calls[outcome] += 1
                if outcome != "no_answer":
                    break
            else:
                continue
            if outcome == "connected" and res.allowed:
                reached.add(case.borrower_id)
                if rng.random() < P_PROMISE[profile_of(case.borrower_id, seed)] and case.overdue_minor > 0:
                    make_promise(
                        session,
                        case_id=case.id,
                        amount_minor=case.overdue_minor,
                        promised_date=day + timedelta(days=rng.randint(1, 5)),
                        channel="call",
                        made_on=day,
                        actor=f"agent:{agent.user}",
                        agency_id=agent.agency_id,
                    )
                    out.promises["made"] += 1
    return reached


def _pick(rng: random.Random, options: tuple[tuple[str, float], ...]) -> str:
    x = rng.random()
    for name, p in options:
        if x < p:
            return name
        x -= p
    return options[-1][0]


def _respond(
    session: Session,
    day: date,
    seed: int,
    rng: random.Random,
    contacted: set[str],
    out: SimulationSummary,
    states: dict[str, LoanState],
) -> None:
    from faircollect.collections.contacts import log_complaint
    from faircollect.collections.models import PromiseToPay
    from faircollect.ledger import service as ledger

    for loan in session.execute(select(Loan).where(Loan.status == "active").order_by(Loan.id)).scalars():
        profile = profile_of(loan.borrower_id, seed)
        # The morning's state still holds: each loan is paid at most once below, and calls move no money.
        state = states.get(loan.id) or ledger.loan_state(session, loan.id, day)
        due = due_now(state)
        if due <= 0:
            continue
        promise = session.execute(
            select(PromiseToPay).where(
                PromiseToPay.loan_id == loan.id,
                PromiseToPay.status == "pending",
                PromiseToPay.promised_date == day,
            )
        ).scalar_one_or_none()
        due_today = any(i.due_date == day and i.outstanding_total > 0 for i in state.instalments)
        if promise is not None:
            if rng.random() < P_KEEP[profile]:
                _pay(session, loan.id, day, promise.amount_minor, f"promise-{loan.id[-6:]}", out)
            continue
        if loan.borrower_id in contacted and rng.random() < P_COMPLAIN:
            case = session.execute(
                select(CollectionCase).where(CollectionCase.open_key == loan.id)
            ).scalar_one_or_none()
            kind = rng.choice(("complaint", "hardship", "dispute"))
            c = log_complaint(
                session,
                borrower_id=loan.borrower_id,
                kind=kind,
                channel="phone",
                summary=f"simulated {kind}: borrower objects to contact",
                received_at=_local(day, 18, 0, None),
                actor=SIM,
                case_id=case.id if case else None,
            )
            out.holds.append(
                {
                    "day": day.isoformat(),
                    "kind": kind,
                    "complaint_id": c.id,
                    "hold_id": c.hold_id,
                    "due_by": c.due_by.date().isoformat(),
                }
            )
            continue
        p = (
            P_PAY_CONTACTED[profile]
            if loan.borrower_id in contacted
            else (P_PAY_ON_DUE[profile] if due_today and state.days_past_due == 0 else 0.01)
        )
        if rng.random() < p:
            _pay(session, loan.id, day, due, f"pay-{loan.id[-6:]}", out)


def _try_visit(factory: sessionmaker[Session], day: date, strategy: Strategy, out: SimulationSummary) -> bool:
    """Find a case that qualifies; request a visit for tomorrow 10:00–12:00, show that self-approval is refused,
    then let a supervisor approve it."""
    from faircollect.collections.visits import VisitRefused, approve_visit, request_visit

    policy = strategy.visit_policy
    with unit_of_work(factory) as session:
        candidates = list(
            session.execute(
                select(CollectionCase)
                .where(
                    CollectionCase.status == "open",
                    CollectionCase.days_past_due >= policy.min_dpd,
                    CollectionCase.on_hold.is_(False),
                )
                .order_by(CollectionCase.balance_minor.desc())
                .limit(5)
            ).scalars()
        )
        candidate_ids = [(c.id, c.borrower_id) for c in candidates]
    for case_id, borrower_id in candidate_ids:
        try:
            with unit_of_work(factory) as session:
                tz = session.get(Borrower, borrower_id).timezone  # type: ignore[union-attr]
                v = request_visit(
                    session,
                    case_id=case_id,
                    requested_by="agent:sim.wang",
                    reason="no contact after calls and SMS; borrower asked to meet",
                    staff=["王强", "李明"],
                    window_start=_local(day + timedelta(days=1), 10, 0, tz),
                    window_end=_local(day + timedelta(days=1), 12, 0, tz),
                    policy=policy,
                )
                visit_id = v.id
        except VisitRefused as exc:
            if len(out.visits) < 3:
                out.visits.append(
                    {
                        "day": day.isoformat(),
                        "case_id": case_id,
                        "event": "request refused",
                        "why": exc.problems,
                    }
                )
            continue
        out.visits.append(
            {"day": day.isoformat(), "visit_id": visit_id, "event": "requested by agent:sim.wang"}
        )
        try:
            with unit_of_work(factory) as session:
                approve_visit(session, visit_id=visit_id, approver="agent:sim.wang", policy=policy)
        except VisitRefused as exc:
            out.visits.append(
                {
                    "day": day.isoformat(),
                    "visit_id": visit_id,
                    "event": "self-approval refused",
                    "why": exc.problems,
                }
            )
        try:
            with unit_of_work(factory) as session:
                approve_visit(
                    session,
                    visit_id=visit_id,
                    approver="supervisor:sim.zhou",
                    note="prerequisites checked",
                    policy=policy,
                )
            out.visits.append(
                {"day": day.isoformat(), "visit_id": visit_id, "event": "approved by supervisor:sim.zhou"}
            )
        except FaircollectError as exc:
            out.visits.append(
                {"day": day.isoformat(), "visit_id": visit_id, "event": "approval refused", "why": str(exc)}
            )
        return True
    return False


def _complete_visits(factory: sessionmaker[Session], day: date, out: SimulationSummary) -> None:
    from faircollect.collections.visits import record_visit_outcome

    with unit_of_work(factory) as session:
        due = list(session.execute(select(VisitRequest).where(VisitRequest.status == "approved")).scalars())
        for v in due:
            at = v.window_start + timedelta(minutes=30)
            if at.astimezone(BUSINESS_TZ).date() != day:
                continue
            record_visit_outcome(
                session,
                visit_id=v.id,
                outcome="met_borrower",
                recording_ref=f"rec://sim/{v.id}",
                at=at,
                actor="agent:sim.wang",
                report="met the borrower at home; a repayment plan was discussed",
            )
            out.visits.append(
                {
                    "day": day.isoformat(),
                    "visit_id": v.id,
                    "event": "completed: met_borrower",
                    "recording": f"rec://sim/{v.id}",
                }
            )
