"""The write phase of an import, in bulk: the rows the services would write, computed per loan and inserted in
batches (PostgreSQL ``COPY`` for the event and entry tables), with the audit records appended in batches.

Only *new* loans (with their tranches and payments) go this way; payments for loans stored earlier go through
``ledger.service.post_payment`` as before (they need the stored history). For a new loan the result is what the
services would store: the loan (``approved``, then ``active`` once disbursed, ``closed`` when the payments repay
it), one ``loan_event`` per tranche and payment with the same payloads, and ``ledger_entry`` rows that sum to the
replay's postings (one replay per loan over all its payments, instead of one per payment), attributed to the event
that caused them. Same audit actions and payloads (``ledger.borrower.created``, ``ledger.loan.created``,
``ledger.disbursement.posted``, ``ledger.payment.posted``). Everything stays in the caller's transaction.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import Table, insert
from sqlalchemy.orm import Session

from faircollect.compliance.audit import service as audit
from faircollect.kit.ids import new_id
from faircollect.kit.money import format_minor
from faircollect.kit.time import utc_now
from faircollect.ledger import repository as repo
from faircollect.ledger.allocation import waterfall_from_json
from faircollect.ledger.booking_core import event_json
from faircollect.ledger.buckets import BUCKET_SETS
from faircollect.ledger.models import Borrower, LedgerEntry, Loan, LoanEvent
from faircollect.ledger.replay import replay_detailed
from faircollect.ledger.terms_json import terms_to_json
from faircollect.ledger.types import Disbursement, Payment, PrepaymentMode

if TYPE_CHECKING:
    from faircollect.ledger.importer import ImportResult, _LoanRow, _PaymentRow

BATCH = 5000


def write_new_loans(
    session: Session,
    loan_rows: Sequence[_LoanRow],
    payments: dict[str, list[_PaymentRow]],
    result: ImportResult,
    actor: str,
    progress: Callable[[int], None],
) -> None:
    """Create ``loan_rows`` (all new) with their borrowers, tranches and ``payments`` (by loan ref)."""
    now = utc_now()
    borrowers = repo.borrowers_by_refs(session, [str(lr.borrower["external_ref"]) for lr in loan_rows])
    products: dict[str, Any] = {}
    for start in range(0, len(loan_rows), BATCH):
        chunk = loan_rows[start : start + BATCH]
        audit_entries: list[dict[str, Any]] = []
        loans: list[dict[str, Any]] = []
        events: list[dict[str, Any]] = []
        entries: list[dict[str, Any]] = []
        new_borrowers: list[Borrower] = []
        written = 0
        for lr in chunk:
            assert lr.parsed is not None
            version_id, product_jurisdiction = _product(session, products, lr.product_code)
            jurisdiction = (lr.jurisdiction or product_jurisdiction or "CN").upper()
            bref = str(lr.borrower["external_ref"])
            b = borrowers.get(bref)
            if b is None:
                b = Borrower(
                    id=new_id("bor"),
                    external_ref=bref,
                    name=str(lr.borrower["name"]).strip(),
                    phone=lr.borrower["phone"],
                    email=lr.borrower["email"],
                    id_number=lr.borrower["id_number"],
                    timezone=lr.borrower["timezone"],
                    jurisdiction=(lr.borrower["jurisdiction"] or jurisdiction).upper(),
                    language=lr.borrower["language"] or "zh-CN",
                    created_at=now,
                )
                borrowers[bref] = b
                new_borrowers.append(b)
                audit_entries.append(_audit(actor, "ledger.borrower.created", "borrower", b.id, {}, now))
                result.borrowers_created += 1
            loan_pays = payments.get(lr.ref, [])
            written += 1 + len(loan_pays)
            loan, loan_events, loan_entries, loan_audit = _loan_rows(
                lr, b.id, version_id, jurisdiction, loan_pays, actor, now
            )
            loans.append(loan)
            events += loan_events
            entries += loan_entries
            audit_entries += loan_audit
            result.loans_created += 1
            result.payments_posted += len(loan_pays)
        if new_borrowers:
            session.add_all(
                new_borrowers
            )  # the ORM: personal data is sealed on flush where the model says so
            session.flush()
        _bulk(session, Loan.__table__, loans)  # type: ignore[arg-type]
        _bulk(session, LoanEvent.__table__, events)  # type: ignore[arg-type]
        _bulk(session, LedgerEntry.__table__, entries)  # type: ignore[arg-type]
        audit.record_many(session, audit_entries)
        progress(written)


def _product(session: Session, cache: dict[str, Any], code: str | None) -> tuple[str | None, str | None]:
    if not code:
        return None, None
    if code not in cache:
        product = repo.product_by_code(session, code)
        version = repo.latest_product_version(session, product.id) if product else None
        cache[code] = (version.id if version else None, product.jurisdiction if product else None)
    return cache[code]


def _audit(
    actor: str, action: str, subject_type: str, subject_id: str, payload: dict[str, Any], at: datetime
) -> dict[str, Any]:
    return {
        "actor": actor,
        "action": action,
        "subject_type": subject_type,
        "subject_id": subject_id,
        "payload": payload,
        "at": at,
    }


def _loan_rows(
    lr: _LoanRow,
    borrower_id: str,
    version_id: str | None,
    jurisdiction: str,
    pays: list[_PaymentRow],
    actor: str,
    now: datetime,
) -> tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]], list[dict[str, Any]]]:
    terms = lr.parsed
    assert terms is not None
    currency = terms.currency
    loan_id = new_id("loan")
    events: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    audits = [
        _audit(
            actor,
            "ledger.loan.created",
            "loan",
            loan_id,
            {
                "status": "approved",
                "principal": format_minor(terms.principal_minor, currency),
                "currency": currency,
                "product_version_id": version_id,
            },
            now,
        )
    ]
    core: list[Disbursement | Payment] = []
    event_ids: dict[str, tuple[str, date]] = {}

    def event(type_: str, key: str, on: date, amount: int, extra: dict[str, Any]) -> str:
        payload = event_json(type_, key=key, on=on, amount_minor=amount, extra=extra, currency=currency)
        eid = new_id("ev")
        events.append(
            {
                "id": eid,
                "loan_id": loan_id,
                "key": key,
                "type": type_,
                "date": on,
                "amount_minor": amount,
                "payload": payload,
                "actor": actor,
                "recorded_at": now,
            }
        )
        audits.append(
            _audit(
                actor,
                f"ledger.{type_}.posted",
                "loan",
                loan_id,
                {"event": payload, "currency": currency},
                now,
            )
        )
        event_ids[key] = (eid, on)
        return eid

    status = "approved"
    if lr.disbursed_on is not None:
        status = "active"
        for i, tranche in enumerate(terms.disbursements):
            on = max(tranche.date, lr.disbursed_on)
            eid = event("disbursement", f"disbursement-{i + 1}", on, tranche.amount_minor, {})
            entries.append(
                _entry(
                    loan_id, eid, "disbursement", None, "principal", tranche.amount_minor, currency, on, now
                )
            )
            core.append(Disbursement(on, tranche.amount_minor))
    for p in sorted(pays, key=lambda p: (p.date, p.row)):
        event("payment", p.key, p.date, p.amount_minor, {"prepayment": p.prepayment})
        core.append(
            Payment(p.key, p.date, p.amount_minor, PrepaymentMode(p.prepayment) if p.prepayment else None)
        )
    closed = False
    if pays:
        replayed = replay_detailed(
            terms,
            core,
            max(p.date for p in pays),
            waterfall=waterfall_from_json(lr.waterfall) if lr.waterfall else None,
            bucket_set=BUCKET_SETS["cn"],
        )
        totals: dict[tuple[str, str, int | None, str], int] = defaultdict(int)
        for posting in replayed.postings:
            component = posting.component.value if posting.component else "credit"
            number = posting.number if posting.component is not None else None
            totals[(posting.event_key, posting.kind, number, component)] += posting.amount_minor
        for (key, kind, number, component), amount in sorted(
            totals.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or 0, kv[0][3])
        ):
            if amount:
                eid, on = event_ids[key]
                entries.append(_entry(loan_id, eid, kind, number, component, amount, currency, on, now))
        closed = replayed.state.closed
    loan = {
        "id": loan_id,
        "external_ref": lr.ref,
        "borrower_id": borrower_id,
        "product_version_id": version_id,
        "terms": terms_to_json(terms),
        "currency": currency,
        "principal_minor": terms.principal_minor,
        "jurisdiction": jurisdiction,
        "status": "closed" if closed else status,
        "bucket_set": "cn",
        "waterfall": lr.waterfall,
        "bucket": None,
        "created_at": now,
        "approved_at": now,
        "closed_at": now if closed else None,
    }
    return loan, events, entries, audits


def _entry(
    loan_id: str,
    event_id: str,
    kind: str,
    number: int | None,
    component: str,
    amount: int,
    currency: str,
    on: date,
    now: datetime,
) -> dict[str, Any]:
    return {
        "id": new_id("le"),
        "loan_id": loan_id,
        "event_id": event_id,
        "kind": kind,
        "instalment_number": number,
        "component": component,
        "amount_minor": amount,
        "currency": currency,
        "value_date": on,
        "booked_at": now,
    }


def _bulk(session: Session, table: Table, rows: list[dict[str, Any]]) -> None:
    """Insert ``rows``: PostgreSQL ``COPY … FROM STDIN``; elsewhere one executemany per batch."""
    if not rows:
        return
    conn = session.connection()
    if conn.dialect.name != "postgresql":
        for start in range(0, len(rows), BATCH):
            conn.execute(insert(table), rows[start : start + BATCH])
        return
    columns = [c.name for c in table.columns]
    json_cols = {c.name for c in table.columns if c.type.__class__.__name__ == "JSON"}
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({", ".join(columns)}) FROM STDIN') as copy:
        for r in rows:
            copy.write_row(tuple(_copy_value(r.get(c), c in json_cols) for c in columns))


def _copy_value(value: Any, is_json: bool) -> Any:
    if is_json:
        return None if value is None else json.dumps(value, ensure_ascii=False, separators=(",", ":"))
    return value
