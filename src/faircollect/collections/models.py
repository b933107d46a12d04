"""Collections tables: cases and their events, promises to pay, field visits, complaints, agencies, agents, work
queues, experiment assignments and the plan log.

Money is ``BigInteger`` minor units beside ``String(3)`` currency; rates and probabilities are decimal strings
(never floats); timestamps are aware UTC; business facts are ``date``s.
"""

from __future__ import annotations

import datetime as dt
from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, CheckConstraint, Date, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from faircollect.db import Base
from faircollect.kit.time import utc_now
from faircollect.privacy.sealed import Sealed

CASE_STATUSES = ("open", "closed")
CLOSE_REASONS = ("cured", "paid", "settled", "written_off")
PROMISE_STATUSES = ("pending", "kept", "broken", "cancelled")
VISIT_STATUSES = ("requested", "approved", "refused", "completed", "cancelled")
COMPLAINT_KINDS = ("complaint", "dispute", "hardship")
COMPLAINT_STATUSES = ("open", "answered")
MANDATE_STATUSES = ("active", "ended")
ASSIGNMENT_STATUSES = ("assigned", "worked", "released")


class CollectionCase(Base):
    """One overdue loan being collected (催收案件). Opens when the loan becomes overdue; closes on cure, full
    payment, settlement or write-off. ``open_key`` equals ``loan_id`` while open and NULL once closed, so that the
    database itself allows at most one open case per loan."""

    __tablename__ = "collection_case"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    borrower_id: Mapped[str] = mapped_column(ForeignKey("borrower.id"), index=True)
    loan_id: Mapped[str] = mapped_column(ForeignKey("loan.id"), index=True)
    open_key: Mapped[str | None] = mapped_column(String(40), unique=True)
    status: Mapped[str] = mapped_column(String(10), default="open")
    stage: Mapped[str] = mapped_column(String(20))  # follows the loan's bucket (M1, M2 ...)
    open_bucket: Mapped[str] = mapped_column(String(20))
    close_reason: Mapped[str | None] = mapped_column(String(20))
    opened_on: Mapped[dt.date] = mapped_column(Date)
    closed_on: Mapped[dt.date | None] = mapped_column(Date)
    days_past_due: Mapped[int] = mapped_column(Integer, default=0)
    overdue_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    balance_minor: Mapped[int] = mapped_column(BigInteger, default=0)  # everything still owed (as last seen)
    currency: Mapped[str] = mapped_column(String(3))
    strategy_key: Mapped[str | None] = mapped_column(
        String(80)
    )  # id@version of the strategy that last planned
    on_hold: Mapped[bool] = mapped_column(
        Boolean, default=False
    )  # case-scoped hold (complaint about this loan)
    agency_id: Mapped[str | None] = mapped_column(ForeignKey("agency.id"), index=True)
    mandate_id: Mapped[str | None] = mapped_column(ForeignKey("agency_mandate.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utc_now)

    __table_args__ = (
        CheckConstraint("status IN ('open', 'closed')", name="status"),
        Index("ix_collection_case_status", "status"),
    )


class CaseEvent(Base):
    """Everything that happens to a case, in order (opened, stage change, promise, visit, hand-off, closed ...)."""

    __tablename__ = "case_event"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("collection_case.id"), index=True)
    at: Mapped[datetime] = mapped_column(default=utc_now)
    type: Mapped[str] = mapped_column(String(40))
    actor: Mapped[str] = mapped_column(String(120))
    payload: Mapped[dict[str, Any]]


class PromiseToPay(Base):
    """承诺还款: the borrower promises ``amount_minor`` by ``promised_date``. Kept or broken is decided from the
    ledger's payments, never by hand."""

    __tablename__ = "promise_to_pay"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("collection_case.id"), index=True)
    borrower_id: Mapped[str] = mapped_column(ForeignKey("borrower.id"))
    loan_id: Mapped[str] = mapped_column(ForeignKey("loan.id"))
    amount_minor: Mapped[int] = mapped_column(BigInteger)
    currency: Mapped[str] = mapped_column(String(3))
    made_on: Mapped[dt.date] = mapped_column(Date)
    promised_date: Mapped[dt.date] = mapped_column(Date)
    channel: Mapped[str] = mapped_column(String(20))
    status: Mapped[str] = mapped_column(String(10), default="pending")
    paid_minor: Mapped[int] = mapped_column(BigInteger, default=0)
    resolved_on: Mapped[dt.date | None] = mapped_column(Date)
    made_by: Mapped[str] = mapped_column(String(120))
    agency_id: Mapped[str | None] = mapped_column(ForeignKey("agency.id"))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    __table_args__ = (
        CheckConstraint("status IN ('pending', 'kept', 'broken', 'cancelled')", name="status"),
        CheckConstraint("amount_minor > 0", name="amount_positive"),
    )


