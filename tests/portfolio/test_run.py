"""The whole run on a small book: KPIs add up, proposals pass the one gate, the run writes all its files."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from faircollect.collections.strategy import assign_arm, default_strategy_path, load_strategy
from faircollect.compliance.contact import Channel, ContactFacts, ContactRequest, HoldKind, RecipientRole
from faircollect.compliance.gate import decide
from faircollect.compliance.rulebook import load_rulebook
from faircollect.portfolio.generator import generate
from faircollect.portfolio.run import RunResult, run_snapshot

AS_OF = date(2026, 11, 28)


@pytest.fixture(scope="module")
def small() -> dict[str, pa.Table]:
    return generate(3000, seed=11, as_of=AS_OF)


@pytest.fixture(scope="module")
def result(small: dict[str, pa.Table], tmp_path_factory: pytest.TempPathFactory) -> tuple[RunResult, Path]:
    out = tmp_path_factory.mktemp("runs")
    return run_snapshot(as_of=AS_OF, snapshot=small, out_dir=out), out


def test_run_writes_every_table_and_a_summary(result: tuple[RunResult, Path]) -> None:
    res, out = result
    d = out / f"as_of={AS_OF}"
    for name in (
        "loan_state",
        "book_by_bucket",
        "roll_rates",
        "kpis",
        "promises",
        "contacts",
        "plan",
        "gate_denials",
    ):
        assert (d / f"{name}.parquet").exists(), name
    summary = json.loads((d / "summary.json").read_text())
    assert summary["plan"]["proposed"] == res.tables["plan"].num_rows > 0
    assert not (out / f"as_of={AS_OF}.tmp").exists()


def test_roll_rate_matrix_accounts_for_every_open_loan(result: tuple[RunResult, Path]) -> None:
    res, _ = result
    roll = res.tables["roll_rates"].to_pylist()
    book = res.tables["book_by_bucket"].to_pylist()
    assert sum(r["loans"] for r in roll) == sum(b["loans"] for b in book)
    state = res.tables["loan_state"].to_pylist()
    moved = sum(
        1
        for s in state
        if s["bucket_prev"] == "M1"
        and s["bucket"] == "M2"
        and (s["balance"] > 0 or s["principal_outstanding_prev"] > 0)
    )
    assert next((r["loans"] for r in roll if (r["from_bucket"], r["to_bucket"]) == ("M1", "M2")), 0) == moved
    for frm in {r["from_bucket"] for r in roll}:
        assert abs(sum(r["share"] for r in roll if r["from_bucket"] == frm) - 1) < 1e-4


def test_cure_count_is_loans_back_to_current(result: tuple[RunResult, Path]) -> None:
    res, _ = result
    k = res.tables["kpis"].to_pylist()[0]
    state = res.tables["loan_state"].to_pylist()
    assert k["cured"] == sum(1 for s in state if s["bucket_prev"] != "M0" and s["bucket"] == "M0")
    assert k["delinquent"] == sum(1 for s in state if s["bucket"] != "M0")


def test_promise_kept_rate_counts_payments_between_promise_and_date(
    result: tuple[RunResult, Path], small: dict[str, pa.Table]
) -> None:
    res, _ = result
    p = res.tables["promises"].to_pylist()[0]
    pays: dict[int, list[tuple[date, int]]] = {}
    for r in small["payments"].to_pylist():
        pays.setdefault(r["loan_no"], []).append((r["date"], r["amount_minor"]))
    due = kept = 0
    for pr in small["promises"].to_pylist():
        if AS_OF - timedelta(days=30) < pr["promised_date"] <= AS_OF:
            due += 1
            paid = sum(a for d, a in pays.get(pr["loan_no"], []) if pr["made_on"] <= d <= pr["promised_date"])
            kept += paid >= pr["amount_minor"]
    assert (p["due"], p["kept"]) == (due, kept)
    assert 0 < kept < due  # promises are both kept and broken in a realistic book


def test_every_contact_in_the_plan_was_decided_by_the_gate(
    result: tuple[RunResult, Path], small: dict[str, pa.Table]
) -> None:
    res, _ = result
    plan = res.tables["plan"].to_pylist()
    statuses = {p["status"] for p in plan}
    assert "allowed" in statuses
    denied = [p for p in plan if p["status"] == "denied"]
    assert denied and all(p["rule_ids"] for p in denied)
    counted = {r["rule"]: r["denials"] for r in res.tables["gate_denials"].to_pylist()}
    assert sum(counted.values()) >= len(denied)
    # A borrower on hold is never allowed a contact, and the denial carries the gate's own rule ids.
    holds = {r["borrower_no"] for r in small["holds"].to_pylist()}
    bid = {r["borrower_no"]: r["borrower_id"] for r in small["borrowers"].to_pylist()}
    on_hold = {bid[b] for b in holds}
    held = [p for p in plan if p["borrower_id"] in on_hold and p["status"] != "action"]
    assert held and all(p["status"] == "denied" for p in held)
    p = held[0]
    hold_kind = next(
        HoldKind(r["kind"]) for r in small["holds"].to_pylist() if bid[r["borrower_no"]] == p["borrower_id"]
    )
    direct = decide(
        ContactRequest("CN", Channel(p["channel"]), RecipientRole.BORROWER, p["planned_at"]),
        ContactFacts(borrower_timezone="Asia/Shanghai", holds=frozenset({hold_kind})),
        rulebook=load_rulebook("CN"),
    )
    assert set(direct.rule_ids) <= set(p["rule_ids"].split(","))


def test_proposals_follow_the_borrowers_experiment_arm(result: tuple[RunResult, Path]) -> None:
    res, _ = result
    strategy = load_strategy(default_strategy_path("CN"))
    for p in res.tables["plan"].to_pylist()[:200]:
        arm, prob = assign_arm(strategy, p["borrower_id"])
        assert p["arm"] == arm and p["assignment_probability"] == str(prob)


def test_plan_parquet_equals_the_returned_plan(result: tuple[RunResult, Path]) -> None:
    res, out = result
    assert pq.read_table(out / f"as_of={AS_OF}" / "plan.parquet").equals(res.tables["plan"])


def test_bucket_change_is_measured_against_the_previous_run_when_given(small: dict[str, pa.Table]) -> None:
    loans = small["loans"].slice(0, 5)
    previous = pa.table(
        {
            "loan_no": pa.array([r["loan_no"] for r in loans.to_pylist()] * 2, pa.int64()),
            "date": pa.array([AS_OF - timedelta(days=9)] * 5 + [AS_OF - timedelta(days=3)] * 5, pa.date32()),
            "bucket": pa.array(["M1"] * 5 + ["M3"] * 5),
        }
    )
    res = run_snapshot(as_of=AS_OF, snapshot=dict(small, previous_buckets=previous), gate=False)
    state = {r["loan_no"]: r for r in res.tables["loan_state"].to_pylist()}
    assert all(state[r["loan_no"]]["bucket_prev"] == "M3" for r in loans.to_pylist())
    others = [s for n, s in state.items() if n >= 5]
    assert {s["bucket_prev"] for s in others} != {"M3"}  # loans without a previous run fall back to as_of - 1


def test_a_write_that_fails_leaves_nothing_half_written(
    result: tuple[RunResult, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure while writing (a full disk, say) removes the staging directory and leaves the earlier run of the
    same date as it was; a later write replaces it whole."""
    import faircollect.portfolio.run as run_module

    res, _ = result
    first = run_module.write_run(res, tmp_path)
    before = {p.name: p.read_bytes() for p in first.iterdir()}
    calls = {"n": 0}
    real = pq.write_table

    def fails_on_the_third(*args: object, **kwargs: object) -> None:
        calls["n"] += 1
        if calls["n"] == 3:
            raise OSError(28, "No space left on device")
        real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(run_module.pq, "write_table", fails_on_the_third)
    with pytest.raises(OSError, match="No space left"):
        run_module.write_run(res, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [first.name]
    assert {p.name: p.read_bytes() for p in first.iterdir()} == before
    monkeypatch.setattr(run_module.pq, "write_table", real)
    again = run_module.write_run(res, tmp_path)
    assert sorted(p.name for p in tmp_path.iterdir()) == [first.name] and again == first
    assert sorted(p.name for p in again.iterdir()) == sorted(before)
