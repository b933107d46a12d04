"""After the demo on PostgreSQL, a pg_dump of its database holds no phone, e-mail or ID number in clear."""

from __future__ import annotations

from datetime import date

import pytest

from faircollect.demo import run_demo
from faircollect.privacy.dumpcheck import check


@pytest.mark.postgres
@pytest.mark.slow
def test_pg_dump_after_the_demo_holds_no_personal_data_in_clear(pg_url: str) -> None:
    run_demo(pg_url, loans=30, months=3, seed=7, start=date(2026, 1, 1), days=3, nightly=False)
    report = check(pg_url)
    assert report.values_checked >= 30  # the demo's phones, in E.164 and national form
    assert report.found == [], f"personal data in clear in pg_dump: {len(report.found)} values"
    assert report.pattern_hits == {}, report.pattern_hits
