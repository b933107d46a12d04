"""Staff single sign-on against a local OpenID-Connect-like provider (pytest-httpserver): discovery, keys, token
endpoint, an RS256 ID token signed with a throwaway key; the provider proves who, faircollect decides what."""

from __future__ import annotations

import time
from urllib.parse import parse_qs, urlparse

import pytest
from fastapi.testclient import TestClient
from joserfc import jwt
from joserfc.jwk import RSAKey
from pytest_httpserver import HTTPServer

from faircollect.api.app import create_app
from faircollect.config import Settings
from faircollect.db import make_engine, session_factory, unit_of_work, upgrade
from faircollect.identity import service

KEY = RSAKey.generate_key(2048, parameters={"kid": "k1", "use": "sig", "alg": "RS256"})


def _provider(httpserver: HTTPServer) -> str:
    issuer = httpserver.url_for("").rstrip("/")
    httpserver.expect_request("/.well-known/openid-configuration").respond_with_json(
        {
            "issuer": issuer,
            "authorization_endpoint": f"{issuer}/authorize",
            "token_endpoint": f"{issuer}/token",
            "jwks_uri": f"{issuer}/jwks",
        }
    )
    httpserver.expect_request("/jwks").respond_with_json({"keys": [KEY.as_dict(private=False)]})
    return issuer


def _id_token(
    issuer: str, *, nonce: str, sub: str = "u-123", username: str = "mei", aud: str = "faircollect"
) -> str:
    now = int(time.time())
    claims = {
        "iss": issuer,
        "sub": sub,
        "aud": aud,
        "iat": now,
        "exp": now + 300,
        "nonce": nonce,
        "preferred_username": username,
    }
    return jwt.encode({"alg": "RS256", "kid": "k1"}, claims, KEY)


def _start(client: TestClient) -> dict[str, str]:
    r = client.get("/v1/auth/oidc/start", params={"next": "/v1/collections/cases"}, follow_redirects=False)
    assert r.status_code == 303, r.text
    query = {k: v[0] for k, v in parse_qs(urlparse(r.headers["location"]).query).items()}
    assert (
        query["response_type"] == "code"
        and query["client_id"] == "faircollect"
        and "openid" in query["scope"]
    )
    return query


@pytest.fixture
def app_client(httpserver: HTTPServer, sqlite_url: str) -> tuple[TestClient, str]:
    issuer = _provider(httpserver)
    upgrade(sqlite_url)
    engine = make_engine(sqlite_url)
    with unit_of_work(session_factory(engine)) as s:
        service.add_user(s, username="mei", roles=["supervisor"], actor="test")
    engine.dispose()
    settings = Settings(oidc_issuer=issuer, oidc_client_id="faircollect", oidc_client_secret="s3cret")
    return TestClient(create_app(settings, database_url=sqlite_url), base_url="https://testserver"), issuer


def test_single_sign_on_starts_a_console_session_for_a_known_user(
    app_client: tuple[TestClient, str], httpserver: HTTPServer
) -> None:
    client, issuer = app_client
    query = _start(client)
    httpserver.expect_request("/token", method="POST").respond_with_json(
        {"access_token": "at", "token_type": "Bearer", "id_token": _id_token(issuer, nonce=query["nonce"])}
    )
    r = client.get(
        "/v1/auth/oidc/callback", params={"code": "c1", "state": query["state"]}, follow_redirects=False
    )
    assert r.status_code == 303, r.text
    assert r.headers["location"] == "/v1/collections/cases"
    assert "faircollect_staff=" in r.headers.get("set-cookie", "")
    assert client.get("/v1/collections/cases").status_code == 200  # signed in as mei (supervisor)
    token_call = next(req for req, _ in httpserver.log if req.path == "/token")
    assert b"code=c1" in token_call.get_data()


@pytest.mark.parametrize("problem", ["nonce", "audience", "state", "unknown-user"])
def test_single_sign_on_refuses_a_bad_answer(
    app_client: tuple[TestClient, str], httpserver: HTTPServer, problem: str
) -> None:
    client, issuer = app_client
    query = _start(client)
    token = _id_token(
        issuer,
        nonce="other" if problem == "nonce" else query["nonce"],
        aud="someone-else" if problem == "audience" else "faircollect",
        username="stranger" if problem == "unknown-user" else "mei",
        sub="u-999" if problem == "unknown-user" else "u-123",
    )
    httpserver.expect_request("/token", method="POST").respond_with_json(
        {"access_token": "at", "token_type": "Bearer", "id_token": token}
    )
    state = "forged" if problem == "state" else query["state"]
    r = client.get("/v1/auth/oidc/callback", params={"code": "c1", "state": state}, follow_redirects=False)
    assert r.status_code == 401, r.text
    assert client.get("/v1/collections/cases").status_code == 401


def test_single_sign_on_is_off_unless_configured(sqlite_url: str) -> None:
    upgrade(sqlite_url)
    client = TestClient(create_app(Settings(), database_url=sqlite_url))
    assert client.get("/v1/auth/oidc/start", follow_redirects=False).status_code == 404


def _signed(claims: dict[str, object]) -> str:
    return jwt.encode({"alg": "RS256", "kid": "k1"}, claims, KEY)


@pytest.mark.parametrize("problem", ["expired", "no-expiry", "unverified-email", "verified-email"])
def test_single_sign_on_needs_an_expiry_and_links_by_e_mail_only_when_verified(
    app_client: tuple[TestClient, str], httpserver: HTTPServer, problem: str
) -> None:
    """An ID token must carry ``exp`` (OIDC Core §2) and be unexpired. A first sign-in is linked to the user whose
    username equals the token's e-mail only when the provider says the address is verified: anyone may type an
    unverified address equal to a colleague's (or an admin's) username at many providers."""
    client, issuer = app_client
    query = _start(client)
    now = int(time.time())
    claims: dict[str, object] = {
        "iss": issuer,
        "sub": "u-77",
        "aud": "faircollect",
        "iat": now,
        "nonce": query["nonce"],
    }
    if problem == "expired":
        claims |= {"exp": now - 600, "iat": now - 900, "preferred_username": "mei"}
    elif problem == "no-expiry":
        claims |= {"preferred_username": "mei"}
    else:
        claims |= {"exp": now + 300, "email": "mei", "email_verified": problem == "verified-email"}
    httpserver.expect_request("/token", method="POST").respond_with_json(
        {"access_token": "at", "token_type": "Bearer", "id_token": _signed(claims)}
    )
    r = client.get(
        "/v1/auth/oidc/callback", params={"code": "c1", "state": query["state"]}, follow_redirects=False
    )
    if problem == "verified-email":
        assert r.status_code == 303, r.text
        assert client.get("/v1/collections/cases").status_code == 200
    else:
        assert r.status_code == 401, r.text
        assert client.get("/v1/collections/cases").status_code == 401
