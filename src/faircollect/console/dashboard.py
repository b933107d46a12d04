"""The portfolio dashboard as lenders read it — pure functions over a month-end panel of loan states.

A *panel* is one ``LoanMonth`` per loan per month end (and the as-of day when it is not a month end). From it:

- **book by bucket** on a day;
- **roll rates month over month** (迁徙率): of the loans (and the principal) in bucket *b* at the end of last
  month, the share in each bucket — or repaid — at the end of this month, one matrix per pair of month ends, and
  the flow-rate series M0→M1, M1→M2 … that a credit committee follows month by month;
- **vintage curves** (账龄分析 / Vintage): for each origination month, the share of its loans delinquent (at or
  beyond a threshold bucket) after 1, 2, 3 … months on book;
- **cure curves**: of the loans delinquent in bucket *b* at a month end, the share current again (or repaid)
  *k* months later, pooled over starting months;
- **collectable vs overdue**: what is overdue and how much of it may lawfully be demanded, per month end;
- **gate denials by rule over time** and **agency performance** from plain rows.

Shares are ``Decimal`` (rounded half-up to 4 places), amounts integer minor units: the pages format both.
"""

from __future__ import annotations

import itertools
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal

from faircollect.kit.errors import ValidationError
from faircollect.ledger.buckets import DEFAULT_BUCKET_SET, BucketSet

#: The to-state of a loan repaid in full (or otherwise closed) between two month ends.
CLOSED = "closed"
_Q = Decimal("0.0001")


def share(part: int, whole: int) -> Decimal | None:
    """``part / whole`` as a Decimal rounded to 4 places; None when ``whole`` is 0 (no loans: no rate)."""
    if whole == 0:
        return None
    return (Decimal(part) / Decimal(whole)).quantize(_Q, rounding=ROUND_HALF_UP)


@dataclass(frozen=True, slots=True)
class LoanMonth:
    """One loan's state at one month end (replayed by the ledger)."""

    loan_id: str
    month_end: date
    originated: date  # first disbursement
    bucket: str
    closed: bool
    principal_outstanding_minor: int
    overdue_minor: int
    collectable_minor: int
    currency: str = "CNY"


