"""Import loans, schedules (explicit due dates) and payments from CSV or Parquet files of an existing core system.

Three phases: read every file, validate every row (collecting *all* errors, each naming file, row and field; the
cost-cap checks in worker processes), and only then write — new loans in bulk (``import_write``: one replay per
loan in worker processes, ``COPY`` on PostgreSQL, one audit record per chunk), payments for loans stored earlier
in bulk as well (the payment service's replay per payment, ``COPY``) — inside the caller's single transaction. Re-running the
same files changes nothing: loans are matched by ``external_ref`` and payments by their idempotency ``key``.
Row numbers count data rows from 1 (the CSV header line is not counted). Columns: see docs/import.md.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any, NamedTuple, get_args

from sqlalchemy import select
from sqlalchemy.orm import Session

from faircollect.compliance.audit import service as audit
from faircollect.compliance.rulebook import JURISDICTIONS
from faircollect.config import get_settings
from faircollect.kit.errors import CapExceeded, Conflict, FaircollectError, ValidationError, ValidationErrors
from faircollect.kit.money import check_currency, to_minor
from faircollect.kit.text import text_problem
from faircollect.kit.time import business_date, check_date_range, parse_date, utc_now, zone
from faircollect.kit.types import Language
from faircollect.ledger import caps, service
from faircollect.ledger import repository as repo
from faircollect.ledger.import_constraints import foreign_keys_checked_at_end, is_large
from faircollect.ledger.import_pool import default_workers, start_slices
from faircollect.ledger.import_read import (
    DECIMAL_COLUMNS,
    PLAIN_DECIMAL,
    cell_text,
    iter_records,
    read_records,
)
from faircollect.ledger.import_write import write_new_loans, write_stored_payments
from faircollect.ledger.models import Loan, LoanEvent
from faircollect.ledger.terms_json import max_amount_minor, parse_terms, terms_to_json
from faircollect.ledger.types import LoanTerms, PrepaymentMode

LOAN_COLUMNS = {
    "external_ref": True,
    "borrower_ref": True,
    "borrower_name": True,
    "borrower_phone": False,
    "borrower_email": False,
    "borrower_id_number": False,
    "borrower_timezone": False,
    "borrower_language": False,
    "borrower_jurisdiction": False,
    "product_code": False,
    "currency": False,
    "principal": False,  # required unless disbursements are given (checked per row)
    "annual_rate": False,
    "method": False,
    "term": False,
    "frequency": False,
    "start_date": True,
    "first_due_date": False,
    "interest_basis": False,
    "days_in_year": False,
    "days_in_month": False,
    "rounding": False,
    "instalment_multiple": False,
    "instalment_rounding": False,
    "grace_on_principal": False,
    "penalty_basis": False,
    "penalty_multiple": False,
    "penalty_daily_rate": False,
    "penalty_grace_days": False,
    "late_fee": False,
    "fees": False,
    "disbursements": False,
    "disbursed_on": False,
    "jurisdiction": False,
    "waterfall": False,
}
SCHEDULE_COLUMNS = {"loan_ref": True, "number": True, "due_date": True}
PAYMENT_COLUMNS = {
    "loan_ref": True,
    "key": True,
    "date": True,
    "amount": True,
    "currency": False,
    "prepayment": False,
}
_TERM_FIELDS = (
    "annual_rate",
    "method",
    "term",
    "frequency",
    "first_due_date",
    "interest_basis",
    "days_in_year",
    "days_in_month",
    "rounding",
    "instalment_multiple",
    "instalment_rounding",
    "grace_on_principal",
)
#: TERMS.json ``penalty`` fields as flat columns.
_PENALTY_COLUMNS = {
    "penalty_basis": "basis",
    "penalty_multiple": "multiple",
    "penalty_daily_rate": "daily_rate",
    "penalty_grace_days": "grace_days",
    "late_fee": "late_fee",
}
#: TERMS.json fields given as JSON text in one column (lists of objects).
_JSON_COLUMNS = ("fees", "disbursements")
#: Where the core's field names land in the loans file (error messages name the column).
_COLUMN_OF = {
    "due_dates": "due_date",
    **{f"penalty.{v}": k for k, v in _PENALTY_COLUMNS.items()},
    "penalty": "penalty_multiple",
}


@dataclass
class ImportResult:
    borrowers_created: int = 0
    loans_created: int = 0
    loans_unchanged: int = 0
    payments_posted: int = 0
    payments_unchanged: int = 0
    rows_read: dict[str, int] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return {
            "borrowers_created": self.borrowers_created,
            "loans_created": self.loans_created,
            "loans_unchanged": self.loans_unchanged,
            "payments_posted": self.payments_posted,
            "payments_unchanged": self.payments_unchanged,
            "rows_read": dict(self.rows_read),
        }


@dataclass(slots=True)
class _LoanRow:
    row: int
    ref: str
    borrower: dict[str, str | None]
    product_code: str | None
    terms: dict[str, Any]
    disbursed_on: date | None
    jurisdiction: str | None
    parsed: LoanTerms | None = None
    waterfall: dict[str, Any] | None = None
    #: Its schedules rows have an error (reported there): its terms are not checked, so that the loan's row
    #: does not add a second, derived error ("term required" when the due dates were refused).
    schedule_refused: bool = False


@dataclass(slots=True)
class _PaymentRow:
    row: int
    loan_ref: str
    key: str
    date: date
    amount_minor: int
    prepayment: str | None
    #: Booked before with the same content (a re-run): counted as unchanged, nothing written.
    exists: bool = False


def _no_float(text: str) -> str:
    raise ValidationError(f'{text} is a JSON number; write amounts and rates as strings ("{text}")')


def read_rows(path: Path, *, encoding: str | None = None) -> list[dict[str, Any]]:
    """The rows of a CSV, ``.xlsx`` or Parquet file as dicts (raises the first problem found)."""
    errors: list[FaircollectError] = []
    records = read_records(path, errors, encoding=encoding)
    if errors:
        raise errors[0]
    return [r for _, r in records or []]


def _rows(
    path: Path, columns: Mapping[str, bool], errors: list[FaircollectError], encoding: str | None = None
) -> list[tuple[int, dict[str, str | None]]]:
    """The checked rows of a file as (row number, {column: text or None})."""
    names, rows = _cells(path, columns, errors, encoding)
    out: list[Any] = rows
    for n, (i, cells) in enumerate(rows):
        out[n] = (i, dict(zip(names, cells, strict=True)))  # in place: never both forms of the file at once
    return out


def _cells(
    path: Path,
    columns: Mapping[str, bool],
    errors: list[FaircollectError],
    encoding: str | None = None,
    shared: tuple[str, ...] = (),
) -> tuple[list[str], list[tuple[int, tuple[str | None, ...]]]]:
    """(header, rows as (row number, cells in header order: text or None)), each cell checked (``cell_text``) and
    each required one present; errors name the file, row and column. Compact: a tuple per row, and one string per
    distinct value of the ``shared`` columns (a payments file repeats its loan refs and dates)."""
    name = str(path)
    found = iter_records(path, errors, encoding=encoding)
    if found is None:
        return [], []
    names, raw = found
    header = set(names)
    missing = [c for c, required in columns.items() if required and c not in header]
    for c in missing:
        errors.append(ValidationError("required column is missing", file=name, field=c))
    unknown = sorted(h for h in header if h not in columns)
    for c in unknown:
        errors.append(ValidationError(f"unknown column; known: {', '.join(columns)}", file=name, field=c))
    if missing or unknown:
        return names, []
    required = [names.index(c) for c, needed in columns.items() if needed]
    decimal = [k in DECIMAL_COLUMNS for k in names]
    longest = [_TEXT_LIMITS.get(k, _MAX_CELL_CHARS) for k in names]
    pool: list[dict[str, str] | None] = [{} if k in shared else None for k in names]
    out = []
    # The rows are streamed from the file (never held twice); a CSV cell (text) is checked here without a call per
    # cell — the same result as ``cell_text``, which handles everything else and words the refusals.
    for i, r in raw:
        cells: list[str | None] = []
        for k, v, dec, same, most in zip(names, r, decimal, pool, longest, strict=True):
            if v.__class__ is str:
                text = v.strip()
                if not text:
                    cells.append(None)
                    continue
                # Clean text within its column (the API's rule, kit/text.py): str.isprintable is the quick test,
                # text_problem the exact one (it allows what isprintable does not: CJK and no-break spaces).
                if len(text) > most or (not text.isprintable() and _cell_problem(text, k)):
                    errors.append(
                        ValidationError(
                            _cell_problem(text, k)
                            or f"is {len(text)} characters long; at most {most} allowed",
                            file=name,
                            row=i,
                            field=k,
                        )
                    )
                    cells.append(text)
                    continue
                if not dec or PLAIN_DECIMAL.match(text):
                    cells.append(text if same is None else same.setdefault(text, text))
                    continue
            try:
                cells.append(cell_text(v, file=name, row=i, column=k))
            except FaircollectError as exc:
                errors.append(exc)
                cells.append(
                    str(v)
                )  # later checks of this row still run; their error on this cell is dropped
        for at in required:
            if not cells[at]:
                errors.append(ValidationError("required value is empty", file=name, row=i, field=names[at]))
        out.append((i, tuple(cells)))
    return names, out


#: The longest text each column may hold: its database column (or the API's bound for the same value).
_TEXT_LIMITS = {
    "external_ref": 80,
    "borrower_ref": 80,
    "loan_ref": 80,
    "key": 120,
    "borrower_name": 200,
    "borrower_phone": 40,
    "borrower_email": 200,
    "borrower_id_number": 40,
    "borrower_timezone": 64,
    "borrower_language": 16,
    "product_code": 60,
}
#: Languages with message catalogs and templates (``kit.types.Language``, as the API accepts).
_LANGUAGES: tuple[str, ...] = get_args(Language)
#: Any other cell (terms, and the JSON of fees and disbursements).
_MAX_CELL_CHARS = 20_000
#: Columns that may hold line breaks (JSON text); every other cell is one line.
_MULTI_LINE_COLUMNS = frozenset(_JSON_COLUMNS)


def _cell_problem(text: str, column: str) -> str | None:
    """What makes a cell's text unacceptable (kit.text): a NUL, a control character, a lone surrogate, a line
    break where one line is expected. A tab is kept: banks write payment keys with tabs (the write escapes them)."""
    return text_problem(text.replace("\t", " "), single_line=column not in _MULTI_LINE_COLUMNS)


def _first_per_place(errors: list[FaircollectError]) -> list[FaircollectError]:
    """One error per file, row and field: the first found (a refused cell is not reported again by the checks
    that read it later)."""
    seen: set[tuple[str | None, int | None, str | None]] = set()
    out = []
    for e in errors:
        place = (e.file, e.row, e.field)
        if e.row is not None and e.field is not None and place in seen:
            continue
        seen.add(place)
        out.append(e)
    return out


def _relocate(
    exc: FaircollectError, *, file: str, row: int, column_of: Mapping[str, str] | None = None
) -> FaircollectError:
    """Re-address an error from the core (which names a terms field) to the file, row and column."""
    fieldname = exc.field or ""
    if fieldname.startswith("terms."):
        fieldname = fieldname[len("terms.") :]
    if column_of:
        head = fieldname.split("[")[0]
        fieldname = column_of.get(head, column_of.get(head.split(".")[0], head.split(".")[0] or fieldname))
    return type(exc)(exc.message, file=file, row=row, field=fieldname or None)


def import_files(
    session: Session,
    *,
    loans: Path | None = None,
    payments: Path | None = None,
    schedules: Path | None = None,
    actor: str = "system:import",
    progress: Callable[[int, int], None] | None = None,
    encoding: str | None = None,
    workers: int | None = None,
    large: bool | None = None,
) -> ImportResult:
    """Validate every file whole, then write everything (all or nothing: the caller's transaction).

    ``progress(done, total)`` is called as loans and payments are written (for a progress bar). ``encoding``
    forces the CSV files' encoding (default: UTF-8, or GBK/GB18030 when detected). ``workers``: processes for the
    cost-cap checks and the replays (default ``import_pool.default_workers()``). ``large``: check the ledger's
    foreign keys once at the end, the ledger tables locked until the commit (``import_constraints``; default: when
    the import writes at least ``FAIRCOLLECT_IMPORT_LARGE_ROWS`` rows, PostgreSQL only).
    """
    errors: list[FaircollectError] = []
    result = ImportResult()
    loan_rows = _read_loans(session, loans, errors, result, encoding) if loans else []
    if schedules:
        _apply_schedules(schedules, loan_rows, errors, result, encoding)
    stored_loans = _stored_loans(session, [lr.ref for lr in loan_rows])
    # The cost-cap checks run in worker processes while this one reads and checks the payments file's cells; the
    # payment rows are checked against their loans once the verdicts are in. Errors keep the order of a serial run.
    check = _start_check_loans(session, loan_rows, str(loans), errors, workers=workers)
    pay_errors: list[FaircollectError] = []
    try:
        pay_cells = _payment_cells(payments, pay_errors, encoding) if payments else None
    except BaseException:
        check.verdicts(True)  # the workers stopped, not waited for
        raise
    _finish_check_loans(session, check, errors, stored_loans)
    errors += pay_errors
    pay_rows = (
        _check_payments(session, str(payments), pay_cells, loan_rows, errors, result, stored_loans)
        if payments and pay_cells is not None
        else []
    )
    if errors:
        raise ValidationErrors(_first_per_place(errors))
    source = Path(loans).name if loans else Path(payments).name if payments else "import"
    _write(
        session,
        loan_rows,
        pay_rows,
        result,
        actor,
        progress or (lambda _done, _total: None),
        source,
        stored_loans,
        workers=workers,
        large=large,
    )
    return result


def _read_loans(
    session: Session,
    path: Path,
    errors: list[FaircollectError],
    result: ImportResult,
    encoding: str | None = None,
) -> list[_LoanRow]:
    name = str(path)
    rows: list[Any] = _rows(path, LOAN_COLUMNS, errors, encoding)
    result.rows_read[name] = len(rows)
    out: list[_LoanRow] = []
    seen: dict[str, int] = {}
    for n in range(len(rows)):
        i, c = rows[n]
        rows[n] = None  # each row's cells freed once read (the loan keeps what it needs)
        ref = c.get("external_ref") or ""
        if ref in seen:
            errors.append(
                ValidationError(
                    f"external_ref {ref!r} repeats row {seen[ref]}", file=name, row=i, field="external_ref"
                )
            )
            continue
        seen[ref] = i
        terms: dict[str, Any] = {k: c[k] for k in _TERM_FIELDS if c.get(k) is not None}
        if c.get("waterfall"):
            terms["waterfall"] = c["waterfall"]
        penalty = {v: c[k] for k, v in _PENALTY_COLUMNS.items() if c.get(k) is not None}
        if penalty:
            terms["penalty"] = penalty
        bad_json = False
        for col in _JSON_COLUMNS:
            if c.get(col):
                try:
                    terms[col] = json.loads(str(c[col]), parse_float=_no_float)
                except (ValueError, ValidationError) as exc:
                    errors.append(
                        ValidationError(
                            f"not a JSON list as in TERMS.json ({exc}); amounts and rates as strings",
                            file=name,
                            row=i,
                            field=col,
                        )
                    )
                    bad_json = True
        if bad_json:
            continue
        if "disbursements" not in terms:
            if not c.get("principal"):
                errors.append(
                    ValidationError(
                        "required value is empty (give principal, or the tranches in disbursements)",
                        file=name,
                        row=i,
                        field="principal",
                    )
                )  # the row is still checked whole; the core's own word on this cell is dropped (_first_per_place)
            terms["principal"] = c.get("principal")
        elif c.get("principal"):
            errors.append(
                ValidationError(
                    "give principal or disbursements, not both", file=name, row=i, field="disbursements"
                )
            )
            continue
        terms["start_date"] = c.get("start_date")
        if c.get("currency"):
            try:
                terms["currency"] = check_currency(str(c["currency"]))
            except FaircollectError as exc:
                errors.append(ValidationError(exc.message, file=name, row=i, field="currency"))
                continue
        tz = c.get("borrower_timezone")
        if tz:
            try:
                zone(tz)
            except FaircollectError as exc:
                errors.append(ValidationError(exc.message, file=name, row=i, field="borrower_timezone"))
        lang = c.get("borrower_language")
        if lang and lang not in _LANGUAGES:
            errors.append(
                ValidationError(
                    f"unknown language {lang!r}; known: {', '.join(_LANGUAGES)}",
                    file=name,
                    row=i,
                    field="borrower_language",
                )
            )
        bj = (c.get("borrower_jurisdiction") or "").upper() or None
        if bj is not None and bj not in JURISDICTIONS:
            errors.append(
                ValidationError(
                    f"unknown jurisdiction {bj!r}; known: {', '.join(JURISDICTIONS)}",
                    file=name,
                    row=i,
                    field="borrower_jurisdiction",
                )
            )
        disbursed_on = None
        if c.get("disbursed_on"):
            try:
                disbursed_on = check_date_range(
                    parse_date(str(c["disbursed_on"]), field="disbursed_on"), field="disbursed_on"
                )
            except FaircollectError as exc:
                errors.append(ValidationError(exc.message, file=name, row=i, field="disbursed_on"))
        out.append(
            _LoanRow(
                row=i,
                ref=ref,
                borrower={
                    "external_ref": c.get("borrower_ref"),
                    "name": c.get("borrower_name"),
                    "phone": c.get("borrower_phone"),
                    "email": c.get("borrower_email"),
                    "id_number": c.get("borrower_id_number"),
                    "timezone": tz,
                    "language": c.get("borrower_language"),
                    "jurisdiction": bj,
                },
                product_code=c.get("product_code"),
                terms=terms,
                disbursed_on=disbursed_on,
                jurisdiction=(c.get("jurisdiction") or None),
            )
        )
    return out


def _apply_schedules(
    path: Path,
    loan_rows: list[_LoanRow],
    errors: list[FaircollectError],
    result: ImportResult,
    encoding: str | None = None,
) -> None:
    """Explicit due dates per loan: rows (loan_ref, number, due_date), numbers 1..n without gaps."""
    name = str(path)
    rows = _rows(path, SCHEDULE_COLUMNS, errors, encoding)
    result.rows_read[name] = len(rows)
    by_ref = {lr.ref: lr for lr in loan_rows}
    dates: dict[str, dict[int, tuple[int, date]]] = {}
    refused: set[str] = set()  # loans with an error in their schedule rows

    def refuse(ref: str, error: FaircollectError) -> None:
        errors.append(error)
        refused.add(ref)

    for i, c in rows:
        ref = c.get("loan_ref") or ""
        if ref not in by_ref:
            refuse(
                ref,
                ValidationError(f"loan {ref!r} is not in the loans file", file=name, row=i, field="loan_ref"),
            )
            continue
        try:
            n = int(str(c.get("number")))
            if n < 1:
                raise ValueError
        except ValueError:
            refuse(
                ref,
                ValidationError(
                    f"not an instalment number ≥ 1: {c.get('number')!r}", file=name, row=i, field="number"
                ),
            )
            continue
        try:
            d = check_date_range(parse_date(str(c.get("due_date")), field="due_date"), field="due_date")
        except FaircollectError as exc:
            refuse(ref, ValidationError(exc.message, file=name, row=i, field="due_date"))
            continue
        per = dates.setdefault(ref, {})
        if n in per:
            refuse(
                ref,
                ValidationError(
                    f"instalment {n} of {ref!r} repeats row {per[n][0]}", file=name, row=i, field="number"
                ),
            )
            continue
        per[n] = (i, d)
    for ref, per in dates.items():
        numbers = sorted(per)
        if numbers != list(range(1, len(numbers) + 1)):
            refuse(
                ref,
                ValidationError(
                    f"instalments of {ref!r} must be numbered 1..n without gaps, got {numbers}",
                    file=name,
                    field="number",
                ),
            )
            continue
        prev: tuple[int, date] | None = None
        for n in numbers:
            row, d = per[n]
            if prev is not None and d <= prev[1]:
                refuse(
                    ref,
                    ValidationError(
                        f"due date {d} is not after instalment {n - 1}'s {prev[1]}",
                        file=name,
                        row=row,
                        field="due_date",
                    ),
                )
            prev = (row, d)
        if ref in refused:
            continue
        lr = by_ref[ref]
        lr.terms["due_dates"] = [per[n][1].isoformat() for n in numbers]
        lr.terms.setdefault("term", len(numbers))
    for ref in refused:
        if ref in by_ref:
            by_ref[ref].schedule_refused = True


def _check_loan(
    session: Session,
    lr: _LoanRow,
    name: str,
    errors: list[FaircollectError],
    stored: dict[str, Any] | None = None,
) -> None:
    """Check one loan row (terms, cost caps, dates, a stored loan's terms); sets ``lr.parsed`` when it passes."""
    _check_loans(session, [lr], name, errors, stored, workers=1)


#: Refs per lookup query.
_LOOKUP_CHUNK = 5000
#: Loans per cost-cap task in a worker process.
_CAP_SLICE = 5000


class _PendingCheck(NamedTuple):
    """Loan rows parsed, their cost-cap verdicts under way (``_start_check_loans``)."""

    name: str
    parsed: list[tuple[_LoanRow, LoanTerms, dict[str, Any] | None, str, dict[str, Any]]]
    verdicts: Callable[..., list[tuple[str, str, str | None] | None]]


def _check_loans(
    session: Session,
    rows: list[_LoanRow],
    name: str,
    errors: list[FaircollectError],
    stored: dict[str, Any] | None = None,
    *,
    workers: int | None = None,
) -> None:
    """Check the loan rows: terms parsed (with the product's defaults), the cost caps (``caps.check_terms``, the
    same check as a loan created through the API — in worker processes for a large file), the disbursement date,
    and a stored loan's terms. Sets ``lr.parsed`` on each row that passes; errors name the file, row and column."""
    _finish_check_loans(
        session, _start_check_loans(session, rows, name, errors, workers=workers), errors, stored
    )


def _start_check_loans(
    session: Session,
    rows: list[_LoanRow],
    name: str,
    errors: list[FaircollectError],
    *,
    workers: int | None = None,
) -> _PendingCheck:
    """``_check_loans``' first half: the terms parsed here (errors appended), the cost-cap checks started in worker
    processes (``import_pool.start_slices``) — the caller may read another file meanwhile."""
    products: dict[str, Any] = {}
    parsed: list[tuple[_LoanRow, LoanTerms, dict[str, Any] | None, str, dict[str, Any]]] = []
    for lr in rows:
        if lr.schedule_refused:
            continue
        terms = dict(lr.terms)
        jurisdiction = lr.jurisdiction or "CN"
        if lr.product_code:
            if lr.product_code not in products:
                product = repo.product_by_code(session, lr.product_code)
                version = repo.latest_product_version(session, product.id) if product is not None else None
                products[lr.product_code] = (product, version)
            product, version = products[lr.product_code]
            if product is None:
                errors.append(
                    ValidationError(
                        f"no product {lr.product_code!r}", file=name, row=lr.row, field="product_code"
                    )
                )
                continue
            assert version is not None
            merged = dict(version.terms)
            merged.update(terms)
            terms = merged
            jurisdiction = lr.jurisdiction or product.jurisdiction
        try:
            rest, waterfall = service.split_waterfall(terms)
            parsed.append((lr, parse_terms(rest, where="terms"), waterfall, jurisdiction, terms))
        except FaircollectError as exc:
            errors.append(_relocate(exc, file=name, row=lr.row, column_of=_COLUMN_OF))
    cap_items = [(p[1], p[3]) for p in parsed]
    verdicts = start_slices(
        _cap_verdicts, cap_items, len(cap_items), _CAP_SLICE, workers or default_workers()
    )
    return _PendingCheck(name, parsed, verdicts)


def _finish_check_loans(
    session: Session,
    check: _PendingCheck,
    errors: list[FaircollectError],
    stored: dict[str, Any] | None = None,
) -> None:
    """``_check_loans``' second half: waits for the cost-cap verdicts, then checks the disbursement date and a stored
    loan's terms; sets ``lr.parsed`` on each row that passes."""
    name, parsed = check.name, check.parsed
    verdicts = check.verdicts()
    for (lr, terms_parsed, waterfall, _j, _t), verdict in zip(parsed, verdicts, strict=True):
        if verdict is not None:
            kind, message, fieldname = verdict
            refused = {"CapExceeded": CapExceeded}.get(kind, ValidationError)(message, field=fieldname)
            errors.append(_relocate(refused, file=name, row=lr.row, column_of=_COLUMN_OF))
            continue
        if lr.disbursed_on is not None and lr.disbursed_on < terms_parsed.start_date:
            errors.append(
                ValidationError(
                    f"{lr.disbursed_on} is before start_date {terms_parsed.start_date}",
                    file=name,
                    row=lr.row,
                    field="disbursed_on",
                )
            )
            continue
        existing = stored.get(lr.ref) if stored is not None else _stored_loans(session, [lr.ref]).get(lr.ref)
        if existing is not None and existing.terms_digest != terms_digest(
            terms_to_json(terms_parsed), waterfall
        ):
            errors.append(
                ValidationError(
                    f"loan {lr.ref!r} was imported before with other terms; a re-import may not change a loan",
                    file=name,
                    row=lr.row,
                    field="external_ref",
                )
            )
            continue
        lr.parsed = terms_parsed
        lr.waterfall = waterfall
        lr.terms = {}  # the cells, parsed: not kept for the rest of the import


def _cap_verdicts(
    items: list[tuple[LoanTerms, str]], start: int, stop: int
) -> list[tuple[str, str, str | None] | None]:
    """``caps.check_terms`` of items[start:stop]: None when a loan passes, else (error type, message, field) —
    plain values, cheap to send back from a worker process."""
    out: list[tuple[str, str, str | None] | None] = []
    for terms, jurisdiction in items[start:stop]:
        if caps.clearly_within_caps(terms, jurisdiction):  # one NPV at the cap instead of the IRR
            out.append(None)
            continue
        try:
            caps.check_terms(terms, jurisdiction)
            out.append(None)
        except FaircollectError as exc:
            out.append((type(exc).__name__, exc.message, exc.field))
    return out


def _read_payments(
    session: Session,
    path: Path,
    loan_rows: list[_LoanRow],
    errors: list[FaircollectError],
    result: ImportResult,
    encoding: str | None = None,
    stored_loans: dict[str, Any] | None = None,
) -> list[_PaymentRow]:
    """Payment rows checked against their loan (in the file, or stored); ``stored_loans`` (stored loans by ref,
    already looked up) gains the stored loans named only here."""
    return _check_payments(
        session, str(path), _payment_cells(path, errors, encoding), loan_rows, errors, result, stored_loans
    )


def _payment_cells(
    path: Path, errors: list[FaircollectError], encoding: str | None = None
) -> tuple[list[str], list[tuple[int, tuple[str | None, ...]]]]:
    """The payments file's rows with their cells checked (``_cells``): compact rows (a tuple each, shared refs
    and dates), so that a large payments file is held once, as small as it goes, while it is checked."""
    return _cells(path, PAYMENT_COLUMNS, errors, encoding, shared=("loan_ref", "date", "currency"))


def _check_payments(
    session: Session,
    name: str,
    table: tuple[list[str], list[tuple[int, tuple[str | None, ...]]]],
    loan_rows: list[_LoanRow],
    errors: list[FaircollectError],
    result: ImportResult,
    stored_loans: dict[str, Any] | None = None,
) -> list[_PaymentRow]:
    """The payment rows (``_payment_cells``) checked against their loan (in the file, checked already, or
    stored); each row becomes a dict only while it is checked."""
    names, rows = table
    pending: list[Any] = rows
    result.rows_read[name] = len(rows)
    at_ref = names.index("loan_ref") if "loan_ref" in names else -1
    in_file = {lr.ref: lr for lr in loan_rows}
    stored = stored_loans if stored_loans is not None else {}
    others = {
        ref
        for _, c in rows
        if (ref := (c[at_ref] or "") if at_ref >= 0 else "") not in in_file and ref not in stored
    }
    stored.update(_stored_loans(session, others))
    # Every stored event of the loans paid here, in few queries and as plain rows (not ORM objects): re-runs and
    # later payment files check keys without a round trip per row.
    paid = {(c[at_ref] or "") if at_ref >= 0 else "" for _, c in rows}
    booked, first_paid_out = _stored_events(session, [ln.id for ref, ln in stored.items() if ref in paid])
    out: list[_PaymentRow] = []
    seen: dict[tuple[str, str], int] = {}
    dates: dict[str, date] = {}  # one date object per distinct date (a book repeats them)
    # The API's rules for a payment (ledger.schemas.PaymentIn): never dated after today in the lender's business
    # zone, never above the business limit.
    settings = get_settings()
    today = business_date(utc_now(), settings.business_timezone)
    most: dict[str, int] = {}
    for n in range(len(pending)):
        i, cells = pending[n]
        pending[n] = None  # each row's cells freed once read: the file's rows are not held twice
        c = dict(zip(names, cells, strict=True))
        ref = c.get("loan_ref") or ""
        if ref in in_file:
            lr = in_file[ref]
            ref = lr.ref  # the loan's own string: one per loan, not one per payment row
            if lr.parsed is None:
                continue  # the loan row already has an error
            currency = lr.parsed.currency
            first: date | None = lr.disbursed_on or lr.parsed.start_date
            if lr.disbursed_on is None and ref not in stored:
                errors.append(
                    ValidationError(
                        f"loan {ref!r} has no disbursed_on in the loans file, so it cannot take payments",
                        file=name,
                        row=i,
                        field="loan_ref",
                    )
                )
                continue
        elif ref in stored:
            loan = stored[ref]
            currency = loan.currency
            first = first_paid_out.get(loan.id)
            if loan.status not in ("active", "closed", "written_off") or first is None:
                errors.append(
                    ValidationError(
                        f"loan {ref!r} is {loan.status} and not disbursed; it cannot take payments",
                        file=name,
                        row=i,
                        field="loan_ref",
                    )
                )
                continue
        else:
            errors.append(ValidationError(f"unknown loan {ref!r}", file=name, row=i, field="loan_ref"))
            continue
        try:
            if c.get("currency") and check_currency(str(c["currency"])) != currency:
                raise ValidationError(
                    f"currency {c['currency']} differs from the loan's {currency}", field="currency"
                )
            amount = to_minor(str(c.get("amount")), currency, field="amount")
            if amount <= 0:
                raise ValidationError(
                    f"amount must be greater than zero, got {c.get('amount')}", field="amount"
                )
            if amount > (most.get(currency) or most.setdefault(currency, max_amount_minor(currency))):
                raise ValidationError(
                    f"{c.get('amount')} is above the largest amount accepted ({settings.max_amount}; "
                    "FAIRCOLLECT_MAX_AMOUNT)",
                    field="amount",
                )
            day = str(c.get("date"))
            on = dates.get(day) or dates.setdefault(day, parse_date(day, field="date"))
            if on > today:
                raise ValidationError(
                    f"{on} is after today ({today}); a payment is recorded when it is received", field="date"
                )
            if first is not None and on < first:
                raise ValidationError(f"{on} is before the loan's disbursement on {first}", field="date")
            mode = c.get("prepayment")
            if mode:
                PrepaymentMode(mode)
        except FaircollectError as exc:
            errors.append(ValidationError(exc.message, file=name, row=i, field=exc.field))
            continue
        except ValueError:
            errors.append(
                ValidationError(
                    f"prepayment must be reduce_term or reduce_instalment, got {mode!r}",
                    file=name,
                    row=i,
                    field="prepayment",
                )
            )
            continue
        key = str(c.get("key"))
        if (ref, key) in seen:
            errors.append(
                ValidationError(f"key {key!r} repeats row {seen[(ref, key)]}", file=name, row=i, field="key")
            )
            continue
        seen[(ref, key)] = i
        ev = booked.get(stored[ref].id, _NOTHING).get(key) if ref in stored else None
        if ev is not None and ev != ("payment", on, amount):
            errors.append(
                Conflict(
                    f"key {key!r} was already booked on {ev[1]} with other content",
                    file=name,
                    row=i,
                    field="key",
                )
            )
            continue
        exists = ev is not None
        out.append(_PaymentRow(i, ref, key, on, amount, mode, exists))
    return out


class StoredLoan(NamedTuple):
    """What the import needs of a loan stored earlier: small, so that a re-run of a whole book fits in memory (an
    ORM ``Loan`` with its terms is some kilobytes; a million of them did not)."""

    id: str
    currency: str
    status: str
    terms_digest: bytes  # ``terms_digest`` of the stored terms and waterfall


def terms_digest(terms: Mapping[str, Any], waterfall: Any) -> bytes:
    """A digest of a loan's terms (as stored, ``terms_to_json``) and waterfall: equal digests, equal terms."""
    canonical = json.dumps([terms, waterfall], sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).digest()


def _stored_loans(session: Session, refs: Iterable[str]) -> dict[str, StoredLoan]:
    """The stored loans with these external refs, by ref (a few queries of ``_LOOKUP_CHUNK`` refs)."""
    t = Loan.__table__
    wanted = list(set(refs))
    out: dict[str, StoredLoan] = {}
    for i in range(0, len(wanted), _LOOKUP_CHUNK):
        for r in session.execute(
            select(t.c.external_ref, t.c.id, t.c.currency, t.c.status, t.c.terms, t.c.waterfall).where(
                t.c.external_ref.in_(wanted[i : i + _LOOKUP_CHUNK])
            )
        ):
            out[r.external_ref] = StoredLoan(r.id, r.currency, r.status, terms_digest(r.terms, r.waterfall))
    return out


#: No events stored.
_NOTHING: Mapping[str, tuple[str, date, int | None]] = {}


def _stored_events(
    session: Session, loan_ids: list[str]
) -> tuple[dict[str, dict[str, tuple[str, date, int | None]]], dict[str, date]]:
    """Every stored event of ``loan_ids`` as ``{loan_id: {key: (type, date, amount_minor)}}``, and each loan's
    first disbursement date (``booking_core.disbursed_tranches(…)[0].date``) — plain values, read in a few queries."""
    t = LoanEvent.__table__
    booked: dict[str, dict[str, tuple[str, date, int | None]]] = {}
    first: dict[str, date] = {}
    dates: dict[date, date] = {}  # one object per distinct date
    for i in range(0, len(loan_ids), _LOOKUP_CHUNK):
        for loan_id, key, kind, on, amount in session.execute(
            select(t.c.loan_id, t.c.key, t.c.type, t.c.date, t.c.amount_minor).where(
                t.c.loan_id.in_(loan_ids[i : i + _LOOKUP_CHUNK])
            )
        ):
            on = dates.setdefault(on, on)
            per_loan = booked.get(loan_id)
            if per_loan is None:
                per_loan = booked[loan_id] = {}
            per_loan[key] = (kind, on, amount)
            if kind == "disbursement" and (loan_id not in first or on < first[loan_id]):
                first[loan_id] = on
    return booked, first


def _write(
    session: Session,
    loan_rows: list[_LoanRow],
    pay_rows: list[_PaymentRow],
    result: ImportResult,
    actor: str,
    progress: Callable[[int, int], None],
    source: str = "import",
    stored_loans: dict[str, Any] | None = None,
    workers: int | None = None,
    large: bool | None = None,
) -> None:
    """New loans (with their borrowers, tranches and payments) in bulk (``import_write.write_new_loans``);
    payments for loans stored earlier in bulk too (``import_write.write_stored_payments``: the service's replay
    over the stored history, payment after payment, without a round trip or an audit-head lock per payment)."""
    total = len(loan_rows) + len(pay_rows)
    done = 0

    def advance(n: int) -> None:
        nonlocal done
        done += n
        progress(done, total)

    stored = (
        stored_loans
        if stored_loans is not None
        else _stored_loans(session, [lr.ref for lr in loan_rows] + [p.loan_ref for p in pay_rows])
    )
    new = [lr for lr in loan_rows if lr.ref not in stored]
    result.loans_unchanged += len(loan_rows) - len(new)
    advance(len(loan_rows) - len(new))
    new_refs = {lr.ref for lr in new}
    by_loan: dict[str, list[_PaymentRow]] = {}
    for p in pay_rows:
        if p.loan_ref in new_refs:
            by_loan.setdefault(p.loan_ref, []).append(p)
    later = sorted(
        (p for p in pay_rows if p.loan_ref not in new_refs), key=lambda p: (p.loan_ref, p.date, p.row)
    )
    to_post = [p for p in later if not p.exists]
    rows = len(new) + sum(map(len, by_loan.values())) + len(to_post)
    # A large import checks the ledger's foreign keys once, at the end, instead of row by row (import_constraints:
    # dropped and re-added, validated, inside this transaction; the ledger tables locked until the commit).
    with foreign_keys_checked_at_end(session, is_large(rows, large)):
        audits = write_new_loans(
            session, new, by_loan, result, actor, advance, source=source, workers=workers
        )
        # Payments for loans stored earlier: in bulk too (one lock and one read per loan, the service's replay per
        # payment, COPY), a payment booked before with the same content counted as unchanged.
        unchanged = len(later) - len(to_post)
        result.payments_unchanged += unchanged
        advance(unchanged)
        posted, more = write_stored_payments(session, stored, to_post, actor, advance, source=source)
        result.payments_posted += posted
    # The chunks' audit records go last: the audit head is locked from here to the commit only.
    audit.record_many(session, audits + more)
