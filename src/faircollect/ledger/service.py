"""Ledger operations: borrowers, products, loans and their events, stored and audited. Never commits.

Each operation validates first, writes second, and appends to the audit log in the caller's transaction. A loan's
state is always replayed (``ledger.replay``) from its stored terms and events; the ``ledger_entry`` rows are the
replay's allocations written down as append-only deltas, so that summing them always reproduces the replay.
Writers to one loan take its row lock (``SELECT … FOR UPDATE``) first, so two processes never double count.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from faircollect.compliance.audit import service as audit
from faircollect.kit.errors import Conflict, NotFound, ValidationError
from faircollect.kit.ids import new_id
from faircollect.kit.money import check_currency, format_minor
from faircollect.kit.time import utc_now, zone
from faircollect.ledger import caps
from faircollect.ledger import repository as repo
from faircollect.ledger.allocation import waterfall_from_json
from faircollect.ledger.buckets import BUCKET_SETS
from faircollect.ledger.models import (
    CONTACT_ROLES,
    Borrower,
    BorrowerContact,
    BucketHistory,
    LedgerEntry,
    Loan,
    LoanEvent,
    Product,
    ProductVersion,
)
from faircollect.ledger.replay import Replayed, replay_detailed
from faircollect.ledger.schedule import build_schedule
from faircollect.ledger.terms_json import parse_terms, terms_to_json
from faircollect.ledger.types import (
    Component,
    Disbursement,
    LoanState,
    LoanTerms,
    Pause,
    Payment,
    PrepaymentMode,
    Reversal,
    Schedule,
    Waiver,
    WriteOff,
)
from faircollect.ledger.types import LoanEvent as CoreEvent

#: Entry kinds that mirror the replay's postings (``disbursement`` and ``written_off`` entries are booked directly).
POSTING_KINDS = ("payment", "waiver", "prepayment", "reallocated", "credit")

#: Placeholders used only to check a product's default terms against the caps (a product has no principal).
_PRODUCT_CHECK_PRINCIPAL = "10000.00"


@dataclass(frozen=True, slots=True)
class Allocation:
    instalment_number: int | None
    kind: str  # payment | waiver | prepayment | reallocated | credit | written_off | disbursement
    component: str
    amount_minor: int


@dataclass(frozen=True, slots=True)
class Booking:
    """The result of posting an event. ``created`` is False when the same key and content were already booked."""

    event_id: str
    loan_id: str
    key: str
    type: str
    date: date
    amount_minor: int | None
    currency: str
    created: bool
    allocations: tuple[Allocation, ...]


@dataclass(frozen=True, slots=True)
class BucketChange:
    loan_id: str
    date: date
    from_bucket: str | None
    to_bucket: str
    days_past_due: int


def _audit(
    session: Session, *, actor: str, action: str, subject_type: str, subject_id: str, **payload: Any
) -> None:
    audit.record(
        session, actor=actor, action=action, subject_type=subject_type, subject_id=subject_id, payload=payload
    )


# --- borrowers --------------------------------------------------------------------------------------------


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
) -> Borrower:
    """Register a borrower. ``timezone`` is IANA (None = unknown: contact rules then take the strictest zone)."""
    if not name or not name.strip():
        raise ValidationError("a borrower needs a name", field="name")
    if timezone is not None:
        zone(timezone)
    if external_ref is not None and repo.borrower_by_ref(session, external_ref) is not None:
        raise Conflict(f"a borrower with external_ref {external_ref!r} exists", field="external_ref")
    b = Borrower(
        id=new_id("bor"),
        external_ref=external_ref,
        name=name.strip(),
        phone=phone,
        email=email,
        id_number=id_number,
        timezone=timezone,
        jurisdiction=jurisdiction.upper(),
        language=language,
        created_at=utc_now(),
    )
    repo.add_all(session, [b])
    _audit(session, actor=actor, action="ledger.borrower.created", subject_type="borrower", subject_id=b.id)
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
    if repo.get_borrower(session, borrower_id) is None:
        raise NotFound(f"no borrower {borrower_id}", field="borrower_id")
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
    _audit(
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
    _audit(
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
    _audit(
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
    _audit(
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
    loan = _locked(session, loan_id)
    if loan.status == "approved":
        return loan
    if loan.status != "application":
        raise Conflict(
            f"loan {loan_id} is {loan.status}; only an application can be approved", field="status"
        )
    loan.status = "approved"
    loan.approved_at = utc_now()
    session.flush()
    _audit(session, actor=actor, action="ledger.loan.approved", subject_type="loan", subject_id=loan_id)
    return loan


def _locked(session: Session, loan_id: str) -> Loan:
    loan = repo.lock_loan(session, loan_id)
    if loan is None:
        raise NotFound(f"no loan {loan_id}", field="loan_id")
    return loan


def contract_terms(loan: Loan) -> LoanTerms:
    return parse_terms(loan.terms, where="loan.terms")


def _disbursed(events: Sequence[LoanEvent]) -> tuple[Disbursement, ...]:
    return tuple(
        Disbursement(e.date, int(e.amount_minor or 0))
        for e in sorted(
            (e for e in events if e.type == "disbursement"), key=lambda e: (e.date, e.recorded_at)
        )
    )


def effective_terms(loan: Loan, events: Sequence[LoanEvent]) -> LoanTerms:
    """The contract terms with the tranches actually paid out (a partly drawn loan amortises what was drawn)."""
    terms = contract_terms(loan)
    actual = _disbursed(events)
    return dataclasses.replace(terms, disbursements=actual) if actual else terms


def to_core_event(e: LoanEvent) -> CoreEvent | None:
    """Stored event → the pure core's event (disbursements live in the terms, not in the event list)."""
    p = e.payload
    if e.type == "payment":
        mode = p.get("prepayment")
        return Payment(e.key, e.date, int(e.amount_minor or 0), PrepaymentMode(mode) if mode else None)
    if e.type == "reversal":
        return Reversal(e.key, e.date, str(p["payment_key"]))
    if e.type == "waiver":
        return Waiver(e.key, e.date, Component(p["component"]), int(e.amount_minor or 0))
    if e.type == "pause":
        return Pause(e.key, e.date, date.fromisoformat(p["end"]))
    if e.type == "write_off":
        return WriteOff(e.key, e.date)
    return None


