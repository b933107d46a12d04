"""Identifiers."""

from __future__ import annotations

import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

#: When set (by ``seeded_ids``), ids come from this generator instead of the operating system's randomness.
_seeded: random.Random | None = None


def new_id(prefix: str = "") -> str:
    """A random, sortable-enough id with an optional type prefix (``loan_…``)."""
    raw = uuid.UUID(int=_seeded.getrandbits(128), version=4).hex if _seeded else uuid.uuid4().hex
    return f"{prefix}_{raw}" if prefix else raw


@contextmanager
def seeded_ids(seed: int) -> Iterator[None]:
    """Within the block, ids repeat from run to run for the same seed (the demo: same seed, same book — arms and
    simulated behaviour are keyed by ids). Never in production: ids must not be guessable. Not thread-safe."""
    global _seeded
    previous, _seeded = _seeded, random.Random(f"faircollect-ids:{seed}")
    try:
        yield
    finally:
        _seeded = previous
