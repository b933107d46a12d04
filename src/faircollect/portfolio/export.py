"""Export the ledger database as a portfolio snapshot: SQLAlchemy → Arrow (→ DuckDB or Parquet).

Reads the ledger-shell tables (``borrower``, ``loan``, ``loan_event``), the compliance tables (``contact_attempt``,
``hold``) and the collections ``promise_to_pay`` table when they exist. Schedules come from the ledger core
(``parse_terms`` + ``build_schedule``), so the run and ``ledger.service.loan_state`` start from the same numbers.
"""

from __future__ import annotations

import json
from collections import defaultdict
from dataclasses import replace
from datetime import date
from decimal import Decimal
from typing import Any

import pyarrow as pa
from sqlalchemy import MetaData, Table, select
from sqlalchemy.engine import Connection

from faircollect.kit.errors import FaircollectError
from faircollect.ledger.caps import all_in_cost
from faircollect.ledger.events_json import event_to_json, parse_event
from faircollect.ledger.schedule import build_schedule, deducted_fees
from faircollect.ledger.terms_json import parse_terms, terms_to_json
from faircollect.ledger.types import (
    Disbursement,
    LoanTerms,
    Pause,
    Payment,
    Restructure,
    Reversal,
    Waiver,
    WriteOff,
)
from faircollect.portfolio.schema import OPTIONAL, SCHEMAS

SKIP_STATUS = {"application", "approved", "rejected", "cancelled"}


def _all_in_rate(terms: LoanTerms) -> Decimal | None:
    """The loan's all-in annual cost (``ledger.caps.all_in_cost``), or None when it cannot be computed."""
    try:
        return all_in_cost(terms).annual_nominal
    except FaircollectError:
        return None


def _table(meta: MetaData, conn: Connection, name: str) -> Table | None:
    try:
        return Table(name, meta, autoload_with=conn)
    except Exception:  # the table's domain is not migrated in this database
        return None


def export_snapshot(conn: Connection, as_of: date) -> tuple[dict[str, pa.Table], list[str]]:
    """The snapshot tables of every disbursed loan in the database; also notes on what the run cannot mirror."""
    meta = MetaData()
    notes: list[str] = []
    borrower = _table(meta, conn, "borrower")
    loan = _table(meta, conn, "loan")
    event = _table(meta, conn, "loan_event")
    if borrower is None or loan is None or event is None:
        raise RuntimeError("the database has no ledger tables (run `faircollect db upgrade`)")
    b_no: dict[str, int] = {}
    borrowers: dict[str, list[Any]] = defaultdict(list)
    for r in conn.execute(select(borrower).order_by(borrower.c.id)).mappings():
        b_no[r["id"]] = len(b_no)
        for k, v in (
            ("borrower_no", b_no[r["id"]]),
            ("borrower_id", r["id"]),
            ("jurisdiction", r["jurisdiction"]),
            ("timezone", r["timezone"]),
            ("language", r["language"]),
            ("score", None),
        ):
            borrowers[k].append(v)
    events: dict[str, list[Any]] = defaultdict(list)
    for r in conn.execute(
        select(event).where(event.c.date <= as_of).order_by(event.c.date, event.c.recorded_at)
    ).mappings():
        events[r["loan_id"]].append(r)
    loans: dict[str, list[Any]] = defaultdict(list)
    inst: dict[str, list[Any]] = defaultdict(list)
    pays: dict[str, list[Any]] = defaultdict(list)
    pauses: dict[str, list[Any]] = defaultdict(list)
    disb: dict[str, list[Any]] = defaultdict(list)
    l_no: dict[str, int] = {}
    waivers: dict[str, list[Any]] = defaultdict(list)
    terms_rows: dict[str, list[Any]] = defaultdict(list)
    write_offs: dict[str, list[Any]] = defaultdict(list)
    restructures: dict[str, list[Any]] = defaultdict(list)
    for r in conn.execute(select(loan).order_by(loan.c.id)).mappings():
        if r["status"] in SKIP_STATUS:
            continue
        terms = parse_terms(r["terms"], where=f"loan {r['id']}.terms")
        evs = [
            parse_event(e["payload"], currency=r["currency"], where=f"loan_event {e['key']}")
            for e in events[r["id"]]
        ]
        tranches = [e for e in evs if isinstance(e, Disbursement)]
        if tranches:
            terms = replace(
                terms, disbursements=tuple(tranches), start_date=min(terms.start_date, tranches[0].date)
            )
        reversed_keys = {e.payment_key for e in evs if isinstance(e, Reversal)}
        n = l_no[r["id"]] = len(l_no)
        # Every loan's terms: the run replays loans with the core when a prepayment re-amortises or a restructure
        # replaces the schedule, and a random sample of all loans to hold the kernel to the core (portfolio/twin.py).
        terms_rows["loan_no"].append(n)
        terms_rows["terms_json"].append(json.dumps(terms_to_json(terms)))
        rule = terms.penalty
        for k, v in (
            ("loan_no", n),
            ("loan_id", r["id"]),
            ("borrower_no", b_no[r["borrower_id"]]),
            ("product", None),
            ("method", terms.method.value),
            ("currency", r["currency"]),
            ("annual_rate", terms.annual_rate),
            ("term", terms.term),
            ("start_date", terms.start_date),
            ("first_due_date", terms.first_due_date),
            ("principal_minor", terms.principal_minor),
            ("penalty_basis", rule.basis.value),
            ("penalty_multiple", rule.multiple),
            ("penalty_daily_rate", rule.daily_rate),
            ("grace_days", rule.grace_days),
            ("late_fee_minor", rule.late_fee_minor),
            ("days_in_year", terms.days_in_year),
            ("rounding", terms.rounding),
            ("flags", []),
            ("all_in_rate", _all_in_rate(terms)),
            ("deducted_fees_minor", deducted_fees(terms)),
            ("waterfall", json.dumps(r["waterfall"], sort_keys=True) if r.get("waterfall") else None),
        ):
            loans[k].append(v)
        for seq, d in enumerate(terms.disbursements):
            for k, v in (("loan_no", n), ("seq", seq), ("date", d.date), ("amount_minor", d.amount_minor)):
                disb[k].append(v)
        for i in build_schedule(terms).instalments:
            for k, v in (
                ("loan_no", n),
                ("number", i.number),
                ("due_date", i.due_date),
                ("principal_minor", i.principal_minor),
                ("interest_minor", i.interest_minor),
                ("fees_minor", i.fees_minor),
            ):
                inst[k].append(v)
        seen: set[str] = set()
        for e in evs:
            if isinstance(e, Payment) and e.key not in reversed_keys and e.key not in seen:
                seen.add(e.key)
                for k, v in (
                    ("loan_no", n),
                    ("key", e.key),
                    ("date", e.date),
                    ("amount_minor", e.amount_minor),
                    ("prepayment", e.prepayment.value if e.prepayment else None),
                ):
                    pays[k].append(v)
            elif isinstance(e, Pause):
                for k, v in (("loan_no", n), ("key", e.key), ("start", e.start), ("end", e.end)):
                    pauses[k].append(v)
            elif isinstance(e, Waiver):
                for k, v in (
                    ("loan_no", n),
                    ("key", e.key),
                    ("date", e.date),
                    ("component", e.component.value),
                    ("amount_minor", e.amount_minor),
                ):
                    waivers[k].append(v)
            elif isinstance(e, WriteOff):
                for k, v in (("loan_no", n), ("key", e.key), ("date", e.date)):
                    write_offs[k].append(v)
            elif isinstance(e, Restructure):
                as_json = json.dumps(event_to_json(e, currency=r["currency"]), sort_keys=True)
                for k, v in (("loan_no", n), ("key", e.key), ("date", e.date), ("event_json", as_json)):
                    restructures[k].append(v)
    out = {
        "borrowers": borrowers,
        "loans": loans,
        "disbursements": disb,
        "instalments": inst,
        "payments": pays,
        "pauses": pauses,
    }
    out["waivers"] = waivers
    out["write_offs"] = write_offs
    out["terms"] = terms_rows
    out["restructures"] = restructures
    schemas = SCHEMAS | OPTIONAL
    tables = {
        name: pa.Table.from_pydict(dict(cols), schema=schemas[name]) if cols else schemas[name].empty_table()
        for name, cols in out.items()
    }
    tables["contacts"] = _contacts(meta, conn, b_no, l_no)
    tables["holds"] = _holds(meta, conn, b_no)
    tables["promises"] = _promises(meta, conn, l_no)
    return tables, notes


