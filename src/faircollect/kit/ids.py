"""Identifiers."""

from __future__ import annotations

import os
import random
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime

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


class OrderedIds:
    """Ids that sort in the order they are made, for bulk writes (the import): ``prefix_`` + 32 hex digits — the
    milliseconds of ``at`` (12), a sequence number (9: ``block`` × 2**24 + a counter) and 44 random bits (11).

    Random ids (``new_id``) land all over a primary-key B-tree; an import writing millions of rows then touches a
    random index page per row (and, once the index outgrows the server's buffers, reads it from disk). Ids from one
    ``OrderedIds`` increase, and a worker process computing chunk ``n`` of an import uses ``block=n``, so the
    chunks' ids increase too: the index inserts append at the right edge. The random part keeps the ids of two
    imports in the same millisecond apart and the ids not guessable from one another. Under ``seeded_ids`` the ids
    are ``new_id``'s (the demo's reproducible ids). Make one per process (one made before a ``fork`` would give
    both processes the same ids).
    """

    __slots__ = ("_at", "_head", "_random", "_seq")

    def __init__(self, at: datetime, block: int = 0) -> None:
        self._head = f"{int(at.timestamp() * 1000) & 0xFFFFFFFFFFFF:012x}"
        self._seq = (block & 0xFFF) << 24
        self._random = (
            ""  # random hex digits drawn from the OS 1,024 ids at a time (one system call, not one per id)
        )
        self._at = 0

    def __call__(self, prefix: str) -> str:
        if _seeded:
            return new_id(prefix)
        self._seq += 1
        at = self._at
        if at + 11 > len(self._random):
            self._random, at = os.urandom(5632).hex(), 0
        self._at = at + 11
        return f"{prefix}_{self._head}{self._seq & 0xFFFFFFFFF:09x}{self._random[at : at + 11]}"


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
