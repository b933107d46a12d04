"""FastAPI app factory. Each domain may own a ``router`` module exposing ``router``; it is mounted under /v1."""

from __future__ import annotations

import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import structlog
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse
from fastapi_offline import FastAPIOffline
from sqlalchemy.exc import DBAPIError

from faircollect import __version__
from faircollect.api.errors import error_body, install_error_handlers
from faircollect.api.guards import RequestGuard
from faircollect.compliance.audit.signer import HeadSigner
from faircollect.config import Settings, get_settings
from faircollect.db import make_engine, session_factory
from faircollect.identity.dependencies import public
from faircollect.identity.devkeys import parse_dev_keys
from faircollect.identity.ratelimit import RateLimits, parse_trusted_proxies, storage_uri_for
from faircollect.kit.masking import mask_access_log
from faircollect.web.app import mount_web, web_domain_error

DOMAIN_ROUTERS = (
    "faircollect.identity.router",
    "faircollect.ledger.router",
    "faircollect.compliance.router",
    "faircollect.compliance.linter.router",
    "faircollect.collections.router",
    "faircollect.messaging.router",
    "faircollect.portfolio.router",
    "faircollect.origination.router",
)


def add_error_handlers(app: FastAPI) -> None:
    """Every error in the one shape (api/errors.py); domain errors under the web faces render a page. Used by
    the app and by tests that mount one router."""
    install_error_handlers(app, page=web_domain_error)


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    """While serving, the audit head is signed every FAIRCOLLECT_AUDIT_CHECKPOINT_SECONDS and at shutdown."""
    mask_access_log()  # after the server configured its loggers: no code, proof, phone, ID number or reason
    signer = HeadSigner(app.state.session_factory, app.state.settings.audit_checkpoint_seconds)
    signer.start()
    try:
        yield
    finally:
        signer.stop()


def create_app(settings: Settings | None = None, *, database_url: str | None = None) -> FastAPI:
    settings = settings or get_settings()
    # Swagger UI and ReDoc at /docs and /redoc from the fastapi-offline package: no CDN.
    app: FastAPI = FastAPIOffline(
        static_url="/static/docs",
        title="faircollect",
        version=__version__,
        description="Loan servicing and collections, lawful by construction. Amounts are decimal strings in "
        "major units with a currency; times are ISO-8601 with a zone.",
        lifespan=_lifespan,
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
    app.add_middleware(
        RequestGuard, max_body_bytes=settings.max_body_bytes, max_upload_bytes=settings.max_upload_bytes
    )

    @app.exception_handler(DBAPIError)
    async def _database_error(_request: Request, exc: DBAPIError) -> JSONResponse:
        from faircollect.kit.schema import missing_table, schema_missing

        table = missing_table(exc)
        if table is None:
            raise exc
        err = schema_missing(table)  # the URL stays on the server: it may name hosts and users
        return JSONResponse(status_code=err.status, content=error_body(type(err).__name__, err.message))

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
