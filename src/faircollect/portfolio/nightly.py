"""The nightly step for the shell: export the ledger database, run the book, propose through the gate.

``run_nightly`` is what ``faircollect demo`` and ``faircollect portfolio run --database`` call. It reads the database
inside the caller's session (or a URL) and writes nothing to it: the plan it returns is for the collections planner
and the outbox, where every contact is decided again at send time.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import pyarrow as pa
from sqlalchemy import inspect
from sqlalchemy.orm import Session

from faircollect.collections.strategy import Strategy
from faircollect.compliance.rulebook import Rulebook
from faircollect.db import make_engine
from faircollect.portfolio.engines import Engine
from faircollect.portfolio.export import export_snapshot
from faircollect.portfolio.run import Progress, RunResult, run_snapshot


@dataclass(frozen=True)
class NightlyResult:
    summary: dict[str, Any]  # book by bucket, roll rates, KPIs, plan size, gate denials by rule
    plan: pa.Table  # one row per proposal: status allowed | denied | over_capacity | action, with rule ids
    loan_state: pa.Table
    run: RunResult


def export(session_or_url: Session | str, as_of: date) -> tuple[dict[str, pa.Table], list[str]]:
    """The ledger database as snapshot tables (validated later by the run)."""
    if isinstance(session_or_url, Session):
        return export_snapshot(session_or_url.connection(), as_of)
    engine = make_engine(session_or_url)
    try:
        with engine.connect() as conn:
            return export_snapshot(conn, as_of)
    finally:
        engine.dispose()


def lender_rulebooks(session_or_url: Session | str, tables: dict[str, pa.Table]) -> dict[str, Rulebook]:
    """The lender's rulebook (stored overrides applied) for every jurisdiction in the book."""
    from faircollect.compliance.facts import lender_rulebook
    from faircollect.compliance.rulebook import load_rulebook

    seen = sorted({(j or "CN").upper() for j in tables["borrowers"].column("jurisdiction").to_pylist()})

    def read(session: Session) -> dict[str, Rulebook]:
        if not inspect(session.connection()).has_table(
            "rule_override"
        ):  # compliance not migrated: no overrides
            return {j: load_rulebook(j) for j in seen}
        return {j: lender_rulebook(session, j) for j in seen}

    if isinstance(session_or_url, Session):
        return read(session_or_url)
    engine = make_engine(session_or_url)
    try:
        with Session(engine) as session:
            return read(session)
    finally:
        engine.dispose()


def applicant_stability(session_or_url: Session | str, as_of: date) -> list[dict[str, Any]]:
    """The A-card's stability over the 30 days of applicants up to the end of ``as_of`` (none when origination
    is not migrated in this database)."""
    from datetime import UTC, datetime, time, timedelta

    from faircollect.origination.service import applicant_monitoring

    end = datetime.combine(as_of + timedelta(days=1), time(0), tzinfo=UTC)

    def read(session: Session) -> list[dict[str, Any]]:
        if not inspect(session.connection()).has_table("application"):
            return []
        return applicant_monitoring(session, now=end)

    if isinstance(session_or_url, Session):
        return read(session_or_url)
    engine = make_engine(session_or_url)
    try:
        with Session(engine) as session:
            return read(session)
    finally:
        engine.dispose()


def run_nightly(
    session_or_url: Session | str,
    as_of: date,
    *,
    engine: Engine = "duckdb",
    out_dir: str | Path | None = None,
    strategy: Strategy | None = None,
    progress: Progress | None = None,
) -> NightlyResult:
    """Run the nightly portfolio job over the ledger database on ``as_of``; return the summary and the plan."""
    tables, notes = export(session_or_url, as_of)
    result = run_snapshot(
        as_of=as_of,
        snapshot=tables,
        engine=engine,
        out_dir=out_dir,
        strategy=strategy,
        rulebooks=lender_rulebooks(session_or_url, tables),
        progress=progress,
        applicant_stability=applicant_stability(session_or_url, as_of),
    )
    result.notes.extend(notes)
    return NightlyResult(
        summary=result.summary(),
        plan=result.tables["plan"],
        loan_state=result.tables["loan_state"],
        run=result,
    )
