"""Structured JSON logs (structlog) with personal data masked in every line."""

from __future__ import annotations

import logging
import sys
from collections.abc import MutableMapping
from typing import Any

import structlog

from faircollect.kit.masking import SENSITIVE_KEYS, mask_text


def _mask_processor(
    _logger: Any, _name: str, event_dict: MutableMapping[str, Any]
) -> MutableMapping[str, Any]:
    for key, value in list(event_dict.items()):
        if key in SENSITIVE_KEYS and isinstance(value, str):
            event_dict[key] = SENSITIVE_KEYS[key](value)
        elif isinstance(value, str):
            event_dict[key] = mask_text(value)
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