def core_events(events: Sequence[LoanEvent]) -> list[CoreEvent | Disbursement]:
    """The replay's input: actual tranches (they replace the planned ones) and the loan's events, in stored order."""
    out: list[CoreEvent | Disbursement] = list(_disbursed(events))
    out += [c for c in (to_core_event(e) for e in events) if c is not None]
    return out


def _replay_detailed(loan: Loan, events: Sequence[LoanEvent], as_of: date) -> Replayed:
    return replay_detailed(
        contract_terms(loan),
        core_events(events),
        as_of,
        waterfall=waterfall_from_json(loan.waterfall) if loan.waterfall else None,
        bucket_set=BUCKET_SETS[loan.bucket_set],
    )


def _replay(loan: Loan, events: Sequence[LoanEvent], as_of: date) -> LoanState:
    return _replay_detailed(loan, events, as_of).state


def loan_state(session: Session, loan_id: str, as_of: date) -> LoanState:
    """The loan's state on ``as_of``, replayed from its stored terms and events."""
    loan = repo.get_loan(session, loan_id)
    if loan is None:
        raise NotFound(f"no loan {loan_id}", field="loan_id")
    events = repo.events_of(session, loan_id)
    if not _disbursed(events):
        raise Conflict(f"loan {loan_id} is {loan.status} and has not been disbursed; it has no state yet")
    return _replay(loan, events, as_of)


