"""The authenticated caller of a request or a command: who they are, their roles and their scope."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Literal

from faircollect.identity.permissions import Permission, permissions_of

PrincipalKind = Literal["staff", "machine", "borrower", "dev"]


@dataclass(frozen=True, slots=True)
class Principal:
    """An authenticated identity. ``id`` is stable and unique across kinds (compare identities with it).

    ``agency_id`` binds an agency agent to its agency; ``team_id`` a supervisor or agent to a team;
    ``borrower_id`` a borrower principal to its borrower record.
    """

    id: str
    kind: PrincipalKind
    name: str
    roles: frozenset[str] = field(default_factory=frozenset)
    agency_id: str | None = None
    team_id: str | None = None
    borrower_id: str | None = None

    @property
    def permissions(self) -> frozenset[Permission]:
        return permissions_of(self.roles)

    def can(self, permission: Permission) -> bool:
        return permission in self.permissions

    @property
    def actor(self) -> str:
        """The actor written to the audit log and to decisions: ``kind:name`` (names are unique per kind)."""
        return f"{self.kind}:{self.name}"

    def same_identity(self, other_actor: str | None) -> bool:
        """True when ``other_actor`` (an actor string stored earlier) is this identity."""
        return other_actor is not None and other_actor == self.actor


def system_principal(name: str = "system") -> Principal:
    """The identity of scheduled jobs and local commands run by the operator (``faircollect …`` on the host)."""
    return Principal(id=f"system:{name}", kind="machine", name=name, roles=frozenset({"admin"}))
