"""Today's plan: for every open case (and every current loan with a reminder due), the strategy's segment and
treatments due, the borrower's champion/challenger arm, then the one gate — and for allowed messages the outbox,
in the same transaction as the decision's audit record.

What happens to each treatment is written to ``planned_contact`` with the experiment, arm and probability:

=====================  ============================================================================================
status                 meaning
=====================  ============================================================================================
enqueued               the gate allowed it; the rendered message is in the outbox (``outbox_id``)
queued_call            the gate allowed a call now; the case goes to the agents' work queues
denied                 the gate refused it; ``rule_ids`` holds every rule and reason
control                the borrower is in the no-treatment control group: nothing is sent, the miss is logged
held                   the case is on a case-scoped hold (a complaint about this loan)
promise_pending        the borrower promised to pay by a later date: we wait
over_capacity          the treatment's capacity group is full for the day
handed_to_agency       placed with an agency under an active mandate
no_mandate             an agency hand-off was due but no active mandate covers the case
legal_review           referred to the legal team for review
visit_scheduled        an approved visit's window is today
visit_needs_request    a visit is the strategy's next step; a person must request it (the planner never does)
no_template            the template does not exist in the borrower's language
no_address             no phone / e-mail address for the channel
=====================  ============================================================================================

Re-planning the same day is idempotent: a treatment already planned for a borrower, channel and template that day
is skipped (several loans of one borrower get one message).
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from faircollect.collections import plan_core
from faircollect.collections.models import CollectionCase, ExperimentAssignment, PlannedContact
from faircollect.collections.service import balance_of, record_change, sync_cases
from faircollect.collections.settings import get_collections_settings
from faircollect.collections.strategy import (
    AGENCY,
    Strategy,
    Treatment,
    assign_arm,
)
from faircollect.compliance.audit import service as audit
from faircollect.compliance.contact import Channel, ContactFacts, ContactRequest, Purpose, RecipientRole
from faircollect.kit.errors import NotFound
from faircollect.kit.ids import new_id
from faircollect.kit.masking import mask_name
from faircollect.kit.money import format_minor
from faircollect.ledger.models import Borrower, Loan, Product, ProductVersion
from faircollect.ledger.types import LoanState
from faircollect.scoring.loan_score import score_loan

ACTOR = "system:planner"
MESSAGE_CHANNELS = {Channel.SMS, Channel.EMAIL, Channel.IM, Channel.VOICEMAIL, Channel.LETTER}


@dataclass(slots=True)
class PlanSummary:
    as_of: date
    strategy: str
    considered: int = 0
    by_status: Counter[str] = field(default_factory=Counter)
    by_arm: Counter[str] = field(default_factory=Counter)
    denied: list[dict[str, Any]] = field(default_factory=list)
    outbox_ids: list[str] = field(default_factory=list)
    call_case_ids: list[str] = field(default_factory=list)
    opened: int = 0
    closed: int = 0
    skipped_duplicates: int = 0
    promises_kept: int = 0
    promises_broken: int = 0
    #: Every loan's replayed state on ``as_of`` (before the day's payments), for callers that need them next.
    states: dict[str, LoanState] = field(default_factory=dict, repr=False)

    @property
    def enqueued(self) -> int:
        return self.by_status.get("enqueued", 0)

    def as_dict(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "strategy": self.strategy,
            "considered": self.considered,
            "cases_opened": self.opened,
            "cases_closed": self.closed,
            "by_status": dict(sorted(self.by_status.items())),
            "by_arm": dict(sorted(self.by_arm.items())),
            "enqueued": self.enqueued,
            "denied": self.denied,
            "skipped_duplicates": self.skipped_duplicates,
            "promises_kept": self.promises_kept,
            "promises_broken": self.promises_broken,
        }


@dataclass(slots=True)
class _Item:
    loan: Loan
    state: LoanState
    case: CollectionCase | None
    dpd: int  # negative before the due date


def _c_card(session: Session, item: _Item, as_of: date) -> Decimal | None:
    """The collection score (C-card) of a past-due loan — the number the strategy's score segments read."""
    points = score_loan(session, item.loan, item.state, as_of)
    return None if points is None else Decimal(points)


