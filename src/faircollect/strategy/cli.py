"""``faircollect strategy …``: the ground-truth simulator, logged experiments, uplift, off-policy evaluation, the
learned policy and sample-size planning (docs/strategy.md)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from faircollect.kit.errors import FaircollectError, ValidationError
from faircollect.kit.listing import TableOrJson

strategy_app = typer.Typer(
    help="Strategy as measured science: simulate, experiment, learn, evaluate (docs/strategy.md)."
)
console = Console()


def register(app: typer.Typer) -> None:
    app.add_typer(strategy_app, name="strategy")


def _fail(exc: FaircollectError) -> None:
    console.print(f"[red]error:[/red] {exc}")
    raise typer.Exit(1)


def _emit(data: dict[str, Any], fmt: str) -> None:
    if fmt == "json":
        typer.echo(json.dumps(data, indent=2, default=str))
        return
    table = Table(show_header=False)
    for k, v in data.items():
        table.add_row(k, json.dumps(v, default=str) if isinstance(v, dict | list) else str(v))
    console.print(table)


CURRENCY = "CNY"  # the simulator's currency; internally every amount is integer (or mean) fen


def _major(fen: float) -> str:
    """An amount in fen (a mean may be fractional: rounded half up to a whole fen) as the CLI prints money: a
    decimal string in major units (README: amounts in the API and CLI are decimal strings, never floats)."""
    from decimal import Decimal

    from faircollect.kit.money import format_minor, round_minor

    return format_minor(round_minor(Decimal(repr(float(fen)))), CURRENCY)


def _money(data: dict[str, Any], keys: tuple[str, ...], *, per_account: bool = False) -> dict[str, Any]:
    """``data`` with the amounts under ``keys`` in major units, and the currency beside them."""
    out = {k: _major(v) if k in keys else v for k, v in data.items()}
    out["currency"] = CURRENCY
    if per_account:
        out["unit"] = f"{CURRENCY} per delinquent account"
    return out


ESTIMATE_MONEY = ("value", "ci_low", "ci_high")


def _params(path: Path | None) -> dict[str, Any]:
    from faircollect.strategy.population import load_params

    return load_params(path)


@strategy_app.command("simulate")
def simulate_cmd(
    policy: str = typer.Option("champion", "--policy", help="champion | ladder | learned | oracle"),
    borrowers: int = typer.Option(20_000, "--borrowers", help="Borrowers with an instalment due on day 0."),
    days: int = typer.Option(60, "--days", help="Days simulated after the due date."),
    seed: int = typer.Option(1, "--seed", help="Seed of the population (common random numbers)."),
    strategy_file: Path | None = typer.Option(
        None, "--strategy", help="Run this strategy YAML instead of a named policy (e.g. one `learn` wrote)."
    ),
    params: Path | None = typer.Option(None, "--params", help="Parameters overriding strategy/params.yaml."),
    fmt: TableOrJson = typer.Option(TableOrJson.table, "--format", help="table or json"),
) -> None:
    """Simulate a policy on a population with hidden borrower types; money in CNY (decimal strings, yuan)."""
    from faircollect.strategy.runs import simulate_policy

    try:
        out = simulate_policy(
            policy,
            borrowers=borrowers,
            days=days,
            seed=seed,
            params=_params(params),
            strategy_file=strategy_file,
        )
    except FaircollectError as exc:
        _fail(exc)
        return
    _emit(_money(out, ("recovered", "net_recovery", "cost")), fmt)


@strategy_app.command("experiment")
def experiment_cmd(
    logs: Path = typer.Option(..., "--logs", help="Write the experiment's logs to this directory."),
    borrowers: int = typer.Option(40_000, "--borrowers", help="Borrowers in the simulated population."),
    days: int = typer.Option(60, "--days", help="Days simulated after the due date."),
    seed: int = typer.Option(1, "--seed", help="Seed of the population (common random numbers)."),
    params: Path | None = typer.Option(None, "--params", help="Parameters overriding strategy/params.yaml."),
    waves: int = typer.Option(
        1,
        "--waves",
        help="Run the experiment in this many waves on the same borrowers (each borrower's wave from a hash of "
        "its id). Wave 1 has the fixed shares (champion 40%, the challengers 7.5% each); later waves as "
        "--allocation says. Every account is logged with its own wave's probability.",
    ),
    allocation: str = typer.Option(
        "fixed",
        "--allocation",
        help="fixed: every wave the fixed shares. thompson-floor: before each later wave, the challengers' share is "
        "re-split from the logs so far — towards the arms likely to be the learner's pick (Thompson draws of net "
        "and recovery among the arms with at most half the ladder's visits and harsh actions) and the ladder, so "
        "as to shrink the error of the learner's recovery floor (strategy/design.py); the champion keeps "
        "--champion-share. learner-floor: the same split, aimed at the arms the learner, run on the logs so far, "
        "would pick now (greedy).",
    ),
    min_share: str = typer.Option(
        "0.02",
        "--min-share",
        help="The least share of every challenger in every wave (keeps every weight ≤ 1/it).",
    ),
    champion_share: str = typer.Option(
        "0.40",
        "--champion-share",
        help="The champion's share in the waves after the first (wave 1 always gives it 40%).",
    ),
) -> None:
    """Run the logged champion/challenger experiment (every arm, known probabilities) on a simulated book —
    in one wave, or sequentially in several with the later waves' shares recomputed from the logs so far."""
    from decimal import Decimal, InvalidOperation

    from faircollect.strategy import logs as logs_mod
    from faircollect.strategy.runs import experiment, population

    try:
        try:
            floor, champ = Decimal(min_share), Decimal(champion_share)
        except InvalidOperation:
            raise ValidationError(
                f"not a share: {min_share!r} / {champion_share!r}", field="min_share"
            ) from None
        p = _params(params)
        pop = population(borrowers, days, seed, p)
        got = experiment(pop, p, waves=waves, allocation=allocation, min_share=floor, champion_share=champ)
    except FaircollectError as exc:
        _fail(exc)
        return
    logs_mod.write(got, logs)
    console.print(f"{got.table.num_rows} delinquent accounts logged to {logs}")
    for k, w in enumerate(got.meta.get("waves", []), start=1):
        shares = ", ".join(f"{a} {s}" for a, s in w["shares"].items())
        console.print(f"wave {k}: {w['borrowers']} borrowers; shares: {shares}")


