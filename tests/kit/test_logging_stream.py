"""Logging writes to the stderr of the moment: configured while a test runner had swapped (and then closed) the
stream, a later log line must not fail with "I/O operation on closed file"."""

from __future__ import annotations

import io
import sys

import pytest
import structlog

from faircollect.kit import logging as kit_logging


def test_log_lines_go_to_the_current_stderr_not_the_one_seen_at_configuration(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(kit_logging, "_configured", False)
    old_config = structlog.get_config()
    swapped = io.StringIO()
    monkeypatch.setattr(sys, "stderr", swapped)
    try:
        kit_logging.configure_logging()  # as a command run under CliRunner would
        swapped.close()
        later = io.StringIO()
        monkeypatch.setattr(sys, "stderr", later)
        structlog.get_logger("t").warning("after the runner closed its stream")
        assert "after the runner closed its stream" in later.getvalue()
    finally:
        structlog.configure(**old_config)
