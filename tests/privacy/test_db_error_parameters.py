"""A database error never carries the statement's parameters (``make_engine`` sets ``hide_parameters``): its
``str()`` reaches tracebacks and logs, and the parameters hold verification codes, one-time codes and phones."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import Engine, text
from sqlalchemy.exc import IntegrityError

from faircollect.db import _scrubbed_pg_detail, make_engine

CODE = "6X44S49G"
PHONE = "13800138000"


def _duplicate(engine: Engine) -> IntegrityError:
    with engine.connect() as conn:
        conn.execute(text("CREATE TEMPORARY TABLE code_probe (code VARCHAR(16) UNIQUE, phone VARCHAR(20))"))
        insert = text("INSERT INTO code_probe (code, phone) VALUES (:code, :phone)")
        conn.execute(insert, {"code": CODE, "phone": PHONE})
        with pytest.raises(IntegrityError) as caught:
            conn.execute(insert, {"code": CODE, "phone": PHONE})
        conn.rollback()
    return caught.value


def test_an_integrity_errors_text_holds_no_parameter(
    engine: Engine, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG, logger="sqlalchemy")
    exc = _duplicate(engine)
    said = str(exc)
    assert "code_probe" in said  # the statement is still named: only its values are hidden
    assert "parameters hidden" in said
    added = said.replace(str(exc.orig), "")  # what SQLAlchemy adds to the driver's own message
    assert CODE not in added and PHONE not in added, said
    if engine.dialect.name == "sqlite":
        assert CODE not in said and PHONE not in said, said
    assert CODE not in caplog.text and PHONE not in caplog.text


@pytest.mark.postgres
def test_postgres_own_detail_holds_no_key_value(pg_url: str) -> None:
    """PostgreSQL repeats a unique key's value in its DETAIL ('Key (code)=(6X44S49G) already exists'): make_engine's
    handle_error listener leaves the column and the constraint, not the value."""
    engine = make_engine(pg_url)
    try:
        exc = _duplicate(engine)
    finally:
        engine.dispose()
    orig = exc.orig
    said = str(exc)
    for shown in (said, str(orig), orig.diag.message_detail):  # type: ignore[union-attr]
        assert CODE not in shown and PHONE not in shown, shown
    assert "code_probe_code_key" in said and "Key (code)=(…) already exists." in said, said
    assert type(orig).__name__ == "UniqueViolation" and orig.sqlstate == "23505"  # type: ignore[union-attr]
    assert orig.diag.constraint_name == "code_probe_code_key"  # type: ignore[union-attr]


@pytest.mark.postgres
def test_postgres_failing_row_detail_holds_no_value(pg_url: str) -> None:
    """A NOT NULL or CHECK violation's DETAIL is the whole row ('Failing row contains (6X44S49G, 138…)')."""
    engine = make_engine(pg_url)
    try:
        with engine.connect() as conn:
            conn.execute(
                text("CREATE TEMPORARY TABLE row_probe (code VARCHAR(16), phone VARCHAR(20) NOT NULL)")
            )
            with pytest.raises(IntegrityError) as caught:
                conn.execute(text("INSERT INTO row_probe (code, phone) VALUES (:c, NULL)"), {"c": CODE})
            conn.rollback()
    finally:
        engine.dispose()
    said = str(caught.value)
    assert CODE not in said and CODE not in str(caught.value.orig), said
    assert "Failing row contains (…)." in said and "row_probe" in said, said


@pytest.mark.parametrize(
    ("detail", "shown"),
    [
        ("Key (code)=(6X44S49G) already exists.", "Key (code)=(…) already exists."),
        ("Key (a, b)=(x), y) already exists.", "Key (a, b)=(…) already exists."),
        (
            'Key (borrower_id)=(42) is not present in table "borrower".',
            'Key (borrower_id)=(…) is not present in table "borrower".',
        ),
        (
            "Key (r)=([1,2)) conflicts with existing key (r)=([1,3)).",
            "Key (r)=(…) (values hidden)",
        ),
        ("Failing row contains (6X44S49G, 13800138000).", "Failing row contains (…)."),
        ("Schlüssel »(code)=(6X44S49G)« existiert bereits.", "(detail hidden: it may hold a row's values)"),
    ],
)
def test_detail_scrubbing_keeps_names_not_values(detail: str, shown: str) -> None:
    assert _scrubbed_pg_detail(detail) == shown


def test_a_caller_cannot_turn_it_off() -> None:
    engine = make_engine("sqlite://", hide_parameters=False)
    assert engine.hide_parameters
    engine.dispose()
