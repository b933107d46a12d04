"""The nightly portfolio run, written once as Ibis expressions and executed on DuckDB or Spark.

Steps: validate the snapshot (before anything is written) → per-loan state (``state.loan_states``) → segments and
treatments due (``segments.candidates``) → KPI tables (book by bucket, roll rates, cure, recovery, promises,
contacts) → proposals through the one gate (``propose.propose``) → Parquet files in ``out/as_of=YYYY-MM-DD/``.
"""

from __future__ import annotations

import contextlib
import gc
import json
import os
import shutil
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
from ibis.backends import BaseBackend

from faircollect.collections.strategy import Strategy, default_strategy_path, load_strategy
from faircollect.compliance.rulebook import Rulebook, load_rulebook
from faircollect.ledger.buckets import DEFAULT_BUCKET_SET, BucketSet
from faircollect.portfolio import engines
from faircollect.portfolio.schema import SCHEMAS, SnapshotRead, validate_references, validate_table
from faircollect.portfolio.segments import candidates
from faircollect.portfolio.state import epoch_day, loan_states
from faircollect.portfolio.twin import DEFAULT_SAMPLE, Pending
from faircollect.portfolio.twin import finish as finish_twin
from faircollect.scoring import collection

Progress = Callable[[str], None]


@dataclass
class RunResult:
    as_of: date
    engine: str
    tables: dict[str, pa.Table]
    timings: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)

    def summary(self) -> dict[str, Any]:
        """Book by bucket, roll rates, KPIs and the plan size, as plain data (JSON-ready)."""
        kpis = self.tables["kpis"].to_pylist()[0]
        plan = self.tables.get("plan")
        return {
            "as_of": self.as_of.isoformat(),
            "engine": self.engine,
            "book_by_bucket": self.tables["book_by_bucket"].to_pylist(),
            "roll_rates": self.tables["roll_rates"].to_pylist(),
            "kpis": kpis,
            "plan": {
                "proposed": 0 if plan is None else plan.num_rows,
                "allowed": 0
                if plan is None
                else sum(1 for s in plan.column("status").to_pylist() if s == "allowed"),
                "denied": 0
                if plan is None
                else sum(1 for s in plan.column("status").to_pylist() if s == "denied"),
            },
            "gate_denials": self.tables.get("gate_denials", pa.table({})).to_pylist(),
            "score_stability": self.tables.get("score_stability", pa.table({})).to_pylist(),
            "plan_by_segment": _by_segment(plan),
            "timings_s": {k: round(v, 3) for k, v in self.timings.items()},
            "notes": self.notes,
        }


def _by_segment(plan: pa.Table | None) -> list[dict[str, Any]]:
    """Proposed contacts per strategy segment and channel (the score segments read the C-card)."""
    if plan is None or plan.num_rows == 0 or "segment" not in plan.column_names:
        return []
    g = plan.group_by(["segment", "channel"]).aggregate([("segment", "count")])
    return [
        {"segment": r["segment"], "channel": r["channel"], "contacts": r["segment_count"]}
        for r in g.to_pylist()
        if r["segment"] is not None
    ]