def collectable(session: Session, loan_id: str, as_of: date) -> caps.Collectable:
    """How much of the loan's overdue balance may lawfully be demanded on ``as_of``, and what is excluded and why."""
    loan = repo.get_loan(session, loan_id)
    if loan is None:
        raise NotFound(f"no loan {loan_id}", field="loan_id")
    events = repo.events_of(session, loan_id)
    if not _disbursed(events):
        raise Conflict(f"loan {loan_id} is {loan.status} and has not been disbursed; nothing is collectable")
    state = _replay(loan, events, as_of)
    return caps.lawfully_collectable(effective_terms(loan, events), state, loan.jurisdiction)


def loan_schedule(session: Session, loan_id: str) -> Schedule:
    """The repayment schedule of what was disbursed (or, before disbursement, of the contract)."""
    loan = repo.get_loan(session, loan_id)
    if loan is None:
        raise NotFound(f"no loan {loan_id}", field="loan_id")
    return build_schedule(effective_terms(loan, repo.events_of(session, loan_id)))


def _as_of_for(events: Sequence[LoanEvent]) -> date:
    return max(e.date for e in events)


def _sync_entries(
    session: Session, loan: Loan, event: LoanEvent, events: Sequence[LoanEvent]
) -> list[LedgerEntry]:
    """Append entries so that the loan's entries sum to the replay's postings; attribute the deltas to ``event``.

    A back-dated payment or a reversal may move earlier allocations: the difference is booked as new, opposite
    entries, never by editing old ones.
    """
    replayed = _replay_detailed(loan, events, _as_of_for(events))
    state = replayed.state
    target: dict[tuple[str, int | None, str], int] = {}
    for p in replayed.postings:
        k = (
            p.kind,
            p.number if p.component is not None else None,
            p.component.value if p.component else "credit",
        )
        target[k] = target.get(k, 0) + p.amount_minor
    existing = {k: v for k, v in repo.entry_totals(session, loan.id).items() if k[0] in POSTING_KINDS}
    now = utc_now()
    entries = []
    for k in sorted(set(target) | set(existing), key=lambda k: (k[0], k[1] or 0, k[2])):
        delta = target.get(k, 0) - existing.get(k, 0)
        if delta:
            entries.append(
                LedgerEntry(
                    id=new_id("le"),
                    loan_id=loan.id,
                    event_id=event.id,
                    kind=k[0],
                    instalment_number=k[1],
                    component=k[2],
                    amount_minor=delta,
                    currency=loan.currency,
                    value_date=event.date,
                    booked_at=now,
                )
            )
    repo.add_all(session, entries)
    if state.closed and loan.status == "active":
        loan.status = "closed"
        loan.closed_at = now
    elif not state.closed and loan.status == "closed":
        loan.status = "active"  # a reversal reopened it
        loan.closed_at = None
    session.flush()
    return entries


def _booking(loan: Loan, e: LoanEvent, created: bool, entries: Sequence[LedgerEntry]) -> Booking:
    return Booking(
        event_id=e.id,
        loan_id=loan.id,
        key=e.key,
        type=e.type,
        date=e.date,
        amount_minor=e.amount_minor,
        currency=loan.currency,
        created=created,
        allocations=tuple(
            Allocation(x.instalment_number, x.kind, x.component, x.amount_minor) for x in entries
        ),
    )


def _check_key(key: str) -> str:
    if not key or not key.strip():
        raise ValidationError("an idempotency key is required", field="key")
    if len(key) > 120:
        raise ValidationError("idempotency keys are at most 120 characters", field="key")
    return key.strip()


