"""A policy learned from logged experiments, under constraints, written as a collections strategy the planner runs.

For each context cell (score bands × balance bands, what the planner knows at the first day past due) and each
logged arm, the doubly robust estimate of the arm's net recovery per account (``ope``). The learner picks per cell
the arm with the best estimate less ``caution`` standard errors of its gain over the champion (pessimism under
uncertainty: the champion stays where the logs cannot tell the arms apart), then enforces the constraints by moving cells to their next-best arm where that costs the least
value per unit saved:

* a **budget of harsh actions** (visits and legal letters) per account — by default half of what the logs'
  ladder arm uses, never more than the logs show for any arm;
* **capacity**: expected agent calls per account no more than the logged champion's times ``calls_factor``;
* **recovery no worse than the ladder's** (``recovery_floor``, default the ladder arm's estimated recovery): a lender
  does not trade recovered money for fewer harsh actions — the learner moves cells to higher-recovery arms where
  that costs the least net value;
* contact caps and quiet hours need no constraint here: every contact of the strategy still goes through the gate.

Logs from the simulator's experiment (their ``meta.json`` gives the horizon) pool the arms that plan the same
contacts up to a day (``prefix_terms``): an account that cured before two arms part counts for both.

The default learner (``faircollect strategy learn``) is ``learn_certified``: the same programme choosing only among
arms whose recovery is at least the ladder's by construction (``CERTIFIED``, ``covers``), with no recovery floor
estimated from the logs (docs/strategy.md, "fifth pass"); ``learn`` with its estimated floor is ``--floor
estimated``.

The result is a strategy (``policies.per_cell_strategy``): segment ids ``ARM/cellN/SEGMENT`` say which arm runs
where, so ``ope.evaluate`` can value it on other logs.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import yaml
from scipy.optimize import Bounds, LinearConstraint, milp

from faircollect.collections.strategy import Strategy, load_strategy, segment_for, treatments_due
from faircollect.kit.errors import ValidationError
from faircollect.kit.money import format_minor
from faircollect.ledger.buckets import bucket_for
from faircollect.strategy import ope
from faircollect.strategy.logs import Logs, propensities
from faircollect.strategy.policies import (
    ARMS,
    Cells,
    arm_of_segment,
    arm_strategy,
    default_cells,
    per_cell_strategy,
)


@dataclass(frozen=True)
class Learned:
    strategy: Strategy
    cells: Cells
    choice: dict[int, str]
    value: dict[int, dict[str, float]]  # cell → arm → DR value per account
    notes: list[str]
    estimate: dict[
        str, float
    ]  # the chosen policy, estimated from the logs: net, recovered, harsh, visits, calls


def learn(
    logs: Logs,
    *,
    harsh_budget: float | None = None,
    usage_share: float = 0.5,
    calls_factor: float = 1.5,
    recovery_floor: str | None = "ladder",
    floor_caution: float = 2.0,
    caution: float = 1.0,
    champion: str = "champion",
    cells: Cells | None = None,
    pool_prefixes: bool = True,
    arms_allowed: tuple[str, ...] | None = None,
    estimate_floor: bool = True,
) -> Learned:
    """Learn the per-cell arm under the constraints (see the module docstring).

    One mixed-integer programme (``scipy.optimize.milp``): one arm per cell, maximising the pessimistic net value
    (DR estimate less ``caution`` standard errors of its gain over the champion), subject to

    * recovery ≥ the ``recovery_floor`` arm's estimated recovery plus ``floor_caution`` standard errors of the
      difference (the margin is recomputed for the chosen policy until it holds: a floor met only in the estimate
      is missed in truth half the time);
    * harsh actions and visits per account ≤ ``usage_share`` of the floor arm's (``harsh_budget`` overrides the
      harsh limit), estimated per cell and arm from the logged counts (the arms were randomised);
    * agent calls per account ≤ ``calls_factor`` × the champion's.

    ``arms_allowed``: only these arms may be chosen (the others still serve as the champion and the floor arm);
    ``estimate_floor`` False: no recovery constraint from the logs — the caller has the floor by construction
    (``learn_certified``); the logs' estimate of the margin is then only noted.
    """
    score, balance = logs.col("score"), logs.col("balance_minor")
    cells = cells or default_cells(score, balance)
    cell = cells.of(score, balance)
    arm = logs.col("arm")
    arms = list(logs.arms)
    col = {a: j for j, a in enumerate(arms)}
    dr_net, dr_rec = arm_terms(logs, pool_prefixes=pool_prefixes)
    n, n_arms, n_cells = len(dr_net), len(arms), cells.count
    base = champion if champion in arms else arms[0]
    value: dict[int, dict[str, float]] = {}
    pessimistic = np.full((n_cells, n_arms), -1e18)
    recovered = np.zeros((n_cells, n_arms))
    usage = {k: np.zeros((n_cells, n_arms)) for k in ("harsh", "visits", "calls")}
    logged = {"harsh": logs.col("harsh_actions"), "visits": logs.col("visits"), "calls": logs.col("calls")}
    overall = {
        k: {a: float(v[arm == a].mean()) if (arm == a).any() else 0.0 for a in arms}
        for k, v in logged.items()
    }
    # Each arm's effect (its DR terms less the champion's, account by account) per cell, shrunk towards the arm's
    # effect over the whole book (empirical Bayes; the between-cell spread estimated by the method of moments):
    # a cell's own estimate counts only as far as the cells really differ more than their noise. Choosing per
    # cell among noisy estimates otherwise picks the luckiest arm in each cell (the winner's curse).
    net_eff, net_sd = shrunk_effects(dr_net, cell, n_cells, col[base])
    rec_eff, _ = shrunk_effects(dr_rec, cell, n_cells, col[base])
    for c in range(n_cells):
        in_c = cell == c
        value[c] = {}
        base_net = float(dr_net[in_c, col[base]].mean()) if in_c.any() else 0.0
        base_rec = float(dr_rec[in_c, col[base]].mean()) if in_c.any() else 0.0
        for a in arms:
            j = col[a]
            if not in_c.any():
                value[c][a] = float("-inf")
                continue
            value[c][a] = base_net + float(net_eff[c, j])
            recovered[c, j] = base_rec + float(rec_eff[c, j])
            pessimistic[c, j] = value[c][a] - (caution * float(net_sd[c, j]) if a != base else 0.0)
            m = in_c & (arm == a)
            for k, v in logged.items():  # few accounts of this arm in the cell: the arm's mean everywhere
                usage[k][c, j] = float(v[m].mean()) if m.sum() >= 30 else overall[k][a]
    weight = np.array([float((cell == c).mean()) for c in range(n_cells)])
    ref = recovery_floor if recovery_floor in arms else None
    ladder_use = {k: overall[k][ref] if ref else max(overall[k].values()) for k in ("harsh", "visits")}
    limits = {
        "harsh": harsh_budget if harsh_budget is not None else usage_share * ladder_use["harsh"],
        "visits": usage_share * ladder_use["visits"],
        "calls": calls_factor * overall["calls"].get(base, max(overall["calls"].values())),
    }
    floor = float(weight @ recovered[:, col[ref]]) if ref else None
    notes: list[str] = []
    allowed = [a for a in arms if arms_allowed is None or a in arms_allowed]
    if not allowed:
        raise ValidationError("no allowed arm is in the logs", field="arms_allowed")
    upper = np.tile([1.0 if a in allowed else 0.0 for a in arms], n_cells)

    def solve(margin: float | None) -> np.ndarray | None:
        """x[c, a] ∈ {0, 1}, one arm per cell; None when infeasible."""
        w = np.repeat(weight, n_arms)
        rows: list[np.ndarray] = []
        lo: list[float] = []
        hi: list[float] = []
        for c in range(n_cells):  # one arm per cell
            row = np.zeros(n_cells * n_arms)
            row[c * n_arms : (c + 1) * n_arms] = 1
            rows.append(row)
            lo.append(1)
            hi.append(1)
        for k, cap in limits.items():
            rows.append(w * usage[k].ravel())
            lo.append(-np.inf)
            hi.append(cap + 1e-12)
        if margin is not None and floor is not None:
            rows.append(w * recovered.ravel())
            lo.append(floor + margin)
            hi.append(np.inf)
        res = milp(
            -w * np.clip(pessimistic.ravel(), -1e15, None),
            constraints=LinearConstraint(np.array(rows), lo, hi),
            integrality=np.ones(n_cells * n_arms),
            bounds=Bounds(0, upper),
        )
        if res.status != 0 or res.x is None:
            return None
        return np.asarray(res.x.reshape(n_cells, n_arms).argmax(axis=1))

    def solve_max_recovery() -> np.ndarray | None:
        w = np.repeat(weight, n_arms)
        rows = [np.kron(np.eye(n_cells)[c], np.ones(n_arms)) for c in range(n_cells)]
        lo: list[float] = [1.0] * n_cells
        hi: list[float] = [1.0] * n_cells
        for k, cap in limits.items():
            rows.append(w * usage[k].ravel())
            lo.append(-np.inf)
            hi.append(cap + 1e-12)
        res = milp(
            -w * recovered.ravel(),
            constraints=LinearConstraint(np.array(rows), lo, hi),
            integrality=np.ones(n_cells * n_arms),
            bounds=Bounds(0, upper),
        )
        if res.status != 0 or res.x is None:
            return None
        return np.asarray(res.x.reshape(n_cells, n_arms).argmax(axis=1))

    def rec_se(pick: np.ndarray) -> float:
        """Standard error of the policy's estimated recovery less the floor arm's."""
        d = dr_rec[np.arange(n), pick[cell]] - dr_rec[:, col[ref]] if ref else np.zeros(n)
        return float(d.std(ddof=1) / np.sqrt(n)) if n > 1 else 0.0

    pick: np.ndarray | None = None
    margin_ok = 0.0
    if floor is not None and estimate_floor:
        margin, too_high = 0.0, None
        for _ in range(12):  # raise the margin to floor_caution SEs of the chosen policy's difference
            got = solve(margin)
            if got is None:  # no mix of arms has that much margin: settle for the largest one that has
                too_high = margin
                if pick is None or too_high - margin_ok < 10:
                    break
                margin = (margin_ok + too_high) / 2
                continue
            pick, margin_ok = got, margin
            need = floor_caution * rec_se(got)
            if float(weight @ recovered[np.arange(n_cells), got]) - floor >= need - 1e-9:
                break
            margin = max(margin, need) if too_high is None else (margin + too_high) / 2
        if pick is not None and too_high is not None:
            notes.append(
                f"recovery margin over the {ref} arm limited to {margin_ok:.0f} fen by the other limits"
            )
        if pick is None:  # not even the estimate reaches the floor: the most recovery the other limits allow
            best = solve_max_recovery()
            if best is not None:
                short = floor - float(weight @ recovered[np.arange(n_cells), best])
                pick = solve(-short - 1.0)  # the best net value among the policies that recover that much
                notes.append(
                    f"no policy reaches the {ref} arm's estimated recovery within the limits: "
                    f"the most recovery they allow ({short:.0f} fen per account short)"
                )
    if pick is None:
        pick = solve(None)
    if pick is None:  # the limits themselves cannot be met: the least harsh arm everywhere
        gentlest = min(allowed, key=lambda a: (overall["harsh"][a], overall["visits"][a]))
        pick = np.full(n_cells, col[gentlest])
        notes.append(f"the limits cannot be met by any mix of logged arms: {gentlest} everywhere")
    choice = {c: arms[int(pick[c])] for c in range(n_cells)}
    idx = (np.arange(n_cells), pick)
    estimate = {
        "net": float(dr_net[np.arange(n), pick[cell]].mean()),
        "recovered": float(weight @ recovered[idx]),
        **{k: float(weight @ usage[k][idx]) for k in usage},
    }
    if floor is not None:
        se = rec_se(pick)
        margin_est = estimate["recovered"] - floor
        notes.append(
            f"recovery: {estimate['recovered']:.0f} fen per account (the {ref} arm: {floor:.0f}; "
            f"difference SE {se:.0f})"
        )
        if not estimate_floor:
            notes.append(
                "the recovery floor is not taken from the logs (arms that meet it by construction); their "
                f"estimate of the margin, for information: {margin_est:.0f} ± {se:.0f} fen per account"
            )
        elif floor_caution > 0 and margin_est < floor_caution * se:
            accounts = accounts_to_resolve(se, n, margin_est, floor_caution)
            notes.append(
                f"the floor is not established at {floor_caution:g} SEs: "
                + (
                    f"showing the estimated margin of {margin_est:.0f} fen would take about {accounts:,} logged "
                    "accounts at these arms' shares (more if the true margin is smaller: the estimate favours "
                    "the policy it chose)"
                    if accounts is not None
                    else "the estimated recovery is not above the floor's"
                )
            )
    for k, cap in limits.items():
        notes.append(f"{k}: {estimate[k]:.3f} per account (limit {cap:.3f})")
    strategy = per_cell_strategy(
        choice,
        cells,
        strategy_id="learned",
        description="Learned from logged experiments (faircollect strategy learn): "
        + "; ".join(f"cell {c}: {choice[c]}" for c in sorted(choice)),
    )
    return Learned(strategy, cells, choice, value, notes, estimate)


def arm_terms(logs: Logs, *, pool_prefixes: bool = True) -> tuple[np.ndarray, np.ndarray]:
    """Per account and arm (``logs.arms``): the doubly robust terms of net recovery and of recovery — their means
    are the arms' estimated values. Each account is weighted by its own probability (a sequential experiment's
    accounts had their wave's shares)."""
    arm = logs.col("arm")
    p = logs.col("probability").astype(float)
    q = ope.reward_models(logs)
    r = logs.col("reward_minor").astype(float)
    qrec = ope.reward_models(logs, column="recovered_minor")
    rec = logs.col("recovered_minor").astype(float)
    arms = list(logs.arms)
    hit = (arm[:, None] == np.array(arms, dtype=object)[None, :]) / p[:, None]
    dr_net = q + hit * (r[:, None] - q)
    dr_rec = qrec + hit * (rec[:, None] - qrec)
    days = logs.meta.get("days")
    if pool_prefixes and days and "cured_day" in logs.table.column_names and set(arms) <= set(ARMS):
        # Arms that run the same contacts up to a day have the same outcomes for the accounts that cure before
        # it: those accounts' terms pool every such arm (see ``prefix_terms``), and the difference between two
        # arms is measured only on the accounts still delinquent where they part.
        share = propensities(logs)
        cured_day = logs.col("cured_day").astype(np.int64)
        dr_net = prefix_terms(arm, cured_day, r, arms, share, int(days), q)
        dr_rec = prefix_terms(arm, cured_day, rec, arms, share, int(days), qrec)
    return dr_net, dr_rec


