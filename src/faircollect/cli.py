"""The ``faircollect`` command. Each domain adds its commands through ``register(app)`` in its ``cli`` module."""

from __future__ import annotations

import atexit
import contextlib
import importlib
import os
import sys
from typing import TYPE_CHECKING, Any, NoReturn

import typer
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
        # The audit service and SQLAlchemy are looked up, not imported: a command that never loaded them (the
        # nightly run on a snapshot directory) wrote nothing to audit and cannot raise a DBAPIError, and importing
        # them costs ~0.5 s of start-up.
        audit = sys.modules.get(_AUDIT)
        if audit is not None:
            audit.forget_written()
        try:
            return super().invoke(ctx)
        except Exception as exc:
            sa_exc = sys.modules.get("sqlalchemy.exc")
            if sa_exc is None:
                raise
            problem = _database_problem(sa_exc, exc, _database_url_of(ctx))
            if problem is None:
                raise
            typer.secho(f"error: {problem}", err=True, fg="red")
            raise typer.Exit(2) from None
        finally:
            # At shutdown the audit head of every database the command wrote to is signed (and its receipt kept).
            audit = sys.modules.get(_AUDIT)
            if audit is not None:
                audit.sign_heads_written()


#: The module that records which databases a command appended audit records to (``_WRITTEN``).
_AUDIT = "faircollect.compliance.audit.service"


#: What a DB-API error says when the database cannot be reached or opened at all (a wrong URL, host, port, role,
#: password or database name; a SQLite path whose folder does not exist) — not an error of the command's work.
_CANNOT_CONNECT = (
    "unable to open database file",
    "connection failed",
    "connection refused",
    "could not connect",
    "could not translate host name",
    "password authentication failed",
    "does not exist",  # role or database (psycopg says so at connect time)
)


def _database_problem(sa_exc: Any, exc: BaseException, url: str) -> str | None:
    """One line for a database the command could not use at all (no schema, a URL that is not one, a server or
    file that cannot be opened); None for any other error (it stays a traceback: a fault, not bad input)."""
    from faircollect.kit.schema import _safe_url, missing_table, schema_missing

    if isinstance(exc, sa_exc.ArgumentError):  # NoSuchModuleError too: an unknown dialect or driver
        shown = _safe_url(url)
        shown = "the URL given" if shown == "the configured database" else shown  # unparsable: not echoed
        return f"{shown} is not a database URL faircollect can use (--database-url or DATABASE_URL): {exc}"
    if not isinstance(exc, sa_exc.DBAPIError):
        return None
    table = missing_table(exc)
    if table is not None:
        return schema_missing(table, url).message
    reason = str(getattr(exc, "orig", None) or exc).strip()
    if isinstance(exc, sa_exc.OperationalError) and any(p in reason.lower() for p in _CANNOT_CONNECT):
        return f"cannot open the database at {_safe_url(url)}: {' '.join(reason.split())}"
    return None


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


def _new_app() -> typer.Typer:
    root = typer.Typer(
        name="faircollect",
        cls=_Group,
        help="Loan servicing and collections that is effective and lawful by construction.",
        invoke_without_command=True,
        add_completion=False,
        rich_markup_mode="rich",
    )
    root.callback()(_root)
    return root


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

#: Command groups that run without the other domains: ``faircollect portfolio …`` registers only its own CLI
#: (importing every domain's CLI costs ~1 s of start-up; the nightly run's target is 5 s in all).
STANDALONE = {"portfolio": "faircollect.portfolio.cli"}


def _register(root: typer.Typer, names: tuple[str, ...]) -> None:
    for name in names:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:  # a domain not built yet
                continue
            raise
        module.register(root)


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


def build_app(only: str | None = None) -> typer.Typer:
    """The command with every domain's commands, or only the ``STANDALONE`` group ``only``."""
    root = _new_app()
    _register(root, (STANDALONE[only],) if only else DOMAIN_CLIS)
    return root


_app: typer.Typer | None = None


def __getattr__(name: str) -> Any:
    """``faircollect.cli.app``: the whole command, built on first use (``main`` may build a smaller one)."""
    global _app
    if name == "app":
        if _app is None:
            _app = build_app()
        return _app
    raise AttributeError(name)


def main() -> None:
    group = sys.argv[1] if len(sys.argv) > 1 else None
    if group in STANDALONE:
        if group == "portfolio":
            _idle_thread_pools()
        try:
            build_app(group)()
        except SystemExit as done:
            if done.code is None or isinstance(done.code, int):
                _exit_now(done.code or 0)
            raise
    else:
        __getattr__("app")()


def _idle_thread_pools() -> None:
    """Thread pools that wait without spinning, for the portfolio commands (set before NumPy and Numba load; a value
    already in the environment is kept). OpenBLAS starts a thread per core when NumPy loads and they spin for a
    while; the commands use no linear algebra (~0.1 s of CPU every ``portfolio run``, 2026-12-05). The compiled
    kernel's OpenMP threads spin at the end of each parallel window while the main thread copies the next window's
    rows (~0.1 s on the 1,000,000-loan book); passive, they sleep instead — the same answers."""
    os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")


def _exit_now(code: int) -> NoReturn:
    """End the process once a ``STANDALONE`` command has finished: the exit handlers run (``atexit``: logging,
    Spark's gateway, ...) and the output is flushed, but the interpreter does not take its objects apart one by
    one first. After ``portfolio run`` on 1,000,000 loans that teardown (the modules, the run's Arrow tables
    and DuckDB, ~250,000 Python objects) cost 0.6-1.2 s of CPU in a process about to end (2026-12-04, three
    rounds alternated). Only the console script comes here; the commands themselves return as before."""
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing more to say
            stream.flush()
    os._exit(code)
