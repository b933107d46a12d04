"""Per-loan state: days past due, delinquent days, buckets, overdue amounts, the lawfully collectable amount.

``kernel_parts`` states the kernel's inputs as Ibis relations over the snapshot (each loan's terms and cost cap;
its instalments, payments, pauses and tranches); ``loan_core`` runs ``portfolio.kernel`` — the ledger's replay,
compiled, every loan on as_of − 1 and as_of — over them; ``loan_states`` adds in Ibis what follows from those
figures (delinquent days, bucket, balances, contact dpd). The ledger core (``ledger.replay``, ``ledger.caps``) is the
oracle: the differential test checks every loan and figure against it on DuckDB and on Spark.

How the kernel gets its rows depends on the engine, not the answer: DuckDB hands the flat relations over in-process
as Arrow (no copies, no list building); Spark gathers each loan's rows into lists (``kernel_input``) and runs the
kernel in its Python workers with ``mapInArrow``.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping
from concurrent.futures import Future
from datetime import date
from decimal import Decimal
from fractions import Fraction

import ibis
import ibis.expr.types as ir
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from ibis.backends import BaseBackend

from faircollect.kit.errors import ValidationError
from faircollect.ledger.allocation import waterfall_from_text
from faircollect.ledger.buckets import DEFAULT_BUCKET_SET, BucketSet
from faircollect.portfolio import engines, fallback, kernel, kernel_arrow, twin

EPOCH = date(1970, 1, 1)
Tables = dict[str, ir.Table]
EXACT = 2**53  # the kernel multiplies a remainder (< pden) by pnum: keep pnum × pden far inside int64


def epoch_day(d: date) -> int:
    return (d - EPOCH).days


def bucket_expr(days: ir.IntegerValue, bs: BucketSet = DEFAULT_BUCKET_SET) -> ir.StringValue:
    """The bucket label for delinquent days (``ledger.buckets.bucket_for`` as a CASE)."""
    cases = [(days <= b.max_days, b.label) for b in bs.buckets if b.max_days is not None]
    return ibis.cases(*cases, else_=bs.buckets[-1].label)


def penalty_fraction(
    basis: str, annual_rate: Decimal, multiple: Decimal, daily_rate: Decimal, days_in_year: int | None
) -> tuple[int, int]:
    """The daily penalty rate as an exact fraction ``(num, den)``: ``ledger.accrual.penalty_daily_rate_exact``."""
    if basis == "daily_rate":
        rate = Fraction(Decimal(daily_rate))
    elif basis == "contract_rate_multiple":
        rate = Fraction(Decimal(annual_rate)) * Fraction(Decimal(multiple)) / (days_in_year or 360)
    else:
        raise ValidationError(f"unknown penalty basis {basis!r}", file="loans.parquet", field="penalty_basis")
    if rate.denominator * max(rate.numerator, 1) >= EXACT:
        raise ValidationError(
            f"penalty rate {rate} has too many digits",
            file="loans.parquet",
            field="penalty_daily_rate" if basis == "daily_rate" else "penalty_multiple",
        )
    return rate.numerator, rate.denominator


def _rates(con: BaseBackend, loans: ir.Table) -> ir.Table:
    """Exact daily penalty rate per distinct penalty rule, as integer num/den (``penalty_fraction``)."""
    keys = ["penalty_basis", "annual_rate", "penalty_multiple", "penalty_daily_rate", "days_in_year"]
    distinct = con.to_pyarrow(loans.select(*keys).distinct()).to_pylist()
    rows = []
    for r in distinct:
        num, den = penalty_fraction(
            r["penalty_basis"],
            r["annual_rate"],
            r["penalty_multiple"],
            r["penalty_daily_rate"],
            r["days_in_year"],
        )
        rows.append({**r, "pnum": num, "pden": den})
    schema = loans.select(*keys).schema()
    return ibis.memtable(rows, schema=ibis.schema({**dict(schema.items()), "pnum": "int64", "pden": "int64"}))


GROUPS = kernel_arrow.GROUPS  # the kernel's per-loan lists
WAIVER_COMPONENTS = ("penalty", "fees", "interest", "principal")  # kernel component codes 0 … 3
ROUNDING_CODES = {"half_even": 0, "half_up": 1, "up": 2, "down": 3}  # kit.money.Rounding → kernel code


def cap_table(con: BaseBackend, t: Tables) -> ir.Table:
    """The cost caps of every (jurisdiction, contract date) in the book, from ``ledger.caps.cap_rules`` (the one
    place the rules live): the all-in cap as an exact fraction, its rule id, and the illegal line if there is one."""
    pairs = t["loans"].join(t["borrowers"], "borrower_no").select("jurisdiction", "start_date").distinct()
    rows = []
    for r in con.to_pyarrow(pairs).to_pylist():
        cap_num, cap_den, cap_id, illegal_rate, illegal_id = kernel_arrow.cap_row(
            r["jurisdiction"], r["start_date"]
        )
        rows.append(
            {
                "jurisdiction": r["jurisdiction"],
                "start_date": r["start_date"],
                "cap_num": cap_num,
                "cap_den": cap_den,
                "cap_id": cap_id,
                "illegal_rate": illegal_rate,
                "illegal_id": illegal_id,
            }
        )
    schema = ibis.schema(
        {
            "jurisdiction": "string",
            "start_date": "date",
            "cap_num": "int64",
            "cap_den": "int64",
            "cap_id": "string",
            "illegal_rate": "decimal(18, 10)",
            "illegal_id": "string",
        }
    )
    # Through Arrow: a pandas-backed memtable cannot hold a null decimal (US and UK have no illegal line).
    return ibis.memtable(pa.Table.from_pylist(rows, schema=schema.to_pyarrow()))


def _waterfalls(con: BaseBackend, loans: ir.Table) -> ir.Table:
    """Each loan's allocation waterfall as the kernel's code (``kernel.waterfall_code``); null = the default."""
    names = [r["waterfall"] for r in con.to_pyarrow(loans.select("waterfall").distinct()).to_pylist()]
    cases = []
    for name in names:
        if name is None:
            continue
        try:
            code = kernel.waterfall_code(waterfall_from_text(name))
        except ValidationError as exc:
            raise ValidationError(
                f"unknown waterfall {name!r}: {exc}", file="loans.parquet", field="waterfall"
            ) from exc
        cases.append((loans.waterfall == name, code))
    default = kernel.DEFAULT_WATERFALL_CODE
    code_expr = ibis.cases(*cases, else_=default) if cases else ibis.literal(default)
    return loans.select("loan_no", waterfall=code_expr.cast("int64"))


def kernel_parts(con: BaseBackend, t: Tables, as_of: date) -> dict[str, ir.Table]:
    """The kernel's arguments (``kernel.ARGS``) as relations: ``loans`` (one row per loan: its terms as scalars and
    its cost cap) and, flat with a ``loan_no`` column, ``inst``, ``pay``, ``pause`` and ``tranche``."""
    loans = t["loans"]
    rates = _rates(con, loans)
    keys = ["penalty_basis", "annual_rate", "penalty_multiple", "penalty_daily_rate", "days_in_year"]
    lj = loans.select(
        "loan_no",
        *keys,
        grace=loans.grace_days.cast("int64"),
        late_fee=loans.late_fee_minor.cast("int64"),
        prnd=ibis.cases(*[(loans.rounding == k, v) for k, v in ROUNDING_CODES.items()], else_=0).cast(
            "int64"
        ),
        start=loans.start_date.epoch_days().cast("int64"),
        principal=loans.principal_minor.cast("int64"),
        deducted=loans.deducted_fees_minor.cast("int64"),
    )
    same_diy = (lj.days_in_year == rates.days_in_year) | (
        lj.days_in_year.isnull() & rates.days_in_year.isnull()
    )
    lj = lj.left_join(rates, [*(lj[k] == rates[k] for k in keys[:4]), same_diy]).select(
        lj.loan_no,
        lj.grace,
        lj.late_fee,
        lj.prnd,
        lj.start,
        lj.principal,
        lj.deducted,
        rates.pnum,
        rates.pden,
    )
    caps = cap_table(con, t)
    lc = loans.join(t["borrowers"].select("borrower_no", "jurisdiction"), "borrower_no")
    lc = lc.left_join(caps, [lc.jurisdiction == caps.jurisdiction, lc.start_date == caps.start_date])
    lc = lc.select(
        lc.loan_no,
        cap_num=lc.cap_num.fill_null(0),
        cap_den=lc.cap_den.fill_null(0),
        illegal=ibis.ifelse(
            lc.all_in_rate.notnull() & lc.illegal_rate.notnull() & (lc.all_in_rate > lc.illegal_rate), 1, 0
        ).cast("int64"),
        cap_rule_id=ibis.ifelse(
            lc.all_in_rate.notnull() & lc.illegal_rate.notnull() & (lc.all_in_rate > lc.illegal_rate),
            lc.illegal_id,
            lc.cap_id,
        ),
    )
    lj = _clean(lj.join(lc, "loan_no"))
    lj = _clean(lj.join(_waterfalls(con, loans), "loan_no"))
    if "write_offs" in t:
        wo = t["write_offs"]
        first = wo.group_by("loan_no").aggregate(write_off=wo.date.min().epoch_days().cast("int64"))
        lj = _clean(lj.left_join(first, "loan_no"))
    else:
        lj = lj.mutate(write_off=ibis.null("int64"))
    inst = t["instalments"]
    il = inst.select(
        "loan_no",
        inst_key=inst.due_date.epoch_days().cast("int64") * 4096 + inst.number.cast("int64"),
        inst_prin=inst.principal_minor.cast("int64"),
        inst_int=inst.interest_minor.cast("int64"),
        inst_fee=inst.fees_minor.cast("int64"),
    )
    p = t["payments"]
    p = p.filter(p.date <= as_of)
    pl = p.select(
        "loan_no",
        pay_key=p.date.epoch_days().cast("int64") * 2 + ibis.ifelse(p.prepayment.notnull(), 1, 0),
        pay_amount=p.amount_minor.cast("int64"),
    )
    z = t["pauses"]
    z = z.filter(z.start <= as_of)
    zl = z.select(
        "loan_no", pause_start=z.start.epoch_days().cast("int64"), pause_end=z.end.epoch_days().cast("int64")
    )
    dsb = t["disbursements"]
    dl = dsb.select(
        "loan_no",
        tranche_day=dsb.date.epoch_days().cast("int64"),
        tranche_amount=dsb.amount_minor.cast("int64"),
    )
    if "waivers" in t:
        wv = t["waivers"]
        wv = wv.filter(wv.date <= as_of)
        code = ibis.cases(*[(wv.component == c, k) for k, c in enumerate(WAIVER_COMPONENTS)], else_=0)
        vl = wv.select(
            "loan_no",
            waiver_key=wv.date.epoch_days().cast("int64") * 4 + code.cast("int64"),
            waiver_amount=wv.amount_minor.cast("int64"),
        )
    else:
        vl = ibis.memtable(
            {"loan_no": [], "waiver_key": [], "waiver_amount": []},
            schema={"loan_no": "int64", "waiver_key": "int64", "waiver_amount": "int64"},
        )
    return {"loans": lj, "inst": il, "pay": pl, "pause": zl, "tranche": dl, "waiver": vl}


def kernel_input(con: BaseBackend, t: Tables, as_of: date) -> ir.Table:
    """One row per loan with all of the kernel's arguments, the flat parts gathered into lists (what an engine
    that ships rows to workers hands the kernel)."""
    parts = kernel_parts(con, t, as_of)
    inp = parts["loans"]
    for g in GROUPS:
        part = parts[g]
        lists = part.group_by("loan_no").aggregate(
            **{c: part[c].collect() for c in part.columns if c != "loan_no"}
        )
        inp = _clean(inp.left_join(lists, "loan_no"))
    return inp


def loan_core(
    con: BaseBackend,
    t: Tables,
    as_of: date,
    rows_out: list[pa.Table] | None = None,
    *,
    arrow: Mapping[str, pa.Table] | None = None,
    loan_terms: Future[pa.Table | None] | None = None,
) -> ir.Table:
    """One row per loan with the kernel's outputs (``kernel.OUTPUTS``): the replay of every loan on as_of − 1 and
    as_of. DuckDB hands the kernel the parts in-process as Arrow (flat, no list building); Spark runs it in its
    Python workers over the per-loan lists of ``kernel_input`` (``mapInArrow``). ``arrow``: the validated snapshot
    tables behind ``t`` (DuckDB): the parts are then computed from them (``kernel_arrow.kernel_tables``, the same
    rows) instead of queried; ``loan_terms``: ``kernel_arrow.loan_terms(arrow)`` being computed already (its error
    is raised here)."""
    day = epoch_day(as_of)
    carry = ("loan_no", "cap_rule_id")
    if con.name == "pyspark":
        schema = kernel.output_schema(pa.schema([("loan_no", pa.int64()), ("cap_rule_id", pa.string())]))
        return engines.map_batches(
            con,
            kernel_input(con, t, as_of),
            functools.partial(kernel.apply, as_of=day, carry=carry),
            schema,
            "fc_loan_core",
        )
    loans = None
    if arrow is not None:
        loans = loan_terms.result() if loan_terms is not None else kernel_arrow.loan_terms(arrow)
    done = None
    if loans is not None and arrow is not None:
        # The groups' rows read in place from the snapshot, a window of loans at a time (``kernel.run_rows``);
        # flat copies when they are not in loan order.
        loan_no = np.asarray(loans.column("loan_no").to_numpy(), np.int64)
        rows = kernel_arrow.group_rows(arrow, as_of)
        done = kernel.run_rows(kernel.scalar_arrays(loans), loan_no, rows, day)
        if done is None:
            done = kernel.run(kernel.arrays_from_tables(loans, kernel_arrow.flat_groups(arrow, as_of)), day)
    else:
        parts = kernel_parts(con, t, as_of)
        loans = con.to_pyarrow(parts["loans"].order_by("loan_no"))
        groups = engines.fetch_flat(con, {g: parts[g] for g in GROUPS})
        done = kernel.run(kernel.arrays_from_tables(loans, groups), day)
    ints, flags = done
    out = kernel.outputs_table({c: loans.column(c) for c in carry}, ints, flags)
    if rows_out is not None:  # the caller patches the core fallback's rows into the Arrow table itself
        rows_out.append(out)
    return engines.register(con, "fc_loan_core", out)


def _flagged(con: BaseBackend, t: Tables, core: ir.Table) -> pa.Table:
    """The kernel's rows of loans the core replays instead: a partial prepayment, or a restructure."""
    wanted = core.partial_prepayment
    if "restructures" in t:  # a restructured loan (a new schedule version) is replayed by the core too
        wanted = wanted | core.loan_no.isin(t["restructures"].loan_no)
    return con.to_pyarrow(core.filter(wanted))


