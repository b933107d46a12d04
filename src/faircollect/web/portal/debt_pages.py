"""The truth of the debt: my loans, one loan (balance, lawfully collectable, terms, cost, schedule, history), the
PDF statement, the messages inbox, and the public "verify a message" page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from faircollect.api.deps import SessionDep
from faircollect.identity.dependencies import public, require
from faircollect.identity.permissions import Permission
from faircollect.identity.principal import Principal
from faircollect.messaging import verification
from faircollect.messaging.models import OutboxMessage
from faircollect.messaging.router import checked_verify
from faircollect.portal.debt import loan_view, loans_of, own_loan
from faircollect.portal.models import ReliefApplication
from faircollect.web.portal.common import borrower_id, check_pre_token, page, signed_in_borrower, today
from faircollect.web.portal.documents import statement_pdf
from faircollect.web.templating import formatter, translator

router = APIRouter()
LEFT_US = ("sent", "delivered")


@router.get("/", include_in_schema=False)
def my_loans(
    request: Request, principal: Principal = require(Permission.PORTAL), db: Session = SessionDep
) -> Response:
    bid = borrower_id(principal)
    on = today(request)
    views = [loan_view(db, loan, on) for loan in loans_of(db, bid)]
    return page(request, "portal/loans.html", {"views": views, "today": on}, section="/portal/")


@router.get("/loans/{loan_id}", include_in_schema=False)
def one_loan(
    request: Request,
    loan_id: str,
    principal: Principal = require(Permission.PORTAL),
    db: Session = SessionDep,
) -> Response:
    bid = borrower_id(principal)
    loan = own_loan(db, bid, loan_id)
    on = today(request)
    view = loan_view(db, loan, on)
    relief = db.scalars(
        select(ReliefApplication)
        .where(ReliefApplication.loan_id == loan.id)
        .order_by(ReliefApplication.created_at.desc())
    ).first()
    return page(request, "portal/loan.html", {"v": view, "today": on, "relief": relief}, section="/portal/")


@router.get("/loans/{loan_id}/statement.pdf", include_in_schema=False)
def statement(
    request: Request,
    loan_id: str,
    principal: Principal = require(Permission.PORTAL),
    db: Session = SessionDep,
) -> Response:
    loan = own_loan(db, borrower_id(principal), loan_id)
    view = loan_view(db, loan, today(request))
    pdf = statement_pdf(
        view, translator(request, markup=False), formatter(request), request.app.state.settings.lender_name
    )
    name = f"statement-{loan.external_ref or loan.id}-{view.state.as_of.isoformat()}.pdf"
    return Response(
        pdf,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"},
    )


@router.get("/messages", include_in_schema=False)
def inbox(
    request: Request, principal: Principal = require(Permission.PORTAL), db: Session = SessionDep
) -> Response:
    """Every message that left us for this borrower (mirrored from the outbox), newest first, with its code."""
    bid = borrower_id(principal)
    messages = db.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.borrower_id == bid, OutboxMessage.status.in_(LEFT_US))
        .order_by(OutboxMessage.sent_at.desc())
        .limit(200)
    ).all()
    return page(request, "portal/messages.html", {"messages": messages}, section="/portal/messages")


@router.get("/verify", dependencies=[public], include_in_schema=False)
async def verify_form(request: Request) -> Response:
    signed = await signed_in_borrower(request) is not None
    channels = request.app.state.settings.official_channel_list()
    ctx = {"result": None, "signed": signed, "official_channels": channels}
    return page(request, "portal/verify.html", ctx, signed_in=False)


@router.post("/verify", dependencies=[public], include_in_schema=False)
async def verify_code(
    request: Request,
    code: Annotated[str, Form(max_length=40)] = "",
    csrf_token: Annotated[str, Form()] = "",
    db: Session = SessionDep,
) -> Response:
    """Genuine or not, the lender, the channel and the date — never the name, the loan, an amount or the text."""
    check_pre_token(request, csrf_token)
    # The same look-up as GET /v1/verify/{code}: the same per-minute and failed-per-hour limits (shared buckets:
    # switching between the page and the API lifts nothing) and the same audit of every failure.
    settings = request.app.state.settings
    result = checked_verify(request, db, code)
    shown = {
        "code": result.code,
        "genuine": result.genuine,
        "lender": result.lender if result.genuine else None,
        "channel": result.channel if result.genuine else None,
        "sent_at": result.sent_on if result.genuine else None,
        "valid_format": verification.normalise_code(code) is not None,
    }
    signed = await signed_in_borrower(request) is not None
    ctx = {"result": shown, "signed": signed, "official_channels": settings.official_channel_list()}
    return page(request, "portal/verify.html", ctx, signed_in=False)
