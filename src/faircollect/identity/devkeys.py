"""Development API keys (``FAIRCOLLECT_API_KEYS``): each key mapped to a named identity and role.

Format: comma-separated ``KEY=NAME:ROLE`` entries, ``KEY=NAME:agency_agent:AGENCY_ID`` for an agency agent,
e.g. ``FAIRCOLLECT_API_KEYS="k-dev-ops=ops:admin,k-dev-ann=ann:agent"``. For development and tests only:
production uses users and tokens (``faircollect users add``, ``faircollect tokens issue``).
"""

from __future__ import annotations

import hmac
from dataclasses import dataclass

from faircollect.identity.permissions import Role, parse_role
from faircollect.identity.principal import Principal


@dataclass(frozen=True, slots=True)
class DevKey:
    key: str
    principal: Principal


def parse_dev_keys(text: str) -> list[DevKey]:
    """Parse ``FAIRCOLLECT_API_KEYS``; a ValueError names the entry that is wrong and shows the format."""
    out: list[DevKey] = []
    names: set[str] = set()
    for n, raw in enumerate(text.split(","), start=1):
        entry = raw.strip()
        if not entry:
            continue
        key, sep, ident = entry.partition("=")
        parts = [p.strip() for p in ident.split(":")]
        if not sep or not key.strip() or len(parts) not in (2, 3) or not all(parts):
            raise ValueError(
                f"FAIRCOLLECT_API_KEYS entry {n} is not KEY=NAME:ROLE (or KEY=NAME:agency_agent:AGENCY_ID); "
                "each development key must name an identity and a role"
            )
        name, role_text = parts[0], parts[1]
        role = parse_role(role_text)
        if role is Role.BORROWER:
            raise ValueError(f"FAIRCOLLECT_API_KEYS entry {n}: borrowers sign in through the portal")
        agency = parts[2] if len(parts) == 3 else None
        if (role is Role.AGENCY_AGENT) != (agency is not None):
            raise ValueError(
                f"FAIRCOLLECT_API_KEYS entry {n}: an agency id goes with agency_agent, and only there"
            )
        if name in names:
            raise ValueError(f"FAIRCOLLECT_API_KEYS entry {n}: the name {name!r} is used twice")
        names.add(name)
        principal = Principal(
            id=f"dev:{name}", kind="dev", name=name, roles=frozenset({role.value}), agency_id=agency
        )
        out.append(DevKey(key=key.strip(), principal=principal))
    return out


def match_dev_key(keys: list[DevKey], presented: str) -> Principal | None:
    """The principal of a presented key (constant-time comparison against every configured key)."""
    found: Principal | None = None
    for dk in keys:
        if hmac.compare_digest(dk.key.encode(), presented.encode()):
            found = dk.principal
    return found
