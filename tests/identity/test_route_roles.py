"""The route × role matrix, generated from the app's route table: every route declares a permission (or is one of
the few public ones), and every role gets exactly what the role map grants — 403 otherwise, 401 with no identity.
A new route without a declared permission fails ``test_every_route_declares_a_permission_or_is_public``."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from faircollect.api.app import create_app
from faircollect.config import Settings
from faircollect.identity.dependencies import RouteAccess, route_permissions
from faircollect.identity.permissions import ROLE_PERMISSIONS, Permission, Role

#: The only routes open to anyone, and why.
PUBLIC_ROUTES = {
    "/health": "liveness probe",
    "/docs": "API documentation (no data)",
    "/docs/oauth2-redirect": "API documentation (no data)",
    "/redoc": "API documentation (no data)",
    "/": "the web home page (links to the portal and the console)",
    "/lang": "the language switch (sets a cookie)",
    "/console/sign-in": "the staff sign-in page and form (password, rate-limited per client and per account)",
    "/static/vendor/plotly.min.js": "a static asset",
    "/portal/sign-in": "the borrower sign-in form (one-time code to the phone on file; rate-limited; no enumeration)",
    "/portal/sign-in/code": "the one-time-code form of the borrower sign-in (single-use, expiring codes)",
    "/portal/verify": "a message's recipient checks it is genuine; discloses nothing",
    "/portal/help": "free help lines with their sources (no personal data)",
    "/portal/rights": "the borrower's rights, generated from the rulebook (no personal data)",
    "/portal/calculator": "a cost-of-credit calculator (nothing stored)",
    "/portal/budget": "a budgeting page (nothing stored)",
    "/v1/verify/{code}": "a message's recipient checks it is genuine; discloses nothing (docs/messaging.md)",
    "/v1/messaging/receipts/twilio": "authenticated by Twilio's request signature",
    "/v1/messaging/inbound/twilio": "authenticated by Twilio's request signature",
    "/v1/messaging/receipts/aliyun": "Alibaba Cloud push, authenticated by the secret ?token= in its URL",
    "/v1/messaging/inbound/aliyun": "Alibaba Cloud push, authenticated by the secret ?token= in its URL",
    "/v1/messaging/receipts/tencent": "Tencent Cloud callback, authenticated by the secret ?token= in its URL",
    "/v1/messaging/inbound/tencent": "Tencent Cloud callback, authenticated by the secret ?token= in its URL",
    "/v1/auth/oidc/start": "staff single sign-on: sends the browser to the identity provider",
    "/v1/auth/oidc/callback": "staff single sign-on: the provider's answer, checked before a session starts",
}

STAFF_AND_MACHINE_ROLES = [r for r in Role if r is not Role.BORROWER]
KEYS = ",".join(
    f"k-{r.value}=matrix-{r.value}:{r.value}" + (":agency_x" if r is Role.AGENCY_AGENT else "")
    for r in STAFF_AND_MACHINE_ROLES
)


@pytest.fixture(scope="module")
def app_and_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[object, TestClient]]:
    from faircollect.db import upgrade

    url = f"sqlite:///{tmp_path_factory.mktemp('matrix') / 'm.sqlite3'}"
    upgrade(url)
    app = create_app(Settings(api_keys=KEYS), database_url=url)
    with TestClient(app, raise_server_exceptions=False) as client:
        yield app, client
    app.state.engine.dispose()


def _routes(app: object) -> list[RouteAccess]:
    return route_permissions(app)  # type: ignore[arg-type]


def _concrete(path: str) -> str:
    return re.sub(r"\{[^}]+\}", "x", path)


def test_every_route_declares_a_permission_or_is_public(app_and_client: tuple[object, TestClient]) -> None:
    app, _ = app_and_client
    routes = _routes(app)
    assert len(routes) >= 60
    undeclared = [f"{sorted(r.methods)} {r.path}" for r in routes if r.permission is None and not r.public]
    assert undeclared == [], f"routes without require(Permission.X) or public: {undeclared}"
    public = {r.path for r in routes if r.public}
    assert public == set(PUBLIC_ROUTES), f"public routes changed: {public ^ set(PUBLIC_ROUTES)}"


def test_the_role_map_is_least_privilege_where_the_issue_says() -> None:
    assert ROLE_PERMISSIONS[Role.INTEGRATION] == {
        Permission.PAYMENT_POST,
        Permission.RECEIPT_POST,
        Permission.INBOUND_POST,
    }
    reads = {p for p in Permission if p.value.endswith(":read")}
    assert ROLE_PERMISSIONS[Role.AUDITOR] <= reads | {Permission.RULES_READ}
    assert Permission.AUDIT_READ in ROLE_PERMISSIONS[Role.AUDITOR]
    for role in (Role.AGENT, Role.AGENCY_AGENT, Role.INTEGRATION, Role.AUDITOR):
        assert Permission.BORROWER_REVEAL not in ROLE_PERMISSIONS[role]
    # four eyes: only compliance officers approve a loosening; the admin cannot approve alone
    assert [r for r in Role if Permission.OVERRIDE_APPROVE in ROLE_PERMISSIONS[r]] == [
        Role.COMPLIANCE_OFFICER
    ]


def test_every_route_against_every_role(app_and_client: tuple[object, TestClient]) -> None:
    app, client = app_and_client
    checked = 0
    wrong: list[str] = []
    for route in _routes(app):
        if route.public:
            continue
        assert route.permission is not None
        for method in sorted(route.methods - {"HEAD"}):
            url = _concrete(route.path)
            anonymous = client.request(method, url)
            if anonymous.status_code != 401:
                wrong.append(f"{method} {route.path} anonymous → {anonymous.status_code}")
            for role in STAFF_AND_MACHINE_ROLES:
                r = client.request(method, url, headers={"Authorization": f"Bearer k-{role.value}"})
                granted = route.permission in ROLE_PERMISSIONS[role]
                if granted and r.status_code in (401, 403):
                    wrong.append(
                        f"{method} {route.path} {role.value} granted but → {r.status_code} {r.text[:120]}"
                    )
                if not granted and r.status_code != 403:
                    wrong.append(f"{method} {route.path} {role.value} not granted but → {r.status_code}")
                if r.status_code >= 500:
                    wrong.append(f"{method} {route.path} {role.value} → {r.status_code}")
                checked += 1
    assert wrong == [], "\n".join(wrong)
    assert checked >= 50 * len(STAFF_AND_MACHINE_ROLES)


def test_every_unit_of_work_commits_before_the_response(app_and_client: tuple[object, TestClient]) -> None:
    """A dependency that yields (a database session) must run with scope="function": its commit then happens
    before the response is sent, so no client reads a 2xx for a write that is not committed."""
    import inspect

    app, _ = app_and_client
    late: list[str] = []

    def walk(dependant: object, path: str) -> None:
        for sub in dependant.dependencies:  # type: ignore[attr-defined]
            call = sub.call
            if (
                inspect.isgeneratorfunction(call) or inspect.isasyncgenfunction(call)
            ) and sub.scope != "function":
                late.append(f"{path}: {getattr(call, '__qualname__', call)} (scope={sub.scope})")
            walk(sub, path)

    from faircollect.identity.dependencies import _iter_routes

    for route in _iter_routes(app.router.routes):  # type: ignore[attr-defined]
        walk(route.dependant, route.path)
    assert late == [], "\n".join(late)
