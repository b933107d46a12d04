"""Training a scorecard: monotonic optimal binning (optbinning) → WOE logistic regression → points.

Steps, all seeded: split development / validation (70/30, stratified); bin every allowed column on the
development part (numerical bins monotonic in the event rate, categorical bins grouped); keep characteristics
with information value ≥ ``min_iv``; fit a logistic regression on the WOE values; drop any characteristic whose
coefficient has the wrong sign (points would run against its own bins' evidence) and refit; scale to integer
points. Two challengers are fitted on the same split and reported, never deployed silently: a plain logistic
regression on the raw columns (one-hot / standardised) and a gradient-boosted model with monotone constraints on
the WOE values.
"""

from __future__ import annotations

import functools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from importlib import resources
from typing import Any

import numpy as np
import pandas as pd
import yaml

from faircollect.kit.errors import ValidationError
from faircollect.scoring import metrics
from faircollect.scoring.artefact import KINDS, Bin, Characteristic, Scaling, Scorecard, content_version
from faircollect.scoring.fairness import check_inputs, outcome_rates
from faircollect.scoring.points import p_good, points_matrix, score


@functools.cache
def reason_texts() -> dict[str, dict[str, str]]:
    text = resources.files("faircollect.scoring").joinpath("data/reasons.yaml").read_text(encoding="utf-8")
    data: dict[str, dict[str, str]] = yaml.safe_load(text)
    return data


def _reason(name: str) -> tuple[str, str]:
    r = reason_texts().get(name)
    if r:
        return r["en"], r["zh"]
    return f"{name}: the value given scores below the best range", f"{name}：所填信息的评分低于最佳区间"


@dataclass(frozen=True, slots=True)
class TrainSpec:
    kind: str
    target: str
    name: str = ""
    good_values: tuple[str, ...] = ()  # target values read as good; empty = 0 is good (1 = event/bad) for A/B
    scaling: Scaling = field(default_factory=Scaling)
    fairness_columns: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    min_iv: float = 0.02
    test_share: float = 0.30
    seed: int = 1
    max_n_bins: int = 8


@dataclass
class TrainResult:
    card: Scorecard
    model_card: dict[str, Any]


def good_labels(spec: TrainSpec, column: pd.Series) -> np.ndarray:
    """The target as 0/1 with 1 = good. Without ``good_values``: A/B cards read 1 as bad, the C card 1 as paid."""
    if spec.good_values:
        return column.astype(str).isin(spec.good_values).to_numpy(dtype=np.int64)
    values = set(column.dropna().unique().tolist())
    if not values <= {0, 1}:
        raise ValidationError(
            f"target {spec.target!r} has values {sorted(map(str, values))[:5]}; give --good VALUE for what "
            "counts as good",
            field=spec.target,
        )
    y = column.astype(np.int64).to_numpy()
    return y if spec.kind == "collection" else 1 - y


def good_when(spec: TrainSpec) -> str:
    if spec.good_values:
        return f"{spec.target} in ({', '.join(spec.good_values)})"
    return f"{spec.target} == 1" if spec.kind == "collection" else f"{spec.target} == 0"


def _split(n: int, good: np.ndarray, spec: TrainSpec) -> tuple[np.ndarray, np.ndarray]:
    from sklearn.model_selection import train_test_split

    idx = np.arange(n)
    dev, val = train_test_split(idx, test_size=spec.test_share, random_state=spec.seed, stratify=good)
    return np.sort(dev), np.sort(val)


def _is_categorical(s: pd.Series) -> bool:
    return not pd.api.types.is_numeric_dtype(s) or pd.api.types.is_bool_dtype(s)


def _bins(optb: Any, coef: float, factor: float) -> tuple[tuple[Bin, ...], int]:
    table = optb.binning_table.build()
    rows = table.drop(index="Totals", errors="ignore")
    bins: list[Bin] = []
    missing_points = 0
    for i, (_, r) in enumerate(rows.iterrows()):
        label = r["Bin"]
        woe = float(r["WoE"])
        pts = round(-factor * coef * woe)
        if isinstance(label, str) and label in ("Special", "Missing"):
            if label == "Missing":
                missing_points = pts
            continue
        count = int(r["Count"])
        rate = float(r["Event rate"]) if count else 0.0
        if optb.dtype == "categorical":
            cats = tuple(str(x) for x in list(optb.splits[i]))
            bins.append(Bin(str(", ".join(cats)), pts, woe, count, rate, None, cats))
        else:
            splits = list(optb.splits)
            upper = float(splits[i]) if i < len(splits) else None
            bins.append(Bin(str(label), pts, woe, count, rate, upper))
    return tuple(bins), missing_points


def _fit_lr(x: np.ndarray, y_bad: np.ndarray, seed: int) -> tuple[np.ndarray, float]:
    from sklearn.linear_model import LogisticRegression

    lr = LogisticRegression(C=1.0, max_iter=1000, random_state=seed)
    lr.fit(x, y_bad)
    return lr.coef_[0], float(lr.intercept_[0])


