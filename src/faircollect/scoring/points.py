"""Scoring from the artefact in plain numpy: points per characteristic, the score, and the principal reasons.

``points_matrix`` is vectorised over rows (a million rows are a few array operations per characteristic);
``explain`` ranks, for one row, the characteristics by points lost against the best bin of each — the method
lenders use for adverse-action reasons (ECOA / Regulation B: at most four principal reasons).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from faircollect.kit.errors import ValidationError
from faircollect.scoring.artefact import Characteristic, Scorecard

MAX_REASONS = 4


def _numeric(values: Any, name: str) -> np.ndarray:
    arr = np.asarray(values)
    if arr.dtype.kind in "fiub":
        return arr.astype(np.float64)
    out = np.empty(len(arr), dtype=np.float64)
    for i, v in enumerate(arr):
        if v is None or (isinstance(v, float) and np.isnan(v)) or v == "":
            out[i] = np.nan
            continue
        try:
            out[i] = float(v)
        except (TypeError, ValueError):
            raise ValidationError(f"{name}: {v!r} is not a number", field=name, row=i + 1) from None
    return out


def characteristic_points(c: Characteristic, values: Any) -> np.ndarray:
    """The points of every row for one characteristic (int64)."""
    if c.dtype == "numerical":
        x = _numeric(values, c.name)
        pts = np.array([b.points for b in c.bins], dtype=np.int64)
        splits = np.array(c.splits, dtype=np.float64)
        idx = np.searchsorted(splits, np.nan_to_num(x, nan=0.0), side="right")
        return np.where(np.isnan(x), c.missing_points, pts[np.minimum(idx, len(pts) - 1)])
    import pandas as pd

    lookup = {cat: b.points for b in c.bins for cat in b.categories}
    arr = np.asarray(values, dtype=object)
    if len(arr) <= 64:  # one decision: a dict lookup beats factorising
        return np.array(
            [c.missing_points if v is None or v != v else lookup.get(str(v), c.missing_points) for v in arr],
            dtype=np.int64,
        )
    # Factorise once (a hash per row in C), then look each distinct value up; None / NaN get code -1, which
    # indexes the last entry: the missing points. Unseen categories take the missing points too.
    codes, uniques = pd.factorize(arr, use_na_sentinel=True)
    pts = np.array([lookup.get(str(u), c.missing_points) for u in uniques] + [c.missing_points], np.int64)
    return pts[codes]


#: One characteristic compiled for scoring a single value: (splits, bin points) or (category → points); keyed by
#: ``id`` with the characteristic itself kept in the value (so the id cannot be reused while cached).
_COMPILED: dict[int, tuple[Characteristic, Any]] = {}


def _compiled(c: Characteristic) -> Any:
    hit = _COMPILED.get(id(c))
    if hit is not None and hit[0] is c:
        return hit[1]
    if c.dtype == "numerical":
        table: Any = (list(c.splits), [b.points for b in c.bins])
    else:
        table = {cat: b.points for b in c.bins for cat in b.categories}
    _COMPILED[id(c)] = (c, table)
    return table


def value_points(c: Characteristic, value: Any) -> int:
    """The points of one value — the same number ``characteristic_points`` gives it in an array, without numpy
    (one decision scores eleven values; building arrays for them cost more than the scoring)."""
    if c.dtype == "numerical":
        splits, pts = _compiled(c)
        if value is None or (isinstance(value, str) and value == ""):
            return c.missing_points
        try:
            x = float(value)
        except (TypeError, ValueError):
            raise ValidationError(f"{c.name}: {value!r} is not a number", field=c.name, row=1) from None
        if x != x:  # NaN
            return c.missing_points
        return int(pts[min(bisect_right(splits, x), len(pts) - 1)])
    if value is None or value != value:
        return c.missing_points
    return int(_compiled(c).get(str(value), c.missing_points))


def _column(data: Mapping[str, Any], name: str) -> Any:
    if name not in data:
        raise ValidationError(f"the scorecard needs the column {name!r}", field=name)
    return data[name]


def points_matrix(card: Scorecard, data: Mapping[str, Any]) -> np.ndarray:
    """Rows × characteristics matrix of points, in ``card.characteristics`` order."""
    cols = [characteristic_points(c, _column(data, c.name)) for c in card.characteristics]
    if not cols:
        return np.zeros((0, 0), dtype=np.int64)
    return np.column_stack(cols)


def score(card: Scorecard, data: Mapping[str, Any]) -> np.ndarray:
    """The score of every row: base points + the points of each characteristic (int64)."""
    return card.base_points + points_matrix(card, data).sum(axis=1)


def p_good(card: Scorecard, scores: np.ndarray) -> np.ndarray:
    """The probability of *good* each score stands for (from the scaling, not refitted)."""
    s = card.scaling
    return 1.0 / (1.0 + np.exp(-(np.asarray(scores, dtype=np.float64) - s.offset) / s.factor))


@dataclass(frozen=True, slots=True)
class Reason:
    """A principal reason: which characteristic, what the applicant's bin was, how many points it cost."""

    rank: int
    characteristic: str
    bin: str
    points: int
    points_lost: int
    text_en: str
    text_zh: str

    def as_dict(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "characteristic": self.characteristic,
            "bin": self.bin,
            "points": self.points,
            "points_lost": self.points_lost,
            "text_en": self.text_en,
            "text_zh": self.text_zh,
        }


def _bin_label(c: Characteristic, value: Any, pts: int) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "missing"
    if c.dtype == "categorical":
        for b in c.bins:
            if str(value) in b.categories:
                return b.label
        return "unseen"
    x = float(value)
    for b in c.bins:
        if b.upper is None or x < b.upper:
            return b.label
    return str(pts)


def explain(card: Scorecard, row: Mapping[str, Any], *, limit: int = MAX_REASONS) -> tuple[int, list[Reason]]:
    """The score of one row and its principal reasons: characteristics ranked by points lost (at most ``limit``)."""
    pts = [value_points(c, _column(row, c.name)) for c in card.characteristics]
    lost = []
    for c, p in zip(card.characteristics, pts, strict=True):
        loss = c.best_points - p
        if loss > 0:
            lost.append((loss, c, p))
    lost.sort(key=lambda t: (-t[0], t[1].name))
    reasons = [
        Reason(
            rank=i + 1,
            characteristic=c.name,
            bin=_bin_label(c, row[c.name], p),
            points=p,
            points_lost=loss,
            text_en=c.reason_en,
            text_zh=c.reason_zh,
        )
        for i, (loss, c, p) in enumerate(lost[:limit])
    ]
    return card.base_points + sum(pts), reasons


def columns_of(rows: Sequence[Mapping[str, Any]], names: Sequence[str]) -> dict[str, list[Any]]:
    """Row dicts → column lists (missing keys become None)."""
    return {n: [r.get(n) for r in rows] for n in names}
