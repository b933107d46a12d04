"""Ledger store commands: ``faircollect import``, ``faircollect loan show``, ``faircollect age``."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from faircollect.config import get_settings
from faircollect.kit.listing import TableOrJson

console = Console()


def _sessions(database_url: str | None) -> Any:
    from faircollect.db import make_engine, session_factory

    return session_factory(make_engine(database_url or get_settings().database_url))


def _parse_day(value: str, name: str) -> date:
    from faircollect.kit.errors import ValidationError
    from faircollect.kit.time import parse_date

    try:
        return parse_date(value, field=name)
    except ValidationError as exc:
        raise typer.BadParameter(exc.message, param_hint=name) from exc


def import_command(
    loans: Path = typer.Option(
        None, "--loans", help="Loans file (.csv, .xlsx or .parquet); columns in docs/import.md."
    ),
    payments: Path = typer.Option(None, "--payments", help="Payments file (.csv, .xlsx or .parquet)."),
    schedules: Path = typer.Option(None, "--schedules", help="Explicit due dates (.csv, .xlsx or .parquet)."),
    encoding: str = typer.Option(
        None,
        "--encoding",
        help="Encoding of the CSV files (utf-8, gbk, gb18030). Default: UTF-8, or GBK/GB18030 when detected.",
    ),
    workers: int = typer.Option(
        0,
        "--workers",
        min=0,
        show_default=False,  # 0 means "not given": the help says what is used then
        help="Worker processes for the cost-cap checks and replays (default: FAIRCOLLECT_IMPORT_WORKERS or the CPUs).",
    ),
    large: bool = typer.Option(
        None,
        "--large/--no-large",
        help="PostgreSQL: check the ledger's foreign keys once at the end, loan, loan_event and ledger_entry locked "
        "until the commit (default: from FAIRCOLLECT_IMPORT_LARGE_ROWS rows written, 300,000; docs/import.md).",
    ),
    database_url: str = typer.Option(None, "--database-url", help="Overrides DATABASE_URL."),
    format: TableOrJson = typer.Option(TableOrJson.table, "--format", help="table or json"),
) -> None:
    """Import loans, schedules and payments from an existing core system, all or nothing.

    Every file is validated whole first; any error (named by file, row and field) means nothing is written and the
    exit code is 1. Re-running the same files changes nothing (loans match on external_ref, payments on key).
    """
    from faircollect.db import unit_of_work
    from faircollect.kit.errors import FaircollectError, ValidationErrors
    from faircollect.ledger.importer import import_files

    if loans is None and payments is None:
        raise typer.BadParameter("give --loans and/or --payments", param_hint="--loans")
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    columns = (
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TextColumn("{task.fields[rate]} rows/s"),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
    )
    try:
        with (
            unit_of_work(_sessions(database_url)) as session,
            Progress(*columns, console=console, transient=True, disable=format == "json") as bar,
        ):
            task = bar.add_task("validating, then writing", total=None, rate="-")

            def progress(done: int, total: int) -> None:
                elapsed = bar.tasks[task].elapsed or 0.0
                rate = f"{done / elapsed:,.0f}" if elapsed > 0 else "-"
                bar.update(task, completed=done, total=total, description="writing", rate=rate)

            result = import_files(
                session,
                loans=loans,
                payments=payments,
                schedules=schedules,
                progress=progress,
                encoding=encoding,
                workers=workers or None,
                large=large,
            )
    except ValidationErrors as exc:
        if format == "json":
            typer.echo(
                json.dumps({"ok": False, "errors": [e.as_dict() for e in exc.errors]}, ensure_ascii=False)
            )
        else:
            console.print(f"[red]import refused: {len(exc.errors)} error(s); nothing was written[/red]")
            table = Table("file", "row", "field", "problem")
            for e in exc.errors[:200]:
                table.add_row(e.file or "", "" if e.row is None else str(e.row), e.field or "", e.message)
            console.print(table)
            if len(exc.errors) > 200:
                console.print(f"… and {len(exc.errors) - 200} more")
        raise typer.Exit(1) from exc
    except FaircollectError as exc:
        console.print(f"[red]import failed, nothing was written: {exc}[/red]")
        raise typer.Exit(1) from exc
    if format == "json":
        typer.echo(json.dumps({"ok": True, **result.as_dict()}, ensure_ascii=False))
        return
    table = Table("what", "count")
    for k, v in result.as_dict().items():
        if k != "rows_read":
            table.add_row(k.replace("_", " "), str(v))
    console.print(table)


def loan_show(
    loan_id: str = typer.Argument(..., help="Loan id or external_ref."),
    as_of: str = typer.Option(None, "--as-of", help="Business date YYYY-MM-DD (default: today, UTC)."),
    database_url: str = typer.Option(None, "--database-url", help="Overrides DATABASE_URL."),
    format: TableOrJson = typer.Option(TableOrJson.table, "--format", help="table or json"),
) -> None:
    """Show a stored loan's state on a date, replayed from its events (days past due, bucket, instalments)."""
    from faircollect.kit.errors import FaircollectError
    from faircollect.kit.time import utc_now
    from faircollect.ledger import repository as repo
    from faircollect.ledger import service
    from faircollect.ledger.schemas import LoanOut, LoanStateOut

    day = _parse_day(as_of, "--as-of") if as_of else utc_now().date()
    with _sessions(database_url)() as session:
        loan = repo.get_loan(session, loan_id) or repo.loan_by_ref(session, loan_id)
        if loan is None:
            console.print(f"[red]no loan {loan_id!r}[/red]")
            raise typer.Exit(1)
        try:
            state = LoanStateOut.of(loan.id, service.loan_state(session, loan.id, day))
        except FaircollectError as exc:
            console.print(f"[red]{exc}[/red]")
            raise typer.Exit(1) from exc
        info = LoanOut.of(loan)
    if format == "json":
        typer.echo(json.dumps({"loan": info.model_dump(mode="json"), "state": state.model_dump(mode="json")}))
        return
    console.print(
        f"[bold]{info.id}[/bold] ({info.external_ref or '-'}) {info.status} · principal {info.principal} "
        f"{info.currency} · on {day}: [bold]{state.bucket}[/bold], {state.days_past_due} days past due, "
        f"overdue {state.overdue}, principal outstanding {state.principal_outstanding}"
    )
    table = Table("#", "due", "due total", "paid", "waived", "outstanding", "dpd")
    for i in state.instalments:
        due = sum((_dec(v) for v in i.due.values()), start=_dec("0"))
        paid = sum((_dec(v) for v in i.paid.values()), start=_dec("0"))
        waived = sum((_dec(v) for v in i.waived.values()), start=_dec("0"))
        table.add_row(
            str(i.number),
            str(i.due_date),
            str(due),
            str(paid),
            str(waived),
            i.outstanding,
            str(i.days_past_due),
        )
    console.print(table)


