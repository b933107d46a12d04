"""Protected characteristics are never model inputs; the model card reports outcomes by them for testing.

ECOA / Regulation B (12 CFR 1002.6(b)) bars sex, race, colour, religion, national origin and marital status from
credit scoring; China's PIPL art. 28 treats religion, ethnicity and 籍贯 (region of origin) as sensitive personal
information, and the 2022 PBoC / CBIRC fair-lending notices bar discrimination by region and ethnicity. A column
whose name says it carries one of them is refused as an input unless declared as a fairness column, which is
reported on and never scored.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np

from faircollect.kit.errors import ValidationError

#: Name patterns (lower case, matched anywhere in the column name) per protected characteristic.
PROTECTED: dict[str, tuple[str, ...]] = {
    "sex": ("sex", "gender", "性别", "personal_status"),
    "ethnicity": ("ethnic", "race", "racial", "colour", "color", "民族", "种族"),
    "religion": ("religion", "religious", "faith", "宗教", "信仰"),
    "national_origin": ("national_origin", "nationality", "foreign_worker", "citizenship", "国籍"),
    "marital_status": ("marital", "婚姻"),
    # CN: 籍贯 / 户籍 — region of origin (the place one's family comes from or is registered in)
    "region_of_origin": (
        "region_of_origin",
        "hukou",
        "籍贯",
        "户籍",
        "native_place",
        "birthplace",
        "province_of_origin",
    ),
}


def protected_kind(column: str) -> str | None:
    name = column.lower()
    for kind, patterns in PROTECTED.items():
        if any(re.search(re.escape(p), name) for p in patterns):
            return kind
    return None


def check_inputs(columns: Iterable[str], fairness_columns: Sequence[str]) -> None:
    """Refuse any input column that looks protected and was not declared as a fairness column."""
    bad = [(c, k) for c in columns if c not in fairness_columns and (k := protected_kind(c)) is not None]
    if bad:
        listed = ", ".join(f"{c!r} ({k})" for c, k in bad)
        raise ValidationError(
            f"protected characteristic(s) refused as model inputs: {listed}. Drop them, or pass each with "
            "--fairness-column to have outcomes reported by it (never scored)",
            field=bad[0][0],
        )


def outcome_rates(
    groups: Any, good: Any, scores: Any, cutoff: float, *, column: str, limit: int = 50
) -> list[dict[str, Any]]:
    """Per group of a fairness column: n, observed good rate, mean score, share at or above ``cutoff``."""
    g = np.asarray(groups, dtype=object)
    y = np.asarray(good, dtype=np.float64)
    s = np.asarray(scores, dtype=np.float64)
    out = []
    for value in sorted({str(v) for v in g})[:limit]:
        m = np.array([str(v) == value for v in g])
        n = int(m.sum())
        out.append(
            {
                "column": column,
                "group": value,
                "n": n,
                "good_rate": round(float(y[m].mean()), 4),
                "mean_score": round(float(s[m].mean()), 1),
                "share_at_or_above_cutoff": round(float((s[m] >= cutoff).mean()), 4),
            }
        )
    return out
