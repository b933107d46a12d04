"""Every cause of a server error or a wrong acceptance found by fuzzing (issue 14), as a class of bad input.

Each case is a request that once answered 500 or was accepted though wrong; each must now be refused with a 4xx
in the one error shape, naming what was wrong.
"""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from .conftest import KEY, DemoApi

H = {"X-API-Key": KEY}


@pytest.fixture(scope="module")
def client(demo_api: DemoApi) -> TestClient:
    return TestClient(demo_api.app, raise_server_exceptions=False)


@pytest.fixture(scope="module")
def loan_id(demo_api: DemoApi) -> str:
    return demo_api.ids["loan_id"][0]


@pytest.fixture(scope="module")
def borrower_id(demo_api: DemoApi) -> str:
    return demo_api.ids["borrower_id"][0]


@pytest.fixture(scope="module")
def case_id(demo_api: DemoApi) -> str:
    return demo_api.ids["case_id"][0]


def _refused(response: Any, status: int | tuple[int, ...] = 422) -> dict[str, Any]:
    statuses = (status,) if isinstance(status, int) else status
    assert response.status_code in statuses, (response.status_code, response.text[:400])
    body = response.json()
    assert {"error", "message", "field", "row", "file", "errors"} <= set(body), body
    return body


def _borrower(**over: Any) -> dict[str, Any]:
    return {"name": "测试 借款人", "jurisdiction": "CN", "language": "zh-CN", **over}


@pytest.mark.parametrize(
    "bad",
    ["a\\u0000b", "\\ud800x", "x\\u0007y", "y\\u009bz"],
    ids=["nul", "lone-surrogate", "control", "c1-control"],
)
def test_unclean_text_anywhere_in_a_body_is_refused_naming_the_field(client: TestClient, bad: str) -> None:
    # Written as JSON escapes: the test client could not encode a lone surrogate itself.
    raw = '{"name": "' + bad + '", "jurisdiction": "CN"}'
    body = _refused(
        client.post("/v1/borrowers", content=raw, headers={**H, "content-type": "application/json"})
    )
    assert body["field"] == "body.name"


@pytest.mark.parametrize("content_type", [None, "text/plain"])
def test_unclean_text_without_a_json_content_type_is_refused_not_echoed(
    client: TestClient, content_type: str | None
) -> None:
    raw = '{"name": "\\ud800", "jurisdiction": "CN"}'
    headers = dict(H) if content_type is None else {**H, "content-type": content_type}
    r = client.post("/v1/borrowers", content=raw, headers=headers)
    assert 400 <= r.status_code < 500, (r.status_code, r.text[:300])
    assert {"error", "message", "field", "errors"} <= set(r.json())


def test_unclean_text_in_a_query_or_path_is_refused(client: TestClient) -> None:
    _refused(client.get("/v1/loans", params={"borrower_id": "x\x00"}, headers=H))
    _refused(client.get("/v1/loans/%00abc", headers=H))


def test_a_line_break_in_a_name_is_refused(client: TestClient) -> None:
    body = _refused(client.post("/v1/borrowers", json=_borrower(name="张三\n李四"), headers=H))
    assert "name" in (body["field"] or "")


@pytest.mark.parametrize(
    "amount", ["1e3", "１００", "١٠٠", "1_000", "+100", " 1 00", "NaN", "Infinity", "1,000"]
)
def test_money_strings_are_ascii_digits_with_one_point(client: TestClient, loan_id: str, amount: str) -> None:
    body = _refused(
        client.post(
            f"/v1/loans/{loan_id}/payments",
            json={"date": "2026-03-01", "amount": amount, "currency": "CNY", "key": f"bad-{amount}"},
            headers=H,
        )
    )
    assert "amount" in (body["field"] or "")


def test_currency_must_be_an_upper_case_iso_code(client: TestClient, loan_id: str) -> None:
    _refused(
        client.post(
            f"/v1/loans/{loan_id}/payments",
            json={"date": "2026-03-01", "amount": "1.00", "currency": "cny", "key": "cur-lower"},
            headers=H,
        )
    )


@pytest.mark.parametrize(
    ("when", "amount"),
    [("9999-12-31", "10.00"), ("2026-03-01", "10000000000000000"), ("2026-03-01", "99999999999999999")],
    ids=["far-future", "1e16", "overflow"],
)
def test_payments_outside_business_limits_are_refused(
    client: TestClient, loan_id: str, when: str, amount: str
) -> None:
    _refused(
        client.post(
            f"/v1/loans/{loan_id}/payments",
            json={"date": when, "amount": amount, "currency": "CNY", "key": f"lim-{when}-{amount}"},
            headers=H,
        )
    )


def test_unknown_prepayment_mode_is_refused(client: TestClient, loan_id: str) -> None:
    body = _refused(
        client.post(
            f"/v1/loans/{loan_id}/payments",
            json={"date": "2026-03-01", "amount": "1.00", "currency": "CNY", "key": "pp", "prepayment": "x"},
            headers=H,
        )
    )
    assert "prepayment" in (body["field"] or "")


@pytest.mark.parametrize(
    "over",
    [
        {"jurisdiction": "Narnia"},
        {"language": "klingon"},
        {"timezone": "Mars/Olympus_Mons"},
        {"phone": "1" * 200},
        {"email": "a" * 400 + "@x.cn"},
        {"id_number": "9" * 300},
    ],
    ids=["jurisdiction", "language", "timezone", "long-phone", "long-email", "long-id"],
)
def test_borrower_fields_from_known_lists_and_within_their_columns(
    client: TestClient, over: dict[str, str]
) -> None:
    _refused(client.post("/v1/borrowers", json=_borrower(**over), headers=H))


