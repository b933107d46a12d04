"""``faircollect applications import|notice|block``: decide a file of applications, print a notice."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path

import typer
from pydantic import ValidationError as PydanticError
from rich.console import Console

from faircollect.config import get_settings
from faircollect.kit.errors import FaircollectError
from faircollect.kit.listing import JsonlOrTable, TableOrJson

err = Console(stderr=True)


class TextOrJson(StrEnum):
    """``applications notice --format``: the notice's text, or its JSON."""

    text = "text"
    json = "json"


def _read_text(file: Path) -> str:
    """The file's text: UTF-8 (a BOM dropped) or GBK/GB18030 Chinese, as the loan import and the linter read
    files; a directory, an unreadable file or other bytes exit 2 naming the file (and the line), on one line however long
    the path (a wrapped path cannot be copied)."""
    from faircollect.compliance.linter.decoding import decode_bytes

    if file.is_dir():
        err.print(f"[red]error[/red]: {file} is a directory, not a file", soft_wrap=True)
        raise typer.Exit(2)
    try:
        data = file.read_bytes()
    except OSError as exc:
        err.print(f"[red]error[/red]: cannot read {file}: {exc.strerror or exc}", soft_wrap=True)
        raise typer.Exit(2) from None
    try:
        text, _encoding = decode_bytes(data, source=str(file))
    except FaircollectError as exc:
        err.print(f"[red]error[/red]: {exc}", soft_wrap=True)
        raise typer.Exit(2) from None
    return text.removeprefix("\ufeff")


