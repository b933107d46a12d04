"""Strategy data as Ibis predicates: each arm's segment per loan and the treatments due today.

``collections.strategy`` is the source of truth (``SegmentRule.matches``, ``segment_for``, ``treatments_due``);
this module translates the same fields into column expressions so that the nightly run evaluates a whole book at
once. The first matching segment wins, as in ``segment_for``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import ibis
import ibis.expr.types as ir

from faircollect.collections.strategy import CHAMPION, Condition, Segment, SegmentRule, Strategy

#: The nightly run's column for each field of ``SegmentRule.conditions``.
_COLUMNS = {
    "bucket": "bucket",
    "dpd": "contact_dpd",
    "balance_minor": "balance",
    "score": "score",
    "product": "product",
    "flags": "flags",
}


def rule_predicate(rule: SegmentRule, s: ir.Table) -> ir.BooleanValue:
    """``SegmentRule.conditions`` over the book's columns: the same conditions ``SegmentRule.matches`` checks
    (null never passes a limit; ``tests/collections/test_segment_matcher.py`` holds the two to each other)."""
    cond: ir.BooleanValue = ibis.literal(True)
    for c in rule.conditions():
        cond &= _condition(c, s[_COLUMNS[c.field]])
    return cond


def _condition(c: Condition, col: ir.Value) -> ir.BooleanValue:
    if c.op == "any":
        any_of: ir.BooleanValue = ibis.literal(False)
        for f in c.value:
            any_of |= col.contains(f).fill_null(False)
        return any_of
    if c.op == "none":
        none_of: ir.BooleanValue = ibis.literal(True)
        for f in c.value:
            none_of &= ~col.contains(f).fill_null(False)
        return none_of
    if c.field == "score":
        col = col.cast("decimal(18, 4)")
        value: Any = _dec(c.value)
    else:
        value = c.value
    if c.op == "in":
        test = col.isin(list(value))
    elif c.op == "ge":
        test = col >= value
    elif c.op == "le":
        test = col <= value
    else:
        raise ValueError(f"unknown condition op {c.op!r}")
    return col.notnull() & test.fill_null(False)


def _dec(value: Decimal) -> ir.DecimalValue:
    return ibis.literal(value, "decimal(18, 4)")


def segment_expr(segments: tuple[Segment, ...], s: ir.Table) -> ir.StringValue:
    """The id of the first segment whose rule matches (null when none does)."""
    if not segments:
        return ibis.null("string")
    return ibis.cases(*[(rule_predicate(seg.when, s), seg.id) for seg in segments], else_=ibis.null("string"))


def arms(strategy: Strategy) -> list[tuple[str, tuple[Segment, ...]]]:
    """Every arm that treats anyone (champion and challengers; the control group gets nothing)."""
    return [(CHAMPION, strategy.segments), *[(c.id, c.segments) for c in strategy.challengers]]


def treatments_table(strategy: Strategy) -> ir.Table:
    rows = []
    for arm, segments in arms(strategy):
        for seg in segments:
            for i, t in enumerate(seg.treatments):
                rows.append(
                    {
                        "arm": arm,
                        "segment": seg.id,
                        "treatment_no": i,
                        "at_dpd": t.at_dpd,
                        "channel": t.channel,
                        "template": t.template,
                        "priority": t.priority,
                        "capacity_group": t.capacity_group,
                        "repeat_every_days": t.repeat_every_days,
                        "is_contact": t.is_contact,
                    }
                )
    schema = ibis.schema(
        {
            "arm": "string",
            "segment": "string",
            "treatment_no": "int64",
            "at_dpd": "int64",
            "channel": "string",
            "template": "string",
            "priority": "int64",
            "capacity_group": "string",
            "repeat_every_days": "int64",
            "is_contact": "boolean",
        }
    )
    return ibis.memtable(rows, schema=schema)


def candidates(state: ir.Table, strategy: Strategy) -> ir.Table:
    """Treatments due today for each loan under each arm (``treatments_due``); the arm is picked afterwards."""
    owing = state.filter(state.balance > 0)
    per_arm = [
        owing.select(
            "loan_no",
            "borrower_no",
            "contact_dpd",
            "bucket",
            "balance",
            "overdue_total",
            arm=ibis.literal(arm),
            segment=segment_expr(segments, owing),
        )
        for arm, segments in arms(strategy)
    ]
    segs = ibis.union(*per_arm) if len(per_arm) > 1 else per_arm[0]
    segs = segs.filter(segs.segment.notnull())
    tr = treatments_table(strategy)
    j = segs.join(tr, [segs.arm == tr.arm, segs.segment == tr.segment])
    dpd = j.contact_dpd
    due = (dpd == j.at_dpd) | (
        j.repeat_every_days.notnull()
        & (dpd > j.at_dpd)
        & (((dpd - j.at_dpd) % j.repeat_every_days.fill_null(1)) == 0)
    )
    return j.filter(due).select(
        "loan_no",
        "borrower_no",
        "contact_dpd",
        "bucket",
        "balance",
        "overdue_total",
        arm=segs.arm,
        segment=segs.segment,
        treatment_no=tr.treatment_no,
        channel=tr.channel,
        template=tr.template,
        priority=tr.priority,
        capacity_group=tr.capacity_group,
        is_contact=tr.is_contact,
    )
