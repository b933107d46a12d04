"""Relief applications (the imperative shell around ``relief.options`` and ``relief.plans``).

- ``apply``: price the options on today's state, take the borrower's choice; within policy it is approved at once,
  otherwise it waits in the supervisors' review queue (``list_reviews`` / ``decide_review``, which the staff console
  shows). While it waits a hardship hold stops collection (the gate honours it).
- ``sign``: typed name + one-time code; the agreement PDF's SHA-256 goes into the audit log; the ledger books the
  waivers and the restructure (a new schedule version through the pure core) and a payment-plan hold stops
  collection while the plan is kept. A breathing space books a pause and a breathing-space hold instead.
- ``check_plans``: each day, per signed plan — an instalment counts as missed only after the grace days (容时, ≥ 3)
  and when the shortfall exceeds the tolerance (容差); the first missed instalments (policy) move to the end as a
  new schedule version; after that a missed instalment breaks the plan: its hold is released, collection resumes.
- ``report_distress``: a short care pause on contact and a flag on the case for a person.
Every step is audited with the authenticated actor.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from faircollect.compliance import facts as compliance_facts
from faircollect.compliance.audit import service as audit
from faircollect.compliance.contact import HoldKind
from faircollect.kit.errors import Conflict, NotFound, ValidationError
from faircollect.kit.ids import new_id
from faircollect.kit.time import utc_now
from faircollect.ledger import service as ledger
from faircollect.ledger.events_json import event_to_json, parse_event
from faircollect.ledger.models import Borrower, Loan
from faircollect.ledger.schedule import add_months
from faircollect.ledger.types import Component, LoanState, PlanInstalment, Restructure, Waiver
from faircollect.portal.models import ReliefApplication
from faircollect.privacy.payload import seal_payload
from faircollect.relief.options import DISTRESS_REASONS, KINDS, REASONS, Option, load_policy, relief_options
from faircollect.relief.plans import owed_on

_MONEY_LIMIT = 10**13  # ¥100 billion: income and expenditure above this are typing mistakes


@dataclass(frozen=True)
class Priced:
    loan: Loan
    state: LoanState
    options: list[Option]
    version: int


def _version(session: Session, loan_id: str) -> int:
    from faircollect.ledger import repository as repo

    versions = [
        int(e.payload.get("version", 1)) for e in repo.events_of(session, loan_id) if e.type == "restructure"
    ]
    return max(versions, default=1)


def _product_code(session: Session, loan: Loan) -> str | None:
    from faircollect.portal.debt import _product

    return _product(session, loan)[1]


def _check_money(value: int, field: str) -> int:
    if value < 0 or value > _MONEY_LIMIT:
        raise ValidationError("enter an amount between 0 and 100,000,000,000", field=field)
    return value


def price(
    session: Session,
    *,
    loan: Loan,
    on: date,
    income_minor: int,
    expenditure_minor: int,
    requested_months: int | None = None,
    deferment_months: int | None = None,
) -> Priced:
    """Every option for this loan on ``on`` from its replayed state and the policy of its product."""
    _check_money(income_minor, "income")
    _check_money(expenditure_minor, "expenditure")
    state = ledger.loan_state(session, loan.id, on)
    owed = owed_on(state, on)
    policy = load_policy(loan.jurisdiction, _product_code(session, loan))
    terms = ledger.contract_terms(loan)
    version = _version(session, loan.id) + 1
    remaining = sum(1 for i in state.instalments if i.due_date > on and i.outstanding_total > 0)
    options = relief_options(
        owed,
        policy,
        income_minor=income_minor,
        expenditure_minor=expenditure_minor,
        contract_rate=terms.annual_rate,
        term_months=terms.term,
        remaining_instalments=remaining,
        version=version,
        key=f"relief-{loan.id[-8:]}-v{version}",
        requested_months=requested_months,
        deferment_months=deferment_months,
    )
    return Priced(loan, state, options, version)


def _plan_json(option: Option, currency: str) -> dict[str, object]:
    return {
        "restructure": event_to_json(option.plan, currency=currency) if option.plan else None,
        "waivers": [
            {
                "key": w.key,
                "date": w.date.isoformat(),
                "component": w.component.value,
                "amount_minor": w.amount_minor,
            }
            for w in option.waivers
        ],
        "pause_days": option.pause_days,
        "notes": list(option.notes),
        "shortfall_minor": option.shortfall_minor,
    }


def plan_of(app: ReliefApplication) -> Restructure | None:
    raw = app.plan.get("restructure")
    if not raw:
        return None
    ev = parse_event(raw, currency=app.currency, where=f"relief_application {app.id}.plan")
    return ev if isinstance(ev, Restructure) else None


def waivers_of(app: ReliefApplication) -> list[Waiver]:
    return [
        Waiver(w["key"], date.fromisoformat(w["date"]), Component(w["component"]), int(w["amount_minor"]))
        for w in app.plan.get("waivers", [])
    ]


def apply(
    session: Session,
    *,
    borrower_id: str,
    loan: Loan,
    reason: str,
    distress: bool,
    income_minor: int,
    expenditure_minor: int,
    kind: str,
    on: date,
    actor: str,
    requested_months: int | None = None,
    deferment_months: int | None = None,
    distress_reported: bool = False,
) -> ReliefApplication:
    """Record the borrower's choice; approved at once within policy, else queued for a supervisor. Audited."""
    if loan.borrower_id != borrower_id:
        raise NotFound("no such loan among yours", field="loan_id")
    if reason not in REASONS:
        raise ValidationError(f"choose a reason: {', '.join(REASONS)}", field="reason")
    if kind not in KINDS:
        raise ValidationError(f"choose an option: {', '.join(KINDS)}", field="kind")
    open_app = session.scalar(
        select(ReliefApplication).where(
            ReliefApplication.loan_id == loan.id,
            ReliefApplication.status.in_(("pending_review", "approved", "signed")),
        )
    )
    if open_app is not None:
        raise Conflict(f"this loan already has a relief application ({open_app.status})", field="loan_id")
    priced = price(
        session,
        loan=loan,
        on=on,
        income_minor=income_minor,
        expenditure_minor=expenditure_minor,
        requested_months=requested_months,
        deferment_months=deferment_months,
    )
    chosen = next((o for o in priced.options if o.kind == kind), None)
    if chosen is None:
        raise ValidationError("that option is not available for this loan", field="kind")
    if not chosen.allowed:
        raise ValidationError("that option is beyond what the lender's policy allows", field="kind")
    policy = load_policy(loan.jurisdiction, _product_code(session, loan))
    status = "approved" if chosen.within_policy else "pending_review"
    app = ReliefApplication(
        id=new_id("rlf"),
        borrower_id=borrower_id,
        loan_id=loan.id,
        reason=reason,
        distress=distress or reason in DISTRESS_REASONS,
        income_minor=income_minor,
        expenditure_minor=expenditure_minor,
        currency=loan.currency,
        kind=kind,
        months=chosen.months,
        on_date=on,
        plan=_plan_json(chosen, loan.currency),
        total_minor=chosen.total_minor,
        within_policy=chosen.within_policy,
        status=status,
        created_at=utc_now(),
        grace_days=policy.grace_days,
        tolerance_minor=policy.tolerance_minor,
        appended=0,
    )
    if status == "approved":
        app.decided_by, app.decided_at, app.decision_note = "policy:auto", utc_now(), "within policy"
    session.add(app)
    session.flush()
    if status == "pending_review":
        app.hold_id = compliance_facts.set_hold(
            session,
            borrower_id=borrower_id,
            kind=HoldKind.HARDSHIP,
            reason=f"relief application {app.id} under review",
            actor=actor,
        )
    audit.record(
        session,
        actor=actor,
        action="relief.applied",
        subject_type="relief_application",
        subject_id=app.id,
        payload={
            "loan_id": loan.id,
            "reason": reason,
            "kind": kind,
            "months": chosen.months,
            "within_policy": chosen.within_policy,
            "status": status,
            "total_minor": chosen.total_minor,
            "shortfall_minor": chosen.shortfall_minor,
        },
    )
    if app.distress and not distress_reported:  # reported already (the wizard's first step) → no second pause
        report_distress(session, borrower_id=borrower_id, actor=actor, source=f"relief application {app.id}")
    return app


