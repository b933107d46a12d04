"""Database plumbing: declarative base, engines, sessions, the aware-UTC column type and migrations."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    DateTime,
    Engine,
    Integer,
    MetaData,
    SmallInteger,
    create_engine,
    event,
)
from sqlalchemy import inspect as sa_inspect
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker
from sqlalchemy.types import TypeDecorator

from faircollect.kit.errors import ValidationError

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """Timestamp stored with time zone; always returned as an aware UTC datetime (SQLite included)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to a UTC column")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: UTCDateTime(), dict[str, Any]: JSON()}  # noqa: RUF012


_INT_LIMITS: dict[type, int] = {SmallInteger: 2**15 - 1, BigInteger: 2**63 - 1, Integer: 2**31 - 1}


def _int_limit(type_: Any) -> int | None:
    for (
        kind,
        limit,
    ) in _INT_LIMITS.items():  # BigInteger and SmallInteger subclass Integer: most specific first
        if isinstance(type_, kind):
            return limit
    return None


def _check_column_bounds(session: Session, _context: Any, _instances: Any) -> None:
    """Refuse, before SQL is sent, a string longer than its column or an integer outside its column's range.

    SQLite enforces neither, PostgreSQL answers with a bare DataError; both paths get the same clear error
    naming ``table.column``. Only loaded values are read (no lazy loads inside a flush).
    """
    for obj in (*session.new, *session.dirty):
        state = sa_inspect(obj)
        loaded = state.dict
        for prop in state.mapper.column_attrs:
            value = loaded.get(prop.key)
            if value is None or isinstance(value, bool):
                continue
            column = prop.columns[0]
            where = f"{getattr(column, 'table', None) is not None and column.table.name}.{column.name}"
            length = getattr(column.type, "length", None)
            if isinstance(value, str) and isinstance(length, int) and len(value) > length:
                raise ValidationError(
                    f"is {len(value)} characters long; at most {length} allowed", field=where
                )
            if isinstance(value, int):
                limit = _int_limit(column.type)
                if limit is not None and not -limit - 1 <= value <= limit:
                    raise ValidationError(
                        f"{value} is out of range (at most {limit} in magnitude)", field=where
                    )


event.listen(Session, "before_flush", _check_column_bounds)


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL and a busy timeout. Pooled connections are checked before
    use (pre-ping), so a connection the server dropped is replaced instead of failing the next request.

    SQL parameters are never part of a database error's text or SQLAlchemy's logging (``hide_parameters``, not
    overridable): they hold verification codes, one-time codes, phone numbers, and an error's ``str()`` reaches
    tracebacks and logs."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    kwargs.setdefault("pool_pre_ping", True)
    kwargs["hide_parameters"] = True
    engine = create_engine(url, future=True, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def session_factory(engine: Engine) -> sessionmaker[Session]:
    """Sessions on ``engine``. Every domain's models are loaded first: a flush resolves foreign keys to tables of
    other domains (``outbox_message.borrower_id`` → ``borrower``), which a command that imported only its own
    domain would otherwise not know (NoReferencedTableError)."""
    import_all_models()
    return sessionmaker(bind=engine, expire_on_commit=False, future=True)


@contextmanager
def unit_of_work(factory: sessionmaker[Session]) -> Iterator[Session]:
    """The transaction boundary: commit on success, roll back on any error. Services never commit."""
    session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    cfg.set_main_option("path_separator", "os")
    cfg.set_main_option("version_locations", str(MIGRATIONS_DIR / "versions"))
    return cfg


def upgrade(url: str, revision: str = "heads") -> None:
    """Apply every migration branch (each domain owns one branch) up to its head."""
    from alembic import command

    command.upgrade(alembic_config(url), revision)


def import_all_models() -> None:
    """Import every domain's ORM models so that ``Base.metadata`` is complete."""
    import importlib
    import pkgutil

    import faircollect

    for mod in pkgutil.walk_packages(faircollect.__path__, "faircollect."):
        if mod.name.endswith(".models"):
            importlib.import_module(mod.name)
