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
        None, "--loans", help="Loans file (.csv or .parquet); columns in docs/import.md."
    ),
    payments: Path = typer.Option(None, "--payments", help="Payments file (.csv or .parquet)."),
    schedules: Path = typer.Option(None, "--schedules", help="Explicit due dates (.csv or .parquet)."),
    database_url: str = typer.Option(None, "--database-url", help="Overrides DATABASE_URL."),
    format: str = typer.Option("table", "--format", help="table or json"),
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
    from rich.progress import Progress

    try:
        with (
            unit_of_work(_sessions(database_url)) as session,
            Progress(console=console, transient=True, disable=format == "json") as bar,
        ):
            task = bar.add_task("writing loans and payments", total=None)
            result = import_files(
                session,
                loans=loans,
                payments=payments,
                schedules=schedules,
                progress=lambda done, total: bar.update(task, completed=done, total=total),
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
    format: str = typer.Option("table", "--format", help="table or json"),
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
    format: str = typer.Option("table", "--format", help="table or json"),
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


def register(app: typer.Typer) -> None:
    app.command("import")(import_command)
    app.command("age")(age_command)
    try:
        from faircollect.ledger.cli import loan_app  # the `loan` group belongs to ledger-core
    except ImportError:
        admin = typer.Typer(help="Stored loans (ledger store).", no_args_is_help=True)
        admin.command("show")(loan_show)
        app.add_typer(admin, name="ledger-admin")
    else:
        loan_app.command("show")(loan_show)
