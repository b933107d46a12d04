"""Request-scoped dependencies: the database session (one transaction per request) and API-key auth."""

from __future__ import annotations

import hmac
from collections.abc import Iterator

from fastapi import Depends, Header, HTTPException, Request
from sqlalchemy.orm import Session


def get_session(request: Request) -> Iterator[Session]:
    """One unit of work per request: commit if the handler returns, roll back if it raises."""
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


def require_api_key(request: Request, x_api_key: str | None = Header(default=None)) -> str:
    """Check the X-API-Key header against the configured keys; return the caller's key id for the audit log."""
    keys: list[str] = request.app.state.api_keys
    if x_api_key and any(hmac.compare_digest(x_api_key, k) for k in keys):
        return "apikey:" + x_api_key[:4] + "…"
    raise HTTPException(status_code=401, detail="missing or invalid X-API-Key header")


SessionDep = Depends(get_session)
ApiKeyDep = Depends(require_api_key)