class VisitRequest(Base):
    """上门/外访: a field visit, the governed last resort. Needs prerequisites, an approver who is not the requester,
    at least two named staff, a window inside lawful hours, and afterwards an outcome with a recording reference."""

    __tablename__ = "visit_request"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("collection_case.id"), index=True)
    borrower_id: Mapped[str] = mapped_column(ForeignKey("borrower.id"), index=True)
    loan_id: Mapped[str] = mapped_column(ForeignKey("loan.id"))
    status: Mapped[str] = mapped_column(String(12), default="requested")
    # Free text about the person (why, what was said, what was found): sealed under the borrower's data key.
    reason_enc: Mapped[str | None] = mapped_column(Text)
    requested_by: Mapped[str] = mapped_column(String(120))
    requested_at: Mapped[datetime] = mapped_column(default=utc_now)
    staff: Mapped[dict[str, Any]]  # {"names": [...]} — at least two named staff
    window_start: Mapped[datetime]
    window_end: Mapped[datetime]
    prerequisites: Mapped[dict[str, Any]]  # the checks made at request time and their results
    approved_by: Mapped[str | None] = mapped_column(String(120))
    approved_at: Mapped[datetime | None]
    decided_note_enc: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(40))
    recording_ref: Mapped[str | None] = mapped_column(String(200))
    report_enc: Mapped[str | None] = mapped_column(Text)
    completed_at: Mapped[datetime | None]
    agency_id: Mapped[str | None] = mapped_column(ForeignKey("agency.id"))

    reason = Sealed(subject="borrower_id")
    decided_note = Sealed(subject="borrower_id")
    report = Sealed(subject="borrower_id")

    __table_args__ = (
        CheckConstraint(
            "status IN ('requested', 'approved', 'refused', 'completed', 'cancelled')", name="status"
        ),
        CheckConstraint("approved_by IS NULL OR approved_by <> requested_by", name="approver_not_requester"),
        CheckConstraint("window_end > window_start", name="window_order"),
    )


class Complaint(Base):
    """投诉 / dispute / stated hardship, from any channel. Puts a hold, is routed, and must be answered by
    ``due_by``."""

    __tablename__ = "complaint"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    borrower_id: Mapped[str] = mapped_column(ForeignKey("borrower.id"), index=True)
    case_id: Mapped[str | None] = mapped_column(ForeignKey("collection_case.id"))
    loan_id: Mapped[str | None] = mapped_column(ForeignKey("loan.id"))
    agency_id: Mapped[str | None] = mapped_column(
        ForeignKey("agency.id")
    )  # complaint about an agency's conduct
    kind: Mapped[str] = mapped_column(String(12))
    channel: Mapped[str] = mapped_column(
        String(20)
    )  # how it reached us: phone, sms, email, letter, regulator ...
    # What the person said, and what we answered: sealed under the borrower's data key.
    summary_enc: Mapped[str | None] = mapped_column(Text)
    received_at: Mapped[datetime]
    due_by: Mapped[datetime]
    routed_to: Mapped[str] = mapped_column(String(60))
    hold_scope: Mapped[str] = mapped_column(String(10))  # borrower | case | none
    hold_id: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(10), default="open")
    answer_enc: Mapped[str | None] = mapped_column(Text)
    answered_at: Mapped[datetime | None]
    answered_by: Mapped[str | None] = mapped_column(String(120))
    recorded_by: Mapped[str] = mapped_column(String(120))

    summary = Sealed(subject="borrower_id")
    answer = Sealed(subject="borrower_id")

    __table_args__ = (
        CheckConstraint("kind IN ('complaint', 'dispute', 'hardship')", name="kind"),
        CheckConstraint("status IN ('open', 'answered')", name="status"),
        CheckConstraint("hold_scope IN ('borrower', 'case', 'none')", name="hold_scope"),
    )


class Agency(Base):
    """A collection agency (委外机构). Its agents go through the same gate and the same shared counters."""

    __tablename__ = "agency"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    licence_ref: Mapped[str | None] = mapped_column(String(120))
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)


class AgencyMandate(Base):
    """What an agency may collect: which cases (criteria), until when, at what commission."""

    __tablename__ = "agency_mandate"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    agency_id: Mapped[str] = mapped_column(ForeignKey("agency.id"), index=True)
    criteria: Mapped[dict[str, Any]]  # {"buckets": [...], "dpd_min": 91, "max_cases": 100}
    starts_on: Mapped[dt.date] = mapped_column(Date)
    ends_on: Mapped[dt.date] = mapped_column(Date)
    commission_rate: Mapped[str] = mapped_column(String(20))  # Decimal as text, share of amount recovered
    status: Mapped[str] = mapped_column(String(10), default="active")
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    __table_args__ = (
        CheckConstraint("status IN ('active', 'ended')", name="status"),
        CheckConstraint("ends_on >= starts_on", name="dates"),
    )


