"""Complaints and disputes, contact preferences, help, rights (from the rulebook data), cost calculator, budgeting."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import Annotated

from fastapi import APIRouter, File, Form, Request, UploadFile
from fastapi.responses import Response
from sqlalchemy.orm import Session

from faircollect.api.deps import SessionDep
from faircollect.compliance.rulebook import load_rulebook
from faircollect.identity.dependencies import public, require
from faircollect.identity.permissions import Permission
from faircollect.identity.principal import Principal
from faircollect.kit.errors import ValidationError
from faircollect.ledger import caps
from faircollect.ledger.models import Borrower
from faircollect.ledger.schedule import build_schedule
from faircollect.ledger.terms_json import parse_terms
from faircollect.portal import care
from faircollect.relief.options import load_policy
from faircollect.web.portal.common import borrower_id, page, see_other, signed_in_borrower, today
from faircollect.web.templating import translator

router = APIRouter()
JURISDICTIONS = ("CN", "US", "UK")


def _jurisdiction(db: Session, bid: str | None, asked: str | None = None) -> str:
    if asked in JURISDICTIONS:
        return str(asked)
    if bid:
        b = db.get(Borrower, bid)
        if b is not None and b.jurisdiction in JURISDICTIONS:
            return b.jurisdiction
    return "CN"


def lawful_window(jurisdiction: str) -> tuple[str, str]:
    """The narrowest enabled contact window of the rulebook (CN: 08:00–21:00)."""
    rb = load_rulebook(jurisdiction)
    windows = [
        (str(r.params["start"]), str(r.params["end"]))
        for r in rb.rules
        if r.kind == "quiet_hours" and r.enabled and "start" in r.params
    ]
    if not windows:
        return ("08:00", "21:00")
    return (max(w[0] for w in windows), min(w[1] for w in windows))


@router.get("/complaints", include_in_schema=False)
def complaints(
    request: Request, principal: Principal = require(Permission.PORTAL), db: Session = SessionDep
) -> Response:
    bid = borrower_id(principal)
    j = _jurisdiction(db, bid)
    rows = care.complaints_of(db, bid)
    clocks = care.clocks_of(db, rows)
    ctx = {
        "rows": [(c, clocks[c.id]) for c in rows],
        "attachments": care.attachments_of(db, [c.id for c in rows]),
        "rules": care.clock_rules(j),
        "reasons": care.REASONS,
        "help": care.help_resources(j),
        "jurisdiction": j,
        "form": {},
    }
    return page(request, "portal/complaints.html", ctx, section="/portal/complaints")


@router.post("/complaints", include_in_schema=False)
async def complaint_new(
    request: Request,
    reason: Annotated[str, Form(max_length=40)] = "",
    text: Annotated[str, Form(max_length=8000)] = "",
    attachments: Annotated[list[UploadFile] | None, File()] = None,
    principal: Principal = require(Permission.PORTAL),
    db: Session = SessionDep,
) -> Response:
    _ = translator(request)
    bid = borrower_id(principal)
    uploads = []
    for f in attachments or []:
        data = await f.read(care.MAX_ATTACHMENT + 1)
        uploads.append(care.Upload(f.filename or "file", f.content_type or "", data))
    j = _jurisdiction(db, bid)
    try:
        care.file_complaint(
            db,
            borrower_id=bid,
            jurisdiction=j,
            reason=reason,
            text=text,
            uploads=uploads,
            actor=principal.actor,
        )
    except ValidationError as exc:
        messages = {
            "reason": _("Choose what your complaint is about."),
            "text": _("Tell us what happened (up to 4,000 characters)."),
            "attachments": _("Attach up to 3 files: PDF, JPEG or PNG, 5 MB or smaller each."),
        }
        rows = care.complaints_of(db, bid)
        clocks = care.clocks_of(db, rows)
        ctx = {
            "rows": [(c, clocks[c.id]) for c in rows],
            "attachments": care.attachments_of(db, [c.id for c in rows]),
            "rules": care.clock_rules(j), "reasons": care.REASONS, "help": care.help_resources(j),
            "jurisdiction": j, "form": {"reason": reason, "text": text},
            "error": messages.get(exc.field or "", exc.message),
        }  # fmt: skip
        return page(request, "portal/complaints.html", ctx, status_code=422, section="/portal/complaints")
    return see_other("/portal/complaints?filed=1")


@router.get("/preferences", include_in_schema=False)
def preferences(
    request: Request, principal: Principal = require(Permission.PORTAL), db: Session = SessionDep
) -> Response:
    bid = borrower_id(principal)
    j = _jurisdiction(db, bid)
    ctx = {"prefs": care.current_preferences(db, bid), "channels": [c.value for c in care.PORTAL_CHANNELS],
           "lawful": lawful_window(j), "languages": care.LANGUAGES, "saved": request.query_params.get("saved") == "1"}  # fmt: skip
    return page(request, "portal/preferences.html", ctx, section="/portal/preferences")


@router.post("/preferences", include_in_schema=False)
async def preferences_save(
    request: Request, principal: Principal = require(Permission.PORTAL), db: Session = SessionDep
) -> Response:
    _ = translator(request)
    bid = borrower_id(principal)
    form = await request.form()
    opt_out = {str(v) for v in form.getlist("opt_out")}
    start, end = str(form.get("window_start") or ""), str(form.get("window_end") or "")
    lawful = lawful_window(_jurisdiction(db, bid))
    error = None
    window = (start, end) if start and end else None
    if window and not care.window_within(start, end, lawful):
        error = _("Choose hours inside %(start)s–%(end)s.", start=lawful[0], end=lawful[1])
    if not error:
        try:
            care.save_preferences(
                db, borrower_id=bid, opt_out=opt_out, window=window, stop_contacts=form.get("stop_contacts") == "yes",
                language=str(form.get("language") or "zh-CN"), actor=principal.actor,
            )  # fmt: skip
        except ValidationError as exc:
            error = (
                _("Keep at least one way for us to reach you about your loan.")
                if exc.field == "opt_out"
                else exc.message
            )
    if error:
        ctx = {"prefs": care.current_preferences(db, bid), "channels": [c.value for c in care.PORTAL_CHANNELS],
               "lawful": lawful, "languages": care.LANGUAGES, "error": error, "saved": False}  # fmt: skip
        return page(request, "portal/preferences.html", ctx, status_code=422, section="/portal/preferences")
    return see_other("/portal/preferences?saved=1")


@router.get("/help", dependencies=[public], include_in_schema=False)
async def help_page(request: Request, jurisdiction: str = "", db: Session = SessionDep) -> Response:
    bid = await signed_in_borrower(request)
    j = _jurisdiction(db, bid, jurisdiction or None)
    ctx = {"help": care.help_resources(j), "jurisdiction": j, "jurisdictions": JURISDICTIONS}
    return page(request, "portal/help.html", ctx, signed_in=bid is not None, section="/portal/help")


@router.get("/rights", dependencies=[public], include_in_schema=False)
async def rights(request: Request, jurisdiction: str = "", db: Session = SessionDep) -> Response:
    """Your rights, generated from the rulebook data (hours, frequency, who may be contacted, what is banned)."""
    bid = await signed_in_borrower(request)
    j = _jurisdiction(db, bid, jurisdiction or None)
    rb = load_rulebook(j)
    groups: dict[str, list[object]] = {}
    for r in rb.rules:
        if r.enabled and r.kind != "principle":
            groups.setdefault(r.kind, []).append(r)
    policy = load_policy(j, None)
    ctx = {"groups": groups, "jurisdiction": j, "jurisdictions": JURISDICTIONS, "lawful": lawful_window(j),
           "clock": care.clock_rules(j), "policy": policy, "rulebook": rb}  # fmt: skip
    return page(request, "portal/rights.html", ctx, signed_in=bid is not None, section="/portal/rights")


def _decimal(raw: str) -> Decimal | None:
    try:
        value = Decimal((raw or "").replace(",", "").strip())
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


@router.get("/calculator", dependencies=[public], include_in_schema=False)
async def calculator(
    request: Request,
    principal_amount: str = "",
    rate: str = "",
    months: str = "",
    method: str = "equal_instalment",
) -> Response:
    """The cost of a loan from the cost core: instalments, total interest, nominal / effective annual cost, APR."""
    _ = translator(request)
    bid = await signed_in_borrower(request)
    result = error = None
    if principal_amount or rate or months:
        p, r = _decimal(principal_amount), _decimal(rate)
        n = int(months) if months.isdigit() else 0
        if p is None or not (0 < p <= 10_000_000) or r is None or not (0 <= r <= 100) or not (1 <= n <= 360):
            error = _(
                "Enter an amount up to 10,000,000, a yearly rate between 0 and 100 (%) and 1–360 months."
            )
        elif method not in ("equal_instalment", "equal_principal", "interest_only"):
            error = _("Choose a repayment method.")
        else:
            terms = parse_terms(
                {"principal": f"{p:.2f}", "annual_rate": str(r / 100), "method": method, "term": n,
                 "start_date": today(request).isoformat()}
            )  # fmt: skip
            schedule = build_schedule(terms)
            result = {"schedule": schedule, "cost": caps.all_in_cost(terms), "currency": terms.currency}
    ctx = {"result": result, "error": error,
           "form": {"principal_amount": principal_amount, "rate": rate, "months": months, "method": method}}  # fmt: skip
    return page(
        request, "portal/calculator.html", ctx, signed_in=bid is not None, section="/portal/calculator"
    )


BUDGET_MAX = Decimal(10_000_000)  # a month's income or spending above this is a typo
BUDGET_ITEMS = ("housing", "food", "utilities", "transport", "children", "health", "other_debts", "other")


@router.get("/budget", dependencies=[public], include_in_schema=False)
async def budget(request: Request) -> Response:
    """A budgeting page: what comes in, what must go out, what is left for repayments (nothing is stored)."""
    _ = translator(request)
    bid = await signed_in_borrower(request)
    q = request.query_params
    values: dict[str, Decimal] = {}
    errors: dict[str, str] = {}
    for k in ("income", *BUDGET_ITEMS):
        raw = (q.get(k) or "").strip()
        if not raw:
            continue
        value = _decimal(raw)
        # a typo, a negative amount or an absurd one is said, never silently counted as nothing
        if value is None or value < 0 or value > BUDGET_MAX or value != value.quantize(Decimal("0.01")):
            errors[k] = _("Enter an amount such as 3500 or 3500.00.")
        else:
            values[k] = value
    filled = bool(values) and not errors
    spend = sum((v for k, v in values.items() if k != "income"), Decimal(0))
    income = values.get("income", Decimal(0))
    ctx = {"items": BUDGET_ITEMS, "q": q, "filled": filled, "spend": spend, "income": income,
           "left": income - spend, "errors": errors}  # fmt: skip
    return page(
        request,
        "portal/budget.html",
        ctx,
        signed_in=bid is not None,
        section="/portal/budget",
        status_code=422 if errors else 200,
    )
