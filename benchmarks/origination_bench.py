"""Origination speed: one decision per application (p50 / p99, one core) and a million applications scored in
batch on DuckDB — each beside a baseline.

* Per application: the scorecard with its reasons alone (the floor), the whole pure decision (identity checks,
  policy, the ledger's schedule and cap check, offer, reasons), and the whole service call on SQLite (blind
  indexes, facts queries, sealed personal data, the audit record, the loan booked).
* Batch: the A-card as one Ibis expression (a CASE per characteristic) on DuckDB over 1,000,000 applications,
  beside the same scoring in numpy from the artefact; both must give the same scores.

    .venv/bin/python benchmarks/origination_bench.py [--n 2000] [--batch 1000000] [--seed 3]
"""

from __future__ import annotations

import argparse
import os
import random
import tempfile
import time
from datetime import date
from pathlib import Path

import numpy as np
import pyarrow as pa

from faircollect.ledger.terms_json import parse_terms
from faircollect.origination.decide import Application, Facts, decide
from faircollect.origination.policy import load_policy, load_scorecard
from faircollect.scoring import datasets
from faircollect.scoring.collection import score_expr
from faircollect.scoring.points import explain, score

TERMS = {
    "annual_rate": "0.18",
    "method": "equal_instalment",
    "term": 12,
    "frequency": "monthly",
    "penalty": {"basis": "contract_rate_multiple", "multiple": "1.3", "grace_days": 3},
}


def _pct(ts: list[float], q: float) -> float:
    return sorted(ts)[min(len(ts) - 1, int(q * len(ts)))] * 1000


def _applications(n: int, seed: int) -> list[Application]:
    rng = random.Random(seed)
    german = datasets.load("german").drop(columns=["creditability"]).to_dict("records")
    out = []
    for _ in range(n):
        row = rng.choice(german)
        out.append(
            Application(
                amount_minor=rng.randrange(10, 1000) * 10000,
                term=rng.choice([3, 6, 12, 24]),
                birth_date=date(rng.randrange(1955, 2008), rng.randrange(1, 13), rng.randrange(1, 29)),
                monthly_income_minor=rng.randrange(20, 300) * 10000,
                monthly_obligations_minor=rng.randrange(0, 50) * 10000,
                attributes=row,
            )
        )
    return out


def per_application(n: int, seed: int) -> None:
    os.sched_setaffinity(0, {min(os.sched_getaffinity(0))})  # one core
    policy = load_policy()
    card = load_scorecard(policy.scorecard)
    terms = parse_terms(dict(TERMS, principal="6000.00", start_date="2026-06-01", currency="CNY"), where="t")
    apps = _applications(n, seed)
    facts = Facts(today=date(2026, 6, 1))
    for a in apps[:50]:  # warm-up
        decide(a, facts, policy, card, terms)
    floor, full = [], []
    outcomes: dict[str, int] = {}
    for a in apps:
        t0 = time.perf_counter()
        explain(
            card,
            dict(a.attributes, duration_in_month=a.term, credit_amount=a.amount_minor / 100, age_in_years=40),
        )
        floor.append(time.perf_counter() - t0)
        t0 = time.perf_counter()
        d = decide(a, facts, policy, card, terms)
        full.append(time.perf_counter() - t0)
        outcomes[d.outcome] = outcomes.get(d.outcome, 0) + 1
    print(f"per application, {n} applications, one core ({outcomes})")
    print(
        f"  {'scorecard + reasons only':<34} p50 {_pct(floor, 0.5):7.3f} ms   p99 {_pct(floor, 0.99):7.3f} ms"
    )
    print(
        f"  {'whole decision (pure core)':<34} p50 {_pct(full, 0.5):7.3f} ms   p99 {_pct(full, 0.99):7.3f} ms"
    )
    service_path(apps[: min(n, 300)])


def service_path(apps: list[Application]) -> None:
    from faircollect.db import make_engine, session_factory, unit_of_work, upgrade
    from faircollect.ledger import service as ledger
    from faircollect.origination import service
    from faircollect.origination.service import ApplicationData

    tmp = Path(tempfile.mkdtemp())
    os.environ.setdefault("FAIRCOLLECT_KEK_FILE", str(tmp / "kek.key"))
    os.environ.setdefault("FAIRCOLLECT_AUDIT_KEY_FILE", str(tmp / "audit.key"))
    url = f"sqlite:///{tmp / 'bench.sqlite3'}"
    upgrade(url)
    factory = session_factory(make_engine(url))
    with unit_of_work(factory) as s:
        ledger.create_product(s, code="cash-12", name="cash", currency="CNY", terms=TERMS)
    ts = []
    for i, a in enumerate(apps):
        data = ApplicationData(
            name="王小明",
            phone=f"138{i:08d}",
            id_number=f"1101011990{i:08d}",
            birth_date=a.birth_date,
            amount_minor=a.amount_minor,
            term=a.term,
            monthly_income_minor=a.monthly_income_minor,
            monthly_obligations_minor=a.monthly_obligations_minor,
            consents={"credit_assessment": "2026-06-01T00:00:00Z"},
            attributes=a.attributes,
        )
        t0 = time.perf_counter()
        with unit_of_work(factory) as s:
            service.submit(s, data=data)
        ts.append(time.perf_counter() - t0)
    print(
        f"  {'service call on SQLite (committed)':<34} p50 {_pct(ts, 0.5):7.3f} ms   p99 {_pct(ts, 0.99):7.3f} ms"
        f"   ({len(ts)} applications)"
    )


def batch(n: int, seed: int) -> None:
    import ibis

    card = load_scorecard(load_policy().scorecard)
    rng = np.random.default_rng(seed)
    german = datasets.load("german")
    idx = rng.integers(0, len(german), size=n)
    cols = {}
    for c in card.inputs:
        values = german[c].to_numpy()[idx]
        cols[c] = pa.array(values.astype(str) if values.dtype == object else values)
    table = pa.table(cols)
    t0 = time.perf_counter()
    ref = score(card, {c: table.column(c).to_numpy(zero_copy_only=False) for c in card.inputs})
    t_np = time.perf_counter() - t0
    con = ibis.duckdb.connect()
    con.raw_sql("SET threads = 1")
    t = con.create_table("applications", table)
    expr = t.select(score=score_expr(card, t))
    t0 = time.perf_counter()
    got = con.to_pyarrow(expr).column("score").to_numpy()
    t_db1 = time.perf_counter() - t0
    con.raw_sql("SET threads = 2")
    t0 = time.perf_counter()
    con.to_pyarrow(expr)
    t_db2 = time.perf_counter() - t0
    assert (got == ref).all(), "DuckDB and numpy scores differ"
    print(f"batch scoring, {n:,} applications, {len(card.inputs)} characteristics (same scores on both)")
    print(f"  {'numpy from the artefact':<34} {t_np:6.2f} s")
    print(f"  {'DuckDB, one expression, 1 thread':<34} {t_db1:6.2f} s")
    print(f"  {'DuckDB, one expression, 2 threads':<34} {t_db2:6.2f} s")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--batch", type=int, default=1_000_000)
    ap.add_argument("--seed", type=int, default=3)
    args = ap.parse_args()
    batch(args.batch, args.seed)
    per_application(args.n, args.seed)


if __name__ == "__main__":
    main()
