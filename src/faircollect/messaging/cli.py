"""Messaging commands: ``faircollect dispatch``, ``faircollect verify CODE``, ``faircollect templates list|add|seed``."""

from __future__ import annotations

import json
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from faircollect.config import get_settings
from faircollect.kit.listing import FORMAT_HELP, ListFormat, TableOrJson, emit, id_table

console = Console()


def _url(database_url: str | None) -> str:
    return database_url or get_settings().database_url


def register(app: typer.Typer) -> None:
    templates_app = typer.Typer(help="Message templates (linted when saved).", no_args_is_help=True)
    app.add_typer(templates_app, name="templates")

    @app.command("dispatch")
    def dispatch(
        workers: int = typer.Option(1, "--workers", "-w", min=1, help="Worker processes (SQLite: always 1)."),
        provider: str = typer.Option(
            None,
            "--provider",
            help="file, console, http, twilio or smtp (default FAIRCOLLECT_MESSAGING_PROVIDER).",
        ),
        sink: Path = typer.Option(
            None, "--sink", help="File sink path (default FAIRCOLLECT_MESSAGING_SINK_PATH)."
        ),
        follow: bool = typer.Option(
            False, "--follow", help="Keep polling for due messages instead of stopping."
        ),
        batch_size: int = typer.Option(100, "--batch-size", min=1, help="Messages claimed per transaction."),
        database_url: str = typer.Option(None, "--database-url", help="Overrides DATABASE_URL."),
        format: TableOrJson = typer.Option(TableOrJson.table, "--format", help="table or json"),
    ) -> None:
        """Send due outbox messages: the gate decides again with fresh facts, then the provider sends."""
        from faircollect.messaging.dispatch import DispatchConfig, run_workers
        from faircollect.messaging.providers import make_routed_provider
        from faircollect.messaging.settings import get_messaging_settings

        name = provider or get_messaging_settings().provider
        prov = make_routed_provider(name, sink_path=sink)
        stats = run_workers(
            _url(database_url),
            workers,
            provider=prov,
            stop_when_empty=not follow,
            cfg=DispatchConfig.from_settings(batch_size=batch_size),
        )
        if format == "json":
            typer.echo(json.dumps(stats.as_dict()))
            return
        used = 1 if _url(database_url).startswith("sqlite") else workers
        t = Table(
            title=f"dispatch via {name} ({used} worker(s){'; SQLite runs one' if used != workers else ''})"
        )
        cols = (
            "claimed",
            "sent",
            "blocked",
            "deferred",
            "rerendered",
            "expired",
            "retrying",
            "dead",
            "seconds",
        )
        for col in cols:
            t.add_column(col, justify="right")
        d = stats.as_dict()
        t.add_row(*(str(d[c]) for c in cols))
        console.print(t)
        for rule, n in d["blocked_rules"].items():
            console.print(f"  blocked by {rule}: {n}")

    @app.command("verify")
    def verify(
        code: str = typer.Argument(
            ..., help="The verification code printed in the message (8 letters/digits; any case, spaces ok)."
        ),
        database_url: str = typer.Option(None, "--database-url", help="Overrides DATABASE_URL."),
        format: TableOrJson = typer.Option(TableOrJson.table, "--format", help="table or json"),
    ) -> None:
        """Is a message genuine? Says only: genuine or not, the lender, the channel, the date, the lender's official
        channels and the anti-scam reminder — never the name, the loan, an amount or the text (the borrower reads
        the text signed in to the portal). Failed look-ups are audited. Exit code 0 if genuine, 1 if not.

        核验消息真伪：只显示真伪、机构、渠道、日期、官方渠道与防诈骗提示，从不显示姓名、借款、金额或正文。"""
        from faircollect.db import make_engine, session_factory, unit_of_work
        from faircollect.messaging.verification import record_failed_attempt
        from faircollect.messaging.verification import verify as do_verify

        settings = get_settings()
        engine = make_engine(_url(database_url))
        with unit_of_work(session_factory(engine)) as session:
            result = do_verify(
                session,
                code,
                lender=settings.lender_name,
                official_channels=settings.official_channel_list(),
                business_timezone=settings.business_timezone,
            )
            if not result.genuine:
                record_failed_attempt(
                    session, code=code, client="cli", actor="cli", reason=result.message[:60]
                )
        engine.dispose()
        if format == "json":
            typer.echo(json.dumps(result.as_dict(), ensure_ascii=False))
        else:
            colour = "green" if result.genuine else "red"
            console.print(
                f"[{colour}]{'GENUINE' if result.genuine else 'NOT GENUINE'}[/{colour}] {result.message}"
            )
            if result.official_channels:
                console.print("official channels / 官方渠道: " + "; ".join(result.official_channels))
            console.print(result.reminder)
        raise typer.Exit(0 if result.genuine else 1)

    @templates_app.command("list")
    def templates_list(
        all_versions: bool = typer.Option(False, "--all-versions", help="Show every version."),
        database_url: str = typer.Option(None, "--database-url", help="Overrides DATABASE_URL."),
        format: ListFormat = typer.Option(ListFormat.table, "--format", help=FORMAT_HELP),
    ) -> None:
        """List templates (latest version of each key/channel/language)."""
        from faircollect.db import make_engine, session_factory
        from faircollect.messaging.templates import list_templates

        engine = make_engine(_url(database_url))
        with session_factory(engine)() as session:
            rows = list_templates(session, latest_only=not all_versions)
            data = [
                {
                    "key": t.key,
                    "channel": t.channel,
                    "language": t.language,
                    "version": t.version,
                    "lint": t.lint_verdict,
                    "created_by": t.created_by,
                    "body": t.body,
                }
                for t in rows
            ]
        engine.dispose()
        if format != ListFormat.table:
            emit(data, format, console=console)
            return
        t = id_table(
            ["key", "channel", "language", "version", "lint", "body"], ids=("key",), title="templates"
        )
        for d in data:
            body = str(d["body"])
            t.add_row(
                str(d["key"]),
                str(d["channel"]),
                str(d["language"]),
                str(d["version"]),
                str(d["lint"]),
                body[:60] + ("…" if len(body) > 60 else ""),
            )
        emit(data, format, console=console, table=t, ids=("key",))

    @templates_app.command("add")
    def templates_add(
        key: str = typer.Option(..., "--key", help="Template key, e.g. overdue."),
        channel: str = typer.Option(
            "sms", "--channel", help="sms, call, voicemail, email, letter, visit or im."
        ),
        language: str = typer.Option("zh-CN", "--language", help="zh-CN, zh-TW or en"),
        body: str = typer.Option(None, "--body", help="Template text (or --file)."),
        file: Path = typer.Option(
            None, "--file", exists=True, dir_okay=False, help="Read the text from a file."
        ),
        visit_approved: bool = typer.Option(
            False, "--requires-visit-approved", help="States an approved visit."
        ),
        lawsuit_filed: bool = typer.Option(False, "--requires-lawsuit-filed", help="States a filed lawsuit."),
        actor: str = typer.Option("cli", "--actor", help="Who saves it (audit log)."),
        database_url: str = typer.Option(None, "--database-url", help="Overrides DATABASE_URL."),
    ) -> None:
        """Save a new template version; the linter runs first and a blocked template is refused with its findings."""
        from faircollect.db import make_engine, session_factory, unit_of_work
        from faircollect.messaging.templates import TemplateRefused, save_template

        if (body is None) == (file is None):
            raise typer.BadParameter("give exactly one of --body or --file")
        text = body if body is not None else file.read_text(encoding="utf-8")
        engine = make_engine(_url(database_url))
        try:
            with unit_of_work(session_factory(engine)) as session:
                tpl = save_template(
                    session,
                    key=key,
                    channel=channel,
                    language=language,
                    body=text,
                    created_by=actor,
                    requires_visit_approved=visit_approved,
                    requires_lawsuit_filed=lawsuit_filed,
                )
                console.print(
                    f"[green]saved[/green] {tpl.key}/{tpl.channel}/{tpl.language} v{tpl.version} ({tpl.lint_verdict})"
                )
        except TemplateRefused as exc:
            console.print(f"[red]refused[/red]: {exc.message}")
            for f in exc.findings:
                console.print(
                    f"  {f.get('category')} [{f.get('rule')}] {f.get('excerpt')!r}: {f.get('explanation')}"
                )
            raise typer.Exit(1) from exc
        finally:
            engine.dispose()

    @templates_app.command("seed")
    def templates_seed(
        database_url: str = typer.Option(None, "--database-url", help="Overrides DATABASE_URL."),
    ) -> None:
        """Save the built-in templates (reminder, overdue, promise confirmation, visit and lawsuit notices)."""
        from faircollect.db import make_engine, session_factory, unit_of_work
        from faircollect.messaging.seeds import seed_templates

        engine = make_engine(_url(database_url))
        with unit_of_work(session_factory(engine)) as session:
            saved = seed_templates(session)
        engine.dispose()
        console.print(f"[green]{len(saved)} template(s) saved[/green]")
