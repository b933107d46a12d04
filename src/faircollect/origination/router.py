"""Origination HTTP routes (mounted under /v1): submit an application and get its decision in the same call."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from fastapi import APIRouter, Request
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from faircollect.api.deps import Permission, Principal, SessionDep, require
from faircollect.origination import service
from faircollect.origination.models import BlockListEntry
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


class BlockIn(BaseModel):
    kind: Literal["phone", "id_number"]
    value: str = Field(
        min_length=1, max_length=40, description="the phone (any form; stored E.164) or ID number"
    )
    reason: str = Field(min_length=1, max_length=200)


class UnblockIn(BaseModel):
    reason: str = Field(min_length=1, max_length=200)


class BlockOut(BaseModel):
    id: str
    kind: str
    value: str = Field(description="masked: the value itself is sealed and never shown")
    reason: str
    added_at: datetime
    added_by: str


def _block_out(e: BlockListEntry) -> BlockOut:
    return BlockOut(
        id=e.id,
        kind=e.kind,
        value=service.masked_value(e),
        reason=e.reason,
        added_at=e.added_at,
        added_by=e.added_by,
    )


@router.get("/block-list", response_model=list[BlockOut])
def block_list(
    session: Session = SessionDep, principal: Principal = require(Permission.BLOCK_LIST_READ)
) -> list[BlockOut]:
    """The lender's block list, newest first; phones and ID numbers masked."""
    return [_block_out(e) for e in service.block_list(session)]


@router.post("/block-list", status_code=201, response_model=BlockOut)
def add_block(
    body: BlockIn, session: Session = SessionDep, principal: Principal = require(Permission.BLOCK_LIST_MANAGE)
) -> BlockOut:
    """Add a phone or ID number: applications with it are declined (rule ``blocked``). The value is sealed with a
    keyed blind index beside it; the addition is audited with its reason."""
    return _block_out(
        service.block(session, kind=body.kind, value=body.value, reason=body.reason, actor=principal.actor)
    )


@router.post("/block-list/{entry_id}/unblock", status_code=204)
def remove_block(
    entry_id: str,
    body: UnblockIn,
    session: Session = SessionDep,
    principal: Principal = require(Permission.BLOCK_LIST_MANAGE),
) -> None:
    """Remove an entry: the row goes, its data key is destroyed (the sealed value is unreadable for good), and the
    removal is audited with its reason."""
    service.unblock(session, entry_id=entry_id, reason=body.reason, actor=principal.actor)
