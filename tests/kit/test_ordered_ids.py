"""``kit.ids.OrderedIds``: ids that increase as they are made and from block to block (an import's chunks), unique,
with a random part; under ``seeded_ids`` the demo's reproducible ids."""

from __future__ import annotations

from datetime import UTC, datetime

from faircollect.kit.ids import OrderedIds, seeded_ids


def test_ids_increase_within_and_across_blocks_and_are_unique() -> None:
    at = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
    made = [OrderedIds(at, block=b) for b in range(3)]
    ids = [f("le") for f in made for _ in range(2000)]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)
    assert all(len(i) == len("le_") + 32 and i.startswith("le_") for i in ids)
    int(ids[0][3:], 16)  # hex


def test_two_sequences_of_one_instant_differ_in_their_random_part() -> None:
    at = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
    a, b = OrderedIds(at), OrderedIds(at)
    assert a("ev") != b("ev")


def test_seeded_ids_repeat() -> None:
    at = datetime(2026, 12, 4, 2, 0, tzinfo=UTC)
    with seeded_ids(7):
        first = [OrderedIds(at)("loan") for _ in range(3)]
    with seeded_ids(7):
        again = [OrderedIds(at)("loan") for _ in range(3)]
    assert first == again
