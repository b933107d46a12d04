"""The allocation waterfall: how a payment is split over instalments and components.

Two styles:

* ``instalment_first`` (per-instalment, oldest first, "vertical"): the oldest instalment is settled component by
  component in the waterfall order before the next instalment gets anything.
* ``component_first`` ("horizontal"): the first component in the order is paid across all instalments oldest first,
  then the next component, and so on.

The default is penalty → fees → interest → principal, oldest instalment first (the usual Chinese lender contract
order; Fineract's "mifos-standard-strategy", labelled "Penalties, Fees, Interest, Principal order").
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Protocol

from faircollect.kit.errors import ValidationError
from faircollect.ledger.types import Component


class AllocationStyle(StrEnum):
    INSTALMENT_FIRST = "instalment_first"
    COMPONENT_FIRST = "component_first"


@dataclass(frozen=True, slots=True)
class Waterfall:
    """An order of components and a style (instalment-first or component-first)."""

    order: tuple[Component, ...] = (
        Component.PENALTY,
        Component.FEES,
        Component.INTEREST,
        Component.PRINCIPAL,
    )
    style: AllocationStyle = AllocationStyle.INSTALMENT_FIRST

    def __post_init__(self) -> None:
        if sorted(self.order) != sorted(Component) or len(set(self.order)) != len(Component):
            raise ValidationError(
                f"a waterfall must list each of {', '.join(c.value for c in Component)} exactly once",
                field="waterfall.order",
            )


@dataclass(frozen=True, slots=True)
class Allocation:
    """``amount_minor`` of one payment applied to ``component`` of the instalment at position ``index``."""

    index: int
    component: Component
    amount_minor: int


DEFAULT_WATERFALL = Waterfall()

WATERFALLS: dict[str, Waterfall] = {
    "default": DEFAULT_WATERFALL,
    # Fineract "principal-interest-penalties-fees-order-strategy", per instalment.
    "principal_interest_penalty_fees": Waterfall(
        (Component.PRINCIPAL, Component.INTEREST, Component.PENALTY, Component.FEES)
    ),
    # Fineract "interest-principal-penalties-fees-order-strategy", per instalment.
    "interest_principal_penalty_fees": Waterfall(
        (Component.INTEREST, Component.PRINCIPAL, Component.PENALTY, Component.FEES)
    ),
    # Component-first across all due instalments (penalties everywhere first, then fees, ...).
    "component_first": Waterfall(style=AllocationStyle.COMPONENT_FIRST),
}


def waterfall_from_text(text: str | None) -> Waterfall:
    """A waterfall stored as text: a ``WATERFALLS`` name or its JSON object; None = the default."""
    if text is None or not text.lstrip().startswith("{"):
        return waterfall_from_json(text)
    try:
        obj = json.loads(text)
    except ValueError as exc:
        raise ValidationError(f"waterfall is not valid JSON: {exc}", field="waterfall") from exc
    if not isinstance(obj, dict):
        raise ValidationError("a waterfall object must be a JSON object", field="waterfall")
    return waterfall_from_json(obj)


def waterfall_from_json(obj: Mapping[str, object] | str | None) -> Waterfall:
    """A named waterfall (``"default"``) or ``{"order": [...], "style": "instalment_first|component_first"}``."""
    if obj is None:
        return DEFAULT_WATERFALL
    if isinstance(obj, str):
        if obj not in WATERFALLS:
            raise ValidationError(
                f"unknown waterfall {obj!r}; known: {', '.join(WATERFALLS)}", field="waterfall"
            )
        return WATERFALLS[obj]
    raw_order = obj.get("order", [c.value for c in DEFAULT_WATERFALL.order])
    if not isinstance(raw_order, list):
        raise ValidationError("must be a list of components", field="waterfall.order")
    try:
        order = tuple(Component(str(c)) for c in raw_order)
        style = AllocationStyle(str(obj.get("style", "instalment_first")))
    except ValueError as exc:
        raise ValidationError(str(exc), field="waterfall") from exc
    return Waterfall(order, style)


class Outstanding(Protocol):
    """What is outstanding on one instalment: ``get(component, 0)`` (a ``dict[Component, int]`` is one)."""

    def get(self, key: Component, default: int, /) -> int: ...


def allocate(
    amount_minor: int,
    outstanding: Sequence[Outstanding],
    waterfall: Waterfall = DEFAULT_WATERFALL,
) -> tuple[list[Allocation], int]:
    """Split ``amount_minor`` over ``outstanding`` (one mapping per instalment, oldest first).

    Returns the allocations and what is left over. Invariant: ``sum(allocations) + left == amount_minor`` and no
    allocation exceeds what was outstanding.
    """
    if amount_minor < 0:
        raise ValidationError("cannot allocate a negative amount", field="amount")
    left = amount_minor
    out: list[Allocation] = []
    if waterfall.style is AllocationStyle.INSTALMENT_FIRST:
        pairs = ((i, c) for i in range(len(outstanding)) for c in waterfall.order)
    else:
        pairs = ((i, c) for c in waterfall.order for i in range(len(outstanding)))
    for i, comp in pairs:
        if left == 0:
            break
        due = outstanding[i].get(comp, 0)
        if due <= 0:
            continue
        take = min(due, left)
        out.append(Allocation(i, comp, take))
        left -= take
    return out, left
