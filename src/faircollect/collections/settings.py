"""Collections settings from the environment (prefix ``FAIRCOLLECT_COLLECTIONS_``)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class CollectionsSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FAIRCOLLECT_COLLECTIONS_", extra="ignore")

    service_phone: str = Field(
        default="400-000-0000", description="The lender's service line shown in messages."
    )
    send_hour: int = Field(
        default=10, ge=0, le=23, description="Local hour (borrower's zone) planned messages go."
    )
    strategy_file: str | None = Field(
        default=None, description="Default strategy YAML for `collections plan`."
    )
    promise_max_days: int = Field(
        default=30,
        ge=1,
        le=90,
        description="The furthest ahead (days after it is made) a promise to pay may be dated; beyond: a plan.",
    )
    #: Unit costs per contact in minor units, for the report's cost column (SMS, call minutes, letters, visits).
    cost_sms_minor: int = 5
    cost_email_minor: int = 1
    cost_call_minor: int = 300
    cost_letter_minor: int = 800
    cost_visit_minor: int = 20000
    cost_im_minor: int = 1
    cost_voicemail_minor: int = 50

    def cost_minor(self, channel: str) -> int:
        return int(getattr(self, f"cost_{channel}_minor", 0))


@lru_cache(maxsize=1)
def get_collections_settings() -> CollectionsSettings:
    return CollectionsSettings()