def register(app: typer.Typer) -> None:
    apps = typer.Typer(
        help="Loan applications: automated decisions, reasons and notices.", no_args_is_help=True
    )

    @apps.command("import")
    def import_cmd(
        file: Path = typer.Argument(
            ..., help="JSON Lines: one application per line (the POST /v1/applications body)"
        ),
        database_url: str = typer.Option(None, "--database-url", help="Overrides DATABASE_URL."),
        policy: str = typer.Option("cn-consumer", "--policy", help="Policy name or YAML file"),
        format: JsonlOrTable = typer.Option(JsonlOrTable.jsonl, "--format", help="jsonl or table"),
    ) -> None:
        """Decide every application of the file, each in its own transaction; a bad line is reported, not fatal."""
        from faircollect.db import make_engine, session_factory, unit_of_work
        from faircollect.origination import service
        from faircollect.origination.policy import load_policy
        from faircollect.origination.schemas import ApplicationIn, DecisionOut

        if not file.exists():
            err.print(f"[red]error[/red]: no such file {file}")
            raise typer.Exit(2)
        text = _read_text(file)
        if (
            not text.strip()
        ):  # 0 bytes or only blank lines: nothing was decided, so say so (as the loan import)
            err.print(f"[red]error[/red]: {file}: the file is empty: no applications", soft_wrap=True)
            raise typer.Exit(2)
        factory = session_factory(make_engine(database_url or get_settings().database_url))
        pol = load_policy(policy)
        failed = 0
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                body = ApplicationIn.model_validate_json(line)
                with unit_of_work(factory) as session:
                    out = DecisionOut.of(
                        service.submit(session, data=body.to_data(), policy=pol, actor="cli:import")
                    )
            except PydanticError as exc:
                failed += 1
                first = exc.errors()[0]
                msg = f"{file}, line {n}, field {'.'.join(map(str, first['loc']))!r}: {first['msg']}"
                typer.echo(json.dumps({"line": n, "error": msg}) if format == "jsonl" else msg)
                continue
            except FaircollectError as exc:
                failed += 1
                msg = f"{file}, line {n}: {exc}"
                typer.echo(json.dumps({"line": n, "error": msg}) if format == "jsonl" else msg)
                continue
            if format == "jsonl":
                typer.echo(json.dumps({"line": n, **out.model_dump()}, ensure_ascii=False))
            else:
                offer = out.offer or {}
                typer.echo(
                    f"{n:>5} {out.id} {out.outcome:<8} score {out.score}  "
                    f"{offer.get('amount', '-')} × {offer.get('term', '-')} @ {offer.get('annual_rate', '-')}"
                )
        if failed:
            raise typer.Exit(1)

    @apps.command("notice")
    def notice_cmd(
        application_id: str = typer.Argument(...),
        database_url: str = typer.Option(None, "--database-url", help="Overrides DATABASE_URL."),
        language: str = typer.Option("both", "--language", help="zh, en or both"),
        format: TextOrJson = typer.Option(TextOrJson.text, "--format", help="text or json"),
        send: bool = typer.Option(
            False,
            "--send",
            help="Also send it by SMS through messaging (the gate decides; the dispatcher sends)",
        ),
    ) -> None:
        """Print the adverse-action notice of a declined or referred application (ranked reasons, zh and en)."""
        from faircollect.db import make_engine, session_factory, unit_of_work
        from faircollect.kit.time import utc_now
        from faircollect.origination import service
        from faircollect.origination.notice_send import send_notice

        settings = get_settings()
        factory = session_factory(make_engine(database_url or settings.database_url))
        try:
            with unit_of_work(factory) as session:
                n = service.notice(session, application_id, lender=settings.lender_name)
                if send:
                    sent = send_notice(
                        session,
                        application_id=application_id,
                        at=utc_now(),
                        actor="cli",
                        lender=settings.lender_name,
                    )
                    err.print(
                        f"queued for sending: outbox {sent.outbox_id}"
                        if sent.outbox_id
                        else f"[yellow]not sent[/yellow]: the gate refused it ({', '.join(sent.decision.rule_ids)})"
                    )
        except FaircollectError as exc:
            err.print(f"[red]error[/red]: {exc}")
            raise typer.Exit(2) from None
        if format == "json":
            typer.echo(json.dumps(n.as_dict(), ensure_ascii=False))
            return
        if language in ("zh", "both"):
            typer.echo(n.text_zh)
        if language == "both":
            typer.echo("")
        if language in ("en", "both"):
            typer.echo(n.text_en)

    @apps.command("block")
    def block_cmd(
        kind: str = typer.Option(..., "--kind", help="phone or id_number"),
        value: str = typer.Argument(...),
        reason: str = typer.Option(..., "--reason", help="Why it is blocked (audited)."),
        database_url: str = typer.Option(None, "--database-url", help="Overrides DATABASE_URL."),
    ) -> None:
        """Add a phone or ID number to the lender's block list (sealed, with a keyed blind index that
        `keys rotate` re-computes)."""
        from faircollect.db import make_engine, session_factory, unit_of_work
        from faircollect.origination import service

        factory = session_factory(make_engine(database_url or get_settings().database_url))
        try:
            with unit_of_work(factory) as session:
                entry = service.block(session, kind=kind, value=value, reason=reason, actor="cli")
        except FaircollectError as exc:
            err.print(f"[red]error[/red]: {exc}")
            raise typer.Exit(2) from None
        typer.echo(f"blocked ({entry.id})")

    @apps.command("block-list")
    def block_list_cmd(
        database_url: str = typer.Option(None, "--database-url", help="Overrides DATABASE_URL."),
        format: TableOrJson = typer.Option(TableOrJson.table, "--format", help="table or json"),
    ) -> None:
        """The lender's block list, newest first; phones and ID numbers masked."""
        from faircollect.db import make_engine, session_factory
        from faircollect.origination import service

        with session_factory(make_engine(database_url or get_settings().database_url))() as session:
            rows = [
                {
                    "id": e.id,
                    "kind": e.kind,
                    "value": service.masked_value(e),
                    "reason": e.reason,
                    "added_at": e.added_at.isoformat(),
                    "added_by": e.added_by,
                }
                for e in service.block_list(session)
            ]
        if format == "json":
            typer.echo(json.dumps(rows, ensure_ascii=False))
            return
        for r in rows:
            typer.echo(
                f"{r['id']}  {r['kind']:<9} {r['value']:<20} {r['added_at'][:19]}  {r['added_by']}: {r['reason']}"
            )
        if not rows:
            typer.echo("the block list is empty")

    @apps.command("unblock")
    def unblock_cmd(
        entry_id: str = typer.Argument(..., help="The entry's id (from block-list)"),
        reason: str = typer.Option(..., "--reason", help="Why it is lifted (audited)."),
        database_url: str = typer.Option(None, "--database-url", help="Overrides DATABASE_URL."),
    ) -> None:
        """Remove a block-list entry: its sealed value is crypto-shredded and the removal audited."""
        from faircollect.db import make_engine, session_factory, unit_of_work
        from faircollect.origination import service

        factory = session_factory(make_engine(database_url or get_settings().database_url))
        try:
            with unit_of_work(factory) as session:
                service.unblock(session, entry_id=entry_id, reason=reason, actor="cli")
        except FaircollectError as exc:
            err.print(f"[red]error[/red]: {exc}")
            raise typer.Exit(2) from None
        typer.echo(f"unblocked ({entry_id})")

    @apps.command("stability")
    def stability_cmd(
        days: int = typer.Option(30, "--days", help="Applicants of the last N days"),
        database_url: str = typer.Option(None, "--database-url", help="Overrides DATABASE_URL."),
        policy: str = typer.Option("cn-consumer", "--policy", help="Policy name or YAML file"),
    ) -> None:
        """PSI of recent applicants' A-card scores and CSI of each characteristic against the card's
        development sample, as JSON (exit 1 on an alert, PSI ≥ 0.25). The nightly run reports the same."""
        from faircollect.db import make_engine, session_factory
        from faircollect.origination import service
        from faircollect.origination.policy import load_policy

        with session_factory(make_engine(database_url or get_settings().database_url))() as session:
            out = service.applicant_stability(session, policy=load_policy(policy), days=days)
        typer.echo(json.dumps(out))
        if out["status"] == "alert":
            raise typer.Exit(1)

    app.add_typer(apps, name="applications")
