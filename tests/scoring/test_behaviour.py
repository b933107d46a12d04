"""The B-card: its windows, its population (performing loans only), its outcome, and the packaged card ranking a
fresh generated book of another seed than it was trained on."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pandas as pd
from typer.testing import CliRunner

from faircollect.cli import app as cli
from faircollect.portfolio import engines
from faircollect.portfolio.generator import generate
from faircollect.scoring import behaviour, metrics
from faircollect.scoring.points import score


def test_windows_are_the_six_month_ends_before_and_the_three_after() -> None:
    history, outcome = behaviour.windows(date(2026, 7, 31))
    assert history == [date(2026, m, d) for m, d in ((1, 31), (2, 28), (3, 31), (4, 30), (5, 31), (6, 30))]
    assert outcome == [date(2026, 8, 31), date(2026, 9, 30), date(2026, 10, 31)]
    assert behaviour.windows(date(2026, 12, 31))[1][0] == date(2027, 1, 31)
    # The last observation is the one whose third outcome month-end is not after the book's date.
    assert behaviour.observation_dates(date(2026, 11, 28), 2) == [date(2026, 6, 30), date(2026, 7, 31)]
    assert behaviour.observation_dates(date(2026, 10, 31), 1) == [date(2026, 7, 31)]


def test_the_packaged_card_ranks_a_fresh_book_of_performing_loans() -> None:
    book = date(2026, 11, 28)
    tables = generate(2500, seed=11, as_of=book)
    con = engines.connect("duckdb", cores=1)
    try:
        t = {n: engines.register(con, n, tb) for n, tb in tables.items()}
        frame = behaviour.training_rows(con, t, behaviour.observation_dates(book, 2))
    finally:
        engines.stop(con)
    assert set(frame.as_of) == {"2026-06-30", "2026-07-31"}
    assert (frame.outstanding_permille > 0).all() and (frame.months_on_book >= 1).all()
    assert frame[behaviour.TARGET].isin([0, 1]).all() and 0 < frame[behaviour.TARGET].mean() < 0.2
    # Loans past due in their history are bad more often than loans never past due.
    was_late = frame.months_past_due_6m > 0
    assert frame[was_late].bad_90d.mean() > frame[~was_late].bad_90d.mean()
    card = behaviour.packaged_card()
    assert card.kind == "behaviour" and {c.name for c in card.characteristics} <= set(behaviour.FEATURES)
    s = score(card, {c: frame[c].to_numpy() for c in card.inputs})
    good = (frame[behaviour.TARGET] == 0).to_numpy()
    value = metrics.auc(s, good.astype(np.int64))
    assert value > 0.6, value


def test_the_cli_writes_development_and_held_out_data(tmp_path: Path) -> None:
    out = tmp_path / "bdata"
    r = CliRunner().invoke(
        cli, ["score", "behaviour-data", "--out", str(out), "--loans", "400", "--months", "2", "--seed", "5"]
    )
    assert r.exit_code == 0, r.output
    train, hold = pd.read_parquet(out / "train.parquet"), pd.read_parquet(out / "holdout.parquet")
    assert set(train.as_of) == {"2026-06-30"} and set(hold.as_of) == {"2026-07-31"}
    assert [*behaviour.FEATURES, behaviour.TARGET] == [
        c for c in train.columns if c not in ("loan_no", "as_of")
    ]
    assert "held out (2026-07-31)" in r.output
