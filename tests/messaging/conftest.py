"""Messaging fixtures: a migrated SQLite database (most messaging tests need only one database)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.orm import Session, sessionmaker

from faircollect.db import make_engine, session_factory, upgrade


@pytest.fixture
def sq(sqlite_url: str) -> Iterator[sessionmaker[Session]]:
    """A migrated SQLite database's session factory."""
    upgrade(sqlite_url)
    engine = make_engine(sqlite_url)
    yield session_factory(engine)
    engine.dispose()
