"""Database plumbing: declarative base, engines, sessions, the aware-UTC column type and migrations."""

from __future__ import annotations

import re
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


_PG_KEY_DETAIL = re.compile(r"^Key \((?P<cols>[^()]*)\)=\(", re.DOTALL)
_PG_KEY_TAIL = re.compile(
    r"\)(?P<tail> already exists\.| is (?:not present in|still referenced from) table \"[^\"]*\"\.)$",
    re.DOTALL,
)
_HIDDEN_DETAIL = "(detail hidden: it may hold a row's values)"


def _scrubbed_pg_detail(detail: str) -> str:
    """PostgreSQL's DETAIL of an integrity error without the row's values: ``Key (code)=(6X44S49G) already exists.``
    becomes ``Key (code)=(…) already exists.``; ``Failing row contains (…)`` loses its row; an unknown key detail (an
    exclusion conflict) keeps only its columns; any other detail (a localized server) is replaced whole."""
    m = _PG_KEY_DETAIL.match(detail)
    if m is not None:
        tail = _PG_KEY_TAIL.search(detail, m.end())
        return f"Key ({m['cols']})=(…)" + (tail["tail"] if tail else " (values hidden)")
    if detail.startswith("Failing row contains ("):
        return "Failing row contains (…)."
    return _HIDDEN_DETAIL


def _hide_pg_detail_values(context: Any) -> None:
    """``handle_error`` listener (PostgreSQL): an integrity error's DETAIL loses the key's or row's values.

    ``hide_parameters`` hides the statement's parameters, but PostgreSQL itself repeats a unique key's value
    (``Key (code)=(6X44S49G) already exists``, a verification code) or a whole failing row (phones) in its own
    message, which reaches ``str()`` of the driver's error and of SQLAlchemy's wrapper, so tracebacks and logs.
    Both are edited in place: the exception classes, ``sqlstate``, the constraint and column names stay; the
    driver's ``diag.message_detail`` is the scrubbed text too (its ``pgresult`` is then ``None``)."""
    orig = context.original_exception
    if not str(getattr(orig, "sqlstate", None) or "").startswith("23"):
        return
    try:
        detail = orig.diag.message_detail
    except Exception:  # not a psycopg error after all: leave it
        return
    if not detail:
        return
    scrubbed = _scrubbed_pg_detail(detail)
    for exc in (orig, context.sqlalchemy_exception):
        if exc is None or not exc.args or not isinstance(exc.args[0], str):
            continue
        text = exc.args[0]
        if detail in text:
            text = text.replace(detail, scrubbed)
        else:  # the detail as printed differs from diag's (encoding): cut every DETAIL line
            text = re.sub(r"DETAIL:.*", f"DETAIL:  {_HIDDEN_DETAIL}", text, flags=re.DOTALL)
        exc.args = (text, *exc.args[1:])
    # ``diag`` reads psycopg's private ``_info``: if a psycopg release changes it, the texts above are scrubbed all the
    # same and the original error must still be the one raised, never an error of this listener
    try:
        info = getattr(orig, "_info", None)
        if info is not None and not isinstance(info, dict):  # a PGresult: psycopg reads a dict the same way
            from psycopg.pq import DiagnosticField

            fields = {f: info.error_field(f) for f in DiagnosticField}
            fields[DiagnosticField.MESSAGE_DETAIL] = scrubbed.encode()
            orig._info = fields
    except Exception:  # see above: never mask the original error
        pass


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine; SQLite gets foreign keys, WAL and a busy timeout. Pooled connections are checked before
    use (pre-ping), so a connection the server dropped is replaced instead of failing the next request.

    SQL parameters are never part of a database error's text or SQLAlchemy's logging (``hide_parameters``, not
    overridable): they hold verification codes, one-time codes, phone numbers, and an error's ``str()`` reaches
    tracebacks and logs. On PostgreSQL an integrity error's own DETAIL loses the key's or row's values too
    (``_hide_pg_detail_values``)."""
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://") :]
    kwargs.setdefault("pool_pre_ping", True)
    kwargs["hide_parameters"] = True
    engine = create_engine(url, future=True, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    elif engine.dialect.name == "postgresql":
        event.listen(engine, "handle_error", _hide_pg_detail_values)
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
