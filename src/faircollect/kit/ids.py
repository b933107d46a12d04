"""Identifiers."""

from __future__ import annotations

import uuid


def new_id(prefix: str = "") -> str:
    """A random, sortable-enough id with an optional type prefix (``loan_…``)."""
    raw = uuid.uuid4().hex
    return f"{prefix}_{raw}" if prefix else raw
