"""Backends for the run: embedded DuckDB (default) or Apache Spark in local mode; the same Ibis code on both."""

from __future__ import annotations

import os
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any, Literal

import ibis
import pyarrow as pa
from ibis.backends import BaseBackend

Engine = Literal["duckdb", "spark"]


def connect(engine: Engine = "duckdb", *, cores: int | None = None, memory: str = "2g") -> BaseBackend:
    """An Ibis connection: DuckDB in-process, or a local Spark session with ``cores`` cores."""
    if engine == "duckdb":
        con = ibis.duckdb.connect()
        # DuckDB draws a progress bar on stdout for long queries: it would corrupt `portfolio run --format json`.
        con.raw_sql("SET enable_progress_bar = false")
        if cores:
            con.raw_sql(f"SET threads = {int(cores)}")
        return con
    if engine == "spark":
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
        from pyspark.sql import SparkSession

        builder = (
            SparkSession.builder.master(f"local[{cores or '*'}]")
            .appName("faircollect-portfolio")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", str(cores or os.cpu_count() or 2))
            .config("spark.driver.memory", memory)
            .config("spark.sql.execution.arrow.pyspark.enabled", "true")
            # Small shuffles, many steps: adaptive re-planning costs more than it saves here.
            .config("spark.sql.adaptive.enabled", "false")
            # Snapshot files are single Parquet files: split them by row group so both cores scan.
            .config("spark.sql.files.maxPartitionBytes", "8m")
        )
        session = builder.getOrCreate()
        session.sparkContext.setLogLevel("ERROR")
        return ibis.pyspark.connect(session)
    raise ValueError(f"unknown engine {engine!r}; expected duckdb or spark")


def stop(con: BaseBackend) -> None:
    """Release the backend (stops the Spark session; closes DuckDB)."""
    if con.name == "pyspark":
        con._session.stop()
    else:
        con.disconnect()


def register(con: BaseBackend, name: str, source: pa.Table | Path) -> ibis.Table:
    """Expose an Arrow table (zero-copy on DuckDB) or a Parquet file as a named table of the backend."""
    if con.name == "duckdb":
        raw: Any = con.con
        if isinstance(source, Path):
            return con.read_parquet(str(source), table_name=name)
        raw.register(name, source)
        return con.table(name)
    session = con._session
    df = session.read.parquet(str(source)) if isinstance(source, Path) else session.createDataFrame(source)
    df.createOrReplaceTempView(name)
    return con.table(name)


def map_batches(
    con: BaseBackend,
    expr: ibis.Table,
    fn: Callable[[pa.RecordBatch], pa.RecordBatch],
    schema: pa.Schema,
    name: str,
) -> ibis.Table:
    """Apply ``fn`` (Arrow record batch in, record batch of ``schema`` out) to every batch of ``expr``'s rows and
    expose the result as table ``name``: DuckDB hands the rows over as Arrow in-process; Spark runs ``fn``
    in its Python workers with ``mapInArrow``, partition by partition. Either way ``fn`` sees large batches."""
    if con.name == "pyspark":
        from pyspark.sql.pandas.types import from_arrow_schema

        session = con._session
        df = session.sql(Materializer(con).compile(expr))
        out = df.mapInArrow(lambda batches: (fn(b) for b in batches), from_arrow_schema(schema))
        out = out.localCheckpoint(eager=True)
        out.createOrReplaceTempView(name)
        return con.table(name)
    rows = con.to_pyarrow(expr).combine_chunks()
    table = pa.Table.from_batches([fn(b) for b in rows.to_batches(max_chunksize=1 << 20)], schema=schema)
    return register(con, name, table)


def fetch_flat(con: BaseBackend, exprs: dict[str, ibis.Table]) -> dict[str, pa.Table]:
    """Each expression's rows as an Arrow table whose columns are single contiguous chunks, in the order the backend
    keeps (DuckDB: insertion order of a plain projection), so numpy can read them without copying.

    DuckDB's parallel export yields one chunk per thread and batch, and copying those together costs more than one
    thread writing one chunk (fresh memory is slow to fault in on this kind of machine). The tables registered from
    Arrow are visible to this connection only, so the queries run one after the other."""
    if con.name != "duckdb":
        return {name: con.to_pyarrow(e).combine_chunks() for name, e in exprs.items()}
    raw: Any = con.con
    m = Materializer(con)
    threads = raw.execute("SELECT current_setting('threads')").fetchone()[0]
    raw.execute("SET threads = 1")
    try:
        return {name: raw.sql(m.compile(e)).to_arrow_table(batch_size=1 << 40) for name, e in exprs.items()}
    finally:
        raw.execute(f"SET threads = {int(threads)}")


def collect(con: BaseBackend, name: str, expr: ibis.Table) -> tuple[ibis.Table, pa.Table]:
    """Materialise ``expr`` once as table ``name`` and return it with its rows as Arrow (what the run writes).

    DuckDB: the query's result as Arrow, registered back under ``name`` — later queries scan it in place, and the
    rows are not copied into DuckDB's own (compressed) storage and out again (at 1,000,000 loans that copy cost
    ~3 s of CPU). Spark: a checkpointed view (``Materializer.put``) and its rows."""
    if con.name == "duckdb":
        rows = con.to_pyarrow(expr)
        return register(con, name, rows), rows
    tbl = Materializer(con).put(name, expr)
    return tbl, con.to_pyarrow(tbl)


class Materializer:
    """Materialise an Ibis expression as a named table of the backend (DuckDB: a temp table; Spark: a locally
    checkpointed temp view), so what reads it several times does not recompute it."""

    def __init__(self, con: BaseBackend) -> None:
        self.con = con
        self.spark = con.name == "pyspark"
        self._frames: dict[str, Any] = {}  # Spark: the checkpointed frame behind each name (to release)

    def compile(self, expr: ibis.Table) -> str:
        self.con._run_pre_execute_hooks(expr)  # registers in-memory tables (memtables) with the backend
        return str(self.con.compile(expr))

    def put(self, name: str, expr: ibis.Table | str) -> ibis.Table:
        """Materialise ``expr`` (an Ibis table or compiled SQL, which may read ``name`` itself) as ``name``."""
        sql = expr if isinstance(expr, str) else self.compile(expr)
        if self.spark:
            session = self.con._session
            df = session.sql(sql).localCheckpoint(eager=True)
            df.createOrReplaceTempView(name)
            old = self._frames.pop(name, None)
            if old is not None:
                old.unpersist()  # the checkpoint's blocks, or the heap fills up over the steps
            self._frames[name] = df
        else:
            self.con.raw_sql(f'CREATE OR REPLACE TEMP TABLE "{name}__new" AS {sql}')
            self.con.raw_sql(f'DROP TABLE IF EXISTS "{name}"')
            self.con.raw_sql(f'ALTER TABLE "{name}__new" RENAME TO "{name}"')
        return self.con.table(name)