class Agent(Base):
    """A collector: lender staff (``agency_id`` NULL) or an agency's agent. Works one queue up to a daily cap."""

    __tablename__ = "agent"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    user: Mapped[str] = mapped_column(String(120), unique=True)
    display_name: Mapped[str] = mapped_column(String(200))
    agency_id: Mapped[str | None] = mapped_column(ForeignKey("agency.id"), index=True)
    queue: Mapped[str] = mapped_column(String(60), default="default")
    daily_cap: Mapped[int] = mapped_column(Integer, default=60)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    __table_args__ = (CheckConstraint("daily_cap >= 0", name="daily_cap"),)


class QueueAssignment(Base):
    """One case on one agent's work list for one business day, with its rank and expected value."""

    __tablename__ = "queue_assignment"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    work_date: Mapped[dt.date] = mapped_column(Date)
    queue: Mapped[str] = mapped_column(String(60))
    agent_id: Mapped[str] = mapped_column(ForeignKey("agent.id"), index=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("collection_case.id"))
    rank: Mapped[int] = mapped_column(Integer)
    expected_value_minor: Mapped[int] = mapped_column(BigInteger)
    p_pay: Mapped[str] = mapped_column(String(20))  # Decimal as text
    status: Mapped[str] = mapped_column(String(10), default="assigned")
    assigned_at: Mapped[datetime] = mapped_column(default=utc_now)

    __table_args__ = (
        Index("uq_queue_assignment_work_date_case_id", "work_date", "case_id", unique=True),
        Index("ix_queue_assignment_work_date_agent_id", "work_date", "agent_id"),
    )


class ExperimentAssignment(Base):
    """The arm a borrower was assigned in an experiment, with its probability (for unbiased effect estimates)."""

    __tablename__ = "experiment_assignment"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    experiment: Mapped[str] = mapped_column(String(80))
    borrower_id: Mapped[str] = mapped_column(ForeignKey("borrower.id"))
    strategy_key: Mapped[str] = mapped_column(String(80))  # id@version when first assigned
    arm: Mapped[str] = mapped_column(String(60))
    probability: Mapped[str] = mapped_column(String(20))  # Decimal as text
    assigned_on: Mapped[dt.date] = mapped_column(Date)

    __table_args__ = (
        Index("uq_experiment_assignment_experiment_borrower_id", "experiment", "borrower_id", unique=True),
    )


class PlannedContact(Base):
    """The plan log: every treatment the planner considered on a day and what became of it — enqueued, denied by
    the gate (with rule ids), held back for the control group, queued for a call, over capacity ... Each row
    carries the experiment, arm and assignment probability. ``dedupe_key`` makes re-planning a day idempotent."""

    __tablename__ = "planned_contact"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    plan_date: Mapped[dt.date] = mapped_column(Date)
    dedupe_key: Mapped[str] = mapped_column(String(200), unique=True)
    case_id: Mapped[str | None] = mapped_column(ForeignKey("collection_case.id"), index=True)
    borrower_id: Mapped[str] = mapped_column(ForeignKey("borrower.id"), index=True)
    loan_id: Mapped[str] = mapped_column(ForeignKey("loan.id"))
    strategy_key: Mapped[str] = mapped_column(String(80))
    segment_id: Mapped[str | None] = mapped_column(String(80))
    experiment: Mapped[str] = mapped_column(String(80))
    arm: Mapped[str] = mapped_column(String(60))
    probability: Mapped[str] = mapped_column(String(20))
    bucket: Mapped[str] = mapped_column(String(20))
    days_past_due: Mapped[int] = mapped_column(Integer)
    channel: Mapped[str] = mapped_column(String(20))
    template: Mapped[str | None] = mapped_column(String(80))
    capacity_group: Mapped[str | None] = mapped_column(String(40))
    status: Mapped[str] = mapped_column(String(20))
    rule_ids: Mapped[dict[str, Any]]  # {"rules": [...], "reasons": [{"rule","en","zh"}]}
    outbox_id: Mapped[str | None] = mapped_column(String(40))
    agency_id: Mapped[str | None] = mapped_column(ForeignKey("agency.id"))
    planned_at: Mapped[datetime] = mapped_column(default=utc_now)

    __table_args__ = (Index("ix_planned_contact_plan_date_status", "plan_date", "status"),)
