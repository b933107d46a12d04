"""The scorecard artefact: a JSON document a person can read, a program can check, and nothing can execute.

A scorecard is a base number of points plus, for each characteristic, a set of bins each worth a whole number of
points. Points scale the log-odds of *good* (paid as agreed for A/B cards; paid within 30 days for the C card):
``score = offset + factor × ln(odds_good)`` with ``factor = pdo / ln 2`` and ``offset = base_score − factor ×
ln(base_odds)`` — so ``base_score`` points mean odds of ``base_odds`` : 1 and every ``pdo`` points double them.
Points are integers so that every engine (numpy, DuckDB, Spark, the per-loan path) gives the same score exactly.

Numerical bins are right-open intervals between ``splits`` (``x < s1`` is bin 0, ``s1 <= x < s2`` bin 1, ...);
categorical bins list their categories. A missing value (and an unseen category) takes the ``missing_points``.
"""

from __future__ import annotations

import hashlib
import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from faircollect.kit.errors import ValidationError

FORMAT = "faircollect.scorecard/1"
KINDS = ("application", "behaviour", "collection")
ARTEFACT_FILE = "scorecard.json"


@dataclass(frozen=True, slots=True)
class Bin:
    """One bin: its label, where it lies, and what it is worth."""

    label: str
    points: int
    woe: float
    count: int
    event_rate: float
    upper: float | None = None  # numerical: right-open upper edge; None = +inf
    categories: tuple[str, ...] = ()  # categorical


@dataclass(frozen=True, slots=True)
class Characteristic:
    """One model input (特征) with its bins. ``reason`` is the principal-reason text (en, zh) when it costs points."""

    name: str
    dtype: str  # "numerical" | "categorical"
    bins: tuple[Bin, ...]
    missing_points: int
    coefficient: float
    iv: float
    reason_en: str
    reason_zh: str

    @property
    def splits(self) -> tuple[float, ...]:
        return tuple(b.upper for b in self.bins if b.upper is not None)

    @property
    def best_points(self) -> int:
        return max([b.points for b in self.bins] + [self.missing_points])


@dataclass(frozen=True, slots=True)
class Scaling:
    pdo: float = 20.0
    base_score: float = 600.0
    base_odds: float = 50.0  # good : bad at base_score

    @property
    def factor(self) -> float:
        return self.pdo / math.log(2)

    @property
    def offset(self) -> float:
        return self.base_score - self.factor * math.log(self.base_odds)

    def p_good(self, score: float) -> float:
        """The probability of *good* that a score stands for."""
        return 1.0 / (1.0 + math.exp(-(score - self.offset) / self.factor))


@dataclass(frozen=True, slots=True)
class Scorecard:
    """A trained scorecard. ``version`` is a hash of the content: equal artefacts have equal versions."""

    kind: str
    name: str
    target: str
    good_when: str  # how the target column reads as "good", e.g. "creditability != bad"
    scaling: Scaling
    base_points: int
    characteristics: tuple[Characteristic, ...]
    bands: tuple[dict[str, Any], ...] = ()  # development score bands: edges, counts, good rates (calibration)
    development: dict[str, Any] = field(default_factory=dict)  # distributions for PSI / CSI
    trained_at: str = ""
    version: str = ""

    @property
    def key(self) -> str:
        return f"{self.name}@{self.version}"

    def characteristic(self, name: str) -> Characteristic:
        for c in self.characteristics:
            if c.name == name:
                return c
        raise ValidationError(f"scorecard {self.key} has no characteristic {name!r}", field=name)

    @property
    def inputs(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.characteristics)

    @property
    def min_score(self) -> int:
        return self.base_points + sum(
            min([b.points for b in c.bins] + [c.missing_points]) for c in self.characteristics
        )

    @property
    def max_score(self) -> int:
        return self.base_points + sum(c.best_points for c in self.characteristics)


def _content(card: Scorecard) -> dict[str, Any]:
    d = asdict(card)
    d.pop("version")
    d.pop("trained_at")
    return d


def content_version(card: Scorecard) -> str:
    """The first 12 hex digits of the SHA-256 of the artefact's canonical JSON (without version and date)."""
    raw = json.dumps(_content(card), sort_keys=True, separators=(",", ":"), default=str).encode()
    return hashlib.sha256(raw).hexdigest()[:12]


def to_json(card: Scorecard) -> dict[str, Any]:
    d = asdict(card)
    d["format"] = FORMAT
    return d


def from_json(data: dict[str, Any], *, where: str = "scorecard.json") -> Scorecard:
    """Parse and check an artefact; a wrong format or a tampered body (version mismatch) is refused."""
    if data.get("format") != FORMAT:
        raise ValidationError(
            f"not a faircollect scorecard (format {data.get('format')!r}, want {FORMAT})", file=where
        )
    try:
        chars = tuple(
            Characteristic(
                name=c["name"],
                dtype=c["dtype"],
                bins=tuple(
                    Bin(
                        label=b["label"],
                        points=int(b["points"]),
                        woe=float(b["woe"]),
                        count=int(b["count"]),
                        event_rate=float(b["event_rate"]),
                        upper=None if b.get("upper") is None else float(b["upper"]),
                        categories=tuple(str(x) for x in b.get("categories", ())),
                    )
                    for b in c["bins"]
                ),
                missing_points=int(c["missing_points"]),
                coefficient=float(c["coefficient"]),
                iv=float(c["iv"]),
                reason_en=str(c["reason_en"]),
                reason_zh=str(c["reason_zh"]),
            )
            for c in data["characteristics"]
        )
        card = Scorecard(
            kind=data["kind"],
            name=data["name"],
            target=data["target"],
            good_when=data["good_when"],
            scaling=Scaling(**data["scaling"]),
            base_points=int(data["base_points"]),
            characteristics=chars,
            bands=tuple(data.get("bands", ())),
            development=dict(data.get("development", {})),
            trained_at=str(data.get("trained_at", "")),
            version=str(data["version"]),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError(f"malformed scorecard artefact: {exc!r}", file=where) from None
    if card.kind not in KINDS:
        raise ValidationError(f"unknown scorecard kind {card.kind!r}; one of {', '.join(KINDS)}", file=where)
    if content_version(card) != card.version:
        raise ValidationError(
            f"scorecard body does not match its version {card.version} (edited after training?)", file=where
        )
    return card


def save(card: Scorecard, out_dir: str | Path) -> Path:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    path = out / ARTEFACT_FILE
    path.write_text(json.dumps(to_json(card), indent=1, ensure_ascii=False, default=str), encoding="utf-8")
    return path


def load(model: str | Path) -> Scorecard:
    """Load a scorecard from its directory (or the JSON file itself)."""
    path = Path(model)
    if path.is_dir():
        path = path / ARTEFACT_FILE
    if not path.exists():
        raise ValidationError(f"no scorecard at {path}", field="model")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise ValidationError(f"not JSON: {exc}", file=str(path)) from None
    return from_json(data, where=str(path))
