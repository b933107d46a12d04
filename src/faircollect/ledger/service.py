"""Ledger operations — the public API: borrowers, products, loans and their events, stored and audited.

Functions are keyword-only and never commit. Each validates first, writes second, and appends to the audit log in
the caller's transaction. A loan's state is always replayed (``ledger.replay``) from its stored terms and events.
Booking events (payments, reversals, waivers, pauses, write-offs, disbursements) and ageing live in
``ledger.booking`` and are re-exported here: writers to one loan take its row lock first, so two processes never
double count, and ``ledger_entry`` rows are the replay's postings written down as append-only deltas.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from faircollect.config import get_settings
from faircollect.kit.errors import Conflict, NotFound, ValidationError
from faircollect.kit.ids import new_id
from faircollect.kit.money import check_currency, format_minor
from faircollect.kit.time import utc_now, zone
from faircollect.ledger import caps
from faircollect.ledger import repository as repo
from faircollect.ledger.allocation import waterfall_from_json
from faircollect.ledger.booking import (  # event booking lives in booking.py; this module is the public API
    POSTING_KINDS,
    Allocation,
    Booking,
    BucketChange,
    age_loans,
    audit_change,
    contract_terms,
    core_events,
    disburse,
    disbursed_tranches,
    effective_terms,
    loan_states,
    locked_loan,
    pause,
    post_payment,
    replay_loan,
    restructure,
    reverse_payment,
    to_core_event,
    waive,
    write_off,
)
from faircollect.ledger.buckets import BUCKET_SETS
from faircollect.ledger.models import (
    CONTACT_ROLES,
    Borrower,
    BorrowerContact,
    Loan,
    Product,
    ProductVersion,
)
from faircollect.ledger.schedule import build_schedule
from faircollect.ledger.terms_json import parse_terms, terms_to_json
from faircollect.ledger.types import (
    LoanState,
    LoanTerms,
    Schedule,
)
from faircollect.privacy import normalise_phone

__all__ = [
    "POSTING_KINDS",
    "Allocation",
    "Booking",
    "BucketChange",
    "add_contact",
    "age_loans",
    "approve_loan",
    "collectable",
    "contract_terms",
    "core_events",
    "create_borrower",
    "create_loan",
    "create_product",
    "disburse",
    "disbursed_tranches",
    "effective_terms",
    "loan_schedule",
    "loan_state",
    "loan_states",
    "new_product_version",
    "pause",
    "post_payment",
    "resolve_terms",
    "restructure",
    "reverse_payment",
    "split_waterfall",
    "to_core_event",
    "waive",
    "write_off",
]

#: Placeholders used only to check a product's default terms against the caps (a product has no principal).
_PRODUCT_CHECK_PRINCIPAL = "10000.00"


# --- borrowers --------------------------------------------------------------------------------------------


def _checked_email(email: str | None) -> str | None:
    """An e-mail address trimmed, or a ValidationError; the full syntax is the mail provider's to judge."""
    if email is None or not email.strip():
        return None
    text = email.strip()
    local, at, domain = text.rpartition("@")
    if not at or not local or "." not in domain or any(ch.isspace() for ch in text):
        raise ValidationError(f"not an e-mail address: {text!r}", field="email")
    return text


def find_borrowers(
    session: Session,
    *,
    phone: str | None = None,
    id_number: str | None = None,
    external_ref: str | None = None,
    jurisdiction: str | None = None,
) -> list[Borrower]:
    """Exact lookup by phone, ID number and/or external reference (all given must match), via blind indexes."""
    if not (phone or id_number or external_ref):
        raise ValidationError("give phone, id_number or external_ref to look a borrower up", field="phone")
    if phone:
        phone = normalise_phone(
            phone, jurisdiction=jurisdiction or get_settings().jurisdiction, field="phone"
        )
    return list(repo.find_borrowers(session, phone=phone, id_number=id_number, external_ref=external_ref))


