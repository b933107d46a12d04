"""AUC, KS and PSI against their definitions (and scikit-learn's AUC)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from sklearn.metrics import roc_auc_score

from faircollect.scoring import metrics


@settings(max_examples=60, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 20), st.booleans()), min_size=2, max_size=60))
def test_auc_equals_scikit_learn_with_ties(rows: list[tuple[int, bool]]) -> None:
    s = np.array([r[0] for r in rows], dtype=float)
    g = np.array([r[1] for r in rows])
    if g.all() or not g.any():
        assert np.isnan(metrics.auc(s, g))
        return
    assert abs(metrics.auc(s, g) - roc_auc_score(g, s)) < 1e-12


def test_ks_of_a_perfect_separation_is_one_and_gini_follows_auc() -> None:
    s = np.arange(10)
    g = s >= 5
    assert metrics.ks(s, g) == 1.0
    out = metrics.summary(s, g, metrics.band_edges(s, 5), np.full(10, 0.5))
    assert out["auc"] == 1.0 and out["gini"] == 1.0 and out["n"] == 10 and len(out["bands"]) == 5


def test_psi_is_zero_for_the_same_distribution_and_grows_with_a_shift() -> None:
    rng = np.random.default_rng(1)
    dev = rng.normal(500, 50, 10_000)
    edges = metrics.band_edges(dev)
    e = metrics.shares(dev, edges)
    assert metrics.psi(e, e) == 0.0
    small = metrics.psi(e, metrics.shares(rng.normal(502, 50, 10_000), edges))
    big = metrics.psi(e, metrics.shares(rng.normal(540, 50, 10_000), edges))
    assert small < metrics.PSI_WATCH < metrics.PSI_ALERT < big
    assert metrics.psi_status(big) == "alert" and metrics.psi_status(small) == "stable"
