"""One error shape for every API error, whatever raised it.

``{"error": KIND, "message": TEXT, "field": WHERE|null, "row": N|null, "file": NAME|null, "errors": [...]}`` —
domain errors, request validation (pydantic), HTTP errors (401, 403, 404 …), database refusals and the request
guards all answer in it. ``errors`` lists the individual problems when there are several (validation).
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from sqlalchemy.exc import DataError, IntegrityError
from starlette.exceptions import HTTPException as StarletteHTTPException

from faircollect.kit.errors import BadRequest, FaircollectError, ValidationErrors

log = logging.getLogger(__name__)

_HTTP_KINDS = {
    400: "BadRequest",
    401: "Unauthorized",
    403: "Forbidden",
    404: "NotFound",
    405: "MethodNotAllowed",
    409: "Conflict",
    413: "PayloadTooLarge",
    415: "UnsupportedMediaType",
    422: "ValidationError",
    429: "TooManyRequests",
}


def error_body(
    kind: str,
    message: str,
    field: str | None = None,
    *,
    errors: list[dict[str, Any]] | None = None,
    row: int | None = None,
    file: str | None = None,
) -> dict[str, Any]:
    """The one error shape."""
    return {
        "error": kind,
        "message": message,
        "field": field,
        "row": row,
        "file": file,
        "errors": errors or [],
    }


def _loc(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(p) for p in loc)


def _clean(value: Any) -> Any:
    """pydantic puts the offending input (and exception objects) in its errors; keep them JSON-safe."""
    try:
        # A lone surrogate cannot be encoded, a non-finite float is not JSON (the response would fail): repr them.
        json.dumps(value, ensure_ascii=False, allow_nan=False).encode("utf-8")
        return value
    except (TypeError, ValueError):
        return repr(value)[:200]


async def json_body(request: Request) -> Any:
    """The request body parsed as JSON, or a 400 in the one error shape (empty and non-JSON bodies included)."""
    raw = await request.body()
    if not raw.strip():
        raise BadRequest("the request body is empty; a JSON document is expected", field="body")
    try:
        from faircollect.api.guards import loads_strict

        return loads_strict(raw)
    except (UnicodeDecodeError, ValueError) as exc:  # json.JSONDecodeError is a ValueError
        raise BadRequest(f"the request body is not valid JSON: {exc}", field="body") from None


def http_error_response(exc: StarletteHTTPException) -> JSONResponse:
    """An HTTP error (401, 403, 404 …) in the one shape, keeping its headers (WWW-Authenticate, Retry-After)."""
    detail = exc.detail if isinstance(exc.detail, str) else json.dumps(_clean(exc.detail))
    kind = _HTTP_KINDS.get(exc.status_code, "HTTPError")
    return JSONResponse(
        status_code=exc.status_code, content=error_body(kind, detail), headers=getattr(exc, "headers", None)
    )


def install_error_handlers(
    app: FastAPI, *, page: Callable[[Request, FaircollectError], Response | None] | None = None
) -> None:
    """Register the handlers that map every error to the one shape (``page`` may answer a web face's request
    with an HTML page instead)."""

    @app.exception_handler(FaircollectError)
    async def _domain(request: Request, exc: FaircollectError) -> Response:
        if page is not None:
            html = page(request, exc)
            if html is not None:
                return html
        errors = (
            [error_body(**_split(e.as_dict())) for e in exc.errors]
            if isinstance(exc, ValidationErrors)
            else []
        )
        # A domain error may carry more than the shape (the linter's findings on a refused template): keep it.
        body = {
            **exc.as_dict(),
            **error_body(
                type(exc).__name__, exc.message, exc.field, errors=errors, row=exc.row, file=exc.file
            ),
        }
        headers: dict[str, str] = {}
        if exc.status == 401:
            headers["WWW-Authenticate"] = "Bearer"
        retry_after = getattr(exc, "retry_after", None)
        if retry_after is not None:
            headers["Retry-After"] = str(retry_after)
        return JSONResponse(status_code=exc.status, content=body, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def _validation(_request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [
            {
                **error_body("ValidationError", str(e.get("msg", "invalid")), _loc(e.get("loc", ()))),
                "input": _clean(e.get("input")),
            }
            for e in exc.errors()
        ]
        summary = "; ".join(f"{e['field']}: {e['message']}" for e in errors[:5])
        more = f" (and {len(errors) - 5} more)" if len(errors) > 5 else ""
        first = errors[0]["field"] if errors else None
        body = error_body(
            "ValidationErrors", f"{len(errors)} error(s): {summary}{more}", first, errors=errors
        )
        return JSONResponse(status_code=422, content=body)

    @app.exception_handler(StarletteHTTPException)
    async def _http(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        detail = exc.detail if isinstance(exc.detail, str) else json.dumps(_clean(exc.detail))
        kind = _HTTP_KINDS.get(exc.status_code, "HTTPError")
        return JSONResponse(
            status_code=exc.status_code,
            content=error_body(kind, detail),
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(IntegrityError)
    async def _integrity(_request: Request, exc: IntegrityError) -> JSONResponse:
        # A reference to something that does not exist, or a duplicate, reached the database: the caller's
        # request contradicts stored data. Say so without leaking SQL.
        log.info("integrity error refused: %s", type(exc.orig).__name__)
        return JSONResponse(
            status_code=409,
            content=error_body(
                "Conflict",
                "the request refers to a record that does not exist or duplicates one that does",
            ),
        )

    @app.exception_handler(DataError)
    async def _data(_request: Request, exc: DataError) -> JSONResponse:
        log.info("data error refused: %s", type(exc.orig).__name__)
        return JSONResponse(
            status_code=422,
            content=error_body(
                "ValidationError", "a value is out of range or too long for where it is stored"
            ),
        )

    @app.exception_handler(OverflowError)
    async def _overflow(_request: Request, _exc: OverflowError) -> JSONResponse:
        return JSONResponse(
            status_code=422, content=error_body("ValidationError", "a number is out of range")
        )


def _split(d: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": str(d.get("error", "ValidationError")),
        "message": str(d.get("message", "")),
        "field": d.get("field"),
        "row": d.get("row"),
        "file": d.get("file"),
    }
