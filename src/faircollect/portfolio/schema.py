"""The portfolio snapshot: the tables the nightly run reads, their Arrow schemas, and input validation.

A snapshot is a directory of Parquet files, one per table (``loans.parquet``, ``instalments.parquet`` ...). The
generator writes it, ``--database`` exports it from the ledger, and a lender may build it from its own warehouse.
Validation runs before the run writes anything: a missing column, a negative amount or an unknown currency is an
error naming the table, column and row.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from faircollect.kit.errors import ValidationError
from faircollect.kit.money import CURRENCY_EXPONENT

DEC = pa.decimal128(18, 10)

#: table name → Arrow schema. Amounts are int64 minor units; rates are decimal(18, 10); dates are date32.
SCHEMAS: Final[dict[str, pa.Schema]] = {
    "borrowers": pa.schema(
        [
            ("borrower_no", pa.int64()),
            ("borrower_id", pa.string()),
            ("jurisdiction", pa.string()),
            ("timezone", pa.string()),  # IANA; null = unknown
            ("language", pa.string()),
            ("score", pa.int32()),
        ]
    ),
    "loans": pa.schema(
        [
            ("loan_no", pa.int64()),
            ("loan_id", pa.string()),
            ("borrower_no", pa.int64()),
            ("product", pa.string()),
            ("method", pa.string()),  # ledger.types.Method value
            ("currency", pa.string()),
            ("annual_rate", DEC),
            ("term", pa.int32()),
            ("start_date", pa.date32()),
            ("first_due_date", pa.date32()),
            ("principal_minor", pa.int64()),  # sum of tranches
            ("penalty_basis", pa.string()),  # ledger.types.PenaltyBasis value
            ("penalty_multiple", DEC),
            ("penalty_daily_rate", DEC),
            ("grace_days", pa.int32()),
            ("late_fee_minor", pa.int64()),
            ("days_in_year", pa.int32()),
            (
                "rounding",
                pa.string(),
            ),  # kit.money.Rounding: half_up | half_even | up | down  # null = actual days (penalty then uses 360: 日利率 = 年利率 / 360)
            ("flags", pa.list_(pa.string())),
            (
                "all_in_rate",
                DEC,
            ),  # all-in annual cost at origination (ledger.caps.all_in_cost); null = unknown
            ("deducted_fees_minor", pa.int64()),  # fees taken out of the disbursement
            (
                "waterfall",
                pa.string(),
            ),  # allocation order: a ledger.allocation.WATERFALLS name or its JSON; null = default
        ]
    ),
    "disbursements": pa.schema(
        [("loan_no", pa.int64()), ("seq", pa.int32()), ("date", pa.date32()), ("amount_minor", pa.int64())]
    ),
    "instalments": pa.schema(
        [
            ("loan_no", pa.int64()),
            ("number", pa.int32()),
            ("due_date", pa.date32()),
            ("principal_minor", pa.int64()),
            ("interest_minor", pa.int64()),
            ("fees_minor", pa.int64()),
        ]
    ),
    "payments": pa.schema(
        [
            ("loan_no", pa.int64()),
            ("key", pa.string()),
            ("date", pa.date32()),
            ("amount_minor", pa.int64()),
            ("prepayment", pa.string()),  # null | reduce_term | reduce_instalment
        ]
    ),
    "pauses": pa.schema(
        [("loan_no", pa.int64()), ("key", pa.string()), ("start", pa.date32()), ("end", pa.date32())]
    ),
    "holds": pa.schema(
        [
            ("borrower_no", pa.int64()),
            ("kind", pa.string()),  # compliance.contact.HoldKind value
            ("since", pa.date32()),
            ("until", pa.date32()),  # null = open
        ]
    ),
    "contacts": pa.schema(
        [
            ("borrower_no", pa.int64()),
            ("loan_no", pa.int64()),
            ("channel", pa.string()),  # compliance.contact.Channel value
            ("recipient_role", pa.string()),
            ("at", pa.timestamp("us", tz="UTC")),
            ("outcome", pa.string()),  # compliance.contact.Outcome value
            ("agency_id", pa.string()),
        ]
    ),
    "promises": pa.schema(
        [
            ("loan_no", pa.int64()),
            ("made_on", pa.date32()),
            ("promised_date", pa.date32()),
            ("amount_minor", pa.int64()),
        ]
    ),
}

#: Optional inputs: the previous run's buckets (``bucket_history``) when a lender keeps them; waivers (减免) and
#: write-offs (核销) when the book has them.
OPTIONAL: Final[dict[str, pa.Schema]] = {
    "previous_buckets": pa.schema([("loan_no", pa.int64()), ("date", pa.date32()), ("bucket", pa.string())]),
    "waivers": pa.schema(
        [
            ("loan_no", pa.int64()),
            ("key", pa.string()),
            ("date", pa.date32()),
            ("component", pa.string()),  # ledger.types.Component value: penalty | fees | interest | principal
            ("amount_minor", pa.int64()),
        ]
    ),
    "write_offs": pa.schema([("loan_no", pa.int64()), ("key", pa.string()), ("date", pa.date32())]),
    # The ledger's terms of a loan (ledger.terms_json.terms_to_json): lets the run replay a loan with the core when
    # the kernel cannot (a partial prepayment re-amortises the schedule). Needed only for such loans.
    "terms": pa.schema([("loan_no", pa.int64()), ("terms_json", pa.string())]),
    # Restructures (new schedule versions: relief plans): the event as ledger.events_json writes it. A loan with
    # one is replayed with the core (it needs its `terms` row too), so the run and the ledger agree on it.
    "restructures": pa.schema(
        [("loan_no", pa.int64()), ("key", pa.string()), ("date", pa.date32()), ("event_json", pa.string())]
    ),
}

#: Columns a snapshot may leave out, with the value they then take (null: unknown).
DEFAULTS: Final[dict[str, dict[str, object]]] = {
    "loans": {"all_in_rate": None, "deducted_fees_minor": 0, "waterfall": None},
}

#: Columns that must never be negative, per table.
NON_NEGATIVE: Final[dict[str, tuple[str, ...]]] = {
    "loans": (
        "principal_minor",
        "term",
        "grace_days",
        "late_fee_minor",
        "annual_rate",
        "deducted_fees_minor",
    ),
    "disbursements": ("amount_minor",),
    "instalments": ("principal_minor", "interest_minor", "fees_minor"),
    "payments": ("amount_minor",),
    "promises": ("amount_minor",),
    "waivers": ("amount_minor",),
}

#: Columns that must never be null, per table.
REQUIRED_VALUES: Final[dict[str, tuple[str, ...]]] = {
    "loans": (
        "loan_no",
        "loan_id",
        "borrower_no",
        "method",
        "currency",
        "annual_rate",
        "term",
        "start_date",
        "rounding",
        "penalty_basis",
    ),
    "instalments": ("loan_no", "number", "due_date", "principal_minor", "interest_minor", "fees_minor"),
    "payments": ("loan_no", "key", "date", "amount_minor"),
    "pauses": ("loan_no", "start", "end"),
    "disbursements": ("loan_no", "date", "amount_minor"),
    "waivers": ("loan_no", "date", "component", "amount_minor"),
    "write_offs": ("loan_no", "date"),
    "terms": ("loan_no", "terms_json"),
    "borrowers": ("borrower_no", "borrower_id"),
}

#: Text columns of few distinct values, read from Parquet as dictionaries (their codes and the few strings) and
#: kept so: decoding them into a string per row was ~0.2 s of the read's CPU on the 1,000,000-loan book. Every
#: consumer in the run takes either (``SnapshotRead(dictionaries=True)``; a snapshot given in memory and
#: ``read_snapshot`` keep plain strings); DuckDB reads them as VARCHAR.
DICTIONARY: Final[dict[str, tuple[str, ...]]] = {
    "borrowers": ("jurisdiction", "timezone", "language"),
    "loans": ("product", "method", "currency", "penalty_basis", "rounding", "waterfall"),
    "contacts": ("channel", "recipient_role", "outcome", "agency_id"),
}

#: Each table's key: one row per value (the run joins the others on it; a repeat multiplied the loan's rows).
KEYS: Final[dict[str, str]] = {"loans": "loan_no", "borrowers": "borrower_no"}


def dictionary_codes(col: pa.ChunkedArray | pa.Array) -> tuple[npt.NDArray[np.int64], pa.Array]:
    """A column's codes and their values, as ``pc.dictionary_encode(col, null_encoding="encode")`` gives them for
    its plain values: the values in the order of their first row, null a value of its own. A column read as a
    dictionary (``DICTIONARY``) is coded from its codes, not decoded."""
    if pa.types.is_dictionary(col.type):
        chunks = col.chunks if isinstance(col, pa.ChunkedArray) else [col]
        if any(c.dictionary.null_count for c in chunks):
            col = col.cast(col.type.value_type)  # a null among the entries: coded from the values
    if isinstance(col, pa.ChunkedArray):
        col = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
    if not pa.types.is_dictionary(col.type):
        enc = pc.dictionary_encode(col, null_encoding="encode")
        return np.asarray(enc.indices.to_numpy(zero_copy_only=False), np.int64), enc.dictionary
    # The dictionary's entries as distinct values (a repeated entry is one value), null the last one.
    canon = pc.dictionary_encode(col.dictionary.cast(col.type.value_type))
    k = len(canon.dictionary)
    of_entry = np.append(np.asarray(canon.indices.to_numpy(zero_copy_only=False), np.int64), k)
    idx = np.asarray(pc.fill_null(col.indices, -1).to_numpy(zero_copy_only=False), np.int64)
    rows = of_entry[idx]  # -1 (null) takes the last: k
    present, first = np.unique(rows, return_index=True)
    by_first = present[np.argsort(first, kind="stable")]
    rank = np.zeros(k + 1, np.int64)
    rank[by_first] = np.arange(len(by_first))
    values = pa.concat_arrays([canon.dictionary, pa.nulls(1, canon.dictionary.type)]).take(pa.array(by_first))
    return rank[rows], values


def _first_row(mask: pa.ChunkedArray | pa.Array) -> int | None:
    idx = pc.index(pc.fill_null(mask, False), True).as_py()
    return None if idx < 0 else int(idx)


def validate_table(name: str, table: pa.Table) -> pa.Table:
    """Check columns, types, nulls, signs and currencies; return the table cast to the snapshot schema."""
    schema = SCHEMAS.get(name) or OPTIONAL[name]
    file = f"{name}.parquet"
    for col, value in DEFAULTS.get(name, {}).items():
        if col not in table.column_names:
            typ = schema.field(col).type
            table = table.append_column(col, pa.array([value] * table.num_rows, type=typ))
    missing = [f.name for f in schema if f.name not in table.column_names]
    if missing:
        raise ValidationError(f"table {name!r} has no column {missing[0]!r}", file=file, field=missing[0])
    table = table.select(schema.names)
    target = schema
    for col in DICTIONARY.get(name, ()):
        typ = table.schema.field(col).type
        if pa.types.is_dictionary(typ) and pa.types.is_string(typ.value_type):
            target = target.set(target.get_field_index(col), target.field(col).with_type(typ))
    try:
        table = table.cast(target)
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError) as exc:
        for f in schema:
            try:
                table.column(f.name).cast(f.type)
            except (pa.ArrowInvalid, pa.ArrowNotImplementedError, pa.ArrowTypeError):
                raise ValidationError(
                    f"table {name!r} column {f.name!r} is {table.schema.field(f.name).type}, expected {f.type}",
                    file=file,
                    field=f.name,
                ) from exc
        raise ValidationError(f"table {name!r}: {exc}", file=file) from exc
    # Arrow knows each column's null count, and one min/max pass says whether any value is negative: the row is
    # searched for only when there is one to name (a full is_null / less mask per column cost ~0.3 s of CPU on the
    # 1,000,000-loan book's 12,062,831 instalments).
    for col in REQUIRED_VALUES.get(name, ()):
        if not table.column(col).null_count:
            continue
        row = _first_row(pc.is_null(table.column(col)))
        if row is not None:
            raise ValidationError(f"table {name!r} column {col!r} is empty", file=file, row=row, field=col)
    for col in NON_NEGATIVE.get(name, ()):
        zero = pa.scalar(0, table.schema.field(col).type)
        low = pc.min(table.column(col))
        if not low.is_valid or not pc.less(low, zero).as_py():
            continue
        row = _first_row(pc.less(table.column(col), zero))
        if row is not None:
            value = table.column(col)[row].as_py()
            raise ValidationError(
                f"table {name!r} column {col!r} is negative ({value})", file=file, row=row, field=col
            )
    if name == "loans":
        known = pa.array(sorted(CURRENCY_EXPONENT))
        row = _first_row(pc.invert(pc.is_in(table.column("currency"), value_set=known)))
        if row is not None:
            code = table.column("currency")[row].as_py()
            raise ValidationError(
                f"table 'loans' column 'currency' has unknown currency {code!r} (loan "
                f"{table.column('loan_id')[row].as_py()}); supported: {', '.join(sorted(CURRENCY_EXPONENT))}",
                file=file,
                row=row,
                field="currency",
            )
    if name == "loans":
        allowed = pa.array(["half_up", "half_even", "up", "down"])
        row = _first_row(pc.invert(pc.is_in(table.column("rounding"), value_set=allowed)))
        if row is not None:
            raise ValidationError(
                f"table 'loans' column 'rounding' has unknown mode {table.column('rounding')[row].as_py()!r}",
                file=file,
                row=row,
                field="rounding",
            )
    if name == "waivers":
        allowed = pa.array(["penalty", "fees", "interest", "principal"])
        row = _first_row(pc.invert(pc.is_in(table.column("component"), value_set=allowed)))
        if row is not None:
            raise ValidationError(
                f"table 'waivers' column 'component' has unknown component "
                f"{table.column('component')[row].as_py()!r}; expected penalty, fees, interest or principal",
                file=file,
                row=row,
                field="component",
            )
    if name == "pauses":
        row = _first_row(pc.less(table.column("end"), table.column("start")))
        if row is not None:
            raise ValidationError("table 'pauses': end is before start", file=file, row=row, field="end")
    if name in KEYS:
        key = KEYS[name]
        row = _first_repeat(_int_array(table.column(key)))
        if row is not None:
            raise ValidationError(
                f"table {name!r} column {key!r} repeats {table.column(key)[row].as_py()} (one row per {key})",
                file=file,
                row=row,
                field=key,
            )
    if name == "borrowers":
        _check_values(
            table,
            file,
            "timezone",
            _known_zone,
            "unknown time zone",
            "expected an IANA name, e.g. 'Asia/Shanghai'",
        )
        from faircollect.ledger.caps import load_caps

        known = sorted(load_caps()["jurisdictions"])
        _check_values(
            table,
            file,
            "jurisdiction",
            lambda code: code.upper() in known,
            "jurisdiction",
            f"no cap data for it (ledger/data/cost_caps.yaml); known: {', '.join(known)}",
        )
    if name == "loans":
        _check_values(table, file, "waterfall", _waterfall_problem, "waterfall", "")
        _check_values(
            table,
            file,
            "penalty_basis",
            lambda v: v in ("contract_rate_multiple", "daily_rate"),
            "unknown penalty basis",
            "expected contract_rate_multiple or daily_rate",
        )
    return table


def _int_array(column: pa.ChunkedArray) -> npt.NDArray[np.int64]:
    """An int64 column without nulls as numpy."""
    return np.asarray(column.to_numpy(), np.int64)


def _first_repeat(keys: npt.NDArray[np.int64]) -> int | None:
    """The first row whose key an earlier row has; None when every key is distinct. Strictly increasing keys (the
    generator's and the ledger export's order) are seen in one pass (~1 ms on 1,000,000 loans)."""
    if len(keys) < 2 or bool((keys[1:] > keys[:-1]).all()):
        return None
    order = np.argsort(keys, kind="stable")
    same = np.flatnonzero(keys[order][1:] == keys[order][:-1])
    return int(order[same + 1].min()) if len(same) else None


def first_missing(values: npt.NDArray[np.int64], known: npt.NDArray[np.int64]) -> int | None:
    """The first position of ``values`` whose value is not in ``known``; None when all are. Dense keys (the usual
    0..n numbering) are looked up in a table of flags (a few ms on 1,000,000 loans), others with ``np.isin``."""
    if not len(values):
        return None
    if not len(known):
        return 0
    lo, hi = int(known.min()), int(known.max())
    if hi - lo <= 8 * len(known) + 1024:
        present = np.zeros(hi - lo + 1, np.bool_)
        present[known - lo] = True
        ok = (values >= lo) & (values <= hi)
        ok[ok] = present[values[ok] - lo]
    else:
        ok = np.isin(values, known)
    bad = np.flatnonzero(~ok)
    return int(bad[0]) if len(bad) else None


def _known_zone(name: str) -> bool:
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _waterfall_problem(text: str) -> bool | str:
    """True for a waterfall ``ledger.allocation`` reads; else what is wrong with it."""
    from faircollect.ledger.allocation import waterfall_from_text

    try:
        waterfall_from_text(text)
    except ValidationError as exc:
        return exc.message
    return True


def _check_values(
    table: pa.Table,
    file: str,
    col: str,
    good: Callable[[str], bool | str],
    what: str,
    expected: str,
) -> None:
    """Each distinct non-null value of ``col`` checked once (a handful per book); the first row of a bad one named."""
    column = table.column(col)
    # Distinct values in the order of their first row (``pc.unique``'s order for strings; a dictionary column's
    # entries are in its chunks' order, so it is coded from its codes).
    distinct = dictionary_codes(column)[1] if pa.types.is_dictionary(column.type) else pc.unique(column)
    for value in distinct.to_pylist():
        if value is None:
            continue
        verdict = good(value)
        if verdict is True:
            continue
        row = _first_row(pc.equal(column, value))
        why = verdict if isinstance(verdict, str) else expected
        raise ValidationError(
            f"table {file.removesuffix('.parquet')!r} column {col!r} has {what} {value!r}; {why}",
            file=file,
            row=row,
            field=col,
        )


def validate_references(tables: dict[str, pa.Table]) -> None:
    """Across tables: every loan's borrower is in ``borrowers`` (a loan without one was left out of the state, the
    KPIs and the plan without a word)."""
    loans = tables["loans"]
    row = first_missing(
        _int_array(loans.column("borrower_no")), _int_array(tables["borrowers"].column("borrower_no"))
    )
    if row is not None:
        raise ValidationError(
            f"table 'loans' column 'borrower_no' has {loans.column('borrower_no')[row].as_py()}, not in "
            f"borrowers.parquet (loan {loans.column('loan_id')[row].as_py()!r})",
            file="loans.parquet",
            row=row,
            field="borrower_no",
        )


def _read_valid(name: str, path: Path, dictionaries: bool) -> pa.Table:
    return validate_table(
        name, pq.read_table(path, read_dictionary=DICTIONARY.get(name) if dictionaries else None)
    )


class SnapshotRead:
    """A snapshot being read and validated, two tables at a time (Parquet decoding and the checks release the GIL;
    one file alone does not keep two cores busy). ``future(name)``: one table as soon as it is read (the run
    starts the kernel's per-loan terms once ``loans``, ``borrowers`` and ``write_offs`` are in); ``result()``:
    every table, raising the error that reading them in order would raise first. ``dictionaries``: the
    ``DICTIONARY`` columns kept as Arrow dictionaries (the run's read; its consumers take either), else strings."""

    #: Read first: what ``kernel_arrow.loan_terms`` needs (the rest in the schemas' order).
    FIRST = ("borrowers", "loans", "write_offs")

    def __init__(self, directory: str | Path, *, dictionaries: bool = False) -> None:
        root = Path(directory)
        if not root.is_dir():
            raise ValidationError(f"snapshot directory {str(root)!r} does not exist", file=str(root))
        self.paths = {name: root / f"{name}.parquet" for name in (*SCHEMAS, *OPTIONAL)}
        order = [n for n in self.FIRST if n in self.paths] + [n for n in self.paths if n not in self.FIRST]
        self._pool = ThreadPoolExecutor(2, thread_name_prefix="fc-read")
        self._reads = {
            name: self._pool.submit(_read_valid, name, self.paths[name], dictionaries)
            for name in order
            if self.paths[name].exists()
        }

    def future(self, name: str) -> Future[pa.Table] | None:
        """The read of table ``name``; None when the snapshot has no such file."""
        return self._reads.get(name)

    def result(self) -> dict[str, pa.Table]:
        tables: dict[str, pa.Table] = {}
        try:
            for name in self.paths:
                if name in self._reads:
                    tables[name] = self._reads[name].result()
                elif name in SCHEMAS:
                    raise ValidationError(f"snapshot table {name!r} is missing", file=str(self.paths[name]))
        finally:
            self._pool.shutdown(wait=True, cancel_futures=True)
        return tables


def read_snapshot(directory: str | Path) -> dict[str, pa.Table]:
    """Read and validate every snapshot table from ``directory`` (all of them, before anything is written).

    The tables are read two at a time (``SnapshotRead``); the error raised is the one reading them in order would
    raise first."""
    return SnapshotRead(directory).result()


def write_snapshot(tables: dict[str, pa.Table], directory: str | Path) -> None:
    """Write snapshot tables as Parquet (validated first; nothing is written if any table is bad)."""
    checked = {name: validate_table(name, t) for name, t in tables.items()}
    root = Path(directory)
    root.mkdir(parents=True, exist_ok=True)
    for name, table in checked.items():
        pq.write_table(table, root / f"{name}.parquet", compression="zstd", row_group_size=1 << 20)
