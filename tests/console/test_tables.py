"""Console tables sort and page on the server by the query string, and export every row as CSV."""

from __future__ import annotations

from datetime import date

from starlette.requests import Request

from faircollect.web.console.tables import PAGE_SIZE, Column, build, csv_response


def _request(query: str) -> Request:
    return Request(
        {"type": "http", "path": "/console/complaints", "query_string": query.encode(), "headers": []}
    )


COLS = [Column("id", "Complaint"), Column("due", "Answer due", show=lambda d: d.strftime("%d/%m/%Y"))]
ROWS = [{"id": f"c{i:03d}", "due": date(2026, 1, 1 + i % 28)} for i in range(60)]


def test_sorted_by_the_raw_value_not_the_shown_text_and_pages_are_clamped() -> None:
    t = build(_request("sort=due&dir=desc&page=99"), COLS, ROWS)
    assert (t.page, t.pages, t.total) == (3, 3, 60)  # page 99 is clamped to the last page
    assert len(t.rows) == 60 - 2 * PAGE_SIZE
    first = build(_request("sort=due&dir=desc"), COLS, ROWS).rows[0]
    assert first["due"] == date(2026, 1, 28)  # by date, though "28/01" sorts below "31/.." as text
    assert "dir=asc" in t.sort_href("id") and t.aria_sort("due") == "descending"


def test_an_unknown_sort_key_or_page_is_ignored() -> None:
    t = build(_request("sort=drop+table&page=x"), COLS, ROWS, default_sort="id")
    assert t.sort == "id" and t.page == 1 and t.rows[0]["id"] == "c000"


def test_csv_has_every_row_with_a_bom_for_spreadsheets() -> None:
    body = csv_response(COLS, ROWS, "register.csv").body.decode()
    assert body.startswith("\ufeffComplaint,Answer due")
    assert body.count("\n") == 61 and "2026-01-28" in body
