"""Bucket sets and the events JSON shape."""

from __future__ import annotations

import pytest

from faircollect.kit.errors import ValidationError
from faircollect.ledger.buckets import BUCKET_SETS, BucketSet, bucket_for
from faircollect.ledger.events_json import event_to_json, parse_event, parse_events


@pytest.mark.parametrize(
    ("days", "label"),
    [
        (0, "M0"),
        (1, "M1"),
        (30, "M1"),
        (31, "M2"),
        (60, "M2"),
        (61, "M3"),
        (90, "M3"),
        (91, "M4+"),
        (900, "M4+"),
    ],
)
def test_cn_buckets_edges(days: int, label: str) -> None:
    assert bucket_for(days, BUCKET_SETS["cn"]) == label


def test_fineract_buckets_edges() -> None:
    fs = BUCKET_SETS["fineract"]
    assert [bucket_for(d, fs) for d in (0, 3, 4, 60, 61, 181)] == [
        "current",
        "1-3",
        "4-60",
        "4-60",
        "61-90",
        "181+",
    ]


def test_bucket_set_with_gap_is_refused() -> None:
    with pytest.raises(ValidationError, match="contiguous"):
        BucketSet.of("bad", [("a", 0, 0), ("b", 2, None)])


EVENTS = [
    {"type": "payment", "key": "p1", "date": "2026-02-01", "amount": "100.00"},
    {"type": "payment", "key": "p2", "date": "2026-03-01", "amount": "50.50", "prepayment": "reduce_term"},
    {"type": "reversal", "key": "r1", "date": "2026-02-03", "payment_key": "p1"},
    {"type": "waiver", "key": "w1", "date": "2026-03-01", "component": "penalty", "amount": "1.00"},
    {"type": "pause", "key": "z1", "start": "2026-03-01", "end": "2026-03-31"},
    {"type": "write_off", "key": "o1", "date": "2026-09-30"},
    {"type": "disbursement", "key": "disbursement-2026-04-01", "date": "2026-04-01", "amount": "5000.00"},
]


def test_events_round_trip() -> None:
    parsed = parse_events(EVENTS)
    assert [event_to_json(e) for e in parsed] == EVENTS


@pytest.mark.parametrize(
    ("item", "field"),
    [
        ({"type": "payment", "key": "p", "date": "2026-01-01", "amount": "0"}, "events[0].amount"),
        ({"type": "payment", "key": "p", "date": "2026-13-01", "amount": "1"}, "events[0].date"),
        ({"type": "payment", "date": "2026-01-01", "amount": "1"}, "events[0].key"),
        ({"type": "refund", "key": "x"}, "events[0].type"),
        ({"type": "pause", "key": "z", "start": "2026-02-01", "end": "2026-01-01"}, "events[0].end"),
        (
            {"type": "waiver", "key": "w", "date": "2026-01-01", "component": "tax", "amount": "1"},
            "events[0].component",
        ),
    ],
)
def test_bad_events_name_the_field(item: dict[str, object], field: str) -> None:
    with pytest.raises(ValidationError) as info:
        parse_event(item)
    assert info.value.field == field
