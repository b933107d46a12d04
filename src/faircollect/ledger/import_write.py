"""The write phase of an import, in bulk: the rows the services would write, computed per loan in worker processes
(``import_pool``) and inserted in chunks (PostgreSQL ``COPY`` text for borrowers, loans, events and entries; SQLite
batched ``INSERT``s), with one audit record per chunk.

Only *new* loans (with their tranches and payments) go this way; payments for loans stored earlier go through
``ledger.service.post_payment`` as before (they need the stored history). For a new loan the result is what the
services would store: the loan (``approved``, then ``active`` once disbursed, ``closed`` when the payments repay
it), one ``loan_event`` per tranche and payment with the same payloads, and ``ledger_entry`` rows that sum to the
replay's postings (one replay per loan over all its payments, instead of one per payment), attributed to the event
that caused them. Everything stays in the caller's transaction.

The audit log gets one ``ledger.import.batch`` record per chunk of ``BATCH`` loans (not one per borrower, loan,
tranche and payment): it names the chunk's loans and borrowers and holds a SHA-256 of every row the chunk stored
(``chunk_digest``; ``verify_chunk`` recomputes it from the database). The importer appends these records after all
the data is written, so the audit head (one row every audited write locks) is held only for that small insert and
the commit, not for the minutes a large import takes.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from operator import itemgetter
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import Table, func, insert, select, update
from sqlalchemy.orm import Session

from faircollect.kit.ids import OrderedIds, new_id
from faircollect.kit.money import exponent, format_minor
from faircollect.kit.time import utc_now
from faircollect.ledger import repository as repo
from faircollect.ledger.allocation import waterfall_from_json
from faircollect.ledger.booking_core import POSTING_KINDS, event_json, replay_loan_detailed
from faircollect.ledger.buckets import BUCKET_SETS
from faircollect.ledger.import_pool import default_workers, map_slices
from faircollect.ledger.models import Borrower, LedgerEntry, Loan, LoanEvent
from faircollect.ledger.replay import replay_posting_rows
from faircollect.ledger.terms_json import terms_to_json
from faircollect.ledger.types import Component, Disbursement, Payment, PrepaymentMode
from faircollect.privacy.blind import blind_index
from faircollect.privacy.sealed import seal_rows

if TYPE_CHECKING:
    from faircollect.ledger.importer import ImportResult, _LoanRow, _PaymentRow

BATCH = 5000
#: The audit action of one chunk of an import (one record per ``BATCH`` loans, see ``chunk_digest``).
BATCH_ACTION = "ledger.import.batch"


def write_new_loans(
    session: Session,
    loan_rows: Sequence[_LoanRow],
    payments: dict[str, list[_PaymentRow]],
    result: ImportResult,
    actor: str,
    progress: Callable[[int], None],
    *,
    source: str = "",
    workers: int | None = None,
) -> list[dict[str, Any]]:
    """Create ``loan_rows`` (all new) with their borrowers, tranches and ``payments`` (by loan ref).

    The rows of each chunk of ``BATCH`` loans are computed by ``_prepare`` (pure: one replay per loan, the rows as
    ``COPY`` text) in ``workers`` forked processes while this one seals the borrowers' personal data and streams
    the previous chunk to the database. Returns the audit entries of the write — one ``ledger.import.batch`` record
    per chunk naming its loans and borrowers and a SHA-256 of every row it stored (``chunk_digest``) — for the
    caller to append *after* the data, so that the audit head is locked only for those few small rows and the
    commit.
    """
    now = utc_now()
    borrowers = repo.borrowers_by_refs(session, [str(lr.borrower["external_ref"]) for lr in loan_rows])
    known_ids = {ref: b.id for ref, b in borrowers.items()}
    products: dict[str, Any] = {}
    jobs: list[_Job] = []
    borrower_ids = OrderedIds(now)
    for lr in loan_rows:
        assert lr.parsed is not None
        version_id, product_jurisdiction = _product(session, products, lr.product_code)
        jurisdiction = (lr.jurisdiction or product_jurisdiction or "CN").upper()
        bref = str(lr.borrower["external_ref"])
        bid = known_ids.get(bref)
        fresh = bid is None
        if bid is None:
            bid = borrower_ids("bor")
            known_ids[bref] = bid
        jobs.append((lr, bid, version_id, jurisdiction, fresh))
    as_copy = session.connection().dialect.name == "postgresql"
    data = (jobs, payments, actor, now, as_copy)
    audits: list[dict[str, Any]] = []
    chunks = map_slices(_prepare, data, len(jobs), BATCH, workers or default_workers())
    for number, prep in enumerate(chunks, start=1):
        # Personal data sealed under each borrower's data key (one key query and insert for the chunk).
        sealed = seal_rows(session, Borrower, prep.borrowers, new=True)
        _bulk(session, Borrower.__table__, sealed)  # type: ignore[arg-type]
        _store(session, Loan.__table__, prep.loans)  # type: ignore[arg-type]
        _store(session, LoanEvent.__table__, prep.events)  # type: ignore[arg-type]
        _store(session, LedgerEntry.__table__, prep.entries)  # type: ignore[arg-type]
        result.borrowers_created += len(prep.borrowers)
        result.loans_created += len(prep.loan_ids)
        result.payments_posted += prep.payments
        audits.append(
            _audit(
                actor,
                BATCH_ACTION,
                "import",
                source or "import",
                {
                    "chunk": number,
                    "borrowers": len(prep.borrowers),
                    "loans": len(prep.loan_ids),
                    "disbursements": prep.disbursements,
                    "payments": prep.payments,
                    "ledger_entries": prep.entry_count,
                    "loan_ids": prep.loan_ids,
                    "borrower_ids": [b["id"] for b in prep.borrowers],
                    "sha256": prep.digest,
                },
                now,
            )
        )
        progress(len(prep.loan_ids) + prep.payments)
    return audits


#: One new loan to write: (row, borrower id, product version id, jurisdiction, whether to create the borrower).
_Job = tuple["_LoanRow", str, str | None, str, bool]


def _borrower_row(lr: _LoanRow, bid: str, jurisdiction: str, now: datetime) -> dict[str, Any]:
    """The borrower a new loan's row creates (its personal data in clear, sealed by the caller)."""
    b = lr.borrower
    return {
        "id": bid,
        "external_ref": str(b["external_ref"]),
        "name": str(b["name"]).strip(),
        "phone": b["phone"],
        "email": b["email"],
        "id_number": b["id_number"],
        "timezone": b["timezone"],
        "jurisdiction": (b["jurisdiction"] or jurisdiction).upper(),
        "language": b["language"] or "zh-CN",
        "created_at": now,
    }


