"""Every domain's migration branch, applied to an empty database, yields exactly the ORM models' schema."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Engine

from faircollect.db import Base, import_all_models


def test_migrations_match_models(engine: Engine) -> None:
    import_all_models()
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    # Type-affinity noise on SQLite aside, there must be no missing/extra tables, columns or indexes.
    significant = [d for d in diff if not (isinstance(d, list) and d and d[0][0] == "modify_type")]
    assert significant == [], f"migrations and models differ: {significant}"