@strategy_app.command("learn")
def learn_cmd(
    logs: Path = typer.Option(..., "--logs", help="Logs directory (accounts.parquet, meta.json)."),
    out: Path = typer.Option(..., "--out", help="Write the learned strategy (YAML) here."),
    harsh_budget: float | None = typer.Option(
        None, "--harsh-budget", help="Harsh actions per account (default: half the ladder arm's)."
    ),
    floor_caution: float = typer.Option(
        2.0,
        "--floor-caution",
        help="With --floor estimated: recovery at least the ladder arm's plus this many standard errors of the "
        "difference (0 = the estimate only).",
    ),
    floor: str = typer.Option(
        "certified",
        "--floor",
        help="certified (default): choose only among arms whose recovery is at least the ladder's by "
        "construction (learn.CERTIFIED), by net value; estimated: the recovery floor from the logs "
        "(--floor-caution SEs) — docs/strategy.md, fifth pass.",
    ),
    fmt: TableOrJson = typer.Option(TableOrJson.table, "--format", help="table or json"),
) -> None:
    """Learn a strategy from logged experiments under caps, capacity and a harsh-action budget."""
    from faircollect.strategy import learn as learner
    from faircollect.strategy import logs as logs_mod

    try:
        if floor not in ("estimated", "certified"):
            raise ValidationError(
                f"unknown --floor {floor!r}; expected estimated or certified", field="floor"
            )
        fit = learner.learn_certified if floor == "certified" else learner.learn
        got = fit(logs_mod.read(logs), harsh_budget=harsh_budget, floor_caution=floor_caution)
        learner.write(got.strategy, out)
    except FaircollectError as exc:
        _fail(exc)
        return
    _emit(
        {
            "strategy": str(out),
            "arms_by_cell": {str(c): a for c, a in sorted(got.choice.items())},
            "constraints": got.notes,
            "estimate": {
                k: _major(v) if k in ("net", "recovered") else round(v, 3) for k, v in got.estimate.items()
            },
            "currency": CURRENCY,
        },
        fmt,
    )


