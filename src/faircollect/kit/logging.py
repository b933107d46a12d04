"""Structured JSON logs (structlog) with personal data masked in every line: every field at any depth (nested
dicts and lists included) and the text of a logged traceback."""

from __future__ import annotations

import logging
import sys
from collections.abc import Mapping, MutableMapping
from typing import Any

import structlog

from faircollect.kit.masking import SENSITIVE_KEYS, mask_text

#: How deep masking follows nested dicts and lists; anything deeper is replaced (never written unmasked).
MAX_DEPTH = 32
_JSON_LEAVES = (int, float, bool, type(None))


def mask_value(value: Any, key: Any = None, *, _depth: int = 0) -> Any:
    """``value`` fit for a log line, at any depth: a string under a sensitive key (``phone``, ``id_number``, …) is
    masked by that key's rule, any other string by :func:`mask_text`; dicts (their string keys too), lists, tuples
    and sets are masked item by item; numbers, booleans and None stay as they are; any other object is written as
    its masked ``repr`` (what the JSON renderer would have written, unmasked)."""
    if _depth > MAX_DEPTH:
        return "<nested too deep to log>"
    if isinstance(value, str):
        rule = SENSITIVE_KEYS.get(key) if isinstance(key, str) else None
        return rule(value) if rule is not None else mask_text(value)
    if isinstance(value, _JSON_LEAVES):
        return value
    if isinstance(value, Mapping):
        return {
            (mask_text(k) if isinstance(k, str) else k): mask_value(v, k, _depth=_depth + 1)
            for k, v in value.items()
        }
    if isinstance(value, list | tuple | set | frozenset):
        # A value under a sensitive key stays under it: ``phones=["138…", …]`` is masked as phones.
        return [mask_value(v, key, _depth=_depth + 1) for v in value]
    if isinstance(value, bytes | bytearray):
        return mask_text(bytes(value).decode("utf-8", "replace"))
    return mask_text(repr(value))


def _mask_processor(
    _logger: Any, _name: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    for key, value in list(event_dict.items()):
        event_dict[key] = mask_value(value, key)
    return event_dict


_configured = False


class _CurrentStderr:
    """``sys.stderr`` as it is when a line is written, not when logging was configured: a command run under a
    test runner that swaps (and then closes) the stream must not leave every later log line writing to a closed
    file ("I/O operation on closed file" from the next app that logs)."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def configure_logging(level: str = "INFO", *, json: bool = True) -> None:
    """Configure structlog once: ISO timestamps, level, masking, JSON (or console) rendering to stderr."""
    global _configured
    if _configured:
        return
    logging.basicConfig(
        stream=sys.stderr, level=getattr(logging, level.upper(), logging.INFO), format="%(message)s"
    )
    renderer: Any = (
        structlog.processors.JSONRenderer(ensure_ascii=False) if json else structlog.dev.ConsoleRenderer()
    )
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,  # a traceback becomes text ("exception") and is masked too
            _mask_processor,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(getattr(logging, level.upper(), logging.INFO)),
        logger_factory=structlog.PrintLoggerFactory(file=_CurrentStderr()),  # type: ignore[arg-type]
        cache_logger_on_first_use=True,
    )
    _configured = True


def get_logger(name: str | None = None) -> Any:
    configure_logging()
    return structlog.get_logger(name)