def _with_core_fallback(
    con: BaseBackend,
    t: Tables,
    core: ir.Table,
    as_of: date,
    notes: list[str] | None,
    flagged: pa.Table | None = None,
    small: dict[str, pa.Table] | None = None,
    kernel_rows: pa.Table | None = None,
) -> ir.Table:
    """Loans the kernel flags (a partial prepayment) and restructured loans, replayed by the ledger core when the snapshot has their terms
    (``portfolio.fallback``); the rest of the book keeps the kernel's figures. ``flagged`` (``_flagged``) and
    ``small`` (the snapshot's rows of at least those loans, ``_rows_of``) when the caller has them already;
    ``kernel_rows``: ``core`` as Arrow (DuckDB), patched in place of a join."""
    if flagged is None:
        flagged = _flagged(con, t, core)
    if flagged.num_rows == 0:
        return core
    if small is None:
        small = _rows_of(con, t, ibis.memtable(flagged.select(["loan_no"])))
    patched, more = fallback.replay_flagged(small, flagged, as_of)
    if notes is not None:
        notes.extend(more)
    if patched.num_rows == 0:
        return core
    if kernel_rows is not None:
        return engines.register(con, "fc_loan_core_patched", patch_rows(kernel_rows, patched))
    return patch_join(con, core, patched)


