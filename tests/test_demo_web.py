"""The demo ends with staff accounts that really sign in, and a borrower reference the portal finds."""

from __future__ import annotations

import io
import re
from datetime import date
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import select

from faircollect import demo
from faircollect.db import make_engine, session_factory
from faircollect.identity import service as identity
from faircollect.portal import otp


def test_demo_accounts_sign_in_and_the_printed_borrower_is_found(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = io.StringIO()
    monkeypatch.setattr(demo, "console", Console(file=out, width=240))
    url = f"sqlite:///{tmp_path / 'demo.sqlite3'}"
    demo.run_demo(url, loans=10, months=2, seed=3, start=date(2026, 1, 5), days=1, nightly=False)
    text = out.getvalue()
    rows = re.findall(r"│ (\S+)\s+│ (\w+)\s+│ (\S+)\s+│", text)
    roles = {role for _, role, _ in rows}
    assert roles >= {"agent", "supervisor", "compliance_officer", "auditor"}, text[-2000:]
    factory = session_factory(make_engine(url))
    with factory() as session:
        for username, role, password in rows:
            principal = identity.authenticate_password(session, username=username, password=password)
            assert role in principal.roles
        reference = text.split("sign in with the loan reference ")[1].split(";")[0].strip()
        assert otp.find_borrower(session, reference) is not None
    # the portal is pinned to the day after the demo's last collections day
    assert "FAIRCOLLECT_PORTAL_AS_OF=" in text and "/console/" in text and "/portal/" in text
    # the serve line names the key the borrowers' personal data is sealed under, and the audit receipt sink: without
    # the KEK the portal's sign-in cannot read a phone (500) and the server writes a wrong key file of its own
    serve = next(line for line in text.splitlines() if line.rstrip().endswith("faircollect serve"))
    # the console's agent finds a queue on the web faces' business day (the console honours the same pinned date)
    from faircollect.collections.models import Agent, QueueAssignment
    from faircollect.kit.time import parse_date

    day = parse_date(serve.split("FAIRCOLLECT_PORTAL_AS_OF=")[1].split()[0])
    with factory() as session:
        queued = session.scalars(
            select(Agent.user)
            .join(QueueAssignment, Agent.id == QueueAssignment.agent_id)
            .where(QueueAssignment.work_date == day)
        ).all()
    assert queued, f"no work queue on {day}"
    assert "FAIRCOLLECT_KEK_FILE=" in serve and "FAIRCOLLECT_AUDIT_SINK=" in serve, serve
