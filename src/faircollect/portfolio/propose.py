"""Proposals → the one gate, through the one planning core (``collections.plan_core.plan``): every loan with a
treatment due today becomes a ``PlanItem``, every borrower's ``ContactFacts`` come from the snapshot (contact
history, holds), and the core decides — arm, segment, treatments due, order, send time, the gate with the lender's
rulebook, capacity — exactly as the per-contact planner does. Nothing here decides what is proposed or what is
lawful; the rule ids of every denial are written with it.

Hand-offs (agency, legal review) are actions, not contacts: they are listed with status ``action``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from faircollect.collections import plan_core
from faircollect.collections.settings import get_collections_settings
from faircollect.collections.strategy import Strategy
from faircollect.compliance.contact import (
    Channel,
    ContactFacts,
    HoldKind,
    Outcome,
    PastContact,
    RecipientRole,
)
from faircollect.compliance.rulebook import Rulebook

if TYPE_CHECKING:
    from faircollect.portfolio.run import RunResult

HISTORY_DAYS = 30

PLAN_SCHEMA = pa.schema(
    [
        ("loan_id", pa.string()),
        ("borrower_id", pa.string()),
        ("arm", pa.string()),
        ("assignment_probability", pa.string()),
        ("segment", pa.string()),
        ("channel", pa.string()),
        ("template", pa.string()),
        ("priority", pa.int64()),
        ("capacity_group", pa.string()),
        ("contact_dpd", pa.int32()),
        ("bucket", pa.string()),
        ("balance_minor", pa.int64()),
        ("planned_at", pa.timestamp("us", tz="UTC")),
        (
            "status",
            pa.string(),
        ),  # plan_core.Proposal.status: allowed | denied | control | over_capacity | action …
        ("rule_ids", pa.string()),  # comma-separated rule ids of a denial
        ("reasons", pa.string()),
        ("next_allowed_at", pa.timestamp("us", tz="UTC")),
    ]
)


def _history(contacts: pa.Table, borrowers: set[int], as_of: date) -> dict[int, list[PastContact]]:
    since = datetime.combine(as_of - timedelta(days=HISTORY_DAYS), time(0), tzinfo=UTC)
    mask = pc.and_(
        pc.is_in(contacts.column("borrower_no"), value_set=pa.array(sorted(borrowers), pa.int64())),
        pc.greater_equal(contacts.column("at"), pa.scalar(since, pa.timestamp("us", tz="UTC"))),
    )
    out: dict[int, list[PastContact]] = defaultdict(list)
    for r in contacts.filter(mask).to_pylist():
        out[r["borrower_no"]].append(
            PastContact(
                channel=Channel(r["channel"]),
                at=r["at"],
                outcome=Outcome(r["outcome"]),
                recipient_role=RecipientRole(r["recipient_role"] or "borrower"),
                agency_id=r["agency_id"],
            )
        )
    return out


def _holds(holds: pa.Table, as_of: date) -> dict[int, frozenset[HoldKind]]:
    out: dict[int, set[HoldKind]] = defaultdict(set)
    for r in holds.to_pylist():
        if r["since"] <= as_of and (r["until"] is None or r["until"] >= as_of):
            out[r["borrower_no"]].add(HoldKind(r["kind"]))
    return {k: frozenset(v) for k, v in out.items()}


def propose(
    result: RunResult, snapshot: dict[str, pa.Table], strategy: Strategy, rulebooks: Mapping[str, Rulebook]
) -> tuple[pa.Table, pa.Table]:
    """Plan the day through ``plan_core.plan``; return (plan, denials by rule). ``rulebooks``: the lender's
    rulebook per jurisdiction, overrides applied."""
    as_of = result.as_of
    cand = result.tables["candidates"]
    empty_denials = pa.table({"rule": pa.array([], pa.string()), "denials": pa.array([], pa.int64())})
    if cand.num_rows == 0:
        return PLAN_SCHEMA.empty_table(), empty_denials
    state = result.tables["loan_state"]
    rows = state.filter(pc.is_in(state.column("loan_no"), pc.unique(cand.column("loan_no")))).select(
        [
            "loan_no",
            "loan_id",
            "borrower_no",
            "borrower_id",
            "timezone",
            "jurisdiction",
            "bucket",
            "contact_dpd",
            "balance",
            "overdue_total",
            "score",
            "product",
            "flags",
        ]
    )
    items = []
    borrower_no: dict[str, int] = {}
    for r in rows.to_pylist():
        borrower_no[r["borrower_id"]] = r["borrower_no"]
        items.append(
            plan_core.PlanItem(
                loan_id=r["loan_id"],
                borrower_id=r["borrower_id"],
                jurisdiction=(r["jurisdiction"] or strategy.jurisdiction).upper(),
                timezone=r["timezone"],
                bucket=r["bucket"],
                dpd=r["contact_dpd"],
                balance_minor=r["balance"],
                overdue_minor=r["overdue_total"],
                score=None if r["score"] is None else Decimal(r["score"]),
                product=r["product"],
                flags=tuple(r["flags"] or ()),
            )
        )
    history = _history(snapshot["contacts"], set(borrower_no.values()), as_of)
    holds = _holds(snapshot["holds"], as_of)
    facts = {
        i.borrower_id: ContactFacts(
            borrower_timezone=i.timezone,
            history=tuple(history.get(borrower_no[i.borrower_id], ())),
            holds=holds.get(borrower_no[i.borrower_id], frozenset()),
        )
        for i in items
    }
    hour = get_collections_settings().send_hour  # the planner's send hour (plan_core.send_time)
    day = plan_core.plan(items, facts, strategy, rulebooks, as_of=as_of, send_hour=hour)
    plan = [_row(p) for p in day.proposals]
    denial_rows = [{"rule": k, "denials": v} for k, v in sorted(day.denials.items())]
    return (
        pa.Table.from_pylist(plan, schema=PLAN_SCHEMA),
        pa.Table.from_pylist(denial_rows, schema=empty_denials.schema),
    )


def _row(p: plan_core.Proposal) -> dict[str, Any]:
    t, i = p.treatment, p.item
    d = p.decision
    return {
        "loan_id": i.loan_id,
        "borrower_id": i.borrower_id,
        "arm": p.arm,
        "assignment_probability": str(p.probability),
        "segment": p.segment,
        "channel": t.channel,
        "template": t.template,
        "priority": t.priority,
        "capacity_group": t.capacity_group,
        "contact_dpd": i.dpd,
        "bucket": i.bucket,
        "balance_minor": i.balance_minor,
        "planned_at": p.planned_at,
        "status": p.status,
        "rule_ids": ",".join(p.rule_ids) or None,
        "reasons": "; ".join(r.message_en for r in p.reasons) or None,
        "next_allowed_at": d.next_allowed_at if d is not None and not d.allowed else None,
    }
