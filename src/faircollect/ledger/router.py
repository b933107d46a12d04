"""Ledger HTTP routes (mounted under /v1). Every route declares its permission; every write is audited by the
service with the signed-in identity as its actor. Scoped callers (agents, agency agents) read only the loans and
borrowers of their cases."""

from __future__ import annotations

from datetime import date
from typing import Any

from fastapi import APIRouter, Header, Query, Request, Response
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from faircollect.api.deps import Permission, Principal, SessionDep, require
from faircollect.collections import access
from faircollect.identity.ratelimit import app_rate_limits
from faircollect.identity.reveal import authorise_reveal
from faircollect.kit.errors import NotFound, ValidationError
from faircollect.kit.money import to_minor
from faircollect.kit.types import MAX_OFFSET
from faircollect.ledger import repository as repo
from faircollect.ledger import service
from faircollect.ledger.schemas import (
    AddressImportIn,
    AddressImportOut,
    AddressIn,
    BookingOut,
    BorrowerIn,
    BorrowerOut,
    BucketHistoryOut,
    CollectableOut,
    ContactIn,
    ContactOut,
    DisburseIn,
    EntryOut,
    LoanIn,
    LoanOut,
    LoanStateOut,
    PauseIn,
    PaymentIn,
    ProductIn,
    ProductOut,
    ProductVersionIn,
    ProductVersionOut,
    ReversalIn,
    ScheduleOut,
    WaiverIn,
    WriteOffIn,
)

router = APIRouter(tags=["ledger"])


def _loan(session: Session, loan_id: str) -> LoanOut:
    loan = repo.get_loan(session, loan_id)
    if loan is None:
        raise NotFound(f"no loan {loan_id}", field="loan_id")
    return LoanOut.of(loan)


def _currency_of(session: Session, loan_id: str) -> str:
    return _loan(session, loan_id).currency


def _booked(response: Response, booking: service.Booking) -> BookingOut:
    response.status_code = 201 if booking.created else 200
    return BookingOut.of(booking)


# --- products ---------------------------------------------------------------------------------------------


@router.post("/products", status_code=201, response_model=ProductOut)
def create_product(
    body: ProductIn, session: Session = SessionDep, principal: Principal = require(Permission.PRODUCT_WRITE)
) -> ProductOut:
    """Create a product (version 1). Terms above the jurisdiction's cost cap are refused with an explanation."""
    v = service.create_product(
        session,
        code=body.code,
        name=body.name,
        currency=body.currency,
        terms=body.terms,
        jurisdiction=body.jurisdiction,
        actor=principal.actor,
    )
    p = repo.get_product(session, v.product_id)
    assert p is not None
    return ProductOut.of(p, [v])


@router.get("/products", response_model=list[ProductOut])
def list_products(
    session: Session = SessionDep, principal: Principal = require(Permission.PRODUCT_READ)
) -> list[ProductOut]:
    return [ProductOut.of(p, list(repo.product_versions(session, p.id))) for p in repo.list_products(session)]


@router.get("/products/{product_id}", response_model=ProductOut)
def get_product(
    product_id: str, session: Session = SessionDep, principal: Principal = require(Permission.PRODUCT_READ)
) -> ProductOut:
    p = repo.get_product(session, product_id)
    if p is None:
        raise NotFound(f"no product {product_id}", field="product_id")
    return ProductOut.of(p, list(repo.product_versions(session, p.id)))


@router.post("/products/{product_id}/versions", status_code=201, response_model=ProductVersionOut)
def new_product_version(
    product_id: str,
    body: ProductVersionIn,
    session: Session = SessionDep,
    principal: Principal = require(Permission.PRODUCT_WRITE),
) -> ProductVersionOut:
    """Add a version of the product's default terms; existing loans keep the version they were made on."""
    return ProductVersionOut.of(
        service.new_product_version(session, product_id=product_id, terms=body.terms, actor=principal.actor)
    )


# --- borrowers --------------------------------------------------------------------------------------------


