"""Applicant stability in the nightly run: `portfolio run --database` (and ``run_nightly``) put the A-card's PSI and
CSI over the last 30 days of applicants beside the C-card's, and a shifted applicant population raises an alert."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

from typer.testing import CliRunner

from faircollect.cli import app as cli
from faircollect.db import make_engine, session_factory, unit_of_work, upgrade
from faircollect.kit.time import utc_now
from faircollect.ledger import service as ledger
from faircollect.origination import service
from faircollect.origination.policy import load_policy, load_scorecard
from faircollect.portfolio.nightly import applicant_stability

from .applicants import GOOD_ATTRIBUTES, POOR_ATTRIBUTES, PRODUCT_TERMS
from .test_block_list import _data


def test_the_nightly_run_monitors_applicants_and_alerts_on_a_shifted_population(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'apps.sqlite3'}"
    upgrade(url)
    factory = session_factory(make_engine(url))
    now = utc_now()
    with unit_of_work(factory) as s:
        ledger.create_product(s, code="cash-12", name="cash", currency="CNY", terms=PRODUCT_TERMS)
        for n in range(120):  # a population far poorer than the development sample: 110 poor, 10 good
            attrs = GOOD_ATTRIBUTES if n < 10 else POOR_ATTRIBUTES
            service.submit(s, data=replace(_data(n), attributes=attrs), now=now - timedelta(hours=n))
        # Older than 30 days: outside the window.
        service.submit(s, data=_data(500), now=now - timedelta(days=40))
    rows = applicant_stability(url, now.date())
    card = load_scorecard(load_policy().scorecard)
    assert rows[0]["card"] == "application" and rows[0]["measure"] == "PSI" and rows[0]["n"] == 120
    assert rows[0]["status"] == "alert" and rows[0]["value"] >= 0.25
    assert [r["characteristic"] for r in rows[1:]] == [c.name for c in card.characteristics]
    assert all(r["measure"] == "CSI" and r["value"] >= 0 for r in rows[1:])
    # Yesterday's run does not see today's applicants... but sees those of the last 30 days before it.
    assert applicant_stability(url, now.date() - timedelta(days=60))[0]["n"] == 0

    out = tmp_path / "runs"
    r = CliRunner().invoke(
        cli,
        ["portfolio", "run", "--database", url, "--as-of", now.date().isoformat(), "--out", str(out)],
    )
    assert r.exit_code == 0, r.output
    summary = json.loads((out / f"as_of={now.date().isoformat()}" / "summary.json").read_text())
    app_rows = [x for x in summary["score_stability"] if x.get("card") == "application"]
    assert app_rows == rows
    assert any(n.startswith("ALERT application score PSI score") for n in summary["notes"])
    assert "application card PSI" in r.output


def test_fewer_than_a_hundred_applicants_are_not_judged(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'few.sqlite3'}"
    upgrade(url)
    factory = session_factory(make_engine(url))
    with unit_of_work(factory) as s:
        ledger.create_product(s, code="cash-12", name="cash", currency="CNY", terms=PRODUCT_TERMS)
        for n in range(3):
            service.submit(s, data=_data(n))
    rows = applicant_stability(url, date.today())
    assert {r["status"] for r in rows} == {"too_few"} and rows[0]["n"] == 3