def book_tables(
    t: dict[str, ir.Table], state: ir.Table, as_of: date, bucket_set: BucketSet
) -> dict[str, ir.Table]:
    """KPI tables over the per-loan state."""
    d = epoch_day(as_of)
    current = bucket_set.buckets[0].label
    open_loans = state.filter((state.balance > 0) | (state.principal_outstanding_prev > 0))
    book = open_loans.group_by("bucket").aggregate(
        loans=open_loans.count(),
        balance_minor=open_loans.balance.sum().cast("int64"),
        principal_outstanding_minor=open_loans.principal_outstanding.sum().cast("int64"),
        overdue_penalty_minor=open_loans.overdue_penalty.sum().cast("int64"),
        overdue_fees_minor=open_loans.overdue_fees.sum().cast("int64"),
        overdue_interest_minor=open_loans.overdue_interest.sum().cast("int64"),
        overdue_principal_minor=open_loans.overdue_principal.sum().cast("int64"),
    )
    roll = open_loans.group_by(
        [open_loans.bucket_prev.name("from_bucket"), open_loans.bucket.name("to_bucket")]
    )
    roll = roll.aggregate(
        loans=open_loans.count(), principal_minor=open_loans.principal_outstanding_prev.sum().cast("int64")
    )
    was_late = state.bucket_prev != current
    cured = was_late & (state.bucket == current)
    pr = t["promises"]
    pr = pr.mutate(
        made=pr.made_on.epoch_days().cast("int64"), until=pr.promised_date.epoch_days().cast("int64")
    )
    pr = pr.filter((pr.until <= d) & (pr.until > d - 30))
    pays = t["payments"]
    pays = pays.mutate(day=pays.date.epoch_days().cast("int64"))
    pj = pr.left_join(pays, [pr.loan_no == pays.loan_no, pays.day >= pr.made, pays.day <= pr.until])
    pk = pj.group_by([pr.loan_no, pr.made, pr.until, pr.amount_minor]).aggregate(
        paid=pays.amount_minor.sum().fill_null(0).cast("int64")
    )
    promises = pk.aggregate(
        due=pk.count(), kept=(pk.paid >= pk.amount_minor).sum().fill_null(0).cast("int64")
    )
    c = t["contacts"]
    c = c.mutate(day=c.at.date().epoch_days().cast("int64"))
    c30 = c.filter((c.day > d - 30) & (c.day <= d))
    contacts = c30.group_by(["channel", "outcome"]).aggregate(
        last_30_days=c30.count(), today=(c30.day == d).sum().fill_null(0).cast("int64")
    )
    kpis = state.aggregate(
        loans=state.count(),
        open_loans=(state.balance > 0).sum().cast("int64"),
        delinquent=(state.bucket != current).sum().cast("int64"),
        delinquent_prev=was_late.sum().cast("int64"),
        cured=cured.sum().cast("int64"),
        worsened=((state.delinquent_days > 0) & (state.bucket != state.bucket_prev) & was_late)
        .sum()
        .cast("int64"),
        recovered_today_minor=ibis.ifelse(was_late, state.paid_today, 0).sum().cast("int64"),
        recovered_30d_minor=ibis.ifelse(state.days_past_due > 0, state.paid_30d, 0).sum().cast("int64"),
        overdue_minor=state.overdue_total.sum().cast("int64"),
        principal_outstanding_minor=state.principal_outstanding.sum().cast("int64"),
        partial_prepayments=state.partial_prepayment.sum().cast("int64"),
        penalised=state.penalised.sum().cast("int64"),
        collectable_minor=state.collectable_minor.sum().cast("int64"),
        excluded_by_cap_minor=state.excluded_minor.sum().cast("int64"),
        capped_loans=(state.excluded_minor > 0).sum().cast("int64"),
        legal_review=state.legal_review.sum().cast("int64"),
    )
    return {
        "book_by_bucket": book,
        "roll_rates": roll,
        "kpis": kpis,
        "promises": promises,
        "contacts": contacts,
    }


@dataclass
class _Stage:
    """The per-loan state on the backend (``compute_state``), what the KPI stage (``compute_kpis``) reads."""

    state_tbl: ir.Table
    features: ir.Table
    out: dict[str, pa.Table]
    timings: dict[str, float]
    state_notes: list[str]


