"""The relief wizard: reason and income/expenditure → the options the policy allows, priced → apply → (review) →
sign with typed name + one-time code → the new schedule, collection held."""

from __future__ import annotations

from datetime import timedelta
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from faircollect.api.deps import SessionDep
from faircollect.identity.dependencies import require
from faircollect.identity.permissions import Permission
from faircollect.identity.principal import Principal
from faircollect.kit.errors import NotFound, ValidationError
from faircollect.ledger import service as ledger
from faircollect.ledger.models import Borrower
from faircollect.portal import otp
from faircollect.portal.debt import loan_view, own_loan
from faircollect.portal.models import ReliefApplication
from faircollect.relief import service as relief
from faircollect.relief.options import DISTRESS_REASONS, REASONS
from faircollect.web.portal.common import borrower_id, page, see_other, today
from faircollect.web.portal.documents import agreement_pdf
from faircollect.web.portal.signin import provider_for
from faircollect.web.templating import formatter, translator

router = APIRouter()
Text = Annotated[str, Form(max_length=40)]


def _own_app(db: Session, bid: str, app_id: str) -> ReliefApplication:
    app = db.get(ReliefApplication, app_id)
    if app is None or app.borrower_id != bid:
        raise NotFound("no such relief application among yours", field="application_id")
    return app


def _open_app(db: Session, loan_id: str) -> ReliefApplication | None:
    return db.scalar(
        select(ReliefApplication).where(
            ReliefApplication.loan_id == loan_id,
            ReliefApplication.status.in_(("pending_review", "approved", "signed")),
        )
    )


@router.get("/loans/{loan_id}/relief", include_in_schema=False)
def relief_start(
    request: Request,
    loan_id: str,
    principal: Principal = require(Permission.PORTAL),
    db: Session = SessionDep,
) -> Response:
    loan = own_loan(db, borrower_id(principal), loan_id)
    existing = _open_app(db, loan.id)
    if existing is not None:
        return see_other(f"/portal/relief/{existing.id}")
    return page(
        request,
        "portal/relief_start.html",
        {"loan": loan, "reasons": REASONS, "form": {}},
        section="/portal/",
    )


@router.post("/loans/{loan_id}/relief/options", include_in_schema=False)
def relief_options_page(
    request: Request,
    loan_id: str,
    reason: Text = "",
    distress: Text = "",
    income: Text = "",
    expenditure: Text = "",
    months: Text = "",
    distress_reported: Text = "",
    principal: Principal = require(Permission.PORTAL),
    db: Session = SessionDep,
) -> Response:
    """Step 2: every option for this loan with its schedule, total and treatment of fees and interest."""
    _ = translator(request)
    bid = borrower_id(principal)
    loan = own_loan(db, bid, loan_id)
    form = {
        "reason": reason,
        "distress": distress,
        "income": income,
        "expenditure": expenditure,
        "months": months,
    }
    errors: dict[str, str] = {}
    if reason not in REASONS:
        errors["reason"] = _("Choose the reason closest to your situation.")
    amounts: dict[str, int] = {}
    for field, raw in (("income", income), ("expenditure", expenditure)):
        try:
            amounts[field] = relief.money_minor(raw, loan.currency, field)
        except ValidationError:
            errors[field] = _("Enter an amount such as 3500 or 3500.00.")
    requested = int(months) if months.isdigit() and 0 < int(months) <= 600 else None
    if errors:
        ctx = {"loan": loan, "reasons": REASONS, "form": form, "errors": errors}
        return page(request, "portal/relief_start.html", ctx, status_code=422, section="/portal/")
    in_distress = distress == "yes" or reason in DISTRESS_REASONS
    if in_distress and not distress_reported:
        relief.report_distress(db, borrower_id=bid, actor=principal.actor, source="relief wizard")
    on = today(request)
    priced = relief.price(
        db,
        loan=loan,
        on=on,
        income_minor=amounts["income"],
        expenditure_minor=amounts["expenditure"],
        requested_months=requested,
    )
    ctx = {
        "loan": loan,
        "form": form,
        "priced": priced,
        "owed_total": sum(i.outstanding_total for i in priced.state.instalments),
        "distress": in_distress,
        "surplus": amounts["income"] - amounts["expenditure"],
    }
    return page(request, "portal/relief_options.html", ctx, section="/portal/")


