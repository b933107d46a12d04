"""Commands: ``keys rotate`` (a new key-encryption key) and ``retention run`` (erase what is past its period)."""

from __future__ import annotations

import json
import os
from datetime import UTC, datetime
from pathlib import Path

import typer
from rich.console import Console

from faircollect.config import get_settings
from faircollect.kit.listing import TableOrJson

console = Console()


def register(app: typer.Typer) -> None:
    keys_app = typer.Typer(
        help="The key-encryption key that protects personal data at rest.", no_args_is_help=True
    )
    retention_app = typer.Typer(help="Retention and erasure of personal data.", no_args_is_help=True)

    @keys_app.command("rotate")
    def keys_rotate(
        database_url: str = typer.Option(None, "--database-url", help="Overrides DATABASE_URL."),
        new_kek_file: Path = typer.Option(
            None,
            help="Where to write the new KEK. Default: replace FAIRCOLLECT_KEK_FILE in place (the old key is kept "
            "beside it as <file>.retired-<time>). Required when the KEK comes from FAIRCOLLECT_KEK.",
        ),
    ) -> None:
        """Re-wrap every per-borrower data key under a new KEK and recompute every blind index, in one
        transaction. The new key is written (0600) before the commit and put in place after it."""
        from faircollect.db import make_engine, session_factory, unit_of_work
        from faircollect.privacy.keys import current_kek, kek_from_secret, new_secret, write_secret_file
        from faircollect.privacy.rotate import rotate

        settings = get_settings()
        if settings.kek is not None and new_kek_file is None:
            typer.secho("error: the KEK comes from FAIRCOLLECT_KEK: give --new-kek-file", err=True, fg="red")
            raise typer.Exit(2)
        old = current_kek()
        secret = new_secret()
        target = new_kek_file or settings.kek_file
        staged = target.with_name(target.name + ".new")
        write_secret_file(staged, secret)
        engine = make_engine(database_url or settings.database_url)
        try:
            with unit_of_work(session_factory(engine)) as session:
                done = rotate(session, old=old, new=kek_from_secret(secret))
        except BaseException:
            staged.unlink(missing_ok=True)
            raise
        finally:
            engine.dispose()
        if target.exists() and new_kek_file is None:
            stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%SZ")
            os.replace(target, target.with_name(f"{target.name}.retired-{stamp}"))
        os.replace(staged, target)
        console.print(
            f"rotated: {done.keys_rewrapped} data keys re-wrapped ({done.keys_erased} erased), "
            f"{done.indexes_recomputed} blind indexes recomputed; new KEK in {target}"
        )
        if settings.kek is not None:
            console.print("[yellow]now set FAIRCOLLECT_KEK to the new key[/yellow]")

    @retention_app.command("run")
    def retention_run(
        database_url: str = typer.Option(None, "--database-url", help="Overrides DATABASE_URL."),
        as_of: str = typer.Option(None, help="ISO date-time to judge ages at (default: now)."),
        dry_run: bool = typer.Option(False, "--dry-run", help="List what is due; erase nothing."),
        format: TableOrJson = typer.Option(TableOrJson.table, "--format", help="table or json"),
    ) -> None:
        """Erase the personal data of borrowers past their jurisdiction's keep period (from the rulebook) by
        destroying their data keys; audited, one record each. Loans, ledger and audit chain stay intact."""
        from faircollect.db import make_engine, session_factory, unit_of_work
        from faircollect.kit.time import parse_datetime
        from faircollect.privacy import retention

        when = parse_datetime(as_of, field="as_of") if as_of else None
        engine = make_engine(database_url or get_settings().database_url)
        with unit_of_work(session_factory(engine)) as session:
            done = retention.run(session, as_of=when, actor="system:retention", dry_run=dry_run)
        engine.dispose()
        rows = [
            {
                "subject": e.subject,
                "kind": e.kind,
                "jurisdiction": e.jurisdiction,
                "rule_id": e.rule_id,
                "keep_years": e.keep_years,
                "last_activity": e.last_activity.isoformat(),
            }
            for e in done
        ]
        if format == "json":
            typer.echo(json.dumps({"dry_run": dry_run, "erased": [] if dry_run else rows, "due": rows}))
            return
        verb = "due (dry run)" if dry_run else "erased"
        for r in rows:
            console.print(
                f"{r['kind']} {r['subject']}  {r['jurisdiction']}  {r['rule_id']}  last activity {r['last_activity']}"
            )
        console.print(f"{len(rows)} {verb}")

    app.add_typer(keys_app, name="keys")
    app.add_typer(retention_app, name="retention")
