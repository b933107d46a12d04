"""Identity tables: staff and machine users, API tokens (stored hashed), web sessions (stored hashed) and
two-person approvals."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from faircollect.db import Base
from faircollect.kit.time import utc_now

USER_KINDS = ("staff", "machine")


class User(Base):
    """A staff member (signs in to the console, holds roles) or a machine identity (an integration's tokens).

    ``password_hash`` is argon2id (NULL: no password sign-in, e.g. SSO only or machine); ``oidc_subject`` links the
    user to the identity provider's ``iss|sub`` when single sign-on is configured.
    """

    __tablename__ = "identity_user"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    username: Mapped[str] = mapped_column(String(120), unique=True)
    kind: Mapped[str] = mapped_column(String(10))
    display_name: Mapped[str] = mapped_column(String(200))
    roles: Mapped[list[str]] = mapped_column(JSON)
    agency_id: Mapped[str | None] = mapped_column(String(40))
    team_id: Mapped[str | None] = mapped_column(String(40))
    password_hash: Mapped[str | None] = mapped_column(String(200))
    oidc_subject: Mapped[str | None] = mapped_column(String(300), unique=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    created_by: Mapped[str] = mapped_column(String(120))
    disabled_at: Mapped[datetime | None] = mapped_column()


class ApiToken(Base):
    """An opaque bearer token. Only its SHA-256 is stored; ``prefix`` (the first characters) names it in lists."""

    __tablename__ = "identity_token"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    user_id: Mapped[str] = mapped_column(ForeignKey("identity_user.id"), index=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    created_by: Mapped[str] = mapped_column(String(120))
    expires_at: Mapped[datetime | None] = mapped_column()
    revoked_at: Mapped[datetime | None] = mapped_column()


class WebSession(Base):
    """A signed-in browser (console staff or portal borrower). The cookie holds a random secret; only its
    SHA-256 is stored. ``subject_id`` is the user id (staff) or the borrower id (borrower)."""

    __tablename__ = "identity_web_session"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    kind: Mapped[str] = mapped_column(String(10))  # staff | borrower
    subject_id: Mapped[str] = mapped_column(String(40), index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(default=utc_now)
    expires_at: Mapped[datetime] = mapped_column()
    ended_at: Mapped[datetime | None] = mapped_column()
    auth_method: Mapped[str] = mapped_column(String(20))  # password | oidc | otp


class Approval(Base):
    """A change that needs a second person (four eyes): who asked, what exactly, and who decided.

    ``kind`` names the change (``rule_override.loosen``); ``request`` holds its arguments; ``result_ref`` what the
    approved change produced (e.g. the override id). The decider is never the requester (checked on identities).
    """

    __tablename__ = "identity_approval"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(120))
    request: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(10), index=True)  # pending | approved | refused
    requested_by: Mapped[str] = mapped_column(String(120))
    requested_at: Mapped[datetime] = mapped_column(default=utc_now)
    decided_by: Mapped[str | None] = mapped_column(String(120))
    decided_at: Mapped[datetime | None] = mapped_column()
    note: Mapped[str | None] = mapped_column(Text)
    result_ref: Mapped[str | None] = mapped_column(String(80))