def patch_join(con: BaseBackend, core: ir.Table, patched: pa.Table) -> ir.Table:
    """``core`` with ``patched``'s figures where it has them, lazily: a join on a small table, fused into the query
    (Spark; ``patch_rows`` does the same in Arrow)."""
    fix = engines.register(con, "fc_loan_core_fix", patched)
    joined = core.left_join(fix, "loan_no")
    return joined.select(
        "loan_no",
        *[ibis.coalesce(joined[f"{c}_right"], joined[c]).name(c) for c in core.columns if c != "loan_no"],
    )


def patch_rows(rows: pa.Table, patched: pa.Table) -> pa.Table:
    """``rows`` (one per ``loan_no``) with the figures of ``patched`` (same columns, a few loans) where it has them:
    what ``patch_join`` computes — coalesce(patched, kernel) per column — without joining a million rows, and
    without copying them: each column is the kernel's own column cut at the patched rows, the patched values in
    between (slices of one small array; ~200 loans on the 1,000,000-loan book). A full copy of every column
    was ~80,000 page faults of fresh memory."""
    keys = rows.column("loan_no").to_numpy()
    order = np.argsort(keys, kind="stable")
    fix = np.asarray(patched.column("loan_no").to_numpy(), np.int64)
    at = order[np.minimum(np.searchsorted(keys, fix, sorter=order), len(keys) - 1)]
    if not np.array_equal(keys[at], fix):
        raise ValueError("patched rows name loans the kernel did not replay")
    src = np.full(rows.num_rows, -1, np.int64)
    src[at] = np.arange(len(fix))
    where = np.flatnonzero(src >= 0)  # the patched rows, in the kernel's order
    pick = pa.array(src[where])
    here = pa.array(where)
    cols = {}
    for name in rows.column_names:
        col = rows.column(name)
        if name == "loan_no" or len(where) == 0:
            cols[name] = col
            continue
        new = pc.coalesce(patched.column(name).take(pick), col.take(here)).combine_chunks()
        pieces = []
        lo = 0
        for k, r in enumerate(where.tolist()):
            if r > lo:
                pieces.extend(col.slice(lo, r - lo).chunks)
            pieces.append(new.slice(k, 1))
            lo = r + 1
        if lo < rows.num_rows:
            pieces.extend(col.slice(lo).chunks)
        cols[name] = pa.chunked_array(pieces, col.type)
    return pa.table(cols, schema=rows.schema)