def compute_state(
    con: BaseBackend,
    t: dict[str, ir.Table],
    as_of: date,
    *,
    strategy: Strategy,
    bucket_set: BucketSet = DEFAULT_BUCKET_SET,
    progress: Progress | None = None,
    twin_sample: int = DEFAULT_SAMPLE,
    twin_pending: list[Pending] | None = None,
    arrow: Mapping[str, pa.Table] | None = None,
    loan_terms: Future[pa.Table | None] | None = None,
) -> _Stage:
    """The per-loan state and the loans with a treatment due (``candidates``): all the proposals read.
    ``twin_pending``: run the twin check beside the rest (``state.twin_check``); the caller must resolve it before
    writing. ``arrow``: the validated snapshot tables behind ``t`` (DuckDB: the kernel's inputs are computed from
    them); ``loan_terms``: their ``kernel_arrow.loan_terms``, being computed (``_loan_terms_when_read``)."""
    say = progress or (lambda _msg: None)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    say("loan state (allocation, penalty, days past due, buckets)")
    state_notes: list[str] = []
    state = loan_states(
        con,
        t,
        as_of,
        bucket_set,
        notes=state_notes,
        twin_sample=twin_sample,
        twin_pending=twin_pending,
        arrow=arrow,
        loan_terms=loan_terms,
    )
    if "previous_buckets" in t:
        # The previous run's bucket (the last one recorded before as_of) is what today's change is measured against.
        pb = t["previous_buckets"]
        pb = pb.filter(pb.date < as_of)
        latest = pb.group_by("loan_no").aggregate(last_day=pb.date.max())
        prev = pb.join(latest, [pb.loan_no == latest.loan_no, pb.date == latest.last_day]).select(
            pb.loan_no, prev_run_bucket=pb.bucket
        )
        state = state.left_join(prev, "loan_no").drop("loan_no_right")
        state = state.mutate(bucket_prev=ibis.coalesce(state.prev_run_bucket, state.bucket_prev)).drop(
            "prev_run_bucket"
        )
    b = t["borrowers"]
    state = state.left_join(
        b.select("borrower_no", "borrower_id", "score", "timezone", "jurisdiction"), "borrower_no"
    )
    state = state.drop("borrower_no_right")
    # The strategy's score segments read the collection score (C-card) of every past-due loan. Its
    # characteristics (two aggregations over every payment and instalment) are materialised once, for the
    # past-due loans only, and read again by the stability monitoring below.
    if con.name == "duckdb":
        state_tbl, state_rows, features = _scored_state(con, t, state, as_of)
    else:
        late = state.filter(state.days_past_due > 0)
        features, _ = engines.collect(con, "fc_ccard_features", collection.feature_table(t, late, as_of))
        state = collection.with_collection_score(t, state, as_of, features=features)
        state_tbl, state_rows = engines.collect(con, "fc_loan_state", state)
    say("segments and treatments")
    out = {"loan_state": state_rows, "candidates": con.to_pyarrow(candidates(state_tbl, strategy))}
    timings["state"] = time.perf_counter() - t0
    return _Stage(state_tbl, features, out, timings, state_notes)


def _scored_state(
    con: BaseBackend, t: dict[str, ir.Table], state: ir.Table, as_of: date
) -> tuple[ir.Table, pa.Table, ir.Table]:
    """``collection.with_collection_score`` over ``state`` on DuckDB, without computing the state twice: the state
    is materialised first, the C-card's characteristics are read from it (the past-due loans), their scores
    (``collection.score_expr``, ~220,000 rows on the 1,000,000-loan book) are put beside each loan in Arrow. The
    same table as the one query: ``score`` in its place, the borrower's own score as ``borrower_score`` last.
    Before, the features query re-ran the state's loans ⟕ kernel ⟕ borrowers joins for its past-due loans and the
    state query joined the features back over all loans. Returns the state (registered), its rows, the features."""
    base_tbl, base = engines.collect(con, "fc_loan_state_base", state)
    late = base_tbl.filter(base_tbl.days_past_due > 0)
    features, _ = engines.collect(
        con, "fc_ccard_features", collection.feature_table(t, late, as_of, only_state_loans=True)
    )
    card = collection.packaged_card()
    scores = con.to_pyarrow(features.select("loan_no", score=collection.score_expr(card, features)))
    keys = np.asarray(scores.column("loan_no").to_numpy(), np.int64)
    order = np.argsort(keys, kind="stable")
    keys = keys[order]
    if len(keys) > 1 and bool(np.any(keys[1:] == keys[:-1])):  # a loan twice: the left join would repeat it
        state = collection.with_collection_score(t, state, as_of, features=features)
        tbl, rows = engines.collect(con, "fc_loan_state", state)
        return tbl, rows, features
    loan_no = base.column("loan_no").to_numpy(zero_copy_only=False)
    at = np.minimum(np.searchsorted(keys, loan_no), max(len(keys) - 1, 0))
    found = keys[at] == loan_no if len(keys) else np.zeros(len(loan_no), np.bool_)
    pick = pa.array(np.where(found, order[at] if len(keys) else 0, -1), mask=~found)
    score = scores.column("score").take(pick).cast(pa.int32())
    i = base.schema.get_field_index("score")
    rows = base.set_column(i, pa.field("score", pa.int32()), score).append_column(
        "borrower_score", base.column("score")
    )
    return engines.register(con, "fc_loan_state", rows), rows, features


