"""Loan events ⇄ JSON: the ``events`` list of EVENTS.json and of the ``loan_event`` table's payloads.

Shapes (amounts are decimal strings in major units; dates ISO ``YYYY-MM-DD``)::

    {"type": "payment",      "key": "p1", "date": "2026-02-01", "amount": "100.00",
                             "prepayment": "reduce_term" | "reduce_instalment" | null}
    {"type": "reversal",     "key": "r1", "date": "2026-02-03", "payment_key": "p1"}
    {"type": "waiver",       "key": "w1", "date": "2026-03-01", "component": "penalty|fees|interest|principal",
                             "amount": "12.00"}
    {"type": "pause",        "key": "z1", "start": "2026-03-01", "end": "2026-03-31"}
    {"type": "write_off",    "key": "o1", "date": "2026-09-30"}
    {"type": "disbursement", "key": "d2", "date": "2026-04-01", "amount": "5000.00"}   # an actual tranche
    {"type": "restructure",  "key": "s1", "date": "2026-05-10", "version": 2, "penalty": false,
                             "instalments": [{"due_date": "2026-06-10", "principal": "500.00", "interest": "0.00",
                                              "fees": "0.00", "penalty": "12.30"}, ...]}   # a new schedule version

``disbursement`` events are optional: when a loan's events contain any, they are the tranches actually paid out
and replace the planned ``disbursements`` of the terms (see ``replay``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from faircollect.kit.errors import ValidationError
from faircollect.kit.money import format_minor, to_minor
from faircollect.kit.time import parse_date
from faircollect.ledger.types import (
    Component,
    Disbursement,
    LoanEvent,
    Pause,
    Payment,
    PlanInstalment,
    PrepaymentMode,
    Restructure,
    Reversal,
    Waiver,
    WriteOff,
)

#: Everything ``replay`` accepts: the loan events plus actual disbursements.
AnyEvent = LoanEvent | Disbursement

EVENT_TYPES = ("payment", "reversal", "waiver", "pause", "write_off", "disbursement", "restructure")


def _field(item: Mapping[str, Any], name: str, where: str) -> Any:
    if item.get(name) in (None, ""):
        raise ValidationError(f"required for a {item.get('type')} event", field=f"{where}.{name}")
    return item[name]


def _amount(item: Mapping[str, Any], currency: str, where: str) -> int:
    raw = _field(item, "amount", where)
    if isinstance(raw, float):
        raise ValidationError(
            f"amounts must be decimal strings, not the float {raw!r}", field=f"{where}.amount"
        )
    try:
        minor = to_minor(raw, currency, field="amount")
    except ValidationError as exc:
        raise ValidationError(exc.message, field=f"{where}.amount") from exc
    if minor <= 0:
        raise ValidationError(f"must be greater than zero, got {raw!r}", field=f"{where}.amount")
    return minor


def _date(item: Mapping[str, Any], name: str, where: str) -> date:
    raw = _field(item, name, where)
    try:
        return parse_date(raw, field=name)
    except ValidationError as exc:
        raise ValidationError(exc.message, field=f"{where}.{name}") from exc


def parse_event(item: Mapping[str, Any], *, currency: str = "CNY", where: str = "events[0]") -> AnyEvent:
    """Parse one event object; errors name ``events[i].field``."""
    if not isinstance(item, Mapping):
        raise ValidationError("each event must be an object", field=where)
    kind = item.get("type")
    if kind not in EVENT_TYPES:
        raise ValidationError(
            f"unknown event type {kind!r}; expected {' | '.join(EVENT_TYPES)}", field=f"{where}.type"
        )
    key = str(_field(item, "key", where))
    if kind == "payment":
        mode_raw = item.get("prepayment")
        try:
            mode = PrepaymentMode(mode_raw) if mode_raw else None
        except ValueError as exc:
            raise ValidationError(
                f"unknown prepayment mode {mode_raw!r}; expected reduce_term | reduce_instalment",
                field=f"{where}.prepayment",
            ) from exc
        return Payment(key, _date(item, "date", where), _amount(item, currency, where), mode)
    if kind == "reversal":
        return Reversal(key, _date(item, "date", where), str(_field(item, "payment_key", where)))
    if kind == "waiver":
        comp_raw = _field(item, "component", where)
        try:
            comp = Component(comp_raw)
        except ValueError as exc:
            raise ValidationError(
                f"unknown component {comp_raw!r}; expected penalty | fees | interest | principal",
                field=f"{where}.component",
            ) from exc
        return Waiver(key, _date(item, "date", where), comp, _amount(item, currency, where))
    if kind == "pause":
        start, end = _date(item, "start", where), _date(item, "end", where)
        if end < start:
            raise ValidationError(f"pause ends ({end}) before it starts ({start})", field=f"{where}.end")
        return Pause(key, start, end)
    if kind == "write_off":
        return WriteOff(key, _date(item, "date", where))
    if kind == "restructure":
        return _restructure(item, key, currency, where)
    return Disbursement(_date(item, "date", where), _amount(item, currency, where))


def _non_negative(item: Mapping[str, Any], name: str, currency: str, where: str) -> int:
    raw = item.get(name, "0")
    if isinstance(raw, float):
        raise ValidationError(
            f"amounts must be decimal strings, not the float {raw!r}", field=f"{where}.{name}"
        )
    try:
        minor = to_minor(raw, currency, field=name)
    except ValidationError as exc:
        raise ValidationError(exc.message, field=f"{where}.{name}") from exc
    if minor < 0:
        raise ValidationError(f"must not be negative, got {raw!r}", field=f"{where}.{name}")
    return minor


def _restructure(item: Mapping[str, Any], key: str, currency: str, where: str) -> Restructure:
    version = item.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 2:
        raise ValidationError("a schedule version number ≥ 2 is required", field=f"{where}.version")
    rows = item.get("instalments")
    if not isinstance(rows, Sequence) or isinstance(rows, str) or not rows:
        raise ValidationError(
            "a non-empty list of plan instalments is required", field=f"{where}.instalments"
        )
    plan = []
    for i, row in enumerate(rows):
        at = f"{where}.instalments[{i}]"
        if not isinstance(row, Mapping):
            raise ValidationError("each plan instalment must be an object", field=at)
        plan.append(
            PlanInstalment(
                _date(row, "due_date", at),
                _non_negative(row, "principal", currency, at),
                _non_negative(row, "interest", currency, at),
                _non_negative(row, "fees", currency, at),
                _non_negative(row, "penalty", currency, at),
            )
        )
    return Restructure(
        key, _date(item, "date", where), version, tuple(plan), bool(item.get("penalty", False))
    )


def parse_events(items: Sequence[Mapping[str, Any]], *, currency: str = "CNY") -> list[AnyEvent]:
    """Parse an EVENTS list in order; the first bad item raises, naming ``events[i].field``."""
    if not isinstance(items, Sequence) or isinstance(items, str):
        raise ValidationError("events must be a list", field="events")
    return [parse_event(item, currency=currency, where=f"events[{i}]") for i, item in enumerate(items)]


def event_to_json(ev: AnyEvent, *, currency: str = "CNY", key: str | None = None) -> dict[str, Any]:
    """The JSON form of one event (``parse_event(event_to_json(e)) == e``). ``key`` names a disbursement."""
    if isinstance(ev, Payment):
        out: dict[str, Any] = {
            "type": "payment",
            "key": ev.key,
            "date": ev.date.isoformat(),
            "amount": format_minor(ev.amount_minor, currency),
        }
        if ev.prepayment is not None:
            out["prepayment"] = ev.prepayment.value
        return out
    if isinstance(ev, Reversal):
        return {"type": "reversal", "key": ev.key, "date": ev.date.isoformat(), "payment_key": ev.payment_key}
    if isinstance(ev, Waiver):
        return {
            "type": "waiver",
            "key": ev.key,
            "date": ev.date.isoformat(),
            "component": ev.component.value,
            "amount": format_minor(ev.amount_minor, currency),
        }
    if isinstance(ev, Pause):
        return {"type": "pause", "key": ev.key, "start": ev.start.isoformat(), "end": ev.end.isoformat()}
    if isinstance(ev, WriteOff):
        return {"type": "write_off", "key": ev.key, "date": ev.date.isoformat()}
    if isinstance(ev, Restructure):
        return {
            "type": "restructure",
            "key": ev.key,
            "date": ev.date.isoformat(),
            "version": ev.version,
            "penalty": ev.penalty,
            "instalments": [
                {
                    "due_date": i.due_date.isoformat(),
                    "principal": format_minor(i.principal_minor, currency),
                    "interest": format_minor(i.interest_minor, currency),
                    "fees": format_minor(i.fees_minor, currency),
                    "penalty": format_minor(i.penalty_minor, currency),
                }
                for i in ev.instalments
            ],
        }
    return {
        "type": "disbursement",
        "key": key or f"disbursement-{ev.date.isoformat()}",
        "date": ev.date.isoformat(),
        "amount": format_minor(ev.amount_minor, currency),
    }


def event_key(ev: AnyEvent) -> str:
    """The idempotency key of an event (disbursements are keyed by date)."""
    if isinstance(ev, Disbursement):
        return f"disbursement-{ev.date.isoformat()}"
    return ev.key


def event_date(ev: AnyEvent) -> date:
    """The business date an event takes effect (a pause: its start)."""
    return ev.start if isinstance(ev, Pause) else ev.date
