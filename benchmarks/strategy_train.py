"""Learner rules on TRAINING populations (docs/strategy.md "fourth pass"): for each training seed S, the logged
experiment of population S + 10,000 (``--learn-borrowers``, one wave, fixed split) and the truth of population S
(``--borrowers``): every arm run by the simulator on the same borrowers, cached in ``--cache``. A learned per-cell
policy's figures are composed borrower by borrower from the single-arm runs (exact for one arm everywhere; for a
mix it leaves out the arms' interaction through shared capacity — on 404 and 414 it reproduced the direct
simulation's 99.88% and 99.95% of the ladder's recovery); the oracle likewise (per type × cell, the arm with the
best mean net).

    python benchmarks/strategy_train.py --seeds 303,313,404 --rules L0,prefix,max-t,certified
    python benchmarks/strategy_train.py --certify    # which arms recover at least the ladder by construction

Rule ``certified`` is ``learn.learn_certified`` (docs/strategy.md "fifth pass"); ``--certify`` prints, per arm, its
true recovery less the ladder's on each training population, whether it ``learn.covers`` the ladder, and the
certificate: covers it and the one-sided 95% lower bound (t) of the mean margin over the populations is above 0.

Prints one JSON line per seed (the cross-fitted margin) and per seed and rule. Never run it on held-out seeds.
"""

from __future__ import annotations

import argparse
import json
import time
from collections import Counter
from pathlib import Path
from typing import Any

import numpy as np

from faircollect.strategy import learn, policies, runs
from faircollect.strategy import logs as logs_mod
from faircollect.strategy.population import load_params
from faircollect.strategy.sim import simulate

HELD_OUT = {202, 505, 606, 707, 808, 1301, 1302, 1303, 1304, 1305}


def cached_logs(root: Path, seed: int, borrowers: int, days: int, params: dict[str, Any]) -> logs_mod.Logs:
    d = root / f"logs_{seed + runs.LOGS_SEED_OFFSET}_{borrowers}"
    if not (d / "accounts.parquet").exists():
        pop = runs.population(borrowers, days, seed + runs.LOGS_SEED_OFFSET, params)
        logs_mod.write(runs.experiment(pop, params), d)
    return logs_mod.read(d)


def cached_truth(root: Path, seed: int, borrowers: int, days: int, params: dict[str, Any]) -> Any:
    f = root / f"truth_{seed}_{borrowers}.npz"
    if not f.exists():
        pop = runs.population(borrowers, days, seed, params)
        arrs: dict[str, np.ndarray] = {
            "score": pop.score,
            "principal": pop.principal,
            "type_code": pop.type_code,
        }
        for a in policies.ARMS:
            out = simulate(pop, [policies.arm_strategy(a)], params)
            for k in ("recovered", "cost", "visits", "harsh", "delinquent"):
                arrs[f"{a}|{k}"] = getattr(out, k)
        np.savez(f, **arrs)  # type: ignore[arg-type]  # numpy stubs: keyword arrays read as allow_pickle
    return np.load(f, allow_pickle=True)


def compose(z: Any, arm_of: np.ndarray) -> dict[str, int]:
    out = {
        k: sum(int(z[f"{a}|{k}"][arm_of == a].sum()) for a in policies.ARMS)
        for k in ("recovered", "cost", "visits", "harsh")
    }
    out["net"] = out["recovered"] - out["cost"]
    return out


def oracle_arms(z: Any) -> np.ndarray:
    d = z["ladder|delinquent"]
    cells = policies.default_cells(z["score"][d], z["principal"][d])
    cell = cells.of(z["score"], z["principal"])
    choice = np.array(["champion"] * len(d), dtype=object)
    for t in np.unique(z["type_code"]):
        for c in range(cells.count):
            g = (z["type_code"] == t) & (cell == c)
            if (g & d).any():
                choice[g] = max(
                    policies.ARMS, key=lambda a: float((z[f"{a}|recovered"] - z[f"{a}|cost"])[g & d].mean())
                )
    return choice


