"""Messaging HTTP routes (mounted under /v1): templates, outbox, receipts and inbound webhooks, verification.

Every route declares its permission, except ``GET /v1/verify/{code}`` (anyone holding a message may check it;
rate-limited per client; discloses nothing of the debt), the Twilio webhooks, which are authenticated by Twilio's
``X-Twilio-Signature`` instead, and the Alibaba/Tencent callbacks (``messaging.webhooks_cn``), authenticated by a
secret token in their URL.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, HTTPException, Query, Request, Response
from pydantic import BaseModel, Field
from sqlalchemy.orm import Session

from faircollect.api.deps import Permission, Principal, SessionDep, public, require
from faircollect.api.errors import json_body
from faircollect.identity.errors import TooManyRequests
from faircollect.identity.ratelimit import app_rate_limits, request_client
from faircollect.kit.errors import ValidationError
from faircollect.kit.types import MAX_OFFSET
from faircollect.messaging import outbox, service, templates, verification, webhooks_cn
from faircollect.messaging.models import STATUSES, MessageTemplate
from faircollect.messaging.providers.base import InboundMessage, Receipt
from faircollect.messaging.providers.http import HttpSmsProvider
from faircollect.messaging.providers.twilio import TwilioProvider, signature_valid
from faircollect.messaging.settings import get_messaging_settings

router = APIRouter(tags=["messaging"])
# The Alibaba / Tencent callbacks first: they must win over the generic /messaging/receipts/{provider}.
router.include_router(webhooks_cn.router)


class TemplateIn(BaseModel):
    key: str = Field(description="Template key, e.g. 'overdue'.")
    channel: str = Field(description="sms, email, letter, im, …")
    language: str = Field(description="zh-CN, zh-TW or en")
    body: str = Field(description="Jinja text using only the whitelisted variables.")
    requires_visit_approved: bool = Field(
        default=False, description="States an approved visit: linted with that context."
    )
    requires_lawsuit_filed: bool = Field(default=False, description="States a filed lawsuit.")


class TemplateOut(BaseModel):
    id: str
    key: str
    channel: str
    language: str
    version: int
    body: str
    lint_verdict: str
    lint_findings: list[dict[str, Any]]
    created_by: str
    created_at: str
    requires_visit_approved: bool
    requires_lawsuit_filed: bool

    @classmethod
    def of(cls, t: MessageTemplate) -> TemplateOut:
        return cls(
            id=t.id,
            key=t.key,
            channel=t.channel,
            language=t.language,
            version=t.version,
            body=t.body,
            lint_verdict=t.lint_verdict,
            lint_findings=list(t.lint_findings or []),
            created_by=t.created_by,
            created_at=t.created_at.isoformat(),
            requires_visit_approved=t.requires_visit_approved,
            requires_lawsuit_filed=t.requires_lawsuit_filed,
        )


@router.get("/messaging/templates", response_model=list[TemplateOut])
def list_templates(
    all_versions: bool = Query(False, description="Every version, not only the latest."),
    session: Session = SessionDep,
    principal: Principal = require(Permission.TEMPLATE_READ),
) -> list[TemplateOut]:
    """Templates (latest version of each key, channel and language)."""
    return [TemplateOut.of(t) for t in templates.list_templates(session, latest_only=not all_versions)]


@router.post("/messaging/templates", status_code=201, response_model=TemplateOut)
def save_template(
    body: TemplateIn, session: Session = SessionDep, principal: Principal = require(Permission.TEMPLATE_WRITE)
) -> TemplateOut:
    """Save a new template version. Linted on save: refused (422, with the findings) if the linter blocks it."""
    tpl = templates.save_template(
        session,
        key=body.key,
        channel=body.channel,
        language=body.language,
        body=body.body,
        created_by=principal.actor,
        requires_visit_approved=body.requires_visit_approved,
        requires_lawsuit_filed=body.requires_lawsuit_filed,
    )
    return TemplateOut.of(tpl)


@router.get("/messaging/templates/{key}", response_model=TemplateOut)
def get_template(
    key: str,
    language: str = Query("zh-CN"),
    channel: str | None = Query(None),
    session: Session = SessionDep,
    principal: Principal = require(Permission.TEMPLATE_READ),
) -> TemplateOut:
    return TemplateOut.of(templates.get_template(session, key, language, channel=channel))


@router.get("/messaging/outbox")
def list_outbox(
    status: str | None = Query(None, description="planned, sending, sent, delivered, failed, dead, blocked"),
    borrower_id: str | None = Query(None),
    limit: int = Query(100, ge=1, le=1000),
    offset: int = Query(0, ge=0, le=MAX_OFFSET),
    session: Session = SessionDep,
    principal: Principal = require(Permission.OUTBOX_READ),
) -> list[dict[str, Any]]:
    """Outbox messages, newest first; addresses masked, bodies left out."""
    if status is not None and status not in STATUSES:
        raise ValidationError(f"status must be one of {', '.join(STATUSES)}", field="status")
    rows = outbox.list_messages(session, status=status, borrower_id=borrower_id, limit=limit, offset=offset)
    return [outbox.message_summary(m) for m in rows]


async def _twilio_form(request: Request) -> dict[str, str]:
    s = get_messaging_settings()
    if not s.twilio_auth_token:
        raise HTTPException(status_code=403, detail="Twilio webhooks are not configured (no auth token)")
    # Twilio posts application/x-www-form-urlencoded; parsed here (no multipart support needed).
    form = dict(parse_qsl((await request.body()).decode("utf-8"), keep_blank_values=True))
    # Twilio signs the exact URL it called; behind a proxy, the proxy must preserve it.
    if not signature_valid(
        s.twilio_auth_token, str(request.url), form, request.headers.get("X-Twilio-Signature")
    ):
        raise HTTPException(status_code=403, detail="bad X-Twilio-Signature")
    return form


def _http_parser() -> HttpSmsProvider:
    return HttpSmsProvider(url=get_messaging_settings().http_url or "http://unused")


@router.post("/messaging/receipts/twilio", dependencies=[public])
async def twilio_receipt(request: Request, session: Session = SessionDep) -> dict[str, Any]:
    """Twilio status callback (form post, signed)."""
    form = await _twilio_form(request)
    receipts = TwilioProvider.parse_receipts(form)
    return {
        "receipts": service.apply_receipts(
            session, provider="twilio", receipts=receipts, actor="provider:twilio"
        )
    }


@router.post("/messaging/receipts/{provider}")
async def receipt(
    provider: str,
    request: Request,
    session: Session = SessionDep,
    principal: Principal = require(Permission.RECEIPT_POST),
) -> dict[str, Any]:
    """Delivery receipts from the generic HTTP provider or the file sink: JSON ``{id, status, error_code?}`` or a list."""
    payload = await json_body(request)
    receipts: list[Receipt] = _http_parser().parse_receipts(payload)
    return {
        "receipts": service.apply_receipts(
            session, provider=provider, receipts=receipts, actor=principal.actor
        )
    }


@router.post("/messaging/inbound/twilio", dependencies=[public])
async def twilio_inbound(request: Request, session: Session = SessionDep) -> Response:
    """Twilio inbound SMS (form post, signed). Answers empty TwiML."""
    form = await _twilio_form(request)
    service.handle_inbound(
        session,
        provider="twilio",
        channel="sms",
        messages=TwilioProvider.parse_inbound(form),
        actor="provider:twilio",
    )
    return Response(content="<Response/>", media_type="application/xml")


@router.post("/messaging/inbound/{provider}")
async def inbound(
    provider: str,
    request: Request,
    channel: str = Query("sms", description="The channel the replies came in on."),
    session: Session = SessionDep,
    principal: Principal = require(Permission.INBOUND_POST),
) -> dict[str, Any]:
    """Inbound replies: JSON ``{from, text, to?, id?}`` or a list. STOP / 回T退订 / TD … become opt-outs."""
    payload = await json_body(request)
    messages: list[InboundMessage] = _http_parser().parse_inbound(payload)
    if not messages:
        raise ValidationError("no reply found: expected {from, text}", field="body")
    return {
        "replies": service.handle_inbound(
            session, provider=provider, channel=channel, messages=messages, actor=principal.actor
        )
    }


def checked_verify(request: Request, session: Session, code: str) -> verification.Verification:
    """The one public look-up of a verification code, for ``GET /v1/verify/{code}`` and the portal's
    ``/portal/verify`` alike: look-ups per minute (``verify_per_minute``) and failed look-ups per hour
    (``verify_failures_per_hour``) counted per client address in the same buckets, and every failure audited
    (``messaging.verify_failed``, who asked from where). Raises TooManyRequests (429 with Retry-After)."""
    settings = request.app.state.settings
    limits = app_rate_limits(request)
    client = request_client(request)
    failures = f"{settings.verify_failures_per_hour}/hour"
    limits.enforce(f"{settings.verify_per_minute}/minute", "verify", client, what="verification requests")
    v = limits.peek(failures, "verify-failed", client)
    if not v.allowed:
        raise TooManyRequests(
            f"too many unknown codes from your address; try again in {v.retry_after} s",
            retry_after=v.retry_after,
        )
    result = verification.verify(
        session,
        code,
        lender=settings.lender_name,
        official_channels=settings.official_channel_list(),
        business_timezone=settings.business_timezone,
    )
    if not result.genuine:
        limits.hit(failures, "verify-failed", client)
        verification.record_failed_attempt(
            session, code=code, client=client, actor=f"anonymous:{client}", reason=result.message[:60]
        )
    return result


@router.get("/verify/{code}", dependencies=[public])
def verify_code(
    code: str, request: Request, response: Response, session: Session = SessionDep
) -> dict[str, object]:
    """Is a message carrying this code genuine? Open to anyone holding a message. Says only: genuine or not, the
    lender, the channel, the date, the lender's official channels and the anti-scam reminder — never the name, the
    loan, an amount or the text (a signed-in borrower reads the text in the portal).

    Rate-limited per client address (seen through FAIRCOLLECT_TRUSTED_PROXIES only): look-ups per minute, and
    failed look-ups (unknown or malformed codes) per hour, which are also audited. A stranger's failures throttle
    the stranger; nothing is ever locked for the borrower."""
    result = checked_verify(request, session, code)
    response.headers["Cache-Control"] = "no-store"
    return result.as_dict()


@router.get("/verify/{code}/message")
def verify_message(
    code: str,
    request: Request,
    response: Response,
    session: Session = SessionDep,
    principal: Principal = require(Permission.PORTAL),
) -> dict[str, object]:
    """The text of a message sent to the signed-in borrower (portal session): 404 for any other code."""
    assert principal.borrower_id is not None
    msg = verification.message_for_borrower(
        session,
        code,
        borrower_id=principal.borrower_id,
        business_timezone=request.app.state.settings.business_timezone,
    )
    response.headers["Cache-Control"] = "no-store"
    return msg.as_dict()
