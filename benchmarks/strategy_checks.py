"""What the strategy science must show, from the simulator, seeds fixed (docs/strategy.md "Measured"):

1. a challenger's estimated uplift (logged experiment, Welch 95% interval) covers its true uplift (the whole
   population run under each policy, common random numbers) — counted over ``--seeds`` seeds;
2. off-policy estimates (IPS, SNIPS, DR) of a new policy from the champion's logged experiment, against the
   policy's simulated value on the same borrowers;
3. the learned policy against the oracle, the ladder and the champion (net recovery, recovery, visits, harsh).

Heavy: run it when the machine is quiet. Prints one JSON document.
"""

from __future__ import annotations

import argparse
import json
import time
from typing import Any

import numpy as np

from faircollect.strategy import learn, ope, policies, runs
from faircollect.strategy.population import load_params
from faircollect.strategy.sim import simulate, summary


def coverage(args: argparse.Namespace, params: dict[str, Any]) -> dict[str, Any]:
    rows = [
        runs.uplift_check(
            seed, borrowers=args.borrowers, days=args.days, params=params, challenger=args.challenger
        )
        for seed in range(1, args.seeds + 1)
    ]
    return {
        "challenger": args.challenger,
        "covered": sum(r["covered"] for r in rows),
        "of": len(rows),
        "seeds": rows,
    }


def ope_check(args: argparse.Namespace, params: dict[str, Any], strategy: Any) -> dict[str, Any]:
    pop = runs.population(args.borrowers, args.days, args.ope_seed, params)
    logs = runs.experiment(pop, params)
    target = learn.policy_arms(strategy, logs.col("score"), logs.col("balance_minor"))
    truth = runs.evaluate_on_truth(pop, params, strategy)
    out: dict[str, Any] = {
        "seed": args.ope_seed,
        "accounts": logs.table.num_rows,
        "true_value": round(truth, 1),
    }
    for method in ("ips", "snips", "dr"):
        est = ope.evaluate(logs, target, method=method)
        out[method] = {**est.as_dict(), "covers_truth": est.ci_low <= truth <= est.ci_high}
    return out


def policies_check(args: argparse.Namespace, params: dict[str, Any], strategy: Any) -> dict[str, Any]:
    pop = runs.population(args.borrowers, args.days, args.eval_seed, params)
    res = {
        "learned": summary(pop, simulate(pop, [strategy], params)),
        "ladder": summary(pop, simulate(pop, [policies.arm_strategy("ladder")], params)),
        "champion": summary(pop, simulate(pop, [policies.arm_strategy("champion")], params)),
    }
    oracle_out, _ = runs.oracle(pop, params)
    res["oracle"] = summary(pop, oracle_out)
    keys = (
        "recovered",
        "net_recovery",
        "cost",
        "contacts",
        "calls",
        "visits",
        "harsh_actions",
        "complaints",
        "cured_share",
        "collection_rate_30d",
    )
    table = {k: {p: v[k] for p, v in res.items()} for k in keys}
    lr, ld, orc = res["learned"], res["ladder"], res["oracle"]
    return {
        "seed": args.eval_seed,
        "figures": table,
        "learned_vs_oracle_net": round(lr["net_recovery"] / orc["net_recovery"], 4),
        "learned_recovery_vs_ladder": round(lr["recovered"] / ld["recovered"], 4),
        "visits_fewer_than_ladder": round(1 - lr["visits"] / max(ld["visits"], 1), 4),
        "harsh_fewer_than_ladder": round(1 - lr["harsh_actions"] / max(ld["harsh_actions"], 1), 4),
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--borrowers", type=int, default=20_000)
    ap.add_argument("--learn-borrowers", type=int, default=100_000)
    ap.add_argument("--days", type=int, default=60)
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--challenger", default="digital")
    ap.add_argument("--ope-seed", type=int, default=101)
    ap.add_argument("--eval-seed", type=int, default=202)
    ap.add_argument("--learn-seed", type=int, default=303)
    ap.add_argument("--skip", default="", help="comma-separated: coverage,ope,policies")
    args = ap.parse_args()
    params = load_params()
    skip = set(filter(None, args.skip.split(",")))
    t0 = time.perf_counter()
    out: dict[str, Any] = {"borrowers": args.borrowers, "days": args.days}
    logs = runs.experiment(runs.population(args.learn_borrowers, args.days, args.learn_seed, params), params)
    learned = learn.learn(logs)
    out["learned"] = {
        "logs_seed": args.learn_seed,
        "logs_accounts": logs.table.num_rows,
        "arms_by_cell": {str(c): a for c, a in sorted(learned.choice.items())},
        "constraints": learned.notes,
    }
    if "policies" not in skip:
        out["policies"] = policies_check(args, params, learned.strategy)
    if "ope" not in skip:
        out["ope"] = ope_check(args, params, learned.strategy)
    if "coverage" not in skip:
        out["coverage"] = coverage(args, params)
    out["seconds"] = round(time.perf_counter() - t0, 1)
    print(json.dumps(out, indent=2, default=lambda v: v.item() if isinstance(v, np.generic) else str(v)))


if __name__ == "__main__":
    main()
