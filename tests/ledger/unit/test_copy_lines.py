"""The bulk import's direct ``COPY`` writer (``import_write._CopyText``: one line per row tuple, with the row's
``chunk_digest`` line in the same pass) against ``copy_text`` and ``chunk_digest`` of the same rows as dicts, on
rows with tabs, newlines, carriage returns, backslashes, ``\\N``, quotes and non-ASCII text in every column the
import may fill from a file (keys, refs, names, JSON) — and the payment payload written as text against
``event_json``."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from faircollect.kit.money import CURRENCY_EXPONENT, format_minor
from faircollect.ledger.booking_core import event_json
from faircollect.ledger.import_write import (
    ENTRY_COLUMNS,
    EVENT_COLUMNS,
    LOAN_COLUMNS,
    _CopyText,
    _digest_of_lines,
    _json_text,
    _money_text,
    _payment_json,
    chunk_digest,
    copy_text,
)
from faircollect.ledger.models import LedgerEntry, Loan, LoanEvent

_text = st.text(
    alphabet=st.sampled_from(["a", "\t", "\n", "\r", "\\", "N", "é", "中", " ", '"', "|", "0"]),
    max_size=6,
) | st.sampled_from(["\\N", "plain", "L0000001", ""])
#: Ids the import makes itself (``OrderedIds``/``new_id``): never a special character.
_id = st.from_regex(r"[a-z]{2,4}_[0-9a-f]{1,32}", fullmatch=True)
_day = st.integers(0, 800).map(lambda d: date(2025, 6, 1) + timedelta(days=d))
_at = st.integers(0, 10**9).map(
    lambda us: datetime(2026, 12, 4, tzinfo=UTC) + timedelta(microseconds=us)
) | st.just(
    datetime(2026, 12, 4, 1, 2, 3, tzinfo=UTC)  # no microseconds: ``str`` drops them
)
_json = st.recursive(
    st.none() | st.booleans() | st.integers(-(10**12), 10**12) | _text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=8,
)
_int = st.integers(-(10**15), 10**15)


def _nullable(s: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | s


loan_rows = st.fixed_dictionaries(
    {
        "id": _text,
        "external_ref": _nullable(_text),
        "borrower_id": _text,
        "product_version_id": _nullable(_text),
        "terms": st.dictionaries(_text, _json, max_size=3),
        "currency": _text,
        "principal_minor": _int,
        "jurisdiction": _text,
        "status": _text,
        "bucket_set": _text,
        "waterfall": _nullable(st.dictionaries(_text, _json, max_size=2)),
        "bucket": _nullable(_text),
        "created_at": _at,
        "approved_at": _nullable(_at),
        "closed_at": _nullable(_at),
    }
)


def event_rows(actor: str) -> st.SearchStrategy[dict[str, Any]]:
    return st.fixed_dictionaries(
        {
            "id": _id,
            "loan_id": _id,
            "key": _text,
            "type": st.sampled_from(["payment", "disbursement"]),
            "date": _day,
            "amount_minor": _nullable(_int),
            "payload": st.dictionaries(_text, _json, max_size=4),
            "actor": st.just(actor),
            "recorded_at": _at,
        }
    )


entry_rows = st.fixed_dictionaries(
    {
        "id": _id,
        "loan_id": _id,
        "event_id": _id,
        "kind": st.sampled_from(["payment", "disbursement", "prepayment", "reallocated", "credit"]),
        "instalment_number": _nullable(st.integers(0, 400)),
        "component": st.sampled_from(["principal", "interest", "fees", "penalty", "credit"]),
        "amount_minor": _int,
        "currency": st.sampled_from(sorted(CURRENCY_EXPONENT)),
        "value_date": _day,
        "booked_at": _at,
    }
)


def _tuple(row: dict[str, Any], columns: tuple[str, ...], json_columns: tuple[str, ...]) -> tuple[Any, ...]:
    """The row as ``loan_rows_of(…, json_text=True)`` gives it: column order, JSON columns as their text."""
    return tuple(
        (None if row[c] is None else _json_text(row[c])) if c in json_columns else row[c] for c in columns
    )


@settings(max_examples=300, deadline=None)
@given(st.data(), _text)
def test_copy_lines_are_copy_text_and_the_digest_lines_are_chunk_digests(
    data: st.DataObject, actor: str
) -> None:
    loans = data.draw(st.lists(loan_rows, max_size=4))
    events = data.draw(st.lists(event_rows(actor), max_size=6))
    entries = data.draw(st.lists(entry_rows, max_size=6))
    now = datetime(2026, 12, 4, tzinfo=UTC)
    writer = _CopyText(now, actor)
    lines: list[str] = []
    assert writer.loans([_tuple(r, LOAN_COLUMNS, ("terms", "waterfall")) for r in loans], lines) == copy_text(
        Loan.__table__,
        loans,
    )
    assert writer.events([_tuple(r, EVENT_COLUMNS, ("payload",)) for r in events], lines) == copy_text(
        LoanEvent.__table__,
        events,
    )
    assert writer.entries([_tuple(r, ENTRY_COLUMNS, ()) for r in entries], lines) == copy_text(
        LedgerEntry.__table__,
        entries,
    )
    assert _digest_of_lines(lines) == chunk_digest([], loans, events, entries)


@settings(max_examples=300, deadline=None)
@given(
    _text,
    _day,
    st.integers(1, 10**13),
    st.sampled_from(sorted(CURRENCY_EXPONENT)),
    st.sampled_from([None, "", "reduce_term", "reduce_instalment"]),
)
def test_payment_payload_text_is_event_json(
    key: str, on: date, amount: int, currency: str, mode: str | None
) -> None:
    expected = _json_text(
        event_json(
            "payment", key=key, on=on, amount_minor=amount, extra={"prepayment": mode}, currency=currency
        )
    )
    assert _payment_json(key, on, _money_text(currency)(amount), mode) == expected


@given(st.integers(-(10**15), 10**15), st.sampled_from(sorted(CURRENCY_EXPONENT)))
def test_money_text_is_format_minor(minor: int, currency: str) -> None:
    assert _money_text(currency)(minor) == format_minor(minor, currency)