def _rows_of(con: BaseBackend, t: Tables, keep: ir.Table) -> dict[str, pa.Table]:
    """The snapshot's rows of the loans in ``keep`` (column ``loan_no``), for the ledger core."""
    small: dict[str, pa.Table] = {}
    for name in ROWS_OF:
        if name not in t:
            continue
        tbl = t[name]
        if name == "borrowers":
            loans = t["loans"].semi_join(keep, "loan_no")
            tbl = tbl.semi_join(loans, "borrower_no")
        else:
            tbl = tbl.semi_join(keep, "loan_no")
        small[name] = con.to_pyarrow(tbl)
    return small


def _rows_of_arrow(arrow: Mapping[str, pa.Table], loan_no: pa.ChunkedArray | pa.Array) -> dict[str, pa.Table]:
    """``_rows_of`` on the snapshot's Arrow tables (DuckDB runs): the same rows (a borrower's row when one of its
    loans is wanted), in the snapshot's order. Eight semi-join queries cost ~0.6 s on 1,000,000 loans, mostly
    compiling and starting them."""
    wanted = pc.unique(loan_no)
    small: dict[str, pa.Table] = {}
    for name in ROWS_OF:
        tbl = arrow.get(name)
        if tbl is None or name == "borrowers":
            continue
        small[name] = tbl.filter(pc.is_in(tbl.column("loan_no"), value_set=wanted))
    if "borrowers" in arrow:
        owners = pc.unique(small["loans"].column("borrower_no"))
        b = arrow["borrowers"]
        small["borrowers"] = b.filter(pc.is_in(b.column("borrower_no"), value_set=owners))
    return {name: small[name] for name in ROWS_OF if name in small}


