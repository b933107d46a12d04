"""Every ledger query lives here. Functions take the caller's session and never commit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from faircollect.ledger.models import (
    Borrower,
    BorrowerContact,
    BucketHistory,
    LedgerEntry,
    Loan,
    LoanEvent,
    Product,
    ProductVersion,
)

# --- borrowers --------------------------------------------------------------------------------------------


def get_borrower(session: Session, borrower_id: str) -> Borrower | None:
    return session.get(Borrower, borrower_id)


def borrower_by_ref(session: Session, external_ref: str) -> Borrower | None:
    return session.execute(select(Borrower).where(Borrower.external_ref == external_ref)).scalar_one_or_none()


def borrowers_by_refs(session: Session, refs: Iterable[str], *, chunk: int = 500) -> dict[str, Borrower]:
    wanted = list(set(refs))
    out: dict[str, Borrower] = {}
    for i in range(0, len(wanted), chunk):
        rows = session.execute(
            select(Borrower).where(Borrower.external_ref.in_(wanted[i : i + chunk]))
        ).scalars()
        out.update({b.external_ref: b for b in rows if b.external_ref})
    return out


def find_borrowers(
    session: Session,
    *,
    phone: str | None = None,
    id_number: str | None = None,
    external_ref: str | None = None,
    limit: int = 100,
) -> Sequence[Borrower]:
    """Borrowers matching every criterion given; phone and ID through their keyed blind indexes."""
    stmt = select(Borrower)
    if phone:
        stmt = stmt.where(Borrower.phone.lookup(phone))
    if id_number:
        stmt = stmt.where(Borrower.id_number.lookup(id_number))
    if external_ref:
        stmt = stmt.where(Borrower.external_ref == external_ref)
    return session.execute(stmt.order_by(Borrower.created_at, Borrower.id).limit(limit)).scalars().all()


def contacts_of(session: Session, borrower_id: str) -> Sequence[BorrowerContact]:
    return (
        session.execute(
            select(BorrowerContact)
            .where(BorrowerContact.borrower_id == borrower_id)
            .order_by(BorrowerContact.created_at)
        )
        .scalars()
        .all()
    )


def list_borrowers(session: Session, *, limit: int = 100, offset: int = 0) -> Sequence[Borrower]:
    return (
        session.execute(
            select(Borrower).order_by(Borrower.created_at, Borrower.id).limit(limit).offset(offset)
        )
        .scalars()
        .all()
    )


# --- products ---------------------------------------------------------------------------------------------


def get_product(session: Session, product_id: str) -> Product | None:
    return session.get(Product, product_id)


def product_by_code(session: Session, code: str) -> Product | None:
    return session.execute(select(Product).where(Product.code == code)).scalar_one_or_none()


def get_product_version(session: Session, version_id: str) -> ProductVersion | None:
    return session.get(ProductVersion, version_id)


def latest_product_version(session: Session, product_id: str) -> ProductVersion | None:
    return session.execute(
        select(ProductVersion)
        .where(ProductVersion.product_id == product_id)
        .order_by(ProductVersion.version.desc())
        .limit(1)
    ).scalar_one_or_none()


def product_versions(session: Session, product_id: str) -> Sequence[ProductVersion]:
    return (
        session.execute(
            select(ProductVersion)
            .where(ProductVersion.product_id == product_id)
            .order_by(ProductVersion.version)
        )
        .scalars()
        .all()
    )


def list_products(session: Session) -> Sequence[Product]:
    return session.execute(select(Product).order_by(Product.code)).scalars().all()


# --- loans ------------------------------------------------------------------------------------------------


def get_loan(session: Session, loan_id: str) -> Loan | None:
    return session.get(Loan, loan_id)


def lock_loan(session: Session, loan_id: str) -> Loan | None:
    """Load the loan row with ``SELECT … FOR UPDATE``: concurrent writers to one loan queue here.

    PostgreSQL takes the row lock. SQLite has no row locks and ignores ``FOR UPDATE``, so there a no-op UPDATE of
    the row takes the database write lock at the same point (waiting up to the busy timeout): a second process
    then reads only after the first has committed. ``populate_existing`` refreshes a row already in the session.
    """
    if session.get_bind().dialect.name == "sqlite":
        session.execute(update(Loan).where(Loan.id == loan_id).values(id=Loan.id))
    return session.execute(
        select(Loan).where(Loan.id == loan_id).with_for_update().execution_options(populate_existing=True)
    ).scalar_one_or_none()


def loan_by_ref(session: Session, external_ref: str) -> Loan | None:
    return session.execute(select(Loan).where(Loan.external_ref == external_ref)).scalar_one_or_none()


def loans_by_refs(session: Session, refs: Iterable[str], *, chunk: int = 500) -> dict[str, Loan]:
    wanted = list(set(refs))
    out: dict[str, Loan] = {}
    for i in range(0, len(wanted), chunk):
        rows = session.execute(select(Loan).where(Loan.external_ref.in_(wanted[i : i + chunk]))).scalars()
        out.update({ln.external_ref: ln for ln in rows if ln.external_ref})
    return out


def events_of_loans(session: Session, loan_ids: Iterable[str]) -> list[LoanEvent]:
    """Every event of the given loans (in batches of 500 ids), in stored order per loan."""
    ids = sorted(set(loan_ids))
    out: list[LoanEvent] = []
    for i in range(0, len(ids), 500):
        out += session.execute(
            select(LoanEvent)
            .where(LoanEvent.loan_id.in_(ids[i : i + 500]))
            .order_by(LoanEvent.loan_id, LoanEvent.date, LoanEvent.recorded_at, LoanEvent.id)
        ).scalars()
    return out


def list_loans(
    session: Session,
    *,
    statuses: Sequence[str] | None = None,
    borrower_id: str | None = None,
    limit: int | None = None,
    offset: int = 0,
) -> Sequence[Loan]:
    q = select(Loan).order_by(Loan.created_at, Loan.id)
    if statuses:
        q = q.where(Loan.status.in_(list(statuses)))
    if borrower_id:
        q = q.where(Loan.borrower_id == borrower_id)
    if limit is not None:
        q = q.limit(limit).offset(offset)
    return session.execute(q).scalars().all()


# --- events and entries -----------------------------------------------------------------------------------


def events_of(session: Session, loan_id: str) -> Sequence[LoanEvent]:
    """A loan's events in the order they were recorded (replay sorts by business date itself)."""
    return (
        session.execute(
            select(LoanEvent)
            .where(LoanEvent.loan_id == loan_id)
            .order_by(LoanEvent.date, LoanEvent.recorded_at, LoanEvent.id)
        )
        .scalars()
        .all()
    )


