"""A small demo book behind the API, built once per module, with the ids of its records for realistic requests."""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import pytest
from fastapi import FastAPI
from sqlalchemy import text

from faircollect.api.app import create_app
from faircollect.config import Settings
from faircollect.db import make_engine

KEY = "fuzz-key"
#: Development keys (identity/devkeys.py): the fuzzer acts as an administrator, who may call nearly every route.
DEV_KEYS = f"{KEY}=fuzzer:admin"

# Path/query parameter name → SQL that lists real ids for it.
ID_SOURCES = {
    "loan_id": "select id from loan",
    "case_id": "select id from collection_case",
    "borrower_id": "select id from borrower",
    "agency_id": "select id from agency",
    "visit_id": "select id from visit_request",
    "complaint_id": "select id from complaint",
    "agent_id": "select id from agent",
    "product_id": "select id from product",
    "code": "select verification_code from outbox_message where verification_code is not null",
}


@dataclass
class DemoApi:
    app: FastAPI
    url: str
    ids: dict[str, list[str]]


@pytest.fixture(scope="module")
def demo_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoApi]:
    from faircollect.demo import run_demo

    tmp: Path = tmp_path_factory.mktemp("api")
    os.environ.setdefault("FAIRCOLLECT_AUDIT_KEY_FILE", str(tmp / "audit.key"))
    url = f"sqlite:///{tmp / 'api.sqlite3'}"
    run_demo(url, loans=12, months=2, seed=5, start=date(2026, 1, 5), days=1, nightly=False)
    engine = make_engine(url)
    ids: dict[str, list[str]] = {}
    with engine.connect() as conn:
        for name, sql in ID_SOURCES.items():
            ids[name] = [str(r[0]) for r in conn.execute(text(sql + " limit 20"))]
    engine.dispose()
    yield DemoApi(create_app(Settings(api_keys=DEV_KEYS), database_url=url), url, ids)