#: The snapshot's tables ``_rows_of`` reads.
ROWS_OF = ("loans", "borrowers", "payments", "pauses", "waivers", "write_offs", "terms", "restructures")


def twin_check(
    con: BaseBackend,
    t: Tables,
    core: ir.Table,
    as_of: date,
    *,
    sample: int = twin.DEFAULT_SAMPLE,
    seed: int | None = None,
    notes: list[str] | None = None,
    pending: list[twin.Pending] | None = None,
    also: pa.Array | None = None,
    arrow: Mapping[str, pa.Table] | None = None,
) -> tuple[int, dict[str, pa.Table]]:
    """Replay a random sample of the kernel's loans with the ledger core; raise ``twin.TwinDrift`` on any
    difference (``portfolio/twin.py``). Returns the number of loans checked and the snapshot's rows it read. With
    ``pending`` the replay is left to run beside the rest of the run and its handle is appended there, not started
    yet: the caller starts it (``twin.begin``) and must ``twin.finish`` it before writing. ``also``: more loan numbers whose snapshot rows to read in the same queries
    (the core fallback's loans: one pass over the event tables instead of two); the check ignores them."""
    seed = twin.new_seed() if seed is None else seed
    chosen = np.zeros(0, np.int64)
    if "terms" not in t or sample <= 0:
        if notes is not None:
            notes.append("twin check skipped: the snapshot carries no ledger terms (`terms` table)")
    else:
        exact = core.filter(~core.partial_prepayment).select("loan_no")
        if (
            "restructures" in t
        ):  # restructured loans are the core's (``_with_core_fallback``), not the kernel's
            exact = exact.anti_join(t["restructures"], "loan_no")
        cands = con.to_pyarrow(t["terms"].select("loan_no").semi_join(exact, "loan_no")).column(0).to_numpy()
        chosen = twin.choose(cands, sample, seed)
    extra = (
        np.zeros(0, np.int64) if also is None else np.asarray(also.to_numpy(zero_copy_only=False), np.int64)
    )
    wanted = np.union1d(chosen, extra)
    small = (
        (
            _rows_of_arrow(arrow, pa.array(wanted, pa.int64()))
            if arrow is not None
            else _rows_of(con, t, ibis.memtable(pa.table({"loan_no": pa.array(wanted, pa.int64())})))
        )
        if len(wanted)
        else {}
    )
    if len(chosen) == 0:
        return 0, small
    keep = ibis.memtable(pa.table({"loan_no": pa.array(chosen, pa.int64())}))
    rows = con.to_pyarrow(core.semi_join(keep, "loan_no"))
    if pending is not None:  # beside the rest of the run: the caller starts it (``twin.begin``), resolves it
        pending.append(twin.prepare(small, rows, as_of, seed))
        return len(chosen), small
    problems = twin.check(small, rows, as_of)
    twin.fail_on(problems, len(chosen), seed)
    if notes is not None:
        notes.append(
            f"twin check: {len(chosen)} loan(s) replayed by the ledger core (seed {seed}): no difference"
        )
    return len(chosen), small


