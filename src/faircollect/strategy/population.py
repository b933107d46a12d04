"""The simulated book: borrowers with an instalment due, observable features and hidden types, and every random
number the simulation will draw — fixed up front from the seed (common random numbers), so that two policies run on
the same population see the same borrowers, the same payment uniforms and the same connect events.

Parameters come from ``params.yaml`` (sources in ``../shared/design/STRATEGY.md`` §5.2).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import yaml

from faircollect.kit.errors import ValidationError

PARAMS_FILE = Path(__file__).resolve().parent / "params.yaml"
TYPES = ("forgetful", "illiquid", "unwilling", "insolvent", "never_pay")
#: Treatment kinds the simulator knows (``sim.kind_of`` maps a strategy treatment onto one).
KINDS = ("sms", "robot_call", "call", "letter", "legal_letter", "visit")


def load_params(path: str | Path | None = None) -> dict[str, Any]:
    """The shipped parameters, with a lender's file (same keys, any subset) laid over them."""
    base = yaml.safe_load(PARAMS_FILE.read_text(encoding="utf-8"))
    if path is None:
        return dict(base)
    try:
        extra = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise ValidationError(f"cannot read simulator parameters: {exc}", file=str(path)) from exc
    if not isinstance(extra, dict):
        raise ValidationError("expected a mapping of parameters", file=str(path))
    return _merge(base, extra, str(path), "")


def _merge(base: dict[str, Any], extra: dict[str, Any], file: str, where: str) -> dict[str, Any]:
    out = dict(base)
    for k, v in extra.items():
        if k not in base:
            raise ValidationError(f"unknown parameter {where}{k!r}", file=file, field=f"{where}{k}")
        out[k] = _merge(base[k], v, file, f"{where}{k}.") if isinstance(v, dict) else v
    return out


@dataclass(frozen=True)
class Population:
    """``n`` borrowers with an instalment due on day 0; arrays are per borrower, ``u_*`` per delinquent account."""

    seed: int
    days: int
    borrower_ids: list[str]
    score: np.ndarray  # observable risk score (higher = riskier), standard normal
    principal: np.ndarray  # fen
    instalment: np.ndarray  # fen
    repeat: np.ndarray  # bool
    type_code: np.ndarray  # index into TYPES (hidden)
    prone: np.ndarray  # reciprocity-prone (hidden)
    would_miss: np.ndarray  # misses the due date without a pre-due reminder
    saved_by_reminder: np.ndarray  # a delivered pre-due reminder makes them pay on time
    # Per borrower who would miss (row ``pos[i]``), per day (0..days), per kind: uniforms for payment, reach,
    # complaint, backfire; the agent effect of a call.
    pos: np.ndarray
    u_pay: np.ndarray
    u_reach: np.ndarray
    u_complaint: np.ndarray
    u_backfire: np.ndarray
    agent: np.ndarray

    @property
    def n(self) -> int:
        return len(self.borrower_ids)


