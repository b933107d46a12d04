"""Provider adapters: file/console sinks, a generic HTTP SMS gateway, Twilio's API shape, Alibaba Cloud and Tencent
Cloud SMS, e-mail over SMTP."""

from __future__ import annotations

from pathlib import Path

from faircollect.kit.errors import ValidationError
from faircollect.messaging.providers.aliyun import AliyunSmsProvider
from faircollect.messaging.providers.base import (
    AmbiguousError,
    ChannelRouter,
    InboundMessage,
    OutgoingMessage,
    PermanentError,
    Provider,
    ProviderError,
    Receipt,
    SendResult,
    TransientError,
    resolve,
)
from faircollect.messaging.providers.file import ConsoleSink, FileSink, read_sink
from faircollect.messaging.providers.http import HttpSmsProvider
from faircollect.messaging.providers.smtp import SmtpProvider
from faircollect.messaging.providers.tencent import TencentSmsProvider
from faircollect.messaging.providers.twilio import TwilioProvider
from faircollect.messaging.settings import MessagingSettings, get_messaging_settings

PROVIDER_NAMES = ("file", "console", "http", "twilio", "smtp", "aliyun", "tencent")

__all__ = [
    "PROVIDER_NAMES",
    "AliyunSmsProvider",
    "AmbiguousError",
    "ChannelRouter",
    "ConsoleSink",
    "FileSink",
    "HttpSmsProvider",
    "InboundMessage",
    "OutgoingMessage",
    "PermanentError",
    "Provider",
    "ProviderError",
    "Receipt",
    "SendResult",
    "SmtpProvider",
    "TencentSmsProvider",
    "TransientError",
    "TwilioProvider",
    "make_provider",
    "read_sink",
    "resolve",
]


def make_provider(
    name: str, settings: MessagingSettings | None = None, *, sink_path: str | Path | None = None
) -> Provider:
    """Build a provider from ``FAIRCOLLECT_MESSAGING_*`` settings. Raises ``ValidationError`` naming what is missing."""
    s = settings or get_messaging_settings()
    if name == "file":
        return FileSink(sink_path or s.sink_path)
    if name == "console":
        return ConsoleSink()
    if name == "http":
        if not s.http_url:
            raise ValidationError("the http provider needs FAIRCOLLECT_MESSAGING_HTTP_URL", field="provider")
        http = HttpSmsProvider(
            url=s.http_url,
            auth_header=s.http_auth_header,
            auth_value=s.http_auth_value,
            id_path=s.http_id_path,
            idempotency_header=s.http_idempotency_header,
            sender=s.http_sender,
        )
        if s.http_body_template:
            http.body_template = s.http_body_template
        return http
    if name == "twilio":
        if not (s.twilio_account_sid and s.twilio_auth_token):
            raise ValidationError(
                "the twilio provider needs FAIRCOLLECT_MESSAGING_TWILIO_ACCOUNT_SID and _AUTH_TOKEN",
                field="provider",
            )
        try:
            return TwilioProvider(
                account_sid=s.twilio_account_sid,
                auth_token=s.twilio_auth_token,
                from_number=s.twilio_from,
                messaging_service_sid=s.twilio_messaging_service_sid,
                base_url=s.twilio_base_url,
                status_callback=s.twilio_status_callback,
            )
        except ValueError as exc:
            raise ValidationError(str(exc), field="provider") from exc
    if name == "aliyun":
        _require(
            name,
            access_key_id=s.aliyun_access_key_id,
            access_key_secret=s.aliyun_access_key_secret,
            sign_name=s.aliyun_sign_name,
            template_code=s.aliyun_template_code,
        )
        return AliyunSmsProvider(
            access_key_id=str(s.aliyun_access_key_id),
            access_key_secret=str(s.aliyun_access_key_secret),
            sign_name=str(s.aliyun_sign_name),
            template_code=str(s.aliyun_template_code),
            template_variable=s.aliyun_template_variable,
            endpoint=s.aliyun_endpoint,
            region_id=s.aliyun_region_id,
        )
    if name == "tencent":
        _require(
            name,
            secret_id=s.tencent_secret_id,
            secret_key=s.tencent_secret_key,
            sdk_app_id=s.tencent_sdk_app_id,
            sign_name=s.tencent_sign_name,
            template_id=s.tencent_template_id,
        )
        return TencentSmsProvider(
            secret_id=str(s.tencent_secret_id),
            secret_key=str(s.tencent_secret_key),
            sdk_app_id=str(s.tencent_sdk_app_id),
            sign_name=str(s.tencent_sign_name),
            template_id=str(s.tencent_template_id),
            endpoint=s.tencent_endpoint,
            region=s.tencent_region,
        )
    if name == "smtp":
        return SmtpProvider(
            host=s.smtp_host,
            port=s.smtp_port,
            from_address=s.smtp_from,
            username=s.smtp_username,
            password=s.smtp_password,
            starttls=s.smtp_starttls,
            use_ssl=s.smtp_ssl,
        )
    raise ValidationError(
        f"unknown provider {name!r}; choose from {', '.join(PROVIDER_NAMES)}", field="provider"
    )


def _require(provider: str, **values: str | None) -> None:
    missing = [f"FAIRCOLLECT_MESSAGING_{provider.upper()}_{k.upper()}" for k, v in values.items() if not v]
    if missing:
        raise ValidationError(f"the {provider} provider needs {', '.join(missing)}", field="provider")


def make_routed_provider(
    name: str, settings: MessagingSettings | None = None, *, sink_path: str | Path | None = None
) -> Provider | ChannelRouter:
    """``name`` for every channel, or e-mail through ``FAIRCOLLECT_MESSAGING_EMAIL_PROVIDER`` when that is set."""
    s = settings or get_messaging_settings()
    main = make_provider(name, s, sink_path=sink_path)
    if s.email_provider and s.email_provider != name:
        return ChannelRouter({"email": make_provider(s.email_provider, s, sink_path=sink_path)}, main)
    return main
