"""Policies the simulator runs, all as collections strategies (``collections/strategy.py``) that the production
planner runs too:

* ``champion`` — STRATEGY.md §5.3, the calibration anchor; ``ladder`` — SMS → calls → visits and legal letters by
  bucket; the other arms of the logged experiment (``digital``, ``human-early``, ``light``, ``visit-once``,
  ``gentle-ladder``, ``one-visit-ladder``, ``steady-ladder``);
* ``experiment`` — one strategy whose challengers are the arms: every borrower's arm and its probability come from
  ``assign_arm`` and are logged, as in production;
* ``oracle`` — knows the hidden types: for each type and context cell the arm with the best true expected net
  recovery (from simulating every arm on the same borrowers);
* ``learned`` — a strategy written by ``strategy.learn`` from logged experiments.
"""

from __future__ import annotations

import dataclasses
from decimal import Decimal
from pathlib import Path

import numpy as np

from faircollect.collections.strategy import Challenger, Segment, SegmentRule, Strategy, load_strategy

POLICIES_DIR = Path(__file__).resolve().parent / "policies"
ARMS = (
    "champion",
    "digital",
    "human-early",
    "light",
    "visit-once",
    "ladder",
    "gentle-ladder",
    "one-visit-ladder",
    "steady-ladder",
)
CHAMPION_SHARE = Decimal("0.40")


def arm_strategy(name: str) -> Strategy:
    """A shipped arm (``strategy/policies/NAME.yaml``)."""
    return load_strategy(POLICIES_DIR / f"{name}.yaml")


def experiment(
    arms: tuple[str, ...] = ARMS,
    experiment_id: str = "sim-collections",
    shares: dict[str, Decimal] | None = None,
) -> Strategy:
    """The logging experiment: the first arm is the champion (40%), the others split the rest equally — or, for a
    later wave of a sequential experiment, the challengers' ``shares`` (the champion keeps what is left)."""
    champion = arm_strategy(arms[0])
    even = (Decimal(1) - CHAMPION_SHARE) / (len(arms) - 1)
    challengers = tuple(
        Challenger(a, shares[a] if shares is not None else even, arm_strategy(a).segments) for a in arms[1:]
    )
    capacity = {g: 1 for a in arms for g in arm_strategy(a).capacity}
    return dataclasses.replace(
        champion,
        id="sim-experiment",
        experiment=experiment_id,
        challengers=challengers,
        capacity=capacity,
    )


@dataclasses.dataclass(frozen=True)
class Cells:
    """Context cells the learned policy (and the oracle) choose an arm for: score bands × balance bands, from
    what the planner knows at the first day past due."""

    score_cuts: tuple[Decimal, ...]
    balance_cuts: tuple[int, ...]  # fen

    def of(self, score: np.ndarray, balance: np.ndarray) -> np.ndarray:
        s = np.searchsorted(np.array([float(c) for c in self.score_cuts]), score, side="right")
        b = np.searchsorted(np.array(self.balance_cuts), balance, side="right")
        return s * (len(self.balance_cuts) + 1) + b

    @property
    def count(self) -> int:
        return (len(self.score_cuts) + 1) * (len(self.balance_cuts) + 1)

    def rule(self, cell: int) -> SegmentRule:
        nb = len(self.balance_cuts) + 1
        s, b = divmod(cell, nb)
        step = Decimal("0.01")
        return SegmentRule(
            score_min=self.score_cuts[s - 1] if s > 0 else None,
            score_max=self.score_cuts[s] - step if s < len(self.score_cuts) else None,
            balance_min_minor=self.balance_cuts[b - 1] if b > 0 else None,
            balance_max_minor=self.balance_cuts[b] - 1 if b < len(self.balance_cuts) else None,
        )


def default_cells(score: np.ndarray, balance: np.ndarray) -> Cells:
    """Score terciles × balance terciles of the accounts given (rounded to 0.01 and whole yuan): the value of an
    agent's call grows with the balance, the borrower's type shows a little in the score."""
    sc = tuple(Decimal(str(round(float(q), 2))) for q in np.quantile(score, [1 / 3, 2 / 3]))
    bc = tuple(sorted({int(round(float(q) / 100) * 100) for q in np.quantile(balance, [1 / 3, 2 / 3])}))
    return Cells(sc, bc)


def per_cell_strategy(
    choice: dict[int, str], cells: Cells, *, strategy_id: str, description: str
) -> Strategy:
    """A strategy that runs arm ``choice[cell]`` in each cell: the arm's segments, each narrowed to the cell
    (segment id ``ARM/cellN/SEGMENT``; first match wins, so the shared pre-due segment comes first)."""
    base = arm_strategy(ARMS[0])
    segments: list[Segment] = [s for s in base.segments if s.when.dpd_max is not None and s.when.dpd_max <= 0]
    capacity: dict[str, int] = {}
    for cell in range(cells.count):
        arm = choice[cell]
        strat = arm_strategy(arm)
        capacity.update(strat.capacity)
        rule = cells.rule(cell)
        for seg in strat.segments:
            if seg.when.dpd_max is not None and seg.when.dpd_max <= 0:
                continue
            when = dataclasses.replace(
                seg.when,
                score_min=rule.score_min,
                score_max=rule.score_max,
                balance_min_minor=rule.balance_min_minor,
                balance_max_minor=rule.balance_max_minor,
            )
            segments.append(Segment(f"{arm}/cell{cell}/{seg.id}", when, seg.treatments))
    return Strategy(
        id=strategy_id,
        version=1,
        jurisdiction="CN",
        segments=tuple(segments),
        currency="CNY",
        experiment="sim-collections",
        capacity=capacity,
        description=description,
    )


def arm_of_segment(segment_id: str) -> str | None:
    """The arm a learned strategy's segment runs (``ARM/cellN/...``); None for a shared segment."""
    head = segment_id.split("/", 1)[0]
    return head if head in ARMS and "/" in segment_id else None