def _append(
    session: Session,
    *,
    loan_id: str,
    key: str,
    type: str,
    on: date,
    amount_minor: int | None,
    payload: dict[str, Any],
    actor: str,
    allowed_status: tuple[str, ...],
    check: Any = None,
) -> Booking:
    """Lock the loan; return the existing booking for a repeated key, refuse a reused key, else append the event."""
    key = _check_key(key)
    loan = _locked(session, loan_id)
    existing = repo.event_by_key(session, loan_id, key)
    if existing is not None:
        same = (
            existing.type == type
            and existing.date == on
            and existing.amount_minor == amount_minor
            and existing.payload == payload
        )
        if not same:
            raise Conflict(
                f"idempotency key {key!r} was already used on {existing.date} for a {existing.type} of "
                f"{format_minor(existing.amount_minor or 0, loan.currency)} {loan.currency} with other content",
                field="key",
            )
        return _booking(loan, existing, False, repo.entries_of(session, loan_id, event_id=existing.id))
    if loan.status not in allowed_status:
        raise Conflict(
            f"loan {loan_id} is {loan.status}; a {type} needs one of: {', '.join(allowed_status)}",
            field="status",
        )
    events = list(repo.events_of(session, loan_id))
    if check is not None:
        check(loan, events)
    e = LoanEvent(
        id=new_id("ev"),
        loan_id=loan_id,
        key=key,
        type=type,
        date=on,
        amount_minor=amount_minor,
        payload=payload,
        actor=actor,
        recorded_at=utc_now(),
    )
    repo.add_all(session, [e])
    events.append(e)
    if type == "disbursement":
        entries = [
            LedgerEntry(
                id=new_id("le"),
                loan_id=loan_id,
                event_id=e.id,
                kind="disbursement",
                instalment_number=None,
                component="principal",
                amount_minor=int(amount_minor or 0),
                currency=loan.currency,
                value_date=on,
                booked_at=utc_now(),
            )
        ]
        repo.add_all(session, entries)
        entries += _sync_entries(session, loan, e, events)
    else:
        entries = _sync_entries(session, loan, e, events)
    _audit(
        session,
        actor=actor,
        action=f"ledger.{type}.posted",
        subject_type="loan",
        subject_id=loan_id,
        key=key,
        date=on.isoformat(),
        amount=format_minor(amount_minor, loan.currency) if amount_minor is not None else None,
        currency=loan.currency,
        **payload,
    )
    return _booking(loan, e, True, entries)


def _positive(amount_minor: int, field: str = "amount") -> int:
    if isinstance(amount_minor, bool) or not isinstance(amount_minor, int):
        raise ValidationError(
            f"amount must be an integer count of minor units, got {amount_minor!r}", field=field
        )
    if amount_minor <= 0:
        raise ValidationError(f"amount must be greater than zero, got {amount_minor}", field=field)
    return amount_minor


def _not_before_disbursement(on: date, field: str = "date") -> Any:
    def check(_loan: Loan, events: Sequence[LoanEvent]) -> None:
        first = min((e.date for e in events if e.type == "disbursement"), default=None)
        if first is None:
            raise Conflict("the loan has not been disbursed", field="status")
        if on < first:
            raise ValidationError(f"{on} is before the loan's first disbursement on {first}", field=field)

    return check


def _currency(loan_currency: str, currency: str | None) -> None:
    if currency is not None and check_currency(currency) != loan_currency:
        raise ValidationError(
            f"currency {currency} differs from the loan's {loan_currency}", field="currency"
        )


def disburse(
    session: Session,
    *,
    loan_id: str,
    date: date,
    amount_minor: int | None = None,
    key: str | None = None,
    actor: str = "system",
) -> Booking:
    """Pay out a tranche (default: the next planned one). The first tranche makes an approved loan active."""
    loan = _locked(session, loan_id)
    terms = contract_terms(loan)
    drawn = _disbursed(repo.events_of(session, loan_id))
    n = len(drawn)
    previous = repo.event_by_key(session, loan_id, key) if key else None
    if amount_minor is None and previous is not None:
        amount_minor = previous.amount_minor  # a repeated call with the same key: the same tranche
    if amount_minor is None:
        if n >= len(terms.disbursements):
            raise Conflict(f"all {n} planned tranches of loan {loan_id} are disbursed", field="amount")
        amount_minor = terms.disbursements[n].amount_minor
    _positive(amount_minor)
    key = key or f"disbursement-{n + 1}"
    if repo.event_by_key(session, loan_id, key) is None:
        already = sum(d.amount_minor for d in drawn)
        if already + amount_minor > terms.principal_minor:
            raise ValidationError(
                f"disbursing {format_minor(amount_minor, loan.currency)} would exceed the contracted principal "
                f"{format_minor(terms.principal_minor, loan.currency)} ({format_minor(already, loan.currency)} drawn)",
                field="amount",
            )
        if date < terms.start_date:
            raise ValidationError(f"{date} is before the loan's start date {terms.start_date}", field="date")
        if drawn and date <= drawn[-1].date:
            raise ValidationError(
                f"{date} is not after the previous tranche on {drawn[-1].date} (one tranche a day)",
                field="date",
            )
    booking = _append(
        session,
        loan_id=loan_id,
        key=key,
        type="disbursement",
        on=date,
        amount_minor=amount_minor,
        payload={},
        actor=actor,
        allowed_status=("approved", "active"),
    )
    if booking.created and loan.status == "approved":
        loan.status = "active"
        session.flush()
    return booking