def compute_kpis(
    con: BaseBackend,
    t: dict[str, ir.Table],
    as_of: date,
    stage: _Stage,
    *,
    bucket_set: BucketSet = DEFAULT_BUCKET_SET,
) -> tuple[dict[str, pa.Table], dict[str, float], list[str]]:
    """The KPI tables and the C-card's stability over the state; returns the tables, timings and the run's notes
    (these first, then the state's). Only DuckDB and Arrow: ``_run_snapshot`` runs it in a thread beside the
    proposals (Python) on DuckDB."""
    timings: dict[str, float] = {}
    t1 = time.perf_counter()
    exprs = book_tables(t, stage.state_tbl, as_of, bucket_set)
    out = {name: con.to_pyarrow(e) for name, e in exprs.items()}
    timings["kpis"] = time.perf_counter() - t1
    notes = [
        f"{out['kpis'].column('penalised')[0].as_py() or 0} loan(s) have had penalty interest or a late fee"
    ]
    notes.extend(stage.state_notes)
    t2 = time.perf_counter()
    stab = collection.stability(con, t, stage.state_tbl, as_of, features=stage.features)
    out["score_stability"] = pa.Table.from_pylist(stab) if stab else pa.table({})
    notes.extend(
        f"ALERT collection score {r['measure']} {r['characteristic']} = {r['value']:.3f} ({r['status']}): the "
        "past-due book has moved away from the C-card's development sample; review or retrain"
        for r in stab
        if r["status"] == "alert"
    )
    timings["monitoring"] = time.perf_counter() - t2
    return out, timings, notes


def _roll_matrix_rates(roll: pa.Table) -> pa.Table:
    rows = roll.to_pylist()
    totals: dict[str, int] = {}
    for r in rows:
        totals[r["from_bucket"]] = totals.get(r["from_bucket"], 0) + r["loans"]
    for r in rows:
        r["share"] = round(r["loans"] / totals[r["from_bucket"]], 6) if totals[r["from_bucket"]] else 0.0
    return pa.Table.from_pylist(rows) if rows else roll


def run_snapshot(
    *,
    as_of: date,
    input_dir: str | Path | None = None,
    snapshot: dict[str, pa.Table] | None = None,
    engine: engines.Engine = "duckdb",
    out_dir: str | Path | None = None,
    strategy: Strategy | None = None,
    bucket_set: BucketSet = DEFAULT_BUCKET_SET,
    cores: int | None = None,
    gate: bool = True,
    rulebooks: Mapping[str, Rulebook] | None = None,
    twin_sample: int = DEFAULT_SAMPLE,
    progress: Progress | None = None,
    applicant_stability: list[dict[str, Any]] | None = None,
) -> RunResult:
    """Validate, run, propose through the gate and (when ``out_dir`` is given) write the run's Parquet files.

    ``rulebooks``: the lender's rulebook per jurisdiction (overrides applied; ``nightly.run_nightly`` reads them
    from the database, ``portfolio run --overrides FILE`` from a file). None: the shipped rulebooks, no overrides.
    ``twin_sample``: loans replayed by the ledger core to hold the kernel to it (``portfolio/twin.py``; a difference
    raises ``TwinDrift`` before anything is written). ``applicant_stability``: the A-card's stability rows
    (``origination.service.applicant_monitoring``, read from the database by the nightly shell), added to the run's
    ``score_stability`` table beside the C-card's, an alert as a note."""
    with _no_huge_page_advice(), _no_cyclic_gc():
        return _run_snapshot(
            as_of=as_of,
            input_dir=input_dir,
            snapshot=snapshot,
            engine=engine,
            out_dir=out_dir,
            strategy=strategy,
            bucket_set=bucket_set,
            cores=cores,
            gate=gate,
            rulebooks=rulebooks,
            twin_sample=twin_sample,
            progress=progress,
            applicant_stability=applicant_stability,
        )