def month_end(d: date) -> date:
    """The last day of ``d``'s month."""
    nxt = date(d.year + d.month // 12, d.month % 12 + 1, 1)
    return nxt - timedelta(days=1)


def month_ends(first: date, last: date) -> list[date]:
    """Month ends from ``first``'s month up to ``last``; ``last`` itself ends the list when it is not one."""
    if last < first:
        raise ValidationError(f"the dashboard period ends ({last}) before it starts ({first})", field="as_of")
    out: list[date] = []
    d = month_end(first)
    while d <= last:
        out.append(d)
        d = month_end(d + timedelta(days=1))
    if not out or out[-1] != last:
        out.append(last)
    return out


def months_between(a: date, b: date) -> int:
    """Whole calendar months from ``a``'s month to ``b``'s month."""
    return (b.year - a.year) * 12 + (b.month - a.month)


def _by_day(panel: Iterable[LoanMonth]) -> dict[date, dict[str, LoanMonth]]:
    out: dict[date, dict[str, LoanMonth]] = defaultdict(dict)
    for row in panel:
        out[row.month_end][row.loan_id] = row
    return dict(sorted(out.items()))


# --- book by bucket ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class BucketLine:
    bucket: str
    loans: int
    principal_outstanding_minor: int
    overdue_minor: int
    collectable_minor: int


def book_by_bucket(
    panel: Iterable[LoanMonth], day: date, bucket_set: BucketSet = DEFAULT_BUCKET_SET
) -> list[BucketLine]:
    """Open loans per bucket on ``day`` (every bucket of the set, empty ones as zero), in bucket order."""
    acc = {label: [0, 0, 0, 0] for label in bucket_set.labels}
    for r in panel:
        if r.month_end != day or r.closed:
            continue
        line = acc.setdefault(r.bucket, [0, 0, 0, 0])
        line[0] += 1
        line[1] += r.principal_outstanding_minor
        line[2] += r.overdue_minor
        line[3] += r.collectable_minor
    return [BucketLine(b, *v) for b, v in acc.items()]


# --- roll rates ----------------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class RollMatrix:
    """Bucket at ``start`` (rows) → bucket at ``end`` or repaid (columns): loans and principal at ``start``."""

    start: date
    end: date
    rows: tuple[str, ...]
    columns: tuple[str, ...]
    loans: dict[str, dict[str, int]]
    principal_minor: dict[str, dict[str, int]]

    def row_total(self, f: str, *, by: str = "loans") -> int:
        table = self.loans if by == "loans" else self.principal_minor
        return sum(table[f].values())

    def share(self, f: str, t: str, *, by: str = "loans") -> Decimal | None:
        """Share of row ``f`` that went to ``t`` (by loan count or by principal at the start)."""
        table = self.loans if by == "loans" else self.principal_minor
        return share(table[f][t], self.row_total(f, by=by))


def roll_rates(panel: Iterable[LoanMonth], bucket_set: BucketSet = DEFAULT_BUCKET_SET) -> list[RollMatrix]:
    """One matrix per pair of consecutive month ends: loans open at the first, where they are at the second."""
    days = _by_day(panel)
    order = list(days)
    labels = bucket_set.labels
    out = []
    for a, b in itertools.pairwise(order):
        loans = {f: dict.fromkeys((*labels, CLOSED), 0) for f in labels}
        principal = {f: dict.fromkeys((*labels, CLOSED), 0) for f in labels}
        for loan_id, before in days[a].items():
            if before.closed:
                continue
            after = days[b].get(loan_id)
            if after is None:
                continue
            to = CLOSED if after.closed else after.bucket
            loans.setdefault(before.bucket, dict.fromkeys((*labels, CLOSED), 0))
            principal.setdefault(before.bucket, dict.fromkeys((*labels, CLOSED), 0))
            loans[before.bucket][to] = loans[before.bucket].get(to, 0) + 1
            principal[before.bucket][to] = (
                principal[before.bucket].get(to, 0) + before.principal_outstanding_minor
            )
        out.append(
            RollMatrix(
                start=a,
                end=b,
                rows=tuple(loans),
                columns=(*labels, CLOSED),
                loans=loans,
                principal_minor=principal,
            )
        )
    return out


@dataclass(frozen=True, slots=True)
class FlowRate:
    """M(i) → M(i+1) month over month: the share of bucket ``source``'s principal that rolled one bucket on."""

    source: str
    target: str
    points: tuple[tuple[date, Decimal | None], ...]  # (month end of arrival, share by principal)


def flow_rates(matrices: Sequence[RollMatrix], bucket_set: BucketSet = DEFAULT_BUCKET_SET) -> list[FlowRate]:
    """The roll-forward series a credit committee reads: M0→M1, M1→M2 …, by principal, one point per month."""
    labels = bucket_set.labels
    out = []
    for src, dst in itertools.pairwise(labels):
        pts = tuple((m.end, m.share(src, dst, by="principal")) for m in matrices if src in m.principal_minor)
        out.append(FlowRate(source=src, target=dst, points=pts))
    return out


# --- vintages and cures --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class VintageCurve:
    """Loans originated in ``vintage`` (YYYY-MM): share delinquent after k months on book."""

    vintage: str
    loans: int
    points: tuple[tuple[int, Decimal | None], ...]  # (months on book, share of the vintage's loans)


def vintage_curves(
    panel: Iterable[LoanMonth], *, threshold: str = "M1", bucket_set: BucketSet = DEFAULT_BUCKET_SET
) -> list[VintageCurve]:
    """Delinquency by origination month: a loan counts at month end when its bucket is ``threshold`` or worse."""
    labels = bucket_set.labels
    if threshold not in labels:
        raise ValidationError(
            f"unknown bucket {threshold!r}; expected one of {', '.join(labels)}", field="threshold"
        )
    worse = set(labels[labels.index(threshold) :])
    cohort: dict[str, set[str]] = defaultdict(set)
    bad: dict[tuple[str, int], int] = defaultdict(int)
    seen: dict[tuple[str, int], int] = defaultdict(int)
    for r in panel:
        v = f"{r.originated:%Y-%m}"
        cohort[v].add(r.loan_id)
        mob = months_between(r.originated, r.month_end)
        if mob < 1:
            continue
        seen[(v, mob)] += 1
        if not r.closed and r.bucket in worse:
            bad[(v, mob)] += 1
    out = []
    for v in sorted(cohort):
        n = len(cohort[v])
        mobs = sorted(m for (vv, m) in seen if vv == v)
        out.append(VintageCurve(vintage=v, loans=n, points=tuple((m, share(bad[(v, m)], n)) for m in mobs)))
    return out


@dataclass(frozen=True, slots=True)
class CureCurve:
    """Of loans in ``bucket`` at a month end, the share current again or repaid k months later (pooled)."""

    bucket: str
    points: tuple[tuple[int, Decimal | None, int], ...]  # (months later, cured share, loans in the cohort)


def cure_curves(panel: Iterable[LoanMonth], bucket_set: BucketSet = DEFAULT_BUCKET_SET) -> list[CureCurve]:
    """Cure curves per delinquent bucket, pooled over every starting month end with a later one."""
    days = _by_day(panel)
    order = list(days)
    current = bucket_set.labels[0]
    out = []
    for b in bucket_set.labels[1:]:
        cured: dict[int, int] = defaultdict(int)
        cohort: dict[int, int] = defaultdict(int)
        for i, start in enumerate(order):
            ids = [lid for lid, r in days[start].items() if not r.closed and r.bucket == b]
            for k, later in enumerate(order[i + 1 :], start=1):
                for lid in ids:
                    r = days[later].get(lid)
                    if r is None:
                        continue
                    cohort[k] += 1
                    if r.closed or r.bucket == current:
                        cured[k] += 1
        out.append(
            CureCurve(
                bucket=b, points=tuple((k, share(cured[k], cohort[k]), cohort[k]) for k in sorted(cohort))
            )
        )
    return out


# --- amounts over time ----------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class CollectablePoint:
    day: date
    overdue_minor: int
    collectable_minor: int

    @property
    def excluded_minor(self) -> int:
        """Overdue charges above the legal cost cap: shown, never demanded."""
        return self.overdue_minor - self.collectable_minor


def collectable_vs_overdue(panel: Iterable[LoanMonth]) -> list[CollectablePoint]:
    """Per month end: everything overdue, and how much of it may lawfully be demanded."""
    acc: dict[date, list[int]] = defaultdict(lambda: [0, 0])
    for r in panel:
        if r.closed:
            continue
        acc[r.month_end][0] += r.overdue_minor
        acc[r.month_end][1] += r.collectable_minor
    return [CollectablePoint(d, o, c) for d, (o, c) in sorted(acc.items())]


# --- gate denials and agencies --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DenialSeries:
    periods: tuple[date, ...]  # first day of each period
    by_rule: dict[str, tuple[int, ...]]  # rule id → count per period

    def total(self, rule: str) -> int:
        return sum(self.by_rule.get(rule, ()))


def week_start(d: date) -> date:
    return d - timedelta(days=d.weekday())


def denials_by_rule(rows: Iterable[tuple[date, str]], *, period: str = "day") -> DenialSeries:
    """Count gate denials per rule per day, week (Monday) or month; every period between the first and last."""
    if period not in ("day", "week", "month"):
        raise ValidationError(f"unknown period {period!r}; expected day, week or month", field="period")

    def key(d: date) -> date:
        return d if period == "day" else week_start(d) if period == "week" else d.replace(day=1)

    counts: dict[str, dict[date, int]] = defaultdict(lambda: defaultdict(int))
    keys: set[date] = set()
    for d, rule in rows:
        k = key(d)
        counts[rule][k] += 1
        keys.add(k)
    if not keys:
        return DenialSeries(periods=(), by_rule={})
    periods = []
    p = min(keys)
    while p <= max(keys):
        periods.append(p)
        if period == "day":
            p += timedelta(days=1)
        elif period == "week":
            p += timedelta(days=7)
        else:
            p = month_end(p) + timedelta(days=1)
    return DenialSeries(
        periods=tuple(periods),
        by_rule={r: tuple(c.get(p, 0) for p in periods) for r, c in sorted(counts.items())},
    )


@dataclass(frozen=True, slots=True)
class PlacedCase:
    """One case placed with an agency, as the dashboard needs it."""

    agency: str
    balance_at_placement_minor: int
    recovered_minor: int
    cured: bool
    contacts: int
    complaints: int
    commission_rate: Decimal = Decimal(0)


@dataclass(frozen=True, slots=True)
class AgencyLine:
    agency: str
    cases: int
    placed_minor: int
    recovered_minor: int
    commission_minor: int
    recovery_rate: Decimal | None
    cure_rate: Decimal | None
    contacts_per_case: Decimal | None
    complaints: int
    complaints_per_100_cases: Decimal | None = field(default=None)


def agency_performance(cases: Iterable[PlacedCase]) -> list[AgencyLine]:
    """Per agency: placed and recovered amounts, recovery and cure rates, contacts and complaints per case."""
    by: dict[str, list[PlacedCase]] = defaultdict(list)
    for c in cases:
        by[c.agency].append(c)
    out = []
    for agency, cs in sorted(by.items()):
        placed = sum(c.balance_at_placement_minor for c in cs)
        recovered = sum(c.recovered_minor for c in cs)
        commission = sum(
            int((Decimal(c.recovered_minor) * c.commission_rate).quantize(Decimal(1), rounding=ROUND_HALF_UP))
            for c in cs
        )
        complaints = sum(c.complaints for c in cs)
        n = len(cs)
        out.append(
            AgencyLine(
                agency=agency,
                cases=n,
                placed_minor=placed,
                recovered_minor=recovered,
                commission_minor=commission,
                recovery_rate=share(recovered, placed),
                cure_rate=share(sum(1 for c in cs if c.cured), n),
                contacts_per_case=share(sum(c.contacts for c in cs), n),
                complaints=complaints,
                complaints_per_100_cases=share(100 * complaints, n),
            )
        )
    return out
