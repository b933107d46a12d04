"""Request-scoped dependencies: the database session (one transaction per request, committed before the response
is sent) and the caller's identity (``faircollect.identity.dependencies``)."""

from __future__ import annotations

from collections.abc import Iterator

from fastapi import Depends, Request
from sqlalchemy.orm import Session

from faircollect.identity.dependencies import public, require
from faircollect.identity.permissions import Permission
from faircollect.identity.principal import Principal


def get_session(request: Request) -> Iterator[Session]:
    """One unit of work per request: commit when the handler returns, roll back when it raises.

    Declared with ``scope="function"`` so the commit runs right after the handler returns and *before* the
    response is sent: a client never reads a 2xx for a write that is not committed (a failed commit answers an
    error instead).
    """
    factory = request.app.state.session_factory
    session: Session = factory()
    try:
        yield session
        session.commit()
    except BaseException:
        session.rollback()
        raise
    finally:
        session.close()


SessionDep = Depends(get_session, scope="function")

__all__ = ["Permission", "Principal", "SessionDep", "get_session", "public", "require"]
