"""Command-line contracts of the ledger core: ``schedule``, ``cost`` and ``loan replay`` (docs/ledger.md).

``loan_app`` is the ``faircollect loan`` Typer group; the ledger shell adds its own ``loan`` subcommands to it.
"""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from faircollect.kit.errors import FaircollectError, ValidationError
from faircollect.kit.listing import TableOrJson
from faircollect.kit.money import format_minor
from faircollect.kit.time import parse_date
from faircollect.ledger.allocation import waterfall_from_json
from faircollect.ledger.buckets import BUCKET_SETS, BucketSet, bucket_for
from faircollect.ledger.cost import cost_of_credit, cost_to_json, parse_flows
from faircollect.ledger.events_json import parse_events
from faircollect.ledger.replay import replay
from faircollect.ledger.schedule import build_schedule
from faircollect.ledger.terms_json import parse_terms
from faircollect.ledger.types import Component, LoanState, LoanTerms, Schedule

loan_app = typer.Typer(
    help="Loans: replay a loan's events to its state on a date (and more, from the ledger shell)."
)


def _load_json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValidationError(f"cannot read: {exc.strerror}", file=str(path)) from exc
    except UnicodeDecodeError as exc:
        raise ValidationError(
            f"not UTF-8 text (byte {exc.start}: {exc.reason}); save the file as UTF-8", file=str(path)
        ) from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValidationError(
            f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})", file=str(path)
        ) from exc


def _fail(exc: FaircollectError, path: Path | None = None) -> typer.Exit:
    if path is not None and exc.file is None:
        exc.file = str(path)
    typer.echo(f"error: {exc}", err=True)
    return typer.Exit(code=2)


def schedule_to_json(schedule: Schedule) -> dict[str, Any]:
    """The ``faircollect schedule --format json`` document."""
    cur = schedule.currency
    return {
        "currency": cur,
        "instalments": [
            {
                "number": i.number,
                "due_date": i.due_date.isoformat(),
                "principal": format_minor(i.principal_minor, cur),
                "interest": format_minor(i.interest_minor, cur),
                "fees": format_minor(i.fees_minor, cur),
                "total": format_minor(i.total_minor, cur),
                "balance": format_minor(i.balance_minor, cur),
            }
            for i in schedule.instalments
        ],
        "total_principal": format_minor(sum(i.principal_minor for i in schedule.instalments), cur),
        "total_interest": format_minor(schedule.total_interest_minor, cur),
        "total_fees": format_minor(sum(i.fees_minor for i in schedule.instalments), cur),
        "total_repayment": format_minor(schedule.total_repayment_minor, cur),
    }


def state_to_json(state: LoanState, terms: LoanTerms, bucket_set: BucketSet) -> dict[str, Any]:
    """The ``faircollect loan replay --format json`` document."""
    cur = state.currency
    grace = terms.penalty.grace_days
    by_bucket = dict.fromkeys(bucket_set.labels, 0)
    instalments = []
    for ist in state.instalments:
        overdue = ist.outstanding_total if ist.due_date < state.as_of else 0
        label = bucket_for(max(0, ist.days_past_due - grace), bucket_set)
        if overdue:
            by_bucket[label] += overdue
        instalments.append(
            {
                "number": ist.number,
                "due_date": ist.due_date.isoformat(),
                "days_past_due": ist.days_past_due,
                "bucket": label if overdue else None,
                "due": {c.value: format_minor(ist.due.get(c, 0), cur) for c in Component},
                "paid": {c.value: format_minor(ist.paid.get(c, 0), cur) for c in Component},
                "waived": {c.value: format_minor(ist.waived.get(c, 0), cur) for c in Component},
                "outstanding": format_minor(ist.outstanding_total, cur),
                "overdue": format_minor(overdue, cur),
            }
        )
    return {
        "as_of": state.as_of.isoformat(),
        "currency": cur,
        "days_past_due": state.days_past_due,
        "delinquent_days": state.delinquent_days,
        "bucket": state.bucket,
        "bucket_set": bucket_set.name,
        "overdue": format_minor(state.overdue_minor, cur),
        "overdue_by_component": {
            c.value: format_minor(v, cur) for c, v in state.overdue_by_component.items()
        },
        "overdue_by_bucket": {k: format_minor(v, cur) for k, v in by_bucket.items()},
        "principal_outstanding": format_minor(state.principal_outstanding_minor, cur),
        "unallocated_credit": format_minor(state.unallocated_minor, cur),
        "written_off": state.written_off,
        "closed": state.closed,
        "instalments": instalments,
    }


def _print_json(doc: Any) -> None:
    typer.echo(json.dumps(doc, ensure_ascii=False, indent=2))


