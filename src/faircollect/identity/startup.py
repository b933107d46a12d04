"""What ``serve`` says at start about identities: nobody can sign in, or development keys are on."""

from __future__ import annotations

from fastapi import FastAPI
from sqlalchemy import func, select
from sqlalchemy.exc import SQLAlchemyError

from faircollect.identity.models import ApiToken, User
from faircollect.kit.time import utc_now


def identity_warnings(app: FastAPI) -> list[str]:
    """Loud start-up warnings: no user with a live token or password and no development key (every call will
    answer 401), development keys enabled, or the identity tables missing (run ``faircollect db upgrade``)."""
    out: list[str] = []
    dev_keys = getattr(app.state, "dev_keys", [])
    try:
        with app.state.session_factory() as db:
            now = utc_now()
            live_tokens = db.scalar(
                select(func.count())
                .select_from(ApiToken)
                .join(User, User.id == ApiToken.user_id)
                .where(
                    ApiToken.revoked_at.is_(None),
                    (ApiToken.expires_at.is_(None)) | (ApiToken.expires_at > now),
                    User.active.is_(True),
                )
            )
            passwords = db.scalar(
                select(func.count())
                .select_from(User)
                .where(User.active.is_(True), User.password_hash.is_not(None))
            )
    except SQLAlchemyError:
        return [
            "the identity tables are missing: run `faircollect db upgrade` (every API call will answer 401)"
        ]
    if not live_tokens and not passwords and not dev_keys:
        out.append(
            "NO IDENTITY IS CONFIGURED: every API call will answer 401. Add one with "
            "`faircollect users add NAME --role admin` then `faircollect tokens issue NAME`."
        )
    if dev_keys:
        out.append(
            f"development API keys are enabled (FAIRCOLLECT_API_KEYS, {len(dev_keys)} key(s)); "
            "use users and tokens in production."
        )
    if app.state.settings.oidc_issuer and not app.state.settings.oidc_client_id:
        out.append(
            "FAIRCOLLECT_OIDC_ISSUER is set without FAIRCOLLECT_OIDC_CLIENT_ID: single sign-on is off."
        )
    return out