def list_reviews(
    session: Session, *, status: str = "pending_review", limit: int = 200
) -> Sequence[ReliefApplication]:
    """The supervisors' review queue: applications outside policy, oldest first (for the staff console)."""
    return session.scalars(
        select(ReliefApplication)
        .where(ReliefApplication.status == status)
        .order_by(ReliefApplication.created_at)
        .limit(limit)
    ).all()


def decide_review(
    session: Session, *, application_id: str, approve: bool, note: str, actor: str
) -> ReliefApplication:
    """A supervisor approves or declines an application outside policy (``actor`` = the signed-in identity)."""
    app = session.get(ReliefApplication, application_id, with_for_update=True)
    if app is None:
        raise NotFound(f"no relief application {application_id!r}", field="application_id")
    if app.status != "pending_review":
        raise Conflict(f"application {application_id} is {app.status}, not awaiting review", field="status")
    if not note or not note.strip():
        raise ValidationError("say why (the borrower is told)", field="note")
    if actor == f"borrower:{app.borrower_id}":
        raise ValidationError("a borrower cannot review their own application", field="actor")
    app.status = "approved" if approve else "declined"
    app.decided_by, app.decided_at, app.decision_note = actor, utc_now(), note.strip()
    if not approve and app.hold_id:
        compliance_facts.release_hold(session, hold_id=app.hold_id, actor=actor, reason="relief declined")
        app.hold_id = None
    audit.record(
        session,
        actor=actor,
        action="relief.reviewed",
        subject_type="relief_application",
        subject_id=app.id,
        payload=seal_payload(
            session,
            app.borrower_id,
            {"approved": approve, "note": app.decision_note},
            ("note",),
            scope="relief_application",
        ),
    )
    return app