def _dec(text: str) -> Any:
    from decimal import Decimal

    return Decimal(text)


def age_command(
    as_of: str = typer.Option(..., "--as-of", help="Business date YYYY-MM-DD."),
    database_url: str = typer.Option(None, "--database-url", help="Overrides DATABASE_URL."),
    format: TableOrJson = typer.Option(TableOrJson.table, "--format", help="table or json"),
) -> None:
    """Age every active loan on a date: write a bucket_history row for each bucket change (idempotent per date)."""
    from faircollect.db import unit_of_work
    from faircollect.ledger import service

    day = _parse_day(as_of, "--as-of")
    with unit_of_work(_sessions(database_url)) as session:
        changes = service.age_loans(session, day)
    if format == "json":
        typer.echo(
            json.dumps(
                [
                    {
                        "loan_id": c.loan_id,
                        "date": c.date.isoformat(),
                        "from_bucket": c.from_bucket,
                        "to_bucket": c.to_bucket,
                        "days_past_due": c.days_past_due,
                    }
                    for c in changes
                ]
            )
        )
        return
    counts: dict[tuple[str | None, str], int] = {}
    for c in changes:
        counts[(c.from_bucket, c.to_bucket)] = counts.get((c.from_bucket, c.to_bucket), 0) + 1
    table = Table("from", "to", "loans", title=f"bucket changes on {day}: {len(changes)}")
    for (a, b), n in sorted(counts.items(), key=lambda kv: (str(kv[0][0]), kv[0][1])):
        table.add_row(a or "(new)", b, str(n))
    console.print(table)


