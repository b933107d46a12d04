"""Proposals → the one gate: every treatment the run proposes becomes a ``ContactRequest`` decided by
``compliance.gate.decide`` with ``ContactFacts`` from the snapshot (contact history, holds). Nothing here decides
what is lawful: the gate does, and its rule ids are written with every denial.

Within one plan, an allowed contact joins the borrower's history before the next proposal is decided, so that the
frequency caps hold across the borrower's loans. Hand-offs (agency, legal review) are actions, not contacts: they
are listed with status ``action``.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

import pyarrow as pa
import pyarrow.compute as pc

from faircollect.collections.strategy import Strategy, assign_arm
from faircollect.compliance.contact import (
    Channel,
    ContactFacts,
    ContactRequest,
    HoldKind,
    Outcome,
    PastContact,
    Purpose,
    RecipientRole,
)
from faircollect.compliance.gate import decide

if TYPE_CHECKING:
    from faircollect.portfolio.run import RunResult

#: Business zone per jurisdiction, used when the borrower's own zone is unknown (the gate then also checks the
#: candidate zones; see ContactFacts.candidate_timezones).
DEFAULT_ZONE = {"CN": "Asia/Shanghai", "US": "America/New_York", "GB": "Europe/London"}
PLAN_HOUR = time(10, 0)  # proposals are planned for 10:00 in the borrower's zone
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
        ("status", pa.string()),  # allowed | denied | over_capacity | action
        ("rule_ids", pa.string()),  # comma-separated rule ids of a denial
        ("reasons", pa.string()),
        ("next_allowed_at", pa.timestamp("us", tz="UTC")),
    ]
)


def _planned_at(as_of: date, zone: str | None, jurisdiction: str) -> datetime:
    tz = ZoneInfo(zone or DEFAULT_ZONE.get(jurisdiction, "UTC"))
    return datetime.combine(as_of, PLAN_HOUR, tzinfo=tz).astimezone(UTC)


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
    result: RunResult, snapshot: dict[str, pa.Table], strategy: Strategy
) -> tuple[pa.Table, pa.Table]:
    """Decide every proposal with the gate; return (plan, denials by rule)."""
    as_of = result.as_of
    cand = result.tables["candidates"]
    if cand.num_rows == 0:
        return PLAN_SCHEMA.empty_table(), pa.table(
            {"rule": pa.array([], pa.string()), "denials": pa.array([], pa.int64())}
        )
    state = result.tables["loan_state"].select(
        ["loan_no", "loan_id", "borrower_id", "timezone", "jurisdiction"]
    )
    info = {
        r["loan_no"]: r
        for r in state.filter(pc.is_in(state.column("loan_no"), cand.column("loan_no"))).to_pylist()
    }
    arm_of: dict[int, tuple[str, Any]] = {}
    rows = []
    for r in cand.to_pylist():
        b = r["borrower_no"]
        if b not in arm_of:
            arm_of[b] = assign_arm(strategy, info[r["loan_no"]]["borrower_id"])
        if arm_of[b][0] != r["arm"]:
            continue  # this borrower is in another arm (or the control group)
        rows.append(r)
    rows.sort(key=lambda r: (r["priority"], -r["balance"], r["loan_no"], r["treatment_no"]))
    history = _history(snapshot["contacts"], {r["borrower_no"] for r in rows}, as_of)
    holds = _holds(snapshot["holds"], as_of)
    used: Counter[str] = Counter()
    denials: Counter[str] = Counter()
    plan: list[dict[str, Any]] = []
    for r in rows:
        loan = info[r["loan_no"]]
        jurisdiction = loan["jurisdiction"] or strategy.jurisdiction
        at = _planned_at(as_of, loan["timezone"], jurisdiction)
        base = {
            "loan_id": loan["loan_id"],
            "borrower_id": loan["borrower_id"],
            "arm": r["arm"],
            "assignment_probability": str(arm_of[r["borrower_no"]][1]),
            "segment": r["segment"],
            "channel": r["channel"],
            "template": r["template"],
            "priority": r["priority"],
            "capacity_group": r["capacity_group"],
            "contact_dpd": r["contact_dpd"],
            "bucket": r["bucket"],
            "balance_minor": r["balance"],
            "planned_at": at,
            "rule_ids": None,
            "reasons": None,
            "next_allowed_at": None,
        }
        if not r["is_contact"]:
            plan.append({**base, "status": "action"})
            continue
        facts = ContactFacts(
            borrower_timezone=loan["timezone"],
            candidate_timezones=() if loan["timezone"] else (DEFAULT_ZONE.get(jurisdiction, "UTC"),),
            history=tuple(history.get(r["borrower_no"], ())),
            holds=holds.get(r["borrower_no"], frozenset()),
        )
        request = ContactRequest(
            jurisdiction=jurisdiction,
            channel=Channel(r["channel"]),
            recipient_role=RecipientRole.BORROWER,
            at=at,
            purpose=Purpose.COLLECT,
        )
        decision = decide(request, facts)
        if not decision.allowed:
            for rule in decision.rule_ids:
                denials[rule] += 1
            plan.append(
                {
                    **base,
                    "status": "denied",
                    "rule_ids": ",".join(decision.rule_ids),
                    "reasons": "; ".join(x.message_en for x in decision.reasons),
                    "next_allowed_at": decision.next_allowed_at,
                }
            )
            continue
        group = r["capacity_group"]
        if group and used[group] >= strategy.capacity.get(group, 1 << 62):
            plan.append({**base, "status": "over_capacity"})
            continue
        if group:
            used[group] += 1
        outcome = Outcome.NO_ANSWER if request.channel in (Channel.CALL, Channel.VISIT) else Outcome.SENT
        history.setdefault(r["borrower_no"], []).append(PastContact(request.channel, at, outcome))
        plan.append({**base, "status": "allowed"})
    denial_rows = [{"rule": k, "denials": v} for k, v in sorted(denials.items())]
    return (
        pa.Table.from_pylist(plan, schema=PLAN_SCHEMA),
        pa.Table.from_pylist(denial_rows, schema=pa.schema([("rule", pa.string()), ("denials", pa.int64())])),
    )
