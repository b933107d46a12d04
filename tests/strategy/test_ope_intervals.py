"""The OPE intervals (``ope.evaluate(..., interval=)``) against cases whose sampling distribution is known."""

from __future__ import annotations

import math

import numpy as np
import pyarrow as pa
import pytest
from scipy.stats import chi2

from faircollect.kit.errors import ValidationError
from faircollect.strategy import ope
from faircollect.strategy.logs import Logs


def _logs(arm: np.ndarray, probability: np.ndarray, reward: np.ndarray, rng: np.random.Generator) -> Logs:
    n = len(arm)
    table = pa.table(
        {
            "score": rng.standard_normal(n),
            "balance_minor": rng.integers(3000, 20000, size=n) * 100,
            "arm": list(arm),
            "probability": probability,
            "reward_minor": reward.round().astype(np.int64),
        }
    )
    return Logs(table, {"arms": sorted(set(arm))})


@pytest.mark.parametrize("interval", ope.INTERVALS)
def test_every_interval_has_the_width_of_the_known_standard_error(interval: str) -> None:
    """Two arms at 50/50, rewards N(μ, σ²) whatever the arm, the policy runs ``b`` everywhere. The IPS term w·r
    has variance 2σ² + μ²; SNIPS's influence w·(r − v) and DR's term (q̂ ≈ μ) have variance 2σ²."""
    rng = np.random.default_rng(11)
    n, mu, sigma = 3000, 50_000.0, 20_000.0
    arm = np.where(rng.random(n) < 0.5, "a", "b").astype(object)
    logs = _logs(arm, np.full(n, 0.5), rng.normal(mu, sigma, n), rng)
    target = np.full(n, "b", dtype=object)
    known = {
        "ips": math.sqrt(2 * sigma**2 + mu**2),
        "snips": math.sqrt(2) * sigma,
        "dr": math.sqrt(2) * sigma,
    }
    for method, sd in known.items():
        est = ope.evaluate(logs, target, method=method, interval=interval)
        half = (est.ci_high - est.ci_low) / 2
        assert half == pytest.approx(ope.Z95 * sd / math.sqrt(n), rel=0.08), method
        assert est.ci_low < est.value < est.ci_high


def test_bca_and_bootstrap_t_lean_towards_the_long_tail_as_the_exact_interval_of_a_skewed_mean_does() -> None:
    """Sixty exponential rewards, one arm logged with probability 1: the IPS value is their mean, whose exact 95%
    interval 2n·x̄ / χ²(2n) quantiles reaches (hi − x̄) / (x̄ − lo) ≈ 1.47 times as far above the mean as below.
    BCa and the bootstrap-t (second-order accurate) must lean that way, on average over five samples within 0.2 of it and nearer than
    the percentile bootstrap (which corrects half the skew at most) and the symmetric normal interval."""
    n = 60
    exact = (1 / chi2.ppf(0.025, 2 * n) - 1 / (2 * n)) / (1 / (2 * n) - 1 / chi2.ppf(0.975, 2 * n))
    lean: dict[str, list[float]] = {i: [] for i in ope.INTERVALS}
    for seed in range(5):
        rng = np.random.default_rng(seed)
        logs = _logs(np.full(n, "a", dtype=object), np.ones(n), rng.exponential(100_000.0, n), rng)
        for interval in ope.INTERVALS:
            est = ope.evaluate(logs, np.full(n, "a", dtype=object), method="ips", interval=interval)
            lean[interval].append((est.ci_high - est.value) / (est.value - est.ci_low))
    got = {i: float(np.mean(v)) for i, v in lean.items()}
    for second_order in ("bca", "studentized"):
        assert got[second_order] == pytest.approx(exact, abs=0.2), second_order
        assert abs(got[second_order] - exact) < abs(got["percentile"] - exact), second_order
        assert abs(got[second_order] - exact) < abs(got["sandwich"] - exact), second_order


def test_an_unknown_interval_is_refused() -> None:
    rng = np.random.default_rng(0)
    logs = _logs(np.full(10, "a", dtype=object), np.ones(10), rng.normal(0, 1, 10), rng)
    with pytest.raises(ValidationError, match="unknown interval"):
        ope.evaluate(logs, np.full(10, "a", dtype=object), interval="wishful")
