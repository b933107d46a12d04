"""The ``faircollect`` command. Each domain adds its commands through ``register(app)`` in its ``cli`` module."""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

import typer
from sqlalchemy.exc import DBAPIError
from typer.core import TyperGroup

if TYPE_CHECKING:
    from typer._click.core import Context as _Context  # typer ships its own click

from faircollect import __version__


class _Group(TyperGroup):
    """The root group: a command run against a database without the schema ends in one clear line, not a
    traceback."""

    def parse_args(self, ctx: _Context, args: list[str]) -> list[str]:
        ctx.meta["faircollect.argv"] = list(args)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: _Context) -> Any:
        from faircollect.compliance.audit import service as audit_service
        from faircollect.kit.schema import missing_table, schema_missing

        audit_service.forget_written()
        try:
            return super().invoke(ctx)
        except DBAPIError as exc:
            table = missing_table(exc)
            if table is None:
                raise
            url = _database_url_of(ctx)
            typer.secho(f"error: {schema_missing(table, url).message}", err=True, fg="red")
            raise typer.Exit(2) from None
        finally:
            # At shutdown the audit head of every database the command wrote to is signed (and its receipt kept).
            audit_service.sign_heads_written()


def _database_url_of(ctx: _Context) -> str:
    """The database a command used: its --database-url if given, else the configured one."""
    from faircollect.config import get_settings

    argv: list[str] = ctx.meta.get("faircollect.argv", [])
    for i, a in enumerate(argv):
        if a == "--database-url" and i + 1 < len(argv):
            return argv[i + 1]
        if a.startswith("--database-url="):
            return a.split("=", 1)[1]
    return get_settings().database_url


app = typer.Typer(
    name="faircollect",
    cls=_Group,
    help="Loan servicing and collections that is effective and lawful by construction.",
    invoke_without_command=True,
    add_completion=False,
    rich_markup_mode="rich",
)

#: Domain CLI modules, each exposing ``register(app: typer.Typer) -> None``.
DOMAIN_CLIS = (
    "faircollect.shell_cli",
    "faircollect.identity.cli",
    "faircollect.ledger.cli",
    "faircollect.ledger.shell_cli",
    "faircollect.compliance.cli",
    "faircollect.compliance.linter.cli",
    "faircollect.collections.cli",
    "faircollect.messaging.cli",
    "faircollect.portfolio.cli",
    "faircollect.strategy.cli",
    "faircollect.scoring.cli",
    "faircollect.origination.cli",
    "faircollect.relief.cli",
    "faircollect.privacy.cli",
    "faircollect.demo",
)


def _register_all() -> None:
    for name in DOMAIN_CLIS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # a domain not built yet
                continue
            raise
        module.register(app)


@app.callback()
def _root(
    ctx: typer.Context,
    version: bool = typer.Option(False, "--version", help="Print the version and exit.", is_eager=True),
) -> None:
    if version:
        typer.echo(f"faircollect {__version__}")
        raise typer.Exit()
    if ctx.invoked_subcommand is None:
        typer.echo(ctx.get_help())
        raise typer.Exit()


_register_all()


def main() -> None:
    app()