def judge(z: Any, got: learn.Learned, oracle: np.ndarray) -> dict[str, Any]:
    arm_of = np.array([got.choice[int(c)] for c in got.cells.of(z["score"], z["principal"])], dtype=object)
    p, lad, o = (
        compose(z, arm_of),
        compose(z, np.full(len(arm_of), "ladder", dtype=object)),
        compose(z, oracle),
    )
    return {
        "net_vs_oracle": round(p["net"] / o["net"], 5),
        "rec_vs_ladder": round(p["recovered"] / lad["recovered"], 5),
        "visits_fewer": round(1 - p["visits"] / lad["visits"], 4),
        "harsh_fewer": round(1 - p["harsh"] / lad["harsh"], 4),
        "met": p["net"] >= 0.95 * o["net"]
        and p["recovered"] >= lad["recovered"]
        and 2 * p["visits"] <= lad["visits"]
        and 2 * p["harsh"] <= lad["harsh"],
        "arms": dict(Counter(got.choice.values())),
    }


def certify(zs: dict[int, Any]) -> dict[str, Any]:
    """Per arm: recovery less the ladder's (share of the ladder's) on each training population, and the certificate
    (``learn.covers`` the ladder and the one-sided 95% t lower bound of the mean margin > 0)."""
    from scipy.stats import t as student

    out: dict[str, Any] = {}
    for a in policies.ARMS:
        m = np.array(
            [float(z[f"{a}|recovered"].sum()) / float(z["ladder|recovered"].sum()) - 1 for z in zs.values()]
        )
        k = len(m)
        lower = float(m.mean() - student.ppf(0.95, k - 1) * m.std(ddof=1) / np.sqrt(k)) if k > 1 else -1.0
        covers = learn.covers(a)
        out[a] = {
            "margins_pct": {s: round(100 * v, 3) for s, v in zip(zs, m, strict=True)},
            "mean_pct": round(100 * float(m.mean()), 3),
            "lower95_pct": round(100 * lower, 3),
            "at_least_ladder": int((m >= 0).sum()),
            "of": k,
            "covers_ladder": covers,
            "certified": a != "ladder" and covers and lower > 0,
        }
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seeds", default="303,313,323,333,343,404,414,424,434,444,454,464,474,484,494")
    ap.add_argument("--rules", default="L0," + ",".join(learn.FALLBACKS))
    ap.add_argument("--borrowers", type=int, default=40_000)
    ap.add_argument("--learn-borrowers", type=int, default=400_000)
    ap.add_argument("--days", type=int, default=60)
    ap.add_argument("--cache", default="/tmp/strategy-train-cache")
    ap.add_argument(
        "--certify", action="store_true", help="print the arms' certificates (truth only) and stop"
    )
    args = ap.parse_args()
    params = load_params()
    root = Path(args.cache)
    root.mkdir(parents=True, exist_ok=True)
    if args.certify:
        seeds = [int(x) for x in args.seeds.split(",")]
        if HELD_OUT & set(seeds):
            raise SystemExit("held-out seeds given")
        zs = {s: cached_truth(root, s, args.borrowers, args.days, params) for s in seeds}
        print(json.dumps(certify(zs), indent=1))
        return
    for s in (int(x) for x in args.seeds.split(",")):
        if s in HELD_OUT:
            raise SystemExit(f"{s} is a held-out seed")
        logs = cached_logs(root, s, args.learn_borrowers, args.days, params)
        z = cached_truth(root, s, args.borrowers, args.days, params)
        oracle = oracle_arms(z)
        t0 = time.perf_counter()
        margin, se, per_fold = learn.cross_fitted_margin(logs)
        resolved = margin >= 2 * se
        print(
            json.dumps(
                {
                    "seed": s,
                    "cross_fitted_margin": round(margin),
                    "se": round(se),
                    "resolved": resolved,
                    "folds": per_fold,
                }
            ),
            flush=True,
        )
        for rule in args.rules.split(","):
            if rule == "certified":
                got = learn.learn_certified(logs)
            elif rule == "L0" or resolved:
                got = learn.learn(logs)
            else:
                arm, why = learn.fallback_arm(logs, rule)
                got = learn.single_arm(logs, arm, why) if arm else learn.learn(logs)
            print(
                json.dumps(
                    {
                        "seed": s,
                        "rule": rule,
                        **judge(z, got, oracle),
                        "notes": got.notes[:2],
                        "seconds": round(time.perf_counter() - t0, 1),
                    }
                ),
                flush=True,
            )


if __name__ == "__main__":
    main()
