"""The ``faircollect`` command. Each domain adds its commands through ``register(app)`` in its ``cli`` module."""

from __future__ import annotations

import importlib

import typer

from faircollect import __version__

app = typer.Typer(
    name="faircollect",
    help="Loan servicing and collections that is effective and lawful by construction.",
    no_args_is_help=True,
    add_completion=False,
    rich_markup_mode="rich",
)

#: Domain CLI modules, each exposing ``register(app: typer.Typer) -> None``.
DOMAIN_CLIS = (
    "faircollect.shell_cli",
    "faircollect.ledger.cli",
    "faircollect.ledger.shell_cli",
    "faircollect.compliance.cli",
    "faircollect.compliance.linter.cli",
    "faircollect.collections.cli",
    "faircollect.messaging.cli",
    "faircollect.portfolio.cli",
    "faircollect.scoring.cli",
    "faircollect.origination.cli",
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
    version: bool = typer.Option(False, "--version", help="Print the version and exit.", is_eager=True),
) -> None:
    if version:
        typer.echo(__version__)
        raise typer.Exit()


_register_all()


def main() -> None:
    app()
