"""Users and API tokens: create, list, disable, issue, revoke, authenticate. Services never commit."""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from faircollect.compliance.audit import service as audit
from faircollect.identity import passwords
from faircollect.identity.errors import NotAuthenticated
from faircollect.identity.models import ApiToken, User, WebSession
from faircollect.identity.permissions import STAFF_ROLES, Role, parse_role
from faircollect.identity.principal import Principal
from faircollect.kit.errors import Conflict, NotFound, ValidationError
from faircollect.kit.ids import new_id
from faircollect.kit.time import utc_now

TOKEN_PREFIX = "fct_"


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def principal_of(user: User) -> Principal:
    """The principal a user authenticates as."""
    return Principal(
        id=user.id,
        kind="machine" if user.kind == "machine" else "staff",
        name=user.username,
        roles=frozenset(user.roles),
        agency_id=user.agency_id,
        team_id=user.team_id,
    )


def add_user(
    session: Session,
    *,
    username: str,
    roles: list[str],
    actor: str,
    agency_id: str | None = None,
    team_id: str | None = None,
    display_name: str | None = None,
    password: str | None = None,
) -> User:
    """Create a staff user (or a machine user when the role is ``integration``). Audited."""
    username = username.strip()
    if not username or len(username) > 120 or any(c.isspace() or c == ":" for c in username):
        raise ValidationError("a username is 1-120 characters without spaces or ':'", field="username")
    if not roles:
        raise ValidationError("at least one role is needed", field="role")
    try:
        parsed = sorted({parse_role(r) for r in roles})
    except ValueError as exc:
        raise ValidationError(str(exc), field="role") from None
    machine = Role.INTEGRATION in parsed
    if machine and len(parsed) > 1:
        raise ValidationError("an integration identity holds no other role", field="role")
    if not machine and not set(parsed) <= STAFF_ROLES:
        raise ValidationError("borrowers sign in through the portal; they are not users", field="role")
    if Role.AGENCY_AGENT in parsed and not agency_id:
        raise ValidationError("an agency agent is bound to one agency: give --agency", field="agency")
    if agency_id and Role.AGENCY_AGENT not in parsed:
        raise ValidationError("--agency applies to the agency_agent role only", field="agency")
    if session.scalar(select(User.id).where(User.username == username)):
        raise Conflict(f"user {username!r} exists", field="username")
    if password and machine:
        raise ValidationError("machine identities sign in with tokens only", field="password")
    try:
        password_hash = passwords.hash_password(password) if password else None
    except ValueError as exc:
        raise ValidationError(str(exc), field="password") from None
    user = User(
        id=new_id("usr"),
        username=username,
        kind="machine" if machine else "staff",
        display_name=display_name or username,
        roles=[r.value for r in parsed],
        agency_id=agency_id,
        team_id=team_id,
        password_hash=password_hash,
        active=True,
        created_at=utc_now(),
        created_by=actor,
    )
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="identity.user_added",
        subject_type="user",
        subject_id=user.id,
        payload={"username": username, "roles": user.roles, "agency_id": agency_id, "team_id": team_id},
    )
    return user


def get_user(session: Session, username: str) -> User:
    user = session.scalar(select(User).where(User.username == username))
    if user is None:
        raise NotFound(f"no user {username!r}", field="username")
    return user


def list_users(session: Session) -> list[User]:
    return list(session.scalars(select(User).order_by(User.username)))


def set_password(session: Session, *, username: str, password: str, actor: str) -> None:
    """Set (or replace) a staff user's password (argon2id) and end the user's live web sessions (a new password is
    what an operator sets after a suspected compromise). Audited without the password. API tokens are credentials
    of their own: revoke them with ``tokens revoke``."""
    user = get_user(session, username)
    if user.kind != "staff":
        raise ValidationError("machine identities sign in with tokens only", field="username")
    try:
        user.password_hash = passwords.hash_password(password)
    except ValueError as exc:
        raise ValidationError(str(exc), field="password") from None
    now = utc_now()
    live = session.scalars(
        select(WebSession).where(
            WebSession.kind == "staff", WebSession.subject_id == user.id, WebSession.ended_at.is_(None)
        )
    ).all()
    for row in live:
        row.ended_at = now
    audit.record(
        session,
        actor=actor,
        action="identity.password_set",
        subject_type="user",
        subject_id=user.id,
        payload={"sessions_ended": len(live)},
    )


