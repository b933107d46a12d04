"""One way to print a listing: a table for people (IDs never cut), JSON or CSV for programs (``--format``)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Any

import typer
from rich.console import Console
from rich.table import Table


class ListFormat(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


FORMAT_HELP = "table (for people), json or csv (every field, for programs)."


class TableOrJson(StrEnum):
    """``--format`` of a command that prints a table or JSON: any other value is refused by the parser (exit 2),
    not printed as a table."""

    table = "table"
    json = "json"


class JsonlOrTable(StrEnum):
    """``--format`` of a command that writes one JSON object per input line (for machines) or a table (for people)."""

    jsonl = "jsonl"
    table = "table"


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple | set | frozenset):
        return ",".join(str(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def to_csv(rows: Sequence[Mapping[str, Any]]) -> str:
    """CSV with a header line; lists joined by commas, mappings as JSON."""
    if not rows:
        return ""
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(rows[0].keys()), lineterminator="\n")
    writer.writeheader()
    for r in rows:
        writer.writerow({k: _cell(v) for k, v in r.items()})
    return buf.getvalue()


def id_table(
    columns: Sequence[str], *, ids: Sequence[str] = ("id",), title: str | None = None, **kwargs: Any
) -> Table:
    """A rich table whose identifier columns are never wrapped, shortened or cut (they must stay copyable);
    other columns fold."""
    table = Table(title=title, **kwargs)
    for col in columns:
        if col in ids:
            table.add_column(col, no_wrap=True, overflow="ignore", min_width=len(col))
        else:
            table.add_column(col, overflow="fold")
    return table


def emit(
    rows: Sequence[Mapping[str, Any]],
    fmt: ListFormat | str,
    *,
    console: Console,
    table: Table | None = None,
    ids: Sequence[str] = ("id",),
    title: str | None = None,
) -> None:
    """Print ``rows`` as JSON (a list), CSV, or a table (``table`` if given, else one column per key)."""
    fmt = ListFormat(fmt)
    if fmt == ListFormat.json:
        typer.echo(json.dumps(list(rows), ensure_ascii=False, default=str))
        return
    if fmt == ListFormat.csv:
        typer.echo(to_csv(rows), nl=False)
        return
    if table is None:
        table = id_table(list(rows[0].keys()) if rows else ["(none)"], ids=ids, title=title)
        for r in rows:
            table.add_row(*(_cell(v) for v in r.values()))
    if table.columns:
        for col in table.columns:
            if str(col.header) in ids:
                width = max([len(str(col.header)), *(len(_cell(r.get(str(col.header)))) for r in rows)])
                col.min_width = width
    console.print(table)
