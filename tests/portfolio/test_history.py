"""The planning core's contact history (``propose._History``): each borrower's ``PastContact``s, made when asked,
equal those made from every row's Python values — times in UTC, a null role read as the borrower, agencies and
null times kept — and a value that is not a channel fails where that borrower's history is asked for, not before."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

import pyarrow as pa
import pytest

from faircollect.compliance.contact import Channel, Outcome, PastContact, RecipientRole
from faircollect.portfolio.propose import _History
from faircollect.portfolio.schema import SCHEMAS

AS_OF = date(2026, 11, 28)


def _contacts(rows: list[dict[str, object]]) -> pa.Table:
    t = pa.Table.from_pylist(rows, schema=SCHEMAS["contacts"])
    return pa.Table.from_batches(t.to_batches(max_chunksize=2), schema=t.schema)  # several chunks


def _expected(rows: list[dict[str, object]], borrower: int) -> tuple[PastContact, ...]:
    since = datetime(2026, 10, 29, tzinfo=UTC)
    return tuple(
        PastContact(
            channel=Channel(r["channel"]),
            at=r["at"],
            outcome=Outcome(r["outcome"]),
            recipient_role=RecipientRole(r["recipient_role"] or "borrower"),
            agency_id=r["agency_id"],
        )
        for r in rows
        if r["borrower_no"] == borrower and r["at"] is not None and r["at"] >= since  # type: ignore[operator]
    )


def test_history_made_when_asked_equals_the_rows() -> None:
    t0 = datetime(2026, 11, 27, 9, 30, 15, 123456, tzinfo=UTC)
    rows = [
        {"borrower_no": b, "loan_no": b * 10, "channel": ch, "recipient_role": role, "at": t0 - timedelta(days=d),
         "outcome": oc, "agency_id": ag}
        for b, ch, role, d, oc, ag in [
            (1, "sms", "borrower", 0, "delivered", None),
            (2, "call", None, 3, "no_answer", "agency-7"),
            (1, "call", "borrower", 29, "connected", "agency-7"),
            (3, "sms", "borrower", 45, "delivered", None),  # older than the window
            (1, "sms", "borrower", 2, "delivered", "agency-9"),
            (2, "sms", "borrower", 1, "delivered", None),
        ]
    ]  # fmt: skip
    h = _History(_contacts(rows), {1, 2, 3, 4}, AS_OF)
    for b in (1, 2, 3, 4):
        got = h.of(b)
        assert got == _expected(rows, b)
        assert all(p.at.utcoffset() == timedelta(0) for p in got)
    assert len(h.of(1)) == 3 and h.of(3) == () and h.of(4) == ()


def test_a_bad_channel_fails_only_where_it_is_used() -> None:
    t0 = datetime(2026, 11, 27, 9, 0, tzinfo=UTC)
    rows = [
        {"borrower_no": 1, "loan_no": 10, "channel": "sms", "recipient_role": "borrower", "at": t0,
         "outcome": "delivered", "agency_id": None},
        {"borrower_no": 2, "loan_no": 20, "channel": "pigeon", "recipient_role": "borrower", "at": t0,
         "outcome": "delivered", "agency_id": None},
    ]  # fmt: skip
    h = _History(_contacts(rows), {1, 2}, AS_OF)
    assert h.of(1) == _expected(rows, 1)
    with pytest.raises(ValueError):
        h.of(2)