def accounts_to_resolve(se: float, n: int, margin: float, caution: float) -> int | None:
    """Logged accounts (at the same arms' shares) for an estimated ``margin`` to stand ``caution`` standard errors
    clear of zero, given its standard error ``se`` from ``n`` accounts: the standard error shrinks as 1/√n, so
    n · (caution · se / margin)². None when the margin is not positive (no amount of data makes it one)."""
    if margin <= 0 or n <= 0:
        return None
    return int(np.ceil(n * (caution * se / margin) ** 2))


def parting_day(a: str, b: str, days: int) -> int:
    """The first day past due (1..days) on which shipped arms ``a`` and ``b`` plan different contacts; ``days + 1``
    when they run the same contacts over the whole horizon."""
    sa, sb = arm_strategy(a), arm_strategy(b)
    for d in range(1, days + 1):
        due = []
        for strat in (sa, sb):
            seg = segment_for(strat, bucket=bucket_for(d), dpd=d, balance_minor=0)
            due.append(
                tuple((t.channel, t.template, t.priority, t.capacity_group) for t in treatments_due(seg, d))
                if seg is not None
                else ()
            )
        if due[0] != due[1]:
            return d
    return days + 1


def prefix_terms(
    arm: np.ndarray,
    cured_day: np.ndarray,
    reward: np.ndarray,
    arms: list[str],
    share: dict[str, float] | np.ndarray,
    days: int,
    q: np.ndarray,
) -> np.ndarray:
    """Per account and arm, unbiased terms of the arm's mean reward that pool the arms sharing its contacts.

    An account that cured on day c (or never, c = the horizon) had, under arm a, the same chance of that outcome
    and the same reward as under any arm b that plans the same contacts as a on days 1..c (the arms were
    randomised; what happens up to day c depends only on the contacts up to day c). So the term of arm a for an
    account assigned to b is 1[b ∈ G(a, c)] / P(G(a, c)) · r, with G(a, c) the arms that part from a only after
    day c — the inverse-probability term over the group instead of the one arm. Augmented with the reward model
    ``q`` as a control variate — q̄(x) + w · (r − q̄(x)), q̄ the arms' reward models averaged with the arms'
    shares, the same for every arm — it still has mean V(a) (the weights have mean 1 given x), and the difference
    between two arms that part on day D is exactly zero on every account that cured before day D.

    ``share``: the arms' shares (one experiment), or per account and arm the probabilities each account had (a
    sequential experiment: its wave's shares) — then P(G(a, c)) and q̄ are each account's own."""
    col = {a: j for j, a in enumerate(arms)}
    part = {(a, b): (days + 1 if a == b else parting_day(a, b, days)) for a in arms for b in arms}
    c = np.where(cured_day > 0, cured_day, days)
    n = len(reward)
    logged = np.array([col[x] for x in arm])
    if isinstance(share, dict):
        probs = np.tile([float(share.get(a, 0.0)) for a in arms], (n, 1))
    else:
        probs = np.asarray(share, dtype=float)
    qbar = (q * probs).sum(axis=1) / probs.sum(axis=1)
    out = np.zeros((n, len(arms)))
    for a in arms:
        j = col[a]
        with_a = np.array([[part[(a, b)] > day for b in arms] for day in range(days + 1)])  # day × arm
        group = with_a[c]  # account × arm: the arms that part from a only after the account's day
        in_group = group[np.arange(n), logged]
        prob = (group * probs).sum(axis=1)
        w = np.where(in_group, 1.0 / np.where(prob > 0, prob, 1.0), 0.0)
        out[:, j] = qbar + w * (reward - qbar)
    return out


