"""The demo's last step: staff accounts on the demo's data and how to open the portal and the console on it."""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from rich.console import Console
from rich.table import Table
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from faircollect.db import unit_of_work

DEMO_ACTOR = "system:demo"


@dataclass(frozen=True, slots=True)
class DemoAccount:
    username: str
    role: str
    password: str
    what: str


def _staff(agent_user: str | None) -> list[tuple[str, str, str]]:
    staff = [
        ("demo.supervisor", "supervisor", "approves visits and relief plans, QA and training"),
        ("demo.compliance", "compliance_officer", "rulebook, overrides (four eyes), audit"),
        ("demo.compliance2", "compliance_officer", "the second pair of eyes on a loosening"),
        ("demo.auditor", "auditor", "reads everything, changes nothing"),
    ]
    if agent_user:
        staff.insert(0, (agent_user, "agent", "works the queue the demo built"))
    return staff


def create_accounts(factory: sessionmaker[Session]) -> list[DemoAccount]:
    """Staff users for the demo, each with a fresh random password (printed once, stored only as an argon2 hash)."""
    from faircollect.collections.models import Agent
    from faircollect.identity import service as identity

    accounts: list[DemoAccount] = []
    with unit_of_work(factory) as session:
        agent_user = session.scalars(
            select(Agent.user).where(Agent.agency_id.is_(None)).order_by(Agent.user).limit(1)
        ).first()
        existing = {u.username for u in identity.list_users(session)}
        for username, role, what in _staff(agent_user):
            if username in existing:
                continue
            password = secrets.token_urlsafe(12)
            identity.add_user(session, username=username, roles=[role], actor=DEMO_ACTOR, password=password)
            accounts.append(DemoAccount(username, role, password, what))
    return accounts


def demo_borrower(factory: sessionmaker[Session]) -> str | None:
    """A loan reference of a borrower with a phone on file and an overdue loan (the most interesting to sign in as)."""
    from faircollect.ledger.models import Borrower, Loan

    with factory() as session:
        rows = session.execute(
            select(Loan.external_ref, Loan.id, Loan.bucket, Borrower.id)
            .join(Borrower, Borrower.id == Loan.borrower_id)
            .order_by(Loan.created_at, Loan.id)
        ).all()
        for ref, loan_id, bucket, borrower_id in rows:
            borrower = session.get(Borrower, borrower_id)
            if borrower is not None and borrower.phone and bucket not in (None, "", "C", "M0"):
                return str(ref or loan_id)
        return str(rows[0][0] or rows[0][1]) if rows else None


def print_web_access(
    console: Console,
    factory: sessionmaker[Session],
    *,
    database_url: str,
    sink: Path,
    audit_key_file: Path,
    business_day: date,
) -> list[DemoAccount]:
    """Create the demo's staff accounts and say how to open the portal (borrowers) and the console (staff).

    ``business_day`` is the day after the demo's last simulated day: the portal shows the debt as of then
    (``FAIRCOLLECT_PORTAL_AS_OF``, for demos only), not as of the wall clock months later."""
    accounts = create_accounts(factory)
    reference = demo_borrower(factory)
    # The console works the same business day as the portal (FAIRCOLLECT_PORTAL_AS_OF): its agent's queue for
    # that day, ranked as every morning, so the agent's desk opens on real cases.
    from faircollect.collections.queues import build_work_queues

    with unit_of_work(factory) as session:
        build_work_queues(session, business_day, actor=DEMO_ACTOR)
    console.rule("[bold]the portal and the console on this data[/bold]")
    console.print("start the server (same folder, so the demo's audit and data keys are found):")
    from faircollect.config import get_settings

    settings = get_settings()
    # The borrowers' personal data is sealed under the demo's KEK: a server started without it cannot read a phone
    # (the portal's sign-in fails) and writes a fresh, wrong key file of its own. FAIRCOLLECT_KEK (a secret in the
    # environment) is not printed: the server inherits it from the same shell.
    kek = "" if settings.kek else f"FAIRCOLLECT_KEK_FILE={settings.kek_file} "
    console.print(
        f"  DATABASE_URL={database_url} FAIRCOLLECT_MESSAGING_SINK_PATH={sink} "
        f"FAIRCOLLECT_AUDIT_KEY_FILE={audit_key_file} FAIRCOLLECT_AUDIT_SINK={settings.audit_sink} {kek}"
        f"FAIRCOLLECT_PORTAL_AS_OF={business_day.isoformat()} faircollect serve",
        soft_wrap=True,
    )
    logs = sink.with_name("strategy-logs")
    console.print(
        f"  (add FAIRCOLLECT_STRATEGY_LOGS_DIR={logs} for the strategy page's value of each policy, after "
        f"`faircollect strategy experiment --logs {logs} --borrowers 5000`)",
        soft_wrap=True,
    )
    console.print("borrower portal 借款人服务: http://localhost:8000/portal/")
    if reference:
        console.print(
            f"  sign in with the loan reference [bold]{reference}[/bold]; the one-time code is sent through the "
            f"messaging provider, here the file sink: tail -n 1 {sink}",
            soft_wrap=True,
        )
    console.print(
        "staff console 催收工作台: http://localhost:8000/console/  (passwords shown once; demo only)"
    )
    table = Table(show_lines=False)
    for col in ("username", "role", "password", "for"):
        table.add_column(col, no_wrap=col != "for", overflow="fold")
    for a in accounts:
        table.add_row(a.username, a.role, a.password, a.what)
    console.print(table)
    return accounts