@dataclass
class _Prepared:
    """One chunk's rows, ready to store: ``COPY`` text (PostgreSQL) or dict rows (elsewhere)."""

    borrowers: list[dict[str, Any]]  # plain personal data (sealed by the caller), blind indexes computed
    loans: bytes | list[dict[str, Any]]
    events: bytes | list[dict[str, Any]]
    entries: bytes | list[dict[str, Any]]
    loan_ids: list[str]
    payments: int
    disbursements: int
    entry_count: int
    digest: str


#: The columns of the rows ``loan_rows_of`` gives, in the order of their tuples (the tables' column order: the
#: ``COPY`` lines are written straight from the tuples; checked against the models when this module loads).
LOAN_COLUMNS = (
    "id",
    "external_ref",
    "borrower_id",
    "product_version_id",
    "terms",
    "currency",
    "principal_minor",
    "jurisdiction",
    "status",
    "bucket_set",
    "waterfall",
    "bucket",
    "created_at",
    "approved_at",
    "closed_at",
)
EVENT_COLUMNS = ("id", "loan_id", "key", "type", "date", "amount_minor", "payload", "actor", "recorded_at")
ENTRY_COLUMNS = (
    "id",
    "loan_id",
    "event_id",
    "kind",
    "instalment_number",
    "component",
    "amount_minor",
    "currency",
    "value_date",
    "booked_at",
)
for _model, _names in ((Loan, LOAN_COLUMNS), (LoanEvent, EVENT_COLUMNS), (LedgerEntry, ENTRY_COLUMNS)):
    if tuple(c.name for c in _model.__table__.columns) != _names:  # pragma: no cover - update the tuples
        raise RuntimeError(f"import_write: the columns of {_model.__tablename__} changed")


