"""What the ``faircollect strategy`` commands run: a policy on a simulated population, a logged experiment, the
oracle, a learned policy, and the checks the issue asks for (uplift coverage, OPE against the truth)."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np

from faircollect.collections.strategy import Strategy, load_strategy
from faircollect.kit.errors import ValidationError
from faircollect.strategy import design, ope, policies
from faircollect.strategy import learn as learner
from faircollect.strategy import logs as logs_mod
from faircollect.strategy.population import TYPES, Population, build, subset
from faircollect.strategy.sim import Outcome_, simulate, summary

POLICIES = ("champion", "ladder", "learned", "oracle")
LOGS_SEED_OFFSET = (
    10_000  # a learned policy learns from an experiment on other borrowers than it is judged on
)


def population(borrowers: int, days: int, seed: int, params: dict[str, Any]) -> Population:
    return build(borrowers, seed=seed, days=days, params=params)


def run_arms(pop: Population, params: dict[str, Any], arms: np.ndarray) -> Outcome_:
    """Each borrower runs the shipped arm named in ``arms`` (an array of arm names)."""
    names = sorted(set(arms.tolist()))
    strategies = [policies.arm_strategy(a) for a in names]
    index = {a: k for k, a in enumerate(names)}
    return simulate(pop, strategies, params, assign=np.array([index[a] for a in arms], dtype=np.int64))


def experiment(
    pop: Population,
    params: dict[str, Any],
    *,
    waves: int = 1,
    allocation: str = "fixed",
    min_share: Decimal = Decimal("0.02"),
    champion_share: Decimal = policies.CHAMPION_SHARE,
    progress: Callable[[dict[str, Any]], None] | None = None,
) -> logs_mod.Logs:
    """Run the logging experiment (every arm, assigned by hash with known probabilities) and return its logs.

    ``waves`` > 1: a sequential experiment on the same borrowers — each borrower's wave from a hash of its id, the
    waves run one after the other; wave 1 has the fixed shares, and with ``allocation`` ``thompson-floor`` or ``learner-floor`` every later
    wave the shares ``design.allocate`` computes from the logs of the waves before it (``min_share`` the least any
    challenger gets; the champion keeps ``champion_share``). Every account is logged with its own wave's probability; ``meta.json`` holds every wave's shares."""
    exp_id = f"sim-collections-{pop.seed}"
    if waves < 1:
        raise ValidationError("waves must be at least 1", field="waves")
    if allocation not in design.ALLOCATIONS:
        raise ValidationError(
            f"unknown allocation {allocation!r}; expected one of {', '.join(design.ALLOCATIONS)}",
            field="allocation",
        )
    if waves == 1:
        strat = policies.experiment(experiment_id=exp_id)
        out = simulate(pop, [strat], params)
        one: dict[str, Any] = {
            "experiment": strat.experiment_id,
            "arms": list(policies.ARMS),
            "shares": {a: str(s) for a, s in strat.arms()},
            "seed": pop.seed,
            "borrowers": pop.n,
            "days": pop.days,
        }
        return logs_mod.from_run(pop, out, strat, one)
    wave = design.wave_of(pop.borrower_ids, exp_id, waves)
    shares = design.even_shares(policies.ARMS, policies.CHAMPION_SHARE)
    parts: list[logs_mod.Logs] = []
    meta: dict[str, Any] = {
        "experiment": exp_id,
        "arms": list(policies.ARMS),
        "seed": pop.seed,
        "borrowers": pop.n,
        "days": pop.days,
        "design": {
            "waves": waves,
            "allocation": allocation,
            "min_share": str(min_share),
            "champion_share": str(champion_share),
        },
        "waves": [],
    }
    for k in range(waves):
        candidate: dict[str, float] = {}
        if k > 0 and allocation != "fixed":
            got = design.allocate(
                logs_mod.concat(parts, meta),
                champion_share=champion_share,
                min_share=min_share,
                seed=k,
                rule=allocation,
            )
            shares, candidate = got.shares, got.candidate
        strat = policies.experiment(experiment_id=f"{exp_id}/w{k + 1}", shares=shares)
        sub = subset(pop, np.flatnonzero(wave == k))
        out = simulate(sub, [strat], params)
        arm_shares = {a: str(s) for a, s in strat.arms()}
        meta["waves"].append(
            {
                "experiment": strat.experiment_id,
                "borrowers": sub.n,
                "shares": arm_shares,
                "candidate": candidate,
            }
        )
        parts.append(logs_mod.from_run(sub, out, strat, meta, wave=k))
        if progress is not None:
            progress({"wave": k + 1, "accounts": parts[-1].table.num_rows, **meta["waves"][-1]})
    return logs_mod.concat(parts, meta)


def oracle(pop: Population, params: dict[str, Any]) -> tuple[Outcome_, np.ndarray]:
    """The oracle knows each borrower's hidden type: per (type, context cell) it runs the arm with the best true
    mean net recovery, measured by running every arm on these borrowers."""
    delinquent_any = pop.would_miss
    cells = policies.default_cells(pop.score[delinquent_any], pop.principal[delinquent_any])
    cell = cells.of(pop.score, pop.principal)
    net = {}
    for a in policies.ARMS:
        out = simulate(pop, [policies.arm_strategy(a)], params)
        net[a] = (out.recovered - out.cost, out.delinquent)
    choice = np.array([policies.ARMS[0]] * pop.n, dtype=object)
    for t in range(len(TYPES)):
        for c in range(cells.count):
            group = (pop.type_code == t) & (cell == c)
            best, best_v = policies.ARMS[0], -np.inf
            for a, (v, d) in net.items():
                m = group & d
                if m.any() and v[m].mean() > best_v:
                    best, best_v = a, float(v[m].mean())
            choice[group] = best
    return run_arms(pop, params, choice), choice


def learned(borrowers: int, days: int, seed: int, params: dict[str, Any]) -> learner.Learned:
    """Learn from an experiment on another population of the same size (seed + 10,000), with the default learner
    (``learn.learn_certified``: the recovery floor by construction)."""
    logs = experiment(population(borrowers, days, seed + LOGS_SEED_OFFSET, params), params)
    return learner.learn_certified(logs)


def simulate_policy(
    policy: str,
    *,
    borrowers: int,
    days: int,
    seed: int,
    params: dict[str, Any],
    strategy_file: str | Path | None = None,
) -> dict[str, Any]:
    """``faircollect strategy simulate``: the summary of one policy on the population of ``seed``."""
    if policy not in POLICIES and strategy_file is None:
        raise ValidationError(
            f"unknown policy {policy!r}; expected one of {', '.join(POLICIES)}", field="policy"
        )
    pop = population(borrowers, days, seed, params)
    extra: dict[str, Any] = {"policy": policy, "seed": seed}
    if strategy_file is not None:
        out = simulate(pop, [load_strategy(strategy_file)], params)
    elif policy in ("champion", "ladder"):
        out = simulate(pop, [policies.arm_strategy(policy)], params)
    elif policy == "oracle":
        out, choice = oracle(pop, params)
        extra["arms"] = _counts(choice[out.delinquent])
    else:
        got = learned(borrowers, days, seed, params)
        out = simulate(pop, [got.strategy], params)
        extra["arms_by_cell"] = {str(c): a for c, a in sorted(got.choice.items())}
        extra["constraints"] = got.notes
    return {**summary(pop, out), **extra}


def evaluate_on_truth(pop: Population, params: dict[str, Any], strategy: Strategy) -> float:
    """The true value of a strategy on ``pop``: its mean net recovery per delinquent account (fen)."""
    out = simulate(pop, [strategy], params)
    d = out.delinquent
    return float((out.recovered[d] - out.cost[d]).mean())


def uplift_check(
    seed: int,
    *,
    borrowers: int,
    days: int,
    params: dict[str, Any],
    challenger: str,
    design_kw: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """One seed of the coverage check: the challenger's estimated uplift (from the logged experiment, sequential
    when ``design_kw`` says so) against its true uplift (the whole population run under each policy, common random
    numbers)."""
    pop = population(borrowers, days, seed, params)
    logs = experiment(pop, params, **(design_kw or {}))
    est = ope.uplift(logs, challenger)
    champ = simulate(pop, [policies.arm_strategy("champion")], params)
    chal = simulate(pop, [policies.arm_strategy(challenger)], params)
    d = champ.delinquent
    true = float(((chal.recovered - chal.cost)[d] - (champ.recovered - champ.cost)[d]).mean())
    return {
        "seed": seed,
        "challenger": challenger,
        "estimate": round(est.value, 1),
        "ci_low": round(est.ci_low, 1),
        "ci_high": round(est.ci_high, 1),
        "true": round(true, 1),
        "covered": est.ci_low <= true <= est.ci_high,
    }


def _counts(values: np.ndarray) -> dict[str, int]:
    u, c = np.unique(values.astype(str), return_counts=True)
    return {str(a): int(k) for a, k in zip(u, c, strict=True)}