def shrunk_effects(
    terms: np.ndarray, cell: np.ndarray, n_cells: int, base: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per cell and arm: the arm's effect over ``base`` (mean of ``terms[:, arm] - terms[:, base]`` in the cell)
    shrunk towards its effect over every account, and the standard deviation left (posterior, with the overall
    effect's own error). ``terms``: per account and arm, the DR terms of a reward."""
    n, n_arms = terms.shape
    diff = terms - terms[:, [base]]
    overall = diff.mean(axis=0)
    overall_se = diff.std(axis=0, ddof=1) / np.sqrt(max(n, 1)) if n > 1 else np.zeros(n_arms)
    eff = np.zeros((n_cells, n_arms))
    se = np.full((n_cells, n_arms), np.inf)
    weight = np.zeros(n_cells)
    for c in range(n_cells):
        m = cell == c
        k = int(m.sum())
        weight[c] = k / max(n, 1)
        if k > 1:
            eff[c] = diff[m].mean(axis=0)
            se[c] = diff[m].std(axis=0, ddof=1) / np.sqrt(k)
    seen = weight > 0
    finite = np.where(np.isfinite(se), se, 0.0)
    # Between-cell variance of the true effects: the spread of the cell estimates less what their noise explains.
    spread = (weight[seen, None] * (eff[seen] - overall) ** 2).sum(axis=0) / weight[seen].sum()
    noise = (weight[seen, None] * finite[seen] ** 2).sum(axis=0) / weight[seen].sum()
    tau2 = np.maximum(spread - noise, 0.0)
    keep = np.where(
        np.isfinite(se), tau2 / (tau2 + finite**2 + 1e-12), 0.0
    )  # the share of the cell's own estimate
    shrunk = overall + keep * (eff - overall)
    sd = np.sqrt(keep * finite**2 + overall_se**2)
    shrunk[:, base], sd[:, base] = 0.0, 0.0
    return shrunk, sd


def to_yaml(strategy: Strategy) -> dict[str, Any]:
    """The strategy as the YAML mapping ``collections.strategy.parse_strategy`` reads."""

    def rule(seg: Any) -> dict[str, Any]:
        w = seg.when
        out: dict[str, Any] = {}
        for k in ("dpd_min", "dpd_max"):
            if getattr(w, k) is not None:
                out[k] = getattr(w, k)
        for k in ("score_min", "score_max"):
            if getattr(w, k) is not None:
                out[k] = str(getattr(w, k))
        for k, name in (("balance_min_minor", "balance_min"), ("balance_max_minor", "balance_max")):
            if getattr(w, k) is not None:
                out[name] = format_minor(getattr(w, k), strategy.currency).replace(",", "")
        return out

    def treatment(t: Any) -> dict[str, Any]:
        out: dict[str, Any] = {"at_dpd": t.at_dpd, "channel": t.channel}
        for k in ("template", "capacity_group", "repeat_every_days"):
            if getattr(t, k) is not None:
                out[k] = getattr(t, k)
        out["priority"] = t.priority
        return out

    return {
        "id": strategy.id,
        "version": strategy.version,
        "jurisdiction": strategy.jurisdiction,
        "currency": strategy.currency,
        "description": strategy.description,
        "experiment": strategy.experiment_id,
        "capacity": dict(strategy.capacity),
        "segments": [
            {"id": s.id, "when": rule(s), "treatments": [treatment(t) for t in s.treatments]}
            for s in strategy.segments
        ],
    }


def write(strategy: Strategy, path: str | Path) -> Path:
    p = Path(path)
    p.write_text(yaml.safe_dump(to_yaml(strategy), allow_unicode=True, sort_keys=False), encoding="utf-8")
    load_strategy(p)  # what we wrote, the planner can read
    return p


def policy_arms(strategy: Strategy, score: np.ndarray, balance: np.ndarray) -> np.ndarray:
    """The arm a strategy runs for each account at its first day past due (learned strategies name it in their
    segment ids; a shipped arm's strategy is that arm everywhere)."""
    whole = strategy.id.removeprefix("sim-")
    out = []
    for s, b in zip(score, balance, strict=True):
        seg = segment_for(
            strategy, bucket="M1", dpd=1, balance_minor=int(b), score=Decimal(str(round(float(s), 2)))
        )
        arm = arm_of_segment(seg.id) if seg is not None else None
        if arm is None:
            if whole not in ARMS:
                raise ValidationError(
                    f"strategy {strategy.key}: segment {seg.id if seg else None!r} names no logged arm "
                    "(learned strategies use ARM/cellN/SEGMENT ids)",
                    field="policy",
                )
            arm = whole
        out.append(arm)
    return np.array(out, dtype=object)


FALLBACKS = ("max-recovery", "max-t", "measured", "lcb", "prefix")


def fold_of(logs: Logs, folds: int = 2) -> np.ndarray:
    """Each account's fold (0..folds−1) from the production hash on an id of its own (independent of its arm and
    of its wave); accounts without a ``borrower_id`` column are split by a fixed-seed draw."""
    if "borrower_id" in logs.table.column_names:
        from faircollect.collections.strategy import assignment_point

        exp = str(logs.meta.get("experiment", "logs"))
        return np.array(
            [
                min(int(assignment_point(f"{exp}/fold", b) * folds), folds - 1)
                for b in logs.col("borrower_id")
            ],
            dtype=np.int64,
        )
    return np.random.default_rng(0).integers(0, folds, size=logs.table.num_rows)


def _subset(logs: Logs, mask: np.ndarray) -> Logs:
    import pyarrow as pa

    return Logs(logs.table.filter(pa.array(mask)), logs.meta)


def cross_fitted_margin(
    logs: Logs, *, folds: int = 2, recovery_floor: str = "ladder", **opts: Any
) -> tuple[float, float, list[str]]:
    """The learner's recovery margin over the ``recovery_floor`` arm, cross-fitted: for each fold, ``learn`` runs on
    the other folds and its policy's recovery less the floor arm's is estimated (doubly robust, arms sharing a start
    pooled, reward models fitted within the fold) on this fold only — accounts that played no part in choosing
    the policy, so the estimate does not favour it. Returns the margin per account pooled over the folds, its
    standard error and a note per fold."""
    arms = list(logs.arms)
    fold = fold_of(logs, folds)
    ref = arms.index(recovery_floor)
    oof: list[np.ndarray] = []
    notes: list[str] = []
    for k in range(folds):
        train, test = _subset(logs, fold != k), _subset(logs, fold == k)
        got = learn(train, recovery_floor=recovery_floor, **opts)
        _, rec = arm_terms(test)
        cell = got.cells.of(test.col("score"), test.col("balance_minor"))
        pick = np.array([arms.index(got.choice[int(c)]) for c in cell], dtype=np.int64)
        d = rec[np.arange(len(pick)), pick] - rec[:, ref]
        oof.append(d)
        notes.append(
            f"fold {k + 1}: learned on {train.table.num_rows:,} accounts, margin on the other "
            f"{len(d):,}: {d.mean():.0f} ± {d.std(ddof=1) / np.sqrt(len(d)):.0f} fen per account"
        )
    allm = np.concatenate(oof)
    return float(allm.mean()), float(allm.std(ddof=1) / np.sqrt(len(allm))), notes


def fallback_arm(
    logs: Logs,
    rule: str = "prefix",
    *,
    usage_share: float = 0.5,
    calls_factor: float = 1.5,
    recovery_floor: str = "ladder",
    champion: str = "champion",
    resolve_at: float = 2.0,
) -> tuple[str | None, list[str]]:
    """One arm for the whole book when the floor is not resolved (see ``learn_cross_fit``); None when no arm is
    within the limits."""
    if rule not in FALLBACKS:
        raise ValidationError(
            f"unknown fallback {rule!r}; expected one of {', '.join(FALLBACKS)}", field="fallback"
        )
    arms = list(logs.arms)
    ref = arms.index(recovery_floor)
    _, dr_rec = arm_terms(logs)
    n = len(dr_rec)
    arm = logs.col("arm")
    use = {
        k: np.array([float(logs.col(c)[arm == a].mean()) if (arm == a).any() else np.inf for a in arms])
        for k, c in (("harsh", "harsh_actions"), ("visits", "visits"), ("calls", "calls"))
    }
    base = arms.index(champion) if champion in arms else 0
    ok = (
        (use["harsh"] <= usage_share * use["harsh"][ref] + 1e-12)
        & (use["visits"] <= usage_share * use["visits"][ref] + 1e-12)
        & (use["calls"] <= calls_factor * use["calls"][base] + 1e-12)
    )
    ok[ref] = False
    if not ok.any():
        return None, ["no single arm is within the limits"]
    diff = dr_rec - dr_rec[:, [ref]]
    d = diff.mean(axis=0)
    s = diff.std(axis=0, ddof=1) / np.sqrt(max(n, 1))
    s = np.where(s > 0, s, np.inf)
    if rule == "measured":
        ok &= s <= 1.25 * float(s[ok].min())
    elif rule == "prefix":
        days = int(logs.meta.get("days") or 60)
        part = np.array(
            [parting_day(recovery_floor, a, days) if {a, recovery_floor} <= set(ARMS) else 0 for a in arms]
        )
        ok &= part == part[ok].max()
    score = {"max-recovery": d, "lcb": d - resolve_at * s}.get(rule, d / s)
    j = int(np.argmax(np.where(ok, score, -np.inf)))
    from scipy.stats import norm

    return arms[j], [
        f"{arms[j]} everywhere (fallback {rule}): its recovery less the {recovery_floor} arm's "
        f"{d[j]:.0f} ± {s[j]:.0f} fen per account, P(at least the {recovery_floor} arm's) ≈ "
        f"{float(norm.cdf(d[j] / s[j])):.2f} — not shown, the best bet the logs allow",
        "arms within the limits (recovery less the floor arm's, fen per account): "
        + ", ".join(f"{a} {d[i]:.0f} ± {s[i]:.0f}" for i, a in enumerate(arms) if ok[i]),
    ]


def learn_cross_fit(
    logs: Logs,
    *,
    fallback: str = "prefix",
    folds: int = 2,
    resolve_at: float = 2.0,
    usage_share: float = 0.5,
    calls_factor: float = 1.5,
    recovery_floor: str = "ladder",
    champion: str = "champion",
    **kw: Any,
) -> Learned:
    """A learner honest about what the logs resolve.

    1. The learner's recovery margin over the ``recovery_floor`` arm, **cross-fitted** (``cross_fitted_margin``):
       estimated on accounts that played no part in choosing the policy.
    2. If it stands ``resolve_at`` standard errors above zero: the policy ``learn`` chooses on all the logs.
    3. Otherwise the floor is not resolved, and a per-cell mix of arms would follow the noise: **one arm
       everywhere** (``fallback_arm``), among the arms within the limits (visits and harsh actions at most
       ``usage_share`` of the floor arm's logged use, agent calls at most ``calls_factor`` × the champion's),
       chosen by ``fallback`` (default ``prefix``, the rule that won on the training populations,
       docs/strategy.md "fourth pass") on the estimated difference d_a of its recovery less the floor arm's (all the logs)
       and its standard error s_a: ``max-recovery`` (largest d_a), ``max-t`` (largest d_a / s_a: the posterior
       probability, flat prior, that the arm recovers at least the floor arm), ``measured`` (largest d_a / s_a
       among the better-measured arms, s_a ≤ 1.25 × the smallest), ``lcb`` (largest d_a − ``resolve_at`` · s_a),
       ``prefix`` (largest d_a / s_a among the arms that share the floor arm's contacts longest)."""
    opts: dict[str, Any] = {
        "usage_share": usage_share,
        "calls_factor": calls_factor,
        "champion": champion,
        **kw,
    }
    if recovery_floor not in logs.arms:
        return learn(logs, recovery_floor=recovery_floor, **opts)
    margin, se, per_fold = cross_fitted_margin(logs, folds=folds, recovery_floor=recovery_floor, **opts)
    head = [
        f"cross-fitted recovery margin over the {recovery_floor} arm: {margin:.0f} fen per account (SE {se:.0f})",
        *per_fold,
    ]
    chosen: str | None = None
    if margin < resolve_at * se:
        chosen, why = fallback_arm(
            logs,
            fallback,
            usage_share=usage_share,
            calls_factor=calls_factor,
            recovery_floor=recovery_floor,
            champion=champion,
            resolve_at=resolve_at,
        )
        head += [f"not resolved at {resolve_at:g} SEs", *why]
    else:
        head.append(f"resolved at {resolve_at:g} SEs: the learner's policy")
    if chosen is None:
        got = learn(logs, recovery_floor=recovery_floor, **opts)
        return Learned(got.strategy, got.cells, got.choice, got.value, head + got.notes, got.estimate)
    return single_arm(logs, chosen, head)


def single_arm(logs: Logs, chosen: str, notes: list[str]) -> Learned:
    """The learned strategy that runs ``chosen`` in every cell (segment ids still name the arm, so ``ope`` can
    value it), with the logs' estimates of it."""
    arms = list(logs.arms)
    j = arms.index(chosen)
    dr_net, dr_rec = arm_terms(logs)
    arm = logs.col("arm")
    cells = default_cells(logs.col("score"), logs.col("balance_minor"))
    choice = {c: chosen for c in range(cells.count)}
    cell = cells.of(logs.col("score"), logs.col("balance_minor"))
    value = {
        c: {a: float(dr_net[cell == c, i].mean()) for i, a in enumerate(arms)} for c in range(cells.count)
    }
    m = arm == chosen
    estimate = {
        "net": float(dr_net[:, j].mean()),
        "recovered": float(dr_rec[:, j].mean()),
        **{
            k: float(logs.col(c)[m].mean()) if m.any() else 0.0
            for k, c in (("harsh", "harsh_actions"), ("visits", "visits"), ("calls", "calls"))
        },
    }
    strategy = per_cell_strategy(
        choice,
        cells,
        strategy_id="learned",
        description=f"Learned from logged experiments (faircollect strategy learn, cross-fitted): {chosen} everywhere",
    )
    return Learned(strategy, cells, choice, value, notes, estimate)


#: Contacts that are harsh actions (the simulator's kinds, ``sim.kind_of``): they may be replaced, not kept.
HARSH_KINDS = frozenset({"visit", "legal_letter"})

#: Arms whose recovery is at least the ladder's by construction (docs/strategy.md, "fifth pass"): each keeps every
#: non-harsh contact of the ladder on the same day past due (``covers``) and replaces the ladder's visits and
#: legal letters with contacts that, in the simulator's literature effects, recover at least as much — checked on
#: the fifteen training populations (each arm alone on the same borrowers; the one-sided 95% lower bound of the
#: mean recovery margin over the ladder above zero: ``benchmarks/strategy_train.py --certify``). Not a
#: property the logs show: a property of the arms under the effects the simulator assumes.
CERTIFIED = ("one-visit-ladder", "steady-ladder")


def covers(arm: str, ref: str = "ladder", days: int = 60) -> bool:
    """True when shipped arm ``arm`` plans, on every day past due 1..``days``, every non-harsh contact the shipped
    arm ``ref`` plans that day (the same kind of contact: SMS, agent call, robot call, ordinary letter) — so what
    it can lose against ``ref`` is only what ``ref``'s harsh actions bring."""
    from faircollect.strategy.sim import kind_of

    sa, sr = arm_strategy(arm), arm_strategy(ref)
    for d in range(1, days + 1):
        kinds = []
        for strat in (sr, sa):
            seg = segment_for(strat, bucket=bucket_for(d), dpd=d, balance_minor=0)
            due = treatments_due(seg, d) if seg is not None else ()
            kinds.append(Counter(k for k in (kind_of(t) for t in due) if k not in HARSH_KINDS))
        if kinds[0] - kinds[1]:  # a non-harsh contact of ref that arm does not plan that day
            return False
    return True


def learn_certified(
    logs: Logs,
    *,
    certified: tuple[str, ...] = CERTIFIED,
    recovery_floor: str = "ladder",
    **kw: Any,
) -> Learned:
    """The recovery floor by construction: ``learn`` choosing, per cell, only among the ``certified`` arms that
    also ``covers`` the floor arm (the structural half of the certificate, checked here), maximising the pessimistic
    net value under the same limits (harsh actions and visits at most ``usage_share`` of the floor arm's, agent
    calls at most ``calls_factor`` × the champion's) — with no recovery constraint estimated from the logs (at
    ~20,000 logged accounts the margins are below its error; docs/strategy.md "fourth pass"). Without a certified
    arm in the logs (or the floor arm): ``learn``, with a note."""
    days = int(logs.meta.get("days") or 60)
    eligible = tuple(
        a
        for a in certified
        if a in logs.arms and a in ARMS and recovery_floor in ARMS and covers(a, recovery_floor, days)
    )
    if not eligible or recovery_floor not in logs.arms:
        got = learn(logs, recovery_floor=recovery_floor, **kw)
        note = f"no certified arm covering the {recovery_floor} arm is in the logs: the learner with its estimated floor"
        return Learned(got.strategy, got.cells, got.choice, got.value, [note, *got.notes], got.estimate)
    got = learn(logs, recovery_floor=recovery_floor, arms_allowed=eligible, estimate_floor=False, **kw)
    note = f"certified arms (recovery at least the {recovery_floor} arm's by construction): {', '.join(eligible)}"
    return Learned(got.strategy, got.cells, got.choice, got.value, [note, *got.notes], got.estimate)