@contextlib.contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """The cyclic garbage collector paused for the run, as it was after it. The run makes a few hundred thousand
    long-lived Python objects (the planning core's items, the contact history, the imported modules); each full
    collection walked all of them while holding the GIL — ten of them, ~1.4-1.8 s of CPU on the 1,000,000-loan
    book (2026-12-04), and the run frees almost nothing through them (a few thousand cyclic objects, all freed by
    the collection after the run). Reference counting still frees everything else as before."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


@contextlib.contextmanager
def _no_huge_page_advice() -> Iterator[None]:
    """Fresh memory in small pages for the run. pyarrow's default allocator (mimalloc) and numpy ask the kernel to
    back large allocations with transparent huge pages; where the kernel then compacts memory on the fault
    (``defrag = madvise``, this machine's setting) that cost the run 3-4 s of system time (reading the snapshot
    alone: 3.1-3.6 s against 0.5-0.6 s, three rounds each, 2026-12-04). For the run Arrow allocates from jemalloc
    (else the system allocator), which does not ask, and numpy does not ask; both are restored after it. A pool
    chosen with ``ARROW_DEFAULT_MEMORY_POOL`` is kept. The figures do not depend on it."""
    multiarray = getattr(getattr(np, "_core", None), "multiarray", None)
    set_advice = getattr(multiarray, "_set_madvise_hugepage", None)
    advice = set_advice(False) if set_advice is not None else None
    pool = None
    if not os.environ.get("ARROW_DEFAULT_MEMORY_POOL"):
        pool = pa.default_memory_pool()
        try:
            pa.set_memory_pool(pa.jemalloc_memory_pool())
        except NotImplementedError:
            pa.set_memory_pool(pa.system_memory_pool())
    try:
        yield
    finally:
        if pool is not None:
            pa.set_memory_pool(pool)
        if set_advice is not None:
            set_advice(advice)


def _run_snapshot(
    *,
    as_of: date,
    input_dir: str | Path | None,
    snapshot: dict[str, pa.Table] | None,
    engine: engines.Engine,
    out_dir: str | Path | None,
    strategy: Strategy | None,
    bucket_set: BucketSet,
    cores: int | None,
    gate: bool,
    rulebooks: Mapping[str, Rulebook] | None,
    twin_sample: int,
    progress: Progress | None,
    applicant_stability: list[dict[str, Any]] | None,
) -> RunResult:
    say = progress or (lambda _msg: None)
    t0 = time.perf_counter()
    # Start-up work the run needs later, on the other core while the snapshot is read (Parquet decoding releases
    # the GIL): Numba's registries, the DuckDB backend, the planning core. Nothing here reads the snapshot.
    warm = ThreadPoolExecutor(1, thread_name_prefix="fc-warm")
    terms_ready: Future[pa.Table | None] | None = None
    books_ready: Future[dict[str, Rulebook] | None] | None = None
    try:
        warm.submit(_warm_up, engine, gate)
        say("validating the snapshot")
        if snapshot is not None:
            tables = {name: validate_table(name, snapshot[name]) for name in SCHEMAS}
            tables.update({k: validate_table(k, v) for k, v in snapshot.items() if k not in SCHEMAS})
        elif input_dir is not None:
            # Its few-valued text columns kept as dictionaries (``schema.DICTIONARY``): ~0.2 s less decoding.
            reading = SnapshotRead(input_dir, dictionaries=True)
            if engine == "duckdb":
                # The kernel's per-loan terms (numpy, ~0.2 s on 1,000,000 loans) as soon as the loans, borrowers
                # and write-offs are read, beside the larger tables' decoding: before, the main thread computed
                # them alone after the read, the other core idle. Their error (a waterfall, a penalty rate) is
                # raised where it was, by ``state.loan_core``.
                terms_pool = ThreadPoolExecutor(1, thread_name_prefix="fc-terms")
                terms_ready = terms_pool.submit(_loan_terms_when_read, reading)
                terms_pool.shutdown(wait=False)
            if gate:
                # The rulebooks (YAML, ~0.1 s holding the GIL) once the borrowers are read, in the start-up
                # thread after its loading: after the read they took turns with DuckDB's connection.
                strategy = strategy or load_strategy(default_strategy_path("CN"))
                books_ready = warm.submit(_rulebooks_when_read, rulebooks, reading, strategy)
            tables = reading.result()
        else:
            raise ValueError("give input_dir or snapshot")
        validate_references(tables)
        strategy = strategy or load_strategy(default_strategy_path("CN"))
        # The lender's rulebooks, read beside the state stage (DuckDB and Numba release the GIL); an error in
        # them is raised where it was, at the proposals.
        if gate and books_ready is None:
            books_ready = warm.submit(_rulebooks, rulebooks, tables["borrowers"], strategy)
    finally:
        warm.shutdown(wait=False)
    timings = {"validate": time.perf_counter() - t0}
    con = engines.connect(engine, cores=cores)
    tmp: str | None = None
    pending: list[
        Pending
    ] = []  # the twin check, beside the rest of the run (resolved before anything is written)
    kpi_pool: ThreadPoolExecutor | None = None
    encoded: dict[str, Future[pa.Buffer]] = {}
    plan: tuple[pa.Table, pa.Table] | None = None
    try:
        say(f"loading into {engine}")
        if engine == "spark":
            # Spark reads Parquet; write the validated tables once to a scratch directory.
            tmp = tempfile.mkdtemp(prefix="fc-spark-")
            for name, tbl in tables.items():
                pq.write_table(tbl, Path(tmp) / f"{name}.parquet")
            t = {name: engines.register(con, name, Path(tmp) / f"{name}.parquet") for name in tables}
        else:
            t = {name: engines.register(con, name, tbl) for name, tbl in tables.items()}
        stage = compute_state(
            con,
            t,
            as_of,
            strategy=strategy,
            bucket_set=bucket_set,
            progress=say,
            twin_sample=twin_sample,
            twin_pending=pending,
            arrow=tables if engine == "duckdb" else None,
            loan_terms=terms_ready,
        )
        timings.update(stage.timings)
        out = dict(stage.out)
        # The per-loan state (1,000,000 rows, ~1.2 s to encode) is final here: encode it to Parquet in memory
        # beside the proposals (pyarrow releases the GIL; the planning core is Python). Nothing reaches the disk
        # before the twin check is resolved.
        if out_dir is not None:
            encoder = ThreadPoolExecutor(1, thread_name_prefix="fc-encode")
            encoded = {
                name: encoder.submit(encode_parquet, out[name]) for name in EARLY_TABLES if name in out
            }
            encoder.shutdown(wait=False)
        say("KPIs")
        if gate and engine == "duckdb":
            # The KPI and monitoring queries (DuckDB, which releases the GIL) beside the proposals (Python, which
            # reads only the state and the candidates). Nothing else uses the connection meanwhile.
            kpi_pool = ThreadPoolExecutor(1, thread_name_prefix="fc-kpis")
            kpis_ready = kpi_pool.submit(compute_kpis, con, t, as_of, stage, bucket_set=bucket_set)
        else:
            kpis_ready = Future()
            kpis_ready.set_result(compute_kpis(con, t, as_of, stage, bucket_set=bucket_set))
        if gate:
            from faircollect.portfolio.propose import propose

            say("proposals through the compliance gate")
            t2 = time.perf_counter()
            assert books_ready is not None
            books = books_ready.result()
            assert books is not None  # None only when the borrowers failed to read: raised above
            plan = propose(RunResult(as_of=as_of, engine=engine, tables=out), tables, strategy, books)
            timings["gate"] = time.perf_counter() - t2
        kpi_tables, more, notes = kpis_ready.result()
        out.update(kpi_tables)
        timings.update(more)
    except BaseException:
        for p in pending:
            p.pool.shutdown(cancel_futures=True)
        raise
    finally:
        if kpi_pool is not None:
            kpi_pool.shutdown(wait=True)  # its queries end before the connection closes
        engines.stop(con)
        if tmp:
            shutil.rmtree(tmp, ignore_errors=True)
    out["roll_rates"] = _roll_matrix_rates(out["roll_rates"])
    if applicant_stability:
        stab = out["score_stability"].to_pylist() + list(applicant_stability)
        out["score_stability"] = pa.Table.from_pylist(stab)
        notes.extend(
            f"ALERT application score {r['measure']} {r['characteristic']} = {r['value']:.3f} ({r['status']}): "
            "today's applicants have moved away from the A-card's development sample; review or retrain"
            for r in applicant_stability
            if r["status"] == "alert"
        )
    result = RunResult(as_of=as_of, engine=engine, tables=out, timings=timings, notes=notes)
    if plan is not None:
        result.tables["plan"], result.tables["gate_denials"] = plan
    t3 = time.perf_counter()
    for p in pending:
        say("waiting for the twin check")
        finish_twin(p, result.notes)
    result.timings["twin_wait"] = time.perf_counter() - t3
    if out_dir is not None:
        say("writing Parquet")
        t4 = time.perf_counter()
        write_run(result, out_dir, encoded=encoded)
        result.timings["write"] = time.perf_counter() - t4
    return result


def _loan_terms_when_read(reading: SnapshotRead) -> pa.Table | None:
    """``kernel_arrow.loan_terms`` of the snapshot ``reading`` once the tables it reads are in (None if one of
    them failed to read: the run raises that error itself)."""
    from faircollect.portfolio import kernel_arrow

    tables = {}
    for name in SnapshotRead.FIRST:
        read = reading.future(name)
        if read is None:
            continue
        if read.exception() is not None:
            return None
        tables[name] = read.result()
    return kernel_arrow.loan_terms(tables)


def _warm_up(engine: engines.Engine, gate: bool) -> None:
    """What the run loads later anyway, loaded ahead (``_run_snapshot`` runs it in a thread while the snapshot is
    read). Only loading: a failure here is left for the step that needs it to raise."""
    if engine == "duckdb":
        from faircollect.portfolio import kernel

        kernel.warm()
        import ibis.backends.duckdb  # noqa: F401  (engines.connect)
    if gate:
        import faircollect.portfolio.propose  # noqa: F401


def _rulebooks_when_read(
    given: Mapping[str, Rulebook] | None, reading: SnapshotRead, strategy: Strategy
) -> dict[str, Rulebook] | None:
    """``_rulebooks`` once the borrowers of ``reading`` are in (None if they failed to read: the run raises that
    error itself, before it asks for the rulebooks)."""
    read = reading.future("borrowers")
    if read is None or read.exception() is not None:
        return None
    return _rulebooks(given, read.result(), strategy)


def _rulebooks(
    given: Mapping[str, Rulebook] | None, borrowers: pa.Table, strategy: Strategy
) -> dict[str, Rulebook]:
    """The rulebook of every jurisdiction in the book: the lender's where given, else the shipped one."""
    books = dict(given or {})
    for j in _jurisdictions(borrowers, strategy):
        if j not in books:
            books[j] = load_rulebook(j)
    return books


