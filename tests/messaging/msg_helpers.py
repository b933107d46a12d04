"""Shared helpers for the messaging tests: borrowers, an allowing decision, a clock that is lawful for contact."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from faircollect.compliance.contact import Decision
from faircollect.db import unit_of_work

ALLOW = Decision(allowed=True)


def midday_zone(at: datetime | None = None) -> str:
    """An IANA ``Etc/GMT±N`` zone in which ``at`` (default: now) is about 12:00 local time.

    Tests that dispatch with the real clock give their borrowers this zone, so that contact hours allow the send
    whenever the test runs."""
    at = at or datetime.now(UTC)
    offset = 12 - at.hour
    if offset < -12:
        offset += 24
    if offset > 14:
        offset -= 24
    if offset == 0:
        return "Etc/GMT"
    return f"Etc/GMT{'-' if offset > 0 else '+'}{abs(offset)}"  # POSIX sign: Etc/GMT-8 is UTC+8


def new_borrower(
    factory: sessionmaker[Session],
    *,
    phone: str = "13800138000",
    email: str | None = None,
    timezone: str | None = None,
    jurisdiction: str = "CN",
    name: str = "张三",
) -> str:
    from faircollect.ledger import service as ledger_service

    with unit_of_work(factory) as session:
        b = ledger_service.create_borrower(
            session,
            name=name,
            phone=phone,
            email=email,
            timezone=timezone or midday_zone(),
            jurisdiction=jurisdiction,
        )
        return b.id