def borrower_summary(session: Any, b: Any) -> dict[str, Any]:
    """What the gate and the strategy will use for this borrower, with personal data masked."""
    from sqlalchemy import select

    from faircollect.compliance.rulebook import load_rulebook
    from faircollect.kit.masking import mask_id_number, mask_name, mask_phone, mask_postal_address, mask_text
    from faircollect.ledger.models import Loan

    rulebook = load_rulebook(b.jurisdiction)
    try:
        from faircollect.collections.strategy import default_strategy_path

        path = default_strategy_path(b.jurisdiction)
        strategy: str | None = path.stem if path.exists() else None
    except ImportError:  # collections not installed
        strategy = None
    loans = session.execute(select(Loan.external_ref, Loan.id).where(Loan.borrower_id == b.id)).all()
    return {
        "id": b.id,
        "borrower_ref": b.external_ref,
        "name": mask_name(b.name) if b.name else None,
        "phone": mask_phone(b.phone) if b.phone else None,
        "email": mask_text(b.email) if b.email else None,
        "id_number": mask_id_number(b.id_number) if b.id_number else None,
        "address": mask_postal_address(b.address) if b.address else None,
        "jurisdiction": b.jurisdiction,
        "timezone": b.timezone,
        "timezone_used_by_the_gate": b.timezone
        or "unknown: every one of " + ", ".join(rulebook.candidate_timezones) + " must allow a contact",
        "language": b.language,
        "rulebook": f"{rulebook.jurisdiction} {rulebook.effective_version}",
        "default_strategy": strategy,
        "loans": sorted(ref or loan_id for ref, loan_id in loans),
    }


def borrower_show(
    ref: str = typer.Argument(..., help="Borrower id or external borrower_ref."),
    database_url: str = typer.Option(None, "--database-url", help="Overrides DATABASE_URL."),
    format: TableOrJson = typer.Option(TableOrJson.table, "--format", help="table or json"),
) -> None:
    """A borrower's jurisdiction, time zone and language — what the gate and the strategy use (personal data
    masked)."""
    from faircollect.ledger import repository as repo

    with _sessions(database_url)() as session:
        b = repo.get_borrower(session, ref) or repo.borrower_by_ref(session, ref)
        if b is None:
            console.print(f"[red]no borrower {ref!r}[/red]")
            raise typer.Exit(1)
        out = borrower_summary(session, b)
    if format == "json":
        typer.echo(json.dumps(out, ensure_ascii=False))
        return
    table = Table("field", "value", title=f"borrower {out['id']}")
    for k, v in out.items():
        table.add_row(k, "" if v is None else ", ".join(v) if isinstance(v, list) else str(v))
    console.print(table)


def borrower_addresses(
    file: Path = typer.Argument(
        ..., help="borrower_ref (or borrower_id) and address columns: .csv, .xlsx, .parquet"
    ),
    encoding: str = typer.Option(
        None,
        "--encoding",
        help="CSV encoding (utf-8, gbk, gb18030). Default: UTF-8, or GBK/GB18030 when detected.",
    ),
    database_url: str = typer.Option(None, "--database-url", help="Overrides DATABASE_URL."),
) -> None:
    """Import borrowers' postal addresses for letters, all or nothing: every row is checked first (an error names
    the file, row and field; exit 1, nothing written); an address already on file is left alone, so a re-run
    writes nothing. Addresses are sealed at rest and never printed."""
    from faircollect.db import unit_of_work
    from faircollect.kit.errors import FaircollectError, ValidationError
    from faircollect.ledger.addresses import import_addresses
    from faircollect.ledger.import_read import read_records

    errors: list[FaircollectError] = []
    records = read_records(file, errors, encoding=encoding)
    if records is not None and records:
        missing = {"address"} - set(records[0][1]) or (
            {"borrower_ref"} if not {"borrower_ref", "borrower_id"} & set(records[0][1]) else set()
        )
        for col in sorted(missing):
            errors.append(ValidationError(f"missing column {col!r}", file=str(file), field=col))
    if errors or records is None:
        for e in errors:
            console.print(f"[red]{e}[/red]")
        raise typer.Exit(1)
    rows = [
        {
            k: (None if v is None or str(v).strip() == "" else str(v))
            for k, v in r.items()
            if k in _ADDRESS_COLUMNS
        }
        for _, r in records
    ]
    try:
        with unit_of_work(_sessions(database_url)) as session:
            changed, unchanged = import_addresses(session, rows, actor="cli:import", file=str(file))
    except FaircollectError as exc:
        console.print(f"[red]{exc}[/red]")
        raise typer.Exit(1) from exc
    console.print(f"{changed} addresses set, {unchanged} already on file")


_ADDRESS_COLUMNS = ("borrower_ref", "borrower_id", "address")


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)
    borrower_app = typer.Typer(help="Borrowers (personal data masked).", no_args_is_help=True)
    borrower_app.command("show")(borrower_show)
    borrower_app.command("addresses")(borrower_addresses)
    app.add_typer(borrower_app, name="borrower")
    app.command("age")(age_command)
    try:
        from faircollect.ledger.cli import loan_app  # the `loan` group belongs to ledger-core
    except ImportError:
        admin = typer.Typer(help="Stored loans (ledger store).", no_args_is_help=True)
        admin.command("show")(loan_show)
        app.add_typer(admin, name="ledger-admin")
    else:
        loan_app.command("show")(loan_show)
