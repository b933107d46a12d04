"""Agencies (委外): organisations with agents and a mandate — which cases, until when, at what commission.

An agency's agents call through the same gate with the same shared frequency counters as the lender's own staff
(``contacts.call`` records every attempt with the agency's id; ``compliance.facts.load_facts`` counts them all).
Cases are placed under a mandate and recalled at will or when the mandate ends; every move is audited.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from faircollect.collections.models import Agency, AgencyMandate, Agent, CollectionCase
from faircollect.collections.service import get_case, record_change
from faircollect.compliance.audit import service as audit
from faircollect.kit.errors import Conflict, NotFound, ValidationError
from faircollect.kit.ids import new_id
from faircollect.kit.time import utc_now

_CRITERIA_KEYS = ("buckets", "dpd_min", "dpd_max", "max_cases", "balance_min_minor")


def create_agency(session: Session, *, name: str, actor: str, licence_ref: str | None = None) -> Agency:
    if not name or not name.strip():
        raise ValidationError("an agency needs a name", field="name")
    if session.execute(select(Agency).where(Agency.name == name.strip())).scalar_one_or_none() is not None:
        raise Conflict(f"an agency named {name!r} exists", field="name")
    a = Agency(
        id=new_id("agy"), name=name.strip(), licence_ref=licence_ref, active=True, created_at=utc_now()
    )
    session.add(a)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="collections.agency.created",
        subject_type="agency",
        subject_id=a.id,
        payload={"name": a.name},
    )
    return a


def get_agency(session: Session, agency_id: str) -> Agency:
    a = session.get(Agency, agency_id)
    if a is None:
        raise NotFound(f"no agency {agency_id}", field="agency_id")
    return a


#: Contacts one agent can be given in a day (a cap above it is a typing mistake, not a plan).
MAX_DAILY_CAP = 1_000


def create_agent(
    session: Session,
    *,
    user: str,
    display_name: str,
    actor: str,
    agency_id: str | None = None,
    queue: str = "*",
    daily_cap: int = 60,
) -> Agent:
    """A collector. ``agency_id`` None = the lender's own staff. ``queue``: stages worked (``M1,M2``) or ``*``."""
    if not user or not user.strip():
        raise ValidationError("an agent needs a user name", field="user")
    if not 0 <= daily_cap <= MAX_DAILY_CAP:
        raise ValidationError(f"daily_cap must be between 0 and {MAX_DAILY_CAP}", field="daily_cap")
    if agency_id is not None:
        get_agency(session, agency_id)
    if session.execute(select(Agent).where(Agent.user == user.strip())).scalar_one_or_none() is not None:
        raise Conflict(f"an agent with user {user!r} exists", field="user")
    ag = Agent(
        id=new_id("agt"),
        user=user.strip(),
        display_name=display_name,
        agency_id=agency_id,
        queue=queue,
        daily_cap=daily_cap,
        active=True,
        created_at=utc_now(),
    )
    session.add(ag)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="collections.agent.created",
        subject_type="agent",
        subject_id=ag.id,
        payload={"agency_id": agency_id, "queue": queue, "daily_cap": daily_cap},
    )
    return ag


def create_mandate(
    session: Session,
    *,
    agency_id: str,
    criteria: Mapping[str, Any],
    starts_on: date,
    ends_on: date,
    commission_rate: str | Decimal,
    actor: str,
) -> AgencyMandate:
    """A mandate: cases matching ``criteria`` (buckets, dpd_min, dpd_max, balance_min_minor, max_cases) may be
    placed with the agency between ``starts_on`` and ``ends_on`` at ``commission_rate`` of the amount recovered."""
    agency = get_agency(session, agency_id)
    if not agency.active:
        raise Conflict(f"agency {agency.name} is not active")
    for key in criteria:
        if key not in _CRITERIA_KEYS:
            raise ValidationError(
                f"unknown criterion {key!r}; expected one of {_CRITERIA_KEYS}", field=f"criteria.{key}"
            )
    try:
        rate = Decimal(str(commission_rate))
    except (InvalidOperation, ValueError) as exc:
        raise ValidationError(f"not a decimal rate: {commission_rate!r}", field="commission_rate") from exc
    if not (Decimal(0) <= rate < Decimal(1)):
        raise ValidationError(
            "commission_rate is a share of the amount recovered, in [0, 1)", field="commission_rate"
        )
    if ends_on < starts_on:
        raise ValidationError("the mandate ends before it starts", field="ends_on")
    m = AgencyMandate(
        id=new_id("mdt"),
        agency_id=agency.id,
        criteria=dict(criteria),
        starts_on=starts_on,
        ends_on=ends_on,
        commission_rate=str(rate),
        status="active",
        created_by=actor,
        created_at=utc_now(),
    )
    session.add(m)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="collections.mandate.created",
        subject_type="agency_mandate",
        subject_id=m.id,
        payload={
            "agency_id": agency.id,
            "criteria": dict(criteria),
            "until": ends_on.isoformat(),
            "commission": str(rate),
        },
    )
    return m


