"""The generator writes a realistic, reproducible book; the CLI generates, runs and reports end to end."""

from __future__ import annotations

import json
import re
from collections import Counter
from datetime import date
from pathlib import Path

import pyarrow.compute as pc
from typer.testing import CliRunner

from faircollect.cli import app
from faircollect.ledger.schedule import build_schedule
from faircollect.portfolio.generator import generate, terms_for_row

AS_OF = date(2026, 11, 28)


def test_same_seed_same_book_and_another_seed_another_book() -> None:
    a, b, c = (
        generate(500, seed=1, as_of=AS_OF),
        generate(500, seed=1, as_of=AS_OF),
        generate(500, seed=2, as_of=AS_OF),
    )
    assert all(a[k].equals(b[k]) for k in a)
    assert not a["payments"].equals(c["payments"])


def test_instalments_are_the_ledger_schedule() -> None:
    book = generate(300, seed=4, as_of=AS_OF)
    disb: dict[int, list[tuple[date, int]]] = {}
    for r in book["disbursements"].to_pylist():
        disb.setdefault(r["loan_no"], []).append((r["date"], r["amount_minor"]))
    inst: dict[int, list[tuple[int, date, int, int, int]]] = {}
    for r in book["instalments"].to_pylist():
        inst.setdefault(r["loan_no"], []).append(
            (r["number"], r["due_date"], r["principal_minor"], r["interest_minor"], r["fees_minor"])
        )
    for loan in book["loans"].to_pylist():
        sched = build_schedule(terms_for_row(loan, disb[loan["loan_no"]]))
        want = [
            (i.number, i.due_date, i.principal_minor, i.interest_minor, i.fees_minor)
            for i in sched.instalments
        ]
        assert inst[loan["loan_no"]] == want, loan["loan_id"]
        assert sum(i[2] for i in want) == loan["principal_minor"]


def test_book_mixes_products_vintages_and_behaviour() -> None:
    book = generate(5000, seed=9, as_of=AS_OF)
    products = Counter(book["loans"].column("product").to_pylist())
    assert len(products) == 6 and min(products.values()) > 100
    vintages = {d.strftime("%Y-%m") for d in book["loans"].column("start_date").to_pylist()}
    assert len(vintages) >= 20
    pays = book["payments"]
    assert pc.max(pays.column("date")).as_py() <= AS_OF
    assert book["promises"].num_rows > 0 and book["contacts"].num_rows > 0 and book["holds"].num_rows > 0


def test_cli_generate_run_and_offline_report(tmp_path: Path) -> None:
    runner = CliRunner()
    snap, runs = tmp_path / "snap", tmp_path / "runs"
    r = runner.invoke(app, ["portfolio", "generate", "--loans", "800", "--seed", "3", "--out", str(snap)])
    assert r.exit_code == 0, r.output
    assert (snap / "loans.parquet").exists()
    for day in ("2026-11-20", "2026-11-28"):
        r = runner.invoke(
            app,
            [
                "portfolio",
                "run",
                "--as-of",
                day,
                "--input",
                str(snap),
                "--out",
                str(runs),
                "--format",
                "json",
            ],
        )
        assert r.exit_code == 0, r.output
    summary = json.loads(r.output[r.output.index("{") :])
    assert summary["as_of"] == "2026-11-28" and summary["plan"]["proposed"] >= 0
    assert {b["bucket"] for b in summary["book_by_bucket"]} >= {"M0", "M4+"}
    report = tmp_path / "report.html"
    r = runner.invoke(app, ["portfolio", "report", "--runs", str(runs), "--out", str(report)])
    assert r.exit_code == 0, r.output
    text = report.read_text()
    assert "Roll rates" in text and "Cure curves" in text and "Balance by bucket" in text
    assert not re.search(r"<script[^>]+src=", text)  # plotly is inlined: works offline


def test_cli_run_refuses_bad_input_without_writing(tmp_path: Path) -> None:
    runner = CliRunner()
    snap = tmp_path / "snap"
    runner.invoke(app, ["portfolio", "generate", "--loans", "50", "--out", str(snap)])
    (snap / "instalments.parquet").unlink()
    r = runner.invoke(
        app, ["portfolio", "run", "--as-of", "2026-11-28", "--input", str(snap), "--out", str(tmp_path / "o")]
    )
    assert r.exit_code == 1 and "instalments" in r.output
    assert not (tmp_path / "o").exists()


def test_cli_run_names_a_bad_time_zone_without_a_traceback(tmp_path: Path) -> None:
    """(2026-12-05: ZoneInfoNotFoundError's traceback from the gate.)"""
    import pyarrow as pa
    import pyarrow.parquet as pq

    runner = CliRunner()
    snap = tmp_path / "snap"
    runner.invoke(app, ["portfolio", "generate", "--loans", "50", "--out", str(snap)])
    borrowers = pq.read_table(snap / "borrowers.parquet")
    zones = pa.array(["Mars/Olympus"] * borrowers.num_rows)
    pq.write_table(
        borrowers.set_column(borrowers.column_names.index("timezone"), "timezone", zones),
        snap / "borrowers.parquet",
    )
    r = runner.invoke(
        app, ["portfolio", "run", "--as-of", "2026-11-28", "--input", str(snap), "--out", str(tmp_path / "o")]
    )
    assert r.exit_code == 1, r.output
    assert r.exception is None or isinstance(r.exception, SystemExit)
    assert "borrowers.parquet" in r.output and "row 0" in r.output and "Mars/Olympus" in r.output
    assert not (tmp_path / "o").exists()
