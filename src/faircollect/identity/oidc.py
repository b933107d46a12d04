"""Staff single sign-on through OpenID Connect (authorization-code flow), with Authlib for the OAuth 2.0 client
and joserfc (Authlib's JOSE library) for the ID token.

Optional: on when ``FAIRCOLLECT_OIDC_ISSUER`` and ``FAIRCOLLECT_OIDC_CLIENT_ID`` are set. The provider proves who
the person is; faircollect still decides what they may do: the ID token's ``iss|sub`` must belong to an active
staff user (``users add``), linked on first sign-in by ``preferred_username`` (or ``email``) equal to the username.
Nobody gets a role from the provider.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any

import httpx
from joserfc import jwt
from joserfc.errors import JoseError
from joserfc.jwk import KeySet
from sqlalchemy import select
from sqlalchemy.orm import Session

from faircollect.compliance.audit import service as audit
from faircollect.config import Settings
from faircollect.identity.errors import NotAuthenticated
from faircollect.identity.models import User
from faircollect.identity.principal import Principal
from faircollect.identity.service import principal_of
from faircollect.kit.errors import NotFound

STATE_COOKIE = "faircollect_oidc"


@dataclass(frozen=True, slots=True)
class Provider:
    issuer: str
    client_id: str
    client_secret: str
    authorization_endpoint: str
    token_endpoint: str
    jwks_uri: str


def configured(settings: Settings) -> bool:
    return bool(settings.oidc_issuer and settings.oidc_client_id)


def discover(settings: Settings, *, http: httpx.Client | None = None) -> Provider:
    """Read the provider's discovery document (``/.well-known/openid-configuration``)."""
    if not configured(settings):
        raise NotFound(
            "single sign-on is not configured (FAIRCOLLECT_OIDC_ISSUER, FAIRCOLLECT_OIDC_CLIENT_ID)"
        )
    issuer = settings.oidc_issuer.rstrip("/")
    client = http or httpx.Client(timeout=10)
    try:
        doc = client.get(f"{issuer}/.well-known/openid-configuration").raise_for_status().json()
    except (httpx.HTTPError, ValueError) as exc:
        raise NotAuthenticated(f"the identity provider cannot be reached: {type(exc).__name__}") from None
    if doc.get("issuer", "").rstrip("/") != issuer:
        raise NotAuthenticated("the identity provider's discovery document names another issuer")
    return Provider(
        issuer=doc["issuer"],
        client_id=settings.oidc_client_id,
        client_secret=settings.oidc_client_secret,
        authorization_endpoint=doc["authorization_endpoint"],
        token_endpoint=doc["token_endpoint"],
        jwks_uri=doc["jwks_uri"],
    )


def _client(provider: Provider, redirect_uri: str) -> Any:
    from authlib.integrations.httpx_client import OAuth2Client

    return OAuth2Client(
        client_id=provider.client_id,
        client_secret=provider.client_secret,
        scope="openid profile email",
        redirect_uri=redirect_uri,
    )


def authorization_url(provider: Provider, redirect_uri: str) -> tuple[str, str]:
    """Where to send the browser, and the ``state.nonce`` to keep in a short-lived cookie until the callback."""
    nonce = secrets.token_urlsafe(24)
    with _client(provider, redirect_uri) as client:
        url, state = client.create_authorization_url(provider.authorization_endpoint, nonce=nonce)
    return url, f"{state}.{nonce}"


def complete(
    db: Session, provider: Provider, *, code: str, state: str, kept: str | None, redirect_uri: str
) -> Principal:
    """Exchange the code, validate the ID token (signature from the provider's keys, issuer, audience, expiry,
    nonce) and return the staff principal it belongs to. NotAuthenticated for any failure. Audited."""
    expected_state, _, nonce = (kept or "").partition(".")
    if not expected_state or not secrets.compare_digest(expected_state, state):
        raise NotAuthenticated("single sign-on failed: the state does not match (start again)")
    try:
        with _client(provider, redirect_uri) as client:
            token = client.fetch_token(provider.token_endpoint, code=code, state=state)
            keys = KeySet.import_key_set(client.get(provider.jwks_uri).raise_for_status().json())
        decoded = jwt.decode(token["id_token"], keys)
        jwt.JWTClaimsRegistry(
            iss={"essential": True, "value": provider.issuer},
            aud={"essential": True, "value": provider.client_id},
            sub={"essential": True},
            exp={"essential": True},  # OIDC Core §2: required; its value is checked whenever present
            nonce={"essential": True, "value": nonce},
        ).validate(decoded.claims)
    except (JoseError, httpx.HTTPError, KeyError, ValueError) as exc:
        raise NotAuthenticated(f"single sign-on failed: {type(exc).__name__}") from None
    claims = decoded.claims
    subject = f"{claims['iss']}|{claims['sub']}"[:300]
    user = db.scalar(select(User).where(User.oidc_subject == subject))
    if user is None:
        # An e-mail address links only when the provider verified it: at many providers anyone may enter an
        # unverified address equal to a colleague's (or an admin's) username.
        email = claims.get("email") if claims.get("email_verified") is True else None
        name = claims.get("preferred_username") or email
        user = (
            db.scalar(select(User).where(User.username == name, User.oidc_subject.is_(None)))
            if name
            else None
        )
        if user is None:
            raise NotAuthenticated(
                "no faircollect user for this identity: ask an admin to add you (users add)"
            )
        user.oidc_subject = subject
    if not user.active or user.kind != "staff":
        raise NotAuthenticated("this user is disabled")
    principal = principal_of(user)
    audit.record(
        db,
        actor=principal.actor,
        action="identity.oidc_signed_in",
        subject_type="user",
        subject_id=user.id,
        payload={"issuer": claims["iss"]},
    )
    return principal
