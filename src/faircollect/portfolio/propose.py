"""Proposals → the one gate, through the one planning core (``collections.plan_core.plan``): every loan with a
treatment due today becomes a ``PlanItem``, every borrower's ``ContactFacts`` come from the snapshot (contact
history, holds), and the core decides — arm, segment, treatments due, order, send time, the gate with the lender's
rulebook, capacity — exactly as the per-contact planner does. Nothing here decides what is proposed or what is
lawful; the rule ids of every denial are written with it.

Hand-offs (agency, legal review) are actions, not contacts: they are listed with status ``action``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterator, Mapping
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any
from zoneinfo import ZoneInfo

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
from faircollect.portfolio.schema import dictionary_codes

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


class _History:
    """The contact history of the last ``HISTORY_DAYS`` days per borrower number, across the lender and its
    agencies. Each borrower's ``PastContact``s are made when asked (the planning core asks only for borrowers whose
    contacts reach the gate): the rows' few text values (channels, outcomes, roles, agencies) are read as
    dictionary codes with each value converted once, the times as integers made into datetimes for the rows asked
    — converting every row up front (~150,000 times to Python datetimes) cost ~0.3 s of CPU on the 1M book."""

    def __init__(self, contacts: pa.Table, borrowers: set[int], as_of: date) -> None:
        since = datetime.combine(as_of - timedelta(days=HISTORY_DAYS), time(0), tzinfo=UTC)
        mask = pc.and_(
            pc.is_in(contacts.column("borrower_no"), value_set=pa.array(sorted(borrowers), pa.int64())),
            pc.greater_equal(contacts.column("at"), pa.scalar(since, pa.timestamp("us", tz="UTC"))),
        )
        rows = contacts.filter(mask)
        self._channel = _coded(rows.column("channel"), Channel)
        self._outcome = _coded(rows.column("outcome"), Outcome)
        self._role = _coded(rows.column("recipient_role"), lambda v: RecipientRole(v or "borrower"))
        self._agency = _coded(rows.column("agency_id"), lambda v: v)
        at = rows.column("at")
        self._zone = at.type.tz  # what ``to_pylist`` puts on each time: the column's zone
        self._at = _pylist(at.cast(pa.int64()))  # microseconds since the epoch
        self._rows: dict[int, list[int]] = defaultdict(list)  # borrower number → its rows, in snapshot order
        for k, borrower in enumerate(_pylist(rows.column("borrower_no"))):
            self._rows[borrower].append(k)

    def of(self, borrower: int) -> tuple[PastContact, ...]:
        ks = self._rows.get(borrower)
        if not ks:
            return ()
        (ch_code, ch_value), (oc_code, oc_value) = self._channel, self._outcome
        (role_code, role_value), (ag_code, ag_value), at = self._role, self._agency, self._at
        epoch = datetime(1970, 1, 1, tzinfo=ZoneInfo(self._zone))
        return tuple(
            PastContact(
                channel=_use(ch_value[ch_code[k]]),
                at=_time(epoch, at[k]),
                outcome=_use(oc_value[oc_code[k]]),
                recipient_role=_use(role_value[role_code[k]]),
                agency_id=ag_value[ag_code[k]],
            )
            for k in ks
        )


def _coded(col: pa.ChunkedArray, convert: Callable[[Any], Any]) -> tuple[list[int], list[Any]]:
    """A text column as (dictionary code of each row, each distinct value converted once; null is a value). A
    value that does not convert is converted again where a row of it is used, raising there as it did."""
    codes, dictionary = dictionary_codes(col)
    values: list[Any] = []
    for v in dictionary.to_pylist():
        try:
            values.append(convert(v))
        except ValueError:
            values.append(_Unconverted(convert, v))
    return codes.tolist(), values


class _Unconverted:
    """A value ``_coded`` could not convert: using it converts it again (and raises)."""

    def __init__(self, convert: Callable[[Any], Any], raw: Any) -> None:
        self.convert, self.raw = convert, raw


def _time(epoch: datetime, micros: int | None) -> Any:
    """Microseconds since the epoch as the aware datetime ``to_pylist`` makes (None stays None, as there)."""
    return None if micros is None else epoch + timedelta(microseconds=micros)


def _use(value: Any) -> Any:
    return value.convert(value.raw) if isinstance(value, _Unconverted) else value


#: ``ContactFacts(...)`` through its slots (``plan_core.maker``): the same facts.
_new_facts = plan_core.maker(ContactFacts)


class _Facts(Mapping[str, ContactFacts]):
    """Each borrower's ``ContactFacts`` (zone, contact history, open holds), made when the planning core asks for
    them: it asks only for contacts that reach the gate (29,223 of 80,738 items on the 1,000,000-loan book), and
    making all of them up front cost ~0.6 s. The same facts as made up front: a borrower's loans share them."""

    def __init__(
        self,
        zone: dict[str, str | None],
        borrower_no: dict[str, int],
        history: _History,
        holds: dict[int, frozenset[HoldKind]],
    ) -> None:
        self._zone = zone
        self._no = borrower_no
        self._history = history
        self._holds = holds
        self._made: dict[str, ContactFacts] = {}

    def __getitem__(self, borrower_id: str) -> ContactFacts:
        made = self._made.get(borrower_id)
        if made is None:
            n = self._no[borrower_id]  # KeyError for a borrower without items, as a dict would
            made = self._made[borrower_id] = _new_facts(
                borrower_timezone=self._zone[borrower_id],
                history=self._history.of(n),
                holds=self._holds.get(n, frozenset()),
            )
        return made

    def get(self, borrower_id: str, default: Any = None) -> Any:
        """``Mapping.get`` without its try/except round trip (asked once per contact that reaches the gate)."""
        made = self._made.get(borrower_id)
        if made is not None:
            return made
        return self[borrower_id] if borrower_id in self._no else default

    def __iter__(self) -> Iterator[str]:
        return iter(self._zone)

    def __len__(self) -> int:
        return len(self._zone)