def _days_to_due(state: LoanState) -> int | None:
    """For a current loan: minus the days until its next unpaid due date (−3 = due in three days)."""
    upcoming = [
        i.due_date for i in state.instalments if i.outstanding_total > 0 and i.due_date >= state.as_of
    ]
    return (state.as_of - min(upcoming)).days if upcoming else None


def _product_code(session: Session, loan: Loan) -> str | None:
    if loan.product_version_id is None:
        return None
    row = session.execute(
        select(Product.code)
        .join(ProductVersion, ProductVersion.product_id == Product.id)
        .where(ProductVersion.id == loan.product_version_id)
    ).scalar_one_or_none()
    return row


def _flags(session: Session, case: CollectionCase | None) -> list[str]:
    from faircollect.collections.models import PromiseToPay

    if case is None:
        return ["current"]
    flags = []
    if case.agency_id:
        flags.append("agency")
    statuses = set(
        session.execute(
            select(PromiseToPay.status).where(PromiseToPay.borrower_id == case.borrower_id)
        ).scalars()
    )
    if "broken" in statuses:
        flags.append("broken_promise")
    if "kept" in statuses:
        flags.append("kept_promise")
    return flags


def _ensure_assignment(
    session: Session,
    strategy: Strategy,
    borrower_id: str,
    as_of: date,
    cache: dict[str, tuple[str, Decimal]],
    *,
    actor: str = ACTOR,
    audits: list[dict[str, Any]] | None = None,
) -> tuple[str, Decimal]:
    if borrower_id in cache:
        return cache[borrower_id]
    arm, prob = assign_arm(strategy, borrower_id)
    exists = session.execute(
        select(ExperimentAssignment.id).where(
            ExperimentAssignment.experiment == strategy.experiment_id,
            ExperimentAssignment.borrower_id == borrower_id,
        )
    ).first()
    if exists is None:
        row = ExperimentAssignment(
            id=new_id("exa"),
            experiment=strategy.experiment_id,
            borrower_id=borrower_id,
            strategy_key=strategy.key,
            arm=arm,
            probability=str(prob),
            assigned_on=as_of,
        )
        session.add(row)
        if audits is not None:
            audits.append(_assignment_audit(row, actor))
    cache[borrower_id] = (arm, prob)
    return arm, prob


def _assignment_audit(row: ExperimentAssignment, actor: str) -> dict[str, Any]:
    """The audit entry of a new experiment assignment (ids and figures only: nothing to erase)."""
    return {
        "actor": actor,
        "action": "collections.experiment.assigned",
        "subject_type": "experiment_assignment",
        "subject_id": row.id,
        "payload": {
            "borrower_id": row.borrower_id,
            "experiment": row.experiment,
            "strategy_key": row.strategy_key,
            "arm": row.arm,
            "probability": row.probability,
            "assigned_on": row.assigned_on.isoformat(),
        },
    }


def _planned_audit(row: PlannedContact, actor: str) -> dict[str, Any]:
    """The audit entry of one plan-log row: what was planned, under which arm, and what became of it."""
    return {
        "actor": actor,
        "action": "collections.contact.planned",
        "subject_type": "planned_contact",
        "subject_id": row.id,
        "payload": {
            "plan_date": row.plan_date.isoformat(),
            "borrower_id": row.borrower_id,
            "loan_id": row.loan_id,
            "case_id": row.case_id,
            "strategy_key": row.strategy_key,
            "segment_id": row.segment_id,
            "experiment": row.experiment,
            "arm": row.arm,
            "probability": row.probability,
            "channel": row.channel,
            "template": row.template,
            "status": row.status,
            "rules": list((row.rule_ids or {}).get("rules", [])),
            "outbox_id": row.outbox_id,
            "agency_id": row.agency_id,
        },
    }


def _borrowers_in_play(session: Session) -> list[str]:
    """Borrowers with an active loan or an open case, ascending."""
    active = select(Loan.borrower_id).where(Loan.status == "active")
    open_cases = select(CollectionCase.borrower_id).where(CollectionCase.status == "open")
    return sorted(set(session.execute(active).scalars()) | set(session.execute(open_cases).scalars()))


