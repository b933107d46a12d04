"""The value of each champion/challenger policy, estimated off-policy from the stored experiment logs, for the
strategy page — computed once per logs content and cached, never per request.

The logs are the strategy module's (``faircollect strategy experiment --logs DIR``: ``accounts.parquet`` with each
delinquent account's arm, its assignment probability and its net recovery, and ``meta.json``). For each arm, as a
policy run for every account: IPS, SNIPS and doubly robust estimates with bootstrap 95% intervals
(``strategy.ope.evaluate``), the uplift over the champion from the randomised arms (``strategy.ope.uplift``, Welch),
and — when ``meta.json`` names the simulated population (seed, borrowers, days) — the simulator's value of the arm on
that same population (``strategy.runs.evaluate_on_truth``), which the estimates should cover.

``policy_values(directory)`` reads the cache when the logs have not changed (the SHA-256 of both files), else
computes and stores it: in memory and as ``console-policy-values.json`` beside the logs (memory only when the
directory is read-only). All values are fen per delinquent account, as ``strategy.ope`` reports them.
"""

from __future__ import annotations

import hashlib
import json
import threading
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any, Final

import numpy as np

from faircollect.kit.errors import ValidationError

CACHE_FILE: Final = "console-policy-values.json"
METHODS: Final = ("ips", "snips", "dr")
CACHE_VERSION: Final = 2
#: Above this many simulated borrowers the simulator's value is left out (minutes, not seconds, to compute).
MAX_SIMULATED_BORROWERS: Final = 50_000

_memory: dict[tuple[str, str], PolicyValues] = {}
_lock = threading.Lock()


@dataclass(frozen=True)
class Interval:
    value: float
    ci_low: float
    ci_high: float


@dataclass(frozen=True)
class PolicyValue:
    arm: str
    share: float  # the logged assignment probability of the arm
    accounts: int  # delinquent accounts the arm ran for in the logs
    estimates: dict[str, Interval]  # method → value with its 95% interval
    uplift: Interval | None  # over the champion (None for the champion)
    simulated: float | None  # the simulator's value on the logged population, when it can be rebuilt

    @property
    def covered(self) -> bool | None:
        """Whether the doubly robust interval covers the simulator's value (None without a simulated value)."""
        if self.simulated is None:
            return None
        dr = self.estimates["dr"]
        return dr.ci_low <= self.simulated <= dr.ci_high


@dataclass(frozen=True)
class PolicyValues:
    experiment: str
    accounts: int
    digest: str
    rows: tuple[PolicyValue, ...]
    simulated: dict[
        str, int
    ]  # the simulated population the logs came from: seed, borrowers, days ({} if none)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> PolicyValues:
        rows = tuple(
            PolicyValue(
                arm=r["arm"],
                share=float(r["share"]),
                accounts=int(r["accounts"]),
                estimates={m: Interval(**v) for m, v in r["estimates"].items()},
                uplift=Interval(**r["uplift"]) if r["uplift"] else None,
                simulated=r["simulated"],
            )
            for r in d["rows"]
        )
        return cls(d["experiment"], int(d["accounts"]), d["digest"], rows, dict(d["simulated"]))


def _interval(e: Any) -> Interval:
    return Interval(float(e.value), float(e.ci_low), float(e.ci_high))


def compute(logs: Any, *, digest: str = "", simulate: bool = True) -> PolicyValues:
    """Every arm's off-policy value from the logs (and, when asked and possible, its simulated value)."""
    from faircollect.strategy import ope

    n = logs.table.num_rows
    if n == 0:
        raise ValidationError("the experiment logs hold no delinquent account", file="accounts.parquet")
    arm = logs.col("arm")
    prob = logs.col("probability").astype(float)
    q = ope.reward_models(logs)
    champion = "champion" if "champion" in logs.arms else logs.arms[0]
    truth = _simulated(logs) if simulate else {}
    rows = []
    for a in logs.arms:
        target = np.full(n, a, dtype=object)
        estimates = {m: _interval(ope.evaluate(logs, target, method=m, q=q)) for m in METHODS}
        ran = arm == a
        uplift = None
        if a != champion and ran.sum() >= 2 and (arm == champion).sum() >= 2:
            uplift = _interval(ope.uplift(logs, a, champion))
        rows.append(
            PolicyValue(
                arm=a,
                share=float(prob[ran][0]) if ran.any() else 0.0,
                accounts=int(ran.sum()),
                estimates=estimates,
                uplift=uplift,
                simulated=truth.get(a),
            )
        )
    meta = logs.meta
    population = {k: int(meta[k]) for k in ("seed", "borrowers", "days")} if truth else {}
    return PolicyValues(str(meta.get("experiment", "")), n, digest, tuple(rows), population)


def _simulated(logs: Any) -> dict[str, float]:
    """The simulator's value of each arm on the population the logs came from, when the meta names it."""
    from faircollect.strategy import policies, runs
    from faircollect.strategy.population import load_params

    meta = logs.meta
    try:
        seed, borrowers, days = int(meta["seed"]), int(meta["borrowers"]), int(meta["days"])
    except (KeyError, TypeError, ValueError):
        return {}
    if borrowers > MAX_SIMULATED_BORROWERS or not set(logs.arms) <= set(policies.ARMS):
        return {}
    params = load_params(None)
    pop = runs.population(borrowers, days, seed, params)
    return {a: runs.evaluate_on_truth(pop, params, policies.arm_strategy(a)) for a in logs.arms}


def digest_of(directory: Path) -> str:
    h = hashlib.sha256()
    for name in ("accounts.parquet", "meta.json"):
        f = directory / name
        h.update(name.encode())
        h.update(f.read_bytes() if f.exists() else b"")
    return h.hexdigest()


def policy_values(directory: str | Path, *, simulate: bool = True) -> PolicyValues:
    """The cached values for a logs directory (computed on the first call after the logs change)."""
    from faircollect.strategy import logs as logs_mod

    d = Path(directory)
    if not (d / "accounts.parquet").exists():
        raise ValidationError("no accounts.parquet in the strategy logs directory", file=str(d))
    digest = digest_of(d)
    key = (str(d.resolve()), digest)
    with _lock:
        hit = _memory.get(key)
        if hit is not None:
            return hit
        stored = _read_cache(d / CACHE_FILE, digest)
        if stored is None:
            stored = compute(logs_mod.read(d), digest=digest, simulate=simulate)
            _write_cache(d / CACHE_FILE, stored)
        _memory[key] = stored
        return stored


def _read_cache(path: Path, digest: str) -> PolicyValues | None:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        if data.get("version") != CACHE_VERSION or data.get("values", {}).get("digest") != digest:
            return None
        return PolicyValues.from_dict(data["values"])
    except (OSError, ValueError, KeyError, TypeError):
        return None  # no cache, or one from another version: compute again


def _write_cache(path: Path, values: PolicyValues) -> None:
    tmp = path.with_suffix(".tmp")
    try:
        tmp.write_text(json.dumps({"version": CACHE_VERSION, "values": values.as_dict()}), encoding="utf-8")
        tmp.replace(path)
    except OSError:
        pass  # a read-only logs directory: the memory cache still serves every later request