def _prepare(
    data: tuple[list[_Job], dict[str, list[_PaymentRow]], str, datetime, bool], start: int, stop: int
) -> _Prepared:
    """The rows of jobs[start:stop] (pure; runs in a worker process). On PostgreSQL each row's ``COPY`` line and
    its ``chunk_digest`` line are written in one pass over the row tuples (no dict per row); elsewhere the rows
    become dicts for the batched ``INSERT``s."""
    jobs, payments, actor, now, as_copy = data
    # Ids increasing within the chunk and from chunk to chunk (``OrderedIds``): the server's index inserts append.
    ids = OrderedIds(now, block=start // BATCH + 1)
    borrowers: list[dict[str, Any]] = []
    loans: list[tuple[Any, ...]] = []
    events: list[tuple[Any, ...]] = []
    entries: list[tuple[Any, ...]] = []
    n_payments = 0
    for lr, bid, version_id, jurisdiction, fresh in jobs[start:stop]:
        if fresh:
            row = _borrower_row(lr, bid, jurisdiction, now)
            for kind in ("phone", "email", "id_number"):
                value = row[kind]
                row[f"{kind}_bidx"] = None if value is None else blind_index(kind, value)
            borrowers.append(row)
        pays = payments.get(lr.ref, [])
        n_payments += len(pays)
        loan, loan_events, loan_entries = loan_rows_of(
            lr, bid, version_id, jurisdiction, pays, actor, now, ids, json_text=as_copy
        )
        loans.append(loan)
        events += loan_events
        entries += loan_entries
    lines = [f"b|{b['id']}|{b['external_ref']}" for b in borrowers]
    if as_copy:
        text = _CopyText(now, actor)
        loan_copy = text.loans(loans, lines)
        event_copy = text.events(events, lines)
        entry_copy = text.entries(entries, lines)
        out_loans: bytes | list[dict[str, Any]] = loan_copy
        out_events: bytes | list[dict[str, Any]] = event_copy
        out_entries: bytes | list[dict[str, Any]] = entry_copy
    else:
        out_loans = [dict(zip(LOAN_COLUMNS, t, strict=True)) for t in loans]
        out_events = [dict(zip(EVENT_COLUMNS, t, strict=True)) for t in events]
        out_entries = [dict(zip(ENTRY_COLUMNS, t, strict=True)) for t in entries]
        lines += [f"l|{t[0]}|{t[1]}|{t[2]}|{t[8]}|{t[6]}|{t[5]}" for t in loans]
        lines += [f"e|{t[0]}|{t[1]}|{t[2]}|{t[3]}|{t[4]}|{t[5]}" for t in events]
        lines += [f"x|{t[0]}|{t[2]}|{t[3]}|{t[4]}|{t[5]}|{t[6]}" for t in entries]
    return _Prepared(
        borrowers=borrowers,
        loans=out_loans,
        events=out_events,
        entries=out_entries,
        loan_ids=[t[0] for t in loans],
        payments=n_payments,
        disbursements=len(events) - n_payments,
        entry_count=len(entries),
        digest=_digest_of_lines(lines),
    )


def _digest_of_lines(lines: list[str]) -> str:
    """SHA-256 of the lines sorted, each followed by a newline (``chunk_digest``'s hash, one update)."""
    lines.sort()
    lines.append("")
    return hashlib.sha256("\n".join(lines).encode()).hexdigest()


def _escaped(text: str) -> str:
    """``text`` as a ``COPY`` text cell (backslash, tab, newline and carriage return escaped)."""
    if "\\" in text or "\t" in text or "\n" in text or "\r" in text:
        return text.translate(_ESCAPES)
    return text


def _cell(value: Any) -> str:
    """Any value as a ``COPY`` cell: ``\\N`` for None, else ``str`` escaped (the rare columns: ids read from the
    database, nullable text)."""
    return _NULL if value is None else _escaped(str(value))


class _CopyText:
    """``COPY`` text of ``loan_rows_of``'s tuples, one line per row written directly (a chunk's timestamps and
    dates formatted once), with the ``chunk_digest`` line of each row appended to ``lines`` in the same pass.
    Equal to ``copy_text`` of the rows as dicts (``tests/ledger/unit/test_copy_text.py``)."""

    def __init__(self, now: datetime, actor: str) -> None:
        self.now = str(now)
        self.actor = _escaped(actor)
        self.times: dict[datetime, str] = {}
        self.dates: dict[date, str] = {}

    def _time(self, at: datetime) -> str:
        text = self.times.get(at)
        if text is None:
            text = self.times[at] = str(at)
        return text

    def _date(self, on: date) -> str:
        text = self.dates.get(on)
        if text is None:
            text = self.dates[on] = str(on)
        return text

    def loans(self, rows: list[tuple[Any, ...]], lines: list[str]) -> bytes:
        out: list[str] = []
        for (
            lid,
            ref,
            bid,
            version,
            terms,
            currency,
            principal,
            jurisdiction,
            status,
            bucket_set,
            waterfall,
            bucket,
            created,
            approved,
            closed,
        ) in rows:
            out.append(
                f"{_cell(lid)}\t{_cell(ref)}\t{_cell(bid)}\t{_cell(version)}\t"
                f"{_NULL if terms is None else _escaped(terms)}\t{_cell(currency)}\t{_cell(principal)}\t"
                f"{_cell(jurisdiction)}\t{_cell(status)}\t{_cell(bucket_set)}\t"
                f"{_NULL if waterfall is None else _escaped(waterfall)}\t{_cell(bucket)}\t"
                f"{_NULL if created is None else self._time(created)}\t"
                f"{_NULL if approved is None else self._time(approved)}\t"
                f"{_NULL if closed is None else self._time(closed)}\n"
            )
            lines.append(f"l|{lid}|{ref}|{bid}|{status}|{principal}|{currency}")
        return "".join(out).encode()

    def events(self, rows: list[tuple[Any, ...]], lines: list[str]) -> bytes:
        out: list[str] = []
        append, line = out.append, lines.append
        day, at = self._date, self._time
        actor = self.actor
        for eid, lid, key, type_, on, amount, payload, _actor, recorded in rows:
            append(
                f"{eid}\t{lid}\t{_escaped(key)}\t{type_}\t{day(on)}\t"
                f"{_NULL if amount is None else amount}\t{_escaped(payload)}\t{actor}\t{at(recorded)}\n"
            )
            line(f"e|{eid}|{lid}|{key}|{type_}|{on}|{amount}")
        return "".join(out).encode()

    def entries(self, rows: list[tuple[Any, ...]], lines: list[str]) -> bytes:
        out: list[str] = []
        append, line = out.append, lines.append
        day, at = self._date, self._time
        for xid, lid, eid, kind, number, component, amount, currency, on, booked in rows:
            append(
                f"{xid}\t{lid}\t{eid}\t{kind}\t{_NULL if number is None else number}\t{component}\t"
                f"{amount}\t{currency}\t{day(on)}\t{at(booked)}\n"
            )
            line(f"x|{xid}|{eid}|{kind}|{number}|{component}|{amount}")
        return "".join(out).encode()


def chunk_digest(
    borrowers: Sequence[Mapping[str, Any]],
    loans: Sequence[Mapping[str, Any]],
    events: Sequence[Mapping[str, Any]],
    entries: Sequence[Mapping[str, Any]],
) -> str:
    """SHA-256 over one line per stored row, sorted (so the rows read back from the database give the same digest):
    borrowers (id, ref), loans (id, ref, borrower, status, principal, currency), events (id, loan, key,
    type, date, amount) and ledger entries (id, event, kind, instalment, component, amount). A row changed, added
    or removed after the import no longer matches the audit record (``verify_chunk``)."""
    lines = (
        [f"b|{b['id']}|{b['external_ref']}" for b in borrowers]
        + [
            f"l|{ln['id']}|{ln['external_ref']}|{ln['borrower_id']}|{ln['status']}|{ln['principal_minor']}|"
            f"{ln['currency']}"
            for ln in loans
        ]
        + [
            f"e|{e['id']}|{e['loan_id']}|{e['key']}|{e['type']}|{e['date']}|{e['amount_minor']}"
            for e in events
        ]
        + [
            f"x|{x['id']}|{x['event_id']}|{x['kind']}|{x['instalment_number']}|{x['component']}|{x['amount_minor']}"
            for x in entries
        ]
    )
    return _digest_of_lines(lines)


def verify_chunk(session: Session, payload: Mapping[str, Any]) -> bool:
    """Recompute ``chunk_digest`` of an import chunk's audit payload from the rows stored now."""
    ids = list(payload["loan_ids"])
    loans = [dict(r._mapping) for r in session.execute(select(Loan.__table__).where(Loan.id.in_(ids)))]
    events = [
        dict(r._mapping)
        for r in session.execute(select(LoanEvent.__table__).where(LoanEvent.loan_id.in_(ids)))
    ]
    entries = [
        dict(r._mapping)
        for r in session.execute(select(LedgerEntry.__table__).where(LedgerEntry.loan_id.in_(ids)))
    ]
    borrowers = [
        dict(r._mapping)
        for r in session.execute(
            select(Borrower.__table__).where(Borrower.id.in_(list(payload["borrower_ids"])))
        )
    ]
    return chunk_digest(borrowers, loans, events, entries) == payload["sha256"]


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


def loan_rows_of(
    lr: _LoanRow,
    borrower_id: str,
    version_id: str | None,
    jurisdiction: str,
    pays: list[_PaymentRow],
    actor: str,
    now: datetime,
    ids: Callable[[str], str] = new_id,
    *,
    json_text: bool = False,
) -> tuple[tuple[Any, ...], list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The rows the services would store for one new loan, as tuples in the tables' column order
    (``LOAN_COLUMNS``, ``EVENT_COLUMNS``, ``ENTRY_COLUMNS``); with ``json_text`` the JSON columns (terms,
    waterfall, payload) hold their compact JSON text (what ``COPY`` stores), else the values. Pure: ids are fresh —
    from ``ids``, ``new_id`` by default — nothing is read or written."""
    terms = lr.parsed
    assert terms is not None
    currency = terms.currency
    loan_id = ids("loan")
    events: list[tuple[Any, ...]] = []
    entries: list[tuple[Any, ...]] = []
    core: list[Disbursement | Payment] = []
    event_ids: dict[str, tuple[str, date]] = {}
    # One microsecond apart in the order the replay applied them (tranches, then payments by date and row), as one
    # service call after another: a later replay orders a day's events by it (``repository.events_of``), not by the
    # random ids.
    status = "approved"
    if lr.disbursed_on is not None:
        status = "active"
        for i, tranche in enumerate(terms.disbursements):
            on = max(tranche.date, lr.disbursed_on)
            key = f"disbursement-{i + 1}"
            amount = tranche.amount_minor
            payload: Any = event_json(
                "disbursement", key=key, on=on, amount_minor=amount, extra={}, currency=currency
            )
            eid = ids("ev")
            events.append(
                (
                    eid,
                    loan_id,
                    key,
                    "disbursement",
                    on,
                    amount,
                    _json_text(payload) if json_text else payload,
                    actor,
                    now + timedelta(microseconds=len(events)),
                )
            )
            event_ids[key] = (eid, on)
            entries.append(
                (ids("le"), loan_id, eid, "disbursement", None, "principal", amount, currency, on, now)
            )
            core.append(Disbursement(on, amount))
    if pays:
        money = _money_text(currency)
        for p in sorted(pays, key=_payment_order):
            on, key, amount, mode = p.date, p.key, p.amount_minor, p.prepayment
            if json_text:
                payload = _payment_json(key, on, money(amount), mode)
            else:
                payload = event_json(
                    "payment",
                    key=key,
                    on=on,
                    amount_minor=amount,
                    extra={"prepayment": mode},
                    currency=currency,
                )
            eid = ids("ev")
            events.append(
                (
                    eid,
                    loan_id,
                    key,
                    "payment",
                    on,
                    amount,
                    payload,
                    actor,
                    now + timedelta(microseconds=len(events)),
                )
            )
            event_ids[key] = (eid, on)
            core.append(Payment(key, on, amount, PrepaymentMode(mode) if mode else None))
    closed = False
    if pays:
        postings, closed = replay_posting_rows(
            terms,
            core,
            max(p.date for p in pays),
            waterfall=waterfall_from_json(lr.waterfall) if lr.waterfall else None,
            bucket_set=BUCKET_SETS["cn"],
        )
        totals: dict[tuple[str, str, int | None, str], int] = defaultdict(int)
        for event_key, _on, posted_kind, posted_number, c, posted in postings:
            if c is None:
                totals[(event_key, posted_kind, None, "credit")] += posted
            else:
                totals[(event_key, posted_kind, posted_number, _COMPONENT_TEXT[c])] += posted
        for (key, kind, number, component), total in sorted(
            totals.items(), key=lambda kv: (kv[0][0], kv[0][1], kv[0][2] or 0, kv[0][3])
        ):
            if total:
                eid, on = event_ids[key]
                entries.append((ids("le"), loan_id, eid, kind, number, component, total, currency, on, now))
    terms_json: Any = terms_to_json(terms)
    waterfall: Any = lr.waterfall
    if json_text:
        terms_json = _json_text(terms_json)
        waterfall = None if waterfall is None else _json_text(waterfall)
    loan = (
        loan_id,
        lr.ref,
        borrower_id,
        version_id,
        terms_json,
        currency,
        terms.principal_minor,
        jurisdiction,
        "closed" if closed else status,
        "cn",
        waterfall,
        None,
        now,
        now,
        now if closed else None,
    )
    return loan, events, entries


#: ``Component.value`` looked up without the enum's descriptor (once per posting).
_COMPONENT_TEXT = {c: c.value for c in Component}


def _payment_order(p: _PaymentRow) -> tuple[date, int]:
    return (p.date, p.row)


def _money_text(currency: str) -> Callable[[int], str]:
    """``format_minor`` for one currency (its exponent looked up once)."""
    exp = exponent(currency)
    if exp == 0:
        return str
    scale = 10**exp

    def text(minor: int) -> str:
        if minor < 0:
            return format_minor(minor, currency)
        whole, frac = divmod(minor, scale)
        return f"{whole}.{frac:0{exp}d}"

    return text


def _payment_json(key: str, on: date, amount: str, prepayment: str | None) -> str:
    """``_json_text(event_json("payment", …))`` written directly: the payment's stored payload as compact JSON."""
    mode = "" if not prepayment else f',"prepayment":{_json_string(PrepaymentMode(prepayment).value)}'
    return (
        f'{{"type":"payment","key":{_json_string(key)},"date":"{on.isoformat()}","amount":"{amount}"{mode}}}'
    )


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
    ids: Callable[[str], str] = new_id,
) -> dict[str, Any]:
    return {
        "id": ids("le"),
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
    if rows:
        _store(
            session,
            table,
            copy_text(table, rows) if session.connection().dialect.name == "postgresql" else rows,
        )


def _store(session: Session, table: Table, rows: bytes | list[dict[str, Any]]) -> None:
    """Store ``COPY`` text (PostgreSQL) or dict rows (one executemany per ``BATCH``)."""
    if not rows:
        return
    conn = session.connection()
    if isinstance(rows, list):
        for start in range(0, len(rows), BATCH):
            conn.execute(insert(table), rows[start : start + BATCH])
        return
    columns = ", ".join(c.name for c in table.columns)
    raw = conn.connection.driver_connection
    assert raw is not None
    with raw.cursor() as cur, cur.copy(f'COPY "{table.name}" ({columns}) FROM STDIN') as copy:
        copy.write(rows)


_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


_NULL = "\\N"


def _json_text(v: Any) -> str:
    return json.dumps(v, ensure_ascii=False, separators=(",", ":"))


#: ``json.dumps(text, ensure_ascii=False)`` of a string (what ``_json_text`` writes for one).
_json_string: Callable[[str], str] = json.encoder.encode_basestring


_SPECIAL = ("\\", "\t", "\n", "\r")
_NONE = type(None)


def _column_text(values: list[Any], is_json: bool) -> list[str]:
    """One column's cells as ``COPY`` text: one pass per column with the conversion its values need (text as it
    is, integers through ``str``, dates and timestamps through a cache — they repeat), escaping only a column
    whose text holds a character ``COPY`` treats specially (checked once over the whole column)."""
    if is_json:
        texts = [_NULL if v is None else _json_text(v) for v in values]
        check = True
    else:
        kinds = {v.__class__ for v in values}
        kinds.discard(_NONE)
        if kinds <= {str}:
            texts = [_NULL if v is None else v for v in values]
            check = True
        elif kinds <= {int}:
            return [_NULL if v is None else str(v) for v in values]
        elif kinds <= {date} or kinds <= {datetime}:
            text_of: dict[Any, str] = {}
            return [_NULL if v is None else (text_of.get(v) or text_of.setdefault(v, str(v))) for v in values]
        else:
            texts = [_NULL if v is None else str(v) for v in values]
            check = True
    if check:
        # Fast path: no special character in the whole column (the NULL markers are not in ``values``).
        blob = "".join([t for t, v in zip(texts, values, strict=True) if v is not None])
        if any(ch in blob for ch in _SPECIAL):
            texts = [t if v is None else t.translate(_ESCAPES) for t, v in zip(texts, values, strict=True)]
    return texts


def _values(rows: Sequence[Mapping[str, Any]], name: str) -> list[Any]:
    """Column ``name`` of ``rows`` (None where a row lacks it)."""
    try:
        return list(map(itemgetter(name), rows))
    except KeyError:
        return [r.get(name) for r in rows]


def copy_text(table: Table, rows: Sequence[Mapping[str, Any]]) -> bytes:
    """``rows`` in PostgreSQL's ``COPY`` text format, the table's columns in order (``\\N`` for NULL; JSON columns
    as compact JSON; tabs, newlines, carriage returns and backslashes escaped)."""
    if not rows:
        return b""
    columns = [
        _column_text(_values(rows, c.name), c.type.__class__.__name__ == "JSON") for c in table.columns
    ]
    lines = list(map("\t".join, zip(*columns, strict=True)))
    lines.append("")
    return "\n".join(lines).encode()


#: The audit action of one chunk of payments for loans stored before the import (see ``write_stored_payments``).
PAYMENTS_ACTION = "ledger.import.payments"


class StoredRef(Protocol):
    """A stored loan as the import looked it up: its id is all the write needs (it locks and reads the loan)."""

    @property
    def id(self) -> str: ...


def write_stored_payments(
    session: Session,
    loans: Mapping[str, StoredRef],
    payments: Sequence[_PaymentRow],
    actor: str,
    progress: Callable[[int], None],
    *,
    source: str = "",
) -> tuple[int, list[dict[str, Any]]]:
    """Post ``payments`` (new, validated, in ``(loan_ref, date, row)`` order) to the stored ``loans`` (by ref) in
    bulk: what ``ledger.service.post_payment`` stores one call at a time, without a round trip per payment.

    The loans are locked once (``SELECT … FOR UPDATE``, in id order), their events and entry totals read in a few
    queries; then per loan, payment after payment, the event is appended in memory, the loan replayed
    (``booking_core.replay_loan_detailed``, the service's own replay) and the difference between the replay's
    postings and the entries so far booked as entries attributed to that payment — exactly ``_sync_entries`` —
    and the status follows (``closed`` when repaid). Events and entries go in by ``COPY`` (PostgreSQL) or batched
    ``INSERT``s. Returns (payments posted, audit entries): one ``PAYMENTS_ACTION`` record per ``BATCH`` payments
    naming the loans and events and a SHA-256 of the rows (``payments_digest``; ``verify_payments_chunk``) —
    for the caller to append after the data, as with ``write_new_loans``.
    """
    if not payments:
        return 0, []
    ids = sorted({loans[p.loan_ref].id for p in payments})
    locked = _lock_loans(session, ids)
    history = repo.events_for(session, ids)
    totals = _entry_totals(session, ids)
    now = utc_now()
    new_ids = OrderedIds(now)
    events: list[dict[str, Any]] = []
    entries: list[dict[str, Any]] = []
    audits: list[dict[str, Any]] = []
    chunk_loans: dict[str, None] = {}
    posted = 0

    def flush() -> None:
        nonlocal events, entries, chunk_loans
        as_copy = session.connection().dialect.name == "postgresql"
        session.flush()  # the loans' status changes first
        _store(session, LoanEvent.__table__, copy_text(LoanEvent.__table__, events) if as_copy else events)  # type: ignore[arg-type]
        _store(
            session,
            LedgerEntry.__table__,  # type: ignore[arg-type]
            copy_text(LedgerEntry.__table__, entries) if as_copy else entries,  # type: ignore[arg-type]
        )
        audits.append(
            _audit(
                actor,
                PAYMENTS_ACTION,
                "import",
                source or "import",
                {
                    "chunk": len(audits) + 1,
                    "payments": len(events),
                    "ledger_entries": len(entries),
                    "loan_ids": list(chunk_loans),
                    "event_ids": [e["id"] for e in events],
                    "sha256": payments_digest(events, entries),
                },
                now,
            )
        )
        progress(len(events))
        events, entries, chunk_loans = [], [], {}

    for step, p in enumerate(payments, start=1):
        loan = locked[loans[p.loan_ref].id]
        # recorded_at increases in posting order, as one service call after another: the replay orders a day's
        # events by it (``repository.events_of``).
        e = LoanEvent(
            id=new_ids("ev"),
            loan_id=loan.id,
            key=p.key,
            type="payment",
            date=p.date,
            amount_minor=p.amount_minor,
            payload=event_json(
                "payment",
                key=p.key,
                on=p.date,
                amount_minor=p.amount_minor,
                extra={"prepayment": p.prepayment},
                currency=loan.currency,
            ),
            actor=actor,
            recorded_at=now + timedelta(microseconds=step),
        )
        stored = history[loan.id]
        # ``repository.events_of`` order, then the new event (as ``_append`` replays): stable on the database's
        # order for the stored events of one instant.
        ordered = [*sorted(stored, key=lambda x: (x.date, x.recorded_at)), e]
        replayed = replay_loan_detailed(loan, ordered, max(x.date for x in ordered))
        stored.append(e)
        events.append({c.name: getattr(e, c.name) for c in LoanEvent.__table__.columns})
        target: dict[tuple[str, int | None, str], int] = defaultdict(int)
        for x in replayed.postings:
            component = x.component.value if x.component else "credit"
            target[(x.kind, x.number if x.component is not None else None, component)] += x.amount_minor
        have = totals[loan.id]
        for k in sorted(set(target) | set(have), key=lambda k: (k[0], k[1] or 0, k[2])):
            delta = target.get(k, 0) - have.get(k, 0)
            if delta:
                entries.append(
                    _entry(loan.id, e.id, k[0], k[1], k[2], delta, loan.currency, e.date, now, new_ids)
                )
                have[k] = have.get(k, 0) + delta
        closed = replayed.state.closed
        if closed and loan.status == "active":
            loan.status, loan.closed_at = "closed", now
        elif not closed and loan.status == "closed":
            loan.status, loan.closed_at = "active", None
        chunk_loans[loan.id] = None
        posted += 1
        if len(events) >= BATCH:
            flush()
    if events:
        flush()
    return posted, audits


def _lock_loans(session: Session, ids: Sequence[str]) -> dict[str, Loan]:
    """The loans ``ids`` (sorted), row-locked until the transaction ends, in id order (no deadlock with another
    writer locking several): ``repository.lock_loan`` for many, a few queries."""
    out: dict[str, Loan] = {}
    sqlite = session.get_bind().dialect.name == "sqlite"
    for i in range(0, len(ids), 500):
        part = list(ids[i : i + 500])
        if sqlite:
            session.execute(update(Loan).where(Loan.id.in_(part)).values(id=Loan.id))
        rows = session.execute(
            select(Loan)
            .where(Loan.id.in_(part))
            .order_by(Loan.id)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).scalars()
        out.update({ln.id: ln for ln in rows})
    return out


def _entry_totals(session: Session, ids: Sequence[str]) -> dict[str, dict[tuple[str, int | None, str], int]]:
    """``repository.entry_totals`` of many loans, posting kinds only (what ``_sync_entries`` compares with)."""
    t = LedgerEntry.__table__
    out: dict[str, dict[tuple[str, int | None, str], int]] = {i: {} for i in ids}
    for i in range(0, len(ids), 500):
        rows = session.execute(
            select(t.c.loan_id, t.c.kind, t.c.instalment_number, t.c.component, func.sum(t.c.amount_minor))
            .where(t.c.loan_id.in_(list(ids[i : i + 500])), t.c.kind.in_(POSTING_KINDS))
            .group_by(t.c.loan_id, t.c.kind, t.c.instalment_number, t.c.component)
        )
        for loan_id, kind, number, component, total in rows:
            out[loan_id][(kind, number, component)] = int(total or 0)
    return out


def payments_digest(events: Sequence[Mapping[str, Any]], entries: Sequence[Mapping[str, Any]]) -> str:
    """SHA-256 over one line per event and entry of a ``PAYMENTS_ACTION`` chunk (the lines of ``chunk_digest``)."""
    return chunk_digest([], [], events, entries)


def verify_payments_chunk(session: Session, payload: Mapping[str, Any]) -> bool:
    """Recompute ``payments_digest`` of a payments chunk's audit payload from the rows stored now."""
    ids = list(payload["event_ids"])
    events = [
        dict(r._mapping) for r in session.execute(select(LoanEvent.__table__).where(LoanEvent.id.in_(ids)))
    ]
    entries = [
        dict(r._mapping)
        for r in session.execute(select(LedgerEntry.__table__).where(LedgerEntry.event_id.in_(ids)))
    ]
    return payments_digest(events, entries) == payload["sha256"]
