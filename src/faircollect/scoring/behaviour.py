"""The behaviour score (B-card, 行为评分): how likely a performing loan is to fall 30+ days past due soon.

Population: on a month-end ``as_of``, every loan that is current (``days_past_due`` = 0), still owes principal and
has been on the book at least 30 days (one instalment due). Bad = the loan is 30 or more days past due at any of
the next three month-ends ("ever 30+ in three months", measured at month-end snapshots as lenders' performance
data is). The B-card covers the performing book; the C-card (``collection.py``) covers the past-due book.

Characteristics, integers, from the book's month-end states (Ibis on DuckDB or Spark):

* ``months_on_book``, ``days_since_payment``, ``paid_permille``, ``payments_90d`` — as the C-card computes them;
* ``outstanding_permille`` — principal outstanding × 1000 ÷ principal;
* ``worst_dpd_3m`` — the largest days past due at the three month-ends before ``as_of``;
* ``months_past_due_6m`` — how many of the six month-ends before ``as_of`` found the loan past due.

The packaged card (``scoring/models/behaviour``) is trained on the generator's book by ``faircollect score
behaviour-data`` + ``score train --kind behaviour`` (docs/origination.md).
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from importlib import resources
from pathlib import Path
from typing import Any

import ibis.expr.types as ir

from faircollect.scoring import artefact
from faircollect.scoring.artefact import Scorecard
from faircollect.scoring.collection import feature_table, month_ends

FEATURES = (
    "months_on_book",
    "days_since_payment",
    "paid_permille",
    "payments_90d",
    "outstanding_permille",
    "worst_dpd_3m",
    "months_past_due_6m",
)
TARGET = "bad_90d"
#: Month-ends of history before ``as_of`` and of outcome after it.
HISTORY_MONTHS = 6
WORST_MONTHS = 3
OUTCOME_MONTHS = 3
BAD_DPD = 30


@functools.cache
def packaged_card() -> Scorecard:
    """The B-card shipped with faircollect (trained on the generator's book; a lender retrains on its own)."""
    return artefact.load(Path(str(resources.files("faircollect.scoring").joinpath("models/behaviour"))))


def month_end_after(d: date) -> date:
    """The month-end of the month after ``d``'s."""
    first_next = (d.replace(day=1) + timedelta(days=32)).replace(day=1)
    return (first_next + timedelta(days=32)).replace(day=1) - timedelta(days=1)


def windows(as_of: date) -> tuple[list[date], list[date]]:
    """The month-ends of history (before ``as_of``, oldest first) and of outcome (after it)."""
    history = month_ends(as_of, HISTORY_MONTHS)  # the month-ends before as_of's month
    outcome, d = [], as_of
    for _ in range(OUTCOME_MONTHS):
        d = month_end_after(d)
        outcome.append(d)
    return history, outcome


def observation_dates(book_date: date, months: int) -> list[date]:
    """The last ``months`` month-ends whose three outcome month-ends all fall on or before ``book_date``."""
    last = book_date
    while windows(month_ends(last, 1)[0])[1][-1] > book_date:
        last = month_ends(last, 1)[0]
    return month_ends(last, months)


def training_rows(con: Any, t: Mapping[str, ir.Table], as_ofs: Sequence[date]) -> Any:
    """One row per performing loan on each ``as_of``: the characteristics, ``bad_90d`` and the date (pandas)."""
    import pandas as pd

    from faircollect.portfolio.state import loan_states

    dpd: dict[date, pd.Series] = {}

    def dpd_on(day: date) -> pd.Series:
        if day not in dpd:
            s = loan_states(con, dict(t), day, twin_sample=0).select("loan_no", "days_past_due")
            df = con.to_pyarrow(s).to_pandas()
            dpd[day] = df.set_index("loan_no")["days_past_due"].fillna(0).astype("int64")
        return dpd[day]

    frames = []
    for as_of in as_ofs:
        state = loan_states(con, dict(t), as_of, twin_sample=0)
        arrow = con.to_pyarrow(state)
        state = con.create_table(f"fc_bcard_state_{as_of:%Y%m%d}", arrow, overwrite=True)
        dpd[as_of] = (
            (arrow.select(["loan_no", "days_past_due"]).to_pandas().set_index("loan_no")["days_past_due"])
            .fillna(0)
            .astype("int64")
        )
        loans = t["loans"].select("loan_no", "principal_minor", "start_date")
        s = state.join(loans, "loan_no")
        start_by = as_of - timedelta(days=30)
        live = s.filter((s.days_past_due == 0) & (s.principal_outstanding > 0) & (s.start_date <= start_by))
        f = feature_table(t, live, as_of)
        out = f.join(
            live.select(
                "loan_no",
                outstanding_permille=((live.principal_outstanding * 1000) // live.principal_minor).cast(
                    "int64"
                ),
            ),
            "loan_no",
        )
        df = con.to_pyarrow(out).to_pandas().set_index("loan_no")
        history, outcome = windows(as_of)
        past = pd.concat([dpd_on(d).rename(str(d)) for d in history], axis=1).reindex(df.index).fillna(0)
        df["worst_dpd_3m"] = past.iloc[:, -WORST_MONTHS:].max(axis=1).astype("int64")
        df["months_past_due_6m"] = (past > 0).sum(axis=1).astype("int64")
        later = pd.concat([dpd_on(d).rename(str(d)) for d in outcome], axis=1).reindex(df.index).fillna(0)
        df[TARGET] = (later.max(axis=1) >= BAD_DPD).astype("int64")
        df["as_of"] = as_of.isoformat()
        frames.append(df.reset_index()[["loan_no", *FEATURES, TARGET, "as_of"]])
    return pd.concat(frames, ignore_index=True)