def _jurisdictions(borrowers: pa.Table, strategy: Strategy) -> set[str]:
    seen = pc.unique(borrowers.column("jurisdiction")).to_pylist()
    return {(j or strategy.jurisdiction).upper() for j in seen}


def run_dir(out_dir: str | Path, as_of: date) -> Path:
    return Path(out_dir) / f"as_of={as_of.isoformat()}"


#: Tables final before the proposals: ``run_snapshot`` encodes them while the gate runs.
EARLY_TABLES = ("loan_state",)


def encode_parquet(tbl: pa.Table) -> pa.Buffer:
    """``tbl`` as the bytes of the Parquet file ``write_run`` writes (``write_options``)."""
    sink = pa.BufferOutputStream()
    pq.write_table(tbl, sink, **write_options(tbl.schema))
    return sink.getvalue()


def write_options(schema: pa.Schema) -> dict[str, Any]:
    """How the run's tables are written: zstd, dictionary pages for text columns only (strings and lists of them:
    product, bucket, zone ...). Numbers are written plain: dictionary-encoding the state's ~30 integer columns
    (mostly amounts, distinct in the tens of thousands) cost ~0.3 s of CPU of ~1.3 s for ``loan_state`` on the
    1,000,000-loan book for 2% smaller files (2026-12-04: 1.27-1.72 -> 1.03-1.24 s, 35.9 -> 36.7 MB)."""
    text = [f.name for f in schema if pa.types.is_string(f.type) or pa.types.is_list(f.type)]
    return {"compression": "zstd", "use_dictionary": text}