def _pylist(col: pa.ChunkedArray) -> list[Any]:
    """A column as Python values: integers without nulls through numpy (several times faster than
    ``to_pylist``, the same ints), the rest as ``to_pylist``."""
    if pa.types.is_integer(col.type) and col.null_count == 0:
        return col.to_numpy().tolist()
    return col.to_pylist()


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
    wanted = pc.is_in(state.column("loan_no"), pc.unique(cand.column("loan_no")))
    rows = state.select(  # the 13 columns first, then the rows: filtering all ~45 columns cost ~0.3 s
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
    ).filter(wanted)
    names = (
        "loan_id",
        "borrower_id",
        "borrower_no",
        "jurisdiction",
        "timezone",
        "bucket",
        "contact_dpd",
        "balance",
        "overdue_total",
        "score",
        "product",
        "flags",
    )
    items = []
    borrower_no: dict[str, int] = {}
    zone: dict[str, str | None] = {}
    default_j = strategy.jurisdiction
    # Values repeated across loans, converted once each: the few jurisdictions, the C-card's few hundred scores.
    juris_of: dict[str | None, str] = {}
    score_of: dict[int, Decimal] = {}
    make = plan_core.new_item  # PlanItem(...) through its slots: the same items, ~half the time
    for loan_id, borrower_id, b_no, juris, tz, bucket, dpd, balance, overdue, score, product, flags in zip(
        *(_pylist(rows.column(c)) for c in names), strict=True
    ):  # column by column: to_pylist of whole rows builds a dict per loan
        borrower_no[borrower_id] = b_no
        if borrower_id not in zone:  # the zone of the borrower's first item (its loans share it)
            zone[borrower_id] = tz
        j = juris_of.get(juris)
        if j is None:
            j = juris_of[juris] = (juris or default_j).upper()
        if score is None:
            sc = None
        else:
            sc = score_of.get(score)
            if sc is None:
                sc = score_of[score] = Decimal(score)
        items.append(
            make(
                loan_id=loan_id,
                borrower_id=borrower_id,
                jurisdiction=j,
                timezone=tz,
                bucket=bucket,
                dpd=dpd,
                balance_minor=balance,
                overdue_minor=overdue,
                score=sc,
                product=product,
                flags=tuple(flags) if flags else (),
            )
        )
    history = _History(snapshot["contacts"], set(borrower_no.values()), as_of)
    facts = _Facts(zone, borrower_no, history, _holds(snapshot["holds"], as_of))
    hour = get_collections_settings().send_hour  # the planner's send hour (plan_core.send_time)
    day = plan_core.plan(items, facts, strategy, rulebooks, as_of=as_of, send_hour=hour)
    plan = _columns(day.proposals)
    denial_rows = [{"rule": k, "denials": v} for k, v in sorted(day.denials.items())]
    return (
        pa.Table.from_pydict(plan, schema=PLAN_SCHEMA),
        pa.Table.from_pylist(denial_rows, schema=empty_denials.schema),
    )


def _columns(proposals: list[plan_core.Proposal]) -> dict[str, list[Any]]:
    """The proposals as ``PLAN_SCHEMA`` columns (one comprehension per column)."""
    ps = proposals
    items = [p.item for p in ps]
    treatments = [p.treatment for p in ps]
    prob_text: dict[Decimal, str] = {}  # the few assignment probabilities, formatted once each
    for p in ps:
        if p.probability not in prob_text:
            prob_text[p.probability] = str(p.probability)
    return {
        "loan_id": [i.loan_id for i in items],
        "borrower_id": [i.borrower_id for i in items],
        "arm": [p.arm for p in ps],
        "assignment_probability": [prob_text[p.probability] for p in ps],
        "segment": [p.segment for p in ps],
        "channel": [t.channel for t in treatments],
        "template": [t.template for t in treatments],
        "priority": [t.priority for t in treatments],
        "capacity_group": [t.capacity_group for t in treatments],
        "contact_dpd": [i.dpd for i in items],
        "bucket": [i.bucket for i in items],
        "balance_minor": [i.balance_minor for i in items],
        "planned_at": [p.planned_at for p in ps],
        "status": [p.status for p in ps],
        "rule_ids": [",".join(p.rule_ids) or None for p in ps],
        "reasons": ["; ".join(r.message_en for r in p.reasons) or None for p in ps],
        "next_allowed_at": [
            p.decision.next_allowed_at if p.decision is not None and not p.decision.allowed else None
            for p in ps
        ],
    }
