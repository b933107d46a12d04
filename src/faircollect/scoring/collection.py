"""The collection score (C-card, 催收评分): how likely an overdue loan is to be paid up within 30 days.

Good = within the 30 days after ``as_of`` the borrower pays at least what was overdue on ``as_of`` (self-cure).
The characteristics are integers computed the same way from the ledger (one loan, per contact) and from the
nightly run's snapshot (every loan, Ibis on DuckDB or Spark), so that both paths give the same score exactly:

* ``days_past_due`` — from the replayed state;
* ``overdue_permille`` — overdue amount × 1000 ÷ principal (integer division);
* ``days_since_payment`` — days since the last payment on or before ``as_of`` (null: never paid);
* ``paid_permille`` — paid so far × 1000 ÷ scheduled amounts due before ``as_of`` (null: nothing due yet);
* ``payments_90d`` — payments in the 90 days up to ``as_of``;
* ``months_on_book`` — days since the start date ÷ 30.

The packaged card (``scoring/models/collection``) is trained on the generator's book by
``faircollect score collection-data`` + ``score train --kind collection`` (see docs/origination.md).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir

from faircollect.ledger.types import LoanState, LoanTerms, Schedule
from faircollect.scoring import artefact
from faircollect.scoring.artefact import Characteristic, Scorecard
from faircollect.scoring.points import score

FEATURES = (
    "days_past_due",
    "overdue_permille",
    "days_since_payment",
    "paid_permille",
    "payments_90d",
    "months_on_book",
)
TARGET = "pays_30d"
#: The window of the outcome and of ``payments_90d``.
HORIZON_DAYS = 30
RECENT_DAYS = 90
#: Fewer past-due loans than this and stability is not judged (PSI on a handful of loans is noise).
MIN_STABILITY_N = 100


@functools.cache
def packaged_card() -> Scorecard:
    """The C-card shipped with faircollect (trained on the generator's book; a lender retrains on its own)."""
    return artefact.load(Path(str(resources.files("faircollect.scoring").joinpath("models/collection"))))


# --- one loan (the per-contact path) ---------------------------------------------------------------------------


def features(
    *,
    terms: LoanTerms,
    schedule: Schedule,
    payments: Iterable[tuple[date, int]],
    state: LoanState,
    as_of: date,
) -> dict[str, int | None]:
    """The C-card's characteristics of one loan on ``as_of`` (payments: (date, amount), reversals removed)."""
    paid = [(d, a) for d, a in payments if d <= as_of]
    due = sum(i.total_minor for i in schedule.instalments if i.due_date < as_of)
    principal = terms.principal_minor
    last = max((d for d, _ in paid), default=None)
    return {
        "days_past_due": state.days_past_due,
        "overdue_permille": state.overdue_minor * 1000 // principal if principal > 0 else None,
        "days_since_payment": None if last is None else (as_of - last).days,
        "paid_permille": sum(a for _, a in paid) * 1000 // due if due > 0 else None,
        "payments_90d": sum(1 for d, _ in paid if d > as_of - timedelta(days=RECENT_DAYS)),
        "months_on_book": (as_of - terms.start_date).days // 30,
    }


def score_one(card: Scorecard, feats: Mapping[str, int | None]) -> int:
    return int(score(card, {k: [v] for k, v in feats.items()})[0])


# --- every loan (the nightly run) ------------------------------------------------------------------------------


def feature_table(
    t: Mapping[str, ir.Table], state: ir.Table, as_of: date, *, only_state_loans: bool = False
) -> ir.Table:
    """``loan_no`` + the C-card's characteristics for every loan of the state table (Ibis; DuckDB or Spark).

    ``only_state_loans``: aggregate only the payments and instalments of the state's loans (a semi-join first) —
    the same rows, for a caller whose ``state`` is a few of the book's loans in a materialised table (the nightly
    run's past-due loans on DuckDB: ~220,000 of 1,000,000; the two group-bys over all 7.4M payments and 12M
    instalments cost ~0.5-0.8 s of CPU, ~0.35-0.43 s with the semi-join). Where ``state`` is a lazy expression
    the semi-join would read it a second time (Spark), so it is off by default."""
    d = (as_of - date(1970, 1, 1)).days
    keep = state.select("loan_no") if only_state_loans else None
    p = t["payments"]
    p = p.mutate(day=p.date.epoch_days().cast("int64")).filter(lambda x: x.day <= d)
    if keep is not None:
        p = p.semi_join(keep, "loan_no")
    pay = p.group_by("loan_no").aggregate(
        paid=p.amount_minor.sum().cast("int64"),
        last_day=p.day.max(),
        payments_90d=(p.day > d - RECENT_DAYS).sum().cast("int64"),
    )
    i = t["instalments"]
    i = i.mutate(day=i.due_date.epoch_days().cast("int64")).filter(lambda x: x.day < d)
    if keep is not None:
        i = i.semi_join(keep, "loan_no")
    due = i.group_by("loan_no").aggregate(
        due=(i.principal_minor + i.interest_minor + i.fees_minor).sum().cast("int64")
    )
    loans = t["loans"].select(
        "loan_no", "principal_minor", start=t["loans"].start_date.epoch_days().cast("int64")
    )
    s = state.select("loan_no", "days_past_due", "overdue_total")
    j = s.left_join(loans, "loan_no").drop("loan_no_right")
    j = j.left_join(pay, "loan_no").drop("loan_no_right")
    j = j.left_join(due, "loan_no").drop("loan_no_right")
    return j.select(
        "loan_no",
        days_past_due=j.days_past_due.cast("int64"),
        overdue_permille=ibis.ifelse(
            j.principal_minor > 0, (j.overdue_total * 1000) // j.principal_minor, ibis.null("int64")
        ).cast("int64"),
        days_since_payment=(d - j.last_day).cast("int64"),
        paid_permille=ibis.ifelse(
            j.due.fill_null(0) > 0, (j.paid.fill_null(0) * 1000) // j.due, ibis.null("int64")
        ).cast("int64"),
        payments_90d=j.payments_90d.fill_null(0).cast("int64"),
        months_on_book=((d - j.start) // 30).cast("int64"),
    )


def _points_expr(c: Characteristic, col: ir.Value) -> ir.IntegerValue:
    if c.dtype == "numerical":
        cases = [(col.isnull(), c.missing_points)]
        cases += [(col < b.upper, b.points) for b in c.bins if b.upper is not None]
        last = next(b.points for b in c.bins if b.upper is None)
        return ibis.cases(*cases, else_=last).cast("int64")
    cases = [(col.cast("string").isin(list(b.categories)), b.points) for b in c.bins]
    return ibis.cases(*cases, else_=c.missing_points).cast("int64")


def score_expr(card: Scorecard, table: ir.Table) -> ir.IntegerValue:
    """The card's score as one Ibis expression over ``table``'s columns (a CASE per characteristic, summed)."""
    total: ir.IntegerValue = ibis.literal(card.base_points, type="int64")
    for c in card.characteristics:
        total = total + _points_expr(c, table[c.name])
    return total


def scored(
    t: Mapping[str, ir.Table], state: ir.Table, as_of: date, card: Scorecard | None = None
) -> ir.Table:
    """``loan_no, collection_score``: the C-card for every delinquent loan (null for loans not past due)."""
    card = card or packaged_card()
    f = feature_table(t, state, as_of)
    return f.select(
        "loan_no",
        collection_score=ibis.ifelse(f.days_past_due > 0, score_expr(card, f), ibis.null("int64")),
    )


# --- training data from a book ---------------------------------------------------------------------------------


def outcome_table(t: Mapping[str, ir.Table], state: ir.Table, as_of: date) -> ir.Table:
    """``loan_no, pays_30d``: 1 when payments in (as_of, as_of + 30 days] reach what was overdue on ``as_of``."""
    d = (as_of - date(1970, 1, 1)).days
    p = t["payments"]
    p = p.mutate(day=p.date.epoch_days().cast("int64"))
    p = p.filter((p.day > d) & (p.day <= d + HORIZON_DAYS))
    later = p.group_by("loan_no").aggregate(later=p.amount_minor.sum().cast("int64"))
    s = state.select("loan_no", "overdue_total")
    j = s.left_join(later, "loan_no").drop("loan_no_right")
    return j.select("loan_no", pays_30d=(j.later.fill_null(0) >= j.overdue_total).cast("int64"))


def month_ends(last: date, months: int) -> list[date]:
    """The last ``months`` month-ends up to and including ``last``'s month-end before it."""
    out = []
    d = last.replace(day=1) - timedelta(days=1)
    for _ in range(months):
        out.append(d)
        d = d.replace(day=1) - timedelta(days=1)
    return sorted(out)


def training_rows(con: Any, t: Mapping[str, ir.Table], as_ofs: Sequence[date]) -> Any:
    """One row per loan past due on each ``as_of``: the characteristics, the outcome, the date (a pandas frame)."""
    import pandas as pd

    from faircollect.portfolio.state import loan_states

    frames = []
    for as_of in as_ofs:
        state = loan_states(con, dict(t), as_of)
        state = con.create_table(f"fc_ccard_state_{as_of:%Y%m%d}", con.to_pyarrow(state), overwrite=True)
        late = state.filter(state.days_past_due > 0)
        f = feature_table(t, late, as_of)
        y = outcome_table(t, late, as_of)
        rows = f.join(y, "loan_no")
        df = con.to_pyarrow(rows).to_pandas()
        df["as_of"] = as_of.isoformat()
        frames.append(df)
    return pd.concat(frames, ignore_index=True)


def with_collection_score(
    t: Mapping[str, ir.Table],
    state: ir.Table,
    as_of: date,
    card: Scorecard | None = None,
    *,
    features: ir.Table | None = None,
) -> ir.Table:
    """The state with ``score`` = the C-card of each past-due loan (null otherwise) — the score the strategy's
    segments read — and the lender-supplied borrower score kept as ``borrower_score``. ``features``: the
    past-due loans' ``feature_table`` when the caller has materialised it (the nightly run reads it twice)."""
    if features is None:
        s = scored(t, state, as_of, card)
    else:
        f = features
        s = f.select("loan_no", collection_score=score_expr(card or packaged_card(), f))
    j = state.left_join(s, "loan_no")
    j = j.drop("loan_no_right") if "loan_no_right" in j.columns else j
    return j.mutate(borrower_score=j.score, score=j.collection_score.cast("int32")).drop("collection_score")


def stability(
    con: Any,
    t: Mapping[str, ir.Table],
    state: ir.Table,
    as_of: date,
    card: Scorecard | None = None,
    *,
    features: ir.Table | None = None,
) -> list[dict[str, Any]]:
    """PSI of today's past-due book against the C-card's development sample: the score (population stability)
    and each characteristic's points (characteristic stability), with a status: stable / watch / alert.
    ``features``: the past-due loans' ``feature_table`` when the caller has it already."""
    import numpy as np

    from faircollect.scoring import metrics

    card = card or packaged_card()
    if features is None:
        late = state.filter(state.days_past_due > 0)
        f = feature_table(t, late, as_of)
    else:
        f = features
    cols = {c.name: _points_expr(c, f[c.name]).name(c.name) for c in card.characteristics}
    pts = con.to_pyarrow(f.select(**cols))
    rows: list[dict[str, Any]] = []
    if pts.num_rows == 0:
        return rows
    matrix = np.column_stack([pts.column(c.name).to_numpy() for c in card.characteristics])
    scores = card.base_points + matrix.sum(axis=1)
    dev = card.development
    n = int(pts.num_rows)

    def status(v: float) -> str:
        return metrics.psi_status(v) if n >= MIN_STABILITY_N else "too_few"

    value = metrics.psi(dev["score_shares"], metrics.shares(scores, dev["score_edges"]))
    rows.append(
        {
            "card": "collection",
            "model": card.key,
            "measure": "PSI",
            "characteristic": "score",
            "value": round(value, 6),
            "n": n,
            "status": status(value),
        }
    )
    for j, c in enumerate(card.characteristics):
        ref = dev["characteristics"][c.name]
        counts = [(matrix[:, j] == v).sum() for v in ref["points"]]
        actual = [n / len(matrix) for n in counts]
        v = metrics.psi(ref["shares"], actual)
        rows.append(
            {
                "card": "collection",
                "model": card.key,
                "measure": "CSI",
                "characteristic": c.name,
                "value": round(v, 6),
                "n": n,
                "status": status(v),
            }
        )
    return rows
