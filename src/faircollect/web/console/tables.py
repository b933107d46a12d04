"""Console tables: sort, paginate and export CSV from the query string (``?sort=col&dir=desc&page=2``, ``?format=csv``).

Sorting and paging are done on the server, so that a table works by keyboard (its headers are links) and without
JavaScript; the CSV export gives every row, not only the page shown.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from fastapi import Request
from fastapi.responses import Response

PAGE_SIZE = 25


@dataclass(frozen=True, slots=True)
class Column:
    key: str
    label: str  # already translated
    numeric: bool = False
    #: how to show a cell (the raw value is used to sort and in the CSV)
    show: Callable[[Any], str] | None = None

    def cell(self, row: dict[str, Any]) -> str:
        value = row.get(self.key)
        if value is None:
            return "—"
        return self.show(value) if self.show else str(value)


@dataclass(frozen=True, slots=True)
class Table:
    columns: tuple[Column, ...]
    rows: list[dict[str, Any]]  # the current page
    total: int
    page: int
    pages: int
    sort: str | None
    descending: bool
    base: str  # path of the page
    params: dict[str, str]  # the other query parameters to keep in links

    def href(self, **changes: Any) -> str:
        q = {**self.params, "page": str(self.page)}
        if self.sort:
            q.update(sort=self.sort, dir="desc" if self.descending else "asc")
        q.update({k: str(v) for k, v in changes.items() if v is not None})
        return f"{self.base}?{urlencode(q)}"

    def sort_href(self, key: str) -> str:
        desc = not self.descending if self.sort == key else False
        return self.href(sort=key, dir="desc" if desc else "asc", page=1)

    def aria_sort(self, key: str) -> str:
        if self.sort != key:
            return "none"
        return "descending" if self.descending else "ascending"

    def csv_href(self) -> str:
        return self.href(format="csv", page=None)


def _sort_key(value: Any) -> tuple[int, Any]:
    if value is None:
        return (1, "")
    return (0, value)


def build(
    request: Request,
    columns: Sequence[Column],
    rows: list[dict[str, Any]],
    *,
    default_sort: str | None = None,
) -> Table:
    """Sort and cut ``rows`` by the request's query string (unknown sort keys are ignored, pages clamped)."""
    q = request.query_params
    keys = {c.key for c in columns}
    sort = q.get("sort") if q.get("sort") in keys else default_sort
    desc = q.get("dir") == "desc"
    ordered = sorted(rows, key=lambda r: _sort_key(r.get(sort)), reverse=desc) if sort else list(rows)
    pages = max(1, -(-len(ordered) // PAGE_SIZE))
    try:
        page = min(max(1, int(q.get("page", "1"))), pages)
    except ValueError:
        page = 1
    params = {k: v for k, v in q.items() if k not in ("sort", "dir", "page", "format")}
    return Table(
        columns=tuple(columns),
        rows=ordered[(page - 1) * PAGE_SIZE : page * PAGE_SIZE],
        total=len(ordered),
        page=page,
        pages=pages,
        sort=sort,
        descending=desc,
        base=request.url.path,
        params=params,
    )


def wants_csv(request: Request) -> bool:
    return request.query_params.get("format") == "csv"


def csv_response(columns: Sequence[Column], rows: list[dict[str, Any]], filename: str) -> Response:
    """Every row as CSV (UTF-8 with a BOM so that spreadsheet programs read Chinese correctly)."""
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow([c.label for c in columns])
    for r in rows:
        w.writerow(["" if r.get(c.key) is None else r.get(c.key) for c in columns])
    return Response(
        "\ufeff" + buf.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"', "Cache-Control": "no-store"},
    )
