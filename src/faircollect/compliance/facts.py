"""The facts store: contact attempts (across the lender and all its agencies), holds, opt-outs and consents, and
the per-borrower lock that makes "decide, then record" safe under concurrency.

Usage (inside one unit of work)::

    lock_borrower(session, borrower_id)                      # serialises this borrower's cap checks
    facts = load_facts(session, borrower_id=b, at=at, address=phone)
    decision = service.decide_and_audit(session, request, facts, actor=..., borrower_id=b)
    if decision.allowed:
        record_attempt(session, borrower_id=b, ..., outcome=Outcome.NO_ANSWER, actor=...)

For a batch: ``load_facts_many(session, [(borrower_id, address), ...], at=at)`` (six queries for the whole batch)
and ``record_attempts(session, [AttemptIn(...), ...])``. ``load_facts`` and ``record_attempt`` are their
one-item cases: each rule is written once.

Every state change appends an audit record (``compliance.audit.service.record``). Services never commit.

Layout: this module holds the per-borrower lock (:func:`lock_borrower`) and re-exports the rest, so every name
is imported from here as before: reading the facts (``load_facts``, ``load_facts_many``, ``lender_rulebook``,
``active_overrides``) lives in ``compliance.facts_load``; changing them (attempts, holds, preferences, rule
overrides, ``mask_address``) lives in ``compliance.facts_record``.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from faircollect.compliance.facts_load import active_overrides, lender_rulebook, load_facts, load_facts_many
from faircollect.compliance.facts_record import (
    AttemptIn,
    attempt_payload,
    attempt_values,
    insert_attempts,
    mask_address,
    override_direction,
    record_attempt,
    record_attempts,
    record_consent,
    record_opt_out,
    record_third_party_stop,
    release_hold,
    revoke_preference,
    save_override,
    set_agreed_window,
    set_hold,
    update_attempt_outcome,
)
from faircollect.compliance.models import BorrowerContactLock
from faircollect.kit.time import utc_now

__all__ = [
    "AttemptIn",
    "active_overrides",
    "attempt_payload",
    "attempt_values",
    "insert_attempts",
    "lender_rulebook",
    "load_facts",
    "load_facts_many",
    "lock_borrower",
    "mask_address",
    "override_direction",
    "record_attempt",
    "record_attempts",
    "record_consent",
    "record_opt_out",
    "record_third_party_stop",
    "release_hold",
    "revoke_preference",
    "save_override",
    "set_agreed_window",
    "set_hold",
    "update_attempt_outcome",
]


# ------------------------------------------------------------------------------------------ the lock


def lock_borrower(session: Session, borrower_id: str) -> None:
    """Take the borrower's contact lock until the caller's transaction ends.

    PostgreSQL: the lock row is created if missing (``INSERT … ON CONFLICT DO NOTHING``) and then locked with
    ``SELECT … FOR UPDATE``: concurrent deciders for one borrower queue here, so a cap can never be overshot.
    SQLite: the INSERT takes the database write lock, which serialises every writer until commit.
    """
    dialect = session.get_bind().dialect.name
    values = {"borrower_id": borrower_id, "created_at": utc_now()}
    if dialect == "postgresql":
        session.execute(postgresql.insert(BorrowerContactLock).values(**values).on_conflict_do_nothing())
    elif dialect == "sqlite":
        session.execute(sqlite.insert(BorrowerContactLock).values(**values).on_conflict_do_nothing())
    elif session.get(BorrowerContactLock, borrower_id) is None:  # pragma: no cover - other databases
        session.add(BorrowerContactLock(**values))
        session.flush()
    session.execute(
        select(BorrowerContactLock.borrower_id)
        .where(BorrowerContactLock.borrower_id == borrower_id)
        .with_for_update()
    ).one()
