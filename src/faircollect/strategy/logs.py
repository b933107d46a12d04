"""Logged experiments: one row per delinquent account with its context at the first day past due, the arm it was
assigned (and that arm's probability, as the planner logs it with every contact), and what happened.

``accounts.parquet`` in a logs directory: ``borrower_id, score, balance_minor, repeat, arm, probability,
cured_day, recovered_minor, cost_minor, reward_minor (recovered − cost), contacts, calls, visits, harsh_actions,
complaints`` (money in fen). ``meta.json``: the experiment, its arms and shares, seed, borrowers, days.
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


def from_run(pop: Population, out: Outcome_, strategy: Strategy, meta: dict[str, Any]) -> Logs:
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
    return Logs(table, meta)


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
