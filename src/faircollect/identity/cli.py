"""Identity commands: ``faircollect users add|list|disable|password`` and ``faircollect tokens issue|list|revoke``.

Run on the server by an operator; the audit log records them as ``cli:<operating-system user>``.
"""

from __future__ import annotations

import getpass
import json
import os

import typer
from rich.console import Console
from rich.table import Table

from faircollect.config import get_settings
from faircollect.kit.listing import TableOrJson

console = Console()
err = Console(stderr=True)


def _url(database_url: str | None) -> str:
    return database_url or get_settings().database_url


def _operator() -> str:
    try:
        name = getpass.getuser()
    except Exception:  # no passwd entry (containers)
        name = str(os.getuid()) if hasattr(os, "getuid") else "unknown"
    return f"cli:{name}"


DB_OPTION = typer.Option(None, "--database-url", help="Overrides DATABASE_URL.")


def register(app: typer.Typer) -> None:
    users_app = typer.Typer(
        help="Staff and machine users with their roles (agent, supervisor, compliance_officer, admin, auditor, "
        "agency_agent, integration). See docs/identity.md.",
        no_args_is_help=True,
    )
    tokens_app = typer.Typer(
        help="API tokens (Authorization: Bearer TOKEN): issued per user, stored hashed, with expiry and revocation.",
        no_args_is_help=True,
    )

    @users_app.command("add")
    def users_add(
        username: str = typer.Argument(..., help="Sign-in name (no spaces)."),
        role: list[str] = typer.Option(
            ...,
            "--role",
            help="agent, supervisor, compliance_officer, admin, auditor, agency_agent or integration (repeatable).",
        ),
        agency: str = typer.Option(None, "--agency", help="The agency an agency_agent is bound to (its id)."),
        team: str = typer.Option(None, "--team", help="The team of an agent or supervisor."),
        name: str = typer.Option(None, "--name", help="Display name (default: the username)."),
        password: bool = typer.Option(
            False, "--password", help="Prompt for a password (console sign-in; at least 12 characters)."
        ),
        database_url: str = DB_OPTION,
    ) -> None:
        """Add a user. An integration role makes a machine identity (tokens only, no password)."""
        from faircollect.db import make_engine, session_factory, unit_of_work
        from faircollect.identity import service
        from faircollect.kit.errors import FaircollectError

        secret = typer.prompt("password", hide_input=True, confirmation_prompt=True) if password else None
        engine = make_engine(_url(database_url))
        try:
            with unit_of_work(session_factory(engine)) as s:
                user = service.add_user(
                    s,
                    username=username,
                    roles=role,
                    agency_id=agency,
                    team_id=team,
                    display_name=name,
                    password=secret,
                    actor=_operator(),
                )
                console.print(
                    f"added {user.kind} user {user.username} ({', '.join(user.roles)}) id {user.id}"
                )
        except FaircollectError as exc:
            err.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from None
        finally:
            engine.dispose()

    @users_app.command("list")
    def users_list(
        database_url: str = DB_OPTION,
        format: TableOrJson = typer.Option(TableOrJson.table, "--format", help="table or json"),
    ) -> None:
        """List users with their roles, agency and state."""
        from faircollect.db import make_engine, session_factory
        from faircollect.identity import service

        engine = make_engine(_url(database_url))
        with session_factory(engine)() as s:
            rows = [
                {
                    "username": u.username,
                    "id": u.id,
                    "kind": u.kind,
                    "roles": list(u.roles),
                    "agency_id": u.agency_id,
                    "team_id": u.team_id,
                    "active": u.active,
                    "password": u.password_hash is not None,
                    "created_at": u.created_at.isoformat(),
                }
                for u in service.list_users(s)
            ]
        engine.dispose()
        if format == "json":
            typer.echo(json.dumps(rows, ensure_ascii=False))
            return
        t = Table("username", "kind", "roles", "agency", "active", "password", "id")
        for r in rows:
            t.add_row(
                str(r["username"]),
                str(r["kind"]),
                ", ".join(r["roles"]),  # type: ignore[arg-type]
                str(r["agency_id"] or ""),
                "yes" if r["active"] else "DISABLED",
                "yes" if r["password"] else "no",
                str(r["id"]),
            )
        Console(width=200).print(t)

    @users_app.command("disable")
    def users_disable(username: str = typer.Argument(...), database_url: str = DB_OPTION) -> None:
        """Disable a user: its tokens and sessions stop working at once."""
        from faircollect.db import make_engine, session_factory, unit_of_work
        from faircollect.identity import service
        from faircollect.kit.errors import FaircollectError

        engine = make_engine(_url(database_url))
        try:
            with unit_of_work(session_factory(engine)) as s:
                service.disable_user(s, username=username, actor=_operator())
            console.print(f"disabled {username}")
        except FaircollectError as exc:
            err.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from None
        finally:
            engine.dispose()

    @users_app.command("password")
    def users_password(username: str = typer.Argument(...), database_url: str = DB_OPTION) -> None:
        """Set a staff user's console password (prompted; at least 12 characters; stored as argon2id)."""
        from faircollect.db import make_engine, session_factory, unit_of_work
        from faircollect.identity import service
        from faircollect.kit.errors import FaircollectError

        secret = typer.prompt("password", hide_input=True, confirmation_prompt=True)
        engine = make_engine(_url(database_url))
        try:
            with unit_of_work(session_factory(engine)) as s:
                service.set_password(s, username=username, password=secret, actor=_operator())
            console.print(f"password set for {username}")
        except FaircollectError as exc:
            err.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from None
        finally:
            engine.dispose()

    @tokens_app.command("issue")
    def tokens_issue(
        username: str = typer.Argument(..., help="The user the token authenticates as."),
        expires_days: int = typer.Option(90, "--expires-days", help="Days until the token expires (1-3650)."),
        database_url: str = DB_OPTION,
    ) -> None:
        """Issue a token. It is printed once, alone on the last line (only its hash is stored)."""
        from faircollect.db import make_engine, session_factory, unit_of_work
        from faircollect.identity import service
        from faircollect.kit.errors import FaircollectError

        engine = make_engine(_url(database_url))
        try:
            with unit_of_work(session_factory(engine)) as s:
                issued = service.issue_token(
                    s, username=username, actor=_operator(), expires_days=expires_days
                )
        except FaircollectError as exc:
            err.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from None
        finally:
            engine.dispose()
        expires = issued.expires_at.isoformat() if issued.expires_at else "never"
        typer.echo(f"token {issued.id} for {issued.username}, expires {expires}; shown once, store it now:")
        typer.echo(issued.secret)

    @tokens_app.command("list")
    def tokens_list(
        username: str = typer.Argument(None, help="Only this user's tokens."),
        database_url: str = DB_OPTION,
    ) -> None:
        """List tokens (id, prefix, user, expiry, revoked) — never the tokens themselves."""
        from faircollect.db import make_engine, session_factory
        from faircollect.identity import service
        from faircollect.kit.time import utc_now

        engine = make_engine(_url(database_url))
        now = utc_now()
        t = Table("id", "prefix", "user", "expires", "state")
        with session_factory(engine)() as s:
            for tok, user in service.list_tokens(s, username):
                state = (
                    "revoked"
                    if tok.revoked_at
                    else "expired"
                    if tok.expires_at and tok.expires_at <= now
                    else "active"
                )
                t.add_row(
                    tok.id,
                    tok.prefix,
                    user.username,
                    tok.expires_at.isoformat() if tok.expires_at else "",
                    state,
                )
        engine.dispose()
        Console(width=200).print(t)

    @tokens_app.command("revoke")
    def tokens_revoke(
        token: str = typer.Argument(
            ..., help="The token's id (tokens list), its prefix, or the token itself."
        ),
        database_url: str = DB_OPTION,
    ) -> None:
        """Revoke a token: it stops working at once."""
        from faircollect.db import make_engine, session_factory, unit_of_work
        from faircollect.identity import service
        from faircollect.kit.errors import FaircollectError

        engine = make_engine(_url(database_url))
        try:
            with unit_of_work(session_factory(engine)) as s:
                tok = service.revoke_token(s, token_ref=token, actor=_operator())
                console.print(f"revoked {tok.id} ({tok.prefix}…)")
        except FaircollectError as exc:
            err.print(f"[red]error:[/red] {exc}")
            raise typer.Exit(2) from None
        finally:
            engine.dispose()

    app.add_typer(users_app, name="users")
    app.add_typer(tokens_app, name="tokens")
