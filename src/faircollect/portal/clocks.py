"""The regulator's complaint clock — one pure function for the borrower portal and the staff console.

Each jurisdiction's clock is data (``complaints.yaml``, BORROWER.md §2): CN (NFRA, 15 days; 30 if complex; 60 with a
senior manager's approval), US (CFPB portal: 15 days, 60 for a final response in progress; a validation dispute has
no deadline, collection stays paused until verification), UK (FCA DISP 1.6.2R: 8 weeks, no extension).

``regulator_clock`` turns the rules, a complaint's receipt, its recorded extensions and its answer into the clock's
state at ``now``; ``check_extension`` says whether the next extension may be taken (in order, before the deadline
runs out, with a reason, senior steps only by a senior identity) and returns it. No I/O: the shell
(``portal.care``) loads the rows and stores what this returns.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from faircollect.kit.errors import ValidationError

KINDS: Final = ("complaint", "dispute", "hardship")
MAX_REASON: Final = 1000


@dataclass(frozen=True)
class ExtensionStep:
    """One lawful extension: the deadline becomes ``to_days`` after receipt."""

    to_days: int
    when_en: str
    when_zh: str
    senior: bool


@dataclass(frozen=True)
class ClockRules:
    jurisdiction: str
    regulator: str
    clock_days: int
    applies_to: frozenset[str]
    steps: tuple[ExtensionStep, ...]
    source: str
    escalation_en: str
    escalation_zh: str
    no_clock_en: str = ""
    no_clock_zh: str = ""
    source_zh: str = ""  # the source said in Chinese for the borrower's Chinese pages (``source`` is English)

    @property
    def max_days(self) -> int:
        return self.steps[-1].to_days if self.steps else self.clock_days


def rules_from(jurisdiction: str, data: Mapping[str, Any]) -> ClockRules:
    """Read one jurisdiction's entry of ``complaints.yaml``; refuse a clock that would shrink or an unknown kind."""
    where = f"complaints.yaml: {jurisdiction}"
    try:
        days = int(data["clock_days"])
        steps = tuple(
            ExtensionStep(
                int(s["to_days"]), str(s["when_en"]), str(s["when_zh"]), bool(s.get("senior", False))
            )
            for s in data.get("extensions") or ()
        )
        applies = frozenset(str(k) for k in data.get("applies_to") or KINDS)
    except (KeyError, TypeError, ValueError) as e:
        raise ValidationError(f"{where}: malformed clock ({e})", field="clock_days") from e
    if days <= 0:
        raise ValidationError(f"{where}: clock_days must be positive", field="clock_days")
    last = days
    for s in steps:
        if s.to_days <= last:
            raise ValidationError(f"{where}: each extension must lengthen the clock", field="extensions")
        last = s.to_days
    if not applies <= set(KINDS):
        raise ValidationError(f"{where}: applies_to must name {', '.join(KINDS)}", field="applies_to")
    return ClockRules(
        jurisdiction=jurisdiction,
        regulator=str(data.get("regulator", jurisdiction)),
        clock_days=days,
        applies_to=applies,
        steps=steps,
        source=str(data.get("source", "")),
        escalation_en=str(data.get("escalation_en", "")),
        escalation_zh=str(data.get("escalation_zh", "")),
        no_clock_en=str(data.get("no_clock_en", "")),
        no_clock_zh=str(data.get("no_clock_zh", "")),
        source_zh=str(data.get("source_zh", "") or data.get("source", "")),
    )


@dataclass(frozen=True)
class Extension:
    """A recorded extension (step is 1-based, in the order of ``ClockRules.steps``)."""

    step: int
    to_days: int
    reason: str
    by: str
    at: datetime


@dataclass(frozen=True)
class Clock:
    """The clock at ``now``. ``status``: ``open`` | ``overdue`` | ``answered`` | ``none`` (no regulator deadline).

    ``days_left`` is whole days, rounded up while open (a deadline 2 hours away has 1 day left) and negative when
    overdue (1 hour late is −1). ``next_step`` is the extension that may still be taken, if any."""

    status: str
    received_at: datetime
    due_by: datetime | None
    first_due_by: datetime | None
    days_left: int
    late: bool
    extensions: tuple[Extension, ...]
    next_step: ExtensionStep | None
    escalation: bool
    rules: ClockRules

    @property
    def overdue(self) -> bool:
        return self.status == "overdue"

    @property
    def extended(self) -> bool:
        return bool(self.extensions)


def _ceil_days(delta: timedelta) -> int:
    return math.ceil(delta.total_seconds() / 86400)


def regulator_clock(
    rules: ClockRules,
    *,
    kind: str,
    received_at: datetime,
    extensions: Sequence[Extension] = (),
    answered_at: datetime | None = None,
    now: datetime,
) -> Clock:
    """The regulator's clock for one complaint at ``now`` (pure)."""
    if kind not in KINDS:
        raise ValidationError(f"unknown complaint kind {kind!r}", field="kind")
    exts = tuple(sorted(extensions, key=lambda e: e.step))
    if kind not in rules.applies_to:
        status = "answered" if answered_at is not None else "none"
        return Clock(status, received_at, None, None, 0, False, exts, None, False, rules)
    first_due = received_at + timedelta(days=rules.clock_days)
    days = max([rules.clock_days, *(e.to_days for e in exts)])
    due = received_at + timedelta(days=days)
    taken = max((e.step for e in exts), default=0)
    next_step = rules.steps[taken] if taken < len(rules.steps) else None
    if answered_at is not None:
        return Clock("answered", received_at, due, first_due, 0, answered_at > due, exts, None, False, rules)
    if now > due:
        return Clock(
            "overdue", received_at, due, first_due, -_ceil_days(now - due), True, exts, None, True, rules
        )
    return Clock(
        "open", received_at, due, first_due, _ceil_days(due - now), False, exts, next_step, False, rules
    )


def check_extension(clock: Clock, *, reason: str, by: str, senior: bool, now: datetime) -> Extension:
    """The next extension of ``clock``, or a clear refusal: only an open clock, in order, with a reason, before the
    deadline runs out, a senior step only by a senior identity."""
    if clock.status == "none":
        raise ValidationError("this record has no regulator deadline to extend", field="complaint")
    if clock.status == "answered":
        raise ValidationError("the complaint is answered; its clock has stopped", field="complaint")
    if clock.status == "overdue":
        raise ValidationError("the deadline has passed; an extension must be taken before it runs out")
    step = clock.next_step
    if step is None:
        if not clock.rules.steps:
            msg = f"{clock.rules.regulator} allows no extension of this clock"
        else:
            msg = f"the clock is at its maximum of {clock.rules.max_days} days"
        raise ValidationError(msg, field="complaint")
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError("give the reason for the extension (the complainant is told)", field="reason")
    if len(reason) > MAX_REASON:
        raise ValidationError(f"keep the reason under {MAX_REASON} characters", field="reason")
    if step.senior and not senior:
        raise ValidationError(
            "this extension needs a senior manager's approval (a compliance officer)", field="reason"
        )
    return Extension(clock.rules.steps.index(step) + 1, step.to_days, reason, by, now)