def _matches(case: CollectionCase, criteria: Mapping[str, Any]) -> bool:
    if criteria.get("buckets") and case.stage not in criteria["buckets"]:
        return False
    if criteria.get("dpd_min") is not None and case.days_past_due < int(criteria["dpd_min"]):
        return False
    if criteria.get("dpd_max") is not None and case.days_past_due > int(criteria["dpd_max"]):
        return False
    return not (
        criteria.get("balance_min_minor") is not None
        and case.balance_minor < int(criteria["balance_min_minor"])
    )


def _placed_count(session: Session, mandate_id: str) -> int:
    return int(
        session.execute(
            select(func.count())
            .select_from(CollectionCase)
            .where(CollectionCase.mandate_id == mandate_id, CollectionCase.status == "open")
        ).scalar_one()
    )


def place_case(
    session: Session, *, case_id: str, as_of: date, actor: str, mandate_id: str | None = None
) -> AgencyMandate | None:
    """Place an open case with an agency under an active mandate that covers it (the first with room, or the one
    named). Returns the mandate, or None when no mandate covers it. Cases on hold are never placed."""
    case = get_case(session, case_id)
    if case.status != "open":
        raise Conflict(f"case {case.id} is {case.status}")
    if case.on_hold:
        return None
    if case.agency_id is not None:
        return session.get(AgencyMandate, case.mandate_id) if case.mandate_id else None
    stmt = select(AgencyMandate).where(
        AgencyMandate.status == "active", AgencyMandate.starts_on <= as_of, AgencyMandate.ends_on >= as_of
    )
    if mandate_id is not None:
        stmt = stmt.where(AgencyMandate.id == mandate_id)
    for m in session.execute(stmt.order_by(AgencyMandate.created_at, AgencyMandate.id)).scalars():
        if not _matches(case, m.criteria):
            continue
        cap = m.criteria.get("max_cases")
        if cap is not None and _placed_count(session, m.id) >= int(cap):
            continue
        case.agency_id = m.agency_id
        case.mandate_id = m.id
        record_change(
            session,
            case,
            type="placed_with_agency",
            actor=actor,
            payload={"agency_id": m.agency_id, "mandate_id": m.id, "until": m.ends_on.isoformat()},
        )
        session.flush()
        return m
    return None


def recall_cases(
    session: Session,
    *,
    actor: str,
    reason: str,
    agency_id: str | None = None,
    mandate_id: str | None = None,
    case_ids: Sequence[str] | None = None,
) -> list[str]:
    """Take cases back from an agency (all of an agency's, a mandate's, or the listed ones)."""
    if agency_id is None and mandate_id is None and case_ids is None:
        raise ValidationError("name an agency, a mandate or cases to recall", field="agency_id")
    stmt = select(CollectionCase).where(CollectionCase.agency_id.is_not(None))
    if agency_id is not None:
        stmt = stmt.where(CollectionCase.agency_id == agency_id)
    if mandate_id is not None:
        stmt = stmt.where(CollectionCase.mandate_id == mandate_id)
    if case_ids is not None:
        stmt = stmt.where(CollectionCase.id.in_(list(case_ids)))
    recalled = []
    for case in session.execute(stmt).scalars():
        record_change(
            session,
            case,
            type="recalled_from_agency",
            actor=actor,
            payload={"agency_id": case.agency_id, "mandate_id": case.mandate_id},
            private={"reason": reason},
        )
        case.agency_id = None
        case.mandate_id = None
        recalled.append(case.id)
    session.flush()
    return recalled


def expire_mandates(session: Session, as_of: date, *, actor: str = "system:agencies") -> list[str]:
    """End mandates past their end date and recall their cases."""
    ended = []
    for m in session.execute(
        select(AgencyMandate).where(AgencyMandate.status == "active", AgencyMandate.ends_on < as_of)
    ).scalars():
        recall_cases(session, actor=actor, reason=f"mandate ended {m.ends_on.isoformat()}", mandate_id=m.id)
        m.status = "ended"
        audit.record(
            session,
            actor=actor,
            action="collections.mandate.ended",
            subject_type="agency_mandate",
            subject_id=m.id,
            payload={},
        )
        ended.append(m.id)
    return ended