def _address(borrower: Borrower, channel: str) -> str | None:
    if channel == Channel.EMAIL:
        return borrower.email
    if channel in (Channel.SMS, Channel.CALL, Channel.VOICEMAIL, Channel.IM):
        return borrower.phone
    return None  # letters: the ledger keeps no postal address


def _variables(item: _Item, borrower: Borrower, case: CollectionCase | None) -> dict[str, str]:
    st = item.state
    unpaid = [i for i in st.instalments if i.outstanding_total > 0]
    if item.dpd < 0 and unpaid:
        nxt = min((i for i in unpaid if i.due_date >= st.as_of), key=lambda i: i.due_date, default=unpaid[0])
        amount, due = nxt.outstanding_total, nxt.due_date
    else:
        amount = st.overdue_minor
        due = min((i.due_date for i in unpaid), default=st.as_of)
    return {
        "borrower_name": borrower.name,
        "amount_due": format_minor(amount, st.currency),
        "currency": st.currency,
        "due_date": due.isoformat(),
        "days_past_due": str(max(item.dpd, 0)),
        "loan_ref": item.loan.external_ref or item.loan.id[-8:],
        "case_ref": case.id[-8:] if case else "",
        "service_phone": get_collections_settings().service_phone,
    }


def _render(session: Session, key: str, language: str, variables: dict[str, str], channel: str) -> str | None:
    from faircollect.messaging import templates

    for ch in (channel, None):
        try:
            return templates.render(session, key, language, variables, channel=ch)
        except NotFound:
            continue
    return None