def _same_name(typed: str, name: str) -> bool:
    def norm(s: str) -> str:
        return "".join(ch for ch in unicodedata.normalize("NFKC", s).casefold() if not ch.isspace())

    return bool(typed.strip()) and norm(typed) == norm(name)


def sign(
    session: Session,
    *,
    application_id: str,
    borrower_id: str,
    typed_name: str,
    code_ok: bool,
    agreement_pdf: bytes,
    actor: str,
    now: datetime | None = None,
) -> ReliefApplication:
    """E-signature: the typed name must be the borrower's and the one-time code right (``code_ok``, checked by the
    caller with ``portal.otp.verify`` in the same transaction). Books the plan and its hold. Audited with the
    agreement's SHA-256."""
    import hashlib

    now = now or utc_now()
    app = session.get(ReliefApplication, application_id, with_for_update=True)
    if app is None or app.borrower_id != borrower_id:
        raise NotFound("no such relief application among yours", field="application_id")
    if app.status != "approved":
        raise Conflict(
            f"this application is {app.status}; only an approved plan can be signed", field="status"
        )
    borrower = session.get(Borrower, borrower_id)
    if borrower is None or not _same_name(typed_name, borrower.name):
        raise ValidationError("type your full name exactly as on your loan contract", field="typed_name")
    if not code_ok:
        raise ValidationError("the one-time code is wrong or has expired", field="code")
    digest = hashlib.sha256(agreement_pdf).hexdigest()
    for w in waivers_of(app):
        ledger.waive(
            session, loan_id=app.loan_id, key=w.key, date=w.date, component=w.component,
            amount_minor=w.amount_minor, actor=actor,
        )  # fmt: skip
    plan = plan_of(app)
    if plan is not None:
        ledger.restructure(session, loan_id=app.loan_id, plan=plan, actor=actor)
        app.schedule_version = plan.version
        app.hold_id = _replace_hold(session, app, HoldKind.PAYMENT_PLAN, None, actor)
    else:
        days = int(app.plan.get("pause_days", 0))
        ledger.pause(
            session, loan_id=app.loan_id, key=f"relief-{app.id}", start=app.on_date,
            end=app.on_date + timedelta(days=days - 1), actor=actor,
        )  # fmt: skip
        until = now + timedelta(days=days)
        app.hold_id = _replace_hold(session, app, HoldKind.BREATHING_SPACE, until, actor)
    app.status = "signed"
    app.signed_name, app.signed_at = typed_name.strip(), now
    app.agreement_sha256, app.agreement_pdf = digest, agreement_pdf
    audit.record(
        session,
        actor=actor,
        action="relief.agreement_signed",
        subject_type="relief_application",
        subject_id=app.id,
        payload={
            "sha256": digest,
            "schedule_version": app.schedule_version,
            "kind": app.kind,
            "loan_id": app.loan_id,
        },
    )
    return app