def post_payment(
    session: Session,
    *,
    loan_id: str,
    key: str,
    date: date,
    amount_minor: int,
    currency: str | None = None,
    prepayment: PrepaymentMode | str | None = None,
    actor: str = "system",
) -> Booking:
    """Book money received. Same key + same content → the existing booking; same key + other content → Conflict."""
    _positive(amount_minor)
    mode = PrepaymentMode(prepayment) if prepayment else None
    loan = _locked(session, loan_id)
    _currency(loan.currency, currency)
    return _append(
        session,
        loan_id=loan_id,
        key=key,
        type="payment",
        on=date,
        amount_minor=amount_minor,
        payload={"prepayment": mode.value if mode else None},
        actor=actor,
        allowed_status=("active", "closed", "written_off"),
        check=_not_before_disbursement(date),
    )


def reverse_payment(
    session: Session,
    *,
    loan_id: str,
    payment_key: str,
    date: date,
    key: str | None = None,
    actor: str = "system",
) -> Booking:
    """Undo a payment (bounced, charged back); its allocations are replayed away."""
    key = key or f"reversal:{payment_key}"

    def check(_loan: Loan, events: Sequence[LoanEvent]) -> None:
        pay = next((e for e in events if e.key == payment_key), None)
        if pay is None or pay.type != "payment":
            raise NotFound(f"no payment with key {payment_key!r} on loan {loan_id}", field="payment_key")
        if any(e.type == "reversal" and e.payload.get("payment_key") == payment_key for e in events):
            raise Conflict(f"payment {payment_key!r} is already reversed", field="payment_key")
        if date < pay.date:
            raise ValidationError(
                f"the reversal ({date}) is dated before the payment ({pay.date})", field="date"
            )

    return _append(
        session,
        loan_id=loan_id,
        key=key,
        type="reversal",
        on=date,
        amount_minor=None,
        payload={"payment_key": payment_key},
        actor=actor,
        allowed_status=("active", "closed", "written_off"),
        check=check,
    )


def waive(
    session: Session,
    *,
    loan_id: str,
    key: str,
    date: date,
    component: Component | str,
    amount_minor: int,
    actor: str = "system",
) -> Booking:
    """Forgive (减免) part of one component, oldest instalments first; never more than is outstanding."""
    _positive(amount_minor)
    try:
        comp = Component(component)
    except ValueError as exc:
        raise ValidationError(
            f"unknown component {component!r}; one of {', '.join(c.value for c in Component)}",
            field="component",
        ) from exc

    def check(loan: Loan, events: Sequence[LoanEvent]) -> None:
        _not_before_disbursement(date)(loan, events)
        state = _replay(loan, events, max(date, _as_of_for(events)))
        outstanding = sum(i.outstanding(comp) for i in state.instalments)
        if amount_minor > outstanding:
            raise ValidationError(
                f"cannot waive {format_minor(amount_minor, loan.currency)} of {comp.value}: only "
                f"{format_minor(outstanding, loan.currency)} is outstanding",
                field="amount",
            )

    return _append(
        session,
        loan_id=loan_id,
        key=key,
        type="waiver",
        on=date,
        amount_minor=amount_minor,
        payload={"component": comp.value},
        actor=actor,
        allowed_status=("active",),
        check=check,
    )


