"""Credit policy as versioned data (``policies/*.yaml``): identity bounds, affordability, exposure, cut-offs, price.

Parsed into frozen dataclasses with every error naming the file and field; nothing here touches a database.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from faircollect.kit.errors import ValidationError
from faircollect.kit.money import to_minor
from faircollect.scoring import artefact
from faircollect.scoring.artefact import Scorecard


@dataclass(frozen=True, slots=True)
class PriceBand:
    min_score: int
    annual_rate: Decimal


@dataclass(frozen=True, slots=True)
class Policy:
    id: str
    version: int
    jurisdiction: str
    currency: str
    product: str
    age_min: int
    age_max: int
    duplicate_days: int
    velocity_days: int
    velocity_max: int
    max_repayment_to_income: Decimal
    max_exposure_minor: int
    min_amount_minor: int
    max_amount_minor: int
    step_minor: int
    terms_allowed: tuple[int, ...]
    scorecard: str
    approve_at: int
    refer_at: int
    pricing: tuple[PriceBand, ...]

    @property
    def key(self) -> str:
        return f"{self.id}@{self.version}"

    def rate_for(self, score: int) -> Decimal:
        """The annual contract rate of the first band whose ``min_score`` the score reaches."""
        for band in self.pricing:
            if score >= band.min_score:
                return band.annual_rate
        return self.pricing[-1].annual_rate


def _dec(raw: Any, where: str) -> Decimal:
    try:
        return Decimal(str(raw))
    except InvalidOperation:
        raise ValidationError(f"{raw!r} is not a decimal", field=where) from None


def parse_policy(data: dict[str, Any], *, where: str = "policy") -> Policy:
    try:
        cur = str(data["currency"])
        ident, afford, amount = data["identity"], data["affordability"], data["amount"]
        pricing = tuple(
            PriceBand(int(b["min_score"]), _dec(b["annual_rate"], "pricing.annual_rate"))
            for b in sorted(data["pricing"], key=lambda b: -int(b["min_score"]))
        )
        pol = Policy(
            id=str(data["id"]),
            version=int(data["version"]),
            jurisdiction=str(data["jurisdiction"]).upper(),
            currency=cur,
            product=str(data["product"]),
            age_min=int(ident["age_min"]),
            age_max=int(ident["age_max"]),
            duplicate_days=int(ident["duplicate_days"]),
            velocity_days=int(ident["velocity_days"]),
            velocity_max=int(ident["velocity_max"]),
            max_repayment_to_income=_dec(afford["max_repayment_to_income"], "affordability"),
            max_exposure_minor=to_minor(str(data["exposure"]["max_per_person"]), cur),
            min_amount_minor=to_minor(str(amount["min"]), cur),
            max_amount_minor=to_minor(str(amount["max"]), cur),
            step_minor=to_minor(str(amount["step"]), cur),
            terms_allowed=tuple(int(t) for t in data["terms_allowed"]),
            scorecard=str(data["scorecard"]),
            approve_at=int(data["cutoffs"]["approve_at"]),
            refer_at=int(data["cutoffs"]["refer_at"]),
            pricing=pricing,
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ValidationError(f"malformed policy: {exc!r}", file=where) from None
    if pol.refer_at > pol.approve_at:
        raise ValidationError("cutoffs.refer_at is above approve_at", file=where, field="cutoffs")
    if not pol.pricing:
        raise ValidationError("a policy needs at least one price band", file=where, field="pricing")
    return pol


def policy_path(name: str) -> Path:
    return Path(str(resources.files("faircollect.origination").joinpath(f"policies/{name}.yaml")))


@functools.cache
def load_policy(name_or_path: str = "cn-consumer") -> Policy:
    """A packaged policy by name (``cn-consumer``) or a YAML file."""
    path = Path(name_or_path)
    if not path.exists():
        path = policy_path(name_or_path)
    if not path.exists():
        raise ValidationError(f"no policy {name_or_path!r}", field="policy")
    return parse_policy(yaml.safe_load(path.read_text(encoding="utf-8")), where=str(path))


@functools.cache
def load_scorecard(ref: str) -> Scorecard:
    """A packaged scorecard (``origination/models/NAME``) or a directory written by ``score train``."""
    path = Path(ref)
    if not path.exists():
        path = Path(str(resources.files("faircollect.origination").joinpath(f"models/{ref}")))
    return artefact.load(path)
