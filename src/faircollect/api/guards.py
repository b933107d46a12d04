"""Request guards applied to every route before a handler runs (one place, not one check per route).

- Bodies are limited in size (``FAIRCOLLECT_MAX_BODY_BYTES``, 1 MB by default) → 413.
- JSON bodies must parse as RFC 8259 JSON (→ 400: ``NaN``, ``Infinity`` and ``-Infinity`` are not JSON, and a
  number too large for a float, such as ``1e999``, is refused too), nest at most ``MAX_JSON_DEPTH`` levels and hold at most ``MAX_JSON_NODES``
  values (→ 422), and every string in them, keys included, must be clean text (``kit.text``) → 422 naming the
  JSON path.
- The decoded path and query string must be clean text too → 422.

Errors use the one error shape of ``api.errors``.
"""

from __future__ import annotations

import json
from typing import Any, Final
from urllib.parse import parse_qsl

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from faircollect.api.errors import error_body
from faircollect.kit.text import text_problem

MAX_JSON_DEPTH: Final = 32
MAX_JSON_NODES: Final = 200_000


class _Refused(Exception):
    def __init__(self, status: int, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message, self.field = status, message, field


def _no_constant(name: str) -> Any:
    raise ValueError(
        f"{name} is not a JSON value (RFC 8259); send numbers as finite values or decimal strings"
    )


def _finite_float(text: str) -> float:
    value = float(text)
    if value in (float("inf"), float("-inf")):
        raise ValueError(f"the number {text[:40]} is too large")
    return value


def loads_strict(raw: bytes | str) -> Any:
    """``json.loads`` refusing what RFC 8259 does not allow and Python's parser does: ``NaN``, ``Infinity``,
    ``-Infinity`` and numbers that overflow a float to infinity (``1e999``). Python would pass them on as
    non-finite floats, which no response can echo back as JSON (the error handler answered 500)."""
    return json.loads(raw, parse_constant=_no_constant, parse_float=_finite_float)


def _depth_ok(raw: bytes) -> bool:
    """Bracket depth outside strings, counted without recursion (json.loads would recurse first)."""
    depth = 0
    in_string = escaped = False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):
            depth += 1
            if depth > MAX_JSON_DEPTH:
                return False
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return True


def check_json_document(doc: Any) -> None:
    """Walk a parsed JSON document iteratively; refuse unclean strings and oversize documents."""
    stack: list[tuple[Any, str]] = [(doc, "body")]
    nodes = 0
    while stack:
        value, path = stack.pop()
        nodes += 1
        if nodes > MAX_JSON_NODES:
            raise _Refused(422, f"the JSON body holds more than {MAX_JSON_NODES} values")
        if isinstance(value, str):
            problem = text_problem(value)
            if problem:
                raise _Refused(422, problem, path)
        elif isinstance(value, dict):
            for key, item in value.items():
                problem = text_problem(key, single_line=True)
                if problem:
                    raise _Refused(422, f"a key {problem}", path)
                stack.append((item, f"{path}.{key}"))
        elif isinstance(value, list):
            stack.extend((item, f"{path}[{i}]") for i, item in enumerate(value))


def _check_url(scope: Scope) -> None:
    path = scope.get("path", "")  # the server has already percent-decoded it
    problem = text_problem(path, single_line=True)
    if problem:
        raise _Refused(422, f"the URL path {problem}", "path")
    query = scope.get("query_string", b"").decode("latin-1")
    try:
        pairs = parse_qsl(query, keep_blank_values=True, errors="strict")
    except UnicodeDecodeError:
        raise _Refused(422, "the query string is not valid UTF-8", "query") from None
    for key, value in pairs:
        for part in (key, value):
            problem = text_problem(part, single_line=True)
            if problem:
                raise _Refused(422, f"query parameter {key[:40]!r} {problem}", f"query.{key[:40]}")


class RequestGuard:
    """Pure ASGI middleware (it must see the raw body, and replay it to the app unchanged)."""

    def __init__(
        self, app: ASGIApp, *, max_body_bytes: int = 1_000_000, max_upload_bytes: int = 10_000_000
    ) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.max_upload_bytes = max_upload_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        try:
            _check_url(scope)
            headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope.get("headers", [])}
            # Multipart uploads (attachments) have their own, larger limit.
            limit = (
                self.max_upload_bytes
                if "multipart/" in headers.get("content-type", "")
                else self.max_body_bytes
            )
            declared = headers.get("content-length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise _Refused(413, f"the request body is larger than {limit} bytes")
            body = bytearray()
            more = True
            while more:
                message = await receive()
                if message["type"] == "http.disconnect":
                    return
                body.extend(message.get("body", b""))
                if len(body) > limit:
                    raise _Refused(413, f"the request body is larger than {limit} bytes")
                more = message.get("more_body", False)
            # FastAPI reads a body without a content type as JSON too, so such bodies are checked the same way.
            content_type = headers.get("content-type", "")
            if body and ("json" in content_type or not content_type):
                if not _depth_ok(bytes(body)):
                    raise _Refused(422, f"the JSON body nests deeper than {MAX_JSON_DEPTH} levels")
                try:
                    doc = loads_strict(bytes(body))
                except (UnicodeDecodeError, ValueError) as exc:  # json.JSONDecodeError is a ValueError
                    raise _Refused(400, f"the body is not valid JSON: {exc}") from None
                check_json_document(doc)
        except _Refused as refused:
            await _respond(send, refused.status, error_body("RequestRefused", refused.message, refused.field))
            return

        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": bytes(body), "more_body": False}
            return await receive()

        await self.app(scope, replay, send)


async def _respond(send: Send, status: int, body: dict[str, Any]) -> None:
    payload = json.dumps(body, ensure_ascii=False).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(payload)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": payload})