def write_run(
    result: RunResult, out_dir: str | Path, *, encoded: Mapping[str, Future[pa.Buffer]] | None = None
) -> Path:
    """Write every table of the run plus summary.json into ``out_dir/as_of=YYYY-MM-DD`` (replacing it whole).
    ``encoded``: tables already encoded (``encode_parquet``, in a worker thread), written as they are."""
    final = run_dir(out_dir, result.as_of)
    staging = final.with_name(final.name + ".tmp")
    previous = final.with_name(final.name + ".old")
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    try:
        ready = encoded or {}
        for name, tbl in result.tables.items():
            if name == "candidates":
                continue
            if name in ready:
                (staging / f"{name}.parquet").write_bytes(memoryview(ready[name].result()))
            else:
                pq.write_table(tbl, staging / f"{name}.parquet", **write_options(tbl.schema))
        (staging / "summary.json").write_text(json.dumps(result.summary(), indent=2, default=str))
    except BaseException:
        # nothing half-written: the staging directory goes, an earlier run of the same date stays as it was
        shutil.rmtree(staging, ignore_errors=True)
        raise
    # the earlier run of the same date is moved aside before the new one takes its name, and removed after
    shutil.rmtree(previous, ignore_errors=True)
    if final.exists():
        final.rename(previous)
    staging.rename(final)
    shutil.rmtree(previous, ignore_errors=True)
    return final
