"""`faircollect collections …`: errors name the file and path; plan and report print what the database holds."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy.orm import Session, sessionmaker
from typer.testing import CliRunner

from faircollect.cli import app
from faircollect.collections.strategy import default_strategy_path

runner = CliRunner()


def test_strategy_command_names_file_and_path_of_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "id: x\nversion: 1\nsegments:\n  - id: a\n    treatments:\n      - {at_dpd: 1, channel: fax}\n"
    )
    r = runner.invoke(app, ["collections", "strategy", str(bad)])
    assert r.exit_code == 1
    out = " ".join(r.output.split())
    assert "bad.yaml" in out and "segments[0].treatments[0].channel" in out and "fax" in out
    ok = runner.invoke(app, ["collections", "strategy", str(default_strategy_path("CN"))])
    assert ok.exit_code == 0 and "cn-default@" in ok.output and "control" in ok.output


def test_plan_and_report_commands(
    sessions: sessionmaker[Session], make_book: Callable[..., object], seeded_templates: None
) -> None:
    make_book()
    url = str(sessions.kw["bind"].url.render_as_string(hide_password=False))
    r = runner.invoke(
        app, ["collections", "plan", "--as-of", "2026-02-16", "--format", "json", "--database-url", url]
    )
    assert r.exit_code == 0, r.output
    out = json.loads(r.output)
    assert out["cases_opened"] == 1 and out["considered"] == 1
    rep = runner.invoke(
        app, ["collections", "report", "--as-of", "2026-02-16", "--format", "json", "--database-url", url]
    )
    assert rep.exit_code == 0, rep.output
    rows = json.loads(rep.output)["rows"]
    assert sum(r["cases"] for r in rows if r["bucket"] == "all") == 1


def test_a_command_without_a_date_works_on_the_lenders_business_date(monkeypatch: pytest.MonkeyPatch) -> None:
    # 20:30 UTC on 4 December is already 5 December in Shanghai and still 4 December in New York: "today" for a
    # collections command is the lender's business date, as on every other path, not the machine's local date.
    from datetime import UTC, date, datetime

    import faircollect.kit.time as kit_time
    from faircollect.collections.cli import _date
    from faircollect.config import get_settings

    monkeypatch.setattr(kit_time, "utc_now", lambda: datetime(2026, 12, 4, 20, 30, tzinfo=UTC))
    for zone_name, expected in (
        ("Asia/Shanghai", date(2026, 12, 5)),
        ("America/New_York", date(2026, 12, 4)),
    ):
        monkeypatch.setenv("FAIRCOLLECT_BUSINESS_TIMEZONE", zone_name)
        get_settings.cache_clear()
        assert _date(None) == expected
    assert _date("2026-01-31") == date(2026, 1, 31)
    get_settings.cache_clear()
