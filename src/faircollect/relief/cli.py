"""``faircollect relief``: the daily plan check (容时 / 容差 / append the first missed instalment / break) and the
supervisors' review queue from the command line."""

from __future__ import annotations

import json

import typer

from faircollect.config import get_settings


def register(app: typer.Typer) -> None:
    relief_app = typer.Typer(help="Relief plans: daily check of signed plans, and the review queue.")
    app.add_typer(relief_app, name="relief")

    @relief_app.command("check")
    def check(
        as_of: str = typer.Option(..., "--as-of", help="Business date to check the plans on (YYYY-MM-DD)."),
        database_url: str = typer.Option(None, "--database-url", help="Default: DATABASE_URL."),
    ) -> None:
        """Apply the grace days (容时), the tolerance (容差), append-to-end and break to every signed plan."""
        from faircollect.db import make_engine, session_factory, unit_of_work
        from faircollect.kit.time import parse_date
        from faircollect.relief.service import check_plans

        engine = make_engine(database_url or get_settings().database_url)
        try:
            with unit_of_work(session_factory(engine)) as session:
                done = check_plans(
                    session, as_of=parse_date(as_of, field="--as-of"), actor="system:relief-check"
                )
        finally:
            engine.dispose()
        typer.echo(json.dumps({"as_of": as_of, "changed": done}, ensure_ascii=False))

    @relief_app.command("reviews")
    def reviews(
        database_url: str = typer.Option(None, "--database-url", help="Default: DATABASE_URL."),
    ) -> None:
        """List the relief applications waiting for a supervisor (JSON lines)."""
        from faircollect.db import make_engine, session_factory
        from faircollect.relief.service import list_reviews

        engine = make_engine(database_url or get_settings().database_url)
        try:
            with session_factory(engine)() as session:
                for a in list_reviews(session):
                    typer.echo(
                        json.dumps(
                            {"id": a.id, "loan_id": a.loan_id, "kind": a.kind, "months": a.months,
                             "reason": a.reason, "total_minor": a.total_minor, "created_at": a.created_at.isoformat()},
                            ensure_ascii=False,
                        )
                    )  # fmt: skip
        finally:
            engine.dispose()
