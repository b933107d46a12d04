"""Reading the files an import is given: CSV (UTF-8, GBK or GB18030), Excel ``.xlsx`` and Parquet.

Every problem is an error naming the file, and the row and column where it knows them; nothing is guessed:

* CSV bytes are decoded strictly — UTF-8 (BOM allowed), or GBK/GB18030 when the same detector as the linter's
  (``compliance.linter.decoding``: charset-normalizer plus a check that the text reads as Chinese) says so — or
  with the encoding given by ``--encoding``. A byte that does not decode names its row.
* A row with more or fewer cells than the header, an empty file and a file with a header but no rows are refused.
* Money and rates are plain decimals (``1234.50``); an exponent (``1e3``) or a binary float is refused.

Row numbers count data rows from 1 (the header line is not counted), in every format.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime
from decimal import Decimal
from itertools import chain
from pathlib import Path
from typing import Any

from faircollect.kit.errors import FaircollectError, ValidationError

#: Columns that hold money or rates: decimal text only (no exponent, no binary float).
DECIMAL_COLUMNS = frozenset(
    {
        "principal",
        "amount",
        "instalment_multiple",
        "annual_rate",
        "penalty_multiple",
        "penalty_daily_rate",
        "late_fee",
    }
)
_PLAIN_DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
#: A plain decimal (what money and rate cells must be).
PLAIN_DECIMAL = _PLAIN_DECIMAL
ENCODINGS = ("utf-8", "gbk", "gb18030")


def cell_text(value: Any, *, file: str, row: int, column: str) -> str | None:
    """A cell as text (None when empty). Floats and exponents are refused for money and rates."""
    if value is None:
        return None
    if isinstance(value, bool):
        value = "true" if value else "false"
    elif isinstance(value, float):
        if column in DECIMAL_COLUMNS:
            raise ValidationError(
                f"{value!r} is a binary float; store amounts and rates as decimal text or a decimal type "
                "(in Excel: format the column as Text)",
                file=file,
                row=row,
                field=column,
            )
        value = repr(value)
    elif isinstance(value, datetime):
        value = value.date().isoformat() if value.time() == datetime.min.time() else value.isoformat()
    elif isinstance(value, date):
        value = value.isoformat()
    elif isinstance(value, Decimal | int):
        value = format(value, "f") if isinstance(value, Decimal) else str(value)
    text = str(value).strip()
    if not text:
        return None
    if column in DECIMAL_COLUMNS and not _PLAIN_DECIMAL.match(text):
        raise ValidationError(
            f"not a decimal number: {text!r} (write plain decimals such as 1000.00: no exponent like 1e3, "
            "no thousands separators)",
            file=file,
            row=row,
            field=column,
        )
    return text


def decode_csv(data: bytes, *, file: str, encoding: str | None = None) -> tuple[str, str]:
    """CSV bytes as text and the encoding used: ``encoding`` if given, else UTF-8 or (detected) GB18030."""
    if encoding:
        try:
            codec = codecs.lookup(encoding).name
        except LookupError:
            raise ValidationError(f"unknown encoding {encoding!r}", field="--encoding") from None
        if codec in ("utf-8", "utf-8-sig"):
            codec = "utf-8-sig"
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError as exc:
            raise ValidationError(
                f"byte {exc.start} is not valid {encoding}: {exc.reason}",
                file=file,
                row=max(data.count(b"\n", 0, exc.start), 1),
            ) from None
    from faircollect.compliance.linter.decoding import decode_bytes

    try:
        return decode_bytes(data, source=file)
    except ValidationError as exc:
        # The decoder counts lines from 1 with the header; an import counts data rows.
        row = max((exc.row or 1) - 1, 1)
        raise ValidationError(
            exc.message.replace("save the file as UTF-8", "save the file as UTF-8, or give --encoding"),
            file=file,
            row=row,
        ) from None


def _table(header: list[Any], rows: Iterable[list[Any]], file: str) -> tuple[list[str], Iterator[list[Any]]]:
    names = ["" if h is None else str(h).strip() for h in header]
    while names and not names[-1]:  # trailing empty header cells (Excel often leaves them)
        names.pop()
    if not names:
        raise ValidationError("the file is empty: no header line", file=file)
    if any(not n for n in names):
        raise ValidationError(f"header cell {names.index('') + 1} is empty", file=file)
    dup = sorted({n for n in names if names.count(n) > 1})
    if dup:
        raise ValidationError(f"column repeats in the header: {', '.join(dup)}", file=file)
    body = iter(rows)  # streamed: a large file's rows are never all held as lists
    blank: list[list[Any]] = []  # empty rows before the first data row (kept: they count in the row numbers)
    first = next(body, None)
    while first is not None and not first:
        blank.append(first)
        first = next(body, None)
    if first is None:
        raise ValidationError("the file has a header but no rows", file=file)
    return names, chain(blank, (first,), body)


def read_table(path: Path, *, encoding: str | None = None) -> tuple[list[str], Iterator[list[Any]]]:
    """(header, rows) of a CSV, ``.xlsx`` or Parquet file, the rows streamed; raises ``ValidationError`` naming the
    file (an empty file or one without rows at once, before the rows are read)."""
    name = str(path)
    if not path.exists():
        raise ValidationError("file not found", file=name)
    if path.is_dir():
        raise ValidationError("is a directory, not a file", file=name)
    suffix = path.suffix.lower()
    if suffix in (".parquet", ".pq"):
        import pyarrow.parquet as pq

        try:
            table = pq.read_table(path)
        except Exception as exc:  # pyarrow raises several types for a broken file
            raise ValidationError(f"not a readable Parquet file: {exc}", file=name) from exc
        cols = [table.column(i).to_pylist() for i in range(table.num_columns)]
        return _table(list(table.column_names), (list(r) for r in zip(*cols, strict=True)), name)
    if suffix in (".xlsx", ".xlsm"):
        return _read_xlsx(path)
    if suffix == ".xls":
        raise ValidationError("old .xls workbooks are not read; save it as .xlsx or CSV", file=name)
    try:
        data = path.read_bytes()
    except OSError as exc:  # permissions, a device, an I/O error: said, not a traceback
        raise ValidationError(f"cannot read the file: {exc.strerror or exc}", file=name) from None
    text, _used = decode_csv(data, file=name, encoding=encoding)
    if text.startswith("\ufeff"):
        text = text[1:]
    reader = csv.reader(io.StringIO(text, newline=""))
    header = next(reader, None)
    if header is None:
        raise ValidationError("the file is empty: no header line", file=name)
    # Blank lines are kept as empty rows (skipped by ``iter_records``, but counted): data row N stays spreadsheet
    # line N + 1 when the file has blank lines in the middle.
    return _table(header, reader, name)


def _read_xlsx(path: Path) -> tuple[list[str], Iterator[list[Any]]]:
    from openpyxl import load_workbook

    name = str(path)
    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # zipfile, KeyError, InvalidFileException …
        raise ValidationError(f"not a readable .xlsx workbook: {exc}", file=name) from exc
    try:
        ws = wb.worksheets[0]
        it = ws.iter_rows(values_only=True)
        header = next(it, None)
        if header is None:
            raise ValidationError("the file is empty: no header line", file=name)
        # Empty rows are kept as [] (skipped by ``iter_records``, but counted, as in a CSV).
        rows = [list(r) if any(v is not None and str(v).strip() for v in r) else [] for r in it]
        names, body = _table(list(header), rows, name)
        width = len(names)
        # Excel pads rows to the sheet's width; cells past the header count only when they hold something.
        return names, iter(
            [
                r[:width] + [None] * (width - len(r)) if r and all(v is None for v in r[width:]) else r
                for r in body
            ]
        )
    finally:
        wb.close()


def read_records(
    path: Path, errors: list[FaircollectError], *, encoding: str | None = None
) -> list[tuple[int, dict[str, Any]]] | None:
    """Rows as (row number, {column: raw value}); a row whose cell count differs from the header is an error.
    None when the file itself cannot be read (the error is in ``errors``)."""
    found = iter_records(path, errors, encoding=encoding)
    if found is None:
        return None
    header, rows = found
    return [(i, dict(zip(header, r, strict=True))) for i, r in rows]


def iter_records(
    path: Path, errors: list[FaircollectError], *, encoding: str | None = None
) -> tuple[list[str], Iterator[tuple[int, list[Any]]]] | None:
    """(header, rows as (row number, cells in header order)), streamed: a row whose cell count differs from the
    header is an error (appended to ``errors`` as the rows are read). None when the file itself cannot be read."""
    name = str(path)
    try:
        header, rows = read_table(path, encoding=encoding)
    except FaircollectError as exc:
        errors.append(exc)
        return None
    width = len(header)

    def good() -> Iterator[tuple[int, list[Any]]]:
        for i, r in enumerate(rows, start=1):
            if not r or (r[0] == "" and all(c == "" for c in r)):
                # A blank line (or one of only separators, as Excel saves empty rows): no data, but counted so
                # that row N stays the file's data line N.
                continue
            if len(r) != width:
                errors.append(
                    ValidationError(f"row has {len(r)} cells but the header has {width}", file=name, row=i)
                )
                continue
            yield i, r

    return header, good()
