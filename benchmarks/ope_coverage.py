"""Coverage of the off-policy intervals over many populations (docs/strategy.md "Measured", issue 13).

The policy learned from the logs of ``--learn-seed`` (``--learn-borrowers`` borrowers) is valued by IPS, SNIPS and
DR from the logged experiment of each population in ``--seeds`` and its simulated value there is the truth, as in
``strategy_checks.py``'s OPE check; every interval method in ``ope.INTERVALS`` is computed on the same estimates.
Prints one JSON line per seed on stderr and a JSON summary (covered, of, median width) on stdout. Heavy: nice it.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from typing import Any

import numpy as np

from faircollect.strategy import learn, ope, runs
from faircollect.strategy.population import load_params


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--borrowers", type=int, default=20_000)
    ap.add_argument("--learn-borrowers", type=int, default=200_000)
    ap.add_argument("--days", type=int, default=60)
    ap.add_argument("--learn-seed", type=int, default=303)
    ap.add_argument("--seeds", default="101-130", help="first-last or comma-separated")
    ap.add_argument("--floor-caution", type=float, default=2.0)
    args = ap.parse_args()
    if "-" in args.seeds:
        first, last = (int(x) for x in args.seeds.split("-"))
        seeds = list(range(first, last + 1))
    else:
        seeds = [int(x) for x in args.seeds.split(",")]
    params = load_params()
    t0 = time.perf_counter()
    learn_logs = runs.experiment(
        runs.population(args.learn_borrowers, args.days, args.learn_seed, params), params
    )
    strategy = learn.learn(learn_logs, floor_caution=args.floor_caution).strategy
    rows: list[dict[str, Any]] = []
    for seed in seeds:
        pop = runs.population(args.borrowers, args.days, seed, params)
        logs = runs.experiment(pop, params)
        target = learn.policy_arms(strategy, logs.col("score"), logs.col("balance_minor"))
        truth = runs.evaluate_on_truth(pop, params, strategy)
        q = ope.reward_models(logs)
        row: dict[str, Any] = {"seed": seed, "accounts": logs.table.num_rows, "truth": round(truth, 1)}
        for method in ("ips", "snips", "dr"):
            for interval in ope.INTERVALS:
                est = ope.evaluate(logs, target, method=method, q=q, interval=interval)
                row[f"{method}/{interval}"] = {
                    "value": round(est.value, 1),
                    "ci": [round(est.ci_low, 1), round(est.ci_high, 1)],
                    "covers": bool(est.ci_low <= truth <= est.ci_high),
                    "width": round(est.ci_high - est.ci_low, 1),
                }
        rows.append(row)
        print(json.dumps(row), file=sys.stderr, flush=True)
    summary = {
        key: {
            "covered": sum(r[key]["covers"] for r in rows),
            "of": len(rows),
            "median_width": round(float(np.median([r[key]["width"] for r in rows])), 1),
            "missed": [r["seed"] for r in rows if not r[key]["covers"]],
        }
        for key in rows[0]
        if "/" in key
    }
    print(
        json.dumps(
            {"seeds": seeds, "summary": summary, "seconds": round(time.perf_counter() - t0, 1)}, indent=2
        )
    )


if __name__ == "__main__":
    main()
