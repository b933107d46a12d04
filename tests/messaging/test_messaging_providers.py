"""Providers against real local servers: an HTTP server (generic gateway, Twilio's API shape) and an SMTP server."""

from __future__ import annotations

import base64
import json
import threading
from email import message_from_bytes
from email.header import decode_header, make_header
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
from aiosmtpd.controller import Controller
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from faircollect.messaging.providers import (
    FileSink,
    HttpSmsProvider,
    OutgoingMessage,
    PermanentError,
    SmtpProvider,
    TransientError,
    TwilioProvider,
    read_sink,
)
from faircollect.messaging.providers.twilio import signature_valid, twilio_signature

MSG = OutgoingMessage(
    message_id="msg_1",
    channel="sms",
    to="+8613800138000",
    body="【示例金融】张三您好，您的借款已逾期5天，应还1,234.56元。核验码7K3M9QXA。回T退订",
    idempotency_key="auto:abc123",
    verification_code="7K3M9QXA",
    lender="示例金融",
)


def test_http_provider_posts_the_configured_json_body_auth_and_idempotency_key(
    httpserver: HTTPServer,
) -> None:
    seen: list[Request] = []

    def handler(req: Request) -> Response:
        seen.append(req)
        return Response(json.dumps({"data": {"message_id": "gw-77"}}), content_type="application/json")

    httpserver.expect_request("/sms/send", method="POST").respond_with_handler(handler)
    p = HttpSmsProvider(
        url=httpserver.url_for("/sms/send"),
        auth_header="X-Api-Token",
        auth_value="s3cret",
        id_path="data.message_id",
        sender="FAIRCO",
    )
    result = p.send(MSG)
    assert result.provider_message_id == "gw-77"
    (req,) = seen
    assert req.headers["X-Api-Token"] == "s3cret"
    assert req.headers["Idempotency-Key"] == "auto:abc123"
    body = json.loads(req.get_data())
    assert body == {"to": "+8613800138000", "text": MSG.body, "reference": "auto:abc123", "from": "FAIRCO"}


