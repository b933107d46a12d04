"""How long a planned message stays true: its validity, per template kind (pure).

A message states facts of the day it was planned — the amount due, the days past due. Sent a week later it would
state a wrong debt (a misleading collection message), so every outbox message carries ``valid_until``:

* ``day`` — until the end of the day it was planned for, **in the borrower's zone** (the lender's when unknown):
  the default for every kind that states an amount or a number of days (reminder, overdue, promise confirmation)
  and for a message without a template kind;
* ``<N>h`` — N hours after the planned time (notices that state no changing figure: a visit notice, a lawsuit
  notice).

The policy is data (``FAIRCOLLECT_MESSAGING_VALIDITY``, JSON ``{"kind": "day" | "<N>h"}``, merged over the
defaults). At send time a message past its validity is re-rendered with the facts of the day, or expired when no
fresh text can be made (see ``messaging.dispatch``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from faircollect.kit.errors import ValidationError

DAY = "day"
DEFAULT_POLICY: dict[str, str] = {
    "reminder": DAY,
    "overdue": DAY,
    "promise_confirmation": DAY,
    "visit_notice": "24h",
    "lawsuit_notice": "72h",
}
_HOURS = re.compile(r"^(\d{1,4})h$")


def check_policy(policy: Mapping[str, str]) -> dict[str, str]:
    """The policy with every value checked (``day`` or ``<N>h``); raises ``ValidationError`` naming the kind."""
    for kind, rule in policy.items():
        if rule != DAY and not _HOURS.match(str(rule)):
            raise ValidationError(
                f"validity of {kind!r} must be 'day' or '<N>h', got {rule!r}", field="validity"
            )
    return dict(policy)


def valid_until(
    template_key: str | None,
    planned_for: datetime,
    zone: ZoneInfo,
    policy: Mapping[str, str] | None = None,
) -> datetime:
    """The instant after which a message of this kind, planned for ``planned_for``, is stale (aware UTC)."""
    rules = {**DEFAULT_POLICY, **(policy or {})}
    rule = rules.get(template_key or "", DAY)
    m = _HOURS.match(rule)
    if m:
        return planned_for + timedelta(hours=int(m.group(1)))
    local_day = planned_for.astimezone(zone).date()
    end = datetime.combine(local_day + timedelta(days=1), time(0), tzinfo=zone)
    return end.astimezone(planned_for.tzinfo or zone)
