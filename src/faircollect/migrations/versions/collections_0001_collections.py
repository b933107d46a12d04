"""collections: cases, case events, promises, visits, complaints, agencies, agents, queues, experiments, plan log

Revision ID: collections_0001
Revises:
Create Date: 2026-11-28
"""

import sqlalchemy as sa
from alembic import op

from faircollect.db import UTCDateTime

revision = "collections_0001"
down_revision = None
branch_labels = ("collections",)
depends_on = ("ledger_0001", "compliance_0001")


def upgrade() -> None:
    op.create_table(
        "agency",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("licence_ref", sa.String(length=120), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency")),
        sa.UniqueConstraint("name", name=op.f("uq_agency_name")),
    )
    op.create_table(
        "agency_mandate",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("agency_id", sa.String(length=40), nullable=False),
        sa.Column("criteria", sa.JSON(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=False),
        sa.Column("ends_on", sa.Date(), nullable=False),
        sa.Column("commission_rate", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("created_by", sa.String(length=120), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("status IN ('active', 'ended')", name=op.f("ck_agency_mandate_status")),
        sa.CheckConstraint("ends_on >= starts_on", name=op.f("ck_agency_mandate_dates")),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_agency_mandate_agency_id_agency")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_mandate")),
    )
    op.create_index(op.f("ix_agency_mandate_agency_id"), "agency_mandate", ["agency_id"], unique=False)
    op.create_table(
        "agent",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("user", sa.String(length=120), nullable=False),
        sa.Column("display_name", sa.String(length=200), nullable=False),
        sa.Column("agency_id", sa.String(length=40), nullable=True),
        sa.Column("queue", sa.String(length=60), nullable=False),
        sa.Column("daily_cap", sa.Integer(), nullable=False),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("daily_cap >= 0", name=op.f("ck_agent_daily_cap")),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_agent_agency_id_agency")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agent")),
        sa.UniqueConstraint("user", name=op.f("uq_agent_user")),
    )
    op.create_index(op.f("ix_agent_agency_id"), "agent", ["agency_id"], unique=False)
    op.create_table(
        "experiment_assignment",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("experiment", sa.String(length=80), nullable=False),
        sa.Column("borrower_id", sa.String(length=40), nullable=False),
        sa.Column("strategy_key", sa.String(length=80), nullable=False),
        sa.Column("arm", sa.String(length=60), nullable=False),
        sa.Column("probability", sa.String(length=20), nullable=False),
        sa.Column("assigned_on", sa.Date(), nullable=False),
        sa.ForeignKeyConstraint(
            ["borrower_id"], ["borrower.id"], name=op.f("fk_experiment_assignment_borrower_id_borrower")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_experiment_assignment")),
    )
    op.create_index(
        "uq_experiment_assignment_experiment_borrower_id",
        "experiment_assignment",
        ["experiment", "borrower_id"],
        unique=True,
    )
    op.create_table(
        "collection_case",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("borrower_id", sa.String(length=40), nullable=False),
        sa.Column("loan_id", sa.String(length=40), nullable=False),
        sa.Column("open_key", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("stage", sa.String(length=20), nullable=False),
        sa.Column("open_bucket", sa.String(length=20), nullable=False),
        sa.Column("close_reason", sa.String(length=20), nullable=True),
        sa.Column("opened_on", sa.Date(), nullable=False),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("days_past_due", sa.Integer(), nullable=False),
        sa.Column("overdue_minor", sa.BigInteger(), nullable=False),
        sa.Column("balance_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("strategy_key", sa.String(length=80), nullable=True),
        sa.Column("on_hold", sa.Boolean(), nullable=False),
        sa.Column("agency_id", sa.String(length=40), nullable=True),
        sa.Column("mandate_id", sa.String(length=40), nullable=True),
        sa.Column("updated_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint("status IN ('open', 'closed')", name=op.f("ck_collection_case_status")),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_collection_case_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["borrower_id"], ["borrower.id"], name=op.f("fk_collection_case_borrower_id_borrower")
        ),
        sa.ForeignKeyConstraint(["loan_id"], ["loan.id"], name=op.f("fk_collection_case_loan_id_loan")),
        sa.ForeignKeyConstraint(
            ["mandate_id"], ["agency_mandate.id"], name=op.f("fk_collection_case_mandate_id_agency_mandate")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_collection_case")),
        sa.UniqueConstraint("open_key", name=op.f("uq_collection_case_open_key")),
    )
    op.create_index(op.f("ix_collection_case_agency_id"), "collection_case", ["agency_id"], unique=False)
    op.create_index(op.f("ix_collection_case_borrower_id"), "collection_case", ["borrower_id"], unique=False)
    op.create_index(op.f("ix_collection_case_loan_id"), "collection_case", ["loan_id"], unique=False)
    op.create_index("ix_collection_case_status", "collection_case", ["status"], unique=False)
    op.create_table(
        "case_event",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("at", UTCDateTime(), nullable=False),
        sa.Column("type", sa.String(length=40), nullable=False),
        sa.Column("actor", sa.String(length=120), nullable=False),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.ForeignKeyConstraint(
            ["case_id"], ["collection_case.id"], name=op.f("fk_case_event_case_id_collection_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_case_event")),
    )
    op.create_index(op.f("ix_case_event_case_id"), "case_event", ["case_id"], unique=False)
    op.create_table(
        "complaint",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("borrower_id", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=True),
        sa.Column("loan_id", sa.String(length=40), nullable=True),
        sa.Column("agency_id", sa.String(length=40), nullable=True),
        sa.Column("kind", sa.String(length=12), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("summary", sa.Text(), nullable=False),
        sa.Column("received_at", UTCDateTime(), nullable=False),
        sa.Column("due_by", UTCDateTime(), nullable=False),
        sa.Column("routed_to", sa.String(length=60), nullable=False),
        sa.Column("hold_scope", sa.String(length=10), nullable=False),
        sa.Column("hold_id", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("answer", sa.Text(), nullable=True),
        sa.Column("answered_at", UTCDateTime(), nullable=True),
        sa.Column("answered_by", sa.String(length=120), nullable=True),
        sa.Column("recorded_by", sa.String(length=120), nullable=False),
        sa.CheckConstraint(
            "hold_scope IN ('borrower', 'case', 'none')", name=op.f("ck_complaint_hold_scope")
        ),
        sa.CheckConstraint("kind IN ('complaint', 'dispute', 'hardship')", name=op.f("ck_complaint_kind")),
        sa.CheckConstraint("status IN ('open', 'answered')", name=op.f("ck_complaint_status")),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_complaint_agency_id_agency")),
        sa.ForeignKeyConstraint(
            ["borrower_id"], ["borrower.id"], name=op.f("fk_complaint_borrower_id_borrower")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["collection_case.id"], name=op.f("fk_complaint_case_id_collection_case")
        ),
        sa.ForeignKeyConstraint(["loan_id"], ["loan.id"], name=op.f("fk_complaint_loan_id_loan")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_complaint")),
    )
    op.create_index(op.f("ix_complaint_borrower_id"), "complaint", ["borrower_id"], unique=False)
    op.create_table(
        "planned_contact",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("plan_date", sa.Date(), nullable=False),
        sa.Column("dedupe_key", sa.String(length=200), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=True),
        sa.Column("borrower_id", sa.String(length=40), nullable=False),
        sa.Column("loan_id", sa.String(length=40), nullable=False),
        sa.Column("strategy_key", sa.String(length=80), nullable=False),
        sa.Column("segment_id", sa.String(length=80), nullable=True),
        sa.Column("experiment", sa.String(length=80), nullable=False),
        sa.Column("arm", sa.String(length=60), nullable=False),
        sa.Column("probability", sa.String(length=20), nullable=False),
        sa.Column("bucket", sa.String(length=20), nullable=False),
        sa.Column("days_past_due", sa.Integer(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("template", sa.String(length=80), nullable=True),
        sa.Column("capacity_group", sa.String(length=40), nullable=True),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("rule_ids", sa.JSON(), nullable=False),
        sa.Column("outbox_id", sa.String(length=40), nullable=True),
        sa.Column("agency_id", sa.String(length=40), nullable=True),
        sa.Column("planned_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_planned_contact_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["borrower_id"], ["borrower.id"], name=op.f("fk_planned_contact_borrower_id_borrower")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["collection_case.id"], name=op.f("fk_planned_contact_case_id_collection_case")
        ),
        sa.ForeignKeyConstraint(["loan_id"], ["loan.id"], name=op.f("fk_planned_contact_loan_id_loan")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_planned_contact")),
        sa.UniqueConstraint("dedupe_key", name=op.f("uq_planned_contact_dedupe_key")),
    )
    op.create_index(op.f("ix_planned_contact_borrower_id"), "planned_contact", ["borrower_id"], unique=False)
    op.create_index(op.f("ix_planned_contact_case_id"), "planned_contact", ["case_id"], unique=False)
    op.create_index(
        "ix_planned_contact_plan_date_status", "planned_contact", ["plan_date", "status"], unique=False
    )
    op.create_table(
        "promise_to_pay",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("borrower_id", sa.String(length=40), nullable=False),
        sa.Column("loan_id", sa.String(length=40), nullable=False),
        sa.Column("amount_minor", sa.BigInteger(), nullable=False),
        sa.Column("currency", sa.String(length=3), nullable=False),
        sa.Column("made_on", sa.Date(), nullable=False),
        sa.Column("promised_date", sa.Date(), nullable=False),
        sa.Column("channel", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("paid_minor", sa.BigInteger(), nullable=False),
        sa.Column("resolved_on", sa.Date(), nullable=True),
        sa.Column("made_by", sa.String(length=120), nullable=False),
        sa.Column("agency_id", sa.String(length=40), nullable=True),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.CheckConstraint(
            "status IN ('pending', 'kept', 'broken', 'cancelled')", name=op.f("ck_promise_to_pay_status")
        ),
        sa.CheckConstraint("amount_minor > 0", name=op.f("ck_promise_to_pay_amount_positive")),
        sa.ForeignKeyConstraint(
            ["agency_id"], ["agency.id"], name=op.f("fk_promise_to_pay_agency_id_agency")
        ),
        sa.ForeignKeyConstraint(
            ["borrower_id"], ["borrower.id"], name=op.f("fk_promise_to_pay_borrower_id_borrower")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["collection_case.id"], name=op.f("fk_promise_to_pay_case_id_collection_case")
        ),
        sa.ForeignKeyConstraint(["loan_id"], ["loan.id"], name=op.f("fk_promise_to_pay_loan_id_loan")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_promise_to_pay")),
    )
    op.create_index(op.f("ix_promise_to_pay_case_id"), "promise_to_pay", ["case_id"], unique=False)
    op.create_table(
        "queue_assignment",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("work_date", sa.Date(), nullable=False),
        sa.Column("queue", sa.String(length=60), nullable=False),
        sa.Column("agent_id", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("rank", sa.Integer(), nullable=False),
        sa.Column("expected_value_minor", sa.BigInteger(), nullable=False),
        sa.Column("p_pay", sa.String(length=20), nullable=False),
        sa.Column("status", sa.String(length=10), nullable=False),
        sa.Column("assigned_at", UTCDateTime(), nullable=False),
        sa.ForeignKeyConstraint(["agent_id"], ["agent.id"], name=op.f("fk_queue_assignment_agent_id_agent")),
        sa.ForeignKeyConstraint(
            ["case_id"], ["collection_case.id"], name=op.f("fk_queue_assignment_case_id_collection_case")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_queue_assignment")),
    )
    op.create_index(op.f("ix_queue_assignment_agent_id"), "queue_assignment", ["agent_id"], unique=False)
    op.create_index(
        "ix_queue_assignment_work_date_agent_id", "queue_assignment", ["work_date", "agent_id"], unique=False
    )
    op.create_index(
        "uq_queue_assignment_work_date_case_id", "queue_assignment", ["work_date", "case_id"], unique=True
    )
    op.create_table(
        "visit_request",
        sa.Column("id", sa.String(length=40), nullable=False),
        sa.Column("case_id", sa.String(length=40), nullable=False),
        sa.Column("borrower_id", sa.String(length=40), nullable=False),
        sa.Column("loan_id", sa.String(length=40), nullable=False),
        sa.Column("status", sa.String(length=12), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("requested_by", sa.String(length=120), nullable=False),
        sa.Column("requested_at", UTCDateTime(), nullable=False),
        sa.Column("staff", sa.JSON(), nullable=False),
        sa.Column("window_start", UTCDateTime(), nullable=False),
        sa.Column("window_end", UTCDateTime(), nullable=False),
        sa.Column("prerequisites", sa.JSON(), nullable=False),
        sa.Column("approved_by", sa.String(length=120), nullable=True),
        sa.Column("approved_at", UTCDateTime(), nullable=True),
        sa.Column("decided_note", sa.Text(), nullable=True),
        sa.Column("outcome", sa.String(length=40), nullable=True),
        sa.Column("recording_ref", sa.String(length=200), nullable=True),
        sa.Column("report", sa.Text(), nullable=True),
        sa.Column("completed_at", UTCDateTime(), nullable=True),
        sa.Column("agency_id", sa.String(length=40), nullable=True),
        sa.CheckConstraint(
            "status IN ('requested', 'approved', 'refused', 'completed', 'cancelled')",
            name=op.f("ck_visit_request_status"),
        ),
        sa.CheckConstraint(
            "approved_by IS NULL OR approved_by <> requested_by",
            name=op.f("ck_visit_request_approver_not_requester"),
        ),
        sa.CheckConstraint("window_end > window_start", name=op.f("ck_visit_request_window_order")),
        sa.ForeignKeyConstraint(["agency_id"], ["agency.id"], name=op.f("fk_visit_request_agency_id_agency")),
        sa.ForeignKeyConstraint(
            ["borrower_id"], ["borrower.id"], name=op.f("fk_visit_request_borrower_id_borrower")
        ),
        sa.ForeignKeyConstraint(
            ["case_id"], ["collection_case.id"], name=op.f("fk_visit_request_case_id_collection_case")
        ),
        sa.ForeignKeyConstraint(["loan_id"], ["loan.id"], name=op.f("fk_visit_request_loan_id_loan")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_visit_request")),
    )
    op.create_index(op.f("ix_visit_request_borrower_id"), "visit_request", ["borrower_id"], unique=False)
    op.create_index(op.f("ix_visit_request_case_id"), "visit_request", ["case_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_visit_request_borrower_id", table_name="visit_request")
    op.drop_index("ix_visit_request_case_id", table_name="visit_request")
    op.drop_table("visit_request")
    op.drop_index("ix_queue_assignment_agent_id", table_name="queue_assignment")
    op.drop_index("ix_queue_assignment_work_date_agent_id", table_name="queue_assignment")
    op.drop_index("uq_queue_assignment_work_date_case_id", table_name="queue_assignment")
    op.drop_table("queue_assignment")
    op.drop_index("ix_promise_to_pay_case_id", table_name="promise_to_pay")
    op.drop_table("promise_to_pay")
    op.drop_index("ix_planned_contact_borrower_id", table_name="planned_contact")
    op.drop_index("ix_planned_contact_case_id", table_name="planned_contact")
    op.drop_index("ix_planned_contact_plan_date_status", table_name="planned_contact")
    op.drop_table("planned_contact")
    op.drop_index("ix_complaint_borrower_id", table_name="complaint")
    op.drop_table("complaint")
    op.drop_index("ix_case_event_case_id", table_name="case_event")
    op.drop_table("case_event")
    op.drop_index("ix_collection_case_agency_id", table_name="collection_case")
    op.drop_index("ix_collection_case_borrower_id", table_name="collection_case")
    op.drop_index("ix_collection_case_loan_id", table_name="collection_case")
    op.drop_index("ix_collection_case_status", table_name="collection_case")
    op.drop_table("collection_case")
    op.drop_index("uq_experiment_assignment_experiment_borrower_id", table_name="experiment_assignment")
    op.drop_table("experiment_assignment")
    op.drop_index("ix_agent_agency_id", table_name="agent")
    op.drop_table("agent")
    op.drop_index("ix_agency_mandate_agency_id", table_name="agency_mandate")
    op.drop_table("agency_mandate")
    op.drop_table("agency")
