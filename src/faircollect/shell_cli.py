"""Cross-cutting commands: ``db upgrade``, ``serve``, ``audit verify``."""

from __future__ import annotations

import json

import typer
from rich.console import Console

from faircollect.config import get_settings
from faircollect.kit.listing import TableOrJson

console = Console()


def register(app: typer.Typer) -> None:
    db_app = typer.Typer(help="Database schema management (Alembic).", no_args_is_help=True)
    audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)

    @db_app.command("upgrade")
    def db_upgrade(
        database_url: str = typer.Option(None, "--database-url", help="Overrides DATABASE_URL."),
        revision: str = typer.Option("heads", help="Target revision (default: every branch's head)."),
    ) -> None:
        """Apply all migrations to the database."""
        from faircollect.db import upgrade

        url = database_url or get_settings().database_url
        upgrade(url, revision)
        console.print(f"[green]database at {revision}[/green]")

    @audit_app.command("verify")
    def audit_verify(
        database_url: str = typer.Option(None, "--database-url", help="Overrides DATABASE_URL."),
        public_key: str = typer.Option(
            None,
            help="Trusted Ed25519 public key (base64) for checkpoints and receipts. Default: "
            "FAIRCOLLECT_AUDIT_PUBLIC_KEY, else the public half of FAIRCOLLECT_AUDIT_KEY_FILE when that file "
            "exists. Without one the command fails (exit 2): signatures are never skipped.",
        ),
        receipts: str = typer.Option(
            None,
            help="The receipt sink to check against (file:PATH or module:factory). Default: FAIRCOLLECT_AUDIT_SINK.",
        ),
        format: TableOrJson = typer.Option(TableOrJson.table, "--format", help="table or json"),
    ) -> None:
        """Walk the hash chain and signed checkpoints, then hold the database against the external receipts;
        name the first record altered, removed or reordered, a cut tail, or a rewritten stretch."""
        from faircollect.compliance.audit import service as audit_service
        from faircollect.compliance.audit.sink import sink_from_setting
        from faircollect.db import make_engine, session_factory

        settings = get_settings()
        trusted = (
            public_key
            or settings.audit_public_key
            or audit_service.trusted_key_from_file(settings.audit_key_file)
        )
        if trusted is None:
            typer.secho(
                f"error: no trusted public key: give --public-key or FAIRCOLLECT_AUDIT_PUBLIC_KEY "
                f"({settings.audit_key_file} not found); signatures are never skipped",
                err=True,
                fg="red",
            )
            raise typer.Exit(2)
        sink = sink_from_setting(receipts or settings.audit_sink)
        held = sink.read()
        engine = make_engine(database_url or settings.database_url)
        with session_factory(engine)() as session:
            result = audit_service.verify(session, trusted_public_key=trusted, receipts=held)
        if format == "json":
            typer.echo(
                json.dumps(
                    {
                        "ok": result.ok,
                        "records_checked": result.records_checked,
                        "checkpoints_checked": result.checkpoints_checked,
                        "first_bad_seq": result.first_bad_seq,
                        "problem": result.problem,
                        "receipts_checked": len(held),
                    }
                )
            )
        elif result.ok:
            console.print(
                f"[green]audit chain intact[/green]: {result.records_checked} records, "
                f"{result.checkpoints_checked} signed checkpoints, {len(held)} external receipts"
            )
        else:
            console.print(f"[red]audit chain broken[/red] at record {result.first_bad_seq}: {result.problem}")
        if not result.ok:
            raise typer.Exit(1)

    @audit_app.command("checkpoint")
    def audit_checkpoint(
        database_url: str = typer.Option(None, "--database-url", help="Overrides DATABASE_URL."),
    ) -> None:
        """Sign the chain head now (if records were appended since the last checkpoint) and write its receipt."""
        from faircollect.compliance.audit import service as audit_service
        from faircollect.db import make_engine, session_factory, unit_of_work

        engine = make_engine(database_url or get_settings().database_url)
        with unit_of_work(session_factory(engine)) as session:
            cp = audit_service.checkpoint_head(session)
        engine.dispose()
        console.print(f"signed record {cp.seq}" if cp else "nothing new to sign")

    @app.command("serve")
    def serve(
        host: str = typer.Option("127.0.0.1", help="Address to listen on."),
        port: int = typer.Option(8000, help="Port to listen on."),
    ) -> None:
        """Run the HTTP API under /v1 (OpenAPI at /docs), the borrower portal (/portal/, 借款人服务) and the staff
        console (/console/, 催收工作台). API callers authenticate with 'Authorization: Bearer TOKEN'
        (faircollect users add / tokens issue); says loudly at start when no identity is configured.
        Forwarding headers are believed only from FAIRCOLLECT_TRUSTED_PROXIES."""
        import uvicorn

        from faircollect.api.app import create_app
        from faircollect.identity.startup import identity_warnings

        app_ = create_app()
        for warning in identity_warnings(app_):
            console.print(f"[bold red]WARNING:[/bold red] {warning}")
        # proxy_headers=False: uvicorn would otherwise rewrite the client address from X-Forwarded-For sent by
        # 127.0.0.1; the app reads that header itself, from the configured trusted proxies only.
        uvicorn.run(app_, host=host, port=port, proxy_headers=False)

    app.add_typer(db_app, name="db")
    app.add_typer(audit_app, name="audit")
