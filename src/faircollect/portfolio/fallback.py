"""The ledger core itself, for the few loans the kernel cannot replay exactly.

A prepayment that does not settle a loan makes the ledger re-amortise the rest of its schedule
(``ledger.replay._Replayer.prepay`` → ``ledger.schedule.amortise``); the kernel flags such loans
(``partial_prepayment``). When the snapshot carries the loan's terms (the optional ``terms`` table: ``loan_no``,
``terms_json`` as ``ledger.terms_json.terms_to_json`` writes it), the run replays those loans here with the core —
``replay`` on both days and ``caps.lawfully_collectable`` — and their kernel rows are replaced. Without terms the flag
and a note remain.
"""

from __future__ import annotations

import json
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from faircollect.ledger.allocation import waterfall_from_text
from faircollect.ledger.caps import exposure_days, lawfully_collectable
from faircollect.ledger.events_json import parse_event
from faircollect.ledger.replay import replay
from faircollect.ledger.schedule import build_schedule
from faircollect.ledger.terms_json import parse_terms
from faircollect.ledger.types import (
    Component,
    LoanState,
    LoanTerms,
    Pause,
    Payment,
    PrepaymentMode,
    Restructure,
    Waiver,
    WriteOff,
)

AnyEvent = Payment | Pause | Waiver | WriteOff | Restructure
EPOCH = date(1970, 1, 1)


def _rows(tables: dict[str, pa.Table], name: str, keep: pa.Array) -> list[dict[str, Any]]:
    t = tables.get(name)
    if t is None:
        return []
    rows: list[dict[str, Any]] = t.filter(pc.is_in(t.column("loan_no"), value_set=keep)).to_pylist()
    return rows


def _figures(st: LoanState) -> tuple[int, int, int, int, int, int]:
    by = st.overdue_by_component
    return (
        st.days_past_due,
        by.get(Component.PENALTY, 0),
        by.get(Component.FEES, 0),
        by.get(Component.INTEREST, 0),
        by.get(Component.PRINCIPAL, 0),
        st.principal_outstanding_minor,
    )


def core_outputs(
    terms: LoanTerms,
    events: list[AnyEvent],
    as_of: date,
    *,
    waterfall: Any,
    jurisdiction: str,
) -> dict[str, Any]:
    """The kernel's outputs (``kernel.OUTPUTS``) for one loan, computed by the ledger core."""
    now = replay(terms, events, as_of, waterfall=waterfall)
    prev = replay(terms, events, as_of - timedelta(days=1), waterfall=waterfall)
    lawful = lawfully_collectable(terms, now, jurisdiction)
    charges = (Component.PENALTY, Component.FEES, Component.INTEREST)
    next_due = -1
    for ist in now.instalments:
        if ist.due_date >= as_of and any(
            ist.outstanding(c) > 0 for c in Component if c is not Component.PENALTY
        ):
            next_due = (ist.due_date - EPOCH).days
            break
    scheduled_fees = {i.number: i.fees_minor for i in build_schedule(terms).instalments}
    late_fee = any(i.due.get(Component.FEES, 0) > scheduled_fees.get(i.number, 0) for i in now.instalments)
    pays = [e for e in events if isinstance(e, Payment) and e.date <= as_of]
    out: dict[str, Any] = dict(
        zip(
            ("dpd_prev", "ov_pen_prev", "ov_fee_prev", "ov_int_prev", "ov_prin_prev", "prin_out_prev"),
            _figures(prev),
            strict=True,
        )
    )
    out.update(zip(("dpd", "ov_pen", "ov_fee", "ov_int", "ov_prin", "prin_out"), _figures(now), strict=True))
    penalty = sum(i.due.get(Component.PENALTY, 0) for i in now.instalments)
    out.update(
        next_due=next_due,
        charged=sum(
            i.due.get(c, 0) - i.waived.get(c, 0)
            for i in now.instalments
            if i.due_date <= as_of
            for c in charges
        ),
        penalty_charged=penalty,
        exposure_days=exposure_days(terms, now),
        collectable=lawful.collectable_minor,
        excluded=lawful.excluded_minor,
        paid_today=sum(p.amount_minor for p in pays if p.date == as_of),
        paid_30d=sum(p.amount_minor for p in pays if p.date > as_of - timedelta(days=30)),
        penalised=penalty > 0 or late_fee,
        partial_prepayment=True,
        legal_review=lawful.legal_review,
        written_off=now.written_off,
    )
    return out


def replay_flagged(tables: dict[str, pa.Table], flagged: pa.Table, as_of: date) -> tuple[pa.Table, list[str]]:
    """``flagged``: the kernel's rows of loans with a partial prepayment or a restructure; ``tables``: the snapshot's rows of those
    loans. Returns the rows the core could replay (same schema, figures from the core) and notes."""
    if flagged.num_rows == 0:
        return flagged.slice(0, 0), []
    keep = flagged.column("loan_no").combine_chunks()
    terms_of = {r["loan_no"]: r["terms_json"] for r in _rows(tables, "terms", keep)}
    events: dict[int, list[AnyEvent]] = defaultdict(list)
    for r in _rows(tables, "payments", keep):
        mode = PrepaymentMode(r["prepayment"]) if r["prepayment"] else None
        events[r["loan_no"]].append(Payment(r["key"], r["date"], r["amount_minor"], mode))
    for r in _rows(tables, "pauses", keep):
        events[r["loan_no"]].append(Pause(r["key"], r["start"], r["end"]))
    for r in _rows(tables, "waivers", keep):
        events[r["loan_no"]].append(Waiver(r["key"], r["date"], Component(r["component"]), r["amount_minor"]))
    for r in _rows(tables, "write_offs", keep):
        events[r["loan_no"]].append(WriteOff(r["key"], r["date"]))
    loans = {r["loan_no"]: r for r in _rows(tables, "loans", keep)}
    for r in _rows(tables, "restructures", keep):
        ev = parse_event(
            json.loads(r["event_json"]),
            currency=loans[r["loan_no"]]["currency"],
            where=f"restructures.parquet, key {r['key']}",
        )
        if isinstance(ev, Restructure):
            events[r["loan_no"]].append(ev)
    juris = {r["borrower_no"]: r["jurisdiction"] for r in tables["borrowers"].to_pylist()}
    rows = []
    for row in flagged.to_pylist():
        loan_no = row["loan_no"]
        raw = terms_of.get(loan_no)
        if raw is None:
            continue
        loan = loans[loan_no]
        evs = sorted(events[loan_no], key=lambda e: e.start if isinstance(e, Pause) else e.date)
        terms = parse_terms(json.loads(raw), where=f"terms.parquet, loan {loan['loan_id']}")
        row.update(
            core_outputs(
                terms,
                evs,
                as_of,
                waterfall=waterfall_from_text(loan.get("waterfall")),
                jurisdiction=juris.get(loan["borrower_no"]) or "CN",
            )
        )
        rows.append(row)
    notes = []
    if rows:
        notes.append(
            f"{len(rows)} loan(s) with a partial prepayment or a restructure were replayed with the ledger core"
        )
    if len(rows) < flagged.num_rows:
        notes.append(
            f"{flagged.num_rows - len(rows)} loan(s) have a partial prepayment (the ledger re-amortises) but no row "
            "in the snapshot's `terms` table; the run treats the extra as paid in advance"
        )
    return pa.Table.from_pylist(rows, schema=flagged.schema), notes


__all__ = ["core_outputs", "replay_flagged"]