def schedule_command(
    terms_path: Path = typer.Option(..., "--terms", help="TERMS.json (see docs/ledger.md for every field)."),
    fmt: TableOrJson = typer.Option(TableOrJson.table, "--format", help="json or table"),
) -> None:
    """Print the repayment schedule of a TERMS.json (amounts in major units)."""
    try:
        terms = parse_terms(_load_json(terms_path))
        schedule = build_schedule(terms)
    except FaircollectError as exc:
        raise _fail(exc, terms_path) from exc
    doc = schedule_to_json(schedule)
    if fmt == "json":
        _print_json(doc)
        return
    table = Table(title=f"Schedule ({doc['currency']}, {terms.method.value})")
    for col in ("#", "due date", "principal", "interest", "fees", "total", "balance"):
        table.add_column(col, justify="right" if col not in ("due date",) else "left")
    for row in doc["instalments"]:
        table.add_row(
            str(row["number"]),
            row["due_date"],
            row["principal"],
            row["interest"],
            row["fees"],
            row["total"],
            row["balance"],
        )
    table.add_section()
    table.add_row(
        "",
        "total",
        doc["total_principal"],
        doc["total_interest"],
        doc["total_fees"],
        doc["total_repayment"],
        "",
    )
    Console().print(table)


def cost_command(
    flows_path: Path = typer.Option(..., "--cashflows", help="FLOWS.json: advances, payments, unit_period."),
    fmt: TableOrJson = typer.Option(TableOrJson.json, "--format", help="json or table"),
) -> None:
    """Print IRR per unit period, nominal and effective annual rates and the Reg Z Appendix J APR."""
    try:
        advances, payments, unit, currency = parse_flows(_load_json(flows_path))
        result = cost_of_credit(advances, payments, unit)
    except FaircollectError as exc:
        raise _fail(exc, flows_path) from exc
    doc = cost_to_json(result, currency)
    if fmt == "json":
        _print_json(doc)
        return
    table = Table(title="Cost of credit")
    table.add_column("measure")
    table.add_column("value", justify="right")
    for k, v in doc.items():
        table.add_row(k, v)
    Console().print(table)


@loan_app.command("replay")
def replay_command(
    events_path: Path = typer.Option(
        ...,
        "--events",
        help='EVENTS.json: {"terms": {...TERMS}, "events": [...], "waterfall"?, "bucket_set"?}.',
    ),
    as_of: str = typer.Option(..., "--as-of", help="Business date (YYYY-MM-DD) to state the loan on."),
    fmt: TableOrJson = typer.Option(TableOrJson.json, "--format", help="json or table"),
    bucket_set_name: str | None = typer.Option(
        None, "--bucket-set", help=f"Bucket set: {' | '.join(BUCKET_SETS)} (default: the file's, else cn)."
    ),
) -> None:
    """Replay one loan's terms and events and print its state on --as-of: days past due, delinquent days,
    bucket, overdue per instalment, per component and per bucket."""
    try:
        day: date = parse_date(as_of, field="--as-of")
        doc = _load_json(events_path)
        if not isinstance(doc, dict) or "terms" not in doc:
            raise ValidationError('EVENTS.json must be an object with "terms" and "events"', field="terms")
        terms = parse_terms(doc["terms"])
        events = parse_events(doc.get("events", []), currency=terms.currency)
        waterfall = waterfall_from_json(doc.get("waterfall"))
        name = bucket_set_name or doc.get("bucket_set") or "cn"
        if name not in BUCKET_SETS:
            raise ValidationError(
                f"unknown bucket set {name!r}; known: {', '.join(BUCKET_SETS)}", field="bucket_set"
            )
        bucket_set = BUCKET_SETS[name]
        state = replay(terms, events, day, waterfall=waterfall, bucket_set=bucket_set)
    except FaircollectError as exc:
        raise _fail(exc, None if exc.field == "--as-of" else events_path) from exc
    out = state_to_json(state, terms, bucket_set)
    if fmt == "json":
        _print_json(out)
        return
    console = Console()
    console.print(
        f"as of {out['as_of']}: days past due {out['days_past_due']}, delinquent days {out['delinquent_days']}, "
        f"bucket {out['bucket']}, overdue {out['overdue']} {out['currency']}, principal outstanding "
        f"{out['principal_outstanding']}"
    )
    table = Table()
    for col in ("#", "due date", "dpd", "bucket", "outstanding", "overdue"):
        table.add_column(col)
    for row in out["instalments"]:
        table.add_row(
            str(row["number"]),
            row["due_date"],
            str(row["days_past_due"]),
            row["bucket"] or "",
            row["outstanding"],
            row["overdue"],
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add ``schedule``, ``cost`` and the ``loan`` group to the ``faircollect`` command."""
    app.command("schedule")(schedule_command)
    app.command("cost")(cost_command)
    app.add_typer(loan_app, name="loan")