def _contacts(meta: MetaData, conn: Connection, b_no: dict[str, int], l_no: dict[str, int]) -> pa.Table:
    t = _table(meta, conn, "contact_attempt")
    rows = []
    if t is not None:
        for r in conn.execute(select(t)).mappings():
            if r["borrower_id"] in b_no:
                at = r["at"]
                if at.tzinfo is None:
                    from datetime import UTC

                    at = at.replace(tzinfo=UTC)
                rows.append(
                    {
                        "borrower_no": b_no[r["borrower_id"]],
                        "loan_no": l_no.get(r["loan_id"]),
                        "channel": r["channel"],
                        "recipient_role": r["recipient_role"],
                        "at": at,
                        "outcome": r["outcome"],
                        "agency_id": r["agency_id"],
                    }
                )
    return pa.Table.from_pylist(rows, schema=SCHEMAS["contacts"])


def _holds(meta: MetaData, conn: Connection, b_no: dict[str, int]) -> pa.Table:
    t = _table(meta, conn, "hold")
    rows = []
    if t is not None:
        for r in conn.execute(select(t)).mappings():
            if r["borrower_id"] in b_no and r["released_at"] is None:
                rows.append(
                    {
                        "borrower_no": b_no[r["borrower_id"]],
                        "kind": r["kind"],
                        "since": r["set_at"].date(),
                        "until": r["until"].date() if r["until"] else None,
                    }
                )
    return pa.Table.from_pylist(rows, schema=SCHEMAS["holds"])


def _promises(meta: MetaData, conn: Connection, l_no: dict[str, int]) -> pa.Table:
    t = _table(meta, conn, "promise_to_pay")
    rows = []
    if t is not None:
        for r in conn.execute(select(t)).mappings():
            if r["loan_id"] in l_no:
                rows.append(
                    {
                        "loan_no": l_no[r["loan_id"]],
                        "made_on": r["made_on"],
                        "promised_date": r["promised_date"],
                        "amount_minor": r["amount_minor"],
                    }
                )
    return pa.Table.from_pylist(rows, schema=SCHEMAS["promises"])