def create_borrower(
    session: Session,
    *,
    name: str,
    phone: str | None = None,
    email: str | None = None,
    id_number: str | None = None,
    timezone: str | None = None,
    jurisdiction: str = "CN",
    language: str = "zh-CN",
    external_ref: str | None = None,
    actor: str = "system",
    address: str | None = None,
) -> Borrower:
    """Register a borrower. ``timezone`` is IANA (None = unknown: contact rules then take the strictest zone);
    ``address`` is the postal address for letters (``ledger.addresses``), sealed like the other personal fields."""
    from faircollect.ledger.addresses import check_address

    if not name or not name.strip():
        raise ValidationError("a borrower needs a name", field="name")
    if timezone is not None:
        zone(timezone)
    phone = normalise_phone(phone, jurisdiction=jurisdiction, field="phone") if phone else None
    email = _checked_email(email)
    if external_ref is not None and repo.borrower_by_ref(session, external_ref) is not None:
        raise Conflict(f"a borrower with external_ref {external_ref!r} exists", field="external_ref")
    b = Borrower(
        id=new_id("bor"),
        external_ref=external_ref,
        name=name.strip(),
        phone=phone,
        email=email,
        id_number=id_number,
        address=check_address(address),
        timezone=timezone,
        jurisdiction=jurisdiction.upper(),
        language=language,
        created_at=utc_now(),
    )
    repo.add_all(session, [b])
    audit_change(
        session, actor=actor, action="ledger.borrower.created", subject_type="borrower", subject_id=b.id
    )
    return b


def add_contact(
    session: Session,
    *,
    borrower_id: str,
    role: str,
    name: str,
    phone: str | None = None,
    email: str | None = None,
    loan_id: str | None = None,
    actor: str = "system",
) -> BorrowerContact:
    """Register a guarantor, joint debtor or borrower-registered contact. There is no address book."""
    if role not in CONTACT_ROLES:
        raise ValidationError(f"role must be one of {', '.join(CONTACT_ROLES)}, got {role!r}", field="role")
    borrower = repo.get_borrower(session, borrower_id)
    if borrower is None:
        raise NotFound(f"no borrower {borrower_id}", field="borrower_id")
    phone = normalise_phone(phone, jurisdiction=borrower.jurisdiction, field="phone") if phone else None
    email = _checked_email(email)
    c = BorrowerContact(
        id=new_id("bct"),
        borrower_id=borrower_id,
        loan_id=loan_id,
        role=role,
        name=name,
        phone=phone,
        email=email,
        created_at=utc_now(),
    )
    repo.add_all(session, [c])
    audit_change(
        session,
        actor=actor,
        action="ledger.contact.added",
        subject_type="borrower",
        subject_id=borrower_id,
        contact_id=c.id,
        role=role,
    )
    return c


# --- products ---------------------------------------------------------------------------------------------


def split_waterfall(terms: Mapping[str, Any]) -> tuple[dict[str, Any], dict[str, Any] | None]:
    """Take the optional ``waterfall`` (a name from ``allocation.WATERFALLS`` or ``{"order", "style"}``) out of a
    terms object; return the rest and the waterfall in its normalised object form (None = the default)."""
    rest = dict(terms)
    raw = rest.pop("waterfall", None)
    if raw is None:
        return rest, None
    try:
        w = waterfall_from_json(raw)
    except ValidationError as exc:
        raise ValidationError(exc.message, field="terms.waterfall") from exc
    return rest, {"order": [c.value for c in w.order], "style": w.style.value}


def _check_product_terms(terms: Mapping[str, Any], currency: str, jurisdiction: str) -> dict[str, Any]:
    """Parse a product's default terms with placeholder principal/start date and check them against the caps."""
    probe, _waterfall = split_waterfall(terms)
    probe["currency"] = currency
    if "principal" not in probe and "disbursements" not in probe:
        probe["principal"] = _PRODUCT_CHECK_PRINCIPAL
    probe.setdefault("start_date", utc_now().date().isoformat())
    parsed = parse_terms(probe, where="terms")
    caps.check_terms(parsed, jurisdiction)
    out = dict(terms)
    out["currency"] = currency
    return out


