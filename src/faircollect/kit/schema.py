"""Recognise "the database has no faircollect schema yet" and say how to fix it (`faircollect db upgrade`)."""

from __future__ import annotations

import re

from faircollect.kit.errors import FaircollectError

_SQLITE_NO_TABLE = re.compile(r"no such table: (\S+)")
_PG_NO_RELATION = re.compile(r'relation "([^"]+)" does not exist')


class SchemaMissing(FaircollectError):
    """The database has not been migrated: a table faircollect needs does not exist."""

    status = 503


def missing_table(exc: BaseException) -> str | None:
    """The missing table's name when ``exc`` (a DB-API error, possibly wrapped) says a table does not exist."""
    seen: set[int] = set()
    cur: BaseException | None = exc
    while cur is not None and id(cur) not in seen:
        seen.add(id(cur))
        text = str(getattr(cur, "orig", None) or cur)
        for pattern in (_SQLITE_NO_TABLE, _PG_NO_RELATION):
            m = pattern.search(text)
            if m:
                return m.group(1)
        cur = cur.__cause__ or cur.__context__
    return None


def schema_missing(table: str, database_url: str | None = None) -> SchemaMissing:
    """The error a person sees when the schema is missing: what is missing and the one command that fixes it."""
    where = f" at {_safe_url(database_url)}" if database_url else ""
    return SchemaMissing(
        f"the database{where} has no faircollect schema (table {table!r} does not exist). "
        "Create it with: faircollect db upgrade"
        + (f" --database-url {_safe_url(database_url)}" if database_url else "")
        + " / 数据库尚未初始化，请先运行 faircollect db upgrade"
    )


def _safe_url(url: str) -> str:
    """The URL without its password."""
    from sqlalchemy.engine import make_url

    try:
        return make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "the configured database"