def plan(
    session: Session,
    *,
    as_of: date,
    strategy: Strategy | Mapping[str, Strategy],
    actor: str = ACTOR,
    sync: bool = True,
    send_hour: int | None = None,
) -> PlanSummary:
    """Plan ``as_of``: gate every treatment due, enqueue the allowed messages, log everything. Never commits.

    ``strategy`` is one strategy for every borrower, or one per jurisdiction (``{"CN": …, "US": …}``): each
    borrower is then planned under the strategy of their own jurisdiction (a borrower whose jurisdiction has none
    is not planned, and counted in ``no_strategy``)."""
    by_jurisdiction = strategy if isinstance(strategy, Mapping) else None
    one: Strategy = next(iter(strategy.values())) if isinstance(strategy, Mapping) else strategy
    from faircollect.collections.agencies import expire_mandates, place_case
    from faircollect.collections.promises import check_promises
    from faircollect.compliance import facts as compliance_facts
    from faircollect.compliance import service as compliance_service
    from faircollect.ledger import service as ledger_service
    from faircollect.messaging import outbox

    hour = get_collections_settings().send_hour if send_hour is None else send_hour
    summary = PlanSummary(
        as_of, " + ".join(s.key for s in by_jurisdiction.values()) if by_jurisdiction else one.key
    )
    states: dict[str, LoanState] = {}
    # Lock order, everywhere: borrower contact locks (ascending id) → loan rows → the audit chain head. Dispatch
    # workers take borrower locks in ascending order before they audit, payments take a loan row before they
    # audit; so the plan takes every borrower lock it may need before it writes its first audit record, and an
    # overlapping plan, the workers and payments can never wait on each other in a cycle.
    # (SQLite has one writer at a time: its database lock already serialises all of this.)
    if session.get_bind().dialect.name == "postgresql":
        for borrower_id in _borrowers_in_play(session):
            compliance_facts.lock_borrower(session, borrower_id)
    # Promises are judged from the ledger every time a day is planned: nobody marks them by hand. This
    # comes before the case sync: a case closed by a payment would otherwise cancel the promise it kept.
    checked = check_promises(session, as_of, actor=actor)
    summary.promises_kept, summary.promises_broken = len(checked.kept), len(checked.broken)
    if sync:
        res = sync_cases(session, as_of, actor=actor)
        states = dict(res.states)
        summary.opened, summary.closed = len(res.opened), len(res.closed)
    summary.states = states
    expire_mandates(session, as_of, actor=actor)

    items: list[_Item] = []
    cases = list(
        session.execute(
            select(CollectionCase).where(CollectionCase.status == "open").order_by(CollectionCase.id)
        ).scalars()
    )
    case_loans = {c.loan_id for c in cases}
    for open_case in cases:
        loan = session.get(Loan, open_case.loan_id)
        assert loan is not None
        state = states.get(loan.id) or ledger_service.loan_state(session, loan.id, as_of)
        states[loan.id] = state
        items.append(_Item(loan, state, open_case, state.days_past_due))
    for loan_id, state in sorted(states.items()):
        if loan_id in case_loans or state.closed or state.written_off or state.days_past_due > 0:
            continue
        d = _days_to_due(state)
        if d is not None and d < 0:
            loan = session.get(Loan, loan_id)
            assert loan is not None
            items.append(_Item(loan, state, None, d))

    arms: dict[str, tuple[str, Decimal]] = {}
    # New experiment assignments and plan-log rows are audited in one batch at the end of the plan (one head lock).
    audits: list[dict[str, Any]] = []
    borrowers = {
        b.id: b
        for b in session.execute(select(Borrower).where(Borrower.id.in_({i.loan.borrower_id for i in items})))
        .scalars()
        .all()
    }
    # Each borrower's strategy: the one given, or their own jurisdiction's (none: not planned, ``no_strategy``).
    strategy_of: dict[str, Strategy] = {}
    planned: list[_Item] = []
    for item in items:
        summary.considered += 1
        if by_jurisdiction is not None:
            found = by_jurisdiction.get(borrowers[item.loan.borrower_id].jurisdiction or "")
            if found is None:
                summary.by_status["no_strategy"] += 1
                continue
            strategy_of[item.loan.id] = found
        else:
            strategy_of[item.loan.id] = one
        planned.append(item)
    rulebooks = {
        j: compliance_facts.lender_rulebook(session, j)
        for j in {
            borrowers[i.loan.borrower_id].jurisdiction or strategy_of[i.loan.id].jurisdiction for i in planned
        }
    }
    plan_items = []
    for item in planned:
        strat = strategy_of[item.loan.id]
        _ensure_assignment(session, strat, item.loan.borrower_id, as_of, arms, actor=actor, audits=audits)
        plan_items.append(_plan_item(session, item, borrowers[item.loan.borrower_id], strat, as_of))
    by_loan = {i.loan.id: i for i in planned}
    facts = _facts(session, plan_items, rulebooks, as_of, hour, compliance_facts)

    used: Counter[str] = Counter(
        g
        for g in session.execute(
            select(PlannedContact.capacity_group).where(
                PlannedContact.plan_date == as_of,
                PlannedContact.capacity_group.is_not(None),
                PlannedContact.status.in_(("enqueued", "queued_call", "handed_to_agency", "legal_review")),
            )
        ).scalars()
        if g is not None
    )
    seen_keys: set[str] = set(
        session.execute(select(PlannedContact.dedupe_key).where(PlannedContact.plan_date == as_of)).scalars()
    )
    texts = _Texts(session, borrowers, by_loan)
    proposals: list[tuple[plan_core.Proposal, Strategy]] = []
    for strat in {s.key: s for s in strategy_of.values()}.values():
        group = [pi for pi in plan_items if strategy_of[pi.loan_id] is strat]
        day = plan_core.plan(
            group,
            facts,
            strat,
            rulebooks,
            as_of=as_of,
            send_hour=hour,
            capacity_used=used,
            already_planned=seen_keys,
            text_for=texts,
        )
        summary.skipped_duplicates += day.duplicates
        for p in day.proposals:
            if p.status in plan_core.GOES_AHEAD and p.treatment.capacity_group:
                used[p.treatment.capacity_group] += 1
            proposals.append((p, strat))
    for p, strat in proposals:
        t, pi = p.treatment, p.item
        item = by_loan[pi.loan_id]
        case, loan = item.case, item.loan
        borrower = borrowers[loan.borrower_id]
        key = plan_core.dedupe_key(as_of, pi, t)
        # Under the lock, look again: an overlapping run may have planned this meanwhile.
        if session.execute(select(PlannedContact.id).where(PlannedContact.dedupe_key == key)).first():
            summary.skipped_duplicates += 1
            continue
        row = PlannedContact(
            id=new_id("pln"),
            plan_date=as_of,
            dedupe_key=key,
            case_id=case.id if case else None,
            borrower_id=borrower.id,
            loan_id=loan.id,
            strategy_key=strat.key,
            segment_id=p.segment,
            experiment=strat.experiment_id,
            arm=p.arm,
            probability=str(p.probability),
            bucket=item.state.bucket,
            days_past_due=item.dpd,
            channel=t.channel,
            template=t.template,
            capacity_group=t.capacity_group,
            status="",
            rule_ids={"rules": [], "reasons": []},
            agency_id=case.agency_id if case else None,
        )
        summary.by_arm[p.arm] += 1
        status = _carry_out(
            session,
            p,
            row,
            item,
            borrower,
            strat,
            actor,
            summary,
            rulebook=rulebooks[p.item.jurisdiction],
            code=texts.codes.get((p.item.loan_id, p.treatment.channel, p.treatment.template or "")),
            compliance_service=compliance_service,
            outbox=outbox,
        )
        if status == "handed_to_agency" and case is not None:
            m = place_case(session, case_id=case.id, as_of=as_of, actor=actor)
            status = "handed_to_agency" if m is not None else "no_mandate"
            row.agency_id = m.agency_id if m is not None else None
        if status == "legal_review" and case is not None:
            record_change(
                session, case, type="legal_review_requested", actor=actor, payload={"dpd": item.dpd}
            )
        row.status = status
        if status == "queued_call" and case is not None:
            summary.call_case_ids.append(case.id)
        if case is not None:
            case.strategy_key = strat.key
        summary.by_status[status] += 1
        session.add(row)
        audits.append(_planned_audit(row, actor))
    session.flush()
    audit.record_many(session, audits)
    return summary


