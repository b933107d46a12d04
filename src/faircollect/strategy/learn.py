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

The result is a strategy (``policies.per_cell_strategy``): segment ids ``ARM/cellN/SEGMENT`` say which arm runs
where, so ``ope.evaluate`` can value it on other logs.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from faircollect.collections.strategy import Strategy, load_strategy, segment_for
from faircollect.kit.errors import ValidationError
from faircollect.kit.money import format_minor
from faircollect.strategy import ope
from faircollect.strategy.logs import Logs
from faircollect.strategy.policies import ARMS, Cells, arm_of_segment, default_cells, per_cell_strategy


@dataclass(frozen=True)
class Learned:
    strategy: Strategy
    cells: Cells
    choice: dict[int, str]
    value: dict[int, dict[str, float]]  # cell → arm → DR value per account
    notes: list[str]


def learn(
    logs: Logs,
    *,
    harsh_budget: float | None = None,
    calls_factor: float = 1.5,
    recovery_floor: str | None = "ladder",
    caution: float = 1.0,
    champion: str = "champion",
    cells: Cells | None = None,
) -> Learned:
    """Learn the per-cell arm under the constraints (see the module docstring)."""
    score, balance = logs.col("score"), logs.col("balance_minor")
    cells = cells or default_cells(score, balance)
    cell = cells.of(score, balance)
    arm = logs.col("arm")
    p = logs.col("probability").astype(float)
    q = ope.reward_models(logs)
    r = logs.col("reward_minor").astype(float)
    qrec = ope.reward_models(logs, column="recovered_minor")
    rec = logs.col("recovered_minor").astype(float)
    arms = logs.arms
    col = {a: j for j, a in enumerate(arms)}
    value: dict[int, dict[str, float]] = {}
    recovered: dict[int, dict[str, float]] = {}
    usage: dict[str, dict[str, float]] = {}
    for a in arms:
        m = arm == a
        usage[a] = {
            k: float(logs.col(name)[m].mean()) if m.any() else 0.0
            for k, name in (("harsh", "harsh_actions"), ("visits", "visits"), ("calls", "calls"))
        }
    pessimistic: dict[int, dict[str, float]] = {}
    base = champion if champion in arms else arms[0]
    for c in range(cells.count):
        in_c = cell == c
        value[c], recovered[c], pessimistic[c] = {}, {}, {}
        terms = {}
        for a in arms:
            hit = (arm[in_c] == a) / p[in_c]
            terms[a] = q[in_c, col[a]] + hit * (r[in_c] - q[in_c, col[a]])
            dr_rec = qrec[in_c, col[a]] + hit * (rec[in_c] - qrec[in_c, col[a]])
            value[c][a] = float(terms[a].mean()) if in_c.any() else float("-inf")
            recovered[c][a] = float(dr_rec.mean()) if in_c.any() else 0.0
        for a in arms:
            # Pessimism under uncertainty: an arm replaces the champion in a cell by its estimated gain less
            # ``caution`` standard errors of that gain (the champion is kept where the logs cannot tell).
            diff = terms[a] - terms[base]
            se = float(diff.std(ddof=1) / np.sqrt(len(diff))) if len(diff) > 1 else float("inf")
            pessimistic[c][a] = value[c][a] - (caution * se if a != base else 0.0)
    weight = {c: float((cell == c).mean()) for c in range(cells.count)}
    budget = harsh_budget
    if budget is None:
        budget = 0.5 * usage.get("ladder", {"harsh": max(u["harsh"] for u in usage.values())})["harsh"]
    calls_cap = (
        calls_factor * usage.get("champion", {"calls": max(u["calls"] for u in usage.values())})["calls"]
    )
    choice = {c: max(pessimistic[c], key=lambda a: pessimistic[c][a]) for c in range(cells.count)}
    notes = []
    if recovery_floor is not None and recovery_floor in arms:
        floor = sum(weight[c] * recovered[c][recovery_floor] for c in choice)
        while sum(weight[c] * recovered[c][choice[c]] for c in choice) < floor:
            step: tuple[float, int, str] | None = None
            for c, a in choice.items():
                for b in arms:
                    gain = weight[c] * (recovered[c][b] - recovered[c][a])
                    if gain <= 0 or usage[b]["harsh"] > usage[a]["harsh"]:
                        continue
                    loss = weight[c] * (value[c][a] - value[c][b]) / gain
                    if step is None or loss < step[0]:
                        step = (loss, c, b)
            if step is None:
                break
            choice[step[1]] = step[2]
        got = sum(weight[c] * recovered[c][choice[c]] for c in choice)
        notes.append(f"recovery: {got:.0f} fen per account (the {recovery_floor} arm: {floor:.0f})")
    visits_cap = 0.5 * usage.get("ladder", {"visits": max(u["visits"] for u in usage.values())})["visits"]
    for key, cap in (("harsh", budget), ("visits", visits_cap), ("calls", calls_cap)):
        while sum(weight[c] * usage[choice[c]][key] for c in choice) > cap + 1e-12:
            best: tuple[float, int, str] | None = None
            for c, a in choice.items():
                for b in arms:
                    saved = weight[c] * (usage[a][key] - usage[b][key])
                    if saved <= 0:
                        continue
                    loss = weight[c] * (value[c][a] - value[c][b]) / saved
                    if best is None or loss < best[0]:
                        best = (loss, c, b)
            if best is None:
                break
            choice[best[1]] = best[2]
        notes.append(
            f"{key}: {sum(weight[c] * usage[choice[c]][key] for c in choice):.3f} per account (limit {cap:.3f})"
        )
    strategy = per_cell_strategy(
        choice,
        cells,
        strategy_id="learned",
        description="Learned from logged experiments (faircollect strategy learn): "
        + "; ".join(f"cell {c}: {choice[c]}" for c in sorted(choice)),
    )
    return Learned(strategy, cells, choice, value, notes)


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