def events_for(session: Session, loan_ids: Iterable[str]) -> dict[str, list[LoanEvent]]:
    """Events of many loans at once (one query per 500 loans), each list in ``events_of`` order."""
    ids = list(dict.fromkeys(loan_ids))
    out: dict[str, list[LoanEvent]] = {i: [] for i in ids}
    for i in range(0, len(ids), 500):
        rows = session.execute(
            select(LoanEvent)
            .where(LoanEvent.loan_id.in_(ids[i : i + 500]))
            .order_by(LoanEvent.loan_id, LoanEvent.date, LoanEvent.recorded_at, LoanEvent.id)
        ).scalars()
        for e in rows:
            out[e.loan_id].append(e)
    return out


def loans_by_ids(session: Session, loan_ids: Iterable[str]) -> dict[str, Loan]:
    ids = list(dict.fromkeys(loan_ids))
    out: dict[str, Loan] = {}
    for i in range(0, len(ids), 500):
        out.update(
            {ln.id: ln for ln in session.execute(select(Loan).where(Loan.id.in_(ids[i : i + 500]))).scalars()}
        )
    return out


def event_by_key(session: Session, loan_id: str, key: str) -> LoanEvent | None:
    return session.execute(
        select(LoanEvent).where(LoanEvent.loan_id == loan_id, LoanEvent.key == key)
    ).scalar_one_or_none()


def event_keys(session: Session, loan_ids: Iterable[str]) -> set[tuple[str, str]]:
    ids = list(set(loan_ids))
    out: set[tuple[str, str]] = set()
    for i in range(0, len(ids), 500):
        rows = session.execute(
            select(LoanEvent.loan_id, LoanEvent.key).where(LoanEvent.loan_id.in_(ids[i : i + 500]))
        )
        out.update((r[0], r[1]) for r in rows)
    return out


def entries_of(session: Session, loan_id: str, *, event_id: str | None = None) -> Sequence[LedgerEntry]:
    q = select(LedgerEntry).where(LedgerEntry.loan_id == loan_id)
    if event_id is not None:
        q = q.where(LedgerEntry.event_id == event_id)
    return session.execute(q.order_by(LedgerEntry.booked_at, LedgerEntry.id)).scalars().all()


def entry_totals(session: Session, loan_id: str) -> dict[tuple[str, int | None, str], int]:
    """Sum of a loan's entries per (kind, instalment number, component)."""
    rows = session.execute(
        select(
            LedgerEntry.kind,
            LedgerEntry.instalment_number,
            LedgerEntry.component,
            func.sum(LedgerEntry.amount_minor),
        )
        .where(LedgerEntry.loan_id == loan_id)
        .group_by(LedgerEntry.kind, LedgerEntry.instalment_number, LedgerEntry.component)
    )
    return {(r[0], r[1], r[2]): int(r[3] or 0) for r in rows}


def add_all(session: Session, rows: Iterable[object]) -> None:
    session.add_all(list(rows))
    session.flush()


# --- buckets ----------------------------------------------------------------------------------------------


def bucket_history_of(session: Session, loan_id: str) -> Sequence[BucketHistory]:
    return (
        session.execute(
            select(BucketHistory)
            .where(BucketHistory.loan_id == loan_id)
            .order_by(BucketHistory.date, BucketHistory.recorded_at)
        )
        .scalars()
        .all()
    )


def last_bucket_change_on_or_before(session: Session, loan_id: str, as_of: date) -> BucketHistory | None:
    return session.execute(
        select(BucketHistory)
        .where(BucketHistory.loan_id == loan_id, BucketHistory.date <= as_of)
        .order_by(BucketHistory.date.desc(), BucketHistory.recorded_at.desc())
        .limit(1)
    ).scalar_one_or_none()