@router.post("/borrowers", status_code=201, response_model=BorrowerOut)
def create_borrower(
    body: BorrowerIn, session: Session = SessionDep, principal: Principal = require(Permission.BORROWER_WRITE)
) -> BorrowerOut:
    """Register a borrower and their guarantors / joint debtors / registered contacts. Output is masked."""
    b = service.create_borrower(
        session,
        name=body.name,
        phone=body.phone,
        email=body.email,
        id_number=body.id_number,
        timezone=body.timezone,
        jurisdiction=body.jurisdiction,
        language=body.language,
        external_ref=body.external_ref,
        actor=principal.actor,
        address=body.address,
    )
    contacts = [
        service.add_contact(
            session,
            borrower_id=b.id,
            role=c.role,
            name=c.name,
            phone=c.phone,
            email=c.email,
            loan_id=c.loan_id,
            actor=principal.actor,
        )
        for c in body.contacts
    ]
    return BorrowerOut.of(b, contacts)


@router.put("/borrowers/{borrower_id}/address", response_model=BorrowerOut)
def set_address(
    borrower_id: str,
    body: AddressIn,
    session: Session = SessionDep,
    principal: Principal = require(Permission.BORROWER_WRITE),
) -> BorrowerOut:
    """Set (or clear with null) the borrower's postal address for letters; sealed at rest, audited; output masked."""
    from faircollect.ledger import addresses

    access.ensure_borrower_visible(session, principal, borrower_id)
    b = addresses.set_address(session, borrower_id=borrower_id, address=body.address, actor=principal.actor)
    return BorrowerOut.of(b, list(repo.contacts_of(session, b.id)))


@router.post("/borrowers/addresses", response_model=AddressImportOut)
def import_addresses(
    body: AddressImportIn,
    session: Session = SessionDep,
    principal: Principal = require(Permission.BORROWER_WRITE),
) -> AddressImportOut:
    """Postal addresses for many borrowers (by ``borrower_ref`` or ``borrower_id``): all rows are checked before any
    is written (an error names the row and field); addresses already on file are left alone, so a re-run writes
    nothing."""
    from faircollect.ledger import addresses

    changed, unchanged = addresses.import_addresses(
        session, [r.model_dump() for r in body.rows], actor=principal.actor, file="rows"
    )
    return AddressImportOut(changed=changed, unchanged=unchanged)


@router.get("/borrowers", response_model=list[BorrowerOut])
def find_borrowers(
    phone: str | None = Query(None, description="Exact phone number (any format; normalised to E.164)"),
    id_number: str | None = Query(None, description="Exact national ID number"),
    external_ref: str | None = Query(None, description="The lender's own reference"),
    jurisdiction: str | None = Query(None, description="Reads a national phone number in this country"),
    session: Session = SessionDep,
    principal: Principal = require(Permission.BORROWER_READ),
) -> list[BorrowerOut]:
    """Exact lookup (every criterion given must match). Personal data is encrypted at rest; phone and ID are
    matched through keyed blind indexes. Output is masked."""
    found = service.find_borrowers(
        session, phone=phone, id_number=id_number, external_ref=external_ref, jurisdiction=jurisdiction
    )
    visible = []
    for b in found:  # a scoped caller (an agent) finds only the borrowers of its own cases
        try:
            access.ensure_borrower_visible(session, principal, b.id)
        except NotFound:
            continue
        visible.append(b)
    return [BorrowerOut.of(b, list(repo.contacts_of(session, b.id))) for b in visible]


@router.get("/borrowers/{borrower_id}", response_model=BorrowerOut)
def get_borrower(
    borrower_id: str,
    session: Session = SessionDep,
    principal: Principal = require(Permission.BORROWER_READ),
) -> BorrowerOut:
    """A borrower and their contacts, masked (``POST …/reveal`` with a reason shows them in full)."""
    access.ensure_borrower_visible(session, principal, borrower_id)
    b = repo.get_borrower(session, borrower_id)
    if b is None:
        raise NotFound(f"no borrower {borrower_id}", field="borrower_id")
    return BorrowerOut.of(b, list(repo.contacts_of(session, b.id)), reveal=False)


class RevealIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=1, max_length=500, description="Why the full data is needed (audited).")


@router.post("/borrowers/{borrower_id}/reveal", response_model=BorrowerOut)
def reveal_borrower(
    borrower_id: str,
    body: RevealIn,
    request: Request,
    session: Session = SessionDep,
    principal: Principal = require(Permission.BORROWER_REVEAL),
) -> BorrowerOut:
    """The borrower's personal data unmasked: needs a reason, is audited and is rate-limited per user (429)."""
    access.ensure_borrower_visible(session, principal, borrower_id)
    b = repo.get_borrower(session, borrower_id)
    if b is None:
        raise NotFound(f"no borrower {borrower_id}", field="borrower_id")
    authorise_reveal(
        session,
        principal,
        subject_type="borrower",
        subject_id=b.id,
        reason=body.reason,
        limits=app_rate_limits(request),
        per_hour=request.app.state.settings.reveal_per_hour,
    )
    return BorrowerOut.of(b, list(repo.contacts_of(session, b.id)), reveal=True)


@router.get("/borrowers/{borrower_id}/export")
def export_borrower(
    borrower_id: str,
    request: Request,
    reason: str = Query(
        ...,
        min_length=1,
        max_length=500,
        description="Why (e.g. the subject-access request's reference); audited.",
    ),
    session: Session = SessionDep,
    principal: Principal = require(Permission.BORROWER_REVEAL),
) -> dict[str, Any]:
    """Everything held about a person, machine-readable (PIPL Art. 45, GDPR Art. 15): every row about the
    borrower, their loans and contacts, messages with their texts, attempts, preferences and the audit records
    about them, personal data opened. Needs a reason; audited and rate-limited like a reveal."""
    from faircollect.privacy.export import export_borrower as export

    access.ensure_borrower_visible(session, principal, borrower_id)
    if repo.get_borrower(session, borrower_id) is None:
        raise NotFound(f"no borrower {borrower_id}", field="borrower_id")
    authorise_reveal(
        session,
        principal,
        subject_type="borrower",
        subject_id=borrower_id,
        reason=f"subject-access export: {reason}",
        limits=app_rate_limits(request),
        per_hour=request.app.state.settings.reveal_per_hour,
    )
    return export(session, borrower_id)


@router.post("/borrowers/{borrower_id}/contacts", status_code=201, response_model=ContactOut)
def add_contact(
    borrower_id: str,
    body: ContactIn,
    session: Session = SessionDep,
    principal: Principal = require(Permission.BORROWER_WRITE),
) -> ContactOut:
    """Register a guarantor, joint debtor or borrower-registered contact (never an address book). Masked."""
    c = service.add_contact(
        session,
        borrower_id=borrower_id,
        role=body.role,
        name=body.name,
        phone=body.phone,
        email=body.email,
        loan_id=body.loan_id,
        actor=principal.actor,
    )
    return ContactOut.of(c, reveal=False)


# --- loans ------------------------------------------------------------------------------------------------


@router.post("/loans", status_code=201, response_model=LoanOut)
def create_loan(
    body: LoanIn, session: Session = SessionDep, principal: Principal = require(Permission.LOAN_WRITE)
) -> LoanOut:
    """Record a loan application (approve=true approves it at once). Cost caps are checked first."""
    version_id = body.product_version_id
    if body.product_code:
        product = repo.product_by_code(session, body.product_code)
        if product is None:
            raise NotFound(f"no product {body.product_code!r}", field="product_code")
        latest = repo.latest_product_version(session, product.id)
        version_id = latest.id if latest else None
    loan = service.create_loan(
        session,
        borrower_id=body.borrower_id,
        terms=body.terms,
        product_version_id=version_id,
        external_ref=body.external_ref,
        bucket_set=body.bucket_set,
        approve=body.approve,
        actor=principal.actor,
    )
    return LoanOut.of(loan)


