"""The applicant's birth date is sealed: the row holds ciphertext and the age the scorecard read, never the date.

The migration that sealed it encrypts the dates of existing rows in place and keeps their age on the receipt date;
its downgrade brings the clear dates back.
"""

from __future__ import annotations

from pathlib import Path

from alembic import command
from sqlalchemy import inspect, text

from faircollect.db import alembic_config, make_engine, session_factory, upgrade
from faircollect.origination.models import Application


def test_existing_birth_dates_are_sealed_in_place_and_come_back_on_downgrade(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'o.sqlite3'}"
    upgrade(url)
    command.downgrade(alembic_config(url), "origination_0002")
    engine = make_engine(url)
    with engine.begin() as conn:
        for app_id, birth, received in [
            ("app_a", "1990-03-07", "2026-03-06 10:00:00"),  # the day before the birthday: still 35
            ("app_b", "1990-03-07", "2026-03-07 10:00:00"),  # on it: 36
        ]:
            conn.execute(
                text(
                    "INSERT INTO application (id, received_at, product_code, currency, amount_minor, term,"
                    " jurisdiction, language, birth_date, monthly_income_minor, monthly_obligations_minor,"
                    " attributes, consents, outcome, decision, policy_key, model_key, inputs_hash)"
                    " VALUES (:id, :received, 'cash', 'CNY', 100000, 6, 'CN', 'zh-CN', :birth, 800000, 0,"
                    " '{}', '{}', 'decline', '{}', 'p@1', 'm@1', :h)"
                ),
                {"id": app_id, "received": received, "birth": birth, "h": "0" * 64},
            )
    upgrade(url)
    assert "birth_date" not in {c["name"] for c in inspect(engine).get_columns("application")}
    with engine.connect() as conn:
        raw = conn.execute(
            text("SELECT birth_date_enc, age_at_application FROM application ORDER BY id")
        ).all()
    assert [age for _, age in raw] == [35, 36]
    assert all(token and "1990" not in token for token, _ in raw)
    with session_factory(engine)() as s:
        assert [a.birth_date for a in s.query(Application).order_by(Application.id)] == ["1990-03-07"] * 2
    command.downgrade(alembic_config(url), "origination_0002")
    with engine.connect() as conn:
        back = conn.execute(text("SELECT birth_date FROM application ORDER BY id")).scalars().all()
    assert [str(b)[:10] for b in back] == ["1990-03-07"] * 2
    engine.dispose()
