"""Envelope-encryption tables: one data key per subject (a borrower), stored wrapped under the KEK.

Destroying a subject's data key (``wrapped`` set to NULL, ``destroyed_at`` set) erases every field sealed under
it at once, wherever it is stored — crypto-shredding.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from faircollect.db import Base


class DataKey(Base):
    __tablename__ = "data_key"

    #: Whose data the key seals: a borrower id, or ``"<table>:<id>"`` for a row not (yet) matched to one.
    subject_id: Mapped[str] = mapped_column(String(80), primary_key=True)
    #: nonce (12 bytes) || AES-GCM(wrap key, data key, aad=subject_id); NULL once destroyed.
    wrapped: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    kek_id: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime]
    destroyed_at: Mapped[datetime | None] = mapped_column(nullable=True)
    destroyed_reason: Mapped[str | None] = mapped_column(String(200), nullable=True)
