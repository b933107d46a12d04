"""Alibaba Cloud and Tencent Cloud SMS: the signatures match the vendors' published examples, and a local gateway
that checks every request's signature with the vendor's own SDK code accepts ours (and refuses a wrong key);
delivery reports and replies come back through token-protected callbacks."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from fastapi.testclient import TestClient
from msg_helpers import ALLOW, new_borrower
from pytest_httpserver import HTTPServer
from sqlalchemy.orm import Session, sessionmaker
from werkzeug import Request, Response

from faircollect.db import unit_of_work
from faircollect.messaging.dispatch import DispatchConfig, dispatch_until_empty
from faircollect.messaging.models import OutboxMessage
from faircollect.messaging.outbox import enqueue
from faircollect.messaging.providers import make_provider
from faircollect.messaging.providers.aliyun import AliyunSmsProvider, rpc_signature
from faircollect.messaging.providers.base import OutgoingMessage, PermanentError, TransientError
from faircollect.messaging.providers.tencent import TencentSmsProvider, tc3_signature
from faircollect.messaging.settings import MessagingSettings, get_messaging_settings

BODY = "【示例金融】张三您好，您的借款LN-1已逾期5天，应还1,234.56元。核验码7K3M9QXA。回T退订"
MSG = OutgoingMessage("m1", "sms", "+86 138-0013-8000", BODY, "idem-1", "7K3M9QXA", "示例金融")
NOON_SHANGHAI = datetime(2026, 6, 1, 4, 0, tzinfo=UTC)


# --- the published examples ------------------------------------------------------------------------------------


def test_aliyun_rpc_signature_equals_the_documents_example() -> None:
    params = {
        "AccessKeyId": "testId",
        "Action": "SendSms",
        "Format": "XML",
        "OutId": "123",
        "PhoneNumbers": "15300000001",
        "RegionId": "cn-hangzhou",
        "SignName": "阿里云短信测试专用",
        "SignatureMethod": "HMAC-SHA1",
        "SignatureNonce": "45e25e9b-0a6f-4070-8c85-2956eda1b466",
        "SignatureVersion": "1.0",
        "TemplateCode": "SMS_71390007",
        "TemplateParam": '{"customer":"test"}',
        "Timestamp": "2017-07-12T02:42:19Z",
        "Version": "2017-05-25",
    }
    assert rpc_signature("testSecret", "GET", params) == "zJDF+Lrzhj/ThnlvIToysFRq6t4="


def test_tencent_tc3_signature_equals_the_documents_example() -> None:
    payload = '{"Limit": 1, "Filters": [{"Values": ["\\u672a\\u547d\\u540d"], "Name": "instance-name"}]}'
    assert (
        tc3_signature(
            "Gu5t9xGARNpq86cd98joQYCN3*******",
            service="cvm",
            host="cvm.tencentcloudapi.com",
            timestamp=1551113065,
            payload=payload,
        )
        == "2230eefd229f582d8b1b891af7107b91597240707d778ab3738f756258d7652c"
    )


# --- local gateways that verify with the vendors' SDK code ------------------------------------------------------


def _aliyun_gateway(secret: str, seen: list[dict[str, str]]) -> Any:
    """Alibaba's check, as its Python SDK composes it (aliyunsdkcore): string to sign, HMAC-SHA1 with secret+&."""
    from aliyunsdkcore.auth.algorithm import sha_hmac1
    from aliyunsdkcore.auth.composer import rpc_signature_composer

    compose = getattr(rpc_signature_composer, "__compose_string_to_sign")

    def handler(request: Request) -> Response:
        params = dict(parse_qsl(request.get_data(as_text=True), keep_blank_values=True))
        given = params.pop("Signature", "")
        expected = sha_hmac1.get_sign_string(compose(request.method, params), secret + "&")
        stamp = datetime.strptime(params["Timestamp"], "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        if given != expected or abs(datetime.now(UTC) - stamp) > timedelta(minutes=15):
            body = {"Code": "SignatureDoesNotMatch", "Message": "Specified signature is not matched"}
            return Response(json.dumps(body), status=400, content_type="application/json")
        if any(p["SignatureNonce"] == params["SignatureNonce"] for p in seen):
            return Response(json.dumps({"Code": "SignatureNonceUsed"}), status=400)
        seen.append(params)
        answer = {"Code": "OK", "Message": "OK", "BizId": f"biz-{len(seen)}", "RequestId": "r"}
        return Response(json.dumps(answer), content_type="application/json")

    return handler


def _tencent_gateway(secret_id: str, secret_key: str, seen: list[dict[str, Any]]) -> Any:
    """Tencent's check with its SDK's signer (tencentcloud.common.sign.Sign.sign_tc3) over the request received."""
    from tencentcloud.common.sign import Sign

    def handler(request: Request) -> Response:
        body = request.get_data()
        ts = int(request.headers["X-TC-Timestamp"])
        day = datetime.fromtimestamp(ts, UTC).strftime("%Y-%m-%d")
        canonical = (
            f"POST\n/\n\ncontent-type:{request.headers['Content-Type']}\nhost:{request.headers['Host']}\n\n"
            f"content-type;host\n{hashlib.sha256(body).hexdigest()}"
        )
        to_sign = (
            f"TC3-HMAC-SHA256\n{ts}\n{day}/sms/tc3_request\n{hashlib.sha256(canonical.encode()).hexdigest()}"
        )
        expected = (
            f"TC3-HMAC-SHA256 Credential={secret_id}/{day}/sms/tc3_request, SignedHeaders=content-type;host, "
            f"Signature={Sign.sign_tc3(secret_key, day, 'sms', to_sign)}"
        )
        ok = (
            request.headers.get("Authorization") == expected
            and request.headers.get("X-TC-Action") == "SendSms"
            and request.headers.get("X-TC-Version") == "2021-01-11"
            and abs(datetime.now(UTC).timestamp() - ts) < 300
        )
        if not ok:
            err = {"Error": {"Code": "AuthFailure.SignatureFailure", "Message": "bad signature"}}
            return Response(
                json.dumps({"Response": {**err, "RequestId": "r"}}), content_type="application/json"
            )
        doc = json.loads(body)
        seen.append(doc)
        status = {"SerialNo": f"2640:{len(seen)}", "PhoneNumber": doc["PhoneNumberSet"][0], "Code": "Ok"}
        answer = {"Response": {"SendStatusSet": [status], "RequestId": "r"}}
        return Response(json.dumps(answer), content_type="application/json")

    return handler


def _aliyun(httpserver: HTTPServer, secret: str = "s3cret") -> AliyunSmsProvider:
    return AliyunSmsProvider(
        access_key_id="LTAI-test",
        access_key_secret=secret,
        sign_name="示例金融",
        template_code="SMS_100",
        endpoint=httpserver.url_for("/"),
    )


def _tencent(httpserver: HTTPServer, secret_key: str = "tc-key") -> TencentSmsProvider:
    return TencentSmsProvider(
        secret_id="AKID-test",
        secret_key=secret_key,
        sdk_app_id="1400000000",
        sign_name="示例金融",
        template_id="100",
        endpoint=httpserver.url_for("/"),
    )


def test_aliyun_sendsms_is_accepted_by_a_gateway_that_checks_the_signature(httpserver: HTTPServer) -> None:
    seen: list[dict[str, str]] = []
    httpserver.expect_request("/", method="POST").respond_with_handler(_aliyun_gateway("s3cret", seen))
    assert _aliyun(httpserver).send(MSG).provider_message_id == "biz-1"
    [params] = seen
    assert params["Action"] == "SendSms" and params["Version"] == "2017-05-25"
    assert params["PhoneNumbers"] == "13800138000" and params["SignName"] == "示例金融"
    # The gateway adds the approved 【signature】 itself: the text is sent without ours.
    assert json.loads(params["TemplateParam"]) == {"content": BODY.removeprefix("【示例金融】")}
    assert params["OutId"] == "idem-1"


def test_aliyun_wrong_secret_is_refused_by_the_gateway_and_permanent(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/", method="POST").respond_with_handler(_aliyun_gateway("s3cret", []))
    with pytest.raises(PermanentError, match="SignatureDoesNotMatch"):
        _aliyun(httpserver, secret="wrong").send(MSG)


def test_aliyun_platform_errors_and_flow_control_are_transient(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/").respond_with_json({"Code": "isp.SYSTEM_ERROR", "Message": "x"})
    httpserver.expect_ordered_request("/").respond_with_json({"Code": "isv.BUSINESS_LIMIT_CONTROL"})
    httpserver.expect_ordered_request("/").respond_with_json({"Code": "isv.MOBILE_NUMBER_ILLEGAL"})
    p = _aliyun(httpserver)
    for expected in (TransientError, TransientError, PermanentError):
        with pytest.raises(expected):
            p.send(MSG)


def test_tencent_sendsms_is_accepted_by_a_gateway_that_checks_the_signature(httpserver: HTTPServer) -> None:
    seen: list[dict[str, Any]] = []
    httpserver.expect_request("/", method="POST").respond_with_handler(
        _tencent_gateway("AKID-test", "tc-key", seen)
    )
    assert _tencent(httpserver).send(MSG).provider_message_id == "2640:1"
    [doc] = seen
    assert doc["PhoneNumberSet"] == ["+8613800138000"] and doc["SmsSdkAppId"] == "1400000000"
    assert (
        doc["TemplateParamSet"] == [BODY.removeprefix("【示例金融】")] and doc["SessionContext"] == "idem-1"
    )


def test_tencent_wrong_key_is_refused_by_the_gateway_and_permanent(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/", method="POST").respond_with_handler(
        _tencent_gateway("AKID-test", "tc-key", [])
    )
    with pytest.raises(PermanentError, match=r"AuthFailure\.SignatureFailure"):
        _tencent(httpserver, secret_key="wrong").send(MSG)


def test_tencent_limits_are_transient_and_bad_numbers_permanent(httpserver: HTTPServer) -> None:
    def status(code: str) -> dict[str, Any]:
        return {"Response": {"SendStatusSet": [{"SerialNo": "", "Code": code}], "RequestId": "r"}}

    httpserver.expect_ordered_request("/").respond_with_json(status("LimitExceeded.PhoneNumberDailyLimit"))
    httpserver.expect_ordered_request("/").respond_with_json(
        {"Response": {"Error": {"Code": "InternalError.Timeout", "Message": "x"}, "RequestId": "r"}}
    )
    httpserver.expect_ordered_request("/").respond_with_json(
        status("InvalidParameterValue.IncorrectPhoneNumber")
    )
    p = _tencent(httpserver)
    for expected in (TransientError, TransientError, PermanentError):
        with pytest.raises(expected):
            p.send(MSG)


def test_both_are_configured_like_the_other_providers() -> None:
    s = MessagingSettings(
        aliyun_access_key_id="a",
        aliyun_access_key_secret="b",
        aliyun_sign_name="示例金融",
        aliyun_template_code="SMS_1",
        tencent_secret_id="c",
        tencent_secret_key="d",
        tencent_sdk_app_id="1400",
        tencent_sign_name="示例金融",
        tencent_template_id="9",
    )
    assert isinstance(make_provider("aliyun", s), AliyunSmsProvider)
    assert isinstance(make_provider("tencent", s), TencentSmsProvider)
    from faircollect.kit.errors import ValidationError

    with pytest.raises(ValidationError, match="FAIRCOLLECT_MESSAGING_TENCENT_SDK_APP_ID"):
        make_provider("tencent", MessagingSettings(tencent_secret_id="c", tencent_secret_key="d"))


# --- end to end: dispatch, then the delivery report and a reply through the callbacks ---------------------------


def _planned(sessions: sessionmaker[Session], phone: str) -> tuple[str, str]:
    bid = new_borrower(sessions, phone=phone, timezone="Asia/Shanghai")
    with unit_of_work(sessions) as s:
        mid = enqueue(
            s,
            borrower_id=bid,
            loan_id=None,
            case_id=None,
            channel="sms",
            recipient_role="borrower",
            address=phone,
            body=BODY.replace("7K3M9QXA", "[[VCODE]]"),
            template_key="overdue",
            planned_for=NOON_SHANGHAI - timedelta(minutes=1),
            decision=ALLOW,
            actor="test",
        )
    return bid, mid


@pytest.mark.parametrize("gateway", ["aliyun", "tencent"])
def test_a_message_goes_out_through_the_gateway_and_its_report_and_reply_come_back(
    gateway: str,
    sq: sessionmaker[Session],
    sqlite_url: str,
    httpserver: HTTPServer,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    from faircollect.api.app import create_app
    from faircollect.compliance import facts as facts_service

    seen: list[Any] = []
    if gateway == "aliyun":
        httpserver.expect_request("/", method="POST").respond_with_handler(_aliyun_gateway("s3cret", seen))
        provider: Any = _aliyun(httpserver)
    else:
        httpserver.expect_request("/", method="POST").respond_with_handler(
            _tencent_gateway("AKID-test", "tc-key", seen)
        )
        provider = _tencent(httpserver)
    bid, mid = _planned(sq, "13800138000")
    stats = dispatch_until_empty(sq, provider=provider, cfg=DispatchConfig(now=NOON_SHANGHAI))
    assert stats.sent == 1, stats
    with sq() as s:
        msg = s.get(OutboxMessage, mid)
        assert msg is not None and msg.status == "sent"
        pid = msg.provider_message_id
    assert pid and len(seen) == 1

    monkeypatch.setenv(f"FAIRCOLLECT_MESSAGING_{gateway.upper()}_CALLBACK_TOKEN", "cb-token")
    get_messaging_settings.cache_clear()
    try:
        client = TestClient(create_app(database_url=sqlite_url))
        if gateway == "aliyun":
            report: Any = [
                {"biz_id": pid, "success": True, "err_code": "DELIVERED", "phone_number": "13800138000"}
            ]
            reply: Any = [{"phone_number": "13800138000", "content": "回T退订", "sequence_id": 7}]
            ok = {"code": 0, "msg": "成功"}
        else:
            report = [{"sid": pid, "report_status": "SUCCESS", "errmsg": "DELIVRD", "mobile": "13800138000"}]
            reply = {"mobile": "13800138000", "nationcode": "86", "text": "TD", "time": 1780000000}
            ok = {"result": 0, "errmsg": "OK"}
        url = f"/v1/messaging/receipts/{gateway}"
        assert client.post(url, json=report).status_code == 403  # no token
        assert client.post(url + "?token=forged", json=report).status_code == 403
        r = client.post(url + "?token=cb-token", json=report)
        assert r.status_code == 200 and r.json() == ok
        with sq() as s:
            assert s.get(OutboxMessage, mid).status == "delivered"  # type: ignore[union-attr]
        r = client.post(f"/v1/messaging/inbound/{gateway}?token=cb-token", json=reply)
        assert r.status_code == 200 and r.json() == ok
        with sq() as s:
            opt_outs = facts_service.load_facts(s, borrower_id=bid, at=datetime.now(UTC)).opt_outs
        assert "sms" in {c.value for c in opt_outs}
        client.app.state.engine.dispose()  # type: ignore[attr-defined]
    finally:
        get_messaging_settings.cache_clear()
