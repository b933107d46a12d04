"""Origination HTTP routes (mounted under /v1): submit an application and get its decision in the same call."""

from __future__ import annotations

from fastapi import APIRouter, Request
from sqlalchemy.orm import Session

from faircollect.api.deps import Permission, Principal, SessionDep, require
from faircollect.origination import service
from faircollect.origination.schemas import ApplicationIn, DecisionOut, NoticeOut, NoticeSentOut

router = APIRouter(tags=["origination"])


@router.post("/applications", status_code=201, response_model=DecisionOut)
def submit_application(
    body: ApplicationIn,
    session: Session = SessionDep,
    principal: Principal = require(Permission.APPLICATION_SUBMIT),
) -> DecisionOut:
    """Decide an application: identity checks, policy rules, scorecard, cut-offs → approve / refer / decline with
    the offer and the principal reasons. An approved application is booked as an approved loan."""
    row = service.submit(session, data=body.to_data(), actor=principal.actor)
    return DecisionOut.of(row)


@router.get("/applications/{application_id}", response_model=DecisionOut)
def get_application(
    application_id: str,
    session: Session = SessionDep,
    principal: Principal = require(Permission.APPLICATION_READ),
) -> DecisionOut:
    return DecisionOut.of(service.get(session, application_id))


@router.get("/applications/{application_id}/notice", response_model=NoticeOut)
def application_notice(
    application_id: str,
    request: Request,
    session: Session = SessionDep,
    principal: Principal = require(Permission.APPLICATION_READ),
) -> NoticeOut:
    """The adverse-action notice of a declined or referred application: ranked reasons in Chinese and English."""
    n = service.notice(session, application_id, lender=request.app.state.settings.lender_name)
    return NoticeOut(**n.as_dict())


@router.post("/applications/{application_id}/notice/send", response_model=NoticeSentOut)
def send_application_notice(
    application_id: str,
    request: Request,
    session: Session = SessionDep,
    principal: Principal = require(Permission.APPLICATION_SUBMIT),
) -> NoticeSentOut:
    """Send the notice by SMS through messaging: the gate decides it (a servicing message, with its text); only an
    allowed notice is written to the outbox, which the dispatcher sends with a verification code."""
    from faircollect.kit.time import utc_now
    from faircollect.origination.notice_send import send_notice

    sent = send_notice(
        session,
        application_id=application_id,
        at=utc_now(),
        actor=principal.actor,
        lender=request.app.state.settings.lender_name,
    )
    return NoticeSentOut(
        allowed=sent.decision.allowed,
        rule_ids=list(sent.decision.rule_ids),
        outbox_id=sent.outbox_id,
        borrower_id=sent.borrower_id,
    )