def _clean(t: ir.Table) -> ir.Table:
    """Drop the ``*_right`` key copies that some Ibis joins keep."""
    extra = [c for c in t.columns if c.endswith("_right")]
    return t.drop(*extra) if extra else t


def loan_states(
    con: BaseBackend,
    t: Tables,
    as_of: date,
    bucket_set: BucketSet = DEFAULT_BUCKET_SET,
    notes: list[str] | None = None,
    *,
    twin_sample: int = twin.DEFAULT_SAMPLE,
    twin_seed: int | None = None,
    twin_pending: list[twin.Pending] | None = None,
    arrow: Mapping[str, pa.Table] | None = None,
    loan_terms: Future[pa.Table | None] | None = None,
) -> ir.Table:
    """One row per loan: its state on ``as_of`` and on the day before (suffix ``_prev``). A random sample of
    ``twin_sample`` loans is replayed with the ledger core first (``twin_check``): any difference stops the run.
    ``arrow``: the validated snapshot tables behind ``t`` on DuckDB, ``loan_terms`` their per-loan terms being
    computed (``loan_core``)."""
    d = epoch_day(as_of)
    arrow_rows: list[pa.Table] = []
    kernel_rows = loan_core(con, t, as_of, rows_out=arrow_rows, arrow=arrow, loan_terms=loan_terms)
    flagged = _flagged(con, t, kernel_rows)
    _, small = twin_check(
        con,
        t,
        kernel_rows,
        as_of,
        sample=twin_sample,
        seed=twin_seed,
        notes=notes,
        pending=twin_pending,
        also=flagged.column("loan_no"),
        arrow=arrow,
    )
    core = _with_core_fallback(
        con,
        t,
        kernel_rows,
        as_of,
        notes,
        flagged=flagged,
        small=small,
        kernel_rows=arrow_rows[0] if arrow_rows else None,
    )
    # The twin check's replay (Python, ~0.4 s of CPU on 1,000 loans) starts once the core fallback (Python too, the
    # next step's input) is done: beside the fallback the two threads took turns with the GIL and the fallback
    # took two to three times as long; beside the state queries (DuckDB releases the GIL) it has a core's room.
    for p in twin_pending or ():
        twin.begin(p)
    loans = t["loans"]
    s = _clean(loans.left_join(core, "loan_no"))
    cols: dict[str, ir.Value] = {}
    for suffix in ("_prev", ""):
        dpd = s["dpd" + suffix]
        delinquent = ibis.greatest(dpd - s.grace_days, 0)
        cols["days_past_due" + suffix] = dpd.cast("int32")
        cols["delinquent_days" + suffix] = delinquent.cast("int32")
        cols["bucket" + suffix] = bucket_expr(delinquent, bucket_set)
        pen, fee, intr, prin = (s[f"ov_{c}{suffix}"] for c in ("pen", "fee", "int", "prin"))
        cols["overdue_penalty" + suffix] = pen
        cols["overdue_fees" + suffix] = fee
        cols["overdue_interest" + suffix] = intr
        cols["overdue_principal" + suffix] = prin
        cols["overdue_total" + suffix] = pen + fee + intr + prin
        cols["principal_outstanding" + suffix] = s["prin_out" + suffix]
    out = s.mutate(**cols)
    out = out.mutate(
        balance=out.principal_outstanding + out.overdue_penalty + out.overdue_fees + out.overdue_interest,
        # Pre-due treatments count days to the next due date (-3 = three days before it).
        contact_dpd=ibis.ifelse(
            out.days_past_due > 0, out.days_past_due, ibis.ifelse(out.next_due < 0, 0, d - out.next_due)
        ).cast("int32"),
        collectable_minor=out.collectable,
        excluded_minor=out.excluded,
        paid_today=out.paid_today.fill_null(0),
        paid_30d=out.paid_30d.fill_null(0),
        as_of=ibis.literal(as_of),
    )
    return out.select(*STATE_OUTPUT)


STATE_OUTPUT = (
    "loan_no",
    "loan_id",
    "borrower_no",
    "product",
    "currency",
    "flags",
    "as_of",
    "days_past_due",
    "delinquent_days",
    "bucket",
    "days_past_due_prev",
    "delinquent_days_prev",
    "bucket_prev",
    "overdue_penalty",
    "overdue_fees",
    "overdue_interest",
    "overdue_principal",
    "overdue_total",
    "overdue_penalty_prev",
    "overdue_fees_prev",
    "overdue_interest_prev",
    "overdue_principal_prev",
    "overdue_total_prev",
    "principal_outstanding",
    "principal_outstanding_prev",
    "balance",
    "contact_dpd",
    "paid_today",
    "paid_30d",
    "partial_prepayment",
    "penalised",
    "penalty_charged",
    "charged",
    "exposure_days",
    "collectable_minor",
    "excluded_minor",
    "cap_rule_id",
    "legal_review",
    "written_off",
)
