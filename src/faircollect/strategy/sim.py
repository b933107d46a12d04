"""The ground-truth simulator: a population with hidden types, day by day, every contact planned by the production
planning core (``collections.plan_core.plan``: segments, arms, treatments due, caps and capacity) and decided by
the real gate (``compliance.gate.decide``, the CN rulebook), with treatment effects from the literature
(``params.yaml``; ../shared/design/STRATEGY.md §5).

Day 0 is the due date: a borrower who would miss is saved by a delivered pre-due reminder with the reminder's
effect. From day 1 each delinquent account has a daily cure hazard

    h = h0(type) · decay^(bucket − 1) · Π_k (1 + (lift_k(type) − 1) · ½^((t − t_k)/half-life_k) · fatigue^n_k)
        · (backfire factor while angry)

over the contacts k that reached the borrower; a cure pays everything overdue (one instalment, one more every 30
days) and the cured borrower then pays each later instalment on its due date. ``recovered`` is, for every
delinquent account alike, the money collected within the horizon against the instalments that fell due within it
(``instalments_due``): a borrower who cures in the first month and pays the next instalment on time is credited
both, as is one who pays both late — recovery does not reward a slow cure. Harsh actions (visits, legal letters) backfire on reciprocity-prone borrowers; complaints put the borrower
on hold (the gate then denies every contact). Costs per channel. Every random number comes from the population
(common random numbers): two policies on one population differ only by what the policies do.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import numpy as np

from faircollect.collections import plan_core
from faircollect.collections.strategy import Strategy, Treatment
from faircollect.compliance.contact import (
    Channel,
    ContactFacts,
    ContactRequest,
    Decision,
    HoldKind,
    Outcome,
    PastContact,
    Purpose,
    RecipientRole,
)
from faircollect.compliance.gate import decide
from faircollect.compliance.rulebook import Rulebook, load_rulebook
from faircollect.ledger.buckets import bucket_for
from faircollect.strategy.population import KINDS, TYPES, Population

START = date(2026, 3, 2)  # day 0 (a Monday, clear of the CN holidays)
ZONE = "Asia/Shanghai"
HISTORY_DAYS = 8
KIND_NO = {k: i for i, k in enumerate(KINDS)}
#: The simulator staffs each capacity group in proportion to the delinquent book (params ``capacity``).
CAPACITY_KEYS = {
    "calls": "calls_per_1000_delinquent",
    "robot": "robot_per_1000_delinquent",
    "visits": "visits_per_1000_delinquent",
    "letters": "letters_per_1000_delinquent",
}


def kind_of(t: Treatment) -> str:
    """The simulator's kind of a strategy treatment (a robot call is a call with template ``robot``; a letter with
    template ``lawsuit_notice`` is a legal letter — a harsh action)."""
    if t.channel == Channel.CALL:
        return "robot_call" if t.template == "robot" else "call"
    if t.channel == Channel.LETTER:
        return "legal_letter" if t.template == "lawsuit_notice" else "letter"
    if t.channel == Channel.VISIT:
        return "visit"
    return "sms"  # sms, im, voicemail, email: a message


@dataclass
class Outcome_:
    """Per borrower (index into the population)."""

    delinquent: np.ndarray
    cured_day: np.ndarray  # 0 = not cured within the horizon
    recovered: np.ndarray  # fen
    cost: np.ndarray  # fen
    contacts: np.ndarray
    calls: np.ndarray
    visits: np.ndarray
    harsh: np.ndarray
    complaints: np.ndarray
    denied: Counter[str] = field(default_factory=Counter)


@dataclass
class _Account:
    i: int  # borrower index
    row: int  # row of the per-day uniforms
    type_code: int
    effects: list[tuple[int, int, float]] = field(default_factory=list)  # (day, kind, lift - 1 at reach)
    history: list[PastContact] = field(default_factory=list)
    sent: list[tuple[int, int]] = field(default_factory=list)  # (day, kind) of delivered contacts
    angry_until: int = -1
    hold_until: int = -1


class _Gate:
    """``gate.decide`` with the CN rulebook, memoised: it is a pure function of (request, facts)."""

    def __init__(self, rulebook: Rulebook) -> None:
        self.rulebook = rulebook
        self.cache: dict[tuple[ContactRequest, ContactFacts], Decision] = {}

    def __call__(self, request: ContactRequest, facts: ContactFacts) -> Decision:
        key = (request, facts)
        d = self.cache.get(key)
        if d is None:
            d = decide(request, facts, rulebook=self.rulebook)
            if len(self.cache) > 200_000:
                self.cache.clear()
            self.cache[key] = d
        return d


def instalments_due(days: int) -> int:
    """Instalments that fall due within a horizon of ``days`` days after the first due date (day 0, 30, 60, …)."""
    return 1 + days // 30


def collected(instalment: int, cured_day: int, days: int) -> int:
    """What a delinquent account pays within the horizon (fen): nothing if it has not cured by then; otherwise
    everything overdue on its cure day and each later instalment on its due date — every instalment due within
    the horizon, however early or late the cure."""
    if cured_day <= 0 or cured_day > days:
        return 0
    return instalment * instalments_due(days)


def staffed(strategy: Strategy, delinquent: int, params: dict[str, Any]) -> Strategy:
    """The strategy with its capacity groups staffed for ``delinquent`` accounts (params ``capacity``)."""
    cap = params["capacity"]
    scale = max(delinquent, 1) / 1000
    capacity = {
        g: max(1, round(cap[CAPACITY_KEYS[g]] * scale)) if g in CAPACITY_KEYS else v
        for g, v in strategy.capacity.items()
    }
    return dataclasses.replace(strategy, capacity=capacity)


def simulate(
    pop: Population,
    strategies: Sequence[Strategy],
    params: dict[str, Any],
    *,
    assign: np.ndarray | None = None,
    rulebook: Rulebook | None = None,
) -> Outcome_:
    """Run the policy (``strategies[assign[i]]`` for borrower ``i``; one strategy for all by default)."""
    rb = rulebook or load_rulebook("CN")
    gate = _Gate(rb)
    n, days = pop.n, pop.days
    assign = np.zeros(n, dtype=np.int64) if assign is None else assign
    tp = params["treatments"]
    reach = np.array([tp[k]["reach"] for k in KINDS])
    cost_fen = np.array([round(tp[k]["cost"] * 100) for k in KINDS], dtype=np.int64)
    half = np.array([tp[k]["half_life"] for k in KINDS], dtype=float)
    complaint_p = np.array([tp[k]["complaint"] for k in KINDS])
    harsh = np.array([bool(tp[k].get("harsh")) for k in KINDS])
    lift = np.array([[tp[k]["lift"][t] for t in TYPES] for k in KINDS])  # kind × type
    h0 = np.array([params["types"][t]["hazard"] for t in TYPES])
    bf = params["backfire"]
    out = Outcome_(
        delinquent=np.zeros(n, bool),
        cured_day=np.zeros(n, np.int64),
        recovered=np.zeros(n, np.int64),
        cost=np.zeros(n, np.int64),
        contacts=np.zeros(n, np.int64),
        calls=np.zeros(n, np.int64),
        visits=np.zeros(n, np.int64),
        harsh=np.zeros(n, np.int64),
        complaints=np.zeros(n, np.int64),
    )
    # Day 0 (and −3): pre-due reminders for every borrower, through the gate; a delivered one saves some.
    reminded = _pre_due(pop, strategies, assign, gate, out, cost_fen)
    out.delinquent = pop.would_miss & ~(reminded & pop.saved_by_reminder)
    idx = np.flatnonzero(out.delinquent)
    staffed_ = [staffed(s, len(idx), params) for s in strategies]
    accounts = {int(i): _Account(int(i), int(pop.pos[i]), int(pop.type_code[i])) for i in idx}
    for t in range(1, days + 1):
        day = START + timedelta(days=t)
        active = [a for a in accounts.values() if out.cured_day[a.i] == 0]
        if not active:
            break
        bucket = bucket_for(t)
        overdue_n = 1 + (t - 1) // 30
        used: Counter[str] = Counter()
        for k, strat in enumerate(staffed_):
            group = [a for a in active if assign[a.i] == k]
            if not group:
                continue
            items, facts = _items(pop, group, t, bucket, overdue_n, day)
            plan = plan_core.plan(
                items, facts, strat, {"CN": rb}, as_of=day, send_hour=10, capacity_used=used
            )
            for p in plan.proposals:
                if p.status in plan_core.GOES_AHEAD and p.treatment.capacity_group:
                    used[p.treatment.capacity_group] += 1
            by_id = {pop.borrower_ids[a.i]: a for a in group}
            for p in plan.proposals:
                a = by_id[p.item.borrower_id]
                status = p.status
                if status == "visit_scheduled":  # the visit itself, at 15:00, through the gate
                    status = _visit_gate(gate, facts[p.item.borrower_id], day)
                if status == "denied":
                    out.denied.update(p.rule_ids)
                if status != "allowed" and status != "visit_allowed":
                    continue
                kind = KIND_NO[kind_of(p.treatment)]
                _contact(
                    pop, out, a, t, kind, p.planned_at, reach, cost_fen, complaint_p, harsh, lift, bf, params
                )
        # Payments: each active account cures with its hazard today (after today's contacts).
        for a in active:
            if out.cured_day[a.i]:
                continue
            h = h0[a.type_code] * params["hazard"]["bucket_decay"] ** ((t - 1) // 30)
            m = 1.0
            for tk, kind, extra in a.effects:
                m *= 1 + extra * 0.5 ** ((t - tk) / half[kind])
            if a.angry_until >= t:
                m *= bf["hazard_factor"]
            if pop.u_pay[a.row, t] < h * m:
                out.cured_day[a.i] = t
                out.recovered[a.i] = collected(int(pop.instalment[a.i]), t, days)
    return out


def _pre_due(
    pop: Population,
    strategies: Sequence[Strategy],
    assign: np.ndarray,
    gate: _Gate,
    out: Outcome_,
    cost_fen: np.ndarray,
) -> np.ndarray:
    """Pre-due reminders (segments with ``at_dpd`` ≤ 0): the gate decides one per borrower and day; delivered
    reminders are costed; returns who got at least one (counted only for those who would miss: the rest pay)."""
    from faircollect.collections.strategy import segment_for, treatments_due

    reminded = np.zeros(pop.n, bool)
    facts = ContactFacts(borrower_timezone=ZONE)
    for k, strat in enumerate(strategies):
        mask = assign == k
        for dpd in (-3, -2, -1, 0):
            seg = segment_for(strat, bucket="M0", dpd=dpd, balance_minor=0)
            if seg is None:
                continue
            for tr in treatments_due(seg, dpd):
                if kind_of(tr) != "sms":
                    continue
                at = datetime.combine(
                    START + timedelta(days=dpd), time(10), tzinfo=ZoneInfo(ZONE)
                ).astimezone(UTC)
                req = ContactRequest(
                    "CN", Channel(tr.channel), RecipientRole.BORROWER, at, purpose=Purpose.SERVICE
                )
                if gate(req, facts).allowed:
                    reminded |= mask
                    out.cost[mask] += int(cost_fen[KIND_NO["sms"]])
                    out.contacts[mask] += 1
    return reminded


def _items(
    pop: Population, group: list[_Account], t: int, bucket: str, overdue_n: int, day: date
) -> tuple[list[plan_core.PlanItem], dict[str, ContactFacts]]:
    items, facts = [], {}
    since = datetime.combine(day - timedelta(days=HISTORY_DAYS), time(0), tzinfo=UTC)
    window = (
        datetime.combine(day, time(9), tzinfo=ZoneInfo(ZONE)).astimezone(UTC),
        datetime.combine(day, time(18), tzinfo=ZoneInfo(ZONE)).astimezone(UTC),
    )
    for a in group:
        bid = pop.borrower_ids[a.i]
        overdue = int(pop.instalment[a.i]) * overdue_n
        items.append(
            plan_core.PlanItem(
                loan_id=f"{bid}-L",
                borrower_id=bid,
                jurisdiction="CN",
                timezone=ZONE,
                bucket=bucket,
                dpd=t,
                balance_minor=int(pop.principal[a.i]),
                overdue_minor=overdue,
                score=Decimal(str(round(float(pop.score[a.i]), 2))),
                visit_today=True,  # the policy's visits are requested and approved (collections/visits.py)
            )
        )
        a.history = [h for h in a.history if h.at >= since]
        facts[bid] = ContactFacts(
            borrower_timezone=ZONE,
            history=tuple(a.history),
            holds=frozenset({HoldKind.COMPLAINT}) if a.hold_until >= t else frozenset(),
            visit_approved=True,
            visit_window=window,
        )
    return items, facts


def _visit_gate(gate: _Gate, facts: ContactFacts, day: date) -> str:
    at = datetime.combine(day, time(15), tzinfo=ZoneInfo(ZONE)).astimezone(UTC)
    d = gate(ContactRequest("CN", Channel.VISIT, RecipientRole.BORROWER, at, purpose=Purpose.COLLECT), facts)
    return "visit_allowed" if d.allowed else "denied"


def _contact(
    pop: Population,
    out: Outcome_,
    a: _Account,
    t: int,
    kind: int,
    at: datetime,
    reach: np.ndarray,
    cost_fen: np.ndarray,
    complaint_p: np.ndarray,
    harsh: np.ndarray,
    lift: np.ndarray,
    bf: Mapping[str, Any],
    params: dict[str, Any],
) -> None:
    name = KINDS[kind]
    reached = bool(pop.u_reach[a.row, t, kind] < reach[kind])
    out.cost[a.i] += int(cost_fen[kind])
    out.contacts[a.i] += 1
    out.calls[a.i] += name in ("call", "robot_call")
    out.visits[a.i] += name == "visit"
    out.harsh[a.i] += bool(harsh[kind])
    channel = {
        "sms": Channel.SMS,
        "robot_call": Channel.CALL,
        "call": Channel.CALL,
        "letter": Channel.LETTER,
        "legal_letter": Channel.LETTER,
        "visit": Channel.VISIT,
    }[name]
    if channel == Channel.CALL or channel == Channel.VISIT:
        outcome = Outcome.CONNECTED if reached else Outcome.NO_ANSWER
    else:
        outcome = Outcome.SENT
    a.history.append(PastContact(channel, at, outcome))
    if not reached:
        return
    n_same = sum(1 for d, k in a.sent if k == kind and t - d < 7)
    a.sent.append((t, kind))
    extra = (lift[kind, a.type_code] - 1) * params["fatigue"] ** n_same
    if name == "call":
        extra *= float(pop.agent[a.row, t])
    if extra:
        a.effects.append((t, kind, extra))
    if harsh[kind]:
        p = bf["harsh_on_prone"] if pop.prone[a.i] else bf["harsh_on_other"]
        if pop.u_backfire[a.row, t, kind] < p:
            a.angry_until = t + int(bf["days"])
    today = sum(1 for d, _ in a.sent if d == t)
    pc = complaint_p[kind] * (bf["complaint_factor"] if a.angry_until >= t else 1)
    pc *= params["complaints"]["over_three_a_day"] if today > 3 else 1
    if pop.u_complaint[a.row, t, kind] < pc:
        out.complaints[a.i] += 1
        a.hold_until = t + int(params["complaints"]["hold_days"])


def summary(pop: Population, out: Outcome_) -> dict[str, Any]:
    """The figures ``faircollect strategy simulate`` prints (money in fen, CNY)."""
    d = out.delinquent
    owed = pop.instalment[d]
    cured30 = (out.cured_day[d] > 0) & (out.cured_day[d] <= 30)
    recovered = int(out.recovered.sum())
    cost = int(out.cost.sum())
    return {
        "recovered": recovered,
        "net_recovery": recovered - cost,
        "cost": cost,
        "contacts": int(out.contacts.sum()),
        "calls": int(out.calls.sum()),
        "visits": int(out.visits.sum()),
        "harsh_actions": int(out.harsh.sum()),
        "complaints": int(out.complaints.sum()),
        "cured_share": round(float((out.cured_day[d] > 0).mean()) if d.any() else 0.0, 4),
        "currency": "CNY",
        "borrowers": pop.n,
        "days": pop.days,
        "delinquent": int(d.sum()),
        "d1_delinquency": round(float(d.mean()), 4),
        "collection_rate_30d": round(float(owed[cured30].sum() / owed.sum()) if d.any() else 0.0, 4),
        "gate_denials": dict(sorted(out.denied.items())),
    }
