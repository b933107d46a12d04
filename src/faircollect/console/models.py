"""Console tables: QA reviews with coaching notes (sealed), and strategy versions (draft → live) with who published them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from faircollect.db import Base
from faircollect.kit.time import utc_now
from faircollect.privacy.sealed import Sealed

STRATEGY_STATUSES = ("draft", "live", "retired")


class QAReview(Base):
    """One sampled contact or message scored against the QA checklist (质检), with the reviewer's coaching note."""

    __tablename__ = "qa_review"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    item_ref: Mapped[str] = mapped_column(String(80))  # outbox:ID | attempt:ID
    agent: Mapped[str] = mapped_column(String(120), index=True)
    reviewer: Mapped[str] = mapped_column(String(120))
    checks: Mapped[dict[str, Any]]  # check → true | false | null (open), as scored
    score: Mapped[str | None] = mapped_column(String(12))  # Decimal as text; null when nothing decided
    borrower_id: Mapped[str | None] = mapped_column(String(40), index=True)  # whose contact was reviewed
    coaching_note_enc: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)

    #: Staff-written, about a contact with a borrower (it may quote them): sealed under that borrower's key, so
    #: retention's erasure of the borrower takes it too.
    coaching_note = Sealed(subject="borrower_id")


class StrategyVersion(Base):
    """A collection strategy's YAML, one row per version; at most one live version per strategy id."""

    __tablename__ = "strategy_version"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    strategy_id: Mapped[str] = mapped_column(String(80))
    version: Mapped[int] = mapped_column(Integer)
    jurisdiction: Mapped[str] = mapped_column(String(8))
    yaml: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(10), default="draft")
    created_by: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    activated_by: Mapped[str | None] = mapped_column(String(120))
    activated_at: Mapped[datetime | None]

    __table_args__ = (
        CheckConstraint("status IN ('draft', 'live', 'retired')", name="status"),
        Index("uq_strategy_version_strategy_id_version", "strategy_id", "version", unique=True),
    )
