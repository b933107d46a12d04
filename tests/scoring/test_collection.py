"""The C-card: the per-contact path (one loan from the ledger) and the nightly run (every loan, Ibis on DuckDB and
Spark) give every past-due loan the same characteristics and the same score; the score steers the segments."""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

import pyarrow as pa
import pytest
from sqlalchemy.orm import Session, sessionmaker

from faircollect.collections.strategy import default_strategy_path, load_strategy, segment_for
from faircollect.db import make_engine, session_factory, unit_of_work, upgrade
from faircollect.demo import seed_portfolio, simulate_month
from faircollect.ledger import repository as ledger_repo
from faircollect.ledger import service as ledger_service
from faircollect.portfolio import engines
from faircollect.portfolio.export import export_snapshot
from faircollect.portfolio.state import loan_states
from faircollect.scoring import collection
from faircollect.scoring.loan_score import loan_features, score_loan

START = date(2026, 1, 5)


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> tuple[sessionmaker[Session], date, list[str]]:
    url = f"sqlite:///{tmp_path_factory.mktemp('ccard') / 'book.sqlite3'}"
    upgrade(url)
    factory = session_factory(make_engine(url))
    rng = random.Random(7)
    with unit_of_work(factory) as s:
        b = seed_portfolio(s, rng=rng, loans=40, start=START)
    month, as_of = START, START
    for _ in range(4):
        month = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        with unit_of_work(factory) as s:
            as_of = simulate_month(s, b, rng=rng, month_start=month)
    return factory, as_of + timedelta(days=6), b.loan_ids


def _nightly(factory: sessionmaker[Session], as_of: date, engine: str) -> dict[str, dict[str, object]]:
    with factory() as s:
        tables, _ = export_snapshot(s.connection(), as_of)
    con = engines.connect(engine, cores=1)
    try:
        if engine == "spark":
            import tempfile

            tmp = Path(tempfile.mkdtemp())
            import pyarrow.parquet as pq

            for name, tbl in tables.items():
                pq.write_table(tbl, tmp / f"{name}.parquet")
            t = {n: engines.register(con, n, tmp / f"{n}.parquet") for n in tables}
        else:
            t = {n: engines.register(con, n, tbl) for n, tbl in tables.items()}
        state = loan_states(con, t, as_of)
        f = collection.feature_table(t, state, as_of)
        s = collection.scored(t, state, as_of)
        joined = f.join(s, "loan_no").join(t["loans"].select("loan_no", "loan_id"), "loan_no")
        rows: list[dict[str, object]] = con.to_pyarrow(joined).to_pylist()
    finally:
        engines.stop(con)
    return {str(r["loan_id"]): r for r in rows}


@pytest.mark.parametrize("engine", ["duckdb", pytest.param("spark", marks=pytest.mark.spark)])
def test_nightly_and_per_contact_give_every_past_due_loan_the_same_score(
    book: tuple[sessionmaker[Session], date, list[str]], engine: str
) -> None:
    factory, as_of, loan_ids = book
    nightly = _nightly(factory, as_of, engine)
    late = 0
    with factory() as s:
        for loan_id in loan_ids:
            loan = ledger_repo.get_loan(s, loan_id)
            assert loan is not None
            state = ledger_service.loan_state(s, loan_id, as_of)
            row = nightly[loan_id]
            per_loan = loan_features(s, loan, state, as_of)
            assert {k: row[k] for k in collection.FEATURES} == per_loan, loan_id
            assert row["collection_score"] == score_loan(s, loan, state, as_of), loan_id
            late += state.days_past_due > 0
    assert late >= 5  # the book has past-due loans to compare


def test_score_segments_send_likely_self_cures_sms_only_and_unlikely_ones_an_early_call() -> None:
    s = load_strategy(default_strategy_path("CN"))
    likely = segment_for(s, bucket="M1", dpd=2, balance_minor=100_000, score=Decimal(560))
    unlikely = segment_for(s, bucket="M1", dpd=2, balance_minor=100_000, score=Decimal(300))
    unknown = segment_for(s, bucket="M1", dpd=2, balance_minor=100_000, score=None)
    pre_due = segment_for(s, bucket="M0", dpd=-3, balance_minor=100_000, score=None)
    assert likely is not None and unlikely is not None and unknown is not None and pre_due is not None
    assert likely.id == "early-self-cure" and {t.channel for t in likely.treatments} <= {"sms", "email"}
    assert (
        unlikely.id == "early-unlikely"
        and min(t.at_dpd for t in unlikely.treatments if t.channel == "call") == 2
    )
    assert unknown.id == pre_due.id == "pre-due-and-early"  # a rule with a score limit never matches no score
    assert (
        segment_for(s, bucket="M1", dpd=2, balance_minor=100_000, score=Decimal(499)).id == "early-unlikely"
    )  # type: ignore[union-attr]


def test_packaged_card_ranks_the_held_out_month(tmp_path: Path) -> None:
    """A fresh book (another seed than the card's), its last observed month-end held out: the card still ranks."""
    from faircollect.portfolio.generator import generate
    from faircollect.scoring import metrics
    from faircollect.scoring.points import score

    book = date(2026, 11, 28)
    tables = generate(4000, seed=5, as_of=book)
    con = engines.connect("duckdb")
    try:
        t = {n: engines.register(con, n, tb) for n, tb in tables.items()}
        frame = collection.training_rows(con, t, [date(2026, 9, 30)])
    finally:
        engines.stop(con)
    card = collection.packaged_card()
    s = score(card, {c: frame[c].to_numpy() for c in card.inputs})
    assert metrics.auc(s, frame["pays_30d"].to_numpy()) > 0.85


def test_stability_flags_a_shifted_book_and_does_not_judge_a_handful() -> None:
    card = collection.packaged_card()

    def run(n: int) -> list[dict[str, object]]:
        nos = list(range(n))
        tables = {
            "loans": pa.table(
                {"loan_no": nos, "principal_minor": [100_000] * n, "start_date": [date(2026, 1, 1)] * n}
            ),
            "payments": pa.table(
                {
                    "loan_no": pa.array([], pa.int64()),
                    "date": pa.array([], pa.date32()),
                    "amount_minor": pa.array([], pa.int64()),
                }
            ),
            "instalments": pa.table(
                {
                    "loan_no": nos,
                    "due_date": [date(2026, 2, 1)] * n,
                    "principal_minor": [10_000] * n,
                    "interest_minor": [0] * n,
                    "fees_minor": [0] * n,
                }
            ),
        }
        con = engines.connect("duckdb")
        try:
            t = {name: engines.register(con, name, tb) for name, tb in tables.items()}
            st = pa.table({"loan_no": nos, "days_past_due": [400] * n, "overdue_total": [90_000] * n})
            return collection.stability(con, t, engines.register(con, "st", st), date(2026, 6, 1), card)
        finally:
            engines.stop(con)

    shifted = run(150)
    assert shifted[0]["characteristic"] == "score" and shifted[0]["status"] == "alert"
    assert {r["characteristic"] for r in shifted[1:]} == set(card.inputs)
    assert {r["status"] for r in run(5)} == {"too_few"}
