"""Which cases, loans and borrowers a principal may see: the data half of authorisation (the permission half is
``identity.permissions``).

- supervisors, compliance officers, admins and auditors see the whole book;
- an agency agent sees only the cases placed with its agency (and their loans and borrowers);
- an agent sees only the cases ever put on their work queue (``agent.user`` = their username).
Everyone else (integration, borrower, no role) sees no case. A refusal is a 404, so that a scoped caller cannot
learn which ids exist outside their scope.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from sqlalchemy import Select, exists, select
from sqlalchemy.orm import Session

from faircollect.collections.models import Agent, CollectionCase, QueueAssignment
from faircollect.identity.principal import Principal
from faircollect.kit.errors import NotFound

WHOLE_BOOK_ROLES = frozenset({"supervisor", "compliance_officer", "admin", "auditor"})


@dataclass(frozen=True, slots=True)
class CaseScope:
    """``all``: every case; ``agency``: the cases placed with ``agency_id``; ``assigned``: the cases on the queue
    of the agent whose user is ``user``; ``none``: no case."""

    kind: Literal["all", "agency", "assigned", "none"]
    agency_id: str | None = None
    user: str | None = None


def case_scope(principal: Principal) -> CaseScope:
    """The pure rule: a principal's scope from its roles (the widest of its roles wins)."""
    if principal.roles & WHOLE_BOOK_ROLES:
        return CaseScope("all")
    if "agency_agent" in principal.roles and principal.agency_id:
        return CaseScope("agency", agency_id=principal.agency_id)
    if "agent" in principal.roles:
        return CaseScope("assigned", user=principal.name)
    return CaseScope("none")


def _assigned_to(user: str) -> Select[str]:
    return (
        select(QueueAssignment.case_id)
        .join(Agent, Agent.id == QueueAssignment.agent_id)
        .where(Agent.user == user)
    )


def restrict_cases(stmt: Select[CollectionCase], principal: Principal) -> Select[CollectionCase]:
    """Add the principal's scope to a query over ``CollectionCase``."""
    scope = case_scope(principal)
    if scope.kind == "all":
        return stmt
    if scope.kind == "agency":
        return stmt.where(CollectionCase.agency_id == scope.agency_id)
    if scope.kind == "assigned" and scope.user:
        return stmt.where(CollectionCase.id.in_(_assigned_to(scope.user)))
    return stmt.where(CollectionCase.id.is_(None))


def case_visible(session: Session, principal: Principal, case: CollectionCase) -> bool:
    scope = case_scope(principal)
    if scope.kind == "all":
        return True
    if scope.kind == "agency":
        return case.agency_id == scope.agency_id
    if scope.kind == "assigned" and scope.user:
        return bool(
            session.scalar(select(exists(_assigned_to(scope.user).where(QueueAssignment.case_id == case.id))))
        )
    return False


def ensure_case_visible(session: Session, principal: Principal, case: CollectionCase) -> CollectionCase:
    if not case_visible(session, principal, case):
        raise NotFound(f"no case {case.id}", field="case_id")
    return case


def is_whole_book(principal: Principal) -> bool:
    return case_scope(principal).kind == "all"


def ensure_borrower_visible(session: Session, principal: Principal, borrower_id: str) -> None:
    """A scoped caller may read a borrower only through a case of theirs about that borrower (404 otherwise)."""
    if is_whole_book(principal):
        return
    stmt = restrict_cases(select(CollectionCase).where(CollectionCase.borrower_id == borrower_id), principal)
    if session.scalars(stmt.limit(1)).first() is None:
        raise NotFound(f"no borrower {borrower_id}", field="borrower_id")


def ensure_loan_visible(session: Session, principal: Principal, loan_id: str) -> None:
    """A scoped caller may read a loan only through a case of theirs on that loan (404 otherwise)."""
    if is_whole_book(principal):
        return
    stmt = restrict_cases(select(CollectionCase).where(CollectionCase.loan_id == loan_id), principal)
    if session.scalars(stmt.limit(1)).first() is None:
        raise NotFound(f"no loan {loan_id}", field="loan_id")


def visible_loan_ids(session: Session, principal: Principal, borrower_id: str) -> set[str] | None:
    """The loans of ``borrower_id`` a scoped caller may read (those of its own cases); None for the whole book."""
    if is_whole_book(principal):
        return None
    stmt = restrict_cases(select(CollectionCase).where(CollectionCase.borrower_id == borrower_id), principal)
    return {c.loan_id for c in session.scalars(stmt)}


def agent_user(session: Session, agent_id: str) -> str | None:
    """The username of a collections agent record (None when unknown)."""
    return session.scalar(select(Agent.user).where(Agent.id == agent_id))
