"""Web sessions for the console (staff) and the portal (borrowers), and CSRF tokens for their forms.

The cookie carries a random secret; the database keeps only its SHA-256, the subject, the expiry and the session's
CSRF token (synchroniser-token pattern). Cookies are HttpOnly, Secure and SameSite=Lax. A session ends at sign-out,
at expiry, or when its staff user is disabled (checked on every request).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import timedelta
from typing import Literal

from fastapi import Request, Response
from sqlalchemy import select
from sqlalchemy.orm import Session

from faircollect.compliance.audit import service as audit
from faircollect.identity.errors import Forbidden
from faircollect.identity.models import User, WebSession
from faircollect.identity.principal import Principal
from faircollect.identity.service import principal_of
from faircollect.kit.ids import new_id
from faircollect.kit.time import utc_now

SessionKind = Literal["staff", "borrower"]
SESSION_KINDS: tuple[SessionKind, ...] = ("staff", "borrower")

#: Cookie name per kind of session (a browser may hold both, e.g. on a shared test machine).
COOKIE_NAMES: dict[str, str] = {"staff": "faircollect_staff", "borrower": "faircollect_portal"}
CSRF_HEADER = "X-CSRF-Token"
CSRF_FORM_FIELD = "csrf_token"


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True, slots=True)
class SignedIn:
    """A live web session: who, and the CSRF token its forms must carry."""

    principal: Principal
    session_id: str
    csrf_token: str


def start_session(
    db: Session,
    response: Response,
    principal: Principal,
    *,
    auth_method: str,
    lifetime: timedelta,
    secure: bool = True,
) -> SignedIn:
    """Start a web session for a staff or borrower principal and set its cookie on ``response``. Audited.

    ``auth_method`` says how they proved who they are (``password``, ``oidc``, ``otp``).
    """
    if principal.kind == "borrower":
        kind: SessionKind = "borrower"
        subject = principal.borrower_id or principal.id
    elif principal.kind == "staff":
        kind, subject = "staff", principal.id
    else:
        raise Forbidden("only staff and borrowers have web sessions")
    secret = secrets.token_urlsafe(32)
    now = utc_now()
    row = WebSession(
        id=new_id("wss"),
        secret_hash=_sha256(secret),
        kind=kind,
        subject_id=subject,
        csrf_token=secrets.token_urlsafe(32),
        created_at=now,
        expires_at=now + lifetime,
        auth_method=auth_method,
    )
    db.add(row)
    db.flush()
    audit.record(
        db,
        actor=principal.actor,
        action="identity.signed_in",
        subject_type="web_session",
        subject_id=row.id,
        payload={"kind": kind, "auth_method": auth_method, "expires_at": row.expires_at},
    )
    response.set_cookie(
        COOKIE_NAMES[kind],
        secret,
        max_age=int(lifetime.total_seconds()),
        httponly=True,
        secure=secure,
        samesite="lax",
        path="/",
    )
    return SignedIn(principal=principal, session_id=row.id, csrf_token=row.csrf_token)


def _live_row(db: Session, secret: str, kind: SessionKind) -> WebSession | None:
    row = db.scalar(select(WebSession).where(WebSession.secret_hash == _sha256(secret)))
    if row is None or row.kind != kind or row.ended_at is not None or row.expires_at <= utc_now():
        return None
    return row


def load_session(db: Session, request: Request, kind: SessionKind) -> SignedIn | None:
    """The live session behind the request's cookie of this kind, or None (no cookie, unknown, expired, ended,
    or its staff user disabled)."""
    secret = request.cookies.get(COOKIE_NAMES[kind])
    if not secret:
        return None
    row = _live_row(db, secret, kind)
    if row is None:
        return None
    if kind == "staff":
        user = db.get(User, row.subject_id)
        if user is None or not user.active or user.kind != "staff":
            return None
        principal = principal_of(user)
    else:
        principal = borrower_principal(row.subject_id)
    return SignedIn(principal=principal, session_id=row.id, csrf_token=row.csrf_token)


def borrower_principal(borrower_id: str) -> Principal:
    """The principal of a signed-in borrower (the portal proves who they are, then calls ``start_session``)."""
    return Principal(
        id=f"borrower:{borrower_id}",
        kind="borrower",
        name=borrower_id,
        roles=frozenset({"borrower"}),
        borrower_id=borrower_id,
    )


def end_session(db: Session, request: Request, response: Response, kind: SessionKind) -> bool:
    """Sign out: end the session behind the cookie (if any) and clear the cookie. Audited when one was live."""
    secret = request.cookies.get(COOKIE_NAMES[kind])
    response.delete_cookie(COOKIE_NAMES[kind], path="/", secure=True, httponly=True, samesite="lax")
    if not secret:
        return False
    row = _live_row(db, secret, kind)
    if row is None:
        return False
    row.ended_at = utc_now()
    actor = f"{'borrower' if kind == 'borrower' else 'staff'}:{row.subject_id}"
    if kind == "staff":
        user = db.get(User, row.subject_id)
        if user is not None:
            actor = principal_of(user).actor
    audit.record(db, actor=actor, action="identity.signed_out", subject_type="web_session", subject_id=row.id)
    return True


def verify_csrf(signed_in: SignedIn, presented: str | None) -> None:
    """Refuse (403) a form or unsafe request whose CSRF token is missing or is not this session's."""
    if not presented or not hmac.compare_digest(presented.encode(), signed_in.csrf_token.encode()):
        raise Forbidden("missing or wrong CSRF token (reload the page and try again)", field=CSRF_FORM_FIELD)


async def presented_csrf(request: Request) -> str | None:
    """The CSRF token a request carries: the ``X-CSRF-Token`` header, else the ``csrf_token`` form field."""
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    ctype = request.headers.get("content-type", "")
    if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FORM_FIELD)
        return value if isinstance(value, str) else None
    return None