def _replace_hold(
    session: Session, app: ReliefApplication, kind: HoldKind, until: datetime | None, actor: str
) -> str:
    if app.hold_id:
        compliance_facts.release_hold(session, hold_id=app.hold_id, actor=actor, reason="relief signed")
    return compliance_facts.set_hold(
        session,
        borrower_id=app.borrower_id,
        kind=kind,
        reason=f"relief plan {app.id} ({app.kind}) signed",
        actor=actor,
        until=until,
    )


@dataclass(frozen=True)
class PlanStatus:
    status: str  # kept | in_grace | missed | completed
    instalment: int | None = None
    shortfall_minor: int = 0
    due_date: date | None = None


def plan_status(app: ReliefApplication, state: LoanState, as_of: date) -> PlanStatus:
    """容时 / 容差: an instalment is missed only after the grace days and beyond the tolerance (pure)."""
    plan = [i for i in state.instalments if app.schedule_version and i.number > 0 and _is_plan(i, app)]
    if plan and all(i.outstanding_total == 0 for i in plan):
        return PlanStatus("completed")
    in_grace: PlanStatus | None = None
    for inst in plan:
        short = inst.outstanding_total
        if inst.due_date >= as_of or short <= app.tolerance_minor:
            continue
        if as_of <= inst.due_date + timedelta(days=app.grace_days):
            in_grace = in_grace or PlanStatus("in_grace", inst.number, short, inst.due_date)
            continue
        return PlanStatus("missed", inst.number, short, inst.due_date)
    return in_grace or PlanStatus("kept")


def _is_plan(inst: object, app: ReliefApplication) -> bool:
    due = getattr(inst, "due_date", None)
    return due is not None and due > app.on_date


def _append_missed(state: LoanState, on: date, version: int, key: str, missed: int) -> Restructure:
    """A new schedule version: the missed instalment's outstanding moves to a month after the last one."""
    rows: list[PlanInstalment] = []
    moved = dict.fromkeys(Component, 0)
    last = on
    for inst in state.instalments:
        out = {c: inst.outstanding(c) for c in Component}
        if inst.number == missed or (inst.due_date <= on and any(out.values())):
            for c in Component:
                moved[c] += out[c]
        elif inst.due_date > on and any(out.values()):
            rows.append(
                PlanInstalment(
                    inst.due_date,
                    out[Component.PRINCIPAL],
                    out[Component.INTEREST],
                    out[Component.FEES],
                    out[Component.PENALTY],
                )
            )
        last = max(last, inst.due_date)
    rows.append(
        PlanInstalment(
            add_months(last, 1),
            moved[Component.PRINCIPAL],
            moved[Component.INTEREST],
            moved[Component.FEES],
            moved[Component.PENALTY],
        )
    )
    return Restructure(key, on, version, tuple(rows), False)


