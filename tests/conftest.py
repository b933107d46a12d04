"""Shared fixtures: a migrated SQLite database per test, and the real PostgreSQL server.

PostgreSQL tests read DATABASE_URL (default: the local server's ``test`` database). They fail, never skip, when
``CI=true`` and the server is unreachable; on a laptop without a server they skip with the reason.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import freezegun
import pytest
from hypothesis import settings
from sqlalchemy import Engine, text
from sqlalchemy.orm import Session, sessionmaker

from faircollect.db import make_engine, session_factory, upgrade

# freezegun patches clocks by scanning every loaded module's attributes; ibis answers unknown attributes by
# importing a backend (pyspark, whose import crashes the process), so freezegun must not scan it.
freezegun.configure(extend_ignore_list=["ibis"])

# No per-example deadline: hypothesis's default 200 ms deadline is a timed assertion, and on this shared 2-core
# machine a loaded run trips it on correct code (seen on test_fast_scoring_equals_summing_over_the_feature_set).
# Speed is measured by benchmarks/, not by tests. Tests that set their own @settings keep deadline=None too.
settings.register_profile("faircollect", deadline=None)
settings.load_profile("faircollect")

PG_URL = os.environ.get("FAIRCOLLECT_TEST_PG_URL") or os.environ.get(
    "DATABASE_URL_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)


@pytest.fixture(scope="session", autouse=True)
def _kek(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """One throwaway key-encryption key for the whole run (module-scoped demo databases are sealed under it)."""
    with pytest.MonkeyPatch.context() as mp:
        keys = tmp_path_factory.mktemp("keys")
        mp.setenv("FAIRCOLLECT_KEK_FILE", str(keys / "kek.key"))
        mp.setenv("FAIRCOLLECT_AUDIT_SINK", f"file:{keys / 'audit-receipts.jsonl'}")
        mp.delenv("FAIRCOLLECT_KEK", raising=False)
        yield


@pytest.fixture(autouse=True)
def _audit_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test signs audit checkpoints with its own throwaway key and keeps its receipts in its own sink."""
    from faircollect.config import get_settings

    monkeypatch.setenv("FAIRCOLLECT_AUDIT_KEY_FILE", str(tmp_path / "audit.key"))
    # Each test counts its own rate limits (tests of the shared Redis store build their own limiter).
    monkeypatch.setenv("FAIRCOLLECT_RATE_LIMIT_STORAGE", "memory://")
    monkeypatch.setenv("FAIRCOLLECT_AUDIT_SINK", f"file:{tmp_path / 'audit-receipts.jsonl'}")
    get_settings.cache_clear()
    yield
    get_settings.cache_clear()


@pytest.fixture
def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'test.sqlite3'}"


def _pg_available() -> str | None:
    try:
        engine = make_engine(PG_URL, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            conn.execute(text("select 1"))
        engine.dispose()
        return None
    except Exception as exc:
        return f"{type(exc).__name__}: {exc}"


@pytest.fixture(scope="session")
def pg_server_url() -> str:
    problem = _pg_available()
    if problem:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(f"PostgreSQL at {PG_URL} is unreachable in CI: {problem}")
        pytest.skip(f"PostgreSQL at {PG_URL} unreachable (set DATABASE_URL_PG): {problem}")
    return PG_URL


@pytest.fixture
def pg_url(pg_server_url: str) -> Iterator[str]:
    """A fresh, migrated schema on the real PostgreSQL server, dropped afterwards."""
    schema = "t_" + uuid.uuid4().hex[:12]
    admin = make_engine(pg_server_url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    sep = "&" if "?" in pg_server_url else "?"
    url = f"{pg_server_url}{sep}options=-csearch_path%3D{schema}"
    upgrade(url)
    yield url
    with admin.begin() as conn:
        conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
    admin.dispose()


def _engine_for(url: str) -> Engine:
    upgrade(url)
    return make_engine(url)


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def db_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    """Parametrised over both databases: the same test runs on SQLite and on the real PostgreSQL."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'test.sqlite3'}"
        upgrade(url)
        return url
    return str(request.getfixturevalue("pg_url"))


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def sessions(engine: Engine) -> sessionmaker[Session]:
    return session_factory(engine)


@pytest.fixture
def token_for() -> Callable[..., dict[str, str]]:
    """Issue an API token for a new user holding ``role`` in the database at ``url``; returns the request headers.

    ``token_for(url, "supervisor")`` → ``{"Authorization": "Bearer fct_…"}``; pass ``username=`` to name the user
    (audit actors are ``staff:USERNAME``) and ``agency_id=`` for an agency agent.
    """
    from faircollect.db import unit_of_work
    from faircollect.identity import service as identity

    def make(
        url: str, role: str, *, username: str | None = None, agency_id: str | None = None
    ) -> dict[str, str]:
        engine = make_engine(url)
        try:
            with unit_of_work(session_factory(engine)) as s:
                name = username or f"{role}-{uuid.uuid4().hex[:6]}"
                identity.add_user(s, username=name, roles=[role], agency_id=agency_id, actor="test")
                issued = identity.issue_token(s, username=name, actor="test", expires_days=1)
        finally:
            engine.dispose()
        return {"Authorization": f"Bearer {issued.secret}"}

    return make
