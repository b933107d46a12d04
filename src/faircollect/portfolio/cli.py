"""``faircollect portfolio``: generate a synthetic book, run the nightly job, write the HTML report."""

from __future__ import annotations

import json
import time
from datetime import date
from decimal import Decimal
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.progress import Progress, SpinnerColumn, TextColumn, TimeElapsedColumn
from rich.table import Table

from faircollect.compliance.rulebook import Rulebook
from faircollect.kit.errors import FaircollectError
from faircollect.kit.listing import TableOrJson
from faircollect.kit.money import format_minor

portfolio_app = typer.Typer(help="The nightly portfolio run (DuckDB or Spark), synthetic books, reports.")
console = Console()


def register(app: typer.Typer) -> None:
    app.add_typer(portfolio_app, name="portfolio")


def _fail(exc: FaircollectError) -> None:
    console.print(f"[red]error:[/red] {exc}")
    raise typer.Exit(1)


@portfolio_app.command("generate")
def generate_cmd(
    loans: int = typer.Option(10_000, "--loans", help="Number of loans."),
    seed: int = typer.Option(0, "--seed", help="Random seed (same seed, same book)."),
    out: Path = typer.Option(..., "--out", help="Directory for the snapshot Parquet files."),
    as_of: str = typer.Option("2026-11-28", "--as-of", help="Snapshot date: no event after it."),
) -> None:
    """Write a realistic synthetic loan book as a Parquet snapshot (the --input of `portfolio run`)."""
    from faircollect.portfolio.generator import write

    t0 = time.perf_counter()
    with console.status(f"generating {loans:,} loans"):
        try:
            counts = write(loans, out, seed=seed, as_of=date.fromisoformat(as_of))
        except FaircollectError as exc:
            _fail(exc)
            return
    table = Table(title=f"snapshot in {out} ({time.perf_counter() - t0:.1f} s)")
    table.add_column("table")
    table.add_column("rows", justify="right")
    for name, n in counts.items():
        table.add_row(name, f"{n:,}")
    console.print(table)


@portfolio_app.command("run")
def run_cmd(
    as_of: str = typer.Option(..., "--as-of", help="Business date of the run (YYYY-MM-DD)."),
    engine: str = typer.Option("duckdb", "--engine", help="duckdb (in-process) or spark (local mode)."),
    input_dir: Path | None = typer.Option(
        None, "--input", help="Snapshot directory (Parquet, see docs/portfolio.md)."
    ),
    database: str | None = typer.Option(
        None, "--database", help="Read the ledger database at this URL instead."
    ),
    out: Path = typer.Option(..., "--out", help="Runs directory; this run goes to OUT/as_of=DATE/."),
    strategy: Path | None = typer.Option(
        None, "--strategy", help="Strategy YAML (default: the built-in cn-default strategy)."
    ),
    overrides: Path | None = typer.Option(
        None,
        "--overrides",
        help="The lender's rule overrides (YAML/JSON) for --input; --database reads the stored ones.",
    ),
    cores: int | None = typer.Option(None, "--cores", help="Threads (DuckDB) or local[N] (Spark)."),
    fmt: TableOrJson = typer.Option(TableOrJson.table, "--format", help="table or json"),
) -> None:
    """Age the book, segment it, propose today's contacts through the gate; write Parquet; print a summary."""
    from faircollect.collections.strategy import load_strategy
    from faircollect.compliance.rulebook import load_overrides_file
    from faircollect.portfolio.run import run_snapshot

    if engine not in ("duckdb", "spark"):
        console.print("[red]error:[/red] --engine must be duckdb or spark")
        raise typer.Exit(2)
    if (input_dir is None) == (database is None):
        console.print("[red]error:[/red] give exactly one of --input DIR or --database URL")
        raise typer.Exit(2)
    try:
        day = date.fromisoformat(as_of)
        strat = load_strategy(strategy) if strategy else None
        with Progress(
            SpinnerColumn(),
            TextColumn("{task.description}"),
            TimeElapsedColumn(),
            console=Console(stderr=True),  # stdout carries the summary (--format json pipes it)
        ) as bar:
            task = bar.add_task("starting", total=None)

            def step(msg: str) -> None:
                bar.update(task, description=msg)

            snapshot = None
            notes: list[str] = []
            rulebooks = None
            applicants = None
            if database:
                # Only a run on the database needs SQLAlchemy and the export (~0.3 s of start-up).
                from faircollect.portfolio.nightly import applicant_stability, export, lender_rulebooks

                step("exporting the ledger database")
                snapshot, notes = export(database, day)
                rulebooks = lender_rulebooks(database, snapshot)
                applicants = applicant_stability(database, day)
            elif overrides is not None:
                rulebooks = _rulebooks_with(load_overrides_file(overrides))
            result = run_snapshot(
                as_of=day,
                input_dir=input_dir,
                snapshot=snapshot,
                engine="spark" if engine == "spark" else "duckdb",
                out_dir=out,
                strategy=strat,
                cores=cores,
                rulebooks=rulebooks,
                progress=step,
                applicant_stability=applicants,
            )
            result.notes.extend(notes)
    except FaircollectError as exc:
        _fail(exc)
        return
    except ValueError as exc:
        console.print(f"[red]error:[/red] {exc}")
        raise typer.Exit(2) from exc
    summary = result.summary()
    if fmt == "json":
        typer.echo(json.dumps(summary, indent=2, default=str))
        return
    print_run_summary(summary)


