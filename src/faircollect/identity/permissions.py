"""Permissions and roles as data: every route declares one permission; a role is a set of permissions.

The map is the single place where "who may do what" is decided; the route × role test reads it together with the
permission each route declares. Scoping by data (an agent's own cases, an agency agent's agency) is applied on top
by the services that read those rows (see ``scope.py``).
"""

from __future__ import annotations

from enum import StrEnum


class Permission(StrEnum):
    """One thing a caller may do. The value is what the route table, the docs and the audit log show."""

    PRODUCT_READ = "product:read"
    PRODUCT_WRITE = "product:write"
    BORROWER_READ = "borrower:read"  # masked personal data
    BORROWER_WRITE = "borrower:write"
    BORROWER_REVEAL = "borrower:reveal"  # full personal data, with a reason, audited, rate-limited
    LOAN_READ = "loan:read"
    LOAN_WRITE = "loan:write"  # create, approve, disburse
    PAYMENT_POST = "payment:post"
    LOAN_ADJUST = "loan:adjust"  # reversal, waiver, pause of interest
    LOAN_WRITE_OFF = "loan:write_off"
    COMPLIANCE_CHECK = "compliance:check"
    RULES_READ = "rules:read"
    OVERRIDE_REQUEST = "override:request"
    OVERRIDE_APPROVE = "override:approve"  # the second compliance officer (four eyes)
    LINT = "lint"
    CASE_READ = "case:read"
    CASE_WORK = "case:work"  # call outcomes, promises to pay
    COLLECTIONS_RUN = "collections:run"  # plan the day, build queues, check promises
    STRATEGY_READ = "strategy:read"
    QUEUE_READ = "queue:read"
    VISIT_REQUEST = "visit:request"
    VISIT_APPROVE = "visit:approve"
    VISIT_RECORD = "visit:record"
    COMPLAINT_WRITE = "complaint:write"
    COMPLAINT_READ = "complaint:read"
    COMPLAINT_ANSWER = "complaint:answer"
    AGENCY_MANAGE = "agency:manage"
    AGENT_MANAGE = "agent:manage"
    RELIEF_REVIEW = "relief:review"  # decide a borrower's relief application outside policy (console)
    TEMPLATE_READ = "template:read"
    TEMPLATE_WRITE = "template:write"
    OUTBOX_READ = "outbox:read"
    RECEIPT_POST = "receipt:post"  # delivery receipts from providers
    INBOUND_POST = "inbound:post"  # replies from borrowers (STOP, 退订)
    APPLICATION_SUBMIT = "application:submit"  # origination: decide a loan application
    APPLICATION_READ = "application:read"
    BLOCK_LIST_READ = "block_list:read"  # origination's block list, values masked
    BLOCK_LIST_MANAGE = "block_list:manage"  # add or remove a phone or ID number (audited, with a reason)
    PORTFOLIO_READ = "portfolio:read"
    PORTFOLIO_RUN = "portfolio:run"
    AUDIT_READ = "audit:read"
    USER_MANAGE = "user:manage"
    PORTAL = "portal"  # a signed-in borrower, on their own loans only


class Role(StrEnum):
    AGENT = "agent"
    SUPERVISOR = "supervisor"
    COMPLIANCE_OFFICER = "compliance_officer"
    ADMIN = "admin"
    AUDITOR = "auditor"
    AGENCY_AGENT = "agency_agent"
    INTEGRATION = "integration"
    BORROWER = "borrower"


P = Permission

_READS = frozenset(p for p in Permission if p.value.endswith(":read")) | {P.RULES_READ}

_AGENT = frozenset(
    {
        P.PRODUCT_READ,
        P.BORROWER_READ,
        P.LOAN_READ,
        P.CASE_READ,
        P.CASE_WORK,
        P.COMPLIANCE_CHECK,
        P.RULES_READ,
        P.LINT,
        P.STRATEGY_READ,
        P.QUEUE_READ,
        P.TEMPLATE_READ,
        P.VISIT_REQUEST,
        P.VISIT_RECORD,
        P.COMPLAINT_WRITE,
    }
)

#: Role → permissions. Staff roles; ``integration`` is a machine identity; ``borrower`` a portal principal.
ROLE_PERMISSIONS: dict[Role, frozenset[Permission]] = {
    Role.AGENT: _AGENT,
    Role.AGENCY_AGENT: frozenset(
        {
            P.BORROWER_READ,
            P.LOAN_READ,
            P.CASE_READ,
            P.CASE_WORK,
            P.COMPLIANCE_CHECK,
            P.RULES_READ,
            P.LINT,
            P.QUEUE_READ,
            P.TEMPLATE_READ,
            P.VISIT_REQUEST,
            P.VISIT_RECORD,
            P.COMPLAINT_WRITE,
        }
    ),
    Role.SUPERVISOR: _AGENT
    | {
        P.BORROWER_REVEAL,
        P.VISIT_APPROVE,
        P.COMPLAINT_READ,
        P.COMPLAINT_ANSWER,
        P.COLLECTIONS_RUN,
        P.OUTBOX_READ,
        P.PORTFOLIO_READ,
        P.AGENT_MANAGE,
        P.RELIEF_REVIEW,
    },
    Role.COMPLIANCE_OFFICER: _READS
    | {
        P.COMPLIANCE_CHECK,
        P.LINT,
        P.BORROWER_REVEAL,
        P.OVERRIDE_REQUEST,
        P.OVERRIDE_APPROVE,
        P.COMPLAINT_ANSWER,
        P.TEMPLATE_WRITE,
        P.BLOCK_LIST_MANAGE,
    },
    Role.AUDITOR: _READS,
    Role.ADMIN: frozenset(Permission) - {P.PORTAL, P.OVERRIDE_APPROVE},
    Role.INTEGRATION: frozenset({P.PAYMENT_POST, P.RECEIPT_POST, P.INBOUND_POST}),
    Role.BORROWER: frozenset({P.PORTAL}),
}

#: Roles a staff user may hold (``users add --role``); machine users hold ``integration``.
STAFF_ROLES = frozenset(ROLE_PERMISSIONS) - {Role.INTEGRATION, Role.BORROWER}


def permissions_of(roles: frozenset[str]) -> frozenset[Permission]:
    """Union of the permissions of the given roles; unknown role names grant nothing."""
    out: frozenset[Permission] = frozenset()
    for name in roles:
        try:
            out |= ROLE_PERMISSIONS[Role(name)]
        except ValueError:
            continue
    return out


def parse_role(text: str) -> Role:
    """A role from its name, with a clear error listing the known roles."""
    try:
        return Role(text.strip().lower())
    except ValueError:
        known = ", ".join(r.value for r in Role if r is not Role.BORROWER)
        raise ValueError(f"unknown role {text!r}; known roles: {known}") from None
