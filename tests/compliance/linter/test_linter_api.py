"""``POST /v1/compliance/lint``: same shapes as the CLI, API key required."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from faircollect.compliance.linter.router import router

KEY = "test-key-123"


@pytest.fixture
def client() -> TestClient:
    from faircollect.api.app import add_error_handlers
    from faircollect.identity.devkeys import parse_dev_keys

    app = FastAPI()
    add_error_handlers(app)
    app.state.dev_keys = parse_dev_keys(f"{KEY}=linter-test:agent")
    app.include_router(router, prefix="/v1")
    return TestClient(app)


def test_api_lint_blocks_with_spans_and_rule(client: TestClient) -> None:
    body = {"id": "m1", "text": "明天上 门找你", "context": {"recipient_role": "borrower", "channel": "sms"}}
    response = client.post("/v1/compliance/lint", json=body, headers={"X-API-Key": KEY})
    assert response.status_code == 200, response.text
    data = response.json()
    assert data["id"] == "m1" and data["verdict"] == "block"
    visit = next(f for f in data["findings"] if f["category"] == "visit_threat")
    assert (visit["start"], visit["end"], visit["excerpt"], visit["rule"]) == (
        2,
        5,
        "上 门",
        "CN-PROHIBIT-VISIT-THREAT",
    )


def test_api_lint_respects_context_and_jurisdiction(client: TestClient) -> None:
    text = "We have filed a lawsuit in the county court."
    bluff = client.post(
        "/v1/compliance/lint", json={"text": text, "jurisdiction": "US"}, headers={"X-API-Key": KEY}
    )
    fact = client.post(
        "/v1/compliance/lint",
        json={"text": text, "jurisdiction": "US", "context": {"lawsuit_filed": True}},
        headers={"X-API-Key": KEY},
    )
    assert bluff.json()["verdict"] == "block"
    assert bluff.json()["findings"][0]["rule"] == "US-FALSE"
    assert fact.json()["verdict"] != "block"


def test_api_lint_requires_api_key(client: TestClient) -> None:
    assert client.post("/v1/compliance/lint", json={"text": "hi"}).status_code == 401
    assert (
        client.post("/v1/compliance/lint", json={"text": "hi"}, headers={"X-API-Key": "wrong"}).status_code
        == 401
    )


def test_api_lint_rejects_bad_context(client: TestClient) -> None:
    response = client.post(
        "/v1/compliance/lint",
        json={"text": "hi", "context": {"recipient_role": "boss"}},
        headers={"X-API-Key": KEY},
    )
    assert response.status_code == 422
    assert "recipient_role" in response.text


def test_api_lint_rejects_unknown_jurisdiction(client: TestClient) -> None:
    response = client.post(
        "/v1/compliance/lint", json={"text": "hi", "jurisdiction": "FR"}, headers={"X-API-Key": KEY}
    )
    assert response.status_code == 422
    assert "jurisdiction" in response.text


def test_router_is_mounted_in_the_app(sqlite_url: str) -> None:
    from faircollect.api.app import create_app
    from faircollect.config import Settings

    app = create_app(Settings(api_keys=f"{KEY}=linter-test:agent"), database_url=sqlite_url)
    with TestClient(app) as c:
        response = c.post("/v1/compliance/lint", json={"text": "你这个老赖"}, headers={"X-API-Key": KEY})
    assert response.status_code == 200
    assert response.json()["verdict"] == "block"


def test_api_refuses_text_it_cannot_read(client: TestClient) -> None:
    # U+FFFD stands for a character an earlier decoder lost: the text cannot be checked as written
    body = {"text": "再不还钱就\ufffd\ufffd上门"}
    response = client.post("/v1/compliance/lint", json=body, headers={"X-API-Key": KEY})
    assert response.status_code == 422
    assert response.json()["field"] == "text"
