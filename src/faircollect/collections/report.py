"""Champion/challenger report: per experiment arm and per bucket (at case opening) — cure rate, amount recovered,
contacts, cost, complaints — each with a 95 % confidence interval.

- Rates (cure, complaint): Wilson score interval (good at small n and near 0 or 1).
- Amounts (recovered per case): percentile bootstrap (2,000 resamples, fixed seed: the report is reproducible)
  up to 500 cases, the normal approximation (mean ± 1.96·s/√n) above.
- Uplift against the control group: difference of cure rates with a Wald interval.

Arms are assigned at random with a known probability per borrower, so a simple per-arm comparison is an unbiased
estimate of each arm's effect against control. Statistics are computed in floating point (they are estimates, not
money); amounts are reported as decimal strings in major units.
"""

from __future__ import annotations

import math
import random
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from faircollect.collections.models import CollectionCase, Complaint, ExperimentAssignment, PlannedContact
from faircollect.collections.service import net_payments
from faircollect.collections.settings import get_collections_settings
from faircollect.kit.money import format_minor

Z95 = 1.959963984540054
CURED = ("cured", "paid", "settled")


def wilson(k: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval for k successes in n trials; (0, 1) when n = 0."""
    if n <= 0:
        return (0.0, 1.0)
    p = k / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    return (max(0.0, centre - half), min(1.0, centre + half))


def mean_ci(
    values: Sequence[int], *, seed: int = 0, resamples: int = 2000, z: float = Z95
) -> tuple[float, float, float]:
    """Mean and 95 % interval: bootstrap percentile up to 500 values, normal approximation above."""
    n = len(values)
    if n == 0:
        return (0.0, 0.0, 0.0)
    mean = sum(values) / n
    if n == 1:
        return (mean, mean, mean)
    if n > 500:
        sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
        return (mean, mean - z * sd / math.sqrt(n), mean + z * sd / math.sqrt(n))
    rng = random.Random(seed)
    means = sorted(sum(rng.choices(values, k=n)) / n for _ in range(resamples))
    lo = means[int(0.025 * resamples)]
    hi = means[min(resamples - 1, int(0.975 * resamples))]
    return (mean, lo, hi)


def diff_ci(k1: int, n1: int, k0: int, n0: int, z: float = Z95) -> tuple[float, float, float] | None:
    """Difference of two proportions (arm − control) with a Wald interval; None when either is empty."""
    if n1 == 0 or n0 == 0:
        return None
    p1, p0 = k1 / n1, k0 / n0
    se = math.sqrt(p1 * (1 - p1) / n1 + p0 * (1 - p0) / n0)
    return (p1 - p0, p1 - p0 - z * se, p1 - p0 + z * se)


@dataclass(slots=True)
class _Acc:
    cases: int = 0
    cured: int = 0
    recovered: list[int] | None = None
    contacts: int = 0
    cost_minor: int = 0
    with_complaint: int = 0

    def __post_init__(self) -> None:
        if self.recovered is None:
            self.recovered = []


def _fmt_rate(x: float) -> str:
    return f"{x:.4f}"


def collections_report(
    session: Session, *, as_of: date, experiment: str | None = None, currency: str = "CNY"
) -> dict[str, Any]:
    """Rows per (experiment, arm, bucket) and per (experiment, arm) with bucket ``all``."""
    from faircollect.collections.models import AgencyMandate
    from faircollect.compliance.models import ContactAttempt

    settings = get_collections_settings()
    stmt = select(ExperimentAssignment)
    if experiment:
        stmt = stmt.where(ExperimentAssignment.experiment == experiment)
    assignments: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for ea in session.execute(stmt).scalars():
        assignments[ea.borrower_id].append((ea.experiment, ea.arm))
    commission = {m.id: float(m.commission_rate) for m in session.execute(select(AgencyMandate)).scalars()}
    acc: dict[tuple[str, str, str], _Acc] = defaultdict(_Acc)
    for case in session.execute(select(CollectionCase).order_by(CollectionCase.id)).scalars():
        if case.borrower_id not in assignments or case.currency != currency:
            continue
        end = case.closed_on or as_of
        recovered = sum(a for _, a in net_payments(session, case.loan_id, case.opened_on, end))
        planned = list(
            session.execute(
                select(PlannedContact.channel).where(
                    PlannedContact.case_id == case.id, PlannedContact.status == "enqueued"
                )
            ).scalars()
        )
        attempts = list(
            session.execute(
                select(ContactAttempt.channel).where(
                    ContactAttempt.loan_id == case.loan_id, ContactAttempt.channel.in_(("call", "visit"))
                )
            ).scalars()
        )
        cost = sum(settings.cost_minor(c) for c in planned + attempts)
        if case.mandate_id:
            cost += round(recovered * commission.get(case.mandate_id, 0.0))
        complaints = session.execute(
            select(Complaint.id).where(Complaint.borrower_id == case.borrower_id)
        ).first()
        for exp, arm in assignments[case.borrower_id]:
            for bucket in (case.open_bucket, "all"):
                a = acc[(exp, arm, bucket)]
                a.cases += 1
                a.cured += 1 if case.status == "closed" and case.close_reason in CURED else 0
                assert a.recovered is not None
                a.recovered.append(recovered)
                a.contacts += len(planned) + len(attempts)
                a.cost_minor += cost
                a.with_complaint += 1 if complaints is not None else 0
    rows = []
    for (exp, arm, bucket), a in sorted(acc.items()):
        assert a.recovered is not None
        lo, hi = wilson(a.cured, a.cases)
        mean, mlo, mhi = mean_ci(a.recovered)
        clo, chi = wilson(a.with_complaint, a.cases)
        row: dict[str, Any] = {
            "experiment": exp,
            "arm": arm,
            "bucket": bucket,
            "cases": a.cases,
            "cured": a.cured,
            "cure_rate": _fmt_rate(a.cured / a.cases if a.cases else 0.0),
            "cure_rate_ci": [_fmt_rate(lo), _fmt_rate(hi)],
            "recovered": format_minor(sum(a.recovered), currency),
            "recovered_per_case": format_minor(round(mean), currency),
            "recovered_per_case_ci": [format_minor(round(mlo), currency), format_minor(round(mhi), currency)],
            "contacts": a.contacts,
            "cost": format_minor(a.cost_minor, currency),
            "complaints": a.with_complaint,
            "complaint_rate_ci": [_fmt_rate(clo), _fmt_rate(chi)],
        }
        control = acc.get((exp, "control", bucket))
        if arm != "control" and control is not None:
            d = diff_ci(a.cured, a.cases, control.cured, control.cases)
            if d is not None:
                row["cure_uplift_vs_control"] = _fmt_rate(d[0])
                row["cure_uplift_ci"] = [_fmt_rate(d[1]), _fmt_rate(d[2])]
        rows.append(row)
    return {"as_of": as_of.isoformat(), "currency": currency, "rows": rows}