def pause(
    session: Session, *, loan_id: str, key: str, start: date, end: date, actor: str = "system"
) -> Booking:
    """Delinquency pause (deferment, 延期): days in [start, end] do not count towards days past due."""
    if end < start:
        raise ValidationError(f"the pause ends ({end}) before it starts ({start})", field="end")
    return _append(
        session,
        loan_id=loan_id,
        key=key,
        type="pause",
        on=start,
        amount_minor=None,
        payload={"end": end.isoformat()},
        actor=actor,
        allowed_status=("active",),
        check=_not_before_disbursement(start, "start"),
    )


def write_off(session: Session, *, loan_id: str, key: str, date: date, actor: str = "system") -> Booking:
    """Write the loan off (核销): what is outstanding on ``date`` is booked as written off; recoveries still post."""
    booking = _append(
        session,
        loan_id=loan_id,
        key=key,
        type="write_off",
        on=date,
        amount_minor=None,
        payload={},
        actor=actor,
        allowed_status=("active",),
        check=_not_before_disbursement(date),
    )
    if not booking.created:
        return booking
    loan = _locked(session, loan_id)
    events = repo.events_of(session, loan_id)
    state = _replay(loan, [e for e in events if e.type != "write_off"], date)
    now = utc_now()
    entries = [
        LedgerEntry(
            id=new_id("le"),
            loan_id=loan_id,
            event_id=booking.event_id,
            kind="written_off",
            instalment_number=inst.number,
            component=comp.value,
            amount_minor=inst.outstanding(comp),
            currency=loan.currency,
            value_date=date,
            booked_at=now,
        )
        for inst in state.instalments
        for comp in Component
        if inst.outstanding(comp) > 0
    ]
    repo.add_all(session, entries)
    loan.status = "written_off"
    loan.closed_at = now
    session.flush()
    return dataclasses.replace(
        booking,
        allocations=booking.allocations
        + tuple(Allocation(x.instalment_number, x.kind, x.component, x.amount_minor) for x in entries),
    )


# --- ageing -----------------------------------------------------------------------------------------------


def age_loans(
    session: Session, as_of: date, *, loan_ids: Sequence[str] | None = None, actor: str = "system:ageing"
) -> list[BucketChange]:
    """Replay every active loan on ``as_of``; write a bucket_history row (and an audit record) for each change."""
    loans = (
        [ln for ln in (repo.get_loan(session, i) for i in loan_ids) if ln is not None]
        if loan_ids is not None
        else list(repo.list_loans(session, statuses=("active",)))
    )
    changes: list[BucketChange] = []
    now = utc_now()
    rows = []
    for loan in loans:
        if loan.status != "active":
            continue
        events = repo.events_of(session, loan.id)
        if not _disbursed(events):
            continue
        state = _replay(loan, events, as_of)
        if state.bucket == loan.bucket:
            continue
        change = BucketChange(loan.id, as_of, loan.bucket, state.bucket, state.days_past_due)
        rows.append(
            BucketHistory(
                id=new_id("bkt"),
                loan_id=loan.id,
                date=as_of,
                from_bucket=loan.bucket,
                to_bucket=state.bucket,
                days_past_due=state.days_past_due,
                bucket_set=loan.bucket_set,
                recorded_at=now,
            )
        )
        loan.bucket = state.bucket
        changes.append(change)
        _audit(
            session,
            actor=actor,
            action="ledger.bucket.changed",
            subject_type="loan",
            subject_id=loan.id,
            date=as_of.isoformat(),
            from_bucket=change.from_bucket,
            to_bucket=change.to_bucket,
            days_past_due=change.days_past_due,
        )
    repo.add_all(session, rows)
    return changes
