"""The three CLI contracts: schedule, cost, loan replay (JSON shapes, errors naming file and field)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from faircollect.cli import app

runner = CliRunner()


def _write(tmp_path: Path, name: str, obj: object) -> str:
    path = tmp_path / name
    path.write_text(json.dumps(obj), encoding="utf-8")
    return str(path)


def test_schedule_json_contract(tmp_path: Path) -> None:
    terms = {
        "principal": "1000000",
        "annual_rate": "0.049",
        "method": "equal_instalment",
        "term": 360,
        "start_date": "2026-01-01",
    }
    result = runner.invoke(
        app, ["schedule", "--terms", _write(tmp_path, "t.json", terms), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert set(doc) >= {"currency", "instalments", "total_interest", "total_repayment"}
    first = doc["instalments"][0]
    assert set(first) == {"number", "due_date", "principal", "interest", "fees", "total", "balance"}
    assert first["total"] == "5307.27" and doc["currency"] == "CNY"


def test_schedule_refuses_bad_terms_naming_file_and_field(tmp_path: Path) -> None:
    bad = {
        "principal": "100",
        "annual_rate": "0.1",
        "method": "bullet",
        "term": 1,
        "start_date": "2026-01-01",
        "currency": "XYZ",
    }
    path = _write(tmp_path, "bad.json", bad)
    result = runner.invoke(app, ["schedule", "--terms", path, "--format", "json"])
    assert result.exit_code == 2
    assert path in result.output and "terms.currency" in result.output


def test_cost_json_contract_reg_z_example(tmp_path: Path) -> None:
    flows = {
        "advances": [{"date": "1978-01-10", "amount": "5000.00"}],
        "payments": [
            {"date": f"{1978 + (m // 12)}-{m % 12 + 1:02d}-10", "amount": "230.00"} for m in range(1, 25)
        ],
        "unit_period": "month",
    }
    result = runner.invoke(
        app, ["cost", "--cashflows", _write(tmp_path, "f.json", flows), "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert doc["apr_regz_percent"] == "9.69"
    assert set(doc) >= {"irr_per_period", "annual_nominal", "annual_effective", "apr_regz"}


def test_loan_replay_json_contract(tmp_path: Path) -> None:
    events = {
        "terms": {
            "principal": "12000.00",
            "annual_rate": "0.12",
            "method": "equal_instalment",
            "term": 6,
            "start_date": "2026-01-15",
            "penalty": {"grace_days": 3},
        },
        "events": [
            {"type": "payment", "key": "k1", "date": "2026-02-15", "amount": "2070.58"},
            {"type": "payment", "key": "k1", "date": "2026-02-15", "amount": "2070.58"},
        ],
    }
    path = _write(tmp_path, "e.json", events)
    result = runner.invoke(
        app, ["loan", "replay", "--events", path, "--as-of", "2026-03-20", "--format", "json"]
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    assert (doc["days_past_due"], doc["delinquent_days"], doc["bucket"]) == (5, 2, "M1")
    assert doc["overdue_by_bucket"]["M1"] == doc["overdue"]
    assert doc["instalments"][0]["outstanding"] == "0.00"  # the duplicate key was booked once
    assert doc["instalments"][1]["bucket"] == "M1"


def test_loan_replay_bad_as_of(tmp_path: Path) -> None:
    path = _write(tmp_path, "e.json", {"terms": {}, "events": []})
    result = runner.invoke(app, ["loan", "replay", "--events", path, "--as-of", "2026-02-30"])
    assert result.exit_code == 2 and "--as-of" in result.output
