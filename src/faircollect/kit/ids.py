"""Identifiers."""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

#: When set (by ``seeded_ids``), ids come from this generator instead of the operating system's randomness.
_seeded: random.Random | None = None


def new_id(prefix: str = "") -> str:
    """A random, sortable-enough id with an optional type prefix (``loan_…``)."""
    if _seeded:
        raw = uuid.UUID(int=_seeded.getrandbits(128), version=4).hex
    else:  # uuid.uuid4().hex without building a UUID object (the bulk import makes millions)
        b = bytearray(os.urandom(16))
        b[6] = (b[6] & 0x0F) | 0x40
        b[8] = (b[8] & 0x3F) | 0x80
        raw = b.hex()
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