def create_product(
    session: Session,
    *,
    code: str,
    name: str,
    currency: str,
    terms: Mapping[str, Any],
    jurisdiction: str = "CN",
    actor: str = "system",
) -> ProductVersion:
    """Create a product and its version 1. Terms breaking the jurisdiction's cost caps are refused (CapExceeded)."""
    currency = check_currency(currency)
    if not code or not code.strip():
        raise ValidationError("a product needs a code", field="code")
    defaults = _check_product_terms(terms, currency, jurisdiction)
    if repo.product_by_code(session, code) is not None:
        raise Conflict(f"product code {code!r} exists; add a version instead", field="code")
    p = Product(
        id=new_id("prd"),
        code=code,
        name=name,
        currency=currency,
        jurisdiction=jurisdiction.upper(),
        created_at=utc_now(),
    )
    v = ProductVersion(id=new_id("prv"), product_id=p.id, version=1, terms=defaults, created_at=utc_now())
    repo.add_all(session, [p])
    repo.add_all(session, [v])
    audit_change(
        session,
        actor=actor,
        action="ledger.product.created",
        subject_type="product",
        subject_id=p.id,
        code=code,
        version=1,
        terms=defaults,
    )
    return v


def new_product_version(
    session: Session, *, product_id: str, terms: Mapping[str, Any], actor: str = "system"
) -> ProductVersion:
    """Add a version with new default terms; loans already made keep theirs."""
    p = repo.get_product(session, product_id)
    if p is None:
        raise NotFound(f"no product {product_id}", field="product_id")
    defaults = _check_product_terms(terms, p.currency, p.jurisdiction)
    latest = repo.latest_product_version(session, product_id)
    version = (latest.version if latest else 0) + 1
    v = ProductVersion(
        id=new_id("prv"), product_id=p.id, version=version, terms=defaults, created_at=utc_now()
    )
    repo.add_all(session, [v])
    audit_change(
        session,
        actor=actor,
        action="ledger.product.versioned",
        subject_type="product",
        subject_id=p.id,
        version=version,
        terms=defaults,
    )
    return v


# --- loans ------------------------------------------------------------------------------------------------


def resolve_terms(
    session: Session, *, product_version_id: str | None, terms: Mapping[str, Any]
) -> tuple[LoanTerms, ProductVersion | None, str, dict[str, Any] | None]:
    """A loan's terms = its product version's defaults overlaid with the loan's own fields.

    Returns the parsed terms, the product version, the jurisdiction and the allocation waterfall (None = default).
    """
    version = None
    merged: dict[str, Any] = {}
    jurisdiction = "CN"
    if product_version_id is not None:
        version = repo.get_product_version(session, product_version_id)
        if version is None:
            raise NotFound(f"no product version {product_version_id}", field="product_version_id")
        product = repo.get_product(session, version.product_id)
        assert product is not None
        jurisdiction = product.jurisdiction
        merged.update(version.terms)
        if "currency" in terms and check_currency(str(terms["currency"])) != product.currency:
            raise ValidationError(
                f"currency {terms['currency']} differs from the product's {product.currency}",
                field="terms.currency",
            )
    if "principal" in terms or "disbursements" in terms:
        merged.pop("principal", None)
        merged.pop("disbursements", None)
    merged.update(terms)
    rest, waterfall = split_waterfall(merged)
    return parse_terms(rest, where="terms"), version, jurisdiction, waterfall


