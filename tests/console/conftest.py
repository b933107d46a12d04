"""A small demo database shared by the console's service tests (built once per module that asks for it)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from faircollect.demo import run_demo


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory) -> str:
    tmp = tmp_path_factory.mktemp("demo")
    url = f"sqlite:///{tmp / 'demo.sqlite3'}"
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("FAIRCOLLECT_AUDIT_KEY_FILE", str(Path(tmp) / "audit.key"))
        run_demo(url, loans=24, months=3, seed=5, start=date(2026, 1, 1), days=2, nightly=False)
    return url