def _plan_item(
    session: Session, item: _Item, borrower: Borrower, strategy: Strategy, as_of: date
) -> plan_core.PlanItem:
    """The planning core's view of a loan in play: ledger state, case, promise and visit state, addresses."""
    from faircollect.collections.contacts import visit_context
    from faircollect.collections.promises import pending_promise

    case = item.case
    promise = None if case is None else pending_promise(session, case.id, as_of)
    start = datetime.combine(as_of, time(0), tzinfo=UTC)
    approved, window = visit_context(session, borrower.id, start)
    addresses = {ch.value: a for ch in Channel if (a := _address(borrower, ch))}
    return plan_core.PlanItem(
        loan_id=item.loan.id,
        borrower_id=borrower.id,
        jurisdiction=borrower.jurisdiction or strategy.jurisdiction,
        timezone=borrower.timezone,
        bucket=item.state.bucket,
        dpd=item.dpd,
        balance_minor=balance_of(item.state),
        overdue_minor=item.state.overdue_minor,
        score=_c_card(session, item, as_of),
        product=_product_code(session, item.loan),
        flags=tuple(_flags(session, case)),
        case_id=case.id if case else None,
        on_hold=bool(case is not None and case.on_hold),
        promise_pending=promise is not None and promise.promised_date > as_of,
        visit_today=bool(approved and window is not None and window[0].date() <= as_of <= window[1].date()),
        addresses=addresses,
    )


def _facts(
    session: Session,
    items: list[plan_core.PlanItem],
    rulebooks: dict[str, Any],
    as_of: date,
    hour: int,
    compliance_facts: Any,
) -> dict[str, ContactFacts]:
    """The gate's facts per borrower at the borrower's send time (one batch per distinct time)."""
    at_of = {
        i.borrower_id: plan_core.send_time(as_of, i.timezone, rulebooks[i.jurisdiction], hour) for i in items
    }
    facts: dict[str, ContactFacts] = {}
    for at in sorted(set(at_of.values())):
        bids = sorted(b for b, a in at_of.items() if a == at)
        if session.get_bind().dialect.name != "postgresql":
            for b in bids:  # PostgreSQL took every lock above
                compliance_facts.lock_borrower(session, b)
        loaded = compliance_facts.load_facts_many(
            session, [(b, None) for b in bids], at=at, rulebooks=rulebooks
        )
        for b in bids:
            f = loaded[(b, None)]
            approved, window = _visit(session, b, at)
            facts[b] = dataclasses.replace(f, visit_approved=True, visit_window=window) if approved else f
    return facts