@router.post("/loans/{loan_id}/relief/apply", include_in_schema=False)
def relief_apply(
    request: Request,
    loan_id: str,
    kind: Text = "",
    reason: Text = "",
    distress: Text = "",
    income: Text = "",
    expenditure: Text = "",
    months: Text = "",
    principal: Principal = require(Permission.PORTAL),
    db: Session = SessionDep,
) -> Response:
    bid = borrower_id(principal)
    loan = own_loan(db, bid, loan_id)
    app = relief.apply(
        db,
        borrower_id=bid,
        loan=loan,
        reason=reason,
        distress=distress == "yes",
        income_minor=relief.money_minor(income, loan.currency, "income"),
        expenditure_minor=relief.money_minor(expenditure, loan.currency, "expenditure"),
        kind=kind,
        on=today(request),
        actor=principal.actor,
        requested_months=int(months) if months.isdigit() and kind == "instalment_plan" else None,
        distress_reported=True,
    )
    return see_other(f"/portal/relief/{app.id}")


def _agreement(request: Request, db: Session, app: ReliefApplication) -> bytes:
    loan = own_loan(db, app.borrower_id, app.loan_id)
    view = loan_view(db, loan, app.on_date)
    borrower = db.get(Borrower, app.borrower_id)
    name = borrower.name if borrower else ""
    lender = request.app.state.settings.lender_name
    return agreement_pdf(app, view, name, translator(request, markup=False), formatter(request), lender)


@router.get("/relief/{app_id}", include_in_schema=False)
def relief_status(
    request: Request,
    app_id: str,
    sent: str = "",
    principal: Principal = require(Permission.PORTAL),
    db: Session = SessionDep,
) -> Response:
    app = _own_app(db, borrower_id(principal), app_id)
    on = today(request)
    state = ledger.loan_state(db, app.loan_id, on)
    status = relief.plan_status(app, state, on) if app.status == "signed" else None
    grace_until = status.due_date + timedelta(days=app.grace_days) if status and status.due_date else None
    ctx = {"app": app, "plan": relief.plan_of(app), "waivers": relief.waivers_of(app), "state": state,
           "plan_state": status, "sent": sent == "1", "grace_until": grace_until}  # fmt: skip
    return page(request, "portal/relief_status.html", ctx, section="/portal/")


@router.post("/relief/{app_id}/code", include_in_schema=False)
def relief_code(
    request: Request, app_id: str, principal: Principal = require(Permission.PORTAL), db: Session = SessionDep
) -> Response:
    app = _own_app(db, borrower_id(principal), app_id)
    otp.issue(
        db,
        borrower_id=app.borrower_id,
        purpose="sign_plan",
        subject_id=app.id,
        provider=provider_for(request),
        lender=request.app.state.settings.lender_name,
    )
    return see_other(f"/portal/relief/{app.id}?sent=1")


@router.post("/relief/{app_id}/sign", include_in_schema=False)
def relief_sign(
    request: Request,
    app_id: str,
    typed_name: Annotated[str, Form(max_length=200)] = "",
    code: Text = "",
    principal: Principal = require(Permission.PORTAL),
    db: Session = SessionDep,
) -> Response:
    _ = translator(request)
    bid = borrower_id(principal)
    app = _own_app(db, bid, app_id)
    pdf = _agreement(request, db, app)
    ok = otp.verify(db, borrower_id=bid, purpose="sign_plan", code=code, subject_id=app.id)
    try:
        relief.sign(
            db, application_id=app.id, borrower_id=bid, typed_name=typed_name, code_ok=ok, agreement_pdf=pdf,
            actor=principal.actor,
        )  # fmt: skip
    except ValidationError as exc:
        state = ledger.loan_state(db, app.loan_id, today(request))
        message = (
            _("Type your full name exactly as on your loan contract.")
            if exc.field == "typed_name"
            else _("That code is wrong or has expired. Ask for a new one.")
        )
        ctx = {"app": app, "plan": relief.plan_of(app), "waivers": relief.waivers_of(app), "state": state,
               "plan_state": None, "error": message, "typed_name": typed_name}  # fmt: skip
        return page(request, "portal/relief_status.html", ctx, status_code=422, section="/portal/")
    return see_other(f"/portal/relief/{app.id}")


@router.get("/relief/{app_id}/agreement.pdf", include_in_schema=False)
def relief_agreement(
    request: Request, app_id: str, principal: Principal = require(Permission.PORTAL), db: Session = SessionDep
) -> Response:
    """The signed agreement as stored (its SHA-256 is in the audit log), or the draft to read before signing."""
    app = _own_app(db, borrower_id(principal), app_id)
    pdf = app.agreement_pdf if app.agreement_pdf else _agreement(request, db, app)
    return Response(
        pdf,
        media_type="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="agreement-{app.id}.pdf"',
            "Cache-Control": "no-store",
        },
    )