def test_http_provider_body_template_escapes_quotes_in_the_message(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/send").respond_with_json({"id": "1"})
    msg = OutgoingMessage(
        message_id="m",
        channel="sms",
        to="+1",
        body='He said "pay" \\ ok',
        idempotency_key="k",
        verification_code="C",
        lender="L",
    )
    HttpSmsProvider(url=httpserver.url_for("/send")).send(msg)
    req, _ = httpserver.log[0]
    assert json.loads(req.get_data())["text"] == 'He said "pay" \\ ok'


def test_http_provider_5xx_and_429_are_transient_4xx_permanent(httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request("/s").respond_with_data("busy", status=503)
    httpserver.expect_ordered_request("/s").respond_with_data("slow down", status=429)
    httpserver.expect_ordered_request("/s").respond_with_data("bad number", status=400)
    p = HttpSmsProvider(url=httpserver.url_for("/s"))
    with pytest.raises(TransientError, match="503"):
        p.send(MSG)
    with pytest.raises(TransientError, match="429"):
        p.send(MSG)
    with pytest.raises(PermanentError, match="bad number"):
        p.send(MSG)


def test_http_provider_unreachable_server_is_transient() -> None:
    p = HttpSmsProvider(url="http://127.0.0.1:9/none", timeout=1.0)
    with pytest.raises(TransientError):
        p.send(MSG)


def test_http_provider_parses_receipts_and_inbound_replies() -> None:
    p = HttpSmsProvider(url="http://x")
    rs = p.parse_receipts(
        [{"id": "gw-1", "status": "DELIVRD"}, {"id": "gw-2", "status": "UNDELIV", "error_code": "E7"}]
    )
    assert [(r.provider_message_id, r.status, r.error_code) for r in rs] == [
        ("gw-1", "delivered", None),
        ("gw-2", "failed", "E7"),
    ]
    (m,) = p.parse_inbound({"from": "13800138000", "text": "回T退订"})
    assert m.body == "回T退订"


def test_twilio_provider_posts_the_messages_api_form_with_basic_auth(httpserver: HTTPServer) -> None:
    seen: list[Request] = []

    def handler(req: Request) -> Response:
        seen.append(req)
        return Response(
            json.dumps({"sid": "SM0123456789abcdef0123456789abcdef", "status": "queued"}),
            status=201,
            content_type="application/json",
        )

    httpserver.expect_request("/2010-04-01/Accounts/AC123/Messages.json", method="POST").respond_with_handler(
        handler
    )
    p = TwilioProvider(
        account_sid="AC123",
        auth_token="tok",
        from_number="+15005550006",
        base_url=httpserver.url_for("/"),
        status_callback="https://lender.example/v1/messaging/receipts/twilio",
    )
    assert p.send(MSG).provider_message_id == "SM0123456789abcdef0123456789abcdef"
    (req,) = seen
    assert req.headers["Content-Type"].startswith("application/x-www-form-urlencoded")
    assert req.headers["Authorization"] == "Basic " + base64.b64encode(b"AC123:tok").decode()
    form = {k: v[0] for k, v in parse_qs(req.get_data(as_text=True)).items()}
    assert form == {
        "To": "+8613800138000",
        "From": "+15005550006",
        "Body": MSG.body,
        "StatusCallback": "https://lender.example/v1/messaging/receipts/twilio",
    }


def test_twilio_error_answer_is_permanent_with_its_code(httpserver: HTTPServer) -> None:
    httpserver.expect_request("/2010-04-01/Accounts/AC1/Messages.json").respond_with_json(
        {"code": 21211, "message": "The 'To' number is not a valid phone number.", "status": 400}, status=400
    )
    p = TwilioProvider(
        account_sid="AC1", auth_token="t", messaging_service_sid="MG1", base_url=httpserver.url_for("/")
    )
    with pytest.raises(PermanentError, match="21211"):
        p.send(MSG)


def test_twilio_status_callback_parsing_and_signature() -> None:
    form = {
        "MessageSid": "SM1",
        "MessageStatus": "undelivered",
        "ErrorCode": "30003",
        "To": "+1",
        "From": "+2",
    }
    (r,) = TwilioProvider.parse_receipts(form)
    assert (r.provider_message_id, r.status, r.error_code) == ("SM1", "failed", "30003")
    url = "https://lender.example/v1/messaging/receipts/twilio"
    sig = twilio_signature("tok", url, form)
    assert signature_valid("tok", url, form, sig)
    assert not signature_valid("tok", url, {**form, "MessageStatus": "delivered"}, sig)
    assert not signature_valid("other", url, form, sig)
    assert not signature_valid("tok", url, form, None)


def test_twilio_signature_matches_twilios_documented_example() -> None:
    # The worked example on Twilio's webhook security page (auth token 12345).
    url = "https://mycompany.com/myapp.php?foo=1&bar=2"
    params = {
        "CallSid": "CA1234567890ABCDE",
        "Caller": "+12349013030",
        "Digits": "1234",
        "From": "+12349013030",
        "To": "+18005551212",
    }
    assert twilio_signature("12345", url, params) == "0/KCTR6DLpKmkAf8muzZqo1nDgQ="
    assert not signature_valid("12345", url, params, "0/KCTR6DLpKmkAf8muzZqo1nDgQ")


class _Sink:
    def __init__(self) -> None:
        self.envelopes: list[Any] = []
        self.event = threading.Event()

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.envelopes.append(envelope)
        self.event.set()
        return "250 OK"


@pytest.fixture
def smtp_server() -> Any:
    import socket

    with socket.socket() as probe:  # a free port (aiosmtpd's self-check cannot use port 0)
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    handler = _Sink()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()


def test_smtp_provider_sends_utf8_mail_with_subject_message_id_and_code(smtp_server: Any) -> None:
    controller, handler = smtp_server
    p = SmtpProvider(host="127.0.0.1", port=controller.port, from_address="collections@lender.example")
    email_msg = OutgoingMessage(
        message_id="msg_2",
        channel="email",
        to="zhang@example.com",
        body="Subject: 示例金融 还款提醒\n张三您好：\n\n应还1,234.56元。核验码7K3M9QXA\n如不希望再收到此类邮件，请回复“退订”。",
        idempotency_key="auto:xyz",
        verification_code="7K3M9QXA",
        lender="示例金融",
    )
    result = p.send(email_msg)
    assert handler.event.wait(5)
    (env,) = handler.envelopes
    assert env.mail_from == "collections@lender.example"
    assert env.rcpt_tos == ["zhang@example.com"]
    parsed = message_from_bytes(env.content)
    assert str(make_header(decode_header(parsed["Subject"]))) == "示例金融 还款提醒"
    assert parsed["Message-ID"] == "<auto-xyz@lender.example>" == result.provider_message_id
    assert parsed["X-Faircollect-Verification-Code"] == "7K3M9QXA"
    text = parsed.get_payload(decode=True).decode("utf-8")
    assert "应还1,234.56元" in text and not text.startswith("Subject")


def test_smtp_provider_connection_refused_is_transient() -> None:
    p = SmtpProvider(host="127.0.0.1", port=9, timeout=2)
    with pytest.raises(TransientError):
        p.send(MSG)


def test_file_sink_recognises_a_repeated_idempotency_key_across_instances(tmp_path: Path) -> None:
    path = tmp_path / "sent.jsonl"
    a, b = FileSink(path), FileSink(path)  # as two worker processes would
    first = a.send(MSG)
    again = b.send(MSG)
    assert again.duplicate and again.provider_message_id == first.provider_message_id
    other = b.send(
        OutgoingMessage(**{**_fields(MSG), "idempotency_key": "auto:other", "message_id": "msg_9"})
    )
    assert not other.duplicate
    assert a.send(MSG).duplicate
    lines = read_sink(path)
    assert [line["idempotency_key"] for line in lines] == ["auto:abc123", "auto:other"]
    assert lines[0]["verification_code"] == "7K3M9QXA"


def test_file_sink_drops_a_torn_last_line_left_by_a_killed_writer(tmp_path: Path) -> None:
    path = tmp_path / "sent.jsonl"
    FileSink(path).send(MSG)
    with open(path, "ab") as fh:
        fh.write(b'{"provider_message_id": "half')
    FileSink(path).send(OutgoingMessage(**{**_fields(MSG), "idempotency_key": "auto:2"}))
    assert [r["idempotency_key"] for r in read_sink(path)] == ["auto:abc123", "auto:2"]


def _fields(m: OutgoingMessage) -> dict[str, Any]:
    return {f: getattr(m, f) for f in m.__dataclass_fields__}


def test_a_timeout_after_the_request_was_sent_is_ambiguous_not_simply_transient(
    httpserver: HTTPServer,
) -> None:
    import time

    from faircollect.messaging.providers import AmbiguousError

    def slow(_req: Request) -> Response:
        time.sleep(1.5)
        return Response(json.dumps({"id": "late"}), content_type="application/json")

    httpserver.expect_request("/slow").respond_with_handler(slow)
    with pytest.raises(AmbiguousError):
        HttpSmsProvider(url=httpserver.url_for("/slow"), timeout=0.3).send(MSG)