def create_loan(
    session: Session,
    *,
    borrower_id: str,
    terms: Mapping[str, Any],
    product_version_id: str | None = None,
    external_ref: str | None = None,
    jurisdiction: str | None = None,
    bucket_set: str = "cn",
    approve: bool = False,
    actor: str = "system",
) -> Loan:
    """Record a loan application (optionally approved at once). Terms are checked against the caps first."""
    if repo.get_borrower(session, borrower_id) is None:
        raise NotFound(f"no borrower {borrower_id}", field="borrower_id")
    if bucket_set not in BUCKET_SETS:
        raise ValidationError(
            f"unknown bucket set {bucket_set!r}; known: {', '.join(BUCKET_SETS)}", field="bucket_set"
        )
    parsed, version, product_jurisdiction, waterfall = resolve_terms(
        session, product_version_id=product_version_id, terms=terms
    )
    juris = (jurisdiction or product_jurisdiction).upper()
    caps.check_terms(parsed, juris)
    if external_ref is not None and repo.loan_by_ref(session, external_ref) is not None:
        raise Conflict(f"a loan with external_ref {external_ref!r} exists", field="external_ref")
    now = utc_now()
    loan = Loan(
        id=new_id("loan"),
        external_ref=external_ref,
        borrower_id=borrower_id,
        product_version_id=version.id if version else None,
        terms=terms_to_json(parsed),
        currency=parsed.currency,
        principal_minor=parsed.principal_minor,
        jurisdiction=juris,
        status="approved" if approve else "application",
        bucket_set=bucket_set,
        waterfall=waterfall,
        bucket=None,
        created_at=now,
        approved_at=now if approve else None,
        closed_at=None,
    )
    repo.add_all(session, [loan])
    audit_change(
        session,
        actor=actor,
        action="ledger.loan.created",
        subject_type="loan",
        subject_id=loan.id,
        status=loan.status,
        principal=format_minor(loan.principal_minor, loan.currency),
        currency=loan.currency,
        product_version_id=loan.product_version_id,
    )
    return loan


def approve_loan(session: Session, *, loan_id: str, actor: str = "system") -> Loan:
    loan = locked_loan(session, loan_id)
    if loan.status == "approved":
        return loan
    if loan.status != "application":
        raise Conflict(
            f"loan {loan_id} is {loan.status}; only an application can be approved", field="status"
        )
    loan.status = "approved"
    loan.approved_at = utc_now()
    session.flush()
    audit_change(session, actor=actor, action="ledger.loan.approved", subject_type="loan", subject_id=loan_id)
    return loan


def loan_state(session: Session, loan_id: str, as_of: date) -> LoanState:
    """The loan's state on ``as_of``, replayed from its stored terms and events."""
    loan = repo.get_loan(session, loan_id)
    if loan is None:
        raise NotFound(f"no loan {loan_id}", field="loan_id")
    events = repo.events_of(session, loan_id)
    if not disbursed_tranches(events):
        raise Conflict(f"loan {loan_id} is {loan.status} and has not been disbursed; it has no state yet")
    return replay_loan(loan, events, as_of)


def collectable(session: Session, loan_id: str, as_of: date) -> caps.Collectable:
    """How much of the loan's overdue balance may lawfully be demanded on ``as_of``, and what is excluded and why."""
    loan = repo.get_loan(session, loan_id)
    if loan is None:
        raise NotFound(f"no loan {loan_id}", field="loan_id")
    events = repo.events_of(session, loan_id)
    if not disbursed_tranches(events):
        raise Conflict(f"loan {loan_id} is {loan.status} and has not been disbursed; nothing is collectable")
    state = replay_loan(loan, events, as_of)
    return caps.lawfully_collectable(effective_terms(loan, events), state, loan.jurisdiction)


def loan_schedule(session: Session, loan_id: str) -> Schedule:
    """The repayment schedule of what was disbursed (or, before disbursement, of the contract)."""
    loan = repo.get_loan(session, loan_id)
    if loan is None:
        raise NotFound(f"no loan {loan_id}", field="loan_id")
    return build_schedule(effective_terms(loan, repo.events_of(session, loan_id)))
