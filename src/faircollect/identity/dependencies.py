"""FastAPI dependencies: ``require(Permission.X)`` authenticates the caller and checks one permission; ``public``
marks a route that needs no identity. Every route of the app declares exactly one of them, and
``route_permissions(app)`` reads them back from the route table (the route × role test does).

Credentials, in order: ``Authorization: Bearer TOKEN`` (an API token or a development key), ``X-API-Key``
(a development key), the console's staff session cookie, the portal's borrower session cookie. A request
authenticated by a cookie must carry the session's CSRF token on every unsafe method (POST, PUT, PATCH, DELETE).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from fastapi import Depends, FastAPI, Request
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool

from faircollect.identity import service, sessions
from faircollect.identity.devkeys import DevKey, match_dev_key
from faircollect.identity.errors import Forbidden, NotAuthenticated
from faircollect.identity.permissions import Permission
from faircollect.identity.principal import Principal

UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})
#: Permissions whose every use is a change of state (an audited reveal, a spent allowance) whatever the method:
#: a cookie-authenticated request for them carries the CSRF token even as a GET (a link on another site is
#: followed with a SameSite=Lax cookie).
CSRF_ALWAYS = frozenset({Permission.BORROWER_REVEAL})


@dataclass(frozen=True, slots=True)
class Authenticated:
    principal: Principal
    via: str  # token | dev_key | staff_session | borrower_session
    web_session: sessions.SignedIn | None = None


def _authenticate_sync(request: Request) -> Authenticated | None:
    """Who the request is from, or None when it carries no credentials; NotAuthenticated when they are bad."""
    dev_keys: list[DevKey] = getattr(request.app.state, "dev_keys", [])
    auth = request.headers.get("authorization", "")
    scheme, _, credential = auth.partition(" ")
    credential = credential.strip()
    if auth and (scheme.lower() != "bearer" or not credential):
        raise NotAuthenticated("the Authorization header must be 'Bearer TOKEN'")
    api_key = request.headers.get("x-api-key")
    if credential or api_key:
        presented = credential or api_key or ""
        dev = match_dev_key(dev_keys, presented)
        if dev is not None:
            return Authenticated(dev, "dev_key")
        if api_key and not credential:
            raise NotAuthenticated(
                "unknown X-API-Key (development keys only; use Authorization: Bearer TOKEN)"
            )
        factory = request.app.state.session_factory
        with factory() as db:
            return Authenticated(service.authenticate_token(db, presented), "token")
    if not any(request.cookies.get(name) for name in sessions.COOKIE_NAMES.values()):
        return None
    factory = request.app.state.session_factory
    with factory() as db:
        for kind in sessions.SESSION_KINDS:
            signed_in = sessions.load_session(db, request, kind)
            if signed_in is not None:
                return Authenticated(signed_in.principal, f"{kind}_session", signed_in)
    return None


async def authenticate(request: Request) -> Authenticated | None:
    """Authenticate once per request (cached on ``request.state``)."""
    if not hasattr(request.state, "authenticated"):
        request.state.authenticated = await run_in_threadpool(_authenticate_sync, request)
    result: Authenticated | None = request.state.authenticated
    return result


class Requirement:
    """The dependency behind ``require``: authenticate, check CSRF for cookie sessions, check the permission."""

    def __init__(self, permission: Permission) -> None:
        self.permission = permission

    def __repr__(self) -> str:
        return f"require({self.permission.value!r})"

    async def __call__(self, request: Request) -> Principal:
        found = await authenticate(request)
        if found is None:
            raise NotAuthenticated(
                "sign in: send 'Authorization: Bearer TOKEN' (faircollect tokens issue USERNAME) or a session cookie"
            )
        if found.web_session is not None and (
            request.method in UNSAFE_METHODS or self.permission in CSRF_ALWAYS
        ):
            sessions.verify_csrf(found.web_session, await sessions.presented_csrf(request))
        if not found.principal.can(self.permission):
            raise Forbidden(
                f"{found.principal.actor} (roles: {', '.join(sorted(found.principal.roles)) or 'none'}) "
                f"lacks the permission {self.permission.value!r}"
            )
        request.state.principal = found.principal
        return found.principal


def require(permission: Permission) -> Any:
    """Route parameter default: ``principal: Principal = require(Permission.LOAN_READ)``."""
    return Depends(Requirement(permission))


async def _public_route() -> None:
    """Marker: this route needs no identity (health, verification, provider callbacks with their own checks)."""


#: Route dependency for routes open to anyone: ``@router.get(..., dependencies=[public])``.
public: Any = Depends(_public_route)


async def optional_principal(request: Request) -> Principal | None:
    """The caller if they sent valid credentials, else None (for public pages that adapt when signed in)."""
    found = await authenticate(request)
    return found.principal if found else None


@dataclass(frozen=True, slots=True)
class RouteAccess:
    """What one route of the app declares: its permission, or that it is public (or neither: a defect)."""

    path: str
    methods: frozenset[str]
    permission: Permission | None
    public: bool
    name: str


def _walk(dependant: Any) -> Iterator[Any]:
    yield dependant.call
    for sub in dependant.dependencies:
        yield from _walk(sub)


def _iter_routes(routes: Any) -> Iterator[Any]:
    for route in routes:
        nested = getattr(route, "effective_candidates", None)
        if callable(nested):  # an included router (FastAPI ≥ 0.130 keeps them nested)
            yield from _iter_routes(nested())
        elif isinstance(route, APIRoute) or hasattr(route, "dependant"):
            yield route


def route_permissions(app: FastAPI) -> list[RouteAccess]:
    """Every route of ``app`` with the permission it declares. The API documentation pages that FastAPI or
    fastapi-offline add themselves (Swagger UI, ReDoc, OpenAPI) count as public."""
    out: list[RouteAccess] = []
    for route in _iter_routes(app.router.routes):
        calls = list(_walk(route.dependant))
        perms = [c.permission for c in calls if isinstance(c, Requirement)]
        module = getattr(route.endpoint, "__module__", "") or ""
        documentation = module.startswith(("fastapi.", "fastapi_offline"))
        is_public = any(c is _public_route for c in calls) or documentation
        out.append(
            RouteAccess(
                path=route.path,
                methods=frozenset(route.methods or ()),
                permission=perms[0] if len(perms) == 1 else None,
                public=is_public and not perms,
                name=route.name,
            )
        )
    return out