def check_plans(session: Session, *, as_of: date, actor: str = "system:relief") -> dict[str, str]:
    """Apply 容时 / 容差 / append-to-end / break to every signed plan on ``as_of``; returns id → what happened."""
    done: dict[str, str] = {}
    apps = session.scalars(
        select(ReliefApplication).where(
            ReliefApplication.status == "signed", ReliefApplication.schedule_version.is_not(None)
        )
    ).all()
    for app in apps:
        state = ledger.loan_state(session, app.loan_id, as_of)
        status = plan_status(app, state, as_of)
        if status.status == "completed":
            app.status = "completed"
            if app.hold_id:
                compliance_facts.release_hold(
                    session, hold_id=app.hold_id, actor=actor, reason="plan completed"
                )
                app.hold_id = None
            done[app.id] = "completed"
        elif status.status == "missed" and status.instalment is not None:
            policy = load_policy(app_loan(session, app).jurisdiction, None)
            if app.appended < policy.missed_appended:
                version = (app.schedule_version or 1) + 1
                plan = _append_missed(
                    state, as_of, version, f"relief-{app.id[-8:]}-v{version}", status.instalment
                )
                ledger.restructure(session, loan_id=app.loan_id, plan=plan, actor=actor)
                app.schedule_version, app.appended = version, app.appended + 1
                done[app.id] = "appended"
            else:
                app.status = "broken"
                if app.hold_id:
                    compliance_facts.release_hold(
                        session, hold_id=app.hold_id, actor=actor, reason="plan broken"
                    )
                    app.hold_id = None
                done[app.id] = "broken"
            audit.record(
                session,
                actor=actor,
                action=f"relief.plan_{done[app.id]}",
                subject_type="relief_application",
                subject_id=app.id,
                payload={"instalment": status.instalment, "shortfall_minor": status.shortfall_minor},
            )
    return done


def app_loan(session: Session, app: ReliefApplication) -> Loan:
    loan = session.get(Loan, app.loan_id)
    assert loan is not None
    return loan


def report_distress(
    session: Session, *, borrower_id: str, actor: str, source: str, days: int | None = None
) -> str:
    """A short care pause on contact (a hardship hold that ends by itself) and a flag on the open case."""
    from faircollect.collections.models import CollectionCase
    from faircollect.collections.service import record_change

    loans = session.scalars(select(Loan).where(Loan.borrower_id == borrower_id)).all()
    jurisdiction = loans[0].jurisdiction if loans else "CN"
    pause_days = days if days is not None else load_policy(jurisdiction, None).care_pause_days
    hold_id = compliance_facts.set_hold(
        session,
        borrower_id=borrower_id,
        kind=HoldKind.HARDSHIP,
        reason=f"care pause: the borrower reported distress ({source})",
        actor=actor,
        until=utc_now() + timedelta(days=pause_days),
    )
    for case in session.scalars(
        select(CollectionCase).where(
            CollectionCase.borrower_id == borrower_id, CollectionCase.status == "open"
        )
    ):
        record_change(
            session,
            case,
            type="distress_flagged",
            actor=actor,
            payload={"hold_id": hold_id, "pause_days": pause_days, "source": source, "needs_person": True},
        )
    audit.record(
        session,
        actor=actor,
        action="portal.distress_reported",
        subject_type="borrower",
        subject_id=borrower_id,
        payload={"hold_id": hold_id, "pause_days": pause_days, "source": source},
    )
    return hold_id


def money_minor(text: str, currency: str, field: str) -> int:
    """Parse a borrower-typed amount (``1234.50``; commas allowed) to minor units, naming the field when bad."""
    from faircollect.kit.money import to_minor

    cleaned = (text or "").strip().replace(",", "").replace("，", "")
    if not cleaned:
        return 0
    try:
        value = to_minor(cleaned, currency, field=field)
    except ValidationError as exc:
        raise ValidationError(exc.message, field=field) from exc
    return _check_money(value, field)


__all__ = [
    "PlanStatus",
    "Priced",
    "apply",
    "check_plans",
    "decide_review",
    "list_reviews",
    "money_minor",
    "plan_of",
    "plan_status",
    "price",
    "report_distress",
    "sign",
    "waivers_of",
]