def _visit(session: Session, borrower_id: str, at: datetime) -> tuple[bool, Any]:
    from faircollect.collections.contacts import visit_context

    return visit_context(session, borrower_id, at)


class _Texts:
    """Renders a treatment's template in the borrower's language (the planning core's ``text_for``)."""

    def __init__(self, session: Session, borrowers: dict[str, Borrower], items: dict[str, _Item]) -> None:
        self.session, self.borrowers, self.items = session, borrowers, items
        self.codes: dict[tuple[str, str, str], str] = {}  # (loan, channel, template) → verification code

    def __call__(self, pi: plan_core.PlanItem, t: Treatment) -> str | None:
        from faircollect.messaging.outbox import with_code
        from faircollect.messaging.verification import new_code

        item = self.items[pi.loan_id]
        borrower = self.borrowers[pi.borrower_id]
        text = _render(
            self.session,
            t.template or "",
            borrower.language,
            _variables(item, borrower, item.case),
            t.channel,
        )
        if text is None:
            return None
        # The gate lints the text as it will be sent (with its verification code), so that the verdict can be
        # reused at send time while nothing changes (compliance.linter.reuse).
        code = new_code()
        self.codes[(pi.loan_id, t.channel, t.template or "")] = code
        return with_code(text, code)


def _carry_out(
    session: Session,
    p: plan_core.Proposal,
    row: PlannedContact,
    item: _Item,
    borrower: Borrower,
    strategy: Strategy,
    actor: str,
    summary: PlanSummary,
    *,
    rulebook: Any,
    code: str | None,
    compliance_service: Any,
    outbox: Any,
) -> str:
    """Turn the core's decision into the planner's status: audit every gate decision, enqueue allowed messages,
    queue allowed calls; hand-offs are carried out by the caller."""
    t = p.treatment
    if p.status == "action":
        return "handed_to_agency" if t.channel == AGENCY else "legal_review"
    if p.status not in ("allowed", "denied"):
        return p.status
    decision = p.decision
    assert decision is not None
    channel = Channel(t.channel)
    address = (p.item.addresses or {}).get(channel.value)
    request = ContactRequest(
        jurisdiction=p.item.jurisdiction,
        channel=channel,
        recipient_role=RecipientRole.BORROWER,
        at=p.planned_at,
        purpose=Purpose.SERVICE if item.dpd < 0 else Purpose.COLLECT,
        address=address,
        text=p.text,
    )
    compliance_service.audit_decision(
        session, request, decision, rulebook=rulebook, actor=actor, borrower_id=borrower.id
    )
    row.rule_ids = {
        "rules": list(decision.rule_ids),
        "reasons": [{"rule": r.rule, "en": r.message_en, "zh": r.message_zh} for r in decision.reasons],
        "next_allowed_at": decision.next_allowed_at.isoformat() if decision.next_allowed_at else None,
    }
    if not decision.allowed:
        summary.denied.append(
            {
                "borrower": mask_name(borrower.name),
                "borrower_id": borrower.id,
                "case_id": row.case_id,
                "channel": channel.value,
                "arm": p.arm,
                "rules": list(decision.rule_ids),
                "reason": "; ".join(r.message_en for r in decision.reasons),
            }
        )
        return "denied"
    if channel == Channel.CALL:
        return "queued_call"
    assert p.text is not None and address is not None
    row.outbox_id = outbox.enqueue(
        session,
        borrower_id=borrower.id,
        loan_id=item.loan.id,
        case_id=item.case.id if item.case else None,
        channel=channel,
        recipient_role=RecipientRole.BORROWER,
        address=address,
        body=p.text,
        template_key=t.template,
        planned_for=p.planned_at,
        decision=decision,
        experiment=strategy.experiment_id,
        arm=p.arm,
        assignment_probability=p.probability,
        actor=actor,
        language=borrower.language,
        verification_code=code,
    )
    summary.outbox_ids.append(row.outbox_id)
    return "enqueued"
