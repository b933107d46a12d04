"""The web faces mounted in the API's FastAPI app: static assets, the language switch, error pages, security headers.

``mount_web(app)`` is called by ``api.app.create_app``. Each face is a module exposing ``router`` (an
``APIRouter`` with its own prefix, ``/portal`` or ``/console``) listed in ``WEB_ROUTERS``; a face whose module
does not exist yet is skipped. Nothing is loaded from the internet: ``/static`` serves the app's own files,
``/static/vendor/<name>`` serves files shipped inside installed packages (``VENDOR_FILES``), and ``/docs`` is
Swagger UI from the ``fastapi-offline`` package (see ``api.app``).
"""

from __future__ import annotations

import importlib
from pathlib import Path
from typing import Any, Final

from fastapi import FastAPI, Request
from fastapi.responses import FileResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from faircollect.identity.dependencies import public
from faircollect.kit.errors import FaircollectError
from faircollect.kit.logging import get_logger
from faircollect.kit.masking import mask_url
from faircollect.web import i18n
from faircollect.web.templating import render, translator

STATIC_DIR: Final = Path(__file__).parent / "static"

#: The web faces: modules exposing ``router``. Missing modules are skipped (a face lands when its stream lands).
WEB_ROUTERS: Final[tuple[str, ...]] = ("faircollect.web.portal.routes", "faircollect.web.console.routes")

#: Path prefixes whose errors are rendered as HTML pages rather than JSON.
WEB_PREFIXES: Final[tuple[str, ...]] = ("/portal", "/console", "/lang")

#: Content-Security-Policy of the web pages: only this origin — a page that tried to load a CDN would break.
CSP: Final = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "form-action 'self'; frame-ancestors 'none'; base-uri 'self'; object-src 'none'"
)


def _vendor_files() -> dict[str, Path]:
    """Assets shipped inside installed PyPI packages, served under ``/static/vendor/<name>``."""
    files: dict[str, Path] = {}
    try:
        import plotly

        files["plotly.min.js"] = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    except ImportError:  # plotly is a core dependency; guard only for slim installs
        pass
    return files


VENDOR_FILES: Final[dict[str, Path]] = _vendor_files()


def is_web_path(path: str) -> bool:
    return path == "/" or any(path == p or path.startswith(p + "/") for p in WEB_PREFIXES)


def safe_next(target: str | None, default: str = "/portal/") -> str:
    """A redirect target limited to a path on this site (no scheme, no host, no ``//``): no open redirect."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return default
    return target


def error_page(request: Request, status: int, message: str, *, refresh_to: str | None = None) -> Response:
    _ = translator(request)
    titles = {
        400: _("The request could not be understood"),
        401: _("Please sign in"),
        403: _("You may not open this page"),
        404: _("Page not found"),
        405: _("This page cannot be used that way"),
        409: _("This conflicts with what is already recorded"),
        422: _("Please check what you entered"),
        429: _("Too many attempts — please wait a little and try again"),
    }
    title = titles.get(status, _("Something went wrong"))
    context = {"title": title, "message": message, "refresh_to": refresh_to}
    return render(request, "error.html", context, status_code=status)


def mount_web(app: FastAPI) -> None:
    """Add the web faces, their assets and the language switch to ``app``."""

    for name, path in VENDOR_FILES.items():

        def _serve(path: Path = path) -> FileResponse:
            return FileResponse(path, headers={"Cache-Control": "public, max-age=86400"})

        app.add_api_route(
            f"/static/vendor/{name}", _serve, methods=["GET"], include_in_schema=False, dependencies=[public]
        )
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.middleware("http")
    async def _web_headers(request: Request, call_next: Any) -> Response:
        response: Response = await call_next(request)
        if is_web_path(request.url.path):
            response.headers.setdefault("Content-Security-Policy", CSP)
            response.headers.setdefault("X-Frame-Options", "DENY")
            response.headers.setdefault("X-Content-Type-Options", "nosniff")
            response.headers.setdefault("Referrer-Policy", "same-origin")
        return response

    @app.get("/", include_in_schema=False, dependencies=[public])
    def home(request: Request) -> Response:
        return render(request, "home.html")

    @app.get("/lang", include_in_schema=False, dependencies=[public])
    def switch_language(request: Request, to: str = "", next: str = "") -> Response:
        """The language switch: remember the choice in a cookie for a year and go back to the page."""
        locale = i18n.supported(to)
        if locale is None:
            _ = translator(request)
            return error_page(request, 422, _("Unknown language."))
        response = RedirectResponse(safe_next(next, "/"), status_code=303)
        response.set_cookie(
            i18n.LANG_COOKIE,
            locale,
            max_age=365 * 24 * 3600,
            httponly=True,
            samesite="lax",
            secure=request.url.scheme == "https",
        )
        return response

    @app.exception_handler(StarletteHTTPException)
    async def _http_error(request: Request, exc: StarletteHTTPException) -> Response:
        if is_web_path(request.url.path):
            return error_page(request, exc.status_code, str(exc.detail) if exc.detail else "")
        from faircollect.api.errors import http_error_response

        return http_error_response(exc)

    for module_name in WEB_ROUTERS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name is not None and module_name.startswith(exc.name):
                continue
            raise
        app.include_router(module.router)


def web_domain_error(request: Request, exc: FaircollectError) -> Response | None:
    """The HTML page for a domain error raised under a web face, or ``None`` for the API's JSON answer."""
    if not is_web_path(request.url.path):
        return None
    path = request.url.path
    if exc.status == 401 and (path == "/portal" or path.startswith("/portal/")):
        # Stays a 401 (the route × role test reads it) but the page sends the browser on to the sign-in form.
        from urllib.parse import quote

        target = "/portal/sign-in?next=" + quote(path if request.method == "GET" else "/portal/", safe="/")
        return error_page(request, 401, "", refresh_to=target)
    if exc.status >= 500:
        # A fault of ours (configuration, keys, storage): its text names internals and is not for the reader; the
        # log has it — through the masked structured logger (a message may quote a phone or an ID number, the path a
        # verification code). The page says what the reader can do, in their language.
        get_logger("faircollect.web").error(
            "web error",
            method=request.method,
            path=mask_url(path),
            status=exc.status,
            error_type=type(exc).__name__,
            error=exc.message,
        )
        _ = translator(request)
        return error_page(
            request,
            exc.status,
            _("We could not complete this just now. Please try again later."),
        )
    return error_page(request, exc.status, exc.message)