def raw_logistic_auc(
    frame: pd.DataFrame, good: np.ndarray, dev: np.ndarray, val: np.ndarray, seed: int
) -> float:
    """Challenger: logistic regression on the raw columns (categoricals one-hot, numbers standardised)."""
    from sklearn.compose import ColumnTransformer
    from sklearn.impute import SimpleImputer
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import OneHotEncoder, StandardScaler

    cats = [c for c in frame.columns if _is_categorical(frame[c])]
    nums = [c for c in frame.columns if c not in cats]
    pre = ColumnTransformer(
        [
            ("cat", OneHotEncoder(handle_unknown="ignore"), cats),
            ("num", make_pipeline(SimpleImputer(strategy="median"), StandardScaler()), nums),
        ]
    )
    model = make_pipeline(pre, LogisticRegression(max_iter=2000, random_state=seed))
    model.fit(frame.iloc[dev].astype({c: str for c in cats}), good[dev])
    p = model.predict_proba(frame.iloc[val].astype({c: str for c in cats}))[:, 1]
    return metrics.auc(p, good[val])


def monotone_gbm_auc(woe: np.ndarray, good: np.ndarray, dev: np.ndarray, val: np.ndarray, seed: int) -> float:
    """Challenger: gradient boosting on the WOE values, monotone increasing in each (more WOE, more good)."""
    from sklearn.ensemble import HistGradientBoostingClassifier

    gbm = HistGradientBoostingClassifier(
        max_iter=200, learning_rate=0.05, max_depth=3, monotonic_cst=[-1] * woe.shape[1], random_state=seed
    )
    # optbinning's WoE is ln(non-event share / event share) with event = bad, so more WoE means less bad.
    gbm.fit(woe[dev], 1 - good[dev])
    p_bad = gbm.predict_proba(woe[val])[:, 1]
    return metrics.auc(-p_bad, good[val])