@router.get("/loans", response_model=list[LoanOut])
def list_loans(
    borrower_id: str | None = None,
    status: str | None = Query(None, description="application | approved | active | closed | written_off"),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
    session: Session = SessionDep,
    principal: Principal = require(Permission.LOAN_READ),
) -> list[LoanOut]:
    """Loans by borrower and status. Agents and agency agents must name a borrower of one of their cases and get
    the loans of their own cases only."""
    if not access.is_whole_book(principal):
        if not borrower_id:
            raise ValidationError(
                "give borrower_id: you see the loans of your own cases only", field="borrower_id"
            )
        access.ensure_borrower_visible(session, principal, borrower_id)
    loans = repo.list_loans(
        session, statuses=[status] if status else None, borrower_id=borrower_id, limit=limit, offset=offset
    )
    if borrower_id and (visible := access.visible_loan_ids(session, principal, borrower_id)) is not None:
        loans = [ln for ln in loans if ln.id in visible]  # as GET /v1/loans/{id}: only the loans of own cases
    return [LoanOut.of(ln) for ln in loans]


@router.get("/loans/{loan_id}", response_model=LoanOut)
def get_loan(
    loan_id: str, session: Session = SessionDep, principal: Principal = require(Permission.LOAN_READ)
) -> LoanOut:
    access.ensure_loan_visible(session, principal, loan_id)
    return _loan(session, loan_id)


@router.post("/loans/{loan_id}/approve", response_model=LoanOut)
def approve_loan(
    loan_id: str, session: Session = SessionDep, principal: Principal = require(Permission.LOAN_WRITE)
) -> LoanOut:
    return LoanOut.of(service.approve_loan(session, loan_id=loan_id, actor=principal.actor))


@router.post("/loans/{loan_id}/disbursements", status_code=201, response_model=BookingOut)
def disburse(
    loan_id: str,
    body: DisburseIn,
    response: Response,
    session: Session = SessionDep,
    principal: Principal = require(Permission.LOAN_WRITE),
) -> BookingOut:
    """Pay out a tranche (default: the next planned one); the first makes the loan active."""
    amount = to_minor(body.amount, _currency_of(session, loan_id)) if body.amount is not None else None
    booking = service.disburse(
        session, loan_id=loan_id, date=body.date, amount_minor=amount, key=body.key, actor=principal.actor
    )
    return _booked(response, booking)


@router.post("/loans/{loan_id}/payments", status_code=201, response_model=BookingOut)
def post_payment(
    loan_id: str,
    body: PaymentIn,
    response: Response,
    idempotency_key: str | None = Header(default=None, alias="Idempotency-Key"),
    session: Session = SessionDep,
    principal: Principal = require(Permission.PAYMENT_POST),
) -> BookingOut:
    """Book a payment. 201 when booked; 200 with the original booking when the key was already used identically;
    409 when the key was used with other content."""
    if idempotency_key and body.key and idempotency_key != body.key:
        raise ValidationError("the Idempotency-Key header and the body's key differ", field="key")
    key = idempotency_key or body.key
    if not key:
        raise ValidationError(
            "an idempotency key is required (Idempotency-Key header or body key)", field="key"
        )
    booking = service.post_payment(
        session,
        loan_id=loan_id,
        key=key,
        date=body.date,
        amount_minor=to_minor(body.amount, body.currency),
        currency=body.currency,
        prepayment=body.prepayment,
        actor=principal.actor,
    )
    return _booked(response, booking)


@router.post("/loans/{loan_id}/payments/{payment_key}/reversal", status_code=201, response_model=BookingOut)
def reverse_payment(
    loan_id: str,
    payment_key: str,
    body: ReversalIn,
    response: Response,
    session: Session = SessionDep,
    principal: Principal = require(Permission.LOAN_ADJUST),
) -> BookingOut:
    booking = service.reverse_payment(
        session, loan_id=loan_id, payment_key=payment_key, date=body.date, key=body.key, actor=principal.actor
    )
    return _booked(response, booking)


