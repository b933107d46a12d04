"""Messaging settings from the environment (prefix ``FAIRCOLLECT_MESSAGING_``): providers, retries, leases."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class MessagingSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FAIRCOLLECT_MESSAGING_", extra="ignore")

    provider: str = Field(
        default="file", description="Default provider: file, console, http, twilio, smtp, aliyun, tencent."
    )
    email_provider: str | None = Field(
        default=None, description="Provider for e-mail messages when it differs (e.g. smtp)."
    )
    sink_path: Path = Field(default=Path("faircollect-sent.jsonl"), description="File sink (JSON lines).")

    http_url: str | None = Field(default=None, description="Generic HTTP SMS provider: send URL.")
    http_auth_header: str = Field(default="Authorization")
    http_auth_value: str | None = Field(default=None, description="e.g. 'Bearer …'")
    http_body_template: str | None = Field(
        default=None,
        description="Jinja template of the request body (variables: to, body, idempotency_key, "
        "verification_code, message_id, sender); JSON by default.",
    )
    http_id_path: str = Field(default="id", description="Dotted path of the message id in the JSON response.")
    http_idempotency_header: str | None = Field(default="Idempotency-Key")
    http_sender: str | None = None

    twilio_account_sid: str | None = None
    twilio_auth_token: str | None = None
    twilio_from: str | None = None
    twilio_messaging_service_sid: str | None = None
    twilio_base_url: str = "https://api.twilio.com"
    twilio_status_callback: str | None = None

    # Alibaba Cloud SMS (dysmsapi SendSms); the template has one variable holding the message text.
    aliyun_access_key_id: str | None = None
    aliyun_access_key_secret: str | None = None
    aliyun_sign_name: str | None = Field(
        default=None, description="The approved signature (签名), e.g. 示例金融."
    )
    aliyun_template_code: str | None = Field(default=None, description="The approved template, e.g. SMS_123.")
    aliyun_template_variable: str = Field(default="content", description="The template's text variable.")
    aliyun_endpoint: str = "https://dysmsapi.aliyuncs.com/"
    aliyun_region_id: str = "cn-hangzhou"
    aliyun_callback_token: str | None = Field(
        default=None,
        description="Secret in the SmsReport/SmsUp push URLs (?token=…); callbacks refused without.",
    )

    # Tencent Cloud SMS (SendSms 2021-01-11); the template's {1} holds the message text.
    tencent_secret_id: str | None = None
    tencent_secret_key: str | None = None
    tencent_sdk_app_id: str | None = None
    tencent_sign_name: str | None = None
    tencent_template_id: str | None = None
    tencent_endpoint: str = "https://sms.tencentcloudapi.com/"
    tencent_region: str = "ap-guangzhou"
    tencent_callback_token: str | None = Field(
        default=None,
        description="Secret in the status/reply callback URLs (?token=…); callbacks refused without.",
    )

    smtp_host: str = "localhost"
    smtp_port: int = 25
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = False
    smtp_ssl: bool = False
    smtp_from: str = "noreply@example.com"

    validity: dict[str, str] = Field(
        default_factory=dict,
        description='Validity per template kind, JSON {"kind": "day" | "<N>h"}, merged over the defaults '
        "(messaging/validity.py): a stale message is re-rendered with fresh facts or expired.",
    )
    max_attempts: int = Field(default=5, ge=1, description="Dead-letter after this many send attempts.")
    backoff_base_seconds: float = Field(
        default=30.0, gt=0, description="First retry delay; doubles each time."
    )
    backoff_max_seconds: float = Field(default=3600.0, gt=0)
    lease_seconds: float = Field(
        default=120.0, gt=0, description="A 'sending' message whose lease has expired is taken over."
    )


@lru_cache(maxsize=1)
def get_messaging_settings() -> MessagingSettings:
    return MessagingSettings()
