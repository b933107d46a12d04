"""Off-policy evaluation and uplift from logged experiments (written here: obp does not install on Python ≥ 3.11,
and causalml would pull xgboost and a 350 MB CUDA library into the service; scikit-learn fits the reward models).

The decision is taken once per delinquent account, at the first day past due: which arm (a whole collections
strategy) runs for it. The logs hold the arm, its assignment probability and the reward (net recovery, fen).

* **IPS**: mean of 1[a = π(x)] · r / p;  **SNIPS**: the same, self-normalised;
* **DR** (doubly robust): mean of q̂(x, π(x)) + 1[a = π(x)] / p · (r − q̂(x, a)), with q̂ a ridge regression
  (features, squares, products) per arm, cross-fitted on two folds;
* intervals: 95%, percentile bootstrap over accounts (the reward models held fixed); BCa (scipy), bootstrap-t and
  an analytic (sandwich / delta-method) interval on request — over 90 populations all four cover as often
  (docs/strategy.md).
* **uplift**: the T-learner (one reward model per arm, CATE = difference) and the X-learner (imputed effects
  regressed per arm, combined with the propensity); the average uplift of a challenger with a Welch interval.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from sklearn.linear_model import Ridge
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import PolynomialFeatures, StandardScaler

from faircollect.kit.errors import ValidationError
from faircollect.strategy.logs import Logs

Z95 = 1.959963984540054
BOOTSTRAP = 400  # the percentile bootstrap's resamples
BCA_RESAMPLES = 2000  # BCa needs its tails estimated further out


def features(logs: Logs) -> np.ndarray:
    """What the planner knows at the first day past due: score, log balance, repeat borrower."""
    repeat = (
        logs.col("repeat").astype(float) if "repeat" in logs.table.column_names else np.zeros(len(logs.table))
    )
    return np.column_stack([logs.col("score"), np.log(logs.col("balance_minor").astype(float)), repeat])


def _model() -> Pipeline:
    """A ridge regression on the features and their squares and products: smooth, fast, hard to overfit on the
    few hundred accounts a cell and arm may have."""
    return make_pipeline(StandardScaler(), PolynomialFeatures(2), Ridge(alpha=10.0))


def reward_models(logs: Logs, *, folds: int = 2, seed: int = 0, column: str = "reward_minor") -> np.ndarray:
    """q̂(x_i, a) for every account i and arm a (columns in ``logs.arms`` order), cross-fitted: each account's
    prediction comes from models fitted on the other fold."""
    x = features(logs)
    arm = logs.col("arm")
    r = logs.col(column).astype(float)
    n = len(r)
    fold = np.random.default_rng(seed).integers(0, folds, size=n)
    q = np.zeros((n, len(logs.arms)))
    for f in range(folds):
        train, test = fold != f, fold == f
        for j, a in enumerate(logs.arms):
            mask = train & (arm == a)
            if mask.sum() < 20:
                q[test, j] = r[mask].mean() if mask.any() else r[train].mean()
                continue
            q[test, j] = _model().fit(x[mask], r[mask]).predict(x[test])
    return q


@dataclass(frozen=True)
class Estimate:
    value: float  # net recovery per delinquent account, fen
    ci_low: float
    ci_high: float
    method: str
    interval: str = ""  # how the interval was formed: bca, percentile, sandwich (welch for ``uplift``)

    def as_dict(self) -> dict[str, float | str]:
        return {
            "value": round(self.value, 1),
            "ci_low": round(self.ci_low, 1),
            "ci_high": round(self.ci_high, 1),
            "method": self.method,
            "interval": self.interval,
            "unit": "fen per delinquent account",
        }


INTERVALS = ("bca", "percentile", "sandwich", "studentized")


def evaluate(
    logs: Logs,
    target: np.ndarray,
    *,
    method: str = "dr",
    q: np.ndarray | None = None,
    seed: int = 0,
    interval: str = "percentile",
) -> Estimate:
    """The value of the policy that runs arm ``target[i]`` for account ``i`` (IPS, SNIPS or DR), with a 95%
    interval: ``percentile`` (the plain percentile bootstrap, 400 resamples of accounts), ``bca`` (scipy's
    bias-corrected and accelerated bootstrap, 2,000 resamples), ``studentized`` (bootstrap-t, 2,000 resamples)
    or ``sandwich`` (normal interval on the analytic variance: the
    sample variance of the terms for IPS and DR, the delta-method variance of the ratio for SNIPS)."""
    arm = logs.col("arm")
    p = logs.col("probability").astype(float)
    r = logs.col("reward_minor").astype(float)
    if (p <= 0).any():
        raise ValidationError("every logged probability must be above 0", field="probability")
    unknown = set(np.unique(target)) - set(logs.arms)
    if unknown:
        raise ValidationError(f"the policy runs arms the logs never ran: {sorted(unknown)}", field="policy")
    if interval not in INTERVALS:
        raise ValidationError(f"unknown interval {interval!r}; expected one of {INTERVALS}", field="interval")
    w = (arm == target).astype(float) / p
    if method == "ips":
        terms = w * r
    elif method == "snips":
        return _ratio_interval(w, w * r, method, seed, interval)
    elif method == "dr":
        q = reward_models(logs) if q is None else q
        col = {a: j for j, a in enumerate(logs.arms)}
        qi = np.arange(len(r))
        q_target = q[qi, [col[a] for a in target]]
        q_logged = q[qi, [col[a] for a in arm]]
        terms = q_target + w * (r - q_logged)
    else:
        raise ValidationError(f"unknown method {method!r}; expected ips, snips or dr", field="method")
    return _mean_interval(terms, method, seed, interval)


def _mean_interval(terms: np.ndarray, method: str, seed: int, interval: str) -> Estimate:
    """A mean of per-account terms (IPS, DR) with its 95% interval."""
    point = float(terms.mean())
    n = len(terms)
    if interval == "sandwich":
        se = float(terms.std(ddof=1)) / math.sqrt(n) if n > 1 else 0.0
        return Estimate(point, point - Z95 * se, point + Z95 * se, method, "sandwich")
    if interval == "percentile":
        return _percentile(lambda idx: float(terms[idx].mean()), point, n, method, seed)
    if interval == "studentized":

        def mean_and_se(idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            t = terms[idx]
            return t.mean(axis=-1), t.std(axis=-1, ddof=1) / math.sqrt(n)

        return _studentized(mean_and_se, n, method, seed)
    return _bca((terms,), lambda t, axis: np.asarray(np.mean(t, axis=axis)), point, method, seed)


def _ratio_interval(w: np.ndarray, wr: np.ndarray, method: str, seed: int, interval: str) -> Estimate:
    """The self-normalised ratio Σ w·r / Σ w with its 95% interval (delta method: the influence of account i is
    w_i · (r_i − v̂) / mean(w))."""
    total = max(float(w.sum()), 1e-12)
    point = float(wr.sum()) / total
    n = len(w)
    if interval == "sandwich":
        influence = (wr - w * point) / (total / n)
        se = float(influence.std(ddof=1)) / math.sqrt(n) if n > 1 else 0.0
        return Estimate(point, point - Z95 * se, point + Z95 * se, method, "sandwich")
    if interval == "percentile":
        return _percentile(
            lambda idx: float(wr[idx].sum() / max(w[idx].sum(), 1e-12)), point, n, method, seed
        )
    if interval == "studentized":

        def ratio_and_se(idx: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            a, b = w[idx], wr[idx]
            total_ = np.maximum(a.sum(axis=-1, keepdims=True), 1e-12)
            v = b.sum(axis=-1, keepdims=True) / total_
            influence = (b - a * v) / (total_ / n)
            return v[..., 0], influence.std(axis=-1, ddof=1) / math.sqrt(n)

        return _studentized(ratio_and_se, n, method, seed)

    def ratio(a: np.ndarray, b: np.ndarray, axis: int) -> np.ndarray:
        return np.asarray(np.sum(b, axis=axis) / np.maximum(np.sum(a, axis=axis), 1e-12))

    return _bca((w, wr), ratio, point, method, seed)


def _percentile(
    stat: Callable[[np.ndarray], float], point: float, n: int, method: str, seed: int
) -> Estimate:
    rng = np.random.default_rng(seed)
    boots = np.array([stat(rng.integers(0, n, size=n)) for _ in range(BOOTSTRAP)])
    lo, hi = np.quantile(boots, [0.025, 0.975])
    return Estimate(point, float(lo), float(hi), method, "percentile")


def _studentized(
    stat_se: Callable[[np.ndarray], tuple[np.ndarray, np.ndarray]], n: int, method: str, seed: int
) -> Estimate:
    """Bootstrap-t: the 2.5% and 97.5% points of (v* − v̂) / se* over resamples of accounts, turned around the
    estimate with its own analytic standard error (resamples without spread are left out)."""
    rng = np.random.default_rng(seed)
    point, se = (float(x) for x in stat_se(np.arange(n)))
    idx = rng.integers(0, n, size=(BCA_RESAMPLES, n))
    v, s = stat_se(idx)
    ok = s > 0
    if se == 0 or not ok.any():
        return Estimate(point, point, point, method, "studentized")
    t = (v[ok] - point) / s[ok]
    lo_t, hi_t = np.quantile(t, [0.025, 0.975])
    return Estimate(point, point - float(hi_t) * se, point - float(lo_t) * se, method, "studentized")


def _bca(
    data: tuple[np.ndarray, ...], statistic: Callable[..., np.ndarray], point: float, method: str, seed: int
) -> Estimate:
    """scipy.stats.bootstrap, BCa, accounts resampled whole (paired across the arrays). Falls back to the point
    when every term is equal (no spread to resample)."""
    from scipy.stats import bootstrap

    if all(np.ptp(d) == 0 for d in data):
        return Estimate(point, point, point, method, "bca")
    res = bootstrap(
        data,
        statistic,
        paired=True,
        vectorized=True,
        n_resamples=BCA_RESAMPLES,
        confidence_level=0.95,
        method="BCa",
        rng=np.random.default_rng(seed),
    )
    lo, hi = float(res.confidence_interval.low), float(res.confidence_interval.high)
    if not (math.isfinite(lo) and math.isfinite(hi)):
        raise ValidationError("the bootstrap interval is undefined on these logs (too few matching accounts)")
    return Estimate(point, lo, hi, method, "bca")


def uplift(logs: Logs, challenger: str, champion: str = "champion") -> Estimate:
    """The challenger's average uplift in net recovery per account over the champion, from the randomised arms:
    difference in means with a Welch 95% interval."""
    arm = logs.col("arm")
    r = logs.col("reward_minor").astype(float)
    a, b = r[arm == challenger], r[arm == champion]
    if len(a) < 2 or len(b) < 2:
        raise ValidationError(f"too few accounts in {challenger!r} or {champion!r}", field="arm")
    diff = a.mean() - b.mean()
    se = math.sqrt(a.var(ddof=1) / len(a) + b.var(ddof=1) / len(b))
    return Estimate(float(diff), float(diff - Z95 * se), float(diff + Z95 * se), "welch", "welch")


def cate(logs: Logs, challenger: str, champion: str = "champion", learner: str = "x") -> np.ndarray:
    """Per-account uplift of ``challenger`` over ``champion`` (T- or X-learner), for every account in the logs."""
    x = features(logs)
    arm = logs.col("arm")
    r = logs.col("reward_minor").astype(float)
    t, c = arm == challenger, arm == champion
    mu1, mu0 = _model().fit(x[t], r[t]), _model().fit(x[c], r[c])
    if learner == "t":
        return np.asarray(mu1.predict(x) - mu0.predict(x))
    if learner != "x":
        raise ValidationError(f"unknown learner {learner!r}; expected t or x", field="learner")
    d1 = r[t] - mu0.predict(x[t])  # imputed effects on the treated …
    d0 = mu1.predict(x[c]) - r[c]  # … and on the controls
    tau1, tau0 = _model().fit(x[t], d1), _model().fit(x[c], d0)
    g = t.sum() / (t.sum() + c.sum())  # randomised: the propensity is the arms' share
    return np.asarray(g * tau0.predict(x) + (1 - g) * tau1.predict(x))


def accounts_per_arm(base_rate: float, uplift_pp: float, *, alpha: float = 0.05, power: float = 0.8) -> int:
    """Accounts per arm to detect a change of ``uplift_pp`` points in a rate at ``base_rate`` (two-sided test of
    two proportions, pooled variance under the null)."""
    from statistics import NormalDist

    if not 0 < base_rate < 1 or uplift_pp == 0:
        raise ValidationError("base rate must be in (0, 1) and the uplift not 0", field="base_rate")
    p1, p2 = base_rate, base_rate + uplift_pp / 100
    if not 0 < p2 < 1:
        raise ValidationError("base rate plus uplift must stay in (0, 1)", field="uplift")
    za = NormalDist().inv_cdf(1 - alpha / 2)
    zb = NormalDist().inv_cdf(power)
    pbar = (p1 + p2) / 2
    num = za * math.sqrt(2 * pbar * (1 - pbar)) + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    return math.ceil(num**2 / (p2 - p1) ** 2)


def accounts_per_arm_mean(sd: float, uplift: float, *, alpha: float = 0.05, power: float = 0.8) -> int:
    """Accounts per arm to detect a change ``uplift`` in a mean with standard deviation ``sd``."""
    from statistics import NormalDist

    za, zb = NormalDist().inv_cdf(1 - alpha / 2), NormalDist().inv_cdf(power)
    return math.ceil(2 * ((za + zb) * sd / uplift) ** 2)