def build(n: int, *, seed: int, days: int, params: dict[str, Any]) -> Population:
    """Draw the population. Everything random is drawn here, once, from ``seed``."""
    if n <= 0 or days <= 0:
        raise ValidationError("borrowers and days must be positive", field="borrowers")
    rng = np.random.default_rng(seed)
    pf, entry = params["portfolio"], params["entry"]
    score = rng.standard_normal(n)
    principal_y = np.clip(
        np.exp(math.log(pf["principal_median"]) + pf["principal_sigma"] * rng.standard_normal(n)),
        pf["principal_min"],
        pf["principal_max"],
    )
    principal = (np.round(principal_y / 100) * 100 * 100).astype(np.int64)  # whole hundreds of yuan, in fen
    instalment = np.round(principal * pf["instalment_factor"]).astype(np.int64)
    repeat = rng.random(n) < pf["repeat_share"]
    # Entry: a logistic in the score (the pre-due reminder's effect comes later, once types are known).
    slope = entry["score_slope"]
    u_miss = rng.random(n)
    # Types: shares tilted by the score, so the score predicts them only partly (Dirichlet-logit, §5.1); the base
    # logits are adjusted so that the shares among those who miss are the published ones.
    shares = np.array([params["types"][t]["share"] for t in TYPES])
    tilt = np.array([params["types"][t]["score_tilt"] for t in TYPES])
    u_type = rng.random(n)
    helped_types = [TYPES.index("forgetful"), TYPES.index("illiquid")]
    target = entry["d1_target"] / (1 - entry["pre_due_sms_effect"] * shares[helped_types].sum())
    alpha = _calibrate(score, slope, target)
    would_miss = u_miss < 1 / (1 + np.exp(-(alpha + slope * score)))
    base = np.log(shares)
    for _ in range(20):
        prob = np.exp(base[None, :] + score[would_miss, None] * tilt[None, :])
        prob /= prob.sum(axis=1, keepdims=True)
        base += np.log(shares / prob.mean(axis=0))
    prob = np.exp(base[None, :] + score[:, None] * tilt[None, :])
    prob /= prob.sum(axis=1, keepdims=True)
    type_code = (u_type[:, None] > prob.cumsum(axis=1)).sum(axis=1).clip(0, len(TYPES) - 1)
    prone_share = np.where(
        type_code == TYPES.index("unwilling"),
        params["backfire"]["prone_share"]["unwilling"],
        params["backfire"]["prone_share"]["other"],
    )
    prone = rng.random(n) < prone_share
    helped = np.isin(type_code, helped_types)
    saved = helped & (rng.random(n) < entry["pre_due_sms_effect"])
    k = len(KINDS)
    m = int(would_miss.sum())
    pos = np.full(n, -1, dtype=np.int64)
    pos[would_miss] = np.arange(m)
    return Population(
        seed=seed,
        days=days,
        borrower_ids=[f"sim-{seed}-{i:07d}" for i in range(n)],
        score=score,
        principal=principal,
        instalment=instalment,
        repeat=repeat,
        type_code=type_code,
        prone=prone,
        would_miss=would_miss,
        saved_by_reminder=saved,
        pos=pos,
        u_pay=rng.random((m, days + 1), dtype=np.float32),
        u_reach=rng.random((m, days + 1, k), dtype=np.float32),
        u_complaint=rng.random((m, days + 1, k), dtype=np.float32),
        u_backfire=rng.random((m, days + 1, k), dtype=np.float32),
        agent=np.exp(params["agent_sigma"] * rng.standard_normal((m, days + 1))).astype(np.float32),
    )


def subset(pop: Population, idx: np.ndarray) -> Population:
    """The borrowers ``idx`` of ``pop`` as a population of their own — the same ids, features, types and random
    numbers (common random numbers are kept): a wave of a sequential experiment is simulated on its borrowers only."""
    idx = np.asarray(idx, dtype=np.int64)
    rows = pop.pos[idx]
    rows = rows[rows >= 0]
    pos = np.full(len(idx), -1, dtype=np.int64)
    miss = pop.would_miss[idx]
    pos[miss] = np.arange(int(miss.sum()))
    return Population(
        seed=pop.seed,
        days=pop.days,
        borrower_ids=[pop.borrower_ids[i] for i in idx],
        score=pop.score[idx],
        principal=pop.principal[idx],
        instalment=pop.instalment[idx],
        repeat=pop.repeat[idx],
        type_code=pop.type_code[idx],
        prone=pop.prone[idx],
        would_miss=miss,
        saved_by_reminder=pop.saved_by_reminder[idx],
        pos=pos,
        u_pay=pop.u_pay[rows],
        u_reach=pop.u_reach[rows],
        u_complaint=pop.u_complaint[rows],
        u_backfire=pop.u_backfire[rows],
        agent=pop.agent[rows],
    )


def _calibrate(score: np.ndarray, slope: float, target: float) -> float:
    """The intercept whose mean logistic probability over ``score`` is ``target`` (bisection)."""
    lo, hi = -15.0, 5.0
    for _ in range(60):
        mid = (lo + hi) / 2
        if float(np.mean(1 / (1 + np.exp(-(mid + slope * score))))) < target:
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2
