"""Callbacks of the Chinese SMS gateways: delivery reports and replies pushed by Alibaba Cloud and Tencent Cloud.

Neither gateway signs its pushes, so each callback URL carries a secret token, e.g.
``https://lender.example/v1/messaging/receipts/aliyun?token=…`` (``FAIRCOLLECT_MESSAGING_ALIYUN_CALLBACK_TOKEN``,
``…_TENCENT_CALLBACK_TOKEN``); without a configured token, or with a wrong one, the callback is refused (403).
Answers are the shapes the gateways expect: ``{"code": 0, "msg": "成功"}`` (Alibaba), ``{"result": 0, "errmsg":
"OK"}`` (Tencent). Replies such as 回T退订 / TD become opt-outs (``messaging.service.handle_inbound``).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, HTTPException, Query, Request
from sqlalchemy.orm import Session

from faircollect.api.deps import SessionDep, public
from faircollect.api.errors import json_body
from faircollect.messaging import service
from faircollect.messaging.providers.aliyun import AliyunSmsProvider
from faircollect.messaging.providers.cn_sms import callback_token_valid
from faircollect.messaging.providers.tencent import TencentSmsProvider
from faircollect.messaging.settings import get_messaging_settings

router = APIRouter(tags=["messaging"])

_ALIYUN_OK = {"code": 0, "msg": "成功"}
_TENCENT_OK = {"result": 0, "errmsg": "OK"}


async def _payload(request: Request, provider: str, token: str | None) -> Any:
    s = get_messaging_settings()
    configured = s.aliyun_callback_token if provider == "aliyun" else s.tencent_callback_token
    if not callback_token_valid(configured, token):
        raise HTTPException(status_code=403, detail=f"{provider} callbacks need the configured ?token=")
    return await json_body(request)


@router.post("/messaging/receipts/aliyun", dependencies=[public])
async def aliyun_receipts(
    request: Request, token: str | None = Query(None), session: Session = SessionDep
) -> dict[str, Any]:
    """Alibaba Cloud SmsReport push (JSON list)."""
    receipts = AliyunSmsProvider.parse_receipts(await _payload(request, "aliyun", token))
    service.apply_receipts(session, provider="aliyun", receipts=receipts, actor="provider:aliyun")
    return _ALIYUN_OK


@router.post("/messaging/inbound/aliyun", dependencies=[public])
async def aliyun_inbound(
    request: Request, token: str | None = Query(None), session: Session = SessionDep
) -> dict[str, Any]:
    """Alibaba Cloud SmsUp push (JSON list of replies)."""
    messages = AliyunSmsProvider.parse_inbound(await _payload(request, "aliyun", token))
    service.handle_inbound(
        session, provider="aliyun", channel="sms", messages=messages, actor="provider:aliyun"
    )
    return _ALIYUN_OK


@router.post("/messaging/receipts/tencent", dependencies=[public])
async def tencent_receipts(
    request: Request, token: str | None = Query(None), session: Session = SessionDep
) -> dict[str, Any]:
    """Tencent Cloud status report callback (JSON list)."""
    receipts = TencentSmsProvider.parse_receipts(await _payload(request, "tencent", token))
    service.apply_receipts(session, provider="tencent", receipts=receipts, actor="provider:tencent")
    return _TENCENT_OK


@router.post("/messaging/inbound/tencent", dependencies=[public])
async def tencent_inbound(
    request: Request, token: str | None = Query(None), session: Session = SessionDep
) -> dict[str, Any]:
    """Tencent Cloud reply callback."""
    messages = TencentSmsProvider.parse_inbound(await _payload(request, "tencent", token))
    service.handle_inbound(
        session, provider="tencent", channel="sms", messages=messages, actor="provider:tencent"
    )
    return _TENCENT_OK
