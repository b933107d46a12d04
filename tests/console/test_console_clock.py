"""The console's clock: the real one, a test's, or a demo's pinned business date at the real time of day."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest

from faircollect.config import get_settings
from faircollect.kit.time import business_date
from faircollect.web.console import common


def _request(clock: object = None) -> object:
    state = SimpleNamespace(settings=get_settings())
    if clock is not None:
        state.console_clock = clock
    return SimpleNamespace(app=SimpleNamespace(state=state))


def test_a_demo_pins_the_console_to_the_portal_business_date(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAIRCOLLECT_PORTAL_AS_OF", "2026-06-06")
    at = common.now(_request())  # type: ignore[arg-type]
    assert at.tzinfo is not None
    # the demo's day in the lender's zone, so the queue, the cases and the dashboard show the demo's book
    assert business_date(at, get_settings().business_timezone) == date(2026, 6, 6)


def test_without_a_pin_the_console_uses_the_real_clock_and_a_test_clock_wins(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("FAIRCOLLECT_PORTAL_AS_OF", raising=False)
    before = datetime.now(UTC)
    assert before <= common.now(_request()) <= datetime.now(UTC)  # type: ignore[arg-type]
    fixed = datetime(2026, 6, 3, 13, 5, tzinfo=UTC)
    monkeypatch.setenv("FAIRCOLLECT_PORTAL_AS_OF", "2026-06-06")
    assert common.now(_request(lambda: fixed)) == fixed  # type: ignore[arg-type]