def test_a_list_longer_than_its_bound_is_refused_before_any_work(client: TestClient) -> None:
    contacts = [{"role": "registered_contact", "name": f"c{i}"} for i in range(50_000)]
    _refused(client.post("/v1/borrowers", json=_borrower(contacts=contacts), headers=H), (413, 422))


def test_json_nested_deeply_is_refused(client: TestClient) -> None:
    deep = "[" * 100_000 + "]" * 100_000
    r = client.post("/v1/compliance/lint", content=deep, headers={**H, "content-type": "application/json"})
    _refused(r)


def test_a_body_over_the_limit_is_refused(client: TestClient) -> None:
    r = client.post("/v1/compliance/lint", json={"text": "还款" * 600_000, "jurisdiction": "CN"}, headers=H)
    _refused(r, 413)


def test_lint_text_length_is_bounded(client: TestClient) -> None:
    body = _refused(
        client.post("/v1/compliance/lint", json={"text": "还" * 20_001, "jurisdiction": "CN"}, headers=H)
    )
    assert "text" in (body["field"] or "")


@pytest.mark.parametrize("path", ["/v1/messaging/receipts/http", "/v1/messaging/inbound/http"])
@pytest.mark.parametrize("content", [b"", b"not json", b"\xff\xfe"], ids=["empty", "text", "binary"])
def test_receipts_and_replies_that_are_not_json_are_refused(
    client: TestClient, path: str, content: bytes
) -> None:
    _refused(client.post(path, content=content, headers=H), (400, 422))


@pytest.mark.parametrize(
    "content",
    [
        b'{"amount": NaN}',
        b"NaN",
        b'{"amount": Infinity}',
        b"[-Infinity]",
        b'{"date": "2026-02-01", "amount": 1e999}',
    ],
    ids=["nan-in-object", "bare-nan", "infinity", "minus-infinity", "overflowing-number"],
)
def test_non_finite_numbers_are_not_json_and_are_refused(
    client: TestClient, loan_id: str, content: bytes
) -> None:
    # Python's parser accepts them; the validation error then echoed a NaN that no JSON response can carry (500).
    body = _refused(
        client.post(
            f"/v1/loans/{loan_id}/payments",
            content=content,
            headers={**H, "content-type": "application/json"},
        ),
        400,
    )
    assert "not valid JSON" in body["message"], body


def test_an_empty_call_outcome_is_refused(client: TestClient, case_id: str) -> None:
    body = _refused(
        client.post(
            f"/v1/collections/cases/{case_id}/calls",
            json={"at": "2026-03-02T02:00:00Z", "outcome": ""},
            headers=H,
        )
    )
    assert body["field"] == "outcome" or "outcome" in str(body)


def test_a_complaint_naming_an_unknown_agency_is_refused(client: TestClient, borrower_id: str) -> None:
    r = client.post(
        "/v1/collections/complaints",
        json={"borrower_id": borrower_id, "channel": "phone", "summary": "x", "agency_id": "no-such-agency"},
        headers=H,
    )
    _refused(r, (404, 422))


def test_integers_beyond_their_range_are_refused(client: TestClient) -> None:
    _refused(client.get("/v1/loans", params={"offset": "9223372036854775808"}, headers=H))
    _refused(client.get("/v1/messaging/outbox", params={"offset": str(2**70)}, headers=H))
    r = client.post(
        "/v1/collections/agents",
        json={"user": "fz-agent", "display_name": "A", "daily_cap": 2**40},
        headers=H,
    )
    _refused(r)


def test_a_loan_with_an_absurd_term_is_refused(client: TestClient, borrower_id: str) -> None:
    terms = {
        "principal": "5000.00",
        "currency": "CNY",
        "annual_rate": "0.18",
        "method": "equal_instalment",
        "frequency": "monthly",
        "term": 100000,
        "start_date": "2026-01-01",
    }
    r = client.post(
        "/v1/loans", json={"borrower_id": borrower_id, "product_code": "cash-6", "terms": terms}, headers=H
    )
    _refused(r, (404, 422))


@pytest.mark.parametrize(
    ("patch", "field"),
    [
        ({"start_date": "9999-12-01"}, "terms.start_date"),
        ({"first_due_date": "9999-12-31"}, "terms.first_due_date"),
        (
            {"fees": [{"name": "f", "kind": "per_period", "basis": "fixed", "amount": "9" * 20}]},
            "terms.fees[0].amount",
        ),
        ({"penalty": {"multiple": "9" * 40}}, "terms.penalty.multiple"),
    ],
    ids=["start-9999", "first-due-9999", "huge-fee", "huge-penalty-multiple"],
)
def test_loan_terms_beyond_what_a_schedule_can_hold_are_refused(
    client: TestClient, borrower_id: str, patch: dict[str, Any], field: str
) -> None:
    terms = {
        "principal": "5000.00",
        "currency": "CNY",
        "annual_rate": "0.12",
        "method": "equal_instalment",
        "term": 6,
        "start_date": "2026-01-01",
        **patch,
    }
    body = _refused(client.post("/v1/loans", json={"borrower_id": borrower_id, "terms": terms}, headers=H))
    assert body["field"] == field, body


def test_validation_errors_use_the_one_shape(client: TestClient) -> None:
    body = _refused(client.post("/v1/borrowers", json={"nope": 1}, headers=H))
    assert body["error"] == "ValidationErrors" and body["errors"][0]["field"] == "body.name"


def test_http_errors_use_the_one_shape(client: TestClient) -> None:
    _refused(client.get("/v1/loans/does-not-exist", headers=H), 404)
    _refused(client.get("/v1/loans"), 401)