def disable_user(session: Session, *, username: str, actor: str) -> User:
    """Disable a user: its tokens and web sessions stop working at once (they are checked on every request)."""
    user = get_user(session, username)
    if user.active:
        user.active = False
        user.disabled_at = utc_now()
        audit.record(
            session, actor=actor, action="identity.user_disabled", subject_type="user", subject_id=user.id
        )
    return user


@dataclass(frozen=True, slots=True)
class IssuedToken:
    """A freshly issued token. ``secret`` is shown once and never stored."""

    id: str
    username: str
    secret: str
    expires_at: datetime | None


def issue_token(session: Session, *, username: str, actor: str, expires_days: int | None = 90) -> IssuedToken:
    """Issue an opaque bearer token for an active user; only its SHA-256 is stored. Audited (without it)."""
    user = get_user(session, username)
    if not user.active:
        raise ValidationError(f"user {username!r} is disabled", field="username")
    if expires_days is not None and not 1 <= expires_days <= 3650:
        raise ValidationError("expiry must be 1-3650 days", field="expires_days")
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    now = utc_now()
    expires_at = now + timedelta(days=expires_days) if expires_days is not None else None
    token = ApiToken(
        id=new_id("tok"),
        user_id=user.id,
        token_hash=_sha256(secret),
        prefix=secret[:10],
        created_at=now,
        created_by=actor,
        expires_at=expires_at,
    )
    session.add(token)
    session.flush()
    audit.record(
        session,
        actor=actor,
        action="identity.token_issued",
        subject_type="user",
        subject_id=user.id,
        payload={"token_id": token.id, "prefix": token.prefix, "expires_at": expires_at},
    )
    return IssuedToken(id=token.id, username=user.username, secret=secret, expires_at=expires_at)


def list_tokens(session: Session, username: str | None = None) -> list[tuple[ApiToken, User]]:
    stmt = select(ApiToken, User).join(User, User.id == ApiToken.user_id).order_by(ApiToken.created_at)
    if username:
        stmt = stmt.where(User.username == username)
    return [(t, u) for t, u in session.execute(stmt).all()]


def revoke_token(session: Session, *, token_ref: str, actor: str) -> ApiToken:
    """Revoke a token by its id, its prefix or the token itself. Audited."""
    ref = token_ref.strip()
    token = session.scalar(
        select(ApiToken).where(
            (ApiToken.id == ref) | (ApiToken.token_hash == _sha256(ref)) | (ApiToken.prefix == ref)
        )
    )
    if token is None:
        raise NotFound("no such token (give its id, its prefix or the token)", field="token")
    if token.revoked_at is None:
        token.revoked_at = utc_now()
        audit.record(
            session,
            actor=actor,
            action="identity.token_revoked",
            subject_type="user",
            subject_id=token.user_id,
            payload={"token_id": token.id, "prefix": token.prefix},
        )
    return token


def authenticate_token(session: Session, secret: str) -> Principal:
    """The principal of a bearer token; NotAuthenticated when unknown, expired, revoked or its user disabled."""
    row = session.execute(
        select(ApiToken, User)
        .join(User, User.id == ApiToken.user_id)
        .where(ApiToken.token_hash == _sha256(secret))
    ).first()
    if row is None:
        raise NotAuthenticated("unknown bearer token")
    token, user = row
    now = utc_now()
    if token.revoked_at is not None:
        raise NotAuthenticated("this token was revoked")
    if token.expires_at is not None and token.expires_at <= now:
        raise NotAuthenticated("this token has expired")
    if not user.active:
        raise NotAuthenticated("this user is disabled")
    return principal_of(user)


def authenticate_password(session: Session, *, username: str, password: str) -> Principal:
    """Staff sign-in: the principal when the password matches an active staff user; NotAuthenticated otherwise
    (the same answer for an unknown user, a wrong password and a disabled user)."""
    user = session.scalar(select(User).where(User.username == username.strip()))
    ok = passwords.verify_password(user.password_hash if user else None, password)
    if not ok or user is None or not user.active or user.kind != "staff":
        raise NotAuthenticated("unknown user or wrong password")
    if passwords.needs_rehash(user.password_hash or ""):
        user.password_hash = passwords.hash_password(password)
    return principal_of(user)


def user_by_id(session: Session, user_id: str) -> User | None:
    return session.get(User, user_id)
