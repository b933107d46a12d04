"""Strategy data as Ibis predicates: each arm's segment per loan and the treatments due today.

``collections.strategy`` is the source of truth (``SegmentRule.matches``, ``segment_for``, ``treatments_due``);
this module translates the same fields into column expressions so that the nightly run evaluates a whole book at
once. The first matching segment wins, as in ``segment_for``.
"""

from __future__ import annotations

from decimal import Decimal

import ibis
import ibis.expr.types as ir

from faircollect.collections.strategy import CHAMPION, Segment, SegmentRule, Strategy


def rule_predicate(rule: SegmentRule, s: ir.Table) -> ir.BooleanValue:
    """``SegmentRule.matches`` over columns bucket, dpd (contact_dpd), balance, score, product, flags."""
    cond: ir.BooleanValue = ibis.literal(True)
    dpd = s.contact_dpd
    if rule.buckets is not None:
        cond &= s.bucket.isin(list(rule.buckets))
    if rule.dpd_min is not None:
        cond &= dpd >= rule.dpd_min
    if rule.dpd_max is not None:
        cond &= dpd <= rule.dpd_max
    if rule.balance_min_minor is not None:
        cond &= s.balance >= rule.balance_min_minor
    if rule.balance_max_minor is not None:
        cond &= s.balance <= rule.balance_max_minor
    if rule.score_min is not None:  # an unknown score never matches a score limit
        cond &= s.score.notnull() & (s.score.cast("decimal(18, 4)") >= _dec(rule.score_min))
    if rule.score_max is not None:
        cond &= s.score.notnull() & (s.score.cast("decimal(18, 4)") <= _dec(rule.score_max))
    if rule.products is not None:
        cond &= s.product.isin(list(rule.products))
    if rule.flags_any is not None:
        any_of: ir.BooleanValue = ibis.literal(False)
        for f in rule.flags_any:
            any_of |= s.flags.contains(f).fill_null(False)
        cond &= any_of
    if rule.flags_none is not None:
        for f in rule.flags_none:
            cond &= ~s.flags.contains(f).fill_null(False)
    return cond


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
