"""Errors of authentication and authorisation; the API maps them to 401, 403 and 429."""

from __future__ import annotations

from faircollect.kit.errors import FaircollectError


class NotAuthenticated(FaircollectError):
    """No credentials, or credentials that are unknown, expired, revoked or disabled."""

    status = 401


class Forbidden(FaircollectError):
    """The caller is known but may not do this (missing permission, another agency's case, own approval)."""

    status = 403


class TooManyRequests(FaircollectError):
    """A rate limit was reached; ``retry_after`` seconds until the next attempt may succeed."""

    status = 429

    def __init__(self, message: str, *, retry_after: int = 60, field: str | None = None) -> None:
        self.retry_after = retry_after
        super().__init__(message, field=field)
