"""The design of a sequential (multi-wave) logging experiment: after each wave, the challengers' shares for the next
wave are recomputed from the logs so far, so that accounts go where the learner's decision is uncertain.

What the learner cannot establish from a fixed split (docs/strategy.md "Measured") is its recovery floor: the
estimated recovery of the policy it picks less the ladder arm's, whose standard error scales with
√(1/p_candidate + 1/p_ladder). So the allocation

1. estimates, from the logs so far, every arm's net recovery and recovery per account (the learner's pooled doubly
   robust terms, ``learn.arm_terms``, each account weighted by its own wave's probability) and the covariance of
   those estimates;
2. draws from that (normal) posterior ``draws`` times and, in each draw, takes the arm the learner is after — the best
   net recovery among the arms whose harsh actions and visits are at most ``usage_share`` of the ladder arm's and
   whose drawn recovery is at least the ladder's (the arm with the most drawn recovery among those within the usage
   limits when none is) — so ``w_a`` is the posterior probability that arm ``a`` is the candidate (Thompson
   sampling on the learner's own question);
3. gives the shares that minimise Σ_a w_a · Var(recovery_a − recovery_ladder) ≈ Σ_a w_a (σ_a² / p_a + σ_L² / p_L):
   p_a ∝ σ_a √w_a and p_ladder ∝ σ_L √(Σ w_a) (σ: the logged recovery's standard deviation in each arm) — on top
   of ``min_share`` for every challenger, so that every arm keeps a known probability above zero in every wave and
   inverse-probability weights stay valid (and bounded by 1 / ``min_share``).

With ``rule`` ``learner-floor`` step 2 is replaced by the learner itself: ``w_a`` is the share of the book in
which ``learn.learn``, run on the logs so far, picks arm ``a``.

The champion keeps ``champion_share`` (the book's business as usual; the learner's base arm) in every wave. Shares
are rounded down to 0.001 (what a strategy file holds); the champion takes the rounding slack.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from decimal import ROUND_FLOOR, Decimal

import numpy as np

from faircollect.collections.strategy import assignment_point
from faircollect.kit.errors import ValidationError
from faircollect.strategy.logs import Logs

ALLOCATIONS = ("fixed", "thompson-floor", "learner-floor")
STEP = Decimal("0.001")


@dataclass(frozen=True)
class Allocation:
    shares: dict[str, Decimal]  # every arm, the champion included; they sum to 1
    candidate: dict[str, float]  # w_a: the posterior probability that the arm is the learner's candidate


def wave_of(borrower_ids: list[str], experiment_id: str, waves: int) -> np.ndarray:
    """Each borrower's wave (0..waves−1), from the production hash on an id of its own (independent of the arm)."""
    return np.array(
        [min(int(assignment_point(f"{experiment_id}/wave", b) * waves), waves - 1) for b in borrower_ids],
        dtype=np.int64,
    )


def even_shares(arms: tuple[str, ...], champion_share: Decimal) -> dict[str, Decimal]:
    """The fixed design: the champion's share, the challengers split the rest equally."""
    rest = (Decimal(1) - champion_share) / (len(arms) - 1)
    return {arms[0]: champion_share, **{a: rest for a in arms[1:]}}


def allocate(
    logs: Logs,
    *,
    champion_share: Decimal = Decimal("0.40"),
    min_share: Decimal = Decimal("0.02"),
    reference: str = "ladder",
    usage_share: float = 0.5,
    draws: int = 4000,
    seed: int = 0,
    rule: str = "thompson-floor",
) -> Allocation:
    """The next wave's shares from the logs so far (see the module docstring). ``rule`` ``learner-floor``: instead
    of the Thompson draws, ``w_a`` is the share of the book (cells weighted by their accounts) in which the learner,
    run on the logs so far, picks arm ``a`` — the split then minimises the variance of exactly the difference its
    floor tests, for the policy it would choose now (greedy; ``min_share`` keeps the others explored)."""
    from faircollect.strategy.learn import arm_terms, learn  # learn imports this module's neighbours

    arms = list(logs.arms)
    champion = arms[0]
    challengers = arms[1:]
    if reference not in challengers:
        raise ValidationError(
            f"the reference arm {reference!r} is not a challenger of the logs", field="arms"
        )
    free = Decimal(1) - champion_share - min_share * len(challengers)
    if free < 0 or min_share <= 0:
        raise ValidationError(
            "the champion's share and a minimum share above 0 for every challenger must fit in 1",
            field="min_share",
        )
    arm = logs.col("arm")
    dr_net, dr_rec = arm_terms(logs)
    n, k = dr_net.shape
    terms = np.hstack([dr_net, dr_rec])
    mean = terms.mean(axis=0)
    cov = np.cov(terms, rowvar=False) / n
    rng = np.random.default_rng(seed)
    with warnings.catch_warnings():
        # Arms pooled over a shared start have nearly collinear terms: eigenvalues ~1e-12 below zero, which numpy
        # warns about and takes as their absolute value (harmless at that size).
        warnings.simplefilter("ignore", RuntimeWarning)
        sample = rng.multivariate_normal(mean, cov, size=draws, method="eigh")
    net, rec = sample[:, :k], sample[:, k:]
    use = {
        u: np.array([float(logs.col(c)[arm == a].mean()) if (arm == a).any() else np.inf for a in arms])
        for u, c in (("harsh", "harsh_actions"), ("visits", "visits"))
    }
    ref = arms.index(reference)
    within = (use["harsh"] <= usage_share * use["harsh"][ref]) & (
        use["visits"] <= usage_share * use["visits"][ref]
    )
    if not within.any():
        within = np.ones(k, bool)
    floor_ok = within[None, :] & (rec >= rec[:, [ref]])
    best_net = np.where(floor_ok, net, -np.inf).argmax(axis=1)
    best_rec = np.where(within[None, :], rec, -np.inf).argmax(axis=1)
    pick = np.where(floor_ok.any(axis=1), best_net, best_rec)
    w = np.bincount(pick, minlength=k) / draws
    if rule == "learner-floor":
        got = learn(logs, usage_share=usage_share, recovery_floor=reference, champion=champion)
        cell = got.cells.of(logs.col("score"), logs.col("balance_minor"))
        w = np.array([sum(float((cell == c).mean()) for c, a in got.choice.items() if a == b) for b in arms])
    elif rule != "thompson-floor":
        raise ValidationError(f"unknown allocation {rule!r}", field="allocation")
    rec_logged = logs.col("recovered_minor").astype(float)
    sd = np.array([float(rec_logged[arm == a].std()) if (arm == a).sum() > 1 else 1.0 for a in arms])
    weight = {a: 0.0 for a in challengers}
    for j, a in enumerate(arms):
        if a in weight and a != reference:
            weight[a] = sd[j] * float(np.sqrt(w[j]))
    weight[reference] = sd[ref] * float(np.sqrt(sum(w[j] for j, a in enumerate(arms) if a != reference)))
    total = sum(weight.values())
    shares: dict[str, Decimal] = {}
    for a in challengers:
        extra = free * Decimal(weight[a] / total) if total > 0 else free / len(challengers)
        shares[a] = (min_share + extra).quantize(STEP, rounding=ROUND_FLOOR)
    shares[champion] = Decimal(1) - sum(shares.values(), Decimal(0))
    return Allocation({a: shares[a] for a in arms}, {a: round(float(w[j]), 4) for j, a in enumerate(arms)})
