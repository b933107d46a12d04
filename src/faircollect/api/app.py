"""FastAPI app factory. Each domain may own a ``router`` module exposing ``router``; it is mounted under /v1."""

from __future__ import annotations

import importlib

import structlog
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from fastapi_offline import FastAPIOffline
from sqlalchemy.exc import DBAPIError

from faircollect import __version__
from faircollect.config import Settings, get_settings
from faircollect.db import make_engine, session_factory
from faircollect.identity.dependencies import public
from faircollect.identity.devkeys import parse_dev_keys
from faircollect.identity.errors import NotAuthenticated, TooManyRequests
from faircollect.identity.ratelimit import RateLimits, parse_trusted_proxies, storage_uri_for
from faircollect.kit.errors import FaircollectError, ValidationErrors
from faircollect.web.app import mount_web, web_domain_error

DOMAIN_ROUTERS = (
    "faircollect.ledger.router",
    "faircollect.compliance.router",
    "faircollect.compliance.linter.router",
    "faircollect.collections.router",
    "faircollect.messaging.router",
    "faircollect.portfolio.router",
    "faircollect.origination.router",
)


async def _domain_error(request: Request, exc: Exception) -> Response:
    """A domain error with its status: an HTML page under the web faces, else JSON saying what was wrong and
    where (401 asks for a bearer token; 429 says when to retry)."""
    assert isinstance(exc, FaircollectError)
    page = web_domain_error(request, exc)
    if page is not None:
        return page
    body = exc.as_dict()
    if isinstance(exc, ValidationErrors):
        body["errors"] = [e.as_dict() for e in exc.errors]
    headers: dict[str, str] = {}
    if isinstance(exc, NotAuthenticated):
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(exc, TooManyRequests):
        headers["Retry-After"] = str(exc.retry_after)
    return JSONResponse(status_code=exc.status, content=body, headers=headers)


def add_error_handlers(app: FastAPI) -> None:
    """Map every FaircollectError to its HTTP status (used by the app and by tests that mount one router)."""
    app.add_exception_handler(FaircollectError, _domain_error)


def create_app(settings: Settings | None = None, *, database_url: str | None = None) -> FastAPI:
    settings = settings or get_settings()
    # Swagger UI and ReDoc at /docs and /redoc from the fastapi-offline package: no CDN.
    app: FastAPI = FastAPIOffline(
        static_url="/static/docs",
        title="faircollect",
        version=__version__,
        description="Loan servicing and collections, lawful by construction. Amounts are decimal strings in "
        "major units with a currency; times are ISO-8601 with a zone.",
    )
    engine = make_engine(database_url or settings.database_url)
    app.state.engine = engine
    app.state.session_factory = session_factory(engine)
    app.state.settings = settings
    try:
        app.state.dev_keys = parse_dev_keys(settings.api_keys)
    except ValueError as exc:
        raise SystemExit(f"faircollect: {exc}") from None
    try:
        app.state.trusted_proxies = parse_trusted_proxies(settings.trusted_proxies)
    except ValueError as exc:
        raise SystemExit(f"faircollect: {exc}") from None
    app.state.rate_limits = RateLimits(storage_uri_for(settings, database_url or settings.database_url))
    if app.state.dev_keys:
        names = ", ".join(f"{k.principal.name} ({next(iter(k.principal.roles))})" for k in app.state.dev_keys)
        structlog.get_logger("faircollect.identity").warning(
            "development API keys are enabled (FAIRCOLLECT_API_KEYS); do not use them in production",
            keys=names,
        )

    add_error_handlers(app)

    @app.exception_handler(DBAPIError)
    async def _database_error(_request: Request, exc: DBAPIError) -> JSONResponse:
        from faircollect.kit.schema import missing_table, schema_missing

        table = missing_table(exc)
        if table is None:
            raise exc
        err = schema_missing(table)  # the URL stays on the server: it may name hosts and users
        return JSONResponse(status_code=err.status, content=err.as_dict())

    @app.get("/health", tags=["meta"], dependencies=[public])
    def health() -> dict[str, str]:
        return {"status": "ok", "version": __version__}

    for name in DOMAIN_ROUTERS:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name == name:
                continue
            raise
        app.include_router(module.router, prefix="/v1")
    mount_web(app)
    return app