@strategy_app.command("evaluate")
def evaluate_cmd(
    logs: Path = typer.Option(..., "--logs", help="Logs directory."),
    policy: Path = typer.Option(
        ..., "--policy", help="Strategy YAML to evaluate (learned or a shipped arm)."
    ),
    method: str = typer.Option("dr", "--method", help="dr | snips | ips"),
    interval: str = typer.Option(
        "percentile", "--interval", help="percentile | bca | studentized | sandwich (95%; docs/strategy.md)"
    ),
    fmt: TableOrJson = typer.Option(TableOrJson.json, "--format", help="json or table"),
) -> None:
    """Off-policy value of a strategy from logged experiments, with a bootstrap 95% interval (CNY per account)."""
    from faircollect.collections.strategy import load_strategy
    from faircollect.strategy import logs as logs_mod
    from faircollect.strategy import ope
    from faircollect.strategy.learn import policy_arms

    try:
        data = logs_mod.read(logs)
        target = policy_arms(load_strategy(policy), data.col("score"), data.col("balance_minor"))
        est = ope.evaluate(data, target, method=method, interval=interval)
    except FaircollectError as exc:
        _fail(exc)
        return
    _emit(_money(est.as_dict(), ESTIMATE_MONEY, per_account=True), fmt)


@strategy_app.command("report")
def report_cmd(
    logs: Path = typer.Option(..., "--logs", help="Logs directory."),
    fmt: TableOrJson = typer.Option(TableOrJson.table, "--format", help="table or json"),
) -> None:
    """Champion/challenger: each challenger's uplift in net recovery per account, its 95% interval, and whether it
    has won (interval above 0), lost (below 0) or not yet decided."""
    from faircollect.strategy import logs as logs_mod
    from faircollect.strategy import ope

    try:
        data = logs_mod.read(logs)
        rows = {}
        for arm in data.arms:
            if arm == "champion":
                continue
            est = ope.uplift(data, arm)
            verdict = "won" if est.ci_low > 0 else "lost" if est.ci_high < 0 else "undecided"
            rows[arm] = {**_money(est.as_dict(), ESTIMATE_MONEY, per_account=True), "verdict": verdict}
    except FaircollectError as exc:
        _fail(exc)
        return
    _emit(rows, fmt)


@strategy_app.command("sample-size")
def sample_size_cmd(
    base_rate: float = typer.Option(
        0.86, "--base-rate", help="Control rate, e.g. the 30-day collection rate."
    ),
    uplift_pp: float = typer.Option(1.0, "--uplift-pp", help="Change to detect, in percentage points."),
    alpha: float = typer.Option(0.05, "--alpha", help="Significance level (two-sided)."),
    power: float = typer.Option(0.8, "--power", help="Power to detect the uplift."),
    fmt: TableOrJson = typer.Option(TableOrJson.table, "--format", help="table or json"),
) -> None:
    """Accounts per arm a challenger needs to detect a given uplift (two proportions, two-sided)."""
    from faircollect.strategy import ope

    try:
        n = ope.accounts_per_arm(base_rate, uplift_pp, alpha=alpha, power=power)
    except FaircollectError as exc:
        _fail(exc)
        return
    _emit(
        {
            "accounts_per_arm": n,
            "base_rate": base_rate,
            "uplift_pp": uplift_pp,
            "alpha": alpha,
            "power": power,
        },
        fmt,
    )
