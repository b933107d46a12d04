"""identity: staff and machine users, API tokens (hashed), web sessions (hashed)

Revision ID: identity_0001
Revises:
Create Date: 2026-12-03
"""

import sqlalchemy as sa
from alembic import op

from faircollect.db import UTCDateTime

revision = "identity_0001"
down_revision = None
branch_labels = ("identity",)
depends_on = None


def upgrade() -> None:
    op.create_table(
        "identity_user",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("username", sa.String(120), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("display_name", sa.String(200), nullable=False),
        sa.Column("roles", sa.JSON(), nullable=False),
        sa.Column("agency_id", sa.String(40), nullable=True),
        sa.Column("team_id", sa.String(40), nullable=True),
        sa.Column("password_hash", sa.String(200), nullable=True),
        sa.Column("oidc_subject", sa.String(300), nullable=True),
        sa.Column("active", sa.Boolean(), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("disabled_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_identity_user"),
        sa.UniqueConstraint("username", name="uq_identity_user_username"),
        sa.UniqueConstraint("oidc_subject", name="uq_identity_user_oidc_subject"),
    )
    op.create_table(
        "identity_token",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("user_id", sa.String(40), nullable=False),
        sa.Column("token_hash", sa.String(64), nullable=False),
        sa.Column("prefix", sa.String(16), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("created_by", sa.String(120), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=True),
        sa.Column("revoked_at", UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_identity_token"),
        sa.ForeignKeyConstraint(
            ["user_id"], ["identity_user.id"], name="fk_identity_token_user_id_identity_user"
        ),
        sa.UniqueConstraint("token_hash", name="uq_identity_token_token_hash"),
    )
    op.create_index("ix_identity_token_user_id", "identity_token", ["user_id"])
    op.create_table(
        "identity_web_session",
        sa.Column("id", sa.String(40), nullable=False),
        sa.Column("secret_hash", sa.String(64), nullable=False),
        sa.Column("kind", sa.String(10), nullable=False),
        sa.Column("subject_id", sa.String(40), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("created_at", UTCDateTime(), nullable=False),
        sa.Column("expires_at", UTCDateTime(), nullable=False),
        sa.Column("ended_at", UTCDateTime(), nullable=True),
        sa.Column("auth_method", sa.String(20), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_identity_web_session"),
        sa.UniqueConstraint("secret_hash", name="uq_identity_web_session_secret_hash"),
    )
    op.create_index("ix_identity_web_session_subject_id", "identity_web_session", ["subject_id"])


def downgrade() -> None:
    op.drop_table("identity_web_session")
    op.drop_table("identity_token")
    op.drop_table("identity_user")