def _rulebooks_with(overrides: list[dict[str, Any]]) -> dict[str, Rulebook]:
    """Each shipped rulebook with the overrides of its own rules applied (rule ids name their jurisdiction)."""
    from faircollect.compliance.rulebook import load_rulebook

    out = {}
    for j in ("CN", "US", "UK"):
        base = load_rulebook(j)
        mine = [o for o in overrides if o.get("rule") in base.rule_ids]
        out[j] = load_rulebook(j, overrides=mine) if mine else base
    return out


def _money(minor: int | None, currency: str = "CNY") -> str:
    """Minor units as a major-unit amount with thousands separators (``1234567`` → ``12,345.67``); a sum over
    no loans (null) is 0."""
    return f"{Decimal(format_minor(minor or 0, currency)):,}"


def print_run_summary(s: dict[str, Any]) -> None:
    """Print a run summary: book by bucket, roll-rate matrix, cure rate, plan size, denials by rule."""
    book = Table(title=f"Book by bucket on {s['as_of']} ({s['engine']})")
    for col in ("bucket", "loans", "balance", "overdue principal", "overdue penalty"):
        book.add_column(col, justify="right")
    for r in sorted(s["book_by_bucket"], key=lambda r: r["bucket"]):
        book.add_row(
            r["bucket"],
            f"{r['loans']:,}",
            _money(r["balance_minor"]),
            _money(r["overdue_principal_minor"]),
            _money(r["overdue_penalty_minor"]),
        )
    console.print(book)
    roll = Table(title="Roll rates (bucket yesterday → today, share of loans)")
    labels = sorted({r["from_bucket"] for r in s["roll_rates"]} | {r["to_bucket"] for r in s["roll_rates"]})
    roll.add_column("from \\ to")
    for b in labels:
        roll.add_column(b, justify="right")
    for f in labels:
        cells = []
        for t in labels:
            share = next(
                (r["share"] for r in s["roll_rates"] if r["from_bucket"] == f and r["to_bucket"] == t), 0
            )
            cells.append(f"{100 * share:.1f}%" if share else "")
        roll.add_row(f, *cells)
    console.print(roll)
    k = s["kpis"]
    cure = k["cured"] / k["delinquent_prev"] if k["delinquent_prev"] else 0
    console.print(
        f"cure rate {100 * cure:.2f}% ({k['cured']} of {k['delinquent_prev']}), recovered today "
        f"{_money(k['recovered_today_minor'])}; plan: {s['plan']['proposed']} proposed, "
        f"{s['plan']['allowed']} allowed, {s['plan']['denied']} denied by the gate"
    )
    if "collectable_minor" in k:
        console.print(
            f"lawfully collectable {_money(k['collectable_minor'])} of "
            f"{_money(k['overdue_minor'])} overdue; {k['capped_loans']} loan(s) have "
            f"{_money(k['excluded_by_cap_minor'])} of charges above the cost cap excluded; "
            f"{k['legal_review']} above the illegal line (legal review)"
        )
    for d in s["gate_denials"]:
        console.print(f"  denied by {d['rule']}: {d['denials']}")
    for r in s.get("score_stability", []):
        if r.get("measure") == "PSI" and r["value"] is not None:  # None: no applicants in the window
            population = "applicants (30 days)" if r.get("card") == "application" else "past-due loans"
            console.print(
                f"score stability: {r.get('card', 'collection')} card PSI {r['value']:.3f} over {r['n']:,} "
                f"{population} ({r['status']})"
            )
    console.print("timings (s): " + ", ".join(f"{k}={v}" for k, v in s["timings_s"].items()))
    for note in s["notes"]:
        console.print(f"[dim]{note}[/dim]")


@portfolio_app.command("report")
def report_cmd(
    runs: Path = typer.Option(..., "--runs", help="Runs directory written by `portfolio run --out`."),
    out: Path = typer.Option(Path("report.html"), "--out", help="HTML file to write (works offline)."),
) -> None:
    """Write an offline HTML report: roll-rate heat map, bucket balances over time, cure curves."""
    from faircollect.portfolio.report import write_report

    try:
        path = write_report(runs, out)
    except FaircollectError as exc:
        _fail(exc)
        return
    console.print(f"report written to {path}")