@router.post("/loans/{loan_id}/waivers", status_code=201, response_model=BookingOut)
def waive(
    loan_id: str,
    body: WaiverIn,
    response: Response,
    session: Session = SessionDep,
    principal: Principal = require(Permission.LOAN_ADJUST),
) -> BookingOut:
    booking = service.waive(
        session,
        loan_id=loan_id,
        key=body.key,
        date=body.date,
        component=body.component,
        amount_minor=to_minor(body.amount, _currency_of(session, loan_id)),
        actor=principal.actor,
    )
    return _booked(response, booking)


@router.post("/loans/{loan_id}/pauses", status_code=201, response_model=BookingOut)
def pause(
    loan_id: str,
    body: PauseIn,
    response: Response,
    session: Session = SessionDep,
    principal: Principal = require(Permission.LOAN_ADJUST),
) -> BookingOut:
    booking = service.pause(
        session, loan_id=loan_id, key=body.key, start=body.start, end=body.end, actor=principal.actor
    )
    return _booked(response, booking)


@router.post("/loans/{loan_id}/write-off", status_code=201, response_model=BookingOut)
def write_off(
    loan_id: str,
    body: WriteOffIn,
    response: Response,
    session: Session = SessionDep,
    principal: Principal = require(Permission.LOAN_WRITE_OFF),
) -> BookingOut:
    booking = service.write_off(session, loan_id=loan_id, key=body.key, date=body.date, actor=principal.actor)
    return _booked(response, booking)


@router.get("/loans/{loan_id}/state", response_model=LoanStateOut)
def loan_state(
    loan_id: str,
    as_of: date = Query(description="Business date (YYYY-MM-DD)"),
    session: Session = SessionDep,
    principal: Principal = require(Permission.LOAN_READ),
) -> LoanStateOut:
    """The loan's state on ``as_of``, replayed from its terms and events: days past due, bucket, overdue amounts."""
    access.ensure_loan_visible(session, principal, loan_id)
    return LoanStateOut.of(loan_id, service.loan_state(session, loan_id, as_of))


@router.get("/loans/{loan_id}/collectable", response_model=CollectableOut)
def loan_collectable(
    loan_id: str,
    as_of: date = Query(description="Business date (YYYY-MM-DD)"),
    session: Session = SessionDep,
    principal: Principal = require(Permission.LOAN_READ),
) -> CollectableOut:
    """How much of the overdue balance may lawfully be demanded, with what was excluded and why."""
    access.ensure_loan_visible(session, principal, loan_id)
    c = service.collectable(session, loan_id, as_of)
    return CollectableOut(loan_id=loan_id, **c.as_json())


@router.get("/loans/{loan_id}/schedule", response_model=ScheduleOut)
def loan_schedule(
    loan_id: str, session: Session = SessionDep, principal: Principal = require(Permission.LOAN_READ)
) -> ScheduleOut:
    access.ensure_loan_visible(session, principal, loan_id)
    return ScheduleOut.of(service.loan_schedule(session, loan_id))


@router.get("/loans/{loan_id}/entries", response_model=list[EntryOut])
def loan_entries(
    loan_id: str, session: Session = SessionDep, principal: Principal = require(Permission.LOAN_READ)
) -> list[EntryOut]:
    """Every money movement of the loan (append-only; negative amounts undo earlier ones)."""
    access.ensure_loan_visible(session, principal, loan_id)
    _loan(session, loan_id)
    return [EntryOut.of(e) for e in repo.entries_of(session, loan_id)]


@router.get("/loans/{loan_id}/bucket-history", response_model=list[BucketHistoryOut])
def loan_bucket_history(
    loan_id: str, session: Session = SessionDep, principal: Principal = require(Permission.LOAN_READ)
) -> list[BucketHistoryOut]:
    """Every bucket change written by ageing (``faircollect age``)."""
    access.ensure_loan_visible(session, principal, loan_id)
    _loan(session, loan_id)
    return [BucketHistoryOut.of(h) for h in repo.bucket_history_of(session, loan_id)]
