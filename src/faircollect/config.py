"""Settings from the environment (prefix ``FAIRCOLLECT_``; ``DATABASE_URL`` for the database)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import AliasChoices, Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="FAIRCOLLECT_", extra="ignore")

    database_url: str = Field(
        default="sqlite:///faircollect.sqlite3",
        validation_alias=AliasChoices("DATABASE_URL", "FAIRCOLLECT_DATABASE_URL"),
        description="SQLAlchemy URL. SQLite file by default; postgresql+psycopg://… in production.",
    )
    jurisdiction: str = Field(default="CN", description="Default rulebook jurisdiction (CN, US, UK).")
    business_timezone: str = Field(
        default="Asia/Shanghai", description="The lender's business zone for dates."
    )
    lender_name: str = Field(
        default="示例金融 Demo Lending", description="Name shown in messages and verification."
    )
    api_keys: str = Field(
        default="",
        description="Comma-separated API keys accepted in the X-API-Key header. Empty: the API refuses all calls "
        "except /health and /v1/verify.",
    )
    audit_key_file: Path = Field(
        default=Path("faircollect-audit.key"),
        description="Ed25519 private key (PEM) used to sign audit checkpoints; created on first use.",
    )
    audit_checkpoint_every: int = Field(default=1000, description="Sign a checkpoint every N audit records.")
    audit_retention_years: int = Field(
        default=5, ge=5, description="Audit records are kept at least this long (NIFA 2018: ≥ 5 years)."
    )
    kek: SecretStr | None = Field(
        default=None,
        description="Key-encryption key (32 random bytes, base64) that wraps the per-borrower data keys. "
        "Wins over kek_file. See docs/privacy.md.",
    )
    kek_file: Path = Field(
        default=Path("faircollect-kek.key"),
        description="File holding the key-encryption key (base64); created with mode 0600 on first use.",
    )
    log_level: str = Field(default="INFO")
    log_json: bool = Field(default=True)


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
