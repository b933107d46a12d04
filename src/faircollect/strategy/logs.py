"""Logged experiments: one row per delinquent account with its context at the first day past due, the arm it was
assigned (and that arm's probability, as the planner logs it with every contact), and what happened.

``accounts.parquet`` in a logs directory: ``borrower_id, score, balance_minor, repeat, arm, probability,
cured_day, recovered_minor, cost_minor, reward_minor (recovered − cost), contacts, calls, visits, harsh_actions,
complaints`` (money in fen) — and ``wave`` when the experiment ran in waves. ``meta.json``: the experiment, its
arms and shares, seed, borrowers, days; a sequential experiment adds ``waves``, one entry per wave with its
experiment id and the arms' shares in that wave (the probability every account of the wave had for every arm).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq

from faircollect.collections.strategy import Strategy, assign_arm
from faircollect.kit.errors import ValidationError
from faircollect.strategy.population import Population
from faircollect.strategy.sim import Outcome_

REQUIRED = ("score", "balance_minor", "arm", "probability", "reward_minor")


@dataclass(frozen=True)
class Logs:
    table: pa.Table
    meta: dict[str, Any]

    def col(self, name: str) -> np.ndarray:
        return self.table.column(name).to_numpy(zero_copy_only=False)

    @property
    def arms(self) -> list[str]:
        return list(self.meta["arms"])


def from_run(
    pop: Population, out: Outcome_, strategy: Strategy, meta: dict[str, Any], wave: int | None = None
) -> Logs:
    idx = np.flatnonzero(out.delinquent)
    arms, probs = [], []
    for i in idx:
        arm, p = assign_arm(strategy, pop.borrower_ids[i])
        arms.append(arm)
        probs.append(float(p))
    table = pa.table(
        {
            "borrower_id": [pop.borrower_ids[i] for i in idx],
            "score": pop.score[idx].round(2),
            "balance_minor": pop.principal[idx],
            "repeat": pop.repeat[idx],
            "arm": arms,
            "probability": probs,
            "cured_day": out.cured_day[idx],
            "recovered_minor": out.recovered[idx],
            "cost_minor": out.cost[idx],
            "reward_minor": out.recovered[idx] - out.cost[idx],
            "contacts": out.contacts[idx],
            "calls": out.calls[idx],
            "visits": out.visits[idx],
            "harsh_actions": out.harsh[idx],
            "complaints": out.complaints[idx],
        }
    )
    if wave is not None:
        table = table.append_column("wave", pa.array(np.full(len(idx), wave, dtype=np.int64)))
    return Logs(table, meta)


def concat(parts: list[Logs], meta: dict[str, Any]) -> Logs:
    """The waves' logs as one table (every account keeps its own wave's probability)."""
    return Logs(pa.concat_tables([p.table for p in parts]), meta)


def propensities(logs: Logs) -> np.ndarray:
    """Per account and arm (``logs.arms``): the probability the account had of being assigned that arm.

    A sequential experiment's ``meta.json`` gives each wave's shares and the table each account's ``wave``; a
    one-wave experiment's ``meta.json`` gives ``shares``; older logs give only the logged arm's probability, taken as
    that arm's share for every account. Checked against the logged ``probability`` of each account's own arm."""
    arms = logs.arms
    arm = logs.col("arm")
    n = logs.table.num_rows
    waves = logs.meta.get("waves")
    if waves and "wave" in logs.table.column_names:
        per_wave = np.array([[float(w["shares"].get(a, 0)) for a in arms] for w in waves])
        out = per_wave[logs.col("wave").astype(np.int64)]
    elif logs.meta.get("shares"):
        out = np.tile([float(logs.meta["shares"].get(a, 0)) for a in arms], (n, 1))
    else:
        p = logs.col("probability").astype(float)
        out = np.tile([float(p[arm == a][0]) if (arm == a).any() else 0.0 for a in arms], (n, 1))
    col = {a: j for j, a in enumerate(arms)}
    own = out[np.arange(n), [col[a] for a in arm]]
    if n and not np.allclose(own, logs.col("probability").astype(float), rtol=0, atol=1e-9):
        raise ValidationError(
            "the logged probabilities do not match the experiment's shares in meta.json", field="probability"
        )
    return np.asarray(out)


def write(logs: Logs, directory: str | Path) -> Path:
    d = Path(directory)
    d.mkdir(parents=True, exist_ok=True)
    pq.write_table(logs.table, d / "accounts.parquet")
    (d / "meta.json").write_text(json.dumps(logs.meta, indent=2, default=str), encoding="utf-8")
    return d


def read(directory: str | Path) -> Logs:
    """Read a logs directory; errors name the file and the missing column."""
    d = Path(directory)
    f = d / "accounts.parquet"
    if not f.exists():
        raise ValidationError("no accounts.parquet in the logs directory", file=str(d))
    table = pq.read_table(f)
    for c in REQUIRED:
        if c not in table.column_names:
            raise ValidationError(f"missing column {c!r}", file=str(f), field=c)
    meta_file = d / "meta.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8")) if meta_file.exists() else {}
    meta.setdefault("arms", sorted(set(table.column("arm").to_pylist())))
    return Logs(table, meta)
