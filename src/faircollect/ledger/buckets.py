"""Delinquency buckets: named day ranges of days past due (账龄 M0/M1/M2 … or Fineract-style ranges).

A bucket set is plain data; ``bucket_for`` maps delinquent days to a label. The default ``"cn"`` set follows the
Chinese card/consumer-lending convention: M0 = current, M1 = 1–30 days, M2 = 31–60, M3 = 61–90, M4+ = 91 and more.
"""

from __future__ import annotations

from dataclasses import dataclass

from faircollect.kit.errors import ValidationError


@dataclass(frozen=True, slots=True)
class Bucket:
    label: str
    min_days: int
    max_days: int | None  # None = no upper limit


@dataclass(frozen=True, slots=True)
class BucketSet:
    """A named, ordered set of contiguous buckets starting at 0 days."""

    name: str
    buckets: tuple[Bucket, ...]

    def __post_init__(self) -> None:
        if not self.buckets:
            raise ValidationError("a bucket set needs at least one bucket", field="buckets")
        expected = 0
        for i, b in enumerate(self.buckets):
            if b.min_days != expected:
                raise ValidationError(
                    f"bucket {b.label!r} starts at {b.min_days}, expected {expected} (buckets must be contiguous)",
                    field=f"buckets[{i}].min_days",
                )
            if b.max_days is None:
                if i != len(self.buckets) - 1:
                    raise ValidationError(
                        f"only the last bucket may be open-ended ({b.label!r} is not last)",
                        field=f"buckets[{i}].max_days",
                    )
                expected = -1
            else:
                if b.max_days < b.min_days:
                    raise ValidationError(
                        f"bucket {b.label!r} ends before it starts", field=f"buckets[{i}].max_days"
                    )
                expected = b.max_days + 1
        if self.buckets[-1].max_days is not None:
            raise ValidationError("the last bucket must be open-ended (max_days null)", field="buckets")

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(b.label for b in self.buckets)

    @classmethod
    def of(cls, name: str, ranges: list[tuple[str, int, int | None]]) -> BucketSet:
        """Build from ``(label, min_days, max_days|None)`` triples."""
        return cls(name, tuple(Bucket(label, lo, hi) for label, lo, hi in ranges))


BUCKET_SETS: dict[str, BucketSet] = {
    # M0 current; Mn = n-th 30-day cycle past due (常见账龄口径).
    "cn": BucketSet.of(
        "cn",
        [("M0", 0, 0), ("M1", 1, 30), ("M2", 31, 60), ("M3", 61, 90), ("M4+", 91, None)],
    ),
    # Fineract-style delinquency ranges. Fineract's buckets are configured per product (DelinquencyBucket /
    # DelinquencyRange); this set is an example of that shape, not a Fineract default.
    "fineract": BucketSet.of(
        "fineract",
        [
            ("current", 0, 0),
            ("1-3", 1, 3),
            ("4-60", 4, 60),
            ("61-90", 61, 90),
            ("91-120", 91, 120),
            ("121-150", 121, 150),
            ("151-180", 151, 180),
            ("181+", 181, None),
        ],
    ),
}

DEFAULT_BUCKET_SET = BUCKET_SETS["cn"]


def bucket_for(days: int, bs: BucketSet = DEFAULT_BUCKET_SET) -> str:
    """The label of the bucket holding ``days`` delinquent days (negative counts as 0)."""
    d = max(days, 0)
    for b in bs.buckets:
        if b.max_days is None or d <= b.max_days:
            return b.label
    return bs.buckets[-1].label  # unreachable: the last bucket is open-ended


def bucket_index(label: str, bs: BucketSet = DEFAULT_BUCKET_SET) -> int:
    """Position of a label in the set (for 'worse than' comparisons)."""
    try:
        return bs.labels.index(label)
    except ValueError as exc:
        raise ValidationError(f"unknown bucket {label!r} in set {bs.name!r}", field="bucket") from exc