def train(frame: pd.DataFrame, spec: TrainSpec, *, challengers: bool = True) -> TrainResult:
    """Train a scorecard on ``frame`` (one row per account, the target and the candidate characteristics)."""
    from optbinning import BinningProcess

    if spec.kind not in KINDS:
        raise ValidationError(f"unknown kind {spec.kind!r}; one of {', '.join(KINDS)}", field="kind")
    if spec.target not in frame.columns:
        raise ValidationError(f"no target column {spec.target!r} in the data", field="target")
    for c in (*spec.fairness_columns, *spec.exclude):
        if c not in frame.columns:
            raise ValidationError(f"no column {c!r} in the data", field=c)
    if frame[spec.target].isna().any():
        raise ValidationError(f"target {spec.target!r} has missing values", field=spec.target)
    good = good_labels(spec, frame[spec.target])
    if good.min() == good.max():
        raise ValidationError(f"target {spec.target!r} has only one outcome", field=spec.target)
    inputs = [c for c in frame.columns if c not in (spec.target, *spec.fairness_columns, *spec.exclude)]
    check_inputs(inputs, spec.fairness_columns)
    if not inputs:
        raise ValidationError("no characteristics left to train on", field="data")
    x = frame[inputs]
    dev, val = _split(len(frame), good, spec)
    bad = 1 - good
    cats = [c for c in inputs if _is_categorical(x[c])]
    x = x.astype({c: str for c in cats})
    params = {
        c: {"monotonic_trend": "auto_asc_desc", "max_n_bins": spec.max_n_bins}
        if c not in cats
        else {"max_n_bins": spec.max_n_bins}
        for c in inputs
    }
    bp = BinningProcess(inputs, categorical_variables=cats, binning_fit_params=params)
    bp.fit(x.iloc[dev], bad[dev])
    summary = bp.summary().set_index("name")
    ivs = {c: float(summary.loc[c, "iv"]) for c in inputs}
    kept = [c for c in inputs if ivs[c] >= spec.min_iv]
    if not kept:
        raise ValidationError(f"no characteristic reaches information value {spec.min_iv}", field="data")
    woe_all = bp.transform(x, metric="woe")
    while True:
        coef, intercept = _fit_lr(woe_all[kept].to_numpy()[dev], bad[dev], spec.seed)
        wrong = [c for c, b in zip(kept, coef, strict=True) if b > 0]
        if not wrong or len(kept) == 1:
            break
        kept = [c for c in kept if c not in wrong]
    factor, offset = spec.scaling.factor, spec.scaling.offset
    chars = []
    for c, b in zip(kept, coef, strict=True):
        bins, missing = _bins(bp.get_binned_variable(c), float(b), factor)
        en, zh = _reason(c)
        chars.append(
            Characteristic(
                name=c,
                dtype="categorical" if c in cats else "numerical",
                bins=bins,
                missing_points=missing,
                coefficient=round(float(b), 8),
                iv=round(ivs[c], 6),
                reason_en=en,
                reason_zh=zh,
            )
        )
    card = Scorecard(
        kind=spec.kind,
        name=spec.name or f"{spec.kind}-card",
        target=spec.target,
        good_when=good_when(spec),
        scaling=spec.scaling,
        base_points=round(offset + factor * intercept * -1),
        characteristics=tuple(chars),
    )
    cols = {c: x[c].to_numpy() for c in kept}
    scores = score(card, cols)
    edges = metrics.band_edges(scores[dev])
    dev_bands = metrics.bands(scores[dev], good[dev], edges, p_good(card, scores[dev]))
    pm = points_matrix(card, cols)
    dev_shares = metrics.shares(scores[dev], edges)
    development: dict[str, Any] = {
        "n": len(dev),
        "good_rate": round(float(good[dev].mean()), 6),
        "score_edges": edges,
        "score_shares": dev_shares,
        "characteristics": {
            ch.name: _point_shares(pm[dev, j], ch) for j, ch in enumerate(card.characteristics)
        },
    }
    card = replace(
        card, bands=tuple(dev_bands), development=development, trained_at=datetime.now(UTC).isoformat()
    )
    card = replace(card, version=content_version(card))
    val_summary = metrics.summary(scores[val], good[val], edges, p_good(card, scores[val]))
    dev_summary = metrics.summary(scores[dev], good[dev], edges, p_good(card, scores[dev]))
    model_card: dict[str, Any] = {
        "model": card.key,
        "kind": card.kind,
        "target": card.target,
        "good_when": card.good_when,
        "scaling": {
            "pdo": spec.scaling.pdo,
            "base_score": spec.scaling.base_score,
            "base_odds": spec.scaling.base_odds,
        },
        "split": {
            "development": len(dev),
            "validation": len(val),
            "seed": spec.seed,
            "test_share": spec.test_share,
        },
        "development": {k: dev_summary[k] for k in ("auc", "ks", "gini", "n")},
        "validation": val_summary,
        "psi_validation_vs_development": round(
            metrics.psi(dev_shares, metrics.shares(scores[val], edges)), 6
        ),
        "characteristics": [
            {
                "name": ch.name,
                "iv": ch.iv,
                "coefficient": ch.coefficient,
                "bins": [_bin_row(b) for b in ch.bins],
                "missing_points": ch.missing_points,
            }
            for ch in card.characteristics
        ],
        "dropped": {
            "low_iv": sorted(c for c in inputs if ivs[c] < spec.min_iv),
            "wrong_sign": sorted(c for c in inputs if ivs[c] >= spec.min_iv and c not in kept),
            "protected_reported_only": list(spec.fairness_columns),
            "excluded": list(spec.exclude),
        },
        "score_range": [card.min_score, card.max_score],
    }
    if challengers:
        woe_kept = woe_all[kept].to_numpy()
        raw = raw_logistic_auc(frame[inputs], good, dev, val, spec.seed)
        gbm = monotone_gbm_auc(woe_kept, good, dev, val, spec.seed)
        model_card["challengers"] = {
            "raw_logistic_regression_auc": round(raw, 6),
            "monotone_gbm_on_woe_auc": round(gbm, 6),
            "scorecard_auc": val_summary["auc"],
            "deployed": "scorecard",
            "why": "the monotone GBM is deployed only when it beats the scorecard by at least 0.02 AUC on "
            "validation; otherwise the scorecard's additive points explain every decision exactly",
            "gbm_wins": bool(gbm - val_summary["auc"] >= 0.02),
        }
    if spec.fairness_columns:
        cutoff = float(np.median(scores[dev]))
        model_card["fairness"] = {
            "note": "outcome rates on the validation part by columns supplied for testing; never model inputs",
            "cutoff_for_share": cutoff,
            "groups": [
                row
                for col in spec.fairness_columns
                for row in outcome_rates(
                    frame[col].to_numpy()[val], good[val], scores[val], cutoff, column=col
                )
            ],
        }
    return TrainResult(card, model_card)


def _point_shares(points: np.ndarray, ch: Characteristic) -> dict[str, Any]:
    values = sorted({b.points for b in ch.bins} | {ch.missing_points})
    counts = {v: int((points == v).sum()) for v in values}
    n = max(len(points), 1)
    return {"points": values, "shares": [counts[v] / n for v in values]}


def _bin_row(b: Bin) -> dict[str, Any]:
    return {
        "bin": b.label,
        "count": b.count,
        "event_rate": round(b.event_rate, 4),
        "woe": round(b.woe, 4),
        "points": b.points,
    }


def evaluate(
    card: Scorecard, frame: pd.DataFrame, target: str, good_values: Sequence[str] = ()
) -> dict[str, Any]:
    """``{"auc", "ks", "gini", "n", "bands"}`` of the card on other data (bands = the development edges)."""
    if target not in frame.columns:
        raise ValidationError(f"no target column {target!r} in the data", field="target")
    spec = TrainSpec(kind=card.kind, target=target, good_values=tuple(good_values))
    good = good_labels(spec, frame[target])
    cols: Mapping[str, Any] = {c: frame[c].to_numpy() for c in card.inputs if c in frame.columns}
    scores = score(card, cols)
    edges = card.development.get("score_edges") or metrics.band_edges(scores)
    out = metrics.summary(scores, good, edges, p_good(card, scores))
    out["psi"] = (
        round(metrics.psi(card.development.get("score_shares", []), metrics.shares(scores, edges)), 6)
        if card.development.get("score_shares")
        else None
    )
    out["model"] = card.key
    return out
