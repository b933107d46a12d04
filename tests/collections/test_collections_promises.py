"""A promise to pay is refused when its amount is not positive or above what the borrower owes by the promised
date, or when its date is before the day it is made or further ahead than the lender's limit."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta

import pytest
from sqlalchemy.orm import Session, sessionmaker

from faircollect.collections.models import CollectionCase
from faircollect.collections.promises import make_promise, owed_by
from faircollect.collections.service import open_case_for_loan, sync_cases
from faircollect.db import unit_of_work
from faircollect.kit.errors import ValidationError
from faircollect.ledger import service as ledger

DAY = date(2026, 2, 17)


def _case(session: Session, loan_id: str) -> CollectionCase:
    sync_cases(session, DAY)
    case = open_case_for_loan(session, loan_id)
    assert case is not None
    return case


def _promise(session: Session, case: CollectionCase, amount: int, on: date, **kw: object) -> object:
    return make_promise(
        session,
        case_id=case.id,
        amount_minor=amount,
        promised_date=on,
        channel="call",
        made_on=DAY,
        actor="agent:a",
        **kw,  # type: ignore[arg-type]
    )


def test_a_promise_above_what_is_owed_is_refused_with_the_amount_and_the_limit(
    sessions: sessionmaker[Session], make_book: Callable[..., object]
) -> None:
    bk = make_book()
    on = DAY + timedelta(days=5)
    with unit_of_work(sessions) as s:
        case = _case(s, bk.loan_id)  # type: ignore[attr-defined]
        limit = owed_by(ledger.loan_state(s, case.loan_id, on))
        # principal outstanding plus what is due: far more than the overdue amount, far less than ¥99,999,999
        assert case.overdue_minor < limit < 9_999_999_900
        with pytest.raises(ValidationError) as exc:
            _promise(s, case, 9_999_999_900, on)
        assert exc.value.field == "amount"
        assert "99999999.00 CNY" in exc.value.message
        assert f"{limit // 100}.{limit % 100:02d} CNY" in exc.value.message
        with pytest.raises(ValidationError):
            _promise(s, case, limit + 1, on)
        assert _promise(s, case, limit, on) is not None  # paying everything off is a promise


@pytest.mark.parametrize("amount", [0, -100])
def test_a_non_positive_promise_is_refused(
    sessions: sessionmaker[Session], make_book: Callable[..., object], amount: int
) -> None:
    bk = make_book()
    with unit_of_work(sessions) as s:
        case = _case(s, bk.loan_id)  # type: ignore[attr-defined]
        with pytest.raises(ValidationError, match="positive amount") as exc:
            _promise(s, case, amount, DAY + timedelta(days=1))
        assert exc.value.field == "amount"


def test_promise_date_bounds_default_and_configured(
    sessions: sessionmaker[Session], make_book: Callable[..., object], monkeypatch: pytest.MonkeyPatch
) -> None:
    bk = make_book()
    with unit_of_work(sessions) as s:
        case = _case(s, bk.loan_id)  # type: ignore[attr-defined]
        with pytest.raises(ValidationError, match="before the day the promise was made"):
            _promise(s, case, 100, DAY - timedelta(days=1))
        with pytest.raises(ValidationError, match="more than 30 days") as exc:
            _promise(s, case, 100, DAY + timedelta(days=31))
        assert exc.value.field == "promised_date"
        assert _promise(s, case, 100, DAY) is not None  # today is fine
        assert _promise(s, case, 100, DAY + timedelta(days=30)) is not None
        with pytest.raises(ValidationError, match="more than 7 days"):
            _promise(s, case, 100, DAY + timedelta(days=8), max_promise_days=7)

    from faircollect.collections.settings import get_collections_settings

    monkeypatch.setenv("FAIRCOLLECT_COLLECTIONS_PROMISE_MAX_DAYS", "10")
    get_collections_settings.cache_clear()
    try:
        with unit_of_work(sessions) as s:
            case = _case(s, bk.loan_id)  # type: ignore[attr-defined]
            with pytest.raises(ValidationError, match="more than 10 days"):
                _promise(s, case, 100, DAY + timedelta(days=11))
    finally:
        get_collections_settings.cache_clear()
