"""Model performance and stability in numpy: AUC, KS, Gini, calibration by score band, PSI / CSI.

Conventions: ``good`` is a 0/1 array (1 = the good outcome); higher scores should mean more goods. AUC is the
Mann-Whitney probability that a random good outscores a random bad (ties count half); Gini = 2·AUC − 1; KS is
the largest gap between the cumulative score distributions of goods and bads.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

#: Population stability: < 0.10 stable, 0.10–0.25 watch, ≥ 0.25 shifted (the usual industry reading).
PSI_WATCH = 0.10
PSI_ALERT = 0.25


def _rankdata(x: np.ndarray) -> np.ndarray:
    order = np.argsort(x, kind="mergesort")
    xs = x[order]
    ranks = np.empty(len(x), dtype=np.float64)
    # average ranks over ties
    starts = np.r_[0, np.flatnonzero(np.diff(xs)) + 1]
    ends = np.r_[starts[1:], len(xs)]
    avg = (starts + ends - 1) / 2.0 + 1.0
    ranks[order] = np.repeat(avg, ends - starts)
    return ranks


def auc(scores: Any, good: Any) -> float:
    s = np.asarray(scores, dtype=np.float64)
    g = np.asarray(good, dtype=bool)
    n_good, n_bad = int(g.sum()), int((~g).sum())
    if n_good == 0 or n_bad == 0:
        return float("nan")
    r = _rankdata(s)
    return float((r[g].sum() - n_good * (n_good + 1) / 2.0) / (n_good * n_bad))


def ks(scores: Any, good: Any) -> float:
    s = np.asarray(scores, dtype=np.float64)
    g = np.asarray(good, dtype=bool)
    if g.all() or (~g).all():
        return float("nan")
    values = np.unique(s)
    cg = np.searchsorted(np.sort(s[g]), values, side="right") / g.sum()
    cb = np.searchsorted(np.sort(s[~g]), values, side="right") / (~g).sum()
    return float(np.max(np.abs(cg - cb)))


def band_edges(scores: Any, n_bands: int = 10) -> list[float]:
    """Inner edges of ``n_bands`` score bands of about equal size (deciles by default)."""
    s = np.asarray(scores, dtype=np.float64)
    qs = np.quantile(s, np.linspace(0, 1, n_bands + 1)[1:-1])
    return sorted({float(q) for q in qs})


def bands(scores: Any, good: Any, edges: Sequence[float], p_good: Any) -> list[dict[str, Any]]:
    """Calibration by score band: count, observed good rate, mean predicted good probability."""
    s = np.asarray(scores, dtype=np.float64)
    g = np.asarray(good, dtype=np.float64)
    p = np.asarray(p_good, dtype=np.float64)
    idx = np.searchsorted(np.asarray(edges, dtype=np.float64), s, side="right")
    out = []
    bounds = [-np.inf, *edges, np.inf]
    for b in range(len(bounds) - 1):
        m = idx == b
        n = int(m.sum())
        out.append(
            {
                "band": b + 1,
                "score_from": None if np.isinf(bounds[b]) else bounds[b],
                "score_to": None if np.isinf(bounds[b + 1]) else bounds[b + 1],
                "n": n,
                "good_rate": round(float(g[m].mean()), 6) if n else None,
                "predicted_good": round(float(p[m].mean()), 6) if n else None,
            }
        )
    return out


def shares(values: Any, edges: Sequence[float]) -> list[float]:
    """Share of ``values`` in each bin between ``edges`` (right-open, as the score bands)."""
    v = np.asarray(values, dtype=np.float64)
    idx = np.searchsorted(np.asarray(edges, dtype=np.float64), v, side="right")
    counts = np.bincount(idx, minlength=len(edges) + 1).astype(np.float64)
    return (counts / max(len(v), 1)).tolist()


def psi(expected: Sequence[float], actual: Sequence[float], floor: float = 1e-4) -> float:
    """Population stability index Σ (a − e) · ln(a / e) over bins (shares floored to avoid log 0)."""
    e = np.maximum(np.asarray(expected, dtype=np.float64), floor)
    a = np.maximum(np.asarray(actual, dtype=np.float64), floor)
    return float(np.sum((a - e) * np.log(a / e)))


def psi_status(value: float) -> str:
    if value >= PSI_ALERT:
        return "alert"
    if value >= PSI_WATCH:
        return "watch"
    return "stable"


def summary(scores: Any, good: Any, edges: Sequence[float], p_good: Any) -> dict[str, Any]:
    """``{"auc", "ks", "gini", "n", "bands"}`` — the shape ``faircollect score eval`` prints."""
    a = auc(scores, good)
    return {
        "auc": round(a, 6),
        "ks": round(ks(scores, good), 6),
        "gini": round(2 * a - 1, 6),
        "n": len(np.asarray(scores)),
        "bands": bands(scores, good, edges, p_good),
    }
